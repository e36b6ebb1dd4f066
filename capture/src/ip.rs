//! IPv4 and IPv6, with fragment reassembly.
//!
//! Reassembly keeps at most `MAX_PENDING` datagrams in progress and gives each up after
//! `REASSEMBLY_TIMEOUT` of capture time (RFC 791 suggests 15 s, Linux uses 30 s); an
//! abandoned one becomes a warning that names its first fragment. Memory is bounded by
//! `MAX_PENDING` × 64 KiB whatever the capture.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use super::link::Network;

pub const UDP: u8 = 17;
pub const TCP: u8 = 6;

const MAX_PENDING: usize = 256;
const REASSEMBLY_TIMEOUT: Duration = Duration::from_secs(30);
const MAX_DATAGRAM: usize = 65_535;

/// An IP packet's addresses, upper-layer protocol and payload (reassembled if it was fragmented).
#[derive(Debug)]
pub struct IpPacket<'a> {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub protocol: u8,
    pub payload: Cow<'a, [u8]>,
    /// The packet number of the first fragment, when reassembled.
    pub first_fragment: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IpError {
    Truncated {
        needed: usize,
        got: usize,
    },
    BadHeader(&'static str),
    /// A fragment overlapping another with different bytes, or past 65,535 bytes.
    BadFragment(&'static str),
}

impl fmt::Display for IpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IpError::Truncated { needed, got } => {
                write!(f, "IP packet cut short: {got} bytes captured, the header says {needed} (snap length?)")
            }
            IpError::BadHeader(why) => write!(f, "malformed IP header: {why}"),
            IpError::BadFragment(why) => write!(f, "IP fragment dropped: {why}"),
        }
    }
}

/// What a fragment did.
pub enum Step<'a> {
    /// A whole packet: unfragmented, or the last missing fragment arrived.
    Packet(IpPacket<'a>),
    /// A fragment was stored; the datagram is not complete yet.
    Pending,
}

#[derive(Hash, PartialEq, Eq, Clone, Copy, Debug)]
struct FragmentKey {
    src: IpAddr,
    dst: IpAddr,
    protocol: u8,
    id: u32,
}

struct Pending {
    data: Vec<u8>,
    /// Byte ranges received, unordered and possibly overlapping.
    have: Vec<(usize, usize)>,
    /// Set by the fragment without "more fragments".
    total: Option<usize>,
    first_packet: u64,
    first_seen: Duration,
}

impl Pending {
    fn complete(&mut self) -> bool {
        let Some(total) = self.total else { return false };
        self.have.sort_unstable();
        let mut covered = 0;
        for &(start, end) in &self.have {
            if start > covered {
                return false;
            }
            covered = covered.max(end);
        }
        covered >= total
    }
}

/// A fragment set that never completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Abandoned {
    pub first_packet: u64,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub received_bytes: usize,
}

impl fmt::Display for Abandoned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "IP fragments from {} to {} (first in packet {}) never completed: {} bytes received, fragments missing",
            self.src, self.dst, self.first_packet, self.received_bytes
        )
    }
}

#[derive(Default)]
pub struct Reassembler {
    pending: HashMap<FragmentKey, Pending>,
    abandoned: Vec<Abandoned>,
}

struct Fragment {
    key: FragmentKey,
    offset: usize,
    more: bool,
}

