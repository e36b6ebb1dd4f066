//! rtcspec's own STUN message reader and writer.
//!
//! The harness needs both sides of the wire independently of any target: it builds the
//! inputs it sends (including deliberately broken ones) and it judges what comes back.
//! The reader is strict — every RFC 8489 §5/§14 framing rule is an error with a reason —
//! and never panics: all indexing is checked.

use std::net::SocketAddr;

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

use super::*;

/// One attribute as it sits on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawAttribute {
    pub attr_type: u16,
    /// Offset of the attribute's TLV header from the start of the message.
    pub offset: usize,
    pub value: Vec<u8>,
    /// The padding bytes that followed the value (RFC 8489 §14 says they are ignored).
    pub padding: Vec<u8>,
}

/// A STUN message read by [`Message::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub raw_type: u16,
    pub class: Class,
    pub method: u16,
    pub length: u16,
    pub cookie: u32,
    pub transaction_id: [u8; 12],
    pub attributes: Vec<RawAttribute>,
    /// The whole datagram the message was read from.
    pub bytes: Vec<u8>,
}

/// Why bytes are not a well-formed STUN message (each names the rule it breaks).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("{0} bytes is shorter than the 20-byte STUN header (RFC 8489 §5)")]
    TooShort(usize),
    #[error("the two most significant bits are {0:#04b}, they must be zero (RFC 8489 §5)")]
    TopBits(u8),
    #[error("magic cookie is 0x{0:08x}, must be 0x2112a442 (RFC 8489 §5)")]
    Cookie(u32),
    #[error("message length {0} is not a multiple of 4 (RFC 8489 §5)")]
    LengthNotAligned(u16),
    #[error("message length {declared} + 20 does not match the {actual}-byte datagram (RFC 8489 §5)")]
    LengthMismatch { declared: u16, actual: usize },
    #[error("attribute at offset {offset} is truncated: header or value runs past the message end")]
    TruncatedAttribute { offset: usize },
}

impl Message {
    pub fn parse(bytes: &[u8]) -> Result<Message, ParseError> {
        if bytes.len() < HEADER_LEN {
            return Err(ParseError::TooShort(bytes.len()));
        }
        let raw_type = u16::from_be_bytes([bytes[0], bytes[1]]);
        if raw_type & 0xC000 != 0 {
            return Err(ParseError::TopBits((bytes[0] >> 6) & 0b11));
        }
        let length = u16::from_be_bytes([bytes[2], bytes[3]]);
        let cookie = u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
        if cookie != MAGIC_COOKIE {
            return Err(ParseError::Cookie(cookie));
        }
        if !length.is_multiple_of(4) {
            return Err(ParseError::LengthNotAligned(length));
        }
        if usize::from(length) + HEADER_LEN != bytes.len() {
            return Err(ParseError::LengthMismatch { declared: length, actual: bytes.len() });
        }
        let mut transaction_id = [0u8; 12];
        transaction_id.copy_from_slice(&bytes[8..20]);
        let (class, method) = split_message_type(raw_type);
        let attributes = parse_attributes(bytes)?;
        Ok(Message { raw_type, class, method, length, cookie, transaction_id, attributes, bytes: bytes.to_vec() })
    }

    /// The first attribute of a type, as the RFC says receivers use (RFC 8489 §14).
    pub fn attribute(&self, attr_type: u16) -> Option<&RawAttribute> {
        self.attributes.iter().find(|a| a.attr_type == attr_type)
    }

    pub fn has(&self, attr_type: u16) -> bool {
        self.attribute(attr_type).is_some()
    }

    pub fn text(&self, attr_type: u16) -> Option<String> {
        self.attribute(attr_type).map(|a| String::from_utf8_lossy(&a.value).into_owned())
    }

    /// Any XOR-encoded address attribute (XOR-PEER-ADDRESS, XOR-RELAYED-ADDRESS, ...).
    pub fn xor_address(&self, attr_type: u16) -> Option<Result<SocketAddr, AddressError>> {
        self.attribute(attr_type).map(|a| decode_address(&a.value, &self.transaction_id, true))
    }

