//! Paste shapes (tests/paste/): the header section of a message as the mail system wrote it
//! (`NAME.original.eml`), what a customer pastes (`NAME.paste.txt`: re-wrapped by a ticket
//! system, indents stripped, Gmail's "Show original" page, prose first, a forward banner, a fold
//! of only white space, Outlook's properties box, ...) and the facts that must survive
//! (`NAME.expect`). From the paste, the analysis must find the same From and sending IP as from
//! the original, and at least 90% of the original's header fields.

use super::support::ratio;
use mailtrace::{Analysis, Options, Report};
use std::collections::BTreeMap;
use std::path::PathBuf;

const NOW_MS: i64 = 1_782_000_000_000; // 2026-06-21

fn analyze(input: &[u8]) -> Report {
    let offline = Options {
        live: false,
        ..Options::default()
    };
    Analysis::new(input, NOW_MS, offline).finish()
}

/// The header fields of a message as RFC 5322 section 2.2.3 reads them (a line that starts with
/// white space continues the field above it; the header section ends at the first empty line),
/// as (lowercase name, value with all white space removed). Written apart from the analysis,
/// so that a reading mistake there cannot also hide here.
fn reference_fields(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)) {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.1.extend(line.chars().filter(|c| !c.is_whitespace()));
            }
            continue;
        }
        let (name, value) = line.split_once(':').expect("a header field");
        out.push((
            name.trim().to_ascii_lowercase(),
            value.chars().filter(|c| !c.is_whitespace()).collect(),
        ));
    }
    out
}

/// The header fields the analysis read, in the form of [`reference_fields`]: re-wrapping moves
/// white space, not what a field says.
fn fields(report: &Report) -> Vec<(String, String)> {
    report
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                h.value.chars().filter(|c| !c.is_whitespace()).collect(),
            )
        })
        .collect()
}

#[test]
fn each_paste_shape_keeps_from_sending_ip_and_the_fields() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/paste");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let n = e.unwrap().file_name().to_string_lossy().into_owned();
            n.strip_suffix(".expect").map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 10, "only {} paste shapes", names.len());
    let mut failures = Vec::new();
    for name in &names {
        let expect: BTreeMap<String, String> =
            std::fs::read_to_string(dir.join(format!("{name}.expect")))
                .unwrap()
                .lines()
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .collect();
        let original = std::fs::read_to_string(dir.join(format!("{name}.original.eml"))).unwrap();
        let pasted = analyze(&std::fs::read(dir.join(format!("{name}.paste.txt"))).unwrap());
        let want = reference_fields(&original);
        assert_eq!(
            want.len().to_string(),
            expect["fields"],
            "{name}: the original's field count"
        );
        let mut got = fields(&pasted);
        let mut kept = 0;
        for f in &want {
            if let Some(i) = got.iter().position(|g| g == f) {
                got.remove(i);
                kept += 1;
            }
        }
        let from = pasted
            .message
            .from
            .as_ref()
            .and_then(|m| m.address.clone())
            .unwrap_or_default();
        let ip = pasted
            .sending_ip
            .as_ref()
            .map(|s| s.ip.to_string())
            .unwrap_or_default();
        println!(
            "{name}: fields {}, from {from}, sending IP {ip}",
            ratio(kept, want.len())
        );
        if from != expect["from"] {
            failures.push(format!(
                "{name}: From {from:?}, expected {}",
                expect["from"]
            ));
        }
        if ip != expect["sending-ip"] {
            failures.push(format!(
                "{name}: sending IP {ip:?}, expected {}",
                expect["sending-ip"]
            ));
        }
        if kept * 10 < want.len() * 9 {
            failures.push(format!(
                "{name}: only {} of the original's fields",
                ratio(kept, want.len())
            ));
        }
    }
    let failed: std::collections::BTreeSet<&str> = failures
        .iter()
        .filter_map(|f| f.split(':').next())
        .collect();
    println!(
        "paste shapes: {} of {} right",
        names.len() - failed.len(),
        names.len()
    );
    for f in &failures {
        println!("  {f}");
    }
    // Every shape must keep its From, its sending IP and 90% of its fields (measured: 10 of 10).
    assert!(failures.is_empty(), "paste shapes lost: {failures:?}");
}

/// A notice pasted into a form that dropped every blank line and every indentation, below the
/// form's own labels: the lines repaired as folds swallow the report, so the notice is read as
/// pasted, where its recipients keep their replies.
#[test]
fn a_notice_without_any_blank_line_keeps_its_recipients() {
    let paste = "Subject: Newsletter not getting through?\nCategory: Email / Other\nYour message:\nHi, we got this back for our members. Are we blocked?\nFrom: Mail Delivery Subsystem <MAILER-DAEMON@mail.a.example>\nTo: <club@a.example>\nSubject: Warning: could not send message for past 4 hours\nDate: Tue, 4 Apr 2028 11:35:41 +0100\n**********************************************\n**      THIS IS A WARNING MESSAGE ONLY      **\n**********************************************\nThe original message was received at Tue, 4 Apr 2028 07:30:12 +0100\nfrom [192.168.1.20]\n----- Transcript of session follows -----\n<p@b.example>... Deferred: 421 4.7.0 Try again later, closing connection\nWarning: message still undelivered after 4 hours\nWill keep trying until message is 5 days old\nReporting-MTA: dns; mail.a.example\nFinal-Recipient: RFC822; p@b.example\nAction: delayed\nStatus: 4.7.0\nRemote-MTA: DNS; mx.b.example\nDiagnostic-Code: SMTP; 421 4.7.0 Try again later,\nclosing connection\n";
    let report = analyze(paste.as_bytes());
    let bounce = report.bounce.as_ref().expect("read as a notice");
    assert_eq!(bounce.kind, mailtrace::checks::bounce::BounceKind::Delay);
    assert_eq!(bounce.recipients.len(), 1);
    assert_eq!(bounce.recipients[0].reply_code, Some(421));
}
