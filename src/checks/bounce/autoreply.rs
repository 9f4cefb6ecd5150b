//! Automatic replies (RFC 3834: out of office, vacation): not bounces, the message was
//! delivered. Told by Auto-Submitted: auto-replied (section 5), X-Autoreply / X-Autorespond, or
//! the subjects mail programs give them.

use super::report::case_facts;
use super::result::{first_address, simple_recipient};
use super::{
    BounceKind, BounceReport, BouncedRecipient, CaseFacts, OriginalMessage, Reason, RefusedBy, mime,
};
use crate::vocab::tables::bounce::reader::SUBJECTS;
use crate::vocab::text::clip;

/// Whether the header fields mark the message as an automatic reply (subjects:
/// data/bounce/reader/subjects.tsv, `auto` rows).
pub(super) fn marked(top: &mime::Headers<'_>, subject_l: &str) -> bool {
    top.value("auto-submitted")
        .unwrap_or_default()
        .to_ascii_lowercase()
        .starts_with("auto-replied")
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
    let mut report = BounceReport {
        kind: BounceKind::AutoReply,
        format: Some("rfc3834".into()),
        summary: format!(
            "An automatic reply (\"{}\"), not a bounce: the message was delivered and the recipient's mailbox answered by itself, usually because they are away.",
            clip(subject, 120)
        ),
        refused_by: RefusedBy::Unknown,
        reporting_mta: None,
        recipients,
        feedback: None,
        case_facts: CaseFacts::default(),
        original,
        sent_from_ip: None,
    };
    report.case_facts = case_facts(top, &report, None);
    report
}
