//! The reference target: webrtc-rs, in process. `rtc-stun` is the codec and the sans-IO
//! `rtc-ice` agent is the responder; nothing touches a socket and time is simulated.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::BytesMut;
use ice::agent::agent_config::AgentConfig;
use ice::agent::Agent;
use ice::candidate::candidate_host::CandidateHostConfig;
use ice::candidate::CandidateConfig;
use ice::mdns::MulticastDnsMode;
use rtc_crypto::RTCCryptoProvider;
use rtc_shared::{TaggedBytesMut, TransportContext, TransportProtocol};
use sansio::Protocol;
use stun::attributes::{AttrType, ATTR_ALTERNATE_SERVER, ATTR_NONCE, ATTR_REALM, ATTR_SOFTWARE, ATTR_USERNAME};
use stun::error_code::{ErrorCode, ErrorCodeAttribute};
use stun::fingerprint::FINGERPRINT;
use stun::integrity::MessageIntegrity;
use stun::message::{
    Getter, Message, MessageType, Setter, TransactionId, CLASS_ERROR_RESPONSE, CLASS_INDICATION, CLASS_REQUEST,
    CLASS_SUCCESS_RESPONSE,
};
use stun::textattrs::TextAttribute;
use stun::uattrs::UnknownAttributes;
use stun::xoraddr::XorMappedAddress;

use super::in_process::{Endpoint, InProcessAgent};
use super::{DecodeResult, Driver, Session, StunCodec, TargetError, TargetInfo, Verification, ICE_AGENT_WITH_CODEC};
use crate::capability::Capability;
use crate::stun::{
    split_message_type, AttributeSpec, Class, Decoded, DecodedAttribute, EncodeModel, ErrorCodeField, Fields,
};

use rtc_ice as ice;
use rtc_stun as stun;
use rtcspec_wire::stun as wire;

pub const VERSION: &str = "0.21 (rtc-stun, rtc-ice)";

fn crypto() -> Result<Arc<dyn RTCCryptoProvider>, TargetError> {
    rtc_crypto::default_provider().map_err(|e| TargetError::Environment(format!("webrtc-rs crypto provider: {e}")))
}

/// `rtc-stun` as a codec.
pub struct WebrtcRsCodec {
    crypto: Arc<dyn RTCCryptoProvider>,
}

impl WebrtcRsCodec {
    pub fn new() -> Result<WebrtcRsCodec, TargetError> {
        Ok(WebrtcRsCodec { crypto: crypto()? })
    }
}

fn class_of(m: &Message) -> Class {
    match m.typ.class {
        CLASS_REQUEST => Class::Request,
        CLASS_INDICATION => Class::Indication,
        CLASS_SUCCESS_RESPONSE => Class::Success,
        CLASS_ERROR_RESPONSE => Class::Error,
        _ => Class::Request,
    }
}

fn text(m: &Message, t: AttrType) -> Option<String> {
    TextAttribute::get_from_as(m, t).ok().map(|a| a.text)
}

impl StunCodec for WebrtcRsCodec {
    fn decode(&mut self, bytes: &[u8]) -> Result<DecodeResult, TargetError> {
        let mut m = Message { raw: bytes.to_vec(), ..Message::default() };
        if let Err(e) = m.decode() {
            return Ok(Err(e.to_string()));
        }
        let (_, method) = split_message_type(m.typ.value());
        let mut xor = XorMappedAddress::default();
        let xor_mapped_address = xor.get_from(&m).ok().map(|_| SocketAddr::new(xor.ip, xor.port));
        let mut alt = stun::addr::AlternateServer::default();
        let alternate_server =
            alt.get_from_as(&m, ATTR_ALTERNATE_SERVER).ok().map(|_| SocketAddr::new(alt.ip, alt.port));
        let mut ec = ErrorCodeAttribute::default();
        let error_code = ec
            .get_from(&m)
            .ok()
            .map(|_| ErrorCodeField { code: ec.code.0, reason: String::from_utf8_lossy(&ec.reason).into_owned() });
        let mut ua = UnknownAttributes(Vec::new());
        let unknown_attributes = ua.get_from(&m).ok().map(|_| ua.0.iter().map(|t| t.value()).collect());
        Ok(Ok(Decoded {
            class: class_of(&m),
            method,
            transaction_id: m.transaction_id.0,
            attributes: Some(
                m.attributes
                    .0
                    .iter()
                    .map(|a| DecodedAttribute { attr_type: a.typ.value(), value: a.value.clone() })
                    .collect(),
            ),
            fields: Fields {
                xor_mapped_address,
                mapped_address: None,
                alternate_server,
                username: text(&m, ATTR_USERNAME),
                realm: text(&m, ATTR_REALM),
                nonce: text(&m, ATTR_NONCE),
                software: text(&m, ATTR_SOFTWARE),
                error_code,
                unknown_attributes,
            },
        }))
    }

