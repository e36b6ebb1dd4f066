//! RFC 8122 §5 and §5.1: how an endpoint reads the fingerprints it checks the DTLS
//! certificate against. The hash name is an ABNF string, so its letter case does not matter
//! (RFC 5234 §2.3); and a certificate matches when any of several fingerprints does.
//! The target offers; the harness answers with a description rewritten as each case says,
//! and the certificate is the harness's own, so the call must come up.

use rtcspec_harness::peer::view::Side;
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

use crate::live::*;

const CASE_TEXT: &str = "hash-func = \"sha-1\" / \"sha-224\" / \"sha-256\" / \"sha-384\" / \
    \"sha-512\" / \"md5\" / \"md2\" / token (ABNF quoted strings are \
    case-insensitive, RFC 5234 §2.3)";
const MULTIPLE_TEXT: &str = "Multiple SDP fingerprint attributes can be associated with an 'm' \
    line. This can occur if multiple fingerprints have been calculated \
    for a certificate using different hash functions. It can also occur \
    if one or more fingerprints associated with multiple certificates \
    have been calculated.";

pub const CASES: &[Case] = &[
    Case::new(
        "dtls.8122.5.hash-name-upper-case-accepted",
        "A fingerprint whose hash name is in upper case (SHA-256) is understood",
        Spec::must("RFC 8122", "5", CASE_TEXT),
        PEER,
        upper_case_hash_name,
    ),
    Case::new(
        "dtls.8122.5.1.any-fingerprint-matches",
        "The certificate matches the second of two fingerprints: the call \
            comes up",
        Spec::must("RFC 8122", "5.1", MULTIPLE_TEXT),
        PEER,
        second_fingerprint_matches,
    ),
];

fn upper_case(sdp: &str) -> String {
    sdp.replace("a=fingerprint:sha-256 ", "a=fingerprint:SHA-256 ")
}

/// A fingerprint of another certificate (all zero bytes) before the real one.
fn extra_fingerprint_first(sdp: &str) -> String {
    let zero = vec!["00"; 32].join(":");
    sdp.replacen("a=fingerprint:", &format!("a=fingerprint:sha-256 {zero}\r\na=fingerprint:"), 1)
}

fn upper_case_hash_name(ctx: &mut Ctx) -> Verdict {
    comes_up(ctx, upper_case, "a=fingerprint:SHA-256")
}

fn second_fingerprint_matches(ctx: &mut Ctx) -> Verdict {
    comes_up(ctx, extra_fingerprint_first, "a wrong sha-256 fingerprint before the right one")
}

/// Pass when the target completes DTLS with the harness's (correctly fingerprinted)
/// certificate and sends application data, without an alert or a failed state.
fn comes_up(ctx: &mut Ctx, rewrite: fn(&str) -> String, what: &str) -> Verdict {
    let LiveCall { view, summary, target_states, refused, .. } =
        call_and_read_with(ctx, Offerer::Target, Some(rewrite))?;
    // Refusing a description RFC 8122 allows is not coming up with it.
    if let Some((op, error)) = refused {
        return Ok(Outcome::fail(
            format!(
                "the call comes up with {what}: DTLS completes and the target sends \
                    data"
            ),
            format!("the target refused the harness's description ({op}): {error}"),
        ));
    }
    let gave_up = target_states.iter().any(|s| s == "failed" || s == "closed");
    if view.dtls_complete()
        && view.application_data_from(Side::Target) > 0
        && view.alerts_from(Side::Target) == 0
        && !gave_up
    {
        return Ok(Outcome::Pass);
    }
    if view.dtls_client.is_none() && !gave_up {
        return Err(Outcome::Error { why: format!("no DTLS handshake started, nothing to judge ({summary})") });
    }
    Ok(Outcome::fail(
        format!(
            "the call comes up with {what}: DTLS completes and the target sends \
                data"
        ),
        format!(
            "DTLS complete: {}, target alerts: {}, target application data \
                records: {}; {summary}",
            view.dtls_complete(),
            view.alerts_from(Side::Target),
            view.application_data_from(Side::Target)
        ),
    ))
}
