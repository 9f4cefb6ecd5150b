//! DKIM verification over the shared corpora (mail-auth's DKIM messages, RFC 8463 appendix A)
//! and over the project's own signed samples.

use super::support::corpora;
use mailtrace::checks::dkim::{Check, DkimMessage, DkimOutcome, DkimResult, verify_all};
use mailtrace::dns::zone::MemoryResolver;
use mailtrace::dns::{Answer, Question, RData, Record, RecordType, evaluate_verified};
use mailtrace::driver::verify::NativeVerifier;

/// The reference time of the mail-auth corpus (005 expires a day later).
const CORPUS_NOW: i64 = 1_667_843_664;

fn txt(resolver: &mut MemoryResolver, name: &str, parts: Vec<String>) {
    let question = Question::new(name, RecordType::Txt);
    let record = Record {
        name: question.name.clone(),
        ttl: 300,
        data: RData::Txt(parts),
    };
    resolver.set(question, Ok(Answer::records(vec![record])));
}

fn run(resolver: &MemoryResolver, message: &[u8], now: i64) -> Vec<DkimOutcome> {
    let prepared = DkimMessage::parse(message);
    let (outcomes, answers) = evaluate_verified(resolver, &NativeVerifier, 1000, 50, |a| {
        verify_all(&prepared, a, now)
    });
    let outcomes = outcomes.expect("the evaluation ends");
    // One round: every key is asked for at once.
    assert_eq!(answers.len(), prepared.questions().len());
    outcomes
}

/// The message with its body removed (headers only, as usually pasted).
fn headers_only(message: &str) -> String {
    match message.find("\n\n") {
        Some(at) => message[..at + 1].to_string(),
        None => message.to_string(),
    }
}

/// The message with the first `name:` field's value changed.
fn tamper(message: &str, name: &str) -> String {
    let mut out = String::new();
    let mut done = false;
    for line in message.split_inclusive('\n') {
        if !done
            && line
                .to_ascii_lowercase()
                .starts_with(&format!("{}:", name.to_ascii_lowercase()))
        {
            out.push_str(line.trim_end_matches('\n'));
            out.push_str(" (changed)\n");
            done = true;
        } else {
            out.push_str(line);
        }
    }
    assert!(done, "no {name} field to tamper with");
    out
}

/// Checks one message: all pass with the body, header signatures verify without it, and
/// changing Subject or From makes every signature fail. Returns the number of signatures.
fn check_message(label: &str, resolver: &MemoryResolver, message: &str, now: i64) -> usize {
    let full = run(resolver, message.as_bytes(), now);
    assert!(!full.is_empty(), "{label}: no signature found");
    for o in &full {
        assert_eq!(o.result, DkimResult::Pass, "{label}: {o:#?}");
        assert_eq!(o.header_signature, Check::Verified, "{label}");
        assert_eq!(o.body, Check::Verified, "{label}");
    }
    let headers = run(resolver, headers_only(message).as_bytes(), now);
    assert_eq!(headers.len(), full.len(), "{label}");
    for o in &headers {
        assert_eq!(
            o.header_signature,
            Check::Verified,
            "{label} headers only: {o:#?}"
        );
        assert_eq!(
            o.body,
            Check::NotChecked {
                reason: "body not pasted".into()
            },
            "{label}"
        );
        assert_eq!(o.result, DkimResult::Neutral, "{label}");
        assert!(
            o.summary.contains("body not checked (not pasted)"),
            "{}",
            o.summary
        );
    }
    for field in ["Subject", "From"] {
        let changed = tamper(message, field);
        for body in [true, false] {
            let text = if body {
                changed.clone()
            } else {
                headers_only(&changed)
            };
            let outcomes = run(resolver, text.as_bytes(), now);
            for o in &outcomes {
                assert_eq!(
                    o.result,
                    DkimResult::Fail,
                    "{label} {field} changed: {o:#?}"
                );
                assert_eq!(o.header_signature, Check::Failed, "{label}");
                assert!(o.problems.iter().any(|p| p.code == "dkim.header-mismatch"));
            }
        }
    }
    full.len()
}

