//! RFC 3711 §3.4: SRTCP is processed as SRTP (§3.3): a packet whose tag does not verify is
//! discarded. The harness, which sends no RTCP of its own in this call, sends the target two
//! Sender Reports protected with its exported keys: a valid one and one with a broken tag,
//! each with its own NTP timestamp (or the second not protected at all). The LSR field of the target's report blocks (RFC 3550
//! §6.4.1) tells which one it took in.

use rtcspec_harness::peer::forge::srtcp_protected;
use rtcspec_harness::peer::view::{Media, Side, WireView};
use rtcspec_harness::peer::{Call, CallError, ChannelSpec, PeerOptions};
use rtcspec_harness::{Case, Ctx, Outcome, Verdict};

use super::rfc3711_3_3::{reports_on_harness_audio, HARNESS_SSRC, WARM_UP};
use crate::live::*;
use crate::sctp::rfc8832_6::wait_for_late_chunks;

const DISCARD: &str = "Secure RTCP follows the definition of Secure RTP. ... If the result is \"AUTHENTICATION FAILURE\" (see Section 4.2), the packet MUST be discarded from further processing and the event MAY be logged.";

/// The NTP fraction of both SRs; their seconds are now (the control) and a second later
/// (the forged one), so LSR (the middle 32 bits) tells them apart.
const FRACTION: u32 = 0x4353_0000;
/// Seconds from the NTP epoch (1900) to the Unix epoch.
const NTP_UNIX_OFFSET: u64 = 2_208_988_800;

fn ntp_now() -> (u32, u32) {
    let unix = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    ((unix + NTP_UNIX_OFFSET) as u32, FRACTION)
}

fn a_second_later((seconds, fraction): (u32, u32)) -> (u32, u32) {
    (seconds.wrapping_add(1), fraction)
}

const UNENCRYPTED: &str = "SRTCP decryption is performed as in Section 4, but only if the E flag is equal to 1. ... In case the E-flag is 0, the payload is simply left unmodified. ... Message authentication for RTCP is REQUIRED, as it is the control protocol (e.g., it has a BYE packet) for RTP.";

/// The one SRTP profile the unencrypted case offers: its SRTCP tag is 80 bits after the index.
const AES_CM_128_HMAC_SHA1_80: &[u16] = &[0x0001];

pub const CASES: &[Case] = &[
    case(
        ("srtp.3711.3.4.bad-tag-srtcp-discarded", "srtp"),
        "An SRTCP Sender Report whose tag does not verify is discarded: the target's reports never name it as the last SR",
        ("RFC 3711", "3.4"),
        DISCARD,
        SECURITY,
        bad_tag_srtcp_discarded,
    ),
    case(
        ("srtp.3711.3.4.unencrypted-bad-tag-srtcp-discarded", "srtp"),
        "An SRTCP Sender Report marked unencrypted (E flag 0) whose tag does not verify is discarded: unencrypted SRTCP is still authenticated",
        ("RFC 3711", "3.4"),
        UNENCRYPTED,
        SECURITY,
        unencrypted_bad_tag_discarded,
    ),
    case(
        ("srtp.3711.3.4.plain-rtcp-discarded", "srtp"),
        "A plain (unprotected) RTCP Sender Report is discarded: the target's reports never name it as the last SR",
        ("RFC 3711", "3.4"),
        DISCARD,
        SECURITY,
        plain_rtcp_discarded,
    ),
];

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

fn middle((seconds, fraction): (u32, u32)) -> u32 {
    (seconds << 16) | (fraction >> 16)
}

/// A compound RTCP packet from the harness's audio SSRC: an SR with `ntp` and no report
/// blocks, then SDES with a CNAME (RFC 3550 §6.1).
fn sender_report((seconds, fraction): (u32, u32)) -> Vec<u8> {
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

fn forge_reports(call: &mut Call<'_>, channel: &ChannelSpec, spoil: Spoil) -> Result<(), CallError> {
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

fn bad_tag_srtcp_discarded(ctx: &mut Ctx) -> Verdict {
    forged_sr_not_named(
        ctx,
        |call, channel| forge_reports(call, channel, Spoil::BrokenTag),
        "the SR with the broken tag",
    )
}

fn unencrypted_bad_tag_discarded(ctx: &mut Ctx) -> Verdict {
    forged_sr_not_named_with(
        ctx,
        AES_CM_128_HMAC_SHA1_80,
        |call, channel| forge_reports(call, channel, Spoil::UnencryptedBadTag),
        "the SR marked unencrypted with a wrong tag",
    )
}

fn plain_rtcp_discarded(ctx: &mut Ctx) -> Verdict {
    forged_sr_not_named(ctx, |call, channel| forge_reports(call, channel, Spoil::Plain), "the plain SR")
}

pub fn reflected_srtcp_then(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    forge_reports(call, channel, Spoil::Reflected)
}

fn valid_sr_then(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
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
    let expected = format!("LSR {control:#010x} (the valid SR), never {forged:#010x} (the forged one)");
    Ok(if seen.contains(&forged) {
        Outcome::fail(expected, format!("LSR values {seen:08x?}: {what} was taken in"))
    } else if seen.contains(&control) {
        Outcome::Pass
    } else {
        return Err(Outcome::Error {
            why: format!(
                "no report names the valid SR (LSR values {seen:08x?}), so the forged one says nothing; {}",
                call.summary
            ),
        });
    })
}

/// A call in which the harness sends SRs by hand (`then`): the call, the LSR values of the
/// target's reports on the harness's SSRC, and the LSR of the harness's valid SR. An Error
/// unless the harness's SRs on the wire authenticate as `checks` says, in order.
fn reports_after(
    ctx: &mut Ctx,
    profiles: &'static [u16],
    then: OnceEstablished,
    checks: &[Option<bool>],
) -> Result<(LiveCall, Vec<u32>, u32), Outcome> {
    let options = PeerOptions { audio: true, no_rtcp: true, srtp_profiles: profiles, ..PeerOptions::default() };
    let setup = Setup { options, then: Some(then), until_connected: true, ..Setup::new(Offerer::Harness) };
    let call = call_and_read_setup(ctx, setup)?;
    super::rfc3711_3_3::profile_in(&call, profiles)?;
    let own: Vec<&Media> = call.view.srtcp_from(Side::Harness).collect();
    let authenticated: Vec<Option<bool>> = own.iter().map(|m| m.authenticated).collect();
    if authenticated != checks {
        return Err(Outcome::Error {
            why: format!("the harness's SRs do not check as meant: {authenticated:?}, not {checks:?}"),
        });
    }
    // The valid SR's timestamp, as the harness sent it (decrypted on the wire).
    let Some(control_ntp) = own[0].plain.as_ref().and_then(|p| rtcspec_wire::rtp::sender_report_ntp(p)) else {
        return Err(Outcome::Error { why: "the harness's valid SR does not decrypt".into() });
    };
    let seen: Vec<u32> = reports_on_harness_audio(&call.view).map(|b| b.last_sr).collect();
    Ok((call, seen, middle(control_ntp)))
}
