//! mailtrace: an e-mail header and bounce analyzer.
//!
//! The core is sans-IO: an [`Analysis`] is made from pasted text, the current time and
//! [`Options`]; it hands out DNS [`dns::Query`] values and takes their outcomes back; it
//! finishes into a [`Report`]. Drivers do the I/O: `fetch`-based DNS-over-HTTPS in the browser
//! (the `wasm` module), a blocking DoH client for the CLI (`native`), and in-memory zones
//! ([`dns::zone::MemoryResolver`]) for tests and for replaying a report's evidence.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The layers, lowest first. A module imports only from its own layer or lower ones, and no
// two modules import each other in a circle (`tests/native/layers.rs` checks both).
pub mod checks;
pub mod dns;
pub mod driver;
pub mod engine;
pub mod interpret;
pub mod parse;
pub mod present;
pub mod report;
pub mod vocab;

pub use engine::analysis::{Analysis, Options};
pub use report::Report;

/// Runs an analysis to the end against a synchronous resolver, one query at a time.
pub fn run_with<S: engine::lookups::Session>(
    mut analysis: S,
    resolver: &impl dns::Resolver,
) -> S::Output {
    loop {
        let queries = analysis.poll_queries();
        if queries.is_empty() {
            break;
        }
        for query in queries {
            let outcome = resolver.lookup(&query.question, query.timeout_ms);
            analysis.handle_answer(query.id, outcome);
        }
    }
    analysis.finish()
}
