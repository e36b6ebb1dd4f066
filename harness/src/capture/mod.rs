//! Capture replay: reading real pcap/pcapng calls, demultiplexing them (RFC 7983), and
//! checking what was on the wire against the RFCs, with the same report as a live run.
//!
//! Everything streams: memory depends on the number of flows and open transactions (each
//! bounded), not on the size of the capture.

pub mod checks;
pub mod dtls;
pub mod dtls_decrypt;
pub mod extract;
pub mod fasthash;
pub mod file;
pub mod flow;
pub mod ip;
pub mod keylog;
pub mod link;
pub mod manifest;
pub mod replay;
pub mod report;
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
