//! DNS blocklists (DNSBL and domain lists, RFC 5782): which lists to ask, how to ask, and what
//! each answer means (the lists and their return codes are data: `data/blocklists.tsv` and
//! `data/blocklist-codes.tsv`, read through `vocab::blocklists`).
//!
//! Every list is asked at once: the A question (listed or not), the TXT question (the list's
//! reason, shown when it has arrived, never waited for) and a test entry (RFC 5782 section 5:
//! `127.0.0.1` for address lists, `invalid` for domain lists) that no list may list. A list that
//! says the test entry is listed is answering every name, and its answers are not trusted.

use super::{Ctx, Got, Lookup, canonical_ip, evidence_of, finding, host_name};
use crate::dns::{Answers, Question, RData, RecordType, Step};
use crate::vocab::blocklists::{self, KnownList, ReturnCode};
use crate::vocab::finding::{Finding, Severity};
use core::net::IpAddr;
use serde::{Deserialize, Serialize};

/// What a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    /// IP addresses (queried as reversed octets or nibbles).
    Ip,
    /// Domain names.
    Domain,
}

/// A list to ask besides the defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ListSpec {
    /// The list's DNS zone, e.g. `bl.example.net`.
    pub zone: String,
    /// Whether it lists addresses or domains.
    pub kind: ListKind,
}

/// Which blocklists to ask. The built-in lists that are on by default (Spamhaus ZEN and SpamCop
/// for addresses, Spamhaus DBL for domains: [`built_in_lists`]) are asked unless `skip` names
/// them; the others (Barracuda, which answers only registered resolvers; SURBL, URIBL) only when
/// asked for. The page and the CLI share these defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BlocklistConfig {
    /// Extra lists (at most 16 are used), including built-in lists that are off by default.
    pub lists: Vec<ListSpec>,
    /// A Spamhaus Data Query Service key: Spamhaus is then asked at
    /// `KEY.zen.dq.spamhaus.net` / `KEY.dbl.dq.spamhaus.net`, which answer through any resolver.
    pub spamhaus_dqs_key: Option<String>,
    /// Also ask SURBL (multi.surbl.org) for domains.
    pub surbl: bool,
    /// Also ask URIBL (multi.uribl.com) for domains.
    pub uribl: bool,
    /// Built-in lists not to ask, by zone (the page's unticked boxes).
    #[serde(default)]
    pub skip: Vec<String>,
}

impl BlocklistConfig {
    /// Turns one list on by its zone: a built-in list that is off by default, SURBL or URIBL by
    /// their flags, any other zone as an address list (at most 16 extra lists).
    pub fn add_zone(&mut self, zone: &str) {
        let Some(zone) = host_name(zone) else {
            return;
        };
        self.skip.retain(|z| !z.eq_ignore_ascii_case(&zone));
        match blocklists::all().find(|k| k.zone == Some(zone.as_str())) {
            Some(k) if k.id == "surbl" => self.surbl = true,
            Some(k) if k.id == "uribl" => self.uribl = true,
            Some(k) if k.default => {}
            known => {
                let kind = match known.and_then(|k| k.kind) {
                    Some("domain") => ListKind::Domain,
                    _ => ListKind::Ip,
                };
                if self.lists.len() < 16 && !self.lists.iter().any(|l| l.zone == zone) {
                    self.lists.push(ListSpec { zone, kind });
                }
            }
        }
    }

    /// Whether any list of this kind is asked.
    pub fn asks(&self, kind: ListKind) -> bool {
        !plans(self, kind).is_empty()
    }

    /// The lists chosen as a whole (the page's ticked boxes): the built-in lists on by default
    /// that are not named are skipped; every named zone is turned on.
    pub fn choose(&mut self, zones: &[String]) {
        let named: Vec<String> = zones.iter().filter_map(|z| host_name(z)).collect();
        self.skip = blocklists::all()
            .filter(|k| k.default)
            .filter_map(|k| k.zone)
            .filter(|zone| !named.iter().any(|z| z == zone))
            .map(str::to_string)
            .collect();
        for zone in named.iter().take(16) {
            self.add_zone(zone);
        }
    }
}

/// Where a list stands for one address or domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ListStatus {
    /// On the list.
    Listed,
    /// Not on the list.
    NotListed,
    /// The list did not give a usable answer (see the explanation).
    CouldNotCheck,
    /// Waiting for the answer.
    Pending,
}

