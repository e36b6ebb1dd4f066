//! RFC 8445 §7.2: the target's agent as a STUN client, its checks' credentials. The harness
//! reads every connectivity check the target sent in a call: USERNAME, MESSAGE-INTEGRITY with
//! the harness's password, and FINGERPRINT. (What else a check carries is §7.1's file.)

use rtcspec_harness::stun::*;
use rtcspec_harness::{Case, Ctx, Spec, Verdict};

use super::kit::*;
use crate::live::{Offerer, PEER, SECURITY};

const CREDENTIALS: &str = "A connectivity-check Binding request MUST utilize the STUN short-term \
    credential mechanism. The username for the credential is formed by \
    concatenating the username fragment provided by the peer with the \
    username fragment of the ICE agent sending the request, separated by \
    a colon (\":\"). The password is equal to the password provided by \
    the peer.";
const FINGERPRINT_TEXT: &str = "Support for backwards compatibility with RFC 3489 MUST NOT be assumed \
    when performing connectivity checks. The FINGERPRINT mechanism MUST \
    be used for connectivity checks.";

pub const CASES: &[Case] = &[
    Case::new(
        "ice.8445.7.2.2.check-username",
        "The target's checks carry USERNAME <harness ufrag>:<target ufrag>",
        Spec::must("RFC 8445", "7.2.2", CREDENTIALS),
        PEER,
        check_username,
    )
    .tags(SECURITY),
    Case::new(
        "ice.8445.7.2.2.check-signed-with-peer-password",
        "The target's checks carry MESSAGE-INTEGRITY computed with the \
            harness's password",
        Spec::must("RFC 8445", "7.2.2", CREDENTIALS),
        PEER,
        check_integrity,
    )
    .tags(SECURITY),
    Case::new(
        "ice.8445.7.2.4.check-fingerprint",
        "The target's checks end with a valid FINGERPRINT",
        Spec::must("RFC 8445", "7.2.4", FINGERPRINT_TEXT),
        PEER,
        check_fingerprint,
    ),
];

fn check_username(ctx: &mut Ctx) -> Verdict {
    let seen = checks_of(ctx, Offerer::Target)?;
    let expected = format!("USERNAME {:?} in every check", seen.expected_username);
    Ok(every_check(&seen, &expected, |m| match m.text(USERNAME) {
        Some(u) if u == seen.expected_username => Ok(()),
        Some(u) => Err(format!("USERNAME is {u:?}")),
        None => Err("no USERNAME".into()),
    }))
}

fn check_integrity(ctx: &mut Ctx) -> Verdict {
    let seen = checks_of(ctx, Offerer::Target)?;
    let expected = "MESSAGE-INTEGRITY computed with the harness's a=ice-pwd in every check";
    Ok(every_check(&seen, expected, |m| match m.verify_integrity(MESSAGE_INTEGRITY, seen.harness_pwd.as_bytes()) {
        Some(true) => Ok(()),
        Some(false) => Err("MESSAGE-INTEGRITY does not verify with the harness's password".into()),
        None => Err("no MESSAGE-INTEGRITY".into()),
    }))
}

fn check_fingerprint(ctx: &mut Ctx) -> Verdict {
    let seen = checks_of(ctx, Offerer::Target)?;
    Ok(every_check(&seen, "a FINGERPRINT that verifies, last, in every check", |m| {
        match (m.verify_fingerprint(), m.attributes.last().map(|a| a.attr_type)) {
            (Some(true), Some(FINGERPRINT)) => Ok(()),
            (Some(true), _) => Err("FINGERPRINT is not the last attribute".into()),
            (Some(false), _) => Err("FINGERPRINT does not verify".into()),
            (None, _) => Err("no FINGERPRINT".into()),
        }
    }))
}
