//! DTLS on a flow: the record layer (DTLS 1.0/1.2 headers and the DTLS 1.3 unified header,
//! RFC 9147 §4), the plaintext handshake (ClientHello, HelloVerifyRequest, ServerHello,
//! Certificate), use_srtp negotiation (RFC 5764 §4.1), the certificate against the SDP's
//! fingerprints (RFC 8122 §5.1) and plaintext alerts.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};
use sha2::Digest;

use super::checks::{CheckId, Tallies};
use super::dtls_decrypt::RecordDecryptor;
use super::fasthash::{FastMap, FxHasher};
use super::flow::Direction;
use super::sdp_info::SessionInfo;

const CHANGE_CIPHER_SPEC: u8 = 20;
const ALERT: u8 = 21;
const HANDSHAKE: u8 = 22;
const APPLICATION_DATA: u8 = 23;

const CLIENT_HELLO: u8 = 1;
const SERVER_HELLO: u8 = 2;
const HELLO_VERIFY_REQUEST: u8 = 3;
const CERTIFICATE: u8 = 11;

const EXT_USE_SRTP: u16 = 14;
const EXT_SUPPORTED_VERSIONS: u16 = 43;
const DTLS_1_3: u16 = 0xFEFC;

/// (epoch, sequence) pairs remembered per sender to spot reuse.
const RECORD_WINDOW: usize = 4096;
/// Largest handshake message reassembled (certificate chains are a few KiB).
const MAX_HANDSHAKE: usize = 65_536;

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

fn be(b: &[u8]) -> u64 {
    b.iter().fold(0, |v, x| (v << 8) | u64::from(*x))
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
                if !matches!(version, 0xFEFF | 0xFEFD) {
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

struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (a, b) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = b;
        Some(a)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_be_bytes([b[0], b[1]]))
    }
    fn vec8(&mut self) -> Option<&'a [u8]> {
        let n = usize::from(self.u8()?);
        self.take(n)
    }
    fn vec16(&mut self) -> Option<&'a [u8]> {
        let n = usize::from(self.u16()?);
        self.take(n)
    }
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
    if c.0.is_empty() {
        return Some(h);
    }
    let mut ext = Cursor(c.vec16()?);
    while !ext.0.is_empty() {
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
    let total = be(c.take(3)?) as usize;
    let mut list = Cursor(c.take(total)?);
    let mut out = Vec::new();
    while !list.0.is_empty() {
        let n = be(list.take(3)?) as usize;
        out.push(list.take(n)?);
    }
    Some(out)
}

/// The certificate's digest under an SDP hash function name, if rtcspec knows the function.
pub fn digest(hash: &str, der: &[u8]) -> Option<Vec<u8>> {
    Some(match hash {
        "sha-1" => sha1::Sha1::digest(der).to_vec(),
        "sha-224" => sha2::Sha224::digest(der).to_vec(),
        "sha-256" => sha2::Sha256::digest(der).to_vec(),
        "sha-384" => sha2::Sha384::digest(der).to_vec(),
        "sha-512" => sha2::Sha512::digest(der).to_vec(),
        "md5" => md5::Md5::digest(der).to_vec(),
        _ => return None,
    })
}

pub fn version_name(v: u16) -> String {
    match v {
        0xFEFF => "DTLS 1.0".into(),
        0xFEFD => "DTLS 1.2".into(),
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

/// What the DTLS traffic of one flow amounted to.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DtlsSummary {
    pub records: u64,
    /// Records with a DTLS 1.3 unified header (RFC 9147 §4).
    pub unified_header_records: u64,
    pub records_per_epoch: BTreeMap<u16, u64>,
    pub handshake_messages: BTreeMap<String, u64>,
    /// "DTLS 1.2" or "DTLS 1.3", from the ServerHello.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cipher_suite: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub srtp_profile: Option<String>,
    /// Plaintext alerts: "packet N: fatal 42 from A".
    pub alerts: Vec<String>,
    /// Certificates seen, with the SDP fingerprint each matched ("none" if none).
    pub certificates: Vec<String>,
    /// With a key log: application data records decrypted and authenticated, and not.
    #[serde(default)]
    pub decrypted_records: u64,
    #[serde(default)]
    pub undecryptable_records: u64,
}

/// What the SRTP key export needs from a DTLS 1.2 handshake.
pub struct KeyingInputs<'a> {
    /// The direction the DTLS client sends in.
    pub client: Direction,
    pub client_random: &'a [u8],
    pub server_random: &'a [u8],
    pub cipher_suite: u16,
    pub srtp_profile: u16,
}

