//! The report as plain text, for the terminal and for pasting into a ticket.

use crate::parse::date::{format_duration, format_utc};
use crate::report::Report;
use crate::vocab::finding::Severity;
use std::fmt::Write;

/// Renders a report as readable text. Every value from the message or a DNS answer is made
/// inert first ([`crate::present::inert`]): no control character reaches the terminal and no
/// decoded line break forges a line.
pub fn text(report: &Report) -> String {
    let report = &crate::present::inert::inert(report);
    crate::present::inert::lines(&text_of(report))
}

fn text_of(report: &Report) -> String {
    let mut out = String::new();
    for n in &report.notices {
        let _ = writeln!(out, "NOTE: {}\n", n.text);
    }
    if let Some(d) = &report.diagnosis {
        diagnosis(&mut out, d);
    }
    let m = &report.message;
    let _ = writeln!(out, "Message");
    let mailbox = |mb: &crate::report::Mailbox| match (&mb.name, &mb.address) {
        (Some(n), Some(a)) => format!("{n} <{a}>"),
        (None, Some(a)) => a.clone(),
        (Some(n), None) => n.clone(),
        (None, None) => "(none)".into(),
    };
    if let Some(from) = &m.from {
        let _ = writeln!(out, "  From:       {}", mailbox(from));
    }
    if !m.to.is_empty() {
        let to: Vec<String> = m.to.iter().map(mailbox).collect();
        let _ = writeln!(out, "  To:         {}", to.join(", "));
    }
    if let Some(s) = &m.subject {
        let _ = writeln!(out, "  Subject:    {s}");
    }
    if let Some(d) = &m.date {
        match d.epoch_ms {
            Some(ms) => {
                let _ = writeln!(out, "  Date:       {} ({})", d.text, format_utc(ms));
            }
            None => {
                let _ = writeln!(out, "  Date:       {} (unreadable)", d.text);
            }
        }
    }
    if let Some(id) = &m.message_id {
        let _ = writeln!(out, "  Message-ID: {id}");
    }
    if let Some(rp) = &m.return_path {
        let _ = writeln!(out, "  Return-Path: {rp}");
    }

    if !report.hops.is_empty() {
        let _ = writeln!(
            out,
            "\nDelivery path ({} hops, oldest first)",
            report.hops.len()
        );
        for hop in &report.hops {
            let from = hop
                .rdns
                .as_deref()
                .or(hop.helo.as_deref())
                .unwrap_or("(unknown)");
            let ip = hop.ip.map(|i| format!(" [{i}]")).unwrap_or_default();
            let by = hop.by.as_deref().unwrap_or("(unknown)");
            let when = hop
                .timestamp_ms
                .map(format_utc)
                .unwrap_or_else(|| "no date".into());
            let delay = hop
                .delay_ms
                .map(|d| format!(" (+{})", format_duration(d)))
                .unwrap_or_default();
            let with = hop
                .with
                .as_deref()
                .map(|w| format!(" with {w}"))
                .unwrap_or_default();
            let mark = if hop.internal { " [receiver]" } else { "" };
            let _ = writeln!(
                out,
                "  {:>2}. {when}{delay}  {from}{ip} -> {by}{with}{mark}",
                hop.number
            );
        }
        if let Some(total) = report.delivery_ms {
            let _ = writeln!(out, "  Total delivery time: {}", format_duration(total));
        }
    }

    if let Some(s) = &report.sending_ip {
        if s.hop == 0 {
            let _ = writeln!(out, "\nSending IP: {} ({})", s.ip, s.reason);
        } else {
            let _ = writeln!(out, "\nSending IP: {} (hop {}: {})", s.ip, s.hop, s.reason);
        }
    }
    if let Some(r) = &report.reverse_dns {
        let _ = writeln!(out, "Reverse DNS: {}", r.detail);
    }

    if !report.recorded_auth.is_empty() {
        let _ = writeln!(out, "\nAuthentication, as recorded by the receiver");
        for a in &report.recorded_auth {
            let trust = if a.trusted { "trusted" } else { "NOT trusted" };
            let _ = writeln!(
                out,
                "  {} by {} (line {}, {trust}: {})",
                a.field, a.parsed.authserv_id, a.line, a.trust_reason
            );
            for r in &a.parsed.results {
                let props: Vec<String> = r
                    .properties
                    .iter()
                    .map(|p| {
                        if p.ptype.is_empty() {
                            format!("{}={}", p.name, p.value)
                        } else {
                            format!("{}.{}={}", p.ptype, p.name, p.value)
                        }
                    })
                    .collect();
                let _ = writeln!(out, "    {}={} {}", r.method, r.result, props.join(" "));
            }
        }
    }

    for spf in &report.recorded_spf {
        let trust = if spf.trusted {
            "trusted"
        } else {
            "NOT trusted"
        };
        let keys: Vec<String> = spf.keys.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = writeln!(
            out,
            "  Received-SPF (line {}, {trust}): {} {}",
            spf.line,
            spf.result,
            keys.join(" ")
        );
    }
    if let Some(arc) = &report.arc {
        let sets: Vec<String> = arc
            .sets
            .iter()
            .map(|s| {
                format!(
                    "i={} {} cv={}",
                    s.instance,
                    s.sealer.as_deref().unwrap_or("?"),
                    s.cv.as_deref().unwrap_or("?")
                )
            })
            .collect();
        let _ = writeln!(out, "  ARC chain: {}", sets.join(", "));
    }

    if let Some(auth) = &report.auth {
        live_auth(&mut out, auth);
    }
    let sf = &report.sender;
    if sf.from_domain.is_some() || !sf.dkim_signatures.is_empty() {
        let _ = writeln!(out, "\nThe sender, from the headers");
        for (label, value) in [
            ("From domain", &sf.from_domain),
            ("Reply-To domain", &sf.reply_to_domain),
            ("Return-Path domain", &sf.return_path_domain),
            ("Free mail provider", &sf.free_mail_provider),
        ] {
            if let Some(v) = value {
                let _ = writeln!(out, "  {label}: {v}");
            }
        }
        for d in &sf.dkim_signatures {
            let signs_from = d
                .signed_headers
                .iter()
                .any(|h| h.eq_ignore_ascii_case("from"));
            let _ = writeln!(
                out,
                "  DKIM-Signature (line {}): d={} s={} a={}{}{}",
                d.line,
                d.domain.as_deref().unwrap_or("?"),
                d.selector.as_deref().unwrap_or("?"),
                d.algorithm.as_deref().unwrap_or("?"),
                if signs_from {
                    ""
                } else {
                    ", does NOT sign From"
                },
                d.body_length
                    .map(|l| format!(", body limited to {l} bytes (l=)"))
                    .unwrap_or_default()
            );
        }
    }

    if !report.spam.is_empty() {
        let _ = writeln!(out, "\nSpam filters");
        // A code stated twice (SCL in the report and in its own field, or the same filter's
        // field at two hops) is listed once.
        let mut shown: Vec<(&str, Option<&str>)> = Vec::new();
        for v in &report.spam {
            let _ = writeln!(
                out,
                "  {} ({}, line {}): {}",
                v.filter, v.header, v.line, v.summary
            );
            for item in v.items.iter().take(40) {
                let key = (item.code.as_str(), item.value.as_deref());
                if shown.contains(&key) {
                    continue;
                }
                shown.push(key);
                let value = item
                    .value
                    .as_deref()
                    .map(|x| format!("={x}"))
                    .unwrap_or_default();
                let score = item.score.map(|s| format!(" ({s:+})")).unwrap_or_default();
                let meaning = item.meaning.as_deref().unwrap_or("(unknown code)");
                let _ = writeln!(out, "    {}{value}{score}: {meaning}", item.code);
            }
        }
    }

    if !report.findings.is_empty() {
        let _ = writeln!(out, "\nFindings");
        // Grouped under the registry's heading for each code (data/findings.tsv), groups in
        // order of their first finding, as the page shows them.
        let mut groups: Vec<(&str, Vec<&crate::vocab::finding::Finding>)> = Vec::new();
        for f in &report.findings {
            let title = crate::vocab::registry::of(&f.code).group;
            match groups.iter_mut().find(|(t, _)| *t == title) {
                Some((_, list)) => list.push(f),
                None => groups.push((title, vec![f])),
            }
        }
        // A finding said again (the same code and title, from another field, nothing new in
        // its explanation) adds only its evidence, under the first.
        let mut listed: Vec<(&str, &str)> = Vec::new();
        for (title, list) in groups {
            let _ = writeln!(out, "  {title}");
            for f in list {
                let tag = match f.severity {
                    Severity::Problem => "PROBLEM",
                    Severity::Warning => "warning",
                    Severity::Info => "info",
                };
                let again =
                    f.detail.is_empty() && listed.contains(&(f.code.as_str(), f.title.as_str()));
                if !again {
                    listed.push((f.code.as_str(), f.title.as_str()));
                    let _ = writeln!(out, "    [{tag}] {} ({})", f.title, f.code);
                }
                if !f.detail.is_empty() {
                    let _ = writeln!(out, "            {}", f.detail);
                }
                for e in &f.evidence {
                    match (e.line, e.text.is_empty()) {
                        (Some(line), false) => {
                            let _ = writeln!(out, "            line {line}: {}", e.text);
                        }
                        (None, false) => {
                            let _ = writeln!(out, "            evidence: {}", e.text);
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    if !report.headers.is_empty() {
        let _ = writeln!(out, "\nAll headers");
        // Each kind of field is explained once, at its first occurrence.
        let mut explained: Vec<String> = Vec::new();
        for h in &report.headers {
            let value = h.decoded.as_deref().unwrap_or(&h.value);
            let _ = writeln!(out, "  {:>4}  {}: {}", h.line, h.name, value);
            if h.decoded.is_some() {
                let _ = writeln!(out, "        raw: {}", h.value);
            }
            if let Some(explanation) = &h.explanation {
                let name = h.name.to_ascii_lowercase();
                if !explained.contains(&name) {
                    let _ = writeln!(out, "        ({explanation})");
                    explained.push(name);
                }
            }
        }
    }

    if !report.dns.is_empty() {
        let _ = writeln!(out, "\nDNS lookups");
        for x in &report.dns {
            let result = match (&x.answer, &x.error) {
                (Some(a), _) if a.records.is_empty() => {
                    format!("{:?}, no records", a.rcode).to_lowercase()
                }
                (Some(a), _) => a
                    .records
                    .iter()
                    .map(|r| r.data.presentation())
                    .collect::<Vec<_>>()
                    .join(", "),
                (None, Some(e)) => format!("error: {e}"),
                _ => "pending".into(),
            };
            let _ = writeln!(
                out,
                "  {} {} -> {result}",
                x.question.name, x.question.rtype
            );
        }
    }
    out
}

/// The diagnosis block, as the page and its exports show it: the customer's view (the outcome,
/// the summary, what to do by whoever can act), then the agent's (the headline, each cause with
/// its certainty, party, source, explanation, actions and evidence, then what is worth fixing).
/// No sentence is said twice: what was said earlier in the block is left out later (a cause's
/// actions that the customer's view already lists, say).
pub fn diagnosis(out: &mut String, d: &crate::report::diagnosis::Diagnosis) {
    use crate::report::diagnosis::{Certainty, Party};
    let mut said = Said::default();
    let _ = writeln!(out, "Diagnosis\n  Outcome: {}", outcome_word(d.outcome));
    let summary = said.fresh(&d.summary);
    if !summary.is_empty() {
        let _ = writeln!(out, "  {summary}");
    }
    let actions: Vec<(&str, String)> = d
        .actions
        .iter()
        .map(|a| (actor(a.who), said.fresh(&a.text)))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    if !actions.is_empty() {
        let _ = writeln!(out, "  What to do:");
        for (who, text) in actions {
            let _ = writeln!(out, "    - {who}: {text}");
        }
    }
    let headline = said.fresh(&d.headline);
    if !d.causes.is_empty() || !headline.is_empty() {
        let _ = writeln!(out, "\n  Why (for the support agent)");
    }
    if !headline.is_empty() {
        let _ = writeln!(out, "  {headline}");
    }
    for (i, c) in d.causes.iter().enumerate() {
        let certainty = match c.certainty {
            Certainty::Certain => "certain",
            Certainty::Likely => "likely",
        };
        let party = match c.party {
            Party::Sender => "sender's side",
            Party::Receiver => "receiver's side",
            Party::Unknown => "side unclear",
        };
        said.fresh(&c.title);
        let _ = writeln!(
            out,
            "  {}. {} ({certainty}; {party}; {})",
            i + 1,
            c.title,
            source(c.source)
        );
        let detail = said.fresh(&c.detail);
        if !detail.is_empty() {
            let _ = writeln!(out, "     {detail}");
        }
        for a in &c.actions {
            let text = said.fresh(&a.text);
            if !text.is_empty() {
                let _ = writeln!(out, "     What to do ({}): {text}", actor(a.who));
            }
        }
        for e in c.evidence.iter().take(3) {
            match e.line {
                Some(line) => {
                    let _ = writeln!(out, "     Evidence (line {line}): {}", e.text);
                }
                None => {
                    let _ = writeln!(out, "     Evidence: {}", e.text);
                }
            }
        }
    }
    let advice: Vec<(String, String)> = d
        .advice
        .iter()
        .map(|c| {
            let title = said.fresh(&c.title);
            let fix = c.fix.as_deref().map(|f| said.fresh(f)).unwrap_or_default();
            (title, fix)
        })
        .filter(|(t, f)| !t.is_empty() || !f.is_empty())
        .collect();
    if !advice.is_empty() {
        let _ = writeln!(
            out,
            "\n  Worth fixing (not why this message fared as it did)"
        );
        for (title, fix) in advice {
            match (title.is_empty(), fix.is_empty()) {
                (false, false) => {
                    let _ = writeln!(out, "  - {title}\n    {fix}");
                }
                (false, true) => {
                    let _ = writeln!(out, "  - {title}");
                }
                _ => {
                    let _ = writeln!(out, "  - {fix}");
                }
            }
        }
    }
    let _ = writeln!(out);
}

/// The sentences said so far in one block, so that none is said twice.
#[derive(Default)]
struct Said(Vec<String>);

impl Said {
    /// `text` without the sentences already said; the rest is now said.
    fn fresh(&mut self, text: &str) -> String {
        let mut kept = Vec::new();
        for s in crate::vocab::text::split_sentences(text) {
            let key = s.trim_end_matches('.').to_string();
            if !self.0.contains(&key) {
                self.0.push(key);
                kept.push(s);
            }
        }
        kept.join(" ")
    }
}

/// What happened, in a word or two.
pub fn outcome_word(o: crate::report::diagnosis::Outcome) -> &'static str {
    use crate::report::diagnosis::Outcome;
    match o {
        Outcome::Delivered => "Delivered",
        Outcome::Spam => "Sent to spam",
        Outcome::Rejected => "Rejected",
        Outcome::Bounced => "Bounced",
        Outcome::Delayed => "Delayed",
        Outcome::Complaint => "Reported as spam",
        Outcome::Unknown => "Not shown by the paste",
    }
}

/// Who an action is for, in words.
fn actor(who: crate::report::diagnosis::Actor) -> &'static str {
    use crate::report::diagnosis::Actor;
    match who {
        Actor::Sender => "the sender",
        Actor::SenderProvider => "the sender's provider or domain admin",
        Actor::Recipient => "the recipient",
        Actor::RecipientAdmin => "the recipient's mail admin",
    }
}

/// Where a cause's evidence comes from, in words.
fn source(s: crate::report::diagnosis::Source) -> &'static str {
    use crate::report::diagnosis::Source;
    match s {
        Source::Receiver => "recorded by the receiver",
        Source::Bounce => "from the bounce",
        Source::Live => "live check today",
        Source::Headers => "from the headers",
    }
}

/// The live authentication section.
fn live_auth(out: &mut String, auth: &crate::report::live::LiveAuth) {
    use crate::report::live::CheckState;
    let _ = writeln!(out, "\nAuthentication, checked now");
    let spf = &auth.spf;
    match spf.state {
        CheckState::Skipped => {
            let _ = writeln!(
                out,
                "  SPF: {}",
                spf.note.as_deref().unwrap_or("not checked")
            );
        }
        CheckState::Pending => {
            let _ = writeln!(out, "  SPF: pending");
        }
        CheckState::Done => {
            if let Some(o) = &spf.mail_from_result {
                let _ = writeln!(
                    out,
                    "  SPF (MAIL FROM {}, from {}):",
                    if spf.mail_from.is_empty() {
                        "<>"
                    } else {
                        &spf.mail_from
                    },
                    spf.mail_from_source
                );
                spf_outcome(out, o, "    ");
            }
            if let Some(o) = &spf.helo_result {
                let _ = writeln!(
                    out,
                    "  SPF (HELO {}): {}: {}",
                    spf.helo,
                    o.result.as_str(),
                    o.summary
                );
            }
            if let (Some(o), Some(ip)) = (&spf.entry_result, spf.entry_ip) {
                let _ = writeln!(
                    out,
                    "  SPF (MAIL FROM, for {ip}, where the returned copy came from): {}: {}",
                    o.result.as_str(),
                    o.summary
                );
            }
            if let Some(g) = &spf.guess {
                let _ = writeln!(
                    out,
                    "  With no SPF record, a receiver guessing \"{}\" would get {}.",
                    crate::checks::spf::GUESS_RECORD,
                    g.result.as_str()
                );
            }
            for l in &spf.lint {
                let _ = writeln!(out, "  SPF record: {}", l.message);
            }
        }
    }
    match auth.dkim.state {
        CheckState::Done => {
            // A sentence one signature's summary already said is not said again for the next.
            let mut said: Vec<String> = Vec::new();
            for sig in &auth.dkim.signatures {
                let mut words: Vec<&str> = Vec::new();
                for s in crate::vocab::text::split_sentences(&sig.summary) {
                    if !said.iter().any(|x| x == s) {
                        said.push(s.to_string());
                        words.push(s);
                    }
                }
                let _ = writeln!(
                    out,
                    "  DKIM d={} s={}: {}",
                    sig.domain,
                    sig.selector,
                    words.join(" ")
                );
                // A problem the summary already states is not listed again.
                for p in sig
                    .problems
                    .iter()
                    .filter(|p| !sig.summary.contains(&p.message))
                {
                    let _ = writeln!(out, "    - {}", p.message);
                }
            }
        }
        CheckState::Pending => {
            let _ = writeln!(out, "  DKIM: pending");
        }
        CheckState::Skipped => {
            let _ = writeln!(
                out,
                "  DKIM: {}",
                auth.dkim.note.as_deref().unwrap_or("not checked")
            );
        }
    }
    match (&auth.dmarc.state, &auth.dmarc.outcome) {
        (CheckState::Done, Some(o)) => {
            let _ = writeln!(
                out,
                "  DMARC ({}): {}: {}",
                o.from_domain,
                o.result.as_str(),
                o.summary
            );
            for a in &o.alignment {
                let _ = writeln!(out, "    - {}", a.explanation);
            }
            for d in &o.differences {
                let _ = writeln!(out, "    RFC 7489 vs RFC 9989: {d}");
            }
        }
        (CheckState::Pending, _) => {
            let _ = writeln!(out, "  DMARC: pending");
        }
        _ => {
            let _ = writeln!(
                out,
                "  DMARC: {}",
                auth.dmarc.note.as_deref().unwrap_or("not checked")
            );
        }
    }
    if !auth.comparison.is_empty() {
        let _ = writeln!(out, "  Then (recorded by the receiver) and now:");
        for c in &auth.comparison {
            let _ = writeln!(
                out,
                "    {}: then {}, now {}. {}",
                c.method.to_uppercase(),
                c.then,
                c.now,
                c.explanation
            );
        }
    }
}

/// An SPF result with its trace, indented.
pub fn spf_outcome(out: &mut String, o: &crate::checks::spf::SpfOutcome, indent: &str) {
    let _ = writeln!(
        out,
        "{indent}Result: {} for {}. {}",
        o.result.as_str(),
        o.domain,
        o.summary
    );
    if let Some(record) = &o.record {
        let _ = writeln!(out, "{indent}Record: {record}");
    }
    let _ = writeln!(
        out,
        "{indent}DNS-querying terms: {} of 10; void lookups: {} of 2",
        o.lookups, o.void_lookups
    );
    for step in &o.trace {
        let pad = "  ".repeat(step.depth.min(10) as usize);
        let _ = writeln!(
            out,
            "{indent}{pad}{} [{}] {}: {}",
            step.domain, step.term, step.outcome, step.detail
        );
        for d in &step.dns {
            let _ = writeln!(out, "{indent}{pad}    dns: {d}");
        }
    }
    if let Some(term) = &o.deciding_term {
        let _ = writeln!(out, "{indent}Decided by: {term}");
    }
    if let Some(exp) = &o.explanation {
        let _ = writeln!(out, "{indent}The domain's explanation: {exp}");
    }
}

/// A domain's DMARC policy and what it means, made inert like [`text`].
pub fn dmarc_text(
    d: &crate::checks::dmarc::Discovery,
    lint: &[crate::checks::dmarc::DmarcLint],
) -> String {
    let d = &crate::present::inert::inert(d);
    crate::present::inert::lines(&dmarc_text_of(d, lint))
}

fn dmarc_text_of(
    d: &crate::checks::dmarc::Discovery,
    lint: &[crate::checks::dmarc::DmarcLint],
) -> String {
    use crate::checks::dmarc::{AlignmentMode, DiscoveryStatus, Policy};
    let mut out = String::new();
    let policy_word = |p: Policy| match p {
        Policy::None => "none (monitor only: nothing is done to failing mail)",
        Policy::Quarantine => "quarantine (failing mail goes to spam)",
        Policy::Reject => "reject (failing mail is refused)",
    };
    let _ = writeln!(out, "DMARC for {}", d.from_domain);
    match (&d.status, &d.record) {
        (DiscoveryStatus::Found, Some(r)) => {
            let at = d.policy_domain.as_deref().unwrap_or("?");
            let _ = writeln!(out, "  Record at _dmarc.{at}: {}", r.text);
            if at != d.from_domain {
                let _ = writeln!(
                    out,
                    "  (The domain has no record of its own; the policy of {at} applies to it.)"
                );
            }
            if let Some(p) = r.policy() {
                let _ = writeln!(out, "  Policy: {}", policy_word(p));
            }
            if let Some(sp) = r.subdomain_policy() {
                let _ = writeln!(out, "  Subdomains: {}", policy_word(sp));
            }
            let mode = |m: AlignmentMode| match m {
                AlignmentMode::Strict => "strict (the exact domain)",
                AlignmentMode::Relaxed => "relaxed (any domain of the same organization)",
            };
            let _ = writeln!(out, "  DKIM alignment: {}", mode(r.adkim));
            let _ = writeln!(out, "  SPF alignment: {}", mode(r.aspf));
            if r.rua.is_empty() {
                let _ = writeln!(out, "  Aggregate reports: none requested");
            } else {
                let _ = writeln!(out, "  Aggregate reports to: {}", r.rua.join(", "));
            }
        }
        _ => {
            let _ = writeln!(
                out,
                "  No usable DMARC record ({:?}). {}",
                d.status,
                d.problem.clone().unwrap_or_default()
            );
        }
    }
    if let Some(org) = &d.org_domain {
        let _ = writeln!(out, "  Organizational domain: {org}");
    }
    if !d.consulted.is_empty() {
        let _ = writeln!(out, "  Names looked up: {}", d.consulted.join(", "));
    }
    if !lint.is_empty() {
        let _ = writeln!(out, "\nProblems with the record:");
        for l in lint {
            let _ = writeln!(out, "  - {}", l.message);
        }
    }
    out
}

/// The domain check as text: what is wrong first, then the records; made inert like [`text`].
pub fn domain_text(r: &crate::engine::domain_run::DomainCheckReport) -> String {
    let r = &crate::present::inert::inert(r);
    crate::present::inert::lines(&domain_text_of(r))
}

fn domain_text_of(r: &crate::engine::domain_run::DomainCheckReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Mail set-up of {}", r.domain);
    let problems = r
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .count();
    let _ = writeln!(
        out,
        "  {}",
        if problems == 0 {
            "Nothing wrong was found.".to_string()
        } else {
            format!("{problems} thing(s) to fix or check, most important first:")
        }
    );
    for f in &r.findings {
        let mark = match f.severity {
            Severity::Problem => "problem",
            Severity::Warning => "warning",
            Severity::Info => "ok/info",
        };
        let _ = writeln!(out, "  [{mark}] {} ({})", f.title, f.code);
        if !f.detail.is_empty() {
            let _ = writeln!(out, "          {}", f.detail);
        }
        for e in f.evidence.iter().take(4) {
            let _ = writeln!(out, "          {}", e.text);
        }
    }
    if let Some(o) = &r.spf
        && o.record.is_some()
    {
        let _ = writeln!(
            out,
            "\nSPF, evaluated in full against {} (an address no record lists, so that every term is looked up; the result only shows how the record ends):",
            crate::engine::domain_run::PROBE_IP
        );
        spf_outcome(&mut out, o, "  ");
    }
    out
}
