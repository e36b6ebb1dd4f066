//! RFC 9429 (JSEP) §5.3: the answer a JSEP endpoint creates for an offer. Each case hands a
//! peer target an offer (the suite's base offer or a one-change variant of it) and judges the
//! answer it creates, m= section by m= section. (The offers it must refuse are §5.8.3's file.)

use rtcspec_harness::{Ctx, Outcome, Spec, Verdict};

use super::kit::answer::*;
use super::kit::{inserted, long_ufrag_offer, variant, OFFER};
use rtcspec_harness::Case;

pub const CASES: &[Case] = &[
    Case::new(
        "sdp.9429.5.3.1.offer-answered",
        "The well-formed offer gets an answer",
        Spec::must(
            "RFC 9429",
            "5.3",
            "When createAnswer is called, a new SDP description MUST be created \
            that is compatible with the supplied remote description as well as \
            the requirements specified in [RFC8834].",
        ),
        ANSWERER,
        answered,
    ),
    Case::new(
        "sdp.9429.5.3.1.proto-matches",
        "\
        Each answered m= line has the offer's media type and <proto>",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "The <proto> field MUST be set to exactly match the <proto> field for \
                the corresponding \"m=\" line in the offer.",
        ),
        ANSWERER,
        proto_matches,
    )
    .covers(&["rfc9429-5.3.1-9", "rfc9429-5.8.3-12"]),
    Case::new(
        "sdp.9429.5.3.1.mids-echoed",
        "Each answered m= section \
        carries the offer's a=mid",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "If and only if present in the offer, an \"a=mid\" line, as specified \
                in [RFC5888], Section 9.1. The MID value MUST match that specified in \
                the offer.",
        ),
        ANSWERER,
        mids_echoed,
    )
    .covers(&["rfc9429-5.3.1-18"]),
    Case::new(
        "sdp.9429.5.3.1.default-port-9",
        "Accepted m= sections use port \
        9 before any candidate exists",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "The <port> value would normally be set to the port of the default ICE \
                candidate for this \"m=\" section, but given that no candidates are \
                available yet, the default <port> value of 9 (Discard) MUST be used, \
                as indicated in [RFC8840], Section 4.1.1.",
        ),
        ANSWERER,
        default_port,
    )
    .covers(&["rfc9429-5.3.1-8"]),
    Case::new(
        "sdp.9429.5.3.1.c-line-follows-m-line",
        "\
        Each accepted m= line is followed by c=IN IP4 0.0.0.0",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "The \"m=\" line MUST be followed immediately by a \"c=\" line, as \
                specified in [RFC4566], Section 5.7. Again, as no candidates are \
                available yet, the \"c=\" line MUST contain the default value \"IN \
                IP4 0.0.0.0\", as defined in [RFC8840], Section 4.1.3.",
        ),
        ANSWERER,
        c_line,
    )
    .covers(&["rfc9429-5.3.1-14", "rfc9429-5.3.1-15"]),
    Case::new(
        "sdp.9429.5.3.1.formats-from-offer",
        "Answered payload types include an offered one and map to the offered \
                codecs",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "In either case, the media formats in the answer MUST include at least \
                one format that is present in the offer but MAY include formats that \
                are locally supported but not present in the offer, as mentioned in \
                [RFC3264], Section 6.1.",
        ),
        ANSWERER,
        formats_from_offer,
    )
    .covers(&["rfc9429-5.3.1-13"]),
    Case::new(
        "sdp.9429.5.3.1.formats-in-offered-order",
        "Offered payload types keep the offer's order in the answer, added \
                ones come last",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "Otherwise, the media formats on the \"m=\" line MUST be generated in \
                the same order as those offered in the current remote description, \
                excluding any currently unsupported formats.",
        ),
        ANSWERER,
        formats_in_order,
    )
    .covers(&["rfc9429-5.3.1-11", "rfc9429-5.3.1-12"]),
    Case::new(
        "sdp.9429.5.3.1.direction-sendonly-answered-recvonly",
        "\
        An offered sendonly section is answered recvonly or inactive",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "A direction attribute, determined by applying the rules regarding the \
                offered direction specified in [RFC3264], Section 6.1, and then \
                intersecting with the direction of the associated RtpTransceiver.",
        ),
        ANSWERER,
        direction_sendonly,
    )
    .covers(&["rfc9429-5.3.1-17"]),
    Case::new(
        "sdp.9429.5.3.1.direction-recvonly-answered-sendonly",
        "\
        An offered recvonly section is answered sendonly or inactive",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "A direction attribute, determined by applying the rules regarding the \
                offered direction specified in [RFC3264], Section 6.1, and then \
                intersecting with the direction of the associated RtpTransceiver.",
        ),
        ANSWERER,
        direction_recvonly,
    )
    .covers(&["rfc9429-5.3.1-17"]),
    Case::new(
        "sdp.9429.5.3.1.direction-inactive-answered-inactive",
        "An offered inactive section is answered inactive",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "A direction attribute, determined by applying the rules regarding the \
                offered direction specified in [RFC3264], Section 6.1, and then \
                intersecting with the direction of the associated RtpTransceiver.",
        ),
        ANSWERER,
        direction_inactive,
    )
    .covers(&["rfc9429-5.3.1-17"]),
    Case::new(
        "sdp.9429.5.3.1.setup-active-or-passive",
        "The answer's \
        a=setup is active or passive",
        Spec::must("RFC 9429", "5.3.1", "The role value in the answer MUST be \"active\" or \"passive\"."),
        ANSWERER,
        setup_role,
    )
    .covers(&["rfc9429-5.3.1-24"]),
    Case::new(
        "sdp.9429.5.3.1.setup-active-for-actpass",
        "An actpass offer \
        is answered with a=setup:active",
        Spec::should(
            "RFC 9429",
            "5.3.1",
            "When the offer contains the \"actpass\" value, as will always be the \
                case with JSEP endpoints, the answerer SHOULD use the \"active\" role.",
        ),
        ANSWERER,
        setup_active,
    )
    .covers(&["rfc9429-5.3.1-25"]),
    Case::new(
        "sdp.9429.5.3.1.setup-consistent-with-passive",
        "\
        A passive offer (from a non-JSEP endpoint) is answered active",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "Offers from non-JSEP endpoints MAY send other values for \"a=setup\", \
                in which case the answer MUST use a value consistent with the value \
                in the offer.",
        ),
        ANSWERER,
        setup_after_passive,
    )
    .covers(&["rfc9429-5.3.1-26"]),
    Case::new(
        "\
        sdp.9429.5.3.1.ice-credentials-own",
        "The answer carries valid ICE credentials of its own, new for each \
                session",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "\"a=ice-ufrag\" and \"a=ice-pwd\" lines, as specified in [RFC8839], \
                Section 5.4.",
        ),
        ANSWERER,
        ice_credentials,
    )
    .covers(&["rfc9429-5.3.1-23", "rfc8839-5.4-1", "rfc8839-5.4-2", "rfc8839-5.4-3", "rfc8839-5.4-4"]),
    Case::new(
        "sdp.9429.5.3.1.fingerprint-present",
        "The answer carries a \
        well-formed certificate fingerprint",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "For each desired digest algorithm, one or more \"a=fingerprint\" \
                lines for each of the endpoint's certificates, as specified in \
                [RFC8122], Section 5.",
        ),
        ANSWERER,
        fingerprint,
    )
    .covers(&["rfc9429-5.3.1-23"]),
    Case::new(
        "sdp.9429.5.3.1.bundle-group-answered",
        "\
        The answer's BUNDLE group holds every offered mid it did not reject",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "If \"a=group\" attributes with semantics \"BUNDLE\" are offered, \
                corresponding session-level \"a=group\" attributes MUST be added as \
                specified in [RFC5888]. These attributes MUST have semantics \
                \"BUNDLE\" and MUST include all MID identifiers from the offered \
                bundle groups that have not been rejected.",
        ),
        ANSWERER,
        bundle_group,
    )
    .covers(&["rfc9429-5.3.1-30", "rfc9429-5.3.1-31"]),
    Case::new(
        "sdp.9429.5.3.1.no-bundle-only-in-answer",
        "An offered \
        a=bundle-only section is answered without a=bundle-only",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "Note that regardless of the presence of \"a=bundle-only\" in the \
                offer, all \"m=\" sections in the answer MUST NOT have an \
                \"a=bundle-only\" line.",
        ),
        ANSWERER,
        no_bundle_only,
    )
    .covers(&["rfc9429-5.3.1-32"]),
    Case::new(
        "sdp.9429.5.3.1.rtcp-mux-answered",
        "An offered a=rtcp-mux is \
        answered with a=rtcp-mux",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "If present in the offer, an \"a=rtcp-mux\" line, as specified in \
                [RFC5761], Section 5.1.3.",
        ),
        ANSWERER,
        rtcp_mux,
    )
    .covers(&["rfc9429-5.3.1-23"]),
    Case::new(
        "sdp.9429.5.3.1.ice-options-only-if-offered",
        "No a=ice-options:trickle in the answer to an offer \
        without it",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "The process here is identical to that indicated in Section 5.2.1 \
            above, except that the \"a=ice-options\" line, with the \"trickle\" \
            option as specified in [RFC8840], Section 4.1.3 and the \"ice2\" \
            option as specified in [RFC8445], Section 10, is only included if \
            such an option was present in the offer.",
        ),
        ANSWERER,
        ice_options_only_if_offered,
    ),
    Case::new(
        "sdp.9429.5.3.1.data-section-answered",
        "The data m= section is answered with the offer's proto and fmt and an \
                a=sctp-port",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "Within the data \"m=\" section, an \"a=mid\" line MUST be generated \
                and included as described above, along with an \"a=sctp-port\" line \
                referencing the SCTP port number, as defined in [RFC8841], Section \
                5.1; and, if appropriate, an \"a=max-message-size\" line, as defined \
                in [RFC8841], Section 6.1.",
        ),
        ANSWERER,
        data_section,
    )
    .covers(&["rfc9429-5.3.1-27", "rfc9429-5.3.1-28", "rfc9429-5.3.1-29"]),
    Case::new(
        "sdp.9429.5.3.1.unsupported-codec-rejected",
        "\
        An m= section whose only codec is unknown is rejected with port 0",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "For each offered \"m=\" section, if any of the following conditions \
                are true, the corresponding \"m=\" section in the answer MUST be \
                marked as rejected by setting the <port> in the \"m=\" line to zero, \
                as indicated in [RFC3264], Section 6, and further processing for this \
                \"m=\" section can be skipped: [...] There is no offered media format \
                that is both supported and, if applicable, allowed by codec \
                preferences.",
        ),
        ANSWERER,
        unsupported_rejected,
    )
    .covers(&["rfc9429-5.3.1-5"]),
    Case::new(
        "sdp.9429.5.3.1.unbundled-section-own-transport",
        "An m= section outside the offered BUNDLE group is answered with its \
                own ICE credentials",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "If the offer supports bundle, all \"m=\" sections to be bundled MUST \
                use the same ICE credentials and candidates; all \"m=\" sections not \
                being bundled MUST use unique ICE credentials and candidates.",
        ),
        ANSWERER,
        unbundled_section,
    )
    .covers(&["rfc9429-5.3.1-16"]),
    Case::new(
        "sdp.9429.5.3.1.data-first-sections-in-order",
        "An offer with its data section first is answered section for section, \
                mids in order",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "If and only if present in the offer, an \"a=mid\" line, as specified \
                in [RFC5888], Section 9.1. The MID value MUST match that specified in \
                the offer.",
        ),
        ANSWERER,
        data_first_in_order,
    )
    .covers(&["rfc9429-5.3.1-18", "rfc9429-5.8.3-11"]),
    Case::new(
        "sdp.8839.5.1.mdns-candidate-offer-answered",
        "An offer with an \
        mDNS host candidate is answered, not refused",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "An agent processing remote candidates MUST ignore \"candidate\" lines \
                that include candidates with FQDNs or IP address versions that are \
                not supported or recognized.",
        ),
        ANSWERER,
        mdns_offer_answered,
    )
    .covers(&["rfc8839-5.1-2"]),
    Case::new(
        "sdp.8839.5.4.long-ice-ufrag-offer-answered",
        "An offer whose \
        ice-ufrag has 256 characters is answered",
        Spec::must(
            "RFC 9429",
            "5.3.1",
            "For compatibility with the 512-character limitation for the STUN \
                username attribute value and for bandwidth conservation \
                considerations, the \"ice-ufrag\" attribute MUST NOT be longer than \
                32 characters when sending, but an implementation MUST accept up to \
                256 characters when receiving.",
        ),
        ANSWERER,
        long_ufrag_answered,
    )
    .covers(&["rfc8839-5.4-4"]),
];

