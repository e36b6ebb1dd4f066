//! RFC 8489 §6.3, Receiving a STUN Message: what a responder answers and what it discards.

use rtcspec_harness::stun::*;
use rtcspec_harness::{check, Case, Ctx, Outcome, Spec, Verdict};

use super::kit::*;

const DISCARD: &str = "When a STUN agent receives a STUN message, it first checks that the \
    message obeys the rules of Section 5. ... If any errors are detected, \
    the message is silently discarded.";
const UNKNOWN_OPTIONAL: &str = "Unknown comprehension-optional attributes MUST be ignored by the \
    agent.";
const UNKNOWN_REQUIRED: &str = "If the request contains one or more unknown comprehension-required \
    attributes, the server replies with an error response with an error \
    code of 420 (Unknown Attribute) and includes an UNKNOWN-ATTRIBUTES \
    attribute in the response that lists the unknown \
    comprehension-required attributes.";

const FP_USED: &str = "If the FINGERPRINT extension is being used, the agent checks that the \
    FINGERPRINT attribute is present and contains the correct value. If \
    any errors are detected, the message is silently discarded.";

pub const CASES: &[Case] = &[
    Case::new(
        "stun.8489.6.3.top-bits-discarded",
        "A request with non-zero top bits gets \
        no answer",
        Spec::must(RFC8489, "6.3", DISCARD),
        RESPONDER,
        top_bits_discarded,
    )
    .covers(&["rfc8489-5-1"]),
    Case::new(
        "stun.8489.6.3.bad-cookie-discarded",
        "A request with a wrong magic cookie \
        gets no answer",
        Spec::must(RFC8489, "6.3", DISCARD),
        RESPONDER,
        bad_cookie_discarded,
    )
    .covers(&["rfc8489-5-3"]),
    Case::new(
        "stun.8489.6.3.bad-length-discarded",
        "A request whose length overruns the \
        datagram gets no answer",
        Spec::must(RFC8489, "6.3", DISCARD),
        RESPONDER,
        bad_length_discarded,
    )
    .covers(&["rfc8489-5-7"]),
    Case::new(
        "stun.8489.6.3.1.success-response",
        "A valid Binding request gets a Binding success response",
        Spec::must(
            RFC8489,
            "6.3.1.1",
            "The method of the response is the same as that of the request, and \
                the message class is either \"Success Response\" or \"Error \
                Response\".",
        ),
        RESPONDER,
        success_response,
    )
    .covers(&["rfc8489-12-1"]),
    Case::new(
        "stun.8489.6.3.1.1.xor-mapped-address-is-source",
        "XOR-MAPPED-ADDRESS holds the request's source address and port",
        Spec::must(
            RFC8489,
            "6.3.1.1",
            "When forming the success response, the server adds an \
                XOR-MAPPED-ADDRESS attribute to the response; this attribute contains \
                the source transport address of the request message.",
        ),
        RESPONDER,
        xor_mapped_is_source,
    )
    .covers(&["rfc8489-12-1"]),
    Case::new(
        "stun.8489.6.3.2.indication-not-answered",
        "A Binding indication gets no response",
        Spec::must(
            RFC8489,
            "6.3.2",
            "Otherwise, the agent then does any additional checking that the \
                method or the specific usage requires. If all the checks succeed, the \
                agent then processes the indication. No response is generated for an \
                indication.",
        ),
        RESPONDER,
        indication_not_answered,
    ),
    Case::new(
        "stun.8489.6.3.unknown-optional-ignored",
        "An unknown \
        comprehension-optional attribute does not change the \
        answer",
        Spec::must(RFC8489, "6.3", UNKNOWN_OPTIONAL),
        RESPONDER,
        unknown_optional_ignored_responder,
    )
    .covers(&["rfc8489-6.3-1"]),
    Case::new(
        "stun.8489.6.3.unknown-optional-decoded",
        "A decoder accepts a message with an unknown comprehension-optional \
                attribute",
        Spec::must(RFC8489, "6.3", UNKNOWN_OPTIONAL),
        CODEC,
        unknown_optional_decoded,
    )
    .covers(&["rfc8489-6.3-1"]),
    Case::new(
        "stun.8489.6.3.1.unknown-required-420",
        "\
        An unknown comprehension-required attribute draws a 420 \
        error",
        Spec::must(RFC8489, "6.3.1", UNKNOWN_REQUIRED),
        SHORT_TERM,
        unknown_required_420,
    )
    .covers(&["rfc8489-6.3.1.1-1", "rfc8489-6.3.1.1-3"])
    .tags(&["security"]),
    Case::new(
        "stun.8489.6.3.1.1.unknown-attributes-listed",
        "The 420 response lists the unknown attribute in UNKNOWN-ATTRIBUTES",
        Spec::must(
            RFC8489,
            "6.3.1.1",
            "For example, for an error code of 420 (Unknown Attribute), the server \
                MUST include an UNKNOWN-ATTRIBUTES attribute.",
        ),
        SHORT_TERM,
        unknown_attributes_listed,
    )
    .covers(&["rfc8489-6.3.1.1-3", "rfc8489-14.8-10"]),
    Case::new(
        "stun.8489.6.3.1.retransmission-answered-alike",
        "A retransmitted request gets the same answer as the original",
        Spec::must(
            RFC8489,
            "6.3.1",
            "The server MUST respond to retransmissions such that the following \
                property is preserved: if the client receives the response to the \
                retransmission and not the response that was sent to the original \
                request, the overall state on the client and server is identical to \
                the case where only the response to the original retransmission is \
                received",
        ),
        RESPONDER,
        retransmission_answered_alike,
    )
    .covers(&["rfc8489-6.3.1-1"]),
    Case::new(
        "stun.8489.6.3.1.1.error-reason-phrase",
        "Error responses carry a reason phrase",
        Spec::should(
            RFC8489,
            "6.3.1.1",
            "The reason phrase is not fixed but SHOULD be something suitable for \
                the error code.",
        ),
        SHORT_TERM,
        error_reason_phrase,
    )
    .covers(&["rfc8489-6.3.1.1-2"]),
    Case::new(
        "stun.8489.6.3.known-unexpected-ignored",
        "A response-only attribute in \
        a request does not change the \
        answer",
        Spec::should(RFC8489, "6.3", "Known-but-unexpected attributes SHOULD be ignored by the agent."),
        RESPONDER,
        known_unexpected_ignored,
    )
    .covers(&["rfc8489-6.3-2"]),
    Case::new(
        "stun.8489.6.3.1.1.software",
        "Responses carry SOFTWARE",
        Spec::should(
            RFC8489,
            "6.3.1.1",
            "In addition, the server SHOULD add a SOFTWARE attribute to the \
                message.",
        ),
        RESPONDER,
        software_present,
    )
    .covers(&["rfc8489-6.3.1.1-5"]),
    Case::new(
        "stun.8489.5.length-short-of-datagram-rejected",
        "Bytes after the declared length are not silently accepted as STUN",
        Spec::should(
            RFC8489,
            "6.3",
            "When a STUN agent receives a STUN message, it first checks that the \
                message obeys the rules of Section 5. It checks ... that the message \
                length is sensible",
        ),
        CODEC,
        length_short_rejected,
    )
    .covers(&["rfc8489-5-7"]),
    Case::new(
        "stun.8489.6.3.fingerprint-mismatch-discarded",
        "\
        A check with a wrong FINGERPRINT is discarded (ICE uses \
        FINGERPRINT)",
        Spec::must(RFC8489, "6.3", FP_USED),
        SHORT_TERM,
        fingerprint_mismatch_discarded,
    )
    .tags(&["security"]),
    Case::new(
        "stun.8489.6.3.fingerprint-missing-discarded",
        "A check without FINGERPRINT is \
        discarded (ICE uses FINGERPRINT)",
        Spec::must(RFC8489, "6.3", FP_USED),
        SHORT_TERM,
        fingerprint_missing_discarded,
    ),
    Case::new(
        "stun.8489.6.3.1.1.open-binding-mapped-address",
        "A server answers an unauthenticated Binding request with the source \
                address",
        Spec::must(
            RFC8489,
            "6.3.1.1",
            "When forming the success response, the server adds an \
                XOR-MAPPED-ADDRESS attribute to the response; this attribute contains \
                the source transport address of the request message.",
        ),
        OPEN_BINDING,
        open_binding_mapped_address,
    )
    .covers(&["rfc8489-12-1", "rfc8489-12-2"]),
];

