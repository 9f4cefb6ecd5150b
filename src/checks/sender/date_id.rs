//! Date and Message-ID (RFC 5322 sections 3.6.1, 3.6.4: present, readable, not in the future)
//! and the fields RFC 5322 section 3.6 allows only once.

use super::{FUTURE_SLACK_MS, Field, OLD_MS, SINGLE_FIELDS, Scan, finding, unfold};
use crate::vocab::finding::{Finding, Severity};
use crate::vocab::text::clip;

/// The Date checks; `date_ms`: the Date read, `received_ms`: the newest Received date.
pub(super) fn check_date(
    scan: &Scan<'_>,
    date_ms: Option<i64>,
    received_ms: Option<i64>,
    now_ms: i64,
    findings: &mut Vec<Finding>,
) {
    let Some(field) = scan.single("Date").first() else {
        findings.push(finding(
            "header.missing-date",
            Severity::Warning,
            "The message has no Date header.",
            "Every message must say when it was written (RFC 5322). Some receivers reject or distrust messages without a date. The sending program should add one.",
            Vec::new(),
        ));
        return;
    };
    let Some(date_ms) = date_ms else {
        findings.push(finding(
            "header.bad-date",
            Severity::Warning,
            "The Date header could not be read as a date.",
            "The date is not written the way mail standards require (for example \"Tue, 2 Jan 2024 10:00:00 +0000\"). Spam filters count a malformed date against a message. The sending program should be fixed.",
            vec![field.evidence()],
        ));
        return;
    };
    let (reference, against) = match received_ms {
        Some(ms) => (ms, "when it was received"),
        None => (now_ms, "now"),
    };
    let ahead = date_ms.saturating_sub(reference);
    if ahead > FUTURE_SLACK_MS {
        findings.push(finding(
            "header.date-in-future",
            Severity::Warning,
            format!(
                "The message is dated {} later than {against}.",
                crate::parse::date::format_duration(ahead)
            ),
            "The date the message claims is in the future. Usually the sender's computer clock or time zone is set wrong; spammers also do it to stay at the top of the inbox. Spam filters count it against the message. The sender should check the clock and time zone of the device or server.",
            vec![field.evidence()],
        ));
    }
    let age = now_ms.saturating_sub(date_ms);
    if age > OLD_MS {
        findings.push(finding(
            "header.date-far-past",
            Severity::Info,
            format!("The message is dated {} ago.", rough_days(age)),
            "This is an old message, or its date is wrong. Checks made today can differ from those at delivery: the sender may have changed their DNS records or DKIM keys since then. The results the receiver recorded at the time are what counted.",
            vec![field.evidence()],
        ));
    }
}

/// The Message-ID checks.
pub(super) fn check_message_id(scan: &Scan<'_>, findings: &mut Vec<Finding>) {
    let Some(field) = scan.single("Message-ID").first() else {
        findings.push(finding(
            "header.missing-message-id",
            Severity::Warning,
            "The message has no Message-ID header.",
            "Every message should carry a unique identifier. Many receivers, Gmail among them, treat messages without one as suspicious or reject them. The sending program or mail server should add one.",
            Vec::new(),
        ));
        return;
    };
    let value = unfold(clip(field.value, 1024));
    if !valid_msg_id(value.trim()) {
        findings.push(finding(
            "header.bad-message-id",
            Severity::Warning,
            "The Message-ID header is malformed.",
            "The message identifier should look like <unique-part@domain>. A malformed one is a sign of badly written sending software, and spam filters count it against the message.",
            vec![field.evidence()],
        ));
    }
}

/// Fields written more than once that may appear only once.
pub(super) fn check_duplicates(scan: &Scan<'_>, findings: &mut Vec<Finding>) {
    for ((name, fields), count) in SINGLE_FIELDS
        .iter()
        .zip(scan.singles.iter())
        .zip(scan.single_counts.iter())
    {
        if *count > 1 {
            findings.push(finding(
                "header.duplicate",
                Severity::Warning,
                format!("The message has {count} {name} headers."),
                format!("A message may carry only one {name} header (RFC 5322). Gmail and other strict receivers reject messages that break this rule. The sending program should be fixed."),
                fields.iter().map(Field::evidence).collect(),
            ));
        }
    }
}

