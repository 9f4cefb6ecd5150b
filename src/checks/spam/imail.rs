//! Ipswitch IMail Server's anti-spam fields: one `X-IMAIL-SPAM-<CHECK>` field for each check
//! that flagged the message (IMail Server help, "Spam X-Header Explanations",
//! https://docs.ipswitch.com/IMail2006.23/Help/Admin/x_header_explanations.htm: "an X-Header
//! line is automatically inserted into the message header to indicate the black list that the
//! message matched", and likewise for the verification checks and the other spam features,
//! "when it is identified as spam"). A field is there only when its check trapped the message,
//! so any of them is the spam verdict; the check is the field name's last part.

use super::{Group, SpamVerdict, item, push_item, unscored};

/// The prefix of every field read here, lowercase.
pub(super) const PREFIX: &str = "x-imail-spam-";

/// What a check's field says (the help page's table), by the check's name in upper case.
fn meaning(check: &str) -> &'static str {
    match check {
        "DNSBL" => "The sending server's address is on a DNS blocklist.",
        "ADDRBL" => "The message matched an address blocklist.",
        "HELOBL" => "The server's HELO/EHLO name is on a blocklist.",
        "RHSBL" => "A domain of the message is on a right-hand-side (domain) blocklist.",
        "IP4R" => "The sending server's address matched an IP4R (PTR) blocklist.",
        "URL-DBL" => "The message links to a domain on the URL domain blocklist.",
        "REVDNS" | "VALREVDNS" => "The sending server's address failed the reverse DNS check.",
        "VALHELO" | "HELODOMAIN" => "The sending server's HELO/EHLO name failed verification.",
        "VALFROM" => "The MAIL FROM address failed verification.",
        "INVALIDFROM" => "The message has an invalid From address.",
        "STATISTICS" | "STATISTIC" => "The statistical (Bayesian) filter found it spam.",
        "PHRASE" => "A phrase in the message is on the phrase blocklist.",
        "HTML-FEATURES" | "HTML_FEATURES" | "FEATURES" => {
            "The message holds HTML features often found in spam."
        }
        "SPF-FAIL" => "SPF failed: the domain does not allow the sending server.",
        "SPF-SOFTFAIL" => {
            "SPF soft-failed: the domain says the sending server is probably not allowed."
        }
        _ => "One of IMail's anti-spam checks flagged the message.",
    }
}

/// IMail's verdict: spam, with each check that trapped the message.
pub(super) fn verdict(g: &Group<'_>) -> SpamVerdict {
    let mut items = Vec::new();
    for f in &g.fields {
        let check = f
            .name
            .get(PREFIX.len()..)
            .unwrap_or_default()
            .to_ascii_uppercase();
        let value = (!f.value.is_empty()).then_some(f.value);
        push_item(
            &mut items,
            item(&check, value, None, Some(meaning(&check).to_string())),
        );
    }
    unscored(
        "IMail",
        g.main(&[]),
        Some(true),
        [
            "IMail's anti-spam checks flagged this message as spam.",
            "IMail's anti-spam checks did not flag this message.",
            "IMail's anti-spam checks left no verdict.",
        ],
        items,
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::{find, one};

    #[test]
    fn an_imail_dnsbl_field_is_a_spam_verdict_naming_the_list() {
        let v = one(&[
            (
                "X-IMAIL-SPAM-DNSBL",
                "(zen.spamhaus.org, 7f3a000044b1c2d9, 192.0.2.58/127.0.0.4)",
                1,
            ),
            ("X-IMAIL-SPAM-STATISTICS", "(7f3a000044b1c2d9, 38%)", 2),
        ]);
        assert_eq!((v.filter.as_str(), v.is_spam), ("IMail", Some(true)));
        assert!(
            find(&v, "DNSBL")
                .value
                .as_deref()
                .unwrap()
                .contains("zen.spamhaus.org")
        );
        assert!(
            find(&v, "STATISTICS")
                .meaning
                .as_deref()
                .unwrap()
                .contains("statistical")
        );
    }
}
