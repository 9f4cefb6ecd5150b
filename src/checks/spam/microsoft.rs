//! Microsoft 365 (Exchange Online Protection): `X-Forefront-Antispam-Report` (every field),
//! `X-Microsoft-Antispam` (`BCL`, `PCL`), `X-MS-Exchange-Organization-SCL` / `-PCL`,
//! `X-Microsoft-Antispam-Mailbox-Delivery`; the `-Untrusted` copies (the sending organisation's
//! own filtering) as a separate verdict; and `compauth=` in `Authentication-Results` as
//! "Microsoft 365 composite authentication". Field and value meanings:
//! `data/spam/microsoft.tsv`; compauth results and reasons: `data/spam/compauth.tsv`. The
//! numbered levels (SCL, BCL, PCL) are worded here.

use super::{Group, MAX_ITEMS, SpamItem, SpamVerdict, cell, fill, item, join_and, push_item};
use crate::vocab::tables::{self, Row, spam::COMPAUTH, spam::MICROSOFT};

/// `KEY:value;KEY:value;` pairs (Microsoft's format), at most [`MAX_ITEMS`].
fn colon_pairs(v: &str) -> Vec<(&str, &str)> {
    v.split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .take(MAX_ITEMS)
        .map(|p| {
            p.split_once(':')
                .map_or((p, ""), |(k, v)| (k.trim(), v.trim()))
        })
        .collect()
}

/// The band of a spam confidence level.
fn scl_band(n: i64) -> &'static str {
    match n {
        -1 => "filtering skipped",
        0 | 1 => "not spam",
        2..=4 => "low, not treated as spam",
        5 | 6 => "spam",
        _ => "high confidence spam",
    }
}

/// The band of a bulk complaint level.
fn bcl_band(n: i64) -> &'static str {
    match n {
        0 => "not from a bulk sender",
        1..=3 => "a bulk sender with few complaints",
        4..=7 => "a bulk sender with a mixed number of complaints",
        _ => "a bulk sender with many complaints",
    }
}

/// A level in `lo..=hi`, else None.
fn level(v: &str, lo: i64, hi: i64) -> Option<i64> {
    v.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (lo..=hi).contains(n))
}

/// The row of `data/spam/microsoft.tsv` for this value of a field (`KEY:value`).
fn value_row(key: &str, v: &str) -> Option<Row> {
    tables::lookup_ci(MICROSOFT, &[key, ":", v])
}

/// The row for a field: its value's, else the field's own (`KEY` alone).
fn row(key: &str, v: &str) -> Option<Row> {
    value_row(key, v).or_else(|| tables::lookup_ci(MICROSOFT, &[key]))
}

/// Meaning of one Microsoft antispam field.
fn ms_meaning(key: &str, v: &str) -> Option<String> {
    match key.to_ascii_uppercase().as_str() {
        "SCL" => level(v, -1, 9).map(|n| format!("Spam confidence level {n}: {}. (-1 skipped, 0-1 not spam, 5-6 spam, 7-9 high confidence spam.)", scl_band(n))),
        "BCL" => level(v, 0, 9).map(|n| format!("Bulk complaint level {n}: {}. (0-9; by default 7 and above counts as bulk.)", bcl_band(n))),
        "PCL" => level(v, 0, 8).map(|n| format!("Phishing confidence level {n}: {}.", if n <= 3 { "not likely phishing" } else { "likely phishing" })),
        "CAT" => value_row(key, v).map(|r| format!("The category of protection that applied: {}", r.get(1))),
        _ => row(key, v).and_then(|r| cell(r.get(1))).map(|m| fill(m, v)),
    }
}

