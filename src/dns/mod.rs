//! DNS questions and answers as the analysis sees them.
//!
//! The core never performs a lookup. It hands out [`Query`] values (a [`Question`] plus a query
//! id and a timeout) and takes back `Result<Answer, DnsError>`. Drivers turn questions into
//! RFC 8484 DNS-over-HTTPS requests ([`wire`]) or answer them from memory ([`zone`]).
//!
//! Only the record types the analysis reads are decoded (RFC 1035 section 3.3: A, NS, CNAME, PTR,
//! MX, TXT; RFC 3596: AAAA). Other types in an answer are kept as their type code and length.

pub mod verify;
pub mod wire;
pub mod zone;

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A DNS record type the analysis can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum RecordType {
    /// IPv4 address (RFC 1035).
    A,
    /// Name server (RFC 1035).
    Ns,
    /// Canonical name (RFC 1035).
    Cname,
    /// Start of authority (RFC 1035); only its presence is recorded.
    Soa,
    /// Domain name pointer, for reverse DNS (RFC 1035).
    Ptr,
    /// Mail exchanger (RFC 1035).
    Mx,
    /// Text strings (RFC 1035): SPF, DKIM keys, DMARC policies, blocklist reasons.
    Txt,
    /// IPv6 address (RFC 3596).
    Aaaa,
}

impl RecordType {
    /// The type's code on the wire.
    pub fn code(self) -> u16 {
        match self {
            RecordType::A => 1,
            RecordType::Ns => 2,
            RecordType::Cname => 5,
            RecordType::Soa => 6,
            RecordType::Ptr => 12,
            RecordType::Mx => 15,
            RecordType::Txt => 16,
            RecordType::Aaaa => 28,
        }
    }

    /// The type for a wire code, if it is one the analysis knows.
    pub fn from_code(code: u16) -> Option<RecordType> {
        Some(match code {
            1 => RecordType::A,
            2 => RecordType::Ns,
            5 => RecordType::Cname,
            6 => RecordType::Soa,
            12 => RecordType::Ptr,
            15 => RecordType::Mx,
            16 => RecordType::Txt,
            28 => RecordType::Aaaa,
            _ => return None,
        })
    }

    /// The type's mnemonic ("A", "AAAA", ...).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::A => "A",
            RecordType::Ns => "NS",
            RecordType::Cname => "CNAME",
            RecordType::Soa => "SOA",
            RecordType::Ptr => "PTR",
            RecordType::Mx => "MX",
            RecordType::Txt => "TXT",
            RecordType::Aaaa => "AAAA",
        }
    }

    /// Parses a mnemonic, ignoring case.
    pub fn parse(text: &str) -> Option<RecordType> {
        [
            RecordType::A,
            RecordType::Ns,
            RecordType::Cname,
            RecordType::Soa,
            RecordType::Ptr,
            RecordType::Mx,
            RecordType::Txt,
            RecordType::Aaaa,
        ]
        .into_iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A DNS question: a name and a record type (class IN).
///
/// Names are kept in presentation form, lowercase, without the trailing dot, so that two
/// spellings of one question compare equal and go out once.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Question {
    /// The name asked for, lowercase, no trailing dot.
    pub name: String,
    /// The record type asked for.
    #[serde(rename = "type")]
    pub rtype: RecordType,
}

impl Question {
    /// A question for `name` (any case, with or without a trailing dot).
    pub fn new(name: &str, rtype: RecordType) -> Question {
        Question {
            name: normalize_name(name),
            rtype,
        }
    }

    /// The PTR question for an IP address (RFC 1035 section 3.5, RFC 3596 section 2.5).
    pub fn reverse(ip: IpAddr) -> Question {
        Question {
            name: reverse_name(ip),
            rtype: RecordType::Ptr,
        }
    }
}

impl fmt::Display for Question {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.rtype)
    }
}

/// Lowercases a name and removes one trailing dot.
pub fn normalize_name(name: &str) -> String {
    let name = name.trim();
    let name = name.strip_suffix('.').unwrap_or(name);
    name.to_ascii_lowercase()
}

/// The reverse-lookup name of an address: `4.3.2.1.in-addr.arpa` or the 32 nibbles under
/// `ip6.arpa`.
pub fn reverse_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.{}.in-addr.arpa", o[3], o[2], o[1], o[0])
        }
        IpAddr::V6(v6) => {
            let mut out = String::with_capacity(72);
            for byte in v6.octets().iter().rev() {
                for nibble in [byte & 0x0f, byte >> 4] {
                    out.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
                    out.push('.');
                }
            }
            out.push_str("ip6.arpa");
            out
        }
    }
}

/// Identifies one query handed out by an analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct QueryId(pub u32);

