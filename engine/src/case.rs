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

impl Case {
    /// A case: its id (`<suite>.<rfc>.<section>.<name>`, never renumbered; the suite is the
    /// id's first part), a title saying what a pass means, the requirement it tests, what it
    /// needs of a target, and the function that runs it. What it covers in the requirement
    /// inventory, its tags and a time bound are added with [`Case::covers`], [`Case::tags`]
    /// and [`Case::time_bound`]: every case file declares its cases this one way.
    pub const fn new(
        id: &'static str,
        title: &'static str,
        spec: Spec,
        needs: &'static [Capability],
        run: fn(&mut Ctx) -> Verdict,
    ) -> Case {
        Case { id, suite: suite_of(id), title, spec, covers: &[], tags: &[], needs, time_bound: None, run }
    }

    /// The requirement inventory ids the case covers (`rtcspec list --requirements`).
    pub const fn covers(mut self, covers: &'static [&'static str]) -> Case {
        self.covers = covers;
        self
    }

    pub const fn tags(mut self, tags: &'static [&'static str]) -> Case {
        self.tags = tags;
        self
    }

    /// How long the case waits on the target by design, when longer than a run's per-case
    /// timeout.
    pub const fn time_bound(mut self, bound: std::time::Duration) -> Case {
        self.time_bound = Some(bound);
        self
    }
}

/// The id's first part: `stun` of `stun.8489.14.5.integrity-mismatch-rejected`.
const fn suite_of(id: &'static str) -> &'static str {
    let bytes = id.as_bytes();
    let mut end = 0;
    while end < bytes.len() && bytes[end] != b'.' {
        end += 1;
    }
    match std::str::from_utf8(bytes.split_at(end).0) {
        Ok(suite) => suite,
        // A prefix that ends before an ASCII '.' (or at the end) is valid UTF-8.
        Err(_) => id,
    }
}

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Case").field("id", &self.id).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::suite_of;

    #[test]
    fn the_suite_is_the_ids_first_part() {
        assert_eq!(suite_of("stun.8489.14.5.integrity-mismatch-rejected"), "stun");
        assert_eq!(suite_of("sdp"), "sdp");
        assert_eq!(suite_of(""), "");
    }
}
