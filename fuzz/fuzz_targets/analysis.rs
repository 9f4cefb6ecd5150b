//! The whole analysis of arbitrary input, with every DNS answer coming back as arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mailtrace::dns::wire;
use mailtrace::{Analysis, Options};

fuzz_target!(|data: &[u8]| {
    // The first bytes, when present, are the DNS response every query gets.
    let (dns, input) = data.split_at(data.len().min(usize::from(data.first().copied().unwrap_or(0))));
    let mut analysis = Analysis::new(input, 0, Options::default());
    for _ in 0..200 {
        let queries = analysis.poll_queries();
        if queries.is_empty() {
            break;
        }
        for query in queries {
            let outcome = wire::decode_response(dns, &query.question);
            analysis.handle_answer(query.id, outcome);
        }
    }
    let report = analysis.finish();
    let _ = mailtrace::present::render::text(&report);
    let _ = report.to_json();
});
