//! Live authentication inside an analysis: the sender's SPF (and, as they are wired in, DKIM and
//! DMARC) checked now against DNS, and compared with what the receiver recorded then.
//!
//! [`AuthInputs`] is read once from the message; [`evaluate`] is a pure function of those inputs
//! and the answers so far, run again whenever answers arrive. It returns the report section and
//! the questions still needed.

use crate::checks::spf::{self, SpfInput, SpfResult};
use crate::dns::verify::SignatureCheck;
use crate::dns::{Answers, Step};
use crate::interpret::asks::{LookupKind, Needs};
use crate::report::Report;
use crate::report::live::CheckState;
use crate::report::live::Comparison;
use crate::report::live::DkimReport;
use crate::report::live::DmarcReport;
use crate::report::live::LiveAuth;
use crate::report::live::Reputation;
use crate::report::live::SpfReport;
use crate::vocab::finding::{Evidence, Finding, Severity};
use core::net::IpAddr;

/// What the live checks need from the message, read once.
#[derive(Debug, Clone, Default)]
pub struct AuthInputs {
    /// Whether live lookups are on.
    pub live: bool,
    /// The sending IP at the trust boundary.
    pub ip: Option<IpAddr>,
    /// The HELO name of the sending hop.
    pub helo: String,
    /// The receiving host of the sending hop.
    pub receiver: String,
    /// The MAIL FROM address, and where it was read; None when unknown.
    pub mail_from: Option<(String, String)>,
    /// For a bounce: the server that handed the returned copy to the bouncing organization,
    /// when it is not the sending IP (`bounce_ip::entry_hop`).
    pub entry_ip: Option<IpAddr>,
    /// The analysis time, in seconds.
    pub now_s: i64,
    /// Which blocklists to ask, and a Spamhaus DQS key.
    pub blocklists: crate::checks::reputation::BlocklistConfig,
    /// Domains to check on the domain blocklists (From, Return-Path, DKIM d=, links).
    pub listed_domains: Vec<String>,
    /// The organizational domains that are in `listed_domains` only as the hosts of links in
    /// the body (the blocklist questions about them are body-link questions).
    pub link_orgs: Vec<String>,
    /// The recipient's domain (the first To address).
    pub recipient_domain: Option<String>,
    /// The From domain (None when From has no address, or several).
    pub from_domain: Option<String>,
    /// For a request about payment details: the spellings the From domain may imitate
    /// (`checks::reputation::imitated::candidates`), each with how it differs.
    pub imitation_candidates: Vec<(String, &'static str)>,
    /// The message prepared for DKIM (hashed once; shared by every evaluation).
    pub dkim: Option<std::sync::Arc<crate::checks::dkim::DkimMessage>>,
    /// The message's ARC sets prepared for validation (None without live lookups).
    pub arc: Option<std::sync::Arc<crate::checks::arc::ArcMessage>>,
}

/// Runs the live checks against the answers so far: the report section, the questions still
/// needed and the signature verifications still needed.
pub fn evaluate(
    inputs: &AuthInputs,
    answers: &dyn Answers,
) -> (LiveAuth, Needs, Vec<SignatureCheck>) {
    let mut need = Needs::default();
    let mut verify = Vec::new();
    let spf = evaluate_spf(inputs, answers, &mut need);
    let dkim = evaluate_dkim(inputs, answers, &mut need, &mut verify);
    let dmarc = evaluate_dmarc(inputs, &spf, &dkim, answers, &mut need);
    let arc = match inputs.arc.as_deref().filter(|_| inputs.live) {
        Some(message) => need
            .ask_verify(
                LookupKind::Arc,
                crate::checks::arc::validate(message, answers),
                &mut verify,
            )
            .flatten(),
        None => None,
    };
    (
        LiveAuth {
            spf,
            dkim,
            dmarc,
            arc,
            comparison: Vec::new(),
        },
        need,
        verify,
    )
}

fn evaluate_spf(inputs: &AuthInputs, answers: &dyn Answers, need: &mut Needs) -> SpfReport {
    let mut out = SpfReport {
        ip: inputs.ip,
        helo: inputs.helo.clone(),
        ..SpfReport::default()
    };
    if let Some((address, source)) = &inputs.mail_from {
        out.mail_from = address.clone();
        out.mail_from_source = source.clone();
    }
    if !inputs.live {
        out.state = CheckState::Skipped;
        out.note = Some("Not checked: live lookups are off.".into());
        return out;
    }
    let Some(ip) = inputs.ip else {
        out.state = CheckState::Skipped;
        out.note =
            Some("Not checked: no sending IP address was found in the Received chain.".into());
        return out;
    };
    let input = SpfInput {
        ip,
        mail_from: out.mail_from.clone(),
        helo: inputs.helo.clone(),
        receiver: inputs.receiver.clone(),
        now_s: inputs.now_s,
    };
    if inputs.mail_from.is_some() || !inputs.helo.is_empty() {
        if inputs.mail_from.is_none() {
            out.note = Some("The envelope sender (Return-Path) is not in the paste; SPF was checked for the HELO name only.".into());
        } else {
            out.mail_from_result = need.ask(LookupKind::Spf, spf::check_host(&input, answers));
        }
    } else {
        out.state = CheckState::Skipped;
        out.note = Some("Not checked: neither the envelope sender (Return-Path) nor the HELO name is in the paste.".into());
        return out;
    }
    if !inputs.helo.is_empty() {
        out.helo_result = need.ask(LookupKind::Spf, spf::check_helo(&input, answers));
    }
    // A bounce drives its own checks: whether the envelope sender's domain allows the server
    // the returned copy came from (a forged copy came from a server it does not allow).
    if let Some(entry) = inputs.entry_ip.filter(|e| Some(*e) != inputs.ip)
        && inputs.mail_from.is_some()
    {
        let entry_input = SpfInput {
            ip: entry,
            helo: String::new(),
            ..input.clone()
        };
        out.entry_ip = Some(entry);
        out.entry_result = need.ask(LookupKind::Spf, spf::check_host(&entry_input, answers));
    }
    if let Some(outcome) = &out.mail_from_result {
        out.lint = spf::lint_all(outcome);
        out.policy = spf::receiver_policy(outcome.result);
        if outcome.result == SpfResult::None && outcome.record.is_none() {
            out.guess = need.ask(LookupKind::Spf, spf::check_guess(&input, answers));
        }
    }
    out.state = if need.is_empty() {
        CheckState::Done
    } else {
        CheckState::Pending
    };
    out
}

fn evaluate_dkim(
    inputs: &AuthInputs,
    answers: &dyn Answers,
    need: &mut Needs,
    verify: &mut Vec<SignatureCheck>,
) -> DkimReport {
    let mut out = DkimReport::default();
    if !inputs.live {
        out.state = CheckState::Skipped;
        out.note = Some("Not checked: live lookups are off.".into());
        return out;
    }
    let Some(message) = inputs.dkim.as_deref().filter(|m| !m.is_empty()) else {
        out.state = CheckState::Skipped;
        out.note = Some("The message has no DKIM signature.".into());
        return out;
    };
    if let Some(signatures) = need.ask_verify(
        LookupKind::Dkim,
        crate::checks::dkim::verify_all(message, answers, inputs.now_s),
        verify,
    ) {
        out.state = CheckState::Done;
        out.signatures = signatures;
    }
    out
}

fn evaluate_dmarc(
    inputs: &AuthInputs,
    spf: &SpfReport,
    dkim: &DkimReport,
    answers: &dyn Answers,
    need: &mut Needs,
) -> DmarcReport {
    use crate::checks::dmarc::{self, DmarcInput, DmarcMode, SpfResultWord};
    let mut out = DmarcReport::default();
    if !inputs.live {
        out.state = CheckState::Skipped;
        out.note = Some("Not checked: live lookups are off.".into());
        return out;
    }
    let Some(from_domain) = inputs.from_domain.clone() else {
        out.state = CheckState::Skipped;
        out.note = Some("Not checked: the From field has no single address to check.".into());
        return out;
    };
    let mode = DmarcMode::Rfc9989;
    // The policy lookups do not depend on SPF or DKIM: ask them at once, in parallel.
    if let Step::Need(questions) = dmarc::discover(&from_domain, mode, answers) {
        need.add(LookupKind::Dmarc, questions);
    }
    if spf.state == CheckState::Pending || dkim.state == CheckState::Pending {
        return out;
    }
    let spf_input = spf
        .mail_from_result
        .as_ref()
        .or(spf.helo_result.as_ref())
        .map(|o| {
            (
                o.domain.clone(),
                SpfResultWord::parse(o.result.as_str()).unwrap_or(SpfResultWord::None),
            )
        });
    let mut headers_only = false;
    let dkim_input: Vec<(String, bool)> = dkim
        .signatures
        .iter()
        .map(|s| {
            let header_only_pass = s.header_signature == crate::checks::dkim::Check::Verified
                && matches!(s.body, crate::checks::dkim::Check::NotChecked { .. })
                && s.result == crate::checks::dkim::DkimResult::Neutral;
            headers_only |= header_only_pass;
            (
                s.domain.clone(),
                s.result == crate::checks::dkim::DkimResult::Pass || header_only_pass,
            )
        })
        .collect();
    let input = DmarcInput {
        from_domain,
        spf: spf_input,
        dkim: dkim_input,
        mode,
    };
    if let Some(outcome) = need.ask(LookupKind::Dmarc, dmarc::evaluate(&input, answers)) {
        // Without an SPF result (no sending IP to check) and no aligned DKIM pass, DMARC is not
        // known to fail: SPF might have passed at delivery. Say what could not be checked.
        if spf.state == CheckState::Skipped && outcome.result == dmarc::DmarcResult::Fail {
            out.state = CheckState::Skipped;
            let why = spf
                .note
                .as_deref()
                .map(|n| n.trim_start_matches("Not checked: ").trim_end_matches('.'))
                .map(|n| format!("SPF could not be checked ({n})"))
                .unwrap_or_else(|| "SPF could not be checked".into());
            let policy = outcome
                .applied_policy
                .map(|p| {
                    format!(
                        " The policy that applies is {}={}.",
                        outcome.policy_tag.as_deref().unwrap_or("p"),
                        p.as_str()
                    )
                })
                .unwrap_or_default();
            out.note = Some(format!(
                "Not determined: {why} and no DKIM signature aligned with From passes.{policy}"
            ));
            return out;
        }
        out.state = CheckState::Done;
        out.outcome = Some(outcome);
        if headers_only {
            out.note = Some("A DKIM signature whose header signature verified counts as passing here; its body hash could not be checked because the body was not pasted.".into());
        }
    }
    out
}

/// Runs the reputation and DNS health checks against the answers so far.
pub fn evaluate_reputation(
    inputs: &AuthInputs,
    answers: &dyn Answers,
    need: &mut Needs,
) -> Reputation {
    use crate::checks::reputation as rep;
    let mut out = Reputation::default();
    if !inputs.live {
        out.state = CheckState::Skipped;
        out.note = Some("Not checked: live lookups are off.".into());
        return out;
    }
    let before = need.len();
    if let Some(ip) = inputs.ip {
        out.blocklists = Some(
            need.ask(
                LookupKind::IpBlocklists,
                rep::check_ip(ip, &inputs.blocklists, answers),
            )
            .unwrap_or_else(|| rep::check_ip_snapshot(ip, &inputs.blocklists, answers)),
        );
        let fcrdns = need
            .ask(LookupKind::ReverseDns, rep::fcrdns(ip, answers))
            .unwrap_or_else(|| rep::fcrdns_snapshot(ip, answers));
        if !inputs.helo.is_empty() {
            let names: Vec<String> = fcrdns.names.iter().map(|n| n.name.clone()).collect();
            out.helo = Some(
                need.ask(
                    LookupKind::Helo,
                    rep::check_helo(&inputs.helo, ip, &names, answers),
                )
                .unwrap_or_else(|| rep::check_helo_snapshot(&inputs.helo, ip, &names, answers)),
            );
        }
        out.fcrdns = Some(fcrdns);
    } else {
        out.note = Some("The sending server was not checked: no sending IP address was found in the Received chain.".into());
    }
    if let Some(d) = &inputs.from_domain {
        out.sender_mx = Some(
            need.ask(LookupKind::SenderMx, rep::check_mx(d, true, answers))
                .unwrap_or_else(|| rep::check_mx_snapshot(d, true, answers)),
        );
    }
    if let Some(d) = inputs
        .from_domain
        .as_deref()
        .filter(|_| !inputs.imitation_candidates.is_empty())
    {
        let own: Vec<String> = out
            .sender_mx
            .iter()
            .flat_map(|m| m.hosts.iter().map(|h| h.exchange.clone()))
            .collect();
        let org = crate::vocab::domain::org_domain(d).unwrap_or_else(|| d.to_string());
        let candidates = &inputs.imitation_candidates;
        out.imitated = need
            .ask(
                LookupKind::SenderMx,
                rep::imitated::check(&org, candidates, &own, answers),
            )
            .unwrap_or_else(|| rep::imitated::check_snapshot(&org, candidates, &own, answers));
    }
    if let Some(d) = &inputs.recipient_domain {
        out.recipient_mx = Some(
            need.ask(LookupKind::RecipientMx, rep::check_mx(d, false, answers))
                .unwrap_or_else(|| rep::check_mx_snapshot(d, false, answers)),
        );
    }
    if !inputs.listed_domains.is_empty() {
        let from = need.len();
        out.domain_lists = need
            .ask(
                LookupKind::SenderDomainBlocklists,
                rep::check_domains_on_lists(&inputs.listed_domains, &inputs.blocklists, answers),
            )
            .unwrap_or_else(|| {
                rep::check_domains_on_lists_snapshot(
                    &inputs.listed_domains,
                    &inputs.blocklists,
                    answers,
                )
            });
        // A list is asked about each organizational domain (`org.zone`, or inside the key's
        // name with DQS); those that come only from body links are body-link questions.
        if !inputs.link_orgs.is_empty() {
            need.retag(from, |q| {
                inputs
                    .link_orgs
                    .iter()
                    .any(|l| {
                        q.name.len() > l.len()
                            && q.name[..l.len()].eq_ignore_ascii_case(l)
                            && q.name.as_bytes()[l.len()] == b'.'
                    })
                    .then_some(LookupKind::BodyLinkBlocklists)
            });
        }
    }
    out.state = if need.len() > before {
        CheckState::Pending
    } else {
        CheckState::Done
    };
    out
}

/// The reputation findings.
pub fn reputation_findings(rep: &Reputation) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(b) = &rep.blocklists {
        out.extend(b.findings());
    }
    if let Some(f) = &rep.fcrdns {
        out.extend(f.findings());
    }
    if let Some(h) = &rep.helo {
        out.extend(h.findings());
    }
    if let Some(mx) = &rep.sender_mx {
        out.extend(mx.findings());
    }
    // The recipient's domain is the sender's own: its mail servers are stated once.
    let same_domain = matches!(
        (&rep.sender_mx, &rep.recipient_mx),
        (Some(s), Some(r)) if s.domain.eq_ignore_ascii_case(&r.domain)
    );
    if let Some(mx) = rep.recipient_mx.as_ref().filter(|_| !same_domain) {
        // The recipient's side: its own codes, so that the diagnosis does not take a problem of
        // the recipient's domain for one of the sender's.
        out.extend(mx.findings().into_iter().map(|mut f| {
            if let Some(rest) = f.code.strip_prefix("mx.") {
                f.code = format!("mx-recipient.{rest}");
            }
            f.title = format!("Recipient side: {}", f.title);
            f
        }));
    }
    for d in &rep.domain_lists {
        out.extend(d.findings());
    }
    out
}

