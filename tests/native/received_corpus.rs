//! The Received corpus (../shared/corpora/received, from Microsoft's Message Header Analyzer).
//!
//! MHA keeps parenthesised comments inside its from/by/with values ("localhost (10.0.22.21)")
//! and formats delays as "310 minutes 14 seconds". mailtrace splits those apart (HELO name, IP,
//! protocol) and keeps times in milliseconds, so the comparison is semantic: the first word of
//! MHA's `from` is our HELO name (or the IP literal), an IP in it is our IP, the first word of
//! `by` is our receiving host, `with` without comments is our protocol, and MHA's delay strings
//! are whole seconds of our milliseconds (truncated).

use super::support::{analyze_json, corpora};
use serde_json::Value;

fn load(name: &str) -> Option<Value> {
    let path = corpora().join("received").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some(serde_json::from_str(&text).expect("valid JSON"))
}

fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "310 minutes 14 seconds" -> 18614 seconds.
fn mha_seconds(text: &str) -> i64 {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut total = 0;
    for pair in words.chunks(2) {
        let n: i64 = pair[0].parse().expect("a number");
        total += match pair[1] {
            u if u.starts_with("minute") => n * 60,
            u if u.starts_with("hour") => n * 3600,
            _ => n,
        };
    }
    total
}

#[test]
fn chains_reproduce_hops_timestamps_and_total() {
    let Some(corpus) = load("received_chains.json") else {
        return;
    };
    let chains = corpus["chains"].as_array().expect("chains");
    assert!(!chains.is_empty());
    for chain in chains {
        let name = chain["describe"].as_str().unwrap();
        let input: Vec<&str> = chain["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_str().unwrap())
            .collect();
        let report = analyze_json(input.join("\n").as_bytes(), &["--offline"]);
        let hops = report["hops"].as_array().unwrap();
        let expected: Vec<&Value> = chain["assertions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["matcher"] == "receivedEqual")
            .map(|a| &a["expected"])
            .collect();
        assert_eq!(hops.len(), expected.len(), "{name}: hop count");
        for (hop, want) in hops.iter().zip(&expected) {
            let n = want["hop"].as_u64().unwrap();
            assert_eq!(hop["number"].as_u64(), Some(n), "{name}");
            assert_eq!(
                hop["timestamp_ms"], want["dateNum"],
                "{name} hop {n}: timestamp"
            );
            if let Some(from) = want["from"].as_str() {
                let first = from.split_whitespace().next().unwrap();
                assert_eq!(hop["helo"].as_str(), Some(first), "{name} hop {n}: from");
                if let Some(ip) = from
                    .split(['(', ')', '[', ']', ' '])
                    .find(|w| w.parse::<std::net::IpAddr>().is_ok())
                {
                    assert_eq!(hop["ip"].as_str(), Some(ip), "{name} hop {n}: ip");
                }
            }
            let by_first = want["by"]
                .as_str()
                .and_then(|b| b.split_whitespace().next());
            assert_eq!(hop["by"].as_str(), by_first, "{name} hop {n}: by");
            let with = want["with"].as_str().map(strip_comments);
            assert_eq!(
                hop["with"].as_str(),
                with.as_deref(),
                "{name} hop {n}: with"
            );
            // Exchange's `id 15.20.696.11` is its build number; mailtrace reports it as the
            // server version, MHA as the id.
            let id = hop["id"].as_str().or(hop["server_version"].as_str());
            assert_eq!(id, want["id"].as_str(), "{name} hop {n}: id");
            assert_eq!(
                hop["via"].as_str(),
                want["via"].as_str(),
                "{name} hop {n}: via"
            );
            let for_addr = want["for"].as_str().map(|f| f.trim_matches(['<', '>']));
            assert_eq!(hop["for_addr"].as_str(), for_addr, "{name} hop {n}: for");
            if let Some(delay) = want["delaySort"].as_i64().filter(|d| *d != -1) {
                assert_eq!(
                    hop["delay_ms"].as_i64(),
                    Some(delay),
                    "{name} hop {n}: delay"
                );
            }
        }
        let total = chain["expected_computeDeltas_total"].as_str().unwrap();
        let total_ms = report["delivery_ms"]
            .as_i64()
            .expect("a total delivery time");
        assert_eq!(total_ms / 1000, mha_seconds(total), "{name}: total {total}");
    }
}

#[test]
fn dates_in_every_corpus_form() {
    let Some(corpus) = load("received_dates.json") else {
        return;
    };
    let cases = corpus["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let input = case["input"].as_str().unwrap();
        let value = input.strip_prefix("Received:").unwrap();
        let parsed = mailtrace::parse::received::parse(value);
        assert_eq!(
            parsed.date.map(|d| d.epoch_ms),
            case["expected_dateNum_ms"].as_i64(),
            "{}: {input}",
            case["name"]
        );
    }
}

#[test]
fn rfc2047_words_decode_as_expected() {
    let Some(corpus) = load("rfc2047_decode.json") else {
        return;
    };
    let cases = corpus["cases"].as_array().unwrap();
    assert!(cases.len() >= 40);
    for case in cases {
        let input = case["input"].as_str().unwrap();
        let want = case["expected"].as_str().unwrap();
        assert_eq!(
            mailtrace::parse::rfc2047::decode(input, None),
            want,
            "{input}"
        );
    }
}

/// MHA turns folding white space into one space; mailtrace unfolds as RFC 5322 section 2.2.3
/// says (line breaks removed, white space kept), so runs of white space compare as one.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn header_lists_unfold_and_decode_as_expected() {
    let Some(corpus) = load("header_list.json") else {
        return;
    };
    for case in corpus["cases"].as_array().unwrap() {
        let input = case["input"].as_str().unwrap();
        let normalized = mailtrace::parse::input::normalize(input.as_bytes());
        let got: Vec<(String, String)> = normalized
            .fields
            .iter()
            .map(|f| {
                let decoded = mailtrace::parse::rfc2047::decode(f.unfolded(), None);
                (f.name.clone(), collapse(&decoded))
            })
            .collect();
        let want: Vec<(String, String)> = case["expected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h["header"].as_str().unwrap().to_string(),
                    collapse(h["value"].as_str().unwrap()),
                )
            })
            .collect();
        assert_eq!(got, want, "{}", case["test"]);
    }
}

