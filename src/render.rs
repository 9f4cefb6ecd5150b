//! The report as plain text, for the terminal and for pasting into a ticket.

use crate::date::{format_duration, format_utc};
use crate::report::{Report, Severity};
use std::fmt::Write;

/// Renders a report as readable text.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
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
        let _ = writeln!(out, "\nSending IP: {} (hop {}: {})", s.ip, s.hop, s.reason);
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
        for v in &report.spam {
            let _ = writeln!(
                out,
                "  {} ({}, line {}): {}",
                v.filter, v.header, v.line, v.summary
            );
            for item in v.items.iter().take(40) {
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
        // Grouped by area (the first part of the code), groups in order of their most serious
        // finding, as the page shows them.
        let mut groups: Vec<(&str, Vec<&crate::report::Finding>)> = Vec::new();
        for f in &report.findings {
            let title = group_title(f.code.split('.').next().unwrap_or(""));
            match groups.iter_mut().find(|(t, _)| *t == title) {
                Some((_, list)) => list.push(f),
                None => groups.push((title, vec![f])),
            }
        }
        for (title, list) in groups {
            let _ = writeln!(out, "  {title}");
            for f in list {
                let tag = match f.severity {
                    Severity::Problem => "PROBLEM",
                    Severity::Warning => "warning",
                    Severity::Info => "info",
                };
                let _ = writeln!(out, "    [{tag}] {} ({})", f.title, f.code);
                if !f.detail.is_empty() {
                    let _ = writeln!(out, "            {}", f.detail);
                }
                for e in &f.evidence {
                    match (e.line, e.text.is_empty()) {
                        (Some(line), false) => {
                            let _ = writeln!(out, "            line {line}: {}", e.text);
                        }
                        (None, false) => {
                            let _ = writeln!(out, "            {}", e.text);
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    if !report.headers.is_empty() {
        let _ = writeln!(out, "\nAll headers");
        for h in &report.headers {
            let value = h.decoded.as_deref().unwrap_or(&h.value);
            let _ = writeln!(out, "  {:>4}  {}: {}", h.line, h.name, value);
            if h.decoded.is_some() {
                let _ = writeln!(out, "        raw: {}", h.value);
            }
            if let Some(explanation) = &h.explanation {
                let _ = writeln!(out, "        ({explanation})");
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

/// The heading of a group of findings, by the area part of their code (the page uses the same).
fn group_title(area: &str) -> &'static str {
    match area {
        "input" => "What was pasted",
        "received" => "Delivery path",
        "rdns" => "Sending server",
        "recorded" | "arc" => "Authentication recorded by the receiver",
        "dkim" => "DKIM signatures",
        "sender" => "The sender",
        "header" => "Message headers",
        "bulk" => "Bulk mail",
        "spam" => "Spam filters",
        "dns" => "DNS lookups",
        _ => "Other",
    }
}
