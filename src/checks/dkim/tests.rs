use super::*;
use crate::dns::zone::MemoryResolver;
use crate::dns::{Answer, DnsError, evaluate};

const SIGNED: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/samples/dkim-signed.eml"
));
const TAMPERED: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/samples/dkim-tampered.eml"
));
const SIMPLE_LENGTH: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/dkim/simple-length.eml"
));
const SHA1: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/dkim/rsa-sha1.eml"
));
const SHORT_KEY: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/dkim/short-key.eml"
));
const ZONE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/zones/dkim.zone"
));
/// The public key of tests/keys/dkim-mt2026.pem, base64 DER.
const MT2026: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqG9cD86jAr8lbNk0orH4aZWIN8LLt2SYZNF7gHQuvHSoyBOLlXFcI+VjVlKJkGWlkItyTHI5OrE5+zX3NlJY71aeZhnn4yHBo6kJWorTEs2rk2q8kUTLrvj/7eL83zbTqfWsvpfS5aFPORVqpICAjGXYK8UNkWEOGRfTYQmisZq5N/NfsLSIAp7VQPafClTGLE5YoDouCz5knvxqRHtzV2Ic4e17HcG7CHBAXaUY2dkt6dmucn54Y7Aobl5zSy1PalvlMyx00nzC52h+JI8L4e6TKP5QY4j71dH2cGdQAzirHy3Cd0GnWkZT4mpemjXVSiU1BZTY83jX7oHzKLN0mwIDAQAB";
/// The public key of tests/keys/rsa-512.pem.
const WEAK: &str = "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBANALzbPp5bnltzQ6qfNQGQ9yAXBiyPZiDD6e9aewQShJX93FHH0vFC0BEHQUyZ0tWvfXQou0+oY83oEP3uusIXcCAwEAAQ==";
/// When the samples were signed, plus a minute.
const NOW: i64 = 1_704_183_360;
const KEY: &str = "mt2026._domainkey.sender.example";

fn with_record(record: &str) -> MemoryResolver {
    let mut r = MemoryResolver::new();
    r.add_zone(&format!("{KEY}. 300 IN TXT {}", quote(record)))
        .unwrap();
    r
}

fn quote(record: &str) -> String {
    let chunks: Vec<String> = record
        .as_bytes()
        .chunks(200)
        .map(|c| format!("\"{}\"", String::from_utf8_lossy(c)))
        .collect();
    chunks.join(" ")
}

fn run(resolver: &MemoryResolver, message: &str) -> Vec<DkimOutcome> {
    let m = DkimMessage::parse(message.as_bytes());
    evaluate(resolver, 1000, 20, |a| verify_all(&m, a, NOW))
        .0
        .unwrap()
}

fn one(resolver: &MemoryResolver, message: &str) -> DkimOutcome {
    let mut all = run(resolver, message);
    assert_eq!(all.len(), 1);
    all.remove(0)
}

fn codes(o: &DkimOutcome) -> Vec<&str> {
    o.problems.iter().map(|p| p.code.as_str()).collect()
}

fn headers_only(message: &str) -> &str {
    &message[..message.find("\n\n").unwrap() + 1]
}

#[test]
fn own_sample_passes_and_tampered_fails() {
    let zone = MemoryResolver::from_zone(ZONE).unwrap();
    let o = one(&zone, SIGNED);
    assert_eq!(o.result, DkimResult::Pass, "{o:#?}");
    assert_eq!(o.key.as_ref().unwrap().bits, Some(2048));
    assert!(o.problems.is_empty(), "{o:#?}");
    let o = one(&zone, headers_only(SIGNED));
    assert_eq!(o.result, DkimResult::Neutral);
    assert_eq!(o.header_signature, Check::Verified);
    assert_eq!(o.body, Check::not("body not pasted"));
    assert!(
        o.summary.contains("body not checked (not pasted)"),
        "{}",
        o.summary
    );
    let o = one(&zone, TAMPERED);
    assert_eq!(o.result, DkimResult::Fail);
    assert_eq!(o.header_signature, Check::Failed);
    assert_eq!(o.body, Check::Verified);
    assert_eq!(codes(&o), ["dkim.header-mismatch"]);
    // relaxed: the key is the signer's (RSA tells), a signed header changed.
    assert!(
        o.problems[0].message.contains("key is the signer's"),
        "{}",
        o.summary
    );
    assert!(o.problems[0].message.contains("likelier cause"));
}

