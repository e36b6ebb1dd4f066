//! RFC 8489 §9.1.3: a check that the short-term credential mechanism does not authenticate
//! is rejected. Some cases sign with the wrong password or leave credentials out (400, 401);
//! the others keep the right password and break the binding between the HMAC and the message:
//! an attribute changed after signing, or an HMAC cut to 16 bytes. A stack that only checks
//! that a MESSAGE-INTEGRITY is there, or compares as many bytes as it is given, takes both. A
//! check authenticated only by a MESSAGE-INTEGRITY-SHA256 with the wrong password must not
//! pass either, whether or not the stack knows that attribute.

use rtcspec_harness::stun::*;
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

use super::kit::*;
use crate::live::{PEER, SECURITY};

const SHA1_LENGTH: &str = "The MESSAGE-INTEGRITY attribute contains an HMAC-SHA1 [RFC2104] of \
    the STUN message. ... Since it uses the SHA-1 hash, the HMAC will be \
    20 bytes. ... If the resulting value does not match the contents of \
    the corresponding attribute (MESSAGE-INTEGRITY-SHA256 or \
    MESSAGE-INTEGRITY): If the message is a request, the server MUST \
    reject the request with an error response.";

const MISSING_CREDENTIALS: &str = "If the message does not contain 1) a MESSAGE-INTEGRITY or a \
    MESSAGE-INTEGRITY-SHA256 attribute and 2) a USERNAME attribute: If \
    the message is a request, the server MUST reject the request with an \
    error response. This response MUST use an error code of 400 (Bad \
    Request).";

const ERROR_401: &str = "If the USERNAME does not contain a username value currently valid \
    within the server: If the message is a request, the server MUST \
    reject the request with an error response. This response MUST use an \
    error code of 401 (Unauthenticated). ... If the resulting value does \
    not match the contents of the corresponding attribute \
    (MESSAGE-INTEGRITY-SHA256 or MESSAGE-INTEGRITY): If the message is a \
    request, the server MUST reject the request with an error response. \
    This response MUST use an error code of 401 (Unauthenticated).";

pub const CASES: &[Case] = &[
    Case::new(
        "ice.8489.9.1.3.tampered-check-rejected",
        "A check whose PRIORITY was changed after it was signed (right \
            password, stale HMAC) gets no success response",
        Spec::must("RFC 8489", "9.1.3", SHORT_TERM),
        PEER,
        tampered_check_rejected,
    )
    .tags(SECURITY),
    Case::new(
        "ice.8489.9.1.3.tampered-check-gets-401",
        "A check whose PRIORITY was changed after it was signed is rejected \
            with error 401",
        Spec::must("RFC 8489", "9.1.3", ERROR_401),
        PEER,
        tampered_check_401,
    ),
    Case::new(
        "ice.8489.9.1.3.truncated-integrity-rejected",
        "A check whose MESSAGE-INTEGRITY is the right HMAC cut to 16 bytes \
            gets no success response",
        Spec::must("RFC 8489", "9.1.3", SHA1_LENGTH),
        PEER,
        truncated_integrity_rejected,
    )
    .tags(SECURITY),
    Case::new(
        "ice.8489.9.1.3.wrong-key-sha256-rejected",
        "A check whose only integrity attribute is a MESSAGE-INTEGRITY-SHA256 \
            made with the wrong password gets no success response",
        Spec::must("RFC 8489", "9.1.3", ERROR_401),
        PEER,
        wrong_key_sha256_rejected,
    )
    .tags(SECURITY),
    Case::new(
        "ice.8489.9.1.3.no-integrity-rejected",
        "A check without MESSAGE-INTEGRITY gets no success response",
        Spec::must("RFC 8489", "9.1.3", MISSING_CREDENTIALS),
        PEER,
        no_integrity_rejected,
    )
    .tags(SECURITY),
    Case::new(
        "ice.8489.9.1.3.no-username-rejected",
        "A signed check without USERNAME gets no success response",
        Spec::must("RFC 8489", "9.1.3", MISSING_CREDENTIALS),
        PEER,
        no_username_rejected,
    )
    .tags(SECURITY),
    Case::new(
        "ice.8489.9.1.3.wrong-password-gets-401",
        "A check signed with the wrong password is rejected with error 401",
        Spec::must("RFC 8489", "9.1.3", ERROR_401),
        PEER,
        wrong_password_401,
    ),
    Case::new(
        "ice.8489.9.1.3.unknown-username-gets-401",
        "A check whose USERNAME names another ufrag is rejected with error 401",
        Spec::must("RFC 8489", "9.1.3", ERROR_401),
        PEER,
        unknown_username_401,
    ),
    Case::new(
        "ice.8489.9.1.3.no-integrity-gets-400",
        "A check without MESSAGE-INTEGRITY is rejected with error 400",
        Spec::must("RFC 8489", "9.1.3", MISSING_CREDENTIALS),
        PEER,
        no_integrity_400,
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
        Ok(not_accepted(
            response,
            "an error response (401) or no response to a check changed after it \
                was signed",
        ))
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
        Ok(not_accepted(
            response,
            "an error response (401) or no response to a check with a 16-byte \
                MESSAGE-INTEGRITY",
        ))
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
            "an error response or no response to a check authenticated only by a \
                MESSAGE-INTEGRITY-SHA256 with the wrong password",
        ))
    })
}

fn no_integrity_400(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        let request = c.request().fingerprint().build();
        Ok(expect_error(&c.send(&request)?, 400))
    })
}

fn no_integrity_rejected(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        let request = c.request().fingerprint().build();
        let response = c.send(&request)?;
        Ok(not_accepted(
            response,
            "an error response (400) or no response to a check without \
                MESSAGE-INTEGRITY",
        ))
    })
}

fn no_username_rejected(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        let tie_breaker = 1;
        let b = c.request_with("", |b| b.ice_controlled(tie_breaker));
        // The builder wrote an empty USERNAME first: rebuild without it.
        let partial = Message::parse(&b.build()).map_err(|e| Outcome::Error { why: format!("crafted check: {e}") })?;
        let mut b = Builder::new(Class::Request, METHOD_BINDING, partial.transaction_id);
        for a in partial.attributes.iter().filter(|a| a.attr_type != USERNAME) {
            b = b.attr(a.attr_type, &a.value);
        }
        let request = c.signed(b);
        let response = c.send(&request)?;
        Ok(not_accepted(response, "an error response (400) or no response to a check without USERNAME"))
    })
}

fn unknown_username_401(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        let request = unknown_username_check(c);
        Ok(expect_error(&c.send(&request)?, 401))
    })
}

fn wrong_password_401(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        let request = c.request().message_integrity(b"not-the-password-of-this-call").fingerprint().build();
        Ok(expect_error(&c.send(&request)?, 401))
    })
}
