//! The DMARC corpus (../shared/corpora/dmarc/mailauth_dmarc_cases.json, from mailauth's
//! tests): each call's DNS zone becomes a resolver (absent names NXDOMAIN, `{error: ETIMEOUT}`
//! a timeout, `{error: ENODATA}` an empty answer, `"*"` the same answer for every question),
//! `verifyDmarc` runs `dmarc::evaluate`, `getDmarcRecord` runs `dmarc::discover`, and the
//! outcome is shown in mailauth's shape so the corpus's chai assertions can be checked by path.
//! Assertions on mailauth-only fields (`mailauth_api_specific`) are skipped. Cases marked
//! `skipped_upstream` (RFC 9989 behaviour) run in RFC 9989 mode, the others in RFC 7489 mode
//! (and, for information, again in RFC 9989 mode).
//!
//! Mapping: `status.result` = result; `policy` = the applied policy (absent when none);
//! `domain` and `status.header.d` = the policy domain; `status.header.from` = the From domain;
//! `alignment.{spf,dkim}.result` = the organizational domain of an aligned passing identifier
//! (false when none); `p`, `sp`, `pct` = the record's tags (`pct` only in RFC 7489 mode, as RFC
//! 9989 made it historic).

use super::support::corpora;
use mailtrace::checks::dmarc::{
    self, AlignmentMode, DiscoveryStatus, DmarcInput, DmarcMode, DmarcOutcome,
};
use mailtrace::dns::{self, Answer, DnsError, Question, RData, Record, RecordType, Resolver};
use serde_json::{Value, json};
use std::cell::RefCell;

/// Cases where this implementation follows the RFC rather than mailauth, with the reason; their
/// corpus assertions are expected to fail and the RFC behaviour is checked instead.
const DEVIATIONS: &[(u64, &str)] = &[(
    45,
    "pct=invalid: mailauth reads it as 0 (the policy applied to no message); RFC 7489 section \
     6.3 says invalid values are discarded in favour of the default (100), and the error is \
     reported with its position",
)];

struct CaseResolver {
    dns: Value,
    asked: RefCell<Vec<Question>>,
}

impl Resolver for CaseResolver {
    fn lookup(&self, question: &Question, _timeout_ms: u32) -> Result<Answer, DnsError> {
        self.asked.borrow_mut().push(question.clone());
        if let Some(all) = self.dns.get("*").and_then(|v| v.get("*")) {
            return answer_from(question, all);
        }
        match self.dns.get(&question.name) {
            None => Ok(Answer::nxdomain()),
            Some(types) => match types.get(question.rtype.as_str()) {
                None => Ok(Answer::records(Vec::new())),
                Some(value) => answer_from(question, value),
            },
        }
    }
}

fn answer_from(question: &Question, value: &Value) -> Result<Answer, DnsError> {
    if let Some(code) = value.get("error").and_then(Value::as_str) {
        return match code {
            "ETIMEOUT" => Err(DnsError::Timeout),
            "ENODATA" => Ok(Answer::records(Vec::new())),
            "ENOTFOUND" => Ok(Answer::nxdomain()),
            other => Err(DnsError::Network(other.to_string())),
        };
    }
    let mut records = Vec::new();
    for item in value.as_array().into_iter().flatten() {
        let data = match question.rtype {
            RecordType::Txt => match item {
                Value::Array(parts) => RData::Txt(
                    parts
                        .iter()
                        .map(|p| p.as_str().unwrap().to_string())
                        .collect(),
                ),
                Value::String(s) => RData::Txt(vec![s.clone()]),
                _ => continue,
            },
            RecordType::A => match item.as_str().and_then(|s| s.parse().ok()) {
                Some(ip) => RData::A(ip),
                None => continue,
            },
            RecordType::Aaaa => match item.as_str().and_then(|s| s.parse().ok()) {
                Some(ip) => RData::Aaaa(ip),
                None => continue,
            },
            RecordType::Mx => match (item.get("priority"), item.get("exchange")) {
                (Some(p), Some(e)) => RData::Mx {
                    preference: p.as_u64().unwrap() as u16,
                    exchange: e.as_str().unwrap().to_string(),
                },
                _ => continue,
            },
            _ => continue,
        };
        records.push(Record {
            name: question.name.clone(),
            ttl: 300,
            data,
        });
    }
    Ok(Answer::records(records))
}

fn domains(list: &Value) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|d| match d {
            Value::String(s) => s.clone(),
            other => other["domain"].as_str().unwrap().to_string(),
        })
        .collect()
}

fn policy_json(p: Option<dmarc::Policy>) -> Option<Value> {
    p.map(|p| json!(p.as_str()))
}

fn insert(map: &mut serde_json::Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        map.insert(key.to_string(), value);
    }
}