#[test]
fn mail_auth_corpus() {
    let dir = corpora();
    let dir = dir.join("dkim/mail-auth");
    let mut files = 0;
    let mut signatures = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("dkim/mail-auth is readable")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).expect("readable");
        let (records, message) = text
            .split_once("\n\n")
            .expect("records, blank line, message");
        let mut resolver = MemoryResolver::new();
        for line in records.lines() {
            let (name, value) = line.split_once(' ').expect("name value");
            txt(&mut resolver, name, vec![value.to_string()]);
        }
        let label = path.file_name().unwrap_or_default().to_string_lossy();
        let n = check_message(&label, &resolver, message, CORPUS_NOW);
        println!(
            "{label}: {n} signature(s) pass with the body; header signature verifies without it (body not checked); fail when Subject or From is changed"
        );
        files += 1;
        signatures += n;
    }
    println!("mail-auth DKIM corpus: {files} files, {signatures} signatures");
    assert_eq!(files, 6);
}

#[test]
fn mail_auth_005_expired_later() {
    let dir = corpora();
    let text = std::fs::read_to_string(dir.join("dkim/mail-auth/005.txt")).expect("readable");
    let (records, message) = text
        .split_once("\n\n")
        .expect("records, blank line, message");
    let mut resolver = MemoryResolver::new();
    for line in records.lines() {
        let (name, value) = line.split_once(' ').expect("name value");
        txt(&mut resolver, name, vec![value.to_string()]);
    }
    let later = run(&resolver, message.as_bytes(), CORPUS_NOW + 2 * 86_400);
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].result, DkimResult::Neutral);
    assert_eq!(later[0].header_signature, Check::Verified);
    assert!(later[0].problems.iter().any(|p| p.code == "dkim.expired"));
    assert!(
        later[0].summary.contains("has expired"),
        "{}",
        later[0].summary
    );
    let headers = run(
        &resolver,
        headers_only(message).as_bytes(),
        CORPUS_NOW + 2 * 86_400,
    );
    assert_eq!(headers[0].result, DkimResult::Neutral);
    assert!(headers[0].summary.contains("body not checked (not pasted)"));
    assert!(
        headers[0].summary.contains("expired on"),
        "{}",
        headers[0].summary
    );
}

#[test]
fn rfc8463_appendix_a() {
    let dir = corpora();
    let dir = dir.join("dkim/rfc8463");
    let dns: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("dns.json")).expect("dns.json"))
            .expect("json");
    let mut resolver = MemoryResolver::new();
    for (name, types) in dns.as_object().expect("object") {
        for record in types["TXT"].as_array().expect("TXT list") {
            let parts = record
                .as_array()
                .expect("strings")
                .iter()
                .map(|s| s.as_str().expect("string").to_string())
                .collect();
            txt(&mut resolver, name, parts);
        }
    }
    let message = std::fs::read_to_string(dir.join("signed.eml")).expect("signed.eml");
    let n = check_message("rfc8463", &resolver, &message, CORPUS_NOW);
    let outcomes = run(&resolver, message.as_bytes(), CORPUS_NOW);
    let algorithms: Vec<&str> = outcomes.iter().map(|o| o.algorithm.as_str()).collect();
    assert_eq!(algorithms, ["ed25519-sha256", "rsa-sha256"]);
    println!("rfc8463: {n} signatures (ed25519-sha256, rsa-sha256) pass");
}