/// A query the analysis wants answered: send it, then hand the outcome back with its id.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "a query that is never answered keeps the analysis waiting"]
pub struct Query {
    /// Pass this back to `Analysis::handle_answer`.
    pub id: QueryId,
    /// What to ask.
    pub question: Question,
    /// How long the driver may wait before giving up with [`DnsError::Timeout`].
    pub timeout_ms: u32,
}

/// The response code of an answer (RFC 1035 section 4.1.1, RFC 6895).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Rcode {
    /// NOERROR: the name exists (the answer may still hold no record of the type asked).
    NoError,
    /// SERVFAIL: the resolver could not get an answer.
    ServFail,
    /// NXDOMAIN: the name does not exist.
    NxDomain,
    /// REFUSED: the resolver would not answer.
    Refused,
    /// Any other code.
    Other(u16),
}

impl Rcode {
    /// The code for its number.
    pub fn from_code(code: u16) -> Rcode {
        match code {
            0 => Rcode::NoError,
            2 => Rcode::ServFail,
            3 => Rcode::NxDomain,
            5 => Rcode::Refused,
            other => Rcode::Other(other),
        }
    }

    /// The code's number.
    pub fn code(self) -> u16 {
        match self {
            Rcode::NoError => 0,
            Rcode::ServFail => 2,
            Rcode::NxDomain => 3,
            Rcode::Refused => 5,
            Rcode::Other(code) => code,
        }
    }
}

/// The data of one resource record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", content = "data", rename_all = "UPPERCASE")]
pub enum RData {
    /// An IPv4 address.
    A(Ipv4Addr),
    /// An IPv6 address.
    Aaaa(Ipv6Addr),
    /// A name server name.
    Ns(String),
    /// The canonical name this name is an alias of.
    Cname(String),
    /// The name an address points to.
    Ptr(String),
    /// A mail exchanger and its preference.
    Mx {
        /// Lower is preferred.
        preference: u16,
        /// The exchanger's host name (empty for a null MX, RFC 7505).
        exchange: String,
    },
    /// The record's character-strings, each decoded as UTF-8 (invalid bytes replaced).
    Txt(Vec<String>),
    /// An SOA record (only its presence matters to the analysis).
    Soa,
    /// A record of a type the analysis does not decode.
    Other {
        /// Its type code.
        code: u16,
        /// Its data length in bytes.
        length: u16,
    },
}

impl RData {
    /// The record type of this data (None for a type the analysis does not decode).
    pub fn record_type(&self) -> Option<RecordType> {
        Some(match self {
            RData::A(_) => RecordType::A,
            RData::Aaaa(_) => RecordType::Aaaa,
            RData::Ns(_) => RecordType::Ns,
            RData::Cname(_) => RecordType::Cname,
            RData::Ptr(_) => RecordType::Ptr,
            RData::Mx { .. } => RecordType::Mx,
            RData::Txt(_) => RecordType::Txt,
            RData::Soa => RecordType::Soa,
            RData::Other { .. } => return None,
        })
    }

    /// The TXT strings joined without separators (RFC 7208 section 3.3, RFC 6376 section 3.6.2.2).
    pub fn txt_joined(&self) -> Option<String> {
        match self {
            RData::Txt(parts) => Some(parts.concat()),
            _ => None,
        }
    }

    /// The record's data in zone-file presentation form.
    pub fn presentation(&self) -> String {
        match self {
            RData::A(ip) => ip.to_string(),
            RData::Aaaa(ip) => ip.to_string(),
            RData::Ns(name) | RData::Cname(name) | RData::Ptr(name) => format!("{name}."),
            RData::Mx {
                preference,
                exchange,
            } => format!("{preference} {exchange}."),
            RData::Txt(parts) => parts
                .iter()
                .map(|p| format!("\"{}\"", p.replace('\\', "\\\\").replace('"', "\\\"")))
                .collect::<Vec<_>>()
                .join(" "),
            RData::Soa => "(SOA)".to_string(),
            RData::Other { code, length } => format!("TYPE{code} ({length} bytes)"),
        }
    }
}

/// One resource record of an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Record {
    /// The owner name, lowercase, no trailing dot.
    pub name: String,
    /// Time to live in seconds.
    pub ttl: u32,
    /// The record data.
    #[serde(flatten)]
    pub data: RData,
}

/// A DNS response: its code and the records of its answer section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Answer {
    /// The response code.
    pub rcode: Rcode,
    /// The answer section, in the order received.
    pub records: Vec<Record>,
}

impl Answer {
    /// A NOERROR answer with these records.
    pub fn records(records: Vec<Record>) -> Answer {
        Answer {
            rcode: Rcode::NoError,
            records,
        }
    }

    /// An NXDOMAIN answer.
    pub fn nxdomain() -> Answer {
        Answer {
            rcode: Rcode::NxDomain,
            records: Vec::new(),
        }
    }

