//! Spam-filter verdict headers: what each receiving system's filter concluded, in plain words
//! for a support agent whose customer is not technical.
//!
//! Read, grouped into one [`SpamVerdict`] per filter run, each filter in its own module:
//! - **SpamAssassin** ([`spamassassin`]; also as run by amavis): `X-Spam-Status` (`tests=` lists, the amavis
//!   `tests=[RULE=score, ...]` form, the old `hits=`), `X-Spam-Score`, `X-Spam-Flag`,
//!   `X-Spam-Level` (stars), `X-Spam-Report` (per-rule scores and descriptions, in the `*`-line
//!   and the `pts rule name description` table forms) and `X-Spam-Checker-Version`.
//! - **rspamd** ([`rspamd`]): `X-Spamd-Result`, `X-Rspamd-Score`, `X-Rspamd-Action`, `X-Spamd-Bar`, and
//!   `X-Spam` / `X-Spam-Status` / `X-Spam-Level` written next to them.
//! - **Microsoft 365** ([`microsoft`]): `X-Forefront-Antispam-Report` (every field), `X-Microsoft-Antispam`
//!   (`BCL`, `PCL`), `X-MS-Exchange-Organization-SCL` / `-PCL`,
//!   `X-Microsoft-Antispam-Mailbox-Delivery`; the `-Untrusted` copies (the sending
//!   organisation's own filtering) as a separate verdict; `compauth=` in
//!   `Authentication-Results` as "Microsoft 365 composite authentication".
//! - **Barracuda** ([`barracuda`]): `X-Barracuda-Spam-Score`, `-Spam-Status`, `-Spam-Report`, `-Spam-Flag`.
//! - **Proofpoint** ([`proofpoint`]): `X-Proofpoint-Spam-Details`, `X-Proofpoint-Spam-Reason`.
//! - **Mimecast** ([`mimecast`]): `X-Mimecast-Spam-Score`, `-Impersonation-Protect`, `-Bulk-Signature`,
//!   `-Spam-Signature`.
//! - **Cisco Secure Email (IronPort)** ([`ironport`]): `X-IronPort-Anti-Spam-Filtered`,
//!   `X-IronPort-Anti-Spam-Result` (older `X-IPAS-Result`), `X-SBRS`.
//! - **GMX / WEB.DE** and **Kaspersky** ([`upstream`]): `X-UI-Filterresults`,
//!   `X-KLMS-AntiSpam-Status` / `X-KSMG-AntiSpam-Status` (with `-Rate`, `-Method`).
//! - **Fastmail** ([`fastmail`]): `X-Spam-score` with `X-Spam-hits`, `X-Spam-known-sender`,
//!   `X-Spam-sender-reputation`, against Fastmail's documented default threshold (5).
//! - **iCloud Mail** ([`apple`]): `X-Apple-MoveToFolder`, `X-Apple-Action` (the folder chosen).
//! - Generic `X-Spam: yes/no` and `X-Spam-Flag` with no named filter next to them (read as
//!   SpamAssassin's are).
//! - Any other `X-` field whose name ends in a verdict word (`...-Spam`, `...SPAMSTATE`,
//!   `...-Spam-Verdict`, ...) and whose value is one verdict word (`SPAM`, `yes`, `OK`, `no`,
//!   ...), as Vade's `X-VR-SPAMSTATE` ([`upstream`]); and, when no field gives a verdict, a spam
//!   tag at the start of the Subject (`*****SPAM*****`, `[SPAM]`).
//!
//! Fields of one filter are grouped while no `Received` field separates them and the same field
//! does not repeat; a repeat (two `X-Spam-Status` from two servers) starts a new verdict. A
//! grouped verdict names its main field (`X-Spam-Status`, `X-Spamd-Result`, ...). Unknown rules
//! and codes are kept with `meaning: None`. What each known rule or code means is data:
//! `data/spam/*.tsv`, compiled in as `crate::vocab::tables::spam`. Header text is untrusted: work is bounded (200 items
//! a verdict, 100 verdicts, copied text cut to 512 bytes) and non-finite numbers are dropped.
//!
//! Not supported:
//! - the encoded or encrypted blobs (`X-IronPort-Anti-Spam-Result`,
//!   `X-Microsoft-Antispam-Message-Info`, `X-Proofpoint-Spam-Details-Enc`, the `ARA:` list of
//!   `X-Microsoft-Antispam`, `SFS:` rule numbers): shown raw, not decoded;
//! - other products (Google, Sophos, Trend Micro, FortiMail, SpamExperts, ...);
//! - per-site custom rule names, which are shown raw;
//! - deciding which hop wrote a verdict beyond the `Received` boundaries between fields.

