//! UDP, and TCP streams cut into messages: RFC 4571 framing (ICE-TCP, RFC 6544) or STUN
//! framing (TURN over TCP, RFC 8656 §12.5: STUN messages and ChannelData back to back).
//!
//! The TCP reassembler keeps each direction's bytes in order, holds a bounded number of
//! out-of-order segments, and drops what it cannot place (with a warning), so memory stays
//! bounded whatever the capture.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;

use super::fasthash::FastMap;

/// Bytes held per direction while waiting for a gap to fill.
const MAX_OUT_OF_ORDER: usize = 256 * 1024;
/// Bytes of one direction's stream not yet cut into messages (a frame is at most 64 KiB).
const MAX_BUFFERED: usize = 2 * 65_542;
/// Connections tracked at once; the least recently seen is forgotten past this.
const MAX_CONNECTIONS: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    Truncated { what: &'static str, needed: usize, got: usize },
    BadHeader(&'static str),
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::Truncated { what, needed, got } => {
                write!(f, "{what} cut short: {got} bytes captured, needs {needed} (snap length?)")
            }
            TransportError::BadHeader(why) => write!(f, "malformed transport header: {why}"),
        }
    }
}

/// A UDP datagram's ports and payload.
pub fn udp(segment: &[u8]) -> Result<(u16, u16, &[u8]), TransportError> {
    let h = segment.get(..8).ok_or(TransportError::Truncated { what: "UDP header", needed: 8, got: segment.len() })?;
    let len = usize::from(u16::from_be_bytes([h[4], h[5]]));
    if len < 8 {
        return Err(TransportError::BadHeader("UDP length below 8"));
    }
    let payload = segment.get(8..len).ok_or(TransportError::Truncated {
        what: "UDP payload",
        needed: len,
        got: segment.len(),
    })?;
    Ok((u16::from_be_bytes([h[0], h[1]]), u16::from_be_bytes([h[2], h[3]]), payload))
}

pub struct TcpSegment<'a> {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub syn: bool,
    pub fin_or_rst: bool,
    pub payload: &'a [u8],
}

pub fn tcp(segment: &[u8]) -> Result<TcpSegment<'_>, TransportError> {
    let h =
        segment.get(..20).ok_or(TransportError::Truncated { what: "TCP header", needed: 20, got: segment.len() })?;
    let header_len = usize::from(h[12] >> 4) * 4;
    if header_len < 20 {
        return Err(TransportError::BadHeader("TCP data offset below 5"));
    }
    let payload = segment.get(header_len..).ok_or(TransportError::Truncated {
        what: "TCP options",
        needed: header_len,
        got: segment.len(),
    })?;
    Ok(TcpSegment {
        src_port: u16::from_be_bytes([h[0], h[1]]),
        dst_port: u16::from_be_bytes([h[2], h[3]]),
        seq: u32::from_be_bytes([h[4], h[5], h[6], h[7]]),
        syn: h[13] & 0x02 != 0,
        fin_or_rst: h[13] & 0x05 != 0,
        payload,
    })
}

/// How a TCP stream is cut into messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// A 16-bit length before each packet (RFC 4571).
    Rfc4571,
    /// STUN messages and TURN ChannelData, each self-delimiting (RFC 8656 §12.5).
    Stun,
}

/// A message cut from a TCP stream, with the packet that completed it.
pub struct StreamMessage {
    pub bytes: Vec<u8>,
    pub framing: Framing,
}

#[derive(Default)]
struct Direction {
    next_seq: Option<u32>,
    buffered: Vec<u8>,
    out_of_order: BTreeMap<u32, Vec<u8>>,
    out_of_order_bytes: usize,
    framing: Option<Framing>,
    /// Set once the stream could not be followed (a gap never filled, an impossible frame).
    lost: bool,
}

#[derive(Default)]
pub struct TcpStreams {
    directions: FastMap<(SocketAddr, SocketAddr), (Direction, u64)>,
    packets: u64,
}

/// Something the reassembler could not follow, once per direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamWarning {
    pub from: SocketAddr,
    pub to: SocketAddr,
    pub why: &'static str,
}

fn is_stun_header(b: &[u8]) -> bool {
    b.len() >= 8 && b[0] & 0xC0 == 0 && b[4..8] == [0x21, 0x12, 0xA4, 0x42]
}

