//! Spam-filter verdict headers: what each receiving system's filter concluded, in plain words
//! for a support agent whose customer is not technical.
//!
//! Read, grouped into one [`SpamVerdict`] per filter run:
//! - **SpamAssassin** (also as run by amavis): `X-Spam-Status` (`tests=` lists, the amavis
//!   `tests=[RULE=score, ...]` form, the old `hits=`), `X-Spam-Score`, `X-Spam-Flag`,
//!   `X-Spam-Level` (stars), `X-Spam-Report` (per-rule scores and descriptions, in the `*`-line
//!   and the `pts rule name description` table forms) and `X-Spam-Checker-Version`.
//! - **rspamd**: `X-Spamd-Result`, `X-Rspamd-Score`, `X-Rspamd-Action`, `X-Spamd-Bar`, and
//!   `X-Spam` / `X-Spam-Status` / `X-Spam-Level` written next to them.
//! - **Microsoft 365**: `X-Forefront-Antispam-Report` (every field), `X-Microsoft-Antispam`
//!   (`BCL`, `PCL`), `X-MS-Exchange-Organization-SCL` / `-PCL`,
//!   `X-Microsoft-Antispam-Mailbox-Delivery`; the `-Untrusted` copies (the sending
//!   organisation's own filtering) as a separate verdict; `compauth=` in
//!   `Authentication-Results` as "Microsoft 365 composite authentication".
//! - **Barracuda**: `X-Barracuda-Spam-Score`, `-Spam-Status`, `-Spam-Report`, `-Spam-Flag`.
//! - **Proofpoint**: `X-Proofpoint-Spam-Details`, `X-Proofpoint-Spam-Reason`.
//! - **Mimecast**: `X-Mimecast-Spam-Score`, `-Impersonation-Protect`, `-Bulk-Signature`,
//!   `-Spam-Signature`.
//! - **Cisco Secure Email (IronPort)**: `X-IronPort-Anti-Spam-Filtered`,
//!   `X-IronPort-Anti-Spam-Result` (older `X-IPAS-Result`), `X-SBRS`.
//! - Generic `X-Spam: yes/no` and `X-Spam-Flag` with no named filter next to them.
//!
//! Fields of one filter are grouped while no `Received` field separates them and the same field
//! does not repeat; a repeat (two `X-Spam-Status` from two servers) starts a new verdict. A
//! grouped verdict names its main field (`X-Spam-Status`, `X-Spamd-Result`, ...). Unknown rules
//! and codes are kept with `meaning: None`. Header text is untrusted: work is bounded (200 items
//! a verdict, 100 verdicts, copied text cut to 512 bytes) and non-finite numbers are dropped.
//!
//! Not supported:
//! - the encoded or encrypted blobs (`X-IronPort-Anti-Spam-Result`,
//!   `X-Microsoft-Antispam-Message-Info`, `X-Proofpoint-Spam-Details-Enc`, the `ARA:` list of
//!   `X-Microsoft-Antispam`, `SFS:` rule numbers): shown raw, not decoded;
//! - other products (Google, Sophos, Trend Micro, Kaspersky, FortiMail, SpamExperts, ...);
//! - per-site custom rule names, which are shown raw;
//! - deciding which hop wrote a verdict beyond the `Received` boundaries between fields.

use serde::{Deserialize, Serialize};

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

/// Case-insensitive `starts_with` that never slices off a char boundary.
fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(prefix))
}

