//! The Authentication-Results corpus (../shared/corpora/authres, from the Python authres
//! package). Compared: authserv-id, version, the ordered (method, result, reason) list and the
//! (ptype, property, value) triples, property names case-insensitively (RFC 8601 section 2.2).
//! The inputs authres rejects must give syntax errors here. authres silently drops attributes
//! written without a ptype (`version=TLSv1.2`); mailtrace keeps them with an empty ptype and a
//! note, because Microsoft writes `action=none` that way, so those are left out of the
//! comparison.

use super::support::corpora;
use mailtrace::parse::authres;
use serde_json::Value;

#[test]
fn authres_cases_parse_as_expected() {
    let dir = corpora();
    let text = std::fs::read_to_string(dir.join("authres/authres_parse_cases.json")).unwrap();
    let corpus: Value = serde_json::from_str(&text).unwrap();
    let cases = corpus["cases"].as_array().unwrap();
    assert!(cases.len() >= 20);
    let (mut ok, mut must_fail) = (0, 0);
    for case in cases {
        let input = case["input"].as_str().unwrap();
        let value = input
            .split_once(':')
            .map(|(_, v)| v)
            .expect("a field with a name");
        let parsed = authres::parse(value);
        if case.get("expected_error").is_some() {
            assert!(
                !parsed.syntax_errors.is_empty(),
                "{input}: a strict parser rejects this, but no syntax error was found"
            );
            must_fail += 1;
            continue;
        }
        let want = &case["expected"];
        assert!(
            parsed.syntax_errors.is_empty(),
            "{input}: {:?}",
            parsed.syntax_errors
        );
        assert_eq!(
            parsed.authserv_id,
            want["authserv_id"].as_str().unwrap(),
            "{input}"
        );
        assert_eq!(
            parsed.version.map(u64::from),
            want["version"].as_u64(),
            "{input}"
        );
        let results = want["results"].as_array().unwrap();
        assert_eq!(parsed.results.len(), results.len(), "{input}");
        for (got, want) in parsed.results.iter().zip(results) {
            assert_eq!(got.method, want["method"].as_str().unwrap(), "{input}");
            assert_eq!(got.result, want["result"].as_str().unwrap(), "{input}");
            assert_eq!(
                got.method_version.map(u64::from),
                want["version"].as_u64(),
                "{input}"
            );
            assert_eq!(got.reason.as_deref(), want["reason"].as_str(), "{input}");
            let got_props: Vec<(String, String, String)> = got
                .properties
                .iter()
                .filter(|p| !p.ptype.is_empty())
                .map(|p| (p.ptype.clone(), p.name.clone(), p.value.clone()))
                .collect();
            let want_props: Vec<(String, String, String)> = want["properties"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        p["type"].as_str().unwrap().to_ascii_lowercase(),
                        p["name"].as_str().unwrap().to_ascii_lowercase(),
                        p["value"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            assert_eq!(got_props, want_props, "{input}");
        }
        ok += 1;
    }
    eprintln!("authres corpus: {ok} parsed as expected, {must_fail} rejected as expected");
    assert_eq!(ok + must_fail, cases.len());
}
