//! RFC 5764 §4.2 and RFC 3711 §3.4: both sides key SRTP from the DTLS exporter. The harness
//! offers audio and sends Opus; the target's SRTCP reports must authenticate with the
//! target's exported keys, must report the harness's packets (so the target's keys for them
//! are the harness's), and must number themselves 0, 1, 2, ...

use std::time::Duration;

use rtcspec_harness::peer::view::{Media, Side};
use rtcspec_harness::peer::PeerOptions;
use rtcspec_harness::{Case, Ctx, Outcome, Verdict};

use super::rfc3711_3_3::{forge_audio, forged_not_counted, packet_ahead, HARNESS_SSRC};
use super::rfc3711_3_4::{forged_sr_not_named, reflected_srtcp_then, valid_sr_named};
use crate::live::*;

/// The next packet, protected with the target's keys.
fn reflected(call: &rtcspec_harness::peer::Call<'_>, ahead: u16) -> Result<Vec<u8>, String> {
    packet_ahead(call, ahead, Some(Side::Target))
}

pub fn reflected_srtp_then(
    call: &mut rtcspec_harness::peer::Call<'_>,
    _: &rtcspec_harness::peer::ChannelSpec,
) -> Result<(), rtcspec_harness::peer::CallError> {
    forge_audio(call, reflected)
}

fn reflected_srtp_discarded(ctx: &mut Ctx) -> Verdict {
    forged_not_counted(ctx, |call, _| forge_audio(call, reflected), "the packet protected with the target's own keys")
}

fn reflected_srtcp_discarded(ctx: &mut Ctx) -> Verdict {
    forged_sr_not_named(ctx, reflected_srtcp_then, "the SR protected with the target's own keys")
}

const KEYS: &str = "The client_write_SRTP_master_key and client_write_SRTP_master_salt are provided to one invocation of the SRTP key derivation function, to generate the SRTP keys used to encrypt and authenticate packets sent by the client. The server MUST only use these keys to decrypt and to check the authenticity of inbound packets. The server_write_SRTP_master_key and server_write_SRTP_master_salt are provided to one invocation of the SRTP key derivation function, to generate the SRTP keys used by the server to encrypt and authenticate packets sent by the server. The client MUST only use these keys to decrypt and to check the authenticity of inbound packets.";
const INDEX: &str = "The SRTCP index MUST be set to zero before the first SRTCP packet is sent, and MUST be incremented by one, modulo 2^31, after each SRTCP packet is sent.";
// The reflected cases send the target a packet protected with its own keys: the same rule,
// for the direction a stack that keys both alike gets wrong.
// Every stack here starts its SRTCP index at 1, not 0: libsrtp (aiortc) and rtc-srtp
// increment before they stamp the first packet. The case judges the increment, which the
// RFC states without room for reading; the start is reported, not failed.

pub const CASES: &[Case] = &[
    case(
        ("srtp.5764.4.2.reflected-srtp-discarded", "srtp"),
        "An SRTP packet protected with the target's own sending keys (reflected) is discarded: the target's reports never count it",
        ("RFC 5764", "4.2"),
        KEYS,
        SECURITY,
        reflected_srtp_discarded,
    ),
    case(
        ("srtp.5764.4.2.reflected-srtcp-discarded", "srtp"),
        "An SRTCP Sender Report protected with the target's own sending keys (reflected) is discarded: its reports never name it",
        ("RFC 5764", "4.2"),
        KEYS,
        SECURITY,
        reflected_srtcp_discarded,
    ),
    case(
        ("srtp.5764.4.2.srtcp-authenticates", "srtp"),
        "The target's SRTCP packets authenticate with the target's keys from the DTLS exporter",
        ("RFC 5764", "4.2"),
        KEYS,
        SECURITY,
        srtcp_authenticates,
    ),
    case(
        ("srtp.5764.4.2.harness-srtp-received", "srtp"),
        "The target decrypts the harness's SRTP with the harness's exported keys: its reports count the harness's packets",
        ("RFC 5764", "4.2"),
        KEYS,
        SECURITY,
        harness_srtp_received,
    ),
    case(
        ("srtp.5764.4.2.harness-srtcp-received", "srtp"),
        "The target decrypts the harness's SRTCP with the harness's exported keys: its reports name the harness's SR",
        ("RFC 5764", "4.2"),
        KEYS,
        SECURITY,
        valid_sr_named,
    ),
    Case {
        time_bound: Some(TWO_REPORTS_BOUND),
        ..case(
            ("srtp.3711.3.4.srtcp-index-increments-by-one", "srtp"),
            "The target's SRTCP index goes up by exactly one from each packet to the next",
            ("RFC 3711", "3.4"),
            INDEX,
            &[],
            srtcp_index_counts,
        )
    },
];

