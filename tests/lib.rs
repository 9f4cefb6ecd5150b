//! Native integration tests: the CLI end to end (against the loopback DoH server that
//! `scripts/test.sh` starts) and the shared conformance corpora.
#![cfg(not(target_arch = "wasm32"))]

mod native;
