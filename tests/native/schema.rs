//! The JSON Schemas in docs/ are generated from the output types; this keeps them current and
//! checks real outputs against them. Regenerate with
//! `MAILTRACE_UPDATE_SCHEMA=1 cargo test --features schema schema`.
//!
//! | schema | type | output |
//! | --- | --- | --- |
//! | docs/report.schema.json | `Report` | `mailtrace analyze --json`, the wasm `analyze` |
//! | docs/domain-report.schema.json | `DomainCheckReport` | `mailtrace domain --json`, the wasm `checkDomain` |
//! | docs/spf-report.schema.json | `SpfCheckReport` | `mailtrace spf --json` |
//! | docs/dmarc-report.schema.json | `DmarcCheckReport` | `mailtrace dmarc --json` |
//! | docs/bounces-line.schema.json | `BouncesLine` | each line of `mailtrace bounces` |
//!
//! www/report.schema.json is docs/report.schema.json without its words, for the page to check
//! a shared report against before rendering it.
//!
//! The outputs are checked with a small validator of the keywords schemars writes (an unknown
//! keyword fails the test rather than pass unchecked).

use super::support::{doh_url, mailtrace};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compares a generated schema with the stored one (or writes it, with MAILTRACE_UPDATE_SCHEMA).
#[cfg(feature = "schema")]
fn check_current(schema: schemars::Schema, file: &str) {
    let generated = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    let path = root().join(file);
    if std::env::var_os("MAILTRACE_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == generated,
        "{file} is out of date; regenerate it with \
         MAILTRACE_UPDATE_SCHEMA=1 cargo test --features schema schema"
    );
}

#[cfg(feature = "schema")]
#[test]
fn report_schema_is_current() {
    check_current(
        schemars::schema_for!(mailtrace::Report),
        "docs/report.schema.json",
    );
}

#[cfg(feature = "schema")]
#[test]
fn domain_report_schema_is_current() {
    check_current(
        schemars::schema_for!(mailtrace::engine::domain_run::DomainCheckReport),
        "docs/domain-report.schema.json",
    );
}

#[cfg(feature = "schema")]
#[test]
fn spf_report_schema_is_current() {
    check_current(
        schemars::schema_for!(mailtrace::report::standalone::SpfCheckReport),
        "docs/spf-report.schema.json",
    );
}

#[cfg(feature = "schema")]
#[test]
fn dmarc_report_schema_is_current() {
    check_current(
        schemars::schema_for!(mailtrace::report::standalone::DmarcCheckReport),
        "docs/dmarc-report.schema.json",
    );
}

