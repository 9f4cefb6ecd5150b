//! What the receiving side recorded: Authentication-Results (RFC 8601; trusted only when the
//! recipient's own systems wrote it, section 5), ARC-Authentication-Results (RFC 8617),
//! Received-SPF (RFC 7208 section 9.1), providers' own result fields, and the ARC chain's shape.

use super::Analysis;
use super::headers::evidence;
use crate::parse::input::Field;
use crate::report::*;
use crate::vocab::domain::org_domain;
use crate::vocab::finding::{Evidence, Finding, Severity};
use crate::vocab::text::shorten;

impl Analysis {
    /// Received-SPF, provider result headers and the ARC chain.
    pub(super) fn read_other_records(&mut self, fields: &[Field]) {
        let boundary = self.boundary_line();
        let positioned = |line: u32| boundary.is_none_or(|b| line < b);
        for field in fields {
            let value = field.unfolded();
            if field.is("Received-SPF") {
                match crate::parse::recorded::parse_received_spf(value, field.line) {
                    Some(mut spf) => {
                        spf.trusted = positioned(field.line) && !checked_internal(&spf);
                        if spf.trusted
                            && matches!(spf.result.as_str(), "fail" | "softfail" | "permerror")
                        {
                            self.findings.push(Finding {
                                code: format!("recorded.received-spf-{}", spf.result),
                                severity: Severity::Problem,
                                title: format!("The receiving server recorded SPF {} in Received-SPF.", spf.result),
                                detail: "SPF checks whether the sending server is allowed to send for the envelope sender's domain. This result means the domain's SPF record does not allow the server that sent it.".into(),
                                evidence: vec![evidence(field)],
                            });
                        }
                        self.recorded_spf.push(spf);
                    }
                    None => self.findings.push(Finding {
                        code: "recorded.received-spf-unreadable".into(),
                        severity: Severity::Info,
                        title: "A Received-SPF field does not start with an SPF result.".into(),
                        detail: String::new(),
                        evidence: vec![evidence(field)],
                    }),
                }
                continue;
            }
            if let Some((_, method)) = crate::parse::recorded::PROVIDER_RESULTS
                .iter()
                .find(|(name, _)| field.is(name))
                && let Some(result) = crate::parse::recorded::provider_result(value)
            {
                let trusted = positioned(field.line);
                self.recorded_auth.push(RecordedAuth {
                    field: field.name.clone(),
                    line: field.line,
                    arc_instance: None,
                    parsed: crate::parse::authres::AuthResults {
                        authserv_id: String::new(),
                        results: vec![crate::parse::authres::MethodResult {
                            method: (*method).to_string(),
                            result,
                            comments: vec![shorten(value, 512)],
                            ..Default::default()
                        }],
                        ..Default::default()
                    },
                    trusted,
                    trust_reason: if trusted {
                        "A provider's own result header, standing where the receiving side writes.".into()
                    } else {
                        "It stands below the point where the message reached the recipient's servers, so the sender's side could have written it.".into()
                    },
                });
            }
        }
        let arc = crate::parse::recorded::arc_chain(
            fields
                .iter()
                .filter(|f| f.name.len() > 4 && f.name[..4].eq_ignore_ascii_case("arc-"))
                .map(|f| (f.name.as_str(), f.value.as_str())),
        );
        if let Some(chain) = &arc {
            let sealers: Vec<&str> = chain
                .sets
                .iter()
                .filter_map(|s| s.sealer.as_deref())
                .collect();
            if chain.problems.is_empty() {
                self.findings.push(Finding {
                    code: "arc.chain".into(),
                    severity: Severity::Info,
                    title: format!("{} system(s) recorded and sealed the authentication results on the way (ARC): {}.", chain.sets.len(), sealers.join(", ")),
                    detail: "ARC lets a forwarder or mailing list vouch for the checks it saw, so that a receiver can accept a message whose SPF or DKIM broke in forwarding. With live lookups on, the seals are verified (RFC 8617) and the result is listed with the DKIM checks.".into(),
                    evidence: Vec::new(),
                });
            } else {
                self.findings.push(Finding {
                    code: "arc.broken".into(),
                    severity: Severity::Warning,
                    title: "The ARC chain is incomplete or marked broken.".into(),
                    detail: format!("Receivers ignore a broken ARC chain, so a forwarded message gets no help from it. {}.", chain.problems.join("; ")),
                    evidence: Vec::new(),
                });
            }
        }
        self.arc = arc;
    }