/// Picks the framing from a stream's first bytes: STUN at offset 0 (TURN-TCP) or at offset 2
/// (RFC 4571); otherwise RFC 4571, the framing ICE-TCP uses for everything.
fn detect(b: &[u8]) -> Option<Framing> {
    if b.len() < 10 {
        return None;
    }
    if is_stun_header(b) {
        Some(Framing::Stun)
    } else {
        Some(Framing::Rfc4571)
    }
}

/// The length of the first message in `b`, if it is all there; `Err` if no valid message can start here.
fn frame_len(b: &[u8], framing: Framing) -> Result<Option<usize>, ()> {
    match framing {
        Framing::Rfc4571 => {
            let Some(h) = b.get(..2) else { return Ok(None) };
            let len = 2 + usize::from(u16::from_be_bytes([h[0], h[1]]));
            Ok((b.len() >= len).then_some(len))
        }
        Framing::Stun => {
            let Some(h) = b.get(..4) else { return Ok(None) };
            let body = usize::from(u16::from_be_bytes([h[2], h[3]]));
            let len = match h[0] {
                0..=3 => 20 + body,
                // ChannelData over TCP is padded to a multiple of 4 (RFC 8656 §12.5).
                0x40..=0x4F => 4 + ((body + 3) & !3),
                _ => return Err(()),
            };
            Ok((b.len() >= len).then_some(len))
        }
    }
}

