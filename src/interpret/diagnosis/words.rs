//! The diagnosis in words: the agent's headline, the customer's summary and actions (from
//! `data/diagnosis/topics.tsv`), and tidying so that no sentence is said twice.

use super::evidence::Context;
use crate::report::diagnosis::{Actor, Cause, NextStep, Outcome, Party};
use crate::vocab::tables;
use crate::vocab::text::{dedupe_sentences, split_sentences};

/// The actions of a topic's row, placeholders filled from the report.
pub(super) fn topic_actions(ctx: &Context, topic: &str) -> Vec<NextStep> {
    let Some(row) = tables::lookup(tables::diagnosis::TOPICS, topic) else {
        return Vec::new();
    };
    row[2]
        .split('|')
        .filter_map(|a| {
            let (who, text) = a.split_once(": ")?;
            let who = match who.trim() {
                "sender" => Actor::Sender,
                "sender_provider" => Actor::SenderProvider,
                "recipient" => Actor::Recipient,
                "recipient_admin" => Actor::RecipientAdmin,
                _ => return None,
            };
            Some(NextStep {
                who,
                text: fill(ctx, text),
            })
        })
        .collect()
}

/// The placeholders of `data/diagnosis/topics.tsv` filled from the report.
fn fill(ctx: &Context, text: &str) -> String {
    let r = ctx.r;
    let recipient = r
        .bounce
        .as_ref()
        .and_then(|b| b.recipients.first())
        .map(|x| x.address.clone())
        .or_else(|| r.message.to.first().and_then(|m| m.address.clone()))
        .filter(|a| !a.trim().is_empty());
    // With no address known (a bounce that left it out or had it masked), "The address
    // {recipient}" says it without one.
    let text = if recipient.is_none() {
        text.replace("address {recipient}", "recipient's address")
    } else {
        text.to_string()
    };
    let text = text.as_str();
    let recipient = recipient.unwrap_or_else(|| "the recipient's address".into());
    let list = r
        .bounce
        .as_ref()
        .and_then(|b| b.recipients.iter().find_map(|x| x.blocklist.as_ref()))
        .map(|l| l.name.clone())
        .or_else(|| ctx.listed_now().first().map(|l| l.list.clone()));
    // With no list named (the receiving filter's rule said "listed" without the list's name
    // in words), "on a blocklist ({list})" says it once.
    let text = if list.is_none() {
        text.replace(" ({list})", "")
    } else {
        text.to_string()
    };
    let text = text.as_str();
    let list = list.unwrap_or_else(|| "a blocklist".into());
    let (delay, hop) = if text.contains("{delay}") || text.contains("{hop}") {
        super::message::late_wait(ctx)
            .unwrap_or_else(|| ("a while".into(), "a server on the way".into()))
    } else {
        Default::default()
    };
    // With no address known, "the sending server's address {ip}" says it once.
    let ip = ctx.ip();
    let mut text = if ip.is_none() {
        text.replace("address {ip}", "address")
    } else {
        text.to_string()
    };
    // Likewise "your domain {from_domain}" with no From domain known.
    if ctx.sender_domain().is_none() {
        text = text.replace("your domain {from_domain}", "your domain");
    }
    text.replace("{recipient}", &recipient)
        .replace("{delay}", &delay)
        .replace("{hop}", &hop)
        .replace(
            "{ip}",
            &ip.unwrap_or_else(|| "the sending server's address".into()),
        )
        .replace("{list}", &list)
        .replace(
            "{from_domain}",
            ctx.sender_domain().unwrap_or("the sender's domain"),
        )
        .replace("{domain}", ctx.sender_domain().unwrap_or("the domain"))
}

/// The agent's one-sentence headline: what happened, then the main reason (never the cause's
/// title repeated as a sentence of its own).
pub(super) fn headline(ctx: &Context, outcome: Outcome, top: Option<&Cause>) -> String {
    let what = outcome_sentence(ctx, outcome);
    match top {
        None if outcome == Outcome::Delivered => {
            format!("{what}; nothing in it points to a problem.")
        }
        None => format!("{what}."),
        Some(c) if c.topic == "auto-reply" || c.topic == "complaint" => format!("{what}."),
        Some(c) if outcome == Outcome::Delivered => {
            format!("{what}, but {}", lower_first(c.title.trim_end_matches('.'))) + "."
        }
        Some(c) => {
            let lead = match c.certainty {
                crate::report::diagnosis::Certainty::Certain => "the main reason",
                crate::report::diagnosis::Certainty::Likely => "the likely reason",
            };
            format!(
                "{what}; {lead}: {}",
                lower_first(c.title.trim_end_matches('.'))
            ) + "."
        }
    }
}

