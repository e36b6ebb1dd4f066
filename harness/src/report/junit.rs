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
        // The schema allows only skipped/error/failure inside a testcase: a SHOULD not met
        // passes here and is listed in the suite's system-out.
        OutcomeKind::Pass | OutcomeKind::Informational | OutcomeKind::NonStrict => format!("{head}/>\n"),
        OutcomeKind::Unsupported => format!("{head}>\n      <skipped message=\"{msg}\"/>\n    </testcase>\n"),
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

/// JUnit XML valid against the Apache Ant JUnit schema that Jenkins, GitLab and most CI
/// tools read: an attribute-less `<testsuites>`, and per suite the required `name`,
/// `package`, `id`, `timestamp` (no zone), `hostname`, counts, `time`, then `properties`,
/// the testcases, `system-out` and `system-err`.
pub fn render(report: &Report) -> String {
    let mut suites: Vec<&str> = report.results.iter().map(|r| r.suite.as_str()).collect();
    suites.sort_unstable();
    suites.dedup();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for (id, suite) in suites.into_iter().enumerate() {
        let rs: Vec<&CaseResult> = report.results.iter().filter(|r| r.suite == suite).collect();
        let count = |k: &[OutcomeKind]| rs.iter().filter(|r| k.contains(&r.kind())).count();
        let time: u64 = rs.iter().map(|r| r.duration_ms).sum();
        let name = esc(&format!("rtcspec.{suite}"));
        out.push_str(&format!(
            "  <testsuite name=\"{name}\" package=\"{name}\" id=\"{id}\" timestamp=\"{}\" hostname=\"localhost\" \
             tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\">\n",
            esc(report.started_at.trim_end_matches('Z')),
            rs.len(),
            count(&[OutcomeKind::Fail]),
            count(&[OutcomeKind::Error, OutcomeKind::Timeout, OutcomeKind::Crash]),
            count(&[OutcomeKind::Unsupported]),
            time as f64 / 1000.0,
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
        for r in &rs {
            out.push_str(&testcase(r));
        }
        let notes: String = rs
            .iter()
            .filter(|r| matches!(r.kind(), OutcomeKind::NonStrict | OutcomeKind::Informational))
            .map(|r| format!("{} {}: {}\n", super::outcome_label(r.kind()).to_lowercase(), r.id, r.outcome.summary()))
            .collect();
        out.push_str(&format!(
            "    <system-out>{}</system-out>\n    <system-err></system-err>\n  </testsuite>\n",
            esc(&notes)
        ));
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

    /// The Ant JUnit schema's rules, checked on a parsed document (the schema file itself
    /// is not redistributed here): element order, required attributes and their types.
    #[test]
    fn follows_the_ant_junit_schema() {
        use quick_xml::events::{BytesStart, Event};
        let xml = render(&crate::report::fixture::report());
        let mut reader = quick_xml::Reader::from_str(&xml);
        let attrs = |e: &BytesStart| -> std::collections::HashMap<String, String> {
            e.attributes()
                .map(|a| {
                    let a = a.unwrap();
                    (String::from_utf8(a.key.as_ref().to_vec()).unwrap(), a.unescape_value().unwrap().into_owned())
                })
                .collect()
        };
        let mut path: Vec<String> = Vec::new();
        let mut suite_children: Vec<String> = Vec::new();
        let mut case_children = 0;
        loop {
            let (e, empty) = match reader.read_event().unwrap() {
                Event::Eof => break,
                Event::Start(e) => (e.into_owned(), false),
                Event::Empty(e) => (e.into_owned(), true),
                Event::End(_) => {
                    if path.pop().as_deref() == Some("testsuite") {
                        let order: Vec<&str> = suite_children.iter().map(String::as_str).collect();
                        let cases = order.iter().filter(|c| **c == "testcase").count();
                        let mut expected = vec!["properties"];
                        expected.extend(std::iter::repeat_n("testcase", cases));
                        expected.extend(["system-out", "system-err"]);
                        assert_eq!(order, expected, "testsuite children out of schema order");
                        suite_children.clear();
                    }
                    continue;
                }
                _ => continue,
            };
            let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
            let a = attrs(&e);
            match (path.last().map(String::as_str), name.as_str()) {
                (None, "testsuites") => assert!(a.is_empty(), "the schema allows no attributes on testsuites"),
                (Some("testsuites"), "testsuite") => {
                    for k in ["name", "package", "id", "timestamp", "hostname", "tests", "failures", "errors", "time"] {
                        assert!(a.contains_key(k), "testsuite lacks {k}");
                    }
                    for k in ["id", "tests", "failures", "errors", "skipped"] {
                        a[k].parse::<i32>().unwrap();
                    }
                    a["time"].parse::<f64>().unwrap();
                    let ts = &a["timestamp"];
                    assert!(ts.len() == 19 && ts.as_bytes()[10] == b'T' && !ts.ends_with('Z'), "timestamp {ts}");
                }
                (Some("testsuite"), "properties" | "testcase" | "system-out" | "system-err") => {
                    suite_children.push(name.clone());
                    if name == "testcase" {
                        for k in ["name", "classname", "time"] {
                            assert!(a.contains_key(k), "testcase lacks {k}");
                        }
                        case_children = 0;
                    }
                }
                (Some("properties"), "property") => assert!(a.contains_key("name") && a.contains_key("value")),
                (Some("testcase"), "skipped" | "error" | "failure") => {
                    case_children += 1;
                    assert!(case_children <= 1, "a testcase holds at most one of skipped/error/failure");
                    if name != "skipped" {
                        assert!(a.contains_key("type"), "{name} lacks type");
                    }
                }
                (parent, child) => panic!("{child} is not allowed under {parent:?}"),
            }
            if !empty {
                path.push(name);
            }
        }
    }

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(esc("<a & \"b\">\u{1}"), "&lt;a &amp; &quot;b&quot;&gt;\\u0001");
    }
}
