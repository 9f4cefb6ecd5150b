//! rspamd: `X-Spamd-Result` (the verdict line and every `SYMBOL(score)[options]`),
//! `X-Rspamd-Score`, `X-Rspamd-Action`, `X-Spamd-Bar`, and the `X-Spam` / `X-Spam-Status` /
//! `X-Spam-Level` rspamd writes next to them. Symbol meanings: `data/spam/rspamd.tsv`; actions:
//! `data/spam/rspamd-actions.tsv`.

use super::spamassassin::parse_sa_status;
use super::{
    Group, MAX_ITEMS, SpamVerdict, contributors, fmt_num, item, meaning, num, push_item, yes_no,
};
use crate::vocab::tables::{self, spam::RSPAMD, spam::RSPAMD_ACTIONS};

/// Splits at `sep` outside `[...]` and `(...)`.
fn split_top(v: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in v.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth = depth.saturating_sub(1),
            c if c == sep && depth == 0 => {
                out.push(v.get(start..i).unwrap_or(""));
                start = i + c.len_utf8();
                if out.len() > MAX_ITEMS {
                    return out;
                }
            }
            _ => {}
        }
    }
    out.push(v.get(start..).unwrap_or(""));
    out
}

/// The text between the first `open` and the last `close` after it.
fn between(v: &str, open: char, close: char) -> Option<&str> {
    let a = v.find(open)?;
    let b = v.rfind(close)?;
    v.get(a + open.len_utf8()..b)
}

/// `SYMBOL(1.50)[option,option]` -> (symbol, score, options).
fn rspamd_symbol(part: &str) -> (&str, Option<f64>, Option<&str>) {
    let part = part.trim();
    let end = part.find(['(', '[']).unwrap_or(part.len());
    let name = part.get(..end).unwrap_or(part).trim();
    let rest = part.get(end..).unwrap_or("");
    let score = rest
        .strip_prefix('(')
        .and_then(|r| r.split_once(')'))
        .and_then(|(s, _)| num(s));
    let opts = rest.find('[').and_then(|_| between(rest, '[', ']'));
    (name, score, opts.filter(|o| !o.trim().is_empty()))
}

/// Plain words for an rspamd action (to follow "decided "), and whether it means spam.
fn rspamd_action(action: &str) -> Option<(&'static str, bool)> {
    let row = tables::lookup_ci(RSPAMD_ACTIONS, &[action.trim()])?;
    Some((row.get(2), row.get(1) == "yes"))
}

