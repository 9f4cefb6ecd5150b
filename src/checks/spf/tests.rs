use super::eval::expand_for_test;
use super::parse::{self, Kind, Mech};
use super::*;
use crate::dns::zone::MemoryResolver;
use crate::dns::{Answer, DnsError, Question, RecordType, Resolver, Step};
use std::collections::HashMap;

fn input(ip: &str, from: &str) -> SpfInput {
    SpfInput {
        ip: ip.parse().unwrap(),
        mail_from: from.to_string(),
        helo: "mail.example.org".to_string(),
        receiver: "mx.receiver.example".to_string(),
        now_s: 1_700_000_000,
    }
}

#[test]
fn rfc7208_section_7_4_macro_examples() {
    let v4 = input("192.0.2.3", "strong-bad@email.example.com");
    let d = "email.example.com";
    for (spec, want) in [
        ("%{s}", "strong-bad@email.example.com"),
        ("%{o}", "email.example.com"),
        ("%{d}", "email.example.com"),
        ("%{d4}", "email.example.com"),
        ("%{d3}", "email.example.com"),
        ("%{d2}", "example.com"),
        ("%{d1}", "com"),
        ("%{dr}", "com.example.email"),
        ("%{d2r}", "example.email"),
        ("%{l}", "strong-bad"),
        ("%{l-}", "strong.bad"),
        ("%{lr}", "strong-bad"),
        ("%{lr-}", "bad.strong"),
        ("%{l1r-}", "strong"),
        (
            "%{ir}.%{v}._spf.%{d2}",
            "3.2.0.192.in-addr._spf.example.com",
        ),
        ("%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"),
        (
            "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}",
            "bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
        ),
        (
            "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}",
            "3.2.0.192.in-addr.strong.lp._spf.example.com",
        ),
        (
            "%{d2}.trusted-domains.example.net",
            "example.com.trusted-domains.example.net",
        ),
    ] {
        assert_eq!(
            expand_for_test(&v4, d, spec, false).unwrap(),
            want,
            "{spec}"
        );
    }
    let v6 = input("2001:db8::cb01", "strong-bad@email.example.com");
    assert_eq!(
        expand_for_test(&v6, d, "%{ir}.%{v}._spf.%{d2}", false).unwrap(),
        "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"
    );
}

#[test]
fn macro_escapes_uppercase_and_exp_only_letters() {
    let i = input("192.0.2.3", "a b&c@example.com");
    let d = "example.com";
    assert_eq!(expand_for_test(&i, d, "%%%_%-x", false).unwrap(), "% %20x");
    assert_eq!(expand_for_test(&i, d, "%{L}", false).unwrap(), "a%20b%26c");
    assert_eq!(
        expand_for_test(&i, d, "%{c} %{r} %{t} %{h}", true).unwrap(),
        "192.0.2.3 mx.receiver.example 1700000000 mail.example.org"
    );
    for bad in [
        "%{c}", "%{r}", "%{t}", "%{x}", "%{d0}", "%{d", "%z", "%{d2q}",
    ] {
        assert!(expand_for_test(&i, d, bad, false).is_err(), "{bad}");
    }
}

#[test]
fn parses_every_term_form() {
    let r = parse::parse(
        "v=spf1 a a:x.example/24 a//64 a:x.example/24//64 mx/16 -ptr ~ptr:x.example ip4:192.0.2.0/24 \
         ip6:2001:db8::/32 exists:%{i}.x.example ?include:y.example redirect=z.example exp=e.example moo=x",
    )
    .unwrap();
    assert_eq!(r.terms.len(), 14);
    assert_eq!(r.redirect, Some("z.example"));
    assert_eq!(r.exp, Some("e.example"));
    match &r.terms[3].kind {
        Kind::Mech(b'+', Mech::A(Some("x.example"), c)) => assert_eq!((c.v4, c.v6), (24, 64)),
        other => panic!("{other:?}"),
    }
    assert!(matches!(r.terms[13].kind, Kind::Unknown));
    assert_eq!(r.terms[1].pos, 9);
}

