//! Filters that write only a one-word verdict, read as rspamd reads them when a message reaches
//! it with another filter's verdict already written (rspamd `rules/regexp/upstream_spam_filters.lua`,
//! group `upstream_spam_filters`):
//! - **United Internet (GMX, WEB.DE, mail.com)**: `X-UI-Filterresults`, whose first word is
//!   the verdict: `junk:` is "United Internet says this message is spam" (rspamd's
//!   UNITEDINTERNET_SPAM, written for the outgoing `X-UI-Out-Filterresults` of the same form);
//!   `notjunk:` the opposite. The rest of the value is United Internet's encoded data, shown
//!   raw. The outgoing field is the sending side's own filter and is not read as a receiver's.
//! - **Kaspersky (Linux Mail Server / Secure Mail Gateway)**: `X-KLMS-AntiSpam-Status` /
//!   `X-KSMG-AntiSpam-Status` ("status assigned to the message by the Anti-Spam engine",
//!   https://support.kaspersky.com/KSMG/2.0.1/en-US/205767.htm; `not_detected` in the example
//!   of https://support.kaspersky.com/KLMS/8.2/en-US/56122.htm), a `spam...` status being
//!   rspamd's KLMS_SPAM, with `-AntiSpam-Rate` and `-AntiSpam-Method` beside it.

use super::{Group, SpamVerdict, item, num, push_item, unscored};