use crate::vocab::tables;
use serde::{Deserialize, Serialize};

mod apple;
mod barracuda;
mod fastmail;
mod hmailserver;
mod imail;
mod ironport;
mod mailscanner;
mod microsoft;
mod mimecast;
mod orange;
mod proofpoint;
pub mod removed;
mod rspamd;
mod spamassassin;
mod upstream;

/// One filter's verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SpamVerdict {
    /// "SpamAssassin", "rspamd", "Microsoft 365", "Barracuda", "Proofpoint", "Mimecast",
    /// "Cisco Secure Email (IronPort)", ...
    pub filter: String,
    /// The header field it was read from (as written); for a group, its main field.
    pub header: String,
    /// The 1-based line of that field.
    pub line: u32,
    /// The filter's own verdict, if it states one (true = spam/bulk/phish).
    pub is_spam: Option<bool>,
    /// The filter's overall score, if written.
    pub score: Option<f64>,
    /// The score at which the filter treats a message as spam, if written.
    pub threshold: Option<f64>,
    /// One plain-language sentence: what this filter concluded.
    pub summary: String,
    /// The individual rules / codes, in order.
    pub items: Vec<SpamItem>,
}

/// One rule, symbol or code a filter reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SpamItem {
    /// The rule name or field code, as written.
    pub code: String,
    /// Its value or the filter's own description/options, if any.
    pub value: Option<String>,
    /// Its score contribution, if written.
    pub score: Option<f64>,
    /// Plain-language meaning; None when the code is unknown (it is then shown raw, never dropped).
    pub meaning: Option<String>,
}

const MAX_ITEMS: usize = 200;

const MAX_VERDICTS: usize = 100;

const MAX_TEXT: usize = 512;

/// Tokens looked at in one field value (far above any real header).
const MAX_TOKENS: usize = 4000;

/// Copies at most [`MAX_TEXT`] bytes of `s`, trimmed, cut on a char boundary.
fn clip(s: &str) -> String {
    crate::vocab::text::clip(s.trim(), MAX_TEXT)
        .trim_end()
        .to_string()
}

