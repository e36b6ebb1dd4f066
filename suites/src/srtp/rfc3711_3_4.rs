//! RFC 3711 §3.4: SRTCP is processed as SRTP (§3.3): a packet whose tag does not verify is
//! discarded. The harness, which sends no RTCP of its own in this call, sends the target two
//! Sender Reports protected with its exported keys: a valid one and one with a broken tag,
//! each with its own NTP timestamp (or the second not protected at all). The LSR field of the target's report blocks
//! (RFC 3550
//! §6.4.1) tells which one it took in.

use std::time::Duration;

use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

use super::kit::*;
use crate::live::*;

const DISCARD: &str = "Secure RTCP follows the definition of Secure RTP. ... If the result \
    is \"AUTHENTICATION FAILURE\" (see Section 4.2), the packet MUST be \
    discarded from further processing and the event MAY be logged.";

const UNENCRYPTED: &str = "SRTCP decryption is performed as in Section 4, but only if the E flag \
    is equal to 1. ... In case the E-flag is 0, the payload is simply \
    left unmodified. ... Message authentication for RTCP is REQUIRED, as \
    it is the control protocol (e.g., it has a BYE packet) for RTP.";

/// The one SRTP profile the unencrypted case offers: its SRTCP tag is 80 bits after the index.
const AES_CM_128_HMAC_SHA1_80: &[u16] = &[0x0001];

const INDEX: &str = "The SRTCP index MUST be set to zero before the first SRTCP packet is \
    sent, and MUST be incremented by one, modulo 2^31, after each SRTCP \
    packet is sent.";

pub const CASES: &[Case] = &[
    Case::new(
        "srtp.3711.3.4.bad-tag-srtcp-discarded",
        "An SRTCP Sender Report whose tag does not verify is discarded: the \
            target's reports never name it as the last SR",
        Spec::must("RFC 3711", "3.4", DISCARD),
        PEER,
        bad_tag_srtcp_discarded,
    )
    .tags(SECURITY),
    Case::new(
        "srtp.3711.3.4.unencrypted-bad-tag-srtcp-discarded",
        "An SRTCP Sender Report marked unencrypted (E flag 0) whose tag does \
            not verify is discarded: unencrypted SRTCP is still authenticated",
        Spec::must("RFC 3711", "3.4", UNENCRYPTED),
        PEER,
        unencrypted_bad_tag_discarded,
    )
    .tags(SECURITY),
    Case::new(
        "srtp.3711.3.4.plain-rtcp-discarded",
        "A plain (unprotected) RTCP Sender Report is discarded: the target's \
            reports never name it as the last SR",
        Spec::must("RFC 3711", "3.4", DISCARD),
        PEER,
        plain_rtcp_discarded,
    )
    .tags(SECURITY),
    Case::new(
        "srtp.3711.3.4.srtcp-index-increments-by-one",
        "The target's SRTCP index goes up by exactly one from each packet to \
                the next",
        Spec::must("RFC 3711", "3.4", INDEX),
        PEER,
        srtcp_index_counts,
    )
    .time_bound(TWO_REPORTS_BOUND),
];

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
            why: format!(
                "fewer than two SRTCP packets from any SSRC in {secs} s of audio: \
                    nothing to compare"
            ),
        });
    }
    Ok(Outcome::Pass)
}

/// How long the harness's audio goes on for the target's second SRTCP packet. RFC 3550 §6.2
/// spaces reports at least 5 s apart on average (each interval drawn from 0.5 to 1.5 times
/// it), and a stack that reports on a fixed 5 s timer (str0m) may send its first only 5 s
/// in: within 15 s both have come.
const TWO_REPORTS_WITHIN: Duration = Duration::from_secs(15);