/// The findings of the live checks (added to the report's findings).
pub fn findings(auth: &LiveAuth) -> Vec<Finding> {
    let mut out = Vec::new();
    let spf = &auth.spf;
    if spf.state == CheckState::Done
        && let Some(o) = &spf.mail_from_result
    {
        let ip = spf.ip.map(|i| i.to_string()).unwrap_or_default();
        let mut evidence = Vec::new();
        if let Some(record) = &o.record {
            evidence.push(Evidence {
                line: None,
                text: format!(
                    "{} TXT \"{}\"",
                    o.domain,
                    crate::vocab::text::shorten(record, 400)
                ),
            });
        }
        if let Some(term) = &o.deciding_term {
            evidence.push(Evidence {
                line: None,
                text: format!("decided by: {term}"),
            });
        }
        let (code, severity, title) = match o.result {
            SpfResult::Pass => (
                "spf.pass",
                Severity::Info,
                format!("SPF passes now: {} allows {ip} to send for it.", o.domain),
            ),
            SpfResult::Fail => (
                "spf.fail",
                Severity::Problem,
                format!(
                    "SPF fails now: the SPF record of {} does not allow the sending server {ip}.",
                    o.domain
                ),
            ),
            SpfResult::Softfail => (
                "spf.softfail",
                Severity::Warning,
                format!(
                    "SPF soft-fails now: the SPF record of {} says {ip} is probably not allowed to send for it.",
                    o.domain
                ),
            ),
            SpfResult::Neutral => (
                "spf.neutral",
                Severity::Warning,
                format!(
                    "SPF is neutral: the record of {} makes no statement about {ip}.",
                    o.domain
                ),
            ),
            SpfResult::None => (
                "spf.none",
                Severity::Warning,
                format!(
                    "{} has no SPF record.",
                    if o.domain.is_empty() {
                        "The sender domain"
                    } else {
                        &o.domain
                    }
                ),
            ),
            SpfResult::Permerror => (
                "spf.permerror",
                Severity::Problem,
                format!(
                    "The SPF record of {} is broken (permerror): receivers cannot use it.",
                    o.domain
                ),
            ),
            SpfResult::Temperror => (
                "spf.temperror",
                Severity::Info,
                format!("Could not check SPF for {}: a DNS lookup failed.", o.domain),
            ),
        };
        let mut detail = o.summary.clone();
        if let Some(g) = &spf.guess {
            detail.push_str(&format!(
                " A receiver that guesses with \"{}\" would get {}.",
                spf::GUESS_RECORD,
                g.result.as_str()
            ));
        }
        out.push(Finding {
            code: code.into(),
            severity,
            title,
            detail,
            evidence,
        });
        spf_lint_findings(spf, &mut out);
    }
    dkim_findings(&auth.dkim, &mut out);
    dmarc_findings(&auth.dmarc, &mut out);
    if let Some(arc) = &auth.arc {
        out.push(arc_finding(arc));
    }
    out
}

