//! The RFC 7208 SPF test suite (../shared/corpora/spf/rfc7208-tests.yml, from pyspf): every
//! scenario's zone is served from memory the way pyspf's runner serves it, and every test's
//! result must be one of the expected ones; where an explanation is expected it must match
//! ("DEFAULT" means the domain gave none).
//!
//! Zone conventions (SOURCE.txt): SPF-type data is served as TXT unless the name has its own TXT
//! entry (`TXT: NONE` means no TXT record); TIMEOUT makes queries for types the name has no
//! data for time out; names not in the zone are NXDOMAIN, except `error.*` names, which fail;
//! a label longer than 63 bytes fails.

use super::support::corpora;
use mailtrace::checks::spf::{self, SpfInput, SpfResult};
use mailtrace::dns::{self, Answer, DnsError, Question, RData, Rcode, Record, RecordType};
use serde_yaml::Value;
use std::collections::HashMap;

#[derive(Default)]
struct Zone {
    names: HashMap<String, Vec<Value>>,
}

fn text_parts(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::String(s) if s == "NONE" => None,
        Value::String(s) => Some(vec![s.clone()]),
        Value::Sequence(parts) => Some(
            parts
                .iter()
                .map(|p| p.as_str().unwrap_or_default().to_string())
                .collect(),
        ),
        other => Some(vec![scalar(other)]),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

impl Zone {
    /// The records of one type at one name, None if the name has none of that type.
    fn data(&self, name: &str, rtype: RecordType) -> Vec<RData> {
        let Some(entries) = self.names.get(name) else {
            return Vec::new();
        };
        let has_txt = entries
            .iter()
            .any(|e| e.as_mapping().is_some_and(|m| m.contains_key("TXT")));
        let mut out = Vec::new();
        for entry in entries {
            let Some(map) = entry.as_mapping() else {
                continue;
            };
            for (k, v) in map {
                let k = k.as_str().unwrap_or_default();
                let data = match (k, rtype) {
                    ("TXT", RecordType::Txt) => text_parts(v).map(RData::Txt),
                    ("SPF", RecordType::Txt) if !has_txt => text_parts(v).map(RData::Txt),
                    ("A", RecordType::A) => scalar(v).parse().ok().map(RData::A),
                    ("AAAA", RecordType::Aaaa) => scalar(v).parse().ok().map(RData::Aaaa),
                    ("PTR", RecordType::Ptr) => Some(RData::Ptr(dns::normalize_name(&scalar(v)))),
                    ("CNAME", _) => Some(RData::Cname(dns::normalize_name(&scalar(v)))),
                    ("MX", RecordType::Mx) => v.as_sequence().map(|s| RData::Mx {
                        preference: s.first().and_then(Value::as_u64).unwrap_or(0) as u16,
                        exchange: dns::normalize_name(&s.get(1).map(scalar).unwrap_or_default()),
                    }),
                    _ => None,
                };
                out.extend(data);
            }
        }
        out
    }

    fn timeout(&self, name: &str) -> bool {
        self.names
            .get(name)
            .is_some_and(|e| e.iter().any(|v| v.as_str() == Some("TIMEOUT")))
    }
}

impl dns::Resolver for Zone {
    fn lookup(&self, question: &Question, _timeout_ms: u32) -> Result<Answer, DnsError> {
        let mut name = question.name.clone();
        let mut records = Vec::new();
        for _ in 0..8 {
            if name.split('.').any(|l| l.len() > 63) {
                return Err(DnsError::Malformed("label longer than 63 bytes".into()));
            }
            if !self.names.contains_key(&name) {
                if name.starts_with("error.") {
                    return Err(DnsError::Network("test zone error".into()));
                }
                if records.is_empty() {
                    return Ok(Answer::nxdomain());
                }
                break;
            }
            let data = self.data(&name, question.rtype);
            if question.rtype != RecordType::Cname
                && let Some(RData::Cname(target)) =
                    data.iter().find(|d| matches!(d, RData::Cname(_)))
            {
                records.push(Record {
                    name: name.clone(),
                    ttl: 300,
                    data: RData::Cname(target.clone()),
                });
                name = target.clone();
                continue;
            }
            let data: Vec<RData> = data
                .into_iter()
                .filter(|d| d.record_type() == Some(question.rtype))
                .collect();
            if data.is_empty() && self.timeout(&name) {
                return Err(DnsError::Timeout);
            }
            records.extend(data.into_iter().map(|data| Record {
                name: name.clone(),
                ttl: 300,
                data,
            }));
            break;
        }
        Ok(Answer {
            rcode: Rcode::NoError,
            records,
        })
    }
}

#[test]
fn rfc7208_suite_passes() {
    let dir = corpora();
    let text = std::fs::read_to_string(dir.join("spf/rfc7208-tests.yml")).unwrap();
    let (mut total, mut passed, mut case_only) = (0, 0, 0);
    let mut failures = Vec::new();
    for doc in serde_yaml::Deserializer::from_str(&text) {
        let scenario = Value::deserialize(doc).expect("a YAML document");
        let mut zone = Zone::default();
        if let Some(map) = scenario["zonedata"].as_mapping() {
            for (name, entries) in map {
                let entries = entries.as_sequence().cloned().unwrap_or_default();
                zone.names
                    .entry(dns::normalize_name(name.as_str().unwrap_or_default()))
                    .or_default()
                    .extend(entries);
            }
        }
        let Some(tests) = scenario["tests"].as_mapping() else {
            continue;
        };
        for (id, t) in tests {
            total += 1;
            let id = id.as_str().unwrap_or_default();
            let input = SpfInput {
                ip: scalar(&t["host"]).parse().expect("a host IP"),
                mail_from: scalar(&t["mailfrom"]),
                helo: scalar(&t["helo"]),
                receiver: String::new(),
                now_s: 0,
            };
            let expected: Vec<String> = match &t["result"] {
                Value::Sequence(s) => s.iter().map(scalar).collect(),
                v => vec![scalar(v)],
            };
            let (outcome, _) = dns::evaluate(&zone, 1000, 200, |a| spf::check_host(&input, a));
            let Some(outcome) = outcome else {
                failures.push(format!(
                    "{id}: the check asked again for answered questions"
                ));
                continue;
            };
            // Answers arriving one at a time, in another order, must give the same outcome.
            let serial = one_by_one(&zone, &input);
            if serial.as_ref() != Some(&outcome) {
                failures.push(format!(
                    "{id}: answering one question at a time differs:\n{outcome:#?}\n{serial:#?}"
                ));
                continue;
            }
            let got = outcome.result.as_str();
            let mut ok = expected
                .iter()
                .any(|e| SpfResult::parse(e) == Some(outcome.result));
            if let Some(want) = t["explanation"].as_str() {
                let have = outcome.explanation.as_deref();
                let same = match want {
                    "DEFAULT" => have.is_none(),
                    _ => have == Some(want),
                };
                // RFC 7208 section 7.4 writes IPv6 nibbles in lowercase; pyspf keeps the case
                // the suite wrote the host in. Accepted, and counted apart.
                let case = !same && have.is_some_and(|h| h.eq_ignore_ascii_case(want));
                if case {
                    case_only += 1;
                }
                if !same && !case {
                    ok = false;
                }
            }
            if ok {
                passed += 1;
            } else {
                failures.push(format!(
                    "{id}: expected {expected:?} (explanation {:?}), got {got} (explanation {:?}): {}\n  trace: {:#?}",
                    t["explanation"].as_str(),
                    outcome.explanation,
                    outcome.summary,
                    outcome.trace
                ));
            }
        }
    }
    println!("SPF suite: {passed}/{total} passed");
    if case_only > 0 {
        println!("  ({case_only} explanation(s) differ from the suite only in letter case)");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(total, 203, "the suite has 203 tests");
}

use serde::Deserialize;

/// Answers only the last question of each round, asserting that no question comes twice.
fn one_by_one(zone: &Zone, input: &SpfInput) -> Option<spf::SpfOutcome> {
    let mut answers = HashMap::new();
    for _ in 0..500 {
        match spf::check_host(input, &answers) {
            dns::Step::Done(o) => return Some(o),
            dns::Step::Need(qs) => {
                let q = qs.last()?.clone();
                if qs.iter().any(|q| answers.contains_key(q)) {
                    return None;
                }
                let a = dns::Resolver::lookup(zone, &q, 1000);
                answers.insert(q, a);
            }
            dns::Step::Verify(_) => return None,
        }
    }
    None
}
