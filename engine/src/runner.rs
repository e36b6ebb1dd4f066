//! Runs selected cases against one target: capability matching, a fresh session per case,
//! a per-case timeout, panic isolation, recovery of crashed targets, evidence, Ctrl-C, and
//! several workers (each with its own instance of the target) for runs of live calls.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Once};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::case::{Capability, Case, Level, Outcome, OutcomeKind};
use crate::ctx::{outcome_of, Ctx, Trace};
use crate::driver::Driver;
use rtcspec_live::net::pcapng;
use rtcspec_live::seed::case_seed;

/// Set by the Ctrl-C handler; the runner stops before the next case and reports what ran.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Which cases to run. Empty lists select everything.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Selection {
    #[serde(default)]
    pub suites: Vec<String>,
    #[serde(default)]
    pub cases: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// `*` matches any run of characters (including dots), `?` one character.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

impl Selection {
    pub fn matches(&self, case: &Case) -> bool {
        (self.suites.is_empty() || self.suites.iter().any(|s| s == case.suite))
            && (self.cases.is_empty() || self.cases.iter().any(|g| glob_match(g, case.id)))
            && (self.tags.is_empty() || self.tags.iter().any(|t| case.tags.contains(&t.as_str())))
    }

    pub fn select(&self, cases: &[&'static Case]) -> Vec<&'static Case> {
        cases.iter().copied().filter(|c| self.matches(c)).collect()
    }
}

/// The result of one case, as reports carry it.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct CaseResult {
    pub id: String,
    pub suite: String,
    pub title: String,
    pub doc: String,
    pub section: String,
    pub level: Level,
    pub requirement: String,
    pub url: String,
    pub tags: Vec<String>,
    pub outcome: Outcome,
    pub duration_ms: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<PathBuf>,
    /// The live calls the case made, with the DTLS versions each negotiated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<rtcspec_live::peer::CallRecord>,
}

impl CaseResult {
    pub fn kind(&self) -> OutcomeKind {
        self.outcome.kind()
    }
}

pub struct RunOptions {
    pub seed: u64,
    pub timeout: Duration,
    /// Where evidence files go (`<dir>/evidence/<case>.pcapng`); `None` keeps none.
    pub out_dir: Option<PathBuf>,
    /// The seed of every impaired path (`--path-seed`), to explore paths other than the
    /// fixed one the cases use by default; `None` keeps theirs.
    pub path_seed: Option<u64>,
}

/// What the runner tells its caller as it goes (for progress bars and logs).
pub enum Progress<'a> {
    Started {
        total: usize,
    },
    /// Case `index` of the selection finished, the `done`th to finish (with several workers
    /// cases finish out of order).
    Finished {
        index: usize,
        done: usize,
        result: &'a CaseResult,
    },
}

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Panics inside cases are outcomes, not noise on stderr: keep the message for the report.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let in_case = std::thread::current().name().is_some_and(|n| n.starts_with("case "));
            if in_case {
                let msg = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "non-string panic payload".into());
                let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg}{at}")));
            } else {
                default(info);
            }
        }));
    });
}

/// Runs one case on its own thread so a hang costs only the timeout.
fn run_isolated(
    case: &'static Case,
    driver: &mut dyn Driver,
    (seed, path_seed): (u64, Option<u64>),
    timeout: Duration,
) -> (Outcome, Trace) {
    let session = match driver.open(seed) {
        Ok(s) => s,
        Err(e) => {
            let outcome = outcome_of(e);
            if matches!(outcome, Outcome::Crash { .. } | Outcome::Timeout { .. }) {
                let _ = driver.recover();
            }
            return (outcome, Trace::default());
        }
    };
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new().name(format!("case {}", case.id)).spawn(move || {
        let mut ctx = Ctx::new(session, seed);
        ctx.path_seed = path_seed;
        let result = panic::catch_unwind(AssertUnwindSafe(|| (case.run)(&mut ctx)));
        let outcome = match result {
            Ok(Ok(o)) | Ok(Err(o)) => o,
            Err(_) => {
                let why = LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| "panic".into());
                Outcome::Crash { why: format!("panicked: {why}") }
            }
        };
        let _ = tx.send((outcome, ctx.into_trace()));
    });
    if let Err(e) = spawned {
        return (Outcome::Error { why: format!("cannot start a case thread: {e}") }, Trace::default());
    }
    match rx.recv_timeout(timeout) {
        Ok((outcome, log)) => {
            if matches!(outcome, Outcome::Crash { .. } | Outcome::Timeout { .. }) {
                if let Err(e) = driver.recover() {
                    tracing::warn!("could not restart the target after {}: {e}", case.id);
                }
            }
            (outcome, log)
        }
        Err(_) => {
            // The case thread is abandoned (threads cannot be killed); restarting the target
            // makes whatever it was blocked on return, so it ends on its own.
            if let Err(e) = driver.recover() {
                tracing::warn!("could not restart the target after {} timed out: {e}", case.id);
            }
            (Outcome::Timeout { after_ms: timeout.as_millis() as u64 }, Trace::default())
        }
    }
}