/// The ARC chain as validated now (RFC 8617 5.2).
fn arc_finding(arc: &crate::checks::arc::ArcValidation) -> Finding {
    use crate::checks::arc::ArcResult;
    let (code, severity, title) = match arc.result {
        ArcResult::Pass => (
            "arc.valid",
            Severity::Info,
            format!(
                "The ARC chain verifies: {} seal(s), the last by {}.",
                arc.instances,
                arc.sealed_by.as_deref().unwrap_or("?")
            ),
        ),
        ArcResult::Fail => (
            "arc.invalid",
            Severity::Warning,
            format!(
                "The ARC chain does not verify (broken at instance {}).",
                arc.broken.as_ref().map_or(0, |b| b.instance)
            ),
        ),
        ArcResult::Temperror => (
            "arc.temperror",
            Severity::Info,
            "The ARC chain could not be checked now.".to_string(),
        ),
    };
    let detail = match arc.result {
        ArcResult::Pass => format!(
            "{} A receiver that trusts these sealers may accept the message on their word even if forwarding broke SPF or DKIM; ARC never overrides a failing DMARC by itself.",
            arc.summary
        ),
        ArcResult::Fail => format!(
            "{} Receivers ignore a chain that does not verify, so a forwarded message gets no help from it.",
            arc.summary
        ),
        ArcResult::Temperror => arc.summary.clone(),
    };
    let evidence = arc
        .sets
        .iter()
        .map(|s| Evidence {
            line: None,
            text: format!(
                "ARC i={}: {} cv={}, message signature {}, seal {}; recorded {}",
                s.instance,
                s.sealer.as_deref().unwrap_or("?"),
                s.cv.as_deref().unwrap_or("?"),
                check_word(&s.message_signature),
                check_word(&s.seal),
                if s.results.is_empty() {
                    "nothing".to_string()
                } else {
                    s.results.join(" ")
                }
            ),
        })
        .take(8)
        .collect();
    Finding {
        code: code.into(),
        severity,
        title,
        detail,
        evidence,
    }
}

