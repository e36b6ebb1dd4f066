//! `cargo xtask fuzz`: every fuzz target for a time budget on all cores, then corpus merge
//! and minimization, crash minimization into corpora/regressions/, and rtcspec's report.
//!
//! Needs the nightly toolchain (`rustup toolchain install nightly`); cargo-fuzz is
//! installed when missing. The targets, their seed folders and dictionaries come from
//! fuzz/targets.tsv, which a test keeps equal to the library's list.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::run;

pub const USAGE: &str =
    "cargo xtask fuzz [--budget 8h] [--targets a,b] [--jobs N] [--rss-limit-mb 2048] [--timeout 10] \
    [--seed N] [--run-dir target/fuzz-run] [--out reports/fuzz]
  Runs every fuzz target (or --targets) for an equal share of --budget (s, m or h; default 8h),
  each with libFuzzer's -fork=N on N cores (default: all), merges and minimizes fuzz/corpus/<target>,
  minimizes each crash into corpora/regressions/<target>/, and writes the report to --out.
  The logs and run.json go to --run-dir; run.json is rewritten after every target, so an
  interrupted run still makes a report: cargo run --release -- fuzz report <run-dir>.
  Two runs at once (say, half the targets each with --jobs 1) need two --run-dir.";

struct Options {
    budget_seconds: u64,
    targets: Option<Vec<String>>,
    jobs: u32,
    rss_limit_mb: u64,
    timeout: u64,
    seed: u64,
    run_dir: PathBuf,
    out: PathBuf,
}

/// `cargo` for the nightly fuzz commands, without the variables `cargo xtask` (a stable
/// `cargo run`) put in this process's environment: with them, cargo +nightly sees a changed
/// environment and rebuilds every build script of the fuzz workspace.
fn cargo() -> Command {
    let mut cmd = Command::new("cargo");
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy();
        if k.starts_with("CARGO_") || k == "CARGO" || k == "RUSTUP_TOOLCHAIN" || k == "RUSTC" || k == "RUSTDOC" {
            cmd.env_remove(&key);
        }
    }
    cmd
}

/// `600`, `600s`, `10m`, `8h`.
fn seconds(text: &str) -> Result<u64, String> {
    let (number, unit) = match text.char_indices().last() {
        Some((i, c @ ('s' | 'm' | 'h'))) => (&text[..i], c),
        _ => (text, 's'),
    };
    let n: u64 = number.parse().map_err(|_| format!("{text:?} is not a duration (600, 600s, 10m, 8h)"))?;
    Ok(n * match unit {
        'h' => 3600,
        'm' => 60,
        _ => 1,
    })
}

fn options(args: &[String]) -> Result<Options, String> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);
    let seed = SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |d| d.as_secs() % 1_000_000_007);
    let mut o = Options {
        budget_seconds: 8 * 3600,
        targets: None,
        jobs: cores,
        rss_limit_mb: 2048,
        timeout: 10,
        seed,
        run_dir: PathBuf::from("target/fuzz-run"),
        out: PathBuf::from("reports/fuzz"),
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{flag} needs a value\n{USAGE}"));
        let number = |v: String| v.parse::<u64>().map_err(|_| format!("{flag}: {v:?} is not a number"));
        match flag.as_str() {
            "--budget" => o.budget_seconds = seconds(&value()?)?,
            "--targets" => o.targets = Some(value()?.split(',').map(str::to_string).collect()),
            "--jobs" => o.jobs = number(value()?)?.max(1) as u32,
            "--rss-limit-mb" => o.rss_limit_mb = number(value()?)?,
            "--timeout" => o.timeout = number(value()?)?,
            "--seed" => o.seed = number(value()?)?,
            "--run-dir" => o.run_dir = PathBuf::from(value()?),
            "--out" => o.out = PathBuf::from(value()?),
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    Ok(o)
}

/// The nightly toolchain and cargo-fuzz, installed when missing (idempotent).
fn cargo_fuzz() -> Result<(), String> {
    let ok = |args: &[&str]| {
        cargo().args(args).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
    };
    if !ok(&["+nightly", "--version"]) {
        return Err("the nightly toolchain is missing: rustup toolchain install nightly".into());
    }
    if !ok(&["+nightly", "fuzz", "--version"]) {
        run(cargo().args(["install", "cargo-fuzz", "--locked"]))?;
    }
    Ok(())
}

struct Target {
    name: String,
    seeds: Vec<String>,
    dictionary: Option<String>,
}

/// fuzz/targets.tsv: name, seed folders, dictionary (a test keeps it equal to the library's
/// list, `rtcspec fuzz list --tsv`).
fn targets(root: &Path) -> Result<Vec<Target>, String> {
    let path = root.join("fuzz/targets.tsv");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let name = cols.next()?.to_string();
            let seeds =
                cols.next().filter(|s| *s != "-").map_or(vec![], |s| s.split(',').map(str::to_string).collect());
            let dictionary = cols.next().filter(|d| *d != "-").map(str::to_string);
            Some(Target { name, seeds, dictionary })
        })
        .collect())
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A crash kept from this run: where it went, and its log (one run of the input).
struct Kept {
    regression: String,
    log: String,
}

