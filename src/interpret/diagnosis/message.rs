//! The outcome of a delivered (or spam-filed) message and its causes: what the receiver
//! recorded first (authentication results, its filter's rules), then what the headers show
//! (forwarding, forgery, delays), then what the live checks find today.

use super::evidence::{Context, FilterRule};
use super::impersonation::spoofing;
use super::make_cause;
use crate::report::diagnosis::{Cause, Certainty, Outcome, Party, Source};
use crate::vocab::finding::Evidence;

/// A hop delay that counts as late (a human waits for mail measured in minutes).
const LATE_MS: i64 = 10 * 60 * 1000;

/// What happened, as far as the paste shows.
pub(super) fn outcome(ctx: &Context) -> Outcome {
    let r = ctx.r;
    if let Some(b) = &r.bounce {
        use crate::checks::bounce::{BounceKind, RefusedBy};
        match b.kind {
            // The refusal as the sending side saw it, with no notice back: a mail program's
            // error, or the sending server's own log (the scenarios README's "rejected").
            BounceKind::Bounce if b.refused_by == RefusedBy::SenderServerAtSend || b.from_log => {
                return Outcome::Rejected;
            }
            BounceKind::Bounce => return Outcome::Bounced,
            BounceKind::AutoReply => return Outcome::Delivered,
            BounceKind::Delay => return Outcome::Delayed,
            // An authentication failure report (RFC 6591) is no complaint: its Delivery-Result
            // says what the receiver did with the message, when it says.
            BounceKind::Feedback => {
                return match b.feedback.as_ref() {
                    Some(f) if f.auth_failure_report() => match f.delivery_result.as_deref() {
                        Some("delivered") => Outcome::Delivered,
                        Some("spam") => Outcome::Spam,
                        Some("policy" | "reject") => Outcome::Bounced,
                        _ => Outcome::Unknown,
                    },
                    _ => Outcome::Complaint,
                };
            }
            // A delivery report (RFC 3464 `Action: delivered`, a 2.X.X status; a sending
            // service's "delivered" event) says the receiving server accepted the message.
            BounceKind::NotBounce if delivery_report(ctx) => return Outcome::Delivered,
            BounceKind::NotBounce => {}
        }
    }
    if spam_verdict(ctx).is_some() {
        return Outcome::Spam;
    }
    // A damaged paste does not show what the receiver decided; but a Received chain with a
    // hop that held the message long shows that it was received, late (RFC 5321 4.4: each
    // server stamps the time it took the message in), which is what a customer who pastes
    // only those lines is asking about.
    if paste_damage(ctx).is_some() {
        return if worst_hop(ctx).is_some() || greylist_delay(ctx).is_some() {
            Outcome::Delivered
        } else {
            Outcome::Unknown
        };
    }
    if !r.hops.is_empty() {
        return Outcome::Delivered;
    }
    Outcome::Unknown
}

/// Whether the paste is a delivery report: every recipient it names was delivered.
fn delivery_report(ctx: &Context) -> bool {
    ctx.r.bounce.as_ref().is_some_and(|b| {
        !b.recipients.is_empty()
            && b.recipients
                .iter()
                .all(|r| r.reason == crate::checks::bounce::Reason::Delivered)
    })
}

/// A Microsoft 365 quarantine notification's listing of a held message, read as the header (its
/// "Sender:", "Subject:" and "Date:" lines under "Prevented spam messages", "Quarantined email"
/// or "You have messages in quarantine"; Microsoft Learn, "Quarantine notifications (end-user
/// spam notifications) in EOP"): the receiver's filter holds the message. Returns the heading.
fn quarantine_listing(ctx: &Context) -> Option<Evidence> {
    let r = ctx.r;
    if r.headers.is_empty()
        || !r.headers.iter().all(|h| {
            ["Sender", "Subject", "Date"]
                .iter()
                .any(|n| h.name.eq_ignore_ascii_case(n))
        })
    {
        return None;
    }
    prose(ctx)
        .find(|e| {
            let l = e.text.to_ascii_lowercase();
            [
                "messages in quarantine",
                "prevented spam messages",
                "prevented phishing messages",
                "prevented malware messages",
                "quarantined email",
                "are being held for you to review",
            ]
            .iter()
            .any(|h| l.contains(h))
        })
        .cloned()
}

/// The receiver's own verdict that the message is spam: a filter's verdict, Gmail's Spam label
/// (a Takeout export), Yahoo's bulk-folder stamp, or the customer's note above the paste.
/// Returns the evidence.
pub(super) fn spam_verdict(ctx: &Context) -> Option<Evidence> {
    let r = ctx.r;
    if let Some(v) = r.spam.iter().find(|v| v.is_spam == Some(true)) {
        return Some(Evidence {
            line: Some(v.line),
            text: crate::vocab::text::clip_ellipsis(&v.header, 200),
        });
    }
    if let Some(h) = ctx.header("X-Gmail-Labels")
        && h.value.split(',').any(|l| gmail_spam_label(l.trim()))
    {
        return Some(Evidence {
            line: Some(h.line),
            text: format!("X-Gmail-Labels: {}", h.value),
        });
    }
    if let Some(e) = quarantine_listing(ctx) {
        return Some(e);
    }
    if quarantine_notice(
        ctx.r
            .message
            .from
            .as_ref()
            .and_then(|m| m.address.as_deref()),
        ctx.r.message.subject.as_deref(),
    ) && let Some(h) = ctx.header("From")
    {
        return Some(Evidence {
            line: Some(h.line),
            text: format!("From: {} (a quarantine notification)", h.value),
        });
    }
    // The folder Exchange Online's mailbox delivery put it in (`dest:J`, the Junk Email folder,
    // in X-Microsoft-Antispam-Mailbox-Delivery): filed as junk, whatever decided it.
    if let Some(v) = r.spam.iter().find(|v| {
        v.filter == "Microsoft 365"
            && v.items
                .iter()
                .any(|i| i.code.eq_ignore_ascii_case("dest") && i.value.as_deref() == Some("J"))
    }) {
        return Some(Evidence {
            line: Some(v.line),
            text: crate::vocab::text::clip_ellipsis(&v.header, 200),
        });
    }
    if let Some(h) = ctx.header("X-YahooFilteredBulk") {
        return Some(Evidence {
            line: Some(h.line),
            text: format!("X-YahooFilteredBulk: {}", h.value),
        });
    }
    // The DMARC step's disposition decides only when nothing later in the receiver's pipeline
    // says otherwise: a filter's own "not spam" verdict (Microsoft's SFV:NSPM) or a composite
    // authentication pass (Microsoft's compauth, which an ARC chain from a trusted sealer can
    // turn to pass: reason 130) mean the message was not filed as junk for DMARC.
    let overruled = r.spam.iter().any(|v| v.is_spam == Some(false))
        || ctx.rec("compauth").is_some_and(|c| c.result == "pass");
    if let Some(d) = ctx.rec("dmarc").filter(|d| {
        !overruled
            && (dmarc_quarantined(&d.extra)
                || (d.result == "fail" && quarantine_without_disposition(&d.extra)))
    }) {
        return Some(Evidence {
            line: d.evidence.line,
            text: format!("{} ({})", d.evidence.text, d.extra.trim()),
        });
    }
    // The folder the receiving provider recorded that it put the message in (iCloud's
    // X-Apple-MoveToFolder: INBOX, Exchange Online's dest:I) outranks what the customer heard:
    // the provider filed it in the Inbox, and a Junk folder seen later is the mail program's
    // own filing or a rule.
    if inbox_recorded(ctx) {
        return None;
    }
    customer_note(ctx)
}

/// Whether the receiving provider recorded the folder it put the message in as the Inbox
/// (iCloud's X-Apple-MoveToFolder: INBOX, Exchange Online's dest:I).
fn inbox_recorded(ctx: &Context) -> bool {
    ctx.r.spam.iter().any(|v| {
        (v.filter == "iCloud Mail" && v.is_spam == Some(false))
            || (v.filter == "Microsoft 365"
                && v.items.iter().any(|i| {
                    i.code.eq_ignore_ascii_case("dest") && i.value.as_deref() == Some("I")
                }))
    })
}

/// Whether the customer says the message went to spam while the provider recorded that it
/// filed it in the Inbox: the Junk folder they saw is the mail program's own filing or a rule.
pub(super) fn note_against_inbox(ctx: &Context) -> bool {
    inbox_recorded(ctx) && customer_note(ctx).is_some()
}

/// Whether a label of a Takeout export's `X-Gmail-Labels` is Gmail's Spam label. Takeout
/// writes the system labels in the account's language: "Spam" in most European languages,
/// "迷惑メール" in Japanese (Gmail Help in Japanese, "Gmail で迷惑メールを報告する",
/// https://support.google.com/mail/answer/1366858?hl=ja: the [迷惑メール] label).
fn gmail_spam_label(label: &str) -> bool {
    let label = label.trim_matches('"');
    label.eq_ignore_ascii_case("spam") || label == "迷惑メール"
}

/// Whether the paste is Microsoft 365's quarantine notification (formerly the end-user spam
/// notification): sent from quarantine@messaging.microsoft.com, "You have messages in
/// quarantine", listing messages the recipient organization's filter holds (Microsoft Learn,
/// "Quarantine notifications (end-user spam notifications) in EOP"). The message it lists was
/// not delivered to the inbox: the receiver's filter keeps it until someone releases it. The
/// notification's own hops are Microsoft's, not the held message's.
pub(crate) fn quarantine_notice(from: Option<&str>, subject: Option<&str>) -> bool {
    from.is_some_and(|a| {
        a.trim()
            .eq_ignore_ascii_case("quarantine@messaging.microsoft.com")
    }) && subject.is_some_and(|s| s.to_ascii_lowercase().contains("quarantine"))
}

/// What a receiver's recorded DMARC result says (`extra` is
/// [`super::evidence::Recorded::extra`], lowercase): the disposition it wrote (RFC 7489 section
/// 7.2's `disposition`, what the receiver did, which may differ from the domain's `p=`: Google's
/// comment `dis=`, Microsoft's `action=`), the published policy it recorded (`p=`, rspamd's
/// `(policy=...)`), and whether the policy applied to a sample only (`pct=` below 100).
struct DmarcRecorded<'a> {
    disposition: Option<&'a str>,
    p: Option<&'a str>,
    policy: Option<&'a str>,
    sampled: bool,
}

fn dmarc_recorded(extra: &str) -> DmarcRecorded<'_> {
    let mut words = extra
        .split([' ', '(', ')', ';', ','])
        .filter(|w| !w.is_empty());
    let value = |prefix: &str| words.clone().find_map(|w| w.strip_prefix(prefix));
    DmarcRecorded {
        disposition: value("dis=").or_else(|| value("action=")),
        p: value("p="),
        policy: value("policy="),
        sampled: words.any(|w| {
            w.strip_prefix("pct=")
                .and_then(|n| n.parse::<u8>().ok())
                .is_some_and(|n| n < 100)
        }),
    }
}

/// Whether the receiver's recorded DMARC result says it applied the quarantine disposition:
/// Microsoft's `action=quarantine` and `action=oreject` ("override reject": filed as junk
/// instead of rejected) both mean the Junk folder, and `pct.quarantine` means the policy was
/// sampled out (not applied).
fn dmarc_quarantined(extra: &str) -> bool {
    matches!(
        dmarc_recorded(extra).disposition,
        Some("quarantine" | "oreject" | "o.reject")
    )
}

/// Whether the receiver recorded a DMARC failure under the policy quarantine without writing
/// what it did (Yahoo and AOL write only the published policies: `dmarc=fail(p=QUARANTINE,
/// sp=QUARANTINE)`): a receiver that applies DMARC then treats the message as the policy asks,
/// which RFC 7489 section 6.3 describes as "place into spam folder". A recorded disposition
/// decides instead ([`dmarc_quarantined`]), and a policy applied to a sample (`pct=` below 100)
/// may not have been applied to this message.
fn quarantine_without_disposition(extra: &str) -> bool {
    let d = dmarc_recorded(extra);
    d.disposition.is_none() && !d.sampled && d.p == Some("quarantine")
}

/// The DMARC policy the receiver applied to a failure, as it recorded it: `quarantine` or
/// `reject`. A recorded disposition decides (`oreject` is a reject policy the receiver turned
/// into the Junk folder); with none written, the published policy it recorded is the one a
/// receiver that applies DMARC acts on (RFC 7489 section 6.3), unless it was applied to a
/// sample only. `none` as the disposition, or Microsoft's `pct.quarantine` (sampled out), is no
/// policy applied.
fn applied_policy(extra: &str) -> Option<&'static str> {
    let named = |w: &str| match w {
        "quarantine" => Some("quarantine"),
        "reject" | "oreject" | "o.reject" => Some("reject"),
        _ => None,
    };
    let d = dmarc_recorded(extra);
    match d.disposition {
        Some(dis) => named(dis),
        None if d.sampled => None,
        None => d.p.or(d.policy).and_then(named),
    }
}

/// The customer's own words above the paste, when they say the message went to spam.
/// The customer's own lines around the paste (prose the reader skipped).
pub(super) fn prose<'r>(ctx: &Context<'r>) -> impl Iterator<Item = &'r Evidence> {
    ctx.r
        .findings
        .iter()
        .filter(|f| f.code == "input.skipped-line" || f.code == "input.skipped-prose")
        .flat_map(|f| f.evidence.iter())
}

