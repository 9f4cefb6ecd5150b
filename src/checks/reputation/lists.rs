//! DNS blocklists (DNSBL and domain lists, RFC 5782): which lists to ask, how to ask, and what
//! each answer means.
//!
//! Every list is asked at once: the A question (listed or not), the TXT question (the list's
//! reason, shown when it has arrived, never waited for) and a test entry (RFC 5782 section 5:
//! `127.0.0.1` for address lists, `invalid` for domain lists) that no list may list. A list that
//! says the test entry is listed is answering every name, and its answers are not trusted.

use super::{Ctx, Got, Lookup, canonical_ip, evidence_of, finding, host_name};
use crate::dns::{Answers, Question, RData, RecordType, Step};
use crate::vocab::finding::{Finding, Severity};
use core::net::{IpAddr, Ipv4Addr};
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
        match KNOWN.iter().find(|k| k.zone == zone) {
            Some(k) if k.family == Family::Surbl => self.surbl = true,
            Some(k) if k.family == Family::Uribl => self.uribl = true,
            Some(k) if k.off_because.is_none() => {}
            known => {
                let kind = match known.map(|k| k.family) {
                    Some(Family::Dbl) => ListKind::Domain,
                    _ => ListKind::Ip,
                };
                if self.lists.len() < 16 && !self.lists.iter().any(|l| l.zone == zone) {
                    self.lists.push(ListSpec { zone, kind });
                }
            }
        }
    }

    /// The lists chosen as a whole (the page's ticked boxes): the built-in lists on by default
    /// that are not named are skipped; every named zone is turned on.
    pub fn choose(&mut self, zones: &[String]) {
        let named: Vec<String> = zones.iter().filter_map(|z| host_name(z)).collect();
        self.skip = KNOWN
            .iter()
            .filter(|k| k.off_because.is_none() && !named.iter().any(|z| z == k.zone))
            .map(|k| k.zone.to_string())
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    Zen,
    Dbl,
    Barracuda,
    SpamCop,
    Surbl,
    Uribl,
    Other,
}

struct Known {
    family: Family,
    name: &'static str,
    zone: &'static str,
    lookup: &'static str,
    delist: &'static str,
    /// Why the list is not asked unless chosen (None: asked by default).
    off_because: Option<&'static str>,
}

/// Why Barracuda is off by default, for the page's settings and the CLI's help.
pub const REGISTERED_RESOLVERS_ONLY: &str = "Off by default: Barracuda answers only DNS resolvers registered with it (free registration), so through a public resolver or one that is not registered it gives no answer.";

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

/// The built-in lists, in the order they are asked, with their defaults.
pub fn built_in_lists() -> impl Iterator<Item = BuiltInList> {
    KNOWN.iter().map(|k| BuiltInList {
        name: k.name,
        zone: k.zone,
        kind: match k.family {
            Family::Zen | Family::Barracuda | Family::SpamCop | Family::Other => ListKind::Ip,
            Family::Dbl | Family::Surbl | Family::Uribl => ListKind::Domain,
        },
        off_because: k.off_because,
    })
}

const SPAMHAUS_URL: &str = "https://check.spamhaus.org/";

const KNOWN: [Known; 6] = [
    Known {
        family: Family::Zen,
        name: "Spamhaus ZEN",
        zone: "zen.spamhaus.org",
        lookup: SPAMHAUS_URL,
        delist: SPAMHAUS_URL,
        off_because: None,
    },
    Known {
        family: Family::Barracuda,
        name: "Barracuda BRBL",
        zone: "b.barracudacentral.org",
        lookup: "https://www.barracudacentral.org/lookups",
        delist: "https://www.barracudacentral.org/rbl/removal-request",
        off_because: Some(REGISTERED_RESOLVERS_ONLY),
    },
    Known {
        family: Family::SpamCop,
        name: "SpamCop",
        zone: "bl.spamcop.net",
        lookup: "https://www.spamcop.net/bl.shtml",
        delist: "https://www.spamcop.net/bl.shtml",
        off_because: None,
    },
    Known {
        family: Family::Dbl,
        name: "Spamhaus DBL",
        zone: "dbl.spamhaus.org",
        lookup: SPAMHAUS_URL,
        delist: SPAMHAUS_URL,
        off_because: None,
    },
    Known {
        family: Family::Surbl,
        name: "SURBL",
        zone: "multi.surbl.org",
        lookup: "https://www.surbl.org/surbl-analysis",
        delist: "https://www.surbl.org/surbl-analysis",
        off_because: Some("Off by default: a list of domains seen in the links of spam messages."),
    },
    Known {
        family: Family::Uribl,
        name: "URIBL",
        zone: "multi.uribl.com",
        lookup: "https://admin.uribl.com/",
        delist: "https://admin.uribl.com/",
        off_because: Some("Off by default: a list of domains seen in the links of spam messages."),
    },
];

