//! Receiving providers' own codes (`data/bounce/providers.tsv`, each row with the provider's
//! published document) read before the phrases and the status code: step 3 of the decision
//! order in `data/bounce/README.md`. A row decides when its provider is identified (one of its
//! `host` rows occurs in the remote host or in the reply, or one of its identifying rows, reason
//! `-`, in the reply), or on its own when it is a provider's tag (one token: `[tss04]`,
//! `aup#cxbl`) or a code outside the IANA registry (`data/bounce/status.tsv`; Microsoft's
//! `5.7.509` means nothing else). The longest matching pattern wins. Also the reply made ready
//! for matching ([`normalize`], README "Normalizing a reply").

use super::Reason;
use crate::vocab::tables::bounce::{PROVIDERS, STATUS};
use std::sync::OnceLock;

/// One pattern of `providers.tsv` made ready for matching.
struct Pattern {
    /// Index of its provider among the distinct provider names (row order).
    provider: usize,
    /// `None` for a row that only identifies its provider (reason `-`).
    reason: Option<Reason>,
    /// A `host` row: plain substring of the remote host or of the reply.
    host: bool,
    /// Decides without its provider identified: a one-token tag or a non-registry code.
    alone: bool,
    /// Its length without the `*`s: the longest match wins.
    len: usize,
    /// The pattern as written (a `host` row's whole text).
    text: &'static str,
    /// The literal pieces between the `*`s (none empty).
    pieces: Vec<&'static [u8]>,
}

/// The patterns in row order, and the ids of those whose first piece starts with each pair of
/// bytes (folded into [`BUCKETS`] buckets): one pass over a reply meets only the patterns that
/// can start at each position.
struct Index {
    patterns: Vec<Pattern>,
    buckets: Vec<Vec<u16>>,
    /// Patterns whose first piece is a single byte (none today): matched with [`found_in`].
    short: Vec<u16>,
    /// The `host` patterns, for the remote host's name.
    hosts: Vec<u16>,
}

const BUCKETS: usize = 4096;

fn key(a: u8, b: u8) -> usize {
    (usize::from(a & 0x3f) << 6) | usize::from(b & 0x3f)
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut names: Vec<&str> = Vec::new();
        let mut idx = Index {
            patterns: Vec::new(),
            buckets: vec![Vec::new(); BUCKETS],
            short: Vec::new(),
            hosts: Vec::new(),
        };
        // Rows with the same provider, kind and reason come as one, their patterns joined by `|`.
        for [name, kind, reason, patterns] in PROVIDERS.rows() {
            let provider = names.iter().position(|n| *n == name).unwrap_or_else(|| {
                names.push(name);
                names.len() - 1
            });
            let reason = Reason::from_name(reason);
            let host = kind == "host";
            for pattern in patterns.split('|') {
                let pieces: Vec<&'static [u8]> = pattern
                    .split('*')
                    .filter(|p| !p.is_empty())
                    .map(str::as_bytes)
                    .collect();
                let Some(first) = pieces.first() else {
                    continue;
                };
                let Ok(id) = u16::try_from(idx.patterns.len()) else {
                    break;
                };
                let coded = pattern.starts_with(|c: char| c.is_ascii_digit());
                // A host row never decides; a reply row with reason `-` only identifies.
                let reason = if host { None } else { reason };
                match first {
                    [a, b, ..] => {
                        if let Some(v) = idx.buckets.get_mut(key(*a, *b)) {
                            v.push(id);
                        }
                    }
                    _ => idx.short.push(id),
                }
                if host {
                    idx.hosts.push(id);
                }
                idx.patterns.push(Pattern {
                    provider,
                    reason,
                    host,
                    alone: (!coded && !pattern.contains(' ')) || (coded && !registry_code(pattern)),
                    len: pattern.len() - pattern.matches('*').count(),
                    text: pattern,
                    pieces,
                });
            }
        }
        idx
    })
}

