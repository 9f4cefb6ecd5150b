//! The evaluator: RFC 7208 sections 4 to 7, re-run from the start on every call.

use super::parse::{self, Cidr, Kind, Mech, Piece, Record};
use super::{Identity, SpfInput, SpfOutcome, SpfResult, TraceStep};
use crate::dns::{Answer, Answers, Question, RData, Rcode, RecordType, Step};
use crate::vocab::text::clip_ellipsis;
use core::net::IpAddr;

const MAX_LOOKUPS: u32 = 10;
const MAX_VOID: u32 = 2;
const MAX_NAMES: usize = 10;
const MAX_TRACE: usize = 120;
const MAX_PREFETCH: usize = 40;
const MAX_DEPTH: u32 = 12;
const MAX_EXPANDED: usize = 2048;
/// The record a "best guess" receiver assumes when a domain publishes none.
pub const GUESS_RECORD: &str = "v=spf1 a mx ptr -all";

/// Checks the MAIL FROM identity (or `postmaster@` the HELO name when MAIL FROM is empty).
pub fn check_host(input: &SpfInput, answers: &dyn Answers) -> Step<SpfOutcome> {
    run(input, Identity::MailFrom, None, answers)
}

/// Checks the HELO identity (RFC 7208 section 2.3).
pub fn check_helo(input: &SpfInput, answers: &dyn Answers) -> Step<SpfOutcome> {
    run(input, Identity::Helo, None, answers)
}

/// Evaluates the guess `v=spf1 a mx ptr -all` for the MAIL FROM domain, as receivers that
/// "guess" do for domains without SPF. Its `record` is the guessed record.
pub fn check_guess(input: &SpfInput, answers: &dyn Answers) -> Step<SpfOutcome> {
    run(input, Identity::MailFrom, Some(GUESS_RECORD), answers)
}

/// How a term came out.
enum Flow {
    Match,
    NoMatch,
    Temp(String),
    Perm(String),
    Wait,
}

/// A DNS outcome as a check sees it.
enum Got<'a> {
    Wait,
    Fail(String),
    Ans(&'a Answer),
}

/// The result of one check_host() level.
struct Ev {
    result: SpfResult,
    exp: Option<String>,
    deciding: Option<String>,
    why: String,
}

impl Ev {
    fn new(result: SpfResult, why: impl Into<String>) -> Ev {
        Ev {
            result,
            exp: None,
            deciding: None,
            why: why.into(),
        }
    }
}

struct Cx<'a> {
    ip: IpAddr,
    answers: &'a dyn Answers,
    sender: String,
    local: String,
    sender_domain: String,
    helo: String,
    receiver: String,
    now_s: i64,
    lookups: u32,
    voids: u32,
    trace: Vec<TraceStep>,
    lines: Vec<String>,
    need: Vec<Question>,
    top_record: Option<String>,
}

fn run(
    input: &SpfInput,
    identity: Identity,
    fixed: Option<&str>,
    answers: &dyn Answers,
) -> Step<SpfOutcome> {
    let ip = match input.ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(input.ip, IpAddr::V4),
        v4 => v4,
    };
    let helo = input.helo.trim().to_string();
    let (local, domain) = match identity {
        Identity::MailFrom if !input.mail_from.trim().is_empty() => {
            let from = input.mail_from.trim();
            let from = from
                .strip_prefix('<')
                .and_then(|f| f.strip_suffix('>'))
                .unwrap_or(from);
            match from.rsplit_once('@') {
                Some((l, d)) => (l.to_string(), d.to_string()),
                None => (String::new(), from.to_string()),
            }
        }
        _ => (String::new(), helo.clone()),
    };
    let local = if local.is_empty() {
        "postmaster".to_string()
    } else {
        local
    };
    let domain = domain.strip_suffix('.').unwrap_or(&domain).to_string();
    let mut cx = Cx {
        ip,
        answers,
        sender: format!("{local}@{domain}"),
        local,
        sender_domain: domain.clone(),
        helo,
        receiver: match input.receiver.trim() {
            "" => "unknown".to_string(),
            r => r.to_string(),
        },
        now_s: input.now_s,
        lookups: 0,
        voids: 0,
        trace: Vec::new(),
        lines: Vec::new(),
        need: Vec::new(),
        top_record: fixed.map(str::to_string),
    };
    let ev = if valid_name(&domain, true) {
        match cx.check(&domain, 0, true, fixed) {
            Some(ev) => ev,
            None if !cx.need.is_empty() => return Step::Need(cx.need),
            None => Ev::new(SpfResult::Temperror, "the check stopped without an answer"),
        }
    } else {
        let why = format!("{domain:?} is not a valid domain name, so there is nothing to check");
        cx.step(0, &domain, "(domain)", "none", &why);
        Ev::new(SpfResult::None, why)
    };
    let summary = summary(&ev, &domain, ip, identity, fixed.is_some());
    Step::Done(SpfOutcome {
        identity,
        result: ev.result,
        domain,
        record: cx.top_record,
        explanation: ev.exp,
        trace: cx.trace,
        lookups: cx.lookups,
        void_lookups: cx.voids,
        deciding_term: ev.deciding,
        summary,
    })
}

