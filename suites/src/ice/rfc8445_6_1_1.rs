//! RFC 8445 §6.1.1: a full agent facing a lite one takes the controlling role.

use super::kit::*;
use crate::live::{Offerer, PEER};
use rtcspec_harness::peer::PeerOptions;
use rtcspec_harness::stun::*;
use rtcspec_harness::{Case, Ctx, Spec, Verdict};

const LITE_TEXT: &str = "One agent full, one lite: The full agent MUST take the controlling \
    role, and the lite agent MUST take the controlled role.";

pub const CASES: &[Case] = &[Case::new(
    "ice.8445.6.1.1.full-agent-controls-lite",
    "Answering an ICE lite offer, the target takes the controlling role",
    Spec::must("RFC 8445", "6.1.1", LITE_TEXT),
    PEER,
    full_agent_controls_lite,
)];

fn full_agent_controls_lite(ctx: &mut Ctx) -> Verdict {
    let seen = target_checks(ctx, Offerer::Harness, PeerOptions { ice_lite: true, ..PeerOptions::default() })?;
    Ok(role_attribute(&seen, ICE_CONTROLLING))
}
