//! The diagnosis as the CLI's text says it (src/present/render.rs `diagnosis`, the same block
//! the page's text export writes): over every sample, bounce and scenario, no sentence is said
//! twice in it (a cause's actions that the customer's part already lists are not listed again),
//! and every sentence of the core's customer summary is in it.

use super::scenarios;
use mailtrace::Report;
use mailtrace::present::render;
use mailtrace::vocab::text::split_sentences;
use std::path::PathBuf;

/// The prose sentences of a diagnosis block: evidence lines are quotes, and labels ("What to
/// do (the sender):", "1.", the certainty in brackets) are not sentences.
fn sentences(block: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in block.lines() {
        let line = line.trim();
        if line.starts_with("Evidence") {
            continue;
        }
        let mut text =
            line.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '-');
        text = text.trim();
        for label in ["What to do:", "Outcome:"] {
            text = text.strip_prefix(label).unwrap_or(text).trim();
        }
        if let Some(rest) = text.strip_prefix("What to do (")
            && let Some((_, after)) = rest.split_once("): ")
        {
            text = after;
        }
        if let Some(at) = text.rfind(" (certain;").or_else(|| text.rfind(" (likely;")) {
            text = &text[..at];
        }
        out.extend(
            split_sentences(text)
                .into_iter()
                .filter(|s| s.len() > 12)
                .map(str::to_string),
        );
    }
    out
}

fn check(name: &str, report: &Report) {
    let Some(d) = &report.diagnosis else {
        return;
    };
    let mut block = String::new();
    render::diagnosis(&mut block, d);
    let said = sentences(&block);
    for (i, s) in said.iter().enumerate() {
        assert!(
            !said[..i].contains(s),
            "{name}: said twice in the diagnosis: {s}\n{block}"
        );
    }
    for s in split_sentences(&d.summary) {
        assert!(
            block.contains(s),
            "{name}: the summary's {s:?} is missing\n{block}"
        );
    }
    // The whole text starts with the notices, then the diagnosis.
    let text = render::text(report);
    for n in &report.notices {
        assert!(text.starts_with("NOTE: "), "{name}: the notices come first");
        assert!(text.contains(&n.text), "{name}: notice {}", n.code);
    }
}

#[test]
fn no_sentence_twice_over_every_sample_bounce_and_scenario() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for dir in ["tests/samples", "tests/bounces"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.to_string_lossy();
                // Reports: the live snapshots, and the samples' offline ones (a bounce's
                // .expected.json is its bounce reading, not a report).
                name.ends_with(".live.json")
                    || (dir == "tests/samples" && name.ends_with(".expected.json"))
            })
            .collect();
        files.sort();
        for path in files {
            let report = Report::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap();
            check(&path.display().to_string(), &report);
            checked += 1;
        }
    }
    for s in scenarios::load() {
        let report = Report::from_json(&scenarios::report(&s).to_string()).unwrap();
        check(&s.name, &report);
        checked += 1;
    }
    assert!(checked > 120, "only {checked} reports");
}
