//! RFC 4585 §4.2: the a=rtcp-fb attribute's syntax; a malformed one is rejected.

use super::kit::*;
use rtcspec_harness::{Case, Ctx, Spec, Verdict};

pub const CASES: &[Case] = &[Case::new(
    "sdp.9429.5.8.2.rtcp-fb-malformed-rejected",
    "An a=rtcp-fb with no \
        feedback type is rejected",
    Spec::must("RFC 4585", "4.2", "rtcp-fb-syntax = \"a=rtcp-fb:\" rtcp-fb-pt SP rtcp-fb-val CRLF"),
    SDP,
    rtcp_fb_rejected,
)
.covers(&["rfc9429-5.8.2-18"])];

fn rtcp_fb_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(ctx, &variant("a=rtcp-fb:111 transport-cc", "a=rtcp-fb:111"), "a=rtcp-fb:111 without a type")
}
