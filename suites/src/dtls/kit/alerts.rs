//! An alert record from the harness, then a data channel message: whether the message still
//! arrives tells what the alert did (RFC 5246 §7.2.1, RFC 6347 §4.1.2.7).

use std::time::Duration;

use rtcspec_harness::peer::forge::RecordForge;
use rtcspec_harness::peer::{Call, CallError, ChannelSpec};
use rtcspec_harness::{Ctx, Outcome};
use rtcspec_wire::dtls::{RawRecord, ALERT, APPLICATION_DATA};

use crate::forged::{channel_stream, delivered, harness_forge, on_target_channel, starts_epoch_1_record};
use crate::live::*;
use rtcspec_wire::dcep::PPID_STRING;

/// Sent after the close_notify, in a valid record with the next sequence number and TSN.
pub const AFTER: &str = "rtcspec: after the close_notify";

/// warning(1), close_notify(0) (RFC 5246 §7.2).
pub const CLOSE_NOTIFY: [u8; 2] = [1, 0];

/// How long the target has to answer the close_notify before the message after it comes.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(1);

/// A message, the alert `alert` makes, and 1 s on a message after it, each in a record made
/// in the call's session. The two messages have consecutive TSNs, so an association that took
/// the first does not drop the second as a duplicate.
pub fn alert_then_message(
    call: &mut Call<'_>,
    channel: &ChannelSpec,
    alert: fn(&mut RecordForge) -> Result<RawRecord, String>,
) -> Result<(), CallError> {
    let (forge, view, _) = harness_forge(call)?;
    let stream = channel_stream(&view, &channel.label)?;
    let tsn = forge.next_tsn().ok_or_else(|| CallError::Harness("no DATA chunk of the harness was read".into()))?;
    let message = |tsn: u32, text: &'static str| {
        move |forge: &mut RecordForge| {
            let packet = forge.sctp_data(tsn, stream, None, PPID_STRING, text.as_bytes())?;
            forge.sealed(APPLICATION_DATA, 1, &packet)
        }
    };
    inject_made(call, message(tsn, BEFORE))?;
    let _ = call.wait_target("the message before the alert", DELIVERY, delivered(BEFORE));
    inject_made(call, alert)?;
    call.run_for(ANSWER_WITHIN)?;
    inject_made(call, message(tsn.wrapping_add(1), AFTER))?;
    let _ = call.wait_target("the message after the alert", DELIVERY, delivered(AFTER));
    Ok(())
}

/// The record `make` makes with a forge made now, sent to the target. The forge numbers it
/// after every record the harness sent so far, those it injected included: a later record
/// never repeats an earlier one's number, which the target would drop as a replay whatever
/// it does with alerts.
pub fn inject_made(
    call: &mut Call<'_>,
    make: impl FnOnce(&mut RecordForge) -> Result<RawRecord, String>,
) -> Result<(), CallError> {
    let (mut forge, _, to) = harness_forge(call)?;
    let record = make(&mut forge).map_err(CallError::Harness)?;
    call.harness.inject(to, &record.to_bytes()).map_err(CallError::Harness)
}

/// The call `then` made, once the harness's alert went out after a message the target took,
/// with the time the alert went; an Error when it did not get that far (nothing to judge).
pub fn call_after_alert(ctx: &mut Ctx, then: OnceEstablished) -> Result<(LiveCall, u64), Outcome> {
    let call = call_and_read_setup(ctx, on_target_channel(then))?;
    // The harness's alert: the first epoch-1 alert it sent (its own stack sends none before
    // the target closes).
    let sent = call.to_target.iter().find(|d| starts_epoch_1_record(d, ALERT));
    let (true, Some(sent)) = (call.established, sent.map(|d| d.at_us)) else {
        return Err(Outcome::Error { why: format!("the call did not come up to the alert; {}", call.summary) });
    };
    if !call.delivered(BEFORE) {
        return Err(Outcome::Error {
            why: format!(
                "the message before the alert, in a record sealed the same way, was \
                    not delivered: the harness's records are not taken, so nothing can be \
                    judged; {}",
                call.summary
            ),
        });
    }
    Ok((call, sent))
}

/// Sent before the close_notify: delivered, it shows the forged records are taken.
pub const BEFORE: &str = "rtcspec: before the close_notify";

/// How long the target has to deliver a message (on loopback it takes milliseconds).
pub const DELIVERY: Duration = Duration::from_millis(400);
