//! RFC 8445 §7.2.5.1: a check of the target answered with 487 (Role Conflict) makes it switch
//! role. The target offers, so it controls; the harness answers every check carrying
//! ICE-CONTROLLING with a signed 487, as a peer that also controls with a larger tie-breaker
//! would. A later check of the target must carry ICE-CONTROLLED. (The same paragraph says the
//! agent MUST change its tie-breaker; aiortc, werift and str0m switch but keep theirs, and
//! webrtc-rs does not switch, so no stack here could show that case passing: see
//! targets/FINDINGS.md.)

use std::time::Duration;

use rtcspec_harness::peer::StunFault;
use rtcspec_harness::stun::*;
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

use super::kit::call_with_harness_fault;
use crate::live::*;

const SWITCH: &str = "If the Binding request generates a 487 (Role Conflict) error \
    response, and if the ICE agent included an ICE-CONTROLLED attribute \
    in the request, the agent MUST switch to the controlling role. If the \
    agent included an ICE-CONTROLLING attribute in the request, the agent \
    MUST switch to the controlled role. ... The agent MUST change the \
    tiebreaker value.";

/// How long the target has to get its 487 and check again: several check intervals.
const OBSERVE: Duration = Duration::from_millis(1500);

pub const CASES: &[Case] = &[Case::new(
    "ice.8445.7.2.5.1.switches-role-after-487",
    "After a 487 to its ICE-CONTROLLING check, the target switches to \
        controlled: a later check carries ICE-CONTROLLED",
    Spec::must("RFC 8445", "7.2.5.1", SWITCH),
    PEER,
    switches_role,
)];

/// The role attributes of the target's checks from the first one the harness answered with
/// 487 on; an Error when there is no such check.
fn checks_from_first_487(ctx: &mut Ctx) -> Result<Vec<u16>, Outcome> {
    let stun = call_with_harness_fault(ctx, Offerer::Target, StunFault::ConflictsWithControlling, OBSERVE)?.stun;
    let conflicted: Vec<[u8; 12]> = stun
        .iter()
        .filter(|(ours, m)| *ours && m.class == Class::Error && m.error_code().is_some_and(|(c, _)| c == 487))
        .map(|(_, m)| m.transaction_id)
        .collect();
    let checks: Vec<&Message> = stun
        .iter()
        .filter(|(ours, m)| !ours && m.class == Class::Request && m.method == METHOD_BINDING)
        .map(|(_, m)| m)
        .collect();
    let Some(first) = checks.iter().position(|m| conflicted.contains(&m.transaction_id)) else {
        return Err(Outcome::Error {
            why: format!(
                "the harness answered none of the target's {} checks with 487: nothing \
                    to judge",
                checks.len()
            ),
        });
    };
    Ok(checks[first..]
        .iter()
        .filter_map(|m| m.attributes.iter().find(|a| a.attr_type == ICE_CONTROLLING || a.attr_type == ICE_CONTROLLED))
        .map(|a| a.attr_type)
        .collect())
}

fn switches_role(ctx: &mut Ctx) -> Verdict {
    let checks = checks_from_first_487(ctx)?;
    Ok(if checks.iter().skip(1).any(|t| *t == ICE_CONTROLLED) {
        Outcome::Pass
    } else {
        Outcome::fail(
            "a later check carrying ICE-CONTROLLED (the target switched to the \
                controlled role)",
            format!("{} check(s) after the 487, none with ICE-CONTROLLED", checks.len().saturating_sub(1)),
        )
    })
}
