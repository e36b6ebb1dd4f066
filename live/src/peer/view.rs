//! What crossed the wire of a call, read the way a case judges it: the DTLS records of the
//! harness's socket decrypted with the call's key log, and the SCTP packets inside, by the
//! side that sent them. The harness's own stack is not asked what it saw; the bytes are.

use std::net::SocketAddr;

use crate::net::Datagram;
use crate::peer::fragment::Reassembler;
use rtcspec_wire::demux::{classify, Protocol};
use rtcspec_wire::dtls::handshake::{fragments_in, parse_hello, CLIENT_HELLO, SERVER_HELLO};
use rtcspec_wire::dtls::{records, ALERT, APPLICATION_DATA, HANDSHAKE};
use rtcspec_wire::keys::srtp::SrtpReceiver;
use rtcspec_wire::keys::KeyLog;
use rtcspec_wire::keys::RecordDecryptor;
pub use rtcspec_wire::rtp::ReportBlock;
use rtcspec_wire::rtp::{rtcp_sender_ssrc, RtpHeader};
pub use rtcspec_wire::sctp::Data;
use rtcspec_wire::sctp::{self, RawChunk};
use rtcspec_wire::srtp::{srtcp_tag_after_index, srtcp_trailer};
use rtcspec_wire::Direction;

/// Who sent a datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Harness,
    Target,
}

impl Side {
    pub fn direction(self) -> Direction {
        match self {
            Side::Harness => Direction::AtoB,
            Side::Target => Direction::BtoA,
        }
    }

    /// The other side of the call.
    pub fn other(self) -> Side {
        match self {
            Side::Harness => Side::Target,
            Side::Target => Side::Harness,
        }
    }
}

/// One SCTP chunk as it went out: its type, flags and value, and which packet (datagram
/// index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub from: Side,
    pub kind: u8,
    pub flags: u8,
    /// The chunk's value (after its 4-byte header, without padding).
    pub value: Vec<u8>,
    pub datagram: usize,
}

impl Chunk {
    fn raw(&self) -> RawChunk<'_> {
        RawChunk { kind: self.kind, flags: self.flags, value: &self.value }
    }

    /// The DATA fields, for a DATA chunk long enough to hold them.
    pub fn data(&self) -> Option<Data> {
        if self.kind != sctp::DATA {
            return None;
        }
        Data::read(&self.raw())
    }

    /// The parameters (type, value) of an INIT, INIT ACK or RE-CONFIG chunk; empty for others.
    pub fn params(&self) -> Vec<(u16, Vec<u8>)> {
        sctp::params(self.kind, &self.value)
    }
}

/// The decrypted view of a call.
#[derive(Debug, Default)]
pub struct WireView {
    /// Every SCTP chunk, in wire order.
    pub chunks: Vec<Chunk>,
    /// Which side was the DTLS client (sent the ClientHello the session used).
    pub dtls_client: Option<Side>,
    /// ClientHellos and ServerHellos each side (harness, target) sent, retransmissions
    /// included.
    client_hellos: [usize; 2],
    server_hellos: [usize; 2],
    /// Index of the first datagram with encrypted application data, if any.
    pub first_application_data: Option<usize>,
    /// Whether each side (harness, target) sent an encrypted handshake record: its Finished.
    finished: [bool; 2],
    /// How many encrypted handshake records (Finished, and its retransmissions) each sent.
    encrypted_handshakes: [usize; 2],
    /// Encrypted application data records each side (harness, target) sent.
    application_data: [usize; 2],
    /// Alert records each side sent (DTLS 1.2 alerts are encrypted after the handshake; the
    /// record type shows).
    alerts: [usize; 2],
    /// Why some of it could not be read (no key for the session, a suite not decrypted).
    pub unreadable: Option<String>,
    /// The use_srtp extension of the ClientHello (who sent it, the profiles it offers), and
    /// of the ServerHello (who sent it, the profiles it selects), when present.
    pub srtp_offered: Option<(Side, Vec<u16>)>,
    pub srtp_selected: Option<(Side, Vec<u16>)>,
    /// The cipher suite the ServerHello selected.
    pub cipher_suite: Option<u16>,
    /// Every SRTP and SRTCP packet, checked with the keys the DTLS exporter gives.
    pub media: Vec<Media>,
    /// The session's ClientHello and ServerHello randoms, for the record protection.
    client_random: Option<Vec<u8>>,
    server_random: Option<Vec<u8>>,
    /// The common header (ports, verification tag) of the last SCTP packet each side sent.
    sctp_headers: [Option<[u8; 12]>; 2],
    /// The highest epoch-1 record sequence number each side used.
    last_sequence: [Option<u64>; 2],
    /// The DTLS versions the ClientHello offered, and the one the ServerHello chose.
    offered_versions: Vec<u16>,
    negotiated_version: Option<u16>,
}

