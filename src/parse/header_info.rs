//! One-line explanations of the header fields support staff meet, for the full header list.
//! Names compare ASCII case-insensitively; a field not listed here has no explanation.

const INFO: &[(&str, &str)] = &[
    (
        "Received",
        "A server that handled the message, added by that server; the newest is at the top.",
    ),
    (
        "Return-Path",
        "The envelope sender (MAIL FROM): where bounces go. Added by the final server.",
    ),
    (
        "Delivered-To",
        "The mailbox the message was delivered to, added by the receiving server.",
    ),
    (
        "X-Original-To",
        "The address the message was originally sent to, before any alias or forward.",
    ),
    (
        "Envelope-To",
        "The envelope recipient, added by the receiving server (Exim).",
    ),
    (
        "From",
        "The author as shown to the reader; anyone can write anything here, which is why SPF, DKIM and DMARC exist.",
    ),
    (
        "Sender",
        "The mailbox that actually sent the message on the author's behalf.",
    ),
    ("Reply-To", "Where replies go, if not to From."),
    (
        "To",
        "The primary recipients as written by the sender (not necessarily who received it).",
    ),
    ("Cc", "Copy recipients as written by the sender."),
    (
        "Bcc",
        "Blind copy recipients; normally removed before sending.",
    ),
    ("Subject", "The subject line."),
    (
        "Date",
        "When the author's program says the message was written (its clock may be wrong).",
    ),
    (
        "Message-ID",
        "A unique identifier of the message, made by the sending program.",
    ),
    (
        "In-Reply-To",
        "The Message-ID of the message this one replies to.",
    ),
    (
        "References",
        "The Message-IDs of the conversation this message belongs to.",
    ),
    (
        "MIME-Version",
        "Says the message uses MIME (attachments, character sets).",
    ),
    (
        "Content-Type",
        "What the body is (plain text, HTML, several parts) and its character set.",
    ),
    (
        "Content-Transfer-Encoding",
        "How the body is encoded for transport (base64, quoted-printable, 7bit, 8bit).",
    ),
    (
        "Content-Disposition",
        "Whether a part is shown inline or is an attachment, and its file name.",
    ),
    (
        "Authentication-Results",
        "The receiving server's record of the SPF, DKIM, DMARC and other checks it ran (RFC 8601).",
    ),
    (
        "ARC-Authentication-Results",
        "Authentication results preserved by a forwarding server in an ARC chain (RFC 8617).",
    ),
    (
        "ARC-Seal",
        "A forwarding server's signature over the ARC chain (RFC 8617); cv= says whether the chain was valid.",
    ),
    (
        "ARC-Message-Signature",
        "A forwarding server's DKIM-like signature of the message as it saw it (RFC 8617).",
    ),
    (
        "Received-SPF",
        "The result of an SPF check, added by the server that ran it (RFC 7208 section 9.1).",
    ),
    (
        "DKIM-Signature",
        "A digital signature by the sending domain (d=) over parts of the message (RFC 6376).",
    ),
    ("DomainKey-Signature", "The obsolete predecessor of DKIM."),
    (
        "X-Google-DKIM-Signature",
        "Google's own internal DKIM signature.",
    ),
    (
        "X-HE-DKIM-Result",
        "The DKIM result recorded by Hurricane Electric's mail service.",
    ),
    (
        "List-Unsubscribe",
        "How to unsubscribe from a mailing list or newsletter (a mailto: or https: link).",
    ),
    (
        "List-Unsubscribe-Post",
        "Says the unsubscribe link works with one click (RFC 8058); required of bulk senders by Gmail and Yahoo.",
    ),
    (
        "List-Id",
        "Identifies the mailing list that sent the message.",
    ),
    (
        "Precedence",
        "Marks bulk or list mail (bulk, list, junk); auto-responders should not answer it.",
    ),
    (
        "Feedback-ID",
        "An identifier large senders add so that mailbox providers can report complaints per campaign.",
    ),
    (
        "Auto-Submitted",
        "Says the message was sent automatically (RFC 3834), such as a vacation reply.",
    ),
    (
        "X-Mailer",
        "The program that wrote the message, as it names itself.",
    ),
    ("User-Agent", "The mail program that wrote the message."),
    (
        "X-Originating-IP",
        "The address of the computer that submitted the message to a webmail service.",
    ),
    (
        "X-Spam-Status",
        "SpamAssassin's verdict: spam or not, the score and the rules that matched.",
    ),
    ("X-Spam-Score", "A spam filter's score for the message."),
    (
        "X-Spam-Flag",
        "Set to YES by SpamAssassin when it considers the message spam.",
    ),
    ("X-Spam-Level", "SpamAssassin's score drawn as stars."),
    ("X-Spam-Report", "SpamAssassin's rule-by-rule report."),
    (
        "X-Spamd-Result",
        "rspamd's verdict, score and the symbols (rules) that matched.",
    ),
    ("X-Rspamd-Score", "rspamd's score."),
    (
        "X-Rspamd-Action",
        "What rspamd decided to do (no action, add header, reject, ...).",
    ),
    (
        "X-Forefront-Antispam-Report",
        "Microsoft 365's spam filter report: spam confidence level (SCL), category, country, and more.",
    ),
    (
        "X-Microsoft-Antispam",
        "Microsoft 365 anti-spam data, including the bulk complaint level (BCL).",
    ),
    (
        "X-Microsoft-Antispam-Mailbox-Delivery",
        "Where Microsoft 365 delivered the message (inbox or junk) and why.",
    ),
    (
        "X-MS-Exchange-Organization-SCL",
        "Microsoft's spam confidence level: -1 trusted, 0-1 not spam, 5-6 spam, 9 high confidence spam.",
    ),
    (
        "X-MS-Exchange-Organization-AuthAs",
        "How Exchange authenticated the sender: Anonymous (from outside) or Internal.",
    ),
    ("X-MS-Has-Attach", "Whether Exchange saw an attachment."),
    ("X-Barracuda-Spam-Score", "Barracuda's spam score."),
    (
        "X-Barracuda-Spam-Status",
        "Barracuda's verdict and thresholds.",
    ),
    (
        "X-Proofpoint-Spam-Details",
        "Proofpoint's spam verdict and scores.",
    ),
    ("X-Mimecast-Spam-Score", "Mimecast's spam score."),
    (
        "X-IronPort-Anti-Spam-Result",
        "Cisco Secure Email (IronPort) anti-spam result.",
    ),
    (
        "X-SES-Outgoing",
        "Added by Amazon SES to messages it sends.",
    ),
    (
        "X-Virus-Scanned",
        "Says a virus scanner checked the message.",
    ),
    (
        "X-Received",
        "Like Received, added by Google's internal servers.",
    ),
    ("X-Gm-Message-State", "Google's internal message state."),
    (
        "X-Google-Smtp-Source",
        "Google's internal tracking of the sending server.",
    ),
    (
        "Thread-Topic",
        "The conversation topic, written by Outlook.",
    ),
    ("Thread-Index", "Outlook's conversation tracking."),
    (
        "Importance",
        "The importance the sender set (high, normal, low).",
    ),
    (
        "X-Priority",
        "The priority the sender set (1 highest to 5 lowest).",
    ),
    (
        "Disposition-Notification-To",
        "Asks for a read receipt to this address.",
    ),
    (
        "Resent-From",
        "Who re-sent (forwarded unchanged) the message.",
    ),
    ("Resent-Date", "When the message was re-sent."),
    (
        "Organization",
        "The sender's organization, as the sender wrote it.",
    ),
    (
        "X-Original-Sender",
        "The original sender, recorded by a mailing list or Google Groups.",
    ),
    (
        "X-Failed-Recipients",
        "Recipients that could not be reached, in a bounce (Exim).",
    ),
    ("X-Autoreply", "Marks an automatic reply."),
];

/// The one-line explanation of a header field, if it is a known one.
pub fn explain(name: &str) -> Option<&'static str> {
    INFO.iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(name))
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown() {
        assert!(explain("received").unwrap().contains("newest"));
        assert!(explain("X-Unknown-Thing").is_none());
        let mut names: Vec<String> = INFO.iter().map(|(n, _)| n.to_ascii_lowercase()).collect();
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "each header is listed once");
    }
}
