//! Known divergences between implementations, in one place, each with its RFC reason and
//! the conformance case that reports it. The differential fuzz targets and the property
//! tests take exactly these out of the comparison, so they keep looking for new ones;
//! anything else is a disagreement and aborts with a readable diff.

use crate::stun::{Decoded, Message, ERROR_CODE};

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
        what: "ERROR-CODE's 21 reserved bits are read as part of the class: 438 with reserved bits set decodes as 25238 (str0m rejects the message)",
        rfc: "RFC 8489 §14.8: \"Receivers MUST ignore these bits\"",
        case: "stun.8489.14.8.error-code-reserved-bits-ignored",
    },
    Divergence {
        implementations: "reference (rtc-stun 0.21), str0m 0.25",
        what: "an ERROR-CODE Number above 99 is read differently: class*100+number by rtcspec and rtc-stun, modulo 100 by str0m",
        rfc: "RFC 8489 §14.8: the Number is \"the error code modulo 100\", so 0-99; a larger one is malformed and any reading is a guess",
        case: "- (found by rtcspec diff, issue 3)",
    },
    Divergence {
        implementations: "str0m 0.25 (is 0.12)",
        what: "reads attribute type 0x0022 (RESERVATION-TOKEN) as SOFTWARE and ignores the real SOFTWARE (0x8022): `const SOFTWARE: u16 = 0x0022` in is-0.12.0/src/stun.rs:697",
        rfc: "RFC 8489 §18.3: SOFTWARE is 0x8022 in the STUN Attributes registry; 0x0022 is RESERVATION-TOKEN (RFC 8656 §18)",
        case: "- (found by the stun_diff fuzz target: reports/findings/str0m-software-attribute-type.md)",
    },
    Divergence {
        implementations: "str0m 0.25",
        what: "declines (does not decode) STUN outside ICE usage: only Binding with the ICE attributes it knows; its views are compared only where it accepts",
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
    if message.is_some_and(|m| m.has(RESERVATION_TOKEN)) {
        d.fields.software = None;
    }
    d
}

/// RFC 8656 §18: what str0m mistakes for SOFTWARE.
const RESERVATION_TOKEN: u16 = 0x0022;

/// A crash in a dependency, found by fuzzing, that the targets step around so they keep
/// fuzzing the rest (each has a test that shows it still happens: `fuzz_corpora.rs`).
pub struct KnownCrash {
    pub target: &'static str,
    pub crate_name: &'static str,
    pub what: &'static str,
    pub report: &'static str,
    /// Whether an input reaches it.
    pub matches: fn(&[u8]) -> bool,
}

pub const CRASHES: &[KnownCrash] = &[
    KnownCrash {
        target: "dcep",
        crate_name: "rtc-datachannel 0.21.1",
        what: "Message::unmarshal panics (bytes: advance out of bounds) on a type byte 0x00 (Threshold, an internal message) followed by fewer than 5 bytes: DataChannelThreshold::unmarshal calls get_u8/get_u32 without a length check. A peer reaches it with a PPID 50 payload on an open channel.",
        report: "reports/findings/rtc-datachannel-threshold-panic.md",
        matches: |d| d.first() == Some(&0x00) && d.len() < 6,
    },
    KnownCrash {
        target: "sctp",
        crate_name: "rtc-sctp 0.21.1",
        what: "Packet::unmarshal panics (bytes: range end out of bounds) on an ERROR or ABORT chunk whose error cause length runs past the chunk: ErrorCause::unmarshal slices without checking the length (sctp-proto 0.10.8 checks it). A peer reaches it with one SCTP packet.",
        report: "reports/findings/rtc-sctp-error-cause-length-panic.md",
        matches: sctp_error_cause_overruns,
    },
    KnownCrash {
        target: "srtp_unprotect",
        crate_name: "rtc-srtp 0.21.1",
        what: "Context::encrypt_rtp panics (split_at_mut: mid > len with AEAD profiles, slice index out of range with AES-CM) when the RTP header it re-parses claims more bytes (Header::marshal_size) than the packet has: the cipher slices at header.marshal_size() without a check (decrypt_rtp has the check for AEAD, not for AES-CM after authentication).",
        report: "reports/findings/rtc-srtp-header-size-panic.md",
        matches: rtp_header_longer_than_packet,
    },
];

/// An ERROR (9) or ABORT (6) chunk holding an error cause whose length field runs past the
/// chunk's declared end (where rtc-sctp slices without a check).
fn sctp_error_cause_overruns(packet: &[u8]) -> bool {
    let mut at = 12;
    while let Some(h) = packet.get(at..at + 4) {
        let len = usize::from(u16::from_be_bytes([h[2], h[3]]));
        if len < 4 {
            return false;
        }
        if h[0] == 6 || h[0] == 9 {
            let end = at + len;
            let mut cause = at + 4;
            while let Some(c) = packet.get(cause..cause + 4) {
                let cause_len = usize::from(u16::from_be_bytes([c[2], c[3]]));
                if cause_len < 4 {
                    break;
                }
                if cause + cause_len > end.min(packet.len()) {
                    return true;
                }
                cause += cause_len;
            }
        }
        at += (len + 3) & !3;
    }
    false
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
