//! Twilio SendGrid Event Webhook events: the JSON an application logs for each delivery event
//! of a message it sent through SendGrid, pasted as it is ("Event Webhook Reference",
//! https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event). SendGrid posts a
//! JSON array of event objects; each carries `event`, `email` (the recipient), `sg_event_id`
//! and `sg_message_id`. A `bounce` event (its `type` is `bounce` or `blocked`) adds the
//! receiving server's reply (`reason`), the enhanced status code (`status`) and the IP address
//! SendGrid sent from (`ip`); a `deferred` event gives the reply in `response`; a `dropped`
//! event names SendGrid's own reason for not sending (`reason`, e.g. "Bounced Address"); a
//! `delivered` event ("Message has been successfully delivered to the receiving server") gives
//! the receiving server's acceptance in `response` and the IP SendGrid sent from in `ip`.

use super::recipients::Raw;
use super::{BounceReport, FeedbackInfo, MAX_RECIPIENTS, scan};

/// Whether the text holds SendGrid events: the keys only SendGrid's events carry.
pub(super) fn is_events(text: &str) -> bool {
    (text.contains("\"sg_event_id\"") || text.contains("\"sg_message_id\""))
        && text.contains("\"event\"")
}

/// The events' failed, deferred or delivered recipients, added to `raws`; returns the address
/// SendGrid says it sent from (the first bounce or delivered event's `ip`), when one names it.
pub(super) fn events(text: &str, raws: &mut Vec<Raw>) -> Option<String> {
    let mut ip = None;
    for obj in objects(text).into_iter().take(MAX_RECIPIENTS) {
        let Some(event) = scan::json_str(obj, "event") else {
            continue;
        };
        let event = event.to_ascii_lowercase();
        let (action, words) = match event.as_str() {
            "bounce" => ("failed", scan::json_str(obj, "reason")),
            "dropped" => ("failed", scan::json_str(obj, "reason")),
            "deferred" => (
                "delayed",
                scan::json_str(obj, "response").or_else(|| scan::json_str(obj, "reason")),
            ),
            "delivered" => ("delivered", scan::json_str(obj, "response")),
            _ => continue,
        };
        let Some(address) = scan::json_str(obj, "email").filter(|a| a.contains('@')) else {
            continue;
        };
        // SendGrid's `ip` is "the IP address used to send the email" in its delivery events
        // (for opens and clicks, read nowhere here, it is the recipient's).
        if matches!(event.as_str(), "bounce" | "delivered" | "deferred") && ip.is_none() {
            ip = scan::json_str(obj, "ip").map(str::to_string);
        }
        // A drop for an address that bounced before: SendGrid's suppression list of bounced
        // addresses ("Bounced Address", SendGrid's drop reasons), as Amazon SES's account
        // suppression list (ses.rs) reads: the address does not take mail.
        let classified = (event == "dropped"
            && words.is_some_and(|w| w.eq_ignore_ascii_case("bounced address")))
        .then_some(super::Reason::Userunknown);
        let status = scan::json_str(obj, "status").and_then(scan::status);
        raws.push(Raw {
            classified,
            ..Raw::event(address, action, status, words)
        });
    }
    ip
}

/// A `spamreport` event ("Recipient marked message as spam", the Event Webhook Reference's
/// engagement events) among the events: a complaint, read as a feedback report is, its source
/// the address SendGrid delivered that recipient's message from (the `ip` of the `delivered`
/// event for the same address). None when no event is a spam report.
pub(super) fn spam_report(text: &str) -> Option<BounceReport> {
    let objects = objects(text);
    let event = |o: &str| scan::json_str(o, "event").map(str::to_ascii_lowercase);
    let mut reported: Vec<String> = Vec::new();
    for o in objects
        .iter()
        .filter(|o| event(o).as_deref() == Some("spamreport"))
    {
        if let Some(a) = scan::json_str(o, "email").filter(|a| a.contains('@')) {
            let a = a.to_ascii_lowercase();
            if !reported.contains(&a) {
                reported.push(a);
            }
        }
    }
    if reported.is_empty() {
        return None;
    }
    let source_ip = objects
        .iter()
        .filter(|o| event(o).as_deref() == Some("delivered"))
        .filter(|o| {
            scan::json_str(o, "email")
                .is_some_and(|a| reported.iter().any(|r| r.eq_ignore_ascii_case(a)))
        })
        .find_map(|o| scan::json_str(o, "ip"))
        .and_then(|ip| ip.trim().parse::<core::net::IpAddr>().ok())
        .map(|ip| ip.to_string());
    Some(super::webhook::complaint_report(
        "sendgrid",
        "SendGrid events with a spam report, not a bounce: a recipient marked the message as spam."
            .into(),
        reported,
        FeedbackInfo {
            feedback_type: Some("abuse".into()),
            source_ip,
            ..FeedbackInfo::default()
        },
    ))
}

