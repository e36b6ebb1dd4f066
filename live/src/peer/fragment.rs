//! DTLS handshake fragmentation (RFC 6347 §4.2.3), both ways round: the harness cutting its
//! own handshake messages into small fragments, one record per datagram, as a sender on a
//! path with a small MTU does (overlapping, if asked, as a sender that shrinks its fragments
//! on retransmission does); and the faults of a target that cannot put them together again.

use rtcspec_wire::dtls::handshake::{fragments_in, handshake_fragments, Fragment};
use rtcspec_wire::dtls::{records, RawRecord, Record, HANDSHAKE};
/// Record sequence numbers of epoch 0 are spread by this factor, so the fragments of one
/// record take the numbers after it and every record stays ahead of those before it.
const SPREAD: u64 = 256;

/// How the harness cuts its epoch-0 handshake messages: fragments of `size` bytes, each
/// starting `step` bytes after the one before (`step < size`: they overlap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fragmenting {
    pub size: usize,
    pub step: usize,
}

/// The largest handshake message put back together (a ClientHello with a post-quantum key
/// share is about 1.5 KB; a certificate chain a few KB).
const MAX_REASSEMBLED: u32 = 65_536;

/// A message being put together: its bytes, and which of them arrived.
type Partial = (Vec<u8>, Vec<bool>);

/// Puts handshake messages cut into fragments back together, per sender and message_seq
/// (RFC 6347 §4.2.3), as a receiver would; retransmitted and overlapping fragments are fine.
#[derive(Debug, Default)]
pub struct Reassembler {
    /// (sender, message_seq, type) -> the message's bytes and which of them arrived.
    partial: std::collections::HashMap<(usize, u16, u8), Partial>,
    /// Messages already given out whole, so a retransmission is not given twice.
    done: std::collections::HashSet<(usize, u16, u8)>,
}

impl Reassembler {
    /// Takes one fragment from `sender`; the whole message body once its last byte arrived
    /// (once per message), `None` until then or for a message too long or inconsistent.
    pub fn add(&mut self, sender: usize, fragment: Fragment, bytes: &[u8]) -> Option<Vec<u8>> {
        let key = (sender, fragment.message_seq, fragment.msg_type);
        if self.done.contains(&key) || fragment.length > MAX_REASSEMBLED || fragment.end() > fragment.length {
            return None;
        }
        if !fragment.is_partial() {
            self.done.insert(key);
            self.partial.remove(&key);
            return Some(bytes.to_vec());
        }
        let length = fragment.length as usize;
        let (message, have) = self.partial.entry(key).or_insert_with(|| (vec![0; length], vec![false; length]));
        if message.len() != length {
            return None;
        }
        let range = fragment.offset as usize..fragment.end() as usize;
        message[range.clone()].copy_from_slice(bytes);
        have[range].iter_mut().for_each(|b| *b = true);
        if have.iter().all(|b| *b) {
            self.done.insert(key);
            return self.partial.remove(&key).map(|(m, _)| m);
        }
        None
    }
}

/// The datagrams that carry `datagram` cut as `how` says: each epoch-0 handshake message in
/// fragments, one record per datagram, numbered after the original record's number times
/// [`SPREAD`]; other epoch-0 records renumbered alike, later epochs as they were. `None` for
/// a datagram with no epoch-0 handshake record (it goes as it is).
pub fn fragmented(datagram: &[u8], how: Fragmenting) -> Option<Vec<Vec<u8>>> {
    let (records, error) = records(datagram);
    let handshake = |r: &&Record<'_>| r.content_type == HANDSHAKE && r.epoch == 0;
    if error.is_some() || !records.iter().any(|r| handshake(&r)) || how.size == 0 || how.step == 0 {
        return None;
    }
    let mut out = Vec::new();
    for r in &records {
        let sequence = r.sequence?;
        let record = |sequence: u64, fragment: Vec<u8>| {
            RawRecord { content_type: r.content_type, version: r.version, epoch: r.epoch, sequence, fragment }
                .to_bytes()
        };
        if r.epoch != 0 {
            out.push(record(sequence, r.body.to_vec()));
            continue;
        }
        let mut number = sequence * SPREAD;
        if !handshake(&r) {
            out.push(record(number, r.body.to_vec()));
            continue;
        }
        for (f, body) in fragments_in(r.body) {
            let mut start = 0;
            loop {
                let end = (start + how.size).min(body.len());
                let piece = Fragment { offset: f.offset + start as u32, ..f };
                out.push(record(number, piece.to_bytes(&body[start..end])));
                number += 1;
                if end == body.len() {
                    break;
                }
                start += how.step;
            }
        }
    }
    Some(out)
}

