//! Record-layer faults of the harness peer as a target (`mutant:peer-dtls-...`,
//! `mutant:peer-srtp-...`): it takes in DTLS records and SRTP packets a conforming stack
//! drops, so the cases about them can be shown to fail. The peer
//! holds its session's keys (its own key log), so it can do what a broken record layer does.
//! It recovers the plaintext of a bad record and hands its own stack the record that stack
//! would take.

use super::sctp_rewrite;
use crate::net::Datagram;
use crate::peer::forge::RecordForge;
use crate::peer::fragment::Reassembly;
use crate::peer::stage::{Effect, Stage, Wire};
use crate::peer::view::{Side, WireView};
use rtcspec_wire::demux::{classify, Protocol};
use rtcspec_wire::dtls::handshake::{whole_message, CLIENT_HELLO, HELLO_REQUEST};
use rtcspec_wire::dtls::{RawRecord, ALERT, APPLICATION_DATA, HANDSHAKE};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordFault {
    /// Application data is read whatever epoch its header names: epoch 0 as plaintext, any
    /// later one with the current keys.
    AcceptsAnyEpoch,
    /// The AES-GCM tag is compared on its first 15 bytes only.
    ChecksTagShort,
    /// A record that does not open with the remote's key is tried with the peer's own write
    /// key too (as a stack that keys both directions alike would).
    AcceptsReflected,
    /// The SRTP and SRTCP authentication tag is compared without its last byte.
    SrtpChecksTagShort,
    /// An RTP packet that does not authenticate as SRTP is taken as plain RTP.
    SrtpAcceptsPlain,
    /// An RTCP packet that does not authenticate as SRTCP is taken as plain RTCP.
    SrtcpAcceptsPlain,
    /// An SRTP or SRTCP packet that does not authenticate with the remote's keys is tried
    /// with the peer's own (sending) keys too.
    SrtpAcceptsReflected,
    /// It answers a HelloRequest after the handshake with a ClientHello: it renegotiates
    /// (RFC 8827 §6.5 forbids it).
    Renegotiates,
    /// An alert record after the handshake (epoch 1) is dropped: a close_notify is neither
    /// answered nor acted on (RFC 5246 §7.2.1 broken).
    IgnoresAlerts,
    /// An epoch-1 alert that does not authenticate is read by its first two bytes, as
    /// plaintext (as werift 0.24.4 does): a record made with no key can close the connection.
    ReadsAlertsUnauthenticated,
    /// Every SCTP chunk of an unknown type is skipped, whatever its high bits ask (RFC 9260
    /// §3.2 broken for 00 and 01, which stop the packet).
    SkipsUnknownChunks,
    /// A DATA_CHANNEL_OPEN whose Label Length runs past the message is read with the label cut
    /// at its end, and so acknowledged (RFC 8832 §6 broken).
    ClampsOpenLabel,
    /// Its own DATA_CHANNEL_OPEN gives the label's length in characters, not bytes of UTF-8
    /// (RFC 8832 §5.1 broken for a non-ASCII label).
    LabelLengthInCharacters,
    /// It never sends an SCTP INIT: it waits for the remote's (RFC 8841 §9.3 broken, as str0m
    /// 0.25 does as DTLS server).
    SendsNoInit,
    /// Handshake messages are put together as [`Reassembly`] says (RFC 6347 §4.2.3 broken):
    /// a fragment it cannot use is dropped.
    Reassembles(Reassembly),
}

/// What the faulty peer does with a datagram from its remote.
#[derive(Debug, PartialEq, Eq)]
pub enum FaultAction {
    /// As it came.
    AsIs,
    /// These bytes instead (what the broken record layer would have passed on).
    Rewritten(Vec<u8>),
    /// Nothing: the broken record layer drops it.
    Dropped,
    /// Nothing for its stack; this datagram goes back to the remote instead.
    Reply(Vec<u8>),
}

