//! The analysis: a deterministic state machine from pasted text to a [`Report`].
//!
//! It performs no I/O and reads no clock (the time is given to [`Analysis::new`]). It hands out
//! DNS queries ([`Analysis::poll_queries`], all that are ready at once, so a driver can send
//! them in parallel), takes the outcomes back ([`Analysis::handle_answer`]) and finishes into a
//! report ([`Analysis::finish`]) that never fails: bad input gives findings, not errors.
//!
//! ```
//! use mailtrace::{Analysis, Options, dns::zone::MemoryResolver, dns::Resolver};
//! let zone = MemoryResolver::from_zone("5.113.0.203.in-addr.arpa. PTR mail.example.com.").unwrap();
//! let input = b"Received: from mail.example.com (mail.example.com [203.0.113.5]) by mx.example.net; Tue, 2 Jan 2024 10:00:00 +0000\nSubject: hi\n";
//! let mut analysis = Analysis::new(input, 1_704_189_600_000, Options::default());
//! loop {
//!     let queries = analysis.poll_queries();
//!     if queries.is_empty() { break; }
//!     for query in queries {
//!         let outcome = zone.lookup(&query.question, query.timeout_ms);
//!         analysis.handle_answer(query.id, outcome);
//!     }
//! }
//! let report = analysis.finish();
//! assert_eq!(report.reverse_dns.unwrap().names, ["mail.example.com"]);
//! ```
//!
//! Every question goes out once per analysis, however many checks need it, and the number of
//! questions is capped by [`Options::max_queries`], so no input can make it query without end.

//!
//! The session is here: [`Analysis::new`] reads the paste (the header readers are the
//! submodules: `headers` for the input notes, the field list, the summary, the sender checks and
//! the spam filters' verdicts; `chain` for the Received chain, the hops and the trust boundary
//! with the sending IP; `recorded` for the results the receiver recorded), then `plan` evaluates
//! the live checks against the answers so far and asks what they still need, after every
//! answer; `finish` turns it all into the report.

mod chain;
mod headers;
mod recorded;
#[cfg(test)]
mod tests;

use crate::dns::{Answer, DnsError, Query, QueryId, Question, RData, Rcode};
use crate::engine::lookups::{LookupState, LookupTable};
pub use crate::interpret::asks::LookupKind;
use crate::parse::input::{self, Normalized};
use crate::parse::received;
use crate::report::*;
use crate::vocab::finding::{Evidence, Finding, Severity};
use core::net::IpAddr;

/// How an analysis runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Whether to ask for DNS answers at all. Off: no query is handed out, and checks that
    /// need DNS say they were skipped.
    pub live: bool,
    /// The timeout handed to the driver with each query.
    pub query_timeout_ms: u32,
    /// The most DNS questions one analysis may ask.
    pub max_queries: usize,
    /// A platform charset decoder for RFC 2047 words (the browser's TextDecoder in the wasm
    /// build); None uses mail-parser's tables alone. A pure function: it does no I/O.
    pub charset_decoder: Option<crate::parse::rfc2047::CharsetDecoder>,
    /// Which blocklists to ask (beyond the defaults) and a Spamhaus DQS key.
    pub blocklists: crate::checks::reputation::BlocklistConfig,
    /// Whether the domains of links in the body (at most 20) are asked at the domain
    /// blocklists. Off: no question names a domain that only a body link gave.
    pub body_links: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            live: true,
            query_timeout_ms: 5_000,
            max_queries: 100,
            charset_decoder: None,
            blocklists: crate::checks::reputation::BlocklistConfig::default(),
            body_links: true,
        }
    }
}

impl Options {
    /// The kinds of DNS questions an analysis with these options can ask, in the order the
    /// privacy text names them (none when live lookups are off). Whether a given message leads
    /// to each depends on what it holds.
    pub fn lookup_kinds(&self) -> Vec<LookupKind> {
        use crate::interpret::asks::AskedWhen;
        if !self.live {
            return Vec::new();
        }
        use crate::checks::reputation::ListKind;
        let ip_lists = self.blocklists.asks(ListKind::Ip);
        let domain_lists = self.blocklists.asks(ListKind::Domain);
        LookupKind::ALL
            .into_iter()
            .filter(|k| match k.when() {
                AskedWhen::Live => true,
                AskedWhen::IpLists => ip_lists,
                AskedWhen::DomainLists => domain_lists,
                AskedWhen::BodyLinks => domain_lists && self.body_links,
            })
            .collect()
    }
}

/// Received fields analyzed at most; a longer chain is a mail loop or an attack.
pub const MAX_HOPS: usize = 100;
/// Longest header value kept in the report, in bytes.
const MAX_VALUE: usize = 8 * 1024;

/// One analysis of one pasted message.
#[derive(Debug, Clone)]
pub struct Analysis {
    now_ms: i64,
    options: Options,
    input: InputSummary,
    message: MessageSummary,
    hops: Vec<Hop>,
    delivery_ms: Option<i64>,
    sending_ip: Option<SendingIp>,
    headers: Vec<HeaderEntry>,
    recorded_auth: Vec<RecordedAuth>,
    recorded_spf: Vec<crate::parse::recorded::ReceivedSpf>,
    arc: Option<crate::parse::recorded::ArcChain>,
    sender: crate::checks::sender::SenderFacts,
    spam: Vec<crate::checks::spam::SpamVerdict>,
    findings: Vec<Finding>,
    dns: LookupTable,
    auth_inputs: crate::interpret::live::AuthInputs,
    auth: crate::report::live::LiveAuth,
    reputation: crate::report::live::Reputation,
    bounce: Option<crate::checks::bounce::BounceReport>,
    /// The kinds of the questions the checks have needed so far, without repeats.
    asked: Vec<LookupKind>,
    /// Whether the trust boundary was decided again with the recipient domain's MX hosts.
    gated: bool,
}

