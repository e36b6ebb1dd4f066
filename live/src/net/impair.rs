//! The interposer's impairment: a seeded model of a bad path between the harness and the
//! target. Each datagram, in each direction, may be lost, duplicated, held back so later ones
//! overtake it, delayed, or lost for exceeding the path MTU.
//!
//! Reproducible: each direction and each kind of datagram (STUN, DTLS handshake, other DTLS,
//! anything else) draws from its own stream of the seed, the same three draws per datagram
//! whatever the outcome. So the n-th DTLS handshake datagram the target sends meets the same
//! fate on every run with that seed, however many connectivity checks timing put before it.

use std::fmt;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::seed::SeedRng;
use rtcspec_wire::dtls::handshake::{CERTIFICATE, SERVER_HELLO};
use rtcspec_wire::dtls::{records, RawRecord, HANDSHAKE};

/// The longest a datagram chosen for reordering waits for the next one in its direction to
/// overtake it (a lockstep handshake may send nothing more until it is answered).
pub const REORDER_HOLD: Duration = Duration::from_millis(100);

/// After the path loses a DTLS handshake datagram of the target's, the harness's last
/// ServerHello flight goes to the target again this much later, as new records: the peer's
/// retransmission (RFC 6347 §4.2.4's second way out of WAITING) arriving before either side's
/// 1 s timer.
/// Without it, whether the harness's timer or the target's fires first would decide the
/// outcome for a stack that handles only its own timer (webrtc-rs as DTLS client does).
pub const PEER_REPEATS_AFTER: Duration = Duration::from_millis(300);

/// What the path does. The default is a perfect path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Impairment {
    /// The target's first datagram of this kind is lost (whatever the seed).
    pub lose_first: Option<FirstLost>,
    /// Chance, in percent, that a datagram from the target is lost. The harness's own are not:
    /// its DTLS (webrtc-rs) does not retransmit a lost flight when the peer's retransmission
    /// arrives first (see targets/FINDINGS.md), and a case must judge only the target's
    /// recovery.
    pub loss_percent: u8,
    /// Chance, in percent, that a datagram arrives twice.
    pub duplicate_percent: u8,
    /// Chance, in percent, that a datagram is overtaken by the next one in its direction: it
    /// leaves just after that one (or after [`REORDER_HOLD`] if none comes). A datagram that
    /// overtakes is not held itself, so 100 % swaps every pair.
    pub reorder_percent: u8,
    /// One-way delay added to every datagram, in milliseconds.
    pub delay_ms: u16,
    /// The largest UDP payload the path carries; larger datagrams are lost.
    pub mtu: Option<u16>,
    /// The MTU loses only DTLS records of application data (and media), not STUN or the DTLS
    /// handshake: for a case about the packets inside DTLS (SCTP's), whatever the size of
    /// the target's handshake (a ClientHello with a post-quantum key share is 1.2 to 1.4 KB).
    pub mtu_spares_handshake: bool,
    /// Where the draws come from (a case passes its own seed).
    pub seed: u64,
}

/// A datagram of the target's that the path loses the first of, to make it retransmit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstLost {
    /// Its first DTLS handshake datagram (a ClientHello or a ServerHello flight).
    Dtls,
    /// Its first datagram that starts with a Certificate message: flight 5, as DTLS client.
    Certificate,
    /// Its first datagram that starts with a ChangeCipherSpec: its last flight, as server.
    ChangeCipherSpec,
}

impl FirstLost {
    fn matches(self, bytes: &[u8]) -> bool {
        match self {
            FirstLost::Dtls => bytes.first() == Some(&22),
            FirstLost::Certificate => starts_with_handshake(bytes, CERTIFICATE),
            FirstLost::ChangeCipherSpec => bytes.first() == Some(&20),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            FirstLost::Dtls => "the target's first DTLS datagram lost",
            FirstLost::Certificate => "the target's first Certificate datagram lost",
            FirstLost::ChangeCipherSpec => "the target's first ChangeCipherSpec datagram lost",
        }
    }
}

impl Impairment {
    /// Whether the path changes anything (a perfect path needs no interposer queue).
    pub fn is_perfect(&self) -> bool {
        *self == Impairment { seed: self.seed, ..Impairment::default() }
    }
}

