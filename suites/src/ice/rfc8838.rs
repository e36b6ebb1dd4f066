//! RFC 8838 (Trickle ICE): candidates that come after the description. The harness is an ICE
//! lite agent (it sends no checks of its own, so only the target's checks can find a path)
//! that offers `a=ice-options:trickle` and no candidate at all, then trickles its one host
//! candidate through the shim's `peer.candidate`.
//!
//! §8: while it expects candidates, the target keeps its checklist running, so a candidate
//! trickled a second after the description is still paired and checked, and the call comes
//! up. §14: once it has the end-of-candidates indication, it ignores candidates that come
//! after: it sends no check to the harness's candidate trickled after the end. That case
//! first makes the §8 call as its control (a target that does not take trickled candidates
//! at all has nothing to show there: an Error).

use std::time::Duration;

use rtcspec_harness::peer::{Call, CallError, ChannelSpec, PeerEvent, PeerOptions, RemotePeer};
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};
use rtcspec_wire::demux::{classify, Protocol};

use crate::live::*;

const RUNNING: &str = "Therefore, a Trickle ICE agent MUST keep each checklist in the \
    Running state as long as it expects candidate pairs to be \
    incrementally added to the checklist.";

const AFTER_END: &str = "After an agent has received an end-of-candidates indication, it MUST \
    ignore any newly received candidates for that data stream or data \
    session.";

pub const CASES: &[Case] = &[
    Case::new(
        "ice.8838.8.trickled-candidate-checked",
        "The harness (lite) offers no candidate and trickles its only one a \
            second later: the target checks it and the call comes up",
        Spec::must("RFC 8838", "8", RUNNING),
        PEER,
        trickled_candidate_checked,
    ),
    Case::new(
        "ice.8838.14.candidate-after-end-ignored",
        "A candidate trickled after end-of-candidates is ignored: the target \
            sends it no check",
        Spec::must("RFC 8838", "14", AFTER_END),
        PEER,
        candidate_after_end_ignored,
    ),
];

/// How long after the description the harness trickles its candidate.
const TRICKLE_AFTER: Duration = Duration::from_secs(1);

/// How long the target has to check a candidate trickled after the end (it would check a
/// fresh pair within a few Ta ticks of 50 ms).
const WATCH_AFTER_END: Duration = Duration::from_secs(3);

/// The harness's description without candidates and with the trickle ICE option.
fn without_candidates(sdp: &str) -> String {
    let eol = if sdp.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::new();
    for line in sdp.split_inclusive('\n') {
        let bare = line.trim_end();
        if bare.starts_with("a=candidate:") || bare == "a=end-of-candidates" || bare.starts_with("a=ice-options:") {
            continue;
        }
        out.push_str(line);
        if bare.starts_with("a=ice-pwd:") {
            out.push_str(&format!("a=ice-options:trickle{eol}"));
        }
    }
    out
}

/// What one trickled call showed: whether the channel opened, and how many connectivity
/// checks the target sent to the harness's candidate.
struct Trickled {
    opened: bool,
    checks: usize,
    summary: String,
}

