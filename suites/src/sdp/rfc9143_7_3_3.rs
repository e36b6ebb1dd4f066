//! RFC 9143 §7.3.3: an answerer that rejects a bundled m= section leaves it out of the
//! answer's BUNDLE group.

use super::kit::answer::*;
use rtcspec_harness::Case;
use rtcspec_harness::{Ctx, Outcome, Spec, Verdict};

pub const CASES: &[Case] = &[Case::new(
    "sdp.9143.7.3.3.rejected-section-left-out-of-bundle",
    "A bundled m= section the answer rejects is left out of the answer's \
                BUNDLE group",
    Spec::must(
        "RFC 9143",
        "7.3.3",
        "When an answerer generates an answer in which it rejects a bundled \
                \"m=\" section, the answerer: [...] MUST NOT place the \
                identification-tag associated with the \"m=\" section in the SDP \
                'group:BUNDLE' attribute identification-tag list associated with the \
                BUNDLE group",
    ),
    ANSWERER,
    rejected_out_of_bundle,
)];

fn rejected_out_of_bundle(ctx: &mut Ctx) -> Verdict {
    // Refusing the offer, or not rejecting the section, is judged by unsupported-codec-rejected;
    // here there is only something to judge when the section is rejected.
    let answer = match ctx.sdp_answer(&with_fourth_section("120", "x-rtcspec-unknown/8000", true))? {
        Ok(text) => Description::parse(&text),
        Err(reason) => return Ok(Outcome::Informational { note: format!("the offer was refused: {reason}") }),
    };
    if answer.sections.get(3).is_none_or(|s| !s.rejected()) {
        return Ok(Outcome::Informational {
            note: "the answer did not reject the section (see \
                sdp.9429.5.3.1.unsupported-codec-rejected)"
                .into(),
        });
    }
    let grouped = answer.bundle_groups().into_iter().flatten().any(|m| m == "3");
    Ok(rtcspec_harness::check(!grouped, "mid 3 (rejected) absent from a=group:BUNDLE", || {
        format!("a=group:BUNDLE {:?}", answer.bundle_groups())
    }))
}
