//! The evidence the diagnosis weighs, read once from the report and labelled by where it comes
//! from: the receiver's recorded results, its spam filters' rules, the health of the live DNS
//! checks.

use crate::checks::reputation::ListStatus;
use crate::dns::{ExchangeStatus, Rcode};
use crate::report::Report;
use crate::vocab::finding::Evidence;
use crate::vocab::tables;

/// One authentication result the receiver recorded.
#[derive(Debug, Clone)]
pub(super) struct Recorded {
    /// `spf`, `dkim`, `dmarc`, `compauth`, `arc`.
    pub method: String,
    /// `pass`, `fail`, `softfail`, `none`, ...
    pub result: String,
    /// The domain the result is about (smtp.mailfrom, header.d, header.from), lowercase.
    pub domain: Option<String>,
    /// `reason=`, `action=` and the comments, lowercase, for policy words.
    pub extra: String,
    /// Where it was recorded.
    pub evidence: Evidence,
}

/// The DNS health of the live checks.
#[derive(Debug, Default)]
pub(super) struct DnsHealth {
    /// Questions asked.
    pub asked: usize,
    /// Questions that failed (timeout, network, HTTP, malformed).
    pub failed: usize,
    /// A public provider's domain the resolver said does not exist.
    pub blind_name: Option<String>,
    /// Whether `blind_name` is a domain whose server answered in the bounce (not a large
    /// provider's): it may also have been deleted since, which the notice says.
    pub blind_answered: bool,
    /// Whether `blind_name` is a domain whose DNS records the receiver read at delivery (it
    /// recorded an SPF result other than none for it): it may have been deleted since.
    pub blind_recorded: bool,
}

impl DnsHealth {
    /// Whether live results can be believed.
    pub fn usable(&self) -> bool {
        self.failed_notice().is_none() && self.blind_name.is_none()
    }

    pub fn failed_notice(&self) -> Option<String> {
        // Half of the lookups or more failed: the endpoint is down or blocked.
        if self.asked == 0 || self.failed == 0 || self.failed * 2 < self.asked {
            return None;
        }
        Some(format!(
            "The live checks could not be made: {} of {} DNS lookups failed (the DNS-over-HTTPS endpoint did not answer). What follows rests on what the receiver recorded and what the headers show; nothing was checked today.",
            self.failed, self.asked
        ))
    }

    pub fn blind_notice(&self) -> Option<String> {
        let name = self.blind_name.as_ref()?;
        if self.blind_recorded {
            return Some(format!(
                "The DNS resolver used for the live checks says {name} does not exist, yet the receiving server read its SPF record when the message arrived (it recorded an SPF result for it): either the domain was deleted since, or the resolver cannot see public names. Its answers are not proof either way, so the live checks are left out of the diagnosis; to run them, choose a public resolver in the settings."
            ));
        }
        if self.blind_answered {
            return Some(format!(
                "The DNS resolver used for the live checks says {name} does not exist, yet a mail server of {name} answered this message: either the domain was deleted since, or the resolver cannot see public names. Its answers are not proof either way, so the live checks are left out of the diagnosis; to run them, choose a public resolver in the settings."
            ));
        }
        Some(format!(
            "The DNS resolver used for the live checks cannot see public names: it says {name} does not exist. Its answers prove nothing about the Internet, so the live checks are left out of the diagnosis; choose a public resolver in the settings to run them."
        ))
    }
}

/// A spam-filter rule as evidence: what it is about and how much it scored.
#[derive(Debug, Clone)]
pub(super) struct FilterRule {
    pub filter: String,
    pub code: String,
    pub topic: &'static str,
    /// `setup`, `content` or `allow`.
    pub kind: &'static str,
    pub score: Option<f64>,
    pub meaning: Option<String>,
    pub evidence: Evidence,
}

/// Everything the diagnosis reads, once.
pub(super) struct Context<'a> {
    pub r: &'a Report,
    pub dns: DnsHealth,
    /// The receiver's trusted results, newest field first.
    pub recorded: Vec<Recorded>,
    /// The rules of the filters that recorded a verdict (all filters, in message order).
    pub rules: Vec<FilterRule>,
}