fn now_us() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as u64).unwrap_or(0)
}

/// Writes the case's trace under `<dir>/evidence/`: datagrams as `<case>.pcapng`, the key log
/// that decrypts them as `<case>.keys`, texts as `<case>.txt`. Returns the paths written,
/// relative to `dir`.
fn write_evidence(dir: &Path, case_id: &str, trace: &Trace) -> Vec<PathBuf> {
    let evidence = dir.join("evidence");
    if (trace.datagrams.is_empty() && trace.texts.is_empty()) || std::fs::create_dir_all(&evidence).is_err() {
        return Vec::new();
    }
    let mut written = Vec::new();
    let pcap = format!("{case_id}.pcapng");
    if !trace.datagrams.is_empty()
        && std::fs::File::create(evidence.join(&pcap))
            .ok()
            .and_then(|f| pcapng::write(std::io::BufWriter::new(f), &trace.datagrams, now_us()).ok())
            .is_some()
    {
        written.push(PathBuf::from("evidence").join(pcap));
    }
    let keys = format!("{case_id}.keys");
    let key_text: String = trace.keylog.iter().map(|l| format!("{l}\n")).collect();
    if !trace.keylog.is_empty() && std::fs::write(evidence.join(&keys), key_text).is_ok() {
        written.push(PathBuf::from("evidence").join(keys));
    }
    let txt = format!("{case_id}.txt");
    if !trace.texts.is_empty() && std::fs::write(evidence.join(&txt), texts_file(case_id, &trace.texts)).is_ok() {
        written.push(PathBuf::from("evidence").join(txt));
    }
    written
}