#[derive(Default)]
struct Reassembly {
    length: usize,
    data: Vec<u8>,
    have: Vec<(usize, usize)>,
}

#[derive(Default)]
pub struct DtlsFlow {
    pub summary: DtlsSummary,
    client: Option<Direction>,
    client_hello: Option<Hello>,
    server_hello: Option<Hello>,
    server_hello_seen: bool,
    last_client_hello_record: Option<u64>,
    seen: [FastMap<(u16, u64), u64>; 2],
    seen_order: [VecDeque<(u16, u64)>; 2],
    partial: HashMap<(usize, u16, u8), Reassembly>,
    done: HashSet<(usize, u16, u8)>,
    /// A certificate matched no SDP fingerprint: (packet, description).
    mismatch: Option<(u64, String)>,
    /// Encrypted traffic (epoch ≥ 1 application data, or SRTP) after the mismatch.
    established_after_mismatch: Option<u64>,
    decryptor: Option<RecordDecryptor>,
    /// Why records are not decrypted, once known.
    pub not_decrypted: Option<String>,
    /// Decrypted application data (SCTP packets), for the caller to take.
    application_data: Vec<Vec<u8>>,
}

impl DtlsFlow {
    pub fn datagram(
        &mut self,
        bytes: &[u8],
        direction: Direction,
        number: u64,
        session: &SessionInfo,
        tallies: &mut Tallies,
    ) -> bool {
        let (records, error) = records(bytes);
        match &error {
            Some(RecordError::Malformed(why)) => {
                tallies.get(CheckId::DtlsRecordWellFormed).fail(|| format!("packet {number}: {why}"));
                return false;
            }
            Some(RecordError::Trailing { records, bytes, first }) => {
                tallies.get(CheckId::DtlsRecordWellFormed).pass();
                tallies.get(CheckId::DtlsSeparateDatagrams).fail(|| {
                    format!("packet {number}: {bytes} bytes (first byte {first}) follow the datagram's {records} DTLS record(s)")
                });
            }
            Some(RecordError::ConnectionId) | None => {
                tallies.get(CheckId::DtlsRecordWellFormed).pass();
                tallies.get(CheckId::DtlsSeparateDatagrams).pass();
            }
        }
        for r in &records {
            self.record(r, direction, number, session, tallies);
        }
        !records.is_empty()
    }

