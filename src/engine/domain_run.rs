//! The domain check as a run of its own (no message needed): SPF, DMARC, DKIM keys for the
//! selectors named, MX, MTA-STS, TLS-RPT, BIMI and the blocklists, in one report with its
//! findings ordered by importance. The page's "Check a domain" and `mailtrace domain` both run
//! this, so they show the same findings.

use crate::dns::DnsExchange;
use crate::dns::{Answer, Answers, DnsError, Query, QueryId, Question, RData, Rcode, RecordType};
use crate::engine::lookups::{LookupTable, Session};
use crate::vocab::finding::{Evidence, Finding, Severity};
use serde::{Deserialize, Serialize};

/// The address the SPF record is evaluated against: a documentation address no record lists,
/// so that every term is looked up and the whole record is checked.
pub const PROBE_IP: &str = "192.0.2.255";
/// Most DKIM selectors checked.
pub const MAX_SELECTORS: usize = 10;

/// A DKIM key published at one selector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SelectorKey {
    /// The selector.
    pub selector: String,
    /// found, missing, could_not_check or pending.
    pub status: String,
    /// The key, when one is published.
    pub key: Option<crate::checks::dkim::KeyFacts>,
    /// What is wrong with it.
    pub problems: Vec<crate::checks::dkim::DkimProblem>,
}

/// The domain check's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DomainCheckReport {
    /// The program and version that wrote it.
    pub generator: String,
    /// The domain checked.
    pub domain: String,
    /// The time of the check (ms since 1970).
    pub analyzed_at_ms: i64,
    /// False while lookups are pending.
    pub complete: bool,
    /// The SPF record evaluated in full (against an address it does not list).
    pub spf: Option<crate::checks::spf::SpfOutcome>,
    /// Problems with the SPF record.
    pub spf_lint: Vec<crate::checks::spf::SpfLint>,
    /// The DMARC policy found.
    pub dmarc: Option<crate::checks::dmarc::Discovery>,
    /// Problems with the DMARC record.
    pub dmarc_lint: Vec<crate::checks::dmarc::DmarcLint>,
    /// The DKIM keys at the selectors named.
    pub dkim: Vec<SelectorKey>,
    /// MX, blocklists, MTA-STS, TLS-RPT, BIMI.
    pub checks: Option<crate::checks::domain::DomainReport>,
    /// Everything found, most important first.
    pub findings: Vec<Finding>,
    /// Every DNS question asked and what came back.
    pub dns: Vec<DnsExchange>,
}

/// One domain check.
#[derive(Debug, Clone)]
pub struct DomainAnalysis {
    domain: String,
    selectors: Vec<String>,
    config: crate::checks::reputation::BlocklistConfig,
    now_ms: i64,
    dns: LookupTable,
    report: DomainCheckReport,
}