impl<'a> Context<'a> {
    pub fn new(r: &'a Report) -> Context<'a> {
        Context {
            r,
            dns: dns_health(r),
            recorded: recorded(r),
            rules: filter_rules(r),
        }
    }

    /// The first trusted recorded result for a method.
    pub fn rec(&self, method: &str) -> Option<&Recorded> {
        self.recorded.iter().find(|x| x.method == method)
    }

    /// Whether the paste is an automatic reply.
    pub fn auto_reply(&self) -> bool {
        self.r
            .bounce
            .as_ref()
            .is_some_and(|b| b.kind == crate::checks::bounce::BounceKind::AutoReply)
    }

    /// The format the bounce reader gave the paste's report (`mailman-hold`,
    /// `challenge-response`, `rfc8098`, ...), when it read one.
    pub fn bounce_format(&self) -> Option<&str> {
        self.r.bounce.as_ref()?.format.as_deref()
    }

    /// Whether the paste is a read receipt (a message disposition notification, RFC 8098, or
    /// Outlook's receipt shown as text: `checks::bounce::mdn`).
    pub fn receipt(&self) -> bool {
        self.r
            .bounce
            .as_ref()
            .is_some_and(|b| matches!(b.format.as_deref(), Some("rfc8098" | "outlook-receipt")))
    }

    /// The From domain, lowercase.
    pub fn sender_domain(&self) -> Option<&str> {
        self.r.sender.from_domain.as_deref()
    }

    /// The sending IP, as text.
    /// The From domain's own addresses (its A and AAAA, asked with its MX), when today's
    /// lookups could be used.
    pub fn own_addresses(&self) -> Option<&'a Vec<String>> {
        self.r
            .reputation
            .as_ref()
            .and_then(|rep| rep.sender_mx.as_ref())
            .and_then(|mx| mx.own_addresses.as_ref())
            .filter(|_| self.dns.usable())
    }

    pub fn ip(&self) -> Option<String> {
        self.r.sending_ip.as_ref().map(|s| s.ip.to_string())
    }

    /// The IP blocklists that list the sending IP now (empty when the live checks cannot be
    /// believed).
    pub fn listed_now(&self) -> Vec<&'a crate::checks::reputation::ListResult> {
        if !self.dns.usable() {
            return Vec::new();
        }
        self.r
            .reputation
            .iter()
            .flat_map(|rep| rep.blocklists.iter())
            .flat_map(|b| b.lists.iter())
            .filter(|l| l.status == ListStatus::Listed)
            .collect()
    }

    /// A header field's value by name (the first one), unfolded.
    pub fn header(&self, name: &str) -> Option<&'a crate::report::HeaderEntry> {
        self.r
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
    }
}

fn dns_health(r: &Report) -> DnsHealth {
    let mut h = DnsHealth::default();
    for x in &r.dns {
        if x.status == ExchangeStatus::Pending {
            continue;
        }
        h.asked += 1;
        match (&x.error, &x.answer) {
            (Some(e), _) => {
                if !matches!(
                    e,
                    crate::dns::DnsError::Stopped | crate::dns::DnsError::Budget
                ) {
                    h.failed += 1;
                }
            }
            (None, Some(a)) if a.rcode == Rcode::NxDomain => {
                let name = x.question.name.trim_end_matches('.').to_ascii_lowercase();
                if h.blind_name.is_none()
                    && tables::lookup(tables::diagnosis::PROVIDERS, &name).is_some()
                {
                    h.blind_name = Some(name);
                }
            }
            _ => {}
        }
    }
    if h.blind_name.is_none() {
        h.blind_name = answered_domain_missing(r);
        h.blind_answered = h.blind_name.is_some();
    }
    if h.blind_name.is_none() {
        h.blind_name = recorded_domain_missing(r);
        h.blind_recorded = h.blind_name.is_some();
    }
    h
}

