//! Unit tests of the DMARC check: the record parser and lint, discovery, alignment and the
//! evaluation in both RFCs, hostile records and zones.

use super::record::{MAX_ERRORS, MAX_RECORD_BYTES};
use super::*;
use crate::dns::zone::MemoryResolver;
use crate::dns::{Answer, DnsError, Question, Rcode, RecordType, Step, evaluate as run};
use std::collections::HashMap;

fn zone(lines: &str) -> MemoryResolver {
    MemoryResolver::from_zone(lines).unwrap()
}

fn input(from: &str, spf: Option<&str>, dkim: &[&str], mode: DmarcMode) -> DmarcInput {
    DmarcInput {
        from_domain: from.to_string(),
        spf: spf.map(|d| (d.to_string(), SpfResultWord::Pass)),
        dkim: dkim.iter().map(|d| (d.to_string(), true)).collect(),
        mode,
    }
}

/// Runs `evaluate` to the end and counts the rounds of questions.
fn outcome(resolver: &MemoryResolver, input: &DmarcInput) -> (DmarcOutcome, usize) {
    let mut rounds = 0;
    let (done, _) = run(resolver, 1000, 100, |a| {
        let step = evaluate(input, a);
        if matches!(step, Step::Need(_)) {
            rounds += 1;
        }
        step
    });
    (done.unwrap(), rounds)
}

