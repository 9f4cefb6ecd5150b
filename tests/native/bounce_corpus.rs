//! The bounce parser against the Sisimai corpus (../shared/corpora/bounces/sisimai): reasons,
//! DSN status codes and SMTP reply codes per recipient, newline variants, and non-bounces.
//! Set MAILTRACE_BOUNCE_VERBOSE=1 to list the disagreements of the tuning part (the validation
//! part is only counted: its misses are not shown, so that no rule is written from them).

use super::support::{corpora, validation_part};
use mailtrace::checks::bounce::{BounceKind, analyze};
use std::collections::HashSet;
use std::path::Path;

struct Row {
    file: String,
    index: usize,
    reason: String,
    status: String,
    reply: String,
    hard: bool,
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
                hard: f.get(5) == Some(&"true"),
            })
        })
        .collect()
}

fn pseudo(status: &str) -> bool {
    status
        .split('.')
        .nth(2)
        .is_some_and(|d| d.len() == 3 && d.starts_with('9'))
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        100.0
    } else {
        a as f64 * 100.0 / b as f64
    }
}

#[test]
fn sisimai_corpus() {
    let root = corpora();
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
    assert!(
        expected.len() > 200,
        "expected.tsv has {} rows",
        expected.len()
    );

    let (mut reason_ok, mut reason_n) = (0, 0);
    // Reason agreement by part: [tuning, validation] (support::validation_part on the file).
    let mut part_ok = [0usize; 2];
    let mut part_n = [0usize; 2];
    let (mut dis_ok, mut dis_n) = (0, 0);
    let (mut status_ok, mut status_n) = (0, 0);
    let (mut class_ok, mut class_n) = (0, 0);
    let (mut reply_ok, mut reply_n) = (0, 0);
    let mut bad_ok = 0;
    let mut cache = std::collections::HashMap::new();
    let mut filtered_out: Vec<String> = Vec::new();
    for row in &expected {
        // Only the tuning part's misses are shown.
        let verbose = verbose && !validation_part(&row.file);
        let report = cache.entry(row.file.clone()).or_insert_with(|| {
            let bytes = std::fs::read(dir.join(&row.file)).expect("corpus file");
            // The analysis reads a paste as a bounce only when its header fields say it could
            // be one: every bounce of the corpus must pass that filter.
            let normalized = mailtrace::parse::input::normalize(&bytes);
            if !mailtrace::checks::bounce::may_be_report(
                normalized
                    .fields
                    .iter()
                    .map(|f| (f.name.as_str(), f.value.as_str())),
            ) {
                filtered_out.push(row.file.clone());
            }
            analyze(&bytes)
        });
        let got = report.recipients.get(row.index - 1);
        let reason = got.map(|r| r.reason.name()).unwrap_or("(none)");
        let status = got.and_then(|r| r.status.clone()).unwrap_or_default();
        let reply = got
            .and_then(|r| r.reply_code)
            .map(|c| c.to_string())
            .unwrap_or_default();
        let ok = reason == row.reason;
        // Sisimai's "hard bounce" means the address itself is bad: our `address_is_bad`.
        bad_ok += usize::from(got.is_some_and(|r| r.address_is_bad == row.hard));
        if disagreements.contains(&row.file) {
            dis_n += 1;
            dis_ok += usize::from(ok);
        } else {
            reason_n += 1;
            reason_ok += usize::from(ok);
            let part = usize::from(validation_part(&row.file));
            part_n[part] += 1;
            part_ok[part] += usize::from(ok);
        }
        if verbose && !ok {
            let words = got.and_then(|r| r.diagnostic.as_deref()).unwrap_or("");
            println!(
                "REASON {} #{}: want {} got {reason} [{status}] {}",
                row.file,
                row.index,
                row.reason,
                words.get(..words.len().min(160)).unwrap_or(words)
            );
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
                println!(
                    "STATUS {} #{}: want {} got {status}",
                    row.file, row.index, row.status
                );
            }
        }
        if !row.reply.is_empty() {
            reply_n += 1;
            reply_ok += usize::from(reply == row.reply);
            if verbose && reply != row.reply {
                println!(
                    "REPLY {} #{}: want {} got {reply}",
                    row.file, row.index, row.reply
                );
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
    println!(
        "sisimai corpus, reason by part: tuning {}/{} ({:.1}%), validation {}/{} ({:.1}%)",
        part_ok[0],
        part_n[0],
        pct(part_ok[0], part_n[0]),
        part_ok[1],
        part_n[1],
        pct(part_ok[1], part_n[1])
    );
    filtered_out.sort();
    filtered_out.dedup();
    assert!(
        filtered_out.is_empty(),
        "bounces the analysis would not read as bounces (bounce::may_be_report): {filtered_out:#?}"
    );

    // Newline variants give the same reports.
    let mut variants = 0;
    for sub in ["dos", "mac"] {
        let Ok(entries) = std::fs::read_dir(dir.join("maildir").join(sub)) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            let bsd = dir.join("maildir/bsd").join(&name);
            let Ok(bsd_bytes) = std::fs::read(&bsd) else {
                continue;
            };
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
    println!(
        "address_is_bad vs Sisimai's hardbounce: {bad_ok}/{} (informational)",
        expected.len()
    );
    assert!(variants >= 50);

    for e in std::fs::read_dir(dir.join("maildir/not"))
        .expect("not/")
        .flatten()
    {
        let r = analyze(&std::fs::read(e.path()).unwrap());
        assert!(
            !matches!(r.kind, BounceKind::Bounce | BounceKind::Delay),
            "{} is not a bounce, got {:?}",
            e.path().display(),
            r.kind
        );
    }

    assert!(
        pct(reason_ok, reason_n) >= 90.0,
        "reason agreement below 90%"
    );
    // Rules tuned on one part must hold on the other. (Both parts were seen while the phrase
    // list grew before this split existed; the gap is measured from here on.)
    let gap = pct(part_ok[0], part_n[0]) - pct(part_ok[1], part_n[1]);
    assert!(
        gap.abs() <= 5.0,
        "reason: tuning and validation parts differ by {gap:.1} points"
    );
    assert!(
        pct(status_ok, status_n) >= 95.0,
        "status agreement below 95%"
    );
    assert!(
        pct(reply_ok, reply_n) >= 95.0,
        "reply code agreement below 95%"
    );
    // Floors at the figures measured (tuning 196/211, validation 67/74, status 218/222, reply
    // code 203/208): a change may not lose a row on either part without saying so here. Lost
    // on purpose: rhost-messagelabs-01 (tuning), whose Diagnostic-Code lost the white space of
    // its folds; read whole since delivery-status blocks are read as fields only, it says
    // "... is not permitted to relay through this server without authentication" (norelaying),
    // where Sisimai's label (securityerror) rests on the first line alone. Lost on purpose
    // too: lhost-sendmail-48 (tuning), SFR's "550 5.7.1 <addr>: Recipient address rejected:
    // User unknown", which Sisimai files as filtered by its X.7.1 convention; words that say
    // the mailbox does not exist under X.7.1 are read as an unknown user (Yandex's bounce guide
    // reads its own "550 5.7.1 No such user!" as a non-existing address), 197 -> 196.
    assert!(
        part_ok[0] >= 196 && part_ok[1] >= 67,
        "reason: tuning {}/{} (floor 196), validation {}/{} (floor 67)",
        part_ok[0],
        part_n[0],
        part_ok[1],
        part_n[1]
    );
    assert!(
        status_ok >= 218,
        "status {status_ok}/{status_n} (floor 218)"
    );
    assert!(
        reply_ok >= 203,
        "reply code {reply_ok}/{reply_n} (floor 203)"
    );
}

/// Our own fixtures (tests/bounces): each report is compared with `<name>.expected.json`
/// (regenerate with MAILTRACE_UPDATE_SNAPSHOTS=1), and the key facts are checked here too.
#[test]
fn own_fixtures() {
    use mailtrace::checks::bounce::{Reason, RefusedBy};
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/bounces");
    let update = std::env::var_os("MAILTRACE_UPDATE_SNAPSHOTS").is_some();
    // (file, kind, reason of the first recipient, recipients, blocklist, auth)
    type Case = (
        &'static str,
        BounceKind,
        Option<Reason>,
        usize,
        Option<&'static str>,
        Option<&'static str>,
    );
    let cases: &[Case] = &[
        (
            "postfix-user-unknown.eml",
            BounceKind::Bounce,
            Some(Reason::Userunknown),
            1,
            None,
            None,
        ),
        (
            "exim-mailbox-full.eml",
            BounceKind::Bounce,
            Some(Reason::Mailboxfull),
            1,
            None,
            None,
        ),
        (
            "office365-ndr.eml",
            BounceKind::Bounce,
            Some(Reason::Userunknown),
            1,
            None,
            None,
        ),
        (
            "gmail-address-not-found.eml",
            BounceKind::Bounce,
            Some(Reason::Userunknown),
            1,
            None,
            None,
        ),
        (
            "gmail-blocked-spamhaus.eml",
            BounceKind::Bounce,
            Some(Reason::Blocked),
            1,
            Some("Spamhaus"),
            None,
        ),
        (
            "dsn-multiple-recipients.eml",
            BounceKind::Bounce,
            Some(Reason::Userunknown),
            2,
            None,
            None,
        ),
        (
            "dmarc-rejection.eml",
            BounceKind::Bounce,
            Some(Reason::Authfailure),
            1,
            None,
            Some("dmarc"),
        ),
        (
            "arf-complaint.eml",
            BounceKind::Feedback,
            Some(Reason::Feedback),
            1,
            None,
            None,
        ),
        (
            "out-of-office.eml",
            BounceKind::AutoReply,
            Some(Reason::Vacation),
            1,
            None,
            None,
        ),
        (
            "delay-notice.eml",
            BounceKind::Delay,
            Some(Reason::Expired),
            1,
            None,
            None,
        ),
        (
            "client-error.txt",
            BounceKind::Bounce,
            Some(Reason::Norelaying),
            1,
            None,
            None,
        ),
        (
            "ordinary-message.eml",
            BounceKind::NotBounce,
            None,
            0,
            None,
            None,
        ),
    ];
    let mut failures = Vec::new();
    for (name, kind, reason, count, list, auth) in cases {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let report = analyze(&bytes);
        assert_eq!(report.kind, *kind, "{name}: kind");
        assert_eq!(report.recipients.len(), *count, "{name}: recipients");
        let first = report.recipients.first();
        assert_eq!(first.map(|r| r.reason), *reason, "{name}: reason");
        assert_eq!(
            first
                .and_then(|r| r.blocklist.as_ref())
                .map(|b| b.name.as_str()),
            *list,
            "{name}: list"
        );
        assert_eq!(first.and_then(|r| r.auth.as_deref()), *auth, "{name}: auth");
        let json = serde_json::to_string_pretty(&report).expect("serializes") + "\n";
        let back: mailtrace::checks::bounce::BounceReport =
            serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, report, "{name}: JSON round trip");
        let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name);
        let expected_path = dir.join(format!("{stem}.expected.json"));
        if update {
            std::fs::write(&expected_path, &json).expect("snapshot written");
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == json => {}
            Ok(_) => failures.push(format!(
                "{name}: report differs from {}",
                expected_path.display()
            )),
            Err(e) => failures.push(format!("{}: {e}", expected_path.display())),
        }
    }
    // Who refused: a pasted client error is the sender's own server at send time.
    let client = analyze(&std::fs::read(dir.join("client-error.txt")).unwrap());
    assert_eq!(client.refused_by, RefusedBy::SenderServerAtSend);
    // A notice in words the reader does not know, with a delivery status report's
    // per-recipient fields below it, is a server's report, not a mail program's error.
    let notice = analyze(b"Mensaje bloqueado\n\nTu mensaje para a@b.example se ha bloqueado.\n\n550 Envelope blocked - User Entry\n\nFinal-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.0.0\nRemote-MTA: dns; mx.b.example\nDiagnostic-Code: smtp; 550 Envelope blocked - User Entry\n");
    assert_eq!(notice.refused_by, RefusedBy::RemoteServer);
    // SmarterMail's notice, shown by a mail program under its localized display header, with
    // the returned message's header below it: a server's report.
    let smartermail = analyze(b"De: System Administrator <postmaster@a.example>\nAssunto: Undeliverable Mail\n\nCould not deliver message to the following recipient(s):\n\nFailed Recipient: c@b.example\nReason: Remote host said: 554 5.7.1 Service unavailable; Client host [198.51.100.61] blocked using bl.spamcop.net\n\n   -- The header and top 20 lines of the message follows --\n\nReceived: from PC ([203.0.113.19]) by mail.a.example with SMTP;\n   Tue, 17 Mar 2026 10:02:11 -0300\nFrom: <r@a.example>\nTo: <c@b.example>\nSubject: Hello\nDate: Tue, 17 Mar 2026 10:02:09 -0300\n\nbody\n");
    assert_eq!(smartermail.refused_by, RefusedBy::RemoteServer);
    // Exchange's notice as Outlook on the web shows it, in a language the reader has no
    // words for: its system mailbox on a line of its own above it makes it a notice.
    let localized = analyze("Não é possível entregar: Pedido\n\nMicrosoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@a.example>\nPara: Vendas\n\nNão foi possível entregar sua mensagem para c@b.example.\n\nCódigo de status: 550 5.7.26\n\nErro:\t550 5.7.26 Unauthenticated email from a.example is not accepted due to domain's DMARC policy.\n".as_bytes());
    assert_ne!(
        localized.kind,
        mailtrace::checks::bounce::BounceKind::NotBounce
    );
    assert_eq!(localized.refused_by, RefusedBy::RemoteServer);
    // A Postmark bounce record that quotes the report in its "Content" string is read by its
    // keys, not as the report's fields (which the string holds only escaped).
    let record = analyze(br#"{
  "RecordType": "Bounce",
  "Type": "SoftBounce",
  "TypeCode": 4096,
  "Description": "Unable to temporarily deliver this email.",
  "Details": "smtp;552-Requested mail action aborted: exceeded storage allocation",
  "Email": "m@b.example",
  "From": "shop@a.example",
  "BouncedAt": "2026-12-09T17:42:18Z",
  "Content": "Return-Path: <>\nReporting-MTA: dns; pm-mta-04.mtasv.net\nFinal-Recipient: rfc822; m@b.example\nAction: failed\nStatus: 5.2.2\n"
}"#);
    assert_eq!(record.recipients.len(), 1);
    assert_eq!(
        record.recipients[0].reason,
        mailtrace::checks::bounce::Reason::Mailboxfull
    );
    let postfix = analyze(&std::fs::read(dir.join("postfix-user-unknown.eml")).unwrap());
    assert_eq!(postfix.refused_by, RefusedBy::RemoteServer);
    let original = postfix.original.as_ref().expect("returned headers found");
    assert!(original.headers_only);
    assert!(
        original
            .text
            .starts_with("Return-Path: <alice@sender.example>")
    );
    assert_eq!(original.line, 57);
    assert_eq!(
        postfix.case_facts.sender.as_deref(),
        Some("Alice Example <alice@sender.example>")
    );
    assert!(
        failures.is_empty(),
        "snapshots differ (MAILTRACE_UPDATE_SNAPSHOTS=1 regenerates):\n{}",
        failures.join("\n")
    );
}

/// No input makes the analysis panic; odd inputs give sensible kinds.
#[test]
fn odd_inputs() {
    for input in [
        &b""[..],
        b"\n\n\n",
        b"From: MAILER-DAEMON@x.example\nContent-Type: multipart/report; boundary=\"\"\n\n--\n",
        b"Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: multipart/mixed; boundary=a\n\n--a\n",
        b"Content-Transfer-Encoding: base64\n\n@@@@====",
        "Subject: Undeliverable\n\n\u{fc}\u{e9} 550 5.1.1 <\u{e9}@\u{e9}.example>: user unknown\n".as_bytes(),
        b"\r\r\r\rFinal-Recipient: rfc822; a@b.example\rStatus: 5.1.1\r",
    ] {
        let r = analyze(input);
        let _ = serde_json::to_string(&r).unwrap();
    }
}

/// Batch mode over our fixtures folder: one JSON line per recipient, then the summary.
#[test]
fn batch_over_fixtures() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/bounces");
    let mut out = Vec::new();
    let summary = mailtrace::driver::batch::run(
        &dir,
        false,
        mailtrace::driver::batch::Format::JsonLines,
        &mut out,
    )
    .expect("batch runs");
    let text = String::from_utf8(out).expect("UTF-8 output");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    // 11 .eml fixtures (the .txt one is not an .eml), the ordinary message gives no line.
    assert_eq!(summary.messages, 11);
    assert_eq!(lines.len(), summary.recipients + 1);
    assert_eq!(summary.by_reason.get("userunknown"), Some(&4));
    let last = lines.last().expect("summary line");
    assert_eq!(last["summary"]["messages"], 11);
    assert!(lines.iter().any(|l| l["list"] == "Spamhaus"));
    // Triage: the IP a blocklist refusal names and the list, per IP in the summary; the
    // refusing server; the returned message's From and Subject. Exim's "host NAME [IP]" is the
    // remote server, never counted as ours.
    let spamhaus = lines.iter().find(|l| l["list"] == "Spamhaus").unwrap();
    assert_eq!(spamhaus["ip"], "209.85.220.41");
    assert_eq!(summary.by_list.get("Spamhaus"), Some(&1));
    assert_eq!(
        summary
            .by_ip
            .get("209.85.220.41")
            .and_then(|m| m.get("Spamhaus")),
        Some(&1)
    );
    assert!(
        !summary.by_ip.contains_key("203.0.113.7"),
        "{:?}",
        summary.by_ip
    );
    let full = lines
        .iter()
        .find(|l| l["recipient"] == "dave@receiver.example")
        .unwrap();
    assert_eq!(full["remote_mta"], "mx.receiver.example");
    assert!(full["ip"].is_null());
    let multi = lines
        .iter()
        .find(|l| l["recipient"] == "leo@one.example")
        .unwrap();
    assert_eq!(multi["original_subject"], "Holiday photos");
    assert_eq!(multi["original_from"], "Kim <kim@sender.example>");
}

