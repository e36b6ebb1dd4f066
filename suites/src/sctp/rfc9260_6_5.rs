//! RFC 9260 §6.5: the Stream Sequence Numbers of a stream start at 0 and go up by one per
//! ordered user message sent. The receiver holds ordered messages until the ones before
//! them arrive (§6.6), so a number spent on a message that never went out stalls every
//! later message on the channel.

use std::collections::BTreeSet;

use rtcspec_harness::peer::view::{Data, Side};
use rtcspec_harness::peer::{Call, CallError, ChannelSpec, Payload};
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

use super::kit::{missing, open_from, target_channel};
use crate::live::*;

const TEXT: &str = "The Stream Sequence Number in all the outgoing streams MUST start \
    from 0 when the association is established. The Stream Sequence \
    Number of an outgoing stream MUST be incremented by 1 for each \
    ordered user message sent on that outgoing stream.";

pub const CASES: &[Case] = &[
    Case::new(
        "sctp.9260.6.5.ssn-starts-at-zero",
        "The first ordered message on the target's channel stream (its \
            DATA_CHANNEL_OPEN) has SSN 0",
        Spec::must("RFC 9260", "6.5", TEXT),
        PEER,
        ssn_starts_at_zero,
    ),
    Case::new(
        "sctp.9260.6.5.ssn-contiguous-after-empty",
        "After an empty message, the target's next ordered message has the \
            next SSN, so it is delivered",
        Spec::must("RFC 9260", "6.5", TEXT),
        PEER,
        ssn_contiguous_after_empty,
    ),
];

/// The SSNs of the ordered messages `from` sent on `stream`, in TSN order: a retransmission
/// (same TSN) counts once, and the fragments of one message (same SSN, consecutive) too.
fn ordered_ssns(data: &[Data], stream: u16) -> Vec<u16> {
    let mut seen = BTreeSet::new();
    let mut chunks: Vec<&Data> =
        data.iter().filter(|d| d.stream == stream && !d.unordered && seen.insert(d.tsn)).collect();
    chunks.sort_by_key(|d| d.tsn);
    let mut ssns: Vec<u16> = chunks.iter().map(|d| d.ssn).collect();
    ssns.dedup();
    ssns
}

fn ssn_starts_at_zero(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, target_channel(wait_for_late_chunks))?;
    let expected = "SSN 0 on the first ordered DATA chunk of the channel's stream";
    let Some(open) = open_from(&call.view, Side::Target, "rtcspec") else {
        return Ok(missing(&call, expected, "DATA_CHANNEL_OPEN from the target"));
    };
    let stream = open.chunk.stream;
    Ok(match ordered_ssns(&call.view.data_from(Side::Target), stream).first() {
        Some(0) => Outcome::Pass,
        Some(ssn) => Outcome::fail(expected, format!("SSN {ssn} on stream {stream}'s first ordered chunk")),
        None => Outcome::Error { why: format!("no ordered DATA chunk on stream {stream}; {}", call.summary) },
    })
}

/// What the target sends after its channel opens: an empty string, then this.
const AFTER: &str = "after the empty message";

fn empty_then_text(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    call.target_send(&channel.label, &Payload::Text(String::new()))?;
    call.target_send(&channel.label, &Payload::Text(AFTER.into()))?;
    wait_for_late_chunks(call, channel)
}

fn ssn_contiguous_after_empty(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, target_channel(empty_then_text))?;
    let expected = "the SSNs of the channel's ordered messages (OPEN, the empty string, \
        the text) are 0, 1, 2";
    let Some(open) = open_from(&call.view, Side::Target, "rtcspec") else {
        return Ok(missing(&call, expected, "DATA_CHANNEL_OPEN from the target"));
    };
    let stream = open.chunk.stream;
    let data = call.view.data_from(Side::Target);
    let Some(text) = data.iter().find(|d| d.stream == stream && d.payload == AFTER.as_bytes()) else {
        return Ok(missing(&call, expected, "DATA chunk for the text sent after the empty message"));
    };
    let ssns = ordered_ssns(&data, stream);
    let contiguous = ssns.windows(2).all(|w| w[1] == w[0].wrapping_add(1));
    Ok(if contiguous && ssns.first() == Some(&0) {
        Outcome::Pass
    } else {
        let gap = (0..=text.ssn).filter(|n| !ssns.contains(n)).collect::<Vec<_>>();
        Outcome::fail(
            expected,
            format!(
                "SSNs {ssns:?} on stream {stream}: the text has SSN {}, no message \
                    ever had {gap:?}, so a receiver holds the text forever (RFC 9260 §6.6)",
                text.ssn
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(tsn: u32, ssn: u16, unordered: bool) -> Data {
        Data { tsn, stream: 1, ssn, ppid: 51, unordered, beginning: true, ending: true, payload: vec![1] }
    }

    #[test]
    fn retransmissions_fragments_and_unordered_chunks_do_not_count() {
        let data =
            [chunk(11, 1, false), chunk(10, 0, false), chunk(11, 1, false), chunk(12, 1, false), chunk(13, 0, true)];
        assert_eq!(ordered_ssns(&data, 1), vec![0, 1]);
        assert_eq!(ordered_ssns(&data, 3), Vec::<u16>::new());
    }
}
