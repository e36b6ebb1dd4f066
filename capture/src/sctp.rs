//! SCTP inside DTLS (RFC 8261): the common header and CRC32c (RFC 9260 §6.8), chunks, DATA
//! reassembled into messages per stream, and the Data Channel Establishment Protocol
//! (RFC 8832): DATA_CHANNEL_OPEN and DATA_CHANNEL_ACK.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use super::checks::{CheckId, Tallies};
use super::fasthash::FastMap;
use rtcspec_wire::dcep::{Open, DATA_CHANNEL_ACK, DATA_CHANNEL_OPEN, OPEN_HEADER, PPID_DCEP};
use rtcspec_wire::sctp::{checksum, chunk_name, chunks, looks_like_sctp, stored_checksum, Data, DATA, I_DATA};
use rtcspec_wire::Direction;

/// Bytes held per stream while a message is being reassembled.
const MAX_MESSAGE: usize = 1 << 20;
const MAX_STREAMS: usize = 1024;
/// TSNs remembered per association to spot retransmissions.
const TSN_WINDOW: usize = 4096;

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

impl SctpFlow {
    pub fn packet(&mut self, p: &[u8], direction: Direction, number: u64, tallies: &mut Tallies) {
        if !looks_like_sctp(p) {
            self.summary.not_sctp += 1;
            return;
        }
        let Some(stored) = stored_checksum(p) else { return };
        self.summary.packets += 1;
        match checksum(p) {
            Some(c) if c == stored => tallies.get(CheckId::SctpChecksum).pass(),
            c => tallies.get(CheckId::SctpChecksum).fail(|| {
                format!(
                    "packet {number}: SCTP checksum {stored:#010x}, the CRC32c of the packet is {:#010x}",
                    c.unwrap_or(0)
                )
            }),
        }
        for chunk in chunks(p) {
            *self.summary.chunks.entry(chunk_name(chunk.kind)).or_default() += 1;
            if chunk.kind == DATA || chunk.kind == I_DATA {
                if let Some(data) = Data::read(&chunk) {
                    self.data(&data, direction, number, tallies);
                }
            }
        }
    }

    fn data(&mut self, data: &Data, direction: Direction, number: u64, tallies: &mut Tallies) {
        let (tsn, stream, ppid, payload) = (data.tsn, data.stream, data.ppid, &data.payload[..]);
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
        let (begin, end) = (data.beginning, data.ending);
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
            Some(&DATA_CHANNEL_OPEN) => {
                let Some((label_len, protocol_len)) = Open::lengths(m) else { return };
                let label =
                    m.get(OPEN_HEADER..OPEN_HEADER + label_len).map(String::from_utf8_lossy).unwrap_or_default();
                let protocol = m
                    .get(OPEN_HEADER + label_len..OPEN_HEADER + label_len + protocol_len)
                    .map(String::from_utf8_lossy)
                    .unwrap_or_default();
                self.summary
                    .channels
                    .push(format!("stream {stream}: {label:?} (protocol {protocol:?}, packet {number})"));
                self.open.insert((direction.index(), stream), number);
            }
            Some(&DATA_CHANNEL_ACK) => {
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
