//! rtcspec-harness: the engine of rtcspec, a conformance and fuzzing suite for WebRTC
//! protocol implementations. Case model, runner, targets, reports; the suites live in
//! `rtcspec-suites`.

pub mod capture;
pub mod case;
pub mod ctx;
pub mod driver;
pub mod fuzz;
pub mod net;
pub mod peer;
pub mod report;
pub mod requirements;
pub mod runner;
pub mod sdp;
pub mod seed;
pub mod stun;

pub use case::{check, Capability, Case, Level, Outcome, OutcomeKind, Spec, Verdict};
pub use ctx::Ctx;