fn summary(ev: &Ev, domain: &str, ip: IpAddr, identity: Identity, guess: bool) -> String {
    let who = match (identity, guess) {
        (_, true) => format!("The guessed record \"{GUESS_RECORD}\" for {domain}"),
        (Identity::MailFrom, _) => format!("The SPF record of {domain}"),
        (Identity::Helo, _) => format!("The SPF record of the HELO name {domain}"),
    };
    let by = ev
        .deciding
        .as_deref()
        .map(|t| format!(" (matched by \"{t}\")"))
        .unwrap_or_default();
    match ev.result {
        SpfResult::Pass => format!("{who} allows {ip} to send mail for it{by}: SPF pass."),
        SpfResult::Fail => format!(
            "{who} says {ip} is not allowed to send mail for it{by}: SPF fail, the domain asks receivers to reject."
        ),
        SpfResult::Softfail => format!(
            "{who} says {ip} is probably not allowed to send for it{by}: SPF softfail, usually accepted but treated as suspicious."
        ),
        SpfResult::Neutral => {
            format!("{who} makes no statement about {ip}{by}: SPF neutral, treated like no SPF.")
        }
        SpfResult::None => format!("SPF gives no result for {domain}: {}.", ev.why),
        SpfResult::Temperror => format!(
            "SPF could not be checked for {domain} because a DNS lookup failed ({}); this is usually temporary.",
            ev.why
        ),
        SpfResult::Permerror => format!(
            "{who} is broken ({}), so receivers cannot use it: SPF permerror.",
            ev.why
        ),
    }
}

/// A domain name usable in a query: labels of 1 to 63 bytes, at most 253 bytes; `multi`
/// (the checked domain) also requires two labels or more, printable ASCII, and refuses address
/// literals (section 4.3).
fn valid_name(name: &str, multi: bool) -> bool {
    let n = name.strip_suffix('.').unwrap_or(name);
    !n.is_empty()
        && n.len() <= 253
        && n.split('.').all(|l| !l.is_empty() && l.len() <= 63)
        && (!multi
            || (n.contains('.') && !n.starts_with('[') && n.bytes().all(|b| b.is_ascii_graphic())))
}

fn qualifier_result(q: u8) -> SpfResult {
    match q {
        b'-' => SpfResult::Fail,
        b'~' => SpfResult::Softfail,
        b'?' => SpfResult::Neutral,
        _ => SpfResult::Pass,
    }
}

fn in_net(ip: IpAddr, net: IpAddr, len: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            let mask = u32::MAX
                .checked_shl(32 - u32::from(len.min(32)))
                .unwrap_or(0);
            u32::from(a) & mask == u32::from(b) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => {
            let mask = u128::MAX
                .checked_shl(128 - u32::from(len.min(128)))
                .unwrap_or(0);
            u128::from(a) & mask == u128::from(b) & mask
        }
        _ => false,
    }
}

fn describe(q: &Question, outcome: &Result<Answer, crate::dns::DnsError>) -> String {
    let mut line = format!("{q}: ");
    match outcome {
        Err(e) => line.push_str(&format!("error, {e}")),
        Ok(a) if a.rcode == Rcode::NxDomain => line.push_str("no such domain"),
        Ok(a) if a.rcode != Rcode::NoError => {
            line.push_str(&format!("error code {}", a.rcode.code()))
        }
        Ok(a) => {
            let data = a.data_for(q);
            if data.is_empty() {
                line.push_str("no records");
            }
            for (i, d) in data.iter().enumerate() {
                if i == 5 {
                    line.push_str(&format!(", and {} more", data.len() - 5));
                    break;
                }
                if i > 0 {
                    line.push_str(", ");
                }
                line.push_str(&d.presentation());
            }
        }
    }
    line = clip_ellipsis(&line, 240);
    line
}

impl<'a> Cx<'a> {
    fn step(&mut self, depth: u32, domain: &str, term: &str, outcome: &str, detail: &str) {
        let dns = std::mem::take(&mut self.lines);
        if self.trace.len() < MAX_TRACE {
            self.trace.push(TraceStep {
                depth,
                domain: domain.to_string(),
                term: term.to_string(),
                outcome: outcome.to_string(),
                detail: detail.to_string(),
                dns,
            });
        }
    }

    /// Adds a question to the ones to ask, once.
    fn want(&mut self, q: Question) {
        if self.answers.outcome(&q).is_none() && !self.need.contains(&q) {
            self.need.push(q);
        }
    }

    /// A question for a speculative (prefetched) lookup, within a cap.
    fn want_ahead(&mut self, q: Question) {
        if self.need.len() < MAX_PREFETCH {
            self.want(q);
        }
    }

