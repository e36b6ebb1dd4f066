//! RFC 8489 §9: attributes after MESSAGE-INTEGRITY are not signed, so the target's agent ignores
//! them: a role claim there gets no 487, an unknown comprehension-required attribute no 420.

use super::kit::*;
use crate::live::{PEER, SECURITY};
use rtcspec_harness::stun::*;
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

const AFTER_INTEGRITY: &str = "Note that agents MUST ignore all attributes that follow \
    MESSAGE-INTEGRITY, with the exception of the MESSAGE-INTEGRITY-SHA256 \
    and FINGERPRINT attributes.";

pub const CASES: &[Case] = &[
    Case::new(
        "ice.8489.9.role-after-integrity-ignored",
        "ICE-CONTROLLING appended after MESSAGE-INTEGRITY is ignored: the \
            check is answered with success, not 487",
        Spec::must("RFC 8489", "9", AFTER_INTEGRITY),
        PEER,
        role_after_integrity_ignored,
    )
    .tags(SECURITY),
    Case::new(
        "ice.8489.9.unknown-required-after-integrity-ignored",
        "An unknown comprehension-required attribute after MESSAGE-INTEGRITY \
            is ignored: the check is answered with success",
        Spec::must("RFC 8489", "9", AFTER_INTEGRITY),
        PEER,
        unknown_required_after_integrity_ignored,
    ),
];

fn role_after_integrity_ignored(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        // The target controls; a valid check from the controlled harness, then an
        // ICE-CONTROLLING that claims a conflict outside the integrity-protected part.
        let b = c.request().message_integrity(c.target_pwd.clone().as_bytes()).ice_controlling(0).fingerprint();
        let response = c.send(&b.build())?;
        Ok(match response.as_ref().map(|m| (m.class, m.error_code())) {
            Some((Class::Success, _)) => Outcome::Pass,
            _ => Outcome::fail(
                "a success response: the attribute after MESSAGE-INTEGRITY is ignored, \
                    the check is valid",
                describe(&response),
            ),
        })
    })
}

fn unknown_required_after_integrity_ignored(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        // A valid check, then an attribute that would draw 420 anywhere else, outside the
        // integrity-protected part, then FINGERPRINT.
        let pwd = c.target_pwd.clone();
        let b = c.request().message_integrity(pwd.as_bytes()).attr(UNASSIGNED_REQUIRED, b"rtcspec").fingerprint();
        let response = c.send(&b.build())?;
        Ok(match response.as_ref().map(|m| m.class) {
            Some(Class::Success) => Outcome::Pass,
            _ => Outcome::fail(
                format!(
                    "a success response: the attribute {UNASSIGNED_REQUIRED:#06x} after \
                        MESSAGE-INTEGRITY is ignored, the check is valid"
                ),
                describe(&response),
            ),
        })
    })
}
