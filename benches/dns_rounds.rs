//! How many sequential DNS round trips a full analysis takes, with a simulated delay per query.
//!
//! Every sample in tests/samples is analyzed live against the test zones (tests/zones/*.zone)
//! held in memory. Each round hands out every query the analysis has ready, "waits" the
//! simulated delay once (the queries of a round are in flight together, as the page and the CLI
//! send them), then answers them all. The analysis's wall time is then rounds x delay, against
//! queries x delay for one-at-a-time lookups. It also checks that no question is asked twice.
//! Run: `cargo bench --bench dns_rounds` (prints a table; not a timed test).
use mailtrace::dns::Resolver;
use mailtrace::dns::zone::MemoryResolver;
use mailtrace::{Analysis, Options};
use std::collections::HashSet;
use std::path::Path;

const DELAY_MS: u64 = 50;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut zone = MemoryResolver::new();
    let mut zones: Vec<_> = std::fs::read_dir(root.join("tests/zones"))
        .expect("tests/zones")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "zone"))
        .collect();
    zones.sort();
    for path in &zones {
        let text = std::fs::read_to_string(path).expect("zone file");
        zone.add_zone(&text).expect("zone parses");
    }
    let mut samples: Vec<_> = std::fs::read_dir(root.join("tests/samples"))
        .expect("tests/samples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    samples.sort();
    println!(
        "{:<34} {:>7} {:>6} {:>12} {:>12}",
        "sample", "queries", "rounds", "parallel ms", "serial ms"
    );
    let (mut total_queries, mut total_rounds) = (0u64, 0u64);
    for path in &samples {
        let input = std::fs::read(path).expect("sample");
        let mut analysis = Analysis::new(&input, 1_704_189_600_000, Options::default());
        let mut asked = HashSet::new();
        let mut rounds = 0u64;
        loop {
            let queries = analysis.poll_queries();
            if queries.is_empty() {
                break;
            }
            rounds += 1;
            for query in queries {
                assert!(
                    asked.insert(query.question.clone()),
                    "{} asked twice in {}",
                    query.question,
                    path.display()
                );
                let outcome = zone.lookup(&query.question, query.timeout_ms);
                analysis.handle_answer(query.id, outcome);
            }
        }
        let report = analysis.finish();
        let queries = asked.len() as u64;
        assert_eq!(queries as usize, report.dns.len());
        total_queries += queries;
        total_rounds += rounds;
        println!(
            "{:<34} {:>7} {:>6} {:>12} {:>12}",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("?"),
            queries,
            rounds,
            rounds * DELAY_MS,
            queries * DELAY_MS
        );
    }
    println!(
        "all {} samples: {} queries in {} rounds; at {} ms per query {} ms in parallel rounds vs {} ms one at a time",
        samples.len(),
        total_queries,
        total_rounds,
        DELAY_MS,
        total_rounds * DELAY_MS,
        total_queries * DELAY_MS
    );
}
