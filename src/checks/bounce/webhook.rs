//! Spam-complaint events of e-mail service providers' webhooks, pasted as the JSON the
//! application received: not bounces, the message was delivered and the recipient then marked
//! it as spam (the provider learned it from the mailbox provider's feedback loop, RFC 6449).
//! - Mailgun ("Webhooks", event types): `{"signature": {...}, "event-data": {"event":
//!   "complained", "recipient": ...}}`, or the event object alone as Mailgun's Events API and
//!   logs show it: "Email recipient clicked on the spam complaint button within their email
//!   client".
//! - Postmark ("Spam complaint webhook"): `"RecordType": "SpamComplaint"` (or `"Type":
//!   "SpamComplaint"`, `TypeCode` 512) with the recipient in `Email`.
//! - Brevo (its marketing and transactional webhooks, developers.brevo.com: the `spam` event,
//!   "the recipient marked the email as spam"): `"event": "spam"` with the recipient in `email`,
//!   beside a campaign's `camp_id` or a transactional event's `ts_event`.
//! - SparkPost ("Webhook event reference", its message events): `"type": "spam_complaint"` (a
//!   feedback loop's report, `fbtype` "abuse") inside `"message_event"`, the recipient in
//!   `rcpt_to`, SparkPost's sending address in `sending_ip`.
//! - Mailjet (its Event API guide, github.com/mailjet/api-documentation guides/_event-api.md:
//!   the `spam` event, whose `source` "indicates which feedback loop program reported this
//!   complaint"): `"event": "spam"` with the recipient in `email`, among Mailjet's own keys
//!   (`mj_contact_id`, `mj_campaign_id`, `Message_GUID`).
//! - MailChannels (Email API "Delivery Events" and its webhook schema): `"event":
//!   "complained"` with `customer_handle`; the recipients in `recipients` (its `email` is the
//!   sender's address).

use super::result::simple_recipient;
use super::{BounceKind, BounceReport, CaseFacts, FeedbackInfo, Reason, RefusedBy, scan};

/// The complaint report a provider's webhook event gives, when the text is one.
pub(super) fn complaint(text: &str) -> Option<BounceReport> {
    let is = |key: &str, value: &str| {
        scan::json_str(text, key).is_some_and(|v| v.eq_ignore_ascii_case(value))
    };
    // MailChannels' events carry the same event name with their own account key
    // (service_complaint reads them).
    let (format, provider, recipient) = if is("event", "complained")
        && !text.contains("\"customer_handle\"")
    {
        ("mailgun", "Mailgun", scan::json_str(text, "recipient"))
    } else if is("RecordType", "SpamComplaint") || is("Type", "SpamComplaint") {
        ("postmark", "Postmark", scan::json_str(text, "Email"))
    } else if is("event", "spam") && (text.contains("\"camp_id\"") || text.contains("\"ts_event\""))
    {
        ("brevo", "Brevo", scan::json_str(text, "email"))
    } else if text.contains("\"message_event\"") && is("type", "spam_complaint") {
        ("sparkpost", "SparkPost", scan::json_str(text, "rcpt_to"))
    } else {
        return None;
    };
    let source_ip = (format == "sparkpost")
        .then(|| scan::json_str(text, "sending_ip"))
        .flatten()
        .filter(|ip| crate::vocab::ip::parse_ip(ip.trim()).is_some())
        .map(|ip| ip.trim().to_string());
    let recipients = recipient
        .filter(|a| a.contains('@'))
        .map(str::to_ascii_lowercase)
        .into_iter()
        .collect();
    Some(event_report(format, provider, recipients, source_ip))
}

/// The report of a service's spam-complaint event: a feedback loop's abuse report about a
/// delivered message (RFC 6449), from `source_ip` when the event names it.
fn event_report(
    format: &str,
    provider: &str,
    recipients: Vec<String>,
    source_ip: Option<String>,
) -> BounceReport {
    complaint_report(
        format,
        format!(
            "A {provider} spam-complaint event, not a bounce: the message was delivered and the recipient marked it as spam."
        ),
        recipients,
        FeedbackInfo {
            feedback_type: Some("abuse".into()),
            source_ip,
            ..FeedbackInfo::default()
        },
    )
}

