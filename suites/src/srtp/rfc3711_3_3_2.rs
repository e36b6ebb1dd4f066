//! RFC 3711 §3.3.2: SRTP replay protection. A receiver keeps a replay list of the packet
//! indices it took in, over a sliding window of at least 64; a packet already in the list, or
//! behind the window, is discarded (§3.3 step 5), and one inside the window that it has not
//! had is taken in.
//!
//! The harness holds the call's SRTP keys, so it can send the target a packet it already
//! sent (the same bytes: a replay), or a valid packet that never came before with whatever
//! sequence number a case needs. The target reports every RTP packet it takes in past SRTP
//! (the shim protocol's `rtp` event), so a replay let through shows as a sequence number
//! reported twice. Receiver reports could not show it: a receiver may count each sequence
//! number once whatever SRTP let through.
//!
//! Replay protection itself is RECOMMENDED (§3.3.2), so a target that takes replays in is
//! reported NonStrict; a window under 64 breaks a MUST.

use std::time::Duration;

use rtcspec_harness::case::{Capability, Spec};
use rtcspec_harness::peer::view::Side;
use rtcspec_harness::peer::{Call, CallError, ChannelSpec, PeerEvent, PeerOptions};
use rtcspec_harness::{Case, Ctx, Outcome, Verdict};
use rtcspec_wire::demux::{classify, Protocol};
use rtcspec_wire::rtp::RtpHeader;

use super::kit::*;
use crate::live::*;

/// RECOMMENDED, so a failure is NonStrict.
const REPLAY_PROTECTION: &str = "It is RECOMMENDED to use replay protection, both for RTP and RTCP, as \
    integrity protection alone cannot assure security against replay \
    attacks. ... The receiver checks the index of an incoming packet \
    against the replay list and the window.  Only packets with index \
    ahead of the window, or, inside the window but not already received, \
    SHALL be accepted.";

const WINDOW_SIZE: &str = "Packet indices which lag behind the packet index in the context by \
    more than SRTP-WINDOW-SIZE can be assumed to have been received, \
    where SRTP-WINDOW-SIZE is a receiver-side, implementation-dependent \
    parameter and MUST be at least 64, but which MAY be set to a higher \
    value.";

/// What these cases count needs the target to report each RTP packet it takes in: a target
/// that cannot (a browser's API shows decoded audio only) is Unsupported, not judged.
const PEER_WITH_RTP_EVENTS: &[Capability] = &[Capability::Peer, Capability::RtpEvents];

pub const CASES: &[Case] = &[
    Case::new(
        "srtp.3711.3.3.2.replayed-packets-discarded",
        "Three SRTP packets the target already took in arrive again: it takes \
            none of them in twice",
        Spec::should("RFC 3711", "3.3.2", REPLAY_PROTECTION),
        PEER_WITH_RTP_EVENTS,
        replayed_packets_discarded,
    )
    .tags(SECURITY),
    Case::new(
        "srtp.3711.3.3.2.replay-behind-window-discarded",
        "An SRTP packet the target took in arrives again after the sequence \
            moved 1000 ahead, behind any replay window: it is not taken in twice",
        Spec::should("RFC 3711", "3.3.2", REPLAY_PROTECTION),
        PEER_WITH_RTP_EVENTS,
        replay_behind_window_discarded,
    )
    .tags(SECURITY),
    Case::new(
        "srtp.3711.3.3.2.late-packet-in-window-taken",
        "A valid SRTP packet that never came before arrives 63 behind the \
                highest: the target takes it in (its replay window is at least 64)",
        Spec::must("RFC 3711", "3.3.2", WINDOW_SIZE),
        PEER_WITH_RTP_EVENTS,
        late_packet_in_window_taken,
    ),
];

/// Audio packets before anything is replayed, so the target has a source and a window.
const WARM_UP: usize = 10;
/// How many of the last warm-up packets are sent again.
const REPLAYED: usize = 3;
/// How far ahead the sequence jumps before an old packet is replayed: behind the window of
/// every stack here (64 to 128), within RFC 3550 A.1's MAX_DROPOUT (3000) and far from half the
/// sequence space, so the packet's index is not taken for one after a wrap.
const JUMP: u16 = 1000;
/// How far behind the highest the late packet is: inside any window of at least 64.
const LATE_BY: u16 = 63;
/// How long the target has to report a packet it takes in.
const TAKEN_WITHIN: Duration = Duration::from_secs(2);

