//! Cisco Secure Email (IronPort): `X-IronPort-Anti-Spam-Filtered`,
//! `X-IronPort-Anti-Spam-Result` (older `X-IPAS-Result`; Cisco's encoded data, shown raw) and
//! `X-SBRS` (the sending server's SenderBase reputation). The verdict itself is not in those
//! fields: Cisco's anti-spam actions tag the Subject, by default `[SPAM]` for positively
//! identified spam and `[SUSPECTED SPAM]` for suspected spam (Cisco AsyncOS for Email User
//! Guide, Anti-Spam: "Add text to subject"), so a scanned message whose Subject starts with
//! either tag was judged spam.

use super::{Group, SpamVerdict, fmt_num, item, num, push_item, yes_no};

/// The band of a SenderBase reputation score (-10 certain spam source .. +10 trustworthy).
fn sbrs_band(n: f64) -> &'static str {
    if n <= -3.0 {
        "poor: a likely source of spam"
    } else if n < 0.0 {
        "slightly negative"
    } else if n == 0.0 {
        "neutral"
    } else if n < 3.0 {
        "slightly positive"
    } else {
        "good: unlikely to send spam"
    }
}

/// Cisco's default Subject tag for its spam verdicts, if the subject starts with one.
fn subject_tag(subject: &str) -> Option<&'static str> {
    let s = subject.trim_start();
    ["[SUSPECTED SPAM]", "[SPAM]"].into_iter().find(|tag| {
        s.get(..tag.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(tag))
    })
}

/// Cisco Secure Email (IronPort); `subject`: the message's Subject.
pub(super) fn verdict(g: &Group<'_>, subject: Option<&str>) -> SpamVerdict {
    let mut items = Vec::new();
    let filtered = g.value("x-ironport-anti-spam-filtered");
    if let Some(v) = filtered {
        let m = "Whether Cisco's anti-spam engine scanned the message (true or false).";
        push_item(
            &mut items,
            item("Anti-Spam-Filtered", Some(v), None, Some(m.to_string())),
        );
    }
    for kind in ["x-ironport-anti-spam-result", "x-ipas-result"] {
        if let Some(v) = g.value(kind) {
            let m = "Cisco's encoded scan data; it cannot be read without Cisco's tools.";
            push_item(
                &mut items,
                item("Anti-Spam-Result", Some(v), None, Some(m.to_string())),
            );
        }
    }
    let sbrs_raw = g.value("x-sbrs");
    let sbrs = sbrs_raw
        .and_then(num)
        .filter(|n| (-10.0..=10.0).contains(n));
    if let Some(v) = sbrs_raw {
        let m = match sbrs {
            Some(n) => Some(format!("SenderBase reputation of the sending server, from -10 (certain spam source) to +10 (trustworthy): {}.", sbrs_band(n))),
            None if v.eq_ignore_ascii_case("none") => Some("Cisco has no reputation data for the sending server (too little mail seen, or the lookup failed); this is not the same as 0.".to_string()),
            None => None,
        };
        push_item(&mut items, item("SBRS", Some(v), sbrs, m));
    }
    let tag = subject
        .and_then(subject_tag)
        .filter(|_| filtered.and_then(yes_no) == Some(true));
    let mut summary = match filtered.and_then(yes_no) {
        Some(true) => "Cisco Secure Email scanned this message for spam".to_string(),
        Some(false) => "Cisco Secure Email did not scan this message for spam".to_string(),
        None => "Cisco Secure Email handled this message".to_string(),
    };
    match (sbrs, sbrs_raw) {
        (Some(n), _) => summary.push_str(&format!(
            "; the sending server's SenderBase reputation is {} on a scale from -10 to +10 ({}).",
            fmt_num(n),
            sbrs_band(n)
        )),
        (None, Some(v)) if v.eq_ignore_ascii_case("none") => {
            summary.push_str("; Cisco had no reputation data for the sending server.");
        }
        _ if tag.is_some() => summary.push('.'),
        _ => summary.push_str(", but these headers carry no readable verdict."),
    }
    if let Some(tag) = tag {
        summary.push_str(&format!(
            " Its anti-spam verdict: spam (the Subject starts with its tag {tag})."
        ));
    }
    let (header, line) = g.main(&[
        "x-ironport-anti-spam-filtered",
        "x-ironport-anti-spam-result",
        "x-ipas-result",
        "x-sbrs",
    ]);
    SpamVerdict {
        filter: "Cisco Secure Email (IronPort)".to_string(),
        header,
        line,
        is_spam: tag.map(|_| true),
        score: None,
        threshold: None,
        summary,
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::spam::tests::{find, one};

    #[test]
    fn ironport_headers() {
        let v = one(&[
            ("X-IronPort-Anti-Spam-Filtered", "true", 20),
            (
                "X-IronPort-Anti-Spam-Result",
                "A0ADAQCv2WNm/xoBYJlaHAEBAQEBAQcBARIBAQQEAQFAgUuDGFaBFzKEVZFmA5wigXwPAQEBAQEBAQEBCQ==",
                21,
            ),
            ("X-SBRS", "-4.2", 22),
        ]);
        assert_eq!(v.filter, "Cisco Secure Email (IronPort)");
        assert_eq!(
            (v.header.as_str(), v.line, v.is_spam),
            ("X-IronPort-Anti-Spam-Filtered", 20, None)
        );
        assert_eq!(
            v.summary,
            "Cisco Secure Email scanned this message for spam; the sending server's SenderBase reputation is -4.2 on a scale from -10 to +10 (poor: a likely source of spam)."
        );
        assert_eq!(find(&v, "SBRS").score, Some(-4.2));
        let v = one(&[("X-SBRS", "None", 3)]);
        assert!(
            v.summary
                .ends_with("Cisco had no reputation data for the sending server.")
        );
        assert!(
            find(&v, "SBRS")
                .meaning
                .as_deref()
                .unwrap()
                .contains("not the same as 0")
        );
        let v = one(&[
            ("Subject", "[SUSPECTED SPAM] Last call", 4),
            ("X-IronPort-Anti-Spam-Filtered", "true", 5),
        ]);
        assert_eq!(v.is_spam, Some(true));
        assert!(
            v.summary
                .ends_with("(the Subject starts with its tag [SUSPECTED SPAM]).")
        );
        let v = one(&[
            ("Subject", "Re: [SPAM] filter settings", 4),
            ("X-IronPort-Anti-Spam-Filtered", "true", 5),
        ]);
        assert_eq!(v.is_spam, None);
        assert_eq!(sbrs_band(5.5), "good: unlikely to send spam");
        assert_eq!(sbrs_band(0.0), "neutral");
    }
}
