//! Forward-confirmed reverse DNS, generic (ISP-style) reverse names, and the HELO name.

use super::{
    Ctx, Got, Lookup, addr_type, addresses, canonical_ip, evidence_of, finding, host_name,
};
use crate::dns::{Answers, Question, RData, RecordType, Step};
use crate::vocab::finding::{Finding, Severity};
use core::net::IpAddr;
use serde::{Deserialize, Serialize};

/// At most this many PTR names are followed.
pub const MAX_PTR_NAMES: usize = 10;

/// The outcome of forward-confirmed reverse DNS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FcrdnsStatus {
    /// A reverse name points back to the address.
    Confirmed,
    /// The reverse names exist, but none points back to the address.
    Mismatch,
    /// The address has no reverse name.
    NoPtr,
    /// A lookup failed, so it is unknown.
    CouldNotCheck,
    /// Waiting for answers.
    Pending,
}

/// One reverse (PTR) name of the address and where it points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PtrName {
    /// The name.
    pub name: String,
    /// The addresses it resolves to (of the same family as the address).
    pub addresses: Vec<String>,
    /// Whether one of them is the address.
    pub matches: bool,
    /// What the forward lookup gave, in a few words.
    pub note: String,
}

/// A reverse name that looks like an ISP's generic name for a home or dynamic address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GenericPtr {
    /// The name.
    pub name: String,
    /// The part of it that matched.
    pub matched: String,
    /// Why that part suggests a generic name.
    pub why: String,
}

/// Forward-confirmed reverse DNS for an address: its PTR names, each looked up again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Fcrdns {
    /// The address.
    pub ip: String,
    /// The outcome.
    pub status: FcrdnsStatus,
    /// The reverse names (at most 10), each with its forward lookup.
    pub names: Vec<PtrName>,
    /// The first name that points back to the address.
    pub confirmed_name: Option<String>,
    /// Names that look generic.
    pub generic: Vec<GenericPtr>,
    /// What it means.
    pub explanation: String,
    /// The DNS answers used.
    pub evidence: Vec<Lookup>,
}

