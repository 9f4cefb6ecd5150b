//! Evaluation: SPF and DKIM alignment with the From domain (RFC 7489 section 3.1; relaxed
//! alignment by organizational domain, section 3.2, or RFC 9989's tree walk), the DMARC result
//! (RFC 8601 section 2.7.1 words), and the policy that applies (RFC 7489 section 6.6.2 and 6.6.4:
//! `p`, `sp`, `pct`; RFC 9989: `np` for a From domain that does not exist, `t=y`'s step down).
//! Both RFCs are evaluated on the same answers and their differences listed.
//!
//! The existence check for `np` (A, AAAA, MX of the From domain) is a second round of
//! questions, asked only when it can change the outcome.

use super::DmarcMode;
use super::discovery::{
    DiscoveryStatus, OrgBasis, clean_domain, discover, org_basis, org_of, push_unique,
};
use super::explanation::{self, Alignment};
use super::record::{AlignmentMode, DmarcLint, DmarcRecord, Policy, lint, multiple_records};
use crate::dns::{Answers, Question, Rcode, RecordType, Step, normalize_name};
use crate::vocab::text::clip;
use serde::{Deserialize, Serialize};

/// DKIM signatures whose alignment is checked.
const MAX_DKIM: usize = 8;

/// An SPF result word (RFC 7208 section 2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SpfResultWord {
    /// The sending IP is allowed.
    Pass,
    /// The sending IP is not allowed.
    Fail,
    /// Probably not allowed (`~all`).
    Softfail,
    /// The domain makes no statement (`?all`).
    Neutral,
    /// No SPF record.
    None,
    /// A DNS error stopped the check.
    Temperror,
    /// The SPF record is broken.
    Permerror,
}

impl SpfResultWord {
    /// The word as written in headers.
    pub fn as_str(self) -> &'static str {
        match self {
            SpfResultWord::Pass => "pass",
            SpfResultWord::Fail => "fail",
            SpfResultWord::Softfail => "softfail",
            SpfResultWord::Neutral => "neutral",
            SpfResultWord::None => "none",
            SpfResultWord::Temperror => "temperror",
            SpfResultWord::Permerror => "permerror",
        }
    }

    /// Reads a result word in any case.
    pub fn parse(word: &str) -> Option<SpfResultWord> {
        [
            SpfResultWord::Pass,
            SpfResultWord::Fail,
            SpfResultWord::Softfail,
            SpfResultWord::Neutral,
            SpfResultWord::None,
            SpfResultWord::Temperror,
            SpfResultWord::Permerror,
        ]
        .into_iter()
        .find(|w| w.as_str().eq_ignore_ascii_case(word.trim()))
    }
}

/// What DMARC is evaluated on: the From domain and the already computed SPF and DKIM results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DmarcInput {
    /// The RFC 5322 From domain (an address's domain part; an `@` before it is allowed).
    pub from_domain: String,
    /// The SPF-checked domain (the MAIL FROM domain, or the HELO name when MAIL FROM was
    /// empty) and SPF's result for it.
    pub spf: Option<(String, SpfResultWord)>,
    /// Each DKIM signature's d= domain and whether it verified (at most 8 are checked).
    pub dkim: Vec<(String, bool)>,
    /// The specification followed for the main result.
    pub mode: DmarcMode,
}

/// DMARC's result (RFC 8601 section 2.7.1 words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DmarcResult {
    /// An aligned SPF or DKIM pass.
    Pass,
    /// A policy exists and nothing aligned passed.
    Fail,
    /// No usable DMARC policy.
    None,
    /// Could not check: a DNS lookup failed.
    Temperror,
    /// Could not check: the input cannot be evaluated (an invalid From domain).
    Permerror,
}

impl DmarcResult {
    /// The result word.
    pub fn as_str(self) -> &'static str {
        match self {
            DmarcResult::Pass => "pass",
            DmarcResult::Fail => "fail",
            DmarcResult::None => "none",
            DmarcResult::Temperror => "temperror",
            DmarcResult::Permerror => "permerror",
        }
    }
}

/// One authenticated identifier checked against the From domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AlignmentCheck {
    /// `spf` or `dkim`.
    pub identifier: String,
    /// The domain SPF checked, or the DKIM d= domain.
    pub domain: String,
    /// The alignment the policy asks for (relaxed when there is no policy).
    pub mode: AlignmentMode,
    /// Whether it is aligned; None when that could not be determined (a failed lookup, or a
    /// failed mechanism whose alignment was not looked up because it cannot make DMARC pass).
    pub aligned: Option<bool>,
    /// The identifier's organizational domain, when it was determined.
    pub org_domain: Option<String>,
    /// The SPF result word, or `pass`/`fail` for DKIM.
    pub result_of_mechanism: String,
    /// One plain sentence.
    pub explanation: String,
}