fn customer_note(ctx: &Context) -> Option<Evidence> {
    // The customer says the pasted copy arrived in the Inbox (a test they sent themselves,
    // while others' copies went to spam): their spam words are about other copies.
    // Read joined: a sentence a ticket form wrapped runs over several of the lines.
    let joined = prose(ctx)
        .map(|e| e.text.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    if says_inbox(&joined) {
        return None;
    }
    let told = |e: &&Evidence| {
        let line = e.text.to_ascii_lowercase();
        !line.contains("x-spam") && !looks_like_field(&line)
    };
    // The sentences read whole, as for the Inbox above: a guess or a denial on the line
    // above the spam word (a sentence the ticket form wrapped) still takes it back.
    let sentences = prose(ctx)
        .filter(told)
        .map(|e| e.text.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    says_spam_sentences(&sentences).next()?;
    prose(ctx)
        .filter(told)
        .find(|e| {
            // A sentence that says so: not a question ("Was it stuck on our server or in a
            // spam filter?") and not a denial ("it is not in spam either").
            says_spam_sentences(&e.text.to_ascii_lowercase())
                .next()
                .is_some()
        })
        .cloned()
}

/// The sentences of a customer's line (lowercase) that say the message went to spam or junk:
/// "spam" or "junk" as a word of its own (not inside a name, "reports.spamcop.net"; French
/// writes the folder "les spams"), or "bulk folder", in a sentence that is no question (but for one that asks why) and holds no denial.
/// In other languages, the spam folder's own name where the mail programs localize it
/// ([`SPAM_FOLDERS`]), in a sentence without that language's negation.
fn says_spam_sentences(line: &str) -> impl Iterator<Item = &str> {
    line.split_inclusive(['.', '!', '?', '。', '！', '？'])
        // A question asks; but one that asks why takes the placement as given ("Why is the
        // garden centre going to my junk folder?").
        .filter(|s| {
            !s.trim_end().ends_with(['?', '？'])
                || s.split(|c: char| !c.is_alphanumeric())
                    .any(|w| WHY.contains(&w))
                || s.contains("por qué")
                || s.contains("por que")
        })
        .filter(|s| {
            // The folder's name is no denial ("correo no deseado"): it stands as the word spam.
            let mut rest = s.to_string();
            for f in SPAM_FOLDERS {
                if rest.contains(f) {
                    rest = rest.replace(f, " spam ");
                }
            }
            let words: Vec<&str> = rest
                .split(|c: char| !c.is_alphanumeric() && c != '@' && c != '\'')
                .map(|x| x.trim_matches('\''))
                .filter(|x| !x.is_empty())
                .collect();
            // A placement is denied by a negation shortly before its word ("it is not in spam",
            // "nie ma jej w spamie", "we did not find it in the spam folder"), not by one
            // elsewhere in the sentence ("found it in her Spam folder (not the first time)").
            // "Spam detection software", "spam filter", "spam score": the filter named, not
            // a placement.
            let filter_named = |i: usize| {
                words.get(i + 1).is_some_and(|n| {
                    [
                        "detection",
                        "filter",
                        "filters",
                        "score",
                        "software",
                        "check",
                        "report",
                        "status",
                        "flag",
                        "rules",
                        "assassin",
                    ]
                    .contains(n)
                })
            };
            // "Anti-spam" ("the « IronPort Anti-Spam » headers"): a filter's name too.
            let anti = |i: usize| i > 0 && words.get(i - 1) == Some(&"anti");
            // A guess ("quizá nuestros correos a Gmail van a spam", maybe our mails to Gmail
            // go to spam) supposes the placement anywhere before its word in the same clause.
            let clauses: Vec<usize> = clause_starts(&rest, &words);
            let said = words.iter().enumerate().any(|(i, w)| {
                let spam = (SPAM_WORDS.contains(w) && !filter_named(i) && !anti(i))
                    || (*w == "bulk" && words.get(i + 1) == Some(&"folder"));
                let clause = clauses
                    .iter()
                    .rev()
                    .find(|&&c| c <= i)
                    .copied()
                    .unwrap_or(0);
                spam && !words[i.saturating_sub(6)..i]
                    .iter()
                    .any(|p| NEGATIONS.contains(p) || GUESSES.contains(p))
                    && !words[clause..i].iter().any(|p| GUESSES.contains(p))
                    && !words[clause..i]
                        .windows(2)
                        .any(|w| FEARS.contains(&w[0]) && w[1] == "that")
            });
            // Japanese negates with the verb's ending: ない, ません, なかった, and the
            // continuative ず / なく ("迷惑メールには入らず受信トレイに届いています": not into spam,
            // it reaches the inbox; "迷惑メールではなく"). Korean with 않 (않습니다, 않아요:
            // "does not") and 없 (없습니다: "there is none").
            said && ![
                "ない",
                "ません",
                "なかった",
                "らず",
                "れず",
                "ではなく",
                "ことなく",
                "않",
                "없",
            ]
            .iter()
            .any(|n| rest.contains(n))
        })
}

/// The Inbox's name as Gmail and Outlook show it in the customer's language (Gmail's localized
/// system labels: Inbox, Posteingang, Boîte de réception, Recibidos, Caixa de entrada, Posta in
/// arrivo, Postvak IN, Inkorgen, Odebrane, Doručená pošta; Outlook's Skrzynka odbiorcza).
/// Gmail's inbox categories are tabs of the Inbox (Google's Gmail help, "Add or remove inbox
/// categories & tabs": Primary, Promotions, Social, Updates, Forums): a message under
/// Promotions ("Promociones", "Promoções", "Promozioni") was delivered to the Inbox.
const INBOX_NAMES: [&str; 17] = [
    "inbox",
    "promotions",
    "promociones",
    "promoções",
    "promozioni",
    "posteingang",
    "boîte de réception",
    "recibidos",
    "bandeja de entrada",
    "caixa de entrada",
    "posta in arrivo",
    "postvak in",
    "inkorgen",
    "odebrane",
    "skrzynka odbiorcza",
    "doručená pošta",
    "doručené pošty",
];

/// Whether a customer's line (lowercase) says a copy arrived in the Inbox: a sentence that
/// names it ([`INBOX_NAMES`]) with no negation ([`NEGATIONS`]) and no spam word in it, not a
/// question.
fn says_inbox(line: &str) -> bool {
    line.split_inclusive(['.', '!', '?', '。', '！', '？'])
        .filter(|s| !s.trim_end().ends_with(['?', '？']))
        .any(|s| {
            // An aside in parentheses is read apart from the sentence around it: "now it arrives
            // in the Inbox (before, it went to Spam)" says where the message is now.
            let s = &without_asides(s);
            let words: Vec<&str> = s
                .split(|c: char| !c.is_alphanumeric() && c != '\'')
                .filter(|x| !x.is_empty())
                .collect();
            INBOX_NAMES.iter().any(|n| s.contains(n))
                && !words
                    .iter()
                    .any(|w| NEGATIONS.contains(w) || GUESSES.contains(w) || SPAM_WORDS.contains(w))
                && !SPAM_FOLDERS.iter().any(|f| s.contains(f))
        })
}

/// The sentence without what stands in parentheses (at most 8 asides; an unclosed one runs to
/// the end).
fn without_asides(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0u32;
    let mut asides = 0;
    for c in s.chars() {
        match c {
            '(' if asides < 8 => {
                depth += 1;
                asides += 1;
            }
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The spam folder's word in a customer's sentence: English, Swedish "Skräppost" (Microsoft's
/// Swedish Outlook help: "mappen Skräppost"; Gmail's Swedish label) with its definite form, and
/// Polish, which inflects it ("do spamu", into spam; "w spamie", in spam).
const SPAM_WORDS: [&str; 11] = [
    "spam",
    "spams",
    "junk",
    "skräppost",
    "skräpposten",
    "spamu",
    "spamie",
    // Russian (Yandex's and Mail.ru's folder «Спам»; the text is lowercased as ASCII only, so
    // the capitalized folder name is a word of its own).
    "спам",
    "Спам",
    "спаме",
    "спама",
];

/// "Why" in the languages of [`SPAM_FOLDERS`]: a question that asks why ("Why is it going to
/// junk?", "... they end up in junk, can you see why?") takes the placement as given.
/// (Spanish and Portuguese ask "por qué", "por que".)
const WHY: [&str; 7] = [
    "why", "pourquoi", "warum", "perché", "waarom", "varför", "dlaczego",
];

/// The spam folder's name as the mail programs show it in other languages: Outlook's Junk
/// Email folder (Microsoft's localized Outlook: "Courrier indésirable", "Posta indesiderata",
/// "Ongewenste e-mail", "Lixo Eletrônico", "Correo no deseado"), Gmail's and Outlook's Japanese
/// 迷惑メール (see [`gmail_spam_label`]), and Quebec French "pourriel" (the Office québécois de
/// la langue française's term for spam), and Gmail's Korean 스팸함 (its Spam label in Korean).
/// German's "Spam-Ordner" and "Junk-E-Mail" hold the English words already; Swedish and
/// Polish are in [`SPAM_WORDS`], matched as words.
const SPAM_FOLDERS: [&str; 8] = [
    "courrier indésirable",
    "pourriel",
    "posta indesiderata",
    "ongewenste e-mail",
    "lixo eletrônico",
    "correo no deseado",
    "迷惑メール",
    "스팸함",
];

/// Words that deny a placement, in the languages of [`SPAM_FOLDERS`] ("it is not in spam
/// either", "n'est pas dans les pourriels", "nicht im Spam"). The words that only suppose it
/// ("maybe it went to spam", "forse è finita nello spam") are [`GUESSES`], read with them.
const NEGATIONS: [&str; 21] = [
    // Russian "не", "нет" (and capitalized at a sentence's start).
    "не", "Не", "нет", "not", "never", "isn't", "wasn't", "didn't", "doesn't", "no", "pas",
    "jamais", "nicht", "kein", "niet", "não", "nunca", "inte", "aldrig", "nie", "non",
];

/// The words that only suppose a placement, in the languages of [`SPAM_FOLDERS`]: a guess
/// ("maybe", "quizá", "vielleicht"), read anywhere before the spam word in its clause.
const GUESSES: [&str; 21] = [
    "maybe",
    "probably",
    "probablemente",
    "probablement",
    "wahrscheinlich",
    "provavelmente",
    "waarschijnlijk",
    "perhaps",
    "possibly",
    "might",
    "forse",
    "vielleicht",
    "eventuell",
    "peut",
    "quizás",
    "quizá",
    "talvez",
    "misschien",
    "może",
    "kanske",
    "probabilmente",
];

/// A fear stated as such supposes the placement too: one of these words followed by "that"
/// before the spam word in its clause ("I'm worried that my emails went to spam", "panicking
/// that ..."); not a worry about a placement stated as fact ("we are concerned because all
/// our invoices go to spam").
const FEARS: [&str; 6] = [
    "worried",
    "worry",
    "afraid",
    "fear",
    "panicking",
    "concerned",
];

/// The index of the first word of each clause of a sentence (after a comma, a semicolon or a
/// colon), for the words `words` split from `text` in order.
fn clause_starts(text: &str, words: &[&str]) -> Vec<usize> {
    let mut starts = vec![0];
    let mut at = 0;
    for (i, w) in words.iter().enumerate() {
        let Some(found) = text[at..].find(w) else {
            break;
        };
        if i > 0 && text[at..at + found].contains([',', ';', ':']) {
            starts.push(i);
        }
        at += found + w.len();
    }
    starts
}

/// Whether a line reads as a header field (`name: value`, the name without spaces) rather than
/// a sentence that happens to hold a colon ("Show original:").
fn looks_like_field(line: &str) -> bool {
    line.split_once(':').is_some_and(|(name, _)| {
        let name = name.trim();
        !name.is_empty() && !name.contains(char::is_whitespace)
    })
}

/// Whether the paste is too damaged to tell what happened, and why.
pub(super) fn paste_damage(ctx: &Context) -> Option<String> {
    let r = ctx.r;
    if let Some(b) = &r.bounce
        && b.kind == crate::checks::bounce::BounceKind::Bounce
        && b.recipients.iter().all(|x| {
            x.reply_code.is_none()
                && x.status.is_none()
                && matches!(x.reason.name(), "onhold" | "undefined")
        })
    {
        // A non-delivery notice whose recipient lines are missing (a delay notice may say no
        // more than that the server keeps trying): the per-recipient part of a
        // delivery status notification (RFC 3464 section 2.3: Final-Recipient, Action, Status,
        // Diagnostic-Code) and the human-readable lines that carry the same (Postfix's bounce
        // template puts "<address>: host ... said: ..." after "The mail system") were not
        // pasted: no reply code, no status and no words that name a reason (Sisimai's
        // "onhold"/"undefined"), so nothing says which address failed or why.
        return Some("The paste is only the opening of a bounce: it says a message could not be delivered, but the lines that name the failed address and the remote server's answer (and the delivery report and returned message attached to it) are not in it. Paste the whole bounce message (open it and use \"Show original\" or \"View source\", or forward it as an attachment).".into());
    }
    // A quarantine notification is whole without a trace of its own: what it reports is in its
    // text (the held message's sender, subject and date), not in a Received chain.
    if r.bounce
        .as_ref()
        .is_some_and(|b| b.kind != crate::checks::bounce::BounceKind::NotBounce)
        || delivery_report(ctx)
        || quarantine_notice(
            r.message.from.as_ref().and_then(|m| m.address.as_deref()),
            r.message.subject.as_deref(),
        )
    {
        return None;
    }
    let has = |name: &str| r.headers.iter().any(|h| h.name.eq_ignore_ascii_case(name));
    if r.headers.is_empty() {
        return Some("No header fields were found in the paste: it cannot show what happened to the message. Copy the whole header (Gmail: Show original; Outlook: File > Properties > Internet headers) and paste all of it.".into());
    }
    // Every long line cut at one width (a terminal pager's chopped lines): what the receiver
    // recorded after that column is gone.
    // The same damage shows in the fields themselves, however the lines were carried
    // afterwards: structured fields whose value stops inside a comment, an address literal, an
    // angle-bracketed address or a quoted string (RFC 5322 sections 3.2.2 to 3.2.4 and 3.4:
    // each is closed within its field; RFC 5321 4.4 for Received).
    let cut_fields = r
        .headers
        .iter()
        .filter(|h| {
            [
                "Received",
                "Authentication-Results",
                "ARC-Authentication-Results",
                "Received-SPF",
                "Content-Type",
                "From",
                "To",
                "Cc",
                "Reply-To",
                "Return-Path",
                "Message-ID",
            ]
            .iter()
            .any(|n| h.name.eq_ignore_ascii_case(n))
        })
        .filter(|h| !h.value.ends_with("bytes more]") && crate::parse::input::leaves_open(&h.value))
        .count();
    let chopped = r.findings.iter().find(|f| f.code == "input.chopped-lines");
    if chopped.is_some() || cut_fields >= 3 {
        let what = chopped.map_or_else(
            || format!("{cut_fields} header fields stop inside a parenthesis, bracket or quote that they never close: their lines were cut off (copied from a terminal or a window that truncates long lines), and what stood after the cut is lost."),
            |f| f.title.clone(),
        );
        return Some(format!(
            "{what} Nothing read from these lines can be trusted to be complete: copy the header again from the mail program (\"Show original\", \"View source\") or save it to a file, not from a terminal window."
        ));
    }
    // A quarantine notification's listing is all the notification shows of the held message:
    // nothing was cut off.
    if quarantine_listing(ctx).is_some() {
        return None;
    }
    // The receiver's verdict read from the paste's fields, not the customer's own words.
    let recorded_verdict =
        spam_verdict(ctx).is_some_and(|v| customer_note(ctx).is_none_or(|n| n.text != v.text));
    if !has("Received") {
        // A field that records the receiver's verdict can be pasted on its own (the line a
        // customer was asked about): the verdict is read, the rest cannot be seen.
        let seen = if recorded_verdict {
            "the receiver's verdict in it is read below, but the path the message took and the sender's checks cannot be seen"
        } else {
            "it cannot show where the message went or what the receiver decided"
        };
        return Some(format!(
            "The paste holds {} header field(s) and no Received lines, so it is not the whole header: {seen}. Copy the whole header (Gmail: Show original; Outlook: File > Properties > Internet headers) and paste all of it.",
            r.headers.len()
        ));
    }
    // The originator fields stand below the Received chain: without From and Date, the paste
    // was cut off before the end of the header, unless what the receiver recorded is in it, its
    // verdict or its authentication results (the fields a customer was asked for, Received and
    // the receiver's, copied without the rest): then the paste is what was asked for, and the
    // diagnosis reads what the receiver recorded. A placement the customer tells in their own
    // words is nothing the receiver recorded.
    if !has("From") && !has("Date") && !recorded_verdict && ctx.recorded.is_empty() {
        return Some("The paste ends before the message's own fields (From, Date): it was cut off, so the receiver's verdict may be missing. Paste the whole header.".into());
    }
    None
}

/// Damage the reader repaired, announced at the top although the paste could still be read:
/// folded lines that lost the white space that marks them as continuations (RFC 5322 section
/// 2.2.3: a folded field's later lines begin with a space or tab), which the reader joined back
/// to the field above. The reading rests on that repair, so the reader must know it was made;
/// unlike [`paste_damage`] it does not make the outcome unknown.
pub(super) fn paste_repaired(ctx: &Context) -> Option<String> {
    if ctx
        .r
        .findings
        .iter()
        .any(|f| f.code == "input.doubled-line-ends")
    {
        return Some("Every line of the paste was followed by a blank line (each line end doubled on the way, as when CR and LF are both taken as line ends): a blank line ends the header, so the extra ones were removed to read it. If something below looks wrong, copy the header again from the mail program.".into());
    }
    if ctx
        .r
        .findings
        .iter()
        .any(|f| f.code == "input.joined-lines")
    {
        return Some("The header's lines had been joined into one (its line ends replaced by spaces on the way, as some web forms and ticket systems do): it was split again before each field name to read it. If something below looks wrong, copy the header again from the mail program.".into());
    }
    let rejoined = ctx
        .r
        .findings
        .iter()
        .find(|f| f.code == "input.rejoined-lines")?;
    Some(format!(
        "The paste lost the indentation of folded header lines ({} line(s) rejoined to the field above them): it was damaged on the way (a web form or ticket system that strips leading spaces or wraps long lines) and repaired as well as the field names allow. If something below looks wrong, copy the header again from the mail program.",
        rejoined.evidence.len().max(1)
    ))
}

/// The causes for a message the receiver filed as spam.
pub(super) fn spam_causes(ctx: &Context) -> Vec<Cause> {
    // The recipient's own Blocked Senders list, or their organization's block list or mail flow
    // rule, decides alone.
    if let Some(c) = receiver_policy(ctx) {
        return vec![c];
    }
    let mut out = Vec::new();
    let verdict = spam_verdict(ctx);
    // A placement only the customer's words tell, on a paste without a single header field
    // (a forward's text), or on an incomplete one that holds nothing the receiver recorded (no
    // authentication results, no filter's verdict or rules: the part of the header that says
    // why was not pasted): nothing in it says why, and a guess would be no finding (the
    // scenarios README's `content` is the receiver's recorded verdict).
    let nothing_recorded = ctx.recorded.is_empty() && ctx.rules.is_empty() && ctx.r.spam.is_empty();
    if let Some(v) = &verdict
        && (ctx.r.headers.is_empty() || nothing_recorded)
        && customer_note(ctx).is_some_and(|n| n.text == v.text)
        && let Some(text) = paste_damage(ctx)
    {
        return vec![damaged(ctx, text, Source::Headers)];
    }
    // 1. A forward that broke authentication, which ARC shows was genuine before, or which an
    // SRS envelope shows was a forward.
    if let Some(c) = forwarding(ctx)
        .or_else(|| srs_forward(ctx))
        .or_else(|| plain_forward(ctx))
        .or_else(|| gateway_spf(ctx))
        .or_else(|| list_forward(ctx))
    {
        out.push(c);
    }
    // 2. Authentication failures the receiver recorded. On mail that claims the recipient's
    // own domain or address, which nothing authenticated, the failure shows a forgery: the
    // fix for the failure (list that server in SPF) would authorize the forger. A failure
    // recorded for the recipient's own gateway says nothing about the sender's setup.
    // So does one a plain forward explains: the failures it recorded are the forward's (SPF
    // checked against the forwarder's address, the signature broken by its change).
    let gateway = out
        .iter()
        .any(|c| c.code == "forward.gateway-spf" || c.code == "forward.plain");
    if let Some(c) = own_domain_forged(ctx, true)
        .or_else(|| recorded_auth_failure(ctx))
        .filter(|_| !gateway)
    {
        out.push(c);
    }
    // 3. The filter's own rules about the sender's setup, by score.
    for c in setup_rules(ctx) {
        if !out.iter().any(|o: &Cause| o.topic == c.topic) {
            out.push(c);
        }
    }
    // 4. Impersonation the headers show (unless step 2 found the forgery already).
    if let Some(c) = spoofing(ctx).filter(|c| !out.iter().any(|o| o.code == c.code)) {
        out.push(c);
    }
    // 5. Live checks today that nothing recorded contradicts: a listing, no reverse DNS.
    // A filter that wrote down the scored rules behind its verdict (SpamAssassin's tests,
    // rspamd's symbols) said why it filed the message: its blocklist rules (RCVD_IN_*, RBL_*)
    // would be among them had the sending server been listed then, so a listing found only
    // today is no reason for this message (it is told as found now, not as the cause). So is
    // one found today where Microsoft's filter recorded that the connecting IP was on no IP
    // reputation list when the message arrived (X-Forefront-Antispam-Report's "IPV:NLI",
    // Microsoft Learn, anti-spam message headers), for the sending IP it recorded (CIP).
    if out.is_empty() {
        let dnsbl = |code: &str| {
            let code = code.to_ascii_uppercase();
            code.contains("RBL") || code.contains("RCVD_IN") || code.contains("DNSBL")
        };
        let itemized = ctx
            .rules
            .iter()
            .any(|r| r.kind == "content" && r.score.is_some_and(|s| s >= 1.0))
            && !ctx
                .rules
                .iter()
                .any(|r| r.topic == "blocklist" || dnsbl(&r.code))
            && !ctx.r.headers.iter().any(|h| dnsbl(&h.name));
        let ip = ctx.ip();
        let unlisted_then = ctx.r.headers.iter().any(|h| {
            h.name.eq_ignore_ascii_case("X-Forefront-Antispam-Report") && {
                let fields: Vec<&str> = h.value.split(';').map(str::trim).collect();
                fields.contains(&"IPV:NLI")
                    && fields.iter().any(|f| {
                        f.strip_prefix("CIP:").is_some_and(|c| {
                            ip.as_deref().is_some_and(|ip| c.eq_ignore_ascii_case(ip))
                        })
                    })
            }
        });
        let not_listed_then = itemized || unlisted_then;
        out.extend(
            live_reputation(ctx)
                .into_iter()
                .filter(|c| !(not_listed_then && c.code == "blocklist.ip.listed")),
        );
    }
    // 6. Otherwise the filter's judgement of the message itself: a category it names
    // (phishing, impersonation), or its content verdict.
    if out.is_empty() || out.iter().all(|c| c.certainty == Certainty::Likely) {
        out.push(phishing_verdict(ctx).unwrap_or_else(|| content_verdict(ctx, verdict)));
    }
    out
}

/// Microsoft's SFV:BLK: "filtering was skipped and the message was blocked because it was sent
/// from an address in a user's Blocked Senders list", and SFV:SKB: "the message was marked as
/// spam because it matched a sender in the blocked senders list or blocked domains list in an
/// anti-spam policy" (Microsoft Learn, anti-spam message headers). The recipient's own choice,
/// or their organization's, whatever the authentication.
/// SpamAssassin's USER_IN_BLOCKLIST (USER_IN_BLACKLIST before 4.0): the sender matched a
/// `blocklist_from` entry of the receiving system or the recipient's own preferences
/// (Mail::SpamAssassin::Conf: "Used to specify senders which are considered spammers"; the
/// rule adds 100 points), the same choice. MailScanner's "spam (blacklisted)": the sender matched
/// the site's "Is Definitely Spam" rules and was marked spam without further checks
/// (`checks::spam::mailscanner`).
fn receiver_policy(ctx: &Context) -> Option<Cause> {
    use crate::report::diagnosis::{Actor, NextStep};
    let rule = ctx.rules.iter().find(|r| {
        (r.filter.contains("Microsoft")
            && matches!(r.code.as_str(), "SFV:BLK" | "SFV:SKB" | "SFV:SKS"))
            || (r.topic == "policy"
                && matches!(r.code.as_str(), "USER_IN_BLOCKLIST" | "USER_IN_BLACKLIST"))
            || (r.topic == "policy" && r.filter == "MailScanner" && r.code == "BLACKLISTED")
    })?;
    // A rule that only acted on another filter's verdict (a gateway's spam tag in front of
    // Microsoft 365) leaves that verdict as the reason.
    if rule.code == "SFV:SKS"
        && ctx
            .rules
            .iter()
            .any(|r| !r.filter.contains("Microsoft") && r.kind != "allow")
    {
        return None;
    }
    let organization = rule.code != "SFV:BLK";
    let blocked_sender = rule.code.starts_with("USER_IN_") || rule.code == "BLACKLISTED";
    let (code, title, list, first) = if rule.code == "BLACKLISTED" {
        (
            "filter.mailscanner_blacklisted",
            "The recipient's mail system has this sender on its spam blacklist, so MailScanner marked the message as spam without further checks.",
            "the sender matched the receiving site's spam blacklist (MailScanner's \"Is Definitely Spam\" rules)",
            NextStep {
                who: Actor::RecipientAdmin,
                text: "If the mail is wanted, remove the sender's address or domain from the mail system's spam blacklist (MailScanner's spam.blacklist.rules or the blocked senders of its web interface) and move the message to the Inbox.".into(),
            },
        )
    } else if rule.code.starts_with("USER_IN_") {
        (
            "filter.user_in_blocklist",
            "The recipient's mail system has this sender's address on its block list, so its spam filter (SpamAssassin) filed the message as spam.",
            "the sender's address matched a block list entry of the receiving system or of the recipient's own spam settings (SpamAssassin's blocklist_from)",
            NextStep {
                who: Actor::RecipientAdmin,
                text: "If the mail is wanted, remove the sender's address from the block list (the mail system's blocked senders or the recipient's spam preferences) or add it to the allow list, and move the message to the Inbox.".into(),
            },
        )
    } else if rule.code == "SFV:SKS" {
        (
            "filter.sfv:sks",
            "A mail flow rule of the recipient's organization marked the message as spam before spam filtering ran.",
            "a mail flow rule (transport rule) of the recipient's organization marked it as spam before spam filtering",
            NextStep {
                who: Actor::RecipientAdmin,
                text: "If the mail is wanted, find the mail flow rule that sets the spam confidence level for it (Exchange admin center, Mail flow > Rules), change it, and release the message.".into(),
            },
        )
    } else if organization {
        (
            "filter.sfv:skb",
            "The recipient's organization has this sender (or its domain) on the blocked senders or domains list of its anti-spam policy, so Microsoft 365 marked the message as spam.",
            "the sender's address (or domain) is on the blocked senders or domains list of the recipient organization's anti-spam policy",
            NextStep {
                who: Actor::RecipientAdmin,
                text: "If the mail is wanted, remove the sender or its domain from the anti-spam policy's blocked senders and domains lists (Microsoft Defender portal, anti-spam policies) and release the message.".into(),
            },
        )
    } else {
        (
            "filter.sfv:blk",
            "The recipient has this sender on their own Blocked Senders list, so Microsoft 365 put the message in Junk without filtering it.",
            "the sender's address (or domain) is on the recipient's Blocked Senders list",
            NextStep {
                who: Actor::Recipient,
                text: "If the mail is wanted, remove the sender from your Blocked Senders list (Outlook: Settings > Mail > Junk email) and move the message to the Inbox.".into(),
            },
        )
    };
    let mut cause = make_cause(
        ctx,
        code,
        "policy",
        title.into(),
        format!(
            "The receiving side recorded {} when the message arrived: {list}, and such mail goes to Junk whatever its authentication or content.",
            rule.code
        ),
        None,
        Certainty::Certain,
        Party::Receiver,
        Source::Receiver,
        vec![rule.evidence.clone()],
    );
    cause.actions = vec![
        first,
        NextStep {
            who: Actor::Sender,
            text: if blocked_sender {
                "Nothing to change on your side: the recipient's side blocked your address; ask them by another channel to unblock it."
            } else if organization {
                "Nothing to change on your side: the recipient's organization set this for your address or domain; ask them by another channel to change it."
            } else {
                "Nothing to change on your side: the recipient blocked your address; ask them by another channel to unblock it."
            }
            .into(),
        },
    ];
    cause.fix = cause.actions.first().map(|a| a.text.clone());
    Some(cause)
}

/// A filter's verdict that the message is phishing or impersonation (Microsoft's CAT:PHSH,
/// CAT:HPHSH, CAT:UIMP, CAT:DIMP, CAT:GIMP; `data/diagnosis/filter-rules.tsv` files them under
/// `spoofing`): the advice is not to trust the message, never to mark it "not junk".
/// A scored rule counts when it added the most to its filter's score (rspamd's
/// SPOOF_DISPLAY_NAME, rules/misc.lua: "Display name is being used to spoof and trick the
/// recipient"), as a domain blocklist rule does in `setup_rules`.
fn phishing_verdict(ctx: &Context) -> Option<Cause> {
    let rule = ctx.rules.iter().find(|r| {
        r.kind == "content"
            && r.topic == "spoofing"
            && (r.score.is_none() || strongest_in_filter(ctx, r))
    })?;
    // Microsoft's category meanings start "The category of protection that applied: ".
    let meaning = rule
        .meaning
        .as_deref()
        .map(|m| {
            let m = m.rsplit(": ").next().unwrap_or(m).trim_end_matches('.');
            let mut c = m.chars();
            c.next()
                .map(|f| f.to_lowercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| rule.code.clone());
    let from = ctx.sender_domain().unwrap_or("its sender's domain");
    let auth_ok = ctx.rec("dmarc").is_some_and(|d| d.result == "pass")
        || ctx.rec("compauth").is_some_and(|d| d.result == "pass");
    let passed = if auth_ok {
        format!(
            " Authentication that passed only shows that the message came from {from}, not that its sender is who the name claims."
        )
    } else {
        String::new()
    };
    Some(make_cause(
        ctx,
        &format!("filter.{}", rule.code.to_ascii_lowercase()),
        "spoofing",
        format!(
            "{} judged it to be phishing or impersonation ({}: {meaning}).",
            rule.filter, rule.code
        ),
        format!(
            "The receiving side's filter ({}) classed the message as {meaning} when it arrived.{passed} Treat it as a phishing attempt unless the sender confirms it by another channel.",
            rule.filter
        ),
        None,
        Certainty::Certain,
        Party::Sender,
        Source::Receiver,
        vec![rule.evidence.clone()],
    ))
}

/// The causes for a message that was delivered: usually none.
pub(super) fn delivered_causes(ctx: &Context) -> Vec<Cause> {
    let mut out = Vec::new();
    if let Some(c) = spoofing(ctx) {
        out.push(c);
    }
    if let Some(c) = forwarding(ctx)
        .or_else(|| srs_forward(ctx))
        .or_else(|| plain_forward(ctx))
        .or_else(|| gateway_spf(ctx))
        .or_else(|| list_forward(ctx))
    {
        out.push(c);
    }
    // A delivered message that was late: the wait is what happened to it; an authentication
    // failure the receiver let through did not delay it, and follows.
    let late = late(ctx).or_else(|| queue_wait(ctx));
    let late_first = out.is_empty() && late.is_some();
    out.extend(late.clone().filter(|_| late_first));
    if !out.iter().any(|c| c.topic != "late")
        && let Some(c) = recorded_auth_failure(ctx).or_else(|| dkim_broken_delivered(ctx))
    {
        out.push(c);
    }
    out.extend(attachment_removed(ctx));
    out.extend(late.filter(|_| !late_first));
    out
}

/// A delivery the sending server's own log shows came after a long wait in its queue (its
/// attempts deferred, `checks::bounce::postfix_log`): late, for the reason those attempts
/// logged. A wait for the sender's own relay (the submission ports, RFC 8314 and RFC 6409:
/// 465, 587) is the sender's side; one for the recipient's servers is theirs.
fn queue_wait(ctx: &Context) -> Option<Cause> {
    use crate::checks::bounce::postfix_log::LATE_WORDS;
    let b = ctx.r.bounce.as_ref()?;
    let r = b.recipients.iter().find(|r| {
        r.reason == crate::checks::bounce::Reason::Delivered
            && r.diagnostic
                .as_deref()
                .is_some_and(|d| d.starts_with(LATE_WORDS))
    })?;
    let words = r.diagnostic.as_deref()?;
    let own_relay = [":587", ":465"].iter().any(|p| words.contains(p));
    let (party, whose) = if own_relay {
        (Party::Sender, "the sending side's own relay")
    } else {
        (Party::Receiver, "the recipient's side")
    };
    Some(make_cause(
        ctx,
        "bounce.delivered-late",
        "late",
        format!(
            "The message was delivered late: the sending server's log shows its attempts deferred ({whose}) before it went out."
        ),
        format!("{}: {words}.", r.address),
        None,
        Certainty::Certain,
        party,
        Source::Bounce,
        vec![Evidence {
            line: None,
            text: crate::vocab::text::clip_ellipsis(words, 300),
        }],
    ))
}

/// A delivered message whose From domain's own DKIM signature the receiver recorded as not
/// verifying while DMARC passed on SPF alone (RFC 7489 section 4.2: either suffices): the
/// message arrived, but the setup is broken (a footer added after signing, a key not
/// published), and mail that is forwarded, where SPF no longer passes, fails DMARC.
fn dkim_broken_delivered(ctx: &Context) -> Option<Cause> {
    let from = ctx.sender_domain()?.to_string();
    let d = broken_own_signature(ctx, &from).or_else(|| {
        ctx.recorded.iter().find(|x| {
            x.method == "dkim"
                && x.result == "permerror"
                && x.domain
                    .as_deref()
                    .is_some_and(|d| crate::vocab::domain::same_org(d, &from))
        })
    })?;
    if ctx.recorded.iter().any(|x| {
        x.method == "dkim"
            && x.result == "pass"
            && x.domain
                .as_deref()
                .is_some_and(|d| crate::vocab::domain::same_org(d, &from))
    }) {
        return None;
    }
    let domain = d.domain.clone().unwrap_or_else(|| from.clone());
    let why = if d.extra.contains("no key") || d.extra.contains("key not found") {
        format!(
            "no public key was found for the signature: the selector's DKIM record is not published in {domain}'s DNS"
        )
    } else {
        "the message was changed after it was signed (a footer or disclaimer added by a gateway) or was signed with a key that is not published".to_string()
    };
    Some(make_cause(
        ctx,
        "recorded.dkim-fail-delivered",
        "dkim",
        format!(
            "The DKIM signature of {domain} did not verify, although the message was delivered."
        ),
        format!(
            "The receiver recorded DKIM {} for {domain}: {why}. SPF carried DMARC this time; where SPF does not pass (a forward, another sending server), the same message fails DMARC.",
            d.result
        ),
        None,
        Certainty::Likely,
        Party::Sender,
        Source::Receiver,
        vec![d.evidence.clone()],
    ))
}

/// A filter on the receiving side removed an attachment and delivered the rest
/// (`checks::spam::removed`): the receiving side's attachment policy, recorded at delivery.
fn attachment_removed(ctx: &Context) -> Option<Cause> {
    use crate::report::diagnosis::{Actor, NextStep};
    let (title, detail, certainty, evidence) = match ctx
        .r
        .findings
        .iter()
        .find(|f| f.code == "filter.attachment-removed")
    {
        Some(f) => (
            f.title.clone(),
            f.detail.clone(),
            Certainty::Certain,
            f.evidence.clone(),
        ),
        // The customer quotes the text Exchange's attachment filter puts in place of a file it
        // strips: the Attachment Filtering agent's Strip action replaces the attachment with a
        // text file whose default text is "This attachment was removed." (the AdminMessage
        // parameter of Set-AttachmentFilterListConfig, Microsoft Learn).
        None => {
            let e = prose(ctx).find(|e| {
                e.text
                    .to_ascii_lowercase()
                    .contains("this attachment was removed")
            })?;
            (
                "The receiving side's mail filter removed an attachment from the message before delivery.".to_string(),
                "The customer quotes the text an Exchange attachment filter leaves in place of a file it strips (\"This attachment was removed.\", in a text file named after the original): the message was delivered without it.".to_string(),
                Certainty::Likely,
                vec![e.clone()],
            )
        }
    };
    let mut cause = make_cause(
        ctx,
        "filter.attachment-removed",
        "policy",
        title,
        format!(
            "{detail} The receiving side's policy refuses such files (program installers and scripts, most often); the sender's server and DNS are not the reason."
        ),
        None,
        certainty,
        Party::Receiver,
        Source::Receiver,
        evidence,
    );
    cause.actions = vec![
        NextStep {
            who: Actor::Sender,
            text: "Send the file another way: a download link, or ask the recipient which format their mail system lets through.".into(),
        },
        NextStep {
            who: Actor::RecipientAdmin,
            text: "If such files should arrive, allow the file type for this sender in the mail filter's attachment rules.".into(),
        },
    ];
    cause.fix = cause.actions.first().map(|a| a.text.clone());
    Some(cause)
}

/// The causes when the paste does not show what happened.
pub(super) fn unknown_causes(ctx: &Context) -> Vec<Cause> {
    paste_damage(ctx)
        .map(|text| damaged(ctx, text, Source::Headers))
        .into_iter()
        .collect()
}

/// The cause of a paste too damaged or incomplete to tell more: `text` says what is missing.
pub(super) fn damaged(ctx: &Context, text: String, source: Source) -> Cause {
    make_cause(
        ctx,
        "diagnosis.paste-damaged",
        "paste-damaged",
        "The paste is incomplete or damaged.".into(),
        text,
        None,
        Certainty::Certain,
        Party::Unknown,
        source,
        Vec::new(),
    )
}

/// A recorded SPF, DKIM or DMARC failure for the From domain, as the cause it points to.
fn recorded_auth_failure(ctx: &Context) -> Option<Cause> {
    let spf = ctx.rec("spf");
    let dkim_pass = ctx
        .recorded
        .iter()
        .any(|x| x.method == "dkim" && x.result == "pass");
    let aligned = |d: Option<&String>| {
        d.zip(ctx.sender_domain())
            .is_some_and(|(d, f)| crate::vocab::domain::same_org(d, f))
    };
    // A signature that failed; the From domain's own first. `neutral` for the From domain's
    // signature counts too: RFC 8601 section 2.7.1, the signature "could not be processed"
    // (Gmail's "dkim=neutral (no key for signature)", "(body hash did not verify)"), so it
    // could not pass DMARC; and `policy` (section 2.7.1: signed, but the signature was not
    // acceptable to the receiver's local policy, such as a key too short).
    let dkim_fail = ctx
        .recorded
        .iter()
        .find(|x| {
            x.method == "dkim"
                && aligned(x.domain.as_ref())
                && (matches!(x.result.as_str(), "fail" | "permerror" | "neutral" | "policy")
                    // Gmail's "dkim=temperror (no key for signature)": the key's name has no
                    // record, so the signature cannot verify however often it is retried.
                    || (x.result == "temperror" && x.extra.contains("no key")))
        })
        .or_else(|| {
            ctx.recorded
                .iter()
                .find(|x| x.method == "dkim" && matches!(x.result.as_str(), "fail" | "permerror"))
        });
    let dmarc = ctx.rec("dmarc");
    let compauth = ctx.rec("compauth");
    let dmarc_failed = dmarc.is_some_and(|d| d.result == "fail");
    // No DMARC evaluation: none recorded, or `dmarc=none` (RFC 7489 section 11.2 / RFC 8601:
    // the domain publishes no DMARC policy), or a value RFC 7489 section 11.2 does not define
    // (Yahoo's `dmarc=unknown` for a domain without a record), so SPF and DKIM stand alone.
    let dmarc_absent = dmarc.is_none_or(|d| {
        !matches!(
            d.result.as_str(),
            "pass" | "fail" | "temperror" | "permerror"
        )
    });
    let compauth_failed = compauth.is_some_and(|c| c.result == "fail");
    let dkim_aligned_pass = ctx
        .recorded
        .iter()
        .any(|x| x.method == "dkim" && x.result == "pass" && aligned(x.domain.as_ref()));
    // SPF that did not pass for the From domain: a fail, or a record so broken that it could
    // not be evaluated (permerror, RFC 7208 2.6.7: e.g. more than 10 DNS lookups).
    let spf_bad = spf.filter(|s| {
        matches!(s.result.as_str(), "fail" | "softfail")
            || (s.result == "permerror" && aligned(s.domain.as_ref()))
    });
    let spf_none = spf.filter(|s| matches!(s.result.as_str(), "none" | "neutral" | "permerror"));
    let ip = ctx.ip().unwrap_or_else(|| "the sending server".into());
    let from = ctx
        .sender_domain()
        .unwrap_or("the sender's domain")
        .to_string();
    let policy = dmarc
        .map(|d| {
            if d.extra.contains("quarantine") {
                // Filed as spam only where the receiver's record says so (the policy is a
                // request, RFC 7489 section 6.6.4: the receiver's own disposition decides;
                // a receiver that records only the policy applied it).
                if spam_verdict(ctx).is_some() {
                    " The domain's DMARC policy says quarantine, so the receiver filed it as spam."
                } else {
                    " The domain's DMARC policy says quarantine: receivers file such mail as spam unless their own filter decides otherwise."
                }
            } else if d.extra.contains("reject") {
                " The domain's DMARC policy says reject."
            } else {
                ""
            }
        })
        .unwrap_or("");
    // The DMARC policy the receiver applied to the failure. A message from a server the SPF
    // record does not list, with no signature of the From domain at all, is unauthenticated
    // mail, nothing in the domain's setup broken: what decided its fate is the policy the
    // domain published for such mail (RFC 7489 section 6.3, quarantine or reject), so the cause
    // is DMARC's, with the SPF failure as why DMARC failed. Under p=none, or with no policy,
    // the receiver weighed the SPF failure itself. A signature that did not verify, or an SPF
    // record that cannot be evaluated, is a broken piece of the setup and stays its own cause
    // whatever the policy (the scenarios README, "Topics").
    // A receiver that records the failure but neither the policy nor what it did (Mail.ru's
    // "dmarc=fail header.from=...") filed the message as spam: the policy the domain's record
    // publishes today is the one it applied, when it asks for quarantine or reject (RFC 7489
    // section 6.3), read from today's check.
    let recorded_silent = || {
        let d = dmarc.filter(|d| d.result == "fail")?;
        let rec = dmarc_recorded(&d.extra);
        if rec.p.is_some() || rec.disposition.is_some() || rec.policy.is_some() {
            return None;
        }
        spam_verdict(ctx)?;
        let live = ctx.r.auth.as_ref()?.dmarc.outcome.as_ref()?;
        if !ctx.dns.usable()
            || ctx
                .sender_domain()
                .is_none_or(|f| !live.from_domain.eq_ignore_ascii_case(f))
        {
            return None;
        }
        match live.applied_policy? {
            crate::checks::dmarc::Policy::Quarantine => Some("quarantine"),
            crate::checks::dmarc::Policy::Reject => Some("reject"),
            _ => None,
        }
    };
    let recorded_applied = dmarc
        .filter(|d| d.result == "fail")
        .and_then(|d| applied_policy(&d.extra));
    let applied = recorded_applied
        .or_else(recorded_silent)
        .filter(|_| dkim_fail.is_none());
    // The policy read from today's record, not from the receiver's: likely, and said so.
    let policy_now = applied.is_some() && recorded_applied.is_none();
    let mut evidence: Vec<Evidence> = Vec::new();
    for x in [spf, dkim_fail, dmarc, compauth].into_iter().flatten() {
        if !evidence.contains(&x.evidence) {
            evidence.push(x.evidence.clone());
        }
    }
    // Both of DMARC's ways failed for the From domain itself: SPF failed for it and its own
    // signature did not verify. DMARC passes when either passes (RFC 7489 section 4.2), so each
    // needs its fix; the signature that did not verify is the broken piece of the setup (a
    // gateway that changed the message after it was signed, a key not published) and names the
    // cause whatever the policy (the scenarios README, "Topics"), with SPF's failure beside it.
    if dmarc_failed
        && let Some(s) = spf_bad.filter(|s| s.result == "fail" && aligned(s.domain.as_ref()))
        && let Some(d) = dkim_fail.filter(|d| aligned(d.domain.as_ref()))
        && !dkim_aligned_pass
    {
        let ip_fix = spf_fix(ctx, &from).unwrap_or_default();
        return Some(make_cause(
            ctx,
            "recorded.dmarc-both-fail",
            "dkim",
            format!("The DKIM signature of {from} did not verify, and SPF failed too: DMARC failed."),
            format!(
                "The receiver recorded SPF {} for {from} ({ip} is not in its SPF record) and DKIM {} for its signature (the message was changed after it was signed, or the key is not published): with neither passing, DMARC failed.{policy}",
                s.result, d.result
            ),
            Some(format!(
                "{ip_fix} Have the message signed after the last change to it (a disclaimer or footer added by a gateway breaks the signature), or sign it on that gateway."
            ).trim().to_string()),
            Certainty::Certain,
            Party::Sender,
            Source::Receiver,
            evidence,
        ));
    }
    // SPF failed for the From domain itself (or with nothing else to pass DMARC). A pass for
    // another domain's signature does not help the From domain (RFC 7489 section 3.1.1); where
    // the recorded DMARC policy is none, or the domain has no DMARC record, no policy acted on
    // the failure, so the failed SPF of the From domain is what the receiver weighed.
    // A disposition of none recorded (Google's `dis=NONE`, Microsoft's `action=none`) is no
    // policy applied either.
    let policy_none = dmarc.is_some_and(|d| {
        d.extra.contains("p=none") || dmarc_recorded(&d.extra).disposition == Some("none")
    }) || dmarc_absent;
    // The From domain's own signature that did not verify is a broken piece of the setup and
    // comes first whatever SPF did (the scenarios README, "Topics"), unless SPF's record itself
    // could not be evaluated.
    let own_dkim_failed = dkim_fail.is_some_and(|d| aligned(d.domain.as_ref()))
        && !dkim_aligned_pass
        && (dmarc_failed || compauth_failed);
    if let Some(s) = spf_bad
        && (!dkim_pass
            || (!dkim_aligned_pass
                && (s.result == "permerror" || (policy_none && aligned(s.domain.as_ref())))))
        && (dmarc_failed || compauth_failed || dmarc_absent)
        && !(own_dkim_failed && s.result != "permerror")
    {
        let domain = s.domain.clone().unwrap_or_else(|| from.clone());
        if s.result == "permerror" {
            return Some(make_cause(
                ctx,
                "recorded.spf-fail",
                "spf",
                format!("SPF permerror for {domain}: its SPF record could not be evaluated."),
                format!(
                    "The receiver recorded SPF permerror when the message arrived: the SPF record of {domain} is broken (most often it needs more than the 10 DNS lookups SPF allows, or it has a syntax error), so SPF could not pass, and no DKIM signature for {domain} made up for it.{policy}"
                ),
                Some(format!(
                    "Repair the SPF record of {domain}: at most 10 includes, a, mx, ptr, exists and redirect in all (flatten or remove includes of services no longer used), one record only, valid syntax. The SPF section shows the record as it is now."
                )),
                Certainty::Certain,
                Party::Sender,
                Source::Receiver,
                evidence,
            ));
        }
        return Some(make_cause(
            ctx,
            "recorded.spf-fail",
            if applied.is_some() { "dmarc" } else { "spf" },
            match applied {
                Some(p) => format!(
                    "DMARC failed for {from} and its {p} policy was applied: SPF {} ({ip} is not allowed to send its mail) and no DKIM signature.",
                    s.result
                ),
                None => format!(
                    "SPF {} for {domain}: {ip} is not allowed to send its mail.",
                    s.result
                ),
            },
            format!(
                "The receiver recorded SPF {} when the message arrived: the SPF record of {domain} does not list {ip}, the server that delivered the message, and no DKIM signature made up for it.{policy}{}",
                s.result,
                match applied.filter(|_| policy_now) {
                    Some(p) => format!(
                        " The receiver recorded DMARC fail without the policy; the DMARC record of {from} says p={p} today, and the message was filed as spam."
                    ),
                    None => String::new(),
                }
            ),
            spf_fix(ctx, &domain),
            if policy_now {
                Certainty::Likely
            } else {
                Certainty::Certain
            },
            Party::Sender,
            Source::Receiver,
            evidence,
        ));
    }
    // A pass for another domain (the sending service's own signature) does not count for
    // DMARC (RFC 7489 section 3.1.1), so the From domain's failed signature is still the cause.
    if let Some(d) = dkim_fail
        && (!dkim_pass || (!dkim_aligned_pass && aligned(d.domain.as_ref())))
        // Or with no DMARC evaluation recorded (the receiver records none, Yandex's
        // Authentication-Results for one): the From domain's own signature that did not
        // verify is the broken piece of the setup the receiver weighed itself.
        && (dmarc_failed
            || compauth_failed
            || (dmarc_absent && aligned(d.domain.as_ref()) && !dkim_aligned_pass))
    {
        let domain = d.domain.clone().unwrap_or_else(|| from.clone());
        return Some(make_cause(
            ctx,
            "recorded.dkim-fail",
            "dkim",
            if d.result == "policy" {
                format!("The DKIM signature of {domain} was not accepted when the message arrived.")
            } else {
                format!("The DKIM signature of {domain} did not verify when the message arrived.")
            },
            if d.result == "policy" {
                format!(
                    "The receiver recorded DKIM policy for {domain}: the message was signed, but the signature did not meet the receiver's own rules (RFC 8601 section 2.7.1; commonly a key shorter than 1024 bits or a weak algorithm: RFC 8301 requires at least 1024-bit RSA keys), so it did not count. Sign with a 2048-bit key and publish it under a new selector.{policy}"
                )
            } else if d.extra.contains("no key") || d.extra.contains("key not found") {
                format!(
                    "The receiver recorded DKIM {} for {domain} and found no public key for the signature: the selector's DKIM record is not published in {domain}'s DNS (never added, deleted, or lost when the DNS moved).{policy}",
                    d.result
                )
            } else {
                format!(
                    "The receiver recorded DKIM {} for {domain}: the message was changed after it was signed (a footer or disclaimer added by a gateway, a rewritten subject) or was signed with a key that is not published.{policy}",
                    d.result
                )
            },
            None,
            Certainty::Certain,
            Party::Sender,
            Source::Receiver,
            evidence,
        ));
    }
    // Nothing authenticated a message the receiver filed as spam: no SPF pass, no DKIM
    // signature that passed, no DMARC policy. Receivers file such mail as spam or refuse it
    // (Google's email sender guidelines, https://support.google.com/a/answer/81126: every
    // sender must set up SPF or DKIM; Microsoft's composite authentication, compauth=fail
    // reason=001, for a domain with no SPF, DKIM or DMARC). When the receiver's filter recorded
    // its own rules about the sender's setup or a list (SpamAssassin's RCVD_IN_SBL, RDNS_NONE,
    // SPF_NONE with their scores), those rules say what decided, and are read instead.
    let filter_named_setup = ctx
        .rules
        .iter()
        .any(|rule| rule.kind == "setup" || rule.kind == "list");
    // The recorded SPF result without a passing DKIM signature as the cause; `then` ends the
    // explanation (what the receiver made of it).
    let unauthenticated = |s: &super::evidence::Recorded, then: &str, evidence: Vec<Evidence>| {
        let domain = s.domain.clone().unwrap_or_else(|| from.clone());
        make_cause(
            ctx,
            "recorded.spf-none",
            "spf",
            format!("{domain} does not authenticate its mail: no SPF pass, no DKIM signature."),
            format!(
                "The receiver recorded SPF {} for {domain} and no passing DKIM signature, {}",
                s.result,
                then.replace("{domain}", &domain)
            ),
            None,
            Certainty::Certain,
            Party::Sender,
            Source::Receiver,
            evidence,
        )
    };
    if dmarc_absent
        && !compauth_failed
        && !dkim_pass
        && !filter_named_setup
        && let Some(s) = spf_none
    {
        return Some(unauthenticated(
            s,
            "and the domain has no DMARC policy: nothing showed the message really came from {domain}, and receivers file such unauthenticated mail as spam.",
            evidence,
        ));
    }
    if dmarc_failed || compauth_failed {
        // No DMARC record and no SPF or DKIM: Microsoft's implicit authentication failed.
        if !dmarc_failed
            && let Some(s) = spf_none
            && !dkim_pass
        {
            return Some(unauthenticated(
                s,
                "so it could not tell this message from a forgery (composite authentication failed).",
                evidence,
            ));
        }
        return Some(make_cause(
            ctx,
            "recorded.dmarc-fail",
            "dmarc",
            format!("DMARC failed for {from}: neither SPF nor DKIM passed for the From domain."),
            format!(
                "The receiver recorded DMARC fail for {from}: the SPF and DKIM results it had (if any passed) were for another domain than the one in From, so they do not count for it.{policy}"
            ),
            None,
            Certainty::Certain,
            Party::Sender,
            Source::Receiver,
            evidence,
        ));
    }
    None
}

/// The fix for an SPF failure, worded from the live SPF result when there is one.
fn spf_fix(ctx: &Context, domain: &str) -> Option<String> {
    let ip = ctx.r.sending_ip.as_ref()?.ip;
    let mech = match ip {
        core::net::IpAddr::V4(_) => "ip4",
        core::net::IpAddr::V6(_) => "ip6",
    };
    Some(format!(
        "If {ip} (or the service it belongs to) sends mail for {domain}, add `{mech}:{ip}` to the SPF record at {domain} (or the `include:` the service documents); if not, the message did not come from {domain}'s own systems."
    ))
}

/// Whether a scored rule added the most to its filter's score (no other rule of that filter,
/// allow rules aside, scored more).
fn strongest_in_filter(ctx: &Context, rule: &FilterRule) -> bool {
    rule.score.is_some_and(|s| {
        ctx.rules
            .iter()
            .filter(|o| o.filter == rule.filter && o.kind != "allow")
            .all(|o| o.score.is_none_or(|os| os <= s))
    })
}

/// The filters' recorded rules about the sender's setup, strongest first: each topic once.
fn setup_rules(ctx: &Context) -> Vec<Cause> {
    // A domain the message names on a domain blocklist leads only when that rule added the most
    // to its filter's score; otherwise it is part of the filter's content judgement.
    let mut rules: Vec<&FilterRule> = ctx
        .rules
        .iter()
        .filter(|r| r.kind == "setup" || (r.kind == "list" && strongest_in_filter(ctx, r)))
        // Rules without a score (Microsoft's codes) count; scored rules only when they added
        // to the score.
        .filter(|r| r.score.is_none_or(|s| s >= 0.5))
        .collect();
    // A failed DKIM signature is no cause when the From domain authenticated (the filter's own
    // DMARC pass, DMARC_POLICY_ALLOW or DMARC_PASS, or the receiver's recorded dmarc=pass): the
    // signature that failed is another domain's (a list's poster, a forwarder's), and RFC 6376
    // section 6.1 treats a failed signature as no signature at all.
    let from_authenticated = ctx.rec("dmarc").is_some_and(|d| d.result == "pass")
        || ctx
            .rules
            .iter()
            .any(|r| r.code.starts_with("DMARC_POLICY_ALLOW") || r.code == "DMARC_PASS");
    rules.retain(|r| !(from_authenticated && r.topic == "dkim"));
    // DMARC rules are the consequence of an SPF or DKIM failure next to them.
    let has_auth = rules.iter().any(|r| r.topic == "spf" || r.topic == "dkim");
    rules.retain(|r| !(has_auth && r.topic == "dmarc"));
    crate::vocab::sort::sort_by(&mut rules, |a, b| {
        b.score
            .unwrap_or(1.0)
            .partial_cmp(&a.score.unwrap_or(1.0))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut out: Vec<Cause> = Vec::new();
    for rule in rules {
        if out.iter().any(|c| c.topic == rule.topic) {
            continue;
        }
        let score = rule
            .score
            .map(|s| format!(" (+{})", crate::checks::spam::fmt_num(s)))
            .unwrap_or_default();
        let meaning = rule
            .meaning
            .clone()
            .unwrap_or_else(|| "the filter's own rule".into());
        out.push(make_cause(
            ctx,
            &format!("filter.{}", rule.code.to_ascii_lowercase()),
            rule.topic,
            format!(
                "{} ({}'s rule {}{score})",
                first_sentence(&meaning).trim_end_matches('.'),
                rule.filter,
                rule.code
            ),
            format!(
                "The receiving side's spam filter ({}) scored the message with {}{score} when it arrived: {meaning}",
                rule.filter, rule.code
            ),
            None,
            Certainty::Certain,
            Party::Sender,
            Source::Receiver,
            vec![rule.evidence.clone()],
        ));
    }
    out
}

fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(i) => &text[..i + 1],
        None => text,
    }
}

/// Listings and missing reverse DNS found now, for a spam verdict nothing recorded explains.
fn live_reputation(ctx: &Context) -> Vec<Cause> {
    let mut out = Vec::new();
    let listed = ctx.listed_now();
    if let Some(first) = listed.first() {
        let names: Vec<&str> = listed.iter().map(|l| l.list.as_str()).collect();
        let ip = ctx.ip().unwrap_or_default();
        out.push(make_cause(
            ctx,
            "blocklist.ip.listed",
            "blocklist",
            format!("The sending server {ip} is listed on {} today.", names.join(", ")),
            format!(
                "The receiver did not record why it filed the message as spam, but the server that delivered it is on {} now: {}",
                names.join(" and "),
                first.explanation
            ),
            None,
            Certainty::Likely,
            Party::Sender,
            Source::Live,
            first
                .evidence
                .iter()
                .take(2)
                .map(|l| Evidence {
                    line: None,
                    text: format!("{} {}", l.question, l.answer),
                })
                .collect(),
        ));
    }
    // The receiver's authentication results are not in the paste at all, and SPF fails today
    // for the From domain's own envelope at the server that delivered the message, with no
    // DMARC pass to make up for it: receivers file such mail as spam (Google's and Yahoo's
    // sender requirements: SPF or DKIM must pass), so it is the likely reason, said as checked
    // now. A recorded result, when there is one, decides instead.
    let recorded_auth = ctx
        .recorded
        .iter()
        .any(|x| matches!(x.method.as_str(), "spf" | "dkim" | "dmarc" | "compauth"))
        || filter_recorded_auth(ctx);
    let live = ctx.r.auth.as_ref();
    if !recorded_auth
        && ctx.dns.usable()
        && let Some(spf) = live.and_then(|a| a.spf.mail_from_result.as_ref())
        // A softfail (~all: "probably not authorized", RFC 7208 section 2.6.5) counts when
        // the message carries no DKIM signature at all: nothing authenticates it.
        && (spf.result == crate::checks::spf::SpfResult::Fail
            || (spf.result == crate::checks::spf::SpfResult::Softfail
                && ctx.r.sender.dkim_signatures.is_empty()))
        && ctx
            .sender_domain()
            .is_some_and(|f| crate::vocab::domain::same_org(&spf.domain, f))
        && !live
            .and_then(|a| a.dmarc.outcome.as_ref())
            .is_some_and(|d| d.result == crate::checks::dmarc::DmarcResult::Pass)
    {
        let ip = ctx.ip().unwrap_or_else(|| "the sending server".into());
        let domain = spf.domain.clone();
        out.push(make_cause(
            ctx,
            "live.spf-fail",
            "spf",
            format!(
                "SPF {} for {domain} today: {ip} is not in its SPF record.",
                if spf.result == crate::checks::spf::SpfResult::Fail {
                    "fails"
                } else {
                    "softfails"
                }
            ),
            format!(
                "The receiver's authentication results are not in the paste, but checked now, the SPF record of {domain} does not list {ip}, the server that delivered the message, and nothing else authenticates the domain: receivers file such mail as spam."
            ),
            spf_fix(ctx, &domain),
            Certainty::Likely,
            Party::Sender,
            Source::Live,
            vec![Evidence {
                line: None,
                text: format!("SPF checked now: {} for {domain} at {ip}", spf.result.as_str()),
            }],
        ));
    }
    out
}

/// Whether the receiver's filter recorded SPF, DKIM or DMARC results among its rules: a rule of
/// those topics (SPF_FAIL, DKIM_INVALID, ...), or one that says the method passed (SpamAssassin's
/// SPF_PASS, DKIM_VALID, DKIM_VALID_AU, DMARC_PASS from rules/25_spf.cf, 25_dkim.cf, 25_dmarc.cf;
/// rspamd's R_SPF_ALLOW, R_DKIM_ALLOW, DMARC_POLICY_ALLOW). The filter checked them at delivery,
/// so they are the receiver's record, as an Authentication-Results field would be.
fn filter_recorded_auth(ctx: &Context) -> bool {
    ctx.rules.iter().any(|r| {
        matches!(r.topic, "spf" | "dkim" | "dmarc")
            || matches!(
                r.code.as_str(),
                "SPF_PASS" | "DMARC_PASS" | "R_SPF_ALLOW" | "R_DKIM_ALLOW"
            )
            || r.code.starts_with("DKIM_VALID")
            || r.code.starts_with("DMARC_POLICY_ALLOW")
    })
}

/// Whether the receiver recorded a pass for SPF, DKIM, DMARC or Microsoft's composite
/// authentication.
pub(super) fn recorded_pass(ctx: &Context) -> bool {
    ctx.recorded.iter().any(|x| {
        matches!(x.method.as_str(), "spf" | "dkim" | "dmarc" | "compauth") && x.result == "pass"
    })
}

/// The filter's judgement of the message itself, with authentication passing.
fn content_verdict(ctx: &Context, verdict: Option<Evidence>) -> Cause {
    let filters: Vec<&str> = ctx
        .r
        .spam
        .iter()
        .filter(|v| v.is_spam == Some(true))
        .map(|v| v.filter.as_str())
        .collect();
    let who = if filters.is_empty() {
        "The receiving provider".to_string()
    } else {
        super::words::join_names(&filters)
    };
    let auth_ok = ctx.rec("dmarc").is_some_and(|d| d.result == "pass")
        || ctx.rec("compauth").is_some_and(|d| d.result == "pass");
    let mut rules: Vec<&FilterRule> = ctx
        .rules
        .iter()
        .filter(|r| matches!(r.kind, "content" | "list") && r.score.is_some_and(|s| s > 0.0))
        .collect();
    crate::vocab::sort::sort_by(&mut rules, |a, b| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let named: Vec<String> = rules
        .iter()
        .take(3)
        .map(|r| {
            format!(
                "{} (+{})",
                r.code,
                crate::checks::spam::fmt_num(r.score.unwrap_or(0.0))
            )
        })
        .collect();
    let codes: Vec<String> = ctx
        .rules
        .iter()
        .filter(|r| matches!(r.kind, "content" | "list") && r.score.is_none())
        .map(|r| r.code.clone())
        .collect();
    let mut detail = String::new();
    if auth_ok {
        detail.push_str("The sender's authentication passed (the receiver recorded it), so this is not a setup problem: ");
    }
    detail.push_str(&format!(
        "{who} judged the message itself, its content or the sender's reputation with that provider, to be spam."
    ));
    if !named.is_empty() {
        detail.push_str(&format!(
            " The rules that scored most: {}.",
            named.join(", ")
        ));
    } else if !codes.is_empty() {
        detail.push_str(&format!(" Its verdict: {}.", codes.join(", ")));
    }
    let mut evidence: Vec<Evidence> = verdict.into_iter().collect();
    for r in rules.iter().take(1) {
        if !evidence.contains(&r.evidence) {
            evidence.push(r.evidence.clone());
        }
    }
    make_cause(
        ctx,
        "spam.content",
        "content",
        if recorded_pass(ctx) {
            format!("{who} filed it as spam for its content or reputation, not for its setup.")
        } else {
            // Nothing recorded shows the setup passed: only that nothing recorded blames it.
            format!(
                "{who} filed it as spam for its content or reputation; nothing recorded points to the sender's setup."
            )
        },
        detail,
        None,
        Certainty::Certain,
        Party::Receiver,
        Source::Receiver,
        evidence,
    )
}

/// A forward or mailing list that broke SPF or DKIM, where the ARC chain shows the results
/// before the forward passed.
fn forwarding(ctx: &Context) -> Option<Cause> {
    let r = ctx.r;
    let broke = ctx
        .recorded
        .iter()
        .any(|x| matches!(x.method.as_str(), "spf" | "dkim" | "dmarc") && x.result == "fail");
    let compauth_arc = ctx
        .rec("compauth")
        .is_some_and(|c| c.extra.contains("130") || c.extra.contains("arc"));
    if !broke && !compauth_arc {
        return None;
    }
    // A forward that broke a signature or SPF while the receiver still recorded DMARC pass (a
    // list that rewrote From to its own domain, another signature that held) broke nothing
    // that counted.
    if ctx.rec("dmarc").is_some_and(|d| d.result == "pass") {
        return None;
    }
    // The oldest ARC-Authentication-Results: what the first intermediary saw.
    let aar = r
        .recorded_auth
        .iter()
        .filter(|a| a.arc_instance.is_some())
        .min_by_key(|a| a.arc_instance)?;
    // A chain of one seal added by the receiver itself (its ARC-Authentication-Results written
    // under the same authserv-id as its trusted Authentication-Results: Gmail seals what it
    // received) records the receiver's own evaluation, no intermediary's before it (RFC 8617
    // section 1: ARC carries the results an intermediary saw). A list on the same provider
    // (Google Groups to Gmail) adds a seal of its own, so the chain has two.
    let newest = r.recorded_auth.iter().filter_map(|a| a.arc_instance).max();
    let aar_id = aar.parsed.authserv_id.to_ascii_lowercase();
    if newest == aar.arc_instance
        && !aar_id.is_empty()
        && r.recorded_auth.iter().any(|a| {
            a.arc_instance.is_none()
                && a.trusted
                && a.parsed.authserv_id.eq_ignore_ascii_case(&aar_id)
        })
    {
        return None;
    }
    if sealed_where_written(ctx) {
        return None;
    }
    let passed: Vec<&str> = aar
        .parsed
        .results
        .iter()
        .filter(|m| matches!(m.method.as_str(), "spf" | "dkim" | "dmarc") && m.result == "pass")
        .map(|m| m.method.as_str())
        .collect();
    // What passed before must have been able to make DMARC pass for the From domain: DMARC
    // itself, or a DKIM signature of a domain aligned with it (RFC 7489 section 3.1.1, relaxed:
    // the same organizational domain). A pass for the sending service's own domain
    // (header.d=mailin.fr for a newsletter from shop.example) was never the author's.
    let from_org = r
        .message
        .from
        .as_ref()
        .and_then(|f| f.address.as_deref())
        .and_then(|a| a.rsplit_once('@'))
        .and_then(|(_, d)| crate::vocab::domain::org_domain(&d.to_ascii_lowercase()));
    let aligned_dkim = aar.parsed.results.iter().any(|m| {
        m.method == "dkim"
            && m.result == "pass"
            && m.property("header", "d")
                // RFC 6376's i= is "[local-part] @ domain"; some receivers record only the
                // domain (Zoho: "header.i=mailer.example").
                .or_else(|| m.property("header", "i").and_then(|i| i.rsplit('@').next()))
                .is_none_or(|d| {
                    from_org.as_deref().is_none_or(|o| {
                        crate::vocab::domain::org_domain(&d.to_ascii_lowercase()).as_deref()
                            == Some(o)
                    })
                })
    });
    if !passed.contains(&"dmarc") && !aligned_dkim {
        return None;
    }
    // What the receiver recorded about the chain decides. Without it, a chain whose structure
    // is broken (RFC 8617 5.2 steps 1-3: no key needed to see it) does not vouch; a signature
    // that fails today may only mean a key was replaced since, so it does not veto.
    let live = r.auth.as_ref().and_then(|a| a.arc.as_ref());
    let arc_ok = match ctx.rec("arc") {
        Some(a) => a.result == "pass",
        None => live
            .and_then(|v| v.broken.as_ref())
            .is_none_or(|b| matches!(b.code.as_str(), "ams-fail" | "as-fail")),
    };
    if !arc_ok {
        return None;
    }
    let mut evidence = vec![Evidence {
        line: Some(aar.line),
        text: format!("{}: i={}", aar.field, aar.arc_instance.unwrap_or_default()),
    }];
    if let Some(v) = live.filter(|v| v.result == crate::checks::arc::ArcResult::Pass) {
        evidence.push(Evidence {
            line: None,
            text: format!(
                "ARC verified now: {} seal(s), sealed last by {}",
                v.instances,
                v.sealed_by.as_deref().unwrap_or("?")
            ),
        });
    }
    let intermediary = aar.parsed.authserv_id.clone();
    let via = if intermediary.is_empty() {
        "a forwarder or mailing list".to_string()
    } else {
        intermediary.clone()
    };
    Some(make_cause(
        ctx,
        "arc.forwarded",
        "forwarding",
        format!("The message passed through {via}, which broke its authentication on the way."),
        format!(
            "When {via} received the message it recorded {} pass (its ARC-Authentication-Results); it then changed or re-sent the message (a subject tag, a footer, forwarding from its own server), so the final receiver saw SPF or DKIM fail. The message was genuine; the forward is why it failed.",
            passed.join(", ").to_uppercase()
        ),
        None,
        Certainty::Certain,
        Party::Receiver,
        Source::Receiver,
        evidence,
    ))
}

/// Whether the message never came in from another organization before it reached the final
/// receiver: every hop before the one that handed it over is the sender's own submission (a
/// login, Exchange's `mapi`, a web mail's HTTP, a local pickup, an address not on the
/// Internet) or a relay inside the sending host's organization. Then an ARC seal in it was
/// added by the sender's own outbound service (Exchange Online seals the mail its tenants
/// send, ARC i=1 by mx.microsoft.com), not by a forwarder or list: ARC records what an
/// intermediary saw (RFC 8617 section 1), and there was none.
fn sealed_where_written(ctx: &Context) -> bool {
    let r = ctx.r;
    let Some(sending) = r.sending_ip.as_ref() else {
        return false;
    };
    let org = |name: Option<&String>| name.and_then(|n| crate::vocab::domain::org_domain(n));
    // A forward re-addresses the message (RFC 5321 section 3.9): the final envelope recipient
    // (the for clause from the hop that handed it over on, or Delivered-To) is none of the
    // addresses the author wrote. A sender on the same provider as the forwarder shows only
    // that provider's hops, so this is what tells them apart.
    let final_rcpt = r
        .hops
        .iter()
        .filter(|h| h.number >= sending.hop)
        .find_map(|h| h.for_addr.clone())
        .or_else(|| ctx.header("Delivered-To").map(|h| h.value.clone()))
        .map(|a| a.trim().trim_matches(['<', '>', ';']).to_ascii_lowercase());
    let written = |a: &str| {
        r.message.to.iter().any(|m| {
            m.address
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case(a))
        }) || ctx
            .header("Cc")
            .is_some_and(|h| h.value.to_ascii_lowercase().contains(a))
    };
    if final_rcpt.is_some_and(|a| !written(&a)) {
        return false;
    }
    let before: Vec<&crate::report::Hop> =
        r.hops.iter().filter(|h| h.number < sending.hop).collect();
    !before.is_empty()
        && before.iter().all(|h| {
            let with = h.with.as_deref().unwrap_or_default().to_ascii_lowercase();
            let submission = h.authenticated
                || with.starts_with("mapi")
                || with.starts_with("http")
                || with == "local";
            let offline =
                h.ip.is_none_or(|ip| !crate::vocab::ip::classify(ip).can_be_sender());
            let by = org(h.by.as_ref());
            let inside = by.is_some() && (org(h.helo.as_ref()) == by || org(h.rdns.as_ref()) == by);
            submission || offline || inside
        })
}

/// A forward without ARC that broke the author's signature. The envelope sender rewritten by
/// the Sender Rewriting Scheme (`SRS0=hash=tt=domain=local@forwarder`, `SRS1=` for a forward of
/// a forward: the form of the SRS paper, libsrs2 and postsrsd) says a server of another domain
/// received the message and re-sent it; the receiver recorded the From domain's own signature
/// as not verifying and DMARC as failed. A forward leaves a signature intact unless it changes
/// the message (a subject tag, a banner, a footer), and its SPF pass is for the forwarder's
/// domain, which does not align (RFC 7960 sections 3.1.1 and 3.2.1): the forward is the likely
/// reason. Without ARC nothing shows what the forwarder saw, so the cause is "likely". A message
/// the author never signed is not this: no signature survives any forward, and signing is the
/// sender's fix.
/// A forward without SRS that broke SPF: the server that handed the message to the final
/// receiver had taken it in for another address, in another organization than the final one
/// (its Received field's `for` clause; RFC 5321 section 3.9: an alias or forward changes the
/// envelope recipient), and re-sent it with the author's envelope sender, so the final
/// receiver recorded SPF fail or softfail for the author's domain and the forwarder's address
/// (RFC 7208 section 1.1.1 and RFC 7960 section 3.1.1: SPF authorizes the sender's own servers,
/// a forward re-sends from another), and DMARC fail, with no signature of the author's domain
/// that passed. The forwarder is the recipient's side (an address the recipient had forwarded).
fn plain_forward(ctx: &Context) -> Option<Cause> {
    let r = ctx.r;
    let from = ctx.sender_domain()?;
    let same = |a: &str, b: &str| crate::vocab::domain::same_org(a, b);
    let domain_of = crate::vocab::domain::of_address;
    // The receiver judged the message unauthenticated: DMARC failed, or (the author's domain
    // publishes no DMARC policy) Microsoft's composite authentication failed, which weighs
    // SPF without a DMARC record (Microsoft Learn, "Email authentication in Microsoft 365":
    // compauth=fail reason=001, implicit authentication failed).
    let dmarc_failed = ctx.rec("dmarc").is_some_and(|d| d.result == "fail");
    if !dmarc_failed
        && !(ctx.rec("dmarc").is_some_and(|d| d.result == "none")
            && ctx.rec("compauth").is_some_and(|c| c.result == "fail"))
    {
        return None;
    }
    let spf = spf_failed_unsigned(ctx, from)?;
    let sending = r.sending_ip.as_ref()?;
    let entry = r.hops.iter().find(|h| h.number == sending.hop)?;
    let before = r.hops.iter().find(|h| h.number + 1 == sending.hop)?;
    if entry.authenticated || before.authenticated {
        return None;
    }
    // The SPF failure is about the forwarder's address.
    let ip = sending.ip.to_string();
    if !spf_names_ip(ctx, spf, &ip) {
        return None;
    }
    // The final receiver's domain: the envelope recipient it took the message for.
    let recorded_final = entry
        .for_addr
        .as_deref()
        .and_then(domain_of)
        .or_else(|| ctx.header("Delivered-To").and_then(|h| domain_of(&h.value)));
    // Without one (Exchange Online writes no "for" clause), the organization of the server
    // that received the message from the forwarder, when only the MX evidence below names the
    // forwarded address: the To domain's MX is the forwarder, and the message went on from
    // it to a server of another organization.
    let by_org_final = recorded_final.is_none();
    let final_domain = match recorded_final {
        Some(d) => d,
        None => entry
            .by
            .as_deref()
            .and_then(crate::vocab::domain::org_domain)?,
    };
    // The forwarder is the server that received it there.
    let client = entry
        .helo
        .as_deref()
        .or(entry.rdns.as_deref())
        .unwrap_or_default();
    // The server below it is the forwarder's own (the same host, or another host of its
    // organization: an Exchange server behind its outbound relay, named in its internal
    // network: a private name, RFC 6762 appendix G's .local and the like).
    let own = |b: &str| same(b, client) || crate::vocab::domain::private_name(b);
    if client.is_empty() || !before.by.as_deref().is_some_and(own) {
        return None;
    }
    let forwarder = client.to_ascii_lowercase();
    // The forwarder's organization took it in for an address in another organization than
    // the final one and than the author's: at the hop right below, or further down among the
    // hops of the forwarder's own servers (its inbound server before the one that forwards).
    let mut below: Vec<_> = r.hops.iter().filter(|h| h.number < sending.hop).collect();
    below.sort_by_key(|h| std::cmp::Reverse(h.number));
    // The inbound gateway in front of the forwarder's servers (the hosts the recipient
    // domain's MX records name, RFC 5321 section 5.1) took it in for them.
    let mx_orgs = recipient_mx_orgs(ctx);
    let forwarders: Vec<_> = below
        .into_iter()
        .take_while(|h| {
            h.by.as_deref().is_some_and(|b| {
                own(b) || crate::vocab::domain::org_domain(b).is_some_and(|o| mx_orgs.contains(&o))
            })
        })
        .collect();
    let elsewhere =
        |a: &str| domain_of(a).is_some_and(|d| !same(&d, &final_domain) && !same(&d, from));
    let forwarded_for = if by_org_final {
        if mx_orgs.contains(&final_domain) || same(&final_domain, &forwarder) {
            return None;
        }
        addressed_via_mx(ctx, &forwarders, &mx_orgs, &ip, &elsewhere)?
    } else {
        forwarders
            .iter()
            .filter_map(|h| h.for_addr.as_deref())
            .find(|a| elsewhere(a))
            .map(str::to_string)
            .or_else(|| addressed_via_mx(ctx, &forwarders, &mx_orgs, &ip, &elsewhere))
            .or_else(|| addressed_to_forwarder(ctx, &forwarder, &elsewhere))?
    };
    let broken_signature = ctx.recorded.iter().any(|x| {
        x.method == "dkim"
            && matches!(x.result.as_str(), "fail" | "neutral")
            && x.domain.as_deref().is_some_and(|d| same(d, from))
    });
    use crate::report::diagnosis::{Actor, NextStep};
    let cause = forward_cause(
        ctx,
        "forward.plain",
        format!(
            "The message was forwarded by {forwarder}, which broke its authentication on the way."
        ),
        format!(
            "It was sent to {forwarded_for}, whose server {forwarder} passed it on to {final_domain} with the sender's own envelope address (no SRS): the final receiver checked SPF for {from} against {forwarder}'s address {ip}, which {from} does not list, so SPF and then {} failed. {}",
            if dmarc_failed {
                "DMARC"
            } else {
                "Microsoft's composite authentication (compauth; the domain publishes no DMARC policy)"
            },
            if broken_signature {
                format!("The signature of {from} did not verify either: the message was changed on the way (a footer or disclaimer added by the forwarding side).")
            } else {
                format!("No signature of {from} carried it through.")
            }
        ),
        vec![spf.evidence.clone()],
        vec![
            NextStep {
                who: Actor::RecipientAdmin,
                text: format!("Have {forwarder} forward with the Sender Rewriting Scheme (SRS), or let the recipient fetch the mailbox directly instead of forwarding it."),
            },
            NextStep {
                who: Actor::Recipient,
                text: "Mark the message as \"Not spam\", or give the sender your final address instead of the forwarding one.".into(),
            },
            NextStep {
                who: Actor::Sender,
                text: if broken_signature {
                    format!("Nothing in {from}'s setup needs changing for this: its signature was valid until the forwarding side changed the message.")
                } else {
                    format!("Sign with DKIM for {from}: an aligned signature survives a forward that does not change the message.")
                },
            },
        ],
    );
    Some(cause)
}

/// The address the message was written to, when the forwarder's own servers took it in as
/// that address's domain's mail exchangers (RFC 5321 section 5.1: mail for a domain goes to the
/// hosts its MX records name): without a Received `for` clause, the To or Cc address of the
/// domain whose MX hosts are the forwarder's servers is the one it was forwarded for.
fn addressed_via_mx(
    ctx: &Context,
    forwarders: &[&crate::report::Hop],
    mx_orgs: &[String],
    forwarder_ip: &str,
    elsewhere: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let org = crate::vocab::domain::org_domain;
    let mx = ctx.r.reputation.as_ref()?.recipient_mx.as_ref()?;
    // By name, or by address: an MX host named under the recipient's own domain that is the
    // forwarder's server (a hosting company's shared server, "MX 0 domain" with the domain's
    // A record its address).
    let took_in = forwarders.iter().any(|h| {
        h.by.as_deref()
            .and_then(org)
            .is_some_and(|o| mx_orgs.contains(&o))
    }) || mx.hosts.iter().any(|h| {
        h.addresses
            .iter()
            .any(|a| a.eq_ignore_ascii_case(forwarder_ip))
    });
    if !took_in {
        return None;
    }
    written_to(ctx).find(|a| {
        crate::vocab::domain::of_address(a).is_some_and(|d| d.eq_ignore_ascii_case(&mx.domain))
            && elsewhere(a)
    })
}

/// The To and Cc addresses, lowercase.
fn written_to<'a>(ctx: &'a Context) -> impl Iterator<Item = String> + 'a {
    ["To", "Cc"]
        .iter()
        .filter_map(|name| ctx.header(name))
        .flat_map(|h| crate::parse::address::parse_list(&h.value, None))
        .filter_map(|m| m.address)
        .map(|a| a.to_ascii_lowercase())
}

/// The To or Cc address in the forwarder's own organization (its name's organizational
/// domain): the forwarder passed on mail written to its own domain's address (RFC 5321 section
/// 3.9: an alias or forward of that domain).
fn addressed_to_forwarder(
    ctx: &Context,
    forwarder: &str,
    elsewhere: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let org = crate::vocab::domain::org_domain(forwarder)?;
    written_to(ctx).find(|a| {
        crate::vocab::domain::of_address(a)
            .and_then(|d| crate::vocab::domain::org_domain(&d))
            .is_some_and(|o| o == org)
            && elsewhere(a)
    })
}

/// Whether the receiver's recorded SPF result is about `ip`: named in the result, or in the same
/// receiver's Received-SPF (its client-ip, RFC 7208 section 9.1) or Authentication-Results
/// (iprev's smtp.remote-ip, RFC 8601 section 2.7.3) beside a result that names none.
fn spf_names_ip(ctx: &Context, spf: &super::evidence::Recorded, ip: &str) -> bool {
    spf.extra.contains(ip)
        || spf.evidence.text.contains(ip)
        || ["Received-SPF", "Authentication-Results"]
            .iter()
            .any(|name| {
                ctx.r
                    .headers
                    .iter()
                    .filter(|h| h.name.eq_ignore_ascii_case(name))
                    .any(|h| h.value.contains(ip))
            })
}

/// The organizations of the hosts the recipient domain's MX records name (as looked up now).
pub(super) fn recipient_mx_orgs(ctx: &Context) -> Vec<String> {
    ctx.r
        .reputation
        .as_ref()
        .and_then(|r| r.recipient_mx.as_ref())
        .map(|mx| {
            mx.hosts
                .iter()
                .filter_map(|h| crate::vocab::domain::org_domain(h.exchange.trim_end_matches('.')))
                .collect()
        })
        .unwrap_or_default()
}

/// SPF checked against the recipient organization's own inbound gateway. The message entered
/// through a filtering service the recipient domain's MX records name (RFC 5321 section 5.1),
/// which passed it on to the mailbox service; that service recorded SPF fail or softfail for
/// the gateway's address, not for the sender's server the gateway took it from, so SPF (and,
/// with no signature of the From domain that passed, DMARC) failed for a hop inside the
/// recipient's side (RFC 7208 section 1.1.1: SPF authorizes the first hop; RFC 7960 section
/// 3.1.1). The receiver's fix: have the mailbox service look past the gateway (Exchange Online's
/// Enhanced Filtering for Connectors, Microsoft Learn "Enhanced Filtering for Connectors in
/// Exchange Online"), or let the gateway enforce SPF and DMARC itself.
fn gateway_spf(ctx: &Context) -> Option<Cause> {
    let r = ctx.r;
    let from = ctx.sender_domain()?;
    let sending = r.sending_ip.as_ref()?;
    if sending.reason != crate::report::INBOUND_GATEWAY_HOP {
        return None;
    }
    let spf = spf_failed_unsigned(ctx, from)?;
    let sender_ip = sending.ip.to_string();
    // The recorded result is about a hop above the one the sender's server made: the
    // gateway's own address, as the mailbox service saw it.
    let hop = r.hops.iter().filter(|h| h.number > sending.hop).find(|h| {
        h.ip.is_some_and(|ip| {
            let ip = ip.to_string();
            ip != sender_ip && spf_names_ip(ctx, spf, &ip)
        })
    })?;
    let gateway_ip = hop.ip?.to_string();
    let gateway = hop
        .rdns
        .as_deref()
        .or(hop.helo.as_deref())
        .unwrap_or(gateway_ip.as_str())
        .to_ascii_lowercase();
    use crate::report::diagnosis::{Actor, NextStep};
    let cause = forward_cause(
        ctx,
        "forward.gateway-spf",
        format!(
            "The recipient's own filtering gateway {gateway} passed the message on, and SPF was checked against the gateway instead of the sender's server."
        ),
        format!(
            "The message came from {sender_ip} into the recipient's inbound gateway {gateway}, which the recipient domain's MX records name; the gateway then handed it to the mailbox service, which checked SPF for {from} against the gateway's address {gateway_ip}, an address {from} has no reason to list. SPF {} there, and with no signature of {from} that passed, DMARC failed: the check looked at a hop inside the recipient's side, not at the sender.",
            spf.result
        ),
        vec![spf.evidence.clone()],
        vec![
            NextStep {
                who: Actor::RecipientAdmin,
                text: format!(
                    "Make the mailbox service look past the gateway {gateway} (in Exchange Online: Enhanced Filtering for Connectors on the inbound connector from the gateway), or have the gateway check SPF and DMARC and the mailbox service trust its verdict."
                ),
            },
            NextStep {
                who: Actor::Recipient,
                text: "Mark the message as \"Not junk\" until the administrator has changed it."
                    .into(),
            },
        ],
    );
    Some(cause)
}

/// The receiver's recorded SPF fail or softfail, when no signature of the From domain's
/// organization passed (which would have carried DMARC, RFC 7489 section 3.1.1).
fn spf_failed_unsigned<'a>(ctx: &'a Context, from: &str) -> Option<&'a super::evidence::Recorded> {
    if ctx.recorded.iter().any(|x| {
        x.method == "dkim"
            && x.result == "pass"
            && x.domain
                .as_deref()
                .is_some_and(|d| crate::vocab::domain::same_org(d, from))
    }) {
        return None;
    }
    ctx.recorded
        .iter()
        .find(|x| x.method == "spf" && matches!(x.result.as_str(), "fail" | "softfail"))
}

/// A forward's cause (the recipient's side: a forwarder, a list or a gateway there broke the
/// authentication): likely, from what the receiver recorded, with its next steps, the first of
/// them the fix.
fn forward_cause(
    ctx: &Context,
    code: &str,
    title: String,
    detail: String,
    evidence: Vec<Evidence>,
    actions: Vec<crate::report::diagnosis::NextStep>,
) -> Cause {
    let mut cause = make_cause(
        ctx,
        code,
        "forwarding",
        title,
        detail,
        None,
        Certainty::Likely,
        Party::Receiver,
        Source::Receiver,
        evidence,
    );
    cause.actions = actions;
    cause.fix = cause.actions.first().map(|a| a.text.clone());
    cause
}

fn srs_forward(ctx: &Context) -> Option<Cause> {
    let r = ctx.r;
    let rp = r.message.return_path.as_deref()?;
    let (local, forwarder) = rp.trim().trim_matches(['<', '>']).rsplit_once('@')?;
    let lower = local.to_ascii_lowercase();
    if !(lower.starts_with("srs0=") || lower.starts_with("srs1=")) {
        return None;
    }
    let from = ctx.sender_domain()?;
    let forwarder = forwarder.to_ascii_lowercase();
    if crate::vocab::domain::same_org(&forwarder, from) {
        return None;
    }
    // The message was addressed to the forwarder's domain: a recipient in To, or a
    // Received field's `for` clause, at its organization. That is what a forward is (RFC 7960
    // section 3.1.1: mail sent to an address at one domain, re-sent to another); a sending
    // service or gateway that rewrites the envelope without the message ever being addressed
    // to it is not a forward.
    let at_forwarder = |a: &str| {
        a.trim()
            .trim_matches(['<', '>'])
            .rsplit_once('@')
            .is_some_and(|(_, d)| {
                crate::vocab::domain::same_org(&d.to_ascii_lowercase(), &forwarder)
            })
    };
    let addressed = r
        .message
        .to
        .iter()
        .filter_map(|m| m.address.as_deref())
        .any(at_forwarder)
        || r.hops
            .iter()
            .filter_map(|h| h.for_addr.as_deref())
            .any(at_forwarder);
    if !addressed || !ctx.rec("dmarc").is_some_and(|d| d.result == "fail") {
        return None;
    }
    let signature = broken_own_signature(ctx, from)?;
    let mut evidence = vec![signature.evidence.clone()];
    if let Some(h) = ctx.header("Return-Path") {
        evidence.push(Evidence {
            line: Some(h.line),
            text: format!("Return-Path: {}", h.value),
        });
    }
    use crate::report::diagnosis::{Actor, NextStep};
    let cause = forward_cause(
        ctx,
        "forward.srs",
        format!(
            "The message was forwarded by {forwarder}, which broke its authentication on the way."
        ),
        format!(
            "The envelope sender was rewritten by {forwarder} (SRS: a forwarding server's address), so the message was re-sent from there: SPF could pass only for {forwarder}, not for {from}, and the signature of {from} no longer verified when the final receiver checked it, so DMARC failed. A forward breaks a signature when it changes the message (a subject tag, a warning banner, a footer); the signature was made before the forward."
        ),
        evidence,
        vec![
            NextStep {
                who: Actor::RecipientAdmin,
                text: format!("Have {forwarder} forward messages unchanged (no subject tags, banners or footers) or seal them with ARC, or let the recipient fetch the mailbox directly instead of forwarding it."),
            },
            NextStep {
                who: Actor::Recipient,
                text: "Mark the message as \"Not spam\", or give the sender your final address instead of the forwarding one.".into(),
            },
        ],
    );
    Some(cause)
}

/// The From domain's own signature as the receiver recorded it failing (or "neutral": Gmail's
/// word for a body hash that did not verify), when none of that domain's signatures passed:
/// another one that held means whatever changed the message broke nothing that counted.
fn broken_own_signature<'c>(ctx: &'c Context, from: &str) -> Option<&'c super::evidence::Recorded> {
    let own = |x: &&super::evidence::Recorded| {
        x.method == "dkim"
            && x.domain
                .as_deref()
                .is_some_and(|d| crate::vocab::domain::same_org(d, from))
    };
    // Yahoo's "perm_fail" (`Recorded::extra`) names a failed verification too, whatever
    // made it fail.
    let signature = ctx.recorded.iter().filter(own).find(|x| {
        matches!(x.result.as_str(), "fail" | "neutral")
            || (x.result == "permerror" && x.extra.contains("perm_fail"))
    })?;
    (!ctx.recorded.iter().filter(own).any(|x| x.result == "pass")).then_some(signature)
}

/// A mailing list that re-sent the author's message changed (a subject tag, a footer) and broke
/// its DKIM signature: RFC 7960 section 3.2.3 (mailing lists that alter the message and re-send
/// it with their own envelope, so SPF can pass only for the list and the author's signature no
/// longer verifies, and DMARC fails). Read from the list's own fields (List-Id, RFC 2919;
/// Mailman's X-BeenThere; List-Post, RFC 2369) and an envelope sender at the list's domain, with the receiver's
/// record: the author's signature failed (or "neutral", Gmail's word for a body hash that did
/// not verify), none of the author's passed, DMARC failed.
fn list_forward(ctx: &Context) -> Option<Cause> {
    use crate::vocab::domain::{of_address, same_org};
    let r = ctx.r;
    let from = ctx.sender_domain()?;
    let list = ctx
        .header("List-Id")
        .and_then(|h| {
            let v = h.value.trim();
            let inner = v
                .rsplit_once('<')
                .map_or(v, |(_, i)| i.trim_end_matches('>'));
            Some(inner.split_once('.')?.1.to_ascii_lowercase())
        })
        .or_else(|| ctx.header("X-BeenThere").and_then(|h| of_address(&h.value)))
        // Or the list's posting address (RFC 2369 List-Post, "<mailto:list@domain>"), which
        // lists without a List-Id (fml, older list servers) write.
        .or_else(|| {
            ctx.header("List-Post").and_then(|h| {
                let v = h.value.to_ascii_lowercase();
                let at = v.find("mailto:")? + "mailto:".len();
                let address = v[at..].split(['>', '?', ',', ' ']).next()?;
                of_address(address)
            })
        })?;
    let envelope = r.message.return_path.as_deref().and_then(of_address)?;
    if !same_org(&envelope, &list) || same_org(&envelope, from) || same_org(&list, from) {
        return None;
    }
    if !ctx.rec("dmarc").is_some_and(|d| d.result == "fail") {
        return None;
    }
    let signature = broken_own_signature(ctx, from)?;
    use crate::report::diagnosis::{Actor, NextStep};
    let cause = forward_cause(
        ctx,
        "forward.list",
        format!(
            "The mailing list at {list} changed the message on the way, which broke its authentication."
        ),
        format!(
            "The list re-sent the message with its own envelope address ({envelope}), so SPF could pass only for the list, not for {from}; and what the list adds (a subject tag, a footer) changed the message after {from} signed it, so the signature no longer verified and DMARC failed for {from}."
        ),
        vec![signature.evidence.clone()],
        vec![
            NextStep {
                who: Actor::RecipientAdmin,
                text: format!(
                    "Have the list at {list} rewrite the From address of posts from domains with a DMARC policy (Mailman: DMARC mitigation, \"munge From\"), or stop changing posts (no subject tag or footer), or seal them with ARC."
                ),
            },
            NextStep {
                who: Actor::Recipient,
                text:
                    "Mark the message as \"Not spam\" and add the list's address to your contacts."
                        .into(),
            },
        ],
    );
    Some(cause)
}

/// The recipient's own organization's domain, or the recipient's own address, as the sender,
/// on mail nothing authenticated. Never when the sending server is one the domain's own name
/// resolves to (its website's server, which sends its contact and order forms: the domain's own
/// mail, whose SPF record lacks that server). `checked`: only when today's lookups showed the
/// domain's own addresses and the sending IP is not among them.
pub(super) fn own_domain_forged(ctx: &Context, checked: bool) -> Option<Cause> {
    let r = ctx.r;
    let own = ctx.own_addresses();
    let ip = ctx.ip();
    match (own, ip) {
        (Some(own), Some(ip)) if own.contains(&ip) => return None,
        (Some(_), Some(_)) => {}
        _ if checked => return None,
        _ => {}
    }
    let (address, org) = address_and_org(r.message.from.as_ref()?.address.as_deref())?;
    let (recipient, rorg) = address_and_org(r.message.to.first()?.address.as_deref())?;
    let evidence = from_evidence(ctx);
    // The recipient's own organization's domain as the sender's (a colleague, the director),
    // on mail whose SPF the receiver recorded as failing for that domain, with nothing passed:
    // the domain's own servers did not send it (RFC 7208 section 2.6.4 and 2.6.5: fail and
    // softfail say the host is not, or probably not, authorized): the domain was forged, as in
    // payment fraud that poses as someone in the company.
    let spf_failed = || {
        ctx.rec("spf")
            .is_some_and(|x| matches!(x.result.as_str(), "fail" | "softfail"))
            || ctx.rules.iter().any(|r| {
                matches!(
                    r.code.as_str(),
                    "SPF_FAIL" | "SPF_SOFTFAIL" | "R_SPF_FAIL" | "R_SPF_SOFTFAIL"
                )
            })
    };
    if address != recipient && org == rorg && spf_failed() && !authenticated(ctx) {
        return Some(make_cause(
            ctx,
            "sender.own-domain-forged",
            "spoofing",
            format!(
                "The message claims to come from the recipient's own domain ({address}); that domain's servers did not send it."
            ),
            format!(
                "The receiver recorded that {org}'s SPF record does not allow the server it came from, and nothing else confirmed the domain: the sender's address was forged. It does not mean that mailbox was used; do not act on what it asks before checking with the person by phone."
            ),
            None,
            Certainty::Likely,
            Party::Sender,
            Source::Receiver,
            evidence,
        ));
    }
    // The recipient's own address as the sender, on mail that did not authenticate.
    if address == recipient && !authenticated(ctx) {
        {
            return Some(make_cause(
                ctx,
                "sender.own-address-forged",
                "spoofing",
                format!("The message claims to come from the recipient's own address, {address}."),
                "Authentication did not pass for it (neither SPF nor DKIM confirmed the domain): the address was forged, as extortion mail that claims the mailbox was hacked does. It does not mean the account was used.".to_string(),
                None,
                Certainty::Likely,
                Party::Sender,
                Source::Receiver,
                evidence,
            ));
        }
    }
    None
}

/// An address (lowercase) and its domain's organizational domain (the domain itself when it
/// has none).
pub(super) fn address_and_org(address: Option<&str>) -> Option<(String, String)> {
    let address = address?.to_ascii_lowercase();
    let domain = address.rsplit_once('@')?.1;
    let org = crate::vocab::domain::org_domain(domain).unwrap_or_else(|| domain.to_string());
    Some((address, org))
}

/// The From field, as evidence.
pub(super) fn from_evidence(ctx: &Context) -> Vec<Evidence> {
    ctx.header("From")
        .map(|h| Evidence {
            line: Some(h.line),
            text: format!("From: {}", h.value),
        })
        .into_iter()
        .collect()
}

/// Whether anything confirms the From domain: a recorded DMARC, SPF or DKIM pass, a filter's
/// SPF or DKIM pass rule, or (live checks usable) SPF or DMARC passing now.
fn authenticated(ctx: &Context) -> bool {
    let recorded = ctx
        .recorded
        .iter()
        .any(|x| matches!(x.method.as_str(), "dmarc" | "spf" | "dkim") && x.result == "pass");
    let rules = ctx.rules.iter().any(|r| {
        matches!(
            r.code.as_str(),
            "SPF_PASS" | "DKIM_VALID_AU" | "R_SPF_ALLOW" | "R_DKIM_ALLOW"
        )
    });
    let live = ctx.dns.usable()
        && ctx.r.auth.as_ref().is_some_and(|a| {
            a.spf
                .mail_from_result
                .as_ref()
                .is_some_and(|o| o.result == crate::checks::spf::SpfResult::Pass)
                || a.dmarc
                    .outcome
                    .as_ref()
                    .is_some_and(|d| d.result == crate::checks::dmarc::DmarcResult::Pass)
        });
    recorded || rules || live
}

/// The hop that held the message longest (index, milliseconds), unless the clocks explain it.
fn worst_hop(ctx: &Context) -> Option<(usize, i64)> {
    let hops = &ctx.r.hops;
    // The time from the message's Date to the first dated hop stands for the gap before that
    // hop: RFC 5322 3.6.1 makes Date the moment the message was ready to enter the mail
    // system, so a first server that dates its Received field well before it has a slow clock
    // (or the device a fast one).
    let first_dated = hops.iter().position(|h| h.timestamp_ms.is_some());
    let before_first = date_to_first_hop(ctx).map(|(gap, _)| gap);
    let gap_before = |j: usize| {
        if Some(j) == first_dated {
            before_first
        } else {
            hops.get(j)?.delay_ms
        }
    };
    let mut worst: Option<(usize, i64)> = None;
    for (i, hop) in hops.iter().enumerate() {
        let Some(delay) = hop.delay_ms else { continue };
        if delay < LATE_MS {
            continue;
        }
        // A clock that is off shows as a long delay next to a negative one of about the same
        // size: not a wait.
        let skew = [i.checked_sub(1), Some(i + 1)]
            .into_iter()
            .flatten()
            .filter_map(gap_before)
            .any(|d| d < 0 && (d + delay).abs() < delay / 2);
        if skew {
            continue;
        }
        if worst.is_none_or(|(_, w)| delay > w) {
            worst = Some((i, delay));
        }
    }
    worst
}

/// Where the message waited: the server that handed hop `i` on (the previous hop's receiver).
fn waited_at(hops: &[crate::report::Hop], i: usize) -> String {
    i.checked_sub(1)
        .and_then(|j| hops[j].by.clone())
        .or_else(|| hops[i].helo.clone())
        .or_else(|| hops[i].rdns.clone())
        .unwrap_or_else(|| "a server on the way".into())
}

/// How long and where a late message waited, for the customer's sentence ({delay}, {hop}).
pub(super) fn late_wait(ctx: &Context) -> Option<(String, String)> {
    match worst_hop(ctx) {
        Some((i, delay)) => Some((
            crate::parse::date::format_duration(delay),
            waited_at(&ctx.r.hops, i),
        )),
        None => outbox_gap(ctx)
            .map(|(gap, _)| {
                (
                    crate::parse::date::format_duration(gap),
                    "the sender's device, before the first server".to_string(),
                )
            })
            .or_else(|| {
                long_greylist(ctx).map(|(d, _)| {
                    (
                        crate::parse::date::format_duration(d),
                        GREYLIST_WAIT.to_string(),
                    )
                })
            }),
    }
}

/// Hops that held the message long, unless the clocks explain it.
fn late(ctx: &Context) -> Option<Cause> {
    let hops = &ctx.r.hops;
    let Some((i, delay)) = worst_hop(ctx) else {
        return outbox_wait(ctx).or_else(|| greylisted(ctx));
    };
    let hop = &hops[i];
    // The wait was at the server that handed this hop on: the previous hop's receiver.
    let waited_at = waited_at(hops, i);
    let greylist = ctx.header("X-Greylist");
    // Mail for a domain goes to the hosts its MX records name (RFC 5321 5.1): a wait at a
    // server of the recipient domain's MX organization (a filtering gateway such as Mimecast in
    // front of the recipient's own server) is on the recipient's side.
    let at_recipient_mx = i
        .checked_sub(1)
        .and_then(|j| hops[j].by.as_deref())
        .and_then(crate::vocab::domain::org_domain)
        .is_some_and(|org| recipient_mx_orgs(ctx).contains(&org));
    let receiver_side =
        greylist.is_some() || at_recipient_mx || hop.internal || i > 0 && hops[i - 1].internal;
    // A post a Mailman list held for its moderator (Mailman 3's moderation rules: a message
    // from an address that is not a member hits "nonmember-moderation", one from a moderated
    // member "member-moderation"; the rules that matched are recorded in X-Mailman-Rule-Hits,
    // and approving the held message stamps X-Mailman-Approved-At, Mailman 3's documentation
    // on moderation and on the moderator's approval): the wait was the hold. A post from a
    // non-member is the poster's to fix (post from the subscribed address); a moderated
    // member's hold is the list's own setting.
    let held = ctx.header("X-Mailman-Approved-At").and_then(|approved| {
        let hits = ctx.header("X-Mailman-Rule-Hits")?;
        let hits_l = hits.value.to_ascii_lowercase();
        hits_l
            .contains("moderation")
            .then(|| (hits, approved, hits_l.contains("nonmember-moderation")))
    });
    let party = match held {
        Some((_, _, true)) => Party::Sender,
        Some(_) => Party::Receiver,
        None if receiver_side => Party::Receiver,
        None => Party::Sender,
    };
    let how_long = crate::parse::date::format_duration(delay);
    let mut detail = format!(
        "Between hop {} and hop {} the message waited {how_long}: it sat in the queue of {waited_at} before {} took it.",
        i,
        i + 1,
        hop.by.as_deref().unwrap_or("the next server")
    );
    let mut evidence = vec![Evidence {
        line: Some(hop.line),
        text: crate::vocab::text::clip_ellipsis(&hop.raw, 200),
    }];
    if let Some((hits, approved, nonmember)) = held {
        detail.push_str(&format!(
            " The mailing list held it for its moderator (X-Mailman-Rule-Hits: {}) and sent it on when the moderator approved it (X-Mailman-Approved-At: {}).{}",
            hits.value.trim(),
            approved.value.trim(),
            if nonmember {
                " It was held because the address it was posted from is not a member of the list."
            } else {
                ""
            }
        ));
        for h in [hits, approved] {
            evidence.push(Evidence {
                line: Some(h.line),
                text: format!("{}: {}", h.name, h.value.trim()),
            });
        }
    }
    if let Some(g) = greylist {
        detail.push_str(&format!(
            " The receiving server greylisted it ({}): it refused the first attempt on purpose and took the message when the sending server tried again.",
            g.value
        ));
        evidence.push(Evidence {
            line: Some(g.line),
            text: format!("X-Greylist: {}", g.value),
        });
    }
    let mut cause = make_cause(
        ctx,
        "received.late",
        "late",
        format!("The message was delivered late: it waited {how_long} at {waited_at}."),
        detail,
        None,
        Certainty::Certain,
        party,
        Source::Headers,
        evidence,
    );
    for a in cause.actions.iter_mut() {
        a.text = a
            .text
            .replace("{delay}", &how_long)
            .replace("{hop}", &waited_at);
    }
    if let Some((_, _, nonmember)) = held {
        use crate::report::diagnosis::{Actor, NextStep};
        let step = if nonmember {
            NextStep {
                who: Actor::Sender,
                text: "Post to the list from the address that is subscribed to it, or ask the list's owner to accept posts from this address, so that posts are not held for the moderator.".into(),
            }
        } else {
            NextStep {
                who: Actor::RecipientAdmin,
                text: "The list's owner can stop moderating this member's posts, or approve held posts sooner.".into(),
            }
        };
        cause.fix = Some(step.text.clone());
        cause.actions = vec![step];
    }
    Some(cause)
}

/// Where a greylisted message waited, for the customer's sentence.
const GREYLIST_WAIT: &str =
    "the sending server, which the receiving server's greylisting refused until it tried again";

/// The delay a greylisting filter of the receiving server recorded in its `X-Greylist` field
/// (milliseconds), with the field. The filter adds the field when it lets a message through
/// that it had refused with a temporary error before: postgrey(8) prepends
/// "X-Greylist: delayed <seconds> seconds by postgrey-<version> at <host>; <date>";
/// milter-greylist(8) adds "X-Greylist: Delayed for HH:MM:SS by milter-greylist-<version> ..."
/// (its "not delayed" and "inspected" forms carry no delay).
fn greylist_delay<'r>(ctx: &Context<'r>) -> Option<(i64, &'r crate::report::HeaderEntry)> {
    ctx.r
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("X-Greylist"))
        .find_map(|h| {
            let v = h.value.trim();
            let lower = v.to_ascii_lowercase();
            let secs = if let Some(rest) = lower.strip_prefix("delayed for ") {
                // milter-greylist: HH:MM:SS (hours may exceed 24).
                let t = rest.split_whitespace().next()?;
                let mut parts = t.split(':').map(|p| p.parse::<i64>().ok());
                let (hh, mm, ss) = (parts.next()??, parts.next()??, parts.next()??);
                lower
                    .contains("by milter-greylist")
                    .then_some(hh * 3600 + mm * 60 + ss)?
            } else {
                // postgrey: "delayed N seconds by postgrey".
                let rest = lower.strip_prefix("delayed ")?;
                let mut words = rest.split_whitespace();
                let n = words.next()?.parse::<i64>().ok()?;
                (words.next() == Some("seconds") && lower.contains("by postgrey")).then_some(n)?
            };
            Some((secs * 1000, h))
        })
}

