//! Helpers shared by the integration tests.

use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The loopback DoH endpoint started by scripts/test.sh.
pub fn doh_url() -> String {
    std::env::var("MAILTRACE_TEST_DOH").unwrap_or_else(|_| {
        panic!(
            "MAILTRACE_TEST_DOH is not set: these tests need the loopback DoH server. \
             Run scripts/test.sh, or start it with `scripts/dns-server.sh start --zones` and set \
             MAILTRACE_TEST_DOH to its URL + /dns-query"
        )
    })
}

/// The shared corpora folder, or None (outside CI) when it is missing.
pub fn corpora() -> Option<PathBuf> {
    let dir = std::env::var_os("MAILTRACE_CORPORA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora"));
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "the shared corpora are missing at {}",
        dir.display()
    );
    eprintln!(
        "skipping: the shared corpora are missing at {}",
        dir.display()
    );
    None
}

/// Runs the CLI with `args`, feeding `stdin`.
pub fn mailtrace(args: &[&str], stdin: &[u8]) -> Output {
    mailtrace_env(args, stdin, &[])
}

/// Runs the CLI with `args` and these environment variables set, feeding `stdin`.
pub fn mailtrace_env(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailtrace"))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the mailtrace binary runs");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let output = child.wait_with_output().expect("mailtrace finishes");
    writer.join().expect("stdin writer");
    output
}

/// Runs `mailtrace analyze --json` with extra args and returns the parsed report.
pub fn analyze_json(input: &[u8], extra: &[&str]) -> Value {
    let mut args = vec!["analyze", "-", "--json", "--now", "1704189600000"];
    args.extend_from_slice(extra);
    let out = mailtrace(&args, input);
    assert!(
        out.status.success(),
        "mailtrace failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the CLI prints a JSON report")
}

/// A sample message from tests/samples.
pub fn sample(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/samples")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
