//! The checks: pure functions of parsed input and DNS answers (`Step`-returning where they need DNS).

pub mod arc;
pub mod bounce;
pub mod dkim;
pub mod dmarc;
pub mod domain;
pub mod reputation;
pub mod sender;
pub mod spam;
pub mod spf;
