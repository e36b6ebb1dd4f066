//! Link layers: from a frame to the IP packet it carries.

use std::fmt;

/// tcpdump.org LINKTYPE_ values this reader understands.
pub const NULL: u32 = 0;
pub const ETHERNET: u32 = 1;
pub const RAW: u32 = 101;
pub const LOOP: u32 = 108;
pub const LINUX_SLL: u32 = 113;
pub const IPV4: u32 = 228;
pub const IPV6: u32 = 229;
pub const LINUX_SLL2: u32 = 276;
/// Some systems write DLT_RAW under these numbers.
const RAW_ALIASES: [u32; 2] = [12, 14];

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86DD;
const ETHERTYPE_VLAN: [u16; 3] = [0x8100, 0x88A8, 0x9100];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    Ipv4,
    Ipv6,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkError {
    UnknownLinkType(u32),
    /// Not IP (ARP, LLDP, ...): skipped without a warning.
    NotIp,
    Truncated {
        link: &'static str,
        needed: usize,
        got: usize,
    },
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::UnknownLinkType(t) => write!(
                f,
                "link type {t} is not supported (supported: Ethernet 1, Linux cooked SLL 113 and SLL2 276, raw IP \
                 101/228/229, BSD null 0 and loopback 108)"
            ),
            LinkError::NotIp => write!(f, "not an IP packet"),
            LinkError::Truncated { link, needed, got } => {
                write!(f, "{link} header cut short: {got} bytes, needs {needed}")
            }
        }
    }
}

fn ethertype(e: u16) -> Result<Network, LinkError> {
    match e {
        ETHERTYPE_IPV4 => Ok(Network::Ipv4),
        ETHERTYPE_IPV6 => Ok(Network::Ipv6),
        _ => Err(LinkError::NotIp),
    }
}

fn by_version(data: &[u8]) -> Result<Network, LinkError> {
    match data.first().map(|b| b >> 4) {
        Some(4) => Ok(Network::Ipv4),
        Some(6) => Ok(Network::Ipv6),
        _ => Err(LinkError::NotIp),
    }
}

fn need<'a>(data: &'a [u8], len: usize, link: &'static str) -> Result<&'a [u8], LinkError> {
    data.get(..len).ok_or(LinkError::Truncated { link, needed: len, got: data.len() })
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

/// BSD address families that mean IPv6 (they differ between the BSDs and macOS).
fn bsd_family(family: u32) -> Result<Network, LinkError> {
    match family {
        2 => Ok(Network::Ipv4),
        10 | 24 | 28 | 30 => Ok(Network::Ipv6),
        _ => Err(LinkError::NotIp),
    }
}

/// The network protocol and its packet, for a frame of `link_type`.
pub fn network(link_type: u32, data: &[u8]) -> Result<(Network, &[u8]), LinkError> {
    match link_type {
        ETHERNET => {
            let mut at = 12;
            let mut kind = be16(need(data, 14, "Ethernet")?, at);
            // 802.1Q / 802.1ad tags, possibly stacked.
            while ETHERTYPE_VLAN.contains(&kind) {
                at += 4;
                kind = be16(need(data, at + 2, "Ethernet VLAN")?, at);
            }
            Ok((ethertype(kind)?, &data[at + 2..]))
        }
        LINUX_SLL => Ok((ethertype(be16(need(data, 16, "Linux cooked (SLL)")?, 14))?, &data[16..])),
        LINUX_SLL2 => Ok((ethertype(be16(need(data, 20, "Linux cooked (SLL2)")?, 0))?, &data[20..])),
        RAW | IPV4 | IPV6 => Ok((by_version(data)?, data)),
        t if RAW_ALIASES.contains(&t) => Ok((by_version(data)?, data)),
        NULL => {
            // Host byte order of the machine that captured: the family is small, so the
            // non-zero end tells the order.
            let h: [u8; 4] = need(data, 4, "BSD null")?.try_into().unwrap_or_default();
            let family = if h[0] != 0 { u32::from_le_bytes(h) } else { u32::from_be_bytes(h) };
            Ok((bsd_family(family)?, &data[4..]))
        }
        LOOP => {
            let h: [u8; 4] = need(data, 4, "BSD loopback")?.try_into().unwrap_or_default();
            Ok((bsd_family(u32::from_be_bytes(h))?, &data[4..]))
        }
        other => Err(LinkError::UnknownLinkType(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_link_layer_yields_the_ip_packet() {
        let ip4 = [0x45u8, 0, 0, 20];
        let ip6 = [0x60u8, 0, 0, 0];
        let mut eth = vec![0u8; 12];
        eth.extend_from_slice(&[0x81, 0x00, 0, 1, 0x08, 0x00]);
        eth.extend_from_slice(&ip4);
        assert_eq!(network(ETHERNET, &eth), Ok((Network::Ipv4, &ip4[..])));
        let mut sll = vec![0u8; 14];
        sll.extend_from_slice(&[0x86, 0xDD]);
        sll.extend_from_slice(&ip6);
        assert_eq!(network(LINUX_SLL, &sll), Ok((Network::Ipv6, &ip6[..])));
        let mut sll2 = vec![0x08, 0x00];
        sll2.resize(20, 0);
        sll2.extend_from_slice(&ip4);
        assert_eq!(network(LINUX_SLL2, &sll2), Ok((Network::Ipv4, &ip4[..])));
        let null: Vec<u8> = [30u8, 0, 0, 0].iter().chain(&ip6).copied().collect();
        assert_eq!(network(NULL, &null), Ok((Network::Ipv6, &ip6[..])));
        let lo: Vec<u8> = [0u8, 0, 0, 2].iter().chain(&ip4).copied().collect();
        assert_eq!(network(LOOP, &lo), Ok((Network::Ipv4, &ip4[..])));
        assert_eq!(network(RAW, &ip6), Ok((Network::Ipv6, &ip6[..])));
    }

    #[test]
    fn short_and_foreign_frames_are_errors() {
        assert!(matches!(network(ETHERNET, &[0; 13]), Err(LinkError::Truncated { .. })));
        assert!(matches!(
            network(ETHERNET, &[0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x81, 0x00]),
            Err(LinkError::Truncated { .. })
        ));
        let mut arp = vec![0u8; 12];
        arp.extend_from_slice(&[0x08, 0x06]);
        assert_eq!(network(ETHERNET, &arp), Err(LinkError::NotIp));
        assert_eq!(network(147, &[0; 40]), Err(LinkError::UnknownLinkType(147)));
        assert_eq!(network(RAW, &[]), Err(LinkError::NotIp));
    }
}