    /// The data of the records that answer `question`, following CNAMEs in the answer
    /// section (at most 8 steps, so a CNAME loop cannot hold the analysis).
    pub fn data_for<'a>(&'a self, question: &Question) -> Vec<&'a RData> {
        // Names read from a message are in presentation form (wire::presentation); a zone's
        // names are plain. Either may answer.
        let mut raw = question.name.as_str();
        let mut name = wire::presentation(raw);
        let mut out = Vec::new();
        for _ in 0..8 {
            let mut next = None;
            for record in self
                .records
                .iter()
                .filter(|r| r.name == name || (!raw.is_empty() && r.name == raw))
            {
                match &record.data {
                    RData::Cname(target) if question.rtype != RecordType::Cname => {
                        next = Some(target.clone())
                    }
                    data if data.record_type() == Some(question.rtype) => out.push(data),
                    _ => {}
                }
            }
            match next {
                Some(target) if out.is_empty() => {
                    name = target;
                    raw = "";
                }
                _ => break,
            }
        }
        out
    }
}

/// Why a query got no answer. Every one of these means "could not check" (a temperror),
/// never a failed check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
#[non_exhaustive]
pub enum DnsError {
    /// No answer within the query's timeout.
    Timeout,
    /// The request could not be sent or the connection failed.
    Network(String),
    /// The DoH server answered with an HTTP error status.
    Http(u16),
    /// The response was not a usable DNS message.
    Malformed(String),
    /// The lookup was stopped before it was answered.
    Stopped,
    /// The analysis reached its limit of DNS queries and did not send this one.
    Budget,
}

impl fmt::Display for DnsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DnsError::Timeout => f.write_str("no answer before the timeout"),
            DnsError::Network(detail) => {
                write!(f, "the DNS server could not be reached ({detail})")
            }
            DnsError::Http(status) => write!(f, "the DNS server answered HTTP {status}"),
            DnsError::Malformed(detail) => write!(f, "the DNS answer was malformed ({detail})"),
            DnsError::Stopped => f.write_str("the lookup was stopped"),
            DnsError::Budget => f.write_str("not sent: the analysis reached its lookup limit"),
        }
    }
}

impl std::error::Error for DnsError {}

/// Anything that answers questions synchronously: an in-memory zone, a recorded report, or a
/// blocking network client.
pub trait Resolver {
    /// Answers one question.
    fn lookup(&self, question: &Question, timeout_ms: u32) -> Result<Answer, DnsError>;
}

/// The DNS outcomes a check can see so far. Checks that need DNS (SPF, DKIM keys, DMARC,
/// blocklists, ...) are pure functions of their inputs and of this view: they are evaluated
/// again whenever an answer arrives, and say which questions they still need with [`Step`].
pub trait Answers {
    /// The outcome for `question` once it has arrived; None while it is unasked or in flight.
    fn outcome(&self, question: &Question) -> Option<&Result<Answer, DnsError>>;

    /// The driver's verdict on a signature once it has arrived; None while it is unasked or
    /// being verified (a check then asks for it with [`Step::Verify`]).
    fn verdict(&self, _check: &verify::SignatureCheck) -> Option<verify::Verdict> {
        None
    }
}

impl Answers for std::collections::HashMap<Question, Result<Answer, DnsError>> {
    fn outcome(&self, question: &Question) -> Option<&Result<Answer, DnsError>> {
        self.get(question)
    }
}

/// Where a DNS-driven evaluation stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step<T> {
    /// Finished, with its result.
    Done(T),
    /// It cannot go on before these questions are answered. A check lists every question it
    /// can already know it needs (not only the first), so they go out in parallel and the
    /// number of sequential round trips equals the depth of the dependencies.
    Need(Vec<Question>),
    /// It cannot go on before the driver has verified these signatures ([`verify`]). A check
    /// that needs both asks its questions first.
    Verify(Vec<verify::SignatureCheck>),
}

impl<T> Step<T> {
    /// The result when done; otherwise None, with the questions added to `need`. For callers
    /// that combine several checks into one round of questions; only for checks that never ask
    /// for a verification (one that did would stay pending: use [`Step::done_or_ask`]).
    pub fn done_or_need(self, need: &mut Vec<Question>) -> Option<T> {
        match self {
            Step::Done(value) => Some(value),
            Step::Need(questions) => {
                need.extend(questions);
                None
            }
            Step::Verify(_) => None,
        }
    }

    /// The result when done; otherwise None, with the questions added to `need` and the
    /// verifications to `verify` (without repeats).
    pub fn done_or_ask(
        self,
        need: &mut Vec<Question>,
        verify: &mut Vec<verify::SignatureCheck>,
    ) -> Option<T> {
        match self {
            Step::Done(value) => Some(value),
            Step::Need(questions) => {
                need.extend(questions);
                None
            }
            Step::Verify(checks) => {
                add_checks(verify, checks);
                None
            }
        }
    }
}

