//! Amazon SES notifications: the JSON SES sends for a bounce or a complaint, pasted or mailed.

use super::dsn::typed_value;
use super::recipients::Raw;
use super::{BounceReport, FeedbackInfo, MAX_RECIPIENTS, Reason, scan};

/// The reason an Amazon SES `bounceType` / `bounceSubType` pair names, when it names one (Amazon
/// SES Developer Guide, "Amazon SNS notification contents for Amazon SES", bounce types:
/// https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html#bounce-types). The
/// `General` and `Undetermined` sub-types name none: the server's words decide.
fn subtype_reason(bounce_type: &str, sub: &str) -> Option<Reason> {
    let permanent = bounce_type.eq_ignore_ascii_case("permanent");
    let transient = bounce_type.eq_ignore_ascii_case("transient");
    let is = |s: &str| sub.eq_ignore_ascii_case(s);
    Some(if permanent && is("noemail") {
        // "the target email address does not exist"
        Reason::Userunknown
    } else if permanent && (is("suppressed") || is("onaccountsuppressionlist")) {
        // On SES's suppression list or the account's (a recent hard bounce): Sisimai 5's
        // Suppressed, whose closest reason here is an unknown user (data/bounce/README.md).
        Reason::Userunknown
    } else if transient && is("mailboxfull") {
        Reason::Mailboxfull
    } else if transient && is("messagetoolarge") {
        Reason::Mesgtoobig
    } else if transient && (is("contentrejected") || is("attachmentrejected")) {
        Reason::Contenterror
    } else {
        return None;
    })
}

/// The address SES sent the message from, in event publishing's automatic tags: `mail.tags`
/// "ses:outgoing-ip", "the IP address that Amazon SES used to send the email" (SES Developer
/// Guide, "Monitor email sending using Amazon SES event publishing", auto-tags); not
/// "ses:source-ip", the address of the program that called SES.
fn outgoing_ip(text: &str) -> Option<String> {
    let i = text.find("\"ses:outgoing-ip\"")?;
    let rest = text.get(i..)?;
    let list = rest.get(rest.find('[')? + 1..rest.find(']')?)?;
    let first = list.split(',').next()?.trim().trim_matches('"').trim();
    first
        .parse::<core::net::IpAddr>()
        .ok()
        .map(|ip| ip.to_string())
}

