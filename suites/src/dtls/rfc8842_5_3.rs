//! RFC 8842 §5.3: the answerer takes the DTLS role its answer announced (`active`: it sends the
//! ClientHello). Who sent the ClientHello is read from the wire.

use super::kit::*;
use crate::live::*;
use rtcspec_harness::peer::sdp_attribute;
use rtcspec_harness::peer::view::Side;
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

const ANSWER: &str = "When an answerer sends an answer, the answerer MUST insert in the \
    answer an SDP \"setup\" attribute according to the procedures in \
    [RFC4145] ... If a new DTLS association is to be established, and if \
    the answerer inserts an SDP \"setup\" attribute with an \"active\" \
    attribute value in the answer, the answerer MUST initiate a DTLS \
    handshake [RFC6347] by sending a DTLS ClientHello message towards the \
    offerer.";

pub const CASES: &[Case] = &[Case::new(
    "dtls.8842.5.3.answerer-takes-announced-role",
    "The target's answer says active or passive, and the target takes that \
            DTLS role",
    Spec::must("RFC 8842", "5.3", ANSWER),
    PEER,
    answerer_takes_announced_role,
)];

fn answerer_takes_announced_role(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read(ctx, Offerer::Harness)?;
    let client = match sdp_attribute(&call.target_sdp, "setup") {
        Some("active") => Side::Target,
        Some("passive") => Side::Harness,
        other => {
            return Ok(Outcome::fail(
                "a=setup:active or a=setup:passive in the answer",
                other.map_or("no a=setup".to_string(), |v| format!("a=setup:{v}")),
            ))
        }
    };
    let role = if client == Side::Target {
        "active: the target sends the ClientHello"
    } else {
        "passive: only the harness sends a ClientHello"
    };
    Ok(hellos_agree(&call, client, &format!("the role the answer announced, {role}")))
}
