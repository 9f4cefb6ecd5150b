//! What the header fields themselves say about the sender, read without DNS: the
//! DKIM-Signature fields parsed, and the "seeds of suspicion" support staff look at first.
//!
//! Implemented:
//! - RFC 6376 section 3.2 (tag=value lists: case-sensitive tag names, duplicate tags make the
//!   list invalid) and section 3.5 (the DKIM-Signature tags, required tags `v a b bh d h s`,
//!   `i=` within `d=`, `x=` later than `t=`); section 5.4 and 6.1.1 (From must be signed),
//!   section 5.4.2 (over-signing), section 8.2 (the `l=` body length risk). Parse only: nothing
//!   is verified here.
//! - RFC 8301 section 3.1 (rsa-sha1 must not be used) and RFC 8463 (ed25519-sha256).
//! - RFC 7489 section 3.1 (DMARC identifier alignment, relaxed mode), with the organizational
//!   domain approximated (see below).
//! - RFC 5322 section 3.6 (exactly one From, Date, Message-ID, ...), section 3.6.4 (msg-id
//!   syntax), section 3.3 dates through [`crate::parse::date::parse`].
//! - RFC 2369 (List-Unsubscribe), RFC 2919 (List-Id), RFC 8058 (one-click unsubscription, and
//!   its requirement that DKIM covers both fields), and the bulk sender rules Gmail and Yahoo
//!   enforce since February 2024.
//!
//! Everything in a header can be written by anyone: the checks never panic, copy at most a few
//! kilobytes of any value, examine at most 50 signatures, and take the time only from the
//! caller.
//!
//! Not supported:
//! - verifying DKIM signatures (that needs the public key from DNS and the body);
//! - the public suffix list: the organizational domain is the last two labels of a name
//!   (three under `co.uk`-style country code second levels), so alignment can be wrong for
//!   names under other multi-label public suffixes (`github.io`, `s3.amazonaws.com`);
//! - internationalized domain names are compared as written (no A-label conversion);
//! - the quoted-printable in `i=` and `z=` is not decoded;
//! - ARC-Seal and ARC-Message-Signature;
//! - a maintained list of every free mail domain: the list here holds the major ones.

use crate::vocab::domain::org_domain;
use crate::vocab::finding::{Evidence, Finding, Severity};
use crate::vocab::text::clip;
use serde::{Deserialize, Serialize};

/// At most this many DKIM-Signature fields are examined.
const MAX_SIGNATURES: usize = 50;
/// At most this many tags are read from one DKIM-Signature.
const MAX_TAGS: usize = 64;
/// At most this many names are kept from `h=`.
const MAX_SIGNED_HEADERS: usize = 256;
/// At most this many syntax errors are kept per signature.
const MAX_ERRORS: usize = 20;
/// Bytes kept of an ordinary tag value.
const MAX_VALUE: usize = 1024;
/// Bytes kept of `b=` and `bh=` (an RSA-8192 signature is 1,368 characters).
const MAX_BASE64: usize = 2048;
/// Bytes of evidence text.
const MAX_EVIDENCE: usize = 300;
/// Bytes of an address field given to the address parser.
const MAX_ADDRESS_FIELD: usize = 4096;
/// Received fields read for their date.
const MAX_RECEIVED: usize = 100;
/// Allowed clock difference before a date counts as being in the future.
const FUTURE_SLACK_MS: i64 = 15 * 60 * 1000;
/// Age after which a message counts as old.
const OLD_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// A DKIM-Signature field (RFC 6376 section 3.5), parsed. Not verified here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DkimSignature {
    /// The field's first line in the input.
    pub line: u32,
    /// `v=`, the version (must be `1`).
    pub version: Option<String>,
    /// `a=`, the algorithm, lowercase (`rsa-sha256`, `ed25519-sha256`, `rsa-sha1`).
    pub algorithm: Option<String>,
    /// `d=`, the signing domain, lowercase.
    pub domain: Option<String>,
    /// `s=`, the selector (the key's name under `_domainkey`).
    pub selector: Option<String>,
    /// Header canonicalization from `c=` (`simple` when not written).
    pub header_canon: String,
    /// Body canonicalization from `c=` (`simple` when not written).
    pub body_canon: String,
    /// `h=`, the signed header field names, in order, as written (case kept).
    pub signed_headers: Vec<String>,
    /// `bh=`, the body hash (base64, white space removed).
    pub body_hash: Option<String>,
    /// `b=`, the signature (base64, white space removed).
    pub signature: Option<String>,
    /// `i=`, the signing identity.
    pub identity: Option<String>,
    /// `l=`, the number of body bytes signed.
    pub body_length: Option<u64>,
    /// `t=`, when it was signed (seconds since 1970).
    pub timestamp: Option<i64>,
    /// `x=`, when it expires (seconds since 1970).
    pub expiration: Option<i64>,
    /// `q=`, the key query methods.
    pub query_methods: Option<String>,
    /// Every tag as written (name, value with white space removed), for display.
    pub tags: Vec<(String, String)>,
    /// Departures from RFC 6376 that make verifiers reject the signature, each naming its tag.
    pub syntax_errors: Vec<String>,
}

/// RFC 6376 section 3.2 tag-list parse of one DKIM-Signature value (unfolded or not).
///
/// Lenient: a damaged tag is skipped and the rest are read; every departure from the RFC is
/// listed in [`DkimSignature::syntax_errors`].
pub fn parse_dkim_signature(value: &str, line: u32) -> DkimSignature {
    let mut sig = DkimSignature {
        line,
        header_canon: "simple".into(),
        body_canon: "simple".into(),
        ..DkimSignature::default()
    };
    let mut errors: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut specs = value.split(';').peekable();
    let mut tags = 0usize;
    let mut empty = 0usize;
    while let Some(spec) = specs.next() {
        let last = specs.peek().is_none();
        let spec = spec.trim_matches(is_fws);
        if spec.is_empty() {
            // A single trailing ";" is allowed; an empty tag anywhere else is not.
            if !last {
                empty += 1;
                if empty == 1 {
                    errors.push("an empty tag (two \";\" in a row, or a \";\" first)".into());
                }
            }
            continue;
        }
        tags += 1;
        if tags > MAX_TAGS {
            errors.push(format!("more than {MAX_TAGS} tags; the rest were not read"));
            break;
        }
        let Some((name, raw)) = spec.split_once('=') else {
            errors.push(format!(
                "`{}` has no \"=\": every tag must be name=value",
                clip(spec, 40)
            ));
            continue;
        };
        let name = name.trim_matches(is_fws);
        if !valid_tag_name(name) {
            errors.push(format!("`{}` is not a valid tag name", clip(name, 40)));
            continue;
        }
        if seen.iter().any(|s| s == name) {
            errors.push(format!(
                "tag {name}= appears more than once (that makes the whole signature invalid)"
            ));
            continue;
        }
        seen.push(name.to_string());
        if raw.chars().any(|c| c.is_control() && !is_fws(c)) {
            errors.push(format!("tag {name}= contains control characters"));
        }
        let limit = if name == "b" || name == "bh" {
            MAX_BASE64
        } else {
            MAX_VALUE
        };
        let compact = compact(raw, limit);
        sig.tags.push((name.to_string(), compact.clone()));
        apply_tag(&mut sig, name, raw, compact, &mut errors);
    }

    for required in ["v", "a", "b", "bh", "d", "h", "s"] {
        if !seen.iter().any(|s| s == required) {
            let hint = if seen.iter().any(|s| s.eq_ignore_ascii_case(required)) {
                format!(
                    " (a tag {}= is there, but tag names are case-sensitive)",
                    required.to_ascii_uppercase()
                )
            } else {
                String::new()
            };
            errors.push(format!("the required tag {required}= is missing{hint}"));
        }
    }
    if let (Some(t), Some(x)) = (sig.timestamp, sig.expiration)
        && x <= t
    {
        errors.push("x= (expiry) must be later than t= (signing time)".into());
    }
    if let (Some(identity), Some(domain)) = (&sig.identity, &sig.domain) {
        match identity.rsplit_once('@') {
            None => errors.push("i= must be an address-like identity (`@domain` at least)".into()),
            Some((_, idomain)) => {
                let idomain = idomain.trim_end_matches('.').to_ascii_lowercase();
                let domain = domain.trim_end_matches('.');
                if idomain != domain && !idomain.ends_with(&format!(".{domain}")) {
                    errors.push(format!(
                        "i= domain `{}` is not d= `{domain}` or a subdomain of it",
                        clip(&idomain, 80)
                    ));
                }
            }
        }
    }
    errors.truncate(MAX_ERRORS);
    sig.syntax_errors = errors;
    sig
}

/// Stores one tag's value in its field and checks its syntax.
fn apply_tag(
    sig: &mut DkimSignature,
    name: &str,
    raw: &str,
    compact: String,
    errors: &mut Vec<String>,
) {
    match name {
        "v" => {
            if compact != "1" {
                errors.push(format!("v= must be 1, not `{}`", clip(&compact, 40)));
            }
            sig.version = Some(compact);
        }
        "a" => {
            let lower = compact.to_ascii_lowercase();
            if !valid_algorithm_syntax(&lower) {
                errors.push(format!(
                    "a= `{}` is not an algorithm name (such as rsa-sha256)",
                    clip(&compact, 40)
                ));
            }
            sig.algorithm = Some(lower);
        }
        "b" | "bh" => {
            if let Some(problem) = base64_problem(raw) {
                errors.push(format!("{name}= {problem}"));
            }
            if name == "b" {
                sig.signature = Some(compact);
            } else {
                sig.body_hash = Some(compact);
            }
        }
        "c" => {
            let lower = compact.to_ascii_lowercase();
            let mut parts = lower.split('/');
            let header = parts.next().unwrap_or_default().to_string();
            let body = parts.next().map(str::to_string);
            if parts.next().is_some() {
                errors.push("c= has more than one \"/\"".into());
            }
            for canon in std::iter::once(&header).chain(body.iter()) {
                if canon != "simple" && canon != "relaxed" {
                    errors.push(format!(
                        "c= `{}` is not a known canonicalization (simple or relaxed)",
                        clip(canon, 40)
                    ));
                }
            }
            sig.header_canon = header;
            sig.body_canon = body.unwrap_or_else(|| "simple".into());
        }
        "d" => {
            let lower = compact.to_ascii_lowercase();
            if !plausible_domain(&lower) {
                errors.push(format!("d= `{}` is not a domain name", clip(&compact, 80)));
            }
            sig.domain = Some(lower);
        }
        "s" => {
            if !plausible_domain(&compact.to_ascii_lowercase()) {
                errors.push(format!(
                    "s= `{}` is not a selector name",
                    clip(&compact, 80)
                ));
            }
            sig.selector = Some(compact);
        }
        "h" => {
            let mut names = Vec::new();
            let mut empty = false;
            let mut bad = false;
            for item in raw.split(':') {
                let item = item.trim_matches(is_fws);
                if item.is_empty() {
                    empty = true;
                    continue;
                }
                if !item.bytes().all(|b| (33..=126).contains(&b) && b != b':') {
                    bad = true;
                }
                if names.len() < MAX_SIGNED_HEADERS {
                    names.push(clip(item, 100).to_string());
                }
            }
            if empty {
                errors.push("h= has an empty header name (\"::\" or a \":\" at an end)".into());
            }
            if bad {
                errors.push("h= has a header name with characters not allowed in one".into());
            }
            sig.signed_headers = names;
        }
        "i" => {
            if compact.is_empty() {
                errors.push("i= is empty".into());
            }
            sig.identity = Some(compact);
        }
        "l" => match parse_digits(&compact, 76) {
            Some(digits) => match digits.parse::<u64>() {
                Ok(n) => sig.body_length = Some(n),
                Err(_) => errors.push("l= is too large a number".into()),
            },
            None => errors.push(format!(
                "l= `{}` is not a number of bytes",
                clip(&compact, 40)
            )),
        },
        "t" | "x" => {
            let seconds = parse_digits(&compact, 12).and_then(|d| d.parse::<i64>().ok());
            match seconds {
                Some(n) if name == "t" => sig.timestamp = Some(n),
                Some(n) => sig.expiration = Some(n),
                None => errors.push(format!(
                    "{name}= `{}` is not a time (seconds since 1970, at most 12 digits)",
                    clip(&compact, 40)
                )),
            }
        }
        "q" => {
            if !compact
                .split(':')
                .any(|m| m.eq_ignore_ascii_case("dns/txt") || m.eq_ignore_ascii_case("dns"))
            {
                errors.push(format!(
                    "q= `{}` does not offer dns/txt, the only way to fetch a key",
                    clip(&compact, 40)
                ));
            }
            sig.query_methods = Some(compact);
        }
        _ => {}
    }
}