/// A ClientHello that starts a new handshake (message_seq 0, RFC 6347 §4.2.2): DTLS 1.2, a
/// zero random, no session or cookie, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, no
/// compression.
fn renegotiating_client_hello() -> Vec<u8> {
    let mut body = vec![0xfe, 0xfd];
    body.extend_from_slice(&[0; 32]);
    body.extend_from_slice(&[0, 0, 0, 2, 0xc0, 0x2b, 1, 0]);
    whole_message(CLIENT_HELLO, 0, &body)
}

impl RecordFault {
    /// `datagram` arrived from the remote; `datagrams` is the peer's whole record so far (the
    /// remote's records in it are what keys the session), `local` its address.
    pub fn on_receive(self, datagram: &[u8], wire: &Wire<'_>) -> FaultAction {
        let (datagrams, local, keylog) = (wire.datagrams, wire.local, &wire.keylog.lines()[..]);
        if let RecordFault::Reassembles(reassembly) = self {
            // The datagram itself was recorded last; those before it from the remote are what
            // the buffer holds.
            let earlier = datagrams[..datagrams.len().saturating_sub(1)].iter().filter(|d| d.from != local);
            let earlier = earlier.map(|d| &d.bytes[..]);
            return if reassembly.drops(datagram, earlier) { FaultAction::Dropped } else { FaultAction::AsIs };
        }
        if matches!(
            self,
            RecordFault::SrtpChecksTagShort
                | RecordFault::SrtpAcceptsPlain
                | RecordFault::SrtcpAcceptsPlain
                | RecordFault::SrtpAcceptsReflected
        ) {
            return self.on_receive_srtp(datagram, wire);
        }
        let Some(record) = RawRecord::parse_single(datagram) else { return FaultAction::AsIs };
        let view = WireView::read(datagrams, local, keylog);
        if !view.dtls_complete() {
            return FaultAction::AsIs;
        }
        // The remote is `Target` in the peer's own view of its socket.
        let Ok(mut as_remote) = RecordForge::new(&view, keylog, Side::Target) else { return FaultAction::AsIs };
        match (self, record.content_type, record.epoch) {
            (RecordFault::IgnoresAlerts, ALERT, epoch) if epoch >= 1 => FaultAction::Dropped,
            (RecordFault::SkipsUnknownChunks | RecordFault::ClampsOpenLabel, APPLICATION_DATA, 1) => {
                let rewrite = match self {
                    RecordFault::SkipsUnknownChunks => sctp_rewrite::without_unknown_chunks,
                    _ => sctp_rewrite::with_open_label_clamped,
                };
                let rewritten = as_remote.open(Side::Target, &record).ok().and_then(|packet| rewrite(&packet));
                match rewritten.map(|packet| as_remote.resealed(&record, &packet)) {
                    Some(Ok(resealed)) => FaultAction::Rewritten(resealed.to_bytes()),
                    _ => FaultAction::AsIs,
                }
            }
            (RecordFault::ReadsAlertsUnauthenticated, ALERT, 1) if as_remote.open(Side::Target, &record).is_err() => {
                let plain = record.fragment.get(..2).ok_or_else(|| "a record shorter than an alert".to_string());
                match plain.and_then(|alert| as_remote.resealed(&record, alert)) {
                    Ok(resealed) => FaultAction::Rewritten(resealed.to_bytes()),
                    Err(_) => FaultAction::AsIs,
                }
            }
            (RecordFault::AcceptsAnyEpoch, APPLICATION_DATA, epoch) if epoch != 1 => {
                let plain =
                    if epoch == 0 { Ok(record.fragment.clone()) } else { as_remote.open(Side::Target, &record) };
                match plain.and_then(|p| as_remote.sealed(APPLICATION_DATA, 1, &p)) {
                    Ok(resealed) => FaultAction::Rewritten(resealed.to_bytes()),
                    Err(_) => FaultAction::AsIs,
                }
            }
            (RecordFault::ChecksTagShort, APPLICATION_DATA, 1) if as_remote.open(Side::Target, &record).is_err() => {
                let fixed = with_last_byte_that(&record.fragment, |fragment| {
                    let candidate = RawRecord { fragment: fragment.to_vec(), ..record.clone() };
                    as_remote.open(Side::Target, &candidate).is_ok()
                });
                match fixed {
                    Some(fragment) => FaultAction::Rewritten(RawRecord { fragment, ..record }.to_bytes()),
                    None => FaultAction::AsIs,
                }
            }
            (RecordFault::Renegotiates, HANDSHAKE, 1)
                if as_remote.open(Side::Target, &record).is_ok_and(|p| p.first() == Some(&HELLO_REQUEST)) =>
            {
                // Its own records are `Harness` in its view of its socket.
                let own = RecordForge::new(&view, keylog, Side::Harness);
                match own.and_then(|mut own| own.sealed(HANDSHAKE, 1, &renegotiating_client_hello())) {
                    Ok(hello) => FaultAction::Reply(hello.to_bytes()),
                    Err(_) => FaultAction::AsIs,
                }
            }
            (RecordFault::AcceptsReflected, APPLICATION_DATA, 1) if as_remote.open(Side::Target, &record).is_err() => {
                // The peer's own records are `Harness` in its view of its socket.
                match as_remote.open(Side::Harness, &record).and_then(|p| as_remote.sealed(APPLICATION_DATA, 1, &p)) {
                    Ok(resealed) => FaultAction::Rewritten(resealed.to_bytes()),
                    Err(_) => FaultAction::AsIs,
                }
            }
            _ => FaultAction::AsIs,
        }
    }