/// The reason the provider's own rows give the normalized `reply` ([`normalize`]), with the
/// remote host (lowercase) when known.
pub fn reason(reply: &str, host: Option<&str>) -> Option<Reason> {
    let idx = index();
    let t = reply.as_bytes();
    // The patterns found in the reply, by id (few: no allocation when none).
    let mut found: Vec<u16> = Vec::new();
    // Patterns of several pieces that decide only for their provider, with the first place
    // their first piece stands: the rest is looked for once the providers are known.
    let mut pending: Vec<(u16, usize)> = Vec::new();
    for (i, pair) in t.windows(2).enumerate() {
        let Some(bucket) = idx.buckets.get(key(pair[0], pair[1])) else {
            continue;
        };
        for &id in bucket {
            let Some(p) = idx.patterns.get(usize::from(id)) else {
                continue;
            };
            if found.contains(&id) {
                continue;
            }
            let hit = if p.host {
                t.get(i..).is_some_and(|r| r.starts_with(p.text.as_bytes()))
            } else if p.pieces.len() > 1 && p.reason.is_some() && !p.alone {
                // The earliest start leaves the most room for the later pieces.
                if !pending.iter().any(|(q, _)| *q == id)
                    && let Some(first) = p.pieces.first()
                    && t.get(i..).is_some_and(|r| r.starts_with(first))
                    && stands(t, i, first, true, false)
                {
                    pending.push((id, i));
                }
                false
            } else {
                starts_here(t, i, &p.pieces)
            };
            if hit {
                found.push(id);
            }
        }
    }
    for &id in &idx.short {
        if let Some(p) = idx.patterns.get(usize::from(id))
            && (p.host && reply.contains(p.text) || !p.host && found_in_pieces(t, &p.pieces))
        {
            found.push(id);
        }
    }
    // The providers identified: a host row in the remote host or the reply, or an
    // identifying reply row in the reply.
    let mut known = 0u64;
    let mut mark = |p: &Pattern| known |= 1u64 << (p.provider % 64);
    for &id in &found {
        if let Some(p) = idx.patterns.get(usize::from(id))
            && p.reason.is_none()
        {
            mark(p);
        }
    }
    if let Some(h) = host {
        for &id in &idx.hosts {
            if let Some(p) = idx.patterns.get(usize::from(id))
                && h.contains(p.text)
            {
                mark(p);
            }
        }
    }
    for (id, i) in pending {
        if let Some(p) = idx.patterns.get(usize::from(id))
            && known & (1u64 << (p.provider % 64)) != 0
            && starts_here(t, i, &p.pieces)
        {
            found.push(id);
        }
    }
    // The longest deciding pattern wins; of equal lengths, the first row.
    let mut best: Option<(usize, u16, Reason)> = None;
    for &id in &found {
        let Some(p) = idx.patterns.get(usize::from(id)) else {
            continue;
        };
        let Some(r) = p.reason else { continue };
        let own = p.alone || known & (1u64 << (p.provider % 64)) != 0;
        if own && best.is_none_or(|(l, b, _)| p.len > l || p.len == l && id < b) {
            best = Some((p.len, id, r));
        }
    }
    best.map(|(_, _, r)| r)
}

/// Whether a coded pattern's enhanced status code (`550*5.7.25` -> `5.7.25`) is in the IANA
/// registry (a row of `status.tsv`).
fn registry_code(pattern: &str) -> bool {
    let code = pattern
        .split(['*', ' '])
        .find(|p| p.contains('.'))
        .unwrap_or("");
    STATUS.rows().any(|[s]| s == code)
}

/// Whether `piece` stands at `i` in `text`: a piece of four bytes or fewer has no letter or
/// digit beside it, and no piece starts or ends inside a number (`5.1.1` is not in `5.1.10`).
fn stands(text: &[u8], i: usize, piece: &[u8], first: bool, last: bool) -> bool {
    let before = i.checked_sub(1).and_then(|j| text.get(j)).copied();
    let after = text.get(i + piece.len()).copied();
    let alnum = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let digit = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_digit());
    let short = piece.len() <= 4;
    !(first && short && alnum(before)
        || last && short && alnum(after)
        || first
            && piece.first().is_some_and(u8::is_ascii_digit)
            && (digit(before) || before == Some(b'.'))
        || last
            && piece.last().is_some_and(u8::is_ascii_digit)
            && (digit(after)
                || after == Some(b'.')
                    && text
                        .get(i + piece.len() + 1)
                        .is_some_and(u8::is_ascii_digit)))
}

