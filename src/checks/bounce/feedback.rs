//! Feedback reports (RFC 5965, the Abuse Reporting Format): a spam complaint a mailbox provider
//! forwards, not a bounce. The report's fields (section 3.1: Feedback-Type, User-Agent,
//! Source-IP, Reported-Domain, Original-Mail-From, Arrival-Date, Original-Rcpt-To) and the
//! recipient complained about.

use super::report::case_facts;
use super::result::{first_address, simple_recipient};
use super::{
    BounceKind, BounceReport, BouncedRecipient, CaseFacts, FeedbackInfo, MAX_RECIPIENTS,
    OriginalMessage, Reason, RefusedBy, mime,
};

/// The report a feedback report gives: `part` is its message/feedback-report part.
pub(super) fn report(
    part: &str,
    top: &mime::Headers<'_>,
    original: Option<OriginalMessage>,
) -> BounceReport {
    let h = mime::field_block(part);
    let info = FeedbackInfo {
        feedback_type: h.value("feedback-type").map(|v| v.to_ascii_lowercase()),
        user_agent: h.value("user-agent"),
        source_ip: h.value("source-ip"),
        reported_domain: h.value("reported-domain"),
        original_mail_from: h.value("original-mail-from"),
        arrival_date: h.value("arrival-date").or_else(|| h.value("received-date")),
    };
    let orig = original.as_ref().map(|o| mime::headers(&o.text));
    let mut rcpts: Vec<String> = h
        .fields
        .iter()
        .filter(|f| f.name.eq_ignore_ascii_case("original-rcpt-to"))
        .filter_map(|f| first_address(&f.value()))
        .take(MAX_RECIPIENTS)
        .collect();
    if rcpts.is_empty() {
        rcpts.extend(
            orig.as_ref()
                .and_then(|o| o.value("to"))
                .and_then(|v| first_address(&v))
                .or_else(|| h.value("removal-recipient").and_then(|v| first_address(&v)))
                .or_else(|| top.value("to").and_then(|v| first_address(&v))),
        );
    }
    let recipients: Vec<BouncedRecipient> = rcpts
        .into_iter()
        .map(|a| simple_recipient(a, Reason::Feedback))
        .collect();
    let kind_word = info.feedback_type.clone().unwrap_or_else(|| "abuse".into());
    let summary = format!(
        "A feedback report ({kind_word}), not a bounce: a mailbox provider forwards a recipient's complaint{}. The message was delivered; the recipient marked it as spam or reported it.",
        recipients
            .first()
            .map(|r| format!(" about mail to {}", r.address))
            .unwrap_or_default()
    );
    let mut report = BounceReport {
        kind: BounceKind::Feedback,
        format: Some("arf".into()),
        summary,
        refused_by: RefusedBy::Unknown,
        reporting_mta: None,
        recipients,
        feedback: Some(info),
        case_facts: CaseFacts::default(),
        original,
        sent_from_ip: None,
    };
    report.case_facts = case_facts(top, &report, None);
    report
}
