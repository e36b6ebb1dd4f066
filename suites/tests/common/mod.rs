//! Helpers for the suite's integration tests: run cases against a target by name.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rtcspec_harness::case::{Case, OutcomeKind};
use rtcspec_harness::driver::{load_target, Driver};
use rtcspec_harness::report::Baseline;
use rtcspec_harness::runner::{self, CaseResult, RunOptions};

pub const SEED: u64 = 0x005e_ed0f_5707;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

pub fn targets_dir() -> PathBuf {
    root().join("targets")
}

pub fn driver(name: &str) -> Box<dyn Driver> {
    let spec = load_target(name, &targets_dir()).unwrap_or_else(|e| panic!("{e}"));
    spec.driver().unwrap_or_else(|e| panic!("target {name} cannot start: {e}"))
}

/// How the tests run cases: one seed, a generous per-case timeout, no evidence.
fn options() -> RunOptions {
    RunOptions { seed: SEED, timeout: Duration::from_secs(20), out_dir: None, path_seed: None }
}

pub fn run_on(driver: &mut dyn Driver, cases: &[&'static Case]) -> Vec<CaseResult> {
    runner::run(cases, driver, &options(), &mut |_| {}).results
}

/// Runs `cases` against the target `name` as `rtcspec run` does: two workers, each with its
/// own instance of the target, unless the target is a server.
pub fn run_named(name: &str, cases: &[&'static Case]) -> Vec<CaseResult> {
    let spec = load_target(name, &targets_dir()).unwrap_or_else(|e| panic!("{e}"));
    let jobs = if spec.runs_in_parallel() { 2 } else { 1 };
    let mut drivers: Vec<_> = (0..jobs).map(|_| driver(name)).collect();
    let mut workers: Vec<&mut dyn Driver> = drivers.iter_mut().map(|d| &mut **d as _).collect();
    runner::run_on(cases, &mut workers, &options(), &mut |_| {}).results
}

pub fn kinds(results: &[CaseResult]) -> BTreeMap<String, OutcomeKind> {
    results.iter().map(|r| (r.id.clone(), r.kind())).collect()
}

/// Fails with a readable table when results differ from `targets/<name>.expected.json`.
///
/// A case that came out Error or Timeout where the baseline expects a verdict runs once more,
/// alone, on a fresh instance of the target, and the second outcome is the one compared; the
/// first is printed. Those two outcomes say the case could not judge the target (a shim's
/// call that a loaded machine kept from coming up), not what the target does. A verdict is
/// never run again.
pub fn assert_matches_baseline(name: &str, results: &[CaseResult]) {
    let path = targets_dir().join(format!("{name}.expected.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let baseline = Baseline::from_json(&text).unwrap();
    let mut diffs = Vec::new();
    for first in results {
        let mut r = first.clone();
        let unjudged = matches!(r.kind(), OutcomeKind::Error | OutcomeKind::Timeout);
        if unjudged && baseline.allows(&r.id, r.kind()) != Some(true) {
            eprintln!("{name}: {} came out {:?} ({}); running it again", r.id, r.kind(), r.outcome.summary());
            let case = rtcspec_suites::all_cases().into_iter().find(|c| c.id == r.id);
            if let Some(again) = case.and_then(|c| run_on(driver(name).as_mut(), &[c]).pop()) {
                r = again;
            }
        }
        if baseline.allows(&r.id, r.kind()) != Some(true) {
            let expected = baseline.expected.get(&r.id).copied();
            diffs.push(format!("  {}: baseline {:?}, now {:?} ({})", r.id, expected, r.kind(), r.outcome.summary()));
        }
    }
    assert!(diffs.is_empty(), "{name} differs from {}:\n{}", path.display(), diffs.join("\n"));
}
