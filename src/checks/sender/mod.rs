//! What the header fields themselves say about the sender, read without DNS: the
//! "seeds of suspicion" support staff look at first. One module per concern: the From field
//! ([`from`]), display-name spoofing ([`name`]), the DKIM-Signature fields ([`dkim`]), Reply-To and
//! Return-Path ([`reply_to`]), Date, Message-ID and fields that may appear once ([`date_id`]),
//! bulk-mail hygiene ([`bulk`]) and free mail ([`free_mail`]); this module reads the fields once
//! and runs them. The signatures themselves are parsed by [`crate::parse::dkim_signature`].
//!
//! Implemented:
//! - RFC 6376 section 5.4 and 6.1.1 (From must be signed), section 5.4.2 (over-signing), section
//!   8.2 (the `l=` body length risk); nothing is verified here.
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
//! - ARC-Seal and ARC-Message-Signature;
//! - a maintained list of every free mail domain: `data/sender/freemail.tsv` holds the major
//!   ones.

use crate::parse::dkim_signature::{DkimSignature, parse_dkim_signature};
use crate::vocab::domain::{org_domain, same_org};
use crate::vocab::finding::{Evidence, Finding, Severity};
use crate::vocab::text::clip;
use serde::{Deserialize, Serialize};

mod bulk;
mod date_id;
mod dkim;
mod free_mail;
pub(crate) use free_mail::free_mail_provider;
mod from;
mod name;
mod reply_to;

/// At most this many DKIM-Signature fields are examined.
const MAX_SIGNATURES: usize = 50;
/// Bytes of evidence text.
const MAX_EVIDENCE: usize = 300;
/// Bytes of an address field given to the address parser.
const MAX_ADDRESS_FIELD: usize = 4096;
/// Bytes kept of a display name.
const MAX_NAME: usize = 1024;
/// Received fields read for their date.
const MAX_RECEIVED: usize = 100;
/// Allowed clock difference before a date counts as being in the future.
const FUTURE_SLACK_MS: i64 = 15 * 60 * 1000;
/// Age after which a message counts as old.
const OLD_MS: i64 = 30 * 24 * 60 * 60 * 1000;

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
            && let Some(esp) = bulk::esp_marker(name)
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
    from::check(&scan, from_mailbox.as_ref(), now_ms, &mut findings);

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
    dkim::check(
        &scan,
        &views,
        from_org.is_some(),
        date_ms.or(received_ms),
        received_ms.unwrap_or(now_ms),
        now_ms,
        &mut findings,
    );

    // Reply-To and Return-Path.
    let from_address = from_mailbox.as_ref().and_then(|m| m.address.as_deref());
    reply_to::check(
        &scan,
        &mut facts,
        from_address,
        platform,
        aligned_usable,
        &mut findings,
    );

    // Dates, Message-ID, duplicates.
    date_id::check_date(&scan, date_ms, received_ms, now_ms, &mut findings);
    date_id::check_message_id(&scan, &mut findings);
    date_id::check_duplicates(&scan, &mut findings);

    // Bulk.
    let bulk = bulk::check(&scan, &views, &mut findings);

    // Free mail.
    free_mail::check(
        &scan,
        &mut facts,
        &views,
        aligned_usable,
        bulk,
        &mut findings,
    );

    facts.dkim_signatures = scan.signatures.iter().map(|(s, _)| s.clone()).collect();
    crate::vocab::sort::sort_by_key(&mut findings, |f| f.severity);
    (facts, findings)
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
        name: mailbox.name.map(|n| clip(&n, MAX_NAME).to_string()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::dkim_signature::MAX_ERRORS;
    pub(super) use crate::parse::dkim_signature::tests::{B, BH};

    /// 2024-01-02T10:05:00Z.
    pub(super) const NOW: i64 = 1_704_189_900_000;

    pub(super) const DAY: i64 = 86_400_000;

    /// A personal message from a Gmail account, as the recipient's mailbox shows it.
    pub(super) fn gmail_message() -> String {
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
    pub(super) fn newsletter() -> String {
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

    pub(super) fn run(text: &str, now_ms: i64) -> (SenderFacts, Vec<Finding>) {
        let f = fields(text);
        check(
            f.iter().map(|(n, v, l)| (n.as_str(), v.as_str(), *l)),
            now_ms,
            None,
        )
    }

    pub(super) fn codes(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.code.as_str()).collect()
    }

    pub(super) fn get<'f>(findings: &'f [Finding], code: &str) -> &'f Finding {
        findings
            .iter()
            .find(|f| f.code == code)
            .unwrap_or_else(|| panic!("no {code} in {:?}", codes(findings)))
    }

    pub(super) fn has(findings: &[Finding], code: &str) -> bool {
        findings.iter().any(|f| f.code == code)
    }

    /// Replaces one header line (by its start) or removes it (empty replacement).
    pub(super) fn with(text: &str, start: &str, replacement: &str) -> String {
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

    pub(super) fn sig(d: &str, extra: &str) -> String {
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
    fn evidence_is_short_and_on_char_boundaries() {
        let value = "é".repeat(5000);
        let ev = evidence("Subject", &value, 9);
        assert_eq!(ev.line, Some(9));
        assert!(ev.text.len() <= MAX_EVIDENCE + "…".len());
        assert!(ev.text.ends_with('…'));
        let ev = evidence("Subject", " short\n value", 2);
        assert_eq!(ev.text, "Subject: short value");
        assert_eq!(clip("aé", 2), "a");
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
        let many_from = "From: a@example.com\n".repeat(500);
        let (_, findings) = run(&many_from, NOW);
        let f = get(&findings, "header.multiple-from");
        assert!(f.title.contains("500 From headers"));
        assert_eq!(f.evidence.len(), 10);

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