fn proto_matches(ctx: &mut Ctx) -> Verdict {
    let (offer, answer) = answer_to(ctx, OFFER)?;
    let problems = paired(&offer, &answer)?
        .iter()
        .enumerate()
        .filter(|(_, (o, a))| o.proto != a.proto || o.media != a.media)
        .map(|(i, (o, a))| format!("{}: offered {} {}, answered {} {}", o.label(i), o.media, o.proto, a.media, a.proto))
        .collect();
    verdict("media and proto as offered", problems)
}

fn mids_echoed(ctx: &mut Ctx) -> Verdict {
    let (offer, answer) = answer_to(ctx, OFFER)?;
    let problems = paired(&offer, &answer)?
        .iter()
        .enumerate()
        .filter(|(_, (o, a))| o.attr("mid") != a.attr("mid"))
        .map(|(i, (o, a))| format!("{}: offered mid {:?}, answered {:?}", o.label(i), o.attr("mid"), a.attr("mid")))
        .collect();
    verdict("every offered a=mid echoed", problems)
}

fn default_port(ctx: &mut Ctx) -> Verdict {
    let (_, answer) = accepted(ctx, OFFER)?;
    let problems = answer
        .sections
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.rejected() && a.port != "9")
        .map(|(i, a)| format!("{} has port {}", a.label(i), a.port))
        .collect();
    verdict("port 9 on every accepted m= line", problems)
}

