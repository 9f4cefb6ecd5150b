//! Unit tests against tests/zones/reputation.zone.

use super::*;
use crate::dns::zone::MemoryResolver;
use crate::dns::{DnsError, evaluate};
use std::collections::HashMap;

const ZONE: &str = include_str!("../../tests/zones/reputation.zone");

fn zone() -> MemoryResolver {
    MemoryResolver::from_zone(ZONE).expect("the test zone reads")
}

fn ip(text: &str) -> IpAddr {
    text.parse().expect("test address")
}

fn run_ip_with(r: &MemoryResolver, addr: &str, config: &BlocklistConfig) -> IpReputation {
    let (result, _) = evaluate(r, 1000, 100, |a| check_ip(ip(addr), config, a));
    result.expect("the check ends")
}

fn run_ip(addr: &str) -> IpReputation {
    run_ip_with(&zone(), addr, &BlocklistConfig::default())
}

fn list<'a>(rep: &'a IpReputation, name: &str) -> &'a ListResult {
    rep.lists
        .iter()
        .find(|l| l.list.starts_with(name))
        .expect("list present")
}

#[test]
fn each_zen_code_is_decoded() {
    for (last, code) in [
        ("2", "SBL"),
        ("3", "CSS"),
        ("4", "XBL"),
        ("9", "DROP"),
        ("10", "PBL (ISP)"),
        ("11", "PBL (Spamhaus)"),
    ] {
        let rep = run_ip(&format!("192.0.2.{last}"));
        let zen = list(&rep, "Spamhaus ZEN");
        assert_eq!(zen.status, ListStatus::Listed, "192.0.2.{last}");
        assert_eq!(zen.codes.len(), 1);
        assert_eq!(zen.codes[0].name, code);
        assert_eq!(zen.codes[0].answer, format!("127.0.0.{last}"));
        assert_eq!(
            zen.delist_url.as_deref(),
            Some("https://check.spamhaus.org/")
        );
        assert!(rep.listed());
        assert_eq!(list(&rep, "Barracuda").status, ListStatus::NotListed);
        assert_eq!(list(&rep, "SpamCop").status, ListStatus::NotListed);
        let findings = rep.findings();
        assert_eq!(findings[0].code, "blocklist.ip.listed");
        assert_eq!(findings[0].severity, Severity::Problem);
    }
    let sbl = run_ip("192.0.2.2");
    let zen = list(&sbl, "Spamhaus ZEN");
    assert!(zen.reason.as_deref().unwrap().contains("SBLTEST"));
    assert!(zen.explanation.contains("SBLTEST"));
    // several codes in one answer
    let multi = run_ip("192.0.2.12");
    let names: Vec<&str> = list(&multi, "Spamhaus ZEN")
        .codes
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["XBL", "PBL (ISP)"]);
}

#[test]
fn barracuda_and_spamcop_listings() {
    let rep = run_ip("192.0.2.20");
    let b = list(&rep, "Barracuda");
    assert_eq!(b.status, ListStatus::Listed);
    assert_eq!(b.codes[0].name, "BRBL");
    assert!(b.reason.as_deref().unwrap().contains("barracudanetworks"));
    assert_eq!(list(&rep, "Spamhaus ZEN").status, ListStatus::NotListed);
    let rep = run_ip("192.0.2.30");
    let s = list(&rep, "SpamCop");
    assert_eq!(s.status, ListStatus::Listed);
    assert_eq!(s.codes[0].name, "SCBL");
    assert!(s.lookup_url.as_deref().unwrap().starts_with("https://"));
}

#[test]
fn not_listed_anywhere() {
    let rep = run_ip("198.51.100.1");
    assert_eq!(rep.lists.len(), 3);
    assert!(rep.lists.iter().all(|l| l.status == ListStatus::NotListed));
    assert!(!rep.listed());
    let findings = rep.findings();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, "blocklist.ip.not-listed");
    assert_eq!(findings[0].severity, Severity::Info);
}

#[test]
fn spamhaus_error_codes_are_never_listings() {
    for (last, words) in [
        ("40", "public DNS resolvers"),
        ("41", "typo"),
        ("42", "too many queries"),
    ] {
        let rep = run_ip(&format!("192.0.2.{last}"));
        let zen = list(&rep, "Spamhaus ZEN");
        assert_eq!(zen.status, ListStatus::CouldNotCheck, "192.0.2.{last}");
        assert!(zen.explanation.contains(words), "{}", zen.explanation);
        assert!(zen.explanation.contains("DQS key"));
        assert!(!rep.listed());
        assert!(
            rep.findings()
                .iter()
                .all(|f| f.code != "blocklist.ip.listed" && f.severity == Severity::Info)
        );
    }
    // an answer outside 127/8 from any list
    let rep = run_ip("192.0.2.43");
    assert_eq!(list(&rep, "SpamCop").status, ListStatus::CouldNotCheck);
}

