//! Mimecast: `X-Mimecast-Spam-Score`, `-Spam-Signature`, `-Bulk-Signature` and
//! `-Impersonation-Protect` (its indicators: `data/spam/mimecast.tsv`).

use super::{Group, MAX_ITEMS, SpamVerdict, clip, fmt_num, item, join_and, num, push_item, yes_no};
use crate::vocab::tables::{self, spam::MIMECAST};

/// Mimecast.
pub(super) fn verdict(g: &Group<'_>) -> SpamVerdict {
    let mut items = Vec::new();
    let score = g.value("x-mimecast-spam-score").and_then(num);
    if let Some(v) = g.value("x-mimecast-spam-score") {
        let m = "Mimecast's spam score (higher means more likely spam; Mimecast does not publish a fixed scale).";
        push_item(
            &mut items,
            item("Spam-Score", Some(v), score, Some(m.to_string())),
        );
    }
    let mut signs = Vec::new();
    for (kind, code, what) in [
        ("x-mimecast-spam-signature", "Spam-Signature", "spam"),
        ("x-mimecast-bulk-signature", "Bulk-Signature", "bulk-mail"),
    ] {
        if let Some(v) = g.value(kind) {
            let m = format!("Whether the message matched a known {what} signature (yes or no).");
            push_item(&mut items, item(code, Some(v), None, Some(m)));
            signs.push((what, yes_no(v)));
        }
    }
    let mut flagged = Vec::new();
    if let Some(v) = g.value("x-mimecast-impersonation-protect") {
        for part in v
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .take(MAX_ITEMS)
        {
            let (k, val) = part
                .split_once('=')
                .map_or((part, ""), |(k, v)| (k.trim(), v.trim()));
            if val.eq_ignore_ascii_case("true") {
                flagged.push(clip(k));
            }
            let m = tables::lookup_ci(MIMECAST, &[k]).map(|row| row.get(1).to_string());
            push_item(&mut items, item(k, Some(val), None, m));
        }
    }
    let matched: Vec<&str> = signs
        .iter()
        .filter(|(_, y)| *y == Some(true))
        .map(|(w, _)| *w)
        .collect();
    let is_spam = if !matched.is_empty() {
        Some(true)
    } else if signs.iter().any(|(_, y)| *y == Some(false)) {
        Some(false)
    } else {
        None
    };
    let mut parts = Vec::new();
    if let Some(s) = score {
        parts.push(format!("gave it spam score {}", fmt_num(s)));
    }
    if !matched.is_empty() {
        parts.push(format!(
            "found it matches a known {} signature",
            matched.join(" and ")
        ));
    } else if is_spam == Some(false) {
        parts.push("found no known spam or bulk-mail signature".to_string());
    }
    if !flagged.is_empty() {
        parts.push(format!(
            "its impersonation protection flagged: {}",
            flagged.join(", ")
        ));
    } else if g.get("x-mimecast-impersonation-protect").is_some() {
        parts.push("its impersonation protection found no warning signs".to_string());
    }
    let summary = if parts.is_empty() {
        "Mimecast checked this message but recorded no verdict.".to_string()
    } else {
        format!("Mimecast {}.", join_and(&parts))
    };
    let (header, line) = g.main(&[
        "x-mimecast-spam-score",
        "x-mimecast-spam-signature",
        "x-mimecast-bulk-signature",
        "x-mimecast-impersonation-protect",
    ]);
    SpamVerdict {
        filter: "Mimecast".to_string(),
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
    fn mimecast_headers() {
        let v = one(&[
            ("X-Mimecast-Spam-Score", "1", 10),
            (
                "X-Mimecast-Impersonation-Protect",
                "Policy=CLT - Impersonation Protection Definition;Similar Internal Domain=false;Similar Monitored External Domain=false;Custom External Domain=false;Mimecast External Domain=false;Newly Observed Domain=true;Internal User Name=true;Custom Display Name List=false;Reply-to Address Mismatch=true;Targeted Threat Dictionary=false;Mimecast Threat Dictionary=false;Custom Threat Dictionary=false",
                11,
            ),
            ("X-Mimecast-Bulk-Signature", "no", 12),
            ("X-Mimecast-Spam-Signature", "no", 13),
        ]);
        assert_eq!(v.filter, "Mimecast");
        assert_eq!((v.header.as_str(), v.line), ("X-Mimecast-Spam-Score", 10));
        assert_eq!((v.is_spam, v.score), (Some(false), Some(1.0)));
        assert_eq!(v.items.len(), 1 + 2 + 12);
        assert_eq!(
            v.summary,
            "Mimecast gave it spam score 1.0, found no known spam or bulk-mail signature and its impersonation protection flagged: Newly Observed Domain, Internal User Name, Reply-to Address Mismatch."
        );
        assert_eq!(
            find(&v, "Policy").value.as_deref(),
            Some("CLT - Impersonation Protection Definition")
        );
        assert!(
            find(&v, "Internal User Name")
                .meaning
                .as_deref()
                .unwrap()
                .contains("display name")
        );
        let v = one(&[("X-Mimecast-Spam-Signature", "yes", 1)]);
        assert_eq!(v.is_spam, Some(true));
        assert_eq!(
            v.summary,
            "Mimecast found it matches a known spam signature."
        );
    }
}
