//! Vocabulary every layer shares: text helpers, findings, IP addresses and domain names.

pub mod blocklists;
pub mod domain;
pub mod finding;
pub mod ip;
pub mod registry;
pub mod sort;
pub mod tables;
pub mod text;
