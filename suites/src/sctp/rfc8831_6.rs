//! RFC 8831 §6.1, §6.6 and §6.7: data channels over SCTP on the wire. The association signals
//! the extensions WebRTC needs (stream reconfiguration, partial reliability); each user
//! message carries the PPID of its kind, empty ones their own PPIDs and one zero byte; a
//! channel closes by resetting its outgoing stream, and a peer whose incoming stream is
//! reset resets its outgoing one too.

use std::time::Duration;

use rtcspec_harness::peer::view::Side;
use rtcspec_harness::peer::{Call, CallError, ChannelSpec, Payload};
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};
use rtcspec_wire::sctp::{
    FORWARD_TSN, FORWARD_TSN_SUPPORTED, INIT, INIT_ACK, OUTGOING_RESET_REQUEST, RE_CONFIG, SUPPORTED_EXTENSIONS,
};

use super::kit::*;
use crate::live::*;

const EXTENSIONS: &str = "The stream reconfiguration extension defined in [RFC6525] MUST be \
    supported. It is used for closing channels. The dynamic address \
    reconfiguration extension defined in [RFC5061] MUST be used to signal \
    the support of the stream reset extension defined in [RFC6525]. ... \
    The partial reliability extension defined in [RFC3758] MUST be \
    supported.";
const PPIDS: &str = "The SCTP Payload Protocol Identifiers (PPIDs) are used to signal the \
    interpretation of the \"payload data\". The following PPIDs MUST be \
    used (see Section 8): WebRTC String: to identify a non-empty \
    JavaScript string encoded in UTF-8. WebRTC String Empty: to identify \
    an empty JavaScript string encoded in UTF-8. WebRTC Binary: to \
    identify non-empty JavaScript binary data. WebRTC Binary Empty: to \
    identify empty JavaScript binary data. ... if an empty message has to \
    be sent, the appropriate PPID (WebRTC String Empty or WebRTC Binary \
    Empty) is used, and the SCTP user message of one zero byte is sent.";
const EMPTY_RECEIVED: &str = "SCTP does not support the sending of empty user messages. Therefore, \
    if an empty message has to be sent, the appropriate PPID (WebRTC \
    String Empty or WebRTC Binary Empty) is used, and the SCTP user \
    message of one zero byte is sent. When receiving an SCTP user message \
    with one of these PPIDs, the receiver MUST ignore the SCTP user \
    message and process it as an empty message.";
const CLOSING: &str = "Closing of a data channel MUST be signaled by resetting the \
    corresponding outgoing streams [RFC6525]. This means that if one side \
    decides to close the data channel, it resets the corresponding \
    outgoing stream. When the peer sees that an incoming stream was \
    reset, it also resets its corresponding outgoing stream.";

