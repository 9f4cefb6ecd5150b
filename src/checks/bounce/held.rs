//! A mailing list's notice that it holds a post for its moderator: GNU Mailman's "Your message
//! to LIST awaits moderator approval" (Mailman 3, src/mailman/chains/hold.py and the template
//! list:user:notice:hold: "Your mail to 'LIST' with the subject ... Is being held until the list
//! moderator can review it for approval. The message is being held because: REASON"; Mailman 2,
//! Mailman/Handlers/Hold.py: "... The reason it is being held: REASON"). The post is neither
//! delivered nor refused: it waits, and goes out if the moderator approves it. The reason is the
//! list's own rule (Mailman 3 src/mailman/rules/max_size.py: "The message is larger than the N
//! KB maximum size"; Mailman 2 Hold.py: "Message body is too big: N bytes with a limit of N KB";
//! non-member posts, too many recipients, implicit destination and the like otherwise).

use super::result::simple_recipient;
use super::{BounceKind, BounceReport, OriginalMessage, Reason, mime};

/// Whether the text is such a notice: its Subject and the words of its body.
pub(super) fn is_hold_notice(subject_l: &str, lower: &str) -> bool {
    subject_l.contains("awaits moderator approval")
        && lower.contains("is being held until the list moderator")
}

/// The notice's subject in `flat` (the text on one line), when the paste shows it under a label
/// of its own: from the last "message to" before the first "awaits moderator approval" to the
/// end of those words.
pub(super) fn subject_sentence(flat: &str) -> Option<&str> {
    let lower = flat.to_ascii_lowercase();
    let end = lower.find("awaits moderator approval")? + "awaits moderator approval".len();
    let start = lower[..end].rfind("message to ")?;
    flat.get(start..end)
}

/// The list's address, from the Subject ("Your message to LIST awaits moderator approval").
fn list_address(subject: &str) -> Option<String> {
    let lower = subject.to_ascii_lowercase();
    let start = lower.find("message to ")? + "message to ".len();
    let rest = subject.get(start..)?;
    let address = rest
        .split_whitespace()
        .next()?
        .trim_matches(['<', '>', '\'', '"']);
    (address.contains('@') && address.len() <= 254).then(|| address.to_string())
}

/// The list's reason: the first line with words after "held because:" (Mailman 3) or "the
/// reason it is being held:" (Mailman 2).
fn hold_reason(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let at = ["is being held because:", "the reason it is being held:"]
        .iter()
        .find_map(|m| lower.find(m).map(|i| i + m.len()))?;
    let line = text
        .get(at..)?
        .lines()
        // A quoted notice's lines keep their quote marks ("> ").
        .map(|l| l.trim().trim_start_matches('>').trim())
        .find(|l| !l.is_empty())?;
    Some(crate::vocab::text::clip_ellipsis(line, 300))
}

/// The report of a hold notice: a delay for the list's address, its reason the list's rule.
pub(super) fn hold_notice(
    text: &str,
    subject: &str,
    top: &mime::Headers<'_>,
    original: Option<OriginalMessage>,
) -> BounceReport {
    let words = hold_reason(text);
    let lower = words.as_deref().unwrap_or("").to_ascii_lowercase();
    let reason = if lower.contains("too big")
        || lower.contains("larger than")
        || lower.contains("maximum size")
    {
        Reason::Mesgtoobig
    } else {
        Reason::Policyviolation
    };
    let mut recipient = simple_recipient(
        list_address(subject).unwrap_or_else(|| "the mailing list".into()),
        reason,
    );
    recipient.diagnostic = words;
    super::report::delivered(
        top,
        BounceKind::Delay,
        Some("mailman-hold".into()),
        "A mailing list's notice that it holds the post for its moderator, not a bounce: the post goes to the list's members only if the moderator approves it.".into(),
        vec![recipient],
        original,
    )
}

/// GNU Mailman's notice that it refused a post, sent back to the post's sender with the post
/// attached (Mailman 2, MailList.BounceMessage with the text of Errors.RejectMessage): the
/// non-member refusal of Mailman/Handlers/Moderate.py's do_reject, "You are not allowed to post
/// to this mailing list, and your message has been automatically rejected" (2.1.x; "... and have
/// been automatically rejected" before it) or "Your message has been rejected, probably because
/// you are not subscribed to the mailing list" (later 2.1), and Mailman 3's "Your message to the
/// LIST mailing-list was rejected for the following reasons:" (its template
/// list:user:notice:rejected). Sisimai reads the first as a refused sender. Only with the post
/// returned (`has_original`): the sentences alone may be quoted in a conversation about a list.
pub(super) fn is_reject_notice(lower: &str, has_original: bool) -> bool {
    has_original
        && ([
            "you are not allowed to post to this mailing list",
            "your message has been rejected, probably because you are not subscribed to the",
        ]
        .iter()
        .any(|p| lower.contains(p))
            || (lower.contains("mailing-list was rejected for the following")
                && lower.contains("your message to the")))
}

