//! Encoded words (RFC 2047) in header text, decoded for display.
//!
//! `=?charset?Q?text?=` and `=?charset?B?text?=` are decoded wherever they stand, as mail
//! clients display them (so a display name, a comment or an address part shows what a reader
//! sees); the raw value is always kept beside the decoded one, since decoding can hide tricks
//! (an encoded `<` or NUL). White space between adjacent encoded words is dropped (section 6.2),
//! and the bytes of adjacent words in the same charset are joined before decoding, so a
//! character split across two words survives. An RFC 2231 language suffix (`utf-8*en`) is
//! ignored.
//!
//! Charsets: UTF-8 and US-ASCII directly; the others through a [`CharsetDecoder`] when one is
//! given (the browser's `TextDecoder` in the wasm build, which knows every WHATWG encoding), then
//! mail-parser's tables (all charsets natively; single-byte ones and UTF-7 in the wasm build).
//! An unknown charset is read as UTF-8.
//!
//! Not supported: encoded words longer than [`MAX_WORD`] bytes (left as written), and
//! charset-specific repairs beyond what the decoders do.

use base64::Engine;

/// A platform charset decoder: `(label, bytes) -> text`, or None when it does not know the
/// label.
pub type CharsetDecoder = fn(&str, &[u8]) -> Option<String>;

/// The longest encoded word decoded, in bytes.
pub const MAX_WORD: usize = 4096;