/// A valid request from this responder's point of view, with `mutate` applied and the
/// integrity and fingerprint recomputed over the result, so only the broken rule differs.
fn broken_request(ctx: &mut Ctx, mutate: impl FnOnce(&mut Vec<u8>)) -> Result<(Vec<u8>, [u8; 12]), Outcome> {
    let creds = credentials(ctx)?;
    let txid = ctx.txid();
    let head = request_head(ctx, &creds, txid);
    let mut bytes = seal(head, &creds);
    mutate(&mut bytes);
    Ok((bytes, txid))
}

fn top_bits_discarded(ctx: &mut Ctx) -> Verdict {
    let (bytes, txid) = broken_request(ctx, |b| b[0] |= 0x80)?;
    expect_silence(ctx, &bytes, &txid)
}

fn bad_cookie_discarded(ctx: &mut Ctx) -> Verdict {
    let (bytes, txid) = broken_request(ctx, |b| b[7] ^= 0x01)?;
    expect_silence(ctx, &bytes, &txid)
}

fn bad_length_discarded(ctx: &mut Ctx) -> Verdict {
    let (bytes, txid) = broken_request(ctx, |b| {
        let len = u16::from_be_bytes([b[2], b[3]]) + 4;
        b[2..4].copy_from_slice(&len.to_be_bytes());
    })?;
    expect_silence(ctx, &bytes, &txid)
}

