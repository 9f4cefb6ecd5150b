//! DMARC (RFC 7489, and RFC 9989 "DMARCbis") as a sans-IO check: the policy record parsed and
//! linted, the policy discovered, SPF and DKIM alignment with the From domain explained, and the
//! result and what a receiver would do.
//!
//! ```text
//! dmarc-record = "v=DMARC1" *( ";" tag "=" value ) [";"]     ; WSP allowed around "=" and ";"
//! tags: p sp np (none|quarantine|reject)  adkim aspf (r|s)  pct (0-100)  t (y|n)
//!       psd (y|n|u)  rua ruf (URIs, comma-separated)  fo (0:1:d:s)  rf (afrf)  ri (seconds)
//! ```
//!
//! Policy discovery and the organizational domain:
//! - RFC 9989 walks the DNS tree (section 4.10): `_dmarc.<From domain>`, then, after dropping
//!   labels (to 7 when there are 8 or more, else one at a time), each parent up to the top-level
//!   domain: at most 8 names. The policy is the From domain's record, else the organizational
//!   domain's, else the highest record found (a public suffix's). The organizational domain
//!   is the name whose record says `psd=n`, else the name one label below a record saying
//!   `psd=y`, else the highest name with a record, else the domain itself.
//! - RFC 7489 asks `_dmarc.<From domain>`, then `_dmarc.<organizational domain>`, the
//!   organizational domain coming from the public suffix list. The list is compiled in natively
//!   only (the `psl` crate); the WebAssembly build uses the tree walk's answer and says so.
//!
//! Every tree-walk name is asked in the same round; the existence check for `np` (A, AAAA, MX of
//! the From domain) is a second round, asked only when it can change the outcome. A DNS error is
//! "could not check" (temperror), never a failure. Multiple DMARC records at one name mean no
//! policy (both RFCs: the set is discarded and discovery ends there).
//!
//! Not supported: IDN U-labels (the From domain must be given in its `xn--` form), report URI
//! size limits (`!10m`) beyond their syntax, external report destination checks
//! (RFC 7489 section 7.1).

use crate::dns::{Answers, Question, RData, Rcode, RecordType, Step, normalize_name};
use crate::vocab::text::clip;
use serde::{Deserialize, Serialize};

/// Bytes of a record's text that are parsed; the rest is ignored (and said so).
const MAX_RECORD_BYTES: usize = 2048;
/// Tags read from one record.
const MAX_TAGS: usize = 32;
/// Errors listed per record.
const MAX_ERRORS: usize = 16;
/// Report URIs kept per tag.
const MAX_URIS: usize = 8;
/// DKIM signatures whose alignment is checked.
const MAX_DKIM: usize = 8;
/// Names asked by one tree walk (RFC 9989 section 4.10).
const MAX_WALK: usize = 8;

/// Which DMARC specification to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DmarcMode {
    /// RFC 9989 (DMARCbis, 2025): DNS tree walk, `np`, `psd`, `t`.
    Rfc9989,
    /// RFC 7489 (2015): public suffix list, `pct`.
    Rfc7489,
}

impl DmarcMode {
    fn name(self) -> &'static str {
        match self {
            DmarcMode::Rfc9989 => "RFC 9989",
            DmarcMode::Rfc7489 => "RFC 7489",
        }
    }
}

/// A policy a domain asks for, or what a receiver does with a failing message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Deliver as usual (monitoring only).
    None,
    /// Treat as suspicious: usually the spam or junk folder.
    Quarantine,
    /// Refuse the message.
    Reject,
}

impl Policy {
    /// The policy's word as written in a record.
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::None => "none",
            Policy::Quarantine => "quarantine",
            Policy::Reject => "reject",
        }
    }

    fn parse(value: &str) -> Option<Policy> {
        [Policy::None, Policy::Quarantine, Policy::Reject]
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(value))
    }
}

/// How closely an authenticated domain must match the From domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlignmentMode {
    /// Same organizational domain is enough (`r`, the default).
    Relaxed,
    /// The very same domain is needed (`s`).
    Strict,
}

/// The `psd` tag (RFC 9989): whether the record is a public suffix domain's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Psd {
    /// `psd=y`: a public suffix domain (such as a top-level domain operator).
    Y,
    /// `psd=n`: this domain is an organizational domain.
    N,
    /// `psd=u`: unspecified (the default).
    U,
}

/// How serious a lint finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Probably not what the domain owner meant, or weakens protection.
    Warning,
    /// Against the specification: receivers ignore the tag or the record.
    Error,
}

/// A syntax or value error in a record, with where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RecordError {
    /// 1-based character position in the record text.
    pub position: usize,
    /// What is wrong, in plain words.
    pub message: String,
}

/// A parsed DMARC record. Tags that were invalid are left unset (and listed in `errors`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DmarcRecord {
    /// The record as published (TXT strings joined).
    pub text: String,
    /// `p`: the policy for the domain itself.
    pub p: Option<Policy>,
    /// `sp`: the policy for its subdomains (defaults to `p`).
    pub sp: Option<Policy>,
    /// `np`: the policy for subdomains that do not exist (RFC 9989; defaults to `sp`).
    pub np: Option<Policy>,
    /// `adkim`: DKIM alignment (relaxed unless `s`).
    pub adkim: AlignmentMode,
    /// `aspf`: SPF alignment (relaxed unless `s`).
    pub aspf: AlignmentMode,
    /// `pct` as written: the share of failing mail the policy applies to (RFC 7489 only).
    pub pct: Option<u8>,
    /// `t` (RFC 9989): testing, so receivers apply one step less than asked.
    pub t: Option<bool>,
    /// `psd` (RFC 9989).
    pub psd: Option<Psd>,
    /// `rua`: where aggregate reports go (the valid URIs).
    pub rua: Vec<String>,
    /// `ruf`: where failure reports go (the valid URIs).
    pub ruf: Vec<String>,
    /// `fo`: failure reporting options, as written.
    pub fo: Option<String>,
    /// `rf`: failure report format, as written (RFC 7489 only).
    pub rf: Option<String>,
    /// `ri`: seconds between aggregate reports (RFC 7489 only).
    pub ri: Option<u32>,
    /// Tags neither RFC defines, lowercase.
    pub unknown_tags: Vec<String>,
    /// Syntax and value errors, in order.
    pub errors: Vec<RecordError>,
}

impl DmarcRecord {
    /// The policy for the domain itself: `p`, or `none` when `p` is missing or invalid but a
    /// valid `rua` is present (both RFCs); None when neither, and receivers then apply no DMARC.
    pub fn policy(&self) -> Option<Policy> {
        self.p
            .or_else(|| (!self.rua.is_empty()).then_some(Policy::None))
    }

    /// The policy for existing subdomains: `sp`, else the domain's own.
    pub fn subdomain_policy(&self) -> Option<Policy> {
        self.sp.or_else(|| self.policy())
    }
}

/// Why a TXT string is not a DMARC record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotDmarc {
    /// Why, in plain words.
    pub reason: String,
}

/// One finding about a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DmarcLint {
    /// Stable identifier, snake_case (`monitoring_only`, `no_reports`, ...).
    pub code: String,
    /// How serious it is.
    pub severity: Severity,
    /// One or two plain sentences.
    pub message: String,
}

