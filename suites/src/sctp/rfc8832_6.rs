//! RFC 8832 §6: the Data Channel Establishment Protocol on the wire. DCEP messages go
//! ordered and reliable on PPID 50, on the channel's own stream; the opener picks an even
//! stream as DTLS client and an odd one as DTLS server; the other side answers
//! DATA_CHANNEL_ACK; once open, an unordered channel sends unordered. (What DATA_CHANNEL_OPEN
//! says is §5.1's file.)

use std::time::Duration;

use rtcspec_harness::peer::view::Side;
use rtcspec_harness::peer::{Call, CallError, ChannelSpec, Payload, PeerOptions};
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

use super::kit::*;
use crate::live::*;

const PROCEDURES: &str = "All DCEP messages MUST be sent using ordered delivery and reliable \
    transmission. They MUST be sent on the same outgoing stream as the \
    user messages belonging to the corresponding data channel. \
    Multiplexing and demultiplexing is done by using the SCTP PPID. \
    Therefore, a DCEP message MUST be sent with the assigned PPID for the \
    Data Channel Establishment Protocol (see Section 8.1).";
const PARITY: &str = "The peer that initiates opening a data channel selects a stream \
    identifier for which the corresponding incoming and outgoing streams \
    are unused. If the side is acting as the DTLS client, it MUST choose \
    an even stream identifier; if the side is acting as the DTLS server, \
    it MUST choose an odd one.";
const ACK: &str = "If a DATA_CHANNEL_OPEN message is received on an unused stream, the \
    stream identifier corresponds to the role of the peer, and all \
    parameters in the DATA_CHANNEL_OPEN message are valid, then a \
    corresponding DATA_CHANNEL_ACK message is sent on the stream with the \
    same stream identifier as the one the DATA_CHANNEL_OPEN message was \
    received on. (All DCEP messages MUST be sent using ordered delivery \
    and reliable transmission ... with the assigned PPID.)";
const UNORDERED: &str = "After the DATA_CHANNEL_ACK or any other message has been received on \
    the data channel, messages containing user data MUST be sent ordered \
    on ordered data channels and MUST be sent unordered on unordered data \
    channels.";

pub const CASES: &[Case] = &[
    Case::new(
        "sctp.8832.6.open-ordered-on-ppid-50",
        "The target sends DATA_CHANNEL_OPEN ordered, on PPID 50",
        Spec::must("RFC 8832", "6", PROCEDURES),
        PEER,
        open_on_ppid_50,
    ),
    Case::new(
        "sctp.8832.6.user-data-on-the-open-stream",
        "The target sends a channel's messages on the stream its \
            DATA_CHANNEL_OPEN went on",
        Spec::must("RFC 8832", "6", PROCEDURES),
        PEER,
        user_data_on_open_stream,
    ),
    Case::new(
        "sctp.8832.6.open-of-unordered-channel-ordered",
        "The target's DATA_CHANNEL_OPEN for an unordered channel still goes \
            ordered, on PPID 50",
        Spec::must("RFC 8832", "6", PROCEDURES),
        PEER,
        unordered_channel_open_ordered,
    ),
    Case::new(
        "sctp.8832.6.user-data-on-the-harness-open-stream",
        "On a channel the harness opened, the target sends its messages on the \
            stream of the harness's DATA_CHANNEL_OPEN",
        Spec::must("RFC 8832", "6", PROCEDURES),
        PEER,
        user_data_on_harness_open_stream,
    ),
    Case::new(
        "sctp.8832.6.ack-of-unordered-channel-ordered",
        "The target's DATA_CHANNEL_ACK for an unordered channel of the harness \
            still goes ordered, on PPID 50",
        Spec::must("RFC 8832", "6", ACK),
        PEER,
        ack_ordered_on_unordered_channel,
    ),
    Case::new(
        "sctp.8832.6.ack-on-open",
        "The target answers the harness's DATA_CHANNEL_OPEN with \
            DATA_CHANNEL_ACK on the same stream, ordered, on PPID 50",
        Spec::must("RFC 8832", "6", ACK),
        PEER,
        ack_on_open,
    ),
    Case::new(
        "sctp.8832.6.stream-odd-as-dtls-server",
        "As DTLS server, the target opens its channel on an odd stream",
        Spec::must("RFC 8832", "6", PARITY),
        PEER,
        odd_as_server,
    ),
    Case::new(
        "sctp.8832.6.stream-even-as-dtls-client",
        "As DTLS client, the target opens its channel on an even stream",
        Spec::must("RFC 8832", "6", PARITY),
        PEER,
        even_as_client,
    ),
    Case::new(
        "sctp.8832.6.ordered-channel-sends-ordered",
        "Once its ordered channel is open, the target sends its messages \
            ordered",
        Spec::must("RFC 8832", "6", UNORDERED),
        PEER,
        ordered_channel_sends_ordered,
    ),
    Case::new(
        "sctp.8832.6.unordered-channel-sends-unordered",
        "Once its unordered channel is open, the target sends its messages \
            unordered",
        Spec::must("RFC 8832", "6", UNORDERED),
        PEER,
        unordered_channel_sends_unordered,
    ),
];

