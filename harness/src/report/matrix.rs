//! The compatibility matrix: many JSON reports in, one table out — implementations as
//! columns, cases as rows — as one self-contained HTML page and as Markdown. A failing cell
//! links to its evidence (pcapng, key log, SDPs) relative to where the page is written.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};

use super::{outcome_label, Report};
use crate::case::OutcomeKind;

/// One report of the matrix: where it was read from (its evidence paths are relative to
/// that folder) and what it holds.
pub struct Input {
    pub path: PathBuf,
    pub report: Report,
}

struct Cell {
    kind: OutcomeKind,
    detail: String,
    /// Evidence paths relative to the output folder.
    evidence: Vec<String>,
}

struct Row {
    id: String,
    suite: String,
    title: String,
    cite: String,
    url: String,
    security: bool,
    cells: Vec<Option<Cell>>,
}

pub struct Matrix {
    /// "target (implementation version)" per column.
    columns: Vec<String>,
    rows: Vec<Row>,
    /// Per column: the DTLS versions its live calls negotiated (`Report::dtls_summary`).
    dtls: Vec<String>,
}

/// `to` relative to the folder `from` (both made absolute from the current directory).
fn relative(to: &Path, from: &Path) -> String {
    let absolute = |p: &Path| std::env::current_dir().map(|d| d.join(p)).unwrap_or_else(|_| p.to_path_buf());
    let normal = |p: PathBuf| -> Vec<String> {
        let mut parts: Vec<String> = Vec::new();
        for c in p.components() {
            match c {
                Component::ParentDir => {
                    parts.pop();
                }
                Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
                _ => {}
            }
        }
        parts
    };
    let (to, from) = (normal(absolute(to)), normal(absolute(from)));
    let common = to.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); from.len() - common];
    parts.extend(to[common..].iter().cloned());
    parts.join("/")
}

impl Matrix {
    /// The matrix of `inputs`, with evidence links relative to `out_dir`. Columns keep the
    /// order given; rows follow the first report that has each case.
    pub fn build(inputs: &[Input], out_dir: &Path) -> Matrix {
        let columns = inputs
            .iter()
            .map(|i| {
                let t = &i.report.target;
                format!("{} ({} {})", t.name, t.implementation, t.version).replace(" )", ")")
            })
            .collect();
        let mut order: Vec<String> = Vec::new();
        let mut rows: BTreeMap<String, Row> = BTreeMap::new();
        for (column, input) in inputs.iter().enumerate() {
            let base = input.path.parent().unwrap_or(Path::new("."));
            for r in &input.report.results {
                let row = rows.entry(r.id.clone()).or_insert_with(|| {
                    order.push(r.id.clone());
                    Row {
                        id: r.id.clone(),
                        suite: r.suite.clone(),
                        title: r.title.clone(),
                        cite: format!("{} §{}", r.doc, r.section),
                        url: r.url.clone(),
                        security: r.tags.iter().any(|t| t == "security"),
                        cells: (0..inputs.len()).map(|_| None).collect(),
                    }
                });
                let evidence = r.evidence.iter().map(|e| relative(&base.join(e), out_dir)).collect();
                row.cells[column] = Some(Cell { kind: r.kind(), detail: r.outcome.summary(), evidence });
            }
        }
        let rows = order.into_iter().filter_map(|id| rows.remove(&id)).collect();
        let dtls = inputs.iter().map(|i| i.report.dtls_summary().unwrap_or_else(|| "no live calls".into())).collect();
        Matrix { columns, rows, dtls }
    }

    /// Cases where the implementations do not all agree (ignoring Unsupported).
    fn differs(row: &Row) -> bool {
        let kinds: Vec<OutcomeKind> =
            row.cells.iter().flatten().map(|c| c.kind).filter(|k| *k != OutcomeKind::Unsupported).collect();
        kinds.windows(2).any(|w| w[0] != w[1])
    }

    /// Per column: how many cases passed of those that ran (not Unsupported).
    fn totals(&self) -> Vec<(usize, usize)> {
        (0..self.columns.len())
            .map(|c| {
                let ran: Vec<&Cell> = self.rows.iter().filter_map(|r| r.cells[c].as_ref()).collect();
                let ran: Vec<&&Cell> = ran.iter().filter(|c| c.kind != OutcomeKind::Unsupported).collect();
                (ran.iter().filter(|c| c.kind == OutcomeKind::Pass).count(), ran.len())
            })
            .collect()
    }

    pub fn markdown(&self) -> String {
        let mut out = String::from("# rtcspec compatibility matrix\n\n");
        let totals = self.totals();
        out.push_str("| case | requirement |");
        for (c, (pass, ran)) in self.columns.iter().zip(&totals) {
            out.push_str(&format!(" {} ({pass}/{ran} pass) |", c.replace('|', "\\|")));
        }
        out.push_str(&format!("\n|---|---|{}\n", "---|".repeat(self.columns.len())));
        out.push_str("| DTLS versions | what the live calls negotiated |");
        for d in &self.dtls {
            out.push_str(&format!(" {} |", d.replace('|', "\\|")));
        }
        out.push('\n');
        for row in &self.rows {
            let security = if row.security { " (security)" } else { "" };
            out.push_str(&format!("| `{}`{security} | [{}]({}) |", row.id, row.cite, row.url));
            for cell in &row.cells {
                let v = match cell {
                    None => "—".to_string(),
                    Some(c) if c.evidence.is_empty() => outcome_label(c.kind).to_string(),
                    Some(c) => format!(
                        "{} ({})",
                        outcome_label(c.kind),
                        c.evidence.iter().map(|e| format!("[{}]({e})", ext(e))).collect::<Vec<_>>().join(", ")
                    ),
                };
                out.push_str(&format!(" {v} |"));
            }
            out.push('\n');
        }
        out
    }