/// The top-level JSON objects of the text (`{...}` at depth one or, inside an array, two),
/// strings and their escapes skipped; bounded.
pub(super) fn objects(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut in_str = false;
    let mut i = 0;
    while i < b.len() && out.len() < MAX_RECIPIENTS {
        match b[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b'{' if !in_str => {
                // An object that never closes holds the rest of the text: nothing more.
                let Some(end) = scan::json_object_end(text, i, text.len()) else {
                    break;
                };
                if let Some(o) = text.get(i..=end) {
                    out.push(o);
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::bounce::{BounceKind, Reason, analyze};

    const BOUNCE: &str = r#"[{"email":"a.b@example.net","event":"bounce","ip":"192.0.2.9","reason":"550 5.1.1 The email account that you tried to reach does not exist.","sg_event_id":"x","sg_message_id":"y","status":"5.1.1","type":"bounce"}]"#;

    #[test]
    fn a_bounce_event_is_a_bounce_with_the_ip_sendgrid_sent_from() {
        let r = analyze(BOUNCE.as_bytes());
        assert_eq!(r.kind, BounceKind::Bounce);
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "a.b@example.net");
        assert_eq!(r.recipients[0].reason, Reason::Userunknown);
        assert_eq!(r.recipients[0].status.as_deref(), Some("5.1.1"));
        assert_eq!(r.sent_from_ip.as_deref(), Some("192.0.2.9"));
    }

    #[test]
    fn a_deferred_event_is_a_delay() {
        let j = r#"{"email":"c@example.net","event":"deferred","attempt":"3","response":"421 4.7.0 Try again later","sg_event_id":"x","sg_message_id":"y"}"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, BounceKind::Delay);
        assert_eq!(r.sent_from_ip, None);
    }

    #[test]
    fn a_drop_for_a_bounced_address_is_an_address_that_takes_no_mail() {
        let j = r#"[{"email":"e@example.net","event":"dropped","reason":"Bounced Address","sg_event_id":"x","sg_message_id":"y"}]"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.recipients[0].reason, Reason::Userunknown);
    }

    #[test]
    fn delivered_and_engagement_events_are_no_failures() {
        let j = r#"[{"email":"d@example.net","event":"delivered","ip":"192.0.2.10","response":"250 OK","sg_event_id":"x","sg_message_id":"y"},{"email":"d@example.net","event":"open","sg_event_id":"z","sg_message_id":"y"}]"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, BounceKind::NotBounce);
        assert!(r.recipients.iter().all(|x| x.reason == Reason::Delivered));
        assert_eq!(r.sent_from_ip.as_deref(), Some("192.0.2.10"));
    }

    #[test]
    fn a_spam_report_is_a_complaint_from_the_delivering_address() {
        let j = r#"[{"email":"a@example.net","event":"delivered","ip":"192.0.2.9","response":"250 OK","sg_event_id":"x","sg_message_id":"y"},{"email":"a@example.net","event":"open","ip":"198.51.100.7","sg_event_id":"z","sg_message_id":"y"},{"email":"a@example.net","event":"spamreport","sg_event_id":"w","sg_message_id":"y"}]"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, BounceKind::Feedback);
        assert_eq!(r.recipients[0].address, "a@example.net");
        assert_eq!(
            r.feedback.and_then(|f| f.source_ip).as_deref(),
            Some("192.0.2.9")
        );
    }
}
