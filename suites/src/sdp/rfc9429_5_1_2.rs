//! RFC 9429 (JSEP) §5.1.2: a legacy DTLS/SCTP data section in an offer is answered.

use super::kit::answer::*;
use super::kit::variant;
use rtcspec_harness::Case;
use rtcspec_harness::{Ctx, Spec, Verdict};

pub const CASES: &[Case] = &[Case::new(
    "sdp.9429.5.1.2.legacy-dtls-sctp-answered",
    "A data section offered with the legacy proto DTLS/SCTP is answered \
                with DTLS/SCTP",
    Spec::must(
        "RFC 9429",
        "5.1.2",
        "For data \"m=\" sections, implementations MUST support receiving the \
                \"UDP/DTLS/SCTP\", \"TCP/DTLS/SCTP\", or \"DTLS/SCTP\" (for backwards \
                compatibility) profiles. [...] The profile in any \"m=\" line in any \
                generated answer MUST exactly match the profile provided in the offer.",
    ),
    ANSWERER,
    legacy_sctp_proto,
)
.covers(&["rfc9429-5.3.1-9", "rfc9429-5.3.1-28"])];

fn legacy_sctp_proto(ctx: &mut Ctx) -> Verdict {
    // The pre-RFC 8841 form browsers and aiortc still accept (draft-ietf-mmusic-sctp-sdp-05).
    let legacy = variant("m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "m=application 9 DTLS/SCTP 5000")
        .replacen("a=sctp-port:5000\r\n", "a=sctpmap:5000 webrtc-datachannel 1024\r\n", 1);
    let (_, answer) = accepted(ctx, &legacy)?;
    let data = &answer.sections[2];
    Ok(rtcspec_harness::check(data.proto == "DTLS/SCTP", "the data section answered with proto DTLS/SCTP", || {
        format!("m={} {} {} {}", data.media, data.port, data.proto, data.fmts.join(" "))
    }))
}
