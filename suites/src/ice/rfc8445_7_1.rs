//! RFC 8445 §7.1: what the target's connectivity checks carry: PRIORITY (§7.1.1), USE-CANDIDATE
//! from the controlling agent only (§7.1.2), and the attribute of its role with its tie-breaker
//! (§7.1.3). Read off the harness's socket.

use super::kit::*;
use crate::live::{Offerer, PEER};
use rtcspec_harness::stun::*;
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

const NOMINATION_TEXT: &str = "The controlling agent MUST include the USE-CANDIDATE attribute in \
    order to nominate a candidate pair (Section 8.1.1). The controlled \
    agent MUST NOT include the USE-CANDIDATE attribute in a Binding \
    request.";

const PRIORITY_TEXT: &str = "The PRIORITY attribute MUST be included in a Binding request and be \
    set to the value computed by the algorithm in Section 5.1.2 for the \
    local candidate, but with the candidate type preference of \
    peer-reflexive candidates.";

const ROLE_TEXT: &str = "The controlling agent MUST include the ICE-CONTROLLING attribute in a \
    Binding request. The controlled agent MUST include the ICE-CONTROLLED \
    attribute in a Binding request.";

pub const CASES: &[Case] = &[
    Case::new(
        "ice.8445.7.1.1.check-priority",
        "The target's checks carry PRIORITY",
        Spec::must("RFC 8445", "7.1.1", PRIORITY_TEXT),
        PEER,
        check_priority,
    ),
    Case::new(
        "ice.8445.7.1.3.controlling-attribute",
        "The target, offering (controlling), puts ICE-CONTROLLING in its \
            checks, never ICE-CONTROLLED",
        Spec::must("RFC 8445", "7.1.3", ROLE_TEXT),
        PEER,
        controlling_attribute,
    ),
    Case::new(
        "ice.8445.7.1.3.controlled-attribute",
        "The target, answering (controlled), puts ICE-CONTROLLED in its \
            checks, never ICE-CONTROLLING",
        Spec::must("RFC 8445", "7.1.3", ROLE_TEXT),
        PEER,
        controlled_attribute,
    ),
    Case::new(
        "ice.8445.7.1.2.controlling-nominates",
        "The target, controlling, nominates a pair: a check of its carries \
            USE-CANDIDATE",
        Spec::must("RFC 8445", "7.1.2", NOMINATION_TEXT),
        PEER,
        controlling_nominates,
    ),
    Case::new(
        "ice.8445.7.1.2.controlled-never-nominates",
        "The target, controlled, never puts USE-CANDIDATE in a check",
        Spec::must("RFC 8445", "7.1.2", NOMINATION_TEXT),
        PEER,
        controlled_never_nominates,
    ),
];

fn check_priority(ctx: &mut Ctx) -> Verdict {
    let seen = checks_of(ctx, Offerer::Target)?;
    Ok(every_check(&seen, "a 4-byte PRIORITY in every check", |m| match m.attribute(PRIORITY) {
        Some(a) if a.value.len() == 4 => Ok(()),
        Some(a) => Err(format!("PRIORITY is {} bytes long", a.value.len())),
        None => Err("no PRIORITY".into()),
    }))
}

fn controlled_attribute(ctx: &mut Ctx) -> Verdict {
    Ok(role_attribute(&checks_of(ctx, Offerer::Harness)?, ICE_CONTROLLED))
}

fn controlled_never_nominates(ctx: &mut Ctx) -> Verdict {
    let seen = checks_of(ctx, Offerer::Harness)?;
    Ok(every_check(&seen, "no USE-CANDIDATE in the checks of the controlled agent", |m| {
        if m.has(USE_CANDIDATE) {
            Err("it carries USE-CANDIDATE".into())
        } else {
            Ok(())
        }
    }))
}

fn controlling_attribute(ctx: &mut Ctx) -> Verdict {
    Ok(role_attribute(&checks_of(ctx, Offerer::Target)?, ICE_CONTROLLING))
}

fn controlling_nominates(ctx: &mut Ctx) -> Verdict {
    let seen = checks_of(ctx, Offerer::Target)?;
    Ok(if seen.checks.iter().any(|m| m.has(USE_CANDIDATE)) {
        Outcome::Pass
    } else {
        Outcome::fail(
            "a check with USE-CANDIDATE: the controlling agent nominates the pair",
            format!("none of the target's {} checks carries USE-CANDIDATE", seen.checks.len()),
        )
    })
}
