//! STUN (RFC 8489 §5, §14): constants, the small encodings (message type, addresses, error
//! codes), and the message reader and writer in [`message`].

pub mod message;

pub use message::{fingerprint_over, integrity_over, long_term_key, Builder, Message, ParseError, RawAttribute};

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use serde::{Deserialize, Serialize};

use crate::turn::{LIFETIME, REQUESTED_TRANSPORT};

pub const HEADER_LEN: usize = 20;
pub const MAGIC_COOKIE: u32 = 0x2112_A442;
pub const FINGERPRINT_XOR: u32 = 0x5354_554e;

pub const METHOD_BINDING: u16 = 0x001;

// Attribute types, RFC 8489 §18.3 and RFC 8445 §16.1.
pub const MAPPED_ADDRESS: u16 = 0x0001;
pub const USERNAME: u16 = 0x0006;
pub const MESSAGE_INTEGRITY: u16 = 0x0008;
pub const ERROR_CODE: u16 = 0x0009;
pub const UNKNOWN_ATTRIBUTES: u16 = 0x000A;
pub const REALM: u16 = 0x0014;
pub const NONCE: u16 = 0x0015;
pub const MESSAGE_INTEGRITY_SHA256: u16 = 0x001C;
pub const PASSWORD_ALGORITHM: u16 = 0x001D;
pub const USERHASH: u16 = 0x001E;
pub const XOR_MAPPED_ADDRESS: u16 = 0x0020;
/// XOR-MAPPED-ADDRESS's code point in draft-ietf-behave-rfc3489bis-02 (rtc-stun still reads it).
pub const XOR_MAPPED_ADDRESS_DRAFT: u16 = 0x8020;
pub const PRIORITY: u16 = 0x0024;
pub const USE_CANDIDATE: u16 = 0x0025;
pub const PASSWORD_ALGORITHMS: u16 = 0x8002;
pub const ALTERNATE_DOMAIN: u16 = 0x8003;
pub const SOFTWARE: u16 = 0x8022;
pub const ALTERNATE_SERVER: u16 = 0x8023;
pub const FINGERPRINT: u16 = 0x8028;
pub const ICE_CONTROLLED: u16 = 0x8029;
pub const ICE_CONTROLLING: u16 = 0x802A;

/// A comprehension-required type (0x0000-0x7FFF) that no registry assigns, used to probe
/// the 420 rule. 0x0030 sits in the IETF-review range, unassigned at the time of writing.
pub const UNASSIGNED_REQUIRED: u16 = 0x0030;
/// A comprehension-optional type (0x8000-0xFFFF) that no registry assigns.
pub const UNASSIGNED_OPTIONAL: u16 = 0xC0DE;

/// Comprehension-required attributes are those below 0x8000 (RFC 8489 §14).
pub fn is_comprehension_required(attr_type: u16) -> bool {
    attr_type < 0x8000
}

/// The four STUN message classes (RFC 8489 §5: bits C1 C0 of the message type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    Request,
    Indication,
    Success,
    Error,
}

impl Class {
    pub fn bits(self) -> u16 {
        match self {
            Class::Request => 0b00,
            Class::Indication => 0b01,
            Class::Success => 0b10,
            Class::Error => 0b11,
        }
    }

    pub fn from_bits(bits: u16) -> Class {
        match bits & 0b11 {
            0b00 => Class::Request,
            0b01 => Class::Indication,
            0b10 => Class::Success,
            _ => Class::Error,
        }
    }
}

/// Interleaves method and class into the 14-bit message type (RFC 8489 §5, Figure 3).
pub fn message_type(class: Class, method: u16) -> u16 {
    let m = method & 0x0FFF;
    let c = class.bits();
    (m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) | ((c & 0b01) << 4) | ((c & 0b10) << 7)
}

/// Splits a message type back into class and method; the two top bits are ignored here
/// (the parser checks them separately, because they are a separate requirement).
pub fn split_message_type(typ: u16) -> (Class, u16) {
    let class = Class::from_bits(((typ >> 4) & 0b01) | ((typ >> 7) & 0b10));
    let method = (typ & 0x000F) | ((typ >> 1) & 0x0070) | ((typ >> 2) & 0x0F80);
    (class, method)
}

/// Value length rounded up to the 4-byte boundary attributes are padded to (RFC 8489 §14).
pub fn padded(len: usize) -> usize {
    (len + 3) & !3
}

/// Encodes an (XOR-)MAPPED-ADDRESS value. With `xor`, the port is XORed with the top 16
/// bits of the magic cookie and the address with the cookie (IPv4) or cookie || txid (IPv6),
/// RFC 8489 §14.2.
pub fn address_value(addr: SocketAddr, txid: &[u8; 12], xor: bool) -> Vec<u8> {
    let mut mask = [0u8; 16];
    if xor {
        mask[..4].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
        mask[4..].copy_from_slice(txid);
    }
    let port = addr.port() ^ u16::from_be_bytes([mask[0], mask[1]]);
    let mut out = vec![0u8];
    match addr.ip() {
        IpAddr::V4(ip) => {
            out.push(0x01);
            out.extend_from_slice(&port.to_be_bytes());
            out.extend(ip.octets().iter().zip(&mask[..4]).map(|(a, m)| a ^ m));
        }
        IpAddr::V6(ip) => {
            out.push(0x02);
            out.extend_from_slice(&port.to_be_bytes());
            out.extend(ip.octets().iter().zip(&mask).map(|(a, m)| a ^ m));
        }
    }
    out
}

