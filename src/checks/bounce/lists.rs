//! Blocklists named in bounce text, with fixed lookup and delisting addresses, and the sender
//! authentication method a bounce blames.

use serde::{Deserialize, Serialize};

/// A blocklist the remote server named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Blocklist {
    /// The list's operator or name.
    pub name: String,
    /// Where to look the IP or domain up (fixed address, never taken from the bounce).
    pub lookup_url: String,
    /// Where to ask for removal (fixed address).
    pub delist_url: String,
}

/// (lowercase marker, name, lookup URL, delisting URL)
static LISTS: &[(&str, &str, &str, &str)] = &[
    (
        "spamhaus",
        "Spamhaus",
        "https://check.spamhaus.org/",
        "https://check.spamhaus.org/",
    ),
    (
        "barracudacentral",
        "Barracuda Reputation Block List",
        "https://www.barracudacentral.org/lookups",
        "https://www.barracudacentral.org/rbl/removal-request",
    ),
    (
        "barracuda reputation",
        "Barracuda Reputation Block List",
        "https://www.barracudacentral.org/lookups",
        "https://www.barracudacentral.org/rbl/removal-request",
    ),
    (
        "spamcop",
        "SpamCop",
        "https://www.spamcop.net/bl.shtml",
        "https://www.spamcop.net/bl.shtml",
    ),
    (
        "s3150",
        "Microsoft (Outlook.com / Office 365) IP block",
        "https://sender.office.com/",
        "https://sender.office.com/",
    ),
    (
        "s3140",
        "Microsoft (Outlook.com / Office 365) IP block",
        "https://sender.office.com/",
        "https://sender.office.com/",
    ),
    (
        "banned sending ip",
        "Microsoft (Outlook.com / Office 365) IP block",
        "https://sender.office.com/",
        "https://sender.office.com/",
    ),
    (
        "ipcheck.proofpoint",
        "Proofpoint",
        "https://ipcheck.proofpoint.com/",
        "https://ipcheck.proofpoint.com/",
    ),
    (
        "cloudmark",
        "Cloudmark (CSI)",
        "https://csi.cloudmark.com/en/reset/",
        "https://csi.cloudmark.com/en/reset/",
    ),
    (
        "sorbs",
        "SORBS",
        "https://www.sorbs.net/",
        "https://www.sorbs.net/",
    ),
    (
        "uceprotect",
        "UCEPROTECT",
        "https://www.uceprotect.net/en/rblcheck.php",
        "https://www.uceprotect.net/en/index.php?m=7&s=0",
    ),
    (
        "psbl",
        "Passive Spam Block List",
        "https://psbl.org/",
        "https://psbl.org/",
    ),
    (
        "mailspike",
        "Mailspike",
        "https://mailspike.org/iplookup.html",
        "https://mailspike.org/iplookup.html",
    ),
    (
        "abusix",
        "Abusix Mail Intelligence",
        "https://lookup.abusix.com/",
        "https://lookup.abusix.com/",
    ),
    (
        "spamrats",
        "SpamRATS",
        "https://www.spamrats.com/lookup.php",
        "https://www.spamrats.com/removal.php",
    ),
    (
        "senderscore",
        "Validity Sender Score",
        "https://senderscore.org/",
        "https://senderscore.org/",
    ),
    (
        "trend micro",
        "Trend Micro ERS",
        "https://servicecentral.trendmicro.com/en-US/ers/ip-lookup/",
        "https://servicecentral.trendmicro.com/en-US/ers/ip-lookup/",
    ),
    (
        "mail-abuse.com",
        "Trend Micro ERS",
        "https://servicecentral.trendmicro.com/en-US/ers/ip-lookup/",
        "https://servicecentral.trendmicro.com/en-US/ers/ip-lookup/",
    ),
    (
        "invaluement",
        "Invaluement",
        "https://www.invaluement.com/lookup/",
        "https://www.invaluement.com/removal/",
    ),
    (
        "0spam",
        "0spam",
        "https://www.0spam.org/",
        "https://www.0spam.org/",
    ),
];

/// The first blocklist named in `lower` (lowercased text).
pub fn blocklist(lower: &str) -> Option<Blocklist> {
    LISTS
        .iter()
        .find(|(m, ..)| lower.contains(m))
        .map(|(_, name, lookup, delist)| Blocklist {
            name: (*name).to_string(),
            lookup_url: (*lookup).to_string(),
            delist_url: (*delist).to_string(),
        })
}

/// The authentication method a bounce blames (`dmarc`, `dkim`, `spf`), from `lower`.
pub fn auth(lower: &str) -> Option<&'static str> {
    let word = |w: &str| {
        lower.match_indices(w).any(|(i, _)| {
            let before = lower.as_bytes().get(i.wrapping_sub(1)).copied();
            let after = lower.as_bytes().get(i + w.len()).copied();
            !before.is_some_and(|c| c.is_ascii_alphanumeric())
                && !after.is_some_and(|c| c.is_ascii_alphanumeric())
        })
    };
    if word("dmarc") || lower.contains("5.7.509") {
        Some("dmarc")
    } else if word("dkim") {
        Some("dkim")
    } else if word("spf") || lower.contains("sender policy framework") || lower.contains("5.7.23") {
        Some("spf")
    } else if lower.contains("5.7.26") || lower.contains("unauthenticated") {
        Some("spf_dkim")
    } else {
        None
    }
}
