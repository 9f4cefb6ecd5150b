//! The mailtrace command line.
#![forbid(unsafe_code)]

#[cfg(target_arch = "wasm32")]
fn main() {
    // The CLI is native only; in the browser the page drives the library.
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod cli {

    use mailtrace::dns::zone::MemoryResolver;
    use mailtrace::driver::native::{DohClient, run_parallel};
    use mailtrace::present::render;
    use mailtrace::{Analysis, Options};
    use std::io::Read;
    use std::process::ExitCode;
    use std::time::{SystemTime, UNIX_EPOCH};

    const USAGE: &str = "mailtrace: e-mail header and bounce analyzer

    Usage:
      mailtrace analyze [FILE|-] [--json] [--offline] [--doh URL] [--timeout MS] [--now EPOCH_MS]
                    [--replay REPORT.json] [--blocklist ZONE]...
      mailtrace spf --ip IP [--mail-from ADDRESS] [--helo NAME] [--json] [--doh URL] [--timeout MS]
      mailtrace dmarc DOMAIN [--json] [--doh URL] [--timeout MS]
      mailtrace domain DOMAIN [--selector S]... [--dqs-key KEY] [--blocklist ZONE]... [--json]
                    [--doh URL] [--timeout MS]
      mailtrace bounces PATH [--summary-only]
      mailtrace --version | --help

    analyze   reads a message or its headers from FILE (or standard input) and prints the report.
              --json       print the report as JSON (its schema: docs/report.schema.json)
              --offline    no DNS lookups at all
              --doh URL    the DNS-over-HTTPS endpoint (default: $MAILTRACE_DOH, else
                           https://cloudflare-dns.com/dns-query)
              --timeout MS per-lookup timeout in milliseconds (default 5000)
              --now MS     analyze as of this time (milliseconds since 1970), for reproducible runs
              --replay R   re-check against the DNS answers recorded in report R (a JSON report
                           of the same message; another message's report is refused): no
                           network, and the time R was made for
              --blocklist Z  also ask the blocklist zone Z (repeatable). Asked by default:
                           Spamhaus ZEN and DBL, SpamCop. Barracuda (b.barracudacentral.org)
                           answers only registered resolvers, so it is off unless named here.

    spf       evaluates SPF (RFC 7208) now for a connecting IP and the MAIL FROM address (or the
              HELO name alone), and prints the result with every step and DNS answer it used,
              the record's problems, and what receivers would do with the result.
    dmarc     finds the DMARC policy of a domain (RFC 9989 tree walk) and explains it.
    domain    checks a domain's mail set-up without a message: SPF (evaluated in full), DMARC,
              DKIM keys at the selectors named, MX, MTA-STS, TLS-RPT, BIMI, the domain and its
              mail servers' addresses on the blocklists; what is wrong first.
    bounces   reads bounces from PATH (an mbox file, a maildir, or a folder of .eml files) and
              prints one JSON line per failed recipient, then a summary by reason and domain.
              --summary-only   print only the summary

    Exit status: 0 when the analysis completed (whatever it found), 2 on bad usage or unreadable
    input.";

    pub fn main() -> ExitCode {
        let args: Vec<String> = std::env::args().skip(1).collect();
        match run(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("mailtrace: {message}");
                ExitCode::from(2)
            }
        }
    }

    fn run(args: &[String]) -> Result<(), String> {
        let Some(command) = args.first() else {
            println!("{USAGE}");
            return Ok(());
        };
        match command.as_str() {
            "--help" | "-h" | "help" => {
                println!("{USAGE}");
                Ok(())
            }
            "--version" | "-V" => {
                println!("mailtrace {}", env!("CARGO_PKG_VERSION"));
                Ok(())
            }
            "analyze" => analyze(&args[1..]),
            "spf" => spf(&args[1..]),
            "dmarc" => dmarc(&args[1..]),
            "domain" => domain(&args[1..]),
            "bounces" => bounces(&args[1..]),
            other => Err(format!("unknown command {other:?}; see 'mailtrace --help'")),
        }
    }

    fn analyze(args: &[String]) -> Result<(), String> {
        let mut file: Option<String> = None;
        let mut json = false;
        let mut offline = false;
        let mut doh = std::env::var("MAILTRACE_DOH")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "https://cloudflare-dns.com/dns-query".to_string());
        let mut timeout_ms = 5_000u32;
        let mut now_ms: Option<i64> = None;
        let mut replay: Option<String> = None;
        let mut blocklists: Vec<String> = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let arg = args[i].as_str();
            let mut value = || {
                i += 1;
                args.get(i)
                    .cloned()
                    .ok_or_else(|| format!("{arg} needs a value"))
            };
            match arg {
                "--json" => json = true,
                "--offline" => offline = true,
                "--doh" => doh = value()?,
                "--timeout" => {
                    timeout_ms = value()?
                        .parse()
                        .map_err(|_| "--timeout takes milliseconds".to_string())?
                }
                "--now" => {
                    now_ms = Some(
                        value()?
                            .parse()
                            .map_err(|_| "--now takes milliseconds since 1970".to_string())?,
                    )
                }
                "--replay" => replay = Some(value()?),
                "--blocklist" => blocklists.push(value()?),
                "-" => file = Some("-".into()),
                flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
                path => {
                    if file.replace(path.to_string()).is_some() {
                        return Err("give one input file".into());
                    }
                }
            }
            i += 1;
        }
        let input = read_input(file.as_deref().unwrap_or("-"))?;
        let recorded = match &replay {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {path}: {e}"))?;
                Some(mailtrace::Report::from_json(&text).map_err(|e| format!("{path}: {e}"))?)
            }
            None => None,
        };
        if let Some(recorded) = &recorded {
            if let Some(why) = mailtrace::engine::replay::mismatch(recorded, &input) {
                return Err(format!("{}: {why}", replay.as_deref().unwrap_or_default()));
            }
            now_ms.get_or_insert(recorded.analyzed_at_ms);
        }
        let now_ms = now_ms.unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0)
        });
        let mut options = Options {
            live: !offline,
            query_timeout_ms: timeout_ms,
            ..Options::default()
        };
        for zone in &blocklists {
            options.blocklists.add_zone(zone);
        }
        let analysis = Analysis::new(&input, now_ms, options);
        let report = if let Some(recorded) = &recorded {
            mailtrace::run_with(analysis, &MemoryResolver::from_exchanges(&recorded.dns))
        } else if offline {
            mailtrace::run_with(analysis, &MemoryResolver::new())
        } else {
            run_parallel(analysis, &DohClient::new(&doh)?)
        };
        if json {
            println!("{}", report.to_json());
        } else {
            print!("{}", render::text(&report));
        }
        Ok(())
    }

    /// The options every DNS command shares.
    struct DnsArgs {
        json: bool,
        doh: String,
        timeout_ms: u32,
        named: Vec<(String, String)>,
        positional: Vec<String>,
    }

    fn dns_args(args: &[String], named: &[&str]) -> Result<DnsArgs, String> {
        let mut out = DnsArgs {
            json: false,
            doh: std::env::var("MAILTRACE_DOH")
                .ok()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "https://cloudflare-dns.com/dns-query".to_string()),
            timeout_ms: 5_000,
            named: Vec::new(),
            positional: Vec::new(),
        };
        let mut i = 0;
        while i < args.len() {
            let arg = args[i].as_str();
            let mut value = || {
                i += 1;
                args.get(i)
                    .cloned()
                    .ok_or_else(|| format!("{arg} needs a value"))
            };
            match arg {
                "--json" => out.json = true,
                "--doh" => out.doh = value()?,
                "--timeout" => {
                    out.timeout_ms = value()?
                        .parse()
                        .map_err(|_| "--timeout takes milliseconds".to_string())?
                }
                flag if named.contains(&flag) => {
                    let v = value()?;
                    out.named.push((flag.to_string(), v));
                }
                flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
                other => out.positional.push(other.to_string()),
            }
            i += 1;
        }
        Ok(out)
    }

    fn now_ms() -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }

    fn spf(args: &[String]) -> Result<(), String> {
        use mailtrace::checks::spf::{self, SpfInput};
        use mailtrace::engine::lookups::CheckRun;
        let a = dns_args(args, &["--ip", "--mail-from", "--helo"])?;
        let get = |name: &str| {
            a.named
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let ip: core::net::IpAddr = get("--ip")
            .ok_or("spf needs --ip")?
            .parse()
            .map_err(|_| "--ip takes an IPv4 or IPv6 address".to_string())?;
        let mail_from = get("--mail-from");
        let helo = get("--helo").unwrap_or_default();
        if mail_from.is_none() && helo.is_empty() {
            return Err("spf needs --mail-from or --helo".into());
        }
        let input = SpfInput {
            ip,
            mail_from: mail_from.clone().unwrap_or_default(),
            helo: helo.clone(),
            receiver: "mailtrace".into(),
            now_s: now_ms() / 1000,
        };
        let client = DohClient::new(&a.doh)?;
        let run = CheckRun::new(
            |answers: &dyn mailtrace::dns::Answers| {
                if mail_from.is_some() {
                    spf::check_host(&input, answers)
                } else {
                    spf::check_helo(&input, answers)
                }
            },
            100,
            a.timeout_ms,
        );
        let output = run_parallel(run, &client);
        let outcome = output
            .result
            .ok_or("the SPF check did not finish (DNS lookups stopped)")?;
        let lint = outcome
            .record
            .as_deref()
            .map(spf::lint)
            .unwrap_or_default()
            .into_iter()
            .chain(spf::lint_outcome(&outcome))
            .collect::<Vec<_>>();
        let policy = spf::receiver_policy(outcome.result);
        if a.json {
            let value = serde_json::json!({
                "outcome": outcome,
                "lint": lint,
                "receiver_policy": policy,
                "dns": output.dns,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        } else {
            let mut out = String::new();
            render::spf_outcome(&mut out, &outcome, "");
            if !lint.is_empty() {
                out.push_str("\nProblems with the record:\n");
                for l in &lint {
                    out.push_str(&format!("  - {}\n", l.message));
                }
            }
            out.push_str("\nWhat receivers would do with this result:\n");
            for row in &policy {
                out.push_str(&format!("  {:<40} {:?}\n", row.setting, row.action));
            }
            print!("{out}");
        }
        Ok(())
    }

    fn dmarc(args: &[String]) -> Result<(), String> {
        use mailtrace::checks::dmarc::{self, DmarcMode};
        use mailtrace::engine::lookups::CheckRun;
        let a = dns_args(args, &[])?;
        let [domain] = a.positional.as_slice() else {
            return Err("dmarc needs one DOMAIN".into());
        };
        let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
        let client = DohClient::new(&a.doh)?;
        let run = CheckRun::new(
            |answers: &dyn mailtrace::dns::Answers| {
                dmarc::discover(&domain, DmarcMode::Rfc9989, answers)
            },
            100,
            a.timeout_ms,
        );
        let output = run_parallel(run, &client);
        let discovery = output
            .result
            .ok_or("the DMARC lookup did not finish (DNS lookups stopped)")?;
        let lint = discovery
            .record
            .as_ref()
            .map(dmarc::lint)
            .unwrap_or_default();
        if a.json {
            let value = serde_json::json!({
                "discovery": discovery,
                "lint": lint,
                "dns": output.dns,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        } else {
            print!("{}", render::dmarc_text(&discovery, &lint));
        }
        Ok(())
    }

    fn bounces(args: &[String]) -> Result<(), String> {
        let summary_only = args.iter().any(|a| a == "--summary-only");
        if let Some(flag) = args
            .iter()
            .find(|a| a.starts_with("--") && *a != "--summary-only")
        {
            return Err(format!("unknown option {flag}"));
        }
        let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
        let [path] = paths.as_slice() else {
            return Err("bounces takes one PATH".into());
        };
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        let done = mailtrace::driver::batch::run(
            std::path::Path::new(path.as_str()),
            summary_only,
            &mut out,
        )
        .and_then(|_| std::io::Write::flush(&mut out));
        match done {
            // The reader went away (`| head`): not an error.
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("{path}: {e}")),
            _ => Ok(()),
        }
    }

    fn domain(args: &[String]) -> Result<(), String> {
        let a = dns_args(args, &["--selector", "--dqs-key", "--blocklist"])?;
        let [domain] = a.positional.as_slice() else {
            return Err("domain needs one DOMAIN".into());
        };
        let selectors: Vec<String> = a
            .named
            .iter()
            .filter(|(n, _)| n == "--selector")
            .map(|(_, v)| v.clone())
            .collect();
        let mut options = Options {
            query_timeout_ms: a.timeout_ms,
            ..Options::default()
        };
        options.blocklists.spamhaus_dqs_key = a
            .named
            .iter()
            .find(|(n, _)| n == "--dqs-key")
            .map(|(_, v)| v.clone());
        for (_, zone) in a.named.iter().filter(|(n, _)| n == "--blocklist") {
            options.blocklists.add_zone(zone);
        }
        let run = mailtrace::engine::domain_run::DomainAnalysis::new(
            domain,
            &selectors,
            now_ms(),
            &options,
        );
        let report = run_parallel(run, &DohClient::new(&a.doh)?);
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

    fn read_input(path: &str) -> Result<Vec<u8>, String> {
        let mut buffer = Vec::new();
        let limit = (mailtrace::parse::input::MAX_INPUT + 1) as u64;
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
}
