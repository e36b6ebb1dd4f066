//! RFC 3711 §3.3: an SRTP packet whose authentication tag does not verify is discarded.
//! The harness holds the call's SRTP keys (the DTLS exporter's, from its key log), so it can
//! send the target an SRTP packet that is right in every way but its tag, or the same
//! packet not protected at all. The target's
//! receiver reports (RFC 3550 §6.4) show whether it took the packet in: the highest sequence
//! number they report.

use rtcspec_harness::peer::view::{Media, ReportBlock, Side, WireView};
use rtcspec_harness::peer::{Call, CallError, PeerOptions};
use rtcspec_harness::{Case, Ctx, Outcome, Verdict};
use rtcspec_wire::demux::{classify, Protocol};
use rtcspec_wire::rtp::{self, RtpHeader};

use crate::live::*;

const DISCARD: &str = "If the result is \"AUTHENTICATION FAILURE\" (see Section 4.2), the packet MUST be discarded from further processing and the event MAY be logged.";

/// The SSRC of the harness's audio (`HarnessPeer::add_audio`).
pub const HARNESS_SSRC: u32 = 0x5254_4353;
/// Sequence number steps ahead of the harness's last packet: the valid control, then the
/// packet with the broken tag, each the next in sequence. A receiver's statistics take them
/// as they come: libwebrtc's (Chromium's) treat a jump of more than a few packets as a
/// possible restart and count nothing until a second packet confirms it, so the 1000 and
/// 2000 used before left its reports silent on both.
const CONTROL_AHEAD: u16 = 1;
const FORGED_AHEAD: u16 = 2;
/// The report blocks about the harness's audio (its SSRC) in the target's SRTCP, in order.
pub fn reports_on_harness_audio(view: &WireView) -> impl Iterator<Item = ReportBlock> + '_ {
    view.srtcp_from(Side::Target).flat_map(Media::report_blocks).filter(|b| b.ssrc == HARNESS_SSRC)
}

/// Packets of real audio first, so the target has a valid source (RFC 3550 A.1 probation).
pub const WARM_UP: usize = 5;

pub const CASES: &[Case] = &[
    case(
        ("srtp.3711.3.3.bad-tag-discarded", "srtp"),
        "An SRTP packet whose authentication tag does not verify is discarded: the target's reports never count it",
        ("RFC 3711", "3.3"),
        DISCARD,
        SECURITY,
        bad_tag_discarded,
    ),
    case(
        ("srtp.3711.3.3.plain-rtp-discarded", "srtp"),
        "A plain (unprotected) RTP packet on the call's SRTP session is discarded: the target's reports never count it",
        ("RFC 3711", "3.3"),
        DISCARD,
        SECURITY,
        plain_rtp_discarded,
    ),
];

/// The harness's last SRTP packet's header, with the sequence number `ahead` further and
/// the timestamp with it, around a one-byte Opus payload; protected with the keys `protect`
/// (`Side::Harness`: the harness's own, as a valid packet) or not at all.
pub fn packet_ahead(call: &Call<'_>, ahead: u16, protect: Option<Side>) -> Result<Vec<u8>, String> {
    let keylog = call.harness.keylog().lines();
    let local = call.harness.local_addr();
    let last = call
        .harness
        .datagrams()
        .iter()
        .rev()
        .find(|d| d.from == local && classify(&d.bytes) == Protocol::Rtp)
        .ok_or("the harness sent no SRTP")?;
    let len = rtp::header_len(&last.bytes).ok_or("a short RTP header")?;
    let header = RtpHeader::parse(&last.bytes).ok_or("a short RTP header")?;
    let seq = header.sequence.wrapping_add(ahead);
    let ts = header.timestamp.wrapping_add(960 * u32::from(ahead));
    let mut plain = RtpHeader::with_sequence_and_timestamp(&last.bytes[..len], seq, ts).ok_or("a short RTP header")?;
    plain.push(0x78);
    let Some(side) = protect else { return Ok(plain) };
    let view = WireView::read(call.harness.datagrams(), local, &keylog);
    let mut context = view.srtp_context(&keylog, side)?;
    let protected = context.encrypt_rtp(&plain).map_err(|e| format!("SRTP protect: {e}"))?;
    Ok(protected.to_vec())
}

