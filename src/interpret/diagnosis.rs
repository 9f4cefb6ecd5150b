//! The diagnosis: what happened to the message and why, in words a customer can act on.
//!
//! A pure function of the finished report ([`diagnose`]): the outcome (delivered, delivered to
//! spam, rejected, bounced, or cannot tell), then the causes, most important first, each with
//! its evidence and its fix, whose problem it is (the sender's setup or the receiver's choice)
//! and whether it is certain (the receiver recorded it, or a live check showed it) or likely.

use crate::report::Report;
use crate::report::diagnosis::Cause;
use crate::report::diagnosis::Certainty;
use crate::report::diagnosis::Diagnosis;
use crate::report::diagnosis::Outcome;
use crate::report::diagnosis::Party;
use crate::vocab::finding::{Evidence, Finding, Severity};

/// Most causes listed; the rest stay in the findings.
const MAX_CAUSES: usize = 8;

/// How a finding becomes a cause: its weight (higher first), party, certainty and fix.
struct Rule {
    prefix: &'static str,
    weight: u8,
    party: Party,
    certainty: Certainty,
    fix: &'static str,
}

/// Rules by code prefix; the first match wins, so specific codes come before their area.
const RULES: &[Rule] = &[
    Rule {
        prefix: "bounce.feedback",
        weight: 70,
        party: Party::Receiver,
        certainty: Certainty::Certain,
        fix: "Stop sending to the recipient who complained, and check that everyone on the list asked for this mail; complaints lower the sender's reputation at that provider.",
    },
    Rule {
        prefix: "bounce.original-analyzed",
        weight: 0,
        party: Party::Unknown,
        certainty: Certainty::Certain,
        fix: "",
    },
    Rule {
        prefix: "bounce.",
        weight: 99,
        party: Party::Unknown,
        certainty: Certainty::Certain,
        fix: "",
    },
    Rule {
        prefix: "spam.flagged",
        weight: 90,
        party: Party::Receiver,
        certainty: Certainty::Certain,
        fix: "Look at the rules that added the most points (the Spam filters section): fix the ones about the sender's setup first (authentication, reverse DNS, blocklists), then the content ones.",
    },
    Rule {
        prefix: "recorded.spf-fail",
        weight: 85,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "Add the server that sent the message to the sender domain's SPF record, or send through a server the record already lists.",
    },
    Rule {
        prefix: "recorded.dkim-fail",
        weight: 80,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "Check that the signing key published in DNS matches the one the sending server signs with, and that nothing changes the message after it is signed.",
    },
    Rule {
        prefix: "recorded.dmarc-fail",
        weight: 84,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "Make SPF or DKIM pass for a domain that matches the From address: sign with DKIM for the From domain (d= your domain) at the sending service, or use a Return-Path (bounce) domain under your domain that the service's SPF covers.",
    },
    Rule {
        prefix: "recorded.spf-softfail",
        weight: 62,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "Add the server that sent the message to the sender domain's SPF record.",
    },
    Rule {
        prefix: "recorded.received-spf-fail",
        weight: 85,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "Add the server that sent the message to the sender domain's SPF record, or send through a server the record already lists.",
    },
    Rule {
        prefix: "recorded.received-spf-softfail",
        weight: 60,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "Add the server that sent the message to the sender domain's SPF record.",
    },
    Rule {
        prefix: "blocklist.ip.listed",
        weight: 92,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "",
    },
    Rule {
        prefix: "blocklist.domain.listed",
        weight: 89,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "",
    },
    Rule {
        prefix: "rdns.fcrdns-mismatch",
        weight: 50,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "Make the reverse DNS name of the sending IP point back to the same IP (an A or AAAA record for that name), or ask the IP's provider to set a PTR name that does.",
    },
    Rule {
        prefix: "rdns.generic",
        weight: 48,
        party: Party::Sender,
        certainty: Certainty::Likely,
        fix: "Send through a server whose reverse DNS name is its own (mail.your-domain), not a name the provider generated from the address; many receivers treat generic names as home connections.",
    },
    Rule {
        prefix: "helo.",
        weight: 42,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "Configure the sending server to greet (HELO/EHLO) with its own full host name, one that resolves to its IP address and matches its reverse DNS.",
    },
    Rule {
        prefix: "spf.fail",
        weight: 86,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "",
    },
    Rule {
        prefix: "spf.permerror",
        weight: 83,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "Correct the SPF record (see its problems in the Authentication section): receivers treat a broken record like a failure or ignore it.",
    },
    Rule {
        prefix: "dmarc.fail",
        weight: 87,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "Make SPF or DKIM pass for a domain that matches the From address: sign with DKIM for the From domain (d= your domain) at the sending service, or use a Return-Path (bounce) domain under your domain that the service's SPF covers.",
    },
    Rule {
        prefix: "dkim.verify-fail",
        weight: 75,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "Compare the key published in DNS with the one the sending server signs with (a key rotated on one side only is the usual cause); if they match, something changes the message after signing (a gateway, a footer).",
    },
    Rule {
        prefix: "dkim.verify-permerror",
        weight: 70,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "Publish the signing key at the selector the signature names (selector._domainkey.domain TXT), or have the sending service sign with a selector whose key is published.",
    },
    Rule {
        prefix: "spf.softfail",
        weight: 64,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "",
    },
    Rule {
        prefix: "spf.none",
        weight: 50,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "Publish an SPF record (a TXT record starting v=spf1) listing the servers and services that send the domain's mail, ending in -all or ~all.",
    },
    Rule {
        prefix: "dmarc.none",
        weight: 35,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "Publish a DMARC record at _dmarc.your-domain, starting with v=DMARC1; p=none; rua=mailto:... to collect reports, then tighten to quarantine or reject once SPF and DKIM pass.",
    },
    Rule {
        prefix: "spf.lint.",
        weight: 30,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "",
    },
    Rule {
        prefix: "dmarc.lint.",
        weight: 25,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "",
    },
    Rule {
        prefix: "dkim.none",
        weight: 45,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "Turn on DKIM signing where the domain's mail is sent from (the hosting panel, Google Workspace, Microsoft 365 or the mailing service) and publish the key record it gives you in the domain's DNS.",
    },
    Rule {
        prefix: "mx.no-domain",
        weight: 40,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "Send from a domain that exists in DNS; receivers refuse mail from domains that do not, and replies cannot arrive.",
    },
    Rule {
        prefix: "mx.none",
        weight: 32,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "Publish MX records for the domain (or a null MX if it never receives mail), so that replies and bounces can be delivered.",
    },
    Rule {
        prefix: "mx-recipient.no-domain",
        weight: 38,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "Check the recipient's address for a typo in the domain: that domain does not exist, so no mail can reach it.",
    },
    Rule {
        prefix: "mx-recipient.",
        weight: 26,
        party: Party::Receiver,
        certainty: Certainty::Certain,
        fix: "",
    },
    Rule {
        prefix: "mx.",
        weight: 28,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "",
    },
    Rule {
        prefix: "rdns.missing",
        weight: 55,
        party: Party::Sender,
        certainty: Certainty::Certain,
        fix: "Ask whoever provides the sending server's IP address (the hosting or Internet provider) to set a reverse DNS (PTR) name for it, such as mail.your-domain, with an A record that points back to the same address.",
    },
    Rule {
        prefix: "arc.broken",
        weight: 30,
        party: Party::Unknown,
        certainty: Certainty::Likely,
        fix: "Usually nothing for the sender to do: a forwarder or mailing list changed the message after sealing it.",
    },
    Rule {
        prefix: "sender.",
        weight: 40,
        party: Party::Sender,
        certainty: Certainty::Likely,
        fix: "",
    },
    Rule {
        prefix: "received.",
        weight: 20,
        party: Party::Unknown,
        certainty: Certainty::Likely,
        fix: "",
    },
];

