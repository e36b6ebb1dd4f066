//! rtcspec-live: the live path. The harness's own peer (webrtc-rs sans-IO on a loopback
//! socket it owns), the stages a datagram passes between it and the target (impairment,
//! fragmenting, forging, recording, and the mutant's faults), live calls against a target's
//! peer, the recorded wire (pcapng) and the seeded randomness everything random draws from.
//!
//! Layer: above `rtcspec-wire` only. It knows nothing of cases, verdicts or reports: a call
//! fails with a [`CallError`](peer::CallError) or a [`TargetError`], and the engine above
//! decides what outcome that costs.

pub mod net;
pub mod peer;
pub mod seed;
mod target_error;

pub use target_error::TargetError;