    pub fn xor_mapped_address(&self) -> Option<Result<SocketAddr, AddressError>> {
        self.attribute(XOR_MAPPED_ADDRESS).map(|a| decode_address(&a.value, &self.transaction_id, true))
    }

    /// (code, reason) from ERROR-CODE; `None` when absent or shorter than 4 bytes.
    pub fn error_code(&self) -> Option<(u16, String)> {
        let v = &self.attribute(ERROR_CODE)?.value;
        if v.len() < 4 {
            return None;
        }
        let code = u16::from(v[2] & 0x07) * 100 + u16::from(v[3]);
        Some((code, String::from_utf8_lossy(&v[4..]).into_owned()))
    }

    pub fn unknown_attributes(&self) -> Option<Vec<u16>> {
        let v = &self.attribute(UNKNOWN_ATTRIBUTES)?.value;
        Some(v.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect())
    }

    /// Verifies MESSAGE-INTEGRITY (HMAC-SHA1) or MESSAGE-INTEGRITY-SHA256 with `key`, the way
    /// RFC 8489 §14.5/§14.6 says: over the message up to the attribute, with the header length
    /// adjusted to end just after it. `None` if the attribute is absent.
    pub fn verify_integrity(&self, attr_type: u16, key: &[u8]) -> Option<bool> {
        let attr = self.attribute(attr_type)?;
        let len = attr.value.len();
        // SHA-1 is 20 bytes; SHA-256 may be truncated to 16..32 in steps of 4 (§14.6).
        let well_sized =
            if attr_type == MESSAGE_INTEGRITY_SHA256 { (16..=32).contains(&len) && len % 4 == 0 } else { len == 20 };
        if !well_sized {
            return Some(false);
        }
        let expected = integrity_over(&self.bytes, attr.offset, attr_type, key, attr.value.len());
        Some(expected.as_deref() == Some(&attr.value[..]))
    }

    /// Verifies FINGERPRINT (RFC 8489 §14.7). `None` if absent.
    pub fn verify_fingerprint(&self) -> Option<bool> {
        let attr = self.attribute(FINGERPRINT)?;
        if attr.value.len() != 4 {
            return Some(false);
        }
        let got = u32::from_be_bytes([attr.value[0], attr.value[1], attr.value[2], attr.value[3]]);
        Some(got == fingerprint_over(&self.bytes, attr.offset))
    }
}

fn parse_attributes(bytes: &[u8]) -> Result<Vec<RawAttribute>, ParseError> {
    let mut attributes = Vec::new();
    let mut offset = HEADER_LEN;
    while offset < bytes.len() {
        let header = bytes.get(offset..offset + 4).ok_or(ParseError::TruncatedAttribute { offset })?;
        let attr_type = u16::from_be_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_be_bytes([header[2], header[3]]));
        let value_start = offset + 4;
        let value = bytes.get(value_start..value_start + len).ok_or(ParseError::TruncatedAttribute { offset })?;
        let padding =
            bytes.get(value_start + len..value_start + padded(len)).ok_or(ParseError::TruncatedAttribute { offset })?;
        attributes.push(RawAttribute { attr_type, offset, value: value.to_vec(), padding: padding.to_vec() });
        offset = value_start + padded(len);
    }
    Ok(attributes)
}

/// HMAC over `bytes[..attr_offset]` with the length field rewritten to cover the integrity
/// attribute itself. `value_len` is the length of the attribute's value (20 for SHA-1, 16..32
/// for SHA-256 which may be truncated, RFC 8489 §14.6). `None` if the offsets do not fit.
pub fn integrity_over(
    bytes: &[u8],
    attr_offset: usize,
    attr_type: u16,
    key: &[u8],
    value_len: usize,
) -> Option<Vec<u8>> {
    let prefix = bytes.get(..attr_offset)?;
    if prefix.len() < HEADER_LEN {
        return None;
    }
    let covered_len = u16::try_from(attr_offset - HEADER_LEN + 4 + padded(value_len)).ok()?;
    let mut data = prefix.to_vec();
    data[2..4].copy_from_slice(&covered_len.to_be_bytes());
    let mac = if attr_type == MESSAGE_INTEGRITY_SHA256 {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).ok()?;
        m.update(&data);
        m.finalize().into_bytes().to_vec()
    } else {
        let mut m = <Hmac<Sha1> as Mac>::new_from_slice(key).ok()?;
        m.update(&data);
        m.finalize().into_bytes().to_vec()
    };
    mac.get(..value_len).map(<[u8]>::to_vec)
}

