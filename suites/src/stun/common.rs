//! Building blocks shared by the STUN cases: requests the target accepts, controls that
//! prove the target is listening before silence is taken as a verdict, and judgements.

use rtcspec_harness::driver::Auth;
use rtcspec_harness::stun::*;
use rtcspec_harness::{Capability, Case, Ctx, Level, Outcome, Spec, Verdict};

pub const RFC8489: &str = "RFC 8489";

/// A STUN case; `covers`, `tags` and `spec.doc` are set with struct update syntax.
pub const fn case(
    id: &'static str,
    title: &'static str,
    section: &'static str,
    level: Level,
    text: &'static str,
    needs: &'static [Capability],
    run: fn(&mut Ctx) -> Verdict,
) -> Case {
    Case {
        id,
        suite: "stun",
        title,
        spec: Spec { doc: RFC8489, section, level, text },
        covers: &[],
        tags: &[],
        needs,
        time_bound: None,
        run,
    }
}

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
            why: format!("control: a valid Binding request got {}, so the case cannot judge silence", describe(m)),
        }),
        None => Err(Outcome::Error {
            why: "control: a valid Binding request got no success response, so silence proves nothing".into(),
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
