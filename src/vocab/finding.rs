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
///
/// Serialized with two more fields from the registry of codes ([`super::registry`]): `section`
/// (the page section) and `group` (the heading it is shown under), so that the page and the CLI
/// group findings from one table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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

/// Something the analysis found (as it is serialized, with its section and group).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Finding"))]
struct FindingOut<'a> {
    /// A stable code, `area.what` (for example `rdns.missing`).
    code: &'a str,
    /// How much it matters.
    severity: Severity,
    /// One line, plain words.
    title: &'a str,
    /// The explanation, for someone who is not technical.
    detail: &'a str,
    /// What it is based on.
    evidence: &'a [Evidence],
    /// The page section it belongs to (from the registry of codes): `path`, `auth`,
    /// `reputation`, `bounce`, `spam`, `sender` or `headers`.
    section: &'static str,
    /// The heading it is shown under, on the page and in the CLI (from the registry of codes).
    group: &'static str,
}

impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let info = super::registry::of(&self.code);
        FindingOut {
            code: &self.code,
            severity: self.severity,
            title: &self.title,
            detail: &self.detail,
            evidence: &self.evidence,
            section: info.section,
            group: info.group,
        }
        .serialize(serializer)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Finding {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Finding".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        FindingOut::json_schema(generator)
    }
}
