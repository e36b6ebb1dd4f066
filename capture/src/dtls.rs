//! DTLS on a flow: the record layer (DTLS 1.0/1.2 headers and the DTLS 1.3 unified header,
//! RFC 9147 §4), the plaintext handshake (ClientHello, HelloVerifyRequest, ServerHello,
//! Certificate), use_srtp negotiation (RFC 5764 §4.1), the certificate against the SDP's
//! fingerprints (RFC 8122 §5.1) and plaintext alerts.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};
use sha2::Digest;

use super::checks::{CheckId, Tallies};
use super::fasthash::{FastMap, FxHasher};
use super::sdp_info::SessionInfo;
use rtcspec_wire::dtls::handshake::{
    self, fragments_in, parse_certificates, parse_hello, Hello, CERTIFICATE, CLIENT_HELLO, HELLO_VERIFY_REQUEST,
    SERVER_HELLO,
};
use rtcspec_wire::dtls::{
    cipher_suite_name, profile_name, records, version_name, Record, RecordError, ALERT, APPLICATION_DATA,
    CHANGE_CIPHER_SPEC, DTLS_1_3, HANDSHAKE,
};
use rtcspec_wire::keys::RecordDecryptor;
use rtcspec_wire::Direction;

/// (epoch, sequence) pairs remembered per sender to spot reuse.
const RECORD_WINDOW: usize = 4096;
/// Largest handshake message reassembled (certificate chains are a few KiB).
const MAX_HANDSHAKE: usize = 65_536;

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
                    format!(
                        "packet {number}: {bytes} bytes (first byte {first}) follow the datagram's {records} DTLS \
                            record(s)"
                    )
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
        for (f, fragment) in fragments_in(r.body) {
            let (kind, length, message_seq, offset) = (f.msg_type, f.length as usize, f.message_seq, f.offset as usize);
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
                            format!(
                                "packet {number}: HelloVerifyRequest in record {hvr}, the ClientHello was in \
                                record {ch}"
                            )
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
            *self.summary.handshake_messages.entry(handshake::name(kind)).or_default() += 1;
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
                        let sha256 = rtcspec_wire::stun::hex(&digest("sha-256", leaf).unwrap_or_default());
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
                            rtcspec_wire::stun::hex(&sh.mki),
                            rtcspec_wire::stun::hex(&ch.mki)
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
    pub fn key_records(&mut self, keylog: &rtcspec_wire::keys::KeyLog) {
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
