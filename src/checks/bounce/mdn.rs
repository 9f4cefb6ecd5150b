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

/// Outlook's read receipt as a mail program shows it: "Your message" above the original's To,
/// Subject and Sent lines, then "was read on DATE" (Outlook's receipt, requested under
/// Options > Request a Read Receipt: Microsoft Support, "Add and request read receipts and
/// delivery notifications"), and the same two phrases as Outlook writes them in Dutch, German and
/// French. Both phrases must be there, in that order.
const SHOWN_RECEIPTS: [(&str, &str); 4] = [
    ("your message", "was read on"),
    ("uw bericht", "is gelezen op"),
    ("ihre nachricht", "gelesen"),
    ("votre message", "a été lu le"),
];

/// Whether the text (lowercase) is such a receipt.
pub(super) fn shown_receipt(lower: &str) -> bool {
    SHOWN_RECEIPTS.iter().any(|(opening, read)| {
        // The original's Subject line stands between them, under the language's label.
        lower.find(opening).is_some_and(|i| {
            lower[i..].find(read).is_some_and(|j| {
                let between = &lower[i..i + j];
                ["subject", "onderwerp", "betreff", "objet"]
                    .iter()
                    .any(|label| between.contains(label))
            })
        })
    })
}

/// The report of a receipt shown as text: the message was delivered to the address the receipt
/// comes from (its first address, the shown From).
pub(super) fn shown(
    text: &str,
    top: &mime::Headers<'_>,
    original: Option<OriginalMessage>,
) -> BounceReport {
    let from = top
        .value("from")
        .unwrap_or_else(|| text.lines().take(20).collect::<Vec<_>>().join("\n"));
    let recipients = super::scan::addresses(&from)
        .first()
        .and_then(|&(s, e)| from.get(s..e))
        .map(|a| simple_recipient(a.to_ascii_lowercase(), Reason::Delivered))
        .into_iter()
        .collect();
    delivered(
        top,
        BounceKind::NotBounce,
        Some("outlook-receipt".into()),
        "A read receipt, not a bounce: the message was delivered and the recipient opened it."
            .into(),
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

    #[test]
    fn outlooks_receipt_shown_as_text_is_a_delivery() {
        let shown = "Is this a bounce?\n\nFrom: Pieter <p@b.example>\nSent: Tuesday, March 24, 2026 3:02 PM\nTo: Info <info@a.example>\nSubject: Read: Offer\n\nYour message\n\n  To: Pieter\n  Subject: Offer\n  Sent: Tuesday, March 24, 2026 2:14:07 PM\n\nwas read on Tuesday, March 24, 2026 3:02:45 PM.\n";
        let r = analyze(shown.as_bytes());
        assert_eq!(r.kind, BounceKind::NotBounce);
        assert_eq!(r.format.as_deref(), Some("outlook-receipt"));
        assert_eq!(r.recipients[0].address, "p@b.example");
        // Words of a receipt in a message about something else are not one.
        let other = "Your message was read on the radio.\n";
        assert_ne!(
            analyze(other.as_bytes()).format.as_deref(),
            Some("outlook-receipt")
        );
    }
}
