//! A live peer that crashes, hangs or writes garbage in the middle of a call costs that case
//! (Crash, Timeout, or an Error quoting the line), the driver restarts it, and the next case
//! runs against it as usual. The peer is the reference as a separate process
//! (`rtcspec peer-shim`) behind `tests/fixtures/misbehaving_peer_shim.py`, which misbehaves
//! at its first `peer.offer` only.

use std::path::Path;
use std::process::Command;

/// Two live cases in which the target offers (so both send `peer.offer`), and which the
/// reference passes.
const FIRST: &str = "dtls.8842.5.2.offer-actpass";
const SECOND: &str = "ice.8445.7.1.1.check-priority";

fn run_with(mode: &str) -> serde_json::Value {
    run_with_jobs(mode, "1")
}

/// One run of the two cases on `jobs` workers. One worker is what the restart tests need: the
/// second case runs on the very shim the driver restarted.
fn run_with_jobs(mode: &str, jobs: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/misbehaving_peer_shim.py");
    let toml = format!(
        "name = \"misbehaving\"\nkind = \"shim\"\ncommand = [\"python3\", {:?}, {mode:?}, {:?}, \"--\", {:?}, \
            \"peer-shim\"]\n",
        fixture.to_str().unwrap(),
        dir.path().join("state").to_str().unwrap(),
        env!("CARGO_BIN_EXE_rtcspec"),
    );
    let target = dir.path().join("misbehaving.toml");
    std::fs::write(&target, toml).unwrap();
    let out = dir.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_rtcspec"))
        .args(["run", "--target", target.to_str().unwrap(), "--case", FIRST, "--case", SECOND, "--seed", "7"])
        .args(["--jobs", jobs])
        .args(["--out", out.to_str().unwrap()])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    // Exit 1: a case did not pass; the run itself went through.
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap()
}

/// (id, outcome kind, outcome text) of each result.
fn results(report: &serde_json::Value) -> Vec<(String, String, String)> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["outcome"]["kind"].as_str().unwrap_or("").to_string(),
                r["outcome"].to_string(),
            )
        })
        .collect()
}

fn assert_first_costs(mode: &str, kind: &str, quote: &str) {
    let r = results(&run_with(mode));
    assert_eq!(r.len(), 2, "{r:?}");
    // Whichever case runs first meets the misbehaviour.
    assert_eq!(r[0].1, kind, "{mode}: {r:?}");
    assert!(r[0].2.contains(quote), "{mode}: the outcome should say {quote:?}: {}", r[0].2);
    assert_eq!(r[1].1, "pass", "{mode}: the next case runs as usual: {r:?}");
}

#[test]
fn a_peer_that_crashes_mid_call_costs_one_case() {
    assert_first_costs("crash", "crash", "");
}

#[test]
fn a_peer_that_hangs_mid_call_costs_one_case() {
    assert_first_costs("hang", "timeout", "");
}

#[test]
fn a_peer_that_writes_garbage_gets_an_error_quoting_the_line() {
    assert_first_costs("garbage", "error", "garbage from the misbehaving shim");
}

#[test]
fn on_two_workers_a_crash_costs_only_its_own_case() {
    // Each worker has its own shim process; the one that meets the misbehaviour crashes, the
    // other's case passes, and the report keeps the selection's order.
    let r = results(&run_with_jobs("crash", "2"));
    let kinds: Vec<&str> = r.iter().map(|(_, k, _)| k.as_str()).collect();
    assert!(kinds == ["crash", "pass"] || kinds == ["pass", "crash"], "{r:?}");
    let ids: Vec<&str> = r.iter().map(|(id, _, _)| id.as_str()).collect();
    let all = listed_in_order(&ids);
    assert!(all, "results out of selection order: {ids:?}");
}

/// The two cases in the order `rtcspec list` gives them (the report's order).
fn listed_in_order(ids: &[&str]) -> bool {
    let o =
        Command::new(env!("CARGO_BIN_EXE_rtcspec")).args(["list", "--case", FIRST, "--case", SECOND]).output().unwrap();
    let listed: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|id| *id == FIRST || *id == SECOND)
        .map(str::to_string)
        .collect();
    listed == ids
}