/// Minimizes each new crashing input, keeps the result in corpora/regressions/<target>/, and
/// runs it once to keep what it prints (in fork mode libFuzzer's own log does not say).
fn keep_crashes(root: &Path, run_dir: &Path, target: &str, before: &[PathBuf]) -> Result<Vec<Kept>, String> {
    let artifacts = root.join("fuzz/artifacts").join(target);
    let mut kept = Vec::new();
    for artifact in files_in(&artifacts) {
        let name = artifact.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let kind = ["crash-", "timeout-", "oom-", "leak-"].into_iter().find(|p| name.starts_with(p));
        if before.contains(&artifact) || kind.is_none() {
            continue;
        }
        let minimized_before = files_in(&artifacts);
        // tmin's own exit status says nothing useful (the input crashes by design).
        let _ = cargo()
            .args(["+nightly", "fuzz", "tmin", "-r", "2000", target])
            .arg(&artifact)
            .current_dir(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let smallest = files_in(&artifacts)
            .into_iter()
            .filter(|p| !minimized_before.contains(p))
            .chain(std::iter::once(artifact.clone()))
            .min_by_key(|p| std::fs::metadata(p).map_or(u64::MAX, |m| m.len()))
            .unwrap_or(artifact.clone());
        let dir = root.join("corpora/regressions").join(target);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let file = format!("{}{}", kind.unwrap_or("crash-"), name.rsplit('-').next().unwrap_or("input"));
        let to = dir.join(&file);
        std::fs::copy(&smallest, &to).map_err(|e| format!("{}: {e}", to.display()))?;
        let log = format!("{target}-{file}.txt");
        let binary = root.join("fuzz/target/x86_64-unknown-linux-gnu/release").join(target);
        let output = Command::new(&binary).arg(&to).output().map_err(|e| format!("{}: {e}", binary.display()))?;
        let text = [output.stdout, output.stderr].concat();
        std::fs::write(run_dir.join(&log), text).map_err(|e| format!("{log}: {e}"))?;
        eprintln!(
            "xtask: {target}: {} minimized into {} (add it to git, with a test)",
            artifact.display(),
            to.display()
        );
        kept.push(Kept { regression: format!("corpora/regressions/{target}/{file}"), log });
    }
    Ok(kept)
}

pub fn fuzz(root: &Path, args: &[String]) -> Result<(), String> {
    let o = options(args)?;
    cargo_fuzz()?;
    let mut all = targets(root)?;
    if let Some(wanted) = &o.targets {
        if let Some(unknown) = wanted.iter().find(|w| !all.iter().any(|t| &t.name == *w)) {
            let known: Vec<&str> = all.iter().map(|t| t.name.as_str()).collect();
            return Err(format!("no fuzz target {unknown:?}; known: {}", known.join(", ")));
        }
        all.retain(|t| wanted.contains(&t.name));
    }
    let share = (o.budget_seconds / all.len().max(1) as u64).max(10);
    eprintln!(
        "xtask: {} targets, {share} s each, -fork={} -rss_limit_mb={} \
            -timeout={} -seed={}",
        all.len(),
        o.jobs,
        o.rss_limit_mb,
        o.timeout,
        o.seed
    );
    run(cargo().args(["+nightly", "fuzz", "build"]).current_dir(root))?;
    let run_dir = root.join(&o.run_dir);
    // The run directory is replaced; refuse one that holds anything but an earlier run.
    if !files_in(&run_dir).is_empty() && !run_dir.join("run.json").is_file() {
        return Err(format!("{} is not empty and holds no run.json: not replacing it", run_dir.display()));
    }
    let _ = std::fs::remove_dir_all(&run_dir);
    std::fs::create_dir_all(&run_dir).map_err(|e| format!("{}: {e}", run_dir.display()))?;
    let started_unix = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let started = Instant::now();
    let mut records = Vec::new();
    for (i, t) in all.iter().enumerate() {
        let corpus = root.join("fuzz/corpus").join(&t.name);
        let artifacts = root.join("fuzz/artifacts").join(&t.name);
        for d in [&corpus, &artifacts] {
            std::fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
        }
        let before = files_in(&artifacts);
        let log_name = format!("{}.log", t.name);
        let log = File::create(run_dir.join(&log_name)).map_err(|e| format!("{log_name}: {e}"))?;
        let log2 = log.try_clone().map_err(|e| e.to_string())?;
        let mut cmd = cargo();
        cmd.args(["+nightly", "fuzz", "run", &t.name]).arg(&corpus);
        for s in &t.seeds {
            cmd.arg(root.join("corpora").join(s));
        }
        let regressions = root.join("corpora/regressions").join(&t.name);
        if regressions.is_dir() {
            cmd.arg(&regressions);
        }
        cmd.arg("--")
            .arg(format!("-max_total_time={share}"))
            .arg(format!("-fork={}", o.jobs))
            .arg("-ignore_crashes=1")
            .arg(format!("-rss_limit_mb={}", o.rss_limit_mb))
            .arg(format!("-timeout={}", o.timeout))
            .arg(format!("-seed={}", o.seed))
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .arg("-print_final_stats=1");
        if let Some(d) = &t.dictionary {
            cmd.arg(format!("-dict={}", root.join("fuzz/dict").join(d).display()));
        }
        eprintln!(
            "xtask: [{}/{}] {} for {share} s (log: {})",
            i + 1,
            all.len(),
            t.name,
            run_dir.join(&log_name).display()
        );
        let ran = Instant::now();
        let status =
            cmd.current_dir(root).stdout(log).stderr(log2).status().map_err(|e| format!("cargo fuzz run: {e}"))?;
        let seconds = ran.elapsed().as_secs();
        if !status.success() {
            eprintln!("xtask: {} exited with {status}: see its log", t.name);
        }
        let kept = keep_crashes(root, &run_dir, &t.name, &before)?;
        // Merge and minimize the corpus (libFuzzer -merge=1 through cargo fuzz cmin).
        let _ = cargo()
            .args(["+nightly", "fuzz", "cmin", &t.name])
            .arg(&corpus)
            .current_dir(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let corpus_files = files_in(&corpus).len();
        let findings: Vec<String> = kept
            .iter()
            .map(|k| format!("{{\"artifact\":{},\"log\":{}}}", json_string(&k.regression), json_string(&k.log)))
            .collect();
        records.push(format!(
            "{{\"name\":{},\"seconds\":{seconds},\"log\":{},\"corpus_after_merge\":\
                {corpus_files},\"findings\":[{}]}}",
            json_string(&t.name),
            json_string(&log_name),
            findings.join(",")
        ));
        // After every target, so that a run cut short still has its record.
        let record = format!(
            "{{\"seed\":{},\"started_unix\":{started_unix},\"duration_ms\":{},\"bud\
                get_seconds\":{},\"jobs\":{},\"rss_limit_mb\":{},\"targets\":[{}]}}\n",
            o.seed,
            started.elapsed().as_millis(),
            o.budget_seconds,
            o.jobs,
            o.rss_limit_mb,
            records.join(",")
        );
        std::fs::write(run_dir.join("run.json"), record).map_err(|e| format!("run.json: {e}"))?;
    }
    let status = Command::new(env!("CARGO"))
        .args(["run", "--release", "--quiet", "--", "fuzz", "report"])
        .arg(&run_dir)
        .arg("--out")
        .arg(&o.out)
        .current_dir(root)
        .status()
        .map_err(|e| format!("rtcspec fuzz report: {e}"))?;
    match status.code() {
        Some(0) => Ok(()),
        Some(1) => Err(format!("the fuzzers found something: see {}", o.out.join("report.md").display())),
        _ => Err(format!("rtcspec fuzz report failed ({status})")),
    }
}
