//! RFC 9429 §5.3.1 (JSEP createAnswer), as the DTLS suite judges it: the answer to an offer of
//! `a=setup:active` is `passive`.

use super::kit::*;
use crate::live::*;
use rtcspec_harness::peer::sdp_attribute;
use rtcspec_harness::peer::view::Side;
use rtcspec_harness::peer::view::WireView;
use rtcspec_harness::peer::{Call, ChannelSpec, PeerEvent};
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

const CONSISTENT: &str = "The role value in the answer MUST be \"active\" or \"passive\". When \
    the offer contains the \"actpass\" value, as will always be the case \
    with JSEP endpoints, the answerer SHOULD use the \"active\" role. \
    Offers from non-JSEP endpoints MAY send other values for \"a=setup\", \
    in which case the answer MUST use a value consistent with the value \
    in the offer.";

pub const CASES: &[Case] = &[Case::new(
    "dtls.9429.5.3.1.answer-to-active-offer-is-passive",
    "Offered a=setup:active (a non-JSEP offerer), the target answers \
            a=setup:passive and takes the server role",
    Spec::must("RFC 9429", "5.3.1", CONSISTENT),
    PEER,
    answer_to_active_offer,
)];

fn answer_to_active_offer(ctx: &mut Ctx) -> Verdict {
    // The answer is judged as soon as it comes: a target that answers `active` too makes a
    // call in which both sides wait for the other, and waiting for it to fail says nothing more.
    let mut peer = ctx.take_peer()?;
    let mut call = Call::start(peer.as_mut(), "answerer").map_err(Outcome::from)?;
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
    negotiated.map_err(Outcome::from)?;
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

/// The harness's offer with `a=setup:active`, as a non-JSEP offerer may send (RFC 8842 §5.3:
/// the answerer must accept it).
fn offer_active(sdp: &str) -> String {
    sdp.replace("a=setup:actpass", "a=setup:active")
}
