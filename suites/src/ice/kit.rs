//! What the ICE cases share: a call (the offerer is the controlling agent), the
//! credentials both descriptions carry, crafted checks sent on the call's 5-tuple, and the
//! checks the target sent.

use std::net::SocketAddr;
use std::time::Duration;

use rtcspec_harness::peer::CallError;
use rtcspec_harness::peer::{sdp_attribute, Call, ChannelSpec, PeerEvent, PeerOptions, StunFault};
use rtcspec_harness::stun::*;
use rtcspec_harness::{Ctx, Outcome, Verdict};
use rtcspec_wire::demux::{classify, Protocol};

use crate::live::Offerer;

const CONNECT: Duration = Duration::from_secs(5);
/// How long the target has to answer one crafted check (loopback: it answers in
/// milliseconds or not at all).
pub const ANSWER: Duration = Duration::from_millis(450);

/// A connected call and what a crafted check needs.
pub struct Checks<'t> {
    pub call: Call<'t>,
    /// Where the target's datagrams come from (its selected candidate).
    pub to: SocketAddr,
    pub target_ufrag: String,
    pub target_pwd: String,
    pub harness_ufrag: String,
    /// The password the harness announced: the target signs its checks with it.
    pub harness_pwd: String,
    /// The harness's role: it answers the target's offer as the controlled agent, and
    /// offers to it as the controlling one.
    pub harness_controlling: bool,
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

    /// A check as the harness sends it in its role, up to (not including) MESSAGE-INTEGRITY.
    pub fn request(&mut self) -> Builder {
        let username = self.username();
        let (tie_breaker, controlling) = (self.tie_breaker, self.harness_controlling);
        self.request_with(&username, |b| {
            if controlling {
                b.ice_controlling(tie_breaker)
            } else {
                b.ice_controlled(tie_breaker)
            }
        })
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
        self.call.transact(self.to, request, ANSWER).map_err(Outcome::from)
    }
}

/// The target offers a call with a data channel (so it controls); once its ICE agent
/// reports connected, `f` gets the call. The call's wire is kept as evidence whatever `f`
/// decides.
pub fn with_call(ctx: &mut Ctx, f: impl FnOnce(&mut Checks<'_>) -> Verdict) -> Verdict {
    with_call_as(ctx, Offerer::Target, f)
}

/// Starts a call with a data channel, `offerer` offering.
pub fn negotiate<'t>(
    peer: &'t mut dyn rtcspec_harness::peer::RemotePeer,
    offerer: Offerer,
    options: PeerOptions,
) -> Result<(Call<'t>, Result<(), CallError>), Outcome> {
    let role = if offerer == Offerer::Target { "offerer" } else { "answerer" };
    let mut call = Call::start_with(peer, role, options).map_err(Outcome::from)?;
    let channel = ChannelSpec::reliable("rtcspec");
    let negotiated = match offerer {
        Offerer::Target => call.negotiate_target_offering(&channel),
        Offerer::Harness => call.negotiate_harness_offering(&channel),
    };
    Ok((call, negotiated))
}

