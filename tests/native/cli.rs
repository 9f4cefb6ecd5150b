//! The CLI end to end, with DNS from the loopback DoH server.

use super::support::{analyze_json, doh_url, mailtrace, mailtrace_env, sample};
use serde_json::Value;
use std::net::TcpListener;

fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn ptr_of_the_sending_ip_comes_through_doh() {
    let report = analyze_json(&sample("postfix-inbound.eml"), &["--doh", &doh_url()]);
    assert_eq!(report["sending_ip"]["ip"], "203.0.113.5");
    assert_eq!(report["reverse_dns"]["status"], "found");
    assert_eq!(report["reverse_dns"]["names"][0], "mail.sender.example");
    let dns = report["dns"].as_array().unwrap();
    let questions: Vec<(String, String)> = dns
        .iter()
        .map(|d| (d["name"].to_string(), d["type"].to_string()))
        .collect();
    let unique: std::collections::HashSet<_> = questions.iter().collect();
    assert_eq!(unique.len(), questions.len(), "no question asked twice");
    let ptr: Vec<&Value> = dns.iter().filter(|d| d["type"] == "PTR").collect();
    assert_eq!(ptr.len(), 1, "the PTR question, asked once");
    assert_eq!(ptr[0]["name"], "5.113.0.203.in-addr.arpa");
    assert_eq!(
        ptr[0]["answer"]["records"][0]["data"],
        "mail.sender.example"
    );
    assert_eq!(report["schema_version"], 1);
}

#[test]
fn ipv6_sender_and_missing_ptr() {
    let v6 = String::from_utf8(sample("postfix-inbound.eml"))
        .unwrap()
        .replace("[203.0.113.5]", "[IPv6:2001:db8:5::25]");
    let report = analyze_json(v6.as_bytes(), &["--doh", &doh_url()]);
    assert_eq!(report["sending_ip"]["ip"], "2001:db8:5::25");
    assert_eq!(report["reverse_dns"]["names"][0], "mail6.sender.example");

    let noptr = String::from_utf8(sample("postfix-inbound.eml"))
        .unwrap()
        .replace("203.0.113.5", "198.51.100.99");
    let report = analyze_json(noptr.as_bytes(), &["--doh", &doh_url()]);
    assert_eq!(report["reverse_dns"]["status"], "none");
    assert!(codes(&report).contains(&"rdns.missing".to_string()));
}

#[test]
fn an_unanswering_server_is_could_not_check_after_the_timeout() {
    // A listener that accepts connections and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(4) {
            held.push(stream);
        }
        std::thread::sleep(std::time::Duration::from_secs(30));
    });
    let url = format!("http://127.0.0.1:{port}/dns-query");
    let report = analyze_json(
        &sample("postfix-inbound.eml"),
        &["--doh", &url, "--timeout", "300"],
    );
    assert_eq!(report["reverse_dns"]["status"], "temperror");
    assert_eq!(report["dns"][0]["error"]["kind"], "timeout");
    let found = codes(&report);
    assert!(found.contains(&"rdns.temperror".to_string()));
    assert!(
        !found.contains(&"rdns.missing".to_string()),
        "a timeout is never a missing PTR"
    );
}

#[test]
fn a_refused_connection_is_could_not_check() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/dns-query");
    let report = analyze_json(&sample("postfix-inbound.eml"), &["--doh", &url]);
    assert_eq!(report["reverse_dns"]["status"], "temperror");
    assert_eq!(report["dns"][0]["error"]["kind"], "network");
}

#[test]
fn offline_sends_nothing() {
    let report = analyze_json(
        &sample("postfix-inbound.eml"),
        &["--offline", "--doh", "http://127.0.0.1:9/x"],
    );
    assert_eq!(report["reverse_dns"]["status"], "skipped");
    assert_eq!(report["dns"].as_array().unwrap().len(), 0);
    assert_eq!(report["live"], false);
}

#[test]
fn text_output_shows_the_path_and_the_ptr() {
    let out = mailtrace(
        &["analyze", "-", "--doh", &doh_url()],
        &sample("postfix-inbound.eml"),
    );
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Delivery path (3 hops, oldest first)"),
        "{text}"
    );
    assert!(text.contains("Sending IP: 203.0.113.5"), "{text}");
    assert!(text.contains("Reverse DNS: mail.sender.example"), "{text}");
    assert!(text.contains("Total delivery time: 7 s"), "{text}");
    // Findings grouped by area, and every header with its explanation.
    assert!(
        text.contains("\n  Delivery path\n    [info] Hop 1: a mail program logged in"),
        "{text}"
    );
    assert!(text.contains("Subject: Quarterly report – Q4\n        raw: =?UTF-8?Q?Quarterly_report_=E2=80=93_Q4?=\n        (The subject line.)"), "{text}");
}

