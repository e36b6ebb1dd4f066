//! One self-contained HTML file: no external assets, rows rendered in the page (readable
//! without JavaScript), and a few lines of script to filter by outcome, protocol and tag.

use std::collections::BTreeSet;

use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};

use super::{outcome_label, Report};
use crate::case::{Outcome, OutcomeKind};

const STYLE: &str = r#"
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em;margin:0 0 .3em}
.meta{color:#555;margin-bottom:1em}
.filters{display:flex;gap:1.5em;flex-wrap:wrap;margin:1em 0;padding:.6em;background:#f4f4f4;border-radius:6px}
.filters fieldset{border:0;padding:0;margin:0}
.filters legend{font-weight:600}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#fafafa;position:sticky;top:0}
.o{font-weight:600;white-space:nowrap}
.pass{color:#17702a}.fail,.crash{color:#b3261e}.error,.timeout{color:#8a4b00}
.non-strict{color:#7a5c00}.unsupported,.informational{color:#666}
code{font-size:.92em}
.why{white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:.88em}
.req{color:#444}
"#;

const SCRIPT: &str = concat!(
    r#"
(function(){
"#,
    "  function checked(name){return Array.from(document.querySelectorAll('input[name='+name+']:checked'))\
        .map(function(e){return e.value});}\n",
    r#"  function apply(){
    var o=checked('outcome'),s=checked('suite'),t=checked('tag'),n=0;
    document.querySelectorAll('tbody tr').forEach(function(r){
      var tags=r.dataset.tags?r.dataset.tags.split(' '):[];
      var show=o.indexOf(r.dataset.outcome)>=0&&s.indexOf(r.dataset.suite)>=0&&
        (t.length===0||tags.some(function(x){return t.indexOf(x)>=0}));
      r.hidden=!show; if(show)n++;
    });
    document.getElementById('shown').textContent=n;
  }
  document.querySelectorAll('.filters input').forEach(function(i){i.addEventListener('change',apply)});
  apply();
})();
"#
);

fn checkboxes(name: &str, legend: &str, values: &[(String, String)], checked: bool) -> String {
    let mut out = format!("<fieldset><legend>{}</legend>", text(legend));
    for (value, label) in values {
        out.push_str(&format!(
            "<label><input type=\"checkbox\" name=\"{name}\" value=\"{}\"{}> \
                {}</label> ",
            attr(value),
            if checked { " checked" } else { "" },
            text(label)
        ));
    }
    out.push_str("</fieldset>");
    out
}

/// A titled table of plain-text cells (escaped here).
fn table<const N: usize>(title: &str, headers: &[&str; N], rows: &[[String; N]]) -> String {
    let head: String = headers.iter().map(|h| format!("<th>{}</th>", text(h))).collect();
    let body: String = rows
        .iter()
        .map(|r| format!("<tr>{}</tr>", r.iter().map(|v| format!("<td>{}</td>", text(v))).collect::<String>()))
        .collect();
    format!(
        "<h2>{title}</h2>\n<table><thead><tr>{head}</tr></thead><tbody>{body}</\
        tbody></table>\n"
    )
}

pub fn render(report: &Report) -> String {
    let s = &report.summary;
    let kinds: Vec<(String, String)> = OutcomeKind::ALL
        .iter()
        .filter(|k| s.count(**k) > 0)
        .map(|k| (k.name().to_string(), format!("{} ({})", outcome_label(*k), s.count(*k))))
        .collect();
    let suites: BTreeSet<&str> = report.results.iter().map(|r| r.suite.as_str()).collect();
    let tags: BTreeSet<&str> = report.results.iter().flat_map(|r| r.tags.iter().map(String::as_str)).collect();
    let as_pairs = |set: &BTreeSet<&str>| set.iter().map(|v| (v.to_string(), v.to_string())).collect::<Vec<_>>();

    let mut rows = String::new();
    for r in &report.results {
        let mut why = match &r.outcome {
            Outcome::Pass => String::new(),
            Outcome::Fail { expected, actual, .. } => format!("expected: {expected}\nactual:   {actual}"),
            other => other.summary(),
        };
        for call in &r.calls {
            why.push_str(&format!("{}call: {}", if why.is_empty() { "" } else { "\n" }, call.describe()));
        }
        let evidence: String = r
            .evidence
            .iter()
            .map(|e| format!(" <a href=\"{}\">{}</a>", attr(&e.display().to_string()), text(&e.display().to_string())))
            .collect();
        rows.push_str(&format!(
            "<tr data-outcome=\"{}\" data-suite=\"{}\" data-tags=\"{}\"><td \
                class=\"o {}\">{}</td><td><code>{}</code><br>{}</td><td><a \
                href=\"{}\">{}&nbsp;§{}</a> <b>{}</b><div \
                class=\"req\">{}</div></td><td><div \
                class=\"why\">{}</div>{}</td></tr>\n",
            r.kind().name(),
            attr(&r.suite),
            attr(&r.tags.join(" ")),
            r.kind().name(),
            outcome_label(r.kind()),
            text(&r.id),
            text(&r.title),
            attr(&r.url),
            text(&r.doc),
            text(&r.section),
            r.level,
            text(&r.requirement),
            text(&why),
            evidence
        ));
    }
    let baseline = report.baseline.as_ref().map_or(String::new(), |b| {
        format!(
            "<p>Baseline {}: {} regressions, {} unexpected passes, {} new \
                cases.</p>",
            if b.matches() { "matches" } else { "<b>does not match</b>" },
            b.regressions.len(),
            b.unexpected_passes.len(),
            b.new_cases.len()
        )
    });
    let capture = report.capture.as_ref().map_or(String::new(), |c| {
        let warnings: String = c.warnings.iter().map(|w| format!("<li>{}</li>", text(w))).collect();
        let title =
            format!("Capture <code>{}</code>: {} packets, {} WebRTC flows", text(&c.file), c.packets, c.webrtc_flows);
        let headers = ["Flow", "Datagrams a→b / b→a", "Protocols", "DTLS", "Notes"];
        let mut out = table(&title, &headers, &c.flow_rows());
        if !warnings.is_empty() {
            out.push_str(&format!(
                "<details><summary>{} warnings</summary><ul>{warnings}</ul></details>\n",
                c.warnings_total
            ));
        }
        out
    });
    let fuzz = report.fuzz.as_ref().map_or(String::new(), |f| {
        let title = f.title();
        table(&title, &crate::report::fuzz_runs::FuzzSummary::HEADERS, &f.rows())
    });
    let capture = capture + &fuzz;
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta \
            charset=\"utf-8\"><meta name=\"viewport\" \
            content=\"width=device-width, initial-scale=1\"><title>rtcspec: \
            {name}</title><style>{STYLE}</style></head><body>\n<h1>rtcspec: \
            {name}</h1>\n<div class=\"meta\">{implementation} {version} · {total} \
            cases · seed <code>{seed}</code> · started {started} · {ms} \
            ms{interrupted}{dtls}</div>\n{baseline}{capture}<div \
            class=\"filters\">{f_outcome}{f_suite}{f_tag}<div>showing <span \
            id=\"shown\">{total}</span></div></div>\n\
            <table><thead><tr><th>Outcome</th><th>Case</th><th>Requirement</th><th\
            >Details</th></tr></thead><tbody>\n{rows}</tbody></table>\n\
            <script>{SCRIPT}</script></body></html>\n",
        name = text(&report.target.name),
        implementation = text(&report.target.implementation),
        version = text(&report.target.version),
        total = s.total,
        seed = text(&report.seed),
        started = text(&report.started_at),
        ms = report.duration_ms,
        interrupted = if report.interrupted { " · <b>interrupted</b>" } else { "" },
        dtls = report.dtls_summary().map(|d| format!("<br>{}", text(&d))).unwrap_or_default(),
        f_outcome = checkboxes("outcome", "Outcome", &kinds, true),
        f_suite = checkboxes("suite", "Protocol", &as_pairs(&suites), true),
        f_tag = checkboxes("tag", "Tag (any)", &as_pairs(&tags), false),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn snapshot_and_self_contained() {
        let html = super::render(&crate::report::fixture::report());
        for external in ["<link", "src=\"http", "@import", "url("] {
            assert!(!html.contains(external), "HTML references an external asset: {external}");
        }
        assert!(html.contains("&lt;ok&gt; &amp; \"accepted\""));
        insta::assert_snapshot!(html);
    }
}
