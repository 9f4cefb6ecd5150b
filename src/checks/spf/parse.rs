//! SPF record and macro syntax (RFC 7208 sections 4.5, 4.6.1, 5, 6, 7.1).
//!
//! Parsing never fails with a panic: every problem is a [`SyntaxError`] with the byte position
//! of the offending text. Macro strings are checked here and expanded by the evaluator.

use core::net::{Ipv4Addr, Ipv6Addr};

/// A syntax error: where (0-based byte offset into the record) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub pos: usize,
    pub msg: String,
}

fn err<T>(pos: usize, msg: impl Into<String>) -> Result<T, SyntaxError> {
    Err(SyntaxError {
        pos,
        msg: msg.into(),
    })
}

/// CIDR prefix lengths of `a` and `mx` (dual-cidr-length).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cidr {
    pub v4: u8,
    pub v6: u8,
}

/// A mechanism (RFC 7208 section 5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mech<'r> {
    All,
    Include(&'r str),
    A(Option<&'r str>, Cidr),
    Mx(Option<&'r str>, Cidr),
    Ptr(Option<&'r str>),
    Ip4(Ipv4Addr, u8),
    Ip6(Ipv6Addr, u8),
    Exists(&'r str),
}

impl Mech<'_> {
    /// Whether evaluating it counts against the limit of 10 DNS-querying terms.
    pub fn queries_dns(&self) -> bool {
        !matches!(self, Mech::All | Mech::Ip4(..) | Mech::Ip6(..))
    }
}

/// What a term is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind<'r> {
    /// A mechanism with its qualifier (`+`, `-`, `~`, `?`).
    Mech(u8, Mech<'r>),
    /// `redirect=`.
    Redirect(&'r str),
    /// `exp=`.
    Exp(&'r str),
    /// A modifier this implementation does not know (allowed, ignored).
    Unknown,
}

/// One term as written, with its position in the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Term<'r> {
    pub text: &'r str,
    pub pos: usize,
    pub kind: Kind<'r>,
}

/// A parsed record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Record<'r> {
    pub terms: Vec<Term<'r>>,
    pub redirect: Option<&'r str>,
    pub exp: Option<&'r str>,
}

/// Whether a TXT string is an SPF record: `v=spf1` (any case) then a space or the end.
pub(crate) fn is_spf(txt: &str) -> bool {
    let b = txt.as_bytes();
    b.len() >= 6 && b[..6].eq_ignore_ascii_case(b"v=spf1") && (b.len() == 6 || b[6] == b' ')
}

/// Most terms read in one record; more is a permerror (a real record has a few dozen; a
/// 64 KB TXT answer could hold about 4000).
pub(crate) const MAX_TERMS: usize = 1000;

/// Parses a whole record, which must start with `v=spf1`.
pub(crate) fn parse(record: &str) -> Result<Record<'_>, SyntaxError> {
    if !is_spf(record) {
        return err(0, "the record does not start with \"v=spf1\"");
    }
    if let Some(pos) = record.bytes().position(|b| !(0x20..0x7f).contains(&b)) {
        let c = record
            .get(pos..)
            .and_then(|s| s.chars().next())
            .unwrap_or('?');
        return err(
            pos,
            format!("character {c:?} is not allowed in an SPF record"),
        );
    }
    let mut out = Record::default();
    let mut pos = 6;
    for text in record.get(6..).unwrap_or("").split(' ') {
        let start = pos;
        pos += text.len() + 1;
        if text.is_empty() {
            continue;
        }
        if out.terms.len() >= MAX_TERMS {
            return err(start, "too many terms");
        }
        let kind = term(text, start)?;
        match kind {
            Kind::Redirect(d) if out.redirect.replace(d).is_some() => {
                return err(start, "redirect= appears twice");
            }
            Kind::Exp(d) if out.exp.replace(d).is_some() => {
                return err(start, "exp= appears twice");
            }
            _ => {}
        }
        out.terms.push(Term {
            text,
            pos: start,
            kind,
        });
    }
    Ok(out)
}

fn term(text: &str, pos: usize) -> Result<Kind<'_>, SyntaxError> {
    let b = text.as_bytes();
    // A modifier: name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ), then "=".
    let name_len = b
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')))
        .unwrap_or(b.len());
    if b.first().is_some_and(u8::is_ascii_alphabetic) && b.get(name_len) == Some(&b'=') {
        let (name, value) = (&text[..name_len], &text[name_len + 1..]);
        let vpos = pos + name_len + 1;
        if name.eq_ignore_ascii_case("redirect") {
            domain_spec(value, vpos, false)?;
            return Ok(Kind::Redirect(value));
        }
        if name.eq_ignore_ascii_case("exp") {
            domain_spec(value, vpos, false)?;
            return Ok(Kind::Exp(value));
        }
        macro_string(value, vpos, true)?;
        return Ok(Kind::Unknown);
    }
    let (q, rest, rpos) = match b.first() {
        Some(c @ (b'+' | b'-' | b'~' | b'?')) => (*c, &text[1..], pos + 1),
        _ => (b'+', text, pos),
    };
    let name_end = rest.find([':', '/']).unwrap_or(rest.len());
    let (name, arg) = rest.split_at(name_end);
    let apos = rpos + name_end;
    let lower = name.to_ascii_lowercase();
    let mech = match lower.as_str() {
        "all" if arg.is_empty() => Mech::All,
        "include" => Mech::Include(required(arg, apos)?),
        "exists" => Mech::Exists(required(arg, apos)?),
        "a" | "mx" => {
            let (domain, cidr) = dual_cidr(arg, apos)?;
            if lower == "a" {
                Mech::A(domain, cidr)
            } else {
                Mech::Mx(domain, cidr)
            }
        }
        "ptr" => Mech::Ptr(match arg {
            "" => None,
            _ => Some(required(arg, apos)?),
        }),
        "ip4" | "ip6" => {
            let Some(value) = arg.strip_prefix(':') else {
                return err(apos, format!("{name} needs \":\" and an address"));
            };
            let (addr, len) = match value.split_once('/') {
                Some((a, l)) => (a, Some(l)),
                None => (value, None),
            };
            let max = if lower == "ip4" { 32 } else { 128 };
            let len = match len {
                Some(l) => cidr_len(l, max, apos + 1 + addr.len())?,
                None => max,
            };
            let bad = || format!("{addr:?} is not a valid {} address", &lower[..]);
            if lower == "ip4" {
                Mech::Ip4(addr.parse().or_else(|_| err(apos + 1, bad()))?, len)
            } else {
                Mech::Ip6(addr.parse().or_else(|_| err(apos + 1, bad()))?, len)
            }
        }
        _ => return err(pos, format!("unknown mechanism or bad syntax in {text:?}")),
    };
    Ok(Kind::Mech(q, mech))
}

fn required(arg: &str, pos: usize) -> Result<&str, SyntaxError> {
    match arg.strip_prefix(':') {
        Some(d) => {
            domain_spec(d, pos + 1, false)?;
            Ok(d)
        }
        None => err(pos, "\":\" and a domain are required here"),
    }
}

fn cidr_len(text: &str, max: u8, pos: usize) -> Result<u8, SyntaxError> {
    let ok = !text.is_empty()
        && text.len() <= 3
        && text.bytes().all(|c| c.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    match text.parse::<u8>() {
        Ok(n) if ok && n <= max => Ok(n),
        _ => err(pos, format!("bad prefix length \"/{text}\" (0 to {max})")),
    }
}

/// `[":" domain-spec] [ip4-cidr] ["/" ip6-cidr]`, the cidr lengths read from the right.
fn dual_cidr(arg: &str, pos: usize) -> Result<(Option<&str>, Cidr), SyntaxError> {
    let mut rest = arg;
    let mut cidr = Cidr { v4: 32, v6: 128 };
    let digits_at_end = |s: &str| s.len() - s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let n = digits_at_end(rest);
    let before = &rest[..rest.len() - n];
    if n > 0 && before.ends_with("//") {
        cidr.v6 = cidr_len(&rest[rest.len() - n..], 128, pos + before.len() - 2)?;
        rest = &before[..before.len() - 2];
    } else if before.ends_with("//") && n == 0 {
        return err(
            pos + before.len(),
            "\"//\" must be followed by a prefix length",
        );
    }
    let n = digits_at_end(rest);
    let before = &rest[..rest.len() - n];
    if before.ends_with('/') && !before.ends_with("//") {
        cidr.v4 = cidr_len(&rest[rest.len() - n..], 32, pos + before.len() - 1)?;
        rest = &before[..before.len() - 1];
    }
    if rest.is_empty() {
        return Ok((None, cidr));
    }
    match rest.strip_prefix(':') {
        Some(d) => {
            domain_spec(d, pos + 1, false)?;
            Ok((Some(d), cidr))
        }
        None => err(pos, format!("unexpected {rest:?}")),
    }
}

/// One piece of a macro string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece<'s> {
    /// Literal text (already un-escaped for `%%`, `%_`, `%-`).
    Lit(&'s str),
    /// `%{letter digits r delimiters}`.
    Macro {
        letter: u8,
        upper: bool,
        keep: Option<usize>,
        reverse: bool,
        delims: &'s str,
    },
}

/// Splits and checks a macro string (RFC 7208 section 7.1). `exp` allows `c`, `r`, `t`.
pub(crate) fn macro_string(s: &str, pos: usize, exp: bool) -> Result<Vec<Piece<'_>>, SyntaxError> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut lit = 0;
    while i < b.len() {
        let c = b[i];
        if c != b'%' {
            if !exp && !(0x21..0x7f).contains(&c) {
                return err(pos + i, "character not allowed in a domain");
            }
            i += 1;
            continue;
        }
        if lit < i {
            out.push(Piece::Lit(&s[lit..i]));
        }
        match b.get(i + 1) {
            Some(b'%') => out.push(Piece::Lit("%")),
            Some(b'_') => out.push(Piece::Lit(" ")),
            Some(b'-') => out.push(Piece::Lit("%20")),
            Some(b'{') => {
                let Some(close) = s[i..].find('}') else {
                    return err(pos + i, "macro \"%{\" is not closed");
                };
                let body = &s[i + 2..i + close];
                out.push(macro_body(body, pos + i, exp)?);
                i += close + 1;
                lit = i;
                continue;
            }
            _ => {
                return err(
                    pos + i,
                    "\"%\" must be followed by \"{\", \"%\", \"_\" or \"-\"",
                );
            }
        }
        i += 2;
        lit = i;
    }
    if lit < b.len() {
        out.push(Piece::Lit(&s[lit..]));
    }
    Ok(out)
}

fn macro_body(body: &str, pos: usize, exp: bool) -> Result<Piece<'_>, SyntaxError> {
    let b = body.as_bytes();
    let Some(&first) = b.first() else {
        return err(pos, "empty macro \"%{}\"");
    };
    let letter = first.to_ascii_lowercase();
    let allowed: &[u8] = if exp { b"slodiphvcrt" } else { b"slodiphv" };
    if !allowed.contains(&letter) {
        return err(
            pos,
            format!("unknown or misplaced macro letter {:?}", first as char),
        );
    }
    let mut i = 1;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let keep = if i > 1 {
        let n = body[1..i].parse::<usize>().unwrap_or(usize::MAX);
        if n == 0 {
            return err(pos, "a macro cannot keep zero parts");
        }
        Some(n)
    } else {
        None
    };
    let reverse = matches!(b.get(i), Some(b'r' | b'R'));
    if reverse {
        i += 1;
    }
    let delims = &body[i..];
    if !delims.bytes().all(|c| b".-+,/_=".contains(&c)) {
        return err(pos, format!("bad macro transformers in \"%{{{body}}}\""));
    }
    Ok(Piece::Macro {
        letter,
        upper: first.is_ascii_uppercase(),
        keep,
        reverse,
        delims,
    })
}

/// Checks a domain-spec: a macro string that ends in a macro or in `.toplabel` (section 7.1).
pub(crate) fn domain_spec(s: &str, pos: usize, exp: bool) -> Result<(), SyntaxError> {
    if s.is_empty() {
        return err(pos, "a domain is required here");
    }
    let pieces = macro_string(s, pos, exp)?;
    if let Some(Piece::Lit(last)) = pieces.last() {
        // Any "%" escape counts as a macro-expand; only plain literal text is checked.
        if s.ends_with(last) && !s.ends_with("%%") && !s.ends_with("%_") && !s.ends_with("%-") {
            let t = last.strip_suffix('.').unwrap_or(last);
            let top = t.rsplit_once('.').map(|(_, top)| top);
            if !top.is_some_and(toplabel) {
                return err(
                    pos,
                    format!("{s:?} does not end in a valid top-level label"),
                );
            }
        }
    }
    Ok(())
}

fn toplabel(l: &str) -> bool {
    let b = l.as_bytes();
    !b.is_empty()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b.iter().any(u8::is_ascii_alphabetic)
        && b.first() != Some(&b'-')
        && b.last() != Some(&b'-')
}
