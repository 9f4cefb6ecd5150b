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

/// Where a cause's evidence comes from. What the receiver recorded at delivery and what a
/// bounce says decided the outcome; a live check today only explains what changed since.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// What the receiving side recorded when the message arrived: trusted
    /// Authentication-Results, Received-SPF, provider result fields, its spam filter's verdict
    /// and rules.
    Receiver,
    /// What the bounce (or delay notice, feedback report, auto-reply) says.
    Bounce,
    /// A live check made now (DNS as it is today).
    Live,
    /// The message's own header fields (the Received chain, From, the dates).
    Headers,
}

/// Who can act on a piece of advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The person who sent the message.
    Sender,
    /// The sender's mail provider, hosting company or domain administrator.
    SenderProvider,
    /// The person the message was for.
    Recipient,
    /// The recipient's mail administrator or provider.
    RecipientAdmin,
}

/// One thing to do, and who can do it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Action {
    /// Who can do it.
    pub who: Actor,
    /// What to do, in plain words.
    pub text: String,
}

/// One cause, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Cause {
    /// The finding it comes from (its code), or the diagnosis's own code.
    pub code: String,
    /// What it is about (`spf`, `blocklist`, `content`, `user-unknown`, `late`, ...: the
    /// topics of data/findings.tsv and data/diagnosis/).
    pub topic: String,
    /// One line.
    pub title: String,
    /// The explanation.
    pub detail: String,
    /// What to do, in plain words (the first of `actions`, for readers that show one).
    pub fix: Option<String>,
    /// What to do, each addressed to whoever can act.
    pub actions: Vec<Action>,
    /// How sure this is.
    pub certainty: Certainty,
    /// Whose setup it is about.
    pub party: Party,
    /// Where its evidence comes from.
    pub source: Source,
    /// What it rests on: header lines, DNS answers.
    pub evidence: Vec<Evidence>,
}

/// The answer at the top of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Diagnosis {
    /// What happened.
    pub outcome: Outcome,
    /// One sentence for the support agent: what happened and the main reason.
    pub headline: String,
    /// For the customer: what happened and why, in one or two sentences with no jargon.
    pub summary: String,
    /// For the customer: what to do, most useful first, each addressed to whoever can act.
    pub actions: Vec<Action>,
    /// The causes of this outcome, most important first.
    pub causes: Vec<Cause>,
    /// Worth fixing, but not why this message fared as it did (a record's weakness, a live
    /// check that differs from what the receiver recorded then).
    pub advice: Vec<Cause>,
}

/// Something the reader must know before anything else in the report: the paste is damaged,
/// or the live checks could not see the Internet's DNS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Notice {
    /// `resolver-failed`, `resolver-blind` or `paste-damaged`.
    pub code: String,
    /// What it means for the report, in plain words.
    pub text: String,
}