#[test]
fn paste_damage_is_absorbed_by_relaxed() {
    let zone = MemoryResolver::from_zone(ZONE).unwrap();
    // CRLF, trailing spaces on header lines, tabs for spaces: relaxed still verifies.
    let damaged = SIGNED
        .replace(
            "Subject: Your March invoice",
            "Subject:   Your March\tinvoice  ",
        )
        .replace('\n', "\r\n");
    assert_eq!(one(&zone, &damaged).result, DkimResult::Pass);
}

#[test]
fn over_signed_from_catches_an_added_from() {
    let zone = MemoryResolver::from_zone(ZONE).unwrap();
    // h= lists From twice; a second From (above, or below) must break the signature.
    let added = SIGNED.replace(
        "From: Carol Sender",
        "From: Mallory <m@evil.example>\nFrom: Carol Sender",
    );
    assert_eq!(one(&zone, &added).result, DkimResult::Fail);
    // An unsigned field added does not matter.
    let extra = SIGNED.replace("From: Carol", "X-Extra: yes\nFrom: Carol");
    assert_eq!(one(&zone, &extra).result, DkimResult::Pass);
}

#[test]
fn simple_canonicalization_and_body_length() {
    let zone = MemoryResolver::from_zone(ZONE).unwrap();
    let o = one(&zone, SIMPLE_LENGTH);
    assert_eq!(o.result, DkimResult::Pass, "{o:#?}");
    assert_eq!(codes(&o), ["dkim.body-length"]);
    // Content appended after l= bytes still verifies (which is why l= is flagged).
    let appended = format!("{SIMPLE_LENGTH}\nPS: click here\n");
    assert_eq!(one(&zone, &appended).result, DkimResult::Pass);
    // simple: one changed space in a signed header fails, and the paste is named as a cause.
    let spaced = SIMPLE_LENGTH.replace("Subject: Your", "Subject:  Your");
    let o = one(&zone, &spaced);
    assert_eq!(o.result, DkimResult::Fail);
    assert!(
        o.problems[0].message.contains("paste itself may explain"),
        "{o:#?}"
    );
    // simple body: a trailing space added to a line inside l= breaks the body hash.
    let body = SIMPLE_LENGTH.replace("Hello Dana,", "Hello Dana, ");
    let o = one(&zone, &body);
    assert_eq!(
        (o.header_signature.clone(), o.body.clone()),
        (Check::Verified, Check::Failed)
    );
    assert_eq!(codes(&o)[0], "dkim.body-mismatch");
    // l= longer than what was pasted.
    let cut = SIMPLE_LENGTH.replace("\nRegards,\nCarol\n", "\n");
    assert_eq!(codes(&one(&zone, &cut))[0], "dkim.body-short");
}

#[test]
fn sha1_is_valid_but_flagged() {
    let zone = MemoryResolver::from_zone(ZONE).unwrap();
    let o = one(&zone, SHA1);
    assert_eq!(o.result, DkimResult::Pass, "{o:#?}");
    assert_eq!(codes(&o), ["dkim.weak-algorithm"]);
    let o = one(
        &with_record(&format!("v=DKIM1; h=sha256; p={MT2026}")),
        SHA1,
    );
    assert_eq!(o.result, DkimResult::Permerror);
    assert_eq!(codes(&o)[0], "dkim.key-hash");
}

#[test]
fn short_key_is_policy() {
    let r = MemoryResolver::from_zone(&format!(
        "weak._domainkey.sender.example. 300 IN TXT \"v=DKIM1; p={WEAK}\""
    ))
    .unwrap();
    let o = one(&r, SHORT_KEY);
    assert_eq!(o.header_signature, Check::Verified);
    assert_eq!(o.result, DkimResult::Policy);
    assert_eq!(o.key.as_ref().unwrap().bits, Some(512));
    assert_eq!(codes(&o), ["dkim.key-short"]);
}

