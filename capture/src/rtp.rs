//! RTP and RTCP headers on a flow: streams by SSRC, sequence gaps and wraps (the SRTP
//! rollover counter advances on each wrap, RFC 3711 §3.3.1). Headers are in the clear in
//! SRTP and SRTCP, so this works without keys.

use std::collections::BTreeMap;

use super::fasthash::FastMap;
use rtcspec_wire::rtp::{rtcp_sender_ssrc, RtpHeader};

use serde::{Deserialize, Serialize};

/// Streams tracked per flow; more are counted, not tracked.
const MAX_STREAMS: usize = 256;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RtpStream {
    pub packets: u64,
    pub payload_types: Vec<u8>,
    pub first_sequence: u16,
    pub last_sequence: u16,
    /// Times the 16-bit sequence number wrapped (the rollover counter at the end).
    pub rollovers: u32,
    /// Packets missing between consecutive sequence numbers (reordering counts too).
    pub gaps: u64,
    pub duplicates: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RtpSummary {
    /// Keyed by SSRC in hex.
    pub rtp: BTreeMap<String, RtpStream>,
    /// SRTCP/RTCP packets by sender SSRC (hex).
    pub rtcp: BTreeMap<String, u64>,
    /// RTP-range datagrams too short for a header.
    pub short: u64,
    pub untracked_streams: u64,
}

/// Streams keyed by SSRC as numbers while reading (no allocation per packet); the summary
/// names them in hex.
#[derive(Default)]
pub struct RtpFlow {
    rtp: FastMap<u32, RtpStream>,
    rtcp: FastMap<u32, u64>,
    short: u64,
    untracked_streams: u64,
}

impl RtpFlow {
    pub fn rtp(&mut self, d: &[u8]) {
        let Some(h) = RtpHeader::parse(d) else {
            self.short += 1;
            return;
        };
        let (seq, ssrc) = (h.sequence, h.ssrc);
        if !self.rtp.contains_key(&ssrc) && self.rtp.len() >= MAX_STREAMS {
            self.untracked_streams += 1;
            return;
        }
        let stream = self.rtp.entry(ssrc).or_insert_with(|| RtpStream {
            first_sequence: seq,
            last_sequence: seq.wrapping_sub(1),
            ..RtpStream::default()
        });
        let pt = h.payload_type;
        if !stream.payload_types.contains(&pt) && stream.payload_types.len() < 16 {
            stream.payload_types.push(pt);
        }
        stream.packets += 1;
        let delta = seq.wrapping_sub(stream.last_sequence);
        match delta {
            0 => stream.duplicates += 1,
            1..=0x7FFF => {
                stream.gaps += u64::from(delta - 1);
                if seq < stream.last_sequence {
                    stream.rollovers += 1;
                }
                stream.last_sequence = seq;
            }
            // Older than the last: reordered or retransmitted; it filled a gap counted before.
            _ => stream.gaps = stream.gaps.saturating_sub(1),
        }
    }

    pub fn rtcp(&mut self, d: &[u8]) {
        let Some(ssrc) = rtcp_sender_ssrc(d) else {
            self.short += 1;
            return;
        };
        if !self.rtcp.contains_key(&ssrc) && self.rtcp.len() >= MAX_STREAMS {
            self.untracked_streams += 1;
            return;
        }
        *self.rtcp.entry(ssrc).or_default() += 1;
    }

    pub fn summary(&self) -> RtpSummary {
        RtpSummary {
            rtp: self.rtp.iter().map(|(k, v)| (format!("{k:08x}"), v.clone())).collect(),
            rtcp: self.rtcp.iter().map(|(k, v)| (format!("{k:08x}"), *v)).collect(),
            short: self.short,
            untracked_streams: self.untracked_streams,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rtp(seq: u16) -> Vec<u8> {
        let mut p = vec![0x80, 111];
        p.extend_from_slice(&seq.to_be_bytes());
        p.extend_from_slice(&[0, 0, 0, 0, 0xAB, 0xCD, 0, 1]);
        p
    }

    #[test]
    fn gaps_wraps_and_duplicates() {
        let mut f = RtpFlow::default();
        for seq in [65_534u16, 65_535, 0, 2, 2, 1, 3] {
            f.rtp(&rtp(seq));
        }
        let summary = f.summary();
        let s = &summary.rtp["abcd0001"];
        assert_eq!((s.packets, s.rollovers, s.gaps, s.duplicates), (7, 1, 0, 1));
        assert_eq!(s.payload_types, vec![111]);
        f.rtp(&[0x80]);
        assert_eq!(f.summary().short, 1);
    }
}