/// What a receiver following the RFC does with this message because of DMARC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Disposition {
    /// The action for this message (none when DMARC passed or no policy applies).
    pub action: Policy,
    /// With RFC 7489's pct below 100: the share of failing messages that get `action`.
    pub pct: Option<u8>,
    /// One or two plain sentences.
    pub explanation: String,
}

/// The full DMARC evaluation of one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DmarcOutcome {
    /// The specification followed.
    pub mode: DmarcMode,
    /// The From domain evaluated, lowercase.
    pub from_domain: String,
    /// pass, fail, none, temperror or permerror.
    pub result: DmarcResult,
    /// The domain whose `_dmarc` record was used.
    pub policy_domain: Option<String>,
    /// That record.
    pub record: Option<DmarcRecord>,
    /// The policy that applies to the From domain (after `t=y`'s step down).
    pub applied_policy: Option<Policy>,
    /// Which tag it came from: `p`, `sp` or `np`.
    pub policy_tag: Option<String>,
    /// What a receiver does with this message.
    pub disposition: Disposition,
    /// SPF first (when given), then each DKIM signature.
    pub alignment: Vec<AlignmentCheck>,
    /// The From domain's organizational domain.
    pub org_domain: Option<String>,
    /// Where `org_domain` came from.
    pub org_basis: OrgBasis,
    /// The `_dmarc` names consulted for the policy.
    pub consulted: Vec<String>,
    /// Findings about the record (and about multiple records).
    pub lint: Vec<DmarcLint>,
    /// Where RFC 7489 and RFC 9989 give different answers for this message.
    pub differences: Vec<String>,
    /// Two or three plain sentences for a support agent.
    pub summary: String,
}

/// What alignment checks share.
struct Ctx<'a> {
    from: &'a str,
    from_org: Option<&'a str>,
    basis: OrgBasis,
    answers: &'a dyn Answers,
}

/// Whether two clean domains share at least their last label (only then can they share an
/// organizational domain).
fn share_suffix(a: &str, b: &str) -> bool {
    a.rsplit('.').next() == b.rsplit('.').next()
}

/// Whether aligned, the identifier's organizational domain when looked up, and why.
type Aligned = (Option<bool>, Option<String>, String);

/// Alignment of one identifier. `passed` identifiers get their organizational domain looked up
/// (Need) when relaxed alignment depends on it; the others only when no lookup is needed.
fn align(
    ctx: &Ctx<'_>,
    identifier: &str,
    domain: &str,
    passed: bool,
    mode: AlignmentMode,
) -> Step<Aligned> {
    let (from, from_org, basis, answers) = (ctx.from, ctx.from_org, ctx.basis, ctx.answers);
    let words = |why| explanation::alignment(identifier, domain, from, why);
    let Some(id) = clean_domain(domain) else {
        return Step::Done((Some(false), None, words(Alignment::InvalidDomain)));
    };
    if id == from {
        return Step::Done((
            Some(true),
            ctx.from_org.map(str::to_string),
            words(Alignment::FromDomain),
        ));
    }
    if mode == AlignmentMode::Strict {
        return Step::Done((Some(false), None, words(Alignment::Strict)));
    }
    if !share_suffix(&id, from) {
        return Step::Done((Some(false), None, words(Alignment::OtherSuffix)));
    }
    if !passed {
        return Step::Done((None, None, words(Alignment::NotLookedUp)));
    }
    let id_org = match org_of(&id, basis, answers) {
        Step::Need(questions) => return Step::Need(questions),
        Step::Verify(checks) => return Step::Verify(checks),
        Step::Done(org) => org,
    };
    Step::Done(match (from_org, id_org) {
        (Some(a), Ok(b)) if a == b => (Some(true), Some(b.clone()), words(Alignment::SameOrg(a))),
        (Some(a), Ok(b)) => (
            Some(false),
            Some(b.clone()),
            words(Alignment::OtherOrg(&b, a)),
        ),
        (None, org) => (None, org.ok(), words(Alignment::NoFromOrg)),
        (_, Err(why)) => (None, None, words(Alignment::NoOrg(&why))),
    })
}

