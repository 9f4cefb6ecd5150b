//! Authentication-Results (RFC 8601 section 2.2): what a receiving system recorded about SPF,
//! DKIM, DMARC, ARC and the rest.
//!
//! ```text
//! authres-payload = [CFWS] authserv-id [ CFWS authres-version ] ( no-result / 1*resinfo ) [CFWS]
//! resinfo    = [CFWS] ";" methodspec [ CFWS reasonspec ] [ CFWS 1*propspec ]
//! methodspec = [CFWS] method [CFWS] "=" [CFWS] result   ; method = Keyword [ "/" version ]
//! reasonspec = "reason" [CFWS] "=" [CFWS] value
//! propspec   = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
//! pvalue     = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS]
//! ```
//! The reader is lenient, because what matters is what the receiver meant: it keeps the
//! `name=value` attributes Microsoft writes without a ptype (`action=none`), skips a damaged
//! resinfo and goes on with the next, and lists every departure from the grammar in
//! [`AuthResults::syntax_errors`] (a strict parser would reject the field) or
//! [`AuthResults::notes`] (tolerated forms). Comments are kept with the result they follow.
//!
//! Not supported: RFC 2047 encoded words inside values (none are allowed there).

use serde::{Deserialize, Serialize};

/// One Authentication-Results field, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuthResults {
    /// The receiving system that wrote the field.
    pub authserv_id: String,
    /// The version after the authserv-id, if written.
    pub version: Option<u32>,
    /// The results, in order.
    pub results: Vec<MethodResult>,
    /// Departures from RFC 8601 that a strict parser would reject.
    pub syntax_errors: Vec<String>,
    /// Tolerated departures (attributes without a ptype, a trailing `;`).
    pub notes: Vec<String>,
}

/// The result of one method.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MethodResult {
    /// The method, lowercase (`spf`, `dkim`, `dmarc`, `arc`, `iprev`, `auth`, ...).
    pub method: String,
    /// The method's version, if written (`dkim/1`).
    pub method_version: Option<u32>,
    /// The result keyword, lowercase (`pass`, `fail`, `softfail`, `neutral`, `none`,
    /// `temperror`, `permerror`, ...).
    pub result: String,
    /// The `reason=` value.
    pub reason: Option<String>,
    /// The properties, in order.
    pub properties: Vec<Property>,
    /// Comments written with this result, in order.
    pub comments: Vec<String>,
}

/// A `ptype.property=value` of a result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Property {
    /// `smtp`, `header`, `body`, `policy`, lowercase; empty for an attribute written without
    /// one (`action=none`).
    pub ptype: String,
    /// The property, lowercase.
    pub name: String,
    /// The value, unquoted.
    pub value: String,
}

impl MethodResult {
    /// The value of `ptype.name`, if present.
    pub fn property(&self, ptype: &str, name: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|p| p.ptype.eq_ignore_ascii_case(ptype) && p.name.eq_ignore_ascii_case(name))
            .map(|p| p.value.as_str())
    }
}

const MAX_RESULTS: usize = 100;

struct Scanner<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    /// Skips white space and comments; returns the comments.
    fn cfws(&mut self) -> Vec<String> {
        let mut comments = Vec::new();
        loop {
            while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
                self.pos += 1;
            }
            if self.peek() != Some(b'(') {
                return comments;
            }
            let start = self.pos + 1;
            let mut depth = 0usize;
            while let Some(b) = self.peek() {
                self.pos += 1;
                match b {
                    b'\\' => self.pos += 1,
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let end = if depth == 0 {
                self.pos - 1
            } else {
                self.s.len()
            };
            comments.push(self.slice(start, end).trim().to_string());
        }
    }

    fn slice(&self, start: usize, end: usize) -> &'a str {
        let end = end.min(self.s.len());
        self.text.get(start.min(end)..end).unwrap_or("")
    }

    /// A keyword: letters, digits, `-`, `_`.
    fn keyword(&mut self) -> &'a str {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            self.pos += 1;
        }
        self.slice(start, self.pos)
    }

    /// A quoted-string (without its quotes, escapes resolved) or a run of characters up to white
    /// space, `;` or `(`.
    fn value(&mut self) -> (String, bool) {
        if self.peek() == Some(b'"') {
            self.pos += 1;
            let mut out = String::new();
            let start = self.pos;
            let mut seg = start;
            while let Some(b) = self.peek() {
                match b {
                    b'\\' => {
                        out.push_str(self.slice(seg, self.pos));
                        self.pos += 1;
                        seg = self.pos;
                        self.pos += 1;
                    }
                    b'"' => break,
                    _ => self.pos += 1,
                }
            }
            out.push_str(self.slice(seg, self.pos));
            self.pos += 1;
            return (out, true);
        }
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| !b.is_ascii_whitespace() && b != b';' && b != b'(')
        {
            self.pos += 1;
        }
        (self.slice(start, self.pos).to_string(), false)
    }

    fn skip_to_semicolon(&mut self) {
        while self.peek().is_some_and(|b| b != b';') {
            if self.peek() == Some(b'(') {
                self.cfws();
            } else {
                self.pos += 1;
            }
        }
    }
}

