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
//!
//! [`analyze`] reads the MIME parts by role and hands each kind of report to its reader:
//! `feedback` (RFC 5965), `autoreply` (RFC 3834), `dsn` (RFC 3464), `ses` (Amazon SES's JSON) and
//! `sendgrid` (SendGrid's Event Webhook JSON), `sparkpost`, `mailgun`, `brevo`, `mandrill`,
//! `postmark`, `mailjet`, `mailchannels` and `zeptomail` (those services' event, message and
//! bounce records),
//! `plain` and `recipients` for plain-text bounces; `original` finds the returned message,
//! `result` gives each recipient its reading (with `provider`, the receiving providers' own codes
//! first, then `reason`, `lists` and `scan`), and `report`
//! the kind, the summary and the case facts. `screen` decides beforehand whether a paste could
//! be a report at all; `mime` reads the message structure.

mod autoreply;
mod brevo;
mod challenge;
mod dsn;
mod exchange_tracking;
mod exim_log;
mod feedback;
mod held;
mod hmail_log;
mod kerio_log;
pub mod lists;
mod mailchannels;
mod mailgun;
mod mailjet;
mod mandrill;
mod mdn;
pub mod mime;
mod original;
mod plain;
pub(crate) mod postfix_log;
mod postfix_queue;
mod postmark;
pub mod provider;
pub mod reason;
mod recipients;
mod report;
mod result;
mod scan;
mod screen;
mod sendgrid;
mod sendmail_log;
mod ses;
mod sparkpost;
mod webhook;
mod zeptomail;

pub use lists::Blocklist;
pub use reason::Reason;
pub use scan::is_exchange_recipient;
pub use screen::{is_report_field, may_be_report};

/// The format of an automatic reply told by its absence words alone (`autoreply::absence_text`),
/// with no header field that marks it.
pub const ABSENCE_TEXT: &str = "absence-text";

/// The fields of an RFC 3464 delivery status report (section 2.2, per message; section 2.3,
/// per recipient), lowercase.
pub const DSN_FIELDS: [&str; 14] = [
    "reporting-mta",
    "dsn-gateway",
    "received-from-mta",
    "arrival-date",
    "original-envelope-id",
    "original-recipient",
    "final-recipient",
    "action",
    "status",
    "remote-mta",
    "diagnostic-code",
    "last-attempt-date",
    "final-log-id",
    "will-retry-until",
];

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
    /// Auth-Failure of an authentication failure report (RFC 6591 section 3.1: adsp, bodyhash,
    /// revoked, signature, spf; RFC 7489 section 7.3 adds dmarc), lowercase.
    pub auth_failure: Option<String>,
    /// Delivery-Result of an authentication failure report (RFC 6591 section 3.1: delivered,
    /// spam, policy, reject, other), lowercase: what the receiver did with the message.
    pub delivery_result: Option<String>,
}

impl FeedbackInfo {
    /// Whether the report is an authentication failure report (RFC 6591, Feedback-Type
    /// `auth-failure`; DMARC's failure reports, RFC 7489 section 7.3): a receiver's report that
    /// the message failed a check, not a recipient's complaint.
    pub fn auth_failure_report(&self) -> bool {
        self.feedback_type.as_deref() == Some("auth-failure")
    }
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
    /// The address the sending service's own record says it sent the message from, when it
    /// names one (SendGrid's event `ip`): the server that talked to the refusing server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_from_ip: Option<String>,
    /// The address of the client the notice's writer says it received the message from
    /// (Sendmail's "The original message was received at ... from NAME [IP]"): on the
    /// recipient's side, the server that handed the message over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_from_ip: Option<String>,
    /// The address the notice itself came from (its From), lowercase: whose system wrote it
    /// (a postmaster of the failed recipient's own domain writes for the receiving side).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_from: Option<String>,
    /// The paste is the sending side's own record of the attempt (Postfix's or Exim's delivery
    /// records, a sending service's event: its webhook, notification or events-API JSON), not
    /// a notice that came back: the refusal as the sending side saw it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_log: bool,
}