impl fmt::Display for Impairment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(first) = self.lose_first {
            parts.push(first.describe().to_string());
        }
        if self.loss_percent > 0 {
            parts.push(format!("{} % of the target's datagrams lost", self.loss_percent));
        }
        for (percent, what) in [(self.duplicate_percent, "duplicated"), (self.reorder_percent, "overtaken")] {
            if percent > 0 {
                parts.push(format!("{percent} % of datagrams {what}, both ways"));
            }
        }
        if self.delay_ms > 0 {
            parts.push(format!("{} ms delay each way", self.delay_ms));
        }
        if let Some(mtu) = self.mtu {
            let what = if self.mtu_spares_handshake { "datagrams after the DTLS handshake" } else { "datagrams" };
            parts.push(format!("{what} over {mtu} bytes lost, both ways"));
        }
        if parts.is_empty() {
            parts.push("a perfect path".into());
        }
        write!(f, "{} (seed {:#018x})", parts.join(", "), self.seed)
    }
}

/// Which way a datagram goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    ToTarget,
    FromTarget,
}

impl Direction {
    fn index(self) -> usize {
        match self {
            Direction::ToTarget => 0,
            Direction::FromTarget => 1,
        }
    }
}

/// What the path did to one direction's datagrams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PathStats {
    pub offered: u32,
    pub lost: u32,
    pub too_big: u32,
    pub duplicated: u32,
    pub held_back: u32,
    /// The largest datagram offered, in bytes.
    pub largest: usize,
    /// The largest datagram lost for exceeding the MTU, in bytes.
    pub largest_too_big: usize,
    /// The harness's ServerHello flight sent again after a loss ([`PEER_REPEATS_AFTER`]).
    pub repeated: u32,
}

impl fmt::Display for PathStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let too_big = match self.too_big {
            0 => "0 over the MTU".to_string(),
            n => format!("{n} over the MTU (up to {} bytes)", self.largest_too_big),
        };
        write!(
            f,
            "{} datagrams (largest {} bytes): {} lost, {too_big}, {} duplicated, {} held back, {} repeated",
            self.offered, self.largest, self.lost, self.duplicated, self.held_back, self.repeated
        )
    }
}

/// A datagram the path releases: where it goes (or came from) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Released {
    pub direction: Direction,
    pub peer: SocketAddr,
    pub bytes: Vec<u8>,
}

/// How far a repeated flight's record sequence numbers move past the original's: a
/// retransmission is a new record (RFC 6347 §4.2.2), and a byte-for-byte copy would be a
/// duplicate the receiver's replay window drops. Well within a 64-record window, so the
/// sender's own later records are not pushed out of it.
const RETRANSMISSION_SEQ_STEP: u64 = 16;

/// The same epoch-0 records with sequence numbers [`RETRANSMISSION_SEQ_STEP`] further on
/// (epoch 0 has no MAC, so this is a valid retransmission). Records of later epochs are kept
/// as they are; the walk stops at a record it cannot read (truncated, or a DTLS 1.3 unified
/// header, whose sequence number is encrypted), and the rest is kept as it is.
fn as_retransmission(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for record in records(bytes).0 {
        let Some(mut raw) = RawRecord::from_record(&record) else { break };
        if raw.epoch == 0 {
            raw.sequence += RETRANSMISSION_SEQ_STEP;
        }
        out.extend_from_slice(&raw.to_bytes());
    }
    out.extend_from_slice(&bytes[out.len()..]);
    out
}

/// Whether a datagram starts with an epoch-0 handshake record whose first message (after the
/// 13-byte record header) is of type `msg_type`.
fn starts_with_handshake(bytes: &[u8], msg_type: u8) -> bool {
    bytes.first() == Some(&HANDSHAKE) && bytes.get(3..5) == Some(&[0, 0]) && bytes.get(13) == Some(&msg_type)
}

/// The kinds of datagram that draw from streams of their own.
const KINDS: usize = 4;

/// Which stream a datagram draws from: STUN, DTLS handshake (ChangeCipherSpec, alert,
/// handshake records), other DTLS (application data), anything else (SRTP, SRTCP, ...).
fn kind(bytes: &[u8]) -> usize {
    match bytes.first() {
        Some(0..=3) => 0,
        Some(20..=22) => 1,
        Some(23..=63) => 2,
        _ => 3,
    }
}

struct Held {
    due: Instant,
    /// Held back until the next datagram in its direction overtakes it.
    waiting: bool,
    /// Arrival order, so datagrams due at the same time leave in the order they came.
    order: u64,
    released: Released,
}

