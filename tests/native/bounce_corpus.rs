//! The bounce parser against the Sisimai corpus (../shared/corpora/bounces/sisimai): reasons,
//! DSN status codes and SMTP reply codes per recipient, newline variants, and non-bounces.
//! Set MAILTRACE_BOUNCE_VERBOSE=1 to list every disagreement.

use super::support::corpora;
use mailtrace::bounce::{BounceKind, analyze};
use std::collections::HashSet;
use std::path::Path;

struct Row {
    file: String,
    index: usize,
    reason: String,
    status: String,
    reply: String,
}

fn rows(path: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Some(Row {
                file: f.first()?.to_string(),
                index: f.get(1)?.parse().ok()?,
                reason: f.get(2)?.to_string(),
                status: f.get(3)?.to_string(),
                reply: f.get(4)?.to_string(),
            })
        })
        .collect()
}

fn pseudo(status: &str) -> bool {
    status.split('.').nth(2).is_some_and(|d| d.len() == 3 && d.starts_with('9'))
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 { 100.0 } else { a as f64 * 100.0 / b as f64 }
}

#[test]
fn sisimai_corpus() {
    let Some(root) = corpora() else { return };
    let dir = root.join("bounces/sisimai");
    let verbose = std::env::var_os("MAILTRACE_BOUNCE_VERBOSE").is_some();
    let disagreements: HashSet<String> =
        std::fs::read_to_string(dir.join("expected-disagreements-go-vs-rb.tsv"))
            .expect("disagreements file")
            .lines()
            .skip(1)
            .filter_map(|l| l.split('\t').next().map(str::to_string))
            .collect();
    let expected = rows(&dir.join("expected.tsv"));
    assert!(expected.len() > 200, "expected.tsv has {} rows", expected.len());

    let (mut reason_ok, mut reason_n) = (0, 0);
    let (mut dis_ok, mut dis_n) = (0, 0);
    let (mut status_ok, mut status_n) = (0, 0);
    let (mut class_ok, mut class_n) = (0, 0);
    let (mut reply_ok, mut reply_n) = (0, 0);
    let mut cache = std::collections::HashMap::new();
    for row in &expected {
        let report = cache.entry(row.file.clone()).or_insert_with(|| {
            let bytes = std::fs::read(dir.join(&row.file)).expect("corpus file");
            analyze(&bytes)
        });
        let got = report.recipients.get(row.index - 1);
        let reason = got.map(|r| r.reason.name()).unwrap_or("(none)");
        let status = got.and_then(|r| r.status.clone()).unwrap_or_default();
        let reply = got.and_then(|r| r.reply_code).map(|c| c.to_string()).unwrap_or_default();
        let ok = reason == row.reason;
        if disagreements.contains(&row.file) {
            dis_n += 1;
            dis_ok += usize::from(ok);
        } else {
            reason_n += 1;
            reason_ok += usize::from(ok);
        }
        if verbose && !ok {
            println!("REASON {} #{}: want {} got {reason}", row.file, row.index, row.reason);
        }
        if pseudo(&row.status) {
            class_n += 1;
            let class = status
                .get(..1)
                .map(str::to_string)
                .or_else(|| reply.get(..1).map(str::to_string))
                .unwrap_or_default();
            class_ok += usize::from(row.status.get(..1) == Some(class.as_str()));
        } else if !row.status.is_empty() {
            status_n += 1;
            status_ok += usize::from(status == row.status);
            if verbose && status != row.status {
                println!("STATUS {} #{}: want {} got {status}", row.file, row.index, row.status);
            }
        }
        if !row.reply.is_empty() {
            reply_n += 1;
            reply_ok += usize::from(reply == row.reply);
            if verbose && reply != row.reply {
                println!("REPLY {} #{}: want {} got {reply}", row.file, row.index, row.reply);
            }
        }
    }
    println!(
        "sisimai corpus: reason {reason_ok}/{reason_n} ({:.1}%), disagreement rows {dis_ok}/{dis_n}; \
         status {status_ok}/{status_n} ({:.1}%), pseudo-status class {class_ok}/{class_n}; \
         reply code {reply_ok}/{reply_n} ({:.1}%)",
        pct(reason_ok, reason_n),
        pct(status_ok, status_n),
        pct(reply_ok, reply_n)
    );

    // Newline variants give the same reports.
    let mut variants = 0;
    for sub in ["dos", "mac"] {
        let Ok(entries) = std::fs::read_dir(dir.join("maildir").join(sub)) else { continue };
        for e in entries.flatten() {
            let name = e.file_name();
            let bsd = dir.join("maildir/bsd").join(&name);
            let Ok(bsd_bytes) = std::fs::read(&bsd) else { continue };
            let variant = analyze(&std::fs::read(e.path()).expect("variant file"));
            let base = analyze(&bsd_bytes);
            assert_eq!(
                serde_json::to_value(&variant.recipients).unwrap(),
                serde_json::to_value(&base.recipients).unwrap(),
                "{sub}/{} differs from bsd/",
                name.to_string_lossy()
            );
            assert_eq!(variant.kind, base.kind);
            variants += 1;
        }
    }
    println!("newline variants identical: {variants}");
    assert!(variants >= 50);

    for e in std::fs::read_dir(dir.join("maildir/not")).expect("not/").flatten() {
        let r = analyze(&std::fs::read(e.path()).unwrap());
        assert!(
            !matches!(r.kind, BounceKind::Bounce | BounceKind::Delay),
            "{} is not a bounce, got {:?}",
            e.path().display(),
            r.kind
        );
    }

    assert!(pct(reason_ok, reason_n) >= 90.0, "reason agreement below 90%");
    assert!(pct(status_ok, status_n) >= 95.0, "status agreement below 95%");
    assert!(pct(reply_ok, reply_n) >= 95.0, "reply code agreement below 95%");
}
