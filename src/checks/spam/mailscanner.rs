//! MailScanner's spam report field, `X-<org-name>-MailScanner-SpamCheck` (MailScanner.conf:
//! "Spam Header = X-%org-name%-MailScanner-SpamCheck"; the organization name is the site's own).
//! Its value is the spam report MailScanner's Message.pm and SA.pm write: "spam (blacklisted)"
//! when the sender matched the site's "Is Definitely Spam" rules (spam.blacklist.rules), "not
//! spam (whitelisted)" for "Is Definitely Not Spam", otherwise "spam, SpamAssassin (not cached,
//! score=11.11, required 4, RULE score, ...)" or "not spam, SpamAssassin (...)"
//! (github.com/MailScanner/v5, lib/MailScanner/SA.pm, Message.pm; the words in front are the
//! site's language strings, English by default).

use super::spamassassin::sa_meaning;
use super::{Group, SpamVerdict, item, num, push_item, rule_scores};

/// The field's name ends so, whatever the organization name in front.
pub(super) const SUFFIX: &str = "mailscanner-spamcheck";

/// MailScanner's verdict.
pub(super) fn verdict(g: &Group<'_>) -> SpamVerdict {
    let (header, line) = g.main(&[]);
    let value = g.fields.first().map_or("", |f| f.value).trim();
    let lower = value.to_ascii_lowercase();
    let is_spam = if lower.starts_with("not spam") {
        Some(false)
    } else if lower.starts_with("spam") {
        Some(true)
    } else {
        None
    };
    let mut items = Vec::new();
    if lower.contains("(blacklisted)") {
        push_item(
            &mut items,
            item(
                "BLACKLISTED",
                None,
                None,
                Some("The sender is on the receiving site's spam blacklist (MailScanner's \"Is Definitely Spam\" rules): the message was marked spam without further checks.".into()),
            ),
        );
    }
    if lower.contains("(whitelisted)") {
        push_item(
            &mut items,
            item(
                "WHITELISTED",
                None,
                None,
                Some("The sender is on the receiving site's spam whitelist (\"Is Definitely Not Spam\").".into()),
            ),
        );
    }
    // SpamAssassin's score, threshold and rules inside "SpamAssassin (..., score=N, required N,
    // RULE score, ...)".
    let mut score = None;
    let mut threshold = None;
    if let Some(at) = lower.find("spamassassin (") {
        let inner = &value[at + "spamassassin (".len()..];
        let inner = inner.rsplit_once(')').map_or(inner, |(a, _)| a);
        score = inner
            .split(',')
            .find_map(|p| p.trim().strip_prefix("score="))
            .and_then(num);
        for (code, points) in rule_scores(inner).into_iter().take(64) {
            if code.eq_ignore_ascii_case("required") {
                threshold = Some(points);
            } else {
                push_item(&mut items, item(code, None, Some(points), sa_meaning(code)));
            }
        }
    }
    let summary = match is_spam {
        Some(true) if lower.contains("(blacklisted)") => {
            "MailScanner marked the message as spam because the sender is on the receiving site's blacklist."
        }
        Some(true) => "MailScanner marked the message as spam.",
        Some(false) => "MailScanner found the message not to be spam.",
        None => "MailScanner's spam check left no verdict it documents.",
    };
    SpamVerdict {
        // With SpamAssassin's rules in it, the rules are read as SpamAssassin's.
        filter: if lower.contains("spamassassin") {
            "MailScanner (SpamAssassin)".into()
        } else {
            "MailScanner".into()
        },
        header,
        line,
        is_spam,
        score,
        threshold,
        summary: summary.into(),
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{find, one};

    #[test]
    fn a_blacklisted_sender_is_spam_by_the_sites_own_list() {
        let v = one(&[("X-Dunmore-MailScanner-SpamCheck", "spam (blacklisted)", 1)]);
        assert_eq!((v.filter.as_str(), v.is_spam), ("MailScanner", Some(true)));
        assert_eq!(find(&v, "BLACKLISTED").code, "BLACKLISTED");
    }

    #[test]
    fn spamassassins_rules_inside_are_read() {
        let v = one(&[(
            "X-Example-MailScanner-SpamCheck",
            "spam, SpamAssassin (not cached, score=11.11, required 4, BAYES_99 3.50, RCVD_IN_SBL 2.60, DKIM_VALID -0.10)",
            1,
        )]);
        assert_eq!(v.is_spam, Some(true));
        assert_eq!(v.filter, "MailScanner (SpamAssassin)");
        assert_eq!((v.score, v.threshold), (Some(11.11), Some(4.0)));
        assert_eq!(find(&v, "RCVD_IN_SBL").score, Some(2.6));
        let ham = one(&[(
            "X-MailScanner-SpamCheck",
            "not spam, SpamAssassin (score=0.1, required 5)",
            1,
        )]);
        assert_eq!(ham.is_spam, Some(false));
    }
}
