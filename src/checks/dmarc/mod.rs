//! DMARC (RFC 7489, and RFC 9989 "DMARCbis") as a sans-IO check: the policy record parsed and
//! linted, the policy discovered, SPF and DKIM alignment with the From domain explained, and the
//! result and what a receiver would do.
//!
//! - `record`: the policy record's parser and lint (RFC 7489 sections 6.2-6.4; RFC 9989's tags).
//! - `discovery`: policy discovery and the organizational domain (RFC 9989 section 4.10, the DNS
//!   tree walk; RFC 7489 sections 3.2 and 6.6.3, with the public suffix list natively).
//! - `evaluation`: alignment (RFC 7489 section 3.1), the result and the policy that applies
//!   (RFC 7489 sections 6.6.2 and 6.6.4; RFC 9989's `np` and `t`), in both RFCs at once.
//! - `explanation`: the words of it all, and where the two RFCs differ.
//! - `reports`: whether external report destinations accept the reports (RFC 7489 section 7.1).
//!
//! Not supported: IDN U-labels (the From domain must be given in its `xn--` form), report URI
//! size limits (`!10m`) beyond their syntax (RFC 9989 dropped them; the lint says so).

mod discovery;
mod evaluation;
mod explanation;
mod record;
mod reports;
#[cfg(test)]
mod tests;

pub use discovery::{Discovery, DiscoveryStatus, OrgBasis, discover, tree_walk_names};
pub use evaluation::{
    AlignmentCheck, Disposition, DmarcInput, DmarcOutcome, DmarcResult, SpfResultWord,
    author_domain, evaluate,
};
pub use record::{
    AlignmentMode, DmarcLint, DmarcRecord, NotDmarc, Policy, Psd, RecordError, Severity, lint,
    parse_record,
};
pub use reports::external_reports;

use serde::{Deserialize, Serialize};

/// Which DMARC specification to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DmarcMode {
    /// RFC 9989 (DMARCbis, 2025): DNS tree walk, `np`, `psd`, `t`.
    Rfc9989,
    /// RFC 7489 (2015): public suffix list, `pct`.
    Rfc7489,
}

impl DmarcMode {
    fn name(self) -> &'static str {
        match self {
            DmarcMode::Rfc9989 => "RFC 9989",
            DmarcMode::Rfc7489 => "RFC 7489",
        }
    }
}
