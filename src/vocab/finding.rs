//! What an analysis finds: a finding (a stable code, how much it matters, plain words) and the
//! evidence it rests on.

use serde::{Deserialize, Serialize};

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Likely the reason for a delivery problem.
    Problem,
    /// Worth fixing or knowing.
    Warning,
    /// For information.
    Info,
}

/// A piece of evidence: a line of the input, or a DNS answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Evidence {
    /// The input line it is on, if any.
    pub line: Option<u32>,
    /// The text.
    pub text: String,
}

/// Something the analysis found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Finding {
    /// A stable code, `area.what` (for example `rdns.missing`).
    pub code: String,
    /// How much it matters.
    pub severity: Severity,
    /// One line, plain words.
    pub title: String,
    /// The explanation, for someone who is not technical.
    pub detail: String,
    /// What it is based on.
    pub evidence: Vec<Evidence>,
}
