//! Records the harness makes by hand in a live call (`peer::forge`): it has the session's
//! keys, so it can send the target records no conforming stack sends. A data channel message
//! goes in a record that must be dropped, then the same SCTP DATA chunk in a valid record as
//! the control. A target that delivers the first takes data that DTLS did not protect.

use std::time::Duration;

use rtcspec_harness::net::Datagram;
use rtcspec_harness::peer::forge::RecordForge;
use rtcspec_harness::peer::view::{Side, WireView};
use rtcspec_harness::peer::{Call, CallError, ChannelSpec, Payload, PeerEvent};
use rtcspec_harness::{Outcome, Verdict};
use rtcspec_wire::dtls::records;
use rtcspec_wire::dtls::{RawRecord, APPLICATION_DATA};

use crate::live::{open_from, target_channel};
use crate::live::{LiveCall, OnceEstablished, Setup};
use rtcspec_wire::dcep::PPID_STRING;

/// What the record that must be dropped carries.
pub const FORGED: &str = "rtcspec: in a record the target must drop";
/// What the control record carries: the same chunk (same TSN), validly protected.
pub const CONTROL: &str = "rtcspec: the control, validly protected";
/// How long the target has to deliver either (on loopback it takes milliseconds).
const DELIVERY: Duration = Duration::from_millis(400);

/// The forge for the harness's records and the target's address, from the call so far.
pub fn harness_forge(call: &Call<'_>) -> Result<(RecordForge, WireView, std::net::SocketAddr), CallError> {
    let keylog = call.harness.keylog().lines();
    let view = WireView::read(call.harness.datagrams(), call.harness.local_addr(), &keylog);
    let forge = RecordForge::new(&view, &keylog, Side::Harness).map_err(CallError::Harness)?;
    let to = call.target_addr().ok_or_else(|| CallError::Harness("the target has sent nothing".into()))?;
    Ok((forge, view, to))
}

/// Seals `sctp` in an epoch-1 record with a forge made now, and sends it to the target. The
/// forge numbers the record after every record the harness sent so far, its own stack's and
/// those it injected: a record numbered before some of them would be a replay to a target
/// with a replay window (Firefox's NSS drops it), whatever it does with the packet inside.
pub fn inject_sealed(call: &mut Call<'_>, sctp: &[u8]) -> Result<(), CallError> {
    let (mut forge, _, to) = harness_forge(call)?;
    let record = forge.sealed(APPLICATION_DATA, 1, sctp).map_err(CallError::Harness)?;
    call.harness.inject(to, &record.to_bytes()).map_err(CallError::Harness)
}

/// The stream of the channel `label`, whichever side opened it.
pub fn channel_stream(view: &WireView, label: &str) -> Result<u16, CallError> {
    [Side::Target, Side::Harness]
        .into_iter()
        .find_map(|side| open_from(view, side, label))
        .map(|open| open.chunk.stream)
        .ok_or_else(|| CallError::Harness("the channel's DATA_CHANNEL_OPEN is not on the wire".into()))
}

/// The target's event reporting the text message `text`, to wait for.
pub fn delivered(text: &'static str) -> impl Fn(&PeerEvent) -> bool {
    move |e| matches!(e, PeerEvent::Message { payload: Payload::Text(t), .. } if t == text)
}

/// The harness sends [`FORGED`] in the record `bad` makes of its SCTP packet, waits, then
/// [`CONTROL`] with the same TSN in a valid epoch-1 record, and waits again.
pub fn forged_then_control(
    call: &mut Call<'_>,
    channel: &ChannelSpec,
    bad: fn(&mut RecordForge, &[u8]) -> Result<RawRecord, String>,
) -> Result<(), CallError> {
    first_then_control(call, channel, FORGED, bad)
}

/// The same, with `first` as the first message's text.
pub fn first_then_control(
    call: &mut Call<'_>,
    channel: &ChannelSpec,
    first: &'static str,
    make: fn(&mut RecordForge, &[u8]) -> Result<RawRecord, String>,
) -> Result<(), CallError> {
    let (mut forge, view, to) = harness_forge(call)?;
    let stream = channel_stream(&view, &channel.label)?;
    let tsn = forge.next_tsn().ok_or_else(|| CallError::Harness("no DATA chunk of the harness was read".into()))?;
    let packet = forge.sctp_data(tsn, stream, None, PPID_STRING, first.as_bytes()).map_err(CallError::Harness)?;
    let record = make(&mut forge, &packet).map_err(CallError::Harness)?;
    call.harness.inject(to, &record.to_bytes()).map_err(CallError::Harness)?;
    let _ = call.wait_target("the first message", DELIVERY, delivered(first));
    let control = forge.sctp_data(tsn, stream, None, PPID_STRING, CONTROL.as_bytes()).map_err(CallError::Harness)?;
    inject_sealed(call, &control)?;
    let _ = call.wait_target("the control message", DELIVERY, delivered(CONTROL));
    Ok(())
}

/// A call the target offers, with a channel it opens, `then` once the channel is open. The
/// harness answers as DTLS server, the one pairing in which every stack here brings its
/// association up (RFC 8841 §9.3 findings).
pub fn on_target_channel(then: OnceEstablished) -> Setup {
    target_channel(then)
}

/// Pass when the target did not deliver [`FORGED`] and did deliver the control; an Error
/// when neither arrived (the harness's own record was not taken: nothing to judge).
pub fn judge_forged(call: &LiveCall, record: &str) -> Verdict {
    let expected = format!("{record} is dropped: its message never reaches the application");
    match (call.delivered(FORGED), call.delivered(CONTROL)) {
        (true, _) => Ok(Outcome::fail(expected, format!("the target delivered {FORGED:?} from it"))),
        (false, true) => Ok(Outcome::Pass),
        (false, false) => Err(Outcome::Error {
            why: format!(
                "the same SCTP DATA chunk in a valid record was not delivered either, \
                    so the forged packet says nothing; {}",
                call.summary
            ),
        }),
    }
}

/// The plaintexts of `side`'s epoch-1 records of `content_type` in `datagrams`, opened with
/// the call's keys; a record that does not authenticate is left out.
pub fn protected_records(
    call: &LiveCall,
    datagrams: &[&Datagram],
    side: Side,
    content_type: u8,
) -> Result<Vec<Vec<u8>>, Outcome> {
    let mut forge = RecordForge::new(&call.view, &call.keylog, side).map_err(|why| {
        let whose = if side == Side::Target { "the target's" } else { "the harness's" };
        Outcome::Error { why: format!("no keys to read {whose} records: {why}") }
    })?;
    let mut plaintexts = Vec::new();
    for d in datagrams {
        let protected = records(&d.bytes).0.into_iter().filter(|r| r.content_type == content_type && r.epoch >= 1);
        plaintexts
            .extend(protected.filter_map(|r| RawRecord::from_record(&r)).filter_map(|r| forge.open(side, &r).ok()));
    }
    Ok(plaintexts)
}

/// Whether `datagram` starts with an epoch-1 record of `content_type`: one sent protected,
/// after the handshake (its type and epoch are in the clear).
pub fn starts_epoch_1_record(datagram: &Datagram, content_type: u8) -> bool {
    datagram.bytes.first() == Some(&content_type) && datagram.bytes.get(3..5) == Some(&[0, 1])
}
