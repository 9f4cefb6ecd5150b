//! Advice: what is worth fixing but did not decide this message's outcome, from the findings
//! the causes did not use (`data/diagnosis/advice.tsv` gives each one's side and fix). A live
//! check that differs from what the receiver recorded then is explained as then versus now; a
//! sender at a free-mail provider gets no advice about a domain it cannot change.

use super::evidence::Context;
use super::make_cause;
use crate::report::diagnosis::{Cause, Certainty, Party, Source};
use crate::vocab::finding::Severity;
use crate::vocab::registry;
use crate::vocab::tables;

/// Codes about the sender domain's DNS, which only its owner can change.
const DOMAIN_SETUP: &[&str] = &["spf.", "dkim.", "dmarc.", "mx.", "recorded."];
/// Codes that rest on live DNS answers.
const LIVE: &[&str] = &[
    "spf.",
    "dkim.verify",
    "dkim.key",
    "dmarc.",
    "rdns.",
    "helo.",
    "mx",
    "blocklist.",
];

pub(super) fn advice(ctx: &Context, causes: &[Cause]) -> Vec<Cause> {
    let r = ctx.r;
    // A bounce without the returned message: its own headers are the bouncing server's.
    if r.bounce.as_ref().is_some_and(|b| {
        b.original.is_none() && b.kind != crate::checks::bounce::BounceKind::NotBounce
    }) {
        return Vec::new();
    }
    let free_mail = r.sender.free_mail_provider.is_some();
    let mut out: Vec<Cause> = Vec::new();
    let mut findings: Vec<&crate::vocab::finding::Finding> = r
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .collect();
    crate::vocab::sort::sort_by_key(&mut findings, |f| f.severity);
    // A paste that is not the whole header (cut off, or a few fields only) says nothing about
    // the fields it does not show: their absence is the paste's, not the message's.
    let partial = super::message::paste_damage(ctx).is_some();
    for f in findings {
        if partial && (f.code.starts_with("header.missing-") || f.code == "dkim.none") {
            continue;
        }
        let info = registry::of(&f.code);
        if matches!(
            info.topic,
            "input" | "paste-damaged" | "path" | "info" | "bounce" | "content" | "complaint"
        ) || f.code.starts_with("bounce.")
            || f.code.starts_with("spam.")
        {
            continue;
        }
        // No signature in the paste while the receiver recorded dkim=pass: the message was
        // signed (RFC 8601 section 2.7.1, "pass": the message was signed and the signature
        // passed verification); the paste lost the field, as a returned copy's headers can.
        if f.code == "dkim.none"
            && ctx
                .recorded
                .iter()
                .any(|x| x.method == "dkim" && x.result == "pass")
        {
            continue;
        }
        // Nor from the copy an Exim bounce returns: Exim signs in its SMTP transport, on the way
        // out (Exim specification, "Support for DKIM", signing options of the smtp transport),
        // so the spooled copy it returns never carries the signature the sent one had.
        if f.code == "dkim.none"
            && r.bounce.as_ref().is_some_and(|b| {
                matches!(
                    b.kind,
                    crate::checks::bounce::BounceKind::Bounce
                        | crate::checks::bounce::BounceKind::Delay
                ) && b.format.as_deref() == Some("exim")
            })
        {
            continue;
        }
        let live = LIVE.iter().any(|p| f.code.starts_with(p));
        if live && !ctx.dns.usable() {
            continue;
        }
        if free_mail && DOMAIN_SETUP.iter().any(|p| f.code.starts_with(p)) {
            continue;
        }
        // Backscatter and a refusal of a forward: the server the live checks look at is the
        // forger's or the forwarder's, not one the sender runs, and SPF fails for it by
        // design (RFC 7208 section 1.1.1 and RFC 7489 section 4: SPF authorizes the sender's
        // own servers; a forward re-sends from another); a forged copy carries no signature of
        // the sender's and a forward that changes the body breaks it (RFC 6376 section 3.7),
        // so DMARC fails with them (RFC 7960 section 3.2): nothing in them is the sender's.
        if causes
            .first()
            .is_some_and(|c| matches!(c.topic.as_str(), "backscatter" | "forwarding"))
            && [
                "spf.",
                "rdns.",
                "helo.",
                "blocklist.",
                "dmarc.",
                "dkim.none",
                "dkim.verify",
                "dkim.body-",
                "dkim.header-mismatch",
            ]
            .iter()
            .any(|p| f.code.starts_with(p))
        {
            continue;
        }
        // One item per topic, and none for a topic a cause already covers.
        let topic = advice_topic(info.topic);
        if causes.iter().any(|c| c.topic == topic) || out.iter().any(|c| c.topic == topic) {
            continue;
        }
        let row = tables::diagnosis::ADVICE
            .iter()
            .find(|row| f.code.starts_with(row[0]));
        let party = match row.map(|r| r[1]) {
            Some("receiver") => Party::Receiver,
            Some("sender") => Party::Sender,
            _ => Party::Unknown,
        };
        let mut fix = row
            .map(|r| r[2])
            .filter(|f| !f.is_empty())
            .map(str::to_string);
        let mut detail = f.detail.clone();
        let mut certainty = Certainty::Certain;
        // Then versus now: the receiver recorded a pass, the live check differs.
        if let Some(auth) = &r.auth
            && let Some(c) = auth
                .comparison
                .iter()
                .find(|c| f.code.starts_with(&c.method) && !c.agree && c.then == "pass")
        {
            detail = c.explanation.clone();
            fix = Some(format!(
                "Nothing to fix for this message: the receiver recorded {} pass when it arrived; only mail sent from now on would be affected.",
                c.method.to_ascii_uppercase()
            ));
            certainty = Certainty::Likely;
        }
        let own_words_only = fix.is_none();
        let mut item = make_cause(
            ctx,
            &f.code,
            topic,
            f.title.clone(),
            detail,
            fix,
            certainty,
            party,
            if live { Source::Live } else { Source::Headers },
            f.evidence.clone(),
        );
        // No fix of its own: the finding's words say what to do; the topic's general actions
        // are about another problem.
        if own_words_only {
            item.fix = None;
            item.actions.clear();
        }
        out.push(item);
    }
    out
}

/// The advice topic: the lint families as their method's.
fn advice_topic(topic: &str) -> &str {
    match topic {
        "spf-lint" => "spf",
        "dmarc-lint" => "dmarc",
        t => t,
    }
}
