//! The sans-IO sessions: the lookup table, the analysis of a paste, the domain check run, the
//! SPF question, and the check that a report can be replayed for an input.

pub mod analysis;
pub mod domain_run;
pub mod lookups;
pub mod replay;
pub mod spf_run;
