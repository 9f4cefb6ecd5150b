//! No sentence is said twice: not within a cause of the diagnosis (its title, explanation and
//! actions), not within the customer's summary, and not within a section of the text report,
//! across every sample, bounce and scenario. The page's exports are checked the same way by
//! tests/e2e.

use super::scenarios;
use mailtrace::{Analysis, Options, Report};
use std::collections::BTreeMap;
use std::path::PathBuf;

const NOW_MS: i64 = 1_704_189_600_000;

/// Sentences of a text: split after `.`, `!` or `?` followed by white space and a capital
/// letter, a digit or a quote; trimmed; very short ones (a list marker, "OK.") are ignored.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut current = String::new();
    for (i, c) in chars.iter().enumerate() {
        current.push(*c);
        let ends = matches!(c, '.' | '!' | '?')
            && chars.get(i + 1).is_some_and(|n| n.is_whitespace())
            && chars
                .get(i + 2)
                .is_some_and(|n| n.is_uppercase() || n.is_ascii_digit() || *n == '"');
        if ends || *c == '\n' {
            push(&mut out, &current);
            current.clear();
        }
    }
    push(&mut out, &current);
    out
}

fn push(out: &mut Vec<String>, s: &str) {
    let s = s.trim();
    if s.len() > 12 {
        out.push(s.to_string());
    }
}

/// The sentences that occur more than once.
fn repeated(all: &[String]) -> Vec<String> {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for s in all {
        *count.entry(s.as_str()).or_default() += 1;
    }
    count
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(s, n)| format!("{n}x {s:?}"))
        .collect()
}

fn reports() -> Vec<(String, Report)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["tests/samples", "tests/bounces"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml" || e == "txt"))
            .collect();
        files.sort();
        for f in files {
            let offline = Options {
                live: false,
                ..Options::default()
            };
            let report = Analysis::new(&std::fs::read(&f).unwrap(), NOW_MS, offline).finish();
            out.push((
                f.file_name().unwrap().to_string_lossy().into_owned(),
                report,
            ));
        }
    }
    for s in scenarios::load() {
        let json = scenarios::report(&s);
        out.push((
            s.name.clone(),
            serde_json::from_value(json).expect("a report"),
        ));
    }
    out
}

#[test]
fn no_sentence_is_said_twice() {
    let mut problems = Vec::new();
    let reports = reports();
    for (name, report) in &reports {
        let Some(d) = &report.diagnosis else {
            continue;
        };
        for c in d.causes.iter().chain(d.advice.iter()) {
            let mut all = sentences(&c.title);
            all.extend(sentences(&c.detail));
            let mut actions: Vec<&str> = c.actions.iter().map(|a| a.text.as_str()).collect();
            if let Some(fix) = &c.fix
                && !actions.contains(&fix.as_str())
            {
                actions.push(fix);
            }
            for a in actions {
                all.extend(sentences(a));
            }
            for r in repeated(&all) {
                problems.push(format!("{name}: cause {}: {r}", c.code));
            }
        }
        for r in repeated(&sentences(&d.summary)) {
            problems.push(format!("{name}: summary: {r}"));
        }
        // The text report, section by section (a section starts at a line without indent).
        let text = mailtrace::present::render::text(report);
        let mut section = String::new();
        let mut heading = "";
        for line in text.lines().chain(std::iter::once("END")) {
            if !line.starts_with(' ') && !line.is_empty() {
                for r in repeated(&sentences(&section)) {
                    problems.push(format!("{name}: text section {heading:?}: {r}"));
                }
                section.clear();
                heading = line;
            }
            // Evidence lines quote the input; the same line may support several findings.
            let quote = line.trim_start();
            // So are DNS answers in a trace, and the recorded fields' results; and the delivery
            // path's rows, one per Received field (a content filter's loop through localhost
            // writes two that read the same).
            let is_quote = quote.starts_with("Evidence")
                || heading.starts_with("Delivery path")
                || quote.starts_with("evidence:")
                || quote.starts_with("dns:")
                || heading.starts_with("Authentication, as recorded")
                || heading.starts_with("All headers")
                || quote
                    .strip_prefix("line ")
                    .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()));
            if !is_quote {
                section.push_str(line);
                section.push('\n');
            }
        }
    }
    println!(
        "sentences: {} reports checked, {} repeated sentences",
        reports.len(),
        problems.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
