//! Live targets the tests start themselves: coturn on loopback, aioice and aiortc through the
//! Python shims, sdp-transform and werift through the Node shim. A missing peer fails the test with the command that installs it; nothing skips.

mod common;

use common::*;
use rtcspec_harness::case::{Capability, OutcomeKind};
use rtcspec_harness::target::mutant::Fault;

fn require(program: &str, hint: &str) {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program} >/dev/null 2>&1 || test -x {program}")])
        .status()
        .is_ok_and(|s| s.success());
    assert!(found, "{program} is not installed: {hint}");
}

fn coturn_cases() -> Vec<&'static rtcspec_harness::Case> {
    let caps = [Capability::StunResponder, Capability::StunOpenBinding, Capability::StunLongTerm];
    rtcspec_suites::all_cases().into_iter().filter(|c| c.needs.iter().all(|n| caps.contains(n))).collect()
}

/// One test owns coturn's port for its whole run: baseline, then the mutants over it.
#[test]
fn coturn_matches_baseline_and_its_cases_can_fail() {
    require("turnserver", "run `cargo xtask setup` (apt-get install coturn)");
    let cases = coturn_cases();
    let mut coturn = driver("coturn");
    let results = run_on(coturn.as_mut(), &rtcspec_suites::all_cases());
    assert_matches_baseline("coturn", &results);
    drop(coturn);

    // Long-term and open-Binding cases can only be proven live: each must pass on coturn
    // (per its baseline) and fail on coturn with some fault layered over it.
    let live_only: Vec<_> = cases
        .into_iter()
        .filter(|c| c.needs.iter().any(|n| matches!(n, Capability::StunLongTerm | Capability::StunOpenBinding)))
        .collect();
    let mut unkilled: std::collections::BTreeSet<&str> = live_only.iter().map(|c| c.id).collect();
    let faults = [
        Fault::Silent,
        Fault::StripErrorAttributes,
        Fault::BadResponseIntegrity,
        Fault::LeakUsername,
        Fault::MisXorPort,
    ];
    for f in faults {
        for r in run_named(&format!("mutant@coturn:{}", f.name()), &live_only) {
            if matches!(r.kind(), OutcomeKind::Fail | OutcomeKind::NonStrict) {
                unkilled.remove(r.id.as_str());
            }
        }
    }
    assert!(unkilled.is_empty(), "live-server cases no fault makes fail: {unkilled:?}");
}

#[test]
fn python_shims_match_their_baselines() {
    require(
        &root().join("target/shim-venv/bin/python").display().to_string(),
        "run `cargo xtask setup` (creates target/shim-venv)",
    );
    for target in ["aioice", "aiortc"] {
        let results = run_named(target, &rtcspec_suites::all_cases());
        assert_matches_baseline(target, &results);
    }
}

#[test]
fn node_shims_match_their_baselines() {
    require("node", "run `cargo xtask setup` (apt-get install nodejs npm)");
    let installed = root().join("target/shim-node/node_modules/werift");
    assert!(installed.is_dir(), "{} is missing: run `cargo xtask setup`", installed.display());
    for target in ["sdp-transform", "werift"] {
        let results = run_named(target, &rtcspec_suites::all_cases());
        assert_matches_baseline(target, &results);
    }
}