#[test]
fn a_list_that_times_out_or_refuses_does_not_hold_the_others() {
    let mut r = zone();
    let qa = Question::new("2.2.0.192.b.barracudacentral.org", RecordType::A);
    r.set(qa, Err(DnsError::Timeout));
    let refused = crate::dns::Answer {
        rcode: Rcode::Refused,
        records: Vec::new(),
    };
    r.set(
        Question::new("2.2.0.192.bl.spamcop.net", RecordType::A),
        Ok(refused),
    );
    let rep = run_ip_with(&r, "192.0.2.2", &BlocklistConfig::default());
    assert_eq!(list(&rep, "Spamhaus ZEN").status, ListStatus::Listed);
    let b = list(&rep, "Barracuda");
    assert_eq!(b.status, ListStatus::CouldNotCheck);
    assert!(b.explanation.contains("timeout"), "{}", b.explanation);
    assert!(b.explanation.contains("registered"));
    assert_eq!(list(&rep, "SpamCop").status, ListStatus::CouldNotCheck);

    // A snapshot with only ZEN answered: ZEN is reported, the others are pending.
    let mut answers: HashMap<Question, Result<crate::dns::Answer, DnsError>> = HashMap::new();
    let qz = Question::new("2.2.0.192.zen.spamhaus.org", RecordType::A);
    answers.insert(qz.clone(), r.answer(&qz));
    let snap = check_ip_snapshot(ip("192.0.2.2"), &BlocklistConfig::default(), &answers);
    assert_eq!(list(&snap, "Spamhaus ZEN").status, ListStatus::Listed);
    assert_eq!(list(&snap, "Barracuda").status, ListStatus::Pending);
    assert!(
        snap.findings()
            .iter()
            .any(|f| f.code == "blocklist.ip.pending")
    );
}

#[test]
fn all_list_queries_go_out_in_one_round() {
    let answers: HashMap<Question, Result<crate::dns::Answer, DnsError>> = HashMap::new();
    let config = BlocklistConfig {
        lists: vec![ListSpec {
            zone: "all.bl.test".into(),
            kind: ListKind::Ip,
        }],
        ..Default::default()
    };
    let Step::Need(first) = check_ip(ip("192.0.2.2"), &config, &answers) else {
        panic!("needs DNS");
    };
    // 4 lists: A, TXT and the RFC 5782 test entry for each
    assert_eq!(first.len(), 12, "{first:?}");
    for zone in [
        "zen.spamhaus.org",
        "b.barracudacentral.org",
        "bl.spamcop.net",
        "all.bl.test",
    ] {
        for rtype in [RecordType::A, RecordType::Txt] {
            assert!(first.contains(&Question::new(&format!("2.2.0.192.{zone}"), rtype)));
        }
        assert!(first.contains(&Question::new(&format!("1.0.0.127.{zone}"), RecordType::A)));
    }
    // and one round is enough: evaluate asks each question once, in one batch
    let r = zone();
    let mut rounds = 0;
    let (result, asked) = evaluate(&r, 1000, 100, |a| {
        rounds += 1;
        check_ip(ip("192.0.2.2"), &config, a)
    });
    assert_eq!(rounds, 2, "one round of questions, then done");
    assert_eq!(asked.len(), 12);
    assert!(result.is_some());
}

#[test]
fn a_list_answering_everything_is_not_a_listing() {
    let config = BlocklistConfig {
        lists: vec![ListSpec {
            zone: "all.bl.test".into(),
            kind: ListKind::Ip,
        }],
        ..Default::default()
    };
    let rep = run_ip_with(&zone(), "198.51.100.1", &config);
    let all = list(&rep, "all.bl.test");
    assert_eq!(all.status, ListStatus::CouldNotCheck);
    assert!(all.explanation.contains("RFC 5782"));
    assert!(!rep.listed());
}

#[test]
fn ipv6_listing_uses_nibbles() {
    let rep = run_ip("2001:db8::2");
    let zen = list(&rep, "Spamhaus ZEN");
    assert_eq!(zen.status, ListStatus::Listed);
    assert_eq!(zen.codes[0].name, "SBL");
    assert!(zen.evidence[0].question.starts_with("2.0.0.0.0.0.0.0"));
    assert_eq!(
        lists::reversed(ip("2001:db8::2")),
        "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"
    );
    assert_eq!(lists::reversed(ip("::ffff:192.0.2.1")), "1.2.0.192");
}

#[test]
fn dqs_key_replaces_public_spamhaus_zones_and_is_hidden() {
    let config = BlocklistConfig {
        spamhaus_dqs_key: Some("testkey0".into()),
        ..Default::default()
    };
    let rep = run_ip_with(&zone(), "192.0.2.2", &config);
    let zen = list(&rep, "Spamhaus ZEN");
    assert_eq!(zen.status, ListStatus::Listed);
    assert_eq!(zen.zone, "KEY.zen.dq.spamhaus.net");
    let json = serde_json::to_string(&rep).unwrap();
    assert!(!json.contains("testkey0"), "{json}");
    let bad = BlocklistConfig {
        spamhaus_dqs_key: Some("bad key.".into()),
        ..Default::default()
    };
    let rep = run_ip_with(&zone(), "192.0.2.2", &bad);
    assert_eq!(list(&rep, "Spamhaus ZEN").status, ListStatus::CouldNotCheck);
}

#[test]
fn private_addresses_are_not_asked() {
    let answers: HashMap<Question, Result<crate::dns::Answer, DnsError>> = HashMap::new();
    let Step::Done(rep) = check_ip(ip("10.1.2.3"), &BlocklistConfig::default(), &answers) else {
        panic!("no DNS for a private address");
    };
    assert!(
        rep.lists
            .iter()
            .all(|l| l.status == ListStatus::CouldNotCheck)
    );
}
