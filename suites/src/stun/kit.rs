//! Building blocks shared by the STUN cases: requests the target accepts, controls that
//! prove the target is listening before silence is taken as a verdict, and judgements.

use rtcspec_harness::driver::Auth;
use rtcspec_harness::stun::*;
use rtcspec_harness::{Capability, Ctx, Outcome, Verdict};

pub const RFC8489: &str = "RFC 8489";

pub const CODEC: &[Capability] = &[Capability::StunCodec];
pub const CHECK: &[Capability] = &[Capability::StunCheck];
pub const ENCODE: &[Capability] = &[Capability::StunEncode];
pub const RESPONDER: &[Capability] = &[Capability::StunResponder];
pub const SHORT_TERM: &[Capability] = &[Capability::StunResponder, Capability::StunShortTerm];
pub const LONG_TERM: &[Capability] = &[Capability::StunResponder, Capability::StunLongTerm];
pub const OPEN_BINDING: &[Capability] = &[Capability::StunResponder, Capability::StunOpenBinding];

/// The MESSAGE-INTEGRITY key and USERNAME a request to this responder needs.
pub struct Credentials {
    pub username: Option<String>,
    pub key: Option<Vec<u8>>,
}

pub fn credentials(ctx: &mut Ctx) -> Result<Credentials, Outcome> {
    Ok(match ctx.auth()? {
        Auth::Open => Credentials { username: None, key: None },
        Auth::ShortTerm { target_ufrag, target_pwd, harness_ufrag, .. } => Credentials {
            username: Some(format!("{target_ufrag}:{harness_ufrag}")),
            key: Some(target_pwd.into_bytes()),
        },
    })
}

/// A Binding request up to (not including) MESSAGE-INTEGRITY: USERNAME, PRIORITY and
/// ICE-CONTROLLING for an ICE agent (RFC 8445 §7.1.1), nothing for a plain server.
pub fn request_head(ctx: &mut Ctx, creds: &Credentials, txid: [u8; 12]) -> Builder {
    let mut b = Builder::new(Class::Request, METHOD_BINDING, txid);
    if let Some(u) = &creds.username {
        b = b.text(USERNAME, u).priority(0x6e00_01ff).ice_controlling(ctx.rng.u64());
    }
    b
}

/// MESSAGE-INTEGRITY when the responder uses credentials, then FINGERPRINT.
pub fn seal(b: Builder, creds: &Credentials) -> Vec<u8> {
    match &creds.key {
        Some(k) => b.message_integrity(k).fingerprint().build(),
        None => b.fingerprint().build(),
    }
}

/// A request this responder accepts, and its transaction id.
pub fn valid_request(ctx: &mut Ctx) -> Result<(Vec<u8>, [u8; 12], Credentials), Outcome> {
    let creds = credentials(ctx)?;
    let txid = ctx.txid();
    let head = request_head(ctx, &creds, txid);
    Ok((seal(head, &creds), txid, creds))
}

/// Replies that parse as STUN and answer `txid`.
pub fn answers(replies: &[Vec<u8>], txid: &[u8; 12]) -> Vec<Message> {
    replies.iter().filter_map(|r| Message::parse(r).ok()).filter(|m| &m.transaction_id == txid).collect()
}

pub fn describe(m: &Message) -> String {
    let class = match m.class {
        Class::Request => "request",
        Class::Indication => "indication",
        Class::Success => "success response",
        Class::Error => "error response",
    };
    let article = if class.starts_with('e') || class.starts_with('i') { "an" } else { "a" };
    let mut s = format!("{article} {class}");
    if let Some((code, reason)) = m.error_code() {
        s.push_str(&format!(" {code} ({reason})"));
    }
    let names: Vec<String> = m.attributes.iter().map(|a| attribute_name(a.attr_type)).collect();
    s.push_str(&format!(" with [{}]", names.join(", ")));
    s
}

/// Sends `datagram` and expects exactly one STUN reply for `txid`.
pub fn one_answer(ctx: &mut Ctx, datagram: &[u8], txid: &[u8; 12], expected: &str) -> Result<Message, Outcome> {
    let replies = ctx.exchange(datagram)?;
    let mut ms = answers(&replies, txid);
    if ms.is_empty() {
        let got = if replies.is_empty() {
            "no response".to_string()
        } else {
            format!("{} datagram(s), none a STUN message for this transaction", replies.len())
        };
        return Err(Outcome::fail(expected, got));
    }
    Ok(ms.remove(0))
}

/// Proves the target answers a valid request right now; without this, silence after a
/// malformed request would prove nothing.
pub fn control(ctx: &mut Ctx) -> Result<(), Outcome> {
    let (req, txid, _) = valid_request(ctx)?;
    let replies = ctx.exchange(&req)?;
    match answers(&replies, &txid).first() {
        Some(m) if m.class == Class::Success => Ok(()),
        Some(m) => Err(Outcome::Error {
            why: format!(
                "control: a valid Binding request got {}, so the case cannot judge \
                    silence",
                describe(m)
            ),
        }),
        None => Err(Outcome::Error {
            why: "control: a valid Binding request got no success response, so silence \
                proves nothing"
                .into(),
        }),
    }
}

/// The target must not answer `datagram` (silently discarded, RFC 8489 §6.3).
pub fn expect_silence(ctx: &mut Ctx, datagram: &[u8], txid: &[u8; 12]) -> Verdict {
    control(ctx)?;
    let replies = ctx.exchange(datagram)?;
    match answers(&replies, txid).first() {
        None => Ok(Outcome::Pass),
        Some(m) => Ok(Outcome::fail("no response (silently discarded)", describe(m))),
    }
}

