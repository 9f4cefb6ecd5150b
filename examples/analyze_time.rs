//! The native time of an offline analysis of the typical 3.4 KB header
//! (tests/samples/gmail-inbound.eml), for `scripts/bench-page.mjs`, which compares it with the
//! same analysis through the wasm API in Chromium. Prints one JSON line: microseconds per
//! analysis (the median and the 10th percentile of batches of 5; the 10th percentile is the
//! steadier figure on a busy machine), the analysis alone and with the report serialized to
//! JSON text. Build it as the bench does (`--profile bench`: opt-level 3):
//!   cargo run --quiet --profile bench --example analyze_time [batches]
use mailtrace::{Analysis, Options};
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let sample = include_str!("../tests/samples/gmail-inbound.eml");
    let batches: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(400);
    let offline = Options {
        live: false,
        ..Options::default()
    };
    let now = 1_704_189_600_000;
    let analyze = || Analysis::new(black_box(sample.as_bytes()), now, offline.clone()).finish();
    let per_run = |f: &dyn Fn()| {
        for _ in 0..300 {
            f();
        }
        let mut times: Vec<f64> = (0..batches)
            .map(|_| {
                let start = Instant::now();
                for _ in 0..5 {
                    f();
                }
                start.elapsed().as_secs_f64() * 1e6 / 5.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        (times[times.len() / 2], times[times.len() / 10])
    };
    let (alone, alone_p10) = per_run(&|| {
        black_box(analyze());
    });
    let (json, json_p10) = per_run(&|| {
        black_box(serde_json::to_string(&analyze()).unwrap_or_default());
    });
    println!(
        "{{\"analysis_us\":{alone:.1},\"analysis_p10_us\":{alone_p10:.1},\"with_json_us\":{json:.1},\"with_json_p10_us\":{json_p10:.1}}}"
    );
}
