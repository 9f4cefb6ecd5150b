//! Mandrill (Mailchimp Transactional) message records: the JSON its `messages/info` API call
//! returns and its webhooks carry in `msg` (mailchimp.com/developer/transactional/api/messages/get-message-info/
//! and the webhook format, docs/webhooks), pasted as they are. `email` is the recipient,
//! `state` the message's sending status (`sent`, `bounced`, `soft-bounced`, `deferred`,
//! `rejected`), and each of `smtp_events` one delivery attempt: its `type`, the receiving
//! server's reply (`diag`) and the IP Mandrill sent from (`source_ip`). A webhook's bounce
//! event gives the reply in `diag` of its own.
//!
//! `bounced` and `soft-bounced` are failures of this message (Mandrill stopped trying; a soft
//! bounce after its retries of temporary replies), `deferred` a delay it keeps retrying,
//! `sent` the receiving server's acceptance.

use super::recipients::Raw;
use super::scan;

/// Whether the text holds a Mandrill message record, or the answer of its `messages/send`
/// call: the keys only they carry together.
pub(super) fn is_record(text: &str) -> bool {
    text.contains("\"email\"")
        && ((text.contains("\"state\"")
            && (text.contains("\"smtp_events\"") || text.contains("\"bounce_description\"")))
            || (text.contains("\"reject_reason\"") && text.contains("\"status\"")))
}

/// The recipients `messages/send` refused to send to (mailchimp.com/developer/transactional/
/// api/messages/send-new-message/: each answer has `email`, `status` `sent`, `queued`,
/// `scheduled`, `rejected` or `invalid`, and `reject_reason`), added to `raws`. Mandrill never
/// tried to deliver those: its rejection list holds the address. Its reasons (the rejection
/// list, mailchimp.com/developer/transactional/docs/reject-allowlists/): `hard-bounce`, the
/// address bounced before (it does not take mail, read as SendGrid's and Mailgun's bounce
/// suppressions are); `spam`, the recipient reported an earlier message as spam (a complaint).
/// And `unsigned` (mailchimp.com/developer/transactional/docs/authentication-delivery/: "A
/// message that is rejected as unsigned indicates that the sending domain hasn't been properly
/// set up", it sends nothing from unverified domains or without their DKIM records): the
/// sender's DKIM setup.
fn send_answers(text: &str, raws: &mut Vec<Raw>) {
    for (i, _) in text.match_indices("\"reject_reason\"").take(64) {
        let Some(start) = text[..i].rfind('{') else {
            continue;
        };
        let end = text[i..].find('}').map_or(text.len(), |e| i + e + 1);
        let obj = &text[start..end];
        let Some(address) = scan::json_str(obj, "email").filter(|a| a.contains('@')) else {
            continue;
        };
        let status = scan::json_str(obj, "status").unwrap_or("");
        if !status.eq_ignore_ascii_case("rejected") && !status.eq_ignore_ascii_case("invalid") {
            continue;
        }
        let reason = scan::json_str(obj, "reject_reason").unwrap_or("");
        let unsigned = reason.eq_ignore_ascii_case("unsigned");
        let words = if unsigned {
            format!(
                "Mandrill rejected the message: reject_reason {reason} (the sending domain is not verified or its DKIM records are not set up)"
            )
        } else {
            format!("Mandrill rejected the message: reject_reason {reason}")
        };
        let mut raw = Raw::event(address, "failed", None, Some(&words));
        raw.classified = match reason.to_ascii_lowercase().as_str() {
            "hard-bounce" => Some(super::Reason::Userunknown),
            "spam" => Some(super::Reason::Feedback),
            "unsigned" => Some(super::Reason::Authfailure),
            _ => None,
        };
        raws.push(raw);
    }
}

