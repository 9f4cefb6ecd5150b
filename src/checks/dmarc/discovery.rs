//! Policy discovery and the organizational domain.
//!
//! - RFC 9989 walks the DNS tree (section 4.10): `_dmarc.<From domain>`, then, after dropping
//!   labels (to 7 when there are 8 or more, else one at a time), each parent up to the top-level
//!   domain: at most 8 names. The policy is the From domain's record, else the organizational
//!   domain's, else the highest record found (a public suffix's) (section 4.10.1). The
//!   organizational domain (section 4.10.2) is the name whose record says `psd=n`, else the name
//!   one label below a record saying `psd=y`, else the highest name with a record, else the
//!   domain itself.
//! - RFC 7489 asks `_dmarc.<From domain>`, then `_dmarc.<organizational domain>` (section
//!   6.6.3), the organizational domain coming from the public suffix list (section 3.2). The
//!   list is compiled in natively only (the `psl` crate); the WebAssembly build uses the tree
//!   walk's answer and says so.
//!
//! Every tree-walk name is asked in the same round. A DNS error is "could not check"
//! (temperror), never a failure. Multiple DMARC records at one name mean no policy (both RFCs:
//! the set is discarded and discovery ends there).

use super::DmarcMode;
use super::record::{DmarcRecord, Psd, parse_record};
use crate::dns::{Answers, Question, RData, Rcode, RecordType, Step, normalize_name};
use crate::vocab::text::clip;
use serde::{Deserialize, Serialize};

/// Names asked by one tree walk (RFC 9989 section 4.10).
const MAX_WALK: usize = 8;

/// What the DNS said at one `_dmarc` name.
#[derive(Debug, Clone, PartialEq)]
enum Lookup {
    /// Not answered yet.
    Pending,
    /// Could not check (a DNS error, SERVFAIL, REFUSED, ...), with why.
    Error(String),
    /// The DMARC records found (those beginning with v=DMARC1): the first two, which is
    /// enough to tell one from several.
    Records(Vec<DmarcRecord>),
}

fn dmarc_question(domain: &str) -> Question {
    Question::new(&format!("_dmarc.{domain}"), RecordType::Txt)
}

fn lookup(answers: &dyn Answers, domain: &str) -> Lookup {
    let question = dmarc_question(domain);
    match answers.outcome(&question) {
        None => Lookup::Pending,
        Some(Err(error)) => Lookup::Error(error.to_string()),
        Some(Ok(answer)) => match answer.rcode {
            Rcode::NxDomain => Lookup::Records(Vec::new()),
            Rcode::NoError => Lookup::Records(
                answer
                    .data_for(&question)
                    .into_iter()
                    .filter_map(|data| match data {
                        RData::Txt(parts) => parse_record(&parts.concat()).ok(),
                        _ => None,
                    })
                    .take(2)
                    .collect(),
            ),
            other => Lookup::Error(format!("the DNS server answered {}", rcode_word(other))),
        },
    }
}

fn rcode_word(rcode: Rcode) -> String {
    match rcode {
        Rcode::NoError => "NOERROR".to_string(),
        Rcode::ServFail => "SERVFAIL".to_string(),
        Rcode::NxDomain => "NXDOMAIN".to_string(),
        Rcode::Refused => "REFUSED".to_string(),
        Rcode::Other(code) => format!("error code {code}"),
    }
}

/// A domain name the check can ask about: ASCII letters, digits, `-` and `_`, labels of 1 to
/// 63 bytes, at most 240 bytes in all (so `_dmarc.` fits). Lowercased, trailing dot removed.
pub(super) fn clean_domain(domain: &str) -> Option<String> {
    let domain = normalize_name(domain);
    let ok = !domain.is_empty()
        && domain.len() <= 240
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    ok.then_some(domain)
}

/// True for a dotted-decimal IPv4 address, which has no parents to walk to.
fn is_ip_like(domain: &str) -> bool {
    domain
        .split('.')
        .all(|l| l.bytes().all(|b| b.is_ascii_digit()))
}

/// The names RFC 9989's tree walk asks, in order (section 4.10): the domain, then, with
/// labels dropped from the left (straight to 7 labels when there are 8 or more), each parent up
/// to the top-level domain. At most 8 names.
pub fn tree_walk_names(domain: &str) -> Vec<String> {
    let Some(domain) = clean_domain(domain) else {
        return Vec::new();
    };
    if is_ip_like(&domain) {
        return vec![domain];
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let n = labels.len();
    let mut out = vec![domain.clone()];
    let first = if n >= 8 { n - 7 } else { 1 };
    for i in first..n {
        if let Some(rest) = labels.get(i..) {
            out.push(rest.join("."));
        }
    }
    out.truncate(MAX_WALK);
    out
}

/// The organizational domain from the public suffix list (RFC 7489 section 3.2), natively.
#[cfg(not(target_arch = "wasm32"))]
fn psl_org(domain: &str) -> Option<String> {
    Some(
        psl::domain_str(domain)
            .map(str::to_string)
            .unwrap_or_else(|| domain.to_string()),
    )
}

/// The WebAssembly build has no public suffix list (too big); callers use the tree walk.
#[cfg(target_arch = "wasm32")]
fn psl_org(_domain: &str) -> Option<String> {
    None
}

/// Where an organizational domain came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrgBasis {
    /// The RFC 9989 DNS tree walk.
    TreeWalk,
    /// The public suffix list (RFC 7489).
    PublicSuffixList,
    /// The tree walk, standing in for the public suffix list this build does not include.
    TreeWalkInsteadOfList,
}

