//! Display-name spoofing: what a From's display name (RFC 5322 section 3.4, `display-name
//! angle-addr`) makes the reader see, against what is written. Many mail programs show only the
//! name, so a name can pose as another sender:
//! - characters that reorder the text shown (the bidi embeddings, overrides, isolates and marks
//!   of Unicode UAX #9), named as a spoofing vector by Unicode TR36 section 2.1;
//! - characters that take no room (zero-width space, joiners, word joiner, byte order mark),
//!   which split a word so that it no longer matches what a filter looks for (TR36 section 2.1);
//! - an address or a domain written as the name, other than the real From's; with a lookalike
//!   `@` or dot (fullwidth and small forms, TR39's confusables) the name is read as the ASCII
//!   text it imitates first (NFKC folds the fullwidth forms the same way);
//! - one word in two scripts, Latin with Cyrillic or Greek (TR39 section 5.1 "mixed-script"
//!   detection, the cheap whole-word form; single-script confusables are not detected).
//!
//! Every finding shows the characters that are there as `U+XXXX`. The name is at most
//! [`super::MAX_NAME`] bytes, so every loop is bounded.

use super::{domain_of, finding, same_org};
use crate::vocab::finding::{Evidence, Finding, Severity};
use crate::vocab::tables::{self, sender::NAME_TLDS};
use crate::vocab::text::clip;

/// Characters that change the order in which text is shown (UAX #9).
fn is_bidi(c: char) -> bool {
    matches!(c as u32, 0x061c | 0x200e | 0x200f | 0x202a..=0x202e | 0x2066..=0x2069)
}

/// Characters that take no room.
fn is_invisible(c: char) -> bool {
    matches!(c as u32, 0x200b..=0x200d | 0x2060..=0x2064 | 0xfeff)
}

/// The ASCII `@` or `.` a lookalike stands for (TR39 confusables; fullwidth forms as NFKC
/// folds them).
fn lookalike(c: char) -> Option<char> {
    match c as u32 {
        0xff20 | 0xfe6b => Some('@'),
        0xff0e | 0x3002 | 0xff61 | 0xfe52 | 0x2024 => Some('.'),
        _ => None,
    }
}

/// Up to five distinct code points, as `U+202E, U+200B`.
fn code_points(name: &str, pick: fn(char) -> bool) -> String {
    let mut seen: Vec<char> = Vec::new();
    for c in name.chars().filter(|&c| pick(c)) {
        if !seen.contains(&c) && seen.len() < 5 {
            seen.push(c);
        }
    }
    seen.iter()
        .map(|&c| format!("U+{:04X}", c as u32))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The name as written, with what the reader does not see shown as `U+XXXX`.
fn as_written(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if is_bidi(c) || is_invisible(c) || lookalike(c).is_some() || c.is_control() {
            out.push_str(&format!("U+{:04X}", c as u32));
        } else {
            out.push(c);
        }
    }
    clip(&out, 400).to_string()
}

/// The name as a reader takes it: invisible and bidi characters left out, lookalike `@` and
/// dots and the fullwidth ASCII forms read as ASCII.
fn as_read(name: &str) -> String {
    name.chars()
        .filter(|&c| !is_bidi(c) && !is_invisible(c))
        .map(|c| match lookalike(c) {
            Some(ascii) => ascii,
            None if ('\u{ff01}'..='\u{ff5e}').contains(&c) => {
                char::from_u32(c as u32 - 0xfee0).unwrap_or(c)
            }
            None => c,
        })
        .collect()
}

