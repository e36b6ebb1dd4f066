//! Replay throughput on one core: a real capture (the coturn-relayed aiortc call, 1,008
//! packets of STUN, TURN ChannelData, DTLS, SRTP and SRTCP) repeated in memory to 100,800
//! packets, read, demultiplexed and checked. The goal is ≥ 2 million packets/s for
//! demultiplexing and header parsing; this measures the whole replay, checks included.

use std::io::Cursor;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rtcspec_harness::capture::extract::udp_datagrams;
use rtcspec_harness::capture::{CaptureReader, Replay, ReplayOptions};
use rtcspec_harness::net::pcapng;

fn bench(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../captures/aiortc-turn-aiortc.pcapng");
    let one = udp_datagrams(std::fs::File::open(path).expect("captures/aiortc-turn-aiortc.pcapng")).unwrap();
    let span = one.last().map_or(0, |d| d.at_us) + 1_000;
    let mut many = Vec::with_capacity(one.len() * 100);
    for i in 0..100u64 {
        many.extend(one.iter().map(|d| {
            let mut d = d.clone();
            d.at_us += i * span;
            d
        }));
    }
    let bytes = pcapng::encode(&many, 1_700_000_000_000_000);
    let mut group = c.benchmark_group("replay");
    group.throughput(Throughput::Elements(many.len() as u64));
    group.sample_size(20);
    group.bench_function("turn_call_x100", |b| {
        b.iter(|| {
            let mut reader = CaptureReader::new(Cursor::new(&bytes)).unwrap();
            let (result, error) = Replay::new("bench", ReplayOptions::default()).read(&mut reader);
            assert!(error.is_none());
            result.summary.packets
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
