//! RFC 8446 §4.1.3, downgrade protection, which DTLS 1.3 keeps (RFC 9147 §5.3: "the
//! downgrade sentinels described in Section 4.1.3 of [TLS13] when TLS 1.2 and TLS 1.1 and
//! below are negotiated apply to DTLS 1.2 and DTLS 1.0"). A DTLS 1.3 server that negotiates
//! DTLS 1.2 ends its ServerHello.random in `DOWNGRD\x01`; a client that offered DTLS 1.3 and
//! finds it there knows an attacker stripped 1.3 from its ClientHello, and aborts.
//!
//! The harness, DTLS server, speaks 1.2 only, so it negotiates 1.2 with every client. Here its
//! own stack draws the sentinel into its hello random (the crypto provider's random), so the
//! sentinel is in the harness's handshake transcript: Finished verifies, and a client that
//! ignores the sentinel completes the handshake. Rewriting the random on the wire would break
//! Finished, and every client would abort, for the wrong reason. The control is the same
//! call without the sentinel: the client must complete that one, or its abort says nothing.
//!
//! Only a client that offered DTLS 1.3 is held to this (a TLS 1.2 client need only check the
//! TLS 1.1 sentinel): for the others the case is Unsupported.

use rtcspec_harness::net::Datagram;
use rtcspec_harness::peer::keylog::DOWNGRADE_SENTINEL_TLS12;
use rtcspec_harness::peer::view::Side;
use rtcspec_harness::peer::PeerOptions;
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};
use rtcspec_wire::dtls::handshake::handshake_fragments;
use rtcspec_wire::dtls::handshake::{CLIENT_KEY_EXCHANGE, SERVER_HELLO};
use rtcspec_wire::dtls::ALERT;
use rtcspec_wire::dtls::{records, version_name, CHANGE_CIPHER_SPEC, DTLS_1_3};

use crate::live::*;

const CHECK: &str = "TLS 1.3 clients receiving a ServerHello indicating TLS 1.2 or below \
    MUST check that the last 8 bytes are not equal to either of these \
    values. ... If a match is found, the client MUST abort the handshake \
    with an \"illegal_parameter\" alert.";

/// fatal(2), illegal_parameter(47) (RFC 8446 §6).
const ILLEGAL_PARAMETER: [u8; 2] = [2, 47];

pub const CASES: &[Case] = &[Case::new(
    "dtls.8446.4.1.3.downgrade-sentinel-aborts",
    "The harness, DTLS server, negotiates DTLS 1.2 with the TLS 1.3 \
        downgrade sentinel in its ServerHello.random: a target that offered \
        DTLS 1.3 aborts with illegal_parameter",
    Spec::must("RFC 8446", "4.1.3", CHECK),
    PEER,
    downgrade_sentinel_aborts,
)
.tags(SECURITY)];

/// What the client did after the harness's ServerHello.
#[derive(Debug, Default)]
struct After {
    /// It sent a ClientKeyExchange, a ChangeCipherSpec or a record of a later epoch.
    went_on: bool,
    /// Its plaintext alerts: [level, description].
    alerts: Vec<[u8; 2]>,
}

fn after_server_hello(call: &LiveCall) -> Option<After> {
    let carries = |d: &Datagram, msg_type: u8| handshake_fragments(&d.bytes).iter().any(|f| f.msg_type == msg_type);
    let sent = call.to_target.iter().find(|d| carries(d, SERVER_HELLO))?.at_us;
    let mut after = After::default();
    for d in call.from_target.iter().filter(|d| d.at_us >= sent) {
        after.went_on |= carries(d, CLIENT_KEY_EXCHANGE);
        for r in records(&d.bytes).0 {
            match (r.content_type, r.epoch) {
                (_, epoch) if epoch > 0 => after.went_on = true,
                (CHANGE_CIPHER_SPEC, _) => after.went_on = true,
                (ALERT, _) => after.alerts.extend(r.body.get(..2).map(|a| [a[0], a[1]])),
                _ => {}
            }
        }
    }
    Some(after)
}

fn downgrade_sentinel_aborts(ctx: &mut Ctx) -> Verdict {
    let sentinel = PeerOptions { answer_as_dtls_server: true, downgrade_sentinel: true, ..PeerOptions::default() };
    let setup = Setup { options: sentinel, until_connected: true, ..Setup::new(Offerer::Target) };
    let call = call_and_read_setup(ctx, setup)?;
    if call.view.dtls_client != Some(Side::Target) {
        return Err(Outcome::Error { why: format!("the target was not the DTLS client; {}", call.summary) });
    }
    let offered = call.view.offered_versions();
    if !offered.contains(&DTLS_1_3) {
        let names: Vec<String> = offered.iter().map(|v| version_name(*v)).collect();
        return Err(Outcome::Unsupported {
            why: format!(
                "the target's ClientHello offered {} only: RFC 8446 §4.1.3 asks this \
                    of clients that offered DTLS 1.3",
                names.join(", ")
            ),
        });
    }
    // The harness's own ServerHello must carry the sentinel, or the case tests nothing.
    let random = call.view.server_random().unwrap_or_default();
    let (Some(after), true) = (after_server_hello(&call), random.ends_with(&DOWNGRADE_SENTINEL_TLS12)) else {
        return Err(Outcome::Error {
            why: format!("the harness sent no ServerHello ending in the downgrade sentinel; {}", call.summary),
        });
    };
    let expected = "an illegal_parameter alert (fatal, 47) and no more of the handshake \
        after the ServerHello";
    if after.went_on {
        return Ok(Outcome::fail(
            expected,
            format!(
                "the target went on with the handshake (ClientKeyExchange, \
                    ChangeCipherSpec or encrypted records) after a ServerHello.random \
                    ending in DOWNGRD\\x01: it would not notice an attacker stripping \
                    DTLS 1.3 from its ClientHello; {}",
                call.summary
            ),
        ));
    }
    if !after.alerts.contains(&ILLEGAL_PARAMETER) {
        let alerts: Vec<String> = after.alerts.iter().map(|[l, d]| format!("level {l} description {d}")).collect();
        return Ok(Outcome::fail(
            expected,
            if alerts.is_empty() {
                format!("the target stopped without an alert; {}", call.summary)
            } else {
                format!("the target aborted with another alert: {}", alerts.join(", "))
            },
        ));
    }
    // The control: the same call without the sentinel must complete, or the abort above may
    // have had another cause.
    let plain = PeerOptions { answer_as_dtls_server: true, ..PeerOptions::default() };
    let control =
        call_and_read_setup(ctx, Setup { options: plain, until_connected: true, ..Setup::new(Offerer::Target) })?;
    if !control.view.dtls_complete() {
        return Err(Outcome::Error {
            why: format!(
                "the target aborted the handshake with the sentinel, but does not \
                    complete one without it either, so the abort says nothing; the \
                    control: {}",
                control.summary
            ),
        });
    }
    Ok(Outcome::Pass)
}
