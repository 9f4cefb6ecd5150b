//! SPF: RFC 7208 `check_host()` as a sans-IO check, with a trace a person can follow, a record
//! lint, and what receivers configured in the usual ways would do with the result.
//!
//! [`check_host`] is a pure function of an [`SpfInput`] and the DNS answers so far
//! ([`Answers`]); it returns [`Step::Need`] with every question it can already know it needs, or
//! [`Step::Done`] with an [`SpfOutcome`]. It is evaluated again from the start whenever answers
//! arrive. When a record is read, the questions of its terms that do not depend on other answers
//! (include and redirect targets' TXT, `a`/`mx`/`exists` names, the PTR for `ptr`) are asked at
//! once, at most as many terms as the lookup limit still allows; they are counted against the
//! limit only when a term is actually evaluated, so results are those of sequential evaluation.
//!
//! Implemented: all mechanisms and modifiers (section 5, 6), dual CIDR lengths, macros
//! (section 7, `c`/`r`/`t` only in `exp=` text), the limits of section 4.6.4 (10 DNS-querying
//! terms, 2 void lookups, 10 names per `mx` and `ptr`), record selection (section 4.5), domain
//! checks (section 4.3). DNS errors (timeouts, SERVFAIL, REFUSED) give temperror.
//!
//! Not supported: the SPF RR type 99 (dropped by RFC 7208; only TXT is asked), the
//! `%{p}` lookups are not counted against the limit of 10 (the RFC does not say they are).

mod eval;
mod lint;
mod parse;

pub use eval::{GUESS_RECORD, check_guess, check_helo, check_host};
pub use lint::{lint, lint_all, lint_outcome, lint_strings};

use core::net::IpAddr;
use serde::{Deserialize, Serialize};

/// What the check is given: the connection and the SMTP identities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpfInput {
    /// The client's IP address (an IPv4-mapped IPv6 address is checked as IPv4).
    pub ip: IpAddr,
    /// The MAIL FROM address; empty for a bounce, then `postmaster@` the HELO name is checked.
    pub mail_from: String,
    /// The HELO/EHLO name the client gave.
    pub helo: String,
    /// The receiving host's name, for `%{r}` in explanations ("unknown" when empty).
    pub receiver: String,
    /// The time of the check in seconds since 1970, for `%{t}` in explanations.
    pub now_s: i64,
}

/// Which identity is checked (RFC 7208 section 2.3, 2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    /// The MAIL FROM (envelope sender) domain.
    MailFrom,
    /// The HELO/EHLO name.
    Helo,
}

/// An SPF result (RFC 7208 section 2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SpfResult {
    /// No SPF record, or no valid domain to check.
    None,
    /// The domain makes no statement about this IP.
    Neutral,
    /// The IP is allowed to send for the domain.
    Pass,
    /// The IP is not allowed to send for the domain.
    Fail,
    /// The IP is probably not allowed ("accept but mark").
    Softfail,
    /// A DNS lookup failed: could not check, usually temporary.
    Temperror,
    /// The domain's SPF record is broken: receivers cannot use it.
    Permerror,
}

impl SpfResult {
    /// The RFC word ("pass", "softfail", ...).
    pub fn as_str(self) -> &'static str {
        match self {
            SpfResult::None => "none",
            SpfResult::Neutral => "neutral",
            SpfResult::Pass => "pass",
            SpfResult::Fail => "fail",
            SpfResult::Softfail => "softfail",
            SpfResult::Temperror => "temperror",
            SpfResult::Permerror => "permerror",
        }
    }

    /// Parses an RFC word, ignoring case.
    pub fn parse(word: &str) -> Option<SpfResult> {
        [
            SpfResult::None,
            SpfResult::Neutral,
            SpfResult::Pass,
            SpfResult::Fail,
            SpfResult::Softfail,
            SpfResult::Temperror,
            SpfResult::Permerror,
        ]
        .into_iter()
        .find(|r| r.as_str().eq_ignore_ascii_case(word))
    }
}

/// One step of the evaluation, in the order it happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TraceStep {
    /// Nesting: 0 for the checked domain, +1 inside each include or redirect.
    pub depth: u32,
    /// The domain whose record holds the term.
    pub domain: String,
    /// The term as written (`(record)` for the record lookup itself).
    pub term: String,
    /// "match", "no match", "error", "found", "none", ...
    pub outcome: String,
    /// What happened, in plain words.
    pub detail: String,
    /// The DNS questions this step used and what they answered, short.
    pub dns: Vec<String>,
}

/// The result of an SPF check, with how it was reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SpfOutcome {
    /// Which identity was checked.
    pub identity: Identity,
    /// The result.
    pub result: SpfResult,
    /// The domain checked.
    pub domain: String,
    /// The domain's SPF record, if one was found.
    pub record: Option<String>,
    /// The domain's own explanation (`exp=`, expanded), only for fail.
    pub explanation: Option<String>,
    /// Every step, in order.
    pub trace: Vec<TraceStep>,
    /// DNS-querying terms evaluated (the limit is 10).
    pub lookups: u32,
    /// Lookups that found nothing (the limit is 2).
    pub void_lookups: u32,
    /// The term that decided the result (or caused the error), as written.
    pub deciding_term: Option<String>,
    /// One plain sentence saying what the result means.
    pub summary: String,
}

/// How bad a lint finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Breaks SPF or defeats its purpose.
    Problem,
    /// Works, but weaker or riskier than it should be.
    Warning,
    /// Worth knowing; nothing to fix.
    Info,
}

/// One finding about a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SpfLint {
    /// A stable short code ("syntax", "plus_all", ...).
    pub code: String,
    /// How bad it is.
    pub severity: Severity,
    /// What it means, in plain words.
    pub message: String,
}

/// What a receiver does with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Delivered (other filters may still act).
    Accept,
    /// Refused during the SMTP session.
    Reject,
    /// Told to try again later (a temporary 4xx refusal).
    Defer,
}

/// One common receiver setting and what it does with a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PolicyRow {
    /// The setting, as hosting panels word it.
    pub setting: String,
    /// What that setting does with this result.
    pub action: Action,
}

/// What receivers set up in the four usual ways would do with `result`: reject on fail, on
/// fail or softfail, on anything but pass or none (also neutral), or unless pass. A temperror
/// is deferred by all of them (an unreachable DNS server is not the sender's fault); a
/// permerror counts as fail for the stricter settings.
pub fn receiver_policy(result: SpfResult) -> Vec<PolicyRow> {
    use SpfResult as R;
    let rank = match result {
        R::Pass => 0,
        R::None => 1,
        R::Neutral => 2,
        R::Softfail => 3,
        R::Fail => 4,
        R::Permerror => 3,
        R::Temperror => 9,
    };
    [
        ("reject on fail", 4),
        ("reject on fail or softfail", 3),
        ("reject on fail, softfail or neutral", 2),
        ("reject unless pass", 1),
    ]
    .into_iter()
    .map(|(setting, from)| PolicyRow {
        setting: setting.to_string(),
        action: if rank == 9 {
            Action::Defer
        } else if rank >= from {
            Action::Reject
        } else {
            Action::Accept
        },
    })
    .collect()
}

#[cfg(test)]
mod tests;
