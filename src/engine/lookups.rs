//! The table of DNS questions one analysis (or one domain check) asks: each question goes out
//! once, however many checks need it; the number of questions is capped; and what has arrived is
//! the [`Answers`] view the checks are evaluated against. Signature verifications the checks ask
//! for ([`crate::dns::verify`]) are kept beside the questions the same way: each goes out once,
//! and their verdicts are part of the same view.

use crate::dns::verify::{SignatureCheck, Verdict, VerifyId, VerifyRequest};
use crate::dns::{Answer, Answers, DnsError, Query, QueryId, Question};
use crate::dns::{DnsExchange, ExchangeStatus};
use std::collections::HashMap;

/// Where one question stands.
#[derive(Debug, Clone)]
pub enum LookupState {
    /// Wanted, not yet handed out.
    Wanted,
    /// Handed out to the driver, not yet answered.
    InFlight,
    /// Answered (or failed, or never sent: over the budget, or stopped).
    Done(Result<Answer, DnsError>),
}

#[derive(Debug, Clone)]
struct Lookup {
    question: Question,
    state: LookupState,
}

/// Signature verifications one run may ask for at most (DKIM signatures and ARC sets are
/// bounded far below this); beyond it a verification is answered "not verified".
pub const MAX_VERIFICATIONS: usize = 128;

/// Where one verification stands: None wanted or in flight (`handed` tells), or its verdict.
#[derive(Debug, Clone)]
struct Verification {
    check: SignatureCheck,
    handed: bool,
    verdict: Option<Verdict>,
}

/// The questions of one run and their outcomes.
#[derive(Debug, Clone)]
pub struct LookupTable {
    live: bool,
    max_queries: usize,
    timeout_ms: u32,
    lookups: Vec<Lookup>,
    index: HashMap<Question, usize>,
    verifications: Vec<Verification>,
    over_budget: bool,
    stopping: bool,
}

impl LookupTable {
    /// A table that asks nothing when `live` is false, and at most `max_queries` questions.
    pub fn new(live: bool, max_queries: usize, timeout_ms: u32) -> LookupTable {
        LookupTable {
            live,
            max_queries,
            timeout_ms,
            lookups: Vec::new(),
            index: HashMap::new(),
            verifications: Vec::new(),
            over_budget: false,
            stopping: false,
        }
    }

    /// Whether lookups are on.
    pub fn live(&self) -> bool {
        self.live
    }

    /// Asks for a question (once). Over the budget it is recorded as not sent
    /// ([`DnsError::Budget`]), and after [`LookupTable::stop`] as stopped, so that a check
    /// waiting on it can finish.
    pub fn want(&mut self, question: Question) {
        if !self.live || self.index.contains_key(&question) {
            return;
        }
        let state = if self.stopping {
            LookupState::Done(Err(DnsError::Stopped))
        } else if self.lookups.len() >= self.max_queries {
            self.over_budget = true;
            if self.lookups.len() >= self.max_queries * 2 {
                // Even the record of unsent questions is bounded.
                return;
            }
            LookupState::Done(Err(DnsError::Budget))
        } else {
            LookupState::Wanted
        };
        self.index.insert(question.clone(), self.lookups.len());
        self.lookups.push(Lookup { question, state });
    }

    /// Asks for every question not asked yet. True when one of them was settled at once (over
    /// the budget, or after a stop): the checks that wanted it can go on, so evaluate them again.
    pub fn want_all(&mut self, questions: impl IntoIterator<Item = Question>) -> bool {
        let mut settled = false;
        for question in questions {
            if self.state(&question).is_none() {
                self.want(question.clone());
                settled |= matches!(self.state(&question), Some(LookupState::Done(_)));
            }
        }
        settled
    }

    /// Asks for every verification not asked yet. True when one of them was settled at once
    /// (after a stop, or over [`MAX_VERIFICATIONS`]): evaluate the checks again.
    pub fn want_verified(&mut self, checks: Vec<SignatureCheck>) -> bool {
        let mut settled = false;
        for check in checks {
            if self.verifications.iter().any(|v| v.check == check) {
                continue;
            }
            let verdict = if self.stopping {
                Some(Verdict::Stopped)
            } else if self.verifications.len() >= MAX_VERIFICATIONS {
                Some(Verdict::Unsupported)
            } else {
                None
            };
            settled |= verdict.is_some();
            if self.verifications.len() < MAX_VERIFICATIONS * 2 {
                self.verifications.push(Verification {
                    check,
                    handed: false,
                    verdict,
                });
            }
        }
        settled
    }

    /// Every wanted verification, now marked in flight.
    pub fn poll_verifications(&mut self) -> Vec<VerifyRequest> {
        let mut out = Vec::new();
        for (i, v) in self.verifications.iter_mut().enumerate() {
            if !v.handed && v.verdict.is_none() {
                v.handed = true;
                out.push(VerifyRequest {
                    id: VerifyId(i as u32),
                    check: v.check.clone(),
                });
            }
        }
        out
    }

