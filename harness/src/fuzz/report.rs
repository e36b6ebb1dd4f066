//! A fuzzing run as an rtcspec report: the run is the target, each fuzz target a case that
//! passes when no input crashed, hung, ran out of memory or made implementations disagree.

use serde::Deserialize;

use super::run_log::{self, FuzzSummary};
use crate::case::{Level, Outcome};
use crate::report::{self, Report, Summary, Tool};
use crate::runner::{CaseResult, Selection};
use crate::target::TargetInfo;

/// What `cargo xtask fuzz` records beside the logs (`run.json` in its run folder).
#[derive(Debug, Clone, Deserialize)]
pub struct RunRecord {
    /// Passed to libFuzzer as `-seed`, so a run can be repeated (fork-mode jobs derive theirs).
    pub seed: u64,
    /// Seconds since the Unix epoch.
    pub started_unix: u64,
    pub duration_ms: u64,
    pub budget_seconds: u64,
    pub jobs: u32,
    pub rss_limit_mb: u64,
    /// Per target: its name, the seconds it ran, and its log file (relative to the folder).
    pub targets: Vec<RunTarget>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RunTarget {
    pub name: String,
    pub seconds: u64,
    pub log: String,
    /// Files in its corpus after the run's merge (fuzz/corpus/<target>).
    #[serde(default)]
    pub corpus_after_merge: Option<u64>,
}

const REQUIREMENT: &str = "No input makes the target panic, abort, hang past the timeout or exceed the RSS limit; for the differential and structured targets, implementations agree beyond the divergences listed in rtcspec_harness::fuzz::divergences.";

/// Builds the report; `logs` gives each target's log text (the caller reads the files).
pub fn build(record: &RunRecord, logs: &[(String, String)]) -> Report {
    let mut summary = FuzzSummary {
        budget_seconds: record.budget_seconds,
        jobs: record.jobs,
        rss_limit_mb: record.rss_limit_mb,
        targets: vec![],
    };
    let mut results = Vec::new();
    for t in &record.targets {
        let log = logs.iter().find(|(n, _)| n == &t.name).map_or("", |(_, l)| l.as_str());
        let mut run = run_log::parse(&t.name, log, t.seconds);
        if let Some(n) = t.corpus_after_merge {
            run.corpus_files = n;
        }
        run.log = t.log.clone();
        let about = super::by_name(&t.name).map_or("(not a known target)", |f| f.about);
        let outcome = if log.trim().is_empty() {
            Outcome::Error { why: format!("no log from {}: the target did not run (see {})", t.name, t.log) }
        } else if run.findings.is_empty() {
            Outcome::Pass
        } else {
            Outcome::Fail {
                expected: "no crash, hang, OOM or disagreement".into(),
                actual: run
                    .findings
                    .iter()
                    .map(|f| format!("{}: {} (reproduce: {})", f.kind, f.summary, f.reproduce))
                    .collect::<Vec<_>>()
                    .join("; "),
                evidence: run.findings.iter().map(|f| f.artifact.clone().into()).collect(),
            }
        };
        let evidence = match &outcome {
            Outcome::Fail { evidence, .. } => evidence.clone(),
            _ => vec![],
        };
        results.push(CaseResult {
            id: format!("fuzz.{}", t.name),
            suite: "fuzz".into(),
            title: format!("{}: {about}", t.name),
            doc: "rtcspec".into(),
            section: "fuzz".into(),
            level: Level::Must,
            requirement: REQUIREMENT.into(),
            url: "fuzz/README.md".into(),
            tags: vec!["security".into()],
            outcome,
            duration_ms: t.seconds * 1000,
            evidence,
        });
        summary.targets.push(run);
    }
    Report {
        schema: report::SCHEMA.into(),
        schema_version: report::SCHEMA_VERSION,
        tool: Tool { name: "rtcspec".into(), version: env!("CARGO_PKG_VERSION").into() },
        seed: record.seed.to_string(),
        started_at: report::rfc3339(record.started_unix),
        duration_ms: record.duration_ms,
        interrupted: false,
        target: TargetInfo {
            name: "fuzz".into(),
            kind: "fuzz".into(),
            implementation: "rtcspec fuzz targets (rtcspec, webrtc-rs rtc-*, str0m)".into(),
            version: format!("{} targets, {} s budget", record.targets.len(), record.budget_seconds),
            source: None,
        },
        capabilities: vec![],
        selection: Selection { suites: vec!["fuzz".into()], cases: vec![], tags: vec![] },
        summary: Summary::of(&results),
        results,
        baseline: None,
        capture: None,
        fuzz: Some(summary),
    }
}