    /// Whether the fault changes what the peer sends ([`RecordFault::on_send`]), not only what it
    /// takes in.
    pub fn acts_on_own_records(self) -> bool {
        matches!(self, RecordFault::LabelLengthInCharacters | RecordFault::SendsNoInit)
    }

    /// `datagram` is about to go to the remote: what the faulty peer sends. `datagrams` is the
    /// peer's whole record so far, without this one.
    pub fn on_send(self, datagram: &[u8], wire: &Wire<'_>) -> FaultAction {
        let (datagrams, local, keylog) = (wire.datagrams, wire.local, &wire.keylog.lines()[..]);
        if !self.acts_on_own_records() {
            return FaultAction::AsIs;
        }
        let Some(record) = RawRecord::parse_single(datagram) else { return FaultAction::AsIs };
        if (record.content_type, record.epoch) != (APPLICATION_DATA, 1) {
            return FaultAction::AsIs;
        }
        let view = WireView::read(datagrams, local, keylog);
        // Its own records are `Harness` in its view of its socket.
        let Ok(mut own) = RecordForge::new(&view, keylog, Side::Harness) else { return FaultAction::AsIs };
        let Ok(packet) = own.open(Side::Harness, &record) else { return FaultAction::AsIs };
        if self == RecordFault::SendsNoInit {
            return if sctp_rewrite::starts_with_init(&packet) { FaultAction::Dropped } else { FaultAction::AsIs };
        }
        match sctp_rewrite::with_open_label_in_characters(&packet).map(|p| own.resealed(&record, &p)) {
            Some(Ok(instead)) => FaultAction::Rewritten(instead.to_bytes()),
            _ => FaultAction::AsIs,
        }
    }