    fn check(&mut self, bytes: &[u8], check: Verification, key: &[u8]) -> Result<bool, TargetError> {
        let mut m = Message { raw: bytes.to_vec(), ..Message::default() };
        if m.decode().is_err() {
            return Ok(false);
        }
        Ok(match check {
            Verification::MessageIntegrity => MessageIntegrity::check(&mut m, key, self.crypto.crypto()).is_ok(),
            Verification::Fingerprint => FINGERPRINT.check(&m).is_ok(),
            Verification::MessageIntegritySha256 => {
                return Err(TargetError::Unsupported("rtc-stun has no MESSAGE-INTEGRITY-SHA256".into()))
            }
        })
    }

    fn encode(&mut self, model: &EncodeModel) -> Result<Vec<u8>, TargetError> {
        let mut m = Message::new();
        let mut typ = MessageType::default();
        typ.read_value(wire::message_type(model.class, model.method));
        m.typ = typ;
        m.transaction_id = TransactionId(model.transaction_id);
        m.write_header();
        let crypto = self.crypto.clone();
        for a in &model.attributes {
            let r = match a {
                AttributeSpec::XorMappedAddress { addr } => {
                    XorMappedAddress { ip: addr.ip(), port: addr.port() }.add_to(&mut m)
                }
                AttributeSpec::Username { value } => TextAttribute::new(ATTR_USERNAME, value.clone()).add_to(&mut m),
                AttributeSpec::Software { value } => TextAttribute::new(ATTR_SOFTWARE, value.clone()).add_to(&mut m),
                AttributeSpec::Realm { value } => TextAttribute::new(ATTR_REALM, value.clone()).add_to(&mut m),
                AttributeSpec::Nonce { value } => TextAttribute::new(ATTR_NONCE, value.clone()).add_to(&mut m),
                AttributeSpec::ErrorCode { code, reason } => {
                    ErrorCodeAttribute { code: ErrorCode(*code), reason: reason.as_bytes().to_vec() }.add_to(&mut m)
                }
                AttributeSpec::UnknownAttributes { types } => {
                    UnknownAttributes(types.iter().map(|t| AttrType(*t)).collect()).add_to(&mut m)
                }
                AttributeSpec::Priority { value } => {
                    m.add(AttrType(wire::PRIORITY), &value.to_be_bytes());
                    Ok(())
                }
                AttributeSpec::IceControlled { tie_breaker } => {
                    m.add(AttrType(wire::ICE_CONTROLLED), &tie_breaker.to_be_bytes());
                    Ok(())
                }
                AttributeSpec::IceControlling { tie_breaker } => {
                    m.add(AttrType(wire::ICE_CONTROLLING), &tie_breaker.to_be_bytes());
                    Ok(())
                }
                AttributeSpec::UseCandidate => {
                    m.add(AttrType(wire::USE_CANDIDATE), &[]);
                    Ok(())
                }
                AttributeSpec::Raw { attr_type, hex } => {
                    m.add(AttrType(*attr_type), hex);
                    Ok(())
                }
                AttributeSpec::MessageIntegrity { key_hex } => {
                    MessageIntegrity::new_raw_integrity_with_provider(key_hex.clone(), crypto.crypto()).add_to(&mut m)
                }
                AttributeSpec::Fingerprint => FINGERPRINT.add_to(&mut m),
            };
            r.map_err(|e| TargetError::Unsupported(format!("rtc-stun refused to encode {a:?}: {e}")))?;
        }
        Ok(m.raw)
    }
}