/// The diagnosis of a finished report.
pub fn diagnose(report: &Report) -> Diagnosis {
    let outcome = outcome(report);
    // A bounce without the returned message: its own headers are the bouncing server's, so
    // only the bounce's findings say anything about the customer's message.
    let bounce_only = report.bounce.as_ref().is_some_and(|b| {
        b.original.is_none() && b.kind != crate::checks::bounce::BounceKind::AutoReply
    });
    let mut causes: Vec<(u8, Cause)> = report
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .filter(|f| !bounce_only || f.code.starts_with("bounce."))
        // The spam verdict is the outcome itself; its reasons are the rules that scored.
        .filter(|f| !(outcome == Outcome::Spam && f.code == "spam.flagged"))
        .filter_map(cause)
        .collect();
    if outcome == Outcome::Spam {
        causes.extend(spam_rules(report));
    }
    // A live failure of a check the receiver recorded as passing did not affect this message:
    // it tells what changed since (a key rotated, a record edited). It stays, lower and likely.
    if let Some(auth) = &report.auth {
        for (weight, cause) in causes.iter_mut() {
            let Some(method) = topic(&cause.code) else {
                continue;
            };
            if !cause.code.starts_with(method) {
                continue;
            }
            if let Some(c) = auth
                .comparison
                .iter()
                .find(|c| c.method == method && !c.agree && c.then == "pass")
            {
                *weight = 25;
                cause.certainty = Certainty::Likely;
                cause.detail = format!("{} {}", c.explanation, cause.detail);
            }
        }
    }
    causes.sort_by_key(|a| std::cmp::Reverse(a.0));
    // One cause per topic: a receiver's recorded SPF fail and the live SPF fail are one
    // problem; the lower-ranked one lends its evidence to the first.
    let mut merged: Vec<Cause> = Vec::new();
    for (_, mut cause) in causes {
        if let Some(fix) = dynamic_fix(report, &cause.code) {
            cause.fix = Some(fix);
        }
        let topic = topic(&cause.code);
        match merged
            .iter_mut()
            .find(|c| topic.is_some() && self::topic(&c.code) == topic)
        {
            Some(first) => {
                for e in cause.evidence {
                    if first.evidence.len() < 6 && !first.evidence.contains(&e) {
                        first.evidence.push(e);
                    }
                }
                if first.fix.is_none() {
                    first.fix = cause.fix;
                }
            }
            None => merged.push(cause),
        }
    }
    let causes: Vec<Cause> = merged.into_iter().take(MAX_CAUSES).collect();
    let headline = headline(report, outcome, causes.first());
    Diagnosis {
        outcome,
        headline,
        causes,
    }
}

