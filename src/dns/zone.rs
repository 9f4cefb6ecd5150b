//! Answers from memory: a zone written as lines of resource records, or the DNS evidence
//! recorded in a report.
//!
//! The zone syntax is the one unbound's `local-data` takes, so one file serves both the
//! in-memory tests and the loopback DoH server: `name [ttl] [IN] TYPE data`, with `;` or `#`
//! starting a comment line. TXT data is one or more quoted strings (`\"` and `\\` escapes).
//! Names not in the zone get NXDOMAIN; a name that exists with other types, or that has names
//! below it, gets an empty NOERROR answer (as `local-zone: "." static` does in unbound).

use super::{
    Answer, DnsError, Question, RData, Rcode, Record, RecordType, Resolver, normalize_name,
};
use std::collections::HashMap;

/// A set of answers held in memory.
#[derive(Debug, Clone, Default)]
pub struct MemoryResolver {
    records: Vec<Record>,
    fixed: HashMap<Question, Result<Answer, DnsError>>,
}

/// A line of a zone that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub message: String,
}

impl std::fmt::Display for ZoneError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "zone line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ZoneError {}

impl MemoryResolver {
    /// An empty resolver: every name is NXDOMAIN.
    pub fn new() -> MemoryResolver {
        MemoryResolver::default()
    }

    /// Reads zone lines (see the module documentation).
    pub fn from_zone(text: &str) -> Result<MemoryResolver, ZoneError> {
        let mut resolver = MemoryResolver::new();
        resolver.add_zone(text)?;
        Ok(resolver)
    }

    /// Adds zone lines.
    pub fn add_zone(&mut self, text: &str) -> Result<(), ZoneError> {
        for (index, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with(';') || trimmed.starts_with('#') {
                continue;
            }
            let record = parse_record(trimmed).map_err(|message| ZoneError {
                line: index + 1,
                message,
            })?;
            self.records.push(record);
        }
        Ok(())
    }

    /// Makes `question` get exactly this outcome (an error, say), whatever the zone holds.
    pub fn set(&mut self, question: Question, outcome: Result<Answer, DnsError>) {
        self.fixed.insert(question, outcome);
    }

    /// Answers the questions recorded in a report's DNS evidence exactly as they were answered.
    pub fn from_exchanges<'a>(
        exchanges: impl IntoIterator<Item = &'a crate::dns::DnsExchange>,
    ) -> MemoryResolver {
        let mut resolver = MemoryResolver::new();
        for exchange in exchanges {
            if let Some(outcome) = exchange.outcome() {
                resolver.set(exchange.question.clone(), outcome);
            }
        }
        resolver
    }

    /// Answers a question from memory.
    pub fn answer(&self, question: &Question) -> Result<Answer, DnsError> {
        if let Some(fixed) = self.fixed.get(question) {
            return fixed.clone();
        }
        let mut records = Vec::new();
        let mut name = question.name.clone();
        for _ in 0..8 {
            let at_name: Vec<&Record> = self.records.iter().filter(|r| r.name == name).collect();
            if let Some(cname) = at_name.iter().find_map(|r| match &r.data {
                RData::Cname(target) if question.rtype != RecordType::Cname => Some(target.clone()),
                _ => None,
            }) {
                records.extend(at_name.iter().map(|r| (*r).clone()));
                name = cname;
                continue;
            }
            let matching: Vec<Record> = at_name
                .iter()
                .filter(|r| r.data.record_type() == Some(question.rtype))
                .map(|r| (*r).clone())
                .collect();
            let exists = !at_name.is_empty() || self.has_names_below(&name);
            if !exists && records.is_empty() {
                return Ok(Answer::nxdomain());
            }
            records.extend(matching);
            break;
        }
        Ok(Answer {
            rcode: Rcode::NoError,
            records,
        })
    }

    fn has_names_below(&self, name: &str) -> bool {
        let suffix = format!(".{name}");
        self.records.iter().any(|r| r.name.ends_with(&suffix))
    }
}

impl Resolver for MemoryResolver {
    fn lookup(&self, question: &Question, _timeout_ms: u32) -> Result<Answer, DnsError> {
        self.answer(question)
    }
}

