//! Mailjet Event API notifications, as an application's webhook log shows them (Mailjet's
//! "Event API: real-time notifications" guide, github.com/mailjet/api-documentation
//! guides/_event-api.md): one JSON object per event, or an array of them ("Version 2"
//! grouping), each with `event`, `time`, the recipient in `email` and Mailjet's own keys
//! (`mj_campaign_id`, `mj_contact_id`, `Message_GUID`).
//!
//! `bounce` is a failure of the message to that address (a greylisting that is no hard
//! bounce a delay: "Delivery will be re-attempted"), `blocked` Mailjet's own refusal to send it; both name the error in Mailjet's
//! table of `error_related_to` and `error` values, which is read as that table explains each
//! value, unless the event's `comment` quotes the words of the refusal, which then decide.
//! `sent` is the receiving server's acceptance, its reply in `smtp_reply`. The `spam`
//! event (a feedback loop's complaint) is read in webhook.rs. Several events for one address
//! are read as its last one.

use super::recipients::Raw;
use super::{MAX_RECIPIENTS, Reason, scan, sendgrid};

/// Whether the text holds Mailjet events: an event with the keys only Mailjet's carry.
pub(super) fn is_events(text: &str) -> bool {
    text.contains("\"event\"")
        && text.contains("\"email\"")
        && (text.contains("\"mj_contact_id\"")
            || text.contains("\"mj_campaign_id\"")
            || text.contains("\"Message_GUID\""))
}

/// The reason Mailjet's error table gives an `error_related_to` and `error` pair ("Possible
/// values for errors": "user unknown": "Email address doesn't exist"; "mailbox inactive":
/// "Account has been inactive for too long"; "quota exceeded"; "invalid domain": "There's a
/// typo in the domain name part of the address. Or the address is so old that its domain has
/// expired"; "no mail host"; "sender blocked"; "content blocked": "Something in your email has
/// triggered an anti-spam filter"; "policy issue"; the "system" errors on Mailjet's side;
/// "preblocked": "an address that recently (or repeatedly) bounced. We didn't try to send it").
/// The values the table leaves open (relay/access denied, greylisted, duplicate in campaign)
/// and the "system" errors, which it puts on Mailjet's own side, are left to the words.
fn table_reason(related: &str, error: &str) -> Option<Reason> {
    Some(
        match (
            related.to_ascii_lowercase().as_str(),
            error.to_ascii_lowercase().as_str(),
        ) {
            ("recipient", "user unknown") => Reason::Userunknown,
            ("recipient", "mailbox inactive") => Reason::Suspend,
            ("recipient", "quota exceeded") => Reason::Mailboxfull,
            ("domain", "invalid domain" | "no mail host") => Reason::Hostunknown,
            ("spam", "sender blocked") => Reason::Blocked,
            ("spam", "content blocked") => Reason::Spamdetected,
            ("spam", "policy issue") => Reason::Policyviolation,
            // An address on the suppression list, read as SES's and Mailgun's are (ses.rs,
            // mailgun.rs): the address does not take mail.
            ("mailjet", "preblocked") => Reason::Userunknown,
            _ => return None,
        },
    )
}

/// Whether `key` holds the JSON literal `true` in `obj` (white space around the colon allowed).
fn json_true(obj: &str, key: &str) -> bool {
    let pat = format!("\"{key}\"");
    obj.find(&pat)
        .and_then(|i| obj.get(i + pat.len()..))
        .and_then(|r| r.trim_start().strip_prefix(':'))
        .is_some_and(|r| r.trim_start().starts_with("true"))
}

