//! What every command shares: reading `--format`, writing the reports, the one-line summary
//! and a usage error's exit code. Its own module so the commands (run, replay, fuzz, matrix)
//! use it without using each other.

use std::path::Path;

use rtcspec_harness::case::OutcomeKind;
use rtcspec_harness::report::{self, Format, Report};

/// The exit code of a command given what it cannot run (see the README's exit codes).
pub(crate) const USAGE: u8 = 2;

/// The `--format` list, parsed.
pub(crate) fn parse_formats(names: &[String]) -> Result<Vec<Format>, String> {
    names.iter().map(|f| Format::parse(f)).collect()
}

/// Writes `report` in every format under `out`, naming the files when `announce`.
pub(crate) fn write_reports(report: &Report, out: &Path, formats: &[Format], announce: bool) -> Result<(), String> {
    let paths = report::write_all(report, out, formats)
        .map_err(|e| format!("cannot write reports to {}: {e}", out.display()))?;
    if announce {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        eprintln!("rtcspec: wrote {}", names.join(", "));
    }
    Ok(())
}

/// Says what was wrong with the command line; returns the usage exit code.
pub(crate) fn usage(msg: impl std::fmt::Display) -> u8 {
    eprintln!("rtcspec: {msg}");
    USAGE
}

/// The outcome counts and the baseline's verdict, on stderr.
pub(crate) fn print_summary(report: &Report) {
    let s = &report.summary;
    let parts: Vec<String> = OutcomeKind::ALL
        .iter()
        .filter(|k| s.count(**k) > 0)
        .map(|k| format!("{} {}", s.count(*k), report::outcome_label(*k).to_lowercase()))
        .collect();
    eprintln!("rtcspec: {} cases in {} ms: {}", s.total, report.duration_ms, parts.join(", "));
    if let Some(b) = &report.baseline {
        if b.matches() {
            eprintln!("rtcspec: results match the baseline {}", b.file);
        } else {
            for d in &b.regressions {
                eprintln!("rtcspec: regression {}: baseline {}, now {}", d.id, d.expected.name(), d.actual.name());
            }
            for d in &b.unexpected_passes {
                eprintln!("rtcspec: unexpected pass {} (baseline {}): update the baseline", d.id, d.expected.name());
            }
            for d in b.new_cases.iter().filter(|d| d.actual.is_failure()) {
                eprintln!("rtcspec: new case {} is {} and not in the baseline", d.id, d.actual.name());
            }
        }
    }
}
