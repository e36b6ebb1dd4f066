//! RFC 8489 §9.1.4 as ICE uses it (RFC 8445 §7.2.5): a response to the target's check that
//! does not authenticate is discarded "as if it had never been received"; and (§6.3) so is
//! one, however well signed, for a transaction the target never started. The harness
//! answers every check of the target with a success that is unsigned, or signed with the
//! wrong password; the target's checks can then never succeed, so it must never take a
//! pair as valid and report ICE connected.

use std::time::Duration;

use rtcspec_harness::peer::{PeerEvent, StunFault};
use rtcspec_harness::stun::{Class, MESSAGE_INTEGRITY, METHOD_BINDING};
use rtcspec_harness::{Case, Ctx, Outcome, Verdict};

use super::common::call_with_harness_fault;
use crate::live::*;

const DISCARD: &str = "If the value does not match, or if both MESSAGE-INTEGRITY and MESSAGE-INTEGRITY-SHA256 are absent, the processing depends on whether the request was sent over a reliable or an unreliable transport. If the request was sent over an unreliable transport, the response MUST be discarded, as if it had never been received.";

/// RFC 8489 states this step of receiving a message without a BCP 14 keyword; it is the
/// procedure every response goes through, so the case holds it as MUST.
const TRANSACTION: &str = "If the message class is \"Success Response\" or \"Error Response\", the agent checks that the transaction ID matches a transaction that is still in progress. ... If any errors are detected, the message is silently discarded.";

/// How long the target has to (wrongly) take a pair as valid: several check intervals, and
/// more than twice what every stack here takes to connect a call.
const OBSERVE: Duration = Duration::from_millis(1500);

pub const CASES: &[Case] = &[
    case(
        ("ice.8489.9.1.4.unsigned-response-discarded", "ice"),
        "Successes without MESSAGE-INTEGRITY to the target's checks are discarded: the target never reports ICE connected",
        ("RFC 8489", "9.1.4"),
        DISCARD,
        SECURITY,
        unsigned_response_discarded,
    ),
    case(
        ("ice.8489.9.1.4.wrong-key-response-discarded", "ice"),
        "Successes signed with the wrong password (the target's) are discarded: the target never reports ICE connected",
        ("RFC 8489", "9.1.4"),
        DISCARD,
        SECURITY,
        wrong_key_response_discarded,
    ),
    case(
        ("ice.8489.6.3.other-transaction-response-discarded", "ice"),
        "Signed successes whose transaction ID matches none of the target's checks are discarded: the target never reports ICE connected",
        ("RFC 8489", "6.3"),
        TRANSACTION,
        SECURITY,
        other_transaction_response_discarded,
    ),
];

fn other_transaction_response_discarded(ctx: &mut Ctx) -> Verdict {
    responses_discarded(ctx, StunFault::ResponsesWithWrongTransaction, "for a transaction it never started")
}

fn unsigned_response_discarded(ctx: &mut Ctx) -> Verdict {
    responses_discarded(ctx, StunFault::UnsignedResponses, "unsigned")
}

fn wrong_key_response_discarded(ctx: &mut Ctx) -> Verdict {
    responses_discarded(ctx, StunFault::ResponsesSignedWithPeerPassword, "signed with the target's own password")
}

fn responses_discarded(ctx: &mut Ctx, fault: StunFault, how: &str) -> Verdict {
    let call = call_with_harness_fault(ctx, Offerer::Harness, fault, OBSERVE)?;
    let binding = |from_harness: bool, class: Class| {
        call.stun
            .iter()
            .filter(|(ours, m)| *ours == from_harness && m.method == METHOD_BINDING && m.class == class)
            .map(|(_, m)| m)
            .collect::<Vec<_>>()
    };
    let (checks, answers) = (binding(false, Class::Request), binding(true, Class::Success));
    // The control: the target is checking, and what the harness answers is what the case
    // says (no response of the harness is authentic).
    if checks.is_empty() || answers.is_empty() {
        return Err(Outcome::Error {
            why: format!("{} check(s) from the target, {} success(es) from the harness", checks.len(), answers.len()),
        });
    }
    if fault == StunFault::UnsignedResponses && answers.iter().any(|m| m.has(MESSAGE_INTEGRITY)) {
        return Err(Outcome::Error { why: "a success from the harness carries MESSAGE-INTEGRITY".into() });
    }
    let expected = format!("no ICE connected state while every success to its checks is {how}");
    // Only states from "checking" on: werift 0.24.4 reports "completed" when it has gathered
    // its own candidates, before any check (a state-reporting quirk, not a valid pair).
    let states: Vec<&str> = call
        .target_events
        .iter()
        .filter_map(|e| match e {
            PeerEvent::IceState(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    let from_checking = states.iter().position(|s| *s == "checking").map_or(&states[..], |i| &states[i..]);
    Ok(match from_checking.iter().find(|s| **s == "connected" || **s == "completed") {
        None => Outcome::Pass,
        Some(state) => Outcome::fail(
            expected,
            format!(
                "ICE {state}, with {} check(s) sent and only {how} successes received: it took a pair as valid on \
                 responses it had to discard",
                checks.len()
            ),
        ),
    })
}