/// Microsoft 365 (Exchange Online Protection); `untrusted`: the sending organisation's copy.
pub(super) fn verdict(g: &Group<'_>, untrusted: bool) -> SpamVerdict {
    let kinds: &[&str] = if untrusted {
        &[
            "x-forefront-antispam-report-untrusted",
            "x-microsoft-antispam-untrusted",
        ]
    } else {
        &[
            "x-forefront-antispam-report",
            "x-microsoft-antispam",
            "x-ms-exchange-organization-scl",
            "x-ms-exchange-organization-pcl",
            "x-microsoft-antispam-mailbox-delivery",
        ]
    };
    let mut items: Vec<SpamItem> = Vec::new();
    let (mut scl, mut bcl, mut sfv, mut cat, mut dest) = (None, None, None, None, None);
    for kind in kinds {
        let Some(v) = g.value(kind) else { continue };
        let pairs = match *kind {
            "x-ms-exchange-organization-scl" => vec![("SCL", v)],
            "x-ms-exchange-organization-pcl" => vec![("PCL", v)],
            _ => colon_pairs(v),
        };
        for (key, val) in pairs {
            match key.to_ascii_uppercase().as_str() {
                "SCL" => scl = scl.or(level(val, -1, 9)),
                "BCL" => bcl = bcl.or(level(val, 0, 9)),
                "SFV" => sfv = sfv.or(value_row("SFV", val)),
                "CAT" => cat = cat.or(value_row("CAT", val)),
                "DEST" => dest = dest.or(Some(val)),
                _ => {}
            }
            // X-MS-Exchange-Organization-SCL repeats the report's SCL: each item once.
            let new = item(key, Some(val), None, ms_meaning(key, val));
            if !items
                .iter()
                .any(|i| i.code.eq_ignore_ascii_case(&new.code) && i.value == new.value)
            {
                push_item(&mut items, new);
            }
        }
    }
    // A category with a name (any but NONE) is a verdict of spam; `verdict` is SFV's.
    let cat_spam = cat.and_then(|r| cell(r.get(3)));
    let is_spam = if cat_spam.is_some() {
        Some(true)
    } else {
        sfv.and_then(|r| match r.get(2) {
            "spam" => Some(true),
            "not-spam" => Some(false),
            _ => None,
        })
        .or_else(|| scl.and_then(|n| (n >= 5 || n <= 1).then_some(n >= 5)))
    };
    let mut parts = Vec::new();
    if let Some(phrase) = sfv.and_then(|r| cell(r.get(3))) {
        parts.push(phrase.to_string());
    }
    if let Some(name) = cat_spam
        && (name != "spam" || scl.is_none())
    {
        parts.push(format!("classified it as {name}"));
    }
    if let Some(n) = scl {
        parts.push(format!(
            "gave it spam confidence level {n} ({})",
            scl_band(n)
        ));
    }
    if let Some(n) = bcl.filter(|n| *n > 0) {
        parts.push(format!(
            "rated its sender at bulk complaint level {n} ({})",
            bcl_band(n)
        ));
    }
    if let Some(place) = dest
        .and_then(|d| value_row("DEST", d))
        .and_then(|r| cell(r.get(3)))
    {
        parts.push(place.to_string());
    }
    let who = if untrusted {
        "The sending organisation's Microsoft 365"
    } else {
        "Microsoft 365"
    };
    let summary = if parts.is_empty() {
        format!("{who} filtered this message but recorded no verdict.")
    } else {
        format!("{who} {}.", join_and(&parts))
    };
    let (header, line) = g.main(kinds);
    SpamVerdict {
        filter: if untrusted {
            "Microsoft 365 (sending organisation)".to_string()
        } else {
            "Microsoft 365".to_string()
        },
        header,
        line,
        is_spam,
        score: scl.map(|n| n as f64),
        threshold: None,
        summary,
        items,
    }
}

/// Meaning of a compauth reason code: the code's own, else its family's (first digit).
fn compauth_reason(code: &str) -> Option<&'static str> {
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let family = code.get(..1)?;
    tables::lookup_ci(COMPAUTH, &["reason=", code])
        .or_else(|| tables::lookup_ci(COMPAUTH, &["reason=", family, "xx"]))
        .map(|row| row.get(1))
}

/// The token after `key=` (case-insensitive), up to a space, `;` or `(`.
fn token_after<'v>(v: &'v str, key: &str) -> Option<&'v str> {
    let at = v.to_ascii_lowercase().find(key)?;
    let rest = v.get(at + key.len()..)?;
    let end = rest
        .find(|c: char| c.is_whitespace() || c == ';' || c == '(')
        .unwrap_or(rest.len());
    rest.get(..end).map(|t| t.trim_matches('"'))
}

