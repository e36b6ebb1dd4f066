//! Reports. The JSON document is the source of truth (schema in reports/SCHEMA.md); JUnit,
//! HTML and Markdown are rendered from it, so a report can be re-rendered later.

pub mod baseline;
pub mod fuzz_runs;
pub mod html;
pub mod junit;
pub mod markdown;
pub mod matrix;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::case::OutcomeKind;
use crate::driver::TargetInfo;
use crate::runner::{CaseResult, Selection};

pub use baseline::{Baseline, BaselineComparison};

pub const SCHEMA: &str = "rtcspec-report";
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Summary {
    pub total: usize,
    /// Count per outcome kind; every kind is present (zero when none).
    pub outcomes: BTreeMap<OutcomeKind, usize>,
}

impl Summary {
    pub fn of(results: &[CaseResult]) -> Summary {
        let mut outcomes: BTreeMap<OutcomeKind, usize> = OutcomeKind::ALL.iter().map(|k| (*k, 0)).collect();
        for r in results {
            *outcomes.entry(r.kind()).or_default() += 1;
        }
        Summary { total: results.len(), outcomes }
    }

    pub fn count(&self, kind: OutcomeKind) -> usize {
        self.outcomes.get(&kind).copied().unwrap_or(0)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    pub schema: String,
    pub schema_version: u32,
    pub tool: Tool,
    /// Decimal string: a u64 does not survive a JavaScript JSON parser as a number.
    pub seed: String,
    /// The seed of the impaired paths, when the run chose one (`--path-seed`); decimal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_seed: Option<String>,
    pub started_at: String,
    pub duration_ms: u64,
    pub interrupted: bool,
    pub target: TargetInfo,
    pub capabilities: Vec<String>,
    pub selection: Selection,
    pub summary: Summary,
    pub results: Vec<CaseResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineComparison>,
    /// For `rtcspec replay`: what the capture held (flows, protocols, warnings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture: Option<rtcspec_capture::CaptureSummary>,
    /// For fuzzing runs (`cargo xtask fuzz`): per target executions, speed, coverage, corpus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fuzz: Option<crate::report::fuzz_runs::FuzzSummary>,
}

impl Report {
    pub fn from_json(text: &str) -> Result<Report, String> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        if value["schema"] != SCHEMA {
            return Err(format!("not an rtcspec report (schema is {}, expected {SCHEMA:?})", value["schema"]));
        }
        if value["schema_version"] != SCHEMA_VERSION {
            return Err(format!(
                "report schema version {} is not supported (this rtcspec reads version {SCHEMA_VERSION})",
                value["schema_version"]
            ));
        }
        serde_json::from_value(value).map_err(|e| format!("malformed report: {e}"))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// What the run's live calls negotiated: "DTLS 1.2 in 150 calls; as DTLS client the
    /// target offered DTLS 1.3, DTLS 1.2". `None` for a run without live calls.
    pub fn dtls_summary(&self) -> Option<String> {
        let calls: Vec<&crate::peer::CallRecord> = self.results.iter().flat_map(|r| &r.calls).collect();
        if calls.is_empty() {
            return None;
        }
        let mut versions: BTreeMap<&str, usize> = BTreeMap::new();
        let mut unfinished = 0;
        for c in &calls {
            match c.dtls_version.as_deref() {
                Some(v) => *versions.entry(v).or_default() += 1,
                None => unfinished += 1,
            }
        }
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let mut parts: Vec<String> =
            versions.iter().rev().map(|(v, n)| format!("{v} in {n} call{}", plural(*n))).collect();
        if unfinished > 0 {
            // ICE cases judge STUN and end before DTLS; some calls are refused or cut short.
            parts.push(format!("{unfinished} call{} ended before any ServerHello", plural(unfinished)));
        }
        let mut offered: Vec<&Vec<String>> =
            calls.iter().filter(|c| c.dtls_client.as_deref() == Some("target")).map(|c| &c.dtls_offered).collect();
        offered.sort();
        offered.dedup();
        for o in offered {
            parts.push(format!("as DTLS client the target offered {}", o.join(", ")));
        }
        Some(parts.join("; "))
    }

    /// The exit code (README, "Exit codes"): with a baseline, its verdict; without, any failing
    /// outcome.
    pub fn exit_code(&self) -> i32 {
        match &self.baseline {
            Some(b) => i32::from(!b.matches()),
            None => i32::from(self.results.iter().any(|r| r.kind().is_failure())),
        }
    }
}

/// The report formats, by the names `--format` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Junit,
    Html,
    Markdown,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Json, Format::Junit, Format::Html, Format::Markdown];

    pub fn parse(s: &str) -> Result<Format, String> {
        match s.trim() {
            "json" => Ok(Format::Json),
            "junit" | "xml" => Ok(Format::Junit),
            "html" => Ok(Format::Html),
            "md" | "markdown" => Ok(Format::Markdown),
            other => Err(format!("unknown format {other:?}; formats: json, junit, html, md")),
        }
    }

    pub fn file_name(self) -> &'static str {
        match self {
            Format::Json => "report.json",
            Format::Junit => "junit.xml",
            Format::Html => "report.html",
            Format::Markdown => "report.md",
        }
    }

    pub fn render(self, report: &Report) -> String {
        match self {
            Format::Json => report.to_json(),
            Format::Junit => junit::render(report),
            Format::Html => html::render(report),
            Format::Markdown => markdown::render(report),
        }
    }
}

/// Writes each format into `dir`, returning the paths written.
pub fn write_all(report: &Report, dir: &Path, formats: &[Format]) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    formats
        .iter()
        .map(|f| {
            let path = dir.join(f.file_name());
            std::fs::write(&path, f.render(report))?;
            Ok(path)
        })
        .collect()
}