pub const CASES: &[Case] = &[
    Case::new(
        "sctp.8831.6.1.init-signals-stream-reset",
        "The target's INIT (or INIT ACK) lists RE-CONFIG among its Supported \
            Extensions",
        Spec::must("RFC 8831", "6.1", EXTENSIONS),
        PEER,
        signals_stream_reset,
    ),
    Case::new(
        "sctp.8831.6.1.init-signals-partial-reliability",
        "The target's INIT (or INIT ACK) signals partial reliability \
            (Forward-TSN-Supported)",
        Spec::must("RFC 8831", "6.1", EXTENSIONS),
        PEER,
        signals_partial_reliability,
    ),
    Case::new(
        "sctp.8831.6.6.string-ppid-51",
        "The target sends a non-empty string with PPID 51",
        Spec::must("RFC 8831", "6.6", PPIDS),
        PEER,
        string_ppid,
    ),
    Case::new(
        "sctp.8831.6.6.binary-ppid-53",
        "The target sends non-empty binary data with PPID 53",
        Spec::must("RFC 8831", "6.6", PPIDS),
        PEER,
        binary_ppid,
    ),
    Case::new(
        "sctp.8831.6.6.empty-string-ppid-56",
        "The target sends an empty string as one zero byte with PPID 56",
        Spec::must("RFC 8831", "6.6", PPIDS),
        PEER,
        empty_string_ppid,
    ),
    Case::new(
        "sctp.8831.6.6.empty-binary-ppid-57",
        "The target sends empty binary data as one zero byte with PPID 57",
        Spec::must("RFC 8831", "6.6", PPIDS),
        PEER,
        empty_binary_ppid,
    ),
    Case::new(
        "sctp.8831.6.6.empty-string-received",
        "An empty string from the harness (PPID 56, one zero byte) reaches the \
            target's application as an empty string",
        Spec::must("RFC 8831", "6.6", EMPTY_RECEIVED),
        PEER,
        empty_string_received,
    ),
    Case::new(
        "sctp.8831.6.6.empty-binary-received",
        "Empty binary data from the harness (PPID 57, one zero byte) reaches \
            the target's application as empty",
        Spec::must("RFC 8831", "6.6", EMPTY_RECEIVED),
        PEER,
        empty_binary_received,
    ),
    Case::new(
        "sctp.8831.6.7.close-resets-outgoing-stream",
        "Closing its channel, the target resets the channel's outgoing stream \
            (RE-CONFIG)",
        Spec::must("RFC 8831", "6.7", CLOSING),
        PEER,
        close_resets_stream,
    ),
    Case::new(
        "sctp.8831.6.7.reset-answered-with-reset",
        "When the harness resets its outgoing stream, the target resets its \
            own outgoing stream of the channel",
        Spec::must("RFC 8831", "6.7", CLOSING),
        PEER,
        reset_answered_with_reset,
    ),
];

/// The parameters of the target's INIT and INIT ACK chunks.
fn init_params(call: &LiveCall) -> Result<Vec<(u16, Vec<u8>)>, Outcome> {
    let inits: Vec<_> = call.view.sent(Side::Target, INIT).chain(call.view.sent(Side::Target, INIT_ACK)).collect();
    if inits.is_empty() {
        return Err(Outcome::Error {
            why: format!("the target sent no INIT or INIT ACK: nothing to judge; {}", call.summary),
        });
    }
    Ok(inits.iter().flat_map(|c| c.params()).collect())
}

fn extensions(params: &[(u16, Vec<u8>)]) -> Vec<u8> {
    params.iter().filter(|(t, _)| *t == SUPPORTED_EXTENSIONS).flat_map(|(_, v)| v.clone()).collect()
}

fn signals_stream_reset(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, target_channel(wait_for_late_chunks))?;
    let params = init_params(&call)?;
    let listed = extensions(&params);
    Ok(if listed.contains(&RE_CONFIG) {
        Outcome::Pass
    } else {
        Outcome::fail(
            "a Supported Extensions parameter (0x8008) listing RE-CONFIG (130)",
            format!(
                "Supported Extensions lists {listed:?}; parameters {:?}",
                params.iter().map(|(t, _)| *t).collect::<Vec<_>>()
            ),
        )
    })
}

fn signals_partial_reliability(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, target_channel(wait_for_late_chunks))?;
    let params = init_params(&call)?;
    Ok(if params.iter().any(|(t, _)| *t == FORWARD_TSN_SUPPORTED) || extensions(&params).contains(&FORWARD_TSN) {
        Outcome::Pass
    } else {
        Outcome::fail(
            "Forward-TSN-Supported (0xC000), or FORWARD TSN (192) among Supported \
                Extensions",
            format!("parameters {:?}", params.iter().map(|(t, _)| format!("{t:#06x}")).collect::<Vec<_>>()),
        )
    })
}