/// A domain the resolver says does not exist although the receiver, at delivery, recorded an
/// SPF result for it that only a published record gives (pass, fail, softfail, neutral: RFC
/// 7208 section 2.6; without a record the result is none): the domain had a TXT record then,
/// so an NXDOMAIN now (RFC 8020: no name below it exists either) says the resolver cannot see
/// public names, or that the domain was deleted since.
fn recorded_domain_missing(r: &Report) -> Option<String> {
    let recorded: Vec<String> = r
        .recorded_auth
        .iter()
        .filter(|a| a.trusted && a.arc_instance.is_none())
        .flat_map(|a| a.parsed.results.iter())
        .filter(|m| {
            m.method.eq_ignore_ascii_case("spf")
                && matches!(
                    m.result.to_ascii_lowercase().as_str(),
                    "pass" | "fail" | "softfail" | "neutral"
                )
        })
        .filter_map(|m| m.property("smtp", "mailfrom"))
        .map(|v| {
            v.rsplit('@')
                .next()
                .unwrap_or(v)
                .trim_end_matches(['>', '.'])
                .to_ascii_lowercase()
        })
        .collect();
    nxdomain_among(r, &recorded)
}

/// The first of `names` the resolver answered NXDOMAIN for, lowercase.
fn nxdomain_among(r: &Report, names: &[String]) -> Option<String> {
    r.dns.iter().find_map(|x| {
        let name = x.question.name.trim_end_matches('.').to_ascii_lowercase();
        let nx = x.error.is_none()
            && x.answer
                .as_ref()
                .is_some_and(|a| a.rcode == Rcode::NxDomain);
        (nx && names.contains(&name)).then_some(name)
    })
}

/// A recipient domain the resolver says does not exist although, in the bounce, a server of
/// that domain answered the sending server (a reply code or a Remote-MTA for that recipient):
/// the sending server found the domain's mail servers in DNS to connect at all (RFC 5321
/// section 5.1), so the domain existed when the message was sent. An NXDOMAIN for it now says
/// the resolver cannot see public names, or that the domain was deleted since: the live answers
/// cannot be trusted either way.
fn answered_domain_missing(r: &Report) -> Option<String> {
    let b = r.bounce.as_ref()?;
    let answered: Vec<String> = b
        .recipients
        .iter()
        .filter(|x| x.reply_code.is_some() && x.remote_mta.is_some())
        .filter(|x| !destination_not_found(x.status.as_deref()))
        .filter_map(|x| x.address.rsplit_once('@'))
        .map(|(_, d)| d.trim_end_matches(['>', '.']).to_ascii_lowercase())
        .collect();
    nxdomain_among(r, &answered)
}

/// Whether an enhanced status code says the sending server found no server of the
/// destination to talk to: RFC 3463 X.1.2 "Bad destination system address" ("the destination
/// system specified in the address does not exist or is incapable of accepting mail") and X.4.4
/// "Unable to route" ("the mail system was unable to determine the next hop"). The reply and the
/// Remote-MTA such a report carries are then the sending server's own (sendmail names the
/// domain it could not resolve as the Remote-MTA, with "550 Host unknown"), not an answer from
/// the recipient's side.
fn destination_not_found(status: Option<&str>) -> bool {
    status.is_some_and(|s| {
        let mut parts = s.trim().splitn(2, '.');
        let _class = parts.next();
        matches!(parts.next(), Some("1.2" | "4.4"))
    })
}

