//! ZeptoMail (Zoho's transactional mail service) bounce webhooks, as an application's log
//! shows them (zoho.com/zeptomail/webhooks-instant-notification.html, its soft and hard bounce
//! webhooks): `event_name` is `["softbounce"]` or `["hardbounce"]`, `event_message` holds the
//! message's `email_info` (its sender, subject, `to` list) and `event_data`, whose `details`
//! name each `bounced_recipient` with ZeptoMail's `reason` and the receiving server's reply in
//! `diagnostic_message`.
//!
//! Both are read as a failure of the message to that address, as Brevo's soft and hard bounce
//! events are (brevo.rs): ZeptoMail reports the bounce of its attempt.

use super::recipients::Raw;
use super::{MAX_RECIPIENTS, scan};

/// Whether the text holds a ZeptoMail bounce webhook: the keys only it carries together.
pub(super) fn is_events(text: &str) -> bool {
    text.contains("\"event_name\"")
        && text.contains("\"event_message\"")
        && text.contains("\"bounced_recipient\"")
}

/// The bounced recipients, added to `raws`. ZeptoMail's webhooks name no sending IP: None.
pub(super) fn events(text: &str, raws: &mut Vec<Raw>) -> Option<String> {
    for (i, _) in text
        .match_indices("\"bounced_recipient\"")
        .take(MAX_RECIPIENTS)
    {
        // The `details` object that names the recipient: from its opening brace to the one
        // that closes it (braces inside its strings skipped).
        // The nearest opening brace whose object reaches past the key (a brace inside an
        // earlier string value opens no object around it).
        let Some(obj) = text[..i]
            .rmatch_indices('{')
            .take(64)
            .map(|(start, _)| (start, scan::json_object_at(text, start)))
            .find(|(start, obj)| start + obj.len() > i)
            .map(|(_, obj)| obj)
        else {
            continue;
        };
        let Some(address) = scan::json_str(obj, "bounced_recipient").filter(|a| a.contains('@'))
        else {
            continue;
        };
        let reply = scan::json_str(obj, "diagnostic_message").unwrap_or("");
        let words = if reply.trim().is_empty() {
            scan::json_str(obj, "reason").unwrap_or("")
        } else {
            reply
        };
        let raw = Raw::event(address, "failed", scan::status(words), Some(words));
        raw.replace_in(raws);
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::checks::bounce::{BounceKind, Reason, analyze};

    #[test]
    fn a_hardbounce_webhook_is_a_bounce_of_the_bounced_recipient_with_its_reply() {
        let j = r#"{
  "event_name": ["hardbounce"],
  "event_message": [{
    "email_info": {"subject": "Your code", "from": {"name": "App", "address": "noreply@example.org"},
      "to": [{"email_address": {"name": "A", "address": "a@example.net"}}]},
    "event_data": [{"details": [{"reason": "Invalid recipient", "bounced_recipient": "a@example.net",
      "time": "2026-03-18T10:42:09.118+0530",
      "diagnostic_message": "550-5.1.1 The email account that you tried to reach does not exist. Please try\n550 5.1.1 double-checking the recipient's email address - gsmtp"}],
      "object": "hardbounce"}]
  }]
}"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, BounceKind::Bounce);
        assert_eq!(r.format.as_deref(), Some("zeptomail"));
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "a@example.net");
        assert_eq!(r.recipients[0].reply_code, Some(550));
        assert_eq!(r.recipients[0].reason, Reason::Userunknown);
        // A brace in a value before the recipient opens no object.
        let early = j.replace(
            "\"reason\": \"Invalid recipient\"",
            "\"reason\": \"Invalid {x} recipient\"",
        );
        assert_eq!(analyze(early.as_bytes()).recipients.len(), 1);
        // A brace inside the server's words does not end the details.
        let braced = j.replace("does not exist.", "does not exist {id=7}.");
        let r = analyze(braced.as_bytes());
        assert_eq!(r.recipients[0].reply_code, Some(550));
    }
}
