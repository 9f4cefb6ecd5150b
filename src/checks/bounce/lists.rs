//! Blocklists named in bounce text, with fixed lookup and delisting addresses (the known lists:
//! `data/blocklists.tsv`), and the sender authentication method a bounce blames.

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

/// The first blocklist named in `lower` (lowercased text): the first of the known lists'
/// markers (`data/blocklists.tsv`, in its order) that occurs.
pub fn blocklist(lower: &str) -> Option<Blocklist> {
    crate::vocab::blocklists::all()
        .find(|list| {
            list.markers
                .split('|')
                .any(|m| !m.is_empty() && lower.contains(m))
        })
        .map(|list| Blocklist {
            name: list.bounce_name.to_string(),
            lookup_url: list.lookup.to_string(),
            delist_url: list.delist.to_string(),
        })
}

/// The authentication method a bounce blames (`dmarc`, `dkim`, `spf`), from `lower`.
pub fn auth(lower: &str) -> Option<&'static str> {
    let word = |w: &str| {
        lower.match_indices(w).any(|(i, _)| {
            let before = lower.as_bytes().get(i.wrapping_sub(1)).copied();
            let after = lower.as_bytes().get(i + w.len()).copied();
            // Not the end of a compound name ("primary-dkim", a JSON key of a sending
            // service's event record next to the reply); a name it begins ("DKIM-Signature")
            // still names the method.
            !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
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