#[test]
fn unreadable_input_and_bad_usage_exit_2_with_a_message() {
    let out = mailtrace(&["analyze", "/nonexistent/message.eml"], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("cannot read /nonexistent/message.eml"),
        "{err}"
    );
    let out = mailtrace(&["analyze", "--bogus"], b"");
    assert_eq!(out.status.code(), Some(2));
    let out = mailtrace(&["frobnicate"], b"");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_input_gives_a_report_not_a_crash() {
    let ten_mb = "Subject: x\n".to_string() + &"a".repeat(10 * 1024 * 1024);
    let many_received =
        "Received: from a.example (a.example [192.0.2.1]) by b.example; Tue, 2 Jan 2024 10:00:00 +0000\n"
            .repeat(10_000);
    let long_line = format!("Subject: {}\nFrom: a@b.example\n", "y".repeat(100_000));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", Vec::new(), "input.no-headers"),
        (
            "binary",
            (0..=255u8).cycle().take(50_000).collect(),
            "input.binary",
        ),
        (
            "no colon",
            b"just some words\nand more words\n".to_vec(),
            "input.no-headers",
        ),
        (
            "10 MB",
            ten_mb.into_bytes(),
            "input.body-without-blank-line",
        ),
        (
            "10,000 Received",
            many_received.into_bytes(),
            "received.too-many",
        ),
        ("100,000-character line", long_line.into_bytes(), ""),
    ];
    for (name, input, code) in cases {
        let report = analyze_json(&input, &["--offline"]);
        assert_eq!(report["complete"], true, "{name}");
        if !code.is_empty() {
            assert!(
                codes(&report).contains(&code.to_string()),
                "{name}: {:?}",
                codes(&report)
            );
        }
    }
}