    /// A finding for each SPF, DKIM or DMARC failure a trusted Authentication-Results field
    /// records (`ev`: the field as evidence); one finding per method and result.
    fn note_recorded_failures(
        &mut self,
        results: &[crate::parse::authres::MethodResult],
        ev: Evidence,
    ) {
        for r in results {
            let bad = matches!(
                r.result.as_str(),
                "fail" | "softfail" | "permerror" | "temperror"
            );
            if bad && matches!(r.method.as_str(), "spf" | "dkim" | "dmarc") {
                let code = format!("recorded.{}-{}", r.method, r.result);
                // Recorded again (by an ARC set or a second trusted field): one finding,
                // with each field as its evidence.
                if let Some(same) = self.findings.iter_mut().find(|f| f.code == code) {
                    let e = ev.clone();
                    if !same.evidence.contains(&e) {
                        same.evidence.push(e);
                    }
                    continue;
                }
                self.findings.push(Finding {
                        code,
                        severity: if r.result == "temperror" { Severity::Warning } else { Severity::Problem },
                        title: format!(
                            "The receiving server recorded {} = {} for this message.",
                            r.method.to_ascii_uppercase(),
                            r.result
                        ),
                        detail: match r.method.as_str() {
                            "spf" => "SPF checks whether the sending server is allowed to send for the sender's domain. A failure usually means the domain's SPF record does not list that server.",
                            "dkim" => "DKIM checks a digital signature added by the sender's domain. A failure means the signature did not verify: the message was changed on the way, or the key does not match.",
                            _ => "DMARC requires SPF or DKIM to pass for the domain in the From address. A failure means neither did, for that domain.",
                        }
                        .to_string(),
                        evidence: vec![ev.clone()],
                    });
            }
        }
    }

    /// Trusts again, after the sending IP moved to an older hop (the recipient's inbound
    /// gateway was recognised from the MX records, `engine::boundary`), the
    /// Authentication-Results fields that its hosts wrote above the new boundary: RFC 8601
    /// section 5, the fields the recipient's own systems added are the ones to believe, and the
    /// gateway is one of them.
    pub(super) fn retrust_recorded_auth(&mut self) {
        let receivers = self.receiving_orgs();
        let boundary_line = self.boundary_line();
        let mut now_trusted = Vec::new();
        for (i, a) in self.recorded_auth.iter_mut().enumerate() {
            if a.trusted || a.parsed.authserv_id.is_empty() {
                continue;
            }
            let above_entry = boundary_line.is_none_or(|line| a.line < line);
            if above_entry
                && org_domain(&a.parsed.authserv_id).is_some_and(|o| receivers.contains(&o))
            {
                a.trusted = true;
                a.trust_reason = format!(
                    "Written by {}, one of the receiving servers, after the message arrived.",
                    a.parsed.authserv_id
                );
                now_trusted.push(i);
            }
        }
        for i in now_trusted {
            let a = &self.recorded_auth[i];
            let results = a.parsed.results.clone();
            let ev = match self.headers.iter().find(|h| h.line == a.line) {
                Some(h) => Evidence {
                    line: Some(h.line),
                    text: shorten(&format!("{}: {}", h.name, h.value), 1024),
                },
                None => Evidence {
                    line: Some(a.line),
                    text: a.field.clone(),
                },
            };
            self.note_recorded_failures(&results, ev);
        }
    }

    /// The organizations that received the message: the by clauses of its internal hops and of
    /// the hop where it entered; for a receiving host that names no domain of its own (iCloud's
    /// "by p00-icloudmta-asmtp-..."), the domain of the mailbox that hop took it for (RFC 5321
    /// section 4.4: the "for" clause), whose provider writes the fields above that hop.
    fn receiving_orgs(&self) -> Vec<String> {
        self.hops
            .iter()
            .filter(|h| h.internal || Some(h.number) == self.sending_ip.as_ref().map(|s| s.hop))
            .filter_map(|h| {
                h.by.as_deref().and_then(org_domain).or_else(|| {
                    let named = h.by.as_deref().is_some_and(|b| b.contains('.'));
                    (!named)
                        .then(|| h.for_addr.as_deref()?.rsplit_once('@').map(|(_, d)| d))
                        .flatten()
                        .map(|d| d.trim_end_matches('>'))
                        .and_then(org_domain)
                })
            })
            .collect()
    }

