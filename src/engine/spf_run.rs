//! "Would this IP pass SPF for this sender?": one SPF evaluation (RFC 7208 section 4,
//! `check_host()`) run on its own as a [`Session`], with the record's problems and what
//! receivers would do with the result. The page's SPF question runs it; `mailtrace spf` prints
//! the same evaluation and trace.

use crate::checks::spf::{self, PolicyRow, SpfInput, SpfLint, SpfOutcome};
use crate::dns::{Answer, Answers, DnsError, DnsExchange, Query, QueryId, Step};
use crate::engine::lookups::{CheckRun, Session};
use core::net::IpAddr;
use serde::{Deserialize, Serialize};

/// The answer to the SPF question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpfAnswer {
    /// The connecting IP asked about.
    pub ip: String,
    /// The MAIL FROM address checked (`postmaster@` the domain when a domain was given).
    pub mail_from: String,
    /// False while lookups are pending.
    pub complete: bool,
    /// The evaluation with its trace (None while it waits for its first answers).
    pub outcome: Option<SpfOutcome>,
    /// Problems with the record and the records it reaches.
    pub lint: Vec<SpfLint>,
    /// What receivers would do with the result.
    pub receiver_policy: Vec<PolicyRow>,
    /// Every DNS question asked and what came back.
    pub dns: Vec<DnsExchange>,
}

type Eval = Box<dyn Fn(&dyn Answers) -> Step<SpfOutcome>>;

/// The SPF question as a sans-IO run.
pub struct SpfRun {
    ip: IpAddr,
    mail_from: String,
    run: CheckRun<SpfOutcome, Eval>,
}

impl core::fmt::Debug for SpfRun {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SpfRun")
            .field("ip", &self.ip)
            .field("mail_from", &self.mail_from)
            .finish_non_exhaustive()
    }
}

/// The MAIL FROM address for what the agent typed: an address as it is, a domain (or an
/// address without a local part) as `postmaster@` the domain (RFC 7208 section 2.4). None when
/// it names no domain.
pub fn mail_from_of(sender: &str) -> Option<String> {
    let sender = sender
        .trim()
        .trim_start_matches("mailto:")
        .trim_matches(|c| c == '<' || c == '>');
    let (local, domain) = match sender.rsplit_once('@') {
        Some((local, domain)) => (local, domain),
        None => ("", sender),
    };
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    if domain.is_empty()
        || domain.len() > 253
        || !domain.contains('.')
        || !domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return None;
    }
    let local = if local.is_empty() {
        "postmaster"
    } else {
        local
    };
    Some(format!("{local}@{domain}"))
}

impl SpfRun {
    /// The question for `ip` and `mail_from` (an address), evaluated as of `now_ms`.
    pub fn new(ip: IpAddr, mail_from: &str, now_ms: i64, options: &crate::Options) -> SpfRun {
        let input = SpfInput {
            ip,
            mail_from: mail_from.to_string(),
            helo: String::new(),
            receiver: "mailtrace".into(),
            now_s: now_ms.div_euclid(1000),
        };
        let eval: Eval = Box::new(move |answers: &dyn Answers| spf::check_host(&input, answers));
        SpfRun {
            ip,
            mail_from: mail_from.to_string(),
            run: CheckRun::new(eval, options.max_queries, options.query_timeout_ms),
        }
    }
}

/// The answer from an outcome (None while pending) and the DNS evidence.
fn answer(
    ip: IpAddr,
    mail_from: &str,
    outcome: Option<SpfOutcome>,
    dns: Vec<DnsExchange>,
) -> SpfAnswer {
    let lint = outcome.as_ref().map(spf::lint_all).unwrap_or_default();
    let receiver_policy = outcome
        .as_ref()
        .map(|o| spf::receiver_policy(o.result))
        .unwrap_or_default();
    SpfAnswer {
        ip: ip.to_string(),
        mail_from: mail_from.to_string(),
        complete: outcome.is_some(),
        outcome,
        lint,
        receiver_policy,
        dns,
    }
}

impl Session for SpfRun {
    type Output = SpfAnswer;

    fn poll_queries(&mut self) -> Vec<Query> {
        self.run.poll_queries()
    }

    fn handle_answer(&mut self, id: QueryId, outcome: Result<Answer, DnsError>) {
        self.run.handle_answer(id, outcome);
    }

    fn snapshot(&self) -> SpfAnswer {
        let out = self.run.snapshot();
        answer(self.ip, &self.mail_from, out.result, out.dns)
    }

    fn finish(self) -> SpfAnswer {
        let out = self.run.finish();
        let mut done = answer(self.ip, &self.mail_from, out.result, out.dns);
        done.complete = true;
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::zone::MemoryResolver;

    #[test]
    fn mail_from_of_what_an_agent_types() {
        assert_eq!(
            mail_from_of("ann@Sender.Example").as_deref(),
            Some("ann@sender.example")
        );
        assert_eq!(
            mail_from_of("sender.example.").as_deref(),
            Some("postmaster@sender.example")
        );
        assert_eq!(
            mail_from_of("<bounce@mail.example>").as_deref(),
            Some("bounce@mail.example")
        );
        assert_eq!(
            mail_from_of("@sender.example").as_deref(),
            Some("postmaster@sender.example")
        );
        assert_eq!(mail_from_of("localhost"), None);
        assert_eq!(mail_from_of(""), None);
        assert_eq!(mail_from_of("a b.example"), None);
        assert_eq!(mail_from_of("https://sender.example/"), None);
    }

    #[test]
    fn the_question_runs_to_an_answer_with_its_trace() {
        let zone = MemoryResolver::from_zone(
            "sender.example. 300 IN TXT \"v=spf1 ip4:203.0.113.0/24 include:_spf.sender.example -all\"\n\
             _spf.sender.example. 300 IN TXT \"v=spf1 ip4:198.51.100.0/24 ~all\"\n",
        )
        .expect("zone");
        let options = crate::Options::default();
        let ip: IpAddr = "198.51.100.7".parse().expect("ip");
        let answer = crate::run_with(SpfRun::new(ip, "ann@sender.example", 0, &options), &zone);
        assert!(answer.complete);
        let o = answer.outcome.expect("an outcome");
        assert_eq!(o.result, spf::SpfResult::Pass);
        assert!(o.trace.iter().any(|s| s.domain == "_spf.sender.example"));
        assert!(!answer.receiver_policy.is_empty());
        assert_eq!(answer.dns.len(), 2);
    }
}