fn fcrdns_eval(ip: IpAddr, ctx: &mut Ctx) -> Fcrdns {
    let ip = canonical_ip(ip);
    let q = Question::reverse(ip);
    let mut out = Fcrdns {
        ip: ip.to_string(),
        status: FcrdnsStatus::Pending,
        names: Vec::new(),
        confirmed_name: None,
        generic: Vec::new(),
        explanation: String::new(),
        evidence: Vec::new(),
    };
    let got = ctx.ask(&q);
    out.evidence.push(ctx.lookup(&q));
    let shown = out.ip.clone();
    match got {
        Got::Pending => out.explanation = "Waiting for the reverse DNS answer.".into(),
        Got::Failed(why) => {
            out.status = FcrdnsStatus::CouldNotCheck;
            out.explanation = format!("The reverse DNS of {shown} could not be checked: {why}.");
        }
        Got::NxDomain | Got::NoData => {
            out.status = FcrdnsStatus::NoPtr;
            out.explanation = format!(
                "{shown} has no reverse DNS name (PTR record: the name an address gives for itself). Many receivers distrust or refuse mail from such addresses; the owner of the address (hosting or Internet provider) can set one."
            );
        }
        Got::Data(data) => {
            let (mut pending, mut failed) = (false, false);
            for rdata in data.iter().take(MAX_PTR_NAMES) {
                let RData::Ptr(raw) = rdata else { continue };
                let Some(name) = host_name(raw) else {
                    out.names.push(PtrName {
                        name: crate::vocab::text::clip_ellipsis(raw, 255),
                        addresses: Vec::new(),
                        matches: false,
                        note: "not a valid host name".into(),
                    });
                    continue;
                };
                if let Some(g) = generic_ptr(&name, ip) {
                    out.generic.push(g);
                }
                let fq = Question::new(&name, addr_type(ip));
                let got = ctx.ask(&fq);
                out.evidence.push(ctx.lookup(&fq));
                let mut entry = PtrName {
                    name: name.clone(),
                    addresses: Vec::new(),
                    matches: false,
                    note: String::new(),
                };
                match got {
                    Got::Pending => {
                        pending = true;
                        entry.note = "pending".into();
                    }
                    Got::Failed(why) => {
                        failed = true;
                        entry.note = why;
                    }
                    Got::NxDomain => entry.note = "the name does not exist".into(),
                    Got::NoData => entry.note = format!("the name has no {} record", fq.rtype),
                    Got::Data(d) => {
                        let addrs = addresses(&d);
                        entry.matches = addrs.contains(&ip);
                        entry.addresses = addrs.iter().take(16).map(|a| a.to_string()).collect();
                        entry.note = if entry.matches {
                            "points back to the address".into()
                        } else {
                            "points to other addresses".into()
                        };
                    }
                }
                if entry.matches && out.confirmed_name.is_none() {
                    out.confirmed_name = Some(name);
                }
                out.names.push(entry);
            }
            let list = out
                .names
                .iter()
                .map(|n| n.name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            (out.status, out.explanation) = if let Some(name) = &out.confirmed_name {
                (
                    FcrdnsStatus::Confirmed,
                    format!(
                        "The reverse DNS name of {shown} is {name}, and {name} points back to {shown}: forward-confirmed, as receivers expect."
                    ),
                )
            } else if pending {
                (
                    FcrdnsStatus::Pending,
                    format!("Waiting for the addresses of {list}."),
                )
            } else if failed {
                (
                    FcrdnsStatus::CouldNotCheck,
                    format!(
                        "The reverse DNS name of {shown} is {list}, but looking that name up failed, so it is unknown whether it points back."
                    ),
                )
            } else {
                (
                    FcrdnsStatus::Mismatch,
                    format!(
                        "The reverse DNS name of {shown} is {list} (its PTR record: the name an address gives for itself), but that name does not point back to {shown}. Receivers treat such a name as unconfirmed and some refuse the mail; the provider of the address should make the reverse name and the name's address record agree."
                    ),
                )
            };
        }
    }
    out
}

/// Forward-confirmed reverse DNS: the address's PTR names, then each name's A (IPv4) or AAAA
/// (IPv6) records, all asked in one round.
pub fn fcrdns(ip: IpAddr, answers: &dyn Answers) -> Step<Fcrdns> {
    let mut ctx = Ctx::new(answers);
    let result = fcrdns_eval(ip, &mut ctx);
    ctx.finish(result)
}

/// [`fcrdns`] as it stands.
pub fn fcrdns_snapshot(ip: IpAddr, answers: &dyn Answers) -> Fcrdns {
    fcrdns_eval(ip, &mut Ctx::new(answers))
}

impl Fcrdns {
    /// Report findings.
    pub fn findings(&self) -> Vec<Finding> {
        let ev = evidence_of(&self.evidence);
        let ip = &self.ip;
        let mut out = Vec::new();
        let f = match self.status {
            FcrdnsStatus::Confirmed => Some((
                "rdns.fcrdns-ok",
                Severity::Info,
                format!("The reverse DNS of {ip} is forward-confirmed."),
            )),
            FcrdnsStatus::Mismatch => Some((
                "rdns.fcrdns-mismatch",
                Severity::Warning,
                format!("The reverse DNS name of {ip} does not point back to it."),
            )),
            FcrdnsStatus::NoPtr => Some((
                "rdns.missing",
                Severity::Warning,
                format!("{ip} has no reverse DNS name."),
            )),
            FcrdnsStatus::CouldNotCheck => Some((
                "rdns.temperror",
                Severity::Info,
                format!("Could not check the reverse DNS of {ip}."),
            )),
            FcrdnsStatus::Pending => None,
        };
        if let Some((code, severity, title)) = f {
            out.push(finding(code, severity, title, self.explanation.clone(), ev));
        }
        for g in &self.generic {
            out.push(finding(
                "rdns.generic",
                Severity::Warning,
                format!("The reverse name {} looks like a home or dynamic address.", g.name),
                format!("{} Receivers often score such names as likely spam from infected home computers. A mail server should have a name of its own (like mail.example.com), set by the provider of the address.", g.why),
                Vec::new(),
            ));
        }
        out
    }
}

/// Words that providers put in the names of home, dynamic and pool addresses.
const GENERIC_WORDS: &[&str] = &[
    "dhcp",
    "dyn",
    "dynamic",
    "dynip",
    "pool",
    "client",
    "clients",
    "broadband",
    "dsl",
    "adsl",
    "vdsl",
    "xdsl",
    "sdsl",
    "cable",
    "ppp",
    "pppoe",
    "dialup",
    "dial",
    "dialin",
    "dip",
    "static",
    "staticip",
    "cpe",
    "cust",
    "customer",
    "residential",
    "res",
    "home",
    "user",
    "users",
    "fios",
    "ftth",
    "fttx",
    "nat",
    "unassigned",
    "mobile",
    "wireless",
    "wlan",
];

/// Whether a reverse name looks generic: the address's numbers in it (dashed, dotted, reversed,
/// zero-padded or hex), or a word providers use for home and dynamic addresses (`dsl`,
/// `dynamic`, `pool`, ...). Only the labels left of the organization domain are read.
pub fn generic_ptr(name: &str, ip: IpAddr) -> Option<GenericPtr> {
    let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
    if name.len() > 253 {
        return None;
    }
    let host = match crate::vocab::domain::org_domain(&name) {
        Some(org) => name
            .strip_suffix(org.as_str())
            .unwrap_or(&name)
            .trim_end_matches('.'),
        None => name.as_str(),
    };
    let make = |matched: &str, why: String| GenericPtr {
        name: name.clone(),
        matched: matched.to_string(),
        why,
    };
    if let Some(part) = ip_digits(host, canonical_ip(ip)) {
        let why = format!(
            "The name contains the address's own numbers ({part}), as providers' automatic names do."
        );
        return Some(make(part, why));
    }
    for token in host.split(|c: char| !c.is_ascii_alphanumeric()) {
        let word = token.trim_matches(|c: char| c.is_ascii_digit());
        if GENERIC_WORDS.contains(&word) {
            let why = format!(
                "The name contains \"{token}\", a word providers use for home, dynamic or pooled addresses."
            );
            return Some(make(token, why));
        }
    }
    None
}

/// The part of `host` that spells the address, if any.
fn ip_digits(host: &str, ip: IpAddr) -> Option<&str> {
    let b = host.as_bytes();
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            // digit runs: (start, end, value)
            let mut runs: Vec<(usize, usize, u32)> = Vec::new();
            let mut i = 0;
            while i < b.len() && runs.len() < 64 {
                if b[i].is_ascii_digit() {
                    let start = i;
                    while i < b.len() && b[i].is_ascii_digit() {
                        i += 1;
                    }
                    let text = host.get(start..i).unwrap_or("");
                    let padded =
                        |x: [u8; 4]| x.iter().map(|v| format!("{v:03}")).collect::<String>();
                    if text.len() == 12
                        && (text == padded(o) || text == padded([o[3], o[2], o[1], o[0]]))
                    {
                        return Some(text);
                    }
                    let value = if text.len() <= 3 {
                        text.parse().unwrap_or(u32::MAX)
                    } else {
                        u32::MAX
                    };
                    runs.push((start, i, value));
                } else {
                    i += 1;
                }
            }
            let fwd: Vec<u32> = o.iter().map(|&x| u32::from(x)).collect();
            let rev: Vec<u32> = fwd.iter().rev().copied().collect();
            for w in runs.windows(3) {
                // runs separated by exactly one character
                if w[1].0 != w[0].1 + 1 || w[2].0 != w[1].1 + 1 {
                    continue;
                }
                let vals = [w[0].2, w[1].2, w[2].2];
                let hit = [&fwd, &rev]
                    .iter()
                    .any(|seq| seq.windows(3).any(|s| s == vals));
                if hit {
                    let mut end = w[2].1;
                    // take a fourth octet when it follows
                    if let Some(next) = runs.iter().find(|r| r.0 == end + 1) {
                        end = next.1;
                    }
                    return host.get(w[0].0..end);
                }
            }
            let hex = format!("{:08x}", u32::from(v4));
            host.find(&hex).and_then(|p| host.get(p..p + 8))
        }
        IpAddr::V6(v6) => {
            let dashed = v6.to_string().replace(':', "-");
            if dashed.len() > 6
                && let Some(p) = host.find(&dashed)
            {
                return host.get(p..p + dashed.len());
            }
            None
        }
    }
}

