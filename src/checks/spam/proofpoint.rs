//! Proofpoint Email Protection: `X-Proofpoint-Spam-Details` (`rule=`, the scores, ...) and
//! `X-Proofpoint-Spam-Reason`. What each key and value says: `data/spam/proofpoint.tsv`.

use super::{Group, MAX_ITEMS, SpamVerdict, clip, fill, fmt_num, item, num, push_item};
use crate::vocab::tables::{self, spam::PROOFPOINT};

/// The prefix of the `data/spam/proofpoint.tsv` rows for `X-Proofpoint-Spam-Reason` values (no
/// key of the details field has a space, so these rows never meet one).
const SPAM_REASON: &str = "x-proofpoint-spam-reason: ";

/// Meaning of a `key=value` of `X-Proofpoint-Spam-Details`: the value's own, else the key's.
fn proofpoint_meaning(key: &str, v: &str) -> Option<String> {
    tables::lookup_ci(PROOFPOINT, &[key, "=", v])
        .or_else(|| tables::lookup_ci(PROOFPOINT, &[key]))
        .map(|row| fill(row.get(1), v))
}

/// Proofpoint's verdict from its rule name: `notspam` false, `spam` / `bulk` / `phish` ... true.
fn proofpoint_rule(rule: &str) -> Option<bool> {
    let r = rule.to_ascii_lowercase();
    if r.contains("notspam") || r.contains("not_spam") || r == "safe" {
        Some(false)
    } else if [
        "spam", "bulk", "phish", "malware", "adult", "suspect", "impostor",
    ]
    .iter()
    .any(|w| r.contains(w))
    {
        Some(true)
    } else {
        None
    }
}

/// Proofpoint Email Protection.
pub(super) fn verdict(g: &Group<'_>) -> SpamVerdict {
    let mut items = Vec::new();
    let (mut rule, mut spam, mut overall) = (None, None, None);
    let mut others = Vec::new();
    if let Some(v) = g.value("x-proofpoint-spam-details") {
        for tok in v.split_whitespace().take(MAX_ITEMS) {
            let (k, val) = tok.split_once('=').unwrap_or((tok, ""));
            match k.to_ascii_lowercase().as_str() {
                "rule" => rule = Some(val),
                "spamscore" => spam = num(val),
                "score" => overall = num(val),
                name @ ("phishscore" | "malwarescore" | "bulkscore" | "impostorscore"
                | "adultscore" | "suspectscore") => {
                    if let Some(n) = num(val).filter(|n| *n > 0.0) {
                        let what = name.trim_end_matches("score");
                        others.push(format!("{what} {}", fmt_num(n)));
                    }
                }
                _ => {}
            }
            push_item(
                &mut items,
                item(k, Some(val), None, proofpoint_meaning(k, val)),
            );
        }
    }
    let safe = g.value("x-proofpoint-spam-reason");
    if let Some(r) = safe {
        let meaning =
            tables::lookup_ci(PROOFPOINT, &[SPAM_REASON, r]).map(|row| row.get(1).to_string());
        push_item(&mut items, item("spam-reason", Some(r), None, meaning));
    }
    let is_spam = rule.and_then(proofpoint_rule);
    let score = spam.or(overall);
    let mut summary = match rule {
        Some(r) => format!("Proofpoint applied its rule \"{}\"", clip(r)),
        None => "Proofpoint checked this message".to_string(),
    };
    summary.push_str(match is_spam {
        Some(true) => " (treated as unwanted)",
        Some(false) => " (not spam)",
        None => "",
    });
    if let Some(s) = score {
        summary.push_str(&format!(" with a spam score of {} out of 100", fmt_num(s)));
    }
    summary.push('.');
    if !others.is_empty() {
        summary.push_str(&format!(" Other raised scores: {}.", others.join(", ")));
    }
    if let Some(r) = safe.filter(|r| r.to_ascii_lowercase().ends_with("safe")) {
        summary.push_str(&format!(" The sender is on a safe list ({}).", clip(r)));
    }
    let (header, line) = g.main(&["x-proofpoint-spam-details", "x-proofpoint-spam-reason"]);
    SpamVerdict {
        filter: "Proofpoint".to_string(),
        header,
        line,
        is_spam,
        score,
        threshold: None,
        summary,
        items,
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::spam::tests::{find, one};

    #[test]
    fn proofpoint_details() {
        let v = one(&[
            ("X-Proofpoint-GUID", "aBcDeF123", 7),
            (
                "X-Proofpoint-Spam-Details",
                "rule=notspam policy=default score=0 spamscore=0 suspectscore=0 malwarescore=0 phishscore=0 adultscore=0 bulkscore=0 mlxscore=0 impostorscore=0 priorityscore=1501 lowpriorityscore=0 clxscore=1015 mlxlogscore=999 classifier=spam adjust=0 reason=mlx scancount=1 engine=8.19.0-2407110000 definitions=main-2407180062",
                8,
            ),
        ]);
        assert_eq!(v.filter, "Proofpoint");
        assert_eq!(
            (v.is_spam, v.score, v.threshold),
            (Some(false), Some(0.0), None)
        );
        assert_eq!(v.items.len(), 21);
        assert_eq!(
            v.summary,
            "Proofpoint applied its rule \"notspam\" (not spam) with a spam score of 0.0 out of 100."
        );
        assert_eq!(
            find(&v, "reason").meaning.as_deref(),
            Some("Decided by the machine-learning (MLX) engine.")
        );
        let v = one(&[
            (
                "X-Proofpoint-Spam-Details",
                "rule=inbound_spam policy=inbound score=98 spamscore=98 phishscore=12 bulkscore=45 unknownkey=7 classifier=spam adjust=0 reason=mlx",
                3,
            ),
            ("X-Proofpoint-Spam-Reason", "orgsafe", 4),
        ]);
        assert_eq!((v.is_spam, v.score), (Some(true), Some(98.0)));
        assert_eq!(
            v.summary,
            "Proofpoint applied its rule \"inbound_spam\" (treated as unwanted) with a spam score of 98.0 out of 100. Other raised scores: phish 12.0, bulk 45.0. The sender is on a safe list (orgsafe)."
        );
        assert_eq!(find(&v, "unknownkey").meaning, None);
        assert!(
            find(&v, "spam-reason")
                .meaning
                .as_deref()
                .unwrap()
                .contains("organisation's safe list")
        );
    }
}
