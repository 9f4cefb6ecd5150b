//! Snapshot tests: every message in tests/samples/ (written for this project, one per mail
//! system) is analyzed offline as of a fixed time, and its report must equal the one stored
//! beside it (`NAME.expected.json`). A mismatch writes `NAME.actual.json` for review; set
//! MAILTRACE_UPDATE_SNAPSHOTS=1 to accept the new reports.

use mailtrace::{Analysis, Options};
use std::path::PathBuf;

/// 2024-01-02T10:00:00Z: the samples are dated around then.
const NOW_MS: i64 = 1_704_189_600_000;

#[test]
fn sample_reports_match_their_snapshots() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/samples");
    let mut samples: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    samples.sort();
    assert!(samples.len() >= 2, "no samples in {}", dir.display());
    let update = std::env::var_os("MAILTRACE_UPDATE_SNAPSHOTS").is_some();
    let mut mismatched = Vec::new();
    for sample in &samples {
        let input = std::fs::read(sample).unwrap();
        let options = Options {
            live: false,
            ..Options::default()
        };
        let mut report = Analysis::new(&input, NOW_MS, options).finish();
        report.generator = "mailtrace".into();
        let actual = report.to_json() + "\n";
        let expected_path = sample.with_extension("expected.json");
        let actual_path = sample.with_extension("actual.json");
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            let _ = std::fs::remove_file(&actual_path);
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected == actual {
            let _ = std::fs::remove_file(&actual_path);
        } else {
            std::fs::write(&actual_path, &actual).unwrap();
            mismatched.push(sample.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    assert!(
        mismatched.is_empty(),
        "reports differ from their snapshots (see tests/samples/*.actual.json; accept with \
         MAILTRACE_UPDATE_SNAPSHOTS=1): {mismatched:?}"
    );
    eprintln!("{} sample reports match their snapshots", samples.len());
}

/// Every sample analyzed live against the test zones (tests/zones/*.zone, in memory): SPF,
/// DKIM keys, DMARC, reverse DNS and blocklists from the project's own records. Snapshots are
/// `NAME.live.json`.
#[test]
fn live_sample_reports_match_their_snapshots() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut zone = mailtrace::dns::zone::MemoryResolver::new();
    let mut zones: Vec<PathBuf> = std::fs::read_dir(root.join("tests/zones"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "zone"))
        .collect();
    zones.sort();
    for path in &zones {
        zone.add_zone(&std::fs::read_to_string(path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    // The samples, and the bounces (whose returned messages are analyzed too).
    let mut samples: Vec<PathBuf> = ["tests/samples", "tests/bounces"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root.join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    samples.sort();
    let update = std::env::var_os("MAILTRACE_UPDATE_SNAPSHOTS").is_some();
    let mut mismatched = Vec::new();
    for sample in &samples {
        let input = std::fs::read(sample).unwrap();
        let analysis = Analysis::new(&input, NOW_MS, Options::default());
        let mut report = mailtrace::run_with(analysis, &zone);
        report.generator = "mailtrace".into();
        assert!(report.complete);
        let actual = report.to_json() + "\n";
        let expected_path = sample.with_extension("live.json");
        let actual_path = sample.with_extension("live-actual.json");
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            let _ = std::fs::remove_file(&actual_path);
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected == actual {
            let _ = std::fs::remove_file(&actual_path);
        } else {
            std::fs::write(&actual_path, &actual).unwrap();
            mismatched.push(sample.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    assert!(
        mismatched.is_empty(),
        "live reports differ from their snapshots (see tests/samples/*.live-actual.json; accept \
         with MAILTRACE_UPDATE_SNAPSHOTS=1): {mismatched:?}"
    );
}