/// The record's recipient, added to `raws`; returns the IP Mandrill sent from (the last
/// attempt's `source_ip`), when it names one.
pub(super) fn record(text: &str, raws: &mut Vec<Raw>) -> Option<String> {
    if !text.contains("\"state\"") {
        send_answers(text, raws);
        return None;
    }
    let address = scan::json_str(text, "email").filter(|a| a.contains('@'))?;
    let state = scan::json_str(text, "state")?.to_ascii_lowercase();
    let action = match state.as_str() {
        "bounced" | "soft-bounced" | "rejected" => "failed",
        "deferred" => "delayed",
        "sent" => "delivered",
        _ => return None,
    };
    // The attempts, in order; the last one is the reply the state comes from.
    let events = text.find("\"smtp_events\"").map_or("", |i| &text[i..]);
    let attempts: Vec<&str> = events
        .match_indices("\"diag\"")
        .take(64)
        .map(|(i, _)| &events[i..])
        .collect();
    let last = attempts.last().copied();
    let diag = last
        .and_then(|a| scan::json_str(a, "diag"))
        .or_else(|| scan::json_str(text, "diag"))
        .unwrap_or("");
    let ip = last
        .and_then(|a| scan::json_str(a, "source_ip"))
        .filter(|ip| ip.parse::<core::net::IpAddr>().is_ok())
        .map(str::to_string);
    raws.push(Raw::event(address, action, scan::status(diag), Some(diag)));
    ip
}

#[cfg(test)]
mod tests {
    use crate::checks::bounce::{BounceKind, Reason, analyze};

    #[test]
    fn a_send_answer_rejected_for_a_complaint_is_a_complaint_of_that_address() {
        let j = r#"[2026-02-24 23:03:51] production.WARNING: Mandrill send not accepted {"to":"a@example.net","response":[{"email":"a@example.net","status":"rejected","_id":"9c","reject_reason":"spam","queued_reason":null}]}
[2026-02-24 23:03:52] production.INFO: Mandrill send accepted {"to":"b@example.net","response":[{"email":"b@example.net","status":"sent","_id":"1e","reject_reason":null}]}"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "a@example.net");
        assert_eq!(r.recipients[0].reason, Reason::Feedback);
    }

    #[test]
    fn a_send_answer_rejected_as_unsigned_is_the_sender_s_dkim_setup() {
        let j = r#"{"endpoint":"messages/send-template","response":[{"email":"a@example.net","status":"rejected","reject_reason":"unsigned","queued_reason":null,"_id":"8f"}]}"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].reason, Reason::Authfailure);
        assert!(
            r.recipients[0]
                .diagnostic
                .as_deref()
                .is_some_and(|d| d.contains("DKIM"))
        );
    }

    #[test]
    fn a_soft_bounced_record_is_a_bounce_with_the_last_reply_and_the_sending_ip() {
        let j = r#"{"ts":1,"_id":"x","sender":"b@example.org","email":"a@example.net","state":"soft-bounced","smtp_events":[{"ts":1,"type":"deferred","diag":"452 4.2.2 Quota exceeded","source_ip":"192.0.2.7","destination_ip":"198.51.100.2","size":1},{"ts":2,"type":"soft-bounced","diag":"552 5.2.2 Quota exceeded (mailbox for user is full)","source_ip":"192.0.2.8","destination_ip":"198.51.100.2","size":1}]}"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, BounceKind::Bounce);
        assert_eq!(r.format.as_deref(), Some("mandrill"));
        assert_eq!(r.recipients[0].address, "a@example.net");
        assert_eq!(r.recipients[0].reply_code, Some(552));
        assert_eq!(r.recipients[0].reason, Reason::Mailboxfull);
        assert_eq!(r.sent_from_ip.as_deref(), Some("192.0.2.8"));
    }

    #[test]
    fn a_deferred_record_is_a_delay() {
        let j = r#"{"email":"a@example.net","state":"deferred","smtp_events":[{"type":"deferred","diag":"421 4.7.0 Try again later","source_ip":"192.0.2.7"}]}"#;
        assert_eq!(analyze(j.as_bytes()).kind, BounceKind::Delay);
    }
}
