//! What the ICE cases share: a call the target offers (so it is the controlling agent), the
//! credentials both descriptions carry, and crafted checks sent on the call's 5-tuple.

use std::net::SocketAddr;
use std::time::Duration;

use rtcspec_harness::peer::CallError;
use rtcspec_harness::peer::{sdp_attribute, Call, ChannelSpec};
use rtcspec_harness::stun::{Builder, Class, Message, METHOD_BINDING, USERNAME};
use rtcspec_harness::{Ctx, Outcome, Verdict};

const CONNECT: Duration = Duration::from_secs(5);
/// How long the target has to answer one crafted check (loopback: it answers in
/// milliseconds or not at all).
pub const ANSWER: Duration = Duration::from_millis(600);

/// A connected call and what a crafted check needs.
pub struct Checks<'t> {
    pub call: Call<'t>,
    /// Where the target's datagrams come from (its selected candidate).
    pub to: SocketAddr,
    pub target_ufrag: String,
    pub target_pwd: String,
    pub harness_ufrag: String,
    next_txid: u8,
    tie_breaker: u64,
}

impl Checks<'_> {
    /// A fresh transaction id (distinct per check, derived from the case seed).
    fn txid(&mut self) -> [u8; 12] {
        self.next_txid = self.next_txid.wrapping_add(1);
        let mut id = [0x52u8; 12];
        id[..8].copy_from_slice(&self.tie_breaker.to_be_bytes());
        id[11] = self.next_txid;
        id
    }

    /// A check as the controlled harness sends it, up to (not including) MESSAGE-INTEGRITY.
    pub fn request(&mut self) -> Builder {
        let username = format!("{}:{}", self.target_ufrag, self.harness_ufrag);
        let tie_breaker = self.tie_breaker;
        self.request_with(&username, |b| b.ice_controlled(tie_breaker))
    }

    /// A check with this USERNAME and role attribute (`role` adds it to the builder).
    pub fn request_with(&mut self, username: &str, role: impl FnOnce(Builder) -> Builder) -> Builder {
        let txid = self.txid();
        role(Builder::new(Class::Request, METHOD_BINDING, txid).text(USERNAME, username).priority(0x6e7f_1eff))
    }

    /// The USERNAME the target expects from the harness.
    pub fn username(&self) -> String {
        format!("{}:{}", self.target_ufrag, self.harness_ufrag)
    }

    /// Signs with the target's password and adds FINGERPRINT.
    pub fn signed(&self, b: Builder) -> Vec<u8> {
        b.message_integrity(self.target_pwd.as_bytes()).fingerprint().build()
    }

    /// Sends a crafted request; the target's response, if any came within [`ANSWER`].
    pub fn send(&mut self, request: &[u8]) -> Result<Option<Message>, Outcome> {
        self.call.transact(self.to, request, ANSWER).map_err(CallError::outcome)
    }
}

/// The target offers a call with a data channel; once its ICE agent reports connected, `f`
/// gets the call. The call's wire is kept as evidence whatever `f` decides.
pub fn with_call(ctx: &mut Ctx, f: impl FnOnce(&mut Checks<'_>) -> Verdict) -> Verdict {
    let mut peer = ctx.take_peer()?;
    let mut call = Call::start(peer.as_mut(), "offerer").map_err(CallError::outcome)?;
    // ICE alone is judged: the call need not get past DTLS and SCTP.
    let connected = call
        .negotiate_target_offering(&ChannelSpec::reliable("rtcspec"))
        .and_then(|()| call.wait_ice_connected(CONNECT));
    let tie_breaker = ctx.rng.u64();
    let verdict = (|| {
        connected.map_err(|e| Outcome::Error { why: format!("the call needed for this case did not come up: {e}") })?;
        let (target_sdp, harness_sdp) = call.descriptions();
        let (Some(target_sdp), Some(harness_sdp)) = (target_sdp, harness_sdp) else {
            return Err(Outcome::Error { why: "no descriptions were exchanged".into() });
        };
        let text = |sdp: &str, name: &str| {
            sdp_attribute(sdp, name)
                .map(str::to_string)
                .ok_or_else(|| Outcome::Error { why: format!("a description has no a={name}") })
        };
        let (target_ufrag, target_pwd) = (text(target_sdp, "ice-ufrag")?, text(target_sdp, "ice-pwd")?);
        let harness_ufrag = text(harness_sdp, "ice-ufrag")?;
        let to = call.target_addr().ok_or_else(|| Outcome::Error { why: "the target sent nothing".into() })?;
        Ok((to, target_ufrag, target_pwd, harness_ufrag))
    })();
    match verdict {
        Ok((to, target_ufrag, target_pwd, harness_ufrag)) => {
            let mut checks = Checks { call, to, target_ufrag, target_pwd, harness_ufrag, next_txid: 0, tie_breaker };
            let v = f(&mut checks);
            ctx.keep_call(&mut checks.call);
            v
        }
        Err(outcome) => {
            ctx.keep_call(&mut call);
            Err(outcome)
        }
    }
}

/// How a response reads in a failure message.
pub fn describe(response: &Option<Message>) -> String {
    match response {
        None => "no response".into(),
        Some(m) => match (m.class, m.error_code()) {
            (Class::Success, _) => "a success response".into(),
            (Class::Error, Some((code, reason))) => format!("error {code} ({reason})"),
            (class, _) => format!("a {class:?} message"),
        },
    }
}