/// What the headers say about the sender.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SenderFacts {
    /// The DKIM-Signature fields, parsed, in message order (at most 50).
    pub dkim_signatures: Vec<DkimSignature>,
    /// The domain of the (first) From address, lowercase.
    pub from_domain: Option<String>,
    /// The domain of the first Reply-To address, lowercase.
    pub reply_to_domain: Option<String>,
    /// The domain of the Return-Path (envelope sender), lowercase; none for `<>`.
    pub return_path_domain: Option<String>,
    /// The free mail provider of the From domain, such as "Gmail".
    pub free_mail_provider: Option<String>,
}

/// A header field as given to [`check`].
#[derive(Clone, Copy)]
struct Field<'a> {
    name: &'a str,
    value: &'a str,
    line: u32,
}

impl Field<'_> {
    fn evidence(&self) -> Evidence {
        evidence(self.name, self.value, self.line)
    }
}

/// Header fields that RFC 5322 section 3.6 allows at most once (besides From).
const SINGLE_FIELDS: [&str; 10] = [
    "Date",
    "Message-ID",
    "Sender",
    "Reply-To",
    "To",
    "Cc",
    "Bcc",
    "In-Reply-To",
    "References",
    "Subject",
];

#[derive(Default)]
struct Scan<'a> {
    from: Vec<Field<'a>>,
    from_count: usize,
    single_counts: [usize; SINGLE_FIELDS.len()],
    singles: [Vec<Field<'a>>; SINGLE_FIELDS.len()],
    return_path: Option<Field<'a>>,
    received_seen: usize,
    received_date: Option<(i64, Field<'a>)>,
    signatures: Vec<(DkimSignature, Field<'a>)>,
    signatures_total: usize,
    list_unsubscribe: Option<Field<'a>>,
    list_unsubscribe_post: Option<Field<'a>>,
    list_id: Option<Field<'a>>,
    precedence: Option<Field<'a>>,
    feedback_id: Option<Field<'a>>,
    esp: Option<(&'static str, Field<'a>)>,
}

impl<'a> Scan<'a> {
    fn add(&mut self, field: Field<'a>) {
        let name = field.name.trim();
        if name.eq_ignore_ascii_case("From") {
            self.from_count += 1;
            if self.from.len() < 10 {
                self.from.push(field);
            }
        } else if let Some(i) = SINGLE_FIELDS
            .iter()
            .position(|s| s.eq_ignore_ascii_case(name))
        {
            if let Some(count) = self.single_counts.get_mut(i) {
                *count += 1;
            }
            if self.singles[i].len() < 10 {
                self.singles[i].push(field);
            }
        } else if name.eq_ignore_ascii_case("Return-Path") {
            self.return_path.get_or_insert(field);
        } else if name.eq_ignore_ascii_case("Received") {
            self.received_seen += 1;
            if self.received_date.is_none() && self.received_seen <= MAX_RECEIVED {
                let text = field
                    .value
                    .rsplit_once(';')
                    .map(|(_, d)| d)
                    .unwrap_or_default();
                if let Some(date) = crate::parse::date::parse(unfold(clip(text, 300)).trim()) {
                    self.received_date = Some((date.epoch_ms, field));
                }
            }
        } else if name.eq_ignore_ascii_case("DKIM-Signature") {
            self.signatures_total += 1;
            if self.signatures.len() < MAX_SIGNATURES {
                self.signatures.push((
                    parse_dkim_signature(clip(field.value, 16 * 1024), field.line),
                    field,
                ));
            }
        } else if name.eq_ignore_ascii_case("List-Unsubscribe") {
            self.list_unsubscribe.get_or_insert(field);
        } else if name.eq_ignore_ascii_case("List-Unsubscribe-Post") {
            self.list_unsubscribe_post.get_or_insert(field);
        } else if name.eq_ignore_ascii_case("List-Id") {
            self.list_id.get_or_insert(field);
        } else if name.eq_ignore_ascii_case("Precedence") {
            self.precedence.get_or_insert(field);
        } else if name.eq_ignore_ascii_case("Feedback-ID") {
            self.feedback_id.get_or_insert(field);
        } else if self.esp.is_none()
            && let Some(esp) = esp_marker(name)
        {
            self.esp = Some((esp, field));
        }
    }

    fn single(&self, name: &str) -> &[Field<'a>] {
        SINGLE_FIELDS
            .iter()
            .position(|s| *s == name)
            .map(|i| self.singles[i].as_slice())
            .unwrap_or_default()
    }
}

/// Everything in a signature that matters for the findings, computed once.
struct SigView<'s> {
    sig: &'s DkimSignature,
    /// The signature's field, for evidence (built only when a finding needs it).
    field: &'s Field<'s>,
    /// Free of syntax errors and with an algorithm receivers accept.
    usable: bool,
    aligned: bool,
}

/// Reads what the headers say about the sender and lists what support staff should look at.
///
/// `fields`: (name as written, raw value exactly as after the colon, folded lines joined with
/// "\n", 1-based line), in message order (newest first).
/// `now_ms`: the current time in ms since 1970 (never read a clock).
pub fn check<'a>(
    fields: impl IntoIterator<Item = (&'a str, &'a str, u32)>,
    now_ms: i64,
    platform: Option<crate::parse::rfc2047::CharsetDecoder>,
) -> (SenderFacts, Vec<Finding>) {
    let mut scan = Scan::default();
    for (name, value, line) in fields {
        scan.add(Field { name, value, line });
    }
    let mut facts = SenderFacts::default();
    let mut findings: Vec<Finding> = Vec::new();

    // From.
    let from_mailbox = scan
        .from
        .first()
        .and_then(|f| first_mailbox(f.value, platform));
    facts.from_domain = from_mailbox
        .as_ref()
        .and_then(|m| m.address.as_deref())
        .and_then(domain_of);
    check_from(&scan, from_mailbox.as_ref(), now_ms, &mut findings);

    // DKIM.
    let from_org = facts.from_domain.as_deref().and_then(org_domain);
    let views: Vec<SigView<'_>> = scan
        .signatures
        .iter()
        .map(|(sig, field)| SigView {
            sig,
            field,
            usable: sig.syntax_errors.is_empty()
                && matches!(
                    sig.algorithm.as_deref(),
                    Some("rsa-sha256" | "ed25519-sha256" | "rsa-sha1")
                ),
            aligned: from_org.is_some() && sig.domain.as_deref().and_then(org_domain) == from_org,
        })
        .collect();
    let aligned_usable = views.iter().any(|v| v.usable && v.aligned);
    let received_ms = scan.received_date.map(|(ms, _)| ms);
    let date_ms = scan
        .single("Date")
        .first()
        .and_then(|f| crate::parse::date::parse(unfold(clip(f.value, 300)).trim()))
        .map(|d| d.epoch_ms);
    check_dkim(
        &scan,
        &views,
        from_org.is_some(),
        date_ms.or(received_ms),
        received_ms.unwrap_or(now_ms),
        now_ms,
        &mut findings,
    );

    // Reply-To and Return-Path.
    let reply_to = scan.single("Reply-To").first().copied();
    facts.reply_to_domain = reply_to
        .and_then(|f| first_mailbox(f.value, platform))
        .and_then(|m| m.address)
        .and_then(|a| domain_of(&a));
    facts.return_path_domain = scan.return_path.and_then(|f| return_path_domain(f.value));
    if let (Some(from), Some(field), Some(other)) = (
        facts.from_domain.as_deref(),
        reply_to,
        facts.reply_to_domain.as_deref(),
    ) && !same_org(from, other)
    {
        let free = free_mail_provider(other)
            .map(|p| format!(" Here the replies would go to a {p} address, which anyone can open; that makes it more suspicious when the message claims to come from a company."))
            .unwrap_or_default();
        findings.push(finding(
            "sender.reply-to-other-domain",
            Severity::Warning,
            format!("Replies go to another domain ({other}) than the sender's ({from})."),
            format!("The Reply-To header sends answers to {other} instead of {from}. Scams use this to collect replies while showing a trusted sender, so filters watch for it. It is also normal when a company uses a help desk or newsletter service that collects replies on the service's domain.{free} If that is not intended, remove the Reply-To or use an address on {from}."),
            vec![field.evidence()],
        ));
    }
    if let (Some(from), Some(field), Some(other)) = (
        facts.from_domain.as_deref(),
        scan.return_path,
        facts.return_path_domain.as_deref(),
    ) && !same_org(from, other)
    {
        let (severity, tail) = if aligned_usable {
            (
                Severity::Info,
                " A DKIM signature here is in the From domain, so DMARC can still pass through it.",
            )
        } else {
            (
                Severity::Warning,
                " No usable DKIM signature here is in the From domain either, so DMARC cannot pass through SPF or through DKIM: ask the sending service to sign with the sender's own domain or to use a bounce address on it.",
            )
        };
        findings.push(finding(
            "sender.return-path-other-domain",
            severity,
            format!("The bounce address is in another domain ({other}) than the sender's ({from})."),
            format!("The Return-Path (where bounces go, and what SPF checks) is on {other}, not {from}. This is normal when a mailing service sends for a company: the service handles the bounces. It is also common in phishing. Either way, SPF then vouches for {other}, not for {from}, so it does not count for DMARC.{tail}"),
            vec![field.evidence()],
        ));
    }

    // Dates, Message-ID, duplicates.
    check_date(&scan, date_ms, received_ms, now_ms, &mut findings);
    check_message_id(&scan, &mut findings);
    check_duplicates(&scan, &mut findings);

    // Bulk.
    let bulk = check_bulk(&scan, &views, &mut findings);

    // Free mail.
    facts.free_mail_provider = facts
        .from_domain
        .as_deref()
        .and_then(free_mail_provider)
        .map(str::to_string);
    if let (Some(provider), Some(domain), Some(field)) = (
        facts.free_mail_provider.as_deref(),
        facts.from_domain.as_deref(),
        scan.from.first(),
    ) {
        let foreign_signer = !views.is_empty() && !aligned_usable;
        let mut detail = format!(
            "{domain} is a free mail service ({provider}): anyone can get an address there. That is fine for personal mail. For a business, spam filters trust a company's own domain more, and a free mail address in the From of company or bulk mail is a common spam signal."
        );
        if bulk {
            detail.push_str(" This message also looks like bulk mail, and bulk mail from a free mail address is treated with suspicion.");
        }
        if foreign_signer {
            detail.push_str(&format!(" The message was not signed by {provider}: it seems to have been sent through another service with a {provider} address in the From. {provider} cannot vouch for that, and several free mail providers tell receivers to reject such mail (DMARC)."));
        }
        detail.push_str(" Sending from an address on your own domain avoids all of this.");
        findings.push(finding(
            "sender.free-mail",
            if bulk || foreign_signer {
                Severity::Warning
            } else {
                Severity::Info
            },
            format!("The sender uses a free mail address ({provider})."),
            detail,
            vec![field.evidence()],
        ));
    }

    facts.dkim_signatures = scan.signatures.iter().map(|(s, _)| s.clone()).collect();
    findings.sort_by_key(|f| f.severity);
    (facts, findings)
}

