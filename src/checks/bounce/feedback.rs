//! Feedback reports (RFC 5965, the Abuse Reporting Format): a spam complaint a mailbox provider
//! forwards, not a bounce. The report's fields (section 3.1: Feedback-Type, User-Agent,
//! Source-IP, Reported-Domain, Original-Mail-From, Arrival-Date, Original-Rcpt-To) and the
//! recipient complained about.

use super::report::case_facts;
use super::result::{first_address, simple_recipient};
use super::{
    BounceKind, BounceReport, BouncedRecipient, CaseFacts, FeedbackInfo, MAX_RECIPIENTS,
    OriginalMessage, Reason, RefusedBy, mime, scan,
};

/// The report a feedback report gives: `part` is its message/feedback-report part, `text` its
/// human-readable part.
pub(super) fn report(
    part: &str,
    top: &mime::Headers<'_>,
    original: Option<OriginalMessage>,
    text: &str,
) -> BounceReport {
    let h = mime::field_block(part);
    let info = FeedbackInfo {
        feedback_type: h.value("feedback-type").map(|v| v.to_ascii_lowercase()),
        user_agent: h.value("user-agent"),
        source_ip: h.value("source-ip").or_else(|| received_from_ip(text)),
        reported_domain: h.value("reported-domain"),
        original_mail_from: h.value("original-mail-from"),
        arrival_date: h.value("arrival-date").or_else(|| h.value("received-date")),
        auth_failure: h
            .value("auth-failure")
            .map(|v| v.trim().to_ascii_lowercase()),
        delivery_result: h
            .value("delivery-result")
            .map(|v| v.trim().to_ascii_lowercase()),
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
    if info.auth_failure_report() {
        // RFC 6591: the receiver reports a message that failed its authentication checks
        // (DMARC's failure reports, RFC 7489 section 7.3, to the domain's ruf address); what
        // it did with the message is its Delivery-Result, when it says.
        let failed = info
            .auth_failure
            .as_deref()
            .map(|a| format!(" ({a})"))
            .unwrap_or_default();
        let done = match info.delivery_result.as_deref() {
            Some("delivered") => " The receiver says it delivered the message.",
            Some("spam") => " The receiver says it delivered the message to the spam folder.",
            Some("policy" | "reject") => " The receiver says it did not deliver the message.",
            _ => " It does not say what the receiver did with the message.",
        };
        let summary = format!(
            "An authentication failure report{failed}, not a complaint: a receiving server reports that a message using the domain failed its authentication checks.{done}"
        );
        return complaint("arf", summary, recipients, info, top, original);
    }
    let summary = format!(
        "A feedback report ({kind_word}), not a bounce: a mailbox provider forwards a recipient's complaint{}. The message was delivered; the recipient marked it as spam or reported it.",
        recipients
            .first()
            .map(|r| format!(" about mail to {}", r.address))
            .unwrap_or_default()
    );
    complaint("arf", summary, recipients, info, top, original)
}

/// The address the report's human-readable part says the message came from, without a
/// Source-IP field: "This is an email abuse report for an email message received from IP
/// 192.0.2.1 on ..." (RFC 5965 appendix B's example, the sentence Yahoo's and AOL's complaint
/// feedback loops write).
fn received_from_ip(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    lower
        .match_indices("message received from ip ")
        .take(8)
        .find_map(|(i, m)| {
            let token: String = lower[i + m.len()..]
                .chars()
                .take_while(|c| c.is_ascii_hexdigit() || matches!(c, '.' | ':'))
                .collect();
            crate::vocab::ip::parse_ip(token.trim_end_matches('.')).map(|ip| ip.to_string())
        })
}

/// The report of a complaint: `format` names the report's format.
fn complaint(
    format: &str,
    summary: String,
    recipients: Vec<BouncedRecipient>,
    info: FeedbackInfo,
    top: &mime::Headers<'_>,
    original: Option<OriginalMessage>,
) -> BounceReport {
    let mut report = BounceReport {
        kind: BounceKind::Feedback,
        format: Some(format.into()),
        summary,
        refused_by: RefusedBy::Unknown,
        reporting_mta: None,
        recipients,
        feedback: Some(info),
        case_facts: CaseFacts::default(),
        original,
        sent_from_ip: None,
        received_from_ip: None,
        // The report's own sender: the provider that wrote it (its feedback loop's address).
        notice_from: top
            .value("from")
            .and_then(|v| first_address(&v))
            .map(|a| a.to_ascii_lowercase()),
        from_log: false,
    };
    report.case_facts = case_facts(top, &report, None);
    report
}

/// The abuse mailbox (RFC 2142 section 4: ABUSE, "Inappropriate public behaviour", the address
/// a network's operator reads complaints at) that sent the notice: the notice's own From, or
/// the From of a mail program's summary of it when the customer forwarded it ("Von:", "Van:",
/// "De:", "Från:" ...: `parse::input::summary_key`), in its first lines. Its local part is
/// `abuse`, alone or with a separator and more ("abuse-desk@").
/// With it, the address the notice was written to: its own To, or the To of the mail
/// program's summary below the abuse sender's line.
fn abuse_notice(top: &mime::Headers<'_>, text: &str) -> Option<(String, Option<String>)> {
    let abuse = |a: &String| {
        a.split_once('@').is_some_and(|(local, _)| {
            let local = local.to_ascii_lowercase();
            local == "abuse"
                || ["abuse-", "abuse.", "abuse_"]
                    .iter()
                    .any(|p| local.starts_with(p))
        })
    };
    if let Some(from) = top
        .value("from")
        .and_then(|v| first_address(&v))
        .filter(abuse)
    {
        let to = top.value("to").and_then(|v| first_address(&v));
        return Some((from.to_ascii_lowercase(), to));
    }
    let lines: Vec<&str> = text.lines().take(120).collect();
    let key = |l: &str| crate::parse::input::summary_key(l.trim_start());
    let at = lines
        .iter()
        .position(|l| key(l) == Some("from") && first_address(l).is_some_and(|a| abuse(&a)))?;
    let from = first_address(lines[at])?.to_ascii_lowercase();
    let to = lines[at + 1..]
        .iter()
        .take(6)
        .find(|l| key(l) == Some("to"))
        .and_then(|l| first_address(l));
    Some((from, to))
}

/// The report of a network operator's abuse desk passing on a complaint about mail from its
/// customer's server or account, when the text is one: sent from its abuse mailbox
/// (`abuse_notice`) and quoting the message complained about, header and all (a Received
/// field: RFC 5321 section 4.4, only a message that travelled has one) beyond the notice's own
/// header's. Not a desk's answer to a complaint its addressee made (the quoted message was
/// written to the notice's addressee's own organization: spam the customer received and
/// reported).
/// The report is a complaint about the quoted message, sent to the address the quoted message
/// was written to; its source the address SpamCop names when the desk passes on a SpamCop
/// report ("Email from <IP>").
pub(super) fn abuse_desk(
    text: &str,
    lower: &str,
    top: &mime::Headers<'_>,
    original: &Option<OriginalMessage>,
) -> Option<BounceReport> {
    let (desk, addressee) = abuse_notice(top, text)?;
    let own = own_received(top);
    let quoting = text
        .lines()
        .take(5_000)
        .filter(|l| {
            l.trim_start_matches(|c: char| c == '>' || c.is_whitespace())
                .get(..14)
                .is_some_and(|p| p.eq_ignore_ascii_case("received: from"))
        })
        .count()
        > own;
    if !quoting {
        return None;
    }
    let quoted = quoted_message(text, own);
    let org = |a: &str| crate::vocab::domain::org_of_address(a);
    if let Some(quoted_to) = quoted
        .as_ref()
        .and_then(|o| mime::headers(&o.text).value("to"))
        .and_then(|v| first_address(&v))
        && addressee.is_some_and(|a| org(&a).is_some() && org(&a) == org(&quoted_to))
    {
        return None;
    }
    let original = original.clone().or(quoted);
    let recipients: Vec<BouncedRecipient> = original
        .as_ref()
        .and_then(|o| mime::headers(&o.text).value("to"))
        .and_then(|v| first_address(&v))
        .map(|a| simple_recipient(a, Reason::Feedback))
        .into_iter()
        .collect();
    let info = FeedbackInfo {
        feedback_type: Some("abuse".into()),
        user_agent: Some(desk.clone()),
        source_ip: spamcop_source(lower, 400),
        ..FeedbackInfo::default()
    };
    let summary = format!(
        "An abuse desk's notice, not a bounce: the abuse team of a network ({desk}) passes on a complaint about a message sent from its customer's server or account, which it quotes. The message was delivered; its recipient complained."
    );
    // The complaint came from the organization that received the quoted message: its
    // topmost Received field (RFC 5321 section 4.4: the last server to take it in adds it on
    // top) names that organization's server, which stands for the report's writer.
    let received_by = original.as_ref().and_then(|o| {
        mime::headers(&o.text)
            .fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case("received"))
            .and_then(|f| crate::parse::received::parse(&f.value()).by_host)
    });
    let mut report = complaint("abuse-desk", summary, recipients, info, top, original);
    report.reporting_mta = received_by;
    Some(report)
}

