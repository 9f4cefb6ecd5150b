#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = mailtrace::parse::rfc2047::decode(&String::from_utf8_lossy(data), None);
});
