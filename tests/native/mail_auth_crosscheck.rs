//! mail-auth (Stalwart's) as an independent second opinion on our record parsers. Our SPF, DKIM
//! and DMARC checks are our own (ARCHITECTURE.md says why); here every SPF, DMARC and DKIM key
//! record in the shared corpora and our test zones is read by both. DMARC and DKIM key records
//! must be read alike. For SPF, mail-auth's parser accepts many records that RFC 7208 makes a
//! permerror (it leaves them to evaluation, or skips the bad term); the RFC 7208 suite, which ours
//! passes in full, is the judge there, so those are counted and printed. A record mail-auth
//! rejects and ours accepts must be one of `EXPECTED_DIFFERENCES`, with the reason, so that a new
//! one fails the test.

use super::support::corpora;
use mail_auth::dns::TxtRecordParser;
use serde::Deserialize;

/// Records the two read differently on purpose, with why.
const EXPECTED_DIFFERENCES: &[(&str, &str)] = &[
    (
        "v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all",
        "an unknown modifier is valid and ignored (RFC 7208 section 6); the suite expects pass",
    ),
    (
        "v=spf1 a:foo:bar/baz.example.com",
        "':' and '/' may appear in a domain-spec's macro-string; the suite expects no permerror",
    ),
    (
        "v=spf1 mx:foo:bar/baz.example.com",
        "':' and '/' may appear in a domain-spec's macro-string; the suite expects no permerror",
    ),
];

fn spf_records(dir: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("spf/rfc7208-tests.yml")).unwrap();
    let mut out = Vec::new();
    for doc in serde_yaml::Deserializer::from_str(&text) {
        let scenario = serde_yaml::Value::deserialize(doc).unwrap();
        let Some(map) = scenario["zonedata"].as_mapping() else {
            continue;
        };
        for (_, entries) in map {
            for entry in entries.as_sequence().into_iter().flatten() {
                let txt = if entry["TXT"].is_null() {
                    &entry["SPF"]
                } else {
                    &entry["TXT"]
                };
                let joined = match txt {
                    serde_yaml::Value::String(s) => s.clone(),
                    serde_yaml::Value::Sequence(parts) => {
                        parts.iter().filter_map(|p| p.as_str()).collect::<String>()
                    }
                    _ => continue,
                };
                if joined.to_ascii_lowercase().starts_with("v=spf1") {
                    out.push(joined);
                }
            }
        }
    }
    out
}

fn zone_txt(prefix_filter: &dyn Fn(&str, &str) -> bool) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/zones");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let zone = mailtrace::dns::zone::MemoryResolver::from_zone(&text).unwrap();
        for line in text.lines().filter(|l| l.contains(" TXT ")) {
            let name = line.split_whitespace().next().unwrap_or_default();
            let q = mailtrace::dns::Question::new(name, mailtrace::dns::RecordType::Txt);
            if let Ok(answer) = mailtrace::dns::Resolver::lookup(&zone, &q, 1000) {
                for d in answer.data_for(&q) {
                    if let Some(t) = d.txt_joined()
                        && prefix_filter(&q.name, &t)
                        && !out.contains(&t)
                    {
                        out.push(t);
                    }
                }
            }
        }
    }
    out
}

/// Compares the two readings: returns the number of unexplained differences. With `lenient`,
/// records only mail-auth accepts are counted and printed, not failed.
fn report(
    kind: &str,
    records: &[String],
    lenient: bool,
    ours: impl Fn(&str) -> bool,
    theirs: impl Fn(&str) -> bool,
) -> usize {
    let (mut alike, mut only_theirs, mut unexplained) = (0, Vec::new(), Vec::new());
    for r in records {
        match (ours(r), theirs(r)) {
            (a, b) if a == b => alike += 1,
            (false, true) if lenient => only_theirs.push(r),
            (a, _) => {
                if !EXPECTED_DIFFERENCES.iter().any(|(rec, _)| rec == r) {
                    unexplained.push(format!("  ours {} / mail-auth {}: {r:?}", ok(a), ok(!a)));
                }
            }
        }
    }
    eprintln!(
        "{kind}: {} records; {alike} read alike; {} accepted only by mail-auth's more lenient parser; {} unexplained differences",
        records.len(),
        only_theirs.len(),
        unexplained.len()
    );
    for d in &unexplained {
        eprintln!("{d}");
    }
    unexplained.len()
}

fn ok(b: bool) -> &'static str {
    if b { "accepts" } else { "rejects" }
}

#[test]
fn record_parsers_agree_with_mail_auth() {
    let dir = corpora();
    let mut differ = 0;

    let mut spf = spf_records(&dir);
    spf.extend(zone_txt(&|_, t| {
        t.to_ascii_lowercase().starts_with("v=spf1")
    }));
    differ += report(
        "SPF",
        &spf,
        true,
        |r| {
            !mailtrace::checks::spf::lint(r).iter().any(|l| {
                l.severity == mailtrace::checks::spf::Severity::Problem && l.code.contains("syntax")
            })
        },
        |r| mail_auth::spf::SpfRecord::parse(r.as_bytes()).is_ok(),
    );

    let cases: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("dmarc/mailauth_dmarc_cases.json")).unwrap(),
    )
    .unwrap();
    let mut dmarc = Vec::new();
    for case in cases["cases"].as_array().into_iter().flatten() {
        for call in case["calls"].as_array().into_iter().flatten() {
            for (name, types) in call["dns"].as_object().into_iter().flatten() {
                if !name.starts_with("_dmarc.") {
                    continue;
                }
                for rec in types["TXT"].as_array().into_iter().flatten() {
                    let joined: String = rec
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|p| p.as_str())
                        .collect();
                    if joined.starts_with("v=DMARC1") && !dmarc.contains(&joined) {
                        dmarc.push(joined);
                    }
                }
            }
        }
    }
    dmarc.extend(zone_txt(&|n, t| {
        n.starts_with("_dmarc.") && t.starts_with("v=DMARC1")
    }));
    differ += report(
        "DMARC",
        &dmarc,
        false,
        // A usable record (ours lists tag errors beside it, as lint; mail-auth skips them).
        |r| mailtrace::checks::dmarc::parse_record(r).is_ok(),
        |r| mail_auth::dmarc::DmarcRecord::parse(r.as_bytes()).is_ok(),
    );

    let mut keys = zone_txt(&|n, _| n.contains("._domainkey."));
    for entry in std::fs::read_dir(dir.join("dkim/mail-auth")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let (records, _) = text.split_once("\n\n").unwrap_or_default();
        for line in records.lines() {
            if let Some((name, value)) = line.split_once(' ')
                && name.contains("._domainkey.")
                && !keys.contains(&value.to_string())
            {
                keys.push(value.to_string());
            }
        }
    }
    differ += report(
        "DKIM keys",
        &keys,
        false,
        |r| {
            let (_, problems) = mailtrace::checks::dkim::read_key_record(r);
            !problems
                .iter()
                .any(|p| p.code == "dkim.key-malformed" || p.code == "dkim.key-revoked")
        },
        |r| mail_auth::dkim::DomainKey::parse(r.as_bytes()).is_ok(),
    );
    assert_eq!(
        differ, 0,
        "records read differently by mail-auth and by us (listed above)"
    );
}
