//! RFC 6347 §4.1.2.6: the receiver's anti-replay window is at least 32 records wide, so a
//! record that arrives after a newer one, within the window, is still taken in.
//!
//! The interposer makes every second datagram, both ways, arrive after the one sent after it
//! (at most 100 ms later when nothing follows). Once the channel is open, the harness sends a
//! burst of messages at once, so their records reach the target out of order. The call must
//! come up and every message of the burst must be delivered, in order (the channel is
//! ordered). A receiver whose window were narrower would lose records to it; the association
//! would have to retransmit them, within the case's bound.

use std::time::Duration;

use rtcspec_harness::peer::{Call, CallError, ChannelSpec, Impairment, Payload, PeerEvent};
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

use super::kit::impaired::{impaired_call, TargetRole, IMPAIRED_BOUND};
use crate::live::PEER;

const WINDOW: &str = "A minimum window size of 32 MUST be supported, but a window size of \
    64 is preferred and SHOULD be employed as the default.";

pub const CASES: &[Case] = &[Case::new(
    "dtls.6347.4.1.2.6.reordered-records-taken",
    "Every two datagrams arrive swapped, both ways: the call comes up and \
        a burst of messages, its records out of order, is delivered in order",
    Spec::must("RFC 6347", "4.1.2.6", WINDOW),
    PEER,
    reordered_records_taken,
)
.time_bound(IMPAIRED_BOUND)];

/// How many messages the burst has, and how long each is: two do not fit one SCTP packet,
/// so each goes in a record of its own.
const BURST: usize = 8;
const MESSAGE_LEN: usize = 700;

/// How long the target has to deliver the whole burst.
const BURST_DELIVERED: Duration = Duration::from_secs(5);

fn burst_message(i: usize) -> String {
    let head = format!("rtcspec burst {i} ");
    format!("{head}{}", ".".repeat(MESSAGE_LEN - head.len()))
}

fn send_burst(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    for i in 0..BURST {
        call.harness.send(&channel.label, &Payload::Text(burst_message(i))).map_err(CallError::Harness)?;
    }
    let last = burst_message(BURST - 1);
    let delivered =
        move |e: &PeerEvent| matches!(e, PeerEvent::Message { payload: Payload::Text(t), .. } if *t == last);
    // A burst not delivered in time is what the case judges, not a failed step.
    let _ = call.wait_target("the burst's last message", BURST_DELIVERED, delivered);
    Ok(())
}

fn reordered_records_taken(ctx: &mut Ctx) -> Verdict {
    let call = impaired_call(
        ctx,
        Impairment { reorder_percent: 100, ..Impairment::default() },
        TargetRole::Client,
        Some(send_burst),
    )?;
    let burst: Vec<usize> = call
        .messages
        .iter()
        .filter_map(|(_, m)| match m {
            Payload::Text(t) => (0..BURST).find(|i| *t == burst_message(*i)),
            Payload::Binary(_) => None,
        })
        .collect();
    if burst == (0..BURST).collect::<Vec<_>>() {
        return Ok(Outcome::Pass);
    }
    Ok(Outcome::fail(
        format!("the {BURST} messages of the burst delivered in order within {} s", BURST_DELIVERED.as_secs()),
        format!(
            "the target delivered burst messages {burst:?}; {}; the path: {}",
            call.summary,
            call.path.as_deref().unwrap_or("perfect")
        ),
    ))
}
