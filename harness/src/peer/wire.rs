//! What crossed the wire of a call, read the way a case judges it: the DTLS records of the
//! harness's socket decrypted with the call's key log, and the SCTP packets inside, by the
//! side that sent them. The harness's own stack is not asked what it saw; the bytes are.

use std::net::SocketAddr;

use crate::capture::dtls::{parse_hello, records};
use crate::capture::dtls_decrypt::RecordDecryptor;
use crate::capture::flow::Direction;
use crate::capture::keylog::KeyLog;
use crate::net::Datagram;

const ALERT: u8 = 21;
const HANDSHAKE: u8 = 22;
const APPLICATION_DATA: u8 = 23;
const CLIENT_HELLO: u8 = 1;
const SERVER_HELLO: u8 = 2;
/// DTLS handshake header: type, length (3), message_seq (2), fragment offset (3) and length (3).
const HANDSHAKE_HEADER: usize = 12;

/// Who sent a datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Harness,
    Target,
}

impl Side {
    fn direction(self) -> Direction {
        match self {
            Side::Harness => Direction::AtoB,
            Side::Target => Direction::BtoA,
        }
    }
}

/// One SCTP chunk as it went out: its type and flags, and which packet (datagram index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub from: Side,
    pub kind: u8,
    pub flags: u8,
    pub datagram: usize,
}

pub const SCTP_INIT: u8 = 1;
pub const SCTP_INIT_ACK: u8 = 2;

/// The decrypted view of a call.
#[derive(Debug, Default)]
pub struct WireView {
    /// Every SCTP chunk, in wire order.
    pub chunks: Vec<Chunk>,
    /// Which side was the DTLS client (sent the ClientHello).
    pub dtls_client: Option<Side>,
    /// Index of the first datagram with encrypted application data, if any.
    pub first_application_data: Option<usize>,
    /// Whether each side (harness, target) sent an encrypted handshake record: its Finished.
    finished: [bool; 2],
    /// Encrypted application data records each side (harness, target) sent.
    application_data: [usize; 2],
    /// Alert records each side sent (DTLS 1.2 alerts are encrypted after the handshake; the
    /// record type shows).
    alerts: [usize; 2],
    /// Why some of it could not be read (no key for the session, a suite not decrypted).
    pub unreadable: Option<String>,
}

impl WireView {
    /// Reads the datagrams of the harness's socket at `harness` (both directions).
    pub fn read(datagrams: &[Datagram], harness: SocketAddr, keylog: &[String]) -> WireView {
        let mut secrets = KeyLog::default();
        secrets.add("the call's key log", keylog.join("\n").as_bytes());
        let mut view = WireView::default();
        let (mut client_random, mut server_hello) = (None, None);
        let mut decryptor: Option<RecordDecryptor> = None;
        for (index, d) in datagrams.iter().enumerate() {
            let side = if d.from == harness { Side::Harness } else { Side::Target };
            if !(20..=63).contains(d.bytes.first().unwrap_or(&0)) {
                continue; // not DTLS (RFC 7983)
            }
            for r in records(&d.bytes).0 {
                match (r.content_type, r.epoch) {
                    (HANDSHAKE, 0) if r.body.len() > HANDSHAKE_HEADER => {
                        let body = &r.body[HANDSHAKE_HEADER..];
                        match r.body[0] {
                            CLIENT_HELLO => {
                                if let Some(h) = parse_hello(body, true) {
                                    client_random = Some(h.random);
                                    view.dtls_client = Some(side);
                                }
                            }
                            SERVER_HELLO => server_hello = parse_hello(body, false),
                            _ => {}
                        }
                    }
                    (HANDSHAKE, epoch) if epoch > 0 => view.finished[side.direction().index()] = true,
                    (ALERT, _) => view.alerts[side.direction().index()] += 1,
                    (APPLICATION_DATA, epoch) if epoch > 0 => {
                        view.first_application_data.get_or_insert(index);
                        view.application_data[side.direction().index()] += 1;
                        if decryptor.is_none() && view.unreadable.is_none() {
                            match Self::decryptor(&secrets, &client_random, &server_hello, view.dtls_client) {
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

    fn decryptor(
        secrets: &KeyLog,
        client_random: &Option<Vec<u8>>,
        server_hello: &Option<crate::capture::dtls::Hello>,
        client: Option<Side>,
    ) -> Result<RecordDecryptor, String> {
        let (Some(cr), Some(sh), Some(client)) = (client_random, server_hello, client) else {
            return Err("application data before a ClientHello and ServerHello were seen".into());
        };
        let secret = secrets
            .secrets(cr)
            .and_then(|s| s.master_secret.as_ref())
            .ok_or("the key log has no master secret for this session")?;
        let suite = sh.cipher_suites.first().copied().unwrap_or_default();
        RecordDecryptor::new(secret, cr, &sh.random, suite, client.direction())
    }

    fn sctp_packet(&mut self, p: &[u8], from: Side, datagram: usize) {
        // Common header (12 bytes), then chunks: type, flags, length, padded to 4.
        let mut at = 12;
        while let Some(h) = p.get(at..at + 4) {
            let len = usize::from(u16::from_be_bytes([h[2], h[3]]));
            if len < 4 {
                break;
            }
            self.chunks.push(Chunk { from, kind: h[0], flags: h[1], datagram });
            at += (len + 3) & !3;
        }
    }

    /// Both sides sent their Finished: the DTLS handshake is done on the wire.
    pub fn dtls_complete(&self) -> bool {
        self.finished == [true, true]
    }

    /// Encrypted application data records `from` sent.
    pub fn application_data_from(&self, from: Side) -> usize {
        self.application_data[from.direction().index()]
    }

    /// Alert records `from` sent.
    pub fn alerts_from(&self, from: Side) -> usize {
        self.alerts[from.direction().index()]
    }

    /// The chunks of one type a side sent.
    pub fn sent(&self, from: Side, kind: u8) -> impl Iterator<Item = &Chunk> {
        self.chunks.iter().filter(move |c| c.from == from && c.kind == kind)
    }
}
