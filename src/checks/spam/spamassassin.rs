//! SpamAssassin (also as run by amavis), and the generic `X-Spam` / `X-Spam-Flag` of a filter
//! that does not name itself: `X-Spam-Status` (`tests=` lists, amavis's `tests=[RULE=score,
//! ...]`, the old `hits=`), `X-Spam-Score`, `X-Spam-Flag`, `X-Spam-Level` (stars) and
//! `X-Spam-Report` (the `*`-line and the `pts rule name description` table forms, also read for
//! Barracuda). Rule meanings: `data/spam/spamassassin.tsv`.

use super::{
    Group, MAX_ITEMS, MAX_TEXT, MAX_TOKENS, SpamItem, SpamVerdict, clip, contributors, item,
    meaning, num, push_item, score_sentence, yes_no,
};
use crate::vocab::tables::spam::SPAMASSASSIN;

/// Whether a token looks like a rule name (`BAYES_99`, `__KAM_X`, `T_DKIM_INVALID`).
fn rule_like(s: &str) -> bool {
    s.len() >= 2
        && s.len() <= 100
        && s.bytes().any(|b| b.is_ascii_uppercase())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

/// What `X-Spam-Status` says.
#[derive(Debug, Default)]
pub(super) struct SaStatus {
    pub(super) is_spam: Option<bool>,
    pub(super) score: Option<f64>,
    threshold: Option<f64>,
    tests: Vec<(String, Option<f64>)>,
}

/// `Yes, score=7.3 required=5.0 tests=A,B autolearn=no version=4.0.0`, the old `hits=`, and
/// amavis's `tests=[A=1.2, B=-0.1]`.
pub(super) fn parse_sa_status(v: &str) -> SaStatus {
    let mut st = SaStatus::default();
    let mut tokens = v.split_whitespace().take(MAX_TOKENS).peekable();
    if let Some(first) = tokens.peek()
        && !first.contains('=')
    {
        // An add_header template of `_SCORE_/_REQD_` (Mail::SpamAssassin::Conf, "TEMPLATE
        // TAGS": _SCORE_ the message's score, _REQD_ the required_score), as hMailServer's
        // SpamAssassin set-ups write it: "18.8/5.0, autolearn=no ...".
        let pair = first
            .trim_end_matches(',')
            .split_once('/')
            .and_then(|(a, b)| Some((num(a)?, num(b)?)));
        match pair {
            Some((score, reqd)) => {
                st.score = Some(score);
                st.threshold = Some(reqd);
            }
            None => st.is_spam = yes_no(first),
        }
        tokens.next();
    }
    let (mut in_tests, mut bracket) = (false, false);
    let add = |st: &mut SaStatus, part: &str, amavis: bool| {
        let part = part.trim_matches(|c| matches!(c, '[' | ']' | ',' | ' '));
        if part.is_empty() || part.eq_ignore_ascii_case("none") || st.tests.len() >= MAX_ITEMS {
            return;
        }
        match part.split_once('=') {
            Some((name, score)) if amavis => st.tests.push((name.to_string(), num(score))),
            _ => st.tests.push((part.to_string(), None)),
        }
    };
    for tok in tokens {
        if bracket {
            for part in tok.split(',') {
                add(&mut st, part, true);
            }
            bracket = !tok.ends_with(']');
            continue;
        }
        let key = tok.split_once('=').filter(|(k, _)| {
            k.starts_with(|c: char| c.is_ascii_lowercase())
                && k.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        });
        if let Some((k, val)) = key {
            in_tests = false;
            match k {
                "score" | "hits" => st.score = num(val),
                "required" => st.threshold = num(val),
                "tests" if val.starts_with('[') => {
                    for part in val.split(',') {
                        add(&mut st, part, true);
                    }
                    bracket = !val.ends_with(']');
                }
                "tests" => {
                    in_tests = true;
                    for part in val.split(',') {
                        add(&mut st, part, false);
                    }
                }
                _ => {}
            }
        } else if in_tests {
            for part in tok.split(',') {
                add(&mut st, part, false);
            }
        }
    }
    st
}

/// Rule lines of an `X-Spam-Report` (or `X-Barracuda-Spam-Report`): `* 3.5 BAYES_99 BODY: ...`
/// or the table form `3.5 BAYES_99 BODY: ...`. Returns (rule, score, description).
pub(super) fn parse_report(v: &str) -> Vec<(String, Option<f64>, Option<String>)> {
    // The full report template quotes the message's own text first; skip it.
    let v = match v.find("Content analysis details:") {
        Some(i) => v.get(i..).unwrap_or(v),
        None => v,
    };
    let tokens: Vec<&str> = v.split_whitespace().take(MAX_TOKENS).collect();
    let star_mode = tokens.contains(&"*");
    let mut out: Vec<(String, Option<f64>, Option<String>)> = Vec::new();
    let mut desc = String::new();
    let mut i = 0;
    while i < tokens.len() {
        let tok = tokens.get(i).copied().unwrap_or("");
        let prev_star = i == 0 || tokens.get(i.wrapping_sub(1)) == Some(&"*");
        let next = tokens.get(i + 1).copied().unwrap_or("");
        if (prev_star || !star_mode) && num(tok).is_some() && rule_like(next) {
            if let Some(last) = out.last_mut() {
                last.2 = Some(clip(&desc)).filter(|d| !d.is_empty());
            }
            desc.clear();
            if out.len() >= MAX_ITEMS {
                return out;
            }
            out.push((next.to_string(), num(tok), None));
            i += 2;
            continue;
        }
        if !out.is_empty() && tok != "*" && desc.len() < MAX_TEXT {
            if !desc.is_empty() {
                desc.push(' ');
            }
            desc.push_str(tok);
        }
        i += 1;
    }
    if let Some(last) = out.last_mut() {
        last.2 = Some(clip(&desc)).filter(|d| !d.is_empty());
    }
    out
}

/// SpamAssassin (`generic == false`) or an unnamed filter's `X-Spam` / `X-Spam-Flag` fields.
pub(super) fn verdict(g: &Group<'_>, generic: bool) -> SpamVerdict {
    let mut st = g
        .value("x-spam-status")
        .map(parse_sa_status)
        .unwrap_or_default();
    let mut items = Vec::new();
    for (code, score) in &st.tests {
        push_item(&mut items, item(code, None, *score, sa_meaning(code)));
    }
    if let Some(report) = g.value("x-spam-report").or_else(|| g.value("x-ham-report")) {
        for (code, score, desc) in parse_report(report) {
            let known = items
                .iter_mut()
                .find(|i: &&mut SpamItem| i.code == code && i.value.is_none());
            if let Some(it) = known {
                it.score = it.score.or(score);
                it.value = desc;
            } else {
                push_item(
                    &mut items,
                    item(&code, desc.as_deref(), score, sa_meaning(&code)),
                );
            }
        }
    }
    for kind in ["x-spam-flag", "x-spam"] {
        if st.is_spam.is_none() {
            st.is_spam = g.value(kind).and_then(yes_no);
        }
    }
    // required_score: "the score required before a mail is considered spam"
    // (Mail::SpamAssassin::Conf): with both figures and no Yes/No, the score decides.
    if st.is_spam.is_none()
        && let (Some(score), Some(reqd)) = (st.score, st.threshold)
    {
        st.is_spam = Some(score >= reqd);
    }
    if st.score.is_none() {
        st.score = g
            .value("x-spam-score")
            .and_then(|v| v.split_whitespace().next())
            .and_then(num);
    }
    let stars = g.value("x-spam-level").map(|v| {
        v.chars()
            .filter(|c| *c == '*' || *c == '+')
            .take(1000)
            .count()
    });
    let filter = if generic {
        "Unidentified spam filter"
    } else {
        "SpamAssassin"
    };
    let who = if generic {
        "A spam filter (not named in the headers)"
    } else {
        "SpamAssassin"
    };
    let mut summary = score_sentence(who, st.is_spam, st.score, st.threshold);
    if let (None, Some(n @ 1..)) = (st.score, stars) {
        summary.push_str(&format!(
            " Its spam level shows {n} star{} (one per point of score).",
            if n == 1 { "" } else { "s" }
        ));
    }
    summary.push_str(&contributors(&items));
    let (header, line) = g.main(&[
        "x-spam-status",
        "x-spam-flag",
        "x-spam",
        "x-spam-score",
        "x-spam-report",
    ]);
    SpamVerdict {
        filter: filter.to_string(),
        header,
        line,
        is_spam: st.is_spam,
        score: st.score,
        threshold: st.threshold,
        summary,
        items,
    }
}

/// Plain meaning of a SpamAssassin rule (`T_` rules under test, `*_BLOCKED` lookups included).
pub(super) fn sa_meaning(code: &str) -> Option<String> {
    if let Some(rest) = code.strip_prefix("T_") {
        let base = meaning(SPAMASSASSIN, rest).unwrap_or("its exact meaning is not in this list");
        return Some(format!(
            "A rule still under test (it carries little or no weight): {}",
            lower_first(base)
        ));
    }
    if code.contains("_BLOCKED") {
        return Some(
            "The receiving server's lookup in this block list was refused (it used a shared or \
             public DNS resolver), so this says nothing about the sender."
                .to_string(),
        );
    }
    meaning(SPAMASSASSIN, code).map(str::to_string)
}

/// "The message ..." -> "the message ..." for use after a colon.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => std::iter::once(f.to_ascii_lowercase()).chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::spam::read;
    use crate::checks::spam::tests::{find, one};

    #[test]
    fn spamassassin_full_run() {
        let v = one(&[
            ("X-Spam-Flag", "YES", 3),
            (
                "X-Spam-Checker-Version",
                "SpamAssassin 4.0.1 (2024-03-26) on mx1.example.net",
                4,
            ),
            ("X-Spam-Level", "*******", 5),
            (
                "X-Spam-Status",
                "Yes, score=7.3 required=5.0 tests=BAYES_99,BAYES_999,\tDKIM_SIGNED,\tRDNS_NONE,SPF_HELO_NONE,T_SCC_BODY_TEXT_LINE, MY_LOCAL_RULE autolearn=no autolearn_force=no version=4.0.1",
                6,
            ),
            (
                "X-Spam-Report",
                "*  3.5 BAYES_99 BODY: Bayes spam probability is 99 to 100% *      [score: 1.0000] *  0.2 BAYES_999 BODY: Bayes spam probability is 99.9 to 100% *      [score: 1.0000] *  0.1 DKIM_SIGNED Message has a DKIM or DK signature, not necessarily valid *  1.3 RDNS_NONE Delivered to internal network by a host with no rDNS *  0.0 SPF_HELO_NONE SPF: HELO does not publish an SPF Record * -0.0 T_SCC_BODY_TEXT_LINE No description available. *  2.2 MY_LOCAL_RULE Local rule",
                9,
            ),
        ]);
        assert_eq!(v.filter, "SpamAssassin");
        assert_eq!((v.header.as_str(), v.line), ("X-Spam-Status", 6));
        assert_eq!(v.is_spam, Some(true));
        assert_eq!((v.score, v.threshold), (Some(7.3), Some(5.0)));
        assert_eq!(
            v.summary,
            "SpamAssassin scored this message 7.3, above its spam threshold of 5.0, so it was marked as spam. The biggest contributors: BAYES_99 (+3.5), MY_LOCAL_RULE (+2.2), RDNS_NONE (+1.3)."
        );
        let codes: Vec<&str> = v.items.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "BAYES_99",
                "BAYES_999",
                "DKIM_SIGNED",
                "RDNS_NONE",
                "SPF_HELO_NONE",
                "T_SCC_BODY_TEXT_LINE",
                "MY_LOCAL_RULE"
            ]
        );
        let bayes = find(&v, "BAYES_99");
        assert_eq!(bayes.score, Some(3.5));
        assert_eq!(
            bayes.value.as_deref(),
            Some("BODY: Bayes spam probability is 99 to 100% [score: 1.0000]")
        );
        assert!(bayes.meaning.as_deref().unwrap().contains("99-100%"));
        let local = find(&v, "MY_LOCAL_RULE");
        assert_eq!((local.score, local.meaning.as_deref()), (Some(2.2), None));
        let t = find(&v, "T_SCC_BODY_TEXT_LINE");
        assert!(
            t.meaning
                .as_deref()
                .unwrap()
                .starts_with("A rule still under test")
        );
        assert_eq!(find(&v, "RDNS_NONE").score, Some(1.3));
    }

    #[test]
    fn spamassassin_ham_old_hits_and_space_separated_tests() {
        let v = one(&[(
            "X-Spam-Status",
            "No, hits=-0.1 required=5.0 tests=DKIM_SIGNED DKIM_VALID DKIM_VALID_AU SPF_PASS URIBL_BLOCKED autolearn=ham version=3.4.6",
            12,
        )]);
        assert_eq!(v.is_spam, Some(false));
        assert_eq!(v.score, Some(-0.1));
        assert_eq!(
            v.summary,
            "SpamAssassin scored this message -0.1, below its spam threshold of 5.0, so it was not marked as spam."
        );
        assert_eq!(v.items.len(), 5);
        assert!(
            find(&v, "URIBL_BLOCKED")
                .meaning
                .as_deref()
                .unwrap()
                .contains("refused")
        );
        assert!(
            find(&v, "DKIM_VALID_AU")
                .meaning
                .as_deref()
                .unwrap()
                .contains("From")
        );
    }

    #[test]
    fn amavis_bracketed_tests_with_scores() {
        let v = one(&[
            ("X-Spam-Flag", "NO", 20),
            ("X-Spam-Score", "-1.9", 21),
            ("X-Spam-Level", "", 22),
            (
                "X-Spam-Status",
                "No, score=-1.9 tagged_above=-999 required=6.2 tests=[BAYES_00=-1.9, DKIM_SIGNED=0.1, DKIM_VALID=-0.1, HTML_MESSAGE=0.001] autolearn=ham autolearn_force=no",
                23,
            ),
        ]);
        assert_eq!(v.filter, "SpamAssassin");
        assert_eq!(
            (v.is_spam, v.score, v.threshold),
            (Some(false), Some(-1.9), Some(6.2))
        );
        assert_eq!(v.items.len(), 4);
        assert_eq!(find(&v, "BAYES_00").score, Some(-1.9));
        assert_eq!(find(&v, "HTML_MESSAGE").score, Some(0.001));
        assert!(
            v.summary
                .ends_with("The biggest contributors: DKIM_SIGNED (+0.1), HTML_MESSAGE (+0.001).")
        );
    }

    #[test]
    fn score_over_required_template_decides() {
        let v = one(&[(
            "X-Spam-Status",
            "18.8/5.0, autolearn=no autolearn_force=no, shortcircuit=_SC_, bayes=0.5000",
            4,
        )]);
        assert_eq!(
            (v.is_spam, v.score, v.threshold),
            (Some(true), Some(18.8), Some(5.0))
        );
        let v = one(&[("X-Spam-Status", "1.2/5.0, autolearn=no", 4)]);
        assert_eq!(v.is_spam, Some(false));
    }

    #[test]
    fn generic_flags_alone() {
        let v = one(&[("X-Spam", "Yes", 7)]);
        assert_eq!(v.filter, "Unidentified spam filter");
        assert_eq!(v.is_spam, Some(true));
        assert_eq!(
            v.summary,
            "A spam filter (not named in the headers) marked this message as spam."
        );
        assert!(read([("X-Spam-Level", "", 7)]).is_empty());
        let v = one(&[("X-Spam-Flag", "NO", 7), ("X-Spam-Level", "**", 8)]);
        assert_eq!(v.is_spam, Some(false));
        assert!(
            v.summary
                .ends_with("Its spam level shows 2 stars (one per point of score).")
        );
    }

    #[test]
    fn report_table_form_and_preamble() {
        let v = one(&[(
            "X-Spam-Report",
            "Spam detection software, running on the system \"mx\", has identified this incoming email as possible spam. * 9.9 FAKE_RULE quoted Content preview: hello Content analysis details: (6.1 points, 5.0 required) pts rule name description ---- ---------------------- ------------------ 3.6 RCVD_IN_SBL RBL: Received via a relay in Spamhaus SBL [192.0.2.1 listed in zen.spamhaus.org] 2.5 URIBL_BLACK Contains an URL listed in the URIBL blacklist",
            30,
        )]);
        assert_eq!(v.items.len(), 2);
        assert_eq!(find(&v, "RCVD_IN_SBL").score, Some(3.6));
        assert_eq!(
            find(&v, "URIBL_BLACK").value.as_deref(),
            Some("Contains an URL listed in the URIBL blacklist")
        );
    }
}
