//! SCTP packets as a broken association reads them, for the record-layer faults
//! (`record_faults`): the packet the faulty peer's own stack gets instead of the one that
//! came. Each returns `None` when it would change nothing, or when the packet's chunks do not
//! tile it (nothing a fault should guess at).

use rtcspec_wire::dcep::{Open, DATA_CHANNEL_OPEN, OPEN_HEADER, PPID_DCEP};
use rtcspec_wire::sctp::{
    chunk_bounds as chunks, with_checksum, Data, RawChunk, COMMON_HEADER, DATA, DATA_HEADER, INIT,
};

/// Chunk types the reference's association (rtc-sctp 0.21) parses; any other fails its parse
/// of the whole packet.
const KNOWN_CHUNKS: [u8; 15] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 130, 192];

/// `packet` without the chunks whose type the association does not know, whatever their
/// high bits ask: a receiver that skips every unknown chunk (RFC 9260 §3.2 broken for the
/// types whose high bits are 00 and 01, which stop the packet).
pub fn without_unknown_chunks(packet: &[u8]) -> Option<Vec<u8>> {
    let all = chunks(packet)?;
    let known: Vec<_> = all.iter().filter(|(at, _)| KNOWN_CHUNKS.contains(&packet[*at])).collect();
    if known.len() == all.len() {
        return None;
    }
    let mut out = packet[..COMMON_HEADER].to_vec();
    for (at, end) in known {
        out.extend_from_slice(&packet[*at..*end]);
    }
    with_checksum(out)
}

/// Whether `packet`'s first chunk is an INIT (RFC 9260 §3.3.2).
pub fn starts_with_init(packet: &[u8]) -> bool {
    packet.get(COMMON_HEADER) == Some(&INIT)
}

/// The DATA_CHANNEL_OPEN messages in `packet`'s DATA chunks: where each starts and ends.
fn open_messages(packet: &[u8]) -> Option<Vec<(usize, usize)>> {
    let mut out = Vec::new();
    for (at, _) in chunks(packet)? {
        // `chunks` checked that every chunk's length is at least 4 and inside the packet.
        let end = at + usize::from(u16::from_be_bytes([packet[at + 2], packet[at + 3]]));
        if packet[at] != DATA {
            continue;
        }
        let raw = RawChunk { kind: DATA, flags: packet[at + 1], value: &packet[at + 4..end] };
        let Some(data) = Data::read(&raw) else { continue };
        if data.ppid == PPID_DCEP && data.payload.len() >= OPEN_HEADER && data.payload[0] == DATA_CHANNEL_OPEN {
            out.push((at + DATA_HEADER, end));
        }
    }
    Some(out)
}

/// `packet` with the Label Length of each DATA_CHANNEL_OPEN for which `new_length` (given
/// the message) has one; `None` if it has none.
fn with_label_lengths(packet: &[u8], new_length: impl Fn(&[u8]) -> Option<u16>) -> Option<Vec<u8>> {
    let mut out = packet.to_vec();
    let mut changed = false;
    for (start, end) in open_messages(packet)? {
        if let Some(length) = new_length(&packet[start..end]) {
            out[start + 8..start + 10].copy_from_slice(&length.to_be_bytes());
            changed = true;
        }
    }
    changed.then_some(out).and_then(with_checksum)
}

/// A DATA_CHANNEL_OPEN's Label Length and Protocol Length, and the bytes after its header.
fn lengths(message: &[u8]) -> Option<(usize, usize, usize)> {
    let (label, protocol) = Open::lengths(message)?;
    Some((label, protocol, message.len().checked_sub(OPEN_HEADER)?))
}

/// `packet` with the Label Length of a DATA_CHANNEL_OPEN that runs past its message cut to
/// what is there: a receiver that takes the label as a slice ending at the message's end
/// (RFC 8832 §6 broken: such an OPEN must be refused).
pub fn with_open_label_clamped(packet: &[u8]) -> Option<Vec<u8>> {
    with_label_lengths(packet, |message| {
        let (label, protocol, room) = lengths(message)?;
        (label + protocol > room).then(|| room.saturating_sub(protocol) as u16)
    })
}

