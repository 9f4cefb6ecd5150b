//! Orange (orange.fr, wanadoo.fr): the Vade filter's `X-me-spamlevel` field ("The spam level
//! can be 'not spam', low, medium or high. If you see anything other than 'not spam' then the
//! Vade Filter Engine has flagged your email as spam", Validity, "Orange troubleshooting support
//! information", https://knowledge.validity.com/hc/en-us/articles/115003087148), with the rating
//! beside it (`X-me-spamrating`) and the filter's encoded causes (`X-me-spamcause`, "If the value
//! in this first bracket is higher than ...", the same page). The level is the verdict: any
//! level but "not spam" is spam.

use super::{Group, SpamVerdict, item, push_item, unscored};

/// Whether a level is Vade's spam verdict: `None` for an empty value.
fn level_is_spam(value: &str) -> Option<bool> {
    let v: String = value
        .trim()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    if v.is_empty() {
        None
    } else {
        Some(v != "notspam")
    }
}

/// Orange's verdict.
pub(super) fn verdict(g: &Group<'_>) -> SpamVerdict {
    let mut items = Vec::new();
    let is_spam = g.value("x-me-spamlevel").and_then(level_is_spam);
    for (kind, meaning) in [
        (
            "x-me-spamlevel",
            "The spam level Orange's filter (Vade) gave the message: not spam, low, medium or high; any level but \"not spam\" is a spam verdict.",
        ),
        (
            "x-me-spamrating",
            "The rating Orange's filter gave the message.",
        ),
        (
            "x-me-spamcause",
            "The filter's own encoded reasons; Orange's postmaster can read them.",
        ),
    ] {
        if let Some(f) = g.get(kind) {
            // The causes are a long encoded string: its start is enough to quote.
            let value = crate::vocab::text::clip_ellipsis(f.value.trim(), 40);
            push_item(
                &mut items,
                item(f.name, Some(&value), None, Some(meaning.to_string())),
            );
        }
    }
    unscored(
        "Orange",
        g.main(&["x-me-spamlevel", "x-me-spamrating"]),
        is_spam,
        [
            "Orange's filter (Vade) gave this message a spam level, so it was treated as spam.",
            "Orange's filter (Vade) rated this message not spam.",
            "Orange's filter left no spam level.",
        ],
        items,
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::one;

    #[test]
    fn an_orange_spam_level_other_than_not_spam_is_spam() {
        let v = one(&[
            ("X-me-spamlevel", "high", 1),
            ("X-me-spamrating", "91.000000", 2),
            ("X-me-spamcause", "SPAM, (390)(0000)gggruggvucftvghtrhho", 3),
        ]);
        assert_eq!((v.filter.as_str(), v.is_spam), ("Orange", Some(true)));
        assert_eq!(v.items.len(), 3);
        let low = one(&[("X-me-spamlevel", "low", 1)]);
        assert_eq!(low.is_spam, Some(true));
    }

    #[test]
    fn orange_not_spam_is_not_spam() {
        for level in ["not-spam", "not spam", "NOT_SPAM"] {
            let v = one(&[("X-me-spamlevel", level, 1)]);
            assert_eq!(v.is_spam, Some(false), "{level}");
        }
        let v = one(&[("X-me-spamrating", "12.000000", 1)]);
        assert_eq!(v.is_spam, None);
    }
}
