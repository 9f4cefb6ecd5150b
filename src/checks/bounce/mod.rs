//! Bounce (non-delivery report) analysis, read the way an expert reads one.
//!
//! [`analyze`] takes the pasted text or a whole message and tells what kind of message it is
//! (a bounce, a delay notice, a spam complaint, an automatic reply, or ordinary mail), and for
//! each recipient that failed: the address, permanent or temporary, the SMTP reply code, the
//! enhanced status code (RFC 3463) explained, the remote server's own words, and a reason in
//! Sisimai's vocabulary with what to do. It finds the returned original message so the header
//! analysis can run on it. It is a pure parser: no DNS, no clock, and it never fails.
//!
//! Formats read: RFC 3464 delivery status notifications (also when their fields are pasted as
//! plain text), RFC 5965 feedback reports, RFC 3834 automatic replies, and the plain-text
//! bounces of Postfix, Exim, Sendmail, qmail, Exchange / Office 365, Gmail, Yahoo and others
//! (found generically: the failed address starts a block, the server's words follow it).

pub mod lists;
pub mod mime;
pub mod reason;
mod scan;

pub use lists::Blocklist;
pub use reason::Reason;

use crate::vocab::text::clip;
use serde::{Deserialize, Serialize};

/// Longest diagnostic text kept per recipient (bytes).
const MAX_DIAGNOSTIC: usize = 1000;
/// Recipients reported per bounce.
const MAX_RECIPIENTS: usize = 100;
/// Longest original message text returned (bytes).
const MAX_ORIGINAL: usize = 256 * 1024;

/// What kind of message this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BounceKind {
    /// Delivery failed for good (a non-delivery report).
    Bounce,
    /// Delivery is delayed; the sending server will keep trying.
    Delay,
    /// A spam complaint or other feedback report (RFC 5965), not a bounce.
    Feedback,
    /// An automatic reply (out of office, vacation; RFC 3834), not a bounce.
    AutoReply,
    /// Ordinary mail, or a report that delivery succeeded.
    NotBounce,
}

/// Who refused the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RefusedBy {
    /// The sender's own outgoing server refused while the mail program was sending (the text is
    /// an error the mail program showed); nothing was sent.
    SenderServerAtSend,
    /// The recipient's server refused; the sender's server then wrote this bounce.
    RemoteServer,
    /// The sender's own server gave up without a refusal from the recipient's side (no
    /// connection, DNS failure, timeout).
    SenderServer,
    /// The text does not say.
    Unknown,
}

/// One recipient the report is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BouncedRecipient {
    /// The address that failed (Final-Recipient, or as the bounce text names it).
    pub address: String,
    /// The address as the sender wrote it (Original-Recipient), when different.
    pub original_recipient: Option<String>,
    /// DSN Action (failed, delayed, delivered, relayed, expanded), when given.
    pub action: Option<String>,
    /// Permanent failure (true) or temporary, to be retried (false).
    pub hard: bool,
    /// Whether the address itself is bad (does not exist, domain unknown, moved): stop using it.
    pub address_is_bad: bool,
    /// The SMTP reply code (550, 452, ...), when given.
    pub reply_code: Option<u16>,
    /// The enhanced status code (RFC 3463, like 5.1.1), when given.
    pub status: Option<String>,
    /// What the status code means.
    pub status_explanation: Option<String>,
    /// The remote server's own words, unfolded and cut to 1000 bytes.
    pub diagnostic: Option<String>,
    /// The server that refused (Remote-MTA, or as the text names it).
    pub remote_mta: Option<String>,
    /// When the last attempt was made (Last-Attempt-Date), as written.
    pub last_attempt: Option<String>,
    /// The reason, in Sisimai's vocabulary.
    pub reason: Reason,
    /// The reason in plain words.
    pub reason_explanation: String,
    /// What to do about it.
    pub advice: String,
    /// The blocklist the refusal names, with where to check and ask for removal.
    pub blocklist: Option<Blocklist>,
    /// The sender authentication the refusal blames: `spf`, `dkim`, `dmarc` or `spf_dkim`.
    pub auth: Option<String>,
}

/// The details of a feedback (complaint) report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FeedbackInfo {
    /// Feedback-Type: abuse, fraud, virus, not-spam, other...
    pub feedback_type: Option<String>,
    /// Who sent the report (User-Agent).
    pub user_agent: Option<String>,
    /// Source-IP: the IP the complained-about message came from.
    pub source_ip: Option<String>,
    /// Reported-Domain.
    pub reported_domain: Option<String>,
    /// Original-Mail-From.
    pub original_mail_from: Option<String>,
    /// Arrival-Date of the complained-about message.
    pub arrival_date: Option<String>,
}

/// Facts a customer can copy into a support request.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseFacts {
    /// The sender of the original message.
    pub sender: Option<String>,
    /// The failed recipients.
    pub recipients: Vec<String>,
    /// When it happened, as written (with its time zone).
    pub date: Option<String>,
    /// The original message's subject, or the bounce's.
    pub subject: Option<String>,
    /// The original Message-ID, when found.
    pub message_id: Option<String>,
    /// The servers involved (reporting server, remote servers).
    pub servers: Vec<String>,
    /// All of the above as plain lines, ready to paste.
    pub text: String,
}

/// The returned original message (or its headers) inside the bounce.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OriginalMessage {
    /// The 1-based line of the input where it starts (for an encoded part: where the part's
    /// body starts).
    pub line: usize,
    /// Only the headers were returned (text/rfc822-headers), not the body.
    pub headers_only: bool,
    /// Its text (cut to 256 KB).
    pub text: String,
}

