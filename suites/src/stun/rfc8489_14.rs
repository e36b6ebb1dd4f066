//! RFC 8489 §14, STUN Attributes: TLV and padding, XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY,
//! MESSAGE-INTEGRITY-SHA256, FINGERPRINT, ERROR-CODE and the text attributes.

use std::net::SocketAddr;

use rtcspec_harness::driver::Verification;
use rtcspec_harness::stun::*;
use rtcspec_harness::{check, Case, Ctx, Outcome, Spec, Verdict};

use super::kit::*;

const PADDING: &str = "The padding bits MUST be set to zero on sending and MUST be ignored \
    by the receiver.";
const TLV: &str = "Each attribute MUST be TLV encoded, with a 16-bit type, 16-bit \
    length, and value. Each STUN attribute MUST end on a 32-bit boundary.";
const LENGTH: &str = "The value in the Length field MUST contain the length of the Value \
    part of the attribute, prior to padding, measured in bytes.";
const XOR: &str = "X-Port is computed by XOR'ing the mapped port with the most \
    significant 16 bits of the magic cookie. If the IP address family is \
    IPv4, X-Address is computed by XOR'ing the mapped IP address with the \
    magic cookie. If the IP address family is IPv6, X-Address is computed \
    by XOR'ing the mapped IP address with the concatenation of the magic \
    cookie and the 96-bit transaction ID.";
const MI: &str = "The text used as input to HMAC is the STUN message, up to and \
    including the attribute preceding the MESSAGE-INTEGRITY attribute. \
    The Length field of the STUN message header is adjusted to point to \
    the end of the MESSAGE-INTEGRITY attribute.";
const MI_VALIDATE: &str = "Similarly, when validating the MESSAGE-INTEGRITY, the Length field in \
    the STUN header must be adjusted to point to the end of the \
    MESSAGE-INTEGRITY attribute prior to calculating the HMAC over the \
    STUN message, up to and including the attribute preceding the \
    MESSAGE-INTEGRITY attribute.";
const SHA: &str = "The value will be at most 32 bytes, but it MUST be at least 16 bytes \
    and MUST be a multiple of 4 bytes.";
const FP: &str = "The value of the attribute is computed as the CRC-32 of the STUN \
    message up to (but excluding) the FINGERPRINT attribute itself, \
    XOR'ed with the 32-bit value 0x5354554e.";
const FP_LAST: &str = "When present, the FINGERPRINT attribute MUST be the last attribute in \
    the message and thus will appear after MESSAGE-INTEGRITY and \
    MESSAGE-INTEGRITY-SHA256.";
const ERROR_CODE_TEXT: &str = "The Class represents the hundreds digit of the error code. The value \
    MUST be between 3 and 6. The Number represents the binary encoding of \
    the error code modulo 100, and its value MUST be between 0 and 99.";

