//! The DNS wire format (RFC 1035 section 4) for DNS-over-HTTPS (RFC 8484).
//!
//! Queries are encoded with id 0, as RFC 8484 section 4.1 asks, so that HTTP caches can share
//! them, and sent with GET (`?dns=` base64url without padding). Responses are decoded with every
//! length and offset checked against the message: name compression may only point backwards, a
//! name has at most 255 bytes, and a message at most 65,535; a response that breaks any of these
//! is [`DnsError::Malformed`], never a panic.
//!
//! Not supported: EDNS(0) options, DNSSEC records, and any record type outside
//! [`RecordType`] (kept as [`RData::Other`]).

use super::{Answer, DnsError, Question, RData, Rcode, Record, RecordType};
use base64::Engine;
use core::net::{Ipv4Addr, Ipv6Addr};

/// The largest response accepted (the DNS message size limit).
pub const MAX_MESSAGE: usize = 65_535;
/// Records decoded from one response at most; the rest are ignored.
const MAX_RECORDS: usize = 256;

/// The media type of DNS wire messages in DoH (RFC 8484 section 6).
pub const MEDIA_TYPE: &str = "application/dns-message";

/// Encodes a standard recursive query for `question` with id 0.
pub fn encode_query(question: &Question) -> Result<Vec<u8>, DnsError> {
    let mut out = Vec::with_capacity(question.name.len() + 18);
    // id 0, flags: RD; one question.
    out.extend_from_slice(&[0, 0, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
    encode_name(&question.name, &mut out)?;
    out.extend_from_slice(&question.rtype.code().to_be_bytes());
    out.extend_from_slice(&1u16.to_be_bytes());
    Ok(out)
}

fn encode_name(name: &str, out: &mut Vec<u8>) -> Result<(), DnsError> {
    let start = out.len();
    if !name.is_empty() {
        for label in name.split('.') {
            let bytes = label.as_bytes();
            if bytes.is_empty() || bytes.len() > 63 {
                return Err(DnsError::Malformed(format!(
                    "the name {name:?} has an empty label or one longer than 63 bytes"
                )));
            }
            out.push(bytes.len() as u8);
            out.extend_from_slice(bytes);
        }
    }
    out.push(0);
    if out.len() - start > 255 {
        return Err(DnsError::Malformed(format!(
            "the name {name:?} is longer than 255 bytes"
        )));
    }
    Ok(())
}

/// The GET URL for `question` at a DoH `endpoint` (RFC 8484 section 4.1).
pub fn get_url(endpoint: &str, question: &Question) -> Result<String, DnsError> {
    let query = encode_query(question)?;
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(query);
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    Ok(format!("{endpoint}{separator}dns={encoded}"))
}

/// Decodes a response to `question`. The response must echo the question.
pub fn decode_response(message: &[u8], question: &Question) -> Result<Answer, DnsError> {
    if message.len() > MAX_MESSAGE {
        return Err(malformed("the response is larger than 65,535 bytes"));
    }
    let mut reader = Reader {
        msg: message,
        pos: 0,
    };
    let _id = reader.u16()?;
    let flags = reader.u16()?;
    if flags & 0x8000 == 0 {
        return Err(malformed("the message is a query, not a response"));
    }
    if flags & 0x0200 != 0 {
        return Err(malformed("the response was truncated"));
    }
    let rcode = Rcode::from_code(flags & 0x000f);
    let qdcount = reader.u16()?;
    let ancount = reader.u16()?;
    let _nscount = reader.u16()?;
    let _arcount = reader.u16()?;
    let mut echoed = false;
    let asked = presentation(&question.name);
    for _ in 0..qdcount {
        let name = reader.name()?;
        let qtype = reader.u16()?;
        let _qclass = reader.u16()?;
        if name == asked && qtype == question.rtype.code() {
            echoed = true;
        }
    }
    if !echoed {
        return Err(malformed("the response does not answer the question asked"));
    }
    let mut records = Vec::new();
    for _ in 0..ancount {
        let name = reader.name()?;
        let rtype = reader.u16()?;
        let _class = reader.u16()?;
        let ttl = reader.u32()?;
        let length = reader.u16()?;
        let end = reader.pos + usize::from(length);
        if end > message.len() {
            return Err(malformed("a record runs past the end of the message"));
        }
        let data = decode_rdata(&mut reader, rtype, length, end)?;
        reader.pos = end;
        if records.len() < MAX_RECORDS {
            records.push(Record { name, ttl, data });
        }
    }
    Ok(Answer { rcode, records })
}

fn decode_rdata(
    reader: &mut Reader<'_>,
    rtype: u16,
    length: u16,
    end: usize,
) -> Result<RData, DnsError> {
    let data = match RecordType::from_code(rtype) {
        Some(RecordType::A) => {
            let b = reader.take(4)?;
            RData::A(Ipv4Addr::new(b[0], b[1], b[2], b[3]))
        }
        Some(RecordType::Aaaa) => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(reader.take(16)?);
            RData::Aaaa(Ipv6Addr::from(octets))
        }
        Some(RecordType::Ns) => RData::Ns(reader.name()?),
        Some(RecordType::Cname) => RData::Cname(reader.name()?),
        Some(RecordType::Ptr) => RData::Ptr(reader.name()?),
        Some(RecordType::Mx) => {
            let preference = reader.u16()?;
            RData::Mx {
                preference,
                exchange: reader.name()?,
            }
        }
        Some(RecordType::Txt) => {
            let mut parts = Vec::new();
            while reader.pos < end {
                let len = usize::from(reader.take(1)?[0]);
                if reader.pos + len > end {
                    return Err(malformed("a TXT string runs past its record"));
                }
                parts.push(String::from_utf8_lossy(reader.take(len)?).into_owned());
            }
            RData::Txt(parts)
        }
        Some(RecordType::Soa) => RData::Soa,
        None => RData::Other {
            code: rtype,
            length,
        },
    };
    if reader.pos > end {
        return Err(malformed("a record's data is longer than its length says"));
    }
    Ok(data)
}

fn malformed(why: &str) -> DnsError {
    DnsError::Malformed(why.to_string())
}

struct Reader<'a> {
    msg: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DnsError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.msg.len())
            .ok_or_else(|| malformed("the message ends too early"))?;
        let out = &self.msg[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn u16(&mut self) -> Result<u16, DnsError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, DnsError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Reads a possibly compressed name (RFC 1035 section 4.1.4) in presentation form,
    /// lowercase. Pointers must point strictly backwards, which rules out loops.
    fn name(&mut self) -> Result<String, DnsError> {
        let mut out = String::new();
        let mut wire_len = 1usize;
        let mut pos = self.pos;
        let mut resume: Option<usize> = None;
        loop {
            let len = *self
                .msg
                .get(pos)
                .ok_or_else(|| malformed("a name runs past the end of the message"))?;
            match len & 0xc0 {
                0x00 if len == 0 => {
                    pos += 1;
                    break;
                }
                0x00 => {
                    let start = pos + 1;
                    let label = self
                        .msg
                        .get(start..start + usize::from(len))
                        .ok_or_else(|| malformed("a label runs past the end of the message"))?;
                    wire_len += usize::from(len) + 1;
                    if wire_len > 255 {
                        return Err(malformed("a name is longer than 255 bytes"));
                    }
                    if !out.is_empty() {
                        out.push('.');
                    }
                    push_label(&mut out, label);
                    pos = start + usize::from(len);
                }
                0xc0 => {
                    let low = *self
                        .msg
                        .get(pos + 1)
                        .ok_or_else(|| malformed("a name pointer is cut off"))?;
                    let target = (usize::from(len & 0x3f) << 8) | usize::from(low);
                    if target >= pos {
                        return Err(malformed("a name pointer does not point backwards"));
                    }
                    if resume.is_none() {
                        resume = Some(pos + 2);
                    }
                    pos = target;
                }
                _ => return Err(malformed("a label has an unknown type")),
            }
        }
        self.pos = resume.unwrap_or(pos);
        Ok(out)
    }
}

