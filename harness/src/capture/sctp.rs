//! SCTP inside DTLS (RFC 8261): the common header and CRC32c (RFC 9260 §6.8), chunks, DATA
//! reassembled into messages per stream, and the Data Channel Establishment Protocol
//! (RFC 8832): DATA_CHANNEL_OPEN and DATA_CHANNEL_ACK.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use super::checks::{CheckId, Tallies};
use super::fasthash::FastMap;
use super::flow::Direction;

const DATA: u8 = 0;
const I_DATA: u8 = 64;
const PPID_DCEP: u32 = 50;
const DCEP_OPEN: u8 = 0x03;
const DCEP_ACK: u8 = 0x02;
/// Bytes held per stream while a message is being reassembled.
const MAX_MESSAGE: usize = 1 << 20;
const MAX_STREAMS: usize = 1024;
/// TSNs remembered per association to spot retransmissions.
const TSN_WINDOW: usize = 4096;

fn chunk_name(t: u8) -> String {
    match t {
        0 => "DATA".into(),
        1 => "INIT".into(),
        2 => "INIT_ACK".into(),
        3 => "SACK".into(),
        4 => "HEARTBEAT".into(),
        5 => "HEARTBEAT_ACK".into(),
        6 => "ABORT".into(),
        7 => "SHUTDOWN".into(),
        8 => "SHUTDOWN_ACK".into(),
        9 => "ERROR".into(),
        10 => "COOKIE_ECHO".into(),
        11 => "COOKIE_ACK".into(),
        14 => "SHUTDOWN_COMPLETE".into(),
        64 => "I_DATA".into(),
        128 => "ASCONF_ACK".into(),
        130 => "RE_CONFIG".into(),
        192 => "FORWARD_TSN".into(),
        193 => "ASCONF".into(),
        other => format!("type_{other}"),
    }
}

/// What the SCTP association of one flow carried.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SctpSummary {
    pub packets: u64,
    pub chunks: BTreeMap<String, u64>,
    /// Whole user messages, by payload protocol identifier (51 string, 53 binary, 50 DCEP...).
    pub messages_by_ppid: BTreeMap<u32, u64>,
    pub largest_message: usize,
    /// "stream N: label (protocol)" per DATA_CHANNEL_OPEN.
    pub channels: Vec<String>,
    pub acks: u64,
    /// Decrypted application data that is not SCTP (DTLS used for something else).
    #[serde(default)]
    pub not_sctp: u64,
    /// DATA chunks seen again with a TSN already seen (retransmissions), not counted twice.
    #[serde(default)]
    pub retransmitted_chunks: u64,
}

#[derive(Default)]
struct Partial {
    ppid: u32,
    bytes: usize,
}

#[derive(Default)]
pub struct SctpFlow {
    pub summary: SctpSummary,
    partial: HashMap<(usize, u16), Partial>,
    /// DATA_CHANNEL_OPEN per (sender direction, stream): packet number, not yet acknowledged.
    open: BTreeMap<(usize, u16), u64>,
    /// Recent TSNs per direction, to recognise retransmitted chunks.
    tsns: FastMap<(usize, u32), ()>,
    tsn_order: VecDeque<(usize, u32)>,
}

/// CRC32c over the packet with its checksum field zeroed, as RFC 9260 §6.8 computes it.
pub fn checksum(packet: &[u8]) -> Option<u32> {
    let head = packet.get(..12)?;
    let mut c = crc32c::crc32c(&head[..8]);
    c = crc32c::crc32c_append(c, &[0; 4]);
    Some(crc32c::crc32c_append(c, &packet[12..]))
}

/// DTLS carries SCTP in WebRTC, but not always: the chunks must tile the packet exactly
/// (each at least 4 bytes, padded to 4, the last one possibly unpadded) for the bytes to be
/// judged as SCTP.
pub fn looks_like_sctp(p: &[u8]) -> bool {
    let mut at = 12;
    if p.len() < 16 {
        return false;
    }
    while at < p.len() {
        let Some(h) = p.get(at..at + 4) else { return false };
        let len = usize::from(u16::from_be_bytes([h[2], h[3]]));
        if len < 4 || at + len > p.len() {
            return false;
        }
        at += (len + 3) & !3;
    }
    at == p.len() || at - p.len() < 4
}

/// The DCEP messages (DATA chunks with PPID 50, whole) of one SCTP packet.
pub fn dcep_messages(p: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut at = 12;
    while let Some(h) = p.get(at..at + 4) {
        let len = usize::from(u16::from_be_bytes([h[2], h[3]]));
        let Some(chunk) = p.get(at..at + len).filter(|_| len >= 16) else { break };
        let whole = chunk[1] & 0x03 == 0x03;
        if chunk[0] == DATA && whole && u32::from_be_bytes([chunk[12], chunk[13], chunk[14], chunk[15]]) == PPID_DCEP {
            out.push(&chunk[16..]);
        }
        at += (len + 3) & !3;
    }
    out
}

