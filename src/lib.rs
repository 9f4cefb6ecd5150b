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

/// Runs an analysis to the end against a synchronous resolver, one query at a time; signature
/// verifications are answered by the build's verifier (natively ed25519-dalek,
/// `driver::verify`; in a wasm build without the browser: "not verified").
pub fn run_with<S: engine::lookups::Session>(
    analysis: S,
    resolver: &impl dns::Resolver,
) -> S::Output {
    #[cfg(not(target_arch = "wasm32"))]
    let verifier = driver::verify::NativeVerifier;
    #[cfg(target_arch = "wasm32")]
    let verifier = dns::verify::FixedVerdict(dns::verify::Verdict::Unsupported);
    run_verified(analysis, resolver, &verifier)
}

/// [`run_with`] with signature verifications answered by `verifier` (fixed verdicts in tests).
pub fn run_verified<S: engine::lookups::Session>(
    mut analysis: S,
    resolver: &impl dns::Resolver,
    verifier: &dyn dns::verify::Verifier,
) -> S::Output {
    loop {
        let verifications = analysis.poll_verifications();
        let queries = analysis.poll_queries();
        if queries.is_empty() && verifications.is_empty() {
            break;
        }
        for request in verifications {
            let verdict = verifier.verify(&request.check);
            analysis.handle_verdict(request.id, verdict);
        }
        for query in queries {
            let outcome = resolver.lookup(&query.question, query.timeout_ms);
            analysis.handle_answer(query.id, outcome);
        }
    }
    analysis.finish()
}
