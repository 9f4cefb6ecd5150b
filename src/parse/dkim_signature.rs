//! The DKIM-Signature header field parsed (RFC 6376 section 3.5), not verified: the tag=value
//! list (section 3.2: case-sensitive tag names, a duplicate tag makes the list invalid), the
//! required tags `v a b bh d h s`, `i=` within `d=`, `x=` later than `t=`, and the syntax of
//! each tag's value; RFC 8463 names ed25519-sha256. Both the sender checks
//! (`checks::sender`) and the verifier (`checks::dkim`) read signatures through it.
//!
//! Lenient and bounded: a damaged tag is skipped and the rest read; every departure from the RFC
//! is listed; at most 64 tags, 256 signed header names and 20 errors are kept, and a value is cut
//! at 1 KB (2 KB for `b=` and `bh=`). The quoted-printable in `i=` and `z=` is not decoded.

use crate::vocab::text::clip;
use serde::{Deserialize, Serialize};

/// At most this many tags are read from one DKIM-Signature.
const MAX_TAGS: usize = 64;
/// At most this many names are kept from `h=`.
const MAX_SIGNED_HEADERS: usize = 256;
/// At most this many syntax errors are kept per signature.
pub const MAX_ERRORS: usize = 20;
/// Bytes kept of an ordinary tag value.
const MAX_VALUE: usize = 1024;
/// Bytes kept of `b=` and `bh=` (an RSA-8192 signature is 1,368 characters).
const MAX_BASE64: usize = 2048;

/// A DKIM-Signature field (RFC 6376 section 3.5), parsed. Not verified here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DkimSignature {
    /// The field's first line in the input.
    pub line: u32,
    /// `v=`, the version (must be `1`).
    pub version: Option<String>,
    /// `a=`, the algorithm, lowercase (`rsa-sha256`, `ed25519-sha256`, `rsa-sha1`).
    pub algorithm: Option<String>,
    /// `d=`, the signing domain, lowercase.
    pub domain: Option<String>,
    /// `s=`, the selector (the key's name under `_domainkey`).
    pub selector: Option<String>,
    /// Header canonicalization from `c=` (`simple` when not written).
    pub header_canon: String,
    /// Body canonicalization from `c=` (`simple` when not written).
    pub body_canon: String,
    /// `h=`, the signed header field names, in order, as written (case kept).
    pub signed_headers: Vec<String>,
    /// `bh=`, the body hash (base64, white space removed).
    pub body_hash: Option<String>,
    /// `b=`, the signature (base64, white space removed).
    pub signature: Option<String>,
    /// `i=`, the signing identity.
    pub identity: Option<String>,
    /// `l=`, the number of body bytes signed.
    pub body_length: Option<u64>,
    /// `t=`, when it was signed (seconds since 1970).
    pub timestamp: Option<i64>,
    /// `x=`, when it expires (seconds since 1970).
    pub expiration: Option<i64>,
    /// `q=`, the key query methods.
    pub query_methods: Option<String>,
    /// Every tag as written (name, value with white space removed), for display.
    pub tags: Vec<(String, String)>,
    /// Departures from RFC 6376 that make verifiers reject the signature, each naming its tag.
    pub syntax_errors: Vec<String>,
}