/// The organizational domain of `domain` by RFC 9989's tree walk (section 4.10.2), from the
/// answers so far: Need(every name not yet answered), or Done(Ok(org)) or Done(Err(why)) when a
/// lookup failed before the walk could decide.
fn tree_walk_org(domain: &str, answers: &dyn Answers) -> Step<Result<String, String>> {
    let names = tree_walk_names(domain);
    let pending: Vec<Question> = names
        .iter()
        .filter(|n| answers.outcome(&dmarc_question(n)).is_none())
        .map(|n| dmarc_question(n))
        .collect();
    if !pending.is_empty() {
        return Step::Need(pending);
    }
    let mut highest: Option<&String> = None;
    for (index, name) in names.iter().enumerate() {
        match lookup(answers, name) {
            Lookup::Pending => {}
            Lookup::Error(why) => return Step::Done(Err(format!("_dmarc.{name}: {why}"))),
            Lookup::Records(records) => {
                let [record] = records.as_slice() else {
                    continue;
                };
                match record.psd {
                    Some(Psd::N) => return Step::Done(Ok(name.clone())),
                    Some(Psd::Y) if index > 0 => {
                        return Step::Done(Ok(one_label_below(domain, name)));
                    }
                    _ => highest = Some(name),
                }
            }
        }
    }
    Step::Done(Ok(highest
        .cloned()
        .unwrap_or_else(|| normalize_name(domain))))
}

/// The name with one more label than `ancestor`, as a suffix of `domain`.
fn one_label_below(domain: &str, ancestor: &str) -> String {
    let domain = normalize_name(domain);
    let keep = ancestor.split('.').count() + 1;
    let labels: Vec<&str> = domain.split('.').collect();
    let from = labels.len().saturating_sub(keep);
    labels
        .get(from..)
        .map(|l| l.join("."))
        .unwrap_or(domain.clone())
}

/// How policy discovery ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DiscoveryStatus {
    /// A record with a usable policy was found.
    Found,
    /// No DMARC record anywhere it was looked for.
    NoRecord,
    /// More than one DMARC record at one name: the set is discarded, no policy.
    MultipleRecords,
    /// A record was found but it has no valid p= and no report address: no DMARC.
    NoPolicy,
    /// A lookup failed, so whether a policy exists is unknown.
    TempError,
    /// The From domain is not a usable DNS name.
    InvalidDomain,
}

/// The outcome of policy discovery for one From domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Discovery {
    /// The specification followed.
    pub mode: DmarcMode,
    /// The From domain, lowercase.
    pub from_domain: String,
    /// How discovery ended.
    pub status: DiscoveryStatus,
    /// The domain whose `_dmarc` record was used (or found unusable).
    pub policy_domain: Option<String>,
    /// The record found there.
    pub record: Option<DmarcRecord>,
    /// The organizational domain of the From domain, when it could be determined.
    pub org_domain: Option<String>,
    /// Where `org_domain` came from.
    pub org_basis: OrgBasis,
    /// The `_dmarc` names consulted, in order, until discovery ended.
    pub consulted: Vec<String>,
    /// What went wrong, in plain words, when status is TempError or InvalidDomain.
    pub problem: Option<String>,
}

pub(super) fn org_basis(mode: DmarcMode) -> OrgBasis {
    match mode {
        DmarcMode::Rfc9989 => OrgBasis::TreeWalk,
        DmarcMode::Rfc7489 if cfg!(target_arch = "wasm32") => OrgBasis::TreeWalkInsteadOfList,
        DmarcMode::Rfc7489 => OrgBasis::PublicSuffixList,
    }
}

/// The organizational domain of a clean domain by `basis`.
pub(super) fn org_of(
    domain: &str,
    basis: OrgBasis,
    answers: &dyn Answers,
) -> Step<Result<String, String>> {
    if is_ip_like(domain) {
        return Step::Done(Ok(domain.to_string()));
    }
    match basis {
        OrgBasis::PublicSuffixList => match psl_org(domain) {
            Some(org) => Step::Done(Ok(org)),
            None => tree_walk_org(domain, answers),
        },
        OrgBasis::TreeWalk | OrgBasis::TreeWalkInsteadOfList => tree_walk_org(domain, answers),
    }
}

