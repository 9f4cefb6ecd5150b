//! Reputation and DNS health through the loopback DoH server (tests/zones/reputation.zone), end
//! to end with the CLI: each ZEN code, Barracuda, SpamCop, Spamhaus error codes, a list answering
//! garbage, an IPv6 listing, forward-confirmed reverse DNS (match, mismatch, generic names), HELO
//! names, and MX (missing, null, CNAME, working). Timeouts are covered by the unit tests
//! (src/reputation/tests.rs), where an answer can be made to time out.

use super::support::{analyze_json, doh_url, mailtrace};
use serde_json::Value;

/// A one-hop message from `ip` that greeted with `helo`.
fn message(ip: &str, helo: &str) -> Vec<u8> {
    let bracket = if ip.contains(':') {
        format!("IPv6:{ip}")
    } else {
        ip.to_string()
    };
    format!(
        "Received: from {helo} (unknown [{bracket}])\n\tby mx.recipient.example (Postfix) with ESMTP id 1A2B3C\n\tfor <dana@recipient.example>; Tue,  2 Jan 2024 09:41:12 +0000 (UTC)\nFrom: Someone <someone@good.test>\nTo: dana@recipient.example\nSubject: test\nDate: Tue, 2 Jan 2024 09:41:10 +0000\nMessage-ID: <1@good.test>\n"
    )
    .into_bytes()
}

fn list<'a>(report: &'a Value, zone: &str) -> &'a Value {
    report["reputation"]["blocklists"]["lists"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["zone"] == zone)
        .unwrap_or_else(|| panic!("no {zone} in {}", report["reputation"]))
}

#[test]
fn each_zen_code_and_the_other_lists() {
    let doh = doh_url();
    for (ip, name) in [
        ("192.0.2.2", "SBL"),
        ("192.0.2.3", "CSS"),
        ("192.0.2.4", "XBL"),
        ("192.0.2.9", "DROP"),
        ("192.0.2.10", "PBL"),
        ("192.0.2.11", "PBL"),
    ] {
        let r = analyze_json(&message(ip, "mail.good.test"), &["--doh", &doh]);
        let zen = list(&r, "zen.spamhaus.org");
        assert_eq!(zen["status"], "listed", "{ip}");
        assert!(
            zen["codes"][0]["name"].as_str().unwrap().contains(name),
            "{ip}: {}",
            zen["codes"]
        );
        assert!(zen["delist_url"].as_str().unwrap().starts_with("https://"));
        assert_eq!(list(&r, "bl.spamcop.net")["status"], "not_listed");
    }
    // Barracuda answers only registered resolvers: asked when named, not by default.
    let r = analyze_json(&message("192.0.2.20", "mail.good.test"), &["--doh", &doh]);
    assert!(
        r["reputation"]["blocklists"]["lists"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["zone"] != "b.barracudacentral.org"),
        "Barracuda is off by default"
    );
    let r = analyze_json(
        &message("192.0.2.20", "mail.good.test"),
        &["--doh", &doh, "--blocklist", "b.barracudacentral.org"],
    );
    assert_eq!(list(&r, "b.barracudacentral.org")["status"], "listed");
    let r = analyze_json(&message("192.0.2.30", "mail.good.test"), &["--doh", &doh]);
    assert_eq!(list(&r, "bl.spamcop.net")["status"], "listed");
    let r = analyze_json(&message("2001:db8::2", "mail.good.test"), &["--doh", &doh]);
    assert_eq!(
        list(&r, "zen.spamhaus.org")["status"],
        "listed",
        "IPv6, reversed nibbles"
    );
    let r = analyze_json(&message("198.51.100.1", "mail.good.test"), &["--doh", &doh]);
    for zone in ["zen.spamhaus.org", "bl.spamcop.net"] {
        assert_eq!(list(&r, zone)["status"], "not_listed", "{zone}");
    }
}

#[test]
fn error_codes_are_never_listings() {
    let doh = doh_url();
    for ip in ["192.0.2.40", "192.0.2.41", "192.0.2.42"] {
        let r = analyze_json(&message(ip, "mail.good.test"), &["--doh", &doh]);
        let zen = list(&r, "zen.spamhaus.org");
        assert_eq!(zen["status"], "could_not_check", "{ip}");
        let codes: Vec<&str> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        assert!(!codes.contains(&"blocklist.ip.listed"), "{ip}: {codes:?}");
    }
    // SpamCop answering with an address outside 127/8 is not a listing either.
    let r = analyze_json(&message("192.0.2.43", "mail.good.test"), &["--doh", &doh]);
    assert_eq!(list(&r, "bl.spamcop.net")["status"], "could_not_check");
}

#[test]
fn reverse_dns_and_helo() {
    let doh = doh_url();
    let fcrdns = |ip: &str, helo: &str| {
        let r = analyze_json(&message(ip, helo), &["--doh", &doh]);
        (
            r["reputation"]["fcrdns"].clone(),
            r["reputation"]["helo"].clone(),
        )
    };
    let (f, h) = fcrdns("198.51.100.1", "mail.good.test");
    assert_eq!(f["status"], "confirmed");
    assert_eq!(f["confirmed_name"], "mail.good.test");
    assert_eq!(h["status"], "good");
    let (f, _) = fcrdns("198.51.100.2", "mail.good.test");
    assert_eq!(f["status"], "mismatch", "{f}");
    let (f, _) = fcrdns("198.51.100.3", "mail.good.test");
    assert!(
        !f["generic"].as_array().unwrap().is_empty(),
        "generic PTR: {f}"
    );
    let (_, h) = fcrdns("198.51.100.1", "localhost");
    assert_eq!(h["status"], "bad", "a bare word: {h}");
    let (_, h) = fcrdns("198.51.100.1", "no-such-host.good.test");
    assert_eq!(h["status"], "not_found", "{h}");
    let (_, h) = fcrdns("198.51.100.1", "other.good.test");
    assert_eq!(h["status"], "mismatch", "{h}");
}

#[test]
fn mx_cases_through_the_domain_check() {
    let doh = doh_url();
    let mx = |domain: &str| {
        let out = mailtrace(&["domain", domain, "--json", "--doh", &doh], b"");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["checks"]["mx"].clone()
    };
    assert_eq!(mx("good.test")["status"], "ok");
    assert_eq!(
        mx("nomx.test")["status"],
        "implicit_mx",
        "A record fallback"
    );
    assert_eq!(mx("nullmx.test")["status"], "null_mx");
    let cname = mx("cnamemx.test");
    assert!(
        cname["hosts"][0]["cname"].is_string() || cname["status"] == "degraded",
        "{cname}"
    );
    assert_eq!(mx("no-such-domain.test")["status"], "no_domain");
}

#[test]
fn a_dqs_key_is_used_and_never_written_into_the_report() {
    let out = mailtrace(
        &[
            "domain",
            "listedmx.test",
            "--dqs-key",
            "testkey0",
            "--json",
            "--doh",
            &doh_url(),
        ],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("testkey0"), "the key leaked into the report");
    let v: Value = serde_json::from_str(&text).unwrap();
    let asked: Vec<&str> = v["dns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert!(
        asked.contains(&"2.2.0.192.KEY.zen.dq.spamhaus.net"),
        "{asked:?}"
    );
    let listed = v["checks"]["mx_ip_reputation"][0]["lists"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["status"] == "listed");
    assert!(
        listed,
        "the DQS zone answered the listing: {}",
        v["checks"]["mx_ip_reputation"]
    );
}
