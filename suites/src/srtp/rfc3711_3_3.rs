//! RFC 3711 §3.3: an SRTP packet whose authentication tag does not verify is discarded.
//! The harness holds the call's SRTP keys (the DTLS exporter's, from its key log), so it can
//! send the target an SRTP packet that is right in every way but its tag, or the same
//! packet not protected at all. The target's
//! receiver reports (RFC 3550 §6.4) show whether it took the packet in: the highest sequence
//! number they report.

use rtcspec_harness::{Case, Ctx, Spec, Verdict};

use super::kit::*;
use crate::live::*;

const DISCARD: &str = "If the result is \"AUTHENTICATION FAILURE\" (see Section 4.2), the \
    packet MUST be discarded from further processing and the event MAY be \
    logged.";

pub const CASES: &[Case] = &[
    Case::new(
        "srtp.3711.3.3.bad-tag-discarded",
        "An SRTP packet whose authentication tag does not verify is discarded: \
            the target's reports never count it",
        Spec::must("RFC 3711", "3.3", DISCARD),
        PEER,
        bad_tag_discarded,
    )
    .tags(SECURITY),
    Case::new(
        "srtp.3711.3.3.plain-rtp-discarded",
        "A plain (unprotected) RTP packet on the call's SRTP session is \
            discarded: the target's reports never count it",
        Spec::must("RFC 3711", "3.3", DISCARD),
        PEER,
        plain_rtp_discarded,
    )
    .tags(SECURITY),
];

fn bad_tag_discarded(ctx: &mut Ctx) -> Verdict {
    forged_not_counted(ctx, |call, _| forge_audio(call, broken_tag), "the packet with the broken tag")
}

fn plain_rtp_discarded(ctx: &mut Ctx) -> Verdict {
    forged_not_counted(ctx, |call, _| forge_audio(call, unprotected), "the plain RTP packet")
}