pub const CASES: &[Case] = &[
    Case::new(
        "stun.8489.14.padding-ignored",
        "Non-zero padding bytes are ignored by \
        the receiver",
        Spec::must(RFC8489, "14", PADDING),
        CODEC,
        padding_ignored,
    )
    .covers(&["rfc8489-14-4"]),
    Case::new(
        "stun.8489.14.attribute-overrun-rejected",
        "An attribute whose length \
        runs past the message end is rejected",
        Spec::must(RFC8489, "14", TLV),
        CODEC,
        attribute_overrun_rejected,
    )
    .covers(&["rfc8489-14-1"]),
    Case::new(
        "stun.8489.14.encoded-padding",
        "\
        Encoded attributes carry the unpadded length and zero padding",
        Spec::must(RFC8489, "14", LENGTH),
        ENCODE,
        encoded_padding,
    )
    .covers(&["rfc8489-14-2", "rfc8489-14-3", "rfc8489-14-4"]),
    Case::new(
        "stun.8489.14.2.xor-mapped-ipv4-decoded",
        "XOR-MAPPED-ADDRESS (IPv4) \
        decodes to the address",
        Spec::must(RFC8489, "14.2", XOR),
        CODEC,
        xor_ipv4_decoded,
    )
    .covers(&["rfc8489-14.1-1"]),
    Case::new(
        "stun.8489.14.2.xor-mapped-ipv6-decoded",
        "XOR-MAPPED-ADDRESS (IPv6) \
        decodes with cookie || transaction id",
        Spec::must(RFC8489, "14.2", XOR),
        CODEC,
        xor_ipv6_decoded,
    )
    .covers(&["rfc8489-14.1-2"]),
    Case::new(
        "stun.8489.14.2.xor-mapped-ipv4-encoded",
        "\
        XOR-MAPPED-ADDRESS (IPv4) encodes as the RFC computes it",
        Spec::must(RFC8489, "14.2", XOR),
        ENCODE,
        xor_ipv4_encoded,
    )
    .covers(&["rfc8489-14.1-1", "rfc8489-14.1-3"]),
    Case::new(
        "stun.8489.14.2.xor-mapped-ipv6-encoded",
        "\
        XOR-MAPPED-ADDRESS (IPv6) encodes as the RFC computes it",
        Spec::must(RFC8489, "14.2", XOR),
        ENCODE,
        xor_ipv6_encoded,
    )
    .covers(&["rfc8489-14.1-2", "rfc8489-14.1-3"]),
    Case::new(
        "stun.8489.14.15.alternate-server-decoded",
        "ALTERNATE-SERVER decodes like MAPPED-ADDRESS (no XOR)",
        Spec::must(
            RFC8489,
            "14.15",
            "It is encoded in the same way as MAPPED-ADDRESS and thus refers to a \
                single server by IP address.",
        ),
        CODEC,
        alternate_server_decoded,
    )
    .covers(&["rfc8489-14.1-1", "rfc8489-14.1-2"]),
    Case::new(
        "stun.8489.14.5.integrity-verified",
        "MESSAGE-INTEGRITY verifies with the right key and fails with a wrong \
                one",
        Spec::must(RFC8489, "14.5", MI),
        CHECK,
        integrity_verified,
    )
    .covers(&["rfc8489-9.1.4-2", "rfc8489-9.2.5-16"])
    .tags(&["security"]),
    Case::new(
        "stun.8489.14.5.integrity-detects-tampering",
        "\
        A changed byte before MESSAGE-INTEGRITY fails \
        verification",
        Spec::must(RFC8489, "14.5", MI),
        CHECK,
        integrity_detects_tampering,
    )
    .covers(&["rfc8489-9.1.4-2"])
    .tags(&["security"]),
    Case::new(
        "stun.8489.14.5.integrity-length-adjusted",
        "MESSAGE-INTEGRITY \
        verifies when attributes follow it (length \
        adjusted)",
        Spec::must(RFC8489, "14.5", MI_VALIDATE),
        CHECK,
        integrity_length_adjusted,
    )
    .covers(&["rfc8489-9.1.4-2"]),
    Case::new(
        "stun.8489.14.5.integrity-short-value-rejected",
        "\
        A MESSAGE-INTEGRITY value that is not 20 bytes does not \
        verify",
        Spec::must(RFC8489, "14.5", "Since it uses the SHA-1 hash, the HMAC will be 20 bytes."),
        CHECK,
        integrity_short_value,
    )
    .covers(&["rfc8489-9.1.4-2"])
    .tags(&["security"]),
    Case::new(
        "stun.8489.14.5.integrity-encoded",
        "The encoder's MESSAGE-INTEGRITY \
        is the RFC's HMAC-SHA1",
        Spec::must(RFC8489, "14.5", MI),
        ENCODE,
        integrity_encoded,
    )
    .covers(&["rfc8489-9.1.3-11"]),
    Case::new(
        "stun.8489.14.6.sha256-verified",
        "MESSAGE-INTEGRITY-SHA256 verifies with the right key and fails with a \
                wrong one",
        Spec::must(RFC8489, "14.6", SHA),
        CHECK,
        sha256_verified,
    )
    .covers(&["rfc8489-9.1.4-2"])
    .tags(&["security"]),
    Case::new(
        "stun.8489.14.6.sha256-below-16-rejected",
        "\
        A MESSAGE-INTEGRITY-SHA256 truncated below 16 bytes does not \
        verify",
        Spec::must(RFC8489, "14.6", SHA),
        CHECK,
        sha256_below_16,
    )
    .covers(&["rfc8489-14.6-1"])
    .tags(&["security"]),
    Case::new(
        "stun.8489.14.7.fingerprint-verified",
        "FINGERPRINT verifies when right and fails when \
        wrong",
        Spec::must(RFC8489, "14.7", FP),
        CHECK,
        fingerprint_verified,
    ),
    Case::new(
        "stun.8489.14.7.fingerprint-xor-required",
        "A plain CRC-32 without the XOR with \
        0x5354554e does not verify",
        Spec::must(RFC8489, "14.7", FP),
        CHECK,
        fingerprint_xor_required,
    ),
    Case::new(
        "stun.8489.14.7.fingerprint-not-last-rejected",
        "A FINGERPRINT followed \
        by another attribute does not verify",
        Spec::must(RFC8489, "14.7", FP_LAST),
        CHECK,
        fingerprint_not_last,
    )
    .covers(&["rfc8489-14.7-1"]),
    Case::new(
        "stun.8489.14.7.fingerprint-encoded",
        "The encoder's FINGERPRINT is CRC-32 XOR \
        0x5354554e",
        Spec::must(RFC8489, "14.7", FP),
        ENCODE,
        fingerprint_encoded,
    ),
    Case::new(
        "stun.8489.14.8.error-code-decoded",
        "ERROR-CODE class and number \
        decode to the code",
        Spec::must(RFC8489, "14.8", ERROR_CODE_TEXT),
        CODEC,
        error_code_decoded,
    )
    .covers(&["rfc8489-14.8-3"]),
    Case::new(
        "stun.8489.14.8.error-code-reserved-bits-ignored",
        "ERROR-CODE's reserved bits are ignored on receipt",
        Spec::must(
            RFC8489,
            "14.8",
            "The Reserved bits SHOULD be 0 and are for alignment on 32-bit \
                boundaries. Receivers MUST ignore these bits.",
        ),
        CODEC,
        error_code_reserved_bits_ignored,
    )
    .covers(&["rfc8489-14.8-3"]),
    Case::new(
        "stun.8489.14.8.error-code-encoded",
        "\
        ERROR-CODE encodes class and number separately",
        Spec::must(RFC8489, "14.8", ERROR_CODE_TEXT),
        ENCODE,
        error_code_encoded,
    )
    .covers(&["rfc8489-14.8-2", "rfc8489-14.8-4", "rfc8489-14.8-5"]),
    Case::new(
        "stun.8489.14.3.text-attributes-decoded",
        "USERNAME, REALM, NONCE and SOFTWARE decode as UTF-8 text",
        Spec::must(
            RFC8489,
            "14.3",
            "It MUST contain a UTF-8-encoded [RFC3629] sequence of fewer than 509 \
                bytes and MUST have been processed using the OpaqueString profile \
                [RFC8265].",
        ),
        CODEC,
        text_decoded,
    )
    .covers(&["rfc8489-14.3-2"]),
    Case::new(
        "stun.8489.14.3.username-763-octets-parsed",
        "A USERNAME of 763 octets is parsed",
        Spec::must(
            RFC8489,
            "14.3",
            "A compliant implementation MUST be able to parse a UTF-8-encoded \
                sequence of 763 or fewer octets to be compatible with [RFC5389].",
        ),
        CODEC,
        long_username_parsed,
    )
    .covers(&["rfc8489-14.3-2"]),
    Case::new(
        "stun.8489.14.3.text-attributes-encoded",
        "USERNAME and SOFTWARE encode as their UTF-8 bytes",
        Spec::must(
            RFC8489,
            "14.3",
            "It MUST contain a UTF-8-encoded [RFC3629] sequence of fewer than 509 \
                bytes and MUST have been processed using the OpaqueString profile \
                [RFC8265].",
        ),
        ENCODE,
        text_encoded,
    )
    .covers(&["rfc8489-14-1", "rfc8489-14-3"]),
    Case::new(
        "stun.8489.14.7.response-fingerprint",
        "The response ends with a correct FINGERPRINT",
        Spec::must(
            RFC8489,
            "14.7",
            "When present, the FINGERPRINT attribute MUST be the last attribute in \
                the message and thus will appear after MESSAGE-INTEGRITY and \
                MESSAGE-INTEGRITY-SHA256.",
        ),
        SHORT_TERM,
        response_fingerprint,
    )
    .covers(&["rfc8489-14.7-1"]),
];