fn c_line(ctx: &mut Ctx) -> Verdict {
    let (_, answer) = accepted(ctx, OFFER)?;
    let problems = answer
        .sections
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.rejected())
        .filter(|(_, a)| a.next_kind != Some('c') || a.c_line.as_deref() != Some("IN IP4 0.0.0.0"))
        .map(|(i, a)| match &a.c_line {
            Some(c) if a.next_kind == Some('c') => format!("{}: c={c}", a.label(i)),
            Some(_) => format!("{}: the c= line does not follow the m= line", a.label(i)),
            None => format!("{}: no c= line", a.label(i)),
        })
        .collect();
    verdict("c=IN IP4 0.0.0.0 right after each accepted m= line", problems)
}

fn formats_from_offer(ctx: &mut Ctx) -> Verdict {
    let (offer, answer) = accepted(ctx, OFFER)?;
    let mut problems = Vec::new();
    for (i, (o, a)) in offer.sections.iter().zip(&answer.sections).enumerate() {
        if a.rejected() || !o.proto.contains("RTP/") {
            continue;
        }
        if !a.fmts.iter().any(|pt| o.fmts.contains(pt)) {
            problems.push(format!("{}: none of {:?} was offered ({:?})", a.label(i), a.fmts, o.fmts));
        }
        for pt in a.fmts.iter().filter(|pt| o.fmts.contains(pt)) {
            let (offered, answered) = (o.codec(pt), a.codec(pt));
            if answered.is_some() && offered != answered {
                problems.push(format!(
                    "{}: payload type {pt} offered as {offered:?}, answered as {answered:?}",
                    a.label(i)
                ));
            }
        }
    }
    verdict("offered payload types, mapped to the offered codecs", problems)
}