/// The same with `offerer` offering: the target controls when it offers.
pub fn with_call_as(ctx: &mut Ctx, offerer: Offerer, f: impl FnOnce(&mut Checks<'_>) -> Verdict) -> Verdict {
    let mut peer = ctx.take_peer()?;
    let (mut call, negotiated) = negotiate(peer.as_mut(), offerer, PeerOptions::default())?;
    // ICE alone is judged: the call need not get past DTLS and SCTP.
    // A target whose agent does not report connected (its own checks failed) still answers
    // checks on the candidate it sent from.
    let connected = negotiated.and_then(|()| match call.wait_ice_connected(CONNECT) {
        Err(CallError::Timeout(_)) if call.target_addr().is_some() => Ok(()),
        other => other,
    });
    let tie_breaker = ctx.rng.u64();
    let verdict = (|| {
        connected.map_err(|e| Outcome::Error { why: format!("the call needed for this case did not come up: {e}") })?;
        let (target_sdp, harness_sdp) = call.descriptions();
        let (Some(target_sdp), Some(harness_sdp)) = (target_sdp, harness_sdp) else {
            return Err(Outcome::Error { why: "no descriptions were exchanged".into() });
        };
        let (target_ufrag, target_pwd) = (text(target_sdp, "ice-ufrag")?, text(target_sdp, "ice-pwd")?);
        let (harness_ufrag, harness_pwd) = (text(harness_sdp, "ice-ufrag")?, text(harness_sdp, "ice-pwd")?);
        let to = call.target_addr().ok_or_else(|| Outcome::Error { why: "the target sent nothing".into() })?;
        Ok((to, target_ufrag, target_pwd, harness_ufrag, harness_pwd))
    })();
    match verdict {
        Ok((to, target_ufrag, target_pwd, harness_ufrag, harness_pwd)) => {
            let harness_controlling = offerer == Offerer::Harness;
            let mut checks = Checks {
                call,
                to,
                target_ufrag,
                target_pwd,
                harness_ufrag,
                harness_pwd,
                harness_controlling,
                next_txid: 0,
                tie_breaker,
            };
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

/// The value of `a=NAME` in a description, or an Error naming what is missing.
fn text(sdp: &str, name: &str) -> Result<String, Outcome> {
    sdp_attribute(sdp, name)
        .map(str::to_string)
        .ok_or_else(|| Outcome::Error { why: format!("a description has no a={name}") })
}

/// How long the target has, once its agent reports connected, to send what is still to come
/// (a nominating check, a triggered check).
const SETTLE: Duration = Duration::from_millis(400);
/// How long the harness waits for a target whose agent never reports connected.
const OBSERVE: Duration = Duration::from_secs(3);

/// The Binding requests the target sent in a call, and the credentials to read them with.
pub struct TargetChecks {
    pub checks: Vec<Message>,
    /// The USERNAME the target must use: `<harness ufrag>:<target ufrag>`.
    pub expected_username: String,
    /// The password the target must sign with: the harness's.
    pub harness_pwd: String,
}

/// Runs a call with `offerer` offering (the harness set up with `options`) until the target's
/// agent reports connected and a little after, or [`OBSERVE`] passes, and returns every
/// connectivity check the target sent. A target that sent none is an Error: nothing to judge.
pub fn target_checks(ctx: &mut Ctx, offerer: Offerer, options: PeerOptions) -> Result<TargetChecks, Outcome> {
    let mut peer = ctx.take_peer()?;
    let (mut call, negotiated) = negotiate(peer.as_mut(), offerer, options)?;
    let ran = negotiated.and_then(|()| match call.wait_ice_connected(OBSERVE) {
        Ok(()) => call.run_for(SETTLE),
        Err(CallError::Timeout(_)) => Ok(()),
        Err(e) => Err(e),
    });
    ctx.keep_call(&mut call);
    if let Err(e @ (CallError::Target(_) | CallError::Refused { .. } | CallError::Harness(_))) = ran {
        return Err(Outcome::from(e));
    }
    let (Some(target_sdp), Some(harness_sdp)) = call.descriptions() else {
        return Err(Outcome::Error { why: "no descriptions were exchanged".into() });
    };
    let expected_username = format!("{}:{}", text(harness_sdp, "ice-ufrag")?, text(target_sdp, "ice-ufrag")?);
    let harness_pwd = text(harness_sdp, "ice-pwd")?;
    let local = call.harness.local_addr();
    let checks: Vec<Message> = call
        .harness
        .datagrams()
        .iter()
        .filter(|d| d.from != local && classify(&d.bytes) == Protocol::Stun)
        .filter_map(|d| Message::parse(&d.bytes).ok())
        .filter(|m| m.class == Class::Request && m.method == METHOD_BINDING)
        .collect();
    if checks.is_empty() {
        return Err(Outcome::Error { why: "the target sent no connectivity check: nothing to judge".into() });
    }
    Ok(TargetChecks { checks, expected_username, harness_pwd })
}

/// Pass when every check meets `ok`; otherwise a failure naming the first that does not
/// (its position among the target's checks) and how.
pub fn every_check(checks: &TargetChecks, expected: &str, ok: impl Fn(&Message) -> Result<(), String>) -> Outcome {
    let bad: Vec<(usize, String)> =
        checks.checks.iter().enumerate().filter_map(|(i, m)| ok(m).err().map(|why| (i, why))).collect();
    match bad.first() {
        None => Outcome::Pass,
        Some((i, why)) => Outcome::fail(
            expected,
            format!(
                "{} of the target's {} checks do not; check {} (0-based): {why}",
                bad.len(),
                checks.checks.len(),
                i
            ),
        ),
    }
}

/// What a call under a hostile harness left: every STUN message on the wire in order (`true`:
/// the harness sent it) and the target's events.
pub struct StunCall {
    pub stun: Vec<(bool, Message)>,
    pub target_events: Vec<rtcspec_harness::peer::PeerEvent>,
}

/// A call `offerer` offers in which the harness's STUN behaves as `fault` (its answers to the
/// target's checks), run for `observe` once negotiated; the wire is kept as evidence. A
/// target or harness failure costs the case; a call that never connects is what such cases
/// judge.
pub fn call_with_harness_fault(
    ctx: &mut Ctx,
    offerer: Offerer,
    fault: rtcspec_harness::peer::StunFault,
    observe: Duration,
) -> Result<StunCall, Outcome> {
    let stun_faults = rtcspec_harness::peer::StunFaults::default().with(fault);
    let mut peer = ctx.take_peer()?;
    let (mut call, negotiated) =
        negotiate(peer.as_mut(), offerer, PeerOptions { stun_faults, ..PeerOptions::default() })?;
    let ran = negotiated.and_then(|()| call.run_for(observe));
    ctx.keep_call(&mut call);
    if let Err(e @ (CallError::Target(_) | CallError::Refused { .. } | CallError::Harness(_))) = ran {
        return Err(Outcome::from(e));
    }
    let local = call.harness.local_addr();
    let stun = call
        .harness
        .datagrams()
        .iter()
        .filter(|d| classify(&d.bytes) == Protocol::Stun)
        .filter_map(|d| Message::parse(&d.bytes).ok().map(|m| (d.from == local, m)))
        .collect();
    Ok(StunCall { stun, target_events: std::mem::take(&mut call.target_events) })
}

pub const SHORT_TERM: &str = "The agent MUST use the short-term credential mechanism (i.e., the \
    MESSAGE-INTEGRITY attribute) to authenticate the request and perform \
    a message integrity check. ... The agent MUST consider the username \
    to be valid if it consists of two values separated by a colon, where \
    the first value is equal to the username fragment generated by the \
    agent in a candidate exchange for a session in progress.";

/// Pass when the target did not accept the request (an error response or silence).
pub fn not_accepted(response: Option<Message>, expected: &str) -> Outcome {
    match &response {
        Some(m) if m.class == Class::Success => Outcome::fail(expected, describe(&response)),
        _ => Outcome::Pass,
    }
}

/// Pass on an error response with `code`; anything else (silence included: the RFC asks for
/// the error response) fails.
pub fn expect_error(response: &Option<Message>, code: u16) -> Outcome {
    match response.as_ref().map(|m| (m.class, m.error_code())) {
        Some((Class::Error, Some((c, _)))) if c == code => Outcome::Pass,
        _ => Outcome::fail(format!("an error response with code {code}"), describe(response)),
    }
}

pub fn checks_of(ctx: &mut Ctx, offerer: Offerer) -> Result<TargetChecks, Outcome> {
    target_checks(ctx, offerer, PeerOptions::default())
}

/// Every check carries `own` and not the other role's attribute.
pub fn role_attribute(seen: &TargetChecks, own: u16) -> Outcome {
    let (name, other, other_name) = match own {
        ICE_CONTROLLING => ("ICE-CONTROLLING", ICE_CONTROLLED, "ICE-CONTROLLED"),
        _ => ("ICE-CONTROLLED", ICE_CONTROLLING, "ICE-CONTROLLING"),
    };
    every_check(seen, &format!("{name} and no {other_name} in every check"), |m| match (m.has(own), m.has(other)) {
        (true, false) => Ok(()),
        (_, true) => Err(format!("it carries {other_name}")),
        (false, false) => Err(format!("no {name}")),
    })
}

/// A check for the target's ufrag with one more character, signed with the right password.
pub fn unknown_username_check(c: &mut Checks<'_>) -> Vec<u8> {
    let wrong = format!("{}x:{}", c.target_ufrag, c.harness_ufrag);
    let tie_breaker = 1;
    let b = c.request_with(&wrong, |b| b.ice_controlled(tie_breaker));
    c.signed(b)
}

pub const MAPPED: &str = "When forming the success response, the server adds an \
    XOR-MAPPED-ADDRESS attribute to the response; this attribute contains \
    the source transport address of the request message. For UDP or \
    DTLS-over-UDP, this is the source IP address and source UDP port of \
    the request message.";

/// A valid check's success response, or the failure to get one.
pub fn valid_check_response(c: &mut Checks<'_>) -> Result<Result<Message, Outcome>, Outcome> {
    let b = c.request();
    let request = c.signed(b);
    let response = c.send(&request)?;
    Ok(match response {
        Some(m) if m.class == Class::Success => Ok(m),
        other => Err(Outcome::fail("a success response to a valid check", describe(&other))),
    })
}

/// How long the target has to (wrongly) take a pair as valid: several check intervals, and
/// more than twice what every stack here takes to connect a call.
pub const DISCARDS_WITHIN: Duration = Duration::from_millis(1500);

pub fn responses_discarded(ctx: &mut Ctx, fault: StunFault, how: &str) -> Verdict {
    let call = call_with_harness_fault(ctx, Offerer::Harness, fault, DISCARDS_WITHIN)?;
    let binding = |from_harness: bool, class: Class| {
        call.stun
            .iter()
            .filter(|(ours, m)| *ours == from_harness && m.method == METHOD_BINDING && m.class == class)
            .map(|(_, m)| m)
            .collect::<Vec<_>>()
    };
    let (checks, answers) = (binding(false, Class::Request), binding(true, Class::Success));
    // The control: the target is checking, and what the harness answers is what the case
    // says (no response of the harness is authentic).
    if checks.is_empty() || answers.is_empty() {
        return Err(Outcome::Error {
            why: format!("{} check(s) from the target, {} success(es) from the harness", checks.len(), answers.len()),
        });
    }
    if fault == StunFault::UnsignedResponses && answers.iter().any(|m| m.has(MESSAGE_INTEGRITY)) {
        return Err(Outcome::Error { why: "a success from the harness carries MESSAGE-INTEGRITY".into() });
    }
    let expected = format!("no ICE connected state while every success to its checks is {how}");
    // Only states from "checking" on: werift 0.24.4 reports "completed" when it has gathered
    // its own candidates, before any check (a state-reporting quirk, not a valid pair).
    let states: Vec<&str> = call
        .target_events
        .iter()
        .filter_map(|e| match e {
            PeerEvent::IceState(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    let from_checking = states.iter().position(|s| *s == "checking").map_or(&states[..], |i| &states[i..]);
    Ok(match from_checking.iter().find(|s| **s == "connected" || **s == "completed") {
        None => Outcome::Pass,
        Some(state) => Outcome::fail(
            expected,
            format!(
                "ICE {state}, with {} check(s) sent and only {how} successes received: \
                    it took a pair as valid on responses it had to discard",
                checks.len()
            ),
        ),
    })
}
