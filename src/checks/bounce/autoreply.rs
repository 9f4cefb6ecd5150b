//! Automatic replies (RFC 3834: out of office, vacation): not bounces, the message was
//! delivered. Told by Auto-Submitted: auto-replied (section 5), X-Autoreply / X-Autorespond, or
//! the subjects mail programs give them.

use super::report::delivered;
use super::result::{first_address, simple_recipient};
use super::{BounceKind, BounceReport, BouncedRecipient, OriginalMessage, Reason, mime};
use crate::vocab::tables::bounce::reader::SUBJECTS;
use crate::vocab::text::clip;

/// Whether the message answers another (an In-Reply-To field with a message ID, RFC 5322
/// section 3.6.4).
fn answers(top: &mime::Headers<'_>) -> bool {
    top.value("in-reply-to").is_some_and(|v| v.contains('@'))
}

/// Whether the header fields mark the message as an automatic reply (iCloud's
/// `X-Apple-Action: VACATION` too; subjects:
/// data/bounce/reader/subjects.tsv, `auto` rows).
///
/// RFC 3834 section 5.1 reserves `auto-replied` for automatic responses and `auto-generated`
/// for messages that are not responses; but a message marked automatic in any way (any value
/// but `no`) that answers another message (In-Reply-To, which section 3.1.3 says a response
/// should carry, RFC 5322 section 3.6.4) is an automatic response whatever the keyword: Exchange
/// marks its out-of-office replies `auto-generated`, and so do help desks' acknowledgements.
pub(super) fn marked(top: &mime::Headers<'_>, subject_l: &str) -> bool {
    let submitted = top
        .value("auto-submitted")
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let answers = answers(top);
    // Zendesk marks every message it sends `auto-generated`, its agents' replies too (its help
    // center, "Considerations regarding email headers"): for its mail only its acknowledgement's
    // own sentence tells an automatic answer (`acknowledgement`).
    let helpdesk_mail = top
        .fields
        .iter()
        .any(|f| f.name.to_ascii_lowercase().starts_with("x-zendesk"));
    submitted.starts_with("auto-replied")
        || (!submitted.is_empty() && !submitted.starts_with("no") && answers && !helpdesk_mail)
        || top.get("x-autoreply").is_some()
        || top.get("x-autorespond").is_some()
        // iCloud Mail's vacation replies carry no Auto-Submitted field, only its own
        // `X-Apple-Action: VACATION`.
        || top
            .value("x-apple-action")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("vacation"))
        || SUBJECTS
            .iter()
            .any(|[kind, s]| *kind == "auto" && subject_l.starts_with(s))
}

/// The sentences in which a person says, in the first person, that they are away: the text of
/// an absence notice (RFC 3834 section 1: "vacation" or "out of office" responses, which say
/// the recipient is away and when they return) as a person writes it for their mail program's
/// automatic reply (Outlook's Automatic Replies, Gmail's vacation responder, Zimbra's and
/// Roundcube's out-of-office: the feature sends the text the person typed), in the languages
/// customers paste most (and Japanese). A paste that shows such a reply without its header
/// fields (Gmail's web view, a forward that kept only the mail program's summary) has no
/// Auto-Submitted field or subject to read; these words are what is left.
const ABSENCE: &[&str] = &[
    "i am out of the office",
    "i'm out of the office",
    "i am out of office",
    "i am currently out of the office",
    "i'm currently out of the office",
    "i will be out of the office",
    "i am on vacation",
    "i'm on vacation",
    "i am on holiday",
    "i'm on holiday",
    "i am on annual leave",
    "i am on leave",
    "i am currently away",
    "i'm currently away",
    "i am on a business trip",
    "i'm on a business trip",
    // The same in the future tense, as absence notices announce the time away.
    "i'll be out of the office",
    "i will be out of office",
    "i will be away",
    "i'll be away",
    "estaré fuera de la oficina",
    "estaré ausente",
    "estaré de vacaciones",
    "estarei ausente",
    "estarei fora do escritório",
    "estarei de férias",
    "je serai en congé",
    "je serai en vacances",
    "sarò fuori ufficio",
    "sarò in ferie",
    "estoy de vacaciones",
    "estoy fuera de la oficina",
    "me encuentro fuera de la oficina",
    "me encuentro de vacaciones",
    "estou em férias",
    "estou de férias",
    "estou fora do escritório",
    "encontro-me de férias",
    "encontro-me ausente",
    "estou ausente",
    "je suis absent",
    "je suis actuellement absent",
    "je suis en congé",
    "je suis en vacances",
    "je serai absent",
    "ich bin derzeit nicht im büro",
    "ich bin nicht im büro",
    "ich bin im urlaub",
    "ich bin derzeit im urlaub",
    "ich bin abwesend",
    "ich bin derzeit abwesend",
    "sono in ferie",
    "sono fuori ufficio",
    "sono assente",
    "sarò assente",
    "ik ben afwezig",
    "ik ben met vakantie",
    "ik ben op vakantie",
    // Japanese business mail's "I am away" (不在にしております) and "I am taking leave"
    // (休暇をいただいております, also written with 頂いて), the sentences its absence notices
    // are built on.
    "不在にしております",
    "休暇をいただいております",
    "休暇を頂いております",
];