/// The path itself: takes datagrams in, lets them out when they are due.
pub struct Impairer {
    config: Impairment,
    /// Per direction, per [`kind`].
    draws: [[SeedRng; KINDS]; 2],
    stats: [PathStats; 2],
    held: Vec<Held>,
    arrivals: u64,
    /// The target's first datagram of [`Impairment::lose_first`]'s kind, yet to be lost.
    first_pending: Option<FirstLost>,
    /// The harness's last ServerHello flight datagram, and where it went.
    server_flight: Option<(SocketAddr, Vec<u8>)>,
}

impl Impairer {
    pub fn new(config: Impairment) -> Impairer {
        let stream = |direction: u8, kind: u8| {
            SeedRng::new(crate::seed::stable_hash(&[&config.seed.to_be_bytes(), &[direction, kind]]))
        };
        let streams = |direction: u8| [0, 1, 2, 3].map(|kind| stream(direction, kind));
        Impairer {
            config,
            draws: [streams(0), streams(1)],
            stats: [PathStats::default(); 2],
            held: Vec::new(),
            arrivals: 0,
            first_pending: config.lose_first,
            server_flight: None,
        }
    }

    /// A datagram enters the path at `now`.
    pub fn take(&mut self, direction: Direction, now: Instant, peer: SocketAddr, bytes: Vec<u8>) {
        let d = direction.index();
        let draws = &mut self.draws[d][kind(&bytes)];
        let (lose, duplicate, hold) = (draws.below(100), draws.below(100), draws.below(100));
        let stats = &mut self.stats[d];
        stats.offered += 1;
        stats.largest = stats.largest.max(bytes.len());
        if direction == Direction::ToTarget && starts_with_handshake(&bytes, SERVER_HELLO) {
            self.server_flight = Some((peer, bytes.clone()));
        }
        let first = direction == Direction::FromTarget && self.first_pending.is_some_and(|f| f.matches(&bytes));
        let lost = first || (direction == Direction::FromTarget && lose < u64::from(self.config.loss_percent));
        if first {
            self.first_pending = None;
        }
        if lost {
            stats.lost += 1;
            if kind(&bytes) == 1 {
                self.repeat_server_flight(now);
            }
            return;
        }
        let sized = !self.config.mtu_spares_handshake || kind(&bytes) >= 2;
        if sized && self.config.mtu.is_some_and(|mtu| bytes.len() > usize::from(mtu)) {
            stats.too_big += 1;
            stats.largest_too_big = stats.largest_too_big.max(bytes.len());
            return;
        }
        let due = now + Duration::from_millis(u64::from(self.config.delay_ms));
        let overtaking = self.held.iter().any(|h| h.waiting && h.released.direction == direction);
        let waits = !overtaking && hold < u64::from(self.config.reorder_percent);
        let copies = if duplicate < u64::from(self.config.duplicate_percent) {
            stats.duplicated += 1;
            2
        } else {
            1
        };
        if waits {
            stats.held_back += 1;
        }
        for _ in 0..copies {
            self.arrivals += 1;
            let released = Released { direction, peer, bytes: bytes.clone() };
            let due = if waits { due + REORDER_HOLD } else { due };
            self.held.push(Held { due, waiting: waits, order: self.arrivals, released });
        }
        if overtaking {
            for h in self.held.iter_mut().filter(|h| h.waiting && h.released.direction == direction) {
                self.arrivals += 1;
                (h.due, h.order, h.waiting) = (due, self.arrivals, false);
            }
        }
    }

    /// The harness's last ServerHello flight goes to the target again, [`PEER_REPEATS_AFTER`]
    /// from `now`.
    fn repeat_server_flight(&mut self, now: Instant) {
        let Some((peer, bytes)) = self.server_flight.as_ref().map(|(p, b)| (*p, as_retransmission(b))) else { return };
        self.stats[Direction::ToTarget.index()].repeated += 1;
        self.arrivals += 1;
        let released = Released { direction: Direction::ToTarget, peer, bytes };
        self.held.push(Held { due: now + PEER_REPEATS_AFTER, waiting: false, order: self.arrivals, released });
    }

    /// The datagrams due by `now`, in the order they leave the path.
    pub fn due(&mut self, now: Instant) -> Vec<Released> {
        let (mut due, held): (Vec<Held>, Vec<Held>) =
            std::mem::take(&mut self.held).into_iter().partition(|h| h.due <= now);
        self.held = held;
        due.sort_by_key(|h| (h.due, h.order));
        due.into_iter().map(|h| h.released).collect()
    }

    /// When the next held datagram is due.
    pub fn next_due(&self) -> Option<Instant> {
        self.held.iter().map(|h| h.due).min()
    }

    pub fn stats(&self, direction: Direction) -> PathStats {
        self.stats[direction.index()]
    }