fn check_from(
    scan: &Scan<'_>,
    mailbox: Option<&MailboxText>,
    now_ms: i64,
    findings: &mut Vec<Finding>,
) {
    let Some(first) = scan.from.first() else {
        findings.push(finding(
            "header.missing-from",
            Severity::Problem,
            "The message has no From header.",
            "Every message must say who wrote it (RFC 5322). Large providers such as Gmail reject messages without a From header. The sending program must add one.",
            Vec::new(),
        ));
        return;
    };
    if scan.from_count > 1 {
        findings.push(finding(
            "header.multiple-from",
            Severity::Problem,
            format!("The message has {} From headers.", scan.from_count),
            "A message must have exactly one From header. With more than one, it is unclear who the sender is, a trick used to show one sender and authenticate another; Gmail and others reject such messages. The sending program must write a single From.",
            scan.from.iter().map(Field::evidence).collect(),
        ));
    }
    let Some(address) = mailbox
        .and_then(|m| m.address.as_deref())
        .filter(|a| domain_of(a).is_some())
    else {
        findings.push(finding(
            "header.from-unreadable",
            Severity::Warning,
            "The From header could not be read as an address.",
            "Receivers may reject a message whose author address is malformed. The From header should look like Name <name@example.com>.",
            vec![first.evidence()],
        ));
        return;
    };
    let from_domain = domain_of(address).unwrap_or_default();

    // A display name that is itself an address.
    if let Some(name) = mailbox.and_then(|m| m.name.as_deref()) {
        let shown = addresses_in(name)
            .into_iter()
            .find(|a| !a.eq_ignore_ascii_case(address));
        if let Some(shown) = shown {
            let shown_domain = domain_of(&shown).unwrap_or_default();
            let other_org = !same_org(&shown_domain, &from_domain);
            findings.push(finding(
                "sender.display-name-address",
                if other_org { Severity::Warning } else { Severity::Info },
                format!("The sender's name shows the address {shown}, but the message is from {address}."),
                if other_org {
                    format!("Many mail programs show only the name, so the reader sees {shown} while the message really comes from {address}, another domain. This is a classic phishing trick and spam filters score it. If this is a genuine sender, put a plain name in the From (\"Company Support\"), not an address.")
                } else {
                    format!("Many mail programs show only the name, so the reader sees {shown}, not {address}. Both are on the same domain, so this is likely harmless, but filters may still notice it; a plain name is better.")
                },
                vec![first.evidence()],
            ));
        }
    }

    // A local part ending in a run of digits that is not a year.
    let local = address.rsplit_once('@').map(|(l, _)| l).unwrap_or_default();
    if odd_local_part(local, year_of(now_ms)) {
        findings.push(finding(
            "sender.odd-local-part",
            Severity::Info,
            format!("The sender's address ({address}) ends in a run of digits."),
            "Addresses like name0482@ are typical of accounts created in bulk, so some spam filters count them as a small warning sign. It means nothing on its own: many people have such addresses. A business sender should use a clear address such as info@ or a person's name.",
            vec![first.evidence()],
        ));
    }
}

#[allow(clippy::too_many_arguments)]
fn check_dkim(
    scan: &Scan<'_>,
    views: &[SigView<'_>],
    from_known: bool,
    sent_ms: Option<i64>,
    reference_ms: i64,
    now_ms: i64,
    findings: &mut Vec<Finding>,
) {
    if scan.signatures_total == 0 {
        findings.push(finding(
            "dkim.none",
            Severity::Warning,
            "The message has no DKIM signature.",
            "DKIM is a digital seal the sending domain puts on its messages. Without it, receivers have less reason to trust the sender, and Gmail and Yahoo require it from anyone sending in bulk. The domain's mail service can usually turn it on in its settings. (If these headers were copied from the Sent folder, the seal may be added later on the way out: look at a copy as received.)",
            Vec::new(),
        ));
        return;
    }
    if scan.signatures_total > MAX_SIGNATURES {
        findings.push(finding(
            "dkim.too-many",
            Severity::Info,
            format!(
                "The message has {} DKIM signatures; only the first {MAX_SIGNATURES} were examined.",
                scan.signatures_total
            ),
            "A normal message has one to three. So many suggest the message was forwarded in a loop or built to overload checkers.",
            Vec::new(),
        ));
    }
    let any_usable = views.iter().any(|v| v.usable);
    let from_count = scan.from_count;
    for view in views {
        let sig = view.sig;
        let d = sig.domain.as_deref().unwrap_or("an unnamed domain");
        let ev = || vec![view.field.evidence()];
        if !sig.syntax_errors.is_empty() {
            let shown: Vec<&str> = sig
                .syntax_errors
                .iter()
                .take(5)
                .map(String::as_str)
                .collect();
            findings.push(finding(
                "dkim.syntax",
                if any_usable { Severity::Warning } else { Severity::Problem },
                format!("A DKIM signature (by {d}) is malformed."),
                format!("Receivers ignore a DKIM signature that breaks the rules, as if the message were unsigned: {}. The signing software or its settings need fixing.", shown.join("; ")),
                ev(),
            ));
        }
        match sig.algorithm.as_deref() {
            Some("rsa-sha1") => findings.push(finding(
                "dkim.weak-algorithm",
                Severity::Warning,
                format!("A DKIM signature (by {d}) uses the outdated rsa-sha1 method."),
                "SHA-1 is no longer considered secure. It was valid under the original DKIM standard, but since 2018 (RFC 8301) receivers are told not to accept it, so some will treat the message as unsigned. The signer should switch to rsa-sha256.",
                ev(),
            )),
            Some("rsa-sha256" | "ed25519-sha256") | None => {}
            Some(other) if valid_algorithm_syntax(other) => findings.push(finding(
                "dkim.unknown-algorithm",
                Severity::Warning,
                format!("A DKIM signature (by {d}) uses an unknown method ({}).", clip(other, 40)),
                "Receivers only understand rsa-sha256 (and newer ed25519-sha256); they ignore a signature made another way, as if the message were unsigned. The signer should use rsa-sha256.",
                ev(),
            )),
            Some(_) => {}
        }
        if let Some(length) = sig.body_length {
            findings.push(finding(
                "dkim.body-length",
                Severity::Warning,
                format!("A DKIM signature (by {d}) covers only the first {length} bytes of the text."),
                "The l= tag limits the seal to the beginning of the message body. Anyone who gets a copy can add their own content after that point and the seal still holds, so a spammer can reuse a genuine message. Some filters distrust such signatures. The signer should remove the l= option.",
                ev(),
            ));
        }
        if !sig.signed_headers.is_empty() {
            let signed_from = sig
                .signed_headers
                .iter()
                .filter(|h| h.eq_ignore_ascii_case("from"))
                .count();
            if signed_from == 0 {
                findings.push(finding(
                    "dkim.from-not-signed",
                    Severity::Problem,
                    format!("A DKIM signature (by {d}) does not cover the From header."),
                    "The seal does not include the sender's address, so the From could be changed freely without breaking it. The DKIM standard requires the From to be signed, and receivers reject such a signature. The signing settings must include From.",
                    ev(),
                ));
            } else if from_count > 0 && signed_from > from_count {
                findings.push(finding(
                    "dkim.from-oversigned",
                    Severity::Info,
                    format!("A DKIM signature (by {d}) protects against an added From header."),
                    "The From is listed in the signature more times than the message has From headers. That is good practice: nobody can add a second From later without breaking the seal.",
                    ev(),
                ));
            }
        }
        if let Some(x) = sig.expiration {
            let x_ms = x.saturating_mul(1000);
            let when = crate::parse::date::format_utc(x_ms);
            if let Some(sent) = sent_ms.filter(|sent| x_ms < *sent) {
                findings.push(finding(
                    "dkim.expired",
                    Severity::Warning,
                    format!("A DKIM signature (by {d}) had already expired when the message was sent."),
                    format!("The signature says it is valid until {when}, which is before the message was sent ({}). Receivers treat an expired signature as no signature. The signer's clock or its expiry setting is wrong.", crate::parse::date::format_utc(sent)),
                    ev(),
                ));
            } else if x_ms < now_ms {
                findings.push(finding(
                    "dkim.expired-now",
                    Severity::Info,
                    format!("A DKIM signature (by {d}) has expired since the message was sent."),
                    format!("The signature was valid until {when}. That is normal: signatures are only meant to last for the delivery. Checking it today will fail even if it passed when the message arrived, so rely on the Authentication-Results the receiver recorded at the time."),
                    ev(),
                ));
            }
        }
        if let Some(t) = sig.timestamp {
            let t_ms = t.saturating_mul(1000);
            if t_ms > reference_ms.saturating_add(FUTURE_SLACK_MS) {
                findings.push(finding(
                    "dkim.timestamp-in-future",
                    Severity::Warning,
                    format!("A DKIM signature (by {d}) was made in the future."),
                    format!("The signature says it was made at {}, later than the message was received. The signing server's clock is wrong; receivers may ignore a signature from the future.", crate::parse::date::format_utc(t_ms)),
                    ev(),
                ));
            }
        }
    }
    if from_known {
        let others: Vec<&SigView<'_>> = views
            .iter()
            .filter(|v| !v.aligned && v.sig.domain.is_some())
            .collect();
        if !others.is_empty() {
            let aligned_usable = views.iter().any(|v| v.usable && v.aligned);
            let domains = others
                .iter()
                .filter_map(|v| v.sig.domain.as_deref())
                .collect::<Vec<_>>()
                .join(", ");
            let (severity, title, detail) = if aligned_usable {
                (
                    Severity::Info,
                    format!("The message also carries a DKIM signature by another domain ({domains})."),
                    "Besides the sender's own signature, another domain signed the message, usually the mail service that sent it. That is normal and harmless.".to_string(),
                )
            } else {
                (
                    Severity::Warning,
                    format!("The message is signed by {domains}, not by the sender's domain."),
                    "DMARC, the check that protects a domain's name, only counts a DKIM signature from the same domain as the From address (or a parent or child of it). A signature by another domain, usually the mail service's, does not help. Set up DKIM for the sender's own domain at the mail service (usually by publishing the records it gives you).".to_string(),
                )
            };
            findings.push(finding(
                "dkim.not-aligned",
                severity,
                title,
                detail,
                others.iter().map(|v| v.field.evidence()).collect(),
            ));
        }
    }
}

fn check_date(
    scan: &Scan<'_>,
    date_ms: Option<i64>,
    received_ms: Option<i64>,
    now_ms: i64,
    findings: &mut Vec<Finding>,
) {
    let Some(field) = scan.single("Date").first() else {
        findings.push(finding(
            "header.missing-date",
            Severity::Warning,
            "The message has no Date header.",
            "Every message must say when it was written (RFC 5322). Some receivers reject or distrust messages without a date. The sending program should add one.",
            Vec::new(),
        ));
        return;
    };
    let Some(date_ms) = date_ms else {
        findings.push(finding(
            "header.bad-date",
            Severity::Warning,
            "The Date header could not be read as a date.",
            "The date is not written the way mail standards require (for example \"Tue, 2 Jan 2024 10:00:00 +0000\"). Spam filters count a malformed date against a message. The sending program should be fixed.",
            vec![field.evidence()],
        ));
        return;
    };
    let (reference, against) = match received_ms {
        Some(ms) => (ms, "when it was received"),
        None => (now_ms, "now"),
    };
    let ahead = date_ms.saturating_sub(reference);
    if ahead > FUTURE_SLACK_MS {
        findings.push(finding(
            "header.date-in-future",
            Severity::Warning,
            format!(
                "The message is dated {} later than {against}.",
                crate::parse::date::format_duration(ahead)
            ),
            "The date the message claims is in the future. Usually the sender's computer clock or time zone is set wrong; spammers also do it to stay at the top of the inbox. Spam filters count it against the message. The sender should check the clock and time zone of the device or server.",
            vec![field.evidence()],
        ));
    }
    let age = now_ms.saturating_sub(date_ms);
    if age > OLD_MS {
        findings.push(finding(
            "header.date-far-past",
            Severity::Info,
            format!("The message is dated {} ago.", rough_days(age)),
            "This is an old message, or its date is wrong. Checks made today can differ from those at delivery: the sender may have changed their DNS records or DKIM keys since then. The results the receiver recorded at the time are what counted.",
            vec![field.evidence()],
        ));
    }
}

fn check_message_id(scan: &Scan<'_>, findings: &mut Vec<Finding>) {
    let Some(field) = scan.single("Message-ID").first() else {
        findings.push(finding(
            "header.missing-message-id",
            Severity::Warning,
            "The message has no Message-ID header.",
            "Every message should carry a unique identifier. Many receivers, Gmail among them, treat messages without one as suspicious or reject them. The sending program or mail server should add one.",
            Vec::new(),
        ));
        return;
    };
    let value = unfold(clip(field.value, 1024));
    if !valid_msg_id(value.trim()) {
        findings.push(finding(
            "header.bad-message-id",
            Severity::Warning,
            "The Message-ID header is malformed.",
            "The message identifier should look like <unique-part@domain>. A malformed one is a sign of badly written sending software, and spam filters count it against the message.",
            vec![field.evidence()],
        ));
    }
}

fn check_duplicates(scan: &Scan<'_>, findings: &mut Vec<Finding>) {
    for ((name, fields), count) in SINGLE_FIELDS
        .iter()
        .zip(scan.singles.iter())
        .zip(scan.single_counts.iter())
    {
        if *count > 1 {
            findings.push(finding(
                "header.duplicate",
                Severity::Warning,
                format!("The message has {count} {name} headers."),
                format!("A message may carry only one {name} header (RFC 5322). Gmail and other strict receivers reject messages that break this rule. The sending program should be fixed."),
                fields.iter().map(Field::evidence).collect(),
            ));
        }
    }
}

/// The bulk mail checks; returns whether the message looks like bulk mail.
fn check_bulk(scan: &Scan<'_>, views: &[SigView<'_>], findings: &mut Vec<Finding>) -> bool {
    let precedence = scan.precedence.filter(|f| {
        let value = unfold(clip(f.value, 100)).trim().to_ascii_lowercase();
        matches!(value.as_str(), "bulk" | "list" | "junk")
    });
    let clearly_bulk =
        scan.list_unsubscribe.is_some() || scan.list_id.is_some() || precedence.is_some();
    if !clearly_bulk && scan.feedback_id.is_none() && scan.esp.is_none() {
        return false;
    }
    match scan.list_unsubscribe {
        None => {
            let (severity, note) = if clearly_bulk {
                (Severity::Warning, "")
            } else {
                (
                    Severity::Info,
                    " If this is a one-to-one message such as a receipt or a password reset, it does not need one.",
                )
            };
            findings.push(finding(
                "bulk.no-list-unsubscribe",
                severity,
                "This looks like bulk mail, but it has no unsubscribe header.",
                format!("Newsletters and marketing mail should carry a List-Unsubscribe header, so that mail programs can show an \"Unsubscribe\" button. Without it, readers press \"Report spam\" instead, and that hurts the sender's reputation. Since 2024 Gmail and Yahoo require one-click unsubscription from bulk senders.{note}"),
                bulk_evidence(scan),
            ));
        }
        Some(field) => {
            let value = unfold(clip(field.value, 4096));
            let uris = angle_items(&value);
            let https = uris.iter().any(|u| {
                u.get(..8)
                    .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
            });
            let post_ok = scan.list_unsubscribe_post.is_some_and(|f| {
                unfold(clip(f.value, 200))
                    .trim()
                    .eq_ignore_ascii_case("List-Unsubscribe=One-Click")
            });
            if !(https && post_ok) {
                let why = match (https, post_ok) {
                    (false, true) => {
                        "The List-Unsubscribe-Post header is there, but List-Unsubscribe has no https:// link for it to work with."
                    }
                    (true, false) => {
                        "List-Unsubscribe has an https:// link, but the List-Unsubscribe-Post: List-Unsubscribe=One-Click header that makes it one-click is missing."
                    }
                    _ => {
                        "It needs an https:// link in List-Unsubscribe and a List-Unsubscribe-Post: List-Unsubscribe=One-Click header."
                    }
                };
                let mut evidence = vec![field.evidence()];
                evidence.extend(scan.list_unsubscribe_post.map(|f| f.evidence()));
                findings.push(finding(
                    "bulk.no-one-click",
                    Severity::Warning,
                    "The unsubscribe link does not support one-click unsubscription.",
                    format!("Since 2024 Gmail and Yahoo require bulk senders to offer one-click unsubscription (RFC 8058), so that the reader's mail program can unsubscribe them directly. {why} Most mailing services can turn this on."),
                    evidence,
                ));
            } else if !views.is_empty()
                && !views.iter().any(|v| {
                    let signs = |name: &str| {
                        v.sig
                            .signed_headers
                            .iter()
                            .any(|h| h.eq_ignore_ascii_case(name))
                    };
                    signs("List-Unsubscribe") && signs("List-Unsubscribe-Post")
                })
            {
                findings.push(finding(
                    "bulk.unsubscribe-not-signed",
                    Severity::Warning,
                    "The unsubscribe headers are not covered by the DKIM signature.",
                    "One-click unsubscription only counts when the sender's DKIM signature includes both List-Unsubscribe and List-Unsubscribe-Post (RFC 8058), so that nobody can slip in another link. The signing settings should add both headers.",
                    views.iter().map(|v| v.field.evidence()).collect(),
                ));
            }
        }
    }
    if let Some(field) = precedence {
        findings.push(finding(
            "bulk.precedence",
            Severity::Info,
            "The message marks itself as bulk or list mail (Precedence).",
            "The Precedence header tells automatic replies (such as out-of-office notices) not to answer. It is harmless, but receivers take it as a sign of bulk mail and may file the message under promotions or updates.",
            vec![field.evidence()],
        ));
    }
    if let Some(field) = scan.feedback_id {
        findings.push(finding(
            "bulk.feedback-id",
            Severity::Info,
            "The message carries a Feedback-ID for Gmail's spam reports.",
            "Large senders add this identifier so that Gmail's Postmaster Tools can tell them how many readers marked a campaign as spam. It is good practice and says nothing bad about the message.",
            vec![field.evidence()],
        ));
    }
    if let Some((esp, field)) = scan.esp {
        findings.push(finding(
            "bulk.esp",
            Severity::Info,
            format!("The message was sent through a mailing service ({esp})."),
            format!("Headers typical of {esp} show that the sender used this service. The service's own reputation and settings (its DKIM signing and bounce domain) then matter as much as the sender's."),
            vec![field.evidence()],
        ));
    }
    true
}