enum Piece<'a> {
    Text(&'a str),
    Word { charset: &'a str, bytes: Vec<u8> },
}

/// Decodes the encoded words in `text`.
pub fn decode(text: &str, platform: Option<CharsetDecoder>) -> String {
    if !text.contains("=?") {
        return text.to_string();
    }
    let mut pieces: Vec<Piece<'_>> = Vec::new();
    let mut rest = text;
    let mut literal_start = 0usize;
    let mut offset = 0usize;
    while let Some(found) = rest.find("=?") {
        let at = offset + found;
        match encoded_word(&text[at..]) {
            Some((charset, bytes, len)) => {
                if at > literal_start {
                    pieces.push(Piece::Text(&text[literal_start..at]));
                }
                pieces.push(Piece::Word { charset, bytes });
                offset = at + len;
                literal_start = offset;
            }
            None => offset = at + 2,
        }
        rest = &text[offset..];
    }
    if literal_start < text.len() {
        pieces.push(Piece::Text(&text[literal_start..]));
    }

    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < pieces.len() {
        match &pieces[i] {
            Piece::Text(t) => {
                // White space alone between two encoded words is dropped.
                let between_words = t.chars().all(char::is_whitespace)
                    && i > 0
                    && matches!(pieces.get(i + 1), Some(Piece::Word { .. }))
                    && matches!(pieces[i - 1], Piece::Word { .. });
                if !between_words {
                    out.push_str(t);
                }
                i += 1;
            }
            Piece::Word { charset, bytes } => {
                let mut joined = bytes.clone();
                let mut j = i + 1;
                loop {
                    let next = match (pieces.get(j), pieces.get(j + 1)) {
                        (
                            Some(Piece::Word {
                                charset: c,
                                bytes: b,
                            }),
                            _,
                        ) => Some((1, c, b)),
                        (
                            Some(Piece::Text(t)),
                            Some(Piece::Word {
                                charset: c,
                                bytes: b,
                            }),
                        ) if t.chars().all(char::is_whitespace) => Some((2, c, b)),
                        _ => None,
                    };
                    match next {
                        Some((step, c, b)) if c.eq_ignore_ascii_case(charset) => {
                            joined.extend_from_slice(b);
                            j += step;
                        }
                        _ => break,
                    }
                }
                out.push_str(&decode_bytes(charset, &joined, platform));
                i = j;
            }
        }
    }
    out
}

/// Reads one encoded word at the start of `text`: its charset, decoded bytes and length.
fn encoded_word(text: &str) -> Option<(&str, Vec<u8>, usize)> {
    let body = text.strip_prefix("=?")?;
    let q1 = body.find('?')?;
    let charset = &body[..q1];
    if charset.is_empty() || charset.len() > 40 {
        return None;
    }
    let after = &body[q1 + 1..];
    let mut chars = after.chars();
    let encoding = chars.next()?.to_ascii_uppercase();
    if chars.next()? != '?' || !matches!(encoding, 'Q' | 'B') {
        return None;
    }
    let payload_all = &after[2..];
    let end = payload_all.find("?=")?;
    let payload = &payload_all[..end];
    if payload.len() > MAX_WORD || payload.contains('?') {
        return None;
    }
    let bytes = match encoding {
        'Q' => decode_q(payload),
        _ => decode_b(payload)?,
    };
    let total = 2 + q1 + 1 + 2 + end + 2;
    let charset = charset.split('*').next().unwrap_or(charset);
    Some((charset, bytes, total))
}

fn decode_q(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'_' => out.push(b' '),
            b'=' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'='),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn decode_b(text: &str) -> Option<Vec<u8>> {
    let cleaned: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let trimmed = cleaned.trim_end_matches('=');
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(trimmed)
        .ok()
}

/// Text from bytes in a charset (see the module documentation for the order of decoders).
pub fn decode_bytes(charset: &str, bytes: &[u8], platform: Option<CharsetDecoder>) -> String {
    let label = charset.trim();
    let lower = label.to_ascii_lowercase();
    if matches!(lower.as_str(), "utf-8" | "utf8" | "us-ascii" | "ascii") {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    if let Some(platform) = platform
        && let Some(text) = platform(label, bytes)
    {
        return text;
    }
    fallback(label, bytes)
}

/// Natively, mail-parser's charset tables (every charset, with its `full_encoding` feature).
#[cfg(not(target_arch = "wasm32"))]
fn fallback(label: &str, bytes: &[u8]) -> String {
    match mail_parser::Charset::from_label(label.as_bytes()) {
        Some(charset) => charset.decode(bytes).into_owned(),
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// In the browser the platform decoder (TextDecoder) knows every charset; without it, Latin-1
/// is decoded here (its bytes are its code points) and anything else as UTF-8, lossily.
#[cfg(target_arch = "wasm32")]
fn fallback(label: &str, bytes: &[u8]) -> String {
    let lower = label.to_ascii_lowercase();
    if matches!(lower.as_str(), "iso-8859-1" | "latin1" | "iso8859-1" | "l1") {
        return bytes.iter().map(|&b| char::from(b)).collect();
    }
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc2047_section_8_examples() {
        assert_eq!(decode("=?ISO-8859-1?Q?a?=", None), "a");
        assert_eq!(decode("=?ISO-8859-1?Q?a?= b", None), "a b");
        assert_eq!(decode("=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=", None), "ab");
        assert_eq!(
            decode("=?ISO-8859-1?Q?a?=\n   =?ISO-8859-1?Q?b?=", None),
            "ab"
        );
        assert_eq!(decode("=?ISO-8859-1?Q?a_b?=", None), "a b");
        assert_eq!(
            decode("=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=", None),
            "a b"
        );
        assert_eq!(decode("(=?ISO-8859-1?Q?a?=)", None), "(a)");
    }

    #[test]
    fn bytes_of_adjacent_words_are_joined() {
        // "€" (E2 82 AC) split across two words.
        assert_eq!(decode("=?UTF-8?Q?=E2=82?= =?UTF-8?Q?=AC?=", None), "€");
        assert_eq!(decode("=?UTF-8?B?4oKs?=", None), "€");
    }

    #[test]
    fn malformed_words_stay_as_written() {
        for text in [
            "=?utf-8?X?abc?=",
            "=?utf-8?Q?abc",
            "=??Q?abc?=",
            "=?",
            "=?=?",
            "a =? b ?= c",
        ] {
            assert_eq!(decode(text, None), text);
        }
        let huge = format!("=?utf-8?Q?{}?=", "a".repeat(MAX_WORD + 1));
        assert_eq!(decode(&huge, None), huge);
    }

    #[test]
    fn a_platform_decoder_is_asked_first() {
        fn shouty(label: &str, _: &[u8]) -> Option<String> {
            (label == "x-test").then(|| "PLATFORM".to_string())
        }
        assert_eq!(decode("=?x-test?Q?abc?=", Some(shouty)), "PLATFORM");
        assert_eq!(decode("=?iso-8859-1?Q?=E9?=", Some(shouty)), "é");
    }
}
