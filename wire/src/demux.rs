//! RFC 7983 §7 (updated by RFC 9443 §3): what protocol a datagram on a WebRTC 5-tuple holds,
//! told by its first byte.
//!
//! ```text
//!          +----------------+
//!          |        [0..3] -+--> forward to STUN
//!          |      [16..19] -+--> forward to ZRTP
//!          |      [20..63] -+--> forward to DTLS
//!          |      [64..79] -+--> forward to TURN Channel
//!          |    [128..191] -+--> forward to RTP/RTCP
//!          +----------------+
//! ```
//! RTP and RTCP share the range; RTCP packet types 192..=223 tell them apart (RFC 5761 §4).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    Stun,
    Zrtp,
    Dtls,
    TurnChannel,
    Rtp,
    Rtcp,
    /// A first byte in none of the ranges: RFC 7983 says to drop it.
    Unknown,
}

impl Protocol {
    pub const ALL: [Protocol; 7] = [
        Protocol::Stun,
        Protocol::Zrtp,
        Protocol::Dtls,
        Protocol::TurnChannel,
        Protocol::Rtp,
        Protocol::Rtcp,
        Protocol::Unknown,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Protocol::Stun => "stun",
            Protocol::Zrtp => "zrtp",
            Protocol::Dtls => "dtls",
            Protocol::TurnChannel => "turn-channel",
            Protocol::Rtp => "rtp",
            Protocol::Rtcp => "rtcp",
            Protocol::Unknown => "unknown",
        }
    }
}

pub fn classify(datagram: &[u8]) -> Protocol {
    match datagram.first() {
        Some(0..=3) => Protocol::Stun,
        Some(16..=19) => Protocol::Zrtp,
        Some(20..=63) => Protocol::Dtls,
        Some(64..=79) => Protocol::TurnChannel,
        Some(128..=191) => match datagram.get(1) {
            Some(192..=223) => Protocol::Rtcp,
            _ => Protocol::Rtp,
        },
        _ => Protocol::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_match_rfc_7983_and_9443() {
        let expect = |b: u8| match b {
            0..=3 => Protocol::Stun,
            16..=19 => Protocol::Zrtp,
            20..=63 => Protocol::Dtls,
            64..=79 => Protocol::TurnChannel,
            128..=191 => Protocol::Rtp,
            _ => Protocol::Unknown,
        };
        for b in 0..=255u8 {
            assert_eq!(classify(&[b, 96]), expect(b), "first byte {b}");
        }
        assert_eq!(classify(&[0x80, 200]), Protocol::Rtcp);
        assert_eq!(classify(&[0x81, 223]), Protocol::Rtcp);
        assert_eq!(classify(&[0x80, 0xE0]), Protocol::Rtp, "marker bit set, payload type 96");
        assert_eq!(classify(&[]), Protocol::Unknown);
    }
}
