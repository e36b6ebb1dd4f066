//! DTLS handshake messages (RFC 6347 §4.2.2, RFC 5246 §7.4): the handshake header with its
//! fragment fields, ClientHello and ServerHello with the extensions WebRTC cares about
//! (use_srtp, RFC 5764 §4.1.1; supported_versions, RFC 8446 §4.2.1), and Certificate.

use super::{records, HANDSHAKE};
use crate::read::Cursor;

/// Handshake message types (RFC 5246 §7.4, RFC 6347 §4.2.2).
pub const HELLO_REQUEST: u8 = 0;
pub const CLIENT_HELLO: u8 = 1;
pub const SERVER_HELLO: u8 = 2;
pub const HELLO_VERIFY_REQUEST: u8 = 3;
pub const CERTIFICATE: u8 = 11;
pub const SERVER_KEY_EXCHANGE: u8 = 12;
pub const CERTIFICATE_REQUEST: u8 = 13;
pub const SERVER_HELLO_DONE: u8 = 14;
pub const CERTIFICATE_VERIFY: u8 = 15;
pub const CLIENT_KEY_EXCHANGE: u8 = 16;
pub const FINISHED: u8 = 20;

/// Extension numbers.
pub const EXT_USE_SRTP: u16 = 14;
pub const EXT_SUPPORTED_VERSIONS: u16 = 43;

/// A handshake message's header in DTLS: type, length (24 bits), message_seq, fragment_offset
/// (24 bits), fragment_length (24 bits).
pub const HANDSHAKE_HEADER: usize = 12;

/// One handshake message fragment as a record carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fragment {
    pub msg_type: u8,
    pub message_seq: u16,
    /// The whole message's length.
    pub length: u32,
    pub offset: u32,
    pub fragment_length: u32,
}

impl Fragment {
    pub fn parse(bytes: &[u8]) -> Option<(Fragment, &[u8])> {
        let h = bytes.get(..HANDSHAKE_HEADER)?;
        let u24 = |at: usize| u32::from_be_bytes([0, h[at], h[at + 1], h[at + 2]]);
        let fragment = Fragment {
            msg_type: h[0],
            length: u24(1),
            message_seq: u16::from_be_bytes([h[4], h[5]]),
            offset: u24(6),
            fragment_length: u24(9),
        };
        let body = bytes.get(HANDSHAKE_HEADER..HANDSHAKE_HEADER + fragment.fragment_length as usize)?;
        Some((fragment, body))
    }

    /// The fragment's header, its fragment_length that of `body`, then `body`.
    pub fn to_bytes(self, body: &[u8]) -> Vec<u8> {
        let mut out = vec![self.msg_type];
        out.extend_from_slice(&self.length.to_be_bytes()[1..]);
        out.extend_from_slice(&self.message_seq.to_be_bytes());
        out.extend_from_slice(&self.offset.to_be_bytes()[1..]);
        out.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        out.extend_from_slice(body);
        out
    }

    /// Whether this is part of a message, not all of it.
    pub fn is_partial(&self) -> bool {
        self.offset != 0 || self.fragment_length != self.length
    }

    pub fn end(&self) -> u32 {
        self.offset + self.fragment_length
    }
}

/// A whole (unfragmented) handshake message: its header, then `body`.
pub fn whole_message(msg_type: u8, message_seq: u16, body: &[u8]) -> Vec<u8> {
    let length = body.len() as u32;
    Fragment { msg_type, message_seq, length, offset: 0, fragment_length: length }.to_bytes(body)
}

/// The handshake fragments one after another in a handshake record's body, each with its
/// bytes; a truncated one ends them.
pub fn fragments_in(mut rest: &[u8]) -> impl Iterator<Item = (Fragment, &[u8])> {
    std::iter::from_fn(move || {
        let (f, body) = Fragment::parse(rest)?;
        rest = &rest[HANDSHAKE_HEADER + body.len()..];
        Some((f, body))
    })
}

/// The handshake fragments of the epoch-0 records in a datagram.
pub fn handshake_fragments(datagram: &[u8]) -> Vec<Fragment> {
    let (records, _) = records(datagram);
    records
        .iter()
        .filter(|r| r.content_type == HANDSHAKE && r.epoch == 0)
        .flat_map(|r| fragments_in(r.body).map(|(f, _)| f))
        .collect()
}

