//! Structure-aware and differential targets: a message model built from the fuzzer's bytes
//! with `arbitrary`, serialized by rtcspec's writer, then mutated; and raw bytes compared
//! across decoders under the agreement rule of `divergences`.

use std::net::SocketAddr;

use arbitrary::{Arbitrary, Unstructured};

use super::divergences::{stun_agreement, without_known_stun_divergences};
use crate::driver::model::ModelCodec;
use crate::driver::str0m::Str0mCodec;
use crate::driver::webrtc_rs::WebrtcRsCodec;
use crate::driver::{StunCodec, Verification};
use crate::stun::{AttributeSpec, Class, Decoded, EncodeModel, Message, MESSAGE_INTEGRITY};

/// One attribute of a generated message (the set rtcspec's writer knows, and raw ones).
#[derive(Debug, Arbitrary)]
enum Attribute {
    XorMappedAddress {
        v6: bool,
        ip: [u8; 16],
        port: u16,
    },
    Username(String),
    Software(String),
    Realm(String),
    Nonce(String),
    UnknownAttributes(Vec<u16>),
    Priority(u32),
    IceControlled(u64),
    IceControlling(u64),
    UseCandidate,
    /// Comprehension-optional range only: a required unknown attribute makes a message
    /// the RFC says to reject, which is the raw targets' job.
    Raw {
        attr_type: u16,
        value: Vec<u8>,
    },
}

/// A change to the serialized bytes, of the kinds decoders disagree on.
#[derive(Debug, Arbitrary)]
enum Mutation {
    SetByte {
        at: u16,
        value: u8,
    },
    FlipBit {
        at: u16,
        bit: u8,
    },
    Truncate {
        at: u16,
    },
    Append(Vec<u8>),
    /// Adds to the header's length field.
    Length(u16),
    TopBits(u8),
}

#[derive(Debug, Arbitrary)]
struct StunInput {
    class: u8,
    method: u16,
    transaction_id: [u8; 12],
    error: Option<(u16, String)>,
    attributes: Vec<Attribute>,
    key: Option<String>,
    fingerprint: bool,
    mutations: Vec<Mutation>,
}

impl Attribute {
    fn spec(self) -> AttributeSpec {
        let text = |s: String| s.chars().take(120).collect::<String>();
        match self {
            Attribute::XorMappedAddress { v6, ip, port } => {
                let addr = if v6 {
                    SocketAddr::from((ip, port))
                } else {
                    SocketAddr::from(([ip[0], ip[1], ip[2], ip[3]], port))
                };
                AttributeSpec::XorMappedAddress { addr }
            }
            Attribute::Username(v) => AttributeSpec::Username { value: text(v) },
            Attribute::Software(v) => AttributeSpec::Software { value: text(v) },
            Attribute::Realm(v) => AttributeSpec::Realm { value: text(v) },
            Attribute::Nonce(v) => AttributeSpec::Nonce { value: text(v) },
            Attribute::UnknownAttributes(t) => {
                AttributeSpec::UnknownAttributes { types: t.into_iter().take(8).collect() }
            }
            Attribute::Priority(value) => AttributeSpec::Priority { value },
            Attribute::IceControlled(tie_breaker) => AttributeSpec::IceControlled { tie_breaker },
            Attribute::IceControlling(tie_breaker) => AttributeSpec::IceControlling { tie_breaker },
            Attribute::UseCandidate => AttributeSpec::UseCandidate,
            Attribute::Raw { attr_type, mut value } => {
                value.truncate(64);
                AttributeSpec::Raw { attr_type: 0xC000 | (attr_type & 0x3FFF), hex: value }
            }
        }
    }
}

