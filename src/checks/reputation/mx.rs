//! A domain's mail servers (MX records, RFC 5321 section 5.1; null MX, RFC 7505).

use super::{Ctx, Got, Lookup, addresses, evidence_of, finding, host_name};
use crate::dns::{Answers, Question, RData, RecordType, Step};
use crate::vocab::finding::{Finding, Severity};
use serde::{Deserialize, Serialize};

/// At most this many MX records are followed.
pub const MAX_MX: usize = 16;

/// The state of a domain's mail servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MxStatus {
    /// MX records, each naming a host that resolves.
    Ok,
    /// Some MX hosts have problems, others work.
    Degraded,
    /// No MX host can be used.
    Broken,
    /// A null MX (RFC 7505): the domain says it accepts no mail.
    NullMx,
    /// No MX records; mail goes to the domain's own address (RFC 5321 section 5.1).
    ImplicitMx,
    /// No MX records and no address: the domain cannot receive mail.
    NoMail,
    /// The domain does not exist.
    NoDomain,
    /// A lookup failed, or the name is not a domain.
    CouldNotCheck,
    /// Waiting for answers.
    Pending,
}

/// One MX record and its host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MxHost {
    /// Lower is tried first.
    pub preference: u16,
    /// The host named (empty for a null MX).
    pub exchange: String,
    /// Its A and AAAA addresses.
    pub addresses: Vec<String>,
    /// The name it is an alias of, when the host is a CNAME.
    pub cname: Option<String>,
    /// Why mail cannot use this host, if so.
    pub problem: Option<String>,
    /// Something worth fixing that does not stop mail.
    pub warning: Option<String>,
}

/// The MX check of a domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MxCheck {
    /// The domain.
    pub domain: String,
    /// The verdict.
    pub status: MxStatus,
    /// The MX records, by preference.
    pub hosts: Vec<MxHost>,
    /// The domain's own addresses when it has no MX (implicit MX).
    pub fallback_addresses: Vec<String>,
    /// The domain's own A and AAAA addresses (its website's server, commonly): with no MX, or
    /// when asked for with MX records (the From domain's); `None` when not asked, while
    /// pending, when a lookup failed, or for a null MX.
    pub own_addresses: Option<Vec<String>>,
    /// What it means.
    pub explanation: String,
    /// The DNS answers used.
    pub evidence: Vec<Lookup>,
}

impl MxCheck {
    /// The addresses of the usable MX hosts (or of the implicit MX), at most `max`.
    pub fn server_ips(&self, max: usize) -> Vec<core::net::IpAddr> {
        let hosts = self.hosts.iter().flat_map(|h| h.addresses.iter());
        hosts
            .chain(self.fallback_addresses.iter())
            .filter_map(|a| a.parse().ok())
            .fold(Vec::new(), |mut v, ip| {
                if !v.contains(&ip) && v.len() < max {
                    v.push(ip);
                }
                v
            })
    }
}

/// The A and AAAA of a name: (addresses, the CNAME target if the name is an alias, pending,
/// failed, exists).
fn resolve(
    ctx: &mut Ctx,
    name: &str,
    out: &mut Vec<Lookup>,
) -> (Vec<String>, Option<String>, bool, bool, bool) {
    let (mut addrs, mut cname) = (Vec::new(), None);
    let (mut pending, mut failed, mut exists) = (false, false, false);
    for rtype in [RecordType::A, RecordType::Aaaa] {
        let q = Question::new(name, rtype);
        let got = ctx.ask(&q);
        out.push(ctx.lookup(&q));
        if cname.is_none() {
            cname = ctx.cname_of(&q);
        }
        match got {
            Got::Pending => pending = true,
            Got::Failed(_) => failed = true,
            Got::NxDomain => {}
            Got::NoData => exists = true,
            Got::Data(d) => {
                exists = true;
                addrs.extend(addresses(&d).iter().take(16).map(|a| a.to_string()));
            }
        }
    }
    (addrs, cname, pending, failed, exists)
}