/// `compauth=fail reason=001` from a Microsoft `Authentication-Results` field.
pub(super) fn compauth(g: &Group<'_>) -> Option<SpamVerdict> {
    let v = g.value("authentication-results")?;
    let at = v.to_ascii_lowercase().find("compauth=")?;
    let resinfo = v.get(at..)?;
    let resinfo = resinfo.split(';').next().unwrap_or(resinfo);
    let result = token_after(resinfo, "compauth=")?.to_ascii_lowercase();
    let reason = token_after(resinfo, "reason=");
    let row = tables::lookup_ci(COMPAUTH, &["compauth=", &result])
        .or_else(|| tables::lookup_ci(COMPAUTH, &["compauth"]))?;
    let sentence = row.get(2);
    let mut items = vec![item(
        "compauth",
        Some(&result),
        None,
        cell(row.get(1)).map(str::to_string),
    )];
    let why = reason.and_then(compauth_reason);
    if let Some(code) = reason {
        let m = why.map(|w| format!("{}.", upper_first(w)));
        items.push(item("reason", Some(code), None, m));
    }
    let summary = match (reason, why) {
        (Some(code), Some(w)) => format!("{sentence} - reason {code}: {w}."),
        (Some(code), None) => format!("{sentence} - reason {code}."),
        _ => format!("{sentence}."),
    };
    let (header, line) = g.main(&["authentication-results"]);
    Some(SpamVerdict {
        filter: "Microsoft 365 composite authentication".to_string(),
        header,
        line,
        is_spam: None,
        score: None,
        threshold: None,
        summary,
        items,
    })
}

