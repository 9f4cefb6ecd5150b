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

/// The report a disposition notification gives: its Final-Recipient (section 3.2.4) delivered;
/// or, for a Sieve filter's rejection, refused.
pub(super) fn report(
    part: &str,
    top: &mime::Headers<'_>,
    text: &str,
    original: Option<OriginalMessage>,
) -> BounceReport {
    if sieve_rejection(part, top, text) {
        return rejection(part, top, text, original);
    }
    // Without its notification part (a header-only paste: the mail program's "Properties"
    // view), the receipt's own From names the recipient: RFC 8098 section 2.1, the MDN is sent
    // by the recipient's mail program on its user's behalf.
    let recipients = field(part, "final-recipient")
        .map(typed_value)
        .or_else(|| {
            top.value("from")
                .and_then(|f| super::result::first_address(&f))
        })
        .filter(|a| a.contains('@'))
        .map(|a| simple_recipient(a.to_ascii_lowercase(), Reason::Delivered))
        .into_iter()
        .collect();
    // A notification part without a disposition field reads as "displayed"; without the part
    // at all (a header-only paste), what was done is not in the paste.
    let disposition = field(part, "disposition")
        .and_then(|d| d.rsplit(';').next())
        .map(|d| d.trim().to_ascii_lowercase())
        .filter(|d| !d.is_empty())
        .or_else(|| field(part, "final-recipient").map(|_| "displayed".to_string()));
    let summary = match disposition {
        Some(d) => format!(
            "A message disposition notification (read receipt, RFC 8098), not a bounce: the message was delivered and the recipient's mail program reports it as {}.",
            clip(&d, 40)
        ),
        None => "A message disposition notification (read receipt, RFC 8098), not a bounce: the message was delivered, and the recipient's mail program sent this receipt (its part that says what was done with the message is not in the paste).".into(),
    };
    delivered(
        top,
        BounceKind::NotBounce,
        Some("rfc8098".into()),
        summary,
        recipients,
        original,
    )
}

/// Whether the notification is a Sieve filter's rejection (RFC 5429 section 2.1.1: the reject
/// action refuses the message with an MDN whose disposition is
/// "automatic-action/MDN-sent-automatically; deleted", which Dovecot and Cyrus send with
/// "Auto-Submitted: auto-replied (rejected)" and "was automatically rejected" in its text): a
/// refusal by the recipient's filter, not a receipt. The disposition alone does not tell:
/// Exchange's non-read notification ("was deleted without being read") is sent automatically
/// with the same one.
fn sieve_rejection(part: &str, top: &mime::Headers<'_>, text: &str) -> bool {
    let disposition = field(part, "disposition")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let (mode, kind) = disposition.split_once(';').unwrap_or((&disposition, ""));
    let says = text.to_ascii_lowercase().contains("automatically rejected");
    (mode.trim().starts_with("automatic-action") && kind.trim().starts_with("deleted") && says)
        || top
            .value("auto-submitted")
            .is_some_and(|v| v.to_ascii_lowercase().contains("(rejected)"))
}

/// The report of a Sieve rejection: the Final-Recipient refused by its filter, the words of
/// the notice's first part (the script's reason) its diagnostic.
fn rejection(
    part: &str,
    top: &mime::Headers<'_>,
    text: &str,
    original: Option<OriginalMessage>,
) -> BounceReport {
    let address = field(part, "final-recipient")
        .map(typed_value)
        .filter(|a| a.contains('@'))
        .map(|a| a.to_ascii_lowercase())
        .unwrap_or_else(|| "the recipient".into());
    let mut recipient = simple_recipient(address, Reason::Filtered);
    recipient.hard = true;
    // The human-readable words: after "rejected:" (Dovecot's and Cyrus's "Your message to <x>
    // was automatically rejected:"), up to the next blank line or MIME boundary.
    let lower = text.to_ascii_lowercase();
    recipient.diagnostic = lower.find("rejected:").and_then(|i| {
        let rest = text.get(i + "rejected:".len()..)?;
        let words: Vec<&str> = rest
            .trim_start()
            .lines()
            .take_while(|l| !l.trim().is_empty() && !l.starts_with("--"))
            .take(6)
            .collect();
        (!words.is_empty()).then(|| crate::vocab::text::clip_ellipsis(&words.join(" "), 300))
    });
    let mut r = delivered(
        top,
        BounceKind::Bounce,
        Some("sieve-reject".into()),
        "A Sieve filter's rejection (RFC 5429), not a read receipt: the recipient's mail system refused the message after it arrived and sent this notice back.".into(),
        vec![recipient],
        original,
    );
    r.refused_by = super::RefusedBy::RemoteServer;
    r.reporting_mta = field(part, "reporting-ua")
        .and_then(|v| v.split(';').next())
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| h.contains('.') && !h.contains(' '));
    r
}

