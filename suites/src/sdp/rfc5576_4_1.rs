//! RFC 5576 §4.1: a=ssrc carries a 32-bit SSRC; one out of range is rejected.

use super::kit::*;
use rtcspec_harness::{Case, Ctx, Spec, Verdict};

pub const CASES: &[Case] = &[Case::new(
    "sdp.9429.5.8.2.ssrc-out-of-range-rejected",
    "An a=ssrc id of 2^32 is rejected",
    Spec::must(
        "RFC 5576",
        "4.1",
        "<ssrc-id> is the synchronization source (SSRC) ID of the source being \
                described, interpreted as a 32-bit unsigned integer in network byte \
                order and represented in decimal.",
    ),
    SDP,
    ssrc_rejected,
)
.covers(&["rfc9429-5.8.2-16"])];

fn ssrc_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(ctx, &variant("a=ssrc:1001 cname", "a=ssrc:4294967296 cname"), "a=ssrc:4294967296")
}
