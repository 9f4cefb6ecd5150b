//! Sender reputation and DNS health: IP and domain blocklists (DNSBL, RFC 5782),
//! forward-confirmed reverse DNS, the HELO name, and MX records.
//!
//! Every check here is sans-IO: a pure function of its inputs and an [`Answers`] view that
//! returns [`Step::Need`] with every question it can already know it needs, or
//! [`Step::Done`]. Each check also has a `*_snapshot` twin that always returns the result as it
//! stands, with unanswered parts marked pending, for progress display.
//!
//! A lookup that failed (timeout, network error, SERVFAIL, REFUSED) is "could not check",
//! never a failure or a listing.
//!
//! From the analysis, with its lookup table as the [`Answers`] view, on every evaluation:
//! `check_ip(sending_ip, &config, answers)` and `fcrdns(sending_ip, answers)` at once;
//! `check_helo(helo, sending_ip, &ptr_names, answers)` with the PTR names from the FCrDNS
//! snapshot (empty until known; the verdict is re-derived when they arrive);
//! `check_mx(domain, answers)` for the sender's and the recipient's domain;
//! `check_domains_on_lists(&domains, &config, answers)` with the From, Return-Path and DKIM `d=`
//! domains and `link_domains(body, 20)`. Every `Need` is handed out together; each result's
//! `findings()` goes into the report.

pub mod imitated;
pub mod lists;
pub mod mx;
pub mod rdns;
#[cfg(test)]
pub(crate) mod tests;

pub use lists::{
    BlocklistConfig, BuiltInList, DomainListing, IpReputation, ListKind, ListResult, ListSpec,
    ListStatus, built_in_lists, check_domains_on_lists, check_domains_on_lists_snapshot, check_ip,
    check_ip_snapshot, link_domains,
};
pub use mx::{MxCheck, MxHost, MxStatus, check_mx, check_mx_snapshot};
pub use rdns::{
    Fcrdns, FcrdnsStatus, GenericPtr, HeloCheck, HeloForm, HeloStatus, PtrName, check_helo,
    check_helo_snapshot, fcrdns, fcrdns_snapshot, generic_ptr,
};

use crate::dns::{Answer, Answers, Question, RData, Rcode, RecordType, Step};
use crate::vocab::finding::{Evidence, Finding, Severity};
use crate::vocab::text::clip_ellipsis;
use core::net::IpAddr;
use serde::{Deserialize, Serialize};

/// One DNS question a result is based on and a short form of what came back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Lookup {
    /// The question, `name TYPE` (a Spamhaus DQS key is shown as `KEY`).
    pub question: String,
    /// The answer in short: the records, `NXDOMAIN`, `no records`, `pending` or the error.
    pub answer: String,
}

impl Lookup {
    fn evidence(&self) -> Evidence {
        Evidence {
            line: None,
            text: format!("{}: {}", self.question, self.answer),
        }
    }
}

/// The evidence lines of a set of lookups, for a finding.
pub(crate) fn evidence_of(lookups: &[Lookup]) -> Vec<Evidence> {
    lookups.iter().take(12).map(Lookup::evidence).collect()
}

/// A finding, built tersely.
pub(crate) fn finding(
    code: &str,
    severity: Severity,
    title: String,
    detail: String,
    evidence: Vec<Evidence>,
) -> Finding {
    Finding {
        code: code.to_string(),
        severity,
        title,
        detail,
        evidence,
    }
}

/// What a check has seen for one question.
pub(crate) enum Got<'a> {
    /// Not answered yet.
    Pending,
    /// Could not check: the reason, in plain words.
    Failed(String),
    /// The name does not exist.
    NxDomain,
    /// The name exists but has no record of the type asked.
    NoData,
    /// The records answering the question (CNAMEs followed).
    Data(Vec<&'a RData>),
}

