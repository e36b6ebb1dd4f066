//! A fuzzing run as an rtcspec report: the run is the target, each fuzz target a case that
//! passes when no input crashed, hung, ran out of memory or made implementations disagree.

use serde::Deserialize;

use crate::case::{Level, Outcome};
use crate::driver::TargetInfo;
use crate::report::fuzz_runs::{self as run_log, FuzzSummary};
use crate::report::{self, Report, Summary, Tool};
use crate::runner::{CaseResult, Selection};

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
    /// Crashing inputs the run kept (minimized, under corpora/regressions/), each with the
    /// log of one run of it: in fork mode libFuzzer's own log only counts crashes.
    #[serde(default)]
    pub findings: Vec<RunFinding>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RunFinding {
    pub artifact: String,
    pub log: String,
}

/// What a crash log says first: a differential target's diff, or the panic message.
fn summary_of(log: &str) -> (String, &'static str) {
    let lines: Vec<&str> = log.lines().map(str::trim).collect();
    if let Some(l) = lines.iter().find(|l| l.contains("disagree")) {
        return (l.to_string(), "disagreement");
    }
    if let Some(i) = lines.iter().position(|l| l.contains("panicked at")) {
        let message = lines.get(i + 1).copied().unwrap_or_default();
        return (format!("{} {message}", lines[i]), "crash");
    }
    let error = lines.iter().find(|l| l.contains("ERROR: libFuzzer:")).copied().unwrap_or("libFuzzer reported a crash");
    let kind = if error.contains("timeout") {
        "timeout"
    } else if error.contains("out-of-memory") {
        "oom"
    } else {
        "crash"
    };
    (error.to_string(), kind)
}

const REQUIREMENT: &str = "No input makes the target panic, abort, hang past the timeout or \
    exceed the RSS limit; for the differential and structured targets, \
    implementations agree beyond the divergences listed in \
    rtcspec_harness::fuzz::divergences.";

/// Builds the report; `read` gives the text of a file of the run folder (a log), or "".
pub fn build(record: &RunRecord, read: &dyn Fn(&str) -> String) -> Report {
    let mut summary = FuzzSummary {
        budget_seconds: record.budget_seconds,
        jobs: record.jobs,
        rss_limit_mb: record.rss_limit_mb,
        targets: vec![],
    };
    let mut results = Vec::new();
    for t in &record.targets {
        let log = read(&t.log);
        let log = log.as_str();
        let mut run = run_log::parse(&t.name, log, t.seconds);
        for f in &t.findings {
            if run
                .findings
                .iter()
                .any(|known| known.artifact.ends_with(f.artifact.rsplit('/').next().unwrap_or_default()))
            {
                continue;
            }
            let (summary, kind) = summary_of(&read(&f.log));
            run.findings.push(run_log::Finding {
                kind: kind.into(),
                summary,
                artifact: f.artifact.clone(),
                reproduce: format!("cargo +nightly fuzz run {} {}", t.name, f.artifact),
            });
        }
        if let Some(n) = t.corpus_after_merge {
            run.corpus_files = n;
        }
        run.log = t.log.clone();
        let about = super::by_name(&t.name).map_or("(not a known target)", |f| f.about);
        let outcome = if log.trim().is_empty() {
            Outcome::Error { why: format!("no log from {}: the target did not run (see {})", t.name, t.log) }
        } else if run.executions == 0 && run.findings.is_empty() {
            // A target that did not build (or start) leaves a log with no fuzzing in it.
            Outcome::Error { why: format!("{} ran no input: it did not build or start (see {})", t.name, t.log) }
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
            calls: Vec::new(),
        });
        summary.targets.push(run);
    }
    Report {
        schema: report::SCHEMA.into(),
        schema_version: report::SCHEMA_VERSION,
        tool: Tool { name: "rtcspec".into(), version: env!("CARGO_PKG_VERSION").into() },
        seed: record.seed.to_string(),
        path_seed: None,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn record(findings: &str) -> RunRecord {
        serde_json::from_str(&format!(
            r#"{{"seed":7,"started_unix":0,"duration_ms":1000,"budget_seconds":20,"jobs":2,"rss_limit_mb":2048,
                "targets":[{{"name":"stun_diff","seconds":10,"log":"stun_diff.log","corpus_after_merge":5,
                            "findings":[{findings}]}},
                           {{"name":"rtp","seconds":10,"log":"missing.log"}}]}}"#
        ))
        .unwrap()
    }

    #[test]
    fn fork_mode_findings_come_from_their_own_logs() {
        let files = |name: &str| match name {
            "stun_diff.log" => "#188466: cov: 1672 ft: 2864 corp: 205 exec/s: 9814 oom/timeout/crash: \
                0/0/1 time: 12s job: 5\n"
                .into(),
            "x.txt" => "thread '<unnamed>' panicked at \
                harness/src/fuzz/structured.rs:187:9:\nSTUN decoders disagree: str0m \
                disagrees on USERNAME\n"
                .into(),
            _ => String::new(),
        };
        let r = build(&record(r#"{"artifact":"corpora/regressions/stun_diff/crash-1","log":"x.txt"}"#), &files);
        assert_eq!(r.seed, "7");
        match &r.results[0].outcome {
            Outcome::Fail { actual, evidence, .. } => {
                assert!(
                    actual.starts_with("disagreement: STUN decoders disagree: str0m disagrees on USERNAME"),
                    "{actual}"
                );
                assert!(
                    actual.contains(
                        "cargo +nightly fuzz run stun_diff \
                            corpora/regressions/stun_diff/crash-1"
                    ),
                    "{actual}"
                );
                assert_eq!(evidence, &[std::path::PathBuf::from("corpora/regressions/stun_diff/crash-1")]);
            }
            other => panic!("{other:?}"),
        }
        let f = r.fuzz.as_ref().unwrap();
        assert_eq!((f.targets[0].executions, f.targets[0].corpus_files), (188466, 5));
        // A target without a log did not run: an error, not a pass.
        assert!(matches!(r.results[1].outcome, Outcome::Error { .. }));
    }

    #[test]
    fn a_clean_run_passes() {
        let files = |name: &str| {
            if name == "stun_diff.log" {
                "#10: cov: 1 ft: 1 corp: 1 exec/s: 1\n".into()
            } else {
                String::new()
            }
        };
        let r = build(&record(""), &files);
        assert_eq!(r.results[0].outcome, Outcome::Pass);
    }

    #[test]
    fn a_target_that_did_not_build_is_an_error_not_a_pass() {
        // What `cargo fuzz run` leaves when the target fails to compile: a log, no fuzzing.
        let files = |name: &str| match name {
            "stun_diff.log" => "error[E0063]: missing field `peer` in initializer of `Session`
Error: failed to build fuzz script
"
            .into(),
            _ => String::new(),
        };
        match &build(&record(""), &files).results[0].outcome {
            Outcome::Error { why } => assert!(why.contains("ran no input"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
}
