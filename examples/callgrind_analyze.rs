//! Offline analysis of the typical 3 KB header, 200 times: run under
//! `valgrind --tool=callgrind` to count instructions per analysis.
use mailtrace::{Analysis, Options};
fn main() {
    let sample = include_str!("../tests/samples/gmail-inbound.eml");
    let offline = Options {
        live: false,
        ..Options::default()
    };
    for _ in 0..200 {
        std::hint::black_box(
            Analysis::new(std::hint::black_box(sample.as_bytes()), 0, offline.clone()).finish(),
        );
    }
}
