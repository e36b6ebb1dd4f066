//! RFC 9260 §8.5 and §8.5.1: a packet whose Verification Tag is not the receiver's own is
//! silently discarded; an ABORT is taken only with the receiver's tag (T bit clear) or its
//! peer's (T bit set). The tag is what keeps a blind attacker from injecting data or tearing
//! the association down. The harness sends such packets by hand, in DTLS records protected
//! with the session's keys, with controls that show the target takes the same packets when
//! the tag is right.

use std::time::Duration;

use rtcspec_harness::peer::forge::RecordForge;
use rtcspec_harness::peer::view::Side;
use rtcspec_harness::peer::{Call, CallError, ChannelSpec};
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};
use rtcspec_wire::dtls::APPLICATION_DATA;
use rtcspec_wire::sctp::{self, ABORT, HEARTBEAT, HEARTBEAT_ACK, OUTGOING_RESET_REQUEST, RE_CONFIG};

use super::kit::{heartbeat, judge_answered_control, spoiled_then_control, Spoil, PPID_STRING, WRONG};
use crate::forged::{
    channel_stream, delivered, forged_then_control, harness_forge, inject_sealed, judge_forged, on_target_channel,
};
use crate::live::*;

const TAG: &str = "When receiving an SCTP packet, the endpoint MUST ensure that the \
    value in the Verification Tag field of the received SCTP packet \
    matches its own tag. If the received Verification Tag value does not \
    match the receiver's own tag value, the receiver MUST silently \
    discard the packet and MUST NOT process it any further except for \
    those cases listed in Section 8.5.1 below.";
const ABORT_TAG: &str = "The receiver of an ABORT chunk MUST accept the packet if the \
    Verification Tag field of the packet matches its own tag and the T \
    bit is not set OR if it is set to its Peer's Tag and the T bit is set \
    in the Chunk Flags. Otherwise, the receiver MUST silently discard the \
    packet and take no further action.";

/// How long the target has to deliver a message, or to act on an ABORT.
const WAIT: Duration = Duration::from_millis(600);

const BEFORE: &str = "rtcspec: before the ABORTs";
const STILL: &str = "rtcspec: after the ABORT with the wrong tag";
const AFTER: &str = "rtcspec: after the ABORT with the right tag";

pub const CASES: &[Case] = &[
    Case::new(
        "sctp.9260.8.5.wrong-tag-heartbeat-unanswered",
        "A HEARTBEAT with the wrong Verification Tag gets no HEARTBEAT ACK \
            (the same HEARTBEAT with the right tag does)",
        Spec::must("RFC 9260", "8.5", TAG),
        PEER,
        wrong_tag_heartbeat_unanswered,
    )
    .tags(SECURITY),
    Case::new(
        "sctp.9260.8.5.wrong-tag-reconfig-ignored",
        "A stream reset request (RE-CONFIG) with the wrong Verification Tag \
            gets no RE-CONFIG response",
        Spec::must("RFC 9260", "8.5", TAG),
        PEER,
        wrong_tag_reconfig_ignored,
    )
    .tags(SECURITY),
    Case::new(
        "sctp.9260.8.5.wrong-tag-data-discarded",
        "A DATA chunk in a packet with the wrong Verification Tag is not \
            delivered",
        Spec::must("RFC 9260", "8.5", TAG),
        PEER,
        wrong_tag_data_discarded,
    )
    .tags(SECURITY),
    Case::new(
        "sctp.9260.8.5.1.wrong-tag-abort-ignored",
        "An ABORT with the wrong Verification Tag does not end the association",
        Spec::must("RFC 9260", "8.5.1", ABORT_TAG),
        PEER,
        wrong_tag_abort_ignored,
    )
    .tags(SECURITY),
];

fn wrong_tag_then(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    forged_then_control(call, channel, |forge: &mut RecordForge, sctp: &[u8]| {
        let retagged = forge.sctp_packet(WRONG, sctp.get(12..).unwrap_or_default())?;
        forge.sealed(APPLICATION_DATA, 1, &retagged)
    })
}

fn wrong_tag_data_discarded(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, on_target_channel(wrong_tag_then))?;
    judge_forged(&call, "a packet with the wrong Verification Tag")
}