fn bulk_evidence(scan: &Scan<'_>) -> Vec<Evidence> {
    [scan.list_id, scan.precedence, scan.feedback_id]
        .into_iter()
        .flatten()
        .chain(scan.esp.map(|(_, f)| f))
        .map(|f| f.evidence())
        .collect()
}

/// A mailbox from an address field, owned.
struct MailboxText {
    name: Option<String>,
    address: Option<String>,
}

/// The first mailbox of an address field.
fn first_mailbox(
    value: &str,
    platform: Option<crate::parse::rfc2047::CharsetDecoder>,
) -> Option<MailboxText> {
    let mailbox = crate::parse::address::first(clip(value, MAX_ADDRESS_FIELD), platform)?;
    Some(MailboxText {
        name: mailbox.name.map(|n| clip(&n, MAX_VALUE).to_string()),
        address: mailbox.address.map(|a| clip(&a, 512).to_string()),
    })
}

/// The domain of `local@domain`, lowercase; None when there is none.
fn domain_of(address: &str) -> Option<String> {
    let (_, domain) = address.rsplit_once('@')?;
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    if domain.is_empty() || domain.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    Some(clip(&domain, 255).to_string())
}

/// The domain of a Return-Path value (`<bounce@example.com>`); None for `<>`.
fn return_path_domain(value: &str) -> Option<String> {
    let value = unfold(clip(value, 1024));
    let value = value.trim();
    let inner = match (value.find('<'), value.rfind('>')) {
        (Some(start), Some(end)) if start < end => value.get(start + 1..end).unwrap_or_default(),
        _ => value,
    };
    domain_of(inner.trim())
}

/// Whether two domains belong to the same organization (DMARC relaxed alignment).
fn same_org(a: &str, b: &str) -> bool {
    match (org_domain(a), org_domain(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a.eq_ignore_ascii_case(b),
    }
}

/// Free mail domains and their providers.
const FREE_MAIL: &[(&str, &str)] = &[
    ("gmail.com", "Gmail"),
    ("googlemail.com", "Gmail"),
    ("ymail.com", "Yahoo"),
    ("rocketmail.com", "Yahoo"),
    ("msn.com", "Outlook.com"),
    ("live.com", "Outlook.com"),
    ("live.co.uk", "Outlook.com"),
    ("live.com.au", "Outlook.com"),
    ("live.com.mx", "Outlook.com"),
    ("live.ca", "Outlook.com"),
    ("live.fr", "Outlook.com"),
    ("live.de", "Outlook.com"),
    ("live.nl", "Outlook.com"),
    ("live.be", "Outlook.com"),
    ("live.it", "Outlook.com"),
    ("live.se", "Outlook.com"),
    ("live.dk", "Outlook.com"),
    ("live.no", "Outlook.com"),
    ("live.at", "Outlook.com"),
    ("live.ie", "Outlook.com"),
    ("live.jp", "Outlook.com"),
    ("windowslive.com", "Outlook.com"),
    ("aim.com", "AOL"),
    ("icloud.com", "iCloud"),
    ("me.com", "iCloud"),
    ("mac.com", "iCloud"),
    ("web.de", "WEB.DE"),
    ("mail.ru", "Mail.ru"),
    ("inbox.ru", "Mail.ru"),
    ("list.ru", "Mail.ru"),
    ("bk.ru", "Mail.ru"),
    ("ya.ru", "Yandex"),
    ("rambler.ru", "Rambler"),
    ("proton.me", "Proton Mail"),
    ("protonmail.com", "Proton Mail"),
    ("protonmail.ch", "Proton Mail"),
    ("pm.me", "Proton Mail"),
    ("tutanota.com", "Tuta"),
    ("tutanota.de", "Tuta"),
    ("tuta.io", "Tuta"),
    ("tuta.com", "Tuta"),
    ("zoho.com", "Zoho Mail"),
    ("zohomail.com", "Zoho Mail"),
    ("mail.com", "mail.com"),
    ("email.com", "mail.com"),
    ("fastmail.com", "Fastmail"),
    ("fastmail.fm", "Fastmail"),
    ("hushmail.com", "Hushmail"),
    ("qq.com", "QQ Mail"),
    ("foxmail.com", "QQ Mail"),
    ("163.com", "NetEase"),
    ("126.com", "NetEase"),
    ("yeah.net", "NetEase"),
    ("sina.com", "Sina"),
    ("sina.cn", "Sina"),
    ("naver.com", "Naver"),
    ("daum.net", "Daum"),
    ("hanmail.net", "Daum"),
    ("rediffmail.com", "Rediffmail"),
    ("orange.fr", "Orange"),
    ("wanadoo.fr", "Orange"),
    ("free.fr", "Free"),
    ("sfr.fr", "SFR"),
    ("laposte.net", "La Poste"),
    ("libero.it", "Libero"),
    ("virgilio.it", "Virgilio"),
    ("t-online.de", "T-Online"),
    ("seznam.cz", "Seznam"),
    ("wp.pl", "WP"),
    ("o2.pl", "WP"),
    ("onet.pl", "Onet"),
    ("interia.pl", "Interia"),
    ("uol.com.br", "UOL"),
    ("bol.com.br", "UOL"),
    ("comcast.net", "Comcast"),
    ("att.net", "AT&T"),
    ("sbcglobal.net", "AT&T"),
    ("bellsouth.net", "AT&T"),
    ("btinternet.com", "BT"),
    ("bigpond.com", "BigPond"),
];

/// Free mail brands registered under many country domains (`yahoo.fr`, `gmx.net`).
const FREE_MAIL_BRANDS: &[(&str, &str)] = &[
    ("yahoo", "Yahoo"),
    ("hotmail", "Outlook.com"),
    ("outlook", "Outlook.com"),
    ("aol", "AOL"),
    ("gmx", "GMX"),
    ("yandex", "Yandex"),
];

/// The free mail provider of a domain, if it is one.
fn free_mail_provider(domain: &str) -> Option<&'static str> {
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    if let Some((_, provider)) = FREE_MAIL.iter().find(|(d, _)| *d == domain) {
        return Some(provider);
    }
    // brand.TLD, brand.co.TLD, brand.com.TLD: the whole name is an organizational domain
    // whose first label is the brand and whose top level is a country code, com or net.
    let (first, rest) = domain.split_once('.')?;
    let (_, provider) = FREE_MAIL_BRANDS.iter().find(|(b, _)| *b == first)?;
    let tld = rest.rsplit('.').next().unwrap_or_default();
    let tld_ok = (tld.len() == 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
        || tld == "com"
        || tld == "net";
    (tld_ok && org_domain(&domain).as_deref() == Some(domain.as_str())).then_some(*provider)
}

/// The mailing service a header field name is typical of.
fn esp_marker(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let esp = match lower.as_str() {
        n if n.starts_with("x-mailgun-") => "Mailgun",
        "x-sg-eid" | "x-sg-id" => "SendGrid",
        "x-ses-outgoing" => "Amazon SES",
        "x-mc-user" => "Mailchimp",
        n if n.starts_with("x-mandrill-") => "Mailchimp Transactional (Mandrill)",
        "x-mailin-eid" | "x-mailin-campaign" => "Brevo (Sendinblue)",
        "x-sfmc-stack" => "Salesforce Marketing Cloud",
        "x-msfbl" => "SparkPost",
        "x-csa-complaints" => "a Certified Senders Alliance member",
        _ => return None,
    };
    Some(esp)
}

/// Whether a local part ends in a run of at least three digits that is not a plausible year
/// (`webdude0482`, but not `anna1987`, `john2024`, `12345` or `bob77`).
fn odd_local_part(local: &str, current_year: i64) -> bool {
    let local = local.split('+').next().unwrap_or_default();
    if local.starts_with('"') {
        return false;
    }
    let digits = local.bytes().rev().take_while(u8::is_ascii_digit).count();
    if digits < 3 {
        return false;
    }
    let split = local.len() - digits;
    let (Some(head), Some(tail)) = (local.get(..split), local.get(split..)) else {
        return false;
    };
    if !head.bytes().any(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    if digits == 4
        && let Ok(year) = tail.parse::<i64>()
        && (1950..=current_year.saturating_add(1)).contains(&year)
    {
        return false;
    }
    true
}

/// Addresses written inside a text (a display name), at most five.
fn addresses_in(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let is_local = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b);
    let is_domain = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'.';
    let mut found = Vec::new();
    for (at, _) in text.match_indices('@').take(20) {
        let mut start = at;
        while start > 0 && is_local(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < bytes.len() && is_domain(bytes[end]) {
            end += 1;
        }
        let (Some(local), Some(domain)) = (text.get(start..at), text.get(at + 1..end)) else {
            continue;
        };
        let local = local.trim_matches('.');
        let domain = domain.trim_matches(|c| c == '.' || c == '-');
        let tld_ok = domain
            .rsplit('.')
            .next()
            .is_some_and(|t| t.len() >= 2 && t.bytes().all(|b| b.is_ascii_alphabetic()));
        if !local.is_empty() && domain.contains('.') && tld_ok {
            found.push(clip(&format!("{local}@{domain}"), 320).to_string());
            if found.len() == 5 {
                break;
            }
        }
    }
    found
}

/// Whether a value is an RFC 5322 msg-id: `<id-left@id-right>`.
fn valid_msg_id(value: &str) -> bool {
    let Some(inner) = value.strip_prefix('<').and_then(|v| v.strip_suffix('>')) else {
        return false;
    };
    let Some((left, right)) = inner.split_once('@') else {
        return false;
    };
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c);
    let right_ok = if let Some(literal) = right.strip_prefix('[').and_then(|r| r.strip_suffix(']'))
    {
        literal
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '[' && c != ']' && c != '\\')
    } else {
        !right.is_empty() && right.chars().all(atext)
    };
    !left.is_empty() && left.chars().all(atext) && right_ok
}

