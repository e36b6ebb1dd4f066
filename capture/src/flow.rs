//! Flows: traffic grouped by transport 5-tuple (and, for traffic relayed through TURN, by
//! the peer it was relayed to or from), with per-protocol counts.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::checks::Tallies;
use super::dtls::DtlsFlow;
use super::fasthash::FastMap;
use super::rtp::RtpFlow;
use super::sctp::SctpFlow;
use super::srtp::SrtpFlow;
use super::stun_flow::StunFlow;
use super::turn::Peer;
use rtcspec_wire::demux::Protocol;
pub use rtcspec_wire::Direction;

/// More distinct flows than this are counted, not tracked.
pub const MAX_FLOWS: usize = 65_536;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    #[default]
    Udp,
    Tcp,
}

/// `a` is the lower address of the two, so both directions share one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FlowKey {
    pub transport: Transport,
    pub a: SocketAddr,
    pub b: SocketAddr,
    /// Set for traffic unwrapped from TURN: `a`/`b` are then the client and the server.
    pub relayed: Option<Peer>,
}

impl FlowKey {
    pub fn of(transport: Transport, src: SocketAddr, dst: SocketAddr, relayed: Option<Peer>) -> (FlowKey, Direction) {
        if src <= dst {
            (FlowKey { transport, a: src, b: dst, relayed }, Direction::AtoB)
        } else {
            (FlowKey { transport, a: dst, b: src, relayed }, Direction::BtoA)
        }
    }

    pub fn endpoints(&self, dir: Direction) -> (SocketAddr, SocketAddr) {
        match dir {
            Direction::AtoB => (self.a, self.b),
            Direction::BtoA => (self.b, self.a),
        }
    }
}

/// Everything known about one flow.
pub struct Flow {
    pub key: FlowKey,
    pub first_packet: u64,
    pub first_seen: Duration,
    pub last_seen: Duration,
    pub datagrams: [u64; 2],
    pub bytes: [u64; 2],
    /// Datagrams per protocol, indexed by `Protocol as usize` (a map per packet was measurable).
    pub protocols: [u64; Protocol::ALL.len()],
    /// A valid STUN message or DTLS record was seen: the flow is judged.
    pub webrtc: bool,
    pub tallies: Tallies,
    pub stun: StunFlow,
    pub dtls: DtlsFlow,
    pub rtp: RtpFlow,
    pub srtp: SrtpFlow,
    pub sctp: SctpFlow,
}

#[derive(Default)]
pub struct Flows {
    index: FastMap<FlowKey, usize>,
    pub flows: Vec<Flow>,
    /// Datagrams of flows beyond `MAX_FLOWS`.
    pub untracked: u64,
}

impl Flow {
    /// The non-zero protocol counts.
    pub fn protocol_counts(&self) -> BTreeMap<Protocol, u64> {
        Protocol::ALL.iter().zip(self.protocols).filter(|(_, n)| *n > 0).map(|(p, n)| (*p, n)).collect()
    }
}

impl Flows {
    /// The flow a datagram belongs to, created on first sight; `None` past `MAX_FLOWS`.
    pub fn get(&mut self, key: FlowKey, number: u64, at: Duration) -> Option<&mut Flow> {
        let next = self.flows.len();
        let i = match self.index.get(&key) {
            Some(i) => *i,
            None if next >= MAX_FLOWS => {
                self.untracked += 1;
                return None;
            }
            None => {
                self.index.insert(key, next);
                self.flows.push(Flow {
                    key,
                    first_packet: number,
                    first_seen: at,
                    last_seen: at,
                    datagrams: [0; 2],
                    bytes: [0; 2],
                    protocols: [0; Protocol::ALL.len()],
                    webrtc: false,
                    tallies: Tallies::default(),
                    stun: StunFlow::default(),
                    dtls: DtlsFlow::default(),
                    rtp: RtpFlow::default(),
                    srtp: SrtpFlow::default(),
                    sctp: SctpFlow::default(),
                });
                next
            }
        };
        self.flows.get_mut(i)
    }
}
