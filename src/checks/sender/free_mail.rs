//! Free mail: whether the From domain belongs to a free mail service (`data/sender/freemail.tsv`),
//! and how much that matters for this message (bulk mail, a signer other than the provider).

use super::{Scan, SenderFacts, SigView, finding};
use crate::vocab::domain::org_domain;
use crate::vocab::finding::{Finding, Severity};
use crate::vocab::tables::{self, sender::FREEMAIL};

/// Fills in the From domain's free mail provider and flags it. `aligned_usable`: a usable DKIM
/// signature is in the From's organization; `bulk`: the message looks like bulk mail.
pub(super) fn check(
    scan: &Scan<'_>,
    facts: &mut SenderFacts,
    views: &[SigView<'_>],
    aligned_usable: bool,
    bulk: bool,
    findings: &mut Vec<Finding>,
) {
    facts.free_mail_provider = facts
        .from_domain
        .as_deref()
        .and_then(free_mail_provider)
        .map(str::to_string);
    if let (Some(provider), Some(domain), Some(field)) = (
        facts.free_mail_provider.as_deref(),
        facts.from_domain.as_deref(),
        scan.from.first(),
    ) {
        let foreign_signer = !views.is_empty() && !aligned_usable;
        let mut detail = format!(
            "{domain} is a free mail service ({provider}): anyone can get an address there. That is fine for personal mail. For a business, spam filters trust a company's own domain more, and a free mail address in the From of company or bulk mail is a common spam signal."
        );
        if bulk {
            detail.push_str(" This message also looks like bulk mail, and bulk mail from a free mail address is treated with suspicion.");
        }
        if foreign_signer {
            detail.push_str(&format!(" The message was not signed by {provider}: it seems to have been sent through another service with a {provider} address in the From. {provider} cannot vouch for that, and several free mail providers tell receivers to reject such mail (DMARC)."));
        }
        detail.push_str(" Sending from an address on your own domain avoids all of this.");
        findings.push(finding(
            "sender.free-mail",
            if bulk || foreign_signer {
                Severity::Warning
            } else {
                Severity::Info
            },
            format!("The sender uses a free mail address ({provider})."),
            detail,
            vec![field.evidence()],
        ));
    }
}

/// The free mail provider of a domain, if it is one.
pub(crate) fn free_mail_provider(domain: &str) -> Option<&'static str> {
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    if let Some(row) =
        tables::lookup_ci(FREEMAIL, &[&domain]).filter(|row| !row.key().ends_with('*'))
    {
        return Some(row.get(1));
    }
    // brand.TLD, brand.co.TLD, brand.com.TLD: the whole name is an organizational domain
    // whose first label is the brand and whose top level is a country code, com or net.
    let (first, rest) = domain.split_once('.')?;
    let provider = tables::lookup_ci(FREEMAIL, &[first, ".*"])?.get(1);
    let tld = rest.rsplit('.').next().unwrap_or_default();
    let tld_ok = (tld.len() == 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
        || tld == "com"
        || tld == "net";
    (tld_ok && org_domain(&domain).as_deref() == Some(domain.as_str())).then_some(provider)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::sender::tests::*;

    #[test]
    fn free_mail() {
        // A Gmail address sent through a mailing service: warning.
        let text = with(&newsletter(), "From:", "From: Shop <shop.deals@gmail.com>");
        let (facts, findings) = run(&text, NOW);
        assert_eq!(facts.free_mail_provider.as_deref(), Some("Gmail"));
        let f = get(&findings, "sender.free-mail");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.detail.contains("bulk mail") && f.detail.contains("not signed by Gmail"));
        // Personal Gmail: info (see clean_gmail_message).
        for (domain, provider) in [
            ("yahoo.co.uk", "Yahoo"),
            ("yahoo.com.br", "Yahoo"),
            ("hotmail.fr", "Outlook.com"),
            ("live.com", "Outlook.com"),
            ("gmx.net", "GMX"),
            ("web.de", "WEB.DE"),
            ("proton.me", "Proton Mail"),
            ("163.com", "NetEase"),
            ("GMAIL.COM.", "Gmail"),
        ] {
            assert_eq!(free_mail_provider(domain), Some(provider), "{domain}");
        }
        for domain in [
            "example.com",
            "yahoo.example.com",
            "mail.gmail.com.example",
            "outlook.office365.com",
            "gmx.example.org",
            "gmailcom",
        ] {
            assert_eq!(free_mail_provider(domain), None, "{domain}");
        }
        assert!(FREEMAIL.len() >= 40);
        assert!(!has(&run(&newsletter(), NOW).1, "sender.free-mail"));
    }

    #[test]
    fn free_mail_with_bulk_headers_is_a_warning() {
        let text = format!(
            "List-Unsubscribe: <mailto:u@gmail.com>\n{}",
            gmail_message()
        );
        let (_, findings) = run(&text, NOW);
        let f = get(&findings, "sender.free-mail");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.detail.contains("bulk"));
    }

    #[test]
    fn providers() {
        assert!(tables::sorted_ci(FREEMAIL));
        assert_eq!(free_mail_provider("GMail.com."), Some("Gmail"));
        assert_eq!(free_mail_provider("yahoo.co.uk"), Some("Yahoo"));
        assert_eq!(free_mail_provider("yahoo.*"), None);
        assert_eq!(free_mail_provider("mail.yahoo.com"), None);
        assert_eq!(free_mail_provider("example.com"), None);
    }
}