impl DomainAnalysis {
    /// A check of `domain`, with DKIM keys looked up at `selectors`.
    pub fn new(domain: &str, selectors: &[String], now_ms: i64, options: &crate::Options) -> Self {
        let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
        let selectors = selectors
            .iter()
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty() && s.len() <= 63)
            .take(MAX_SELECTORS)
            .collect();
        let mut run = DomainAnalysis {
            report: DomainCheckReport {
                generator: format!("mailtrace {}", env!("CARGO_PKG_VERSION")),
                domain: domain.clone(),
                analyzed_at_ms: now_ms,
                complete: false,
                spf: None,
                spf_lint: Vec::new(),
                dmarc: None,
                dmarc_lint: Vec::new(),
                dkim: Vec::new(),
                checks: None,
                findings: Vec::new(),
                dns: Vec::new(),
            },
            domain,
            selectors,
            config: options.blocklists.clone(),
            now_ms,
            dns: LookupTable::new(true, options.max_queries.max(150), options.query_timeout_ms)
                .with_secret(options.blocklists.spamhaus_dqs_key.as_deref()),
        };
        run.plan();
        run
    }

    fn plan(&mut self) {
        for _ in 0..64 {
            let mut need = Vec::new();
            self.evaluate(&mut need);
            if !self.dns.want_all(need) {
                break;
            }
        }
    }

    fn evaluate(&mut self, need: &mut Vec<Question>) {
        let answers: &dyn Answers = &self.dns;
        let r = &mut self.report;
        let input = crate::checks::spf::SpfInput {
            ip: PROBE_IP
                .parse()
                .unwrap_or(core::net::IpAddr::V4(core::net::Ipv4Addr::UNSPECIFIED)),
            mail_from: format!("postmaster@{}", self.domain),
            helo: self.domain.clone(),
            receiver: "mailtrace".into(),
            now_s: self.now_ms.div_euclid(1000),
        };
        r.spf = crate::checks::spf::check_host(&input, answers).done_or_need(need);
        r.spf_lint = r
            .spf
            .as_ref()
            .map(crate::checks::spf::lint_all)
            .unwrap_or_default();
        r.dmarc = crate::checks::dmarc::discover(
            &self.domain,
            crate::checks::dmarc::DmarcMode::Rfc9989,
            answers,
        )
        .done_or_need(need);
        r.dmarc_lint = r
            .dmarc
            .as_ref()
            .and_then(|d| d.record.as_ref())
            .map(crate::checks::dmarc::lint)
            .unwrap_or_default();
        if let Some((record, at)) = r
            .dmarc
            .as_ref()
            .and_then(|d| d.record.as_ref().zip(d.policy_domain.as_deref()))
            && let Some(more) =
                crate::checks::dmarc::external_reports(at, record, answers).done_or_need(need)
        {
            r.dmarc_lint.extend(more);
        }
        r.dkim = self
            .selectors
            .iter()
            .map(|s| selector_key(&self.domain, s, answers, need))
            .collect();
        r.checks = Some(
            crate::checks::domain::check_domain(&self.domain, &self.config, answers)
                .done_or_need(need)
                .unwrap_or_else(|| {
                    crate::checks::domain::check_domain_snapshot(
                        &self.domain,
                        &self.config,
                        answers,
                    )
                }),
        );
        r.complete = need.is_empty();
        r.findings = findings(r);
    }

    fn finish_report(mut self) -> DomainCheckReport {
        self.report.dns = self.dns.into_exchanges();
        self.report
    }
}

fn selector_key(
    domain: &str,
    selector: &str,
    answers: &dyn Answers,
    need: &mut Vec<Question>,
) -> SelectorKey {
    let question = Question::new(&format!("{selector}._domainkey.{domain}"), RecordType::Txt);
    let mut out = SelectorKey {
        selector: selector.to_string(),
        status: "pending".into(),
        key: None,
        problems: Vec::new(),
    };
    match answers.outcome(&question) {
        None => need.push(question),
        Some(Err(_)) => out.status = "could_not_check".into(),
        Some(Ok(answer)) if !matches!(answer.rcode, Rcode::NoError | Rcode::NxDomain) => {
            out.status = "could_not_check".into();
        }
        Some(Ok(answer)) => {
            let record = answer
                .data_for(&question)
                .into_iter()
                .find_map(RData::txt_joined)
                .filter(|t| t.contains("p="));
            match record {
                Some(text) => {
                    let (facts, problems) = crate::checks::dkim::read_key_record(&text);
                    out.status = "found".into();
                    out.key = Some(facts);
                    out.problems = problems;
                }
                None => out.status = "missing".into(),
            }
        }
    }
    out
}