fn formats_in_order(ctx: &mut Ctx) -> Verdict {
    let (offer, answer) = accepted(ctx, OFFER)?;
    let mut problems = Vec::new();
    for (i, (o, a)) in offer.sections.iter().zip(&answer.sections).enumerate() {
        if a.rejected() || !o.proto.contains("RTP/") {
            continue;
        }
        let kept: Vec<&String> = a.fmts.iter().filter(|pt| o.fmts.contains(pt)).collect();
        let in_offer_order: Vec<&String> = o.fmts.iter().filter(|pt| kept.contains(pt)).collect();
        // Formats the answerer adds come after every offered one (RFC 9429 §5.3.1).
        let first_added = a.fmts.iter().position(|pt| !o.fmts.contains(pt));
        let added_early = first_added.is_some_and(|at| a.fmts[at..].iter().any(|pt| o.fmts.contains(pt)));
        if kept != in_offer_order || added_early {
            problems.push(format!("{}: offered {:?}, answered {:?}", a.label(i), o.fmts, a.fmts));
        }
    }
    verdict("offered payload types in the offered order", problems)
}

/// Offers the audio section with `direction`, and checks the answer's audio direction is
/// one of `allowed`.
fn direction(ctx: &mut Ctx, direction: &str, allowed: &[&str]) -> Verdict {
    let offer_text = variant("a=sendrecv\r\na=msid:stream0 track0", &format!("a={direction}\r\na=msid:stream0 track0"));
    let (_, answer) = accepted(ctx, &offer_text)?;
    let audio = &answer.sections[0];
    if audio.rejected() {
        return Ok(Outcome::fail("the audio section accepted", "rejected (port 0)"));
    }
    let answered =
        audio.direction().map(str::to_string).or_else(|| answer.session_attr("sendrecv").map(|_| "sendrecv".into()));
    let answered = answered.unwrap_or_else(|| "sendrecv (no attribute)".into());
    Ok(rtcspec_harness::check(
        allowed.contains(&answered.as_str()),
        format!("{direction} answered {}", allowed.join(" or ")),
        || format!("answered {answered}"),
    ))
}