/// The complaint Mailjet's or MailChannels' events give, when objects in the text (a webhook
/// log: each line a timestamp and the event, or the events of a batch) are complaints: every
/// address that complained, as SendGrid's spam reports are read (`sendgrid::spam_report`).
pub(super) fn service_complaint(text: &str) -> Option<BounceReport> {
    let mut service: Option<(&str, &str)> = None;
    let mut recipients: Vec<String> = Vec::new();
    for obj in super::sendgrid::objects(text) {
        let event = scan::json_str(obj, "event").unwrap_or("");
        let (this, found): ((&str, &str), Vec<&str>) = if event.eq_ignore_ascii_case("spam")
            && super::mailjet::is_events(obj)
        {
            (
                ("mailjet", "Mailjet"),
                scan::json_str(obj, "email").into_iter().collect(),
            )
        } else if event.eq_ignore_ascii_case("complained") && obj.contains("\"customer_handle\"") {
            (
                ("mailchannels", "MailChannels"),
                scan::json_strings(obj, "recipients"),
            )
        } else {
            continue;
        };
        for a in found.into_iter().filter(|a| a.contains('@')) {
            let a = a.to_ascii_lowercase();
            if !recipients.contains(&a) && recipients.len() < super::MAX_RECIPIENTS {
                recipients.push(a);
                service.get_or_insert(this);
            }
        }
    }
    // A complaint that names no address is no report of anyone's (SendGrid's is read so too).
    let (format, provider) = service?;
    Some(event_report(format, provider, recipients, None))
}

