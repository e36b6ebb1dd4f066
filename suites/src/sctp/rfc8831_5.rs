//! RFC 8831 §5: SCTP over DTLS cannot learn the path MTU from ICMP, so it starts from a safe
//! one: no more than 1200 bytes at the IP layer over IPv4 (1280 over IPv6), and it probes
//! for more (RFC 4821) rather than assuming it.
//!
//! The interposer loses every datagram of DTLS application data whose IPv4 packet would
//! exceed 1200 bytes (a UDP payload over 1172 bytes), both ways; the harness's own SCTP
//! packets are sized to fit. The DTLS handshake is spared: its size is DTLS's business
//! (RFC 6347 §4.1.1.1, judged by the DTLS suite), and the browsers' ClientHellos, with a
//! post-quantum key share, do not fit 1200 bytes.
//! The target sends a 16 KiB message, which it must cut into DATA chunks (RFC 9260 §6.9):
//! it arrives whole only if the target's packets fit the path. A SHOULD: a target whose
//! packets do not fit is reported NonStrict, with the size of its largest datagram.

use std::time::Duration;

use rtcspec_harness::case::Spec;
use rtcspec_harness::peer::view::Side;
use rtcspec_harness::peer::{Call, CallError, ChannelSpec, Impairment, Payload, PeerEvent, PeerOptions};
use rtcspec_harness::{Case, Ctx, Outcome, Verdict};

use super::kit::message_sizes;
use super::kit::{missing, open_from};
use crate::live::*;

const INITIAL_PMTU: &str = "Therefore, SCTP MUST support performing Path MTU discovery without \
    relying on ICMP or ICMPv6 as specified in [RFC4821] by using probing \
    messages specified in [RFC4820]. The initial Path MTU at the IP layer \
    SHOULD NOT exceed 1200 bytes for IPv4 and 1280 bytes for IPv6.";

/// The largest UDP payload of an IPv4 packet of 1200 bytes (20 bytes of IPv4 header, 8 of
/// UDP).
pub const IPV4_1200_PAYLOAD: u16 = 1200 - 20 - 8;

/// The message the target sends: several full DATA chunks at any MTU in use.
const MESSAGE: usize = 16 * 1024;

/// How long the message has to arrive: the association retransmits a lost packet after its
/// RTO (1 s at first, RFC 9260 §16), so a target that fits the path after one loss makes it.
const ARRIVES_WITHIN: Duration = Duration::from_secs(3);

pub const CASES: &[Case] = &[Case::new(
    "sctp.8831.5.initial-pmtu-fits-1200",
    "On a path that loses IPv4 packets over 1200 bytes, the target's 16 \
            KiB message arrives",
    Spec::should("RFC 8831", "5", INITIAL_PMTU),
    PEER,
    initial_pmtu_fits_1200,
)
.time_bound(Duration::from_secs(15))];

fn send_message(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    call.target_send(&channel.label, &Payload::Binary(vec![0x2a; MESSAGE]))?;
    let whole =
        |e: &PeerEvent| matches!(e, PeerEvent::Message { payload: Payload::Binary(b), .. } if b.len() == MESSAGE);
    // A message that does not arrive is what the case judges, not a failed step.
    let _ = call.wait_harness("the 16 KiB message", ARRIVES_WITHIN, whole);
    Ok(())
}

fn initial_pmtu_fits_1200(ctx: &mut Ctx) -> Verdict {
    let impairment = Impairment {
        mtu: Some(IPV4_1200_PAYLOAD),
        mtu_spares_handshake: true,
        seed: ctx.rng.u64(),
        ..Impairment::default()
    };
    let options = PeerOptions { impairment, answer_as_dtls_server: true, ..PeerOptions::default() };
    let setup = Setup { options, then: Some(send_message), ..Setup::new(Offerer::Target) };
    let call = call_and_read_setup(ctx, setup)?;
    let expected = format!(
        "the target's {MESSAGE}-byte message arrives through a path that loses \
            IPv4 packets over 1200 bytes"
    );
    let path = call.path.as_deref().unwrap_or("perfect");
    if !call.view.dtls_complete() {
        return Err(Outcome::Error {
            why: format!(
                "the DTLS handshake did not complete, so SCTP never started: {}; the \
                    path: {path}",
                call.summary
            ),
        });
    }
    let Some(open) = open_from(&call.view, Side::Target, "rtcspec") else {
        return Ok(missing(&call, &expected, "DATA_CHANNEL_OPEN from the target"));
    };
    if message_sizes(&call, open.chunk.stream).contains(&MESSAGE) {
        return Ok(Outcome::Pass);
    }
    Ok(Outcome::NonStrict {
        why: format!("the message did not arrive within {} s; the path: {path}", ARRIVES_WITHIN.as_secs()),
    })
}
