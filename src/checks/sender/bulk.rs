//! Bulk-mail hygiene: List-Unsubscribe with one-click unsubscription (RFC 2369, RFC 8058, and
//! that DKIM covers both fields), List-Id (RFC 2919), Precedence, Feedback-ID, and the header
//! fields typical of a mailing service (`data/sender/esp.tsv`); the rules Gmail and Yahoo enforce
//! for bulk senders since February 2024.

use super::{Scan, SigView, finding, unfold};
use crate::vocab::finding::{Evidence, Finding, Severity};
use crate::vocab::tables::{self, sender::ESP};
use crate::vocab::text::clip;

/// The bulk mail checks; returns whether the message looks like bulk mail.
pub(super) fn check(scan: &Scan<'_>, views: &[SigView<'_>], findings: &mut Vec<Finding>) -> bool {
    let precedence = scan.precedence.filter(|f| {
        let value = unfold(clip(f.value, 100)).trim().to_ascii_lowercase();
        matches!(value.as_str(), "bulk" | "list" | "junk")
    });
    let clearly_bulk =
        scan.list_unsubscribe.is_some() || scan.list_id.is_some() || precedence.is_some();
    if !clearly_bulk && scan.feedback_id.is_none() && scan.esp.is_none() {
        return false;
    }
    match scan.list_unsubscribe {
        None => {
            let (severity, note) = if clearly_bulk {
                (Severity::Warning, "")
            } else {
                (
                    Severity::Info,
                    " If this is a one-to-one message such as a receipt or a password reset, it does not need one.",
                )
            };
            findings.push(finding(
                "bulk.no-list-unsubscribe",
                severity,
                "This looks like bulk mail, but it has no unsubscribe header.",
                format!("Newsletters and marketing mail should carry a List-Unsubscribe header, so that mail programs can show an \"Unsubscribe\" button. Without it, readers press \"Report spam\" instead, and that hurts the sender's reputation. Since 2024 Gmail and Yahoo require one-click unsubscription from bulk senders.{note}"),
                bulk_evidence(scan),
            ));
        }
        Some(field) => {
            let value = unfold(clip(field.value, 4096));
            let uris = angle_items(&value);
            let https = uris.iter().any(|u| {
                u.get(..8)
                    .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
            });
            let post_ok = scan.list_unsubscribe_post.is_some_and(|f| {
                unfold(clip(f.value, 200))
                    .trim()
                    .eq_ignore_ascii_case("List-Unsubscribe=One-Click")
            });
            if !(https && post_ok) {
                let why = match (https, post_ok) {
                    (false, true) => {
                        "The List-Unsubscribe-Post header is there, but List-Unsubscribe has no https:// link for it to work with."
                    }
                    (true, false) => {
                        "List-Unsubscribe has an https:// link, but the List-Unsubscribe-Post: List-Unsubscribe=One-Click header that makes it one-click is missing."
                    }
                    _ => {
                        "It needs an https:// link in List-Unsubscribe and a List-Unsubscribe-Post: List-Unsubscribe=One-Click header."
                    }
                };
                let mut evidence = vec![field.evidence()];
                evidence.extend(scan.list_unsubscribe_post.map(|f| f.evidence()));
                findings.push(finding(
                    "bulk.no-one-click",
                    Severity::Warning,
                    "The unsubscribe link does not support one-click unsubscription.",
                    format!("Since 2024 Gmail and Yahoo require bulk senders to offer one-click unsubscription (RFC 8058), so that the reader's mail program can unsubscribe them directly. {why} Most mailing services can turn this on."),
                    evidence,
                ));
            } else if !views.is_empty()
                && !views.iter().any(|v| {
                    let signs = |name: &str| {
                        v.sig
                            .signed_headers
                            .iter()
                            .any(|h| h.eq_ignore_ascii_case(name))
                    };
                    signs("List-Unsubscribe") && signs("List-Unsubscribe-Post")
                })
            {
                findings.push(finding(
                    "bulk.unsubscribe-not-signed",
                    Severity::Warning,
                    "The unsubscribe headers are not covered by the DKIM signature.",
                    "One-click unsubscription only counts when the sender's DKIM signature includes both List-Unsubscribe and List-Unsubscribe-Post (RFC 8058), so that nobody can slip in another link. The signing settings should add both headers.",
                    views.iter().map(|v| v.field.evidence()).collect(),
                ));
            }
        }
    }
    if let Some(field) = precedence {
        findings.push(finding(
            "bulk.precedence",
            Severity::Info,
            "The message marks itself as bulk or list mail (Precedence).",
            "The Precedence header tells automatic replies (such as out-of-office notices) not to answer. It is harmless, but receivers take it as a sign of bulk mail and may file the message under promotions or updates.",
            vec![field.evidence()],
        ));
    }
    if let Some(field) = scan.feedback_id {
        findings.push(finding(
            "bulk.feedback-id",
            Severity::Info,
            "The message carries a Feedback-ID for Gmail's spam reports.",
            "Large senders add this identifier so that Gmail's Postmaster Tools can tell them how many readers marked a campaign as spam. It is good practice and says nothing bad about the message.",
            vec![field.evidence()],
        ));
    }
    if let Some((esp, field)) = scan.esp {
        findings.push(finding(
            "bulk.esp",
            Severity::Info,
            format!("The message was sent through a mailing service ({esp})."),
            format!("Headers typical of {esp} show that the sender used this service. The service's own reputation and settings (its DKIM signing and bounce domain) then matter as much as the sender's."),
            vec![field.evidence()],
        ));
    }
    true
}