    pub fn html(&self) -> String {
        let totals = self.totals();
        let head: String = self
            .columns
            .iter()
            .zip(&totals)
            .map(|(c, (pass, ran))| format!("<th>{}<br><small>{pass}/{ran} pass</small></th>", text(c)))
            .collect();
        let suites: Vec<&str> = {
            let mut s: Vec<&str> = self.rows.iter().map(|r| r.suite.as_str()).collect();
            s.dedup();
            s.sort();
            s.dedup();
            s
        };
        let options: String = suites.iter().map(|s| format!("<option>{}</option>", text(s))).collect();
        let mut body = String::from("<tr><td>DTLS versions</td><td>what the live calls negotiated</td>");
        for d in &self.dtls {
            body.push_str(&format!("<td class=\"t\">{}</td>", text(d)));
        }
        body.push_str("</tr>\n");
        for row in &self.rows {
            let security = if row.security { " <span class=\"sec\">security</span>" } else { "" };
            body.push_str(&format!(
                "<tr data-suite=\"{}\" \
                    data-differs=\"{}\"><td><code>{}</code>{security}<br><span \
                    class=\"t\">{}</span></td><td><a href=\"{}\">{}</a></td>",
                attr(&row.suite),
                Self::differs(row),
                text(&row.id),
                text(&row.title),
                attr(&row.url),
                text(&row.cite)
            ));
            for cell in &row.cells {
                match cell {
                    None => body.push_str("<td class=\"none\">—</td>"),
                    Some(c) => {
                        let label = outcome_label(c.kind);
                        let links: String = c
                            .evidence
                            .iter()
                            .map(|e| format!(" <a href=\"{}\">{}</a>", attr(e), text(ext(e))))
                            .collect();
                        body.push_str(&format!(
                            "<td class=\"{}\" title=\"{}\">{}{links}</td>",
                            label.to_lowercase(),
                            attr(&c.detail),
                            text(label)
                        ));
                    }
                }
            }
            body.push_str("</tr>\n");
        }
        format!(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>rtcspec \
                compatibility \
                matrix</title><style>{STYLE}</style></head><body>\n<h1>rtcspec \
                compatibility matrix</h1>\n<p class=\"meta\">{} implementations, {} \
                cases. Hover a cell for the outcome's detail; failing cells link to \
                their evidence (pcapng, key log, SDPs).</p>\n<p \
                class=\"filters\"><label>Suite <select id=\"suite\"><option \
                value=\"\">all</option>{options}</select></label> <label><input \
                type=\"checkbox\" id=\"differs\"> only cases where implementations \
                differ</label></p>\n<table><thead><tr><th>case</th><th>requirement</th\
                >{head}</tr></thead><tbody>\n{body}</tbody></table>\n\
                <script>{SCRIPT}</script></body></html>\n",
            self.columns.len(),
            self.rows.len()
        )
    }
}

/// What an evidence link is called in a cell: its file extension.
fn ext(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

const STYLE: &str = r#"
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em;margin:0 0 .3em}
.meta{color:#555}.filters{background:#f4f4f4;padding:.6em;border-radius:6px}
table{border-collapse:collapse}
th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#fafafa;position:sticky;top:0}
.t{color:#555;font-size:.9em}.sec{background:#b3261e;color:#fff;border-radius:3px;padding:0 .3em;font-size:.8em}
.pass{background:#e6f4ea}.fail,.crash{background:#fce8e6}.error,.timeout{background:#fef3e0}
.non-strict{background:#fff8e1}.unsupported,.none,.info{color:#888}
"#;

const SCRIPT: &str = r#"
(function(){
  var suite=document.getElementById('suite'),differs=document.getElementById('differs');
  function apply(){
    document.querySelectorAll('tbody tr').forEach(function(r){
      r.hidden=(suite.value&&r.dataset.suite!==suite.value)||(differs.checked&&r.dataset.differs!=='true');
    });
  }
  suite.addEventListener('change',apply);differs.addEventListener('change',apply);apply();
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_out_of_the_output_folder() {
        assert_eq!(relative(Path::new("reports/a/evidence/x.pcapng"), Path::new("reports")), "a/evidence/x.pcapng");
        assert_eq!(
            relative(Path::new("reports/a/evidence/x.pcapng"), Path::new("reports/m")),
            "../a/evidence/x.pcapng"
        );
        assert_eq!(relative(Path::new("a/../b/x"), Path::new(".")), "b/x");
    }
}
