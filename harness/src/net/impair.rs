//! The interposer's impairment: a seeded model of a bad path between the harness and the
//! target. Each datagram, in each direction, may be lost, duplicated, held back so later ones
//! overtake it, delayed, or lost for exceeding the path MTU.
//!
//! Reproducible: each direction draws from its own stream of the seed, the same three draws
//! per datagram whatever the outcome, so the n-th datagram in a direction meets the same fate
//! on every run with that seed, however the other direction's traffic differs.

use std::fmt;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::seed::SeedRng;

/// The longest a datagram chosen for reordering waits for the next one in its direction to
/// overtake it (a lockstep handshake may send nothing more until it is answered).
pub const REORDER_HOLD: Duration = Duration::from_millis(100);

/// What the path does. The default is a perfect path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Impairment {
    /// The target's first DTLS handshake datagram is lost (whatever the seed).
    pub lose_first_dtls: bool,
    /// The target's first datagram that starts with a ChangeCipherSpec (its flight with the
    /// Finished) is lost (whatever the seed).
    pub lose_first_change_cipher_spec: bool,
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
    /// Where the draws come from (a case passes its own seed).
    pub seed: u64,
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
        if self.lose_first_dtls {
            parts.push("the target's first DTLS datagram lost".to_string());
        }
        if self.lose_first_change_cipher_spec {
            parts.push("the target's first ChangeCipherSpec datagram lost".to_string());
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
            parts.push(format!("datagrams over {mtu} bytes lost, both ways"));
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
}

impl fmt::Display for PathStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} datagrams (largest {} bytes): {} lost, {} over the MTU, {} duplicated, {} held back",
            self.offered, self.largest, self.lost, self.too_big, self.duplicated, self.held_back
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
    draws: [SeedRng; 2],
    stats: [PathStats; 2],
    held: Vec<Held>,
    arrivals: u64,
    /// The target's first DTLS datagram is yet to be lost.
    first_dtls_pending: bool,
    /// The target's first ChangeCipherSpec datagram is yet to be lost.
    first_ccs_pending: bool,
}

impl Impairer {
    pub fn new(config: Impairment) -> Impairer {
        let stream =
            |direction: u64| SeedRng::new(crate::seed::stable_hash(&[&config.seed.to_be_bytes(), &[direction as u8]]));
        Impairer {
            config,
            draws: [stream(0), stream(1)],
            stats: [PathStats::default(); 2],
            held: Vec::new(),
            arrivals: 0,
            first_dtls_pending: config.lose_first_dtls,
            first_ccs_pending: config.lose_first_change_cipher_spec,
        }
    }

    pub fn config(&self) -> &Impairment {
        &self.config
    }

    /// A datagram enters the path at `now`.
    pub fn take(&mut self, direction: Direction, now: Instant, peer: SocketAddr, bytes: Vec<u8>) {
        let d = direction.index();
        let draws = &mut self.draws[d];
        let (lose, duplicate, hold) = (draws.below(100), draws.below(100), draws.below(100));
        let stats = &mut self.stats[d];
        stats.offered += 1;
        stats.largest = stats.largest.max(bytes.len());
        if direction == Direction::FromTarget && self.first_dtls_pending && bytes.first() == Some(&22) {
            self.first_dtls_pending = false;
            stats.lost += 1;
            return;
        }
        if direction == Direction::FromTarget && self.first_ccs_pending && bytes.first() == Some(&20) {
            self.first_ccs_pending = false;
            stats.lost += 1;
            return;
        }
        if self.config.mtu.is_some_and(|mtu| bytes.len() > usize::from(mtu)) {
            stats.too_big += 1;
            return;
        }
        if direction == Direction::FromTarget && lose < u64::from(self.config.loss_percent) {
            stats.lost += 1;
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
        // The directions draw from separate streams.
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
        let config = Impairment { lose_first_dtls: true, ..Impairment::default() };
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

        let config = Impairment { lose_first_change_cipher_spec: true, ..Impairment::default() };
        let mut path = Impairer::new(config);
        for bytes in [vec![22, 1], vec![20, 2], vec![20, 3]] {
            path.take(Direction::FromTarget, now, addr(), bytes);
        }
        let out: Vec<_> = path.due(now).into_iter().map(|r| r.bytes).collect();
        assert_eq!(out, vec![vec![22, 1], vec![20, 3]]);
    }
}