/// The texts a case exchanged, each under a header line, in order.
fn texts_file(case_id: &str, texts: &[(String, String)]) -> String {
    let mut out = format!("# rtcspec evidence for {case_id}: what was exchanged with the target, in order\n");
    for (i, (label, text)) in texts.iter().enumerate() {
        out.push_str(&format!("\n===== {}. {label} =====\n{text}", i + 1));
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// Outcomes worth keeping the wire for.
fn keeps_evidence(o: &Outcome) -> bool {
    matches!(o, Outcome::Fail { .. } | Outcome::NonStrict { .. } | Outcome::Crash { .. } | Outcome::Error { .. })
}

pub struct RunRecord {
    pub results: Vec<CaseResult>,
    pub interrupted: bool,
    pub duration: Duration,
}

pub fn run(
    cases: &[&'static Case],
    driver: &mut dyn Driver,
    opts: &RunOptions,
    progress: &mut dyn FnMut(Progress<'_>),
) -> RunRecord {
    run_on(cases, &mut [driver], opts, progress)
}

/// Runs `cases` on as many workers as there are `drivers`, each worker with its own
/// target instance (its own shim process or in-process peer), taking the next case as it
/// finishes one. A case's seed depends only on the run's seed and its id, and results come
/// back in selection order, so the report is the same whatever the number of workers.
pub fn run_on(
    cases: &[&'static Case],
    drivers: &mut [&mut dyn Driver],
    opts: &RunOptions,
    progress: &mut dyn FnMut(Progress<'_>),
) -> RunRecord {
    install_panic_hook();
    let started = Instant::now();
    let capabilities = drivers.first().map(|d| d.capabilities()).unwrap_or_default();
    progress(Progress::Started { total: cases.len() });
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<CaseResult>> = cases.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel();
        for driver in drivers.iter_mut() {
            let (tx, next, capabilities) = (tx.clone(), &next, &capabilities);
            scope.spawn(move || loop {
                if INTERRUPTED.load(Ordering::SeqCst) {
                    break;
                }
                let index = next.fetch_add(1, Ordering::SeqCst);
                let Some(case) = cases.get(index) else { break };
                let result = run_one(case, &mut **driver, capabilities, opts);
                if tx.send((index, result)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        for (done, (index, result)) in rx.iter().enumerate() {
            progress(Progress::Finished { index, done: done + 1, result: &result });
            slots[index] = Some(result);
        }
    });
    let results: Vec<CaseResult> = slots.into_iter().flatten().collect();
    // Only an interrupt leaves cases unrun: workers take cases until there are none left.
    let interrupted = results.len() < cases.len();
    RunRecord { results, interrupted, duration: started.elapsed() }
}

/// Beyond a case's own time bound: setting up and tearing down its call, keeping evidence.
pub const TIME_BOUND_MARGIN: Duration = Duration::from_secs(8);

/// How long a case may run: the run's timeout, or the case's own bound and a margin if longer.
pub fn case_timeout(case: &Case, timeout: Duration) -> Duration {
    case.time_bound.map_or(timeout, |bound| timeout.max(bound + TIME_BOUND_MARGIN))
}

/// One case on one worker's target: unsupported if the target lacks what it needs, else run
/// in isolation, with evidence kept for outcomes worth explaining.
fn run_one(case: &'static Case, driver: &mut dyn Driver, capabilities: &[Capability], opts: &RunOptions) -> CaseResult {
    let t0 = Instant::now();
    let missing: Vec<_> = case.needs.iter().filter(|n| !capabilities.contains(n)).map(|n| n.name()).collect();
    let (mut outcome, trace) = if missing.is_empty() {
        run_isolated(case, driver, (case_seed(opts.seed, case.id), opts.path_seed), case_timeout(case, opts.timeout))
    } else {
        (Outcome::Unsupported { why: format!("target lacks {}", missing.join(", ")) }, Trace::default())
    };
    let mut evidence = Vec::new();
    if let (Some(dir), true) = (&opts.out_dir, keeps_evidence(&outcome)) {
        evidence = write_evidence(dir, case.id, &trace);
        if let Outcome::Fail { evidence: e, .. } = &mut outcome {
            e.extend(evidence.iter().cloned());
        }
    }
    CaseResult {
        id: case.id.to_string(),
        suite: case.suite.to_string(),
        title: case.title.to_string(),
        doc: case.spec.doc.to_string(),
        section: case.spec.section.to_string(),
        level: case.spec.level,
        requirement: case.spec.text.to_string(),
        url: case.spec.url(),
        tags: case.tags.iter().map(|t| t.to_string()).collect(),
        outcome,
        duration_ms: t0.elapsed().as_millis() as u64,
        evidence,
        calls: trace.calls,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{Capability, Spec, Verdict};
    use crate::driver::model::ModelDriver;

    fn panics(_: &mut Ctx) -> Verdict {
        panic!("deliberate panic in a case")
    }

    fn hangs(_: &mut Ctx) -> Verdict {
        std::thread::sleep(Duration::from_secs(30));
        Ok(Outcome::Pass)
    }

    fn passes(_: &mut Ctx) -> Verdict {
        Ok(Outcome::Pass)
    }

    const fn case(id: &'static str, run: fn(&mut Ctx) -> Verdict, needs: &'static [Capability]) -> Case {
        Case::new(id, "t", Spec::must("RFC 8489", "5", "t"), needs, run)
    }

    fn takes_600ms(_: &mut Ctx) -> Verdict {
        std::thread::sleep(Duration::from_millis(600));
        Ok(Outcome::Pass)
    }

    static PANICS: Case = case("test.panics", panics, &[Capability::StunCodec]);
    static SLOW: Case = case("test.slow", takes_600ms, &[Capability::StunCodec]);
    static SLOW_BY_DESIGN: Case =
        case("test.slow-by-design", takes_600ms, &[Capability::StunCodec]).time_bound(Duration::from_secs(1));
    static HANGS: Case = case("test.hangs", hangs, &[Capability::StunCodec]);
    static PASSES: Case = case("test.passes", passes, &[Capability::StunCodec]);
    static NEEDS_LIVE: Case = case("test.needs-live", passes, &[Capability::StunLongTerm]);
    /// INTERRUPTED is process-wide: the tests that run cases take turns.
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

    #[test]
    fn panics_and_hangs_cost_one_case_and_the_run_goes_on() {
        let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        let mut driver = ModelDriver { name: "model".into() };
        let opts = RunOptions { seed: 1, timeout: Duration::from_millis(300), out_dir: None, path_seed: None };
        let cases = [&PANICS, &HANGS, &NEEDS_LIVE, &PASSES];
        let record = run(&cases, &mut driver, &opts, &mut |_| {});
        let kinds: Vec<_> = record.results.iter().map(|r| r.kind()).collect();
        assert_eq!(kinds, [OutcomeKind::Crash, OutcomeKind::Timeout, OutcomeKind::Unsupported, OutcomeKind::Pass]);
        let Outcome::Crash { why } = &record.results[0].outcome else { unreachable!() };
        assert!(why.contains("deliberate panic in a case") && why.contains("runner.rs"), "{why}");
    }

    #[test]
    fn a_case_with_its_own_time_bound_outlasts_the_run_timeout() {
        let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        let mut driver = ModelDriver { name: "model".into() };
        let opts = RunOptions { seed: 1, timeout: Duration::from_millis(300), out_dir: None, path_seed: None };
        let record = run(&[&SLOW, &SLOW_BY_DESIGN], &mut driver, &opts, &mut |_| {});
        let kinds: Vec<_> = record.results.iter().map(|r| r.kind()).collect();
        assert_eq!(kinds, [OutcomeKind::Timeout, OutcomeKind::Pass]);
        assert_eq!(case_timeout(&SLOW_BY_DESIGN, Duration::from_secs(60)), Duration::from_secs(60));
    }

    #[test]
    fn an_interrupt_stops_before_the_next_case() {
        let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        INTERRUPTED.store(true, Ordering::SeqCst);
        let mut driver = ModelDriver { name: "model".into() };
        let opts = RunOptions { seed: 1, timeout: Duration::from_secs(1), out_dir: None, path_seed: None };
        let record = run(&[&PASSES], &mut driver, &opts, &mut |_| {});
        INTERRUPTED.store(false, Ordering::SeqCst);
        assert!(record.interrupted && record.results.is_empty());
    }

    #[test]
    fn several_workers_report_in_selection_order() {
        let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        let (mut a, mut b) = (ModelDriver { name: "model".into() }, ModelDriver { name: "model".into() });
        let opts = RunOptions { seed: 1, timeout: Duration::from_millis(300), out_dir: None, path_seed: None };
        let cases = [&HANGS, &PASSES, &PANICS, &NEEDS_LIVE, &PASSES];
        let mut finished = Vec::new();
        let record = run_on(&cases, &mut [&mut a, &mut b], &opts, &mut |p| {
            if let Progress::Finished { index, done, .. } = p {
                finished.push((index, done));
            }
        });
        let kinds: Vec<_> = record.results.iter().map(|r| r.kind()).collect();
        use OutcomeKind::*;
        assert_eq!(kinds, [Timeout, Pass, Crash, Unsupported, Pass]);
        // The hang holds one worker while the other runs the rest: they finish first.
        assert_eq!(finished.iter().map(|f| f.1).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
        assert_eq!(finished.last().map(|f| f.0), Some(0), "{finished:?}");
    }

    #[test]
    fn globs() {
        assert!(glob_match("stun.*", "stun.8489.5.top-bits"));
        assert!(glob_match("*integrity*", "stun.8489.14.5.integrity-ok"));
        assert!(glob_match("stun.8489.1?.*", "stun.8489.14.5.x"));
        assert!(!glob_match("sdp.*", "stun.8489.5.x"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("a", ""));
    }
}