/// rspamd: `X-Spamd-Result: default: False [3.40 / 15.00]; SYMBOL(score)[options]; ...`.
pub(super) fn verdict(g: &Group<'_>) -> SpamVerdict {
    let (mut score, mut threshold, mut rejected) = (None, None, None);
    let mut items = Vec::new();
    if let Some(v) = g.value("x-spamd-result") {
        for (n, part) in split_top(v, ';').into_iter().enumerate() {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            // `default: False [3.40 / 15.00]`: False only means "not rejected".
            if n == 0
                && let Some((_, rest)) = part.split_once(':')
                && let Some(open) = rest.find('[')
                && let Some(len) = rest.get(open..).and_then(|r| r.find(']'))
            {
                let inner = rest.get(open + 1..open + len).unwrap_or("");
                rejected = yes_no(rest.get(..open).unwrap_or(""));
                let (s, t) = inner.split_once('/').unwrap_or((inner, ""));
                (score, threshold) = (num(s), num(t));
                // rspamd's symbols follow as `SYMBOL(score)[options]`; where they are written
                // one per folded line without the `;` (as rmilter's and older rspamd's
                // X-Spamd-Result did), they stand in this first part, apart by white space.
                let symbols = rest
                    .get(open + len + 1..)
                    .unwrap_or("")
                    .replace(['\t', '\r', '\n'], " ");
                for sym in split_top(&symbols, ' ') {
                    let (name, sc, opts) = rspamd_symbol(sym);
                    if sc.is_none() || !sym.trim().contains('(') {
                        continue;
                    }
                    let meaning = meaning(RSPAMD, name).map(str::to_string);
                    push_item(&mut items, item(name, opts, sc, meaning));
                }
                continue;
            }
            let (name, sc, opts) = rspamd_symbol(part);
            let meaning = meaning(RSPAMD, name).map(str::to_string);
            push_item(&mut items, item(name, opts, sc, meaning));
        }
    }
    if score.is_none() {
        score = g.value("x-rspamd-score").and_then(num);
    }
    let status = g.value("x-spam-status").map(parse_sa_status);
    if score.is_none() {
        score = status.as_ref().and_then(|s| s.score);
    }
    let action = g.value("x-rspamd-action").and_then(rspamd_action);
    // rspamd's own rule: any action but "no action" and "greylist" means spam.
    let is_spam = action
        .map(|(_, spam)| spam)
        .or_else(|| g.value("x-spam").and_then(yes_no))
        .or_else(|| status.and_then(|s| s.is_spam))
        .or(rejected.filter(|r| *r));
    let mut summary = match (score, threshold) {
        (Some(s), Some(t)) => format!(
            "rspamd scored this message {} (it refuses mail from {} up)",
            fmt_num(s),
            fmt_num(t)
        ),
        (Some(s), None) => format!("rspamd scored this message {}", fmt_num(s)),
        _ => "rspamd checked this message".to_string(),
    };
    match (action, is_spam, rejected) {
        (Some((words, _)), _, _) => summary.push_str(&format!(" and decided {words}.")),
        (None, _, Some(true)) => summary.push_str(" and decided to refuse it."),
        (None, Some(true), _) => summary.push_str(" and marked it as spam."),
        (None, Some(false), _) => summary.push_str(" and did not mark it as spam."),
        (None, None, _) => summary.push('.'),
    }
    summary.push_str(&contributors(&items));
    let (header, line) = g.main(&[
        "x-spamd-result",
        "x-rspamd-action",
        "x-rspamd-score",
        "x-spam",
        "x-spam-status",
    ]);
    SpamVerdict {
        filter: "rspamd".to_string(),
        header,
        line,
        is_spam,
        score,
        threshold,
        summary,
        items,
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::spam::tests::{find, one};

    #[test]
    fn rspamd_extended_headers() {
        let v = one(&[
            (
                "X-Spamd-Result",
                "default: False [3.40 / 15.00]; BAYES_SPAM(2.90)[85.41%]; R_SPF_ALLOW(-0.20)[+ip4:198.51.100.7]; R_DKIM_ALLOW(-0.20)[news.example.com:s=k1]; MIME_GOOD(-0.10)[multipart/alternative,text/plain]; DMARC_POLICY_ALLOW(-0.50)[example.com,none]; ASN(0.00)[asn:64496, ipnet:198.51.100.0/24, country:US]; RCVD_COUNT_TWO(0.00)[2]; FROM_HAS_DN(0.00)[]; SOME_LOCAL_SYMBOL(1.30)[x;y]; MANY_INVISIBLE_PARTS(0.30)[1]",
                40,
            ),
            ("X-Rspamd-Server", "mx.example.org", 41),
            ("X-Rspamd-Action", "no action", 42),
            ("X-Rspamd-Score", "3.40", 43),
            ("X-Spamd-Bar", "+++", 44),
        ]);
        assert_eq!(v.filter, "rspamd");
        assert_eq!((v.header.as_str(), v.line), ("X-Spamd-Result", 40));
        assert_eq!(
            (v.score, v.threshold, v.is_spam),
            (Some(3.4), Some(15.0), Some(false))
        );
        assert_eq!(v.items.len(), 10);
        assert_eq!(
            v.summary,
            "rspamd scored this message 3.4 (it refuses mail from 15.0 up) and decided to deliver it normally. The biggest contributors: BAYES_SPAM (+2.9), SOME_LOCAL_SYMBOL (+1.3), MANY_INVISIBLE_PARTS (+0.3)."
        );
        let spf = find(&v, "R_SPF_ALLOW");
        assert_eq!(spf.value.as_deref(), Some("+ip4:198.51.100.7"));
        assert_eq!(spf.score, Some(-0.2));
        assert_eq!(find(&v, "FROM_HAS_DN").value, None);
        assert_eq!(find(&v, "SOME_LOCAL_SYMBOL").value.as_deref(), Some("x;y"));
        assert_eq!(find(&v, "SOME_LOCAL_SYMBOL").meaning, None);
        assert!(find(&v, "RCVD_COUNT_TWO").meaning.is_some());
    }

    #[test]
    fn rspamd_symbols_one_per_folded_line_without_semicolons() {
        let v = one(&[(
            "X-Spamd-Result",
            "default: True [24.36 / 15.00]\n RBL_SPAMHAUS_XBL(4.00)[]\n BAYES_SPAM(3.06)[92.67%]\n MIME_UNKNOWN(0.10)[application/x-rar-compressed]",
            1,
        )]);
        assert_eq!((v.score, v.threshold), (Some(24.36), Some(15.0)));
        assert_eq!(v.items.len(), 3);
        assert_eq!(find(&v, "RBL_SPAMHAUS_XBL").score, Some(4.0));
        assert_eq!(
            find(&v, "MIME_UNKNOWN").value.as_deref(),
            Some("application/x-rar-compressed")
        );
    }

    #[test]
    fn rspamd_spam_with_x_spam_and_reject_flag() {
        let v = one(&[
            ("X-Spam", "Yes", 1),
            (
                "X-Spamd-Result",
                "default: True [16.20 / 15.00]; FUZZY_DENIED(12.00)[1:19b5b2:1.00:txt]",
                2,
            ),
        ]);
        assert_eq!((v.is_spam, v.score), (Some(true), Some(16.2)));
        assert_eq!(v.header, "X-Spamd-Result");
        assert!(
            v.summary.contains("and decided to refuse it."),
            "{}",
            v.summary
        );
        let v = one(&[
            ("X-Spam-Status", "Yes, score=7.10", 1),
            ("X-Rspamd-Action", "add header", 2),
        ]);
        assert_eq!(
            (v.filter.as_str(), v.is_spam, v.score),
            ("rspamd", Some(true), Some(7.1))
        );
        assert_eq!(
            v.summary,
            "rspamd scored this message 7.1 and decided to mark it as spam (it usually goes to the Junk folder)."
        );
    }
}
