//! RFC 7675 §5.1: once ICE has concluded, an agent keeps consent with Binding requests on
//! the selected pair, each a new transaction sent once, never less than 4 s apart. The
//! harness watches the target's Binding requests for several seconds after the call is up
//! (its DTLS Finished: ICE has concluded by then).

use std::time::Duration;

use rtcspec_harness::peer::{Call, CallError, ChannelSpec, Payload, PeerOptions};
use rtcspec_harness::stun::{Class, Message, METHOD_BINDING};
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};
use rtcspec_wire::demux::{classify, Protocol};

use crate::live::*;

const PERIOD: &str = "To prevent synchronization of consent checks, each interval MUST be \
    randomized from between 0.8 and 1.2 times the basic period. \
    Implementations SHOULD set a default interval of 5 seconds, resulting \
    in a period between checks of 4 to 6 seconds. Implementations MUST \
    NOT set the period between checks to less than 4 seconds.";
const EXPIRY: &str = "Consent expires after 30 seconds.  That is, if a valid STUN binding \
    response has not been received from the remote peer's transport \
    address in 30 seconds, the endpoint MUST cease transmission on that \
    5-tuple.";
const NEW_TRANSACTION: &str = "Each STUN binding request for consent MUST use a new STUN transaction \
    identifier, as described in Section 6 of [RFC5389]. Each STUN binding \
    request for consent is transmitted once only.";

/// How long the harness watches after the call is up for the period: longer than the
/// shortest period RFC 7675 allows, so a shorter one shows as two checks.
const WATCH_PERIOD: Duration = Duration::from_millis(4300);
/// For a consent check at all: longer than the longest first period (6 s) after ICE
/// concluded.
const WATCH_ONE: Duration = Duration::from_millis(7000);
/// After the target's Finished, before requests count as consent checks: the last
/// connectivity checks and their retransmissions may still be under way.
const SETTLE_US: u64 = 500_000;
/// The shortest gap RFC 7675 allows, less 100 ms for the harness's own timing.
const SHORTEST_US: u64 = 3_900_000;

pub const CASES: &[Case] = &[
    Case::new(
        "ice.7675.5.1.consent-checks-4s-apart",
        "Once ICE has concluded, the target's consent checks are at least 4 s \
            apart",
        Spec::must("RFC 7675", "5.1", PERIOD),
        PEER,
        consent_checks_apart,
    ),
    Case::new(
        "ice.7675.5.1.consent-check-new-transaction",
        "Each consent check of the target is a new transaction, sent once",
        Spec::must("RFC 7675", "5.1", NEW_TRANSACTION),
        PEER,
        consent_new_transaction,
    ),
    Case::new(
        "ice.7675.5.1.stops-sending-when-consent-expires",
        "The harness stops answering the target's checks: within 30 s of its \
                last answer the target sends no more DTLS, SRTP or SCTP",
        Spec::must("RFC 7675", "5.1", EXPIRY),
        PEER,
        stops_sending_when_consent_expires,
    )
    .tags(SECURITY)
    .time_bound(EXPIRY_BOUND),
];

/// RFC 7675's expiry: no response to a consent check for this long, and transmission stops.
const CONSENT_EXPIRES_US: u64 = 30_000_000;
/// Allowed past the expiry for the target's timer and the loopback: a stack that stops on
/// time, measured from when it received the last answer, stops well within it.
const EXPIRY_MARGIN_US: u64 = 1_000_000;
/// How long the harness watches after it stops answering: past the expiry and its margin,
/// plus time for a target that goes on to show it.
const WATCH_EXPIRY: Duration = Duration::from_secs(34);
/// The case's time bound: the call, the watch and the reading of the wire.
const EXPIRY_BOUND: Duration = Duration::from_secs(45);
/// While it watches, the harness sends a message this often: each one the target's
/// association acknowledges is a transmission while it has consent.
const PROD_EVERY: Duration = Duration::from_millis(250);

/// Stops answering the target's checks, then keeps its association busy for [`WATCH_EXPIRY`].
fn withhold_consent(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    call.harness.withhold_consent();
    let until = std::time::Instant::now() + WATCH_EXPIRY;
    while std::time::Instant::now() < until {
        // The channel may go: what the target sends is what the case judges.
        let _ = call.harness.send(&channel.label, &Payload::Text("consent?".into()));
        call.run_for(PROD_EVERY)?;
    }
    Ok(())
}

