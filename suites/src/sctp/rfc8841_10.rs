//! RFC 8841 §10.2 and §10.3: the SDP of an SCTP-over-DTLS m= line, as the target offers and
//! answers it in a live call: `a=sctp-port` on both sides, and the answer's proto identical
//! to the offer's.

use rtcspec_harness::peer::sdp_attribute;
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

use crate::live::*;

const OFFER: &str = "When the offerer creates an initial offer, the offerer: ... MUST \
    associate an SDP \"sctp-port\" attribute with the \"m=\" line;";
const ANSWER: &str = "When the answerer receives an offer that contains an \"m=\" line \
    describing an SCTP-over-DTLS association, if the answerer accepts the \
    association, the answerer: MUST insert a corresponding \"m=\" line in \
    the answer, with an \"m=\" line proto value [RFC3264] identical to \
    the value in the offer; ... MUST associate an SDP \"sctp-port\" \
    attribute with the \"m=\" line.";

pub const CASES: &[Case] = &[
    Case::new(
        "sctp.8841.10.2.offer-sctp-port",
        "The target's offer carries a=sctp-port on its m=application line",
        Spec::must("RFC 8841", "10.2", OFFER),
        PEER,
        offer_sctp_port,
    ),
    Case::new(
        "sctp.8841.10.3.answer-sctp-port-and-proto",
        "The target's answer carries a=sctp-port and the offer's proto \
            (UDP/DTLS/SCTP)",
        Spec::must("RFC 8841", "10.3", ANSWER),
        PEER,
        answer_sctp_port,
    ),
];

/// The proto of the first m=application line.
fn application_proto(sdp: &str) -> Option<&str> {
    sdp.lines().find_map(|l| l.trim_end().strip_prefix("m=application ")?.split(' ').nth(1))
}

fn offer_sctp_port(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read(ctx, Offerer::Target)?;
    Ok(match sdp_attribute(&call.target_sdp, "sctp-port") {
        Some(port) if port.parse::<u16>().is_ok() => Outcome::Pass,
        Some(port) => Outcome::fail("a=sctp-port with a port number", format!("a=sctp-port:{port}")),
        None => Outcome::fail("a=sctp-port in the offer", "no a=sctp-port"),
    })
}

fn answer_sctp_port(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read(ctx, Offerer::Harness)?;
    let expected = "a=sctp-port, and m=application with proto UDP/DTLS/SCTP as offered";
    let (port, proto) = (sdp_attribute(&call.target_sdp, "sctp-port"), application_proto(&call.target_sdp));
    Ok(match (port, proto) {
        (Some(p), Some("UDP/DTLS/SCTP")) if p.parse::<u16>().is_ok() => Outcome::Pass,
        (port, proto) => Outcome::fail(expected, format!("a=sctp-port: {port:?}, proto: {proto:?}")),
    })
}
