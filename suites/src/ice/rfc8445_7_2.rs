//! RFC 8445 §7.1 and §7.2 (and §6.1.1): the target's agent as a STUN client. The harness
//! reads every connectivity check the target sent in a call: its credentials (USERNAME,
//! MESSAGE-INTEGRITY with the harness's password), FINGERPRINT, PRIORITY, the attribute of
//! its role, and which role nominates. Against an ICE lite harness the target must control.

use rtcspec_harness::peer::PeerOptions;
use rtcspec_harness::stun::*;
use rtcspec_harness::{Case, Ctx, Outcome, Verdict};

use super::common::*;
use crate::live::{case, Offerer, SECURITY};

const CREDENTIALS: &str = "A connectivity-check Binding request MUST utilize the STUN short-term credential mechanism. The username for the credential is formed by concatenating the username fragment provided by the peer with the username fragment of the ICE agent sending the request, separated by a colon (\":\"). The password is equal to the password provided by the peer.";
const FINGERPRINT_TEXT: &str = "Support for backwards compatibility with RFC 3489 MUST NOT be assumed when performing connectivity checks. The FINGERPRINT mechanism MUST be used for connectivity checks.";
const PRIORITY_TEXT: &str = "The PRIORITY attribute MUST be included in a Binding request and be set to the value computed by the algorithm in Section 5.1.2 for the local candidate, but with the candidate type preference of peer-reflexive candidates.";
const ROLE_TEXT: &str = "The controlling agent MUST include the ICE-CONTROLLING attribute in a Binding request. The controlled agent MUST include the ICE-CONTROLLED attribute in a Binding request.";
const NOMINATION_TEXT: &str = "The controlling agent MUST include the USE-CANDIDATE attribute in order to nominate a candidate pair (Section 8.1.1). The controlled agent MUST NOT include the USE-CANDIDATE attribute in a Binding request.";
const LITE_TEXT: &str = "One agent full, one lite: The full agent MUST take the controlling role, and the lite agent MUST take the controlled role.";

pub const CASES: &[Case] = &[
    case(
        ("ice.8445.7.2.2.check-username", "ice"),
        "The target's checks carry USERNAME <harness ufrag>:<target ufrag>",
        ("RFC 8445", "7.2.2"),
        CREDENTIALS,
        SECURITY,
        check_username,
    ),
    case(
        ("ice.8445.7.2.2.check-signed-with-peer-password", "ice"),
        "The target's checks carry MESSAGE-INTEGRITY computed with the harness's password",
        ("RFC 8445", "7.2.2"),
        CREDENTIALS,
        SECURITY,
        check_integrity,
    ),
    case(
        ("ice.8445.7.2.4.check-fingerprint", "ice"),
        "The target's checks end with a valid FINGERPRINT",
        ("RFC 8445", "7.2.4"),
        FINGERPRINT_TEXT,
        &[],
        check_fingerprint,
    ),
    case(
        ("ice.8445.7.1.1.check-priority", "ice"),
        "The target's checks carry PRIORITY",
        ("RFC 8445", "7.1.1"),
        PRIORITY_TEXT,
        &[],
        check_priority,
    ),
    case(
        ("ice.8445.7.1.3.controlling-attribute", "ice"),
        "The target, offering (controlling), puts ICE-CONTROLLING in its checks, never ICE-CONTROLLED",
        ("RFC 8445", "7.1.3"),
        ROLE_TEXT,
        &[],
        controlling_attribute,
    ),
    case(
        ("ice.8445.7.1.3.controlled-attribute", "ice"),
        "The target, answering (controlled), puts ICE-CONTROLLED in its checks, never ICE-CONTROLLING",
        ("RFC 8445", "7.1.3"),
        ROLE_TEXT,
        &[],
        controlled_attribute,
    ),
    case(
        ("ice.8445.7.1.2.controlling-nominates", "ice"),
        "The target, controlling, nominates a pair: a check of its carries USE-CANDIDATE",
        ("RFC 8445", "7.1.2"),
        NOMINATION_TEXT,
        &[],
        controlling_nominates,
    ),
    case(
        ("ice.8445.7.1.2.controlled-never-nominates", "ice"),
        "The target, controlled, never puts USE-CANDIDATE in a check",
        ("RFC 8445", "7.1.2"),
        NOMINATION_TEXT,
        &[],
        controlled_never_nominates,
    ),
    case(
        ("ice.8445.6.1.1.full-agent-controls-lite", "ice"),
        "Answering an ICE lite offer, the target takes the controlling role",
        ("RFC 8445", "6.1.1"),
        LITE_TEXT,
        &[],
        full_agent_controls_lite,
    ),
];

fn checks_of(ctx: &mut Ctx, offerer: Offerer) -> Result<TargetChecks, Outcome> {
    target_checks(ctx, offerer, PeerOptions::default())
}

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

fn check_priority(ctx: &mut Ctx) -> Verdict {
    let seen = checks_of(ctx, Offerer::Target)?;
    Ok(every_check(&seen, "a 4-byte PRIORITY in every check", |m| match m.attribute(PRIORITY) {
        Some(a) if a.value.len() == 4 => Ok(()),
        Some(a) => Err(format!("PRIORITY is {} bytes long", a.value.len())),
        None => Err("no PRIORITY".into()),
    }))
}

/// Every check carries `own` and not the other role's attribute.
fn role_attribute(seen: &TargetChecks, own: u16) -> Outcome {
    let (name, other, other_name) = match own {
        ICE_CONTROLLING => ("ICE-CONTROLLING", ICE_CONTROLLED, "ICE-CONTROLLED"),
        _ => ("ICE-CONTROLLED", ICE_CONTROLLING, "ICE-CONTROLLING"),
    };
    every_check(seen, &format!("{name} and no {other_name} in every check"), |m| match (m.has(own), m.has(other)) {
        (true, false) => Ok(()),
        (_, true) => Err(format!("it carries {other_name}")),
        (false, false) => Err(format!("no {name}")),
    })
}

fn controlling_attribute(ctx: &mut Ctx) -> Verdict {
    Ok(role_attribute(&checks_of(ctx, Offerer::Target)?, ICE_CONTROLLING))
}

fn controlled_attribute(ctx: &mut Ctx) -> Verdict {
    Ok(role_attribute(&checks_of(ctx, Offerer::Harness)?, ICE_CONTROLLED))
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

fn full_agent_controls_lite(ctx: &mut Ctx) -> Verdict {
    let seen = target_checks(ctx, Offerer::Harness, PeerOptions { ice_lite: true, ..PeerOptions::default() })?;
    Ok(role_attribute(&seen, ICE_CONTROLLING))
}