pub(crate) fn mx_eval(domain: &str, own_addresses: bool, ctx: &mut Ctx) -> MxCheck {
    let shown = crate::vocab::text::clip_ellipsis(domain.trim(), 255);
    let mut out = MxCheck {
        domain: shown.clone(),
        status: MxStatus::Pending,
        hosts: Vec::new(),
        fallback_addresses: Vec::new(),
        own_addresses: None,
        explanation: String::new(),
        evidence: Vec::new(),
    };
    let Some(d) = host_name(domain) else {
        out.status = MxStatus::CouldNotCheck;
        out.explanation =
            format!("\"{shown}\" is not a domain name, so its mail servers cannot be looked up.");
        return out;
    };
    out.domain = d.clone();
    let q = Question::new(&d, RecordType::Mx);
    let got = ctx.ask(&q);
    out.evidence.push(ctx.lookup(&q));
    let mut records: Vec<(u16, String)> = Vec::new();
    (out.status, out.explanation) = match got {
        Got::Pending => (
            MxStatus::Pending,
            format!("Waiting for the MX records of {d}."),
        ),
        Got::Failed(why) => (
            MxStatus::CouldNotCheck,
            format!("The MX records of {d} could not be looked up: {why}."),
        ),
        Got::NxDomain => (
            MxStatus::NoDomain,
            format!(
                "The domain {d} does not exist in DNS, so no mail can be delivered to it (and receivers often refuse mail that claims to come from it)."
            ),
        ),
        Got::NoData => {
            let (addrs, _, pending, failed, _) = resolve(ctx, &d, &mut out.evidence);
            out.own_addresses = (!pending && !failed).then(|| addrs.clone());
            out.fallback_addresses = addrs;
            if !out.fallback_addresses.is_empty() {
                (
                    MxStatus::ImplicitMx,
                    format!(
                        "{d} has no MX record (the record that names a domain's mail servers). By the mail rules (RFC 5321 section 5.1), mail then goes to the domain's own address ({}). This works, but it is unusual and fragile: add an MX record.",
                        out.fallback_addresses.join(", ")
                    ),
                )
            } else if pending {
                (
                    MxStatus::Pending,
                    format!("{d} has no MX record; waiting for its address."),
                )
            } else if failed {
                (
                    MxStatus::CouldNotCheck,
                    format!("{d} has no MX record, and looking up its address failed."),
                )
            } else {
                (
                    MxStatus::NoMail,
                    format!(
                        "{d} has no MX record (the record that names a domain's mail servers) and no address, so it cannot receive mail. Add an MX record for {d}."
                    ),
                )
            }
        }
        Got::Data(data) => {
            for rdata in data.iter() {
                if let RData::Mx {
                    preference,
                    exchange,
                } = rdata
                {
                    records.push((*preference, exchange.clone()));
                }
            }
            records.truncate(MAX_MX * 4);
            // insertion sort by preference (stable; small in the wasm)
            for i in 1..records.len() {
                let mut j = i;
                while j > 0 && records[j - 1].0 > records[j].0 {
                    records.swap(j - 1, j);
                    j -= 1;
                }
            }
            records.truncate(MAX_MX);
            (MxStatus::Pending, String::new())
        }
    };
    if records.is_empty() {
        return out;
    }
    if records.len() == 1 && records.first().is_some_and(|r| r.1.is_empty()) {
        out.hosts.push(MxHost {
            preference: records[0].0,
            exchange: String::new(),
            addresses: Vec::new(),
            cname: None,
            problem: None,
            warning: None,
        });
        out.status = MxStatus::NullMx;
        out.explanation = format!(
            "{d} publishes a null MX (one MX record with the name \".\", RFC 7505): it says it accepts no mail at all. Mail sent to it fails at once; receivers may refuse mail that uses it as the sender, since replies and bounces cannot reach it."
        );
        return out;
    }
    // The domain's own addresses, when asked for, in the same round as its hosts'.
    if own_addresses {
        let (own, _, own_pending, own_failed, _) = resolve(ctx, &d, &mut out.evidence);
        out.own_addresses = (!own_pending && !own_failed).then_some(own);
    }
    let (mut pending, mut failed) = (false, false);
    for (preference, exchange) in records {
        let mut host = MxHost {
            preference,
            exchange: exchange.clone(),
            addresses: Vec::new(),
            cname: None,
            problem: None,
            warning: None,
        };
        if exchange.is_empty() {
            host.problem = Some(
                "A null MX (\".\") mixed with other MX records; RFC 7505 allows it only alone."
                    .into(),
            );
        } else if crate::vocab::ip::parse_ip(&exchange).is_some() {
            host.problem = Some(format!(
                "The MX record gives an IP address ({exchange}) instead of a host name; mail servers look it up as a name and fail. Use a name whose address record is that IP."
            ));
        } else if host_name(&exchange).is_none() {
            host.problem = Some(format!("\"{exchange}\" is not a valid host name."));
        } else {
            let (addrs, cname, p, f, _) = resolve(ctx, &exchange, &mut out.evidence);
            host.addresses = addrs;
            if let Some(target) = &cname {
                host.warning = Some(format!(
                    "{exchange} is an alias (CNAME) of {target}. MX records must name a host directly (RFC 2181 section 10.3); most servers cope, some do not. Point the MX at {target}."
                ));
            }
            host.cname = cname;
            pending |= p;
            failed |= f;
            if host.addresses.is_empty() && !p && !f {
                host.problem = Some(format!(
                    "{exchange} has no address (A or AAAA record), so mail cannot be delivered to it."
                ));
            }
        }
        out.hosts.push(host);
    }
    let n = out.hosts.len();
    let bad = out.hosts.iter().filter(|h| h.problem.is_some()).count();
    let good = out
        .hosts
        .iter()
        .filter(|h| h.problem.is_none() && !h.addresses.is_empty())
        .count();
    let names = out
        .hosts
        .iter()
        .map(|h| h.exchange.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    (out.status, out.explanation) = if pending {
        (
            MxStatus::Pending,
            format!("Waiting for the addresses of {names}."),
        )
    } else if bad == n {
        (
            MxStatus::Broken,
            format!(
                "None of the mail servers of {d} ({names}) can be used, so mail to {d} fails. Fix the MX records of {d}."
            ),
        )
    } else if bad > 0 {
        (
            MxStatus::Degraded,
            format!(
                "{bad} of the {n} mail servers of {d} cannot be used; mail still goes to the others. Fix or remove the broken MX records of {d}."
            ),
        )
    } else if failed && good == 0 {
        (
            MxStatus::CouldNotCheck,
            format!("{d} has MX records ({names}), but looking up their addresses failed."),
        )
    } else {
        (
            MxStatus::Ok,
            format!(
                "{d} has {n} mail server{} ({names}), each with an address.",
                if n == 1 { "" } else { "s" }
            ),
        )
    };
    out
}

/// Checks a domain's MX records: then each host's A and AAAA in one round (or, with no MX,
/// the domain's own A and AAAA). `own_addresses`: also the domain's own A and AAAA when it has
/// MX records (the From domain's: the server its name resolves to, its website's, is its own).
pub fn check_mx(domain: &str, own_addresses: bool, answers: &dyn Answers) -> Step<MxCheck> {
    let mut ctx = Ctx::new(answers);
    let result = mx_eval(domain, own_addresses, &mut ctx);
    ctx.finish(result)
}

/// [`check_mx`] as it stands.
pub fn check_mx_snapshot(domain: &str, own_addresses: bool, answers: &dyn Answers) -> MxCheck {
    mx_eval(domain, own_addresses, &mut Ctx::new(answers))
}

impl MxCheck {
    /// Report findings: the overall state, then one per host with a problem or warning.
    pub fn findings(&self) -> Vec<Finding> {
        let d = &self.domain;
        let mut out = Vec::new();
        let head = match self.status {
            MxStatus::Ok => Some((
                "mx.ok",
                Severity::Info,
                format!("{d} has working mail servers (MX)."),
            )),
            MxStatus::Degraded => Some((
                "mx.degraded",
                Severity::Warning,
                format!("Some mail servers of {d} are broken."),
            )),
            MxStatus::Broken => Some((
                "mx.broken",
                Severity::Problem,
                format!("No mail server of {d} can receive mail."),
            )),
            MxStatus::NullMx => Some((
                "mx.null",
                Severity::Warning,
                format!("{d} accepts no mail (null MX)."),
            )),
            MxStatus::ImplicitMx => Some((
                "mx.implicit",
                Severity::Warning,
                format!("{d} has no MX record; mail goes to its own address."),
            )),
            MxStatus::NoMail => Some((
                "mx.none",
                Severity::Problem,
                format!("{d} has no mail server and cannot receive mail."),
            )),
            MxStatus::NoDomain => Some((
                "mx.no-domain",
                Severity::Problem,
                format!("The domain {d} does not exist."),
            )),
            MxStatus::CouldNotCheck => Some((
                "mx.temperror",
                Severity::Info,
                format!("Could not check the mail servers of {d}."),
            )),
            MxStatus::Pending => None,
        };
        if let Some((code, severity, title)) = head {
            out.push(finding(
                code,
                severity,
                title,
                self.explanation.clone(),
                evidence_of(&self.evidence),
            ));
        }
        for h in &self.hosts {
            if let Some(p) = &h.problem {
                let severity = if self.status == MxStatus::Broken {
                    Severity::Problem
                } else {
                    Severity::Warning
                };
                out.push(finding(
                    "mx.host-problem",
                    severity,
                    format!("The MX host {} cannot be used.", h.exchange),
                    p.clone(),
                    Vec::new(),
                ));
            }
            if let Some(w) = &h.warning {
                out.push(finding(
                    "mx.cname",
                    Severity::Warning,
                    format!("The MX host {} is an alias (CNAME).", h.exchange),
                    w.clone(),
                    Vec::new(),
                ));
            }
        }
        out
    }
}