/// What a target's reassembly does with an incoming fragment (the mutant's faults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reassembly {
    /// Only whole messages are taken: a fragment is dropped.
    WholeOnly,
    /// A fragment is only appended where the message so far ends: one that starts anywhere
    /// else (before that end, as overlapping ranges do) is dropped.
    AppendOnly,
}

impl Reassembly {
    /// Whether the datagram `current` is dropped, `earlier` being the datagrams the remote
    /// sent before it, in order.
    pub fn drops<'a>(self, current: &[u8], earlier: impl Iterator<Item = &'a [u8]>) -> bool {
        let now = handshake_fragments(current);
        match self {
            Reassembly::WholeOnly => now.iter().any(Fragment::is_partial),
            Reassembly::AppendOnly => {
                // How much of each message the buffer holds, from the fragments it took.
                let mut held: Vec<(u16, u32)> = Vec::new();
                let take = |fragments: &[Fragment], held: &mut Vec<(u16, u32)>| {
                    let end = |f: &Fragment| held.iter().find(|(m, _)| *m == f.message_seq).map_or(0, |(_, e)| *e);
                    if fragments.iter().any(|f| f.offset != end(f)) {
                        return false;
                    }
                    for f in fragments {
                        held.retain(|(m, _)| *m != f.message_seq);
                        held.push((f.message_seq, f.end()));
                    }
                    true
                };
                for d in earlier {
                    take(&handshake_fragments(d), &mut held);
                }
                !take(&now, &mut held)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rtcspec_wire::dtls::handshake::HANDSHAKE_HEADER;

    #[test]
    fn reassembly_gives_a_message_once_when_every_byte_came() {
        let body: Vec<u8> = (0..=255).cycle().take(1500).collect();
        let piece = |offset: u32, len: u32| {
            let f = Fragment { msg_type: 1, message_seq: 0, length: 1500, offset, fragment_length: len };
            (f, &body[offset as usize..(offset + len) as usize])
        };
        let mut r = Reassembler::default();
        // Out of order and overlapping, one of them twice.
        for (f, b) in [piece(1000, 500), piece(0, 600), piece(0, 600)] {
            assert_eq!(r.add(1, f, b), None);
        }
        let (f, b) = piece(500, 600);
        assert_eq!(r.add(1, f, b).as_deref(), Some(&body[..]));
        assert_eq!(r.add(1, f, b), None, "a retransmission is not given again");
        // Another sender's message of the same number is its own.
        let whole = Fragment { msg_type: 1, message_seq: 0, length: 3, offset: 0, fragment_length: 3 };
        assert_eq!(r.add(0, whole, b"abc").as_deref(), Some(&b"abc"[..]));
        // A fragment past its message's end, or a message too long, gives nothing.
        let past = Fragment { msg_type: 2, message_seq: 1, length: 4, offset: 2, fragment_length: 4 };
        assert_eq!(r.add(0, past, b"abcd"), None);
        let huge = Fragment { msg_type: 2, message_seq: 2, length: 1 << 23, offset: 0, fragment_length: 2 };
        assert_eq!(r.add(0, huge, b"ab"), None);
    }

    /// A datagram of two epoch-0 records: a 100-byte handshake message (type 11) and a
    /// ChangeCipherSpec; then an epoch-1 record.
    fn flight() -> Vec<u8> {
        let message = Fragment { msg_type: 11, message_seq: 3, length: 100, offset: 0, fragment_length: 100 };
        let body: Vec<u8> = (0..100).collect();
        let mut d =
            RawRecord { content_type: 22, version: 0xfefd, epoch: 0, sequence: 2, fragment: message.to_bytes(&body) }
                .to_bytes();
        d.extend(RawRecord { content_type: 20, version: 0xfefd, epoch: 0, sequence: 3, fragment: vec![1] }.to_bytes());
        d.extend(
            RawRecord { content_type: 22, version: 0xfefd, epoch: 1, sequence: 0, fragment: vec![9; 40] }.to_bytes(),
        );
        d
    }

    #[test]
    fn contiguous_fragments_cover_the_message_once_in_order() {
        let out = fragmented(&flight(), Fragmenting { size: 30, step: 30 }).unwrap();
        assert_eq!(out.len(), 4 + 2);
        let fragments: Vec<Fragment> = out[..4].iter().flat_map(|d| handshake_fragments(d)).collect();
        let ranges: Vec<(u32, u32)> = fragments.iter().map(|f| (f.offset, f.fragment_length)).collect();
        assert_eq!(ranges, [(0, 30), (30, 30), (60, 30), (90, 10)]);
        assert!(fragments.iter().all(|f| f.length == 100 && f.message_seq == 3 && f.msg_type == 11));
        let numbers: Vec<u64> = out.iter().map(|d| records(d).0[0].sequence.unwrap()).collect();
        assert_eq!(numbers, [512, 513, 514, 515, 768, 0], "epoch 0 spread, epoch 1 as it was");
        // The bytes survive: fragment 2 starts with byte 30 of the message.
        assert_eq!(records(&out[1]).0[0].body[HANDSHAKE_HEADER], 30);
    }

    #[test]
    fn overlapping_fragments_repeat_bytes_and_still_end_at_the_end() {
        let out = fragmented(&flight(), Fragmenting { size: 40, step: 30 }).unwrap();
        let ranges: Vec<(u32, u32)> =
            out.iter().flat_map(|d| handshake_fragments(d)).map(|f| (f.offset, f.fragment_length)).collect();
        assert_eq!(ranges, [(0, 40), (30, 40), (60, 40)]);
    }

    #[test]
    fn datagrams_without_epoch_0_handshake_pass_unchanged() {
        let app =
            RawRecord { content_type: 23, version: 0xfefd, epoch: 1, sequence: 5, fragment: vec![0; 30] }.to_bytes();
        assert_eq!(fragmented(&app, Fragmenting { size: 10, step: 10 }), None);
        assert_eq!(fragmented(b"\x16garbage", Fragmenting { size: 10, step: 10 }), None);
        assert_eq!(fragmented(&[], Fragmenting { size: 10, step: 10 }), None);
    }

    #[test]
    fn faulty_reassembly_drops_what_it_cannot_use() {
        let whole = flight();
        assert!(!Reassembly::WholeOnly.drops(&whole, std::iter::empty()));
        let contiguous = fragmented(&whole, Fragmenting { size: 30, step: 30 }).unwrap();
        assert!(Reassembly::WholeOnly.drops(&contiguous[0], std::iter::empty()));
        let taken = |pieces: &[Vec<u8>]| -> Vec<bool> {
            (0..pieces.len())
                .map(|i| !Reassembly::AppendOnly.drops(&pieces[i], pieces[..i].iter().map(Vec::as_slice)))
                .collect()
        };
        assert_eq!(taken(&contiguous[..4]), [true; 4]);
        let overlapping = fragmented(&whole, Fragmenting { size: 40, step: 30 }).unwrap();
        assert_eq!(taken(&overlapping[..3]), [true, false, false]);
    }
}