    /// The outcome of a question the evaluation needs now; logs it for the trace.
    fn get(&mut self, q: &Question) -> Got<'a> {
        let answers = self.answers;
        match answers.outcome(q) {
            None => {
                self.want(q.clone());
                Got::Wait
            }
            Some(outcome) => {
                if self.lines.len() < 12 {
                    self.lines.push(describe(q, outcome));
                }
                match outcome {
                    Err(e) => Got::Fail(e.to_string()),
                    Ok(a) => match a.rcode {
                        Rcode::NoError | Rcode::NxDomain => Got::Ans(a),
                        Rcode::ServFail => {
                            Got::Fail(format!("{q}: the DNS server failed (SERVFAIL)"))
                        }
                        Rcode::Refused => {
                            Got::Fail(format!("{q}: the DNS server refused (REFUSED)"))
                        }
                        Rcode::Other(c) => Got::Fail(format!("{q}: DNS error code {c}")),
                    },
                }
            }
        }
    }

    fn addr_type(&self) -> RecordType {
        if self.ip.is_ipv4() {
            RecordType::A
        } else {
            RecordType::Aaaa
        }
    }

    /// Counts a lookup that found nothing; past the limit that is a permerror.
    fn void(&mut self) -> Option<Flow> {
        self.voids += 1;
        (self.voids > MAX_VOID).then(|| {
            Flow::Perm("more than 2 lookups found nothing (the void lookup limit)".to_string())
        })
    }

    /// check_host() for one domain. None: waiting for answers.
    fn check(
        &mut self,
        domain: &str,
        depth: u32,
        want_exp: bool,
        fixed: Option<&str>,
    ) -> Option<Ev> {
        let text = match fixed {
            Some(f) => f.to_string(),
            None => match self.fetch(domain, depth)? {
                Ok(t) => t,
                Err(ev) => return Some(ev),
            },
        };
        if depth == 0 {
            self.top_record = Some(text.clone());
        }
        let rec = match parse::parse(&text) {
            Ok(r) => r,
            Err(e) => {
                let why = format!("syntax error at character {}: {}", e.pos + 1, e.msg);
                self.step(depth, domain, "(record)", "error", &why);
                return Some(Ev::new(SpfResult::Permerror, why));
            }
        };
        let mut budget = MAX_LOOKUPS.saturating_sub(self.lookups);
        self.prefetch(&rec, domain, &mut budget, depth);
        for term in &rec.terms {
            let Kind::Mech(q, mech) = &term.kind else {
                continue;
            };
            let at = self.trace.len();
            let mut detail = String::new();
            let flow = if mech.queries_dns() && self.lookups >= MAX_LOOKUPS {
                self.lookups += 1;
                Flow::Perm("more than 10 DNS-querying terms (the lookup limit)".to_string())
            } else {
                if mech.queries_dns() {
                    self.lookups += 1;
                }
                self.mech(mech, domain, depth, &mut detail)
            };
            let (outcome, ev) = match flow {
                Flow::Wait => return None,
                Flow::NoMatch => ("no match", None),
                Flow::Match => {
                    let result = qualifier_result(*q);
                    detail.push_str(&format!(": result {}", result.as_str()));
                    let mut ev = Ev::new(result, "");
                    ev.deciding = Some(term.text.to_string());
                    ("match", Some(ev))
                }
                Flow::Temp(why) => {
                    detail = why.clone();
                    let mut ev = Ev::new(SpfResult::Temperror, why);
                    ev.deciding = Some(term.text.to_string());
                    ("error", Some(ev))
                }
                Flow::Perm(why) => {
                    detail = why.clone();
                    let mut ev = Ev::new(SpfResult::Permerror, why);
                    ev.deciding = Some(term.text.to_string());
                    ("error", Some(ev))
                }
            };
            self.step_at(at, depth, domain, term.text, outcome, &detail);
            if let Some(mut ev) = ev {
                if ev.result == SpfResult::Fail && want_exp {
                    ev.exp = self.explain(&rec, domain, depth)?;
                }
                return Some(ev);
            }
        }
        if let Some(spec) = rec.redirect {
            let term = format!("redirect={spec}");
            if self.lookups >= MAX_LOOKUPS {
                self.lookups += 1;
                let why = "more than 10 DNS-querying terms (the lookup limit)";
                self.step(depth, domain, &term, "error", why);
                let mut ev = Ev::new(SpfResult::Permerror, why);
                ev.deciding = Some(term);
                return Some(ev);
            }
            self.lookups += 1;
            let at = self.trace.len();
            let target = match self.target(Some(spec), domain) {
                Ok(t) => t,
                Err(Flow::Wait) => return None,
                Err(_) => String::new(),
            };
            if depth >= MAX_DEPTH || !valid_name(&target, false) {
                let why = format!("the redirect target {target:?} is not a valid domain name");
                self.step(depth, domain, &term, "error", &why);
                let mut ev = Ev::new(SpfResult::Permerror, why);
                ev.deciding = Some(term);
                return Some(ev);
            }
            let mut ev = self.check(&target, depth + 1, want_exp, None)?;
            if ev.result == SpfResult::None {
                ev = Ev::new(
                    SpfResult::Permerror,
                    format!("the redirect target {target} has no SPF record"),
                );
                ev.deciding = Some(term.clone());
            }
            let detail = format!("used the SPF record of {target}: {}", ev.result.as_str());
            self.step_at(at, depth, domain, &term, "redirect", &detail);
            return Some(ev);
        }
        self.step(
            depth,
            domain,
            "(default)",
            "neutral",
            "no term matched and there is no redirect=, so the result is neutral",
        );
        Some(Ev::new(SpfResult::Neutral, "no term matched"))
    }

    /// Inserts a step before the steps of a nested evaluation that ran inside it.
    fn step_at(
        &mut self,
        at: usize,
        depth: u32,
        domain: &str,
        term: &str,
        outcome: &str,
        detail: &str,
    ) {
        let len = self.trace.len();
        self.step(depth, domain, term, outcome, detail);
        if self.trace.len() > len
            && at < len
            && let Some(step) = self.trace.pop()
        {
            self.trace.insert(at, step);
        }
    }

    /// Finds the domain's SPF record (section 4.4, 4.5). None: waiting.
    fn fetch(&mut self, domain: &str, depth: u32) -> Option<Result<String, Ev>> {
        let q = Question::new(domain, RecordType::Txt);
        let (outcome, detail, ev) = match self.get(&q) {
            Got::Wait => return None,
            Got::Fail(e) => ("error", e.clone(), Err(Ev::new(SpfResult::Temperror, e))),
            Got::Ans(a) if a.rcode == Rcode::NxDomain => {
                let why = format!("{domain} does not exist in DNS");
                ("none", why.clone(), Err(Ev::new(SpfResult::None, why)))
            }
            Got::Ans(a) => {
                let spf: Vec<String> = a
                    .data_for(&q)
                    .into_iter()
                    .filter_map(RData::txt_joined)
                    .filter(|t| parse::is_spf(t))
                    .collect();
                match spf.len() {
                    0 => {
                        let why = format!("{domain} publishes no SPF record");
                        ("none", why.clone(), Err(Ev::new(SpfResult::None, why)))
                    }
                    1 => {
                        let text = spf.into_iter().next().unwrap_or_default();
                        ("found", text.clone(), Ok(text))
                    }
                    n => {
                        let why =
                            format!("{domain} publishes {n} SPF records; only one is allowed");
                        (
                            "error",
                            why.clone(),
                            Err(Ev::new(SpfResult::Permerror, why)),
                        )
                    }
                }
            }
        };
        self.step(depth, domain, "(record)", outcome, &detail);
        Some(ev)
    }
}