fn control_decode(ctx: &mut Ctx, bytes: &[u8]) -> Result<Decoded, Outcome> {
    ctx.decode(bytes)?
        .map_err(|r| Outcome::Error { why: format!("control: the well-formed message was rejected ({r})") })
}

fn padding_ignored(ctx: &mut Ctx) -> Verdict {
    let txid = ctx.txid();
    let addr: SocketAddr = "192.0.2.1:32853".parse().unwrap_or_else(|_| unreachable!());
    let with = |pad| {
        Builder::new(Class::Success, METHOD_BINDING, txid)
            .xor_mapped_address(addr)
            .attr_padded_with(SOFTWARE, b"odd", pad)
            .message_integrity(KEY)
            .fingerprint()
            .build()
    };
    control_decode(ctx, &with(0))?;
    let d = ctx.decode_accepted(&with(0x20), "a message whose SOFTWARE padding is 0x20")?;
    Ok(check(d.fields.software.as_deref().is_none_or(|s| s == "odd"), "SOFTWARE \"odd\"", || {
        format!("{:?}", d.fields.software)
    }))
}

fn attribute_overrun_rejected(ctx: &mut Ctx) -> Verdict {
    let (good, _) = sample_response(ctx, KEY);
    // Lengthen SOFTWARE's declared length past the end of the message.
    let m = Message::parse(&good).map_err(|e| Outcome::Error { why: e.to_string() })?;
    let sw = m.attribute(SOFTWARE).map(|a| a.offset).unwrap_or(HEADER_LEN);
    let mut bad = good.clone();
    bad[sw + 2..sw + 4].copy_from_slice(&400u16.to_be_bytes());
    expect_rejected(ctx, &good, &bad, "a message whose SOFTWARE length is 400 bytes past its end")
}

