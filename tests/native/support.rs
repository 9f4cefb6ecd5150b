//! Helpers shared by the integration tests.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
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

/// The shared corpora folder (`../shared/corpora`, or `$MAILTRACE_CORPORA`). A missing folder
/// fails the test: a corpus test that passes without its data has tested nothing.
pub fn corpora() -> PathBuf {
    let dir = std::env::var_os("MAILTRACE_CORPORA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora"));
    assert!(
        dir.is_dir(),
        "the shared corpora are missing at {} (set MAILTRACE_CORPORA to their folder)",
        dir.display()
    );
    dir
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

/// Whether a corpus item belongs to the validation part: a fixed quarter of the items, chosen by
/// a hash of their name (FNV-1a, 32 bits), which nothing is tuned against. Every corpus test
/// that tunes a rule set prints its figures for both parts.
pub fn validation_part(name: &str) -> bool {
    let mut hash: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash.is_multiple_of(4)
}

/// `part` out of `all`, as "n/m (p%)".
pub fn ratio(part: usize, all: usize) -> String {
    if all == 0 {
        return "0/0".into();
    }
    // Rounded down to a tenth of a percent, so that a figure just under a target never
    // reads as reaching it (908/1009 is 89.9%, not 90.0%).
    let tenths = (part as u128 * 1000) / all as u128;
    format!("{part}/{all} ({}.{}%)", tenths / 10, tenths % 10)
}

/// The `key: value` lines of a fixture's `.expect` file (split at the first `: `).
pub fn expectations(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// The `.expect` files of a fixture folder, sorted.
pub fn expect_files(dir: &Path) -> Vec<PathBuf> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "expect"))
        .collect();
    names.sort();
    names
}

/// Every `*.zone` file of `dir` (the test zones), in name order, as one in-memory resolver.
pub fn test_zones(dir: &Path) -> mailtrace::dns::zone::MemoryResolver {
    let mut zone = mailtrace::dns::zone::MemoryResolver::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "zone"))
        .collect();
    files.sort();
    for path in &files {
        zone.add_zone(&std::fs::read_to_string(path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    zone
}