/// Whether a recipient's refusal may be the reporting server's own rather than a remote
/// server's: it has a reply code, the report names its reporting server, and no remote server
/// is named. RFC 3464 section 2.3.5: a report names the Remote-MTA of every attempt to relay
/// to a remote server (and the reader takes any host the words name), so a refusal naming
/// none was not a remote server's. With a policy reason it is the sender organization's own
/// policy (Exchange Online's 5.7.520 and 5.7.703): the bounce summary and the diagnosis both
/// read it so. A permanent status code (RFC 3464 section 2.3.4) stands for the reply code
/// when the reporting server wrote its own words without one: Google Workspace's "Message
/// blocked" for the sender's organization's own compliance rule gives the rule's text with
/// Status 5.7.0 and no Remote-MTA (Google Workspace Admin Help, "Message bounced due to a
/// policy rule": a user who sends a message that violates a rule gets the rule's message).
/// Never when the status's subject is the address (X.1.XXX) or the mailbox (X.2.XXX): RFC 3463
/// section 3 says those are about the destination ("mailbox issues are assumed to be under the
/// general control of the recipient"), so the refusal came from the recipient's side even when
/// the report does not name its server (Amazon SES's "550 5.2.1 ... User Unknown"). Nor when,
/// without such a status, the words say it of the mailbox ("Local mailbox <address> is
/// unavailable: user not found", as Exchange quotes a remote reply without naming the remote
/// server).
pub fn refused_by_reporter(reporting_mta: Option<&str>, r: &BouncedRecipient) -> bool {
    let destination = r
        .status
        .as_deref()
        .and_then(|s| s.split('.').nth(1))
        .is_some_and(|subject| matches!(subject, "1" | "2"))
        || r.diagnostic
            .as_deref()
            .is_some_and(|d| reason::names_mailbox_state(&d.to_ascii_lowercase()));
    reporting_mta.is_some()
        && r.remote_mta.is_none()
        && !destination
        && (r.reply_code.is_some() || r.status.as_deref().is_some_and(|s| s.starts_with("5.")))
}

/// Whether the text holds a challenge-response request's own sentence (`challenge::HELD`).
pub fn challenge_words(text: &str) -> bool {
    challenge::held_words(&text.to_ascii_lowercase())
}

/// Whether text pasted above a header can be a report's own words (`scan::may_be_report_words`).
pub fn may_be_report_words(text: &str) -> bool {
    scan::may_be_report_words(text)
}

/// Words with which a notification that returns a message says it failed to reach an address
/// (lowercase): the recipient heads of `scan::blocks` that only a failure writes.
const RETURNED_FAILURE_WORDS: &[&str] = &[
    // "could not be delivered to" and "... could not be delivered." (Seznam's bilingual
    // notice: "You message for <address> from DATE could not be delivered. It's attached
    // below.").
    "could not be delivered",
    "was not delivered to",
    "failed to deliver to",
    "delivery has failed to these recipients",
    "did not reach the following recipient",
    // Yahoo's (and AOL's) "Failure Notice": "Sorry, we were unable to deliver your message to
    // the following address." above "<address>:", the reason and "--- Below this line is a
    // copy of the message." (qmail's layout; Sisimai's Yahoo reader starts at these words),
    // as the web mail shows it without its header.
    "unable to deliver your message to the following address",
    // Gmail's notices as its web view and a reply quote them ("Message blocked: Your message to
    // <address> has been blocked.", "Address not found: Your message wasn't delivered to
    // <address> because ...", "You have reached a limit for sending mail. Your message was not
    // sent."), above their "----- Original message -----" (Google's help on messages returned
    // as undeliverable, support.google.com/mail/answer/6596).
    "has been blocked",
    "wasn't delivered to",
    "your message was not sent",
    // MDaemon's notice, with the message attached: "The attached message had PERMANENT fatal
    // delivery errors!" (its temporary one: "had TEMPORARY non-fatal delivery errors").
    "permanent fatal delivery errors",
    "temporary non-fatal delivery errors",
    // SmarterMail's notice from its System Administrator: "Could not deliver message to the
    // following recipient(s):" above "Failed Recipient: <address>" and "Reason: ..." (hosting
    // providers' help pages on SmarterMail's delivery failure messages,
    // support.rackteam.com/kb/a136, kb.indsoft.net/kb/a70), then the returned message's header
    // and first lines.
    "could not deliver message to the following recipient",
];

/// A sending service's records read by their own keys: the format's name, whether the text
/// holds them, and the reader (it adds the recipients and returns the address the service
/// says it sent from, when it names one). Tried in this order.
type ServiceReader = (
    &'static str,
    fn(&str) -> bool,
    fn(&str, &mut Vec<recipients::Raw>) -> Option<String>,
);
const SERVICE_RECORDS: [ServiceReader; 15] = [
    (
        "exchange_tracking",
        exchange_tracking::is_records,
        exchange_tracking::records_into,
    ),
    ("exim_log", exim_log::is_records, exim_log::records),
    ("kerio_log", kerio_log::is_records, kerio_log::records),
    ("hmail_log", hmail_log::is_records, hmail_log::records),
    (
        "postfix_queue",
        postfix_queue::is_records,
        postfix_queue::records,
    ),
    ("postfix_log", postfix_log::is_records, postfix_log::records),
    (
        "sendmail_log",
        sendmail_log::is_records,
        sendmail_log::records,
    ),
    ("sparkpost", sparkpost::is_events, sparkpost::events),
    ("mailgun", mailgun::is_events, mailgun::events),
    ("brevo", brevo::is_events, brevo::events),
    ("mandrill", mandrill::is_record, mandrill::record),
    ("postmark", postmark::is_records, postmark::records),
    ("mailjet", mailjet::is_events, mailjet::events),
    (
        "mailchannels",
        mailchannels::is_events,
        mailchannels::events,
    ),
    ("zeptomail", zeptomail::is_events, zeptomail::events),
];

