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

use rtcspec_harness::net::Datagram;
use rtcspec_harness::peer::view::Side;
use rtcspec_harness::peer::{Call, CallError, ChannelSpec};
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};
use rtcspec_wire::dtls::ALERT;

use super::kit::alerts::*;
use crate::forged::protected_records;
use crate::live::*;

const CLOSE: &str = "The other party MUST respond with a close_notify alert of its own and \
    close down the connection immediately, discarding any pending writes.";

pub const CASES: &[Case] = &[
    Case::new(
        "dtls.5246.7.2.1.close-notify-answered",
        "After the harness's close_notify (epoch 1), the target sends a \
            close_notify of its own",
        Spec::must("RFC 5246", "7.2.1", CLOSE),
        PEER,
        close_notify_answered,
    ),
    Case::new(
        "dtls.5246.7.2.1.data-after-close-notify-ignored",
        "A data channel message in a valid record after the harness's \
            close_notify is not delivered: the connection is closed down",
        Spec::must("RFC 5246", "7.2.1", CLOSE),
        PEER,
        data_after_close_notify_ignored,
    )
    .tags(SECURITY),
];

/// The harness's close_notify, sealed in the call's session.
pub(super) fn close_then_message(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    alert_then_message(call, channel, |forge| forge.sealed(ALERT, 1, &CLOSE_NOTIFY))
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
            format!(
                "no alert in the {} datagrams the target sent after the harness's \
                    close_notify",
                after.len()
            )
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
            "the message in a record after the close_notify never reaches the \
                application",
            format!(
                "the target delivered {AFTER:?}, sent {} s after the harness's \
                    close_notify in a valid record",
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
