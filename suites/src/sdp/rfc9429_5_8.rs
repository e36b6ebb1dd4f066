//! RFC 9429 (JSEP) §5.8, Parsing a Session Description: a JSEP parser rejects any line that
//! is not well formed, and stores what later steps use.

use rtcspec_harness::{check, Case, Ctx, Level::*, Verdict};

use super::common::*;

const REJECT: &str = "If any line is not well formed or cannot be parsed as described, the parser MUST stop with an error and reject the session description, even if the value is to be discarded.";

pub const CASES: &[Case] = &[
    case("sdp.9429.5.8.well-formed-offer-accepted", "A well-formed offer (audio, video, data, bundled) is accepted", "RFC 9429", "5.8", Must, REJECT, well_formed_accepted),
    case("sdp.9429.5.8.1.version-not-0-rejected", "v=1 is rejected", "RFC 9429", "5.8.1", Must,
        "The \"v=\" line MUST have a version of 0, as specified in [RFC4566], Section 5.1.", version_rejected),
    case("sdp.9429.5.8.1.origin-malformed-rejected", "An o= line with missing fields is rejected", "RFC 9429", "5.8.1", Must,
        "The \"o=\" line MUST be parsed as specified in [RFC4566], Section 5.2.", origin_rejected),
    case("sdp.9429.5.8.1.line-order-rejected", "Session lines out of the fixed order are rejected", "RFC 9429", "5.8.1", Must,
        "These lines MUST occur in a specific order, and with a specific syntax, as defined in [RFC4566], Section 5.", order_rejected),
    case("sdp.9429.5.8.ice-ufrag-too-short-rejected", "An ice-ufrag of 2 characters is rejected", "RFC 9429", "5.8.1", Must,
        "If present, a single \"a=ice-ufrag\" line is parsed as specified in [RFC8839], Section 5.4, and the ufrag value is stored.", ufrag_rejected),
    case("sdp.9429.5.8.ice-pwd-too-short-rejected", "An ice-pwd of 8 characters is rejected", "RFC 9429", "5.8.1", Must,
        "If present, a single \"a=ice-pwd\" line is parsed as specified in [RFC8839], Section 5.4, and the password value is stored.", pwd_rejected),
    case("sdp.9429.5.8.fingerprint-malformed-rejected", "A fingerprint that is not hex pairs is rejected", "RFC 9429", "5.8.1", Must,
        "Any \"a=fingerprint\" lines are parsed as specified in [RFC8122], Section 5, and the set of fingerprint and algorithm values is stored.", fingerprint_rejected),
    case("sdp.9429.5.8.2.m-line-malformed-rejected", "An m= line with a non-numeric port is rejected", "RFC 9429", "5.8.2", Must, REJECT, m_line_rejected),
    case("sdp.9429.5.8.2.candidate-malformed-rejected", "A candidate line that breaks the grammar is rejected", "RFC 9429", "5.8.2", Must, REJECT, candidate_rejected),
    case("sdp.9429.5.2.1.mids-kept", "The round trip keeps every a=mid", "RFC 9429", "5.2.1", Must,
        "The following attributes, which are of a category other than IDENTICAL or TRANSPORT, MUST be included in each \"m=\" section: An \"a=mid\" line, as specified in [RFC5888], Section 4.", mids_kept),
    case("sdp.9429.5.8.ice-credentials-kept", "The round trip keeps ice-ufrag and ice-pwd", "RFC 9429", "5.8.1", Must,
        "If present, a single \"a=ice-ufrag\" line is parsed as specified in [RFC8839], Section 5.4, and the ufrag value is stored.", ice_kept),
    case("sdp.9429.5.8.fingerprint-kept", "The round trip keeps the certificate fingerprint", "RFC 9429", "5.8.1", Must,
        "Any \"a=fingerprint\" lines are parsed as specified in [RFC8122], Section 5, and the set of fingerprint and algorithm values is stored.", fingerprint_kept),
    case("sdp.9429.5.8.2.m-lines-kept", "The round trip keeps the m= sections, their order and payload types", "RFC 9429", "5.8.2", Must,
        "The \"m=\" line itself MUST be parsed as described in [RFC4566], Section 5.14, and the <media>, <port>, <proto>, and <fmt> values stored.", m_lines_kept),
    case("sdp.9429.5.8.2.candidates-kept", "The round trip keeps a=candidate lines", "RFC 9429", "5.8.2", Must,
        "Any \"a=candidate\" attributes MUST be parsed as specified in [RFC8839], Section 5.1, and their values stored.", candidates_kept),
];

