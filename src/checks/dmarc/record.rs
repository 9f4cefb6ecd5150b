//! The DMARC policy record: parsed and linted.
//!
//! The record's syntax is RFC 7489 section 6.4 (formal definition) with the tags of section 6.3
//! (general record format); RFC 9989 adds `np`, `psd` and `t` and drops `pct`, `rf` and `ri`,
//! which are still read (the lint says which RFC knows a tag). Report URIs are checked as RFC
//! 7489 section 6.2 describes them. A record that does not begin with `v=DMARC1` is no DMARC
//! record; the other errors leave the tag unset and the rest of the record in use, as receivers
//! do.
//!
//! ```text
//! dmarc-record = "v=DMARC1" *( ";" tag "=" value ) [";"]     ; WSP allowed around "=" and ";"
//! tags: p sp np (none|quarantine|reject)  adkim aspf (r|s)  pct (0-100)  t (y|n)
//!       psd (y|n|u)  rua ruf (URIs, comma-separated)  fo (0:1:d:s)  rf (afrf)  ri (seconds)
//! ```

use crate::vocab::text::clip;
use serde::{Deserialize, Serialize};

/// Bytes of a record's text that are parsed; the rest is ignored (and said so).
pub(super) const MAX_RECORD_BYTES: usize = 2048;
/// Tags read from one record.
const MAX_TAGS: usize = 32;
/// Errors listed per record.
pub(super) const MAX_ERRORS: usize = 16;
/// Report URIs kept per tag.
const MAX_URIS: usize = 8;

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
                    "fo=\"{shown}\" is not valid: RFC 7489 section 6.3 allows only 0, 1, d and s, \
                     joined by \":\" (for example fo=1 or fo=d:s); receivers ignore it and use \
                     fo=0"
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

/// The finding for a name with more than one DMARC record (discovery found them).
pub(super) fn multiple_records(domain: &str) -> DmarcLint {
    lint_item(
        "multiple_records",
        Severity::Error,
        format!(
            "_dmarc.{domain} publishes more than one DMARC record, so receivers use none of them \
             (some report this as permerror)."
        ),
    )
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
    for (tag, uris) in [("rua", &record.rua), ("ruf", &record.ruf)] {
        if uris.len() > 2 {
            out.push(lint_item(
                "too_many_report_addresses",
                Severity::Warning,
                format!(
                    "{tag}= lists {} addresses; receivers need only send to the first two (RFC \
                     7489 section 6.2), so the others may get nothing.",
                    uris.len()
                ),
            ));
        }
        if uris.iter().any(|u| u.contains('!')) {
            out.push(lint_item(
                "report_size_limit",
                Severity::Info,
                format!(
                    "{tag}= has a size limit (\"!size\"), which RFC 9989 removed: receivers may \
                     ignore it or the address."
                ),
            ));
        }
    }
    if record.fo.is_some() && record.ruf.is_empty() {
        out.push(lint_item(
            "fo_without_ruf",
            Severity::Info,
            "fo= chooses when failure reports are sent, but there is no ruf= address to send \
             them to, so it has no effect (RFC 7489 section 6.3)."
                .to_string(),
        ));
    }
    // RFC 7489's grammar (section 6.4) has the request (p=) right after the version.
    let second = record
        .text
        .split(';')
        .nth(1)
        .and_then(|t| t.split('=').next())
        .map(|t| t.trim_matches(is_wsp).to_ascii_lowercase());
    if record.p.is_some() && second.as_deref().is_some_and(|t| t != "p") {
        out.push(lint_item(
            "p_not_second",
            Severity::Info,
            "p= is not the tag right after v=DMARC1: RFC 7489's grammar puts it there, and some \
             receivers reject a record where it is not."
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
