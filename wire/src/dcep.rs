//! The Data Channel Establishment Protocol (RFC 8832 §5) and the payload protocol
//! identifiers WebRTC data channels use (RFC 8831 §8, RFC 8832 §8.1).

use crate::read::{u16_at, u32_at};
use crate::sctp::{self, Data};

/// Payload protocol identifiers.
pub const PPID_DCEP: u32 = 50;
pub const PPID_STRING: u32 = 51;
pub const PPID_BINARY: u32 = 53;
pub const PPID_STRING_EMPTY: u32 = 56;
pub const PPID_BINARY_EMPTY: u32 = 57;

/// Message types.
pub const DATA_CHANNEL_ACK: u8 = 0x02;
pub const DATA_CHANNEL_OPEN: u8 = 0x03;

/// DATA_CHANNEL_OPEN before its label: message type, channel type, priority, reliability
/// parameter, label length, protocol length (RFC 8832 §5.1).
pub const OPEN_HEADER: usize = 12;

/// Channel types (RFC 8832 §5.1).
pub const RELIABLE: u8 = 0x00;
pub const RELIABLE_UNORDERED: u8 = 0x80;

/// A DATA_CHANNEL_OPEN message's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open {
    pub channel_type: u8,
    pub priority: u16,
    pub reliability: u32,
    pub label: String,
    pub protocol: String,
}

impl Open {
    /// Reads `message` as DATA_CHANNEL_OPEN; `None` for another message type or when the
    /// label or protocol runs past the message (a non-UTF-8 label is read lossily).
    pub fn parse(message: &[u8]) -> Option<Open> {
        if message.first() != Some(&DATA_CHANNEL_OPEN) {
            return None;
        }
        let (label_len, protocol_len) = Open::lengths(message)?;
        let label = message.get(OPEN_HEADER..OPEN_HEADER + label_len)?;
        let protocol = message.get(OPEN_HEADER + label_len..OPEN_HEADER + label_len + protocol_len)?;
        Some(Open {
            channel_type: message[1],
            priority: u16_at(message, 2)?,
            reliability: u32_at(message, 4)?,
            label: String::from_utf8_lossy(label).into_owned(),
            protocol: String::from_utf8_lossy(protocol).into_owned(),
        })
    }

    /// A DATA_CHANNEL_OPEN's Label Length and Protocol Length, whatever follows them.
    pub fn lengths(message: &[u8]) -> Option<(usize, usize)> {
        Some((usize::from(u16_at(message, 8)?), usize::from(u16_at(message, 10)?)))
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![DATA_CHANNEL_OPEN, self.channel_type];
        out.extend_from_slice(&self.priority.to_be_bytes());
        out.extend_from_slice(&self.reliability.to_be_bytes());
        out.extend_from_slice(&(self.label.len() as u16).to_be_bytes());
        out.extend_from_slice(&(self.protocol.len() as u16).to_be_bytes());
        out.extend_from_slice(self.label.as_bytes());
        out.extend_from_slice(self.protocol.as_bytes());
        out
    }
}

/// The DCEP messages (whole DATA chunks with PPID 50) of one SCTP packet.
pub fn messages(packet: &[u8]) -> Vec<Vec<u8>> {
    sctp::chunks(packet)
        .filter_map(|c| Data::read(&c))
        .filter(|d| d.beginning && d.ending && d.ppid == PPID_DCEP)
        .map(|d| d.payload)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_round_trips_and_a_label_past_the_end_is_refused() {
        let open =
            Open { channel_type: RELIABLE, priority: 256, reliability: 0, label: "chat".into(), protocol: "x".into() };
        let bytes = open.to_bytes();
        assert_eq!(Open::parse(&bytes), Some(open));
        let mut long = bytes.clone();
        long[9] = 200;
        assert_eq!(Open::parse(&long), None);
        assert_eq!(Open::parse(&bytes[..5]), None);
    }
}