fn outcome_sentence(ctx: &Context, outcome: Outcome) -> String {
    match outcome {
        Outcome::Delivered if ctx.auto_reply() => {
            "The message was delivered, and an automatic reply came back".to_string()
        }
        Outcome::Delivered if ctx.receipt() => {
            "The message was delivered, and a read receipt came back".to_string()
        }
        Outcome::Delivered => "The message was delivered to the recipient's server".to_string(),
        Outcome::Spam => "The message was delivered but filed as spam".to_string(),
        Outcome::Rejected => "The message was refused when it was sent".to_string(),
        Outcome::Bounced => "The message bounced: it came back undelivered".to_string(),
        // A mailing list's hold for its moderator (`checks::bounce::held`): nobody retries.
        Outcome::Delayed if ctx.bounce_format() == Some("mailman-hold") =>
        {
            "The message is not delivered yet: the mailing list holds it for its moderator"
                .to_string()
        }
        // A challenge-response filter's request (`checks::bounce::challenge`).
        Outcome::Delayed if ctx.bounce_format() == Some("challenge-response") =>
        {
            "The message is not delivered yet: the recipient's server holds it until the sender confirms it"
                .to_string()
        }
        Outcome::Delayed => {
            "The message is not delivered yet: a server is still trying".to_string()
        }
        Outcome::Complaint => {
            "The message was delivered, and the recipient reported it as spam".to_string()
        }
        Outcome::Unknown => {
            "The pasted text does not show what happened to the message".to_string()
        }
    }
}

/// The customer's view: one or two sentences, and what to do.
pub(super) fn customer_view(
    ctx: &Context,
    outcome: Outcome,
    top: Option<&Cause>,
) -> (String, Vec<NextStep>) {
    let what = outcome_sentence(ctx, outcome) + ".";
    let topic = top.map(|c| c.topic.as_str()).unwrap_or(match outcome {
        Outcome::Delivered => "none",
        _ => "unknown",
    });
    // The policy topic's sentence tells of a refusal; a message that was filed as spam or
    // delivered changed under the receiving side's policy (a blocked sender, an attachment
    // removed) is told so.
    let why = match outcome {
        Outcome::Spam if topic == "policy" => "The recipient's side filed it as spam under its own rules (a block list or filter rule of the recipient or their mail system), not because of anything in the sender's setup.".to_string(),
        Outcome::Delivered if topic == "policy" => "The recipient's mail system changed it under its own rules before delivery (for example, it removed an attachment it does not accept).".to_string(),
        // A refusal the sender's own system made (its organization's or host's policy): the
        // recipient's side never saw the message.
        Outcome::Bounced | Outcome::Rejected
            if topic == "policy"
                && top.is_some_and(|c| {
                    c.party == Party::Sender && c.title.ends_with(super::bounce::OWN_REFUSAL)
                }) =>
        {
            "The sender's own mail system refused to send it under a rule of its own (the sender's organization or mail host), so the recipient's side never received it.".to_string()
        }
        // WEB.DE's and GMX's refusal of a malformed header (see bounce::topic_of): the sending
        // program's header, not a rule of the recipient's.
        Outcome::Bounced | Outcome::Rejected
            if topic == "policy"
                && top.is_some_and(|c| c.title.ends_with(super::bounce::HEADER_REFUSED)) =>
        {
            "The receiving provider refused it because the message's header breaks the Internet Message Format's rules (a field malformed or written twice): the program that wrote the message needs fixing.".to_string()
        }
        // The sending account's own limit (see bounce::own_sending_limit): its provider, not
        // a receiving side, refused to send more.
        Outcome::Bounced | Outcome::Rejected
            if topic == "rate-limit"
                && top.is_some_and(|c| c.title.ends_with(super::bounce::OWN_LIMIT)) =>
        {
            "The sender's own mail provider refused to send it: the account has reached the sending limit the provider sets, so the recipient's side never received it.".to_string()
        }
        // The sending host's own hold on the domain's outgoing mail (see bounce::own_hold).
        Outcome::Delayed
            if topic == "policy"
                && top.is_some_and(|c| c.title.ends_with(super::bounce::OWN_HOLD)) =>
        {
            "The sender's own mail host holds the domain's outgoing mail in its queue, so no receiving server has seen the message yet; it goes out once the host releases the hold.".to_string()
        }
        // The sender's own outgoing server's size limit (see bounce::own_size_limit).
        Outcome::Bounced | Outcome::Rejected
            if topic == "message-too-large"
                && top.is_some_and(|c| c.title.ends_with(super::bounce::OWN_SIZE_LIMIT)) =>
        {
            "The sender's own outgoing server refused it because it is larger than the server accepts, so the recipient's side never received it.".to_string()
        }
        // A read receipt (see bounce::causes).
        Outcome::Delivered if topic == "auto-reply" && ctx.receipt() => "The recipient's mail program sent it by itself to say what it did with the message; nothing went wrong on the way.".to_string(),
        // A challenge-response request (see bounce::causes): the message waits, it was not
        // delivered.
        Outcome::Delayed if topic == "auto-reply" => "The recipient's mail system answered by itself with a request to confirm that a person sent the message; it delivers the message once the sender confirms.".to_string(),
        // The content topic's sentence says the message was authenticated: only where the
        // receiver recorded it.
        _ if topic == "content" && !super::message::recorded_pass(ctx) => tables::lookup(tables::diagnosis::TOPICS, topic)
            .map(|row| fill(ctx, row[1]).replace(", although it was authenticated.", "."))
            .unwrap_or_default(),
        _ => tables::lookup(tables::diagnosis::TOPICS, topic)
            .map(|row| fill(ctx, row[1]))
            .unwrap_or_default(),
    };
    let against_inbox =
        top.is_none() && outcome == Outcome::Delivered && super::message::note_against_inbox(ctx);
    let summary = if why.is_empty() || (topic == "none" && outcome == Outcome::Delivered) {
        match topic {
            "none" if against_inbox => format!(
                "{what} Nothing in it points to a problem: the receiving provider recorded that it filed the message in the Inbox, so a Junk folder it was seen in is the mail program's own filing or a rule of the recipient's."
            ),
            "none" => format!("{} Nothing in it points to a problem.", what),
            _ => what,
        }
    } else {
        format!("{what} {why}")
    };
    let mut actions = match top {
        Some(c) => c.actions.clone(),
        None => topic_actions(ctx, topic),
    };
    if against_inbox {
        actions.push(NextStep {
            who: Actor::Recipient,
            text: "Mark the message as \"Not junk\" in the mail program (on every device that shows it in Junk) and check the mail program's rules.".into(),
        });
    }
    (dedupe_sentences(&summary), actions)
}

