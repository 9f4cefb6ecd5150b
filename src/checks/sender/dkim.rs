//! The DKIM-Signature fields as the headers show them, before any verification: none, too many,
//! malformed, weak or unknown algorithms (RFC 8301 section 3.1), `l=` (RFC 6376 section 8.2),
//! From not signed or over-signed (sections 5.4, 5.4.2), expiry and signing time, and signers
//! other than the From's organization (DMARC alignment, RFC 7489 section 3.1).

use super::{FUTURE_SLACK_MS, MAX_SIGNATURES, Scan, SigView, finding};
use crate::parse::dkim_signature::valid_algorithm_syntax;
use crate::vocab::finding::{Finding, Severity};
use crate::vocab::text::clip;

/// The DKIM findings; `from_known`: the From has an organizational domain; `sent_ms`: when
/// the message was sent, if known; `reference_ms`: when it was received (else now).
#[allow(clippy::too_many_arguments)]
pub(super) fn check(
    scan: &Scan<'_>,
    views: &[SigView<'_>],
    from_known: bool,
    sent_ms: Option<i64>,
    reference_ms: i64,
    now_ms: i64,
    findings: &mut Vec<Finding>,
) {
    if scan.signatures_total == 0 {
        findings.push(finding(
            "dkim.none",
            Severity::Warning,
            "The message has no DKIM signature.",
            "DKIM is a digital seal the sending domain puts on its messages. Without it, receivers have less reason to trust the sender, and Gmail and Yahoo require it from anyone sending in bulk. The domain's mail service can usually turn it on in its settings. (If these headers were copied from the Sent folder, the seal may be added later on the way out: look at a copy as received.)",
            Vec::new(),
        ));
        return;
    }
    if scan.signatures_total > MAX_SIGNATURES {
        findings.push(finding(
            "dkim.too-many",
            Severity::Info,
            format!(
                "The message has {} DKIM signatures; only the first {MAX_SIGNATURES} were examined.",
                scan.signatures_total
            ),
            "A normal message has one to three. So many suggest the message was forwarded in a loop or built to overload checkers.",
            Vec::new(),
        ));
    }
    let any_usable = views.iter().any(|v| v.usable);
    let from_count = scan.from_count;
    for view in views {
        let sig = view.sig;
        let d = sig.domain.as_deref().unwrap_or("an unnamed domain");
        let ev = || vec![view.field.evidence()];
        if !sig.syntax_errors.is_empty() {
            let shown: Vec<&str> = sig
                .syntax_errors
                .iter()
                .take(5)
                .map(String::as_str)
                .collect();
            findings.push(finding(
                "dkim.syntax",
                if any_usable { Severity::Warning } else { Severity::Problem },
                format!("A DKIM signature (by {d}) is malformed."),
                format!("Receivers ignore a DKIM signature that breaks the rules, as if the message were unsigned: {}. The signing software or its settings need fixing.", shown.join("; ")),
                ev(),
            ));
        }
        match sig.algorithm.as_deref() {
            Some("rsa-sha1") => findings.push(finding(
                "dkim.weak-algorithm",
                Severity::Warning,
                format!("A DKIM signature (by {d}) uses the outdated rsa-sha1 method."),
                "SHA-1 is no longer considered secure. It was valid under the original DKIM standard, but since 2018 (RFC 8301) receivers are told not to accept it, so some will treat the message as unsigned. The signer should switch to rsa-sha256.",
                ev(),
            )),
            Some("rsa-sha256" | "ed25519-sha256") | None => {}
            Some(other) if valid_algorithm_syntax(other) => findings.push(finding(
                "dkim.unknown-algorithm",
                Severity::Warning,
                format!("A DKIM signature (by {d}) uses an unknown method ({}).", clip(other, 40)),
                "Receivers only understand rsa-sha256 (and newer ed25519-sha256); they ignore a signature made another way, as if the message were unsigned. The signer should use rsa-sha256.",
                ev(),
            )),
            Some(_) => {}
        }
        if let Some(length) = sig.body_length {
            findings.push(finding(
                "dkim.body-length",
                Severity::Warning,
                format!("A DKIM signature (by {d}) covers only the first {length} bytes of the text."),
                "The l= tag limits the seal to the beginning of the message body. Anyone who gets a copy can add their own content after that point and the seal still holds, so a spammer can reuse a genuine message. Some filters distrust such signatures. The signer should remove the l= option.",
                ev(),
            ));
        }
        if !sig.signed_headers.is_empty() {
            let signed_from = sig
                .signed_headers
                .iter()
                .filter(|h| h.eq_ignore_ascii_case("from"))
                .count();
            if signed_from == 0 {
                findings.push(finding(
                    "dkim.from-not-signed",
                    Severity::Problem,
                    format!("A DKIM signature (by {d}) does not cover the From header."),
                    "The seal does not include the sender's address, so the From could be changed freely without breaking it. The DKIM standard requires the From to be signed, and receivers reject such a signature. The signing settings must include From.",
                    ev(),
                ));
            } else if from_count > 0 && signed_from > from_count {
                findings.push(finding(
                    "dkim.from-oversigned",
                    Severity::Info,
                    format!("A DKIM signature (by {d}) protects against an added From header."),
                    "The From is listed in the signature more times than the message has From headers. That is good practice: nobody can add a second From later without breaking the seal.",
                    ev(),
                ));
            }
        }
        if let Some(x) = sig.expiration {
            let x_ms = x.saturating_mul(1000);
            let when = crate::parse::date::format_utc(x_ms);
            if let Some(sent) = sent_ms.filter(|sent| x_ms < *sent) {
                findings.push(finding(
                    "dkim.expired",
                    Severity::Warning,
                    format!("A DKIM signature (by {d}) had already expired when the message was sent."),
                    format!("The signature says it is valid until {when}, which is before the message was sent ({}). Receivers treat an expired signature as no signature. The signer's clock or its expiry setting is wrong.", crate::parse::date::format_utc(sent)),
                    ev(),
                ));
            } else if x_ms < now_ms {
                findings.push(finding(
                    "dkim.expired-now",
                    Severity::Info,
                    format!("A DKIM signature (by {d}) has expired since the message was sent."),
                    format!("The signature was valid until {when}. That is normal: signatures are only meant to last for the delivery. Checking it today will fail even if it passed when the message arrived, so rely on the Authentication-Results the receiver recorded at the time."),
                    ev(),
                ));
            }
        }
        if let Some(t) = sig.timestamp {
            let t_ms = t.saturating_mul(1000);
            if t_ms > reference_ms.saturating_add(FUTURE_SLACK_MS) {
                findings.push(finding(
                    "dkim.timestamp-in-future",
                    Severity::Warning,
                    format!("A DKIM signature (by {d}) was made in the future."),
                    format!("The signature says it was made at {}, later than the message was received. The signing server's clock is wrong; receivers may ignore a signature from the future.", crate::parse::date::format_utc(t_ms)),
                    ev(),
                ));
            }
        }
    }
    if from_known {
        let others: Vec<&SigView<'_>> = views
            .iter()
            .filter(|v| !v.aligned && v.sig.domain.is_some())
            .collect();
        if !others.is_empty() {
            let aligned_usable = views.iter().any(|v| v.usable && v.aligned);
            let domains = others
                .iter()
                .filter_map(|v| v.sig.domain.as_deref())
                .collect::<Vec<_>>()
                .join(", ");
            let (severity, title, detail) = if aligned_usable {
                (
                    Severity::Info,
                    format!("The message also carries a DKIM signature by another domain ({domains})."),
                    "Besides the sender's own signature, another domain signed the message, usually the mail service that sent it. That is normal and harmless.".to_string(),
                )
            } else {
                (
                    Severity::Warning,
                    format!("The message is signed by {domains}, not by the sender's domain."),
                    "DMARC, the check that protects a domain's name, only counts a DKIM signature from the same domain as the From address (or a parent or child of it). A signature by another domain, usually the mail service's, does not help. Set up DKIM for the sender's own domain at the mail service (usually by publishing the records it gives you).".to_string(),
                )
            };
            findings.push(finding(
                "dkim.not-aligned",
                severity,
                title,
                detail,
                others.iter().map(|v| v.field.evidence()).collect(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::sender::tests::*;

    #[test]
    fn dkim_syntax_finding() {
        let base = newsletter();
        // One good, one broken: warning.
        let text = format!("{}{}", sig("shop.example", "; v=1"), base);
        let (_, findings) = run(&text, NOW);
        let f = get(&findings, "dkim.syntax");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.detail.contains("tag v= appears more than once"));
        assert_eq!(f.evidence[0].line, Some(1));
        // Only broken ones: problem.
        let text = with(&base, "DKIM-Signature", &sig("shop.example", "; v=1"));
        let (_, findings) = run(&text, NOW);
        assert_eq!(get(&findings, "dkim.syntax").severity, Severity::Problem);
        // Clean: nothing.
        assert!(!has(&run(&base, NOW).1, "dkim.syntax"));
    }

    #[test]
    fn dkim_algorithms() {
        let base = newsletter();
        let text = format!(
            "{}{}",
            sig("shop.example", "").replace("rsa-sha256", "rsa-sha1"),
            base
        );
        let (_, findings) = run(&text, NOW);
        assert_eq!(
            get(&findings, "dkim.weak-algorithm").severity,
            Severity::Warning
        );
        assert!(!has(&findings, "dkim.unknown-algorithm"));
        let text = format!(
            "{}{}",
            sig("shop.example", "").replace("rsa-sha256", "rsa-sha512"),
            base
        );
        let (_, findings) = run(&text, NOW);
        assert!(
            get(&findings, "dkim.unknown-algorithm")
                .title
                .contains("rsa-sha512")
        );
        assert!(!has(&findings, "dkim.weak-algorithm"));
        let (_, findings) = run(&base, NOW);
        assert!(
            !has(&findings, "dkim.weak-algorithm") && !has(&findings, "dkim.unknown-algorithm")
        );
    }

    #[test]
    fn dkim_body_length_and_from_signing() {
        let base = newsletter();
        let text = with(&base, "DKIM-Signature", &sig("shop.example", "; l=0"));
        let (_, findings) = run(&text, NOW);
        let f = get(&findings, "dkim.body-length");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.title.contains("first 0 bytes"));
        assert!(!has(&run(&base, NOW).1, "dkim.body-length"));

        let text = with(
            &base,
            "DKIM-Signature",
            &sig("shop.example", "").replace("h=from:to:subject", "h=to:subject:date"),
        );
        let (_, findings) = run(&text, NOW);
        assert_eq!(
            get(&findings, "dkim.from-not-signed").severity,
            Severity::Problem
        );
        assert!(!has(&findings, "dkim.from-oversigned"));

        let text = with(
            &base,
            "DKIM-Signature",
            &sig("shop.example", "").replace("h=from:to:subject", "h=From:to:subject:FROM"),
        );
        let (_, findings) = run(&text, NOW);
        assert_eq!(
            get(&findings, "dkim.from-oversigned").severity,
            Severity::Info
        );
        assert!(!has(&findings, "dkim.from-not-signed"));
        assert!(!has(&run(&base, NOW).1, "dkim.from-oversigned"));
    }

    #[test]
    fn dkim_alignment() {
        // Only the mailing service signed: warning.
        let text = with(
            &newsletter(),
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=shop.example",
            "",
        );
        let (_, findings) = run(&text, NOW);
        let f = get(&findings, "dkim.not-aligned");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.detail.contains("DMARC"));
        // ... and the bounce domain is the company's, so that is fine.
        assert!(!has(&findings, "sender.return-path-other-domain"));
        // A parent domain is aligned.
        let text = format!(
            "{}{}",
            sig("example.com", ""),
            "From: a@news.mail.example.com\n"
        );
        assert!(!has(&run(&text, NOW).1, "dkim.not-aligned"));
        // co.uk-style: shop.co.uk and other.co.uk are different organizations.
        let text = format!("{}{}", sig("shop.co.uk", ""), "From: a@other.co.uk\n");
        assert!(has(&run(&text, NOW).1, "dkim.not-aligned"));
        let text = format!(
            "{}{}",
            sig("mail.shop.example.co.uk", ""),
            "From: a@shop.example.co.uk\n"
        );
        assert!(!has(&run(&text, NOW).1, "dkim.not-aligned"));
    }

    #[test]
    fn dkim_expiry_and_timestamps() {
        let base = newsletter();
        // Expired before the Date (2024-01-02T10:00:00Z).
        let text = with(
            &base,
            "DKIM-Signature",
            &sig("shop.example", "; t=1704100000; x=1704150000"),
        );
        let (_, findings) = run(&text, NOW);
        let f = get(&findings, "dkim.expired");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.detail.contains("2024-01-01T23:00:00Z"), "{}", f.detail);
        assert!(!has(&findings, "dkim.expired-now"));
        // Valid when sent, expired now.
        let (_, findings) = run(&text.replace("x=1704150000", "x=1704189700"), NOW);
        assert_eq!(get(&findings, "dkim.expired-now").severity, Severity::Info);
        assert!(!has(&findings, "dkim.expired"));
        // Still valid: nothing.
        let (_, findings) = run(&text.replace("x=1704150000", "x=1804189700"), NOW);
        assert!(!has(&findings, "dkim.expired") && !has(&findings, "dkim.expired-now"));
        // Signed an hour after it was received.
        let (_, findings) = run(
            &with(
                &base,
                "DKIM-Signature",
                &sig("shop.example", "; t=1704193200"),
            ),
            NOW,
        );
        assert_eq!(
            get(&findings, "dkim.timestamp-in-future").severity,
            Severity::Warning
        );
        // Five minutes of clock difference is fine.
        let (_, findings) = run(
            &with(
                &base,
                "DKIM-Signature",
                &sig("shop.example", "; t=1704189900"),
            ),
            NOW,
        );
        assert!(!has(&findings, "dkim.timestamp-in-future"));
    }

    #[test]
    fn dkim_none_and_too_many() {
        let text = with(
            &with(
                &newsletter(),
                "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=shop",
                "",
            ),
            "DKIM-Signature",
            "",
        );
        let (facts, findings) = run(&text, NOW);
        assert!(facts.dkim_signatures.is_empty());
        assert_eq!(get(&findings, "dkim.none").severity, Severity::Warning);
        assert!(!has(&findings, "bulk.unsubscribe-not-signed"));

        let mut text = String::new();
        for _ in 0..120 {
            text.push_str(&sig("shop.example", ""));
        }
        text.push_str("From: a@shop.example\n");
        let (facts, findings) = run(&text, NOW);
        assert_eq!(facts.dkim_signatures.len(), MAX_SIGNATURES);
        assert!(get(&findings, "dkim.too-many").title.contains("120"));
        assert!(!has(&run(&newsletter(), NOW).1, "dkim.too-many"));
    }
}
