//! RFC 8489 §9.1.3: a check whose MESSAGE-INTEGRITY does not cover it as sent is rejected.
//! The other cases of this section (`rfc8445_7_3`) sign with the wrong password or leave
//! credentials out; these keep the right password and break the binding between the HMAC and
//! the message: an attribute changed after signing, or an HMAC cut to 16 bytes. A stack that
//! only checks that a MESSAGE-INTEGRITY is there, or compares as many bytes as it is given,
//! takes both. A check authenticated only by a MESSAGE-INTEGRITY-SHA256 with the wrong
//! password must not pass either, whether or not the stack knows that attribute.

use rtcspec_harness::stun::*;
use rtcspec_harness::{Case, Ctx, Outcome, Verdict};

use super::common::*;
use super::rfc8445_7_3::{expect_error, not_accepted, ERROR_401, SHORT_TERM};
use crate::live::{case, SECURITY};

const SHA1_LENGTH: &str = "The MESSAGE-INTEGRITY attribute contains an HMAC-SHA1 [RFC2104] of the STUN message. ... Since it uses the SHA-1 hash, the HMAC will be 20 bytes. ... If the resulting value does not match the contents of the corresponding attribute (MESSAGE-INTEGRITY-SHA256 or MESSAGE-INTEGRITY): If the message is a request, the server MUST reject the request with an error response.";

pub const CASES: &[Case] = &[
    case(
        ("ice.8489.9.1.3.tampered-check-rejected", "ice"),
        "A check whose PRIORITY was changed after it was signed (right password, stale HMAC) gets no success response",
        ("RFC 8489", "9.1.3"),
        SHORT_TERM,
        SECURITY,
        tampered_check_rejected,
    ),
    case(
        ("ice.8489.9.1.3.tampered-check-gets-401", "ice"),
        "A check whose PRIORITY was changed after it was signed is rejected with error 401",
        ("RFC 8489", "9.1.3"),
        ERROR_401,
        &[],
        tampered_check_401,
    ),
    case(
        ("ice.8489.9.1.3.truncated-integrity-rejected", "ice"),
        "A check whose MESSAGE-INTEGRITY is the right HMAC cut to 16 bytes gets no success response",
        ("RFC 8489", "9.1.3"),
        SHA1_LENGTH,
        SECURITY,
        truncated_integrity_rejected,
    ),
    case(
        ("ice.8489.9.1.3.wrong-key-sha256-rejected", "ice"),
        "A check whose only integrity attribute is a MESSAGE-INTEGRITY-SHA256 made with the wrong password gets no success response",
        ("RFC 8489", "9.1.3"),
        ERROR_401,
        SECURITY,
        wrong_key_sha256_rejected,
    ),
    case(
        ("ice.8445.7.3.reversed-username-rejected", "ice"),
        "A check whose USERNAME has the two ufrags in the wrong order (<harness>:<target>) gets no success response",
        ("RFC 8445", "7.3"),
        SHORT_TERM,
        SECURITY,
        reversed_username_rejected,
    ),
    case(
        ("ice.8445.7.3.username-without-colon-rejected", "ice"),
        "A check whose USERNAME is the target's ufrag alone, with no colon, gets no success response",
        ("RFC 8445", "7.3"),
        SHORT_TERM,
        SECURITY,
        username_without_colon_rejected,
    ),
    case(
        ("ice.8445.7.3.signed-with-sender-password-rejected", "ice"),
        "A check signed with the harness's own password (the sender's, not the target's) gets no success response",
        ("RFC 8445", "7.3"),
        SHORT_TERM,
        SECURITY,
        signed_with_sender_password_rejected,
    ),
];

/// A check signed with the target's password whose PRIORITY is then changed by one, with a
/// FINGERPRINT that matches the changed message (so only MESSAGE-INTEGRITY can catch it).
fn tampered_check(c: &mut Checks<'_>) -> Result<Vec<u8>, Outcome> {
    let b = c.request();
    let honest = b.message_integrity(c.target_pwd.as_bytes()).build();
    let parsed = Message::parse(&honest).map_err(|e| Outcome::Error { why: format!("crafted check: {e}") })?;
    let mut b = Builder::new(Class::Request, METHOD_BINDING, parsed.transaction_id);
    for a in &parsed.attributes {
        b = match a.attr_type {
            PRIORITY => {
                let value: [u8; 4] =
                    a.value[..].try_into().map_err(|_| Outcome::Error { why: "PRIORITY is not 4 bytes".into() })?;
                b.priority(u32::from_be_bytes(value) ^ 1)
            }
            other => b.attr(other, &a.value),
        };
    }
    Ok(b.fingerprint().build())
}

fn tampered_check_rejected(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        let request = tampered_check(c)?;
        let response = c.send(&request)?;
        Ok(not_accepted(response, "an error response (401) or no response to a check changed after it was signed"))
    })
}

fn tampered_check_401(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        let request = tampered_check(c)?;
        Ok(expect_error(&c.send(&request)?, 401))
    })
}

fn truncated_integrity_rejected(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        // The HMAC over the message with its length ending after a 16-byte attribute, cut to
        // those 16 bytes: what a receiver that compares only the bytes it was given accepts.
        let request =
            c.request().message_integrity_truncated(c.target_pwd.clone().as_bytes(), 16).fingerprint().build();
        let response = c.send(&request)?;
        Ok(not_accepted(response, "an error response (401) or no response to a check with a 16-byte MESSAGE-INTEGRITY"))
    })
}

fn wrong_key_sha256_rejected(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        // A stack that knows MESSAGE-INTEGRITY-SHA256 finds it does not match; one that does
        // not knows no integrity attribute here (and an unknown comprehension-required one).
        // Either way the check is not authentic.
        let request = c.request().message_integrity_sha256(b"not-the-password-of-this-call", 32).fingerprint().build();
        let response = c.send(&request)?;
        Ok(not_accepted(
            response,
            "an error response or no response to a check authenticated only by a MESSAGE-INTEGRITY-SHA256 with the wrong password",
        ))
    })
}

/// A check with `username`, signed with the target's password: only the USERNAME is wrong.
fn check_with_username(c: &mut Checks<'_>, username: &str) -> Vec<u8> {
    let tie_breaker = 1;
    let b = c.request_with(username, |b| b.ice_controlled(tie_breaker));
    c.signed(b)
}

fn reversed_username_rejected(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        let reversed = format!("{}:{}", c.harness_ufrag, c.target_ufrag);
        let request = check_with_username(c, &reversed);
        let response = c.send(&request)?;
        Ok(not_accepted(response, "an error response (401) or no response to a check whose USERNAME is reversed"))
    })
}

fn username_without_colon_rejected(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        let alone = c.target_ufrag.clone();
        let request = check_with_username(c, &alone);
        let response = c.send(&request)?;
        Ok(not_accepted(response, "an error response (401) or no response to a check whose USERNAME has no colon"))
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
            "an error response (401) or no response to a check signed with the sender's password",
        ))
    })
}