/// Removes repeated sentences within a cause: the title said again in the detail, a sentence
/// twice in the detail, the fix repeating the detail.
pub(super) fn tidy(cause: &mut Cause) {
    cause.detail = dedupe_sentences(&cause.detail);
    let title = cause.title.trim().trim_end_matches('.').to_string();
    let sentences = split_sentences(&cause.detail);
    let kept: Vec<&str> = sentences
        .iter()
        .copied()
        .filter(|s| s.trim().trim_end_matches('.') != title)
        .collect();
    cause.detail = kept.join(" ");
    if let Some(fix) = &cause.fix {
        let detail = split_sentences(&cause.detail);
        let fixed: Vec<&str> = split_sentences(fix)
            .into_iter()
            .filter(|s| !detail.contains(s))
            .collect();
        cause.fix = Some(fixed.join(" ")).filter(|f| !f.is_empty());
    }
    let mut seen: Vec<String> = Vec::new();
    cause.actions.retain(|a| {
        let key = a.text.trim().to_string();
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
}

/// Names joined as "a, b and c", each once.
pub(super) fn join_names(names: &[&str]) -> String {
    let mut unique: Vec<&str> = Vec::new();
    for n in names {
        if !unique.contains(n) {
            unique.push(n);
        }
    }
    match unique.as_slice() {
        [] => "a filter".to_string(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The text with its first letter lowercased when it starts with a common word (never a name
/// such as "SpamAssassin" or an acronym).
fn lower_first(text: &str) -> String {
    const WORDS: &[&str] = &[
        "The", "A", "An", "This", "No", "Your", "It", "Its", "One", "Some", "Neither",
    ];
    let first = text.split(' ').next().unwrap_or_default();
    if WORDS.contains(&first) {
        let mut out = first.to_ascii_lowercase();
        out.push_str(&text[first.len()..]);
        out
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_and_dedupe() {
        let t = "One thing. Two things! One thing. Version 1.2 is here. \"Quoted.\" End";
        assert_eq!(
            split_sentences(t),
            [
                "One thing.",
                "Two things!",
                "One thing.",
                "Version 1.2 is here.",
                "\"Quoted.\" End"
            ]
        );
        assert_eq!(dedupe_sentences("A b. C d. A b."), "A b. C d.");
    }

    #[test]
    fn the_content_sentence_ends_with_the_clause_left_out_without_a_recorded_pass() {
        let row = tables::lookup(tables::diagnosis::TOPICS, "content").unwrap();
        assert!(
            row[1].ends_with(", although it was authenticated."),
            "{}",
            row[1]
        );
    }
}