/// What a ClientHello or ServerHello said.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hello {
    pub version: u16,
    pub random: Vec<u8>,
    pub cipher_suites: Vec<u16>,
    /// `None` without the use_srtp extension.
    pub srtp_profiles: Option<Vec<u16>>,
    pub mki: Vec<u8>,
    pub supported_versions: Vec<u16>,
}

fn u16s(b: &[u8]) -> Vec<u16> {
    b.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect()
}

/// Parses a ClientHello (`client`) or ServerHello body; `None` if it is malformed.
pub fn parse_hello(body: &[u8], client: bool) -> Option<Hello> {
    let mut c = Cursor(body);
    let mut h = Hello { version: c.u16()?, random: c.take(32)?.to_vec(), ..Hello::default() };
    c.vec8()?; // session id
    if client {
        c.vec8()?; // cookie
        h.cipher_suites = u16s(c.vec16()?);
        c.vec8()?; // compression methods
    } else {
        h.cipher_suites = vec![c.u16()?];
        c.u8()?;
    }
    if c.is_empty() {
        return Some(h);
    }
    let mut ext = Cursor(c.vec16()?);
    while !ext.is_empty() {
        let kind = ext.u16()?;
        let mut data = Cursor(ext.vec16()?);
        match kind {
            EXT_USE_SRTP => {
                h.srtp_profiles = Some(u16s(data.vec16()?));
                h.mki = data.vec8()?.to_vec();
            }
            EXT_SUPPORTED_VERSIONS if client => h.supported_versions = u16s(data.vec8()?),
            EXT_SUPPORTED_VERSIONS => h.supported_versions = vec![data.u16()?],
            _ => {}
        }
    }
    Some(h)
}

/// The DER certificates of a (DTLS 1.2) Certificate message.
pub fn parse_certificates(body: &[u8]) -> Option<Vec<&[u8]>> {
    let mut c = Cursor(body);
    let total = c.u24()? as usize;
    let mut list = Cursor(c.take(total)?);
    let mut out = Vec::new();
    while !list.is_empty() {
        let n = list.u24()? as usize;
        out.push(list.take(n)?);
    }
    Some(out)
}

pub fn name(kind: u8) -> String {
    match kind {
        HELLO_REQUEST => "hello_request".into(),
        CLIENT_HELLO => "client_hello".into(),
        SERVER_HELLO => "server_hello".into(),
        HELLO_VERIFY_REQUEST => "hello_verify_request".into(),
        CERTIFICATE => "certificate".into(),
        SERVER_KEY_EXCHANGE => "server_key_exchange".into(),
        CERTIFICATE_REQUEST => "certificate_request".into(),
        SERVER_HELLO_DONE => "server_hello_done".into(),
        CERTIFICATE_VERIFY => "certificate_verify".into(),
        CLIENT_KEY_EXCHANGE => "client_key_exchange".into(),
        FINISHED => "finished".into(),
        other => format!("type_{other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hellos_parse_use_srtp_and_versions() {
        let mut ch = vec![0xFE, 0xFD];
        ch.extend_from_slice(&[7; 32]);
        ch.extend_from_slice(&[0, 0, 0, 2, 0xC0, 0x2B, 1, 0]);
        let mut ext = Vec::new();
        ext.extend_from_slice(&[0, 14, 0, 7, 0, 4, 0, 7, 0, 1, 0]);
        ext.extend_from_slice(&[0, 43, 0, 5, 4, 0xFE, 0xFC, 0xFE, 0xFD]);
        ch.extend_from_slice(&(ext.len() as u16).to_be_bytes());
        ch.extend_from_slice(&ext);
        let h = parse_hello(&ch, true).unwrap();
        assert_eq!(h.cipher_suites, vec![0xC02B]);
        assert_eq!(h.srtp_profiles, Some(vec![7, 1]));
        assert_eq!(h.supported_versions, vec![0xFEFC, 0xFEFD]);
        assert_eq!(parse_hello(&ch[..40], true), None);
    }
}
