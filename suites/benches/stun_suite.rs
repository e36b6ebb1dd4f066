//! How long the whole STUN suite takes against the in-process targets (goal: < 5 s against
//! the reference, release build). `cargo bench -p rtcspec-suites --bench stun_suite`.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use rtcspec_harness::driver::load_target;
use rtcspec_harness::runner::{self, RunOptions};

fn stun_suite(c: &mut Criterion) {
    let cases = rtcspec_suites::stun::cases();
    let mut group = c.benchmark_group("stun-suite");
    for target in ["reference", "str0m", "model"] {
        let spec = load_target(target, std::path::Path::new("targets")).unwrap();
        let mut driver = spec.driver().unwrap();
        let opts = RunOptions { seed: 1, timeout: Duration::from_secs(10), out_dir: None, path_seed: None };
        group.bench_function(target, |b| b.iter(|| runner::run(&cases, driver.as_mut(), &opts, &mut |_| {})));
    }
    group.finish();
}

criterion_group!(benches, stun_suite);
criterion_main!(benches);