fn secrets_of(keylog: &[String]) -> KeyLog {
    let mut secrets = KeyLog::default();
    secrets.add("the call's key log", keylog.join("\n").as_bytes());
    secrets
}

/// The record protection of a DTLS 1.2 session from its master secret (in `secrets`) and
/// hello randoms.
fn protection(
    secrets: &KeyLog,
    client_random: &[u8],
    server_random: &[u8],
    suite: u16,
    client: Side,
) -> Result<RecordDecryptor, String> {
    let secret = secrets
        .secrets(client_random)
        .and_then(|s| s.master_secret.as_ref())
        .ok_or("the key log has no master secret for this session")?;
    RecordDecryptor::new(secret, client_random, server_random, suite, client.direction())
}

/// The SRTP master key and salt of `sender`'s packets (RFC 5764 §4.2: the client's write key
/// for the client's, the server's for the server's), from the DTLS session's exporter.
fn srtp_master(
    secrets: &KeyLog,
    client_random: &[u8],
    server_random: &[u8],
    suite: u16,
    profile_id: u16,
    client: Side,
    sender: Side,
) -> Result<(Vec<u8>, Vec<u8>), String> {
    let secret = secrets
        .secrets(client_random)
        .and_then(|s| s.master_secret.clone())
        .ok_or("the key log has no master secret for this session")?;
    let k = rtcspec_wire::keys::srtp::keying(&secret, client_random, server_random, suite, profile_id)
        .ok_or("no SRTP keying material from the exporter (an SRTP profile this reader does not know)")?;
    Ok(if sender == client { (k.client_key, k.client_salt) } else { (k.server_key, k.server_salt) })
}

/// One SRTP or SRTCP packet as it went out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    pub from: Side,
    pub rtcp: bool,
    pub ssrc: u32,
    /// SRTP only: the RTP sequence number (in the clear in SRTP, RFC 3711 §3.1).
    pub seq: u16,
    /// Whether it decrypts and authenticates with the sender's keys from the exporter (RFC 5764
    /// §4.2); `None` when there were no keys (no key log line, no profile selected).
    pub authenticated: Option<bool>,
    /// SRTCP only: the E flag and the SRTCP index (RFC 3711 §3.4), read off the wire.
    pub e_flag: bool,
    pub index: u32,
    /// SRTCP only: the compound RTCP packet, decrypted, when it authenticated.
    pub plain: Option<Vec<u8>>,
}

impl Media {
    /// The report blocks of the decrypted compound RTCP packet.
    pub fn report_blocks(&self) -> Vec<ReportBlock> {
        self.plain.as_deref().map(rtcspec_wire::rtp::report_blocks).unwrap_or_default()
    }
}

