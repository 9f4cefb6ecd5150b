#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = mailtrace::checks::bounce::analyze(data);
    // Bounded output: the report's text is never much larger than the input allows.
    assert!(report.recipients.len() <= 100);
    for r in &report.recipients {
        assert!(r.address.len() < 2048);
        assert!(r.diagnostic.as_ref().is_none_or(|d| d.len() <= 1000));
    }
    let _ = format!("{report:?}");
});
