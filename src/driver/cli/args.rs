//! The command line's arguments (clap, derive API): the subcommands, their options and their
//! help texts. `mailtrace --help` and `mailtrace SUBCOMMAND --help` print these.

use clap::{ArgGroup, Args, Parser, Subcommand};
use clap_complete::Shell;
use core::net::IpAddr;

/// The DoH endpoint used when neither `--doh` nor `$MAILTRACE_DOH` names one.
pub const DEFAULT_DOH: &str = "https://cloudflare-dns.com/dns-query";

/// What the help ends with.
const EXIT_STATUS: &str = "Exit status: 0 when the analysis completed (whatever it found), 2 on \
                           bad usage or unreadable input.";

/// mailtrace: e-mail header and bounce analyzer.
#[derive(Debug, Parser)]
#[command(
    name = "mailtrace",
    version,
    about = "mailtrace: e-mail header and bounce analyzer",
    after_help = EXIT_STATUS
)]
pub struct Cli {
    /// The command; without one, the help is printed.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Reads a message or its headers and prints the report, the diagnosis first.
    #[command(after_help = EXIT_STATUS, after_long_help = analyze_long_help())]
    Analyze(AnalyzeArgs),
    /// Evaluates SPF (RFC 7208) now for a connecting IP and the MAIL FROM address (or the HELO
    /// name alone).
    ///
    /// Prints the result with every step and DNS answer it used, the record's problems, and
    /// what receivers would do with the result.
    #[command(after_help = EXIT_STATUS)]
    Spf(SpfArgs),
    /// Finds the DMARC policy of a domain (RFC 9989 tree walk) and explains it.
    #[command(after_help = EXIT_STATUS)]
    Dmarc(DmarcArgs),
    /// Checks a domain's mail set-up without a message.
    ///
    /// SPF (evaluated in full), DMARC, DKIM keys at the selectors named, MX, MTA-STS, TLS-RPT,
    /// BIMI, the domain and its mail servers' addresses on the blocklists; what is wrong first.
    #[command(after_help = EXIT_STATUS)]
    Domain(DomainArgs),
    /// Reads bounces from an mbox file, a maildir or a folder of .eml files.
    ///
    /// Prints one JSON line per failed recipient (reason, status, the refusing server, the IP
    /// and blocklist a refusal names, the returned message's From and Subject), then a summary
    /// by reason, by recipient domain, by blocklist and by refused IP (a progress bar on a
    /// terminal). The lines' schema: docs/bounces-line.schema.json. With --csv: CSV rows for a
    /// spreadsheet, and the summary as text on standard error.
    #[command(after_help = EXIT_STATUS)]
    Bounces(BouncesArgs),
    /// Prints the completion script for a shell (bash, elvish, fish, powershell, zsh).
    ///
    /// For example `mailtrace completions bash > ~/.local/share/bash-completion/completions/mailtrace`.
    Completions(CompletionsArgs),
}

/// Where DNS questions go.
#[derive(Debug, Clone, Args)]
pub struct DnsArgs {
    /// The DNS-over-HTTPS endpoint (RFC 8484, wire format) [default: $MAILTRACE_DOH, else
    /// https://cloudflare-dns.com/dns-query]
    #[arg(long, value_name = "URL")]
    pub doh: Option<String>,
    /// Per-lookup timeout in milliseconds.
    #[arg(long = "timeout", value_name = "MS", default_value_t = 5_000)]
    pub timeout_ms: u32,
}

impl DnsArgs {
    /// The endpoint: `--doh`, else `$MAILTRACE_DOH` when set and not empty, else Cloudflare's.
    pub fn endpoint(&self) -> String {
        self.doh.clone().unwrap_or_else(|| {
            std::env::var("MAILTRACE_DOH")
                .ok()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| DEFAULT_DOH.to_string())
        })
    }
}

/// `mailtrace analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// The message or its headers (an .eml, a paste); - or nothing reads standard input.
    #[arg(value_name = "FILE")]
    pub file: Option<String>,
    /// Print the report as JSON (its schema: docs/report.schema.json).
    #[arg(long)]
    pub json: bool,
    /// No DNS lookups at all.
    #[arg(long)]
    pub offline: bool,
    /// Where DNS questions go.
    #[command(flatten)]
    pub dns: DnsArgs,
    /// Analyze as of this time (milliseconds since 1970), for reproducible runs.
    #[arg(long = "now", value_name = "MS", allow_negative_numbers = true)]
    pub now_ms: Option<i64>,
    /// Re-check against the DNS answers recorded in a JSON report of the same message (another
    /// message's report is refused): no network, and the time that report was made for.
    #[arg(long, value_name = "REPORT.json")]
    pub replay: Option<String>,
    /// Also ask this blocklist zone (repeat for more).
    #[arg(long = "blocklist", value_name = "ZONE", long_help = BLOCKLIST_HELP)]
    pub blocklists: Vec<String>,
    /// A Spamhaus Data Query Service key: Spamhaus is then asked through KEY.zen.dq.spamhaus.net
    /// and KEY.dbl.dq.spamhaus.net (the report shows it as KEY).
    #[arg(long, value_name = "KEY")]
    pub dqs_key: Option<String>,
    /// Do not ask the domain blocklists about the domains of links in the body (by default
    /// the first 20 are asked).
    #[arg(long)]
    pub no_body_links: bool,
}

