//! RFC 3711 §3.3.1: the packet index is 2^16 * ROC + SEQ, and a receiver advances its
//! rollover counter (ROC) when the sequence number wraps. The harness's audio starts 50
//! packets (a second) short of 65535, so it crosses the wrap early in the call; its SRTP
//! after the wrap is protected with ROC 1. A receiver whose ROC stays 0 fails to
//! authenticate every packet after the wrap. The target's receiver reports (RFC 3550 §6.4.1,
//! the extended highest sequence number) show whether it took them in.

use rtcspec_harness::peer::view::{Media, Side};
use rtcspec_harness::peer::{Call, CallError, ChannelSpec, PeerOptions};
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

use super::kit::*;
use crate::live::*;

const ROC: &str = "After the packet has been processed and authenticated (when enabled \
    for SRTP packets for the session), the receiver MUST use v to \
    conditionally update its s_l and ROC variables as follows. ... If \
    v=(ROC+1) mod 2^32, then s_l is set to SEQ and ROC is set to v.";

pub const CASES: &[Case] = &[Case::new(
    "srtp.3711.3.3.1.rollover-counter-advances",
    "The harness's audio crosses a sequence number wrap: the target's \
        reports count the packets after it (its ROC advanced)",
    Spec::must("RFC 3711", "3.3.1", ROC),
    PEER,
    rollover_counter_advances,
)];

/// The harness's first audio sequence number: 50 packets (20 ms each) before the wrap.
const FIRST: u16 = u16::MAX - 49;
/// Packets after the wrap a report must count: past any reordering of the first few.
const PAST_WRAP: u32 = 10;

/// Whether a report block's extended highest sequence number counts packets past the wrap:
/// a cycle counted, or (from a receiver that counts no cycles, RFC 3550 §6.4.1's business,
/// not this case's) a 16-bit sequence number from after the wrap.
fn after_wrap(block_highest: u32) -> bool {
    block_highest >= 0x1_0000 + PAST_WRAP || (PAST_WRAP..u32::from(FIRST) / 2).contains(&(block_highest & 0xffff))
}

/// Sends audio past the wrap (twice [`PAST_WRAP`] packets after it), then on until the target
/// sends a report, which then covers packets after the wrap, or [`AUDIO_FOR`] passes.
fn audio_across_wrap(call: &mut Call<'_>, _: &ChannelSpec) -> Result<(), CallError> {
    let past_wrap = u32::from(u16::MAX - FIRST) + 1 + 2 * PAST_WRAP;
    for _ in 0..past_wrap {
        call.harness.send_audio().map_err(CallError::Harness)?;
        call.run_for(PACKET_EVERY)?;
    }
    until_next_target_rtcp(call, true)
}

fn rollover_counter_advances(ctx: &mut Ctx) -> Verdict {
    let options = PeerOptions { audio: true, audio_first_sequence: Some(FIRST), ..PeerOptions::default() };
    let setup = Setup { options, then: Some(audio_across_wrap), until_connected: true, ..Setup::new(Offerer::Harness) };
    let call = call_and_read_setup(ctx, setup)?;
    let own: Vec<&Media> = call.view.media.iter().filter(|m| m.from == Side::Harness && !m.rtcp).collect();
    let sent_after_wrap = own.iter().filter(|m| m.seq < FIRST).count();
    if sent_after_wrap < PAST_WRAP as usize || own.iter().any(|m| m.authenticated != Some(true)) {
        return Err(Outcome::Error {
            why: format!(
                "the harness's own audio did not cross the wrap as meant ({} packets, \
                    {sent_after_wrap} after the wrap, all authenticated: {}); {}",
                own.len(),
                own.iter().all(|m| m.authenticated == Some(true)),
                call.summary
            ),
        });
    }
    let highest: Vec<u32> = reports_on_harness_audio(&call.view).map(|b| b.highest).collect();
    if highest.iter().any(|h| after_wrap(*h)) {
        return Ok(Outcome::Pass);
    }
    let expected = format!(
        "a report counting packets after the wrap (the harness sent \
            {sent_after_wrap})"
    );
    Ok(match highest.iter().max() {
        Some(h) => Outcome::fail(expected, format!("the target's reports stop at extended highest sequence {h}")),
        None => {
            return Err(Outcome::Error {
                why: format!("the target sent no report of the harness's audio: nothing to judge; {}", call.summary),
            })
        }
    })
}