#[test]
fn parses_every_tag() {
    let r = parse_record(
        "v=DMARC1; p=Reject; sp=quarantine; np=reject; adkim=s; aspf=r; pct=50; t=y; \
         psd=n; rua=mailto:a@example.com,mailto:b@example.net!10m; ruf=mailto:f@example.com; \
         fo=1:d; rf=afrf; ri=3600; x_extra=1",
    )
    .unwrap();
    assert_eq!(r.p, Some(Policy::Reject));
    assert_eq!(r.sp, Some(Policy::Quarantine));
    assert_eq!(r.np, Some(Policy::Reject));
    assert_eq!(
        (r.adkim, r.aspf),
        (AlignmentMode::Strict, AlignmentMode::Relaxed)
    );
    assert_eq!((r.pct, r.t, r.psd), (Some(50), Some(true), Some(Psd::N)));
    assert_eq!(r.rua.len(), 2);
    assert_eq!(r.ruf, vec!["mailto:f@example.com"]);
    assert_eq!(r.fo.as_deref(), Some("1:d"));
    assert_eq!(r.rf.as_deref(), Some("afrf"));
    assert_eq!(r.ri, Some(3600));
    assert_eq!(r.unknown_tags, vec!["x_extra"]);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

#[test]
fn syntax_errors_say_where() {
    let text = "v=DMARC1; p=rejct; pct=150; adkim=x; rua=dmarc@example.com; p=none; tagonly;;";
    let r = parse_record(text).unwrap();
    let at: Vec<usize> = r.errors.iter().map(|e| e.position).collect();
    assert_eq!(at, vec![11, 20, 29, 38, 61, 69, 77], "{:?}", r.errors);
    assert!(
        r.errors[0]
            .message
            .contains("use none, quarantine or reject")
    );
    assert!(r.errors[3].message.contains("mailto:"));
    assert!(r.errors[4].message.contains("twice"));
    assert_eq!((r.p, r.pct, r.adkim), (None, None, AlignmentMode::Relaxed));
    // Receivers ignore it: no valid p and no valid rua.
    assert_eq!(r.policy(), None);
    let codes: Vec<String> = lint(&r).into_iter().map(|l| l.code).collect();
    assert!(codes.contains(&"syntax_error".to_string()));
    assert!(codes.contains(&"no_policy".to_string()));
}

#[test]
fn only_exact_version_is_dmarc() {
    for bad in [
        "v=spf1 -all",
        "v=dmarc1; p=none",
        "v=DMARC1x; p=none",
        "",
        "p=none; v=DMARC1",
    ] {
        assert!(parse_record(bad).is_err(), "{bad}");
    }
    for good in ["V=DMARC1; p=none", "v = DMARC1 ;p=none;", "v=DMARC1"] {
        assert!(parse_record(good).is_ok(), "{good}");
    }
}

#[test]
fn hostile_records_do_not_panic() {
    let long = format!("v=DMARC1; p=none; {}", "é=ü;".repeat(3000));
    let semis = format!("v=DMARC1{}", ";".repeat(5000));
    let inputs = [
        "v=DMARC1;;;;",
        semis.as_str(),
        "v=DMARC1; =; ==; p==; ;=;",
        "v=DMARC1; p=ré; rua=mailto:é@ü; rua=,,,; fo=::; ri=99999999999999",
        "v=DMARC1; pct=-1; pct=1e2",
        long.as_str(),
    ];
    for text in inputs {
        let r = parse_record(text).unwrap();
        let _ = lint(&r);
        assert!(r.text.len() <= MAX_RECORD_BYTES);
        assert!(r.errors.len() <= MAX_ERRORS + 2);
    }
}

#[test]
fn lint_findings() {
    let codes = |text: &str| -> Vec<String> {
        lint(&parse_record(text).unwrap())
            .into_iter()
            .map(|l| l.code)
            .collect()
    };
    let c = codes("v=DMARC1; p=none");
    assert!(c.contains(&"monitoring_only".to_string()));
    assert!(c.contains(&"no_reports".to_string()));
    let c = codes("v=DMARC1; p=reject; pct=25; rua=mailto:d@example.com; foo=bar; t=y");
    assert_eq!(c, vec!["partial_pct", "test_mode", "unknown_tag"]);
    let c = codes("v=DMARC1; rua=mailto:d@example.com");
    assert_eq!(c, vec!["no_policy", "monitoring_only"]);
    let c = codes("v=DMARC1; p=reject; sp=none; rua=mailto:d@example.com");
    assert_eq!(c, vec!["subdomains_unprotected"]);
    let l = lint(&parse_record("v=DMARC1; p=none").unwrap());
    assert!(l[0].message.contains("nothing is enforced"));
}

#[test]
fn tree_walk_names_follow_the_rfc() {
    assert_eq!(
        tree_walk_names("a.b.c.d.e.f.g.h.i.j.k.example.com"),
        vec![
            "a.b.c.d.e.f.g.h.i.j.k.example.com",
            "g.h.i.j.k.example.com",
            "h.i.j.k.example.com",
            "i.j.k.example.com",
            "j.k.example.com",
            "k.example.com",
            "example.com",
            "com"
        ]
    );
    assert_eq!(
        tree_walk_names("Mail.Example.COM."),
        vec!["mail.example.com", "example.com", "com"]
    );
    assert_eq!(tree_walk_names("localhost"), vec!["localhost"]);
    assert_eq!(tree_walk_names("192.0.2.1"), vec!["192.0.2.1"]);
    assert!(tree_walk_names("bad name.example").is_empty());
    assert!(tree_walk_names("a..example").is_empty());
}

#[test]
fn tree_walk_questions_go_out_in_one_round() {
    // Nothing answered yet: every tree-walk name of the From domain and of the passing
    // identifiers that could align is asked at once.
    let answers: HashMap<Question, Result<Answer, DnsError>> = HashMap::new();
    let i = input(
        "news.a.example.com",
        Some("bounce.example.com"),
        &["mailer.esp.net", "x.y.example.com"],
        DmarcMode::Rfc9989,
    );
    let Step::Need(questions) = evaluate(&i, &answers) else {
        panic!("needs DNS");
    };
    let names: Vec<&str> = questions.iter().map(|q| q.name.as_str()).collect();
    for want in [
        "_dmarc.news.a.example.com",
        "_dmarc.a.example.com",
        "_dmarc.example.com",
        "_dmarc.com",
        "_dmarc.bounce.example.com",
        "_dmarc.x.y.example.com",
        "_dmarc.y.example.com",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    // mailer.esp.net shares no label with the From domain: it cannot align, so its
    // organizational domain is not asked.
    assert!(!names.iter().any(|n| n.contains("esp.net")), "{names:?}");
    assert!(questions.iter().all(|q| q.rtype == RecordType::Txt));
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "asked twice: {names:?}");
    // And it ends after that one round.
    let r = zone("_dmarc.example.com TXT \"v=DMARC1; p=reject\"");
    let (o, rounds) = outcome(&r, &i);
    assert_eq!(rounds, 1);
    assert_eq!(o.result, DmarcResult::Pass);
}

#[test]
fn alignment_is_explained() {
    let r = zone(
        "_dmarc.example.com TXT \"v=DMARC1; p=quarantine; rua=mailto:d@example.com\"\n\
         _dmarc.esp.com TXT \"v=DMARC1; p=none\"",
    );
    for mode in [DmarcMode::Rfc9989, DmarcMode::Rfc7489] {
        let i = input(
            "example.com",
            Some("mail.example.com"),
            &["mailer.esp.com"],
            mode,
        );
        let (o, _) = outcome(&r, &i);
        assert_eq!(o.result, DmarcResult::Pass, "{mode:?}");
        let spf = &o.alignment[0];
        assert_eq!(
            (spf.aligned, spf.mode),
            (Some(true), AlignmentMode::Relaxed)
        );
        assert_eq!(
            spf.explanation,
            "SPF domain mail.example.com is aligned with From example.com: both belong to \
             the organizational domain example.com (relaxed alignment)."
        );
        let dkim = &o.alignment[1];
        assert_eq!(dkim.aligned, Some(false));
        assert_eq!(
            dkim.explanation,
            "DKIM d=mailer.esp.com is not aligned with From example.com: different \
             organizational domains (esp.com and example.com)."
        );
        assert_eq!(o.applied_policy, Some(Policy::Quarantine));
        assert_eq!(o.disposition.action, Policy::None);
        assert!(
            o.summary
                .starts_with("DMARC passes: SPF domain mail.example.com"),
            "{}",
            o.summary
        );
    }
    let r = zone("_dmarc.example.com TXT \"v=DMARC1; p=reject; adkim=s\"");
    let i = input(
        "example.com",
        None,
        &["mail.example.com"],
        DmarcMode::Rfc9989,
    );
    let (o, _) = outcome(&r, &i);
    assert_eq!(o.result, DmarcResult::Fail);
    assert!(
        o.alignment[0]
            .explanation
            .contains("strict alignment (adkim=s)")
    );
    assert_eq!(o.disposition.action, Policy::Reject);
    assert!(o.summary.contains("rejected"), "{}", o.summary);
}

#[test]
fn failed_lookups_are_temperror_never_fail() {
    let mut r = zone("_dmarc.example.com TXT \"v=DMARC1; p=reject\"");
    r.set(
        Question::new("_dmarc.mail.example.com", RecordType::Txt),
        Ok(Answer {
            rcode: Rcode::ServFail,
            records: Vec::new(),
        }),
    );
    let i = input(
        "mail.example.com",
        None,
        &["example.com"],
        DmarcMode::Rfc9989,
    );
    let (o, _) = outcome(&r, &i);
    assert_eq!(o.result, DmarcResult::Temperror);
    assert_eq!(o.disposition.action, Policy::None);
    assert!(o.summary.contains("SERVFAIL"), "{}", o.summary);
    assert!(o.summary.contains("not a failure"), "{}", o.summary);
    // The policy is found, but the DKIM domain's walk times out: temperror, not fail.
    let mut r = zone("_dmarc.example.com TXT \"v=DMARC1; p=reject\"");
    r.set(
        Question::new("_dmarc.s.example.com", RecordType::Txt),
        Err(DnsError::Timeout),
    );
    let i = input("example.com", None, &["s.example.com"], DmarcMode::Rfc9989);
    let (o, _) = outcome(&r, &i);
    assert_eq!(o.result, DmarcResult::Temperror);
    assert_eq!(o.alignment[0].aligned, None);
    assert!(o.alignment[0].explanation.starts_with("Could not tell"));
}

#[test]
fn np_needs_a_second_round_only_when_it_matters() {
    let r = zone("_dmarc.example.com TXT \"v=DMARC1; p=reject; sp=none; np=quarantine\"");
    let i = input("ghost.example.com", None, &[], DmarcMode::Rfc9989);
    let (o, rounds) = outcome(&r, &i);
    assert_eq!(rounds, 2);
    assert_eq!(
        (o.applied_policy, o.policy_tag.as_deref()),
        (Some(Policy::Quarantine), Some("np"))
    );
    assert!(o.summary.contains("does not exist"), "{}", o.summary);
    assert!(
        o.differences.iter().any(|d| d.contains("np=quarantine")),
        "{:?}",
        o.differences
    );
    // A passing message needs no existence check.
    let i = input(
        "ghost.example.com",
        None,
        &["example.com"],
        DmarcMode::Rfc9989,
    );
    let (o, rounds) = outcome(&r, &i);
    assert_eq!((o.result, rounds), (DmarcResult::Pass, 1));
}

#[test]
fn test_mode_and_pct() {
    let r = zone("_dmarc.example.com TXT \"v=DMARC1; p=reject; t=y; pct=20\"");
    let i = input("example.com", None, &[], DmarcMode::Rfc9989);
    let (o, _) = outcome(&r, &i);
    assert_eq!(
        (o.result, o.applied_policy),
        (DmarcResult::Fail, Some(Policy::Quarantine))
    );
    assert!(o.summary.contains("t=y"), "{}", o.summary);
    let i = input("example.com", None, &[], DmarcMode::Rfc7489);
    let (o, _) = outcome(&r, &i);
    assert_eq!(o.applied_policy, Some(Policy::Reject));
    assert_eq!(o.disposition.pct, Some(20));
    assert!(
        o.disposition.explanation.contains("about 20%"),
        "{}",
        o.disposition.explanation
    );
    assert!(
        o.differences.iter().any(|d| d.contains("pct=20")),
        "{:?}",
        o.differences
    );
}

#[test]
fn the_rfcs_disagree_on_a_subdomain_with_its_own_record() {
    // RFC 9989: news.example.com has a record and its parent none, so it is its own
    // organizational domain and d=example.com does not align. RFC 7489 (public suffix
    // list): both are example.com.
    let r = zone("_dmarc.news.example.com TXT \"v=DMARC1; p=reject\"");
    let i = input(
        "news.example.com",
        None,
        &["example.com"],
        DmarcMode::Rfc9989,
    );
    let (o, _) = outcome(&r, &i);
    assert_eq!(o.result, DmarcResult::Fail);
    assert_eq!(o.org_domain.as_deref(), Some("news.example.com"));
    if cfg!(not(target_arch = "wasm32")) {
        assert!(
            o.differences
                .contains(&"RFC 9989 gives fail, RFC 7489 gives pass.".to_string()),
            "{:?}",
            o.differences
        );
        assert!(
            o.differences
                .iter()
                .any(|d| d.starts_with("DKIM d=example.com is not aligned"))
        );
    }
}

#[test]
fn policy_comes_from_the_organizational_domain() {
    let r = zone(
        "_dmarc.b.example.com TXT \"v=DMARC1; p=quarantine\"\n\
         _dmarc.example.com TXT \"v=DMARC1; p=reject\"",
    );
    let i = input("a.b.example.com", None, &[], DmarcMode::Rfc9989);
    let (o, _) = outcome(&r, &i);
    assert_eq!(o.policy_domain.as_deref(), Some("example.com"));
    assert_eq!(o.org_domain.as_deref(), Some("example.com"));
    assert_eq!(o.applied_policy, Some(Policy::Reject));
    // b.example.com's record applies to b.example.com itself.
    let i = input("b.example.com", None, &[], DmarcMode::Rfc9989);
    let (o, _) = outcome(&r, &i);
    assert_eq!(o.policy_domain.as_deref(), Some("b.example.com"));
    assert_eq!(o.applied_policy, Some(Policy::Quarantine));
    // A long name whose organizational domain is a name the walk skips: asked next round.
    let r = zone(
        "_dmarc.c.d.e.f.g.h.example TXT \"v=DMARC1; p=none; psd=y\"\n\
                  _dmarc.b.c.d.e.f.g.h.example TXT \"v=DMARC1; p=reject\"",
    );
    let i = input("z.a.b.c.d.e.f.g.h.example", None, &[], DmarcMode::Rfc9989);
    let (o, rounds) = outcome(&r, &i);
    assert_eq!(o.org_domain.as_deref(), Some("b.c.d.e.f.g.h.example"));
    assert_eq!(o.policy_domain.as_deref(), Some("b.c.d.e.f.g.h.example"));
    assert_eq!((o.applied_policy, rounds), (Some(Policy::Reject), 2));
}

#[test]
fn psd_and_multiple_records() {
    let r = zone(
        "_dmarc.bank.example TXT \"v=DMARC1; p=reject; psd=y\"\n\
         _dmarc.multi.example TXT \"v=DMARC1; p=reject\"\n\
         _dmarc.multi.example TXT \"v=DMARC1; p=none\"",
    );
    // No record of its own: the PSD's policy applies, and the organizational domain is
    // one label below the PSD.
    let i = input(
        "a.giant.bank.example",
        Some("b.giant.bank.example"),
        &[],
        DmarcMode::Rfc9989,
    );
    let (o, _) = outcome(&r, &i);
    assert_eq!(o.policy_domain.as_deref(), Some("bank.example"));
    assert_eq!(o.org_domain.as_deref(), Some("giant.bank.example"));
    assert_eq!(o.result, DmarcResult::Pass);
    let i = input("multi.example", None, &[], DmarcMode::Rfc7489);
    let (o, _) = outcome(&r, &i);
    assert_eq!((o.result, o.applied_policy), (DmarcResult::None, None));
    assert!(o.lint.iter().any(|l| l.code == "multiple_records"));
}

#[test]
fn bad_from_domains() {
    let r = zone("");
    let i = input(
        "bad domain..example",
        None,
        &["example.com"],
        DmarcMode::Rfc9989,
    );
    let (o, rounds) = outcome(&r, &i);
    assert_eq!((o.result, rounds), (DmarcResult::Permerror, 0));
    assert_eq!(o.alignment[0].aligned, None);
    assert!(o.summary.contains("not a valid DNS name"), "{}", o.summary);
    assert_eq!(
        author_domain(&["User <user@Example.COM>"]).as_deref(),
        Some("example.com")
    );
    assert_eq!(author_domain(&["a@example.com", "b@example.com"]), None);
    assert_eq!(author_domain(&[]), None);
}

#[test]
fn random_records_and_zones_do_not_panic() {
    // A small deterministic generator (no dependency): records glued from fragments, zones
    // from those records at random names, identifiers at random names.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let fragments = [
        "v=DMARC1",
        "v=DMARC1;",
        ";",
        " ",
        "p=reject",
        "p=none",
        "sp=quarantine",
        "np=",
        "psd=y",
        "psd=n",
        "t=y",
        "pct=",
        "pct=101",
        "adkim=s",
        "aspf=x",
        "rua=mailto:a@b.c",
        "rua=",
        "ruf=x",
        "=",
        "==",
        "é",
        "\u{0}",
        "fo=1:d",
        "ri=-1",
        "\"",
        "\\",
        "v=DMARC1x",
    ];
    let names = [
        "example.com",
        "a.example.com",
        "b.a.example.com",
        "com",
        "example",
        "x.y",
    ];
    for _ in 0..300 {
        let mut zone_text = String::new();
        for _ in 0..next(6) {
            let mut record = String::new();
            for _ in 0..next(8) {
                record.push_str(fragments[next(fragments.len())]);
            }
            let _ = parse_record(&record).map(|r| lint(&r));
            let clean: String = record.chars().filter(|c| *c != '"' && *c != '\\').collect();
            zone_text.push_str(&format!(
                "_dmarc.{} TXT \"{clean}\"\n",
                names[next(names.len())]
            ));
        }
        if next(2) == 0 {
            zone_text.push_str(&format!("{} A 192.0.2.1\n", names[next(names.len())]));
        }
        let Ok(resolver) = MemoryResolver::from_zone(&zone_text) else {
            continue;
        };
        let dkim: Vec<&str> = (0..next(4)).map(|_| names[next(names.len())]).collect();
        let mode = if next(2) == 0 {
            DmarcMode::Rfc9989
        } else {
            DmarcMode::Rfc7489
        };
        let i = input(
            names[next(names.len())],
            Some(names[next(names.len())]),
            &dkim,
            mode,
        );
        let (o, rounds) = outcome(&resolver, &i);
        assert!(rounds <= 2, "{zone_text}");
        assert!(!o.summary.is_empty());
    }
}

