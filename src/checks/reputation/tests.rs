//! Unit tests against tests/zones/reputation.zone.

use super::*;
use crate::dns::zone::MemoryResolver;
use crate::dns::{DnsError, evaluate};
use std::collections::HashMap;

const ZONE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/zones/reputation.zone"
));

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

/// The defaults and Barracuda (off by default: it answers registered resolvers only).
fn with_barracuda() -> BlocklistConfig {
    let mut config = BlocklistConfig::default();
    config.add_zone("b.barracudacentral.org");
    config
}

fn run_ip(addr: &str) -> IpReputation {
    run_ip_with(&zone(), addr, &with_barracuda())
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
fn an_error_code_after_many_listing_codes_is_still_an_error() {
    // Nine listing codes, then Spamhaus's "public resolver" error code: could not check.
    let mut zone = zone();
    let mut records = String::new();
    for last in [2, 3, 4, 5, 6, 7, 9, 10, 11] {
        records.push_str(&format!(
            "44.2.0.192.zen.spamhaus.org. 300 IN A 127.0.0.{last}\n"
        ));
    }
    records.push_str("44.2.0.192.zen.spamhaus.org. 300 IN A 127.255.255.254\n");
    zone.add_zone(&records).unwrap();
    let rep = run_ip_with(&zone, "192.0.2.44", &BlocklistConfig::default());
    let zen = list(&rep, "Spamhaus ZEN");
    assert_eq!(zen.status, ListStatus::CouldNotCheck, "{}", zen.explanation);
    assert!(!rep.listed());
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
    let rep = run_ip_with(&r, "192.0.2.2", &with_barracuda());
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
    let snap = check_ip_snapshot(ip("192.0.2.2"), &with_barracuda(), &answers);
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
    let mut config = with_barracuda();
    config.lists.push(ListSpec {
        zone: "all.bl.test".into(),
        kind: ListKind::Ip,
    });
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

fn run_domains(domains: &[&str], config: &BlocklistConfig) -> Vec<DomainListing> {
    let domains: Vec<String> = domains.iter().map(|d| d.to_string()).collect();
    let (result, _) = evaluate(&zone(), 1000, 200, |a| {
        check_domains_on_lists(&domains, config, a)
    });
    result.expect("the check ends")
}

#[test]
fn dbl_codes_and_domain_lists() {
    let config = BlocklistConfig {
        surbl: true,
        uribl: true,
        ..Default::default()
    };
    let out = run_domains(
        &[
            "www.spam-domain.test",
            "spam-domain.test",
            "phish-domain.test",
            "malware-domain.test",
            "botnet-domain.test",
            "abused-domain.test",
            "ipquery-domain.test",
            "surbl-domain.test",
            "uribl-domain.test",
            "clean.test",
            "not a domain",
            "192.0.2.1",
        ],
        &config,
    );
    let by = |d: &str| out.iter().find(|l| l.domain == d).expect(d);
    assert_eq!(out.len(), 9, "duplicates and non-domains dropped");
    for (d, code) in [
        ("spam-domain.test", "spam domain"),
        ("phish-domain.test", "phish domain"),
        ("malware-domain.test", "malware domain"),
        ("botnet-domain.test", "botnet C&C domain"),
        ("abused-domain.test", "abused legit domain"),
    ] {
        let dbl = &by(d).lists[0];
        assert_eq!(dbl.list, "Spamhaus DBL");
        assert_eq!(dbl.status, ListStatus::Listed, "{d}");
        assert_eq!(dbl.codes[0].name, code);
    }
    assert!(by("spam-domain.test").lists[0].reason.is_some());
    assert_eq!(
        by("ipquery-domain.test").lists[0].status,
        ListStatus::CouldNotCheck
    );
    let surbl = &by("surbl-domain.test").lists[1];
    assert_eq!(
        (surbl.list.as_str(), surbl.status),
        ("SURBL", ListStatus::Listed)
    );
    assert_eq!(surbl.codes[0].name, "PH+ABUSE");
    let uribl = &by("uribl-domain.test").lists[2];
    assert_eq!(
        (uribl.list.as_str(), uribl.status),
        ("URIBL", ListStatus::Listed)
    );
    assert_eq!(uribl.codes[0].name, "black");
    assert!(
        by("clean.test")
            .lists
            .iter()
            .all(|l| l.status == ListStatus::NotListed)
    );
    assert_eq!(
        by("phish-domain.test").findings()[0].code,
        "blocklist.domain.listed"
    );
}

#[test]
fn link_domains_are_found_and_bounded() {
    let body = "Hi <a href=3D\"https://WWW.Example.com/x?y\">x</a> and http://user:pw@login.test:8080/p \
                see https://192.0.2.1/ and HTTPS://www.example.com. also https://a.test, \
                http://bad_ , ftp://no.test https://b.test https://c.test";
    assert_eq!(
        link_domains(body, 10),
        [
            "www.example.com",
            "login.test",
            "a.test",
            "b.test",
            "c.test"
        ]
    );
    assert_eq!(link_domains(body, 2).len(), 2);
    for junk in [
        "",
        "http",
        "https://",
        "http://@@@@",
        "https://\u{e9}\u{e9}.test/",
        "http://a",
    ] {
        let _ = link_domains(junk, 5);
    }
    let long = "https://a.test/ ".repeat(10_000);
    assert_eq!(link_domains(&long, 50), ["a.test"]);
}

fn run_fcrdns(addr: &str) -> Fcrdns {
    let (result, _) = evaluate(&zone(), 1000, 100, |a| fcrdns(ip(addr), a));
    result.expect("the check ends")
}

#[test]
fn fcrdns_match_mismatch_and_missing() {
    let ok = run_fcrdns("198.51.100.1");
    assert_eq!(ok.status, FcrdnsStatus::Confirmed);
    assert_eq!(ok.confirmed_name.as_deref(), Some("mail.good.test"));
    assert!(ok.generic.is_empty());
    assert_eq!(ok.findings()[0].code, "rdns.fcrdns-ok");

    let bad = run_fcrdns("198.51.100.2");
    assert_eq!(bad.status, FcrdnsStatus::Mismatch);
    assert_eq!(bad.names[0].addresses, ["198.51.100.200"]);
    assert_eq!(bad.findings()[0].severity, Severity::Warning);

    let two = run_fcrdns("198.51.100.6");
    assert_eq!(two.status, FcrdnsStatus::Confirmed);
    assert_eq!(two.names.len(), 2);
    assert_eq!(two.confirmed_name.as_deref(), Some("mx.two.test"));

    let none = run_fcrdns("198.51.100.4");
    assert_eq!(none.status, FcrdnsStatus::NoPtr);
    assert_eq!(none.findings()[0].code, "rdns.missing");

    let mut r = zone();
    r.set(
        Question::reverse(ip("198.51.100.1")),
        Err(DnsError::Timeout),
    );
    let (t, _) = evaluate(&r, 1000, 100, |a| fcrdns(ip("198.51.100.1"), a));
    assert_eq!(t.unwrap().status, FcrdnsStatus::CouldNotCheck);
}

#[test]
fn fcrdns_asks_all_forward_names_in_one_round() {
    let r = zone();
    let mut rounds = 0;
    let (result, asked) = evaluate(&r, 1000, 100, |a| {
        rounds += 1;
        fcrdns(ip("198.51.100.6"), a)
    });
    assert!(result.is_some());
    assert_eq!(rounds, 3, "PTR, then both names at once, then done");
    assert_eq!(asked.len(), 3);
}

#[test]
fn generic_ptr_names() {
    let g = run_fcrdns("198.51.100.3");
    assert_eq!(g.status, FcrdnsStatus::Confirmed);
    assert_eq!(g.generic.len(), 1);
    assert_eq!(g.generic[0].matched, "198-51-100-3");
    assert!(g.findings().iter().any(|f| f.code == "rdns.generic"));
    let v4 = ip("203.0.113.5");
    for (name, part) in [
        ("5.113.0.203.broadband.isp.test", "5.113.0.203"),
        ("host-203-0-113-5.isp.test", "203-0-113-5"),
        ("c-113-5.isp.test", "pool"), // no: only two octets, falls to words (none) -> None
    ] {
        let got = generic_ptr(name, v4);
        if part == "pool" {
            assert!(got.is_none(), "{name}");
        } else {
            assert_eq!(got.unwrap().matched, part, "{name}");
        }
    }
    assert_eq!(
        generic_ptr("x203000113005.isp.test", v4).unwrap().matched,
        "203000113005"
    );
    assert_eq!(
        generic_ptr("abc-cb007105.isp.test", v4).unwrap().matched,
        "cb007105"
    );
    for (name, word) in [
        ("ppp12.pool.isp.test", "ppp12"),
        ("adsl.customer.isp.test", "adsl"),
        ("p5b0c.dip0.t-ipconnect.test", "dip0"),
        ("static-ip.isp.test", "static"),
    ] {
        assert_eq!(generic_ptr(name, v4).unwrap().matched, word, "{name}");
    }
    // words in the organization domain itself, and ordinary server names, are not generic
    for name in [
        "mail.dynamic.test",
        "mx1.example.com",
        "smtp-out-3.mailer.test",
        "mail.client.test",
    ] {
        assert!(generic_ptr(name, v4).is_none(), "{name}");
    }
    assert_eq!(
        generic_ptr("2001-db8--2.v6.isp.test", ip("2001:db8::2"))
            .unwrap()
            .matched,
        "2001-db8--2"
    );
}

fn run_helo(helo: &str, addr: &str, ptr: &[&str]) -> HeloCheck {
    let ptr: Vec<String> = ptr.iter().map(|p| p.to_string()).collect();
    let (result, _) = evaluate(&zone(), 1000, 100, |a| check_helo(helo, ip(addr), &ptr, a));
    result.expect("the check ends")
}

#[test]
fn helo_names() {
    let good = run_helo("mail.good.test", "198.51.100.1", &["mail.good.test"]);
    assert_eq!((good.form, good.status), (HeloForm::Fqdn, HeloStatus::Good));
    assert!(good.matches_ip && good.matches_ptr);
    let by_ptr = run_helo("MX.two.test.", "198.51.100.7", &["mx.two.test"]);
    assert_eq!(by_ptr.status, HeloStatus::Good);
    let bare = run_helo("localhost", "198.51.100.1", &[]);
    assert_eq!(
        (bare.form, bare.status),
        (HeloForm::BareWord, HeloStatus::Bad)
    );
    assert!(bare.evidence.is_empty());
    assert_eq!(bare.findings()[0].code, "helo.invalid");
    let naked = run_helo("198.51.100.1", "198.51.100.1", &[]);
    assert_eq!(
        (naked.form, naked.status),
        (HeloForm::UnbracketedIp, HeloStatus::Bad)
    );
    let lit = run_helo("[198.51.100.1]", "198.51.100.1", &[]);
    assert_eq!(
        (lit.form, lit.status),
        (HeloForm::AddressLiteral, HeloStatus::Good)
    );
    let other = run_helo("[IPv6:2001:db8::9]", "198.51.100.1", &[]);
    assert_eq!(
        (other.form, other.status),
        (HeloForm::AddressLiteral, HeloStatus::Mismatch)
    );
    let missing = run_helo("nonexistent.test", "198.51.100.1", &[]);
    assert_eq!(missing.status, HeloStatus::NotFound);
    let elsewhere = run_helo("other.good.test", "198.51.100.1", &["mail.good.test"]);
    assert_eq!(elsewhere.status, HeloStatus::Mismatch);
    assert_eq!(elsewhere.addresses, ["203.0.113.77"]);
    for junk in [
        "", "  ", "a b", "[nope]", "x..y", "é.test", "[", "]", "[IPv6:",
    ] {
        let h = run_helo(junk, "198.51.100.1", &[]);
        assert_eq!(h.status, HeloStatus::Bad, "{junk:?}");
    }
}

fn run_mx(domain: &str) -> MxCheck {
    let (result, _) = evaluate(&zone(), 1000, 100, |a| check_mx(domain, false, a));
    result.expect("the check ends")
}

#[test]
fn mx_cases() {
    let good = run_mx("good.test");
    assert_eq!(good.status, MxStatus::Ok);
    assert_eq!(good.hosts.len(), 2);
    assert_eq!(good.hosts[1].addresses, ["198.51.100.5", "2001:db8::5"]);
    assert_eq!(good.server_ips(10).len(), 3);
    assert_eq!(good.findings()[0].code, "mx.ok");

    let implicit = run_mx("nomx.test");
    assert_eq!(implicit.status, MxStatus::ImplicitMx);
    assert_eq!(implicit.fallback_addresses, ["203.0.113.10"]);
    assert!(implicit.explanation.contains("RFC 5321"));

    assert_eq!(run_mx("nomail.test").status, MxStatus::NoMail);
    assert_eq!(run_mx("missing.test").status, MxStatus::NoDomain);

    let null = run_mx("nullmx.test");
    assert_eq!(null.status, MxStatus::NullMx);
    assert_eq!(null.hosts[0].exchange, "");
    assert!(null.explanation.contains("RFC 7505"));
    assert_eq!(null.evidence.len(), 1, "a null MX needs no more lookups");

    let cname = run_mx("cnamemx.test");
    assert_eq!(cname.status, MxStatus::Ok);
    assert_eq!(cname.hosts[0].cname.as_deref(), Some("real.cnamemx.test"));
    assert_eq!(cname.hosts[0].addresses, ["203.0.113.20"]);
    assert!(cname.findings().iter().any(|f| f.code == "mx.cname"));

    let ipmx = run_mx("ipmx.test");
    assert_eq!(ipmx.status, MxStatus::Broken);
    assert!(
        ipmx.hosts[0]
            .problem
            .as_deref()
            .unwrap()
            .contains("IP address")
    );
    assert_eq!(run_mx("deadmx.test").status, MxStatus::Broken);
    let half = run_mx("halfmx.test");
    assert_eq!(half.status, MxStatus::Degraded);
    assert_eq!(run_mx("not a domain").status, MxStatus::CouldNotCheck);

    let mut r = zone();
    r.set(
        Question::new("good.test", RecordType::Mx),
        Err(DnsError::Timeout),
    );
    let (t, _) = evaluate(&r, 1000, 100, |a| check_mx("good.test", false, a));
    assert_eq!(t.unwrap().status, MxStatus::CouldNotCheck);
}

#[test]
fn mx_hosts_are_asked_in_one_round() {
    let r = zone();
    let mut rounds = 0;
    let (_, asked) = evaluate(&r, 1000, 100, |a| {
        rounds += 1;
        check_mx("good.test", true, a)
    });
    assert_eq!(rounds, 3);
    assert_eq!(
        asked.len(),
        7,
        "MX, then A and AAAA of the domain itself and of both hosts"
    );
}

#[test]
fn a_domain_with_mx_has_its_own_addresses_too() {
    let r = MemoryResolver::from_zone(&format!("{ZONE}\ngood.test. 300 IN A 192.0.2.80\n"))
        .expect("the test zone reads");
    let (t, _) = evaluate(&r, 1000, 100, |a| check_mx("good.test", true, a));
    let t = t.unwrap();
    assert_eq!(t.status, MxStatus::Ok);
    assert_eq!(t.own_addresses, Some(vec!["192.0.2.80".to_string()]));
    assert!(t.fallback_addresses.is_empty());
}

/// Answers every question with records drawn from a small deterministic generator.
/// A resolver that answers anything: random codes, types and data (also used by the domain
/// check's tests).
pub(crate) struct Junk(pub(crate) std::cell::Cell<u64>);

impl Junk {
    fn next(&self) -> u64 {
        let x = self
            .0
            .get()
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0.set(x);
        x >> 33
    }
}

impl crate::dns::Resolver for Junk {
    fn lookup(&self, q: &Question, _: u32) -> Result<crate::dns::Answer, DnsError> {
        use crate::dns::Record;
        let n = self.next() % 5;
        if n == 4 {
            return Err(DnsError::Timeout);
        }
        let mut records = Vec::new();
        for _ in 0..(self.next() % 40) {
            let k = self.next();
            let data = match k % 7 {
                0 => RData::A(core::net::Ipv4Addr::from(k as u32)),
                1 => RData::A(core::net::Ipv4Addr::new(
                    127,
                    (k >> 8) as u8,
                    (k >> 16) as u8,
                    (k >> 24) as u8,
                )),
                2 => RData::Cname(q.name.clone()),
                3 => RData::Txt(vec!["\u{e9}x".repeat((k % 300) as usize)]),
                4 => RData::Ptr(format!("h{}.dyn-{}.\u{e9}x.test", k % 1000, k % 7)),
                5 => RData::Mx {
                    preference: (k % 3) as u16,
                    exchange: if k.is_multiple_of(2) {
                        String::new()
                    } else {
                        format!("m{}.test", k % 9)
                    },
                },
                _ => RData::Aaaa(core::net::Ipv6Addr::from(u128::from(k))),
            };
            records.push(Record {
                name: q.name.clone(),
                ttl: 1,
                data,
            });
        }
        let rcode = [
            Rcode::NoError,
            Rcode::NxDomain,
            Rcode::ServFail,
            Rcode::Refused,
            Rcode::Other(9),
        ][(self.next() % 5) as usize];
        Ok(crate::dns::Answer { rcode, records })
    }
}

#[test]
fn arbitrary_answers_and_inputs_never_panic() {
    let config = BlocklistConfig {
        lists: vec![ListSpec {
            zone: "x.test".into(),
            kind: ListKind::Domain,
        }],
        spamhaus_dqs_key: Some("abcdefgh12".into()),
        surbl: true,
        uribl: true,
        skip: Vec::new(),
    };
    for seed in 0..200u64 {
        let r = Junk(std::cell::Cell::new(seed));
        let addr = if seed.is_multiple_of(2) {
            ip("203.0.113.9")
        } else {
            ip("2001:db8::9")
        };
        let (a, _) = evaluate(&r, 1, 500, |x| check_ip(addr, &config, x));
        let _ = a.expect("ends").findings();
        let (f, _) = evaluate(&r, 1, 500, |x| fcrdns(addr, x));
        let _ = f.expect("ends").findings();
        let (m, _) = evaluate(&r, 1, 500, |x| check_mx("m.test", false, x));
        let _ = m.expect("ends").findings();
        let (h, _) = evaluate(&r, 1, 500, |x| check_helo("h.test", addr, &[], x));
        let _ = h.expect("ends").findings();
        let doms = vec!["a.test".to_string(), "b.c.test".to_string()];
        let (d, _) = evaluate(&r, 1, 500, |x| check_domains_on_lists(&doms, &config, x));
        let _ = d.expect("ends");
    }
    let strange = [
        "",
        ".",
        "..",
        "[",
        "[]",
        "[IPv6:]",
        "\u{e9}",
        "a\u{0}b.test",
        "-.-",
        &"a.".repeat(300),
        &"9".repeat(400),
    ];
    for s in strange {
        let _ = link_domains(s, 10);
        let _ = generic_ptr(s, ip("192.0.2.1"));
        let _ = check_helo_snapshot(s, ip("192.0.2.1"), &[s.to_string()], &HashMap::new());
        let _ = check_mx_snapshot(s, true, &HashMap::new());
    }
}

#[test]
fn skipped_built_in_lists_are_not_asked() {
    let config = BlocklistConfig {
        skip: vec!["bl.spamcop.net".into(), "B.BarracudaCentral.org".into()],
        ..BlocklistConfig::default()
    };
    let (result, answers) = evaluate(&zone(), 1000, 100, |a| {
        check_ip(ip("192.0.2.2"), &config, a)
    });
    let zones: Vec<String> = result
        .unwrap()
        .lists
        .iter()
        .map(|l| l.zone.clone())
        .collect();
    assert_eq!(zones, ["zen.spamhaus.org"]);
    assert!(
        answers
            .keys()
            .all(|q| !q.name.contains("spamcop") && !q.name.contains("barracuda"))
    );
}