/// The `rtc-ice` agent, controlled role, with one host candidate, answering checks.
pub struct WebrtcRsResponder {
    agent: Agent,
    endpoint: Endpoint,
    now: Instant,
}

impl WebrtcRsResponder {
    pub fn new(seed: u64) -> Result<WebrtcRsResponder, TargetError> {
        let endpoint = Endpoint::from_seed(seed);
        let (creds, target) = (&endpoint.creds, endpoint.target);
        let env = |e: rtc_shared::error::Error| TargetError::Environment(format!("rtc-ice agent setup: {e}"));
        let now = Instant::now();
        let config = AgentConfig {
            local_ufrag: creds.target_ufrag.clone(),
            local_pwd: creds.target_pwd.clone(),
            multicast_dns_mode: MulticastDnsMode::Disabled,
            is_controlling: false,
            ..AgentConfig::default()
        };
        let mut agent = Agent::new(now, Arc::new(config), crypto()?).map_err(env)?;
        agent.set_remote_credentials(creds.harness_ufrag.clone(), creds.harness_pwd.clone()).map_err(env)?;
        let host = CandidateHostConfig {
            base_config: CandidateConfig {
                network: "udp".into(),
                address: target.ip().to_string(),
                port: target.port(),
                component: 1,
                ..CandidateConfig::default()
            },
            ..CandidateHostConfig::default()
        }
        .new_candidate_host()
        .map_err(env)?;
        agent.add_local_candidate(host).map_err(env)?;
        Ok(WebrtcRsResponder { agent, endpoint, now })
    }

    /// Advances the simulated clock by `by`, runs the timers that fell due (a bounded
    /// number of rounds) and drains the agent's events and datagrams; returns how many
    /// datagrams it sent meanwhile.
    pub fn tick(&mut self, by: std::time::Duration) -> usize {
        self.now += by;
        let mut sent = 0;
        for _ in 0..16 {
            match self.agent.poll_timeout() {
                Some(due) if due <= self.now => {
                    let _ = self.agent.handle_timeout(self.now);
                }
                _ => break,
            }
            while self.agent.poll_write().is_some() {
                sent += 1;
            }
        }
        while self.agent.poll_event().is_some() {}
        sent
    }
}

impl InProcessAgent for WebrtcRsResponder {
    fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    fn handle(&mut self, datagram: &[u8]) -> Vec<Vec<u8>> {
        let (target, harness) = (self.endpoint.target, self.endpoint.harness);
        // Rejections surface as Err from handle_read: for a responder that is "no answer",
        // which is what the wire shows, so the error itself is only logged.
        if let Err(e) = self.agent.handle_read(TaggedBytesMut {
            now: self.now,
            transport: TransportContext {
                local_addr: target,
                peer_addr: harness,
                transport_protocol: TransportProtocol::UDP,
                ecn: None,
            },
            message: BytesMut::from(datagram),
        }) {
            tracing::debug!("rtc-ice dropped the datagram: {e}");
        }
        let mut replies = Vec::new();
        while let Some(out) = self.agent.poll_write() {
            if out.transport.peer_addr == harness {
                replies.push(out.message.to_vec());
            }
        }
        replies
    }
}

/// The reference driver: everything in process, a fresh agent per case.
pub struct WebrtcRsDriver {
    pub name: String,
}

impl Driver for WebrtcRsDriver {
    fn info(&self) -> TargetInfo {
        TargetInfo {
            name: self.name.clone(),
            kind: "in-process".into(),
            implementation: "webrtc-rs".into(),
            version: VERSION.into(),
            source: None,
        }
    }

    fn capabilities(&self) -> Vec<Capability> {
        let mut all = ICE_AGENT_WITH_CODEC.to_vec();
        all.extend([Capability::Peer, Capability::RtpEvents]);
        all
    }

    fn open(&mut self, seed: u64) -> Result<Session, TargetError> {
        Ok(Session {
            codec: Some(Box::new(WebrtcRsCodec::new()?)),
            responder: Some(Box::new(WebrtcRsResponder::new(seed)?)),
            sdp: Some(Box::new(super::sdp_codec::ReferenceSdp)),
            answerer: Some(Box::new(super::answerer::ReferenceAnswerer)),
            peer: Some(Box::new(rtcspec_live::peer::InProcessPeer::reference())),
        })
    }
}