/// The own PKCS#1 v1.5 verifier against the `rsa` crate: random messages signed with keys of
/// 1024, 2048 and 4096 bits, SHA-1 and SHA-256, keys as SubjectPublicKeyInfo and as bare
/// RSAPublicKey; tampered signatures, other digests and other hashes do not verify.
#[test]
fn rsa_verifier_against_the_rsa_crate() {
    use mailtrace::checks::dkim::rsa::{Hash, PublicKey, Verdict};
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::pkcs1::EncodeRsaPublicKey;
    use rsa::pkcs8::EncodePublicKey;
    use rsa::{Pkcs1v15Sign, RsaPrivateKey};
    use sha1_010::Digest as _;

    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut random = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut checked = 0;
    for (bits, messages) in [(1024, 6), (2048, 6), (4096, 2)] {
        let path = format!("{}/tests/keys/rsa-{bits}.der", env!("CARGO_MANIFEST_DIR"));
        let private = RsaPrivateKey::from_pkcs1_der(&std::fs::read(path).expect("key file"))
            .expect("PKCS#1 RSA key");
        let public = private.to_public_key();
        let spki = public.to_public_key_der().expect("SPKI");
        let bare = public.to_pkcs1_der().expect("RSAPublicKey");
        let keys = [
            PublicKey::from_der(spki.as_bytes()).expect("SPKI reads"),
            PublicKey::from_der(bare.as_bytes()).expect("bare key reads"),
        ];
        assert_eq!(keys[0].bits(), bits);
        assert_eq!(keys[0], keys[1]);
        for _ in 0..messages {
            let len = (random() % 300) as usize;
            let message: Vec<u8> = (0..len).map(|_| random() as u8).collect();
            for hash in [Hash::Sha1, Hash::Sha256] {
                let (digest, scheme) = match hash {
                    Hash::Sha1 => (
                        sha1_010::Sha1::digest(&message).to_vec(),
                        Pkcs1v15Sign::new::<sha1_010::Sha1>(),
                    ),
                    Hash::Sha256 => (
                        sha2_010::Sha256::digest(&message).to_vec(),
                        Pkcs1v15Sign::new::<sha2_010::Sha256>(),
                    ),
                };
                let signature = private.sign(scheme, &digest).expect("signs");
                let other = if hash == Hash::Sha1 {
                    Hash::Sha256
                } else {
                    Hash::Sha1
                };
                for key in &keys {
                    assert_eq!(key.verify(hash, &digest, &signature), Verdict::Valid);
                    let mut wrong = digest.clone();
                    wrong[0] ^= 1;
                    assert_eq!(key.verify(hash, &wrong, &signature), Verdict::OtherDigest);
                    assert_ne!(key.verify(other, &digest, &signature), Verdict::Valid);
                    let mut tampered = signature.clone();
                    let at = (random() as usize) % tampered.len();
                    tampered[at] ^= 0x10;
                    assert_eq!(key.verify(hash, &digest, &tampered), Verdict::Garbage);
                    assert_eq!(key.verify(hash, &digest, &signature[1..]), Verdict::Garbage);
                    checked += 1;
                }
            }
        }
    }
    println!(
        "rsa cross-check: {checked} signature checks (1024/2048/4096 bits, SHA-1 and SHA-256, SPKI and bare keys), each also tampered"
    );
}

/// Hostile keys and signatures: no panic, bounded work.
#[test]
fn rsa_hostile_inputs() {
    use mailtrace::checks::dkim::rsa::{Hash, KeyError, PublicKey};
    assert_eq!(PublicKey::from_der(&[]), Err(KeyError::NotRsa));
    assert_eq!(
        PublicKey::from_der(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]),
        Err(KeyError::NotRsa)
    );
    // A bare key with an even modulus, a 9-byte exponent, and a modulus of 8200 bits.
    let key = |n: &[u8], e: &[u8]| {
        let mut inner = vec![0x02, 0x82, (n.len() >> 8) as u8, n.len() as u8];
        inner.extend_from_slice(n);
        inner.extend_from_slice(&[0x02, e.len() as u8]);
        inner.extend_from_slice(e);
        let mut out = vec![0x30, 0x82, (inner.len() >> 8) as u8, inner.len() as u8];
        out.extend_from_slice(&inner);
        out
    };
    let mut odd = vec![0x7f; 128];
    assert!(PublicKey::from_der(&key(&odd, &[1, 0, 1])).is_ok());
    assert_eq!(
        PublicKey::from_der(&key(&odd, &[1; 9])),
        Err(KeyError::Unusable)
    );
    assert_eq!(
        PublicKey::from_der(&key(&odd, &[2])),
        Err(KeyError::Unusable)
    );
    odd[127] = 0x7e;
    assert_eq!(
        PublicKey::from_der(&key(&odd, &[3])),
        Err(KeyError::Unusable)
    );
    assert_eq!(
        PublicKey::from_der(&key(&[0x7f; 1025], &[3])),
        Err(KeyError::TooLarge)
    );
    // The largest allowed modulus with a 64-bit exponent: bounded time.
    let mut n = vec![0xff; 1024];
    n[0] = 0x7f;
    let big = PublicKey::from_der(&key(&n, &[0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))
        .expect("8192 bits, odd");
    let started = std::time::Instant::now();
    let _ = big.verify(Hash::Sha256, &[0; 32], &vec![0x55; 1024]);
    println!(
        "8192-bit key, 64-bit exponent: {:?} (debug build)",
        started.elapsed()
    );
}
