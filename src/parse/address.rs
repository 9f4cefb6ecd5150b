//! Address fields (RFC 5322 section 3.4): `From`, `To`, `Reply-To`, read leniently.
//!
//! Our own reader rather than mail-parser's: in the wasm build mail-parser was the only user of
//! its MIME and charset machinery, and dropping it saved 79 KB gzip (measured; ARCHITECTURE.md).
//! Display names are unquoted, comments dropped (a comment is the name when there is no other,
//! as in `user@example.com (Jane)`), groups flattened, and RFC 2047 words decoded.

use crate::parse::rfc2047::{self, CharsetDecoder};

/// Longest field value read, in bytes; the rest is ignored.
const MAX_FIELD: usize = 16 * 1024;
/// Most mailboxes read from one field.
const MAX_MAILBOXES: usize = 100;

/// One mailbox: a display name and an address, either of which may be missing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedMailbox {
    /// The display name, unquoted and decoded.
    pub name: Option<String>,
    /// The address (`local@domain`), as written, without angle brackets.
    pub address: Option<String>,
}

/// Reads the mailboxes of an address field value (folded or not).
pub fn parse_list(value: &str, platform: Option<CharsetDecoder>) -> Vec<ParsedMailbox> {
    let value = crate::vocab::text::clip(value, MAX_FIELD);
    let mut out = Vec::new();
    let mut current = Element::default();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut text = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => text.extend(chars.next()),
                        '"' => break,
                        c => text.push(c),
                    }
                }
                current.push_word(&text);
            }
            '(' => {
                let mut depth = 1usize;
                let mut text = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => text.extend(chars.next()),
                        '(' => {
                            depth += 1;
                            text.push(c);
                        }
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                            text.push(c);
                        }
                        c => text.push(c),
                    }
                }
                if current.comment.is_none() && !text.trim().is_empty() {
                    current.comment = Some(text);
                }
                current.space = true;
            }
            '<' => {
                let mut text = String::new();
                for c in chars.by_ref() {
                    if c == '>' {
                        break;
                    }
                    text.push(c);
                }
                current.angle = Some(text);
            }
            ',' | ';' => {
                current.finish(&mut out, platform);
                current = Element::default();
            }
            ':' if current.angle.is_none() && !current.plain.contains('@') => {
                // A group's name (`Team: a@example.com, b@example.com;`).
                current = Element::default();
            }
            c if c.is_whitespace() => current.space = true,
            c => {
                if current.space && !current.plain.is_empty() {
                    current.plain.push(' ');
                }
                current.space = false;
                current.plain.push(c);
            }
        }
        if out.len() >= MAX_MAILBOXES {
            return out;
        }
    }
    current.finish(&mut out, platform);
    out
}

/// The first mailbox of a field, if any.
pub fn first(value: &str, platform: Option<CharsetDecoder>) -> Option<ParsedMailbox> {
    parse_list(value, platform).into_iter().next()
}

/// The text of one list element while it is read.
#[derive(Default)]
struct Element {
    /// Atoms and quoted strings, in order, space-separated.
    plain: String,
    /// The first comment.
    comment: Option<String>,
    /// The `<...>` part.
    angle: Option<String>,
    /// White space (or a comment) was seen since the last word.
    space: bool,
}

impl Element {
    fn push_word(&mut self, word: &str) {
        if self.space && !self.plain.is_empty() {
            self.plain.push(' ');
        }
        self.space = false;
        self.plain.push_str(word);
    }

    fn finish(&mut self, out: &mut Vec<ParsedMailbox>, platform: Option<CharsetDecoder>) {
        let name_of = |text: &str| {
            let decoded = rfc2047::decode(text.trim(), platform);
            let collapsed = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
            (!collapsed.is_empty()).then_some(collapsed)
        };
        let (name, address) = match self.angle.take() {
            Some(angle) => {
                // Drop an obsolete source route (`<@relay.example:user@example.com>`).
                let angle = angle.trim();
                let angle = match angle.strip_prefix('@') {
                    Some(rest) => rest.split_once(':').map_or(angle, |(_, a)| a),
                    None => angle,
                };
                let name =
                    name_of(&self.plain).or_else(|| self.comment.as_deref().and_then(name_of));
                (name, Some(angle.trim().to_string()))
            }
            None => {
                let address = self.plain.trim();
                if address.is_empty() {
                    return;
                }
                (
                    self.comment.as_deref().and_then(name_of),
                    Some(address.to_string()),
                )
            }
        };
        let address = address.filter(|a| !a.is_empty());
        if name.is_none() && address.is_none() {
            return;
        }
        out.push(ParsedMailbox { name, address });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(value: &str) -> (Option<String>, Option<String>) {
        let m = first(value, None).unwrap_or_default();
        (m.name, m.address)
    }

    #[test]
    fn common_forms() {
        assert_eq!(
            one("Jane Doe <jane@example.com>"),
            (Some("Jane Doe".into()), Some("jane@example.com".into()))
        );
        assert_eq!(
            one("\"Doe, Jane\" <jane@example.com>"),
            (Some("Doe, Jane".into()), Some("jane@example.com".into()))
        );
        assert_eq!(
            one("jane@example.com"),
            (None, Some("jane@example.com".into()))
        );
        assert_eq!(
            one("jane@example.com (Jane Doe)"),
            (Some("Jane Doe".into()), Some("jane@example.com".into()))
        );
        assert_eq!(
            one("<jane@example.com>"),
            (None, Some("jane@example.com".into()))
        );
        assert_eq!(
            one("=?UTF-8?B?SsOkbmU=?= <jane@example.com>"),
            (Some("Jäne".into()), Some("jane@example.com".into()))
        );
        assert_eq!(
            one("\"Quoted \\\"name\\\"\"\n  <q@example.com>"),
            (Some("Quoted \"name\"".into()), Some("q@example.com".into()))
        );
        assert_eq!(
            one("<@relay.example:user@example.com>"),
            (None, Some("user@example.com".into()))
        );
    }

    #[test]
    fn lists_and_groups() {
        let list = parse_list(
            "a@example.com, \"B, b\" <b@example.com>; Team: c@example.com, d@example.com;, undisclosed-recipients:;",
            None,
        );
        let addresses: Vec<_> = list.iter().filter_map(|m| m.address.as_deref()).collect();
        assert_eq!(
            addresses,
            [
                "a@example.com",
                "b@example.com",
                "c@example.com",
                "d@example.com"
            ]
        );
        assert_eq!(list[1].name.as_deref(), Some("B, b"));
    }

    #[test]
    fn hostile_input_is_bounded() {
        assert!(parse_list("", None).is_empty());
        assert!(parse_list("((((((", None).is_empty());
        assert_eq!(parse_list("\"unterminated <a@b>", None).len(), 1);
        let many = "a@b,".repeat(10_000);
        assert_eq!(parse_list(&many, None).len(), MAX_MAILBOXES);
        let long = "é".repeat(20_000);
        let _ = parse_list(&long, None);
    }
}
