//! The in-process targets against their baselines: the reference (webrtc-rs) and str0m.
//! Each baseline records where that stack departs from the RFC; the findings are explained
//! in targets/FINDINGS.md. Same seed, same results.

mod common;

use common::*;

#[test]
fn reference_matches_its_baseline() {
    let results = run_named("reference", &rtcspec_suites::all_cases());
    assert_matches_baseline("reference", &results);
}

#[test]
fn str0m_matches_its_baseline() {
    let results = run_named("str0m", &rtcspec_suites::all_cases());
    assert_matches_baseline("str0m", &results);
}

#[test]
fn same_seed_same_outcomes() {
    let cases = rtcspec_suites::all_cases();
    assert_eq!(kinds(&run_named("reference", &cases)), kinds(&run_named("reference", &cases)));
}

#[test]
fn mutant_of_the_reference_breaks_integrity_cases() {
    // The user-facing mutant: the reference with one fault, as the issue names it.
    let cases: Vec<_> =
        rtcspec_suites::all_cases().into_iter().filter(|c| c.id.contains("integrity-verified")).collect();
    assert!(!cases.is_empty());
    for r in run_named("mutant:skip-integrity", &cases) {
        assert_eq!(r.kind(), rtcspec_harness::OutcomeKind::Fail, "{}: {:?}", r.id, r.outcome);
    }
}