fn find_from(text: &[u8], from: usize, piece: &[u8]) -> Option<usize> {
    text.get(from..)?
        .windows(piece.len())
        .position(|w| w == piece)
        .map(|i| from + i)
}

/// Whether `pattern` occurs in `text`: `*` stands for any run of characters, the literal
/// pieces in order, edges as [`stands`] says.
pub fn found_in(text: &str, pattern: &str) -> bool {
    let pieces: Vec<&[u8]> = pattern
        .split('*')
        .filter(|p| !p.is_empty())
        .map(str::as_bytes)
        .collect();
    found_in_pieces(text.as_bytes(), &pieces)
}

fn found_in_pieces(t: &[u8], pieces: &[&[u8]]) -> bool {
    let Some(first) = pieces.first() else {
        return false;
    };
    let mut from = 0;
    while let Some(i) = find_from(t, from, first) {
        if starts_here(t, i, pieces) {
            return true;
        }
        from = i + 1;
    }
    false
}

/// Whether the pattern made of `pieces` occurs with its first piece at `i`: the first piece
/// stands there and each later piece stands somewhere after the one before (the first such
/// place, which leaves the most room for the rest).
fn starts_here(t: &[u8], i: usize, pieces: &[&[u8]]) -> bool {
    let n = pieces.len();
    let Some(first) = pieces.first() else {
        return false;
    };
    if !t.get(i..).is_some_and(|r| r.starts_with(first)) || !stands(t, i, first, true, n == 1) {
        return false;
    }
    let mut pos = i + first.len();
    for (k, piece) in pieces.iter().enumerate().skip(1) {
        let mut f = pos;
        loop {
            let Some(j) = find_from(t, f, piece) else {
                return false;
            };
            if stands(t, j, piece, false, k + 1 == n) {
                pos = j + piece.len();
                break;
            }
            f = j + 1;
        }
    }
    true
}

