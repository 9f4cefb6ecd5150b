//! Domain names: the organization a host belongs to.

/// The organization a host name belongs to, approximated by its last two labels (three under a
/// two-letter country code with a generic second level, such as `co.uk`). The public suffix list
/// or DMARCbis's DNS tree walk would be exact; this is enough to tell one mail provider's hosts
/// from another's and to judge relaxed alignment in the common cases. None for IP literals,
/// single labels and names with empty labels.
pub fn org_domain(host: &str) -> Option<String> {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty()
        || host.starts_with('[')
        || crate::vocab::ip::parse_ip(&host).is_some()
        || !host.contains('.')
    {
        return None;
    }
    let labels: Vec<&str> = host.split('.').collect();
    if labels.iter().any(|l| l.is_empty()) {
        return None;
    }
    let n = labels.len();
    let generic = [
        "co", "com", "net", "org", "gov", "edu", "ac", "or", "ne", "go",
    ];
    let take = if n >= 3 && labels[n - 1].len() == 2 && generic.contains(&labels[n - 2]) {
        3
    } else {
        2
    };
    Some(labels[n.saturating_sub(take)..].join("."))
}

/// The domain of an address as a bounce or header writes it (`a@b.example`, `<a@b.example>`,
/// a trailing dot), lowercase; None without an `@` or a domain.
pub fn of_address(address: &str) -> Option<String> {
    let (_, domain) = address.trim().trim_matches(['<', '>']).rsplit_once('@')?;
    let domain = domain
        .trim()
        .trim_end_matches(['>', '.'])
        .to_ascii_lowercase();
    (!domain.is_empty()).then_some(domain)
}

/// The organization of an address's domain ([`of_address`], then [`org_domain`]).
pub fn org_of_address(address: &str) -> Option<String> {
    of_address(address).and_then(|d| org_domain(&d))
}

/// The other organization domains of the mail operator `org` belongs to
/// (`data/received/families.tsv`: Barracuda's MX hosts under barracudanetworks.com hand mail on
/// from barracuda.com; iCloud's hosts under me.com write their results as icloud.com); none for
/// a domain of no listed family.
pub fn operator_kin(org: &str) -> impl Iterator<Item = &'static str> + '_ {
    let families = crate::vocab::tables::received::FAMILIES;
    let family = crate::vocab::tables::lookup(families, org).map(|row| row[1]);
    families
        .iter()
        .filter(move |r| family == Some(r[1]) && r[0] != org)
        .map(|r| r[0])
}

/// Whether a host name is one only a private network uses (RFC 6762 appendix G: .local, .lan,
/// .internal, .intranet, .private, .corp, .home; RFC 8375 home.arpa; .localdomain): a name no
/// other organization's server writes.
pub fn private_name(host: &str) -> bool {
    let host = host.trim().trim_end_matches('.');
    crate::vocab::text::ends_with_ci(host, ".home.arpa")
        || host.rsplit('.').next().is_some_and(|tld| {
            [
                "local",
                "lan",
                "internal",
                "intranet",
                "private",
                "corp",
                "home",
                "localdomain",
            ]
            .iter()
            .any(|t| tld.eq_ignore_ascii_case(t))
        })
}

