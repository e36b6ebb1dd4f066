//! RFC 5576 §4.1: a=ssrc carries a 32-bit SSRC; one out of range is rejected.

use super::kit::*;
use rtcspec_harness::{Case, Ctx, Level::*, Verdict};

pub const CASES: &[Case] = &[Case {
    covers: &["rfc9429-5.8.2-16"],
    ..case(
        "sdp.9429.5.8.2.ssrc-out-of-range-rejected",
        "An a=ssrc id of 2^32 is rejected",
        "RFC 5576",
        "4.1",
        Must,
        "<ssrc-id> is the synchronization source (SSRC) ID of the source being \
                described, interpreted as a 32-bit unsigned integer in network byte \
                order and represented in decimal.",
        ssrc_rejected,
    )
}];

fn ssrc_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(ctx, &variant("a=ssrc:1001 cname", "a=ssrc:4294967296 cname"), "a=ssrc:4294967296")
}
