//! The domain check: a domain's mail set-up without any message. MX records and their hosts'
//! addresses on the IP blocklists, the domain on the domain blocklists, MTA-STS (RFC 8461),
//! TLS-RPT (RFC 8460) and BIMI; SPF, DMARC and DKIM results come from their own modules and
//! are slotted in by the caller.
//!
//! Sans-IO like every check: [`check_domain`] returns [`Step::Need`] with all the questions it
//! can know (round 1: MX, the three policy records, the domain lists; round 2: the MX hosts'
//! addresses; round 3: those addresses on the blocklists), or [`Step::Done`].

use crate::checks::reputation::{
    BlocklistConfig, Ctx, DomainListing, Got, IpReputation, Lookup, MxCheck, MxStatus, evidence_of,
    finding, host_name, lists, mx, sort_findings,
};
use crate::dns::{Answers, Question, RecordType, Step};
use crate::vocab::finding::{Finding, Severity};
use serde::{Deserialize, Serialize};

/// At most this many MX host addresses are checked on the blocklists.
pub const MAX_MX_IPS: usize = 6;

/// The state of a policy record (MTA-STS, TLS-RPT, BIMI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    /// Present and well formed.
    Valid,
    /// Present but unusable (see the explanation).
    Invalid,
    /// Not published.
    Missing,
    /// The lookup failed.
    CouldNotCheck,
    /// Waiting for the answer.
    Pending,
}

/// One `name=value` tag of a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Tag {
    /// The tag name.
    pub name: String,
    /// Its value.
    pub value: String,
}

/// A TXT policy record of the domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PolicyRecord {
    /// The name asked (`_mta-sts.example.com`, ...).
    pub name: String,
    /// The verdict.
    pub status: RecordStatus,
    /// The record as published.
    pub record: Option<String>,
    /// Its tags.
    pub tags: Vec<Tag>,
    /// What it means and what to change.
    pub explanation: String,
    /// The DNS answer used.
    pub evidence: Vec<Lookup>,
}

/// Everything the domain check found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DomainReport {
    /// The domain.
    pub domain: String,
    /// Its mail servers.
    pub mx: MxCheck,
    /// The mail servers' addresses on the IP blocklists (at most 6 addresses).
    pub mx_ip_reputation: Vec<IpReputation>,
    /// The domain on the domain blocklists.
    pub domain_lists: Vec<DomainListing>,
    /// MTA-STS (`_mta-sts` TXT).
    pub mta_sts: PolicyRecord,
    /// SMTP TLS reporting (`_smtp._tls` TXT).
    pub tls_rpt: PolicyRecord,
    /// BIMI (`default._bimi` TXT).
    pub bimi: PolicyRecord,
    /// SPF findings, filled in by the caller from the SPF module.
    pub spf: Option<Vec<Finding>>,
    /// DMARC findings, filled in by the caller from the DMARC module.
    pub dmarc: Option<Vec<Finding>>,
    /// DKIM findings, filled in by the caller from the DKIM module.
    pub dkim: Option<Vec<Finding>>,
}

/// Splits `v=X; a=b; ...` into tags (at most 24, each trimmed).
pub fn tags(record: &str) -> Vec<Tag> {
    record
        .split(';')
        .filter_map(|part| part.split_once('='))
        .take(24)
        .map(|(n, v)| Tag {
            name: n.trim().to_string(),
            value: crate::vocab::text::clip_ellipsis(v.trim(), 500),
        })
        .collect()
}

fn tag<'a>(tags: &'a [Tag], name: &str) -> Option<&'a str> {
    tags.iter()
        .find(|t| t.name.eq_ignore_ascii_case(name))
        .map(|t| t.value.as_str())
}