/// The sentences of help desks' automatic acknowledgements of a new request (lowercase):
/// Zendesk's default trigger "Notify requester and CCs of received request" ("Your request
/// (#{{ticket.id}}) has been received and is being reviewed by our support staff."), which
/// Zendesk sends without an Auto-Submitted field; and the help desk's own words saying the
/// answer is automatic ("This is an automatic confirmation that we've received your request",
/// "This is an automated response"), as help desks' edited triggers write them.
/// The second kind only in a message that answers another (In-Reply-To): an order
/// confirmation also calls itself automatic, and answers nothing.
const ACKNOWLEDGEMENTS: &[&str] = &["has been received and is being reviewed"];
const SAID_AUTOMATIC: &[&str] = &[
    "this is an automatic confirmation",
    "this is an automated response",
];

/// Whether the text holds a help desk's automatic acknowledgement (`ACKNOWLEDGEMENTS`, or
/// `SAID_AUTOMATIC` in an answer).
pub(super) fn acknowledgement(top: &mime::Headers<'_>, lower: &str) -> bool {
    let answers = answers(top);
    (lower.contains("is being reviewed") || (answers && lower.contains("this is an auto"))) && {
        let flat = mime::squeeze(lower, 64 * 1024);
        ACKNOWLEDGEMENTS.iter().any(|p| flat.contains(p))
            || (answers && SAID_AUTOMATIC.iter().any(|p| flat.contains(p)))
    }
}

/// Whether a text without a header of its own holds a person's absence notice (`ABSENCE`).
pub(super) fn absence_text(lower: &str) -> bool {
    let flat = mime::squeeze(lower, 64 * 1024);
    ABSENCE.iter().any(|p| flat.contains(p))
}

/// The report an automatic reply gives: the replying mailbox is its recipient. `helpdesk`: a
/// help desk's acknowledgement of a request (`acknowledgement`), not a person's absence.
pub(super) fn report(
    top: &mime::Headers<'_>,
    from: &str,
    subject: &str,
    original: Option<OriginalMessage>,
    by_words: bool,
    helpdesk: bool,
) -> BounceReport {
    let recipients: Vec<BouncedRecipient> = first_address(from)
        .into_iter()
        .map(|a| simple_recipient(a, Reason::Vacation))
        .collect();
    let what = if subject.trim().is_empty() {
        "An automatic reply".to_string()
    } else {
        format!("An automatic reply (\"{}\")", clip(subject, 120))
    };
    let how = if by_words {
        " (told by its words: the paste shows no header field that marks it)"
    } else {
        ""
    };
    delivered(
        top,
        BounceKind::AutoReply,
        Some(
            if by_words {
                super::ABSENCE_TEXT
            } else {
                "rfc3834"
            }
            .into(),
        ),
        if helpdesk {
            format!(
                "{what}, not a bounce{how}: the message was delivered and the recipient's help desk confirmed by itself that it received the request."
            )
        } else {
            format!(
                "{what}, not a bounce{how}: the message was delivered and the recipient's mailbox answered by itself, usually because they are away."
            )
        },
        recipients,
        original,
    )
}