#[cfg(feature = "schema")]
#[test]
fn bounces_line_schema_is_current() {
    check_current(
        schemars::schema_for!(mailtrace::driver::batch::BouncesLine<'static>),
        "docs/bounces-line.schema.json",
    );
}

/// The report schema as the page fetches it to check a shared report before rendering it
/// (www/report.schema.json, www/render/validate.js): docs/report.schema.json without the words
/// (description, title, format, $schema), compact. Written with MAILTRACE_UPDATE_SCHEMA.
#[test]
fn the_pages_report_schema_is_the_docs_one() {
    fn strip(v: &Value) -> Value {
        match v {
            Value::Object(map) => Value::Object(
                map.iter()
                    .filter(|(k, _)| {
                        !matches!(k.as_str(), "description" | "title" | "format" | "$schema")
                    })
                    .map(|(k, v)| {
                        // Property names are data, not keywords: keep every one.
                        let v = if k == "properties" || k == "$defs" {
                            Value::Object(
                                v.as_object()
                                    .unwrap()
                                    .iter()
                                    .map(|(n, s)| (n.clone(), strip(s)))
                                    .collect(),
                            )
                        } else {
                            strip(v)
                        };
                        (k.clone(), v)
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(strip).collect()),
            other => other.clone(),
        }
    }
    let generated =
        serde_json::to_string(&strip(&schema("docs/report.schema.json"))).unwrap() + "\n";
    let path = root().join("www/report.schema.json");
    if std::env::var_os("MAILTRACE_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == generated,
        "www/report.schema.json is out of date; regenerate it with \
         MAILTRACE_UPDATE_SCHEMA=1 cargo test --features schema schema"
    );
}

#[cfg(not(feature = "schema"))]
#[test]
fn report_schema_is_current() {
    panic!("build the tests with --features schema (scripts/test.sh does)");
}

/// A stored schema.
fn schema(file: &str) -> Value {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Where `value` departs from `schema` (whose `$ref`s point into `root`'s `$defs`), each as
/// `path: what`. Knows the keywords schemars writes; any other fails the test.
fn violations(root: &Value, schema: &Value, value: &Value, path: &str, out: &mut Vec<String>) {
    let Some(schema) = schema.as_object() else {
        if schema == &Value::Bool(false) {
            out.push(format!("{path}: nothing is allowed here"));
        }
        return;
    };
    if let Some(reference) = schema.get("$ref") {
        let name = reference
            .as_str()
            .unwrap()
            .strip_prefix("#/$defs/")
            .unwrap();
        let def = &root["$defs"][name];
        assert!(!def.is_null(), "{path}: no $defs/{name}");
        assert!(
            schema.keys().all(|k| k == "$ref" || k == "description"),
            "{path}: $ref with other keywords"
        );
        return violations(root, def, value, path, out);
    }
    let mut fail = |what: String| out.push(format!("{path}: {what}"));
    for (key, rule) in schema {
        match key.as_str() {
            "$schema" | "title" | "description" | "format" | "$defs" | "default" => {}
            "type" => {
                let types: Vec<&str> = match rule {
                    Value::String(t) => vec![t.as_str()],
                    Value::Array(ts) => ts.iter().map(|t| t.as_str().unwrap()).collect(),
                    _ => panic!("{path}: type {rule}"),
                };
                if !types.iter().any(|t| has_type(value, t)) {
                    fail(format!("{value} is not {}", types.join(" or ")));
                }
            }
            "const" if value != rule => fail(format!("{value} is not {rule}")),
            "enum" if !rule.as_array().unwrap().contains(value) => {
                fail(format!("{value} is not one of {rule}"))
            }
            "oneOf" | "anyOf" => {
                let matching = rule
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|s| {
                        let mut sub = Vec::new();
                        violations(root, s, value, path, &mut sub);
                        sub.is_empty()
                    })
                    .count();
                if matching == 0 || (key == "oneOf" && matching > 1) {
                    fail(format!("{value} matches {matching} of the {key} choices"));
                }
            }
            "required" => {
                if let Some(object) = value.as_object() {
                    for name in rule.as_array().unwrap() {
                        if !object.contains_key(name.as_str().unwrap()) {
                            fail(format!("required key {name} is missing"));
                        }
                    }
                }
            }
            "minimum" if value.as_f64().is_some_and(|v| v < rule.as_f64().unwrap()) => {
                fail(format!("{value} is below {rule}"))
            }
            "maximum" if value.as_f64().is_some_and(|v| v > rule.as_f64().unwrap()) => {
                fail(format!("{value} is above {rule}"))
            }
            "minItems" | "maxItems" => {
                let len = value.as_array().map_or(0, Vec::len) as u64;
                let limit = rule.as_u64().unwrap();
                if value.is_array()
                    && ((key == "minItems" && len < limit) || (key == "maxItems" && len > limit))
                {
                    fail(format!("{len} items, {key} {limit}"));
                }
            }
            "const" | "enum" | "minimum" | "maximum" => {}
            "properties" | "additionalProperties" | "items" | "prefixItems" => {}
            other => panic!("{path}: the validator does not know the keyword {other}"),
        }
    }
    violations_rest(root, schema, value, path, out);
}

/// The keywords that look inside objects and arrays.
fn violations_rest(
    root: &Value,
    schema: &serde_json::Map<String, Value>,
    value: &Value,
    path: &str,
    out: &mut Vec<String>,
) {
    if let Some(object) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for (key, item) in object {
            let here = format!("{path}.{key}");
            match (
                properties.and_then(|p| p.get(key)),
                schema.get("additionalProperties"),
            ) {
                (Some(s), _) => violations(root, s, item, &here, out),
                (None, Some(Value::Bool(false))) => out.push(format!("{here}: key not allowed")),
                (None, Some(s)) => violations(root, s, item, &here, out),
                (None, None) => {}
            }
        }
    }
    if let Some(array) = value.as_array() {
        let prefix = schema.get("prefixItems").and_then(Value::as_array);
        for (i, item) in array.iter().enumerate() {
            let here = format!("{path}[{i}]");
            match (prefix.and_then(|p| p.get(i)), schema.get("items")) {
                (Some(s), _) | (None, Some(s)) => violations(root, s, item, &here, out),
                (None, None) => {}
            }
        }
    }
}

fn has_type(value: &Value, t: &str) -> bool {
    match t {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        other => panic!("unknown type {other}"),
    }
}

/// Fails with every place where `value` departs from the schema in `file` (at `$defs/def` when
/// given).
fn assert_valid(file: &str, def: Option<&str>, value: &Value, what: &str) {
    let root = schema(file);
    let schema = match def {
        Some(name) => root["$defs"][name].clone(),
        None => root.clone(),
    };
    let mut out = Vec::new();
    violations(&root, &schema, value, "$", &mut out);
    assert!(
        out.is_empty(),
        "{what} does not match {file}:\n{}",
        out.join("\n")
    );
}

fn json_files(dir: &str, suffix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    files.sort();
    files
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_validator_finds_departures() {
    let root = schema("docs/spf-report.schema.json");
    let mut out = Vec::new();
    let bad = serde_json::json!({"outcome": {"result": "maybe"}, "lint": 3, "extra": null});
    violations(&root, &root, &bad, "$", &mut out);
    let text = out.join("\n");
    for expected in [
        "required key \"dns\"",
        "$.lint: 3 is not array",
        "$.outcome.result",
    ] {
        assert!(text.contains(expected), "{expected} not in:\n{text}");
    }
}

/// The stored reports (offline and live snapshots) and bounce readings match the report schema.
#[test]
fn snapshots_match_the_report_schema() {
    let mut checked = 0;
    for dir in ["tests/samples", "tests/bounces"] {
        for path in json_files(dir, ".json") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.contains("actual") {
                continue;
            }
            let value = read_json(&path);
            let def = (dir == "tests/bounces" && name.ends_with(".expected.json"))
                .then_some("BounceReport");
            assert_valid("docs/report.schema.json", def, &value, &name);
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked} snapshots");
    eprintln!("{checked} snapshots match docs/report.schema.json");
}

fn run_json(args: &[&str]) -> Value {
    let out = mailtrace(args, b"");
    assert!(
        out.status.success(),
        "mailtrace {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn cli_json_outputs_match_their_schemas() {
    let doh = doh_url();
    let spf = run_json(&[
        "spf",
        "--ip",
        "203.0.113.5",
        "--mail-from",
        "carol@sender.example",
        "--json",
        "--doh",
        &doh,
    ]);
    assert_valid("docs/spf-report.schema.json", None, &spf, "spf --json");
    let helo = run_json(&[
        "spf",
        "--ip",
        "192.0.2.1",
        "--helo",
        "mail.acme.example",
        "--json",
        "--doh",
        &doh,
    ]);
    assert_valid(
        "docs/spf-report.schema.json",
        None,
        &helo,
        "spf --helo --json",
    );
    for domain in ["mail.acme.example", "sender.example", "nothing.invalid"] {
        let dmarc = run_json(&["dmarc", domain, "--json", "--doh", &doh]);
        assert_valid("docs/dmarc-report.schema.json", None, &dmarc, domain);
    }
    for domain in ["sender.example", "acme.example"] {
        let report = run_json(&[
            "domain",
            domain,
            "--selector",
            "sel1",
            "--json",
            "--doh",
            &doh,
        ]);
        assert_eq!(report["complete"], true);
        assert_valid("docs/domain-report.schema.json", None, &report, domain);
    }
    let report = run_json(&[
        "analyze",
        "--json",
        "--offline",
        "tests/samples/postfix-inbound.eml",
    ]);
    assert_valid("docs/report.schema.json", None, &report, "analyze --json");
}

#[test]
fn bounces_lines_match_their_schema() {
    let dir = root().join("tests/bounces");
    let out = mailtrace(&["bounces", dir.to_str().unwrap()], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() > 10, "{text}");
    for line in &lines {
        let value: Value = serde_json::from_str(line).unwrap();
        assert_valid("docs/bounces-line.schema.json", None, &value, line);
    }
    let last: Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert!(
        last["summary"]["recipients"].as_u64().unwrap() > 0,
        "{last}"
    );
}
