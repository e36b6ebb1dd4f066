//! SCTP packets (RFC 9260 §3): the common header and its CRC32c (§6.8, Appendix A), chunks
//! and their parameters, DATA (§3.3.1) and I-DATA (RFC 8260 §2.1) chunk fields, and the
//! chunks the harness builds by hand (DATA, HEARTBEAT, RE-CONFIG).

use crate::read::{u16_at, u32_at};

/// Source port, destination port, verification tag, checksum (RFC 9260 §3.1).
pub const COMMON_HEADER: usize = 12;

/// Chunk types (RFC 9260 §3.2, RFC 6525 §3.1, RFC 3758 §3.2, RFC 8260 §2.1, RFC 5061 §3.1).
pub const DATA: u8 = 0;
pub const INIT: u8 = 1;
pub const INIT_ACK: u8 = 2;
pub const SACK: u8 = 3;
pub const HEARTBEAT: u8 = 4;
pub const HEARTBEAT_ACK: u8 = 5;
pub const ABORT: u8 = 6;
pub const SHUTDOWN: u8 = 7;
pub const SHUTDOWN_ACK: u8 = 8;
pub const ERROR: u8 = 9;
pub const COOKIE_ECHO: u8 = 10;
pub const COOKIE_ACK: u8 = 11;
pub const SHUTDOWN_COMPLETE: u8 = 14;
pub const I_DATA: u8 = 64;
pub const ASCONF_ACK: u8 = 128;
pub const RE_CONFIG: u8 = 130;
pub const FORWARD_TSN: u8 = 192;
pub const ASCONF: u8 = 193;

/// DATA chunk flags (RFC 9260 §3.3.1): unordered, beginning and ending fragment.
pub const UNORDERED: u8 = 0x04;
pub const BEGINNING: u8 = 0x02;
pub const ENDING: u8 = 0x01;

/// DATA chunk header: type, flags, length, TSN, stream, SSN, PPID (RFC 9260 §3.3.1).
pub const DATA_HEADER: usize = 16;
/// The fixed part of INIT and INIT ACK values before their parameters (RFC 9260 §3.3.2).
pub const INIT_FIXED: usize = 16;

/// Parameter types.
pub const OUTGOING_RESET_REQUEST: u16 = 13;
pub const SUPPORTED_EXTENSIONS: u16 = 0x8008;
pub const FORWARD_TSN_SUPPORTED: u16 = 0xC000;
/// A HEARTBEAT's Heartbeat Info parameter (RFC 9260 §3.3.5).
pub const HEARTBEAT_INFO: u16 = 1;

pub fn chunk_name(t: u8) -> String {
    match t {
        DATA => "DATA".into(),
        INIT => "INIT".into(),
        INIT_ACK => "INIT_ACK".into(),
        SACK => "SACK".into(),
        HEARTBEAT => "HEARTBEAT".into(),
        HEARTBEAT_ACK => "HEARTBEAT_ACK".into(),
        ABORT => "ABORT".into(),
        SHUTDOWN => "SHUTDOWN".into(),
        SHUTDOWN_ACK => "SHUTDOWN_ACK".into(),
        ERROR => "ERROR".into(),
        COOKIE_ECHO => "COOKIE_ECHO".into(),
        COOKIE_ACK => "COOKIE_ACK".into(),
        SHUTDOWN_COMPLETE => "SHUTDOWN_COMPLETE".into(),
        I_DATA => "I_DATA".into(),
        ASCONF_ACK => "ASCONF_ACK".into(),
        RE_CONFIG => "RE_CONFIG".into(),
        FORWARD_TSN => "FORWARD_TSN".into(),
        ASCONF => "ASCONF".into(),
        other => format!("type_{other}"),
    }
}

/// CRC32c over the packet with its checksum field zeroed, as RFC 9260 §6.8 computes it.
pub fn checksum(packet: &[u8]) -> Option<u32> {
    let head = packet.get(..COMMON_HEADER)?;
    let mut c = crc32c::crc32c(&head[..8]);
    c = crc32c::crc32c_append(c, &[0; 4]);
    Some(crc32c::crc32c_append(c, &packet[COMMON_HEADER..]))
}

/// The checksum field as it travels: in the byte order the CRC32c algorithm produces it
/// (RFC 9260 Appendix A), which is the little-endian reading of the field.
pub fn stored_checksum(packet: &[u8]) -> Option<u32> {
    packet.get(8..12).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// `packet` with its CRC32c computed again; `None` if it is shorter than the common header.
pub fn with_checksum(mut packet: Vec<u8>) -> Option<Vec<u8>> {
    let crc = checksum(&packet)?;
    packet[8..12].copy_from_slice(&crc.to_le_bytes());
    Some(packet)
}

/// The verification tag of a packet's common header.
pub fn verification_tag(packet: &[u8]) -> Option<u32> {
    u32_at(packet, 4)
}

/// One chunk as it is in a packet: type, flags and value (after its 4-byte header, without
/// padding; cut short if the packet ends first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawChunk<'a> {
    pub kind: u8,
    pub flags: u8,
    pub value: &'a [u8],
}