#[test]
fn syntax_errors_have_positions() {
    for (rec, pos) in [
        ("v=spf1 ip4:192.0.2.300", 11),
        ("v=spf1 a:foo-bar -all", 9),
        ("v=spf1 -all foo", 12),
        ("v=spf1 a/33", 8),
        ("v=spf1 redirect=a.example redirect=b.example", 26),
        ("v=spf1 include", 14),
        ("v=spf1 a:%{q}.example", 9),
        ("v=spf1 all/8", 7),
    ] {
        let e = parse::parse(rec).unwrap_err();
        assert_eq!(e.pos, pos, "{rec}: {}", e.msg);
    }
    assert!(parse::is_spf("V=SPF1"));
    assert!(!parse::is_spf("v=spf10"));
}

fn codes(l: &[SpfLint]) -> Vec<&str> {
    l.iter().map(|l| l.code.as_str()).collect()
}

#[test]
fn lint_findings() {
    assert_eq!(codes(&lint("v=spf1 +all")), ["plus_all"]);
    assert_eq!(codes(&lint("v=spf1 ?all")), ["neutral_all"]);
    assert_eq!(codes(&lint("v=spf1 mx ~all")), ["softfail_all"]);
    assert!(lint("v=spf1 mx -all").is_empty());
    assert_eq!(codes(&lint("v=spf1 ptr -all")), ["ptr"]);
    assert_eq!(codes(&lint("v=spf1 mx")), ["no_all"]);
    assert_eq!(codes(&lint("v=spf1 mx -all foo=bar")), ["unknown_modifier"]);
    assert_eq!(
        codes(&lint("v=spf1 -all redirect=x.example")),
        ["redirect_ignored"]
    );
    let e = lint("v=spf1 ip4:1.2.3.4.5 -all");
    assert_eq!(codes(&e), ["syntax"]);
    assert!(e[0].message.contains("character 12"), "{}", e[0].message);
    let many = format!("v=spf1 {}-all", "include:a.example ".repeat(11));
    assert!(codes(&lint(&many)).contains(&"too_many_lookups"));
    let nine = format!("v=spf1 {}-all", "a:b.example ".repeat(9));
    assert_eq!(codes(&lint(&nine)), ["lookups_near_limit"]);
    let long = format!("v=spf1 {}-all", "ip4:192.0.2.1 ".repeat(40));
    assert_eq!(codes(&lint(&long)), ["long_record"]);
    let two = lint_strings(&["v=spf1 mx".to_string(), " -all".to_string()]);
    assert_eq!(codes(&two), ["several_strings"]);
}

/// Drives a check to the end, one round per Need, asserting that no question is asked twice
/// (neither in one Need nor across rounds). Returns the outcome and the questions per round.
fn drive(
    resolver: &dyn Resolver,
    check: impl Fn(&dyn crate::dns::Answers) -> Step<SpfOutcome>,
) -> (SpfOutcome, Vec<Vec<Question>>) {
    let mut answers: HashMap<Question, Result<Answer, DnsError>> = HashMap::new();
    let mut rounds = Vec::new();
    for _ in 0..50 {
        match check(&answers) {
            Step::Done(o) => return (o, rounds),
            Step::Need(qs) => {
                assert!(!qs.is_empty());
                for (i, q) in qs.iter().enumerate() {
                    assert!(!answers.contains_key(q), "{q} asked again");
                    assert!(!qs[..i].contains(q), "{q} twice in one round");
                }
                for q in &qs {
                    answers.insert(q.clone(), resolver.lookup(q, 1000));
                }
                rounds.push(qs);
            }
            Step::Verify(_) => panic!("SPF verifies no signature"),
        }
    }
    panic!("no end after 50 rounds");
}

/// Drives a check answering one question per round (the last one asked), to compare with the
/// parallel driver: the outcome must not depend on the order answers arrive in.
fn drive_one_by_one(
    resolver: &dyn Resolver,
    check: impl Fn(&dyn crate::dns::Answers) -> Step<SpfOutcome>,
) -> SpfOutcome {
    let mut answers: HashMap<Question, Result<Answer, DnsError>> = HashMap::new();
    for _ in 0..500 {
        match check(&answers) {
            Step::Done(o) => return o,
            Step::Need(qs) => {
                let q = qs.last().unwrap().clone();
                let a = resolver.lookup(&q, 1000);
                answers.insert(q, a);
            }
            Step::Verify(_) => panic!("SPF verifies no signature"),
        }
    }
    panic!("no end");
}