/// The remote server's words made ready for the tables (README "Normalizing a reply"): one
/// space for each run of whitespace, lowercase ASCII, and the continuation prefixes of a
/// multi-line reply (`550-5.7.1 ` and `550 5.7.1 ` again on every later line; RFC 5321 4.2.1,
/// RFC 2034) dropped after the first line's, so that a phrase wrapped across lines is found.
pub fn normalize(words: &str) -> String {
    let mut out = String::with_capacity(words.len());
    for w in words.split_ascii_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out.make_ascii_lowercase();
    let Some(code) = super::scan::reply_code(&out) else {
        return out;
    };
    let code = code.to_string();
    let Some(first) = out.find(&code) else {
        return out;
    };
    let status = super::scan::status(out.get(first..).unwrap_or(""));
    // Keep the first line's codes; drop each later "NNN-" / "NNN " with the status after it.
    let head_end = (first + code.len() + 1).min(out.len());
    let mut result = String::with_capacity(out.len());
    result.push_str(out.get(..head_end).unwrap_or(""));
    let mut rest = out.get(head_end..).unwrap_or("");
    if let Some(s) = &status
        && let Some(r) = rest.strip_prefix(s.as_str())
    {
        result.push_str(s);
        rest = r;
    }
    while let Some(i) = rest.find(code.as_str()) {
        let (before, at) = rest.split_at(i);
        result.push_str(before);
        let line_start = before.is_empty() || before.ends_with(' ');
        if line_start && matches!(at.as_bytes().get(code.len()), Some(b'-' | b' ')) {
            let mut after = at.get(code.len() + 1..).unwrap_or("");
            if let Some(s) = &status
                && let Some(r) = after.strip_prefix(s.as_str())
            {
                after = r.strip_prefix(' ').unwrap_or(r);
            }
            rest = after;
        } else {
            result.push_str(&code);
            rest = at.get(code.len()..).unwrap_or("");
        }
    }
    result.push_str(rest);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The providers identified are kept as bits of a u64: at most 64 providers.
    #[test]
    fn at_most_64_providers() {
        let idx = index();
        assert!(idx.patterns.iter().all(|p| p.provider < 64));
    }

    /// The step as first written (every pattern of every row scanned with [`found_in`]): the
    /// index must give the same answers.
    fn reason_by_scan(reply: &str, host: Option<&str>) -> Option<Reason> {
        let rows = || {
            PROVIDERS.rows().flat_map(|[name, kind, reason, patterns]| {
                patterns.split('|').map(move |p| (name, kind, reason, p))
            })
        };
        let mut known: Vec<&str> = Vec::new();
        for (name, kind, reason, pattern) in rows() {
            let identifies = match kind {
                "host" => host.is_some_and(|h| h.contains(pattern)) || reply.contains(pattern),
                _ => reason == "-" && found_in(reply, pattern),
            };
            if identifies && !known.contains(&name) {
                known.push(name);
            }
        }
        let mut best: Option<(usize, Reason)> = None;
        for (name, kind, reason, pattern) in rows() {
            if kind != "reply" || reason == "-" {
                continue;
            }
            let coded = pattern.starts_with(|c: char| c.is_ascii_digit());
            let own = || {
                known.contains(&name)
                    || (!coded && !pattern.contains(' '))
                    || (coded && !registry_code(pattern))
            };
            let len = pattern.len() - pattern.matches('*').count();
            if best.is_none_or(|(l, _)| len > l)
                && found_in(reply, pattern)
                && own()
                && let Some(r) = Reason::from_name(reason)
            {
                best = Some((len, r));
            }
        }
        best.map(|(_, r)| r)
    }

    #[test]
    fn the_index_answers_as_the_scan() {
        let patterns: Vec<&str> = PROVIDERS
            .rows()
            .flat_map(|[_, _, _, p]| p.split('|'))
            .collect();
        assert!(patterns.len() > 250, "{}", patterns.len());
        assert!(index().short.is_empty(), "a one-byte first piece");
        let hosts = [
            None,
            Some("mx.example.net"),
            Some("aspmx.l.google.com"),
            Some("example-com.mail.protection.outlook.com"),
            Some("eu-smtp-inbound-1.mimecast.com"),
        ];
        let mut decided = 0;
        for (k, p) in patterns.iter().enumerate() {
            let other = patterns[(k * 7 + 3) % patterns.len()];
            for text in [
                format!("550 5.7.1 {} end", p.replace('*', " zz ")),
                format!("{}x", p.replace('*', "")),
                format!("a{} - gsmtp", p.replace('*', " ")),
                format!("{} {}", other.replace('*', " y "), p.replace('*', " q ")),
                format!("5{}0", p.replace('*', " ")),
            ] {
                for h in hosts {
                    let got = reason(&text, h);
                    assert_eq!(got, reason_by_scan(&text, h), "{text:?} {h:?}");
                    decided += usize::from(got.is_some());
                }
            }
        }
        assert!(decided > 1000, "{decided}");
    }

    #[test]
    fn unfolds_multi_line_replies() {
        let r = normalize(
            "550-5.1.1 The email account that you tried to reach does\n550-5.1.1 not exist. Please\n550 5.1.1 try again",
        );
        assert_eq!(
            r,
            "550-5.1.1 the email account that you tried to reach does not exist. please try again"
        );
    }

    #[test]
    fn a_pattern_with_a_star() {
        // Microsoft "5.4.1 * recipient address rejected: access denied": pieces in order, with
        // anything between them, from an identified provider.
        let outlook = Some("example-com.mail.protection.outlook.com");
        let r = normalize("550 5.4.1 <a@example.com>: Recipient address rejected: Access denied");
        assert_eq!(reason(&r, outlook), Some(Reason::Userunknown));
        // The pieces out of order do not match.
        let r = normalize("550 Recipient address rejected: Access denied 5.4.1");
        assert_eq!(reason(&r, outlook), None);
        // Google's 550*5.1.1: the reply code, then the enhanced code, anything between.
        let r =
            normalize("550-5.1.1 The email account that you tried to reach does not exist - gsmtp");
        assert_eq!(reason(&r, None), Some(Reason::Userunknown));
        // No piece starts or ends inside a number.
        assert!(!found_in("550 5.1.10 x", "5.1.1"));
        assert!(!found_in("1550 5.1.1 x", "550*5.1.1"));
        assert!(found_in("550 x 5.1.1", "550*5.1.1"));
    }

    #[test]
    fn a_provider_identified_by_its_host() {
        // Microsoft 5.7.13 is the registry's X.7.13 (account disabled) elsewhere: the row
        // decides for the host that names Microsoft, in the remote host or in the reply.
        let r = normalize("550 5.7.13 sender was not authenticated for public folder");
        assert_eq!(reason(&r, None), None);
        assert_eq!(reason(&r, Some("mx.example.net")), None);
        assert_eq!(
            reason(&r, Some("example-com.mail.protection.outlook.com")),
            Some(Reason::Filtered)
        );
        let r = normalize(
            "550 5.7.13 Sender was not authenticated for public folder [DB5PR.eurprd.prod.mail.protection.outlook.com]",
        );
        assert_eq!(reason(&r, None), Some(Reason::Filtered));
        // Two rows of one provider: the longer pattern wins.
        let outlook = Some("a.mail.protection.outlook.com");
        let r = normalize("452 5.2.2 Submission quota exceeded");
        assert_eq!(reason(&r, outlook), Some(Reason::Speeding));
        let r = normalize("552 5.2.2 Mailbox full");
        assert_eq!(reason(&r, outlook), Some(Reason::Mailboxfull));
    }

    #[test]
    fn a_tag_decides_alone() {
        // Yahoo's [TSS04] and Cox's AUP#CXBL name their provider by themselves.
        let r = normalize("421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred");
        assert_eq!(reason(&r, None), Some(Reason::Badreputation));
        let r = normalize("554 AUP#CXBL blocked");
        assert_eq!(reason(&r, None), Some(Reason::Blocked));
        // A short tag inside a longer word is no tag.
        assert_eq!(reason(&normalize("550 cxbl"), None), Some(Reason::Blocked));
        assert_eq!(reason(&normalize("550 xcxbls"), None), None);
        // A non-registry code is its provider's own: Microsoft's 5.7.509 (DMARC reject).
        let r = normalize(
            "550 5.7.509 Access denied, sending domain example.com does not pass DMARC verification and has a DMARC policy of reject.",
        );
        assert_eq!(reason(&r, None), Some(Reason::Authfailure));
    }

    #[test]
    fn a_registry_code_needs_its_provider() {
        // 5.7.28 is in the IANA registry: Google's reading needs Google named.
        let r = normalize("550 5.7.28 flood");
        assert_eq!(reason(&r, None), None);
        assert_eq!(reason(&r, Some("mx.example.net")), None);
        assert_eq!(
            reason(&normalize("550 5.7.28 flood - gsmtp"), None),
            Some(Reason::Blocked)
        );
        assert_eq!(
            reason(&normalize("550 5.7.28 flood"), Some("aspmx.l.google.com")),
            Some(Reason::Blocked)
        );
        // Microsoft's bare 5.1.1 row neither.
        let r = normalize("550 5.1.1 user unknown");
        assert_eq!(reason(&r, None), None);
        assert_eq!(
            reason(&r, Some("a.mail.protection.outlook.com")),
            Some(Reason::Userunknown)
        );
    }

    #[test]
    fn rows_are_well_formed() {
        for [_, kind, reason, _] in PROVIDERS.rows() {
            assert!(kind == "host" || kind == "reply");
            assert!(
                reason == "-" || Reason::from_name(reason).is_some(),
                "{reason}"
            );
        }
    }
}