/// Case-insensitive substring test.
fn contains_ci(s: &str, needle: &str) -> bool {
    let (h, n) = (s.as_bytes(), needle.as_bytes());
    !n.is_empty() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// Meaning from a table of `(pattern, meaning)`: an exact match wins, else the longest
/// `PREFIX*` pattern that matches.
fn lookup(table: &[(&str, &'static str)], code: &str) -> Option<&'static str> {
    let mut best: Option<(usize, &'static str)> = None;
    for &(pat, meaning) in table {
        if let Some(prefix) = pat.strip_suffix('*') {
            if starts_with_ci(code, prefix) && best.is_none_or(|(len, _)| prefix.len() > len) {
                best = Some((prefix.len(), meaning));
            }
        } else if pat.eq_ignore_ascii_case(code) {
            return Some(meaning);
        }
    }
    best.map(|(_, m)| m)
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
}

/// Field names read, lowercase, and their family.
const FIELDS: &[(&str, Family)] = &[
    ("x-spam-status", Family::SpamAssassin),
    ("x-spam-report", Family::SpamAssassin),
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
];

/// The field's kind (its lowercase name from [`FIELDS`]) and family, if it is read here.
fn classify(name: &str, value: &str) -> Option<(&'static str, Family)> {
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
    use Family::{Flexible, Rspamd, SpamAssassin};
    match (a, b) {
        _ if a == b && a != Family::Compauth => Some(a),
        (Flexible, SpamAssassin | Rspamd) => Some(b),
        (SpamAssassin | Rspamd, Flexible) => Some(a),
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
    for (name, value, line) in fields {
        let name = name.trim();
        if name.eq_ignore_ascii_case("received") {
            segment += 1;
            continue;
        }
        let Some((kind, family)) = classify(name, value) else {
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
            && g.get(kind).is_none()
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
    groups.iter().filter_map(build).take(MAX_VERDICTS).collect()
}

/// The verdict of one group.
fn build(g: &Group<'_>) -> Option<SpamVerdict> {
    match g.family {
        Family::SpamAssassin => Some(spamassassin(g, false)),
        // An empty `X-Spam-Level` alone says nothing.
        Family::Flexible if g.fields.iter().all(|f| f.value.is_empty()) => None,
        Family::Flexible => Some(spamassassin(g, true)),
        Family::Rspamd => Some(rspamd(g)),
        Family::Microsoft => Some(microsoft(g, false)),
        Family::MicrosoftUntrusted => Some(microsoft(g, true)),
        Family::Compauth => compauth(g),
        Family::Barracuda => Some(barracuda(g)),
        Family::Proofpoint => Some(proofpoint(g)),
        Family::Mimecast => Some(mimecast(g)),
        Family::IronPort => Some(ironport(g)),
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
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
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

/// Whether a token looks like a rule name (`BAYES_99`, `__KAM_X`, `T_DKIM_INVALID`).
fn rule_like(s: &str) -> bool {
    s.len() >= 2
        && s.len() <= 100
        && s.bytes().any(|b| b.is_ascii_uppercase())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

/// What `X-Spam-Status` says.
#[derive(Debug, Default)]
struct SaStatus {
    is_spam: Option<bool>,
    score: Option<f64>,
    threshold: Option<f64>,
    tests: Vec<(String, Option<f64>)>,
}

/// `Yes, score=7.3 required=5.0 tests=A,B autolearn=no version=4.0.0`, the old `hits=`, and
/// amavis's `tests=[A=1.2, B=-0.1]`.
fn parse_sa_status(v: &str) -> SaStatus {
    let mut st = SaStatus::default();
    let mut tokens = v.split_whitespace().take(MAX_TOKENS).peekable();
    if let Some(first) = tokens.peek()
        && !first.contains('=')
    {
        st.is_spam = yes_no(first);
        tokens.next();
    }
    let (mut in_tests, mut bracket) = (false, false);
    let add = |st: &mut SaStatus, part: &str, amavis: bool| {
        let part = part.trim_matches(|c| matches!(c, '[' | ']' | ',' | ' '));
        if part.is_empty() || part.eq_ignore_ascii_case("none") || st.tests.len() >= MAX_ITEMS {
            return;
        }
        match part.split_once('=') {
            Some((name, score)) if amavis => st.tests.push((name.to_string(), num(score))),
            _ => st.tests.push((part.to_string(), None)),
        }
    };
    for tok in tokens {
        if bracket {
            for part in tok.split(',') {
                add(&mut st, part, true);
            }
            bracket = !tok.ends_with(']');
            continue;
        }
        let key = tok.split_once('=').filter(|(k, _)| {
            k.starts_with(|c: char| c.is_ascii_lowercase())
                && k.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        });
        if let Some((k, val)) = key {
            in_tests = false;
            match k {
                "score" | "hits" => st.score = num(val),
                "required" => st.threshold = num(val),
                "tests" if val.starts_with('[') => {
                    for part in val.split(',') {
                        add(&mut st, part, true);
                    }
                    bracket = !val.ends_with(']');
                }
                "tests" => {
                    in_tests = true;
                    for part in val.split(',') {
                        add(&mut st, part, false);
                    }
                }
                _ => {}
            }
        } else if in_tests {
            for part in tok.split(',') {
                add(&mut st, part, false);
            }
        }
    }
    st
}

/// Rule lines of an `X-Spam-Report` (or `X-Barracuda-Spam-Report`): `* 3.5 BAYES_99 BODY: ...`
/// or the table form `3.5 BAYES_99 BODY: ...`. Returns (rule, score, description).
fn parse_report(v: &str) -> Vec<(String, Option<f64>, Option<String>)> {
    // The full report template quotes the message's own text first; skip it.
    let v = match v.find("Content analysis details:") {
        Some(i) => v.get(i..).unwrap_or(v),
        None => v,
    };
    let tokens: Vec<&str> = v.split_whitespace().take(MAX_TOKENS).collect();
    let star_mode = tokens.contains(&"*");
    let mut out: Vec<(String, Option<f64>, Option<String>)> = Vec::new();
    let mut desc = String::new();
    let mut i = 0;
    while i < tokens.len() {
        let tok = tokens.get(i).copied().unwrap_or("");
        let prev_star = i == 0 || tokens.get(i.wrapping_sub(1)) == Some(&"*");
        let next = tokens.get(i + 1).copied().unwrap_or("");
        if (prev_star || !star_mode) && num(tok).is_some() && rule_like(next) {
            if let Some(last) = out.last_mut() {
                last.2 = Some(clip(&desc)).filter(|d| !d.is_empty());
            }
            desc.clear();
            if out.len() >= MAX_ITEMS {
                return out;
            }
            out.push((next.to_string(), num(tok), None));
            i += 2;
            continue;
        }
        if !out.is_empty() && tok != "*" && desc.len() < MAX_TEXT {
            if !desc.is_empty() {
                desc.push(' ');
            }
            desc.push_str(tok);
        }
        i += 1;
    }
    if let Some(last) = out.last_mut() {
        last.2 = Some(clip(&desc)).filter(|d| !d.is_empty());
    }
    out
}

/// SpamAssassin (`generic == false`) or an unnamed filter's `X-Spam` / `X-Spam-Flag` fields.
fn spamassassin(g: &Group<'_>, generic: bool) -> SpamVerdict {
    let mut st = g
        .value("x-spam-status")
        .map(parse_sa_status)
        .unwrap_or_default();
    let mut items = Vec::new();
    for (code, score) in &st.tests {
        push_item(&mut items, item(code, None, *score, sa_meaning(code)));
    }
    if let Some(report) = g.value("x-spam-report") {
        for (code, score, desc) in parse_report(report) {
            let known = items
                .iter_mut()
                .find(|i: &&mut SpamItem| i.code == code && i.value.is_none());
            if let Some(it) = known {
                it.score = it.score.or(score);
                it.value = desc;
            } else {
                push_item(
                    &mut items,
                    item(&code, desc.as_deref(), score, sa_meaning(&code)),
                );
            }
        }
    }
    for kind in ["x-spam-flag", "x-spam"] {
        if st.is_spam.is_none() {
            st.is_spam = g.value(kind).and_then(yes_no);
        }
    }
    if st.score.is_none() {
        st.score = g
            .value("x-spam-score")
            .and_then(|v| v.split_whitespace().next())
            .and_then(num);
    }
    let stars = g.value("x-spam-level").map(|v| {
        v.chars()
            .filter(|c| *c == '*' || *c == '+')
            .take(1000)
            .count()
    });
    let filter = if generic {
        "Unidentified spam filter"
    } else {
        "SpamAssassin"
    };
    let who = if generic {
        "A spam filter (not named in the headers)"
    } else {
        "SpamAssassin"
    };
    let mut summary = score_sentence(who, st.is_spam, st.score, st.threshold);
    if let (None, Some(n @ 1..)) = (st.score, stars) {
        summary.push_str(&format!(
            " Its spam level shows {n} star{} (one per point of score).",
            if n == 1 { "" } else { "s" }
        ));
    }
    summary.push_str(&contributors(&items));
    let (header, line) = g.main(&[
        "x-spam-status",
        "x-spam-flag",
        "x-spam",
        "x-spam-score",
        "x-spam-report",
    ]);
    SpamVerdict {
        filter: filter.to_string(),
        header,
        line,
        is_spam: st.is_spam,
        score: st.score,
        threshold: st.threshold,
        summary,
        items,
    }
}

/// Plain meaning of a SpamAssassin rule (`T_` rules under test, `*_BLOCKED` lookups included).
fn sa_meaning(code: &str) -> Option<String> {
    if let Some(rest) = code.strip_prefix("T_") {
        let base = lookup(SA_RULES, rest).unwrap_or("its exact meaning is not in this list");
        return Some(format!(
            "A rule still under test (it carries little or no weight): {}",
            lower_first(base)
        ));
    }
    if code.contains("_BLOCKED") {
        return Some(
            "The receiving server's lookup in this block list was refused (it used a shared or \
             public DNS resolver), so this says nothing about the sender."
                .to_string(),
        );
    }
    lookup(SA_RULES, code).map(str::to_string)
}

/// "the message ..." -> "The message ...".
fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        // ASCII only: the texts are ours, and Unicode case tables cost KB in the wasm.
        Some(f) => std::iter::once(f.to_ascii_uppercase()).chain(c).collect(),
        None => String::new(),
    }
}

/// "The message ..." -> "the message ..." for use after a colon.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => std::iter::once(f.to_ascii_lowercase()).chain(c).collect(),
        None => String::new(),
    }
}

/// SpamAssassin rules (also used by Barracuda, which runs many of them).
const SA_RULES: &[(&str, &str)] = &[
    (
        "BAYES_00",
        "The learned (Bayesian) filter puts the spam probability at 0-1%: it looks like normal mail.",
    ),
    (
        "BAYES_05",
        "The learned (Bayesian) filter puts the spam probability at 1-5%: it looks like normal mail.",
    ),
    (
        "BAYES_20",
        "The learned (Bayesian) filter puts the spam probability at 5-20%.",
    ),
    (
        "BAYES_40",
        "The learned (Bayesian) filter puts the spam probability at 20-40%.",
    ),
    (
        "BAYES_50",
        "The learned (Bayesian) filter puts the spam probability at 40-60%: it cannot tell.",
    ),
    (
        "BAYES_60",
        "The learned (Bayesian) filter puts the spam probability at 60-80%.",
    ),
    (
        "BAYES_80",
        "The learned (Bayesian) filter puts the spam probability at 80-95%.",
    ),
    (
        "BAYES_95",
        "The learned (Bayesian) filter puts the spam probability at 95-99%.",
    ),
    (
        "BAYES_99",
        "The learned (Bayesian) filter puts the spam probability at 99-100%: it looks very much like spam seen before.",
    ),
    (
        "BAYES_999",
        "The learned (Bayesian) filter puts the spam probability at 99.9-100% (added on top of BAYES_99).",
    ),
    (
        "BAYES_*",
        "A result of the learned (Bayesian) filter, which compares the words with mail seen before.",
    ),
    (
        "DKIM_SIGNED",
        "The message carries a DKIM signature (this alone does not say whether it is valid).",
    ),
    (
        "DKIM_VALID",
        "At least one DKIM signature is valid: the signed parts were not changed on the way.",
    ),
    (
        "DKIM_VALID_AU",
        "A valid DKIM signature comes from the sender's own (From) domain.",
    ),
    (
        "DKIM_VALID_EF",
        "A valid DKIM signature comes from the envelope sender's domain.",
    ),
    (
        "DKIM_INVALID",
        "A DKIM signature is present but does not verify: the message was changed or the signature is broken.",
    ),
    ("DKIM_*", "A DKIM (digital signature) check."),
    (
        "SPF_PASS",
        "SPF passed: the sending server is allowed to send for the envelope sender's domain.",
    ),
    (
        "SPF_FAIL",
        "SPF failed: the envelope sender's domain says this server may not send its mail.",
    ),
    (
        "SPF_SOFTFAIL",
        "SPF soft fail: the envelope sender's domain says this server is probably not allowed to send its mail.",
    ),
    (
        "SPF_NEUTRAL",
        "SPF neutral: the envelope sender's domain makes no statement about this server.",
    ),
    (
        "SPF_NONE",
        "The envelope sender's domain publishes no SPF record.",
    ),
    (
        "SPF_HELO_PASS",
        "SPF passed for the name the sending server introduced itself with (HELO).",
    ),
    (
        "SPF_HELO_FAIL",
        "SPF failed for the name the sending server introduced itself with (HELO).",
    ),
    (
        "SPF_HELO_SOFTFAIL",
        "SPF soft fail for the name the sending server introduced itself with (HELO).",
    ),
    (
        "SPF_HELO_NEUTRAL",
        "SPF neutral for the name the sending server introduced itself with (HELO).",
    ),
    (
        "SPF_HELO_NONE",
        "The name the sending server introduced itself with (HELO) has no SPF record; very common.",
    ),
    (
        "SPF_HELO_*",
        "An SPF check of the name the sending server introduced itself with (HELO).",
    ),
    (
        "SPF_*",
        "An SPF check (whether the sending server may send for the domain).",
    ),
    (
        "RCVD_IN_DNSWL_NONE",
        "The sending server is on the DNSWL allow-list, but with no trust level (no effect on the score).",
    ),
    (
        "RCVD_IN_DNSWL_LOW",
        "The sending server is on the DNSWL allow-list with low trust.",
    ),
    (
        "RCVD_IN_DNSWL_MED",
        "The sending server is on the DNSWL allow-list with medium trust.",
    ),
    (
        "RCVD_IN_DNSWL_HI",
        "The sending server is on the DNSWL allow-list with high trust.",
    ),
    (
        "RCVD_IN_DNSWL_*",
        "The sending server's entry on the DNSWL allow-list.",
    ),
    (
        "RCVD_IN_SBL",
        "The sending server is on Spamhaus's SBL, a list of known spam sources.",
    ),
    (
        "RCVD_IN_SBL_CSS",
        "The sending server is on Spamhaus's CSS list of low-reputation (snowshoe) spam senders.",
    ),
    (
        "RCVD_IN_XBL",
        "The sending server is on Spamhaus's XBL, a list of hijacked or virus-infected computers.",
    ),
    (
        "RCVD_IN_PBL",
        "The sending server's address is on Spamhaus's PBL: addresses (such as home connections) that should not send mail directly.",
    ),
    (
        "RCVD_IN_BL_SPAMCOP_NET",
        "The sending server is on the SpamCop block list (recently reported for spam).",
    ),
    (
        "RCVD_IN_MSPIKE_H*",
        "The sending server has a good reputation at Mailspike.",
    ),
    (
        "RCVD_IN_MSPIKE_WL",
        "The sending server is on Mailspike's allow-list.",
    ),
    (
        "RCVD_IN_MSPIKE_L*",
        "The sending server has a poor reputation at Mailspike.",
    ),
    (
        "RCVD_IN_MSPIKE_BL",
        "The sending server is on Mailspike's block list.",
    ),
    (
        "RCVD_IN_VALIDITY_*",
        "The sender's standing with Validity (Return Path) reputation or certification lists.",
    ),
    (
        "RCVD_IN_*",
        "A server the message passed through is on a DNS reputation list.",
    ),
    (
        "URIBL_BLACK",
        "A link in the message points to a domain on the URIBL black list of spam domains.",
    ),
    (
        "URIBL_GREY",
        "A link in the message points to a domain on the URIBL grey list (often bulk or unsolicited mail).",
    ),
    (
        "URIBL_RED",
        "A link in the message points to a domain on the URIBL red list (recently seen in spam).",
    ),
    (
        "URIBL_DBL_SPAM",
        "A link in the message points to a domain Spamhaus lists as a spam domain.",
    ),
    (
        "URIBL_DBL_PHISH",
        "A link in the message points to a domain Spamhaus lists as a phishing domain.",
    ),
    (
        "URIBL_DBL_MALWARE",
        "A link in the message points to a domain Spamhaus lists as spreading malware.",
    ),
    (
        "URIBL_DBL_*",
        "A link in the message points to a domain on the Spamhaus domain block list.",
    ),
    (
        "URIBL_SBL",
        "A link in the message points to a site whose server is on Spamhaus's SBL.",
    ),
    (
        "URIBL_ABUSE_SURBL",
        "A link in the message points to a domain SURBL lists for abuse (spam).",
    ),
    (
        "URIBL_PH_SURBL",
        "A link in the message points to a domain SURBL lists for phishing.",
    ),
    (
        "URIBL_MW_SURBL",
        "A link in the message points to a domain SURBL lists for malware.",
    ),
    (
        "URIBL_CR_SURBL",
        "A link in the message points to a domain SURBL lists as a hacked (cracked) site.",
    ),
    (
        "URIBL_*",
        "A link in the message points to a domain on a block list.",
    ),
    (
        "HTML_MESSAGE",
        "The message contains HTML (very common; hardly counts).",
    ),
    (
        "MIME_HTML_ONLY",
        "The message has only an HTML version, no plain-text version.",
    ),
    (
        "MIME_HTML_MOSTLY",
        "The message is mostly HTML, with little plain text.",
    ),
    (
        "HTML_IMAGE_ONLY_*",
        "The message is mostly images with very little text.",
    ),
    (
        "HTML_FONT_LOW_CONTRAST",
        "The message uses text colours that are hard to see against the background.",
    ),
    (
        "FREEMAIL_FROM",
        "The sender uses a free e-mail service (such as Gmail or Outlook.com).",
    ),
    (
        "FREEMAIL_REPLYTO",
        "Replies would go to a free e-mail address different from the sender's.",
    ),
    (
        "FREEMAIL_FORGED_REPLYTO",
        "Replies would go to a free e-mail address different from the sender's.",
    ),
    (
        "FREEMAIL_ENVFROM_END_DIGIT",
        "The envelope sender is a free e-mail address ending in a digit.",
    ),
    ("FREEMAIL_*", "A check about free e-mail service addresses."),
    (
        "RDNS_NONE",
        "The sending server's address has no name in reverse DNS (typical of badly set-up or rogue servers).",
    ),
    (
        "RDNS_DYNAMIC",
        "The sending server's name looks like a home or dynamic internet connection.",
    ),
    (
        "HELO_DYNAMIC_*",
        "The sending server introduced itself with a name that looks like a home or dynamic connection.",
    ),
    ("MISSING_DATE", "The message has no Date header."),
    ("MISSING_MID", "The message has no Message-ID header."),
    ("MISSING_HEADERS", "The message has no To header."),
    ("MISSING_SUBJECT", "The message has no subject."),
    ("MISSING_FROM", "The message has no From header."),
    (
        "DATE_IN_FUTURE_*",
        "The message's date is later than the time it was received (a wrong clock or a trick to stay on top).",
    ),
    (
        "DATE_IN_PAST_*",
        "The message's date is well before the time it was received (long delay, wrong clock or resent old mail).",
    ),
    (
        "FORGED_MUA_OUTLOOK",
        "Claims to be written in Outlook but is not formatted the way Outlook does it.",
    ),
    (
        "FORGED_*",
        "Something in the message looks forged (it claims a sender, program or provider it did not really come from).",
    ),
    (
        "SUBJ_ALL_CAPS",
        "The subject is written in all capital letters.",
    ),
    (
        "PYZOR_CHECK",
        "The message matches Pyzor, a shared database of known spam.",
    ),
    (
        "RAZOR2_CHECK",
        "The message matches Razor, a shared database of known spam.",
    ),
    (
        "RAZOR2_CF_RANGE_*",
        "Razor's confidence that this message is spam (the range is in the rule name).",
    ),
    (
        "RAZOR2_*",
        "A check against Razor, a shared database of known spam.",
    ),
    (
        "DCC_CHECK",
        "The DCC network has seen very many copies of this message (bulk mail).",
    ),
    (
        "DCC_*",
        "A check against the DCC network that counts copies of bulk mail.",
    ),
    (
        "DMARC_PASS",
        "DMARC passed: the sender's domain is authenticated.",
    ),
    (
        "DMARC_REJECT",
        "DMARC failed, and the sender's domain asks receivers to reject such mail.",
    ),
    (
        "DMARC_QUAR",
        "DMARC failed, and the sender's domain asks receivers to quarantine (junk) such mail.",
    ),
    (
        "DMARC_NONE",
        "DMARC failed, but the sender's domain asks receivers to take no action.",
    ),
    (
        "DMARC_MISSING",
        "The sender's domain publishes no DMARC policy.",
    ),
    (
        "DMARC_*",
        "A DMARC check (whether the From domain is authenticated).",
    ),
    (
        "KAM_*",
        "One of Kevin McGrail's (KAM) extra rules, aimed at specific spam and scam campaigns.",
    ),
    (
        "ALL_TRUSTED",
        "The message passed only through servers this system trusts.",
    ),
    (
        "NO_RELAYS",
        "The message did not pass through any other server first (written on this system).",
    ),
    (
        "HEADER_FROM_DIFFERENT_DOMAINS",
        "The From address's domain differs from the envelope sender's (normal for newsletters and mailing lists).",
    ),
    (
        "MAILING_LIST_MULTI",
        "The message came through a mailing list.",
    ),
    (
        "USER_IN_WHITELIST",
        "The sender is on this system's allow-list.",
    ),
    (
        "USER_IN_WELCOMELIST",
        "The sender is on this system's allow-list.",
    ),
    (
        "USER_IN_DEF_WHITELIST",
        "The sender is on SpamAssassin's built-in list of known good senders.",
    ),
    (
        "USER_IN_DEF_WELCOMELIST",
        "The sender is on SpamAssassin's built-in list of known good senders.",
    ),
    (
        "USER_IN_BLACKLIST",
        "The sender is on this system's block list.",
    ),
    (
        "USER_IN_BLOCKLIST",
        "The sender is on this system's block list.",
    ),
    (
        "NICE_REPLY_A",
        "The message looks like a genuine reply to an earlier message.",
    ),
    (
        "AWL",
        "Adjusts the score towards the average of this sender's earlier mail (auto-welcomelist).",
    ),
    (
        "TXREP",
        "Adjusts the score by this sender's reputation from earlier mail.",
    ),
    (
        "SHORTCIRCUIT",
        "Checking stopped early because a decisive rule matched.",
    ),
    ("LOTS_OF_MONEY", "The text talks about large sums of money."),
    (
        "ADVANCE_FEE_*",
        "The text looks like an advance-fee (\"419\") scam.",
    ),
    ("EMPTY_MESSAGE", "The message has no text."),
    (
        "UNPARSEABLE_RELAY",
        "One of the Received headers could not be read.",
    ),
];

/// Splits at `sep` outside `[...]` and `(...)`.
fn split_top(v: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in v.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth = depth.saturating_sub(1),
            c if c == sep && depth == 0 => {
                out.push(v.get(start..i).unwrap_or(""));
                start = i + c.len_utf8();
                if out.len() > MAX_ITEMS {
                    return out;
                }
            }
            _ => {}
        }
    }
    out.push(v.get(start..).unwrap_or(""));
    out
}

/// The text between the first `open` and the last `close` after it.
fn between(v: &str, open: char, close: char) -> Option<&str> {
    let a = v.find(open)?;
    let b = v.rfind(close)?;
    v.get(a + open.len_utf8()..b)
}

/// `SYMBOL(1.50)[option,option]` -> (symbol, score, options).
fn rspamd_symbol(part: &str) -> (&str, Option<f64>, Option<&str>) {
    let part = part.trim();
    let end = part.find(['(', '[']).unwrap_or(part.len());
    let name = part.get(..end).unwrap_or(part).trim();
    let rest = part.get(end..).unwrap_or("");
    let score = rest
        .strip_prefix('(')
        .and_then(|r| r.split_once(')'))
        .and_then(|(s, _)| num(s));
    let opts = rest.find('[').and_then(|_| between(rest, '[', ']'));
    (name, score, opts.filter(|o| !o.trim().is_empty()))
}

/// Plain words for an rspamd action.
fn rspamd_action(action: &str) -> Option<(&'static str, bool)> {
    let a = action.trim().to_ascii_lowercase();
    Some(match a.as_str() {
        "no action" => ("to deliver it normally", false),
        "greylist" => ("to ask the sender to try again later (greylisting)", false),
        "add header" => (
            "to mark it as spam (it usually goes to the Junk folder)",
            true,
        ),
        "rewrite subject" => ("to mark it as spam by changing its subject", true),
        "soft reject" => (
            "to refuse it for now (the sender's server retries later)",
            true,
        ),
        "reject" => ("to refuse it", true),
        _ => return None,
    })
}

/// rspamd: `X-Spamd-Result: default: False [3.40 / 15.00]; SYMBOL(score)[options]; ...`.
fn rspamd(g: &Group<'_>) -> SpamVerdict {
    let (mut score, mut threshold, mut rejected) = (None, None, None);
    let mut items = Vec::new();
    if let Some(v) = g.value("x-spamd-result") {
        for (n, part) in split_top(v, ';').into_iter().enumerate() {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            // `default: False [3.40 / 15.00]`: False only means "not rejected".
            if n == 0
                && let Some((_, rest)) = part.split_once(':')
                && let Some(inner) = between(rest, '[', ']')
            {
                rejected = yes_no(rest);
                let (s, t) = inner.split_once('/').unwrap_or((inner, ""));
                (score, threshold) = (num(s), num(t));
                continue;
            }
            let (name, sc, opts) = rspamd_symbol(part);
            let meaning = lookup(RSPAMD_SYMBOLS, name).map(str::to_string);
            push_item(&mut items, item(name, opts, sc, meaning));
        }
    }
    if score.is_none() {
        score = g.value("x-rspamd-score").and_then(num);
    }
    let status = g.value("x-spam-status").map(parse_sa_status);
    if score.is_none() {
        score = status.as_ref().and_then(|s| s.score);
    }
    let action = g.value("x-rspamd-action").and_then(rspamd_action);
    // rspamd's own rule: any action but "no action" and "greylist" means spam.
    let is_spam = action
        .map(|(_, spam)| spam)
        .or_else(|| g.value("x-spam").and_then(yes_no))
        .or_else(|| status.and_then(|s| s.is_spam))
        .or(rejected.filter(|r| *r));
    let mut summary = match (score, threshold) {
        (Some(s), Some(t)) => format!(
            "rspamd scored this message {} (it refuses mail from {} up)",
            fmt_num(s),
            fmt_num(t)
        ),
        (Some(s), None) => format!("rspamd scored this message {}", fmt_num(s)),
        _ => "rspamd checked this message".to_string(),
    };
    match (action, is_spam, rejected) {
        (Some((words, _)), _, _) => summary.push_str(&format!(" and decided {words}.")),
        (None, _, Some(true)) => summary.push_str(" and decided to refuse it."),
        (None, Some(true), _) => summary.push_str(" and marked it as spam."),
        (None, Some(false), _) => summary.push_str(" and did not mark it as spam."),
        (None, None, _) => summary.push('.'),
    }
    summary.push_str(&contributors(&items));
    let (header, line) = g.main(&[
        "x-spamd-result",
        "x-rspamd-action",
        "x-rspamd-score",
        "x-spam",
        "x-spam-status",
    ]);
    SpamVerdict {
        filter: "rspamd".to_string(),
        header,
        line,
        is_spam,
        score,
        threshold,
        summary,
        items,
    }
}

/// rspamd symbols.
const RSPAMD_SYMBOLS: &[(&str, &str)] = &[
    (
        "R_SPF_ALLOW",
        "SPF passed: the sending server is allowed to send for the envelope sender's domain.",
    ),
    (
        "R_SPF_FAIL",
        "SPF failed: the envelope sender's domain says this server may not send its mail.",
    ),
    (
        "R_SPF_SOFTFAIL",
        "SPF soft fail: the envelope sender's domain says this server is probably not allowed to send its mail.",
    ),
    (
        "R_SPF_NEUTRAL",
        "SPF neutral: the envelope sender's domain makes no statement about this server.",
    ),
    (
        "R_SPF_NA",
        "The envelope sender's domain publishes no SPF record.",
    ),
    (
        "R_SPF_DNSFAIL",
        "The SPF record could not be fetched (a temporary DNS error).",
    ),
    (
        "R_SPF_PERMFAIL",
        "The sender's SPF record is broken and cannot be used.",
    ),
    (
        "R_DKIM_ALLOW",
        "A DKIM signature is valid: the signed parts were not changed on the way.",
    ),
    (
        "R_DKIM_REJECT",
        "A DKIM signature does not verify: the message was changed or the signature is forged.",
    ),
    (
        "R_DKIM_TEMPFAIL",
        "A DKIM signature could not be checked (a temporary DNS error).",
    ),
    (
        "R_DKIM_PERMFAIL",
        "A DKIM signature could not be checked (broken signature or key).",
    ),
    ("R_DKIM_NA", "The message has no DKIM signature."),
    (
        "DKIM_TRACE",
        "Which DKIM signatures were checked and their results (+ valid, - invalid, ? temporary error, ~ could not be checked).",
    ),
    (
        "DMARC_POLICY_ALLOW",
        "DMARC passed: the sender's domain is authenticated.",
    ),
    (
        "DMARC_POLICY_ALLOW_WITH_FAILURES",
        "DMARC passed, though some of the checks behind it failed.",
    ),
    (
        "DMARC_POLICY_REJECT",
        "DMARC failed, and the sender's domain asks receivers to reject such mail.",
    ),
    (
        "DMARC_POLICY_QUARANTINE",
        "DMARC failed, and the sender's domain asks receivers to quarantine (junk) such mail.",
    ),
    (
        "DMARC_POLICY_SOFTFAIL",
        "DMARC failed, but the sender's domain asks for no action (or for action on only part of its mail).",
    ),
    ("DMARC_NA", "The sender's domain publishes no DMARC policy."),
    ("DMARC_BAD_POLICY", "The sender's DMARC record is broken."),
    (
        "DMARC_DNSFAIL",
        "The DMARC record could not be fetched (a temporary DNS error).",
    ),
    (
        "ARC_ALLOW",
        "The ARC chain (results vouched for by forwarding servers) is valid.",
    ),
    (
        "ARC_REJECT",
        "The ARC chain (results vouched for by forwarding servers) is broken.",
    ),
    (
        "ARC_NA",
        "The message has no ARC chain (normal for mail not forwarded).",
    ),
    ("ARC_SIGNED", "This server added its own ARC seal."),
    (
        "MIME_GOOD",
        "The message's structure (MIME parts) is well formed.",
    ),
    (
        "MIME_TRACE",
        "A list of the message's parts, for the record (no effect).",
    ),
    ("MIME_UNKNOWN", "The message has a part of an unknown type."),
    (
        "MIME_HTML_ONLY",
        "The message has only an HTML version, no plain-text version.",
    ),
    (
        "R_MISSING_CHARSET",
        "A text part does not say which character set it uses.",
    ),
    (
        "ASN",
        "The network (autonomous system) and country of the sending server, for the record.",
    ),
    (
        "RCVD_TLS_ALL",
        "Every server-to-server hop used an encrypted (TLS) connection.",
    ),
    (
        "RCVD_TLS_LAST",
        "The last hop used an encrypted (TLS) connection.",
    ),
    (
        "RCVD_NO_TLS_LAST",
        "The last hop did not use an encrypted (TLS) connection.",
    ),
    (
        "RCVD_VIA_SMTP_AUTH",
        "The sender logged in to send it (authenticated submission).",
    ),
    (
        "RCVD_COUNT_*",
        "How many servers the message passed through (the count is in the name).",
    ),
    (
        "RCVD_IN_DNSWL_*",
        "The sending server's entry on the DNSWL allow-list.",
    ),
    (
        "RWL_MAILSPIKE_*",
        "The sending server's reputation at Mailspike (GOOD, VERYGOOD, EXCELLENT or POSSIBLE).",
    ),
    (
        "RBL_SPAMHAUS_SBL",
        "The sending server is on Spamhaus's SBL, a list of known spam sources.",
    ),
    (
        "RBL_SPAMHAUS_XBL",
        "The sending server is on Spamhaus's XBL, a list of hijacked or virus-infected computers.",
    ),
    (
        "RBL_SPAMHAUS_PBL",
        "The sending server's address is on Spamhaus's PBL: addresses that should not send mail directly.",
    ),
    ("RBL_*", "The sending server is on a DNS block list."),
    (
        "RECEIVED_SPAMHAUS_*",
        "A server earlier on the path is on a Spamhaus list.",
    ),
    (
        "URIBL_BLACK",
        "A link in the message points to a domain on the URIBL black list of spam domains.",
    ),
    (
        "DBL_SPAM",
        "A link in the message points to a domain Spamhaus lists as a spam domain.",
    ),
    (
        "DBL_PHISH",
        "A link in the message points to a domain Spamhaus lists as a phishing domain.",
    ),
    (
        "DBL_MALWARE",
        "A link in the message points to a domain Spamhaus lists as spreading malware.",
    ),
    (
        "PHISHING",
        "A link's visible text shows a different site from where it really leads (a phishing trick).",
    ),
    (
        "FROM_HAS_DN",
        "The From address has a display name (normal).",
    ),
    (
        "FROM_EQ_ENVFROM",
        "The From address is the same as the envelope sender.",
    ),
    (
        "FROM_NEQ_ENVFROM",
        "The From address differs from the envelope sender (normal for newsletters and mailing lists).",
    ),
    ("TO_DN_NONE", "The To addresses have no display names."),
    ("TO_DN_SOME", "Some To addresses have display names."),
    ("TO_DN_ALL", "All To addresses have display names."),
    (
        "TO_MATCH_ENVRCPT_ALL",
        "All recipients in the To/Cc headers match the real (envelope) recipients.",
    ),
    (
        "TO_MATCH_ENVRCPT_SOME",
        "Some recipients in the To/Cc headers match the real (envelope) recipients.",
    ),
    (
        "RCPT_COUNT_*",
        "How many recipients the message has (the count is in the name).",
    ),
    (
        "MID_RHS_MATCH_FROM",
        "The Message-ID's domain matches the From domain.",
    ),
    (
        "MID_CONTAINS_FROM",
        "The Message-ID contains the From address.",
    ),
    ("HAS_REPLYTO", "The message has a Reply-To address."),
    (
        "REPLYTO_DOM_NEQ_FROM_DOM",
        "Replies would go to a different domain from the sender's.",
    ),
    (
        "FREEMAIL_FROM",
        "The sender uses a free e-mail service (such as Gmail or Outlook.com).",
    ),
    (
        "FREEMAIL_ENVFROM",
        "The envelope sender is a free e-mail address.",
    ),
    ("FREEMAIL_TO", "The recipient is a free e-mail address."),
    (
        "BAYES_SPAM",
        "The learned (Bayesian) filter thinks it looks like spam seen before.",
    ),
    (
        "BAYES_HAM",
        "The learned (Bayesian) filter thinks it looks like normal mail.",
    ),
    (
        "NEURAL_SPAM",
        "The neural-network filter thinks it looks like spam.",
    ),
    (
        "NEURAL_HAM",
        "The neural-network filter thinks it looks like normal mail.",
    ),
    (
        "FUZZY_DENIED",
        "The message matches a fingerprint of known spam.",
    ),
    (
        "FUZZY_*",
        "A match against a database of fingerprints of known messages.",
    ),
    (
        "ONCE_RECEIVED",
        "The message passed through only one server before this one.",
    ),
    ("MISSING_DATE", "The message has no Date header."),
    ("MISSING_MID", "The message has no Message-ID header."),
    ("MISSING_TO", "The message has no To header."),
    (
        "DATE_IN_PAST",
        "The message's date is well before the time it was received.",
    ),
    (
        "DATE_IN_FUTURE",
        "The message's date is later than the time it was received.",
    ),
    (
        "FORGED_SENDER",
        "The envelope sender differs from the From address.",
    ),
    (
        "FORGED_RECIPIENTS",
        "The recipients in the headers do not match the real (envelope) recipients.",
    ),
    (
        "HFILTER_*",
        "A check of the name the sending server introduced itself with (HELO) or its reverse DNS.",
    ),
    (
        "PREVIOUSLY_DELIVERED",
        "The message was already delivered to a mailbox and is being passed on (forwarded).",
    ),
    ("MAILLIST", "The message came through a mailing list."),
    (
        "HAS_LIST_UNSUB",
        "The message has an unsubscribe link header (typical of newsletters).",
    ),
    (
        "R_SUSPICIOUS_URL",
        "A link in the message looks suspicious (obfuscated).",
    ),
    (
        "GREYLIST",
        "Greylisting: the sender was asked to retry later.",
    ),
];

/// `KEY:value;KEY:value;` pairs (Microsoft's format), at most [`MAX_ITEMS`].
fn colon_pairs(v: &str) -> Vec<(&str, &str)> {
    v.split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .take(MAX_ITEMS)
        .map(|p| {
            p.split_once(':')
                .map_or((p, ""), |(k, v)| (k.trim(), v.trim()))
        })
        .collect()
}

/// The band of a spam confidence level.
fn scl_band(n: i64) -> &'static str {
    match n {
        -1 => "filtering skipped",
        0 | 1 => "not spam",
        2..=4 => "low, not treated as spam",
        5 | 6 => "spam",
        _ => "high confidence spam",
    }
}

/// The band of a bulk complaint level.
fn bcl_band(n: i64) -> &'static str {
    match n {
        0 => "not from a bulk sender",
        1..=3 => "a bulk sender with few complaints",
        4..=7 => "a bulk sender with a mixed number of complaints",
        _ => "a bulk sender with many complaints",
    }
}

/// A level in `lo..=hi`, else None.
fn level(v: &str, lo: i64, hi: i64) -> Option<i64> {
    v.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (lo..=hi).contains(n))
}

/// SFV values: (meaning, is_spam, phrase for the summary when worth saying).
fn sfv(v: &str) -> Option<(&'static str, Option<bool>, Option<&'static str>)> {
    Some(match v.to_ascii_uppercase().as_str() {
        "NSPM" => ("Spam filtering found it was not spam.", Some(false), None),
        "SPM" => ("Spam filtering marked it as spam.", Some(true), None),
        "SKS" => (
            "Marked as spam before spam filtering (for example by a mail flow rule).",
            Some(true),
            Some("marked it as spam before filtering (for example by a mail flow rule)"),
        ),
        "SKA" => (
            "Skipped spam filtering because the sender is on the allowed senders or domains list of an anti-spam policy.",
            Some(false),
            Some("skipped spam filtering because an anti-spam policy allows the sender"),
        ),
        "SKB" => (
            "Marked as spam because the sender is on the blocked senders or domains list of an anti-spam policy.",
            Some(true),
            Some("marked it as spam because an anti-spam policy blocks the sender"),
        ),
        "SKN" => (
            "Marked as not spam before spam filtering (for example by a mail flow rule).",
            Some(false),
            Some("marked it as not spam before filtering (for example by a mail flow rule)"),
        ),
        "SKI" => (
            "Skipped spam filtering for another reason (for example mail within the organisation).",
            None,
            Some("skipped spam filtering (for example because it is internal mail)"),
        ),
        "SKQ" => (
            "Released from quarantine and sent on to the recipient.",
            None,
            Some("released it from quarantine"),
        ),
        "SFE" => (
            "Skipped spam filtering because the sender is on the recipient's Safe Senders list.",
            Some(false),
            Some(
                "skipped spam filtering because the sender is on the recipient's Safe Senders list",
            ),
        ),
        "BLK" => (
            "Blocked because the sender is on the recipient's Blocked Senders list.",
            Some(true),
            Some("blocked it because the sender is on the recipient's Blocked Senders list"),
        ),
        _ => return None,
    })
}

/// CAT values: (meaning, plain name for the summary).
fn cat(v: &str) -> Option<(&'static str, &'static str)> {
    Some(match v.to_ascii_uppercase().as_str() {
        "AMP" => ("The anti-malware policy acted on it.", "malware"),
        "BIMP" => ("Brand impersonation.", "brand impersonation"),
        "BULK" => ("Bulk mail (newsletters, marketing).", "bulk mail"),
        "DIMP" => (
            "Domain impersonation: the sender's domain imitates a protected domain.",
            "domain impersonation",
        ),
        "FTBP" => (
            "The common attachments filter of the anti-malware policy blocked an attachment type.",
            "a blocked attachment type",
        ),
        "GIMP" => (
            "Mailbox intelligence impersonation: the sender imitates someone the recipient writes with.",
            "impersonation",
        ),
        "HPHSH" | "HPHISH" => ("High confidence phishing.", "high confidence phishing"),
        "HSPM" => ("High confidence spam.", "high confidence spam"),
        "INTOS" => (
            "Phishing from inside the organisation.",
            "internal phishing",
        ),
        "MALW" => ("Malware.", "malware"),
        "OSPM" => (
            "Outbound spam (sent from this organisation).",
            "outbound spam",
        ),
        "PHSH" => ("Phishing.", "phishing"),
        "SAP" => ("Safe Attachments acted on it.", "a dangerous attachment"),
        "SPM" => ("Spam.", "spam"),
        "SPOOF" => (
            "Spoofing: the sender address is forged.",
            "spoofing (a forged sender)",
        ),
        "UIMP" => (
            "User impersonation: the sender imitates a protected person.",
            "user impersonation",
        ),
        "NONE" => ("No protection policy acted on it.", ""),
        _ => return None,
    })
}

/// Meaning of one Microsoft antispam field.
fn ms_meaning(key: &str, v: &str) -> Option<String> {
    let s = |t: &str| Some(t.to_string());
    match key.to_ascii_uppercase().as_str() {
        "SCL" => level(v, -1, 9).map(|n| format!("Spam confidence level {n}: {}. (-1 skipped, 0-1 not spam, 5-6 spam, 7-9 high confidence spam.)", scl_band(n))),
        "BCL" => level(v, 0, 9).map(|n| format!("Bulk complaint level {n}: {}. (0-9; by default 7 and above counts as bulk.)", bcl_band(n))),
        "PCL" => level(v, 0, 8).map(|n| format!("Phishing confidence level {n}: {}.", if n <= 3 { "not likely phishing" } else { "likely phishing" })),
        "SFV" => sfv(v).map(|(m, _, _)| m.to_string()),
        "CAT" => cat(v).map(|(m, _)| format!("The category of protection that applied: {m}")),
        "IPV" => match v.to_ascii_uppercase().as_str() {
            "CAL" => s("The connecting server is on an allow list of the connection filter policy, so spam filtering was skipped."),
            "NLI" => s("The connecting server's address is not on any IP reputation list."),
            _ => None,
        },
        "CIP" => Some(format!("The address of the server that connected to Microsoft: {v}.")),
        "CTRY" => Some(format!("The country of the connecting server's address: {v}.")),
        "LANG" => Some(format!("The language Microsoft detected in the message: {v}.")),
        "PTR" if v.is_empty() => s("The connecting server's address has no reverse DNS name."),
        "PTR" => Some(format!("The reverse DNS name of the connecting server's address: {v}.")),
        "H" => Some(format!("The name the connecting server introduced itself with (HELO/EHLO): {v}.")),
        "SRV" if v.eq_ignore_ascii_case("BULK") => s("Spam filtering and the bulk complaint level threshold marked it as bulk mail."),
        "SFTY" => Some(match v {
            "9.19" => "Domain impersonation: the sending domain imitates a protected domain (a safety tip may be shown).".to_string(),
            "9.20" => "User impersonation: the sender imitates a protected person (a safety tip may be shown).".to_string(),
            "9.25" => "First contact safety tip: the recipient has not had mail from this sender before.".to_string(),
            _ => format!("A phishing or safety-tip code ({v}) that Microsoft does not document further."),
        }),
        "DIR" => match v.to_ascii_uppercase().as_str() {
            "INB" => s("Direction: inbound (from outside the organisation)."),
            "OUT" => s("Direction: outbound (sent from the organisation)."),
            "INT" => s("Direction: internal (within the organisation)."),
            _ => None,
        },
        "SFS" => s("Numbers of the spam-filter rules that matched (Microsoft does not publish what they mean)."),
        "ARA" => s("Internal anti-spam rule data (Microsoft does not publish what it means)."),
        "DEST" => match v.to_ascii_uppercase().as_str() {
            "I" => s("Delivered to the Inbox."),
            "J" => s("Delivered to the Junk Email folder."),
            "C" => s("Delivered to a custom folder (usually moved there by a mailbox rule)."),
            _ => None,
        },
        "UCF" => s("Whether the recipient's own (custom) filtering applied: 0 no, 1 yes (not documented by Microsoft)."),
        "JMR" => s("Whether the recipient's junk e-mail rule (Safe and Blocked Senders) applied: 0 no, 1 yes (not documented by Microsoft)."),
        "AUTH" => s("Whether the sender counted as authenticated: 0 no, 1 yes (not documented by Microsoft)."),
        "OFR" => Some(format!("Microsoft's internal reason for the folder it chose: {v}.")),
        "RF" => Some(format!("The folder the message was routed to: {v}.")),
        "ENG" => s("Numbers of the filtering engines that ran (not documented by Microsoft)."),
        _ => None,
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

/// Microsoft 365 (Exchange Online Protection); `untrusted`: the sending organisation's copy.
fn microsoft(g: &Group<'_>, untrusted: bool) -> SpamVerdict {
    let kinds: &[&str] = if untrusted {
        &[
            "x-forefront-antispam-report-untrusted",
            "x-microsoft-antispam-untrusted",
        ]
    } else {
        &[
            "x-forefront-antispam-report",
            "x-microsoft-antispam",
            "x-ms-exchange-organization-scl",
            "x-ms-exchange-organization-pcl",
            "x-microsoft-antispam-mailbox-delivery",
        ]
    };
    let mut items = Vec::new();
    let (mut scl, mut bcl, mut sfv_v, mut cat_v, mut dest) = (None, None, None, None, None);
    for kind in kinds {
        let Some(v) = g.value(kind) else { continue };
        let pairs = match *kind {
            "x-ms-exchange-organization-scl" => vec![("SCL", v)],
            "x-ms-exchange-organization-pcl" => vec![("PCL", v)],
            _ => colon_pairs(v),
        };
        for (key, val) in pairs {
            match key.to_ascii_uppercase().as_str() {
                "SCL" => scl = scl.or(level(val, -1, 9)),
                "BCL" => bcl = bcl.or(level(val, 0, 9)),
                "SFV" => sfv_v = sfv_v.or(sfv(val)),
                "CAT" => cat_v = cat_v.or(cat(val)),
                "DEST" => dest = dest.or(Some(val.to_ascii_uppercase())),
                _ => {}
            }
            push_item(&mut items, item(key, Some(val), None, ms_meaning(key, val)));
        }
    }
    let cat_spam = cat_v.filter(|(_, name)| !name.is_empty());
    let is_spam = if cat_spam.is_some() {
        Some(true)
    } else {
        sfv_v
            .and_then(|(_, spam, _)| spam)
            .or_else(|| scl.and_then(|n| (n >= 5 || n <= 1).then_some(n >= 5)))
    };
    let mut parts = Vec::new();
    if let Some((_, _, Some(phrase))) = sfv_v {
        parts.push(phrase.to_string());
    }
    if let Some((_, name)) = cat_spam
        && (name != "spam" || scl.is_none())
    {
        parts.push(format!("classified it as {name}"));
    }
    if let Some(n) = scl {
        parts.push(format!(
            "gave it spam confidence level {n} ({})",
            scl_band(n)
        ));
    }
    if let Some(n) = bcl.filter(|n| *n > 0) {
        parts.push(format!(
            "rated its sender at bulk complaint level {n} ({})",
            bcl_band(n)
        ));
    }
    match dest.as_deref() {
        Some("I") => parts.push("delivered it to the Inbox".to_string()),
        Some("J") => parts.push("delivered it to the Junk Email folder".to_string()),
        Some("C") => parts.push("delivered it to a custom folder".to_string()),
        _ => {}
    }
    let who = if untrusted {
        "The sending organisation's Microsoft 365"
    } else {
        "Microsoft 365"
    };
    let summary = if parts.is_empty() {
        format!("{who} filtered this message but recorded no verdict.")
    } else {
        format!("{who} {}.", join_and(&parts))
    };
    let (header, line) = g.main(kinds);
    SpamVerdict {
        filter: if untrusted {
            "Microsoft 365 (sending organisation)".to_string()
        } else {
            "Microsoft 365".to_string()
        },
        header,
        line,
        is_spam,
        score: scl.map(|n| n as f64),
        threshold: None,
        summary,
        items,
    }
}

/// Meaning of a compauth reason code (Microsoft's documented families).
fn compauth_reason(code: &str) -> Option<&'static str> {
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(match code {
        "000" => {
            "the message failed DMARC and the sender's domain asks for such mail to be quarantined or rejected"
        }
        "001" => {
            "the sender's domain publishes no authentication records, or only weak ones (SPF ~all or ?all, DMARC p=none), and Microsoft could not otherwise confirm the sender"
        }
        "002" => "an administrator has forbidden this sender and domain pair from being spoofed",
        "010" => {
            "the message failed DMARC with a quarantine or reject policy, and it claims to come from one of the recipient organisation's own domains"
        }
        _ => match code.as_bytes().first() {
            Some(b'1' | b'7') => {
                "the message passed (the last two digits are Microsoft's internal codes)"
            }
            Some(b'2') => {
                "the message soft-passed implicit authentication (the last two digits are Microsoft's internal codes)"
            }
            Some(b'3') => "the message was not checked",
            Some(b'4' | b'9') => {
                "the check was bypassed, for example by an allow entry (the last two digits are Microsoft's internal codes)"
            }
            Some(b'6') => {
                "the message failed implicit authentication, and it claims to come from one of the recipient organisation's own domains"
            }
            _ => return None,
        },
    })
}

/// The token after `key=` (case-insensitive), up to a space, `;` or `(`.
fn token_after<'v>(v: &'v str, key: &str) -> Option<&'v str> {
    let at = v.to_ascii_lowercase().find(key)?;
    let rest = v.get(at + key.len()..)?;
    let end = rest
        .find(|c: char| c.is_whitespace() || c == ';' || c == '(')
        .unwrap_or(rest.len());
    rest.get(..end).map(|t| t.trim_matches('"'))
}

/// `compauth=fail reason=001` from a Microsoft `Authentication-Results` field.
fn compauth(g: &Group<'_>) -> Option<SpamVerdict> {
    let v = g.value("authentication-results")?;
    let at = v.to_ascii_lowercase().find("compauth=")?;
    let resinfo = v.get(at..)?;
    let resinfo = resinfo.split(';').next().unwrap_or(resinfo);
    let result = token_after(resinfo, "compauth=")?.to_ascii_lowercase();
    let reason = token_after(resinfo, "reason=");
    let (meaning, sentence) = match result.as_str() {
        "pass" => (
            "Composite authentication passed: Microsoft is satisfied the sender is genuine.",
            "Microsoft 365 is satisfied that the sender is genuine (composite authentication passed)",
        ),
        "fail" => (
            "Composite authentication failed: Microsoft could not confirm the sender and treats the message as possibly spoofed.",
            "Microsoft 365 could not confirm that the sender is genuine and treats the message as possibly spoofed (composite authentication failed)",
        ),
        "softpass" => (
            "Soft pass: Microsoft found the sender probably genuine, without full proof.",
            "Microsoft 365 found the sender probably genuine (composite authentication soft pass)",
        ),
        "none" => (
            "Composite authentication was not applied.",
            "Microsoft 365 did not apply composite authentication to this message",
        ),
        _ => (
            "",
            "Microsoft 365 wrote an unrecognised composite authentication result",
        ),
    };
    let mut items = vec![item(
        "compauth",
        Some(&result),
        None,
        Some(meaning.to_string()).filter(|m| !m.is_empty()),
    )];
    let why = reason.and_then(compauth_reason);
    if let Some(code) = reason {
        let m = why.map(|w| format!("{}.", upper_first(w)));
        items.push(item("reason", Some(code), None, m));
    }
    let summary = match (reason, why) {
        (Some(code), Some(w)) => format!("{sentence} - reason {code}: {w}."),
        (Some(code), None) => format!("{sentence} - reason {code}."),
        _ => format!("{sentence}."),
    };
    let (header, line) = g.main(&["authentication-results"]);
    Some(SpamVerdict {
        filter: "Microsoft 365 composite authentication".to_string(),
        header,
        line,
        is_spam: None,
        score: None,
        threshold: None,
        summary,
        items,
    })
}

/// Barracuda's own rules (the rest are SpamAssassin rules).
const BARRACUDA_RULES: &[(&str, &str)] = &[
    (
        "BSF_SC0_MISMATCH_TO",
        "The address in the To header is not the one the message was delivered to (for example Bcc or a mailing list).",
    ),
    (
        "BSF_SC*",
        "One of Barracuda's own spam-signature rules (from Barracuda Central).",
    ),
    ("BSF_RULE*", "One of Barracuda's own content rules."),
    ("BSF_*", "One of Barracuda's own spam rules."),
];

/// What `X-Barracuda-Spam-Status` says.
#[derive(Debug, Default)]
struct BarracudaStatus {
    is_spam: Option<bool>,
    score: Option<f64>,
    tag: Option<f64>,
    quarantine: Option<f64>,
    kill: Option<f64>,
    tests: Vec<String>,
}

/// `No, SCORE=0.00 using global scores of TAG_LEVEL=3.5 QUARANTINE_LEVEL=1000.0 KILL_LEVEL=6.0
/// tests=HTML_MESSAGE, BSF_SC0_MISMATCH_TO`.
fn parse_barracuda_status(v: &str) -> BarracudaStatus {
    let mut st = BarracudaStatus {
        is_spam: yes_no(v),
        ..Default::default()
    };
    let mut in_tests = false;
    for tok in v.split_whitespace().take(MAX_TOKENS) {
        let mut rules = tok;
        if let Some((k, val)) = tok.split_once('=') {
            in_tests = k.eq_ignore_ascii_case("tests");
            match k.to_ascii_uppercase().as_str() {
                "SCORE" => st.score = num(val),
                "TAG_LEVEL" => st.tag = num(val),
                "QUARANTINE_LEVEL" => st.quarantine = num(val),
                "KILL_LEVEL" => st.kill = num(val),
                _ => {}
            }
            rules = val;
        }
        if in_tests {
            for r in rules.split(',').map(str::trim) {
                if !r.is_empty() && st.tests.len() < MAX_ITEMS {
                    st.tests.push(r.to_string());
                }
            }
        }
    }
    st
}

/// Meaning of a rule Barracuda reports.
fn barracuda_meaning(code: &str) -> Option<String> {
    lookup(BARRACUDA_RULES, code)
        .map(str::to_string)
        .or_else(|| sa_meaning(code))
}

/// Barracuda Email Security Gateway / Email Protection.
fn barracuda(g: &Group<'_>) -> SpamVerdict {
    let mut st = g
        .value("x-barracuda-spam-status")
        .map(parse_barracuda_status)
        .unwrap_or_default();
    let mut items = Vec::new();
    for code in &st.tests {
        push_item(&mut items, item(code, None, None, barracuda_meaning(code)));
    }
    if let Some(report) = g.value("x-barracuda-spam-report") {
        for (code, score, desc) in parse_report(report) {
            if let Some(it) = items
                .iter_mut()
                .find(|i| i.code == code && i.score.is_none())
            {
                it.score = score;
                it.value = desc;
            } else {
                push_item(
                    &mut items,
                    item(&code, desc.as_deref(), score, barracuda_meaning(&code)),
                );
            }
        }
    }
    if st.score.is_none() {
        st.score = g.value("x-barracuda-spam-score").and_then(num);
    }
    if st.is_spam.is_none() {
        st.is_spam = g.value("x-barracuda-spam-flag").and_then(yes_no);
    }
    let mut summary = score_sentence("Barracuda", st.is_spam, st.score, st.tag);
    let levels: Vec<String> = [
        ("tags (marks) messages as spam from", st.tag),
        ("quarantines from", st.quarantine),
        ("blocks from", st.kill),
    ]
    .iter()
    .filter_map(|(what, l)| l.map(|l| format!("{what} {}", fmt_num(l))))
    .collect();
    if !levels.is_empty() {
        summary.push_str(&format!(" It {}.", join_and(&levels)));
    }
    summary.push_str(&contributors(&items));
    let (header, line) = g.main(&[
        "x-barracuda-spam-status",
        "x-barracuda-spam-score",
        "x-barracuda-spam-flag",
        "x-barracuda-spam-report",
    ]);
    SpamVerdict {
        filter: "Barracuda".to_string(),
        header,
        line,
        is_spam: st.is_spam,
        score: st.score,
        threshold: st.tag,
        summary,
        items,
    }
}

/// Meaning of a `X-Proofpoint-Spam-Details` key.
fn proofpoint_meaning(key: &str, v: &str) -> Option<String> {
    let score = |what: &str| {
        Some(format!(
            "{what} score, from 0 to 100 (higher means more likely)."
        ))
    };
    match key.to_ascii_lowercase().as_str() {
        "rule" => Some(format!("The Proofpoint rule that matched: {v}.")),
        "policy" => Some(format!("The Proofpoint policy (route) applied: {v}.")),
        "score" => {
            Some("Overall score, from 0 to 100 (higher means more likely unwanted).".to_string())
        }
        "spamscore" => score("Spam"),
        "suspectscore" => score("Suspect (suspicious but not confirmed spam)"),
        "malwarescore" => score("Malware"),
        "phishscore" => score("Phishing"),
        "adultscore" => score("Adult-content"),
        "bulkscore" => score("Bulk (marketing) mail"),
        "impostorscore" => score("Impostor (impersonation or business e-mail fraud)"),
        "priorityscore" | "lowpriorityscore" => {
            Some("Internal priority value (not publicly documented).".to_string())
        }
        "mlxscore" | "mlxlogscore" => {
            Some("Internal value of the machine-learning (MLX) engine.".to_string())
        }
        "clxscore" => Some("Internal value of the CLX classifier.".to_string()),
        "classifier" => Some(format!("The classifier that made the decision: {v}.")),
        "adjust" => Some(format!("Score adjustment applied by the policy: {v}.")),
        "reason" => Some(match v.to_ascii_lowercase().as_str() {
            "mlx" => "Decided by the machine-learning (MLX) engine.".to_string(),
            "safe" => "The sender is on a safe list.".to_string(),
            "orgsafe" => "The sender is on the organisation's safe list.".to_string(),
            _ => format!("Why the decision was made: {v}."),
        }),
        "scancount" => Some("How many times the message was scanned.".to_string()),
        "engine" => Some("The version of the filtering engine.".to_string()),
        "definitions" => Some("The version of the spam definitions used.".to_string()),
        _ => None,
    }
}

/// Proofpoint's verdict from its rule name: `notspam` false, `spam` / `bulk` / `phish` ... true.
fn proofpoint_rule(rule: &str) -> Option<bool> {
    let r = rule.to_ascii_lowercase();
    if r.contains("notspam") || r.contains("not_spam") || r == "safe" {
        Some(false)
    } else if [
        "spam", "bulk", "phish", "malware", "adult", "suspect", "impostor",
    ]
    .iter()
    .any(|w| r.contains(w))
    {
        Some(true)
    } else {
        None
    }
}

/// Proofpoint Email Protection.
fn proofpoint(g: &Group<'_>) -> SpamVerdict {
    let mut items = Vec::new();
    let (mut rule, mut spam, mut overall) = (None, None, None);
    let mut others = Vec::new();
    if let Some(v) = g.value("x-proofpoint-spam-details") {
        for tok in v.split_whitespace().take(MAX_ITEMS) {
            let (k, val) = tok.split_once('=').unwrap_or((tok, ""));
            match k.to_ascii_lowercase().as_str() {
                "rule" => rule = Some(val),
                "spamscore" => spam = num(val),
                "score" => overall = num(val),
                name @ ("phishscore" | "malwarescore" | "bulkscore" | "impostorscore"
                | "adultscore" | "suspectscore") => {
                    if let Some(n) = num(val).filter(|n| *n > 0.0) {
                        let what = name.trim_end_matches("score");
                        others.push(format!("{what} {}", fmt_num(n)));
                    }
                }
                _ => {}
            }
            push_item(
                &mut items,
                item(k, Some(val), None, proofpoint_meaning(k, val)),
            );
        }
    }
    let safe = g.value("x-proofpoint-spam-reason");
    if let Some(r) = safe {
        let meaning = match r.to_ascii_lowercase().as_str() {
            "safe" => Some(
                "The sender is on the recipient's safe list, so spam filtering did not apply."
                    .to_string(),
            ),
            "orgsafe" => Some(
                "The sender is on the organisation's safe list, so spam filtering did not apply."
                    .to_string(),
            ),
            _ => None,
        };
        push_item(&mut items, item("spam-reason", Some(r), None, meaning));
    }
    let is_spam = rule.and_then(proofpoint_rule);
    let score = spam.or(overall);
    let mut summary = match rule {
        Some(r) => format!("Proofpoint applied its rule \"{}\"", clip(r)),
        None => "Proofpoint checked this message".to_string(),
    };
    summary.push_str(match is_spam {
        Some(true) => " (treated as unwanted)",
        Some(false) => " (not spam)",
        None => "",
    });
    if let Some(s) = score {
        summary.push_str(&format!(" with a spam score of {} out of 100", fmt_num(s)));
    }
    summary.push('.');
    if !others.is_empty() {
        summary.push_str(&format!(" Other raised scores: {}.", others.join(", ")));
    }
    if let Some(r) = safe.filter(|r| r.to_ascii_lowercase().ends_with("safe")) {
        summary.push_str(&format!(" The sender is on a safe list ({}).", clip(r)));
    }
    let (header, line) = g.main(&["x-proofpoint-spam-details", "x-proofpoint-spam-reason"]);
    SpamVerdict {
        filter: "Proofpoint".to_string(),
        header,
        line,
        is_spam,
        score,
        threshold: None,
        summary,
        items,
    }
}

/// Mimecast impersonation indicators.
const MIMECAST_INDICATORS: &[(&str, &str)] = &[
    (
        "Policy",
        "The impersonation protection policy that was applied.",
    ),
    (
        "Similar Internal Domain",
        "Whether the sender's domain looks like one of the organisation's own domains.",
    ),
    (
        "Similar Monitored External Domain",
        "Whether the sender's domain looks like an outside domain the organisation watches.",
    ),
    (
        "Custom External Domain",
        "Whether the sender's domain resembles one on the organisation's own watch list.",
    ),
    (
        "Mimecast External Domain",
        "Whether the sender's domain resembles one Mimecast knows is often impersonated.",
    ),
    (
        "Newly Observed Domain",
        "Whether the sender's domain was first seen only recently.",
    ),
    (
        "Internal User Name",
        "Whether the sender's display name matches someone in the organisation.",
    ),
    (
        "Custom Display Name List",
        "Whether the sender's display name matches a name on the organisation's watch list.",
    ),
    (
        "Reply-to Address Mismatch",
        "Whether replies would go to a different address from the sender's.",
    ),
    (
        "Targeted Threat Dictionary",
        "Whether the text uses words typical of targeted fraud (such as payment requests).",
    ),
    (
        "Mimecast Threat Dictionary",
        "Whether the text uses words from Mimecast's list of fraud terms.",
    ),
    (
        "Custom Threat Dictionary",
        "Whether the text uses words from the organisation's own list of fraud terms.",
    ),
];

/// Mimecast.
fn mimecast(g: &Group<'_>) -> SpamVerdict {
    let mut items = Vec::new();
    let score = g.value("x-mimecast-spam-score").and_then(num);
    if let Some(v) = g.value("x-mimecast-spam-score") {
        let m = "Mimecast's spam score (higher means more likely spam; Mimecast does not publish a fixed scale).";
        push_item(
            &mut items,
            item("Spam-Score", Some(v), score, Some(m.to_string())),
        );
    }
    let mut signs = Vec::new();
    for (kind, code, what) in [
        ("x-mimecast-spam-signature", "Spam-Signature", "spam"),
        ("x-mimecast-bulk-signature", "Bulk-Signature", "bulk-mail"),
    ] {
        if let Some(v) = g.value(kind) {
            let m = format!("Whether the message matched a known {what} signature (yes or no).");
            push_item(&mut items, item(code, Some(v), None, Some(m)));
            signs.push((what, yes_no(v)));
        }
    }
    let mut flagged = Vec::new();
    if let Some(v) = g.value("x-mimecast-impersonation-protect") {
        for part in v
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .take(MAX_ITEMS)
        {
            let (k, val) = part
                .split_once('=')
                .map_or((part, ""), |(k, v)| (k.trim(), v.trim()));
            if val.eq_ignore_ascii_case("true") {
                flagged.push(clip(k));
            }
            let m = lookup(MIMECAST_INDICATORS, k).map(str::to_string);
            push_item(&mut items, item(k, Some(val), None, m));
        }
    }
    let matched: Vec<&str> = signs
        .iter()
        .filter(|(_, y)| *y == Some(true))
        .map(|(w, _)| *w)
        .collect();
    let is_spam = if !matched.is_empty() {
        Some(true)
    } else if signs.iter().any(|(_, y)| *y == Some(false)) {
        Some(false)
    } else {
        None
    };
    let mut parts = Vec::new();
    if let Some(s) = score {
        parts.push(format!("gave it spam score {}", fmt_num(s)));
    }
    if !matched.is_empty() {
        parts.push(format!(
            "found it matches a known {} signature",
            matched.join(" and ")
        ));
    } else if is_spam == Some(false) {
        parts.push("found no known spam or bulk-mail signature".to_string());
    }
    if !flagged.is_empty() {
        parts.push(format!(
            "its impersonation protection flagged: {}",
            flagged.join(", ")
        ));
    } else if g.get("x-mimecast-impersonation-protect").is_some() {
        parts.push("its impersonation protection found no warning signs".to_string());
    }
    let summary = if parts.is_empty() {
        "Mimecast checked this message but recorded no verdict.".to_string()
    } else {
        format!("Mimecast {}.", join_and(&parts))
    };
    let (header, line) = g.main(&[
        "x-mimecast-spam-score",
        "x-mimecast-spam-signature",
        "x-mimecast-bulk-signature",
        "x-mimecast-impersonation-protect",
    ]);
    SpamVerdict {
        filter: "Mimecast".to_string(),
        header,
        line,
        is_spam,
        score,
        threshold: None,
        summary,
        items,
    }
}

/// The band of a SenderBase reputation score (-10 certain spam source .. +10 trustworthy).
fn sbrs_band(n: f64) -> &'static str {
    if n <= -3.0 {
        "poor: a likely source of spam"
    } else if n < 0.0 {
        "slightly negative"
    } else if n == 0.0 {
        "neutral"
    } else if n < 3.0 {
        "slightly positive"
    } else {
        "good: unlikely to send spam"
    }
}