/// The shape of a HELO/EHLO name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum HeloForm {
    /// A fully qualified domain name (`mail.example.com`).
    Fqdn,
    /// A single word (`localhost`, `server1`).
    BareWord,
    /// An address in brackets (`[192.0.2.1]`), as RFC 5321 allows.
    AddressLiteral,
    /// An address without brackets, which RFC 5321 does not allow.
    UnbracketedIp,
    /// Characters a host name cannot have.
    Invalid,
    /// No name at all.
    Missing,
}

/// The verdict on a HELO/EHLO name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum HeloStatus {
    /// A proper name that resolves to the address or is its reverse name (or a literal of the
    /// address itself).
    Good,
    /// A proper name, but it points elsewhere (common behind load balancers; some receivers
    /// score it).
    Mismatch,
    /// A proper name that does not exist in DNS.
    NotFound,
    /// Not a valid HELO name.
    Bad,
    /// A lookup failed.
    CouldNotCheck,
    /// Waiting for answers.
    Pending,
}

/// The check of the name a server gave in HELO/EHLO.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HeloCheck {
    /// The name as given (shortened when very long).
    pub helo: String,
    /// Its shape.
    pub form: HeloForm,
    /// The verdict.
    pub status: HeloStatus,
    /// Its A and AAAA addresses.
    pub addresses: Vec<String>,
    /// Whether it resolves to the sending address (or, for a literal, is it).
    pub matches_ip: bool,
    /// Whether it is one of the address's reverse names.
    pub matches_ptr: bool,
    /// What it means.
    pub explanation: String,
    /// The DNS answers used.
    pub evidence: Vec<Lookup>,
}