/// CRC-32 of `bytes[..attr_offset]` (length field covering the FINGERPRINT attribute)
/// XOR 0x5354554e (RFC 8489 §14.7).
pub fn fingerprint_over(bytes: &[u8], attr_offset: usize) -> u32 {
    let Some(prefix) = bytes.get(..attr_offset) else { return 0 };
    if prefix.len() < HEADER_LEN {
        return 0;
    }
    let mut data = prefix.to_vec();
    let covered = (attr_offset - HEADER_LEN + 8) as u16;
    data[2..4].copy_from_slice(&covered.to_be_bytes());
    crc32fast::hash(&data) ^ FINGERPRINT_XOR
}

/// Long-term credential key, MD5(username ":" realm ":" password) (RFC 8489 §9.2.2),
/// without the SASLprep step (test credentials are plain ASCII).
pub fn long_term_key(username: &str, realm: &str, password: &str) -> Vec<u8> {
    use md5::{Digest, Md5};
    Md5::digest(format!("{username}:{realm}:{password}").as_bytes()).to_vec()
}

/// Builds STUN messages attribute by attribute, including broken ones: nothing here
/// refuses to write what a test wants to send.
#[derive(Debug, Clone)]
pub struct Builder {
    buf: Vec<u8>,
}

impl Builder {
    pub fn new(class: Class, method: u16, transaction_id: [u8; 12]) -> Builder {
        Builder::with_raw_type(message_type(class, method), transaction_id)
    }

    pub fn with_raw_type(raw_type: u16, transaction_id: [u8; 12]) -> Builder {
        let mut buf = Vec::with_capacity(128);
        buf.extend_from_slice(&raw_type.to_be_bytes());
        buf.extend_from_slice(&[0, 0]);
        buf.extend_from_slice(&MAGIC_COOKIE.to_be_bytes());
        buf.extend_from_slice(&transaction_id);
        Builder { buf }
    }

    pub fn transaction_id(&self) -> [u8; 12] {
        let mut t = [0u8; 12];
        t.copy_from_slice(&self.buf[8..20]);
        t
    }

    /// Appends an attribute, zero-padded to a 4-byte boundary.
    pub fn attr(self, attr_type: u16, value: &[u8]) -> Builder {
        self.attr_padded_with(attr_type, value, 0)
    }

    /// Appends an attribute whose padding bytes are `pad` instead of zero.
    pub fn attr_padded_with(mut self, attr_type: u16, value: &[u8], pad: u8) -> Builder {
        self.buf.extend_from_slice(&attr_type.to_be_bytes());
        self.buf.extend_from_slice(&(value.len() as u16).to_be_bytes());
        self.buf.extend_from_slice(value);
        self.buf.resize(self.buf.len() + padded(value.len()) - value.len(), pad);
        self.sync_length();
        self
    }

    pub fn text(self, attr_type: u16, value: &str) -> Builder {
        self.attr(attr_type, value.as_bytes())
    }

    pub fn xor_mapped_address(self, addr: SocketAddr) -> Builder {
        let txid = self.transaction_id();
        self.attr(XOR_MAPPED_ADDRESS, &address_value(addr, &txid, true))
    }

    pub fn error_code(self, code: u16, reason: &str) -> Builder {
        self.attr(ERROR_CODE, &error_code_value(code, reason))
    }

    pub fn priority(self, priority: u32) -> Builder {
        self.attr(PRIORITY, &priority.to_be_bytes())
    }

    pub fn ice_controlling(self, tie_breaker: u64) -> Builder {
        self.attr(ICE_CONTROLLING, &tie_breaker.to_be_bytes())
    }