fn encoded_padding(ctx: &mut Ctx) -> Verdict {
    let model = EncodeModel {
        class: Class::Request,
        method: METHOD_BINDING,
        transaction_id: ctx.txid(),
        attributes: vec![
            AttributeSpec::Username { value: "evtj:h6vY".into() },
            AttributeSpec::Software { value: "abcde".into() },
        ],
    };
    let out = ctx.encode(&model)?;
    let expected = model.to_bytes();
    Ok(check(out == expected, format!("{} (lengths 9 and 5, zero padding)", hex(&expected)), || hex(&out)))
}

fn decode_address(ctx: &mut Ctx, addr: SocketAddr) -> Verdict {
    let txid = ctx.txid();
    let bytes = Builder::new(Class::Success, METHOD_BINDING, txid)
        .xor_mapped_address(addr)
        .message_integrity(KEY)
        .fingerprint()
        .build();
    let d = ctx.decode_accepted(&bytes, "a success response with XOR-MAPPED-ADDRESS")?;
    Ok(check(d.fields.xor_mapped_address == Some(addr), format!("XOR-MAPPED-ADDRESS {addr}"), || {
        format!("{:?}", d.fields.xor_mapped_address)
    }))
}

fn random_v4(ctx: &mut Ctx) -> SocketAddr {
    SocketAddr::from((ctx.rng.bytes::<4>(), 1 + ctx.rng.below(65534) as u16))
}

fn random_v6(ctx: &mut Ctx) -> SocketAddr {
    SocketAddr::from((ctx.rng.bytes::<16>(), 1 + ctx.rng.below(65534) as u16))
}

fn xor_ipv4_decoded(ctx: &mut Ctx) -> Verdict {
    let a = random_v4(ctx);
    decode_address(ctx, a)
}

fn xor_ipv6_decoded(ctx: &mut Ctx) -> Verdict {
    let a = random_v6(ctx);
    decode_address(ctx, a)
}

fn encode_address(ctx: &mut Ctx, addr: SocketAddr) -> Verdict {
    let model = EncodeModel {
        class: Class::Success,
        method: METHOD_BINDING,
        transaction_id: ctx.txid(),
        attributes: vec![AttributeSpec::XorMappedAddress { addr }],
    };
    let out = ctx.encode(&model)?;
    let expected = model.to_bytes();
    Ok(check(out == expected, format!("{} ({addr})", hex(&expected)), || hex(&out)))
}

fn xor_ipv4_encoded(ctx: &mut Ctx) -> Verdict {
    let a = random_v4(ctx);
    encode_address(ctx, a)
}

