//! A replay as an rtcspec report: the capture is the target, each check a case.

use std::path::{Path, PathBuf};

use super::checks::CheckId;
use super::file::CaptureError;
use super::replay::ReplayResult;
use crate::case::{Level, Outcome, Spec};
use crate::driver::TargetInfo;
use crate::report::{self, Report, Summary, Tool};
use crate::runner::{CaseResult, Selection};

/// Security-relevant checks carry the `security` tag, as live cases do.
fn tags(id: CheckId) -> Vec<String> {
    match id {
        CheckId::StunIntegrity
        | CheckId::StunFingerprint
        | CheckId::TurnLongTermIntegrity
        | CheckId::DtlsCertificateFingerprint
        | CheckId::DtlsUseSrtpOffered => {
            vec!["security".into()]
        }
        _ => vec![],
    }
}

fn case_result(
    id: &str,
    title: &str,
    spec: Spec,
    outcome: Outcome,
    tags: Vec<String>,
    evidence: Vec<PathBuf>,
) -> CaseResult {
    CaseResult {
        id: id.into(),
        suite: "replay".into(),
        title: title.into(),
        doc: spec.doc.into(),
        section: spec.section.into(),
        level: spec.level,
        requirement: spec.text.into(),
        url: spec.url(),
        tags,
        outcome,
        duration_ms: 0,
        evidence,
        calls: Vec::new(),
    }
}

/// Builds the report; `error` is a read error that cut the capture short.
pub fn build(
    capture: &Path,
    result: ReplayResult,
    error: Option<&CaptureError>,
    started_at: String,
    duration_ms: u64,
) -> Report {
    let evidence = vec![capture.to_path_buf()];
    let mut results: Vec<CaseResult> = CheckId::ALL
        .iter()
        .map(|id| {
            let s = id.spec();
            let spec = Spec { doc: s.doc, section: s.section, level: s.level, text: s.requirement };
            let mut outcome = result.verdict(*id);
            if let Outcome::Fail { evidence: e, .. } = &mut outcome {
                e.clone_from(&evidence);
            }
            let files = if matches!(outcome, Outcome::Fail { .. }) { evidence.clone() } else { vec![] };
            case_result(s.id, s.title, spec, outcome, tags(*id), files)
        })
        .collect();
    if let Some(e) = error {
        // The file itself is damaged: say so as a case, so CI sees it beside the findings.
        let spec = Spec {
            doc: "rtcspec",
            section: "replay",
            level: Level::Must,
            text: "The capture file is read to its end.",
        };
        results.insert(
            0,
            case_result(
                "replay.capture.readable",
                "The capture file is readable to its end",
                spec,
                Outcome::Error { why: e.to_string() },
                vec![],
                vec![],
            ),
        );
    }
    let summary = result.summary;
    Report {
        schema: report::SCHEMA.into(),
        schema_version: report::SCHEMA_VERSION,
        tool: Tool { name: "rtcspec".into(), version: env!("CARGO_PKG_VERSION").into() },
        seed: "0".into(),
        path_seed: None,
        started_at,
        duration_ms,
        interrupted: false,
        target: TargetInfo {
            name: capture
                .file_name()
                .map_or_else(|| capture.display().to_string(), |n| n.to_string_lossy().into_owned()),
            kind: "capture".into(),
            implementation: format!("{} packets, {} WebRTC flows", summary.packets, summary.webrtc_flows),
            version: String::new(),
            source: Some(capture.display().to_string()),
        },
        capabilities: vec![],
        selection: Selection { suites: vec!["replay".into()], cases: vec![], tags: vec![] },
        summary: Summary::of(&results),
        results,
        baseline: None,
        capture: Some(summary),
        fuzz: None,
    }
}
