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