fn dcep_ok(d: &rtcspec_harness::peer::view::Data) -> bool {
    d.ppid == PPID_DCEP && !d.unordered
}

fn open_on_ppid_50(ctx: &mut Ctx) -> Verdict {
    open_ordered(ctx, true)
}

fn unordered_channel_open_ordered(ctx: &mut Ctx) -> Verdict {
    open_ordered(ctx, false)
}

/// The target opens a channel, `ordered` or not: its DATA_CHANNEL_OPEN goes ordered on PPID
/// 50 either way.
fn open_ordered(ctx: &mut Ctx, ordered: bool) -> Verdict {
    let channel = ChannelSpec { ordered, ..ChannelSpec::reliable("rtcspec") };
    let call = call_and_read_setup(ctx, Setup { channel, ..target_channel(wait_for_late_chunks) })?;
    let expected = "DATA_CHANNEL_OPEN ordered, on PPID 50";
    Ok(match open_from(&call.view, Side::Target, "rtcspec") {
        Some(open) if dcep_ok(&open.chunk) => Outcome::Pass,
        Some(open) => Outcome::fail(expected, describe(&open.chunk)),
        None => missing(&call, expected, "DATA_CHANNEL_OPEN"),
    })
}

/// The label of the channel the harness opens in a call the target set up.
const HARNESS_CHANNEL: &str = "rtcspec-harness";

/// Once the target's channel is open, the harness opens one of its own, `ordered` or not.
fn harness_opens_channel(call: &mut Call<'_>, channel: &ChannelSpec, ordered: bool) -> Result<(), CallError> {
    let own = ChannelSpec { ordered, ..ChannelSpec::reliable(HARNESS_CHANNEL) };
    call.harness.create_channel(&own).map_err(CallError::Harness)?;
    call.run_for(Duration::from_millis(300))?;
    wait_for_late_chunks(call, channel)
}

fn harness_opens(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    harness_opens_channel(call, channel, true)
}

fn harness_opens_unordered(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    harness_opens_channel(call, channel, false)
}

/// The harness opens a channel of its own; once the target has it open, the target sends a
/// message on it.
fn target_sends_on_harness_channel(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    call.harness.create_channel(&ChannelSpec::reliable(HARNESS_CHANNEL)).map_err(CallError::Harness)?;
    call.wait_open(HARNESS_CHANNEL, CONNECT)?;
    call.target_send(HARNESS_CHANNEL, &Payload::Text(HARNESS_CHANNEL.into()))?;
    wait_for_late_chunks(call, channel)
}

fn ack_on_open(ctx: &mut Ctx) -> Verdict {
    ack_to(ctx, harness_opens)
}

fn ack_ordered_on_unordered_channel(ctx: &mut Ctx) -> Verdict {
    ack_to(ctx, harness_opens_unordered)
}

/// The target's DATA_CHANNEL_ACK goes ordered, on PPID 50, on the stream of the OPEN the
/// harness sent in `opens`.
fn ack_to(ctx: &mut Ctx, opens: OnceEstablished) -> Verdict {
    let call = call_and_read_setup(ctx, target_channel(opens))?;
    let Some(open) = open_from(&call.view, Side::Harness, HARNESS_CHANNEL) else {
        return Err(Outcome::Error { why: format!("the harness sent no DATA_CHANNEL_OPEN; {}", call.summary) });
    };
    let stream = open.chunk.stream;
    let acks: Vec<_> = call
        .view
        .data_from(Side::Target)
        .into_iter()
        .filter(|d| d.stream == stream && d.payload == [DATA_CHANNEL_ACK])
        .collect();
    let expected = format!("DATA_CHANNEL_ACK on stream {stream}, ordered, on PPID 50");
    Ok(match acks.first() {
        Some(ack) if dcep_ok(ack) => Outcome::Pass,
        Some(ack) => Outcome::fail(expected, describe(ack)),
        None => missing(&call, &expected, &format!("DATA_CHANNEL_ACK on stream {stream}")),
    })
}