/// One return code of a list, decoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ListCode {
    /// The address the list answered, e.g. `127.0.0.2`.
    pub answer: String,
    /// The sub-list it stands for, e.g. `SBL`.
    pub name: String,
    /// What it means, in plain words.
    pub meaning: String,
}

/// One list's answer for one address or domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ListResult {
    /// The list's name, e.g. `Spamhaus ZEN`.
    pub list: String,
    /// The zone asked (a DQS key shown as `KEY`).
    pub zone: String,
    /// Listed or not.
    pub status: ListStatus,
    /// The return codes, decoded (when listed, or the error code when it could not check).
    pub codes: Vec<ListCode>,
    /// The list's own reason (its TXT record), when it gave one.
    pub reason: Option<String>,
    /// What the answer means and what to do.
    pub explanation: String,
    /// The list's lookup page.
    pub lookup_url: Option<String>,
    /// The list's removal (delisting) page.
    pub delist_url: Option<String>,
    /// The DNS answers used.
    pub evidence: Vec<Lookup>,
}

/// The blocklist answers for one IP address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IpReputation {
    /// The address.
    pub ip: String,
    /// One entry per list, in the order asked.
    pub lists: Vec<ListResult>,
}

/// The blocklist answers for one domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DomainListing {
    /// The domain asked (the organization domain of the name given).
    pub domain: String,
    /// One entry per list, in the order asked.
    pub lists: Vec<ListResult>,
}

/// A built-in list as the page's settings and the CLI offer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltInList {
    /// The list's name, e.g. `Spamhaus ZEN`.
    pub name: &'static str,
    /// Its DNS zone.
    pub zone: &'static str,
    /// Addresses or domains.
    pub kind: ListKind,
    /// Why it is not asked unless chosen; None when it is asked by default.
    pub off_because: Option<&'static str>,
}

/// The built-in lists (those of `data/blocklists.tsv` that are asked), in the order they are
/// asked, with their defaults.
pub fn built_in_lists() -> impl Iterator<Item = BuiltInList> {
    blocklists::all().filter_map(|k| {
        Some(BuiltInList {
            name: k.name,
            zone: k.zone?,
            kind: match k.kind? {
                "domain" => ListKind::Domain,
                _ => ListKind::Ip,
            },
            off_because: k.off_because,
        })
    })
}

/// One list as it will be asked.
struct Plan {
    /// Its id in `data/blocklists.tsv` (empty for a list the user added).
    list: &'static str,
    name: String,
    zone: String,
    shown_zone: String,
    lookup: Option<&'static str>,
    delist: Option<&'static str>,
    /// Spamhaus's: asked through DQS when a key is given.
    spamhaus: bool,
    bad_key: bool,
}

fn dqs_key(config: &BlocklistConfig) -> Option<&str> {
    config
        .spamhaus_dqs_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
}

fn key_ok(key: &str) -> bool {
    (8..=63).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn plans(config: &BlocklistConfig, kind: ListKind) -> Vec<Plan> {
    let kind_word = match kind {
        ListKind::Ip => "ip",
        ListKind::Domain => "domain",
    };
    let option = |id: &str| match id {
        "surbl" => config.surbl,
        "uribl" => config.uribl,
        _ => false,
    };
    let skipped = |zone: Option<&str>| {
        zone.is_some_and(|zone| config.skip.iter().any(|z| z.eq_ignore_ascii_case(zone)))
    };
    let mut wanted: Vec<KnownList> = blocklists::all()
        .filter(|k| k.kind == Some(kind_word) && (k.default || option(k.id)))
        .filter(|k| !skipped(k.zone))
        .collect();
    let mut out: Vec<Plan> = Vec::new();
    let key = dqs_key(config);
    let mut custom = Vec::new();
    for spec in config.lists.iter().filter(|s| s.kind == kind).take(16) {
        let Some(zone) = host_name(&spec.zone) else {
            continue;
        };
        match blocklists::all().find(|k| k.zone == Some(zone.as_str())) {
            Some(k) if !wanted.iter().any(|w| w.zone == k.zone) => wanted.push(k),
            Some(_) => {}
            None if !custom.contains(&zone) => custom.push(zone),
            None => {}
        }
    }
    for k in wanted {
        let zone = k.zone.unwrap_or_default();
        let mut plan = Plan {
            list: k.id,
            name: k.name.to_string(),
            zone: zone.to_string(),
            shown_zone: zone.to_string(),
            lookup: Some(k.lookup),
            delist: Some(k.delist),
            spamhaus: k.dqs.is_some(),
            bad_key: false,
        };
        if let (Some(key), Some(sub)) = (key, k.dqs) {
            plan.bad_key = !key_ok(key);
            plan.zone = format!("{}.{sub}.dq.spamhaus.net", key.to_ascii_lowercase());
            plan.shown_zone = format!("KEY.{sub}.dq.spamhaus.net");
            plan.name.push_str(" (DQS)");
        }
        out.push(plan);
    }
    for zone in custom {
        out.push(Plan {
            list: "",
            name: zone.clone(),
            shown_zone: zone.clone(),
            zone,
            lookup: None,
            delist: None,
            spamhaus: false,
            bad_key: false,
        });
    }
    out
}

fn advice(plan: &Plan) -> &'static str {
    if plan.spamhaus {
        "To check Spamhaus, add a free Spamhaus DQS key in the settings (it stays in your browser), or point the page at your own DNS-over-HTTPS resolver."
    } else if plan.list == "barracuda" {
        "Barracuda answers only resolvers registered with it: point the page at your own registered resolver, or use its lookup page."
    } else {
        "Try again later, or use the list's lookup page."
    }
}