/// Parses the value of an Authentication-Results (or ARC-Authentication-Results, after its
/// `i=N;`) field.
pub fn parse(value: &str) -> AuthResults {
    let value = crate::parse::input::breaks_to_spaces(value);
    let mut sc = Scanner {
        s: value.as_bytes(),
        text: &value,
        pos: 0,
    };
    let mut out = AuthResults::default();
    sc.cfws();
    // Microsoft 365 starts with the first result ("spf=pass ..."), leaving the authserv-id out.
    let start = sc.pos;
    let first = sc.keyword();
    let no_id = !first.is_empty() && sc.peek() == Some(b'=');
    sc.pos = start;
    if no_id {
        out.syntax_errors
            .push("the authserv-id is missing (Microsoft 365 writes the field this way)".into());
        // Parse the results as if a ';' preceded them.
        let rest = format!("; {}", sc.slice(start, sc.s.len()));
        let mut tail = parse(&format!("x{rest}"));
        tail.authserv_id = String::new();
        tail.syntax_errors.insert(0, out.syntax_errors.remove(0));
        return tail;
    }
    let (id, _) = sc.value();
    if id.is_empty() {
        out.syntax_errors.push("the authserv-id is missing".into());
    }
    out.authserv_id = id;
    sc.cfws();
    if sc.peek().is_some_and(|b| b.is_ascii_digit()) {
        let start = sc.pos;
        let digits = sc.keyword();
        match digits.parse() {
            Ok(v) if digits.bytes().all(|b| b.is_ascii_digit()) => out.version = Some(v),
            _ => {
                sc.pos = start;
            }
        }
    }
    loop {
        sc.cfws();
        match sc.peek() {
            None => break,
            Some(b';') => sc.pos += 1,
            Some(_) => {
                let at = sc.pos;
                out.syntax_errors.push(format!(
                    "expected \";\" at: {}",
                    snippet(sc.slice(at, sc.s.len()))
                ));
                sc.skip_to_semicolon();
                continue;
            }
        }
        let mut comments = sc.cfws();
        if sc.peek().is_none() {
            out.notes
                .push("a \";\" ends the field with no result after it".into());
            break;
        }
        if out.results.len() >= MAX_RESULTS {
            out.notes.push(format!(
                "more than {MAX_RESULTS} results; the rest were ignored"
            ));
            break;
        }
        let start = sc.pos;
        let method = sc.keyword().to_ascii_lowercase();
        comments.extend(sc.cfws());
        if method == "none" && out.results.is_empty() && matches!(sc.peek(), None | Some(b';')) {
            continue;
        }
        let mut result = MethodResult {
            method,
            ..MethodResult::default()
        };
        if sc.peek() == Some(b'/') {
            sc.pos += 1;
            sc.cfws();
            result.method_version = sc.keyword().parse().ok();
            comments.extend(sc.cfws());
        }
        if result.method.is_empty() || sc.peek() != Some(b'=') {
            out.syntax_errors.push(format!(
                "expected \"method=result\" at: {}",
                snippet(sc.slice(start, sc.s.len()))
            ));
            sc.skip_to_semicolon();
            continue;
        }
        sc.pos += 1;
        comments.extend(sc.cfws());
        result.result = sc.keyword().to_ascii_lowercase();
        if result.result.is_empty() {
            out.syntax_errors
                .push(format!("{} has no result keyword", result.method));
        }
        loop {
            comments.extend(sc.cfws());
            match sc.peek() {
                None | Some(b';') => break,
                _ => {}
            }
            let word_start = sc.pos;
            let word = sc.keyword().to_ascii_lowercase();
            let ws = sc.cfws();
            comments.extend(ws);
            match sc.peek() {
                Some(b'=') if word == "reason" => {
                    sc.pos += 1;
                    sc.cfws();
                    result.reason = Some(sc.value().0);
                }
                Some(b'.') if !word.is_empty() => {
                    sc.pos += 1;
                    sc.cfws();
                    let name = sc.keyword().to_ascii_lowercase();
                    sc.cfws();
                    if name.is_empty() || sc.peek() != Some(b'=') {
                        out.syntax_errors.push(format!(
                            "expected \"{word}.property=value\" at: {}",
                            snippet(sc.slice(word_start, sc.s.len()))
                        ));
                        sc.skip_to_semicolon();
                        break;
                    }
                    sc.pos += 1;
                    sc.cfws();
                    let (value, quoted) = sc.value();
                    if !quoted && value.contains(':') {
                        out.syntax_errors.push(format!(
                            "the value of {word}.{name} contains \":\" and must be quoted: {}",
                            snippet(&value)
                        ));
                    }
                    result.properties.push(Property {
                        ptype: word,
                        name,
                        value,
                    });
                }
                Some(b'=') if !word.is_empty() => {
                    sc.pos += 1;
                    sc.cfws();
                    let (value, _) = sc.value();
                    out.notes.push(format!(
                        "{}: \"{word}={}\" has no ptype (not RFC 8601 syntax)",
                        result.method,
                        snippet(&value)
                    ));
                    result.properties.push(Property {
                        ptype: String::new(),
                        name: word,
                        value,
                    });
                }
                _ => {
                    out.syntax_errors.push(format!(
                        "unexpected text in the {} result: {}",
                        result.method,
                        snippet(sc.slice(word_start, sc.s.len()))
                    ));
                    sc.skip_to_semicolon();
                    break;
                }
            }
        }
        result.comments = comments;
        out.results.push(result);
    }
    out
}