#[test]
#[ignore = "prints sample outcomes for reading"]
fn print_samples() {
    let r = zone(
        "_dmarc.example.com TXT \"v=DMARC1; p=reject; sp=quarantine; pct=50; rua=mailto:d@example.com\"\n\
         _dmarc.news.example.org TXT \"v=DMARC1; p=none\"\n\
         _dmarc.bank.example TXT \"v=DMARC1; p=reject; np=reject; psd=y\"",
    );
    for (from, spf, dkim, mode) in [
        (
            "mail.example.com",
            Some("bounces.esp.net"),
            vec!["example.com"],
            DmarcMode::Rfc9989,
        ),
        (
            "mail.example.com",
            Some("bounces.esp.net"),
            vec!["esp.net"],
            DmarcMode::Rfc7489,
        ),
        (
            "news.example.org",
            None,
            vec!["example.org"],
            DmarcMode::Rfc9989,
        ),
        ("ghost.bank.example", None, vec![], DmarcMode::Rfc9989),
    ] {
        let i = input(from, spf, &dkim, mode);
        let (o, rounds) = outcome(&r, &i);
        println!(
            "--- {from} {mode:?} rounds={rounds}\n{}\n",
            serde_json::to_string_pretty(&o).unwrap()
        );
    }
}

#[test]
fn report_address_lint() {
    let codes = |text: &str| -> Vec<String> {
        lint(&parse_record(text).unwrap())
            .into_iter()
            .map(|l| l.code)
            .collect()
    };
    let three =
        codes("v=DMARC1; p=reject; rua=mailto:a@x.example,mailto:b@x.example,mailto:c@x.example");
    assert!(
        three.contains(&"too_many_report_addresses".to_string()),
        "{three:?}"
    );
    let sized = codes("v=DMARC1; p=reject; rua=mailto:a@x.example!10m");
    assert!(
        sized.contains(&"report_size_limit".to_string()),
        "{sized:?}"
    );
    let late = codes("v=DMARC1; rua=mailto:a@x.example; p=reject");
    assert!(late.contains(&"p_not_second".to_string()), "{late:?}");
    let fine = codes("v=DMARC1; p=reject; rua=mailto:a@x.example,mailto:b@x.example");
    for code in [
        "too_many_report_addresses",
        "report_size_limit",
        "p_not_second",
    ] {
        assert!(!fine.contains(&code.to_string()), "{code} in {fine:?}");
    }
}

