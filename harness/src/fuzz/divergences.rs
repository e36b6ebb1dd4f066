//! Known divergences between implementations, in one place, each with its RFC reason and
//! the conformance case that reports it. The differential fuzz targets and the property
//! tests take exactly these out of the comparison, so they keep looking for new ones;
//! anything else is a disagreement and aborts with a readable diff.

use crate::stun::{Decoded, Message, ERROR_CODE, XOR_MAPPED_ADDRESS, XOR_MAPPED_ADDRESS_DRAFT};

/// One known divergence, for documentation and reports.
pub struct Divergence {
    pub implementations: &'static str,
    pub what: &'static str,
    pub rfc: &'static str,
    pub case: &'static str,
}

pub const STUN: &[Divergence] = &[
    Divergence {
        implementations: "reference (rtc-stun 0.21), aioice",
        what: "ERROR-CODE's 21 reserved bits are read as part of the class: 438 with reserved bits set \
                decodes as 25238 (str0m rejects the message)",
        rfc: "RFC 8489 §14.8: \"Receivers MUST ignore these bits\"",
        case: "stun.8489.14.8.error-code-reserved-bits-ignored",
    },
    Divergence {
        implementations: "reference (rtc-stun 0.21), str0m 0.25",
        what: "an ERROR-CODE Number above 99 is read differently: class*100+number by rtcspec and \
                rtc-stun, modulo 100 by str0m",
        rfc: "RFC 8489 §14.8: the Number is \"the error code modulo 100\", so 0-99; a larger one is \
                malformed and any reading is a guess",
        case: "- (found by rtcspec diff, issue 3)",
    },
    Divergence {
        implementations: "str0m 0.25 (is 0.12)",
        what: "reads attribute type 0x0022 (RESERVATION-TOKEN) as SOFTWARE and ignores the real SOFTWARE \
                (0x8022): `const SOFTWARE: u16 = 0x0022` in is-0.12.0/src/stun.rs:697",
        rfc: "RFC 8489 §18.3: SOFTWARE is 0x8022 in the STUN Attributes registry; 0x0022 is \
                RESERVATION-TOKEN (RFC 8656 §18)",
        case: "- (found by the stun_diff fuzz target: reports/findings/str0m-software-attribute-type.md)",
    },
    Divergence {
        implementations: "reference (rtc-stun 0.21), str0m 0.25",
        what: "report attributes that follow MESSAGE-INTEGRITY; rtcspec's reader, like an agent, ignores them",
        rfc: "RFC 8489 §14.5: agents MUST ignore all other attributes that follow MESSAGE-INTEGRITY (a \
                processing rule: judged at the agent by the conformance case)",
        case: "stun.8489.9.attributes-after-integrity-ignored",
    },
    Divergence {
        implementations: "str0m 0.25 (is 0.12)",
        what: "decodes XOR-MAPPED-ADDRESS, XOR-PEER-ADDRESS and XOR-RELAYED-ADDRESS from the rest of the \
                message, not from the attribute's own value: a short or empty one is read from the bytes \
                of the attributes after it",
        rfc: "RFC 8489 §14.2 (the value is 8 or 20 bytes) and §14 (the Length field is the length of the Value)",
        case: "- (found by the stun_diff fuzz target: reports/findings/str0m-xor-address-past-attribute.md)",
    },
    Divergence {
        implementations: "str0m 0.25 (is 0.12)",
        what: "of an attribute that appears more than once, keeps the last occurrence (each one \
                overwrites the one before); rtcspec and rtc-stun keep the first",
        rfc: "RFC 8489 §14: \"only the first occurrence needs to be processed by a receiver, and any \
                duplicates MAY be ignored\"",
        case: "- (found by the stun_structured and stun_diff fuzz targets)",
    },
    Divergence {
        implementations: "reference (rtc-stun 0.21)",
        what: "reads attribute 0x8020 as XOR-MAPPED-ADDRESS (`compat_attr_type` renames it while \
                parsing, for draft-ietf-behave-rfc3489bis-02 and MS-TURN servers), so an 0x8020 alone, or \
                before an 0x0020, is the address it reads",
        rfc: "RFC 8489 §18.3 registers XOR-MAPPED-ADDRESS as 0x0020; 0x8020 is the pre-RFC 5389 draft \
                code point, a deliberate compatibility choice",
        case: "-",
    },
    Divergence {
        implementations: "reference (rtc-stun 0.21), str0m 0.25",
        what: "read an XOR-MAPPED-ADDRESS whose length does not fit its family: rtc-stun takes family 2 \
                (IPv6) with an 8-byte value as an IPv6 address made of 4 bytes and zeros; str0m takes \
                family 1 (IPv4) with a 20-byte value from its first 4 bytes",
        rfc: "RFC 8489 §14.1/§14.2: the address is 32 bits for IPv4 and 128 bits for IPv6, so the value \
                is 8 or 20 bytes",
        case: "- (found by the stun_structured fuzz target)",
    },
    Divergence {
        implementations: "str0m 0.25",
        what: "declines (does not decode) STUN outside ICE usage: only Binding with the ICE attributes \
                it knows; its views are compared only where it accepts",
        rfc: "none: str0m is an ICE agent, not a general STUN decoder",
        case: "-",
    },
];

