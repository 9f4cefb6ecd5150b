//! Barracuda Email Security Gateway / Email Protection: `X-Barracuda-Spam-Score`,
//! `-Spam-Status` (score, the tag, quarantine and kill levels, `tests=`), `-Spam-Report` (read
//! as SpamAssassin's) and `-Spam-Flag`. Barracuda's own rules: `data/spam/barracuda.tsv`; the
//! rest are SpamAssassin rules.

use super::spamassassin::{parse_report, sa_meaning};
use super::{
    Group, MAX_ITEMS, MAX_TOKENS, SpamVerdict, contributors, fmt_num, item, join_and, meaning, num,
    push_item, score_sentence, yes_no,
};
use crate::vocab::tables::spam::BARRACUDA;

/// What `X-Barracuda-Spam-Status` says.
#[derive(Debug, Default)]
struct BarracudaStatus {
    is_spam: Option<bool>,
    score: Option<f64>,
    tag: Option<f64>,
    quarantine: Option<f64>,
    kill: Option<f64>,
    tests: Vec<String>,
}

/// `No, SCORE=0.00 using global scores of TAG_LEVEL=3.5 QUARANTINE_LEVEL=1000.0 KILL_LEVEL=6.0
/// tests=HTML_MESSAGE, BSF_SC0_MISMATCH_TO`.
fn parse_barracuda_status(v: &str) -> BarracudaStatus {
    let mut st = BarracudaStatus {
        is_spam: yes_no(v),
        ..Default::default()
    };
    let mut in_tests = false;
    for tok in v.split_whitespace().take(MAX_TOKENS) {
        let mut rules = tok;
        if let Some((k, val)) = tok.split_once('=') {
            in_tests = k.eq_ignore_ascii_case("tests");
            match k.to_ascii_uppercase().as_str() {
                "SCORE" => st.score = num(val),
                "TAG_LEVEL" => st.tag = num(val),
                "QUARANTINE_LEVEL" => st.quarantine = num(val),
                "KILL_LEVEL" => st.kill = num(val),
                _ => {}
            }
            rules = val;
        }
        if in_tests {
            for r in rules.split(',').map(str::trim) {
                if !r.is_empty() && st.tests.len() < MAX_ITEMS {
                    st.tests.push(r.to_string());
                }
            }
        }
    }
    st
}

/// Meaning of a rule Barracuda reports.
fn barracuda_meaning(code: &str) -> Option<String> {
    meaning(BARRACUDA, code)
        .map(str::to_string)
        .or_else(|| sa_meaning(code))
}

/// Barracuda Email Security Gateway / Email Protection.
pub(super) fn verdict(g: &Group<'_>) -> SpamVerdict {
    let mut st = g
        .value("x-barracuda-spam-status")
        .map(parse_barracuda_status)
        .unwrap_or_default();
    let mut items = Vec::new();
    for code in &st.tests {
        push_item(&mut items, item(code, None, None, barracuda_meaning(code)));
    }
    if let Some(report) = g.value("x-barracuda-spam-report") {
        for (code, score, desc) in parse_report(report) {
            if let Some(it) = items
                .iter_mut()
                .find(|i| i.code == code && i.score.is_none())
            {
                it.score = score;
                it.value = desc;
            } else {
                push_item(
                    &mut items,
                    item(&code, desc.as_deref(), score, barracuda_meaning(&code)),
                );
            }
        }
    }
    if st.score.is_none() {
        st.score = g.value("x-barracuda-spam-score").and_then(num);
    }
    if st.is_spam.is_none() {
        st.is_spam = g.value("x-barracuda-spam-flag").and_then(yes_no);
    }
    let mut summary = score_sentence("Barracuda", st.is_spam, st.score, st.tag);
    let levels: Vec<String> = [
        ("tags (marks) messages as spam from", st.tag),
        ("quarantines from", st.quarantine),
        ("blocks from", st.kill),
    ]
    .iter()
    .filter_map(|(what, l)| l.map(|l| format!("{what} {}", fmt_num(l))))
    .collect();
    if !levels.is_empty() {
        summary.push_str(&format!(" It {}.", join_and(&levels)));
    }
    summary.push_str(&contributors(&items));
    let (header, line) = g.main(&[
        "x-barracuda-spam-status",
        "x-barracuda-spam-score",
        "x-barracuda-spam-flag",
        "x-barracuda-spam-report",
    ]);
    SpamVerdict {
        filter: "Barracuda".to_string(),
        header,
        line,
        is_spam: st.is_spam,
        score: st.score,
        threshold: st.tag,
        summary,
        items,
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::spam::tests::{find, one};

    #[test]
    fn barracuda_status_and_report() {
        let v = one(&[
            ("X-Barracuda-Connect", "mail.example.com[192.0.2.10]", 2),
            ("X-Barracuda-Spam-Score", "4.12", 3),
            (
                "X-Barracuda-Spam-Status",
                "Yes, SCORE=4.12 using global scores of TAG_LEVEL=3.5 QUARANTINE_LEVEL=1000.0 KILL_LEVEL=6.0 tests=HTML_MESSAGE, BSF_SC0_MISMATCH_TO, MISSING_MID, BSF_SC5_MJ1963",
                4,
            ),
            (
                "X-Barracuda-Spam-Report",
                "Code version 3.2, rules version 3.2.3.98765 Rule breakdown below pts rule name description ---- ---------------------- -------------------------------------------------- 0.00 HTML_MESSAGE BODY: HTML included in message 1.00 BSF_SC0_MISMATCH_TO Envelope rcpt doesn't match header 0.14 MISSING_MID Missing Message-Id: header 2.98 BSF_SC5_MJ1963 Custom Rule MJ1963",
                5,
            ),
        ]);
        assert_eq!(v.filter, "Barracuda");
        assert_eq!((v.header.as_str(), v.line), ("X-Barracuda-Spam-Status", 4));
        assert_eq!(
            (v.is_spam, v.score, v.threshold),
            (Some(true), Some(4.12), Some(3.5))
        );
        assert_eq!(v.items.len(), 4);
        assert_eq!(find(&v, "BSF_SC5_MJ1963").score, Some(2.98));
        assert!(
            find(&v, "BSF_SC5_MJ1963")
                .meaning
                .as_deref()
                .unwrap()
                .contains("Barracuda")
        );
        assert_eq!(
            find(&v, "MISSING_MID").meaning.as_deref(),
            Some("The message has no Message-ID header.")
        );
        assert_eq!(
            v.summary,
            "Barracuda scored this message 4.12, above its spam threshold of 3.5, so it was marked as spam. It tags (marks) messages as spam from 3.5, quarantines from 1000.0 and blocks from 6.0. The biggest contributors: BSF_SC5_MJ1963 (+2.98), BSF_SC0_MISMATCH_TO (+1.0), MISSING_MID (+0.14)."
        );
    }
}
