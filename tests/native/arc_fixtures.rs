//! The ARC fixtures in tests/arc/ (sealed by an independent implementation, see its README)
//! against what RFC 8617 says a validator concludes: the chain status, where it breaks, the
//! number of sets, the newest sealer, `arc.oldest-pass`, what each sealer recorded, and the
//! sender's own DKIM signature. Every fixture and every expectation is counted, and the
//! counts are asserted, so a missing file or an unread key fails.

use super::support::{expect_files, expectations};
use mailtrace::checks::arc::{ArcMessage, ArcResult, validate};
use mailtrace::checks::dkim::{DkimMessage, DkimResult, verify_all};
use mailtrace::dns::evaluate_verified;
use mailtrace::dns::zone::MemoryResolver;
use mailtrace::driver::verify::NativeVerifier;
use std::path::Path;

#[test]
fn arc_fixtures_validate_as_rfc_8617_says() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let zone = std::fs::read_to_string(root.join("tests/zones/dkim.zone")).unwrap();
    let resolver = MemoryResolver::from_zone(&zone).unwrap();
    let names = expect_files(&root.join("tests/arc"));
    let (mut failures, mut checked, mut chains_right) = (Vec::new(), 0, 0);
    for path in &names {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let eml = std::fs::read(path.with_extension("eml")).unwrap();
        let expect = expectations(&std::fs::read_to_string(path).unwrap());
        let normalized = mailtrace::parse::input::normalize(&eml);
        let arc = ArcMessage::new(&normalized);
        let v = evaluate_verified(&resolver, &NativeVerifier, 1000, 50, |a| validate(&arc, a))
            .0
            .expect("finishes with fixed answers")
            .expect("the fixture has ARC fields");
        let dkim = DkimMessage::new(&normalized);
        let dkim_result = evaluate_verified(&resolver, &NativeVerifier, 1000, 50, |a| {
            verify_all(&dkim, a, 1_773_325_300)
        })
        .0
        .unwrap()
        .first()
        .map(|o| o.result);
        let mut right = true;
        for (key, want) in &expect {
            let got = match key.as_str() {
                "arc" => match v.result {
                    ArcResult::Pass => "pass".to_string(),
                    ArcResult::Fail => "fail".to_string(),
                    ArcResult::Temperror => "temperror".to_string(),
                },
                "break" => v.broken.as_ref().map_or("none".into(), |b| b.code.clone()),
                "broken-instance" => v
                    .broken
                    .as_ref()
                    .map_or("none".into(), |b| b.instance.to_string()),
                "instances" => v.instances.to_string(),
                "sealed-by" => v.sealed_by.clone().unwrap_or_default(),
                "oldest-pass" => v.oldest_pass.map_or("none".into(), |o| o.to_string()),
                "dkim" => match dkim_result {
                    Some(DkimResult::Pass) => "pass".into(),
                    Some(DkimResult::Fail) => "fail".into(),
                    other => format!("{other:?}").to_lowercase(),
                },
                k if k.starts_with("aar-") => {
                    let i: u32 = k[4..].parse().unwrap();
                    v.sets
                        .iter()
                        .find(|s| s.instance == i)
                        .map(|s| s.results.join(" "))
                        .unwrap_or_default()
                }
                _ => continue,
            };
            checked += 1;
            if &got != want {
                right = false;
                failures.push(format!(
                    "{name}: {key} expected {want}, got {got} ({})",
                    v.summary
                ));
            }
        }
        chains_right += usize::from(right);
    }
    println!(
        "arc fixtures: {chains_right}/{} fixtures fully right, {checked} expectations checked",
        names.len()
    );
    assert_eq!(names.len(), 16, "tests/arc/*.expect files");
    assert!(checked >= 16 * 3, "only {checked} expectations read");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
