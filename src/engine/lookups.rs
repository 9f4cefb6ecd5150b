//! The table of DNS questions one analysis (or one domain check) asks: each question goes out
//! once, however many checks need it; the number of questions is capped; and what has arrived is
//! the [`Answers`] view the checks are evaluated against. It is also the one place where DNS
//! questions, answers and driver errors enter a report, so secrets are masked here: a Spamhaus
//! DQS key becomes `KEY` in every name and error text, and a driver's error loses any URL (a
//! DoH request URL carries the question, and an endpoint can carry `user:pass@` or a query
//! string).

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

/// The questions of one run and their outcomes.
#[derive(Debug, Clone)]
pub struct LookupTable {
    live: bool,
    max_queries: usize,
    timeout_ms: u32,
    lookups: Vec<Lookup>,
    index: HashMap<Question, usize>,
    over_budget: bool,
    stopping: bool,
    /// A secret (a Spamhaus DQS key), lowercase, masked as `KEY` in everything given out.
    secret: Option<String>,
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
            over_budget: false,
            stopping: false,
            secret: None,
        }
    }

    /// The same table, masking `secret` (a Spamhaus DQS key) as `KEY` wherever a question, an
    /// answer or an error enters the report.
    pub fn with_secret(mut self, secret: Option<&str>) -> LookupTable {
        self.secret = secret
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_ascii_lowercase);
        self
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
                let secret = self.secret.as_deref();
                lookup.state = LookupState::Done(outcome.map_err(|e| scrub_error(e, secret)));
                true
            }
            _ => false,
        }
    }

    /// Whether every question is done.
    pub fn is_finished(&self) -> bool {
        self.lookups
            .iter()
            .all(|l| matches!(l.state, LookupState::Done(_)))
    }

    /// Questions handed out and not yet answered.
    pub fn in_flight(&self) -> usize {
        self.lookups
            .iter()
            .filter(|l| matches!(l.state, LookupState::InFlight))
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

    /// The DNS evidence: every question and its outcome, in the order asked, the secret
    /// masked.
    pub fn into_exchanges(self) -> Vec<DnsExchange> {
        let secret = self.secret;
        let mut exchanges: Vec<DnsExchange> = self
            .lookups
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
            .collect();
        mask_secret(&mut exchanges, secret.as_deref());
        exchanges
    }
}

/// A driver's error as it may enter a report: no URL (a DoH request URL carries the question,
/// and with it a Spamhaus DQS key, base64-encoded; an endpoint may carry credentials), no
/// control characters, no secret, bounded. This is the one place where driver errors enter
/// the report.
fn scrub_error(error: DnsError, secret: Option<&str>) -> DnsError {
    let clean = |text: String| {
        let text = match secret {
            Some(secret) => replace_ci(&text, secret, "KEY"),
            None => text,
        };
        let mut out = String::new();
        for word in text.split(' ') {
            if !out.is_empty() {
                out.push(' ');
            }
            let lower = word.to_ascii_lowercase();
            if lower.contains("://")
                || lower.contains("dns=")
                || lower.contains('@')
                || lower.contains('?')
            {
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

/// `text` with every occurrence of `needle` (lowercase ASCII) replaced, ignoring ASCII case.
fn replace_ci(text: &str, needle: &str, with: &str) -> String {
    if needle.is_empty() || !text.to_ascii_lowercase().contains(needle) {
        return text.to_string();
    }
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    for (at, _) in lower.match_indices(needle) {
        if at < rest {
            continue;
        }
        out.push_str(&text[rest..at]);
        out.push_str(with);
        rest = at + needle.len();
    }
    out.push_str(&text[rest..]);
    out
}

/// Replaces a secret (a Spamhaus DQS key) in the DNS evidence (question names, record names,
/// names in record data) with `KEY`, so that a report that is exported, shared or printed never
/// carries it.
fn mask_secret(exchanges: &mut [DnsExchange], secret: Option<&str>) {
    let Some(secret) = secret.filter(|s| !s.is_empty()) else {
        return;
    };
    let mask = |name: &mut String| {
        if name.to_ascii_lowercase().contains(secret) {
            *name = replace_ci(name, secret, "KEY");
        }
    };
    for e in exchanges {
        mask(&mut e.question.name);
        if let Some(answer) = &mut e.answer {
            for r in &mut answer.records {
                mask(&mut r.name);
                match &mut r.data {
                    crate::dns::RData::Ns(n)
                    | crate::dns::RData::Cname(n)
                    | crate::dns::RData::Ptr(n)
                    | crate::dns::RData::Mx { exchange: n, .. } => mask(n),
                    crate::dns::RData::Txt(strings) => strings.iter_mut().for_each(mask),
                    _ => {}
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::{RData, Record, RecordType};

    #[test]
    fn a_secret_is_masked_in_questions_answers_and_errors() {
        let mut table = LookupTable::new(true, 10, 1000).with_secret(Some(" TestKey0 "));
        let listed = Question::new("2.0.0.127.testkey0.zen.dq.spamhaus.net", RecordType::A);
        let failed = Question::new("x.testkey0.dbl.dq.spamhaus.net", RecordType::A);
        table.want(listed.clone());
        table.want(failed.clone());
        let queries = table.poll_queries();
        // The driver gets the real name.
        assert!(queries[0].question.name.contains("testkey0"));
        table.answer(
            queries[0].id,
            Ok(Answer::records(vec![Record {
                name: listed.name.clone(),
                ttl: 60,
                data: RData::Cname("alias.TESTKEY0.example".into()),
            }])),
        );
        table.answer(
            queries[1].id,
            Err(DnsError::Malformed(
                "the name \"x.TestKey0.dbl.dq.spamhaus.net\" is longer than 255 bytes; see https://user:pw@doh.example/dns-query?token=t0k&dns=AAAB"
                    .into(),
            )),
        );
        let exchanges = table.into_exchanges();
        let text = serde_json::to_string(&exchanges).unwrap();
        let lower = text.to_ascii_lowercase();
        for secret in ["testkey0", "user:pw", "t0k", "dns=aaab", "doh.example"] {
            assert!(!lower.contains(secret), "{secret} leaked: {text}");
        }
        assert_eq!(
            exchanges[0].question.name,
            "2.0.0.127.KEY.zen.dq.spamhaus.net"
        );
        assert!(text.contains("alias.KEY.example"), "{text}");
        assert!(text.contains("[URL]"), "{text}");
    }

    #[test]
    fn errors_lose_urls_and_controls_without_a_secret() {
        let scrubbed = scrub_error(
            DnsError::Network("error sending request for (http://a:b@h/q?dns=x)\u{1b}[2J".into()),
            None,
        );
        let DnsError::Network(text) = scrubbed else {
            panic!("kind changed")
        };
        assert_eq!(text, "error sending request for [URL]");
        assert_eq!(replace_ci("aKeYbkey", "key", "K"), "aKbK");
    }
}