/// The address a SpamCop report names as the source ("Email from <IP> / <date>", SpamCop FAQ),
/// in its first `lines` lines (lowercase text; quote marks and white space before it skipped).
fn spamcop_source(lower: &str, lines: usize) -> Option<String> {
    lower
        .lines()
        .take(lines)
        .find_map(|l| {
            l.trim_start_matches(|c: char| c == '>' || c.is_whitespace())
                .strip_prefix("email from ")
        })
        .and_then(|rest| rest.split([' ', '/']).next())
        .filter(|ip| crate::vocab::ip::parse_ip(ip).is_some())
        .map(str::to_string)
}

/// The notice's own Received fields that name where the notice came from ("Received: from").
fn own_received(top: &mime::Headers<'_>) -> usize {
    top.fields
        .iter()
        .filter(|f| {
            f.name.eq_ignore_ascii_case("received")
                && f.value()
                    .trim_start()
                    .get(..5)
                    .is_some_and(|p| p.eq_ignore_ascii_case("from "))
        })
        .count()
}

/// The message an abuse desk's notice quotes, header and all, when no returned-message marker
/// set it apart: the header block around its first Received field (header lines and their
/// folded continuations, RFC 5322 section 2.2.3), quote marks taken off (RFC 3676 section 4.5:
/// one ">" per level), to the end of the text. `skip`: the notice's own Received fields (which
/// come first).
fn quoted_message(text: &str, skip: usize) -> Option<OriginalMessage> {
    let unquote = |l: &str| -> String {
        let mut rest = l;
        while let Some(r) = rest.strip_prefix('>') {
            rest = r.strip_prefix(' ').unwrap_or(r);
        }
        rest.to_string()
    };
    let lines: Vec<String> = text.lines().take(20_000).map(unquote).collect();
    let first = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            l.get(..14)
                .is_some_and(|p| p.eq_ignore_ascii_case("received: from"))
        })
        .nth(skip)?
        .0;
    let mut start = first;
    while start > 0 {
        let l = &lines[start - 1];
        if l.trim().is_empty() || !(scan::looks_like_header(l) || l.starts_with([' ', '\t'])) {
            break;
        }
        start -= 1;
    }
    Some(OriginalMessage {
        line: start + 1,
        headers_only: false,
        text: crate::vocab::text::clip(&lines[start..].join("\n"), super::MAX_ORIGINAL).to_string(),
    })
}

