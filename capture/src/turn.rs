//! TURN (RFC 8656): the traffic relayed inside ChannelData and Send/Data indications, so it
//! can be checked like traffic sent directly.
//!
//! Channel numbers are bound to peers by ChannelBind requests seen earlier on the same
//! client-server flow; ChannelData on a channel whose bind was not captured is still
//! unwrapped, and its peer reported unknown.

use std::net::SocketAddr;

use super::fasthash::FastMap;
use rtcspec_wire::stun::{Class, Message};
use rtcspec_wire::turn::{CHANNEL_NUMBER, DATA, METHOD_CHANNEL_BIND, METHOD_DATA, METHOD_SEND, XOR_PEER_ADDRESS};

/// The far end of relayed traffic, as far as the capture tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Peer {
    Address(SocketAddr),
    /// A channel whose ChannelBind was not in the capture.
    Channel(u16),
}

/// Relayed data found in one datagram.
pub struct Relayed<'a> {
    pub peer: Peer,
    pub data: &'a [u8],
}

/// Channel bindings per client-server pair (keyed by the flow's two addresses, lower first).
#[derive(Default)]
pub struct Channels {
    bound: FastMap<(SocketAddr, SocketAddr, u16), SocketAddr>,
}

impl Channels {
    /// Remembers a ChannelBind request's channel and peer.
    pub fn observe(&mut self, a: SocketAddr, b: SocketAddr, m: &Message) {
        if m.class != Class::Request || m.method != METHOD_CHANNEL_BIND {
            return;
        }
        let channel =
            m.attribute(CHANNEL_NUMBER).and_then(|a| a.value.get(..2)).map(|v| u16::from_be_bytes([v[0], v[1]]));
        if let (Some(channel), Some(peer)) = (channel, xor_peer(m)) {
            self.bound.insert((a, b, channel), peer);
        }
    }

    pub fn peer(&self, a: SocketAddr, b: SocketAddr, channel: u16) -> Peer {
        self.bound.get(&(a, b, channel)).map_or(Peer::Channel(channel), |a| Peer::Address(*a))
    }
}

fn xor_peer(m: &Message) -> Option<SocketAddr> {
    m.xor_address(XOR_PEER_ADDRESS).and_then(Result::ok)
}

/// The data a Send or Data indication carries, and its peer.
pub fn indication<'m>(m: &'m Message) -> Option<Relayed<'m>> {
    if m.class != Class::Indication || !(m.method == METHOD_SEND || m.method == METHOD_DATA) {
        return None;
    }
    let data = &m.attribute(DATA)?.value;
    Some(Relayed { peer: xor_peer(m).map_or(Peer::Channel(0), Peer::Address), data })
}