#[test]
fn key_problems() {
    let cases: [(&str, DkimResult, &str); 8] = [
        (
            "v=DKIM1; k=rsa; p=",
            DkimResult::Permerror,
            "dkim.key-revoked",
        ),
        (
            "v=DKIM1; k=rsa",
            DkimResult::Permerror,
            "dkim.key-malformed",
        ),
        (
            "v=DKIM1; p=!!notbase64!!",
            DkimResult::Permerror,
            "dkim.key-malformed",
        ),
        (
            "v=DKIM1; p=SGVsbG8gd29ybGQ=",
            DkimResult::Permerror,
            "dkim.key-malformed",
        ),
        (
            "v=DKIM2; p=AAAA",
            DkimResult::Permerror,
            "dkim.key-malformed",
        ),
        (
            "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
            DkimResult::Permerror,
            "dkim.key-type",
        ),
        (
            "v=DKIM1; s=tlsrpt; p=KEY",
            DkimResult::Permerror,
            "dkim.key-service",
        ),
        ("v=DKIM1; t=y; p=KEY", DkimResult::Pass, "dkim.key-testing"),
    ];
    for (record, result, code) in cases {
        let record = record.replace("KEY", MT2026);
        let o = one(&with_record(&record), SIGNED);
        assert_eq!(o.result, result, "{record}: {o:#?}");
        assert_eq!(codes(&o)[0], code, "{record}");
        assert!(o.summary.len() > 20);
    }
    let testing = one(&with_record(&format!("v=DKIM1; t=y; p={MT2026}")), SIGNED);
    assert!(testing.key.unwrap().testing);
}

#[test]
fn missing_key_and_dns_failures() {
    let q = Question::new(KEY, RecordType::Txt);
    // NXDOMAIN
    let o = one(&MemoryResolver::new(), SIGNED);
    assert_eq!(
        (o.result, codes(&o)[0]),
        (DkimResult::Permerror, "dkim.key-missing")
    );
    assert!(o.problems[0].message.contains("rotated"));
    // The name exists with no TXT.
    let r = MemoryResolver::from_zone(&format!("{KEY}. 300 IN A 192.0.2.1")).unwrap();
    let o = one(&r, SIGNED);
    assert_eq!(
        (o.result, codes(&o)[0]),
        (DkimResult::Permerror, "dkim.key-missing")
    );
    // SERVFAIL, timeout: could not check.
    for outcome in [
        Ok(Answer {
            rcode: Rcode::ServFail,
            records: Vec::new(),
        }),
        Ok(Answer {
            rcode: Rcode::Refused,
            records: Vec::new(),
        }),
        Err(DnsError::Timeout),
    ] {
        let mut r = MemoryResolver::new();
        r.set(q.clone(), outcome);
        let o = one(&r, SIGNED);
        assert_eq!(
            (o.result, codes(&o)[0]),
            (DkimResult::Temperror, "dkim.dns-error")
        );
        assert!(o.summary.contains("could not check"), "{}", o.summary);
    }
}

#[test]
fn all_keys_in_one_round() {
    // Three signatures with three selectors: one Need with all three questions.
    let sig = |s: &str| {
        SIGNED
            .lines()
            .skip(4)
            .take(9)
            .collect::<Vec<_>>()
            .join("\n")
            .replace("s=mt2026", &format!("s={s}"))
    };
    let message = format!("{}\n{}\n{}", sig("a"), sig("b"), SIGNED);
    let m = DkimMessage::parse(message.as_bytes());
    assert_eq!(m.len(), 3);
    let empty: std::collections::HashMap<Question, Result<Answer, DnsError>> = Default::default();
    match verify_all(&m, &empty, NOW) {
        Step::Need(q) => assert_eq!(q.len(), 3),
        Step::Done(_) | Step::Verify(_) => panic!("needs keys"),
    }
    let zone = MemoryResolver::from_zone(ZONE).unwrap();
    let (outcomes, answers) = evaluate(&zone, 1000, 20, |a| verify_all(&m, a, NOW));
    assert_eq!(answers.len(), 3);
    let results: Vec<DkimResult> = outcomes.unwrap().iter().map(|o| o.result).collect();
    // a and b have no key (NXDOMAIN); the last is the real one.
    assert_eq!(
        results,
        [
            DkimResult::Permerror,
            DkimResult::Permerror,
            DkimResult::Pass
        ]
    );
}

#[test]
fn expiry_and_future() {
    let zone = MemoryResolver::from_zone(ZONE).unwrap();
    let m = DkimMessage::parse(SIGNED.as_bytes());
    let early = evaluate(&zone, 1000, 20, |a| verify(&m, 0, a, 1_704_000_000))
        .0
        .unwrap();
    assert_eq!(codes(&early), ["dkim.timestamp-in-future"]);
    let x = SIGNED.replace("t=1704183300;", "t=1704183300; x=1704183400;");
    let m = DkimMessage::parse(x.as_bytes());
    // x= is inside the signed field, so the signature changes; still, expiry is reported.
    let o = evaluate(&zone, 1000, 20, |a| verify(&m, 0, a, 1_704_200_000))
        .0
        .unwrap();
    assert!(codes(&o).contains(&"dkim.expired"), "{o:#?}");
}