/// The display-name checks of a From `name` whose real address is `address`.
pub(super) fn check(name: &str, address: &str, evidence: &Evidence, findings: &mut Vec<Finding>) {
    let from_domain = domain_of(address).unwrap_or_default();
    let written = as_written(name);
    let read = as_read(name);
    // (code, title, what the reader sees against what is there); all warnings but one.
    let mut found: Vec<(&str, String, String)> = Vec::new();
    if name.chars().any(is_bidi) {
        found.push((
            "sender.display-name-bidi",
            format!(
                "The sender's name holds characters that reorder the text shown ({}).",
                code_points(name, is_bidi)
            ),
            format!(
                "A mail program shows the text after these invisible controls (Unicode UAX #9) in another order, so the reader does not see \"{}\" in the order it is written; with them shown it is \"{written}\". A trick to hide or reverse part of a name or an address (Unicode TR36 section 2.1).",
                clip(&read, 300)
            ),
        ));
    }
    if name.chars().any(is_invisible) {
        found.push((
            "sender.display-name-invisible",
            format!(
                "The sender's name holds characters that take no room ({}).",
                code_points(name, is_invisible)
            ),
            format!(
                "The reader sees \"{}\"; with them shown it is \"{written}\". Zero-width characters split a word unseen, so that a brand or a word a spam filter looks for no longer matches (Unicode TR36 section 2.1).",
                clip(&crate::vocab::text::inert(&read), 300)
            ),
        ));
    }
    let lookalikes = code_points(name, |c| {
        lookalike(c).is_some() || ('\u{ff01}'..='\u{ff5e}').contains(&c)
    });
    let shown_address = addresses_in(&read)
        .into_iter()
        .find(|a| !a.eq_ignore_ascii_case(address));
    let shown_domain = match shown_address {
        Some(_) => None,
        None => domains_in(&read)
            .into_iter()
            .find(|d| !same_org(d, &from_domain)),
    };
    let mut same_org_address = false;
    if let Some(shown) = &shown_address {
        same_org_address = same_org(&domain_of(shown).unwrap_or_default(), &from_domain);
        found.push((
            "sender.display-name-address",
            format!("The sender's name shows the address {shown}, but the message is from {address}."),
            if same_org_address {
                format!("Many mail programs show only the name, so the reader sees {shown}, not {address}. Both are on the same domain, so this is likely harmless, but filters may still notice it; a plain name is better.")
            } else {
                format!("Many mail programs show only the name, so the reader sees {shown} while the message really comes from {address}, another domain. This is a classic phishing trick and spam filters score it. If this is a genuine sender, put a plain name in the From (\"Company Support\"), not an address.")
            },
        ));
    }
    if let Some(shown) = &shown_domain {
        found.push((
            "sender.display-name-domain",
            format!("The sender's name shows the domain {shown}, but the message is from {address}."),
            format!("Many mail programs show only the name, so the reader sees {shown} and may take the message for one from that domain (RFC 5322 lets the name say anything). A genuine sender should put the company's name in the From, not a domain."),
        ));
    }
    if let Some(shown) = shown_address.as_deref().or(shown_domain.as_deref())
        && !lookalikes.is_empty()
    {
        found.push((
            "sender.display-name-confusable",
            format!("The sender's name writes {shown} with lookalike characters ({lookalikes})."),
            format!("The reader sees {shown}, but the name is written \"{written}\": {lookalikes} look like ASCII without being it (Unicode TR39 confusables), so filters looking for the address or domain do not find it."),
        ));
    }
    if let Some(word) = mixed_script_word(&read) {
        let foreign = code_points(&word, |c| matches!(script(c), Some("Greek" | "Cyrillic")));
        let other = if word.chars().any(|c| script(c) == Some("Cyrillic")) {
            "Cyrillic"
        } else {
            "Greek"
        };
        found.push((
            "sender.display-name-mixed-script",
            format!("A word of the sender's name, \"{word}\", mixes Latin and {other} letters ({foreign})."),
            format!("The reader sees \"{word}\" as a word in Latin letters, but {foreign} is {other} (Unicode TR39 section 5.1, mixed-script confusables): a lookalike word imitates a brand or a name while filters looking for it do not find it."),
        ));
    }
    for (code, title, detail) in found {
        let is_address = code == "sender.display-name-address";
        findings.push(finding(
            code,
            if is_address && same_org_address {
                Severity::Info
            } else {
                Severity::Warning
            },
            title,
            if is_address {
                detail
            } else {
                format!("{detail} The message is from {address}.")
            },
            vec![evidence.clone()],
        ));
    }
}

/// The script of a letter, for the scripts that look like Latin; None for anything else (the
/// blocks' few signs and marks count as letters: the check looks for two scripts in a word).
/// Code point ranges rather than `char::is_alphabetic`, whose Unicode tables would grow the
/// wasm module.
fn script(c: char) -> Option<&'static str> {
    match c as u32 {
        0x41..=0x5a | 0x61..=0x7a | 0xc0..=0xd6 | 0xd8..=0xf6 | 0xf8..=0x24f => Some("Latin"),
        0x386 | 0x388..=0x3ff => Some("Greek"),
        0x400..=0x481 | 0x48a..=0x52f => Some("Cyrillic"),
        _ => None,
    }
}

