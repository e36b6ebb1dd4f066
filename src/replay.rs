//! `rtcspec replay`: a capture of a call in, the same reports as a live run out.

use std::fs::File;
use std::io::{IsTerminal, Read};
use std::path::Path;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use rtcspec_harness::capture::keylog::KeyLog;
use rtcspec_harness::capture::sdp_info::SessionInfo;
use rtcspec_harness::capture::{report as capture_report, CaptureReader, Replay, ReplayOptions};
use rtcspec_harness::report::{self, Format};

use crate::commands::{print_summary, usage};
use crate::ReplayArgs;

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

pub fn replay(args: &ReplayArgs) -> u8 {
    let formats: Result<Vec<Format>, String> = args.format.iter().map(|f| Format::parse(f)).collect();
    let formats = match formats {
        Ok(f) => f,
        Err(e) => return usage(e),
    };
    let mut session = SessionInfo::default();
    for path in &args.sdp {
        let text = match read_file(path) {
            Ok(t) => t,
            Err(e) => return usage(e),
        };
        if let Err(e) = session.add(&path.display().to_string(), &text) {
            return usage(e);
        }
    }
    let mut keylog = KeyLog::default();
    for path in &args.keylog {
        match read_file(path) {
            Ok(text) => keylog.add(&path.display().to_string(), &text),
            Err(e) => return usage(e),
        }
    }
    let capture = &args.capture;
    let started = Instant::now();
    let started_at = report::rfc3339(SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0));
    let file = match File::open(capture) {
        Ok(f) => f,
        Err(e) => return usage(format!("cannot open {}: {e}", capture.display())),
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
        eprintln!(
            "rtcspec: {}: {} packets, {} WebRTC flows; {}",
            capture.display(),
            summary.packets,
            summary.webrtc_flows,
            summary.protocols.iter().map(|(p, n)| format!("{} {n}", p.name())).collect::<Vec<_>>().join(", ")
        );
        for w in summary.warnings.iter().take(10) {
            eprintln!("rtcspec: warning: {w}");
        }
        if summary.warnings_total > 10 {
            eprintln!("rtcspec: ... {} warnings in all, listed in report.json", summary.warnings_total);
        }
    }
    match report::write_all(&report, &args.out, &formats) {
        Ok(paths) => {
            let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            eprintln!("rtcspec: wrote {}", names.join(", "));
        }
        Err(e) => return usage(format!("cannot write reports to {}: {e}", args.out.display())),
    }
    print_summary(&report);
    if error.is_some() {
        return 2;
    }
    report.exit_code() as u8
}
