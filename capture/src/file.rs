//! Reading pcap and pcapng files, streaming: one frame at a time, borrowed from the reader's
//! buffer, so memory does not grow with the capture.
//!
//! Both byte orders, micro- and nanosecond pcap, pcapng with several interfaces (each with
//! its own link type and timestamp resolution) and several sections. Key logs embedded in a
//! pcapng (Decryption Secrets Blocks, as `editcap --inject-secrets` writes them) are handed
//! out too. A damaged file stops the reading with an error naming the packet after which it
//! went wrong; what was read until then stays valid.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::time::Duration;

use pcap_file::pcap::{PcapReadError, PcapReader};
use pcap_file::pcapng::blocks::block_common::Block;
use pcap_file::pcapng::{PcapNgReadError, PcapNgReader};
use pcap_file::Endianness;

/// pcapng Decryption Secrets Block type, and its TLS key log secrets type ("TLSK").
const DECRYPTION_SECRETS_BLOCK: u32 = 0x0000_000A;
const SECRETS_TLS_KEY_LOG: u32 = 0x544C_534B;

/// One captured packet, as the file stores it.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// 1-based, counting packets only (Wireshark's frame number).
    pub number: u64,
    /// Since the Unix epoch.
    pub timestamp: Duration,
    /// The tcpdump.org LINKTYPE_ value of the packet's interface.
    pub link_type: u32,
    pub data: &'a [u8],
    /// The length on the wire; more than `data.len()` when the snap length cut the packet.
    pub original_len: u32,
}

/// What reading a capture yields.
#[derive(Debug)]
pub enum Item<'a> {
    Frame(Frame<'a>),
    /// The text of a TLS key log embedded in the capture (pcapng Decryption Secrets Block).
    KeyLog(Vec<u8>),
}

#[derive(Debug)]
pub enum CaptureError {
    Io(std::io::Error),
    /// The first four bytes are neither a pcap nor a pcapng magic number.
    NotACapture {
        magic: Vec<u8>,
    },
    /// The file header itself is unreadable.
    BadHeader {
        detail: String,
    },
    /// The file ends in the middle of a packet or block.
    Truncated {
        after_packet: u64,
    },
    /// A block or packet header is malformed; nothing after it can be trusted.
    Corrupt {
        after_packet: u64,
        detail: String,
    },
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureError::Io(e) => write!(f, "cannot read the capture: {e}"),
            CaptureError::NotACapture { magic } if magic.is_empty() => write!(f, "the file is empty, not a capture"),
            CaptureError::NotACapture { magic } => write!(
                f,
                "not a pcap or pcapng file (starts with {}; pcap starts with a1b2c3d4 or a1b23c4d in either \
                 byte order, pcapng with 0a0d0d0a)",
                rtcspec_wire::stun::hex(magic)
            ),
            CaptureError::BadHeader { detail } => write!(f, "unreadable file header: {detail}"),
            CaptureError::Truncated { after_packet } => {
                write!(f, "the file ends in the middle of a packet (after packet {after_packet}); it was cut short")
            }
            CaptureError::Corrupt { after_packet, detail } => {
                write!(f, "corrupt data after packet {after_packet}: {detail}; the rest of the file is skipped")
            }
        }
    }
}

impl std::error::Error for CaptureError {}

enum Format<R: Read> {
    Pcap { reader: PcapReader<R>, link_type: u32 },
    PcapNg(PcapNgReader<R>),
}

/// A streaming reader over a pcap or pcapng file.
pub struct CaptureReader<R: Read> {
    format: Format<BufReader<R>>,
    packets: u64,
    done: bool,
    /// Holds a packet's bytes when the underlying reader hands them out owned.
    scratch: Vec<u8>,
}

fn is_eof(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::UnexpectedEof
}

impl<R: Read> CaptureReader<R> {
    /// Reads the file header; the format is told by the magic number, not the file name.
    pub fn new(input: R) -> Result<CaptureReader<R>, CaptureError> {
        let mut input = BufReader::with_capacity(1 << 16, input);
        let magic = input.fill_buf().map_err(CaptureError::Io)?.get(..4).map(<[u8]>::to_vec);
        let format = match magic.as_deref() {
            Some([0x0A, 0x0D, 0x0D, 0x0A]) => Format::PcapNg(
                PcapNgReader::with_capacity(input, 1 << 16)
                    .map_err(|e| CaptureError::BadHeader { detail: pcapng_error(&e) })?,
            ),
            Some(
                [0xA1, 0xB2, 0xC3, 0xD4]
                | [0xD4, 0xC3, 0xB2, 0xA1]
                | [0xA1, 0xB2, 0x3C, 0x4D]
                | [0x4D, 0x3C, 0xB2, 0xA1],
            ) => {
                let reader = PcapReader::with_capacity(input, 1 << 16)
                    .map_err(|e| CaptureError::BadHeader { detail: pcap_error(&e) })?;
                let link_type = u32::from(reader.header().datalink);
                Format::Pcap { reader, link_type }
            }
            other => {
                let magic = match other {
                    Some(m) => m.to_vec(),
                    None => input.fill_buf().map_err(CaptureError::Io)?.to_vec(),
                };
                return Err(CaptureError::NotACapture { magic });
            }
        };
        Ok(CaptureReader { format, packets: 0, done: false, scratch: Vec::new() })
    }

