//! The report's own text: its text parts joined (HTML reduced to text), the writer recognized
//! by its wording (Postfix, Exim, qmail, Exchange, Gmail, Sendmail, ...), the subjects bounces
//! and delay notices use, a mail program's refusal pasted without headers, and the host the text
//! says refused.

use super::{mime, scan};
use crate::vocab::tables::bounce::reader::{FORMATS, SUBJECTS};

/// The writer's format, from its wording in the first 4 KB of the text (lowercased;
/// data/bounce/reader/formats.tsv).
pub(super) fn format_of(lower: &str) -> Option<String> {
    let head = lower.get(..lower.len().min(4096)).unwrap_or(lower);
    FORMATS
        .iter()
        .find(|[marker, _]| head.contains(marker))
        .map(|[_, format]| (*format).to_string())
}

/// Whether a subject (lowercased) is one bounces and delay notices use
/// (data/bounce/reader/subjects.tsv, `bounce` rows).
pub(super) fn bounce_subject(subject_l: &str) -> bool {
    SUBJECTS
        .iter()
        .any(|[kind, s]| *kind == "bounce" && subject_l.contains(s))
}

/// The report's text: its text parts, joined.
#[derive(Default)]
pub(super) struct Body {
    /// The text (at most about 64 KB).
    pub(super) text: String,
    /// Where it starts in the input, when it is one part as written (else `usize::MAX`).
    pub(super) offset: usize,
}

impl Body {
    /// Adds a text part: the first one, and more plain text while none names an address yet.
    pub(super) fn add(&mut self, part: &mime::Part<'_>) {
        if self.text.len() >= 64 * 1024 {
            return;
        }
        if self.text.is_empty() {
            self.offset = if part.verbatim {
                part.offset
            } else {
                usize::MAX
            };
        }
        if part.ctype == "text/html" {
            if self.text.is_empty() {
                self.text = strip_html(&part.text);
            }
        } else if self.text.is_empty() || !self.text.contains('@') {
            if !self.text.is_empty() {
                self.text.push('\n');
                self.offset = usize::MAX;
            }
            self.text.push_str(&part.text);
        }
    }
}