fn recorded(r: &Report) -> Vec<Recorded> {
    let mut out = Vec::new();
    // With no trusted Authentication-Results, the ARC-Authentication-Results of the newest
    // seal stands in when the receiver that took the message in wrote it: its authserv-id is
    // the host the newest Received field says received the message. A receiver that seals what
    // it received (Gmail, Zoho) records its own evaluation there (RFC 8617 section 4.1.1: the
    // AAR is "a copy of the Authentication-Results header field" the sealer generated), and
    // "Show original" may show only the seal.
    let own_seal = (!r
        .recorded_auth
        .iter()
        .any(|a| a.trusted && a.arc_instance.is_none()))
    .then(|| {
        let receiver = r.hops.iter().min_by_key(|h| h.line)?.by.as_deref()?;
        let newest = r
            .recorded_auth
            .iter()
            .filter_map(|a| a.arc_instance)
            .max()?;
        r.recorded_auth.iter().find(|a| {
            a.arc_instance == Some(newest)
                && a.parsed
                    .authserv_id
                    .eq_ignore_ascii_case(receiver.trim_end_matches('.'))
        })
    })
    .flatten();
    for field in r
        .recorded_auth
        .iter()
        .filter(|a| a.trusted && a.arc_instance.is_none())
        .chain(own_seal)
    {
        // A gateway that records SPF for several identities in one field (Cisco Secure Email:
        // `spf=None smtp.pra=...; spf=PermError smtp.mailfrom=...; spf=None smtp.helo=...`):
        // the MAIL FROM result is SPF's (RFC 7208 section 2.4) and the one DMARC uses (RFC 7489
        // section 4.1); `smtp.pra` is Sender ID's purported responsible address (RFC 4406,
        // another, obsolete check) and the HELO identity stands in only when there is no MAIL
        // FROM result (RFC 7208 section 2.3).
        let identity = |m: &crate::parse::authres::MethodResult, name: &str| {
            m.properties
                .iter()
                .any(|p| p.ptype.eq_ignore_ascii_case("smtp") && p.name.eq_ignore_ascii_case(name))
        };
        let has_mailfrom = field
            .parsed
            .results
            .iter()
            .any(|m| m.method == "spf" && identity(m, "mailfrom"));
        for m in &field.parsed.results {
            if m.method == "spf"
                && (identity(m, "pra") || (has_mailfrom && identity(m, "helo")))
                && !identity(m, "mailfrom")
            {
                continue;
            }
            // `names` are written `ptype.property` (RFC 8601 2.3: `smtp.mailfrom`); the parser
            // keeps the two apart.
            let prop = |names: &[&str]| {
                m.properties
                    .iter()
                    .find(|p| {
                        names.iter().any(|n| {
                            n.split_once('.').is_some_and(|(ptype, name)| {
                                p.ptype.eq_ignore_ascii_case(ptype)
                                    && p.name.eq_ignore_ascii_case(name)
                            })
                        })
                    })
                    .map(|p| p.value.trim_start_matches('@').to_ascii_lowercase())
            };
            // Yandex writes the MAIL FROM identity as `smtp.mail=` ("spf=softfail (...)
            // smtp.mail=a@b"), not RFC 8601's `smtp.mailfrom`: the same identity.
            let domain = match m.method.as_str() {
                "spf" => prop(&["smtp.mailfrom", "smtp.mail", "smtp.helo"]).map(|v| {
                    match v.rsplit_once('@') {
                        Some((_, d)) => d.to_string(),
                        None => v,
                    }
                }),
                "dkim" => prop(&["header.d", "header.i"]).map(|v| match v.rsplit_once('@') {
                    Some((_, d)) => d.to_string(),
                    None => v,
                }),
                "dmarc" | "compauth" => prop(&["header.from"]),
                _ => None,
            };
            let mut extra = String::new();
            if let Some(reason) = &m.reason {
                extra.push_str(reason);
                extra.push(' ');
            }
            for p in &m.properties {
                if p.name.eq_ignore_ascii_case("action") || p.name.eq_ignore_ascii_case("policy") {
                    extra.push_str(&format!("{}={} ", p.name, p.value));
                }
            }
            for c in &m.comments {
                extra.push_str(c);
                extra.push(' ');
            }
            // Yahoo writes RFC 8601's permerror and temperror as "perm_fail" and "temp_fail"
            // (its Authentication-Results: "dkim=perm_fail header.i=@..."); read as those.
            // Yahoo's "perm_fail" also stands for a signature that did not verify (a footer
            // added after signing): the word is kept in `extra` for the readings that need to
            // tell it from RFC 8601's own permerror.
            let result = match m.result.to_ascii_lowercase().as_str() {
                "perm_fail" | "permfail" => {
                    extra.push_str("perm_fail ");
                    "permerror".to_string()
                }
                "temp_fail" | "tempfail" => "temperror".to_string(),
                _ => m.result.clone(),
            };
            out.push(Recorded {
                method: m.method.clone(),
                result,
                domain,
                extra: extra.to_ascii_lowercase(),
                evidence: Evidence {
                    line: Some(field.line),
                    text: format!("{}: {}={}", field.field, m.method, m.result),
                },
            });
        }
    }
    for spf in r.recorded_spf.iter().filter(|s| s.trusted) {
        if out.iter().any(|x| x.method == "spf") {
            break;
        }
        let domain = spf
            .key("envelope-from")
            .or_else(|| spf.key("identity").filter(|i| *i != "mailfrom"))
            .map(|v| {
                v.trim_matches(['<', '>'])
                    .rsplit('@')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase()
            });
        out.push(Recorded {
            method: "spf".into(),
            result: spf.result.to_ascii_lowercase(),
            domain,
            extra: spf.comment.clone().unwrap_or_default().to_ascii_lowercase(),
            evidence: Evidence {
                line: Some(spf.line),
                text: format!("Received-SPF: {}", spf.result),
            },
        });
    }
    out
}