/// The `<...>` items of a List-Unsubscribe value.
fn angle_items(value: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let after = rest.get(start + 1..).unwrap_or_default();
        let Some(end) = after.find('>') else { break };
        items.push(after.get(..end).unwrap_or_default().trim());
        rest = after.get(end + 1..).unwrap_or_default();
        if items.len() == 10 {
            break;
        }
    }
    items
}

/// Folding white space characters (RFC 6376 FWS: space, tab, CR, LF).
fn is_fws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// RFC 6376 tag-name: ALPHA *ALNUMPUNC.
fn valid_tag_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// RFC 6376 sig-a-tag-alg: `k-h` with each part ALPHA *(ALPHA / DIGIT).
fn valid_algorithm_syntax(alg: &str) -> bool {
    let part = |p: &str| {
        let mut b = p.bytes();
        b.next().is_some_and(|c| c.is_ascii_alphabetic()) && b.all(|c| c.is_ascii_alphanumeric())
    };
    alg.split_once('-').is_some_and(|(k, h)| part(k) && part(h))
}

/// A domain-like name: labels of letters, digits, `-` and `_` (or any non-ASCII), no empty
/// label.
fn plausible_domain(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name.trim_end_matches('.').split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || !c.is_ascii())
        })
}

/// What is wrong with a base64 value (white space ignored), if anything.
fn base64_problem(raw: &str) -> Option<&'static str> {
    let mut count = 0usize;
    let mut padding = 0usize;
    for c in raw.chars().filter(|c| !is_fws(*c)) {
        if c == '=' {
            padding += 1;
        } else if padding > 0 {
            return Some("is not valid base64 (\"=\" in the middle)");
        } else if !(c.is_ascii_alphanumeric() || c == '+' || c == '/') {
            return Some("is not valid base64 (a character outside A-Z a-z 0-9 + /)");
        }
        count += 1;
    }
    if count == 0 {
        return Some("is empty");
    }
    if padding > 2 || !count.is_multiple_of(4) {
        return Some("is not valid base64 (wrong length or padding)");
    }
    None
}

/// The digits of a value of at most `max` digits.
fn parse_digits(value: &str, max: usize) -> Option<&str> {
    (!value.is_empty() && value.len() <= max && value.bytes().all(|b| b.is_ascii_digit()))
        .then_some(value)
}

/// A value with FWS removed, at most `max` bytes (marked with "…" when cut).
fn compact(raw: &str, max: usize) -> String {
    let mut out = String::new();
    for c in raw.chars().filter(|c| !is_fws(*c)) {
        if out.len() + c.len_utf8() > max {
            out.push('…');
            break;
        }
        out.push(c);
    }
    out
}

/// RFC 5322 section 2.2.3 unfolding: line breaks removed, white space kept.
fn unfold(text: &str) -> String {
    if !text.bytes().any(|b| b == b'\r' || b == b'\n') {
        return text.to_string();
    }
    text.chars().filter(|c| *c != '\r' && *c != '\n').collect()
}

/// Evidence for a field: `Name: value`, unfolded, at most about [`MAX_EVIDENCE`] bytes.
fn evidence(name: &str, value: &str, line: u32) -> Evidence {
    let head = clip(value, MAX_EVIDENCE * 2);
    let collapsed = crate::parse::input::collapse_space(head);
    let text = format!("{}: {}", clip(name.trim(), 100), collapsed);
    let cut = head.len() < value.len() || text.len() > MAX_EVIDENCE;
    let text = if cut {
        format!("{}…", clip(&text, MAX_EVIDENCE))
    } else {
        text
    };
    Evidence {
        line: Some(line),
        text,
    }
}

fn finding(
    code: &str,
    severity: Severity,
    title: impl Into<String>,
    detail: impl Into<String>,
    evidence: Vec<Evidence>,
) -> Finding {
    Finding {
        code: code.to_string(),
        severity,
        title: title.into(),
        detail: detail.into(),
        evidence,
    }
}

/// The calendar year (UTC) of a time in ms since 1970.
fn year_of(epoch_ms: i64) -> i64 {
    // Howard Hinnant's civil_from_days, year only.
    let z = epoch_ms.div_euclid(86_400_000) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    yoe + era * 400 + i64::from(mp >= 10)
}

