//! Reply-To and Return-Path: where replies and bounces go, against the From domain (the same
//! organization, as DMARC's relaxed alignment counts it: RFC 7489 section 3.1).

use super::free_mail::free_mail_provider;
use super::{Scan, SenderFacts, domain_of, finding, first_mailbox, same_org, unfold};
use crate::vocab::finding::{Finding, Severity};
use crate::vocab::text::clip;

/// Fills in the Reply-To and Return-Path domains, and flags either when it is not the From's
/// organization. `from_address`: the first From address, as `super::check` read it;
/// `aligned_usable`: a usable DKIM signature is in the From's organization.
pub(super) fn check(
    scan: &Scan<'_>,
    facts: &mut SenderFacts,
    from_address: Option<&str>,
    platform: Option<crate::parse::rfc2047::CharsetDecoder>,
    aligned_usable: bool,
    findings: &mut Vec<Finding>,
) {
    let reply_to = scan.single("Reply-To").first().copied();
    let reply_address = reply_to
        .and_then(|f| first_mailbox(f.value, platform))
        .and_then(|m| m.address);
    facts.reply_to_domain = reply_address.as_deref().and_then(domain_of);
    facts.return_path_domain = scan.return_path.and_then(|f| return_path_domain(f.value));
    if let (Some(from), Some(field), Some(other)) = (
        facts.from_domain.as_deref(),
        reply_to,
        facts.reply_to_domain.as_deref(),
    ) && !same_org(from, other)
    {
        let free = free_mail_provider(other)
            .map(|p| format!(" Here the replies would go to a {p} address, which anyone can open; that makes it more suspicious when the message claims to come from a company."))
            .unwrap_or_default();
        findings.push(finding(
            "sender.reply-to-other-domain",
            Severity::Warning,
            format!("Replies go to another domain ({other}) than the sender's ({from})."),
            format!("The Reply-To header sends answers to {other} instead of {from}. Scams use this to collect replies while showing a trusted sender, so filters watch for it. It is also normal when a company uses a help desk or newsletter service that collects replies on the service's domain.{free} If that is not intended, remove the Reply-To or use an address on {from}."),
            vec![field.evidence()],
        ));
    }
    // Another mailbox at the same free mail service ("Stefan Roth" <stefanroth.gf@gmail.com>
    // answered at stefan.roth.private@gmail.com): SpamAssassin's FreeMail plugin scores it
    // (FREEMAIL_REPLYTO, "Reply-To/From ... contain different freemails"); a company's own
    // domain with another mailbox for replies is ordinary and is not flagged.
    if let (Some(from), Some(field), Some(reply), Some(provider)) = (
        from_address,
        reply_to,
        reply_address.as_deref(),
        facts
            .reply_to_domain
            .as_deref()
            .filter(|d| facts.from_domain.as_deref().is_some_and(|f| same_org(f, d)))
            .and_then(free_mail_provider),
    ) && !from.eq_ignore_ascii_case(reply)
    {
        findings.push(finding(
            "sender.reply-to-other-mailbox",
            Severity::Warning,
            format!("Replies go to another {provider} mailbox than the sender's."),
            format!("The Reply-To header sends answers to another {provider} address than the one in the From. Anyone can open a {provider} account under any name: a second free mail address for replies is how impersonation collects the answers while the From looks like someone the reader knows. If that is not intended, remove the Reply-To."),
            vec![field.evidence()],
        ));
    }
    if let (Some(from), Some(field), Some(other)) = (
        facts.from_domain.as_deref(),
        scan.return_path,
        facts.return_path_domain.as_deref(),
    ) && !same_org(from, other)
    {
        let (severity, tail) = if aligned_usable {
            (
                Severity::Info,
                " A DKIM signature here is in the From domain, so DMARC can still pass through it.",
            )
        } else {
            (
                Severity::Warning,
                " No usable DKIM signature here is in the From domain either, so DMARC cannot pass through SPF or through DKIM: ask the sending service to sign with the sender's own domain or to use a bounce address on it.",
            )
        };
        findings.push(finding(
            "sender.return-path-other-domain",
            severity,
            format!("The bounce address is in another domain ({other}) than the sender's ({from})."),
            format!("The Return-Path (where bounces go, and what SPF checks) is on {other}, not {from}. This is normal when a mailing service sends for a company: the service handles the bounces. It is also common in phishing. Either way, SPF then vouches for {other}, not for {from}, so it does not count for DMARC.{tail}"),
            vec![field.evidence()],
        ));
    }
}