fn success_response(ctx: &mut Ctx) -> Verdict {
    let (req, txid, _) = valid_request(ctx)?;
    let m = one_answer(ctx, &req, &txid, "a Binding success response")?;
    Ok(check(m.class == Class::Success && m.method == METHOD_BINDING, "a Binding success response", || describe(&m)))
}

fn xor_mapped_is_source(ctx: &mut Ctx) -> Verdict {
    let (req, txid, _) = valid_request(ctx)?;
    let source = ctx.harness_addr()?;
    let m = one_answer(ctx, &req, &txid, "a success response with XOR-MAPPED-ADDRESS")?;
    Ok(match m.xor_mapped_address() {
        Some(Ok(a)) => check(a == source, format!("XOR-MAPPED-ADDRESS {source}"), || format!("XOR-MAPPED-ADDRESS {a}")),
        Some(Err(e)) => {
            Outcome::fail(format!("XOR-MAPPED-ADDRESS {source}"), format!("undecodable XOR-MAPPED-ADDRESS: {e}"))
        }
        None => Outcome::fail(format!("XOR-MAPPED-ADDRESS {source}"), describe(&m)),
    })
}

fn indication_not_answered(ctx: &mut Ctx) -> Verdict {
    let (bytes, txid) = broken_request(ctx, |_| {})?;
    // Same attributes as an accepted request, class changed to indication and re-sealed.
    let creds = credentials(ctx)?;
    let m = Message::parse(&bytes).map_err(|e| Outcome::Error { why: format!("built an unparseable request: {e}") })?;
    let mut b = Builder::new(Class::Indication, METHOD_BINDING, txid);
    for a in m.attributes.iter().filter(|a| !matches!(a.attr_type, MESSAGE_INTEGRITY | FINGERPRINT)) {
        b = b.attr(a.attr_type, &a.value);
    }
    let indication = seal(b, &creds);
    expect_silence(ctx, &indication, &txid)
}

