//! What a peer reports during a call: the event lines of the shim protocol
//! (shims/PROTOCOL.md, "Events"), the same for the reference and for any shim.

use serde_json::{json, Value};

use rtcspec_wire::stun::{hex, unhex};

/// A data channel message: text, or binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    Text(String),
    Binary(Vec<u8>),
}

impl Payload {
    pub fn len(&self) -> usize {
        match self {
            Payload::Text(t) => t.len(),
            Payload::Binary(b) => b.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A data channel as the peer that opened it or received it describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChannelInfo {
    pub label: String,
    /// The SCTP stream id.
    pub stream: Option<u16>,
    pub ordered: bool,
    pub protocol: String,
    pub max_retransmits: Option<u16>,
    pub max_packet_life_time: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerEvent {
    IceState(String),
    ConnectionState(String),
    ChannelOpen(ChannelInfo),
    ChannelClose {
        label: String,
        stream: Option<u16>,
    },
    Message {
        label: String,
        stream: Option<u16>,
        payload: Payload,
    },
    Candidate {
        candidate: String,
        mid: String,
    },
    /// An RTP packet the implementation took in: past SRTP (decrypted and authenticated),
    /// as handed to its receiver. Each packet that arrives twice and is let through twice is
    /// reported twice: what the SRTP replay cases count.
    Rtp {
        ssrc: u32,
        seq: u16,
    },
    Error(String),
}

fn opt_u16(v: &Value) -> Option<u16> {
    v.as_u64().and_then(|n| u16::try_from(n).ok())
}

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

impl PeerEvent {
    /// Reads an event line; `Err` quotes what does not follow the protocol.
    pub fn from_json(v: &Value) -> Result<PeerEvent, String> {
        let kind = v["event"].as_str().ok_or("an event line needs a string \"event\"")?;
        Ok(match kind {
            "ice_state" => PeerEvent::IceState(text(v, "state")),
            "connection_state" => PeerEvent::ConnectionState(text(v, "state")),
            "channel_open" => PeerEvent::ChannelOpen(ChannelInfo {
                label: text(v, "label"),
                stream: opt_u16(&v["stream"]),
                ordered: v["ordered"].as_bool().unwrap_or(true),
                protocol: text(v, "protocol"),
                max_retransmits: opt_u16(&v["max_retransmits"]),
                max_packet_life_time: opt_u16(&v["max_packet_life_time"]),
            }),
            "channel_close" => PeerEvent::ChannelClose { label: text(v, "label"), stream: opt_u16(&v["stream"]) },
            "message" => {
                let payload = match (v["text"].as_str(), v["hex"].as_str()) {
                    (Some(t), _) => Payload::Text(t.to_string()),
                    (None, Some(h)) => Payload::Binary(unhex(h).map_err(|e| format!("message hex: {e}"))?),
                    (None, None) => return Err("a message event needs \"text\" or \"hex\"".into()),
                };
                PeerEvent::Message { label: text(v, "label"), stream: opt_u16(&v["stream"]), payload }
            }
            "candidate" => PeerEvent::Candidate { candidate: text(v, "candidate"), mid: text(v, "mid") },
            "rtp" => {
                let field = |key: &str| v[key].as_u64().ok_or(format!("an rtp event needs a numeric \"{key}\""));
                PeerEvent::Rtp {
                    ssrc: u32::try_from(field("ssrc")?).map_err(|_| "rtp ssrc over 32 bits")?,
                    seq: u16::try_from(field("seq")?).map_err(|_| "rtp seq over 16 bits")?,
                }
            }
            "error" => PeerEvent::Error(text(v, "error")),
            other => return Err(format!("unknown event {other:?}")),
        })
    }

    pub fn to_json(&self) -> Value {
        match self {
            PeerEvent::IceState(s) => json!({"event": "ice_state", "state": s}),
            PeerEvent::ConnectionState(s) => json!({"event": "connection_state", "state": s}),
            PeerEvent::ChannelOpen(c) => json!({
                "event": "channel_open", "label": c.label, "stream": c.stream, "ordered": c.ordered,
                "protocol": c.protocol, "max_retransmits": c.max_retransmits,
                "max_packet_life_time": c.max_packet_life_time,
            }),
            PeerEvent::ChannelClose { label, stream } => {
                json!({"event": "channel_close", "label": label, "stream": stream})
            }
            PeerEvent::Message { label, stream, payload } => match payload {
                Payload::Text(t) => json!({"event": "message", "label": label, "stream": stream, "text": t}),
                Payload::Binary(b) => json!({"event": "message", "label": label, "stream": stream, "hex": hex(b)}),
            },
            PeerEvent::Candidate { candidate, mid } => {
                json!({"event": "candidate", "candidate": candidate, "mid": mid})
            }
            PeerEvent::Rtp { ssrc, seq } => json!({"event": "rtp", "ssrc": ssrc, "seq": seq}),
            PeerEvent::Error(e) => json!({"event": "error", "error": e}),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_through_their_json_lines() {
        let events = [
            PeerEvent::IceState("checking".into()),
            PeerEvent::ConnectionState("connected".into()),
            PeerEvent::ChannelOpen(ChannelInfo {
                label: "a".into(),
                stream: Some(1),
                ordered: false,
                protocol: "p".into(),
                max_retransmits: Some(3),
                max_packet_life_time: None,
            }),
            PeerEvent::ChannelClose { label: "a".into(), stream: Some(1) },
            PeerEvent::Message { label: "a".into(), stream: Some(1), payload: Payload::Text("hi".into()) },
            PeerEvent::Message { label: "a".into(), stream: None, payload: Payload::Binary(vec![0, 255]) },
            PeerEvent::Candidate { candidate: String::new(), mid: "0".into() },
            PeerEvent::Rtp { ssrc: 0xffff_ffff, seq: 65535 },
            PeerEvent::Error("boom".into()),
        ];
        for e in events {
            assert_eq!(PeerEvent::from_json(&e.to_json()), Ok(e.clone()), "{e:?}");
        }
    }

    #[test]
    fn malformed_event_lines_are_errors_not_panics() {
        for line in [json!({}), json!({"event": 3}), json!({"event": "message"}), json!({"event": "nope"})] {
            assert!(PeerEvent::from_json(&line).is_err(), "{line}");
        }
        assert!(PeerEvent::from_json(&json!({"event": "message", "hex": "zz"})).is_err());
        for rtp in [json!({"event": "rtp", "ssrc": 1}), json!({"event": "rtp", "ssrc": 1, "seq": 65536})] {
            assert!(PeerEvent::from_json(&rtp).is_err(), "{rtp}");
        }
    }
}