/// Reads the TXT records at `name` that start with `version`; `judge` gives the verdict on a
/// single one.
fn policy(
    ctx: &mut Ctx,
    name: &str,
    version: &str,
    what: &str,
    missing: &str,
    judge: &dyn Fn(&[Tag]) -> Result<String, String>,
) -> PolicyRecord {
    let q = Question::new(name, RecordType::Txt);
    if host_name(name).is_none() {
        return PolicyRecord {
            name: q.name,
            status: RecordStatus::CouldNotCheck,
            record: None,
            tags: Vec::new(),
            explanation: format!(
                "The {what} record was not looked up: the domain is not a valid name."
            ),
            evidence: Vec::new(),
        };
    }
    let got = ctx.ask(&q);
    let mut out = PolicyRecord {
        name: q.name.clone(),
        status: RecordStatus::Pending,
        record: None,
        tags: Vec::new(),
        explanation: format!("Waiting for the {what} record."),
        evidence: vec![ctx.lookup(&q)],
    };
    let records: Vec<String> = match got {
        Got::Pending => return out,
        Got::Failed(why) => {
            out.status = RecordStatus::CouldNotCheck;
            out.explanation = format!("The {what} record could not be looked up: {why}.");
            return out;
        }
        Got::NxDomain | Got::NoData => Vec::new(),
        Got::Data(data) => data
            .iter()
            .filter_map(|d| d.txt_joined())
            .filter(|t| t.trim_start().starts_with(version))
            .take(8)
            .collect(),
    };
    match records.as_slice() {
        [] => {
            out.status = RecordStatus::Missing;
            out.explanation = format!("No {what} record ({name}). {missing}");
        }
        [one] => {
            out.record = Some(crate::vocab::text::clip_ellipsis(one, 2000));
            out.tags = tags(one);
            (out.status, out.explanation) = match judge(&out.tags) {
                Ok(text) => (RecordStatus::Valid, text),
                Err(text) => (RecordStatus::Invalid, text),
            };
        }
        _ => {
            out.status = RecordStatus::Invalid;
            out.explanation = format!(
                "{name} has {} {what} records; there must be exactly one, so receivers ignore them all. Remove the extra ones.",
                records.len()
            );
        }
    }
    out
}

fn valid_rua(value: &str) -> bool {
    let v = value.trim();
    !v.is_empty()
        && v.split(',').all(|u| {
            let u = u.trim().to_ascii_lowercase();
            u.starts_with("mailto:") || u.starts_with("https:")
        })
}

fn domain_eval(domain: &str, config: &BlocklistConfig, ctx: &mut Ctx) -> DomainReport {
    let d =
        host_name(domain).unwrap_or_else(|| crate::vocab::text::clip_ellipsis(domain.trim(), 255));
    let mx = mx::mx_eval(&d, false, ctx);
    let mta_sts = policy(
        ctx,
        &format!("_mta-sts.{d}"),
        "v=STSv1",
        "MTA-STS",
        "MTA-STS is optional: it tells other servers to deliver to this domain only over verified encryption. Worth adding once TLS works on every mail server.",
        &|t: &[Tag]| {
            match tag(t, "id") {
            Some(id) if (1..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric()) => Ok(format!("MTA-STS is announced (id {id}): senders that support it deliver only over verified encryption. Its policy file at https://mta-sts.{d}/.well-known/mta-sts.txt was not fetched by this check.")),
            _ => Err("The MTA-STS record has no valid id= (1 to 32 letters or digits), so senders ignore it. Add one, e.g. id=20240101.".into()),
        }
        },
    );
    let tls_rpt = policy(
        ctx,
        &format!("_smtp._tls.{d}"),
        "v=TLSRPTv1",
        "TLS-RPT",
        "TLS-RPT is optional: it asks other servers to send daily reports of encryption failures when delivering here.",
        &|t: &[Tag]| {
            match tag(t, "rua") {
            Some(rua) if valid_rua(rua) => Ok(format!("TLS reports are requested, sent to {rua}.")),
            _ => Err("The TLS-RPT record has no valid rua= (where to send reports: mailto: or https: addresses), so no reports are sent.".into()),
        }
        },
    );
    let bimi = policy(
        ctx,
        &format!("default._bimi.{d}"),
        "v=BIMI1",
        "BIMI",
        "BIMI is optional: it lets some mailboxes show the brand's logo next to its mail (it needs a DMARC policy of quarantine or reject).",
        &|t: &[Tag]| match tag(t, "l") {
            Some(l) if l.is_empty() || l.to_ascii_lowercase().starts_with("https://") => {
                Ok(if l.is_empty() {
                    "A BIMI record is published with no logo (it declines BIMI).".into()
                } else {
                    format!(
                        "A BIMI record is published (logo {l}). Mailboxes show it only with a DMARC policy of quarantine or reject, and some (Gmail, Apple) only with a mark certificate (a=)."
                    )
                })
            }
            _ => Err("The BIMI record has no valid l= (the logo's https address).".into()),
        },
    );
    let domain_lists = lists::domains_eval(std::slice::from_ref(&d), config, ctx);
    let mx_ip_reputation = mx
        .server_ips(MAX_MX_IPS)
        .into_iter()
        .map(|ip| lists::ip_eval(ip, config, ctx))
        .collect();
    DomainReport {
        domain: d,
        mx,
        mx_ip_reputation,
        domain_lists,
        mta_sts,
        tls_rpt,
        bimi,
        spf: None,
        dmarc: None,
        dkim: None,
    }
}

