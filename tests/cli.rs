//! The CLI as a user runs it: exit codes, messages, the files a run writes.

use std::path::Path;
use std::process::{Command, Output};

fn rtcspec(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rtcspec")).args(args).current_dir(cwd).env("CI", "1").output().unwrap()
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn unknown_target_exits_2_and_lists_known_ones() {
    let o = rtcspec(&["run", "--target", "nonesuch"], root());
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("unknown target \"nonesuch\"") && e.contains("coturn") && e.contains("reference"), "{e}");
}

#[test]
fn broken_toml_exits_2_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.toml");
    std::fs::write(&file, "name = \"broken\"\nkind = \"shim\"\ncommand = [\"x\"\n").unwrap();
    let o = rtcspec(&["run", "--target", file.to_str().unwrap()], root());
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("broken.toml:3:") || e.contains("broken.toml:4:"), "{e}");
}

#[test]
fn a_shim_that_is_not_installed_exits_2_saying_how_to_install_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("missing.toml");
    std::fs::write(
        &file,
        "name = \"missing\"\nkind = \"shim\"\ncommand = [\"./no-such-program\"]\ninstall_hint = \
        \"pip install the-thing\"\n",
    )
    .unwrap();
    let o = rtcspec(&["run", "--target", file.to_str().unwrap()], root());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("pip install the-thing"), "{}", stderr(&o));
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(rtcspec(&["run", "--suite", "nonesuch"], root()).status.code(), Some(2));
    assert_eq!(rtcspec(&["run", "--format", "pdf"], root()).status.code(), Some(2));
    assert_eq!(rtcspec(&["run", "--case", "zzz.*"], root()).status.code(), Some(2));
    assert_eq!(rtcspec(&["frobnicate"], root()).status.code(), Some(2));
    assert_eq!(rtcspec(&["run", "--path-seed", "0xzz"], root()).status.code(), Some(2));
}

#[test]
fn a_path_seed_is_printed_and_kept_in_the_report() {
    let out = tempfile::tempdir().unwrap();
    let args = ["run", "--case", "dtls.6347.4.2.2.every-datagram-duplicated", "--seed", "7", "--path-seed", "0x10"];
    let o = rtcspec(&[&args[..], &["--format", "json", "--out", out.path().to_str().unwrap()]].concat(), root());
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    assert!(stderr(&o).contains("--path-seed 0x10"), "{}", stderr(&o));
    let report = std::fs::read_to_string(out.path().join("report.json")).unwrap();
    assert!(report.contains("\"path_seed\": \"16\""), "{report}");
}

#[test]
fn run_writes_four_formats_and_baselines_round_trip() {
    let out = tempfile::tempdir().unwrap();
    let o = rtcspec(
        &["run", "--suite", "stun", "--target", "reference", "--seed", "7", "--out", out.path().to_str().unwrap()],
        root(),
    );
    let code = o.status.code();
    assert!(code == Some(0) || code == Some(1), "{}", stderr(&o));
    for f in ["report.json", "junit.xml", "report.html", "report.md"] {
        assert!(out.path().join(f).is_file(), "{f} missing");
    }
    let report = std::fs::read_to_string(out.path().join("report.json")).unwrap();
    assert!(report.contains("\"seed\": \"7\""), "the seed is in the report");
    assert!(stderr(&o).contains("seed 7"), "the seed is printed");

    let baseline = out.path().join("baseline.json");
    let w = rtcspec(
        &["baseline", "write", out.path().join("report.json").to_str().unwrap(), "-o", baseline.to_str().unwrap()],
        root(),
    );
    assert_eq!(w.status.code(), Some(0), "{}", stderr(&w));
    let again = rtcspec(
        &[
            "run",
            "--suite",
            "stun",
            "--target",
            "reference",
            "--seed",
            "7",
            "--out",
            out.path().to_str().unwrap(),
            "--baseline",
            baseline.to_str().unwrap(),
        ],
        root(),
    );
    assert_eq!(again.status.code(), Some(0), "a run matches the baseline made from the same run: {}", stderr(&again));

    // Against a mutant the same baseline must not match.
    let worse = rtcspec(
        &[
            "run",
            "--suite",
            "stun",
            "--target",
            "mutant:skip-integrity",
            "--seed",
            "7",
            "--out",
            out.path().to_str().unwrap(),
            "--baseline",
            baseline.to_str().unwrap(),
        ],
        root(),
    );
    assert_eq!(worse.status.code(), Some(1), "{}", stderr(&worse));
    assert!(stderr(&worse).contains("regression"), "{}", stderr(&worse));
}