const ZONE: &str = r#"
example.com TXT "v=spf1 include:a.example include:b.example include:c.example mx ptr:example.com exists:%{ir}.bl.example -all exp=why.example.com"
why.example.com TXT "%{i} is not one of %{d}'s servers"
a.example TXT "v=spf1 ip4:198.51.100.0/24 a:host.a.example -all"
host.a.example A 198.51.100.200
b.example TXT "v=spf1 ip6:2001:db8::/32 ~all"
c.example TXT "v=spf1 redirect=d.example"
d.example TXT "v=spf1 ip4:203.0.113.7 -all"
example.com MX 10 mx1.example.com.
example.com MX 20 mx2.example.com.
mx1.example.com A 192.0.2.10
mx2.example.com A 192.0.2.20
20.2.0.192.in-addr.arpa PTR mx2.example.com.
"#;

#[test]
fn three_includes_are_asked_in_one_round() {
    let zone = MemoryResolver::from_zone(ZONE).unwrap();
    let i = input("203.0.113.7", "user@example.com");
    let (o, rounds) = drive(&zone, |a| check_host(&i, a));
    assert_eq!(o.result, SpfResult::Pass);
    assert_eq!(o.deciding_term.as_deref(), Some("include:c.example"));
    assert_eq!(rounds[0], [Question::new("example.com", RecordType::Txt)]);
    for name in ["a.example", "b.example", "c.example"] {
        assert!(
            rounds[1].contains(&Question::new(name, RecordType::Txt)),
            "{name} TXT not in round 2: {:?}",
            rounds[1]
        );
    }
    // The mx and exists names are independent too.
    assert!(rounds[1].contains(&Question::new("example.com", RecordType::Mx)));
    // Once the MX answer is in, the exchanges' addresses are asked ahead too.
    assert!(rounds[2].contains(&Question::new("mx1.example.com", RecordType::A)));
    // include c -> redirect d: depth 3 in all (record, includes, redirect target).
    assert!(rounds.len() <= 4, "{rounds:?}");
    assert_eq!(o, drive_one_by_one(&zone, |a| check_host(&i, a)));
}

#[test]
fn mx_ptr_exists_fail_with_explanation_and_same_result_in_any_order() {
    let zone = MemoryResolver::from_zone(ZONE).unwrap();
    for (ip, want) in [
        ("192.0.2.20", SpfResult::Pass),
        ("198.51.100.200", SpfResult::Pass),
        ("2001:db8::1", SpfResult::Pass),
        ("192.0.2.99", SpfResult::Fail),
    ] {
        let i = input(ip, "user@example.com");
        let (o, _) = drive(&zone, |a| check_host(&i, a));
        assert_eq!(o.result, want, "{ip}: {:#?}", o.trace);
        assert_eq!(o, drive_one_by_one(&zone, |a| check_host(&i, a)));
        if want == SpfResult::Fail {
            assert_eq!(
                o.explanation.as_deref(),
                Some("192.0.2.99 is not one of example.com's servers")
            );
            assert!(o.lookups <= 10 && o.lookups >= 6, "{}", o.lookups);
            assert!(o.summary.contains("not allowed"), "{}", o.summary);
        }
    }
}

#[test]
fn prefetch_stays_within_the_lookup_limit_and_the_limit_holds() {
    let mut zone = String::from("many.example TXT \"v=spf1");
    for n in 0..12 {
        zone.push_str(&format!(" include:i{n}.example"));
    }
    zone.push_str(" -all\"\n");
    for n in 0..12 {
        zone.push_str(&format!("i{n}.example TXT \"v=spf1 -all\"\n"));
    }
    let zone = MemoryResolver::from_zone(&zone).unwrap();
    let i = input("192.0.2.1", "x@many.example");
    let (o, rounds) = drive(&zone, |a| check_host(&i, a));
    assert_eq!(o.result, SpfResult::Permerror);
    assert_eq!(o.lookups, 11);
    assert_eq!(o.deciding_term.as_deref(), Some("include:i10.example"));
    assert_eq!(rounds[1].len(), 10, "{:?}", rounds[1]);
    assert!(!lint_outcome(&o).is_empty());
}

