//! TURN (RFC 8656): the traffic relayed inside ChannelData and Send/Data indications, so it
//! can be checked like traffic sent directly.
//!
//! Channel numbers are bound to peers by ChannelBind requests seen earlier on the same
//! client-server flow; ChannelData on a channel whose bind was not captured is still
//! unwrapped, and its peer reported unknown.

use std::net::SocketAddr;

use super::fasthash::FastMap;
use crate::stun::{Class, Message};

pub const METHOD_SEND: u16 = 0x006;
pub const METHOD_DATA: u16 = 0x007;
pub const METHOD_CHANNEL_BIND: u16 = 0x009;
pub const CHANNEL_NUMBER: u16 = 0x000C;
pub const XOR_PEER_ADDRESS: u16 = 0x0012;
pub const DATA: u16 = 0x0013;

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TurnError {
    /// ChannelData whose length runs past the datagram, or a channel number out of range.
    BadChannelData(String),
}

impl std::fmt::Display for TurnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TurnError::BadChannelData(why) => write!(f, "malformed ChannelData: {why}"),
        }
    }
}

/// Channel bindings per client-server pair (keyed by the flow's two addresses, lower first).
#[derive(Default)]
pub struct Channels {
    bound: FastMap<(SocketAddr, SocketAddr, u16), SocketAddr>,
}

/// Splits a ChannelData message (RFC 8656 §12.4) into its channel and data. Over UDP the
/// datagram may carry padding after the data; the length field says where the data ends.
pub fn channel_data(datagram: &[u8]) -> Result<(u16, &[u8]), TurnError> {
    let h = datagram.get(..4).ok_or_else(|| TurnError::BadChannelData("shorter than its 4-byte header".into()))?;
    let channel = u16::from_be_bytes([h[0], h[1]]);
    let len = usize::from(u16::from_be_bytes([h[2], h[3]]));
    if !(0x4000..=0x4FFF).contains(&channel) {
        return Err(TurnError::BadChannelData(format!("channel number {channel:#06x} is outside 0x4000-0x4FFF")));
    }
    let data = datagram.get(4..4 + len).ok_or_else(|| {
        TurnError::BadChannelData(format!("length {len} runs past the {}-byte datagram", datagram.len()))
    })?;
    Ok((channel, data))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_data_is_bounded_by_its_length() {
        assert_eq!(channel_data(&[0x40, 0x01, 0, 2, 9, 8, 0, 0]).unwrap(), (0x4001, &[9u8, 8][..]));
        assert!(channel_data(&[0x40, 0x01, 0, 9, 9, 8]).is_err());
        assert!(channel_data(&[0x50, 0x01, 0, 0]).is_err());
        assert!(channel_data(&[0x40]).is_err());
    }
}
