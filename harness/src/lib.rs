//! rtcspec-harness: the top layer of rtcspec, a conformance and fuzzing suite for WebRTC
//! protocol implementations. It holds what needs every layer below it (the reports, which
//! show runs, replays and fuzzing alike; the fuzz entry points; the differential runs) and
//! re-exports those layers, so the suites and the CLI have one import:
//!
//! | crate | layer | here as |
//! |---|---|---|
//! | `rtcspec-wire` | codecs per message family, key log decryption | `wire` |
//! | `rtcspec-live` | the live path: harness peer, stages, faults, recorded wire | `net`, `peer`, `seed` |
//! | `rtcspec-engine` | case model, targets, runner, case context, SDP/STUN models | `case`, `driver`, ... |
//! | `rtcspec-capture` | capture replay | `capture` |
//!
//! Each depends only on the ones above it in this table (ARCHITECTURE.md draws them).

pub mod fuzz;
pub mod report;

pub use rtcspec_engine::{case, ctx, driver, outcome, requirements, runner};
pub use rtcspec_live::{net, peer, seed};
pub use rtcspec_wire as wire;

/// Capture replay (`rtcspec-capture`), and the report a replay makes.
pub mod capture {
    pub use rtcspec_capture::*;
    pub mod report;
}

/// The SDP model and linter (`rtcspec-engine`), and differential SDP fuzzing.
pub mod sdp {
    pub use rtcspec_engine::sdp::*;
    pub mod diff;
}

/// The STUN codec and models (`rtcspec-engine`, over `rtcspec-wire`), and differential
/// STUN fuzzing.
pub mod stun {
    pub use rtcspec_engine::stun::*;
    pub mod diff;
}

pub use rtcspec_engine::{check, Capability, Case, Ctx, Level, Outcome, OutcomeKind, Spec, Verdict};
