//! The reports of the checks run on their own, without a message: `mailtrace spf --json` (an
//! SPF evaluation, RFC 7208, with its trace) and `mailtrace dmarc --json` (a domain's DMARC
//! policy, RFC 9989 discovery). The domain check's report is
//! [`crate::engine::domain_run::DomainCheckReport`].
//!
//! Their JSON Schemas are `docs/spf-report.schema.json` and `docs/dmarc-report.schema.json`
//! (generated from these types with the `schema` feature; a test keeps them current).
//!
//! [`SpfCheckReport::to_json`] and [`DmarcCheckReport::to_json`] write the objects' keys in
//! sorted order at every level, as these outputs always had.

use crate::checks::dmarc::{self, Discovery, DmarcLint};
use crate::checks::spf::{self, PolicyRow, SpfLint, SpfOutcome};
use crate::dns::DnsExchange;
use serde::{Deserialize, Serialize};

/// An SPF evaluation for one connecting IP and sender (`mailtrace spf --json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SpfCheckReport {
    /// The result, with every step of the evaluation.
    pub outcome: SpfOutcome,
    /// Problems with the record (its syntax, and what the evaluation ran into).
    pub lint: Vec<SpfLint>,
    /// What receivers commonly do with this result.
    pub receiver_policy: Vec<PolicyRow>,
    /// Every DNS question asked and what came back.
    pub dns: Vec<DnsExchange>,
}

impl SpfCheckReport {
    /// The report of an evaluation that finished: the record's problems and what receivers
    /// would do are derived from `outcome`.
    pub fn new(outcome: SpfOutcome, dns: Vec<DnsExchange>) -> Self {
        let lint = outcome
            .record
            .as_deref()
            .map(spf::lint)
            .unwrap_or_default()
            .into_iter()
            .chain(spf::lint_outcome(&outcome))
            .collect();
        let receiver_policy = spf::receiver_policy(outcome.result);
        SpfCheckReport {
            outcome,
            lint,
            receiver_policy,
            dns,
        }
    }

    /// The report as indented JSON, keys sorted.
    pub fn to_json(&self) -> String {
        sorted_pretty(self)
    }
}

/// A domain's DMARC policy (`mailtrace dmarc --json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DmarcCheckReport {
    /// How policy discovery went and the record it found.
    pub discovery: Discovery,
    /// Findings about the record.
    pub lint: Vec<DmarcLint>,
    /// Every DNS question asked and what came back.
    pub dns: Vec<DnsExchange>,
}

impl DmarcCheckReport {
    /// The report of a discovery that finished; the findings are derived from its record.
    pub fn new(discovery: Discovery, dns: Vec<DnsExchange>) -> Self {
        let lint = discovery
            .record
            .as_ref()
            .map(dmarc::lint)
            .unwrap_or_default();
        DmarcCheckReport {
            discovery,
            lint,
            dns,
        }
    }

    /// The report as indented JSON, keys sorted.
    pub fn to_json(&self) -> String {
        sorted_pretty(self)
    }
}

/// Indented JSON with every object's keys sorted (serde_json's map without `preserve_order`).
fn sorted_pretty(value: &impl Serialize) -> String {
    serde_json::to_value(value)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_default()
}
