//! RFC 8842 §5.2: the offerer offers `a=setup:actpass`. (The answerer's role is §5.3's file,
//! the offerer's part after the answer §5.4's.)

use rtcspec_harness::peer::sdp_attribute;
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

use crate::live::*;

const OFFER: &str = "When an offerer sends the initial offer, the offerer MUST insert an \
    SDP \"setup\" attribute [RFC4145] with an \"actpass\" attribute \
    value, as well as one or more SDP \"fingerprint\" attributes \
    according to the procedures in [RFC8122].";

pub const CASES: &[Case] = &[Case::new(
    "dtls.8842.5.2.offer-actpass",
    "The target's offer carries a=setup:actpass",
    Spec::must("RFC 8842", "5.2", OFFER),
    PEER,
    offer_actpass,
)];

fn offer_actpass(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read(ctx, Offerer::Target)?;
    Ok(match sdp_attribute(&call.target_sdp, "setup") {
        Some("actpass") => Outcome::Pass,
        Some(other) => Outcome::fail("a=setup:actpass in the offer", format!("a=setup:{other}")),
        None => Outcome::fail("a=setup:actpass in the offer", "no a=setup"),
    })
}