/// Outlook's read receipt as a mail program shows it: "Your message" above the original's To,
/// Subject and Sent lines, then "was read on DATE" (Outlook's receipt, requested under
/// Options > Request a Read Receipt: Microsoft Support, "Add and request read receipts and
/// delivery notifications"), its non-read notification ("Not read:", "was deleted without being
/// read on DATE", Microsoft's articles on non-read receipts), and the same two phrases as
/// Outlook writes them in Dutch, German, French, Spanish ("Su mensaje ... se leyó el", "... se
/// eliminó sin haberse leído"), Portuguese ("A sua mensagem ... foi lida", "... sem ser lida")
/// and Italian ("Il messaggio ... è stato letto", "... senza essere letto"). Both phrases must be
/// there, in that order. The third part: the phrase is a non-read notification's.
const SHOWN_RECEIPTS: [(&str, &str, bool); 11] = [
    ("your message", "was read on", false),
    ("your message", "was deleted without being read", true),
    ("uw bericht", "is gelezen op", false),
    ("ihre nachricht", "gelesen", false),
    ("votre message", "a été lu le", false),
    ("su mensaje", "se leyó", false),
    ("su mensaje", "sin haberse leído", true),
    ("sua mensagem", "foi lida", false),
    ("sua mensagem", "sem ser lida", true),
    ("il messaggio", "è stato letto", false),
    ("il messaggio", "senza essere letto", true),
];

/// Whether the text (lowercase) is such a receipt.
pub(super) fn shown_receipt(lower: &str) -> bool {
    SHOWN_RECEIPTS.iter().any(|(opening, read, _)| {
        // The original's Subject line stands between them, under the language's label.
        lower.find(opening).is_some_and(|i| {
            lower[i..].find(read).is_some_and(|j| {
                let between = &lower[i..i + j];
                [
                    "subject",
                    "onderwerp",
                    "betreff",
                    "objet",
                    "asunto",
                    "assunto",
                    "oggetto",
                ]
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
    let lower = text.to_lowercase();
    let summary = if SHOWN_RECEIPTS
        .iter()
        .any(|(_, phrase, unread)| *unread && lower.contains(phrase))
    {
        "A non-read notification, not a bounce: the message was delivered, and the recipient deleted it without opening it."
    } else {
        "A read receipt, not a bounce: the message was delivered and the recipient opened it."
    };
    delivered(
        top,
        BounceKind::NotBounce,
        Some("outlook-receipt".into()),
        summary.into(),
        recipients,
        original,
    )
}

/// Whether the text shows a disposition notification's fields as text (a mail program that
/// displays the report's second part, as Thunderbird does, or a paste of it): a Disposition
/// line with its disposition type after the semicolon (RFC 8098 section 3.2.6: displayed,
/// deleted, dispatched, processed), and a Final-Recipient, Original-Message-ID or Reporting-UA
/// line (sections 3.2.1, 3.2.4, 3.2.5). `lower` is lowercase.
pub(super) fn shown_fields(lower: &str) -> bool {
    let mut disposition = false;
    let mut other = false;
    for line in lower.lines().take(2_000) {
        let line = line.trim_start_matches(['>', ' ', '\t']);
        if let Some(v) = line.strip_prefix("disposition:") {
            disposition |= v.rsplit_once(';').is_some_and(|(_, t)| {
                let t = t.trim();
                ["displayed", "deleted", "dispatched", "processed"]
                    .iter()
                    .any(|d| t.starts_with(d))
            });
        }
        other |= ["final-recipient:", "original-message-id:", "reporting-ua:"]
            .iter()
            .any(|f| line.starts_with(f));
    }
    disposition && other
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

    #[test]
    fn outlooks_spanish_non_read_notification_is_a_delivery_not_a_reading() {
        let shown = "De: Javier <j@b.example>\nEnviado el: jueves, 8 de octubre de 2026 18:42\nPara: Lucía <l@a.example>\nAsunto: No leído: Presupuesto\n\nSu mensaje\n\n    Para: Javier\n    Asunto: Presupuesto\n\nse eliminó sin haberse leído el jueves, 8 de octubre de 2026 18:42:37.\n";
        let r = analyze(shown.as_bytes());
        assert_eq!(r.format.as_deref(), Some("outlook-receipt"));
        assert!(r.summary.contains("without opening it"), "{}", r.summary);
    }

    #[test]
    fn shown_fields_and_sieve_rejections() {
        // Thunderbird's view of a receipt: the report's fields shown as text.
        let shown = "Subject: Return Receipt (displayed) - Offer\nFrom: Pieter <p@b.example>\n\nThis is a Return Receipt for the mail that you sent to p@b.example.\n\nReporting-UA: Thunderbird\nFinal-Recipient: rfc822;p@b.example\nDisposition: manual-action/MDN-sent-manually; displayed\n";
        let r = analyze(shown.as_bytes());
        assert_eq!(r.format.as_deref(), Some("rfc8098"));
        assert_eq!(r.recipients[0].reason, Reason::Delivered);
        // A Sieve reject (RFC 5429 2.1.1): refused, with the script's words.
        let reject = "From: postmaster@b.example\nTo: a@a.example\nSubject: Rejected: Offer\nAuto-Submitted: auto-replied (rejected)\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=disposition-notification; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain\n\nYour message to <k@b.example> was automatically rejected:\nThis address is no longer in use.\n\n--b1\nContent-Type: message/disposition-notification\n\nReporting-UA: mail.b.example; Dovecot Mail Delivery Agent\nFinal-Recipient: rfc822; k@b.example\nDisposition: automatic-action/MDN-sent-automatically; deleted\n\n--b1--\n";
        let r = analyze(reject.as_bytes());
        assert_eq!(r.kind, BounceKind::Bounce);
        assert_eq!(r.format.as_deref(), Some("sieve-reject"));
        assert_eq!(r.recipients[0].address, "k@b.example");
        assert_eq!(r.recipients[0].reason, Reason::Filtered);
        assert_eq!(
            r.recipients[0].diagnostic.as_deref(),
            Some("This address is no longer in use.")
        );
        assert_eq!(r.reporting_mta.as_deref(), Some("mail.b.example"));
    }
}