fn well_formed_accepted(ctx: &mut Ctx) -> Verdict {
    expect_accepted(ctx, OFFER, "the well-formed offer")
}

fn version_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(ctx, &variant("v=0\r\n", "v=1\r\n"), "v=1")
}

fn origin_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(
        ctx,
        &variant("o=- 4611731400430051336 2 IN IP4 127.0.0.1", "o=- 4611731400430051336"),
        "an o= line with 2 fields",
    )
}

fn order_rejected(ctx: &mut Ctx) -> Verdict {
    let swapped = variant(
        "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\n",
        "s=-\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n",
    );
    expect_rejected(ctx, &swapped, "s= before o=")
}

fn ufrag_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(ctx, &OFFER.replace("a=ice-ufrag:4ZcD", "a=ice-ufrag:4Z"), "ice-ufrag \"4Z\"")
}

fn pwd_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(
        ctx,
        &OFFER.replace("a=ice-pwd:2/1muCWoOi3uLifh0NuRHlch", "a=ice-pwd:2/1muCWo"),
        "an 8-character ice-pwd",
    )
}

fn fingerprint_rejected(ctx: &mut Ctx) -> Verdict {
    let bad = OFFER.replace("sha-256 19:E2:1C:3B", "sha-256 XY:E2:1C:3B");
    expect_rejected(ctx, &bad, "a fingerprint with \"XY\"")
}

fn m_line_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(ctx, &variant("m=video 9 UDP", "m=video nine UDP"), "m=video nine ...")
}

fn candidate_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(
        ctx,
        &variant("2122260223 192.0.2.1 46243 typ host", "2122260223 192.0.2.1 46243 host"),
        "a candidate without \"typ\"",
    )
}

/// The part of an attribute value a parser must keep: candidates without their extensions
/// (RFC 8839 §5.1 lets a parser ignore name/value pairs it does not understand), transport
/// and hash names without case (ABNF literals are case-insensitive), hex in upper case.
fn essential(name: &str, value: &str) -> String {
    match name {
        "candidate" => {
            let f: Vec<&str> = value.split(' ').collect();
            let mut core: Vec<String> = f.iter().take(8).map(|s| s.to_string()).collect();
            if let Some(t) = core.get_mut(2) {
                *t = t.to_ascii_lowercase();
            }
            for key in ["raddr", "rport"] {
                if let Some(i) = f.iter().position(|x| *x == key) {
                    core.extend([key.to_string(), f.get(i + 1).unwrap_or(&"").to_string()]);
                }
            }
            core.join(" ")
        }
        "fingerprint" => value.to_ascii_uppercase(),
        _ => value.to_string(),
    }
}

fn kept(ctx: &mut Ctx, name: &str) -> Verdict {
    let out = control(ctx)?;
    let norm = |vs: Vec<String>| vs.iter().map(|v| essential(name, v)).collect::<Vec<_>>();
    let (want, got) = (norm(attribute_values(OFFER, name)), norm(attribute_values(&out, name)));
    // A serializer may repeat session-wide values per section or fold them; what matters is
    // that every value offered survives.
    let lost: Vec<&String> = want.iter().filter(|v| !got.contains(v)).collect();
    Ok(check(lost.is_empty(), format!("every a={name} value kept: {want:?}"), || {
        format!("lost {lost:?}; output has {got:?}")
    }))
}

fn mids_kept(ctx: &mut Ctx) -> Verdict {
    let out = control(ctx)?;
    let (want, got) = (attribute_values(OFFER, "mid"), attribute_values(&out, "mid"));
    Ok(check(want == got, format!("a=mid values {want:?} in order"), || format!("{got:?}")))
}

fn ice_kept(ctx: &mut Ctx) -> Verdict {
    match kept(ctx, "ice-ufrag")? {
        rtcspec_harness::Outcome::Pass => kept(ctx, "ice-pwd"),
        other => Ok(other),
    }
}

fn fingerprint_kept(ctx: &mut Ctx) -> Verdict {
    kept(ctx, "fingerprint")
}

fn candidates_kept(ctx: &mut Ctx) -> Verdict {
    kept(ctx, "candidate")
}

fn m_lines_kept(ctx: &mut Ctx) -> Verdict {
    let out = control(ctx)?;
    let (want, got) = (m_lines(OFFER), m_lines(&out));
    Ok(check(want == got, format!("m= lines {want:?}"), || format!("{got:?}")))
}