/// A finite number, ignoring a trailing `,` / `;`; None for anything else (NaN, inf, text).
fn num(s: &str) -> Option<f64> {
    let t = s.trim().trim_end_matches([',', ';']);
    if t.is_empty() || t.len() > 40 {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// `7.3`, `5.0`, `-0.1`, `0.001` (at most three decimals, at least one).
pub(crate) fn fmt_num(v: f64) -> String {
    // By hand rather than with `{:.3}`: float formatting is the only user of the standard
    // library's float printing in the wasm, which costs several KB (measured).
    if !v.is_finite() {
        return "0.0".to_string();
    }
    let milli = (v.clamp(-1e12, 1e12) * 1000.0).round() as i64;
    let (sign, milli) = if milli < 0 {
        ("-", -milli)
    } else {
        ("", milli)
    };
    let whole = milli / 1000;
    let frac = milli % 1000;
    let mut digits = format!("{:03}", frac);
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    if whole == 0 && frac == 0 {
        return "0.0".to_string();
    }
    format!("{sign}{whole}.{digits}")
}

/// `+3.5` / `-1.9`.
fn fmt_signed(v: f64) -> String {
    let s = fmt_num(v);
    if s.starts_with('-') {
        s
    } else {
        format!("+{s}")
    }
}

/// Yes/no words filters write (`Yes`, `YES`, `True`, `1`).
fn yes_no(s: &str) -> Option<bool> {
    let t = s.trim().trim_end_matches([',', ';']);
    let first = t.split_whitespace().next().unwrap_or("");
    let first = first.trim_end_matches([',', ';']);
    if ["yes", "true", "1", "y"]
        .iter()
        .any(|w| first.eq_ignore_ascii_case(w))
    {
        Some(true)
    } else if ["no", "false", "0", "n"]
        .iter()
        .any(|w| first.eq_ignore_ascii_case(w))
    {
        Some(false)
    } else {
        None
    }
}

/// Case-insensitive substring test.
fn contains_ci(s: &str, needle: &str) -> bool {
    let (h, n) = (s.as_bytes(), needle.as_bytes());
    !n.is_empty() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// The meaning of `code` in a `rule meaning` table of `data/spam/` (an exact rule, else the
/// longest `PREFIX*` family it belongs to).
fn meaning(table: &[&'static str], code: &str) -> Option<&'static str> {
    tables::lookup_family_ci(table, code).map(|row| row.get(1))
}

/// A value of a `data/spam/` table, `-` standing for none.
fn cell(text: &'static str) -> Option<&'static str> {
    (text != "-").then_some(text)
}

/// `template` with `{v}` replaced by `value` (the first one only).
fn fill(template: &str, value: &str) -> String {
    match template.split_once("{v}") {
        Some((before, after)) => [before, value, after].concat(),
        None => template.to_string(),
    }
}

/// The verdict of a filter that writes a verdict word and no score: its summary is the
/// sentence for spam, for not spam, or for a word it does not document (`is_spam` None).
fn unscored(
    filter: &str,
    (header, line): (String, u32),
    is_spam: Option<bool>,
    [spam, ham, unknown]: [&str; 3],
    items: Vec<SpamItem>,
) -> SpamVerdict {
    let summary = match is_spam {
        Some(true) => spam,
        Some(false) => ham,
        None => unknown,
    };
    SpamVerdict {
        filter: filter.to_string(),
        header,
        line,
        is_spam,
        score: None,
        threshold: None,
        summary: summary.to_string(),
        items,
    }
}

/// The rules of a `RULE score, RULE score, ...` list (Fastmail's `X-Spam-hits`, the SpamAssassin
/// part of MailScanner's report): the entries of exactly a name and a number; others
/// (`LANGUAGES en`, `not cached`, `score=11.11`) are left out.
fn rule_scores(v: &str) -> Vec<(&str, f64)> {
    v.split(',')
        .filter_map(|part| {
            let mut words = part.split_whitespace();
            let code = words.next()?;
            let score = num(words.next()?)?;
            words.next().is_none().then_some((code, score))
        })
        .collect()
}

/// Appends an item unless the verdict already holds [`MAX_ITEMS`].
fn push_item(items: &mut Vec<SpamItem>, item: SpamItem) {
    if items.len() < MAX_ITEMS {
        items.push(item);
    }
}

/// A new item; text is clipped.
fn item(code: &str, value: Option<&str>, score: Option<f64>, meaning: Option<String>) -> SpamItem {
    SpamItem {
        code: clip(code),
        value: value.map(clip).filter(|v| !v.is_empty()),
        score: score.filter(|s| s.is_finite()),
        meaning,
    }
}

/// Joins clauses as "a, b and c".
fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "X scored this message 7.3, above its spam threshold of 5.0, so it was marked as spam."
fn score_sentence(
    filter: &str,
    is_spam: Option<bool>,
    score: Option<f64>,
    threshold: Option<f64>,
) -> String {
    match (score, threshold) {
        (Some(s), Some(t)) => {
            let place = if s > t {
                "above"
            } else if s < t {
                "below"
            } else {
                "exactly at"
            };
            let end = match is_spam {
                Some(true) if s >= t => ", so it was marked as spam.",
                Some(true) => ", but it was marked as spam anyway.",
                Some(false) if s < t => ", so it was not marked as spam.",
                Some(false) => ", but it was not marked as spam.",
                None => ".",
            };
            format!(
                "{filter} scored this message {}, {place} its spam threshold of {}{end}",
                fmt_num(s),
                fmt_num(t)
            )
        }
        (Some(s), None) => {
            let end = match is_spam {
                Some(true) => " and marked it as spam.",
                Some(false) => " and did not mark it as spam.",
                None => ".",
            };
            format!("{filter} scored this message {}{end}", fmt_num(s))
        }
        (None, _) => match is_spam {
            Some(true) => format!("{filter} marked this message as spam."),
            Some(false) => format!("{filter} did not mark this message as spam."),
            None => format!("{filter} checked this message but wrote no overall verdict."),
        },
    }
}

/// " The biggest contributors: BAYES_99 (+3.5), RDNS_NONE (+1.3)." (empty when none scored > 0).
fn contributors(items: &[SpamItem]) -> String {
    let mut scored: Vec<(&str, f64)> = items
        .iter()
        .filter_map(|i| i.score.filter(|s| *s > 0.0).map(|s| (i.code.as_str(), s)))
        .collect();
    crate::vocab::sort::sort_by(&mut scored, |a, b| b.1.total_cmp(&a.1));
    let top: Vec<String> = scored
        .iter()
        .take(3)
        .map(|(c, s)| format!("{c} ({})", fmt_signed(*s)))
        .collect();
    if top.is_empty() {
        String::new()
    } else {
        format!(" The biggest contributors: {}.", top.join(", "))
    }
}

/// Which filter wrote a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    SpamAssassin,
    Rspamd,
    /// `X-Spam`, `X-Spam-Flag`, ...: joins SpamAssassin or rspamd fields next to it.
    Flexible,
    Microsoft,
    MicrosoftUntrusted,
    Compauth,
    Barracuda,
    Proofpoint,
    Mimecast,
    IronPort,
    UnitedInternet,
    Kaspersky,
    Fastmail,
    Apple,
    /// Ipswitch IMail's `X-IMAIL-SPAM-<CHECK>` fields (`imail::PREFIX`).
    IMail,
    /// hMailServer's `X-hMailServer-Spam` and `X-hMailServer-Reason-<n>` fields.
    HMailServer,
    /// MailScanner's `X-<org>-MailScanner-SpamCheck` (`mailscanner::SUFFIX`).
    MailScanner,
    /// Orange's `X-me-spamlevel`, `X-me-spamrating`, `X-me-spamcause` (Vade).
    Orange,
    /// A one-word verdict field no table names (`upstream::is_verdict_field`).
    OneWord,
}

/// Field names read, lowercase, and their family.
const FIELDS: &[(&str, Family)] = &[
    ("x-spam-status", Family::SpamAssassin),
    ("x-spam-report", Family::SpamAssassin),
    // The same report added to mail that is not spam ("add_header ham Report _REPORT_",
    // Mail::SpamAssassin::Conf: add_header { spam | ham | all }), as cPanel's servers write it.
    ("x-ham-report", Family::SpamAssassin),
    ("x-spam-checker-version", Family::SpamAssassin),
    ("x-spam-flag", Family::Flexible),
    ("x-spam-level", Family::Flexible),
    ("x-spam-score", Family::Flexible),
    ("x-spam", Family::Flexible),
    ("x-spamd-result", Family::Rspamd),
    ("x-rspamd-score", Family::Rspamd),
    ("x-rspamd-action", Family::Rspamd),
    ("x-spamd-bar", Family::Rspamd),
    ("x-forefront-antispam-report", Family::Microsoft),
    ("x-microsoft-antispam", Family::Microsoft),
    ("x-ms-exchange-organization-scl", Family::Microsoft),
    ("x-ms-exchange-organization-pcl", Family::Microsoft),
    ("x-microsoft-antispam-mailbox-delivery", Family::Microsoft),
    (
        "x-forefront-antispam-report-untrusted",
        Family::MicrosoftUntrusted,
    ),
    ("x-microsoft-antispam-untrusted", Family::MicrosoftUntrusted),
    ("authentication-results", Family::Compauth),
    ("x-barracuda-spam-score", Family::Barracuda),
    ("x-barracuda-spam-status", Family::Barracuda),
    ("x-barracuda-spam-report", Family::Barracuda),
    ("x-barracuda-spam-flag", Family::Barracuda),
    ("x-proofpoint-spam-details", Family::Proofpoint),
    ("x-proofpoint-spam-reason", Family::Proofpoint),
    ("x-mimecast-spam-score", Family::Mimecast),
    ("x-mimecast-impersonation-protect", Family::Mimecast),
    ("x-mimecast-bulk-signature", Family::Mimecast),
    ("x-mimecast-spam-signature", Family::Mimecast),
    ("x-ironport-anti-spam-filtered", Family::IronPort),
    ("x-ironport-anti-spam-result", Family::IronPort),
    ("x-ipas-result", Family::IronPort),
    ("x-sbrs", Family::IronPort),
    ("x-ui-filterresults", Family::UnitedInternet),
    ("x-klms-antispam-status", Family::Kaspersky),
    ("x-klms-antispam-rate", Family::Kaspersky),
    ("x-klms-antispam-method", Family::Kaspersky),
    ("x-ksmg-antispam-status", Family::Kaspersky),
    ("x-ksmg-antispam-rate", Family::Kaspersky),
    ("x-ksmg-antispam-method", Family::Kaspersky),
    ("x-spam-hits", Family::Fastmail),
    ("x-spam-known-sender", Family::Fastmail),
    ("x-spam-sender-reputation", Family::Fastmail),
    ("x-apple-movetofolder", Family::Apple),
    ("x-apple-action", Family::Apple),
    ("x-me-spamlevel", Family::Orange),
    ("x-me-spamrating", Family::Orange),
    ("x-me-spamcause", Family::Orange),
];

/// The field's kind (its lowercase name from [`FIELDS`]) and family, if it is read here.
fn classify(name: &str, value: &str) -> Option<(&'static str, Family)> {
    // IMail names its fields after the check (`X-IMAIL-SPAM-DNSBL`, ...): each its own kind.
    if name
        .get(..imail::PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(imail::PREFIX))
        && name.len() > imail::PREFIX.len()
    {
        return Some(("x-imail-spam", Family::IMail));
    }
    // hMailServer numbers its reasons (`X-hMailServer-Reason-1`, ...) beside their total.
    if name.eq_ignore_ascii_case("x-hmailserver-spam") {
        return Some(("x-hmailserver-spam", Family::HMailServer));
    }
    if name
        .get(..hmailserver::PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(hmailserver::PREFIX))
        && name.len() > hmailserver::PREFIX.len()
    {
        let kind = if name[hmailserver::PREFIX.len()..].eq_ignore_ascii_case("score") {
            "x-hmailserver-reason-score"
        } else {
            "x-hmailserver-reason"
        };
        return Some((kind, Family::HMailServer));
    }
    // MailScanner puts the site's organization name into its field's name.
    if name.len() > mailscanner::SUFFIX.len()
        && name
            .get(name.len() - mailscanner::SUFFIX.len()..)
            .is_some_and(|s| s.eq_ignore_ascii_case(mailscanner::SUFFIX))
    {
        return Some(("x-mailscanner-spamcheck", Family::MailScanner));
    }
    let &(kind, family) = FIELDS.iter().find(|(n, _)| n.eq_ignore_ascii_case(name))?;
    match kind {
        "authentication-results" if !contains_ci(value, "compauth=") => None,
        // rspamd writes a bare `Yes, score=3.10`; SpamAssassin always writes more.
        "x-spam-status"
            if !["tests=", "required=", "hits="]
                .iter()
                .any(|k| contains_ci(value, k)) =>
        {
            Some((kind, Family::Flexible))
        }
        _ => Some((kind, family)),
    }
}

/// Whether fields of families `a` (group) and `b` (field) can share a verdict, and as what.
fn merge(a: Family, b: Family) -> Option<Family> {
    use Family::{Fastmail, Flexible, Rspamd, SpamAssassin};
    match (a, b) {
        _ if a == b && a != Family::Compauth => Some(a),
        (Flexible, SpamAssassin | Rspamd | Fastmail) => Some(b),
        (SpamAssassin | Rspamd | Fastmail, Flexible) => Some(a),
        _ => None,
    }
}

/// One header field that was read.
#[derive(Debug, Clone, Copy)]
struct Field<'a> {
    name: &'a str,
    value: &'a str,
    line: u32,
    kind: &'static str,
}

/// Fields of one filter run.
#[derive(Debug)]
struct Group<'a> {
    family: Family,
    segment: usize,
    fields: Vec<Field<'a>>,
}

impl<'a> Group<'a> {
    /// The field of this kind, if present.
    fn get(&self, kind: &str) -> Option<&Field<'a>> {
        self.fields.iter().find(|f| f.kind == kind)
    }

    /// The value of the field of this kind, if present.
    fn value(&self, kind: &str) -> Option<&'a str> {
        self.get(kind).map(|f| f.value)
    }

    /// The main field: the first of `kinds` present, else the first field.
    fn main(&self, kinds: &[&str]) -> (String, u32) {
        let f = kinds
            .iter()
            .find_map(|k| self.get(k))
            .or(self.fields.first());
        f.map_or((String::new(), 0), |f| (clip(f.name), f.line))
    }
}

/// `fields`: (field name as written, value unfolded and trimmed, 1-based line), in message order.
pub fn read<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str, u32)>) -> Vec<SpamVerdict> {
    let mut groups: Vec<Group<'a>> = Vec::new();
    let mut segment = 0usize;
    // The Subject, for a filter that gives its verdict as a tag there (Cisco).
    let mut subject: Option<&'a str> = None;
    let mut subject_line = 0u32;
    for (name, value, line) in fields {
        let name = name.trim();
        if name.eq_ignore_ascii_case("received") {
            segment += 1;
            continue;
        }
        if name.eq_ignore_ascii_case("subject") && subject.is_none() {
            subject = Some(value);
            subject_line = line;
        }
        let Some((kind, family)) = classify(name, value).or_else(|| {
            upstream::is_verdict_field(name, value).then_some(("one-word", Family::OneWord))
        }) else {
            continue;
        };
        let field = Field {
            name,
            value: value.trim(),
            line,
            kind,
        };
        // The latest group of this hop that this family can join.
        let target = groups
            .iter_mut()
            .rev()
            .take_while(|g| g.segment == segment)
            .find(|g| merge(g.family, family).is_some());
        if let Some(g) = target
            && (g.get(kind).is_none()
                || family == Family::IMail
                || (family == Family::HMailServer && kind == "x-hmailserver-reason"))
            && let Some(joined) = merge(g.family, family)
        {
            g.family = joined;
            g.fields.push(field);
            continue;
        }
        if groups.len() < MAX_VERDICTS {
            groups.push(Group {
                family,
                segment,
                fields: vec![field],
            });
        }
    }
    let mut verdicts: Vec<SpamVerdict> = groups
        .iter()
        .filter_map(|g| build(g, subject))
        .take(MAX_VERDICTS)
        .collect();
    // A Subject tag is a verdict of its own only when no filter's fields give one.
    if !verdicts.iter().any(|v| v.is_spam.is_some())
        && let Some(tag) = subject.and_then(upstream::subject_tag)
    {
        verdicts.push(upstream::subject_verdict(tag, subject_line));
    }
    verdicts
}