fn xor_ipv6_encoded(ctx: &mut Ctx) -> Verdict {
    let a = random_v6(ctx);
    encode_address(ctx, a)
}

/// A message with MESSAGE-INTEGRITY keyed with `key`, optionally followed by FINGERPRINT.
fn signed(ctx: &mut Ctx, key: &[u8]) -> Vec<u8> {
    let txid = ctx.txid();
    Builder::new(Class::Request, METHOD_BINDING, txid)
        .text(USERNAME, "rtcspec:peer")
        .priority(ctx.rng.u32())
        .message_integrity(key)
        .fingerprint()
        .build()
}

fn integrity_verified(ctx: &mut Ctx) -> Verdict {
    let key = ctx.rng.ice_chars(24).into_bytes();
    let bytes = signed(ctx, &key);
    if !ctx.check(&bytes, Verification::MessageIntegrity, &key)? {
        return Ok(Outcome::fail("verification with the right key succeeds", "it failed"));
    }
    let wrong = ctx.rng.ice_chars(24).into_bytes();
    Ok(check(
        !ctx.check(&bytes, Verification::MessageIntegrity, &wrong)?,
        "verification with a wrong key fails",
        || "it succeeded".into(),
    ))
}

fn integrity_detects_tampering(ctx: &mut Ctx) -> Verdict {
    let key = ctx.rng.ice_chars(24).into_bytes();
    let mut bytes = signed(ctx, &key);
    // Flip a bit of the PRIORITY value (covered by the HMAC), then fix FINGERPRINT so only
    // the integrity check can notice.
    let m = Message::parse(&bytes).map_err(|e| Outcome::Error { why: e.to_string() })?;
    let at = m.attribute(PRIORITY).map(|a| a.offset + 4).unwrap_or(HEADER_LEN);
    bytes[at] ^= 0x01;
    let fp = m.attribute(FINGERPRINT).map(|a| a.offset).unwrap_or(bytes.len() - 8);
    let crc = rtcspec_harness::stun::fingerprint_over(&bytes, fp);
    bytes[fp + 4..fp + 8].copy_from_slice(&crc.to_be_bytes());
    Ok(check(
        !ctx.check(&bytes, Verification::MessageIntegrity, &key)?,
        "verification of the altered message fails",
        || "it succeeded".into(),
    ))
}

fn integrity_length_adjusted(ctx: &mut Ctx) -> Verdict {
    let key = ctx.rng.ice_chars(24).into_bytes();
    let txid = ctx.txid();
    // MESSAGE-INTEGRITY followed by FINGERPRINT: the verifier must shorten the header
    // length to the end of MESSAGE-INTEGRITY before computing the HMAC.
    let bytes = Builder::new(Class::Success, METHOD_BINDING, txid)
        .xor_mapped_address("192.0.2.1:32853".parse().unwrap_or_else(|_| unreachable!()))
        .message_integrity(&key)
        .fingerprint()
        .build();
    Ok(check(
        ctx.check(&bytes, Verification::MessageIntegrity, &key)?,
        "MESSAGE-INTEGRITY verifies with FINGERPRINT after it",
        || "it did not verify".into(),
    ))
}

fn integrity_short_value(ctx: &mut Ctx) -> Verdict {
    let key = ctx.rng.ice_chars(24).into_bytes();
    let good = signed(ctx, &key);
    if !ctx.check(&good, Verification::MessageIntegrity, &key)? {
        return Err(Outcome::Error { why: "control: a correct MESSAGE-INTEGRITY did not verify".into() });
    }
    // The first 16 bytes of the right HMAC, as a 16-byte MESSAGE-INTEGRITY.
    let m = Message::parse(&good).map_err(|e| Outcome::Error { why: e.to_string() })?;
    let mi = m.attribute(MESSAGE_INTEGRITY).map(|a| a.value.clone()).unwrap_or_default();
    let mut b = Builder::new(m.class, m.method, m.transaction_id);
    for a in m.attributes.iter().take_while(|a| a.attr_type != MESSAGE_INTEGRITY) {
        b = b.attr(a.attr_type, &a.value);
    }
    let bad = b.attr(MESSAGE_INTEGRITY, &mi[..16]).fingerprint().build();
    Ok(check(
        !ctx.check(&bad, Verification::MessageIntegrity, &key)?,
        "a 16-byte MESSAGE-INTEGRITY does not verify",
        || "it verified".into(),
    ))
}