/// RFC 6376 section 3.2 tag-list parse of one DKIM-Signature value (unfolded or not).
///
/// Lenient: a damaged tag is skipped and the rest are read; every departure from the RFC is
/// listed in [`DkimSignature::syntax_errors`].
pub fn parse_dkim_signature(value: &str, line: u32) -> DkimSignature {
    let mut sig = DkimSignature {
        line,
        header_canon: "simple".into(),
        body_canon: "simple".into(),
        ..DkimSignature::default()
    };
    let mut errors: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut specs = value.split(';').peekable();
    let mut tags = 0usize;
    let mut empty = 0usize;
    while let Some(spec) = specs.next() {
        let last = specs.peek().is_none();
        let spec = spec.trim_matches(is_fws);
        if spec.is_empty() {
            // A single trailing ";" is allowed; an empty tag anywhere else is not.
            if !last {
                empty += 1;
                if empty == 1 {
                    errors.push("an empty tag (two \";\" in a row, or a \";\" first)".into());
                }
            }
            continue;
        }
        tags += 1;
        if tags > MAX_TAGS {
            errors.push(format!("more than {MAX_TAGS} tags; the rest were not read"));
            break;
        }
        let Some((name, raw)) = spec.split_once('=') else {
            errors.push(format!(
                "`{}` has no \"=\": every tag must be name=value",
                clip(spec, 40)
            ));
            continue;
        };
        let name = name.trim_matches(is_fws);
        if !valid_tag_name(name) {
            errors.push(format!("`{}` is not a valid tag name", clip(name, 40)));
            continue;
        }
        if seen.iter().any(|s| s == name) {
            errors.push(format!(
                "tag {name}= appears more than once (that makes the whole signature invalid)"
            ));
            continue;
        }
        seen.push(name.to_string());
        if raw.chars().any(|c| c.is_control() && !is_fws(c)) {
            errors.push(format!("tag {name}= contains control characters"));
        }
        let limit = if name == "b" || name == "bh" {
            MAX_BASE64
        } else {
            MAX_VALUE
        };
        let compact = compact(raw, limit);
        sig.tags.push((name.to_string(), compact.clone()));
        apply_tag(&mut sig, name, raw, compact, &mut errors);
    }

    for required in ["v", "a", "b", "bh", "d", "h", "s"] {
        if !seen.iter().any(|s| s == required) {
            let hint = if seen.iter().any(|s| s.eq_ignore_ascii_case(required)) {
                format!(
                    " (a tag {}= is there, but tag names are case-sensitive)",
                    required.to_ascii_uppercase()
                )
            } else {
                String::new()
            };
            errors.push(format!("the required tag {required}= is missing{hint}"));
        }
    }
    if let (Some(t), Some(x)) = (sig.timestamp, sig.expiration)
        && x <= t
    {
        errors.push("x= (expiry) must be later than t= (signing time)".into());
    }
    if let (Some(identity), Some(domain)) = (&sig.identity, &sig.domain) {
        match identity.rsplit_once('@') {
            None => errors.push("i= must be an address-like identity (`@domain` at least)".into()),
            Some((_, idomain)) => {
                let idomain = idomain.trim_end_matches('.').to_ascii_lowercase();
                let domain = domain.trim_end_matches('.');
                if idomain != domain && !idomain.ends_with(&format!(".{domain}")) {
                    errors.push(format!(
                        "i= domain `{}` is not d= `{domain}` or a subdomain of it",
                        clip(&idomain, 80)
                    ));
                }
            }
        }
    }
    errors.truncate(MAX_ERRORS);
    sig.syntax_errors = errors;
    sig
}

