//! The case model: what a conformance case is, which requirement it tests, and what can
//! come of running it.

use std::fmt;

use crate::ctx::Ctx;
// What a case cites, needs and can come to are modules of their own, which the context, the
// drivers and the linter use without the case model; case files name them through here.
pub use crate::capability::Capability;
pub use crate::outcome::{check, Outcome, OutcomeKind, Verdict};
pub use crate::rfc::{Level, Spec};

/// One conformance case: a short description, the requirement, and a run function.
pub struct Case {
    /// Stable id, e.g. `stun.8489.14.5.integrity-mismatch-rejected`. Never renumbered.
    pub id: &'static str,
    /// Suite (protocol) the case belongs to: `stun`, `sdp`, ...
    pub suite: &'static str,
    pub title: &'static str,
    pub spec: Spec,
    /// Requirement inventory ids this case covers (see `rtcspec list --requirements`).
    pub covers: &'static [&'static str],
    pub tags: &'static [&'static str],
    pub needs: &'static [Capability],
    /// How long the case waits on the target by design, when that is longer than a run's
    /// per-case timeout (a call on an impaired path given time to recover). The runner allows
    /// this much, plus a margin for setting up and tearing down the call.
    pub time_bound: Option<std::time::Duration>,
    pub run: fn(&mut Ctx) -> Verdict,
}

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Case").field("id", &self.id).finish_non_exhaustive()
    }
}