fn integrity_encoded(ctx: &mut Ctx) -> Verdict {
    let key = ctx.rng.ice_chars(24).into_bytes();
    let model = EncodeModel {
        class: Class::Request,
        method: METHOD_BINDING,
        transaction_id: ctx.txid(),
        attributes: vec![
            AttributeSpec::Username { value: "rtcspec:peer".into() },
            AttributeSpec::MessageIntegrity { key_hex: key.clone() },
            AttributeSpec::Fingerprint,
        ],
    };
    let out = ctx.encode(&model)?;
    let verdict = Message::parse(&out).ok().and_then(|m| m.verify_integrity(MESSAGE_INTEGRITY, &key));
    Ok(check(verdict == Some(true), "a MESSAGE-INTEGRITY that verifies", || {
        format!(
            "{} ({})",
            hex(&out),
            match verdict {
                Some(false) => "HMAC mismatch",
                _ => "no parseable MESSAGE-INTEGRITY",
            }
        )
    }))
}

fn sha256_signed(ctx: &mut Ctx, key: &[u8], len: usize) -> Vec<u8> {
    let txid = ctx.txid();
    Builder::new(Class::Request, METHOD_BINDING, txid)
        .text(USERNAME, "rtcspec:peer")
        .message_integrity_sha256(key, len)
        .fingerprint()
        .build()
}

fn sha256_verified(ctx: &mut Ctx) -> Verdict {
    let key = ctx.rng.ice_chars(24).into_bytes();
    let bytes = sha256_signed(ctx, &key, 32);
    if !ctx.check(&bytes, Verification::MessageIntegritySha256, &key)? {
        return Ok(Outcome::fail("verification with the right key succeeds", "it failed"));
    }
    let wrong = ctx.rng.ice_chars(24).into_bytes();
    Ok(check(
        !ctx.check(&bytes, Verification::MessageIntegritySha256, &wrong)?,
        "verification with a wrong key fails",
        || "it succeeded".into(),
    ))
}

fn sha256_below_16(ctx: &mut Ctx) -> Verdict {
    let key = ctx.rng.ice_chars(24).into_bytes();
    let good = sha256_signed(ctx, &key, 32);
    if !ctx.check(&good, Verification::MessageIntegritySha256, &key)? {
        return Err(Outcome::Error { why: "control: a full MESSAGE-INTEGRITY-SHA256 did not verify".into() });
    }
    let bad = sha256_signed(ctx, &key, 12);
    Ok(check(
        !ctx.check(&bad, Verification::MessageIntegritySha256, &key)?,
        "a 12-byte MESSAGE-INTEGRITY-SHA256 does not verify",
        || "it verified".into(),
    ))
}

fn fingerprinted(ctx: &mut Ctx) -> Vec<u8> {
    let (b, _) = sample_response(ctx, KEY);
    b
}

fn set_fingerprint(bytes: &mut [u8], value: u32) {
    let at = bytes.len() - 4;
    bytes[at..].copy_from_slice(&value.to_be_bytes());
}

fn fingerprint_verified(ctx: &mut Ctx) -> Verdict {
    let mut bytes = fingerprinted(ctx);
    if !ctx.check(&bytes, Verification::Fingerprint, &[])? {
        return Ok(Outcome::fail("a correct FINGERPRINT verifies", "it failed"));
    }
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    Ok(check(!ctx.check(&bytes, Verification::Fingerprint, &[])?, "a wrong FINGERPRINT fails", || "it verified".into()))
}

fn fingerprint_xor_required(ctx: &mut Ctx) -> Verdict {
    let good = fingerprinted(ctx);
    if !ctx.check(&good, Verification::Fingerprint, &[])? {
        return Err(Outcome::Error { why: "control: a correct FINGERPRINT did not verify".into() });
    }
    let mut bad = good.clone();
    let crc = rtcspec_harness::stun::fingerprint_over(&bad, bad.len() - 8) ^ FINGERPRINT_XOR;
    set_fingerprint(&mut bad, crc);
    Ok(check(!ctx.check(&bad, Verification::Fingerprint, &[])?, "a FINGERPRINT without the XOR fails", || {
        "it verified".into()
    }))
}