    pub fn ice_controlled(self, tie_breaker: u64) -> Builder {
        self.attr(ICE_CONTROLLED, &tie_breaker.to_be_bytes())
    }

    /// Appends MESSAGE-INTEGRITY computed with `key` (RFC 8489 §14.5).
    pub fn message_integrity(self, key: &[u8]) -> Builder {
        self.integrity(MESSAGE_INTEGRITY, key, 20)
    }

    /// Appends a MESSAGE-INTEGRITY of only `len` bytes: the HMAC-SHA1 over the message with
    /// its length ending after a `len`-byte attribute, cut to `len`. Never valid (§14.5 says
    /// 20 bytes); a receiver that compares only the bytes it was given takes it.
    pub fn message_integrity_truncated(self, key: &[u8], len: usize) -> Builder {
        self.integrity(MESSAGE_INTEGRITY, key, len)
    }

    /// Appends MESSAGE-INTEGRITY-SHA256, truncated to `len` bytes (RFC 8489 §14.6).
    pub fn message_integrity_sha256(self, key: &[u8], len: usize) -> Builder {
        self.integrity(MESSAGE_INTEGRITY_SHA256, key, len)
    }

    fn integrity(self, attr_type: u16, key: &[u8], len: usize) -> Builder {
        let offset = self.buf.len();
        let mac = integrity_over(&self.buf, offset, attr_type, key, len).unwrap_or_default();
        self.attr(attr_type, &mac)
    }

    /// Appends FINGERPRINT (RFC 8489 §14.7).
    pub fn fingerprint(self) -> Builder {
        let crc = fingerprint_over(&self.buf, self.buf.len());
        self.attr(FINGERPRINT, &crc.to_be_bytes())
    }

    /// Overrides the header length field (after all attributes are written).
    pub fn declared_length(mut self, length: u16) -> Builder {
        self.buf[2..4].copy_from_slice(&length.to_be_bytes());
        self
    }

    fn sync_length(&mut self) {
        let len = (self.buf.len() - HEADER_LEN) as u16;
        self.buf[2..4].copy_from_slice(&len.to_be_bytes());
    }

    pub fn build(self) -> Vec<u8> {
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_output_parses_and_verifies() {
        let key = b"VOkJxbRl1RmTxUk/WvJxBt";
        let m = Builder::new(Class::Request, METHOD_BINDING, [1; 12])
            .text(USERNAME, "evtj:h6vY")
            .text(SOFTWARE, "abc")
            .message_integrity(key)
            .message_integrity_sha256(key, 32)
            .fingerprint()
            .build();
        let p = Message::parse(&m).unwrap();
        assert_eq!(p.class, Class::Request);
        assert_eq!(p.verify_integrity(MESSAGE_INTEGRITY, key), Some(true));
        assert_eq!(p.verify_integrity(MESSAGE_INTEGRITY, b"wrong"), Some(false));
        assert_eq!(p.verify_integrity(MESSAGE_INTEGRITY_SHA256, key), Some(true));
        assert_eq!(p.verify_fingerprint(), Some(true));
        assert_eq!(p.attribute(SOFTWARE).unwrap().padding, vec![0]);
    }

    #[test]
    fn parse_errors_name_the_rule() {
        let good = Builder::new(Class::Request, METHOD_BINDING, [1; 12]).text(SOFTWARE, "x").build();
        let mut top = good.clone();
        top[0] |= 0x80;
        assert!(matches!(Message::parse(&top), Err(ParseError::TopBits(0b10))));
        assert!(matches!(Message::parse(&good[..19]), Err(ParseError::TooShort(19))));
        let mut trailing = good.clone();
        trailing.extend_from_slice(&[0; 4]);
        assert!(matches!(Message::parse(&trailing), Err(ParseError::LengthMismatch { .. })));
        let mut overrun = good;
        overrun[22..24].copy_from_slice(&200u16.to_be_bytes());
        assert!(matches!(Message::parse(&overrun), Err(ParseError::TruncatedAttribute { offset: 20 })));
    }
}