/// A message the harness's association would send (the next TSN, unordered), then the
/// wrong-tag ABORT, a message, the right-tag ABORT, a message; each protected in its own record.
fn aborts_then(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    let (forge, view, _) = harness_forge(call)?;
    let stream = channel_stream(&view, &channel.label)?;
    let tsn = forge.next_tsn().ok_or_else(|| CallError::Harness("no DATA chunk of the harness was read".into()))?;
    let tag = forge.verification_tag().ok_or_else(|| CallError::Harness("no SCTP packet of the harness".into()))?;

    let message = |forge: &RecordForge, n: u32, text: &str| {
        forge.sctp_data(tsn.wrapping_add(n), stream, None, PPID_STRING, text.as_bytes()).map_err(CallError::Harness)
    };
    let packet = message(&forge, 0, BEFORE)?;
    inject_sealed(call, &packet)?;
    let _ = call.wait_target("the first message", WAIT, delivered(BEFORE));
    let packet = forge.sctp_packet(WRONG, &abort()).map_err(CallError::Harness)?;
    inject_sealed(call, &packet)?;
    call.run_for(WAIT / 4)?;
    let packet = message(&forge, 1, STILL)?;
    inject_sealed(call, &packet)?;
    let _ = call.wait_target("the second message", WAIT, delivered(STILL));
    let packet = forge.sctp_packet(tag, &abort()).map_err(CallError::Harness)?;
    inject_sealed(call, &packet)?;
    call.run_for(WAIT / 4)?;
    let packet = message(&forge, 2, AFTER)?;
    inject_sealed(call, &packet)?;
    call.run_for(WAIT)
}

fn wrong_tag_abort_ignored(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, on_target_channel(aborts_then))?;
    if !call.delivered(BEFORE) {
        return Err(Outcome::Error {
            why: format!(
                "the harness's hand-made DATA was not delivered, so nothing can be \
                    judged; {}",
                call.summary
            ),
        });
    }
    if call.delivered(AFTER) {
        return Err(Outcome::Error {
            why: "a message after the ABORT with the right tag was delivered too: the \
                harness's ABORT is not one the target takes, so ignoring the wrong \
                one says nothing"
                .into(),
        });
    }
    Ok(if call.delivered(STILL) {
        Outcome::Pass
    } else {
        Outcome::fail(
            "the association survives an ABORT with the wrong tag: the next \
                message is delivered",
            format!("{STILL:?} was not delivered; {}", call.summary),
        )
    })
}

/// An ABORT chunk with no error causes and the T bit clear (RFC 9260 §3.3.7).
fn abort() -> Vec<u8> {
    sctp::chunk(ABORT, 0, &[])
}

fn wrong_tag_heartbeat_then(call: &mut Call<'_>, _: &ChannelSpec) -> Result<(), CallError> {
    spoiled_then_control(call, &heartbeat(), Spoil::WrongTag)
}

fn wrong_tag_heartbeat_unanswered(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, on_target_channel(wrong_tag_heartbeat_then))?;
    judge_answered_control(&call, HEARTBEAT, HEARTBEAT_ACK, "a HEARTBEAT with the wrong Verification Tag")
}

/// A RE-CONFIG with an Outgoing SSN Reset Request for the harness's channel stream
/// (RFC 6525 §4.1): request number the harness's initial TSN (its first reset, §5.1.1),
/// response number the target's initial TSN less one, last TSN the harness's last.
fn reconfig(view: &rtcspec_harness::peer::view::WireView, stream: u16) -> Option<Vec<u8>> {
    let own = view.data_from(Side::Harness);
    let first = own.iter().map(|d| d.tsn).min()?;
    let last = own.iter().map(|d| d.tsn).max()?;
    let theirs = view.data_from(Side::Target).iter().map(|d| d.tsn).min()?;
    let mut request = Vec::new();
    for word in [first, theirs.wrapping_sub(1), last] {
        request.extend_from_slice(&word.to_be_bytes());
    }
    request.extend_from_slice(&stream.to_be_bytes());
    Some(sctp::chunk(RE_CONFIG, 0, &sctp::param(OUTGOING_RESET_REQUEST, &request)))
}

fn wrong_tag_reconfig_then(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    let (_, view, _) = harness_forge(call)?;
    let stream = channel_stream(&view, &channel.label)?;
    let chunk = reconfig(&view, stream).ok_or_else(|| CallError::Harness("no DATA chunks of both sides".into()))?;
    spoiled_then_control(call, &chunk, Spoil::WrongTag)
}

fn wrong_tag_reconfig_ignored(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, on_target_channel(wrong_tag_reconfig_then))?;
    judge_answered_control(&call, RE_CONFIG, RE_CONFIG, "a RE-CONFIG with the wrong Verification Tag")
}