fn fingerprint_not_last(ctx: &mut Ctx) -> Verdict {
    let txid = ctx.txid();
    // A correct FINGERPRINT over what precedes it, then SOFTWARE after it. The header
    // length covers all of it, so only the placement rule is broken.
    let base = Builder::new(Class::Success, METHOD_BINDING, txid)
        .xor_mapped_address("192.0.2.1:32853".parse().unwrap_or_else(|_| unreachable!()))
        .message_integrity(KEY);
    let good = base.clone().fingerprint().build();
    if !ctx.check(&good, Verification::Fingerprint, &[])? {
        return Err(Outcome::Error { why: "control: a correct FINGERPRINT did not verify".into() });
    }
    let bad = base.fingerprint().text(SOFTWARE, "after").build();
    Ok(check(
        !ctx.check(&bad, Verification::Fingerprint, &[])?,
        "a FINGERPRINT that is not last is not accepted",
        || "it verified".into(),
    ))
}

fn fingerprint_encoded(ctx: &mut Ctx) -> Verdict {
    let model = EncodeModel {
        class: Class::Request,
        method: METHOD_BINDING,
        transaction_id: ctx.txid(),
        attributes: vec![AttributeSpec::Software { value: "rtcspec".into() }, AttributeSpec::Fingerprint],
    };
    let out = ctx.encode(&model)?;
    let ok = Message::parse(&out).ok().and_then(|m| m.verify_fingerprint());
    Ok(check(ok == Some(true), "a FINGERPRINT equal to CRC-32 XOR 0x5354554e", || format!("{} ({ok:?})", hex(&out))))
}

fn error_code_decoded(ctx: &mut Ctx) -> Verdict {
    for (code, reason) in [(420u16, "Unknown Attribute"), (438, "Stale Nonce"), (300, "Try Alternate")] {
        let txid = ctx.txid();
        let bytes = Builder::new(Class::Error, METHOD_BINDING, txid)
            .error_code(code, reason)
            .message_integrity(KEY)
            .fingerprint()
            .build();
        let d = ctx.decode_accepted(&bytes, &format!("an error response {code}"))?;
        let got = d.fields.error_code.as_ref().map(|e| (e.code, e.reason.clone()));
        if got != Some((code, reason.to_string())) {
            return Ok(Outcome::fail(format!("ERROR-CODE {code} {reason:?}"), format!("{got:?}")));
        }
    }
    Ok(Outcome::Pass)
}

fn error_code_reserved_bits_ignored(ctx: &mut Ctx) -> Verdict {
    let txid = ctx.txid();
    // 438 with every reserved bit set: the 21 bits before the 3-bit class.
    let with_reserved = |reserved: [u8; 3]| {
        let mut value = vec![reserved[0], reserved[1], reserved[2] | 4, 38];
        value.extend_from_slice(b"Stale Nonce");
        Builder::new(Class::Error, METHOD_BINDING, txid).attr(ERROR_CODE, &value).fingerprint().build()
    };
    control_decode(ctx, &with_reserved([0, 0, 0]))?;
    let bytes = with_reserved([0xFF, 0xFF, 0xF8]);
    let d = ctx.decode_accepted(&bytes, "an error response whose ERROR-CODE has its reserved bits set")?;
    let got = d.fields.error_code.as_ref().map(|e| e.code);
    Ok(check(got == Some(438), "ERROR-CODE 438 (reserved bits ignored)", || format!("{got:?} from {}", hex(&bytes))))
}

fn error_code_encoded(ctx: &mut Ctx) -> Verdict {
    let model = EncodeModel {
        class: Class::Error,
        method: METHOD_BINDING,
        transaction_id: ctx.txid(),
        attributes: vec![AttributeSpec::ErrorCode { code: 438, reason: "Stale Nonce".into() }],
    };
    let out = ctx.encode(&model)?;
    let expected = model.to_bytes();
    Ok(check(out == expected, format!("{} (class 4, number 38)", hex(&expected)), || hex(&out)))
}