fn snippet(text: &str) -> String {
    crate::vocab::text::clip_ellipsis(text, 40)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typical_gmail_field() {
        let r = parse(
            "mx.google.com;\n       dkim=pass header.i=@sender.example header.s=s2024 header.b=AbC/+=;\n       spf=pass (google.com: domain of ann@sender.example designates 203.0.113.5 as permitted sender) smtp.mailfrom=ann@sender.example;\n       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=sender.example",
        );
        assert_eq!(r.authserv_id, "mx.google.com");
        assert!(r.syntax_errors.is_empty() && r.notes.is_empty(), "{r:?}");
        let methods: Vec<(&str, &str)> = r
            .results
            .iter()
            .map(|m| (m.method.as_str(), m.result.as_str()))
            .collect();
        assert_eq!(
            methods,
            [("dkim", "pass"), ("spf", "pass"), ("dmarc", "pass")]
        );
        assert_eq!(r.results[0].property("header", "b"), Some("AbC/+="));
        assert_eq!(r.results[2].comments, ["p=REJECT sp=REJECT dis=NONE"]);
    }

    #[test]
    fn microsoft_forms_are_read_and_flagged() {
        let r = parse(
            "spf=pass (sender IP is 203.0.113.5) smtp.mailfrom=sender.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=sender.example;compauth=pass reason=100",
        );
        // Microsoft starts with a method, not an authserv-id.
        assert!(!r.syntax_errors.is_empty());
        let r = parse(
            "mx.example; dkim=none (message not signed) header.d=none; dmarc=none action=none header.from=sender.example; compauth=pass reason=100",
        );
        assert!(r.syntax_errors.is_empty(), "{:?}", r.syntax_errors);
        assert_eq!(r.results[1].property("", "action"), Some("none"));
        assert_eq!(r.results[2].reason.as_deref(), Some("100"));
        assert_eq!(r.notes.len(), 1);
    }

    #[test]
    fn none_and_versions() {
        let r = parse("example.org 1; none");
        assert_eq!((r.version, r.results.len()), (Some(1), 0));
        assert!(r.syntax_errors.is_empty());
        let r = parse("example.org; dkim/1=pass header.d=a.example");
        assert_eq!(r.results[0].method_version, Some(1));
    }

    #[test]
    fn garbage_is_survived() {
        for text in [
            "",
            ";;;",
            "(((",
            "a; =",
            "a; b=",
            "a; b=c d.",
            "a; b=c d.e",
            "\"unterminated",
            "a; b=c reason=\"x",
        ] {
            let _ = parse(text);
        }
        let many = format!("a{}", "; spf=pass".repeat(1000));
        assert_eq!(parse(&many).results.len(), MAX_RESULTS);
    }
}