fn direction_sendonly(ctx: &mut Ctx) -> Verdict {
    direction(ctx, "sendonly", &["recvonly", "inactive"])
}

fn direction_recvonly(ctx: &mut Ctx) -> Verdict {
    direction(ctx, "recvonly", &["sendonly", "inactive"])
}

fn direction_inactive(ctx: &mut Ctx) -> Verdict {
    direction(ctx, "inactive", &["inactive"])
}

/// The effective a=setup of each answered section that carries its own transport.
fn setups(answer: &Description) -> Vec<(String, Option<String>)> {
    transport_sections(answer).into_iter().map(|(i, a)| (a.label(i), answer.effective(a, "setup"))).collect()
}

fn setup_check(ctx: &mut Ctx, offer: &str, allowed: &[&str]) -> Verdict {
    let (_, answer) = accepted(ctx, offer)?;
    let problems = setups(&answer)
        .into_iter()
        .filter(|(_, s)| !s.as_deref().is_some_and(|s| allowed.contains(&s)))
        .map(|(label, s)| format!("{label}: a=setup:{}", s.unwrap_or_else(|| "(none)".into())))
        .collect();
    verdict(format!("a=setup:{} in every accepted section", allowed.join(" or ")), problems)
}

fn setup_role(ctx: &mut Ctx) -> Verdict {
    setup_check(ctx, OFFER, &["active", "passive"])
}

fn setup_active(ctx: &mut Ctx) -> Verdict {
    setup_check(ctx, OFFER, &["active"])
}

fn setup_after_passive(ctx: &mut Ctx) -> Verdict {
    setup_check(ctx, &OFFER.replace("a=setup:actpass", "a=setup:passive"), &["active"])
}

fn ice_credentials(ctx: &mut Ctx) -> Verdict {
    let (offer, first) = accepted(ctx, OFFER)?;
    let (_, second) = accepted(ctx, OFFER)?;
    let theirs = (offer.effective(&offer.sections[0], "ice-ufrag"), offer.effective(&offer.sections[0], "ice-pwd"));
    let mut problems = Vec::new();
    let mut seen: Vec<(Option<String>, Option<String>)> = Vec::new();
    for answer in [&first, &second] {
        for (i, a) in transport_sections(answer) {
            let mine = (answer.effective(a, "ice-ufrag"), answer.effective(a, "ice-pwd"));
            // A sender keeps ice-ufrag to 32 characters (RFC 8839 §5.4).
            match &mine {
                (Some(u), Some(p)) if (4..=32).contains(&u.len()) && (22..=256).contains(&p.len()) => {}
                _ => problems.push(format!("{}: ice-ufrag {:?} ice-pwd {:?}", a.label(i), mine.0, mine.1)),
            }
            // The same ice-ufrag always goes with the same ice-pwd (RFC 8839 §5.4).
            if let Some((_, other)) =
                seen.iter().filter(|(u, _)| u.is_some() && *u == mine.0).find(|(_, p)| *p != mine.1)
            {
                problems.push(format!(
                    "{}: ice-ufrag {:?} with ice-pwd {:?} and {:?}",
                    a.label(i),
                    mine.0,
                    mine.1,
                    other
                ));
            }
            if mine == theirs {
                problems.push(format!("{}: the offer's own credentials", a.label(i)));
            }
            seen.push(mine);
        }
    }
    if let (Some(a), Some(b)) = (seen.first(), seen.last()) {
        if a == b && seen.len() > 1 {
            problems.push(format!("two answers from two sessions share ice-ufrag {:?}", a.0));
        }
    }
    problems.dedup();
    verdict(
        "ice-ufrag of 4 to 32 and ice-pwd of 22+ characters, its own, new per \
            session, one pwd per ufrag",
        problems,
    )
}