/// A sending service's complaint record as a feedback report: the addresses that complained
/// (lowercase), with what the record says of the complaint.
pub(super) fn complaint_report(
    format: &str,
    summary: String,
    recipients: Vec<String>,
    feedback: FeedbackInfo,
) -> BounceReport {
    BounceReport {
        kind: BounceKind::Feedback,
        format: Some(format.into()),
        summary,
        refused_by: RefusedBy::Unknown,
        reporting_mta: None,
        recipients: recipients
            .into_iter()
            .map(|a| simple_recipient(a, Reason::Feedback))
            .collect(),
        feedback: Some(feedback),
        case_facts: CaseFacts::default(),
        original: None,
        sent_from_ip: None,
        received_from_ip: None,
        notice_from: None,
        from_log: false,
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::bounce::{BounceKind, Reason, analyze};

    #[test]
    fn a_mailjet_spam_event_in_a_log_after_its_sent_event_is_a_complaint() {
        let j = concat!(
            r#"2025-11-21T09:25:13Z mj-webhook {"event":"sent","time":1,"MessageID":2,"email":"k@hotmail.example","mj_contact_id":5,"smtp_reply":"250 2.6.0 Queued mail for delivery"}"#,
            "\n",
            r#"2025-11-21T14:48:38Z mj-webhook {"event":"spam","time":2,"MessageID":2,"email":"k@hotmail.example","mj_contact_id":5,"source":"JMRPP"}"#
        );
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, BounceKind::Feedback);
        assert_eq!(r.format.as_deref(), Some("mailjet"));
        assert_eq!(r.recipients[0].address, "k@hotmail.example");
        assert_eq!(r.recipients[0].reason, Reason::Feedback);
        // Every address that complained in the log is named.
        let two = format!(
            "{j}\n{}",
            r#"2025-11-21T15:00:00Z mj-webhook {"event":"spam","time":3,"email":"m@hotmail.example","mj_contact_id":6,"source":"JMRPP"}"#
        );
        let r = analyze(two.as_bytes());
        assert_eq!(r.recipients.len(), 2);
        // The same "spam" word without Mailjet's keys is no Mailjet event.
        let other = r#"x {"event":"spam","email":"k@hotmail.example"}"#;
        assert_ne!(analyze(other.as_bytes()).format.as_deref(), Some("mailjet"));
    }

    #[test]
    fn a_mailchannels_complained_event_names_the_recipient_not_the_sender() {
        let j = r#"[{"email":"shop@example.org","customer_handle":"h","timestamp":1,"event":"complained","recipients":["k@example.net"]}]"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, BounceKind::Feedback);
        assert_eq!(r.format.as_deref(), Some("mailchannels"));
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "k@example.net");
        // A complaint event that names no address reports no one.
        let none = j.replace("[\"k@example.net\"]", "[]");
        assert_ne!(analyze(none.as_bytes()).kind, BounceKind::Feedback);
        // A dropped message is told as the service's own refusal, whatever code it carries.
        assert!(crate::checks::bounce::service_own_words(
            "mailchannels",
            "MailChannels did not send the message: 550 5.7.1 sender blocked by outbound filter"
        ));
        assert!(!crate::checks::bounce::service_own_words(
            "mailchannels",
            "550 5.1.1 The email account that you tried to reach does not exist"
        ));
        assert!(!crate::checks::bounce::service_own_words(
            "postfix_log",
            "Recipient address rejected"
        ));
    }

    #[test]
    fn a_sparkpost_spam_complaint_event_is_a_complaint_from_its_sending_ip() {
        let j = r#"[{"msys":{"message_event":{"type":"spam_complaint","fbtype":"abuse","rcpt_to":"k@hotmail.example","sending_ip":"203.0.113.66","friendly_from":"shop@example.org"}}}]"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, BounceKind::Feedback);
        assert_eq!(r.format.as_deref(), Some("sparkpost"));
        assert_eq!(r.recipients[0].address, "k@hotmail.example");
        assert_eq!(
            r.feedback.unwrap().source_ip.as_deref(),
            Some("203.0.113.66")
        );
    }

    #[test]
    fn a_brevo_spam_event_is_a_complaint() {
        let j = r#"{"id": 1187442, "camp_id": 57, "email": "g@hotmail.example", "event": "spam", "reason": "undesired", "ts_event": 1774960071}"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, BounceKind::Feedback);
        assert_eq!(r.recipients[0].address, "g@hotmail.example");
        assert_eq!(r.recipients[0].reason, Reason::Feedback);
        // Another service's "spam" key without Brevo's keys is not read as one.
        assert_ne!(
            analyze(br#"{"event": "spam", "email": "g@hotmail.example"}"#).kind,
            BounceKind::Feedback
        );
    }

    #[test]
    fn a_mailgun_complained_event_is_a_complaint() {
        let j = r#"{"signature":{"token":"t","timestamp":"1","signature":"s"},"event-data":{"event":"complained","recipient":"A@example.net","message":{"headers":{"to":"a@example.net"}}}}"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, BounceKind::Feedback);
        assert_eq!(r.recipients[0].address, "a@example.net");
        assert_eq!(r.recipients[0].reason, Reason::Feedback);
    }

    #[test]
    fn a_webhook_event_under_a_line_of_prose_or_in_a_code_fence_is_still_a_complaint() {
        let event = "{\n  \"RecordType\": \"SpamComplaint\",\n  \"Email\": \"b@example.net\"\n}\n";
        for framed in [
            format!("Hi, here is what the webhook sent:\n{event}"),
            format!("```json\n{event}```\n"),
            format!("| Header | Value |\n| --- | --- |\n{event}"),
        ] {
            let r = analyze(framed.as_bytes());
            assert_eq!(r.kind, BounceKind::Feedback, "{framed}");
            assert_eq!(r.recipients[0].address, "b@example.net");
        }
    }

    #[test]
    fn a_postmark_spam_complaint_is_a_complaint() {
        let j = r#"{"RecordType":"SpamComplaint","ID":42,"Type":"SpamComplaint","TypeCode":512,"Email":"b@example.net","From":"n@example.org"}"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, BounceKind::Feedback);
        assert_eq!(r.recipients[0].address, "b@example.net");
    }
}
