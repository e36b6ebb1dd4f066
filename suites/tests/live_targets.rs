//! Live targets the tests start themselves: coturn on loopback, aioice and aiortc through the
//! Python shims, sdp-transform and werift through the Node shim, and libwebrtc, Chromium and
//! Firefox through the Node shim in network namespaces of their own (a smoke selection; the
//! full suites run in `cargo xtask matrix`). A missing peer fails the test with the command
//! that installs it; nothing skips.

mod common;

use common::*;
use rtcspec_harness::case::{Capability, OutcomeKind};
use rtcspec_harness::driver::mutant::Fault;

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

/// The live cases CI runs against the browsers and libwebrtc: a few of each suite, among them
/// cases where these targets' verdicts differ, so a change in any shows. Their full suites run
/// in `cargo xtask matrix`, which regenerates reports/examples/.
const SMOKE: &[&str] = &[
    "ice.8445.7.3.wrong-password-rejected",
    "ice.8445.7.1.2.controlling-nominates",
    "ice.8489.9.role-after-integrity-ignored",
    "ice.8838.14.candidate-after-end-ignored",
    "dtls.8842.5.1.fingerprint-mismatch-torn-down-answerer",
    "dtls.6347.4.2.4.first-flight-lost",
    "dtls.5246.7.2.1.close-notify-answered",
    "dtls.8446.4.1.3.downgrade-sentinel-aborts",
    "srtp.3711.3.3.bad-tag-discarded",
    "srtp.3711.3.3.2.replayed-packets-discarded",
    "srtp.5764.4.2.harness-srtp-received",
    "sctp.8831.6.6.string-ppid-51",
    "sctp.8832.6.ack-of-unordered-channel-ordered",
    "sctp.9260.6.8.bad-crc32c-discarded",
];

#[test]
fn browsers_and_libwebrtc_match_their_baselines_on_a_smoke_selection() {
    require("node", "run `cargo xtask setup` (apt-get install nodejs npm)");
    let installed = root().join("target/shim-node/node_modules/puppeteer-core");
    assert!(installed.is_dir(), "{} is missing: run `cargo xtask setup`", installed.display());
    require("/usr/bin/chromium", "run `cargo xtask setup` (apt-get install chromium)");
    require("/usr/bin/firefox-esr", "run `cargo xtask setup` (apt-get install firefox-esr)");
    let all = rtcspec_suites::all_cases();
    let cases: Vec<_> = all.iter().copied().filter(|c| SMOKE.contains(&c.id)).collect();
    assert_eq!(cases.len(), SMOKE.len(), "a smoke case id names no case");
    for suite in ["ice", "dtls", "srtp", "sctp"] {
        assert!(cases.iter().any(|c| c.suite == suite), "no {suite} case in the smoke selection");
    }
    for target in ["libwebrtc", "chromium", "firefox"] {
        let results = run_named(target, &cases);
        assert_matches_baseline(target, &results);
    }
}
