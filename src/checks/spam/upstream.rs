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

use super::{Group, SpamVerdict, item, num, push_item};

/// United Internet's verdict field.
pub(super) fn united_internet(g: &Group<'_>) -> SpamVerdict {
    let mut items = Vec::new();
    let (main, line) = g.main(&["x-ui-filterresults"]);
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
    let summary = match is_spam {
        Some(true) => "GMX / WEB.DE's filter marked this message as junk (spam).",
        Some(false) => "GMX / WEB.DE's filter did not mark this message as junk.",
        None => {
            "GMX / WEB.DE's filter checked this message; its verdict word is not one it documents."
        }
    };
    SpamVerdict {
        filter: "GMX / WEB.DE (United Internet)".to_string(),
        header: main,
        line,
        is_spam,
        score: None,
        threshold: None,
        summary: summary.to_string(),
        items,
    }
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