impl SctpFlow {
    pub fn packet(&mut self, p: &[u8], direction: Direction, number: u64, tallies: &mut Tallies) {
        if !looks_like_sctp(p) {
            self.summary.not_sctp += 1;
            return;
        }
        let Some(stored) = p.get(8..12) else { return };
        self.summary.packets += 1;
        // The checksum travels in the byte order the CRC32c algorithm produces it (RFC 9260
        // Appendix A), which is the little-endian reading of the field.
        let stored = u32::from_le_bytes([stored[0], stored[1], stored[2], stored[3]]);
        match checksum(p) {
            Some(c) if c == stored => tallies.get(CheckId::SctpChecksum).pass(),
            c => tallies.get(CheckId::SctpChecksum).fail(|| {
                format!(
                    "packet {number}: SCTP checksum {stored:#010x}, the CRC32c of the packet is {:#010x}",
                    c.unwrap_or(0)
                )
            }),
        }
        let mut at = 12;
        while let Some(h) = p.get(at..at + 4) {
            let (kind, flags, len) = (h[0], h[1], usize::from(u16::from_be_bytes([h[2], h[3]])));
            let Some(chunk) = p.get(at..at + len).filter(|_| len >= 4) else { break };
            *self.summary.chunks.entry(chunk_name(kind)).or_default() += 1;
            if kind == DATA || kind == I_DATA {
                self.data(kind, flags, chunk, direction, number, tallies);
            }
            at += (len + 3) & !3;
        }
    }

    fn data(&mut self, kind: u8, flags: u8, chunk: &[u8], direction: Direction, number: u64, tallies: &mut Tallies) {
        // DATA: TSN, stream, SSN, PPID. I-DATA (RFC 8260): TSN, stream, reserved, MID, PPID/FSN.
        let (stream, ppid, payload) = if kind == DATA {
            let Some(h) = chunk.get(4..16) else { return };
            (u16::from_be_bytes([h[4], h[5]]), u32::from_be_bytes([h[8], h[9], h[10], h[11]]), &chunk[16..])
        } else {
            let Some(h) = chunk.get(4..20) else { return };
            (u16::from_be_bytes([h[4], h[5]]), u32::from_be_bytes([h[12], h[13], h[14], h[15]]), &chunk[20..])
        };
        let tsn = u32::from_be_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]);
        if self.tsns.insert((direction.index(), tsn), ()).is_some() {
            self.summary.retransmitted_chunks += 1;
            return;
        }
        self.tsn_order.push_back((direction.index(), tsn));
        if self.tsn_order.len() > TSN_WINDOW {
            if let Some(old) = self.tsn_order.pop_front() {
                self.tsns.remove(&old);
            }
        }
        let (begin, end) = (flags & 0x02 != 0, flags & 0x01 != 0);
        let key = (direction.index(), stream);
        if !self.partial.contains_key(&key) && self.partial.len() >= MAX_STREAMS {
            return;
        }
        if begin && ppid == PPID_DCEP {
            self.dcep(payload, direction, stream, number, tallies);
        }
        let part = self.partial.entry(key).or_default();
        if begin {
            *part = Partial { ppid, bytes: 0 };
        }
        part.bytes = (part.bytes + payload.len()).min(MAX_MESSAGE);
        if end {
            let done = std::mem::take(part);
            *self.summary.messages_by_ppid.entry(done.ppid).or_default() += 1;
            self.summary.largest_message = self.summary.largest_message.max(done.bytes);
        }
    }

    fn dcep(&mut self, m: &[u8], direction: Direction, stream: u16, number: u64, tallies: &mut Tallies) {
        match m.first() {
            Some(&DCEP_OPEN) => {
                let Some(h) = m.get(..12) else { return };
                let (label_len, protocol_len) =
                    (usize::from(u16::from_be_bytes([h[8], h[9]])), usize::from(u16::from_be_bytes([h[10], h[11]])));
                let label = m.get(12..12 + label_len).map(String::from_utf8_lossy).unwrap_or_default();
                let protocol = m
                    .get(12 + label_len..12 + label_len + protocol_len)
                    .map(String::from_utf8_lossy)
                    .unwrap_or_default();
                self.summary
                    .channels
                    .push(format!("stream {stream}: {label:?} (protocol {protocol:?}, packet {number})"));
                self.open.insert((direction.index(), stream), number);
            }
            Some(&DCEP_ACK) => {
                self.summary.acks += 1;
                if self.open.remove(&(direction.reverse().index(), stream)).is_some() {
                    tallies.get(CheckId::DcepAcknowledged).pass();
                }
            }
            _ => {}
        }
    }

    /// At the end: every DATA_CHANNEL_OPEN still unanswered is a violation (a capture cut
    /// right after an open would show one too; the finding names the packet).
    pub fn finish(&mut self, tallies: &mut Tallies) {
        for ((_, stream), number) in std::mem::take(&mut self.open) {
            tallies
                .get(CheckId::DcepAcknowledged)
                .fail(|| format!("packet {number}: DATA_CHANNEL_OPEN on stream {stream} never got a DATA_CHANNEL_ACK"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_tiled_chunks_are_sctp() {
        let mut p = vec![0x13, 0x88, 0x13, 0x88, 0, 0, 0, 1, 0, 0, 0, 0];
        p.extend_from_slice(&[3, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0]);
        assert!(looks_like_sctp(&p));
        p.extend_from_slice(&[0, 3, 0, 5, 9]);
        assert!(looks_like_sctp(&p), "a last chunk without its padding");
        assert!(!looks_like_sctp(b"hello over DTLS\n"));
        assert!(!looks_like_sctp(&p[..20]));
    }

    #[test]
    fn crc32c_matches_the_rfc_9260_appendix_check_value() {
        // The CRC32c check value of "123456789" (RFC 3720 / iSCSI, the same polynomial).
        assert_eq!(crc32c::crc32c(b"123456789"), 0xE306_9283);
    }
}
