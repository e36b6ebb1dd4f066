//! The `model` target: rtcspec's own small RFC 8489 implementation (its strict reader and
//! writer, and a short-term-credential Binding responder written from §6.3 and §9.1.3).
//!
//! It is the known-good control. The project's tests show every case passes against it and
//! fails against it once a single fault is injected (the `mutant` target), so a case's
//! verdict provably depends on the behaviour it claims to test. It is not a second
//! reference stack: where it and webrtc-rs disagree, the RFC text decides.

use super::in_process::{Endpoint, IceCredentials, InProcessAgent};
use super::{DecodeResult, Driver, Session, StunCodec, TargetError, TargetInfo, Verification, ICE_AGENT_WITH_CODEC};
use crate::capability::Capability;
use crate::stun::*;

pub struct ModelCodec;

impl StunCodec for ModelCodec {
    fn decode(&mut self, bytes: &[u8]) -> Result<DecodeResult, TargetError> {
        Ok(Message::parse(bytes).map(|m| Decoded::from_message(&trusted_prefix(&m))).map_err(|e| e.to_string()))
    }

    fn check(&mut self, bytes: &[u8], check: Verification, key: &[u8]) -> Result<bool, TargetError> {
        let Ok(m) = Message::parse(bytes) else { return Ok(false) };
        Ok(match check {
            Verification::MessageIntegrity => m.verify_integrity(MESSAGE_INTEGRITY, key),
            Verification::MessageIntegritySha256 => m.verify_integrity(MESSAGE_INTEGRITY_SHA256, key),
            Verification::Fingerprint => fingerprint_is_last(&m).then(|| m.verify_fingerprint()).flatten(),
        }
        .unwrap_or(false))
    }

    fn encode(&mut self, model: &EncodeModel) -> Result<Vec<u8>, TargetError> {
        Ok(model.to_bytes())
    }
}

/// FINGERPRINT counts only as the last attribute (RFC 8489 §14.7).
fn fingerprint_is_last(m: &Message) -> bool {
    m.attributes.last().is_some_and(|a| a.attr_type == FINGERPRINT)
}

/// The message as a receiver may use it: attributes after MESSAGE-INTEGRITY are dropped,
/// except MESSAGE-INTEGRITY-SHA256 and FINGERPRINT (RFC 8489 §14.5); after
/// MESSAGE-INTEGRITY-SHA256 only FINGERPRINT (§14.6).
pub fn trusted_prefix(m: &Message) -> Message {
    let mut out = m.clone();
    let mut seen_mi = false;
    let mut seen_sha = false;
    out.attributes.retain(|a| {
        let keep = match a.attr_type {
            FINGERPRINT => true,
            MESSAGE_INTEGRITY_SHA256 => !seen_sha,
            _ => !seen_mi && !seen_sha,
        };
        seen_mi |= a.attr_type == MESSAGE_INTEGRITY;
        seen_sha |= a.attr_type == MESSAGE_INTEGRITY_SHA256;
        keep
    });
    out
}

/// A Binding responder for ICE-style short-term credentials.
pub struct ModelResponder {
    endpoint: Endpoint,
}

impl ModelResponder {
    pub fn new(seed: u64) -> ModelResponder {
        ModelResponder { endpoint: Endpoint::from_seed(seed) }
    }

    fn respond(&self, request: &[u8]) -> Option<Vec<u8>> {
        let IceCredentials { target_ufrag, target_pwd, harness_ufrag, .. } = &self.endpoint.creds;
        // §6.3: framing errors, a bad or absent FINGERPRINT (ICE uses the extension,
        // RFC 8445 §7.2.2) and non-requests are silently discarded.
        let m = Message::parse(request).ok()?;
        if m.method != METHOD_BINDING || m.class != Class::Request {
            return None;
        }
        if m.verify_fingerprint() != Some(true) || !fingerprint_is_last(&m) {
            return None;
        }
        let m = trusted_prefix(&m);
        let error = |code: u16, reason: &str| {
            Some(
                Builder::new(Class::Error, METHOD_BINDING, m.transaction_id)
                    .error_code(code, reason)
                    .fingerprint()
                    .build(),
            )
        };
        // §9.1.3, in the order given.
        let Some(username) = m.text(USERNAME) else { return error(400, "Bad Request") };
        if !m.has(MESSAGE_INTEGRITY) && !m.has(MESSAGE_INTEGRITY_SHA256) {
            return error(400, "Bad Request");
        }
        if username != format!("{target_ufrag}:{harness_ufrag}") {
            return error(401, "Unauthenticated");
        }
        let key = target_pwd.as_bytes();
        let sha = m.has(MESSAGE_INTEGRITY_SHA256);
        let verified = if sha {
            m.verify_integrity(MESSAGE_INTEGRITY_SHA256, key)
        } else {
            m.verify_integrity(MESSAGE_INTEGRITY, key)
        };
        if verified != Some(true) {
            return error(401, "Unauthenticated");
        }
        let sign = |b: Builder| {
            if sha { b.message_integrity_sha256(key, 32) } else { b.message_integrity(key) }.fingerprint().build()
        };
        // §6.3.1: unknown comprehension-required attributes, after authentication.
        let unknown: Vec<u16> =
            m.attributes.iter().map(|a| a.attr_type).filter(|t| is_comprehension_required(*t) && !known(*t)).collect();
        if !unknown.is_empty() {
            let list: Vec<u8> = unknown.iter().flat_map(|t| t.to_be_bytes()).collect();
            return Some(sign(
                Builder::new(Class::Error, METHOD_BINDING, m.transaction_id)
                    .error_code(420, "Unknown Attribute")
                    .attr(UNKNOWN_ATTRIBUTES, &list),
            ));
        }
        Some(sign(
            Builder::new(Class::Success, METHOD_BINDING, m.transaction_id)
                .xor_mapped_address(self.endpoint.harness)
                .text(SOFTWARE, "rtcspec model"),
        ))
    }
}

/// Comprehension-required attributes this responder understands.
fn known(t: u16) -> bool {
    matches!(
        t,
        MAPPED_ADDRESS
            | USERNAME
            | MESSAGE_INTEGRITY
            | ERROR_CODE
            | UNKNOWN_ATTRIBUTES
            | REALM
            | NONCE
            | MESSAGE_INTEGRITY_SHA256
            | PASSWORD_ALGORITHM
            | USERHASH
            | XOR_MAPPED_ADDRESS
            | PRIORITY
            | USE_CANDIDATE
    )
}

impl InProcessAgent for ModelResponder {
    fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }
    fn handle(&mut self, datagram: &[u8]) -> Vec<Vec<u8>> {
        self.respond(datagram).into_iter().collect()
    }
}

pub struct ModelDriver {
    pub name: String,
}

impl Driver for ModelDriver {
    fn info(&self) -> TargetInfo {
        TargetInfo {
            name: self.name.clone(),
            kind: "in-process".into(),
            implementation: "rtcspec model".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            source: None,
        }
    }

    fn capabilities(&self) -> Vec<Capability> {
        ICE_AGENT_WITH_CODEC.to_vec()
    }

    fn open(&mut self, seed: u64) -> Result<Session, TargetError> {
        Ok(Session {
            codec: Some(Box::new(ModelCodec)),
            responder: Some(Box::new(ModelResponder::new(seed))),
            sdp: Some(Box::new(super::sdp_codec::ModelSdp)),
            answerer: Some(Box::new(super::model_answerer::ModelAnswerer::new(seed))),
            peer: None,
        })
    }
}