/// Whether the text is SpamCop's plain-text report: sent from `<number>@reports.spamcop.net`,
/// naming the source as "Email from <IP> / <date>" above "Offending message:" and the reported
/// message (SpamCop FAQ, "What does a SpamCop report look like?",
/// mailsc.spamcop.net/fom-serve/cache/338.html). `from_l`: the From field, lowercased; `text`:
/// the whole text (the marker starts the reported message, which is cut off the report's own
/// words).
pub(super) fn is_spamcop(from_l: &str, text: &str) -> bool {
    from_l.contains("@reports.spamcop.net")
        && text
            .lines()
            .take(400)
            .any(|l| l.to_ascii_lowercase().contains("offending message"))
}

/// The report SpamCop's plain-text report gives: a complaint (the reporter's address is hidden),
/// its source the IP of its "Email from" line.
pub(super) fn spamcop(
    lower: &str,
    top: &mime::Headers<'_>,
    original: Option<OriginalMessage>,
) -> BounceReport {
    let info = FeedbackInfo {
        feedback_type: Some("abuse".into()),
        user_agent: Some("SpamCop".into()),
        source_ip: spamcop_source(lower, 200),
        reported_domain: None,
        original_mail_from: None,
        arrival_date: None,
        ..FeedbackInfo::default()
    };
    complaint(
        "spamcop",
        "A SpamCop report, not a bounce: a recipient reported the message as spam to SpamCop, which sent this complaint to the abuse contact of the network the message came from. The message was delivered.".into(),
        Vec::new(),
        info,
        top,
        original,
    )
}

