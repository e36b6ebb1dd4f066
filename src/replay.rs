//! `rtcspec replay`: a capture of a call in, the same reports as a live run out.

use std::fs::File;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use rtcspec_harness::capture::manifest::Manifest;
use rtcspec_harness::capture::sdp_info::SessionInfo;
use rtcspec_harness::capture::{report as capture_report, CaptureReader, Replay, ReplayOptions};
use rtcspec_harness::report::{self, Format, Report};
use rtcspec_harness::wire::keys::KeyLog;

use crate::output::{parse_formats, print_summary, usage, write_reports};
use crate::{ExtractArgs, ReplayArgs};

/// Counts the bytes read, for the progress line.
struct Counting<R> {
    inner: R,
    read: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Every key log given, read into one (bad lines become the key log's own warnings).
fn load_keylogs(paths: &[PathBuf]) -> Result<KeyLog, String> {
    let mut keylog = KeyLog::default();
    for path in paths {
        keylog.add(&path.display().to_string(), &read_file(path)?);
    }
    Ok(keylog)
}

pub fn replay(args: &ReplayArgs) -> u8 {
    let formats = match parse_formats(&args.format) {
        Ok(f) => f,
        Err(e) => return usage(e),
    };
    let inputs = Inputs { sdps: &args.sdp, keylogs: &args.keylog, turn_credentials: &args.turn_credentials };
    let (code, report) = replay_one(&args.capture, &inputs, &args.out, &formats, true);
    if let Some(report) = report {
        print_summary(&report);
    }
    code
}

/// The bundled captures of `captures/MANIFEST.toml`, each into `out/<capture name>/`, with a
/// line per capture. The manifest is their baseline: a capture fails the run only when its
/// failing checks differ from its `known_violations`, or it cannot be read.
pub fn replay_bundled(manifest: &Path, out: &Path, formats: &[Format]) -> u8 {
    let m = match Manifest::load(manifest) {
        Ok(m) => m,
        Err(e) => return usage(e),
    };
    let dir = manifest.parent().unwrap_or(Path::new("."));
    let mut worst = 0;
    for entry in &m.capture {
        let (capture, sdp, keylog) = entry.paths(dir);
        let stem = capture.file_stem().map_or_else(|| entry.file.clone(), |s| s.to_string_lossy().into_owned());
        let inputs = Inputs { sdps: &sdp, keylogs: &keylog, turn_credentials: &entry.turn_credentials };
        let (code, report) = replay_one(&capture, &inputs, &out.join(&stem), formats, false);
        let Some(report) = report else {
            worst = worst.max(code);
            continue;
        };
        let mut failing: Vec<&str> =
            report.results.iter().filter(|r| r.kind().is_failure()).map(|r| r.id.as_str()).collect();
        let mut known: Vec<&str> = entry.known_violations.iter().map(String::as_str).collect();
        failing.sort_unstable();
        known.sort_unstable();
        if code == 2 {
            worst = 2;
        } else if failing != known {
            eprintln!(
                "rtcspec: {}: failing checks {failing:?} differ from the manifest's known_violations {known:?}",
                entry.file
            );
            worst = worst.max(1);
        }
    }
    worst
}

/// What a replay is given beside the capture.
struct Inputs<'a> {
    sdps: &'a [PathBuf],
    keylogs: &'a [PathBuf],
    turn_credentials: &'a [String],
}

/// Replays one capture and writes its reports; `verbose` prints warnings and paths.
/// Returns the exit code, and the report once there is one.
fn replay_one(capture: &Path, inputs: &Inputs, out: &Path, formats: &[Format], verbose: bool) -> (u8, Option<Report>) {
    let mut session = SessionInfo::default();
    for credentials in inputs.turn_credentials {
        if let Err(e) = session.add_turn_credentials(credentials) {
            return (usage(e), None);
        }
    }
    for path in inputs.sdps {
        let text = match read_file(path) {
            Ok(t) => t,
            Err(e) => return (usage(e), None),
        };
        if let Err(e) = session.add(&path.display().to_string(), &text) {
            return (usage(e), None);
        }
    }
    let keylog = match load_keylogs(inputs.keylogs) {
        Ok(k) => k,
        Err(e) => return (usage(e), None),
    };
    let started = Instant::now();
    let started_at = report::rfc3339(SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0));
    let file = match File::open(capture) {
        Ok(f) => f,
        Err(e) => return (usage(format!("cannot open {}: {e}", capture.display())), None),
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let read = std::rc::Rc::new(std::cell::Cell::new(0));
    let counting = Counting { inner: file, read: read.clone() };
    let replay = Replay::new(&capture.display().to_string(), ReplayOptions { session, keylog });
    let (result, error) = match CaptureReader::new(counting) {
        Ok(mut reader) => {
            let progress = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none() && size > (64 << 20);
            let mut replay = replay;
            let mut error = None;
            let mut last_shown = Instant::now();
            while let Some(item) = reader.next_item() {
                match item {
                    Ok(rtcspec_harness::capture::Item::Frame(f)) => replay.frame(&f),
                    Ok(rtcspec_harness::capture::Item::KeyLog(text)) => replay.add_key_log(&text),
                    Err(e) => {
                        eprintln!("rtcspec: {}: {e}", capture.display());
                        replay.warn_read_error(&e);
                        error = Some(e);
                    }
                }
                if progress && last_shown.elapsed().as_millis() > 500 {
                    last_shown = Instant::now();
                    eprint!("\rrtcspec: {} of {} MB, {} packets", read.get() >> 20, size >> 20, reader.packets());
                }
            }
            if progress {
                eprintln!();
            }
            (replay.finish(), error)
        }
        Err(e) => {
            eprintln!("rtcspec: {}: {e}", capture.display());
            (replay.finish(), Some(e))
        }
    };
    let report =
        capture_report::build(capture, result, error.as_ref(), started_at, started.elapsed().as_millis() as u64);
    if let Some(summary) = &report.capture {
        let failed: Vec<&str> =
            report.results.iter().filter(|r| r.kind().is_failure()).map(|r| r.id.as_str()).collect();
        eprintln!(
            "rtcspec: {}: {} packets, {} WebRTC flows; {}{}",
            capture.display(),
            summary.packets,
            summary.webrtc_flows,
            summary.protocols.iter().map(|(p, n)| format!("{} {n}", p.name())).collect::<Vec<_>>().join(", "),
            if failed.is_empty() { String::new() } else { format!("; failed: {}", failed.join(", ")) }
        );
        let shown = if verbose { 10 } else { 0 };
        for w in summary.warnings.iter().take(shown) {
            eprintln!("rtcspec: warning: {w}");
        }
        if summary.warnings_total > shown as u64 {
            eprintln!("rtcspec: {} warnings, listed in {}", summary.warnings_total, out.join("report.json").display());
        }
    }
    if let Err(e) = write_reports(&report, out, formats, verbose) {
        return (usage(e), Some(report));
    }
    let code = if error.is_some() { 2 } else { report.exit_code() as u8 };
    (code, Some(report))
}

/// `rtcspec corpus extract`: the capture's distinct datagrams per format, as seed files.
pub fn corpus_extract(args: &ExtractArgs) -> u8 {
    let keylog = match load_keylogs(&args.keylog) {
        Ok(k) => k,
        Err(e) => return usage(e),
    };
    let file = match File::open(&args.capture) {
        Ok(f) => f,
        Err(e) => return usage(format!("cannot open {}: {e}", args.capture.display())),
    };
    let mut reader = match CaptureReader::new(file) {
        Ok(r) => r,
        Err(e) => return usage(format!("{}: {e}", args.capture.display())),
    };
    let options = ReplayOptions { session: SessionInfo::default(), keylog };
    let mut replay = Replay::new(&args.capture.display().to_string(), options).collect_seeds(args.max_per_format);
    let error = replay.read_all(&mut reader);
    let Some(seeds) = replay.take_seeds() else { return usage("no seeds collected") };
    let prefix = args.capture.file_stem().map_or_else(|| "capture".to_string(), |s| s.to_string_lossy().into_owned());
    match seeds.write(&args.out, &prefix) {
        Ok(counts) => {
            let list: Vec<String> = counts.iter().map(|(f, n)| format!("{f} {n}")).collect();
            eprintln!(
                "rtcspec: {} seeds into {}: {}",
                counts.iter().map(|(_, n)| n).sum::<usize>(),
                args.out.display(),
                list.join(", ")
            );
        }
        Err(e) => return usage(format!("cannot write seeds under {}: {e}", args.out.display())),
    }
    match error {
        Some(e) => {
            eprintln!("rtcspec: {}: {e} (seeds from what was read were written)", args.capture.display());
            2
        }
        None => 0,
    }
}

/// The distinct messages of one format ("stun", "sdp", ...) in some captures (inside TURN
/// too; SDPs from the signaling), for `rtcspec diff`.
pub fn captured(format: &str, captures: &[PathBuf]) -> Result<Vec<Vec<u8>>, String> {
    let mut all = Vec::new();
    for path in captures {
        let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        let mut reader = CaptureReader::new(file).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut replay = Replay::new(&path.display().to_string(), ReplayOptions::default()).collect_seeds(100_000);
        if let Some(e) = replay.read_all(&mut reader) {
            eprintln!("rtcspec: {}: {e} (using what was read)", path.display());
        }
        if let Some(mut seeds) = replay.take_seeds() {
            all.extend(seeds.files.remove(format).unwrap_or_default());
        }
    }
    Ok(all)
}