/// The model, and its key (empty without MESSAGE-INTEGRITY).
fn model(input: StunInput) -> (EncodeModel, Vec<u8>, Vec<Mutation>) {
    let class = [Class::Request, Class::Indication, Class::Success, Class::Error][usize::from(input.class % 4)];
    let mut attributes = Vec::new();
    let mut seen = std::collections::HashSet::new();
    if let (Class::Error, Some((code, reason))) = (class, input.error) {
        attributes.push(AttributeSpec::ErrorCode { code: 300 + code % 400, reason: reason.chars().take(60).collect() });
    }
    for a in input.attributes.into_iter().take(10) {
        let spec = a.spec();
        // One of each kind: a repeated attribute is a matter the RFC leaves to the reader.
        let kind = match &spec {
            AttributeSpec::Raw { attr_type, .. } => Err(*attr_type),
            other => Ok(std::mem::discriminant(other)),
        };
        if seen.insert(kind) {
            attributes.push(spec);
        }
    }
    let key: Vec<u8> = input.key.map(|k| k.into_bytes()).unwrap_or_default();
    if !key.is_empty() {
        attributes.push(AttributeSpec::MessageIntegrity { key_hex: key.clone() });
    }
    if input.fingerprint {
        attributes.push(AttributeSpec::Fingerprint);
    }
    let model = EncodeModel { class, method: input.method & 0x0FFF, transaction_id: input.transaction_id, attributes };
    (model, key, input.mutations)
}

fn mutate(bytes: &mut Vec<u8>, m: &Mutation) {
    let at = |i: u16, len: usize| usize::from(i) % len.max(1);
    match m {
        Mutation::SetByte { at: i, value } if !bytes.is_empty() => {
            let i = at(*i, bytes.len());
            bytes[i] = *value;
        }
        Mutation::FlipBit { at: i, bit } if !bytes.is_empty() => {
            let i = at(*i, bytes.len());
            bytes[i] ^= 1 << (bit % 8);
        }
        Mutation::Truncate { at: i } => bytes.truncate(at(*i, bytes.len() + 1)),
        Mutation::Append(extra) => bytes.extend(extra.iter().take(64)),
        Mutation::Length(delta) if bytes.len() >= 4 => {
            let len = u16::from_be_bytes([bytes[2], bytes[3]]).wrapping_add(*delta);
            bytes[2..4].copy_from_slice(&len.to_be_bytes());
        }
        Mutation::TopBits(b) if !bytes.is_empty() => bytes[0] |= b & 0xC0,
        _ => {}
    }
}

/// Every decoder's verdict on `bytes`; checks run for the side effect (no panic).
fn verdicts(bytes: &[u8], key: &[u8]) -> [Option<Result<Decoded, String>>; 3] {
    let mut reference = WebrtcRsCodec::new().expect("the reference codec needs no setup");
    let codecs: [&mut dyn StunCodec; 3] = [&mut reference, &mut Str0mCodec, &mut ModelCodec];
    codecs.map(|codec| {
        for check in [Verification::MessageIntegrity, Verification::MessageIntegritySha256, Verification::Fingerprint] {
            let _ = codec.check(bytes, check, key);
        }
        // Err(_) from the codec itself is str0m declining non-ICE STUN: not a verdict.
        codec.decode(bytes).ok()
    })
}

/// Strict acceptance implies agreement: where rtcspec's reader (the RFC's framing rules)
/// accepts, the reference must accept and read the same, and str0m, where it decodes.
fn strict_acceptance_implies_agreement(bytes: &[u8], key: &[u8]) -> Result<(), String> {
    let [reference, str0m, strict] = verdicts(bytes, key);
    let Some(Ok(strict)) = strict else { return Ok(()) };
    match reference {
        Some(Ok(d)) => stun_agreement("reference", &strict, &without_known_stun_divergences(bytes, &d))?,
        Some(Err(e)) => return Err(format!("the reference rejects what RFC 8489 allows: {e}")),
        None => return Err("the reference codec failed".into()),
    }
    if let Some(Ok(d)) = str0m {
        stun_agreement("str0m", &strict, &without_known_stun_divergences(bytes, &d))?;
    }
    Ok(())
}

fn abort_on(result: Result<(), String>, bytes: &[u8]) {
    if let Err(e) = result {
        panic!(
            "STUN decoders disagree: {e}\ninput: {}\n(known divergences: rtcspec_harness::fuzz::divergences)",
            crate::stun::hex(bytes)
        );
    }
}

