//! RFC 8445 §7.3: the target's agent as a STUN server in a call. It authenticates checks
//! with the short-term credential (USERNAME and MESSAGE-INTEGRITY), uses FINGERPRINT, and
//! repairs role conflicts with 487 (§7.3.1.1), but never on the word of a check that fails
//! integrity. (Unknown comprehension-required attributes are the STUN suite's
//! `stun.8489.6.3.1.unknown-required-420`: no live stack here answers 420, so a live copy
//! could not be shown to pass.)

use rtcspec_harness::stun::*;
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

use super::kit::*;
use crate::live::{Offerer, PEER, SECURITY};

const FINGERPRINT_TEXT: &str = "An agent MUST NOT utilize the ALTERNATE-SERVER mechanism and MUST NOT \
    support the backwards-compatibility mechanisms defined in RFC 5389 \
    (for working with the protocol in RFC 3489). It MUST utilize the \
    FINGERPRINT mechanism.";
const ROLE_CONFLICT: &str = "If the agent is in the controlling role, and the ICE-CONTROLLING \
    attribute is present in the request: If the agent's tiebreaker value \
    is larger than or equal to the contents of the ICE-CONTROLLING \
    attribute, the agent generates a Binding error response and includes \
    an ERROR-CODE attribute with a value of 487 (Role Conflict) but \
    retains its role.";
const CONTROLLED_CONFLICT: &str = "If the agent is in the controlled role, and the ICE-CONTROLLED \
    attribute is present in the request: ... If the agent's tiebreaker \
    value is less than the contents of the ICE-CONTROLLED attribute, the \
    agent generates a Binding error response and includes an ERROR-CODE \
    attribute with a value of 487 (Role Conflict) but retains its role.";
const CONTROLLING_SWITCH: &str = "If the agent is in the controlling role, and the ICE-CONTROLLING \
    attribute is present in the request: ... If the agent's tiebreaker \
    value is less than the contents of the ICE-CONTROLLING attribute, the \
    agent switches to the controlled role. ... The remaining subsections \
    in Section 7.3.1 are followed if the agent generated a successful \
    response to the Binding request, even if the agent changed roles.";
const CONTROLLED_SWITCH: &str = "If the agent is in the controlled role, and the ICE-CONTROLLED \
    attribute is present in the request: If the agent's tiebreaker value \
    is larger than or equal to the contents of the ICE-CONTROLLED \
    attribute, the agent switches to the controlling role.";
const RESPONSE_CREDENTIAL: &str = "The agent MUST use the short-term credential mechanism (i.e., the \
    MESSAGE-INTEGRITY attribute) to authenticate the request and perform \
    a message integrity check. Likewise, the short-term credential \
    mechanism MUST be used for the response.";

