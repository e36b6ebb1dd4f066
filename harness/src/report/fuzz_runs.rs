//! What a libFuzzer run printed, read back for the fuzzing report: executions, speed,
//! coverage, corpus, memory, and the crashes with the command that reproduces each.
//!
//! libFuzzer prints status lines such as
//! `#1048576 pulse  cov: 2310 ft: 9021 corp: 412/33Kb exec/s: 24966 rss: 88Mb` and, in fork
//! mode, `#2048: cov: 2310 ft: 9021 corp: 412 exec/s: 24966 oom/timeout/crash: 0/0/0 time: 42s
//! job: 12 dft_time: 0`; a crash ends with `Test unit written to <artifact>` (or, in fork
//! mode, `CRASH: <artifact>`), preceded by a `SUMMARY:` or `ERROR: libFuzzer:` line.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Finding {
    /// crash, timeout, oom, leak (from libFuzzer's own words), or "disagreement" when a
    /// differential target's readable diff is in the log.
    pub kind: String,
    pub summary: String,
    pub artifact: String,
    pub reproduce: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct TargetRun {
    pub target: String,
    pub seconds: u64,
    pub executions: u64,
    pub execs_per_second: u64,
    /// libFuzzer's `cov:` (edges/blocks covered) and `ft:` (features).
    pub coverage: u64,
    pub features: u64,
    pub corpus_files: u64,
    pub peak_rss_mb: u64,
    pub findings: Vec<Finding>,
    /// The log, for the report's evidence.
    pub log: String,
}

/// The whole overnight run.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FuzzSummary {
    pub budget_seconds: u64,
    pub jobs: u32,
    pub rss_limit_mb: u64,
    pub targets: Vec<TargetRun>,
}

fn field(line: &str, name: &str) -> Option<u64> {
    let rest = &line[line.find(name)? + name.len()..];
    let digits: String = rest.trim_start().chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

fn kind_of(line: &str) -> &'static str {
    let l = line.to_ascii_lowercase();
    if l.contains("timeout") {
        "timeout"
    } else if l.contains("out-of-memory") || l.contains("rss limit") || l.contains("malloc limit") {
        "oom"
    } else if l.contains("leak") {
        "leak"
    } else {
        "crash"
    }
}

/// Reads one target's log. `reproduce` is the command prefix that replays an artifact.
pub fn parse(target: &str, log: &str, seconds: u64) -> TargetRun {
    let mut run = TargetRun { target: target.into(), seconds, log: String::new(), ..TargetRun::default() };
    let mut last_error: Option<String> = None;
    let mut disagreement = false;
    for line in log.lines() {
        let line = line.trim();
        if line.starts_with('#') && line.contains("cov:") {
            run.executions = run.executions.max(field(line, "#").unwrap_or(0));
            run.coverage = run.coverage.max(field(line, "cov:").unwrap_or(0));
            run.features = run.features.max(field(line, "ft:").unwrap_or(0));
            if let Some(c) = field(line, "corp:") {
                run.corpus_files = c;
            }
            if let Some(e) = field(line, "exec/s:") {
                run.execs_per_second = e;
            }
            run.peak_rss_mb = run.peak_rss_mb.max(field(line, "rss:").unwrap_or(0));
        } else if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
            run.executions = run.executions.max(n.trim().parse().unwrap_or(0));
        } else if let Some(n) = line.strip_prefix("stat::average_exec_per_sec:") {
            run.execs_per_second = n.trim().parse().unwrap_or(run.execs_per_second);
        } else if let Some(n) = line.strip_prefix("stat::peak_rss_mb:") {
            run.peak_rss_mb = run.peak_rss_mb.max(n.trim().parse().unwrap_or(0));
        } else if line.starts_with("STUN decoders disagree") || line.starts_with("SDP parsers disagree") {
            disagreement = true;
            last_error = Some(line.to_string());
        } else if line.contains("ERROR: libFuzzer:") || line.starts_with("SUMMARY:") || line.contains("panicked at") {
            if last_error.as_ref().is_none_or(|e| !e.contains("panicked at") || line.contains("panicked at")) {
                last_error = Some(line.to_string());
            }
        } else if let Some(artifact) =
            line.split_once("Test unit written to ").map(|(_, a)| a).or_else(|| line.strip_prefix("CRASH: "))
        {
            let artifact = artifact.split_whitespace().next().unwrap_or_default().to_string();
            if run.findings.iter().any(|f| f.artifact == artifact) {
                continue;
            }
            let summary = last_error.take().unwrap_or_else(|| "libFuzzer wrote a crashing input".into());
            let kind = if disagreement { "disagreement" } else { kind_of(&summary) };
            disagreement = false;
            run.findings.push(Finding {
                kind: kind.into(),
                reproduce: format!("cargo +nightly fuzz run {target} {artifact}"),
                summary,
                artifact,
            });
        }
    }
    run
}