/// United Internet's verdict field.
pub(super) fn united_internet(g: &Group<'_>) -> SpamVerdict {
    let mut items = Vec::new();
    let value = g.value("x-ui-filterresults").unwrap_or_default();
    let word = value
        .split([':', ';'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let is_spam = match word.as_str() {
        "junk" => Some(true),
        "notjunk" => Some(false),
        _ => None,
    };
    let m = "United Internet's (GMX, WEB.DE) filter verdict: junk (spam) or notjunk; the rest is its encoded data.";
    push_item(
        &mut items,
        item("Filterresults", Some(&word), None, Some(m.to_string())),
    );
    unscored(
        "GMX / WEB.DE (United Internet)",
        g.main(&["x-ui-filterresults"]),
        is_spam,
        [
            "GMX / WEB.DE's filter marked this message as junk (spam).",
            "GMX / WEB.DE's filter did not mark this message as junk.",
            "GMX / WEB.DE's filter checked this message; its verdict word is not one it documents.",
        ],
        items,
    )
}

/// Kaspersky's anti-spam fields.
pub(super) fn kaspersky(g: &Group<'_>) -> SpamVerdict {
    let mut items = Vec::new();
    let (main, line) = g.main(&["x-klms-antispam-status", "x-ksmg-antispam-status"]);
    let status = g
        .value("x-klms-antispam-status")
        .or_else(|| g.value("x-ksmg-antispam-status"))
        .map(|s| s.trim().to_ascii_lowercase());
    let is_spam = status.as_deref().and_then(|s| {
        if s.starts_with("spam") || s.starts_with("probable") || s.starts_with("blacklisted") {
            Some(true)
        } else if s.starts_with("not_detected") || s.starts_with("not detected") {
            Some(false)
        } else {
            None
        }
    });
    if let Some(s) = &status {
        let m = "The status Kaspersky's Anti-Spam engine gave the message (spam, probable spam, not_detected, ...).";
        push_item(
            &mut items,
            item("AntiSpam-Status", Some(s), None, Some(m.to_string())),
        );
    }
    let rate = g
        .value("x-klms-antispam-rate")
        .or_else(|| g.value("x-ksmg-antispam-rate"));
    if let Some(r) = rate {
        let m = "The rating Kaspersky's Anti-Spam engine gave the message.";
        push_item(
            &mut items,
            item("AntiSpam-Rate", Some(r), num(r), Some(m.to_string())),
        );
    }
    if let Some(v) = g
        .value("x-klms-antispam-method")
        .or_else(|| g.value("x-ksmg-antispam-method"))
    {
        let m = "The method Kaspersky used to identify spam.";
        push_item(
            &mut items,
            item("AntiSpam-Method", Some(v), None, Some(m.to_string())),
        );
    }
    let summary = match is_spam {
        Some(true) => "Kaspersky's anti-spam engine marked this message as spam.",
        Some(false) => "Kaspersky's anti-spam engine did not detect spam.",
        None => {
            "Kaspersky's anti-spam engine checked this message; its status is not one it documents."
        }
    };
    SpamVerdict {
        filter: "Kaspersky".to_string(),
        header: main,
        line,
        is_spam,
        score: rate.and_then(num),
        threshold: None,
        summary: summary.to_string(),
        items,
    }
}

/// The one-word verdict of a field whose name calls it a spam verdict and which no table names
/// (`X-VR-SPAMSTATE: SPAM` of the Vade filter at OVHcloud, `X-<product>-Spam: yes`): the generic
/// reading of a filter's verdict field, as SpamAssassin's `X-Spam-Flag: YES` and rspamd's
/// `X-Spam: Yes` are written. Only a name ending in a verdict word (`spam`, `spam-flag`,
/// `spamstate`, `spam-status`, `spam-verdict`, `spam-result`, `isspam`, `junk`), and only a
/// value that is one verdict word: a count, a score or a date says nothing here.
pub(super) fn is_verdict_field(name: &str, value: &str) -> bool {
    let n: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    n.starts_with('x')
        && [
            "spam",
            "spamflag",
            "spamstate",
            "spamstatus",
            "spamverdict",
            "spamresult",
            "isspam",
            "junk",
        ]
        .iter()
        .any(|end| n.ends_with(end))
        && verdict_word(value).is_some()
}

/// A one-word spam verdict: spam (`spam`, `yes`, `junk`, `true`) or not (`ok`, `no`, `clean`,
/// `ham`, `notspam`, `notjunk`, `false`).
fn verdict_word(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "spam" | "yes" | "junk" | "true" => Some(true),
        "ok" | "no" | "clean" | "ham" | "notspam" | "not_spam" | "nonspam" | "notjunk"
        | "false" => Some(false),
        _ => None,
    }
}

/// The verdict of one such field.
pub(super) fn one_word(g: &Group<'_>) -> Option<SpamVerdict> {
    let f = g.fields.first()?;
    let is_spam = verdict_word(f.value)?;
    let summary = if is_spam {
        format!(
            "A spam filter's verdict field ({}) says this message is spam.",
            f.name
        )
    } else {
        format!(
            "A spam filter's verdict field ({}) says this message is not spam.",
            f.name
        )
    };
    Some(SpamVerdict {
        filter: format!("Spam filter ({})", super::clip(f.name)),
        header: super::clip(f.name),
        line: f.line,
        is_spam: Some(is_spam),
        score: None,
        threshold: None,
        summary,
        items: vec![item(
            f.name,
            Some(f.value),
            None,
            Some("The filter's one-word verdict.".to_string()),
        )],
    })
}

/// A spam tag at the start of the Subject, enclosed as filters write their tags
/// (SpamAssassin's `rewrite_header Subject *****SPAM*****`, Mail::SpamAssassin::Conf; Cisco's
/// and many gateways' `[SPAM]`, `[SUSPECTED SPAM]`; `{Spam?}`): the tag as written.
pub(super) fn subject_tag(subject: &str) -> Option<&str> {
    let s = subject.trim_start();
    let open = s.len() - s.trim_start_matches(['*', '[', '{', '(']).len();
    if open == 0 {
        return None;
    }
    let rest = &s[open..];
    let lower = rest.to_ascii_lowercase();
    let word = [
        "suspected spam",
        "possible spam",
        "probable spam",
        "spam",
        "junk",
    ]
    .into_iter()
    .find(|w| lower.starts_with(w))?;
    let after = &rest[word.len()..];
    let after_q = after.strip_prefix('?').unwrap_or(after);
    let close = after_q.len() - after_q.trim_start_matches(['*', ']', '}', ')']).len();
    if close == 0 {
        return None;
    }
    let end = open + word.len() + (after.len() - after_q.len()) + close;
    s.get(..end)
}

/// The verdict a Subject tag gives when no filter's fields state one.
pub(super) fn subject_verdict(tag: &str, line: u32) -> SpamVerdict {
    SpamVerdict {
        filter: "Spam filter (Subject tag)".to_string(),
        header: "Subject".to_string(),
        line,
        is_spam: Some(true),
        score: None,
        threshold: None,
        summary: format!(
            "A spam filter tagged the Subject with {tag}: it judged the message to be spam."
        ),
        items: vec![item(
            "Subject",
            Some(tag),
            None,
            Some(
                "The tag a filter writes at the start of the Subject of mail it judges spam."
                    .to_string(),
            ),
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::super::read;
    use super::subject_tag;

    #[test]
    fn one_word_verdict_fields() {
        let v = read([("X-VR-SPAMSTATE", "SPAM", 3)]);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].is_spam, Some(true));
        let v = read([("X-VR-SPAMSTATE", "OK", 3)]);
        assert_eq!(v[0].is_spam, Some(false));
        // Not a verdict: a word that is not one, a field named for something else.
        assert!(read([("X-Yandex-Spam", "4", 3)]).is_empty());
        assert!(read([("X-Spam-Processed", "yes", 3)]).is_empty());
        assert!(read([("X-VR-SPAMSCORE", "300", 3)]).is_empty());
    }

    #[test]
    fn subject_tags() {
        assert_eq!(
            subject_tag("*****SPAM***** Rechnung 12"),
            Some("*****SPAM*****")
        );
        assert_eq!(
            subject_tag("[Suspected Spam] offer"),
            Some("[Suspected Spam]")
        );
        assert_eq!(subject_tag("{Spam?} hello"), Some("{Spam?}"));
        assert_eq!(subject_tag("Spam filter settings"), None);
        assert_eq!(subject_tag("[Spamfilter] report"), None);
        assert_eq!(subject_tag("Re: [SPAM] settings"), None);
        let v = read([("Subject", "*****SPAM***** Rechnung", 7)]);
        assert_eq!(v.len(), 1);
        assert_eq!((v[0].is_spam, v[0].line), (Some(true), 7));
        // A filter's own verdict decides; the tag adds none.
        let v = read([
            ("Subject", "[SPAM] x", 1),
            ("X-Spam-Status", "No, score=1.0 required=5.0 tests=NONE", 2),
        ]);
        assert_eq!(v.len(), 1);
    }
}
