//! The DKIM fixtures in tests/dkim/ (signed by an independent implementation, see its README)
//! against what RFC 6376 / RFC 8463 say a verifier concludes: each `NAME.eml` with a
//! `NAME.expect` is verified with the keys of tests/zones/dkim.zone, and the result, the body
//! hash check and the header signature check are compared with the `dkim`, `body` and `header`
//! lines. Every fixture is counted and the count asserted, so a missing file fails.

use super::support::{expect_files, expectations};
use mailtrace::checks::dkim::{Check, DkimMessage, DkimResult, verify_all};
use mailtrace::dns::evaluate_verified;
use mailtrace::dns::zone::MemoryResolver;
use mailtrace::driver::verify::NativeVerifier;
use std::path::Path;

/// One minute after the last fixture was signed (10 Mar 2026).
const NOW: i64 = 1_773_138_060;

fn result_word(r: DkimResult) -> &'static str {
    match r {
        DkimResult::Pass => "pass",
        DkimResult::Fail => "fail",
        DkimResult::Neutral => "neutral",
        DkimResult::Temperror => "temperror",
        DkimResult::Permerror => "permerror",
        DkimResult::Policy => "policy",
    }
}

fn check_word(c: &Check) -> &'static str {
    match c {
        Check::Verified => "verified",
        Check::Failed => "failed",
        Check::NotChecked { .. } => "not checked",
    }
}

#[test]
fn dkim_fixtures_verify_as_the_rfcs_say() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let zone = std::fs::read_to_string(root.join("tests/zones/dkim.zone")).unwrap();
    let resolver = MemoryResolver::from_zone(&zone).unwrap();
    let names = expect_files(&root.join("tests/dkim"));
    let mut failures = Vec::new();
    let mut checked = 0;
    for expect_path in &names {
        let name = expect_path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let eml = std::fs::read(expect_path.with_extension("eml")).unwrap();
        let expect = expectations(&std::fs::read_to_string(expect_path).unwrap());
        let message = DkimMessage::parse(&eml);
        let outcomes = evaluate_verified(&resolver, &NativeVerifier, 1000, 20, |a| {
            verify_all(&message, a, NOW)
        })
        .0
        .expect("verification finishes with fixed answers");
        let Some(outcome) = outcomes.first() else {
            failures.push(format!("{name}: no DKIM signature read"));
            continue;
        };
        for (key, want) in &expect {
            let got = match key.as_str() {
                "dkim" => result_word(outcome.result),
                "body" => check_word(&outcome.body),
                "header" => check_word(&outcome.header_signature),
                "reason" => {
                    if outcome
                        .problems
                        .iter()
                        .any(|p| p.code == format!("dkim.{want}"))
                    {
                        continue;
                    }
                    "(no such problem)"
                }
                _ => continue,
            };
            checked += 1;
            if got != want {
                failures.push(format!(
                    "{name}: {key} expected {want}, got {got} ({})",
                    outcome.summary
                ));
            }
        }
    }
    println!(
        "dkim fixtures: {} files, {checked} expectations checked",
        names.len()
    );
    assert_eq!(names.len(), 7, "tests/dkim/*.expect files");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The ed25519 verification is asked of the driver (the core has no ed25519 code): with the
/// verdicts a driver may give, the fixture's signature passes, fails, or, where the browser
/// lacks Ed25519, is "not verified in this browser": neutral, never a failure. The request is
/// what RFC 8463 section 3 signs: the SHA-256 hash of the header data, under the raw 32-byte key.
#[test]
fn ed25519_is_a_verification_the_driver_answers() {
    use mailtrace::dns::verify::{FixedVerdict, SignatureAlgorithm, Verdict};
    use mailtrace::dns::{Step, verify::SignatureCheck};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let zone = std::fs::read_to_string(root.join("tests/zones/dkim.zone")).unwrap();
    let resolver = MemoryResolver::from_zone(&zone).unwrap();
    let message = DkimMessage::parse(&std::fs::read(root.join("tests/dkim/ed25519.eml")).unwrap());
    // Keys first; then one verification request.
    let (_, answers) = mailtrace::dns::evaluate(&resolver, 1000, 20, |a| {
        match verify_all(&message, a, NOW) {
            Step::Verify(_) => Step::Done(()),
            Step::Need(q) => Step::Need(q),
            Step::Done(_) => panic!("the signature needs a verification"),
        }
    });
    let Step::Verify(checks) = verify_all(&message, &answers, NOW) else {
        panic!("a verification request once the key is in");
    };
    let [
        SignatureCheck {
            algorithm: SignatureAlgorithm::Ed25519,
            key,
            message: signed,
            signature,
        },
    ] = checks.as_slice()
    else {
        panic!("one ed25519 request: {checks:?}");
    };
    assert_eq!((key.len(), signed.len(), signature.len()), (32, 32, 64));
    let with = |verdict| {
        evaluate_verified(&resolver, &FixedVerdict(verdict), 1000, 20, |a| {
            verify_all(&message, a, NOW)
        })
        .0
        .unwrap()
        .remove(0)
    };
    assert_eq!(with(Verdict::Valid).result, DkimResult::Pass);
    let invalid = with(Verdict::Invalid);
    assert_eq!(
        (invalid.result, invalid.header_signature),
        (DkimResult::Fail, Check::Failed)
    );
    let unsupported = with(Verdict::Unsupported);
    assert_eq!(unsupported.result, DkimResult::Neutral);
    assert_eq!(
        unsupported.header_signature,
        Check::NotChecked {
            reason: "ed25519 is not verified in this browser".into()
        }
    );
    assert!(
        unsupported
            .problems
            .iter()
            .any(|p| p.code == "dkim.ed25519-not-in-browser")
    );
    assert!(
        unsupported.summary.contains("not a failure"),
        "{}",
        unsupported.summary
    );
}
