//! The blocklists mailtrace knows (`data/blocklists.tsv`): each list's DNS zone and how it is
//! asked, its names, the words a bounce names it by, and its lookup and delisting pages; and what
//! a list's answer means (`data/blocklist-codes.tsv`; RFC 5782: an A record in 127.0.0.0/8 says
//! listed, and lists use some of those addresses for errors instead). The reputation
//! check, which asks the lists, and the bounce reader, which finds them named in a refusal, both
//! read them from here.

use super::tables::{BLOCKLIST_CODES, BLOCKLISTS};

/// One row of `data/blocklists.tsv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownList {
    /// The list's id (`zen`, `dbl`, ...), as `data/blocklist-codes.tsv` names it.
    pub id: &'static str,
    /// What the reputation check asks it about: `ip` or `domain`; None: it is never asked.
    pub kind: Option<&'static str>,
    /// Whether it is asked without being chosen (else only when chosen).
    pub default: bool,
    /// Why it is off by default, if it is.
    pub off_because: Option<&'static str>,
    /// Its name under Spamhaus's Data Query Service (`zen`, `dbl`), if any.
    pub dqs: Option<&'static str>,
    /// The DNS zone asked, if it is asked.
    pub zone: Option<&'static str>,
    /// The name shown for the reputation check's answer.
    pub name: &'static str,
    /// The name shown when a bounce names the list.
    pub bounce_name: &'static str,
    /// Lowercase words that name it in a bounce, `|`-separated (empty for none).
    pub markers: &'static str,
    /// Where to look an address or domain up.
    pub lookup: &'static str,
    /// Where to ask for removal.
    pub delist: &'static str,
}

fn given(field: &'static str) -> Option<&'static str> {
    (field != "-").then_some(field)
}

/// Every known list, in the order of the file (the order lists are asked and bounce markers
/// tried).
pub fn all() -> impl Iterator<Item = KnownList> {
    BLOCKLISTS.rows().map(
        |[
            id,
            kind,
            default,
            off_because,
            dqs,
            zone,
            name,
            bounce_name,
            markers,
            lookup,
            delist,
        ]| KnownList {
            id,
            kind: given(kind),
            default: default == "yes",
            off_because: given(off_because),
            dqs: given(dqs),
            zone: given(zone),
            name,
            bounce_name: given(bounce_name).unwrap_or(name),
            markers: given(markers).unwrap_or(""),
            lookup,
            delist,
        },
    )
}

/// What one answer of a list means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReturnCode {
    /// Listed: the sub-list's name and what the listing means.
    Listed(String, &'static str),
    /// Not a listing: the list refused or failed, and why.
    Error(&'static str),
}

/// Whether one octet pattern of `data/blocklist-codes.tsv` (`N`, `N-M`, `*`, `!N`) matches.
fn octet_matches(pattern: &str, value: u8) -> bool {
    if pattern == "*" {
        return true;
    }
    if let Some(not) = pattern.strip_prefix('!') {
        return not.parse::<u8>().ok() != Some(value);
    }
    match pattern.split_once('-') {
        Some((low, high)) => {
            matches!((low.parse::<u8>(), high.parse::<u8>()), (Ok(low), Ok(high)) if (low..=high).contains(&value))
        }
        None => pattern.parse::<u8>().ok() == Some(value),
    }
}

/// The names of the bit flags (`8=PH 16=MW ...`) set in `bits`, joined by `+`; None when the
/// code is not made of flags or none of them is set.
fn flags(code: &str, bits: u8) -> Option<String> {
    if !code.contains('=') {
        return None;
    }
    let names: Vec<&str> = code
        .split_whitespace()
        .filter_map(|flag| flag.split_once('='))
        .filter(|(bit, _)| bit.parse::<u8>().is_ok_and(|b| bits & b != 0))
        .map(|(_, name)| name)
        .collect();
    (!names.is_empty()).then(|| names.join("+"))
}

/// What list `list` (an id; any other text for a list the user added) means by answering
/// `answer`: the first row of `data/blocklist-codes.tsv` that matches.
pub fn return_code(list: &str, answer: [u8; 4]) -> ReturnCode {
    for [lists, pattern, code, meaning] in BLOCKLIST_CODES.rows() {
        if lists != "*" && !lists.split(' ').any(|l| l == list) {
            continue;
        }
        let mut octets = pattern.split('.');
        if !answer
            .iter()
            .all(|&o| octets.next().is_some_and(|p| octet_matches(p, o)))
        {
            continue;
        }
        return match code {
            "error" => ReturnCode::Error(meaning),
            "-" => ReturnCode::Listed(core::net::Ipv4Addr::from(answer).to_string(), meaning),
            code if code.contains('=') => match flags(code, answer[3]) {
                Some(names) => ReturnCode::Listed(names, meaning),
                None => continue,
            },
            code => ReturnCode::Listed(code.to_string(), meaning),
        };
    }
    ReturnCode::Listed(core::net::Ipv4Addr::from(answer).to_string(), "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_well_formed() {
        let ids: Vec<&str> = all().map(|l| l.id).collect();
        for l in all() {
            assert_eq!(ids.iter().filter(|i| **i == l.id).count(), 1, "{}", l.id);
            assert!(matches!(l.kind, None | Some("ip" | "domain")), "{}", l.id);
            assert_eq!(l.kind.is_some(), l.zone.is_some(), "{}", l.id);
            assert!(l.lookup.starts_with("https://") && l.delist.starts_with("https://"));
            assert!(l.markers.split('|').all(|m| m == m.to_ascii_lowercase()));
        }
        for [lists, pattern, code, meaning] in BLOCKLIST_CODES.rows() {
            assert!(
                lists == "*" || lists.split(' ').all(|l| ids.contains(&l)),
                "{lists}"
            );
            assert_eq!(pattern.split('.').count(), 4, "{pattern}");
            assert!(!code.is_empty() && !meaning.is_empty());
        }
    }

    #[test]
    fn codes_decode_in_order() {
        let listed = |name: &str| match return_code("zen", [127, 0, 0, 4]) {
            ReturnCode::Listed(n, _) => n == name,
            ReturnCode::Error(_) => false,
        };
        assert!(listed("XBL"));
        assert!(matches!(
            return_code("dbl", [127, 255, 255, 254]),
            ReturnCode::Error(m) if m.contains("public DNS")
        ));
        assert!(matches!(
            return_code("other.example", [127, 255, 255, 254]),
            ReturnCode::Error(m) if m.contains("127.255.x.x")
        ));
        assert!(matches!(
            return_code("zen", [10, 0, 0, 2]),
            ReturnCode::Error(_)
        ));
        assert_eq!(
            return_code("surbl", [127, 0, 0, 24]),
            ReturnCode::Listed("PH+MW".into(), return_meaning("surbl"))
        );
        assert!(matches!(
            return_code("surbl", [127, 0, 0, 1 << 5]),
            ReturnCode::Listed(n, _) if n == "127.0.0.32"
        ));
    }

    fn return_meaning(list: &str) -> &'static str {
        BLOCKLIST_CODES
            .rows()
            .find(|r| r[0] == list)
            .map_or("", |r| r[3])
    }
}