/// The target must answer with an error response carrying `code`.
pub fn expect_error(ctx: &mut Ctx, datagram: &[u8], txid: &[u8; 12], code: u16) -> Result<Message, Outcome> {
    let m = one_answer(ctx, datagram, txid, &format!("an error response {code}"))?;
    match (m.class, m.error_code()) {
        (Class::Error, Some((c, _))) if c == code => Ok(m),
        _ => Err(Outcome::fail(format!("an error response {code}"), describe(&m))),
    }
}

/// A message every codec should accept: a Binding success response with XOR-MAPPED-ADDRESS,
/// SOFTWARE, MESSAGE-INTEGRITY and FINGERPRINT (what str0m's parser insists on, too).
pub fn sample_response(ctx: &mut Ctx, key: &[u8]) -> (Vec<u8>, std::net::SocketAddr) {
    let txid = ctx.txid();
    let addr = std::net::SocketAddr::from((ctx.rng.bytes::<4>(), 1024 + ctx.rng.below(60000) as u16));
    let bytes = Builder::new(Class::Success, METHOD_BINDING, txid)
        .xor_mapped_address(addr)
        .text(SOFTWARE, "rtcspec sample")
        .message_integrity(key)
        .fingerprint()
        .build();
    (bytes, addr)
}

/// `good` must be accepted (control) and `bad` rejected.
pub fn expect_rejected(ctx: &mut Ctx, good: &[u8], bad: &[u8], what: &str) -> Verdict {
    if let Err(reason) = ctx.decode(good)? {
        return Err(Outcome::Error { why: format!("control: the well-formed message was rejected ({reason})") });
    }
    Ok(match ctx.decode(bad)? {
        Err(_) => Outcome::Pass,
        Ok(_) => Outcome::fail(format!("{what} rejected"), "accepted"),
    })
}

pub const KEY: &[u8] = b"rtcspec-short-term-pwd";

/// A well-formed message and one with `mutate` applied to its bytes.
pub fn pair(ctx: &mut Ctx, mutate: impl FnOnce(&mut Vec<u8>)) -> (Vec<u8>, Vec<u8>) {
    let (good, _) = sample_response(ctx, KEY);
    let mut bad = good.clone();
    mutate(&mut bad);
    (good, bad)
}

/// Pieces of a check, so each case can leave one out or get one wrong.
pub struct CheckParts {
    pub txid: [u8; 12],
    pub username: String,
    pub key: Vec<u8>,
}

pub fn check_parts(ctx: &mut Ctx) -> Result<CheckParts, Outcome> {
    let creds = credentials(ctx)?;
    let (Some(username), Some(key)) = (creds.username, creds.key) else {
        return Err(Outcome::Unsupported { why: "responder does not use short-term credentials".into() });
    };
    Ok(CheckParts { txid: ctx.txid(), username, key })
}

pub fn head(ctx: &mut Ctx, c: &CheckParts, username: Option<&str>) -> Builder {
    let mut b = Builder::new(Class::Request, METHOD_BINDING, c.txid);
    if let Some(u) = username {
        b = b.text(USERNAME, u);
    }
    b.priority(0x6e00_01ff).ice_controlling(ctx.rng.u64())
}

pub fn valid_answer(ctx: &mut Ctx) -> Result<(Message, Vec<u8>), Outcome> {
    let (req, txid, creds) = valid_request(ctx)?;
    let m = one_answer(ctx, &req, &txid, "a success response")?;
    Ok((m, creds.key.unwrap_or_default()))
}

/// RFC 8489 Appendix B.1 exactly as printed (`rfc8489_b_1`'s module comment says what is wrong).
pub const B1_AS_PRINTED: &str = "0001009c2112a44278ad3433c6ad72c029da412e001e00204a3cf38fef6992bda952c6\
    780417da0f24819415569e60b205c46e41407f1704001500296f624d61744a6f733241\
    414143662f2f3439396b39353464364f4c33346f4c3946535476793634734100000000\
    14000b6578616d706c652e6f726700001c0020e4686c8f0edeb59013e07090010a93ef\
    ccbccc544c0a45d9f830aa6d6f735a01";

/// "The<U+00AD>M<U+00AA>tr<U+2168>" after OpaqueString processing.
pub const LT_PASSWORD: &str = "TheMatrIX";

pub const LT_REALM: &str = "example.org";

pub const LT_USERNAME: &str = "\u{30DE}\u{30C8}\u{30EA}\u{30C3}\u{30AF}\u{30B9}";

/// The corrected B.1 vector, rebuilt from the printed attribute values.
pub fn b1_corrected() -> Result<Vec<u8>, Outcome> {
    let printed = bytes_of(B1_AS_PRINTED)?;
    let txid: [u8; 12] = printed[8..20].try_into().map_err(|_| Outcome::Error { why: "short vector".into() })?;
    let userhash = &printed[24..56];
    let key = long_term_key(LT_USERNAME, LT_REALM, LT_PASSWORD);
    Ok(Builder::new(Class::Request, METHOD_BINDING, txid)
        .attr(USERHASH, userhash)
        .text(NONCE, "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA")
        .text(REALM, LT_REALM)
        .message_integrity_sha256(&key, 32)
        .build())
}

pub fn bytes_of(h: &str) -> Result<Vec<u8>, Outcome> {
    unhex(h).map_err(|e| Outcome::Error { why: format!("bad built-in vector: {e}") })
}

/// The requirement every RFC 5769 test vector case tests.
pub const RFC5769_VECTORS: &str = "This document provides test vectors for STUN messages; an \
    implementation is expected to process them as shown (decoded fields, \
    MESSAGE-INTEGRITY and FINGERPRINT valid).";

/// What a test vector case needs: decoding, and verifying its integrity and fingerprint.
pub const VECTOR: &[Capability] = &[Capability::StunCodec, Capability::StunCheck];
