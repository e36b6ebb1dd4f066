//! RTP and RTCP headers (RFC 3550 §5.1, §6.4): the fields the harness reads from packets in
//! the clear (an SRTP packet's header is not encrypted, RFC 3711 §3.1) and the report blocks
//! of a decrypted compound RTCP packet.

use crate::read::{u16_at, u32_at};

/// The fixed RTP header, before CSRCs and extensions.
pub const RTP_HEADER: usize = 12;
/// RTCP packet types (RFC 3550 §12.1).
pub const SENDER_REPORT: u8 = 200;
pub const RECEIVER_REPORT: u8 = 201;

/// An RTP packet's fixed header fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpHeader {
    pub marker: bool,
    pub payload_type: u8,
    pub sequence: u16,
    pub timestamp: u32,
    pub ssrc: u32,
}

impl RtpHeader {
    /// `None` for a packet shorter than the fixed header.
    pub fn parse(packet: &[u8]) -> Option<RtpHeader> {
        let b1 = *packet.get(1)?;
        Some(RtpHeader {
            marker: b1 & 0x80 != 0,
            payload_type: b1 & 0x7F,
            sequence: u16_at(packet, 2)?,
            timestamp: u32_at(packet, 4)?,
            ssrc: u32_at(packet, 8)?,
        })
    }

    /// `packet` with its sequence number and timestamp set; `None` if it is too short.
    pub fn with_sequence_and_timestamp(packet: &[u8], sequence: u16, timestamp: u32) -> Option<Vec<u8>> {
        RtpHeader::parse(packet)?;
        let mut out = packet.to_vec();
        out[2..4].copy_from_slice(&sequence.to_be_bytes());
        out[4..8].copy_from_slice(&timestamp.to_be_bytes());
        Some(out)
    }
}

/// The length of an RTP packet's header: the fixed part, its CSRCs and its header extension
/// (RFC 3550 §5.3.1); `None` when the packet is too short to say or to hold it.
pub fn header_len(packet: &[u8]) -> Option<usize> {
    let first = *packet.first()?;
    let csrcs = RTP_HEADER + 4 * usize::from(first & 0x0f);
    let len = if first & 0x10 == 0 { csrcs } else { csrcs + 4 + 4 * usize::from(u16_at(packet, csrcs + 2)?) };
    (len <= packet.len()).then_some(len)
}

/// The NTP timestamp (most and least significant words) of a compound RTCP packet that
/// starts with a sender report (RFC 3550 §6.4.1).
pub fn sender_report_ntp(compound: &[u8]) -> Option<(u32, u32)> {
    (*compound.get(1)? == SENDER_REPORT).then_some(())?;
    Some((u32_at(compound, 8)?, u32_at(compound, 12)?))
}

/// The SSRC of an RTCP packet's sender (the word after its first header).
pub fn rtcp_sender_ssrc(packet: &[u8]) -> Option<u32> {
    u32_at(packet, 4)
}

/// One report block of an SR or RR (RFC 3550 §6.4.1), the fields a case reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportBlock {
    pub ssrc: u32,
    /// The extended highest sequence number received.
    pub highest: u32,
    /// LSR: the middle 32 bits of the NTP timestamp of the last SR received from `ssrc`.
    pub last_sr: u32,
}

/// The report blocks of the SRs and RRs in a compound RTCP packet (in the clear).
pub fn report_blocks(compound: &[u8]) -> Vec<ReportBlock> {
    let mut blocks = Vec::new();
    let mut at = 0;
    while let Some(h) = compound.get(at..at + 4) {
        let count = usize::from(h[0] & 0x1f);
        let len = (usize::from(u16::from_be_bytes([h[2], h[3]])) + 1) * 4;
        // SR: header and sender SSRC (8), sender info (20); RR: 8.
        let first = match h[1] {
            SENDER_REPORT => Some(at + 28),
            RECEIVER_REPORT => Some(at + 8),
            _ => None,
        };
        if let Some(first) = first {
            for i in 0..count {
                let Some(b) = compound.get(first + 24 * i..first + 24 * i + 24) else { break };
                let word = |at| u32_at(b, at).unwrap_or_default();
                blocks.push(ReportBlock { ssrc: word(0), highest: word(8), last_sr: word(16) });
            }
        }
        at += len;
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields_are_read_and_short_packets_are_not() {
        let p = [0x80, 0xE0, 0, 7, 0, 0, 1, 0, 0xAA, 0xBB, 0xCC, 0xDD];
        let h = RtpHeader::parse(&p).unwrap();
        assert_eq!((h.marker, h.payload_type, h.sequence, h.timestamp, h.ssrc), (true, 0x60, 7, 256, 0xAABB_CCDD));
        assert_eq!(RtpHeader::parse(&p[..11]), None);
        assert_eq!(header_len(&p), Some(12));
        let mut with_extension = p.to_vec();
        with_extension[0] |= 0x11;
        with_extension.extend_from_slice(&[0, 0, 0, 0, 0xBE, 0xDE, 0, 1, 1, 2, 3, 4]);
        assert_eq!(header_len(&with_extension), Some(24));
        assert_eq!(header_len(&with_extension[..23]), None);
    }

    #[test]
    fn receiver_report_blocks_are_read_and_a_short_block_ends_them() {
        let mut rr = vec![0x81, RECEIVER_REPORT, 0, 7, 0, 0, 0, 1];
        rr.extend_from_slice(&[0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]);
        assert_eq!(report_blocks(&rr), vec![ReportBlock { ssrc: 2, highest: 9, last_sr: 5 }]);
        assert_eq!(report_blocks(&rr[..20]), vec![]);
    }
}