/// [`greylist_delay`] when it is long enough to call the message late.
fn long_greylist<'r>(ctx: &Context<'r>) -> Option<(i64, &'r crate::report::HeaderEntry)> {
    greylist_delay(ctx).filter(|(d, _)| *d >= LATE_MS)
}

/// A message a receiving greylisting filter held long (see [`greylist_delay`]) when the
/// Received chain does not show the wait (the paste is cut off above the sender's hops): the
/// filter refused the sending server until a retry it accepted, which is the receiver's policy.
fn greylisted(ctx: &Context) -> Option<Cause> {
    let (delay, h) = long_greylist(ctx)?;
    let how_long = crate::parse::date::format_duration(delay);
    let mut cause = make_cause(
        ctx,
        "received.greylisted",
        "late",
        format!(
            "The message was delivered late: the receiving server's greylisting held it back for {how_long}."
        ),
        format!(
            "The receiving server's greylisting filter recorded the delay (X-Greylist: {}): it refused the message with a temporary error until the sending server tried again {how_long} later, then took it. Greylisting delays depend on how the sending provider retries (large providers retry from other IP addresses): the recipient's administrator can exempt the sender's outbound servers or greylist by network.",
            h.value
        ),
        None,
        Certainty::Certain,
        Party::Receiver,
        Source::Headers,
        vec![Evidence {
            line: Some(h.line),
            text: format!("X-Greylist: {}", h.value),
        }],
    );
    for a in cause.actions.iter_mut() {
        a.text = a
            .text
            .replace("{delay}", &how_long)
            .replace("{hop}", GREYLIST_WAIT);
    }
    Some(cause)
}

