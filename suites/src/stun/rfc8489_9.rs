//! RFC 8489 §9: attributes after MESSAGE-INTEGRITY (or MESSAGE-INTEGRITY-SHA256) are not
//! covered by it, so a responder ignores them.

use super::kit::*;
use rtcspec_harness::stun::*;
use rtcspec_harness::{check, Case, Ctx, Outcome, Spec, Verdict};

const IGNORE_AFTER: &str = "Note that agents MUST ignore all attributes that follow \
    MESSAGE-INTEGRITY, with the exception of the MESSAGE-INTEGRITY-SHA256 \
    and FINGERPRINT attributes.";

pub const CASES: &[Case] = &[
    Case::new(
        "stun.8489.9.attributes-after-integrity-ignored",
        "\
        An attribute after MESSAGE-INTEGRITY does not change the \
        answer",
        Spec::must(RFC8489, "9", IGNORE_AFTER),
        SHORT_TERM,
        attributes_after_integrity_ignored,
    )
    .covers(&["rfc8489-9-1"])
    .tags(&["security"]),
    Case::new(
        "stun.8489.9.attributes-after-sha256-ignored",
        "An attribute after MESSAGE-INTEGRITY-SHA256 does not change the answer",
        Spec::must(
            RFC8489,
            "9",
            "Similarly, agents MUST ignore all attributes that follow the \
                MESSAGE-INTEGRITY-SHA256 attribute if the MESSAGE-INTEGRITY attribute \
                is not present, with the exception of the FINGERPRINT attribute.",
        ),
        SHORT_TERM,
        attributes_after_sha256_ignored,
    )
    .covers(&["rfc8489-9-2"])
    .tags(&["security"]),
];

fn attributes_after_integrity_ignored(ctx: &mut Ctx) -> Verdict {
    // An unknown comprehension-required attribute would draw a 420 if it were processed;
    // after MESSAGE-INTEGRITY it must be ignored, so the check succeeds.
    let c = check_parts(ctx)?;
    let req = head(ctx, &c, Some(&c.username.clone()))
        .message_integrity(&c.key)
        .attr(UNASSIGNED_REQUIRED, &[1, 2, 3, 4])
        .fingerprint()
        .build();
    let m = one_answer(ctx, &req, &c.txid, "a success response")?;
    Ok(check(m.class == Class::Success, "a success response (the trailing attribute ignored)", || describe(&m)))
}

fn attributes_after_sha256_ignored(ctx: &mut Ctx) -> Verdict {
    // Control: the agent must answer a check authenticated with MESSAGE-INTEGRITY-SHA256
    // alone, or there is nothing to compare with.
    let c = check_parts(ctx)?;
    let username = c.username.clone();
    let plain = head(ctx, &c, Some(&username)).message_integrity_sha256(&c.key, 32).fingerprint().build();
    let replies = ctx.exchange(&plain)?;
    if !answers(&replies, &c.txid).iter().any(|m| m.class == Class::Success) {
        return Ok(Outcome::Informational {
            note: "no success response to a check authenticated with \
                MESSAGE-INTEGRITY-SHA256 only, nothing to compare"
                .into(),
        });
    }
    let c = CheckParts { txid: ctx.txid(), ..c };
    let req = head(ctx, &c, Some(&username))
        .message_integrity_sha256(&c.key, 32)
        .attr(UNASSIGNED_REQUIRED, &[1, 2, 3, 4])
        .fingerprint()
        .build();
    let m = one_answer(ctx, &req, &c.txid, "a success response")?;
    Ok(check(m.class == Class::Success, "a success response (the trailing attribute ignored)", || describe(&m)))
}