/// The outcome in mailauth's verifyDmarc shape.
fn verify_view(outcome: &DmarcOutcome) -> Value {
    let aligned = |id: &str| {
        outcome
            .alignment
            .iter()
            .find(|a| {
                a.identifier == id && a.aligned == Some(true) && a.result_of_mechanism == "pass"
            })
            .map(|a| json!(a.org_domain.clone().unwrap_or_else(|| a.domain.clone())))
            .unwrap_or(json!(false))
    };
    let mut map = serde_json::Map::new();
    map.insert(
        "status".into(),
        json!({"result": outcome.result.as_str(),
               "header": {"from": outcome.from_domain, "d": outcome.policy_domain}}),
    );
    insert(&mut map, "policy", policy_json(outcome.applied_policy));
    insert(
        &mut map,
        "domain",
        outcome.policy_domain.clone().map(Value::from),
    );
    if let Some(r) = &outcome.record {
        insert(&mut map, "p", policy_json(r.p));
        insert(&mut map, "sp", policy_json(r.sp));
        if outcome.mode == DmarcMode::Rfc7489 {
            insert(&mut map, "pct", r.pct.map(Value::from));
        }
    }
    map.insert(
        "alignment".into(),
        json!({"dkim": {"result": aligned("dkim")}, "spf": {"result": aligned("spf")}}),
    );
    Value::Object(map)
}

/// The discovery in mailauth's getDmarcRecord shape.
fn record_view(discovery: &dmarc::Discovery) -> Value {
    match (discovery.status, &discovery.record) {
        (DiscoveryStatus::TempError, _) => {
            let code = if discovery
                .problem
                .as_deref()
                .unwrap_or("")
                .contains("timeout")
            {
                "ETIMEOUT"
            } else {
                "ESERVFAIL"
            };
            json!({"<thrown error>": {"code": code}})
        }
        (DiscoveryStatus::Found | DiscoveryStatus::NoPolicy, Some(r)) => {
            let mut map = serde_json::Map::new();
            map.insert("v".into(), json!("DMARC1"));
            insert(&mut map, "p", policy_json(r.p));
            insert(&mut map, "sp", policy_json(r.sp));
            insert(&mut map, "pct", r.pct.map(Value::from));
            let mode = |m: AlignmentMode| json!(if m == AlignmentMode::Strict { "s" } else { "r" });
            map.insert("adkim".into(), mode(r.adkim));
            map.insert("aspf".into(), mode(r.aspf));
            insert(&mut map, "fo", r.fo.clone().map(Value::from));
            insert(&mut map, "ri", r.ri.map(Value::from));
            if !r.rua.is_empty() {
                map.insert("rua".into(), json!(r.rua.join(",")));
            }
            if !r.ruf.is_empty() {
                map.insert("ruf".into(), json!(r.ruf.join(",")));
            }
            Value::Object(map)
        }
        _ => json!(false),
    }
}

struct Run {
    /// One view per call.
    views: Vec<Value>,
    /// TXT names asked, in order, over all calls.
    txt_sequence: Vec<String>,
}

fn run_case(case: &Value, mode: DmarcMode) -> Run {
    let mut views = Vec::new();
    let mut txt_sequence = Vec::new();
    for call in case["calls"].as_array().unwrap() {
        let resolver = CaseResolver {
            dns: call["dns"].clone(),
            asked: RefCell::new(Vec::new()),
        };
        let input = &call["input"];
        let view = match call["function"].as_str().unwrap() {
            "verifyDmarc" => {
                let from: Vec<&str> = match &input["headerFrom"] {
                    Value::Array(list) => list.iter().map(|v| v.as_str().unwrap()).collect(),
                    other => vec![other.as_str().unwrap()],
                };
                match dmarc::author_domain(&from) {
                    None => json!(false),
                    Some(from_domain) => {
                        let spf = domains(&input["spfDomains"])
                            .into_iter()
                            .next()
                            .map(|d| (d, dmarc::SpfResultWord::Pass));
                        let dkim = domains(&input["dkimDomains"])
                            .into_iter()
                            .map(|d| (d, true))
                            .collect();
                        let input = DmarcInput {
                            from_domain,
                            spf,
                            dkim,
                            mode,
                        };
                        let (outcome, _) =
                            dns::evaluate(&resolver, 1000, 64, |a| dmarc::evaluate(&input, a));
                        verify_view(&outcome.expect("the evaluation ends"))
                    }
                }
            }
            "getDmarcRecord" => {
                let domain = input.as_str().unwrap().to_string();
                let (discovery, _) =
                    dns::evaluate(&resolver, 1000, 64, |a| dmarc::discover(&domain, mode, a));
                record_view(&discovery.expect("discovery ends"))
            }
            other => panic!("unknown function {other}"),
        };
        views.push(view);
        txt_sequence.extend(
            resolver
                .asked
                .borrow()
                .iter()
                .filter(|q| q.rtype == RecordType::Txt)
                .map(|q| q.name.clone()),
        );
    }
    Run {
        views,
        txt_sequence,
    }
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        _ => true,
    }
}

