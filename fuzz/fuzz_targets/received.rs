#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = mailtrace::parse::received::parse(&text);
    let _ = mailtrace::parse::date::parse_with(&text, true);
});
