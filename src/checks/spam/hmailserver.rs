//! hMailServer's anti-spam fields: `X-hMailServer-Spam: YES` when the message's total reached
//! the administrator's mark threshold, one `X-hMailServer-Reason-<n>: <message> - (Score: <s>)`
//! for each test that failed, and `X-hMailServer-Reason-Score: <total>` (hMailServer's
//! SpamProtection, which writes the failed tests' messages; its tests in
//! source/Server/Common/AntiSpam/). The tests with a fixed message are told by it; the
//! blocklist tests write the message the administrator configured for each list, shown as
//! written.

use super::{Group, SpamVerdict, item, num, push_item, yes_no};

/// The prefix of the reason fields, lowercase.
pub(super) const PREFIX: &str = "x-hmailserver-reason-";

/// The tests whose message is fixed in hMailServer's source: the start of the message, the
/// code it is shown under, and what it means.
const TESTS: &[(&str, &str, &str)] = &[
    // SpamTestSPF.cpp: "Blocked by SPF." or "Blocked by SPF. (<explanation>)".
    (
        "Blocked by SPF.",
        "SPF",
        "SPF failed: the envelope sender's domain does not allow the sending server.",
    ),
    // SpamTestHeloHost.cpp.
    (
        "The host name specified in HELO does not match IP address.",
        "HELO",
        "The HELO name the sending server gave does not resolve to its address.",
    ),
    // SpamTestPTR.cpp.
    (
        "No valid rDNS/PTR record found.",
        "PTR",
        "The sending server's address has no reverse DNS name that points back to it.",
    ),
    // SpamTestMXRecords.cpp.
    (
        "Sender domain does not have any MX records.",
        "MX",
        "The envelope sender's domain publishes no mail server (MX).",
    ),
    // SpamTestSpamAssassin.cpp.
    (
        "Tagged as Spam by SpamAssassin",
        "SPAMASSASSIN",
        "SpamAssassin, which hMailServer runs, judged the message spam.",
    ),
];

/// A reason field's value: its message and the score after it ("... - (Score: 3)").
fn reason(value: &str) -> (&str, Option<f64>) {
    match value.rsplit_once(" - (Score:") {
        Some((message, rest)) => (message.trim(), num(rest.trim().trim_end_matches(')'))),
        None => (value.trim(), None),
    }
}

/// hMailServer's verdict: its spam mark, its total, and each failed test.
pub(super) fn verdict(g: &Group<'_>) -> SpamVerdict {
    let mut items = Vec::new();
    let mut total = None;
    // Without its mark the total stayed below the administrator's mark threshold.
    let mut flagged = Some(false);
    for f in &g.fields {
        match f.kind {
            "x-hmailserver-spam" => flagged = yes_no(f.value),
            "x-hmailserver-reason-score" => total = num(f.value),
            _ => {
                let (message, score) = reason(f.value);
                let known = TESTS
                    .iter()
                    .find(|(start, _, _)| message.starts_with(start));
                let (code, meaning) = match known {
                    Some((_, code, meaning)) => (*code, Some((*meaning).to_string())),
                    None => ("REASON", None),
                };
                push_item(&mut items, item(code, Some(message), score, meaning));
            }
        }
    }
    let is_spam = flagged;
    let (header, line) = g.main(&["x-hmailserver-spam", "x-hmailserver-reason-score"]);
    let summary = match is_spam {
        Some(true) => "hMailServer's anti-spam tests marked this message as spam.",
        Some(false) => "hMailServer's anti-spam tests did not mark this message as spam.",
        None => "hMailServer's anti-spam tests left no verdict.",
    };
    SpamVerdict {
        filter: "hMailServer".to_string(),
        header,
        line,
        is_spam,
        score: total,
        threshold: None,
        summary: summary.to_string(),
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{find, one};

    #[test]
    fn hmailserver_reasons_are_its_failed_tests() {
        let v = one(&[
            ("X-hMailServer-Spam", "YES", 1),
            ("X-hMailServer-Reason-1", "Blocked by SPF. - (Score: 3)", 2),
            (
                "X-hMailServer-Reason-2",
                "Rejected by Spamhaus. - (Score: 2)",
                3,
            ),
            ("X-hMailServer-Reason-Score", "5", 4),
        ]);
        assert_eq!((v.filter.as_str(), v.is_spam), ("hMailServer", Some(true)));
        assert_eq!(v.score, Some(5.0));
        assert_eq!(find(&v, "SPF").score, Some(3.0));
        let other = find(&v, "REASON");
        assert_eq!(other.value.as_deref(), Some("Rejected by Spamhaus."));
        assert!(other.meaning.is_none());
    }

    #[test]
    fn a_zero_score_without_a_mark_is_not_spam() {
        let v = one(&[("X-hMailServer-Reason-Score", "0", 1)]);
        assert_eq!(v.is_spam, Some(false));
        assert!(v.items.is_empty());
    }
}
