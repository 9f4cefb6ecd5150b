//! The existing domain a payment request's sender domain may imitate.
//!
//! Invoice and payment fraud writes from a domain registered to read like a known supplier's:
//! the supplier's name with a word joined by a hyphen or a hyphen added or left out
//! ("stahlhandel-brandt-gmbh" for "stahlhandel-brandt", "halden-timber" for "haldentimber"), two
//! letters swapped ("logisytka" for "logistyka"), letters that look alike ("rn" for "m"), or
//! one letter changed from the name the mail signs with ("Brennwerk Technik" from
//! "brennwerk-tecknik"). Microsoft Defender's domain impersonation protection and Mimecast's
//! similar-domain checks compare a sender's domain with a list of known domains in these ways;
//! the known domain here is one that exists: each spelling the sender domain may be a variant
//! of is asked for its MX records, and one that receives mail at other servers than the sender
//! domain (another organization's mail system) is the domain imitated. Authentication cannot
//! tell this: SPF, DKIM and DMARC pass for the look-alike domain its owner set up.
//!
//! Asked only for a request about payment details (its subject or the customer's words name
//! bank details, an IBAN or an account change), and at most [`MAX_CANDIDATES`] names.
//! An internationalized label (`xn--`) is decoded (RFC 3492): written with letters of another
//! alphabet that look Latin, the domain it shows on screen is the one asked about.

use super::{Ctx, Got, Lookup};
use crate::dns::{Answers, Question, RData, RecordType, Step};
use crate::vocab::domain::org_domain;
use serde::{Deserialize, Serialize};

/// At most this many spellings are asked about.
pub const MAX_CANDIDATES: usize = 40;

/// The shortest label read for variants: a short name has too many real neighbours.
const MIN_LABEL: usize = 6;

/// Words that name a change of payment details, in the languages of the customers' tickets
/// (English, German, French, Italian, Spanish, Portuguese, Dutch, Polish, Czech, Swedish,
/// Danish and Norwegian).
const PAYMENT_WORDS: &[&str] = &[
    "bank details",
    "banking details",
    "bank account",
    "account details",
    "remittance details",
    "payment details",
    "iban",
    "bankverbindung",
    "kontoverbindung",
    "bankdaten",
    "coordonnées bancaires",
    "dati bancari",
    "coordinate bancarie",
    "conto corrente",
    "datos bancarios",
    "cuenta bancaria",
    "dados bancários",
    "conta bancária",
    "bankgegevens",
    "rekeningnummer",
    "numer rachunku",
    "numeru rachunku",
    "rachunek bankowy",
    "číslo účtu",
    "bankovní spojení",
    "bankkonto",
    "kontonummer",
    "bankuppgifter",
    "kontooplysninger",
];

/// Whether the text asks for payment details to change or names them.
pub fn names_payment_details(text: &str) -> bool {
    let lower = text.to_lowercase();
    PAYMENT_WORDS.iter().any(|w| lower.contains(w))
}

/// The domain a sender domain imitates: it exists and receives mail at other servers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Imitated {
    /// The sender's (organizational) domain.
    pub domain: String,
    /// The existing domain it reads like.
    pub imitates: String,
    /// How the two spellings differ, in words.
    pub how: String,
    /// The MX hosts of the imitated domain.
    pub mx: Vec<String>,
    /// The DNS answer that shows it.
    pub evidence: Lookup,
}

/// The spellings `domain` (an organizational domain) may be a variant of, with how each
/// differs, at most [`MAX_CANDIDATES`]; `name` is the From field's display name.
pub fn candidates(domain: &str, name: Option<&str>) -> Vec<(String, &'static str)> {
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    let Some((label, rest)) = domain.split_once('.') else {
        return Vec::new();
    };
    // An internationalized label written with letters of another alphabet that look Latin
    // (a Cyrillic "і" for "i"): the domain it shows on screen is the one asked about.
    if let Some(look) = crate::vocab::domain::idn_latin_look(label) {
        return if look.len() >= 4 && look != label {
            vec![(
                format!("{look}.{rest}"),
                "written with letters of another alphabet that look the same",
            )]
        } else {
            Vec::new()
        };
    }
    if label.len() < MIN_LABEL
        || label.starts_with("xn--")
        || !label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Vec::new();
    }
    let mut out: Vec<(String, &'static str)> = Vec::new();
    let mut add = |l: String, how: &'static str| {
        let valid = l.len() >= 4
            && !l.starts_with('-')
            && !l.ends_with('-')
            && !l.contains("--")
            && l != label;
        let d = format!("{l}.{rest}");
        if valid && out.len() < MAX_CANDIDATES && !out.iter().any(|(c, _)| *c == d) {
            out.push((d, how));
        }
    };
    let words: Vec<&str> = label.split('-').collect();
    // A word joined by a hyphen before or after the name.
    if words.len() >= 2 {
        add(words[1..].join("-"), "with a word added");
        add(words[..words.len() - 1].join("-"), "with a word added");
    }
    // A hyphen left out or added.
    if words.len() >= 2 {
        add(words.concat(), "with a hyphen added");
        for i in 1..words.len() {
            let joined = format!(
                "{}{}{}",
                words[..i].join("-"),
                words[i],
                if i + 1 < words.len() {
                    format!("-{}", words[i + 1..].join("-"))
                } else {
                    String::new()
                }
            );
            add(joined, "with a hyphen added");
        }
    }
    // Letters that look alike (Unicode UTS #39 confusables: "rn" for "m", "vv" for "w", digit
    // 0 for "o", digit 1 for "l").
    let skeleton = label
        .replace("rn", "m")
        .replace("vv", "w")
        .replace('0', "o")
        .replace('1', "l");
    add(skeleton, "spelt with letters that look alike");
    // One letter changed from the name the message signs with: the name's words run
    // together against the label's letters, of the same length, one letter apart.
    if let Some(name) = name {
        let letters: Vec<u8> = label.bytes().filter(|b| *b != b'-').collect();
        for run in crate::vocab::text::name_word_runs(name) {
            let r = run.as_bytes();
            if r.len() != letters.len() {
                continue;
            }
            let diff: Vec<usize> = (0..r.len()).filter(|&k| r[k] != letters[k]).collect();
            if let [k] = diff[..] {
                // The letter at index k of the letters, in the label (hyphens kept).
                let mut seen = 0;
                let mut fixed = String::with_capacity(label.len());
                for c in label.chars() {
                    if c == '-' {
                        fixed.push(c);
                        continue;
                    }
                    fixed.push(if seen == k { r[k] as char } else { c });
                    seen += 1;
                }
                add(
                    fixed,
                    "with one letter changed (the sender's name spells it the other way)",
                );
            }
        }
    }
    // Two neighbouring letters swapped.
    let b = label.as_bytes();
    for i in 0..b.len().saturating_sub(1) {
        if b[i] != b[i + 1] && b[i] != b'-' && b[i + 1] != b'-' {
            let mut s = b.to_vec();
            s.swap(i, i + 1);
            add(
                String::from_utf8_lossy(&s).into_owned(),
                "with two letters swapped",
            );
        }
    }
    out
}

