//! RFC 8832 §5.1 and §6: the Data Channel Establishment Protocol on the wire. DCEP messages
//! go ordered and reliable on PPID 50, on the channel's own stream; the opener picks an even
//! stream as DTLS client and an odd one as DTLS server; the other side answers
//! DATA_CHANNEL_ACK; DATA_CHANNEL_OPEN says how the channel was asked for; once open, an
//! unordered channel sends unordered.

use std::time::Duration;

use rtcspec_harness::peer::view::Side;
use rtcspec_harness::peer::{Call, CallError, ChannelSpec, Payload, PeerOptions};
use rtcspec_harness::{Case, Ctx, Outcome, Verdict};

use super::dcep::*;
use crate::live::*;

const PROCEDURES: &str = "All DCEP messages MUST be sent using ordered delivery and reliable transmission. They MUST be sent on the same outgoing stream as the user messages belonging to the corresponding data channel. Multiplexing and demultiplexing is done by using the SCTP PPID. Therefore, a DCEP message MUST be sent with the assigned PPID for the Data Channel Establishment Protocol (see Section 8.1).";
const PARITY: &str = "The peer that initiates opening a data channel selects a stream identifier for which the corresponding incoming and outgoing streams are unused. If the side is acting as the DTLS client, it MUST choose an even stream identifier; if the side is acting as the DTLS server, it MUST choose an odd one.";
const ACK: &str = "If a DATA_CHANNEL_OPEN message is received on an unused stream, the stream identifier corresponds to the role of the peer, and all parameters in the DATA_CHANNEL_OPEN message are valid, then a corresponding DATA_CHANNEL_ACK message is sent on the stream with the same stream identifier as the one the DATA_CHANNEL_OPEN message was received on. (All DCEP messages MUST be sent using ordered delivery and reliable transmission ... with the assigned PPID.)";
const OPEN_FORMAT: &str = "Channel Type: 1 byte (unsigned integer). This field specifies the type of data channel to be opened. ... DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT_UNORDERED (0x81): The data channel provides a partially reliable in-order bidirectional communication. User messages might not be delivered in order. User messages will not be retransmitted more times than specified in the Reliability Parameter.";
const OPEN_REXMIT: &str = "DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT (0x01): The data channel provides a partially reliable in-order bidirectional communication. User messages will not be retransmitted more times than specified in the Reliability Parameter. ... If a partially reliable data channel with a limited number of retransmissions is used, this field specifies the number of retransmissions.";
const OPEN_TIMED: &str = "DATA_CHANNEL_PARTIAL_RELIABLE_TIMED_UNORDERED (0x82): The data channel provides a partially reliable unordered bidirectional communication. User messages might not be transmitted or retransmitted after a specified lifetime given in milliseconds in the Reliability Parameter. ... If a partially reliable data channel with a limited lifetime is used, this field specifies the maximum lifetime in milliseconds.";
const OPEN_RELIABLE: &str = "DATA_CHANNEL_RELIABLE_UNORDERED (0x80): The data channel provides a reliable unordered bidirectional communication. ... Reliability Parameter: 4 bytes (unsigned integer) For reliable data channels, this field MUST be set to 0 on the sending side and MUST be ignored on the receiving side.";
const LABEL: &str = "Label Length: 2 bytes (unsigned integer) The length of the label field in bytes. ... Label: Variable Length (sequence of characters) The name of the data channel as a UTF-8-encoded string, as specified in [RFC3629].";
const UNORDERED: &str = "After the DATA_CHANNEL_ACK or any other message has been received on the data channel, messages containing user data MUST be sent ordered on ordered data channels and MUST be sent unordered on unordered data channels.";