/// What the harness sends after the control: its bad version of the next packet.
pub type Forgery = fn(&Call<'_>, u16) -> Result<Vec<u8>, String>;

fn broken_tag(call: &Call<'_>, ahead: u16) -> Result<Vec<u8>, String> {
    let mut packet = packet_ahead(call, ahead, Some(Side::Harness))?;
    if let Some(tag) = packet.last_mut() {
        *tag ^= 0x01;
    }
    Ok(packet)
}

fn unprotected(call: &Call<'_>, ahead: u16) -> Result<Vec<u8>, String> {
    packet_ahead(call, ahead, None)
}

pub fn forge_audio(call: &mut Call<'_>, forgery: Forgery) -> Result<(), CallError> {
    for _ in 0..WARM_UP {
        call.harness.send_audio().map_err(CallError::Harness)?;
        call.run_for(PACKET_EVERY)?;
    }
    let to = call.target_addr().ok_or_else(|| CallError::Harness("the target has sent nothing".into()))?;
    let control = packet_ahead(call, CONTROL_AHEAD, Some(Side::Harness)).map_err(CallError::Harness)?;
    let forged = forgery(call, FORGED_AHEAD).map_err(CallError::Harness)?;
    call.harness.inject(to, &control).map_err(CallError::Harness)?;
    call.harness.inject(to, &forged).map_err(CallError::Harness)?;
    // No more audio: later packets would pull the reported highest sequence back (A.1).
    until_next_target_rtcp(call, false)?;
    call.run_for(PACKET_EVERY)
}

pub fn plain_rtp_then(call: &mut Call<'_>, _: &rtcspec_harness::peer::ChannelSpec) -> Result<(), CallError> {
    forge_audio(call, unprotected)
}

pub fn broken_tag_then(call: &mut Call<'_>, _: &rtcspec_harness::peer::ChannelSpec) -> Result<(), CallError> {
    forge_audio(call, broken_tag)
}

fn bad_tag_discarded(ctx: &mut Ctx) -> Verdict {
    forged_not_counted(ctx, |call, _| forge_audio(call, broken_tag), "the packet with the broken tag")
}

fn plain_rtp_discarded(ctx: &mut Ctx) -> Verdict {
    forged_not_counted(ctx, |call, _| forge_audio(call, unprotected), "the plain RTP packet")
}

pub fn forged_not_counted(ctx: &mut Ctx, then: OnceEstablished, what: &str) -> Verdict {
    forged_not_counted_with(ctx, PeerOptions::default().srtp_profiles, then, what)
}

/// The same, the harness offering only the SRTP protection `profiles`; Unsupported when the
/// target selects none of them.
pub fn forged_not_counted_with(ctx: &mut Ctx, profiles: &'static [u16], then: OnceEstablished, what: &str) -> Verdict {
    let options = PeerOptions { audio: true, srtp_profiles: profiles, ..PeerOptions::default() };
    let setup = Setup { options, then: Some(then), until_connected: true, ..Setup::new(Offerer::Harness) };
    let call = call_and_read_setup(ctx, setup)?;
    profile_in(&call, profiles)?;
    let own: Vec<&Media> = call.view.media.iter().filter(|m| m.from == Side::Harness && !m.rtcp).collect();
    // The last two are the control and the forged packet; they must check (or not) with the
    // harness's keys, or the forging itself is wrong and nothing can be said.
    let [.., control, forged] = own[..] else {
        return Err(Outcome::Error { why: format!("the harness sent no audio (not negotiated?); {}", call.summary) });
    };
    if control.authenticated != Some(true) || forged.authenticated != Some(false) {
        return Err(Outcome::Error {
            why: format!(
                "the forged pair does not check as meant (control {:?}, forged {:?})",
                control.authenticated, forged.authenticated
            ),
        });
    }
    let highest = reports_on_harness_audio(&call.view).map(|b| b.highest & 0xffff).max();
    let (control, forged) = (u32::from(control.seq), u32::from(forged.seq));
    let expected =
        format!("reports that count the control (sequence {control}) and never the forged packet ({forged})");
    match highest {
        Some(h) if h >= forged => Ok(Outcome::fail(expected, format!("a report of highest sequence {h}: {what} was taken in"))),
        Some(h) if h >= control => Ok(Outcome::Pass),
        other => Err(Outcome::Error {
            why: format!(
                "no report counts the harness's valid control packet (highest reported: {other:?}), so the forged one says nothing; {}",
                call.summary
            ),
        }),
    }
}

/// Unsupported when the call's SRTP protection profile is not one of `profiles` (the target
/// supports none of those the harness offered); empty `profiles` (the defaults) ask nothing.
pub fn profile_in(call: &LiveCall, profiles: &[u16]) -> Result<(), Outcome> {
    match call.view.srtp_selected.as_ref().and_then(|(_, p)| p.first()) {
        _ if profiles.is_empty() => Ok(()),
        Some(p) if profiles.contains(p) => Ok(()),
        other => Err(Outcome::Unsupported {
            why: format!(
                "the target selected no SRTP profile of {profiles:04x?} (selected: {other:04x?}); {}",
                call.summary
            ),
        }),
    }
}