/// The domain of a Return-Path value (`<bounce@example.com>`); None for `<>`.
fn return_path_domain(value: &str) -> Option<String> {
    let value = unfold(clip(value, 1024));
    let value = value.trim();
    let inner = match (value.find('<'), value.rfind('>')) {
        (Some(start), Some(end)) if start < end => value.get(start + 1..end).unwrap_or_default(),
        _ => value,
    };
    domain_of(inner.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::sender::tests::*;

    #[test]
    fn reply_to_and_return_path() {
        let base = newsletter();
        let text = format!("Reply-To: Help <help@desk.example.org>\n{base}");
        let (facts, findings) = run(&text, NOW);
        assert_eq!(facts.reply_to_domain.as_deref(), Some("desk.example.org"));
        let f = get(&findings, "sender.reply-to-other-domain");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.detail.contains("phishing") || f.detail.contains("Scams"));
        assert!(f.detail.contains("normal"));
        let (_, findings) = run(&format!("Reply-To: x.payments@gmail.com\n{base}"), NOW);
        assert!(
            get(&findings, "sender.reply-to-other-domain")
                .detail
                .contains("Gmail address")
        );
        let (_, findings) = run(&format!("Reply-To: help@support.shop.example\n{base}"), NOW);
        assert!(!has(&findings, "sender.reply-to-other-domain"));
        assert!(!has(&findings, "sender.reply-to-other-mailbox"));
        // Another mailbox at the From's free mail service: flagged; the same one is not.
        let gmail = with(&base, "From:", "From: Stefan <stefanroth.gf@gmail.com>");
        let (_, findings) = run(
            &format!("Reply-To: Stefan <stefan.roth.private@gmail.com>\n{gmail}"),
            NOW,
        );
        assert!(
            get(&findings, "sender.reply-to-other-mailbox")
                .title
                .contains("Gmail")
        );
        assert!(!has(&findings, "sender.reply-to-other-domain"));
        let (_, findings) = run(&format!("Reply-To: StefanRoth.GF@gmail.com\n{gmail}"), NOW);
        assert!(!has(&findings, "sender.reply-to-other-mailbox"));

        // Return-Path on the service's domain, with the company's own signature: info.
        let text = with(
            &base,
            "Return-Path",
            "Return-Path: <bounces+123=example.net@sendgrid.example>",
        );
        let (facts, findings) = run(&text, NOW);
        assert_eq!(
            facts.return_path_domain.as_deref(),
            Some("sendgrid.example")
        );
        let f = get(&findings, "sender.return-path-other-domain");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.detail.contains("normal") && f.detail.contains("phishing"));
        // ... without it: warning.
        let text = with(
            &text,
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=shop.example",
            "",
        );
        assert_eq!(
            get(&run(&text, NOW).1, "sender.return-path-other-domain").severity,
            Severity::Warning
        );
        // Null Return-Path (a bounce): nothing.
        let (facts, findings) = run(&with(&base, "Return-Path", "Return-Path: <>"), NOW);
        assert_eq!(facts.return_path_domain, None);
        assert!(!has(&findings, "sender.return-path-other-domain"));
    }

    #[test]
    fn small_parsers() {
        assert_eq!(
            return_path_domain(" <Bounce@Mail.Example.NET.>").as_deref(),
            Some("mail.example.net")
        );
        assert_eq!(return_path_domain("bounce@example.net (comment)"), None);
    }
}