/// One list as it will be asked.
struct Plan {
    family: Family,
    name: String,
    zone: String,
    shown_zone: String,
    lookup: Option<&'static str>,
    delist: Option<&'static str>,
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
    let mut wanted: Vec<&Known> = KNOWN
        .iter()
        .filter(|k| match k.family {
            Family::Zen | Family::SpamCop => kind == ListKind::Ip,
            // Asked only when chosen (in `lists`): it answers registered resolvers only.
            Family::Barracuda => false,
            Family::Dbl => kind == ListKind::Domain,
            Family::Surbl => kind == ListKind::Domain && config.surbl,
            Family::Uribl => kind == ListKind::Domain && config.uribl,
            Family::Other => false,
        })
        .filter(|k| !config.skip.iter().any(|z| z.eq_ignore_ascii_case(k.zone)))
        .collect();
    let mut out: Vec<Plan> = Vec::new();
    let key = dqs_key(config);
    let mut custom = Vec::new();
    for spec in config.lists.iter().filter(|s| s.kind == kind).take(16) {
        let Some(zone) = host_name(&spec.zone) else {
            continue;
        };
        match KNOWN.iter().find(|k| k.zone == zone) {
            Some(k) if !wanted.iter().any(|w| w.zone == k.zone) => wanted.push(k),
            Some(_) => {}
            None if !custom.contains(&zone) => custom.push(zone),
            None => {}
        }
    }
    for k in wanted {
        let mut plan = Plan {
            family: k.family,
            name: k.name.to_string(),
            zone: k.zone.to_string(),
            shown_zone: k.zone.to_string(),
            lookup: Some(k.lookup),
            delist: Some(k.delist),
            bad_key: false,
        };
        if let (Some(key), Family::Zen | Family::Dbl) = (key, k.family) {
            let sub = if k.family == Family::Zen {
                "zen"
            } else {
                "dbl"
            };
            plan.bad_key = !key_ok(key);
            plan.zone = format!("{}.{sub}.dq.spamhaus.net", key.to_ascii_lowercase());
            plan.shown_zone = format!("KEY.{sub}.dq.spamhaus.net");
            plan.name.push_str(" (DQS)");
        }
        out.push(plan);
    }
    for zone in custom {
        out.push(Plan {
            family: Family::Other,
            name: zone.clone(),
            shown_zone: zone.clone(),
            zone,
            lookup: None,
            delist: None,
            bad_key: false,
        });
    }
    out
}