#[test]
fn dns_errors_are_temperror_and_void_lookups_are_limited() {
    let mut zone = MemoryResolver::from_zone(
        "t.example TXT \"v=spf1 a:gone1.example a:gone2.example a:gone3.example -all\"\n\
         e.example TXT \"v=spf1 mx -all\"",
    )
    .unwrap();
    zone.set(
        Question::new("e.example", RecordType::Mx),
        Err(DnsError::Timeout),
    );
    let i = input("192.0.2.1", "x@t.example");
    let (o, _) = drive(&zone, |a| check_host(&i, a));
    assert_eq!((o.result, o.void_lookups), (SpfResult::Permerror, 3));
    let i = input("192.0.2.1", "x@e.example");
    let (o, _) = drive(&zone, |a| check_host(&i, a));
    assert_eq!(o.result, SpfResult::Temperror);
    assert!(o.summary.contains("could not be checked"), "{}", o.summary);
}

#[test]
fn helo_identity_guess_and_receiver_policy() {
    let zone = MemoryResolver::from_zone(
        "mail.example.org TXT \"v=spf1 ip4:192.0.2.1 -all\"\n\
         nospf.example A 192.0.2.5\n\
         nospf.example MX 10 nospf.example.",
    )
    .unwrap();
    let i = input("192.0.2.1", "someone@nospf.example");
    let (o, _) = drive(&zone, |a| check_helo(&i, a));
    assert_eq!((o.identity, o.result), (Identity::Helo, SpfResult::Pass));
    let (o, _) = drive(&zone, |a| check_host(&i, a));
    assert_eq!(o.result, SpfResult::None);
    let (g, _) = drive(&zone, |a| check_guess(&i, a));
    assert_eq!(g.result, SpfResult::Fail);
    assert_eq!(g.record.as_deref(), Some(GUESS_RECORD));
    let i5 = input("192.0.2.5", "someone@nospf.example");
    let (g, _) = drive(&zone, |a| check_guess(&i5, a));
    assert_eq!(g.result, SpfResult::Pass);
    let acts = |r| {
        receiver_policy(r)
            .into_iter()
            .map(|p| p.action)
            .collect::<Vec<_>>()
    };
    use Action::*;
    assert_eq!(acts(SpfResult::Pass), [Accept, Accept, Accept, Accept]);
    assert_eq!(acts(SpfResult::Softfail), [Accept, Reject, Reject, Reject]);
    assert_eq!(acts(SpfResult::Neutral), [Accept, Accept, Reject, Reject]);
    assert_eq!(acts(SpfResult::None), [Accept, Accept, Accept, Reject]);
    assert_eq!(acts(SpfResult::Fail), [Reject, Reject, Reject, Reject]);
    assert_eq!(acts(SpfResult::Temperror), [Defer, Defer, Defer, Defer]);
}

#[test]
fn hostile_records_do_not_panic() {
    let nasty = [
        "v=spf1 %{",
        "v=spf1 a:%{d999999999999999999999}.x",
        "v=spf1 ip6:::/129",
        "v=spf1 a://",
        "v=spf1 a:/",
        "v=spf1 mx:%{l}é",
        "v=spf1 exp=",
        "v=spf1 =x",
        "v=spf1 a:x.example//",
        "v=spf1 ip4:1.2.3.4/01",
        "v=spf1 -",
        "v=spf1 +",
        "v=spf1 exists:%{ir}.%{ir}.%{ir}.%{ir}.%{ir}.%{ir}.%{ir}.%{ir}.%{ir}.%{ir}.%{ir}.x.example",
    ];
    for rec in nasty {
        let _ = lint(rec);
        let zone =
            MemoryResolver::from_zone(&format!("n.example TXT \"{}\"", rec.replace('"', "")))
                .unwrap();
        let i = input("2001:db8::1", "\u{e9}@n.example");
        let (o, _) = drive(&zone, |a| check_host(&i, a));
        assert!(!o.summary.is_empty());
    }
}

#[test]
fn no_question_is_asked_twice() {
    // `drive` fails on any question asked again, in one round or across rounds.
    let zone = MemoryResolver::from_zone(ZONE).unwrap();
    for ip in ["192.0.2.20", "192.0.2.99", "2001:db8::1", "198.51.100.200"] {
        let i = input(ip, "user@example.com");
        let (o, rounds) = drive(&zone, |a| check_host(&i, a));
        let asked: usize = rounds.iter().map(Vec::len).sum();
        let mut all: Vec<&Question> = rounds.iter().flatten().collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), asked, "{ip}");
        assert!(o.lookups <= 10);
        let _ = drive(&zone, |a| check_helo(&i, a));
        let _ = drive(&zone, |a| check_guess(&i, a));
    }
}