/// `packet` with the Label Length of a DATA_CHANNEL_OPEN counting the label's characters,
/// not its bytes of UTF-8 (RFC 8832 §5.1 broken for a non-ASCII label).
pub fn with_open_label_in_characters(packet: &[u8]) -> Option<Vec<u8>> {
    with_label_lengths(packet, |message| {
        let (label, _, room) = lengths(message)?;
        let text = std::str::from_utf8(message.get(OPEN_HEADER..OPEN_HEADER + label.min(room))?).ok()?;
        let characters = text.chars().count();
        (characters != label).then_some(characters as u16)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A packet with these chunks (each padded) and a valid checksum.
    fn packet(chunks: &[Vec<u8>]) -> Vec<u8> {
        let padded: Vec<u8> =
            chunks.iter().flat_map(|c| [&c[..], &[0; 3][..c.len().next_multiple_of(4) - c.len()]].concat()).collect();
        rtcspec_wire::sctp::packet([0x13, 0x88, 0x13, 0x88], 1, &padded)
    }

    fn chunk(kind: u8, value: &[u8]) -> Vec<u8> {
        rtcspec_wire::sctp::chunk(kind, 0, value)
    }

    fn data(ppid: u32, payload: &[u8]) -> Vec<u8> {
        rtcspec_wire::sctp::data_chunk(7, 1, Some(0), ppid, payload)
    }

    /// A DATA_CHANNEL_OPEN with `label` and `label_len` as its Label Length, no protocol.
    fn open(label_len: u16, label: &str) -> Vec<u8> {
        let mut m = vec![DATA_CHANNEL_OPEN, 0, 0, 0, 0, 0, 0, 0];
        m.extend_from_slice(&label_len.to_be_bytes());
        m.extend_from_slice(&[0, 0]);
        m.extend_from_slice(label.as_bytes());
        m
    }

    #[test]
    fn unknown_chunks_are_taken_out_and_the_checksum_made_again() {
        let with = packet(&[chunk(0x3f, &[1, 2, 3, 4]), data(51, b"hello")]);
        let without = without_unknown_chunks(&with).unwrap();
        assert_eq!(without, packet(&[data(51, b"hello")]));
        assert_eq!(without_unknown_chunks(&without), None);
        // A chunk whose length runs past the packet: nothing is guessed.
        let mut broken = with.clone();
        broken[COMMON_HEADER + 3] = 200;
        assert_eq!(without_unknown_chunks(&broken), None);
    }

    #[test]
    fn an_init_is_told_from_other_first_chunks() {
        assert!(starts_with_init(&packet(&[chunk(INIT, &[0; 16])])));
        assert!(!starts_with_init(&packet(&[data(51, b"x"), chunk(INIT, &[0; 16])])));
        assert!(!starts_with_init(&[0; 8]));
    }

    #[test]
    fn an_open_whose_label_runs_past_it_is_clamped_and_a_good_one_left() {
        let bad = packet(&[data(PPID_DCEP, &open(200, "short"))]);
        assert_eq!(with_open_label_clamped(&bad).unwrap(), packet(&[data(PPID_DCEP, &open(5, "short"))]));
        assert_eq!(with_open_label_clamped(&packet(&[data(PPID_DCEP, &open(5, "short"))])), None);
        // Not DCEP: left alone.
        assert_eq!(with_open_label_clamped(&packet(&[data(51, &open(200, "short"))])), None);
    }

    #[test]
    fn a_non_ascii_label_is_counted_in_characters() {
        let label = "été";
        let right = packet(&[data(PPID_DCEP, &open(5, label))]);
        assert_eq!(with_open_label_in_characters(&right).unwrap(), packet(&[data(PPID_DCEP, &open(3, label))]));
        assert_eq!(with_open_label_in_characters(&packet(&[data(PPID_DCEP, &open(5, "ascii"))])), None);
    }
}