fn is_wsp(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Parses a DMARC record. Err when the text does not begin with `v=DMARC1` (exactly that
/// value; the tag name in any case, spaces around `=` allowed): receivers discard such TXT
/// records. Otherwise Ok, with any syntax and value errors listed in `errors`; tags that are
/// invalid are left unset and the rest is still used, as receivers do.
pub fn parse_record(text: &str) -> Result<DmarcRecord, NotDmarc> {
    let full = text;
    let text = clip(text, MAX_RECORD_BYTES);
    let version = text
        .split(';')
        .next()
        .and_then(|first| first.split_once('='))
        .filter(|(name, _)| name.trim_matches(is_wsp).eq_ignore_ascii_case("v"))
        .map(|(_, value)| value.trim_matches(is_wsp));
    if version != Some("DMARC1") {
        return Err(NotDmarc {
            reason: match version {
                Some(v) => format!("the version is \"{}\", not exactly \"DMARC1\"", clip(v, 40)),
                None => "it does not begin with v=DMARC1".to_string(),
            },
        });
    }
    let mut record = DmarcRecord {
        text: text.to_string(),
        p: None,
        sp: None,
        np: None,
        adkim: AlignmentMode::Relaxed,
        aspf: AlignmentMode::Relaxed,
        pct: None,
        t: None,
        psd: None,
        rua: Vec::new(),
        ruf: Vec::new(),
        fo: None,
        rf: None,
        ri: None,
        unknown_tags: Vec::new(),
        errors: Vec::new(),
    };
    let mut seen: Vec<String> = Vec::new();
    // 1-based character position of the current segment's start, kept as the loop goes.
    let mut column = 1usize;
    let last = text.split(';').count().saturating_sub(1);
    for (index, segment) in text.split(';').enumerate() {
        let lead = segment.len() - segment.trim_start_matches(is_wsp).len();
        let pos = column + lead;
        column += segment.chars().count() + 1;
        let trimmed = segment.trim_matches(is_wsp);
        if index == 0 {
            continue;
        }
        if record.errors.len() >= MAX_ERRORS {
            record.errors.push(RecordError {
                position: pos,
                message: format!("more than {MAX_ERRORS} errors: the rest was not read"),
            });
            break;
        }
        if trimmed.is_empty() {
            if index != last {
                record.errors.push(RecordError {
                    position: pos,
                    message: "empty tag between two semicolons".to_string(),
                });
            }
            continue;
        }
        if seen.len() >= MAX_TAGS {
            record.errors.push(RecordError {
                position: pos,
                message: format!("more than {MAX_TAGS} tags: the rest was not read"),
            });
            break;
        }
        let Some((name, value)) = trimmed.split_once('=') else {
            record.errors.push(RecordError {
                position: pos,
                message: format!(
                    "\"{}\" has no \"=\": a tag is written name=value",
                    clip(trimmed, 40)
                ),
            });
            continue;
        };
        let name = name.trim_matches(is_wsp).to_ascii_lowercase();
        let value = value.trim_matches(is_wsp);
        let valid_name = name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_name {
            record.errors.push(RecordError {
                position: pos,
                message: format!("\"{}\" is not a valid tag name", clip(&name, 40)),
            });
            continue;
        }
        if seen.contains(&name) {
            record.errors.push(RecordError {
                position: pos,
                message: format!("{name} appears twice: only the first is used"),
            });
            continue;
        }
        seen.push(name.clone());
        if let Err(message) = set_tag(&mut record, &name, value) {
            record.errors.push(RecordError {
                position: pos,
                message,
            });
        }
    }
    if full.len() > text.len() {
        record.errors.push(RecordError {
            position: text.chars().count() + 1,
            message: format!(
                "the record is longer than {MAX_RECORD_BYTES} bytes: the rest was not read"
            ),
        });
    }
    Ok(record)
}

fn set_tag(record: &mut DmarcRecord, name: &str, value: &str) -> Result<(), String> {
    let shown = clip(value, 60);
    match name {
        "v" => return Err("v= may only come first".to_string()),
        "p" | "sp" | "np" => {
            let policy = Policy::parse(value).ok_or_else(|| {
                format!("{name}=\"{shown}\" is not a policy: use none, quarantine or reject")
            })?;
            match name {
                "p" => record.p = Some(policy),
                "sp" => record.sp = Some(policy),
                _ => record.np = Some(policy),
            }
        }
        "adkim" | "aspf" => {
            let mode = if value.eq_ignore_ascii_case("r") {
                AlignmentMode::Relaxed
            } else if value.eq_ignore_ascii_case("s") {
                AlignmentMode::Strict
            } else {
                return Err(format!(
                    "{name}=\"{shown}\" is not valid: use r (relaxed) or s (strict)"
                ));
            };
            if name == "adkim" {
                record.adkim = mode;
            } else {
                record.aspf = mode;
            }
        }
        "pct" => {
            let pct = (!value.is_empty()
                && value.len() <= 3
                && value.bytes().all(|b| b.is_ascii_digit()))
            .then(|| value.parse::<u8>().ok())
            .flatten()
            .filter(|p| *p <= 100)
            .ok_or_else(|| format!("pct=\"{shown}\" is not a whole number from 0 to 100"))?;
            record.pct = Some(pct);
        }
        "t" | "psd" => {
            let lower = value.to_ascii_lowercase();
            match (name, lower.as_str()) {
                ("t", "y") => record.t = Some(true),
                ("t", "n") => record.t = Some(false),
                ("psd", "y") => record.psd = Some(Psd::Y),
                ("psd", "n") => record.psd = Some(Psd::N),
                ("psd", "u") => record.psd = Some(Psd::U),
                ("t", _) => return Err(format!("t=\"{shown}\" is not valid: use y or n")),
                _ => return Err(format!("psd=\"{shown}\" is not valid: use y, n or u")),
            }
        }
        "rua" | "ruf" => {
            let mut good = Vec::new();
            let mut bad = Vec::new();
            for uri in value.split(',').map(|u| u.trim_matches(is_wsp)) {
                if good.len() + bad.len() >= MAX_URIS {
                    bad.push(format!("more than {MAX_URIS} addresses"));
                    break;
                }
                if valid_report_uri(uri) {
                    good.push(uri.to_string());
                } else {
                    bad.push(format!("\"{}\"", clip(uri, 60)));
                }
            }
            if name == "rua" {
                record.rua = good;
            } else {
                record.ruf = good;
            }
            if !bad.is_empty() {
                return Err(format!(
                    "{name}: not a valid report address: {} (expected mailto:name@domain)",
                    bad.join(", ")
                ));
            }
        }
        "fo" => {
            let ok = !value.is_empty()
                && value
                    .split(':')
                    .all(|o| matches!(o.trim_matches(is_wsp), "0" | "1" | "d" | "s" | "D" | "S"));
            if !ok {
                return Err(format!(
                    "fo=\"{shown}\" is not valid: use 0, 1, d or s, joined by \":\""
                ));
            }
            record.fo = Some(value.to_string());
        }
        "rf" => {
            let ok = !value.is_empty()
                && value
                    .split(':')
                    .all(|f| f.trim_matches(is_wsp).eq_ignore_ascii_case("afrf"));
            if !ok {
                return Err(format!(
                    "rf=\"{shown}\" is not valid: the only format is afrf"
                ));
            }
            record.rf = Some(value.to_string());
        }
        "ri" => {
            let ri = (!value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()))
                .then(|| value.parse::<u32>().ok())
                .flatten()
                .ok_or_else(|| format!("ri=\"{shown}\" is not a number of seconds"))?;
            record.ri = Some(ri);
        }
        _ => {
            if record.unknown_tags.len() < MAX_TAGS {
                record.unknown_tags.push(name.to_string());
            }
        }
    }
    Ok(())
}

/// A DMARC report URI (RFC 7489 section 6.2): a URI with a scheme, an optional `!size`; for
/// `mailto:`, an address with an `@` and a domain.
fn valid_report_uri(uri: &str) -> bool {
    let uri = match uri.rsplit_once('!') {
        Some((u, size)) => {
            let digits = size.trim_end_matches(|c: char| "kmgtKMGT".contains(c));
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return false;
            }
            u
        }
        None => uri,
    };
    let Some((scheme, rest)) = uri.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok || rest.is_empty() || rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    if scheme.eq_ignore_ascii_case("mailto") {
        let addr = rest.split('?').next().unwrap_or("");
        return match addr.rsplit_once('@') {
            Some((local, domain)) => {
                !local.is_empty() && domain.contains('.') && !domain.ends_with('.')
            }
            None => false,
        };
    }
    true
}

fn lint_item(code: &str, severity: Severity, message: String) -> DmarcLint {
    DmarcLint {
        code: code.to_string(),
        severity,
        message,
    }
}

/// Findings about a record: its syntax errors (with positions), monitoring-only policies,
/// missing reports, unknown tags, partial `pct`, test mode, and tags only one RFC knows.
pub fn lint(record: &DmarcRecord) -> Vec<DmarcLint> {
    let mut out = Vec::new();
    for error in &record.errors {
        out.push(lint_item(
            "syntax_error",
            Severity::Error,
            format!("At character {}: {}.", error.position, error.message),
        ));
    }
    match (record.p, record.rua.is_empty()) {
        (None, true) => out.push(lint_item(
            "no_policy",
            Severity::Error,
            "The record has no valid p= (policy) and no report address, so receivers ignore it: \
             the domain has no DMARC protection."
                .to_string(),
        )),
        (None, false) => out.push(lint_item(
            "no_policy",
            Severity::Warning,
            "The record has no valid p= (policy); because it asks for reports, receivers treat \
             it as p=none."
                .to_string(),
        )),
        _ => {}
    }
    if record.policy() == Some(Policy::None) {
        out.push(lint_item(
            "monitoring_only",
            Severity::Warning,
            "p=none: monitoring only. Receivers deliver failing mail as usual; nothing is \
             enforced."
                .to_string(),
        ));
    }
    if record.p.is_some_and(|p| p != Policy::None) && record.sp == Some(Policy::None) {
        out.push(lint_item(
            "subdomains_unprotected",
            Severity::Warning,
            "sp=none: subdomains are only monitored, so mail forged from a made-up subdomain is \
             still delivered."
                .to_string(),
        ));
    }
    if record.rua.is_empty() {
        out.push(lint_item(
            "no_reports",
            Severity::Info,
            "No rua= (aggregate report address): the domain owner gets no reports on who sends \
             mail in its name."
                .to_string(),
        ));
    }
    if let Some(pct) = record.pct.filter(|p| *p < 100) {
        out.push(lint_item(
            "partial_pct",
            Severity::Warning,
            format!(
                "pct={pct}: under RFC 7489, receivers apply the policy to about {pct}% of \
                 failing mail and one step less to the rest. RFC 9989 dropped pct (use t=y for \
                 testing)."
            ),
        ));
    }
    if record.t == Some(true) {
        out.push(lint_item(
            "test_mode",
            Severity::Info,
            "t=y (testing, RFC 9989): receivers apply one step less than asked: quarantine \
             instead of reject, none instead of quarantine."
                .to_string(),
        ));
    }
    for (tag, set) in [("rf", record.rf.is_some()), ("ri", record.ri.is_some())] {
        if set {
            out.push(lint_item(
                "historic_tag",
                Severity::Info,
                format!("{tag}= is no longer part of DMARC in RFC 9989; receivers may ignore it."),
            ));
        }
    }
    if record.psd == Some(Psd::Y) {
        out.push(lint_item(
            "public_suffix_policy",
            Severity::Info,
            "psd=y: this is the policy of a public suffix (a registry such as a top-level \
             domain), used for names below it that publish none of their own."
                .to_string(),
        ));
    }
    if !record.unknown_tags.is_empty() {
        out.push(lint_item(
            "unknown_tag",
            Severity::Warning,
            format!(
                "Unknown tag(s) {}: receivers ignore them (a typo?).",
                record.unknown_tags.join(", ")
            ),
        ));
    }
    out
}

/// What the DNS said at one `_dmarc` name.
#[derive(Debug, Clone, PartialEq)]
enum Lookup {
    /// Not answered yet.
    Pending,
    /// Could not check (a DNS error, SERVFAIL, REFUSED, ...), with why.
    Error(String),
    /// The DMARC records found (those beginning with v=DMARC1): the first two, which is
    /// enough to tell one from several.
    Records(Vec<DmarcRecord>),
}

fn dmarc_question(domain: &str) -> Question {
    Question::new(&format!("_dmarc.{domain}"), RecordType::Txt)
}

