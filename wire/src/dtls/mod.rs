//! DTLS records (RFC 6347 §4.1, and RFC 9147 §4's unified header for DTLS 1.3) and the
//! names of versions, cipher suites and SRTP protection profiles. Handshake messages are in
//! [`handshake`].

pub mod handshake;

use crate::read::be;

/// Record content types (RFC 5246 §6.2.1, RFC 6347 §4.1).
pub const CHANGE_CIPHER_SPEC: u8 = 20;
pub const ALERT: u8 = 21;
pub const HANDSHAKE: u8 = 22;
pub const APPLICATION_DATA: u8 = 23;

/// Protocol versions as records and supported_versions carry them.
pub const DTLS_1_0: u16 = 0xFEFF;
pub const DTLS_1_2: u16 = 0xFEFD;
pub const DTLS_1_3: u16 = 0xFEFC;

/// The cipher suite every WebRTC implementation must support (RFC 8827 §6.5).
pub const TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: u16 = 0xC02B;

/// The DTLS 1.2 record header: type, version, epoch, sequence number (48 bits), length.
pub const RECORD_HEADER: usize = 13;
/// AES-GCM's explicit nonce before the ciphertext of a DTLS 1.2 record (RFC 5288 §3).
pub const EXPLICIT_NONCE: usize = 8;

/// One record's header fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    pub content_type: u8,
    pub version: u16,
    pub epoch: u16,
    /// `None` in a DTLS 1.3 unified header (sequence numbers are encrypted there).
    pub sequence: Option<u64>,
    pub body: &'a [u8],
}

/// Why a datagram's records could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    /// The first record is malformed.
    Malformed(String),
    /// Valid records followed by bytes that are no record (RFC 5764 §4.1).
    Trailing { records: usize, bytes: usize, first: u8 },
    /// A DTLS 1.3 record with a connection ID: its length cannot be known without the handshake.
    ConnectionId,
}

/// Splits a datagram into records.
pub fn records(d: &[u8]) -> (Vec<Record<'_>>, Option<RecordError>) {
    let mut out = Vec::new();
    let mut at = 0;
    while at < d.len() {
        let rest = &d[at..];
        let bad = |why: String, out: &Vec<Record<'_>>| {
            if out.is_empty() {
                RecordError::Malformed(why)
            } else {
                RecordError::Trailing { records: out.len(), bytes: rest.len(), first: rest[0] }
            }
        };
        match rest[0] {
            0x20..=0x3F => {
                // Unified header: 0 0 1 C S L E E.
                let flags = rest[0];
                if flags & 0x10 != 0 {
                    return (out, Some(RecordError::ConnectionId));
                }
                let seq_len = if flags & 0x08 != 0 { 2 } else { 1 };
                let mut header = 1 + seq_len;
                let len = if flags & 0x04 != 0 {
                    let Some(l) = rest.get(header..header + 2) else {
                        return (out.clone(), Some(bad("DTLS 1.3 header cut short".into(), &out)));
                    };
                    header += 2;
                    usize::from(u16::from_be_bytes([l[0], l[1]]))
                } else {
                    rest.len().saturating_sub(header)
                };
                let Some(body) = rest.get(header..header + len) else {
                    return (
                        out.clone(),
                        Some(bad(format!("DTLS 1.3 record length {len} runs past the datagram"), &out)),
                    );
                };
                out.push(Record {
                    content_type: APPLICATION_DATA,
                    version: DTLS_1_3,
                    epoch: u16::from(flags & 0x03),
                    sequence: None,
                    body,
                });
                at += header + len;
            }
            20..=26 => {
                let Some(h) = rest.get(..13) else {
                    return (
                        out.clone(),
                        Some(bad(format!("{} bytes, shorter than a 13-byte record header", rest.len()), &out)),
                    );
                };
                let version = u16::from_be_bytes([h[1], h[2]]);
                if !matches!(version, DTLS_1_0 | DTLS_1_2) {
                    return (
                        out.clone(),
                        Some(bad(format!("record version {version:#06x} is not DTLS (0xfeff, 0xfefd)"), &out)),
                    );
                }
                let len = usize::from(u16::from_be_bytes([h[11], h[12]]));
                let Some(body) = rest.get(13..13 + len) else {
                    return (
                        out.clone(),
                        Some(bad(
                            format!("record length {len} runs past the datagram ({} bytes left)", rest.len() - 13),
                            &out,
                        )),
                    );
                };
                out.push(Record {
                    content_type: h[0],
                    version,
                    epoch: u16::from_be_bytes([h[3], h[4]]),
                    sequence: Some(be(&h[5..11])),
                    body,
                });
                at += 13 + len;
            }
            other => {
                let why = format!("first byte {other} starts no DTLS record");
                return (out.clone(), Some(bad(why, &out)));
            }
        }
    }
    (out, None)
}

/// One DTLS 1.2 record, owned: header fields and the fragment as it is on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRecord {
    pub content_type: u8,
    pub version: u16,
    pub epoch: u16,
    pub sequence: u64,
    pub fragment: Vec<u8>,
}