    /// An SRTP or SRTCP packet from the remote that does not authenticate: taken with the
    /// last byte of its tag set to whatever authenticates, or protected as the remote would
    /// have (plain, or reflected: first opened with the peer's own keys).
    fn on_receive_srtp(self, datagram: &[u8], wire: &Wire<'_>) -> FaultAction {
        let (datagrams, local, keylog) = (wire.datagrams, wire.local, &wire.keylog.lines()[..]);
        use RecordFault::*;
        let rtcp = match (classify(datagram), self) {
            (Protocol::Rtp, SrtpChecksTagShort | SrtpAcceptsPlain | SrtpAcceptsReflected) => false,
            (Protocol::Rtcp, SrtpChecksTagShort | SrtcpAcceptsPlain | SrtpAcceptsReflected) => true,
            _ => return FaultAction::AsIs,
        };
        // The SRTP keys come from the hellos alone (epoch 0): reading only those keeps this cheap
        // on every packet of a call, where reading the whole wire would decrypt it all again.
        let hellos: Vec<Datagram> = datagrams
            .iter()
            .filter(|d| classify(&d.bytes) == Protocol::Dtls && d.bytes.get(3..5) == Some(&[0, 0][..]))
            .cloned()
            .collect();
        let view = WireView::read(&hellos, local, keylog);
        // A fresh context for each try: a failed attempt must not move its replay window.
        // The remote is `Target` in the peer's own view of its socket.
        let fresh = |side: Side| view.srtp_context(keylog, side).ok();
        let authenticates = |bytes: &[u8]| {
            fresh(Side::Target).is_some_and(|mut c| {
                if rtcp {
                    c.decrypt_rtcp(bytes).is_ok()
                } else {
                    c.decrypt_rtp(bytes).is_ok()
                }
            })
        };
        if authenticates(datagram) {
            return FaultAction::AsIs;
        }
        // Protected as the remote would have. An SRTCP index comes from the context, not the
        // packet: past every SRTCP packet the remote sent, so the replay check lets it in.
        let as_remote = |plain: &[u8]| -> Option<Vec<u8>> {
            let mut c = fresh(Side::Target)?;
            if !rtcp {
                return c.encrypt_rtp(plain).ok().map(|b| b.to_vec());
            }
            let earlier = datagrams.iter().filter(|d| d.from != local && classify(&d.bytes) == Protocol::Rtcp).count();
            (0..=earlier).map(|_| c.encrypt_rtcp(plain).ok().map(|b| b.to_vec())).last().flatten()
        };
        let taken = match self {
            SrtpAcceptsPlain | SrtcpAcceptsPlain => as_remote(datagram),
            SrtpAcceptsReflected => fresh(Side::Harness)
                .and_then(|mut own| if rtcp { own.decrypt_rtcp(datagram).ok() } else { own.decrypt_rtp(datagram).ok() })
                .and_then(|plain| as_remote(&plain)),
            _ => with_last_byte_that(datagram, authenticates),
        };
        taken.map_or(FaultAction::AsIs, FaultAction::Rewritten)
    }
}

/// `bytes` with its last byte set to the first value `ok` accepts: what a receiver that
/// compares a tag without its last byte takes in.
fn with_last_byte_that(bytes: &[u8], mut ok: impl FnMut(&[u8]) -> bool) -> Option<Vec<u8>> {
    let mut candidate = bytes.to_vec();
    let at = candidate.len().checked_sub(1)?;
    (0..=u8::MAX).find_map(|last| {
        candidate[at] = last;
        ok(&candidate).then(|| candidate.clone())
    })
}

/// Each record fault is a stage: on what comes in (DTLS, SRTP, SRTCP) and, for the faults
/// that change what the peer sends, on its own DTLS records.
impl Stage for RecordFault {
    fn outbound(&mut self, wire: &mut Wire<'_>, datagram: Vec<u8>) -> Vec<Vec<u8>> {
        // The key log is read only for a fault that rewrites the peer's own records.
        if !self.acts_on_own_records() || classify(&datagram) != Protocol::Dtls {
            return vec![datagram];
        }
        match self.on_send(&datagram, wire) {
            FaultAction::Rewritten(instead) => vec![instead],
            FaultAction::Dropped => Vec::new(),
            _ => vec![datagram],
        }
    }

    fn inbound(&mut self, wire: &mut Wire<'_>, datagram: Vec<u8>) -> Option<Vec<u8>> {
        if !matches!(classify(&datagram), Protocol::Dtls | Protocol::Rtp | Protocol::Rtcp) {
            return Some(datagram);
        }
        match self.on_receive(&datagram, wire) {
            FaultAction::AsIs => Some(datagram),
            FaultAction::Rewritten(other) => Some(other),
            FaultAction::Dropped => None,
            FaultAction::Reply(bytes) => {
                let to = wire.remote;
                wire.effect(Effect::Send { to, bytes });
                None
            }
        }
    }
}