fn lookup(answers: &dyn Answers, domain: &str) -> Lookup {
    let question = dmarc_question(domain);
    match answers.outcome(&question) {
        None => Lookup::Pending,
        Some(Err(error)) => Lookup::Error(error.to_string()),
        Some(Ok(answer)) => match answer.rcode {
            Rcode::NxDomain => Lookup::Records(Vec::new()),
            Rcode::NoError => Lookup::Records(
                answer
                    .data_for(&question)
                    .into_iter()
                    .filter_map(|data| match data {
                        RData::Txt(parts) => parse_record(&parts.concat()).ok(),
                        _ => None,
                    })
                    .take(2)
                    .collect(),
            ),
            other => Lookup::Error(format!("the DNS server answered {}", rcode_word(other))),
        },
    }
}

fn rcode_word(rcode: Rcode) -> String {
    match rcode {
        Rcode::NoError => "NOERROR".to_string(),
        Rcode::ServFail => "SERVFAIL".to_string(),
        Rcode::NxDomain => "NXDOMAIN".to_string(),
        Rcode::Refused => "REFUSED".to_string(),
        Rcode::Other(code) => format!("error code {code}"),
    }
}

/// A domain name the check can ask about: ASCII letters, digits, `-` and `_`, labels of 1 to
/// 63 bytes, at most 240 bytes in all (so `_dmarc.` fits). Lowercased, trailing dot removed.
fn clean_domain(domain: &str) -> Option<String> {
    let domain = normalize_name(domain);
    let ok = !domain.is_empty()
        && domain.len() <= 240
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    ok.then_some(domain)
}

/// True for a dotted-decimal IPv4 address, which has no parents to walk to.
fn is_ip_like(domain: &str) -> bool {
    domain
        .split('.')
        .all(|l| l.bytes().all(|b| b.is_ascii_digit()))
}

/// The names RFC 9989's tree walk asks, in order (section 4.10): the domain, then, with
/// labels dropped from the left (straight to 7 labels when there are 8 or more), each parent up
/// to the top-level domain. At most 8 names.
pub fn tree_walk_names(domain: &str) -> Vec<String> {
    let Some(domain) = clean_domain(domain) else {
        return Vec::new();
    };
    if is_ip_like(&domain) {
        return vec![domain];
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let n = labels.len();
    let mut out = vec![domain.clone()];
    let first = if n >= 8 { n - 7 } else { 1 };
    for i in first..n {
        if let Some(rest) = labels.get(i..) {
            out.push(rest.join("."));
        }
    }
    out.truncate(MAX_WALK);
    out
}

/// The organizational domain from the public suffix list (RFC 7489 section 3.2), natively.
#[cfg(not(target_arch = "wasm32"))]
fn psl_org(domain: &str) -> Option<String> {
    Some(
        psl::domain_str(domain)
            .map(str::to_string)
            .unwrap_or_else(|| domain.to_string()),
    )
}

/// The WebAssembly build has no public suffix list (too big); callers use the tree walk.
#[cfg(target_arch = "wasm32")]
fn psl_org(_domain: &str) -> Option<String> {
    None
}

/// Where an organizational domain came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrgBasis {
    /// The RFC 9989 DNS tree walk.
    TreeWalk,
    /// The public suffix list (RFC 7489).
    PublicSuffixList,
    /// The tree walk, standing in for the public suffix list this build does not include.
    TreeWalkInsteadOfList,
}

/// The organizational domain of `domain` by RFC 9989's tree walk (section 4.10.2), from the
/// answers so far: Need(every name not yet answered), or Done(Ok(org)) or Done(Err(why)) when a
/// lookup failed before the walk could decide.
fn tree_walk_org(domain: &str, answers: &dyn Answers) -> Step<Result<String, String>> {
    let names = tree_walk_names(domain);
    let pending: Vec<Question> = names
        .iter()
        .filter(|n| answers.outcome(&dmarc_question(n)).is_none())
        .map(|n| dmarc_question(n))
        .collect();
    if !pending.is_empty() {
        return Step::Need(pending);
    }
    let mut highest: Option<&String> = None;
    for (index, name) in names.iter().enumerate() {
        match lookup(answers, name) {
            Lookup::Pending => {}
            Lookup::Error(why) => return Step::Done(Err(format!("_dmarc.{name}: {why}"))),
            Lookup::Records(records) => {
                let [record] = records.as_slice() else {
                    continue;
                };
                match record.psd {
                    Some(Psd::N) => return Step::Done(Ok(name.clone())),
                    Some(Psd::Y) if index > 0 => {
                        return Step::Done(Ok(one_label_below(domain, name)));
                    }
                    _ => highest = Some(name),
                }
            }
        }
    }
    Step::Done(Ok(highest
        .cloned()
        .unwrap_or_else(|| normalize_name(domain))))
}

/// The name with one more label than `ancestor`, as a suffix of `domain`.
fn one_label_below(domain: &str, ancestor: &str) -> String {
    let domain = normalize_name(domain);
    let keep = ancestor.split('.').count() + 1;
    let labels: Vec<&str> = domain.split('.').collect();
    let from = labels.len().saturating_sub(keep);
    labels
        .get(from..)
        .map(|l| l.join("."))
        .unwrap_or(domain.clone())
}

/// How policy discovery ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DiscoveryStatus {
    /// A record with a usable policy was found.
    Found,
    /// No DMARC record anywhere it was looked for.
    NoRecord,
    /// More than one DMARC record at one name: the set is discarded, no policy.
    MultipleRecords,
    /// A record was found but it has no valid p= and no report address: no DMARC.
    NoPolicy,
    /// A lookup failed, so whether a policy exists is unknown.
    TempError,
    /// The From domain is not a usable DNS name.
    InvalidDomain,
}

/// The outcome of policy discovery for one From domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Discovery {
    /// The specification followed.
    pub mode: DmarcMode,
    /// The From domain, lowercase.
    pub from_domain: String,
    /// How discovery ended.
    pub status: DiscoveryStatus,
    /// The domain whose `_dmarc` record was used (or found unusable).
    pub policy_domain: Option<String>,
    /// The record found there.
    pub record: Option<DmarcRecord>,
    /// The organizational domain of the From domain, when it could be determined.
    pub org_domain: Option<String>,
    /// Where `org_domain` came from.
    pub org_basis: OrgBasis,
    /// The `_dmarc` names consulted, in order, until discovery ended.
    pub consulted: Vec<String>,
    /// What went wrong, in plain words, when status is TempError or InvalidDomain.
    pub problem: Option<String>,
}

fn org_basis(mode: DmarcMode) -> OrgBasis {
    match mode {
        DmarcMode::Rfc9989 => OrgBasis::TreeWalk,
        DmarcMode::Rfc7489 if cfg!(target_arch = "wasm32") => OrgBasis::TreeWalkInsteadOfList,
        DmarcMode::Rfc7489 => OrgBasis::PublicSuffixList,
    }
}

/// The organizational domain of a clean domain by `basis`.
fn org_of(domain: &str, basis: OrgBasis, answers: &dyn Answers) -> Step<Result<String, String>> {
    if is_ip_like(domain) {
        return Step::Done(Ok(domain.to_string()));
    }
    match basis {
        OrgBasis::PublicSuffixList => match psl_org(domain) {
            Some(org) => Step::Done(Ok(org)),
            None => tree_walk_org(domain, answers),
        },
        OrgBasis::TreeWalk | OrgBasis::TreeWalkInsteadOfList => tree_walk_org(domain, answers),
    }
}

fn push_unique(out: &mut Vec<Question>, questions: impl IntoIterator<Item = Question>) {
    for q in questions {
        if !out.contains(&q) {
            out.push(q);
        }
    }
}