#[test]
fn malformed_signatures_never_panic() {
    let zone = MemoryResolver::from_zone(ZONE).unwrap();
    for value in [
        "",
        "v=1",
        "v=1; a=rsa-sha256; d=sender.example; s=mt2026; h=from; bh=AAAA; b=",
        "v=1; a=rsa-sha512; d=sender.example; s=mt2026; h=from; bh=AAAA; b=AAAA",
        "v=1; a=rsa-sha256; c=weird; d=sender.example; s=mt2026; h=from; bh=AAAA; b=AAAA",
        "v=1; a=rsa-sha256; d=sender.example; s=mt2026; h=from; bh=AAAA; b=AAAA",
        "v=1; a=ed25519-sha256; d=sender.example; s=mt2026; h=from; bh=AAAA; b=AAAA",
        "b=; b=; b=",
        "v=1; a=rsa-sha256; d=\u{e9}\u{e9}; s=\u{e9}; h=\u{e9}; bh=\u{e9}; b=\u{e9}",
    ] {
        let message = format!("DKIM-Signature: {value}\nFrom: a@b.example\n\nbody\n");
        let o = one(&zone, &message);
        assert_ne!(o.result, DkimResult::Pass, "{value}");
    }
}

#[test]
fn b_tag_removal() {
    assert_eq!(
        canon::without_b("DKIM-Signature: a=1; bh=XX; b=YY\r\n ZZ; c=2"),
        "DKIM-Signature: a=1; bh=XX; b=; c=2"
    );
    assert_eq!(
        canon::without_b("DKIM-Signature: b = YY"),
        "DKIM-Signature: b ="
    );
}

#[test]
fn relaxed_header_and_body() {
    let mut out = Vec::new();
    canon::header(
        "SubJect \t: \t A  b\r\n\t c \t",
        Canon::Relaxed,
        &mut out,
        false,
    );
    assert_eq!(out, b"subject:A b c\r\n");
    let mut body = Vec::new();
    let len = canon::body(" a \t b \n\n  \n\n", Canon::Relaxed, None, &mut |b| {
        body.extend_from_slice(b)
    });
    assert_eq!(body, b" a b\r\n");
    assert_eq!(len, 6);
    let mut body = Vec::new();
    canon::body("", Canon::Simple, None, &mut |b| body.extend_from_slice(b));
    assert_eq!(body, b"\r\n");
    let mut body = Vec::new();
    canon::body("x \n\n\n", Canon::Simple, Some(2), &mut |b| {
        body.extend_from_slice(b)
    });
    assert_eq!(body, b"x ");
}

#[test]
fn verify_by_index() {
    let zone = MemoryResolver::from_zone(ZONE).unwrap();
    let m = DkimMessage::parse(SIGNED.as_bytes());
    let o = evaluate(&zone, 1000, 20, |a| verify(&m, 0, a, NOW))
        .0
        .unwrap();
    assert_eq!(o.result, DkimResult::Pass);
    let o = evaluate(&zone, 1000, 20, |a| verify(&m, 5, a, NOW))
        .0
        .unwrap();
    assert_eq!(o.result, DkimResult::Permerror);
}

#[test]
fn mutations_never_panic() {
    // Random byte changes to the signed message and to the key record: any result, no panic.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut random = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed as usize
    };
    let alphabet = b"=;:\r\n \t@.abAB+/0\xc3\xa9\xff";
    let record = format!("v=DKIM1; k=rsa; p={MT2026}");
    for round in 0..300 {
        let mut message = SIGNED.as_bytes().to_vec();
        let mut key = record.as_bytes().to_vec();
        for _ in 0..1 + random() % 4 {
            let target = if round % 2 == 0 {
                &mut message
            } else {
                &mut key
            };
            if target.is_empty() {
                break;
            }
            let at = random() % target.len();
            match random() % 3 {
                0 => target[at] = alphabet[random() % alphabet.len()],
                1 => {
                    target.remove(at);
                }
                _ => target.truncate(at),
            }
        }
        let key = String::from_utf8_lossy(&key).replace(['"', '\\', '\n', '\r'], "");
        let mut r = MemoryResolver::new();
        let q = Question::new(KEY, RecordType::Txt);
        r.set(
            q.clone(),
            Ok(Answer::records(vec![crate::dns::Record {
                name: q.name.clone(),
                ttl: 300,
                data: crate::dns::RData::Txt(vec![key]),
            }])),
        );
        let m = DkimMessage::parse(&message);
        let outcomes = evaluate(&r, 1000, 20, |a| verify_all(&m, a, NOW)).0;
        assert!(outcomes.is_some());
    }
}