/// Everything [`analyze`] found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BounceReport {
    /// What kind of message this is.
    pub kind: BounceKind,
    /// The writer's format when recognized: `rfc3464`, `arf`, `rfc3834`, `postfix`, `exim`,
    /// `sendmail`, `qmail`, `exchange`, `gmail`, ...
    pub format: Option<String>,
    /// One or two plain sentences for a support agent.
    pub summary: String,
    /// Who refused the message.
    pub refused_by: RefusedBy,
    /// The server that wrote the report (Reporting-MTA), when known.
    pub reporting_mta: Option<String>,
    /// The recipients the report is about.
    pub recipients: Vec<BouncedRecipient>,
    /// For feedback reports: what was reported.
    pub feedback: Option<FeedbackInfo>,
    /// Facts to copy into a support request.
    pub case_facts: CaseFacts,
    /// The returned original message, when present.
    pub original: Option<OriginalMessage>,
}

/// One per-recipient account before reasons are decided.
#[derive(Default)]
struct Raw {
    address: String,
    original_recipient: Option<String>,
    action: Option<String>,
    status: Option<String>,
    diagnostic: String,
    diagnostic_type: String,
    remote_mta: Option<String>,
    last_attempt: Option<String>,
    /// Text around the recipient that may name a reason (lowercased later).
    context: String,
}

/// Signatures of known writers: (lowercase marker in the first part of the text, format name).
static FORMATS: &[(&str, &str)] = &[
    ("this is the mail system at host", "postfix"),
    (
        "this message was created automatically by mail delivery software",
        "exim",
    ),
    ("qmail-send program", "qmail"),
    ("diagnostic information for administrators", "exchange"),
    ("delivery has failed to these recipients", "exchange"),
    ("your message couldn't be delivered", "exchange"),
    ("** message not delivered **", "gmail"),
    ("** address not found **", "gmail"),
    ("delivery to the following recipient failed", "gmail"),
    ("the response from the remote server was", "gmail"),
    (
        "this message was created automatically by the sendgrid",
        "sendgrid",
    ),
    ("amazonses", "amazon_ses"),
    ("yahoo", "yahoo"),
    ("zoho", "zoho"),
    ("transcript of session follows", "sendmail"),
    (
        "the following addresses had permanent fatal errors",
        "sendmail",
    ),
    ("opensmtpd", "opensmtpd"),
    ("courier mail server", "courier"),
    ("mimecast", "mimecast"),
    ("outlook.com", "outlook"),
    ("hotmail", "outlook"),
];

/// Subjects (lowercase) that bounces and delay notices use.
static BOUNCE_SUBJECTS: &[&str] = &[
    "undeliver",
    "returned mail",
    "delivery status notification",
    "mail delivery failed",
    "failure notice",
    "delivery failure",
    "non remis",
    "non-delivery",
    "nondeliverable",
    "delivery notification",
    "mail delivery failure",
    "could not send message",
    "delayed mail",
    "delivery delayed",
    "warning: message",
    "mail could not be delivered",
    "delivery problem",
    "mail system error",
    "returned to sender",
    "unzustellbar",
    "rejected",
    "delivery report",
    "message delivery has failed",
    "message not delivered",
    "notification d'état",
    "failed delivery",
    "undelivered",
    "delivery has failed",
    "permanent error",
    "bounce",
    "mail failure",
];

/// Subjects (lowercase prefixes) of automatic replies.
static AUTO_SUBJECTS: &[&str] = &[
    "auto:",
    "automatic reply",
    "autoreply",
    "auto-reply",
    "auto reply",
    "out of office",
    "out of the office",
    "abwesenheit",
    "réponse automatique",
    "respuesta automática",
    "vacation",
    "away from",
    "i am out",
    "i'm out",
    "risposta automatica",
    "autosvar",
];