impl RawRecord {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(RECORD_HEADER + self.fragment.len());
        out.push(self.content_type);
        out.extend_from_slice(&self.version.to_be_bytes());
        out.extend_from_slice(&self.epoch.to_be_bytes());
        out.extend_from_slice(&self.sequence.to_be_bytes()[2..]);
        out.extend_from_slice(&(self.fragment.len() as u16).to_be_bytes());
        out.extend_from_slice(&self.fragment);
        out
    }

    /// A record [`records`] read, owned; `None` for a DTLS 1.3 unified header, whose sequence
    /// number is encrypted.
    pub fn from_record(record: &Record<'_>) -> Option<RawRecord> {
        Some(RawRecord {
            content_type: record.content_type,
            version: record.version,
            epoch: record.epoch,
            sequence: record.sequence?,
            fragment: record.body.to_vec(),
        })
    }

    /// A datagram that is exactly one DTLS 1.2 record; `None` for anything else.
    pub fn parse_single(datagram: &[u8]) -> Option<RawRecord> {
        let h = datagram.get(..RECORD_HEADER)?;
        let len = usize::from(u16::from_be_bytes([h[11], h[12]]));
        if datagram.len() != RECORD_HEADER + len {
            return None;
        }
        Some(RawRecord {
            content_type: h[0],
            version: u16::from_be_bytes([h[1], h[2]]),
            epoch: u16::from_be_bytes([h[3], h[4]]),
            sequence: be(&h[5..11]),
            fragment: datagram[RECORD_HEADER..].to_vec(),
        })
    }
}

pub fn version_name(v: u16) -> String {
    match v {
        DTLS_1_0 => "DTLS 1.0".into(),
        DTLS_1_2 => "DTLS 1.2".into(),
        DTLS_1_3 => "DTLS 1.3".into(),
        // A TLS code point in a DTLS supported_versions (NSS adds TLS 1.2's for compatibility).
        0x0303 => "TLS 1.2 (0x0303)".into(),
        0x0304 => "TLS 1.3 (0x0304)".into(),
        other => format!("{other:#06x}"),
    }
}

pub fn cipher_suite_name(c: u16) -> String {
    let name = match c {
        0xC02B => "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        0xC02C => "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        0xC02F => "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        0xC030 => "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        0xCCA8 => "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        0xCCA9 => "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        0xC009 => "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        0xC00A => "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        0xC013 => "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        0xC014 => "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        0x1301 => "TLS_AES_128_GCM_SHA256",
        0x1302 => "TLS_AES_256_GCM_SHA384",
        0x1303 => "TLS_CHACHA20_POLY1305_SHA256",
        _ => return format!("{c:#06x}"),
    };
    format!("{name} ({c:#06x})")
}

pub fn profile_name(p: u16) -> String {
    match p {
        0x0001 => "SRTP_AES128_CM_HMAC_SHA1_80".into(),
        0x0002 => "SRTP_AES128_CM_HMAC_SHA1_32".into(),
        0x0005 => "SRTP_NULL_HMAC_SHA1_80".into(),
        0x0006 => "SRTP_NULL_HMAC_SHA1_32".into(),
        0x0007 => "SRTP_AEAD_AES_128_GCM".into(),
        0x0008 => "SRTP_AEAD_AES_256_GCM".into(),
        other => format!("{other:#06x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(content_type: u8, epoch: u16, seq: u64, body: &[u8]) -> Vec<u8> {
        let mut r = vec![content_type, 0xFE, 0xFD];
        r.extend_from_slice(&epoch.to_be_bytes());
        r.extend_from_slice(&seq.to_be_bytes()[2..]);
        r.extend_from_slice(&(body.len() as u16).to_be_bytes());
        r.extend_from_slice(body);
        r
    }

    #[test]
    fn records_are_split_and_trailing_bytes_reported() {
        let mut d = record(22, 0, 1, &[1, 2, 3]);
        d.extend(record(20, 0, 2, &[1]));
        let (rs, err) = records(&d);
        assert_eq!((rs.len(), err), (2, None));
        assert_eq!(rs[1].sequence, Some(2));
        d.extend_from_slice(&[0x80, 0x60, 0, 1]);
        let (rs, err) = records(&d);
        assert_eq!(rs.len(), 2);
        assert_eq!(err, Some(RecordError::Trailing { records: 2, bytes: 4, first: 0x80 }));
        assert!(matches!(records(&[22, 0xFE, 0xFD, 0, 0]).1, Some(RecordError::Malformed(_))));
        assert!(matches!(records(&record(22, 0, 0, &[0; 4])[..15]).1, Some(RecordError::Malformed(_))));
    }

    #[test]
    fn unified_headers_are_counted_with_their_epoch_bits() {
        // 001 C=0 S=1 L=1 EE=3: 16-bit sequence, 16-bit length.
        let d = [0x2F, 0xAA, 0xBB, 0x00, 0x02, 9, 9];
        let (rs, err) = records(&d);
        assert_eq!(err, None);
        assert_eq!((rs[0].epoch, rs[0].sequence, rs[0].body), (3, None, &[9u8, 9][..]));
        assert_eq!(records(&[0x3F, 0, 0, 0]).1, Some(RecordError::ConnectionId));
    }

    #[test]
    fn a_record_goes_to_bytes_and_back() {
        let r = RawRecord {
            content_type: 23,
            version: DTLS_1_2,
            epoch: 1,
            sequence: 0x0102_0304_0506,
            fragment: vec![9; 5],
        };
        let bytes = r.to_bytes();
        assert_eq!(bytes[..RECORD_HEADER], [23, 0xfe, 0xfd, 0, 1, 1, 2, 3, 4, 5, 6, 0, 5]);
        assert_eq!(RawRecord::parse_single(&bytes), Some(r));
        assert_eq!(RawRecord::parse_single(&bytes[..bytes.len() - 1]), None);
        assert_eq!(RawRecord::parse_single(&[23, 0xfe]), None);
    }
}
