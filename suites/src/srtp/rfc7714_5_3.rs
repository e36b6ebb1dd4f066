//! RFC 7714 §5.3: with an AEAD protection profile (AES-GCM), a packet must pass AEAD
//! authentication before anything else happens to it; one whose tag is invalid is discarded.
//! The harness offers only AEAD_AES_128_GCM, then sends the forged packets of the RFC 3711
//! cases: an SRTP packet and an SRTCP Sender Report whose GCM tag is broken, a plain RTP
//! packet, and one protected with the target's own key and salt, each after a valid control. A target that does not
//! support the profile (a SHOULD of RFC 8827 §6.5) is
//! Unsupported here.

use rtcspec_harness::{Case, Ctx, Spec, Verdict};

use super::kit::*;
use crate::live::*;

const AEAD: &str = "AEAD requires that all incoming packets MUST pass AEAD authentication \
    before any other action takes place. Plaintext and Associated Data \
    MUST NOT be released until the AEAD authentication tag has been \
    validated. ... Should the AEAD tag prove to be invalid, the packet in \
    question is to be discarded and a Validation Error flag raised.";

/// The one profile the harness offers: SRTP_AEAD_AES_128_GCM (RFC 7714 §14.2).
const GCM_ONLY: &[u16] = &[rtcspec_wire::srtp::AEAD_AES_128_GCM];

pub const CASES: &[Case] = &[
    Case::new(
        "srtp.7714.5.3.bad-tag-aead-discarded",
        "With AEAD_AES_128_GCM, an SRTP packet whose GCM tag does not verify \
            is discarded: the target's reports never count it",
        Spec::must("RFC 7714", "5.3", AEAD),
        PEER,
        bad_tag_aead_discarded,
    )
    .tags(SECURITY),
    Case::new(
        "srtp.7714.5.3.bad-tag-aead-srtcp-discarded",
        "With AEAD_AES_128_GCM, an SRTCP Sender Report whose GCM tag does not \
            verify is discarded: no report names it",
        Spec::must("RFC 7714", "5.3", AEAD),
        PEER,
        bad_tag_aead_srtcp_discarded,
    )
    .tags(SECURITY),
    Case::new(
        "srtp.7714.5.3.plain-rtp-aead-discarded",
        "With AEAD_AES_128_GCM, a plain (unprotected) RTP packet is discarded: \
            the target's reports never count it",
        Spec::must("RFC 7714", "5.3", AEAD),
        PEER,
        plain_rtp_aead_discarded,
    )
    .tags(SECURITY),
    Case::new(
        "srtp.7714.5.3.reflected-srtp-aead-discarded",
        "With AEAD_AES_128_GCM, an SRTP packet protected with the target's own \
            sending key and salt (reflected) is discarded",
        Spec::must("RFC 7714", "5.3", AEAD),
        PEER,
        reflected_srtp_aead_discarded,
    )
    .tags(SECURITY),
];

fn reflected_srtp_aead_discarded(ctx: &mut Ctx) -> Verdict {
    forged_not_counted_with(ctx, GCM_ONLY, reflected_srtp_then, "the packet protected with the target's own keys")
}

fn plain_rtp_aead_discarded(ctx: &mut Ctx) -> Verdict {
    forged_not_counted_with(ctx, GCM_ONLY, plain_rtp_then, "the plain RTP packet")
}

fn bad_tag_aead_discarded(ctx: &mut Ctx) -> Verdict {
    forged_not_counted_with(ctx, GCM_ONLY, broken_tag_then, "the packet with the broken GCM tag")
}

fn bad_tag_aead_srtcp_discarded(ctx: &mut Ctx) -> Verdict {
    forged_sr_not_named_with(ctx, GCM_ONLY, bad_tag_srtcp_then, "the SR with the broken GCM tag")
}
