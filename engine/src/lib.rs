//! rtcspec-engine: the case model ([`case`]: Spec, Outcome, Verdict), the target interface
//! and every kind of target ([`driver`]: codecs in process, shims, servers, live peers, the
//! mutant), the runner that runs cases against a target, the context a case works with
//! ([`ctx`]), the requirement inventories, and the SDP and STUN models the cases and the
//! linter share.
//!
//! Layer: above `rtcspec-wire` (codecs) and `rtcspec-live` (the live path); capture replay
//! and the reports sit above it.

pub mod capability;
pub mod case;
pub mod ctx;
pub mod driver;
pub mod outcome;
pub mod requirements;
pub mod rfc;
pub mod runner;
pub mod sdp;
pub mod stun;

pub use case::{Capability, Case, Level, Spec};
pub use ctx::Ctx;
pub use outcome::{check, Outcome, OutcomeKind, Verdict};