/// Whether the From domain exists (RFC 9989: an A, AAAA or MX record): Need, or Some(exists),
/// or None when a lookup failed and no record was found.
fn exists(domain: &str, answers: &dyn Answers) -> Step<Option<bool>> {
    let questions: Vec<Question> = [RecordType::A, RecordType::Aaaa, RecordType::Mx]
        .into_iter()
        .map(|t| Question::new(domain, t))
        .collect();
    let pending: Vec<Question> = questions
        .iter()
        .filter(|q| answers.outcome(q).is_none())
        .cloned()
        .collect();
    if !pending.is_empty() {
        return Step::Need(pending);
    }
    let mut failed = false;
    for q in &questions {
        match answers.outcome(q) {
            Some(Ok(answer)) if answer.rcode == Rcode::NoError => {
                if !answer.data_for(q).is_empty() {
                    return Step::Done(Some(true));
                }
            }
            Some(Ok(answer)) if answer.rcode == Rcode::NxDomain => {}
            _ => failed = true,
        }
    }
    Step::Done(if failed { None } else { Some(false) })
}

/// One step less strict: RFC 9989's t=y and RFC 7489's messages left out by pct.
pub(super) fn step_down(policy: Policy) -> Policy {
    match policy {
        Policy::Reject => Policy::Quarantine,
        _ => Policy::None,
    }
}

/// Evaluates DMARC in one mode (no differences).
fn evaluate_mode(input: &DmarcInput, mode: DmarcMode, answers: &dyn Answers) -> Step<DmarcOutcome> {
    let from_text = input.from_domain.rsplit('@').next().unwrap_or("");
    let discovery = discover(from_text, mode, answers);
    let basis = org_basis(mode);
    let from = clean_domain(from_text).unwrap_or_default();
    let mut need = Vec::new();
    // The identifiers' organizational domains are asked with discovery's names (relaxed
    // alignment is the default), so one round covers them.
    // Several signatures of one domain are one DKIM identifier (RFC 7489 section 4.2: any
    // passing, aligned signature is enough): it passed when one of them did.
    let mut dkim: Vec<(&str, bool)> = Vec::new();
    for (d, pass) in input.dkim.iter().take(MAX_DKIM) {
        match dkim.iter_mut().find(|(x, _)| x.eq_ignore_ascii_case(d)) {
            Some(seen) => seen.1 |= *pass,
            None => dkim.push((d.as_str(), *pass)),
        }
    }
    let ids: Vec<(&str, &str, bool, String)> = input
        .spf
        .iter()
        .map(|(d, w)| {
            (
                "spf",
                d.as_str(),
                *w == SpfResultWord::Pass,
                w.as_str().to_string(),
            )
        })
        .chain(dkim.into_iter().map(|(d, pass)| {
            let word = if pass { "pass" } else { "fail" };
            ("dkim", d, pass, word.to_string())
        }))
        .collect();
    let discovery = match discovery {
        Step::Need(questions) => {
            push_unique(&mut need, questions);
            None
        }
        Step::Verify(_) => None,
        Step::Done(d) => Some(d),
    };
    if !from.is_empty() {
        let ctx = Ctx {
            from: &from,
            from_org: Some(""),
            basis,
            answers,
        };
        for (identifier, domain, passed, _) in &ids {
            if let Step::Need(questions) =
                align(&ctx, identifier, domain, *passed, AlignmentMode::Relaxed)
            {
                push_unique(&mut need, questions);
            }
        }
    }
    let Some(discovery) = discovery.filter(|_| need.is_empty()) else {
        return Step::Need(need);
    };
    let record = discovery.record.clone();
    let ctx = Ctx {
        from: &from,
        from_org: discovery.org_domain.as_deref(),
        basis,
        answers,
    };
    let mut alignment = Vec::new();
    for (identifier, domain, passed, word) in &ids {
        let mode = record.as_ref().map_or(AlignmentMode::Relaxed, |r| {
            if *identifier == "dkim" {
                r.adkim
            } else {
                r.aspf
            }
        });
        let (aligned, org_domain, explanation) = if from.is_empty() {
            (None, None, explanation::from_unusable())
        } else {
            match align(&ctx, identifier, domain, *passed, mode) {
                Step::Done(done) => done,
                Step::Need(_) | Step::Verify(_) => (None, None, "Not determined.".to_string()),
            }
        };
        alignment.push(AlignmentCheck {
            identifier: identifier.to_string(),
            domain: normalize_name(clip(domain, 255)),
            mode,
            aligned,
            org_domain,
            result_of_mechanism: word.clone(),
            explanation,
        });
    }
    let checked = |a: &&AlignmentCheck| a.result_of_mechanism == "pass";
    let result = match discovery.status {
        DiscoveryStatus::InvalidDomain => DmarcResult::Permerror,
        DiscoveryStatus::TempError => DmarcResult::Temperror,
        DiscoveryStatus::NoRecord
        | DiscoveryStatus::MultipleRecords
        | DiscoveryStatus::NoPolicy => DmarcResult::None,
        DiscoveryStatus::Found => {
            if alignment
                .iter()
                .filter(checked)
                .any(|a| a.aligned == Some(true))
            {
                DmarcResult::Pass
            } else if alignment
                .iter()
                .filter(checked)
                .any(|a| a.aligned.is_none())
            {
                DmarcResult::Temperror
            } else {
                DmarcResult::Fail
            }
        }
    };
    let mut notes: Vec<String> = Vec::new();
    let mut applied = None;
    let mut tag = None;
    if let (DiscoveryStatus::Found, Some(r), Some(pd)) =
        (discovery.status, &record, &discovery.policy_domain)
    {
        if *pd == from {
            applied = r.policy();
            tag = Some("p");
        } else {
            applied = r.subdomain_policy();
            tag = Some(if r.sp.is_some() { "sp" } else { "p" });
            let np =
                r.np.filter(|np| Some(*np) != applied && mode == DmarcMode::Rfc9989);
            if let (Some(np), DmarcResult::Fail) = (np, result) {
                match exists(&from, answers) {
                    Step::Need(questions) => return Step::Need(questions),
                    Step::Verify(checks) => return Step::Verify(checks),
                    Step::Done(Some(true)) => {}
                    Step::Done(Some(false)) => {
                        applied = Some(np);
                        tag = Some("np");
                        notes.push(explanation::np_applies(&from, np));
                    }
                    Step::Done(None) => notes.push(explanation::np_unknown(&from, np)),
                }
            }
        }
        if mode == DmarcMode::Rfc9989
            && r.t == Some(true)
            && let Some(p) = applied.filter(|p| *p != Policy::None)
        {
            applied = Some(step_down(p));
            notes.push(explanation::test_mode(p));
        }
    }
    let pct = record
        .as_ref()
        .and_then(|r| r.pct)
        .filter(|p| *p < 100 && mode == DmarcMode::Rfc7489);
    let disposition = explanation::disposition(result, applied, pct, &discovery);
    let mut lint_list = record.as_ref().map(lint).unwrap_or_default();
    if discovery.status == DiscoveryStatus::MultipleRecords {
        lint_list.push(multiple_records(
            discovery.policy_domain.as_deref().unwrap_or(""),
        ));
    }
    let mut outcome = DmarcOutcome {
        mode,
        from_domain: discovery.from_domain.clone(),
        result,
        policy_domain: discovery.policy_domain.clone(),
        record,
        applied_policy: applied,
        policy_tag: tag.map(str::to_string),
        disposition,
        alignment,
        org_domain: discovery.org_domain.clone(),
        org_basis: basis,
        consulted: discovery.consulted.clone(),
        lint: lint_list,
        differences: Vec::new(),
        summary: String::new(),
    };
    outcome.summary = explanation::summary(&outcome, &discovery, &notes);
    Step::Done(outcome)
}