/// The findings, most important first.
fn findings(r: &DomainCheckReport) -> Vec<Finding> {
    let Some(checks) = &r.checks else {
        return Vec::new();
    };
    let mut checks = checks.clone();
    let mut spf = Vec::new();
    if let Some(o) = &r.spf {
        use crate::checks::spf::SpfResult;
        match (&o.record, o.result) {
            (None, SpfResult::Temperror) => spf.push(f("spf.temperror", Severity::Info, format!("Could not check the SPF record of {}.", r.domain), o.summary.clone(), vec![])),
            (None, _) => spf.push(f("spf.none", Severity::Problem, format!("{} has no SPF record.", r.domain), "Receivers cannot tell which servers may send its mail; many treat such mail as suspicious. Publish a TXT record starting v=spf1 that lists the servers and services sending for the domain, ending in -all or ~all.".into(), vec![])),
            (Some(record), result) => {
                let ev = vec![Evidence { line: None, text: format!("{} TXT \"{}\"", r.domain, record) }];
                if result == SpfResult::Permerror {
                    spf.push(f("spf.permerror", Severity::Problem, format!("The SPF record of {} is broken (permerror).", r.domain), o.summary.clone(), ev));
                } else {
                    spf.push(f("spf.record", Severity::Info, format!("{} has an SPF record ({} of 10 DNS-querying terms used).", r.domain, o.lookups), "Evaluated in full against an address it does not list, so that every term was looked up.".into(), ev));
                }
            }
        }
        for l in &r.spf_lint {
            spf.push(f(
                &format!("spf.lint.{}", l.code),
                match l.severity {
                    crate::checks::spf::Severity::Problem => Severity::Problem,
                    crate::checks::spf::Severity::Warning => Severity::Warning,
                    crate::checks::spf::Severity::Info => Severity::Info,
                },
                l.message.clone(),
                String::new(),
                vec![],
            ));
        }
    }
    checks.spf = Some(spf);
    let mut dmarc = Vec::new();
    if let Some(d) = &r.dmarc {
        use crate::checks::dmarc::DiscoveryStatus;
        match (&d.status, &d.record) {
            (DiscoveryStatus::Found, Some(rec)) => dmarc.push(f("dmarc.record", Severity::Info, format!("DMARC policy for {}: {}", r.domain, rec.text), format!("Found at _dmarc.{}.", d.policy_domain.as_deref().unwrap_or(&r.domain)), vec![])),
            (DiscoveryStatus::TempError, _) => dmarc.push(f("dmarc.temperror", Severity::Info, format!("Could not check DMARC for {}.", r.domain), d.problem.clone().unwrap_or_default(), vec![])),
            _ => dmarc.push(f("dmarc.none", Severity::Warning, format!("{} has no DMARC policy.", r.domain), "Without DMARC, receivers have no instruction for mail that fails SPF and DKIM, and the domain gets no reports about who sends in its name. Start with v=DMARC1; p=none; rua=mailto:... and tighten later.".into(), vec![])),
        }
        for l in &r.dmarc_lint {
            dmarc.push(f(
                &format!("dmarc.lint.{}", l.code),
                match l.severity {
                    crate::checks::dmarc::Severity::Error
                    | crate::checks::dmarc::Severity::Warning => Severity::Warning,
                    crate::checks::dmarc::Severity::Info => Severity::Info,
                },
                l.message.clone(),
                String::new(),
                vec![],
            ));
        }
    }
    checks.dmarc = Some(dmarc);
    let mut dkim = Vec::new();
    for k in &r.dkim {
        let name = format!("{}._domainkey.{}", k.selector, r.domain);
        match k.status.as_str() {
            "found" if k.problems.is_empty() => dkim.push(f("dkim.key-ok", Severity::Info, format!("DKIM key at selector {} is published{}.", k.selector, k.key.as_ref().and_then(|x| x.bits).map(|b| format!(" ({b} bits)")).unwrap_or_default()), name, vec![])),
            "found" => {
                for p in &k.problems {
                    dkim.push(f(&p.code, Severity::Problem, format!("DKIM key at selector {}: {}", k.selector, p.message), name.clone(), vec![]));
                }
            }
            "missing" => dkim.push(f("dkim.key-missing", Severity::Warning, format!("No DKIM key at selector {}.", k.selector), format!("Nothing is published at {name}: signatures with this selector cannot be verified."), vec![])),
            "could_not_check" => dkim.push(f("dkim.key-temperror", Severity::Info, format!("Could not check the DKIM key at selector {}.", k.selector), name, vec![])),
            _ => {}
        }
    }
    checks.dkim = Some(dkim);
    let all = checks.findings();
    // A domain that does not exist is said once, not as every record it lacks.
    if checks.mx.status == crate::checks::reputation::MxStatus::NoDomain {
        return all
            .into_iter()
            .filter(|f| f.code == "mx.no-domain")
            .collect();
    }
    all
}

fn f(
    code: &str,
    severity: Severity,
    title: String,
    detail: String,
    evidence: Vec<Evidence>,
) -> Finding {
    Finding {
        code: code.into(),
        severity,
        title,
        detail,
        evidence,
    }
}

impl Session for DomainAnalysis {
    type Output = DomainCheckReport;

    fn poll_queries(&mut self) -> Vec<Query> {
        self.dns.poll_queries()
    }

    fn handle_answer(&mut self, id: QueryId, outcome: Result<Answer, DnsError>) {
        if self.dns.answer(id, outcome) {
            self.plan();
        }
    }

    fn snapshot(&self) -> DomainCheckReport {
        self.clone().finish_report()
    }

    fn finish(mut self) -> DomainCheckReport {
        self.dns.stop();
        self.plan();
        self.report.complete = true;
        self.finish_report()
    }
}
