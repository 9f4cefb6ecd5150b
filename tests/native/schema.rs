//! docs/report.schema.json is generated from the report types; this keeps it current.
//! Regenerate with `MAILTRACE_UPDATE_SCHEMA=1 cargo test --features schema schema`.

#[cfg(feature = "schema")]
#[test]
fn report_schema_is_current() {
    let schema = schemars::schema_for!(mailtrace::Report);
    let generated = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json");
    if std::env::var_os("MAILTRACE_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == generated,
        "docs/report.schema.json is out of date; regenerate it with \
         MAILTRACE_UPDATE_SCHEMA=1 cargo test --features schema schema"
    );
}

#[cfg(not(feature = "schema"))]
#[test]
fn report_schema_is_current() {
    panic!("build the tests with --features schema (scripts/test.sh does)");
}
