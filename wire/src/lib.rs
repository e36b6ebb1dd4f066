//! The wire: one codec module per message family WebRTC puts on a 5-tuple, in the manner of
//! rustls's `msgs/`. Each module owns its family's constants, reads bytes without panicking
//! (a malformed input is an error or `None`, never an index out of range) and builds what
//! the harness sends. Nothing here knows about cases, calls or captures: capture replay, the
//! live path, the fuzz entry points and the case files all read and write through it, and
//! nothing else in the workspace defines a wire constant or walks a chunk.
//!
//! | module | family | RFC |
//! |---|---|---|
//! | [`demux`] | which protocol a datagram's first byte says it is | 7983, 9443 |
//! | [`stun`] | STUN messages, attributes, integrity, fingerprint | 8489 |
//! | [`turn`] | TURN methods, attributes and ChannelData | 8656 |
//! | [`dtls`] | DTLS records and handshake messages | 6347, 9147, 5764 |
//! | [`rtp`] | RTP and RTCP headers, report blocks | 3550 |
//! | [`srtp`] | the SRTCP trailer (E flag, index) | 3711 |
//! | [`sctp`] | SCTP common header, chunks, CRC32c | 9260 |
//! | [`dcep`] | data channel establishment messages and PPIDs | 8832, 8831 |
//! | [`keys`] | key logs, DTLS 1.2 record and SRTP/SRTCP decryption with them | 5246, 5764, 3711 |

pub mod dcep;
pub mod demux;
mod direction;
pub mod dtls;
pub mod keys;
pub mod rtp;
pub mod sctp;
pub mod srtp;
pub mod stun;
pub mod turn;

mod read;

pub use direction::Direction;
