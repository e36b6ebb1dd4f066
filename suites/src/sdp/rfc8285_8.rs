//! RFC 8285 §8: the a=extmap attribute's syntax; a malformed one is rejected.

use super::kit::*;
use rtcspec_harness::{Case, Ctx, Spec, Verdict};

pub const CASES: &[Case] = &[Case::new(
    "sdp.9429.5.8.2.extmap-malformed-rejected",
    "An a=extmap with an \
        unknown direction is rejected",
    Spec::must(
        "RFC 8285",
        "8",
        "mapentry = \"extmap:\" 1*5DIGIT [\"/\" direction] ... direction = \
                \"sendonly\" / \"recvonly\" / \"sendrecv\" / \"inactive\"",
    ),
    SDP,
    extmap_rejected,
)
.covers(&["rfc9429-5.8.2-17"])];

fn extmap_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(ctx, &variant("a=extmap:1 urn", "a=extmap:1/both urn"), "a=extmap:1/both")
}
