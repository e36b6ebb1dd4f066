//! What the SRTP cases share: the harness's audio and the SRTP and SRTCP packets it forges
//! in the call's session (it holds the keys, from its key log), and how a target's receiver
//! reports (RFC 3550 §6.4) tell whether it took a packet in. Case files hold only cases;
//! everything two of them use is here.

use rtcspec_harness::peer::forge::srtcp_protected;
use rtcspec_harness::peer::view::{Media, ReportBlock, Side, WireView};
use rtcspec_harness::peer::{Call, CallError, ChannelSpec, PeerOptions};
use rtcspec_harness::{Ctx, Outcome, Verdict};
use rtcspec_wire::demux::{classify, Protocol};
use rtcspec_wire::rtp::{self, RtpHeader};

use crate::live::*;

/// The SSRC of the harness's audio (`HarnessPeer::add_audio`).
pub const HARNESS_SSRC: u32 = 0x5254_4353;

/// Sequence number steps ahead of the harness's last packet: the valid control, then the
/// packet with the broken tag, each the next in sequence. A receiver's statistics take them
/// as they come: libwebrtc's (Chromium's) treat a jump of more than a few packets as a
/// possible restart and count nothing until a second packet confirms it, so the 1000 and
/// 2000 used before left its reports silent on both.
pub const CONTROL_AHEAD: u16 = 1;

pub const FORGED_AHEAD: u16 = 2;

/// The report blocks about the harness's audio (its SSRC) in the target's SRTCP, in order.
pub fn reports_on_harness_audio(view: &WireView) -> impl Iterator<Item = ReportBlock> + '_ {
    view.srtcp_from(Side::Target).flat_map(Media::report_blocks).filter(|b| b.ssrc == HARNESS_SSRC)
}

/// Packets of real audio first, so the target has a valid source (RFC 3550 A.1 probation).
pub const WARM_UP: usize = 5;

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

pub fn broken_tag(call: &Call<'_>, ahead: u16) -> Result<Vec<u8>, String> {
    let mut packet = packet_ahead(call, ahead, Some(Side::Harness))?;
    if let Some(tag) = packet.last_mut() {
        *tag ^= 0x01;
    }
    Ok(packet)
}

pub fn unprotected(call: &Call<'_>, ahead: u16) -> Result<Vec<u8>, String> {
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
    let expected = format!(
        "reports that count the control (sequence {control}) and never the \
            forged packet ({forged})"
    );
    match highest {
        Some(h) if h >= forged => Ok(Outcome::fail(
            expected,
            format!(
                "a report of highest sequence {h}: {what} was \
            taken in"
            ),
        )),
        Some(h) if h >= control => Ok(Outcome::Pass),
        other => Err(Outcome::Error {
            why: format!(
                "no report counts the harness's valid control packet (highest \
                    reported: {other:?}), so the forged one says nothing; {}",
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
                "the target selected no SRTP profile of {profiles:04x?} (selected: \
                    {other:04x?}); {}",
                call.summary
            ),
        }),
    }
}

/// The NTP fraction of both SRs; their seconds are now (the control) and a second later
/// (the forged one), so LSR (the middle 32 bits) tells them apart.
pub const FRACTION: u32 = 0x4353_0000;

/// Seconds from the NTP epoch (1900) to the Unix epoch.
pub const NTP_UNIX_OFFSET: u64 = 2_208_988_800;

pub fn ntp_now() -> (u32, u32) {
    let unix = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    ((unix + NTP_UNIX_OFFSET) as u32, FRACTION)
}

pub fn a_second_later((seconds, fraction): (u32, u32)) -> (u32, u32) {
    (seconds.wrapping_add(1), fraction)
}

/// How the second of the harness's two SRs is spoiled.
#[derive(Clone, Copy)]
pub enum Spoil {
    /// Protected with the harness's keys, the last byte of its tag changed.
    BrokenTag,
    /// Not protected at all.
    Plain,
    /// Protected with the target's own sending keys (a reflected packet).
    Reflected,
    /// Not sent: the harness sends the valid SR only.
    Withheld,
    /// Sent in the clear as SRTCP that says so (E flag 0, the next index) with a tag that
    /// is not its HMAC: a receiver that reads the E flag and skips authentication takes it.
    UnencryptedBadTag,
}

pub fn middle((seconds, fraction): (u32, u32)) -> u32 {
    (seconds << 16) | (fraction >> 16)
}