fn bundle_group(ctx: &mut Ctx) -> Verdict {
    let (offer, answer) = accepted(ctx, OFFER)?;
    let groups = answer.bundle_groups();
    let mut problems = Vec::new();
    if groups.is_empty() {
        problems.push("no a=group:BUNDLE".to_string());
    }
    for offered in offer.bundle_groups() {
        for mid in &offered {
            let answered = answer.sections.iter().find(|a| a.attr("mid") == Some(mid.as_str()));
            let not_rejected = answered.is_some_and(|a| !a.rejected());
            if not_rejected && !groups.iter().any(|g| g.contains(mid)) && !groups.is_empty() {
                problems.push(format!("mid {mid} accepted but not in the answer's BUNDLE group"));
            }
        }
    }
    for mid in groups.iter().flatten() {
        if !offer.bundle_groups().iter().flatten().any(|m| m == mid) {
            problems.push(format!("mid {mid} is in the answer's BUNDLE group but was not offered in one"));
        }
    }
    verdict("a=group:BUNDLE with every offered, accepted mid", problems)
}

fn no_bundle_only(ctx: &mut Ctx) -> Verdict {
    let offer_text =
        variant("m=video 9 UDP", "m=video 0 UDP").replacen("a=mid:1\r\n", "a=mid:1\r\na=bundle-only\r\n", 1);
    let (_, answer) = accepted(ctx, &offer_text)?;
    let problems = answer
        .sections
        .iter()
        .enumerate()
        .filter(|(_, a)| a.has("bundle-only"))
        .map(|(i, a)| format!("{} has a=bundle-only", a.label(i)))
        .collect();
    verdict("no a=bundle-only in the answer", problems)
}

fn rtcp_mux(ctx: &mut Ctx) -> Verdict {
    let (offer, answer) = accepted(ctx, OFFER)?;
    // With BUNDLE, the transport of the first accepted section carries the others: a=rtcp-mux
    // must be on it, or on every accepted RTP section when nothing is bundled.
    let problems = offer
        .sections
        .iter()
        .zip(&answer.sections)
        .enumerate()
        .filter(|(_, (o, a))| o.has("rtcp-mux") && !a.rejected())
        .filter(|(_, (_, a))| !a.has("rtcp-mux") && answer.session_attr("rtcp-mux").is_none())
        .map(|(i, (_, a))| format!("{} has no a=rtcp-mux", a.label(i)))
        .take(1)
        .collect();
    verdict("a=rtcp-mux where the offer had it", problems)
}

fn ice_options_only_if_offered(ctx: &mut Ctx) -> Verdict {
    let without = OFFER.replace("a=ice-options:trickle\r\n", "");
    let (_, answer) = accepted(ctx, &without)?;
    let mut options: Vec<String> = answer.session_attr("ice-options").map(str::to_string).into_iter().collect();
    options.extend(answer.sections.iter().filter_map(|a| a.attr("ice-options").map(str::to_string)));
    let problems = options
        .iter()
        .filter(|o| o.split(' ').any(|x| x == "trickle" || x == "ice2"))
        .map(|o| format!("a=ice-options:{o}"))
        .take(1)
        .collect();
    verdict("no trickle or ice2 option, since the offer had none", problems)
}

