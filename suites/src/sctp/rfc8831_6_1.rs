//! RFC 8831 §6.1: the SCTP stack under data channels, and its upper layer, support many SCTP
//! streams at once: each channel is a stream pair. Once the target's own channel is open, the
//! harness opens [`CHANNELS`] channels of its own at once and sends a message on each; every
//! one must open on the target and deliver its message on the right channel. OnceEstablished the other
//! way: the target opens as many, each on its own stream, and sends a message on each.

use std::time::Duration;

use rtcspec_harness::peer::{Call, CallError, ChannelSpec, Payload, PeerEvent};
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

use rtcspec_harness::peer::view::Side;

use super::kit::{open_from, target_channel};
use crate::live::*;

const STREAMS: &str = "This SCTP stack and its upper layer MUST support the usage of \
    multiple SCTP streams. A user message can be sent ordered or \
    unordered and with partial or full reliability.";

/// How many channels the harness opens: well past any small fixed table of streams.
const CHANNELS: usize = 16;
/// How long the target has to report them all open, and then to deliver the messages.
const WAIT: Duration = Duration::from_millis(2000);

pub const CASES: &[Case] = &[
    Case::new(
        "sctp.8831.6.1.many-channels",
        "The target takes 16 channels the harness opens at once (16 streams) \
            and delivers a message on each",
        Spec::must("RFC 8831", "6.1", STREAMS),
        PEER,
        many_channels,
    ),
    Case::new(
        "sctp.8831.6.1.target-opens-many-channels",
        "The target opens 16 more channels once the call is up, each on a \
            stream of its own, and sends a message on each",
        Spec::must("RFC 8831", "6.1", STREAMS),
        PEER,
        target_opens_many_channels,
    ),
];

fn label(k: usize) -> String {
    format!("rtcspec-many-{k}")
}

/// The harness opens the channels, waits for the target to report them open, and sends each
/// channel its own label as a message.
fn open_many(call: &mut Call<'_>, _: &ChannelSpec) -> Result<(), CallError> {
    for k in 0..CHANNELS {
        call.harness.create_channel(&ChannelSpec::reliable(&label(k))).map_err(CallError::Harness)?;
    }
    let opened = |e: &PeerEvent| matches!(e, PeerEvent::ChannelOpen(c) if c.label.starts_with("rtcspec-many-"));
    until_all(call, true, opened)?;
    for k in 0..CHANNELS {
        // A channel the target never opened may refuse the send; the verdict says so.
        let _ = call.harness.send(&label(k), &Payload::Text(label(k)));
    }
    let delivered = |e: &PeerEvent| matches!(e, PeerEvent::Message { label, .. } if label.starts_with("rtcspec-many-"));
    until_all(call, true, delivered)
}

/// Runs the call until [`CHANNELS`] of the target's events (or the harness's) meet `wanted`,
/// or [`WAIT`] passes.
fn until_all(call: &mut Call<'_>, on_target: bool, wanted: impl Fn(&PeerEvent) -> bool) -> Result<(), CallError> {
    let until = std::time::Instant::now() + WAIT;
    let count = |call: &Call<'_>| {
        let events = if on_target { &call.target_events } else { &call.harness_events };
        events.iter().filter(|e| wanted(e)).count()
    };
    while count(call) < CHANNELS && std::time::Instant::now() < until {
        call.run_for(Duration::from_millis(20))?;
    }
    Ok(())
}

fn many_channels(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, target_channel(open_many))?;
    // Each message names the channel it was sent on, and must arrive on that one.
    let on_its_channel = |l: &String| call.messages.iter().any(|(on, p)| on == l && *p == Payload::Text(l.clone()));
    let missing: Vec<String> = (0..CHANNELS).map(label).filter(|l| !on_its_channel(l)).collect();
    Ok(if missing.is_empty() {
        Outcome::Pass
    } else {
        Outcome::fail(
            format!(
                "the {CHANNELS} channels open on the target, each delivering its own \
                    message"
            ),
            format!(
                "{} of {CHANNELS} not delivered on their channel: {}; {}",
                missing.len(),
                missing.join(", "),
                call.summary
            ),
        )
    })
}

/// The target opens the channels, the harness waits for them, then the target sends each
/// channel its own label.
fn target_opens_many(call: &mut Call<'_>, _: &ChannelSpec) -> Result<(), CallError> {
    for k in 0..CHANNELS {
        call.target_create_channel(&ChannelSpec::reliable(&label(k)))?;
    }
    let opened = |e: &PeerEvent| matches!(e, PeerEvent::ChannelOpen(c) if c.label.starts_with("rtcspec-many-"));
    until_all(call, false, opened)?;
    for k in 0..CHANNELS {
        // A channel the target never got open is refused; the verdict reports it.
        match call.target_send(&label(k), &Payload::Text(label(k))) {
            Ok(()) | Err(CallError::Refused { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    call.run_for(Duration::from_millis(500))
}

fn target_opens_many_channels(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, target_channel(target_opens_many))?;
    let sent = call.view.data_from(Side::Target);
    let mut streams = Vec::new();
    let mut wrong = Vec::new();
    for k in 0..CHANNELS {
        let l = label(k);
        let Some(open) = open_from(&call.view, Side::Target, &l) else {
            wrong.push(format!("{l}: no DATA_CHANNEL_OPEN"));
            continue;
        };
        let stream = open.chunk.stream;
        if streams.contains(&stream) {
            wrong.push(format!("{l}: stream {stream} again"));
        }
        streams.push(stream);
        if !sent.iter().any(|d| d.stream == stream && d.payload == l.as_bytes()) {
            wrong.push(format!("{l}: no message on stream {stream}"));
        }
    }
    Ok(if wrong.is_empty() {
        Outcome::Pass
    } else {
        Outcome::fail(
            format!(
                "{CHANNELS} DATA_CHANNEL_OPENs on {CHANNELS} distinct streams, a \
                    message on each"
            ),
            format!("{}; {}", wrong.join(", "), call.summary),
        )
    })
}