/// HTML reduced to its text, roughly (tags dropped, block ends made line breaks); for bounces
/// that come only as HTML.
fn strip_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() / 2);
    let mut in_tag = false;
    let mut tag = String::new();
    for c in s.chars() {
        if in_tag {
            if c == '>' {
                in_tag = false;
                let t = tag.to_ascii_lowercase();
                if t.starts_with("br")
                    || t.starts_with("/p")
                    || t.starts_with("/div")
                    || t.starts_with("/tr")
                    || t.starts_with("p")
                {
                    out.push('\n');
                }
                tag.clear();
            } else if tag.len() < 8 {
                tag.push(c);
            }
        } else if c == '<' {
            in_tag = true;
        } else {
            out.push(c);
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The host that wrote a qmail bounce, as its first paragraph names it ("Hi. This is the
/// qmail-send program at <host>.", The qmail-send Bounce Message Format, D. J. Bernstein,
/// https://cr.yp.to/proto/qsbmf.txt section 2: the paragraph names the host that produced the
/// bounce), and Haraka's copy of that template ("This is the Haraka Mailer program at {me}.").
/// qmail writes no Reporting-MTA field: this is the reporting host.
pub(super) fn qmail_reporter(lower: &str) -> Option<String> {
    [
        "this is the qmail-send program at ",
        "this is the haraka mailer program at ",
    ]
    .iter()
    .find_map(|p| {
        let at = lower.find(p)? + p.len();
        let host: String = lower[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
            .collect();
        let host = host.trim_end_matches('.');
        (host.contains('.')).then(|| host.to_string())
    })
}

/// Whether a line of the text names the server that generated an Exchange Online delivery
/// status notification: "DSN" as a word in a label before a colon, and after it one host name
/// under Exchange Online's own domains (`prod.outlook.com`, `protection.outlook.com`).
fn exchange_online_dsn_line(lower: &str) -> bool {
    lower.lines().take(5_000).any(|l| {
        let Some((label, value)) = l.split_once(':') else {
            return false;
        };
        let value = value.trim().trim_end_matches('.');
        label.len() < 40
            && label
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == "dsn")
            && !value.contains(char::is_whitespace)
            && (value.ends_with(".prod.outlook.com") || value.ends_with(".protection.outlook.com"))
    })
}

/// Whether the text opens with the preamble an MTA writes at the top of its own bounce
/// (Postfix's bounce template "This is the mail system at host", Exim's "This message was created
/// automatically by mail delivery software", Sendmail's "The original message was received
/// at", Exchange's "Delivery has failed to these recipients or groups"): a bounce's body pasted
/// without its header, not an error a mail program showed.
pub(super) fn mta_preamble(lower: &str) -> bool {
    [
        "this is the mail system at host",
        "this message was created automatically by mail delivery software",
        "the original message was received at",
        // Exchange's NDR ("Delivery has failed to these recipients or groups:" above
        // "Diagnostic information for administrators:", data/bounce/reader/formats.tsv): the
        // generating server's report, copied from the mail program's view.
        "delivery has failed to these recipients or groups",
        // Haraka's outbound bounce (its default config/outbound.bounce_message template: "Hi.
        // This is the Haraka Mailer program at {me}. ... This is a permanent error; I've given
        // up."): the sending server's report after the recipient's side refused.
        "this is the haraka mailer program at",
        // qmail's bounce ("Hi. This is the qmail-send program at <host>. I'm afraid I wasn't
        // able to deliver your message to the following addresses.", qmail-send's failure
        // notice), which Haraka's template copies.
        "this is the qmail-send program at",
        // Courier's delivery status notification (courierdsn(8): "This is a delivery status
        // notification from <host>, running the Courier mail server, version ..."), which
        // marks itself "Auto-Submitted: auto-replied" and comes from an empty address ("<@>").
        "running the courier mail server",
        // Exchange 2000/2003's NDR as the mail program shows it: "Your message did not reach
        // some or all of the intended recipients. ... The following recipient(s) could not be
        // reached:" (Microsoft KB 284204) and the older "Your message ... did not reach the
        // following recipient(s):" (KB 251152), each recipient followed by the reason and
        // "<server #5.X.X ...>".
        "the following recipient(s) could not be reached",
        "did not reach the following recipient(s)",
        // Exchange Online's NDR as Outlook shows it: its section for administrators ("More Info
        // for Email Admins", then "Original Message Details" and "Error Details" with the
        // reported error, "DSN generated by" and "Remote server"; Microsoft Learn,
        // "Non-delivery reports in Exchange Online").
        "more info for email admins",
        // SmarterMail's delivery failure notice ("Could not deliver message to the following
        // recipient(s):", then "Failed Recipient:" and "Reason:" per recipient, as hosting
        // companies' SmarterMail help pages quote it).
        "could not deliver message to the following recipient(s):",
    ]
    .iter()
    .any(|p| lower.contains(p))
        || exchange_delay(lower)
        // The heading of Exchange's diagnostic block, in any of its languages.
        || EXCHANGE_DIAGNOSTIC_HEADINGS.iter().any(|p| lower.contains(p))
        // Exchange Online's NDR in any language: its line naming the server that generated the
        // delivery status notification ("DSN generated by: NAME.PROD.OUTLOOK.COM", Microsoft
        // Learn, "Non-delivery reports in Exchange Online"), the acronym kept in every
        // translation, the server one of Exchange Online's own.
        || exchange_online_dsn_line(lower)
        // Exchange's diagnostic line in any language: the remote server's reply quoted in
        // single quotes with an Exchange transport component's code after its status
        // ("'550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'", "'554 5.4.4
        // SMTPSEND.DNS.NonExistentDomain; ...'", "'550 4.4.7 QUEUE.Expired; ...'": the codes
        // Microsoft Learn's NDR references name), which only Exchange writes.
        || exchange_component_reply(lower)
        // HCL (Lotus) Domino's Delivery Failure Report as the Notes client shows it: "Delivery
        // Failure Report", "Your document: ... was not delivered to: ... because: ..." (the
        // Domino router's report after the remote server refused or could not be reached; the
        // form Sisimai's Lhost::Domino reads): the sending server's report, not the mail
        // program's own error.
        || (lower.contains("delivery failure report") && lower.contains("was not delivered to"))
        // Exchange Online's NDR as Outlook shows its top part, copied without the section for
        // administrators: "Your message to ADDRESS couldn't be delivered.", the cause in a line
        // ("NAME wasn't found at DOMAIN."), "Action Required" and "How to Fix It" (Microsoft
        // Learn, "Non-delivery reports in Exchange Online", the parts of an NDR).
        || (lower.contains("couldn't be delivered") && lower.contains("how to fix it"))
        // Gmail's delivery status notification ("Address not found ... Your message wasn't
        // delivered to ADDRESS because ... The response from the remote server was: REPLY", the
        // notice Gmail's help on bounced messages shows, support.google.com/mail/answer/7720):
        // Gmail's sending server quoting the remote server that refused.
        || (lower.contains("the response from the remote server was")
            && lower.contains("wasn't delivered to"))
        // Gmail's delay notice ("** Delivery incomplete ** There was a temporary problem
        // delivering your message to ADDRESS. Gmail will retry for N more hours. You'll be
        // notified if the delivery fails permanently."): Gmail's sending server, still trying.
        // Its lines may be broken anywhere (a ticket form's wrapping): read with the breaks
        // as spaces.
        || gmail_delay_notice(lower)
        // Postfix's bounce names each failed recipient as "<address>: host NAME[IP] said:
        // REPLY (in reply to COMMAND command)" (smtp(8), smtp_trouble.c): the sending server's
        // account of the recipient server's reply, which a mail program showing its own
        // server's refusal never writes.
        || lower.lines().any(|l| {
            let l = l.trim_start();
            l.starts_with('<') && l.contains(">: host ") && l.contains("] said:")
        }) && super::scan::phrase_end(lower, &["(in", "reply", "to"]).is_some()
}

/// The whole multi-line reply whose last line is `last` (a Diagnostic-Code's value, with or
/// without "smtp;"), as the text shows it: RFC 5321 section 4.2.1, every line of a multi-line
/// reply but the last has a hyphen right after the reply code ("421-4.7.28 ..."), the last a
/// space. Courier's DSN keeps only that last line in its Diagnostic-Code, while its text part
/// quotes the session with every line ("<<< 421-4.7.28 [192.0.2.7 15] Our system has
/// detected ...", courierdsn(8)); the first lines are often the ones that name the client or
/// the reason. Sendmail's DSN keeps the first line instead ("Diagnostic-Code: SMTP;
/// 550-5.7.1 [192.0.2.7 12] Our system has detected an unusual rate of", its reason line the
/// same), while its transcript quotes every line ("<<< 550-5.7.1 ..." up to "<<< 550 5.7.1
/// ..."): then the reply runs from that line to the first line of the code without a hyphen.
/// `None` when the text has no other line of the reply.
pub(super) fn whole_multiline_reply(text: &str, last: &str) -> Option<String> {
    /// Lines looked at, and lines of one reply kept (far above a real reply's).
    const MAX_LINES: usize = 5_000;
    const MAX_REPLY_LINES: usize = 40;
    /// Longer than any reply line a server writes (RFC 5321 4.5.3.1.5: 512 octets).
    const MAX_LINE: usize = 1_024;
    let strip = |line: &str| -> String {
        let l = line.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
        let l = l.strip_prefix("<<<").unwrap_or(l);
        mime::squeeze(l, MAX_LINE)
    };
    let last = last.trim();
    let last = last
        .get(..5)
        .filter(|p| p.eq_ignore_ascii_case("smtp;"))
        .map_or(last, |_| last[5..].trim());
    let last = mime::squeeze(last, MAX_LINE);
    let b = last.as_bytes();
    if b.len() < 5 || !matches!(b[0], b'4' | b'5') || !b[1..3].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let continued = format!("{}-", &last[..3]);
    // Read per recipient: only a text that has a continued line of this code is read line by
    // line.
    if !matches!(b[3], b'-' | b' ') || !text.contains(&continued) {
        return None;
    }
    let lines: Vec<String> = text.lines().take(MAX_LINES).map(strip).collect();
    let at = lines.iter().position(|l| l.eq_ignore_ascii_case(&last))?;
    if b[3] == b'-' {
        // The first line kept: the lines that follow it in the transcript, to the last.
        let end = format!("{} ", &last[..3]);
        let mut reply = vec![lines[at].as_str()];
        for l in lines[at + 1..].iter().take(MAX_REPLY_LINES) {
            reply.push(l);
            if l.starts_with(&end) {
                return Some(reply.join(" "));
            }
            if !l.starts_with(&continued) {
                return None;
            }
        }
        return None;
    }
    let first = lines[..at]
        .iter()
        .rev()
        .take(MAX_REPLY_LINES)
        .take_while(|l| l.starts_with(&continued))
        .count();
    (first > 0).then(|| lines[at - first..=at].join(" "))
}

/// Gmail's delay notice ("There was a temporary problem delivering your message to ADDRESS.
/// Gmail will retry for N more hours."), its words read across line breaks.
fn gmail_delay_notice(lower: &str) -> bool {
    if !lower.contains("gmail") || !lower.contains("retry") {
        return false;
    }
    let flat = mime::squeeze(lower, 64 * 1024);
    flat.contains("there was a temporary problem delivering your message to")
        && flat.contains("gmail will retry for")
}

/// Whether the text holds Exchange's diagnostic block in any of its languages: the heading
/// ("Diagnostic information for administrators:", and its German, Portuguese, French, Italian,
/// Dutch and Spanish forms, see [`mta_preamble`]) above the remote server's reply as Exchange
/// quotes it, in English in every language ("Remote Server returned '...'"). Only a report
/// Exchange generated has both, whatever summary a mail program put above it.
pub(super) fn exchange_diagnostic(lower: &str) -> bool {
    // Its delay notice names the server it keeps trying: "Remote Server at mx.b.example
    // (192.0.2.7) returned '400 4.4.7 Message delayed'" (also "Server at ..." for a send
    // connector's smart host), as real Exchange 2013-2019 and Exchange Online notices write it.
    (lower.contains("remote server returned")
        || (lower.contains("server at ") && lower.contains(" returned '"))
        || (!lower.contains("returned") && quoted_reply_at(lower).is_some()))
        && EXCHANGE_DIAGNOSTIC_HEADINGS
            .iter()
            .any(|p| lower.contains(p))
}

/// Where a reply quoted the way Exchange's diagnostic block quotes it starts: a 4xx or 5xx
/// reply code right after a single quote ("'451 4.4.395 ..."). A localized notice words the
/// line around it in its language ("Le serveur distant a renvoyé '451 ...'", as Microsoft's
/// French localization writes "The remote server returned"); the quoted reply is the same.
/// The English word of Exchange's reply line ("Remote Server returned '...'"); a notice without
/// it is localized.
const RETURNED_WORD: &[u8] = b"returned";

/// Whether a line quotes a reply the way Exchange's diagnostic block does, with the code of
/// one of Exchange's transport components (RESOLVER, STOREDRV, SMTPSEND, QUEUE, ROUTING) right
/// after the reply code and status: see `mta_preamble`.
fn exchange_component_reply(lower: &str) -> bool {
    lower.lines().take(5_000).any(|l| {
        quoted_reply_at(l).is_some_and(|at| {
            let mut words = l[at..].split_whitespace();
            let (_, status, component) = (words.next(), words.next(), words.next());
            status.is_some_and(|s| super::scan::status(s).is_some())
                && component.is_some_and(|c| {
                    ["resolver.", "storedrv.", "smtpsend.", "queue.", "routing."]
                        .iter()
                        .any(|p| c.starts_with(p))
                })
        })
    })
}

fn quoted_reply_at(line: &str) -> Option<usize> {
    line.match_indices('\'').take(256).find_map(|(q, _)| {
        let b = line.as_bytes();
        (b.len() > q + 4
            && matches!(b[q + 1], b'4' | b'5')
            && b[q + 2].is_ascii_digit()
            && b[q + 3].is_ascii_digit()
            && b[q + 4] == b' ')
            .then_some(q + 1)
    })
}

/// The heading of Exchange's diagnostic block (lowercase), above the generating server and
/// "Remote Server returned '...'": the same in every Exchange and Exchange Online NDR of that
/// layout, whatever text the recipient part above it has (Exchange 2013 and later: "<server>
/// rejected your message to the following email addresses:"). In English; in German, the
/// heading Microsoft's German support article on postmaster NDRs tells users to look for
/// ("Fehlgeschlagene Übermittlungsnachrichten vom Postmaster"); in Portuguese as Exchange writes
/// it for a Portuguese organization (above "Servidor de origem:"); and as Sisimai's Exchange
/// readers list it in Italian (above "Server di generazione:"), French, Dutch and Spanish
/// ("Información de diagnóstico para administradores:", its end shared with Portuguese).
const EXCHANGE_DIAGNOSTIC_HEADINGS: [&str; 8] = [
    "diagnostic information for administrators",
    "diagnoseinformationen für administratoren",
    "informações de diagnóstico para administradores",
    "informazioni di diagnostica per gli amministratori",
    "informations de diagnostic pour les administrateurs",
    "diagnóstico para administradores",
    "diagnostische gegevens voor beheerders",
    // Spanish as a real Exchange 2013 NDR writes it, above "Generando servidor:"
    // ("Información de diagnóstico para los administradores:", pastebin.com/JHaPQHk7).
    "diagnóstico para los administradores",
];

/// Whether the text is Exchange's delay notice (DSN "Delivery delayed"): "Delivery is delayed
/// to these recipients or groups:" above "The message hasn't been delivered yet. Delivery
/// will continue to be attempted.", and its German wording "Die Zustellung an folgende
/// Empfänger oder Verteilerlisten wurde verzögert" (the localized notice Exchange sends in a
/// German organization). A delay, not a failure: the server keeps trying.
pub(super) fn exchange_delay(lower: &str) -> bool {
    [
        "delivery is delayed to these recipients or groups",
        "die zustellung an folgende empfänger oder verteilerlisten wurde verzögert",
    ]
    .iter()
    .any(|p| lower.contains(p))
}

/// Whether the text is a Postfix delivery agent's log record that deferred the recipient
/// ("postfix/smtp[pid]: QUEUEID: to=<...>, relay=..., dsn=4.X.X, status=deferred (...)"): the
/// recipient went to the defer queue (bounce(8)/defer(8): the per-message defer log), the
/// message stays queued and is retried, whatever the reply inside the parentheses says; a
/// record of the same message with status=bounced is final.
/// A record hard-wrapped onto the lines below it (pasted into a mail program that wraps long
/// lines) is read whole: the lines after a record's first, up to a blank line or the next
/// record, are its rest.
pub(super) fn postfix_deferred_log(lower: &str) -> bool {
    let records = postfix_delivery_records(lower);
    records.iter().any(|l| l.contains(" status=deferred"))
        && !records.iter().any(|l| l.contains(" status=bounced"))
}

/// Whether the text holds a Postfix delivery agent's log record that bounced a recipient
/// ("... to=<...>, relay=..., dsn=5.X.X, status=bounced (...)"): the sending server's own
/// record that it gave up and returned the message (bounce(8)), not an error a mail program
/// showed while sending.
pub(super) fn postfix_bounced_log(lower: &str) -> bool {
    postfix_delivery_records(lower)
        .iter()
        .any(|l| l.contains(" status=bounced"))
}

/// A Postfix delivery agent's log records in the text (lines with `postfix/` and ` to=<`),
/// each read whole when hard-wrapped (see `postfix_deferred_log`).
fn postfix_delivery_records(lower: &str) -> Vec<String> {
    let mut records = super::postfix_log::joined(lower, "postfix/", 2_000);
    records.retain(|l| l.contains(" to=<"));
    records
}

/// Whether text without headers reads like an SMTP refusal a mail program showed.
/// The server's refusal is a reply code of class 4 or 5 (RFC 5321 4.2.1) or, as some mail
/// programs show only the text after it, an enhanced status code of class 4 or 5 opening a line (RFC 3463:
/// `5.7.1 <a@b.example>: Relay access denied.`), with words of refusal: in English, or as
/// Outlook shows a send error in every language, with its error number (0x800CCCxx, Outlook's
/// send and receive errors: "Task '... - Sending' reported error (0x800CCC78)", in French
/// "Tâche '... - Envoi' a signalé une erreur (0x800CCC78)", the number Microsoft's support
/// articles on Outlook's send and receive errors name them by), or with the French and German
/// word for an error ("erreur", "Fehler").
pub(super) fn looks_like_client_error(lower: &str) -> bool {
    if mail_program_refusal(lower) {
        return true;
    }
    let refusal = scan::reply_code(lower).is_some_and(|c| c >= 400)
        || lower.lines().any(|line| {
            let line = line.trim_start();
            scan::status(line).is_some_and(|s| {
                s.starts_with(['4', '5'])
                    && (line.starts_with(&s)
                        // Or right after a label's colon: Thunderbird quotes the reply without
                        // its code after "The mail server responded:" ("Le serveur de courrier
                        // a répondu : 5.7.1 ..." in French), also inside the quotation
                        // marks some translations put around it ("Le serveur a répondu :
                        // « 5.3.4 ... »").
                        || line.find(&s).is_some_and(|at| {
                            line[..at]
                                .trim_end_matches([
                                    ' ', '\u{a0}', '\u{202f}', '«', '"', '\'', '“', '„', '‘',
                                ])
                                .ends_with(':')
                        }))
            })
        })
        // Postfix's log of a milter's refusal ("postfix/cleanup[pid]: QUEUEID: milter-reject:
        // END-OF-MESSAGE from localhost[::1]: 5.7.0 <text>", as Plesk's support article on its
        // outgoing-message limit quotes it): the refusal with its status, no reply code.
        || lower.lines().any(|line| {
            line.find("milter-reject:").is_some_and(|at| {
                scan::status(&line[at..]).is_some_and(|s| s.starts_with(['4', '5']))
            })
        });
    refusal
        && [
            "rejected",
            "refused",
            "denied",
            "undeliverable",
            "not delivered",
            "couldn't be delivered",
            "could not be delivered",
            "failed",
            "error",
            "blocked",
            "unknown",
            "could not be sent",
            "unable to send",
            // Postfix's logs of a refusal ("NOQUEUE: reject:", "milter-reject:").
            "reject:",
            "0x800ccc",
            "not accepted",
            // The words for an error or a failure in the languages of the mail programs and
            // sending services' logs customers paste: French ("erreur", "échec"), German
            // ("Fehler", "fehlgeschlagen"), Italian ("errore", "non riuscito"), Spanish and
            // Portuguese ("fallido", "falló", "falhou", "falha", "erro "), Dutch ("mislukt").
            "erreur",
            "échec",
            "Échec",
            "fehler",
            "fehlgeschlagen",
            "errore",
            "non riuscit",
            "fallido",
            "falló",
            "falhou",
            "falha",
            "erro ",
            "mislukt",
            // Dutch ("fout bij verzenden"), Polish ("błąd", "nie powiodło się"), Czech and
            // Slovak ("chyba"), Swedish ("misslyckades"), Finnish ("virhe"), Hungarian
            // ("hiba"), Turkish ("hata"), Japanese ("エラー", "失敗"), Chinese ("失败", "错误",
            // "錯誤": failed, error), Korean ("오류", "실패").
            "fout ",
            "błąd",
            "nie powiodło",
            "chyba",
            "misslyckades",
            "virhe",
            "hiba",
            "hata",
            "エラー",
            "失敗",
            "失败",
            "错误",
            "錯誤",
            "오류",
            "실패",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

/// The sentences mail programs show when their outgoing server refused a message while it was
/// being sent, which often carry no reply code of their own (the program words the refusal, or
/// quotes the server's text after it):
/// - Apple Mail and iPhone Mail (MessageFramework's `MFSMTPResponse`, its
///   `errorMessageWithAddress:` strings MF_SMTP_RECIPIENT_UNKNOWN,
///   MF_SMTP_RECIPIENT_RELAYING_NOT_ALLOWED, MF_SMTP_RECIPIENT_INVALID_ADDRESS,
///   MF_SMTP_SENDING_LIMIT_EXCEEDED, SMTP_INVALID_SENDER_ADDRESS: "The recipient “%@” was
///   rejected by the server because ...", "Sending the message failed because you exceeded your
///   sending limit.", "The sender address “%@” was rejected by the server.");
/// - Thunderbird (comm-central's messenger `smtp.ftl`, before it `composeMsgs.properties`):
///   smtp-error-sending-recipient-command, -from-command, -message ("An error occurred while
///   sending mail. The mail server responded: ..."), smtp-permanent-size-exceeded ("... exceeds
///   the global size limit of the server ..."), smtp-too-many-recipients ("... exceeding the
///   allowed number of recipients ..."), with "The mail server responded:" in the translations
///   customers paste most (German, French, Dutch, Portuguese, Swedish, Italian "Il server di
///   posta ha risposto:", Spanish "El servidor de correo respondió:", Polish "Odpowiedź serwera
///   poczty:", Czech "Server odpověděl:" (its smtp-server-error, smtp-error-sending-*-command and
///   smtp-permanent-size-exceeded strings), from the same files).
const MAIL_PROGRAM_REFUSALS: &[&str] = &[
    "was rejected by the server because",
    "sending the message failed because you exceeded your sending limit",
    "exceeds the global size limit",
    "exceeding the allowed number of recipients",
    "an error occurred while sending mail. the mail server responded:",
    // Outlook's task error for a recipient its outgoing server refused (error 0x800CCC79: "Your
    // server rejected one or more recipient addresses. The server response was: <reply>"), and
    // its Spanish translation ("La respuesta del servidor fue:").
    "the server response was:",
    "la respuesta del servidor fue:",
    // Thunderbird's refusal at connection time: "An error occurred sending mail: The mail
    // server sent an incorrect greeting: <the server's words>." (its composeMsgs strings; the
    // server refused before the session began, often naming a blocklist).
    "the mail server sent an incorrect greeting:",
    "an error occurred while sending mail: outgoing server (smtp) error. the server responded:",
    "der mail-server antwortete:",
    "le serveur de courrier a répondu",
    "de mailserver antwoordde:",
    "o servidor de email respondeu:",
    "servern svarade:",
    "il server di posta ha risposto:",
    "el servidor de correo respondió:",
    "odpowiedź serwera poczty:",
    "server odpověděl:",
];

/// Whether the text holds a mail program's own sentence for a send its outgoing server refused
/// (see `MAIL_PROGRAM_REFUSALS`); Apple Mail's sender refusal is told by its two halves ("The
/// sender address “...” was rejected by the server.").
/// The text is read with its white space squeezed, so that a sentence a mail program or a
/// ticket form wrapped onto two lines is still found.
pub(super) fn mail_program_refusal(lower: &str) -> bool {
    if ![
        "server",
        "limit",
        "recipients",
        "antwortete",
        "répondu",
        "antwoordde",
        "respondeu",
        "svarade",
        "risposto",
        "respondió",
        "odpowiedź",
        // Outlook's Spanish "La respuesta del servidor fue:" ("servidor" is not "server").
        "respuesta",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return false;
    }
    let flat = mime::squeeze(lower, 256 * 1024);
    MAIL_PROGRAM_REFUSALS.iter().any(|p| flat.contains(p))
        || flat.find("the sender address").is_some_and(|at| {
            // The address between the halves is at most 254 characters (RFC 5321 4.5.3.1.3).
            let end = (at + 320).min(flat.len());
            let end = (0..=end)
                .rev()
                .find(|&i| flat.is_char_boundary(i))
                .unwrap_or(at);
            flat[at..end].contains("was rejected by the server")
        })
}

/// The paragraph that holds a mail program's own sentence for a refused send (see
/// `mail_program_refusal`): the program's words, and the server's it quotes, without the
/// customer's text around them.
/// After "The server response was:" (Outlook's 0x800CCC79 error, and .NET's SmtpException,
/// which puts its own description of the reply code before it: "Exceeded storage allocation."
/// for any 552), only the server's own reply is kept.
pub(super) fn mail_program_words(text: &str) -> Option<&str> {
    let p = scan::paragraphs(text)
        .into_iter()
        .take(200)
        .find(|p| mail_program_refusal(&p.to_lowercase()))?;
    let lower = p.to_ascii_lowercase();
    for label in ["the server response was:", "la respuesta del servidor fue:"] {
        if let Some(at) = lower.find(label)
            && let Some(reply) = p.get(at + label.len()..)
            && !reply.trim().is_empty()
        {
            return Some(reply.trim_start());
        }
    }
    Some(p)
}

/// Exchange's notice for a delivery receipt the destination did not send (Microsoft KB 3184617,
/// "Delivery receipts aren't generated when users send mail to external recipients": "Delivery
/// to these recipients or groups is complete, but no delivery notification was sent by the
/// destination server."): the message was handed over (RFC 3464 section 2.3.3, Action
/// "relayed"), no failure. Returns the text after the sentence, which lists the recipients.
pub(super) fn exchange_relayed(text: &str) -> Option<&str> {
    const SENTENCE: &str = "no delivery notification was sent by the destination server";
    // Its last words on one line are required below: a text without them is not read further.
    if !text
        .as_bytes()
        .windows(b"destination server".len())
        .any(|w| w.eq_ignore_ascii_case(b"destination server"))
    {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let flat = mime::squeeze(&lower, 64 * 1024);
    if !flat.contains(&format!(
        "delivery to these recipients or groups is complete, but {SENTENCE}"
    )) {
        return None;
    }
    // The sentence's last words, on one line in every wrap that keeps words whole.
    let at = lower.find("destination server")?;
    text.get(at..)
}

/// The host a plain-text bounce says refused (`host mx.example.com[192.0.2.1] said:`).
pub(super) fn host_in(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    for key in ["host ", "remote server ", "server "] {
        for (i, _) in lower.match_indices(key).take(8) {
            let rest = text.get(i + key.len()..).unwrap_or("");
            let token: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
                .collect();
            if token.contains('.')
                && token.chars().any(|c| c.is_ascii_alphabetic())
                && token.len() > 3
            {
                return Some(token.trim_end_matches('.').to_ascii_lowercase());
            }
        }
    }
    None
}

/// The server an Exchange NDR's "Diagnostic information for administrators" names for a
/// recipient: the recipient's address on one line, the remote server's name on the next, then
/// "Remote Server returned '...'" (Microsoft Learn, "Non-delivery reports in Exchange Online":
/// the diagnostic block lists the generating server, then each recipient with the server that
/// refused it and its reply).
/// The words that start the line where Exchange's diagnostic block quotes the remote server's
/// reply (lowercase).
const RETURNED: &str = "remote server returned";

pub(super) fn exchange_remote(text: &str, address: &str) -> Option<String> {
    if address.is_empty() {
        return None;
    }
    let lines: Vec<&str> = text.lines().take(5_000).map(str::trim).collect();
    lines.windows(3).find_map(|w| {
        (w[0].eq_ignore_ascii_case(address)
            && w[2]
                .get(..RETURNED.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(RETURNED))
            && dns_name(w[1]))
        .then(|| w[1].to_ascii_lowercase())
    })
}

/// The reply an Exchange NDR's diagnostic block quotes for a recipient: the line after the
/// recipient's address (and the remote server's name) that reads "Remote Server returned
/// '<reply>'", without its quotes. The block is the generating server's record of the
/// refusing server's words; the text above it is Exchange's own explanation for users, which
/// names other codes (its "Fix email delivery issues for error code 5.1.10" advice).
pub(super) fn exchange_reply(text: &str, address: &str) -> Option<String> {
    if address.is_empty() {
        return None;
    }
    let lines: Vec<&str> = text
        .lines()
        .take(5_000)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    // The next two lines with text after the address (a paste may have doubled every line
    // end); the quoted reply runs on to the line that closes its quote when the paste wrapped
    // it (at most four lines).
    // A localized notice (no English "returned" in it) may put a label before the address
    // ("Destinataire a@b.example") and its own words before the quoted reply.
    let localized = !text
        .as_bytes()
        .windows(RETURNED_WORD.len())
        .any(|w| w.eq_ignore_ascii_case(RETURNED_WORD));
    let (at, from) = lines.iter().enumerate().find_map(|(i, l)| {
        let labelled = localized
            && l.len() > address.len()
            && l.is_char_boundary(l.len() - address.len())
            && l[l.len() - address.len()..].eq_ignore_ascii_case(address)
            && l[..l.len() - address.len()].ends_with(' ')
            && l.matches('@').count() == 1;
        (l.eq_ignore_ascii_case(address) || labelled).then_some(())?;
        (i + 1..lines.len().min(i + 3)).find_map(|j| {
            if lines[j]
                .get(..RETURNED.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(RETURNED))
            {
                Some((j, RETURNED.len()))
            } else if localized {
                quoted_reply_at(lines[j]).map(|q| (j, q - 1))
            } else {
                None
            }
        })
    })?;
    let mut reply = lines[at][from..].trim().to_string();
    let mut next = at + 1;
    while reply.starts_with('\'')
        && (reply.len() < 2 || !reply.ends_with('\''))
        && next < lines.len().min(at + 5)
    {
        reply.push(' ');
        reply.push_str(lines[next]);
        next += 1;
    }
    let reply = reply.trim_matches('\'').trim();
    (!reply.is_empty()).then(|| reply.to_string())
}

/// The value of an Exchange Online NDR's "Error Details" line with the given label
/// ("Reported error:", "Remote server:"; Microsoft Learn, "Non-delivery reports in Exchange
/// Online"), when the notice has exactly one such line: it reports one recipient's failure.
pub(super) fn error_detail(text: &str, label: &str) -> Option<String> {
    let mut found = text.lines().take(5_000).filter_map(|l| {
        let t = l.trim();
        t.get(..label.len())
            .filter(|p| p.eq_ignore_ascii_case(label))
            .map(|_| t[label.len()..].trim())
            .filter(|v| !v.is_empty())
    });
    let first = found.next()?;
    found.next().is_none().then(|| first.to_string())
}

/// The labels under which Gmail's notices quote the refusing server's reply (Google's help on
/// returned messages, support.google.com/mail/answer/6596 and /7720: "The response from the
/// remote server was:", "The response was:").
pub(super) const GMAIL_REPLY_LABELS: &[&str] = &[
    "the response from the remote server was:",
    "the response was:",
];

/// The reply quoted under one of `labels` (lowercase), when the text has exactly one such
/// label: the rest of its line, else the lines after it up to a blank line or a separator
/// ("----- Original message -----"); quote marks ("> ") taken off each line.
pub(super) fn labelled_reply(text: &str, labels: &[&str]) -> Option<String> {
    fn unquote(l: &str) -> &str {
        l.trim_start_matches(|c: char| c == '>' || c.is_whitespace())
    }
    let mut lines = text.lines().take(5_000).map(unquote);
    let mut found = None;
    let mut count = 0;
    while let Some(line) = lines.next() {
        let lower = line.to_ascii_lowercase();
        let Some((at, label)) = labels.iter().find_map(|l| lower.find(l).map(|i| (i, l))) else {
            continue;
        };
        count += 1;
        if count > 1 {
            return None;
        }
        let rest = line.get(at + label.len()..).unwrap_or("").trim();
        let mut reply = rest.to_string();
        if reply.is_empty() {
            let body = lines
                .by_ref()
                .skip_while(|l| l.trim().is_empty())
                .take_while(|l| !l.trim().is_empty() && !l.trim_start().starts_with("-----"))
                .take(20);
            reply = body.map(str::trim).collect::<Vec<_>>().join(" ");
        }
        found = Some(reply).filter(|r| !r.is_empty());
    }
    found
}

/// Whether `text` is written as a DNS host name: letters, digits, hyphens and dots, with at
/// least one dot.
pub(super) fn dns_name(text: &str) -> bool {
    text.contains('.')
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
}

/// The generating server an Exchange NDR's diagnostic block names ("Generating server:
/// NAME"), the server that wrote the report.
pub(super) fn exchange_generating_server(text: &str) -> Option<String> {
    text.lines().take(5_000).find_map(|l| {
        let t = l.trim();
        let rest = t
            .get(..18)?
            .eq_ignore_ascii_case("generating server:")
            .then(|| t[18..].trim())?;
        dns_name(rest).then(|| rest.to_ascii_lowercase())
    })
}

/// The sending server's own address in its session log: the local end of the connection it
/// established (MDaemon's "Connection established (LOCAL:PORT -> REMOTE:PORT)"), the client
/// the refusing server talked to (RFC 5321 section 2.3.1: the client opens the connection).
pub(super) fn session_local_ip(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let i = lower.find("connection established (")? + "connection established (".len();
    let rest = &lower[i..];
    let local = rest.get(..rest.find("->")?)?.trim();
    // IPv4 with its port ("203.0.113.45:55120"), or a bracketed IPv6 with one.
    let ip = local
        .strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .map(|(ip, _)| ip)
        .or_else(|| local.rsplit_once(':').map(|(ip, _)| ip))
        .unwrap_or(local);
    ip.parse::<core::net::IpAddr>()
        .ok()
        .map(|ip| ip.to_string())
}

/// The client Sendmail's notice says it received the message from: its DSN text opens "The
/// original message was received at DATE\nfrom NAME [IP]" (sendmail/savemail.c, errbody(): the
/// arrival time, then the host the message came from, its name and address as Sendmail
/// recorded them). The address only, and only a literal one in brackets.
pub(super) fn sendmail_received_from(text: &str) -> Option<String> {
    const OPENING: &str = "the original message was received at";
    let lower = text.to_ascii_lowercase();
    let at = lower.find(OPENING)? + OPENING.len();
    // The date, then "from": on the same line or the next one.
    let rest = lower.get(at..)?;
    let rest = rest.get(..rest.len().min(300))?;
    let from = rest.find("from ")?;
    let client = rest[from + "from ".len()..].lines().next()?;
    let open = client.find('[')?;
    let close = client[open..].find(']')? + open;
    address_literal(&client[open..=close])
        .parse::<core::net::IpAddr>()
        .ok()
        .map(|ip| ip.to_string())
}

/// An address literal's address (RFC 5321 section 4.1.3: "[192.0.2.1]", "[IPv6:2001:db8::1]",
/// here lowercase), or the text as it is when it is none.
fn address_literal(text: &str) -> &str {
    let inner = text
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(text)
        .trim();
    inner.strip_prefix("ipv6:").unwrap_or(inner)
}

/// The server Sendmail's transcript says it was talking to when it got the reply about a
/// recipient: "... while talking to HOST.:" above the session lines (sendmail/usersmtp.c,
/// reply(): "... while talking to %s:\n" with the current host's name), one section per remote server. The section that names the
/// recipient, or the only one; a name (lowercase, no final dot) or a bracketed address as
/// written without its brackets.
pub(super) fn sendmail_talking_to(text: &str, address: &str) -> Option<String> {
    const KEY: &str = "while talking to ";
    let lower = text.to_ascii_lowercase();
    let starts: Vec<usize> = lower.match_indices(KEY).map(|(i, _)| i).take(50).collect();
    let address = address.trim().to_ascii_lowercase();
    let section = |n: usize| {
        let from = starts[n] + KEY.len();
        let to = starts.get(n + 1).copied().unwrap_or(lower.len());
        &lower[from..to]
    };
    let n = match starts.len() {
        0 => return None,
        1 => 0,
        _ => (0..starts.len())
            .find(|&n| !address.is_empty() && section(n).contains(address.as_str()))?,
    };
    let host = section(n)
        .lines()
        .next()?
        .trim()
        .trim_end_matches(':')
        .trim();
    let host = address_literal(host.trim_end_matches('.'));
    (!host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_')))
    .then(|| host.to_string())
}

/// The client a receiving Postfix's own log names in its refusal: smtpd(8) logs "NOQUEUE:
/// reject: RCPT from NAME[IP]: <reply>; from=<...> to=<...>" (smtpd_check.c, the reject log
/// line), the address of the server that talked to it. Only when every such line names the
/// same address, and not a loopback one (a content filter's re-injection, "from
/// localhost[127.0.0.1]").
pub(super) fn smtpd_reject_client(text: &str) -> Option<String> {
    let mut found: Option<core::net::IpAddr> = None;
    // ASCII lowercasing keeps every byte where it was: the original line is sliced at the
    // lowercase one's offsets.
    let lower = text.to_ascii_lowercase();
    if !lower.contains("noqueue: reject: ") {
        return None;
    }
    for (line, lower) in text.lines().zip(lower.lines()).take(2_000) {
        let Some(at) = lower.find("noqueue: reject: ") else {
            continue;
        };
        let rest = &line[at + "noqueue: reject: ".len()..];
        let Some(from) = rest.find(" from ") else {
            continue;
        };
        let client = &rest[from + " from ".len()..];
        let Some(open) = client.find('[') else {
            continue;
        };
        let Some(close) = client[open..].find(']') else {
            continue;
        };
        let Ok(ip) = client[open + 1..open + close].parse::<core::net::IpAddr>() else {
            continue;
        };
        if ip.is_loopback() || found.is_some_and(|f| f != ip) {
            return None;
        }
        found = Some(ip);
    }
    found.map(|ip| ip.to_string())
}

/// The remote server qmail-remote names in a qmail bounce (notqmail qmail-remote.c: "%s does
/// not like recipient.", "%s failed on DATA command.", "%s failed after I sent the message.",
/// "Connected to %s but sender was rejected.", each followed by "Remote host said: ..."): the
/// address (or name) of the server that refused.
pub(super) fn qmail_remote(text: &str) -> Option<String> {
    let plausible = |t: &str| {
        let t = t.trim_matches(['[', ']']);
        (t.parse::<core::net::IpAddr>().is_ok() || t.contains('.'))
            && t.len() > 3
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'))
    };
    for line in text.lines().take(2_000) {
        let t = line.trim();
        let l = t.to_ascii_lowercase();
        let host = [
            " does not like recipient.",
            " failed on data command.",
            " failed after i sent the message.",
        ]
        .iter()
        .find_map(|end| l.ends_with(end).then(|| &t[..t.len() - end.len()]))
        .or_else(|| {
            let rest = l.strip_prefix("connected to ")?;
            let end = rest.find(" but ")?;
            Some(&t["connected to ".len().."connected to ".len() + end])
        });
        if let Some(h) = host.map(str::trim).filter(|h| plausible(h)) {
            return Some(h.trim_matches(['[', ']']).to_ascii_lowercase());
        }
    }
    None
}

#[cfg(test)]
mod preamble_tests {
    use super::{
        exchange_component_reply, looks_like_client_error, mail_program_refusal,
        mail_program_words, mta_preamble, postfix_deferred_log, qmail_reporter,
    };

    #[test]
    fn gmails_quoted_reply_is_read_under_its_label() {
        use super::{GMAIL_REPLY_LABELS, labelled_reply};
        let notice = "Message blocked\n\nYour message to a@b.example has been blocked. See technical details below for more information.\n\nThe response from the remote server was:\n\n550 5.7.1 Attachments of type .docm are not accepted\n\n----- Original message -----\n";
        assert_eq!(
            labelled_reply(notice, GMAIL_REPLY_LABELS).as_deref(),
            Some("550 5.7.1 Attachments of type .docm are not accepted")
        );
        // Quoted in a reply, and on the label's own line.
        let quoted = "> The response was:\n>\n> 550 5.1.1 The email account that you tried to reach does not exist.\n> ----- Original message -----\n";
        assert_eq!(
            labelled_reply(quoted, GMAIL_REPLY_LABELS).as_deref(),
            Some("550 5.1.1 The email account that you tried to reach does not exist.")
        );
        assert_eq!(
            labelled_reply(
                "The response was: 452 4.2.2 over quota\n",
                GMAIL_REPLY_LABELS
            )
            .as_deref(),
            Some("452 4.2.2 over quota")
        );
        // Two replies under two labels: none is the recipient's alone.
        assert_eq!(
            labelled_reply(
                "The response was: 550 a\nThe response was: 550 b\n",
                GMAIL_REPLY_LABELS
            ),
            None
        );
        assert_eq!(labelled_reply("no label here", GMAIL_REPLY_LABELS), None);
    }

    #[test]
    fn a_postfix_milter_reject_log_line_is_a_refusal() {
        let log = "jan 18 19:02:41 plesk9 postfix/cleanup[2213906]: 4f2a71c04b7: milter-reject: end-of-message from localhost[127.0.0.1]: 5.7.0 your message could not be sent. the limit on the number of allowed outgoing messages was exceeded. try again later.; from=<a@b.example> to=<c@d.example> proto=esmtp helo=<b.example>";
        assert!(super::looks_like_client_error(log));
        assert!(!super::looks_like_client_error(
            "jan 18 19:02:41 plesk9 postfix/cleanup[1]: 4f2a: milter-reject: nothing"
        ));
    }

    #[test]
    fn a_last_line_diagnostic_stands_for_its_whole_reply() {
        use super::whole_multiline_reply;
        let text = "<<< RCPT TO:<a@gmail.example>\n<<< 421-4.7.28 [198.51.100.70      15] Our system has detected\n<<< 421-4.7.28 an unusual rate of unsolicited mail.\n<<< 421 4.7.28 review our guidelines. x.118 - gsmtp\n";
        assert_eq!(
            whole_multiline_reply(
                text,
                "smtp; 421 4.7.28 review our guidelines. x.118 - gsmtp"
            )
            .as_deref(),
            Some(
                "421-4.7.28 [198.51.100.70 15] Our system has detected 421-4.7.28 an unusual rate of unsolicited mail. 421 4.7.28 review our guidelines. x.118 - gsmtp"
            )
        );
        // A one-line reply, or one the text does not show, stays as it is.
        // Sendmail keeps the first line; the transcript has the rest.
        let sendmail = "... while talking to mx.b.example.:\n>>> DATA\n<<< 550-5.7.1 [192.0.2.7 12] Our system has detected an unusual rate of\n<<< 550-5.7.1 unsolicited mail originating from your IP address.\n<<< 550 5.7.1 Bulk Email Senders Guidelines. x.112 - gsmtp\n554 5.0.0 Service unavailable\n";
        assert_eq!(
            whole_multiline_reply(
                sendmail,
                "SMTP; 550-5.7.1 [192.0.2.7 12] Our system has detected an unusual rate of"
            )
            .as_deref(),
            Some(
                "550-5.7.1 [192.0.2.7 12] Our system has detected an unusual rate of 550-5.7.1 unsolicited mail originating from your IP address. 550 5.7.1 Bulk Email Senders Guidelines. x.112 - gsmtp"
            )
        );
        // A first line whose reply is not there to its end: nothing.
        assert_eq!(
            whole_multiline_reply("<<< 550-5.7.1 a\n<<< 550-5.7.1 b\n", "550-5.7.1 a"),
            None
        );
        assert_eq!(
            whole_multiline_reply(text, "421 4.7.0 try again later"),
            None
        );
        assert_eq!(
            whole_multiline_reply("550 5.1.1 no such user\n", "550 5.1.1 no such user"),
            None
        );
        // Lines of another reply code are not its lines.
        assert_eq!(
            whole_multiline_reply("250-ok\n550 5.1.1 no such user\n", "550 5.1.1 no such user"),
            None
        );
    }

    #[test]
    fn a_receiving_postfix_log_names_its_client() {
        use super::smtpd_reject_client;
        let line = |ip: &str| {
            format!(
                "May 21 10:02:13 mx01 postfix/smtpd[41127]: NOQUEUE: reject: RCPT from vps-14.host.example[{ip}]: 504 5.5.2 <server1>: Helo command rejected: need fully-qualified hostname; from=<a@b.example> to=<c@d.example> proto=ESMTP helo=<server1>\n"
            )
        };
        assert_eq!(
            smtpd_reject_client(&line("198.51.100.14")).as_deref(),
            Some("198.51.100.14")
        );
        // Two clients: which one is meant cannot be told; a re-injection is no client.
        assert_eq!(
            smtpd_reject_client(&(line("198.51.100.14") + &line("192.0.2.7"))),
            None
        );
        assert_eq!(smtpd_reject_client(&line("127.0.0.1")), None);
        assert_eq!(smtpd_reject_client("no log here"), None);
    }

    #[test]
    fn outlooks_send_error_in_another_language_is_a_refusal() {
        let fr = "tâche 'contact@a.example - envoi' a signalé une erreur (0x800ccc78) : 'impossible d'envoyer le message. le serveur a répondu : 530 smtp authentication is required.'";
        assert!(super::looks_like_client_error(fr));
        // Thunderbird quotes the reply without its code, after its label's colon.
        assert!(super::looks_like_client_error(
            "l’envoi du message a échoué.\nune erreur est survenue lors de l’envoi de l’e-mail. le serveur de courrier a répondu : 5.7.1 <j@b.example>: relay access denied."
        ));
        // The error number alone, without a refusal's code, is not a refusal shown.
        assert!(!super::looks_like_client_error(
            "tâche 'contact@a.example - envoi' a signalé une erreur (0x800ccc0e)"
        ));
    }

    #[test]
    fn exchanges_diagnostic_block_in_its_languages() {
        use super::exchange_diagnostic;
        let block = |heading: &str| {
            format!(
                "{heading}\n\nx@example.net\nremote server returned '451 4.4.0 primary target ip address responded with: \"421 4.4.1 unable to connect.\"'"
            )
        };
        for heading in [
            "diagnostic information for administrators:",
            "diagnoseinformationen für administratoren:",
            "informazioni di diagnostica per gli amministratori:",
            "diagnostische gegevens voor beheerders:",
        ] {
            assert!(exchange_diagnostic(&block(heading)), "{heading}");
        }
        // The heading alone, or the reply alone, is not the block.
        assert!(!exchange_diagnostic(
            "diagnostic information for administrators:"
        ));
        assert!(!exchange_diagnostic(
            "remote server returned '550 5.1.1 user unknown'"
        ));
        // Localized, the reply line's words differ; the quoted reply is the same.
        assert!(exchange_diagnostic(
            "informations de diagnostic pour les administrateurs :\n\ndestinataire x@example.net\nle serveur distant a renvoyé '451 4.4.395 target host responded with error.'"
        ));
    }

    #[test]
    fn an_exchange_ndr_quotes_the_remote_reply_for_each_recipient() {
        use super::exchange_reply;
        let t = "Your message to a@example.net couldn't be delivered.\nFix email delivery issues for error code 5.1.10\n\nDiagnostic information for administrators:\n\nGenerating server: gen.example\na@example.net\nmx.example.net\nRemote Server returned '550 5.1.1 <a@example.net> User unknown'\n";
        assert_eq!(
            exchange_reply(t, "a@example.net").as_deref(),
            Some("550 5.1.1 <a@example.net> User unknown")
        );
        assert_eq!(exchange_reply(t, "b@example.net"), None);
        // A reply the paste wrapped runs on to its closing quote.
        let wrapped = "a@example.net\nmx.example.net\nRemote Server returned '501 5.5.2 <h.local>: Helo command\nrejected: Invalid name'\nOriginal message headers:\n";
        assert_eq!(
            exchange_reply(wrapped, "a@example.net").as_deref(),
            Some("501 5.5.2 <h.local>: Helo command rejected: Invalid name")
        );
        assert_eq!(
            exchange_reply("a@example.net\nRemote Server returned ''", "a@example.net"),
            None
        );
        // A French organization's notice: a label before the address, other words before the
        // quoted reply.
        let fr = "Destinataire a@example.net\nLe serveur distant a renvoyé '451 4.4.395 Target host responded with error.'\n";
        assert_eq!(
            exchange_reply(fr, "a@example.net").as_deref(),
            Some("451 4.4.395 Target host responded with error.")
        );
        assert_eq!(
            exchange_reply(
                "See a@example.net\nit said 'hello there'\n",
                "a@example.net"
            ),
            None
        );
    }

    #[test]
    fn an_exchange_online_ndr_error_details() {
        use super::error_detail;
        let t = "Error Details\nReported error:\t550 5.1.1 <a@b.example>: user does not exist\nDSN generated by:\tX.PROD.OUTLOOK.COM\nRemote server:\tmx02.b.example\n";
        assert_eq!(
            error_detail(t, "reported error:").as_deref(),
            Some("550 5.1.1 <a@b.example>: user does not exist")
        );
        assert_eq!(
            error_detail(t, "remote server:").as_deref(),
            Some("mx02.b.example")
        );
        let two = format!("{t}Reported error: 550 5.1.1 other\n");
        assert_eq!(error_detail(&two, "reported error:"), None);
    }

    #[test]
    fn an_exchange_ndr_names_the_refusing_and_the_generating_server() {
        use super::{exchange_generating_server, exchange_remote};
        let t = "Diagnostic information for administrators:\n\nGenerating server: MAIL01.ad.school.example\n\na@icloud.com\nmx01.mail.icloud.com\nRemote Server returned '550 5.7.1 rejected'\n";
        assert_eq!(
            exchange_remote(t, "a@icloud.com").as_deref(),
            Some("mx01.mail.icloud.com")
        );
        assert_eq!(exchange_remote(t, "b@icloud.com"), None);
        assert_eq!(
            exchange_generating_server(t).as_deref(),
            Some("mail01.ad.school.example")
        );
    }

    #[test]
    fn a_session_log_gives_the_sending_servers_own_address() {
        use super::session_local_ip;
        let log = "Resolving A record for [mx.example] (DNS Server: 192.0.2.53)...\n*  Connection established (203.0.113.45:55120 -> 198.51.100.70:25)";
        assert_eq!(session_local_ip(log).as_deref(), Some("203.0.113.45"));
        assert_eq!(
            session_local_ip("550 5.7.1 Client host [192.0.2.1] blocked"),
            None
        );
    }

    #[test]
    fn qmail_remote_names_the_refusing_server() {
        use super::qmail_remote;
        let t = "<a@b.example>:\n203.0.113.88 failed after I sent the message.\nRemote host said: 554 5.7.0 Reject";
        assert_eq!(qmail_remote(t).as_deref(), Some("203.0.113.88"));
        let t = "<a@b.example>:\nConnected to 192.0.2.5 but sender was rejected.\nRemote host said: 553";
        assert_eq!(qmail_remote(t).as_deref(), Some("192.0.2.5"));
        assert_eq!(
            qmail_remote("Sorry, I couldn't find any host named b.example. (#5.1.2)"),
            None
        );
    }

    #[test]
    fn a_qmail_bounce_names_its_reporting_host() {
        assert_eq!(
            qmail_reporter("hi. this is the qmail-send program at mx.example.org.\ni'm afraid"),
            Some("mx.example.org".to_string())
        );
        assert_eq!(
            qmail_reporter("this is the mail system at host mx.example."),
            None
        );
    }

    #[test]
    fn exchange_notices_in_english_and_german() {
        use super::exchange_delay;
        let de = "die zustellung an folgende empfänger oder verteilerlisten wurde verzögert:\n\n     a@b.example";
        assert!(exchange_delay(de) && mta_preamble(de));
        assert!(exchange_delay(
            "delivery is delayed to these recipients or groups:"
        ));
        assert!(!exchange_delay(
            "delivery has failed to these recipients or groups:"
        ));
        assert!(mta_preamble(
            "diagnoseinformationen für administratoren:\n\ngenerierender server: ex01"
        ));
    }

    #[test]
    fn an_mta_bounce_body_is_not_a_client_error() {
        let postfix = "this is the mail system at host mail.example.net.\n\n<a@b.example>: host mx.b.example[192.0.2.9] refused to talk to me: 554 ip address is black listed";
        assert!(mta_preamble(postfix));
        let client = "an error occurred while sending mail. the mail server responded: 554 5.7.1 <a@b.example>: relay access denied. please check the message recipient and try again.";
        assert!(!mta_preamble(client));
        // Gmail's delay notice, its lines run together by a ticket form.
        assert!(mta_preamble(
            "** delivery incomplete ** there was a temporary problem delivering your message to a@b.example. gmail will retry for 45 more hours. you'll be notified if the delivery fails permanently."
        ));
        // Broken anywhere by a narrower wrap.
        assert!(mta_preamble(
            "there was a temporary problem\ndelivering your message to a@b.example. gmail will\nretry for 45 more hours."
        ));
        assert!(looks_like_client_error(client));
        // Thunderbird shows the reply without its code: the enhanced status still says 5xx.
        let no_code = "sending of the message failed.\nan error occurred while sending mail. the mail server responded:\n5.7.1 <b@gmail.example>: relay access denied.";
        assert!(looks_like_client_error(no_code));
        assert!(!looks_like_client_error(
            "version 5.7.1 of the manual describes the error"
        ));
    }

    #[test]
    fn exchanges_relayed_notice_is_a_delivery_report() {
        let m = "From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@a.example>\nTo: me@a.example\nSubject: Relayed: drawings\n\nDelivery to these recipients or groups is complete, but no delivery notification was sent by the\ndestination server:\n\nCiaran (c@b.example) <mailto:c@b.example>\n\nSubject: drawings\n";
        let r = crate::checks::bounce::analyze(m.as_bytes());
        assert_eq!(r.kind, crate::checks::bounce::BounceKind::NotBounce);
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "c@b.example");
        assert_eq!(
            r.recipients[0].reason,
            crate::checks::bounce::Reason::Delivered
        );
        // Exchange's failure notice is still a bounce.
        let ndr = "From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@a.example>\nTo: me@a.example\nSubject: Undeliverable: drawings\n\nDelivery has failed to these recipients or groups:\n\nc@b.example\nRemote Server returned '550 5.1.1 User unknown'\n";
        assert_eq!(
            crate::checks::bounce::analyze(ndr.as_bytes()).kind,
            crate::checks::bounce::BounceKind::Bounce
        );
    }

    #[test]
    fn mail_programs_own_refusal_sentences_without_a_reply_code() {
        // iPhone Mail's alert and Thunderbird's size window carry no reply code.
        let iphone = "Cannot Send Mail\nA copy has been placed in your Outbox. The recipient \u{201c}a@b.example\u{201d} was rejected by the server because it does not allow relaying.\nOK";
        assert!(looks_like_client_error(&iphone.to_lowercase()));
        let size = "Hallo,\nes geht nicht:\n\nSend Message Error\n\nSending of the message failed.\nThe size of the message you are trying to send exceeds the global size limit (52428800 bytes) of the server.\n\nGruss";
        assert!(looks_like_client_error(&size.to_lowercase()));
        // The words are the window's paragraph, not the customer's lines around it.
        assert_eq!(
            mail_program_words(size),
            Some(
                "Sending of the message failed.\nThe size of the message you are trying to send exceeds the global size limit (52428800 bytes) of the server.\n"
            )
        );
        let sender =
            "the sender address \u{201c}me@shop.example\u{201d} was rejected by the server.";
        assert!(mail_program_refusal(sender));
        // Thunderbird's Italian and Spanish windows (smtp.ftl smtp-error-sending-from-command).
        assert!(mail_program_refusal(
            "si è verificato un errore durante l\u{2019}invio della posta. il server di posta ha risposto: relaying disallowed as a@b.example."
        ));
        assert!(mail_program_refusal(
            "ocurrió un error mientras se enviaba el correo. el servidor de correo respondió: 553 sender not allowed."
        ));
        // A customer who says a server rejected something is no mail program's window.
        assert!(!mail_program_refusal(
            "my mail was rejected by the server, why?"
        ));
        assert!(!looks_like_client_error(
            "my mail was rejected by the server, why?"
        ));
    }

    #[test]
    fn haraka_bounce_and_postfix_deferred_log_records() {
        assert!(mta_preamble(
            "hi. this is the haraka mailer program at mx1.example.net.\ni'm afraid i wasn't able to deliver your message"
        ));
        let deferred = "apr 22 15:04:49 mail postfix/smtp[22]: db8c: to=<a@b.example>, relay=mx.b.example[192.0.2.9]:25, delay=349215, dsn=4.0.0, status=deferred (host mx.b.example[192.0.2.9] refused to talk to me: 554 no smtp service)";
        assert!(postfix_deferred_log(deferred));
        // The same record hard-wrapped at column 78 by a mail program.
        assert!(postfix_deferred_log(
            "mail.info:apr 22 15:04:49 mail postfix/smtp[2228153]: db8cabdc1db3:\nto=<m@r.example>,\nrelay=mx01.r.example[192.0.2.67]:25, delay=349215,\ndelays=349215/0.02/0.19/0, dsn=4.0.0, status=deferred (host\nmx01.r.example[192.0.2.67] refused to talk to me: 554 no\n"
        ));
        assert!(mta_preamble(
            "your message\nto: a@b.example\nsubject: test\ndid not reach the following recipient(s):\na@b.example on thu, 14 apr 2011"
        ));
        let bounced = format!(
            "{deferred}\napr 27 15:04:49 mail postfix/smtp[22]: db8c: to=<a@b.example>, relay=none, dsn=5.0.0, status=bounced (host refused)"
        );
        assert!(!postfix_deferred_log(&bounced));
        assert!(!postfix_deferred_log(
            "the message was deferred: status=deferred to=<a@b.example>"
        ));
    }

    #[test]
    fn a_mail_program_error_in_chinese_or_korean_is_a_client_error() {
        assert!(looks_like_client_error(
            "发送邮件失败\n错误信息：服务器返回 501 mail from address must be same as authorization user."
        ));
        assert!(looks_like_client_error(
            "메일 전송 실패\n오류: 550 5.7.1 relaying denied"
        ));
        assert!(!looks_like_client_error("发送邮件失败"));
    }

    #[test]
    fn exchange_s_quoted_reply_with_its_component_code_is_an_ndr_in_any_language() {
        let polish = "dostarczenie do tych adresatów lub grup nie powiodło się:\n\nj@b.example\n\nserwer generujący: exch01.b.local\n\nj@b.example\nserwer zdalny zwrócił: '550 5.1.1 resolver.adr.recipnotfound; not found'\n";
        assert!(exchange_component_reply(polish));
        assert!(mta_preamble(polish));
        // A quoted reply without an Exchange component is not enough.
        assert!(!exchange_component_reply(
            "the server said: '550 5.1.1 user unknown'"
        ));
        assert!(!exchange_component_reply("resolver.adr.recipnotfound"));
    }

    #[test]
    fn an_exchange_notice_under_a_localized_label_is_read_in_any_language() {
        use crate::checks::bounce::{BounceKind, analyze};
        // Printed by a mail program with its labels in the reader's language: the system
        // mailbox names the sender; the headings are words the reader does not know.
        let notice = |status: &str, reply: &str| {
            format!(
                "Od: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@a.example>\nDo: Anna <anna@a.example>\nTemat: x\n\nk@b.example (k@b.example)\n\nSerwer generujacy: EX1.a.local\n\nk@b.example\nmx.b.example\nSerwer zdalny zwrocil '{status} {reply}'\n\nNaglowki:\n\nReceived: from EX1.a.local (10.0.0.12) by EX1.a.local\n (10.0.0.12) with Microsoft SMTP Server id 15.2.1544.4; Thu, 21 May\n 2026 08:47:12 +0200\nFrom: Anna <anna@a.example>\nMessage-ID:\n <3a9e@EX1.a.local>\n"
            )
        };
        let failed =
            analyze(notice("550", "5.7.0 [SPF] host 203.0.113.77 is not allowed").as_bytes());
        assert_eq!(failed.kind, BounceKind::Bounce);
        assert_eq!(failed.recipients.len(), 1, "{:?}", failed.recipients);
        assert_eq!(failed.recipients[0].address, "k@b.example");
        // The heading over the returned header is found by the trace field below it.
        assert!(failed.original.is_some());
        // Every reply temporary: the notice is a delay.
        let delayed = analyze(notice("451", "4.4.316 Connection refused").as_bytes());
        assert_eq!(delayed.kind, BounceKind::Delay);
    }

    #[test]
    fn a_notice_joined_onto_one_line_under_a_subject_is_read_as_text() {
        use crate::checks::bounce::{BounceKind, analyze};
        let reply = "550 5.1.1 The email account that you tried to reach does not exist.";
        let line = format!(
            "Subject: Mails bounce Message: Hi, this came back: {} Mail delivery failed: returning message to sender This message was created automatically by mail delivery software. A message that you sent could not be delivered to one or more of its recipients. This is a permanent error. The following address(es) failed: k@b.example host mx.b.example [192.0.2.1] SMTP error from remote mail server after RCPT TO:<k@b.example>: {reply} Thanks, Ann\n",
            "words ".repeat(160)
        );
        assert!(line.len() > 998);
        let r = analyze(line.as_bytes());
        assert_eq!(r.kind, BounceKind::Bounce);
        assert_eq!(r.recipients.len(), 1, "{:?}", r.recipients);
        assert_eq!(r.recipients[0].address, "k@b.example");
        assert_eq!(r.recipients[0].status.as_deref(), Some("5.1.1"));
    }

    #[test]
    fn a_quoted_list_hold_notice_is_read_under_any_label() {
        use crate::checks::bounce::{BounceKind, analyze};
        let notice = "Was it refused?\n\n> Fra: medlemmer-bounces@lists.a.example\n> Emne: Your message to medlemmer@lists.a.example awaits moderator approval\n>\n> Your mail to 'medlemmer@lists.a.example' with the subject\n>\n>     Julefrokost\n>\n> Is being held until the list moderator can review it for approval.\n>\n> The message is being held because:\n>\n>     The message is not from a list member\n";
        let r = analyze(notice.as_bytes());
        assert_eq!(r.kind, BounceKind::Delay);
        assert_eq!(r.recipients[0].address, "medlemmer@lists.a.example");
        assert_eq!(
            r.recipients[0].diagnostic.as_deref(),
            Some("The message is not from a list member")
        );
    }

    /// A paste that starts at a text part's own MIME fields (a forward's source copied from
    /// its body on) is read as text: those fields are no message's header.
    #[test]
    fn a_body_parts_mime_fields_are_no_header() {
        use crate::checks::bounce::{BounceKind, analyze};
        let notice = "This is the mail system at host smtp.a.example.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\n                   The mail system\n\n<u@b.example>: host mx.b.example[192.0.2.1] said: 552 5.2.2 <u@b.example>:\n    Recipient address rejected: Mailbox is full (in reply to RCPT TO command)\n";
        let part = format!(
            "Content-Type: text/plain; charset=UTF-8; format=flowed\nContent-Transfer-Encoding: 8bit\n\nHello, this keeps coming back:\n\n{notice}"
        );
        let r = analyze(part.as_bytes());
        assert_eq!(r.kind, BounceKind::Bounce);
        assert!(
            r.recipients
                .iter()
                .any(|x| x.address == "u@b.example" && x.status.as_deref() == Some("5.2.2")),
            "{:?}",
            r.recipients
        );
    }

    /// A notice marked automatic (MDaemon's "Permanent Delivery Failure" carries
    /// "Auto-Submitted: auto-replied") that returns the message with MDaemon's words that it
    /// failed is a bounce, not an automatic reply; an automatic reply that attaches the
    /// message with everyday words ("could not be delivered") or a person's absence notice
    /// stays a reply.
    #[test]
    fn a_failure_notice_marked_auto_replied_is_a_bounce() {
        use crate::checks::bounce::{BounceKind, analyze};
        let notice = |words: &str| {
            format!(
                "From: \"MDaemon at mail.a.example\" <MDaemon@a.example>\nTo: ann@a.example\nSubject: Permanent Delivery Failure\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain\n\n{words}\n\n--b1\nContent-Type: message/rfc822\n\nFrom: ann@a.example\nTo: u@b.example\nSubject: Order\n\nHello\n--b1--\n"
            )
        };
        let failed = "The attached message had PERMANENT fatal delivery errors!\n\n550 5.1.1 <u@b.example>... User unknown";
        assert_eq!(analyze(notice(failed).as_bytes()).kind, BounceKind::Bounce);
        assert_eq!(
            analyze(notice("I am out of the office until Monday.").as_bytes()).kind,
            BounceKind::AutoReply
        );
        assert_eq!(
            analyze(
                notice("Thank you. If your request could not be delivered to the right team, we forward it.")
                    .as_bytes()
            )
            .kind,
            BounceKind::AutoReply
        );
    }
}