/// Stores one tag's value in its field and checks its syntax.
fn apply_tag(
    sig: &mut DkimSignature,
    name: &str,
    raw: &str,
    compact: String,
    errors: &mut Vec<String>,
) {
    match name {
        "v" => {
            if compact != "1" {
                errors.push(format!("v= must be 1, not `{}`", clip(&compact, 40)));
            }
            sig.version = Some(compact);
        }
        "a" => {
            let lower = compact.to_ascii_lowercase();
            if !valid_algorithm_syntax(&lower) {
                errors.push(format!(
                    "a= `{}` is not an algorithm name (such as rsa-sha256)",
                    clip(&compact, 40)
                ));
            }
            sig.algorithm = Some(lower);
        }
        "b" | "bh" => {
            if let Some(problem) = base64_problem(raw) {
                errors.push(format!("{name}= {problem}"));
            }
            if name == "b" {
                sig.signature = Some(compact);
            } else {
                sig.body_hash = Some(compact);
            }
        }
        "c" => {
            let lower = compact.to_ascii_lowercase();
            let mut parts = lower.split('/');
            let header = parts.next().unwrap_or_default().to_string();
            let body = parts.next().map(str::to_string);
            if parts.next().is_some() {
                errors.push("c= has more than one \"/\"".into());
            }
            for canon in std::iter::once(&header).chain(body.iter()) {
                if canon != "simple" && canon != "relaxed" {
                    errors.push(format!(
                        "c= `{}` is not a known canonicalization (simple or relaxed)",
                        clip(canon, 40)
                    ));
                }
            }
            sig.header_canon = header;
            sig.body_canon = body.unwrap_or_else(|| "simple".into());
        }
        "d" => {
            let lower = compact.to_ascii_lowercase();
            if !plausible_domain(&lower) {
                errors.push(format!("d= `{}` is not a domain name", clip(&compact, 80)));
            }
            sig.domain = Some(lower);
        }
        "s" => {
            if !plausible_domain(&compact.to_ascii_lowercase()) {
                errors.push(format!(
                    "s= `{}` is not a selector name",
                    clip(&compact, 80)
                ));
            }
            sig.selector = Some(compact);
        }
        "h" => {
            let mut names = Vec::new();
            let mut empty = false;
            let mut bad = false;
            for item in raw.split(':') {
                let item = item.trim_matches(is_fws);
                if item.is_empty() {
                    empty = true;
                    continue;
                }
                if !item.bytes().all(|b| (33..=126).contains(&b) && b != b':') {
                    bad = true;
                }
                if names.len() < MAX_SIGNED_HEADERS {
                    names.push(clip(item, 100).to_string());
                }
            }
            if empty {
                errors.push("h= has an empty header name (\"::\" or a \":\" at an end)".into());
            }
            if bad {
                errors.push("h= has a header name with characters not allowed in one".into());
            }
            sig.signed_headers = names;
        }
        "i" => {
            if compact.is_empty() {
                errors.push("i= is empty".into());
            }
            sig.identity = Some(compact);
        }
        "l" => match parse_digits(&compact, 76) {
            Some(digits) => match digits.parse::<u64>() {
                Ok(n) => sig.body_length = Some(n),
                Err(_) => errors.push("l= is too large a number".into()),
            },
            None => errors.push(format!(
                "l= `{}` is not a number of bytes",
                clip(&compact, 40)
            )),
        },
        "t" | "x" => {
            let seconds = parse_digits(&compact, 12).and_then(|d| d.parse::<i64>().ok());
            match seconds {
                Some(n) if name == "t" => sig.timestamp = Some(n),
                Some(n) => sig.expiration = Some(n),
                None => errors.push(format!(
                    "{name}= `{}` is not a time (seconds since 1970, at most 12 digits)",
                    clip(&compact, 40)
                )),
            }
        }
        "q" => {
            if !compact
                .split(':')
                .any(|m| m.eq_ignore_ascii_case("dns/txt") || m.eq_ignore_ascii_case("dns"))
            {
                errors.push(format!(
                    "q= `{}` does not offer dns/txt, the only way to fetch a key",
                    clip(&compact, 40)
                ));
            }
            sig.query_methods = Some(compact);
        }
        _ => {}
    }
}

/// Folding white space characters (RFC 6376 FWS: space, tab, CR, LF).
fn is_fws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// RFC 6376 tag-name: ALPHA *ALNUMPUNC.
fn valid_tag_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// RFC 6376 sig-a-tag-alg: `k-h` with each part ALPHA *(ALPHA / DIGIT).
pub(crate) fn valid_algorithm_syntax(alg: &str) -> bool {
    let part = |p: &str| {
        let mut b = p.bytes();
        b.next().is_some_and(|c| c.is_ascii_alphabetic()) && b.all(|c| c.is_ascii_alphanumeric())
    };
    alg.split_once('-').is_some_and(|(k, h)| part(k) && part(h))
}

/// A domain-like name: labels of letters, digits, `-` and `_` (or any non-ASCII), no empty
/// label.
fn plausible_domain(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name.trim_end_matches('.').split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || !c.is_ascii())
        })
}

/// What is wrong with a base64 value (white space ignored), if anything.
fn base64_problem(raw: &str) -> Option<&'static str> {
    let mut count = 0usize;
    let mut padding = 0usize;
    for c in raw.chars().filter(|c| !is_fws(*c)) {
        if c == '=' {
            padding += 1;
        } else if padding > 0 {
            return Some("is not valid base64 (\"=\" in the middle)");
        } else if !(c.is_ascii_alphanumeric() || c == '+' || c == '/') {
            return Some("is not valid base64 (a character outside A-Z a-z 0-9 + /)");
        }
        count += 1;
    }
    if count == 0 {
        return Some("is empty");
    }
    if padding > 2 || !count.is_multiple_of(4) {
        return Some("is not valid base64 (wrong length or padding)");
    }
    None
}

/// The digits of a value of at most `max` digits.
fn parse_digits(value: &str, max: usize) -> Option<&str> {
    (!value.is_empty() && value.len() <= max && value.bytes().all(|b| b.is_ascii_digit()))
        .then_some(value)
}

