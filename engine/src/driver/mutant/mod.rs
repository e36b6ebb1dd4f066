//! The `mutant` target: a correct implementation with injectable faults.
//!
//! Faults are small, named transformations around any in-process codec and responder: they
//! rewrite what goes in (so the base "skips" a check) or what comes out (so the base
//! "mis-encodes"). Layered over `model` (the known-good control), a single fault makes
//! the cases that test that behaviour fail and leaves the rest passing; the project's tests
//! rely on that to prove every case can fail. Layered over `reference` (the default), it is
//! the reference with faults, as a user would inject them.
//!
//! Names: `mutant:fault1,fault2` (base reference), `mutant@model:fault1` (base model).

use std::net::{IpAddr, SocketAddr};

use super::{
    Auth, DecodeResult, Driver, SdpAnswerer, SdpCodec, Session, StunCodec, StunResponder, TargetError, TargetInfo,
    Verification,
};
use crate::capability::Capability;
use crate::stun::*;
use answer::FaultyAnswerer;
use sdp::FaultySdp;

mod answer;
mod peer;
mod sdp;

/// One injectable defect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    SkipIntegrity,
    SkipFingerprint,
    BadCrc,
    MisXorPort,
    MisXorIpv6,
    LenientFraming,
    RejectUnknownOptional,
    RejectNonzeroPadding,
    WrongTxid,
    TrustAfterIntegrity,
    BadErrorCode,
    Silent,
    AnswerIndications,
    IgnoreUnknownRequired,
    NoFingerprint,
    BadResponseIntegrity,
    StripErrorAttributes,
    LeakUsername,
    MisDecodeType,
    TruncateText,
    IntegrityFullLength,
    RejectUnexpected,
    ReservedBitsAsClass,
    /// One of the live-call faults of the reference peer, by name (see `peer::all`).
    Peer(&'static str),
    /// One of the SDP faults, by name (see `sdp::all`).
    Sdp(&'static str),
    /// One of the JSEP answerer faults, by name (see `answer::all`).
    Answer(&'static str),
}

impl Fault {
    const STUN: [Fault; 23] = [
        Fault::SkipIntegrity,
        Fault::SkipFingerprint,
        Fault::BadCrc,
        Fault::MisXorPort,
        Fault::MisXorIpv6,
        Fault::LenientFraming,
        Fault::RejectUnknownOptional,
        Fault::RejectNonzeroPadding,
        Fault::WrongTxid,
        Fault::TrustAfterIntegrity,
        Fault::BadErrorCode,
        Fault::Silent,
        Fault::AnswerIndications,
        Fault::IgnoreUnknownRequired,
        Fault::NoFingerprint,
        Fault::BadResponseIntegrity,
        Fault::StripErrorAttributes,
        Fault::LeakUsername,
        Fault::MisDecodeType,
        Fault::TruncateText,
        Fault::IntegrityFullLength,
        Fault::RejectUnexpected,
        Fault::ReservedBitsAsClass,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Fault::SkipIntegrity => "skip-integrity",
            Fault::SkipFingerprint => "skip-fingerprint",
            Fault::BadCrc => "bad-crc",
            Fault::MisXorPort => "mis-xor-port",
            Fault::MisXorIpv6 => "mis-xor-ipv6",
            Fault::LenientFraming => "lenient-framing",
            Fault::RejectUnknownOptional => "reject-unknown-optional",
            Fault::RejectNonzeroPadding => "reject-nonzero-padding",
            Fault::WrongTxid => "wrong-txid",
            Fault::TrustAfterIntegrity => "trust-after-integrity",
            Fault::BadErrorCode => "bad-error-code",
            Fault::Silent => "silent",
            Fault::AnswerIndications => "answer-indications",
            Fault::IgnoreUnknownRequired => "ignore-unknown-required",
            Fault::NoFingerprint => "no-fingerprint",
            Fault::BadResponseIntegrity => "bad-outgoing-integrity",
            Fault::StripErrorAttributes => "strip-error-attributes",
            Fault::LeakUsername => "leak-username",
            Fault::MisDecodeType => "mis-decode-type",
            Fault::TruncateText => "truncate-text",
            Fault::IntegrityFullLength => "integrity-full-length",
            Fault::RejectUnexpected => "reject-unexpected",
            Fault::ReservedBitsAsClass => "reserved-bits-as-class",
            Fault::Sdp(name) | Fault::Answer(name) | Fault::Peer(name) => name,
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Fault::SkipIntegrity => "accepts any MESSAGE-INTEGRITY(-SHA256), on receipt and in the responder",
            Fault::SkipFingerprint => "accepts any FINGERPRINT value",
            Fault::BadCrc => "FINGERPRINT computed without the XOR with 0x5354554e",
            Fault::MisXorPort => "address ports mis-XORed (XOR-MAPPED-ADDRESS not XORed, ALTERNATE-SERVER XORed)",
            Fault::MisXorIpv6 => "IPv6 XOR-MAPPED-ADDRESS XORed with the cookie only, not cookie||txid",
            Fault::LenientFraming => "repairs top bits, magic cookie and length instead of rejecting",
            Fault::RejectUnknownOptional => "rejects messages with unknown comprehension-optional attributes",
            Fault::RejectNonzeroPadding => "rejects attributes whose padding bytes are not zero",
            Fault::WrongTxid => "changes the transaction id (decoded and in responses)",
            Fault::TrustAfterIntegrity => "uses attributes that follow MESSAGE-INTEGRITY",
            Fault::BadErrorCode => "ERROR-CODE class/number mangled (encode and decode)",
            Fault::Silent => "the responder never answers",
            Fault::AnswerIndications => "the responder answers Binding indications as if requests",
            Fault::IgnoreUnknownRequired => "ignores unknown comprehension-required attributes (no 420)",
            Fault::NoFingerprint => "responses carry no FINGERPRINT",
            Fault::BadResponseIntegrity => "encoded messages and responses carry a wrong MESSAGE-INTEGRITY(-SHA256)",
            Fault::StripErrorAttributes => {
                "responses lose UNKNOWN-ATTRIBUTES, REALM, NONCE and SOFTWARE, and error reason phrases"
            }
            Fault::LeakUsername => "responses echo the request's USERNAME",
            Fault::MisDecodeType => "decodes the message type with the class bits misplaced",
            Fault::TruncateText => "text attributes lose their last byte (decode and encode)",
            Fault::IntegrityFullLength => "verifies MESSAGE-INTEGRITY without adjusting the header length",
            Fault::RejectUnexpected => "the responder answers 400 to requests carrying response-only attributes",
            Fault::ReservedBitsAsClass => "decodes ERROR-CODE's class from the whole byte, reserved bits included",
            Fault::Peer(name) => peer::all().find(|f| f.name == name).map_or("", |f| f.description),
            Fault::Sdp(name) => sdp::all().find(|f| f.name == name).map_or("", |f| f.description),
            Fault::Answer(name) => answer::all().find(|f| f.name == name).map_or("", |f| f.description),
        }
    }

    /// Every fault: the STUN ones, then the SDP ones.
    pub fn all() -> impl Iterator<Item = Fault> {
        Fault::STUN
            .into_iter()
            .chain(peer::all().map(|f| Fault::Peer(f.name)))
            .chain(sdp::all().map(|f| Fault::Sdp(f.name)))
            .chain(answer::all().map(|f| Fault::Answer(f.name)))
    }

    pub fn is_peer(self) -> bool {
        matches!(self, Fault::Peer(_))
    }

    pub fn parse(name: &str) -> Result<Fault, String> {
        Fault::all().find(|f| f.name() == name).ok_or_else(|| {
            let known: Vec<_> = Fault::all().map(|f| f.name()).collect();
            format!("unknown fault {name:?}; faults: {}", known.join(", "))
        })
    }
}

pub struct MutantDriver {
    name: String,
    base: Box<dyn Driver>,
    faults: Vec<Fault>,
}

impl MutantDriver {
    pub fn new(name: &str, base: Box<dyn Driver>, faults: Vec<Fault>) -> MutantDriver {
        MutantDriver { name: name.to_string(), base, faults }
    }
}

impl Driver for MutantDriver {
    fn info(&self) -> TargetInfo {
        let base = self.base.info();
        let faults: Vec<_> = self.faults.iter().map(|f| f.name()).collect();
        TargetInfo {
            name: self.name.clone(),
            kind: "in-process".into(),
            implementation: format!("{} + faults [{}]", base.implementation, faults.join(", ")),
            version: base.version,
            source: None,
        }
    }

    fn capabilities(&self) -> Vec<Capability> {
        self.base.capabilities()
    }

    fn recover(&mut self) -> Result<(), TargetError> {
        self.base.recover()
    }

    fn open(&mut self, seed: u64) -> Result<Session, TargetError> {
        let base = self.base.open(seed)?;
        let faults = self.faults.clone();
        let reference_base = self.base.info().kind == "in-process" && self.base.info().implementation == "webrtc-rs";
        Ok(Session {
            codec: base
                .codec
                .map(|inner| Box::new(FaultyCodec { inner, faults: faults.clone() }) as Box<dyn StunCodec>),
            responder: base
                .responder
                .map(|inner| Box::new(FaultyResponder { inner, faults: faults.clone() }) as Box<dyn StunResponder>),
            sdp: base.sdp.map(|inner| Box::new(FaultySdp::new(inner, &faults)) as Box<dyn SdpCodec>),
            answerer: base.answerer.map(|inner| Box::new(FaultyAnswerer::new(inner, &faults)) as Box<dyn SdpAnswerer>),
            peer: faulty_peer(base.peer, reference_base, &faults)?,
        })
    }
}

/// The target's peer with the live-call faults in: the ICE and DTLS ones make a new
/// in-process reference; the data channel ones are asked of the shim in `peer.start`.
fn faulty_peer(
    peer: Option<Box<dyn rtcspec_live::peer::RemotePeer>>,
    reference_base: bool,
    faults: &[Fault],
) -> Result<Option<Box<dyn rtcspec_live::peer::RemotePeer>>, TargetError> {
    let names: Vec<&'static str> = faults
        .iter()
        .filter_map(|f| match f {
            Fault::Peer(name) => Some(*name),
            _ => None,
        })
        .collect();
    let (in_shim, in_reference): (Vec<&str>, Vec<&str>) = names.iter().partition(|n| peer::in_shim(n));
    let Some(peer) = peer else { return Ok(None) };
    match (reference_base, in_shim.is_empty(), in_reference.is_empty()) {
        (_, true, true) => Ok(Some(peer)),
        (true, true, false) => {
            let names: Vec<&'static str> = in_reference;
            let options = peer::options(&names);
            let faults: rtcspec_live::peer::stage::StageMaker = std::sync::Arc::new(move || peer::stages(&names));
            Ok(Some(Box::new(rtcspec_live::peer::InProcessPeer::start(rtcspec_live::peer::serve::ReferenceStack {
                options,
                faults: Some(faults),
            }))))
        }
        (false, false, true) => Ok(Some(Box::new(rtcspec_live::peer::remote::WithFaults::new(peer, in_shim)))),
        (true, false, _) => Err(TargetError::Environment(format!(
            "{} act in a shim's stack: layer them over one (e.g. mutant@aiortc:{})",
            in_shim.join(", "),
            in_shim[0]
        ))),
        (false, _, false) => Err(TargetError::Environment(format!(
            "{} act in the in-process reference peer: layer them over it (mutant:{})",
            in_reference.join(", "),
            in_reference[0]
        ))),
    }
}

struct FaultyCodec {
    inner: Box<dyn StunCodec>,
    faults: Vec<Fault>,
}

/// Rewrites the header so framing checks pass: the lenient-framing defect.
fn repair_framing(bytes: &[u8]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    if b.len() < HEADER_LEN {
        b.resize(HEADER_LEN, 0);
    }
    {
        b[0] &= 0x3F;
        b[4..8].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
        let body = b.len() - HEADER_LEN;
        b.truncate(HEADER_LEN + body - body % 4);
        // Cut at the first attribute that runs past the end, as a lenient reader would.
        let mut at = HEADER_LEN;
        while at + 4 <= b.len() {
            let next = at + 4 + padded(usize::from(u16::from_be_bytes([b[at + 2], b[at + 3]])));
            if next > b.len() {
                b.truncate(at);
                break;
            }
            at = next;
        }
        let len = (b.len() - HEADER_LEN) as u16;
        b[2..4].copy_from_slice(&len.to_be_bytes());
    }
    b
}

fn mangle_address(addr: SocketAddr, txid: &[u8; 12], fault: Fault) -> SocketAddr {
    match (fault, addr.ip()) {
        (Fault::MisXorPort, _) => SocketAddr::new(addr.ip(), addr.port() ^ 0x2112),
        (Fault::MisXorIpv6, IpAddr::V6(ip)) => {
            let mut o = ip.octets();
            for (b, t) in o[4..].iter_mut().zip(txid) {
                *b ^= t;
            }
            SocketAddr::new(IpAddr::from(o), addr.port())
        }
        _ => addr,
    }
}

impl StunCodec for FaultyCodec {
    fn decode(&mut self, bytes: &[u8]) -> Result<DecodeResult, TargetError> {
        let input = if self.faults.contains(&Fault::LenientFraming) { repair_framing(bytes) } else { bytes.to_vec() };
        let mut result = self.inner.decode(&input)?;
        let parsed = Message::parse(&input).ok();
        for fault in &self.faults {
            let Ok(d) = &mut result else { break };
            match fault {
                Fault::MisXorPort | Fault::MisXorIpv6 => {
                    let txid = d.transaction_id;
                    let f = &mut d.fields;
                    f.xor_mapped_address = f.xor_mapped_address.map(|a| mangle_address(a, &txid, *fault));
                    // The same slip applied where no XOR belongs: ALTERNATE-SERVER is plain.
                    f.alternate_server = f.alternate_server.map(|a| mangle_address(a, &txid, *fault));
                }
                Fault::WrongTxid => d.transaction_id[11] ^= 0x01,
                Fault::MisDecodeType => {
                    d.class = match d.class {
                        Class::Request => Class::Indication,
                        Class::Indication => Class::Request,
                        Class::Success => Class::Error,
                        Class::Error => Class::Success,
                    }
                }
                Fault::TruncateText => {
                    let f = &mut d.fields;
                    for t in [&mut f.username, &mut f.realm, &mut f.nonce, &mut f.software].into_iter().flatten() {
                        t.pop();
                    }
                }
                Fault::TrustAfterIntegrity => {
                    if let Some(m) = &parsed {
                        d.fields = Decoded::from_message(m).fields;
                    }
                }
                Fault::BadErrorCode => {
                    if let Some(e) = &mut d.fields.error_code {
                        e.code %= 100;
                    }
                }
                Fault::ReservedBitsAsClass => {
                    let value = parsed.as_ref().and_then(|m| m.attribute(ERROR_CODE)).map(|a| a.value.as_slice());
                    if let (Some(e), Some([_, _, class, number, ..])) = (&mut d.fields.error_code, value) {
                        e.code = u16::from(*class) * 100 + u16::from(*number);
                    }
                }
                Fault::RejectUnknownOptional if has_unknown_optional(&input) => {
                    result = Err("unknown attribute".into());
                }
                Fault::RejectNonzeroPadding
                    if parsed
                        .as_ref()
                        .is_some_and(|m| m.attributes.iter().any(|a| a.padding.iter().any(|p| *p != 0))) =>
                {
                    result = Err("non-zero padding".into());
                }
                _ => {}
            }
        }
        Ok(result)
    }

    fn check(&mut self, bytes: &[u8], check: Verification, key: &[u8]) -> Result<bool, TargetError> {
        match check {
            Verification::MessageIntegrity | Verification::MessageIntegritySha256
                if self.faults.contains(&Fault::SkipIntegrity) =>
            {
                Ok(true)
            }
            Verification::Fingerprint if self.faults.contains(&Fault::SkipFingerprint) => Ok(true),
            Verification::MessageIntegrity if self.faults.contains(&Fault::IntegrityFullLength) => {
                Ok(integrity_with_unadjusted_length(bytes, key))
            }
            Verification::Fingerprint if self.faults.contains(&Fault::BadCrc) => {
                // Undo the XOR the sender applied: a correct value now fails and a value
                // computed without the XOR passes, which is what a CRC-only checker does.
                let mut b = bytes.to_vec();
                if let Ok(m) = Message::parse(bytes) {
                    if let Some(fp) = m.attribute(FINGERPRINT) {
                        let at = fp.offset + 4;
                        if let Some(v) = b.get_mut(at..at + 4) {
                            let x = u32::from_be_bytes([v[0], v[1], v[2], v[3]]) ^ FINGERPRINT_XOR;
                            v.copy_from_slice(&x.to_be_bytes());
                        }
                    }
                }
                self.inner.check(&b, check, key)
            }
            _ => self.inner.check(bytes, check, key),
        }
    }

    fn encode(&mut self, model: &EncodeModel) -> Result<Vec<u8>, TargetError> {
        let mut model = model.clone();
        if self.faults.contains(&Fault::WrongTxid) {
            model.transaction_id[11] ^= 0x01;
        }
        for fault in &self.faults {
            for a in &mut model.attributes {
                match (fault, &mut *a) {
                    (Fault::MisXorPort | Fault::MisXorIpv6, AttributeSpec::XorMappedAddress { addr }) => {
                        *addr = mangle_address(*addr, &model.transaction_id, *fault);
                    }
                    (
                        Fault::TruncateText,
                        AttributeSpec::Username { value }
                        | AttributeSpec::Software { value }
                        | AttributeSpec::Realm { value }
                        | AttributeSpec::Nonce { value },
                    ) => {
                        value.pop();
                    }
                    (Fault::BadErrorCode, AttributeSpec::ErrorCode { code, reason }) => {
                        let mut v = vec![0, 0, 0, (*code & 0xFF) as u8];
                        v.extend_from_slice(reason.as_bytes());
                        *a = AttributeSpec::Raw { attr_type: ERROR_CODE, hex: v };
                    }
                    _ => {}
                }
            }
        }
        let mut out = self.inner.encode(&model)?;
        if self.faults.contains(&Fault::BadResponseIntegrity) {
            out = corrupt_integrity(&out);
        }
        if self.faults.contains(&Fault::BadCrc) {
            if let Ok(m) = Message::parse(&out) {
                if let Some(fp) = m.attribute(FINGERPRINT) {
                    let at = fp.offset + 4;
                    for (b, x) in out[at..at + 4].iter_mut().zip(FINGERPRINT_XOR.to_be_bytes()) {
                        *b ^= x;
                    }
                }
            }
        }
        Ok(out)
    }
}

struct FaultyResponder {
    inner: Box<dyn StunResponder>,
    faults: Vec<Fault>,
}

/// Rebuilds a message with the same header and attributes, recomputing MESSAGE-INTEGRITY
/// (with `key`, when given) and FINGERPRINT, after `edit` has had its way with the list.
fn rebuild(bytes: &[u8], key: Option<&[u8]>, edit: impl FnOnce(&mut u16, &mut Vec<RawAttribute>)) -> Vec<u8> {
    let Ok(m) = Message::parse(bytes) else { return bytes.to_vec() };
    let mut raw_type = m.raw_type;
    let mut attrs = m.attributes.clone();
    edit(&mut raw_type, &mut attrs);
    let mut b = Builder::with_raw_type(raw_type, m.transaction_id);
    for a in &attrs {
        b = match (a.attr_type, key) {
            (MESSAGE_INTEGRITY, Some(k)) => b.message_integrity(k),
            (MESSAGE_INTEGRITY_SHA256, Some(k)) => b.message_integrity_sha256(k, a.value.len()),
            (FINGERPRINT, _) => b.fingerprint(),
            _ => b.attr(a.attr_type, &a.value),
        };
    }
    b.build()
}

fn set_txid(bytes: &mut [u8], f: impl Fn(&mut [u8])) {
    if let Some(t) = bytes.get_mut(8..20) {
        f(t);
    }
}

impl FaultyResponder {
    fn key(&self) -> Option<Vec<u8>> {
        match (self.inner.auth(), self.inner.long_term()) {
            (Auth::ShortTerm { target_pwd, .. }, _) => Some(target_pwd.as_bytes().to_vec()),
            (Auth::Open, Some(lt)) => Some(long_term_key(&lt.username, &lt.realm, &lt.password)),
            (Auth::Open, None) => None,
        }
    }

    fn mutate_request(&self, datagram: &[u8]) -> Vec<u8> {
        let key = self.key();
        let mut d = datagram.to_vec();
        for fault in &self.faults {
            d = match fault {
                Fault::LenientFraming => rebuild(&repair_framing(&d), key.as_deref(), |_, _| {}),
                Fault::SkipIntegrity => rebuild(&d, key.as_deref(), |_, _| {}),
                Fault::SkipFingerprint => rebuild(&d, None, |_, attrs| {
                    attrs.retain(|a| a.attr_type != FINGERPRINT);
                    attrs.push(RawAttribute { attr_type: FINGERPRINT, offset: 0, value: vec![0; 4], padding: vec![] });
                }),
                Fault::AnswerIndications => rebuild(&d, key.as_deref(), |t, _| {
                    if split_message_type(*t).0 == Class::Indication {
                        *t = message_type(Class::Request, split_message_type(*t).1);
                    }
                }),
                Fault::IgnoreUnknownRequired => rebuild(&d, key.as_deref(), |_, attrs| {
                    attrs.retain(|a| {
                        !(is_comprehension_required(a.attr_type) && attribute_name(a.attr_type).starts_with("0x"))
                    })
                }),
                Fault::TrustAfterIntegrity => rebuild(&d, key.as_deref(), |_, attrs| {
                    // Move whatever followed MESSAGE-INTEGRITY in front of it, so the base
                    // acts on it: the effect of trusting unauthenticated attributes.
                    if let Some(i) =
                        attrs.iter().position(|a| matches!(a.attr_type, MESSAGE_INTEGRITY | MESSAGE_INTEGRITY_SHA256))
                    {
                        let tail: Vec<_> = attrs.drain(i + 1..).filter(|a| a.attr_type != FINGERPRINT).collect();
                        let at = i;
                        for (k, a) in tail.into_iter().enumerate() {
                            attrs.insert(at + k, a);
                        }
                        attrs.push(RawAttribute {
                            attr_type: FINGERPRINT,
                            offset: 0,
                            value: vec![0; 4],
                            padding: vec![],
                        });
                    }
                }),
                _ => d,
            };
        }
        d
    }

    fn mutate_reply(&self, reply: Vec<u8>, request: &[u8]) -> Vec<u8> {
        let key = self.key();
        let mut r = reply;
        for fault in &self.faults {
            r = match fault {
                Fault::WrongTxid => {
                    set_txid(&mut r, |t| t[11] ^= 0x01);
                    rebuild(&r, key.as_deref(), |_, _| {})
                }
                Fault::MisXorPort | Fault::MisXorIpv6 => {
                    let f = *fault;
                    rebuild(&r, key.as_deref(), |_, attrs| {
                        for a in attrs.iter_mut().filter(|a| a.attr_type == XOR_MAPPED_ADDRESS) {
                            if f == Fault::MisXorPort && a.value.len() >= 4 {
                                a.value[2] ^= 0x21;
                                a.value[3] ^= 0x12;
                            }
                            if f == Fault::MisXorIpv6 && a.value.len() == 20 {
                                if let Some(t) = request.get(8..20) {
                                    for (b, x) in a.value[8..].iter_mut().zip(t) {
                                        *b ^= x;
                                    }
                                }
                            }
                        }
                    })
                }
                Fault::NoFingerprint => {
                    rebuild(&r, key.as_deref(), |_, attrs| attrs.retain(|a| a.attr_type != FINGERPRINT))
                }
                Fault::BadCrc => {
                    if let Ok(m) = Message::parse(&r) {
                        if let Some(fp) = m.attribute(FINGERPRINT) {
                            let at = fp.offset + 4;
                            for (b, x) in r[at..at + 4].iter_mut().zip(FINGERPRINT_XOR.to_be_bytes()) {
                                *b ^= x;
                            }
                        }
                    }
                    r
                }
                Fault::BadResponseIntegrity => corrupt_integrity(&r),
                Fault::StripErrorAttributes => rebuild(&r, key.as_deref(), |_, attrs| {
                    attrs.retain(|a| !matches!(a.attr_type, UNKNOWN_ATTRIBUTES | REALM | NONCE | SOFTWARE));
                    for a in attrs.iter_mut().filter(|a| a.attr_type == ERROR_CODE) {
                        a.value.truncate(4);
                    }
                }),
                Fault::LeakUsername => {
                    let username = Message::parse(request).ok().and_then(|m| m.attribute(USERNAME).cloned());
                    rebuild(&r, key.as_deref(), |_, attrs| {
                        if let Some(u) = username {
                            attrs.insert(0, u);
                        }
                    })
                }
                Fault::BadErrorCode => rebuild(&r, key.as_deref(), |_, attrs| {
                    for a in attrs.iter_mut().filter(|a| a.attr_type == ERROR_CODE && a.value.len() >= 4) {
                        a.value[2] = 0;
                    }
                }),
                _ => r,
            };
        }
        r
    }
}

impl StunResponder for FaultyResponder {
    fn auth(&self) -> &Auth {
        self.inner.auth()
    }
    fn harness_addr(&self) -> SocketAddr {
        self.inner.harness_addr()
    }
    fn target_addr(&self) -> SocketAddr {
        self.inner.target_addr()
    }
    fn long_term(&self) -> Option<&super::LongTermCredentials> {
        self.inner.long_term()
    }

    fn exchange(&mut self, datagram: &[u8]) -> Result<Vec<Vec<u8>>, TargetError> {
        if self.faults.contains(&Fault::Silent) {
            return Ok(Vec::new());
        }
        if self.faults.contains(&Fault::RejectUnknownOptional) && has_unknown_optional(datagram) {
            return Ok(Vec::new());
        }
        if self.faults.contains(&Fault::RejectUnexpected) {
            if let Ok(m) = Message::parse(datagram) {
                if m.class == Class::Request && (m.has(XOR_MAPPED_ADDRESS) || m.has(ERROR_CODE)) {
                    return Ok(vec![Builder::new(Class::Error, m.method, m.transaction_id)
                        .error_code(400, "Bad Request")
                        .fingerprint()
                        .build()]);
                }
            }
        }
        let request = self.mutate_request(datagram);
        let replies = self.inner.exchange(&request)?;
        Ok(replies.into_iter().map(|r| self.mutate_reply(r, datagram)).collect())
    }
}

fn has_unknown_optional(bytes: &[u8]) -> bool {
    Message::parse(bytes).is_ok_and(|m| {
        m.attributes.iter().any(|a| a.attr_type >= 0x8000 && attribute_name(a.attr_type).starts_with("0x"))
    })
}

/// Flips a bit of MESSAGE-INTEGRITY(-SHA256) and recomputes FINGERPRINT so only the
/// integrity is wrong.
fn corrupt_integrity(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    if let Ok(m) = Message::parse(bytes) {
        for a in m.attributes.iter().filter(|a| matches!(a.attr_type, MESSAGE_INTEGRITY | MESSAGE_INTEGRITY_SHA256)) {
            out[a.offset + 4] ^= 0x80;
        }
    }
    rebuild(&out, None, |_, _| {})
}

/// The classic mistake: HMAC over the message as received, with the header length still
/// counting attributes that follow MESSAGE-INTEGRITY.
fn integrity_with_unadjusted_length(bytes: &[u8], key: &[u8]) -> bool {
    use hmac::{Hmac, Mac};
    let Ok(m) = Message::parse(bytes) else { return false };
    let Some(mi) = m.attribute(MESSAGE_INTEGRITY) else { return false };
    let Ok(mut mac) = <Hmac<sha1::Sha1> as Mac>::new_from_slice(key) else { return false };
    mac.update(&bytes[..mi.offset]);
    mac.finalize().into_bytes().as_slice() == mi.value.as_slice()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference_peer() -> Option<Box<dyn rtcspec_live::peer::RemotePeer>> {
        Some(Box::new(rtcspec_live::peer::InProcessPeer::reference()))
    }

    #[test]
    fn a_fault_is_refused_where_nothing_can_put_it_in() {
        let shim_fault = [Fault::Peer("sctp-no-dcep-ack")];
        let err = faulty_peer(reference_peer(), true, &shim_fault).err().expect("refused");
        assert!(err.to_string().contains("mutant@aiortc:sctp-no-dcep-ack"), "{err}");
        let reference_fault = [Fault::Peer("peer-no-priority")];
        let err = faulty_peer(reference_peer(), false, &reference_fault).err().expect("refused");
        assert!(err.to_string().contains("mutant:peer-no-priority"), "{err}");
        assert!(faulty_peer(reference_peer(), true, &reference_fault).is_ok());
        assert!(faulty_peer(None, true, &reference_fault).unwrap().is_none());
    }
}
