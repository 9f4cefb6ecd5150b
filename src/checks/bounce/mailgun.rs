//! Mailgun delivery events: the JSON Mailgun posts to an application's webhook (`{"signature":
//! {...}, "event-data": {...}}`) or its Events API and logs show, pasted as it is (Mailgun's
//! user manual, "Events", event types: documentation.mailgun.com/docs/mailgun/user-manual/events/event-types).
//! A `failed` event with `"severity": "permanent"` is a bounce Mailgun gave up on; with
//! `"temporary"` a failure it keeps retrying (`delivery-status.retry-seconds`); a `delivered`
//! event is the receiving server's acceptance. `delivery-status` carries the receiving server's
//! reply (`code`, `message`, `description`, `enhanced-code`) and its name (`mx-host`);
//! `envelope.sending-ip` is the IP Mailgun sent from.

use super::recipients::Raw;
use super::scan;

/// Whether the text holds Mailgun delivery events: the keys only they carry together.
pub(super) fn is_events(text: &str) -> bool {
    text.contains("\"event\"")
        && text.contains("\"delivery-status\"")
        && text.contains("\"recipient\"")
}

/// The events' recipients, added to `raws`; returns the IP Mailgun says it sent from (the
/// first such event's `envelope.sending-ip`), when one names it.
pub(super) fn events(text: &str, raws: &mut Vec<Raw>) -> Option<String> {
    let mut ip = None;
    // Each event object starts at its "event" key's object; split at the events' own key
    // (webhook posts and the Events API's `items` both carry one "event" per event).
    for (own, obj) in scan::keyed_records(text, "event") {
        let Some(kind) = scan::json_str(own, "event") else {
            continue;
        };
        let severity = scan::json_str(obj, "severity").unwrap_or("permanent");
        let action = match kind.to_ascii_lowercase().as_str() {
            "failed" if severity.eq_ignore_ascii_case("temporary") => "delayed",
            "failed" => "failed",
            "delivered" => "delivered",
            _ => continue,
        };
        let Some(address) = scan::json_str(obj, "recipient").filter(|a| a.contains('@')) else {
            continue;
        };
        if ip.is_none() {
            ip = scan::json_str(obj, "sending-ip").map(str::to_string);
        }
        // The reply's fields are the `delivery-status` object's: an event also has a
        // `message` object of its own (the message's headers and size) before it.
        let status = obj
            .find("\"delivery-status\"")
            .and_then(|i| obj.get(i..))
            .unwrap_or(obj);
        let code = scan::json_number(status, "code");
        let message = scan::json_str(status, "message").unwrap_or("");
        let description = scan::json_str(status, "description").unwrap_or("");
        let enhanced = scan::json_str(status, "enhanced-code").filter(|c| !c.is_empty());
        // The reply as the receiving server gave it: its code, then Mailgun's copy of its text.
        let words: Vec<&str> = [
            code.unwrap_or(""),
            enhanced.unwrap_or(""),
            message,
            description,
        ]
        .into_iter()
        .filter(|w| !w.trim().is_empty())
        .collect();
        let words = words.join(" ");
        let mut raw = Raw::event(
            address,
            action,
            enhanced
                .map(str::to_string)
                .or_else(|| scan::status(&words)),
            Some(&words),
        );
        // Not sent because the address bounced before: Mailgun's failed event with reason
        // "suppress-bounce" (its Events API: the recipient is on the domain's bounce
        // suppression list; delivery-status "605 Not delivering to previously bounced
        // address"), read as SendGrid's "Bounced Address" drop and SES's suppression list are
        // (sendgrid.rs, ses.rs): the address does not take mail.
        if scan::json_str(obj, "reason").is_some_and(|r| r.eq_ignore_ascii_case("suppress-bounce"))
        {
            raw.classified = Some(super::Reason::Userunknown);
        }
        raw.remote_mta = scan::json_str(obj, "mx-host")
            .filter(|h| !h.is_empty())
            .map(str::to_ascii_lowercase);
        raws.push(raw);
    }
    ip
}

#[cfg(test)]
mod tests {
    use crate::checks::bounce::{BounceKind, Reason, analyze};

    #[test]
    fn a_temporary_failed_event_is_a_delay_with_the_reply_and_the_sending_ip() {
        let j = r#"{"signature":{"token":"t","timestamp":"1","signature":"s"},"event-data":{"event":"failed","severity":"temporary","reason":"generic","recipient":"a@example.net","delivery-status":{"attempt-no":3,"code":452,"message":"Too many recipients received this hour","description":"","enhanced-code":"","retry-seconds":1800,"mx-host":"mx1.example.net"},"envelope":{"sender":"b@mg.example.org","sending-ip":"192.0.2.44"}}}"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, BounceKind::Delay);
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "a@example.net");
        assert_eq!(r.recipients[0].reply_code, Some(452));
        assert_eq!(r.sent_from_ip.as_deref(), Some("192.0.2.44"));
    }

    #[test]
    fn a_permanent_failed_event_is_a_bounce() {
        let j = r#"{"event-data":{"event":"failed","severity":"permanent","recipient":"a@example.net","delivery-status":{"code":550,"message":"5.1.1 The email account that you tried to reach does not exist.","enhanced-code":"5.1.1","mx-host":"mx.example.net"},"envelope":{"sending-ip":"192.0.2.44"}}}"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, BounceKind::Bounce);
        assert_eq!(r.recipients[0].reason, Reason::Userunknown);
    }
}