/// The chunks of a packet after its common header, as a lenient reader takes them: a chunk
/// whose length is under 4 ends the walk; the last one may run past the packet's end and
/// is cut there.
pub fn chunks(packet: &[u8]) -> impl Iterator<Item = RawChunk<'_>> {
    let mut at = COMMON_HEADER;
    std::iter::from_fn(move || {
        let h = packet.get(at..at + 4)?;
        let len = usize::from(u16::from_be_bytes([h[2], h[3]]));
        if len < 4 {
            return None;
        }
        let value = packet.get(at + 4..at + len).unwrap_or(&packet[at + 4..]);
        at += (len + 3) & !3;
        Some(RawChunk { kind: h[0], flags: h[1], value })
    })
}

/// Where each chunk of `packet` starts and ends, padding included; `None` unless the chunks
/// tile the packet exactly (each at least 4 bytes, none running past the end).
pub fn chunk_bounds(packet: &[u8]) -> Option<Vec<(usize, usize)>> {
    let mut at = COMMON_HEADER;
    let mut out = Vec::new();
    while at < packet.len() {
        let length = usize::from(u16_at(packet, at + 2)?);
        if length < 4 || at + length > packet.len() {
            return None;
        }
        let end = (at + length.div_ceil(4) * 4).min(packet.len());
        out.push((at, end));
        at = end;
    }
    (packet.len() >= COMMON_HEADER).then_some(out)
}

/// DTLS carries SCTP in WebRTC, but not always: the chunks must tile the packet exactly
/// (each at least 4 bytes, padded to 4, the last one possibly unpadded) for the bytes to be
/// judged as SCTP.
pub fn looks_like_sctp(p: &[u8]) -> bool {
    p.len() >= COMMON_HEADER + 4 && chunk_bounds(p).is_some()
}

/// A DATA or I-DATA chunk's header fields and user data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Data {
    pub tsn: u32,
    pub stream: u16,
    /// DATA: the stream sequence number; I-DATA: 0 (it has a message identifier instead).
    pub ssn: u16,
    /// I-DATA's PPID is in its first fragment only; a later fragment's FSN is read here.
    pub ppid: u32,
    pub unordered: bool,
    pub beginning: bool,
    pub ending: bool,
    pub payload: Vec<u8>,
}

impl Data {
    /// The fields of a DATA (RFC 9260 §3.3.1) or I-DATA (RFC 8260 §2.1) chunk; `None` for
    /// another type or a value too short for its header.
    pub fn read(chunk: &RawChunk<'_>) -> Option<Data> {
        let v = chunk.value;
        let (ssn, ppid, payload) = match chunk.kind {
            DATA => (u16_at(v, 6)?, u32_at(v, 8)?, v.get(12..)?),
            I_DATA => (0, u32_at(v, 12)?, v.get(16..)?),
            _ => return None,
        };
        Some(Data {
            tsn: u32_at(v, 0)?,
            stream: u16_at(v, 4)?,
            ssn,
            ppid,
            unordered: chunk.flags & UNORDERED != 0,
            beginning: chunk.flags & BEGINNING != 0,
            ending: chunk.flags & ENDING != 0,
            payload: payload.to_vec(),
        })
    }
}

/// The parameters (type, value) of an INIT, INIT ACK or RE-CONFIG chunk's value; empty for
/// other chunks. A parameter whose length is under 4 ends the walk after it.
pub fn params(kind: u8, value: &[u8]) -> Vec<(u16, Vec<u8>)> {
    let start = match kind {
        INIT | INIT_ACK => INIT_FIXED,
        RE_CONFIG => 0,
        _ => return Vec::new(),
    };
    let mut params = Vec::new();
    let mut at = start;
    while let Some(h) = value.get(at..at + 4) {
        let len = usize::from(u16::from_be_bytes([h[2], h[3]]));
        let Some(v) = value.get(at + 4..at + len.max(4)) else { break };
        params.push((u16::from_be_bytes([h[0], h[1]]), v.to_vec()));
        if len < 4 {
            break;
        }
        at += (len + 3) & !3;
    }
    params
}

/// A chunk: type, flags, length, then `value` (not padded: [`packet`] pads).
pub fn chunk(kind: u8, flags: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![kind, flags];
    out.extend_from_slice(&((4 + value.len()) as u16).to_be_bytes());
    out.extend_from_slice(value);
    out
}

