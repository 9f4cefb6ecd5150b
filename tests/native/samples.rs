//! Snapshot tests: every message in tests/samples/ (written for this project, one per mail
//! system) is analyzed as of a fixed time, and its report must equal the one stored beside it:
//! offline as `NAME.expected.json`, and live against the test zones as `NAME.live.json` (the
//! bounces in tests/bounces/ too). A mismatch prints what changed, path by path (and the same
//! changes summed up over every file, with array indices as `*`), and writes the actual report
//! beside it; set MAILTRACE_UPDATE_SNAPSHOTS=1 to accept the new reports. After accepting,
//! `node scripts/snapshot-diff.mjs` sums up the change against the last commit for review.

use mailtrace::{Analysis, Options, Report};
use std::path::PathBuf;

/// 2024-01-02T10:00:00Z: the samples are dated around then.
const NOW_MS: i64 = 1_704_189_600_000;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `.eml` files of these folders, sorted.
fn messages(dirs: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|d| std::fs::read_dir(root().join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    out.sort();
    out
}

/// Compares each message's report with its snapshot (`expected` extension), writing the actual
/// one (`actual` extension) on a mismatch, or accepting it with MAILTRACE_UPDATE_SNAPSHOTS.
/// Returns the names of the messages whose reports differ.
fn compare(
    samples: &[PathBuf],
    expected: &str,
    actual: &str,
    report: impl Fn(&[u8]) -> Report,
) -> Vec<String> {
    let update = std::env::var_os("MAILTRACE_UPDATE_SNAPSHOTS").is_some();
    let mut mismatched = Vec::new();
    for sample in samples {
        let mut report = report(&std::fs::read(sample).unwrap());
        report.generator = "mailtrace".into();
        let text = report.to_json() + "\n";
        let expected_path = sample.with_extension(expected);
        let actual_path = sample.with_extension(actual);
        if update {
            std::fs::write(&expected_path, &text).unwrap();
            let _ = std::fs::remove_file(&actual_path);
            continue;
        }
        let old = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if old == text {
            let _ = std::fs::remove_file(&actual_path);
        } else {
            std::fs::write(&actual_path, &text).unwrap();
            let name = sample.file_name().unwrap().to_string_lossy().into_owned();
            let old: serde_json::Value = serde_json::from_str(&old).unwrap_or_default();
            let new: serde_json::Value = serde_json::from_str(&text).unwrap();
            let mut changes = Vec::new();
            json_diff(&old, &new, String::new(), &mut changes);
            eprintln!("{name} ({expected}): {} change(s)", changes.len());
            for c in changes.iter().take(12) {
                eprintln!("  {c}");
            }
            mismatched.push(name);
        }
    }
    mismatched
}

/// The differences between two JSON values, one line per changed path.
fn json_diff(
    old: &serde_json::Value,
    new: &serde_json::Value,
    path: String,
    out: &mut Vec<String>,
) {
    use serde_json::Value;
    let short = |v: &Value| {
        let s = v.to_string();
        if s.len() > 100 {
            format!("{}…", &s[..s.floor_char_boundary(100)])
        } else {
            s
        }
    };
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                match b.get(k) {
                    Some(w) => json_diff(v, w, format!("{path}/{k}"), out),
                    None => out.push(format!("{path}/{k}: removed")),
                }
            }
            for k in b.keys().filter(|k| !a.contains_key(*k)) {
                out.push(format!("{path}/{k}: added {}", short(&b[k])));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                json_diff(v, w, format!("{path}/{i}"), out);
            }
            if a.len() != b.len() {
                out.push(format!("{path}: {} items, now {}", a.len(), b.len()));
            }
        }
        _ if old != new => out.push(format!("{path}: {} -> {}", short(old), short(new))),
        _ => {}
    }
}

#[test]
fn sample_reports_match_their_snapshots() {
    let samples = messages(&["tests/samples"]);
    assert!(samples.len() >= 2, "no samples in tests/samples");
    let offline = Options {
        live: false,
        ..Options::default()
    };
    let mismatched = compare(&samples, "expected.json", "actual.json", |input| {
        Analysis::new(input, NOW_MS, offline.clone()).finish()
    });
    assert!(
        mismatched.is_empty(),
        "reports differ from their snapshots (see tests/samples/*.actual.json; accept with \
         MAILTRACE_UPDATE_SNAPSHOTS=1): {mismatched:?}"
    );
    eprintln!("{} sample reports match their snapshots", samples.len());
}

/// Every sample analyzed live against the test zones (tests/zones/*.zone, in memory): SPF,
/// DKIM keys, DMARC, reverse DNS and blocklists from the project's own records; the bounces'
/// returned messages are analyzed too.
#[test]
fn live_sample_reports_match_their_snapshots() {
    let zone = super::support::test_zones(&root().join("tests/zones"));
    let samples = messages(&["tests/samples", "tests/bounces"]);
    let mismatched = compare(&samples, "live.json", "live-actual.json", |input| {
        let report = mailtrace::run_with(Analysis::new(input, NOW_MS, Options::default()), &zone);
        assert!(report.complete);
        report
    });
    assert!(
        mismatched.is_empty(),
        "live reports differ from their snapshots (see *.live-actual.json; accept with \
         MAILTRACE_UPDATE_SNAPSHOTS=1): {mismatched:?}"
    );
    eprintln!("{} live reports match their snapshots", samples.len());
}
