//! Markdown for CI job summaries: the verdict first, then what failed, then the rest.

use super::{outcome_label, Report};
use crate::case::{Outcome, OutcomeKind};

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A level-3 titled table.
fn table<const N: usize>(title: &str, headers: &[&str; N], rows: &[[String; N]]) -> String {
    let mut out = format!("### {title}\n\n| {} |\n|{}\n", headers.join(" | "), "---|".repeat(N));
    for row in rows {
        out.push_str(&format!("| {} |\n", row.iter().map(|v| cell(v)).collect::<Vec<_>>().join(" | ")));
    }
    out.push('\n');
    out
}

pub fn render(report: &Report) -> String {
    let s = &report.summary;
    let mut out =
        format!("# rtcspec: {} ({} {})\n\n", report.target.name, report.target.implementation, report.target.version);
    let counts: Vec<String> = OutcomeKind::ALL
        .iter()
        .filter(|k| s.count(**k) > 0)
        .map(|k| format!("{} {}", s.count(*k), outcome_label(*k).to_lowercase()))
        .collect();
    out.push_str(&format!(
        "**{} cases**: {}. Seed `{}`{}, {} ms{}.\n\n",
        s.total,
        counts.join(", "),
        report.seed,
        report.path_seed.as_ref().map(|p| format!(", path seed `{p}`")).unwrap_or_default(),
        report.duration_ms,
        if report.interrupted { ", **interrupted**" } else { "" }
    ));
    if let Some(dtls) = report.dtls_summary() {
        out.push_str(&format!("Live calls: {dtls}.\n\n"));
    }
    if let Some(b) = &report.baseline {
        out.push_str(&format!(
            "Baseline: {} ({} regressions, {} unexpected passes, {} new).\n\n",
            if b.matches() { "matches" } else { "**does not match**" },
            b.regressions.len(),
            b.unexpected_passes.len(),
            b.new_cases.len()
        ));
    }
    let problems: Vec<_> =
        report.results.iter().filter(|r| r.kind().is_failure() || r.kind() == OutcomeKind::NonStrict).collect();
    if !problems.is_empty() {
        out.push_str(
            "## Findings\n\n| Outcome | Case | Requirement | Expected | Actual | \
                Evidence |\n|---|---|---|---|---|---|\n",
        );
        for r in problems {
            let (expected, actual) = match &r.outcome {
                Outcome::Fail { expected, actual, .. } => (expected.clone(), actual.clone()),
                other => (String::new(), other.summary()),
            };
            // Links relative to the report, which sits beside evidence/.
            let evidence: Vec<String> = r
                .evidence
                .iter()
                .map(|p| {
                    let name = p.extension().map_or_else(|| "file".to_string(), |e| e.to_string_lossy().into_owned());
                    format!("[{name}]({})", p.display())
                })
                .collect();
            out.push_str(&format!(
                "| {} | `{}` | [{} §{}]({}) {}: {} | {} | {} | {} |\n",
                outcome_label(r.kind()),
                r.id,
                r.doc,
                r.section,
                r.url,
                r.level,
                cell(&r.requirement),
                cell(&expected),
                cell(&actual),
                evidence.join(" ")
            ));
        }
        out.push('\n');
    }
    if let Some(c) = &report.capture {
        let title = format!(
            "Capture `{}`: {} packets, {} WebRTC flows, {} warnings",
            c.file, c.packets, c.webrtc_flows, c.warnings_total
        );
        let columns = ["Flow", "Datagrams a→b / b→a", "Protocols", "DTLS", "Notes"];
        out.push_str(&table(&title, &columns, &c.flow_rows()));
    }
    if let Some(f) = &report.fuzz {
        let title = f.title();
        out.push_str(&table(&title, &crate::report::fuzz_runs::FuzzSummary::HEADERS, &f.rows()));
    }
    out.push_str(
        "<details><summary>All cases</summary>\n\n| Outcome | Case | Section \
            |\n|---|---|---|\n",
    );
    for r in &report.results {
        out.push_str(&format!("| {} | `{}` | {} §{} |\n", outcome_label(r.kind()), r.id, r.doc, r.section));
    }
    out.push_str("\n</details>\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn snapshot() {
        insta::assert_snapshot!(super::render(&crate::report::fixture::report()));
    }
}