/// A compound RTCP packet from the harness's audio SSRC: an SR with `ntp` and no report
/// blocks, then SDES with a CNAME (RFC 3550 §6.1).
pub fn sender_report((seconds, fraction): (u32, u32)) -> Vec<u8> {
    let mut p = vec![0x80, 200, 0, 6];
    for word in [HARNESS_SSRC, seconds, fraction, 0, 0, 0] {
        p.extend_from_slice(&word.to_be_bytes());
    }
    let cname = b"rtcspec";
    let mut sdes = vec![0x81, 202, 0, 0];
    sdes.extend_from_slice(&HARNESS_SSRC.to_be_bytes());
    sdes.extend_from_slice(&[1, cname.len() as u8]);
    sdes.extend_from_slice(cname);
    sdes.push(0);
    sdes.resize(sdes.len().div_ceil(4) * 4, 0);
    let words = (sdes.len() / 4 - 1) as u16;
    sdes[2..4].copy_from_slice(&words.to_be_bytes());
    p.extend_from_slice(&sdes);
    p
}

pub fn forge_reports(call: &mut Call<'_>, channel: &ChannelSpec, spoil: Spoil) -> Result<(), CallError> {
    for _ in 0..WARM_UP {
        call.harness.send_audio().map_err(CallError::Harness)?;
        call.run_for(PACKET_EVERY)?;
    }
    let to = call.target_addr().ok_or_else(|| CallError::Harness("the target has sent nothing".into()))?;
    let keylog = call.harness.keylog().lines();
    let view = WireView::read(call.harness.datagrams(), call.harness.local_addr(), &keylog);
    let now = ntp_now();
    let reports = [sender_report(now), sender_report(a_second_later(now))];
    let [control, mut forged] =
        <[Vec<u8>; 2]>::try_from(srtcp_protected(&view, &keylog, Side::Harness, &reports).map_err(CallError::Harness)?)
            .map_err(|_| CallError::Harness("two SRs in, not two out".into()))?;
    match spoil {
        Spoil::BrokenTag => {
            if let Some(tag) = forged.last_mut() {
                *tag ^= 0x01;
            }
        }
        Spoil::Plain => forged = reports[1].clone(),
        Spoil::Reflected => {
            forged =
                srtcp_protected(&view, &keylog, Side::Target, &reports[1..]).map_err(CallError::Harness)?.swap_remove(0)
        }
        Spoil::Withheld => forged.clear(),
        Spoil::UnencryptedBadTag => {
            // The control went out with SRTCP index 1 (a fresh context), so 2 is new.
            forged = reports[1].clone();
            forged.extend_from_slice(&2u32.to_be_bytes());
            forged.extend_from_slice(&[0xa5; 10]);
        }
    }
    call.harness.inject(to, &control).map_err(CallError::Harness)?;
    if !forged.is_empty() {
        call.harness.inject(to, &forged).map_err(CallError::Harness)?;
    }
    // Audio on, so the target keeps a report block for the harness's SSRC, until its first
    // report after the two SRs.
    until_next_target_rtcp(call, true)?;
    wait_for_late_chunks(call, channel)
}

pub fn bad_tag_srtcp_then(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    forge_reports(call, channel, Spoil::BrokenTag)
}

pub fn reflected_srtcp_then(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    forge_reports(call, channel, Spoil::Reflected)
}

pub fn valid_sr_then(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    forge_reports(call, channel, Spoil::Withheld)
}

/// The harness sends only a valid SR; Pass when the target's reports name it as the last SR
/// (the target decrypted the harness's SRTCP with the harness's exported keys).
pub fn valid_sr_named(ctx: &mut Ctx) -> Verdict {
    let (call, seen, control) = reports_after(ctx, PeerOptions::default().srtp_profiles, valid_sr_then, &[Some(true)])?;
    let expected = format!("a report whose LSR is {control:#010x}, the harness's SR");
    Ok(if seen.contains(&control) {
        Outcome::Pass
    } else {
        Outcome::fail(expected, format!("LSR values {seen:08x?}: the SR was not taken in; {}", call.summary))
    })
}

/// The harness sends a valid SR and a spoiled one (`then`); Pass when the target's reports
/// name the valid one as the last SR and never the spoiled one (`what`).
pub fn forged_sr_not_named(ctx: &mut Ctx, then: OnceEstablished, what: &str) -> Verdict {
    forged_sr_not_named_with(ctx, PeerOptions::default().srtp_profiles, then, what)
}