/// The authentication method a finding is about, for merging the recorded and live results.
fn topic(code: &str) -> Option<&'static str> {
    if code.contains(".lint.") {
        return None;
    }
    for method in ["spf", "dkim", "dmarc"] {
        if code.starts_with(&format!("{method}.verify-"))
            || (method != "dkim" && code.starts_with(&format!("{method}.")))
            || code.starts_with(&format!("recorded.{method}-"))
            || (method == "spf" && code.starts_with("recorded.received-spf-"))
        {
            return Some(method);
        }
    }
    None
}

/// A fix worded for this message, from the live results.
fn dynamic_fix(report: &Report, code: &str) -> Option<String> {
    if code.starts_with("bounce.") {
        return bounce_fix(report, code);
    }
    let auth = report.auth.as_ref()?;
    let spf = auth.spf.mail_from_result.as_ref();
    match code {
        c if c.starts_with("blocklist.") => dynamic_fix_lists(report, c),
        "spf.fail"
        | "spf.softfail"
        | "recorded.spf-fail"
        | "recorded.spf-softfail"
        | "recorded.received-spf-fail"
        | "recorded.received-spf-softfail" => {
            let o = spf?;
            let ip = auth.spf.ip?;
            let mech = match ip {
                core::net::IpAddr::V4(_) => "ip4",
                core::net::IpAddr::V6(_) => "ip6",
            };
            Some(format!(
                "The SPF record of {d} does not include the server that sent this message, {ip}. If that server (or the service it belongs to) sends mail for {d}, add `{mech}:{ip}` to the record at {d} (or the `include:` the service documents); if not, the message did not come from {d}'s own systems.",
                d = o.domain
            ))
        }
        _ => None,
    }
}

