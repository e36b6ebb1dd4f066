//! RFC 8445 §6.1.1: a full agent facing a lite one takes the controlling role.

use super::kit::*;
use crate::live::{case, Offerer};
use rtcspec_harness::peer::PeerOptions;
use rtcspec_harness::stun::*;
use rtcspec_harness::{Case, Ctx, Verdict};

const LITE_TEXT: &str = "One agent full, one lite: The full agent MUST take the controlling \
    role, and the lite agent MUST take the controlled role.";

pub const CASES: &[Case] = &[case(
    ("ice.8445.6.1.1.full-agent-controls-lite", "ice"),
    "Answering an ICE lite offer, the target takes the controlling role",
    ("RFC 8445", "6.1.1"),
    LITE_TEXT,
    &[],
    full_agent_controls_lite,
)];

fn full_agent_controls_lite(ctx: &mut Ctx) -> Verdict {
    let seen = target_checks(ctx, Offerer::Harness, PeerOptions { ice_lite: true, ..PeerOptions::default() })?;
    Ok(role_attribute(&seen, ICE_CONTROLLING))
}
