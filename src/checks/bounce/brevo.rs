//! Brevo (formerly Sendinblue) transactional webhook events, as an application's log shows
//! them (developers.brevo.com/docs/transactional-webhooks: each event carries `event`, `email`,
//! `message-id`, `ts_event`, the `reason` the receiving server gave and the `sending_ip` Brevo
//! sent from). `hard_bounce` and `soft_bounce` are failures of the message to that address,
//! `blocked`, `invalid_email` and `error` Brevo's own refusal to send it, `deferred` a delay it
//! keeps retrying, `delivered` the receiving server's acceptance. Several events for one
//! address (a log of retries) are read as its last one.

use super::recipients::Raw;
use super::{MAX_RECIPIENTS, scan, sendgrid};

/// Whether the text holds Brevo webhook events: the keys only they carry together.
pub(super) fn is_events(text: &str) -> bool {
    text.contains("\"event\"")
        && text.contains("\"email\"")
        && text.contains("\"ts_event\"")
        && text.contains("\"message-id\"")
}

/// The events' recipients, added to `raws`; returns the IP Brevo says it sent from (the last
/// such event's `sending_ip`), when one names it.
pub(super) fn events(text: &str, raws: &mut Vec<Raw>) -> Option<String> {
    let mut ip = None;
    for obj in sendgrid::objects(text).into_iter().take(MAX_RECIPIENTS) {
        let Some(event) = scan::json_str(obj, "event") else {
            continue;
        };
        let action = match event.to_ascii_lowercase().as_str() {
            "hard_bounce" | "soft_bounce" | "blocked" | "invalid_email" | "error" => "failed",
            "deferred" => "delayed",
            "delivered" => "delivered",
            _ => continue,
        };
        let Some(address) = scan::json_str(obj, "email").filter(|a| a.contains('@')) else {
            continue;
        };
        if let Some(sent) =
            scan::json_str(obj, "sending_ip").filter(|s| s.parse::<core::net::IpAddr>().is_ok())
        {
            ip = Some(sent.to_string());
        }
        let words = scan::json_str(obj, "reason").unwrap_or("");
        let raw = Raw::event(address, action, scan::status(words), Some(words));
        raw.replace_in(raws);
    }
    ip
}

#[cfg(test)]
mod tests {
    use crate::checks::bounce::{BounceKind, analyze};

    #[test]
    fn deferred_events_are_a_delay_with_the_reply_and_the_sending_ip() {
        let j = concat!(
            r#"{"event":"deferred","email":"a@example.net","id":1,"message-id":"<x@relay.example>","ts_event":1,"sending_ip":"192.0.2.9","reason":"421 4.7.0 [TSS04] Messages from 192.0.2.9 temporarily deferred due to unexpected volume or user complaints"}"#,
            "\n",
            r#"{"event":"deferred","email":"a@example.net","id":1,"message-id":"<x@relay.example>","ts_event":2,"sending_ip":"192.0.2.9","reason":"421 4.7.0 [TSS04] Messages from 192.0.2.9 temporarily deferred due to unexpected volume or user complaints"}"#
        );
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, BounceKind::Delay);
        assert_eq!(r.format.as_deref(), Some("brevo"));
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].reply_code, Some(421));
        assert_eq!(r.sent_from_ip.as_deref(), Some("192.0.2.9"));
    }

    #[test]
    fn a_web_servers_code_above_the_events_is_not_the_recipients() {
        let j = concat!(
            "POST /wp-json/app/v1/brevo-webhook  200\n",
            r#"{"event":"deferred","email":"a@example.net","id":1,"message-id":"<x@relay.example>","ts_event":1,"sending_ip":"192.0.2.9","reason":"connect to mx.example.net[198.51.100.150]:25: Connection timed out"}"#
        );
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, BounceKind::Delay);
        assert_eq!(r.recipients[0].reply_code, None);
    }

    #[test]
    fn a_hard_bounce_event_is_a_bounce() {
        let j = r#"{"event":"hard_bounce","email":"a@example.net","message-id":"<x@relay.example>","ts_event":1,"reason":"550 5.1.1 User unknown"}"#;
        assert_eq!(analyze(j.as_bytes()).kind, BounceKind::Bounce);
    }
}