/// An Amazon SES notification (JSON in the body): bounces become recipients; a complaint is a
/// feedback report, returned at once. The type is `notificationType`, or `eventType` when the
/// notification comes from event publishing (same Developer Guide page, top-level object).
pub(super) fn notification(text: &str, raws: &mut Vec<Raw>) -> Option<BounceReport> {
    let kind =
        scan::json_str(text, "notificationType").or_else(|| scan::json_str(text, "eventType"))?;
    if kind.eq_ignore_ascii_case("complaint") {
        let rcpt = scan::json_str(text, "complainedRecipients")
            .or_else(|| {
                let i = text.find("complainedRecipients")?;
                scan::json_str(text.get(i..)?, "emailAddress")
            })
            .map(str::to_ascii_lowercase);
        return Some(super::webhook::complaint_report(
            "amazon_ses",
            "An Amazon SES complaint notification, not a bounce: a recipient marked the message as spam.".into(),
            rcpt.into_iter().collect(),
            FeedbackInfo {
                feedback_type: scan::json_str(text, "complaintFeedbackType").map(str::to_string),
                source_ip: outgoing_ip(text),
                ..FeedbackInfo::default()
            },
        ));
    }
    // A delivery (`Delivery`: "Amazon SES successfully delivered the email to the recipient's
    // mail server", its `delivery.recipients` a list of addresses and `smtpResponse` the
    // receiving server's reply; same Developer Guide's notification contents): delivered to
    // the recipient's server, whatever happened there after.
    if kind.eq_ignore_ascii_case("delivery") {
        let start = text.find("\"delivery\"")?;
        let delivery = text.get(start..)?;
        let list = delivery.get(delivery.find("\"recipients\"")?..)?;
        let list = list.get(list.find('[')? + 1..list.find(']')?)?;
        let reply = scan::json_str(delivery, "smtpResponse").unwrap_or("");
        for address in list
            .split(',')
            .map(|a| a.trim().trim_matches('"').trim())
            .filter(|a| a.contains('@'))
            .take(MAX_RECIPIENTS)
        {
            raws.push(Raw::event(address, "delivered", None, Some(reply)));
        }
        return None;
    }
    // A delivery delay (event publishing's `DeliveryDelay`: "The email couldn't be delivered
    // on the first attempt", its `deliveryDelay.delayedRecipients` with each one's status and
    // diagnostic code, same Developer Guide's event publishing contents): SES keeps trying
    // until its `expirationTime`.
    let delay = kind.eq_ignore_ascii_case("deliverydelay");
    let start = text
        .find("bouncedRecipients")
        .or_else(|| text.find("deliveredRecipients"))
        .or_else(|| text.find("delayedRecipients"))?;
    let mut rest = text.get(start..)?;
    let reporting = scan::json_str(text, "reportingMTA").map(typed_value);
    let classified = subtype_reason(
        scan::json_str(text, "bounceType").unwrap_or(""),
        scan::json_str(text, "bounceSubType").unwrap_or(""),
    );
    for _ in 0..MAX_RECIPIENTS {
        let Some(i) = rest.find("\"emailAddress\"") else {
            break;
        };
        rest = rest.get(i..)?;
        let obj_end = rest.find('}').unwrap_or(rest.len());
        let obj = rest.get(..obj_end)?;
        let Some(addr) = scan::json_str(obj, "emailAddress") else {
            break;
        };
        let diag = scan::json_str(obj, "diagnosticCode").unwrap_or("");
        let (dtype, dtext) = match diag.split_once(';') {
            Some((t, r)) if t.len() < 20 => (t.trim().to_ascii_uppercase(), r.trim().to_string()),
            _ => (String::new(), diag.to_string()),
        };
        raws.push(Raw {
            address: addr.to_ascii_lowercase(),
            action: if delay {
                Some("delayed".to_string())
            } else {
                scan::json_str(obj, "action").map(str::to_ascii_lowercase)
            },
            status: scan::json_str(obj, "status").and_then(scan::status),
            diagnostic: dtext,
            diagnostic_type: dtype,
            remote_mta: reporting.clone(),
            classified,
            ..Raw::default()
        });
        rest = rest.get(obj_end..)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::checks::bounce::{Reason, analyze};

    fn reasons(json: &str) -> Vec<(String, Reason)> {
        analyze(json.as_bytes())
            .recipients
            .into_iter()
            .map(|r| (r.address, r.reason))
            .collect()
    }

    #[test]
    fn the_bounce_sub_type_decides_when_the_words_do_not() {
        // Event publishing names the type `eventType`; a recipient without diagnosticCode.
        let j = r#"{"eventType":"Bounce","bounce":{"bounceType":"Transient","bounceSubType":"MailboxFull","bouncedRecipients":[{"emailAddress":"u@example.net"}],"timestamp":"2026-01-02T00:00:00.000Z"},"mail":{"source":"a@example.org"}}"#;
        assert_eq!(reasons(j), [("u@example.net".into(), Reason::Mailboxfull)]);
        let j = r#"{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"OnAccountSuppressionList","bouncedRecipients":[{"emailAddress":"v@example.net"}]}}"#;
        assert_eq!(reasons(j), [("v@example.net".into(), Reason::Userunknown)]);
        // The server's words come first.
        let j = r#"{"notificationType":"Bounce","bounce":{"bounceType":"Transient","bounceSubType":"General","bouncedRecipients":[{"emailAddress":"w@example.net","status":"5.2.2","diagnosticCode":"smtp; 552 5.2.2 Mailbox full"}]}}"#;
        assert_eq!(reasons(j), [("w@example.net".into(), Reason::Mailboxfull)]);
    }

    #[test]
    fn a_delivery_delay_event_is_a_delay() {
        let j = r#"{"notificationType":"Delivery","mail":{"source":"a@example.org","destination":["u@example.net"]},"delivery":{"timestamp":"2026-03-11T16:40:02.511Z","recipients":["u@example.net"],"smtpResponse":"250 2.6.0 Queued mail for delivery","remoteMtaIp":"192.0.2.24"}}"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "u@example.net");
        assert_eq!(r.recipients[0].reason, Reason::Delivered);
        let j = r#"{"eventType":"DeliveryDelay","mail":{"source":"a@example.org"},"deliveryDelay":{"delayType":"RecipientServerError","expirationTime":"2027-03-10T08:14:22.907Z","delayedRecipients":[{"emailAddress":"u@example.net","status":"4.3.1","diagnosticCode":"smtp; 452 4.3.1 Insufficient system storage"}]}}"#;
        let r = analyze(j.as_bytes());
        assert_eq!(r.kind, crate::checks::bounce::BounceKind::Delay);
        assert_eq!(r.recipients[0].address, "u@example.net");
        assert_eq!(r.recipients[0].reply_code, Some(452));
    }

    #[test]
    fn a_complaint_names_the_outgoing_ip_not_the_caller() {
        let j = r#"{"eventType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"c@example.net"}],"complaintFeedbackType":"abuse"},"mail":{"source":"a@example.org","tags":{"ses:source-ip":["203.0.113.5"],"ses:outgoing-ip":["192.0.2.14"]}}}"#;
        let r = analyze(j.as_bytes());
        assert_eq!(
            r.feedback.and_then(|f| f.source_ip).as_deref(),
            Some("192.0.2.14")
        );
    }
}