/// The verdict of one group; `subject`: the message's Subject.
fn build(g: &Group<'_>, subject: Option<&str>) -> Option<SpamVerdict> {
    match g.family {
        Family::SpamAssassin => Some(spamassassin::verdict(g, false)),
        // An empty `X-Spam-Level` alone says nothing.
        Family::Flexible if g.fields.iter().all(|f| f.value.is_empty()) => None,
        Family::Flexible => Some(spamassassin::verdict(g, true)),
        Family::Rspamd => Some(rspamd::verdict(g)),
        Family::Microsoft => Some(microsoft::verdict(g, false)),
        Family::MicrosoftUntrusted => Some(microsoft::verdict(g, true)),
        Family::Compauth => microsoft::compauth(g),
        Family::Barracuda => Some(barracuda::verdict(g)),
        Family::Proofpoint => Some(proofpoint::verdict(g)),
        Family::Mimecast => Some(mimecast::verdict(g)),
        Family::IronPort => Some(ironport::verdict(g, subject)),
        Family::UnitedInternet => Some(upstream::united_internet(g)),
        Family::Kaspersky => Some(upstream::kaspersky(g)),
        Family::Fastmail => Some(fastmail::verdict(g)),
        Family::Apple => Some(apple::verdict(g)),
        Family::IMail => Some(imail::verdict(g)),
        Family::HMailServer => Some(hmailserver::verdict(g)),
        Family::Orange => Some(orange::verdict(g)),
        Family::MailScanner => Some(mailscanner::verdict(g)),
        Family::OneWord => upstream::one_word(g),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn one(fields: &[(&str, &str, u32)]) -> SpamVerdict {
        let v = read(fields.iter().copied());
        assert_eq!(v.len(), 1, "{v:#?}");
        v.into_iter().next().unwrap()
    }

    pub(super) fn find<'v>(v: &'v SpamVerdict, code: &str) -> &'v SpamItem {
        v.items.iter().find(|i| i.code == code).unwrap()
    }

    #[test]
    fn two_runs_are_two_verdicts() {
        let v = read([
            (
                "X-Spam-Status",
                "No, score=1.0 required=5.0 tests=HTML_MESSAGE",
                1,
            ),
            ("Received", "from a by b", 2),
            (
                "X-Spam-Status",
                "Yes, score=9.0 required=5.0 tests=BAYES_99",
                5,
            ),
            ("X-Spam-Status", "No, score=0.0 required=5.0 tests=NONE", 6),
        ]);
        assert_eq!(v.len(), 3);
        assert_eq!(v.iter().map(|v| v.line).collect::<Vec<_>>(), [1, 5, 6]);
        assert_eq!(v[1].is_spam, Some(true));
    }

    #[test]
    fn several_filters_in_one_message() {
        let v = read([
            ("Received", "from mx.example.org", 1),
            (
                "X-Spamd-Result",
                "default: False [0.50 / 15.00]; R_SPF_ALLOW(-0.20)[+mx]",
                2,
            ),
            ("X-Spam-Status", "No, score=0.50", 3),
            ("X-Rspamd-Action", "no action", 4),
            ("Received", "from gw.example.net", 5),
            ("X-Barracuda-Spam-Score", "0.00", 6),
            ("X-Spam-Flag", "NO", 7),
            (
                "X-Spam-Status",
                "No, score=0.4 required=5.0 tests=HTML_MESSAGE autolearn=ham",
                8,
            ),
            ("Received", "from origin", 9),
        ]);
        let names: Vec<&str> = v.iter().map(|v| v.filter.as_str()).collect();
        assert_eq!(names, ["rspamd", "Barracuda", "SpamAssassin"]);
        assert_eq!(v[0].is_spam, Some(false));
        assert_eq!(v[2].line, 8);
        assert_eq!(v[2].is_spam, Some(false));
    }

    #[test]
    fn malformed_values_do_not_panic() {
        let samples = [
            "",
            ";",
            "=",
            "[",
            "](",
            "*",
            "* *",
            "default:",
            "default: [",
            "default: True [/]",
            "Yes, score=NaN required=inf tests=",
            "score=1e400",
            "tests=[",
            "tests=[]",
            "A(",
            "A(1.0",
            "A)[",
            "compauth=",
            "compauth=fail reason=",
            "CIP:;SCL:99;BCL:-5;SFV:;",
            "SCL:NaN;",
            "\u{1F600}\u{1F600}=\u{1F600};\u{1F600}:(",
            "é*é 3 É_RULE",
            "rule= score=",
        ];
        let names = FIELDS.iter().map(|(n, _)| *n).collect::<Vec<_>>();
        for name in &names {
            for s in samples {
                let value = if *name == "authentication-results" {
                    format!("compauth={s}")
                } else {
                    s.to_string()
                };
                let v = read([(*name, value.as_str(), 1)]);
                for verdict in &v {
                    assert!(!verdict.summary.is_empty());
                    assert!(verdict.score.is_none_or(f64::is_finite));
                    assert!(verdict.threshold.is_none_or(f64::is_finite));
                }
            }
        }
        let v = one(&[("X-Spam-Status", "Yes, score=nan required=inf tests=A", 1)]);
        assert_eq!((v.score, v.threshold), (None, None));
        let v = one(&[("X-Forefront-Antispam-Report", "SCL:99;BCL:-5;SFV:XYZ;", 1)]);
        assert_eq!((v.score, v.is_spam), (None, None));
        assert!(v.items.iter().all(|i| i.meaning.is_none()));
    }

    #[test]
    fn huge_input_is_bounded() {
        let tests: Vec<String> = (0..5000).map(|i| format!("RULE_{i}")).collect();
        let status = format!("Yes, score=9 required=5 tests={}", tests.join(","));
        let v = one(&[("X-Spam-Status", &status, 1)]);
        assert_eq!(v.items.len(), MAX_ITEMS);
        let result = (0..5000)
            .map(|i| format!("S{i}(1.0)[{}]", "é".repeat(400)))
            .collect::<Vec<_>>();
        let result = format!("default: False [1 / 15]; {}", result.join("; "));
        let v = one(&[("X-Spamd-Result", &result, 1)]);
        assert_eq!(v.items.len(), MAX_ITEMS);
        assert!(
            v.items
                .iter()
                .all(|i| i.value.as_ref().is_some_and(|s| s.len() <= MAX_TEXT))
        );
        let long = "x".repeat(100_000);
        let v = one(&[(
            "X-Forefront-Antispam-Report",
            &format!("H:{long};PTR:é{long}"),
            1,
        )]);
        assert!(
            v.items
                .iter()
                .all(|i| i.value.as_ref().is_some_and(|s| s.len() <= MAX_TEXT))
        );
        let many: Vec<(&str, &str, u32)> = (0..1000)
            .map(|i| ("Authentication-Results", "compauth=pass reason=100", i))
            .collect();
        assert_eq!(read(many).len(), MAX_VERDICTS);
        let report = "* 1.0 A ".repeat(10_000);
        let v = one(&[("X-Spam-Report", &report, 1)]);
        assert!(v.items.len() <= MAX_ITEMS);
        assert_eq!(clip(&"é".repeat(300)).len(), 512);
        assert_eq!(fmt_num(-0.0001), "0.0");
    }

    #[test]
    fn serializes_to_json() {
        let v = one(&[("X-Spam", "no", 3)]);
        let json = serde_json::to_string(&v).unwrap();
        assert!(json.contains("\"is_spam\":false"));
        let back: SpamVerdict = serde_json::from_str(&json).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn tables_are_searchable_ignoring_case() {
        use crate::vocab::tables::spam::*;
        assert!(tables::sorted_ci(SPAMASSASSIN));
        assert!(tables::sorted_ci(RSPAMD));
        assert!(tables::sorted_ci(RSPAMD_ACTIONS));
        assert!(tables::sorted_ci(MICROSOFT));
        assert!(tables::sorted_ci(COMPAUTH));
        assert!(tables::sorted_ci(BARRACUDA));
        assert!(tables::sorted_ci(PROOFPOINT));
        assert!(tables::sorted_ci(MIMECAST));
        assert_eq!(
            meaning(SPAMASSASSIN, "bayes_99"),
            meaning(SPAMASSASSIN, "BAYES_99")
        );
        assert_eq!(
            meaning(SPAMASSASSIN, "RCVD_IN_DNSWL_XYZ"),
            meaning(SPAMASSASSIN, "RCVD_IN_DNSWL_*")
        );
        assert_ne!(
            meaning(SPAMASSASSIN, "RCVD_IN_DNSWL_XYZ"),
            meaning(SPAMASSASSIN, "RCVD_IN_*")
        );
        assert_eq!(meaning(SPAMASSASSIN, "NOT_A_RULE"), None);
        assert_eq!(fill("a {v} b {v}", "x"), "a x b {v}");
    }
}
