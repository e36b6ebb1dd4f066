//! The honesty proof: every case passes against the known-good `model` target and fails
//! against it once a single fault is injected (`mutant@model:FAULT`). A case that no fault
//! can fail, or that the model cannot pass, is a defect in the case.
//!
//! Cases that need a live server (long-term credentials, open Binding) are proven the same
//! way against coturn in `live_targets.rs`, which starts it.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use rtcspec_harness::case::{Capability, OutcomeKind};
use rtcspec_harness::driver::mutant::Fault;

fn model_cases() -> Vec<&'static rtcspec_harness::Case> {
    let caps = driver("model").capabilities();
    rtcspec_suites::all_cases().into_iter().filter(|c| c.needs.iter().all(|n| caps.contains(n))).collect()
}

#[test]
fn every_case_passes_against_the_model() {
    let results = run_named("model", &model_cases());
    let bad: Vec<String> = results
        .iter()
        .filter(|r| !matches!(r.kind(), OutcomeKind::Pass))
        .map(|r| format!("  {}: {:?}", r.id, r.outcome))
        .collect();
    assert!(bad.is_empty(), "cases that do not pass against the model:\n{}", bad.join("\n"));
}

#[test]
fn every_case_fails_against_some_single_fault_mutant() {
    let cases = model_cases();
    let mut failed_by: BTreeMap<String, BTreeSet<&str>> =
        cases.iter().map(|c| (c.id.to_string(), BTreeSet::new())).collect();
    for fault in Fault::all() {
        for r in run_named(&format!("mutant@model:{}", fault.name()), &cases) {
            if matches!(r.kind(), OutcomeKind::Fail | OutcomeKind::NonStrict) {
                failed_by.get_mut(&r.id).unwrap().insert(fault.name());
            }
        }
    }
    let unkillable: Vec<&String> = failed_by.iter().filter(|(_, f)| f.is_empty()).map(|(id, _)| id).collect();
    assert!(unkillable.is_empty(), "cases no single fault makes fail (they cannot fail): {unkillable:?}");
}

#[test]
fn the_model_covers_every_capability_but_live_server_ones() {
    let caps = driver("model").capabilities();
    // Live calls (Peer) are proven against real stacks in live_peers.rs.
    let live_only = [Capability::StunLongTerm, Capability::StunOpenBinding, Capability::Peer];
    for c in rtcspec_suites::all_cases() {
        let needs_live = c.needs.iter().any(|n| live_only.contains(n));
        assert!(needs_live || c.needs.iter().all(|n| caps.contains(n)), "{} is proven against no target", c.id);
    }
}