/// The target answers the harness's candidate-less lite offer; after [`TRICKLE_AFTER`] the
/// harness trickles its candidate and the end of candidates, in that order or (`end_first`)
/// the other. Runs until the channel opens or `watch` passes.
fn trickled_call(peer: &mut dyn RemotePeer, end_first: bool, watch: Duration) -> Result<(Call<'_>, Trickled), Outcome> {
    let options = PeerOptions { ice_lite: true, ..PeerOptions::default() };
    let mut call = Call::start_with(peer, "answerer", options).map_err(Outcome::from)?;
    call.rewrite_harness_sdp = Some(without_candidates);
    let channel = ChannelSpec::reliable("rtcspec");
    let ran = (|| {
        call.negotiate_harness_offering(&channel)?;
        call.run_for(TRICKLE_AFTER)?;
        let local = call.harness.local_description().unwrap_or_default();
        let candidate = local
            .lines()
            .filter_map(|l| l.trim_end().strip_prefix("a="))
            .find(|c| c.starts_with("candidate:"))
            .ok_or_else(|| CallError::Harness("the harness's description has no candidate".into()))?
            .to_string();
        let mid = rtcspec_harness::peer::sdp_attribute(&local, "mid").unwrap_or("0").to_string();
        let order = if end_first { ["", &candidate] } else { [&candidate, ""] };
        for c in order {
            call.trickle_to_target(c, &mid)?;
        }
        let opened = |e: &PeerEvent| matches!(e, PeerEvent::ChannelOpen(c) if c.label == channel.label);
        match call.wait_target("the data channel open", watch, opened) {
            Ok(_) | Err(CallError::Timeout(_)) => Ok(()),
            Err(e) => Err(e),
        }
    })();
    if let Err(e @ (CallError::Target(_) | CallError::Harness(_))) = &ran {
        return Err(Outcome::from(e.clone()));
    }
    let local = call.harness.local_addr();
    let checks = call
        .harness
        .datagrams()
        .iter()
        .filter(|d| d.from != local && d.to == local && classify(&d.bytes) == Protocol::Stun)
        .count();
    let opened = call.target_events.iter().any(|e| matches!(e, PeerEvent::ChannelOpen(c) if c.label == channel.label));
    let summary = match ran {
        Ok(()) => format!(
            "the target sent {checks} STUN message(s) to the harness's trickled \
                candidate"
        ),
        Err(e) => format!("{e}; the target sent {checks} STUN message(s) to the harness"),
    };
    Ok((call, Trickled { opened, checks, summary }))
}

fn trickled_candidate_checked(ctx: &mut Ctx) -> Verdict {
    let mut peer = ctx.take_peer()?;
    let (mut call, seen) = trickled_call(peer.as_mut(), false, CONNECT)?;
    ctx.keep_call(&mut call);
    Ok(if seen.opened {
        Outcome::Pass
    } else {
        Outcome::fail(
            format!(
                "the target checks the candidate {} trickled {} s after the \
                    description, and the call comes up",
                call.harness.local_addr(),
                TRICKLE_AFTER.as_secs()
            ),
            seen.summary,
        )
    })
}

fn candidate_after_end_ignored(ctx: &mut Ctx) -> Verdict {
    let mut peer = ctx.take_peer()?;
    let control = {
        let (mut call, seen) = trickled_call(peer.as_mut(), false, CONNECT)?;
        ctx.keep_call(&mut call);
        seen
    };
    if !control.opened {
        return Err(Outcome::Error {
            why: format!(
                "control: a candidate trickled before end-of-candidates did not bring \
                    the call up ({}), nothing to judge",
                control.summary
            ),
        });
    }
    let (mut call, seen) = trickled_call(peer.as_mut(), true, WATCH_AFTER_END)?;
    ctx.keep_call(&mut call);
    Ok(if seen.checks == 0 {
        Outcome::Pass
    } else {
        Outcome::fail(
            format!("no check to the candidate {} trickled after end-of-candidates", call.harness.local_addr()),
            format!("{}{}", seen.summary, if seen.opened { "; the call came up on it" } else { "" }),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offer_loses_its_candidates_and_says_trickle() {
        let sdp = "v=0\r\na=ice-ufrag:abcd\r\na=ice-pwd:0123456789012345678901\r\na=ice-options:ice2\r\na=candidate:1 \
            1 udp 2130706431 127.0.0.1 5000 typ \
            host\r\na=end-of-candidates\r\na=mid:0\r\n";
        assert_eq!(
            without_candidates(sdp),
            "v=0\r\na=ice-ufrag:abcd\r\na=ice-pwd:0123456789012345678901\r\na=ice-options:trickle\r\na=mid:0\r\n"
        );
    }
}