/// The target sends one message once its channel is open; Pass when its DATA chunk has
/// `ppid` and exactly `content`.
fn sends_with_ppid(ctx: &mut Ctx, then: OnceEstablished, ppid: u32, content: &[u8], what: &str) -> Verdict {
    let call = call_and_read_setup(ctx, target_channel(then))?;
    let Some(open) = open_from(&call.view, Side::Target, "rtcspec") else {
        return Err(Outcome::Error { why: format!("no DATA_CHANNEL_OPEN from the target; {}", call.summary) });
    };
    let expected = format!("{what}: PPID {ppid}, user data {content:02x?}");
    Ok(match user_data_from(&call.view, Side::Target, open.chunk.stream).last() {
        Some(d) if d.ppid == ppid && d.payload == content => Outcome::Pass,
        Some(d) => Outcome::fail(expected, format!("PPID {}, user data {:02x?}", d.ppid, d.payload)),
        // The target took the message (peer.send succeeded) on an open channel.
        None => missing(&call, &expected, "DATA chunk for the message the target was asked to send"),
    })
}

fn send(call: &mut Call<'_>, channel: &ChannelSpec, payload: Payload) -> Result<(), CallError> {
    call.target_send(&channel.label, &payload)?;
    wait_for_late_chunks(call, channel)
}

fn string_ppid(ctx: &mut Ctx) -> Verdict {
    sends_with_ppid(ctx, |c, ch| send(c, ch, Payload::Text("rtcspec".into())), PPID_STRING, b"rtcspec", "a string")
}

fn binary_ppid(ctx: &mut Ctx) -> Verdict {
    sends_with_ppid(ctx, |c, ch| send(c, ch, Payload::Binary(vec![1, 2, 3])), PPID_BINARY, &[1, 2, 3], "binary data")
}

fn empty_string_ppid(ctx: &mut Ctx) -> Verdict {
    sends_with_ppid(ctx, |c, ch| send(c, ch, Payload::Text(String::new())), PPID_STRING_EMPTY, &[0], "an empty string")
}

fn empty_binary_ppid(ctx: &mut Ctx) -> Verdict {
    sends_with_ppid(ctx, |c, ch| send(c, ch, Payload::Binary(Vec::new())), PPID_BINARY_EMPTY, &[0], "empty binary data")
}

/// How long a stream reset has to show on the wire (request, response, the peer's reset).
const RESET: Duration = Duration::from_millis(1500);
/// After a side reports its channel closed, for the last chunks to reach the record.
const AFTER_CLOSE: Duration = Duration::from_millis(200);

fn closed(e: &rtcspec_harness::peer::PeerEvent) -> bool {
    matches!(e, rtcspec_harness::peer::PeerEvent::ChannelClose { .. })
}

/// Whether `from` sent an Outgoing SSN Reset Request naming `stream`.
fn reset_request_for(call: &LiveCall, from: Side, stream: u16) -> bool {
    call.view.sent(from, RE_CONFIG).flat_map(|c| c.params()).any(|(t, v)| {
        t == OUTGOING_RESET_REQUEST
            && v.get(12..).is_some_and(|ids| ids.chunks_exact(2).any(|id| id == stream.to_be_bytes()))
    })
}

fn close_resets_stream(ctx: &mut Ctx) -> Verdict {
    let then: OnceEstablished = |call, channel| {
        call.target_close_channel(&channel.label)?;
        // Closed on the target's side once both streams are reset; a moment more for the
        // last chunks to be recorded.
        let _ = call.wait_target("the channel closed", RESET, closed);
        call.run_for(AFTER_CLOSE)
    };
    let call = call_and_read_setup(ctx, target_channel(then))?;
    let Some(open) = open_from(&call.view, Side::Target, "rtcspec") else {
        return Err(Outcome::Error { why: format!("no DATA_CHANNEL_OPEN from the target; {}", call.summary) });
    };
    let stream = open.chunk.stream;
    Ok(if reset_request_for(&call, Side::Target, stream) {
        Outcome::Pass
    } else {
        Outcome::fail(
            format!("a RE-CONFIG with an Outgoing SSN Reset Request for stream {stream}"),
            format!(
                "{} RE-CONFIG chunk(s) from the target, none resetting stream {stream}",
                call.view.sent(Side::Target, RE_CONFIG).count()
            ),
        )
    })
}

