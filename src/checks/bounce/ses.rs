//! Amazon SES notifications: the JSON SES sends for a bounce or a complaint, pasted or mailed.

use super::dsn::typed_value;
use super::recipients::Raw;
use super::result::simple_recipient;
use super::{
    BounceKind, BounceReport, CaseFacts, FeedbackInfo, MAX_RECIPIENTS, Reason, RefusedBy, scan,
};

/// An Amazon SES notification (JSON in the body): bounces become recipients; a complaint is a
/// feedback report, returned at once.
pub(super) fn notification(text: &str, raws: &mut Vec<Raw>) -> Option<BounceReport> {
    let kind = scan::json_str(text, "notificationType")?;
    if kind.eq_ignore_ascii_case("complaint") {
        let rcpt = scan::json_str(text, "complainedRecipients")
            .or_else(|| {
                let i = text.find("complainedRecipients")?;
                scan::json_str(text.get(i..)?, "emailAddress")
            })
            .map(str::to_ascii_lowercase);
        let recipients = rcpt
            .into_iter()
            .map(|a| simple_recipient(a, Reason::Feedback))
            .collect();
        return Some(BounceReport {
            kind: BounceKind::Feedback,
            format: Some("amazon_ses".into()),
            summary: "An Amazon SES complaint notification, not a bounce: a recipient marked the message as spam.".into(),
            refused_by: RefusedBy::Unknown,
            reporting_mta: None,
            recipients,
            feedback: Some(FeedbackInfo {
                feedback_type: scan::json_str(text, "complaintFeedbackType").map(str::to_string),
                ..FeedbackInfo::default()
            }),
            case_facts: CaseFacts::default(),
            original: None,
        });
    }
    let start = text
        .find("bouncedRecipients")
        .or_else(|| text.find("deliveredRecipients"))?;
    let mut rest = text.get(start..)?;
    let reporting = scan::json_str(text, "reportingMTA").map(typed_value);
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
            action: scan::json_str(obj, "action").map(str::to_ascii_lowercase),
            status: scan::json_str(obj, "status").and_then(scan::status),
            diagnostic: dtext,
            diagnostic_type: dtype,
            remote_mta: reporting.clone(),
            ..Raw::default()
        });
        rest = rest.get(obj_end..)?;
    }
    None
}