/// The rule table row for a filter's rule: (topic, kind).
fn classify(filter: &str, code: &str) -> Option<(&'static str, &'static str)> {
    // Fastmail's X-Spam-hits are SpamAssassin's rules (`checks::spam::fastmail`), and so are
    // the rules Barracuda lists beside its own BSF_ ones (`checks::spam::barracuda`).
    let family = if filter.contains("SpamAssassin")
        || filter.contains("Amavis")
        || filter == "Fastmail"
        || filter == "Barracuda"
    {
        "spamassassin"
    } else if filter.contains("rspamd") {
        "rspamd"
    } else if filter.contains("Microsoft") {
        "microsoft"
    } else if filter == "IMail" {
        "imail"
    } else if filter == "hMailServer" {
        "hmailserver"
    } else if filter == "MailScanner" {
        "mailscanner"
    } else {
        return None;
    };
    tables::diagnosis::FILTER_RULES
        .iter()
        .map(|&row| tables::Row(row))
        .filter(|row| row.key() == family)
        .find(|row| match row.get(1).strip_suffix('*') {
            Some(prefix) => code.starts_with(prefix),
            None => row.get(1) == code,
        })
        .map(|row| (row.get(2), row.get(3)))
}

fn filter_rules(r: &Report) -> Vec<FilterRule> {
    let mut out = Vec::new();
    for v in &r.spam {
        for item in &v.items {
            // Microsoft's codes are CODE=VALUE pairs; the table names them CODE:VALUE.
            let code = match &item.value {
                Some(value) if v.filter.contains("Microsoft") && !value.contains(' ') => {
                    format!("{}:{}", item.code, value)
                }
                _ => item.code.clone(),
            };
            let code = code.replace('=', ":");
            let Some((topic, kind)) = classify(&v.filter, &code) else {
                continue;
            };
            out.push(FilterRule {
                filter: v.filter.clone(),
                code,
                topic,
                kind,
                score: item.score,
                meaning: item.meaning.clone(),
                evidence: Evidence {
                    line: Some(v.line),
                    text: crate::vocab::text::clip_ellipsis(&v.header, 200),
                },
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{classify, destination_not_found};

    #[test]
    fn filters_that_list_spamassassin_rules_are_read_as_such() {
        for filter in ["SpamAssassin", "Fastmail", "Barracuda"] {
            assert_eq!(
                classify(filter, "RDNS_DYNAMIC"),
                Some(("reverse-dns", "setup")),
                "{filter}"
            );
        }
        assert_eq!(classify("Unknown filter", "RDNS_DYNAMIC"), None);
    }

    #[test]
    fn a_status_that_no_destination_server_was_found() {
        assert!(destination_not_found(Some("5.1.2")));
        assert!(destination_not_found(Some(" 5.4.4")));
        assert!(destination_not_found(Some("4.4.4")));
        assert!(!destination_not_found(Some("5.1.1")));
        assert!(!destination_not_found(Some("5.4.1")));
        assert!(!destination_not_found(Some("5.1.20")));
        assert!(!destination_not_found(None));
    }
}