/// A name as a question holds it (raw label bytes, dots between labels) in the presentation
/// form the decoder gives names read from a message, so the two compare: a space in a label
/// (valid in DNS) is `\\032` in both.
pub fn presentation(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (i, label) in name.split('.').enumerate() {
        if i > 0 {
            out.push('.');
        }
        push_label(&mut out, label.as_bytes());
    }
    out
}

/// Appends a label in presentation form: lowercase ASCII, with dots, backslashes and bytes
/// outside printable ASCII escaped as `\DDD` (RFC 1035 section 5.1).
fn push_label(out: &mut String, label: &[u8]) {
    for &b in label {
        match b {
            b'.' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x21..=0x7e => out.push(char::from(b.to_ascii_lowercase())),
            _ => out.push_str(&format!("\\{b:03}")),
        }
    }
}

/// Encodes a response (used by tests and the fuzz target to build messages).
pub fn encode_response(question: &Question, answer: &Answer) -> Result<Vec<u8>, DnsError> {
    let mut out = Vec::new();
    let flags: u16 = 0x8180 | (answer.rcode.code() & 0x000f);
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&flags.to_be_bytes());
    out.extend_from_slice(&1u16.to_be_bytes());
    out.extend_from_slice(&(answer.records.len() as u16).to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    encode_name(&question.name, &mut out)?;
    out.extend_from_slice(&question.rtype.code().to_be_bytes());
    out.extend_from_slice(&1u16.to_be_bytes());
    for record in &answer.records {
        encode_name(&record.name, &mut out)?;
        let (code, rdata) = match &record.data {
            RData::A(ip) => (1, ip.octets().to_vec()),
            RData::Aaaa(ip) => (28, ip.octets().to_vec()),
            RData::Ns(n) | RData::Cname(n) | RData::Ptr(n) => {
                let mut v = Vec::new();
                encode_name(n, &mut v)?;
                let code = match &record.data {
                    RData::Ns(_) => 2,
                    RData::Cname(_) => 5,
                    _ => 12,
                };
                (code, v)
            }
            RData::Mx {
                preference,
                exchange,
            } => {
                let mut v = preference.to_be_bytes().to_vec();
                encode_name(exchange, &mut v)?;
                (15, v)
            }
            RData::Txt(parts) => {
                let mut v = Vec::new();
                for p in parts {
                    let bytes = p.as_bytes();
                    for chunk in bytes.chunks(255) {
                        v.push(chunk.len() as u8);
                        v.extend_from_slice(chunk);
                    }
                }
                (16, v)
            }
            RData::Soa => (6, Vec::new()),
            RData::Other { code, .. } => (*code, Vec::new()),
        };
        out.extend_from_slice(&u16::to_be_bytes(code));
        out.extend_from_slice(&1u16.to_be_bytes());
        out.extend_from_slice(&record.ttl.to_be_bytes());
        out.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
        out.extend_from_slice(&rdata);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(name: &str, t: RecordType) -> Question {
        Question::new(name, t)
    }

    #[test]
    fn query_encodes_with_id_zero_and_rd() {
        let bytes = encode_query(&q("Example.COM.", RecordType::Mx)).unwrap();
        assert_eq!(&bytes[..4], &[0, 0, 1, 0]);
        assert_eq!(
            &bytes[12..],
            b"\x07example\x03com\x00\x00\x0f\x00\x01".as_slice()
        );
    }

    #[test]
    fn get_url_is_base64url_without_padding() {
        let url = get_url("https://dns.example/dns-query", &q("a.b", RecordType::A)).unwrap();
        assert!(url.starts_with("https://dns.example/dns-query?dns="));
        assert!(!url.contains('='.to_string().repeat(2).as_str()));
        assert!(!url.ends_with('='));
        let url2 = get_url("https://dns.example/q?x=1", &q("a.b", RecordType::A)).unwrap();
        assert!(url2.contains("?x=1&dns="));
    }

    #[test]
    fn overlong_names_are_refused() {
        let label = "a".repeat(64);
        assert!(encode_query(&q(&label, RecordType::A)).is_err());
        let long = vec!["abcdefghi"; 30].join(".");
        assert!(encode_query(&q(&long, RecordType::A)).is_err());
    }

    #[test]
    fn round_trip_of_every_decoded_type() {
        let question = q("x.example", RecordType::Txt);
        let answer = Answer::records(vec![
            Record {
                name: "x.example".into(),
                ttl: 60,
                data: RData::Txt(vec!["v=spf1 ".into(), "-all".into()]),
            },
            Record {
                name: "x.example".into(),
                ttl: 60,
                data: RData::A(Ipv4Addr::new(192, 0, 2, 1)),
            },
            Record {
                name: "x.example".into(),
                ttl: 60,
                data: RData::Aaaa("2001:db8::1".parse().unwrap()),
            },
            Record {
                name: "x.example".into(),
                ttl: 60,
                data: RData::Mx {
                    preference: 10,
                    exchange: "mx.example".into(),
                },
            },
            Record {
                name: "x.example".into(),
                ttl: 60,
                data: RData::Ptr("host.example".into()),
            },
        ]);
        let bytes = encode_response(&question, &answer).unwrap();
        let decoded = decode_response(&bytes, &question).unwrap();
        assert_eq!(decoded, answer);
        assert_eq!(
            decoded.records[0].data.txt_joined().as_deref(),
            Some("v=spf1 -all")
        );
    }

    #[test]
    fn compression_pointers_are_followed_backwards_only() {
        let question = q("a.example", RecordType::Ptr);
        let mut msg = vec![0, 0, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0];
        msg.extend_from_slice(b"\x01a\x07example\x00\x00\x0c\x00\x01");
        // answer: name = pointer to offset 12, PTR data = "h" + pointer to "example" (offset 14)
        msg.extend_from_slice(&[0xc0, 12, 0, 12, 0, 1, 0, 0, 0, 60, 0, 4, 1, b'h', 0xc0, 14]);
        let answer = decode_response(&msg, &question).unwrap();
        assert_eq!(answer.records[0].data, RData::Ptr("h.example".into()));

        // A pointer to itself is a loop: refused.
        let mut bad = msg.clone();
        let at = bad.len() - 2;
        bad[at + 1] = at as u8;
        assert!(matches!(
            decode_response(&bad, &question),
            Err(DnsError::Malformed(_))
        ));
    }

    #[test]
    fn truncated_and_foreign_messages_are_malformed() {
        let question = q("a.example", RecordType::A);
        let answer = Answer::records(vec![Record {
            name: "a.example".into(),
            ttl: 1,
            data: RData::A(Ipv4Addr::LOCALHOST),
        }]);
        let bytes = encode_response(&question, &answer).unwrap();
        for cut in 0..bytes.len() {
            assert!(
                decode_response(&bytes[..cut], &question).is_err(),
                "cut {cut}"
            );
        }
        let other = q("b.example", RecordType::A);
        assert!(decode_response(&bytes, &other).is_err());
        let query = encode_query(&question).unwrap();
        assert!(decode_response(&query, &question).is_err());
    }

    #[test]
    fn odd_label_bytes_are_escaped() {
        let mut out = String::new();
        push_label(&mut out, b"A.b\\c\x00 ");
        assert_eq!(out, "a\\.b\\\\c\\000\\032");
    }

    #[test]
    fn a_name_with_a_space_is_answered_not_temperror() {
        // A TXT record at "with space._domainkey.sender.example": valid in DNS (RFC 2181 11).
        let q = Question::new("with space._domainkey.sender.example", RecordType::Txt);
        let answer = Answer {
            rcode: Rcode::NoError,
            records: vec![Record {
                name: q.name.clone(),
                ttl: 300,
                data: RData::Txt(vec!["v=DKIM1; p=".into()]),
            }],
        };
        let wire = encode_response(&q, &answer).unwrap();
        let decoded = decode_response(&wire, &q).expect("the echoed question matches");
        assert_eq!(
            decoded.records[0].name,
            "with\\032space._domainkey.sender.example"
        );
        assert_eq!(
            decoded.data_for(&q).len(),
            1,
            "the record is found for the question"
        );
    }
}
