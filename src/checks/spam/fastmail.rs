//! Fastmail: `X-Spam-score` with `X-Spam-hits` (the SpamAssassin rules that fired, as
//! `RULE score, RULE score, ...`, followed by informational entries such as `LANGUAGES en`,
//! `BAYES_USED global`, `SA_VERSION 4.0.1` that carry no score), `X-Spam-known-sender` and
//! `X-Spam-sender-reputation`. Fastmail writes no verdict field: its help page "Spam filtering"
//! (https://www.fastmail.com/help/technical/spamchecks.html) says each message "is analyzed
//! using SpamAssassin and assigned a spam score" and "By default, we move anything with a score
//! of 5 or higher to your Spam folder". That default is the threshold read here; an account
//! can choose another level, which the summary says.

use super::spamassassin::sa_meaning;
use super::{Group, SpamVerdict, contributors, item, num, push_item, rule_scores, score_sentence};

/// Fastmail's default spam-folder threshold (help page above).
const DEFAULT_THRESHOLD: f64 = 5.0;

/// Fastmail's verdict.
pub(super) fn verdict(g: &Group<'_>) -> SpamVerdict {
    let mut items = Vec::new();
    for (code, score) in g.value("x-spam-hits").map(rule_scores).unwrap_or_default() {
        push_item(&mut items, item(code, None, Some(score), sa_meaning(code)));
    }
    let score = g
        .value("x-spam-score")
        .and_then(|v| v.split_whitespace().next())
        .and_then(num);
    let is_spam = score.map(|s| s >= DEFAULT_THRESHOLD);
    let mut summary = score_sentence(
        "Fastmail's filter (SpamAssassin)",
        None,
        score,
        score.map(|_| DEFAULT_THRESHOLD),
    );
    match is_spam {
        Some(true) => summary.push_str(
            " With Fastmail's default spam protection, a score of 5 or more files the message in Spam.",
        ),
        Some(false) => summary.push_str(
            " With Fastmail's default spam protection, a score below 5 leaves it in the Inbox.",
        ),
        None => {}
    }
    summary.push_str(&contributors(&items));
    let (header, line) = g.main(&["x-spam-score", "x-spam-hits"]);
    SpamVerdict {
        filter: "Fastmail".to_string(),
        header,
        line,
        is_spam,
        score,
        threshold: score.map(|_| DEFAULT_THRESHOLD),
        summary,
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{find, one};

    #[test]
    fn fastmail_score_over_its_default_threshold_is_spam() {
        let v = one(&[
            ("X-Spam-known-sender", "no", 1),
            ("X-Spam-sender-reputation", "500 (none)", 2),
            ("X-Spam-score", "6.3", 3),
            (
                "X-Spam-hits",
                "BAYES_99 3.5, HTML_IMAGE_ONLY_16 1.092, SPF_PASS -0.001, LANGUAGES en, BAYES_USED global, SA_VERSION 4.0.1",
                4,
            ),
        ]);
        assert_eq!(v.filter, "Fastmail");
        assert_eq!(
            (v.is_spam, v.score, v.threshold),
            (Some(true), Some(6.3), Some(5.0))
        );
        assert_eq!(v.items.len(), 3);
        assert_eq!(find(&v, "BAYES_99").score, Some(3.5));
        assert!(v.summary.contains("BAYES_99 (+3.5)"), "{}", v.summary);
    }

    #[test]
    fn fastmail_score_below_the_threshold_is_not_spam() {
        let v = one(&[
            ("X-Spam-score", "0.1", 1),
            ("X-Spam-hits", "HTML_MESSAGE 0.001, LANGUAGES en", 2),
        ]);
        assert_eq!(v.is_spam, Some(false));
    }
}