    fn record(
        &mut self,
        r: &Record<'_>,
        direction: Direction,
        number: u64,
        session: &SessionInfo,
        tallies: &mut Tallies,
    ) {
        let s = &mut self.summary;
        s.records += 1;
        *s.records_per_epoch.entry(r.epoch).or_default() += 1;
        if r.sequence.is_none() {
            s.unified_header_records += 1;
        }
        if (r.content_type == APPLICATION_DATA && r.epoch > 0) && self.mismatch.is_some() {
            self.established_after_mismatch.get_or_insert(number);
        }
        if let (APPLICATION_DATA, Some(seq), Some(d)) = (r.content_type, r.sequence, &mut self.decryptor) {
            match d.open(direction, r.content_type, r.version, r.epoch, seq, r.body) {
                Ok(plain) => {
                    self.summary.decrypted_records += 1;
                    if self.application_data.len() < 64 {
                        self.application_data.push(plain);
                    }
                }
                Err(_) => self.summary.undecryptable_records += 1,
            }
        }
        if let Some(seq) = r.sequence {
            let digest = record_digest(r);
            let d = direction.index();
            match self.seen[d].get(&(r.epoch, seq)) {
                Some(prev) if *prev != digest => tallies.get(CheckId::DtlsRecordUnique).fail(|| {
                    format!("packet {number}: a second, different record with epoch {} sequence {seq}", r.epoch)
                }),
                Some(_) => {}
                None => {
                    tallies.get(CheckId::DtlsRecordUnique).pass();
                    if self.seen_order[d].len() >= RECORD_WINDOW {
                        if let Some(old) = self.seen_order[d].pop_front() {
                            self.seen[d].remove(&old);
                        }
                    }
                    self.seen[d].insert((r.epoch, seq), digest);
                    self.seen_order[d].push_back((r.epoch, seq));
                }
            }
        }
        if r.epoch != 0 || r.sequence.is_none() {
            return;
        }
        match r.content_type {
            ALERT => {
                if let [level, description, ..] = r.body {
                    let level = if *level == 2 { "fatal" } else { "warning" };
                    self.summary.alerts.push(format!("packet {number}: {level} alert {description}"));
                }
            }
            HANDSHAKE => self.handshake(r, direction, number, session, tallies),
            CHANGE_CIPHER_SPEC | APPLICATION_DATA => {}
            _ => {}
        }
    }

    fn handshake(
        &mut self,
        r: &Record<'_>,
        direction: Direction,
        number: u64,
        session: &SessionInfo,
        tallies: &mut Tallies,
    ) {
        let mut c = Cursor(r.body);
        while c.0.len() >= 12 {
            let Some(h) = c.take(12) else { return };
            let (kind, length, message_seq) = (h[0], be(&h[1..4]) as usize, u16::from_be_bytes([h[4], h[5]]));
            let (offset, fragment_len) = (be(&h[6..9]) as usize, be(&h[9..12]) as usize);
            let Some(fragment) = c.take(fragment_len) else { return };
            if kind == CLIENT_HELLO {
                self.client = Some(direction);
                self.last_client_hello_record = r.sequence;
            }
            if kind == HELLO_VERIFY_REQUEST {
                if let (Some(ch), Some(hvr)) = (self.last_client_hello_record, r.sequence) {
                    if ch == hvr {
                        tallies.get(CheckId::DtlsHelloVerifySequence).pass();
                    } else {
                        tallies.get(CheckId::DtlsHelloVerifySequence).fail(|| {
                            format!("packet {number}: HelloVerifyRequest in record {hvr}, the ClientHello was in record {ch}")
                        });
                    }
                }
            }
            let key = (direction.index(), message_seq, kind);
            if self.done.contains(&key) || length > MAX_HANDSHAKE || offset + fragment.len() > length {
                continue;
            }
            let part = self.partial.entry(key).or_insert_with(|| Reassembly {
                length,
                data: vec![0; length],
                ..Reassembly::default()
            });
            if part.length != length {
                continue;
            }
            part.data[offset..offset + fragment.len()].copy_from_slice(fragment);
            part.have.push((offset, offset + fragment.len()));
            part.have.sort_unstable();
            let covered = part.have.iter().try_fold(0usize, |end, &(s, e)| (s <= end).then_some(end.max(e)));
            if covered != Some(length) {
                continue;
            }
            let Some(whole) = self.partial.remove(&key) else { continue };
            self.done.insert(key);
            *self.summary.handshake_messages.entry(handshake_name(kind)).or_default() += 1;
            self.message(kind, &whole.data, direction, number, session, tallies);
        }
    }

