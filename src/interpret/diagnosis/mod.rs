//! The diagnosis: what happened to the message and why, in words a customer can act on.
//!
//! A pure function of the finished report ([`diagnose`]). Evidence is weighed by where it comes
//! from ([`Source`]): what the receiver recorded when the message arrived (trusted
//! Authentication-Results, Received-SPF, provider result fields, its spam filter's verdict and
//! rules) and what a bounce says decided the outcome, so they come first; the message's own
//! header fields (the Received chain, From) explain delays and forgeries; a live check made
//! today comes last: where it differs from what the receiver recorded it explains what changed
//! since ("then versus now"), and it is never the headline cause of a spam or reject outcome
//! that the recorded results do not support. A record's weakness (`p=none`, a lint) is advice,
//! not a cause.
//!
//! When the live checks could not see the Internet's DNS ([`notices`]: lookups failed, or the
//! resolver says public names such as gmail.com do not exist), their results are left out of
//! the causes, and the report says so at the top.
//!
//! Topics, their customer sentences and actions are data (`data/diagnosis/`): the bounce
//! reasons' topics (`reasons.tsv`), spam-filter rules as evidence (`filter-rules.tsv`), the
//! customer view (`topics.tsv`), brand names for display-name impersonation (`brands.tsv`) and
//! public providers' domains for spotting a blind resolver (`providers.tsv`).

mod advice;
mod bounce;
mod evidence;
mod impersonation;
mod message;
mod words;

use crate::report::Report;
use crate::report::diagnosis::{
    Cause, Certainty, Diagnosis, NextStep, Notice, Outcome, Party, Source,
};
use crate::vocab::finding::Evidence;
pub use crate::vocab::text::split_sentences;
use evidence::Context;
pub(crate) use message::quarantine_notice;

/// Most causes listed; the rest stay in the findings.
const MAX_CAUSES: usize = 6;
/// Most advice items listed.
const MAX_ADVICE: usize = 6;

/// What the reader must know before anything else: the live checks failed or could not see
/// public DNS names, or the paste is damaged.
pub fn notices(report: &Report) -> Vec<Notice> {
    let ctx = Context::new(report);
    let mut out = Vec::new();
    if let Some(text) = ctx.dns.failed_notice() {
        out.push(Notice {
            code: "resolver-failed".into(),
            text,
        });
    }
    if let Some(text) = ctx.dns.blind_notice() {
        out.push(Notice {
            code: "resolver-blind".into(),
            text,
        });
    }
    if let Some(text) = message::paste_damage(&ctx).or_else(|| message::paste_repaired(&ctx)) {
        out.push(Notice {
            code: "paste-damaged".into(),
            text,
        });
    }
    out
}

/// The diagnosis of a finished report.
pub fn diagnose(report: &Report) -> Diagnosis {
    let ctx = Context::new(report);
    let outcome = message::outcome(&ctx);
    let mut causes = match outcome {
        Outcome::Bounced | Outcome::Rejected | Outcome::Delayed | Outcome::Complaint => {
            bounce::causes(&ctx)
        }
        Outcome::Delivered if ctx.auto_reply() || ctx.receipt() => bounce::causes(&ctx),
        // An authentication failure report (RFC 6591) states its causes whatever its
        // Delivery-Result says happened (or when it says nothing).
        _ if ctx.r.bounce.as_ref().is_some_and(|b| {
            b.kind == crate::checks::bounce::BounceKind::Feedback
                && b.feedback.as_ref().is_some_and(|f| f.auth_failure_report())
        }) =>
        {
            bounce::causes(&ctx)
        }
        Outcome::Spam => message::spam_causes(&ctx),
        Outcome::Delivered => message::delivered_causes(&ctx),
        Outcome::Unknown => message::unknown_causes(&ctx),
    };
    causes.truncate(MAX_CAUSES);
    let mut advice = advice::advice(&ctx, &causes);
    advice.truncate(MAX_ADVICE);
    for cause in causes.iter_mut().chain(advice.iter_mut()) {
        words::tidy(cause);
    }
    let headline = words::headline(&ctx, outcome, causes.first());
    let (summary, actions) = words::customer_view(&ctx, outcome, causes.first());
    Diagnosis {
        outcome,
        headline,
        summary,
        actions,
        causes,
        advice,
    }
}

/// A cause from its parts, with its actions from the topic's row in `data/diagnosis/topics.tsv`
/// (placeholders filled from `fill`) unless `fix` is given.
#[allow(clippy::too_many_arguments)]
fn make_cause(
    ctx: &Context,
    code: &str,
    topic: &str,
    title: String,
    detail: String,
    fix: Option<String>,
    certainty: Certainty,
    party: Party,
    source: Source,
    evidence: Vec<Evidence>,
) -> Cause {
    let mut actions = words::topic_actions(ctx, topic);
    // The blocklist topic's actions are the listed sender's; a refusal on the receiving
    // server's own failed list query (bounce::topic_of) leaves the sender nothing to do.
    if topic == "blocklist" && party == Party::Receiver && fix.is_some() {
        actions.clear();
    }
    // A fix worded from the evidence takes the place of the topic's first, general action.
    if let Some(fix) = &fix {
        let who = match actions.first() {
            Some(first) => first.who,
            None if party == Party::Receiver => crate::report::diagnosis::Actor::RecipientAdmin,
            None => crate::report::diagnosis::Actor::Sender,
        };
        if !actions.is_empty() {
            actions.remove(0);
        }
        actions.insert(
            0,
            NextStep {
                who,
                text: fix.clone(),
            },
        );
    }
    Cause {
        code: code.to_string(),
        topic: topic.to_string(),
        title,
        detail,
        fix: fix.or_else(|| actions.first().map(|a| a.text.clone())),
        actions,
        certainty,
        party,
        source,
        evidence,
    }
}
