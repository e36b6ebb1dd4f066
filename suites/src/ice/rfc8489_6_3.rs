//! RFC 8489 §6.3: the target's agent receiving STUN messages in a call: unknown
//! comprehension-optional attributes are ignored, success responses map the request's source
//! (§6.3.1.1), and a response to no transaction of its own is discarded.

use super::kit::*;
use crate::live::{PEER, SECURITY};
use rtcspec_harness::peer::StunFault;
use rtcspec_harness::stun::*;
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

const UNKNOWN_OPTIONAL: &str = "Once the authentication checks are done, the STUN agent checks for \
    unknown attributes and known-but-unexpected attributes in the \
    message. Unknown comprehension-optional attributes MUST be ignored by \
    the agent.";

/// RFC 8489 states this step of receiving a message without a BCP 14 keyword; it is the
/// procedure every response goes through, so the case holds it as MUST.
const TRANSACTION: &str = "If the message class is \"Success Response\" or \"Error Response\", \
    the agent checks that the transaction ID matches a transaction that \
    is still in progress. ... If any errors are detected, the message is \
    silently discarded.";

pub const CASES: &[Case] = &[
    Case::new(
        "ice.8489.6.3.unknown-optional-ignored",
        "A valid check with an unknown comprehension-optional attribute gets a \
            success response",
        Spec::must("RFC 8489", "6.3", UNKNOWN_OPTIONAL),
        PEER,
        unknown_optional_ignored,
    ),
    Case::new(
        "ice.8489.6.3.1.1.response-maps-source",
        "The success response's XOR-MAPPED-ADDRESS is the address the check \
            came from",
        Spec::must("RFC 8489", "6.3.1.1", MAPPED),
        PEER,
        response_maps_source,
    ),
    Case::new(
        "ice.8489.6.3.other-transaction-response-discarded",
        "Signed successes whose transaction ID matches none of the target's \
            checks are discarded: the target never reports ICE connected",
        Spec::must("RFC 8489", "6.3", TRANSACTION),
        PEER,
        other_transaction_response_discarded,
    )
    .tags(SECURITY),
];

fn response_maps_source(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        let m = match valid_check_response(c)? {
            Ok(m) => m,
            Err(fail) => return Ok(fail),
        };
        let source = c.call.harness.local_addr();
        Ok(match m.xor_mapped_address() {
            Some(Ok(mapped)) if mapped == source => Outcome::Pass,
            Some(Ok(mapped)) => {
                Outcome::fail(format!("XOR-MAPPED-ADDRESS {source}"), format!("XOR-MAPPED-ADDRESS {mapped}"))
            }
            Some(Err(e)) => Outcome::fail(
                format!("XOR-MAPPED-ADDRESS {source}"),
                format!("an XOR-MAPPED-ADDRESS that does not decode: {e}"),
            ),
            None => Outcome::fail(format!("XOR-MAPPED-ADDRESS {source}"), "no XOR-MAPPED-ADDRESS"),
        })
    })
}

fn unknown_optional_ignored(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        let b = c.request().attr(UNASSIGNED_OPTIONAL, b"rtcspec");
        let request = c.signed(b);
        let response = c.send(&request)?;
        Ok(match response.as_ref().map(|m| m.class) {
            Some(Class::Success) => Outcome::Pass,
            _ => Outcome::fail(
                format!(
                    "a success response: the unknown attribute {UNASSIGNED_OPTIONAL:#06x} \
                        is ignored"
                ),
                describe(&response),
            ),
        })
    })
}

fn other_transaction_response_discarded(ctx: &mut Ctx) -> Verdict {
    responses_discarded(ctx, StunFault::ResponsesWithWrongTransaction, "for a transaction it never started")
}
