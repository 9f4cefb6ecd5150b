//! The kinds of DNS questions an analysis asks, and the privacy text built from them.
//!
//! `www/render/asks.js` is written from the core's list (`LookupKind::ALL`, its texts and when
//! each is asked, and the built-in domain blocklists): the page and the widget build "What
//! leaves your browser" from it. It must equal what the core gives now (regenerate with
//! `MAILTRACE_UPDATE_ASKS=1 cargo test --features schema --test lib -- native::asks`). Every
//! sample analyzed live against the test zones, under several options, asks only kinds of
//! questions that `Options::lookup_kinds` names for those options; with body-link checks off
//! (`Options::body_links`, the CLI's `--no-body-links`), no question names a domain that only a
//! body link gave.

use mailtrace::dns::zone::MemoryResolver;
use mailtrace::dns::{Question, Resolver};
use mailtrace::interpret::asks::{AskedWhen, DQS_TEXT, LookupKind};
use mailtrace::{Analysis, Options};
use std::collections::BTreeSet;
use std::path::PathBuf;

const NOW_MS: i64 = 1_704_189_600_000;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn js_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// The text of www/render/asks.js, from the core.
fn asks_js() -> String {
    let mut out = String::from(
        "// GENERATED from the core's list of the kinds of DNS questions an analysis asks\n\
         // (src/interpret/asks.rs, LookupKind) by tests/native/asks.rs: do not edit. Regenerate with\n\
         // MAILTRACE_UPDATE_ASKS=1 cargo test --features schema --test lib -- native::asks\n\
         // `when`: \"live\" (whenever lookups are on), \"ip-lists\" (an address blocklist is chosen),\n\
         // \"domain-lists\" (a domain blocklist is chosen), \"body-links\" (a domain blocklist is\n\
         // chosen and body-link checks are on). `blocklist`: named \"... at the blocklists\".\n\
         export const LOOKUP_KINDS = [\n",
    );
    for kind in LookupKind::ALL {
        let when = match kind.when() {
            AskedWhen::Live => "live",
            AskedWhen::IpLists => "ip-lists",
            AskedWhen::DomainLists => "domain-lists",
            AskedWhen::BodyLinks => "body-links",
        };
        out.push_str(&format!(
            "  {{ id: {}, when: {}, blocklist: {}, text: {} }},\n",
            js_string(kind.id()),
            js_string(when),
            kind.is_blocklist(),
            js_string(kind.text()),
        ));
    }
    out.push_str("];\n\n// What a Spamhaus DQS key adds.\n");
    out.push_str(&format!(
        "export const DQS_TEXT = {};\n\n",
        js_string(DQS_TEXT)
    ));
    let domain_zones: Vec<String> = mailtrace::vocab::blocklists::all()
        .filter(|k| k.kind == Some("domain"))
        .filter_map(|k| k.zone)
        .map(js_string)
        .collect();
    out.push_str(
        "// The built-in blocklists that list domains (any other zone is an address list).\n",
    );
    out.push_str(&format!(
        "export const DOMAIN_LIST_ZONES = [{}];\n",
        domain_zones.join(", ")
    ));
    out
}

#[test]
fn the_pages_list_of_questions_is_the_cores() {
    let path = root().join("www/render/asks.js");
    let text = asks_js();
    if std::env::var_os("MAILTRACE_UPDATE_ASKS").is_some() {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        old == text,
        "www/render/asks.js differs from the core's list of DNS questions; regenerate with \
         MAILTRACE_UPDATE_ASKS=1 cargo test --features schema --test lib -- native::asks"
    );
}

fn messages() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = ["tests/samples", "tests/bounces", "tests/paste"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root().join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "eml" || e == "txt")
                && !p.to_string_lossy().ends_with(".original.eml")
        })
        .collect();
    out.sort();
    out
}

/// Runs an analysis to the end against the zones: the kinds it asked and every question.
fn run(input: &[u8], options: Options, zone: &MemoryResolver) -> (Vec<LookupKind>, Vec<Question>) {
    let verifier = mailtrace::driver::verify::NativeVerifier;
    let mut analysis = Analysis::new(input, NOW_MS, options);
    let mut questions = Vec::new();
    loop {
        let verifications = analysis.poll_verifications();
        let queries = analysis.poll_queries();
        if queries.is_empty() && verifications.is_empty() {
            break;
        }
        for request in verifications {
            use mailtrace::dns::verify::Verifier;
            let verdict = verifier.verify(&request.check);
            analysis.handle_verdict(request.id, verdict);
        }
        for query in queries {
            let outcome = zone.lookup(&query.question, query.timeout_ms);
            questions.push(query.question.clone());
            analysis.handle_answer(query.id, outcome);
        }
    }
    (analysis.lookup_kinds_asked().to_vec(), questions)
}