/// A parameter (or TLV error cause): type, length, value, padded to 4.
pub fn param(kind: u16, value: &[u8]) -> Vec<u8> {
    let mut out = kind.to_be_bytes().to_vec();
    out.extend_from_slice(&((4 + value.len()) as u16).to_be_bytes());
    out.extend_from_slice(value);
    out.resize(out.len().div_ceil(4) * 4, 0);
    out
}

/// A DATA chunk holding a whole message: `tsn`, on `stream`, ordered with `ssn` or unordered
/// (`None`), with `ppid` and `payload` (RFC 9260 §3.3.1).
pub fn data_chunk(tsn: u32, stream: u16, ssn: Option<u16>, ppid: u32, payload: &[u8]) -> Vec<u8> {
    let flags = BEGINNING | ENDING | if ssn.is_some() { 0 } else { UNORDERED };
    let mut value = tsn.to_be_bytes().to_vec();
    value.extend_from_slice(&stream.to_be_bytes());
    value.extend_from_slice(&ssn.unwrap_or(0).to_be_bytes());
    value.extend_from_slice(&ppid.to_be_bytes());
    value.extend_from_slice(payload);
    chunk(DATA, flags, &value)
}

/// A packet with `ports` (source then destination, 4 bytes), `verification_tag` and
/// `chunks` (whole chunks, each padded but perhaps the last), padded to 4, with its CRC32c.
pub fn packet(ports: [u8; 4], verification_tag: u32, chunks: &[u8]) -> Vec<u8> {
    let mut p = ports.to_vec();
    p.extend_from_slice(&verification_tag.to_be_bytes());
    p.extend_from_slice(&[0; 4]);
    p.extend_from_slice(chunks);
    p.resize(p.len().div_ceil(4) * 4, 0);
    with_checksum(p).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_tiled_chunks_are_sctp() {
        let mut p = vec![0x13, 0x88, 0x13, 0x88, 0, 0, 0, 1, 0, 0, 0, 0];
        p.extend_from_slice(&[3, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0]);
        assert!(looks_like_sctp(&p));
        p.extend_from_slice(&[0, 3, 0, 5, 9]);
        assert!(looks_like_sctp(&p), "a last chunk without its padding");
        assert!(!looks_like_sctp(b"hello over DTLS\n"));
        assert!(!looks_like_sctp(&p[..20]));
        assert!(!looks_like_sctp(&[0; 15]));
        let zero_length = [vec![0u8; 12], vec![0, 0, 0, 0]].concat();
        assert!(!looks_like_sctp(&zero_length));
    }

    #[test]
    fn crc32c_matches_the_rfc_9260_appendix_check_value() {
        // CRC32c("123456789") = 0xE3069283 (RFC 3720 B.4 check value): the same algorithm.
        assert_eq!(crc32c::crc32c(b"123456789"), 0xE306_9283);
        let built = packet([0, 1, 0, 2], 7, &chunk(HEARTBEAT, 0, &param(HEARTBEAT_INFO, b"x")));
        assert_eq!(stored_checksum(&built), checksum(&built));
    }

    #[test]
    fn data_fields_and_flags_are_read_and_short_values_are_not() {
        let built = packet([0; 4], 9, &data_chunk(7, 3, None, 51, b"hi"));
        let c = chunks(&built).next().unwrap();
        let d = Data::read(&c).unwrap();
        assert_eq!(
            (d.tsn, d.stream, d.ssn, d.ppid, d.unordered, d.beginning, d.ending),
            (7, 3, 0, 51, true, true, true)
        );
        assert_eq!(d.payload, b"hi");
        assert_eq!(Data::read(&RawChunk { kind: DATA, flags: 3, value: &[0; 11] }), None);
        assert_eq!(Data::read(&RawChunk { kind: SACK, flags: 0, value: &[0; 12] }), None);
    }

    #[test]
    fn params_stop_at_a_bad_length_and_chunk_walks_end_at_a_short_length() {
        let mut init = vec![0; INIT_FIXED];
        init.extend_from_slice(&param(FORWARD_TSN_SUPPORTED, &[]));
        init.extend_from_slice(&[0x80, 0x08, 0, 2]);
        let got = params(INIT, &init);
        assert_eq!(got, vec![(FORWARD_TSN_SUPPORTED, vec![]), (SUPPORTED_EXTENSIONS, vec![])]);
        let mut p = vec![0u8; 12];
        p.extend_from_slice(&[SACK, 0, 0, 2, 9, 9]);
        assert_eq!(chunks(&p).count(), 0);
        assert_eq!(chunk_bounds(&p), None);
    }
}