    /// Records a verdict. False for an unknown id or a verification not in flight.
    pub fn record_verdict(&mut self, id: VerifyId, verdict: Verdict) -> bool {
        match self.verifications.get_mut(id.0 as usize) {
            Some(v) if v.handed && v.verdict.is_none() => {
                v.verdict = Some(verdict);
                true
            }
            _ => false,
        }
    }

    /// Where a question stands; None if it was never asked.
    pub fn state(&self, question: &Question) -> Option<&LookupState> {
        self.index.get(question).map(|&i| &self.lookups[i].state)
    }

    /// Every wanted question, now marked in flight.
    pub fn poll_queries(&mut self) -> Vec<Query> {
        let timeout_ms = self.timeout_ms;
        let mut out = Vec::new();
        for (i, lookup) in self.lookups.iter_mut().enumerate() {
            if matches!(lookup.state, LookupState::Wanted) {
                lookup.state = LookupState::InFlight;
                out.push(Query {
                    id: QueryId(i as u32),
                    question: lookup.question.clone(),
                    timeout_ms,
                });
            }
        }
        out
    }

    /// One wanted question, now marked in flight.
    pub fn poll_query(&mut self) -> Option<Query> {
        let i = self
            .lookups
            .iter()
            .position(|l| matches!(l.state, LookupState::Wanted))?;
        self.lookups[i].state = LookupState::InFlight;
        Some(Query {
            id: QueryId(i as u32),
            question: self.lookups[i].question.clone(),
            timeout_ms: self.timeout_ms,
        })
    }

    /// Records an outcome. False for an unknown id or a question not in flight.
    pub fn answer(&mut self, id: QueryId, outcome: Result<Answer, DnsError>) -> bool {
        match self.lookups.get_mut(id.0 as usize) {
            Some(lookup) if matches!(lookup.state, LookupState::InFlight) => {
                lookup.state = LookupState::Done(outcome.map_err(scrub_error));
                true
            }
            _ => false,
        }
    }

    /// Whether every question and every verification is done.
    pub fn is_finished(&self) -> bool {
        self.lookups
            .iter()
            .all(|l| matches!(l.state, LookupState::Done(_)))
            && self.verifications.iter().all(|v| v.verdict.is_some())
    }

    /// Questions and verifications handed out and not yet answered.
    pub fn in_flight(&self) -> usize {
        self.lookups
            .iter()
            .filter(|l| matches!(l.state, LookupState::InFlight))
            .count()
            + self
                .verifications
                .iter()
                .filter(|v| v.handed && v.verdict.is_none())
                .count()
    }

    /// Marks every unanswered question stopped; questions wanted from now on are stopped too.
    pub fn stop(&mut self) {
        self.stopping = true;
        for lookup in &mut self.lookups {
            if !matches!(lookup.state, LookupState::Done(_)) {
                lookup.state = LookupState::Done(Err(DnsError::Stopped));
            }
        }
        for v in &mut self.verifications {
            v.verdict.get_or_insert(Verdict::Stopped);
        }
    }

    /// Whether a question was refused for the budget.
    pub fn over_budget(&self) -> bool {
        self.over_budget
    }

    /// How many questions the table holds.
    pub fn len(&self) -> usize {
        self.lookups.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.lookups.is_empty()
    }

    /// The DNS evidence: every question and its outcome, in the order asked.
    pub fn into_exchanges(self) -> Vec<DnsExchange> {
        self.lookups
            .into_iter()
            .map(|l| match l.state {
                LookupState::Done(Ok(answer)) => DnsExchange {
                    question: l.question,
                    status: ExchangeStatus::Answered,
                    answer: Some(answer),
                    error: None,
                },
                LookupState::Done(Err(error)) => DnsExchange {
                    question: l.question,
                    status: ExchangeStatus::Error,
                    answer: None,
                    error: Some(error),
                },
                _ => DnsExchange {
                    question: l.question,
                    status: ExchangeStatus::Pending,
                    answer: None,
                    error: None,
                },
            })
            .collect()
    }
}

/// A driver's error as it may enter a report: no URL (a DoH request URL carries the question,
/// and with it a Spamhaus DQS key, base64-encoded; an endpoint may carry credentials), no
/// control characters, bounded. This is the one place where driver errors enter the report.
fn scrub_error(error: DnsError) -> DnsError {
    let clean = |text: String| {
        let mut out = String::new();
        for word in text.split(' ') {
            if !out.is_empty() {
                out.push(' ');
            }
            let lower = word.to_ascii_lowercase();
            if lower.contains("://") || lower.contains("dns=") || lower.contains('@') {
                out.push_str("[URL]");
            } else {
                out.extend(word.chars().filter(|c| !c.is_control()));
            }
        }
        crate::vocab::text::clip_ellipsis(&out, 200)
    };
    match error {
        DnsError::Network(text) => DnsError::Network(clean(text)),
        DnsError::Malformed(text) => DnsError::Malformed(clean(text)),
        other => other,
    }
}