/// Finds the DMARC policy record for a From domain, and its organizational domain.
///
/// RFC 9989: every tree-walk name is asked at once; the policy is the From domain's record, else
/// the organizational domain's, else the highest one the walk found (section 4.10.1).
/// RFC 7489: `_dmarc.<from>` and `_dmarc.<organizational domain>` are asked at once; the second
/// is used only when the first has no DMARC record. Multiple records at a name end discovery
/// with no policy. Deterministic and cheap: call it again whenever answers arrive.
pub fn discover(from_domain: &str, mode: DmarcMode, answers: &dyn Answers) -> Step<Discovery> {
    let basis = org_basis(mode);
    let Some(from) = clean_domain(from_domain) else {
        return Step::Done(Discovery {
            mode,
            from_domain: normalize_name(clip(from_domain, 255)),
            status: DiscoveryStatus::InvalidDomain,
            policy_domain: None,
            record: None,
            org_domain: None,
            org_basis: basis,
            consulted: Vec::new(),
            problem: Some(
                "the From domain is not a valid DNS name (an international name must be given \
                 in its xn-- form)"
                    .to_string(),
            ),
        });
    };
    let mut need = Vec::new();
    let org = match org_of(&from, basis, answers) {
        Step::Need(questions) => {
            push_unique(&mut need, questions);
            None
        }
        Step::Done(org) => Some(org),
    };
    let names: Vec<String> = match mode {
        DmarcMode::Rfc9989 => tree_walk_names(&from),
        DmarcMode::Rfc7489 => {
            let mut names = vec![from.clone()];
            if let Some(Ok(org)) = &org
                && *org != from
            {
                names.push(org.clone());
            }
            names
        }
    };
    push_unique(
        &mut need,
        names
            .iter()
            .filter(|n| answers.outcome(&dmarc_question(n)).is_none())
            .map(|n| dmarc_question(n)),
    );
    // With 8 or more labels the walk skips names, and the organizational domain (one label
    // below a psd=y record) can be one of them: its record is then asked in a second round.
    if let Some(Ok(org)) = &org
        && answers.outcome(&dmarc_question(org)).is_none()
    {
        push_unique(&mut need, [dmarc_question(org)]);
    }
    if !need.is_empty() {
        return Step::Need(need);
    }
    let mut discovery = Discovery {
        mode,
        from_domain: from.clone(),
        status: DiscoveryStatus::NoRecord,
        policy_domain: None,
        record: None,
        org_domain: org.as_ref().and_then(|o| o.as_ref().ok()).cloned(),
        org_basis: basis,
        consulted: Vec::new(),
        problem: None,
    };
    // RFC 9989 section 4.10.1: the Author Domain's record, else the organizational domain's,
    // else the highest record the walk found (a public suffix's psd=y record, say).
    let order: Vec<String> = match mode {
        DmarcMode::Rfc7489 => names.clone(),
        DmarcMode::Rfc9989 => {
            let mut order = vec![from.clone()];
            if let Some(Ok(org)) = &org
                && *org != from
            {
                order.push(org.clone());
            }
            let mut highest = None;
            for name in &names {
                if let Lookup::Records(records) = lookup(answers, name)
                    && let [record] = records.as_slice()
                {
                    highest = Some(name.clone());
                    if matches!(record.psd, Some(Psd::Y | Psd::N)) && *name != from {
                        break;
                    }
                }
            }
            if let Some(name) = highest.filter(|h| !order.contains(h)) {
                order.push(name);
            }
            order
        }
    };
    for (index, name) in order.iter().enumerate() {
        if index == 1
            && let Some(Err(why)) = &org
        {
            discovery.status = DiscoveryStatus::TempError;
            discovery.problem = Some(format!("the DNS tree walk failed at {why}"));
            return Step::Done(discovery);
        }
        discovery.consulted.push(format!("_dmarc.{name}"));
        match lookup(answers, name) {
            Lookup::Pending => {}
            Lookup::Error(why) => {
                discovery.status = DiscoveryStatus::TempError;
                discovery.problem = Some(format!("the lookup of _dmarc.{name} failed: {why}"));
                return Step::Done(discovery);
            }
            Lookup::Records(records) => {
                let count = records.len();
                let Some(record) = records.into_iter().next() else {
                    continue;
                };
                discovery.policy_domain = Some(name.clone());
                if count > 1 {
                    discovery.status = DiscoveryStatus::MultipleRecords;
                    return Step::Done(discovery);
                }
                discovery.status = if record.policy().is_some() {
                    DiscoveryStatus::Found
                } else {
                    DiscoveryStatus::NoPolicy
                };
                discovery.record = Some(record);
                return Step::Done(discovery);
            }
        }
    }
    Step::Done(discovery)
}

/// An SPF result word (RFC 7208 section 2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SpfResultWord {
    /// The sending IP is allowed.
    Pass,
    /// The sending IP is not allowed.
    Fail,
    /// Probably not allowed (`~all`).
    Softfail,
    /// The domain makes no statement (`?all`).
    Neutral,
    /// No SPF record.
    None,
    /// A DNS error stopped the check.
    Temperror,
    /// The SPF record is broken.
    Permerror,
}

impl SpfResultWord {
    /// The word as written in headers.
    pub fn as_str(self) -> &'static str {
        match self {
            SpfResultWord::Pass => "pass",
            SpfResultWord::Fail => "fail",
            SpfResultWord::Softfail => "softfail",
            SpfResultWord::Neutral => "neutral",
            SpfResultWord::None => "none",
            SpfResultWord::Temperror => "temperror",
            SpfResultWord::Permerror => "permerror",
        }
    }

    /// Reads a result word in any case.
    pub fn parse(word: &str) -> Option<SpfResultWord> {
        [
            SpfResultWord::Pass,
            SpfResultWord::Fail,
            SpfResultWord::Softfail,
            SpfResultWord::Neutral,
            SpfResultWord::None,
            SpfResultWord::Temperror,
            SpfResultWord::Permerror,
        ]
        .into_iter()
        .find(|w| w.as_str().eq_ignore_ascii_case(word.trim()))
    }
}

/// What DMARC is evaluated on: the From domain and the already computed SPF and DKIM results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DmarcInput {
    /// The RFC 5322 From domain (an address's domain part; an `@` before it is allowed).
    pub from_domain: String,
    /// The SPF-checked domain (the MAIL FROM domain, or the HELO name when MAIL FROM was
    /// empty) and SPF's result for it.
    pub spf: Option<(String, SpfResultWord)>,
    /// Each DKIM signature's d= domain and whether it verified (at most 8 are checked).
    pub dkim: Vec<(String, bool)>,
    /// The specification followed for the main result.
    pub mode: DmarcMode,
}

/// DMARC's result (RFC 8601 section 2.7.1 words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DmarcResult {
    /// An aligned SPF or DKIM pass.
    Pass,
    /// A policy exists and nothing aligned passed.
    Fail,
    /// No usable DMARC policy.
    None,
    /// Could not check: a DNS lookup failed.
    Temperror,
    /// Could not check: the input cannot be evaluated (an invalid From domain).
    Permerror,
}

impl DmarcResult {
    /// The result word.
    pub fn as_str(self) -> &'static str {
        match self {
            DmarcResult::Pass => "pass",
            DmarcResult::Fail => "fail",
            DmarcResult::None => "none",
            DmarcResult::Temperror => "temperror",
            DmarcResult::Permerror => "permerror",
        }
    }
}

/// One authenticated identifier checked against the From domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AlignmentCheck {
    /// `spf` or `dkim`.
    pub identifier: String,
    /// The domain SPF checked, or the DKIM d= domain.
    pub domain: String,
    /// The alignment the policy asks for (relaxed when there is no policy).
    pub mode: AlignmentMode,
    /// Whether it is aligned; None when that could not be determined (a failed lookup, or a
    /// failed mechanism whose alignment was not looked up because it cannot make DMARC pass).
    pub aligned: Option<bool>,
    /// The identifier's organizational domain, when it was determined.
    pub org_domain: Option<String>,
    /// The SPF result word, or `pass`/`fail` for DKIM.
    pub result_of_mechanism: String,
    /// One plain sentence.
    pub explanation: String,
}

/// What a receiver following the RFC does with this message because of DMARC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Disposition {
    /// The action for this message (none when DMARC passed or no policy applies).
    pub action: Policy,
    /// With RFC 7489's pct below 100: the share of failing messages that get `action`.
    pub pct: Option<u8>,
    /// One or two plain sentences.
    pub explanation: String,
}

/// The full DMARC evaluation of one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DmarcOutcome {
    /// The specification followed.
    pub mode: DmarcMode,
    /// The From domain evaluated, lowercase.
    pub from_domain: String,
    /// pass, fail, none, temperror or permerror.
    pub result: DmarcResult,
    /// The domain whose `_dmarc` record was used.
    pub policy_domain: Option<String>,
    /// That record.
    pub record: Option<DmarcRecord>,
    /// The policy that applies to the From domain (after `t=y`'s step down).
    pub applied_policy: Option<Policy>,
    /// Which tag it came from: `p`, `sp` or `np`.
    pub policy_tag: Option<String>,
    /// What a receiver does with this message.
    pub disposition: Disposition,
    /// SPF first (when given), then each DKIM signature.
    pub alignment: Vec<AlignmentCheck>,
    /// The From domain's organizational domain.
    pub org_domain: Option<String>,
    /// Where `org_domain` came from.
    pub org_basis: OrgBasis,
    /// The `_dmarc` names consulted for the policy.
    pub consulted: Vec<String>,
    /// Findings about the record (and about multiple records).
    pub lint: Vec<DmarcLint>,
    /// Where RFC 7489 and RFC 9989 give different answers for this message.
    pub differences: Vec<String>,
    /// Two or three plain sentences for a support agent.
    pub summary: String,
}

/// What alignment checks share.
struct Ctx<'a> {
    from: &'a str,
    from_org: Option<&'a str>,
    basis: OrgBasis,
    answers: &'a dyn Answers,
}

/// Whether two clean domains share at least their last label (only then can they share an
/// organizational domain).
fn share_suffix(a: &str, b: &str) -> bool {
    a.rsplit('.').next() == b.rsplit('.').next()
}

fn id_label(identifier: &str, domain: &str) -> String {
    if identifier == "dkim" {
        format!("DKIM d={domain}")
    } else {
        format!("SPF domain {domain}")
    }
}

/// Whether aligned, the identifier's organizational domain when looked up, and why.
type Aligned = (Option<bool>, Option<String>, String);

/// Alignment of one identifier. `passed` identifiers get their organizational domain looked up
/// (Need) when relaxed alignment depends on it; the others only when no lookup is needed.
fn align(
    ctx: &Ctx<'_>,
    identifier: &str,
    domain: &str,
    passed: bool,
    mode: AlignmentMode,
) -> Step<Aligned> {
    let (from, from_org, basis, answers) = (ctx.from, ctx.from_org, ctx.basis, ctx.answers);
    let label = id_label(identifier, domain);
    let Some(id) = clean_domain(domain) else {
        return Step::Done((
            Some(false),
            None,
            format!("{label} is not a valid domain name, so it cannot align with From {from}."),
        ));
    };
    if id == from {
        return Step::Done((
            Some(true),
            ctx.from_org.map(str::to_string),
            format!("{label} is the From domain itself: aligned."),
        ));
    }
    let tag = if identifier == "dkim" {
        "adkim"
    } else {
        "aspf"
    };
    if mode == AlignmentMode::Strict {
        return Step::Done((
            Some(false),
            None,
            format!(
                "{label} is not aligned with From {from}: the policy asks for strict alignment \
                 ({tag}=s), which needs the very same domain."
            ),
        ));
    }
    if !share_suffix(&id, from) {
        return Step::Done((
            Some(false),
            None,
            format!("{label} is not aligned with From {from}: different organizational domains."),
        ));
    }
    if !passed {
        return Step::Done((
            None,
            None,
            format!(
                "{label} did not pass, so it cannot make DMARC pass; its alignment with From \
                 {from} was not looked up."
            ),
        ));
    }
    let id_org = match org_of(&id, basis, answers) {
        Step::Need(questions) => return Step::Need(questions),
        Step::Done(org) => org,
    };
    Step::Done(match (from_org, id_org) {
        (Some(a), Ok(b)) if a == b => (
            Some(true),
            Some(b.clone()),
            format!(
                "{label} is aligned with From {from}: both belong to the organizational domain \
                 {a} (relaxed alignment)."
            ),
        ),
        (Some(a), Ok(b)) => (
            Some(false),
            Some(b.clone()),
            format!(
                "{label} is not aligned with From {from}: different organizational domains \
                 ({b} and {a})."
            ),
        ),
        (None, org) => (
            None,
            org.ok(),
            format!(
                "Could not tell whether {label} is aligned with From {from}: the From domain's \
                 organizational domain could not be looked up."
            ),
        ),
        (_, Err(why)) => (
            None,
            None,
            format!(
                "Could not tell whether {label} is aligned with From {from}: its organizational \
                 domain could not be looked up ({why})."
            ),
        ),
    })
}

