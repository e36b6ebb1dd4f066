//! RFC 6347 §4.1.2.7: an invalid record is silently discarded, and the association
//! preserved. The record here is the one an off-path attacker can send without any key: an
//! epoch-1 alert whose tag cannot verify, its first two bytes (where AES-GCM's explicit nonce
//! goes, chosen by the sender) those of a plaintext close_notify. A stack that reads them
//! before authenticating the record lets anyone who can spoof a UDP datagram close its
//! connection. Discarding is a SHOULD, so a failure is reported NonStrict.

use rtcspec_harness::case::Spec;
use rtcspec_harness::peer::forge::RecordForge;
use rtcspec_harness::peer::{Call, CallError, ChannelSpec};
use rtcspec_harness::{Case, Ctx, Outcome, Verdict};
use rtcspec_wire::dtls::{RawRecord, ALERT};

use super::kit::alerts::{alert_then_message, call_after_alert, AFTER, ANSWER_WITHIN, CLOSE_NOTIFY};
use crate::live::*;

const DISCARD: &str = "In general, invalid records SHOULD be silently discarded, thus \
    preserving the association; however, an error MAY be logged for \
    diagnostic purposes.";

/// AES-GCM's explicit nonce (8 bytes), a 2-byte ciphertext and a 16-byte tag: the size of a
/// real epoch-1 alert.
const PROTECTED_ALERT: usize = 8 + 2 + 16;

pub const CASES: &[Case] = &[Case::new(
    "dtls.6347.4.1.2.7.unauthenticated-close-notify-discarded",
    "An epoch-1 alert record that does not authenticate, starting with a \
            plaintext close_notify's bytes, leaves the association up: a later \
            message is delivered",
    Spec::should("RFC 6347", "4.1.2.7", DISCARD),
    PEER,
    unauthenticated_close_notify_discarded,
)
.tags(SECURITY)];

/// An epoch-1 alert record no key made: the close_notify's two bytes, then zeros.
fn unauthenticated_close_notify(forge: &mut RecordForge) -> Result<RawRecord, String> {
    let mut fragment = CLOSE_NOTIFY.to_vec();
    fragment.resize(PROTECTED_ALERT, 0);
    Ok(RawRecord { epoch: 1, ..forge.plain(ALERT, &fragment) })
}

fn unauthenticated_close_then_message(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    alert_then_message(call, channel, unauthenticated_close_notify)
}

fn unauthenticated_close_notify_discarded(ctx: &mut Ctx) -> Verdict {
    let (call, _) = call_after_alert(ctx, unauthenticated_close_then_message)?;
    if call.delivered(AFTER) {
        return Ok(Outcome::Pass);
    }
    let states = if call.target_states.is_empty() { "none".to_string() } else { call.target_states.join(", ") };
    Ok(Outcome::NonStrict {
        why: format!(
            "expected the record discarded and the association kept; got the \
                message sent {} s after it, in a valid record, not delivered (the \
                target's connection states: {states})",
            ANSWER_WITHIN.as_secs()
        ),
    })
}