impl Cx<'_> {
    /// Evaluates one mechanism; `detail` says what happened.
    fn mech(&mut self, mech: &Mech<'_>, domain: &str, depth: u32, detail: &mut String) -> Flow {
        let ip = self.ip;
        match mech {
            Mech::All => {
                *detail = "\"all\" matches every address".to_string();
                Flow::Match
            }
            Mech::Ip4(net, len) => {
                let hit = in_net(ip, IpAddr::V4(*net), *len);
                *detail = format!("{ip} is {}in {net}/{len}", if hit { "" } else { "not " });
                if hit { Flow::Match } else { Flow::NoMatch }
            }
            Mech::Ip6(net, len) => {
                let hit = in_net(ip, IpAddr::V6(*net), *len);
                *detail = format!("{ip} is {}in {net}/{len}", if hit { "" } else { "not " });
                if hit { Flow::Match } else { Flow::NoMatch }
            }
            Mech::A(spec, cidr) => {
                let name = match self.target(*spec, domain) {
                    Ok(n) => n,
                    Err(f) => return f,
                };
                if !valid_name(&name, false) {
                    *detail = format!("{name:?} is not a valid domain name, so nothing matches");
                    return Flow::NoMatch;
                }
                let q = Question::new(&name, self.addr_type());
                self.addresses(&q, *cidr, detail)
            }
            Mech::Mx(spec, cidr) => {
                let name = match self.target(*spec, domain) {
                    Ok(n) => n,
                    Err(f) => return f,
                };
                if !valid_name(&name, false) {
                    *detail = format!("{name:?} is not a valid domain name, so nothing matches");
                    return Flow::NoMatch;
                }
                self.mx(&name, *cidr, detail)
            }
            Mech::Ptr(spec) => {
                let name = match self.target(*spec, domain) {
                    Ok(n) => n,
                    Err(f) => return f,
                };
                self.ptr(&name, detail)
            }
            Mech::Exists(spec) => {
                let name = match self.target(Some(spec), domain) {
                    Ok(n) => n,
                    Err(f) => return f,
                };
                if !valid_name(&name, false) {
                    *detail = format!("{name:?} is not a valid domain name, so nothing matches");
                    return Flow::NoMatch;
                }
                let q = Question::new(&name, RecordType::A);
                match self.get(&q) {
                    Got::Wait => Flow::Wait,
                    Got::Fail(e) => Flow::Temp(e),
                    Got::Ans(a) if a.data_for(&q).is_empty() => {
                        *detail = format!("{name} has no IPv4 address");
                        self.void().unwrap_or(Flow::NoMatch)
                    }
                    Got::Ans(_) => {
                        *detail = format!("{name} exists (has an IPv4 address)");
                        Flow::Match
                    }
                }
            }
            Mech::Include(spec) => {
                let name = match self.target(Some(spec), domain) {
                    Ok(n) => n,
                    Err(f) => return f,
                };
                if depth >= MAX_DEPTH || !valid_name(&name, false) {
                    return Flow::Perm(format!(
                        "the include target {name:?} is not a valid domain name"
                    ));
                }
                let Some(ev) = self.check(&name, depth + 1, false, None) else {
                    return Flow::Wait;
                };
                match ev.result {
                    SpfResult::Pass => {
                        *detail = format!("the SPF record of {name} passes {ip}");
                        Flow::Match
                    }
                    SpfResult::Fail | SpfResult::Softfail | SpfResult::Neutral => {
                        *detail = format!(
                            "the SPF record of {name} does not pass {ip} ({})",
                            ev.result.as_str()
                        );
                        Flow::NoMatch
                    }
                    SpfResult::Temperror => Flow::Temp(format!("in include:{name}: {}", ev.why)),
                    SpfResult::Permerror => Flow::Perm(format!("in include:{name}: {}", ev.why)),
                    SpfResult::None => {
                        Flow::Perm(format!("include:{name} has no SPF record ({})", ev.why))
                    }
                }
            }
        }
    }

    /// `a`: does an address of this question's answer contain the client in its CIDR range?
    fn addresses(&mut self, q: &Question, cidr: Cidr, detail: &mut String) -> Flow {
        match self.get(q) {
            Got::Wait => Flow::Wait,
            Got::Fail(e) => Flow::Temp(e),
            Got::Ans(a) => {
                let addrs = a.data_for(q);
                if addrs.is_empty() {
                    *detail = format!("{} has no {} record", q.name, q.rtype);
                    return self.void().unwrap_or(Flow::NoMatch);
                }
                if self.addr_match(&addrs, cidr) {
                    *detail = format!(
                        "{} is an address of {}{}",
                        self.ip,
                        q.name,
                        cidr_note(self.ip, cidr)
                    );
                    Flow::Match
                } else {
                    *detail = format!(
                        "{} is not an address of {}{}",
                        self.ip,
                        q.name,
                        cidr_note(self.ip, cidr)
                    );
                    Flow::NoMatch
                }
            }
        }
    }

    fn addr_match(&self, addrs: &[&RData], cidr: Cidr) -> bool {
        addrs.iter().any(|d| match d {
            RData::A(a) => in_net(self.ip, IpAddr::V4(*a), cidr.v4),
            RData::Aaaa(a) => in_net(self.ip, IpAddr::V6(*a), cidr.v6),
            _ => false,
        })
    }

    fn mx(&mut self, name: &str, cidr: Cidr, detail: &mut String) -> Flow {
        let q = Question::new(name, RecordType::Mx);
        let a = match self.get(&q) {
            Got::Wait => return Flow::Wait,
            Got::Fail(e) => return Flow::Temp(e),
            Got::Ans(a) => a,
        };
        let hosts: Vec<String> = a
            .data_for(&q)
            .into_iter()
            .filter_map(|d| match d {
                RData::Mx { exchange, .. } if !exchange.is_empty() && exchange != "." => {
                    Some(exchange.clone())
                }
                _ => None,
            })
            .collect();
        if hosts.is_empty() {
            *detail = format!("{name} has no mail servers (MX)");
            return self.void().unwrap_or(Flow::NoMatch);
        }
        if hosts.len() > MAX_NAMES {
            return Flow::Perm(format!(
                "{name} has {} mail servers; at most 10 may be looked up",
                hosts.len()
            ));
        }
        let rtype = self.addr_type();
        let mut waiting = false;
        for host in &hosts {
            let hq = Question::new(host, rtype);
            match self.get(&hq) {
                Got::Wait => waiting = true,
                _ if waiting => {}
                Got::Fail(e) => return Flow::Temp(e),
                Got::Ans(a) => {
                    if self.addr_match(&a.data_for(&hq), cidr) {
                        *detail = format!(
                            "{} is an address of {name}'s mail server {host}{}",
                            self.ip,
                            cidr_note(self.ip, cidr)
                        );
                        return Flow::Match;
                    }
                }
            }
        }
        if waiting {
            return Flow::Wait;
        }
        *detail = format!(
            "{} is not an address of {name}'s mail servers ({})",
            self.ip,
            hosts.join(", ")
        );
        Flow::NoMatch
    }

    /// The PTR names of the client (at most 10). None: waiting; Some(None): lookup failed.
    fn ptr_names(&mut self) -> Option<Result<Vec<String>, String>> {
        let q = Question::reverse(self.ip);
        match self.get(&q) {
            Got::Wait => None,
            Got::Fail(e) => Some(Err(e)),
            Got::Ans(a) => Some(Ok(a
                .data_for(&q)
                .into_iter()
                .filter_map(|d| match d {
                    RData::Ptr(n) => Some(crate::dns::normalize_name(n)),
                    _ => None,
                })
                .take(MAX_NAMES)
                .collect())),
        }
    }

    /// Whether a name's addresses include the client. None: waiting; errors count as no.
    fn validates(&mut self, name: &str) -> Option<bool> {
        if !valid_name(name, false) {
            return Some(false);
        }
        let q = Question::new(name, self.addr_type());
        match self.get(&q) {
            Got::Wait => None,
            Got::Fail(_) => Some(false),
            Got::Ans(a) => Some(a.data_for(&q).iter().any(|d| match d {
                RData::A(a) => IpAddr::V4(*a) == self.ip,
                RData::Aaaa(a) => IpAddr::V6(*a) == self.ip,
                _ => false,
            })),
        }
    }

    fn ptr(&mut self, target: &str, detail: &mut String) -> Flow {
        let target = crate::dns::normalize_name(target);
        let names = match self.ptr_names() {
            None => return Flow::Wait,
            Some(Err(e)) => {
                *detail = format!("the reverse lookup failed ({e}), so ptr does not match");
                return Flow::NoMatch;
            }
            Some(Ok(n)) => n,
        };
        if names.is_empty() {
            *detail = format!("{} has no reverse DNS name", self.ip);
            return self.void().unwrap_or(Flow::NoMatch);
        }
        let mut waiting = false;
        for name in names
            .iter()
            .filter(|n| **n == target || n.ends_with(&format!(".{target}")))
        {
            match self.validates(name) {
                None => waiting = true,
                // Only a name whose earlier ones are all settled decides, as in sequential order.
                Some(true) if !waiting => {
                    *detail = format!(
                        "{} has the confirmed reverse DNS name {name}, within {target}",
                        self.ip
                    );
                    return Flow::Match;
                }
                Some(_) => {}
            }
        }
        if waiting {
            return Flow::Wait;
        }
        *detail = format!(
            "no confirmed reverse DNS name of {} is within {target} ({})",
            self.ip,
            names.join(", ")
        );
        Flow::NoMatch
    }
}

