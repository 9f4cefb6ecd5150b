//! The report: the whole result of an analysis, and the only type that crosses into
//! JavaScript or out of the CLI as JSON.
//!
//! Its JSON Schema is `docs/report.schema.json` (generated from these types with the `schema`
//! feature; a test keeps it current). [`SCHEMA_VERSION`] changes whenever a field changes
//! meaning or is removed; added fields do not change it.
//!
//! A report carries its DNS evidence ([`Report::dns`]): every question the analysis asked and
//! the answer or error it got, so that it can be re-rendered and re-checked offline.

use crate::dns::DnsExchange;
use crate::parse::input::LineEnding;
use crate::vocab::finding::Finding;
use crate::vocab::ip::IpClass;
use core::net::IpAddr;
use serde::{Deserialize, Serialize};

pub mod diagnosis;
pub mod live;
// The single checks' reports are the CLI's (native only), never the page's.
#[cfg(not(target_arch = "wasm32"))]
pub mod standalone;

/// The version of the report's shape.
pub const SCHEMA_VERSION: u32 = 1;

/// The result of an analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Report {
    /// The version of the report's shape ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// The program and version that wrote the report.
    pub generator: String,
    /// The time the analysis was run for, in milliseconds since the Unix epoch.
    pub analyzed_at_ms: i64,
    /// False while live lookups are still pending (a progress snapshot).
    pub complete: bool,
    /// Whether live DNS lookups were on.
    pub live: bool,
    /// What the reader must know first: the live checks failed or could not see public DNS,
    /// or the paste is damaged.
    pub notices: Vec<crate::report::diagnosis::Notice>,
    /// What happened and why, most important cause first (None only in progress snapshots
    /// made before the analysis could say anything).
    pub diagnosis: Option<crate::report::diagnosis::Diagnosis>,
    /// Live authentication: SPF, DKIM and DMARC checked now, and compared with what the
    /// receiver recorded.
    pub auth: Option<crate::report::live::LiveAuth>,
    /// The sending server's reputation (blocklists, reverse DNS, HELO) and the domains' mail
    /// servers, checked now.
    pub reputation: Option<crate::report::live::Reputation>,
    /// The bounce (non-delivery report), feedback report or auto-reply, when the paste is one.
    pub bounce: Option<crate::checks::bounce::BounceReport>,
    /// What was pasted, and what was assumed about it.
    pub input: InputSummary,
    /// The message's main header fields, decoded.
    pub message: MessageSummary,
    /// The Received chain, oldest hop first (hop 1 is the first server to handle the message).
    pub hops: Vec<Hop>,
    /// Time from the oldest to the newest dated hop, in milliseconds.
    pub delivery_ms: Option<i64>,
    /// The address the message came from, as seen by the recipient's side.
    pub sending_ip: Option<SendingIp>,
    /// The reverse DNS (PTR) lookup of the sending IP.
    pub reverse_dns: Option<ReverseDns>,
    /// The Authentication-Results fields (and ARC-Authentication-Results, and provider result
    /// headers such as X-HE-DKIM-Result), in message order.
    pub recorded_auth: Vec<RecordedAuth>,
    /// The Received-SPF fields, in message order.
    pub recorded_spf: Vec<crate::parse::recorded::ReceivedSpf>,
    /// The ARC chain's shape, when the message has ARC fields.
    pub arc: Option<crate::parse::recorded::ArcChain>,
    /// What the headers say about the sender: DKIM signatures (parsed, not verified) and the
    /// domains of From, Reply-To and Return-Path.
    pub sender: crate::checks::sender::SenderFacts,
    /// The spam filters' verdicts recorded in the headers, in message order.
    pub spam: Vec<crate::checks::spam::SpamVerdict>,
    /// Every header field, in message order.
    pub headers: Vec<HeaderEntry>,
    /// What the analysis found, most important first.
    pub findings: Vec<Finding>,
    /// Every DNS question asked and what came back.
    pub dns: Vec<DnsExchange>,
}

/// What was pasted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InputSummary {
    /// Size of the input in bytes.
    pub bytes: usize,
    /// The line endings found.
    pub line_ending: LineEnding,
    /// Number of header fields read.
    pub header_fields: usize,
    /// Size of the body in bytes, when a body was pasted.
    pub body_bytes: Option<usize>,
}

/// An address with an optional display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Mailbox {
    /// The display name, decoded (RFC 2047).
    pub name: Option<String>,
    /// The address.
    pub address: Option<String>,
}

/// A date header field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DateValue {
    /// As written.
    pub text: String,
    /// Milliseconds since the Unix epoch, when it could be read.
    pub epoch_ms: Option<i64>,
}

