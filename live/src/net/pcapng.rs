//! A minimal pcapng writer: one raw-IP interface, one Enhanced Packet Block per datagram,
//! with synthesized IPv4/IPv6 + UDP headers so Wireshark and tshark dissect the payload
//! (STUN is recognised on any port by its heuristic dissector, and on 3478 by default).

use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};

use super::Datagram;

const LINKTYPE_RAW: u16 = 101;

fn block(out: &mut Vec<u8>, block_type: u32, body: &[u8]) {
    let padded = (body.len() + 3) & !3;
    let total = (12 + padded) as u32;
    out.extend_from_slice(&block_type.to_le_bytes());
    out.extend_from_slice(&total.to_le_bytes());
    out.extend_from_slice(body);
    out.resize(out.len() + padded - body.len(), 0);
    out.extend_from_slice(&total.to_le_bytes());
}

fn ipv4_checksum(header: &[u8]) -> u16 {
    let mut sum: u32 = header.chunks(2).map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))).sum();
    while sum > 0xFFFF {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    !(sum as u16)
}

/// IP + UDP + payload. The UDP checksum is left 0 ("none"), which IPv4 allows and
/// Wireshark accepts for IPv6 captures without complaint about the payload.
pub fn ip_udp_packet(from: SocketAddr, to: SocketAddr, payload: &[u8]) -> Vec<u8> {
    let udp_len = (8 + payload.len()) as u16;
    let mut udp = Vec::with_capacity(udp_len as usize);
    udp.extend_from_slice(&from.port().to_be_bytes());
    udp.extend_from_slice(&to.port().to_be_bytes());
    udp.extend_from_slice(&udp_len.to_be_bytes());
    udp.extend_from_slice(&[0, 0]);
    udp.extend_from_slice(payload);
    let mut pkt = Vec::with_capacity(40 + udp.len());
    match (from.ip(), to.ip()) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let total = 20 + udp.len() as u16;
            pkt.extend_from_slice(&[0x45, 0]);
            pkt.extend_from_slice(&total.to_be_bytes());
            pkt.extend_from_slice(&[0, 0, 0x40, 0, 64, 17, 0, 0]);
            pkt.extend_from_slice(&s.octets());
            pkt.extend_from_slice(&d.octets());
            let c = ipv4_checksum(&pkt);
            pkt[10..12].copy_from_slice(&c.to_be_bytes());
        }
        (s, d) => {
            let to6 = |ip: IpAddr| match ip {
                IpAddr::V6(v) => v,
                IpAddr::V4(v) => v.to_ipv6_mapped(),
            };
            pkt.extend_from_slice(&[0x60, 0, 0, 0]);
            pkt.extend_from_slice(&(udp.len() as u16).to_be_bytes());
            pkt.extend_from_slice(&[17, 64]);
            pkt.extend_from_slice(&to6(s).octets());
            pkt.extend_from_slice(&to6(d).octets());
        }
    }
    pkt.extend_from_slice(&udp);
    pkt
}

/// The whole capture as bytes; `base_us` is the timestamp of the first packet.
pub fn encode(datagrams: &[Datagram], base_us: u64) -> Vec<u8> {
    let mut out = Vec::new();
    let mut shb = Vec::new();
    shb.extend_from_slice(&0x1A2B_3C4Du32.to_le_bytes());
    shb.extend_from_slice(&1u16.to_le_bytes());
    shb.extend_from_slice(&0u16.to_le_bytes());
    shb.extend_from_slice(&(-1i64).to_le_bytes());
    block(&mut out, 0x0A0D_0D0A, &shb);
    let mut idb = Vec::new();
    idb.extend_from_slice(&LINKTYPE_RAW.to_le_bytes());
    idb.extend_from_slice(&0u16.to_le_bytes());
    idb.extend_from_slice(&0u32.to_le_bytes());
    block(&mut out, 1, &idb);
    for d in datagrams {
        let pkt = ip_udp_packet(d.from, d.to, &d.bytes);
        let ts = base_us + d.at_us;
        let mut epb = Vec::with_capacity(20 + pkt.len());
        epb.extend_from_slice(&0u32.to_le_bytes());
        epb.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
        epb.extend_from_slice(&(ts as u32).to_le_bytes());
        epb.extend_from_slice(&(pkt.len() as u32).to_le_bytes());
        epb.extend_from_slice(&(pkt.len() as u32).to_le_bytes());
        epb.extend_from_slice(&pkt);
        block(&mut out, 6, &epb);
    }
    out
}

pub fn write(mut w: impl Write, datagrams: &[Datagram], base_us: u64) -> io::Result<()> {
    w.write_all(&encode(datagrams, base_us))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_well_formed_and_ipv4_checksum_verifies() {
        let d = Datagram {
            from: "127.0.0.1:50000".parse().unwrap(),
            to: "127.0.0.1:3478".parse().unwrap(),
            bytes: vec![1, 2, 3],
            at_us: 5,
        };
        let out = encode(&[d.clone(), d], 0);
        // Walk the blocks by their length fields: every block's trailing length matches.
        let mut at = 0;
        let mut blocks = 0;
        while at < out.len() {
            let len = u32::from_le_bytes(out[at + 4..at + 8].try_into().unwrap()) as usize;
            assert_eq!(out[at + len - 4..at + len], out[at + 4..at + 8]);
            at += len;
            blocks += 1;
        }
        assert_eq!((at, blocks), (out.len(), 4));
        let pkt = ip_udp_packet("127.0.0.1:1".parse().unwrap(), "127.0.0.2:2".parse().unwrap(), b"x");
        assert_eq!(ipv4_checksum(&pkt[..20]), 0);
    }
}