/// Single Received fields. MHA keeps comments in its `from`/`by` strings and joins repeated
/// clauses with "; "; compared here: the first word of each (our HELO name and receiving host),
/// the protocol, id and date. MHA reads qmail's "(qmail N invoked from network)" as a `by`
/// clause; mailtrace marks it a local note, not a hop, and only its date is compared.
#[test]
fn single_received_fields_parse_as_expected() {
    let Some(corpus) = load("received_parse_single.json") else {
        return;
    };
    let cases = corpus["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let input = case["input"].as_str().unwrap_or("");
        let value = input.strip_prefix("Received:").unwrap_or(input);
        let parsed = mailtrace::parse::received::parse(value);
        let want = &case["expected"];
        assert_eq!(
            parsed.date.map(|d| d.epoch_ms),
            want["dateNum"].as_i64(),
            "{name}: date"
        );
        if parsed.local_note {
            assert!(input.contains("invoked"), "{name}");
            continue;
        }
        let first = |v: &Value| {
            v.as_str()
                .and_then(|s| s.split([' ', ';']).next().map(str::to_string))
        };
        assert_eq!(
            parsed.helo.as_deref().map(str::to_string),
            first(&want["from"]),
            "{name}: from"
        );
        assert_eq!(parsed.by_host, first(&want["by"]), "{name}: by");
        let with_first = parsed
            .with
            .as_deref()
            .and_then(|w| w.split([' ', ';']).next());
        assert_eq!(
            with_first.map(str::to_string),
            first(&want["with"]),
            "{name}: with"
        );
        let id = parsed.id.as_deref().or(parsed.server_version.as_deref());
        assert_eq!(id, want["id"].as_str(), "{name}: id");
    }
}
