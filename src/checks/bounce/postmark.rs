//! Postmark bounce records: the JSON Postmark posts to an application's bounce webhook and its
//! Bounces API returns (`"RecordType": "Bounce"`, postmarkapp.com/developer/webhooks/bounce-webhook
//! and the Bounces API's bounce types), pasted as they are. `Type` is Postmark's reading of the
//! bounce: `HardBounce` ("The server was unable to deliver your message (ex: unknown user,
//! mailbox not found)"), `SoftBounce` ("Unable to temporarily deliver this email"),
//! `Transient` ("The server could not temporarily deliver your message (ex: Message is delayed
//! due to network troubles)") and `DnsError` ("Temporary DNS error") among others; `Email` is
//! the recipient and `Details` the receiving server's reply as Postmark received it
//! (`smtp;550 5.1.1 ...`).
//!
//! A transient or DNS error record is a delay: Postmark names it a temporary trouble with
//! delivery, not a refusal of the message. Every other bounce record is a failure of this
//! message to that address.

use super::recipients::Raw;
use super::scan;

/// Whether the text holds Postmark bounce records: the keys only they carry together.
pub(super) fn is_records(text: &str) -> bool {
    text.contains("\"RecordType\"")
        && text.contains("\"Bounce\"")
        && text.contains("\"Email\"")
        && text.contains("\"TypeCode\"")
}

/// The automatic reply a Postmark bounce record of type `AutoResponder` stands for
/// (Postmark's bounce types: TypeCode 64, "Automatic email responder (ex: \"Out of Office\"
/// or \"On Vacation\")"): not a failure, the message was delivered and the recipient's mailbox
/// answered by itself. The replying address is the record's `Email`.
pub(super) fn auto_reply(text: &str) -> Option<super::BounceReport> {
    if !is_records(text) {
        return None;
    }
    let bounces: Vec<&str> = scan::keyed_records(text, "RecordType")
        .into_iter()
        .filter(|(own, _)| scan::json_str(own, "RecordType") == Some("Bounce"))
        .map(|(_, obj)| obj)
        .collect();
    // Only when every record is one: a hard bounce beside it is read as the bounce it is
    // (`records`, which leaves the automatic replies out).
    if bounces.is_empty() || !bounces.iter().all(|obj| auto_responder(obj)) {
        return None;
    }
    let recipients: Vec<_> = bounces
        .iter()
        .filter_map(|obj| scan::json_str(obj, "Email").filter(|a| a.contains('@')))
        .map(|a| super::result::simple_recipient(a.to_ascii_lowercase(), super::Reason::Vacation))
        .take(super::MAX_RECIPIENTS)
        .collect();
    if recipients.is_empty() {
        return None;
    }
    let top = super::mime::headers("");
    Some(super::report::delivered(
        &top,
        super::BounceKind::AutoReply,
        Some("postmark".into()),
        "A Postmark bounce record of type AutoResponder, not a bounce: the message was delivered and the recipient's mailbox answered by itself, usually because they are away.".into(),
        recipients,
        None,
    ))
}

/// Whether a bounce record is of Postmark's AutoResponder type.
fn auto_responder(obj: &str) -> bool {
    scan::json_str(obj, "Type").is_some_and(|t| t.eq_ignore_ascii_case("AutoResponder"))
}