/// The report of a list's refusal: a bounce for the list's address (its owner's or bounce
/// address without the suffix, Mailman's -owner and -bounces), the reason the list's rule.
pub(super) fn reject_notice(
    text: &str,
    from: &str,
    top: &mime::Headers<'_>,
    original: Option<OriginalMessage>,
) -> BounceReport {
    let sender = crate::parse::address::first(from, None).and_then(|m| m.address);
    let list = sender
        .clone()
        .and_then(|a| {
            let (local, domain) = a.rsplit_once('@')?;
            let local = local
                .strip_suffix("-owner")
                .or_else(|| local.strip_suffix("-bounces"))?;
            Some(format!("{local}@{domain}"))
        })
        .unwrap_or_else(|| "the mailing list".into());
    let lower = text.to_ascii_lowercase();
    let words = [
        "you are not allowed to post to this mailing list",
        "your message has been rejected",
        "was rejected for the following",
    ]
    .iter()
    .find_map(|p| lower.find(p))
    .and_then(|at| text.get(at..))
    .map(|t| {
        let paragraph = t.split("\n\n").next().unwrap_or(t);
        crate::vocab::text::clip_ellipsis(&mime::squeeze(paragraph, 1024), 300)
    });
    let mut recipient = simple_recipient(list, Reason::Policyviolation);
    recipient.diagnostic = words;
    let mut report = super::report::delivered(
        top,
        BounceKind::Bounce,
        Some("mailman-reject".into()),
        "A mailing list's notice that it refused the post (a rule of the list, such as members only): the post was not sent to the list's members.".into(),
        vec![recipient],
        original,
    );
    // The list's server wrote it: its owner address names that organization.
    report.notice_from = sender;
    report
}

#[cfg(test)]
mod tests {
    use super::super::{BounceKind, Reason, analyze};

    const NOTICE: &str = "From: club-bounces@lists.example.org\nTo: a@example.com\nSubject: Your message to club@lists.example.org awaits moderator\n approval\n\nYour mail to 'club@lists.example.org' with the subject\n\n    Photos\n\nIs being held until the list moderator can review it for approval.\n\nThe message is being held because:\n\n    The message is larger than the 40 KB maximum size\n\nEither the message will get posted to the list, or you will receive\nnotification of the moderator's decision.\n";

    #[test]
    fn a_mailman_hold_for_size_is_a_delay_for_the_list() {
        let r = analyze(NOTICE.as_bytes());
        assert_eq!(r.kind, BounceKind::Delay);
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "club@lists.example.org");
        assert_eq!(r.recipients[0].reason, Reason::Mesgtoobig);
        let other = NOTICE.replace(
            "The message is larger than the 40 KB maximum size",
            "Post by non-member to a members-only list",
        );
        let r = analyze(other.as_bytes());
        assert_eq!(r.recipients[0].reason, Reason::Policyviolation);
        // The same words under another Subject are no hold notice.
        let plain = NOTICE.replace("awaits moderator", "about the");
        assert_ne!(
            analyze(plain.as_bytes()).format.as_deref(),
            Some("mailman-hold")
        );
    }

    #[test]
    fn a_mailman_refusal_with_the_post_attached_is_a_bounce_for_the_list() {
        let notice = |text: &str| {
            format!(
                "From: club-owner@lists.example.org\nTo: a@example.com\nSubject: Photos\nX-Mailman-Version: 2.1.29\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain\n\n{text}\n\n--b1\nContent-Type: message/rfc822\n\nFrom: a@example.com\nTo: club@lists.example.org\nSubject: Photos\n\nHello\n--b1--\n"
            )
        };
        let r = analyze(notice("You are not allowed to post to this mailing list, and your message has\nbeen automatically rejected.  If you think that your messages are\nbeing rejected in error, contact the mailing list owner at\nclub-owner@lists.example.org.").as_bytes());
        assert_eq!(r.kind, BounceKind::Bounce);
        assert_eq!(r.format.as_deref(), Some("mailman-reject"));
        assert_eq!(r.recipients[0].address, "club@lists.example.org");
        assert_eq!(r.recipients[0].reason, Reason::Policyviolation);
        assert!(
            r.recipients[0]
                .diagnostic
                .as_deref()
                .is_some_and(|d| d.starts_with("You are not allowed to post"))
        );
        // Other words with the post attached are no refusal.
        let other = analyze(notice("Here is the post you asked about.").as_bytes());
        assert_ne!(other.format.as_deref(), Some("mailman-reject"));
    }
}
