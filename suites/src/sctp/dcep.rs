//! What the data channel cases read off the decrypted wire: DCEP messages (RFC 8832 §5)
//! and the user messages of a channel.

use rtcspec_harness::peer::view::{Data, Side, WireView};
use rtcspec_harness::peer::PeerOptions;
use rtcspec_harness::Outcome;

use crate::live::{LiveCall, Offerer, OnceEstablished, Setup};

pub use rtcspec_wire::dcep::{
    DATA_CHANNEL_ACK, DATA_CHANNEL_OPEN, PPID_BINARY, PPID_BINARY_EMPTY, PPID_DCEP, PPID_STRING, PPID_STRING_EMPTY,
};

/// A DATA_CHANNEL_OPEN message (RFC 8832 §5.1) and the chunk it came in.
#[derive(Debug, Clone)]
pub struct Open {
    pub chunk: Data,
    pub channel_type: u8,
    pub reliability: u32,
    pub label: String,
    pub protocol: String,
}

impl Open {
    /// Reads a DATA chunk's user data as DATA_CHANNEL_OPEN, whatever its PPID (a case may be
    /// judging the PPID).
    pub fn read(chunk: &Data) -> Option<Open> {
        let open = rtcspec_wire::dcep::Open::parse(&chunk.payload)?;
        Some(Open {
            chunk: chunk.clone(),
            channel_type: open.channel_type,
            reliability: open.reliability,
            label: open.label,
            protocol: open.protocol,
        })
    }
}

/// The first DATA_CHANNEL_OPEN `from` sent for the channel `label`.
pub fn open_from(view: &WireView, from: Side, label: &str) -> Option<Open> {
    view.data_from(from).iter().filter_map(Open::read).find(|o| o.label == label)
}

/// The user messages (DATA chunks that are not DCEP, by PPID and content) `from` sent on
/// `stream`. A message in a DCEP-shaped chunk with another PPID counts as a user message.
pub fn user_data_from(view: &WireView, from: Side, stream: u16) -> Vec<Data> {
    view.data_from(from)
        .into_iter()
        .filter(|d| d.stream == stream && d.ppid != PPID_DCEP && Open::read(d).is_none())
        .collect()
}

/// What a channel's open looked like, for failure messages.
pub fn describe(d: &Data) -> String {
    format!(
        "stream {}, PPID {}, {}, {} byte(s) of user data",
        d.stream,
        d.ppid,
        if d.unordered { "unordered" } else { "ordered" },
        d.payload.len()
    )
}

/// The call most data channel cases use: the target offers and creates the channel, the
/// harness answers `a=setup:passive` (the target is the DTLS client). Every stack here
/// brings an association up this way (RFC 8841 §9.3 is judged by its own cases).
pub fn target_channel(then: OnceEstablished) -> Setup {
    let options = PeerOptions { answer_as_dtls_server: true, ..PeerOptions::default() };
    Setup { options, then: Some(then), ..Setup::new(Offerer::Target) }
}

/// What a case says when the DCEP message it judges is not on the wire: a failure if the
/// association came up, and an Error (nothing to judge) if it did not.
pub fn missing(call: &LiveCall, expected: &str, what: &str) -> Outcome {
    if call.view.association_up() {
        Outcome::fail(expected, format!("no {what}; {}", call.summary))
    } else {
        Outcome::Error { why: format!("the SCTP association did not come up, nothing to judge; {}", call.summary) }
    }
}
