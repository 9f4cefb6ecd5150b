//! Record lint: what a domain owner should fix or know about an SPF record.

use super::parse::{self, Kind, Mech};
use super::{Severity, SpfLint, SpfOutcome};

fn add(out: &mut Vec<SpfLint>, code: &str, severity: Severity, message: String) {
    out.push(SpfLint {
        code: code.to_string(),
        severity,
        message,
    });
}

/// Lints one record (the TXT strings already joined).
pub fn lint(record: &str) -> Vec<SpfLint> {
    let mut out = Vec::new();
    lint_into(record, "", &mut out);
    out
}

/// Lints a record published as these TXT strings: also notes more than one string.
pub fn lint_strings(parts: &[String]) -> Vec<SpfLint> {
    let mut out = Vec::new();
    if parts.len() > 1 {
        add(
            &mut out,
            "several_strings",
            Severity::Info,
            format!(
                "The record is published as {} strings; receivers join them without adding spaces, so a space must end or start each piece where two terms meet.",
                parts.len()
            ),
        );
    }
    lint_into(&parts.concat(), "", &mut out);
    out
}

fn lint_into(record: &str, prefix: &str, out: &mut Vec<SpfLint>) {
    let p = prefix;
    if record.len() > 450 {
        add(
            out,
            "long_record",
            Severity::Warning,
            format!(
                "{p}The record is {} bytes; RFC 7208 advises staying under 450 so DNS answers fit in one small packet.",
                record.len()
            ),
        );
    }
    let rec = match parse::parse(record) {
        Ok(r) => r,
        Err(e) => {
            add(
                out,
                "syntax",
                Severity::Problem,
                format!(
                    "{p}Syntax error at character {}: {}. Receivers treat the whole record as broken (permerror).",
                    e.pos + 1,
                    e.msg
                ),
            );
            return;
        }
    };
    let mut lookups = 0;
    let mut seen_all = false;
    let mut includes: Vec<&str> = Vec::new();
    for term in &rec.terms {
        if seen_all && matches!(term.kind, Kind::Mech(..)) {
            add(
                out,
                "after_all",
                Severity::Warning,
                format!(
                    "{p}\"{}\" comes after \"all\" and is never used.",
                    term.text
                ),
            );
        }
        match &term.kind {
            Kind::Mech(q, mech) => {
                if mech.queries_dns() {
                    lookups += 1;
                }
                match mech {
                    Mech::All => {
                        seen_all = true;
                        let (code, sev, msg) = match q {
                            b'+' => (
                                "plus_all",
                                Severity::Problem,
                                "\"+all\" lets every server in the world pass SPF for this domain.",
                            ),
                            b'?' => (
                                "neutral_all",
                                Severity::Warning,
                                "\"?all\" makes no statement about other servers, so SPF protects nothing.",
                            ),
                            b'~' => (
                                "softfail_all",
                                Severity::Info,
                                "\"~all\" (softfail) asks receivers only to mark other servers' mail; \"-all\" asks them to reject it once every sender is listed.",
                            ),
                            _ => continue,
                        };
                        add(out, code, sev, format!("{p}{msg}"));
                    }
                    Mech::Ptr(_) => add(
                        out,
                        "ptr",
                        Severity::Warning,
                        format!(
                            "{p}\"{}\": the ptr mechanism is deprecated (RFC 7208 section 5.5): slow, unreliable, and some receivers skip it.",
                            term.text
                        ),
                    ),
                    Mech::Include(d) => {
                        if includes.contains(d) {
                            add(
                                out,
                                "duplicate_include",
                                Severity::Info,
                                format!(
                                    "{p}\"{}\" appears twice; the second one only costs a lookup.",
                                    term.text
                                ),
                            );
                        }
                        includes.push(d);
                    }
                    Mech::Ip4(_, len) if *len < 8 => add(
                        out,
                        "wide_range",
                        Severity::Problem,
                        format!("{p}\"{}\" covers a huge part of the Internet.", term.text),
                    ),
                    Mech::Ip6(_, len) if *len < 24 => add(
                        out,
                        "wide_range",
                        Severity::Problem,
                        format!("{p}\"{}\" covers a huge part of the Internet.", term.text),
                    ),
                    _ => {}
                }
            }
            Kind::Redirect(_) => lookups += 1,
            Kind::Exp(_) => {}
            Kind::Unknown => add(
                out,
                "unknown_modifier",
                Severity::Info,
                format!(
                    "{p}\"{}\" is a modifier SPF does not define; receivers ignore it.",
                    term.text
                ),
            ),
        }
    }
    if !seen_all && rec.redirect.is_none() {
        add(
            out,
            "no_all",
            Severity::Warning,
            format!(
                "{p}The record ends without \"all\" or \"redirect=\": other servers get neutral, which protects nothing."
            ),
        );
    }
    if seen_all && rec.redirect.is_some() {
        add(
            out,
            "redirect_ignored",
            Severity::Warning,
            format!("{p}\"redirect=\" is never used because \"all\" always matches first."),
        );
    }
    lookup_lint(out, p, lookups, "at least ");
}

