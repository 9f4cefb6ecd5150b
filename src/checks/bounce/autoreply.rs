//! Automatic replies (RFC 3834: out of office, vacation): not bounces, the message was
//! delivered. Told by Auto-Submitted: auto-replied (section 5), X-Autoreply / X-Autorespond, or
//! the subjects mail programs give them.

use super::report::delivered;
use super::result::{first_address, simple_recipient};
use super::{BounceKind, BounceReport, BouncedRecipient, OriginalMessage, Reason, mime};
use crate::vocab::tables::bounce::reader::SUBJECTS;
use crate::vocab::text::clip;

/// Whether the header fields mark the message as an automatic reply (subjects:
/// data/bounce/reader/subjects.tsv, `auto` rows).
///
/// RFC 3834 section 5.1 reserves `auto-replied` for automatic responses and `auto-generated`
/// for messages that are not responses; but a message marked automatic in any way (any value
/// but `no`) that answers another message (In-Reply-To, which section 3.1.3 says a response
/// should carry, RFC 5322 section 3.6.4) is an automatic response whatever the keyword: Exchange
/// marks its out-of-office replies `auto-generated`, and so do help desks' acknowledgements.
pub(super) fn marked(top: &mime::Headers<'_>, subject_l: &str) -> bool {
    let submitted = top
        .value("auto-submitted")
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let answers = top.value("in-reply-to").is_some_and(|v| v.contains('@'));
    submitted.starts_with("auto-replied")
        || (!submitted.is_empty() && !submitted.starts_with("no") && answers)
        || top.get("x-autoreply").is_some()
        || top.get("x-autorespond").is_some()
        || SUBJECTS
            .iter()
            .any(|[kind, s]| *kind == "auto" && subject_l.starts_with(s))
}

/// The report an automatic reply gives: the replying mailbox is its recipient.
pub(super) fn report(
    top: &mime::Headers<'_>,
    from: &str,
    subject: &str,
    original: Option<OriginalMessage>,
) -> BounceReport {
    let recipients: Vec<BouncedRecipient> = first_address(from)
        .into_iter()
        .map(|a| simple_recipient(a, Reason::Vacation))
        .collect();
    delivered(
        top,
        BounceKind::AutoReply,
        Some("rfc3834".into()),
        format!(
            "An automatic reply (\"{}\"), not a bounce: the message was delivered and the recipient's mailbox answered by itself, usually because they are away.",
            clip(subject, 120)
        ),
        recipients,
        original,
    )
}

#[cfg(test)]
mod tests {
    use crate::checks::bounce::{BounceKind, analyze};

    #[test]
    fn an_auto_generated_answer_to_a_message_is_an_automatic_reply() {
        // Exchange's out-of-office and help desks' acknowledgements: auto-generated, answering.
        let m = "From: Help <help@example.net>\r\nTo: a@example.org\r\nSubject: [Request received] x (#1)\r\nIn-Reply-To: <1@example.org>\r\nAuto-Submitted: auto-generated\r\n\r\nYour request has been received.\r\n";
        assert_eq!(analyze(m.as_bytes()).kind, BounceKind::AutoReply);
        // Without In-Reply-To, auto-generated is not a response (RFC 3834 section 5.1).
        let m = "From: Help <help@example.net>\r\nTo: a@example.org\r\nSubject: Weekly digest\r\nAuto-Submitted: auto-generated\r\n\r\nNews.\r\n";
        assert_ne!(analyze(m.as_bytes()).kind, BounceKind::AutoReply);
    }
}
