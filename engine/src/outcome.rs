//! What can come of running a case: its [`Outcome`], the kinds baselines count, and the
//! [`Verdict`] a case's run function returns.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// What a run function returns. `Err` carries an early outcome (Unsupported, Error, a
/// Fail found half-way) so case bodies can use `?`; both arms are the case's outcome.
pub type Verdict = Result<Outcome, Outcome>;

/// The result of one case on one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Outcome {
    Pass,
    /// The target broke the requirement. `expected` and `actual` are shown side by side.
    Fail {
        expected: String,
        actual: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        evidence: Vec<PathBuf>,
    },
    /// A SHOULD was not met.
    NonStrict {
        why: String,
    },
    /// Nothing to judge, something worth knowing.
    Informational {
        note: String,
    },
    /// The target lacks a capability the case needs.
    Unsupported {
        why: String,
    },
    /// The harness or the environment failed; says nothing about the target.
    Error {
        why: String,
    },
    Timeout {
        after_ms: u64,
    },
    /// The target crashed (process died, or in-process code panicked).
    Crash {
        why: String,
    },
}

/// Outcome kinds without their payload: what baselines and summaries count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutcomeKind {
    Pass,
    Fail,
    NonStrict,
    Informational,
    Unsupported,
    Error,
    Timeout,
    Crash,
}

impl OutcomeKind {
    pub const ALL: [OutcomeKind; 8] = [
        OutcomeKind::Pass,
        OutcomeKind::Fail,
        OutcomeKind::NonStrict,
        OutcomeKind::Informational,
        OutcomeKind::Unsupported,
        OutcomeKind::Error,
        OutcomeKind::Timeout,
        OutcomeKind::Crash,
    ];

    pub fn name(self) -> &'static str {
        match self {
            OutcomeKind::Pass => "pass",
            OutcomeKind::Fail => "fail",
            OutcomeKind::NonStrict => "non-strict",
            OutcomeKind::Informational => "informational",
            OutcomeKind::Unsupported => "unsupported",
            OutcomeKind::Error => "error",
            OutcomeKind::Timeout => "timeout",
            OutcomeKind::Crash => "crash",
        }
    }

    /// Does this outcome break a run with no baseline? Only violations of the target
    /// and a target that cannot be tested do; Unsupported and NonStrict do not.
    pub fn is_failure(self) -> bool {
        matches!(self, OutcomeKind::Fail | OutcomeKind::Error | OutcomeKind::Timeout | OutcomeKind::Crash)
    }
}

impl Outcome {
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Outcome::Pass => OutcomeKind::Pass,
            Outcome::Fail { .. } => OutcomeKind::Fail,
            Outcome::NonStrict { .. } => OutcomeKind::NonStrict,
            Outcome::Informational { .. } => OutcomeKind::Informational,
            Outcome::Unsupported { .. } => OutcomeKind::Unsupported,
            Outcome::Error { .. } => OutcomeKind::Error,
            Outcome::Timeout { .. } => OutcomeKind::Timeout,
            Outcome::Crash { .. } => OutcomeKind::Crash,
        }
    }

    pub fn fail(expected: impl Into<String>, actual: impl Into<String>) -> Outcome {
        Outcome::Fail { expected: expected.into(), actual: actual.into(), evidence: Vec::new() }
    }

    /// One line saying why, for terminals and summaries.
    pub fn summary(&self) -> String {
        match self {
            Outcome::Pass => "pass".into(),
            Outcome::Fail { expected, actual, .. } => format!("expected {expected}; got {actual}"),
            Outcome::NonStrict { why } => why.clone(),
            Outcome::Informational { note } => note.clone(),
            Outcome::Unsupported { why } => why.clone(),
            Outcome::Error { why } => why.clone(),
            Outcome::Timeout { after_ms } => format!("no result within {after_ms} ms"),
            Outcome::Crash { why } => why.clone(),
        }
    }
}

/// Shorthand for cases: `check(cond, expected, actual)`.
pub fn check(ok: bool, expected: impl Into<String>, actual: impl FnOnce() -> String) -> Outcome {
    if ok {
        Outcome::Pass
    } else {
        Outcome::fail(expected, actual())
    }
}