impl WireView {
    /// Reads the datagrams of the harness's socket at `harness` (both directions).
    pub fn read(datagrams: &[Datagram], harness: SocketAddr, keylog: &[String]) -> WireView {
        let secrets = secrets_of(keylog);
        let mut view = WireView::default();
        let mut decryptor: Option<RecordDecryptor> = None;
        let mut srtp: Option<SrtpKeys> = None;
        let mut hellos = Reassembler::default();
        for (index, d) in datagrams.iter().enumerate() {
            let side = if d.from == harness { Side::Harness } else { Side::Target };
            if matches!(classify(&d.bytes), Protocol::Rtp | Protocol::Rtcp) {
                if srtp.is_none() {
                    srtp = Some(SrtpKeys::new(&view, &secrets));
                }
                if let Some(keys) = srtp.as_mut() {
                    view.media.push(keys.check(&d.bytes, side));
                }
                continue;
            }
            if !(20..=63).contains(d.bytes.first().unwrap_or(&0)) {
                continue; // not DTLS (RFC 7983)
            }
            for r in records(&d.bytes).0 {
                match (r.content_type, r.epoch) {
                    (HANDSHAKE, 0) => {
                        for (fragment, bytes) in fragments_in(r.body) {
                            // A message cut into fragments counts once, by its first.
                            if fragment.offset == 0 {
                                match fragment.msg_type {
                                    CLIENT_HELLO => view.client_hellos[side.direction().index()] += 1,
                                    SERVER_HELLO => view.server_hellos[side.direction().index()] += 1,
                                    _ => {}
                                }
                            }
                            if matches!(fragment.msg_type, CLIENT_HELLO | SERVER_HELLO) {
                                if let Some(body) = hellos.add(side.direction().index(), fragment, bytes) {
                                    view.hello(side, fragment.msg_type, &body);
                                }
                            }
                        }
                    }
                    (ALERT, 0) => view.alerts[side.direction().index()] += 1,
                    (ALERT | HANDSHAKE | APPLICATION_DATA, epoch) if epoch > 0 => {
                        match r.content_type {
                            ALERT => view.alerts[side.direction().index()] += 1,
                            HANDSHAKE => {
                                view.finished[side.direction().index()] = true;
                                view.encrypted_handshakes[side.direction().index()] += 1;
                            }
                            _ => {
                                view.first_application_data.get_or_insert(index);
                                view.application_data[side.direction().index()] += 1;
                            }
                        }
                        if epoch == 1 {
                            let last = &mut view.last_sequence[side.direction().index()];
                            *last = (*last).max(r.sequence);
                        }
                        if r.content_type != APPLICATION_DATA {
                            continue;
                        }
                        if decryptor.is_none() && view.unreadable.is_none() {
                            let made = match view.hellos() {
                                Some(_) => view.protection_with(&secrets),
                                None => Err("application data before a ClientHello and ServerHello were seen".into()),
                            };
                            match made {
                                Ok(d) => decryptor = Some(d),
                                Err(why) => view.unreadable = Some(why),
                            }
                        }
                        let (Some(dec), Some(seq)) = (decryptor.as_mut(), r.sequence) else { continue };
                        match dec.open(side.direction(), r.content_type, r.version, r.epoch, seq, r.body) {
                            Ok(sctp) => view.sctp_packet(&sctp, side, index),
                            Err(why) => {
                                view.unreadable.get_or_insert(format!("datagram {index}: {why}"));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        view
    }

    /// Takes a whole ClientHello or ServerHello `side` sent.
    fn hello(&mut self, side: Side, msg_type: u8, body: &[u8]) {
        if msg_type == CLIENT_HELLO {
            if let Some(h) = parse_hello(body, true) {
                // Without supported_versions, the legacy version is the highest offered.
                self.offered_versions =
                    if h.supported_versions.is_empty() { vec![h.version] } else { h.supported_versions };
                self.client_random = Some(h.random);
                self.dtls_client = Some(side);
                self.srtp_offered = h.srtp_profiles.map(|p| (side, p));
            }
            return;
        }
        let hello = parse_hello(body, false);
        self.cipher_suite = hello.as_ref().and_then(|h| h.cipher_suites.first().copied());
        self.srtp_selected = hello.as_ref().and_then(|h| h.srtp_profiles.clone()).map(|p| (side, p));
        self.negotiated_version = hello.as_ref().map(|h| h.supported_versions.first().copied().unwrap_or(h.version));
        self.server_random = hello.map(|h| h.random);
    }

    /// The DTLS versions the client offered (its ClientHello's supported_versions, or its
    /// legacy version without that extension), highest first as sent.
    pub fn offered_versions(&self) -> &[u16] {
        &self.offered_versions
    }

    /// The ServerHello's random, once a whole ServerHello was read.
    pub fn server_random(&self) -> Option<&[u8]> {
        self.server_random.as_deref()
    }

    /// The DTLS version the ServerHello chose.
    pub fn negotiated_version(&self) -> Option<u16> {
        self.negotiated_version
    }

    /// The SRTCP packets `from` sent.
    pub fn srtcp_from(&self, from: Side) -> impl Iterator<Item = &Media> {
        self.media.iter().filter(move |m| m.from == from && m.rtcp)
    }

    /// The session's client random, server random and DTLS client, once both hellos were
    /// read.
    fn hellos(&self) -> Option<(&[u8], &[u8], Side)> {
        Some((self.client_random.as_deref()?, self.server_random.as_deref()?, self.dtls_client?))
    }

    fn protection_with(&self, secrets: &KeyLog) -> Result<RecordDecryptor, String> {
        let (cr, sr, client) = self.hellos().ok_or("no ClientHello and ServerHello on the wire")?;
        protection(secrets, cr, sr, self.cipher_suite.unwrap_or_default(), client)
    }

    /// The SRTP profile and `sender`'s master key and salt.
    fn srtp_master_with(&self, secrets: &KeyLog, sender: Side) -> Result<(u16, Vec<u8>, Vec<u8>), String> {
        let (cr, sr, client) = self.hellos().ok_or("no ClientHello and ServerHello on the wire")?;
        let profile = self.srtp_profile().ok_or("no SRTP profile selected")?;
        let (key, salt) = srtp_master(secrets, cr, sr, self.cipher_suite.unwrap_or_default(), profile, client, sender)?;
        Ok((profile, key, salt))
    }

    fn srtp_receiver_with(&self, secrets: &KeyLog, sender: Side) -> Result<SrtpReceiver, String> {
        let (profile, key, salt) = self.srtp_master_with(secrets, sender)?;
        SrtpReceiver::new(profile, &key, &salt)
    }

    /// The SRTP protection profile the ServerHello selected.
    fn srtp_profile(&self) -> Option<u16> {
        self.srtp_selected.as_ref().and_then(|(_, p)| p.first().copied())
    }

    /// The record protection of the call's DTLS 1.2 session (both directions), from the key
    /// log and the hellos on the wire.
    pub fn record_protection(&self, keylog: &[String]) -> Result<RecordDecryptor, String> {
        self.protection_with(&secrets_of(keylog))
    }

    /// A fresh SRTP context for `sender`'s packets in this call (no replay or rollover state),
    /// to protect packets as `sender` would.
    pub fn srtp_context(&self, keylog: &[String], sender: Side) -> Result<rtc_srtp::context::Context, String> {
        let (profile_id, key, salt) = self.srtp_master_with(&secrets_of(keylog), sender)?;
        rtcspec_wire::keys::srtp::context(profile_id, &key, &salt)
    }

    /// The common header (source and destination port, verification tag, checksum) of the
    /// last SCTP packet `from` sent.
    pub fn sctp_header(&self, from: Side) -> Option<[u8; 12]> {
        self.sctp_headers[from.direction().index()]
    }

    /// The highest sequence number of `from`'s epoch-1 records.
    pub fn last_sequence(&self, from: Side) -> Option<u64> {
        self.last_sequence[from.direction().index()]
    }

    fn sctp_packet(&mut self, p: &[u8], from: Side, datagram: usize) {
        if let Some(header) = p.get(..12).and_then(|h| <[u8; 12]>::try_from(h).ok()) {
            self.sctp_headers[from.direction().index()] = Some(header);
        }
        for c in sctp::chunks(p) {
            self.chunks.push(Chunk { from, kind: c.kind, flags: c.flags, value: c.value.to_vec(), datagram });
        }
    }

    /// Both sides sent their Finished: the DTLS handshake is done on the wire.
    pub fn dtls_complete(&self) -> bool {
        self.finished == [true, true]
    }

    /// Encrypted handshake records (a Finished, or its retransmission) `from` sent.
    pub fn finished_from(&self, from: Side) -> usize {
        self.encrypted_handshakes[from.direction().index()]
    }

    /// Encrypted application data records `from` sent.
    pub fn application_data_from(&self, from: Side) -> usize {
        self.application_data[from.direction().index()]
    }

    /// ClientHellos `from` sent (a retransmission counts again).
    pub fn client_hellos_from(&self, from: Side) -> usize {
        self.client_hellos[from.direction().index()]
    }

    /// ServerHellos `from` sent.
    pub fn server_hellos_from(&self, from: Side) -> usize {
        self.server_hellos[from.direction().index()]
    }

    /// Alert records `from` sent.
    pub fn alerts_from(&self, from: Side) -> usize {
        self.alerts[from.direction().index()]
    }

    /// Whether the SCTP association came up on the wire (a COOKIE ACK from either side).
    pub fn association_up(&self) -> bool {
        self.chunks.iter().any(|c| c.kind == sctp::COOKIE_ACK)
    }

    /// The DATA chunks a side sent, read.
    pub fn data_from(&self, from: Side) -> Vec<Data> {
        self.sent(from, sctp::DATA).filter_map(Chunk::data).collect()
    }

    /// The chunks of one type a side sent.
    pub fn sent(&self, from: Side, kind: u8) -> impl Iterator<Item = &Chunk> {
        self.chunks.iter().filter(move |c| c.from == from && c.kind == kind)
    }
}

/// The SRTP contexts of a call, one per direction, keyed from the key log and the hellos.
struct SrtpKeys {
    /// Indexed by `Direction::index()` of the sender.
    contexts: [Option<SrtpReceiver>; 2],
    /// Bytes of authentication tag after the SRTCP index (0 for AEAD, where it is inside).
    tag_after_index: usize,
}

impl SrtpKeys {
    /// The contexts of the session `view` has read the hellos of.
    fn new(view: &WireView, secrets: &KeyLog) -> SrtpKeys {
        let tag_after_index = srtcp_tag_after_index(view.srtp_profile());
        let context = |side| view.srtp_receiver_with(secrets, side).ok();
        SrtpKeys { contexts: [context(Side::Harness), context(Side::Target)], tag_after_index }
    }

    fn check(&mut self, bytes: &[u8], from: Side) -> Media {
        let rtcp = classify(bytes) == Protocol::Rtcp;
        let header = RtpHeader::parse(bytes);
        let ssrc = if rtcp { rtcp_sender_ssrc(bytes) } else { header.map(|h| h.ssrc) }.unwrap_or(0);
        let (e_flag, index) =
            if rtcp { srtcp_trailer(bytes, self.tag_after_index).unwrap_or((false, 0)) } else { (false, 0) };
        let mut plain = None;
        let authenticated = self.contexts[from.direction().index()].as_mut().map(|c| {
            if rtcp {
                c.decrypt_rtcp(bytes).map(|p| plain = Some(p)).is_ok()
            } else {
                c.decrypt_rtp(bytes).is_ok()
            }
        });
        let seq = if rtcp { 0 } else { header.map_or(0, |h| h.sequence) };
        Media { from, rtcp, ssrc, seq, authenticated, e_flag, index, plain }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(kind: u8, flags: u8, value: &[u8]) -> Chunk {
        Chunk { from: Side::Target, kind, flags, value: value.to_vec(), datagram: 0 }
    }

    #[test]
    fn data_fields_and_flags_are_read() {
        let mut value = vec![0, 0, 0, 7, 0, 3, 0, 1, 0, 0, 0, 51];
        value.extend_from_slice(b"hi");
        let d = chunk(sctp::DATA, 0x07, &value).data().unwrap();
        assert_eq!((d.tsn, d.stream, d.ssn, d.ppid, d.unordered), (7, 3, 1, 51, true));
        assert_eq!(d.payload, b"hi");
        assert!(chunk(sctp::DATA, 0, &value[..11]).data().is_none());
        assert!(chunk(sctp::INIT, 0, &value).data().is_none());
    }

    #[test]
    fn params_of_init_and_reconfig_are_read_and_bad_lengths_stop_the_walk() {
        let mut init = vec![0; sctp::INIT_FIXED];
        init.extend_from_slice(&[0xC0, 0x00, 0, 4]); // Forward-TSN-Supported
        init.extend_from_slice(&[0x80, 0x08, 0, 6, 130, 192, 0, 0]); // Supported Extensions, padded
        let params = chunk(sctp::INIT, 0, &init).params();
        assert_eq!(params, vec![(0xC000, vec![]), (0x8008, vec![130, 192])]);
        // A parameter claiming more than the chunk holds ends the list.
        let cut = [0, 13, 0, 200, 1, 2];
        assert_eq!(chunk(sctp::RE_CONFIG, 0, &cut).params(), vec![]);
        assert!(chunk(sctp::DATA, 0, &init).params().is_empty());
    }
}