fn parse_record(line: &str) -> Result<Record, String> {
    let mut rest = line;
    let name = next_word(&mut rest).ok_or("missing name")?;
    let mut ttl = 300u32;
    let mut word = next_word(&mut rest).ok_or("missing type")?;
    if let Ok(value) = word.parse::<u32>() {
        ttl = value;
        word = next_word(&mut rest).ok_or("missing type")?;
    }
    if word.eq_ignore_ascii_case("IN") {
        word = next_word(&mut rest).ok_or("missing type")?;
    }
    let rtype = RecordType::parse(word).ok_or_else(|| format!("unknown type {word:?}"))?;
    let data_text = rest.trim();
    let data = match rtype {
        RecordType::A => RData::A(data_text.parse().map_err(|_| "bad IPv4 address")?),
        RecordType::Aaaa => RData::Aaaa(data_text.parse().map_err(|_| "bad IPv6 address")?),
        RecordType::Ns => RData::Ns(normalize_name(data_text)),
        RecordType::Cname => RData::Cname(normalize_name(data_text)),
        RecordType::Ptr => RData::Ptr(normalize_name(data_text)),
        RecordType::Mx => {
            let mut parts = data_text.split_whitespace();
            let preference = parts
                .next()
                .and_then(|p| p.parse().ok())
                .ok_or("bad MX preference")?;
            let exchange = normalize_name(parts.next().ok_or("missing MX exchange")?);
            RData::Mx {
                preference,
                exchange,
            }
        }
        RecordType::Txt => RData::Txt(parse_txt(data_text)?),
        RecordType::Soa => RData::Soa,
    };
    Ok(Record {
        name: normalize_name(name),
        ttl,
        data,
    })
}

fn next_word<'a>(rest: &mut &'a str) -> Option<&'a str> {
    let trimmed = rest.trim_start();
    if trimmed.is_empty() {
        return None;
    }
    let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
    let (word, tail) = trimmed.split_at(end);
    *rest = tail;
    Some(word)
}

fn parse_txt(text: &str) -> Result<Vec<String>, String> {
    let mut parts = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        match chars.next() {
            None => break,
            Some('"') => {
                let mut part = String::new();
                loop {
                    match chars.next() {
                        None => return Err("unterminated TXT string".into()),
                        Some('"') => break,
                        Some('\\') => part.push(chars.next().ok_or("dangling escape")?),
                        Some(c) => part.push(c),
                    }
                }
                parts.push(part);
            }
            Some(_) => return Err("TXT data must be quoted strings".into()),
        }
    }
    if parts.is_empty() {
        return Err("TXT record without strings".into());
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZONE: &str = r#"
; a comment
example.com. 300 IN MX 10 mx.example.com.
example.com. IN TXT "v=spf1 " "ip4:192.0.2.0/24 -all"
mx.example.com. A 192.0.2.10
alias.example.com. CNAME mx.example.com.
deep.below.example.org. A 192.0.2.20
"#;

    #[test]
    fn answers_like_a_static_local_zone() {
        let r = MemoryResolver::from_zone(ZONE).unwrap();
        let mx = r
            .answer(&Question::new("EXAMPLE.com.", RecordType::Mx))
            .unwrap();
        assert_eq!(mx.records.len(), 1);
        let txt = r
            .answer(&Question::new("example.com", RecordType::Txt))
            .unwrap();
        assert_eq!(
            txt.records[0].data.txt_joined().unwrap(),
            "v=spf1 ip4:192.0.2.0/24 -all"
        );
        let none = r
            .answer(&Question::new("example.com", RecordType::A))
            .unwrap();
        assert_eq!((none.rcode, none.records.len()), (Rcode::NoError, 0));
        let nx = r
            .answer(&Question::new("nope.example.com", RecordType::A))
            .unwrap();
        assert_eq!(nx.rcode, Rcode::NxDomain);
        let ent = r
            .answer(&Question::new("below.example.org", RecordType::A))
            .unwrap();
        assert_eq!(ent.rcode, Rcode::NoError);
    }

    #[test]
    fn cnames_are_followed_and_reported() {
        let r = MemoryResolver::from_zone(ZONE).unwrap();
        let q = Question::new("alias.example.com", RecordType::A);
        let a = r.answer(&q).unwrap();
        assert_eq!(a.records.len(), 2);
        assert_eq!(
            a.data_for(&q),
            vec![&RData::A("192.0.2.10".parse().unwrap())]
        );
    }

    #[test]
    fn bad_lines_name_their_line() {
        let err =
            MemoryResolver::from_zone("ok.example A 192.0.2.1\nbad.example A nope").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(MemoryResolver::from_zone("x TXT unquoted").is_err());
        assert!(MemoryResolver::from_zone("x TXT \"open").is_err());
    }

    #[test]
    fn fixed_outcomes_win() {
        let mut r = MemoryResolver::from_zone(ZONE).unwrap();
        let q = Question::new("example.com", RecordType::Mx);
        r.set(q.clone(), Err(DnsError::Timeout));
        assert_eq!(r.answer(&q), Err(DnsError::Timeout));
    }
}