/// The same run as CSV: a header row, one row per recipient, quoting and formula cells made
/// inert (RFC 4180; a cell starting with `=`, `+`, `-` or `@` gets a leading `'`).
#[test]
fn batch_as_csv() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/bounces");
    let mut out = Vec::new();
    let summary =
        mailtrace::driver::batch::run(&dir, false, mailtrace::driver::batch::Format::Csv, &mut out)
            .expect("batch runs");
    let text = String::from_utf8(out).expect("UTF-8 output");
    let rows: Vec<&str> = text.split_terminator("\r\n").collect();
    assert_eq!(rows.len(), summary.recipients + 1, "{text}");
    assert!(rows[0].starts_with("file,message,kind,recipient,reason,status,"));
    assert!(!text.contains("{\"summary\""));
    // The blocklist refusal's row: list, the IP it names, the returned message's From.
    assert!(
        rows.iter().any(|r| r.contains(
            ",blocked,5.7.1,554,true,Spamhaus,209.85.220.41,,Grace <grace@gmail.example>,Hello,554 5.7.1 Service unavailable; Client host [209.85.220.41] blocked"
        )),
        "{text}"
    );
    let s = mailtrace::driver::batch::summary_text(&summary);
    assert!(
        s.contains("refusals naming 209.85.220.41: Spamhaus 1"),
        "{s}"
    );

    // Hostile values: a formula, a control character, quotes.
    let tmp = std::env::temp_dir().join(format!("mailtrace-csv-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::write(
        tmp.join("a.eml"),
        "From: MAILER-DAEMON@mx.example\nSubject: Undelivered Mail Returned to Sender\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 \"=HYPERLINK(x)\" \u{1b}[2J unknown\n\n--b\nContent-Type: text/rfc822-headers\n\nFrom: x@y.example\nSubject: =cmd|' /C calc'!A0\n\n--b--\n",
    )
    .unwrap();
    let mut out = Vec::new();
    mailtrace::driver::batch::run(&tmp, false, mailtrace::driver::batch::Format::Csv, &mut out)
        .expect("batch runs");
    let _ = std::fs::remove_dir_all(&tmp);
    let text = String::from_utf8(out).unwrap();
    let row = text.split_terminator("\r\n").nth(1).expect("one row");
    assert!(!row.contains('\u{1b}'), "{row}");
    assert!(row.contains(",'=cmd|' /C calc'!A0,"), "{row}");
    assert!(row.contains("\"\"=HYPERLINK(x)\"\""), "{row}");
}