/// Collects the questions a check needs while it evaluates, and the evidence it used.
pub(crate) struct Ctx<'a> {
    answers: &'a dyn Answers,
    need: Vec<Question>,
    optional: Vec<Question>,
    /// A Spamhaus DQS key to hide in evidence.
    pub(crate) secret: Option<String>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(answers: &'a dyn Answers) -> Ctx<'a> {
        Ctx {
            answers,
            need: Vec::new(),
            optional: Vec::new(),
            secret: None,
        }
    }

    /// The outcome of a question the check cannot finish without.
    pub(crate) fn ask(&mut self, q: &Question) -> Got<'a> {
        let got = self.peek(q);
        if matches!(got, Got::Pending) && !self.need.contains(q) {
            self.need.push(q.clone());
        }
        got
    }

    /// The outcome of a question worth asking but never worth waiting for.
    pub(crate) fn ask_optional(&mut self, q: &Question) -> Got<'a> {
        let got = self.peek(q);
        if matches!(got, Got::Pending) && !self.optional.contains(q) {
            self.optional.push(q.clone());
        }
        got
    }

    fn peek(&self, q: &Question) -> Got<'a> {
        match self.answers.outcome(q) {
            None => Got::Pending,
            Some(Err(e)) => Got::Failed(e.to_string()),
            Some(Ok(answer)) => classify(answer, q),
        }
    }

    /// The evidence line for a question.
    pub(crate) fn lookup(&self, q: &Question) -> Lookup {
        let mut question = format!("{} {}", q.name, q.rtype);
        let mut answer = match self.answers.outcome(q) {
            None => "pending".to_string(),
            Some(Err(e)) => format!("error: {e}"),
            Some(Ok(a)) => short_answer(a),
        };
        if let Some(key) = self.secret.as_deref().filter(|k| !k.is_empty()) {
            question = question.replace(key, "KEY");
            answer = answer.replace(key, "KEY");
        }
        Lookup { question, answer }
    }

    /// The target of a CNAME at the question's own name, if the answer shows one.
    pub(crate) fn cname_of(&self, q: &Question) -> Option<String> {
        match self.answers.outcome(q) {
            Some(Ok(a)) => a.records.iter().find_map(|r| match &r.data {
                RData::Cname(t) if r.name == q.name => Some(t.clone()),
                _ => None,
            }),
            _ => None,
        }
    }

    /// Ends an evaluation: Done when nothing required is missing.
    pub(crate) fn finish<T>(mut self, result: T) -> Step<T> {
        if self.need.is_empty() {
            Step::Done(result)
        } else {
            for q in self.optional.drain(..) {
                if !self.need.contains(&q) {
                    self.need.push(q);
                }
            }
            Step::Need(self.need)
        }
    }
}

fn classify<'a>(answer: &'a Answer, q: &Question) -> Got<'a> {
    match answer.rcode {
        Rcode::NoError => {
            let data = answer.data_for(q);
            if data.is_empty() {
                Got::NoData
            } else {
                Got::Data(data)
            }
        }
        Rcode::NxDomain => Got::NxDomain,
        Rcode::ServFail => Got::Failed("the DNS server could not get an answer (SERVFAIL)".into()),
        Rcode::Refused => Got::Failed("the DNS server refused the query (REFUSED)".into()),
        Rcode::Other(code) => Got::Failed(format!("the DNS server answered with error {code}")),
    }
}

/// An answer in a few words: its records (at most 6), or its code.
fn short_answer(answer: &Answer) -> String {
    match answer.rcode {
        Rcode::NoError if answer.records.is_empty() => "no records".into(),
        Rcode::NoError => {
            let mut parts: Vec<String> = answer
                .records
                .iter()
                .take(6)
                .map(|r| match &r.data {
                    RData::Cname(t) => format!("CNAME {t}"),
                    d => d.presentation(),
                })
                .collect();
            if answer.records.len() > 6 {
                parts.push(format!("(+{} more)", answer.records.len() - 6));
            }
            clip_ellipsis(&parts.join(", "), 300)
        }
        Rcode::NxDomain => "NXDOMAIN".into(),
        Rcode::ServFail => "SERVFAIL".into(),
        Rcode::Refused => "REFUSED".into(),
        Rcode::Other(code) => format!("rcode {code}"),
    }
}

/// IPv4-mapped IPv6 addresses as IPv4; others unchanged.
pub(crate) fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// A host name fit to be looked up: letters, digits, `-` and `_`, labels of 1-63 bytes,
/// at most 253 bytes, at least two labels, not all digits (so not an IP address). Lowercase,
/// without a trailing dot, or None.
pub(crate) fn host_name(text: &str) -> Option<String> {
    let name = text.trim().strip_suffix('.').unwrap_or(text.trim());
    if name.is_empty() || name.len() > 253 {
        return None;
    }
    let mut labels = 0;
    for label in name.split('.') {
        labels += 1;
        let b = label.as_bytes();
        if b.is_empty()
            || b.len() > 63
            || !b
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
        {
            return None;
        }
    }
    let last = name.rsplit('.').next().unwrap_or("");
    if labels < 2 || last.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(name.to_ascii_lowercase())
}

/// A/AAAA addresses among answer data.
pub(crate) fn addresses(data: &[&RData]) -> Vec<IpAddr> {
    data.iter()
        .filter_map(|d| match d {
            RData::A(a) => Some(IpAddr::V4(*a)),
            RData::Aaaa(a) => Some(IpAddr::V6(*a)),
            _ => None,
        })
        .collect()
}

/// The address question for an IP's family.
pub(crate) fn addr_type(ip: IpAddr) -> RecordType {
    if ip.is_ipv4() {
        RecordType::A
    } else {
        RecordType::Aaaa
    }
}

/// Orders findings by importance (problems first), keeping the order within a severity.
pub fn sort_findings(findings: &mut [Finding]) {
    // insertion sort: stable, and far smaller in the wasm than the standard library's sort
    for i in 1..findings.len() {
        let mut j = i;
        while j > 0 && findings[j - 1].severity > findings[j].severity {
            findings.swap(j - 1, j);
            j -= 1;
        }
    }
}
