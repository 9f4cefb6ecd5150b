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

use crate::dns::{Answer, DnsError, Query, QueryId, Question, RData, Rcode};
use crate::engine::lookups::{LookupState, LookupTable};
use crate::parse::date;
use crate::parse::input::{self, Field, Normalized};
use crate::parse::received;
use crate::report::*;
use crate::vocab::domain::org_domain;
use crate::vocab::finding::{Evidence, Finding, Severity};
use crate::vocab::ip::{self, IpClass};
use crate::vocab::text::shorten;
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
}

impl Default for Options {
    fn default() -> Self {
        Options {
            live: true,
            query_timeout_ms: 5_000,
            max_queries: 100,
            charset_decoder: None,
            blocklists: crate::checks::reputation::BlocklistConfig::default(),
        }
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
}

impl Analysis {
    /// Parses the input and plans the lookups. `now_ms` is the current time in milliseconds
    /// since the Unix epoch; the analysis never reads a clock.
    pub fn new(input: &[u8], now_ms: i64, options: Options) -> Analysis {
        let mut normalized = input::normalize(input);
        // The bounce reader runs only when the header fields say the paste could be one.
        let bounce = crate::checks::bounce::may_be_report(
            normalized
                .fields
                .iter()
                .map(|f| (f.name.as_str(), f.value.as_str())),
        )
        .then(|| crate::checks::bounce::analyze(input))
        .filter(|b| b.kind != crate::checks::bounce::BounceKind::NotBounce);
        // The bounce's own Received fields, before the analysis turns to the returned message.
        let outer: Vec<crate::interpret::bounce_ip::OuterHop> = if bounce.is_some() {
            normalized
                .fields
                .iter()
                .filter(|f| f.is("Received"))
                .map(|f| {
                    let r = received::parse(f.unfolded());
                    crate::interpret::bounce_ip::OuterHop {
                        names: [r.helo, r.rdns, r.from]
                            .into_iter()
                            .flatten()
                            .map(|n| n.to_ascii_lowercase())
                            .collect(),
                        ip: r.ip,
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
        let (live, max_queries, timeout_ms) =
            (options.live, options.max_queries, options.query_timeout_ms);
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
            dns: LookupTable::new(live, max_queries, timeout_ms),
            auth_inputs: crate::interpret::live::AuthInputs::default(),
            auth: crate::report::live::LiveAuth::default(),
            reputation: crate::report::live::Reputation::default(),
            bounce,
        };
        analysis.findings.extend(attached_note);
        analysis.read_input(&normalized);
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
            if let Some(body) = &normalized.body {
                for d in crate::checks::reputation::link_domains(body, 20) {
                    if !analysis.auth_inputs.listed_domains.contains(&d) {
                        analysis.auth_inputs.listed_domains.push(d);
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

    fn want(&mut self, question: Question) {
        self.dns.want(question);
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
            self.want(Question::reverse(sending.ip));
        }
        for _ in 0..64 {
            let (auth, mut need) = crate::interpret::live::evaluate(&self.auth_inputs, &self.dns);
            self.auth = auth;
            self.reputation = crate::interpret::live::evaluate_reputation(
                &self.auth_inputs,
                &self.dns,
                &mut need,
            );
            if !self.dns.want_all(need) {
                break;
            }
        }
    }

    /// The blocklists to ask: the options' choice, and Barracuda when a bounce names it (a
    /// list that is off by default because it answers registered resolvers only), unless the
    /// options leave it out.
    fn blocklists(&self) -> crate::checks::reputation::BlocklistConfig {
        let mut config = self.options.blocklists.clone();
        let named = self.bounce.iter().flat_map(|b| &b.recipients).any(|r| {
            r.blocklist
                .as_ref()
                .is_some_and(|l| l.name.starts_with("Barracuda"))
        });
        const BARRACUDA: &str = "b.barracudacentral.org";
        if named
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
            ),
            now_s: self.now_ms.div_euclid(1000),
            from_domain: self.sender.from_domain.clone(),
            blocklists: self.blocklists(),
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

    fn read_input(&mut self, normalized: &Normalized) {
        for note in &normalized.notes {
            let severity = match note.code {
                "input.binary" | "input.truncated" | "input.header-too-large" => Severity::Warning,
                _ => Severity::Info,
            };
            self.findings.push(Finding {
                code: note.code.to_string(),
                severity,
                title: note.message.clone(),
                detail: String::new(),
                evidence: note
                    .line
                    .map(|line| Evidence {
                        line: Some(line),
                        text: String::new(),
                    })
                    .into_iter()
                    .collect(),
            });
        }
        if normalized.fields.is_empty() {
            self.findings.push(Finding {
                code: "input.no-headers".into(),
                severity: Severity::Problem,
                title: "No e-mail header fields were found in the input.".into(),
                detail: "Paste the message's full headers (in Gmail: \"Show original\"; in Outlook: File > Properties > Internet headers) or the whole message source.".into(),
                evidence: Vec::new(),
            });
            return;
        }
        self.headers = normalized
            .fields
            .iter()
            .map(|f| {
                let value = f.unfolded();
                let decoded = crate::parse::rfc2047::decode(value, self.options.charset_decoder);
                HeaderEntry {
                    name: f.name.clone(),
                    decoded: (decoded != value).then(|| shorten(&decoded, MAX_VALUE)),
                    explanation: crate::parse::header_info::explain(&f.name).map(str::to_string),
                    value: shorten(value, MAX_VALUE),
                    line: f.line,
                }
            })
            .collect();
        self.read_summary(normalized);
        self.read_received(&normalized.fields);
        self.read_recorded_auth(&normalized.fields);
        self.read_other_records(&normalized.fields);
        let (facts, findings) = crate::checks::sender::check(
            normalized
                .fields
                .iter()
                .map(|f| (f.name.as_str(), f.value.as_str(), f.line)),
            self.now_ms,
            self.options.charset_decoder,
        );
        self.sender = facts;
        self.findings.extend(findings);
        self.spam = crate::checks::spam::read(
            normalized
                .fields
                .iter()
                .map(|f| (f.name.as_str(), f.unfolded(), f.line)),
        );
        for verdict in &self.spam {
            if verdict.is_spam == Some(true) {
                self.findings.push(Finding {
                    code: "spam.flagged".into(),
                    severity: Severity::Problem,
                    title: format!("{} marked this message as spam.", verdict.filter),
                    detail: verdict.summary.clone(),
                    evidence: vec![Evidence {
                        line: Some(verdict.line),
                        text: verdict.header.clone(),
                    }],
                });
            }
        }
    }

    /// The line at or below which the sender's side wrote everything: the Received field of
    /// the hop before the one where the message entered the recipient's systems. The receiving
    /// server's own fields sit above it (Gmail writes them just below its own Received field).
    fn boundary_line(&self) -> Option<u32> {
        self.sending_ip
            .as_ref()
            .and_then(|s| self.hops.iter().find(|h| h.number + 1 == s.hop))
            .map(|h| h.line)
    }

    /// Received-SPF, provider result headers and the ARC chain.
    fn read_other_records(&mut self, fields: &[Field]) {
        let boundary = self.boundary_line();
        let positioned = |line: u32| boundary.is_none_or(|b| line < b);
        for field in fields {
            let value = field.unfolded();
            if field.is("Received-SPF") {
                match crate::parse::recorded::parse_received_spf(value, field.line) {
                    Some(mut spf) => {
                        spf.trusted = positioned(field.line);
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

    /// Authentication-Results fields. Only those the recipient's own systems added can be
    /// believed (RFC 8601 section 5): a field whose authserv-id belongs to an organization that
    /// received the message, standing above the hop where the message entered it. Any field
    /// below that point, or with another id, may have been written by the sender.
    fn read_recorded_auth(&mut self, fields: &[Field]) {
        let receivers: Vec<String> = self
            .hops
            .iter()
            .filter(|h| h.internal || Some(h.number) == self.sending_ip.as_ref().map(|s| s.hop))
            .filter_map(|h| h.by.as_deref().and_then(org_domain))
            .collect();
        let boundary_line = self.boundary_line();
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
            } else if org.as_ref().is_some_and(|o| receivers.contains(o)) && above_entry {
                (
                    true,
                    format!(
                        "Written by {}, one of the receiving servers, after the message arrived.",
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
                for r in &parsed.results {
                    let bad = matches!(
                        r.result.as_str(),
                        "fail" | "softfail" | "permerror" | "temperror"
                    );
                    if bad && matches!(r.method.as_str(), "spf" | "dkim" | "dmarc") {
                        self.findings.push(Finding {
                            code: format!("recorded.{}-{}", r.method, r.result),
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
                            evidence: vec![evidence(field)],
                        });
                    }
                }
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

    fn read_summary(&mut self, normalized: &Normalized) {
        let field = |name: &str| normalized.fields.iter().find(|f| f.is(name));
        let platform = self.options.charset_decoder;
        let mailbox = |m: crate::parse::address::ParsedMailbox| Mailbox {
            name: m.name,
            address: m.address,
        };
        if let Some(f) = field("From") {
            self.message.from = crate::parse::address::first(&f.value, platform).map(mailbox);
        }
        if let Some(f) = field("To") {
            self.message.to = crate::parse::address::parse_list(&f.value, platform)
                .into_iter()
                .take(50)
                .map(mailbox)
                .collect();
        }
        self.message.message_id = field("Message-ID").map(|f| {
            let id = f.unfolded();
            shorten(
                id.trim().trim_start_matches('<').trim_end_matches('>'),
                1024,
            )
        });
        // Subject and display names are decoded here, with the platform's charset decoder
        // where there is one (the browser's TextDecoder in the wasm build).
        self.message.subject = field("Subject").map(|f| {
            shorten(
                crate::parse::rfc2047::decode(f.unfolded(), platform).trim(),
                MAX_VALUE,
            )
        });
        if let (Some(from), Some(f)) = (self.message.from.as_mut(), field("From")) {
            let raw = f.unfolded();
            if raw.contains("=?")
                && let Some(name) = raw_display_name(raw, from.address.as_deref())
            {
                from.name = Some(shorten(
                    &crate::parse::rfc2047::decode(&name, platform),
                    1024,
                ));
            }
        }
        // Only the Return-Path field itself: mail-parser's return_address() falls back to
        // From, which would pass the author off as the envelope sender.
        self.message.return_path = field("Return-Path").map(|f| {
            let value = f.unfolded();
            shorten(
                value.trim().trim_start_matches('<').trim_end_matches('>'),
                1024,
            )
        });
        if let Some(date_field) = field("Date") {
            let text = date_field.unfolded();
            self.message.date = Some(DateValue {
                epoch_ms: date::parse(text).map(|d| d.epoch_ms),
                text: shorten(text, 200),
            });
        }
    }

    fn read_received(&mut self, fields: &[Field]) {
        let received: Vec<&Field> = fields.iter().filter(|f| f.is("Received")).collect();
        if received.is_empty() {
            self.findings.push(Finding {
                code: "received.none".into(),
                severity: Severity::Info,
                title: "There are no Received headers.".into(),
                detail: "Without them the path of the message cannot be traced. Make sure the full headers were copied, not just From, To and Subject.".into(),
                evidence: Vec::new(),
            });
            return;
        }
        if received.len() > MAX_HOPS {
            self.findings.push(Finding {
                code: "received.too-many".into(),
                severity: Severity::Warning,
                title: format!(
                    "The message has {} Received headers; only the newest {MAX_HOPS} were analyzed.",
                    received.len()
                ),
                detail: "So many hops usually means a mail loop between two servers.".into(),
                evidence: Vec::new(),
            });
        }
        // Message order is newest first; hops are numbered from the oldest.
        let kept: Vec<&Field> = received.into_iter().take(MAX_HOPS).collect();
        let mut parsed: Vec<(&Field, received::Received)> = kept
            .iter()
            .map(|f| (*f, received::parse(&f.value)))
            .filter(|(_, r)| !r.local_note)
            .collect();
        parsed.reverse();

        let mut previous: Option<i64> = None;
        for (i, (field, r)) in parsed.iter().enumerate() {
            let timestamp = r.date.map(|d| d.epoch_ms);
            // A date without a time of day cannot measure a delay.
            let timed = r.date.filter(|d| d.has_time).map(|d| d.epoch_ms);
            let delay = match (previous, timed) {
                (Some(p), Some(t)) => Some(t - p),
                _ => None,
            };
            if timed.is_some() {
                previous = timed;
            }
            self.hops.push(Hop {
                number: i as u32 + 1,
                line: field.line,
                helo: r.helo.as_deref().map(|s| shorten(s, 255)),
                rdns: r.rdns.as_deref().map(|s| shorten(s, 255)),
                ip: r.ip,
                ip_class: r.ip.map(ip::classify),
                by: r.by_host.as_deref().map(|s| shorten(s, 255)),
                with: r.with.as_deref().map(|s| shorten(s, 255)),
                tls: r.tls.as_deref().map(|s| shorten(s, 255)),
                id: r.id.as_deref().map(|s| shorten(s, 255)),
                server_version: r.server_version.clone(),
                for_addr: r.for_addr.as_deref().map(|s| shorten(s, 320)),
                via: r.via.as_deref().map(|s| shorten(s, 255)),
                date_text: r.date_text.as_deref().map(|s| shorten(s, 200)),
                timestamp_ms: timestamp,
                delay_ms: delay,
                internal: false,
                authenticated: r.authenticated,
                encrypted: r.encrypted,
                raw: shorten(&input::collapse_space(field.unfolded()), 2048),
            });
            let empty = r.from.is_none() && r.by.is_none();
            if empty {
                self.findings.push(Finding {
                    code: "received.empty".into(),
                    severity: Severity::Info,
                    title: format!("Hop {} names neither a sending nor a receiving server.", i + 1),
                    detail: "The Received header is empty or damaged, so this step of the path cannot be traced.".into(),
                    evidence: vec![evidence(field)],
                });
            } else if let Some(d) = r.date.filter(|d| d.offset_minutes.is_none()) {
                self.findings.push(Finding {
                    code: "received.date-no-zone".into(),
                    severity: Severity::Info,
                    title: format!(
                        "Hop {}'s date has no time zone{}; it was read as UTC.",
                        i + 1,
                        if d.has_time { "" } else { " and no time of day" }
                    ),
                    detail: "If that server's clock is in another zone, the delays around this hop are off by whole hours.".into(),
                    evidence: vec![evidence(field)],
                });
            }
            if r.date.is_none() && !empty {
                self.findings.push(Finding {
                    code: "received.no-date".into(),
                    severity: Severity::Info,
                    title: format!("Hop {} has no readable date.", i + 1),
                    detail: "Its delay cannot be measured; the hops around it still can.".into(),
                    evidence: vec![evidence(field)],
                });
            }
            if r.may_be_forged {
                self.findings.push(Finding {
                    code: "received.may-be-forged".into(),
                    severity: Severity::Info,
                    title: format!("Hop {}: the receiving server noted the sender's name \"may be forged\".", i + 1),
                    detail: "The name the sending server gave did not match what its address resolves to. Common for misconfigured servers; receivers may distrust it.".into(),
                    evidence: vec![evidence(field)],
                });
            }
            if let Some(d) = delay
                && d < -1000
            {
                self.findings.push(Finding {
                    code: "received.clock-skew".into(),
                    severity: Severity::Warning,
                    title: format!(
                        "Hop {} is dated {} before the hop that handed the message to it.",
                        i + 1,
                        date::format_duration(-d)
                    ),
                    detail: "A server's clock is wrong, or its time zone is written wrongly. Delays around this hop are unreliable.".into(),
                    evidence: vec![evidence(field)],
                });
            }
        }
        let dated: Vec<i64> = parsed
            .iter()
            .filter_map(|(_, r)| r.date.filter(|d| d.has_time).map(|d| d.epoch_ms))
            .collect();
        if let (Some(first), Some(last)) = (dated.first(), dated.last())
            && dated.len() > 1
        {
            self.delivery_ms = Some(last - first);
        }
        self.find_sending_ip();
        if let Some(hop) = self.hops.iter().find(|h| h.authenticated) {
            let client = match (&hop.ip, &hop.helo) {
                (Some(ip), _) => ip.to_string(),
                (None, Some(helo)) => helo.clone(),
                _ => "an unknown address".to_string(),
            };
            self.findings.push(Finding {
                code: "received.authenticated-submission".into(),
                severity: Severity::Info,
                title: format!(
                    "Hop {}: a mail program logged in from {client} and handed the message to {}.",
                    hop.number,
                    hop.by.as_deref().unwrap_or("its mail server")
                ),
                detail: "This is where the sender's own device or application submitted the message to its provider with a username and password. That address is the sender's computer, phone or application server, not a mail relay.".into(),
                evidence: vec![Evidence {
                    line: Some(hop.line),
                    text: shorten(&format!("Received: {}", hop.raw), 300),
                }],
            });
        }
    }

    /// Walks the chain from the newest hop down. Hops whose sending host belongs to an
    /// organization that received the message (its domain was a receiving `by` host above)
    /// are the recipient's own; the first hop from outside, from an address that can be on the
    /// Internet, gives the sending IP.
    fn find_sending_ip(&mut self) {
        let mut inside: Vec<String> = Vec::new();
        let mut chosen: Option<(usize, &'static str)> = None;
        let mut last_public: Option<usize> = None;
        for index in (0..self.hops.len()).rev() {
            let hop = &self.hops[index];
            if let Some(by) = hop.by.as_deref().and_then(org_domain)
                && !inside.contains(&by)
            {
                inside.push(by);
            }
            let from_org = hop
                .rdns
                .as_deref()
                .or(hop.helo.as_deref())
                .and_then(org_domain);
            let public = hop.ip_class.is_some_and(IpClass::can_be_sender);
            if public {
                last_public = Some(index);
            }
            let internal = match &from_org {
                Some(org) => inside.contains(org),
                None => !public,
            };
            if internal {
                self.hops[index].internal = true;
                continue;
            }
            if public {
                chosen = Some((
                    index,
                    "the first hop from outside the receiving organization",
                ));
                break;
            }
        }
        if chosen.is_none() {
            chosen = last_public.map(|i| {
                (
                    i,
                    "the oldest public address in the chain; every hop looks internal",
                )
            });
        }
        // An authenticated submission is the sender's own device, never a relay: the sending
        // server is the first public address that carried the message on from there.
        if let Some((index, _)) = chosen
            && self.hops[index].authenticated
        {
            match (index + 1..self.hops.len())
                .find(|&i| self.hops[i].ip_class.is_some_and(IpClass::can_be_sender))
            {
                Some(relay) => {
                    chosen = Some((
                        relay,
                        "the first server to carry the message on from the sender's own login (an authenticated submission is the sender's device, not a relay)",
                    ));
                }
                None => {
                    chosen = Some((
                        index,
                        "the sender's own device, which logged in to submit the message; the message did not pass through any other public server",
                    ));
                }
            }
        }
        if let Some((index, reason)) = chosen {
            let hop = &self.hops[index];
            if let Some(ip) = hop.ip {
                self.sending_ip = Some(SendingIp {
                    ip,
                    hop: hop.number,
                    reason: reason.to_string(),
                });
            }
        } else {
            self.findings.push(Finding {
                code: "received.no-sending-ip".into(),
                severity: Severity::Info,
                title: "No public sending IP address was found in the Received chain.".into(),
                detail: "Every address in the chain is private or missing, so the sending server cannot be checked.".into(),
                evidence: Vec::new(),
            });
        }
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
        findings.sort_by_key(|f| f.severity);
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
        crate::engine::lookups::mask_secret(
            &mut report.dns,
            self.options.blocklists.spamhaus_dqs_key.as_deref(),
        );
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

/// The display name as written before `<address>` in a one-mailbox field, unquoted.
fn raw_display_name(raw: &str, address: Option<&str>) -> Option<String> {
    let address = address?;
    let at = raw.rfind(&format!("<{address}>"))?;
    let name = raw[..at].trim();
    let name = name
        .strip_prefix('"')
        .and_then(|n| n.strip_suffix('"'))
        .map(|n| n.replace("\\\"", "\"").replace("\\\\", "\\"))
        .unwrap_or_else(|| name.to_string());
    (!name.is_empty()).then_some(name)
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

fn evidence(field: &Field) -> Evidence {
    Evidence {
        line: Some(field.line),
        text: shorten(
            &format!(
                "{}: {}",
                field.name,
                input::collapse_space(field.unfolded())
            ),
            1024,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::zone::MemoryResolver;
    use crate::dns::{RecordType, Resolver};

    const SAMPLE: &str = "Received: from mx.example.net (mx.example.net [10.0.0.5])\n by inbox.example.net with LMTP id abc; Tue, 2 Jan 2024 10:00:05 +0000\nReceived: from mail.sender.example (mail.sender.example [203.0.113.5])\n by mx.example.net (Postfix) with ESMTPS id 4XYZ for <u@example.net>; Tue, 2 Jan 2024 10:00:02 +0000\nReceived: from [192.168.1.20] (unknown [198.51.100.77])\n by mail.sender.example with ESMTPSA id q1; Tue, 2 Jan 2024 09:59:58 +0000\nFrom: Ann <ann@sender.example>\nTo: u@example.net\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\nDate: Tue, 2 Jan 2024 09:59:57 +0000\nMessage-ID: <1@sender.example>\n\nbody\n";

    fn run(input: &str, resolver: &MemoryResolver, options: Options) -> (Report, usize) {
        let mut analysis = Analysis::new(input.as_bytes(), 1_704_189_600_000, options);
        let mut asked = 0;
        for _ in 0..100 {
            let queries = analysis.poll_queries();
            if queries.is_empty() {
                break;
            }
            for q in queries {
                asked += 1;
                let outcome = resolver.lookup(&q.question, q.timeout_ms);
                analysis.handle_answer(q.id, outcome);
            }
        }
        assert!(analysis.is_finished());
        (analysis.finish(), asked)
    }

    #[test]
    fn chain_summary_and_sending_ip() {
        let zone = MemoryResolver::from_zone("5.113.0.203.in-addr.arpa. PTR mail.sender.example.")
            .unwrap();
        let (report, asked) = run(SAMPLE, &zone, Options::default());
        assert_eq!(asked, report.dns.len(), "each question asked once");
        assert!(
            report
                .dns
                .iter()
                .any(|d| d.question.name == "5.113.0.203.in-addr.arpa")
        );
        assert_eq!(report.hops.len(), 3);
        assert_eq!(report.hops[0].ip, Some("198.51.100.77".parse().unwrap()));
        assert_eq!(report.hops[1].delay_ms, Some(4_000));
        assert_eq!(report.delivery_ms, Some(7_000));
        let sending = report.sending_ip.unwrap();
        assert_eq!(
            (sending.ip.to_string().as_str(), sending.hop),
            ("203.0.113.5", 2)
        );
        assert!(report.hops[2].internal && !report.hops[1].internal);
        let rdns = report.reverse_dns.unwrap();
        assert_eq!(
            (rdns.status, rdns.names),
            (LookupStatus::Found, vec!["mail.sender.example".to_string()])
        );
        assert_eq!(report.message.subject.as_deref(), Some("Grüße"));
        assert_eq!(
            report.message.from.unwrap().address.as_deref(),
            Some("ann@sender.example")
        );
        assert_eq!(
            report.message.date.unwrap().epoch_ms,
            Some(1_704_189_597_000)
        );
        assert!(
            report
                .dns
                .iter()
                .all(|d| d.status == crate::dns::ExchangeStatus::Answered)
        );
    }

    #[test]
    fn failures_are_could_not_check_never_fail() {
        let mut zone = MemoryResolver::new();
        zone.set(
            Question::new("5.113.0.203.in-addr.arpa", RecordType::Ptr),
            Err(DnsError::Timeout),
        );
        let (report, _) = run(SAMPLE, &zone, Options::default());
        let rdns = report.reverse_dns.unwrap();
        assert_eq!(rdns.status, LookupStatus::Temperror);
        assert!(report.findings.iter().any(|f| f.code == "rdns.temperror"));
        assert!(!report.findings.iter().any(|f| f.code == "rdns.missing"));

        let mut servfail = MemoryResolver::new();
        servfail.set(
            Question::new("5.113.0.203.in-addr.arpa", RecordType::Ptr),
            Ok(Answer {
                rcode: Rcode::ServFail,
                records: vec![],
            }),
        );
        let (report, _) = run(SAMPLE, &servfail, Options::default());
        assert_eq!(report.reverse_dns.unwrap().status, LookupStatus::Temperror);
    }

    #[test]
    fn missing_ptr_is_a_finding() {
        let (report, _) = run(SAMPLE, &MemoryResolver::new(), Options::default());
        assert_eq!(report.reverse_dns.unwrap().status, LookupStatus::None);
        assert!(report.findings.iter().any(|f| f.code == "rdns.missing"));
    }

    #[test]
    fn offline_asks_nothing_and_says_skipped() {
        let options = Options {
            live: false,
            ..Options::default()
        };
        let (report, asked) = run(SAMPLE, &MemoryResolver::new(), options);
        assert_eq!(asked, 0);
        assert_eq!(report.reverse_dns.unwrap().status, LookupStatus::Skipped);
        assert!(report.dns.is_empty());
    }

    #[test]
    fn snapshots_show_pending_and_unanswered_becomes_stopped() {
        let mut analysis = Analysis::new(SAMPLE.as_bytes(), 0, Options::default());
        let queries = analysis.poll_queries();
        assert!(
            queries
                .iter()
                .any(|q| q.question == Question::reverse("203.0.113.5".parse().unwrap()))
        );
        assert!(
            analysis.poll_queries().is_empty(),
            "a query is handed out once"
        );
        let snap = analysis.snapshot();
        assert!(!snap.complete);
        assert_eq!(snap.reverse_dns.unwrap().status, LookupStatus::Pending);
        let report = analysis.finish();
        assert!(report.complete);
        assert_eq!(report.reverse_dns.unwrap().status, LookupStatus::Temperror);
        assert_eq!(report.dns[0].error, Some(DnsError::Stopped));
    }

    #[test]
    fn stray_answers_are_ignored() {
        let mut analysis = Analysis::new(SAMPLE.as_bytes(), 0, Options::default());
        analysis.handle_answer(QueryId(99), Err(DnsError::Timeout));
        let q = analysis.poll_query().unwrap();
        analysis.handle_answer(q.id, Ok(Answer::nxdomain()));
        analysis.handle_answer(q.id, Err(DnsError::Timeout));
        let report = analysis.finish();
        assert_eq!(report.reverse_dns.unwrap().status, LookupStatus::None);
    }

    #[test]
    fn bad_input_gives_a_report() {
        let inputs: Vec<Vec<u8>> = vec![
            Vec::new(),
            vec![0xff; 1000],
            b"no colon anywhere".to_vec(),
            format!("Received: {}\n", "x".repeat(100_000)).into_bytes(),
            "Received: from a (b [192.0.2.1]) by c; Tue, 2 Jan 2024 10:00:00 +0000\n"
                .repeat(10_000)
                .into_bytes(),
        ];
        for input in inputs {
            let report = Analysis::new(&input, 0, Options::default()).finish();
            assert!(report.hops.len() <= MAX_HOPS);
            assert!(!report.findings.is_empty() || !report.hops.is_empty());
        }
        let empty = Analysis::new(b"", 0, Options::default()).finish();
        assert!(empty.findings.iter().any(|f| f.code == "input.no-headers"));
    }

    #[test]
    fn only_the_receivers_own_authentication_results_are_trusted() {
        let input = "Authentication-Results: mx.example.net; spf=fail smtp.mailfrom=ann@sender.example\n\
Authentication-Results: evil.example; dkim=pass header.d=sender.example\n\
Received: from mail.sender.example (mail.sender.example [203.0.113.5]) by mx.example.net with ESMTPS id 1; Tue, 2 Jan 2024 10:00:02 +0000\n\
Authentication-Results: mx.example.net; dmarc=pass header.from=sender.example\n\
Received: from [192.168.1.20] (unknown [198.51.100.77]) by mail.sender.example with ESMTPSA id 2; Tue, 2 Jan 2024 10:00:00 +0000\n\
Authentication-Results: mx.example.net; dkim=fail header.d=sender.example\n\
ARC-Authentication-Results: i=1; mx.example.net; spf=fail smtp.mailfrom=ann@sender.example\n";
        let report = Analysis::new(
            input.as_bytes(),
            0,
            Options {
                live: false,
                ..Options::default()
            },
        )
        .finish();
        let trust: Vec<(bool, Option<u32>)> = report
            .recorded_auth
            .iter()
            .map(|r| (r.trusted, r.arc_instance))
            .collect();
        // Above the sender's own Received: the receiver's (even just below its Received, as
        // Gmail writes it); a foreign authserv-id, or anything below that line: not trusted.
        assert_eq!(
            trust,
            [
                (true, None),
                (false, None),
                (true, None),
                (false, None),
                (false, Some(1))
            ]
        );
        assert_eq!(report.recorded_auth[0].parsed.results[0].result, "fail");
        let codes: Vec<&str> = report.findings.iter().map(|f| f.code.as_str()).collect();
        assert!(codes.contains(&"recorded.spf-fail"));
        assert!(
            !codes.contains(&"recorded.dkim-fail"),
            "a field the sender could have written makes no finding"
        );
    }

    #[test]
    fn received_spf_provider_results_and_arc_are_read() {
        let input = "X-HE-DKIM-Result: fail (body hash mismatch)\n\
Received-SPF: softfail (mx.example.net: 203.0.113.5 is not permitted) client-ip=203.0.113.5; envelope-from=ann@sender.example\n\
Received: from mail.sender.example (mail.sender.example [203.0.113.5]) by mx.example.net with ESMTPS id 1; Tue, 2 Jan 2024 10:00:02 +0000\n\
Received-SPF: pass (forged) client-ip=203.0.113.5\n\
Received: from [192.168.1.20] (unknown [198.51.100.77]) by mail.sender.example with ESMTPSA id 2; Tue, 2 Jan 2024 10:00:00 +0000\n\
ARC-Seal: i=1; a=rsa-sha256; cv=pass; d=sender.example; s=k; b=x\n";
        let report = Analysis::new(
            input.as_bytes(),
            0,
            Options {
                live: false,
                ..Options::default()
            },
        )
        .finish();
        let spf: Vec<(&str, bool)> = report
            .recorded_spf
            .iter()
            .map(|s| (s.result.as_str(), s.trusted))
            .collect();
        assert_eq!(
            spf,
            [("softfail", true), ("pass", true)],
            "both stand above the sender's own Received"
        );
        assert_eq!(report.recorded_spf[0].key("client-ip"), Some("203.0.113.5"));
        let he = &report.recorded_auth[0];
        assert_eq!(
            (
                he.field.as_str(),
                he.parsed.results[0].method.as_str(),
                he.parsed.results[0].result.as_str()
            ),
            ("X-HE-DKIM-Result", "dkim", "fail")
        );
        let codes: Vec<&str> = report.findings.iter().map(|f| f.code.as_str()).collect();
        assert!(codes.contains(&"recorded.received-spf-softfail"));
        assert!(
            codes.contains(&"arc.broken"),
            "cv=pass at i=1, no AMS, no AAR: {codes:?}"
        );
    }

    #[test]
    fn encoded_display_names_and_subjects_are_decoded() {
        let input = "From: =?ISO-8859-1?Q?Andr=E9?= Pirard <pirard@example.be>\nTo: \"=?utf-8?Q?A=C3=B1a?=\" <ana@example.net>\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= =?UTF-8?Q?_aus?= Wien\n";
        let report = Analysis::new(input.as_bytes(), 0, Options::default()).finish();
        assert_eq!(
            report.message.from.unwrap().name.as_deref(),
            Some("André Pirard")
        );
        assert_eq!(report.message.subject.as_deref(), Some("Grüße aus Wien"));
        assert_eq!(
            report.headers[0].decoded.as_deref(),
            Some("André Pirard <pirard@example.be>")
        );
        assert_eq!(
            report.headers[0].value,
            "=?ISO-8859-1?Q?Andr=E9?= Pirard <pirard@example.be>"
        );
    }
}