    /// Authentication-Results fields. Only those the recipient's own systems added can be
    /// believed (RFC 8601 section 5): a field whose authserv-id belongs to an organization that
    /// received the message, standing above the hop where the message entered it. Any field
    /// below that point, or with another id, may have been written by the sender.
    pub(super) fn read_recorded_auth(&mut self, fields: &[Field]) {
        let receivers = self.receiving_orgs();
        let boundary_line = self.boundary_line();
        // The hop where the message entered names its receiving host only by an address
        // (Yahoo's and AOL's "by 10.217.150.12 with SMTP"), and no hop above it names one: the
        // receiving organization cannot be told from the by clauses, so, as for Received-SPF,
        // where a field stands decides (RFC 5321 section 4.4: each server adds its trace
        // fields above those it received).
        let unnamed_entry_line = self
            .sending_ip
            .as_ref()
            .and_then(|s| self.hops.iter().find(|h| h.number == s.hop))
            .filter(|h| {
                receivers.is_empty()
                    && h.by.as_deref().is_some_and(|b| {
                        b.trim_matches(['[', ']'])
                            .parse::<core::net::IpAddr>()
                            .is_ok()
                    })
            })
            .map(|h| h.line);
        // The organizations of the sending side's servers: the hops before the entry and the
        // client of the entry hop.
        let sending_orgs: Vec<String> = match (unnamed_entry_line, self.sending_ip.as_ref()) {
            (Some(_), Some(s)) => self
                .hops
                .iter()
                .filter(|h| h.number <= s.hop)
                .flat_map(|h| {
                    let by = (h.number < s.hop).then_some(h.by.as_deref()).flatten();
                    [by, h.helo.as_deref(), h.rdns.as_deref()]
                })
                .flatten()
                .filter_map(org_domain)
                .collect(),
            _ => Vec::new(),
        };
        let mut first_plain = true;
        for field in fields {
            let arc = field.is("ARC-Authentication-Results");
            if !arc && !field.is("Authentication-Results") {
                continue;
            }
            let unfolded = field.unfolded();
            let (arc_instance, body) = if arc {
                split_arc_instance(unfolded)
            } else {
                (None, unfolded)
            };
            let parsed = crate::parse::authres::parse(body);
            let org = org_domain(&parsed.authserv_id);
            let above_entry = boundary_line.is_none_or(|line| field.line < line);
            let (trusted, trust_reason) = if self.hops.is_empty() {
                let trusted = first_plain && !arc;
                (
                    trusted,
                    if trusted {
                        "Assumed to be the receiver's: it is the topmost such field and there are no Received headers to check it against.".to_string()
                    } else {
                        "Not the topmost such field; with no Received headers it cannot be placed."
                            .to_string()
                    },
                )
            } else if parsed.authserv_id.is_empty() && above_entry {
                (
                    true,
                    "It names no server (Microsoft 365 writes it that way); trusted because it stands where only the receiving side writes.".to_string(),
                )
            } else if org.as_ref().is_some_and(|o| {
                receivers.contains(o)
                    || receivers
                        .iter()
                        .any(|r| crate::vocab::domain::operator_kin(r).any(|k| k == o))
            }) && above_entry
            {
                (
                    true,
                    format!(
                        "Written by {}, one of the receiving servers, after the message arrived.",
                        parsed.authserv_id
                    ),
                )
            } else if unnamed_entry_line.is_some_and(|entry| field.line < entry) && !arc {
                (
                    true,
                    "It stands above the hop where the message reached the recipient's servers, which name themselves only by address there; so the receiving side wrote it.".to_string(),
                )
            } else if unnamed_entry_line.is_some()
                && above_entry
                && !arc
                && org.as_ref().is_some_and(|o| !sending_orgs.contains(o))
            {
                // Yahoo's and AOL's layout: the receiving side adds X-Originating-Ip,
                // Received-SPF, Authentication-Results and its own verdict fields just below its
                // entry hop, which names the receiving host only by address. Received-SPF and the
                // providers' result fields in that place are believed by where they stand; an
                // Authentication-Results field there is too, unless its writer names the
                // sending side (a sending server's own record of its checks).
                (
                    true,
                    format!(
                        "Written by {} where the receiving side records its checks: just below the hop where the message reached the recipient's servers, which name themselves only by address, and with the receiving server's Received-SPF; its writer is none of the sending side's servers.",
                        parsed.authserv_id
                    ),
                )
            } else if !above_entry {
                (
                    false,
                    "It stands below the point where the message reached the recipient's servers, so the sender's side could have written it.".to_string(),
                )
            } else {
                (
                    false,
                    format!(
                        "Its writer ({}) is not one of the servers that received the message; it could have been written by anyone along the way.",
                        if parsed.authserv_id.is_empty() {
                            "unnamed"
                        } else {
                            &parsed.authserv_id
                        }
                    ),
                )
            };
            if !arc {
                first_plain = false;
            }
            if trusted {
                self.note_recorded_failures(&parsed.results, evidence(field));
            }
            if !parsed.syntax_errors.is_empty() {
                self.findings.push(Finding {
                    code: "recorded.authres-syntax".into(),
                    severity: Severity::Info,
                    title: format!(
                        "An {} field does not follow RFC 8601; it was read leniently.",
                        field.name
                    ),
                    detail: parsed.syntax_errors.join("; "),
                    evidence: vec![evidence(field)],
                });
            }
            self.recorded_auth.push(RecordedAuth {
                field: field.name.clone(),
                line: field.line,
                arc_instance,
                parsed,
                trusted,
                trust_reason,
            });
        }
    }
}