/// A bounce's advice, with the blocklist's delisting page when the bounce names one.
fn bounce_fix(report: &Report, code: &str) -> Option<String> {
    let b = report.bounce.as_ref()?;
    let r = b
        .recipients
        .iter()
        .find(|r| format!("bounce.{}", r.reason.name()) == code)?;
    let mut fix = r.advice.clone();
    if let Some(list) = &r.blocklist {
        fix.push_str(&format!(
            " The bounce names {}: check the listing at {} and ask for removal at {}.",
            list.name, list.lookup_url, list.delist_url
        ));
    }
    if let Some(method) = &r.auth {
        let method = method.replace('_', " and ").to_ascii_uppercase();
        if b.original.is_some() {
            fix.push_str(&format!(
                " The bounce names {method}: the Authentication section shows that check for the returned message."
            ));
        } else {
            fix.push_str(&format!(
                " The bounce names {method}, but it does not carry the returned message: paste the original message's headers to have its {method} checked."
            ));
        }
    }
    Some(fix)
}

fn dynamic_fix_lists(report: &Report, code: &str) -> Option<String> {
    match code {
        "blocklist.ip.listed" | "blocklist.domain.listed" => {
            let rep = report.reputation.as_ref()?;
            let listed: Vec<&crate::checks::reputation::ListResult> = rep
                .blocklists
                .iter()
                .flat_map(|b| b.lists.iter())
                .chain(rep.domain_lists.iter().flat_map(|d| d.lists.iter()))
                .filter(|l| l.status == crate::checks::reputation::ListStatus::Listed)
                .collect();
            let first = listed.first()?;
            Some(format!(
                "Find and stop what got the address listed (a compromised account or website, a bulk send to old addresses), then ask {} to remove it{}. Check the listing yourself first at {}.",
                first.list,
                first
                    .delist_url
                    .as_deref()
                    .map(|u| format!(" at {u}"))
                    .unwrap_or_default(),
                first
                    .lookup_url
                    .as_deref()
                    .unwrap_or("the list's lookup page")
            ))
        }
        _ => None,
    }
}

fn outcome(report: &Report) -> Outcome {
    if let Some(b) = &report.bounce {
        use crate::checks::bounce::{BounceKind, RefusedBy};
        match b.kind {
            BounceKind::Bounce if b.refused_by == RefusedBy::SenderServerAtSend => {
                return Outcome::Rejected;
            }
            BounceKind::Bounce => return Outcome::Bounced,
            BounceKind::AutoReply => return Outcome::Delivered,
            BounceKind::Delay => return Outcome::Delayed,
            BounceKind::Feedback => return Outcome::Complaint,
            BounceKind::NotBounce => {}
        }
    }
    if report.spam.iter().any(|v| v.is_spam == Some(true)) {
        return Outcome::Spam;
    }
    if !report.hops.is_empty() {
        return Outcome::Delivered;
    }
    Outcome::Unknown
}

/// The rules that added the most to the scores of the filters that said spam.
fn spam_rules(report: &Report) -> Option<(u8, Cause)> {
    let mut items: Vec<(
        &crate::checks::spam::SpamVerdict,
        &crate::checks::spam::SpamItem,
    )> = report
        .spam
        .iter()
        .filter(|v| v.is_spam == Some(true))
        .flat_map(|v| v.items.iter().map(move |i| (v, i)))
        .filter(|(_, i)| i.score.is_some_and(|s| s > 0.0))
        .collect();
    items.sort_by(|a, b| {
        let (x, y) = (a.1.score.unwrap_or(0.0), b.1.score.unwrap_or(0.0));
        y.partial_cmp(&x).unwrap_or(std::cmp::Ordering::Equal)
    });
    items.truncate(3);
    if items.is_empty() {
        return None;
    }
    let names: Vec<String> = items
        .iter()
        .map(|(_, i)| {
            format!(
                "{} (+{})",
                i.code,
                crate::checks::spam::fmt_num(i.score.unwrap_or(0.0))
            )
        })
        .collect();
    let detail = items
        .iter()
        .map(|(_, i)| match &i.meaning {
            Some(m) => format!("{}: {m}", i.code),
            None => format!("{}: (the filter's own rule; no description known)", i.code),
        })
        .collect::<Vec<_>>()
        .join(" ");
    Some((
        88,
        Cause {
            code: "spam.top-rules".into(),
            title: format!("The spam score came mostly from {}.", names.join(", ")),
            detail,
            fix: Some("Fix what these rules point at, starting with the highest score; rules about the sender's setup (authentication, reverse DNS, blocklists) matter more than wording.".into()),
            certainty: Certainty::Certain,
            party: Party::Receiver,
            evidence: items
                .iter()
                .map(|(v, _)| Evidence { line: Some(v.line), text: v.header.clone() })
                .take(1)
                .collect(),
        },
    ))
}