/// A value with FWS removed, at most `max` bytes (marked with "…" when cut).
fn compact(raw: &str, max: usize) -> String {
    let mut out = String::new();
    for c in raw.chars().filter(|c| !is_fws(*c)) {
        if out.len() + c.len_utf8() > max {
            out.push('…');
            break;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const B: &str =
        "CzBVep/E6Q4zWH2ix+wRNluApcrvFDleg6jN8hc8YYar0PUaP2SJrtP4HUJnjLHW+yBFao
         +02f4jSG2St9wBJktwlbrfBClOc5i94gcsUXabwOUKL1R5nsPoDTJXfKHG6xA1Wn+kye4T
         OF2Cp8zxFjtgharP9Bk+Y4it0vccQWaLsNX6H0RpjrPY/SJHbJG22wAlSm+Uud4DKE1yl7
         zhBitQdZq/5AkuU3idwucMMVZ7oMXqDzRZfqPI7RI3XIGmy/AVOl+Eqc7zGD1ih6zR9htA
         ZYqv1PkeQ2iNstf8IUZrkLXa/yRJbpO43QInTHGWu+AFKk90mb7jCC1Sd5zB5g==";
    pub(crate) const BH: &str = "LXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE=";

    #[test]
    fn dkim_parse_of_a_real_shaped_signature() {
        let value = format!(
            " v=1; a=RSA-SHA256; c=relaxed/simple;\n        d=Mail.Example.COM; s=sel-2024.eu; t=1704189606; x=1704794406;\n        i=news@bounce.mail.example.com; l=1200; q=dns/txt;\n        h=From:To:Subject:Date : Message-ID:\n         List-Unsubscribe:From;\n        bh={BH};\n        b={B};"
        );
        let sig = parse_dkim_signature(&value, 7);
        assert_eq!(sig.syntax_errors, Vec::<String>::new());
        assert_eq!(sig.line, 7);
        assert_eq!(sig.version.as_deref(), Some("1"));
        assert_eq!(sig.algorithm.as_deref(), Some("rsa-sha256"));
        assert_eq!(sig.domain.as_deref(), Some("mail.example.com"));
        assert_eq!(sig.selector.as_deref(), Some("sel-2024.eu"));
        assert_eq!(sig.header_canon, "relaxed");
        assert_eq!(sig.body_canon, "simple");
        assert_eq!(
            sig.signed_headers,
            [
                "From",
                "To",
                "Subject",
                "Date",
                "Message-ID",
                "List-Unsubscribe",
                "From"
            ]
        );
        assert_eq!(sig.body_hash.as_deref(), Some(BH));
        let b: String = B.split_whitespace().collect();
        assert_eq!(b.len(), 344);
        assert_eq!(sig.signature.as_deref(), Some(b.as_str()));
        assert_eq!(
            sig.identity.as_deref(),
            Some("news@bounce.mail.example.com")
        );
        assert_eq!(sig.body_length, Some(1200));
        assert_eq!(sig.timestamp, Some(1_704_189_606));
        assert_eq!(sig.expiration, Some(1_704_794_406));
        assert_eq!(sig.query_methods.as_deref(), Some("dns/txt"));
        let names: Vec<&str> = sig.tags.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "v", "a", "c", "d", "s", "t", "x", "i", "l", "q", "h", "bh", "b"
            ]
        );
        assert_eq!(
            sig.tags[1].1, "RSA-SHA256",
            "tags keep the value as written"
        );
        assert_eq!(
            sig.tags[10].1,
            "From:To:Subject:Date:Message-ID:List-Unsubscribe:From"
        );
        // Defaults.
        let sig = parse_dkim_signature(
            &format!("v=1; a=ed25519-sha256; d=example.org; s=ed; h=from; bh={BH}; b={BH}"),
            1,
        );
        assert!(sig.syntax_errors.is_empty(), "{:?}", sig.syntax_errors);
        assert_eq!(
            (sig.header_canon.as_str(), sig.body_canon.as_str()),
            ("simple", "simple")
        );
        let sig = parse_dkim_signature(
            &format!("v=1; a=rsa-sha256; c=relaxed; d=example.org; s=ed; h=from; bh={BH}; b={BH}"),
            1,
        );
        assert_eq!(
            (sig.header_canon.as_str(), sig.body_canon.as_str()),
            ("relaxed", "simple")
        );
    }

    #[test]
    fn dkim_syntax_errors() {
        let sig = parse_dkim_signature("", 1);
        assert_eq!(sig.syntax_errors.len(), 7);
        assert!(sig.syntax_errors.iter().any(|e| e.contains("bh=")));

        let sig = parse_dkim_signature(
            &format!(
                "v=2; a=rsa-sha256; a=rsa-sha1; D=example.com; s=x; h=from::to; bh={BH}; b=abc$; c=fancy/relaxed; t=200; x=100; l=12a; i=a@other.example; junk;; 9x=1"
            ),
            3,
        );
        let errors = sig.syntax_errors.join("\n");
        for expected in [
            "v= must be 1",
            "tag a= appears more than once",
            "the required tag d= is missing (a tag D= is there, but tag names are case-sensitive)",
            "h= has an empty header name",
            "b= is not valid base64",
            "c= `fancy` is not a known canonicalization",
            "x= (expiry) must be later than t=",
            "l= `12a` is not a number",
            "`junk` has no \"=\"",
            "an empty tag",
            "`9x` is not a valid tag name",
        ] {
            assert!(
                errors.contains(expected),
                "missing {expected:?} in\n{errors}"
            );
        }
        assert_eq!(
            sig.algorithm.as_deref(),
            Some("rsa-sha256"),
            "the first of a duplicate wins"
        );
        assert_eq!(sig.signed_headers, ["from", "to"]);
        assert_eq!(sig.domain, None);

        let sig = parse_dkim_signature(
            &format!(
                "v=1; a=rsa-sha256; d=example.com; s=x; h=from; bh={BH}; b=; i=a@other.example; q=http/well-known; x=99999999999999"
            ),
            3,
        );
        let errors = sig.syntax_errors.join("\n");
        for expected in [
            "b= is empty",
            "i= domain `other.example` is not d= `example.com`",
            "q= `http/well-known` does not offer dns/txt",
            "x= `99999999999999` is not a time",
        ] {
            assert!(
                errors.contains(expected),
                "missing {expected:?} in\n{errors}"
            );
        }
        // i= in a subdomain of d= is fine; a trailing ";" is fine.
        let sig = parse_dkim_signature(
            &format!(
                "v=1; a=rsa-sha256; d=example.com; s=x; h=from; bh={BH}; b={BH}; i=@news.example.com;"
            ),
            3,
        );
        assert!(sig.syntax_errors.is_empty(), "{:?}", sig.syntax_errors);
    }

    #[test]
    fn small_parsers() {
        assert_eq!(base64_problem(BH), None);
        assert_eq!(base64_problem(B), None);
        assert!(base64_problem("abc").is_some());
        assert!(base64_problem("ab=c").is_some());
        assert!(base64_problem("a===").is_some());
        assert_eq!(compact("a b\n c", 100), "abc");
        assert_eq!(compact(&"x".repeat(2000), 10), "xxxxxxxxxx…");
    }

    #[test]
    fn huge_values_are_bounded() {
        let huge = format!(
            "v=1; a=rsa-sha256; d=example.com; s=s; h={}; bh={BH}; b={}; z={}",
            "from:".repeat(100_000),
            "A".repeat(1_000_000),
            "x".repeat(1_000_000)
        );
        let sig = parse_dkim_signature(&huge, 1);
        assert_eq!(sig.signed_headers.len(), MAX_SIGNED_HEADERS);
        assert!(
            sig.signature
                .as_ref()
                .is_some_and(|b| b.len() <= MAX_BASE64 + 3)
        );
        assert!(sig.tags.iter().all(|(_, v)| v.len() <= MAX_BASE64 + 3));
        assert!(
            sig.syntax_errors
                .iter()
                .any(|e| e.contains("h= has an empty header name"))
        );
        let sig = parse_dkim_signature(&";".repeat(1_000_000), 1);
        assert!(sig.syntax_errors.len() <= MAX_ERRORS);
        assert_eq!(
            sig.syntax_errors
                .iter()
                .filter(|e| e.contains("empty tag"))
                .count(),
            1
        );
        let many_tags: String = (0..10_000).map(|i| format!("t{i}=1;")).collect();
        let sig = parse_dkim_signature(&many_tags, 1);
        assert_eq!(sig.tags.len(), MAX_TAGS);
        assert!(
            sig.syntax_errors
                .iter()
                .any(|e| e.contains("more than 64 tags"))
        );
    }
}