/// `stun_structured`: a valid generated message is read alike (and its integrity verified)
/// by every decoder; after the fuzzer's mutations, strict acceptance implies agreement.
pub fn stun(data: &[u8]) {
    let Ok(input) = StunInput::arbitrary(&mut Unstructured::new(data)) else { return };
    let (model, key, mutations) = model(input);
    let mut bytes = model.to_bytes();
    let own = Message::parse(&bytes)
        .unwrap_or_else(|e| panic!("rtcspec's writer produced an unreadable message: {e}\nmodel: {model:?}"));
    if !key.is_empty() {
        assert_eq!(own.verify_integrity(MESSAGE_INTEGRITY, &key), Some(true), "rtcspec's own MESSAGE-INTEGRITY");
        let mut reference = WebrtcRsCodec::new().expect("the reference codec needs no setup");
        assert!(
            matches!(reference.check(&bytes, Verification::MessageIntegrity, &key), Ok(true)),
            "the reference does not verify a valid MESSAGE-INTEGRITY\ninput: {}",
            crate::stun::hex(&bytes)
        );
    }
    abort_on(strict_acceptance_implies_agreement(&bytes, &key), &bytes);
    for m in mutations.iter().take(8) {
        mutate(&mut bytes, m);
    }
    abort_on(strict_acceptance_implies_agreement(&bytes, &key), &bytes);
}

/// `stun_diff`: raw bytes; the first byte picks a key length for the integrity checks.
pub fn stun_diff(data: &[u8]) {
    let (key, bytes) = super::formats::split_key(data);
    abort_on(strict_acceptance_implies_agreement(bytes, key), bytes);
}

/// `sdp_structured`: an arbitrary JSEP offer (the property tests' generator) is lint-clean,
/// accepted by the model and the reference with the same m= lines, mids, candidates,
/// fingerprints, ICE credentials and payload types (str0m too where it accepts); each
/// targeted corruption of it is flagged at MUST level and rejected by the model.
pub fn sdp(data: &[u8]) {
    use crate::case::Level;
    use crate::driver::sdp_codec::{ModelSdp, ReferenceSdp, Str0mSdp};
    use crate::driver::SdpCodec;
    use crate::sdp::diff::{disagreement, kept, View};
    use crate::sdp::generate::{corrupt, Offer};
    use crate::sdp::lint;

    fn view(codec: &mut dyn SdpCodec, sdp: &str) -> View {
        match codec.round_trip(sdp) {
            Ok(Ok(out)) => View::Accepted { kept: kept(&out) },
            Ok(Err(reason)) => View::Rejected { reason },
            Err(e) => View::Broken { reason: e.to_string() },
        }
    }
    let Some((&which, rest)) = data.split_first() else { return };
    let sdp = Offer::from_bytes(rest).to_sdp();
    let musts: Vec<String> = lint(sdp.as_bytes())
        .0
        .into_iter()
        .filter(|f| f.level == Level::Must)
        .map(|f| format!("line {}: {} ({})", f.line, f.message, f.rule))
        .collect();
    assert!(musts.is_empty(), "the linter flags a generated offer: {musts:?}\n{sdp}");
    let mut views = vec![
        ("model".to_string(), view(&mut ModelSdp, &sdp)),
        ("reference".to_string(), view(&mut ReferenceSdp, &sdp)),
    ];
    for (name, v) in &views {
        assert!(matches!(v, View::Accepted { .. }), "{name} rejects a valid offer: {v:?}\n{sdp}");
    }
    let str0m = view(&mut Str0mSdp, &sdp);
    if matches!(str0m, View::Accepted { .. }) {
        views.push(("str0m".to_string(), str0m));
    }
    if let Some(kind) = disagreement(&views) {
        panic!("SDP parsers disagree: {kind}\n{views:?}\n{sdp}");
    }
    if let Some((name, bad)) = corrupt(&sdp, usize::from(which)) {
        assert!(lint(bad.as_bytes()).0.iter().any(|f| f.level == Level::Must), "corruption {name} not flagged\n{bad}");
        assert!(matches!(ModelSdp.round_trip(&bad), Ok(Err(_))), "corruption {name} accepted by the model\n{bad}");
    }
}