fn text_decoded(ctx: &mut Ctx) -> Verdict {
    let txid = ctx.txid();
    let (user, realm, nonce, software) =
        ("\u{30DE}\u{30C8}\u{30EA}:évtj", "example.org", "f//499k954d6OL34oL9FSTvy64sA", "rtcspec ünïcode");
    let bytes = Builder::new(Class::Error, METHOD_BINDING, txid)
        .error_code(401, "Unauthenticated")
        .text(USERNAME, user)
        .text(REALM, realm)
        .text(NONCE, nonce)
        .text(SOFTWARE, software)
        .fingerprint()
        .build();
    let d = ctx.decode_accepted(&bytes, "an error response with USERNAME, REALM, NONCE, SOFTWARE")?;
    let f = &d.fields;
    let pairs = [(&f.username, user), (&f.realm, realm), (&f.nonce, nonce), (&f.software, software)];
    // A decoder that does not expose an attribute is not wrong; one that mangles it is.
    for (got, want) in pairs {
        if let Some(g) = got {
            if g != want {
                return Ok(Outcome::fail(format!("{want:?}"), format!("{g:?}")));
            }
        }
    }
    Ok(if pairs.iter().all(|(g, _)| g.is_none()) {
        Outcome::Unsupported { why: "decoder exposes none of USERNAME, REALM, NONCE, SOFTWARE".into() }
    } else {
        Outcome::Pass
    })
}

fn text_encoded(ctx: &mut Ctx) -> Verdict {
    let model = EncodeModel {
        class: Class::Request,
        method: METHOD_BINDING,
        transaction_id: ctx.txid(),
        attributes: vec![
            AttributeSpec::Username { value: "\u{30DE}\u{30C8}\u{30EA}:peer".into() },
            AttributeSpec::Software { value: "rtcspec ünïcode".into() },
        ],
    };
    let out = ctx.encode(&model)?;
    let expected = model.to_bytes();
    Ok(check(out == expected, hex(&expected), || hex(&out)))
}

fn long_username_parsed(ctx: &mut Ctx) -> Verdict {
    // 254 three-byte characters and one ASCII byte: 763 octets, fewer than 509 characters.
    let user: String = std::iter::repeat_n('\u{30DE}', 254).chain(std::iter::once('x')).collect();
    debug_assert_eq!(user.len(), 763);
    let txid = ctx.txid();
    let bytes = Builder::new(Class::Error, METHOD_BINDING, txid)
        .error_code(401, "Unauthenticated")
        .text(USERNAME, &user)
        .text(SOFTWARE, "rtcspec")
        .fingerprint()
        .build();
    let d = ctx.decode_accepted(&bytes, "a message with a 763-octet USERNAME")?;
    Ok(match &d.fields.username {
        Some(u) => check(u == &user, "the 763-octet USERNAME decoded intact", || format!("{} octets", u.len())),
        None => Outcome::Pass,
    })
}

fn alternate_server_decoded(ctx: &mut Ctx) -> Verdict {
    // A 300 Try Alternate, protected as §14.8 requires, pointing at an IPv4 then an IPv6 server.
    for server in [random_v4(ctx), random_v6(ctx)] {
        let txid = ctx.txid();
        let bytes = Builder::new(Class::Error, METHOD_BINDING, txid)
            .error_code(300, "Try Alternate")
            .attr(ALTERNATE_SERVER, &address_value(server, &txid, false))
            .message_integrity(KEY)
            .fingerprint()
            .build();
        let d = ctx.decode_accepted(&bytes, "a 300 response with ALTERNATE-SERVER")?;
        match d.fields.alternate_server {
            None => return Err(Outcome::Unsupported { why: "decoder does not expose ALTERNATE-SERVER".into() }),
            Some(a) if a != server => return Ok(Outcome::fail(format!("ALTERNATE-SERVER {server}"), format!("{a}"))),
            Some(_) => {}
        }
    }
    Ok(Outcome::Pass)
}

fn response_fingerprint(ctx: &mut Ctx) -> Verdict {
    let (m, _) = valid_answer(ctx)?;
    let last = m.attributes.last().map(|a| a.attr_type);
    Ok(match (last, m.verify_fingerprint()) {
        (Some(FINGERPRINT), Some(true)) => Outcome::Pass,
        (Some(FINGERPRINT), _) => {
            Outcome::fail("a correct FINGERPRINT", "a FINGERPRINT that does not match the CRC-32")
        }
        _ => Outcome::fail("FINGERPRINT as the last attribute", describe(&m)),
    })
}