    /// What the path was and did, for a case's report.
    pub fn summary(&self) -> String {
        format!(
            "{}; to the target {}; from the target {}",
            self.config,
            self.stats(Direction::ToTarget),
            self.stats(Direction::FromTarget)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr() -> SocketAddr {
        "127.0.0.1:9".parse().unwrap()
    }

    #[test]
    fn a_retransmission_renumbers_epoch_0_records_only() {
        let record = |epoch: u16, sequence: u64, body: &[u8]| RawRecord {
            content_type: HANDSHAKE,
            version: 0xFEFD,
            epoch,
            sequence,
            fragment: body.to_vec(),
        };
        let mut flight = [record(0, 3, b"hello"), record(0, 4, b"cert"), record(1, 0, b"finished")]
            .iter()
            .flat_map(RawRecord::to_bytes)
            .collect::<Vec<u8>>();
        flight.extend_from_slice(&[HANDSHAKE, 0xFE]); // a truncated record: kept as it came
        let again = as_retransmission(&flight);
        assert_eq!(again.len(), flight.len());
        let (read, _) = records(&again);
        let sequences: Vec<_> = read.iter().map(|r| (r.epoch, r.sequence, r.body)).collect();
        let step = RETRANSMISSION_SEQ_STEP;
        assert_eq!(
            sequences,
            [(0, Some(3 + step), &b"hello"[..]), (0, Some(4 + step), &b"cert"[..]), (1, Some(0), &b"finished"[..])]
        );
        assert_eq!(again[again.len() - 2..], [HANDSHAKE, 0xFE]);
    }

    /// Which of `n` datagrams (numbered by their first byte) leave, in order.
    fn through(config: Impairment, n: u8, direction: Direction) -> (Vec<u8>, PathStats) {
        let mut path = Impairer::new(config);
        let start = Instant::now();
        for i in 0..n {
            path.take(direction, start + Duration::from_millis(u64::from(i)), addr(), vec![i; usize::from(i) + 1]);
        }
        let out = path.due(start + Duration::from_secs(60)).into_iter().map(|r| r.bytes[0]).collect();
        (out, path.stats(direction))
    }

    #[test]
    fn a_perfect_path_passes_everything_in_order() {
        let (out, stats) = through(Impairment { seed: 7, ..Impairment::default() }, 50, Direction::ToTarget);
        assert_eq!(out, (0..50).collect::<Vec<_>>());
        assert_eq!(stats, PathStats { offered: 50, largest: 50, ..PathStats::default() });
        assert!(Impairment { seed: 7, ..Impairment::default() }.is_perfect());
    }

    #[test]
    fn the_same_seed_gives_the_same_fates_and_another_seed_others() {
        let lossy = Impairment {
            loss_percent: 20,
            duplicate_percent: 10,
            reorder_percent: 10,
            seed: 1,
            ..Impairment::default()
        };
        let first = through(lossy, 200, Direction::FromTarget);
        assert_eq!(first, through(lossy, 200, Direction::FromTarget));
        assert_ne!(first.0, through(Impairment { seed: 2, ..lossy }, 200, Direction::FromTarget).0);
        // The directions draw from separate streams (so do the kinds of datagram).
        assert_ne!(first.0, through(lossy, 200, Direction::ToTarget).0);
    }

    #[test]
    fn loss_duplication_and_reordering_happen_at_about_their_rates() {
        let config = Impairment {
            loss_percent: 20,
            duplicate_percent: 10,
            reorder_percent: 10,
            seed: 3,
            ..Impairment::default()
        };
        let (out, stats) = through(config, 200, Direction::FromTarget);
        assert!((25..=55).contains(&stats.lost), "{stats}");
        assert_eq!(through(config, 200, Direction::ToTarget).1.lost, 0, "the harness's datagrams are never lost");
        assert!((8..=35).contains(&stats.duplicated), "{stats}");
        assert!((8..=35).contains(&stats.held_back), "{stats}");
        let mut deduped = out.clone();
        deduped.dedup();
        assert!(stats.held_back > 0);
        assert!(deduped.len() < out.len(), "some datagram arrives twice in a row");
        let mut sorted = deduped.clone();
        sorted.sort_unstable();
        assert_ne!(sorted, deduped, "some datagram is overtaken");
        assert_eq!(out.len() as u32, stats.offered - stats.lost + stats.duplicated);
    }

    #[test]
    fn full_reordering_swaps_every_pair_and_a_lone_datagram_leaves_after_the_hold() {
        let config = Impairment { reorder_percent: 100, seed: 5, ..Impairment::default() };
        let (out, stats) = through(config, 5, Direction::ToTarget);
        assert_eq!(out, vec![1, 0, 3, 2, 4]);
        assert_eq!(stats.held_back, 3);
        let mut path = Impairer::new(config);
        let start = Instant::now();
        path.take(Direction::ToTarget, start, addr(), vec![1]);
        assert_eq!(path.next_due(), Some(start + REORDER_HOLD));
    }

    #[test]
    fn a_lost_target_handshake_datagram_brings_the_server_flight_again_as_new_records() {
        let record = |seq: u8, message: u8| {
            let mut r = vec![22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, seq, 0, 12];
            r.extend([message; 12]);
            r
        };
        let mut flight = record(1, 2);
        flight.extend(record(2, 11));
        let config = Impairment { lose_first: Some(FirstLost::Certificate), ..Impairment::default() };
        let mut path = Impairer::new(config);
        let now = Instant::now();
        path.take(Direction::ToTarget, now, addr(), flight.clone());
        assert_eq!(
            path.due(now),
            vec![Released { direction: Direction::ToTarget, peer: addr(), bytes: flight.clone() }]
        );
        path.take(Direction::FromTarget, now, addr(), record(3, 11));
        assert!(path.due(now + PEER_REPEATS_AFTER / 2).is_empty());
        let again = path.due(now + PEER_REPEATS_AFTER);
        let mut expected = flight.clone();
        (expected[10], expected[35]) = (1 + 16, 2 + 16);
        assert_eq!(again, vec![Released { direction: Direction::ToTarget, peer: addr(), bytes: expected }]);
        assert_eq!(path.stats(Direction::ToTarget).repeated, 1);
    }

    #[test]
    fn the_mtu_loses_larger_datagrams_and_delay_holds_the_rest() {
        let config = Impairment { mtu: Some(10), delay_ms: 100, seed: 4, ..Impairment::default() };
        let mut path = Impairer::new(config);
        let start = Instant::now();
        path.take(Direction::ToTarget, start, addr(), vec![1; 10]);
        path.take(Direction::ToTarget, start, addr(), vec![2; 11]);
        assert_eq!(path.next_due(), Some(start + Duration::from_millis(100)));
        assert!(path.due(start + Duration::from_millis(99)).is_empty());
        assert_eq!(path.due(start + Duration::from_millis(100)).len(), 1);
        assert_eq!(path.stats(Direction::ToTarget).too_big, 1);
        assert_eq!(path.next_due(), None);
    }

    #[test]
    fn only_the_targets_first_dtls_datagram_is_lost() {
        let config = Impairment { lose_first: Some(FirstLost::Dtls), ..Impairment::default() };
        let mut path = Impairer::new(config);
        let now = Instant::now();
        path.take(Direction::ToTarget, now, addr(), vec![22, 1]);
        path.take(Direction::FromTarget, now, addr(), vec![0, 1]);
        path.take(Direction::FromTarget, now, addr(), vec![22, 2]);
        path.take(Direction::FromTarget, now, addr(), vec![22, 3]);
        path.take(Direction::FromTarget, now, addr(), vec![20, 4]);
        let out: Vec<_> = path.due(now).into_iter().map(|r| r.bytes).collect();
        assert_eq!(out, vec![vec![22, 1], vec![0, 1], vec![22, 3], vec![20, 4]]);
        assert!(path.summary().contains("first DTLS datagram lost"), "{}", path.summary());

        let config = Impairment { lose_first: Some(FirstLost::ChangeCipherSpec), ..Impairment::default() };
        let mut path = Impairer::new(config);
        for bytes in [vec![22, 1], vec![20, 2], vec![20, 3]] {
            path.take(Direction::FromTarget, now, addr(), bytes);
        }
        let out: Vec<_> = path.due(now).into_iter().map(|r| r.bytes).collect();
        assert_eq!(out, vec![vec![22, 1], vec![20, 3]]);

        // A ClientHello (type 1) passes; the first Certificate (type 11) of epoch 0 is lost.
        let record = |message: u8| {
            let mut r = vec![22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12];
            r.extend([message; 12]);
            r
        };
        let config = Impairment { lose_first: Some(FirstLost::Certificate), ..Impairment::default() };
        let mut path = Impairer::new(config);
        for bytes in [record(1), record(11), record(11)] {
            path.take(Direction::FromTarget, now, addr(), bytes);
        }
        assert_eq!(path.due(now).len(), 2);
        assert_eq!(path.stats(Direction::FromTarget).lost, 1);
    }
}