fn unknown_optional_ignored_responder(ctx: &mut Ctx) -> Verdict {
    let creds = credentials(ctx)?;
    let txid = ctx.txid();
    let head = request_head(ctx, &creds, txid).attr(UNASSIGNED_OPTIONAL, b"ignore me");
    let req = seal(head, &creds);
    let m = one_answer(ctx, &req, &txid, "a success response")?;
    Ok(check(m.class == Class::Success, "a success response, the attribute ignored", || describe(&m)))
}

fn unknown_optional_decoded(ctx: &mut Ctx) -> Verdict {
    let txid = ctx.txid();
    let bytes = Builder::new(Class::Success, METHOD_BINDING, txid)
        .xor_mapped_address("192.0.2.1:32853".parse().unwrap_or_else(|_| unreachable!()))
        .attr(UNASSIGNED_OPTIONAL, &[1, 2, 3, 4, 5])
        .message_integrity(KEY)
        .fingerprint()
        .build();
    let d = ctx.decode_accepted(&bytes, &format!("a message with unknown attribute 0x{UNASSIGNED_OPTIONAL:04X}"))?;
    Ok(check(d.transaction_id == txid, "the message decoded", || "a different transaction id".into()))
}

fn request_with_unknown_required(ctx: &mut Ctx) -> Result<(Vec<u8>, [u8; 12]), Outcome> {
    let creds = credentials(ctx)?;
    let txid = ctx.txid();
    let head = request_head(ctx, &creds, txid).attr(UNASSIGNED_REQUIRED, &[0xde, 0xad, 0xbe, 0xef]);
    Ok((seal(head, &creds), txid))
}

fn unknown_required_420(ctx: &mut Ctx) -> Verdict {
    let (req, txid) = request_with_unknown_required(ctx)?;
    expect_error(ctx, &req, &txid, 420)?;
    Ok(Outcome::Pass)
}

fn unknown_attributes_listed(ctx: &mut Ctx) -> Verdict {
    let (req, txid) = request_with_unknown_required(ctx)?;
    let replies = ctx.exchange(&req)?;
    let Some(m) = answers(&replies, &txid).into_iter().find(|m| m.error_code().is_some_and(|(c, _)| c == 420)) else {
        return Ok(Outcome::Informational {
            note: "no 420 response to judge (see stun.8489.6.3.1.unknown-required-420)".into(),
        });
    };
    let listed = m.unknown_attributes().unwrap_or_default();
    Ok(check(
        listed.contains(&UNASSIGNED_REQUIRED),
        format!("UNKNOWN-ATTRIBUTES listing 0x{UNASSIGNED_REQUIRED:04X}"),
        || match m.unknown_attributes() {
            Some(l) => format!("UNKNOWN-ATTRIBUTES {l:04X?}"),
            None => describe(&m),
        },
    ))
}

fn software_present(ctx: &mut Ctx) -> Verdict {
    let (req, txid, _) = valid_request(ctx)?;
    let m = one_answer(ctx, &req, &txid, "a response")?;
    Ok(if m.has(SOFTWARE) {
        Outcome::Pass
    } else {
        Outcome::NonStrict { why: format!("no SOFTWARE attribute in {}", describe(&m)) }
    })
}

fn retransmission_answered_alike(ctx: &mut Ctx) -> Verdict {
    let (req, txid, _) = valid_request(ctx)?;
    let first = one_answer(ctx, &req, &txid, "a success response to the original")?;
    let again = one_answer(ctx, &req, &txid, "a success response to the retransmission")?;
    let summary = |m: &Message| (m.class, m.xor_mapped_address().and_then(Result::ok), m.error_code());
    Ok(check(summary(&first) == summary(&again), format!("the same answer twice: {}", describe(&first)), || {
        describe(&again)
    }))
}