    /// Packets read so far.
    pub fn packets(&self) -> u64 {
        self.packets
    }

    /// The next packet or embedded key log; `None` at the end, and after an error.
    pub fn next_item(&mut self) -> Option<Result<Item<'_>, CaptureError>> {
        let CaptureReader { format, packets, done, scratch } = self;
        if *done {
            return None;
        }
        let after_packet = *packets;
        let item = match format {
            Format::Pcap { reader, link_type } => match reader.next_packet()? {
                Ok(p) => {
                    *packets += 1;
                    let (timestamp, original_len) = (p.timestamp(), p.orig_len());
                    Ok(Item::Frame(Frame {
                        number: *packets,
                        timestamp,
                        link_type: *link_type,
                        data: keep(p.into_data(), scratch),
                        original_len,
                    }))
                }
                Err(PcapReadError::Io(e)) if is_eof(&e) => Err(CaptureError::Truncated { after_packet }),
                Err(e) => Err(CaptureError::Corrupt { after_packet, detail: pcap_error(&e) }),
            },
            Format::PcapNg(reader) => loop {
                // Packet bytes are copied out of the reader's buffer: returning a borrow from
                // inside this loop is beyond the borrow checker, and a copy costs little.
                let (block, state) = match reader.next_block()? {
                    Ok(b) => b,
                    Err(PcapNgReadError::Io(e)) if is_eof(&e) => break Err(CaptureError::Truncated { after_packet }),
                    Err(e) => break Err(CaptureError::Corrupt { after_packet, detail: pcapng_error(&e) }),
                };
                let link_of = |interface: u32| {
                    state.interfaces().get(interface as usize).map_or(u32::MAX, |i| u32::from(i.linktype))
                };
                let (data, timestamp, link_type, original_len) = match &block {
                    Block::EnhancedPacket(p) => (&p.data, p.timestamp, link_of(p.interface_id), p.original_len),
                    Block::SimplePacket(p) => (&p.data, Duration::ZERO, link_of(0), p.original_len),
                    Block::Packet(p) => (&p.data, p.timestamp, link_of(u32::from(p.interface_id)), p.original_len),
                    Block::Unknown(b) if b.type_ == DECRYPTION_SECRETS_BLOCK => {
                        match secrets(&b.value, state.endianness()) {
                            Some(text) => break Ok(Item::KeyLog(text)),
                            None => continue,
                        }
                    }
                    _ => continue,
                };
                scratch.clear();
                scratch.extend_from_slice(data);
                *packets += 1;
                break Ok(Item::Frame(Frame { number: *packets, timestamp, link_type, data: scratch, original_len }));
            },
        };
        if item.is_err() {
            *done = true;
        }
        Some(item)
    }
}

/// Packet bytes borrowed from the reader's buffer stay borrowed; owned ones (the reader had
/// to copy them) move into `scratch`, which lives as long as the borrow.
fn keep<'s>(data: std::borrow::Cow<'s, [u8]>, scratch: &'s mut Vec<u8>) -> &'s [u8] {
    match data {
        std::borrow::Cow::Borrowed(b) => b,
        std::borrow::Cow::Owned(v) => {
            *scratch = v;
            scratch
        }
    }
}

/// The key log text of a Decryption Secrets Block body, if it holds a TLS key log.
fn secrets(body: &[u8], endianness: Endianness) -> Option<Vec<u8>> {
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = body.get(at..at + 4)?.try_into().ok()?;
        Some(match endianness {
            Endianness::Big => u32::from_be_bytes(b),
            Endianness::Little => u32::from_le_bytes(b),
        })
    };
    let (kind, len) = (u32_at(0)?, u32_at(4)? as usize);
    (kind == SECRETS_TLS_KEY_LOG).then(|| body.get(8..8usize.saturating_add(len)).map(<[u8]>::to_vec)).flatten()
}

fn pcap_error(e: &PcapReadError) -> String {
    match e {
        PcapReadError::Io(io) => io.to_string(),
        other => other.to_string(),
    }
}

fn pcapng_error(e: &PcapNgReadError) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