/// A call with audio from the harness, read after [`AUDIO_FOR`] of it, and the target's SRTCP
/// (perhaps none).
pub(super) fn call_with_audio(ctx: &mut Ctx, then: OnceEstablished) -> Result<(LiveCall, Vec<Media>), Outcome> {
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
fn target_srtcp(ctx: &mut Ctx, then: OnceEstablished) -> Result<(LiveCall, Vec<Media>), Outcome> {
    let (call, srtcp) = call_with_audio(ctx, then)?;
    if srtcp.is_empty() {
        let ms = AUDIO_FOR.as_millis();
        return Err(Outcome::Error { why: format!("the target sent no SRTCP in {ms} ms of audio; {}", call.summary) });
    }
    Ok((call, srtcp))
}

fn srtcp_authenticates(ctx: &mut Ctx) -> Verdict {
    // One SRTCP packet is enough to judge.
    let (_, srtcp) = target_srtcp(ctx, |call, _| send_audio_until(call, 1))?;
    let bad = srtcp.iter().filter(|m| m.authenticated != Some(true)).count();
    Ok(if bad == 0 {
        Outcome::Pass
    } else {
        Outcome::fail(
            "every SRTCP packet of the target authenticates with the keys exported for the target's side",
            format!("{bad} of {} do not", srtcp.len()),
        )
    })
}

fn harness_srtp_received(ctx: &mut Ctx) -> Verdict {
    // No report at all is judged too: RFC 3550 §6.2 has a receiver's first report out within
    // 3.75 s, and every stack here reports within a second of taking in a packet. A target
    // that took in none of the harness's SRTP has nothing to report.
    // Two reports: the first may have gone out before any of the harness's audio arrived.
    let (call, srtcp) = call_with_audio(ctx, |call, _| send_audio_until(call, 2))?;
    let sent = call.view.media.iter().filter(|m| m.from == Side::Harness && !m.rtcp).count();
    let highest =
        srtcp.iter().flat_map(Media::report_blocks).filter(|b| b.ssrc == HARNESS_SSRC).map(|b| b.highest).max();
    Ok(match highest {
        Some(h) if h > 0 => Outcome::Pass,
        other => Outcome::fail(
            format!("a report block for the harness's SSRC {HARNESS_SSRC:#010x} with packets received (the harness sent {sent})"),
            match other {
                Some(_) => "a report block with highest sequence 0".to_string(),
                None if srtcp.is_empty() => format!(
                    "no SRTCP at all in {} ms of the harness's audio: no report of any packet taken in",
                    AUDIO_FOR.as_millis()
                ),
                None => format!("no report block for it in the target's {} SRTCP packet(s)", srtcp.len()),
            },
        ),
    })
}

/// How long the harness's audio goes on for the target's second SRTCP packet. RFC 3550 §6.2
/// spaces reports at least 5 s apart on average (each interval drawn from 0.5 to 1.5 times
/// it), and a stack that reports on a fixed 5 s timer (str0m) may send its first only 5 s
/// in: within 15 s both have come.
const TWO_REPORTS_WITHIN: Duration = Duration::from_secs(15);
/// The case's own bound: the call coming up, then [`TWO_REPORTS_WITHIN`].
const TWO_REPORTS_BOUND: Duration = Duration::from_secs(20);

fn srtcp_index_counts(ctx: &mut Ctx) -> Verdict {
    // Two SRTCP packets are enough to see an increment.
    let (_, srtcp) = target_srtcp(ctx, |call, _| send_audio_within(call, 2, TWO_REPORTS_WITHIN))?;
    let mut by_ssrc: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
    for m in &srtcp {
        by_ssrc.entry(m.ssrc).or_default().push(m.index);
    }
    for (ssrc, indices) in &by_ssrc {
        if indices.windows(2).any(|w| w[1] != (w[0] + 1) & 0x7fff_ffff) {
            return Ok(Outcome::fail(
                format!("SRTCP indices that go up by one per packet for SSRC {ssrc:#010x}"),
                format!("{indices:?}"),
            ));
        }
    }
    if by_ssrc.values().all(|i| i.len() < 2) {
        let secs = TWO_REPORTS_WITHIN.as_secs();
        return Err(Outcome::Error {
            why: format!("fewer than two SRTCP packets from any SSRC in {secs} s of audio: nothing to compare"),
        });
    }
    Ok(Outcome::Pass)
}