fn check_word(check: &crate::checks::dkim::Check) -> &'static str {
    match check {
        crate::checks::dkim::Check::Verified => "verifies",
        crate::checks::dkim::Check::Failed => "fails",
        crate::checks::dkim::Check::NotChecked { .. } => "not checked",
    }
}

fn dmarc_findings(dmarc: &DmarcReport, out: &mut Vec<Finding>) {
    use crate::checks::dmarc::DmarcResult;
    let Some(o) = dmarc
        .outcome
        .as_ref()
        .filter(|_| dmarc.state == CheckState::Done)
    else {
        return;
    };
    let d = &o.from_domain;
    let (code, severity, title) = match o.result {
        DmarcResult::Pass => (
            "dmarc.pass",
            Severity::Info,
            format!("DMARC passes now for {d}."),
        ),
        DmarcResult::Fail => (
            "dmarc.fail",
            Severity::Problem,
            format!(
                "DMARC fails now for {d}: neither SPF nor DKIM passes for a domain aligned with the From address."
            ),
        ),
        DmarcResult::None => (
            "dmarc.none",
            Severity::Warning,
            format!("{d} has no DMARC policy."),
        ),
        DmarcResult::Temperror => (
            "dmarc.temperror",
            Severity::Info,
            format!("Could not check DMARC for {d}: a DNS lookup failed."),
        ),
        DmarcResult::Permerror => (
            "dmarc.permerror",
            Severity::Warning,
            format!("DMARC cannot be evaluated for {d}."),
        ),
    };
    let mut evidence = Vec::new();
    if let (Some(domain), Some(record)) = (&o.policy_domain, &o.record) {
        evidence.push(Evidence {
            line: None,
            text: format!(
                "_dmarc.{domain} TXT \"{}\"",
                crate::vocab::text::shorten(&record.text, 300)
            ),
        });
    }
    let mut detail = o.summary.clone();
    if o.result == DmarcResult::Fail {
        detail.push(' ');
        detail.push_str(&o.disposition.explanation);
    }
    out.push(Finding {
        code: code.into(),
        severity,
        title,
        detail,
        evidence,
    });
    for lint in &o.lint {
        out.push(Finding {
            code: format!("dmarc.lint.{}", lint.code),
            severity: match lint.severity {
                crate::checks::dmarc::Severity::Error => Severity::Warning,
                crate::checks::dmarc::Severity::Warning => Severity::Warning,
                crate::checks::dmarc::Severity::Info => Severity::Info,
            },
            title: lint.message.clone(),
            detail: String::new(),
            evidence: Vec::new(),
        });
    }
}