fn cause(finding: &Finding) -> Option<(u8, Cause)> {
    let rule = RULES.iter().find(|r| finding.code.starts_with(r.prefix));
    let (weight, party, certainty, fix) = match rule {
        Some(r) => (r.weight, r.party, r.certainty, r.fix),
        None => (10, Party::Unknown, Certainty::Likely, ""),
    };
    // A bounce's reason says whose side it is on.
    let party = match finding.code.strip_prefix("bounce.") {
        Some(
            "authfailure" | "blocked" | "badreputation" | "requireptr" | "spamdetected"
            | "policyviolation" | "rejected" | "norelaying" | "securityerror" | "contenterror"
            | "virusdetected" | "mesgtoobig" | "syntaxerror" | "notcompliantrfc",
        ) => Party::Sender,
        Some(
            "userunknown" | "mailboxfull" | "hostunknown" | "suspend" | "hasmoved" | "filtered",
        ) => Party::Receiver,
        _ => party,
    };
    // Problems outrank warnings of the same weight.
    let weight = if finding.severity == Severity::Problem {
        weight.saturating_add(5)
    } else {
        weight
    };
    Some((
        weight,
        Cause {
            code: finding.code.clone(),
            title: finding.title.clone(),
            detail: finding.detail.clone(),
            fix: (!fix.is_empty()).then(|| fix.to_string()),
            certainty,
            party,
            evidence: finding.evidence.clone(),
        },
    ))
}

fn headline(report: &Report, outcome: Outcome, top: Option<&Cause>) -> String {
    let what = match outcome {
        Outcome::Delivered => "The message was delivered to the recipient's server".to_string(),
        Outcome::Spam => {
            let filters: Vec<&str> = report
                .spam
                .iter()
                .filter(|v| v.is_spam == Some(true))
                .map(|v| v.filter.as_str())
                .collect();
            format!(
                "The message was delivered but marked as spam by {}",
                join_names(&filters)
            )
        }
        Outcome::Rejected => "The message was refused by the receiving server".to_string(),
        Outcome::Bounced => "The message bounced: it came back undelivered".to_string(),
        Outcome::Delayed => {
            "The message is not delivered yet: a server could not pass it on and will keep trying"
                .to_string()
        }
        Outcome::Complaint => {
            "The message was delivered, and the recipient reported it as spam".to_string()
        }
        Outcome::Unknown => {
            "The pasted text does not show what happened to the message".to_string()
        }
    };
    match top {
        Some(cause) if outcome == Outcome::Delivered && cause.certainty == Certainty::Certain => {
            format!("{what}, but {}", lower_first(&cause.title))
        }
        Some(cause) if outcome == Outcome::Unknown => {
            format!("{what}. Worth checking: {}", lower_first(&cause.title))
        }
        Some(_) if outcome == Outcome::Complaint => {
            format!("{what} (a feedback report, not a bounce).")
        }
        Some(cause) if outcome != Outcome::Delivered => {
            let lead = match cause.certainty {
                Certainty::Certain => "the main reason",
                Certainty::Likely => "the likely reason",
            };
            format!("{what}; {lead}: {}", lower_first(&cause.title))
        }
        Some(_) => format!("{what}. Some things are worth fixing (below)."),
        None => format!("{what}. Nothing in it points to a problem."),
    }
}

fn join_names(names: &[&str]) -> String {
    let mut unique: Vec<&str> = Vec::new();
    for n in names {
        if !unique.contains(n) {
            unique.push(n);
        }
    }
    match unique.as_slice() {
        [] => "a filter".to_string(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The text with its first letter lowercased when it starts with a common word (never a name
/// such as "SpamAssassin" or an acronym).
fn lower_first(text: &str) -> String {
    const WORDS: &[&str] = &[
        "The", "A", "An", "This", "No", "Your", "It", "Its", "One", "Some",
    ];
    let first = text.split(' ').next().unwrap_or_default();
    if WORDS.contains(&first) {
        let mut out = first.to_ascii_lowercase();
        out.push_str(&text[first.len()..]);
        out
    } else {
        text.to_string()
    }
}
