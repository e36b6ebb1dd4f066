//! The SDP corpus (corpora/sdp): every file is listed in SOURCES.tsv with its provenance, and
//! the linter reads every file without panicking. The findings per stack are printed so a
//! change in what the stacks produce shows up in the test log.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rtcspec_harness::case::Level;
use rtcspec_harness::sdp::lint;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpora/sdp")
}

fn sdp_files(dir: &Path, base: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            sdp_files(&p, base, out);
        } else if p.extension().is_some_and(|x| x == "sdp") {
            out.push(p.strip_prefix(base).unwrap().to_string_lossy().into_owned());
        }
    }
}

#[test]
fn every_corpus_file_has_provenance() {
    let dir = corpus_dir();
    let mut files = Vec::new();
    sdp_files(&dir, &dir, &mut files);
    files.sort();
    assert!(files.len() >= 100, "the corpus holds at least 100 SDPs, found {}", files.len());
    let sources = std::fs::read_to_string(dir.join("SOURCES.tsv")).unwrap();
    let mut lines = sources.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    assert_eq!(header.first(), Some(&"file"));
    let mut listed: Vec<String> = Vec::new();
    for l in lines.filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = l.split('\t').collect();
        assert_eq!(cols.len(), header.len(), "SOURCES.tsv row has {} columns: {l}", cols.len());
        assert!(cols.iter().all(|c| !c.trim().is_empty()), "empty column in {l}");
        listed.push(cols[0].to_string());
    }
    listed.sort();
    assert_eq!(listed, files, "SOURCES.tsv must list every .sdp exactly once");
}

#[test]
fn the_linter_reads_every_corpus_file() {
    let dir = corpus_dir();
    let mut files = Vec::new();
    sdp_files(&dir, &dir, &mut files);
    let mut by_stack: BTreeMap<String, BTreeMap<&'static str, usize>> = BTreeMap::new();
    for f in &files {
        let bytes = std::fs::read(dir.join(f)).unwrap();
        assert!(bytes.starts_with(b"v=0"), "{f} does not start with v=0");
        let (findings, _) = lint(&bytes);
        let stack = f.split('/').next().unwrap_or("").to_string();
        for finding in findings.iter().filter(|x| x.level == Level::Must) {
            *by_stack.entry(stack.clone()).or_default().entry(finding.rule).or_default() += 1;
        }
    }
    for (stack, rules) in &by_stack {
        eprintln!("{stack}: {rules:?}");
    }
}

/// Every corpus file goes through every in-process SDP parser and every corpus offer through
/// every in-process answerer: none may panic; the model (the RFC control) accepts every file
/// and answers every offer, since the corpus holds no malformed line.
#[test]
fn every_in_process_parser_and_answerer_takes_the_corpus() {
    use rtcspec_harness::driver::answerer::{ReferenceAnswerer, Str0mAnswerer};
    use rtcspec_harness::driver::model_answerer::ModelAnswerer;
    use rtcspec_harness::driver::sdp_codec::{ModelSdp, ReferenceSdp, Str0mSdp};
    use rtcspec_harness::driver::{SdpAnswerer, SdpCodec};
    use std::panic::{catch_unwind, AssertUnwindSafe};

    let dir = corpus_dir();
    let mut files = Vec::new();
    sdp_files(&dir, &dir, &mut files);
    let mut parsers: Vec<(&str, Box<dyn SdpCodec>)> =
        vec![("model", Box::new(ModelSdp)), ("reference", Box::new(ReferenceSdp)), ("str0m", Box::new(Str0mSdp))];
    let mut answerers: Vec<(&str, Box<dyn SdpAnswerer>)> = vec![
        ("model", Box::new(ModelAnswerer::new(1))),
        ("reference", Box::new(ReferenceAnswerer)),
        ("str0m", Box::new(Str0mAnswerer)),
    ];
    let mut refused: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &files {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        for (name, p) in parsers.iter_mut() {
            let r = catch_unwind(AssertUnwindSafe(|| p.round_trip(&text)));
            let r = r.unwrap_or_else(|_| panic!("{name} panicked parsing {f}"));
            assert!(*name != "model" || matches!(r, Ok(Ok(_))), "the model rejected {f}: {r:?}");
        }
        if !f.rsplit('/').next().unwrap_or("").starts_with("offer") {
            continue;
        }
        for (name, a) in answerers.iter_mut() {
            let r = catch_unwind(AssertUnwindSafe(|| a.answer(&text)));
            let r = r.unwrap_or_else(|_| panic!("{name} panicked answering {f}"));
            assert!(*name != "model" || matches!(r, Ok(Ok(_))), "the model refused {f}: {r:?}");
            if !matches!(r, Ok(Ok(_))) {
                *refused.entry(name).or_default() += 1;
            }
        }
    }
    eprintln!("corpus offers refused per answerer: {refused:?}");
}
