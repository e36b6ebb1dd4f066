//! Browsers as targets, as a user runs them: a crashed browser costs one case and is
//! restarted, Ctrl-C leaves no browser or driver behind, and a missing browser says how to
//! install it. Each run gets a TMPDIR of its own, which every process it starts inherits
//! (and each browser profile lives in), so the processes of one run can be told from any
//! other's. Needs root (the browsers run in network namespaces) and `cargo xtask setup`.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn require(browser: &str, package: &str) {
    assert!(
        Path::new(browser).exists(),
        "{browser} is not installed: run `cargo xtask setup` (apt-get install {package})"
    );
    let node_modules = root().join("target/shim-node/node_modules/puppeteer-core");
    assert!(node_modules.is_dir(), "{} is missing: run `cargo xtask setup`", node_modules.display());
}

/// Processes whose command line or environment names `marker` (the run's TMPDIR), with
/// their command lines.
fn processes_of(marker: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let dir = entry.path();
        if !dir.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit())) {
            continue;
        }
        let read = |file: &str| std::fs::read(dir.join(file)).map(|b| String::from_utf8_lossy(&b).replace('\0', " "));
        let cmdline = read("cmdline").unwrap_or_default();
        let environ = read("environ").unwrap_or_default();
        if cmdline.contains(marker) || environ.contains(&format!("TMPDIR={marker}")) {
            found.push(format!("{}: {cmdline}", dir.display()));
        }
    }
    found
}

/// `rtcspec run` in a process group of its own (as a shell starts a job), with `tmp` as its
/// TMPDIR; its stderr lines come through the returned channel.
fn start_run(args: &[&str], tmp: &Path) -> (Child, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rtcspec"))
        .args(args)
        .current_dir(root())
        .env("CI", "1")
        .env("TMPDIR", tmp)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// Waits up to `within` for a line `wanted` accepts; the lines read meanwhile go to `seen`.
fn wait_line(lines: &mpsc::Receiver<String>, seen: &mut Vec<String>, within: Duration, wanted: impl Fn(&str) -> bool) {
    let until = Instant::now() + within;
    while let Ok(line) = lines.recv_timeout(until.saturating_duration_since(Instant::now())) {
        let done = wanted(&line);
        seen.push(line);
        if done {
            return;
        }
    }
    panic!("no such line within {within:?}; stderr so far:\n{}", seen.join("\n"));
}

fn wait_exit(child: &mut Child, within: Duration) -> Option<i32> {
    let until = Instant::now() + within;
    while Instant::now() < until {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    panic!("rtcspec did not exit within {within:?}");
}

/// Nothing of the run is left: no process, and nothing in its TMPDIR.
fn assert_all_gone(tmp: &Path) {
    // The kernel reaps a PID namespace's processes a moment after its first one dies.
    let until = Instant::now() + Duration::from_secs(5);
    let mut left = processes_of(&tmp.display().to_string());
    while !left.is_empty() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(200));
        left = processes_of(&tmp.display().to_string());
    }
    assert!(left.is_empty(), "processes outlived the run:\n{}", left.join("\n"));
    let files: Vec<_> = std::fs::read_dir(tmp).unwrap().flatten().map(|e| e.path()).collect();
    assert!(files.is_empty(), "the run left files in its TMPDIR: {files:?}");
}

#[test]
fn a_killed_browser_costs_one_case_and_is_restarted() {
    require("/usr/bin/chromium", "chromium");
    let tmp = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let args = ["run", "--target", "chromium", "--case", "sctp.8831.6.6.*", "--jobs", "1", "--format", "json"];
    let (mut child, lines) = start_run(&[&args[..], &["--out", out.path().to_str().unwrap()]].concat(), tmp.path());
    let mut seen = Vec::new();
    wait_line(&lines, &mut seen, Duration::from_secs(60), |l| l.starts_with("[1] "));
    let marker = tmp.path().display().to_string();
    // The browser's own processes (Debian runs /usr/lib/chromium/chromium), not rtcspec,
    // unshare or the shim, whose command lines also say "chromium".
    let browsers: Vec<String> =
        processes_of(&marker).into_iter().filter(|p| p.contains("/usr/lib/chromium/chromium")).collect();
    assert!(!browsers.is_empty(), "no Chromium of this run found");
    for p in &browsers {
        let pid = p.split(':').next().unwrap().trim_start_matches("/proc/");
        let _ = Command::new("kill").args(["-KILL", pid]).status();
    }
    assert_eq!(wait_exit(&mut child, Duration::from_secs(120)), Some(1));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("report.json")).unwrap()).unwrap();
    let kinds: Vec<&str> =
        report["results"].as_array().unwrap().iter().map(|r| r["outcome"]["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "crash").count(), 1, "{kinds:?}");
    let crashed = kinds.iter().position(|k| *k == "crash").unwrap();
    assert!(crashed + 1 < kinds.len(), "the crash was the last case, so no restart was shown: {kinds:?}");
    assert!(kinds[crashed + 1..].iter().all(|k| *k == "pass"), "cases after the crash: {kinds:?}");
    assert!(kinds[..crashed].iter().all(|k| *k == "pass"), "cases before the crash: {kinds:?}");
    assert_all_gone(tmp.path());
}

#[test]
fn ctrl_c_leaves_no_browser_or_driver_behind() {
    require("/usr/bin/firefox-esr", "firefox-esr");
    let tmp = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let args = ["run", "--target", "firefox", "--suite", "sctp", "--jobs", "2", "--format", "json"];
    let (mut child, lines) = start_run(&[&args[..], &["--out", out.path().to_str().unwrap()]].concat(), tmp.path());
    let mut seen = Vec::new();
    wait_line(&lines, &mut seen, Duration::from_secs(60), |l| l.starts_with("[1] ") || l.starts_with("[2] "));
    assert!(
        processes_of(&tmp.path().display().to_string()).iter().any(|p| p.contains("firefox")),
        "no Firefox of this run found while it ran"
    );
    // Ctrl-C at a terminal: SIGINT to the job's process group.
    let group = format!("-{}", child.id());
    assert!(Command::new("kill").args(["-INT", "--", &group]).status().unwrap().success());
    assert_eq!(wait_exit(&mut child, Duration::from_secs(90)), Some(130), "{}", seen.join("\n"));
    let report = std::fs::read_to_string(out.path().join("report.json")).unwrap();
    assert!(report.contains("\"interrupted\": true"), "{report}");
    assert_all_gone(tmp.path());
}

#[test]
fn a_missing_browser_says_how_to_install_it() {
    let o = Command::new(env!("CARGO_BIN_EXE_rtcspec"))
        .args(["run", "--target", "chromium", "--suite", "sctp"])
        .current_dir(root())
        .env("CI", "1")
        .env("RTCSPEC_CHROMIUM_PATH", "/nonexistent/chromium")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("/nonexistent/chromium is missing") && stderr.contains("apt-get install chromium"),
        "{stderr}"
    );
}