    fn message(
        &mut self,
        kind: u8,
        body: &[u8],
        direction: Direction,
        number: u64,
        session: &SessionInfo,
        tallies: &mut Tallies,
    ) {
        match kind {
            CLIENT_HELLO => self.client_hello = parse_hello(body, true),
            SERVER_HELLO if !self.server_hello_seen => {
                self.server_hello_seen = true;
                let Some(sh) = parse_hello(body, false) else { return };
                let version = sh.supported_versions.first().copied().unwrap_or(sh.version);
                self.summary.version = Some(version_name(version));
                self.summary.cipher_suite = sh.cipher_suites.first().map(|c| cipher_suite_name(*c));
                self.summary.srtp_profile = sh.srtp_profiles.as_ref().and_then(|p| p.first()).map(|p| profile_name(*p));
                self.server_hello(&sh, number, tallies);
                self.server_hello = Some(sh);
            }
            CERTIFICATE => {
                let Some(certs) = parse_certificates(body) else { return };
                let Some(leaf) = certs.first() else { return };
                let from = if Some(direction) == self.client { "client" } else { "server" };
                if session.fingerprints.is_empty() {
                    self.summary
                        .certificates
                        .push(format!("packet {number}: {from} certificate (no SDP fingerprints given)"));
                    return;
                }
                let matched = session.fingerprints.iter().find(|f| digest(&f.hash, leaf).is_some_and(|d| d == f.value));
                match matched {
                    Some(f) => {
                        self.summary
                            .certificates
                            .push(format!("packet {number}: {from} certificate matches {} {}", f.hash, f.source));
                        tallies.get(CheckId::DtlsCertificateFingerprint).pass();
                    }
                    None => {
                        let sha256 = crate::stun::hex(&digest("sha-256", leaf).unwrap_or_default());
                        let what = format!(
                            "{from} certificate in packet {number} (sha-256 {sha256}) matches no a=fingerprint given"
                        );
                        self.summary.certificates.push(format!("packet {number}: {from} certificate matches none"));
                        self.mismatch.get_or_insert((number, what));
                    }
                }
            }
            _ => {}
        }
    }

    fn server_hello(&mut self, sh: &Hello, number: u64, tallies: &mut Tallies) {
        let Some(ch) = &self.client_hello else { return };
        match (&ch.srtp_profiles, &sh.srtp_profiles) {
            (_, None) => {}
            (None, Some(_)) => tallies
                .get(CheckId::DtlsUseSrtpOffered)
                .fail(|| format!("packet {number}: ServerHello has use_srtp, the ClientHello offered none")),
            (Some(offered), Some(chosen)) => {
                if chosen.len() == 1 && offered.contains(&chosen[0]) {
                    tallies.get(CheckId::DtlsUseSrtpOffered).pass();
                } else {
                    let names = |p: &[u16]| p.iter().map(|p| profile_name(*p)).collect::<Vec<_>>().join(", ");
                    tallies.get(CheckId::DtlsUseSrtpOffered).fail(|| {
                        format!(
                            "packet {number}: ServerHello chose [{}], the client offered [{}]",
                            names(chosen),
                            names(offered)
                        )
                    });
                }
                if sh.mki.is_empty() || sh.mki == ch.mki {
                    tallies.get(CheckId::DtlsUseSrtpMki).pass();
                } else {
                    tallies.get(CheckId::DtlsUseSrtpMki).fail(|| {
                        format!(
                            "packet {number}: ServerHello MKI {} differs from the client's {}",
                            crate::stun::hex(&sh.mki),
                            crate::stun::hex(&ch.mki)
                        )
                    });
                }
            }
        }
    }

    /// The ClientHello random, which names the session in a key log.
    pub fn client_random(&self) -> Option<&[u8]> {
        self.client_hello.as_ref().map(|h| h.random.as_slice())
    }