impl Reassembler {
    /// Parses one IP packet; fragments are stored until their datagram is whole.
    pub fn push<'a>(
        &mut self,
        network: Network,
        data: &'a [u8],
        number: u64,
        at: Duration,
    ) -> Result<Step<'a>, IpError> {
        self.expire(at);
        let (src, dst, protocol, payload, fragment) = match network {
            Network::Ipv4 => parse_ipv4(data)?,
            Network::Ipv6 => parse_ipv6(data)?,
        };
        let Some(fragment) = fragment else {
            return Ok(Step::Packet(IpPacket {
                src,
                dst,
                protocol,
                payload: Cow::Borrowed(payload),
                first_fragment: None,
            }));
        };
        let end = fragment.offset + payload.len();
        if end > MAX_DATAGRAM {
            return Err(IpError::BadFragment("it would end past 65,535 bytes"));
        }
        if !self.pending.contains_key(&fragment.key) && self.pending.len() >= MAX_PENDING {
            self.evict_oldest();
        }
        let p = self.pending.entry(fragment.key).or_insert_with(|| Pending {
            data: Vec::new(),
            have: Vec::new(),
            total: None,
            first_packet: number,
            first_seen: at,
        });
        if p.data.len() < end {
            p.data.resize(end, 0);
        }
        p.data[fragment.offset..end].copy_from_slice(payload);
        p.have.push((fragment.offset, end));
        if !fragment.more {
            p.total = Some(end);
        }
        if !p.complete() {
            return Ok(Step::Pending);
        }
        let Some(done) = self.pending.remove(&fragment.key) else { return Ok(Step::Pending) };
        let total = done.total.unwrap_or(done.data.len());
        let mut bytes = done.data;
        bytes.truncate(total);
        Ok(Step::Packet(IpPacket {
            src,
            dst,
            protocol,
            payload: Cow::Owned(bytes),
            first_fragment: Some(done.first_packet),
        }))
    }

    fn expire(&mut self, now: Duration) {
        if self.pending.is_empty() {
            return;
        }
        let stale: Vec<FragmentKey> = self
            .pending
            .iter()
            .filter(|(_, p)| now.saturating_sub(p.first_seen) > REASSEMBLY_TIMEOUT)
            .map(|(k, _)| *k)
            .collect();
        for k in stale {
            self.abandon(k);
        }
    }

    fn evict_oldest(&mut self) {
        if let Some(k) = self.pending.iter().min_by_key(|(_, p)| p.first_packet).map(|(k, _)| *k) {
            self.abandon(k);
        }
    }

    fn abandon(&mut self, key: FragmentKey) {
        if let Some(p) = self.pending.remove(&key) {
            let received_bytes = p.have.iter().map(|(s, e)| e - s).sum();
            self.abandoned.push(Abandoned { first_packet: p.first_packet, src: key.src, dst: key.dst, received_bytes });
        }
    }

    /// Fragment sets given up so far (and, with `at_end`, everything still pending).
    pub fn take_abandoned(&mut self, at_end: bool) -> Vec<Abandoned> {
        if at_end {
            let keys: Vec<FragmentKey> = self.pending.keys().copied().collect();
            for k in keys {
                self.abandon(k);
            }
        }
        self.abandoned.sort_by_key(|a| a.first_packet);
        std::mem::take(&mut self.abandoned)
    }
}

type Parsed<'a> = (IpAddr, IpAddr, u8, &'a [u8], Option<Fragment>);

fn parse_ipv4(data: &[u8]) -> Result<Parsed<'_>, IpError> {
    let h = data.get(..20).ok_or(IpError::Truncated { needed: 20, got: data.len() })?;
    if h[0] >> 4 != 4 {
        return Err(IpError::BadHeader("version is not 4"));
    }
    let header_len = usize::from(h[0] & 0x0F) * 4;
    let total = usize::from(u16::from_be_bytes([h[2], h[3]]));
    if header_len < 20 || total < header_len {
        return Err(IpError::BadHeader("header or total length too small"));
    }
    // Frames can carry padding after the packet (Ethernet minimum size): trust the total.
    let packet = data.get(..total).ok_or(IpError::Truncated { needed: total, got: data.len() })?;
    let src = IpAddr::V4(Ipv4Addr::new(h[12], h[13], h[14], h[15]));
    let dst = IpAddr::V4(Ipv4Addr::new(h[16], h[17], h[18], h[19]));
    let flags_offset = u16::from_be_bytes([h[6], h[7]]);
    let more = flags_offset & 0x2000 != 0;
    let offset = usize::from(flags_offset & 0x1FFF) * 8;
    let fragment = (more || offset != 0).then_some(Fragment {
        key: FragmentKey { src, dst, protocol: h[9], id: u32::from(u16::from_be_bytes([h[4], h[5]])) },
        offset,
        more,
    });
    Ok((src, dst, h[9], &packet[header_len..], fragment))
}

const IPV6_HOP_BY_HOP: u8 = 0;
const IPV6_ROUTING: u8 = 43;
const IPV6_FRAGMENT: u8 = 44;
const IPV6_DEST_OPTIONS: u8 = 60;
const IPV6_AUTH: u8 = 51;

