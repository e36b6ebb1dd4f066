//! `rtcspec lint sdp` throughput over the SDP corpus (goal: >= 50,000 SDPs per second on one
//! core). `cargo bench -p rtcspec-harness --bench lint_sdp`; criterion prints elements/s.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rtcspec_harness::sdp::lint;

fn corpus() -> Vec<Vec<u8>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "sdp") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpora/sdp"), &mut files);
    files.sort();
    files.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

fn lint_corpus(c: &mut Criterion) {
    let sdps = corpus();
    assert!(!sdps.is_empty(), "corpora/sdp is empty");
    let mut group = c.benchmark_group("lint-sdp");
    group.throughput(Throughput::Elements(sdps.len() as u64));
    group.bench_function(format!("corpus-{}-files", sdps.len()), |b| {
        b.iter(|| sdps.iter().map(|s| lint(s).0.len()).sum::<usize>())
    });
    group.bench_function("parse-only", |b| {
        b.iter(|| sdps.iter().map(|s| rtcspec_harness::sdp::Sdp::parse(s).lines.len()).sum::<usize>())
    });
    group.finish();
}

criterion_group!(benches, lint_corpus);
criterion_main!(benches);