/// The first word (a run of Latin, Greek and Cyrillic letters, digits and combining marks; at
/// most 64 words looked at) with Latin letters and Cyrillic or Greek ones.
fn mixed_script_word(name: &str) -> Option<String> {
    name.split(|c: char| {
        script(c).is_none() && !c.is_ascii_digit() && !('\u{300}'..='\u{36f}').contains(&c)
    })
    .filter(|w| !w.is_empty())
    .take(64)
    .find(|w| {
        let latin = w.chars().any(|c| script(c) == Some("Latin"));
        let other = w
            .chars()
            .any(|c| matches!(script(c), Some("Greek" | "Cyrillic")));
        latin && other
    })
    .map(|w| clip(w, 120).to_string())
}

/// Domains written in a text as words (`bank.example`, `www.Bank.example`), lowercase, whose
/// top-level domain is one of the common ones a brand uses (`data/sender/name-tlds.tsv`), so
/// that "St.Louis" or "v2.1" are not taken for one. At most five.
fn domains_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for word in text
        .split(|c: char| c.is_whitespace() || "\"'()<>[],;:!?".contains(c))
        .take(64)
    {
        let word = word.trim_matches(|c| c == '.' || c == '-');
        let labels: Vec<&str> = word.split('.').collect();
        if labels.len() < 2
            || word.len() > 253
            || labels
                .iter()
                .any(|l| l.is_empty() || !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        {
            continue;
        }
        let tld = labels[labels.len() - 1].to_ascii_lowercase();
        if tables::lookup_ci(NAME_TLDS, &[&tld]).is_some() {
            found.push(word.to_ascii_lowercase());
            if found.len() == 5 {
                break;
            }
        }
    }
    found
}

