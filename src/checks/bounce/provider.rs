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

/// The reason the provider's own rows give the normalized `reply` ([`normalize`]), with the
/// remote host (lowercase) when known.
pub fn reason(reply: &str, host: Option<&str>) -> Option<Reason> {
    // Rows with the same provider, kind and reason come as one, their patterns joined by `|`.
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
        let own = known.contains(&name)
            || (!coded && !pattern.contains(' '))
            || (coded && !registry_code(pattern));
        let len = pattern.len() - pattern.matches('*').count();
        if own
            && best.is_none_or(|(l, _)| len > l)
            && found_in(reply, pattern)
            && let Some(r) = Reason::from_name(reason)
        {
            best = Some((len, r));
        }
    }
    best.map(|(_, r)| r)
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
    let t = text.as_bytes();
    let n = pieces.len();
    let Some(first) = pieces.first() else {
        return false;
    };
    let mut from = 0;
    'start: while let Some(i) = find_from(t, from, first) {
        from = i + 1;
        if !stands(t, i, first, true, n == 1) {
            continue;
        }
        let mut pos = i + first.len();
        for (k, piece) in pieces.iter().enumerate().skip(1) {
            let mut f = pos;
            loop {
                let Some(j) = find_from(t, f, piece) else {
                    continue 'start;
                };
                if stands(t, j, piece, false, k + 1 == n) {
                    pos = j + piece.len();
                    break;
                }
                f = j + 1;
            }
        }
        return true;
    }
    false
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
    fn provider_codes() {
        // Microsoft's DMARC reject (Exchange Online NDR reference): not spam.
        let r = normalize(
            "550 5.7.509 Access denied, sending domain example.com does not pass DMARC verification and has a DMARC policy of reject.",
        );
        assert_eq!(reason(&r, None), Some(Reason::Authfailure));
        // A registry code decides only for an identified provider.
        let r = normalize("550 5.7.28 flood");
        assert_eq!(reason(&r, None), None);
        assert_eq!(
            reason(&normalize("550 5.7.28 flood - gsmtp"), None),
            Some(Reason::Blocked)
        );
        assert!(!found_in("550 5.1.10 x", "5.1.1"));
        for [_, kind, reason, _] in PROVIDERS.rows() {
            assert!(kind == "host" || kind == "reply");
            assert!(
                reason == "-" || Reason::from_name(reason).is_some(),
                "{reason}"
            );
        }
    }
}
