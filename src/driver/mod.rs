//! The drivers: the only code that does I/O or reads the clock. The browser boundary (fetch-based
//! DNS-over-HTTPS, WebCrypto for signatures), the native DoH client and signature verifier, the
//! command line and its file reading.

#[cfg(not(target_arch = "wasm32"))]
pub mod batch;
#[cfg(all(not(target_arch = "wasm32"), feature = "cli"))]
pub mod cli;
#[cfg(all(not(target_arch = "wasm32"), feature = "cli"))]
pub mod native;
#[cfg(not(target_arch = "wasm32"))]
pub mod verify;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
