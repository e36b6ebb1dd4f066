//! The subcommands. Each returns the process exit code (0 ok, 1 conformance, 2 usage/env).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use indicatif::{ProgressBar, ProgressStyle};
use rtcspec_harness::case::OutcomeKind;
use rtcspec_harness::driver::mutant::Fault;
use rtcspec_harness::driver::spec::known_targets;
use rtcspec_harness::driver::{load_target, Session};
use rtcspec_harness::report::{self, Baseline, Report, Summary, Tool};
use rtcspec_harness::requirements::{coverage, Status};
use rtcspec_harness::runner::{self, Progress, RunOptions, Selection, INTERRUPTED};
use rtcspec_harness::seed::fresh_seed;

use crate::output::{parse_formats, print_summary, usage, write_reports, USAGE};
use crate::{DiffArgs, DiffProtocol, LintSdpArgs, ListArgs, RunArgs, SelectArgs, TargetsArgs};

pub fn init_logging(verbose: u8) {
    // Without -v only rtcspec's own warnings: the targets' logs (webrtc-rs warns on every
    // request it drops) are noise unless asked for.
    let level = match verbose {
        0 => "rtcspec=warn,rtcspec_harness=warn,off",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("RTCSPEC_LOG").unwrap_or_else(|_| level.into());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

fn selection(args: &SelectArgs) -> Result<Selection, String> {
    for s in &args.suite {
        if !rtcspec_suites::SUITES.contains(&s.as_str()) {
            return Err(format!("unknown suite {s:?}; suites: {}", rtcspec_suites::SUITES.join(", ")));
        }
    }
    Ok(Selection { suites: args.suite.clone(), cases: args.cases.clone(), tags: args.tag.clone() })
}

/// Plain progress lines when not on a terminal (CI logs), a bar when on one.
struct Reporter {
    bar: Option<ProgressBar>,
}

impl Reporter {
    fn new() -> Reporter {
        let interactive = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let bar = interactive.then(|| {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar
        });
        Reporter { bar }
    }

    fn event(&mut self, p: Progress<'_>) {
        match p {
            Progress::Started { total } => {
                if let Some(b) = &self.bar {
                    b.set_length(total as u64);
                }
            }
            Progress::Finished { done, result, .. } => {
                let line = format!(
                    "{:<11} {} ({} §{}){}",
                    report::outcome_label(result.kind()),
                    result.id,
                    result.doc,
                    result.section,
                    match result.kind() {
                        OutcomeKind::Pass => String::new(),
                        _ => format!(": {}", result.outcome.summary()),
                    }
                );
                match &self.bar {
                    Some(b) => {
                        if result.kind() != OutcomeKind::Pass {
                            b.println(line);
                        }
                        b.set_position(done as u64);
                        b.set_message(result.id.clone());
                    }
                    None => eprintln!("[{done}] {line}"),
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// Workers for a run when `--jobs` is not given. An in-process target's live call mostly
/// waits on timers and the network and costs little CPU, so 4 whatever the CPUs (on 2 cores
/// the reference gives the same outcomes, case by case, with 1, 2 and 4 workers). Each worker
/// of a shim target is a process of its own: one per CPU, at most 4.
fn default_jobs(spec: &rtcspec_harness::driver::spec::TargetSpec) -> usize {
    const IN_PROCESS: usize = 4;
    if spec.in_process() {
        return IN_PROCESS;
    }
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(4)
}

pub fn run(args: &RunArgs) -> u8 {
    let sel = match selection(&args.select) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let formats = match parse_formats(&args.format) {
        Ok(f) => f,
        Err(e) => return usage(e),
    };
    if !(args.timeout > 0.0 && args.timeout.is_finite()) {
        return usage("--timeout must be a positive number of seconds");
    }
    let baseline = match &args.baseline {
        None => None,
        Some(path) => {
            match std::fs::read_to_string(path).map_err(|e| e.to_string()).and_then(|t| Baseline::from_json(&t)) {
                Ok(b) => Some(b),
                Err(e) => return usage(format!("cannot use baseline {}: {e}", path.display())),
            }
        }
    };
    let spec = match load_target(&args.target, &args.targets_dir) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let all = rtcspec_suites::all_cases();
    let cases = sel.select(&all);
    if cases.is_empty() {
        return usage("the selection matches no case (see `rtcspec list`)");
    }
    if args.jobs == Some(0) {
        return usage("--jobs must be at least 1");
    }
    let jobs =
        if spec.runs_in_parallel() { args.jobs.unwrap_or_else(|| default_jobs(&spec)).min(cases.len()) } else { 1 };
    let mut drivers = Vec::with_capacity(jobs);
    for _ in 0..jobs {
        match spec.driver() {
            Ok(d) => drivers.push(d),
            Err(e) => return usage(format!("cannot start target {}: {e}", spec.name)),
        }
    }
    let driver = &drivers[0];
    let seed = args.seed.unwrap_or_else(fresh_seed);
    let info = driver.info();
    let path_seed = args.path_seed.map(|p| format!(", impaired paths from --path-seed {p:#x}")).unwrap_or_default();
    eprintln!(
        "rtcspec: {} cases against {} ({} {}), {jobs} at a time, seed {seed} (re-run with --seed {seed}){path_seed}",
        cases.len(),
        info.name,
        info.implementation,
        info.version
    );
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!(
            "\nrtcspec: interrupted; finishing the current case and writing a partial report (Ctrl-C again to abort)"
        );
    });
    let opts = RunOptions {
        seed,
        timeout: Duration::from_secs_f64(args.timeout),
        out_dir: Some(args.out.clone()),
        path_seed: args.path_seed,
    };
    let started_at = report::rfc3339(SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0));
    let mut reporter = Reporter::new();
    let capabilities: Vec<String> = driver.capabilities().iter().map(|c| c.name().to_string()).collect();
    let mut workers: Vec<&mut dyn rtcspec_harness::driver::Driver> =
        drivers.iter_mut().map(|d| &mut **d as _).collect();
    let record = runner::run_on(&cases, &mut workers, &opts, &mut |p| reporter.event(p));
    reporter.finish();
    let mut report = Report {
        schema: report::SCHEMA.into(),
        schema_version: report::SCHEMA_VERSION,
        tool: Tool { name: "rtcspec".into(), version: env!("CARGO_PKG_VERSION").into() },
        seed: seed.to_string(),
        path_seed: args.path_seed.map(|s| s.to_string()),
        started_at,
        duration_ms: record.duration.as_millis() as u64,
        interrupted: record.interrupted,
        target: info,
        capabilities,
        selection: sel,
        summary: Summary::of(&record.results),
        results: record.results,
        baseline: None,
        capture: None,
        fuzz: None,
    };
    drop(drivers);
    if let (Some(b), Some(path)) = (&baseline, &args.baseline) {
        report.baseline = Some(b.compare(&report, &path.display().to_string()));
    }
    if let Err(e) = write_reports(&report, &args.out, &formats, true) {
        return usage(e);
    }
    print_summary(&report);
    if report.interrupted {
        return 130;
    }
    let code = report.exit_code() as u8;
    let narrowed = !args.select.suite.is_empty() || !args.select.cases.is_empty() || !args.select.tag.is_empty();
    if narrowed || args.captures.as_os_str() == "none" || !args.captures.exists() {
        return code;
    }
    eprintln!("rtcspec: replaying the captures of {}", args.captures.display());
    code.max(crate::replay::replay_bundled(&args.captures, &args.out.join("replay"), &formats))
}

/// Writes command output; a reader that went away (`| head`) is not an error.
fn emit(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

macro_rules! outln {
    ($buf:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($buf, $($arg)*);
    }};
}

pub fn list(args: &ListArgs) -> u8 {
    let mut out = String::new();
    let code = list_into(args, &mut out);
    emit(&out);
    code
}

fn list_into(args: &ListArgs, out: &mut String) -> u8 {
    let sel = match selection(&args.select) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let all = rtcspec_suites::all_cases();
    let cases = sel.select(&all);
    if args.requirements {
        let inventories = match rtcspec_suites::inventories() {
            Ok(i) => i,
            Err(e) => return usage(format!("built-in requirement inventory is broken: {e}")),
        };
        let covs: Vec<_> = inventories.iter().map(|i| coverage(i, &cases)).collect();
        if args.json {
            outln!(out, "{}", serde_json::to_string_pretty(&covs).unwrap_or_default());
            return 0;
        }
        for c in &covs {
            outln!(
                out,
                "{} ({}): {} requirements; {}/{} testable covered ({:.0}%), {} untestable, {} out of scope",
                c.doc,
                c.title,
                c.requirements.len(),
                c.covered,
                c.testable,
                c.percent(),
                c.untestable,
                c.out_of_scope
            );
            for r in &c.requirements {
                let state = match (r.status, r.cases.is_empty()) {
                    (Status::Testable, false) => "covered",
                    (Status::Testable, true) => "not yet",
                    (Status::Untestable, _) => "untestable",
                    (Status::OutOfScope, _) => "out of scope",
                };
                if !args.all && state == "covered" {
                    continue;
                }
                let why = if r.reason.is_empty() { String::new() } else { format!(" ({})", r.reason) };
                outln!(
                    out,
                    "  {:<13} {:<22} §{:<8} {:<6} {}{why}",
                    state,
                    r.id,
                    r.section,
                    r.level,
                    shorten(&r.text, 90)
                );
                if args.all && !r.cases.is_empty() {
                    outln!(out, "                by {}", r.cases.join(", "));
                }
            }
        }
        return 0;
    }
    if args.json {
        let rows: Vec<_> = cases
            .iter()
            .map(|c| {
                serde_json::json!({
                    "id": c.id, "suite": c.suite, "title": c.title, "doc": c.spec.doc,
                    "section": c.spec.section, "level": c.spec.level, "requirement": c.spec.text,
                    "tags": c.tags, "needs": c.needs.iter().map(|n| n.name()).collect::<Vec<_>>(),
                    "covers": c.covers,
                })
            })
            .collect();
        outln!(out, "{}", serde_json::to_string_pretty(&rows).unwrap_or_default());
        return 0;
    }
    for c in &cases {
        outln!(out, "{:<58} {} §{:<8} {:<6} {}", c.id, c.spec.doc, c.spec.section, c.spec.level, c.title);
    }
    eprintln!("{} cases", cases.len());
    0
}

fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

pub fn targets(args: &TargetsArgs) -> u8 {
    let mut out = String::new();
    targets_into(args, &mut out);
    emit(&out);
    0
}

fn targets_into(args: &TargetsArgs, out: &mut String) {
    outln!(out, "Targets (use with --target):");
    for name in known_targets(&args.targets_dir) {
        match load_target(&name, &args.targets_dir) {
            Ok(spec) => {
                let from = spec.source.as_ref().map_or("builtin".to_string(), |p| p.display().to_string());
                outln!(
                    out,
                    "  {name:<12} {from}{}",
                    if spec.description.is_empty() { String::new() } else { format!(": {}", spec.description) }
                );
            }
            Err(e) => outln!(out, "  {name:<12} (unreadable: {e})"),
        }
    }
    outln!(out, "\nMutant faults (--target mutant:FAULT,... or mutant@BASE:FAULT,...):");
    for f in Fault::all() {
        outln!(out, "  {:<24} {}", f.name(), f.description());
    }
}

pub fn baseline_write(report_path: &Path, output: Option<&Path>) -> u8 {
    let text = match std::fs::read_to_string(report_path) {
        Ok(t) => t,
        Err(e) => return usage(format!("cannot read {}: {e}", report_path.display())),
    };
    let report = match Report::from_json(&text) {
        Ok(r) => r,
        Err(e) => return usage(format!("{}: {e}", report_path.display())),
    };
    let json = Baseline::from_report(&report).to_json();
    match output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, json + "\n") {
                return usage(format!("cannot write {}: {e}", path.display()));
            }
            eprintln!("rtcspec: baseline for {} cases written to {}", report.results.len(), path.display());
        }
        None => emit(&format!("{json}\n")),
    }
    0
}

type OpenTargets = (Vec<Box<dyn rtcspec_harness::driver::Driver>>, Vec<(String, Session)>);

/// Starts the named targets and opens one session on each; the drivers must outlive the
/// sessions (a shim's process or a server lives in its driver).
fn open_targets(
    names: &[String],
    targets_dir: &Path,
    seed: u64,
    needs: rtcspec_harness::case::Capability,
) -> Result<OpenTargets, String> {
    let (mut drivers, mut sessions) = (Vec::new(), Vec::new());
    for name in names {
        let spec = load_target(name, targets_dir).map_err(|e| e.to_string())?;
        let lacks = || format!("target {name} has no {}", needs.name());
        // A server declares its capabilities: no need to start one that lacks the parser.
        if let Ok(Some(declared)) = spec.declared_capabilities() {
            if !declared.contains(&needs) {
                return Err(lacks());
            }
        }
        let mut driver = spec.driver().map_err(|e| format!("cannot start target {name}: {e}"))?;
        if !driver.capabilities().contains(&needs) {
            return Err(lacks());
        }
        let session = driver.open(seed).map_err(|e| format!("cannot open target {name}: {e}"))?;
        sessions.push((spec.name.clone(), session));
        drivers.push(driver);
    }
    Ok((drivers, sessions))
}

fn write_diff(out: &Path, json: String, md: String) -> Result<(), String> {
    std::fs::create_dir_all(out)
        .and_then(|_| std::fs::write(out.join("diff.json"), json))
        .and_then(|_| std::fs::write(out.join("diff.md"), md))
        .map_err(|e| format!("cannot write to {}: {e}", out.display()))
}

/// Every *.sdp under `paths` (files as given, directories recursively), sorted.
fn sdp_seeds(paths: &[PathBuf]) -> Result<Vec<rtcspec_harness::sdp::diff::Seed>, String> {
    fn walk(p: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
        if p.is_dir() {
            for entry in std::fs::read_dir(p)? {
                walk(&entry?.path(), files)?;
            }
        } else if p.extension().is_some_and(|e| e == "sdp") {
            files.push(p.to_path_buf());
        }
        Ok(())
    }
    let mut files = Vec::new();
    for p in paths {
        if !p.exists() {
            return Err(format!("{}: no such file or directory", p.display()));
        }
        if p.is_file() {
            files.push(p.clone());
        } else {
            walk(p, &mut files).map_err(|e| format!("{}: {e}", p.display()))?;
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(&f).map_err(|e| format!("{}: {e}", f.display()))?;
            // A seed that is not UTF-8 is still a seed: parsers take text, so it goes in lossily.
            Ok(rtcspec_harness::sdp::diff::Seed {
                name: f.display().to_string(),
                text: String::from_utf8_lossy(&bytes).into_owned(),
            })
        })
        .collect()
}

pub fn diff(args: &DiffArgs) -> u8 {
    use rtcspec_harness::case::Capability;

    if args.target.len() < 2 {
        return usage("diff needs at least two targets (--target a,b)");
    }
    let seed = args.seed.unwrap_or_else(fresh_seed);
    let needs = match args.protocol {
        DiffProtocol::Stun => Capability::StunCodec,
        DiffProtocol::Sdp => Capability::SdpCodec,
    };
    let seeds = match args.protocol {
        DiffProtocol::Sdp => {
            let mut seeds = match sdp_seeds(&args.input) {
                Ok(s) => s,
                Err(e) => return usage(e),
            };
            match crate::replay::captured("sdp", &args.capture) {
                Ok(found) => {
                    if !args.capture.is_empty() {
                        eprintln!("rtcspec: {} distinct SDPs in the signaling of the capture(s)", found.len());
                    }
                    seeds.extend(found.iter().enumerate().map(|(i, bytes)| rtcspec_harness::sdp::diff::Seed {
                        name: format!("capture SDP {}", i + 1),
                        text: String::from_utf8_lossy(bytes).into_owned(),
                    }))
                }
                Err(e) => return usage(e),
            }
            if seeds.is_empty() {
                return usage("no *.sdp files under --input and no SDP in the signaling of --capture");
            }
            seeds
        }
        DiffProtocol::Stun => Vec::new(),
    };
    let (drivers, sessions) = match open_targets(&args.target, &args.targets_dir, seed, needs) {
        Ok(t) => t,
        Err(e) => return usage(e),
    };
    eprintln!(
        "rtcspec: {:?} diff of {} over {} generated inputs{}, seed {seed} (re-run with --seed {seed})",
        args.protocol,
        args.target.join(", "),
        args.count,
        if seeds.is_empty() { String::new() } else { format!(" and {} seed descriptions", seeds.len()) },
    );
    let (written, summary): (Result<(), String>, Vec<String>) = match args.protocol {
        DiffProtocol::Stun => {
            use rtcspec_harness::stun::diff::{markdown, run_diff, DiffOptions};
            let mut codecs: Vec<_> = sessions.into_iter().filter_map(|(n, s)| s.codec.map(|c| (n, c))).collect();
            let captured = match crate::replay::captured("stun", &args.capture) {
                Ok(c) => c,
                Err(e) => return usage(e),
            };
            if !captured.is_empty() {
                eprintln!(
                    "rtcspec: {} distinct STUN messages from {} capture(s) go first",
                    captured.len(),
                    args.capture.len()
                );
            }
            let report =
                run_diff(&mut codecs, &DiffOptions { seed, count: args.count, captured, minimize_budget: 400 });
            let lines = report
                .disagreements
                .iter()
                .map(|d| format!("{} (x{}), minimized: {}", d.kind, d.occurrences, d.minimized_hex))
                .collect();
            let json = serde_json::to_string_pretty(&report).unwrap_or_default();
            (write_diff(&args.out, json, markdown(&report)), lines)
        }
        DiffProtocol::Sdp => {
            use rtcspec_harness::sdp::diff::{markdown, run_diff, DiffOptions};
            let mut parsers: Vec<_> = sessions.into_iter().filter_map(|(n, s)| s.sdp.map(|c| (n, c))).collect();
            let opts = DiffOptions { seed, mutants: args.count, minimize_budget: 400 };
            let report = run_diff(&mut parsers, &seeds, &opts);
            let lines = report
                .disagreements
                .iter()
                .map(|d| format!("{} (x{}), from {}", d.kind, d.occurrences, d.source))
                .collect();
            let json = serde_json::to_string_pretty(&report).unwrap_or_default();
            (write_diff(&args.out, json, markdown(&report)), lines)
        }
    };
    drop(drivers);
    if let Err(e) = written {
        return usage(e);
    }
    for line in &summary {
        eprintln!("rtcspec: {line}");
    }
    eprintln!("rtcspec: {} kinds of disagreement; wrote {}", summary.len(), args.out.join("diff.md").display());
    u8::from(!summary.is_empty())
}

pub fn lint_sdp(args: &LintSdpArgs) -> u8 {
    use std::io::Read;

    use rtcspec_harness::case::Level;
    use rtcspec_harness::sdp::lint;

    let mut out = String::new();
    let mut documents = Vec::new();
    let mut worst = 0u8;
    for file in &args.files {
        let bytes = if file == "-" {
            let mut b = Vec::new();
            std::io::stdin().read_to_end(&mut b).map(|_| b)
        } else {
            std::fs::read(file)
        };
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => {
                eprintln!("rtcspec: cannot read {file}: {e}");
                worst = USAGE;
                continue;
            }
        };
        let (findings, suppressed) = lint(&bytes);
        if findings.iter().any(|f| f.level == Level::Must) {
            worst = worst.max(1);
        }
        if args.json {
            documents.push(serde_json::json!({ "file": file, "findings": findings, "suppressed": suppressed }));
            continue;
        }
        for f in &findings {
            let at = if f.line == 0 { file.clone() } else { format!("{file}:{}", f.line) };
            outln!(out, "{at}: {} {} ({} §{}): {} — {}", f.level, f.rule, f.doc, f.section, f.message, f.hint);
        }
        if suppressed > 0 {
            outln!(out, "{file}: {suppressed} more findings not shown");
        }
    }
    if args.json {
        outln!(
            out,
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "schema": "rtcspec-lint", "documents": documents }))
                .unwrap_or_default()
        );
    }
    emit(&out);
    worst
}