#[test]
fn external_report_destinations_must_authorize_them() {
    // RFC 7489 7.1: reports.example authorizes sender.example; other.example does not; an
    // address at the domain's own organization needs nothing.
    let r = zone(
        "sender.example._report._dmarc.reports.example. 300 IN TXT \"v=DMARC1\"\n\
         other.example. 300 IN TXT \"unrelated\"",
    );
    let record = parse_record(
        "v=DMARC1; p=reject; rua=mailto:d@reports.example,mailto:d@other.example,mailto:me@mail.sender.example",
    )
    .unwrap();
    let (lints, asked) = run(&r, 1000, 100, |a| {
        external_reports("sender.example", &record, a)
    });
    let lints = lints.unwrap();
    assert_eq!(lints.len(), 1, "{lints:?}");
    assert_eq!(lints[0].code, "report_not_authorized");
    assert!(
        lints[0]
            .message
            .contains("sender.example._report._dmarc.other.example")
    );
    assert_eq!(
        asked.len(),
        2,
        "only the two outside destinations are asked"
    );
    // A failed lookup is could-not-check, never "not authorized".
    let mut failing = MemoryResolver::new();
    failing.set(
        Question::new(
            "sender.example._report._dmarc.reports.example",
            RecordType::Txt,
        ),
        Err(DnsError::Timeout),
    );
    let record = parse_record("v=DMARC1; p=reject; rua=mailto:d@reports.example").unwrap();
    let (lints, _) = run(&failing, 1000, 100, |a| {
        external_reports("sender.example", &record, a)
    });
    let lints = lints.unwrap();
    assert_eq!(lints.len(), 1);
    assert_eq!(lints[0].code, "report_authorization_unknown");
    assert_eq!(lints[0].severity, Severity::Info);
}

