//! The registry of finding codes (data/findings.tsv) against what the analysis emits: every
//! code of every sample and bounce (offline and live) is registered, with a severity the
//! registry allows, and the CLI's text shows each finding under the same heading as the
//! report's `group` (which the page uses; tests/e2e/groups.test.js checks the page side).

use mailtrace::vocab::registry;
use mailtrace::{Analysis, Options, Report};
use std::path::PathBuf;

const NOW_MS: i64 = 1_704_189_600_000;

fn reports() -> Vec<(String, Report)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut zone = mailtrace::dns::zone::MemoryResolver::new();
    let mut zones: Vec<PathBuf> = std::fs::read_dir(root.join("tests/zones"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    zones.sort();
    for z in zones {
        zone.add_zone(&std::fs::read_to_string(&z).unwrap())
            .unwrap();
    }
    let mut out = Vec::new();
    for dir in ["tests/samples", "tests/bounces"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml" || e == "txt"))
            .collect();
        files.sort();
        for f in files {
            let input = std::fs::read(&f).unwrap();
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            let offline = Options {
                live: false,
                ..Options::default()
            };
            out.push((
                format!("{name} (offline)"),
                Analysis::new(&input, NOW_MS, offline).finish(),
            ));
            out.push((
                format!("{name} (live)"),
                mailtrace::run_with(Analysis::new(&input, NOW_MS, Options::default()), &zone),
            ));
        }
    }
    assert!(out.len() >= 40, "too few reports: {}", out.len());
    out
}

/// The severities data/findings.tsv allows for the row `registry::lookup` chose.
fn allowed_severities(row_code: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/findings.tsv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty());
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = header.iter().position(|h| *h == "severity").unwrap();
    lines
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|r| r[0] == row_code)
        .map(|r| r[col].to_string())
        .unwrap_or_default()
}

#[test]
fn every_emitted_code_is_registered_with_an_allowed_severity() {
    let mut problems = Vec::new();
    let mut codes = std::collections::BTreeSet::new();
    for (name, report) in reports() {
        for f in &report.findings {
            codes.insert(f.code.clone());
            let Some(info) = registry::lookup(&f.code) else {
                problems.push(format!("{name}: {} is not in data/findings.tsv", f.code));
                continue;
            };
            let severity = serde_json::to_value(f.severity).unwrap();
            let severity = severity.as_str().unwrap();
            let allowed = allowed_severities(info.code);
            if !allowed.split('|').any(|s| s == severity) {
                problems.push(format!(
                    "{name}: {} is {severity}; the registry allows {allowed}",
                    f.code
                ));
            }
        }
    }
    println!(
        "registry: {} distinct codes emitted, all checked",
        codes.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_cli_text_groups_findings_under_the_reports_group() {
    let mut checked = 0;
    for (name, report) in reports() {
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        let text = mailtrace::present::render::text(&report);
        let Some(start) = text.find("\nFindings\n") else {
            assert!(report.findings.is_empty(), "{name}: no Findings section");
            continue;
        };
        let mut heading = "";
        let mut seen = Vec::new();
        for line in text[start + 10..].lines() {
            if line.is_empty() || !line.starts_with("  ") {
                break;
            }
            if !line.starts_with("    ") {
                heading = line.trim();
            } else if line.starts_with("    [") {
                let code = line.rsplit_once(" (").map(|(_, c)| c.trim_end_matches(')'));
                seen.push((code.unwrap_or_default().to_string(), heading.to_string()));
            }
        }
        let findings = json["findings"].as_array().unwrap();
        assert_eq!(seen.len(), findings.len(), "{name}: findings in the text");
        for (code, heading) in seen {
            let f = findings
                .iter()
                .find(|f| f["code"] == code.as_str())
                .unwrap_or_else(|| panic!("{name}: {code} not in the report"));
            assert_eq!(heading, f["group"].as_str().unwrap(), "{name}: {code}");
            assert_eq!(heading, registry::of(&code).group, "{name}: {code}");
            checked += 1;
        }
    }
    println!(
        "registry: {checked} findings shown under the same heading in the CLI text and the report"
    );
    assert!(checked > 100);
}
