//! RFC 8445 §16.1: the tie-breaker in ICE-CONTROLLING or ICE-CONTROLLED is one random
//! number for the whole ICE session, changed only after a 487. Role conflicts are settled
//! by comparing it; an agent that draws a new one per check settles them by chance. The
//! harness reads every check the target sent in a call in which nothing answered 487.

use rtcspec_harness::peer::PeerOptions;
use rtcspec_harness::stun::*;
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

use super::kit::*;
use crate::live::{Offerer, PEER};

const SAME_NUMBER: &str = "The content of the attribute is a 64-bit unsigned integer in network \
    byte order, which contains a random number. The number is used for \
    solving role conflicts, when it is referred to as the \"tiebreaker \
    value\". An ICE agent MUST use the same number for all Binding \
    requests, for all streams, within an ICE session, unless it has \
    received a 487 response, in which case it MUST change the number \
    (Section 7.2.5.1).";

pub const CASES: &[Case] = &[Case::new(
    "ice.8445.16.1.one-tie-breaker-per-session",
    "Every check of the target carries the same tie-breaker (the call \
        answers none with 487)",
    Spec::must("RFC 8445", "16.1", SAME_NUMBER),
    PEER,
    one_tie_breaker,
)];

fn one_tie_breaker(ctx: &mut Ctx) -> Verdict {
    let checks = target_checks(ctx, Offerer::Target, PeerOptions::default())?;
    let numbers: Vec<&[u8]> = checks
        .checks
        .iter()
        .filter_map(|m| m.attributes.iter().find(|a| a.attr_type == ICE_CONTROLLING || a.attr_type == ICE_CONTROLLED))
        .map(|a| &a.value[..])
        .collect();
    let [first, rest @ ..] = &numbers[..] else {
        return Err(Outcome::Error { why: "no check of the target carries a role attribute".into() });
    };
    if rest.is_empty() {
        return Err(Outcome::Error { why: "the target sent one check only: nothing to compare".into() });
    }
    let hex = |v: &[u8]| v.iter().map(|b| format!("{b:02x}")).collect::<String>();
    Ok(match rest.iter().position(|n| n != first) {
        None => Outcome::Pass,
        Some(i) => Outcome::fail(
            format!("tie-breaker {} in each of the target's {} checks", hex(first), numbers.len()),
            format!("check {} (0-based) carries {}", i + 1, hex(rest[i])),
        ),
    })
}
