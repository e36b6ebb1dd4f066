//! The honesty proof for the live-call cases (capability `peer`): each one fails against a
//! stack that breaks its requirement (a real one, or the reference with a fault) and passes
//! against one that keeps it. The stacks are the reference (in process), aiortc and werift
//! (through their shims; `cargo xtask setup` installs them), each pinned, so which stack
//! breaks what is a fact checked here; str0m and Chromium run the few cases only they pass.

mod common;

use std::collections::BTreeMap;

use common::*;
use rtcspec_harness::case::{Capability, Case, Level, OutcomeKind};

/// The real stacks: every live case runs against each.
const PEERS: [&str; 3] = ["reference", "aiortc", "werift"];

/// Cases that none of [`PEERS`] passes, with the real stack that does: it runs only those.
/// (str0m's SCTP packets fit a 1200-byte IPv4 path; the others' do not. None of [`PEERS`]
/// offers DTLS 1.3, so only a browser is held to the downgrade sentinel.)
const ALSO: &[(&str, &[&str])] =
    &[("str0m", &["sctp.8831.5.initial-pmtu"]), ("chromium", &["dtls.8446.4.1.3.downgrade-sentinel"])];

/// Each live fault (of the reference peer, or put into aiortc by its shim), with the cases
/// (id prefixes) it must break. A mutant runs only those, and must fail every one (a SHOULD
/// case: be NonStrict).
const MUTANTS: &[(&str, &[&str])] = &[
    (
        "mutant:peer-accepts-any-check",
        &[
            "ice.8445.7.3.wrong-",
            "ice.8445.7.3.bad-fingerprint",
            "ice.8445.7.3.reversed-",
            "ice.8445.7.3.username-without-",
            "ice.8445.7.3.signed-with-",
            "ice.8489.9.1.3.",
        ],
    ),
    ("mutant:peer-skips-fingerprint-check", &["dtls.8842.5.1."]),
    ("mutant:peer-hash-name-case-sensitive", &["dtls.8122.5.hash-name"]),
    ("mutant:peer-first-fingerprint-only", &["dtls.8122.5.1."]),
    ("mutant:peer-reversed-username", &["ice.8445.7.2.2.check-username"]),
    ("mutant:peer-checks-signed-with-own-password", &["ice.8445.7.2.2.check-signed"]),
    ("mutant:peer-no-stun-fingerprint", &["ice.8445.7.2.4.", "ice.8445.7.3.response-fingerprint"]),
    ("mutant:peer-no-priority", &["ice.8445.7.1.1."]),
    ("mutant:peer-wrong-role-attribute", &["ice.8445.7.1.3."]),
    ("mutant:peer-never-nominates", &["ice.8445.7.1.2.controlling"]),
    ("mutant:peer-controlled-nominates", &["ice.8445.7.1.2.controlled"]),
    ("mutant:peer-ignores-ice-lite", &["ice.8445.6.1.1."]),
    ("mutant:peer-ignores-role-conflict", &["ice.8445.7.3.1.1.role-conflict-"]),
    ("mutant:peer-always-role-conflict", &["ice.8445.7.3.1.1.controll"]),
    ("mutant:peer-trusts-after-integrity", &["ice.8489.9.role-after", "ice.8489.9.unknown-required-after"]),
    ("mutant:peer-response-wrong-transaction", &["ice.8489.5.response-echoes"]),
    ("mutant:peer-trusts-any-transaction", &["ice.8489.6.3.other-transaction"]),
    ("mutant:peer-unsigned-responses", &["ice.8445.7.3.response-signed"]),
    ("mutant:peer-trusts-unsigned-responses", &["ice.8489.9.1.4."]),
    ("mutant:peer-sends-checks-twice", &["ice.7675.5.1.consent-check-new-transaction"]),
    ("mutant:peer-wrong-mapped-address", &["ice.8489.6.3.1.1."]),
    ("mutant:peer-setup-mislabelled", &["dtls.8842.5.2.", "dtls.8842.5.3."]),
    ("mutant:peer-ignores-answer-setup", &["dtls.8842.5.4."]),
    ("mutant:peer-rejects-unknown-optional", &["ice.8489.6.3.unknown-optional"]),
    (
        "mutant@aiortc:sctp-empty-received-as-zero-byte",
        &["sctp.8831.6.6.empty-string-received", "sctp.8831.6.6.empty-binary-received"],
    ),
    ("mutant:peer-no-sctp-port", &["sctp.8841.10."]),
    (
        "mutant:peer-no-dtls-retransmit",
        &[
            "dtls.6347.4.2.4.first-flight",
            "dtls.6347.4.2.4.last-flight",
            "dtls.6347.4.2.4.client-",
            "dtls.6347.4.2.4.loss-",
        ],
    ),
    ("mutant:peer-ignores-trickled-candidates", &["ice.8838.8."]),
    ("mutant:peer-media-from-second-port", &["srtp.9143.9.1."]),
    ("mutant:peer-srtp-roc-stuck", &["srtp.3711.3.3.1."]),
    ("mutant:peer-srtp-window-16", &["srtp.3711.3.3.2.late-packet"]),
    ("mutant:peer-srtp-no-replay-list", &["srtp.3711.3.3.2.replay"]),
    ("mutant:peer-dtls-renegotiates", &["dtls.8827.6.5.renegotiation"]),
    ("mutant:peer-dtls-ignores-close-notify", &["dtls.5246.7.2.1."]),
    ("mutant:peer-dtls-reads-alerts-unauthenticated", &["dtls.6347.4.1.2.7."]),
    ("mutant:peer-sctp-skips-unknown-chunks", &["sctp.9260.3.2.unknown-00", "sctp.9260.3.2.unknown-01"]),
    ("mutant:peer-dcep-clamps-label", &["sctp.8832.6.malformed-open"]),
    ("mutant:peer-dcep-label-length-in-characters", &["sctp.8832.5.1.label-length-in-bytes"]),
    ("mutant:peer-sctp-sends-no-init", &["sctp.8841.9.3.answerer-sends-init"]),
    ("mutant:peer-dtls-fragments-dropped", &["dtls.6347.4.2.3."]),
    ("mutant:peer-dtls-fragments-append-only", &["dtls.6347.4.2.3.overlapping"]),
    ("mutant:peer-dtls-gives-up-at-2s", &["dtls.6347.4.2.4.long-delay"]),
    ("mutant:peer-dtls-repeat-fatal", &["dtls.6347.4.2.2.every-datagram-duplicated"]),
    ("mutant:peer-dtls-late-record-fatal", &["dtls.6347.4.1.2.6.reordered-records"]),
    ("mutant:peer-srtcp-bad-tag", &["srtp.5764.4.2.srtcp-authenticates"]),
    ("mutant:peer-srtcp-index-skips", &["srtp.3711.3.4.srtcp-index"]),
    ("mutant:peer-srtp-short-tag-check", &["srtp.3711.3.3.bad-tag", "srtp.3711.3.4.bad-tag", "srtp.7714.5.3.bad-tag"]),
    ("mutant:peer-srtp-accepts-plain-rtp", &["srtp.3711.3.3.plain", "srtp.7714.5.3.plain"]),
    ("mutant@aiortc:sctp-ignores-max-message-size", &["sctp.8841.6.1."]),
    ("mutant@aiortc:sctp-skips-crc32c", &["sctp.9260.6.8."]),
    ("mutant@aiortc:sctp-ignores-verification-tag", &["sctp.9260.8.5"]),
    ("mutant:peer-srtp-gcm-only", &["srtp.8827.6.5."]),
    ("mutant:peer-no-aes128-gcm-suite", &["dtls.8827.6.5.ecdhe"]),
    ("mutant:peer-dtls-accepts-any-epoch", &["dtls.8827.6.5.plaintext", "dtls.6347.4.2.4.unstarted-epoch"]),
    ("mutant:peer-dtls-short-tag-check", &["dtls.8827.6.5.bad-tag"]),
    ("mutant:peer-dtls-accepts-reflected", &["dtls.8827.6.5.reflected"]),
    ("mutant:peer-srtp-accepts-reflected", &["srtp.5764.4.2.reflected", "srtp.7714.5.3.reflected"]),
    ("mutant:peer-srtcp-accepts-plain-rtcp", &["srtp.3711.3.4.plain"]),
    ("mutant:peer-new-tie-breaker-per-check", &["ice.8445.16.1."]),
    ("mutant@aiortc:sctp-ordered-as-unordered", &["sctp.8832.6.ordered"]),
    ("mutant@aiortc:sctp-eight-streams", &["sctp.8831.6.1.many-channels", "sctp.8831.6.1.target-opens-many"]),
    (
        "mutant@aiortc:srtp-drops-inbound",
        &["srtp.5764.4.2.harness-srtp-received", "srtp.5764.4.2.harness-srtcp-received"],
    ),
    ("mutant@aiortc:sctp-user-data-on-next-stream", &["sctp.8832.6.user-data"]),
    ("mutant@aiortc:sctp-init-no-extensions", &["sctp.8831.6.1.init-"]),
    ("mutant@aiortc:sctp-string-as-binary", &["sctp.8831.6.6.string"]),
    ("mutant@aiortc:sctp-binary-as-string", &["sctp.8831.6.6.binary"]),
    ("mutant@aiortc:sctp-empty-as-non-empty", &["sctp.8831.6.6.empty-string-ppid", "sctp.8831.6.6.empty-binary-ppid"]),
    ("mutant@aiortc:sctp-close-without-reset", &["sctp.8831.6.7."]),
    ("mutant@aiortc:sctp-dcep-wrong-ppid", &["sctp.8832.6.open-ordered"]),
    (
        "mutant@aiortc:sctp-dcep-unordered",
        &["sctp.8832.6.open-ordered", "sctp.8832.6.open-of-unordered", "sctp.8832.6.ack-of-unordered"],
    ),
    ("mutant@aiortc:sctp-no-dcep-ack", &["sctp.8832.6.ack"]),
    ("mutant@aiortc:sctp-wrong-stream-parity", &["sctp.8832.6.stream"]),
    ("mutant@aiortc:sctp-open-reliable-type", &["sctp.8832.5.1.open"]),
    ("mutant@aiortc:sctp-unordered-as-ordered", &["sctp.8832.6.unordered"]),
    ("mutant@aiortc:sctp-empty-spends-ssn", &["sctp.9260.6.5.ssn-contiguous"]),
    ("mutant@aiortc:sctp-ssn-starts-at-one", &["sctp.9260.6.5.ssn-starts"]),
    ("mutant@werift:dtls-offers-1.3-ignores-sentinel", &["dtls.8446.4.1.3.downgrade-sentinel"]),
];