/// A duration in whole days, or years for long ones.
fn rough_days(ms: i64) -> String {
    let days = ms / 86_400_000;
    if days >= 730 {
        format!("about {} years", days / 365)
    } else {
        format!("{days} days")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2024-01-02T10:05:00Z.
    const NOW: i64 = 1_704_189_900_000;
    const DAY: i64 = 86_400_000;

    const B: &str = "CzBVep/E6Q4zWH2ix+wRNluApcrvFDleg6jN8hc8YYar0PUaP2SJrtP4HUJnjLHW+yBFao
         +02f4jSG2St9wBJktwlbrfBClOc5i94gcsUXabwOUKL1R5nsPoDTJXfKHG6xA1Wn+kye4T
         OF2Cp8zxFjtgharP9Bk+Y4it0vccQWaLsNX6H0RpjrPY/SJHbJG22wAlSm+Uud4DKE1yl7
         zhBitQdZq/5AkuU3idwucMMVZ7oMXqDzRZfqPI7RI3XIGmy/AVOl+Eqc7zGD1ih6zR9htA
         ZYqv1PkeQ2iNstf8IUZrkLXa/yRJbpO43QInTHGWu+AFKk90mb7jCC1Sd5zB5g==";
    const BH: &str = "LXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE=";

    /// A personal message from a Gmail account, as the recipient's mailbox shows it.
    fn gmail_message() -> String {
        format!(
            "Delivered-To: bob@example.net
Received: by 2002:a05:7300:1234:b0:123:abcd with SMTP id xyz;
        Tue, 2 Jan 2024 02:00:07 -0800 (PST)
Return-Path: <anna.smith@gmail.com>
Received: from mail-sor-f41.google.com (mail-sor-f41.google.com. [203.0.113.41])
        by mx.google.com with SMTPS id a1-20020a17090a000000b00;
        Tue, 02 Jan 2024 02:00:06 -0800 (PST)
Received-SPF: pass (google.com: domain of anna.smith@gmail.com designates 203.0.113.41 as permitted sender) client-ip=203.0.113.41;
Authentication-Results: mx.google.com;
       dkim=pass header.i=@gmail.com header.s=20230601 header.b=CzBVep/E;
       spf=pass smtp.mailfrom=anna.smith@gmail.com;
       dmarc=pass (p=NONE sp=QUARANTINE dis=NONE) header.from=gmail.com
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;
        d=gmail.com; s=20230601; t=1704189606; x=1704794406; darn=example.net;
        h=to:subject:message-id:date:from:mime-version:from:to:cc:subject
         :date:message-id:reply-to;
        bh={BH};
        b={B}
MIME-Version: 1.0
From: Anna Smith <anna.smith@gmail.com>
Date: Tue, 2 Jan 2024 11:00:05 +0100
Message-ID: <CAF8x=Zq1qL0k2Y5cV7x+abc@mail.gmail.com>
Subject: Lunch on Friday?
To: Bob <bob@example.net>
Content-Type: text/plain; charset=\"UTF-8\"
"
        )
    }

    /// A newsletter from a company through a mailing service, done right.
    fn newsletter() -> String {
        format!(
            "Received: from o1.mail.shop.example (o1.mail.shop.example [192.0.2.10])
        by mx.example.net (Postfix) with ESMTPS id 4TXYZ for <bob@example.net>;
        Tue, 2 Jan 2024 10:00:02 +0000
Return-Path: <bounces+123-abc-bob=example.net@em.shop.example>
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=shop.example;
        h=from:subject:list-unsubscribe:list-unsubscribe-post:to:date:message-id;
        s=s1; bh={BH};
        b={B}
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=sendgrid.info;
        h=from:subject:list-unsubscribe:list-unsubscribe-post:to:date:message-id;
        s=smtpapi; bh={BH};
        b={B}
From: Shop News <news@shop.example>
To: bob@example.net
Subject: January offers
Date: Tue, 02 Jan 2024 10:00:00 +0000
Message-ID: <abc123.456@shop.example>
List-Unsubscribe: <https://shop.example/unsub?u=123>, <mailto:unsub@shop.example?subject=123>
List-Unsubscribe-Post: List-Unsubscribe=One-Click
Feedback-ID: 123:456:newsletter:shop
X-SG-EID: u001.abcdefg
"
        )
    }

    /// Splits a header block into (name, value, line) the way the project's input reader does.
    fn fields(text: &str) -> Vec<(String, String, u32)> {
        let mut out: Vec<(String, String, u32)> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.starts_with([' ', '\t']) {
                if let Some(last) = out.last_mut() {
                    last.1.push('\n');
                    last.1.push_str(line);
                }
                continue;
            }
            if let Some((name, value)) = line.split_once(':') {
                out.push((name.to_string(), value.to_string(), i as u32 + 1));
            }
        }
        out
    }

    fn run(text: &str, now_ms: i64) -> (SenderFacts, Vec<Finding>) {
        let f = fields(text);
        check(
            f.iter().map(|(n, v, l)| (n.as_str(), v.as_str(), *l)),
            now_ms,
            None,
        )
    }

    fn codes(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.code.as_str()).collect()
    }

    fn get<'f>(findings: &'f [Finding], code: &str) -> &'f Finding {
        findings
            .iter()
            .find(|f| f.code == code)
            .unwrap_or_else(|| panic!("no {code} in {:?}", codes(findings)))
    }

    fn has(findings: &[Finding], code: &str) -> bool {
        findings.iter().any(|f| f.code == code)
    }

    /// Replaces one header line (by its start) or removes it (empty replacement).
    fn with(text: &str, start: &str, replacement: &str) -> String {
        let mut out = String::new();
        let mut skipping = false;
        let mut found = false;
        for line in text.lines() {
            if skipping && line.starts_with([' ', '\t']) {
                continue;
            }
            skipping = false;
            if line.starts_with(start) {
                skipping = true;
                found = true;
                if !replacement.is_empty() {
                    out.push_str(replacement);
                    out.push('\n');
                }
                continue;
            }
            out.push_str(line);
            out.push('\n');
        }
        assert!(found, "{start} not found");
        out
    }

    fn sig(d: &str, extra: &str) -> String {
        format!(
            "DKIM-Signature: v=1; a=rsa-sha256; d={d}; s=s1; h=from:to:subject; bh={BH}; b={BH}{extra}\n"
        )
    }

    #[test]
    fn clean_gmail_message() {
        let (facts, findings) = run(&gmail_message(), NOW);
        assert!(
            findings.iter().all(|f| f.severity == Severity::Info),
            "{findings:#?}"
        );
        let mut got = codes(&findings);
        got.sort_unstable();
        assert_eq!(got, ["dkim.from-oversigned", "sender.free-mail"]);
        assert_eq!(facts.from_domain.as_deref(), Some("gmail.com"));
        assert_eq!(facts.return_path_domain.as_deref(), Some("gmail.com"));
        assert_eq!(facts.reply_to_domain, None);
        assert_eq!(facts.free_mail_provider.as_deref(), Some("Gmail"));
        assert_eq!(facts.dkim_signatures.len(), 1);
        let oversigned = get(&findings, "dkim.from-oversigned");
        assert_eq!(oversigned.evidence[0].line, Some(13));
        assert!(
            oversigned.evidence[0]
                .text
                .starts_with("DKIM-Signature: v=1; a=rsa-sha256;")
        );
        assert!(oversigned.evidence[0].text.len() <= MAX_EVIDENCE + 3);
    }

    #[test]
    fn clean_newsletter() {
        let (facts, findings) = run(&newsletter(), NOW);
        assert!(
            findings.iter().all(|f| f.severity == Severity::Info),
            "{findings:#?}"
        );
        let mut got = codes(&findings);
        got.sort_unstable();
        // The bounce domain em.shop.example is the company's own: no return-path finding.
        assert_eq!(got, ["bulk.esp", "bulk.feedback-id", "dkim.not-aligned"]);
        assert_eq!(facts.return_path_domain.as_deref(), Some("em.shop.example"));
        assert_eq!(
            get(&findings, "bulk.esp").title,
            "The message was sent through a mailing service (SendGrid)."
        );
        assert!(
            get(&findings, "dkim.not-aligned")
                .title
                .contains("sendgrid.info")
        );
        assert_eq!(facts.free_mail_provider, None);
    }

    #[test]
    fn dkim_parse_of_a_real_shaped_signature() {
        let value = format!(
            " v=1; a=RSA-SHA256; c=relaxed/simple;\n        d=Mail.Example.COM; s=sel-2024.eu; t=1704189606; x=1704794406;\n        i=news@bounce.mail.example.com; l=1200; q=dns/txt;\n        h=From:To:Subject:Date : Message-ID:\n         List-Unsubscribe:From;\n        bh={BH};\n        b={B};"
        );
        let sig = parse_dkim_signature(&value, 7);
        assert_eq!(sig.syntax_errors, Vec::<String>::new());
        assert_eq!(sig.line, 7);
        assert_eq!(sig.version.as_deref(), Some("1"));
        assert_eq!(sig.algorithm.as_deref(), Some("rsa-sha256"));
        assert_eq!(sig.domain.as_deref(), Some("mail.example.com"));
        assert_eq!(sig.selector.as_deref(), Some("sel-2024.eu"));
        assert_eq!(sig.header_canon, "relaxed");
        assert_eq!(sig.body_canon, "simple");
        assert_eq!(
            sig.signed_headers,
            [
                "From",
                "To",
                "Subject",
                "Date",
                "Message-ID",
                "List-Unsubscribe",
                "From"
            ]
        );
        assert_eq!(sig.body_hash.as_deref(), Some(BH));
        let b: String = B.split_whitespace().collect();
        assert_eq!(b.len(), 344);
        assert_eq!(sig.signature.as_deref(), Some(b.as_str()));
        assert_eq!(
            sig.identity.as_deref(),
            Some("news@bounce.mail.example.com")
        );
        assert_eq!(sig.body_length, Some(1200));
        assert_eq!(sig.timestamp, Some(1_704_189_606));
        assert_eq!(sig.expiration, Some(1_704_794_406));
        assert_eq!(sig.query_methods.as_deref(), Some("dns/txt"));
        let names: Vec<&str> = sig.tags.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "v", "a", "c", "d", "s", "t", "x", "i", "l", "q", "h", "bh", "b"
            ]
        );
        assert_eq!(
            sig.tags[1].1, "RSA-SHA256",
            "tags keep the value as written"
        );
        assert_eq!(
            sig.tags[10].1,
            "From:To:Subject:Date:Message-ID:List-Unsubscribe:From"
        );
        // Defaults.
        let sig = parse_dkim_signature(
            &format!("v=1; a=ed25519-sha256; d=example.org; s=ed; h=from; bh={BH}; b={BH}"),
            1,
        );
        assert!(sig.syntax_errors.is_empty(), "{:?}", sig.syntax_errors);
        assert_eq!(
            (sig.header_canon.as_str(), sig.body_canon.as_str()),
            ("simple", "simple")
        );
        let sig = parse_dkim_signature(
            &format!("v=1; a=rsa-sha256; c=relaxed; d=example.org; s=ed; h=from; bh={BH}; b={BH}"),
            1,
        );
        assert_eq!(
            (sig.header_canon.as_str(), sig.body_canon.as_str()),
            ("relaxed", "simple")
        );
    }

    #[test]
    fn dkim_syntax_errors() {
        let sig = parse_dkim_signature("", 1);
        assert_eq!(sig.syntax_errors.len(), 7);
        assert!(sig.syntax_errors.iter().any(|e| e.contains("bh=")));

        let sig = parse_dkim_signature(
            &format!(
                "v=2; a=rsa-sha256; a=rsa-sha1; D=example.com; s=x; h=from::to; bh={BH}; b=abc$; c=fancy/relaxed; t=200; x=100; l=12a; i=a@other.example; junk;; 9x=1"
            ),
            3,
        );
        let errors = sig.syntax_errors.join("\n");
        for expected in [
            "v= must be 1",
            "tag a= appears more than once",
            "the required tag d= is missing (a tag D= is there, but tag names are case-sensitive)",
            "h= has an empty header name",
            "b= is not valid base64",
            "c= `fancy` is not a known canonicalization",
            "x= (expiry) must be later than t=",
            "l= `12a` is not a number",
            "`junk` has no \"=\"",
            "an empty tag",
            "`9x` is not a valid tag name",
        ] {
            assert!(
                errors.contains(expected),
                "missing {expected:?} in\n{errors}"
            );
        }
        assert_eq!(
            sig.algorithm.as_deref(),
            Some("rsa-sha256"),
            "the first of a duplicate wins"
        );
        assert_eq!(sig.signed_headers, ["from", "to"]);
        assert_eq!(sig.domain, None);

        let sig = parse_dkim_signature(
            &format!(
                "v=1; a=rsa-sha256; d=example.com; s=x; h=from; bh={BH}; b=; i=a@other.example; q=http/well-known; x=99999999999999"
            ),
            3,
        );
        let errors = sig.syntax_errors.join("\n");
        for expected in [
            "b= is empty",
            "i= domain `other.example` is not d= `example.com`",
            "q= `http/well-known` does not offer dns/txt",
            "x= `99999999999999` is not a time",
        ] {
            assert!(
                errors.contains(expected),
                "missing {expected:?} in\n{errors}"
            );
        }
        // i= in a subdomain of d= is fine; a trailing ";" is fine.
        let sig = parse_dkim_signature(
            &format!(
                "v=1; a=rsa-sha256; d=example.com; s=x; h=from; bh={BH}; b={BH}; i=@news.example.com;"
            ),
            3,
        );
        assert!(sig.syntax_errors.is_empty(), "{:?}", sig.syntax_errors);
    }

    #[test]
    fn dkim_syntax_finding() {
        let base = newsletter();
        // One good, one broken: warning.
        let text = format!("{}{}", sig("shop.example", "; v=1"), base);
        let (_, findings) = run(&text, NOW);
        let f = get(&findings, "dkim.syntax");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.detail.contains("tag v= appears more than once"));
        assert_eq!(f.evidence[0].line, Some(1));
        // Only broken ones: problem.
        let text = with(&base, "DKIM-Signature", &sig("shop.example", "; v=1"));
        let (_, findings) = run(&text, NOW);
        assert_eq!(get(&findings, "dkim.syntax").severity, Severity::Problem);
        // Clean: nothing.
        assert!(!has(&run(&base, NOW).1, "dkim.syntax"));
    }

    #[test]
    fn dkim_algorithms() {
        let base = newsletter();
        let text = format!(
            "{}{}",
            sig("shop.example", "").replace("rsa-sha256", "rsa-sha1"),
            base
        );
        let (_, findings) = run(&text, NOW);
        assert_eq!(
            get(&findings, "dkim.weak-algorithm").severity,
            Severity::Warning
        );
        assert!(!has(&findings, "dkim.unknown-algorithm"));
        let text = format!(
            "{}{}",
            sig("shop.example", "").replace("rsa-sha256", "rsa-sha512"),
            base
        );
        let (_, findings) = run(&text, NOW);
        assert!(
            get(&findings, "dkim.unknown-algorithm")
                .title
                .contains("rsa-sha512")
        );
        assert!(!has(&findings, "dkim.weak-algorithm"));
        let (_, findings) = run(&base, NOW);
        assert!(
            !has(&findings, "dkim.weak-algorithm") && !has(&findings, "dkim.unknown-algorithm")
        );
    }

    #[test]
    fn dkim_body_length_and_from_signing() {
        let base = newsletter();
        let text = with(&base, "DKIM-Signature", &sig("shop.example", "; l=0"));
        let (_, findings) = run(&text, NOW);
        let f = get(&findings, "dkim.body-length");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.title.contains("first 0 bytes"));
        assert!(!has(&run(&base, NOW).1, "dkim.body-length"));

        let text = with(
            &base,
            "DKIM-Signature",
            &sig("shop.example", "").replace("h=from:to:subject", "h=to:subject:date"),
        );
        let (_, findings) = run(&text, NOW);
        assert_eq!(
            get(&findings, "dkim.from-not-signed").severity,
            Severity::Problem
        );
        assert!(!has(&findings, "dkim.from-oversigned"));

        let text = with(
            &base,
            "DKIM-Signature",
            &sig("shop.example", "").replace("h=from:to:subject", "h=From:to:subject:FROM"),
        );
        let (_, findings) = run(&text, NOW);
        assert_eq!(
            get(&findings, "dkim.from-oversigned").severity,
            Severity::Info
        );
        assert!(!has(&findings, "dkim.from-not-signed"));
        assert!(!has(&run(&base, NOW).1, "dkim.from-oversigned"));
    }

    #[test]
    fn dkim_alignment() {
        // Only the mailing service signed: warning.
        let text = with(
            &newsletter(),
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=shop.example",
            "",
        );
        let (_, findings) = run(&text, NOW);
        let f = get(&findings, "dkim.not-aligned");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.detail.contains("DMARC"));
        // ... and the bounce domain is the company's, so that is fine.
        assert!(!has(&findings, "sender.return-path-other-domain"));
        // A parent domain is aligned.
        let text = format!(
            "{}{}",
            sig("example.com", ""),
            "From: a@news.mail.example.com\n"
        );
        assert!(!has(&run(&text, NOW).1, "dkim.not-aligned"));
        // co.uk-style: shop.co.uk and other.co.uk are different organizations.
        let text = format!("{}{}", sig("shop.co.uk", ""), "From: a@other.co.uk\n");
        assert!(has(&run(&text, NOW).1, "dkim.not-aligned"));
        let text = format!(
            "{}{}",
            sig("mail.shop.example.co.uk", ""),
            "From: a@shop.example.co.uk\n"
        );
        assert!(!has(&run(&text, NOW).1, "dkim.not-aligned"));
    }

    #[test]
    fn dkim_expiry_and_timestamps() {
        let base = newsletter();
        // Expired before the Date (2024-01-02T10:00:00Z).
        let text = with(
            &base,
            "DKIM-Signature",
            &sig("shop.example", "; t=1704100000; x=1704150000"),
        );
        let (_, findings) = run(&text, NOW);
        let f = get(&findings, "dkim.expired");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.detail.contains("2024-01-01T23:00:00Z"), "{}", f.detail);
        assert!(!has(&findings, "dkim.expired-now"));
        // Valid when sent, expired now.
        let (_, findings) = run(&text.replace("x=1704150000", "x=1704189700"), NOW);
        assert_eq!(get(&findings, "dkim.expired-now").severity, Severity::Info);
        assert!(!has(&findings, "dkim.expired"));
        // Still valid: nothing.
        let (_, findings) = run(&text.replace("x=1704150000", "x=1804189700"), NOW);
        assert!(!has(&findings, "dkim.expired") && !has(&findings, "dkim.expired-now"));
        // Signed an hour after it was received.
        let (_, findings) = run(
            &with(
                &base,
                "DKIM-Signature",
                &sig("shop.example", "; t=1704193200"),
            ),
            NOW,
        );
        assert_eq!(
            get(&findings, "dkim.timestamp-in-future").severity,
            Severity::Warning
        );
        // Five minutes of clock difference is fine.
        let (_, findings) = run(
            &with(
                &base,
                "DKIM-Signature",
                &sig("shop.example", "; t=1704189900"),
            ),
            NOW,
        );
        assert!(!has(&findings, "dkim.timestamp-in-future"));
    }

    #[test]
    fn dkim_none_and_too_many() {
        let text = with(
            &with(
                &newsletter(),
                "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=shop",
                "",
            ),
            "DKIM-Signature",
            "",
        );
        let (facts, findings) = run(&text, NOW);
        assert!(facts.dkim_signatures.is_empty());
        assert_eq!(get(&findings, "dkim.none").severity, Severity::Warning);
        assert!(!has(&findings, "bulk.unsubscribe-not-signed"));

        let mut text = String::new();
        for _ in 0..120 {
            text.push_str(&sig("shop.example", ""));
        }
        text.push_str("From: a@shop.example\n");
        let (facts, findings) = run(&text, NOW);
        assert_eq!(facts.dkim_signatures.len(), MAX_SIGNATURES);
        assert!(get(&findings, "dkim.too-many").title.contains("120"));
        assert!(!has(&run(&newsletter(), NOW).1, "dkim.too-many"));
    }

    #[test]
    fn from_checks() {
        let base = newsletter();
        let text = format!("From: Other <other@evil.example>\n{base}");
        let (_, findings) = run(&text, NOW);
        let f = get(&findings, "header.multiple-from");
        assert_eq!(f.severity, Severity::Problem);
        assert_eq!(f.evidence.len(), 2);

        let (_, findings) = run(&with(&base, "From:", ""), NOW);
        assert_eq!(
            get(&findings, "header.missing-from").severity,
            Severity::Problem
        );

        for bad in [
            "From: undisclosed-recipients:;",
            "From: <>",
            "From: just some words",
            "From: \u{1F600}@",
        ] {
            let (facts, findings) = run(&with(&base, "From:", bad), NOW);
            assert!(has(&findings, "header.from-unreadable"), "{bad}");
            assert_eq!(facts.from_domain, None, "{bad}");
        }
        for code in [
            "header.multiple-from",
            "header.missing-from",
            "header.from-unreadable",
        ] {
            assert!(!has(&run(&base, NOW).1, code));
        }
    }

    #[test]
    fn display_name_with_an_address() {
        let base = newsletter();
        let (_, findings) = run(
            &with(
                &base,
                "From:",
                "From: \"support@bank.example\" <x@evil.example>",
            ),
            NOW,
        );
        let f = get(&findings, "sender.display-name-address");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.title.contains("support@bank.example") && f.title.contains("x@evil.example"));
        // Unquoted, and encoded (RFC 2047) so that it does not show at a glance.
        let (_, findings) = run(
            &with(
                &base,
                "From:",
                "From: =?UTF-8?B?c2VydmljZUBwYXlwYWwuZXhhbXBsZQ==?= <x@evil.example>",
            ),
            NOW,
        );
        assert!(
            get(&findings, "sender.display-name-address")
                .title
                .contains("service@paypal.example")
        );
        // Same domain: info.
        let (_, findings) = run(
            &with(
                &base,
                "From:",
                "From: \"sales@shop.example\" <news@shop.example>",
            ),
            NOW,
        );
        assert_eq!(
            get(&findings, "sender.display-name-address").severity,
            Severity::Info
        );
        // Its own address, or a plain name: nothing.
        for ok in [
            "From: \"news@shop.example\" <News@Shop.example>",
            "From: Shop News <news@shop.example>",
            "From: \"Shop @ Home\" <news@shop.example>",
        ] {
            assert!(
                !has(
                    &run(&with(&base, "From:", ok), NOW).1,
                    "sender.display-name-address"
                ),
                "{ok}"
            );
        }
    }

    #[test]
    fn free_mail() {
        // A Gmail address sent through a mailing service: warning.
        let text = with(&newsletter(), "From:", "From: Shop <shop.deals@gmail.com>");
        let (facts, findings) = run(&text, NOW);
        assert_eq!(facts.free_mail_provider.as_deref(), Some("Gmail"));
        let f = get(&findings, "sender.free-mail");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.detail.contains("bulk mail") && f.detail.contains("not signed by Gmail"));
        // Personal Gmail: info (see clean_gmail_message).
        for (domain, provider) in [
            ("yahoo.co.uk", "Yahoo"),
            ("yahoo.com.br", "Yahoo"),
            ("hotmail.fr", "Outlook.com"),
            ("live.com", "Outlook.com"),
            ("gmx.net", "GMX"),
            ("web.de", "WEB.DE"),
            ("proton.me", "Proton Mail"),
            ("163.com", "NetEase"),
            ("GMAIL.COM.", "Gmail"),
        ] {
            assert_eq!(free_mail_provider(domain), Some(provider), "{domain}");
        }
        for domain in [
            "example.com",
            "yahoo.example.com",
            "mail.gmail.com.example",
            "outlook.office365.com",
            "gmx.example.org",
            "gmailcom",
        ] {
            assert_eq!(free_mail_provider(domain), None, "{domain}");
        }
        assert!(FREE_MAIL.len() + FREE_MAIL_BRANDS.len() >= 40);
        assert!(!has(&run(&newsletter(), NOW).1, "sender.free-mail"));
    }

    #[test]
    fn odd_local_parts() {
        let year = year_of(NOW);
        assert_eq!(year, 2024);
        for odd in [
            "webdude0482",
            "bob123",
            "j.smith_48213",
            "x999+tag",
            "anna19870",
            "user2099",
        ] {
            assert!(odd_local_part(odd, year), "{odd}");
        }
        for fine in [
            "anna1987",
            "john2024",
            "mike2025",
            "bob77",
            "12345",
            "info",
            "a.1950",
            "\"weird 123\"",
            "news+12345",
            "",
        ] {
            assert!(!odd_local_part(fine, year), "{fine}");
        }
        let (_, findings) = run(
            &with(
                &newsletter(),
                "From:",
                "From: Web Dude <webdude0482@shop.example>",
            ),
            NOW,
        );
        assert_eq!(
            get(&findings, "sender.odd-local-part").severity,
            Severity::Info
        );
        let (_, findings) = run(
            &with(&newsletter(), "From:", "From: Anna <anna1987@shop.example>"),
            NOW,
        );
        assert!(!has(&findings, "sender.odd-local-part"));
    }

    #[test]
    fn reply_to_and_return_path() {
        let base = newsletter();
        let text = format!("Reply-To: Help <help@desk.example.org>\n{base}");
        let (facts, findings) = run(&text, NOW);
        assert_eq!(facts.reply_to_domain.as_deref(), Some("desk.example.org"));
        let f = get(&findings, "sender.reply-to-other-domain");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.detail.contains("phishing") || f.detail.contains("Scams"));
        assert!(f.detail.contains("normal"));
        let (_, findings) = run(&format!("Reply-To: x.payments@gmail.com\n{base}"), NOW);
        assert!(
            get(&findings, "sender.reply-to-other-domain")
                .detail
                .contains("Gmail address")
        );
        let (_, findings) = run(&format!("Reply-To: help@support.shop.example\n{base}"), NOW);
        assert!(!has(&findings, "sender.reply-to-other-domain"));

        // Return-Path on the service's domain, with the company's own signature: info.
        let text = with(
            &base,
            "Return-Path",
            "Return-Path: <bounces+123=example.net@sendgrid.example>",
        );
        let (facts, findings) = run(&text, NOW);
        assert_eq!(
            facts.return_path_domain.as_deref(),
            Some("sendgrid.example")
        );
        let f = get(&findings, "sender.return-path-other-domain");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.detail.contains("normal") && f.detail.contains("phishing"));
        // ... without it: warning.
        let text = with(
            &text,
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=shop.example",
            "",
        );
        assert_eq!(
            get(&run(&text, NOW).1, "sender.return-path-other-domain").severity,
            Severity::Warning
        );
        // Null Return-Path (a bounce): nothing.
        let (facts, findings) = run(&with(&base, "Return-Path", "Return-Path: <>"), NOW);
        assert_eq!(facts.return_path_domain, None);
        assert!(!has(&findings, "sender.return-path-other-domain"));
    }

    #[test]
    fn date_checks() {
        let base = newsletter();
        let (_, findings) = run(&with(&base, "Date:", ""), NOW);
        assert_eq!(
            get(&findings, "header.missing-date").severity,
            Severity::Warning
        );
        let (_, findings) = run(&with(&base, "Date:", "Date: the day after tomorrow"), NOW);
        assert_eq!(
            get(&findings, "header.bad-date").severity,
            Severity::Warning
        );
        // An hour after the newest Received date (10:00:02), though before "now" plus a day.
        let (_, findings) = run(
            &with(&base, "Date:", "Date: Tue, 02 Jan 2024 11:00:03 +0000"),
            NOW + DAY,
        );
        let f = get(&findings, "header.date-in-future");
        assert!(f.title.contains("when it was received"), "{}", f.title);
        // Ten minutes is clock difference.
        let (_, findings) = run(
            &with(&base, "Date:", "Date: Tue, 02 Jan 2024 10:10:00 +0000"),
            NOW,
        );
        assert!(!has(&findings, "header.date-in-future"));
        // Without Received, against now.
        let text = with(&base, "Received:", "");
        let (_, findings) = run(
            &with(&text, "Date:", "Date: Wed, 03 Jan 2024 10:00:00 +0000"),
            NOW,
        );
        assert!(
            get(&findings, "header.date-in-future")
                .title
                .contains("than now")
        );
        // Old.
        let (_, findings) = run(&base, NOW + 45 * DAY);
        let f = get(&findings, "header.date-far-past");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.title.contains("45 days"), "{}", f.title);
        let (_, findings) = run(&base, NOW + 20 * DAY);
        assert!(!has(&findings, "header.date-far-past"));
        for code in [
            "header.missing-date",
            "header.bad-date",
            "header.date-in-future",
        ] {
            assert!(!has(&run(&base, NOW).1, code));
        }
    }

    #[test]
    fn message_id_checks() {
        let base = newsletter();
        let (_, findings) = run(&with(&base, "Message-ID:", ""), NOW);
        assert_eq!(
            get(&findings, "header.missing-message-id").severity,
            Severity::Warning
        );
        for bad in [
            "abc@shop.example",
            "<abc>",
            "<a b@shop.example>",
            "<a@b@shop.example>",
            "<@shop.example>",
            "<abc@>",
            "",
        ] {
            let (_, findings) = run(
                &with(&base, "Message-ID:", &format!("Message-ID: {bad}")),
                NOW,
            );
            assert!(has(&findings, "header.bad-message-id"), "{bad}");
        }
        for good in [
            "<abc.123@shop.example>",
            " <x+y=z@[192.0.2.1]>",
            "<CAF8x=Zq1qL0k2Y5cV7x+abc@mail.gmail.com>",
        ] {
            let (_, findings) = run(
                &with(&base, "Message-ID:", &format!("Message-Id:{good}")),
                NOW,
            );
            assert!(!has(&findings, "header.bad-message-id"), "{good}");
        }
    }

    #[test]
    fn duplicate_fields() {
        let text = format!("Subject: Second subject\n{}", newsletter());
        let (_, findings) = run(&text, NOW);
        let f = get(&findings, "header.duplicate");
        assert!(f.title.contains("2 Subject headers"));
        assert_eq!(f.evidence.len(), 2);
        assert!(!has(&run(&newsletter(), NOW).1, "header.duplicate"));
    }

    #[test]
    fn bulk_checks() {
        let base = newsletter();
        // Not bulk: no bulk findings at all.
        let (_, findings) = run(&gmail_message(), NOW);
        assert!(!findings.iter().any(|f| f.code.starts_with("bulk.")));
        // No one-click.
        let (_, findings) = run(&with(&base, "List-Unsubscribe-Post", ""), NOW);
        let f = get(&findings, "bulk.no-one-click");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.detail.contains("List-Unsubscribe-Post"));
        // mailto only.
        let (_, findings) = run(
            &with(
                &base,
                "List-Unsubscribe:",
                "List-Unsubscribe: <mailto:unsub@shop.example>",
            ),
            NOW,
        );
        assert!(
            get(&findings, "bulk.no-one-click")
                .detail
                .contains("no https://")
        );
        // Not covered by DKIM.
        let text = base.replace("list-unsubscribe:list-unsubscribe-post:", "");
        let (_, findings) = run(&text, NOW);
        assert_eq!(
            get(&findings, "bulk.unsubscribe-not-signed").severity,
            Severity::Warning
        );
        // A list without List-Unsubscribe: warning.
        let text = with(
            &with(
                &base,
                "List-Unsubscribe:",
                "List-Id: Shop news <news.shop.example>",
            ),
            "List-Unsubscribe-Post",
            "Precedence: bulk",
        );
        let (_, findings) = run(&text, NOW);
        assert_eq!(
            get(&findings, "bulk.no-list-unsubscribe").severity,
            Severity::Warning
        );
        assert_eq!(get(&findings, "bulk.precedence").severity, Severity::Info);
        assert!(!has(&findings, "bulk.no-one-click"));
        // Only a mailing service's marker (could be a receipt): info.
        let text = with(
            &with(&base, "List-Unsubscribe:", ""),
            "List-Unsubscribe-Post",
            "",
        );
        let (_, findings) = run(&with(&text, "Feedback-ID", ""), NOW);
        let f = get(&findings, "bulk.no-list-unsubscribe");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.detail.contains("password reset"));
        // Feedback-ID.
        assert_eq!(
            get(&run(&base, NOW).1, "bulk.feedback-id").severity,
            Severity::Info
        );
        // Precedence: first-class is not bulk.
        let (_, findings) = run(
            &format!("Precedence: first-class\n{}", gmail_message()),
            NOW,
        );
        assert!(!findings.iter().any(|f| f.code.starts_with("bulk.")));
    }

    #[test]
    fn free_mail_with_bulk_headers_is_a_warning() {
        let text = format!(
            "List-Unsubscribe: <mailto:u@gmail.com>\n{}",
            gmail_message()
        );
        let (_, findings) = run(&text, NOW);
        let f = get(&findings, "sender.free-mail");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.detail.contains("bulk"));
    }

    #[test]
    fn organizational_domains() {
        assert_eq!(
            org_domain("mail.shop.example").as_deref(),
            Some("shop.example")
        );
        assert_eq!(
            org_domain("a.b.example.co.uk.").as_deref(),
            Some("example.co.uk")
        );
        assert_eq!(
            org_domain("example.com.br").as_deref(),
            Some("example.com.br")
        );
        assert_eq!(org_domain("localhost"), None);
        assert_eq!(org_domain("[192.0.2.1]"), None);
        assert_eq!(org_domain("203.0.113.9"), None);
        assert_eq!(org_domain("a..example"), None);
        assert!(same_org("news.example.com", "EXAMPLE.com"));
        assert!(!same_org("example.com", "example.net"));
    }

    #[test]
    fn small_parsers() {
        assert_eq!(
            addresses_in("Support (support@bank.example) and x@y.example"),
            ["support@bank.example", "x@y.example"]
        );
        assert!(addresses_in("Ann @ home, a@b, @, ü@ü.example").is_empty());
        assert_eq!(base64_problem(BH), None);
        assert_eq!(base64_problem(B), None);
        assert!(base64_problem("abc").is_some());
        assert!(base64_problem("ab=c").is_some());
        assert!(base64_problem("a===").is_some());
        assert_eq!(year_of(0), 1970);
        assert_eq!(year_of(-1), 1969);
        assert_eq!(year_of(1_709_251_199_000), 2024); // 2024-02-29T23:59:59Z
        assert_eq!(year_of(1_735_689_600_000), 2025);
        let _ = year_of(i64::MIN);
        let _ = year_of(i64::MAX);
        assert_eq!(angle_items("<a>, <b> ,junk <c"), ["a", "b"]);
        assert_eq!(
            return_path_domain(" <Bounce@Mail.Example.NET.>").as_deref(),
            Some("mail.example.net")
        );
        assert_eq!(return_path_domain("bounce@example.net (comment)"), None);
    }

    #[test]
    fn evidence_is_short_and_on_char_boundaries() {
        let value = "é".repeat(5000);
        let ev = evidence("Subject", &value, 9);
        assert_eq!(ev.line, Some(9));
        assert!(ev.text.len() <= MAX_EVIDENCE + "…".len());
        assert!(ev.text.ends_with('…'));
        let ev = evidence("Subject", " short\n value", 2);
        assert_eq!(ev.text, "Subject: short value");
        assert_eq!(clip("aé", 2), "a");
        assert_eq!(compact("a b\n c", 100), "abc");
        assert_eq!(compact(&"x".repeat(2000), 10), "xxxxxxxxxx…");
    }

    /// A small deterministic generator of hostile text.
    fn noise(seed: &mut u64, len: usize) -> String {
        const PIECES: [&str; 24] = [
            "<",
            ">",
            "@",
            ";",
            "=",
            ":",
            "\"",
            "\n ",
            "\n",
            " ",
            "é",
            "\u{1F600}",
            "\u{0}",
            "=?UTF-8?B?",
            "?=",
            "from",
            "h=",
            "x=",
            "9999999999999999999999",
            "a",
            ".",
            ",",
            "[",
            "\\",
        ];
        let mut out = String::new();
        for _ in 0..len {
            *seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            out.push_str(PIECES[(*seed >> 33) as usize % PIECES.len()]);
        }
        out
    }

    #[test]
    fn garbage_never_panics() {
        let names = [
            "From",
            "Reply-To",
            "Return-Path",
            "Date",
            "Message-ID",
            "Received",
            "DKIM-Signature",
            "List-Unsubscribe",
            "List-Unsubscribe-Post",
            "Precedence",
            "Feedback-ID",
            "X-Mailgun-Sid",
            "\u{1F600}",
            "",
        ];
        let mut seed = 42u64;
        for round in 0..400 {
            let values: Vec<String> = names.iter().map(|_| noise(&mut seed, round % 60)).collect();
            let fields: Vec<(&str, &str, u32)> = names
                .iter()
                .zip(values.iter())
                .enumerate()
                .map(|(i, (n, v))| (*n, v.as_str(), i as u32 + 1))
                .collect();
            for now in [NOW, 0, i64::MIN, i64::MAX] {
                let (_, findings) = check(fields.iter().copied(), now, None);
                for f in &findings {
                    assert!(f.evidence.iter().all(|e| e.text.len() <= MAX_EVIDENCE + 3));
                }
            }
            let sig = parse_dkim_signature(&values[6], 1);
            assert!(sig.syntax_errors.len() <= MAX_ERRORS);
        }
    }

    #[test]
    fn huge_inputs_are_bounded() {
        let huge = format!(
            "v=1; a=rsa-sha256; d=example.com; s=s; h={}; bh={BH}; b={}; z={}",
            "from:".repeat(100_000),
            "A".repeat(1_000_000),
            "x".repeat(1_000_000)
        );
        let sig = parse_dkim_signature(&huge, 1);
        assert_eq!(sig.signed_headers.len(), MAX_SIGNED_HEADERS);
        assert!(
            sig.signature
                .as_ref()
                .is_some_and(|b| b.len() <= MAX_BASE64 + 3)
        );
        assert!(sig.tags.iter().all(|(_, v)| v.len() <= MAX_BASE64 + 3));
        assert!(
            sig.syntax_errors
                .iter()
                .any(|e| e.contains("h= has an empty header name"))
        );
        let sig = parse_dkim_signature(&";".repeat(1_000_000), 1);
        assert!(sig.syntax_errors.len() <= MAX_ERRORS);
        assert_eq!(
            sig.syntax_errors
                .iter()
                .filter(|e| e.contains("empty tag"))
                .count(),
            1
        );
        let many_from = "From: a@example.com\n".repeat(500);
        let (_, findings) = run(&many_from, NOW);
        let f = get(&findings, "header.multiple-from");
        assert!(f.title.contains("500 From headers"));
        assert_eq!(f.evidence.len(), 10);
        let many_tags: String = (0..10_000).map(|i| format!("t{i}=1;")).collect();
        let sig = parse_dkim_signature(&many_tags, 1);
        assert_eq!(sig.tags.len(), MAX_TAGS);
        assert!(
            sig.syntax_errors
                .iter()
                .any(|e| e.contains("more than 64 tags"))
        );

        let long_name = format!("From: \"{}\" <a@example.com>", "n".repeat(1_000_000));
        let text = format!(
            "{long_name}\nReply-To: {}\nMessage-ID: <{}@x.example>\nDate: {}\nReceived: {};\n",
            "r@".repeat(300_000),
            "m".repeat(1_000_000),
            "1".repeat(1_000_000),
            "q".repeat(1_000_000)
        );
        let (facts, findings) = run(&text, NOW);
        assert!(facts.from_domain.as_ref().is_none_or(|d| d.len() <= 255));
        assert!(
            findings
                .iter()
                .all(|f| f.evidence.iter().all(|e| e.text.len() <= MAX_EVIDENCE + 3))
        );
        assert!(has(&findings, "header.bad-date"));
    }

    #[test]
    fn deterministic_and_serializable() {
        let a = run(&newsletter(), NOW);
        let b = run(&newsletter(), NOW);
        assert_eq!(a, b);
        let json = serde_json::to_string(&a.0).unwrap_or_default();
        let back: SenderFacts = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, a.0);
        assert!(json.contains("\"signed_headers\":[\"from\",\"subject\""));
    }

    #[test]
    fn findings_are_sorted_and_worded() {
        let text = "From: a@example.com\nFrom: b@example.com\n";
        let (_, findings) = run(text, NOW);
        assert!(findings.windows(2).all(|w| w[0].severity <= w[1].severity));
        for f in &findings {
            assert!(f.code.contains('.') && !f.title.is_empty() && !f.detail.is_empty());
        }
    }
}
