//! RFC 8842 §5.4: the offerer takes the role the answer leaves it: as DTLS server it waits for
//! the answerer's ClientHello, as DTLS client it sends its own.

use super::kit::*;
use crate::live::*;
use rtcspec_harness::peer::view::Side;
use rtcspec_harness::peer::PeerOptions;
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

const OFFERER: &str = "When an offerer receives an answer that establishes a new DTLS \
    association based on criteria defined in Section 3.1, if the offerer \
    becomes DTLS client (based on the value of the SDP \"setup\" \
    attribute value [RFC4145]), the offerer MUST establish a DTLS \
    association. If the offerer becomes DTLS server, it MUST wait for the \
    answerer to establish the DTLS association.";

pub const CASES: &[Case] = &[
    Case::new(
        "dtls.8842.5.4.offerer-server-waits",
        "Answered with a=setup:active, the offering target is the DTLS server: \
            it answers the ClientHello and sends none",
        Spec::must("RFC 8842", "5.4", OFFERER),
        PEER,
        offerer_server_waits,
    ),
    Case::new(
        "dtls.8842.5.4.offerer-client-establishes",
        "Answered with a=setup:passive, the offering target is the DTLS \
            client: it sends the ClientHello",
        Spec::must("RFC 8842", "5.4", OFFERER),
        PEER,
        offerer_client_establishes,
    ),
];

fn offerer_client_establishes(ctx: &mut Ctx) -> Verdict {
    let options = PeerOptions { answer_as_dtls_server: true, ..PeerOptions::default() };
    let call = call_and_read_as(ctx, Offerer::Target, None, options)?;
    Ok(hellos_agree(&call, Side::Target, "the target sends the ClientHello and the harness (passive) none"))
}

fn offerer_server_waits(ctx: &mut Ctx) -> Verdict {
    // The reference answers a=setup:active by default.
    let call = call_and_read(ctx, Offerer::Target)?;
    let outcome = hellos_agree(&call, Side::Harness, "the target waits for the harness's ClientHello and sends none");
    if outcome != Outcome::Pass || call.view.server_hellos_from(Side::Target) > 0 {
        return Ok(outcome);
    }
    Ok(Outcome::fail(
        "a ServerHello from the target in answer to the harness's ClientHello",
        format!("no ServerHello; {}", call.summary),
    ))
}