impl Analysis {
    /// Parses the input and plans the lookups. `now_ms` is the current time in milliseconds
    /// since the Unix epoch; the analysis never reads a clock.
    pub fn new(input: &[u8], now_ms: i64, options: Options) -> Analysis {
        let mut normalized = input::normalize(input);
        // Text whose first line only looks like a field ("(node:1) Error: ..."): all of it is
        // the report's words.
        let words_only = !normalized.has_known_field();
        // The bounce reader runs only when the header fields say the paste could be one, or
        // when the paste is text (a bounce's own words, or a program's error with the
        // server's reply, pasted without a header): text above the header was skipped that
        // can be a report's words (a status or reply code, a returned-message marker), or no
        // field of a name mail systems write was found.
        // A forward's summary ("From: Mail Delivery System ...", "Subject: Undeliverable: ...")
        // is the forwarded notice's own header, so it is screened with the fields read.
        // A mail program's localized summary read as the header ("De:", "Objet:" of a French
        // forward) is screened as the fields its labels stand for.
        let may_be_bounce = crate::checks::bounce::may_be_report(normalized.fields.iter().map(
            |f| {
                let label = format!("{}:", f.name);
                (
                    input::summary_key(&label).unwrap_or(f.name.as_str()),
                    f.value.as_str(),
                )
            },
        )) || normalized
            .notes
            .iter()
            .filter(|n| n.code == "input.skipped-forward")
            .flat_map(|n| n.lines.iter())
            .any(|(_, line)| report_field_line(line))
            || normalized.notes.iter().any(|n| {
                // A forward's banner can be a returned-message marker too ("------ This is a copy
                // of the message, including all the headers. ------", Exim's).
                matches!(n.code, "input.skipped-prose" | "input.skipped-forward")
                    && n.lines
                        .iter()
                        .any(|(_, line)| crate::checks::bounce::may_be_report_words(line))
            })
            || words_only
            // A challenge-response request shown by a mail program and forwarded (its view's
            // From/Sent/To/Subject summary, no trace of its own): its own words say it.
            || (!normalized.fields.iter().any(|f| f.name.eq_ignore_ascii_case("received"))
                && crate::checks::bounce::challenge_words(&String::from_utf8_lossy(input)));
        let bounce = may_be_bounce
            .then(|| read_bounce(input, &normalized, words_only))
            // A delivery report (every recipient delivered: RFC 3464 `Action: delivered`, a
            // sending service's "delivered" event) is kept: it is what the paste says happened.
            .filter(|b| {
                b.kind != crate::checks::bounce::BounceKind::NotBounce
                    || (!b.recipients.is_empty()
                        && b.recipients
                            .iter()
                            .all(|r| r.reason == crate::checks::bounce::Reason::Delivered))
            });
        // The bounce's own Received fields, before the analysis turns to the returned message.
        let outer: Vec<crate::interpret::bounce_ip::OuterHop> = if bounce.is_some() {
            normalized
                .fields
                .iter()
                .filter(|f| f.is("Received"))
                .map(|f| {
                    let r = received::parse(f.unfolded());
                    let local = r.ip.is_none()
                        && r.with
                            .as_deref()
                            .is_none_or(|w| w.eq_ignore_ascii_case("local"));
                    crate::interpret::bounce_ip::OuterHop {
                        names: [r.helo, r.rdns, r.from]
                            .into_iter()
                            .flatten()
                            .map(|n| n.to_ascii_lowercase())
                            .collect(),
                        ip: r.ip,
                        local_by: r.by_host.filter(|_| local).map(|b| b.to_ascii_lowercase()),
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut attached_note: Option<Finding> = None;
        if let Some(original) = bounce
            .as_ref()
            .and_then(|b| b.original.as_ref())
            .filter(|o| !o.text.trim().is_empty())
        {
            let line = u32::try_from(original.line).unwrap_or(u32::MAX);
            attached_note = Some(Finding {
                code: "bounce.original-analyzed".into(),
                severity: Severity::Info,
                title: format!(
                    "The bounce carries the returned message{}; its headers were analyzed below.",
                    if original.headers_only { " (its headers)" } else { "" }
                ),
                detail: "The delivery path, authentication and sender checks below are those of the message that bounced, not of the bounce itself.".into(),
                evidence: vec![Evidence {
                    line: Some(line),
                    text: String::new(),
                }],
            });
            normalized = input::normalize_from(original.text.as_bytes(), line.saturating_sub(1));
        } else if let Some((inner, offset)) = input::attached_message(&normalized) {
            let outer_from = normalized
                .fields
                .iter()
                .find(|f| f.is("From"))
                .map(|f| f.unfolded().to_string())
                .unwrap_or_default();
            attached_note = Some(Finding {
                code: "input.attached-message".into(),
                severity: Severity::Info,
                title: "The pasted message carries another message as an attachment; the attached message was analyzed.".into(),
                detail: format!(
                    "The outer message is the forward ({}); the attachment is the message as it arrived, with its own headers.",
                    if outer_from.is_empty() { "no From" } else { outer_from.as_str() }
                ),
                evidence: vec![Evidence {
                    line: Some(offset + 1),
                    text: String::new(),
                }],
            });
            normalized = input::normalize_from(inner.as_bytes(), offset);
        }
        let dns = LookupTable::new(options.live, options.max_queries, options.query_timeout_ms)
            .with_secret(options.blocklists.spamhaus_dqs_key.as_deref());
        let mut analysis = Analysis {
            now_ms,
            options,
            input: InputSummary {
                bytes: input.len(),
                line_ending: normalized.line_ending,
                header_fields: normalized.fields.len(),
                body_bytes: normalized.body.as_ref().map(String::len),
            },
            message: MessageSummary::default(),
            hops: Vec::new(),
            delivery_ms: None,
            sending_ip: None,
            headers: Vec::new(),
            recorded_auth: Vec::new(),
            recorded_spf: Vec::new(),
            arc: None,
            sender: crate::checks::sender::SenderFacts::default(),
            spam: Vec::new(),
            findings: Vec::new(),
            dns,
            auth_inputs: crate::interpret::live::AuthInputs::default(),
            auth: crate::report::live::LiveAuth::default(),
            reputation: crate::report::live::Reputation::default(),
            bounce,
            asked: Vec::new(),
            gated: false,
        };
        analysis.findings.extend(attached_note);
        analysis.read_input(&normalized);
        // No public address in the Received chain (none written, or only the receiver's
        // internal ones): the relay the filter found listed, or the client the receiver's
        // Received-SPF recorded.
        if analysis.bounce.is_none()
            && analysis.sending_ip.is_none()
            && analysis.hops.iter().all(|h| {
                h.ip.is_none_or(|ip| !crate::vocab::ip::classify(ip).can_be_sender())
            })
        {
            analysis.sending_ip = filter_listed_relay(&analysis.spam)
                .or_else(|| recorded_spf_client(&analysis.recorded_spf));
        }
        if let Some(b) = &analysis.bounce {
            // A bounce is about the server that talked to the refusing server.
            let (sending, _) = crate::interpret::bounce_ip::bounce_sender(
                b,
                &outer,
                &analysis.hops,
                analysis.sending_ip.as_ref(),
            );
            analysis.sending_ip = sending;
        }
        // A quarantine notification is Microsoft's own message about a held one: its hops are
        // Microsoft's, and the held message's sending server is not in the paste.
        if analysis.bounce.is_none()
            && crate::interpret::diagnosis::quarantine_notice(
                analysis
                    .message
                    .from
                    .as_ref()
                    .and_then(|m| m.address.as_deref()),
                analysis.message.subject.as_deref(),
            )
        {
            analysis.sending_ip = None;
        }
        analysis.auth_inputs = analysis.auth_inputs();
        if let Some(identity) = analysis
            .bounce
            .as_ref()
            .and_then(crate::interpret::bounce_ip::bounce_identity)
        {
            analysis.auth_inputs.mail_from = Some((
                identity,
                "the sender identity the refusing server named".into(),
            ));
        }
        if analysis.options.live {
            analysis.auth_inputs.dkim = Some(std::sync::Arc::new(
                crate::checks::dkim::DkimMessage::new(&normalized),
            ));
            analysis.auth_inputs.arc = Some(std::sync::Arc::new(
                crate::checks::arc::ArcMessage::new(&normalized),
            ));
            if let Some(body) = normalized
                .body
                .as_ref()
                .filter(|_| analysis.options.body_links)
            {
                // Blocklists are asked about organizational domains: those that only links
                // give are noted, so their questions are known as body-link questions.
                let org =
                    |d: &str| crate::vocab::domain::org_domain(d).unwrap_or_else(|| d.to_string());
                let inputs = &mut analysis.auth_inputs;
                let senders: Vec<String> = inputs.listed_domains.iter().map(|d| org(d)).collect();
                for d in crate::checks::reputation::link_domains(body, 20) {
                    if !inputs.listed_domains.contains(&d) {
                        let o = org(&d);
                        if !senders.contains(&o) && !inputs.link_orgs.contains(&o) {
                            inputs.link_orgs.push(o);
                        }
                        inputs.listed_domains.push(d);
                    }
                }
            }
        }
        analysis.plan();
        analysis
    }

    /// All queries ready to be sent now. Send them in any order, in parallel if you like, and
    /// hand each outcome back with [`Analysis::handle_answer`]. Empty when nothing is left to
    /// ask (and nothing will be, once every query handed out is answered).
    #[must_use]
    pub fn poll_queries(&mut self) -> Vec<Query> {
        self.dns.poll_queries()
    }

    /// One query ready to be sent, if any.
    #[must_use]
    pub fn poll_query(&mut self) -> Option<Query> {
        self.dns.poll_query()
    }

    /// Takes the outcome of a query. Unknown ids and repeated answers are ignored.
    pub fn handle_answer(&mut self, id: QueryId, outcome: Result<Answer, DnsError>) {
        if self.dns.answer(id, outcome) {
            self.plan();
        }
    }

    /// Every signature verification ready to be done now (ed25519 DKIM and ARC signatures whose
    /// keys have arrived, [`crate::dns::verify`]). Verify each and hand the verdict back with
    /// [`Analysis::handle_verdict`].
    #[must_use]
    pub fn poll_verifications(&mut self) -> Vec<crate::dns::verify::VerifyRequest> {
        self.dns.poll_verifications()
    }

    /// Takes the verdict on a verification. Unknown ids and repeated verdicts are ignored.
    pub fn handle_verdict(
        &mut self,
        id: crate::dns::verify::VerifyId,
        verdict: crate::dns::verify::Verdict,
    ) {
        if self.dns.record_verdict(id, verdict) {
            self.plan();
        }
    }

    /// Whether every query handed out has been answered and none is left to hand out.
    pub fn is_finished(&self) -> bool {
        self.dns.is_finished()
    }

    /// The number of queries handed out and not yet answered.
    pub fn in_flight(&self) -> usize {
        self.dns.in_flight()
    }

    /// The report as it stands, with unanswered lookups shown as pending.
    pub fn snapshot(&self) -> Report {
        self.clone().into_report(false)
    }

    /// The final report. Lookups still unanswered are reported as stopped ("could not check"),
    /// and checks waiting on them finish with what they have.
    pub fn finish(mut self) -> Report {
        self.dns.stop();
        self.plan();
        self.into_report(true)
    }

    fn want(&mut self, kind: LookupKind, question: Question) {
        self.note_asked(kind);
        self.dns.want(question);
    }

    fn note_asked(&mut self, kind: LookupKind) {
        // Without live lookups nothing is asked (the table refuses every question).
        if self.options.live && !self.asked.contains(&kind) {
            self.asked.push(kind);
        }
    }

    /// The kinds of DNS questions this analysis has needed so far (each once, in the order
    /// first needed): always among [`Options::lookup_kinds`] of its options.
    pub fn lookup_kinds_asked(&self) -> &[LookupKind] {
        &self.asked
    }

    fn outcome(&self, question: &Question) -> Option<&LookupState> {
        self.dns.state(question)
    }
}

impl crate::engine::lookups::Session for Analysis {
    type Output = Report;
    fn poll_queries(&mut self) -> Vec<Query> {
        Analysis::poll_queries(self)
    }
    fn handle_answer(&mut self, id: QueryId, outcome: Result<Answer, DnsError>) {
        Analysis::handle_answer(self, id, outcome)
    }
    fn poll_verifications(&mut self) -> Vec<crate::dns::verify::VerifyRequest> {
        Analysis::poll_verifications(self)
    }
    fn handle_verdict(
        &mut self,
        id: crate::dns::verify::VerifyId,
        verdict: crate::dns::verify::Verdict,
    ) {
        Analysis::handle_verdict(self, id, verdict)
    }
    fn snapshot(&self) -> Report {
        Analysis::snapshot(self)
    }
    fn finish(self) -> Report {
        Analysis::finish(self)
    }
}

impl Analysis {
    /// Decides which questions are needed, given the answers so far: evaluates every check
    /// against the answers and asks what they still need. A question refused at once (over the
    /// budget, or after a stop) is already answered, so the checks are evaluated again.
    fn plan(&mut self) {
        if let Some(sending) = &self.sending_ip {
            let ip = sending.ip;
            self.want(LookupKind::ReverseDns, Question::reverse(ip));
        }
        for _ in 0..64 {
            let (auth, mut need, verify) =
                crate::interpret::live::evaluate(&self.auth_inputs, &self.dns);
            self.auth = auth;
            self.reputation = crate::interpret::live::evaluate_reputation(
                &self.auth_inputs,
                &self.dns,
                &mut need,
            );
            if self.regate() {
                continue;
            }
            for (kind, _) in need.iter() {
                self.note_asked(kind);
            }
            let settled = self.dns.want_verified(verify);
            if !self.dns.want_all(need.into_questions()) && !settled {
                break;
            }
        }
    }

    /// The SPF inputs that follow from the sending server (its IP, HELO and the receiver that
    /// recorded it), made again after the sending IP changed.
    fn refresh_connection_inputs(&mut self) {
        let fresh = self.auth_inputs();
        self.auth_inputs.ip = fresh.ip;
        self.auth_inputs.helo = fresh.helo;
        self.auth_inputs.receiver = fresh.receiver;
        self.auth_inputs.entry_ip = fresh.entry_ip;
    }

    /// For a bounce whose server in question is the returned copy's sending hop: when that
    /// hop's address is one of the recipient domain's MX hosts (RFC 5321 section 5.1: the
    /// servers that accept mail for the domain), the hop is the receiving organization's own
    /// inbound server handing the copy on inside it (RFC 5321 section 4.4: its FROM clause
    /// names the client that connected, here that server), so the server that handed the
    /// message to it is not in the paste and no address is checked. Once; true when the
    /// sending IP was dropped.
    fn regate_bounce(&mut self) -> bool {
        let Some(mx) = known_mx(&self.reputation) else {
            return false;
        };
        self.gated = true;
        let Some(ip) = self
            .sending_ip
            .as_ref()
            .filter(|s| s.hop > 0)
            .map(|s| s.ip.to_string())
        else {
            return false;
        };
        if !mx
            .hosts
            .iter()
            .any(|h| h.addresses.iter().any(|a| a.eq_ignore_ascii_case(&ip)))
        {
            return false;
        }
        self.sending_ip = None;
        self.refresh_connection_inputs();
        true
    }

    /// Decides the trust boundary again once the recipient domain's MX hosts are known (an
    /// inbound gateway of the recipient's is inside it, `engine::boundary`); once. A bounce's
    /// sending server is the one that talked to the refusing server: only the returned copy's
    /// hop from the recipient's own MX is dropped (`regate_bounce`). True when the sending IP
    /// moved, so the checks about it are asked again.
    fn regate(&mut self) -> bool {
        if self.gated {
            return false;
        }
        if self.bounce.is_some() {
            return self.regate_bounce();
        }
        let Some(mx) = known_mx(&self.reputation) else {
            return false;
        };
        self.gated = true;
        let org = crate::vocab::domain::org_domain;
        let mut orgs: Vec<String> = Vec::new();
        for o in mx.hosts.iter().filter_map(|h| org(&h.exchange)) {
            if !orgs.contains(&o) {
                orgs.push(o);
            }
        }
        // A gateway's other domains: its MX hosts and the hosts that hand filtered mail on
        // may be named under different domains of one operator.
        let kin: Vec<&str> = orgs
            .iter()
            .flat_map(|o| crate::vocab::domain::operator_kin(o))
            .collect();
        for o in kin {
            if !orgs.iter().any(|x| x == o) {
                orgs.push(o.to_string());
            }
        }
        let has = |name: &str| {
            self.headers
                .iter()
                .any(|h| h.name.eq_ignore_ascii_case(name))
        };
        let values = |name: &'static str| {
            self.headers
                .iter()
                .filter(move |h| h.name.eq_ignore_ascii_case(name))
                .map(|h| h.value.as_str())
        };
        // The To domain's MX received the message for the final mailbox only if nothing says
        // it went on to another address: an envelope recipient in another domain (a Received
        // field's FOR clause, RFC 5321 4.4; Delivered-To, X-Original-To), a mailing list
        // (List-Id, RFC 2919), or an ARC set sealed by the MX's own organization (RFC 8617:
        // an intermediary that forwards). Then the MX host is a forwarder, not a gateway.
        let to_org = self.auth_inputs.recipient_domain.as_deref().and_then(org);
        let elsewhere = self
            .hops
            .iter()
            .filter_map(|h| h.for_addr.as_deref())
            .chain(values("Delivered-To"))
            .chain(values("X-Original-To"))
            .filter_map(|a| a.trim().trim_matches(['<', '>']).rsplit_once('@'))
            .any(|(_, d)| org(d.trim().trim_end_matches(['>', '.'])) != to_org);
        let sealed_by_mx = values("ARC-Seal")
            .filter_map(|v| crate::parse::recorded::tag(v, "d"))
            .filter_map(org)
            .any(|d| orgs.contains(&d));
        // An envelope sender rewritten by the Sender Rewriting Scheme (SRS0=/SRS1= local
        // parts, as postsrsd and pfix-srsd write them) in the MX's own organization: that
        // server forwarded the message on under its own domain, so it is a forwarder.
        let srs_by_mx = values("Return-Path")
            .filter_map(|v| v.trim().trim_matches(['<', '>']).rsplit_once('@'))
            .any(|(local, domain)| {
                let local = local.trim().to_ascii_uppercase();
                (local.starts_with("SRS0=") || local.starts_with("SRS1="))
                    && org(domain.trim().trim_end_matches(['>', '.']))
                        .is_some_and(|d| orgs.contains(&d))
            });
        if elsewhere || has("List-Id") || sealed_by_mx || srs_by_mx {
            return false;
        }
        let boundary = self.trust_boundary(&orgs);
        let Some((index, reason)) = boundary.chosen else {
            return false;
        };
        let hop = &self.hops[index];
        let (Some(ip), number) = (hop.ip, hop.number) else {
            return false;
        };
        if self.sending_ip.as_ref().is_some_and(|s| s.hop == number) {
            return false;
        }
        for hop in &mut self.hops {
            hop.internal = false;
        }
        for &i in &boundary.internal {
            self.hops[i].internal = true;
        }
        self.sending_ip = Some(SendingIp {
            ip,
            hop: number,
            reason: reason.to_string(),
        });
        self.retrust_recorded_auth();
        self.refresh_connection_inputs();
        true
    }

    /// Reads the paste's header fields into the parts of the report, in order; each reader adds
    /// its findings, and the later ones use what the earlier found (the Authentication-Results
    /// are trusted or not by where the Received chain puts the trust boundary).
    fn read_input(&mut self, normalized: &Normalized) {
        self.read_notes(normalized);
        if normalized.fields.is_empty() {
            return;
        }
        self.read_header_list(normalized);
        self.read_summary(normalized);
        self.read_received(&normalized.fields);
        self.read_recorded_auth(&normalized.fields);
        self.read_other_records(&normalized.fields);
        self.read_sender(normalized);
        self.read_spam(normalized);
    }

    /// The blocklists to ask: the options' choice, and Barracuda when a bounce names it (a
    /// list that is off by default because it answers registered resolvers only), unless the
    /// options leave it out or ask no address list at all.
    fn blocklists(&self) -> crate::checks::reputation::BlocklistConfig {
        let mut config = self.options.blocklists.clone();
        let named = self.bounce.iter().flat_map(|b| &b.recipients).any(|r| {
            r.blocklist
                .as_ref()
                .is_some_and(|l| l.name.starts_with("Barracuda"))
        });
        const BARRACUDA: &str = "b.barracudacentral.org";
        // Not when every address list is off: the options said no sending-IP questions.
        if named
            && config.asks(crate::checks::reputation::ListKind::Ip)
            && !config
                .skip
                .iter()
                .any(|z| z.eq_ignore_ascii_case(BARRACUDA))
        {
            config.add_zone(BARRACUDA);
        }
        config
    }

    /// What the live checks need from the message.
    fn auth_inputs(&self) -> crate::interpret::live::AuthInputs {
        let hop = self
            .sending_ip
            .as_ref()
            .and_then(|s| self.hops.iter().find(|h| h.number == s.hop));
        crate::interpret::live::AuthInputs {
            live: self.options.live,
            ip: self.sending_ip.as_ref().map(|s| s.ip),
            helo: hop
                .and_then(|h| h.helo.clone())
                .filter(|h| !h.starts_with('['))
                .unwrap_or_default(),
            receiver: hop.and_then(|h| h.by.clone()).unwrap_or_default(),
            mail_from: crate::interpret::live::mail_from(
                self.message.return_path.as_deref(),
                &self.recorded_auth,
                &self.recorded_spf,
                hop.map(|h| h.raw.as_str()),
            ),
            now_s: self.now_ms.div_euclid(1000),
            entry_ip: self
                .bounce
                .as_ref()
                .and_then(|b| {
                    crate::interpret::bounce_ip::entry_hop(
                        b,
                        &self.hops,
                        self.sender.from_domain.as_deref(),
                    )
                })
                .and_then(|h| h.ip),
            from_domain: self.sender.from_domain.clone(),
            imitation_candidates: self.imitation_candidates(),
            blocklists: self.blocklists(),
            link_orgs: Vec::new(),
            listed_domains: {
                let mut domains: Vec<String> = Vec::new();
                let candidates = [
                    self.sender.from_domain.clone(),
                    self.sender.return_path_domain.clone(),
                ]
                .into_iter()
                .flatten()
                .chain(
                    self.sender
                        .dkim_signatures
                        .iter()
                        .filter_map(|s| s.domain.clone()),
                );
                for d in candidates {
                    let d = d.to_ascii_lowercase();
                    if !domains.contains(&d) {
                        domains.push(d);
                    }
                }
                domains
            },
            recipient_domain: self
                .message
                .to
                .first()
                .and_then(|m| m.address.as_deref())
                .and_then(|a| a.rsplit_once('@'))
                .map(|(_, d)| d.trim().trim_end_matches('.').to_ascii_lowercase())
                .filter(|d| !d.is_empty()),
            dkim: None,
            arc: None,
        }
    }
}

impl Analysis {
    /// For a request about payment details (its subject or the customer's words around the
    /// paste name them), the spellings the From domain may imitate
    /// (`checks::reputation::imitated`); none for a free mail domain or one of the recipient's
    /// own organization.
    fn imitation_candidates(&self) -> Vec<(String, &'static str)> {
        use crate::checks::reputation::imitated;
        let Some(domain) = self.sender.from_domain.as_deref() else {
            return Vec::new();
        };
        let org = crate::vocab::domain::org_domain(domain).unwrap_or_else(|| domain.to_string());
        let recipient_org = self
            .message
            .to
            .first()
            .and_then(|m| m.address.as_deref())
            .and_then(crate::vocab::domain::of_address)
            .and_then(|d| crate::vocab::domain::org_domain(&d));
        if crate::checks::sender::free_mail_provider(&org).is_some()
            || recipient_org.as_deref() == Some(org.as_str())
        {
            return Vec::new();
        }
        let prose = self
            .findings
            .iter()
            .filter(|f| f.code == "input.skipped-line" || f.code == "input.skipped-prose")
            .flat_map(|f| f.evidence.iter())
            .take(200)
            .map(|e| e.text.as_str());
        let asks = self
            .message
            .subject
            .as_deref()
            .into_iter()
            .chain(prose)
            .any(imitated::names_payment_details);
        if !asks {
            return Vec::new();
        }
        let name = self.message.from.as_ref().and_then(|f| f.name.as_deref());
        imitated::candidates(&org, name)
    }

    fn into_report(mut self, complete: bool) -> Report {
        let mut findings = std::mem::take(&mut self.findings);
        let reverse_dns = self.sending_ip.as_ref().map(|s| self.reverse_dns(s.ip));
        if let Some(r) = &reverse_dns {
            match r.status {
                LookupStatus::None => findings.push(Finding {
                    code: "rdns.missing".into(),
                    severity: Severity::Warning,
                    title: format!("The sending server {} has no reverse DNS name.", r.ip),
                    detail: "Many receivers reject or distrust mail from an address with no reverse DNS (PTR) record. The owner of the address (the hosting or Internet provider) can set one.".into(),
                    evidence: vec![Evidence { line: None, text: format!("{} PTR: {}", r.question, r.detail) }],
                }),
                LookupStatus::Temperror => findings.push(Finding {
                    code: "rdns.temperror".into(),
                    severity: Severity::Info,
                    title: format!("Could not check the reverse DNS of {}.", r.ip),
                    detail: r.detail.clone(),
                    evidence: Vec::new(),
                }),
                _ => {}
            }
        }
        if self.dns.over_budget() {
            findings.push(Finding {
                code: "dns.budget".into(),
                severity: Severity::Warning,
                title: format!(
                    "The analysis reached its limit of {} DNS lookups; some checks were not run.",
                    self.options.max_queries
                ),
                detail: String::new(),
                evidence: Vec::new(),
            });
        }
        findings.extend(crate::interpret::live::findings(&self.auth));
        if self.reputation.fcrdns.is_some() {
            // The forward-confirmed reverse DNS check says it better (and with the same codes).
            findings.retain(|f| !f.code.starts_with("rdns."));
        }
        findings.extend(crate::interpret::live::reputation_findings(
            &self.reputation,
        ));
        if let Some(b) = &self.bounce {
            findings.extend(crate::interpret::live::bounce_findings(b));
        }
        crate::vocab::sort::sort_by_key(&mut findings, |f| f.severity);
        crate::interpret::findings::dedupe(&mut findings);
        let mut report = Report {
            schema_version: SCHEMA_VERSION,
            generator: format!("mailtrace {}", env!("CARGO_PKG_VERSION")),
            analyzed_at_ms: self.now_ms,
            complete,
            live: self.options.live,
            notices: Vec::new(),
            diagnosis: None,
            auth: None,
            reputation: None,
            bounce: self.bounce,
            input: self.input,
            message: self.message,
            hops: self.hops,
            delivery_ms: self.delivery_ms,
            sending_ip: self.sending_ip,
            reverse_dns,
            recorded_auth: self.recorded_auth,
            recorded_spf: self.recorded_spf,
            arc: self.arc,
            sender: self.sender,
            spam: self.spam,
            headers: self.headers,
            findings,
            dns: self.dns.into_exchanges(),
        };
        let mut auth = self.auth;
        auth.comparison = crate::interpret::live::compare(&report, &auth);
        report.auth = Some(auth);
        report.reputation = Some(self.reputation);
        report.notices = crate::interpret::diagnosis::notices(&report);
        report.diagnosis = Some(crate::interpret::diagnosis::diagnose(&report));
        report
    }

    fn reverse_dns(&self, ip: IpAddr) -> ReverseDns {
        let question = Question::reverse(ip);
        let mut out = ReverseDns {
            ip,
            question: question.name.clone(),
            status: LookupStatus::Skipped,
            names: Vec::new(),
            detail: "Not checked: live lookups are off.".into(),
        };
        match self.outcome(&question) {
            None if self.options.live => {
                out.detail = "Not checked: the analysis reached its lookup limit.".into();
            }
            None => {}
            Some(LookupState::Wanted | LookupState::InFlight) => {
                out.status = LookupStatus::Pending;
                out.detail = "Looking up...".into();
            }
            Some(LookupState::Done(Err(error))) => {
                out.status = LookupStatus::Temperror;
                out.detail = format!("Could not check: {error}.");
            }
            Some(LookupState::Done(Ok(answer))) => match answer.rcode {
                Rcode::NoError | Rcode::NxDomain => {
                    out.names = answer
                        .data_for(&question)
                        .into_iter()
                        .filter_map(|d| match d {
                            RData::Ptr(name) => Some(name.clone()),
                            _ => None,
                        })
                        .collect();
                    if out.names.is_empty() {
                        out.status = LookupStatus::None;
                        out.detail = if answer.rcode == Rcode::NxDomain {
                            "No reverse DNS name: the name does not exist (NXDOMAIN).".into()
                        } else {
                            "No reverse DNS name: no PTR record.".into()
                        };
                    } else {
                        out.status = LookupStatus::Found;
                        out.detail = out.names.join(", ");
                    }
                }
                other => {
                    out.status = LookupStatus::Temperror;
                    out.detail = format!(
                        "Could not check: the DNS server answered {}.",
                        match other {
                            Rcode::ServFail => "SERVFAIL (it could not get an answer)".to_string(),
                            Rcode::Refused => "REFUSED".to_string(),
                            o => format!("with error code {}", o.code()),
                        }
                    );
                }
            },
        }
        out
    }
}

/// The recipient domain's MX check once it has named hosts (RFC 5321 section 5.1): what
/// regating the trust boundary waits for, for a bounce and for any other message.
fn known_mx(
    reputation: &crate::report::live::Reputation,
) -> Option<&crate::checks::reputation::MxCheck> {
    reputation
        .recipient_mx
        .as_ref()
        .filter(|mx| !mx.hosts.is_empty())
}

/// The bounce reader's reading of a paste that may be a report (see `Analysis::new`).
fn read_bounce(
    input: &[u8],
    normalized: &Normalized,
    words_only: bool,
) -> crate::checks::bounce::BounceReport {
    // The bounce reader reads the whole text as the sending system wrote it: with the
    // damage of how it was carried undone (a quote level, an indentation, doubled line
    // ends, HTML entities; `input::Carried`). When lines above the header were skipped
    // (what the customer wrote above it, a forward's banner and summary: Outlook's
    // "-----Original Message-----", Gmail's "---------- Forwarded message ---------"),
    // the bounce is read from its own header only when that header is a report's: the
    // summary's From/Subject are the forwarder's view, and a bounce pasted without its
    // header has its own words above the returned message (Exim's "------ This is a
    // copy of the message ..."), so then the whole paste is read.
    // Words only: a blank line first makes the reader take none of it as a header.
    let read = |text: &[u8]| {
        if words_only {
            let mut with_blank = Vec::with_capacity(text.len() + 1);
            with_blank.push(b'\n');
            with_blank.extend_from_slice(text);
            let mut b = crate::checks::bounce::analyze(&with_blank);
            if let Some(o) = b.original.as_mut() {
                o.line = o.line.saturating_sub(1).max(1);
            }
            b
        } else {
            crate::checks::bounce::analyze(text)
        }
    };
    let b = match &normalized.carried {
        Some(c) => {
            let mut from_header = !words_only && (!c.skipped_above || header_is_report(normalized));
            let mut b = read(c.from_header(from_header).0.as_bytes());
            // The header's words looked like a report's (a Subject with "return" in it) but
            // from there nothing reads as one: the report's own words are above it (a notice
            // shown by a mail program and pasted without its header, Outlook's "Delivery has
            // failed to these recipients or groups" above the returned message's headers), so
            // the whole paste is read.
            if from_header
                && c.skipped_above
                && b.kind == crate::checks::bounce::BounceKind::NotBounce
            {
                let whole = read(c.from_header(false).0.as_bytes());
                if whole.kind != crate::checks::bounce::BounceKind::NotBounce {
                    b = whole;
                    from_header = false;
                }
            }
            let (_, pasted_line) = c.from_header(from_header);
            if let Some(o) = b.original.as_mut() {
                o.line = pasted_line(o.line) as usize;
            }
            // The repair is a reading of how the paste was carried, not the paste: a notice
            // whose recipients it left without a reply code or status (its lines joined into
            // fields above them when a form dropped every blank line), while the text as
            // pasted gives them theirs, is read as pasted.
            let rejoined = normalized
                .notes
                .iter()
                .any(|n| n.code == "input.rejoined-lines");
            if rejoined
                && b.kind != crate::checks::bounce::BounceKind::NotBounce
                && !b.recipients.iter().any(coded)
            {
                let as_pasted = read(input);
                if coded_report(&as_pasted)
                    && as_pasted
                        .recipients
                        .iter()
                        .all(|r| r.reason != crate::checks::bounce::Reason::Delivered)
                {
                    b = as_pasted;
                }
            }
            b
        }
        None => read(input),
    };
    // A complaint read from the whole (an abuse desk's notice quoting the complaint it passes
    // on, with the message complained about) stays one: the quoted complaint is its content.
    if b.kind == crate::checks::bounce::BounceKind::Feedback
        && b.format.as_deref() == Some("abuse-desk")
    {
        return b;
    }
    // A notice forwarded with its summary is read from the summary on: its From and Subject
    // are the notice's own header (a mail program did not write it; the reporting server did).
    forwarded_notice(input, normalized)
        .or_else(|| quoted_notice(input))
        .unwrap_or(b)
}

/// A notice quoted deeper than the text around it (a reply that quotes a reply which quoted
/// the notice: the customer's words unquoted, a colleague's at "> ", the notice at "> > "):
/// the lines from the first to the last at the deepest quote level, read with that many levels
/// off (RFC 3676 section 4.5: one ">" per level of quoting; lines a mail program wrapped inside
/// the block lost their marks and are kept). Only for a notice quoted twice or more, when the paste around it is
/// quoted less, and the block reads as a report whose every recipient has a reply code or a
/// status.
fn quoted_notice(input: &[u8]) -> Option<crate::checks::bounce::BounceReport> {
    let text = String::from_utf8_lossy(input);
    // Its quote marks written as HTML entities (a ticket system's page source), decoded as the
    // header reading decodes them (`input::normalize`).
    let text = if !text.contains('<') && text.contains("&gt;") {
        std::borrow::Cow::Owned(input::decode_entities(&text))
    } else {
        text
    };
    let lines: Vec<&str> = text.lines().take(20_000).collect();
    // Each line's quote depth, and whether it holds text.
    let levels: Vec<(usize, bool)> = lines
        .iter()
        .map(|l| {
            let (depth, rest) = input::quote_depth(l);
            (depth, !rest.trim().is_empty())
        })
        .collect();
    // Quoted once, the paste's own carriage is undone where it is read (`input::Carried`).
    let deepest = levels.iter().map(|l| l.0).max().filter(|&d| d > 1)?;
    let first = levels.iter().position(|l| l.0 == deepest)?;
    if !levels[..first].iter().any(|l| l.1) {
        return None;
    }
    // To its last line at that level: a line a mail program wrapped inside it lost its marks.
    let end = levels.iter().rposition(|l| l.0 == deepest)? + 1;
    if end - first < 3 {
        return None;
    }
    // An SMTP session transcript marks the client's commands ">>> " and the server's replies
    // "<<< " (Courier's delivery status notification, courierdsn(8); Sisimai reads the same
    // marks): those are no quote levels, also when the whole notice is quoted once more.
    if lines[first..end].iter().any(|l| {
        l.trim_start_matches(|c: char| c == '>' || c.is_whitespace())
            .starts_with("<<<")
    }) {
        return None;
    }
    let block: Vec<&str> = lines[first..end]
        .iter()
        .map(|l| input::strip_quotes(l, deepest))
        .collect();
    let block = block.join("\n");
    let read = crate::checks::bounce::analyze(block.as_bytes());
    if coded_report(&read) {
        return Some(read);
    }
    let words = crate::checks::bounce::analyze(format!("\n{block}").as_bytes());
    coded_report(&words).then_some(words)
}

/// Whether a recipient's result carries the refusing server's reply code or a status.
fn coded(r: &crate::checks::bounce::BouncedRecipient) -> bool {
    r.reply_code.is_some() || r.status.is_some()
}

/// Whether a reading is a failure or delay report whose every recipient is coded ([`coded`]).
fn coded_report(b: &crate::checks::bounce::BounceReport) -> bool {
    use crate::checks::bounce::BounceKind;
    matches!(b.kind, BounceKind::Bounce | BounceKind::Delay)
        && !b.recipients.is_empty()
        && b.recipients.iter().all(coded)
}

/// A notice the customer forwarded, read from its forward's summary on: a summary whose
/// fields are a report's (From: Mail Delivery Subsystem, Subject: Delivery Status
/// Notification) heads the notice as its own header would, and the customer's words and the
/// banner above it are not the notice's. A forward quoted whole ("> " on every line, or more
/// levels) is read with those quote levels off. None when the paste has no such summary or the notice does not
/// read as a report from there.
fn forwarded_notice(
    input: &[u8],
    normalized: &Normalized,
) -> Option<crate::checks::bounce::BounceReport> {
    // The text as carried (its line ends made LF, damage undone), with each line's line in the
    // paste; else the paste itself.
    let (text, pasted): (std::borrow::Cow<'_, str>, Option<&[u32]>) = match &normalized.carried {
        Some(c) => (c.text.as_str().into(), Some(c.lines.as_slice())),
        None => (String::from_utf8_lossy(input), None),
    };
    // A forward quoted whole, once or more ("> ", "> > "): each line read without as many
    // quote levels as the banner's or the summary's own line has.
    let unquoted = input::strip_quotes;
    let depth = |line: &str| input::quote_depth(line).0;
    let raw: Vec<&str> = text.lines().collect();
    let limit = raw.len().min(input::MAX_PREAMBLE);
    // The summary's first line, where it ends and its quote depth: under a forward's banner,
    // or a mail program's summary on its own (Outlook's From, Sent, To, Subject). The last
    // such summary: a notice forwarded again ("Fw: Failure Notice" above the notice's own
    // "From: MAILER-DAEMON") is read from its innermost forward, the notice's own.
    // A summary whose From is a person's ("From: Tom <tom@...>" above "Subject: Order ...
    // delivery w/c 7 Dec") is the returned message's own, which Gmail's notice shows under a
    // second banner: the notice's summary is the one whose From is a report's too (a daemon,
    // a postmaster, a system mailbox). Only when no summary is such a report's is the last one
    // with a report's field taken (a person's automatic reply, forwarded).
    let summary_at =
        |strict: bool| {
            (0..limit).rev().find_map(|i| {
                let levels = depth(raw[i]);
                let lines: Vec<&str> = raw[i..raw.len().min(i + 16)]
                    .iter()
                    .map(|l| unquoted(l, levels))
                    .collect();
                // A summary starts where the line above it is no field of its own (the summary read
                // from its second line on would lose its first, the From).
                let above_is_field = i > 0 && {
                    let above = unquoted(raw[i - 1], levels).trim_start();
                    above
                        .split_once(':')
                        .is_some_and(|(name, _)| !name.is_empty() && !name.trim().contains(' '))
                };
                let (from, end) = match input::forward_banner_at(&lines, 0) {
                    Some(end) => (1, end),
                    None if !above_is_field => (0, input::program_summary_at(&lines, 0)?),
                    None => return None,
                };
                let summary = lines.get(from..end)?;
                let person = summary.iter().any(|line| {
                    let line = line.trim_start();
                    input::summary_key(line) == Some("from")
                        && line
                            .split_once(input::LABEL_COLONS)
                            .is_some_and(|(_, value)| {
                                !crate::checks::bounce::is_report_field("from", value.trim())
                            })
                });
                (summary.iter().any(|line| report_field_line(line)) && !(strict && person))
                    .then_some((i + from, levels, end - from))
            })
        };
    let (start, levels, len) = summary_at(true).or_else(|| summary_at(false))?;
    let mut notice = String::new();
    for (n, line) in raw.iter().skip(start).enumerate() {
        let line = unquoted(line, levels);
        // A localized summary's keys are written as the fields they stand for ("Von:" as
        // "From:", "Betreff:" as "Subject:"), so that the notice's header reads as one.
        let field = (n < len)
            .then(|| input::summary_key(line.trim_start()))
            .flatten()
            .and_then(|f| {
                Some(match f {
                    "from" => "From",
                    "to" => "To",
                    "cc" => "Cc",
                    "bcc" => "Bcc",
                    "subject" => "Subject",
                    "date" | "sent" => "Date",
                    _ => return None,
                })
            });
        match (field, line.split_once(input::LABEL_COLONS)) {
            (Some(name), Some((_, value))) => {
                notice.push_str(name);
                notice.push(':');
                notice.push_str(value);
            }
            _ => notice.push_str(line),
        }
        notice.push('\n');
    }
    let mut b = crate::checks::bounce::analyze(notice.as_bytes());
    if b.kind == crate::checks::bounce::BounceKind::NotBounce {
        return None;
    }
    if let Some(o) = b.original.as_mut() {
        let i = o.line + start - 1;
        o.line = match pasted {
            Some(p) => p.get(i).map_or(o.line, |&l| l as usize),
            None => i + 1,
        };
    }
    Some(b)
}

/// Whether a summary line ("From: Mail Delivery Subsystem <...>") is a field that marks a
/// report (`checks::bounce::is_report_field`).
fn report_field_line(line: &str) -> bool {
    // A quoted summary's lines keep their quote marks in a note ("> From: ...").
    let line = line.trim_start().trim_start_matches(['>', ' ', '\t']);
    // A localized summary's key stands for its field ("Da:" is From, "Oggetto:" Subject).
    let summary = input::summary_key(line);
    line.split_once(input::LABEL_COLONS)
        .is_some_and(|(name, value)| {
            let name = summary.unwrap_or_else(|| name.trim());
            !name.contains(' ') && crate::checks::bounce::is_report_field(name, value.trim())
        })
}

/// Whether the header read is a report's (a null Return-Path, a daemon's From, a report's
/// Subject or Content-Type), with at least three fields.
fn header_is_report(normalized: &Normalized) -> bool {
    normalized.fields.len() >= 3
        && !dsn_fields_only(normalized)
        && crate::checks::bounce::may_be_report(
            normalized
                .fields
                .iter()
                .map(|f| (f.name.as_str(), f.value.as_str())),
        )
}

/// Whether every field read as the header is a delivery status notification's (RFC 3464
/// sections 2.2 and 2.3: Reporting-MTA, Arrival-Date, Final-Recipient, Action, Status,
/// Diagnostic-Code, ...; Postfix adds X-Postfix-Queue-ID and X-Postfix-Sender): the block of a
/// report's fields pasted below its words, not a message's header, so the report is read from
/// its words above.
fn dsn_fields_only(normalized: &Normalized) -> bool {
    use crate::checks::bounce::DSN_FIELDS as DSN;
    !normalized.fields.is_empty()
        && normalized.fields.iter().all(|f| {
            let n = f.name.to_ascii_lowercase();
            DSN.contains(&n.as_str()) || n.starts_with("x-postfix-")
        })
}

/// The relay a receiving SpamAssassin found on an IP blocklist, when the paste holds no
/// Received line that names an address (only the filter's fields were pasted): SpamAssassin's
/// DNS blocklist rules look up the relays of the Received chain and log each hit as
/// "[<ip> listed in <zone>]" after the rule's description in its report (Mail::SpamAssassin::Dns,
/// the test log of a DNSBL hit); the RCVD_IN_* rules are those about the relays ("Received via
/// a relay in ...", Mail::SpamAssassin rules 20_dnsbl_tests.cf).
/// The client a Received-SPF field recorded, for a paste without a Received line that names
/// one: its `client-ip=` key (RFC 7208 section 9.1), else the IP its comment says the domain
/// does or does not designate ("domain of a@example.com designates 192.0.2.1 as permitted
/// sender", RFC 7208 9.1's example and the form Google and Yahoo write). The topmost field: the
/// one the receiver wrote last.
fn recorded_spf_client(spf: &[crate::parse::recorded::ReceivedSpf]) -> Option<SendingIp> {
    let first = spf.first()?;
    let ip = first
        .key("client-ip")
        .and_then(|v| v.trim().parse::<IpAddr>().ok())
        .or_else(|| {
            let comment = first.comment.as_deref()?;
            let words: Vec<&str> = comment.split_whitespace().collect();
            words.windows(3).find_map(|w| {
                (w[0].eq_ignore_ascii_case("designates") || w[0].eq_ignore_ascii_case("designate"))
                    .then(|| {
                        w[1].trim_matches(['(', ')', '[', ']', ',', ';'])
                            .parse()
                            .ok()
                    })
                    .flatten()
                    .filter(|_| w[2].eq_ignore_ascii_case("as"))
            })
        })
        .filter(|ip| crate::vocab::ip::classify(*ip).can_be_sender())?;
    Some(SendingIp {
        ip,
        hop: 0,
        reason: "the client the receiver's Received-SPF field recorded: the paste has no Received line that names it".into(),
    })
}

fn filter_listed_relay(spam: &[crate::checks::spam::SpamVerdict]) -> Option<SendingIp> {
    spam.iter()
        .flat_map(|v| v.items.iter())
        .filter(|i| i.code.starts_with("RCVD_IN_"))
        .filter_map(|i| i.value.as_deref())
        .find_map(|desc| {
            let (_, rest) = desc.split_once('[')?;
            let (ip, rest) = rest.split_once(' ')?;
            rest.starts_with("listed in ").then_some(())?;
            let ip: IpAddr = ip.parse().ok()?;
            Some(SendingIp {
                ip,
                hop: 0,
                reason: "the relay the receiving spam filter found on a blocklist (its report's \"listed in\" note): the paste has no Received line that names it".into(),
            })
        })
}
