//! MailChannels Email API delivery events, as an application's webhook log shows them
//! (docs.mailchannels.net, Email API "Delivery Events", and its webhook JSON schema): batches
//! of objects with `customer_handle` (the sending account), `timestamp`, `event`, `email` (the
//! SENDER's address, not the recipient's), the `recipients` array, and for `hard-bounced`,
//! `soft-bounced` and `dropped` events the SMTP `status` and the human-readable `reason`.
//!
//! `hard-bounced` is a failure of the message to those addresses, `dropped` MailChannels' own
//! refusal to send it; `soft-bounced`, a temporary reply, is a delay MailChannels retries (a
//! later `hard-bounced` or `delivered` event settles it); `delivered` the receiving server's
//! acceptance. The `complained` event is read in webhook.rs. Several events for one address
//! are read as its last one.

use super::recipients::Raw;
use super::{MAX_RECIPIENTS, scan, sendgrid};

/// Whether the text holds MailChannels events: an event with the account key they carry.
pub(super) fn is_events(text: &str) -> bool {
    text.contains("\"customer_handle\"") && text.contains("\"event\"")
}

/// The events' recipients, added to `raws`. MailChannels' events name no sending IP: None.
pub(super) fn events(text: &str, raws: &mut Vec<Raw>) -> Option<String> {
    for obj in sendgrid::objects(text).into_iter().take(MAX_RECIPIENTS) {
        if !obj.contains("\"customer_handle\"") {
            continue;
        }
        let Some(event) = scan::json_str(obj, "event") else {
            continue;
        };
        let action = match event.to_ascii_lowercase().as_str() {
            "hard-bounced" | "dropped" => "failed",
            "soft-bounced" => "delayed",
            "delivered" => "delivered",
            _ => continue,
        };
        // The reply's code from `status` ("For hard-bounced, soft-bounced, and dropped events,
        // the SMTP status code") when the reason does not lead with it; not for a message
        // MailChannels dropped itself (its own refusal, no server's reply).
        let reason = scan::json_str(obj, "reason").unwrap_or("");
        let dropped = event.eq_ignore_ascii_case("dropped");
        let words = match scan::json_str(obj, "status").filter(|c| {
            !dropped
                && c.len() == 3
                && c.bytes().all(|d| d.is_ascii_digit())
                && scan::reply_code(reason).is_none()
        }) {
            Some(code) => format!("{code} {reason}"),
            None => reason.to_string(),
        };
        let words = words.as_str();
        let words = if dropped && !words.is_empty() {
            format!("MailChannels {} {words}", super::SERVICE_DID_NOT_SEND)
        } else {
            words.to_string()
        };
        for address in scan::json_strings(obj, "recipients") {
            if !address.contains('@') {
                continue;
            }
            let raw = Raw::event(address, action, scan::status(&words), Some(&words));
            raw.replace_in(raws);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::checks::bounce::{BounceKind, Reason, analyze};

    #[test]
    fn soft_bounces_then_a_hard_bounce_are_a_bounce_of_the_recipient_not_the_sender() {
        let j = r#"[2025-08-04T08:30:04Z] POST /hooks/mailchannels 200
[{"email":"shop@example.org","customer_handle":"h","timestamp":1,"event":"processed","recipients":["a@example.net"]},
 {"email":"shop@example.org","customer_handle":"h","timestamp":2,"event":"soft-bounced","status":"452","reason":"452-4.2.2 The recipient's inbox is out of storage space.","recipients":["a@example.net"]}]
[2025-08-04T14:19:01Z] POST /hooks/mailchannels 200
[{"email":"shop@example.org","customer_handle":"h","timestamp":3,"event":"hard-bounced","status":"552","reason":"552-5.2.2 The recipient's inbox is out of storage space and inactive.","recipients":["a@example.net"]}]"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, BounceKind::Bounce);
        assert_eq!(r.format.as_deref(), Some("mailchannels"));
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "a@example.net");
        assert_eq!(r.recipients[0].reply_code, Some(552));
        assert_eq!(r.recipients[0].reason, Reason::Mailboxfull);
    }

    #[test]
    fn the_status_field_gives_the_reply_code_the_reason_lacks() {
        let j = r#"[{"email":"shop@example.org","customer_handle":"h","timestamp":3,"event":"hard-bounced","status":"550","reason":"The recipient address does not exist","recipients":["a@example.net"]}]"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.recipients[0].reply_code, Some(550));
    }

    #[test]
    fn a_soft_bounce_alone_is_a_delay() {
        let j = r#"[{"email":"shop@example.org","customer_handle":"h","timestamp":2,"event":"soft-bounced","status":"421","reason":"421 4.7.0 Try again later","recipients":["a@example.net"]}]"#;
        assert_eq!(analyze(j.as_bytes()).kind, BounceKind::Delay);
    }
}