/// Analyzes a bounce, delay notice, feedback report, automatic reply or any message. Never
/// fails: ordinary mail gives `kind: not_bounce`.
pub fn analyze(input: &[u8]) -> BounceReport {
    let text = mime::normalize(input);
    let top = mime::headers(&text);
    let mut parts = Vec::new();
    let mut report_type = String::new();
    mime::walk(&text, 0, &mut parts, &mut report_type);

    let from = top.value("from").unwrap_or_default();
    let to = top.value("to").unwrap_or_default();
    let subject = top.value("subject").unwrap_or_default();
    let subject_l = subject.to_ascii_lowercase();
    let from_l = from.to_ascii_lowercase();
    let has_headers = top.fields.len() >= 2;

    // The parts by role.
    let mut dsn: Option<&str> = None;
    let mut feedback: Option<&str> = None;
    let mut original: Option<OriginalMessage> = None;
    let mut body_text = String::new();
    let mut body_offset = 0;
    for p in &parts {
        match p.ctype.as_str() {
            "message/delivery-status" | "message/global-delivery-status" => {
                dsn.get_or_insert(&p.text);
            }
            "message/feedback-report" => {
                feedback.get_or_insert(&p.text);
            }
            "message/rfc822"
            | "message/global"
            | "text/rfc822-headers"
            | "message/rfc822-headers"
            | "message/global-headers"
            | "text/rfc822"
            | "message/partial" => {
                if original.is_none() {
                    let t = p.text.trim_start_matches('\n');
                    let skipped = p.text.len() - t.len();
                    original = Some(OriginalMessage {
                        line: mime::line_of(&text, p.offset) + if p.verbatim { skipped } else { 0 },
                        headers_only: p.ctype.ends_with("headers"),
                        text: clip(t, MAX_ORIGINAL).to_string(),
                    });
                }
            }
            t if t.starts_with("text/") && body_text.len() < 64 * 1024 => {
                if body_text.is_empty() {
                    body_offset = if p.verbatim { p.offset } else { usize::MAX };
                }
                if t == "text/html" {
                    if body_text.is_empty() {
                        body_text = strip_html(&p.text);
                    }
                } else if body_text.is_empty() || !body_text.contains('@') {
                    if !body_text.is_empty() {
                        body_text.push('\n');
                        body_offset = usize::MAX;
                    }
                    body_text.push_str(&p.text);
                }
            }
            _ => {}
        }
    }
    // A returned message pasted inline in the text.
    let mut bounce_text: &str = &body_text;
    if let Some((marker, start)) = scan::original_start(&body_text) {
        if original.is_none() {
            let line = if body_offset != usize::MAX {
                mime::line_of(&text, body_offset + start)
            } else {
                mime::line_of(&text, 0)
            };
            original = Some(OriginalMessage {
                line,
                headers_only: false,
                text: clip(body_text.get(start..).unwrap_or(""), MAX_ORIGINAL).to_string(),
            });
        }
        bounce_text = body_text.get(..marker).unwrap_or(&body_text);
    } else if dsn.is_none() && original.is_none() {
        // A bounce that quotes the returned headers after the report without a marker line is
        // left as is: the text is all report.
    }
    let lower = bounce_text.to_ascii_lowercase();
    let format_of = |lower: &str| -> Option<String> {
        let head = lower.get(..lower.len().min(4096)).unwrap_or(lower);
        FORMATS
            .iter()
            .find(|(m, _)| head.contains(m))
            .map(|(_, f)| (*f).to_string())
    };

    // Feedback reports.
    if report_type == "feedback-report" || feedback.is_some() {
        return feedback_report(feedback.unwrap_or(""), &top, original);
    }

    // Automatic replies.
    let auto_submitted = top
        .value("auto-submitted")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let from_daemon = scan::addresses(&from)
        .first()
        .and_then(|&(s, e)| from.get(s..e))
        .is_some_and(scan::is_daemon)
        || from_l.contains("mail delivery")
        || from_l.contains("mailer-daemon");
    let auto_reply = dsn.is_none()
        && !from_daemon
        && report_type != "delivery-status"
        && (auto_submitted.starts_with("auto-replied")
            || top.get("x-autoreply").is_some()
            || top.get("x-autorespond").is_some()
            || AUTO_SUBJECTS.iter().any(|s| subject_l.starts_with(s)));
    if auto_reply {
        return auto_reply_report(&top, &from, &subject, original);
    }

    // Delivery status notifications, and DSN fields pasted as text.
    let mut raws: Vec<Raw> = Vec::new();
    let mut reporting_mta = None;
    let mut format = None;
    let mut arrival = None;
    let dsn_text: Option<&str> = dsn.or_else(|| {
        let l = lower.as_str();
        (l.contains("final-recipient:") && l.contains("status:")).then_some(bounce_text)
    });
    if dsn_text.is_none() && lower.contains("notificationtype") {
        let unescaped = bounce_text.replace("\\\"", "\"");
        if let Some(r) = ses_notification(&unescaped, &mut raws) {
            return r;
        }
    }
    if let Some(d) = dsn_text {
        parse_dsn(d, &mut raws, &mut reporting_mta, &mut arrival);
        if dsn.is_some() {
            format = format_of(&lower).or_else(|| Some("rfc3464".to_string()));
        }
    }

    let bounce_like = !raws.is_empty()
        || from_daemon
        || top.get("x-failed-recipients").is_some()
        || BOUNCE_SUBJECTS.iter().any(|s| subject_l.contains(s))
        || report_type == "delivery-status";
    let pasted_error = !has_headers && looks_like_client_error(&lower);
    if !bounce_like && !pasted_error {
        return not_bounce(&top, original);
    }
    if format.is_none() {
        format = format_of(&lower);
    }

    // Plain-text recipients: the blocks of the report text.
    let mut skip: Vec<String> = Vec::new();
    for v in [&from, &to] {
        for (s, e) in scan::addresses(v) {
            if let Some(a) = v.get(s..e) {
                skip.push(a.to_ascii_lowercase());
            }
        }
    }
    let blocks = scan::blocks(bounce_text, if raws.is_empty() { &skip } else { &[] });
    if raws.is_empty() {
        for b in &blocks {
            raws.push(Raw {
                address: b.address.clone(),
                context: bounce_text.get(b.start..b.end).unwrap_or("").to_string(),
                ..Raw::default()
            });
        }
        if raws.is_empty()
            && let Some(x) = top.value("x-failed-recipients")
        {
            for (s, e) in scan::addresses(&x) {
                raws.push(Raw {
                    address: x.get(s..e).unwrap_or("").to_ascii_lowercase(),
                    context: clip(bounce_text, 4096).to_string(),
                    ..Raw::default()
                });
            }
        }
        if raws.is_empty() {
            let orig_to = original
                .as_ref()
                .map(|o| mime::headers(&o.text).value("to").unwrap_or_default())
                .unwrap_or_default();
            let source = if orig_to.is_empty() {
                bounce_text
            } else {
                orig_to.as_str()
            };
            for (s, e) in scan::addresses(source).into_iter().take(MAX_RECIPIENTS) {
                let a = source.get(s..e).unwrap_or("").to_ascii_lowercase();
                if !skip.contains(&a)
                    && !scan::is_daemon(&a)
                    && !raws.iter().any(|r| r.address == a)
                {
                    raws.push(Raw {
                        address: a,
                        context: clip(bounce_text, 4096).to_string(),
                        ..Raw::default()
                    });
                    if orig_to.is_empty() {
                        break;
                    }
                }
            }
        }
    } else {
        // Give DSN recipients the words of the text part about them.
        for r in &mut raws {
            if let Some(b) = blocks
                .iter()
                .find(|b| b.address.eq_ignore_ascii_case(&r.address))
            {
                r.context = bounce_text.get(b.start..b.end).unwrap_or("").to_string();
            }
        }
    }
    raws.truncate(MAX_RECIPIENTS);

    let recipients: Vec<BouncedRecipient> = raws
        .into_iter()
        .map(|r| finish_recipient(r, bounce_text, &lower))
        .collect();
    build_report(
        &top,
        format,
        reporting_mta,
        arrival,
        recipients,
        original,
        pasted_error,
        &subject,
    )
}