fn seq_of(packet: &[u8]) -> u16 {
    RtpHeader::parse(packet).map_or(0, |h| h.sequence)
}

/// The harness's own SRTP packets so far, as sent.
fn own_srtp(call: &Call<'_>) -> Vec<Vec<u8>> {
    let local = call.harness.local_addr();
    call.harness
        .datagrams()
        .iter()
        .filter(|d| d.from == local && classify(&d.bytes) == Protocol::Rtp && d.bytes.len() >= 12)
        .map(|d| d.bytes.clone())
        .collect()
}

/// Runs the call until the target reports taking in the harness's packet `seq`, or
/// [`TAKEN_WITHIN`] passes: a packet never taken in is for the case to judge.
fn wait_taken(call: &mut Call<'_>, seq: u16) -> Result<(), CallError> {
    let taken = |e: &PeerEvent| matches!(e, PeerEvent::Rtp { ssrc, seq: s } if *ssrc == HARNESS_SSRC && *s == seq);
    match call.wait_target(&format!("RTP sequence {seq} taken in"), TAKEN_WITHIN, taken) {
        Ok(_) | Err(CallError::Timeout(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Sends the warm-up audio and waits for the target to take its last packet in.
fn warm_up(call: &mut Call<'_>) -> Result<(), CallError> {
    for _ in 0..WARM_UP {
        call.harness.send_audio().map_err(CallError::Harness)?;
        call.run_for(PACKET_EVERY)?;
    }
    let last =
        own_srtp(call).last().map(|p| seq_of(p)).ok_or_else(|| CallError::Harness("no audio went out".into()))?;
    wait_taken(call, last)
}

/// Sends `packets` to the target in order (none is audio the harness's stack makes: its
/// later packets would be behind them), then waits for the last, the control, to be taken.
fn inject_then_control(call: &mut Call<'_>, packets: &[Vec<u8>]) -> Result<(), CallError> {
    let to = call.target_addr().ok_or_else(|| CallError::Harness("the target has sent nothing".into()))?;
    for p in packets {
        call.harness.inject(to, p).map_err(CallError::Harness)?;
    }
    let control = packets.last().map(|p| seq_of(p)).ok_or_else(|| CallError::Harness("nothing to send".into()))?;
    wait_taken(call, control)
}

fn ahead(call: &Call<'_>, by: u16) -> Result<Vec<u8>, CallError> {
    packet_ahead(call, by, Some(Side::Harness)).map_err(CallError::Harness)
}

/// The last [`REPLAYED`] warm-up packets again, then a fresh control.
fn replay_recent(call: &mut Call<'_>, _: &ChannelSpec) -> Result<(), CallError> {
    warm_up(call)?;
    let own = own_srtp(call);
    let mut packets = own[own.len().saturating_sub(REPLAYED)..].to_vec();
    packets.push(ahead(call, 1)?);
    inject_then_control(call, &packets)
}

/// A fresh packet [`JUMP`] ahead, then the first warm-up packets again, then a fresh control.
fn replay_behind_window(call: &mut Call<'_>, _: &ChannelSpec) -> Result<(), CallError> {
    warm_up(call)?;
    let own = own_srtp(call);
    let mut packets = vec![ahead(call, JUMP)?];
    packets.extend(own.iter().take(REPLAYED).cloned());
    packets.push(ahead(call, JUMP + 1)?);
    inject_then_control(call, &packets)
}

/// A fresh packet [`LATE_BY`] + 1 ahead, then the one just after the last warm-up packet
/// (never sent), then a fresh control.
fn late_in_window(call: &mut Call<'_>, _: &ChannelSpec) -> Result<(), CallError> {
    warm_up(call)?;
    let packets = [ahead(call, LATE_BY + 1)?, ahead(call, 1)?, ahead(call, LATE_BY + 2)?];
    inject_then_control(call, &packets)
}

/// A call with the harness's audio and `then`'s packets; the sequence numbers the harness
/// sent, in order, and the call.
fn audio_call(ctx: &mut Ctx, then: OnceEstablished) -> Result<(Vec<u16>, LiveCall), Outcome> {
    let options = PeerOptions { audio: true, ..PeerOptions::default() };
    let setup = Setup { options, then: Some(then), until_connected: true, ..Setup::new(Offerer::Harness) };
    let call = call_and_read_setup(ctx, setup)?;
    let sent: Vec<u16> = call
        .view
        .media
        .iter()
        .filter(|m| m.from == Side::Harness && !m.rtcp && m.ssrc == HARNESS_SSRC)
        .map(|m| m.seq)
        .collect();
    let Some(&control) = sent.last() else {
        return Err(Outcome::Error { why: format!("the harness sent no audio (not negotiated?); {}", call.summary) });
    };
    // Without the control taken in, nothing the target did not report says anything.
    if times_taken(&call, control) == 0 {
        return Err(Outcome::Error {
            why: format!(
                "the target did not report taking in the harness's valid control \
                    packet (sequence {control}; it reported {} RTP packets in all), so \
                    what it did not report says nothing. A shim reports each RTP packet \
                    it takes in with the event rtp (shims/PROTOCOL.md); {}",
                call.rtp_taken.len(),
                call.summary
            ),
        });
    }
    Ok((sent, call))
}

fn times_taken(call: &LiveCall, seq: u16) -> usize {
    call.rtp_taken.iter().filter(|(ssrc, s)| *ssrc == HARNESS_SSRC && *s == seq).count()
}

/// The harness's packets that went out twice were taken in once each.
fn replays_not_taken(call: &LiveCall, sent: &[u16]) -> Verdict {
    let mut replayed: Vec<u16> = sent.iter().copied().filter(|s| sent.iter().filter(|t| *t == s).count() > 1).collect();
    replayed.sort_unstable();
    replayed.dedup();
    if replayed.is_empty() {
        return Err(Outcome::Error { why: format!("the harness replayed no packet; {}", call.summary) });
    }
    let taken: Vec<(u16, usize)> = replayed.iter().map(|s| (*s, times_taken(call, *s))).collect();
    if let Some((seq, _)) = taken.iter().find(|(_, n)| *n == 0) {
        return Err(Outcome::Error {
            why: format!(
                "the target never reported taking in the original of sequence {seq}, \
                    so its replay says nothing; {}",
                call.summary
            ),
        });
    }
    let twice: Vec<String> = taken.iter().filter(|(_, n)| *n > 1).map(|(s, n)| format!("{s} ({n} times)")).collect();
    if twice.is_empty() {
        return Ok(Outcome::Pass);
    }
    // Replay protection is RECOMMENDED: a target without it breaks a SHOULD.
    Ok(Outcome::NonStrict {
        why: format!(
            "replayed packets taken in again (each of {replayed:?} should be taken \
                in once): sequence {}",
            twice.join(", ")
        ),
    })
}

fn replayed_packets_discarded(ctx: &mut Ctx) -> Verdict {
    let (sent, call) = audio_call(ctx, replay_recent)?;
    replays_not_taken(&call, &sent)
}

fn replay_behind_window_discarded(ctx: &mut Ctx) -> Verdict {
    let (sent, call) = audio_call(ctx, replay_behind_window)?;
    replays_not_taken(&call, &sent)
}

fn late_packet_in_window_taken(ctx: &mut Ctx) -> Verdict {
    let (sent, call) = audio_call(ctx, late_in_window)?;
    let [.., highest, late, _control] = sent[..] else {
        return Err(Outcome::Error { why: format!("the harness sent too little audio; {}", call.summary) });
    };
    if times_taken(&call, late) > 0 {
        return Ok(Outcome::Pass);
    }
    Ok(Outcome::fail(
        format!(
            "sequence {late}, never sent before and {LATE_BY} behind the highest \
                ({highest}), taken in"
        ),
        "the target took in the packets before and after it, not it: a replay \
            window under 64, or late packets dropped",
    ))
}
