//! The sans-IO sessions: the lookup table, the analysis of a paste, the domain check run.

pub mod analysis;
pub mod boundary;
pub mod domain_run;
pub mod lookups;