/// Checks a domain's mail set-up (see the module documentation). The SPF, DMARC and DKIM
/// fields are left None for the caller to fill in.
pub fn check_domain(
    domain: &str,
    config: &BlocklistConfig,
    answers: &dyn Answers,
) -> Step<DomainReport> {
    let mut ctx = Ctx::new(answers);
    let result = domain_eval(domain, config, &mut ctx);
    ctx.finish(result)
}

/// [`check_domain`] as it stands, with parts not answered yet marked pending.
pub fn check_domain_snapshot(
    domain: &str,
    config: &BlocklistConfig,
    answers: &dyn Answers,
) -> DomainReport {
    domain_eval(domain, config, &mut Ctx::new(answers))
}

impl PolicyRecord {
    fn finding(&self, area: &str, label: &str, missing: Severity) -> Option<Finding> {
        let (what, severity, title) = match self.status {
            RecordStatus::Valid => ("ok", Severity::Info, format!("{label} is set up.")),
            RecordStatus::Invalid => (
                "invalid",
                Severity::Warning,
                format!("The {label} record is not usable."),
            ),
            RecordStatus::Missing => ("missing", missing, format!("No {label} record.")),
            RecordStatus::CouldNotCheck => (
                "temperror",
                Severity::Info,
                format!("Could not check {label}."),
            ),
            RecordStatus::Pending => return None,
        };
        Some(finding(
            &format!("{area}.{what}"),
            severity,
            title,
            self.explanation.clone(),
            evidence_of(&self.evidence),
        ))
    }
}