impl FuzzSummary {
    pub const HEADERS: [&'static str; 7] =
        ["Target", "Time", "Executions", "Execs/s (last)", "Coverage / features", "Corpus files", "Findings"];

    pub fn title(&self) -> String {
        format!(
            "Fuzzing: {} targets, {} s budget, {} jobs, RSS limit {} MiB",
            self.targets.len(),
            self.budget_seconds,
            self.jobs,
            self.rss_limit_mb
        )
    }

    /// One row per target for the human-readable reports.
    pub fn rows(&self) -> Vec<[String; 7]> {
        self.targets
            .iter()
            .map(|t| {
                [
                    t.target.clone(),
                    format!("{} s", t.seconds),
                    t.executions.to_string(),
                    t.execs_per_second.to_string(),
                    format!("{} / {}", t.coverage, t.features),
                    t.corpus_files.to_string(),
                    if t.findings.is_empty() { "none".into() } else { t.findings.len().to_string() },
                ]
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_and_a_crash_are_read() {
        let log = "INFO: Seed: 42\n\
            #2\tINITED cov: 10 ft: 11 corp: 1/1b exec/s: 0 rss: 30Mb\n\
            #65536\tpulse  cov: 310 ft: 901 corp: 41/3Kb lim: 4096 exec/s: 21845 rss: 88Mb\n\
            thread '<unnamed>' panicked at src/lib.rs:3:5:\n\
            ==123== ERROR: libFuzzer: deadly signal\n\
            SUMMARY: libFuzzer: deadly signal\n\
            artifact_prefix='fuzz/artifacts/stun/'; Test unit written to fuzz/artifacts/stun/crash-abc\n";
        let r = parse("stun", log, 60);
        assert_eq!(
            (r.executions, r.coverage, r.features, r.corpus_files, r.execs_per_second, r.peak_rss_mb),
            (65536, 310, 901, 41, 21845, 88)
        );
        assert_eq!(r.findings.len(), 1);
        assert_eq!(r.findings[0].artifact, "fuzz/artifacts/stun/crash-abc");
        assert_eq!(r.findings[0].reproduce, "cargo +nightly fuzz run stun fuzz/artifacts/stun/crash-abc");
        assert_eq!(r.findings[0].kind, "crash");
        assert!(r.findings[0].summary.contains("panicked at"), "{:?}", r.findings[0]);
    }

    #[test]
    fn fork_mode_lines_timeouts_and_disagreements() {
        let log =
            "#4096: cov: 500 ft: 1500 corp: 77 exec/s: 9000 oom/timeout/crash: 0/1/0 time: 30s job: 3 dft_time: 0\n\
            ==9== ERROR: libFuzzer: timeout after 25 seconds\n\
            CRASH: fuzz/artifacts/x/timeout-1\n\
            STUN decoders disagree: reference disagrees on REALM\n\
            ==9== ERROR: libFuzzer: deadly signal\n\
            CRASH: fuzz/artifacts/x/crash-2\n";
        let r = parse("x", log, 30);
        assert_eq!((r.executions, r.coverage, r.corpus_files, r.execs_per_second), (4096, 500, 77, 9000));
        let kinds: Vec<&str> = r.findings.iter().map(|f| f.kind.as_str()).collect();
        assert_eq!(kinds, ["timeout", "disagreement"]);
    }

    #[test]
    fn garbage_logs_give_an_empty_run() {
        for log in ["", "#", "cov:", "#x cov: y", "CRASH: ", "Test unit written to "] {
            let _ = parse("t", log, 0);
        }
    }
}
