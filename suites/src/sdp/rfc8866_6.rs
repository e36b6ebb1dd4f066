//! RFC 8866 §6: SDP attributes: a well-formed a=rtpmap (§6.6), and a media section without a
//! direction attribute taken as sendrecv (§6.7).

use super::kit::*;
use rtcspec_harness::{Case, Ctx, Spec, Verdict};

pub const CASES: &[Case] = &[
    Case::new(
        "sdp.8866.6.7.no-direction-accepted",
        "An m= section without a direction attribute is accepted (sendrecv \
            assumed)",
        Spec::should(
            "RFC 8866",
            "6.7",
            "If none of the media direction attributes is present at either \
            session level or media level, \"a=sendrecv\" SHOULD be assumed as the \
            default.",
        ),
        SDP,
        no_direction_accepted,
    ),
    Case::new(
        "sdp.9429.5.8.2.rtpmap-malformed-rejected",
        "An a=rtpmap without a \
        clock rate is rejected",
        Spec::must(
            "RFC 8866",
            "6.6",
            "rtpmap-value = payload-type SP encoding-name \"/\" clock-rate [ \"/\" \
                encoding-params ]",
        ),
        SDP,
        rtpmap_rejected,
    )
    .covers(&["rfc9429-5.8.2-12"]),
];

fn no_direction_accepted(ctx: &mut Ctx) -> Verdict {
    control(ctx)?;
    let without = variant("a=sendrecv\r\na=msid:stream0 track0\r\n", "a=msid:stream0 track0\r\n");
    expect_accepted(ctx, &without, "the offer whose audio section has no direction attribute")
}

fn rtpmap_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(ctx, &variant("a=rtpmap:0 PCMU/8000", "a=rtpmap:0 PCMU"), "a=rtpmap:0 PCMU")
}