/// Cisco Secure Email (IronPort).
fn ironport(g: &Group<'_>) -> SpamVerdict {
    let mut items = Vec::new();
    let filtered = g.value("x-ironport-anti-spam-filtered");
    if let Some(v) = filtered {
        let m = "Whether Cisco's anti-spam engine scanned the message (true or false).";
        push_item(
            &mut items,
            item("Anti-Spam-Filtered", Some(v), None, Some(m.to_string())),
        );
    }
    for kind in ["x-ironport-anti-spam-result", "x-ipas-result"] {
        if let Some(v) = g.value(kind) {
            let m = "Cisco's encoded scan data; it cannot be read without Cisco's tools.";
            push_item(
                &mut items,
                item("Anti-Spam-Result", Some(v), None, Some(m.to_string())),
            );
        }
    }
    let sbrs_raw = g.value("x-sbrs");
    let sbrs = sbrs_raw
        .and_then(num)
        .filter(|n| (-10.0..=10.0).contains(n));
    if let Some(v) = sbrs_raw {
        let m = match sbrs {
            Some(n) => Some(format!("SenderBase reputation of the sending server, from -10 (certain spam source) to +10 (trustworthy): {}.", sbrs_band(n))),
            None if v.eq_ignore_ascii_case("none") => Some("Cisco has no reputation data for the sending server (too little mail seen, or the lookup failed); this is not the same as 0.".to_string()),
            None => None,
        };
        push_item(&mut items, item("SBRS", Some(v), sbrs, m));
    }
    let mut summary = match filtered.and_then(yes_no) {
        Some(true) => "Cisco Secure Email scanned this message for spam".to_string(),
        Some(false) => "Cisco Secure Email did not scan this message for spam".to_string(),
        None => "Cisco Secure Email handled this message".to_string(),
    };
    match (sbrs, sbrs_raw) {
        (Some(n), _) => summary.push_str(&format!(
            "; the sending server's SenderBase reputation is {} on a scale from -10 to +10 ({}).",
            fmt_num(n),
            sbrs_band(n)
        )),
        (None, Some(v)) if v.eq_ignore_ascii_case("none") => {
            summary.push_str("; Cisco had no reputation data for the sending server.");
        }
        _ => summary.push_str(", but these headers carry no readable verdict."),
    }
    let (header, line) = g.main(&[
        "x-ironport-anti-spam-filtered",
        "x-ironport-anti-spam-result",
        "x-ipas-result",
        "x-sbrs",
    ]);
    SpamVerdict {
        filter: "Cisco Secure Email (IronPort)".to_string(),
        header,
        line,
        is_spam: None,
        score: None,
        threshold: None,
        summary,
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(fields: &[(&str, &str, u32)]) -> SpamVerdict {
        let v = read(fields.iter().copied());
        assert_eq!(v.len(), 1, "{v:#?}");
        v.into_iter().next().unwrap()
    }

    fn find<'v>(v: &'v SpamVerdict, code: &str) -> &'v SpamItem {
        v.items.iter().find(|i| i.code == code).unwrap()
    }

    #[test]
    fn spamassassin_full_run() {
        let v = one(&[
            ("X-Spam-Flag", "YES", 3),
            (
                "X-Spam-Checker-Version",
                "SpamAssassin 4.0.1 (2024-03-26) on mx1.example.net",
                4,
            ),
            ("X-Spam-Level", "*******", 5),
            (
                "X-Spam-Status",
                "Yes, score=7.3 required=5.0 tests=BAYES_99,BAYES_999,\tDKIM_SIGNED,\tRDNS_NONE,SPF_HELO_NONE,T_SCC_BODY_TEXT_LINE, MY_LOCAL_RULE autolearn=no autolearn_force=no version=4.0.1",
                6,
            ),
            (
                "X-Spam-Report",
                "*  3.5 BAYES_99 BODY: Bayes spam probability is 99 to 100% *      [score: 1.0000] *  0.2 BAYES_999 BODY: Bayes spam probability is 99.9 to 100% *      [score: 1.0000] *  0.1 DKIM_SIGNED Message has a DKIM or DK signature, not necessarily valid *  1.3 RDNS_NONE Delivered to internal network by a host with no rDNS *  0.0 SPF_HELO_NONE SPF: HELO does not publish an SPF Record * -0.0 T_SCC_BODY_TEXT_LINE No description available. *  2.2 MY_LOCAL_RULE Local rule",
                9,
            ),
        ]);
        assert_eq!(v.filter, "SpamAssassin");
        assert_eq!((v.header.as_str(), v.line), ("X-Spam-Status", 6));
        assert_eq!(v.is_spam, Some(true));
        assert_eq!((v.score, v.threshold), (Some(7.3), Some(5.0)));
        assert_eq!(
            v.summary,
            "SpamAssassin scored this message 7.3, above its spam threshold of 5.0, so it was marked as spam. The biggest contributors: BAYES_99 (+3.5), MY_LOCAL_RULE (+2.2), RDNS_NONE (+1.3)."
        );
        let codes: Vec<&str> = v.items.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "BAYES_99",
                "BAYES_999",
                "DKIM_SIGNED",
                "RDNS_NONE",
                "SPF_HELO_NONE",
                "T_SCC_BODY_TEXT_LINE",
                "MY_LOCAL_RULE"
            ]
        );
        let bayes = find(&v, "BAYES_99");
        assert_eq!(bayes.score, Some(3.5));
        assert_eq!(
            bayes.value.as_deref(),
            Some("BODY: Bayes spam probability is 99 to 100% [score: 1.0000]")
        );
        assert!(bayes.meaning.as_deref().unwrap().contains("99-100%"));
        let local = find(&v, "MY_LOCAL_RULE");
        assert_eq!((local.score, local.meaning.as_deref()), (Some(2.2), None));
        let t = find(&v, "T_SCC_BODY_TEXT_LINE");
        assert!(
            t.meaning
                .as_deref()
                .unwrap()
                .starts_with("A rule still under test")
        );
        assert_eq!(find(&v, "RDNS_NONE").score, Some(1.3));
    }

    #[test]
    fn spamassassin_ham_old_hits_and_space_separated_tests() {
        let v = one(&[(
            "X-Spam-Status",
            "No, hits=-0.1 required=5.0 tests=DKIM_SIGNED DKIM_VALID DKIM_VALID_AU SPF_PASS URIBL_BLOCKED autolearn=ham version=3.4.6",
            12,
        )]);
        assert_eq!(v.is_spam, Some(false));
        assert_eq!(v.score, Some(-0.1));
        assert_eq!(
            v.summary,
            "SpamAssassin scored this message -0.1, below its spam threshold of 5.0, so it was not marked as spam."
        );
        assert_eq!(v.items.len(), 5);
        assert!(
            find(&v, "URIBL_BLOCKED")
                .meaning
                .as_deref()
                .unwrap()
                .contains("refused")
        );
        assert!(
            find(&v, "DKIM_VALID_AU")
                .meaning
                .as_deref()
                .unwrap()
                .contains("From")
        );
    }

    #[test]
    fn amavis_bracketed_tests_with_scores() {
        let v = one(&[
            ("X-Spam-Flag", "NO", 20),
            ("X-Spam-Score", "-1.9", 21),
            ("X-Spam-Level", "", 22),
            (
                "X-Spam-Status",
                "No, score=-1.9 tagged_above=-999 required=6.2 tests=[BAYES_00=-1.9, DKIM_SIGNED=0.1, DKIM_VALID=-0.1, HTML_MESSAGE=0.001] autolearn=ham autolearn_force=no",
                23,
            ),
        ]);
        assert_eq!(v.filter, "SpamAssassin");
        assert_eq!(
            (v.is_spam, v.score, v.threshold),
            (Some(false), Some(-1.9), Some(6.2))
        );
        assert_eq!(v.items.len(), 4);
        assert_eq!(find(&v, "BAYES_00").score, Some(-1.9));
        assert_eq!(find(&v, "HTML_MESSAGE").score, Some(0.001));
        assert!(
            v.summary
                .ends_with("The biggest contributors: DKIM_SIGNED (+0.1), HTML_MESSAGE (+0.001).")
        );
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
    fn generic_flags_alone() {
        let v = one(&[("X-Spam", "Yes", 7)]);
        assert_eq!(v.filter, "Unidentified spam filter");
        assert_eq!(v.is_spam, Some(true));
        assert_eq!(
            v.summary,
            "A spam filter (not named in the headers) marked this message as spam."
        );
        assert!(read([("X-Spam-Level", "", 7)]).is_empty());
        let v = one(&[("X-Spam-Flag", "NO", 7), ("X-Spam-Level", "**", 8)]);
        assert_eq!(v.is_spam, Some(false));
        assert!(
            v.summary
                .ends_with("Its spam level shows 2 stars (one per point of score).")
        );
    }

    #[test]
    fn report_table_form_and_preamble() {
        let v = one(&[(
            "X-Spam-Report",
            "Spam detection software, running on the system \"mx\", has identified this incoming email as possible spam. * 9.9 FAKE_RULE quoted Content preview: hello Content analysis details: (6.1 points, 5.0 required) pts rule name description ---- ---------------------- ------------------ 3.6 RCVD_IN_SBL RBL: Received via a relay in Spamhaus SBL [192.0.2.1 listed in zen.spamhaus.org] 2.5 URIBL_BLACK Contains an URL listed in the URIBL blacklist",
            30,
        )]);
        assert_eq!(v.items.len(), 2);
        assert_eq!(find(&v, "RCVD_IN_SBL").score, Some(3.6));
        assert_eq!(
            find(&v, "URIBL_BLACK").value.as_deref(),
            Some("Contains an URL listed in the URIBL blacklist")
        );
    }

    #[test]
    fn rspamd_extended_headers() {
        let v = one(&[
            (
                "X-Spamd-Result",
                "default: False [3.40 / 15.00]; BAYES_SPAM(2.90)[85.41%]; R_SPF_ALLOW(-0.20)[+ip4:198.51.100.7]; R_DKIM_ALLOW(-0.20)[news.example.com:s=k1]; MIME_GOOD(-0.10)[multipart/alternative,text/plain]; DMARC_POLICY_ALLOW(-0.50)[example.com,none]; ASN(0.00)[asn:64496, ipnet:198.51.100.0/24, country:US]; RCVD_COUNT_TWO(0.00)[2]; FROM_HAS_DN(0.00)[]; SOME_LOCAL_SYMBOL(1.30)[x;y]; MANY_INVISIBLE_PARTS(0.30)[1]",
                40,
            ),
            ("X-Rspamd-Server", "mx.example.org", 41),
            ("X-Rspamd-Action", "no action", 42),
            ("X-Rspamd-Score", "3.40", 43),
            ("X-Spamd-Bar", "+++", 44),
        ]);
        assert_eq!(v.filter, "rspamd");
        assert_eq!((v.header.as_str(), v.line), ("X-Spamd-Result", 40));
        assert_eq!(
            (v.score, v.threshold, v.is_spam),
            (Some(3.4), Some(15.0), Some(false))
        );
        assert_eq!(v.items.len(), 10);
        assert_eq!(
            v.summary,
            "rspamd scored this message 3.4 (it refuses mail from 15.0 up) and decided to deliver it normally. The biggest contributors: BAYES_SPAM (+2.9), SOME_LOCAL_SYMBOL (+1.3), MANY_INVISIBLE_PARTS (+0.3)."
        );
        let spf = find(&v, "R_SPF_ALLOW");
        assert_eq!(spf.value.as_deref(), Some("+ip4:198.51.100.7"));
        assert_eq!(spf.score, Some(-0.2));
        assert_eq!(find(&v, "FROM_HAS_DN").value, None);
        assert_eq!(find(&v, "SOME_LOCAL_SYMBOL").value.as_deref(), Some("x;y"));
        assert_eq!(find(&v, "SOME_LOCAL_SYMBOL").meaning, None);
        assert!(find(&v, "RCVD_COUNT_TWO").meaning.is_some());
    }

    #[test]
    fn rspamd_spam_with_x_spam_and_reject_flag() {
        let v = one(&[
            ("X-Spam", "Yes", 1),
            (
                "X-Spamd-Result",
                "default: True [16.20 / 15.00]; FUZZY_DENIED(12.00)[1:19b5b2:1.00:txt]",
                2,
            ),
        ]);
        assert_eq!((v.is_spam, v.score), (Some(true), Some(16.2)));
        assert_eq!(v.header, "X-Spamd-Result");
        assert!(
            v.summary.contains("and decided to refuse it."),
            "{}",
            v.summary
        );
        let v = one(&[
            ("X-Spam-Status", "Yes, score=7.10", 1),
            ("X-Rspamd-Action", "add header", 2),
        ]);
        assert_eq!(
            (v.filter.as_str(), v.is_spam, v.score),
            ("rspamd", Some(true), Some(7.1))
        );
        assert_eq!(
            v.summary,
            "rspamd scored this message 7.1 and decided to mark it as spam (it usually goes to the Junk folder)."
        );
    }

    #[test]
    fn microsoft_365_junk() {
        let v = one(&[
            ("Received", "from SN1PR... by BN8PR...", 1),
            ("X-MS-Exchange-Organization-SCL", "5", 30),
            (
                "X-Microsoft-Antispam",
                "BCL:0;ARA:13230040|1800799024|376014;",
                31,
            ),
            (
                "X-Forefront-Antispam-Report",
                "CIP:203.0.113.25;CTRY:NL;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:mail.offers.example;PTR:;CAT:SPM;SFS:(13230040)(1800799024)(376014);DIR:INB;SFP:1102;",
                32,
            ),
            (
                "X-MS-Exchange-CrossTenant-Id",
                "00000000-0000-0000-0000-000000000000",
                33,
            ),
            (
                "X-Microsoft-Antispam-Mailbox-Delivery",
                "ucf:0;jmr:0;auth:0;dest:J;OFR:SpamFilterAuthJ;ENG:(910001)(944506478)(944626604);RF:JunkEmail;",
                40,
            ),
        ]);
        assert_eq!(v.filter, "Microsoft 365");
        assert_eq!(
            (v.header.as_str(), v.line),
            ("X-Forefront-Antispam-Report", 32)
        );
        assert_eq!(
            (v.is_spam, v.score, v.threshold),
            (Some(true), Some(5.0), None)
        );
        assert_eq!(
            v.summary,
            "Microsoft 365 gave it spam confidence level 5 (spam) and delivered it to the Junk Email folder."
        );
        assert_eq!(v.items.len(), 1 + 2 + 13 + 7);
        let sfv = v.items.iter().find(|i| i.code == "SFV").unwrap();
        assert_eq!(sfv.value.as_deref(), Some("SPM"));
        assert_eq!(
            sfv.meaning.as_deref(),
            Some("Spam filtering marked it as spam.")
        );
        let ptr = v.items.iter().find(|i| i.code == "PTR").unwrap();
        assert_eq!(ptr.value, None);
        assert!(ptr.meaning.as_deref().unwrap().contains("no reverse DNS"));
        assert_eq!(find(&v, "CTRY").value.as_deref(), Some("NL"));
        assert_eq!(find(&v, "SFP").meaning, None);
        assert_eq!(find(&v, "SRV").meaning, None);
        assert!(
            find(&v, "dest")
                .meaning
                .as_deref()
                .unwrap()
                .contains("Junk Email")
        );
        assert!(
            find(&v, "SFS")
                .value
                .as_deref()
                .unwrap()
                .starts_with("(13230040)")
        );
    }

    #[test]
    fn microsoft_365_phish_safe_sender_and_untrusted_copy() {
        let v = read([
            (
                "X-Forefront-Antispam-Report-Untrusted",
                "CIP:255.255.255.255;CTRY:;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:DM6PR01MB1234.namprd01.prod.outlook.com;PTR:;CAT:NONE;SFS:(13230040);DIR:OUT;SFP:1101;",
                10,
            ),
            (
                "X-Forefront-Antispam-Report",
                "CIP:2001:db8::25;CTRY:US;LANG:en;SCL:9;SRV:;IPV:NLI;SFV:SFE;H:mx.example.com;PTR:mx.example.com;CAT:HPHISH;SFTY:9.25;SFS:(13230040);DIR:INB;",
                20,
            ),
            ("X-Microsoft-Antispam", "BCL:8;", 21),
        ]);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].filter, "Microsoft 365 (sending organisation)");
        assert_eq!(v[0].is_spam, Some(false));
        assert_eq!(
            v[0].summary,
            "The sending organisation's Microsoft 365 gave it spam confidence level 1 (not spam)."
        );
        let m = &v[1];
        assert_eq!(m.is_spam, Some(true));
        assert_eq!(find(m, "CIP").value.as_deref(), Some("2001:db8::25"));
        assert!(
            find(m, "SFTY")
                .meaning
                .as_deref()
                .unwrap()
                .starts_with("First contact")
        );
        assert_eq!(
            m.summary,
            "Microsoft 365 skipped spam filtering because the sender is on the recipient's Safe Senders list, classified it as high confidence phishing, gave it spam confidence level 9 (high confidence spam) and rated its sender at bulk complaint level 8 (a bulk sender with many complaints)."
        );
    }

    #[test]
    fn microsoft_compauth() {
        let v = read([
            (
                "Authentication-Results",
                "spf=softfail (sender IP is 198.51.100.9) smtp.mailfrom=bank.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=bank.example;compauth=fail reason=001",
                5,
            ),
            (
                "Authentication-Results",
                "spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=shop.example; dkim=pass (signature was verified) header.d=shop.example;dmarc=pass action=none header.from=shop.example;compauth=pass reason=100",
                9,
            ),
            (
                "Authentication-Results",
                "mx.google.com; spf=pass smtp.mailfrom=a.example",
                12,
            ),
        ]);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].filter, "Microsoft 365 composite authentication");
        assert_eq!(
            (v[0].header.as_str(), v[0].line, v[0].is_spam),
            ("Authentication-Results", 5, None)
        );
        assert_eq!(
            v[0].summary,
            "Microsoft 365 could not confirm that the sender is genuine and treats the message as possibly spoofed (composite authentication failed) - reason 001: the sender's domain publishes no authentication records, or only weak ones (SPF ~all or ?all, DMARC p=none), and Microsoft could not otherwise confirm the sender."
        );
        assert_eq!(v[0].items[0].value.as_deref(), Some("fail"));
        assert_eq!(v[0].items[1].value.as_deref(), Some("001"));
        assert!(
            v[0].items[1]
                .meaning
                .as_deref()
                .unwrap()
                .starts_with("The sender's domain")
        );
        assert!(v[1].summary.contains("reason 100: the message passed"));
        let odd = one(&[("Authentication-Results", "compauth=weird reason=5x", 1)]);
        assert_eq!(odd.items[0].meaning, None);
        assert_eq!(odd.items[1].meaning, None);
    }

    #[test]
    fn barracuda_status_and_report() {
        let v = one(&[
            ("X-Barracuda-Connect", "mail.example.com[192.0.2.10]", 2),
            ("X-Barracuda-Spam-Score", "4.12", 3),
            (
                "X-Barracuda-Spam-Status",
                "Yes, SCORE=4.12 using global scores of TAG_LEVEL=3.5 QUARANTINE_LEVEL=1000.0 KILL_LEVEL=6.0 tests=HTML_MESSAGE, BSF_SC0_MISMATCH_TO, MISSING_MID, BSF_SC5_MJ1963",
                4,
            ),
            (
                "X-Barracuda-Spam-Report",
                "Code version 3.2, rules version 3.2.3.98765 Rule breakdown below pts rule name description ---- ---------------------- -------------------------------------------------- 0.00 HTML_MESSAGE BODY: HTML included in message 1.00 BSF_SC0_MISMATCH_TO Envelope rcpt doesn't match header 0.14 MISSING_MID Missing Message-Id: header 2.98 BSF_SC5_MJ1963 Custom Rule MJ1963",
                5,
            ),
        ]);
        assert_eq!(v.filter, "Barracuda");
        assert_eq!((v.header.as_str(), v.line), ("X-Barracuda-Spam-Status", 4));
        assert_eq!(
            (v.is_spam, v.score, v.threshold),
            (Some(true), Some(4.12), Some(3.5))
        );
        assert_eq!(v.items.len(), 4);
        assert_eq!(find(&v, "BSF_SC5_MJ1963").score, Some(2.98));
        assert!(
            find(&v, "BSF_SC5_MJ1963")
                .meaning
                .as_deref()
                .unwrap()
                .contains("Barracuda")
        );
        assert_eq!(
            find(&v, "MISSING_MID").meaning.as_deref(),
            Some("The message has no Message-ID header.")
        );
        assert_eq!(
            v.summary,
            "Barracuda scored this message 4.12, above its spam threshold of 3.5, so it was marked as spam. It tags (marks) messages as spam from 3.5, quarantines from 1000.0 and blocks from 6.0. The biggest contributors: BSF_SC5_MJ1963 (+2.98), BSF_SC0_MISMATCH_TO (+1.0), MISSING_MID (+0.14)."
        );
    }

    #[test]
    fn proofpoint_details() {
        let v = one(&[
            ("X-Proofpoint-GUID", "aBcDeF123", 7),
            (
                "X-Proofpoint-Spam-Details",
                "rule=notspam policy=default score=0 spamscore=0 suspectscore=0 malwarescore=0 phishscore=0 adultscore=0 bulkscore=0 mlxscore=0 impostorscore=0 priorityscore=1501 lowpriorityscore=0 clxscore=1015 mlxlogscore=999 classifier=spam adjust=0 reason=mlx scancount=1 engine=8.19.0-2407110000 definitions=main-2407180062",
                8,
            ),
        ]);
        assert_eq!(v.filter, "Proofpoint");
        assert_eq!(
            (v.is_spam, v.score, v.threshold),
            (Some(false), Some(0.0), None)
        );
        assert_eq!(v.items.len(), 21);
        assert_eq!(
            v.summary,
            "Proofpoint applied its rule \"notspam\" (not spam) with a spam score of 0.0 out of 100."
        );
        assert_eq!(
            find(&v, "reason").meaning.as_deref(),
            Some("Decided by the machine-learning (MLX) engine.")
        );
        let v = one(&[
            (
                "X-Proofpoint-Spam-Details",
                "rule=inbound_spam policy=inbound score=98 spamscore=98 phishscore=12 bulkscore=45 unknownkey=7 classifier=spam adjust=0 reason=mlx",
                3,
            ),
            ("X-Proofpoint-Spam-Reason", "orgsafe", 4),
        ]);
        assert_eq!((v.is_spam, v.score), (Some(true), Some(98.0)));
        assert_eq!(
            v.summary,
            "Proofpoint applied its rule \"inbound_spam\" (treated as unwanted) with a spam score of 98.0 out of 100. Other raised scores: phish 12.0, bulk 45.0. The sender is on a safe list (orgsafe)."
        );
        assert_eq!(find(&v, "unknownkey").meaning, None);
        assert!(
            find(&v, "spam-reason")
                .meaning
                .as_deref()
                .unwrap()
                .contains("organisation's safe list")
        );
    }

    #[test]
    fn mimecast_headers() {
        let v = one(&[
            ("X-Mimecast-Spam-Score", "1", 10),
            (
                "X-Mimecast-Impersonation-Protect",
                "Policy=CLT - Impersonation Protection Definition;Similar Internal Domain=false;Similar Monitored External Domain=false;Custom External Domain=false;Mimecast External Domain=false;Newly Observed Domain=true;Internal User Name=true;Custom Display Name List=false;Reply-to Address Mismatch=true;Targeted Threat Dictionary=false;Mimecast Threat Dictionary=false;Custom Threat Dictionary=false",
                11,
            ),
            ("X-Mimecast-Bulk-Signature", "no", 12),
            ("X-Mimecast-Spam-Signature", "no", 13),
        ]);
        assert_eq!(v.filter, "Mimecast");
        assert_eq!((v.header.as_str(), v.line), ("X-Mimecast-Spam-Score", 10));
        assert_eq!((v.is_spam, v.score), (Some(false), Some(1.0)));
        assert_eq!(v.items.len(), 1 + 2 + 12);
        assert_eq!(
            v.summary,
            "Mimecast gave it spam score 1.0, found no known spam or bulk-mail signature and its impersonation protection flagged: Newly Observed Domain, Internal User Name, Reply-to Address Mismatch."
        );
        assert_eq!(
            find(&v, "Policy").value.as_deref(),
            Some("CLT - Impersonation Protection Definition")
        );
        assert!(
            find(&v, "Internal User Name")
                .meaning
                .as_deref()
                .unwrap()
                .contains("display name")
        );
        let v = one(&[("X-Mimecast-Spam-Signature", "yes", 1)]);
        assert_eq!(v.is_spam, Some(true));
        assert_eq!(
            v.summary,
            "Mimecast found it matches a known spam signature."
        );
    }

    #[test]
    fn ironport_headers() {
        let v = one(&[
            ("X-IronPort-Anti-Spam-Filtered", "true", 20),
            (
                "X-IronPort-Anti-Spam-Result",
                "A0ADAQCv2WNm/xoBYJlaHAEBAQEBAQcBARIBAQQEAQFAgUuDGFaBFzKEVZFmA5wigXwPAQEBAQEBAQEBCQ==",
                21,
            ),
            ("X-SBRS", "-4.2", 22),
        ]);
        assert_eq!(v.filter, "Cisco Secure Email (IronPort)");
        assert_eq!(
            (v.header.as_str(), v.line, v.is_spam),
            ("X-IronPort-Anti-Spam-Filtered", 20, None)
        );
        assert_eq!(
            v.summary,
            "Cisco Secure Email scanned this message for spam; the sending server's SenderBase reputation is -4.2 on a scale from -10 to +10 (poor: a likely source of spam)."
        );
        assert_eq!(find(&v, "SBRS").score, Some(-4.2));
        let v = one(&[("X-SBRS", "None", 3)]);
        assert!(
            v.summary
                .ends_with("Cisco had no reputation data for the sending server.")
        );
        assert!(
            find(&v, "SBRS")
                .meaning
                .as_deref()
                .unwrap()
                .contains("not the same as 0")
        );
        assert_eq!(sbrs_band(5.5), "good: unlikely to send spam");
        assert_eq!(sbrs_band(0.0), "neutral");
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
}