/// Adds the checks not in `to` yet (outside the generic [`Step`], so it is compiled once).
fn add_checks(to: &mut Vec<verify::SignatureCheck>, checks: Vec<verify::SignatureCheck>) {
    for check in checks {
        if !to.contains(&check) {
            to.push(check);
        }
    }
}

/// Runs an evaluation to the end against a synchronous resolver: each round asks every
/// question the evaluation needs, then evaluates again. After `max_questions` distinct
/// questions, further ones are answered [`DnsError::Budget`] without being asked, so an
/// evaluation that keeps asking still ends. For tests and the CLI's single-check commands.
/// None only if the evaluation asks again for questions it already has answers to (a bug in
/// the check), so that such a bug ends instead of looping.
pub type Evaluated<T> = (
    Option<T>,
    std::collections::HashMap<Question, Result<Answer, DnsError>>,
);

/// See [`Evaluated`]. Signature verifications are answered [`verify::Verdict::Unsupported`];
/// [`evaluate_verified`] takes a verifier.
pub fn evaluate<T>(
    resolver: &dyn Resolver,
    timeout_ms: u32,
    max_questions: usize,
    eval: impl FnMut(&dyn Answers) -> Step<T>,
) -> Evaluated<T> {
    let unsupported = verify::FixedVerdict(verify::Verdict::Unsupported);
    evaluate_verified(resolver, &unsupported, timeout_ms, max_questions, eval)
}

/// The answers so far of [`evaluate_verified`]: DNS outcomes and signature verdicts.
struct Gathered<'a> {
    dns: &'a std::collections::HashMap<Question, Result<Answer, DnsError>>,
    verdicts: &'a [(verify::SignatureCheck, verify::Verdict)],
}

impl Answers for Gathered<'_> {
    fn outcome(&self, question: &Question) -> Option<&Result<Answer, DnsError>> {
        self.dns.get(question)
    }
    fn verdict(&self, check: &verify::SignatureCheck) -> Option<verify::Verdict> {
        self.verdicts
            .iter()
            .find(|(c, _)| c == check)
            .map(|(_, verdict)| *verdict)
    }
}

/// [`evaluate`], with signature verifications answered by `verifier`.
pub fn evaluate_verified<T>(
    resolver: &dyn Resolver,
    verifier: &dyn verify::Verifier,
    timeout_ms: u32,
    max_questions: usize,
    mut eval: impl FnMut(&dyn Answers) -> Step<T>,
) -> Evaluated<T> {
    let mut answers: std::collections::HashMap<Question, Result<Answer, DnsError>> =
        std::collections::HashMap::new();
    let mut verdicts: Vec<(verify::SignatureCheck, verify::Verdict)> = Vec::new();
    loop {
        let view = Gathered {
            dns: &answers,
            verdicts: &verdicts,
        };
        match eval(&view) {
            Step::Done(result) => return (Some(result), answers),
            Step::Need(questions) => {
                let mut progressed = false;
                for question in questions {
                    if answers.contains_key(&question) {
                        continue;
                    }
                    progressed = true;
                    let outcome = if answers.len() >= max_questions {
                        Err(DnsError::Budget)
                    } else {
                        resolver.lookup(&question, timeout_ms)
                    };
                    answers.insert(question, outcome);
                }
                if !progressed {
                    return (None, answers);
                }
            }
            Step::Verify(checks) => {
                let mut progressed = false;
                for check in checks {
                    if verdicts.iter().any(|(c, _)| *c == check) {
                        continue;
                    }
                    progressed = true;
                    let verdict = verifier.verify(&check);
                    verdicts.push((check, verdict));
                }
                if !progressed {
                    return (None, answers);
                }
            }
        }
    }
}

/// The state of a DNS question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum ExchangeStatus {
    /// Waiting for an answer.
    Pending,
    /// Answered.
    Answered,
    /// Failed: see the error.
    Error,
}

/// A DNS question the analysis asked and what came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DnsExchange {
    /// The question.
    #[serde(flatten)]
    pub question: Question,
    /// Its state.
    pub status: ExchangeStatus,
    /// The answer, when answered.
    pub answer: Option<Answer>,
    /// The error, when it failed.
    pub error: Option<DnsError>,
}

impl DnsExchange {
    /// The outcome, unless still pending.
    pub fn outcome(&self) -> Option<Result<Answer, DnsError>> {
        match (self.status, &self.answer, &self.error) {
            (ExchangeStatus::Answered, Some(answer), _) => Some(Ok(answer.clone())),
            (ExchangeStatus::Error, _, Some(error)) => Some(Err(error.clone())),
            _ => None,
        }
    }
}