pub(super) fn push_unique(out: &mut Vec<Question>, questions: impl IntoIterator<Item = Question>) {
    for q in questions {
        if !out.contains(&q) {
            out.push(q);
        }
    }
}

/// Finds the DMARC policy record for a From domain, and its organizational domain.
///
/// RFC 9989: every tree-walk name is asked at once; the policy is the From domain's record, else
/// the organizational domain's, else the highest one the walk found (section 4.10.1).
/// RFC 7489: `_dmarc.<from>` and `_dmarc.<organizational domain>` are asked at once; the second
/// is used only when the first has no DMARC record. Multiple records at a name end discovery
/// with no policy. Deterministic and cheap: call it again whenever answers arrive.
pub fn discover(from_domain: &str, mode: DmarcMode, answers: &dyn Answers) -> Step<Discovery> {
    let basis = org_basis(mode);
    let Some(from) = clean_domain(from_domain) else {
        return Step::Done(Discovery {
            mode,
            from_domain: normalize_name(clip(from_domain, 255)),
            status: DiscoveryStatus::InvalidDomain,
            policy_domain: None,
            record: None,
            org_domain: None,
            org_basis: basis,
            consulted: Vec::new(),
            problem: Some(
                "the From domain is not a valid DNS name (an international name must be given \
                 in its xn-- form)"
                    .to_string(),
            ),
        });
    };
    let mut need = Vec::new();
    let org = match org_of(&from, basis, answers) {
        Step::Need(questions) => {
            push_unique(&mut need, questions);
            None
        }
        Step::Verify(_) => None,
        Step::Done(org) => Some(org),
    };
    let names: Vec<String> = match mode {
        DmarcMode::Rfc9989 => tree_walk_names(&from),
        DmarcMode::Rfc7489 => {
            let mut names = vec![from.clone()];
            if let Some(Ok(org)) = &org
                && *org != from
            {
                names.push(org.clone());
            }
            names
        }
    };
    push_unique(
        &mut need,
        names
            .iter()
            .filter(|n| answers.outcome(&dmarc_question(n)).is_none())
            .map(|n| dmarc_question(n)),
    );
    // With 8 or more labels the walk skips names, and the organizational domain (one label
    // below a psd=y record) can be one of them: its record is then asked in a second round.
    if let Some(Ok(org)) = &org
        && answers.outcome(&dmarc_question(org)).is_none()
    {
        push_unique(&mut need, [dmarc_question(org)]);
    }
    if !need.is_empty() {
        return Step::Need(need);
    }
    let mut discovery = Discovery {
        mode,
        from_domain: from.clone(),
        status: DiscoveryStatus::NoRecord,
        policy_domain: None,
        record: None,
        org_domain: org.as_ref().and_then(|o| o.as_ref().ok()).cloned(),
        org_basis: basis,
        consulted: Vec::new(),
        problem: None,
    };
    // RFC 9989 section 4.10.1: the Author Domain's record, else the organizational domain's,
    // else the highest record the walk found (a public suffix's psd=y record, say).
    let order: Vec<String> = match mode {
        DmarcMode::Rfc7489 => names.clone(),
        DmarcMode::Rfc9989 => {
            let mut order = vec![from.clone()];
            if let Some(Ok(org)) = &org
                && *org != from
            {
                order.push(org.clone());
            }
            let mut highest = None;
            for name in &names {
                if let Lookup::Records(records) = lookup(answers, name)
                    && let [record] = records.as_slice()
                {
                    highest = Some(name.clone());
                    if matches!(record.psd, Some(Psd::Y | Psd::N)) && *name != from {
                        break;
                    }
                }
            }
            if let Some(name) = highest.filter(|h| !order.contains(h)) {
                order.push(name);
            }
            order
        }
    };
    for (index, name) in order.iter().enumerate() {
        if index == 1
            && let Some(Err(why)) = &org
        {
            discovery.status = DiscoveryStatus::TempError;
            discovery.problem = Some(format!("the DNS tree walk failed at {why}"));
            return Step::Done(discovery);
        }
        discovery.consulted.push(format!("_dmarc.{name}"));
        match lookup(answers, name) {
            Lookup::Pending => {}
            Lookup::Error(why) => {
                discovery.status = DiscoveryStatus::TempError;
                discovery.problem = Some(format!("the lookup of _dmarc.{name} failed: {why}"));
                return Step::Done(discovery);
            }
            Lookup::Records(records) => {
                let count = records.len();
                let Some(record) = records.into_iter().next() else {
                    continue;
                };
                discovery.policy_domain = Some(name.clone());
                if count > 1 {
                    discovery.status = DiscoveryStatus::MultipleRecords;
                    return Step::Done(discovery);
                }
                discovery.status = if record.policy().is_some() {
                    DiscoveryStatus::Found
                } else {
                    DiscoveryStatus::NoPolicy
                };
                discovery.record = Some(record);
                return Step::Done(discovery);
            }
        }
    }
    Step::Done(discovery)
}