/// The report of an XARF v4 part (the eXtended Abuse Reporting Format, github.com/xarf/xarf-spec,
/// docs/specification.md: a JSON object with `xarf_version`, its category in `category` (`class`
/// in later drafts) and `type`; the `messaging` category is e-mail abuse, its types `spam` and
/// `bulk_messaging`; `source_identifier` the address the abuse came from, `smtp_from` the
/// envelope sender, `timestamp` when it happened, `reporter.org` who reports) when the part is
/// one about e-mail: a complaint about the message it names, as an ARF report is.
pub(super) fn xarf(
    json: &str,
    top: &mime::Headers<'_>,
    original: Option<OriginalMessage>,
) -> Option<BounceReport> {
    // The keys are read with the bounce reader's own bounded key reader (`scan::json_str`, as
    // for the providers' webhook events), not a JSON parser: it needs no line ends to stand
    // where JSON allows them (a part whose long lines were wrapped again reads the same), and a
    // parser for JSON values cost the wasm module about 13 KB on the wire for these five keys.
    let text = |key: &str| scan::json_str(json, key).map(str::trim);
    text("xarf_version")?;
    let category = text("category").or_else(|| text("class"))?;
    if !category.eq_ignore_ascii_case("messaging") {
        return None;
    }
    let clip = |s: &str| crate::vocab::text::clip_ellipsis(s, 200);
    let source_ip = text("source_identifier")
        .filter(|ip| crate::vocab::ip::parse_ip(ip).is_some())
        .map(str::to_string);
    // The first "org" is the reporter's: the specification's samples and schema put the
    // `reporter` object before `sender` and the evidence.
    let reporter = text("org").map(clip);
    let info = FeedbackInfo {
        feedback_type: Some("abuse".into()),
        user_agent: reporter.or_else(|| Some("XARF".into())),
        source_ip,
        reported_domain: None,
        original_mail_from: text("smtp_from").map(clip),
        arrival_date: text("timestamp").map(clip),
        ..FeedbackInfo::default()
    };
    Some(complaint(
        "xarf",
        "An abuse report in XARF (the eXtended Abuse Reporting Format), not a bounce: the reporter says the message came from the address it names and was spam or unwanted mail. The message was delivered.".into(),
        Vec::new(),
        info,
        top,
        original,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::{BounceKind, analyze, mime};

    #[test]
    fn an_xarf_messaging_report_is_a_complaint_about_its_source() {
        let top = mime::headers("From: abuse@provider.example\nSubject: report\n\n");
        let json = r#"{"xarf_version": "4.0.0", "category": "messaging", "type": "spam",
            "reporter": {"org": "Provider"}, "source_identifier": "192.0.2.9",
            "smtp_from": "news@shop.example", "timestamp": "2026-12-10T07:02:12Z"}"#;
        let r = super::xarf(json, &top, None).expect("a report");
        assert_eq!(r.kind, BounceKind::Feedback);
        let f = r.feedback.as_ref().unwrap();
        assert_eq!(f.source_ip.as_deref(), Some("192.0.2.9"));
        assert_eq!(f.original_mail_from.as_deref(), Some("news@shop.example"));
        // Another category, or JSON that is not XARF, is no complaint.
        assert!(super::xarf(&json.replace("messaging", "connection"), &top, None).is_none());
        assert!(super::xarf(r#"{"category": "messaging"}"#, &top, None).is_none());
        assert!(super::xarf("not json", &top, None).is_none());
    }

    #[test]
    fn an_authentication_failure_report_says_what_failed_and_what_was_done() {
        let m = "From: dmarc@receiver.example\nTo: ruf@a.example\nSubject: FW: x\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=feedback-report; boundary=B\n\n--B\nContent-Type: text/plain\n\nA message failed DMARC.\n\n--B\nContent-Type: message/feedback-report\n\nFeedback-Type: auth-failure\nUser-Agent: OpenDMARC/1.4\nVersion: 1\nAuth-Failure: dmarc\nDelivery-Result: Spam\nSource-IP: 192.0.2.61\n\n--B--\n";
        let r = crate::checks::bounce::analyze(m.as_bytes());
        assert_eq!(r.kind, BounceKind::Feedback);
        let f = r.feedback.as_ref().unwrap();
        assert!(f.auth_failure_report());
        assert_eq!(f.auth_failure.as_deref(), Some("dmarc"));
        assert_eq!(f.delivery_result.as_deref(), Some("spam"));
        assert!(r.summary.contains("not a complaint") && r.summary.contains("spam folder"));
        // An abuse report is a complaint.
        let abuse = m.replace("Feedback-Type: auth-failure", "Feedback-Type: abuse");
        let r = crate::checks::bounce::analyze(abuse.as_bytes());
        assert!(!r.feedback.unwrap().auth_failure_report());
        assert!(!r.summary.contains("not a complaint"));
    }

    #[test]
    fn an_abuse_desks_notice_quoting_the_message_is_a_complaint() {
        let notice = "From: Host Abuse Team <abuse@host.example>\nTo: owner@shop.example\nSubject: [Abuse #1] Spam complaint\n\nWe received the complaint below about mail from your account.\n\n> From: Postmaster <postmaster@victim.example>\n> Subject: Spam from your customer\n>\n> Received: from s1.host.example (s1.host.example [198.51.100.7])\n> \tby mx.victim.example (Postfix) with ESMTP id 1A2B\n> \tfor <info@victim.example>; Mon, 8 Sep 2025 03:12:44 +0200\n> From: Shop <news@shop.example>\n> To: info@victim.example\n> Subject: Offer\n>\n> Buy now\n";
        let r = crate::checks::bounce::analyze(notice.as_bytes());
        assert_eq!(r.kind, BounceKind::Feedback);
        assert_eq!(r.format.as_deref(), Some("abuse-desk"));
        assert_eq!(r.recipients[0].address, "info@victim.example");
        assert_eq!(r.reporting_mta.as_deref(), Some("mx.victim.example"));
        assert!(
            r.original
                .as_ref()
                .unwrap()
                .text
                .starts_with("Received: from s1.host.example")
        );
        // The desk's answer to a report its addressee made about spam it received is none.
        let answer = notice.replace("To: info@victim.example", "To: owner@shop.example");
        let r = crate::checks::bounce::analyze(answer.as_bytes());
        assert_ne!(r.format.as_deref(), Some("abuse-desk"));
        // Nor is a notice from any other mailbox.
        let other = notice.replace("abuse@host.example", "support@host.example");
        let r = crate::checks::bounce::analyze(other.as_bytes());
        assert_ne!(r.format.as_deref(), Some("abuse-desk"));
    }

    #[test]
    fn an_arf_report_without_source_ip_names_it_in_its_text() {
        let m = "From: staff@feedback.example\nTo: fbl@a.example\nSubject: FW: x\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=feedback-report; boundary=B\n\n--B\nContent-Type: text/plain\n\nThis is an email abuse report for an email message received from IP 198.51.100.150 on Tue, 15 Apr 2025 08:31:07 +0000.\n\n--B\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: Feedback/1.0\nVersion: 1\n\n--B--\n";
        let r = crate::checks::bounce::analyze(m.as_bytes());
        assert_eq!(r.kind, BounceKind::Feedback);
        let f = r.feedback.as_ref().unwrap();
        assert_eq!(f.source_ip.as_deref(), Some("198.51.100.150"));
        // A Source-IP field comes first.
        let with = m.replace("Version: 1\n", "Version: 1\nSource-IP: 192.0.2.9\n");
        let r = crate::checks::bounce::analyze(with.as_bytes());
        assert_eq!(r.feedback.unwrap().source_ip.as_deref(), Some("192.0.2.9"));
        assert_eq!(
            super::received_from_ip("a report for a message from a.example"),
            None
        );
    }

    #[test]
    fn a_spamcop_report_is_a_complaint_about_its_source_ip() {
        let text = "From: 1234@reports.spamcop.net\nTo: abuse@hosting.example\nSubject: [SpamCop (192.0.2.7) id:1234]Offer\n\n- SpamCop V1.3.3 -\nThis message is brief for your comfort.  Please follow links for details.\n\nEmail from 192.0.2.7 / Sun, 11 Aug 2002 00:11:15 -0700\n\nOffending message:\nReceived: from [192.0.2.7] by mx.example; Sun, 11 Aug 2002 00:11:15 -0700\nFrom: a@shop.example\nTo: <x>\nSubject: Offer\n\nbody\n";
        let r = analyze(text.as_bytes());
        assert_eq!(r.kind, BounceKind::Feedback);
        let f = r.feedback.unwrap();
        assert_eq!(f.source_ip.as_deref(), Some("192.0.2.7"));
        assert!(r.original.is_some());
        // The same words from any other sender are no SpamCop report.
        let other = text.replace("1234@reports.spamcop.net", "news@shop.example");
        assert_ne!(analyze(other.as_bytes()).kind, BounceKind::Feedback);
    }
}