/// The header fields a support agent reads first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MessageSummary {
    /// From.
    pub from: Option<Mailbox>,
    /// To (all mailboxes).
    pub to: Vec<Mailbox>,
    /// Subject, decoded.
    pub subject: Option<String>,
    /// Date.
    pub date: Option<DateValue>,
    /// Message-ID, without angle brackets.
    pub message_id: Option<String>,
    /// Return-Path (the envelope sender), without angle brackets.
    pub return_path: Option<String>,
}

/// One hop of the Received chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Hop {
    /// 1 for the oldest hop.
    pub number: u32,
    /// The line of its Received field in the input.
    pub line: u32,
    /// The name the sending host gave (HELO/EHLO).
    pub helo: Option<String>,
    /// The sending host's name by the receiver's reverse DNS.
    pub rdns: Option<String>,
    /// The sending host's IP address.
    pub ip: Option<IpAddr>,
    /// What kind of address that is.
    pub ip_class: Option<IpClass>,
    /// The receiving host.
    pub by: Option<String>,
    /// The protocol (`with` clause).
    pub with: Option<String>,
    /// TLS version and cipher, when recorded.
    pub tls: Option<String>,
    /// The receiver's queue id.
    pub id: Option<String>,
    /// The receiving server's software version, where Exchange writes it as the `id`.
    pub server_version: Option<String>,
    /// The envelope recipient.
    pub for_addr: Option<String>,
    /// The `via` clause.
    pub via: Option<String>,
    /// The date as written.
    pub date_text: Option<String>,
    /// The date, in milliseconds since the Unix epoch.
    pub timestamp_ms: Option<i64>,
    /// Time since the previous dated hop (negative: the clocks disagree).
    pub delay_ms: Option<i64>,
    /// Whether the hop was written by the recipient's own systems.
    pub internal: bool,
    /// Whether the client logged in here (a mail program submitting to its provider).
    pub authenticated: bool,
    /// Whether the hop was encrypted (TLS).
    pub encrypted: bool,
    /// The field's value, unfolded (shortened when very long).
    pub raw: String,
}

/// The reason given for a sending IP read at the hop into the recipient's inbound gateway (a
/// filtering service the recipient domain's MX records name, in front of its mailbox server).
pub const INBOUND_GATEWAY_HOP: &str = "the hop into the recipient's inbound gateway: the gateway is a host of the same organization as the recipient domain's MX servers (RFC 5321 5.1), so the server that handed the message to it is the sender's";

/// The address the message came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SendingIp {
    /// The address.
    pub ip: IpAddr,
    /// The hop it was read from; 0 when no Received line names it (read from a field the
    /// receiver wrote, such as Received-SPF or a spam filter's report).
    pub hop: u32,
    /// Why this one, in plain words.
    pub reason: String,
}

/// The state of a live check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum LookupStatus {
    /// Asked, not answered yet.
    Pending,
    /// Answered with data.
    Found,
    /// Answered: there is none (NXDOMAIN or no record of that type).
    None,
    /// Could not check: the lookup failed or timed out. Not a failure of the sender.
    Temperror,
    /// Not checked (live lookups are off).
    Skipped,
}

/// The reverse DNS lookup of the sending IP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReverseDns {
    /// The address looked up.
    pub ip: IpAddr,
    /// The name asked for (`...in-addr.arpa` or `...ip6.arpa`).
    pub question: String,
    /// The outcome.
    pub status: LookupStatus,
    /// The PTR names found.
    pub names: Vec<String>,
    /// The outcome in plain words.
    pub detail: String,
}

/// An Authentication-Results field and whether it can be believed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RecordedAuth {
    /// `Authentication-Results` or `ARC-Authentication-Results`.
    pub field: String,
    /// Its line in the input.
    pub line: u32,
    /// The ARC instance (`i=`), for ARC-Authentication-Results.
    pub arc_instance: Option<u32>,
    /// The parsed field.
    pub parsed: crate::parse::authres::AuthResults,
    /// Whether it was written by the recipient's own systems (and so can be believed).
    pub trusted: bool,
    /// Why it is or is not trusted, in plain words.
    pub trust_reason: String,
}

/// One header field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HeaderEntry {
    /// Its name as written.
    pub name: String,
    /// Its value, unfolded (shortened when very long).
    pub value: String,
    /// The value with RFC 2047 encoded words decoded, when that differs.
    pub decoded: Option<String>,
    /// What the field is, in one line, for known fields.
    pub explanation: Option<String>,
    /// Its first line in the input.
    pub line: u32,
}

impl Report {
    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        // Serializing these types cannot fail: every map key is a string.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a report written by [`Report::to_json`].
    pub fn from_json(text: &str) -> Result<Report, String> {
        serde_json::from_str(text).map_err(|e| format!("not a mailtrace report: {e}"))
    }
}