#[test]
fn a_saved_report_re_checks_the_message_offline() {
    let message = sample("postfix-inbound.eml");
    let live = analyze_json(&message, &["--doh", &doh_url()]);
    let dir = std::env::temp_dir().join(format!("mailtrace-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let saved = dir.join("report.json");
    std::fs::write(&saved, serde_json::to_string(&live).unwrap()).unwrap();
    // No DoH endpoint that works: every answer must come from the saved evidence.
    let replayed = analyze_json(
        &message,
        &[
            "--replay",
            saved.to_str().unwrap(),
            "--doh",
            "http://127.0.0.1:9/dns-query",
        ],
    );
    assert_eq!(replayed, live);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn replay_refuses_the_report_of_another_message() {
    let dir = std::env::temp_dir().join(format!("mailtrace-replay-other-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let saved = dir.join("report.json");
    let report = analyze_json(&sample("postfix-inbound.eml"), &["--doh", &doh_url()]);
    std::fs::write(&saved, serde_json::to_string(&report).unwrap()).unwrap();
    let out = mailtrace(
        &["analyze", "-", "--replay", saved.to_str().unwrap()],
        &sample("gmail.eml"),
    );
    assert_eq!(out.status.code(), Some(2), "bad usage: exit status 2");
    assert!(out.stdout.is_empty(), "no report is printed");
    let why = String::from_utf8_lossy(&out.stderr);
    assert!(why.starts_with("mailtrace: "), "{why}");
    assert!(why.contains("another message"), "{why}");
    assert!(why.contains("Message-ID"), "{why}");
    assert!(
        why.contains("does not exist"),
        "says what replaying it would do: {why}"
    );
    // The same message with other line endings is the same message.
    let crlf = String::from_utf8(sample("postfix-inbound.eml"))
        .unwrap()
        .replace('\n', "\r\n");
    let out = mailtrace(
        &[
            "analyze",
            "-",
            "--json",
            "--replay",
            saved.to_str().unwrap(),
        ],
        crlf.as_bytes(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn spf_command_traces_an_include_through_doh() {
    let doh = doh_url();
    let out = mailtrace(
        &[
            "spf",
            "--ip",
            "203.0.113.5",
            "--mail-from",
            "carol@sender.example",
            "--doh",
            &doh,
            "--json",
        ],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"]["result"], "pass");
    assert_eq!(v["outcome"]["deciding_term"], "include:_spf.sender.example");
    let terms: Vec<&str> = v["outcome"]["trace"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["term"].as_str().unwrap())
        .collect();
    assert!(terms.contains(&"ip4:203.0.113.0/28"), "{terms:?}");
    assert_eq!(
        v["dns"].as_array().unwrap().len(),
        2,
        "two TXT lookups, each once"
    );

    let out = mailtrace(
        &[
            "spf",
            "--ip",
            "192.0.2.1",
            "--mail-from",
            "ann@acme.example",
            "--doh",
            &doh,
        ],
        b"",
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Result: softfail for acme.example"), "{text}");
    assert!(text.contains("reject on fail or softfail"), "{text}");
}

#[test]
fn dmarc_command_finds_the_organizational_policy() {
    let out = mailtrace(&["dmarc", "mail.acme.example", "--doh", &doh_url()], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Record at _dmarc.acme.example: v=DMARC1; p=quarantine"),
        "{text}"
    );
    assert!(
        text.contains("the policy of acme.example applies"),
        "{text}"
    );
}

/// `mailtrace dmarc` checks report addresses at another organization (RFC 7489 section 7.1)
/// like the domain check, and lints fo= without ruf=.
#[test]
fn dmarc_command_checks_external_report_destinations() {
    let codes = |domain: &str| -> Vec<String> {
        let out = mailtrace(&["dmarc", domain, "--doh", &doh_url(), "--json"], b"");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        report["lint"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        codes("reports-out.example"),
        ["fo_without_ruf", "report_not_authorized"]
    );
    assert!(codes("reports-ok.example").is_empty());
    let out = mailtrace(&["dmarc", "reports-out.example", "--doh", &doh_url()], b"");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("reports-out.example._report._dmarc.dmarc-vendor.example"),
        "{text}"
    );
}

#[test]
fn signed_sample_passes_dkim_spf_and_dmarc_through_doh() {
    let report = analyze_json(&sample("dkim-signed.eml"), &["--doh", &doh_url()]);
    let auth = &report["auth"];
    assert_eq!(auth["dkim"]["signatures"][0]["result"], "pass");
    assert_eq!(auth["spf"]["mail_from_result"]["result"], "pass");
    assert_eq!(
        auth["spf"]["mail_from_result"]["deciding_term"],
        "include:_spf.sender.example"
    );
    assert_eq!(auth["dmarc"]["outcome"]["result"], "pass");
    let tampered = analyze_json(&sample("dkim-tampered.eml"), &["--doh", &doh_url()]);
    assert_eq!(tampered["auth"]["dkim"]["signatures"][0]["result"], "fail");
    assert_eq!(
        tampered["auth"]["dmarc"]["outcome"]["result"], "pass",
        "SPF still passes aligned"
    );
    assert!(codes(&tampered).contains(&"dkim.verify-fail".to_string()));
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn each_subcommand_has_its_help() {
    let cases: &[(&str, &[&str])] = &[
        (
            "analyze",
            &[
                "[FILE]",
                "--json",
                "--offline",
                "--doh <URL>",
                "--timeout <MS>",
                "--now <MS>",
                "--replay",
            ],
        ),
        (
            "spf",
            &[
                "--ip <IP>",
                "--mail-from <ADDRESS>",
                "--helo <NAME>",
                "--json",
                "--doh <URL>",
            ],
        ),
        (
            "dmarc",
            &["<DOMAIN>", "--json", "--doh <URL>", "--timeout <MS>"],
        ),
        (
            "domain",
            &[
                "<DOMAIN>",
                "--selector <S>",
                "--dqs-key <KEY>",
                "--json",
                "--doh <URL>",
            ],
        ),
        ("bounces", &["<PATH>", "--summary-only"]),
        ("completions", &["<SHELL>", "bash", "zsh", "fish"]),
    ];
    for (command, expected) in cases {
        for args in [vec![*command, "--help"], vec!["help", *command]] {
            let out = mailtrace(&args, b"");
            assert_eq!(out.status.code(), Some(0), "{args:?}");
            let help = text(&out.stdout);
            assert!(
                help.contains(&format!("Usage: mailtrace {command}")),
                "{args:?}: {help}"
            );
            for item in *expected {
                assert!(help.contains(item), "{args:?}: {item} missing in\n{help}");
            }
        }
    }
    // The default endpoint and $MAILTRACE_DOH are named, and the exit status is explained.
    let help = text(&mailtrace(&["analyze", "--help"], b"").stdout);
    assert!(
        help.contains("$MAILTRACE_DOH, else https://cloudflare-dns.com/dns-query"),
        "{help}"
    );
    assert!(help.contains("[default: 5000]"), "{help}");
    assert!(
        help.contains("2 on bad usage or unreadable input"),
        "{help}"
    );
}

#[test]
fn the_top_level_help_lists_every_command() {
    for args in [&["--help"][..], &["-h"], &["help"], &[]] {
        let out = mailtrace(args, b"");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let help = text(&out.stdout);
        for command in [
            "analyze",
            "spf",
            "dmarc",
            "domain",
            "bounces",
            "completions",
        ] {
            assert!(
                help.contains(&format!("\n  {command} ")),
                "{args:?}: {command} in\n{help}"
            );
        }
    }
    let out = mailtrace(&["--version"], b"");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        format!("mailtrace {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn mistakes_exit_2_with_a_suggestion() {
    let cases: &[(&[&str], &str)] = &[
        (&["analyse"], "a similar subcommand exists: 'analyze'"),
        (
            &["domian", "example.com"],
            "similar subcommands exist: 'dmarc', 'domain'",
        ),
        (&["analyze", "--jsn"], "a similar argument exists: '--json'"),
        (
            &["bounces", "x", "--summary"],
            "a similar argument exists: '--summary-only'",
        ),
        (&["completions", "bsh"], "a similar value exists: 'bash'"),
    ];
    for (args, suggestion) in cases {
        let out = mailtrace(args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains(suggestion), "{args:?}: {err}");
        assert!(
            out.stdout.is_empty(),
            "{args:?}: usage errors go to standard error"
        );
    }
    // Missing or malformed arguments are usage errors too.
    for args in [
        &["spf", "--ip", "192.0.2.1"][..],
        &["spf", "--mail-from", "a@b.example"],
        &["spf", "--ip", "not-an-ip", "--helo", "a.example"],
        &["spf", "--ip", "192.0.2.1", "--helo", ""],
        &["dmarc"],
        &["dmarc", "a.example", "b.example"],
        &["domain"],
        &["bounces"],
        &["analyze", "a.eml", "b.eml"],
        &["analyze", "--timeout", "soon"],
        &["analyze", "--now"],
        &["completions"],
    ] {
        let out = mailtrace(args, b"");
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn completions_for_bash() {
    let out = mailtrace(&["completions", "bash"], b"");
    assert_eq!(out.status.code(), Some(0));
    let script = text(&out.stdout);
    assert!(script.contains("_mailtrace()"), "{script}");
    assert!(script.contains("complete -F _mailtrace"), "{script}");
    for word in [
        "analyze",
        "bounces",
        "--summary-only",
        "--selector",
        "--replay",
    ] {
        assert!(script.contains(word), "{word} missing");
    }
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let out = mailtrace(&["completions", shell], b"");
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(text(&out.stdout).contains("mailtrace"), "{shell}");
    }
}

#[test]
fn the_doh_endpoint_comes_from_the_environment() {
    let run = |env: &str, extra: &[&str]| {
        let mut args = vec!["analyze", "-", "--json", "--now", "1704189600000"];
        args.extend_from_slice(extra);
        let out = mailtrace_env(
            &args,
            &sample("postfix-inbound.eml"),
            &[("MAILTRACE_DOH", env)],
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let report = run(&doh_url(), &[]);
    assert_eq!(report["reverse_dns"]["names"][0], "mail.sender.example");
    // --doh wins over the environment.
    let report = run("http://127.0.0.1:9/dns-query", &["--doh", &doh_url()]);
    assert_eq!(report["reverse_dns"]["names"][0], "mail.sender.example");
    let report = run(&doh_url(), &["--doh", "http://127.0.0.1:9/dns-query"]);
    assert_eq!(report["reverse_dns"]["status"], "temperror");
    // Not a URL: bad usage.
    let out = mailtrace_env(
        &["dmarc", "a.example"],
        b"",
        &[("MAILTRACE_DOH", "dns.example")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("must be an http(s) URL"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn bounces_summary_only_prints_the_summary() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bounces");
    let out = mailtrace(&["bounces", dir.to_str().unwrap(), "--summary-only"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let summary: Value = serde_json::from_str(&lines[0]).unwrap();
    assert!(summary["summary"]["recipients"].as_u64().unwrap() > 0);
    // The summary's keys in sorted order, as they always were.
    assert!(
        lines[0].starts_with("{\"summary\":{\"auto_replies\":"),
        "{}",
        lines[0]
    );
}

#[test]
fn hostile_text_reaches_the_terminal_inert() {
    // Issue 15's reproducer: OSC title, BEL, clear screen in a display name; an encoded word
    // that decodes to CR LF and a forged diagnosis line; a right-to-left override.
    let message = b"From: \"\x1b]0;PWNED\x07\x1b[2J\" <a@b.example>\nSubject: =?utf-8?q?hi=0D=0ADiagnosis:_Delivered?=\nTo: =?utf-8?q?pay=E2=80=AEfdp.exe?= <c@d.example>\n\n";
    let out = mailtrace(&["analyze", "-", "--offline"], message);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| {
            let u = c as u32;
            (u < 0x20 && c != '\n' && c != '\t') || (0x7f..=0x9f).contains(&u) || c == '\u{202e}'
        })
        .collect();
    assert!(
        bad.is_empty(),
        "control characters in the text output: {bad:?}"
    );
    assert!(
        text.contains("\\x1b]0;PWNED\\x07"),
        "shown escaped:\n{text}"
    );
    assert!(
        !text
            .lines()
            .any(|l| l.trim_start().starts_with("Diagnosis: Delivered")),
        "a decoded line break forged a line:\n{text}"
    );
    assert!(text.contains("U+202E"), "the override is shown:\n{text}");
}
