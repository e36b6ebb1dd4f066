//! What a target can do: a case runs only on targets that have all its needs, and a driver
//! declares what its target has.

use serde::{Deserialize, Serialize};

/// What a target can do. A case runs only on targets that have all its needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    /// Decodes STUN messages (accept/reject and fields).
    StunCodec,
    /// Verifies MESSAGE-INTEGRITY / FINGERPRINT of a received message.
    StunCheck,
    /// Encodes STUN messages from a model.
    StunEncode,
    /// Answers STUN Binding requests (an ICE agent or a STUN server).
    StunResponder,
    /// The responder authenticates with short-term credentials (ICE, RFC 8445 §7.2.2).
    StunShortTerm,
    /// The responder authenticates with long-term credentials (TURN, RFC 8489 §9.2).
    StunLongTerm,
    /// The responder answers Binding requests that carry no credentials (a STUN server).
    StunOpenBinding,
    /// Parses SDP and serializes it back.
    SdpCodec,
    /// Answers a remote SDP offer as a JSEP endpoint (setRemoteDescription, createAnswer).
    SdpAnswerer,
    /// Takes live calls: the peer operations of the shim protocol (ICE, DTLS, SCTP on the wire).
    Peer,
    /// Reports each RTP packet it takes in past SRTP (the peer event `rtp`), so cases can
    /// count what got through (SRTP replay protection).
    RtpEvents,
}

impl Capability {
    pub const ALL: [Capability; 11] = [
        Capability::StunCodec,
        Capability::StunCheck,
        Capability::StunEncode,
        Capability::StunResponder,
        Capability::StunShortTerm,
        Capability::StunLongTerm,
        Capability::StunOpenBinding,
        Capability::SdpCodec,
        Capability::SdpAnswerer,
        Capability::Peer,
        Capability::RtpEvents,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Capability::StunCodec => "stun-codec",
            Capability::StunCheck => "stun-check",
            Capability::StunEncode => "stun-encode",
            Capability::StunResponder => "stun-responder",
            Capability::StunShortTerm => "stun-short-term",
            Capability::StunLongTerm => "stun-long-term",
            Capability::StunOpenBinding => "stun-open-binding",
            Capability::SdpCodec => "sdp-codec",
            Capability::SdpAnswerer => "sdp-answerer",
            Capability::Peer => "peer",
            Capability::RtpEvents => "rtp-events",
        }
    }

    pub fn from_name(name: &str) -> Option<Capability> {
        Capability::ALL.into_iter().find(|c| c.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capability_names_round_trip() {
        for c in Capability::ALL {
            assert_eq!(Capability::from_name(c.name()), Some(c));
        }
    }
}