pub const CASES: &[Case] = &[
    case(
        ("sctp.8832.6.open-ordered-on-ppid-50", "sctp"),
        "The target sends DATA_CHANNEL_OPEN ordered, on PPID 50",
        ("RFC 8832", "6"),
        PROCEDURES,
        &[],
        open_on_ppid_50,
    ),
    case(
        ("sctp.8832.6.user-data-on-the-open-stream", "sctp"),
        "The target sends a channel's messages on the stream its DATA_CHANNEL_OPEN went on",
        ("RFC 8832", "6"),
        PROCEDURES,
        &[],
        user_data_on_open_stream,
    ),
    case(
        ("sctp.8832.6.open-of-unordered-channel-ordered", "sctp"),
        "The target's DATA_CHANNEL_OPEN for an unordered channel still goes ordered, on PPID 50",
        ("RFC 8832", "6"),
        PROCEDURES,
        &[],
        unordered_channel_open_ordered,
    ),
    case(
        ("sctp.8832.6.user-data-on-the-harness-open-stream", "sctp"),
        "On a channel the harness opened, the target sends its messages on the stream of the harness's DATA_CHANNEL_OPEN",
        ("RFC 8832", "6"),
        PROCEDURES,
        &[],
        user_data_on_harness_open_stream,
    ),
    case(
        ("sctp.8832.6.ack-of-unordered-channel-ordered", "sctp"),
        "The target's DATA_CHANNEL_ACK for an unordered channel of the harness still goes ordered, on PPID 50",
        ("RFC 8832", "6"),
        ACK,
        &[],
        ack_ordered_on_unordered_channel,
    ),
    case(
        ("sctp.8832.6.ack-on-open", "sctp"),
        "The target answers the harness's DATA_CHANNEL_OPEN with DATA_CHANNEL_ACK on the same stream, ordered, on PPID 50",
        ("RFC 8832", "6"),
        ACK,
        &[],
        ack_on_open,
    ),
    case(
        ("sctp.8832.6.stream-odd-as-dtls-server", "sctp"),
        "As DTLS server, the target opens its channel on an odd stream",
        ("RFC 8832", "6"),
        PARITY,
        &[],
        odd_as_server,
    ),
    case(
        ("sctp.8832.6.stream-even-as-dtls-client", "sctp"),
        "As DTLS client, the target opens its channel on an even stream",
        ("RFC 8832", "6"),
        PARITY,
        &[],
        even_as_client,
    ),
    case(
        ("sctp.8832.5.1.open-describes-channel", "sctp"),
        "DATA_CHANNEL_OPEN for an unordered channel with 0 retransmits says type 0x81, reliability 0, and the label and protocol",
        ("RFC 8832", "5.1"),
        OPEN_FORMAT,
        &[],
        open_describes_channel,
    ),
    case(
        ("sctp.8832.5.1.open-describes-rexmit-channel", "sctp"),
        "DATA_CHANNEL_OPEN for an ordered channel with 3 retransmits says type 0x01, reliability 3",
        ("RFC 8832", "5.1"),
        OPEN_REXMIT,
        &[],
        open_describes_rexmit,
    ),
    case(
        ("sctp.8832.5.1.open-describes-timed-channel", "sctp"),
        "DATA_CHANNEL_OPEN for an unordered channel with a 1500 ms lifetime says type 0x82, reliability 1500",
        ("RFC 8832", "5.1"),
        OPEN_TIMED,
        &[],
        open_describes_timed,
    ),
    case(
        ("sctp.8832.5.1.open-describes-reliable-unordered", "sctp"),
        "DATA_CHANNEL_OPEN for a reliable unordered channel says type 0x80 and reliability 0",
        ("RFC 8832", "5.1"),
        OPEN_RELIABLE,
        &[],
        open_describes_reliable_unordered,
    ),
    case(
        ("sctp.8832.5.1.label-length-in-bytes", "sctp"),
        "DATA_CHANNEL_OPEN gives the length of a non-ASCII label in bytes of UTF-8, and the label reads back",
        ("RFC 8832", "5.1"),
        LABEL,
        &[],
        label_length_in_bytes,
    ),
    case(
        ("sctp.8832.6.ordered-channel-sends-ordered", "sctp"),
        "Once its ordered channel is open, the target sends its messages ordered",
        ("RFC 8832", "6"),
        UNORDERED,
        &[],
        ordered_channel_sends_ordered,
    ),
    case(
        ("sctp.8832.6.unordered-channel-sends-unordered", "sctp"),
        "Once its unordered channel is open, the target sends its messages unordered",
        ("RFC 8832", "6"),
        UNORDERED,
        &[],
        unordered_channel_sends_unordered,
    ),
];

