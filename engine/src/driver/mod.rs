//! Targets: the implementations under test, behind two small traits.
//!
//! - [`StunCodec`]: parse, verify and encode messages (in process, or through a shim).
//! - [`StunResponder`]: answer datagrams (an ICE agent in process or in a shim, or a live
//!   server on loopback).
//!
//! A [`Driver`] owns whatever lives for the whole run (a shim process, a started server)
//! and opens a fresh [`Session`] for each case, so cases cannot leak state into each other.

pub mod answerer;
pub mod in_process;
pub mod model;
pub mod model_answerer;
pub mod mutant;
pub mod sdp_codec;
pub mod server;
pub mod shim;
pub mod spec;
pub mod str0m;
pub mod udp;
pub mod webrtc_rs;

use std::net::SocketAddr;

use serde::Serialize;

use crate::capability::Capability;
use crate::stun::{Decoded, EncodeModel};

pub use rtcspec_live::TargetError;
pub use spec::{load_target, TargetSpec};

/// Which verification a codec is asked to perform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verification {
    MessageIntegrity,
    MessageIntegritySha256,
    Fingerprint,
}

/// A decoder's verdict: `Ok` with what it decoded, or `Err` with its rejection reason.
pub type DecodeResult = Result<Decoded, String>;

pub trait StunCodec: Send {
    fn decode(&mut self, bytes: &[u8]) -> Result<DecodeResult, TargetError>;
    /// Verifies one attribute as on receipt; `false` also when it is missing.
    fn check(&mut self, bytes: &[u8], check: Verification, key: &[u8]) -> Result<bool, TargetError>;
    fn encode(&mut self, model: &EncodeModel) -> Result<Vec<u8>, TargetError>;
}

/// The credentials a responder expects, so cases can build requests it will accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// Answers Binding requests without credentials (a plain STUN server).
    Open,
    /// An ICE agent: USERNAME is `target_ufrag:harness_ufrag`, the key is the target's pwd.
    ShortTerm { target_ufrag: String, target_pwd: String, harness_ufrag: String, harness_pwd: String },
}

/// Long-term credentials a server accepts (RFC 8489 §9.2), for Allocate-based cases.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, Serialize)]
pub struct LongTermCredentials {
    pub username: String,
    pub password: String,
    pub realm: String,
}

pub trait StunResponder: Send {
    /// How to authenticate a Binding request this target answers.
    fn auth(&self) -> &Auth;
    /// Credentials for long-term-authenticated requests (TURN Allocate), if the target has any.
    fn long_term(&self) -> Option<&LongTermCredentials> {
        None
    }
    /// The address the target sees the harness's datagrams coming from.
    fn harness_addr(&self) -> SocketAddr;
    /// The address the target listens on.
    fn target_addr(&self) -> SocketAddr;
    /// Sends one datagram and returns every datagram the target sent back to the harness
    /// address in reply (empty if it stayed silent for the reply window).
    fn exchange(&mut self, datagram: &[u8]) -> Result<Vec<Vec<u8>>, TargetError>;
}

/// An SDP parser and serializer: parse the text, then write it back out.
pub trait SdpCodec: Send {
    /// `Ok(Ok(text))`: accepted, re-serialized as `text`; `Ok(Err(reason))`: rejected.
    fn round_trip(&mut self, sdp: &str) -> Result<Result<String, String>, TargetError>;
}

/// A JSEP endpoint as an answerer: it takes a remote offer and creates its answer.
pub trait SdpAnswerer: Send {
    /// `Ok(Ok(answer))`, or `Ok(Err(reason))` when the endpoint refused the offer.
    fn answer(&mut self, offer: &str) -> Result<Result<String, String>, TargetError>;
}

/// What a case gets to work with on one target.
#[derive(Default)]
pub struct Session {
    pub codec: Option<Box<dyn StunCodec>>,
    pub responder: Option<Box<dyn StunResponder>>,
    pub sdp: Option<Box<dyn SdpCodec>>,
    pub answerer: Option<Box<dyn SdpAnswerer>>,
    /// A peer for live calls (fresh per case).
    pub peer: Option<Box<dyn rtcspec_live::peer::RemotePeer>>,
}

/// Facts about a target that reports print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct TargetInfo {
    pub name: String,
    pub kind: String,
    pub implementation: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Owns a target for the duration of a run.
pub trait Driver: Send {
    fn info(&self) -> TargetInfo;
    fn capabilities(&self) -> Vec<Capability>;
    /// A fresh session for one case. `seed` drives credentials and addresses.
    fn open(&mut self, seed: u64) -> Result<Session, TargetError>;
    /// Called after a case crashed or timed out: kill and restart whatever runs out of
    /// process so the next case starts clean.
    fn recover(&mut self) -> Result<(), TargetError> {
        Ok(())
    }
}

/// What a stack with a STUN library, an ICE agent and an SDP parser offers: decode, verify,
/// encode, answer checks with short-term credentials, round-trip SDP (reference and model).
pub const ICE_AGENT_WITH_CODEC: [Capability; 7] = [
    Capability::StunCodec,
    Capability::StunCheck,
    Capability::StunEncode,
    Capability::StunResponder,
    Capability::StunShortTerm,
    Capability::SdpCodec,
    Capability::SdpAnswerer,
];

/// The in-process targets that need no file.
pub const BUILTIN_TARGETS: [&str; 4] = ["reference", "str0m", "model", "mutant"];
