//! mailtrace: an e-mail header and bounce analyzer.
//!
//! The core is sans-IO: an [`Analysis`] is made from pasted text, the current time and
//! [`Options`]; it hands out DNS [`dns::Query`] values and takes their outcomes back; it
//! finishes into a [`Report`]. Drivers do the I/O: `fetch`-based DNS-over-HTTPS in the browser
//! (the `wasm` module), a blocking DoH client for the CLI (`native`), and in-memory zones
//! ([`dns::zone::MemoryResolver`]) for tests and for replaying a report's evidence.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod address;
pub mod analysis;
pub mod authres;
#[cfg(not(target_arch = "wasm32"))]
pub mod batch;
pub mod bounce;
pub mod date;
pub mod diagnosis;
pub mod dkim;
pub mod dmarc;
pub mod dns;
pub mod domain;
pub mod domain_check;
pub mod domain_run;
pub mod header_info;
pub mod input;
pub mod ip;
pub mod live;
pub mod lookups;
pub mod received;
pub mod recorded;
pub mod render;
pub mod report;
pub mod reputation;
pub mod rfc2047;
pub mod sender;
pub mod spam;
pub mod spf;

#[cfg(all(not(target_arch = "wasm32"), feature = "cli"))]
pub mod native;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use analysis::{Analysis, Options};
pub use report::Report;

/// Runs an analysis to the end against a synchronous resolver, one query at a time.
pub fn run_with<S: lookups::Session>(mut analysis: S, resolver: &impl dns::Resolver) -> S::Output {
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