/// Replaces a secret (a Spamhaus DQS key) in the questions of the DNS evidence with `KEY`, so
/// that a report that is exported, shared or printed never carries it.
pub fn mask_secret(exchanges: &mut [DnsExchange], secret: Option<&str>) {
    let Some(secret) = secret.map(str::trim).filter(|s| !s.is_empty()) else {
        return;
    };
    let secret = secret.to_ascii_lowercase();
    for e in exchanges {
        if e.question.name.contains(&secret) {
            e.question.name = e.question.name.replace(&secret, "KEY");
        }
        if let Some(answer) = &mut e.answer {
            for r in &mut answer.records {
                if r.name.contains(&secret) {
                    r.name = r.name.replace(&secret, "KEY");
                }
            }
        }
    }
}

impl Answers for LookupTable {
    fn outcome(&self, question: &Question) -> Option<&Result<Answer, DnsError>> {
        match self.state(question)? {
            LookupState::Done(outcome) => Some(outcome),
            _ => None,
        }
    }

    fn verdict(&self, check: &SignatureCheck) -> Option<Verdict> {
        self.verifications
            .iter()
            .find(|v| v.check == *check)
            .and_then(|v| v.verdict)
    }
}

/// A sans-IO run that a driver can take to the end: hand out queries, take answers back,
/// finish. Implemented by [`crate::Analysis`], the domain check and [`CheckRun`]; the drivers
/// (threads natively, `fetch` in the browser, memory in tests) are written once against it.
pub trait Session {
    /// What the run finishes into.
    type Output;
    /// Every query ready to be sent now.
    fn poll_queries(&mut self) -> Vec<Query>;
    /// Takes the outcome of a query.
    fn handle_answer(&mut self, id: QueryId, outcome: Result<Answer, DnsError>);
    /// Every signature verification ready to be done now (none for runs that verify nothing).
    fn poll_verifications(&mut self) -> Vec<VerifyRequest> {
        Vec::new()
    }
    /// Takes the verdict on a verification.
    fn handle_verdict(&mut self, _id: VerifyId, _verdict: Verdict) {}
    /// The result as it stands (unanswered questions shown as pending).
    fn snapshot(&self) -> Self::Output;
    /// The final result; questions still unanswered count as stopped.
    fn finish(self) -> Self::Output;
}

/// One DNS-driven check run on its own (the CLI's `spf` and `dmarc` commands): the check is
/// evaluated again whenever answers arrive, and asks what it still needs.
pub struct CheckRun<T, F: Fn(&dyn Answers) -> crate::dns::Step<T>> {
    dns: LookupTable,
    eval: F,
    result: Option<T>,
}

/// What a [`CheckRun`] finishes into: the result (None while pending), and the DNS evidence.
#[derive(Debug, Clone)]
pub struct CheckOutput<T> {
    /// The check's result.
    pub result: Option<T>,
    /// Every question asked and what came back.
    pub dns: Vec<DnsExchange>,
}

impl<T: Clone, F: Fn(&dyn Answers) -> crate::dns::Step<T>> CheckRun<T, F> {
    /// A run of `eval` with at most `max_queries` questions.
    pub fn new(eval: F, max_queries: usize, timeout_ms: u32) -> Self {
        let mut run = CheckRun {
            dns: LookupTable::new(true, max_queries, timeout_ms),
            eval,
            result: None,
        };
        run.plan();
        run
    }

    fn plan(&mut self) {
        for _ in 0..64 {
            match (self.eval)(&self.dns) {
                crate::dns::Step::Done(result) => {
                    self.result = Some(result);
                    return;
                }
                crate::dns::Step::Need(questions) => {
                    if !self.dns.want_all(questions) {
                        return;
                    }
                }
                crate::dns::Step::Verify(checks) => {
                    if !self.dns.want_verified(checks) {
                        return;
                    }
                }
            }
        }
    }
}

impl<T: Clone, F: Fn(&dyn Answers) -> crate::dns::Step<T>> Session for CheckRun<T, F> {
    type Output = CheckOutput<T>;

    fn poll_queries(&mut self) -> Vec<Query> {
        self.dns.poll_queries()
    }

    fn handle_answer(&mut self, id: QueryId, outcome: Result<Answer, DnsError>) {
        if self.dns.answer(id, outcome) {
            self.plan();
        }
    }

    fn poll_verifications(&mut self) -> Vec<VerifyRequest> {
        self.dns.poll_verifications()
    }

    fn handle_verdict(&mut self, id: VerifyId, verdict: Verdict) {
        if self.dns.record_verdict(id, verdict) {
            self.plan();
        }
    }

    fn snapshot(&self) -> CheckOutput<T> {
        CheckOutput {
            result: self.result.clone(),
            dns: self.dns.clone().into_exchanges(),
        }
    }

    fn finish(mut self) -> CheckOutput<T> {
        self.dns.stop();
        self.plan();
        CheckOutput {
            result: self.result,
            dns: self.dns.into_exchanges(),
        }
    }
}
