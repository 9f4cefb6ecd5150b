//! The subcommands: each reads its input (a file, standard input, a mailbox), runs the core
//! with the native DoH client (or DNS answers from memory) and prints the text or JSON result.
//! Errors are the messages printed after `mailtrace: ` before exit status 2.

use super::args::{AnalyzeArgs, BouncesArgs, Cli, DmarcArgs, DomainArgs, SpfArgs};
use crate::dns::zone::MemoryResolver;
use crate::driver::native::{DohClient, run_parallel};
use crate::present::render;
use crate::report::standalone::{DmarcCheckReport, SpfCheckReport};
use crate::{Analysis, Options};
use clap::CommandFactory;
use std::io::Read;
use std::time::{SystemTime, UNIX_EPOCH};

/// Most DNS questions a single check (SPF, DMARC) may ask.
const MAX_CHECK_QUERIES: usize = 100;

/// The time now, in milliseconds since 1970.
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// `mailtrace analyze`: the report of a message, as text or JSON.
pub fn analyze(a: &AnalyzeArgs) -> Result<(), String> {
    let input = read_input(a.file.as_deref().unwrap_or("-"))?;
    let recorded = match &a.replay {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            Some(crate::Report::from_json(&text).map_err(|e| format!("{path}: {e}"))?)
        }
        None => None,
    };
    if let (Some(recorded), Some(path)) = (&recorded, &a.replay)
        && let Some(why) = crate::engine::replay::mismatch(recorded, &input)
    {
        return Err(format!("{path}: {why}"));
    }
    let now_ms = a
        .now_ms
        .or(recorded.as_ref().map(|r| r.analyzed_at_ms))
        .unwrap_or_else(now_ms);
    let mut options = Options {
        live: !a.offline,
        query_timeout_ms: a.dns.timeout_ms,
        body_links: !a.no_body_links,
        ..Options::default()
    };
    options.blocklists.spamhaus_dqs_key = a.dqs_key.clone();
    for zone in &a.blocklists {
        options.blocklists.add_zone(zone);
    }
    let analysis = Analysis::new(&input, now_ms, options);
    let report = if let Some(recorded) = &recorded {
        crate::run_with(analysis, &MemoryResolver::from_exchanges(&recorded.dns))
    } else if a.offline {
        crate::run_with(analysis, &MemoryResolver::new())
    } else {
        run_parallel(analysis, &DohClient::new(&a.dns.endpoint())?)
    };
    if a.json {
        println!("{}", report.to_json());
    } else {
        print!("{}", render::text(&report));
    }
    Ok(())
}

/// `mailtrace spf`: an SPF evaluation with its trace.
pub fn spf(a: &SpfArgs) -> Result<(), String> {
    use crate::checks::spf::{self, SpfInput};
    use crate::engine::lookups::CheckRun;
    let helo = a.helo.clone().unwrap_or_default();
    if a.mail_from.is_none() && helo.is_empty() {
        return Err("spf needs --mail-from or --helo".into());
    }
    let input = SpfInput {
        ip: a.ip,
        mail_from: a.mail_from.clone().unwrap_or_default(),
        helo,
        receiver: "mailtrace".into(),
        now_s: now_ms() / 1000,
    };
    let client = DohClient::new(&a.dns.endpoint())?;
    let run = CheckRun::new(
        |answers: &dyn crate::dns::Answers| {
            if a.mail_from.is_some() {
                spf::check_host(&input, answers)
            } else {
                spf::check_helo(&input, answers)
            }
        },
        MAX_CHECK_QUERIES,
        a.dns.timeout_ms,
    );
    let output = run_parallel(run, &client);
    let outcome = output
        .result
        .ok_or("the SPF check did not finish (DNS lookups stopped)")?;
    let report = SpfCheckReport::new(outcome, output.dns);
    if a.json {
        println!("{}", report.to_json());
    } else {
        let mut out = String::new();
        render::spf_outcome(&mut out, &report.outcome, "");
        if !report.lint.is_empty() {
            out.push_str("\nProblems with the record:\n");
            for l in &report.lint {
                out.push_str(&format!("  - {}\n", l.message));
            }
        }
        out.push_str("\nWhat receivers would do with this result:\n");
        for row in &report.receiver_policy {
            out.push_str(&format!("  {:<40} {:?}\n", row.setting, row.action));
        }
        print!("{}", crate::present::inert::lines(&out));
    }
    Ok(())
}

