//! The live checks' part of a report: SPF, DKIM and DMARC checked now, compared with what the
//! receiver recorded then, and the sending server's reputation.

use crate::checks::spf::{self, SpfOutcome};
use core::net::IpAddr;
use serde::{Deserialize, Serialize};

/// Where a live check stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckState {
    /// Waiting for DNS answers.
    #[default]
    Pending,
    /// Finished.
    Done,
    /// Not run: see the note.
    Skipped,
}

/// The SPF checks of one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SpfReport {
    /// Where the check stands.
    pub state: CheckState,
    /// Why it was skipped, or what was assumed.
    pub note: Option<String>,
    /// The sending IP checked (from the trust boundary).
    pub ip: Option<IpAddr>,
    /// The MAIL FROM address checked (empty for a bounce).
    pub mail_from: String,
    /// Where the MAIL FROM address was read.
    pub mail_from_source: String,
    /// The HELO name checked.
    pub helo: String,
    /// The result for the MAIL FROM identity (the one DMARC uses).
    pub mail_from_result: Option<SpfOutcome>,
    /// The result for the HELO identity.
    pub helo_result: Option<SpfOutcome>,
    /// With no SPF record: what a receiver's guess rule (`v=spf1 a mx ptr -all`) concludes.
    pub guess: Option<SpfOutcome>,
    /// For a bounce whose returned copy came into the bouncing organization from another
    /// server than the sending IP (a forward passed it on): that server's address.
    #[serde(default)]
    pub entry_ip: Option<IpAddr>,
    /// The result for the MAIL FROM identity and `entry_ip`: whether the envelope sender's
    /// domain allows the server that handed the returned copy to the bouncing organization.
    #[serde(default)]
    pub entry_result: Option<SpfOutcome>,
    /// Problems with the MAIL FROM domain's record.
    pub lint: Vec<spf::SpfLint>,
    /// What receivers configured in the usual ways would do with the MAIL FROM result.
    pub policy: Vec<spf::PolicyRow>,
}

/// The DKIM signatures of one message, verified now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DkimReport {
    /// Where the check stands.
    pub state: CheckState,
    /// Why it was skipped.
    pub note: Option<String>,
    /// One result per signature, in message order.
    pub signatures: Vec<crate::checks::dkim::DkimOutcome>,
}

/// DMARC for the From domain, evaluated now from the live SPF and DKIM results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DmarcReport {
    /// Where the check stands.
    pub state: CheckState,
    /// Why it was skipped, or what was assumed.
    pub note: Option<String>,
    /// The evaluation.
    pub outcome: Option<crate::checks::dmarc::DmarcOutcome>,
}

/// Live checks now and the receiver's record then, side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Comparison {
    /// "spf", "dkim" or "dmarc".
    pub method: String,
    /// What the receiver recorded when the message arrived.
    pub then: String,
    /// What the live check gives now.
    pub now: String,
    /// Whether they agree.
    pub agree: bool,
    /// What the difference most likely means, with its evidence.
    pub explanation: String,
}

/// The live authentication section of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LiveAuth {
    /// SPF for the MAIL FROM and HELO identities.
    pub spf: SpfReport,
    /// DKIM, each signature verified now.
    pub dkim: DkimReport,
    /// DMARC for the From domain.
    pub dmarc: DmarcReport,
    /// The ARC chain validated now (RFC 8617 5.2), when the message has ARC fields and live
    /// lookups are on (the seals need their keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arc: Option<crate::checks::arc::ArcValidation>,
    /// Live results against recorded ones.
    pub comparison: Vec<Comparison>,
}

/// The sending server's reputation and the domains' DNS health, checked now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Reputation {
    /// Where the checks stand (pending while any part waits).
    pub state: CheckState,
    /// Why they were skipped.
    pub note: Option<String>,
    /// The sending IP on the IP blocklists.
    pub blocklists: Option<crate::checks::reputation::IpReputation>,
    /// Forward-confirmed reverse DNS of the sending IP.
    pub fcrdns: Option<crate::checks::reputation::Fcrdns>,
    /// The HELO name the sending server gave.
    pub helo: Option<crate::checks::reputation::HeloCheck>,
    /// The sender domain's mail servers (where replies and bounces go).
    pub sender_mx: Option<crate::checks::reputation::MxCheck>,
    /// The recipient domain's mail servers.
    pub recipient_mx: Option<crate::checks::reputation::MxCheck>,
    /// The From, Return-Path, DKIM and link domains on the domain blocklists.
    pub domain_lists: Vec<crate::checks::reputation::DomainListing>,
    /// For a request about payment details: the existing domain the From domain reads like,
    /// which receives its mail at other servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imitated: Option<crate::checks::reputation::imitated::Imitated>,
}