const TEST_ANSWERS_EVERYTHING: &str = "The list says its test entry is listed, and no list may list that entry (RFC 5782): it is answering every name, usually because it refuses this resolver. Its answer is not a listing.";

/// Asks one list about one item (`item` already in query form: reversed address or domain).
fn ask_list(ctx: &mut Ctx, plan: &Plan, item: &str, shown: &str, canary: &str) -> ListResult {
    let mut result = ListResult {
        list: plan.name.clone(),
        zone: plan.shown_zone.clone(),
        status: ListStatus::Pending,
        codes: Vec::new(),
        reason: None,
        explanation: String::new(),
        lookup_url: plan.lookup.map(str::to_string),
        delist_url: plan.delist.map(str::to_string),
        evidence: Vec::new(),
    };
    if plan.bad_key {
        result.status = ListStatus::CouldNotCheck;
        result.explanation = format!(
            "{} was not asked: the Spamhaus DQS key in the settings is not valid (8 to 63 letters and digits).",
            plan.name
        );
        return result;
    }
    let name = format!("{item}.{}", plan.zone);
    let qa = Question::new(&name, RecordType::A);
    let qt = Question::new(&name, RecordType::Txt);
    let qc = Question::new(&format!("{canary}.{}", plan.zone), RecordType::A);
    let a = ctx.ask(&qa);
    let txt = ctx.ask_optional(&qt);
    ctx.ask_optional(&qc);
    result.evidence.push(ctx.lookup(&qa));
    let list = &plan.name;
    match a {
        Got::Pending => result.explanation = format!("Waiting for {list}."),
        Got::Failed(why) => {
            result.status = ListStatus::CouldNotCheck;
            result.explanation = format!("{list} could not be checked: {why}. {}", advice(plan));
        }
        Got::NxDomain | Got::NoData => {
            result.status = ListStatus::NotListed;
            result.explanation = format!("{shown} is not on {list}.");
        }
        Got::Data(data) => {
            let mut error = None;
            // Every A record is read (the decoder bounds how many an answer holds): an error
            // code anywhere in the answer means "could not check", however many listing codes
            // come before it. At most 8 listing codes are kept for display.
            for rdata in data.iter() {
                if let RData::A(addr) = rdata {
                    match blocklists::return_code(plan.list, addr.octets()) {
                        ReturnCode::Listed(..) if result.codes.len() >= 8 => {}
                        ReturnCode::Listed(code, meaning) => result.codes.push(ListCode {
                            answer: addr.to_string(),
                            name: code,
                            meaning: meaning.to_string(),
                        }),
                        ReturnCode::Error(what) => {
                            error.get_or_insert((addr.to_string(), what));
                        }
                    }
                }
            }
            if let Some((answer, what)) = error {
                result.status = ListStatus::CouldNotCheck;
                result.codes = vec![ListCode {
                    answer,
                    name: "error".into(),
                    meaning: what.to_string(),
                }];
                result.explanation =
                    format!("{list} could not be checked. {what} {}", advice(plan));
            } else if result.codes.is_empty() {
                result.status = ListStatus::NotListed;
                result.explanation = format!("{shown} is not on {list}.");
            } else if listed_canary(ctx.ask(&qc)) {
                result.evidence.push(ctx.lookup(&qc));
                result.status = ListStatus::CouldNotCheck;
                result.codes.clear();
                result.explanation = format!(
                    "{list} could not be checked. {TEST_ANSWERS_EVERYTHING} {}",
                    advice(plan)
                );
            } else {
                result.status = ListStatus::Listed;
                if let Got::Data(texts) = txt {
                    result.reason = texts
                        .iter()
                        .find_map(|d| d.txt_joined())
                        .map(|t| crate::vocab::text::clip_ellipsis(&t, 300));
                    result.evidence.push(ctx.lookup(&qt));
                }
                let meanings: Vec<String> = result
                    .codes
                    .iter()
                    .map(|c| format!("{} ({}): {}", c.name, c.answer, c.meaning))
                    .collect();
                result.explanation = format!("{shown} is on {list}. {}", meanings.join(" "));
                if let Some(reason) = &result.reason {
                    result
                        .explanation
                        .push_str(&format!(" The list's reason: \"{reason}\"."));
                }
                if let Some(url) = plan.delist {
                    result
                        .explanation
                        .push_str(&format!(" Details and removal: {url}"));
                }
            }
        }
    }
    result
}