fn helo_form(helo: &str) -> (HeloForm, Option<IpAddr>) {
    if helo.is_empty() {
        return (HeloForm::Missing, None);
    }
    if let Some(inner) = helo.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        let inner = match inner.get(..5) {
            Some(p) if p.eq_ignore_ascii_case("ipv6:") => inner.get(5..).unwrap_or(""),
            _ => inner,
        };
        return match inner.parse::<IpAddr>() {
            Ok(ip) => (HeloForm::AddressLiteral, Some(canonical_ip(ip))),
            Err(_) => (HeloForm::Invalid, None),
        };
    }
    if let Ok(ip) = helo.parse::<IpAddr>() {
        return (HeloForm::UnbracketedIp, Some(canonical_ip(ip)));
    }
    let bare = helo.strip_suffix('.').unwrap_or(helo);
    if !bare.is_empty()
        && !bare.contains('.')
        && bare
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
    {
        return (HeloForm::BareWord, None);
    }
    match host_name(helo) {
        Some(_) => (HeloForm::Fqdn, None),
        None => (HeloForm::Invalid, None),
    }
}

fn helo_eval(helo: &str, ip: IpAddr, ptr_names: &[String], ctx: &mut Ctx) -> HeloCheck {
    let ip = canonical_ip(ip);
    let raw = helo.trim();
    let (form, literal) = helo_form(raw);
    let shown = crate::vocab::text::clip_ellipsis(raw, 255);
    let mut out = HeloCheck {
        helo: shown.clone(),
        form,
        status: HeloStatus::Bad,
        addresses: Vec::new(),
        matches_ip: false,
        matches_ptr: false,
        explanation: String::new(),
        evidence: Vec::new(),
    };
    let rfc = "RFC 5321 asks for the server's full name (like mail.example.com) or its address in brackets";
    match form {
        HeloForm::Missing => {
            out.explanation =
                format!("The server gave no HELO name. {rfc}; many receivers refuse a missing one.")
        }
        HeloForm::BareWord => {
            out.explanation = format!(
                "The server introduced itself as \"{shown}\", a single word, not a full name. {rfc}; many receivers refuse or score such names. Set the server's host name to its public name."
            )
        }
        HeloForm::UnbracketedIp => {
            out.explanation = format!(
                "The server introduced itself with a bare address ({shown}). {rfc}, so an address must be written [{shown}]; many receivers refuse this form."
            )
        }
        HeloForm::Invalid => {
            out.explanation =
                format!("The HELO name \"{shown}\" has characters a host name cannot have. {rfc}.")
        }
        HeloForm::AddressLiteral => {
            out.matches_ip = literal == Some(ip);
            if out.matches_ip {
                out.status = HeloStatus::Good;
                out.explanation = format!(
                    "The server introduced itself with its own address in brackets ({shown}). That is allowed; a name is better liked by receivers."
                );
            } else {
                out.status = HeloStatus::Mismatch;
                out.explanation = format!(
                    "The server introduced itself as {shown}, but it connected from {ip}. Receivers may see this as forged."
                );
            }
        }
        HeloForm::Fqdn => {
            let name = host_name(raw).unwrap_or_default();
            out.matches_ptr = ptr_names
                .iter()
                .any(|p| p.trim_end_matches('.').eq_ignore_ascii_case(&name));
            let (qa, q6) = (
                Question::new(&name, RecordType::A),
                Question::new(&name, RecordType::Aaaa),
            );
            let (ga, g6) = (ctx.ask(&qa), ctx.ask(&q6));
            out.evidence.push(ctx.lookup(&qa));
            out.evidence.push(ctx.lookup(&q6));
            let (mut pending, mut failed, mut found) = (false, false, false);
            for got in [ga, g6] {
                match got {
                    Got::Pending => pending = true,
                    Got::Failed(_) => failed = true,
                    Got::NxDomain => {}
                    Got::NoData => found = true,
                    Got::Data(d) => {
                        found = true;
                        let addrs = addresses(&d);
                        out.matches_ip |= addrs.contains(&ip);
                        out.addresses
                            .extend(addrs.iter().take(16).map(|a| a.to_string()));
                    }
                }
            }
            let also_ptr = if out.matches_ptr {
                " It is also the address's reverse name."
            } else {
                ""
            };
            (out.status, out.explanation) = if out.matches_ip {
                (
                    HeloStatus::Good,
                    format!(
                        "The HELO name {name} is a full name that points to the sending address {ip}.{also_ptr}"
                    ),
                )
            } else if out.matches_ptr {
                (
                    HeloStatus::Good,
                    format!(
                        "The HELO name {name} is the reverse name of the sending address {ip}."
                    ),
                )
            } else if pending {
                (
                    HeloStatus::Pending,
                    format!("Waiting for the addresses of {name}."),
                )
            } else if failed {
                (
                    HeloStatus::CouldNotCheck,
                    format!(
                        "Looking up the HELO name {name} failed, so it is unknown whether it points to {ip}."
                    ),
                )
            } else if out.addresses.is_empty() && !found {
                (
                    HeloStatus::NotFound,
                    format!(
                        "The HELO name {name} does not exist in DNS. Some receivers refuse such names; the server should introduce itself with a name that resolves to its address."
                    ),
                )
            } else {
                (
                    HeloStatus::Mismatch,
                    format!(
                        "The HELO name {name} exists but does not point to {ip}, and is not its reverse name. Common behind shared or load-balanced servers; a few receivers score it. Best: a name whose address is {ip}."
                    ),
                )
            };
        }
    }
    out
}