fn option_sets() -> Vec<(&'static str, Options)> {
    let mut no_lists = Options::default();
    no_lists.blocklists.choose(&[]);
    let mut domains_only = Options::default();
    domains_only
        .blocklists
        .choose(&["dbl.spamhaus.org".to_string()]);
    let mut dqs = Options::default();
    dqs.blocklists.spamhaus_dqs_key = Some("testkey0".into());
    vec![
        ("defaults", Options::default()),
        (
            "no body links",
            Options {
                body_links: false,
                ..Options::default()
            },
        ),
        ("no blocklists", no_lists),
        ("domain lists only", domains_only),
        ("a DQS key", dqs),
    ]
}

#[test]
fn every_kind_of_question_asked_is_in_the_privacy_list() {
    let zone = super::support::test_zones(&root().join("tests/zones"));
    let samples = messages();
    assert!(samples.len() > 40, "{} messages", samples.len());
    // The samples and a message with links in its body to domains it names nowhere else.
    let mut inputs: Vec<(String, Vec<u8>)> = samples
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read(p).unwrap()))
        .collect();
    inputs.push(("links in the body".into(), LINKS.to_vec()));
    let mut seen: BTreeSet<LookupKind> = BTreeSet::new();
    for (name, options) in option_sets() {
        let listed = options.lookup_kinds();
        for (sample, input) in &inputs {
            let (asked, _) = run(input, options.clone(), &zone);
            for kind in &asked {
                assert!(
                    listed.contains(kind),
                    "{sample} ({name}): asked {kind:?}, which the privacy list for these options leaves out"
                );
            }
            seen.extend(asked);
        }
    }
    // The samples reach every kind (so the check above is not vacuous).
    let missing: Vec<_> = LookupKind::ALL
        .into_iter()
        .filter(|k| !seen.contains(k))
        .collect();
    assert!(missing.is_empty(), "no sample asks {missing:?}");
    // Live lookups off: no question at all, and the list is empty.
    let offline = Options {
        live: false,
        ..Options::default()
    };
    assert!(offline.lookup_kinds().is_empty());
    let (asked, questions) = run(&std::fs::read(&samples[0]).unwrap(), offline, &zone);
    assert!(asked.is_empty() && questions.is_empty());
}

const LINKS: &[u8] = b"Received: from mail.sender.example (mail.sender.example [203.0.113.5]) by mx.example.net; Tue, 2 Jan 2024 10:00:00 +0000\r\n\
From: Ann <ann@sender.example>\r\n\
To: bob@example.net\r\n\
Subject: links\r\n\
\r\n\
See https://links-only.example/a and http://www.second-link.example/b?q=1 and\r\n\
https://sender.example/c\r\n";

#[test]
fn body_link_checks_off_ask_no_link_domain() {
    let zone = MemoryResolver::new();
    let names = |questions: &[Question]| -> Vec<String> {
        questions
            .iter()
            .map(|q| q.name.to_ascii_lowercase())
            .collect()
    };
    let (asked, questions) = run(LINKS, Options::default(), &zone);
    assert!(asked.contains(&LookupKind::BodyLinkBlocklists), "{asked:?}");
    let on = names(&questions);
    assert!(
        on.iter().any(|n| n.starts_with("links-only.example.")),
        "{on:?}"
    );
    assert!(
        on.iter().any(|n| n.starts_with("second-link.example.")),
        "{on:?}"
    );
    let (asked, questions) = run(
        LINKS,
        Options {
            body_links: false,
            ..Options::default()
        },
        &zone,
    );
    assert!(
        !asked.contains(&LookupKind::BodyLinkBlocklists),
        "{asked:?}"
    );
    let off = names(&questions);
    assert!(
        !off.iter()
            .any(|n| n.contains("links-only") || n.contains("second-link")),
        "{off:?}"
    );
    // The sender's own domain is still asked about.
    assert!(
        off.iter().any(|n| n.starts_with("sender.example.dbl.")),
        "{off:?}"
    );
}

#[test]
fn analyze_help_lists_the_questions_and_the_flag() {
    let out = super::support::mailtrace(&["analyze", "--help"], b"");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--no-body-links"), "{help}");
    for kind in LookupKind::ALL {
        assert!(help.contains(kind.text()), "{help}");
    }
}

#[test]
fn cli_no_body_links_asks_no_link_domain_through_doh() {
    let doh = super::support::doh_url();
    let names = |extra: &[&str]| -> Vec<String> {
        let mut args = vec![
            "analyze",
            "-",
            "--json",
            "--now",
            "1704189600000",
            "--doh",
            &doh,
        ];
        args.extend_from_slice(extra);
        let out = super::support::mailtrace(&args, LINKS);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        report["dns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["name"].as_str().unwrap().to_ascii_lowercase())
            .collect()
    };
    let on = names(&[]);
    assert!(
        on.iter().any(|n| n.starts_with("links-only.example.")),
        "{on:?}"
    );
    let off = names(&["--no-body-links"]);
    assert!(
        !off.iter()
            .any(|n| n.contains("links-only") || n.contains("second-link")),
        "{off:?}"
    );
    assert!(
        off.iter().any(|n| n.starts_with("sender.example.")),
        "{off:?}"
    );
}
