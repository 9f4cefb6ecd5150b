//! The From field: present, single and readable (RFC 5322 section 3.6.2), and the tricks of its
//! local part (a run of digits); its display name's tricks are in [`super::name`].

use super::{Field, MailboxText, Scan, domain_of, finding};
use crate::vocab::finding::{Finding, Severity};

/// The From checks; `mailbox`: the first mailbox of the first From, read.
pub(super) fn check(
    scan: &Scan<'_>,
    mailbox: Option<&MailboxText>,
    now_ms: i64,
    findings: &mut Vec<Finding>,
) {
    let Some(first) = scan.from.first() else {
        findings.push(finding(
            "header.missing-from",
            Severity::Problem,
            "The message has no From header.",
            "Every message must say who wrote it (RFC 5322). Large providers such as Gmail reject messages without a From header. The sending program must add one.",
            Vec::new(),
        ));
        return;
    };
    if scan.from_count > 1 {
        findings.push(finding(
            "header.multiple-from",
            Severity::Problem,
            format!("The message has {} From headers.", scan.from_count),
            "A message must have exactly one From header. With more than one, it is unclear who the sender is, a trick used to show one sender and authenticate another; Gmail and others reject such messages. The sending program must write a single From.",
            scan.from.iter().map(Field::evidence).collect(),
        ));
    }
    let Some(address) = mailbox
        .and_then(|m| m.address.as_deref())
        .filter(|a| domain_of(a).is_some())
    else {
        findings.push(finding(
            "header.from-unreadable",
            Severity::Warning,
            "The From header could not be read as an address.",
            "Receivers may reject a message whose author address is malformed. The From header should look like Name <name@example.com>.",
            vec![first.evidence()],
        ));
        return;
    };
    // The display name's tricks: an address or a domain shown, reordering, invisible and
    // lookalike characters.
    if let Some(name) = mailbox.and_then(|m| m.name.as_deref()) {
        super::name::check(name, address, &first.evidence(), findings);
    }

    // A local part ending in a run of digits that is not a year.
    let local = address.rsplit_once('@').map(|(l, _)| l).unwrap_or_default();
    if odd_local_part(local, year_of(now_ms)) {
        findings.push(finding(
            "sender.odd-local-part",
            Severity::Info,
            format!("The sender's address ({address}) ends in a run of digits."),
            "Addresses like name0482@ are typical of accounts created in bulk, so some spam filters count them as a small warning sign. It means nothing on its own: many people have such addresses. A business sender should use a clear address such as info@ or a person's name.",
            vec![first.evidence()],
        ));
    }
}