/// Whether the From domain exists (RFC 9989: an A, AAAA or MX record): Need, or Some(exists),
/// or None when a lookup failed and no record was found.
fn exists(domain: &str, answers: &dyn Answers) -> Step<Option<bool>> {
    let questions: Vec<Question> = [RecordType::A, RecordType::Aaaa, RecordType::Mx]
        .into_iter()
        .map(|t| Question::new(domain, t))
        .collect();
    let pending: Vec<Question> = questions
        .iter()
        .filter(|q| answers.outcome(q).is_none())
        .cloned()
        .collect();
    if !pending.is_empty() {
        return Step::Need(pending);
    }
    let mut failed = false;
    for q in &questions {
        match answers.outcome(q) {
            Some(Ok(answer)) if answer.rcode == Rcode::NoError => {
                if !answer.data_for(q).is_empty() {
                    return Step::Done(Some(true));
                }
            }
            Some(Ok(answer)) if answer.rcode == Rcode::NxDomain => {}
            _ => failed = true,
        }
    }
    Step::Done(if failed { None } else { Some(false) })
}

/// One step less strict: RFC 9989's t=y and RFC 7489's messages left out by pct.
fn step_down(policy: Policy) -> Policy {
    match policy {
        Policy::Reject => Policy::Quarantine,
        _ => Policy::None,
    }
}

fn action_words(policy: Policy) -> &'static str {
    match policy {
        Policy::None => "delivered as usual",
        Policy::Quarantine => "quarantined (usually put in the spam or junk folder)",
        Policy::Reject => "rejected",
    }
}

/// Evaluates DMARC in one mode (no differences).
fn evaluate_mode(input: &DmarcInput, mode: DmarcMode, answers: &dyn Answers) -> Step<DmarcOutcome> {
    let from_text = input.from_domain.rsplit('@').next().unwrap_or("");
    let discovery = discover(from_text, mode, answers);
    let basis = org_basis(mode);
    let from = clean_domain(from_text).unwrap_or_default();
    let mut need = Vec::new();
    // The identifiers' organizational domains are asked with discovery's names (relaxed
    // alignment is the default), so one round covers them.
    let ids: Vec<(&str, &str, bool, String)> = input
        .spf
        .iter()
        .map(|(d, w)| {
            (
                "spf",
                d.as_str(),
                *w == SpfResultWord::Pass,
                w.as_str().to_string(),
            )
        })
        .chain(input.dkim.iter().take(MAX_DKIM).map(|(d, pass)| {
            let word = if *pass { "pass" } else { "fail" };
            ("dkim", d.as_str(), *pass, word.to_string())
        }))
        .collect();
    let discovery = match discovery {
        Step::Need(questions) => {
            push_unique(&mut need, questions);
            None
        }
        Step::Done(d) => Some(d),
    };
    if !from.is_empty() {
        let ctx = Ctx {
            from: &from,
            from_org: Some(""),
            basis,
            answers,
        };
        for (identifier, domain, passed, _) in &ids {
            if let Step::Need(questions) =
                align(&ctx, identifier, domain, *passed, AlignmentMode::Relaxed)
            {
                push_unique(&mut need, questions);
            }
        }
    }
    let Some(discovery) = discovery.filter(|_| need.is_empty()) else {
        return Step::Need(need);
    };
    let record = discovery.record.clone();
    let ctx = Ctx {
        from: &from,
        from_org: discovery.org_domain.as_deref(),
        basis,
        answers,
    };
    let mut alignment = Vec::new();
    for (identifier, domain, passed, word) in &ids {
        let mode = record.as_ref().map_or(AlignmentMode::Relaxed, |r| {
            if *identifier == "dkim" {
                r.adkim
            } else {
                r.aspf
            }
        });
        let (aligned, org_domain, explanation) = if from.is_empty() {
            (
                None,
                None,
                "Alignment cannot be checked: the From domain is not usable.".to_string(),
            )
        } else {
            match align(&ctx, identifier, domain, *passed, mode) {
                Step::Done(done) => done,
                Step::Need(_) => (None, None, "Not determined.".to_string()),
            }
        };
        alignment.push(AlignmentCheck {
            identifier: identifier.to_string(),
            domain: normalize_name(clip(domain, 255)),
            mode,
            aligned,
            org_domain,
            result_of_mechanism: word.clone(),
            explanation,
        });
    }
    let checked = |a: &&AlignmentCheck| a.result_of_mechanism == "pass";
    let result = match discovery.status {
        DiscoveryStatus::InvalidDomain => DmarcResult::Permerror,
        DiscoveryStatus::TempError => DmarcResult::Temperror,
        DiscoveryStatus::NoRecord
        | DiscoveryStatus::MultipleRecords
        | DiscoveryStatus::NoPolicy => DmarcResult::None,
        DiscoveryStatus::Found => {
            if alignment
                .iter()
                .filter(checked)
                .any(|a| a.aligned == Some(true))
            {
                DmarcResult::Pass
            } else if alignment
                .iter()
                .filter(checked)
                .any(|a| a.aligned.is_none())
            {
                DmarcResult::Temperror
            } else {
                DmarcResult::Fail
            }
        }
    };
    let mut notes: Vec<String> = Vec::new();
    let mut applied = None;
    let mut tag = None;
    if let (DiscoveryStatus::Found, Some(r), Some(pd)) =
        (discovery.status, &record, &discovery.policy_domain)
    {
        if *pd == from {
            applied = r.policy();
            tag = Some("p");
        } else {
            applied = r.subdomain_policy();
            tag = Some(if r.sp.is_some() { "sp" } else { "p" });
            let np =
                r.np.filter(|np| Some(*np) != applied && mode == DmarcMode::Rfc9989);
            if let (Some(np), DmarcResult::Fail) = (np, result) {
                match exists(&from, answers) {
                    Step::Need(questions) => return Step::Need(questions),
                    Step::Done(Some(true)) => {}
                    Step::Done(Some(false)) => {
                        applied = Some(np);
                        tag = Some("np");
                        notes.push(format!(
                            "{from} does not exist in the DNS (no A, AAAA or MX record), so the \
                             policy for non-existent subdomains (np={}) applies.",
                            np.as_str()
                        ));
                    }
                    Step::Done(None) => notes.push(format!(
                        "Could not check whether {from} exists; if it does not, np={} would \
                         apply instead.",
                        np.as_str()
                    )),
                }
            }
        }
        if mode == DmarcMode::Rfc9989
            && r.t == Some(true)
            && let Some(p) = applied.filter(|p| *p != Policy::None)
        {
            applied = Some(step_down(p));
            notes.push(format!(
                "The record is in test mode (t=y), so {} is applied instead of {}.",
                step_down(p).as_str(),
                p.as_str()
            ));
        }
    }
    let pct = record
        .as_ref()
        .and_then(|r| r.pct)
        .filter(|p| *p < 100 && mode == DmarcMode::Rfc7489);
    let disposition = disposition(result, applied, pct, &discovery);
    let mut lint_list = record.as_ref().map(lint).unwrap_or_default();
    if discovery.status == DiscoveryStatus::MultipleRecords {
        lint_list.push(lint_item(
            "multiple_records",
            Severity::Error,
            format!(
                "_dmarc.{} publishes more than one DMARC record, so receivers use none of them \
                 (some report this as permerror).",
                discovery.policy_domain.as_deref().unwrap_or("")
            ),
        ));
    }
    let mut outcome = DmarcOutcome {
        mode,
        from_domain: discovery.from_domain.clone(),
        result,
        policy_domain: discovery.policy_domain.clone(),
        record,
        applied_policy: applied,
        policy_tag: tag.map(str::to_string),
        disposition,
        alignment,
        org_domain: discovery.org_domain.clone(),
        org_basis: basis,
        consulted: discovery.consulted.clone(),
        lint: lint_list,
        differences: Vec::new(),
        summary: String::new(),
    };
    outcome.summary = summary(&outcome, &discovery, &notes);
    Step::Done(outcome)
}

