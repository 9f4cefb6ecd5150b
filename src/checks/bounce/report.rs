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
    delivered(
        top,
        BounceKind::NotBounce,
        None,
        "Not a bounce: this reads as an ordinary message (no delivery report, complaint or automatic reply found).".into(),
        Vec::new(),
        original,
    )
}

/// A report of a message that was not refused (an ordinary message, a read receipt, an
/// automatic reply, a list's hold notice): no refusing side, reporting server, complaint or sending IP of its own;
/// its case facts are read from the top header fields.
pub(super) fn delivered(
    top: &mime::Headers<'_>,
    kind: BounceKind,
    format: Option<String>,
    summary: String,
    recipients: Vec<BouncedRecipient>,
    original: Option<OriginalMessage>,
) -> BounceReport {
    let mut report = BounceReport {
        kind,
        format,
        summary,
        refused_by: RefusedBy::Unknown,
        reporting_mta: None,
        recipients,
        feedback: None,
        case_facts: CaseFacts::default(),
        original,
        sent_from_ip: None,
        received_from_ip: None,
        notice_from: None,
        from_log: false,
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
    delay_text: bool,
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
        && (any_delayed
            || subject_l.contains("delay")
            || subject_l.contains("warning")
            || delay_text)
    {
        BounceKind::Delay
    } else {
        BounceKind::Bounce
    };
    let refused_by = if pasted_error {
        RefusedBy::SenderServerAtSend
    } else if recipients.iter().any(|r| {
        (r.remote_mta.is_some() || r.reply_code.is_some())
            && !(r.reason == Reason::Policyviolation
                && super::refused_by_reporter(reporting_mta.as_deref(), r))
    }) {
        // A policy refusal of the reporting server's own (`refused_by_reporter`) is not said
        // to be the recipient's server's.
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
        sent_from_ip: None,
        received_from_ip: None,
        notice_from: None,
        from_log: false,
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

#[cfg(test)]
mod tests {
    use crate::checks::bounce::{RefusedBy, analyze};

    /// A DSN whose only failure is `code` with `remote` as the Remote-MTA field (or none).
    fn dsn(code: &str, remote: &str) -> Vec<u8> {
        format!(
            "From: postmaster@contoso.example\r\nTo: ann@contoso.example\r\nSubject: Undeliverable: Minutes\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nYour message couldn't be delivered.\r\n\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns;DM6PR01MB0001.namprd01.prod.outlook.com\r\n\r\nFinal-Recipient: rfc822;ann@gmail.example\r\nAction: failed\r\nStatus: 5.7.520\r\n{remote}Diagnostic-Code: smtp;{code}\r\n\r\n--b--\r\n"
        )
        .into_bytes()
    }

    #[test]
    fn a_returned_message_with_failure_words_is_a_bounce() {
        use crate::checks::bounce::BounceKind;
        let notice = |words: &str| {
            format!(
                "From: no-reply@isp.example\r\nTo: <ann@example.jp>\r\nSubject: =?UTF-8?B?44Oh44O844Or?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n{words}\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: ann@example.jp\r\nTo: bob@example.net\r\nSubject: hello\r\n\r\nhi\r\n--b--\r\n"
            )
            .into_bytes()
        };
        let bounce = analyze(&notice(
            "Your mail sent on: Thu, 29 Apr 2013\r\n     Could not be delivered to: <bob@example.net>\r\n     As their mailbox is full.",
        ));
        assert_eq!(bounce.kind, BounceKind::Bounce);
        assert_eq!(bounce.recipients.len(), 1);
        assert_eq!(bounce.recipients[0].reason.name(), "mailboxfull");
        // A message forwarded as an attachment with words of its own is not a bounce.
        let forward = analyze(&notice("Please see the message below, it looks odd."));
        assert_eq!(forward.kind, BounceKind::NotBounce);
    }

    #[test]
    fn own_policy_refusal_is_not_the_recipients_server() {
        // Exchange Online's 5.7.520 (the sender organization forbids external forwarding):
        // the reporting server refused by its own policy, no remote server was tried.
        let own = analyze(&dsn(
            "550 5.7.520 Access denied, Your organization does not allow external forwarding. Please contact your administrator for further assistance. AS(7555)",
            "",
        ));
        assert_eq!(own.recipients.len(), 1);
        assert_eq!(own.recipients[0].reason.name(), "policyviolation");
        assert_ne!(own.refused_by, RefusedBy::RemoteServer);
        assert!(
            !own.summary.contains("recipient's server refused"),
            "{}",
            own.summary
        );
        // The same refusal from a named remote server is the remote server's.
        let remote = analyze(&dsn(
            "550 5.7.520 Access denied, Your organization does not allow external forwarding. AS(7555)",
            "Remote-MTA: dns;mx.gmail.example\r\n",
        ));
        assert_eq!(remote.refused_by, RefusedBy::RemoteServer);
        // A mailbox status (RFC 3463 X.2.XXX) is the destination's, named server or not.
        let mailbox = dsn("550 5.2.1 <someone@example.jp>... Mailbox disabled", "");
        let mailbox = String::from_utf8(mailbox).unwrap_or_default();
        let mailbox = analyze(
            mailbox
                .replace("Status: 5.7.520", "Status: 5.2.1")
                .as_bytes(),
        );
        assert_eq!(mailbox.recipients[0].status.as_deref(), Some("5.2.1"));
        assert!(!crate::checks::bounce::refused_by_reporter(
            Some("mx.example.net"),
            &mailbox.recipients[0]
        ));
        // So are words that say the mailbox does not exist, with no status to say it (as
        // Exchange quotes a remote reply without naming the remote server).
        let mut unknown = mailbox.recipients[0].clone();
        unknown.status = None;
        unknown.diagnostic = Some(
            "550 Message was not accepted -- invalid mailbox. Local mailbox a@example.ru is unavailable: user not found".into(),
        );
        assert!(!crate::checks::bounce::refused_by_reporter(
            Some("mx.example.net"),
            &unknown
        ));
        unknown.diagnostic = Some(
            "550 5.7.520 Access denied, Your organization does not allow external forwarding"
                .into(),
        );
        assert!(crate::checks::bounce::refused_by_reporter(
            Some("mx.example.net"),
            &unknown
        ));
    }
}
