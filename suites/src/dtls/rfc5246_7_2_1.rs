//! RFC 5246 §7.2.1, closure alerts. DTLS 1.2 is "a series of deltas to TLS 1.2" and "Where we
//! do not explicitly call out differences, DTLS is the same as in [TLS12]" (RFC 6347 §4);
//! RFC 6347 calls out none for close_notify. After the harness's close_notify the target
//! answers with a close_notify of its own and closes the connection down, so a later
//! record's data never reaches the application ("Any data received after a closure alert is
//! ignored.").
//!
//! The harness (DTLS server) makes the records by hand in the call's session (`forge`): first
//! a data channel message, validly protected, which shows the target takes the harness's
//! forged records at all; then the close_notify; then, 1 s on, another message with the next
//! TSN.

use std::time::Duration;

use rtcspec_harness::net::Datagram;
use rtcspec_harness::peer::forge::RecordForge;
use rtcspec_harness::peer::view::Side;
use rtcspec_harness::peer::{Call, CallError, ChannelSpec};
use rtcspec_harness::{Case, Ctx, Outcome, Verdict};
use rtcspec_wire::dtls::{RawRecord, ALERT, APPLICATION_DATA};

use super::forged::{
    channel_stream, delivered, harness_forge, on_target_channel, protected_records, starts_epoch_1_record,
};
use crate::live::*;
use crate::sctp::dcep::PPID_STRING;

const CLOSE: &str = "The other party MUST respond with a close_notify alert of its own and close down the connection immediately, discarding any pending writes.";

/// Sent before the close_notify: delivered, it shows the forged records are taken.
const BEFORE: &str = "rtcspec: before the close_notify";
/// Sent after the close_notify, in a valid record with the next sequence number and TSN.
pub(super) const AFTER: &str = "rtcspec: after the close_notify";

/// warning(1), close_notify(0) (RFC 5246 §7.2).
pub(super) const CLOSE_NOTIFY: [u8; 2] = [1, 0];
/// How long the target has to deliver a message (on loopback it takes milliseconds).
const DELIVERY: Duration = Duration::from_millis(400);
/// How long the target has to answer the close_notify before the message after it comes.
pub(super) const ANSWER_WITHIN: Duration = Duration::from_secs(1);

pub const CASES: &[Case] = &[
    case(
        ("dtls.5246.7.2.1.close-notify-answered", "dtls"),
        "After the harness's close_notify (epoch 1), the target sends a close_notify of its own",
        ("RFC 5246", "7.2.1"),
        CLOSE,
        &[],
        close_notify_answered,
    ),
    case(
        ("dtls.5246.7.2.1.data-after-close-notify-ignored", "dtls"),
        "A data channel message in a valid record after the harness's close_notify is not delivered: the connection is closed down",
        ("RFC 5246", "7.2.1"),
        CLOSE,
        SECURITY,
        data_after_close_notify_ignored,
    ),
];

/// The harness's close_notify, sealed in the call's session.
pub(super) fn close_then_message(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    alert_then_message(call, channel, |forge| forge.sealed(ALERT, 1, &CLOSE_NOTIFY))
}

/// A message, the alert `alert` makes, and 1 s on a message after it, each in a record made
/// in the call's session. The two messages have consecutive TSNs, so an association that took
/// the first does not drop the second as a duplicate.
pub(super) fn alert_then_message(
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
fn inject_made(
    call: &mut Call<'_>,
    make: impl FnOnce(&mut RecordForge) -> Result<RawRecord, String>,
) -> Result<(), CallError> {
    let (mut forge, _, to) = harness_forge(call)?;
    let record = make(&mut forge).map_err(CallError::Harness)?;
    call.harness.inject(to, &record.to_bytes()).map_err(CallError::Harness)
}

/// The call `then` made, once the harness's alert went out after a message the target took,
/// with the time the alert went; an Error when it did not get that far (nothing to judge).
pub(super) fn call_after_alert(ctx: &mut Ctx, then: OnceEstablished) -> Result<(LiveCall, u64), Outcome> {
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
                "the message before the alert, in a record sealed the same way, was not delivered: \
                 the harness's records are not taken, so nothing can be judged; {}",
                call.summary
            ),
        });
    }
    Ok((call, sent))
}

fn close_notify_answered(ctx: &mut Ctx) -> Verdict {
    let (call, sent) = call_after_alert(ctx, close_then_message)?;
    let after: Vec<&Datagram> = call.from_target.iter().filter(|d| d.at_us > sent).collect();
    let alerts = protected_records(&call, &after, Side::Target, ALERT)?;
    if alerts.iter().any(|a| a.get(1) == Some(&CLOSE_NOTIFY[1])) {
        return Ok(Outcome::Pass);
    }
    let expected = "a close_notify alert (epoch 1) from the target after the harness's";
    Ok(Outcome::fail(
        expected,
        if alerts.is_empty() {
            format!("no alert in the {} datagrams the target sent after the harness's close_notify", after.len())
        } else {
            let described: Vec<String> = alerts.iter().map(|a| describe_alert(a)).collect();
            format!("only other alerts: {}", described.join(", "))
        },
    ))
}

fn data_after_close_notify_ignored(ctx: &mut Ctx) -> Verdict {
    let (call, _) = call_after_alert(ctx, close_then_message)?;
    if call.delivered(AFTER) {
        return Ok(Outcome::fail(
            "the message in a record after the close_notify never reaches the application",
            format!(
                "the target delivered {AFTER:?}, sent {} s after the harness's close_notify in a valid record",
                ANSWER_WITHIN.as_secs()
            ),
        ));
    }
    Ok(Outcome::Pass)
}

/// An alert's level and description, by number (RFC 5246 §7.2).
fn describe_alert(alert: &[u8]) -> String {
    match alert {
        [level, description] => format!("level {level} description {description}"),
        other => format!("a {}-byte alert", other.len()),
    }
}
