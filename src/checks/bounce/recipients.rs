//! The recipients a report is about: a DSN's (given the words of the text part about each), or
//! those a plain-text bounce names: the blocks of its text that start with an address, else
//! X-Failed-Recipients, else the returned message's To (or the first address the text names
//! that is neither the bounce's sender nor its recipient, nor a mailer daemon).

use super::{MAX_RECIPIENTS, OriginalMessage, mime, scan};
use crate::vocab::text::clip;

/// One per-recipient account before reasons are decided.
#[derive(Default)]
pub(super) struct Raw {
    pub(super) address: String,
    pub(super) original_recipient: Option<String>,
    pub(super) action: Option<String>,
    pub(super) status: Option<String>,
    pub(super) diagnostic: String,
    pub(super) diagnostic_type: String,
    pub(super) remote_mta: Option<String>,
    pub(super) last_attempt: Option<String>,
    /// Text around the recipient that may name a reason (lowercased later).
    pub(super) context: String,
    /// The reason the report's writer gave in a field of its own (Amazon SES's
    /// `bounceSubType`), used when neither the words nor the codes decide.
    pub(super) classified: Option<super::Reason>,
}

/// Each address's last record of a sending server's log (its action: failed, delayed or
/// delivered, and the error words), in the order the addresses first appear: the logs that
/// write one record per attempt (Exim's, Kerio Connect's, Exchange's message tracking) are
/// read so, the last attempt deciding (a deferral followed by a delivery was delivered late).
#[derive(Default)]
pub(super) struct LastRecords(Vec<(String, &'static str, String)>);

impl LastRecords {
    /// Notes a record, in place of the address's earlier one.
    pub(super) fn note(&mut self, address: String, action: &'static str, words: String) {
        if let Some(entry) = self.0.iter_mut().find(|(a, _, _)| *a == address) {
            *entry = (address, action, words);
        } else if self.0.len() < super::MAX_RECIPIENTS {
            self.0.push((address, action, words));
        }
    }

    /// The recipients, added to `raws`; addresses delivered beside failed or delayed ones are
    /// no part of the problem and are left out.
    pub(super) fn into_raws(self, raws: &mut Vec<Raw>) {
        let troubled = self.0.iter().any(|(_, action, _)| *action != "delivered");
        for (address, action, words) in &self.0 {
            if troubled && *action == "delivered" {
                continue;
            }
            let words = (*action != "delivered" && !words.is_empty()).then_some(words.as_str());
            raws.push(Raw::event(
                address,
                action,
                words.and_then(super::scan::status),
                words,
            ));
        }
    }
}

impl Raw {
    /// Puts this record in `raws` in place of the same address's earlier one: a later event
    /// for an address is where its delivery stands now. At most `MAX_RECIPIENTS` addresses.
    pub(super) fn replace_in(self, raws: &mut Vec<Raw>) {
        raws.retain(|r| r.address != self.address);
        if raws.len() < super::MAX_RECIPIENTS {
            raws.push(self);
        }
    }

    /// A recipient of a sending service's event record (SendGrid, SparkPost): its address, the
    /// RFC 3464 action the event stands for, the status it gives and the server's words (JSON
    /// string escapes of quotes, slashes, line ends and tabs undone, RFC 8259 section 7). A delivery event carries no status: the acceptance is
    /// a 2.X.X (RFC 3463).
    pub(super) fn event(
        address: &str,
        action: &str,
        status: Option<String>,
        words: Option<&str>,
    ) -> Raw {
        Raw {
            address: address.to_ascii_lowercase(),
            action: Some(action.to_string()),
            status: status.or_else(|| (action == "delivered").then(|| "2.0.0".to_string())),
            diagnostic: words
                .unwrap_or_default()
                .replace("\\\"", "\"")
                .replace("\\/", "/")
                .replace("\\n", " ")
                .replace("\\t", " "),
            diagnostic_type: "SMTP".into(),
            ..Raw::default()
        }
    }
}

/// Completes `raws` (a DSN's recipients, or none) from the report's text `bounce_text`: see the
/// module's doc. `from` and `to` are the bounce's own From and To.
pub(super) fn find(
    raws: &mut Vec<Raw>,
    bounce_text: &str,
    top: &mime::Headers<'_>,
    from: &str,
    to: &str,
    original: Option<&OriginalMessage>,
) {
    // Exim's report gives the address the sender wrote as the Final-Recipient, and the address
    // its redirect router (an alias or forward) made from it in X-Failed-Recipients, shown in
    // the text as "<made> (generated from <written>)" (Exim's specification, "Bounce messages";
    // deliver.c). The failed address is the one made; the written one is its Original-Recipient
    // (RFC 3464 section 2.3.1).
    if let [raw] = &mut raws[..]
        && raw.original_recipient.is_none()
        && let Some(x) = top.value("x-failed-recipients")
    {
        let failed: Vec<String> = scan::addresses(&x)
            .into_iter()
            .filter_map(|(s, e)| x.get(s..e))
            .map(str::to_ascii_lowercase)
            .collect();
        let written = raw.address.to_ascii_lowercase();
        if let [made] = &failed[..]
            && *made != written
            && bounce_text
                .to_ascii_lowercase()
                .contains(&format!("(generated from {written})"))
        {
            raw.original_recipient = Some(std::mem::replace(&mut raw.address, made.clone()));
        }
    }
    let mut skip: Vec<String> = Vec::new();
    // Every address `text` names, to be skipped.
    let skip_all = |skip: &mut Vec<String>, text: &str| {
        for (s, e) in scan::addresses(text) {
            if let Some(a) = text.get(s..e) {
                skip.push(a.to_ascii_lowercase());
            }
        }
    };
    for v in [from, to] {
        skip_all(&mut skip, v);
    }
    // The returned message's author is the one the notice goes back to (RFC 5321 section 6.1),
    // not a recipient that failed, unless they addressed the message to themselves too: a
    // notice shown without its own header (a web mail's view, "To: <author>" above the text)
    // names them as its addressee.
    if let Some(o) = original {
        let h = mime::headers(&o.text);
        let recipients: String = ["to", "cc"]
            .iter()
            .filter_map(|n| h.value(n))
            .collect::<Vec<_>>()
            .join(",")
            .to_ascii_lowercase();
        if let Some(author) = h.value("from") {
            for (s, e) in scan::addresses(&author) {
                if let Some(a) = author.get(s..e).map(str::to_ascii_lowercase)
                    && !recipients.contains(&a)
                {
                    skip.push(a);
                }
            }
        }
    }
    // A notice shown without its own header, as a phone's or web mail's view shows it: the
    // mail system's name ("Mail Delivery System", "MAILER-DAEMON") and "To: <address>" above
    // the text. That address is the one the notice went back to, never a failed recipient.
    if to.trim().is_empty() {
        let head: Vec<&str> = bounce_text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(6)
            .collect();
        let daemon = head.iter().any(|l| {
            let l = l.to_ascii_lowercase();
            l.contains("mail delivery") || l.contains("mailer-daemon") || l.contains("postmaster")
        });
        if daemon {
            for l in &head {
                let t = l.trim();
                if t.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("to:")) {
                    skip_all(&mut skip, t);
                }
            }
        }
    }
    // The address a session transcript gives in MAIL FROM is the envelope sender (RFC 5321
    // section 3.3: MAIL FROM carries the reverse-path, RCPT TO the recipients), never a
    // recipient, whatever reply follows it ("250 2.1.0 <sender>... Sender ok").
    let lower = bounce_text.to_ascii_lowercase();
    for (at, _) in lower.match_indices("mail from:").take(16) {
        let rest = &bounce_text[at + "mail from:".len()..];
        let line = rest.split('\n').next().unwrap_or_default();
        if let Some(&(s, e)) = scan::addresses(line).first()
            && let Some(a) = line.get(s..e)
        {
            skip.push(a.to_ascii_lowercase());
        }
    }
    // The summary under the first forward banner ("---------- Forwarded message ---------",
    // "-----Original Message-----", "Begin forwarded message:"; `parse::input::forward_banner_at`
    // finds where it ends) is the forwarded notice's own header as the mail program shows it: its From, To and Cc name the notice's sender and
    // the person it was returned to, never a failed recipient. (A later banner can be the
    // notice's inline copy of the returned message, whose To is the failed recipient.)
    let lines: Vec<&str> = bounce_text.lines().take(400).collect();
    let summary = lines.iter().enumerate().find_map(|(i, l)| {
        let l = l.to_ascii_lowercase();
        (l.contains("forwarded message") || l.contains("original message"))
            .then(|| crate::parse::input::forward_banner_at(&lines, i).map(|end| (i + 1, end)))
            .flatten()
    });
    // A summary whose From is a person's is the returned message's own (Gmail's notice shows
    // it under a banner of its own, below the notice): its To is the failed recipient.
    let persons = summary.is_some_and(|(start, end)| {
        lines[start..end].iter().any(|line| {
            let l = line.trim().trim_start_matches('>').trim();
            l.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("from:"))
                && !super::is_report_field("from", l[5..].trim())
        })
    });
    if let Some((start, end)) = summary.filter(|_| !persons) {
        for line in &lines[start..end] {
            let l = line.trim().trim_start_matches('>').trim();
            let lower = l.to_ascii_lowercase();
            if ["from:", "to:", "cc:", "sent by:"]
                .iter()
                .any(|p| lower.starts_with(p))
            {
                skip_all(&mut skip, l);
            }
        }
    }
    let blocks = scan::blocks(bounce_text, if raws.is_empty() { &skip } else { &[] });
    if raws.is_empty() {
        // Exchange's own notice sender (its name and address wrapped onto lines of their own
        // in the summary above the notice) is never a failed recipient; a mail server's own
        // address (a postmaster, a mailer-daemon that signs the notice) is one only when the
        // notice names no other.
        let others = blocks
            .iter()
            .any(|b| !scan::is_daemon(&b.address) && !scan::is_exchange_recipient(&b.address));
        for b in blocks.iter().filter(|b| {
            !scan::is_exchange_recipient(&b.address) && !(others && scan::is_daemon(&b.address))
        }) {
            raws.push(Raw {
                address: b.address.clone(),
                context: bounce_text.get(b.start..b.end).unwrap_or("").to_string(),
                ..Raw::default()
            });
        }
        if raws.is_empty()
            && let Some(x) = top.value("x-failed-recipients")
        {
            for (s, e) in scan::addresses(&x) {
                raws.push(Raw {
                    address: x.get(s..e).unwrap_or("").to_ascii_lowercase(),
                    context: clip(bounce_text, 4096).to_string(),
                    ..Raw::default()
                });
            }
        }
        if raws.is_empty() {
            let orig_to = original
                .map(|o| mime::headers(&o.text).value("to").unwrap_or_default())
                .unwrap_or_default();
            let source = if orig_to.is_empty() {
                bounce_text
            } else {
                orig_to.as_str()
            };
            for (s, e) in scan::addresses(source).into_iter().take(MAX_RECIPIENTS) {
                let a = source.get(s..e).unwrap_or("").to_ascii_lowercase();
                // A log's envelope sender ("from=<a@b>", Postfix) is not a recipient.
                let sender_field = source.get(..s).is_some_and(|b| {
                    crate::vocab::text::ends_with_ci(b.trim_end_matches('<'), "from=")
                });
                if !skip.contains(&a)
                    && !sender_field
                    && !scan::outlook_task_account(source.get(e..).unwrap_or_default())
                    && !scan::is_daemon(&a)
                    && !scan::id_like(&a)
                    && !raws.iter().any(|r| r.address == a)
                {
                    raws.push(Raw {
                        address: a,
                        context: clip(bounce_text, 4096).to_string(),
                        ..Raw::default()
                    });
                    if orig_to.is_empty() {
                        break;
                    }
                }
            }
        }
        // A mail program's window that names no recipient (Thunderbird's size refusal,
        // `plain::mail_program_refusal`): one recipient without an address keeps its words.
        if raws.is_empty()
            && let Some(words) = super::plain::mail_program_words(bounce_text)
        {
            raws.push(Raw {
                context: clip(words, 4096).to_string(),
                ..Raw::default()
            });
        }
        // A failed address the customer blanked out before pasting ("(my gmail account)@
        // gmail.com", "xxx@"): no address can be read, but the report still carries the
        // server's reply for it (RFC 3464 section 2.3.6: the diagnostic belongs to the
        // recipient it follows; Exim's bounce lists each failed address followed by the "SMTP
        // error from remote mail server" lines). One recipient without an address keeps that
        // reply, so its reason is read rather than lost.
        // Its words are the paragraph that holds the refusal (a blank line or a Markdown code
        // fence ends it): the rest is the customer's text or the returned message.
        if raws.is_empty() && scan::reply_code(bounce_text).is_some_and(|c| c >= 400) {
            let refusal = scan::paragraphs(bounce_text)
                .into_iter()
                .find(|p| scan::reply_code(p).is_some_and(|c| c >= 400))
                .unwrap_or(bounce_text);
            raws.push(Raw {
                context: clip(refusal, 4096).to_string(),
                ..Raw::default()
            });
        }
    } else {
        // Give DSN recipients the words of the text part about them.
        for r in raws.iter_mut() {
            if let Some(b) = blocks
                .iter()
                .find(|b| b.address.eq_ignore_ascii_case(&r.address))
            {
                r.context = bounce_text.get(b.start..b.end).unwrap_or("").to_string();
            }
        }
        // A report about one recipient whose delivery status fields carry no diagnostic and
        // whose text never names the address (Google Groups' notice: "the group you tried to
        // contact (NAME) may not exist, or you may not have permission to post ..."): the
        // report's human-readable part (RFC 3464 section 2: the first part "explains" the
        // report to a person, RFC 6522 section 3) is that recipient's explanation.
        if let [r] = raws.as_mut_slice()
            && r.context.is_empty()
            && r.diagnostic.trim().is_empty()
            && !bounce_text.trim().is_empty()
        {
            r.context = clip(bounce_text, 4096).to_string();
        }
    }
    // Postfix names an address an alias or virtual alias expanded as "<final> (expanded from
    // <original>): reason" (bounce(8)): the failed address is the final one, the original the
    // address the sender wrote (its Original-Recipient, RFC 3464 section 2.3.1).
    let lower_text = bounce_text.to_ascii_lowercase();
    for raw in raws.iter_mut().filter(|r| r.original_recipient.is_none()) {
        let needle = format!("<{}>", raw.address.to_ascii_lowercase());
        let written = lower_text
            .match_indices(&needle)
            .take(16)
            .find_map(|(i, _)| {
                let rest = lower_text.get(i + needle.len()..)?.trim_start();
                let rest = rest.strip_prefix("(expanded")?.trim_start();
                let rest = rest.strip_prefix("from")?.trim_start().strip_prefix('<')?;
                let end = rest.find('>')?;
                let orig = &rest[..end];
                (orig.contains('@') && !orig.contains(char::is_whitespace) && *orig != raw.address)
                    .then(|| orig.to_string())
            });
        if written.is_some() {
            raw.original_recipient = written;
        }
    }
    raws.truncate(MAX_RECIPIENTS);
}