fn bulk_evidence(scan: &Scan<'_>) -> Vec<Evidence> {
    [scan.list_id, scan.precedence, scan.feedback_id]
        .into_iter()
        .flatten()
        .chain(scan.esp.map(|(_, f)| f))
        .map(|f| f.evidence())
        .collect()
}

/// The mailing service a header field name is typical of.
pub(super) fn esp_marker(name: &str) -> Option<&'static str> {
    tables::lookup_family_ci(ESP, name).map(|row| row.get(1))
}

/// The `<...>` items of a List-Unsubscribe value.
fn angle_items(value: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let after = rest.get(start + 1..).unwrap_or_default();
        let Some(end) = after.find('>') else { break };
        items.push(after.get(..end).unwrap_or_default().trim());
        rest = after.get(end + 1..).unwrap_or_default();
        if items.len() == 10 {
            break;
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::sender::tests::*;

    #[test]
    fn bulk_checks() {
        let base = newsletter();
        // Not bulk: no bulk findings at all.
        let (_, findings) = run(&gmail_message(), NOW);
        assert!(!findings.iter().any(|f| f.code.starts_with("bulk.")));
        // No one-click.
        let (_, findings) = run(&with(&base, "List-Unsubscribe-Post", ""), NOW);
        let f = get(&findings, "bulk.no-one-click");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.detail.contains("List-Unsubscribe-Post"));
        // mailto only.
        let (_, findings) = run(
            &with(
                &base,
                "List-Unsubscribe:",
                "List-Unsubscribe: <mailto:unsub@shop.example>",
            ),
            NOW,
        );
        assert!(
            get(&findings, "bulk.no-one-click")
                .detail
                .contains("no https://")
        );
        // Not covered by DKIM.
        let text = base.replace("list-unsubscribe:list-unsubscribe-post:", "");
        let (_, findings) = run(&text, NOW);
        assert_eq!(
            get(&findings, "bulk.unsubscribe-not-signed").severity,
            Severity::Warning
        );
        // A list without List-Unsubscribe: warning.
        let text = with(
            &with(
                &base,
                "List-Unsubscribe:",
                "List-Id: Shop news <news.shop.example>",
            ),
            "List-Unsubscribe-Post",
            "Precedence: bulk",
        );
        let (_, findings) = run(&text, NOW);
        assert_eq!(
            get(&findings, "bulk.no-list-unsubscribe").severity,
            Severity::Warning
        );
        assert_eq!(get(&findings, "bulk.precedence").severity, Severity::Info);
        assert!(!has(&findings, "bulk.no-one-click"));
        // Only a mailing service's marker (could be a receipt): info.
        let text = with(
            &with(&base, "List-Unsubscribe:", ""),
            "List-Unsubscribe-Post",
            "",
        );
        let (_, findings) = run(&with(&text, "Feedback-ID", ""), NOW);
        let f = get(&findings, "bulk.no-list-unsubscribe");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.detail.contains("password reset"));
        // Feedback-ID.
        assert_eq!(
            get(&run(&base, NOW).1, "bulk.feedback-id").severity,
            Severity::Info
        );
        // Precedence: first-class is not bulk.
        let (_, findings) = run(
            &format!("Precedence: first-class\n{}", gmail_message()),
            NOW,
        );
        assert!(!findings.iter().any(|f| f.code.starts_with("bulk.")));
    }

    #[test]
    fn small_parsers() {
        assert_eq!(angle_items("<a>, <b> ,junk <c"), ["a", "b"]);
        assert_eq!(esp_marker("X-Mailgun-Sid"), Some("Mailgun"));
        assert_eq!(esp_marker("x-sg-eid"), Some("SendGrid"));
        assert_eq!(esp_marker("X-Mailgun"), None);
        assert_eq!(esp_marker("Subject"), None);
        assert!(tables::sorted_ci(ESP));
    }
}