/// Whether a value is an RFC 5322 msg-id: `<id-left@id-right>`.
fn valid_msg_id(value: &str) -> bool {
    let Some(inner) = value.strip_prefix('<').and_then(|v| v.strip_suffix('>')) else {
        return false;
    };
    let Some((left, right)) = inner.split_once('@') else {
        return false;
    };
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c);
    let right_ok = if let Some(literal) = right.strip_prefix('[').and_then(|r| r.strip_suffix(']'))
    {
        literal
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '[' && c != ']' && c != '\\')
    } else {
        !right.is_empty() && right.chars().all(atext)
    };
    !left.is_empty() && left.chars().all(atext) && right_ok
}

/// A duration in whole days, or years for long ones.
fn rough_days(ms: i64) -> String {
    let days = ms / 86_400_000;
    if days >= 730 {
        format!("about {} years", days / 365)
    } else {
        format!("{days} days")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::sender::tests::*;

    #[test]
    fn date_checks() {
        let base = newsletter();
        let (_, findings) = run(&with(&base, "Date:", ""), NOW);
        assert_eq!(
            get(&findings, "header.missing-date").severity,
            Severity::Warning
        );
        let (_, findings) = run(&with(&base, "Date:", "Date: the day after tomorrow"), NOW);
        assert_eq!(
            get(&findings, "header.bad-date").severity,
            Severity::Warning
        );
        // An hour after the newest Received date (10:00:02), though before "now" plus a day.
        let (_, findings) = run(
            &with(&base, "Date:", "Date: Tue, 02 Jan 2024 11:00:03 +0000"),
            NOW + DAY,
        );
        let f = get(&findings, "header.date-in-future");
        assert!(f.title.contains("when it was received"), "{}", f.title);
        // Ten minutes is clock difference.
        let (_, findings) = run(
            &with(&base, "Date:", "Date: Tue, 02 Jan 2024 10:10:00 +0000"),
            NOW,
        );
        assert!(!has(&findings, "header.date-in-future"));
        // Without Received, against now.
        let text = with(&base, "Received:", "");
        let (_, findings) = run(
            &with(&text, "Date:", "Date: Wed, 03 Jan 2024 10:00:00 +0000"),
            NOW,
        );
        assert!(
            get(&findings, "header.date-in-future")
                .title
                .contains("than now")
        );
        // Old.
        let (_, findings) = run(&base, NOW + 45 * DAY);
        let f = get(&findings, "header.date-far-past");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.title.contains("45 days"), "{}", f.title);
        let (_, findings) = run(&base, NOW + 20 * DAY);
        assert!(!has(&findings, "header.date-far-past"));
        for code in [
            "header.missing-date",
            "header.bad-date",
            "header.date-in-future",
        ] {
            assert!(!has(&run(&base, NOW).1, code));
        }
    }

    #[test]
    fn message_id_checks() {
        let base = newsletter();
        let (_, findings) = run(&with(&base, "Message-ID:", ""), NOW);
        assert_eq!(
            get(&findings, "header.missing-message-id").severity,
            Severity::Warning
        );
        for bad in [
            "abc@shop.example",
            "<abc>",
            "<a b@shop.example>",
            "<a@b@shop.example>",
            "<@shop.example>",
            "<abc@>",
            "",
        ] {
            let (_, findings) = run(
                &with(&base, "Message-ID:", &format!("Message-ID: {bad}")),
                NOW,
            );
            assert!(has(&findings, "header.bad-message-id"), "{bad}");
        }
        for good in [
            "<abc.123@shop.example>",
            " <x+y=z@[192.0.2.1]>",
            "<CAF8x=Zq1qL0k2Y5cV7x+abc@mail.gmail.com>",
        ] {
            let (_, findings) = run(
                &with(&base, "Message-ID:", &format!("Message-Id:{good}")),
                NOW,
            );
            assert!(!has(&findings, "header.bad-message-id"), "{good}");
        }
    }

    #[test]
    fn duplicate_fields() {
        let text = format!("Subject: Second subject\n{}", newsletter());
        let (_, findings) = run(&text, NOW);
        let f = get(&findings, "header.duplicate");
        assert!(f.title.contains("2 Subject headers"));
        assert_eq!(f.evidence.len(), 2);
        assert!(!has(&run(&newsletter(), NOW).1, "header.duplicate"));
    }
}