/// Addresses written inside a text (a display name), at most five.
pub(super) fn addresses_in(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let is_local = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b);
    let is_domain = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'.';
    let mut found = Vec::new();
    for (at, _) in text.match_indices('@').take(20) {
        let mut start = at;
        while start > 0 && is_local(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < bytes.len() && is_domain(bytes[end]) {
            end += 1;
        }
        let (Some(local), Some(domain)) = (text.get(start..at), text.get(at + 1..end)) else {
            continue;
        };
        let local = local.trim_matches('.');
        let domain = domain.trim_matches(|c| c == '.' || c == '-');
        let tld_ok = domain
            .rsplit('.')
            .next()
            .is_some_and(|t| t.len() >= 2 && t.bytes().all(|b| b.is_ascii_alphabetic()));
        if !local.is_empty() && domain.contains('.') && tld_ok {
            found.push(clip(&format!("{local}@{domain}"), 320).to_string());
            if found.len() == 5 {
                break;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::sender::tests::*;

    fn findings_for(from: &str) -> Vec<Finding> {
        run(&with(&newsletter(), "From:", from), NOW).1
    }

    #[test]
    fn bidi_controls_are_found_and_shown_escaped() {
        let f = findings_for("From: \"Invoice \u{202e}fdp.exe\" <x@evil.example>");
        let f = get(&f, "sender.display-name-bidi");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.title.contains("U+202E"), "{}", f.title);
        assert!(f.detail.contains("Invoice U+202Efdp.exe"), "{}", f.detail);
        assert!(!f.title.contains('\u{202e}') && !f.detail.contains('\u{202e}'));
        for c in ['\u{202a}', '\u{2066}', '\u{2069}', '\u{200e}', '\u{200f}'] {
            let f = findings_for(&format!("From: \"Bank{c} Support\" <x@evil.example>"));
            assert!(has(&f, "sender.display-name-bidi"), "{:X}", c as u32);
        }
    }

    #[test]
    fn zero_width_characters_are_found() {
        for c in ['\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}'] {
            let f = findings_for(&format!("From: \"Pay{c}Pal Service\" <x@evil.example>"));
            let f = get(&f, "sender.display-name-invisible");
            assert!(
                f.title.contains(&format!("U+{:04X}", c as u32)),
                "{}",
                f.title
            );
            assert!(
                f.detail.contains("The reader sees \"PayPal Service\""),
                "{}",
                f.detail
            );
        }
        // RFC 2047-encoded, so that it does not show in the raw header either.
        let f = findings_for("From: =?UTF-8?Q?Pay=E2=80=8BPal?= <x@evil.example>");
        assert!(has(&f, "sender.display-name-invisible"));
    }

    #[test]
    fn lookalike_at_and_dots() {
        let f = findings_for("From: \"support\u{ff20}bank.example\" <x@evil.example>");
        let a = get(&f, "sender.display-name-address");
        assert!(a.title.contains("support@bank.example"), "{}", a.title);
        let c = get(&f, "sender.display-name-confusable");
        assert!(c.title.contains("U+FF20"), "{}", c.title);
        assert!(
            c.detail.contains("supportU+FF20bank.example"),
            "{}",
            c.detail
        );
        let f = findings_for("From: \"service\u{fe6b}paypal\u{3002}example\" <x@evil.example>");
        let c = get(&f, "sender.display-name-confusable");
        assert!(c.title.contains("service@paypal.example"), "{}", c.title);
        assert!(c.title.contains("U+FE6B") && c.title.contains("U+3002"));
        // A fullwidth domain as the name.
        let f = findings_for("From: \"ｐａｙｐａｌ．ｃｏｍ\" <x@evil.example>");
        assert!(has(&f, "sender.display-name-domain"));
        assert!(has(&f, "sender.display-name-confusable"));
        // Fullwidth letters in a plain name are nothing.
        let f = findings_for("From: \"ＡＢＣ 株式会社\" <x@evil.example>");
        assert!(!has(&f, "sender.display-name-confusable"));
    }

    #[test]
    fn a_domain_as_the_name() {
        let f = findings_for("From: \"bank.example\" <x@evil.example>");
        let d = get(&f, "sender.display-name-domain");
        assert!(d.title.contains("bank.example") && d.title.contains("x@evil.example"));
        let f = findings_for("From: \"PayPal.com Security\" <x@evil.example>");
        assert!(has(&f, "sender.display-name-domain"));
        for fine in [
            "From: \"Shop.example News\" <news@mail.shop.example>",
            "From: \"St.Louis Office\" <x@evil.example>",
            "From: \"Release v2.1\" <x@evil.example>",
            "From: Ann Example <ann@sender.example>",
        ] {
            assert!(
                !has(&findings_for(fine), "sender.display-name-domain"),
                "{fine}"
            );
        }
    }

    #[test]
    fn mixed_scripts_in_one_word() {
        // Cyrillic a (U+0430) in "Pаypal".
        let f = findings_for("From: \"P\u{430}ypal Support\" <x@evil.example>");
        let m = get(&f, "sender.display-name-mixed-script");
        assert!(
            m.title.contains("Cyrillic") && m.title.contains("U+0430"),
            "{}",
            m.title
        );
        // Greek omicron.
        let f = findings_for("From: \"Micr\u{3bf}soft\" <x@evil.example>");
        assert!(
            get(&f, "sender.display-name-mixed-script")
                .title
                .contains("Greek")
        );
        for fine in [
            "From: \"Иван Петров\" <ivan@example.ru>",
            "From: \"Ελένη Smith\" <e@example.gr>",
            "From: \"José Müller\" <j@example.de>",
        ] {
            assert!(
                !has(&findings_for(fine), "sender.display-name-mixed-script"),
                "{fine}"
            );
        }
    }

    #[test]
    fn a_plain_name_gives_nothing_and_long_names_are_bounded() {
        let f = findings_for("From: Shop News <news@shop.example>");
        assert!(!f.iter().any(|f| f.code.starts_with("sender.display-name")));
        let long = format!(
            "From: \"{}\" <x@evil.example>",
            "a\u{200b}.com @\u{ff20} ".repeat(200)
        );
        let f = findings_for(&long);
        assert!(has(&f, "sender.display-name-invisible"));
        assert!(
            f.iter()
                .all(|f| f.detail.len() < 4000 && f.title.len() < 1000)
        );
    }
}
