//! JUnit XML: one `<testsuite>` per protocol suite, one `<testcase>` per case. Follows the
//! common (Jenkins/Surefire) schema: `failure`/`error`/`skipped` children, counts on suites.

use super::Report;
use crate::case::{Outcome, OutcomeKind};
use crate::runner::CaseResult;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters even when escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The failure body: requirement, why, and where the evidence is.
fn detail(r: &CaseResult) -> String {
    let mut s = format!("{} {} {}: {}\n", r.doc, r.section, r.level, r.requirement);
    match &r.outcome {
        Outcome::Fail { expected, actual, .. } => s.push_str(&format!("expected: {expected}\nactual:   {actual}\n")),
        other => s.push_str(&format!("{}\n", other.summary())),
    }
    let from_outcome = match &r.outcome {
        Outcome::Fail { evidence, .. } => evidence.as_slice(),
        _ => &[],
    };
    let mut paths: Vec<_> = r.evidence.iter().chain(from_outcome).collect();
    paths.sort();
    paths.dedup();
    for e in paths {
        s.push_str(&format!("evidence: {}\n", e.display()));
    }
    s.push_str(&format!("see: {}\n", r.url));
    s
}

fn testcase(r: &CaseResult) -> String {
    let head = format!(
        "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
        esc(&format!("rtcspec.{}", r.suite)),
        esc(&r.id),
        r.duration_ms as f64 / 1000.0
    );
    let msg = esc(&r.outcome.summary());
    let body = esc(&detail(r));
    match r.kind() {
        OutcomeKind::Pass | OutcomeKind::Informational => format!("{head}/>\n"),
        OutcomeKind::Unsupported => format!("{head}>\n      <skipped message=\"{msg}\"/>\n    </testcase>\n"),
        OutcomeKind::NonStrict => {
            format!("{head}>\n      <system-out>non-strict (SHOULD not met): {body}</system-out>\n    </testcase>\n")
        }
        OutcomeKind::Fail => {
            format!(
                "{head}>\n      <failure message=\"{msg}\" type=\"{}\">{body}</failure>\n    </testcase>\n",
                r.level
            )
        }
        kind => format!(
            "{head}>\n      <error message=\"{msg}\" type=\"{}\">{body}</error>\n    </testcase>\n",
            super::outcome_label(kind)
        ),
    }
}

pub fn render(report: &Report) -> String {
    let mut suites: Vec<&str> = report.results.iter().map(|r| r.suite.as_str()).collect();
    suites.dedup();
    suites.sort_unstable();
    suites.dedup();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let s = &report.summary;
    out.push_str(&format!(
        "<testsuites name=\"rtcspec {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\">\n",
        esc(&report.target.name),
        s.total,
        s.count(OutcomeKind::Fail),
        s.count(OutcomeKind::Error) + s.count(OutcomeKind::Timeout) + s.count(OutcomeKind::Crash),
        s.count(OutcomeKind::Unsupported),
        report.duration_ms as f64 / 1000.0
    ));
    for suite in suites {
        let rs: Vec<&CaseResult> = report.results.iter().filter(|r| r.suite == suite).collect();
        let count = |k: &[OutcomeKind]| rs.iter().filter(|r| k.contains(&r.kind())).count();
        let time: u64 = rs.iter().map(|r| r.duration_ms).sum();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\" timestamp=\"{}\">\n",
            esc(&format!("rtcspec.{suite}")),
            rs.len(),
            count(&[OutcomeKind::Fail]),
            count(&[OutcomeKind::Error, OutcomeKind::Timeout, OutcomeKind::Crash]),
            count(&[OutcomeKind::Unsupported]),
            time as f64 / 1000.0,
            esc(report.started_at.trim_end_matches('Z')),
        ));
        out.push_str("    <properties>\n");
        for (k, v) in [
            ("target", &report.target.name),
            ("implementation", &report.target.implementation),
            ("version", &report.target.version),
            ("seed", &report.seed),
        ] {
            out.push_str(&format!("      <property name=\"{k}\" value=\"{}\"/>\n", esc(v)));
        }
        out.push_str("    </properties>\n");
        for r in rs {
            out.push_str(&testcase(r));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render(&crate::report::fixture::report()));
    }

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(esc("<a & \"b\">\u{1}"), "&lt;a &amp; &quot;b&quot;&gt;\\u0001");
    }
}
