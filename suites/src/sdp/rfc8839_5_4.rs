//! RFC 8839 §5.4: ICE credentials in SDP: an ufrag up to 256 characters is kept, an ice-pwd with
//! a character outside ice-char is rejected.

use super::kit::*;
use rtcspec_harness::{Case, Ctx, Spec, Verdict};

pub const CASES: &[Case] = &[
    Case::new(
        "sdp.8839.5.4.long-ice-ufrag-kept",
        "\
        An ice-ufrag of 256 characters is accepted and kept",
        Spec::must(
            "RFC 8839",
            "5.4",
            "For compatibility with the 512-character limitation for the STUN \
                username attribute value and for bandwidth conservation \
                considerations, the \"ice-ufrag\" attribute MUST NOT be longer than \
                32 characters when sending, but an implementation MUST accept up to \
                256 characters when receiving.",
        ),
        SDP,
        long_ufrag_kept,
    )
    .covers(&["rfc8839-5.4-4", "rfc9429-5.8.2-6"]),
    Case::new(
        "sdp.9429.5.8.1.ice-pwd-bad-character-rejected",
        "An ice-pwd holding a \
        character outside ice-char is rejected",
        Spec::must("RFC 8839", "5.4", "ice-pwd-att = \"ice-pwd:\" password ... password = 22*256ice-char"),
        SDP,
        pwd_char_rejected,
    )
    .covers(&["rfc9429-5.8-1"]),
];

fn long_ufrag_kept(ctx: &mut Ctx) -> Verdict {
    expect_kept(ctx, &long_ufrag_offer(), "ice-ufrag")
}

fn pwd_char_rejected(ctx: &mut Ctx) -> Verdict {
    let bad = OFFER.replace("a=ice-pwd:2/1muCWoOi3uLifh0NuRHlch", "a=ice-pwd:2/1muCWoOi3uLifh0NuRHlc!");
    expect_rejected(ctx, &bad, "an ice-pwd ending in '!'")
}
