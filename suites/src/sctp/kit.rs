//! What the data channel cases share: DCEP messages (RFC 8832 §5) and the user messages of
//! a channel read off the decrypted wire, the usual call, and SCTP packets the harness sends
//! in the call's DTLS session, spoiled and then intact (the control). Case files hold only
//! cases; everything two of them use is here.

use std::time::Duration;

use rtcspec_harness::peer::view::{Chunk, Data, Side, WireView};
use rtcspec_harness::peer::{Call, CallError};
use rtcspec_harness::{Outcome, Verdict};
use rtcspec_wire::sctp::{self, DATA, HEARTBEAT, HEARTBEAT_INFO};

use crate::forged::{harness_forge, inject_sealed};
use crate::live::LiveCall;

// The DCEP reading and the usual call of the data channel cases are the live kit's: the
// forged-record kit uses them too.
pub use crate::live::{open_from, target_channel, Open};
pub use rtcspec_wire::dcep::{
    DATA_CHANNEL_ACK, DATA_CHANNEL_OPEN, PPID_BINARY, PPID_BINARY_EMPTY, PPID_DCEP, PPID_STRING, PPID_STRING_EMPTY,
};

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

/// What a case says when the DCEP message it judges is not on the wire: a failure if the
/// association came up, and an Error (nothing to judge) if it did not.
pub fn missing(call: &LiveCall, expected: &str, what: &str) -> Outcome {
    if call.view.association_up() {
        Outcome::fail(expected, format!("no {what}; {}", call.summary))
    } else {
        Outcome::Error { why: format!("the SCTP association did not come up, nothing to judge; {}", call.summary) }
    }
}

/// How the first copy of a chunk is spoiled, so that the target must discard its packet.
#[derive(Debug, Clone, Copy)]
pub enum Spoil {
    /// The packet carries [`WRONG`] as its Verification Tag.
    WrongTag,
    /// The packet's CRC32c is off by one bit.
    BadChecksum,
}

/// How long the target has to answer a chunk (on loopback it takes milliseconds).
pub const ANSWER: Duration = Duration::from_millis(300);

/// The harness sends `chunk` (one whole chunk) in a packet `spoil` spoils, then the same chunk
/// in a valid packet (the control), each in its own validly protected record, giving the
/// target [`ANSWER`] after each.
pub fn spoiled_then_control(call: &mut Call<'_>, chunk: &[u8], spoil: Spoil) -> Result<(), CallError> {
    let (forge, _, _) = harness_forge(call)?;
    let tag = forge.verification_tag().ok_or_else(|| CallError::Harness("no SCTP packet of the harness".into()))?;
    let mut spoiled = match spoil {
        Spoil::WrongTag => forge.sctp_packet(WRONG, chunk),
        Spoil::BadChecksum => forge.sctp_packet(tag, chunk),
    }
    .map_err(CallError::Harness)?;
    if let (Spoil::BadChecksum, Some(b)) = (spoil, spoiled.get_mut(8)) {
        *b ^= 0x01;
    }
    let control = forge.sctp_packet(tag, chunk).map_err(CallError::Harness)?;
    for packet in [spoiled, control] {
        inject_sealed(call, &packet)?;
        call.run_for(ANSWER)?;
    }
    Ok(())
}

/// Pass when the target sent a chunk of type `answer` after the control copy of the
/// harness's chunk of type `kind` and none between the spoiled copy and the control; an
/// Error when it did not answer the control either (then its silence says nothing). The two
/// copies are the harness's first chunk of that type and the next with the same value.
pub fn judge_answered_control(call: &LiveCall, kind: u8, answer: u8, what: &str) -> Verdict {
    let mut sent = call.view.sent(Side::Harness, kind);
    let spoiled = sent.next();
    let control = spoiled.and_then(|first| sent.find(|c| c.value == first.value));
    let (Some(spoiled), Some(control)) = (spoiled, control) else {
        return Err(Outcome::Error {
            why: format!(
                "the harness's two copies of its chunk of type {kind} are not on the \
                    wire; {}",
                call.summary
            ),
        });
    };
    let answers: Vec<usize> = call.view.sent(Side::Target, answer).map(|c: &Chunk| c.datagram).collect();
    let early = answers.iter().filter(|d| (spoiled.datagram..control.datagram).contains(d)).count();
    let late = answers.iter().filter(|d| **d > control.datagram).count();
    let expected = format!(
        "{what} is discarded: no chunk of type {answer} answers it, only the \
            valid copy"
    );
    match (early, late) {
        (0, 0) => Err(Outcome::Error {
            why: format!(
                "the target answered neither copy (no chunk of type {answer}), so \
                    ignoring the spoiled one says nothing; {}",
                call.summary
            ),
        }),
        (0, _) => Ok(Outcome::Pass),
        (n, _) => Ok(Outcome::fail(expected, format!("{n} chunk(s) of type {answer} before the valid copy was sent"))),
    }
}

/// A HEARTBEAT whose Heartbeat Info names the case (RFC 9260 §3.3.5).
pub fn heartbeat() -> Vec<u8> {
    sctp::chunk(HEARTBEAT, 0, &sctp::param(HEARTBEAT_INFO, b"rtcspec: is this heartbeat answered?"))
}

/// The sizes of the user messages the target sent on `stream`: DATA chunks in TSN order
/// (each once), joined from the one flagged B to the one flagged E (RFC 9260 §3.3.1).
pub fn message_sizes(call: &LiveCall, stream: u16) -> Vec<usize> {
    let mut chunks: Vec<(u32, u8, usize)> = call
        .view
        .sent(Side::Target, DATA)
        .filter_map(|c| c.data().filter(|d| d.stream == stream).map(|d| (d.tsn, c.flags, d.payload.len())))
        .collect();
    chunks.sort_by_key(|(tsn, ..)| *tsn);
    chunks.dedup_by_key(|(tsn, ..)| *tsn);
    let (mut sizes, mut current) = (Vec::new(), 0usize);
    for (_, flags, len) in chunks {
        if flags & 0x02 != 0 {
            current = 0;
        }
        current += len;
        if flags & 0x01 != 0 {
            sizes.push(current);
        }
    }
    sizes
}

/// Any tag but the right one.
pub const WRONG: u32 = 0x5a5a_5a5a;