fn cidr_note(ip: IpAddr, cidr: Cidr) -> String {
    match ip {
        IpAddr::V4(_) if cidr.v4 < 32 => format!(" (within /{})", cidr.v4),
        IpAddr::V6(_) if cidr.v6 < 128 => format!(" (within /{})", cidr.v6),
        _ => String::new(),
    }
}

impl Cx<'_> {
    /// The domain a term names: its expanded domain-spec, or the current domain. Names longer
    /// than 253 bytes lose labels from the left (section 7.3).
    fn target(&mut self, spec: Option<&str>, domain: &str) -> Result<String, Flow> {
        let Some(spec) = spec else {
            return Ok(domain.to_string());
        };
        let mut name = self.expand(spec, domain, false)?;
        if name.ends_with('.') {
            name.pop();
        }
        while name.len() > 253 {
            match name.split_once('.') {
                Some((_, rest)) => name = rest.to_string(),
                None => break,
            }
        }
        Ok(name)
    }

    /// Expands a macro string (section 7). `exp` is true for explanation text.
    fn expand(&mut self, s: &str, domain: &str, exp: bool) -> Result<String, Flow> {
        let pieces = parse::macro_string(s, 0, exp)
            .map_err(|e| Flow::Perm(format!("bad macro in {s:?}: {}", e.msg)))?;
        let mut out = String::new();
        for piece in pieces {
            match piece {
                Piece::Lit(l) => out.push_str(l),
                Piece::Macro {
                    letter,
                    upper,
                    keep,
                    reverse,
                    delims,
                } => {
                    let value = self.macro_value(letter, domain)?;
                    if value.len() > MAX_EXPANDED {
                        return Err(Flow::Perm("a macro value is too long".to_string()));
                    }
                    let value = transform(&value, keep, reverse, delims);
                    if upper {
                        url_escape(&value, &mut out);
                    } else {
                        out.push_str(&value);
                    }
                }
            }
            if out.len() > MAX_EXPANDED {
                return Err(Flow::Perm("a macro expands to too long a text".to_string()));
            }
        }
        Ok(out)
    }

    fn macro_value(&mut self, letter: u8, domain: &str) -> Result<String, Flow> {
        Ok(match letter {
            b's' => self.sender.clone(),
            b'l' => self.local.clone(),
            b'o' => self.sender_domain.clone(),
            b'd' => domain.to_string(),
            b'i' => match self.ip {
                IpAddr::V4(v4) => v4.to_string(),
                IpAddr::V6(_) => {
                    let rev = crate::dns::reverse_name(self.ip);
                    let nibbles = rev.strip_suffix(".ip6.arpa").unwrap_or(&rev);
                    nibbles.split('.').rev().collect::<Vec<_>>().join(".")
                }
            },
            b'p' => self.validated_name(domain)?,
            b'v' => if self.ip.is_ipv4() { "in-addr" } else { "ip6" }.to_string(),
            b'h' => self.helo.clone(),
            b'c' => self.ip.to_string(),
            b'r' => self.receiver.clone(),
            b't' => self.now_s.to_string(),
            _ => return Err(Flow::Perm("unknown macro letter".to_string())),
        })
    }

    /// `%{p}` (section 7.3): a reverse name of the client whose addresses include it, the
    /// domain itself or one below it preferred; "unknown" when there is none.
    fn validated_name(&mut self, domain: &str) -> Result<String, Flow> {
        let names = match self.ptr_names() {
            None => return Err(Flow::Wait),
            Some(Err(_)) => return Ok("unknown".to_string()),
            Some(Ok(n)) => n,
        };
        let mut ok = Vec::new();
        let mut waiting = false;
        for name in &names {
            match self.validates(name) {
                None => waiting = true,
                Some(true) => ok.push(name.clone()),
                Some(false) => {}
            }
        }
        if waiting {
            return Err(Flow::Wait);
        }
        let domain = crate::dns::normalize_name(domain);
        let sub = format!(".{domain}");
        let pick = ok
            .iter()
            .find(|n| **n == domain)
            .or_else(|| ok.iter().find(|n| n.ends_with(&sub)))
            .or_else(|| ok.first());
        Ok(pick.cloned().unwrap_or_else(|| "unknown".to_string()))
    }

    /// The explanation for a fail (section 6.2); every problem just means none. Outer None:
    /// waiting.
    fn explain(&mut self, rec: &Record<'_>, domain: &str, depth: u32) -> Option<Option<String>> {
        let Some(spec) = rec.exp else {
            return Some(None);
        };
        let term = format!("exp={spec}");
        let name = match self.target(Some(spec), domain) {
            Ok(n) => n,
            Err(Flow::Wait) => return None,
            Err(_) => String::new(),
        };
        if !valid_name(&name, false) {
            self.step(
                depth,
                domain,
                &term,
                "ignored",
                "the explanation's domain is not valid",
            );
            return Some(None);
        }
        let q = Question::new(&name, RecordType::Txt);
        let text = match self.get(&q) {
            Got::Wait => return None,
            Got::Fail(_) => None,
            Got::Ans(a) => {
                let texts: Vec<String> = a
                    .data_for(&q)
                    .into_iter()
                    .filter_map(RData::txt_joined)
                    .collect();
                match texts.as_slice() {
                    [one] if one.is_ascii() => Some(one.clone()),
                    _ => None,
                }
            }
        };
        let Some(text) = text else {
            self.step(
                depth,
                domain,
                &term,
                "ignored",
                "no single usable explanation record was found",
            );
            return Some(None);
        };
        match self.expand(&text, domain, true) {
            Ok(mut e) => {
                e = clip_ellipsis(&e, 512);
                self.step(
                    depth,
                    domain,
                    &term,
                    "used",
                    &format!("the domain's explanation: {e}"),
                );
                Some(Some(e))
            }
            Err(Flow::Wait) => None,
            Err(_) => {
                self.step(
                    depth,
                    domain,
                    &term,
                    "ignored",
                    "the explanation text has a bad macro",
                );
                Some(None)
            }
        }
    }

    /// Asks ahead for the questions of terms that do not depend on other answers, in
    /// evaluation order, for at most `budget` DNS-querying terms.
    fn prefetch(&mut self, rec: &Record<'_>, domain: &str, budget: &mut u32, depth: u32) {
        if depth > MAX_DEPTH {
            return;
        }
        let addr = self.addr_type();
        for term in &rec.terms {
            let Kind::Mech(_, mech) = &term.kind else {
                continue;
            };
            if matches!(mech, Mech::All) {
                return;
            }
            if !mech.queries_dns() {
                continue;
            }
            if *budget == 0 {
                return;
            }
            *budget -= 1;
            match mech {
                Mech::Include(spec) => self.prefetch_record(spec, domain, budget, depth),
                Mech::A(spec, _) => {
                    if let Some(n) = self.static_name(*spec, domain) {
                        self.want_ahead(Question::new(&n, addr));
                    }
                }
                Mech::Mx(spec, _) => {
                    if let Some(n) = self.static_name(*spec, domain) {
                        self.prefetch_mx(&n, addr);
                    }
                }
                Mech::Exists(spec) => {
                    if let Some(n) = self.static_name(Some(spec), domain) {
                        self.want_ahead(Question::new(&n, RecordType::A));
                    }
                }
                Mech::Ptr(_) => self.want_ahead(Question::reverse(self.ip)),
                _ => {}
            }
        }
        if let Some(spec) = rec.redirect
            && *budget > 0
        {
            *budget -= 1;
            self.prefetch_record(spec, domain, budget, depth);
        }
    }

    /// The MX question, and once it is answered the exchanges' addresses (at most 10).
    fn prefetch_mx(&mut self, name: &str, addr: RecordType) {
        let q = Question::new(name, RecordType::Mx);
        let answers = self.answers;
        match answers.outcome(&q) {
            None => self.want_ahead(q),
            Some(Ok(a)) if a.rcode == Rcode::NoError => {
                let hosts: Vec<&str> = a
                    .data_for(&q)
                    .into_iter()
                    .filter_map(|d| match d {
                        RData::Mx { exchange, .. } => Some(exchange.as_str()),
                        _ => None,
                    })
                    .filter(|h| !h.is_empty() && *h != ".")
                    .collect();
                if hosts.len() <= MAX_NAMES {
                    for h in hosts {
                        self.want_ahead(Question::new(h, addr));
                    }
                }
            }
            Some(_) => {}
        }
    }

    /// A term's target when it needs no DNS to expand (no `%{p}`) and is a valid name.
    fn static_name(&mut self, spec: Option<&str>, domain: &str) -> Option<String> {
        if let Some(s) = spec {
            let pieces = parse::macro_string(s, 0, false).ok()?;
            if pieces
                .iter()
                .any(|p| matches!(p, Piece::Macro { letter: b'p', .. }))
            {
                return None;
            }
        }
        let name = self.target(spec, domain).ok()?;
        valid_name(&name, false).then_some(name)
    }

    fn prefetch_record(&mut self, spec: &str, domain: &str, budget: &mut u32, depth: u32) {
        let Some(name) = self.static_name(Some(spec), domain) else {
            return;
        };
        let q = Question::new(&name, RecordType::Txt);
        let answers = self.answers;
        match answers.outcome(&q) {
            None => self.want_ahead(q),
            Some(Ok(a)) if a.rcode == Rcode::NoError => {
                let spf: Vec<String> = a
                    .data_for(&q)
                    .into_iter()
                    .filter_map(RData::txt_joined)
                    .filter(|t| parse::is_spf(t))
                    .collect();
                if let [text] = spf.as_slice()
                    && let Ok(rec) = parse::parse(text)
                {
                    self.prefetch(&rec, &name, budget, depth + 1);
                }
            }
            Some(_) => {}
        }
    }
}