/// RFC 3339 UTC timestamp without a date crate (civil-from-days, Howard Hinnant).
pub fn rfc3339(unix_secs: u64) -> String {
    let days = (unix_secs / 86_400) as i64;
    let secs = unix_secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60)
}

/// Shared by the renderers: the outcome kinds in display order with a label.
pub fn outcome_label(kind: OutcomeKind) -> &'static str {
    match kind {
        OutcomeKind::Pass => "Pass",
        OutcomeKind::Fail => "Fail",
        OutcomeKind::NonStrict => "Non-strict",
        OutcomeKind::Informational => "Info",
        OutcomeKind::Unsupported => "Unsupported",
        OutcomeKind::Error => "Error",
        OutcomeKind::Timeout => "Timeout",
        OutcomeKind::Crash => "Crash",
    }
}

#[cfg(test)]
pub(crate) mod fixture {
    //! A fixed report for the renderers' snapshot tests.
    use super::*;
    use crate::case::{Level, Outcome};

    fn result(id: &str, section: &str, outcome: Outcome, tags: &[&str]) -> CaseResult {
        // As the runner does: a failure's evidence is listed on the result too.
        let evidence = match &outcome {
            Outcome::Fail { evidence, .. } => evidence.clone(),
            _ => vec![],
        };
        CaseResult {
            id: id.into(),
            suite: "stun".into(),
            title: format!("title of {id}"),
            doc: "RFC 8489".into(),
            section: section.into(),
            level: Level::Must,
            requirement: "The most significant 2 bits of every STUN message MUST be zeroes.".into(),
            url: format!("https://www.rfc-editor.org/rfc/rfc8489#section-{section}"),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            outcome,
            duration_ms: 0,
            evidence,
            calls: Vec::new(),
        }
    }

    pub fn report() -> Report {
        let results = vec![
            result("stun.8489.5.top-bits-zero", "5", Outcome::Pass, &[]),
            result(
                "stun.8489.14.5.integrity-mismatch-rejected",
                "14.5",
                Outcome::Fail {
                    expected: "verification fails for a wrong key".into(),
                    actual: "verified <ok> & \"accepted\"".into(),
                    evidence: vec!["evidence/stun.8489.14.5.integrity-mismatch-rejected.pcapng".into()],
                },
                &["security"],
            ),
            result("stun.8489.14.6.sha256", "14.6", Outcome::Unsupported { why: "no SHA-256".into() }, &[]),
            result("stun.8489.6.3.crash", "6.3", Outcome::Crash { why: "panicked: boom".into() }, &[]),
            result("stun.8489.6.3.timeout", "6.3", Outcome::Timeout { after_ms: 10000 }, &[]),
            result("stun.8489.14.9.software", "14.9", Outcome::NonStrict { why: "no SOFTWARE".into() }, &[]),
        ];
        Report {
            schema: SCHEMA.into(),
            schema_version: SCHEMA_VERSION,
            tool: Tool { name: "rtcspec".into(), version: "0.1.0".into() },
            seed: "42".into(),
            path_seed: None,
            started_at: rfc3339(1_795_000_000),
            duration_ms: 1234,
            interrupted: false,
            target: TargetInfo {
                name: "reference".into(),
                kind: "in-process".into(),
                implementation: "webrtc-rs".into(),
                version: "0.21".into(),
                source: None,
            },
            capabilities: vec!["stun-codec".into()],
            selection: Selection { suites: vec!["stun".into()], cases: vec![], tags: vec![] },
            summary: Summary::of(&results),
            results,
            baseline: None,
            capture: None,
            fuzz: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_000_000), "2026-11-18T11:06:40Z");
    }

    #[test]
    fn json_round_trips_and_rejects_foreign_documents() {
        let r = fixture::report();
        assert_eq!(Report::from_json(&r.to_json()).unwrap(), r);
        assert!(Report::from_json("{\"schema\":\"x\"}").unwrap_err().contains("not an rtcspec report"));
        assert!(Report::from_json("[").unwrap_err().contains("not JSON"));
        insta::assert_snapshot!("json", r.to_json());
    }

    #[test]
    fn the_dtls_versions_of_the_calls_are_summed_up_and_rendered() {
        use crate::peer::CallRecord;
        let mut r = fixture::report();
        assert_eq!(r.dtls_summary(), None, "no live calls, nothing to say");
        let offered = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let by_target = CallRecord {
            dtls_client: Some("target".into()),
            dtls_offered: offered(&["DTLS 1.3", "DTLS 1.2"]),
            dtls_version: Some("DTLS 1.2".into()),
        };
        let by_harness = CallRecord {
            dtls_client: Some("harness".into()),
            dtls_offered: offered(&["DTLS 1.2"]),
            dtls_version: Some("DTLS 1.2".into()),
        };
        r.results[0].calls = vec![by_target.clone(), by_harness, CallRecord::default()];
        r.results[1].calls = vec![by_target.clone()];
        let summary = r.dtls_summary().unwrap();
        assert_eq!(
            summary,
            "DTLS 1.2 in 3 calls; 1 call ended before any ServerHello; as DTLS client the target offered DTLS 1.3, \
                DTLS 1.2"
        );
        assert_eq!(by_target.describe(), "DTLS 1.2 (the target, DTLS client, offered DTLS 1.3, DTLS 1.2)");
        assert!(html::render(&r).contains(&summary) && markdown::render(&r).contains(&summary));
        assert_eq!(Report::from_json(&r.to_json()).unwrap(), r, "calls survive the JSON");
    }

    #[test]
    fn exit_code_without_baseline_counts_failures_only() {
        let mut r = fixture::report();
        assert_eq!(r.exit_code(), 1);
        r.results.retain(|c| !c.kind().is_failure());
        assert_eq!(r.exit_code(), 0);
    }
}