/// The same, the harness offering only the SRTP protection `profiles`.
pub fn forged_sr_not_named_with(ctx: &mut Ctx, profiles: &'static [u16], then: OnceEstablished, what: &str) -> Verdict {
    let (call, seen, control) = reports_after(ctx, profiles, then, &[Some(true), Some(false)])?;
    // The spoiled SR's timestamp is the valid one's a second later.
    let forged = control.wrapping_add(1 << 16);
    let expected = format!(
        "LSR {control:#010x} (the valid SR), never {forged:#010x} (the forged \
            one)"
    );
    Ok(if seen.contains(&forged) {
        Outcome::fail(expected, format!("LSR values {seen:08x?}: {what} was taken in"))
    } else if seen.contains(&control) {
        Outcome::Pass
    } else {
        return Err(Outcome::Error {
            why: format!(
                "no report names the valid SR (LSR values {seen:08x?}), so the forged \
                    one says nothing; {}",
                call.summary
            ),
        });
    })
}

/// A call in which the harness sends SRs by hand (`then`): the call, the LSR values of the
/// target's reports on the harness's SSRC, and the LSR of the harness's valid SR. An Error
/// unless the harness's SRs on the wire authenticate as `checks` says, in order.
pub fn reports_after(
    ctx: &mut Ctx,
    profiles: &'static [u16],
    then: OnceEstablished,
    checks: &[Option<bool>],
) -> Result<(LiveCall, Vec<u32>, u32), Outcome> {
    let options = PeerOptions { audio: true, no_rtcp: true, srtp_profiles: profiles, ..PeerOptions::default() };
    let setup = Setup { options, then: Some(then), until_connected: true, ..Setup::new(Offerer::Harness) };
    let call = call_and_read_setup(ctx, setup)?;
    profile_in(&call, profiles)?;
    let own: Vec<&Media> = call.view.srtcp_from(Side::Harness).collect();
    let authenticated: Vec<Option<bool>> = own.iter().map(|m| m.authenticated).collect();
    if authenticated != checks {
        return Err(Outcome::Error {
            why: format!(
                "the harness's SRs do not check as meant: {authenticated:?}, not \
                    {checks:?}"
            ),
        });
    }
    // The valid SR's timestamp, as the harness sent it (decrypted on the wire).
    let Some(control_ntp) = own[0].plain.as_ref().and_then(|p| rtcspec_wire::rtp::sender_report_ntp(p)) else {
        return Err(Outcome::Error { why: "the harness's valid SR does not decrypt".into() });
    };
    let seen: Vec<u32> = reports_on_harness_audio(&call.view).map(|b| b.last_sr).collect();
    Ok((call, seen, middle(control_ntp)))
}

/// The next packet, protected with the target's keys.
pub fn reflected(call: &rtcspec_harness::peer::Call<'_>, ahead: u16) -> Result<Vec<u8>, String> {
    packet_ahead(call, ahead, Some(Side::Target))
}

pub fn reflected_srtp_then(
    call: &mut rtcspec_harness::peer::Call<'_>,
    _: &rtcspec_harness::peer::ChannelSpec,
) -> Result<(), rtcspec_harness::peer::CallError> {
    forge_audio(call, reflected)
}

/// A call with audio from the harness, read after [`AUDIO_FOR`] of it, and the target's SRTCP
/// (perhaps none).
pub fn call_with_audio(ctx: &mut Ctx, then: OnceEstablished) -> Result<(LiveCall, Vec<Media>), Outcome> {
    let options = PeerOptions { audio: true, ..PeerOptions::default() };
    let setup = Setup { options, then: Some(then), until_connected: true, ..Setup::new(Offerer::Harness) };
    let call = call_and_read_setup(ctx, setup)?;
    let own: Vec<_> = call.view.media.iter().filter(|m| m.from == Side::Harness && !m.rtcp).collect();
    if own.is_empty() {
        return Err(Outcome::Error { why: format!("the harness sent no audio (not negotiated?); {}", call.summary) });
    }
    // The harness's own packets are the control: if they do not authenticate, the keys are
    // not derived right, and nothing about the target can be said.
    if own.iter().any(|m| m.authenticated != Some(true)) {
        return Err(Outcome::Error {
            why: format!("the harness's own SRTP does not check with the exported keys: {:?}", own[0].authenticated),
        });
    }
    let srtcp: Vec<Media> = call.view.srtcp_from(Side::Target).cloned().collect();
    Ok((call, srtcp))
}

/// The same, for cases about the target's SRTCP: an Error when there is none to judge.
pub fn target_srtcp(ctx: &mut Ctx, then: OnceEstablished) -> Result<(LiveCall, Vec<Media>), Outcome> {
    let (call, srtcp) = call_with_audio(ctx, then)?;
    if srtcp.is_empty() {
        let ms = AUDIO_FOR.as_millis();
        return Err(Outcome::Error { why: format!("the target sent no SRTCP in {ms} ms of audio; {}", call.summary) });
    }
    Ok((call, srtcp))
}
