//! SparkPost (Bird) webhook events: the JSON batch SparkPost posts to an application's webhook,
//! pasted as it is (SparkPost's "Webhook event reference": each element is
//! `{"msys": {"message_event": {...}}}`). A `bounce` or `out_of_band` event carries the
//! recipient (`rcpt_to`), the receiving server's reply (`raw_reason`, `reason`), the SMTP code
//! (`error_code`), SparkPost's classification (`bounce_class`) and the IP SparkPost sent from
//! (`sending_ip`); a `delay` event is a temporary failure SparkPost keeps retrying; a
//! `delivery` event is an acceptance by the receiving server.

use super::recipients::Raw;
use super::{MAX_RECIPIENTS, scan};

/// Whether the text holds SparkPost message events: the envelope and keys only they carry.
pub(super) fn is_events(text: &str) -> bool {
    text.contains("\"msys\"") && text.contains("\"message_event\"") && text.contains("\"rcpt_to\"")
}

/// The events' recipients, added to `raws`; returns the IP SparkPost says it sent from (the
/// first such event's `sending_ip`), when one names it.
pub(super) fn events(text: &str, raws: &mut Vec<Raw>) -> Option<String> {
    let mut ip = None;
    for obj in text.split("\"message_event\"").skip(1).take(MAX_RECIPIENTS) {
        let Some(kind) = scan::json_str(obj, "type") else {
            continue;
        };
        let action = match kind.to_ascii_lowercase().as_str() {
            "bounce" | "out_of_band" => "failed",
            "delay" => "delayed",
            "delivery" => "delivered",
            _ => continue,
        };
        let Some(address) = scan::json_str(obj, "rcpt_to").filter(|a| a.contains('@')) else {
            continue;
        };
        if ip.is_none() {
            ip = scan::json_str(obj, "sending_ip").map(str::to_string);
        }
        let words = scan::json_str(obj, "raw_reason").or_else(|| scan::json_str(obj, "reason"));
        raws.push(Raw::event(
            address,
            action,
            words.and_then(scan::status),
            words,
        ));
    }
    ip
}

#[cfg(test)]
mod tests {
    use crate::checks::bounce::{BounceKind, Reason, analyze};

    #[test]
    fn a_bounce_event_names_the_recipient_the_reply_and_the_sending_ip() {
        let j = r#"[{"msys":{"message_event":{"type":"bounce","bounce_class":"10","error_code":"550","raw_reason":"550 5.1.1 <a@example.net>: Recipient address rejected: User unknown","rcpt_to":"a@example.net","friendly_from":"news@example.org","sending_ip":"192.0.2.44"}}}]"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, BounceKind::Bounce);
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "a@example.net");
        assert_eq!(r.recipients[0].reason, Reason::Userunknown);
        assert_eq!(r.sent_from_ip.as_deref(), Some("192.0.2.44"));
        assert!(r.from_log);
    }

    #[test]
    fn a_give_up_after_the_retry_time_is_expired() {
        // SparkPost's own give-up (bounce class 24, "Timeout"): RFC 3463 X.4.7, delivery time
        // expired, in a permanent status as much as in a temporary one.
        let j = r#"[{"msys":{"message_event":{"type":"bounce","bounce_class":"24","error_code":"554","raw_reason":"554 5.4.7 [internal] exceeded max time without delivery","rcpt_to":"a@example.net","sending_ip":"192.0.2.45"}}}]"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, BounceKind::Bounce);
        assert_eq!(r.recipients[0].reason, Reason::Expired);
    }
}