/// Splits on the delimiters (default "."), reverses if asked, keeps the rightmost parts,
/// joins with "." (section 7.3).
fn transform(value: &str, keep: Option<usize>, reverse: bool, delims: &str) -> String {
    if keep.is_none() && !reverse && (delims.is_empty() || delims == ".") {
        return value.to_string();
    }
    let delims = if delims.is_empty() { "." } else { delims };
    let mut parts: Vec<&str> = value.split(|c: char| delims.contains(c)).collect();
    if reverse {
        parts.reverse();
    }
    let skip = keep.map_or(0, |k| parts.len().saturating_sub(k));
    parts.get(skip..).unwrap_or(&[]).join(".")
}

/// URL-escapes everything outside the unreserved set (RFC 3986), for uppercase macro letters.
fn url_escape(value: &str, out: &mut String) {
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// Expands a macro string for `input` at `domain` with no DNS (for tests of section 7.4).
#[cfg(test)]
pub(super) fn expand_for_test(
    input: &SpfInput,
    domain: &str,
    s: &str,
    exp: bool,
) -> Result<String, String> {
    let empty = std::collections::HashMap::new();
    let (local, sender_domain) = input
        .mail_from
        .rsplit_once('@')
        .map(|(l, d)| (l.to_string(), d.to_string()))
        .unwrap_or_default();
    let mut cx = Cx {
        ip: input.ip,
        answers: &empty,
        sender: input.mail_from.clone(),
        local,
        sender_domain,
        helo: input.helo.clone(),
        receiver: input.receiver.clone(),
        now_s: input.now_s,
        lookups: 0,
        voids: 0,
        trace: Vec::new(),
        lines: Vec::new(),
        need: Vec::new(),
        top_record: None,
    };
    cx.expand(s, domain, exp).map_err(|f| match f {
        Flow::Perm(why) | Flow::Temp(why) => why,
        _ => "needs DNS".to_string(),
    })
}