/// The target opens its channel as DTLS server (`odd`) or client.
fn parity(ctx: &mut Ctx, odd: bool) -> Verdict {
    // The harness answers active (the target is DTLS server) or passive (client).
    let options = PeerOptions { answer_as_dtls_server: !odd, ..PeerOptions::default() };
    let call =
        call_and_read_setup(ctx, Setup { options, then: Some(wait_for_late_chunks), ..Setup::new(Offerer::Target) })?;
    let role = if odd { Side::Harness } else { Side::Target };
    if call.view.dtls_client != Some(role) {
        return Err(Outcome::Error {
            why: format!("the DTLS roles are not the ones the case set up; {}", call.summary),
        });
    }
    let expected = if odd { "an odd stream (DTLS server)" } else { "an even stream (DTLS client)" };
    Ok(match open_from(&call.view, Side::Target, "rtcspec") {
        Some(open) if (open.chunk.stream % 2 == 1) == odd => Outcome::Pass,
        Some(open) => Outcome::fail(expected, format!("DATA_CHANNEL_OPEN on stream {}", open.chunk.stream)),
        None => missing(&call, expected, "DATA_CHANNEL_OPEN"),
    })
}

fn odd_as_server(ctx: &mut Ctx) -> Verdict {
    parity(ctx, true)
}

fn even_as_client(ctx: &mut Ctx) -> Verdict {
    parity(ctx, false)
}

/// Once the channel is open on both sides, the target sends one text message.
pub fn target_sends_text(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    call.target_send(&channel.label, &Payload::Text("rtcspec".into()))?;
    wait_for_late_chunks(call, channel)
}

fn unordered_channel_sends_unordered(ctx: &mut Ctx) -> Verdict {
    sends_as_channel_says(ctx, false)
}

fn ordered_channel_sends_ordered(ctx: &mut Ctx) -> Verdict {
    sends_as_channel_says(ctx, true)
}

/// The target opens a reliable channel, `ordered` or not, and sends a message on it once
/// open: the message's U bit must say what the channel is.
fn sends_as_channel_says(ctx: &mut Ctx, ordered: bool) -> Verdict {
    let channel = ChannelSpec { ordered, ..ChannelSpec::reliable("rtcspec") };
    let call = call_and_read_setup(ctx, Setup { channel, ..target_channel(target_sends_text) })?;
    let (how, bit) = if ordered { ("ordered", "U bit clear") } else { ("unordered", "U bit set") };
    let Some(open) = open_from(&call.view, Side::Target, "rtcspec") else {
        return Ok(missing(&call, &format!("DATA_CHANNEL_OPEN, then a message sent {how}"), "DATA_CHANNEL_OPEN"));
    };
    let messages = user_data_from(&call.view, Side::Target, open.chunk.stream);
    Ok(match messages.last() {
        Some(m) if m.unordered != ordered => Outcome::Pass,
        Some(m) => Outcome::fail(format!("the message after the ACK sent {how} ({bit})"), describe(m)),
        None => Outcome::Error { why: format!("the target's message is not on the wire; {}", call.summary) },
    })
}

fn user_data_on_harness_open_stream(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, target_channel(target_sends_on_harness_channel))?;
    let Some(open) = open_from(&call.view, Side::Harness, HARNESS_CHANNEL) else {
        return Err(Outcome::Error { why: format!("the harness sent no DATA_CHANNEL_OPEN; {}", call.summary) });
    };
    Ok(message_on_stream(&call, open.chunk.stream, HARNESS_CHANNEL, "the harness's OPEN's"))
}

/// Pass when the target's message `text` went out on `stream` (`whose` says whose stream it
/// is); judged on the first DATA chunk carrying it, wherever it went.
fn message_on_stream(call: &LiveCall, stream: u16, text: &str, whose: &str) -> Outcome {
    let sent: Vec<_> = call.view.data_from(Side::Target).into_iter().filter(|d| d.payload == text.as_bytes()).collect();
    match sent.first() {
        Some(d) if d.stream == stream => Outcome::Pass,
        Some(d) => Outcome::fail(format!("the message on stream {stream}, {whose}"), describe(d)),
        None => missing(call, &format!("the message on stream {stream}"), "DATA chunk for the message"),
    }
}

fn user_data_on_open_stream(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, target_channel(target_sends_text))?;
    let Some(open) = open_from(&call.view, Side::Target, "rtcspec") else {
        return Ok(missing(&call, "DATA_CHANNEL_OPEN, then the message on its stream", "DATA_CHANNEL_OPEN"));
    };
    Ok(message_on_stream(&call, open.chunk.stream, "rtcspec", "the channel's"))
}
