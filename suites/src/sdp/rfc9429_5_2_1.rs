//! RFC 9429 (JSEP) §5.2.1: the a=mid values of a description are kept as they are.

use super::kit::*;
use rtcspec_harness::{check, Case, Ctx, Spec, Verdict};

pub const CASES: &[Case] = &[Case::new(
    "sdp.9429.5.2.1.mids-kept",
    "The round trip keeps every a=mid",
    Spec::must(
        "RFC 9429",
        "5.2.1",
        "The following attributes, which are of a category other than \
            IDENTICAL or TRANSPORT, MUST be included in each \"m=\" section: An \
            \"a=mid\" line, as specified in [RFC5888], Section 4.",
    ),
    SDP,
    mids_kept,
)];

fn mids_kept(ctx: &mut Ctx) -> Verdict {
    let out = control(ctx)?;
    let (want, got) = (attribute_values(OFFER, "mid"), attribute_values(&out, "mid"));
    Ok(check(want == got, format!("a=mid values {want:?} in order"), || format!("{got:?}")))
}