/// The events' recipients, added to `raws`. Mailjet's events name no sending IP: None.
pub(super) fn events(text: &str, raws: &mut Vec<Raw>) -> Option<String> {
    for obj in sendgrid::objects(text).into_iter().take(MAX_RECIPIENTS) {
        let Some(event) = scan::json_str(obj, "event") else {
            continue;
        };
        let event = event.to_ascii_lowercase();
        let action = match event.as_str() {
            // Greylisting is temporary: "Delivery will be re-attempted" (the error table).
            "bounce"
                if scan::json_str(obj, "error")
                    .is_some_and(|e| e.eq_ignore_ascii_case("greylisted"))
                    && !json_true(obj, "hard_bounce") =>
            {
                "delayed"
            }
            "bounce" | "blocked" => "failed",
            "sent" => "delivered",
            _ => continue,
        };
        let Some(address) = scan::json_str(obj, "email").filter(|a| a.contains('@')) else {
            continue;
        };
        let raw = if action == "delivered" {
            let reply = scan::json_str(obj, "smtp_reply").unwrap_or("");
            Raw::event(address, action, scan::status(reply), Some(reply))
        } else {
            let related = scan::json_str(obj, "error_related_to").unwrap_or("");
            let error = scan::json_str(obj, "error").unwrap_or("");
            // The bounce's `comment`, in Mailjet's current samples the words of the server or
            // of Mailjet's own mail system ("Host or domain name not found. Name service error
            // for name=... type=A: Host not found"), is the more precise evidence: it decides
            // when the event has one; the error table otherwise.
            let comment = scan::json_str(obj, "comment").unwrap_or("").trim();
            if comment.is_empty() {
                let who = if event == "blocked" {
                    "Mailjet did not send the message"
                } else {
                    "Mailjet's bounce event"
                };
                let words = format!("{who}: error_related_to \"{related}\", error \"{error}\"");
                let mut raw = Raw::event(address, action, None, Some(&words));
                raw.classified = table_reason(related, error);
                raw
            } else {
                // The table still decides where the comment's words name no reason of their
                // own ("Bounce processed by Mailjet"): a classification the reader takes before
                // phrases would otherwise override them.
                let mut raw = Raw::event(address, action, scan::status(comment), Some(comment));
                if super::reason::phrases(&comment.to_ascii_lowercase()) == 0 {
                    raw.classified = table_reason(related, error);
                }
                raw
            }
        };
        raw.replace_in(raws);
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::checks::bounce::{BounceKind, Reason, analyze};

    #[test]
    fn a_bounce_event_is_read_by_mailjet_s_error_table() {
        let event = |related: &str, error: &str| {
            format!(
                r#"[2026-12-01 15:17:12] POST /hooks/mailjet 200
[{{"event":"bounce","time":1796134631,"MessageID":1,"Message_GUID":"g","email":"a@example.net","mj_campaign_id":7,"mj_contact_id":3,"customcampaign":"","CustomID":"","Payload":"","blocked":false,"hard_bounce":true,"error_related_to":"{related}","error":"{error}"}}]"#
            )
        };
        let r = analyze(event("domain", "invalid domain").as_bytes());
        assert_eq!(r.kind, BounceKind::Bounce);
        assert_eq!(r.format.as_deref(), Some("mailjet"));
        assert_eq!(r.recipients[0].address, "a@example.net");
        assert_eq!(r.recipients[0].reason, Reason::Hostunknown);
        let r = analyze(event("recipient", "user unknown").as_bytes());
        assert_eq!(r.recipients[0].reason, Reason::Userunknown);
        let r = analyze(event("spam", "content blocked").as_bytes());
        assert_eq!(r.recipients[0].reason, Reason::Spamdetected);
        let r = analyze(event("mailjet", "preblocked").as_bytes());
        assert_eq!(r.recipients[0].reason, Reason::Userunknown);
    }

    #[test]
    fn a_bounce_s_comment_decides_over_the_error_table() {
        let j = r#"{"event":"bounce","time":1,"Message_GUID":"g","email":"a@example.net","mj_contact_id":3,"hard_bounce":false,"error_related_to":"recipient","error":"user unknown","comment":"552 5.2.2 Mailbox full, try later"}"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.recipients[0].reason, Reason::Mailboxfull);
        assert_eq!(r.recipients[0].reply_code, Some(552));
    }

    #[test]
    fn a_greylisting_that_is_no_hard_bounce_is_a_delay() {
        let j = r#"{"event":"bounce","time":1,"email":"a@example.net","mj_contact_id":3,"blocked":false,"hard_bounce":false,"error_related_to":"domain","error":"greylisted"}"#;
        assert_eq!(analyze(j.as_bytes()).kind, BounceKind::Delay);
        // A hard bounce for greylisting, however spaced, is not.
        let hard = j.replace("\"hard_bounce\":false", "\"hard_bounce\" : true");
        assert_eq!(analyze(hard.as_bytes()).kind, BounceKind::Bounce);
        // A comment that quotes nothing leaves the table to decide.
        let c = r#"{"event":"bounce","time":1,"email":"a@example.net","mj_contact_id":3,"hard_bounce":true,"error_related_to":"recipient","error":"user unknown","comment":"Bounce processed by Mailjet"}"#;
        assert_eq!(
            analyze(c.as_bytes()).recipients[0].reason,
            Reason::Userunknown
        );
        // A comment whose words name a reason, without a reply code, decides over the table.
        let full = c.replace("Bounce processed by Mailjet", "Mailbox full");
        assert_eq!(
            analyze(full.as_bytes()).recipients[0].reason,
            Reason::Mailboxfull
        );
    }

    #[test]
    fn a_sent_event_after_a_bounce_is_where_the_address_stands() {
        let j = concat!(
            r#"{"event":"sent","time":2,"email":"a@example.net","mj_contact_id":3,"smtp_reply":"sent (250 2.0.0 OK 1424873937 fn1si2587485pab.205 - gsmtp)"}"#,
            "\n",
            r#"{"event":"bounce","time":1,"email":"b@example.net","mj_contact_id":4,"hard_bounce":true,"error_related_to":"recipient","error":"quota exceeded"}"#
        );
        let r = analyze(j.as_bytes());
        assert_eq!(r.recipients.len(), 2);
        let b = r
            .recipients
            .iter()
            .find(|x| x.address == "b@example.net")
            .expect("the bounced address");
        assert_eq!(b.reason, Reason::Mailboxfull);
        let a = r
            .recipients
            .iter()
            .find(|x| x.address == "a@example.net")
            .expect("the delivered address");
        assert_eq!(a.reason, Reason::Delivered);
    }
}