    /// What SRTP keying needs once both hellos are seen: the client's direction, both
    /// randoms, the cipher suite and the SRTP profile. `None` for DTLS 1.3 (its exporter
    /// needs the TLS 1.3 key schedule) and before the ServerHello.
    pub fn keying_inputs(&self) -> Option<KeyingInputs<'_>> {
        let (ch, sh, client) = (self.client_hello.as_ref()?, self.server_hello.as_ref()?, self.client?);
        if sh.supported_versions.first() == Some(&DTLS_1_3) {
            return None;
        }
        Some(KeyingInputs {
            client,
            client_random: &ch.random,
            server_random: &sh.random,
            cipher_suite: *sh.cipher_suites.first()?,
            srtp_profile: *sh.srtp_profiles.as_ref()?.first()?,
        })
    }

    /// Sets up record decryption once the handshake and the key log allow it.
    pub fn key_records(&mut self, keylog: &super::keylog::KeyLog) {
        if self.decryptor.is_some() || self.not_decrypted.is_some() {
            return;
        }
        let Some(k) = self.keying_inputs() else { return };
        let Some(secret) = keylog.secrets(k.client_random).and_then(|s| s.master_secret.as_ref()) else { return };
        match RecordDecryptor::new(secret, k.client_random, k.server_random, k.cipher_suite, k.client) {
            Ok(d) => self.decryptor = Some(d),
            Err(e) => self.not_decrypted = Some(e),
        }
    }

    /// Application data decrypted since the last call.
    pub fn take_application_data(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.application_data)
    }

    pub fn is_dtls13(&self) -> bool {
        self.summary.version.as_deref() == Some("DTLS 1.3")
    }

    /// SRTP or SRTCP seen on the flow: media flows, so the connection was established.
    pub fn media(&mut self, number: u64) {
        if self.mismatch.is_some() {
            self.established_after_mismatch.get_or_insert(number);
        }
    }

    /// At the end: a mismatching certificate is a violation only if the call went on.
    pub fn finish(&mut self, session: &SessionInfo, tallies: &mut Tallies) {
        let offered_srtp = self.client_hello.as_ref().is_some_and(|h| h.srtp_profiles.is_some());
        if self.is_dtls13() && offered_srtp {
            for id in [CheckId::DtlsUseSrtpOffered, CheckId::DtlsUseSrtpMki] {
                let t = tallies.get(id);
                if t.checked == 0 {
                    t.unavailable.get_or_insert_with(|| {
                        "DTLS 1.3 sends the server's use_srtp in the encrypted EncryptedExtensions".to_string()
                    });
                }
            }
        }
        let t = tallies.get(CheckId::DtlsCertificateFingerprint);
        match (&self.mismatch, self.established_after_mismatch) {
            (Some((_, what)), Some(at)) => t.fail(|| format!("{what}, yet encrypted traffic followed (packet {at})")),
            (Some(_), None) => t.pass(),
            (None, _) if self.server_hello_seen && t.checked == 0 => {
                let why = if session.fingerprints.is_empty() {
                    "give the call's SDPs with --sdp to check DTLS certificates against a=fingerprint"
                } else if self.summary.version.as_deref() == Some("DTLS 1.3") {
                    "the certificates are encrypted in DTLS 1.3"
                } else {
                    "no complete Certificate message in the capture"
                };
                t.unavailable.get_or_insert_with(|| why.to_string());
            }
            _ => {}
        }
    }
}

/// Tells two records apart cheaply: type, length, and the first and last 16 bytes of the body
/// (an AEAD record ends in its tag, so two different protected records differ there).
fn record_digest(r: &Record<'_>) -> u64 {
    let mut h = FxHasher::default();
    let n = r.body.len();
    (r.content_type, n, &r.body[..n.min(16)], &r.body[n.saturating_sub(16)..]).hash(&mut h);
    h.finish()
}

fn handshake_name(kind: u8) -> String {
    match kind {
        0 => "hello_request".into(),
        CLIENT_HELLO => "client_hello".into(),
        SERVER_HELLO => "server_hello".into(),
        HELLO_VERIFY_REQUEST => "hello_verify_request".into(),
        CERTIFICATE => "certificate".into(),
        12 => "server_key_exchange".into(),
        13 => "certificate_request".into(),
        14 => "server_hello_done".into(),
        15 => "certificate_verify".into(),
        16 => "client_key_exchange".into(),
        20 => "finished".into(),
        other => format!("type_{other}"),
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