/// Splits `i=1; mx.example; spf=pass` into the instance and the rest.
fn split_arc_instance(value: &str) -> (Option<u32>, &str) {
    let trimmed = value.trim_start();
    if let Some(rest) = trimmed
        .strip_prefix("i=")
        .or_else(|| trimmed.strip_prefix("I="))
        && let Some((number, tail)) = rest.split_once(';')
    {
        return (number.trim().parse().ok(), tail);
    }
    (None, value)
}

/// Whether a Received-SPF field says it checked an address that no server on the Internet can
/// have (RFC 1918 private, loopback, link-local, RFC 6598 shared space: `vocab::ip`): its
/// client-ip key (RFC 7208 section 9.1), or the address its comment names ("discourages use of
/// 192.168.10.5 as permitted sender", Exchange's Sender ID agent). Such a check ran inside the
/// recipient's network on the hop from its own gateway (Exchange checks the address that
/// connected to it unless the gateway is listed in InternalSMTPServers, Microsoft Learn, "Sender
/// ID procedures"), not on the server that delivered the message: no verdict on the sender's
/// SPF.
fn checked_internal(spf: &crate::parse::recorded::ReceivedSpf) -> bool {
    use crate::vocab::ip::{IpClass, classify, parse_ip};
    let internal = |text: &str| {
        parse_ip(text.trim_matches(|c: char| !c.is_ascii_hexdigit() && c != '.' && c != ':'))
            .is_some_and(|ip| {
                matches!(
                    classify(ip),
                    IpClass::Private | IpClass::Loopback | IpClass::LinkLocal | IpClass::SharedNat
                )
            })
    };
    if let Some(ip) = spf.key("client-ip") {
        return internal(ip);
    }
    spf.comment
        .as_deref()
        .is_some_and(|c| c.split_whitespace().take(64).any(internal))
}

#[cfg(test)]
mod tests {
    use crate::parse::recorded::parse_received_spf;

    #[test]
    fn a_received_spf_about_an_internal_address_is_no_verdict_on_the_sender() {
        let exchange = parse_received_spf("SoftFail (EXCH19.corp.local: domain of transitioning a.example discourages use of 192.168.10.5 as permitted sender)", 1).unwrap();
        assert!(super::checked_internal(&exchange));
        let keyed = parse_received_spf(
            "Fail (mailfrom) identity=mailfrom; client-ip=10.0.0.7; envelope-from=\"x@a.example\"",
            1,
        )
        .unwrap();
        assert!(super::checked_internal(&keyed));
        let public = parse_received_spf("softfail (google.com: domain of transitioning x@a.example does not designate 198.51.100.7 as permitted sender) client-ip=198.51.100.7;", 1).unwrap();
        assert!(!super::checked_internal(&public));
    }
}