/// RFC 7489 section 6.3: fo is a colon-separated list of 0, 1, d and s, and only matters with a
/// ruf= address.
#[test]
fn fo_values_are_linted() {
    let lints = |text: &str| lint(&parse_record(text).unwrap());
    for bad in ["fo=2", "fo=1:x", "fo=1,d", "fo=", "fo=ds"] {
        let l = lints(&format!(
            "v=DMARC1; p=reject; rua=mailto:d@example.com; ruf=mailto:f@example.com; {bad}"
        ));
        assert_eq!(l.len(), 1, "{bad}: {l:?}");
        assert_eq!(l[0].code, "syntax_error", "{bad}");
        assert!(l[0].message.contains("RFC 7489 section 6.3"), "{bad}");
    }
    for good in ["fo=0", "fo=1:d:s", "fo = d : s", "fo=S"] {
        let text = format!(
            "v=DMARC1; p=reject; rua=mailto:d@example.com; ruf=mailto:f@example.com; {good}"
        );
        assert!(lints(&text).is_empty(), "{good}: {:?}", lints(&text));
    }
    let l = lints("v=DMARC1; p=reject; rua=mailto:d@example.com; fo=1");
    assert_eq!(
        l.iter().map(|l| l.code.as_str()).collect::<Vec<_>>(),
        ["fo_without_ruf"]
    );
}