/// Checks the name a server gave in HELO/EHLO (taken from the Received line) against the
/// address it connected from and that address's reverse names. A full name's A and AAAA are
/// asked in one round; other forms need no DNS.
pub fn check_helo(
    helo: &str,
    ip: IpAddr,
    ptr_names: &[String],
    answers: &dyn Answers,
) -> Step<HeloCheck> {
    let mut ctx = Ctx::new(answers);
    let result = helo_eval(helo, ip, ptr_names, &mut ctx);
    ctx.finish(result)
}

/// [`check_helo`] as it stands.
pub fn check_helo_snapshot(
    helo: &str,
    ip: IpAddr,
    ptr_names: &[String],
    answers: &dyn Answers,
) -> HeloCheck {
    helo_eval(helo, ip, ptr_names, &mut Ctx::new(answers))
}

impl HeloCheck {
    /// Report findings.
    pub fn findings(&self) -> Vec<Finding> {
        let h = &self.helo;
        let (code, severity, title) = match self.status {
            HeloStatus::Good => (
                "helo.ok",
                Severity::Info,
                format!("The HELO name {h} matches the sending server."),
            ),
            HeloStatus::Mismatch => (
                "helo.mismatch",
                Severity::Info,
                format!("The HELO name {h} does not match the sending address."),
            ),
            HeloStatus::NotFound => (
                "helo.not-found",
                Severity::Warning,
                format!("The HELO name {h} does not exist in DNS."),
            ),
            HeloStatus::Bad => (
                "helo.invalid",
                Severity::Warning,
                format!("The HELO name \"{h}\" is not a proper host name."),
            ),
            HeloStatus::CouldNotCheck => (
                "helo.temperror",
                Severity::Info,
                format!("Could not check the HELO name {h}."),
            ),
            HeloStatus::Pending => return Vec::new(),
        };
        vec![finding(
            code,
            severity,
            title,
            self.explanation.clone(),
            evidence_of(&self.evidence),
        )]
    }
}