/// Whether two domains belong to the same organization (DMARC relaxed alignment, RFC 7489
/// 3.1.1, by [`org_domain`]); names without one compare as they are.
pub fn same_org(a: &str, b: &str) -> bool {
    match (org_domain(a), org_domain(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a.eq_ignore_ascii_case(b),
    }
}

/// The letters of the Cyrillic and Greek alphabets (and Latin's dotless i and script a and g)
/// that look the same as a Latin letter in a domain name, each with that letter: Unicode UTS
/// #39's confusables.txt for the lowercase letters domain names are written in (Cyrillic а е о
/// р с у х ѕ і ј ԁ һ ӏ ԛ ԝ, Greek α ι ν ο ρ υ).
const CONFUSABLE_LETTERS: [(char, char); 24] = [
    ('\u{0430}', 'a'),
    ('\u{0435}', 'e'),
    ('\u{043e}', 'o'),
    ('\u{0440}', 'p'),
    ('\u{0441}', 'c'),
    ('\u{0443}', 'y'),
    ('\u{0445}', 'x'),
    ('\u{0455}', 's'),
    ('\u{0456}', 'i'),
    ('\u{0458}', 'j'),
    ('\u{0501}', 'd'),
    ('\u{04bb}', 'h'),
    ('\u{04cf}', 'l'),
    ('\u{051b}', 'q'),
    ('\u{051d}', 'w'),
    ('\u{03b1}', 'a'),
    ('\u{03b9}', 'i'),
    ('\u{03bd}', 'v'),
    ('\u{03bf}', 'o'),
    ('\u{03c1}', 'p'),
    ('\u{03c5}', 'u'),
    ('\u{0131}', 'i'),
    ('\u{0251}', 'a'),
    ('\u{0261}', 'g'),
];

/// The Latin spelling an internationalized label (`xn--`, RFC 3492 Punycode; RFC 5891 section
/// 4.4) shows on screen, when every letter of another alphabet in it looks the same as a Latin
/// one ([`CONFUSABLE_LETTERS`]): "xn--vanderlnden-metaal-kip", written with a Cyrillic "і",
/// reads as "vanderlinden-metaal". None for a label that is not internationalized, does not
/// decode, or holds a letter that reads as none of Latin's (a name in another script).
pub fn idn_latin_look(label: &str) -> Option<String> {
    let encoded = label.get(..4)?;
    if !encoded.eq_ignore_ascii_case("xn--") || label.len() > 63 {
        return None;
    }
    let decoded = punycode::decode(&label[4..].to_ascii_lowercase()).ok()?;
    if decoded.is_ascii() {
        return None;
    }
    let mut out = String::with_capacity(decoded.len());
    for c in decoded.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' {
            out.push(c);
        } else {
            out.push(CONFUSABLE_LETTERS.iter().find(|(k, _)| *k == c)?.1);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internationalized_label_read_as_the_latin_it_shows() {
        // "vanderlіnden-metaal" with a Cyrillic "і" (RFC 3492).
        assert_eq!(
            idn_latin_look("xn--vanderlnden-metaal-kip").as_deref(),
            Some("vanderlinden-metaal")
        );
        // "pаypаl" with two Cyrillic "а".
        assert_eq!(idn_latin_look("xn--pypl-53dc").as_deref(), Some("paypal"));
        // A name in its own letters ("mlýn") shows no Latin spelling; plain and broken labels.
        assert_eq!(idn_latin_look("xn--mln-kratochvil-wsb"), None);
        assert_eq!(idn_latin_look("vanderlinden-metaal"), None);
        assert_eq!(idn_latin_look("xn--"), None);
        assert_eq!(idn_latin_look("xn--\u{e9}"), None);
    }

    #[test]
    fn an_addresss_domain() {
        assert_eq!(
            of_address("<A@Mail.Example.>").as_deref(),
            Some("mail.example")
        );
        assert_eq!(of_address(" u@b.example ").as_deref(), Some("b.example"));
        assert_eq!(of_address("no address"), None);
        assert_eq!(of_address("u@"), None);
    }

    #[test]
    fn org_domains() {
        assert_eq!(
            org_domain("BN3NAM04FT003.mail.protection.outlook.com").as_deref(),
            Some("outlook.com")
        );
        assert_eq!(
            org_domain("mx.example.co.uk").as_deref(),
            Some("example.co.uk")
        );
        assert_eq!(org_domain("example.com.").as_deref(), Some("example.com"));
        for none in ["localhost", "[192.0.2.1]", "192.0.2.1", "a..example", ""] {
            assert_eq!(org_domain(none), None, "{none}");
        }
    }
}