fn disposition(
    result: DmarcResult,
    applied: Option<Policy>,
    pct: Option<u8>,
    discovery: &Discovery,
) -> Disposition {
    let none = |explanation: String| Disposition {
        action: Policy::None,
        pct: None,
        explanation,
    };
    match result {
        DmarcResult::Pass => none(
            "DMARC passed, so a receiver delivers the message as far as DMARC is concerned."
                .to_string(),
        ),
        DmarcResult::None => none(
            "No DMARC policy applies, so DMARC does not change how the message is handled."
                .to_string(),
        ),
        DmarcResult::Temperror => none(
            "DMARC could not be checked; receivers usually deliver, or ask the sender to retry \
             later."
                .to_string(),
        ),
        DmarcResult::Permerror => {
            none("DMARC could not be evaluated, so it does not change handling.".to_string())
        }
        DmarcResult::Fail => {
            let action = applied.unwrap_or(Policy::None);
            let domain = discovery.policy_domain.as_deref().unwrap_or("the domain");
            match pct {
                Some(pct) if action != Policy::None => Disposition {
                    action,
                    pct: Some(pct),
                    explanation: format!(
                        "DMARC failed and {domain} asks for {} on pct={pct}: about {pct}% of \
                         such messages are {}, the rest are {}.",
                        action.as_str(),
                        action_words(action),
                        action_words(step_down(action))
                    ),
                },
                _ if action == Policy::None => Disposition {
                    action,
                    pct: None,
                    explanation: format!(
                        "DMARC failed, but {domain} asks for no action (none), so receivers \
                         deliver the message as usual."
                    ),
                },
                _ => Disposition {
                    action,
                    pct: None,
                    explanation: format!(
                        "DMARC failed, so a receiver that follows the policy of {domain} \
                         ({}) has the message {}.",
                        action.as_str(),
                        action_words(action)
                    ),
                },
            }
        }
    }
}

fn summary(outcome: &DmarcOutcome, discovery: &Discovery, notes: &[String]) -> String {
    let from = &outcome.from_domain;
    let mut parts: Vec<String> = Vec::new();
    let at = outcome.policy_domain.as_deref().unwrap_or("");
    let inherited = if at != from && !at.is_empty() {
        format!(" (inherited from {at}, as {from} publishes none)")
    } else {
        String::new()
    };
    match discovery.status {
        DiscoveryStatus::InvalidDomain => parts.push(format!(
            "DMARC could not be evaluated: {}.",
            discovery
                .problem
                .as_deref()
                .unwrap_or("the From domain is not usable")
        )),
        DiscoveryStatus::TempError => parts.push(format!(
            "DMARC could not be checked: {}. This is not a failure.",
            discovery.problem.as_deref().unwrap_or("a lookup failed")
        )),
        DiscoveryStatus::NoRecord => parts.push(format!(
            "{from} publishes no DMARC policy, so receivers apply none (result none)."
        )),
        DiscoveryStatus::MultipleRecords => parts.push(format!(
            "{at} publishes more than one DMARC record, so receivers use none of them \
             (result none)."
        )),
        DiscoveryStatus::NoPolicy => parts.push(format!(
            "The DMARC record of {at} has no valid policy and no report address, so receivers \
             ignore it (result none)."
        )),
        DiscoveryStatus::Found => {
            let policy = outcome.applied_policy.map_or("none", Policy::as_str);
            let tag = outcome.policy_tag.as_deref().unwrap_or("p");
            let verdict = match outcome.result {
                DmarcResult::Pass => {
                    let by: Vec<String> = outcome
                        .alignment
                        .iter()
                        .filter(|a| a.aligned == Some(true) && a.result_of_mechanism == "pass")
                        .map(|a| id_label(&a.identifier, &a.domain))
                        .collect();
                    format!(
                        "DMARC passes: {} passed and is aligned with From {from}.",
                        by.join(" and ")
                    )
                }
                DmarcResult::Fail => format!(
                    "DMARC fails: neither SPF nor DKIM passed with a domain aligned with From \
                     {from}."
                ),
                _ => "DMARC could not be checked: an organizational domain needed for \
                      alignment could not be looked up. This is not a failure."
                    .to_string(),
            };
            parts.push(verdict);
            parts.push(format!(
                "The policy that applies is {tag}={policy}{inherited}."
            ));
        }
    }
    parts.extend(notes.iter().cloned());
    if outcome.result == DmarcResult::Fail {
        parts.push(outcome.disposition.explanation.clone());
    }
    parts.join(" ")
}

fn differences(main: &DmarcOutcome, other: &DmarcOutcome) -> Vec<String> {
    let (a, b) = (main.mode.name(), other.mode.name());
    let mut out = Vec::new();
    let show = |d: &Option<String>| d.clone().unwrap_or_else(|| "none".to_string());
    // Without the public suffix list (the WebAssembly build) RFC 7489's organizational domain
    // comes from the tree walk too: `org_basis` records it, and the readers are not told about
    // the build (it is not a fact about the message).
    if main.result != other.result {
        out.push(format!(
            "{a} gives {}, {b} gives {}.",
            main.result.as_str(),
            other.result.as_str()
        ));
    }
    if main.policy_domain != other.policy_domain {
        out.push(format!(
            "The policy comes from {} under {a} and from {} under {b}.",
            show(&main.policy_domain),
            show(&other.policy_domain)
        ));
    }
    if main.org_domain != other.org_domain {
        out.push(format!(
            "The organizational domain of {} is {} under {a} and {} under {b} (RFC 9989 takes \
             the highest name on the DNS tree walk that publishes a DMARC record; RFC 7489 the \
             name just below the public suffix).",
            main.from_domain,
            show(&main.org_domain),
            show(&other.org_domain)
        ));
    }
    if main.applied_policy != other.applied_policy {
        let p = |o: &DmarcOutcome| {
            o.applied_policy.map_or("none".to_string(), |p| {
                format!("{}={}", o.policy_tag.as_deref().unwrap_or("p"), p.as_str())
            })
        };
        out.push(format!(
            "The policy that applies is {} under {a} and {} under {b}.",
            p(main),
            p(other)
        ));
    }
    if main.disposition.pct != other.disposition.pct {
        let pct = main
            .disposition
            .pct
            .or(other.disposition.pct)
            .unwrap_or(100);
        out.push(format!(
            "pct={pct} matters only under RFC 7489 (about {pct}% of failing messages get the \
             policy); RFC 9989 dropped pct and applies the policy to all."
        ));
    }
    for (x, y) in main.alignment.iter().zip(&other.alignment) {
        if x.aligned != y.aligned {
            let word = |v: Option<bool>| match v {
                Some(true) => "aligned",
                Some(false) => "not aligned",
                None => "undetermined",
            };
            out.push(format!(
                "{} is {} under {a} and {} under {b}.",
                id_label(&x.identifier, &x.domain),
                word(x.aligned),
                word(y.aligned)
            ));
        }
    }
    out
}

/// Evaluates DMARC for a message: policy discovery, SPF and DKIM alignment (each explained),
/// the result, the policy that applies and what a receiver does. Both RFCs are evaluated on
/// the same answers; `input.mode` gives the main outcome and `differences` says where the other
/// RFC disagrees. Returns Need with every question both can already name (one round for the
/// tree walks and the identifiers' organizational domains; a second, only for a failing
/// message whose `np` could apply, for the From domain's A, AAAA and MX).
pub fn evaluate(input: &DmarcInput, answers: &dyn Answers) -> Step<DmarcOutcome> {
    let other_mode = match input.mode {
        DmarcMode::Rfc9989 => DmarcMode::Rfc7489,
        DmarcMode::Rfc7489 => DmarcMode::Rfc9989,
    };
    let main = evaluate_mode(input, input.mode, answers);
    let other = evaluate_mode(input, other_mode, answers);
    match (main, other) {
        (Step::Done(mut main), Step::Done(other)) => {
            main.differences = differences(&main, &other);
            Step::Done(main)
        }
        (main, other) => {
            let mut need = Vec::new();
            for step in [main, other] {
                if let Step::Need(questions) = step {
                    push_unique(&mut need, questions);
                }
            }
            Step::Need(need)
        }
    }
}