/// `mailtrace analyze --help`'s end: the kinds of DNS questions an analysis asks (from the
/// core's list, [`crate::interpret::asks::LookupKind`]), then the exit status.
fn analyze_long_help() -> String {
    use crate::interpret::asks::{DQS_TEXT, LookupKind};
    let mut out = String::from(
        "DNS questions (unless --offline), about what the message names; nothing else is sent:\n",
    );
    for kind in LookupKind::ALL {
        let what = kind.text();
        let tail = if kind.is_blocklist() {
            " at the blocklists"
        } else {
            ""
        };
        out.push_str(&format!("  - {what}{tail}\n"));
    }
    out.push_str(&format!("  ({DQS_TEXT}, with --dqs-key)\n\n{EXIT_STATUS}"));
    out
}

/// The blocklists asked by default, and why Barracuda is not (the page's settings say the same).
const BLOCKLIST_HELP: &str = "Also ask this blocklist zone (repeat for more). Asked by default: \
    Spamhaus ZEN and DBL, SpamCop. Barracuda (b.barracudacentral.org) answers only DNS resolvers \
    registered with it, so it is off unless named here.";

/// `mailtrace spf`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("identity").required(true).multiple(true).args(["mail_from", "helo"])))]
pub struct SpfArgs {
    /// The connecting IP (IPv4 or IPv6).
    #[arg(long, value_name = "IP")]
    pub ip: IpAddr,
    /// The MAIL FROM address (its domain's record is evaluated).
    #[arg(long, value_name = "ADDRESS")]
    pub mail_from: Option<String>,
    /// The HELO name (its record is evaluated when there is no MAIL FROM).
    #[arg(long, value_name = "NAME")]
    pub helo: Option<String>,
    /// Print the result as JSON (its schema: docs/spf-report.schema.json).
    #[arg(long)]
    pub json: bool,
    /// Where DNS questions go.
    #[command(flatten)]
    pub dns: DnsArgs,
}

/// `mailtrace dmarc`.
#[derive(Debug, Args)]
pub struct DmarcArgs {
    /// The domain (a From domain; its organizational domain's policy is found too).
    #[arg(value_name = "DOMAIN")]
    pub domain: String,
    /// Print the policy as JSON (its schema: docs/dmarc-report.schema.json).
    #[arg(long)]
    pub json: bool,
    /// Where DNS questions go.
    #[command(flatten)]
    pub dns: DnsArgs,
}

/// `mailtrace domain`.
#[derive(Debug, Args)]
pub struct DomainArgs {
    /// The domain.
    #[arg(value_name = "DOMAIN")]
    pub domain: String,
    /// A DKIM selector to look up (repeat for more).
    #[arg(long = "selector", value_name = "S")]
    pub selectors: Vec<String>,
    /// A Spamhaus Data Query Service key: Spamhaus is then asked through KEY.zen.dq.spamhaus.net.
    #[arg(long, value_name = "KEY")]
    pub dqs_key: Option<String>,
    /// Also ask this blocklist zone (repeat for more).
    #[arg(long = "blocklist", value_name = "ZONE", long_help = BLOCKLIST_HELP)]
    pub blocklists: Vec<String>,
    /// Print the report as JSON (its schema: docs/domain-report.schema.json).
    #[arg(long)]
    pub json: bool,
    /// Where DNS questions go.
    #[command(flatten)]
    pub dns: DnsArgs,
}

/// `mailtrace bounces`.
#[derive(Debug, Args)]
pub struct BouncesArgs {
    /// An mbox file, a maildir, or a folder of .eml files.
    #[arg(value_name = "PATH")]
    pub path: String,
    /// Print only the summary.
    #[arg(long)]
    pub summary_only: bool,
    /// Write CSV (a header row, one row per recipient) instead of JSON lines; the summary goes
    /// to standard error as text.
    #[arg(long)]
    pub csv: bool,
}

/// `mailtrace completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_name = "SHELL")]
    pub shell: Shell,
}
