//! The report as a whole: what kind it is (a bounce, a delay notice, or a delivery report),
//! who refused, the summary for a support agent, and the facts to copy into a support request.

use super::{
    BounceKind, BounceReport, BouncedRecipient, CaseFacts, OriginalMessage, Reason, RefusedBy, mime,
};
use crate::vocab::text::clip;

pub(super) fn not_bounce(
    top: &mime::Headers<'_>,
    original: Option<OriginalMessage>,
) -> BounceReport {
    let mut report = BounceReport {
        kind: BounceKind::NotBounce,
        format: None,
        summary: "Not a bounce: this reads as an ordinary message (no delivery report, complaint or automatic reply found).".into(),
        refused_by: RefusedBy::Unknown,
        reporting_mta: None,
        recipients: Vec::new(),
        feedback: None,
        case_facts: CaseFacts::default(),
        original,
    };
    report.case_facts = case_facts(top, &report, None);
    report
}

#[allow(clippy::too_many_arguments)]
pub(super) fn build(
    top: &mime::Headers<'_>,
    format: Option<String>,
    reporting_mta: Option<String>,
    arrival: Option<String>,
    recipients: Vec<BouncedRecipient>,
    original: Option<OriginalMessage>,
    pasted_error: bool,
    subject: &str,
) -> BounceReport {
    let subject_l = subject.to_ascii_lowercase();
    let all_delivered =
        !recipients.is_empty() && recipients.iter().all(|r| r.reason == Reason::Delivered);
    let any_delayed = recipients
        .iter()
        .any(|r| r.action.as_deref() == Some("delayed"));
    let none_hard = recipients.iter().all(|r| !r.hard);
    let kind = if all_delivered {
        BounceKind::NotBounce
    } else if !recipients.is_empty()
        && none_hard
        && (any_delayed || subject_l.contains("delay") || subject_l.contains("warning"))
    {
        BounceKind::Delay
    } else {
        BounceKind::Bounce
    };
    let refused_by = if pasted_error {
        RefusedBy::SenderServerAtSend
    } else if recipients
        .iter()
        .any(|r| r.remote_mta.is_some() || r.reply_code.is_some())
    {
        RefusedBy::RemoteServer
    } else if recipients.iter().any(|r| {
        matches!(
            r.reason,
            Reason::Expired | Reason::Networkerror | Reason::Hostunknown
        )
    }) {
        RefusedBy::SenderServer
    } else {
        RefusedBy::Unknown
    };
    let summary = summarize(kind, refused_by, &recipients);
    let mut report = BounceReport {
        kind,
        format,
        summary,
        refused_by,
        reporting_mta,
        recipients,
        feedback: None,
        case_facts: CaseFacts::default(),
        original,
    };
    report.case_facts = case_facts(top, &report, arrival);
    report
}

fn summarize(kind: BounceKind, by: RefusedBy, recipients: &[BouncedRecipient]) -> String {
    let mut s = String::new();
    s.push_str(match kind {
        BounceKind::Bounce => "A bounce: delivery failed",
        BounceKind::Delay => "A delay notice: delivery has not worked yet; the sending server will keep trying, nothing needs resending yet",
        _ => "A delivery report: the message was delivered",
    });
    match recipients {
        [] => s.push_str(", but the report does not say for which address."),
        [r] => {
            s.push_str(&format!(" for {}", r.address));
            let code: Vec<String> = r
                .reply_code
                .map(|c| c.to_string())
                .into_iter()
                .chain(r.status.clone())
                .collect();
            if !code.is_empty() {
                s.push_str(&format!(" ({})", code.join(" ")));
            }
            s.push_str(&format!(". {}", r.reason.explanation()));
        }
        many => {
            s.push_str(&format!(" for {} recipients.", many.len()));
        }
    }
    match by {
        RefusedBy::SenderServerAtSend => s.push_str(
            " The sender's own outgoing server refused while sending: the message never left.",
        ),
        RefusedBy::RemoteServer if kind == BounceKind::Bounce => {
            s.push_str(" The recipient's server refused it; the sender's server reported back.")
        }
        RefusedBy::SenderServer => {
            s.push_str(" The sending server gave up without an answer from the recipient's server.")
        }
        _ => {}
    }
    s
}

pub(super) fn case_facts(
    top: &mime::Headers<'_>,
    report: &BounceReport,
    arrival: Option<String>,
) -> CaseFacts {
    let orig = report.original.as_ref().map(|o| mime::headers(&o.text));
    let og = |name: &str| {
        orig.as_ref()
            .and_then(|h| h.value(name))
            .filter(|v| !v.is_empty())
    };
    let sender = og("from")
        .or_else(|| match report.kind {
            BounceKind::Bounce | BounceKind::Delay => top.value("to"),
            _ => None,
        })
        .map(|v| clip(&v, 200).to_string());
    let recipients: Vec<String> = report
        .recipients
        .iter()
        .map(|r| r.address.clone())
        .collect();
    let date = top
        .value("date")
        .or(arrival)
        .or_else(|| og("date"))
        .map(|v| clip(&v, 100).to_string());
    let subject = og("subject")
        .or_else(|| top.value("subject"))
        .map(|v| clip(&v, 200).to_string());
    let message_id = og("message-id").map(|v| clip(&v, 200).to_string());
    let mut servers: Vec<String> = Vec::new();
    for s in report.reporting_mta.iter().chain(
        report
            .recipients
            .iter()
            .filter_map(|r| r.remote_mta.as_ref()),
    ) {
        if !servers.contains(s) && servers.len() < 10 {
            servers.push(clip(s, 200).to_string());
        }
    }
    let mut text = String::new();
    let mut line = |k: &str, v: &str| {
        if !v.is_empty() {
            text.push_str(k);
            text.push_str(": ");
            text.push_str(v);
            text.push('\n');
        }
    };
    line("Sender", sender.as_deref().unwrap_or(""));
    line("Recipients", &recipients.join(", "));
    line("Date", date.as_deref().unwrap_or(""));
    line("Subject", subject.as_deref().unwrap_or(""));
    line("Message-ID", message_id.as_deref().unwrap_or(""));
    line("Servers", &servers.join(", "));
    for r in &report.recipients {
        let mut v = r.reason.name().to_string();
        if let Some(c) = r.reply_code {
            v.push_str(&format!(" {c}"));
        }
        if let Some(s) = &r.status {
            v.push_str(&format!(" {s}"));
        }
        if let Some(d) = &r.diagnostic {
            v.push_str(&format!(": {}", clip(d, 300)));
        }
        line(&format!("Result for {}", r.address), &v);
    }
    CaseFacts {
        sender,
        recipients,
        date,
        subject,
        message_id,
        servers,
        text,
    }
}