fn lookup_lint(out: &mut Vec<SpfLint>, p: &str, lookups: u32, least: &str) {
    if lookups > 10 {
        add(
            out,
            "too_many_lookups",
            Severity::Problem,
            format!(
                "{p}The record needs {least}{lookups} DNS lookups; the limit is 10, so receivers return permerror."
            ),
        );
    } else if lookups >= 8 {
        add(
            out,
            "lookups_near_limit",
            Severity::Warning,
            format!(
                "{p}The record needs {least}{lookups} of the 10 DNS lookups allowed; one more include can break it."
            ),
        );
    }
}

/// Everything to say about an evaluated record: the record's own lint, then what the evaluation
/// found. The lookup count is said once: the count the evaluation made when it made one, else
/// the record's "at least" count.
pub fn lint_all(outcome: &SpfOutcome) -> Vec<SpfLint> {
    const COUNT: [&str; 2] = ["too_many_lookups", "lookups_near_limit"];
    let found = lint_outcome(outcome);
    let counted = found.iter().any(|l| COUNT.contains(&l.code.as_str()));
    let mut out: Vec<SpfLint> = outcome
        .record
        .as_deref()
        .map(lint)
        .unwrap_or_default()
        .into_iter()
        .filter(|l| !(counted && COUNT.contains(&l.code.as_str())))
        .collect();
    for l in found {
        if !out.iter().any(|o| o.message == l.message) {
            out.push(l);
        }
    }
    out
}

/// Lints what an evaluation found: the lookup count, void lookups, includes without SPF, and
/// the records reached through include and redirect.
pub fn lint_outcome(outcome: &SpfOutcome) -> Vec<SpfLint> {
    let mut out = Vec::new();
    lookup_lint(&mut out, "", outcome.lookups, "");
    if outcome.void_lookups > 0 {
        add(
            &mut out,
            "void_lookups",
            if outcome.void_lookups > 2 {
                Severity::Problem
            } else {
                Severity::Warning
            },
            format!(
                "{} lookup(s) found nothing (a name without the record asked); more than 2 is a permerror.",
                outcome.void_lookups
            ),
        );
    }
    for step in &outcome.trace {
        if step.depth == 0 || step.term != "(record)" {
            continue;
        }
        match step.outcome.as_str() {
            "none" => add(
                &mut out,
                "include_without_spf",
                Severity::Problem,
                format!(
                    "{} is included or redirected to but has no SPF record: {}.",
                    step.domain, step.detail
                ),
            ),
            "found" => {
                let prefix = format!("In the record of {}: ", step.domain);
                lint_into(&step.detail, &prefix, &mut out);
                out.retain(|l| !(l.code == "no_all" && l.message.starts_with(&prefix)));
            }
            _ => {}
        }
    }
    out
}