/// The harness's part once a channel is open: nothing more, a little time for late chunks.
pub fn wait_for_late_chunks(call: &mut Call<'_>, _: &ChannelSpec) -> Result<(), CallError> {
    call.run_for(Duration::from_millis(200))
}

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

fn open_describes_channel(ctx: &mut Ctx) -> Verdict {
    let channel = ChannelSpec { ordered: false, max_retransmits: Some(0), ..ChannelSpec::reliable("rtcspec") };
    open_describes(ctx, channel, 0x81, 0)
}

fn open_describes_rexmit(ctx: &mut Ctx) -> Verdict {
    open_describes(ctx, ChannelSpec { max_retransmits: Some(3), ..ChannelSpec::reliable("rtcspec") }, 0x01, 3)
}

fn open_describes_timed(ctx: &mut Ctx) -> Verdict {
    let channel = ChannelSpec { ordered: false, max_packet_life_time: Some(1500), ..ChannelSpec::reliable("rtcspec") };
    open_describes(ctx, channel, 0x82, 1500)
}

fn open_describes_reliable_unordered(ctx: &mut Ctx) -> Verdict {
    open_describes(ctx, ChannelSpec { ordered: false, ..ChannelSpec::reliable("rtcspec") }, 0x80, 0)
}

/// The target opens `channel` (with the protocol "rtcspec-test"); its DATA_CHANNEL_OPEN must
/// say `channel_type` and `reliability`, the label and the protocol.
fn open_describes(ctx: &mut Ctx, channel: ChannelSpec, channel_type: u8, reliability: u32) -> Verdict {
    let channel = ChannelSpec { protocol: "rtcspec-test".into(), ..channel };
    let call = call_and_read_setup(ctx, Setup { channel, ..target_channel(wait_for_late_chunks) })?;
    let expected = format!(
        "channel type {channel_type:#04x}, reliability {reliability}, label \"rtcspec\", protocol \"rtcspec-test\""
    );
    Ok(match open_from(&call.view, Side::Target, "rtcspec") {
        Some(o) if o.channel_type == channel_type && o.reliability == reliability && o.protocol == "rtcspec-test" => {
            Outcome::Pass
        }
        Some(o) => Outcome::fail(
            expected,
            format!(
                "channel type {:#04x}, reliability {}, label {:?}, protocol {:?}",
                o.channel_type, o.reliability, o.label, o.protocol
            ),
        ),
        None => missing(&call, &expected, "DATA_CHANNEL_OPEN"),
    })
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

/// A label whose UTF-8 encoding is longer than its count of characters (and of UTF-16 units).
const NON_ASCII_LABEL: &str = "rtcspec-\u{fc}\u{2713}";

fn label_length_in_bytes(ctx: &mut Ctx) -> Verdict {
    let channel = ChannelSpec { protocol: "p".into(), ..ChannelSpec::reliable(NON_ASCII_LABEL) };
    let call = call_and_read_setup(ctx, Setup { channel, ..target_channel(wait_for_late_chunks) })?;
    let expected = format!(
        "label length {} (bytes of UTF-8), the label {NON_ASCII_LABEL:?}, then protocol \"p\"",
        NON_ASCII_LABEL.len()
    );
    // Read the OPEN by its fields, not by its label: a wrong length garbles the label.
    let opens: Vec<_> = call
        .view
        .data_from(Side::Target)
        .into_iter()
        .filter(|d| d.payload.first() == Some(&DATA_CHANNEL_OPEN))
        .collect();
    let Some(open) = opens.first() else {
        return Ok(missing(&call, &expected, "DATA_CHANNEL_OPEN"));
    };
    let p = &open.payload;
    let declared = p.get(8..10).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])));
    let right = p.get(12..).is_some_and(|rest| rest == [NON_ASCII_LABEL.as_bytes(), b"p"].concat());
    Ok(match declared {
        Some(n) if n == NON_ASCII_LABEL.len() && right => Outcome::Pass,
        Some(n) => Outcome::fail(
            expected,
            format!("label length {n}; label and protocol bytes {:?}", String::from_utf8_lossy(&p[12..])),
        ),
        None => Outcome::fail(expected, format!("a DATA_CHANNEL_OPEN of {} bytes", p.len())),
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