fn reset_answered_with_reset(ctx: &mut Ctx) -> Verdict {
    let then: OnceEstablished = |call, channel| {
        call.harness.close_channel(&channel.label).map_err(CallError::Harness)?;
        // The harness's channel closes when the target's reset answers its own.
        let _ = call.wait_harness("the channel closed", RESET, closed);
        call.run_for(AFTER_CLOSE)
    };
    let call = call_and_read_setup(ctx, target_channel(then))?;
    let Some(open) = open_from(&call.view, Side::Target, "rtcspec") else {
        return Err(Outcome::Error { why: format!("no DATA_CHANNEL_OPEN from the target; {}", call.summary) });
    };
    let stream = open.chunk.stream;
    if !reset_request_for(&call, Side::Harness, stream) {
        return Err(Outcome::Error { why: format!("the harness's own reset of stream {stream} is not on the wire") });
    }
    Ok(if reset_request_for(&call, Side::Target, stream) {
        Outcome::Pass
    } else {
        Outcome::fail(
            format!(
                "the target resets its outgoing stream {stream} too (Outgoing SSN \
                    Reset Request)"
            ),
            format!(
                "{} RE-CONFIG chunk(s) from the target, none resetting stream {stream}",
                call.view.sent(Side::Target, RE_CONFIG).count()
            ),
        )
    })
}

/// How long the target has to report a message the harness sent.
const DELIVERY: Duration = Duration::from_millis(1000);

/// The harness sends `payload` on the target's channel; the target's report of it (if any)
/// and the harness's DATA chunk for it. Pass when the target reports exactly `payload`.
fn harness_sends(ctx: &mut Ctx, then: OnceEstablished, payload: Payload, ppid: u32) -> Verdict {
    let call = call_and_read_setup(ctx, target_channel(then))?;
    let Some(open) = open_from(&call.view, Side::Target, "rtcspec") else {
        return Err(Outcome::Error { why: format!("no DATA_CHANNEL_OPEN from the target; {}", call.summary) });
    };
    // The harness's own message is the control: sent as the RFC says, or nothing to judge.
    let sent = user_data_from(&call.view, Side::Harness, open.chunk.stream);
    if !sent.iter().any(|d| d.ppid == ppid && d.payload == [0]) {
        return Err(Outcome::Error {
            why: format!("the harness did not send PPID {ppid} with one zero byte: {sent:?}"),
        });
    }
    let expected = format!("a message event with {payload:?}");
    Ok(match call.messages.last().map(|(_, m)| m) {
        Some(got) if *got == payload => Outcome::Pass,
        Some(got) => Outcome::fail(expected, format!("the target reported {got:?}")),
        None => Outcome::fail(expected, format!("no message reported within {} ms", DELIVERY.as_millis())),
    })
}

fn harness_send(call: &mut Call<'_>, channel: &ChannelSpec, payload: Payload) -> Result<(), CallError> {
    call.harness.send(&channel.label, &payload).map_err(CallError::Harness)?;
    let _ =
        call.wait_target("the message", DELIVERY, |e| matches!(e, rtcspec_harness::peer::PeerEvent::Message { .. }));
    Ok(())
}

fn empty_string_received(ctx: &mut Ctx) -> Verdict {
    harness_sends(
        ctx,
        |c, ch| harness_send(c, ch, Payload::Text(String::new())),
        Payload::Text(String::new()),
        PPID_STRING_EMPTY,
    )
}

fn empty_binary_received(ctx: &mut Ctx) -> Verdict {
    harness_sends(
        ctx,
        |c, ch| harness_send(c, ch, Payload::Binary(Vec::new())),
        Payload::Binary(Vec::new()),
        PPID_BINARY_EMPTY,
    )
}