fn parse_ipv6(data: &[u8]) -> Result<Parsed<'_>, IpError> {
    let h = data.get(..40).ok_or(IpError::Truncated { needed: 40, got: data.len() })?;
    if h[0] >> 4 != 6 {
        return Err(IpError::BadHeader("version is not 6"));
    }
    let payload_len = usize::from(u16::from_be_bytes([h[4], h[5]]));
    let packet =
        data.get(..40 + payload_len).ok_or(IpError::Truncated { needed: 40 + payload_len, got: data.len() })?;
    let octets = |at: usize| -> [u8; 16] { h[at..at + 16].try_into().unwrap_or_default() };
    let src = IpAddr::V6(Ipv6Addr::from(octets(8)));
    let dst = IpAddr::V6(Ipv6Addr::from(octets(24)));
    let (mut next, mut at, mut fragment) = (h[6], 40, None);
    loop {
        match next {
            IPV6_HOP_BY_HOP | IPV6_ROUTING | IPV6_DEST_OPTIONS | IPV6_AUTH => {
                let e = packet.get(at..at + 2).ok_or(IpError::BadHeader("extension header cut short"))?;
                let len = if next == IPV6_AUTH { (usize::from(e[1]) + 2) * 4 } else { (usize::from(e[1]) + 1) * 8 };
                next = e[0];
                at += len;
            }
            IPV6_FRAGMENT => {
                let e = packet.get(at..at + 8).ok_or(IpError::BadHeader("fragment header cut short"))?;
                let offset_flags = u16::from_be_bytes([e[2], e[3]]);
                let id = u32::from_be_bytes([e[4], e[5], e[6], e[7]]);
                next = e[0];
                at += 8;
                fragment = Some(Fragment {
                    key: FragmentKey { src, dst, protocol: next, id },
                    offset: usize::from(offset_flags >> 3) * 8,
                    more: offset_flags & 1 != 0,
                });
            }
            _ => break,
        }
    }
    let payload = packet.get(at..).ok_or(IpError::BadHeader("extension headers run past the packet"))?;
    // An atomic fragment (offset 0, no more) is a whole packet (RFC 6946).
    let fragment = fragment.filter(|f| f.more || f.offset != 0);
    Ok((src, dst, next, payload, fragment))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ipv4(id: u16, offset: usize, more: bool, payload: &[u8]) -> Vec<u8> {
        let total = (20 + payload.len()) as u16;
        let flags = (offset / 8) as u16 | if more { 0x2000 } else { 0 };
        let mut p = vec![0x45, 0];
        p.extend_from_slice(&total.to_be_bytes());
        p.extend_from_slice(&id.to_be_bytes());
        p.extend_from_slice(&flags.to_be_bytes());
        p.extend_from_slice(&[64, UDP, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
        p.extend_from_slice(payload);
        p
    }

    fn whole(step: Step<'_>) -> Vec<u8> {
        match step {
            Step::Packet(p) => p.payload.into_owned(),
            Step::Pending => panic!("expected a whole packet"),
        }
    }

    #[test]
    fn fragments_in_any_order_reassemble() {
        let data: Vec<u8> = (0..40u8).collect();
        let mut r = Reassembler::default();
        let t = Duration::ZERO;
        let (a, b, c) =
            (ipv4(7, 0, true, &data[..16]), ipv4(7, 16, true, &data[16..32]), ipv4(7, 32, false, &data[32..]));
        assert!(matches!(r.push(Network::Ipv4, &c, 1, t), Ok(Step::Pending)));
        assert!(matches!(r.push(Network::Ipv4, &a, 2, t), Ok(Step::Pending)));
        assert_eq!(whole(r.push(Network::Ipv4, &b, 3, t).unwrap()), data);
        assert!(r.take_abandoned(true).is_empty());
    }

    #[test]
    fn a_missing_fragment_is_reported_with_its_first_packet() {
        let mut r = Reassembler::default();
        let first = ipv4(9, 0, true, &[0; 16]);
        assert!(matches!(r.push(Network::Ipv4, &first, 5, Duration::ZERO), Ok(Step::Pending)));
        // A later packet past the timeout expires it.
        let later = ipv4(1, 0, false, &[1; 4]);
        assert_eq!(whole(r.push(Network::Ipv4, &later, 6, Duration::from_secs(31)).unwrap()), vec![1; 4]);
        let gone = r.take_abandoned(false);
        assert_eq!(gone.len(), 1);
        assert_eq!((gone[0].first_packet, gone[0].received_bytes), (5, 16));
    }

    #[test]
    fn pending_sets_are_bounded() {
        let mut r = Reassembler::default();
        for id in 0..(MAX_PENDING as u16 + 10) {
            let f = ipv4(id, 0, true, &[0; 8]);
            assert!(matches!(r.push(Network::Ipv4, &f, u64::from(id), Duration::ZERO), Ok(Step::Pending)));
        }
        assert_eq!(r.pending.len(), MAX_PENDING);
        assert_eq!(r.take_abandoned(false).len(), 10);
    }

    #[test]
    fn short_and_bad_headers_are_errors() {
        let mut r = Reassembler::default();
        let mut p = ipv4(1, 0, false, &[0; 8]);
        assert!(matches!(r.push(Network::Ipv4, &p[..10], 1, Duration::ZERO), Err(IpError::Truncated { .. })));
        assert!(matches!(r.push(Network::Ipv4, &p[..24], 1, Duration::ZERO), Err(IpError::Truncated { .. })));
        p[0] = 0x43;
        assert!(matches!(r.push(Network::Ipv4, &p, 1, Duration::ZERO), Err(IpError::BadHeader(_))));
        assert!(matches!(r.push(Network::Ipv6, &[0x60; 39], 1, Duration::ZERO), Err(IpError::Truncated { .. })));
        let huge = ipv4(2, 65_528, false, &[0; 16]);
        assert!(matches!(r.push(Network::Ipv4, &huge, 1, Duration::ZERO), Err(IpError::BadFragment(_))));
    }
}