fn spf_lint_findings(spf: &SpfReport, out: &mut Vec<Finding>) {
    {
        for lint in &spf.lint {
            out.push(Finding {
                code: format!("spf.lint.{}", lint.code),
                severity: match lint.severity {
                    spf::Severity::Problem => Severity::Problem,
                    spf::Severity::Warning => Severity::Warning,
                    spf::Severity::Info => Severity::Info,
                },
                title: lint.message.clone(),
                detail: String::new(),
                evidence: Vec::new(),
            });
        }
    }
}

fn dkim_findings(dkim: &DkimReport, out: &mut Vec<Finding>) {
    use crate::checks::dkim::DkimResult;
    if dkim.state != CheckState::Done {
        return;
    }
    for sig in &dkim.signatures {
        let who = format!("d={} s={}", sig.domain, sig.selector);
        let (code, severity, title) = match sig.result {
            DkimResult::Pass => (
                "dkim.verify-pass",
                Severity::Info,
                format!("DKIM signature {who} verifies now."),
            ),
            DkimResult::Neutral => (
                "dkim.verify-neutral",
                Severity::Info,
                format!("DKIM signature {who}: {}", first_sentence(&sig.summary)),
            ),
            DkimResult::Fail => (
                "dkim.verify-fail",
                Severity::Problem,
                format!("DKIM signature {who} does not verify now."),
            ),
            DkimResult::Permerror => (
                "dkim.verify-permerror",
                Severity::Problem,
                format!("DKIM signature {who} cannot be verified (permerror)."),
            ),
            DkimResult::Policy => (
                "dkim.verify-policy",
                Severity::Warning,
                format!("DKIM signature {who} verifies, but receivers may refuse it by policy."),
            ),
            DkimResult::Temperror => (
                "dkim.verify-temperror",
                Severity::Info,
                format!("Could not check DKIM signature {who}: the key lookup failed."),
            ),
        };
        let mut evidence = vec![Evidence {
            line: Some(sig.line),
            text: format!(
                "DKIM-Signature: d={}; s={}; a={}",
                sig.domain, sig.selector, sig.algorithm
            ),
        }];
        if let Some(key) = &sig.key {
            evidence.push(Evidence {
                line: None,
                text: format!(
                    "{}._domainkey.{} TXT \"{}\"",
                    sig.selector,
                    sig.domain,
                    crate::vocab::text::shorten(&key.record, 200)
                ),
            });
        }
        let detail = std::iter::once(sig.summary.clone())
            .chain(sig.problems.iter().map(|p| p.message.clone()))
            .collect::<Vec<_>>()
            .join(" ");
        out.push(Finding {
            code: code.into(),
            severity,
            title,
            detail,
            evidence,
        });
    }
}

fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(i) => &text[..=i],
        None => text,
    }
}

/// Compares the live results with what the receiver recorded (trusted records only).
pub fn compare(report: &Report, auth: &LiveAuth) -> Vec<Comparison> {
    let mut out = Vec::new();
    if let Some(now) = auth
        .spf
        .mail_from_result
        .as_ref()
        .filter(|_| auth.spf.state == CheckState::Done)
        && let Some(then) = recorded_result(report, "spf")
    {
        let now_word = now.result.as_str().to_string();
        let agree = then.eq_ignore_ascii_case(&now_word);
        let explanation = if agree {
            format!(
                "The receiver recorded SPF {then} when the message arrived, and the check gives the same result now."
            )
        } else if now.result == SpfResult::Temperror {
            "The live SPF check could not be completed, so it cannot be compared.".to_string()
        } else if then.eq_ignore_ascii_case("pass") {
            format!(
                "The receiver recorded SPF pass, but it gives {now_word} now: the SPF record of {} has most likely changed since the message was sent (or the receiver checked a different sending address).",
                now.domain
            )
        } else if now.result == SpfResult::Pass {
            format!(
                "The receiver recorded SPF {then}, but it passes now: either the SPF record of {} was fixed since, or the receiver saw another sending server, as when a message is forwarded (the forwarder's server is not in the sender's record).",
                now.domain
            )
        } else {
            format!(
                "The receiver recorded SPF {then}; the check gives {now_word} now. The record of {} may have changed since the message was sent.",
                now.domain
            )
        };
        out.push(Comparison {
            method: "spf".into(),
            then,
            now: now_word,
            agree,
            explanation,
        });
    }
    if let Some(now) = auth
        .dmarc
        .outcome
        .as_ref()
        .filter(|_| auth.dmarc.state == CheckState::Done)
        && let Some(then) = recorded_result(report, "dmarc")
    {
        let now_word = now.result.as_str().to_string();
        let agree = then.eq_ignore_ascii_case(&now_word);
        let explanation = if agree {
            format!("The receiver recorded DMARC {then}, and it gives the same now.")
        } else if now_word == "temperror" {
            "The live DMARC check could not be completed, so it cannot be compared.".to_string()
        } else {
            format!(
                "The receiver recorded DMARC {then}; it gives {now_word} now. DMARC follows from SPF and DKIM: see their comparison for what changed (a key removed since, a changed SPF record, or a forward that broke SPF)."
            )
        };
        out.push(Comparison {
            method: "dmarc".into(),
            then,
            now: now_word,
            agree,
            explanation,
        });
    }
    if auth.dkim.state == CheckState::Done
        && let Some(then) = recorded_result(report, "dkim")
        && let Some(sig) = recorded_dkim_domain(report)
            .and_then(|d| {
                auth.dkim
                    .signatures
                    .iter()
                    .find(|s| s.domain.eq_ignore_ascii_case(&d))
            })
            .or(auth.dkim.signatures.first())
    {
        out.push(compare_dkim(&then, sig));
    }
    out
}