fn data_section(ctx: &mut Ctx) -> Verdict {
    let (offer, answer) = accepted(ctx, OFFER)?;
    let (o, a) = (&offer.sections[2], &answer.sections[2]);
    let mut problems = Vec::new();
    if a.rejected() {
        problems.push("the data section was rejected".to_string());
    } else {
        if (a.media.as_str(), &a.proto, &a.fmts) != ("application", &o.proto, &o.fmts) {
            problems.push(format!("m={} {} {} {}", a.media, a.port, a.proto, a.fmts.join(" ")));
        }
        if !a.has("sctp-port") {
            problems.push("no a=sctp-port".to_string());
        }
        if a.attr("mid") != o.attr("mid") {
            problems.push(format!("a=mid {:?}", a.attr("mid")));
        }
    }
    verdict("m=application with the offered proto and fmt, a=mid and a=sctp-port", problems)
}

fn unbundled_section(ctx: &mut Ctx) -> Verdict {
    let (_, answer) = accepted(ctx, &with_fourth_section("0", "PCMU/8000", false))?;
    let (first, fourth) = (&answer.sections[0], &answer.sections[3]);
    if fourth.rejected() {
        return Ok(Outcome::fail("the unbundled PCMU section accepted", "rejected (port 0)"));
    }
    let (a, b) = (answer.effective(first, "ice-ufrag"), answer.effective(fourth, "ice-ufrag"));
    Ok(rtcspec_harness::check(a != b, "the unbundled section with an ice-ufrag of its own", || {
        format!("ice-ufrag {b:?} as in the bundled sections")
    }))
}

fn unsupported_rejected(ctx: &mut Ctx) -> Verdict {
    let offer_text = with_fourth_section("120", "x-rtcspec-unknown/8000", true);
    let (_, answer) = accepted(ctx, &offer_text)?;
    let last = &answer.sections[3];
    Ok(rtcspec_harness::check(last.rejected(), "the fourth m= section rejected with port 0", || {
        format!("accepted: m={} {} {} {}", last.media, last.port, last.proto, last.fmts.join(" "))
    }))
}

/// The base offer with its data section moved first and mids numbered in the new order
/// (data 0, audio 1, video 2), as an endpoint that created its data channel first offers.
fn data_first_offer() -> String {
    let (audio_at, video_at, data_at) = (
        OFFER.find("m=audio").unwrap_or(0),
        OFFER.find("m=video").unwrap_or(0),
        OFFER.find("m=application").unwrap_or(0),
    );
    let renumber =
        |section: &str, from: &str, to: &str| section.replacen(&format!("a=mid:{from}"), &format!("a=mid:{to}"), 1);
    format!(
        "{}{}{}{}",
        &OFFER[..audio_at],
        renumber(&OFFER[data_at..], "2", "0"),
        renumber(&OFFER[audio_at..video_at], "0", "1"),
        renumber(&OFFER[video_at..data_at], "1", "2"),
    )
}

fn data_first_in_order(ctx: &mut Ctx) -> Verdict {
    let (offer, answer) = accepted(ctx, &data_first_offer())?;
    let problems = offer
        .sections
        .iter()
        .zip(&answer.sections)
        .enumerate()
        .filter(|(_, (o, a))| o.attr("mid") != a.attr("mid") || o.media != a.media)
        .map(|(i, (o, a))| {
            format!(
                "section {}: offered {} mid {:?}, answered {} mid {:?}",
                i + 1,
                o.media,
                o.attr("mid"),
                a.media,
                a.attr("mid")
            )
        })
        .collect();
    verdict("the answer's sections in the offered order: application, audio, video", problems)
}

fn mdns_offer_answered(ctx: &mut Ctx) -> Verdict {
    let offer = inserted(
        "typ host generation 0\r\n",
        "a=candidate:7 1 udp 2122260223 \
            0b6c4a3e-6f2b-4c55-9b1a-1d8f1e0e6a47.local 46247 typ host",
    );
    answer_to(ctx, &offer)?;
    Ok(Outcome::Pass)
}

fn long_ufrag_answered(ctx: &mut Ctx) -> Verdict {
    answer_to(ctx, &long_ufrag_offer())?;
    Ok(Outcome::Pass)
}
