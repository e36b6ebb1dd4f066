//! The str0m target, in process: `StunMessage::parse` as the codec and its ICE agent
//! (`str0m::ice::IceAgent`, the `is` crate) as the responder.
//!
//! str0m's STUN parser keeps only the attributes its ICE/TURN code needs and has no
//! general encoder, so `stun-encode` is not offered and raw attribute lists are absent.
//!
//! Live calls use its whole `Rtc` (ICE, DTLS, SCTP, SRTP): see [`rtcspec_live::peer::str0m`].

use std::time::Instant;

use is::DefaultSha1HmacProvider;
use str0m::ice::{IceAgent, IceCreds, StunMessage, StunPacket};
use str0m::net::Protocol;
use str0m::Candidate;

use super::in_process::{Endpoint, InProcessAgent};
use super::{DecodeResult, Driver, Session, StunCodec, TargetError, TargetInfo, Verification};
use crate::capability::Capability;
use crate::stun::{Class, Decoded, EncodeModel, ErrorCodeField, Fields, Message};
use rtcspec_wire::stun as wire;

pub use rtcspec_live::peer::str0m::VERSION;

fn hmac_sha1(key: &[u8], payloads: &[&[u8]]) -> [u8; 20] {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    for p in payloads {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

pub struct Str0mCodec;

/// str0m's parser is an ICE parser: it also rejects well-formed STUN that ICE would not
/// send (a Binding request without USERNAME "a:b" or PRIORITY, a Binding message without
/// MESSAGE-INTEGRITY, a success response without XOR-MAPPED-ADDRESS). Those rejections say
/// nothing about RFC 8489 framing, so they make a case Unsupported instead of a verdict.
const USAGE_REJECTIONS: [&str; 4] =
    ["missing username", "missing priority", "No message integrity in incoming", "missing mapped addr"];

fn usage_rejection(reason: String) -> Result<DecodeResult, TargetError> {
    if USAGE_REJECTIONS.iter().any(|u| reason.to_lowercase().contains(&u.to_lowercase())) {
        return Err(TargetError::Unsupported(format!("str0m only parses STUN as ICE uses it ({reason})")));
    }
    Ok(Err(reason))
}

fn has_fingerprint(bytes: &[u8]) -> bool {
    Message::parse(bytes).is_ok_and(|m| m.has(wire::FINGERPRINT))
}

fn class_of(c: is::stun::Class) -> Class {
    use is::stun::Class as C;
    match c {
        C::Request => Class::Request,
        C::Indication => Class::Indication,
        C::Success => Class::Success,
        C::Failure => Class::Error,
        // str0m folds anything else into Unknown; the class bits cannot be anything else.
        _ => Class::Request,
    }
}

impl StunCodec for Str0mCodec {
    fn decode(&mut self, bytes: &[u8]) -> Result<DecodeResult, TargetError> {
        let m = match StunMessage::parse(bytes) {
            Ok(m) => m,
            Err(e) => return usage_rejection(e.to_string()),
        };
        // str0m does not expose the method number; the raw type is in the header it accepted.
        let (_, method) = wire::split_message_type(u16::from_be_bytes([bytes[0], bytes[1]]));
        let mut transaction_id = [0u8; 12];
        transaction_id.copy_from_slice(&bytes[8..20]);
        Ok(Ok(Decoded {
            class: class_of(m.class()),
            method,
            transaction_id,
            attributes: None,
            fields: Fields {
                xor_mapped_address: m.mapped_address(),
                mapped_address: None,
                alternate_server: None,
                username: m.username().map(str::to_string),
                realm: m.realm().map(str::to_string),
                nonce: m.nonce().map(str::to_string),
                software: m.software().map(str::to_string),
                error_code: m.error_code().map(|(code, reason)| ErrorCodeField { code, reason: reason.to_string() }),
                unknown_attributes: None,
            },
        }))
    }

    fn check(&mut self, bytes: &[u8], check: Verification, key: &[u8]) -> Result<bool, TargetError> {
        match check {
            Verification::MessageIntegrity => Ok(StunMessage::parse(bytes).is_ok_and(|m| m.verify(key, hmac_sha1))),
            // str0m's parser reads FINGERPRINT but nothing on its receive path compares it:
            // a message it parses with the attribute present is one it accepts. That is its
            // verdict on receipt, and what the fingerprint cases judge.
            Verification::Fingerprint => Ok(StunMessage::parse(bytes).is_ok() && has_fingerprint(bytes)),
            Verification::MessageIntegritySha256 => {
                Err(TargetError::Unsupported("str0m has no MESSAGE-INTEGRITY-SHA256".into()))
            }
        }
    }

    fn encode(&mut self, _model: &EncodeModel) -> Result<Vec<u8>, TargetError> {
        Err(TargetError::Unsupported("str0m has no general STUN encoder".into()))
    }
}

/// str0m's ICE agent, controlled, one host candidate, answering checks.
pub struct Str0mResponder {
    agent: IceAgent,
    endpoint: Endpoint,
    now: Instant,
}

impl Str0mResponder {
    pub fn new(seed: u64) -> Result<Str0mResponder, TargetError> {
        let mut endpoint = Endpoint::from_seed(seed);
        let creds = endpoint.creds.clone();
        static HMAC: DefaultSha1HmacProvider = DefaultSha1HmacProvider;
        let mut agent = IceAgent::with_hmac(IceCreds { ufrag: creds.target_ufrag, pass: creds.target_pwd }, &HMAC);
        agent.set_controlling(false);
        agent.set_control_tie_breaker(endpoint.rng.u64());
        agent.set_remote_credentials(IceCreds { ufrag: creds.harness_ufrag, pass: creds.harness_pwd });
        let host = Candidate::host(endpoint.target, "udp")
            .map_err(|e| TargetError::Environment(format!("str0m host candidate: {e}")))?;
        agent.add_local_candidate(host);
        let now = Instant::now();
        agent.handle_timeout(now);
        // Drain whatever the agent wants to send on its own (nothing reaches the harness
        // address before it learns of it; drop it).
        while agent.poll_transmit().is_some() {}
        Ok(Str0mResponder { agent, endpoint, now })
    }
}

impl InProcessAgent for Str0mResponder {
    fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    fn handle(&mut self, datagram: &[u8]) -> Vec<Vec<u8>> {
        let (target, harness) = (self.endpoint.target, self.endpoint.harness);
        // This mirrors str0m's Rtc::handle_input: datagrams that do not parse as STUN are
        // not STUN to it, and parsed ones go to the agent, which checks them itself.
        if let Ok(message) = StunMessage::parse(datagram) {
            let packet = StunPacket { proto: Protocol::Udp, source: harness, destination: target, message };
            self.agent.handle_packet(self.now, packet);
            self.agent.handle_timeout(self.now);
        }
        let mut replies = Vec::new();
        while let Some(t) = self.agent.poll_transmit() {
            if t.destination == harness {
                replies.push(t.contents.to_vec());
            }
        }
        replies
    }
}

pub struct Str0mDriver {
    pub name: String,
}

impl Driver for Str0mDriver {
    fn info(&self) -> TargetInfo {
        TargetInfo {
            name: self.name.clone(),
            kind: "in-process".into(),
            implementation: "str0m".into(),
            version: VERSION.into(),
            source: None,
        }
    }

    fn capabilities(&self) -> Vec<Capability> {
        vec![
            Capability::StunCodec,
            Capability::StunCheck,
            Capability::StunResponder,
            Capability::StunShortTerm,
            Capability::SdpCodec,
            Capability::SdpAnswerer,
            Capability::Peer,
            Capability::RtpEvents,
        ]
    }

    fn open(&mut self, seed: u64) -> Result<Session, TargetError> {
        Ok(Session {
            codec: Some(Box::new(Str0mCodec)),
            responder: Some(Box::new(Str0mResponder::new(seed)?)),
            sdp: Some(Box::new(super::sdp_codec::Str0mSdp)),
            answerer: Some(Box::new(super::answerer::Str0mAnswerer)),
            peer: Some(Box::new(rtcspec_live::peer::InProcessPeer::start(rtcspec_live::peer::str0m::Str0mStack))),
        })
    }
}