fn compare_dkim(then: &str, sig: &crate::checks::dkim::DkimOutcome) -> Comparison {
    use crate::checks::dkim::{Check, DkimResult};
    let header_ok = sig.header_signature == Check::Verified;
    let body_unchecked = matches!(sig.body, Check::NotChecked { .. });
    let now = match sig.result {
        DkimResult::Neutral if header_ok && body_unchecked => {
            "pass (header signature; body not pasted)".to_string()
        }
        DkimResult::Pass => "pass".to_string(),
        DkimResult::Fail => "fail".to_string(),
        DkimResult::Neutral => "neutral".to_string(),
        DkimResult::Temperror => "temperror".to_string(),
        DkimResult::Permerror => "permerror".to_string(),
        DkimResult::Policy => "policy".to_string(),
    };
    let then_pass = then.eq_ignore_ascii_case("pass");
    let now_pass = sig.result == DkimResult::Pass || (header_ok && body_unchecked);
    let codes: Vec<&str> = sig.problems.iter().map(|p| p.code.as_str()).collect();
    let has = |c: &str| codes.iter().any(|x| x.ends_with(c));
    let d = &sig.domain;
    let explanation = if then_pass == now_pass && (then_pass || sig.result != DkimResult::Temperror)
    {
        if then_pass {
            format!("The receiver recorded DKIM pass, and the signature of {d} verifies now too.")
        } else {
            format!("The receiver recorded DKIM {then}, and it does not verify now either.")
        }
    } else if sig.result == DkimResult::Temperror {
        "The key could not be fetched now, so the two cannot be compared.".to_string()
    } else if then_pass && has("key-missing") {
        format!(
            "The receiver recorded DKIM pass, but the key is no longer published: {d} most likely removed or rotated the key (selector {}) since the message was sent. The signature was good when it arrived.",
            sig.selector
        )
    } else if then_pass && has("key-revoked") {
        format!(
            "The receiver recorded DKIM pass, but the key is now revoked (empty p=): {d} retired it since the message was sent."
        )
    } else if then_pass && has("header-mismatch") {
        "The receiver recorded DKIM pass, but the header signature does not verify on the pasted text: the key may have been replaced since, or copying the headers changed them (line breaks, spaces); see the signature's details.".to_string()
    } else if then_pass && has("body-mismatch") {
        "The receiver recorded DKIM pass, but the pasted body does not match the signed one: the paste changed the body (quoting, line breaks, trailing spaces), or the pasted body is not the one that arrived.".to_string()
    } else if now_pass && body_unchecked {
        format!(
            "The receiver recorded DKIM {then}, but the header signature verifies now. The body was not pasted; the receiver's failure was most likely the body: a mailing list, forwarder or security gateway changed it (a footer, rewritten links) after it was signed."
        )
    } else if now_pass {
        format!(
            "The receiver recorded DKIM {then}, but the signature verifies now on the pasted text: the message the receiver saw was likely changed on the way (a forwarder or list), or the key was fixed since."
        )
    } else {
        format!("The receiver recorded DKIM {then}; the live check gives {now}.")
    };
    Comparison {
        method: "dkim".into(),
        then: then.to_string(),
        now,
        agree: then_pass == now_pass,
        explanation,
    }
}

/// The signing domain the receiver's DKIM result names (header.d, or the domain of header.i).
fn recorded_dkim_domain(report: &Report) -> Option<String> {
    report
        .recorded_auth
        .iter()
        .filter(|a| a.trusted && a.arc_instance.is_none())
        .flat_map(|a| a.parsed.results.iter())
        .filter(|r| r.method.eq_ignore_ascii_case("dkim"))
        .flat_map(|r| r.properties.iter())
        .find_map(|p| match p.name.to_ascii_lowercase().as_str() {
            "d" => Some(p.value.to_ascii_lowercase()),
            "i" => p
                .value
                .rsplit_once('@')
                .map(|(_, d)| d.to_ascii_lowercase()),
            _ => None,
        })
}

/// The result the receiver recorded for a method, from its own trusted fields.
pub fn recorded_result(report: &Report, method: &str) -> Option<String> {
    report
        .recorded_auth
        .iter()
        .filter(|a| a.trusted && a.arc_instance.is_none())
        .flat_map(|a| a.parsed.results.iter())
        .find(|r| r.method.eq_ignore_ascii_case(method))
        .map(|r| r.result.to_ascii_lowercase())
        .or_else(|| {
            (method == "spf")
                .then(|| {
                    report
                        .recorded_spf
                        .iter()
                        .find(|s| s.trusted)
                        .map(|s| s.result.to_ascii_lowercase())
                })
                .flatten()
        })
}

/// The MAIL FROM address: the Return-Path field, else what the receiver recorded as
/// smtp.mailfrom or envelope-from, else the envelope sender the receiving server wrote into
/// the sending hop's Received field (`received`: Exim's default received_header_text has
/// "(envelope-from <$sender_address>)", Dovecot's LMTP and Haraka write it too). Empty string
/// for a bounce (`<>`).
pub fn mail_from(
    return_path: Option<&str>,
    recorded_auth: &[crate::report::RecordedAuth],
    recorded_spf: &[crate::parse::recorded::ReceivedSpf],
    received: Option<&str>,
) -> Option<(String, String)> {
    if let Some(rp) = return_path {
        return Some((rp.trim().to_string(), "Return-Path".into()));
    }
    for auth in recorded_auth.iter().filter(|a| a.trusted) {
        for r in auth
            .parsed
            .results
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case("spf"))
        {
            if let Some(p) = r.properties.iter().find(|p| {
                p.ptype.eq_ignore_ascii_case("smtp") && p.name.eq_ignore_ascii_case("mailfrom")
            }) {
                return Some((
                    p.value.clone(),
                    "Authentication-Results smtp.mailfrom".into(),
                ));
            }
        }
    }
    recorded_spf
        .iter()
        .filter(|s| s.trusted)
        .find_map(|s| s.key("envelope-from"))
        .map(|v| {
            (
                v.trim_matches(['<', '>', '"']).to_string(),
                "Received-SPF envelope-from".into(),
            )
        })
        .or_else(|| {
            received_envelope_from(received?)
                .map(|a| (a, "the Received field's envelope-from".into()))
        })
}

