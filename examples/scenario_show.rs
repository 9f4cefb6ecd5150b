//! Development aid: analyzes a scenario file (tests/scenarios/*.scenario) as the scenario test
//! does, live against its own zone at its own `now` (or with every lookup failing for
//! `dns: fail`), and prints the report as JSON, or the text report with `--text`.
//! `cargo run --example scenario_show -- tests/scenarios/NAME.scenario [--text]`
use mailtrace::dns::zone::MemoryResolver;
use mailtrace::dns::{Answer, DnsError, Question, Resolver};
use mailtrace::{Analysis, Options};

struct Unreachable;
impl Resolver for Unreachable {
    fn lookup(&self, _: &Question, _: u32) -> Result<Answer, DnsError> {
        Err(DnsError::Network("connection refused".into()))
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .expect("a scenario file");
    let bytes = std::fs::read(path).expect("readable");
    let text = String::from_utf8_lossy(&bytes);
    let split = text
        .find("\n\n")
        .or_else(|| text.find("\r\n\r\n"))
        .expect("a blank line after the preamble");
    let (preamble, _) = text.split_at(split);
    let paste_start = bytes.len() - text[split..].trim_start_matches(['\r', '\n']).len();
    let meta = |key: &str| {
        preamble
            .lines()
            .filter_map(|l| l.strip_prefix(';'))
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim() == key)
            .map(|(_, v)| v.trim().to_string())
    };
    let zone: String = preamble
        .lines()
        .filter(|l| !l.starts_with(';'))
        .map(|l| format!("{l}\n"))
        .collect();
    let now = meta("now").expect("now");
    let n = |r: std::ops::Range<usize>| now[r].parse::<i64>().unwrap();
    let days = mailtrace::parse::date::days_from_civil(n(0..4), n(5..7) as u32, n(8..10) as u32);
    let now_ms = ((days * 24 + n(11..13)) * 60 + n(14..16)) * 60_000 + n(17..19) * 1000;
    let analysis = Analysis::new(&bytes[paste_start..], now_ms, Options::default());
    let report = if meta("dns").as_deref() == Some("fail") {
        mailtrace::run_with(analysis, &Unreachable)
    } else {
        mailtrace::run_with(analysis, &MemoryResolver::from_zone(&zone).expect("zone"))
    };
    if args.iter().any(|a| a == "--text") {
        print!("{}", mailtrace::present::render::text(&report));
    } else {
        println!("{}", report.to_json());
    }
}
