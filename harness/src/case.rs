//! The case model: what a conformance case is, which requirement it tests, and what can
//! come of running it.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;

/// RFC 2119 strength of the requirement a case tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    Must,
    Should,
    May,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
            Level::May => "MAY",
        })
    }
}

/// The requirement a case tests, quoted briefly, as someone holding the RFC would find it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Spec {
    /// "RFC 8489"
    pub doc: &'static str,
    /// "14.5", "B.1"
    pub section: &'static str,
    pub level: Level,
    pub text: &'static str,
}

impl Spec {
    /// Link to the section on rfc-editor.org.
    pub fn url(&self) -> String {
        let num = self.doc.trim_start_matches("RFC ").trim();
        let anchor = if self.section.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
            format!("appendix-{}", self.section)
        } else {
            format!("section-{}", self.section)
        };
        format!("https://www.rfc-editor.org/rfc/rfc{num}#{anchor}")
    }
}

/// What a target can do. A case runs only on targets that have all its needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    /// Decodes STUN messages (accept/reject and fields).
    StunCodec,
    /// Verifies MESSAGE-INTEGRITY / FINGERPRINT of a received message.
    StunCheck,
    /// Encodes STUN messages from a model.
    StunEncode,
    /// Answers STUN Binding requests (an ICE agent or a STUN server).
    StunResponder,
    /// The responder authenticates with short-term credentials (ICE, RFC 8445 §7.2.2).
    StunShortTerm,
    /// The responder authenticates with long-term credentials (TURN, RFC 8489 §9.2).
    StunLongTerm,
    /// The responder answers Binding requests that carry no credentials (a STUN server).
    StunOpenBinding,
    /// Parses SDP and serializes it back.
    SdpCodec,
    /// Answers a remote SDP offer as a JSEP endpoint (setRemoteDescription, createAnswer).
    SdpAnswerer,
    /// Takes live calls: the peer operations of the shim protocol (ICE, DTLS, SCTP on the wire).
    Peer,
    /// Reports each RTP packet it takes in past SRTP (the peer event `rtp`), so cases can
    /// count what got through (SRTP replay protection).
    RtpEvents,
}

impl Capability {
    pub const ALL: [Capability; 11] = [
        Capability::StunCodec,
        Capability::StunCheck,
        Capability::StunEncode,
        Capability::StunResponder,
        Capability::StunShortTerm,
        Capability::StunLongTerm,
        Capability::StunOpenBinding,
        Capability::SdpCodec,
        Capability::SdpAnswerer,
        Capability::Peer,
        Capability::RtpEvents,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Capability::StunCodec => "stun-codec",
            Capability::StunCheck => "stun-check",
            Capability::StunEncode => "stun-encode",
            Capability::StunResponder => "stun-responder",
            Capability::StunShortTerm => "stun-short-term",
            Capability::StunLongTerm => "stun-long-term",
            Capability::StunOpenBinding => "stun-open-binding",
            Capability::SdpCodec => "sdp-codec",
            Capability::SdpAnswerer => "sdp-answerer",
            Capability::Peer => "peer",
            Capability::RtpEvents => "rtp-events",
        }
    }

    pub fn from_name(name: &str) -> Option<Capability> {
        Capability::ALL.into_iter().find(|c| c.name() == name)
    }
}

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

/// What a run function returns. `Err` carries an early outcome (Unsupported, Error, a
/// Fail found half-way) so case bodies can use `?`; both arms are the case's outcome.
pub type Verdict = Result<Outcome, Outcome>;

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Case").field("id", &self.id).finish_non_exhaustive()
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_urls_point_at_sections_and_appendices() {
        let s = Spec { doc: "RFC 8489", section: "14.5", level: Level::Must, text: "" };
        assert_eq!(s.url(), "https://www.rfc-editor.org/rfc/rfc8489#section-14.5");
        let a = Spec { section: "B.1", ..s };
        assert_eq!(a.url(), "https://www.rfc-editor.org/rfc/rfc8489#appendix-B.1");
    }

    #[test]
    fn capability_names_round_trip() {
        for c in Capability::ALL {
            assert_eq!(Capability::from_name(c.name()), Some(c));
        }
    }
}
