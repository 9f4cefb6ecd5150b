//! The diagnosis part of a report: what happened to the message and why, in words a customer can
//! act on (computed by `interpret::diagnosis`).

use crate::vocab::finding::Evidence;
use serde::{Deserialize, Serialize};

/// What happened to the message, as far as the pasted text shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It reached the recipient's mailbox (the pasted headers are from the delivered copy).
    Delivered,
    /// It was delivered, but a spam filter marked it as spam.
    Spam,
    /// A server refused it during the SMTP conversation (the sender saw an error at once).
    Rejected,
    /// It was accepted, then returned to the sender in a bounce message.
    Bounced,
    /// Not delivered yet: a server keeps trying (a delay notice).
    Delayed,
    /// It was delivered, and a recipient reported it as spam (a feedback report).
    Complaint,
    /// The pasted text does not show what happened.
    Unknown,
}

/// Whose setup a cause is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The sender's domain, server or provider: the sender can fix it.
    Sender,
    /// The receiving side's policy or filter: the sender can only adapt or ask.
    Receiver,
    /// Not clear from the evidence.
    Unknown,
}

/// How sure the diagnosis is about a cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Certainty {
    /// Recorded by the receiver, or shown by a live check.
    Certain,
    /// Inferred from the evidence; other explanations are possible.
    Likely,
}

/// One cause, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Cause {
    /// The finding it comes from (its code).
    pub code: String,
    /// One line.
    pub title: String,
    /// The explanation.
    pub detail: String,
    /// What to do, in plain words.
    pub fix: Option<String>,
    /// How sure this is.
    pub certainty: Certainty,
    /// Whose setup it is about.
    pub party: Party,
    /// What it rests on: header lines, DNS answers.
    pub evidence: Vec<Evidence>,
}

/// The answer at the top of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Diagnosis {
    /// What happened.
    pub outcome: Outcome,
    /// One sentence: what happened and the main reason.
    pub headline: String,
    /// The causes, most important first.
    pub causes: Vec<Cause>,
}