/// The records' recipients, added to `raws`. Postmark's records name no sending IP: None.
pub(super) fn records(text: &str, raws: &mut Vec<Raw>) -> Option<String> {
    for (own, obj) in scan::keyed_records(text, "RecordType") {
        if scan::json_str(own, "RecordType") != Some("Bounce") {
            continue;
        }
        let Some(address) = scan::json_str(obj, "Email").filter(|a| a.contains('@')) else {
            continue;
        };
        // An automatic reply is no failure of the message (`auto_reply`).
        if auto_responder(obj) {
            continue;
        }
        let kind = scan::json_str(obj, "Type").unwrap_or("");
        let action =
            if kind.eq_ignore_ascii_case("Transient") || kind.eq_ignore_ascii_case("DnsError") {
                "delayed"
            } else {
                "failed"
            };
        // The server's reply, without the diagnostic type Postmark writes before it (RFC 3464
        // section 2.3.6: "smtp; <reply>").
        let details = scan::json_str(obj, "Details").unwrap_or("").trim();
        let reply = details
            .get(..5)
            .filter(|p| p.eq_ignore_ascii_case("smtp;"))
            .map_or(details, |_| details[5..].trim_start());
        let description = scan::json_str(obj, "Description").unwrap_or("");
        let words = if reply.is_empty() { description } else { reply };
        raws.push(Raw::event(
            address,
            action,
            scan::status(words),
            Some(words),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::checks::bounce::{BounceKind, Reason, analyze};

    #[test]
    fn an_autoresponder_record_is_an_automatic_reply_not_a_bounce() {
        let j = r#"{"RecordType": "Bounce", "ID": 1, "Type": "AutoResponder", "TypeCode": 64, "Name": "Auto responder", "Description": "Automatic email responder (ex: \"Out of Office\" or \"On Vacation\").", "Details": "Auto: away until Monday", "Email": "t@example.net", "From": "a@example.org"}"#;
        let r = crate::checks::bounce::analyze(j.as_bytes());
        assert_eq!(r.kind, crate::checks::bounce::BounceKind::AutoReply);
        assert_eq!(r.recipients[0].address, "t@example.net");
        // Beside a hard bounce record for another address, the hard bounce is read.
        let mixed = format!(
            "[{j}, {}]",
            j.replace("AutoResponder", "HardBounce")
                .replace("t@example.net", "h@example.net")
        );
        let r = crate::checks::bounce::analyze(mixed.as_bytes());
        assert_eq!(r.kind, crate::checks::bounce::BounceKind::Bounce);
        assert!(r.recipients.iter().any(|x| x.address == "h@example.net"));
        assert!(r.recipients.iter().all(|x| x.address != "t@example.net"));
        // A hard bounce record stays a bounce.
        let hard = j
            .replace("AutoResponder", "HardBounce")
            .replace("\"TypeCode\": 64", "\"TypeCode\": 1");
        assert_eq!(
            crate::checks::bounce::analyze(hard.as_bytes()).kind,
            crate::checks::bounce::BounceKind::Bounce
        );
    }

    #[test]
    fn a_hard_bounce_record_is_a_bounce_with_the_servers_reply() {
        let j = r#"{"RecordType":"Bounce","ID":1,"Type":"HardBounce","TypeCode":1,"Name":"Hard bounce","Description":"The server was unable to deliver your message (ex: unknown user, mailbox not found).","Details":"smtp;550 5.1.1 <a@example.net>: Recipient address rejected: User unknown in virtual mailbox table","Email":"a@example.net","From":"b@example.org","BouncedAt":"2026-12-01T08:15:42Z","Inactive":true}"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, BounceKind::Bounce);
        assert_eq!(r.format.as_deref(), Some("postmark"));
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "a@example.net");
        assert_eq!(r.recipients[0].reply_code, Some(550));
        assert_eq!(r.recipients[0].reason, Reason::Userunknown);
        // The service's own record of its attempt: the refusal as the sending side saw it.
        assert!(r.from_log);
        // With the dump of the report in "Content", its first field opening the string.
        let dumped = "{\n  \"RecordType\": \"Bounce\",\n  \"Type\": \"HardBounce\",\n  \"TypeCode\": 1,\n  \"Details\": \"Status: 5.1.2 (bad destination system: no such domain)\",\n  \"Email\": \"a@example.net\",\n  \"Content\": \"Final-Recipient: rfc822;a@example.net\\r\\nAction: failed\\r\\nStatus: 5.1.2\\r\\n\"\n}\n";
        let r = analyze(dumped.as_bytes());
        assert_eq!(r.format.as_deref(), Some("postmark"));
        assert_eq!(r.recipients[0].reason, Reason::Hostunknown);
    }

    #[test]
    fn a_transient_record_is_a_delay() {
        let j = r#"{"RecordType":"Bounce","Type":"Transient","TypeCode":2,"Description":"The server could not temporarily deliver your message (ex: Message is delayed due to network troubles).","Details":"smtp;421 4.4.2 Connection timed out","Email":"a@example.net"}"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, BounceKind::Delay);
        assert_eq!(r.recipients[0].address, "a@example.net");
    }
}
