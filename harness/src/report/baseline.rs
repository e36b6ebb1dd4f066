//! Baselines: the expected outcome per case id for one target. A run matches its baseline
//! when no case regressed (expected pass, got worse) and none passed unexpectedly (the
//! baseline is stale and should be rewritten: a fix must be recorded, not silently absorbed).
//! A case whose outcome for the target varies from run to run, for a reason in the target
//! (a randomized timer, say), lists every outcome it has, with why (as web-platform-tests'
//! expectations do): any of them matches.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Report;
use crate::case::OutcomeKind;

pub const BASELINE_SCHEMA: &str = "rtcspec-baseline";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Baseline {
    pub schema: String,
    pub target: String,
    /// Outcome kind per case id.
    pub expected: BTreeMap<String, OutcomeKind>,
    /// Cases whose outcome varies from run to run: each outcome the case may have.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub varies: BTreeMap<String, Varies>,
}

/// The outcomes a case may have for a target, and why it is not always the same one.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Varies {
    pub outcomes: Vec<OutcomeKind>,
    pub why: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Difference {
    pub id: String,
    pub expected: OutcomeKind,
    pub actual: OutcomeKind,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct BaselineComparison {
    pub file: String,
    /// Cases that did worse than the baseline says, or differently among failures.
    pub regressions: Vec<Difference>,
    /// Cases the baseline expects to fail that passed.
    pub unexpected_passes: Vec<Difference>,
    /// Cases the baseline does not know; they count as regressions unless they pass.
    pub new_cases: Vec<Difference>,
}

impl BaselineComparison {
    pub fn matches(&self) -> bool {
        self.regressions.is_empty()
            && self.unexpected_passes.is_empty()
            && self.new_cases.iter().all(|d| !d.actual.is_failure())
    }
}

impl Baseline {
    pub fn from_report(report: &Report) -> Baseline {
        Baseline {
            schema: BASELINE_SCHEMA.into(),
            target: report.target.name.clone(),
            expected: report.results.iter().map(|r| (r.id.clone(), r.kind())).collect(),
            varies: BTreeMap::new(),
        }
    }

    /// Whether `actual` is what the baseline expects of case `id` (the outcome it records,
    /// or one of those it lists as varying); `None` for a case it does not know.
    pub fn allows(&self, id: &str, actual: OutcomeKind) -> Option<bool> {
        let expected = self.expected.get(id)?;
        Some(*expected == actual || self.varies.get(id).is_some_and(|v| v.outcomes.contains(&actual)))
    }

    pub fn from_json(text: &str) -> Result<Baseline, String> {
        let b: Baseline = serde_json::from_str(text).map_err(|e| format!("not a baseline: {e}"))?;
        if b.schema != BASELINE_SCHEMA {
            return Err(format!("schema is {:?}, expected {BASELINE_SCHEMA:?}", b.schema));
        }
        Ok(b)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn compare(&self, report: &Report, file: &str) -> BaselineComparison {
        let mut c = BaselineComparison { file: file.into(), ..Default::default() };
        for r in &report.results {
            let actual = r.kind();
            let Some(&expected) = self.expected.get(&r.id) else {
                c.new_cases.push(Difference { id: r.id.clone(), expected: OutcomeKind::Pass, actual });
                continue;
            };
            if self.allows(&r.id, actual) == Some(true) {
                continue;
            }
            let d = Difference { id: r.id.clone(), expected, actual };
            if actual == OutcomeKind::Pass {
                c.unexpected_passes.push(d);
            } else if actual.is_failure() || expected == OutcomeKind::Pass {
                c.regressions.push(d);
            }
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::Outcome;
    use crate::report::fixture;

    #[test]
    fn a_report_matches_its_own_baseline_and_detects_changes() {
        let report = fixture::report();
        let base = Baseline::from_report(&report);
        assert!(base.compare(&report, "b.json").matches());
        assert_eq!(Baseline::from_json(&base.to_json()).unwrap(), base);

        let mut worse = report.clone();
        worse.results[0].outcome = Outcome::fail("x", "y");
        let c = base.compare(&worse, "b.json");
        assert_eq!(c.regressions.len(), 1);
        assert!(!c.matches());

        let mut better = report.clone();
        better.results[1].outcome = Outcome::Pass;
        let c = base.compare(&better, "b.json");
        assert_eq!(c.unexpected_passes.len(), 1);
        assert!(!c.matches());

        let mut extra = report;
        extra.results.push(extra.results[1].clone());
        extra.results.last_mut().unwrap().id = "stun.new".into();
        let c = base.compare(&extra, "b.json");
        assert_eq!(c.new_cases.len(), 1);
        assert!(!c.matches(), "a new failing case is not absorbed silently");
    }

    #[test]
    fn a_varying_case_matches_any_outcome_it_lists_and_no_other() {
        let report = fixture::report();
        let mut base = Baseline::from_report(&report);
        let id = report.results[0].id.clone();
        let mut other = report.clone();
        other.results[0].outcome = Outcome::fail("x", "y");
        assert!(!base.compare(&other, "b.json").matches());
        base.varies.insert(
            id.clone(),
            Varies { outcomes: vec![OutcomeKind::Pass, OutcomeKind::Fail], why: "a random timer".into() },
        );
        assert!(base.compare(&report, "b.json").matches());
        assert!(base.compare(&other, "b.json").matches());
        other.results[0].outcome = Outcome::Error { why: "z".into() };
        assert!(!base.compare(&other, "b.json").matches(), "an outcome it does not list is a difference");
        assert_eq!(Baseline::from_json(&base.to_json()).unwrap(), base);
        assert_eq!(base.allows("no.such.case", OutcomeKind::Pass), None);
    }
}