/// Evaluates DMARC for a message: policy discovery, SPF and DKIM alignment (each explained),
/// the result, the policy that applies and what a receiver does. Both RFCs are evaluated on
/// the same answers; `input.mode` gives the main outcome and `differences` says where the other
/// RFC disagrees. Returns Need with every question both can already name (one round for the
/// tree walks and the identifiers' organizational domains; a second, only for a failing
/// message whose `np` could apply, for the From domain's A, AAAA and MX).
pub fn evaluate(input: &DmarcInput, answers: &dyn Answers) -> Step<DmarcOutcome> {
    let other_mode = match input.mode {
        DmarcMode::Rfc9989 => DmarcMode::Rfc7489,
        DmarcMode::Rfc7489 => DmarcMode::Rfc9989,
    };
    let main = evaluate_mode(input, input.mode, answers);
    let other = evaluate_mode(input, other_mode, answers);
    match (main, other) {
        (Step::Done(mut main), Step::Done(other)) => {
            main.differences = explanation::differences(&main, &other);
            Step::Done(main)
        }
        (main, other) => {
            let mut need = Vec::new();
            for step in [main, other] {
                if let Step::Need(questions) = step {
                    push_unique(&mut need, questions);
                }
            }
            Step::Need(need)
        }
    }
}

/// The Author Domain to evaluate from the From field's addresses: the domain of the single
/// address (or a bare domain). None for no address or several: RFC 7489 section 6.6.1 then
/// has each domain evaluated separately and the strictest failing policy applied, which the
/// caller does by calling [`evaluate`] once per domain.
pub fn author_domain(addresses: &[&str]) -> Option<String> {
    let [one] = addresses else {
        return None;
    };
    let domain = one.trim().trim_end_matches('>').rsplit('@').next()?;
    clean_domain(domain)
}
