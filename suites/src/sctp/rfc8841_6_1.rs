//! RFC 8841 §6.1: `a=max-message-size` is the largest SCTP user message an endpoint takes;
//! the peer must not send a bigger one, and without the attribute the limit is 64K. The
//! harness's answer announces a limit, the target is asked to send more, then a small
//! message as the control. A target may refuse the big message or send nothing; what it
//! must not do is put it on the wire.

use rtcspec_harness::peer::view::Side;
use rtcspec_harness::peer::{Call, CallError, ChannelSpec, Payload, PeerEvent};
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};
use rtcspec_wire::sctp::RE_CONFIG;

use super::kit::{message_sizes, missing, open_from, target_channel};
use crate::live::*;

const LIMIT: &str = "An SCTP endpoint MUST NOT send a SCTP user message with a message \
    size that is larger than the maximum size indicated by the peer, as \
    it cannot be assumed that the peer would accept such a message. ... \
    If the SDP \"max-message-size\" attribute is not present, the default \
    value is 64K.";

/// The limit the harness announces in the first case.
const ANNOUNCED: usize = 1024;
/// RFC 8841's default without the attribute.
const DEFAULT: usize = 65536;
/// What the target is asked to send after the big message; it must arrive.
const CONTROL: &[u8] = b"rtcspec: control after the big message";

pub const CASES: &[Case] = &[
    Case::new(
        "sctp.8841.6.1.max-message-size-honoured",
        "With a=max-message-size:1024 from the harness, the target does not \
            send a 2048-byte message",
        Spec::must("RFC 8841", "6.1", LIMIT),
        PEER,
        announced_limit_honoured,
    ),
    Case::new(
        "sctp.8841.6.1.default-limit-64k",
        "Without a=max-message-size from the harness, the target does not send \
            a message over 64K",
        Spec::must("RFC 8841", "6.1", LIMIT),
        PEER,
        default_limit_honoured,
    ),
];

/// The harness's description without any `a=max-message-size`, and with `limit` if given
/// (after its `a=sctp-port`).
fn with_limit(sdp: &str, limit: Option<usize>) -> String {
    let eol = if sdp.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::new();
    for line in sdp.split_inclusive('\n') {
        if line.starts_with("a=max-message-size:") {
            continue;
        }
        out.push_str(line);
        if let (Some(n), true) = (limit, line.starts_with("a=sctp-port:")) {
            out.push_str(&format!("a=max-message-size:{n}{eol}"));
        }
    }
    out
}

/// The target is asked to send `size` bytes, then the control. A refusal of the big message
/// is the target keeping the limit. A refusal of the control is an Error, unless the target
/// closed the channel meanwhile (libwebrtc closes a channel whose message it cannot send):
/// then the case judges the wire as it is.
fn big_then_control(call: &mut Call<'_>, channel: &ChannelSpec, size: usize) -> Result<(), CallError> {
    match call.target_send(&channel.label, &Payload::Binary(vec![0x2a; size])) {
        Ok(()) | Err(CallError::Refused { .. }) => {}
        Err(e) => return Err(e),
    }
    call.run_for(std::time::Duration::from_millis(300))?;
    match call.target_send(&channel.label, &Payload::Binary(CONTROL.to_vec())) {
        Err(CallError::Refused { .. }) if closed_by_target(&call.target_events, &channel.label) => {}
        other => other?,
    }
    wait_for_late_chunks(call, channel)
}

/// Whether the target reported its channel `label` closed.
fn closed_by_target(events: &[PeerEvent], label: &str) -> bool {
    events.iter().any(|e| matches!(e, PeerEvent::ChannelClose { label: l, .. } if l == label))
}

fn limit_honoured(ctx: &mut Ctx, then: OnceEstablished, rewrite: fn(&str) -> String, limit: usize) -> Verdict {
    let call = call_and_read_setup(ctx, Setup { rewrite: Some(rewrite), ..target_channel(then) })?;
    let expected = format!(
        "no user message over {limit} bytes from the target (the control \
            message arrives)"
    );
    let Some(open) = open_from(&call.view, Side::Target, "rtcspec") else {
        return Ok(missing(&call, &expected, "DATA_CHANNEL_OPEN from the target"));
    };
    let stream = open.chunk.stream;
    let sizes = message_sizes(&call, stream);
    let control_sent = call.view.data_from(Side::Target).iter().any(|d| d.stream == stream && d.payload == CONTROL);
    // A target that closed the channel rather than send the message (it reported the channel
    // closed, or reset its stream on the wire) kept the limit as well: the association was
    // up, so a message it sent would show.
    let closed =
        call.target_closed.iter().any(|l| l == "rtcspec") || call.view.sent(Side::Target, RE_CONFIG).next().is_some();
    if !control_sent && !closed {
        return Ok(missing(&call, &expected, "DATA chunk for the control message"));
    }
    Ok(match sizes.iter().max() {
        Some(&biggest) if biggest > limit => {
            Outcome::fail(expected, format!("a {biggest}-byte user message on stream {stream}"))
        }
        _ => Outcome::Pass,
    })
}

fn announced_limit_honoured(ctx: &mut Ctx) -> Verdict {
    limit_honoured(
        ctx,
        |call, channel| big_then_control(call, channel, 2 * ANNOUNCED),
        |sdp| with_limit(sdp, Some(ANNOUNCED)),
        ANNOUNCED,
    )
}

fn default_limit_honoured(ctx: &mut Ctx) -> Verdict {
    limit_honoured(
        ctx,
        |call, channel| big_then_control(call, channel, DEFAULT + 4096),
        |sdp| with_limit(sdp, None),
        DEFAULT,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_replaces_any_attribute_and_follows_the_port() {
        let sdp = "m=application 9 UDP/DTLS/SCTP \
            webrtc-datachannel\r\na=sctp-port:5000\r\na=max-message-size:262144\r\n";
        assert_eq!(
            with_limit(sdp, Some(1024)),
            "m=application 9 UDP/DTLS/SCTP \
                webrtc-datachannel\r\na=sctp-port:5000\r\na=max-message-size:1024\r\n"
        );
        assert_eq!(
            with_limit(sdp, None),
            "m=application 9 UDP/DTLS/SCTP \
                webrtc-datachannel\r\na=sctp-port:5000\r\n"
        );
    }
}