/// Asks for the MX records of each candidate; the first (in the candidates' order) that has
/// MX records none of whose hosts' organizations is one of `sender_mx`'s (the sender domain's
/// own MX hosts) is the domain imitated. A failed lookup counts as no answer.
pub fn check(
    domain: &str,
    candidates: &[(String, &'static str)],
    sender_mx: &[String],
    answers: &dyn Answers,
) -> Step<Option<Imitated>> {
    let mut ctx = Ctx::new(answers);
    let result = eval(domain, candidates, sender_mx, &mut ctx);
    ctx.finish(result)
}

/// [`check`] as it stands.
pub fn check_snapshot(
    domain: &str,
    candidates: &[(String, &'static str)],
    sender_mx: &[String],
    answers: &dyn Answers,
) -> Option<Imitated> {
    eval(domain, candidates, sender_mx, &mut Ctx::new(answers))
}

fn host_org(host: &str) -> String {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    org_domain(&h).unwrap_or(h)
}

fn eval(
    domain: &str,
    candidates: &[(String, &'static str)],
    sender_mx: &[String],
    ctx: &mut Ctx,
) -> Option<Imitated> {
    let own: Vec<String> = sender_mx.iter().map(|h| host_org(h)).collect();
    let mut found = None;
    for (candidate, how) in candidates.iter().take(MAX_CANDIDATES) {
        let q = Question::new(candidate, RecordType::Mx);
        let Got::Data(data) = ctx.ask(&q) else {
            continue;
        };
        let hosts: Vec<String> = data
            .iter()
            .filter_map(|r| match r {
                RData::Mx { exchange, .. } if !exchange.trim_end_matches('.').is_empty() => {
                    Some(exchange.trim_end_matches('.').to_ascii_lowercase())
                }
                _ => None,
            })
            .take(super::mx::MAX_MX)
            .collect();
        if found.is_none() && !hosts.is_empty() && hosts.iter().all(|h| !own.contains(&host_org(h)))
        {
            found = Some(Imitated {
                domain: domain.to_string(),
                imitates: candidate.clone(),
                how: (*how).to_string(),
                mx: hosts,
                evidence: ctx.lookup(&q),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(domain: &str, name: Option<&str>) -> Vec<String> {
        candidates(domain, name)
            .into_iter()
            .map(|(d, _)| d)
            .collect()
    }

    #[test]
    fn variants_of_a_look_alike_include_the_real_spelling() {
        assert!(
            names("stahlhandel-brandt-gmbh.example", None)
                .contains(&"stahlhandel-brandt.example".to_string())
        );
        assert!(names("halden-timber.example", None).contains(&"haldentimber.example".to_string()));
        assert!(
            names("transbud-logisytka.example", None)
                .contains(&"transbud-logistyka.example".to_string())
        );
        assert!(
            names("rnorgan-timber.example", None).contains(&"morgan-timber.example".to_string())
        );
        assert!(
            names(
                "brennwerk-tecknik.example",
                Some("Brennwerk Technik GmbH – Buchhaltung")
            )
            .contains(&"brennwerk-technik.example".to_string())
        );
    }

    #[test]
    fn short_and_international_labels_give_no_variants_and_the_count_is_bounded() {
        assert!(names("abc.example", None).is_empty());
        // A Czech name in its own letters ("mlýn") shows no Latin look-alike.
        assert!(names("xn--mln-kratochvil-wsb.example", None).is_empty());
        // Written with a Cyrillic "о" (RFC 3492: "mlyn-kratоchvil"), it reads as the Latin name.
        assert_eq!(
            names("xn--mlyn-kratchvil-3zl.example", None),
            vec!["mlyn-kratochvil.example".to_string()]
        );
        let long = format!("{}.example", "abcdefghij-".repeat(6).trim_end_matches('-'));
        assert!(candidates(&long, Some(&"word ".repeat(40))).len() <= MAX_CANDIDATES);
    }

    #[test]
    fn payment_words_are_read_in_several_languages() {
        assert!(names_payment_details("Änderung unserer Bankverbindung"));
        assert!(names_payment_details(
            "RE: Invoice 4 - updated bank details"
        ));
        assert!(names_payment_details(
            "Faktura VAT – zmiana numeru rachunku"
        ));
        assert!(!names_payment_details("Invoice 4 attached"));
    }
}
