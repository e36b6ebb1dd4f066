//! `rtcspec fuzz`: the fuzz targets, and the report of a fuzzing run.

use std::path::Path;

use rtcspec_harness::fuzz::report::{build, RunRecord};
use rtcspec_harness::fuzz::TARGETS;

use crate::output::{parse_formats, print_summary, usage, write_reports};
use crate::FuzzReportArgs;

pub fn list(tsv: bool) -> u8 {
    for t in TARGETS {
        if tsv {
            let seeds = if t.seeds.is_empty() { "-".to_string() } else { t.seeds.join(",") };
            println!("{}\t{seeds}\t{}", t.name, t.dictionary().unwrap_or("-"));
        } else {
            let seeds = if t.seeds.is_empty() { "(generated)".to_string() } else { t.seeds.join(",") };
            println!("{:<18} {:<32} {}", t.name, seeds, t.about);
        }
    }
    0
}

pub fn report(args: &FuzzReportArgs) -> u8 {
    let formats = match parse_formats(&args.format) {
        Ok(f) => f,
        Err(e) => return usage(e),
    };
    let record_path = args.run.join("run.json");
    let record: RunRecord = match std::fs::read_to_string(&record_path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(r) => r,
        Err(e) => return usage(format!("{}: {e} (is this a `cargo xtask fuzz` run folder?)", record_path.display())),
    };
    let read = |name: &str| std::fs::read_to_string(args.run.join(name)).unwrap_or_default();
    let mut report = build(&record, &read);
    // Evidence goes beside the report: each crashing input, named after its target.
    let evidence_dir = args.out.join("evidence");
    for r in &mut report.results {
        if let rtcspec_harness::case::Outcome::Fail { evidence, .. } = &mut r.outcome {
            for e in evidence.iter_mut() {
                let name = format!(
                    "{}-{}",
                    r.id,
                    e.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())
                );
                if std::fs::create_dir_all(&evidence_dir)
                    .and_then(|_| std::fs::copy(&*e, evidence_dir.join(&name)))
                    .is_ok()
                {
                    *e = Path::new("evidence").join(&name);
                }
            }
            r.evidence.clone_from(evidence);
        }
    }
    if let Err(e) = write_reports(&report, &args.out, &formats, true) {
        return usage(e);
    }
    print_summary(&report);
    u8::from(report.results.iter().any(|r| r.kind().is_failure()))
}
