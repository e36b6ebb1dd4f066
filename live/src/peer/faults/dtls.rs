//! Faults in the peer's DTLS handshake on a bad path (RFC 6347 §4.2.4): flights it never
//! retransmits, and ways it falls over where a conforming stack goes on.

use std::time::{Duration, Instant};

use crate::peer::stage::{Effect, Stage, Wire};
use rtcspec_wire::demux::{classify, Protocol};
use rtcspec_wire::dtls::{records, CHANGE_CIPHER_SPEC, HANDSHAKE};

/// A DTLS datagram's handshake content, as a key that a retransmission repeats: each
/// record's content type and epoch, and for epoch 0 handshake records the message type,
/// message_seq and fragment offset (the record sequence number changes on retransmission).
/// `None` unless every record is a handshake or ChangeCipherSpec record.
fn flight_key(bytes: &[u8]) -> Option<Vec<u64>> {
    let (records, error) = records(bytes);
    if error.is_some() {
        return None;
    }
    let keys: Vec<u64> = records
        .iter()
        .map(|r| {
            let detail = match (r.content_type, r.epoch, r.body.get(..12)) {
                (HANDSHAKE, 0, Some(m)) => {
                    u64::from(m[0]) << 40
                        | u64::from(u16::from_be_bytes([m[4], m[5]])) << 24
                        | u64::from(u32::from_be_bytes([0, m[6], m[7], m[8]]))
                }
                _ => r.body.len() as u64,
            };
            u64::from(r.content_type) << 56 | u64::from(r.epoch) << 48 | detail
        })
        .collect();
    let handshake_only = keys.iter().all(|k| matches!((k >> 56) as u8, CHANGE_CIPHER_SPEC | HANDSHAKE));
    (!keys.is_empty() && handshake_only).then_some(keys)
}

/// Each DTLS 1.2 record's epoch and sequence number, as one 64-bit number, in datagram order.
fn record_numbers(bytes: &[u8]) -> impl Iterator<Item = u64> + '_ {
    records(bytes).0.into_iter().filter_map(|r| Some(u64::from(r.epoch) << 48 | r.sequence?))
}

/// A DTLS handshake datagram that repeats what it already sent (a retransmitted flight)
/// never leaves.
#[derive(Default)]
pub struct NoDtlsRetransmit {
    sent: Vec<Vec<u64>>,
}

impl Stage for NoDtlsRetransmit {
    fn outbound(&mut self, _: &mut Wire<'_>, datagram: Vec<u8>) -> Vec<Vec<u8>> {
        match flight_key(&datagram) {
            Some(key) if self.sent.contains(&key) => Vec::new(),
            Some(key) => {
                self.sent.push(key);
                vec![datagram]
            }
            None => vec![datagram],
        }
    }
}

/// Ways a DTLS stack falls over on a bad path: each ends the connection (as a fatal error
/// would) where a conforming stack goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fragility {
    /// Gives the handshake up 2 s after its first DTLS datagram (a short handshake deadline).
    GivesUpAfter2s,
    /// A handshake datagram that repeats one already received (a duplicate) is fatal.
    RepeatFatal,
    /// A DTLS record older than one already received (reordered) is fatal.
    LateRecordFatal,
}

/// How long [`Fragility::GivesUpAfter2s`] lets the handshake take.
const GIVE_UP_AFTER: Duration = Duration::from_secs(2);

/// A [`Fragility`] as a stage, with what it remembers of the wire. Once it has fallen over,
/// nothing more reaches the stack.
pub struct Fragile {
    fragility: Fragility,
    first_dtls_sent: Option<Instant>,
    handshakes_received: Vec<Vec<u64>>,
    /// The newest record received: epoch and sequence number as one 64-bit number.
    newest_record: Option<u64>,
    fallen: bool,
}

impl Fragile {
    pub fn new(fragility: Fragility) -> Fragile {
        Fragile {
            fragility,
            first_dtls_sent: None,
            handshakes_received: Vec::new(),
            newest_record: None,
            fallen: false,
        }
    }

    fn falls_over_on(&mut self, bytes: &[u8]) -> bool {
        match self.fragility {
            Fragility::GivesUpAfter2s => false,
            Fragility::RepeatFatal => match flight_key(bytes) {
                Some(key) if self.handshakes_received.contains(&key) => true,
                Some(key) => {
                    self.handshakes_received.push(key);
                    false
                }
                None => false,
            },
            Fragility::LateRecordFatal => record_numbers(bytes).any(|n| {
                let late = self.newest_record.is_some_and(|newest| n < newest);
                self.newest_record = self.newest_record.max(Some(n));
                late
            }),
        }
    }

    fn fall_over(&mut self, wire: &mut Wire<'_>) {
        self.fallen = true;
        wire.effect(Effect::Close);
    }
}

impl Stage for Fragile {
    fn outbound(&mut self, wire: &mut Wire<'_>, datagram: Vec<u8>) -> Vec<Vec<u8>> {
        if classify(&datagram) == Protocol::Dtls {
            self.first_dtls_sent.get_or_insert(wire.now);
        }
        vec![datagram]
    }

    fn inbound(&mut self, wire: &mut Wire<'_>, datagram: Vec<u8>) -> Option<Vec<u8>> {
        if self.fallen {
            return None;
        }
        if classify(&datagram) == Protocol::Dtls && self.falls_over_on(&datagram) {
            self.fall_over(wire);
            return None;
        }
        Some(datagram)
    }

    fn tick(&mut self, wire: &mut Wire<'_>) {
        if self.fragility == Fragility::GivesUpAfter2s
            && !self.fallen
            && !wire.connected
            && self.first_dtls_sent.is_some_and(|t| wire.now >= t + GIVE_UP_AFTER)
        {
            self.fall_over(wire);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: u8, epoch: u16, seq: u64, body: &[u8]) -> Vec<u8> {
        rtcspec_wire::dtls::RawRecord {
            content_type: kind,
            version: 0xfefd,
            epoch,
            sequence: seq,
            fragment: body.to_vec(),
        }
        .to_bytes()
    }

    #[test]
    fn a_retransmitted_flight_has_the_same_key_and_application_data_has_none() {
        let hello = rtcspec_wire::dtls::handshake::whole_message(1, 0, &[7; 20]);
        assert_eq!(flight_key(&record(HANDSHAKE, 0, 0, &hello)), flight_key(&record(HANDSHAKE, 0, 5, &hello)));
        assert_eq!(flight_key(&record(23, 1, 5, &[0; 30])), None);
        let mut s = NoDtlsRetransmit::default();
        let keylog = crate::peer::keylog::KeyLog::default();
        let addr = "127.0.0.1:9".parse().unwrap();
        let mut wire = Wire::new(Instant::now(), addr, addr, &[], &keylog, &|| Default::default(), false);
        assert_eq!(s.outbound(&mut wire, record(HANDSHAKE, 0, 0, &hello)).len(), 1);
        assert!(s.outbound(&mut wire, record(HANDSHAKE, 0, 9, &hello)).is_empty());
    }
}