/// Whether a report's format is a sending server's or service's own record of its delivery
/// attempt (a log, a message trace, a webhook event: SendGrid's, Amazon SES's and the others
/// this reader knows), not a notice that came back.
pub fn service_format(format: &str) -> bool {
    matches!(format, "sendgrid" | "amazon_ses")
        || SERVICE_RECORDS.iter().any(|(n, _, _)| *n == format)
}

/// The sending services among [`service_format`]'s (not the mail servers' logs): their events
/// state a result in their own words where no server's reply is quoted.
const SENDING_SERVICES: [&str; 10] = [
    "sendgrid",
    "amazon_ses",
    "sparkpost",
    "mailgun",
    "brevo",
    "mandrill",
    "postmark",
    "mailjet",
    "mailchannels",
    "zeptomail",
];

/// Whether `words` of a report in `format` are a sending service's own, not a server's reply:
/// the report is a service's event ([`SENDING_SERVICES`]) and no SMTP reply code leads them.
pub fn service_own_words(format: &str, words: &str) -> bool {
    SENDING_SERVICES.contains(&format)
        && (scan::reply_code(words).is_none()
            || words
                .split_once(SERVICE_DID_NOT_SEND)
                .is_some_and(|(service, _)| service.split_whitespace().count() <= 2))
}

/// How a sending service's own refusal to send opens its words after the service's name
/// ("MailChannels did not send the message: ..."), whatever reply code follows.
pub(crate) const SERVICE_DID_NOT_SEND: &str = "did not send the message:";

/// Analyzes a bounce, delay notice, feedback report, automatic reply or any message. Never
/// fails: ordinary mail gives `kind: not_bounce`.
pub fn analyze(input: &[u8]) -> BounceReport {
    analyze_at(input, true)
}

/// Where a JSON text starts in `text`: the first line whose first non-blank character opens
/// an object or an array (RFC 8259 section 2).
fn json_text_start(text: &str) -> Option<usize> {
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if matches!(trimmed.as_bytes().first(), Some(b'{' | b'[')) {
            return Some(pos + (line.len() - trimmed.len()));
        }
        pos += line.len();
    }
    None
}

/// [`analyze`]; `outer` is false for a report enclosed in another (read once, not deeper).
/// Log records hard-wrapped onto the lines below them are joined first
/// (`scan::rejoin_log_records`); the returned message's line is then counted in the input's
/// own lines again.
fn analyze_at(input: &[u8], outer: bool) -> BounceReport {
    let (text, lines) = scan::rejoin_log_records(mime::normalize(input));
    let mut report = analyze_text(text, outer);
    if let (Some(lines), Some(o)) = (lines, report.original.as_mut()) {
        o.line = o
            .line
            .checked_sub(1)
            .and_then(|i| lines.get(i))
            .copied()
            .unwrap_or(o.line);
    }
    report
}

