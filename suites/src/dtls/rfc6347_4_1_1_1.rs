//! RFC 6347 §4.1.1.1: a DTLS stack usually cannot learn the path MTU, so when its handshake
//! flight gets no answer after a few retransmissions it backs off to smaller records,
//! fragmenting its handshake messages (§4.2.3). A SHOULD: a target that does not is
//! reported NonStrict.
//!
//! The path loses every datagram over 548 bytes of UDP payload (a 576-byte IPv4 packet, the
//! size every IPv4 host must accept), both ways; the harness fragments its own handshake
//! messages to fit. A target whose certificate flight, packed into full datagrams, does
//! not fit completes the handshake within the impaired calls' bound only if it backs off;
//! one whose datagrams are small enough from the start passes without.

use rtcspec_harness::case::Spec;
use rtcspec_harness::peer::fragment::Fragmenting;
use rtcspec_harness::peer::{Impairment, PeerOptions};
use rtcspec_harness::{Case, Ctx, Outcome, Verdict};

use super::kit::impaired::{impaired_call_with, TargetRole, IMPAIRED_BOUND};
use crate::live::PEER;

const BACK_OFF: &str = "If repeated retransmissions do not result in a response, and the PMTU \
    is unknown, subsequent retransmissions SHOULD back off to a smaller \
    record size, fragmenting the handshake message as appropriate.  This \
    standard does not specify an exact number of retransmits to attempt \
    before backing off, but 2-3 seems appropriate.";

/// A 576-byte IPv4 packet less its IPv4 (20) and UDP (8) headers.
const PATH_MTU: u16 = 576 - 28;
/// The harness's handshake fragments: with their handshake (12) and record (13) headers they
/// fit the path.
const HARNESS_FRAGMENTS: Fragmenting = Fragmenting { size: 400, step: 400 };

pub const CASES: &[Case] = &[Case::new(
    "dtls.6347.4.1.1.1.handshake-backs-off-to-576-byte-path",
    "On a path that loses datagrams over 548 bytes, the target, DTLS \
            server, gets its handshake through (backing off to smaller records if \
            its first ones do not fit) and DTLS completes",
    Spec::should("RFC 6347", "4.1.1.1", BACK_OFF),
    PEER,
    handshake_backs_off,
)
.time_bound(IMPAIRED_BOUND)];

/// The target is the DTLS server: its flight with the certificate is the bigger one.
fn handshake_backs_off(ctx: &mut Ctx) -> Verdict {
    let impairment = Impairment { mtu: Some(PATH_MTU), ..Impairment::default() };
    let options = PeerOptions { handshake_fragments: Some(HARNESS_FRAGMENTS), ..PeerOptions::default() };
    match impaired_call_with(ctx, (impairment, options), TargetRole::Server, None) {
        Ok(_) => Ok(Outcome::Pass),
        Err(Outcome::Fail { expected, actual, .. }) => {
            Ok(Outcome::NonStrict { why: format!("expected {expected}; got {actual}") })
        }
        Err(other) => Err(other),
    }
}