fn listed_canary(got: Got) -> bool {
    match got {
        Got::Data(data) => data
            .iter()
            .any(|d| matches!(d, RData::A(a) if a.octets()[0] == 127 && a.octets()[1] != 255)),
        _ => false,
    }
}

/// The query form of an address under a list: reversed octets, or reversed nibbles for IPv6.
pub fn reversed(ip: IpAddr) -> String {
    let name = crate::dns::reverse_name(canonical_ip(ip));
    name.strip_suffix(".in-addr.arpa")
        .or_else(|| name.strip_suffix(".ip6.arpa"))
        .unwrap_or(&name)
        .to_string()
}

pub(crate) fn ip_eval(ip: IpAddr, config: &BlocklistConfig, ctx: &mut Ctx) -> IpReputation {
    let ip = canonical_ip(ip);
    ctx.secret = dqs_key(config)
        .filter(|k| key_ok(k))
        .map(str::to_ascii_lowercase);
    let shown = ip.to_string();
    let public = crate::vocab::ip::classify(ip).can_be_sender();
    let item = reversed(ip);
    let lists = plans(config, ListKind::Ip)
        .iter()
        .map(|plan| {
            if public {
                ask_list(ctx, plan, &item, &shown, "1.0.0.127")
            } else {
                ListResult {
                    list: plan.name.clone(),
                    zone: plan.shown_zone.clone(),
                    status: ListStatus::CouldNotCheck,
                    codes: Vec::new(),
                    reason: None,
                    explanation: format!("{shown} is a private or reserved address; blocklists only hold public addresses."),
                    lookup_url: plan.lookup.map(str::to_string),
                    delist_url: plan.delist.map(str::to_string),
                    evidence: Vec::new(),
                }
            }
        })
        .collect();
    IpReputation { ip: shown, lists }
}

/// Checks an IP address against the configured address blocklists (all asked at once).
pub fn check_ip(ip: IpAddr, config: &BlocklistConfig, answers: &dyn Answers) -> Step<IpReputation> {
    let mut ctx = Ctx::new(answers);
    let result = ip_eval(ip, config, &mut ctx);
    ctx.finish(result)
}

/// [`check_ip`] as it stands, with lists not answered yet marked pending.
pub fn check_ip_snapshot(
    ip: IpAddr,
    config: &BlocklistConfig,
    answers: &dyn Answers,
) -> IpReputation {
    ip_eval(ip, config, &mut Ctx::new(answers))
}

/// At most this many domains are checked on domain lists.
pub const MAX_DOMAINS: usize = 24;

pub(crate) fn domains_eval(
    domains: &[String],
    config: &BlocklistConfig,
    ctx: &mut Ctx,
) -> Vec<DomainListing> {
    ctx.secret = dqs_key(config)
        .filter(|k| key_ok(k))
        .map(str::to_ascii_lowercase);
    let plans = plans(config, ListKind::Domain);
    let mut seen: Vec<String> = Vec::new();
    for domain in domains.iter().take(MAX_DOMAINS * 4) {
        let Some(host) = host_name(domain) else {
            continue;
        };
        let org = crate::vocab::domain::org_domain(&host).unwrap_or(host);
        if !seen.contains(&org) {
            seen.push(org);
        }
        if seen.len() >= MAX_DOMAINS {
            break;
        }
    }
    seen.into_iter()
        .map(|domain| DomainListing {
            lists: plans
                .iter()
                .map(|plan| ask_list(ctx, plan, &domain, &domain, "invalid"))
                .collect(),
            domain,
        })
        .collect()
}