/// Checks one assertion; Err(what went wrong).
fn check(assertion: &Value, run: &Run) -> Result<(), String> {
    let path = assertion["path"].as_str().unwrap();
    let op = assertion["op"].as_str().unwrap();
    let expected = &assertion["expected"];
    let negated = assertion["negated"].as_bool().unwrap_or(false);
    let got: Option<Value> = if path.starts_with("dns_query_sequence") {
        Some(json!(run.txt_sequence))
    } else if let Some(rest) = path.strip_prefix("<thrown error>") {
        let last = run.views.last().unwrap();
        let mut v = last.get("<thrown error>");
        for key in rest.split('.').filter(|k| !k.is_empty()) {
            v = v.and_then(|v| v.get(key));
        }
        v.cloned()
    } else {
        let mut keys = path.split('.');
        let call: usize = keys
            .next()
            .unwrap()
            .strip_prefix("call")
            .unwrap()
            .parse()
            .unwrap();
        let mut v = run.views.get(call);
        for key in keys {
            v = v.and_then(|v| v.get(key));
        }
        v.cloned()
    };
    let holds = match op {
        "equal" | "deep.equal" => match (&got, expected) {
            (Some(Value::Number(a)), Value::Number(b)) => a.as_f64() == b.as_f64(),
            (Some(a), b) => a == b,
            (None, _) => false,
        },
        "false" => got == Some(Value::Bool(false)),
        "true" => got == Some(Value::Bool(true)),
        "ok" => truthy(got.as_ref()),
        "undefined" => got.is_none() || got == Some(Value::Bool(false)),
        "an" | "a" => matches!(
            (expected.as_str(), &got),
            (Some("object"), Some(Value::Object(_))) | (Some("string"), Some(Value::String(_)))
        ),
        "property" => got
            .as_ref()
            .and_then(|v| v.get(expected.as_str().unwrap()))
            .is_some(),
        "include" | "contain" => match (&got, expected.as_str()) {
            (Some(Value::String(s)), Some(e)) => s.contains(e),
            _ => false,
        },
        other => return Err(format!("unknown op {other}")),
    };
    if holds != negated {
        Ok(())
    } else {
        Err(format!(
            "{path} {}{op} {expected}: got {}",
            if negated { "not " } else { "" },
            got.map_or("nothing".to_string(), |v| v.to_string())
        ))
    }
}

/// Runs a case's assertions; Err(failures).
fn run_assertions(case: &Value, mode: DmarcMode) -> Result<usize, Vec<String>> {
    let run = run_case(case, mode);
    let mut failures = Vec::new();
    let mut checked = 0;
    for assertion in case["assertions"].as_array().unwrap() {
        if assertion["mailauth_api_specific"].as_bool() == Some(true) {
            continue;
        }
        checked += 1;
        if let Err(why) = check(assertion, &run) {
            failures.push(why);
        }
    }
    if failures.is_empty() {
        Ok(checked)
    } else {
        Err(failures)
    }
}

#[test]
fn dmarc_cases_evaluate_as_expected() {
    let dir = corpora();
    let text = std::fs::read_to_string(dir.join("dmarc/mailauth_dmarc_cases.json")).unwrap();
    let corpus: Value = serde_json::from_str(&text).unwrap();
    let cases = corpus["cases"].as_array().unwrap();
    assert!(cases.len() >= 80);
    let (mut passed, mut bis_passed, mut bis_total, mut assertions) = (0, 0, 0, 0);
    let (mut also_9989, mut rest_total) = (0, 0);
    let mut only_7489 = Vec::new();
    let mut bis_in_7489 = 0;
    let mut failures = Vec::new();
    let mut deviations = Vec::new();
    for case in cases {
        let id = case["id"].as_u64().unwrap();
        let bis = case["skipped_upstream"].as_bool() == Some(true);
        let mode = if bis {
            DmarcMode::Rfc9989
        } else {
            DmarcMode::Rfc7489
        };
        let outcome = run_assertions(case, mode);
        if let Some((_, reason)) = DEVIATIONS.iter().find(|(d, _)| *d == id) {
            assert!(
                outcome.is_err(),
                "#{id} is listed as a deviation but passes"
            );
            deviations.push(format!("#{id}: {reason}"));
            continue;
        }
        match outcome {
            Ok(n) => {
                passed += 1;
                assertions += n;
                if bis {
                    bis_passed += 1;
                }
            }
            Err(why) => failures.push(format!("#{id} {} ({mode:?}): {why:?}", case["test"])),
        }
        if bis {
            bis_total += 1;
            if run_assertions(case, DmarcMode::Rfc7489).is_ok() {
                bis_in_7489 += 1;
            }
        } else {
            rest_total += 1;
            if run_assertions(case, DmarcMode::Rfc9989).is_ok() {
                also_9989 += 1;
            } else {
                only_7489.push(format!("#{id}"));
            }
        }
    }
    println!(
        "DMARC cases: {passed}/{} passed (9989-specific: {bis_passed}/{bis_total}); {assertions} \
         assertions checked",
        cases.len()
    );
    println!(
        "Other cases that also pass in RFC 9989 mode: {also_9989}/{rest_total} (not: {}); \
         9989-specific cases that also pass in RFC 7489 mode: {bis_in_7489}/{bis_total}",
        only_7489.join(" ")
    );
    for d in &deviations {
        println!("deliberate deviation {d}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