fn stops_sending_when_consent_expires(ctx: &mut Ctx) -> Verdict {
    // The harness answers as DTLS server: the one pairing in which every stack here brings
    // the association up (werift takes its SCTP role from its ICE role, FINDINGS.md).
    let options = PeerOptions { answer_as_dtls_server: true, ..PeerOptions::default() };
    let setup = Setup { options, then: Some(withhold_consent), ..Setup::new(Offerer::Target) };
    let call = call_and_read_setup(ctx, setup)?;
    if !call.established {
        return Err(Outcome::Error {
            why: format!("the call did not come up, so consent was never withheld; {}", call.summary),
        });
    }
    // A Binding success response: class success, method Binding (RFC 8489 §5).
    let last_answer = call.to_target.iter().filter(|d| d.bytes.starts_with(&[0x01, 0x01])).map(|d| d.at_us).max();
    let Some(last_answer) = last_answer else {
        return Err(Outcome::Error {
            why: format!("the harness never answered a check of the target; {}", call.summary),
        });
    };
    let bound = last_answer + CONSENT_EXPIRES_US + EXPIRY_MARGIN_US;
    let late: Vec<&rtcspec_harness::net::Datagram> =
        call.from_target.iter().filter(|d| d.at_us > bound && classify(&d.bytes) != Protocol::Stun).collect();
    let Some(last) = late.last() else { return Ok(Outcome::Pass) };
    let seconds = |us: u64| us as f64 / 1e6;
    Ok(Outcome::fail(
        format!(
            "no DTLS, SRTP or SCTP from the target more than 31 s after the \
                harness's last answer to its checks (at {:.1} s)",
            seconds(last_answer)
        ),
        format!(
            "{} datagrams after that, the last at {:.1} s ({:.1} s after the last \
                answer)",
            late.len(),
            seconds(last.at_us),
            seconds(last.at_us - last_answer)
        ),
    ))
}

/// A Binding request of the target: when (microseconds into the case), and its transaction.
type Sent = (u64, [u8; 12]);

/// The target's Binding requests after ICE concluded.
fn consent_checks(ctx: &mut Ctx, watch: OnceEstablished) -> Result<(LiveCall, Vec<Sent>), Outcome> {
    let setup = Setup { then: Some(watch), until_connected: true, ..Setup::new(Offerer::Harness) };
    let call = call_and_read_setup(ctx, setup)?;
    // The target's first protected DTLS record (its Finished): ICE has selected a pair.
    let concluded = call
        .from_target
        .iter()
        .find(|d| classify(&d.bytes) == Protocol::Dtls && d.bytes.get(3..5).is_some_and(|e| e != [0, 0]))
        .map(|d| d.at_us)
        .ok_or_else(|| Outcome::Error { why: format!("no protected DTLS record from the target; {}", call.summary) })?;
    let checks = call
        .from_target
        .iter()
        .filter(|d| d.at_us > concluded + SETTLE_US && classify(&d.bytes) == Protocol::Stun)
        .filter_map(|d| Message::parse(&d.bytes).ok().map(|m| (d.at_us, m)))
        .filter(|(_, m)| m.class == Class::Request && m.method == METHOD_BINDING)
        .map(|(at, m)| (at, m.transaction_id))
        .collect();
    Ok((call, checks))
}

fn consent_checks_apart(ctx: &mut Ctx) -> Verdict {
    let (_, checks) = consent_checks(ctx, |call, _| call.run_for(WATCH_PERIOD))?;
    let gaps: Vec<u64> = checks.windows(2).map(|w| w[1].0 - w[0].0).collect();
    let expected = "consent checks at least 4 s apart";
    Ok(match gaps.iter().min() {
        Some(&shortest) if shortest < SHORTEST_US => Outcome::fail(
            expected,
            format!(
                "{} Binding requests in {} ms after ICE concluded, gaps (ms) {:?}",
                checks.len(),
                WATCH_PERIOD.as_millis(),
                gaps.iter().map(|g| g / 1000).collect::<Vec<_>>()
            ),
        ),
        _ => Outcome::Pass,
    })
}

fn consent_new_transaction(ctx: &mut Ctx) -> Verdict {
    let (_, checks) = consent_checks(ctx, |call, _| call.run_for(WATCH_ONE))?;
    if checks.is_empty() {
        return Err(Outcome::Error {
            why: format!("no Binding request from the target in {} ms after ICE concluded", WATCH_ONE.as_millis()),
        });
    }
    let mut seen = std::collections::BTreeSet::new();
    Ok(match checks.iter().find(|(_, id)| !seen.insert(*id)) {
        None => Outcome::Pass,
        Some((at, id)) => Outcome::fail(
            "a new transaction id for every consent check",
            format!(
                "transaction {} sent again at {} ms",
                id.iter().map(|b| format!("{b:02x}")).collect::<String>(),
                at / 1000
            ),
        ),
    })
}
