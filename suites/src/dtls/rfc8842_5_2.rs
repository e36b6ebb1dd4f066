//! RFC 8842 §5.2–§5.4: the DTLS roles the descriptions set. The offerer offers `actpass`;
//! the answerer picks `active` or `passive` and acts on it; the offerer takes the other
//! role. Who sent the ClientHello is read from the wire.

use rtcspec_harness::peer::sdp_attribute;
use rtcspec_harness::peer::view::Side;
use rtcspec_harness::peer::view::WireView;
use rtcspec_harness::peer::{Call, CallError, ChannelSpec, PeerEvent, PeerOptions};
use rtcspec_harness::{Case, Ctx, Outcome, Verdict};

use crate::live::*;

const OFFER: &str = "When an offerer sends the initial offer, the offerer MUST insert an SDP \"setup\" attribute [RFC4145] with an \"actpass\" attribute value, as well as one or more SDP \"fingerprint\" attributes according to the procedures in [RFC8122].";
const ANSWER: &str = "When an answerer sends an answer, the answerer MUST insert in the answer an SDP \"setup\" attribute according to the procedures in [RFC4145] ... If a new DTLS association is to be established, and if the answerer inserts an SDP \"setup\" attribute with an \"active\" attribute value in the answer, the answerer MUST initiate a DTLS handshake [RFC6347] by sending a DTLS ClientHello message towards the offerer.";
const CONSISTENT: &str = "The role value in the answer MUST be \"active\" or \"passive\". When the offer contains the \"actpass\" value, as will always be the case with JSEP endpoints, the answerer SHOULD use the \"active\" role. Offers from non-JSEP endpoints MAY send other values for \"a=setup\", in which case the answer MUST use a value consistent with the value in the offer.";
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
    case(
        ("dtls.9429.5.3.1.answer-to-active-offer-is-passive", "dtls"),
        "Offered a=setup:active (a non-JSEP offerer), the target answers a=setup:passive and takes the server role",
        ("RFC 9429", "5.3.1"),
        CONSISTENT,
        &[],
        answer_to_active_offer,
    ),
];

/// The harness's offer with `a=setup:active`, as a non-JSEP offerer may send (RFC 8842 §5.3:
/// the answerer must accept it).
fn offer_active(sdp: &str) -> String {
    sdp.replace("a=setup:actpass", "a=setup:active")
}

fn answer_to_active_offer(ctx: &mut Ctx) -> Verdict {
    // The answer is judged as soon as it comes: a target that answers `active` too makes a
    // call in which both sides wait for the other, and waiting for it to fail says nothing more.
    let mut peer = ctx.take_peer()?;
    let mut call = Call::start(peer.as_mut(), "answerer").map_err(CallError::outcome)?;
    call.rewrite_harness_sdp = Some(offer_active);
    let negotiated = call.negotiate_harness_offering(&ChannelSpec::reliable("rtcspec"));
    let answer = call.answer.clone().unwrap_or_default();
    let expected = "a=setup:passive: the offerer said it initiates, so the answerer waits";
    let wrong = match (&negotiated, sdp_attribute(&answer, "setup")) {
        (Err(_), _) | (_, Some("passive")) => None,
        (_, Some(other)) => Some(format!("a=setup:{other}")),
        (_, None) => Some("no a=setup".into()),
    };
    if wrong.is_none() && negotiated.is_ok() {
        // Passive as it said: the harness must be the one to send the ClientHello.
        let up = |e: &PeerEvent| matches!(e, PeerEvent::ConnectionState(s) if s == "connected");
        let _ = call.wait_harness("DTLS connected", CONNECT, up);
    }
    let keylog = ctx.keep_call(&mut call);
    negotiated.map_err(CallError::outcome)?;
    if let Some(actual) = wrong {
        return Ok(Outcome::fail(expected, actual));
    }
    let view = WireView::read(call.harness.datagrams(), call.harness.local_addr(), &keylog);
    let summary = "the target answered a=setup:passive".to_string();
    let live = LiveCall {
        view,
        summary,
        target_states: Vec::new(),
        target_sdp: answer,
        messages: Vec::new(),
        rtp_taken: Vec::new(),
        from_target: Vec::new(),
        to_target: Vec::new(),
        keylog: Vec::new(),
        path: None,
        target_addr: None,
        established: true,
        target_closed: Vec::new(),
        refused: None,
    };
    Ok(hellos_agree(&live, Side::Harness, "the target, passive, sends no ClientHello"))
}

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
