//! Message disposition notifications (RFC 8098, "read receipts"): a multipart/report of
//! report-type disposition-notification whose message/disposition-notification part says what
//! the recipient's mail program did with the message (section 3.2.6: displayed, deleted,
//! dispatched, processed). Every disposition is of a message that was delivered to the
//! recipient's mailbox: a receipt, not a failure. The returned headers (section 3: the third
//! part, text/rfc822-headers, optional) are the customer's message as it arrived.

use super::dsn::typed_value;
use super::report::delivered;
use super::result::simple_recipient;
use super::{BounceKind, BounceReport, OriginalMessage, Reason, mime};
use crate::vocab::text::clip;

/// The value of a field of the notification part (section 3.1: fields as in RFC 5322).
fn field<'a>(part: &'a str, name: &str) -> Option<&'a str> {
    part.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// The report a disposition notification gives: its Final-Recipient (section 3.2.4) delivered.
pub(super) fn report(
    part: &str,
    top: &mime::Headers<'_>,
    original: Option<OriginalMessage>,
) -> BounceReport {
    let recipients = field(part, "final-recipient")
        .map(typed_value)
        .filter(|a| a.contains('@'))
        .map(|a| simple_recipient(a.to_ascii_lowercase(), Reason::Delivered))
        .into_iter()
        .collect();
    let disposition = field(part, "disposition")
        .and_then(|d| d.rsplit(';').next())
        .map(|d| d.trim().to_ascii_lowercase())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "displayed".into());
    delivered(
        top,
        BounceKind::NotBounce,
        Some("rfc8098".into()),
        format!(
            "A message disposition notification (read receipt, RFC 8098), not a bounce: the message was delivered and the recipient's mail program reports it as {}.",
            clip(&disposition, 40)
        ),
        recipients,
        original,
    )
}

#[cfg(test)]
mod tests {
    use crate::checks::bounce::{BounceKind, Reason, analyze};

    #[test]
    fn a_read_receipt_is_a_delivery() {
        let m = "From: b@example.net\r\nTo: a@example.org\r\nSubject: Read: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=disposition-notification; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nThis is a Return Receipt.\r\n--b1\r\nContent-Type: message/disposition-notification\r\n\r\nReporting-UA: mua.example.net; Thunderbird\r\nFinal-Recipient: rfc822;b@example.net\r\nOriginal-Message-ID: <1@example.org>\r\nDisposition: manual-action/MDN-sent-manually; displayed\r\n\r\n--b1--\r\n";
        let r = analyze(m.as_bytes());
        assert_eq!(r.kind, BounceKind::NotBounce);
        assert_eq!(r.format.as_deref(), Some("rfc8098"));
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "b@example.net");
        assert_eq!(r.recipients[0].reason, Reason::Delivered);
    }
}
