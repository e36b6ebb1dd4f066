//! RFC 7983 §7 (with RFC 9443): on a multiplexed port, the first byte decides the protocol;
//! STUN owns 0-3. A STUN agent sharing the port with DTLS and RTP must not answer them.

use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

use super::kit::*;

pub const CASES: &[Case] = &[Case::new(
    "stun.7983.7.non-stun-first-byte-ignored",
    "Datagrams whose first byte says DTLS or RTP are not answered as \
        STUN",
    Spec::must(
        "RFC 7983",
        "7",
        "The receiver looks at the first byte of the packet. If the value of \
            this byte is in between 0 and 3 (inclusive), then the packet is STUN. \
            ... If the value is between 20 and 63 (inclusive), then the packet is \
            DTLS. ... If the value is in between 128 and 191 (inclusive), then \
            the packet is RTP (or RTCP, if both RTCP and RTP are being \
            multiplexed over the same destination port).",
    ),
    RESPONDER,
    non_stun_ignored,
)];

fn non_stun_ignored(ctx: &mut Ctx) -> Verdict {
    // A valid request with its first byte rewritten to a DTLS (22 = handshake) or RTP
    // (0x80) first byte; everything after it is still a STUN request.
    for first in [22u8, 0x80] {
        let (mut req, txid, _) = valid_request(ctx)?;
        req[0] = first;
        let v = expect_silence(ctx, &req, &txid)?;
        if v != Outcome::Pass {
            return Ok(match v {
                Outcome::Fail { actual, .. } => {
                    Outcome::fail(format!("first byte {first} not answered as STUN"), actual)
                }
                other => other,
            });
        }
    }
    Ok(Outcome::Pass)
}
