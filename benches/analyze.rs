//! Offline analysis speed (no DNS): the typical pasted header, and a large one.
use criterion::{Criterion, criterion_group, criterion_main};
use mailtrace::{Analysis, Options};
use std::hint::black_box;

fn typical_header() -> String {
    let sample = include_str!("../tests/samples/gmail-inbound.eml");
    assert!(
        sample.len() > 2_500,
        "the benchmark sample is a typical ~3 KB header"
    );
    sample.to_string()
}

fn bench(c: &mut Criterion) {
    let offline = Options {
        live: false,
        ..Options::default()
    };
    let typical = typical_header();
    c.bench_function("analyze offline, 3 KB header", |b| {
        b.iter(|| Analysis::new(black_box(typical.as_bytes()), 0, offline.clone()).finish())
    });
    let big: String = typical.repeat(30);
    c.bench_function("analyze offline, 100 KB header", |b| {
        b.iter(|| Analysis::new(black_box(big.as_bytes()), 0, offline.clone()).finish())
    });
    let live = Options::default();
    c.bench_function("analyze with PTR from memory, 3 KB header", |b| {
        let zone = mailtrace::dns::zone::MemoryResolver::from_zone(
            "5.113.0.203.in-addr.arpa. PTR mail.sender.example.",
        )
        .unwrap();
        b.iter(|| {
            mailtrace::run_with(
                Analysis::new(black_box(typical.as_bytes()), 0, live.clone()),
                &zone,
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