#[cfg(test)]
mod tests {
    use crate::checks::bounce::{BounceKind, analyze};

    #[test]
    fn an_auto_generated_answer_to_a_message_is_an_automatic_reply() {
        // Exchange's out-of-office and help desks' acknowledgements: auto-generated, answering.
        let m = "From: Help <help@example.net>\r\nTo: a@example.org\r\nSubject: [Request received] x (#1)\r\nIn-Reply-To: <1@example.org>\r\nAuto-Submitted: auto-generated\r\n\r\nYour request has been received.\r\n";
        assert_eq!(analyze(m.as_bytes()).kind, BounceKind::AutoReply);
        // Without In-Reply-To, auto-generated is not a response (RFC 3834 section 5.1).
        let m = "From: Help <help@example.net>\r\nTo: a@example.org\r\nSubject: Weekly digest\r\nAuto-Submitted: auto-generated\r\n\r\nNews.\r\n";
        assert_ne!(analyze(m.as_bytes()).kind, BounceKind::AutoReply);
    }

    #[test]
    fn an_icloud_vacation_reply_is_an_automatic_reply() {
        let away = "From: b@icloud.com\nTo: a@example.org\nSubject: Re: Dinner\nX-Apple-Action: VACATION\n\nBack on Monday.\n";
        assert_eq!(analyze(away.as_bytes()).kind, BounceKind::AutoReply);
    }

    #[test]
    fn a_help_desks_acknowledgement_is_an_automatic_reply() {
        let ack = "From: Support <support@desk.example>\nTo: a@example.org\nSubject: [Desk] Re: Calendar\nX-Mailer: Zendesk Mailer\n\n##- Please type your reply above this line -##\n\nYour request (88213) has been received and is being reviewed by our support\nstaff.\n";
        assert_eq!(analyze(ack.as_bytes()).kind, BounceKind::AutoReply);
    }

    #[test]
    fn an_absence_notice_without_its_header_is_told_by_its_words() {
        // Gmail's web view of a vacation reply, copied under the customer's question.
        let m = "Hola, me ha llegado esto:\n\nLucía <l@example.net>\npara mí\n\nHola:\nEstoy de vacaciones hasta el lunes 24 de\nagosto.\n";
        let r = analyze(m.as_bytes());
        assert_eq!(r.kind, BounceKind::AutoReply);
        assert_eq!(
            r.format.as_deref(),
            Some(crate::checks::bounce::ABSENCE_TEXT)
        );
        // A customer's own question is no absence notice.
        let q = "Hi, my mail to a@example.net bounced while I was away, why?\n";
        assert_ne!(analyze(q.as_bytes()).kind, BounceKind::AutoReply);
        // Nor is a message's header with its Received trace whose body says so.
        let h = "Received: from a.example by b.example; Mon, 1 Jun 2026 10:00:00 +0000\nFrom: a@a.example\nTo: b@b.example\nSubject: Re: offer\n\nI am on vacation until Monday.\n";
        assert_ne!(analyze(h.as_bytes()).kind, BounceKind::AutoReply);
        // A Japanese absence notice forwarded under a mail program's banner.
        let j = "-------- Forwarded Message --------\nSubject: 不在のお知らせ\nFrom: 田中 <t@example.jp>\n\n海外出張のため不在にしております。\n";
        assert_eq!(analyze(j.as_bytes()).kind, BounceKind::AutoReply);
        // The time away announced in the future tense, on a phone's view of the reply.
        let f = "Respuesta automática: Presupuesto\nMarta Ruiz\nPara: yo\n\nEstaré fuera de la oficina hasta el lunes 8 de diciembre.\n";
        assert_eq!(analyze(f.as_bytes()).kind, BounceKind::AutoReply);
    }
}