/// The wait before the first server (milliseconds) and that server's hop: see [`outbox_wait`].
/// The time from the message's Date field to the first dated hop, and that hop.
fn date_to_first_hop<'r>(ctx: &Context<'r>) -> Option<(i64, &'r crate::report::Hop)> {
    let date = ctx.r.message.date.as_ref()?.epoch_ms?;
    let first = ctx.r.hops.iter().find(|h| h.timestamp_ms.is_some())?;
    Some((first.timestamp_ms? - date, first))
}

fn outbox_gap<'r>(ctx: &Context<'r>) -> Option<(i64, &'r crate::report::Hop)> {
    const DAY_MS: i64 = 24 * 3600 * 1000;
    let (gap, first) = date_to_first_hop(ctx)?;
    if !(LATE_MS..=7 * DAY_MS).contains(&gap) {
        return None;
    }
    let half_hour = 30 * 60 * 1000;
    let off = gap % half_hour;
    if off.min(half_hour - off) <= 2 * 60 * 1000 {
        return None;
    }
    // Every server after the first passed it on within the lateness threshold.
    if ctx
        .r
        .hops
        .iter()
        .any(|h| h.delay_ms.is_some_and(|d| d >= LATE_MS))
    {
        return None;
    }
    Some((gap, first))
}