#[test]
fn failing_cases_keep_evidence_that_tshark_decodes() {
    let out = tempfile::tempdir().unwrap();
    let o = rtcspec(
        &[
            "run",
            "--target",
            "mutant@model:wrong-txid",
            "--case",
            "stun.8489.6.3.1.transaction-id-echoed",
            "--out",
            out.path().to_str().unwrap(),
        ],
        root(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let pcap = out.path().join("evidence/stun.8489.6.3.1.transaction-id-echoed.pcapng");
    assert!(pcap.is_file());
    let junit = std::fs::read_to_string(out.path().join("junit.xml")).unwrap();
    assert!(junit.contains("evidence/stun.8489.6.3.1.transaction-id-echoed.pcapng"), "JUnit names the evidence");
    let t = Command::new("tshark")
        .args(["-n", "-r", pcap.to_str().unwrap(), "-Y", "stun", "-T", "fields", "-e", "stun.type"])
        .output();
    let t = t.expect("tshark is not installed: run `cargo xtask setup`");
    let lines = String::from_utf8_lossy(&t.stdout);
    assert_eq!(
        lines.lines().count(),
        2,
        "tshark sees the request and the response as STUN: {lines:?} {}",
        String::from_utf8_lossy(&t.stderr)
    );
}

#[test]
fn failing_sdp_cases_keep_the_offer_and_answer() {
    let out = tempfile::tempdir().unwrap();
    let id = "sdp.9429.5.3.1.setup-active-or-passive";
    let o = rtcspec(
        &["run", "--target", "mutant@model:answer-setup-actpass", "--case", id, "--out", out.path().to_str().unwrap()],
        root(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = std::fs::read_to_string(out.path().join(format!("evidence/{id}.txt"))).unwrap();
    let offer = text.find("===== 1. offer =====").expect("the offer comes first");
    let answer = text.find("===== 2. answer =====").expect("then the answer");
    assert!(offer < answer && text[answer..].contains("a=setup:actpass"), "{text}");
    let report = std::fs::read_to_string(out.path().join("report.json")).unwrap();
    assert!(report.contains(&format!("evidence/{id}.txt")), "the report names the evidence");
}

#[test]
fn list_and_requirements() {
    let o = rtcspec(&["list", "--suite", "stun"], root());
    assert_eq!(o.status.code(), Some(0));
    let n = String::from_utf8_lossy(&o.stdout).lines().count();
    assert!(n >= 60, "at least 60 STUN cases, found {n}");
    let r = rtcspec(&["list", "--requirements"], root());
    assert_eq!(r.status.code(), Some(0));
    let text = String::from_utf8_lossy(&r.stdout);
    assert!(text.contains("RFC 8489") && text.contains("testable covered"), "{text}");
    assert!(text.contains("untestable") || text.contains("out of scope"));
}

#[test]
fn ctrl_c_writes_a_partial_report() {
    let out = tempfile::tempdir().unwrap();
    let target = root().join("suites/tests/fixtures/bad-hang.toml");
    let child = Command::new(env!("CARGO_BIN_EXE_rtcspec"))
        .args(["run", "--target", target.to_str().unwrap(), "--out", out.path().to_str().unwrap(), "--timeout", "30"])
        .current_dir(root())
        .env("CI", "1")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    let report = std::fs::read_to_string(out.path().join("report.json")).unwrap();
    assert!(report.contains("\"interrupted\": true"), "{report}");
    assert!(stderr(&o).contains("interrupted"), "{}", stderr(&o));
}

#[test]
fn diff_reports_minimized_disagreements() {
    let out = tempfile::tempdir().unwrap();
    let o = rtcspec(
        &[
            "diff",
            "--target",
            "reference,model",
            "--seed",
            "5",
            "--count",
            "600",
            "--out",
            out.path().to_str().unwrap(),
        ],
        root(),
    );
    assert_eq!(o.status.code(), Some(1), "the reference accepts non-zero top bits, the model does not: {}", stderr(&o));
    let md = std::fs::read_to_string(out.path().join("diff.md")).unwrap();
    assert!(md.contains("accept/reject: reference accept; model reject"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("diff.json")).unwrap()).unwrap();
    assert_eq!(json["seed"], "5");
    // Same decoder twice: nothing to report.
    let same =
        rtcspec(&["diff", "--target", "model,model", "--count", "300", "--out", out.path().to_str().unwrap()], root());
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert_eq!(rtcspec(&["diff", "--target", "coturn,model"], root()).status.code(), Some(2), "coturn has no decoder");
}

#[test]
fn sdp_diff_finds_a_lossy_parser_on_the_corpus() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    let args = ["diff", "--protocol", "sdp", "--input", "corpora/sdp/aiortc", "--count", "200", "--seed", "3"];
    let o =
        rtcspec(&[&args[..], &["--target", "model,mutant@model:sdp-drop-candidate", "--out", dir]].concat(), root());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let md = std::fs::read_to_string(out.path().join("diff.md")).unwrap();
    assert!(md.contains("## candidates kept differently") && md.contains("a=candidate:"), "{md}");
    let same = rtcspec(&[&args[..], &["--target", "model,model", "--out", dir]].concat(), root());
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    let missing = rtcspec(&["diff", "--protocol", "sdp", "--input", "no/such/dir", "--out", dir], root());
    assert_eq!(missing.status.code(), Some(2), "{}", stderr(&missing));
    assert!(stderr(&missing).contains("no/such/dir"), "{}", stderr(&missing));
}

#[test]
fn lint_sdp_exit_codes_stdin_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.sdp");
    std::fs::write(
        &bad,
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN \
        IP4 0.0.0.0\r\na=ice-ufrag:ab\r\na=ice-pwd:0123456789012345678901\r\n",
    )
    .unwrap();
    let o = rtcspec(&["lint", "sdp", bad.to_str().unwrap()], root());
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("bad.sdp:7: MUST sdp.8839.5.4.ice-ufrag-grammar (RFC 8839 §5.4)"), "{text}");

    let lf_only = dir.path().join("lf.sdp");
    std::fs::write(&lf_only, "v=0\no=- 1 2 IN IP4 127.0.0.1\ns=-\nt=0 0\n").unwrap();
    let o = rtcspec(&["lint", "sdp", lf_only.to_str().unwrap()], root());
    assert_eq!(o.status.code(), Some(0), "SHOULD-level findings only: {}", String::from_utf8_lossy(&o.stdout));
    assert!(String::from_utf8_lossy(&o.stdout).contains("SHOULD sdp.8866.5.crlf-line-endings"));

    let mut child = Command::new(env!("CARGO_BIN_EXE_rtcspec"))
        .args(["lint", "sdp", "-", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&std::fs::read(&bad).unwrap()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["documents"][0]["findings"][0]["rule"], "sdp.8839.5.4.ice-ufrag-grammar");

    assert_eq!(rtcspec(&["lint", "sdp", "/nonexistent.sdp"], root()).status.code(), Some(2));
    let binary = dir.path().join("garbage.sdp");
    std::fs::write(&binary, [0u8, 0xff, 0xfe, b'\n', 0x80]).unwrap();
    let o = rtcspec(&["lint", "sdp", binary.to_str().unwrap()], root());
    assert_eq!(o.status.code(), Some(1), "garbage is findings, not a crash");
}

#[test]
fn replay_writes_reports_and_exit_codes_say_what_happened() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ok");
    let o = rtcspec(
        &[
            "replay",
            "captures/aiortc-aiortc.pcapng",
            "--sdp",
            "captures/aiortc-aiortc.offer.sdp",
            "--sdp",
            "captures/aiortc-aiortc.answer.sdp",
            "--keylog",
            "captures/aiortc-aiortc.keys",
            "--out",
            out.to_str().unwrap(),
        ],
        root(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for f in ["report.json", "junit.xml", "report.html", "report.md"] {
        assert!(out.join(f).exists(), "{f}");
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["target"]["kind"], "capture");
    assert_eq!(report["capture"]["protocols"]["rtp"], 242);
    // A wrong password in the SDP: MESSAGE-INTEGRITY fails, exit 1, the packet is named.
    let sdp = std::fs::read_to_string(root().join("captures/aiortc-aiortc.answer.sdp")).unwrap();
    let wrong = dir.path().join("wrong.sdp");
    std::fs::write(&wrong, sdp.replace("a=ice-pwd:", "a=ice-pwd:x")).unwrap();
    let bad = dir.path().join("bad");
    let o = rtcspec(
        &["replay", "captures/aiortc-aiortc.pcapng", "--sdp", wrong.to_str().unwrap(), "--out", bad.to_str().unwrap()],
        root(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let md = std::fs::read_to_string(bad.join("report.md")).unwrap();
    assert!(md.contains("replay.ice.8445.7.3.integrity-valid") && md.contains("packet "), "{md}");
    // Not a capture: exit 2, the error names the file, and the report is still written.
    let junk = dir.path().join("junk.pcapng");
    std::fs::write(&junk, b"not a capture at all").unwrap();
    let broken = dir.path().join("broken");
    let o = rtcspec(&["replay", junk.to_str().unwrap(), "--out", broken.to_str().unwrap()], root());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("junk.pcapng: not a pcap or pcapng file"), "{}", stderr(&o));
    assert!(std::fs::read_to_string(broken.join("report.json")).unwrap().contains("replay.capture.readable"));
}

#[test]
fn the_default_run_replays_the_bundled_captures() {
    let dir = tempfile::tempdir().unwrap();
    let o = rtcspec(&["run", "--seed", "1", "--out", dir.path().to_str().unwrap()], root());
    assert!(stderr(&o).contains("replaying the captures of captures/MANIFEST.toml"), "{}", stderr(&o));
    for name in ["aiortc-aiortc", "openssl-dtls12", "aiortc-turn-aiortc"] {
        assert!(dir.path().join("replay").join(name).join("report.json").exists(), "{name}");
    }
}

#[test]
fn corpus_extract_writes_distinct_seeds_per_format() {
    let dir = tempfile::tempdir().unwrap();
    let o = rtcspec(
        &[
            "corpus",
            "extract",
            "captures/aiortc-aiortc.pcapng",
            "--keylog",
            "captures/aiortc-aiortc.keys",
            "--max-per-format",
            "50",
            "--out",
            dir.path().to_str().unwrap(),
        ],
        root(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for (format, at_least) in [("stun", 2), ("dtls", 10), ("rtp", 50), ("rtcp", 5), ("sctp", 10)] {
        let files: Vec<_> = std::fs::read_dir(dir.path().join(format)).unwrap().map(|e| e.unwrap().path()).collect();
        assert!(files.len() >= at_least && files.len() <= 50, "{format}: {}", files.len());
        let first = std::fs::read(&files[0]).unwrap();
        assert!(!first.is_empty());
    }
    // A decrypted SCTP seed starts with the association's common header (ports 5000).
    let sctp = std::fs::read_dir(dir.path().join("sctp")).unwrap().next().unwrap().unwrap().path();
    assert_eq!(std::fs::read(sctp).unwrap()[..4], [0x13, 0x88, 0x13, 0x88]);
}

#[test]
fn diff_takes_real_stun_messages_from_captures() {
    let dir = tempfile::tempdir().unwrap();
    let o = rtcspec(
        &[
            "diff",
            "--target",
            "model,mutant@model:mis-xor-port",
            "--count",
            "0",
            "--capture",
            "captures/aiortc-aiortc.pcapng",
            "--seed",
            "1",
            "--out",
            dir.path().to_str().unwrap(),
        ],
        root(),
    );
    assert!(stderr(&o).contains("4 distinct STUN messages from 1 capture(s)"), "{}", stderr(&o));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("diff.json")).unwrap()).unwrap();
    assert_eq!(report["inputs"], 4);
    let found = report["disagreements"].as_array().unwrap();
    assert!(
        found.iter().any(|d| d["captured"] == true && d["kind"].as_str().unwrap().contains("XOR-MAPPED-ADDRESS")),
        "{found:?}"
    );
}

#[test]
fn matrix_merges_reports_and_links_failures_to_their_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let out = |t: &str| dir.path().join(t).display().to_string();
    for target in ["reference", "str0m"] {
        let o =
            rtcspec(&["run", "--target", target, "--suite", "stun", "--format", "json", "--out", &out(target)], root());
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    }
    let page = dir.path().join("m/matrix.html");
    let o = rtcspec(
        &[
            "matrix",
            &format!("{}/report.json", out("reference")),
            &format!("{}/report.json", out("str0m")),
            "--out",
            &page.display().to_string(),
        ],
        root(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("reference (webrtc-rs") && html.contains("str0m (str0m"), "both columns");
    // Every evidence link resolves from the page's folder.
    let links: Vec<&str> = html.split("href=\"../").skip(1).map(|s| s.split('"').next().unwrap()).collect();
    assert!(!links.is_empty(), "failing cells link to their evidence");
    for link in links {
        assert!(dir.path().join(link).is_file(), "{link} does not resolve");
    }
    let md = std::fs::read_to_string(dir.path().join("m/matrix.md")).unwrap();
    assert!(md.contains("| `stun.8489.5.top-bits-rejected`"), "{md}");
    // A file that is not a report is a usage error naming it.
    let o = rtcspec(&["matrix", "Cargo.toml", "--out", &page.display().to_string()], root());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Cargo.toml"), "{}", stderr(&o));
}