/// Checks domains (each reduced to its organization domain, duplicates and names that are not
/// host names dropped, at most [`MAX_DOMAINS`]) against the configured domain lists.
pub fn check_domains_on_lists(
    domains: &[String],
    config: &BlocklistConfig,
    answers: &dyn Answers,
) -> Step<Vec<DomainListing>> {
    let mut ctx = Ctx::new(answers);
    let result = domains_eval(domains, config, &mut ctx);
    ctx.finish(result)
}

/// [`check_domains_on_lists`] as it stands, with lists not answered yet marked pending.
pub fn check_domains_on_lists_snapshot(
    domains: &[String],
    config: &BlocklistConfig,
    answers: &dyn Answers,
) -> Vec<DomainListing> {
    domains_eval(domains, config, &mut Ctx::new(answers))
}

/// The host names of the http and https links in a text (a message body), lowercase, without
/// duplicates, at most `max`. IP-address hosts and names that are not host names are skipped.
pub fn link_domains(body: &str, max: usize) -> Vec<String> {
    let b = body.as_bytes();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i + 7 < b.len() && out.len() < max {
        let rest = &b[i..];
        let skip = if rest[..4].eq_ignore_ascii_case(b"http") {
            if rest[4..].starts_with(b"://") {
                7
            } else if rest[4..5].eq_ignore_ascii_case(b"s") && rest[5..].starts_with(b"://") {
                8
            } else {
                0
            }
        } else {
            0
        };
        if skip == 0 {
            i += 1;
            continue;
        }
        let mut start = i + skip;
        let mut end = start;
        loop {
            while end < b.len()
                && end - start < 256
                && (b[end].is_ascii_alphanumeric() || matches!(b[end], b'-' | b'.' | b'_'))
            {
                end += 1;
            }
            // user:password@host: the host comes after the '@'
            let mut j = end;
            while j < b.len()
                && j - start < 256
                && !matches!(b[j], b'/' | b'@' | b'?' | b'#')
                && b[j] > b' '
                && b[j] != b'"'
            {
                j += 1;
            }
            if j < b.len() && b[j] == b'@' && j - start < 256 {
                start = j + 1;
                end = start;
                continue;
            }
            break;
        }
        if let Some(host) = body.get(start..end).and_then(host_name)
            && !out.contains(&host)
        {
            out.push(host);
        }
        i = end.max(i + 1);
    }
    out
}

fn list_findings(subject: &str, area: &str, lists: &[ListResult]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut clean = Vec::new();
    let mut pending = Vec::new();
    for l in lists {
        match l.status {
            ListStatus::Listed => out.push(finding(
                &format!("{area}.listed"),
                Severity::Problem,
                format!("{subject} is on the blocklist {}.", l.list),
                l.explanation.clone(),
                evidence_of(&l.evidence),
            )),
            ListStatus::CouldNotCheck => out.push(finding(
                &format!("{area}.could-not-check"),
                Severity::Info,
                format!("Could not check {subject} on {}.", l.list),
                l.explanation.clone(),
                evidence_of(&l.evidence),
            )),
            ListStatus::NotListed => clean.push(l),
            ListStatus::Pending => pending.push(l.list.as_str()),
        }
    }
    if !clean.is_empty() {
        let names: Vec<&str> = clean.iter().map(|l| l.list.as_str()).collect();
        let evidence: Vec<Lookup> = clean.iter().flat_map(|l| l.evidence.clone()).collect();
        out.push(finding(
            &format!("{area}.not-listed"),
            Severity::Info,
            format!("{subject} is not on {}.", names.join(", ")),
            String::new(),
            evidence_of(&evidence),
        ));
    }
    if !pending.is_empty() {
        out.push(finding(
            &format!("{area}.pending"),
            Severity::Info,
            format!("Still waiting for {} about {subject}.", pending.join(", ")),
            String::new(),
            Vec::new(),
        ));
    }
    out
}

impl IpReputation {
    /// Report findings: one per listing and per list that could not be checked, one for the
    /// lists that do not list the address, one for lists still pending.
    pub fn findings(&self) -> Vec<Finding> {
        list_findings(&self.ip, "blocklist.ip", &self.lists)
    }

    /// Whether any list lists the address.
    pub fn listed(&self) -> bool {
        self.lists.iter().any(|l| l.status == ListStatus::Listed)
    }
}

impl DomainListing {
    /// Report findings, as for [`IpReputation::findings`].
    pub fn findings(&self) -> Vec<Finding> {
        list_findings(&self.domain, "blocklist.domain", &self.lists)
    }
}