/// HTML reduced to its text, roughly (tags dropped, block ends made line breaks); for bounces
/// that come only as HTML.
fn strip_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() / 2);
    let mut in_tag = false;
    let mut tag = String::new();
    for c in s.chars() {
        if in_tag {
            if c == '>' {
                in_tag = false;
                let t = tag.to_ascii_lowercase();
                if t.starts_with("br")
                    || t.starts_with("/p")
                    || t.starts_with("/div")
                    || t.starts_with("/tr")
                    || t.starts_with("p")
                {
                    out.push('\n');
                }
                tag.clear();
            } else if tag.len() < 8 {
                tag.push(c);
            }
        } else if c == '<' {
            in_tag = true;
        } else {
            out.push(c);
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value after `type;` in a DSN field (`rfc822; a@b` → `a@b`), brackets removed.
fn typed_value(v: &str) -> String {
    let v = v.split_once(';').map(|(_, r)| r).unwrap_or(v).trim();
    v.trim_matches(|c| c == '<' || c == '>').trim().to_string()
}

/// Reads the per-message and per-recipient blocks of a delivery-status part.
fn parse_dsn(
    d: &str,
    raws: &mut Vec<Raw>,
    reporting: &mut Option<String>,
    arrival: &mut Option<String>,
) {
    let mut pos = 0;
    let mut blocks = 0;
    while pos < d.len() && blocks < 200 {
        blocks += 1;
        // Skip blank lines, then read one block.
        while pos < d.len() && d.as_bytes().get(pos) == Some(&b'\n') {
            pos += 1;
        }
        let rest = d.get(pos..).unwrap_or("");
        let h = mime::headers(rest);
        let advance = if h.body == 0 {
            rest.find('\n').map(|i| i + 1).unwrap_or(rest.len())
        } else {
            h.body
        };
        pos += advance.max(1);
        if let Some(v) = h.value("reporting-mta") {
            reporting.get_or_insert(typed_value(&v));
        }
        if let Some(v) = h.value("arrival-date") {
            arrival.get_or_insert(v);
        }
        // Some writers leave out the blank line between recipients: a new group starts at
        // each Final-Recipient after the first (or an Original-Recipient after a complete one).
        let mut groups: Vec<Vec<mime::Field<'_>>> = vec![Vec::new()];
        for f in &h.fields {
            let name = f.name.to_ascii_lowercase();
            let cur = groups.last().map(|g| g.as_slice()).unwrap_or(&[]);
            let has = |n: &str| cur.iter().any(|x| x.name.eq_ignore_ascii_case(n));
            let new = (name == "final-recipient" && has("final-recipient"))
                || (name == "original-recipient"
                    && has("final-recipient")
                    && has("action")
                    && has("status"));
            if new && groups.len() < MAX_RECIPIENTS {
                groups.push(Vec::new());
            }
            if let Some(g) = groups.last_mut() {
                g.push(*f);
            }
        }
        for g in groups {
            let sub = mime::Headers { fields: g, body: 0 };
            if raws.len() >= MAX_RECIPIENTS {
                break;
            }
            dsn_recipient(&sub, raws);
        }
    }
}

fn dsn_recipient(h: &mime::Headers<'_>, raws: &mut Vec<Raw>) {
    {
        let final_rcpt = h.value("final-recipient").map(|v| typed_value(&v));
        let orig_rcpt = h.value("original-recipient").map(|v| typed_value(&v));
        let Some(address) = final_rcpt.clone().or_else(|| orig_rcpt.clone()) else {
            return;
        };
        let address = scan::addresses(&address)
            .first()
            .and_then(|&(s, e)| address.get(s..e))
            .map(str::to_string)
            .unwrap_or(address);
        let diag = h.value("diagnostic-code").unwrap_or_default();
        let (dtype, dtext) = match diag.split_once(';') {
            Some((t, r)) if t.len() < 20 && !t.contains(' ') => {
                (t.trim().to_ascii_uppercase(), r.trim().to_string())
            }
            _ => (String::new(), diag.clone()),
        };
        raws.push(Raw {
            address: address.to_ascii_lowercase(),
            original_recipient: orig_rcpt.filter(|o| !o.eq_ignore_ascii_case(&address)),
            action: h
                .value("action")
                .map(|a| a.to_ascii_lowercase())
                .filter(|a| !a.is_empty()),
            status: h.value("status").and_then(|s| scan::status(&s)),
            diagnostic: dtext,
            diagnostic_type: dtype,
            remote_mta: h
                .value("remote-mta")
                .map(|v| typed_value(&v))
                .filter(|v| !v.is_empty()),
            last_attempt: h.value("last-attempt-date"),
            context: String::new(),
        });
    }
}

/// Whether text without headers reads like an SMTP refusal a mail program showed.
fn looks_like_client_error(lower: &str) -> bool {
    scan::reply_code(lower).is_some_and(|c| c >= 400)
        && [
            "rejected",
            "refused",
            "denied",
            "undeliverable",
            "not delivered",
            "couldn't be delivered",
            "could not be delivered",
            "failed",
            "error",
            "blocked",
            "unknown",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

/// The host a plain-text bounce says refused (`host mx.example.com[192.0.2.1] said:`).
fn host_in(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    for key in ["host ", "remote server ", "server "] {
        for (i, _) in lower.match_indices(key).take(8) {
            let rest = text.get(i + key.len()..).unwrap_or("");
            let token: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
                .collect();
            if token.contains('.')
                && token.chars().any(|c| c.is_ascii_alphabetic())
                && token.len() > 3
            {
                return Some(token.trim_end_matches('.').to_ascii_lowercase());
            }
        }
    }
    None
}

fn finish_recipient(r: Raw, bounce_text: &str, all_lower: &str) -> BouncedRecipient {
    // The server's words: the Diagnostic-Code, or the block after the address.
    let words = if !r.diagnostic.trim().is_empty() {
        mime::squeeze(&r.diagnostic, MAX_DIAGNOSTIC)
    } else if !r.context.is_empty() {
        let c = r.context.as_str();
        let lc = c.to_ascii_lowercase();
        let at = lc.find(&r.address);
        // "554 5.7.1 <a@b>: Relay access denied": the code before the address is part of it.
        let line_start = at
            .and_then(|i| c.get(..i))
            .map(|p| p.rfind('\n').map_or(0, |n| n + 1))
            .unwrap_or(0);
        let code_before = at
            .and_then(|i| c.get(line_start..i))
            .is_some_and(|p| scan::reply_code(p).is_some() && scan::status(p).is_some());
        let after = if code_before {
            line_start
        } else {
            at.map(|i| i + r.address.len()).unwrap_or(0)
        };
        let rest = c.get(after..).unwrap_or("");
        let rest = rest.trim_start_matches(['>', ':', ' ', ',', '\n', '.']);
        // Where the remote server's own words start, when the text says so.
        let lr = rest.to_ascii_lowercase();
        let rest = [
            "server was:",
            "host said:",
            "said:",
            "server returned",
            "reason:",
            "error message:",
        ]
        .iter()
        .find_map(|m| lr.find(m).map(|i| i + m.len()))
        .and_then(|i| rest.get(i..))
        .map(|r| r.trim_start_matches([' ', '\n', '\'', ':']))
        .filter(|r| r.trim().len() >= 8)
        .unwrap_or(rest);
        if rest.trim().len() < 8 {
            mime::squeeze(c, MAX_DIAGNOSTIC)
        } else {
            mime::squeeze(rest, MAX_DIAGNOSTIC)
        }
    } else {
        String::new()
    };
    let words_l = mime::squeeze(&format!("{words} {}", r.context), 8192).to_ascii_lowercase();
    let reply_code = scan::reply_code(&words)
        .or_else(|| scan::reply_code(&r.context))
        .or_else(|| scan::reply_code(bounce_text));
    let best = |t: &str| {
        let all = scan::statuses(t);
        all.iter()
            .find(|s| !s.ends_with(".0.0"))
            .or(all.first())
            .cloned()
    };
    let text_status = best(&words)
        .or_else(|| best(&r.context))
        .or_else(|| best(bounce_text));
    // A DSN's Status field is often vaguer than the code in the server's own words (5.0.0
    // against "550 5.2.2 Mailbox full"): the last specific code of the same class there wins.
    let status = match r.status {
        Some(s) => {
            let vague = s.ends_with(".0.0");
            let specific = scan::statuses(&r.diagnostic).into_iter().rfind(|t| {
                t.get(..1) == s.get(..1)
                    && !t.ends_with(".0.0")
                    && t != "4.4.7"
                    && (vague || !t.ends_with(".0"))
            });
            Some(specific.unwrap_or(s))
        }
        None => text_status,
    };
    let action = r.action.clone().unwrap_or_default();
    let class = status
        .as_deref()
        .and_then(|s| s.bytes().next())
        .or_else(|| {
            reply_code.map(|c| {
                if c >= 500 {
                    b'5'
                } else if c >= 400 {
                    b'4'
                } else {
                    b'2'
                }
            })
        });
    let delivered =
        class == Some(b'2') || matches!(action.as_str(), "delivered" | "relayed" | "expanded");
    let own_l = words.to_ascii_lowercase();
    let command = if r.diagnostic.trim().is_empty() {
        scan::command(&words_l, true)
    } else {
        scan::command(&own_l, true).or_else(|| scan::command(&words_l, false))
    };
    let stage = match command {
        Some(scan::Command::Rcpt) => reason::Stage::Rcpt,
        Some(scan::Command::Mail | scan::Command::Connect) => reason::Stage::BeforeRcpt,
        _ => reason::Stage::DataOrUnknown,
    };
    // The server's own words first; the text around them only when those say nothing.
    let own = if r.diagnostic.trim().is_empty() {
        None
    } else {
        Some(own_l)
    };
    let reason = if delivered {
        Reason::Delivered
    } else if r.diagnostic_type.starts_with("X-UNIX") {
        // A local delivery program failed (procmail, a pipe).
        Reason::Mailererror
    } else if let Some(r) = own
        .as_deref()
        .and_then(|w| reason::decide(reason::phrases(w), status.as_deref(), stage))
    {
        r
    } else if let Some(r) = reason::decide(reason::phrases(&words_l), status.as_deref(), stage) {
        r
    } else if let Some(r) = reason::decide(reason::phrases(all_lower), status.as_deref(), stage) {
        r
    } else if status.as_deref().is_some_and(|s| s.get(1..3) == Some(".6")) {
        Reason::Contenterror
    } else if status.as_deref().is_some_and(|s| s.get(1..3) == Some(".7")) {
        Reason::Securityerror
    } else if r.diagnostic_type.starts_with("X-UNIX") {
        Reason::Mailererror
    } else if action == "delayed" {
        Reason::Expired
    } else if !words.is_empty() {
        Reason::Onhold
    } else {
        Reason::Undefined
    };
    let hard = match action.as_str() {
        "failed" => true,
        "delayed" => false,
        _ => class != Some(b'4') && !delivered,
    };
    let remote_mta = r
        .remote_mta
        .clone()
        .or_else(|| host_in(&words))
        .or_else(|| host_in(&r.context));
    BouncedRecipient {
        address: r.address,
        original_recipient: r.original_recipient,
        action: r.action,
        hard,
        address_is_bad: hard && reason.address_is_bad(),
        reply_code,
        status_explanation: status
            .as_deref()
            .map(reason::explain_status)
            .filter(|s| !s.is_empty()),
        status,
        diagnostic: (!words.is_empty()).then_some(words),
        remote_mta,
        last_attempt: r.last_attempt,
        reason,
        reason_explanation: reason.explanation().to_string(),
        advice: reason.advice().to_string(),
        blocklist: lists::blocklist(&words_l),
        auth: lists::auth(&words_l).map(str::to_string),
    }
}

fn first_address(v: &str) -> Option<String> {
    scan::addresses(v)
        .first()
        .and_then(|&(s, e)| v.get(s..e))
        .map(str::to_ascii_lowercase)
}

fn simple_recipient(address: String, reason: Reason) -> BouncedRecipient {
    BouncedRecipient {
        address,
        original_recipient: None,
        action: None,
        hard: false,
        address_is_bad: false,
        reply_code: None,
        status: None,
        status_explanation: None,
        diagnostic: None,
        remote_mta: None,
        last_attempt: None,
        reason,
        reason_explanation: reason.explanation().to_string(),
        advice: reason.advice().to_string(),
        blocklist: None,
        auth: None,
    }
}

fn feedback_report(
    part: &str,
    top: &mime::Headers<'_>,
    original: Option<OriginalMessage>,
) -> BounceReport {
    let h = mime::headers(part);
    let info = FeedbackInfo {
        feedback_type: h.value("feedback-type").map(|v| v.to_ascii_lowercase()),
        user_agent: h.value("user-agent"),
        source_ip: h.value("source-ip"),
        reported_domain: h.value("reported-domain"),
        original_mail_from: h.value("original-mail-from"),
        arrival_date: h.value("arrival-date").or_else(|| h.value("received-date")),
    };
    let orig = original.as_ref().map(|o| mime::headers(&o.text));
    let mut rcpts: Vec<String> = h
        .fields
        .iter()
        .filter(|f| f.name.eq_ignore_ascii_case("original-rcpt-to"))
        .filter_map(|f| first_address(&f.value()))
        .take(MAX_RECIPIENTS)
        .collect();
    if rcpts.is_empty() {
        rcpts.extend(
            orig.as_ref()
                .and_then(|o| o.value("to"))
                .and_then(|v| first_address(&v))
                .or_else(|| h.value("removal-recipient").and_then(|v| first_address(&v)))
                .or_else(|| top.value("to").and_then(|v| first_address(&v))),
        );
    }
    let recipients: Vec<BouncedRecipient> = rcpts
        .into_iter()
        .map(|a| simple_recipient(a, Reason::Feedback))
        .collect();
    let kind_word = info.feedback_type.clone().unwrap_or_else(|| "abuse".into());
    let summary = format!(
        "A feedback report ({kind_word}), not a bounce: a mailbox provider forwards a recipient's complaint{}. The message was delivered; the recipient marked it as spam or reported it.",
        recipients
            .first()
            .map(|r| format!(" about mail to {}", r.address))
            .unwrap_or_default()
    );
    let mut report = BounceReport {
        kind: BounceKind::Feedback,
        format: Some("arf".into()),
        summary,
        refused_by: RefusedBy::Unknown,
        reporting_mta: None,
        recipients,
        feedback: Some(info),
        case_facts: CaseFacts::default(),
        original,
    };
    report.case_facts = case_facts(top, &report, None);
    report
}

fn auto_reply_report(
    top: &mime::Headers<'_>,
    from: &str,
    subject: &str,
    original: Option<OriginalMessage>,
) -> BounceReport {
    let recipients: Vec<BouncedRecipient> = first_address(from)
        .into_iter()
        .map(|a| simple_recipient(a, Reason::Vacation))
        .collect();
    let mut report = BounceReport {
        kind: BounceKind::AutoReply,
        format: Some("rfc3834".into()),
        summary: format!(
            "An automatic reply (\"{}\"), not a bounce: the message was delivered and the recipient's mailbox answered by itself, usually because they are away.",
            clip(subject, 120)
        ),
        refused_by: RefusedBy::Unknown,
        reporting_mta: None,
        recipients,
        feedback: None,
        case_facts: CaseFacts::default(),
        original,
    };
    report.case_facts = case_facts(top, &report, None);
    report
}

fn not_bounce(top: &mime::Headers<'_>, original: Option<OriginalMessage>) -> BounceReport {
    let mut report = BounceReport {
        kind: BounceKind::NotBounce,
        format: None,
        summary: "Not a bounce: this reads as an ordinary message (no delivery report, complaint or automatic reply found).".into(),
        refused_by: RefusedBy::Unknown,
        reporting_mta: None,
        recipients: Vec::new(),
        feedback: None,
        case_facts: CaseFacts::default(),
        original,
    };
    report.case_facts = case_facts(top, &report, None);
    report
}

#[allow(clippy::too_many_arguments)]
fn build_report(
    top: &mime::Headers<'_>,
    format: Option<String>,
    reporting_mta: Option<String>,
    arrival: Option<String>,
    recipients: Vec<BouncedRecipient>,
    original: Option<OriginalMessage>,
    pasted_error: bool,
    subject: &str,
) -> BounceReport {
    let subject_l = subject.to_ascii_lowercase();
    let all_delivered =
        !recipients.is_empty() && recipients.iter().all(|r| r.reason == Reason::Delivered);
    let any_delayed = recipients
        .iter()
        .any(|r| r.action.as_deref() == Some("delayed"));
    let none_hard = recipients.iter().all(|r| !r.hard);
    let kind = if all_delivered {
        BounceKind::NotBounce
    } else if !recipients.is_empty()
        && none_hard
        && (any_delayed || subject_l.contains("delay") || subject_l.contains("warning"))
    {
        BounceKind::Delay
    } else {
        BounceKind::Bounce
    };
    let refused_by = if pasted_error {
        RefusedBy::SenderServerAtSend
    } else if recipients
        .iter()
        .any(|r| r.remote_mta.is_some() || r.reply_code.is_some())
    {
        RefusedBy::RemoteServer
    } else if recipients.iter().any(|r| {
        matches!(
            r.reason,
            Reason::Expired | Reason::Networkerror | Reason::Hostunknown
        )
    }) {
        RefusedBy::SenderServer
    } else {
        RefusedBy::Unknown
    };
    let summary = summarize(kind, refused_by, &recipients);
    let mut report = BounceReport {
        kind,
        format,
        summary,
        refused_by,
        reporting_mta,
        recipients,
        feedback: None,
        case_facts: CaseFacts::default(),
        original,
    };
    report.case_facts = case_facts(top, &report, arrival);
    report
}

fn summarize(kind: BounceKind, by: RefusedBy, recipients: &[BouncedRecipient]) -> String {
    let mut s = String::new();
    s.push_str(match kind {
        BounceKind::Bounce => "A bounce: delivery failed",
        BounceKind::Delay => "A delay notice: delivery has not worked yet; the sending server will keep trying, nothing needs resending yet",
        _ => "A delivery report: the message was delivered",
    });
    match recipients {
        [] => s.push_str(", but the report does not say for which address."),
        [r] => {
            s.push_str(&format!(" for {}", r.address));
            let code: Vec<String> = r
                .reply_code
                .map(|c| c.to_string())
                .into_iter()
                .chain(r.status.clone())
                .collect();
            if !code.is_empty() {
                s.push_str(&format!(" ({})", code.join(" ")));
            }
            s.push_str(&format!(". {}", r.reason.explanation()));
        }
        many => {
            s.push_str(&format!(" for {} recipients.", many.len()));
        }
    }
    match by {
        RefusedBy::SenderServerAtSend => s.push_str(
            " The sender's own outgoing server refused while sending: the message never left.",
        ),
        RefusedBy::RemoteServer if kind == BounceKind::Bounce => {
            s.push_str(" The recipient's server refused it; the sender's server reported back.")
        }
        RefusedBy::SenderServer => {
            s.push_str(" The sending server gave up without an answer from the recipient's server.")
        }
        _ => {}
    }
    s
}

fn case_facts(
    top: &mime::Headers<'_>,
    report: &BounceReport,
    arrival: Option<String>,
) -> CaseFacts {
    let orig = report.original.as_ref().map(|o| mime::headers(&o.text));
    let og = |name: &str| {
        orig.as_ref()
            .and_then(|h| h.value(name))
            .filter(|v| !v.is_empty())
    };
    let sender = og("from")
        .or_else(|| match report.kind {
            BounceKind::Bounce | BounceKind::Delay => top.value("to"),
            _ => None,
        })
        .map(|v| clip(&v, 200).to_string());
    let recipients: Vec<String> = report
        .recipients
        .iter()
        .map(|r| r.address.clone())
        .collect();
    let date = top
        .value("date")
        .or(arrival)
        .or_else(|| og("date"))
        .map(|v| clip(&v, 100).to_string());
    let subject = og("subject")
        .or_else(|| top.value("subject"))
        .map(|v| clip(&v, 200).to_string());
    let message_id = og("message-id").map(|v| clip(&v, 200).to_string());
    let mut servers: Vec<String> = Vec::new();
    for s in report.reporting_mta.iter().chain(
        report
            .recipients
            .iter()
            .filter_map(|r| r.remote_mta.as_ref()),
    ) {
        if !servers.contains(s) && servers.len() < 10 {
            servers.push(clip(s, 200).to_string());
        }
    }
    let mut text = String::new();
    let mut line = |k: &str, v: &str| {
        if !v.is_empty() {
            text.push_str(k);
            text.push_str(": ");
            text.push_str(v);
            text.push('\n');
        }
    };
    line("Sender", sender.as_deref().unwrap_or(""));
    line("Recipients", &recipients.join(", "));
    line("Date", date.as_deref().unwrap_or(""));
    line("Subject", subject.as_deref().unwrap_or(""));
    line("Message-ID", message_id.as_deref().unwrap_or(""));
    line("Servers", &servers.join(", "));
    for r in &report.recipients {
        let mut v = r.reason.name().to_string();
        if let Some(c) = r.reply_code {
            v.push_str(&format!(" {c}"));
        }
        if let Some(s) = &r.status {
            v.push_str(&format!(" {s}"));
        }
        if let Some(d) = &r.diagnostic {
            v.push_str(&format!(": {}", clip(d, 300)));
        }
        line(&format!("Result for {}", r.address), &v);
    }
    CaseFacts {
        sender,
        recipients,
        date,
        subject,
        message_id,
        servers,
        text,
    }
}

/// An Amazon SES notification (JSON in the body): bounces become recipients; a complaint is a
/// feedback report, returned at once.
fn ses_notification(text: &str, raws: &mut Vec<Raw>) -> Option<BounceReport> {
    let kind = scan::json_str(text, "notificationType")?;
    if kind.eq_ignore_ascii_case("complaint") {
        let rcpt = scan::json_str(text, "complainedRecipients")
            .or_else(|| {
                let i = text.find("complainedRecipients")?;
                scan::json_str(text.get(i..)?, "emailAddress")
            })
            .map(str::to_ascii_lowercase);
        let recipients = rcpt
            .into_iter()
            .map(|a| simple_recipient(a, Reason::Feedback))
            .collect();
        return Some(BounceReport {
            kind: BounceKind::Feedback,
            format: Some("amazon_ses".into()),
            summary: "An Amazon SES complaint notification, not a bounce: a recipient marked the message as spam.".into(),
            refused_by: RefusedBy::Unknown,
            reporting_mta: None,
            recipients,
            feedback: Some(FeedbackInfo {
                feedback_type: scan::json_str(text, "complaintFeedbackType").map(str::to_string),
                ..FeedbackInfo::default()
            }),
            case_facts: CaseFacts::default(),
            original: None,
        });
    }
    let start = text
        .find("bouncedRecipients")
        .or_else(|| text.find("deliveredRecipients"))?;
    let mut rest = text.get(start..)?;
    let reporting = scan::json_str(text, "reportingMTA").map(typed_value);
    for _ in 0..MAX_RECIPIENTS {
        let Some(i) = rest.find("\"emailAddress\"") else {
            break;
        };
        rest = rest.get(i..)?;
        let obj_end = rest.find('}').unwrap_or(rest.len());
        let obj = rest.get(..obj_end)?;
        let Some(addr) = scan::json_str(obj, "emailAddress") else {
            break;
        };
        let diag = scan::json_str(obj, "diagnosticCode").unwrap_or("");
        let (dtype, dtext) = match diag.split_once(';') {
            Some((t, r)) if t.len() < 20 => (t.trim().to_ascii_uppercase(), r.trim().to_string()),
            _ => (String::new(), diag.to_string()),
        };
        raws.push(Raw {
            address: addr.to_ascii_lowercase(),
            action: scan::json_str(obj, "action").map(str::to_ascii_lowercase),
            status: scan::json_str(obj, "status").and_then(scan::status),
            diagnostic: dtext,
            diagnostic_type: dtype,
            remote_mta: reporting.clone(),
            ..Raw::default()
        });
        rest = rest.get(obj_end..)?;
    }
    None
}

/// Whether a message could be a bounce, a delay notice, a complaint or an auto-reply, judged
/// from its header fields alone: the full reading ([`analyze`]) is done only then, so ordinary
/// pastes do not pay for it. A paste with hardly any header fields (a pasted error text, a
/// bounce's body) always could. Generous on purpose: the corpus test checks that every bounce in
/// the Sisimai corpus and every fixture passes.
pub fn may_be_report<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> bool {
    const FROM: &[&str] = &[
        "daemon",
        "postmaster",
        "post_master",
        "mail deliver",
        "delivery",
        "mailer",
        "mail system",
        "mail administrator",
        "microsoftexchange",
        "system administrator",
        "returned",
        "root@",
        "admin",
        "notification",
        "bounce",
        "no-reply",
        "noreply",
        "abuse",
        "feedback",
        "auto",
        "mail server",
        "gateway",
        "smtp",
    ];
    const SUBJECT: &[&str] = &[
        "deliver",
        "return",
        "fail",
        "bounce",
        "notif",
        "warning",
        "delay",
        "undeliv",
        "reject",
        "not be",
        "could not",
        "unable",
        "error",
        "problem",
        "auto",
        "reply",
        "out of office",
        "away",
        "vacation",
        "absence",
        "abwesen",
        "complaint",
        "abuse",
        "report",
        "dsn",
        "ndr",
        "status",
        "mail system",
        "unknown",
        "blocked",
        "spam",
        "message",
        "mail",
    ];
    let mut count = 0usize;
    for (name, value) in fields {
        count += 1;
        let has = |list: &[&str]| {
            let v = value.to_ascii_lowercase();
            list.iter().any(|m| v.contains(m))
        };
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        let hit = if is("from") || is("sender") || is("return-path") {
            value.contains("<>") || has(FROM)
        } else if is("subject") {
            has(SUBJECT)
        } else if is("content-type") {
            has(&["report", "delivery-status"])
        } else if is("auto-submitted") {
            !value.trim().eq_ignore_ascii_case("no")
        } else {
            const MARKS: &[&str] = &[
                "x-failed-recipients",
                "feedback-type",
                "x-ses-outgoing",
                "x-mailer-daemon-error",
                "diagnostic-code",
                "final-recipient",
                "action",
                "status",
            ];
            const PREFIXES: &[&str] = &["x-autore", "x-amazon", "x-postfix-queue"];
            MARKS.iter().any(|m| is(m))
                || PREFIXES.iter().any(|p| {
                    name.len() >= p.len()
                        && name.is_char_boundary(p.len())
                        && name[..p.len()].eq_ignore_ascii_case(p)
                })
        };
        if hit {
            return true;
        }
    }
    count < 3
}
