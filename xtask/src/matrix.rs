//! `cargo xtask matrix`: every suite against every stack of the compatibility matrix, with one
//! seed, into `reports/examples/<target>/`, each run compared with the target's baseline, and
//! the matrix made of the reports. The full suites of the slow external targets (the browsers
//! and libwebrtc) run here; CI runs a smoke selection of them (suites/tests/live_targets.rs).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

pub const USAGE: &str = "cargo xtask matrix [--targets a,b] [--seed N] [--out reports/examples]
  Builds rtcspec (release) and runs --suite stun,sdp,ice,dtls,srtp,sctp against each target
  (default: reference, str0m, aiortc, werift, libwebrtc, chromium, firefox) with one seed
  (default 20261205) into <out>/<target>/ (report.json and the evidence of failing cases),
  comparing each with targets/<target>.expected.json, then writes <out>/matrix.html and
  matrix.md. A run that differs from its baseline is listed at the end and the task exits 1;
  the examples are written either way. Takes about 20 minutes on 2 cores.";

/// The stacks of the matrix, in its column order.
pub const TARGETS: [&str; 7] = ["reference", "str0m", "aiortc", "werift", "libwebrtc", "chromium", "firefox"];
const SUITES: &str = "stun,sdp,ice,dtls,srtp,sctp";
const SEED: &str = "20261205";

struct Options {
    targets: Vec<String>,
    seed: String,
    out: PathBuf,
}

fn parse(root: &Path, args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        targets: TARGETS.iter().map(|t| t.to_string()).collect(),
        seed: SEED.into(),
        out: root.join("reports/examples"),
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().cloned().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"));
        match flag.as_str() {
            "--targets" => o.targets = value()?.split(',').filter(|t| !t.is_empty()).map(str::to_string).collect(),
            "--seed" => o.seed = value()?,
            "--out" => o.out = PathBuf::from(value()?),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(o)
}

pub fn matrix(root: &Path, args: &[String]) -> Result<(), String> {
    let o = parse(root, args)?;
    crate::run(Command::new(env!("CARGO")).args(["build", "--release", "--bin", "rtcspec"]).current_dir(root))?;
    let rtcspec = root.join("target/release/rtcspec");
    let mut differing = Vec::new();
    let mut reports = Vec::new();
    for target in &o.targets {
        let dir = o.out.join(target);
        // Evidence of an earlier run would outlive the cases that made it.
        let _ = std::fs::remove_dir_all(&dir);
        let baseline = root.join(format!("targets/{target}.expected.json"));
        let started = Instant::now();
        let mut run = Command::new(&rtcspec);
        run.args(["run", "--target", target, "--suite", SUITES, "--seed", &o.seed, "--format", "json", "--out"])
            .arg(&dir)
            .current_dir(root);
        if baseline.is_file() {
            run.arg("--baseline").arg(&baseline);
        }
        eprintln!("xtask: {target}: $ {run:?}");
        let status = run.status().map_err(|e| format!("cannot run {}: {e}", rtcspec.display()))?;
        eprintln!("xtask: {target}: {:.0} s, {status}", started.elapsed().as_secs_f64());
        match status.code() {
            Some(0) => {}
            Some(1) if baseline.is_file() => differing.push(format!("{target} differs from {}", baseline.display())),
            Some(1) => differing.push(format!(
                "{target} has no baseline: write one with `rtcspec baseline write {} -o {}`",
                dir.join("report.json").display(),
                baseline.display()
            )),
            _ => differing.push(format!("{target}: rtcspec failed ({status}); see its output above")),
        }
        if dir.join("report.json").is_file() {
            reports.push(dir.join("report.json"));
        }
    }
    crate::run(
        Command::new(&rtcspec)
            .arg("matrix")
            .args(&reports)
            .arg("--out")
            .arg(o.out.join("matrix.html"))
            .current_dir(root),
    )?;
    if differing.is_empty() {
        eprintln!("xtask: every run matches its baseline; the matrix is in {}", o.out.display());
        Ok(())
    } else {
        Err(format!("the matrix is written, but:\n  {}", differing.join("\n  ")))
    }
}
