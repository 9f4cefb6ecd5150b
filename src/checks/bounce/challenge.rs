//! A challenge-response filter's request: the recipient's server holds a message from a sender
//! it does not know and asks the sender to prove they are a person (reply, or follow a link)
//! before it delivers it. cPanel's BoxTrapper ("BoxTrapper requires all email senders who are
//! not on your whitelist to reply to a verification email before you receive their mail"; its
//! subject carries `verify#<id>`, which its documentation says never to change; its default
//! text "The message you sent requires that you verify that you are a real live human being
//! and not a spam source"), TMDA (its confirm_request template: "This message was created
//! automatically by mail delivery software (TMDA). Your message attached below is being held
//! because the address <...> has not been verified", sent with `X-Delivery-Agent: TMDA/...`)
//! and services of the same kind ("Your message is being held until you confirm that you sent
//! it"). Neither a delivery nor a refusal: the message waits, and is deleted unconfirmed after
//! some days. A request about a message the customer never sent is backscatter
//! (`interpret::diagnosis::bounce`).

use super::result::{first_address, simple_recipient};
use super::{BounceKind, BounceReport, OriginalMessage, Reason, mime};

/// The words of a request's body that say the message waits for the sender's confirmation
/// (lowercase): BoxTrapper's and TMDA's templates, and the hold-until-confirmed sentence.
/// BoxTrapper's verify template of current cPanel versions says "The email account that you
/// tried to reach requires verification of your email address before delivery of your
/// message. To verify your email address, reply to this email and leave the subject line
/// intact."
/// TMDA's confirm_request template of its later versions (tmda/templates/confirm_request.txt:
/// "was not delivered because your address was not recognized. To release your message for
/// delivery, please send an empty message to the following address ... This confirmation
/// verifies that your message is legitimate and not junk-mail.").
/// EarthLink's spamBlocker request ("I apologize for this automatic reply to your email. To
/// control spam, I now allow incoming messages only from senders I have approved beforehand.
/// If you would like to be added to my list of approved senders, please fill out the short
/// request form ... Once I approve you, I will receive your original message in my inbox", as
/// its recipients quote it: itseemstome.com "Antiquated and Alienating Spam Defense",
/// mollymcmahan.wordpress.com 2015-04-29).
const HELD: [&str; 9] = [
    "verify that you are a real live human being",
    "requires verification of your email address before delivery of your message",
    "is being held because the address",
    "is being held until you confirm",
    "is being held until you verify",
    "held until the sender confirms",
    "to release your message for delivery, please send an empty message",
    "this confirmation verifies that your message is legitimate",
    "i now allow incoming messages only from senders i have approved beforehand",
];

/// One word of each `HELD` sentence, to look for before squeezing the text.
const HELD_WORDS: [&str; 6] = [
    "held",
    "human being",
    "verification",
    "confirmation verifies",
    "release your message",
    "approved beforehand",
];

/// Whether the text is such a request: its header's marks (BoxTrapper's `verify#` subject and
/// X-Boxtrapper field, TMDA's X-Delivery-Agent) or its body's words.
pub(super) fn is_request(top: &mime::Headers<'_>, subject_l: &str, lower: &str) -> bool {
    let tmda = top
        .value("x-delivery-agent")
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("tmda"));
    let boxtrapper = top.get("x-boxtrapper").is_some()
        || subject_l
            .split_whitespace()
            .any(|w| w.starts_with("verify#") && w.len() > "verify#".len());
    if tmda || boxtrapper {
        return true;
    }
    // The sentence may be wrapped onto two lines: read with its white space squeezed, only
    // when one of its words is there at all.
    held_words(lower)
}

/// Whether the lowercase text holds one of the `HELD` sentences.
pub(super) fn held_words(lower: &str) -> bool {
    HELD_WORDS.iter().any(|w| lower.contains(w)) && {
        let flat = mime::squeeze(lower, 256 * 1024);
        HELD.iter().any(|w| flat.contains(w))
    }
}