/// "the message ..." -> "The message ...".
fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        // ASCII only: the texts are ours, and Unicode case tables cost KB in the wasm.
        Some(f) => std::iter::once(f.to_ascii_uppercase()).chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::spam::read;
    use crate::checks::spam::tests::{find, one};

    #[test]
    fn microsoft_365_junk() {
        let v = one(&[
            ("Received", "from SN1PR... by BN8PR...", 1),
            ("X-MS-Exchange-Organization-SCL", "5", 30),
            (
                "X-Microsoft-Antispam",
                "BCL:0;ARA:13230040|1800799024|376014;",
                31,
            ),
            (
                "X-Forefront-Antispam-Report",
                "CIP:203.0.113.25;CTRY:NL;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:mail.offers.example;PTR:;CAT:SPM;SFS:(13230040)(1800799024)(376014);DIR:INB;SFP:1102;",
                32,
            ),
            (
                "X-MS-Exchange-CrossTenant-Id",
                "00000000-0000-0000-0000-000000000000",
                33,
            ),
            (
                "X-Microsoft-Antispam-Mailbox-Delivery",
                "ucf:0;jmr:0;auth:0;dest:J;OFR:SpamFilterAuthJ;ENG:(910001)(944506478)(944626604);RF:JunkEmail;",
                40,
            ),
        ]);
        assert_eq!(v.filter, "Microsoft 365");
        assert_eq!(
            (v.header.as_str(), v.line),
            ("X-Forefront-Antispam-Report", 32)
        );
        assert_eq!(
            (v.is_spam, v.score, v.threshold),
            (Some(true), Some(5.0), None)
        );
        assert_eq!(
            v.summary,
            "Microsoft 365 gave it spam confidence level 5 (spam) and delivered it to the Junk Email folder."
        );
        // X-MS-Exchange-Organization-SCL repeats the report's SCL:5 and adds no item.
        assert_eq!(v.items.len(), 2 + 13 + 7);
        assert_eq!(v.items.iter().filter(|i| i.code == "SCL").count(), 1);
        let sfv = v.items.iter().find(|i| i.code == "SFV").unwrap();
        assert_eq!(sfv.value.as_deref(), Some("SPM"));
        assert_eq!(
            sfv.meaning.as_deref(),
            Some("Spam filtering marked it as spam.")
        );
        let ptr = v.items.iter().find(|i| i.code == "PTR").unwrap();
        assert_eq!(ptr.value, None);
        assert!(ptr.meaning.as_deref().unwrap().contains("no reverse DNS"));
        assert_eq!(find(&v, "CTRY").value.as_deref(), Some("NL"));
        assert_eq!(find(&v, "SFP").meaning, None);
        assert_eq!(find(&v, "SRV").meaning, None);
        assert!(
            find(&v, "dest")
                .meaning
                .as_deref()
                .unwrap()
                .contains("Junk Email")
        );
        assert!(
            find(&v, "SFS")
                .value
                .as_deref()
                .unwrap()
                .starts_with("(13230040)")
        );
    }

    #[test]
    fn microsoft_365_phish_safe_sender_and_untrusted_copy() {
        let v = read([
            (
                "X-Forefront-Antispam-Report-Untrusted",
                "CIP:255.255.255.255;CTRY:;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:DM6PR01MB1234.namprd01.prod.outlook.com;PTR:;CAT:NONE;SFS:(13230040);DIR:OUT;SFP:1101;",
                10,
            ),
            (
                "X-Forefront-Antispam-Report",
                "CIP:2001:db8::25;CTRY:US;LANG:en;SCL:9;SRV:;IPV:NLI;SFV:SFE;H:mx.example.com;PTR:mx.example.com;CAT:HPHISH;SFTY:9.25;SFS:(13230040);DIR:INB;",
                20,
            ),
            ("X-Microsoft-Antispam", "BCL:8;", 21),
        ]);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].filter, "Microsoft 365 (sending organisation)");
        assert_eq!(v[0].is_spam, Some(false));
        assert_eq!(
            v[0].summary,
            "The sending organisation's Microsoft 365 gave it spam confidence level 1 (not spam)."
        );
        let m = &v[1];
        assert_eq!(m.is_spam, Some(true));
        assert_eq!(find(m, "CIP").value.as_deref(), Some("2001:db8::25"));
        assert!(
            find(m, "SFTY")
                .meaning
                .as_deref()
                .unwrap()
                .starts_with("First contact")
        );
        assert_eq!(
            m.summary,
            "Microsoft 365 skipped spam filtering because the sender is on the recipient's Safe Senders list, classified it as high confidence phishing, gave it spam confidence level 9 (high confidence spam) and rated its sender at bulk complaint level 8 (a bulk sender with many complaints)."
        );
    }

    #[test]
    fn microsoft_compauth() {
        let v = read([
            (
                "Authentication-Results",
                "spf=softfail (sender IP is 198.51.100.9) smtp.mailfrom=bank.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=bank.example;compauth=fail reason=001",
                5,
            ),
            (
                "Authentication-Results",
                "spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=shop.example; dkim=pass (signature was verified) header.d=shop.example;dmarc=pass action=none header.from=shop.example;compauth=pass reason=100",
                9,
            ),
            (
                "Authentication-Results",
                "mx.google.com; spf=pass smtp.mailfrom=a.example",
                12,
            ),
        ]);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].filter, "Microsoft 365 composite authentication");
        assert_eq!(
            (v[0].header.as_str(), v[0].line, v[0].is_spam),
            ("Authentication-Results", 5, None)
        );
        assert_eq!(
            v[0].summary,
            "Microsoft 365 could not confirm that the sender is genuine and treats the message as possibly spoofed (composite authentication failed) - reason 001: the sender's domain publishes no authentication records, or only weak ones (SPF ~all or ?all, DMARC p=none), and Microsoft could not otherwise confirm the sender."
        );
        assert_eq!(v[0].items[0].value.as_deref(), Some("fail"));
        assert_eq!(v[0].items[1].value.as_deref(), Some("001"));
        assert!(
            v[0].items[1]
                .meaning
                .as_deref()
                .unwrap()
                .starts_with("The sender's domain")
        );
        assert!(v[1].summary.contains("reason 100: the message passed"));
        let odd = one(&[("Authentication-Results", "compauth=weird reason=5x", 1)]);
        assert_eq!(odd.items[0].meaning, None);
        assert_eq!(odd.items[1].meaning, None);
    }
}