/// Whether a local part ends in a run of at least three digits that is not a plausible year
/// (`webdude0482`, but not `anna1987`, `john2024`, `12345` or `bob77`).
fn odd_local_part(local: &str, current_year: i64) -> bool {
    let local = local.split('+').next().unwrap_or_default();
    if local.starts_with('"') {
        return false;
    }
    let digits = local.bytes().rev().take_while(u8::is_ascii_digit).count();
    if digits < 3 {
        return false;
    }
    let split = local.len() - digits;
    let (Some(head), Some(tail)) = (local.get(..split), local.get(split..)) else {
        return false;
    };
    if !head.bytes().any(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    if digits == 4
        && let Ok(year) = tail.parse::<i64>()
        && (1950..=current_year.saturating_add(1)).contains(&year)
    {
        return false;
    }
    true
}

/// The calendar year (UTC) of a time in ms since 1970.
fn year_of(epoch_ms: i64) -> i64 {
    // Howard Hinnant's civil_from_days, year only.
    let z = epoch_ms.div_euclid(86_400_000) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    yoe + era * 400 + i64::from(mp >= 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::sender::tests::*;

    #[test]
    fn from_checks() {
        let base = newsletter();
        let text = format!("From: Other <other@evil.example>\n{base}");
        let (_, findings) = run(&text, NOW);
        let f = get(&findings, "header.multiple-from");
        assert_eq!(f.severity, Severity::Problem);
        assert_eq!(f.evidence.len(), 2);

        let (_, findings) = run(&with(&base, "From:", ""), NOW);
        assert_eq!(
            get(&findings, "header.missing-from").severity,
            Severity::Problem
        );

        for bad in [
            "From: undisclosed-recipients:;",
            "From: <>",
            "From: just some words",
            "From: \u{1F600}@",
        ] {
            let (facts, findings) = run(&with(&base, "From:", bad), NOW);
            assert!(has(&findings, "header.from-unreadable"), "{bad}");
            assert_eq!(facts.from_domain, None, "{bad}");
        }
        for code in [
            "header.multiple-from",
            "header.missing-from",
            "header.from-unreadable",
        ] {
            assert!(!has(&run(&base, NOW).1, code));
        }
    }

    #[test]
    fn display_name_with_an_address() {
        let base = newsletter();
        let (_, findings) = run(
            &with(
                &base,
                "From:",
                "From: \"support@bank.example\" <x@evil.example>",
            ),
            NOW,
        );
        let f = get(&findings, "sender.display-name-address");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.title.contains("support@bank.example") && f.title.contains("x@evil.example"));
        // Unquoted, and encoded (RFC 2047) so that it does not show at a glance.
        let (_, findings) = run(
            &with(
                &base,
                "From:",
                "From: =?UTF-8?B?c2VydmljZUBwYXlwYWwuZXhhbXBsZQ==?= <x@evil.example>",
            ),
            NOW,
        );
        assert!(
            get(&findings, "sender.display-name-address")
                .title
                .contains("service@paypal.example")
        );
        // Same domain: info.
        let (_, findings) = run(
            &with(
                &base,
                "From:",
                "From: \"sales@shop.example\" <news@shop.example>",
            ),
            NOW,
        );
        assert_eq!(
            get(&findings, "sender.display-name-address").severity,
            Severity::Info
        );
        // Its own address, or a plain name: nothing.
        for ok in [
            "From: \"news@shop.example\" <News@Shop.example>",
            "From: Shop News <news@shop.example>",
            "From: \"Shop @ Home\" <news@shop.example>",
        ] {
            assert!(
                !has(
                    &run(&with(&base, "From:", ok), NOW).1,
                    "sender.display-name-address"
                ),
                "{ok}"
            );
        }
    }

    #[test]
    fn odd_local_parts() {
        let year = year_of(NOW);
        assert_eq!(year, 2024);
        for odd in [
            "webdude0482",
            "bob123",
            "j.smith_48213",
            "x999+tag",
            "anna19870",
            "user2099",
        ] {
            assert!(odd_local_part(odd, year), "{odd}");
        }
        for fine in [
            "anna1987",
            "john2024",
            "mike2025",
            "bob77",
            "12345",
            "info",
            "a.1950",
            "\"weird 123\"",
            "news+12345",
            "",
        ] {
            assert!(!odd_local_part(fine, year), "{fine}");
        }
        let (_, findings) = run(
            &with(
                &newsletter(),
                "From:",
                "From: Web Dude <webdude0482@shop.example>",
            ),
            NOW,
        );
        assert_eq!(
            get(&findings, "sender.odd-local-part").severity,
            Severity::Info
        );
        let (_, findings) = run(
            &with(&newsletter(), "From:", "From: Anna <anna1987@shop.example>"),
            NOW,
        );
        assert!(!has(&findings, "sender.odd-local-part"));
    }

    #[test]
    fn small_parsers() {
        assert_eq!(
            super::super::name::addresses_in("Support (support@bank.example) and x@y.example"),
            ["support@bank.example", "x@y.example"]
        );
        assert!(super::super::name::addresses_in("Ann @ home, a@b, @, ü@ü.example").is_empty());
        assert_eq!(year_of(0), 1970);
        assert_eq!(year_of(-1), 1969);
        assert_eq!(year_of(1_709_251_199_000), 2024); // 2024-02-29T23:59:59Z
        assert_eq!(year_of(1_735_689_600_000), 2025);
        let _ = year_of(i64::MIN);
        let _ = year_of(i64::MAX);
    }
}