/// [`analyze_at`] on the text, its line ends made LF.
fn analyze_text(text: String, outer: bool) -> BounceReport {
    let top = mime::headers(&text);
    // A paste whose first line reads as a header field but runs past RFC 5322's 998 characters
    // on one line (section 2.1.1), with nothing after it, is no header: a ticket form that
    // joined the customer's text and the notice onto one line ("Subject: ... Message: Hi,
    // ... Mail delivery failed: ..."). It is read as text.
    if let [only] = top.fields.as_slice()
        && only.raw.len() > 998
        && !only.raw.trim_end().contains('\n')
        && text.get(top.body..).is_none_or(|b| b.trim().is_empty())
    {
        return analyze_text(format!("\n{text}"), outer);
    }
    let mut parts = Vec::new();
    let mut report_type = String::new();
    mime::walk(&text, 0, &mut parts, &mut report_type);

    let from = top.value("from").unwrap_or_default();
    let to = top.value("to").unwrap_or_default();
    // Read decoded (RFC 2047): a subject in another script is written as encoded words.
    let subject = top
        .value("subject")
        .map(|s| crate::parse::rfc2047::decode(crate::vocab::text::clip(&s, 4096), None))
        .unwrap_or_default();
    let subject_l = subject.to_ascii_lowercase();
    let from_l = from.to_ascii_lowercase();
    // A block of Content-* fields only is a body part's header (RFC 2046 section 5.1.1: a
    // body part's header fields are those whose names begin with "Content-"), as a customer
    // copies a forward's source from its text part on: no message's header.
    let has_headers = top.fields.len() >= 2
        && !top
            .fields
            .iter()
            .all(|f| f.name.to_ascii_lowercase().starts_with("content-"));

    // The parts by role.
    let mut dsn: Option<&str> = None;
    let mut feedback: Option<&str> = None;
    let mut disposition: Option<&str> = None;
    let mut original: Option<OriginalMessage> = None;
    let mut body = plain::Body::default();
    for p in &parts {
        match p.ctype.as_str() {
            "message/delivery-status" | "message/global-delivery-status" => {
                dsn.get_or_insert(&p.text);
            }
            "message/feedback-report" => {
                feedback.get_or_insert(&p.text);
            }
            "message/disposition-notification" | "message/global-disposition-notification" => {
                disposition.get_or_insert(&p.text);
            }
            t if original::is_returned(t) => {
                if original.is_none() {
                    original = Some(original::from_part(&text, p));
                }
            }
            t if t.starts_with("text/") => body.add(p),
            _ => {}
        }
    }
    // A returned message pasted inline in the text.
    let bounce_text = original::split_inline(&text, &body.text, body.offset, &mut original);
    let lower = bounce_text.to_ascii_lowercase();

    // Feedback reports.
    if report_type == "feedback-report" || feedback.is_some() {
        return feedback::report(feedback.unwrap_or(""), &top, original, bounce_text);
    }
    // An XARF abuse report about e-mail: its JSON part, as a part of its own
    // (application/json) or the whole text.
    if let Some(report) = parts
        .iter()
        .filter(|p| p.ctype == "application/json")
        .find_map(|p| feedback::xarf(&p.text, &top, original.clone()))
    {
        return report;
    }
    if held::is_hold_notice(&subject_l, &lower) {
        return held::hold_notice(bounce_text, &subject, &top, original);
    }
    if held::is_reject_notice(&lower, original.is_some()) {
        return held::reject_notice(bounce_text, &from, &top, original);
    }
    // The notice forwarded or quoted under a mail program's labels in another language ("> Emne:
    // Your message to LIST awaits moderator approval"): its subject is the sentence that says
    // so, read with the text's line breaks and quote marks as spaces (a quote rewrapped by the
    // mail program).
    if lower.contains("moderator") {
        let flat = mime::squeeze(&bounce_text.replace("\n>", "\n"), 64 * 1024);
        if let Some(subject) = held::subject_sentence(&flat)
            && held::is_hold_notice(&subject.to_ascii_lowercase(), &flat.to_ascii_lowercase())
        {
            return held::hold_notice(bounce_text, subject, &top, original);
        }
    }
    // A challenge-response filter's request (before the automatic replies: TMDA marks its
    // request auto-replied).
    if dsn.is_none() && challenge::is_request(&top, &subject_l, &lower) {
        return challenge::report(bounce_text, &top, &from, original);
    }
    if feedback::is_spamcop(&from_l, &text) {
        return feedback::spamcop(&lower, &top, original);
    }
    // Not the desk's own automatic acknowledgement of a report (RFC 3834: marked automatic).
    if dsn.is_none()
        && !autoreply::marked(&top, &subject_l)
        && let Some(r) = feedback::abuse_desk(&text, &lower, &top, &original)
    {
        return r;
    }
    // Read receipts (RFC 8098 message disposition notifications; RFC 6533 section 6 for the
    // internationalized part).
    if dsn.is_none() && (report_type == "disposition-notification" || disposition.is_some()) {
        return mdn::report(disposition.unwrap_or(""), &top, bounce_text, original);
    }
    // Outlook's read receipt as the mail program shows it, without its report part.
    if dsn.is_none() && mdn::shown_receipt(&lower) {
        return mdn::shown(bounce_text, &top, original);
    }
    // A disposition notification's fields shown as text (Thunderbird's view of the report).
    if dsn.is_none() && mdn::shown_fields(&lower) {
        return mdn::report(bounce_text, &top, bounce_text, original);
    }
    // A provider's spam-complaint webhook event, pasted as JSON (RFC 8259 section 2: a JSON
    // text starts with `{` or `[`): from the first line that starts one, so that what the
    // customer put around it (a line of their own, a code fence, a table's head) does not hide
    // it; the event is recognised by its own keys only.
    if dsn.is_none()
        && let Some(start) = json_text_start(&text)
        && let Some(r) = webhook::complaint(&text[start..])
    {
        return r;
    }
    // Mailjet's and MailChannels' complaint events, also among other events or after a log
    // line's own timestamp: recognised by each event object's own keys.
    if dsn.is_none()
        && let Some(r) = webhook::service_complaint(&text)
    {
        return r;
    }
    // Postmark's record of an automatic reply to the message (its AutoResponder type).
    if dsn.is_none()
        && let Some(r) = postmark::auto_reply(&text)
    {
        return r;
    }

    // Exchange's "Relayed:" notice: the message was handed to the destination, which sends no
    // delivery receipts (`plain::exchange_relayed`): a delivery report, each address it lists
    // delivered (relayed).
    if dsn.is_none()
        && let Some(list) = plain::exchange_relayed(bounce_text)
    {
        let list = list.split("\nSubject:").next().unwrap_or(list);
        let mut recipients: Vec<BouncedRecipient> = Vec::new();
        for (s, e) in scan::addresses(list) {
            let a = list[s..e].to_ascii_lowercase();
            if !recipients.iter().any(|r| r.address == a) && recipients.len() < MAX_RECIPIENTS {
                let mut r = result::simple_recipient(a, Reason::Delivered);
                r.action = Some("relayed".into());
                recipients.push(r);
            }
        }
        return report::delivered(
            &top,
            BounceKind::NotBounce,
            Some("exchange-relayed".into()),
            "A delivery report: the message was handed to the recipient's server, which sends no delivery receipts (so Exchange reports it as relayed, not as delivered); nothing failed.".into(),
            recipients,
            original,
        );
    }

    // Automatic replies.
    // The notice's own sender: the first address of its From.
    let from_address = scan::addresses(&from)
        .first()
        .and_then(|&(s, e)| from.get(s..e));
    let from_daemon = from_address.is_some_and(scan::is_daemon)
        || from_l.contains("mail delivery")
        || from_l.contains("mailer-daemon");
    // An NDR marks itself as an automatic response too (Exchange: "Auto-Submitted:
    // auto-replied" from its "Microsoft Outlook" system mailbox): one that says it is an NDR
    // (Exchange's X-MS-Exchange-Message-Is-Ndr field) or is written in a mail server's own
    // report wording (`plain::mta_preamble`) is read as the report it is.
    // So does MDaemon's ("Auto-Submitted: auto-replied" on its "Permanent Delivery Failure"),
    // whose own words say the attached message failed ("The attached message had PERMANENT
    // fatal delivery errors!", its temporary one "TEMPORARY non-fatal"; see
    // `RETURNED_FAILURE_WORDS`): words no person's automatic reply writes.
    let ndr = top.get("x-ms-exchange-message-is-ndr").is_some()
        || plain::mta_preamble(&lower)
        || (original.is_some()
            && [
                "permanent fatal delivery errors",
                "temporary non-fatal delivery errors",
            ]
            .iter()
            .any(|w| lower.contains(w)));
    if dsn.is_none() && !from_daemon && !ndr && report_type != "delivery-status" {
        let marked = autoreply::marked(&top, &subject_l);
        let helpdesk = autoreply::acknowledgement(&top, &lower);
        if marked || helpdesk {
            return autoreply::report(&top, &from, &subject, original, !marked, helpdesk);
        }
    }

    // Delivery status notifications, and DSN fields pasted as text.
    let mut raws: Vec<recipients::Raw> = Vec::new();
    let mut reporting_mta = None;
    let mut format = None;
    let mut arrival = None;
    let dsn_text: Option<&str> = dsn.or_else(|| {
        let l = lower.as_str();
        // Not the fields of a report a service's JSON record quotes in one of its strings
        // (Postmark's "Content": "...\nFinal-Recipient: ...", or the string's first field:
        // "Content": "Final-Recipient: ..."): that record is read by its keys.
        let field = l
            .match_indices("final-recipient:")
            .any(|(i, _)| !l[..i].ends_with("\\n") && !l[..i].ends_with('"'));
        (field && l.contains("status:")).then_some(bounce_text)
    });
    // An Amazon SES notification, in a message's body or pasted alone (a JSON text starts
    // with `{`, RFC 8259 section 2, and is no header field even when its first line reads as one).
    let ses_text = if lower.contains("notificationtype") || lower.contains("eventtype") {
        Some(bounce_text)
    } else {
        text.trim_start().starts_with('{').then_some(text.as_str())
    };
    if dsn_text.is_none()
        && let Some(json) = ses_text
    {
        let unescaped = json.replace("\\\"", "\"");
        if let Some(r) = ses::notification(&unescaped, &mut raws) {
            return r;
        }
        if !raws.is_empty() {
            format = Some("amazon_ses".to_string());
        }
    }
    // SendGrid Event Webhook events pasted from an application's logs.
    let mut sent_from_ip = None;
    let events_text = if sendgrid::is_events(bounce_text) {
        Some(bounce_text)
    } else {
        sendgrid::is_events(&text).then_some(text.as_str())
    };
    if dsn_text.is_none()
        && raws.is_empty()
        && let Some(events) = events_text
    {
        if let Some(r) = sendgrid::spam_report(events) {
            return r;
        }
        sent_from_ip = sendgrid::events(events, &mut raws);
        if !raws.is_empty() {
            format = Some("sendgrid".to_string());
        }
    }
    // SparkPost's, Mailgun's and Brevo's events, a Mandrill message record, Postmark's bounce
    // records, likewise.
    if dsn_text.is_none() && raws.is_empty() {
        for (name, is, read) in SERVICE_RECORDS {
            if is(&text) {
                sent_from_ip = read(&text, &mut raws);
                if !raws.is_empty() {
                    format = Some(name.to_string());
                    break;
                }
            }
        }
    }
    if let Some(d) = dsn_text {
        dsn::read(d, &mut raws, &mut reporting_mta, &mut arrival);
        if dsn.is_some() {
            format = plain::format_of(&lower).or_else(|| Some("rfc3464".to_string()));
        }
    }

    // An Exchange NDR's generating server is the reporting server when a remote server's
    // reply is quoted ("Remote Server returned '...'"): it relayed the message on. Without
    // one, the generating server may be the recipient organization's own (its own refusal).
    if reporting_mta.is_none() {
        reporting_mta = plain::qmail_reporter(&lower).or_else(|| {
            lower
                .contains("remote server returned")
                .then(|| plain::exchange_generating_server(&text))
                .flatten()
        });
    }
    let preamble = !has_headers && plain::mta_preamble(&lower);
    let exchange = plain::exchange_diagnostic(&lower);
    // A message that returns another one (a message/rfc822 part, RFC 3461 section 4.3's
    // returned content) and says in its own words that it could not be delivered to an address
    // is a non-delivery notification (RFC 5321 section 6.1: one "MUST be sent to the
    // originator"), whoever signs it and in whatever language its subject is: KDDI's au one net
    // writes "Could not be delivered to: <address>" under a Japanese subject, from no-reply@.
    // So is one that says so and that it returns the message in its text ("It's attached
    // below", its "Original message" part); and neither is ever a mail program's own error
    // shown while sending (that one attaches nothing).
    let failure_words = RETURNED_FAILURE_WORDS.iter().any(|w| lower.contains(w));
    let returns_message = failure_words
        && (original.is_some()
            || ["attached below", "original message", "the attached message"]
                .iter()
                .any(|w| lower.contains(w)));
    let bounced_log = !has_headers && plain::postfix_bounced_log(&lower);
    // A notice as a web mail shows it, without its header: the sender's name and address on a
    // line of their own above it ("Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
    // Gmail's web view), the address a mail server's own (RFC 5321 section 4.5.5's null
    // reverse path is replaced by such an address in the notice's From).
    // The web view may show the date on the same line, right of the address ("Mail Delivery
    // Subsystem <mailer-daemon@googlemail.com>  Mon, May 11, 3:41 PM").
    // Exchange's notices come from its system mailbox, shown as "Microsoft Outlook
    // <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@domain>" ([`scan::is_exchange_recipient`]),
    // in every language the notice is written in; that mailbox receives no mail, so it names
    // the notice's sender also under a mail program's label in any language ("Od:", "差出人:",
    // the From line of a forwarded or printed message), which may read as a header field of
    // its own when the paste starts with it (but a header with its own From field is the
    // message itself, read by its fields).
    let labelled = !has_headers || top.get("from").is_none();
    // The address of a line that shows a sender: "Name <address>", alone on the line or with
    // the date right of it, and whether a label ends before it.
    let shown = |line: &str| -> Option<(String, bool)> {
        let line = line.trim();
        let lt = line.find('<')?;
        let gt = line[lt..].find('>').map(|g| lt + g)?;
        let a = line.get(lt + 1..gt).filter(|a| a.contains('@'))?;
        (gt + 1 == line.len() || line[gt + 1..].starts_with([' ', '\t']))
            .then(|| (a.to_string(), line[..lt].contains(':')))
    };
    let shown_senders: Vec<(String, bool)> = lower.lines().take(20).filter_map(shown).collect();
    let from_exchange = from_address.is_some_and(scan::is_exchange_recipient)
        || (labelled
            && (shown_senders
                .iter()
                .any(|(a, _)| scan::is_exchange_recipient(a))
                || top.fields.iter().any(|f| {
                    scan::addresses(f.raw)
                        .iter()
                        .any(|&(s, e)| f.raw.get(s..e).is_some_and(scan::is_exchange_recipient))
                })));
    let shown_daemon = (labelled && from_exchange)
        || (!has_headers
            && shown_senders
                .iter()
                .any(|(a, labelled)| !labelled && scan::is_daemon(a)));
    let bounce_like = !raws.is_empty()
        || shown_daemon
        || preamble
        || exchange
        || bounced_log
        || returns_message
        || from_daemon
        || top.get("x-failed-recipients").is_some()
        || plain::bounce_subject(&subject_l)
        || report_type == "delivery-status";
    // A sending service's event record is the service's report of its own delivery attempt
    // (the message left the customer's system), never a mail program's send error.
    let from_service = format.as_deref().is_some_and(service_format);
    // Nor is a text with a delivery status report's per-recipient fields (Final-Recipient and
    // Status, RFC 3464 section 2.3): the reporting server writes those, a mail program that
    // could not send shows no such report. Nor a message's header pasted under a line of the
    // customer's own: its Received fields (RFC 5321 section 4.4: each server that took the
    // message in adds one) show servers accepted it, which a refusal shown while sending never
    // has; any number in its Subject is no reply code.
    let traced = lower.lines().take(5_000).any(|l| {
        let l = l.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
        l.starts_with("received: from ") || l.starts_with("received: by ")
    });
    // Which sending server's log of deliveries the text is (Postfix's or Exim's), read once and
    // only when asked.
    let delivery_log = std::cell::OnceCell::new();
    let delivery_log = || {
        *delivery_log.get_or_init(|| {
            if postfix_log::is_deliveries(&text) {
                Some("postfix_log")
            } else if exim_log::is_deliveries(&text) {
                Some("exim_log")
            } else {
                None
            }
        })
    };
    let pasted_error = !has_headers
        && !traced
        && !preamble
        && dsn_text.is_none()
        && !shown_daemon
        && !from_service
        && !bounced_log
        && !returns_message
        // A sending server's log of deliveries (a first MX's refusal, then the delivery through
        // the next) is the server's record, no mail program's error.
        && delivery_log().is_none()
        && plain::looks_like_client_error(&lower);
    // A sending server's log of deliveries alone, when nothing in the paste reads as a report
    // or names a recipient: the receiving servers accepted the message (a delivery report).
    let mut bounce_like = bounce_like;
    if !bounce_like
        && !pasted_error
        && raws.is_empty()
        && dsn_text.is_none()
        && let Some(log) = delivery_log()
    {
        let ip = if log == "postfix_log" {
            postfix_log::records(&text, &mut raws)
        } else {
            exim_log::records(&text, &mut raws)
        };
        if !raws.is_empty() {
            format = Some(log.to_string());
            // Exim's records name the local address they went out from; Postfix's none.
            if log == "exim_log" {
                sent_from_ip = ip;
            }
        }
        bounce_like = !raws.is_empty();
    }
    if !bounce_like && !pasted_error {
        // An automatic reply shown without its header fields (no Auto-Submitted field, no
        // subject to read; at most a mail program's summary of a forward): its absence words.
        // Not a message's header with its trace (a person's reply read from its header and
        // body is analyzed as the message it is).
        if !traced
            && top.get("received").is_none()
            && dsn_text.is_none()
            && autoreply::absence_text(&lower)
        {
            return autoreply::report(&top, &from, &subject, original, true, false);
        }
        return report::not_bounce(&top, original);
    }
    if format.is_none() {
        format = plain::format_of(&lower);
    }

    // A report that names no recipient of its own but returns a delivery status notification
    // (multipart/report; report-type=delivery-status, RFC 6522 section 3 and RFC 3464) is that
    // report forwarded or re-wrapped by a gateway: the enclosed one is read instead.
    // Mailman's uncaught-bounce notice attaches whatever came back to the list's bounce
    // address, which may be no report at all (an automatic reply): it is read in any case.
    let uncaught = lower.contains("was received as a bounce, but either the bounce format");
    if outer
        && raws.is_empty()
        && let Some(o) = original.as_ref()
        && (uncaught
            || mime::headers(&o.text)
                .value("content-type")
                .is_some_and(|t| {
                    let t = t.to_ascii_lowercase();
                    t.contains("multipart/report") && t.contains("delivery-status")
                }))
        && top.get("x-failed-recipients").is_none()
        // Mailman 2's bounce action notice names the member it disabled ("Member: ADDRESS")
        // above the triggering bounce it attaches (templates/en/bounce.txt: "This is a Mailman
        // mailing list bounce action notice: List: ... Member: ... Action: ... Reason: ... The
        // triggering bounce notice is attached below."): the attached bounce is the report.
        // Mailman's "Uncaught bounce notification" (Mailman 3's list:admin:notice:unrecognized
        // template, Mailman 2's Bouncer: "The attached message was received as a bounce, but
        // either the bounce format was not recognized, or no member addresses could be
        // extracted from it.") attaches the bounce it could not read: that bounce is the report.
        && (scan::blocks(bounce_text, &[]).is_empty()
            || lower.contains("mailman mailing list bounce action notice")
            || uncaught)
    {
        let mut inner = analyze_at(o.text.as_bytes(), false);
        if !inner.recipients.is_empty() {
            // Its returned message's line, counted in this input.
            if let Some(m) = inner.original.as_mut() {
                m.line = (o.line + m.line).saturating_sub(1);
            }
            return inner;
        }
    }

    // The recipients: the DSN's, or those the text names; then each one's result.
    recipients::find(&mut raws, bounce_text, &top, &from, &to, original.as_ref());
    let phrase_text = scan::without_chatter(&lower);
    let program_words = plain::mail_program_words(bounce_text);
    let mut recipients: Vec<BouncedRecipient> = raws
        .into_iter()
        .map(|r| result::finish(r, bounce_text, &lower, &phrase_text, program_words))
        .collect();
    // A delay notice pasted with the success notice for the same recipient (a server that
    // sends one on NOTIFY=SUCCESS,DELAY, RFC 3461 section 4.1), whichever was pasted first and
    // wherever the second sits (after the first one's closing boundary, in its epilogue):
    // "delivered" is final and a delivered message is not retried (RFC 3464 section 2.3.3),
    // so the delivery is the last word on that address.
    let delayed = |r: &BouncedRecipient| !r.hard && r.action.as_deref() == Some("delayed");
    if recipients.iter().any(delayed) {
        let whole_lower = text.to_ascii_lowercase().replace("\r\n", "\n");
        for r in recipients.iter_mut() {
            if delayed(r) && result::delivered_record(&whole_lower, &r.address) {
                let mut d = result::simple_recipient(r.address.clone(), Reason::Delivered);
                d.action = Some("delivered".into());
                d.status = Some("2.0.0".into());
                d.remote_mta = r.remote_mta.take();
                *r = d;
            }
        }
    }
    recipients.dedup_by(|a, b| {
        a.address == b.address && a.reason == Reason::Delivered && b.reason == Reason::Delivered
    });
    let exchange_retrying = (exchange || from_exchange)
        && !recipients.is_empty()
        && recipients
            .iter()
            .all(|r| r.reply_code.is_some_and(|c| (400..500).contains(&c)));
    let mut report = report::build(
        &top,
        format,
        reporting_mta,
        arrival,
        recipients,
        original,
        pasted_error,
        &subject,
        // The notice says in its own words that the server keeps retrying (Postfix's delay
        // template "THIS IS A WARNING ONLY. YOU DO NOT NEED TO RESEND YOUR MESSAGE.", bounce(5);
        // OpenSMTPD, Sendmail): a delay notice even when the subject was not pasted.
        // Exchange quotes the reply that made it retry in its delay notice (a 4xx: "Remote
        // Server returned '451 4.4.0 ...'") and the final one in its failure (a 5xx, "550 4.4.7
        // QUEUE.Expired" when it gave up): with every reply code temporary its notice is a
        // delay in whatever language it is written.
        plain::exchange_delay(&lower) || result::says_temporary(&lower) || exchange_retrying,
    );
    report.sent_from_ip = sent_from_ip
        .or_else(|| plain::session_local_ip(bounce_text))
        .or_else(|| plain::smtpd_reject_client(bounce_text));
    report.received_from_ip = plain::sendmail_received_from(bounce_text);
    // The sending server's own log, pasted without a notice, or a sending service's event
    // record (the service's own account of its delivery attempt: the scenarios README's
    // `rejected`, "a sending service's ... record of the attempt"): what the sending side saw.
    let service_event = from_service
        && !matches!(
            report.format.as_deref(),
            Some("exim_log" | "postfix_log" | "postfix_queue")
        );
    report.from_log = service_event
        || (bounced_log || matches!(report.format.as_deref(), Some("exim_log" | "postfix_log")))
            && dsn.is_none()
            && !has_headers
            && !returns_message
            && !preamble
            && !shown_daemon
            && !traced;
    report.notice_from = from_address.map(str::to_ascii_lowercase);
    // The final notice may follow the delay notice's MIME parts (two notices pasted one after
    // the other: the second is after the first's closing boundary), so the whole text counts.
    if report.kind == BounceKind::Delay
        && (result::final_after_delay(&lower)
            || result::final_after_delay(&text.to_ascii_lowercase()))
    {
        report.kind = BounceKind::Bounce;
    }
    // A Postfix log record that deferred the recipient is a delay, not a refusal: Postfix keeps
    // the message queued (bounce(8)/defer(8)).
    if report.kind == BounceKind::Bounce && plain::postfix_deferred_log(&lower) {
        report.kind = BounceKind::Delay;
    }
    report
}