fn live_cases() -> Vec<&'static Case> {
    rtcspec_suites::all_cases().into_iter().filter(|c| c.needs.contains(&Capability::Peer)).collect()
}

#[test]
fn every_live_case_fails_against_one_peer_and_passes_against_another() {
    let cases = live_cases();
    assert!(!cases.is_empty());
    let mut outcomes: BTreeMap<&str, Vec<(String, OutcomeKind)>> = BTreeMap::new();
    let mut record = |name: &str, selected: &[&'static Case]| {
        let results = run_named(name, selected);
        for r in &results {
            let id = cases.iter().find(|c| c.id == r.id).map(|c| c.id).unwrap();
            outcomes.entry(id).or_default().push((name.to_string(), r.kind()));
        }
        results
    };
    for peer in PEERS {
        record(peer, &cases);
    }
    for (name, prefixes) in ALSO {
        let selected: Vec<_> = cases.iter().copied().filter(|c| prefixes.iter().any(|p| c.id.starts_with(p))).collect();
        assert!(!selected.is_empty(), "{name}: no case starts with {prefixes:?}");
        record(name, &selected);
    }
    let mut unbroken = Vec::new();
    for (name, prefixes) in MUTANTS {
        let selected: Vec<_> = cases.iter().copied().filter(|c| prefixes.iter().any(|p| c.id.starts_with(p))).collect();
        assert!(!selected.is_empty(), "{name}: no case starts with {prefixes:?}");
        for r in record(name, &selected) {
            // A SHOULD case that is broken says so as NonStrict.
            let level = cases.iter().find(|c| c.id == r.id).map(|c| c.spec.level);
            let broken = if level == Some(Level::Must) { OutcomeKind::Fail } else { OutcomeKind::NonStrict };
            if r.kind() != broken {
                unbroken.push(format!("  {name} on {}: {:?} ({})", r.id, r.kind(), r.outcome.summary()));
            }
        }
    }
    assert!(unbroken.is_empty(), "faults that do not break the cases they are meant to:\n{}", unbroken.join("\n"));
    let mut bad = Vec::new();
    for c in &cases {
        let by_peer = outcomes.get(c.id).cloned().unwrap_or_default();
        let fails = by_peer.iter().any(|(_, k)| matches!(k, OutcomeKind::Fail | OutcomeKind::NonStrict));
        let passes = by_peer.iter().any(|(_, k)| matches!(k, OutcomeKind::Pass));
        if !(fails && passes) {
            bad.push(format!("  {}: {by_peer:?}", c.id));
        }
    }
    assert!(bad.is_empty(), "live cases not shown to both fail and pass:\n{}", bad.join("\n"));
}