/// Why an address value could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("address value is {0} bytes; IPv4 needs 8 and IPv6 needs 20")]
    Length(usize),
    #[error("unknown address family 0x{0:02x} (only 0x01 IPv4 and 0x02 IPv6 exist)")]
    Family(u8),
}

/// Decodes an (XOR-)MAPPED-ADDRESS value; the inverse of [`address_value`].
pub fn decode_address(value: &[u8], txid: &[u8; 12], xor: bool) -> Result<SocketAddr, AddressError> {
    if value.len() < 4 {
        return Err(AddressError::Length(value.len()));
    }
    let mut mask = [0u8; 16];
    if xor {
        mask[..4].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
        mask[4..].copy_from_slice(txid);
    }
    let port = u16::from_be_bytes([value[2], value[3]]) ^ u16::from_be_bytes([mask[0], mask[1]]);
    let ip = match (value[1], value.len()) {
        (0x01, 8) => {
            let mut o = [0u8; 4];
            for (i, b) in o.iter_mut().enumerate() {
                *b = value[4 + i] ^ mask[i];
            }
            IpAddr::V4(Ipv4Addr::from(o))
        }
        (0x02, 20) => {
            let mut o = [0u8; 16];
            for (i, b) in o.iter_mut().enumerate() {
                *b = value[4 + i] ^ mask[i];
            }
            IpAddr::V6(Ipv6Addr::from(o))
        }
        (0x01 | 0x02, n) => return Err(AddressError::Length(n)),
        (f, _) => return Err(AddressError::Family(f)),
    };
    Ok(SocketAddr::new(ip, port))
}

/// ERROR-CODE value: 21 reserved bits, class (hundreds) in 3 bits, number (0-99) in 8 bits,
/// then the reason phrase (RFC 8489 §14.8).
pub fn error_code_value(code: u16, reason: &str) -> Vec<u8> {
    let mut v = vec![0, 0, ((code / 100) & 0x07) as u8, (code % 100) as u8];
    v.extend_from_slice(reason.as_bytes());
    v
}

pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Parses hex, ignoring ASCII whitespace (so RFC vectors can be pasted as printed).
pub fn unhex(s: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return Err(format!("odd number of hex digits ({})", digits.len()));
    }
    digits
        .chunks(2)
        .map(|pair| {
            let txt = std::str::from_utf8(pair).map_err(|_| "non-ASCII in hex".to_string())?;
            u8::from_str_radix(txt, 16).map_err(|_| format!("invalid hex digits {txt:?}"))
        })
        .collect()
}

pub fn attribute_name(t: u16) -> String {
    let name = match t {
        MAPPED_ADDRESS => "MAPPED-ADDRESS",
        USERNAME => "USERNAME",
        MESSAGE_INTEGRITY => "MESSAGE-INTEGRITY",
        ERROR_CODE => "ERROR-CODE",
        UNKNOWN_ATTRIBUTES => "UNKNOWN-ATTRIBUTES",
        REALM => "REALM",
        NONCE => "NONCE",
        MESSAGE_INTEGRITY_SHA256 => "MESSAGE-INTEGRITY-SHA256",
        PASSWORD_ALGORITHM => "PASSWORD-ALGORITHM",
        USERHASH => "USERHASH",
        XOR_MAPPED_ADDRESS => "XOR-MAPPED-ADDRESS",
        PRIORITY => "PRIORITY",
        USE_CANDIDATE => "USE-CANDIDATE",
        PASSWORD_ALGORITHMS => "PASSWORD-ALGORITHMS",
        ALTERNATE_DOMAIN => "ALTERNATE-DOMAIN",
        SOFTWARE => "SOFTWARE",
        ALTERNATE_SERVER => "ALTERNATE-SERVER",
        FINGERPRINT => "FINGERPRINT",
        ICE_CONTROLLED => "ICE-CONTROLLED",
        ICE_CONTROLLING => "ICE-CONTROLLING",
        REQUESTED_TRANSPORT => "REQUESTED-TRANSPORT",
        LIFETIME => "LIFETIME",
        _ => return format!("0x{t:04X}"),
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_type_interleaving_matches_rfc_examples() {
        // RFC 8489 §5: Binding request 0x0001, success 0x0101, error 0x0111, indication 0x0011.
        assert_eq!(message_type(Class::Request, METHOD_BINDING), 0x0001);
        assert_eq!(message_type(Class::Success, METHOD_BINDING), 0x0101);
        assert_eq!(message_type(Class::Error, METHOD_BINDING), 0x0111);
        assert_eq!(message_type(Class::Indication, METHOD_BINDING), 0x0011);
        for method in [0u16, 1, 0x0F, 0x10, 0x7F, 0x80, 0xFFF] {
            for class in [Class::Request, Class::Indication, Class::Success, Class::Error] {
                assert_eq!(split_message_type(message_type(class, method)), (class, method));
            }
        }
    }

    #[test]
    fn xor_address_round_trips_and_differs_from_plain() {
        let txid = [7u8; 12];
        for addr in ["192.0.2.1:32853", "[2001:db8:1234:5678:11:2233:4455:6677]:32853"] {
            let addr: SocketAddr = addr.parse().unwrap();
            let x = address_value(addr, &txid, true);
            assert_ne!(x, address_value(addr, &txid, false));
            assert_eq!(decode_address(&x, &txid, true).unwrap(), addr);
        }
        assert_eq!(decode_address(&[0, 3, 0, 0, 1, 2, 3, 4], &txid, true), Err(AddressError::Family(3)));
        assert_eq!(decode_address(&[0, 1, 0], &txid, true), Err(AddressError::Length(3)));
    }
}
