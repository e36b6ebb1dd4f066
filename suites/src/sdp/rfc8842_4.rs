//! RFC 8842 §4: a=tls-id is at least 20 characters; a shorter one is rejected.

use super::kit::*;
use rtcspec_harness::{Case, Ctx, Spec, Verdict};

pub const CASES: &[Case] = &[Case::new(
    "sdp.9429.5.8.1.tls-id-short-rejected",
    "An a=tls-id of 5 characters is \
        rejected",
    Spec::must("RFC 8842", "4", "tls-id-value = 20*255(tls-id-char)"),
    SDP,
    tls_id_rejected,
)
.covers(&["rfc9429-5.8-1"])];

fn tls_id_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(ctx, &inserted("a=setup:actpass\r\n", "a=tls-id:abcde"), "a=tls-id:abcde")
}