fn error_reason_phrase(ctx: &mut Ctx) -> Verdict {
    // A check without MESSAGE-INTEGRITY: the error every short-term responder should send.
    let creds = credentials(ctx)?;
    let txid = ctx.txid();
    let mut b = Builder::new(Class::Request, METHOD_BINDING, txid);
    if let Some(u) = &creds.username {
        b = b.text(USERNAME, u).priority(0x6e00_01ff).ice_controlling(ctx.rng.u64());
    }
    let replies = ctx.exchange(&b.fingerprint().build())?;
    let Some(m) = answers(&replies, &txid).into_iter().find(|m| m.class == Class::Error) else {
        return Ok(Outcome::Informational {
            note: "no error response to judge (see stun.8489.9.1.3.missing-integrity-400)".into(),
        });
    };
    Ok(match m.error_code() {
        Some((_, reason)) if !reason.trim().is_empty() => Outcome::Pass,
        Some((code, _)) => Outcome::NonStrict { why: format!("error {code} with an empty reason phrase") },
        None => Outcome::fail("an ERROR-CODE attribute in the error response", describe(&m)),
    })
}

fn known_unexpected_ignored(ctx: &mut Ctx) -> Verdict {
    // XOR-MAPPED-ADDRESS and ERROR-CODE belong in responses; in a request they are known
    // but unexpected.
    let creds = credentials(ctx)?;
    let txid = ctx.txid();
    let head = request_head(ctx, &creds, txid)
        .xor_mapped_address("192.0.2.9:9999".parse().unwrap_or_else(|_| unreachable!()))
        .error_code(500, "Server Error");
    let req = seal(head, &creds);
    control(ctx)?;
    let replies = ctx.exchange(&req)?;
    Ok(match answers(&replies, &txid).first() {
        Some(m) if m.class == Class::Success => Outcome::Pass,
        Some(m) => Outcome::NonStrict {
            why: format!("a request carrying XOR-MAPPED-ADDRESS and ERROR-CODE got {}", describe(m)),
        },
        None => {
            Outcome::NonStrict { why: "a request carrying XOR-MAPPED-ADDRESS and ERROR-CODE got no response".into() }
        }
    })
}

fn length_short_rejected(ctx: &mut Ctx) -> Verdict {
    let (good, bad) = pair(ctx, |b| b.extend_from_slice(&[0xAB; 8]));
    if let Err(reason) = ctx.decode(&good)? {
        return Err(Outcome::Error { why: format!("control: the well-formed message was rejected ({reason})") });
    }
    Ok(match ctx.decode(&bad)? {
        Err(_) => Outcome::Pass,
        Ok(_) => Outcome::NonStrict {
            why: "accepted a datagram with 8 bytes after the declared message length; \
                over UDP a STUN message fills its datagram, and trailing bytes \
                usually mean another protocol (RFC 7983) or a truncated length"
                .into(),
        },
    })
}

fn fingerprint_mismatch_discarded(ctx: &mut Ctx) -> Verdict {
    let c = check_parts(ctx)?;
    let mut req = head(ctx, &c, Some(&c.username.clone())).message_integrity(&c.key).fingerprint().build();
    let last = req.len() - 1;
    req[last] ^= 0x01;
    expect_silence(ctx, &req, &c.txid)
}

fn fingerprint_missing_discarded(ctx: &mut Ctx) -> Verdict {
    let c = check_parts(ctx)?;
    let req = head(ctx, &c, Some(&c.username.clone())).message_integrity(&c.key).build();
    expect_silence(ctx, &req, &c.txid)
}

fn open_binding_mapped_address(ctx: &mut Ctx) -> Verdict {
    let txid = ctx.txid();
    let req = Builder::new(Class::Request, METHOD_BINDING, txid).fingerprint().build();
    let source = ctx.harness_addr()?;
    let m = one_answer(ctx, &req, &txid, "a Binding success response")?;
    Ok(match m.xor_mapped_address() {
        Some(Ok(a)) => check(a == source, format!("XOR-MAPPED-ADDRESS {source}"), || format!("XOR-MAPPED-ADDRESS {a}")),
        _ => Outcome::fail(format!("XOR-MAPPED-ADDRESS {source}"), describe(&m)),
    })
}
