//! The honesty proof for the live-call cases (capability `peer`): each one fails against a
//! stack that breaks its requirement (a real one, or the reference with a fault) and passes
//! against one that keeps it. The stacks
//! are the reference (in process), aiortc and werift (through their shims; `cargo xtask
//! setup` installs them), each pinned, so which stack breaks what is a fact checked here.

mod common;

use std::collections::BTreeMap;

use common::*;
use rtcspec_harness::case::{Capability, OutcomeKind};

/// The three stacks, and the reference with each live fault (for cases every stack here
/// passes).
const PEERS: [&str; 5] =
    ["reference", "aiortc", "werift", "mutant:peer-accepts-any-check", "mutant:peer-skips-fingerprint-check"];

#[test]
fn every_live_case_fails_against_one_peer_and_passes_against_another() {
    let cases: Vec<_> =
        rtcspec_suites::all_cases().into_iter().filter(|c| c.needs.contains(&Capability::Peer)).collect();
    assert!(!cases.is_empty());
    let mut outcomes: BTreeMap<&str, Vec<(&str, OutcomeKind)>> = BTreeMap::new();
    for peer in PEERS {
        for r in run_named(peer, &cases) {
            let id = cases.iter().find(|c| c.id == r.id).map(|c| c.id).unwrap();
            outcomes.entry(id).or_default().push((peer, r.kind()));
        }
    }
    let mut bad = Vec::new();
    for (id, by_peer) in &outcomes {
        let fails = by_peer.iter().any(|(_, k)| matches!(k, OutcomeKind::Fail | OutcomeKind::NonStrict));
        let passes = by_peer.iter().any(|(_, k)| matches!(k, OutcomeKind::Pass));
        if !(fails && passes) {
            bad.push(format!("  {id}: {by_peer:?}"));
        }
    }
    assert!(bad.is_empty(), "live cases not shown to both fail and pass:\n{}", bad.join("\n"));
}
