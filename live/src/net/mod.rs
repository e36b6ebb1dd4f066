//! What the harness records of the wire.

pub mod impair;
pub mod namespace;
pub mod pcapng;

use std::net::SocketAddr;

/// One datagram as it crossed (or, for codec cases, would cross) the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Datagram {
    pub from: SocketAddr,
    pub to: SocketAddr,
    pub bytes: Vec<u8>,
    /// Microseconds since the case started.
    pub at_us: u64,
}
