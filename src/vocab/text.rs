//! Text helpers every layer uses: cutting untrusted text to a bound without splitting a
//! character, and sentences (so that no sentence is said twice).

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
pub fn clip(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

/// `text` cut to at most `max` bytes (at a character boundary), with `…` after it when cut.
pub fn clip_ellipsis(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    format!("{}…", clip(text, max))
}

/// `text` cut to at most `max` bytes, saying how much was left out.
pub fn shorten(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let kept = clip(text, max);
    format!("{kept}… [{} bytes more]", text.len() - kept.len())
}

/// The text with every sentence after its first occurrence removed.
pub fn dedupe_sentences(text: &str) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for s in split_sentences(text) {
        if !seen.contains(&s) {
            seen.push(s);
        }
    }
    seen.join(" ")
}

/// Sentences: text up to ". ", "! " or "? " (kept with their stop), trimmed.
pub fn split_sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for i in 0..bytes.len() {
        if matches!(bytes[i], b'.' | b'!' | b'?')
            && bytes.get(i + 1).is_some_and(|b| *b == b' ')
            && bytes
                .get(i + 2)
                .is_some_and(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'"')
        {
            let s = text[start..=i].trim();
            if !s.is_empty() {
                out.push(s);
            }
            start = i + 1;
        }
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_respect_char_boundaries() {
        assert_eq!(clip("ééé", 3), "é");
        assert_eq!(clip("ééé", 1), "");
        assert_eq!(clip("abc", 5), "abc");
        assert_eq!(clip_ellipsis("abcdef", 3), "abc…");
        assert_eq!(clip_ellipsis("abc", 3), "abc");
        let s = shorten("ééééé", 3);
        assert!(s.starts_with('é') && s.ends_with("[8 bytes more]"), "{s}");
    }
}

/// Whether `line`, at column 0, is what a hard wrap cut from the line `above` (a mail client or
/// ticket form that wraps long lines at a space before column 72 to 80; RFC 5322 section 2.1.1
/// asks for 78): `above` is no longer than such a line and `line`'s first word would not have
/// fitted on it. No header line is longer than 998 characters (RFC 5322 section 2.1.1), so a
/// longer `line` is no piece of one.
pub fn wrap_cut(above: &str, line: &str) -> bool {
    let above = above.trim_end();
    let word = line.split_whitespace().next().map_or(0, str::len);
    line.len() <= 998 && !above.is_empty() && above.len() <= 80 && above.len() + 1 + word > 72
}

/// The runs of one to four neighbouring words of a display name (ASCII letters and digits,
/// lowercase, the first 12 words), each run joined without spaces: the ways a name may be
/// written as a domain label ("Brennwerk Technik GmbH" -> "brennwerktechnik", ...).
pub fn name_word_runs(name: &str) -> Vec<String> {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .take(12)
        .collect();
    (0..words.len())
        .flat_map(|i| (i + 1..=words.len().min(i + 4)).map(move |j| (i, j)))
        .map(|(i, j)| words[i..j].concat())
        .collect()
}

/// Whether `text` starts with `prefix`, ASCII letters compared without case.
pub fn starts_with_ci(text: &str, prefix: &str) -> bool {
    let t = text.as_bytes();
    t.len() >= prefix.len() && t[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Whether `text` ends with `suffix`, ASCII letters compared without case.
pub fn ends_with_ci(text: &str, suffix: &str) -> bool {
    let t = text.as_bytes();
    t.len() >= suffix.len() && t[t.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// Text from a message or a DNS answer made inert for a terminal or a plain-text export: C0 and
/// C1 control characters (escape sequences, bell, carriage return, line breaks that would
/// forge a line), DEL, bidirectional controls, zero-width and line-separator characters are
/// shown escaped (`\x1b`, `U+202E`) instead of acting. Tab stays. The one function every text
/// output uses.
pub fn inert(text: &str) -> std::borrow::Cow<'_, str> {
    fn escaped(c: char) -> bool {
        let u = c as u32;
        (u < 0x20 && c != '\t')
            || (0x7f..=0x9f).contains(&u)
            || matches!(
                u,
                0x061c | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x2064 | 0x2066..=0x2069
                    | 0xfeff
            )
    }
    if !text.chars().any(escaped) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !escaped(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("U+{:04X}", c as u32));
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod inert_tests {
    use super::inert;

    #[test]
    fn controls_and_bidi_are_shown_not_acted_on() {
        assert_eq!(inert("plain text\tok"), "plain text\tok");
        assert_eq!(inert("a\u{1b}]0;PWNED\u{7}b"), "a\\x1b]0;PWNED\\x07b");
        assert_eq!(
            inert("x\r\nDiagnosis: Delivered"),
            "x\\x0d\\x0aDiagnosis: Delivered"
        );
        assert_eq!(inert("pay\u{202e}lap"), "payU+202Elap");
        assert_eq!(inert("a\u{200b}b\u{9b}c"), "aU+200Bb\\x9bc");
    }
}