pub const CASES: &[Case] = &[
    Case::new(
        "ice.8445.7.3.wrong-password-rejected",
        "A check signed with the wrong password gets no success response",
        Spec::must("RFC 8445", "7.3", SHORT_TERM),
        PEER,
        wrong_password_rejected,
    )
    .tags(SECURITY),
    Case::new(
        "ice.8445.7.3.wrong-username-rejected",
        "A check whose USERNAME names another ufrag gets no success response",
        Spec::must("RFC 8445", "7.3", SHORT_TERM),
        PEER,
        wrong_username_rejected,
    )
    .tags(SECURITY),
    Case::new(
        "ice.8445.7.3.bad-fingerprint-discarded",
        "A check with a wrong FINGERPRINT gets no success response",
        Spec::must("RFC 8445", "7.3", FINGERPRINT_TEXT),
        PEER,
        bad_fingerprint_discarded,
    )
    .tags(SECURITY),
    Case::new(
        "ice.8445.7.3.1.1.role-conflict-487",
        "The controlling target answers ICE-CONTROLLING with a lower \
            tie-breaker with 487",
        Spec::must("RFC 8445", "7.3.1.1", ROLE_CONFLICT),
        PEER,
        role_conflict_487,
    ),
    Case::new(
        "ice.8445.7.3.1.1.role-conflict-needs-integrity",
        "A role conflict claimed in a check that fails integrity is not acted \
            on",
        Spec::must("RFC 8445", "7.3.1.1", SHORT_TERM),
        PEER,
        role_conflict_needs_integrity,
    )
    .tags(SECURITY),
    Case::new(
        "ice.8445.7.3.1.1.role-conflict-controlled-487",
        "The controlled target answers ICE-CONTROLLED with a higher \
            tie-breaker with 487",
        Spec::must("RFC 8445", "7.3.1.1", CONTROLLED_CONFLICT),
        PEER,
        controlled_conflict_487,
    ),
    Case::new(
        "ice.8445.7.3.1.1.controlling-yields-to-higher-tie-breaker",
        "The controlling target, claimed against with a higher tie-breaker, \
            switches role and answers success",
        Spec::must("RFC 8445", "7.3.1.1", CONTROLLING_SWITCH),
        PEER,
        controlling_yields,
    ),
    Case::new(
        "ice.8445.7.3.1.1.controlled-takes-over-from-lower-tie-breaker",
        "The controlled target, claimed against with a lower tie-breaker, \
            switches role and answers success",
        Spec::must("RFC 8445", "7.3.1.1", CONTROLLED_SWITCH),
        PEER,
        controlled_takes_over,
    ),
    Case::new(
        "ice.8445.7.3.response-signed",
        "The success response to a check carries MESSAGE-INTEGRITY computed \
            with the target's password",
        Spec::must("RFC 8445", "7.3", RESPONSE_CREDENTIAL),
        PEER,
        response_signed,
    )
    .tags(SECURITY),
    Case::new(
        "ice.8445.7.3.response-fingerprint",
        "The success response to a check ends with a valid FINGERPRINT",
        Spec::must("RFC 8445", "7.3", FINGERPRINT_TEXT),
        PEER,
        response_fingerprint,
    ),
    Case::new(
        "ice.8445.7.3.reversed-username-rejected",
        "A check whose USERNAME has the two ufrags in the wrong order \
            (<harness>:<target>) gets no success response",
        Spec::must("RFC 8445", "7.3", SHORT_TERM),
        PEER,
        reversed_username_rejected,
    )
    .tags(SECURITY),
    Case::new(
        "ice.8445.7.3.username-without-colon-rejected",
        "A check whose USERNAME is the target's ufrag alone, with no colon, \
            gets no success response",
        Spec::must("RFC 8445", "7.3", SHORT_TERM),
        PEER,
        username_without_colon_rejected,
    )
    .tags(SECURITY),
    Case::new(
        "ice.8445.7.3.signed-with-sender-password-rejected",
        "A check signed with the harness's own password (the sender's, not the \
            target's) gets no success response",
        Spec::must("RFC 8445", "7.3", SHORT_TERM),
        PEER,
        signed_with_sender_password_rejected,
    )
    .tags(SECURITY),
];

fn wrong_password_rejected(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        let request = c.request().message_integrity(b"not-the-password-of-this-call").fingerprint().build();
        let response = c.send(&request)?;
        Ok(not_accepted(
            response,
            "an error response (401) or no response to a check signed with the \
                wrong password",
        ))
    })
}

fn wrong_username_rejected(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        let request = unknown_username_check(c);
        let response = c.send(&request)?;
        Ok(not_accepted(response, "an error response (401) or no response to a check for an unknown ufrag"))
    })
}

fn bad_fingerprint_discarded(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        let b = c.request();
        let mut request = c.signed(b);
        // FINGERPRINT is the last attribute: flip its value's last bit.
        let n = request.len();
        if u16::from_be_bytes([request[n - 8], request[n - 7]]) != FINGERPRINT {
            return Err(Outcome::Error { why: "the crafted check does not end with FINGERPRINT".into() });
        }
        request[n - 1] ^= 1;
        let response = c.send(&request)?;
        Ok(not_accepted(response, "no success response to a check whose FINGERPRINT does not match"))
    })
}

fn role_conflict_487(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        // The target offered, so it controls; a tie-breaker of 0 is never above its own.
        let username = c.username();
        let b = c.request_with(&username, |b| b.ice_controlling(0));
        let request = c.signed(b);
        let response = c.send(&request)?;
        Ok(match response.as_ref().and_then(Message::error_code) {
            Some((487, _)) => Outcome::Pass,
            _ => Outcome::fail("error 487 (Role Conflict): the target keeps the controlling role", describe(&response)),
        })
    })
}

fn role_conflict_needs_integrity(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        let username = c.username();
        let b = c.request_with(&username, |b| b.ice_controlling(0));
        let request = b.message_integrity(b"not-the-password-of-this-call").fingerprint().build();
        let response = c.send(&request)?;
        Ok(match response.as_ref().map(|m| (m.class, m.error_code())) {
            Some((Class::Success, _)) | Some((_, Some((487, _)))) => Outcome::fail(
                "an error response (401) or no response: a check that fails integrity \
                    is not processed",
                describe(&response),
            ),
            _ => Outcome::Pass,
        })
    })
}