impl TcpStreams {
    /// Feeds one segment; returns the messages it completed.
    pub fn push(
        &mut self,
        from: SocketAddr,
        to: SocketAddr,
        seg: &TcpSegment<'_>,
        warnings: &mut Vec<StreamWarning>,
    ) -> Vec<StreamMessage> {
        self.packets += 1;
        if !self.directions.contains_key(&(from, to)) && self.directions.len() >= MAX_CONNECTIONS {
            if let Some(k) = self.directions.iter().min_by_key(|(_, (_, seen))| *seen).map(|(k, _)| *k) {
                self.directions.remove(&k);
            }
        }
        let (d, seen) = self.directions.entry((from, to)).or_default();
        *seen = self.packets;
        let mut out = Vec::new();
        let data_seq = seg.seq.wrapping_add(u32::from(seg.syn));
        if seg.syn {
            *d = Direction { next_seq: Some(data_seq), ..Direction::default() };
        }
        if seg.payload.is_empty() || d.lost {
            return out;
        }
        let next = *d.next_seq.get_or_insert(data_seq);
        // Place the segment relative to the next expected byte (sequence numbers wrap).
        let ahead = data_seq.wrapping_sub(next) as i32;
        if ahead > 0 {
            if d.out_of_order_bytes + seg.payload.len() > MAX_OUT_OF_ORDER {
                d.lost = true;
                warnings.push(StreamWarning { from, to, why: "a gap in the TCP stream was never filled" });
                return out;
            }
            d.out_of_order_bytes += seg.payload.len();
            d.out_of_order.insert(data_seq, seg.payload.to_vec());
            return out;
        }
        let skip = ahead.unsigned_abs() as usize;
        if skip < seg.payload.len() {
            d.buffered.extend_from_slice(&seg.payload[skip..]);
            d.next_seq = Some(next.wrapping_add((seg.payload.len() - skip) as u32));
        }
        // Pull in held segments that now fit.
        while let Some((&seq, _)) =
            d.out_of_order.iter().find(|(s, _)| (s.wrapping_sub(d.next_seq.unwrap_or(0)) as i32) <= 0)
        {
            let bytes = d.out_of_order.remove(&seq).unwrap_or_default();
            d.out_of_order_bytes -= bytes.len();
            let next = d.next_seq.unwrap_or(seq);
            let skip = next.wrapping_sub(seq) as usize;
            if skip < bytes.len() {
                d.buffered.extend_from_slice(&bytes[skip..]);
                d.next_seq = Some(next.wrapping_add((bytes.len() - skip) as u32));
            }
        }
        if d.framing.is_none() {
            d.framing = detect(&d.buffered);
        }
        let Some(framing) = d.framing else { return out };
        let mut at = 0;
        loop {
            match frame_len(&d.buffered[at..], framing) {
                Ok(Some(len)) => {
                    let start = if framing == Framing::Rfc4571 { at + 2 } else { at };
                    out.push(StreamMessage { bytes: d.buffered[start..at + len].to_vec(), framing });
                    at += len;
                }
                Ok(None) => break,
                Err(()) => {
                    d.lost = true;
                    warnings.push(StreamWarning {
                        from,
                        to,
                        why: "the TCP stream holds bytes that start no STUN or ChannelData message",
                    });
                    break;
                }
            }
        }
        d.buffered.drain(..at);
        if d.buffered.len() > MAX_BUFFERED {
            d.lost = true;
            warnings.push(StreamWarning {
                from,
                to,
                why: "a frame longer than 64 KiB: the stream was joined mid-frame",
            });
        }
        if d.lost {
            d.buffered = Vec::new();
            d.out_of_order.clear();
            d.out_of_order_bytes = 0;
        }
        if seg.fin_or_rst && out.is_empty() && d.buffered.is_empty() {
            self.directions.remove(&(from, to));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(seq: u32, syn: bool, payload: &[u8]) -> TcpSegment<'_> {
        TcpSegment { src_port: 1, dst_port: 2, seq, syn, fin_or_rst: false, payload }
    }

    #[test]
    fn rfc4571_frames_are_cut_across_segments_and_reordering() {
        let (a, b): (SocketAddr, SocketAddr) = ("10.0.0.1:1".parse().unwrap(), "10.0.0.2:2".parse().unwrap());
        let mut s = TcpStreams::default();
        let mut w = Vec::new();
        let mut stream = Vec::new();
        for msg in [&[0x80u8; 12][..], &[0x16; 30][..]] {
            stream.extend_from_slice(&(msg.len() as u16).to_be_bytes());
            stream.extend_from_slice(msg);
        }
        assert!(s.push(a, b, &seg(99, true, &[]), &mut w).is_empty());
        // Second half first, then the first half, then a retransmission.
        assert!(s.push(a, b, &seg(100 + 20, false, &stream[20..]), &mut w).is_empty());
        let got = s.push(a, b, &seg(100, false, &stream[..20]), &mut w);
        assert_eq!(got.iter().map(|m| m.bytes.len()).collect::<Vec<_>>(), vec![12, 30]);
        assert!(s.push(a, b, &seg(100, false, &stream[..20]), &mut w).is_empty());
        assert!(w.is_empty());
    }

    #[test]
    fn turn_tcp_is_stun_framed_with_padded_channel_data() {
        let (a, b): (SocketAddr, SocketAddr) = ("10.0.0.1:1".parse().unwrap(), "10.0.0.2:3478".parse().unwrap());
        let mut stream = vec![0x00, 0x03, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42];
        stream.extend_from_slice(&[7; 12]);
        stream.extend_from_slice(&[0x40, 0x00, 0x00, 0x05, 1, 2, 3, 4, 5, 0, 0, 0]);
        let mut s = TcpStreams::default();
        let mut w = Vec::new();
        let got = s.push(a, b, &seg(1, false, &stream), &mut w);
        assert_eq!(
            got.iter().map(|m| (m.bytes.len(), m.framing)).collect::<Vec<_>>(),
            vec![(20, Framing::Stun), (12, Framing::Stun)]
        );
        // Garbage after that: the stream is given up with one warning.
        assert!(s.push(a, b, &seg(1 + stream.len() as u32, false, &[0xFF; 16]), &mut w).is_empty());
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn udp_and_tcp_headers_are_checked() {
        assert!(udp(&[0; 7]).is_err());
        assert!(udp(&[0, 1, 0, 2, 0, 4, 0, 0]).is_err());
        assert_eq!(udp(&[0, 1, 0, 2, 0, 9, 0, 0, 42]).unwrap(), (1, 2, &[42u8][..]));
        assert!(udp(&[0, 1, 0, 2, 0, 10, 0, 0, 42]).is_err());
        let mut t = vec![0u8; 20];
        t[12] = 0x60;
        assert!(tcp(&t).is_err());
        t[12] = 0x50;
        assert!(tcp(&t).unwrap().payload.is_empty());
    }
}