/// Fields `got` reports must equal what the strict reader `expected` read; fields a decoder
/// does not expose (`None`) are not compared.
pub fn stun_agreement(label: &str, expected: &Decoded, got: &Decoded) -> Result<(), String> {
    let mismatch = |what: &str, e: &dyn std::fmt::Debug, g: &dyn std::fmt::Debug| {
        Err(format!("{label} disagrees on {what}: rtcspec read {e:?}, {label} read {g:?}"))
    };
    if got.class != expected.class {
        return mismatch("class", &expected.class, &got.class);
    }
    if got.method != expected.method {
        return mismatch("method", &expected.method, &got.method);
    }
    if got.transaction_id != expected.transaction_id {
        return mismatch("transaction id", &expected.transaction_id, &got.transaction_id);
    }
    let (e, g) = (&expected.fields, &got.fields);
    for (name, ev, gv) in [
        ("USERNAME", &e.username, &g.username),
        ("SOFTWARE", &e.software, &g.software),
        ("REALM", &e.realm, &g.realm),
        ("NONCE", &e.nonce, &g.nonce),
    ] {
        if gv.is_some() && gv != ev {
            return mismatch(name, ev, gv);
        }
    }
    if g.xor_mapped_address.is_some() && g.xor_mapped_address != e.xor_mapped_address {
        return mismatch("XOR-MAPPED-ADDRESS", &e.xor_mapped_address, &g.xor_mapped_address);
    }
    if g.error_code.is_some() && g.error_code != e.error_code {
        return mismatch("ERROR-CODE", &e.error_code, &g.error_code);
    }
    Ok(())
}

/// `decoded` (any decoder's view) with the fields a known divergence (see `STUN`) makes
/// differ taken out.
pub fn without_known_stun_divergences(bytes: &[u8], decoded: &Decoded) -> Decoded {
    let mut d = decoded.clone();
    let reserved_bits_set = Message::parse(bytes)
        .ok()
        .and_then(|m| {
            m.attribute(ERROR_CODE).map(|a| a.value.len() >= 4 && (a.value[0..2] != [0, 0] || a.value[2] & 0xF8 != 0))
        })
        .unwrap_or(false);
    let message = Message::parse(bytes).ok();
    let number_above_99 = message
        .as_ref()
        .and_then(|m| m.attribute(ERROR_CODE).map(|a| a.value.len() >= 4 && a.value[3] > 99))
        .unwrap_or(false);
    if reserved_bits_set || number_above_99 {
        d.fields.error_code = None;
    }
    let Some(m) = message else { return d };
    if m.has(rtcspec_wire::turn::RESERVATION_TOKEN) {
        d.fields.software = None;
    }
    // A value whose length does not fit its family (8 bytes for IPv4, 20 for IPv6).
    let misfit = |v: &[u8]| !matches!((v.get(1), v.len()), (Some(1), 8) | (Some(2), 20));
    if m.attribute(XOR_MAPPED_ADDRESS).is_some_and(|a| misfit(&a.value)) {
        d.fields.xor_mapped_address = None;
    }
    // Attributes that appear twice: which occurrence a decoder keeps differs (str0m).
    let mut seen = std::collections::HashSet::new();
    for a in &m.attributes {
        if !seen.insert(a.attr_type) {
            clear_field(&mut d, a.attr_type);
        }
    }
    // rtc-stun renames 0x8020 to 0x0020 while parsing, then reads the first of them.
    let first = m.attributes.iter().find(|a| [XOR_MAPPED_ADDRESS, XOR_MAPPED_ADDRESS_DRAFT].contains(&a.attr_type));
    if first.is_some_and(|a| a.attr_type == XOR_MAPPED_ADDRESS_DRAFT) {
        d.fields.xor_mapped_address = None;
    }
    // Fields whose attributes come only after MESSAGE-INTEGRITY (FINGERPRINT and
    // MESSAGE-INTEGRITY-SHA256 excepted) are the agent's to ignore, not compared here.
    let trusted = crate::driver::model::trusted_prefix(&m);
    for a in &m.attributes {
        if !trusted.has(a.attr_type) {
            clear_field(&mut d, a.attr_type);
        }
    }
    d
}

fn clear_field(d: &mut Decoded, attr_type: u16) {
    use crate::stun::{ALTERNATE_SERVER, NONCE, REALM, SOFTWARE, USERNAME};
    let f = &mut d.fields;
    match attr_type {
        USERNAME => f.username = None,
        SOFTWARE => f.software = None,
        REALM => f.realm = None,
        NONCE => f.nonce = None,
        XOR_MAPPED_ADDRESS => f.xor_mapped_address = None,
        ERROR_CODE => f.error_code = None,
        ALTERNATE_SERVER => f.alternate_server = None,
        _ => {}
    }
}

