//! Capture replay: reading real pcap/pcapng calls, demultiplexing them (RFC 7983), and
//! checking what was on the wire against the RFCs, with the same report as a live run.
//!
//! Everything streams: memory depends on the number of flows and open transactions (each
//! bounded), not on the size of the capture.
//!
//! Layer: above the engine (checks speak its [`Level`](rtcspec_engine::case::Level) and
//! [`Outcome`](rtcspec_engine::case::Outcome)) and the wire (every codec and decryptor is
//! `rtcspec_wire`'s); the report of a replay is written by `rtcspec-harness`.

pub mod checks;
pub mod dtls;
pub mod extract;
pub mod fasthash;
pub mod file;
pub mod flow;
pub mod ip;
pub mod link;
pub mod manifest;
pub mod replay;
pub mod rtp;
pub mod sctp;
pub mod sdp_info;
pub mod signaling;
pub mod srtp;
pub mod stun_flow;
pub mod transport;
pub mod turn;

pub use file::{CaptureError, CaptureReader, Frame, Item};
pub use replay::{CaptureSummary, Replay, ReplayOptions, ReplayResult};