/// A decoded return address.
enum Code {
    Listed(String, &'static str),
    Error(&'static str),
}

const PBL: &str = "an address for home or office users that should not send mail straight to other servers. It is not a spam accusation: send through the provider's mail server, or, if this is a real mail server, ask to have it removed.";
const UNKNOWN_CODE: &str = "a code this page does not know; the list's lookup page explains it.";

fn decode(family: Family, a: Ipv4Addr) -> Code {
    let o = a.octets();
    let spamhaus = matches!(family, Family::Zen | Family::Dbl);
    let listed = |name: &str, meaning| Code::Listed(name.to_string(), meaning);
    match (o, family) {
        ([127, 255, 255, 252], _) if spamhaus => Code::Error(
            "Spamhaus says the query was malformed (127.255.255.252: a typo in the list name).",
        ),
        ([127, 255, 255, 254], _) if spamhaus => Code::Error(
            "Spamhaus refuses queries that come through public DNS resolvers (127.255.255.254), which this check uses.",
        ),
        ([127, 255, 255, 255], _) if spamhaus => {
            Code::Error("Spamhaus says too many queries came from this resolver (127.255.255.255).")
        }
        ([127, 0, 1, 255], Family::Dbl) => {
            Code::Error("Spamhaus DBL does not answer for IP addresses (127.0.1.255).")
        }
        ([127, 255, ..], _) => {
            Code::Error("The list answered with an error code (127.255.x.x), not a listing.")
        }
        ([127, 0, 0, 1], _) => Code::Error(
            "The list answered 127.0.0.1, which lists use to refuse a query (public resolver or query limit), not a listing.",
        ),
        ([first, ..], _) if first != 127 => Code::Error(
            "The list answered with an address outside 127.x, which is not a listing: something answers every name (often a list that has shut down).",
        ),
        ([_, 0, 0, 2], Family::Zen) => listed(
            "SBL",
            "Spamhaus staff found this address sending or hosting spam. Most receivers reject its mail.",
        ),
        ([_, 0, 0, 3], Family::Zen) => listed(
            "CSS",
            "an automatic listing for sending spam or low-quality bulk mail, often from a compromised or misconfigured server. It expires once the problem stops.",
        ),
        ([_, 0, 0, 9], Family::Zen) => listed(
            "DROP",
            "the whole network is hijacked or run by criminals; its traffic is refused almost everywhere.",
        ),
        ([_, 0, 0, 4..=7], Family::Zen) => listed(
            "XBL",
            "a machine at this address looks infected or hijacked (botnet, open proxy). Clean it, then ask for removal.",
        ),
        ([_, 0, 0, 10], Family::Zen) => listed("PBL (ISP)", PBL),
        ([_, 0, 0, 11], Family::Zen) => listed("PBL (Spamhaus)", PBL),
        ([_, 0, 1, 2], Family::Dbl) => listed("spam domain", "the domain is used in spam."),
        ([_, 0, 1, 4], Family::Dbl) => listed("phish domain", "the domain is used for phishing."),
        ([_, 0, 1, 5], Family::Dbl) => listed("malware domain", "the domain spreads malware."),
        ([_, 0, 1, 6], Family::Dbl) => listed(
            "botnet C&C domain",
            "the domain controls a botnet (infected machines).",
        ),
        ([_, 0, 1, 102..=106], Family::Dbl) => listed(
            "abused legit domain",
            "a legitimate domain that was hacked or abused (spam, phishing, redirects or malware on it). The owner must clean it up.",
        ),
        ([_, 0, 0, 2], Family::Barracuda) => {
            listed("BRBL", "Barracuda's systems saw spam from this address.")
        }
        ([_, 0, 0, 2], Family::SpamCop) => listed(
            "SCBL",
            "people or spam traps reported mail from this address as spam recently. It expires by itself about a day after the reports stop.",
        ),
        ([_, 0, 0, bits], Family::Surbl) if bits & 0xd8 != 0 => listed(
            &flags(bits, &[(8, "PH"), (16, "MW"), (64, "ABUSE"), (128, "CR")]),
            "the domain appeared in unwanted mail (PH phishing, MW malware, ABUSE spam, CR hacked site).",
        ),
        ([_, 0, 0, bits], Family::Uribl) if bits & 0x0e != 0 => listed(
            &flags(bits, &[(2, "black"), (4, "grey"), (8, "red")]),
            "the domain appeared in spam (black: spam domain; grey: bulk sender; red: abused).",
        ),
        _ => Code::Listed(a.to_string(), UNKNOWN_CODE),
    }
}

fn flags(bits: u8, names: &[(u8, &str)]) -> String {
    names
        .iter()
        .filter(|(b, _)| bits & b != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join("+")
}

fn advice(family: Family) -> &'static str {
    match family {
        Family::Zen | Family::Dbl => {
            "To check Spamhaus, add a free Spamhaus DQS key in the settings (it stays in your browser), or point the page at your own DNS-over-HTTPS resolver."
        }
        Family::Barracuda => {
            "Barracuda answers only resolvers registered with it: point the page at your own registered resolver, or use its lookup page."
        }
        _ => "Try again later, or use the list's lookup page.",
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
            result.explanation = format!(
                "{list} could not be checked: {why}. {}",
                advice(plan.family)
            );
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
                    match decode(plan.family, *addr) {
                        Code::Listed(..) if result.codes.len() >= 8 => {}
                        Code::Listed(code, meaning) => result.codes.push(ListCode {
                            answer: addr.to_string(),
                            name: code,
                            meaning: meaning.to_string(),
                        }),
                        Code::Error(what) => {
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
                result.explanation = format!(
                    "{list} could not be checked. {what} {}",
                    advice(plan.family)
                );
            } else if result.codes.is_empty() {
                result.status = ListStatus::NotListed;
                result.explanation = format!("{shown} is not on {list}.");
            } else if listed_canary(ctx.ask(&qc)) {
                result.evidence.push(ctx.lookup(&qc));
                result.status = ListStatus::CouldNotCheck;
                result.codes.clear();
                result.explanation = format!(
                    "{list} could not be checked. {TEST_ANSWERS_EVERYTHING} {}",
                    advice(plan.family)
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