/// A crash in a dependency, found by fuzzing, that the targets step around so they keep
/// fuzzing the rest (each has a test that shows it still happens: `fuzz_corpora.rs`).
pub struct KnownCrash {
    pub target: &'static str,
    pub crate_name: &'static str,
    pub what: &'static str,
    pub report: &'static str,
    /// The files in `corpora/regressions/<target>/` whose names start with this reproduce it.
    pub regressions: &'static str,
    /// Whether the target must step around an input: true for every input that reaches the
    /// crash (it may also be true for some that do not).
    pub matches: fn(&[u8]) -> bool,
}

pub const CRASHES: &[KnownCrash] = &[
    KnownCrash {
        target: "dcep",
        crate_name: "rtc-datachannel 0.21.1",
        what: "Message::unmarshal panics (bytes: advance out of bounds) on a type byte 0x00 (Threshold, \
                an internal message) followed by fewer than 5 bytes: DataChannelThreshold::unmarshal \
                calls get_u8/get_u32 without a length check. A peer reaches it with a PPID 50 payload on \
                an open channel.",
        report: "reports/findings/rtc-datachannel-threshold-panic.md",
        regressions: "rtc-datachannel-",
        matches: |d| d.first() == Some(&0x00) && d.len() < 6,
    },
    KnownCrash {
        target: "sctp",
        crate_name: "rtc-sctp 0.21.1",
        what: "Packet::unmarshal panics (bytes: range end out of bounds) on an ERROR or ABORT chunk \
                whose error cause length runs past the chunk: ErrorCause::unmarshal slices without \
                checking the length (sctp-proto 0.10.8 checks it). A peer reaches it with one SCTP packet.",
        report: "reports/findings/rtc-sctp-error-cause-length-panic.md",
        regressions: "rtc-sctp-",
        matches: sctp_may_hold_abort_or_error,
    },
    KnownCrash {
        target: "srtp_unprotect",
        crate_name: "rtc-srtp 0.21.1",
        what: "Context::encrypt_rtp panics (split_at_mut: mid > len with AEAD profiles, slice index out \
                of range with AES-CM) when the RTP header it re-parses claims more bytes \
                (Header::marshal_size) than the packet has: the cipher slices at header.marshal_size() \
                without a check (decrypt_rtp has the check for AEAD, not for AES-CM after authentication).",
        report: "reports/findings/rtc-srtp-header-size-panic.md",
        regressions: "rtc-srtp-ae",
        matches: rtp_header_longer_than_packet,
    },
];

/// Any 4-byte-aligned word after the common header starting with 6 (ABORT) or 9 (ERROR).
/// rtc-sctp advances by the lengths it parsed, not the ones on the wire, so which words
/// start chunks cannot be told without its parser: this covers every place one could start.
fn sctp_may_hold_abort_or_error(packet: &[u8]) -> bool {
    packet.get(12..).is_some_and(|chunks| chunks.chunks(4).any(|w| w[0] == 6 || w[0] == 9))
}

/// The `srtp_unprotect` input (selector byte, then the packet) parses as an RTP header whose
/// re-marshalled size exceeds the packet.
fn rtp_header_longer_than_packet(data: &[u8]) -> bool {
    use rtc_shared::marshal::{MarshalSize, Unmarshal};
    let Some((select, packet)) = data.split_first() else { return false };
    if select & 0x80 != 0 {
        return false;
    }
    let mut buf = packet;
    rtc::rtp::header::Header::unmarshal(&mut buf).is_ok_and(|h| h.marshal_size() > packet.len())
}

/// The known crash `data` would trigger in `target`'s dependencies, if any.
pub fn known_crash(target: &str, data: &[u8]) -> Option<&'static KnownCrash> {
    CRASHES.iter().find(|c| c.target == target && (c.matches)(data))
}

/// Whether rtc-rtp's parsed header re-marshals to a size other than the header on the wire
/// (12 + 4·CC, plus 4 + 4·length for an extension block, RFC 3550 §5.3.1): then rtc-srtp
/// protects from the wrong offset (an extension element with the reserved ID 15 ends
/// parsing early, RFC 8285 §4.2, and the rest of the block is taken for payload).
pub fn rtp_header_size_differs(packet: &[u8]) -> bool {
    use rtc_shared::marshal::{MarshalSize, Unmarshal};
    let Some(&first) = packet.first() else { return false };
    let mut wire = 12 + 4 * usize::from(first & 0x0F);
    if first & 0x10 != 0 {
        let Some(len) = packet.get(wire + 2..wire + 4) else { return false };
        wire += 4 + 4 * usize::from(u16::from_be_bytes([len[0], len[1]]));
    }
    let mut buf = packet;
    rtc::rtp::header::Header::unmarshal(&mut buf).is_ok_and(|h| h.marshal_size() != wire)
}