/// `mailtrace dmarc`: a domain's DMARC policy, explained, with the report destinations at other
/// organizations checked as the domain check does (RFC 7489 section 7.1).
pub fn dmarc(a: &DmarcArgs) -> Result<(), String> {
    use crate::checks::dmarc::{self, DmarcMode};
    use crate::dns::Step;
    use crate::engine::lookups::CheckRun;
    let domain = a.domain.trim().trim_end_matches('.').to_ascii_lowercase();
    let client = DohClient::new(&a.dns.endpoint())?;
    let run = CheckRun::new(
        |answers: &dyn crate::dns::Answers| {
            let discovery = match dmarc::discover(&domain, DmarcMode::Rfc9989, answers) {
                Step::Done(d) => d,
                Step::Need(q) => return Step::Need(q),
                Step::Verify(v) => return Step::Verify(v),
            };
            let external = match (&discovery.record, &discovery.policy_domain) {
                (Some(record), Some(at)) => match dmarc::external_reports(at, record, answers) {
                    Step::Done(lint) => lint,
                    Step::Need(q) => return Step::Need(q),
                    Step::Verify(v) => return Step::Verify(v),
                },
                _ => Vec::new(),
            };
            Step::Done((discovery, external))
        },
        MAX_CHECK_QUERIES,
        a.dns.timeout_ms,
    );
    let output = run_parallel(run, &client);
    let (discovery, external) = output
        .result
        .ok_or("the DMARC lookup did not finish (DNS lookups stopped)")?;
    let mut report = DmarcCheckReport::new(discovery, output.dns);
    report.lint.extend(external);
    if a.json {
        println!("{}", report.to_json());
    } else {
        print!("{}", render::dmarc_text(&report.discovery, &report.lint));
    }
    Ok(())
}

/// `mailtrace domain`: a domain's mail set-up.
pub fn domain(a: &DomainArgs) -> Result<(), String> {
    let mut options = Options {
        query_timeout_ms: a.dns.timeout_ms,
        ..Options::default()
    };
    options.blocklists.spamhaus_dqs_key = a.dqs_key.clone();
    for zone in &a.blocklists {
        options.blocklists.add_zone(zone);
    }
    let run =
        crate::engine::domain_run::DomainAnalysis::new(&a.domain, &a.selectors, now_ms(), &options);
    let report = run_parallel(run, &DohClient::new(&a.dns.endpoint())?);
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        print!("{}", render::domain_text(&report));
    }
    Ok(())
}

/// `mailtrace bounces`: one JSON line per failed recipient, then the summary.
pub fn bounces(a: &BouncesArgs) -> Result<(), String> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let format = if a.csv {
        crate::driver::batch::Format::Csv
    } else {
        crate::driver::batch::Format::JsonLines
    };
    let done = crate::driver::batch::run(
        std::path::Path::new(&a.path),
        a.summary_only,
        format,
        &mut out,
    )
    .and_then(|summary| {
        std::io::Write::flush(&mut out)?;
        if a.csv {
            eprint!("{}", crate::driver::batch::summary_text(&summary));
        }
        Ok(())
    });
    match done {
        // The reader went away (`| head`): not an error.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("{}: {e}", a.path)),
        _ => Ok(()),
    }
}

/// `mailtrace completions`: the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Result<(), String> {
    use std::io::Write;
    // Into memory first: clap_complete panics when it cannot write.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "mailtrace", &mut script);
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(&script).and_then(|()| stdout.flush()) {
        // The reader went away (`| head`): not an error.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to standard output: {e}"))
        }
        _ => Ok(()),
    }
}

/// Reads the input (at most one byte more than the analysis reads, so that it can tell the
/// input was cut); `-` is standard input.
fn read_input(path: &str) -> Result<Vec<u8>, String> {
    let mut buffer = Vec::new();
    let limit = (crate::parse::input::MAX_INPUT + 1) as u64;
    if path == "-" {
        std::io::stdin()
            .take(limit)
            .read_to_end(&mut buffer)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(limit).read_to_end(&mut buffer))
            .map_err(|e| format!("cannot read {path}: {e}"))?;
    }
    Ok(buffer)
}