impl DomainReport {
    /// All findings, problems first: MX, blocklists, SPF / DMARC / DKIM (when filled in),
    /// MTA-STS, TLS-RPT, BIMI.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = self.mx.findings();
        for rep in &self.mx_ip_reputation {
            let mut f = rep.findings();
            for x in &mut f {
                x.title = format!("Mail server address: {}", x.title);
            }
            out.extend(f);
        }
        for l in &self.domain_lists {
            out.extend(l.findings());
        }
        for extra in [&self.spf, &self.dmarc, &self.dkim].into_iter().flatten() {
            out.extend(extra.iter().cloned());
        }
        out.extend(self.mta_sts.finding("mta-sts", "MTA-STS", Severity::Info));
        out.extend(self.tls_rpt.finding("tls-rpt", "TLS-RPT", Severity::Info));
        out.extend(self.bimi.finding("bimi", "BIMI", Severity::Info));
        if self.mx.status == MxStatus::NullMx {
            out.retain(|f| !f.code.starts_with("mta-sts.") && !f.code.starts_with("tls-rpt."));
        }
        sort_findings(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::reputation::ListStatus;
    use crate::dns::evaluate;
    use crate::dns::zone::MemoryResolver;

    const ZONE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/zones/reputation.zone"
    ));

    fn run(domain: &str) -> (DomainReport, usize) {
        let r = MemoryResolver::from_zone(ZONE).expect("zone");
        let mut rounds = 0;
        let (result, _) = evaluate(&r, 1000, 300, |a| {
            rounds += 1;
            check_domain(domain, &BlocklistConfig::default(), a)
        });
        (result.expect("the check ends"), rounds)
    }

    #[test]
    fn arbitrary_answers_and_names_never_panic() {
        use crate::checks::reputation::tests::Junk;
        use crate::checks::reputation::{ListKind, ListSpec};
        let config = BlocklistConfig {
            lists: vec![ListSpec {
                zone: "x.test".into(),
                kind: ListKind::Domain,
            }],
            spamhaus_dqs_key: Some("abcdefgh12".into()),
            surbl: true,
            uribl: true,
            skip: Vec::new(),
        };
        for seed in 0..200u64 {
            let r = Junk(std::cell::Cell::new(seed));
            let (dc, asked) = evaluate(&r, 1, 500, |x| check_domain("m.test", &config, x));
            let _ = dc.expect("ends").findings();
            assert!(asked.len() < 500);
        }
        let long_dots = "a.".repeat(300);
        let long_digits = "9".repeat(400);
        let strange = [
            "",
            ".",
            "..",
            "[",
            "[]",
            "[IPv6:]",
            "\u{e9}",
            "a\u{0}b.test",
            "-.-",
            &long_dots,
            &long_digits,
        ];
        for s in strange {
            let _ = check_domain_snapshot(s, &config, &std::collections::HashMap::new());
        }
    }

    #[test]
    fn a_well_set_up_domain() {
        let (rep, rounds) = run("good.test");
        assert_eq!(
            rounds, 4,
            "MX and policies; MX hosts; their addresses on lists; done"
        );
        assert_eq!(rep.mx.status, MxStatus::Ok);
        assert_eq!(rep.mx_ip_reputation.len(), 3);
        assert!(rep.mx_ip_reputation.iter().all(|r| !r.listed()));
        assert_eq!(rep.mta_sts.status, RecordStatus::Valid);
        assert_eq!(tag(&rep.mta_sts.tags, "id"), Some("20240101T000000"));
        assert_eq!(rep.tls_rpt.status, RecordStatus::Valid);
        assert_eq!(rep.bimi.status, RecordStatus::Valid);
        assert_eq!(rep.domain_lists[0].lists[0].status, ListStatus::NotListed);
        let findings = rep.findings();
        assert!(
            findings.iter().all(|f| f.severity == Severity::Info),
            "{findings:#?}"
        );
        assert!(findings.iter().any(|f| f.code == "mta-sts.ok"));
    }

    #[test]
    fn problems_come_first() {
        let (mut rep, _) = run("listedmx.test");
        assert!(rep.mx_ip_reputation[0].listed());
        assert_eq!(rep.mta_sts.status, RecordStatus::Invalid);
        assert_eq!(rep.tls_rpt.status, RecordStatus::Invalid);
        assert_eq!(rep.bimi.status, RecordStatus::Missing);
        rep.spf = Some(vec![finding(
            "spf.none",
            Severity::Warning,
            "No SPF".into(),
            String::new(),
            Vec::new(),
        )]);
        let findings = rep.findings();
        assert_eq!(findings[0].code, "blocklist.ip.listed");
        assert!(
            findings[0]
                .title
                .starts_with("Mail server address: 192.0.2.2")
        );
        assert!(findings.iter().any(|f| f.code == "spf.none"));
        assert!(findings.windows(2).all(|w| w[0].severity <= w[1].severity));
    }

    #[test]
    fn null_mx_and_listed_domain() {
        let (rep, _) = run("nullmx.test");
        assert_eq!(rep.mx.status, MxStatus::NullMx);
        assert!(rep.mx_ip_reputation.is_empty());
        assert!(
            rep.findings()
                .iter()
                .all(|f| !f.code.starts_with("mta-sts"))
        );
        let (rep, _) = run("spam-domain.test");
        assert_eq!(rep.domain_lists[0].lists[0].status, ListStatus::Listed);
        assert_eq!(rep.mx.status, MxStatus::NoDomain);
        let (rep, rounds) = run("not a domain");
        assert_eq!(rounds, 1, "no DNS for a name that is not a domain");
        assert_eq!(rep.mx.status, MxStatus::CouldNotCheck);
    }
}
