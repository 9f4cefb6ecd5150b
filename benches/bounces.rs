//! Bounce analysis speed: bounces per second over the shared corpus (maildir/bsd), one thread.
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;

fn corpus() -> Vec<Vec<u8>> {
    let dir = std::env::var_os("MAILTRACE_CORPORA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora"))
        .join("bounces/sisimai/maildir/bsd");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    let mut out: Vec<Vec<u8>> = files.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    if out.is_empty() {
        eprintln!(
            "the corpus is missing at {}; using the project's own fixtures",
            dir.display()
        );
        let own = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/bounces");
        out = std::fs::read_dir(own)
            .map(|d| {
                d.flatten()
                    .filter_map(|e| std::fs::read(e.path()).ok())
                    .collect()
            })
            .unwrap_or_default();
    }
    out
}

fn bench(c: &mut Criterion) {
    let messages = corpus();
    let bytes: usize = messages.iter().map(Vec::len).sum();
    // One plain timing pass for the headline figure.
    let rounds = 20;
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        for m in &messages {
            black_box(mailtrace::checks::bounce::analyze(black_box(m)));
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let per_sec = (rounds * messages.len()) as f64 / secs;
    println!(
        "bounces: {} messages ({} KB), {:.0} bounces/second on one thread ({:.1} µs each)",
        messages.len(),
        bytes / 1024,
        per_sec,
        1e6 / per_sec
    );
    let mut group = c.benchmark_group("bounces");
    group.throughput(Throughput::Elements(messages.len() as u64));
    group.bench_function("analyze the corpus", |b| {
        b.iter(|| {
            for m in &messages {
                black_box(mailtrace::checks::bounce::analyze(black_box(m)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