/// The address of an "envelope-from <address>" note in a Received field: an address with an
/// `@`, or empty for the null sender (`<>`).
fn received_envelope_from(received: &str) -> Option<String> {
    let lower = received.to_ascii_lowercase();
    let at = lower.find("envelope-from")? + "envelope-from".len();
    let rest = received
        .get(at..)?
        .trim_start_matches([' ', '\t', '=', ':']);
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ')' | ';' | ','))
        .unwrap_or(rest.len());
    let address = rest[..end].trim_matches(['<', '>', '"']);
    (address.is_empty() || (address.contains('@') && address.len() <= 254))
        .then(|| address.to_string())
}

/// Findings from a bounce: one per failed or delayed recipient, one for a complaint.
pub fn bounce_findings(b: &crate::checks::bounce::BounceReport) -> Vec<Finding> {
    use crate::checks::bounce::BounceKind;
    let mut out = Vec::new();
    match b.kind {
        BounceKind::Bounce | BounceKind::Delay => {
            for r in b.recipients.iter().take(50) {
                let code = r.status.as_deref().unwrap_or("");
                let (severity, verb) = if b.kind == BounceKind::Delay || !r.hard {
                    (Severity::Warning, "is delayed (the server will try again)")
                } else {
                    (Severity::Problem, "failed")
                };
                let mut evidence = Vec::new();
                if let Some(d) = &r.diagnostic {
                    evidence.push(Evidence {
                        line: None,
                        text: crate::vocab::text::shorten(d, 400),
                    });
                }
                if let Some(list) = &r.blocklist {
                    evidence.push(Evidence {
                        line: None,
                        text: format!("blocklist named: {}", list.name),
                    });
                }
                let status = match (r.reply_code, code) {
                    (Some(reply), c) if !c.is_empty() => format!(" ({reply} {c})"),
                    (Some(reply), _) => format!(" ({reply})"),
                    (None, c) if !c.is_empty() => format!(" ({c})"),
                    _ => String::new(),
                };
                // The advice is the diagnosis's fix; the detail says what the codes mean.
                let detail = [
                    r.status_explanation.clone(),
                    r.remote_mta.as_ref().map(|m| format!("The refusing server: {m}.")),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
                out.push(Finding {
                    code: format!("bounce.{}", r.reason.name()),
                    severity,
                    title: format!("Delivery to {} {verb}{status}: {}", r.address, r.reason_explanation),
                    detail: if detail.is_empty() { r.advice.clone() } else { detail },
                    evidence,
                });
            }
        }
        BounceKind::Feedback => out.push(Finding {
            code: "bounce.feedback".into(),
            severity: Severity::Warning,
            title: "This is a spam complaint (a feedback report), not a bounce: a recipient marked the message as spam.".into(),
            detail: b.summary.clone(),
            evidence: Vec::new(),
        }),
        BounceKind::AutoReply => out.push(Finding {
            code: "bounce.auto-reply".into(),
            severity: Severity::Info,
            title: "This is an automatic reply (such as an out-of-office), not a bounce: the message was delivered.".into(),
            detail: b.summary.clone(),
            evidence: Vec::new(),
        }),
        BounceKind::NotBounce => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::mail_from;

    #[test]
    fn the_received_fields_envelope_from_is_the_last_resort() {
        let exim = "from host.example.net ([203.0.113.9] helo=a.example) by mx.example.com with esmtp (Exim 4.98) (envelope-from <ann@a.example>) id 1w-0; Tue, 10 Mar 2026 13:14:55 +0000";
        assert_eq!(
            mail_from(None, &[], &[], Some(exim)).map(|(a, _)| a),
            Some("ann@a.example".to_string())
        );
        let null = "from x by y with LMTP (envelope-from <>) id 1; Tue, 10 Mar 2026 13:14:55 +0000";
        assert_eq!(
            mail_from(None, &[], &[], Some(null)).map(|(a, _)| a),
            Some(String::new())
        );
        // A Return-Path comes first; a field without the note gives nothing.
        assert_eq!(
            mail_from(Some("b@b.example"), &[], &[], Some(exim)).map(|(a, _)| a),
            Some("b@b.example".to_string())
        );
        assert_eq!(mail_from(None, &[], &[], Some("from x by y; date")), None);
    }
}
