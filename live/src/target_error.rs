//! How talking to a target can go wrong, apart from what it answers: the live path reports
//! it for calls, the engine's drivers for every other request, and the engine maps it onto
//! the outcome it costs a case (`ctx::outcome_of`).

/// Why a target could not answer. Not a verdict on conformance.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("not supported by this target: {0}")]
    Unsupported(String),
    #[error("target crashed: {0}")]
    Crashed(String),
    #[error("target answered something the harness cannot read: {0}")]
    Garbage(String),
    #[error("target did not answer within {0} ms")]
    Timeout(u64),
    #[error("{0}")]
    Environment(String),
}
