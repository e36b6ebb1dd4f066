//! A target that crashes, hangs or prints garbage costs one case, and the run goes on.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use rtcspec_harness::case::OutcomeKind;
use rtcspec_harness::driver::load_target;
use rtcspec_harness::runner::{self, RunOptions};

fn run_bad(mode: &str, expected: OutcomeKind) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/bad-{mode}.toml"));
    let spec = load_target(file.to_str().unwrap(), Path::new("targets")).unwrap();
    let mut driver = spec.driver().unwrap();
    let cases: Vec<_> =
        rtcspec_suites::all_cases().into_iter().filter(|c| c.id.starts_with("stun.8489.5.")).take(3).collect();
    let opts = RunOptions { seed: 1, timeout: Duration::from_secs(8), out_dir: None, path_seed: None };
    let t0 = Instant::now();
    let results = runner::run(&cases, driver.as_mut(), &opts, &mut |_| {}).results;
    assert_eq!(results.len(), cases.len(), "the run went on after the first bad case");
    for r in &results {
        assert_eq!(r.kind(), expected, "{}: {:?}", r.id, r.outcome);
    }
    assert!(t0.elapsed() < Duration::from_secs(60), "bounded in time");
}

#[test]
fn a_shim_that_dies_costs_one_case_each_and_is_restarted() {
    run_bad("die", OutcomeKind::Crash);
}

#[test]
fn a_shim_that_prints_garbage_is_an_error_not_a_panic() {
    run_bad("garbage", OutcomeKind::Error);
}

#[test]
fn a_shim_that_hangs_times_out() {
    run_bad("hang", OutcomeKind::Timeout);
}