/// A long wait before the first server: RFC 5322 3.6.1 makes Date the moment the author
/// declared the message ready ("pressed Send"), so the time from Date to the first Received
/// field was spent before the mail system had it: in the sender's Outbox (a laptop offline, a
/// send-later rule) or on a device whose clock is wrong. A gap within two minutes of a whole
/// half hour is read as a clock or time-zone error instead, and nothing is said.
fn outbox_wait(ctx: &Context) -> Option<Cause> {
    let (gap, first) = outbox_gap(ctx)?;
    let how_long = crate::parse::date::format_duration(gap);
    let server = first
        .by
        .clone()
        .unwrap_or_else(|| "the first server".into());
    let mut cause = make_cause(
        ctx,
        "received.late-before-sending",
        "late",
        format!(
            "The message was delivered late: it reached the first server ({server}) {how_long} after the time in its Date field; the servers then passed it on at once."
        ),
        format!(
            "The Date field is set when Send is pressed; the first Received field is written when the sender's mail server takes the message. The {how_long} between them passed on the sender's side, before any server had the message: it waited in the mail program's Outbox (a computer offline or asleep, a send-later rule, a stuck Outbox), or the sending device's clock was wrong."
        ),
        Some("Check the mail program on the device the message was sent from: was it offline, is something stuck in its Outbox, is a delayed-send rule set, and is its clock right?".into()),
        Certainty::Likely,
        Party::Sender,
        Source::Headers,
        vec![Evidence {
            line: Some(first.line),
            text: crate::vocab::text::clip_ellipsis(&first.raw, 200),
        }],
    );
    for a in cause.actions.iter_mut() {
        a.text = a
            .text
            .replace("{delay}", &how_long)
            .replace("{hop}", "the sender's device");
    }
    Some(cause)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customers_sentence_says_spam_unless_it_asks_or_denies() {
        let says = |l: &str| says_spam_sentences(l).next().is_some();
        assert!(says("it went to my junk folder."));
        assert!(says("why is the garden centre going to my junk folder?"));
        assert!(!says("was it stuck on our server or in a spam filter?"));
        assert!(!says("it is not in spam either."));
        assert!(!says("why is it not in spam?"));
        // Japanese: the spam folder's name, not denied and not asked.
        assert!(says(
            "取引先から「見積書のメールが迷惑メールに入っていた」と言われました。"
        ));
        assert!(!says("迷惑メールフォルダにも入っていません。"));
        assert!(!says("迷惑メールに入っていますか？"));
        assert!(!says("迷惑メールには入らず受信トレイには届いています。"));
        assert!(!says("迷惑メールに振り分けられず、受信トレイに届きます。"));
        assert!(says("일본 거래처 메일만 계속 Gmail 스팸함으로 들어갑니다."));
        assert!(!says("스팸함에도 없습니다."));
        assert!(says(
            "Вот заголовки вашего письма, оно лежало у меня в папке «Спам»:"
        ));
        assert!(!says("Письмо не попало в спам."));
        // Other languages: the folder's own name, and the language's denial.
        assert!(says(
            "le client dit que nos courriels arrivent dans ses pourriels depuis la semaine passée."
        ));
        assert!(says("el correo llegó a la carpeta correo no deseado."));
        assert!(!says("le message n'est pas dans le courrier indésirable."));
        assert!(!says("die mail ist nicht im spam-ordner."));
        assert!(says("it went to 'spam' again."));
        assert!(!says("it isn't in spam."));
        assert!(says(
            "they all end up in junk since last week, can you see why?"
        ));
        assert!(!says("did it end up in junk?"));
        // A guess is no placement seen.
        assert!(!says(
            "il signor ferri dice che la sua mail \"forse è finita nello spam\"."
        ));
        assert!(!says("maybe it went to spam."));
        // A fear supposes the placement too.
        assert!(!says(
            "now i'm panicking that my october class pass emails went to spam."
        ));
        assert!(!says("i'm worried that our invoices end up in junk."));
        assert!(says(
            "we are concerned because all our invoices go to spam."
        ));
        // Anywhere before the word in its clause; a guess in another clause supposes nothing.
        assert!(!says(
            "una alumna dice que quizá nuestros correos a gmail van a parar a spam."
        ));
        assert!(says(
            "maybe you can help, our newsletter to gmail lands in their spam folder."
        ));
        assert!(!says(
            "a customer told us our quote \"probably went to her spam\" at fastmail."
        ));
        assert!(!says(
            "nel sorgente c'è scritto \"spam detection software\"."
        ));
        // Swedish: the folder as a word, not the filter.
        assert!(says(
            "vårt nyhetsbrev hamnar i skräpposten hos gmail-mottagare."
        ));
        assert!(says("(mejlet låg i skräppost)"));
        assert!(!says("vi har slagit på skräppostfiltret."));
        assert!(!says("det ligger inte i skräppost."));
        // Polish: the inflected word, and its denial ("nie").
        assert!(says("gmail wrzucił ją do spamu, ale boję się."));
        assert!(!says("nie ma jej w spamie."));
        // A negation elsewhere in the sentence denies nothing about the folder.
        assert!(says(
            "one of our subscribers found this in her gmail spam folder (not the first time), she sent us the page:"
        ));
        assert!(!says("we did not find it in the spam folder either."));
    }

    #[test]
    fn dmarc_dispositions() {
        // Google's comment and Microsoft's action= (lowercased, as Recorded::extra keeps them).
        assert!(dmarc_quarantined("p=reject sp=reject dis=quarantine "));
        assert!(dmarc_quarantined("action=oreject "));
        assert!(dmarc_quarantined("action=quarantine "));
        assert!(!dmarc_quarantined("p=quarantine sp=quarantine dis=none "));
        assert!(!dmarc_quarantined("action=pct.quarantine "));
        assert!(!dmarc_quarantined("action=none "));
        assert!(!dmarc_quarantined("dis=reject "));
        assert!(quarantine_without_disposition(
            "p=quarantine,sp=quarantine "
        ));
        assert!(!quarantine_without_disposition(
            "p=quarantine sp=none dis=none "
        ));
        assert!(!quarantine_without_disposition("p=quarantine pct=20 "));
        assert!(!quarantine_without_disposition("p=none,sp=quarantine "));
        // The policy applied: the disposition when written, else the published policy.
        assert_eq!(
            applied_policy("p=reject sp=reject dis=quarantine "),
            Some("quarantine")
        );
        assert_eq!(applied_policy("action=oreject "), Some("reject"));
        assert_eq!(applied_policy("p=reject sp=reject dis=none "), None);
        assert_eq!(applied_policy("action=pct.quarantine "), None);
        assert_eq!(
            applied_policy("p=quarantine,sp=quarantine "),
            Some("quarantine")
        );
        assert_eq!(
            applied_policy("header.from=x.example (policy=reject)"),
            Some("reject")
        );
        assert_eq!(applied_policy("p=quarantine pct=20 "), None);
        assert_eq!(applied_policy("p=none sp=reject "), None);
        assert_eq!(applied_policy(""), None);
    }
}

#[cfg(test)]
mod notice_tests {
    #[test]
    fn a_copy_the_customer_saw_in_the_inbox_is_told_so() {
        assert!(super::says_inbox(
            "so i sent a test to my private gmail and it arrived normally in the inbox."
        ));
        assert!(super::says_inbox("přišel normálně do doručené pošty."));
        assert!(!super::says_inbox(
            "it is not in the inbox, it went to spam."
        ));
        assert!(!super::says_inbox("why is it not in my inbox?"));
    }

    use super::{gmail_spam_label, quarantine_notice};

    #[test]
    fn gmail_spam_labels_and_quarantine_notices() {
        assert!(gmail_spam_label("Spam") && gmail_spam_label("迷惑メール"));
        assert!(!gmail_spam_label("Posteingang") && !gmail_spam_label("Spam-Filter"));
        assert!(quarantine_notice(
            Some("quarantine@messaging.microsoft.com"),
            Some("Microsoft 365 security: You have messages in quarantine")
        ));
        assert!(!quarantine_notice(
            Some("quarantine@messaging.microsoft.com"),
            Some("Weekly digest")
        ));
        assert!(!quarantine_notice(
            Some("it@example.org"),
            Some("Messages in quarantine")
        ));
    }
}