/// The Author Domain to evaluate from the From field's addresses: the domain of the single
/// address (or a bare domain). None for no address or several: RFC 7489 section 6.6.1 then
/// has each domain evaluated separately and the strictest failing policy applied, which the
/// caller does by calling [`evaluate`] once per domain.
pub fn author_domain(addresses: &[&str]) -> Option<String> {
    let [one] = addresses else {
        return None;
    };
    let domain = one.trim().trim_end_matches('>').rsplit('@').next()?;
    clean_domain(domain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::zone::MemoryResolver;
    use crate::dns::{Answer, DnsError, evaluate as run};
    use std::collections::HashMap;

    fn zone(lines: &str) -> MemoryResolver {
        MemoryResolver::from_zone(lines).unwrap()
    }

    fn input(from: &str, spf: Option<&str>, dkim: &[&str], mode: DmarcMode) -> DmarcInput {
        DmarcInput {
            from_domain: from.to_string(),
            spf: spf.map(|d| (d.to_string(), SpfResultWord::Pass)),
            dkim: dkim.iter().map(|d| (d.to_string(), true)).collect(),
            mode,
        }
    }

    /// Runs `evaluate` to the end and counts the rounds of questions.
    fn outcome(resolver: &MemoryResolver, input: &DmarcInput) -> (DmarcOutcome, usize) {
        let mut rounds = 0;
        let (done, _) = run(resolver, 1000, 100, |a| {
            let step = evaluate(input, a);
            if matches!(step, Step::Need(_)) {
                rounds += 1;
            }
            step
        });
        (done.unwrap(), rounds)
    }

    #[test]
    fn parses_every_tag() {
        let r = parse_record(
            "v=DMARC1; p=Reject; sp=quarantine; np=reject; adkim=s; aspf=r; pct=50; t=y; \
             psd=n; rua=mailto:a@example.com,mailto:b@example.net!10m; ruf=mailto:f@example.com; \
             fo=1:d; rf=afrf; ri=3600; x_extra=1",
        )
        .unwrap();
        assert_eq!(r.p, Some(Policy::Reject));
        assert_eq!(r.sp, Some(Policy::Quarantine));
        assert_eq!(r.np, Some(Policy::Reject));
        assert_eq!(
            (r.adkim, r.aspf),
            (AlignmentMode::Strict, AlignmentMode::Relaxed)
        );
        assert_eq!((r.pct, r.t, r.psd), (Some(50), Some(true), Some(Psd::N)));
        assert_eq!(r.rua.len(), 2);
        assert_eq!(r.ruf, vec!["mailto:f@example.com"]);
        assert_eq!(r.fo.as_deref(), Some("1:d"));
        assert_eq!(r.rf.as_deref(), Some("afrf"));
        assert_eq!(r.ri, Some(3600));
        assert_eq!(r.unknown_tags, vec!["x_extra"]);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
    }

    #[test]
    fn syntax_errors_say_where() {
        let text = "v=DMARC1; p=rejct; pct=150; adkim=x; rua=dmarc@example.com; p=none; tagonly;;";
        let r = parse_record(text).unwrap();
        let at: Vec<usize> = r.errors.iter().map(|e| e.position).collect();
        assert_eq!(at, vec![11, 20, 29, 38, 61, 69, 77], "{:?}", r.errors);
        assert!(
            r.errors[0]
                .message
                .contains("use none, quarantine or reject")
        );
        assert!(r.errors[3].message.contains("mailto:"));
        assert!(r.errors[4].message.contains("twice"));
        assert_eq!((r.p, r.pct, r.adkim), (None, None, AlignmentMode::Relaxed));
        // Receivers ignore it: no valid p and no valid rua.
        assert_eq!(r.policy(), None);
        let codes: Vec<String> = lint(&r).into_iter().map(|l| l.code).collect();
        assert!(codes.contains(&"syntax_error".to_string()));
        assert!(codes.contains(&"no_policy".to_string()));
    }

    #[test]
    fn only_exact_version_is_dmarc() {
        for bad in [
            "v=spf1 -all",
            "v=dmarc1; p=none",
            "v=DMARC1x; p=none",
            "",
            "p=none; v=DMARC1",
        ] {
            assert!(parse_record(bad).is_err(), "{bad}");
        }
        for good in ["V=DMARC1; p=none", "v = DMARC1 ;p=none;", "v=DMARC1"] {
            assert!(parse_record(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn hostile_records_do_not_panic() {
        let long = format!("v=DMARC1; p=none; {}", "é=ü;".repeat(3000));
        let semis = format!("v=DMARC1{}", ";".repeat(5000));
        let inputs = [
            "v=DMARC1;;;;",
            semis.as_str(),
            "v=DMARC1; =; ==; p==; ;=;",
            "v=DMARC1; p=ré; rua=mailto:é@ü; rua=,,,; fo=::; ri=99999999999999",
            "v=DMARC1; pct=-1; pct=1e2",
            long.as_str(),
        ];
        for text in inputs {
            let r = parse_record(text).unwrap();
            let _ = lint(&r);
            assert!(r.text.len() <= MAX_RECORD_BYTES);
            assert!(r.errors.len() <= MAX_ERRORS + 2);
        }
    }

    #[test]
    fn lint_findings() {
        let codes = |text: &str| -> Vec<String> {
            lint(&parse_record(text).unwrap())
                .into_iter()
                .map(|l| l.code)
                .collect()
        };
        let c = codes("v=DMARC1; p=none");
        assert!(c.contains(&"monitoring_only".to_string()));
        assert!(c.contains(&"no_reports".to_string()));
        let c = codes("v=DMARC1; p=reject; pct=25; rua=mailto:d@example.com; foo=bar; t=y");
        assert_eq!(c, vec!["partial_pct", "test_mode", "unknown_tag"]);
        let c = codes("v=DMARC1; rua=mailto:d@example.com");
        assert_eq!(c, vec!["no_policy", "monitoring_only"]);
        let c = codes("v=DMARC1; p=reject; sp=none; rua=mailto:d@example.com");
        assert_eq!(c, vec!["subdomains_unprotected"]);
        let l = lint(&parse_record("v=DMARC1; p=none").unwrap());
        assert!(l[0].message.contains("nothing is enforced"));
    }

    #[test]
    fn tree_walk_names_follow_the_rfc() {
        assert_eq!(
            tree_walk_names("a.b.c.d.e.f.g.h.i.j.k.example.com"),
            vec![
                "a.b.c.d.e.f.g.h.i.j.k.example.com",
                "g.h.i.j.k.example.com",
                "h.i.j.k.example.com",
                "i.j.k.example.com",
                "j.k.example.com",
                "k.example.com",
                "example.com",
                "com"
            ]
        );
        assert_eq!(
            tree_walk_names("Mail.Example.COM."),
            vec!["mail.example.com", "example.com", "com"]
        );
        assert_eq!(tree_walk_names("localhost"), vec!["localhost"]);
        assert_eq!(tree_walk_names("192.0.2.1"), vec!["192.0.2.1"]);
        assert!(tree_walk_names("bad name.example").is_empty());
        assert!(tree_walk_names("a..example").is_empty());
    }

    #[test]
    fn tree_walk_questions_go_out_in_one_round() {
        // Nothing answered yet: every tree-walk name of the From domain and of the passing
        // identifiers that could align is asked at once.
        let answers: HashMap<Question, Result<Answer, DnsError>> = HashMap::new();
        let i = input(
            "news.a.example.com",
            Some("bounce.example.com"),
            &["mailer.esp.net", "x.y.example.com"],
            DmarcMode::Rfc9989,
        );
        let Step::Need(questions) = evaluate(&i, &answers) else {
            panic!("needs DNS");
        };
        let names: Vec<&str> = questions.iter().map(|q| q.name.as_str()).collect();
        for want in [
            "_dmarc.news.a.example.com",
            "_dmarc.a.example.com",
            "_dmarc.example.com",
            "_dmarc.com",
            "_dmarc.bounce.example.com",
            "_dmarc.x.y.example.com",
            "_dmarc.y.example.com",
        ] {
            assert!(names.contains(&want), "{want} missing from {names:?}");
        }
        // mailer.esp.net shares no label with the From domain: it cannot align, so its
        // organizational domain is not asked.
        assert!(!names.iter().any(|n| n.contains("esp.net")), "{names:?}");
        assert!(questions.iter().all(|q| q.rtype == RecordType::Txt));
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "asked twice: {names:?}");
        // And it ends after that one round.
        let r = zone("_dmarc.example.com TXT \"v=DMARC1; p=reject\"");
        let (o, rounds) = outcome(&r, &i);
        assert_eq!(rounds, 1);
        assert_eq!(o.result, DmarcResult::Pass);
    }

    #[test]
    fn alignment_is_explained() {
        let r = zone(
            "_dmarc.example.com TXT \"v=DMARC1; p=quarantine; rua=mailto:d@example.com\"\n\
             _dmarc.esp.com TXT \"v=DMARC1; p=none\"",
        );
        for mode in [DmarcMode::Rfc9989, DmarcMode::Rfc7489] {
            let i = input(
                "example.com",
                Some("mail.example.com"),
                &["mailer.esp.com"],
                mode,
            );
            let (o, _) = outcome(&r, &i);
            assert_eq!(o.result, DmarcResult::Pass, "{mode:?}");
            let spf = &o.alignment[0];
            assert_eq!(
                (spf.aligned, spf.mode),
                (Some(true), AlignmentMode::Relaxed)
            );
            assert_eq!(
                spf.explanation,
                "SPF domain mail.example.com is aligned with From example.com: both belong to \
                 the organizational domain example.com (relaxed alignment)."
            );
            let dkim = &o.alignment[1];
            assert_eq!(dkim.aligned, Some(false));
            assert_eq!(
                dkim.explanation,
                "DKIM d=mailer.esp.com is not aligned with From example.com: different \
                 organizational domains (esp.com and example.com)."
            );
            assert_eq!(o.applied_policy, Some(Policy::Quarantine));
            assert_eq!(o.disposition.action, Policy::None);
            assert!(
                o.summary
                    .starts_with("DMARC passes: SPF domain mail.example.com"),
                "{}",
                o.summary
            );
        }
        let r = zone("_dmarc.example.com TXT \"v=DMARC1; p=reject; adkim=s\"");
        let i = input(
            "example.com",
            None,
            &["mail.example.com"],
            DmarcMode::Rfc9989,
        );
        let (o, _) = outcome(&r, &i);
        assert_eq!(o.result, DmarcResult::Fail);
        assert!(
            o.alignment[0]
                .explanation
                .contains("strict alignment (adkim=s)")
        );
        assert_eq!(o.disposition.action, Policy::Reject);
        assert!(o.summary.contains("rejected"), "{}", o.summary);
    }

    #[test]
    fn failed_lookups_are_temperror_never_fail() {
        let mut r = zone("_dmarc.example.com TXT \"v=DMARC1; p=reject\"");
        r.set(
            Question::new("_dmarc.mail.example.com", RecordType::Txt),
            Ok(Answer {
                rcode: Rcode::ServFail,
                records: Vec::new(),
            }),
        );
        let i = input(
            "mail.example.com",
            None,
            &["example.com"],
            DmarcMode::Rfc9989,
        );
        let (o, _) = outcome(&r, &i);
        assert_eq!(o.result, DmarcResult::Temperror);
        assert_eq!(o.disposition.action, Policy::None);
        assert!(o.summary.contains("SERVFAIL"), "{}", o.summary);
        assert!(o.summary.contains("not a failure"), "{}", o.summary);
        // The policy is found, but the DKIM domain's walk times out: temperror, not fail.
        let mut r = zone("_dmarc.example.com TXT \"v=DMARC1; p=reject\"");
        r.set(
            Question::new("_dmarc.s.example.com", RecordType::Txt),
            Err(DnsError::Timeout),
        );
        let i = input("example.com", None, &["s.example.com"], DmarcMode::Rfc9989);
        let (o, _) = outcome(&r, &i);
        assert_eq!(o.result, DmarcResult::Temperror);
        assert_eq!(o.alignment[0].aligned, None);
        assert!(o.alignment[0].explanation.starts_with("Could not tell"));
    }

    #[test]
    fn np_needs_a_second_round_only_when_it_matters() {
        let r = zone("_dmarc.example.com TXT \"v=DMARC1; p=reject; sp=none; np=quarantine\"");
        let i = input("ghost.example.com", None, &[], DmarcMode::Rfc9989);
        let (o, rounds) = outcome(&r, &i);
        assert_eq!(rounds, 2);
        assert_eq!(
            (o.applied_policy, o.policy_tag.as_deref()),
            (Some(Policy::Quarantine), Some("np"))
        );
        assert!(o.summary.contains("does not exist"), "{}", o.summary);
        assert!(
            o.differences.iter().any(|d| d.contains("np=quarantine")),
            "{:?}",
            o.differences
        );
        // A passing message needs no existence check.
        let i = input(
            "ghost.example.com",
            None,
            &["example.com"],
            DmarcMode::Rfc9989,
        );
        let (o, rounds) = outcome(&r, &i);
        assert_eq!((o.result, rounds), (DmarcResult::Pass, 1));
    }

    #[test]
    fn test_mode_and_pct() {
        let r = zone("_dmarc.example.com TXT \"v=DMARC1; p=reject; t=y; pct=20\"");
        let i = input("example.com", None, &[], DmarcMode::Rfc9989);
        let (o, _) = outcome(&r, &i);
        assert_eq!(
            (o.result, o.applied_policy),
            (DmarcResult::Fail, Some(Policy::Quarantine))
        );
        assert!(o.summary.contains("t=y"), "{}", o.summary);
        let i = input("example.com", None, &[], DmarcMode::Rfc7489);
        let (o, _) = outcome(&r, &i);
        assert_eq!(o.applied_policy, Some(Policy::Reject));
        assert_eq!(o.disposition.pct, Some(20));
        assert!(
            o.disposition.explanation.contains("about 20%"),
            "{}",
            o.disposition.explanation
        );
        assert!(
            o.differences.iter().any(|d| d.contains("pct=20")),
            "{:?}",
            o.differences
        );
    }

    #[test]
    fn the_rfcs_disagree_on_a_subdomain_with_its_own_record() {
        // RFC 9989: news.example.com has a record and its parent none, so it is its own
        // organizational domain and d=example.com does not align. RFC 7489 (public suffix
        // list): both are example.com.
        let r = zone("_dmarc.news.example.com TXT \"v=DMARC1; p=reject\"");
        let i = input(
            "news.example.com",
            None,
            &["example.com"],
            DmarcMode::Rfc9989,
        );
        let (o, _) = outcome(&r, &i);
        assert_eq!(o.result, DmarcResult::Fail);
        assert_eq!(o.org_domain.as_deref(), Some("news.example.com"));
        if cfg!(not(target_arch = "wasm32")) {
            assert!(
                o.differences
                    .contains(&"RFC 9989 gives fail, RFC 7489 gives pass.".to_string()),
                "{:?}",
                o.differences
            );
            assert!(
                o.differences
                    .iter()
                    .any(|d| d.starts_with("DKIM d=example.com is not aligned"))
            );
        }
    }

    #[test]
    fn policy_comes_from_the_organizational_domain() {
        let r = zone(
            "_dmarc.b.example.com TXT \"v=DMARC1; p=quarantine\"\n\
             _dmarc.example.com TXT \"v=DMARC1; p=reject\"",
        );
        let i = input("a.b.example.com", None, &[], DmarcMode::Rfc9989);
        let (o, _) = outcome(&r, &i);
        assert_eq!(o.policy_domain.as_deref(), Some("example.com"));
        assert_eq!(o.org_domain.as_deref(), Some("example.com"));
        assert_eq!(o.applied_policy, Some(Policy::Reject));
        // b.example.com's record applies to b.example.com itself.
        let i = input("b.example.com", None, &[], DmarcMode::Rfc9989);
        let (o, _) = outcome(&r, &i);
        assert_eq!(o.policy_domain.as_deref(), Some("b.example.com"));
        assert_eq!(o.applied_policy, Some(Policy::Quarantine));
        // A long name whose organizational domain is a name the walk skips: asked next round.
        let r = zone(
            "_dmarc.c.d.e.f.g.h.example TXT \"v=DMARC1; p=none; psd=y\"\n\
                      _dmarc.b.c.d.e.f.g.h.example TXT \"v=DMARC1; p=reject\"",
        );
        let i = input("z.a.b.c.d.e.f.g.h.example", None, &[], DmarcMode::Rfc9989);
        let (o, rounds) = outcome(&r, &i);
        assert_eq!(o.org_domain.as_deref(), Some("b.c.d.e.f.g.h.example"));
        assert_eq!(o.policy_domain.as_deref(), Some("b.c.d.e.f.g.h.example"));
        assert_eq!((o.applied_policy, rounds), (Some(Policy::Reject), 2));
    }

    #[test]
    fn psd_and_multiple_records() {
        let r = zone(
            "_dmarc.bank.example TXT \"v=DMARC1; p=reject; psd=y\"\n\
             _dmarc.multi.example TXT \"v=DMARC1; p=reject\"\n\
             _dmarc.multi.example TXT \"v=DMARC1; p=none\"",
        );
        // No record of its own: the PSD's policy applies, and the organizational domain is
        // one label below the PSD.
        let i = input(
            "a.giant.bank.example",
            Some("b.giant.bank.example"),
            &[],
            DmarcMode::Rfc9989,
        );
        let (o, _) = outcome(&r, &i);
        assert_eq!(o.policy_domain.as_deref(), Some("bank.example"));
        assert_eq!(o.org_domain.as_deref(), Some("giant.bank.example"));
        assert_eq!(o.result, DmarcResult::Pass);
        let i = input("multi.example", None, &[], DmarcMode::Rfc7489);
        let (o, _) = outcome(&r, &i);
        assert_eq!((o.result, o.applied_policy), (DmarcResult::None, None));
        assert!(o.lint.iter().any(|l| l.code == "multiple_records"));
    }

    #[test]
    fn bad_from_domains() {
        let r = zone("");
        let i = input(
            "bad domain..example",
            None,
            &["example.com"],
            DmarcMode::Rfc9989,
        );
        let (o, rounds) = outcome(&r, &i);
        assert_eq!((o.result, rounds), (DmarcResult::Permerror, 0));
        assert_eq!(o.alignment[0].aligned, None);
        assert!(o.summary.contains("not a valid DNS name"), "{}", o.summary);
        assert_eq!(
            author_domain(&["User <user@Example.COM>"]).as_deref(),
            Some("example.com")
        );
        assert_eq!(author_domain(&["a@example.com", "b@example.com"]), None);
        assert_eq!(author_domain(&[]), None);
    }

    #[test]
    fn random_records_and_zones_do_not_panic() {
        // A small deterministic generator (no dependency): records glued from fragments, zones
        // from those records at random names, identifiers at random names.
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let fragments = [
            "v=DMARC1",
            "v=DMARC1;",
            ";",
            " ",
            "p=reject",
            "p=none",
            "sp=quarantine",
            "np=",
            "psd=y",
            "psd=n",
            "t=y",
            "pct=",
            "pct=101",
            "adkim=s",
            "aspf=x",
            "rua=mailto:a@b.c",
            "rua=",
            "ruf=x",
            "=",
            "==",
            "é",
            "\u{0}",
            "fo=1:d",
            "ri=-1",
            "\"",
            "\\",
            "v=DMARC1x",
        ];
        let names = [
            "example.com",
            "a.example.com",
            "b.a.example.com",
            "com",
            "example",
            "x.y",
        ];
        for _ in 0..300 {
            let mut zone_text = String::new();
            for _ in 0..next(6) {
                let mut record = String::new();
                for _ in 0..next(8) {
                    record.push_str(fragments[next(fragments.len())]);
                }
                let _ = parse_record(&record).map(|r| lint(&r));
                let clean: String = record.chars().filter(|c| *c != '"' && *c != '\\').collect();
                zone_text.push_str(&format!(
                    "_dmarc.{} TXT \"{clean}\"\n",
                    names[next(names.len())]
                ));
            }
            if next(2) == 0 {
                zone_text.push_str(&format!("{} A 192.0.2.1\n", names[next(names.len())]));
            }
            let Ok(resolver) = MemoryResolver::from_zone(&zone_text) else {
                continue;
            };
            let dkim: Vec<&str> = (0..next(4)).map(|_| names[next(names.len())]).collect();
            let mode = if next(2) == 0 {
                DmarcMode::Rfc9989
            } else {
                DmarcMode::Rfc7489
            };
            let i = input(
                names[next(names.len())],
                Some(names[next(names.len())]),
                &dkim,
                mode,
            );
            let (o, rounds) = outcome(&resolver, &i);
            assert!(rounds <= 2, "{zone_text}");
            assert!(!o.summary.is_empty());
        }
    }

    #[test]
    #[ignore = "prints sample outcomes for reading"]
    fn print_samples() {
        let r = zone(
            "_dmarc.example.com TXT \"v=DMARC1; p=reject; sp=quarantine; pct=50; rua=mailto:d@example.com\"\n\
             _dmarc.news.example.org TXT \"v=DMARC1; p=none\"\n\
             _dmarc.bank.example TXT \"v=DMARC1; p=reject; np=reject; psd=y\"",
        );
        for (from, spf, dkim, mode) in [
            (
                "mail.example.com",
                Some("bounces.esp.net"),
                vec!["example.com"],
                DmarcMode::Rfc9989,
            ),
            (
                "mail.example.com",
                Some("bounces.esp.net"),
                vec!["esp.net"],
                DmarcMode::Rfc7489,
            ),
            (
                "news.example.org",
                None,
                vec!["example.org"],
                DmarcMode::Rfc9989,
            ),
            ("ghost.bank.example", None, vec![], DmarcMode::Rfc9989),
        ] {
            let i = input(from, spf, &dkim, mode);
            let (o, rounds) = outcome(&r, &i);
            println!(
                "--- {from} {mode:?} rounds={rounds}\n{}\n",
                serde_json::to_string_pretty(&o).unwrap()
            );
        }
    }
}
