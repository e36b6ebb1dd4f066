//! RFC 8842 §5.2–§5.4: the DTLS roles the descriptions set. The offerer offers `actpass`;
//! the answerer picks `active` or `passive` and acts on it; the offerer takes the other
//! role. Who sent the ClientHello is read from the wire.

use rtcspec_harness::peer::sdp_attribute;
use rtcspec_harness::peer::wire::Side;
use rtcspec_harness::peer::PeerOptions;
use rtcspec_harness::{Case, Ctx, Outcome, Verdict};

use crate::live::*;

const OFFER: &str = "When an offerer sends the initial offer, the offerer MUST insert an SDP \"setup\" attribute [RFC4145] with an \"actpass\" attribute value, as well as one or more SDP \"fingerprint\" attributes according to the procedures in [RFC8122].";
const ANSWER: &str = "When an answerer sends an answer, the answerer MUST insert in the answer an SDP \"setup\" attribute according to the procedures in [RFC4145] ... If a new DTLS association is to be established, and if the answerer inserts an SDP \"setup\" attribute with an \"active\" attribute value in the answer, the answerer MUST initiate a DTLS handshake [RFC6347] by sending a DTLS ClientHello message towards the offerer.";
const OFFERER: &str = "When an offerer receives an answer that establishes a new DTLS association based on criteria defined in Section 3.1, if the offerer becomes DTLS client (based on the value of the SDP \"setup\" attribute value [RFC4145]), the offerer MUST establish a DTLS association. If the offerer becomes DTLS server, it MUST wait for the answerer to establish the DTLS association.";

pub const CASES: &[Case] = &[
    case(
        ("dtls.8842.5.2.offer-actpass", "dtls"),
        "The target's offer carries a=setup:actpass",
        ("RFC 8842", "5.2"),
        OFFER,
        &[],
        offer_actpass,
    ),
    case(
        ("dtls.8842.5.3.answerer-takes-announced-role", "dtls"),
        "The target's answer says active or passive, and the target takes that DTLS role",
        ("RFC 8842", "5.3"),
        ANSWER,
        &[],
        answerer_takes_announced_role,
    ),
    case(
        ("dtls.8842.5.4.offerer-server-waits", "dtls"),
        "Answered with a=setup:active, the offering target is the DTLS server: it answers the ClientHello and sends none",
        ("RFC 8842", "5.4"),
        OFFERER,
        &[],
        offerer_server_waits,
    ),
    case(
        ("dtls.8842.5.4.offerer-client-establishes", "dtls"),
        "Answered with a=setup:passive, the offering target is the DTLS client: it sends the ClientHello",
        ("RFC 8842", "5.4"),
        OFFERER,
        &[],
        offerer_client_establishes,
    ),
];

fn offer_actpass(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read(ctx, Offerer::Target)?;
    Ok(match sdp_attribute(&call.target_sdp, "setup") {
        Some("actpass") => Outcome::Pass,
        Some(other) => Outcome::fail("a=setup:actpass in the offer", format!("a=setup:{other}")),
        None => Outcome::fail("a=setup:actpass in the offer", "no a=setup"),
    })
}

/// Judges who sent ClientHellos against who should have: `client` is the side that must be
/// the DTLS client.
fn hellos_agree(call: &LiveCall, client: Side, expected: &str) -> Outcome {
    let server = if client == Side::Target { Side::Harness } else { Side::Target };
    let (from_client, from_server) = (call.view.client_hellos_from(client), call.view.client_hellos_from(server));
    let describe = |side: Side| if side == Side::Target { "the target" } else { "the harness" };
    if from_client > 0 && from_server == 0 {
        return Outcome::Pass;
    }
    Outcome::fail(
        expected,
        format!(
            "{} sent {from_client} ClientHello(s) and {} sent {from_server}; {}",
            describe(client),
            describe(server),
            call.summary
        ),
    )
}

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

fn offerer_client_establishes(ctx: &mut Ctx) -> Verdict {
    let options = PeerOptions { answer_as_dtls_server: true, ..PeerOptions::default() };
    let call = call_and_read_as(ctx, Offerer::Target, None, options)?;
    Ok(hellos_agree(&call, Side::Target, "the target sends the ClientHello and the harness (passive) none"))
}
