//! RFC 5764 §4.2: both sides key SRTP from the DTLS exporter. The harness offers audio and
//! sends Opus; the target's SRTCP reports must authenticate with the target's exported keys
//! and report the harness's packets (so the target's keys for them are the harness's), and
//! SRTP or SRTCP protected with the target's own sending keys (reflected) is discarded.

use rtcspec_harness::peer::view::{Media, Side};
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

use super::kit::*;
use crate::live::*;

fn reflected_srtp_discarded(ctx: &mut Ctx) -> Verdict {
    forged_not_counted(ctx, |call, _| forge_audio(call, reflected), "the packet protected with the target's own keys")
}

fn reflected_srtcp_discarded(ctx: &mut Ctx) -> Verdict {
    forged_sr_not_named(ctx, reflected_srtcp_then, "the SR protected with the target's own keys")
}

const KEYS: &str = "The client_write_SRTP_master_key and client_write_SRTP_master_salt \
    are provided to one invocation of the SRTP key derivation function, \
    to generate the SRTP keys used to encrypt and authenticate packets \
    sent by the client. The server MUST only use these keys to decrypt \
    and to check the authenticity of inbound packets. The \
    server_write_SRTP_master_key and server_write_SRTP_master_salt are \
    provided to one invocation of the SRTP key derivation function, to \
    generate the SRTP keys used by the server to encrypt and authenticate \
    packets sent by the server. The client MUST only use these keys to \
    decrypt and to check the authenticity of inbound packets.";
// The reflected cases send the target a packet protected with its own keys: the same rule,
// for the direction a stack that keys both alike gets wrong.
// Every stack here starts its SRTCP index at 1, not 0: libsrtp (aiortc) and rtc-srtp
// increment before they stamp the first packet. The case judges the increment, which the
// RFC states without room for reading; the start is reported, not failed.

pub const CASES: &[Case] = &[
    Case::new(
        "srtp.5764.4.2.reflected-srtp-discarded",
        "An SRTP packet protected with the target's own sending keys \
            (reflected) is discarded: the target's reports never count it",
        Spec::must("RFC 5764", "4.2", KEYS),
        PEER,
        reflected_srtp_discarded,
    )
    .tags(SECURITY),
    Case::new(
        "srtp.5764.4.2.reflected-srtcp-discarded",
        "An SRTCP Sender Report protected with the target's own sending keys \
            (reflected) is discarded: its reports never name it",
        Spec::must("RFC 5764", "4.2", KEYS),
        PEER,
        reflected_srtcp_discarded,
    )
    .tags(SECURITY),
    Case::new(
        "srtp.5764.4.2.srtcp-authenticates",
        "The target's SRTCP packets authenticate with the target's keys from \
            the DTLS exporter",
        Spec::must("RFC 5764", "4.2", KEYS),
        PEER,
        srtcp_authenticates,
    )
    .tags(SECURITY),
    Case::new(
        "srtp.5764.4.2.harness-srtp-received",
        "The target decrypts the harness's SRTP with the harness's exported \
            keys: its reports count the harness's packets",
        Spec::must("RFC 5764", "4.2", KEYS),
        PEER,
        harness_srtp_received,
    )
    .tags(SECURITY),
    Case::new(
        "srtp.5764.4.2.harness-srtcp-received",
        "The target decrypts the harness's SRTCP with the harness's exported \
            keys: its reports name the harness's SR",
        Spec::must("RFC 5764", "4.2", KEYS),
        PEER,
        valid_sr_named,
    )
    .tags(SECURITY),
];

fn srtcp_authenticates(ctx: &mut Ctx) -> Verdict {
    // One SRTCP packet is enough to judge.
    let (_, srtcp) = target_srtcp(ctx, |call, _| send_audio_until(call, 1))?;
    let bad = srtcp.iter().filter(|m| m.authenticated != Some(true)).count();
    Ok(if bad == 0 {
        Outcome::Pass
    } else {
        Outcome::fail(
            "every SRTCP packet of the target authenticates with the keys exported \
                for the target's side",
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
            format!(
                "a report block for the harness's SSRC {HARNESS_SSRC:#010x} with \
                    packets received (the harness sent {sent})"
            ),
            match other {
                Some(_) => "a report block with highest sequence 0".to_string(),
                None if srtcp.is_empty() => format!(
                    "no SRTCP at all in {} ms of the harness's audio: no report of any \
                        packet taken in",
                    AUDIO_FOR.as_millis()
                ),
                None => format!("no report block for it in the target's {} SRTCP packet(s)", srtcp.len()),
            },
        ),
    })
}