/// The response to a check claiming the role attribute `claim` with `tie_breaker`, in a
/// call where `offerer` offered.
fn claim_role(
    ctx: &mut Ctx,
    offerer: Offerer,
    claim: u16,
    tie_breaker: u64,
    judge: fn(&Option<Message>) -> Outcome,
) -> Verdict {
    with_call_as(ctx, offerer, |c| {
        let username = c.username();
        let b = c.request_with(&username, |b| b.attr(claim, &tie_breaker.to_be_bytes()));
        let request = c.signed(b);
        let response = c.send(&request)?;
        Ok(judge(&response))
    })
}

fn expect_487(response: &Option<Message>) -> Outcome {
    match response.as_ref().and_then(Message::error_code) {
        Some((487, _)) => Outcome::Pass,
        _ => Outcome::fail("error 487 (Role Conflict): the target keeps its role", describe(response)),
    }
}

fn expect_success_after_switch(response: &Option<Message>) -> Outcome {
    match response.as_ref().map(|m| m.class) {
        Some(Class::Success) => Outcome::Pass,
        _ => Outcome::fail("a success response: the target switches role and processes the check", describe(response)),
    }
}

fn controlled_conflict_487(ctx: &mut Ctx) -> Verdict {
    // The target answered, so it is controlled; no tie-breaker is above u64::MAX.
    claim_role(ctx, Offerer::Harness, ICE_CONTROLLED, u64::MAX, expect_487)
}

fn controlling_yields(ctx: &mut Ctx) -> Verdict {
    claim_role(ctx, Offerer::Target, ICE_CONTROLLING, u64::MAX, expect_success_after_switch)
}

fn controlled_takes_over(ctx: &mut Ctx) -> Verdict {
    claim_role(ctx, Offerer::Harness, ICE_CONTROLLED, 0, expect_success_after_switch)
}

fn response_signed(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        let m = match valid_check_response(c)? {
            Ok(m) => m,
            Err(fail) => return Ok(fail),
        };
        Ok(match m.verify_integrity(MESSAGE_INTEGRITY, c.target_pwd.as_bytes()) {
            Some(true) => Outcome::Pass,
            Some(false) => {
                Outcome::fail("MESSAGE-INTEGRITY with the target's a=ice-pwd", "MESSAGE-INTEGRITY does not verify")
            }
            None => Outcome::fail("MESSAGE-INTEGRITY with the target's a=ice-pwd", "no MESSAGE-INTEGRITY"),
        })
    })
}

fn response_fingerprint(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        let m = match valid_check_response(c)? {
            Ok(m) => m,
            Err(fail) => return Ok(fail),
        };
        Ok(match (m.verify_fingerprint(), m.attributes.last().map(|a| a.attr_type)) {
            (Some(true), Some(FINGERPRINT)) => Outcome::Pass,
            (found, _) => Outcome::fail(
                "a valid FINGERPRINT as the last attribute",
                match found {
                    None => "no FINGERPRINT",
                    Some(false) => "FINGERPRINT does not verify",
                    Some(true) => "FINGERPRINT is not the last attribute",
                },
            ),
        })
    })
}

fn reversed_username_rejected(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        let reversed = format!("{}:{}", c.harness_ufrag, c.target_ufrag);
        let request = check_with_username(c, &reversed);
        let response = c.send(&request)?;
        Ok(not_accepted(
            response,
            "an error response (401) or no response to a check whose USERNAME is \
                reversed",
        ))
    })
}

fn signed_with_sender_password_rejected(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        // The password the harness announced in its own description: what the target uses to
        // sign its checks to the harness, never to verify the harness's.
        let own = c.harness_pwd.clone();
        let request = c.request().message_integrity(own.as_bytes()).fingerprint().build();
        let response = c.send(&request)?;
        Ok(not_accepted(
            response,
            "an error response (401) or no response to a check signed with the \
                sender's password",
        ))
    })
}

fn username_without_colon_rejected(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        let alone = c.target_ufrag.clone();
        let request = check_with_username(c, &alone);
        let response = c.send(&request)?;
        Ok(not_accepted(
            response,
            "an error response (401) or no response to a check whose USERNAME has \
                no colon",
        ))
    })
}

/// A check with `username`, signed with the target's password: only the USERNAME is wrong.
fn check_with_username(c: &mut Checks<'_>, username: &str) -> Vec<u8> {
    let tie_breaker = 1;
    let b = c.request_with(username, |b| b.ice_controlled(tie_breaker));
    c.signed(b)
}