/// The report of a request: a delay for the mailbox that holds the message (the request's
/// sender), its notice sender that mailbox.
pub(super) fn report(
    text: &str,
    top: &mime::Headers<'_>,
    from: &str,
    original: Option<OriginalMessage>,
) -> BounceReport {
    // Forwarded by the customer, the request's sender is the From of the forwarded block the
    // request's words are in (the mail program's "From: ... Sent: ..." summary above them),
    // not the customer who forwarded it.
    let lower = text.to_ascii_lowercase();
    let forwarded_from = HELD_WORDS
        .iter()
        .filter_map(|w| lower.find(w))
        .min()
        .and_then(|at| {
            text[..at]
                .lines()
                .rev()
                .take(200)
                .find(|l| {
                    let l = l.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
                    l.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("from:"))
                })
                .and_then(first_address)
        });
    // Shown by a mail program without its header, the request's sender is the first address
    // its view shows ("Sales <sales@example.net>" under the subject).
    let address = forwarded_from.or_else(|| first_address(from)).or_else(|| {
        let head: String = text.lines().take(20).collect::<Vec<_>>().join("\n");
        first_address(&head)
    });
    let recipients = vec![simple_recipient(
        address
            .clone()
            .unwrap_or_else(|| "the recipient's mailbox".into()),
        Reason::Onhold,
    )];
    let mut r = super::report::delivered(
        top,
        BounceKind::Delay,
        Some("challenge-response".into()),
        "A challenge-response request, not a bounce: the recipient's server holds the message until its sender confirms being a person (by replying to the request or following its link); unconfirmed, it is deleted after some days.".into(),
        recipients,
        original,
    );
    r.notice_from = address;
    // The server that wrote the request: the host its oldest Received field names as the
    // receiving one (the request's first hop, where the filter handed it over), which is the
    // server the held message reached (a hosting server writes its customers' requests).
    r.reporting_mta = top
        .fields
        .iter()
        .rev()
        .find(|f| f.name.eq_ignore_ascii_case("received"))
        .and_then(|f| crate::parse::received::parse(&f.value()).by_host)
        .filter(|h| h.contains('.'));
    r
}

#[cfg(test)]
mod tests {
    use super::super::{BounceKind, analyze};

    #[test]
    fn boxtrapper_and_tmda_requests_are_holds() {
        let boxtrapper = "From: Sales <sales@example.net>\nTo: a@example.org\nSubject: verify#1wQm2C-0000000Bk8x\n\nThe message you sent requires that you verify that you\nare a real live human being and not a spam source.\n";
        let r = analyze(boxtrapper.as_bytes());
        assert_eq!(r.kind, BounceKind::Delay);
        assert_eq!(r.format.as_deref(), Some("challenge-response"));
        assert_eq!(r.recipients[0].address, "sales@example.net");
        // The current verify template, its subject not in the paste (a mail program's body).
        let current = "The email account that you tried to reach requires verification of your\nemail address before delivery of your message. To verify your email\naddress, reply to this email and leave the subject line intact.\n";
        assert_eq!(
            analyze(current.as_bytes()).format.as_deref(),
            Some("challenge-response")
        );
        let tmda = "From: Jan <j@example.net>\nTo: a@example.org\nSubject: Please confirm your message\nX-Delivery-Agent: TMDA/1.1.12 (Macallan)\nAuto-Submitted: auto-replied\nIn-Reply-To: <1@example.org>\n\nYour message attached below is being held because the address\n<a@example.org> has not been verified.\n";
        let r = analyze(tmda.as_bytes());
        assert_eq!(r.format.as_deref(), Some("challenge-response"));
        // The later template's words, without its header fields.
        let later = "Subject: Please confirm your message

Your e-mail message with the subject of \"Invoice\"
was not delivered because your address was not recognized.

To release your message for delivery, please send an empty message
to the following address, or use your mailer's \"Reply\" feature.

<mailto:j-confirm-1.2.3@example.net>

This confirmation verifies that your message is legitimate and not
junk-mail.
";
        assert_eq!(
            analyze(later.as_bytes()).format.as_deref(),
            Some("challenge-response")
        );
        // Shown by a mail program, without its header: the body's words alone.
        let shown = "verify#abc\n\nSales <sales@example.net>\n\nThe message you sent requires that you verify that you\nare a real live human being and not a spam source.\n";
        assert_eq!(
            analyze(shown.as_bytes()).format.as_deref(),
            Some("challenge-response")
        );
        // An out-of-office reply stays one.
        let away = "From: b@example.net\nTo: a@example.org\nSubject: Automatic reply: x\nAuto-Submitted: auto-replied\n\nI am away until Monday; your message is being held for my return.\n";
        assert_eq!(analyze(away.as_bytes()).kind, BounceKind::AutoReply);
    }
}
