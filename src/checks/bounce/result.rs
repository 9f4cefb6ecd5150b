//! The per-recipient result: the remote server's own words, the reply code and the enhanced
//! status code (RFC 3463; a DSN's vague Status refined by the words), permanent or temporary,
//! the SMTP stage, the reason and what to do, the blocklist named and the authentication
//! blamed.

use super::recipients::Raw;
use super::{BouncedRecipient, MAX_DIAGNOSTIC, Reason, lists, mime, plain, provider, reason, scan};

/// `all_lower` is the whole report's text, lowercased, as the phrases read it
/// ([`scan::without_chatter`]).
/// `program_words`: the paragraph of a mail program's send-error window in the text
/// (`plain::mail_program_words`), found once for every recipient.
pub(super) fn finish(
    r: Raw,
    bounce_text: &str,
    bounce_lower: &str,
    all_lower: &str,
    program_words: Option<&str>,
) -> BouncedRecipient {
    // Gmail's notice quotes the refusing server under its own label ("The response from the
    // remote server was:", "The response was:"): those are the server's words, and the
    // notice's own heading ("Your message to <address> has been blocked") is Gmail's, not a
    // reason.
    let labelled = if r.diagnostic.trim().is_empty() {
        plain::labelled_reply(bounce_text, plain::GMAIL_REPLY_LABELS)
    } else {
        None
    };
    // Exchange Online's NDR as a mail program shows it: the error its section for
    // administrators reports ("More Info for Email Admins" ... "Error Details", "Reported
    // error:" or "Error:" with the reply and status; Microsoft Learn, "Non-delivery reports in
    // Exchange Online") is the refusal, not the user-facing text above it. Not over a
    // delivery status report's own Diagnostic-Code (a diagnostic type before it).
    let admin_error = (r.diagnostic_type.is_empty()
        && bounce_text
            .to_ascii_lowercase()
            .contains("more info for email admins"))
    .then(|| {
        plain::error_detail(bounce_text, "reported error:")
            .or_else(|| plain::error_detail(bounce_text, "error:"))
    })
    .flatten()
    .filter(|e| scan::status(e).is_some() || scan::reply_code(e).is_some());
    // The server's words: the Diagnostic-Code, or the block after the address.
    let words = if let Some(e) = &admin_error {
        mime::squeeze(e, MAX_DIAGNOSTIC)
    } else if !r.diagnostic.trim().is_empty() {
        // A Diagnostic-Code that keeps only the last line of a multi-line reply (Courier's
        // DSN) stands for the whole reply its text part shows.
        let full = plain::whole_multiline_reply(bounce_text, &r.diagnostic);
        mime::squeeze(full.as_deref().unwrap_or(&r.diagnostic), MAX_DIAGNOSTIC)
    } else if let Some(reply) = &labelled {
        mime::squeeze(reply, MAX_DIAGNOSTIC)
    } else if let Some(reply) = plain::exchange_reply(bounce_text, &r.address)
        .or_else(|| plain::error_detail(bounce_text, "reported error:"))
    {
        mime::squeeze(&reply, MAX_DIAGNOSTIC)
    } else if let Some(reply) = postfix_reject_reply(bounce_text) {
        mime::squeeze(reply, MAX_DIAGNOSTIC)
    } else if let Some(words) = program_words.filter(|p| {
        scan::reply_code(p).is_none_or(|c| c < 400)
            || (!r.address.is_empty() && !p.to_ascii_lowercase().contains(&r.address))
    }) {
        // A mail program's window without the server's reply code: its sentence (and the
        // server's words it quotes) is the refusal, whatever the customer wrote around it. With
        // a reply code, the reply itself is read from the address on, as below, when the
        // window names the address; an address named elsewhere (the account in the customer's
        // own lines) has the customer's words after it, not the server's.
        mime::squeeze(words, MAX_DIAGNOSTIC)
    } else if !r.context.is_empty() {
        let c = r.context.as_str();
        let lc = c.to_ascii_lowercase();
        let at = lc.find(&r.address);
        // "554 5.7.1 <a@b>: Relay access denied": the code before the address is part of it.
        let line_start = at
            .and_then(|i| c.get(..i))
            .map(|p| p.rfind('\n').map_or(0, |n| n + 1))
            .unwrap_or(0);
        let code_before = at
            .and_then(|i| c.get(line_start..i))
            .is_some_and(|p| scan::reply_code(p).is_some() && scan::status(p).is_some());
        // Postfix's "<final> (expanded from <original>): reason" (bounce(8)): the words keep
        // the expansion, which shows the address the sender wrote was an alias the receiving
        // side accepted and expanded.
        let expanded = at.and_then(|i| {
            let p = lc.get(line_start..i)?;
            let k = p.rfind("(expanded from")?;
            p.get(k..)?
                .trim_end_matches(['<', ' '])
                .eq("(expanded from")
                .then_some(line_start + k)
        });
        // Postfix's smtp(8) "host NAME[IP] refused to talk to me: <greeting reply>"
        // (smtp_proto.c): the whole reply is the server's words, even when it names an address
        // of its own (a contact address) that was read as the recipient.
        // The reply may start lines above the address's own (a wrapped log line): then it is
        // read from the whole text.
        let talk = ["refused", "to", "talk", "to", "me:"];
        let (c, greeting) = match scan::phrase_end(&lc, &talk).filter(|k| at.is_none_or(|i| *k < i))
        {
            Some(k) => (c, Some(k)),
            None => match scan::phrase_end(bounce_lower, &talk).filter(|k| {
                bounce_lower
                    .get(*k..)
                    .is_some_and(|rest| rest.contains(r.address.as_str()))
            }) {
                Some(k) => (bounce_text, Some(k)),
                None => (c, None),
            },
        };
        let after = if let Some(k) = greeting {
            k
        } else if code_before {
            line_start
        } else if let Some(k) = expanded {
            k
        } else {
            at.map(|i| i + r.address.len()).unwrap_or(0)
        };
        let rest = c.get(after..).unwrap_or("");
        let rest = rest.trim_start_matches(['>', ':', ' ', ',', '\n', '.']);
        // Exim's "SMTP error from remote mail server after <command>: <reply>" (its log and
        // its bounce: Exim's specification, "SMTP error from remote mail server after RCPT
        // TO:<...>: 550 ..."): the reply starts at its code after the command, not among the
        // router's and transport's names before it (cPanel's "R=dkim_lookuphost
        // T=dkim_remote_smtp" name no DKIM result).
        let rest = exim_remote_reply(rest).unwrap_or(rest);
        // Where the remote server's own words start, when the text says so.
        let lr = rest.to_ascii_lowercase();
        let rest = [
            "server was:",
            "host said:",
            "said:",
            "server returned",
            "reason:",
            "error message:",
        ]
        .iter()
        .find_map(|m| lr.find(m).map(|i| i + m.len()))
        .and_then(|i| rest.get(i..))
        .map(|r| r.trim_start_matches([' ', '\n', '\'', ':']))
        .filter(|r| r.trim().len() >= 8)
        .unwrap_or(rest);
        // A session transcript: the failing reply is the server's words. A long transcript
        // (MDaemon's, with its TLS negotiation) runs past the listing's lines: its failing
        // reply is then read from the transcript on from the address.
        let rest = transcript_failure(rest)
            .or_else(|| {
                rest.lines()
                    .any(|l| scan::transcript_line(l).is_some())
                    .then(|| bounce_lower.find(&r.address))
                    .flatten()
                    .and_then(|i| bounce_text.get(i..))
                    .and_then(transcript_failure)
            })
            .unwrap_or(rest);
        // The reply as a bounce quotes it is one paragraph: a blank line, or the closing line
        // of a Markdown code block the text was pasted in (CommonMark 0.31, 4.5), ends it
        // (text after it is the customer's, another recipient's or the returned message),
        // when that paragraph holds a refusal's reply code.
        let rest = scan::paragraphs(rest)
            .first()
            .copied()
            .filter(|p| scan::reply_code(p).is_some_and(|c| c >= 400))
            .unwrap_or(rest);
        // The closing quote of Exchange's "Remote Server returned '<reply>'" is not the
        // server's: an unmatched quote mark at the end is dropped.
        let rest = match rest.trim_end().strip_suffix('\'') {
            Some(inner) if rest.matches('\'').count() % 2 == 1 => inner,
            _ => rest,
        };
        if rest.trim().len() < 8 {
            mime::squeeze(c, MAX_DIAGNOSTIC)
        } else {
            mime::squeeze(rest, MAX_DIAGNOSTIC)
        }
    } else {
        String::new()
    };
    let words_l = mime::squeeze(&format!("{words} {}", r.context), 8192).to_ascii_lowercase();
    // For the phrases: the same without a transcript's commands and positive replies.
    let words_p = match scan::without_chatter(&r.context) {
        std::borrow::Cow::Borrowed(_) => std::borrow::Cow::Borrowed(words_l.as_str()),
        std::borrow::Cow::Owned(c) => std::borrow::Cow::Owned(
            mime::squeeze(&format!("{words} {c}"), 8192).to_ascii_lowercase(),
        ),
    };
    // A failure code from any of the texts before a positive one (see scan::reply_code), each
    // text read once and only as far as needed. A positive code counts only from the
    // recipient's own words or the text around it: elsewhere in the paste a 2xx is another
    // exchange's (a web server's "200" in the log line above a service's event record).
    let mut positive = None;
    let reply_code = [words.as_str(), r.context.as_str(), bounce_text]
        .into_iter()
        .enumerate()
        .filter_map(|(i, t)| scan::reply_code(t).map(|c| (i, c)))
        .find(|&(i, c)| {
            if i < 2 {
                positive = positive.or(Some(c));
            }
            c >= 400
        })
        .map(|(_, c)| c)
        .or(positive);
    // A failure's code before a success's (a transcript's "250 2.1.5 Ok" before the failing
    // reply), and a specific one before X.0.0.
    let best = |t: &str| {
        let all = scan::statuses(t);
        let failure = |s: &&String| !s.starts_with('2');
        all.iter()
            .filter(failure)
            .find(|s| !s.ends_with(".0.0"))
            .or(all.iter().find(failure))
            .or(all.iter().find(|s| !s.ends_with(".0.0")))
            .or(all.first())
            .cloned()
    };
    // A code found only in the text around the server's words whose class is not that of the
    // failure reply in them is some other number there (a version, "WP Mail SMTP: 4.6.1"),
    // not the reply's status (RFC 2034 section 4: the class matches the reply code's first
    // digit).
    let words_class = scan::reply_code(&words)
        .filter(|c| *c >= 400)
        .map(|c| if c >= 500 { '5' } else { '4' });
    // Nor is a success's code the status of a failure reply (a session transcript's "220 2.0.0
    // Ready to start TLS" above the "552 5.3.4" that failed, the words clipped before it).
    // Nor of an address whose own record says it failed or was deferred (RFC 3464 section
    // 2.3.3, Action; a log's "**" or "==" record): another record's "250 2.0.0 OK" is not its.
    let failing = reply_code.is_some_and(|c| c >= 400)
        || matches!(r.action.as_deref(), Some("failed" | "delayed"));
    let text_status = best(&words)
        .or_else(|| {
            best(&r.context)
                .or_else(|| best(bounce_text))
                .filter(|s| words_class.is_none_or(|k| s.starts_with(k)))
        })
        .filter(|s| !(failing && s.starts_with('2')));
    // A DSN's Status field is often vaguer than the code in the server's own words (5.0.0
    // against "550 5.2.2 Mailbox full"): the last specific code of the same class there wins.
    // With no Diagnostic-Code, the server's reply for this recipient as quoted in the
    // human-readable part (the paragraph that starts at the address) stands for it.
    let quoted = if r.status.is_some() && r.diagnostic.trim().is_empty() {
        quoted_reply(bounce_text, &r.address)
    } else {
        ""
    };
    let reply_words = if r.diagnostic.trim().is_empty() {
        quoted
    } else {
        r.diagnostic.as_str()
    };
    // RFC 2034 section 4: an enhanced code's class matches its reply code's first digit. A 5xx
    // reply whose own code is of class 5 is a permanent refusal as the server gave it.
    let permanent = scan::reply_code(reply_words)
        .filter(|c| (500..600).contains(c))
        .and_then(|_| scan::status(reply_words))
        .filter(|t| t.starts_with('5'));
    let status = match r.status {
        // A Status of class 4 with `Action: failed` (RFC 3464 2.3.3: delivery abandoned)
        // against such a reply: the reply's code.
        Some(s)
            if s.starts_with('4')
                && r.action.as_deref() == Some("failed")
                && permanent.is_some() =>
        {
            permanent
        }
        Some(s) => {
            let vague = s.ends_with(".0.0");
            // The quoted reply refines only a vague Status.
            let words = if vague {
                reply_words
            } else {
                r.diagnostic.as_str()
            };
            let specific = scan::statuses(words).into_iter().rfind(|t| {
                t.get(..1) == s.get(..1)
                    && !t.ends_with(".0.0")
                    && t != "4.4.7"
                    && (vague || !t.ends_with(".0"))
            });
            Some(specific.unwrap_or(s))
        }
        None => text_status,
    };
    let action = r.action.clone().unwrap_or_default();
    let class = status
        .as_deref()
        .and_then(|s| s.bytes().next())
        .or_else(|| {
            reply_code.map(|c| {
                if c >= 500 {
                    b'5'
                } else if c >= 400 {
                    b'4'
                } else {
                    b'2'
                }
            })
        });
    let delivered =
        class == Some(b'2') || matches!(action.as_str(), "delivered" | "relayed" | "expanded");
    // Multi-line replies unfolded, so that a phrase wrapped across lines is found.
    let own_l = provider::normalize(&words);
    let command = if r.diagnostic.trim().is_empty() {
        scan::command(&words_l, true)
    } else {
        scan::command(&own_l, true).or_else(|| scan::command(&words_l, false))
    };
    let stage = match command {
        Some(scan::Command::Rcpt) => reason::Stage::Rcpt,
        Some(scan::Command::Mail | scan::Command::Connect) => reason::Stage::BeforeRcpt,
        _ => reason::Stage::DataOrUnknown,
    };
    // The server's own words first; the text around them only when those say nothing.
    let own = if r.diagnostic.trim().is_empty() && labelled.is_none() {
        None
    } else {
        Some(own_l.clone())
    };
    let remote_mta = r
        .remote_mta
        .clone()
        .or_else(|| plain::host_in(&words))
        .or_else(|| plain::host_in(&r.context))
        .or_else(|| plain::qmail_remote(&r.context))
        .or_else(|| plain::sendmail_talking_to(bounce_text, &r.address))
        .or_else(|| plain::exchange_remote(bounce_text, &r.address))
        .or_else(|| {
            plain::error_detail(bounce_text, "remote server:")
                .filter(|h| plain::dns_name(h))
                .map(|h| h.to_ascii_lowercase())
        });
    let remote_l = remote_mta.as_deref().map(str::to_ascii_lowercase);
    let reason = if delivered {
        Reason::Delivered
    } else if r.diagnostic_type.starts_with("X-UNIX") {
        // A local delivery program failed (procmail, a pipe).
        Reason::Mailererror
    } else if stage != reason::Stage::Rcpt
        && remote_mta.is_none()
        && reply_code.is_none()
        && own_l.trim().trim_end_matches('.') == "unrouteable address"
    {
        // Exim's "Unrouteable address" written by the sending Exim itself, with no server's
        // reply and no remote host: no router accepted the address (src/src/route.c), as when
        // the dnslookup router finds no such domain; only an Exim's reply to RCPT says that
        // of the mailbox (data/bounce/phrases.tsv, the hostunknown and userunknown rows).
        Reason::Hostunknown
    } else if let Some(c) = r.classified.filter(|_| service_words(&r.diagnostic)) {
        // A sending service's own classification of a message it did not send (an address on
        // its suppression list) over words that are its own, not a server's reply: no reply
        // code leads them (Mailgun's "605 Not delivering to previously bounced address").
        c
    } else if let Some(r) = provider::reason(&own_l, remote_l.as_deref()) {
        // The receiving provider's own codes first (data/bounce/README.md, step 3).
        r
    } else if let Some(r) = own.as_deref().and_then(|w| {
        reason::decide(
            reason::phrases_under(w, status.as_deref()),
            status.as_deref(),
            stage,
        )
    }) {
        r
    } else if let Some(r) = reason::decide(
        reason::phrases_under(&words_p, status.as_deref()),
        status.as_deref(),
        stage,
    ) {
        r
    } else if let Some(r) = reason::decide(
        reason::phrases_under(all_lower, status.as_deref()),
        status.as_deref(),
        stage,
    ) {
        r
    } else if let Some(r) = r.classified {
        // The writer's own classification (Amazon SES's bounceSubType).
        r
    } else if status.as_deref().is_some_and(|s| s.get(1..3) == Some(".6")) {
        Reason::Contenterror
    } else if status.as_deref().is_some_and(|s| s.get(1..3) == Some(".7")) {
        Reason::Securityerror
    } else if let Some(r) = match command {
        // The stage alone (data/bounce/README.md, decision step 6): a refusal of the
        // connection or of HELO/EHLO is of the client, one of MAIL FROM of the sender, a
        // permanent one of RCPT TO of the mailbox (RFC 5321 3.3, 4.2.2: 550 "mailbox
        // unavailable").
        Some(scan::Command::Connect) => Some(Reason::Blocked),
        Some(scan::Command::Mail) => Some(Reason::Rejected),
        Some(scan::Command::Rcpt) if class == Some(b'5') => Some(Reason::Userunknown),
        _ => None,
    } {
        r
    } else if r.diagnostic_type.starts_with("X-UNIX") {
        Reason::Mailererror
    } else if action == "delayed" {
        Reason::Expired
    } else if !words.is_empty() {
        Reason::Onhold
    } else {
        Reason::Undefined
    };
    // A final report ("Action: failed") whose last reply was temporary (class 4) is the sending
    // server giving up after retrying: RFC 3463 section 3.2, class 4 "Persistent Transient
    // Failure": "persistence of some temporary condition has caused abandonment ... of attempts
    // to send the message". Unless the words name the condition (a full mailbox, a rate limit,
    // a listed IP), the code's security detail alone (4.7.1 "try again later": greylisting, a
    // deferral; the status table reads X.7.x as a refusal of the sending host) is not a
    // refusal of the sender: the retries ran out. Other vague codes stay as they are read.
    let reason = if action == "failed"
        && class == Some(b'4')
        && !worded(&own_l, &words_p, remote_l.as_deref())
        && matches!(reason, Reason::Blocked | Reason::Securityerror)
    {
        Reason::Expired
    } else {
        reason
    };
    // A final failure with a network or routing status (RFC 3463 section 3.5, X.4.x) whose
    // words say the retries ran out is the same giving up, whatever else the prose mentions:
    // Exchange Online's "550 5.4.316 Message expired, connection refused" NDR, "Despite repeated
    // attempts to deliver your message, the recipient's email system refused to accept a
    // connection" (after the retry period "the queued message expires, and the message is
    // returned to the original sender",
    // https://learn.microsoft.com/en-us/defender-office-365/connectors-mail-flow-intelligence),
    // whose advice text also says "a service that is inactive on the remote host".
    let reason = if status.as_deref().and_then(|s| s.get(1..3)) == Some(".4")
        && (words_l.contains("message expired") || words_l.contains("despite repeated attempts"))
    {
        Reason::Expired
    } else {
        reason
    };
    // Exchange's expiry carries the last attempt's own error in brackets ("550 4.4.7
    // QUEUE.Expired; message expired [Message=451 4.4.395 Target host responded with error. ->
    // 451 User is over quota, try again later] [LastAttemptedServerName=...]", the form
    // Exchange Online's NDR for 4.4.7 shows): the condition that kept it retrying is the reason
    // when its words name one (a full mailbox, a rate limit, a block, a refused relay, a missing
    // PTR, failed authentication), not a failure to connect.
    // ClamAV's names for encrypted content ("Heuristics.Encrypted.Zip", ".RAR", ".PDF") are
    // raised only when the receiving administrator turned on its option to refuse what it
    // cannot look into (clamd.conf(5) AlertEncrypted, formerly ArchiveBlockEncrypted; default
    // no): a password-protected archive refused by the receiver's policy, not a virus found.
    let reason = if reason == Reason::Virusdetected && words_l.contains("heuristics.encrypted") {
        Reason::Policyviolation
    } else {
        reason
    };
    // Exim's words when it gives up on an address whose retry time ran out ("<last error>:
    // retry timeout exceeded", src/src/retry.c): a remote host that refused or never answered
    // the connection until then is that giving up, not a refusal of the sender (the TCP
    // refusal carries no SMTP reply that could name one).
    let reason = if words_l.contains("retry timeout exceeded")
        && matches!(reason, Reason::Blocked | Reason::Networkerror)
        && [
            "connection refused",
            "connection timed out",
            "no route to host",
            "network is unreachable",
        ]
        .iter()
        .any(|p| words_l.contains(p))
    {
        Reason::Expired
    } else {
        reason
    };
    // Exchange's delay notice (4.4.7 "Message delayed") writes the last attempt on a line of its
    // own below the delay: "Remote Server at mx.b.example (192.0.2.7) returned '400 4.4.7 Message
    // delayed' 16/06/2026 13:14:02 - Remote Server at mx.b.example (192.0.2.7) returned '451
    // 4.7.500 Server busy. ...'" (or "Server at ..."): that last error is read the same way.
    let last_error = words_l
        .find("[message=")
        .map(|at| {
            let last = &words_l[at + "[message=".len()..];
            &last[..last.find(']').unwrap_or(last.len())]
        })
        .or_else(|| {
            const DELAYED: &str = "returned '400 4.4.7 message delayed'";
            let rest = &words_l[words_l.find(DELAYED)? + DELAYED.len()..];
            let at = rest.rfind("returned '")?;
            let last = &rest[at + "returned '".len()..];
            Some(last.trim_end().trim_end_matches('\''))
        })
        .or_else(|| {
            // Exchange Online's short form: "550 5.4.300 Message expired -> 451 4.2.0
            // Throttled - ..." (the expiry, an arrow, the last attempt's reply).
            let rest = &words_l[words_l.find("message expired ->")? + "message expired ->".len()..];
            Some(rest[..rest.find('\'').unwrap_or(rest.len())].trim())
        });
    let reason = match (reason, last_error) {
        (Reason::Expired, Some(last)) => {
            // The last reply read as its own reply: a provider's code first (README step 3),
            // then its phrases.
            let provider = super::provider::reason(last, None);
            match provider.or_else(|| {
                reason::decide(reason::phrases(last), None, reason::Stage::DataOrUnknown)
            }) {
                Some(
                    r @ (Reason::Mailboxfull
                    | Reason::Speeding
                    | Reason::Toomanyconn
                    | Reason::Blocked
                    | Reason::Spamdetected
                    | Reason::Policyviolation
                    | Reason::Userunknown
                    | Reason::Norelaying
                    | Reason::Requireptr
                    | Reason::Authfailure
                    | Reason::Badreputation),
                ) => r,
                _ => Reason::Expired,
            }
        }
        (r, _) => r,
    };
    let hard = match action.as_str() {
        "failed" => true,
        "delayed" => false,
        // With no Action and no reply code, the notice's own words say whether it is final.
        _ => class != Some(b'4') && !delivered && !(class.is_none() && says_temporary(all_lower)),
    };
    let own_list = lists::blocklist(&mime::squeeze(&words, 8192).to_ascii_lowercase());
    BouncedRecipient {
        address: r.address,
        original_recipient: r.original_recipient,
        action: r.action,
        hard,
        address_is_bad: hard && reason.address_is_bad(),
        reply_code,
        status_explanation: status
            .as_deref()
            .map(reason::explain_status)
            .filter(|s| !s.is_empty()),
        status,
        diagnostic: (!words.is_empty()).then_some(words),
        remote_mta,
        last_attempt: r.last_attempt,
        reason,
        reason_explanation: reason.explanation().to_string(),
        advice: reason.advice().to_string(),
        // A list named only in the text around the recipient (an agent's note, the customer's
        // own words in a ticket) is no reason for a refusal whose words name the address or
        // the size (RFC 3463 X.1.x, X.2.x, X.3.4): the list counts when the refusal names it.
        blocklist: own_list.or_else(|| {
            lists::blocklist(&words_l).filter(|_| {
                !matches!(
                    reason,
                    Reason::Userunknown
                        | Reason::Mailboxfull
                        | Reason::Mesgtoobig
                        | Reason::Hostunknown
                        | Reason::Hasmoved
                        | Reason::Suspend
                        | Reason::Exceedlimit
                )
            })
        }),
        auth: lists::auth(&words_l).map(str::to_string),
    }
}

/// Whether the refusing server's words (or the text about the recipient) name a reason of
/// their own: a provider's code or a phrase of the reasons table, not only a status code.
fn worded(own_l: &str, words_p: &str, remote: Option<&str>) -> bool {
    provider::reason(own_l, remote).is_some()
        || reason::phrases(own_l) != 0
        || reason::phrases(words_p) != 0
}

/// Whether a notice says in its own words that it is a temporary failure the sending server
/// keeps retrying (the wording of the MTAs' delay notices: OpenSMTPD bounce.c "Please note
/// that this is only a temporary failure report" / "You DO NOT NEED to re-send the message";
/// Postfix bounce templates "THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR
/// MESSAGE."; Sendmail "Will keep trying until message is 5 days old"; Postfix "Delayed Mail
/// (still being retried)").
pub(super) fn says_temporary(all_lower: &str) -> bool {
    DELAY_WORDS.iter().any(|p| all_lower.contains(p))
}

/// The words of a notice that says the server keeps retrying: Postfix's delay template, OpenSMTPD
/// and Sendmail (see `says_temporary`), MDaemon's "had TEMPORARY non-fatal delivery errors", and
/// Gmail's delay notice ("** Delivery incomplete ** There was a temporary problem delivering
/// your message to ... Gmail will retry for 44 more hours. You'll be notified if the delivery
/// fails permanently.").
const DELAY_WORDS: [&str; 10] = [
    "temporary failure report",
    // Exim's warning message (deliver.c, its default text): "No action is required on your
    // part. Delivery attempts will continue for some time, and this warning may be repeated".
    "delivery attempts will continue",
    "do not need to re-send",
    "do not need to resend",
    "this is a warning only",
    "will keep trying",
    "still being retried",
    "temporary non-fatal",
    "gmail will retry for",
    "you'll be notified if the delivery fails permanently",
];

/// Whether a notice that the server gave up comes after the last words of a delay notice in
/// the same paste (a delay warning and the final failure for the same message, pasted
/// together): the later notice is what happened. A final notice says so in its own words:
/// MDaemon's "had PERMANENT fatal delivery errors" and "has been removed from the MDaemon mail
/// queue", Postfix's bounce(5) failure template "could not be delivered to one or more
/// recipients", qmail's "This is a permanent error; I've given up", Sendmail's "----- The
/// following addresses had permanent fatal errors -----" (savemail.c; its warning says "had
/// transient non-fatal errors", and a mixed notice prints the permanent section first).
pub(super) fn final_after_delay(all_lower: &str) -> bool {
    const FINAL: [&str; 5] = [
        "permanent fatal delivery errors",
        "had permanent fatal errors",
        "removed from the mdaemon mail queue",
        "could not be delivered to one or more recipients",
        "this is a permanent error",
    ];
    let last = |words: &[&str]| words.iter().filter_map(|w| all_lower.rfind(w)).max();
    matches!((last(&DELAY_WORDS), last(&FINAL)), (Some(d), Some(f)) if f > d)
}

/// Whether the text holds a delivery status notification's per-recipient group (RFC 3464
/// section 2.3: fields up to a blank line) that says `address` was delivered: its
/// Final-Recipient names the address and its Action is "delivered". `all_lower` is lowercase,
/// its line ends LF.
pub(super) fn delivered_record(all_lower: &str, address: &str) -> bool {
    if address.is_empty() {
        return false;
    }
    let address = address.to_ascii_lowercase();
    all_lower.split("\n\n").take(2_000).any(|group| {
        let field = |name: &str| {
            group
                .lines()
                .find_map(|l| l.trim_start().strip_prefix(name).map(str::trim))
        };
        field("action:") == Some("delivered")
            && field("final-recipient:").is_some_and(|v| v.contains(address.as_str()))
    })
}

/// The paragraph of the human-readable part that starts at `address` (OpenSMTPD's
/// `address: 421 4.7.0 ...`, Postfix's `<address>: host ... said: ...`), up to the next blank
/// line; empty when the address is not there.
fn quoted_reply<'t>(text: &'t str, address: &str) -> &'t str {
    if address.is_empty() {
        return "";
    }
    let lower = text.to_ascii_lowercase();
    // Not where a header field names it ("X-Failed-Recipients: a@b"): where the text's own
    // paragraph about it starts.
    let Some(at) = lower
        .match_indices(address)
        .take(64)
        .map(|(i, _)| i)
        .find(|&i| {
            let line_start = lower[..i].rfind('\n').map_or(0, |n| n + 1);
            !lower[line_start..i].contains(':')
        })
    else {
        return "";
    };
    let rest = text.get(at + address.len()..).unwrap_or("");
    let end = rest.find("\n\n").unwrap_or(rest.len()).min(2048);
    rest.get(..end).unwrap_or("")
}

pub(super) fn first_address(v: &str) -> Option<String> {
    scan::addresses(v)
        .first()
        .and_then(|&(s, e)| v.get(s..e))
        .map(str::to_ascii_lowercase)
}

/// A recipient of a report that is not a bounce (a complaint, an automatic reply).
pub(super) fn simple_recipient(address: String, reason: Reason) -> BouncedRecipient {
    BouncedRecipient {
        address,
        original_recipient: None,
        action: None,
        hard: false,
        address_is_bad: false,
        reply_code: None,
        status: None,
        status_explanation: None,
        diagnostic: None,
        remote_mta: None,
        last_attempt: None,
        reason,
        reason_explanation: reason.explanation().to_string(),
        advice: reason.advice().to_string(),
        blocklist: None,
        auth: None,
    }
}

/// The reply after Exim's "SMTP error from remote mail server after <command>:": from its
/// first 4xx or 5xx code that follows ": " (RFC 5321 4.2: the code opens the reply).
fn exim_remote_reply(text: &str) -> Option<&str> {
    const MARK: &str = "smtp error from remote mail server after";
    let lower = text.to_ascii_lowercase();
    let k = lower.find(MARK)? + MARK.len();
    let b = lower.as_bytes();
    lower[k..]
        .match_indices(": ")
        .map(|(i, _)| k + i + 2)
        .find(|&j| {
            b.get(j..j + 3).is_some_and(|c| {
                matches!(c[0], b'4' | b'5') && c[1..].iter().all(u8::is_ascii_digit)
            })
        })
        .and_then(|j| text.get(j..))
}

/// The first failing reply line of an SMTP session transcript in `text`
/// ([`scan::transcript_line`]): a reply whose code is 4xx or 5xx (RFC 5321 4.2.1).
fn transcript_failure(text: &str) -> Option<&str> {
    text.split_inclusive('\n')
        .find_map(|line| match scan::transcript_line(line) {
            Some(scan::Transcript::Reply(b'4' | b'5', reply)) => Some(reply.trim_end()),
            _ => None,
        })
}

/// The reply in a Postfix smtpd rejection log record, "NOQUEUE: reject: RCPT from
/// host[addr]: 554 5.7.1 ...; from=<sender> to=<recipient> proto=ESMTP helo=<name>" (Postfix
/// smtpd_check.c, log_whatsup: "%s: %s: %s from %s: %s; from=<%s> to=<%s> proto=%s helo=<%s>"):
/// the text between the client's "host[addr]: " and "; from=<", where the envelope fields begin.
/// A record hard-wrapped onto several lines (a log pasted into a mail program that wraps long
/// lines) has a line end where the record had a space.
fn postfix_reject_reply(text: &str) -> Option<&str> {
    /// Where `a`, white space (at least one character), then `b` occur in `hay`: the offsets of
    /// `a`'s start and of the end of `b`.
    fn spaced(hay: &str, a: &str, b: &str) -> Option<(usize, usize)> {
        let mut from = 0;
        while let Some(i) = hay.get(from..)?.find(a) {
            let start = from + i;
            let after = start + a.len();
            let gap = hay.get(after..)?;
            let rest = gap.trim_start_matches([' ', '\t', '\r', '\n']);
            let ws = gap.len() - rest.len();
            if ws > 0 && rest.starts_with(b) {
                return Some((start, after + ws + b.len()));
            }
            from = after;
        }
        None
    }
    let at = text.find(": reject: ")?;
    let rest = text.get(at..)?;
    let (_, client) = spaced(rest, " from", "")?;
    let (_, open) = spaced(rest.get(client..)?, "]:", "")?;
    let open = client + open;
    let (end, _) = spaced(rest.get(open..)?, ";", "from=<")?;
    rest.get(open..open + end)
        .filter(|r| scan::reply_code(r).is_some())
}

/// Whether a recipient's words are a sending service's own and not a server's reply: they do
/// not open with an SMTP reply code (RFC 5321 section 4.2: three digits, the first 2 to 5).
/// The readers have taken any diagnostic type ("smtp;") off already.
fn service_words(words: &str) -> bool {
    let b = words.trim_start().as_bytes();
    !(b.len() >= 3 && (b'2'..=b'5').contains(&b[0]) && b[1..3].iter().all(u8::is_ascii_digit))
}

#[cfg(test)]
mod tests {
    use crate::checks::bounce::{Reason, analyze};

    #[test]
    fn an_exchange_expiry_takes_the_reason_of_its_last_attempt() {
        let ndr = |last: &str| {
            format!(
                "From: Microsoft Outlook <MicrosoftExchange1@a.example>\nSubject: Undeliverable: x\n\nDelivery has failed to these recipients or groups:\n\nDiagnostic information for administrators:\n\nGenerating server: gen.a.example\n\nd@b.example\nRemote Server returned '550 4.4.7 QUEUE.Expired; message expired [Message={last}] [LastAttemptedServerName=mx.b.example]'\n"
            )
        };
        let over = analyze(ndr("451 4.4.395 Target host responded with error. -> 451 User is over quota, try again later").as_bytes());
        assert_eq!(over.recipients[0].reason, Reason::Mailboxfull);
        let timeout = analyze(ndr("451 4.4.397 Error communicating with target host. -> 421 4.4.2 Connection dropped due to SocketError").as_bytes());
        assert_eq!(timeout.recipients[0].reason, Reason::Expired);
        // Exchange Online's short form, the last reply after an arrow, a provider's code in it.
        let short = |last: &str| {
            format!(
                "From: Microsoft Outlook <MicrosoftExchange1@a.example>\nSubject: Undeliverable: x\n\nDelivery has failed to these recipients or groups:\n\nDiagnostic information for administrators:\n\nGenerating server: gen.a.example\n\nd@comcast.example\nRemote server returned '550 5.4.300 Message expired -> {last}'\n"
            )
        };
        let throttled = analyze(short("451 4.2.0 Throttled - https://postmaster.comcast.net/smtp-error-codes.php#RL000001").as_bytes());
        assert_eq!(throttled.recipients[0].reason, Reason::Speeding);
        let dropped = analyze(short("421 4.4.2 Connection dropped due to SocketError").as_bytes());
        assert_eq!(dropped.recipients[0].reason, Reason::Expired);
    }

    #[test]
    fn clamav_encrypted_archive_heuristics_are_the_receivers_policy() {
        let bounce = |reply: &str| {
            format!(
                "From: MAILER-DAEMON@a.example (Mail Delivery System)\nSubject: Undelivered Mail Returned to Sender\n\nThis is the mail system at host a.example.\n\n<d@b.example>: host mx.b.example[192.0.2.7] said: {reply} (in reply to end of DATA command)\n"
            )
        };
        let zip = analyze(
            bounce("550 This message was detected as possible malware (Heuristics.Encrypted.Zip).")
                .as_bytes(),
        );
        assert_eq!(zip.recipients[0].reason, Reason::Policyviolation);
        let virus = analyze(
            bounce("550 This message was detected as possible malware (Win.Trojan.Agent-123).")
                .as_bytes(),
        );
        assert_eq!(virus.recipients[0].reason, Reason::Virusdetected);
    }

    #[test]
    fn an_exim_retry_timeout_after_refused_connections_is_expired() {
        let bounce = |last: &str| {
            format!(
                "From: Mail Delivery System <Mailer-Daemon@a.example>\nSubject: Mail delivery failed: returning message to sender\n\nThis message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  d@b.example\n    host mx.b.example [192.0.2.7]\n    {last}: retry timeout exceeded\n"
            )
        };
        let refused = analyze(bounce("Connection refused").as_bytes());
        assert_eq!(refused.recipients[0].reason, Reason::Expired);
        let full = analyze(bounce("452 4.2.2 Mailbox full").as_bytes());
        assert_eq!(full.recipients[0].reason, Reason::Mailboxfull);
    }

    #[test]
    fn sendmail_failure_pasted_after_its_warning_is_the_final_word() {
        let warning = "   ----- Transcript of session follows -----\n<d@b.example>... Deferred: Connection timed out with mx.b.example.\nWarning: message still undelivered after 4 hours\nWill keep trying until message is 5 days old\n";
        let failure = "   ----- The following addresses had permanent fatal errors -----\n<d@b.example>\n    (reason: Deferred: Connection timed out with mx.b.example.)\n";
        assert!(super::final_after_delay(
            &format!("{warning}\n{failure}").to_ascii_lowercase()
        ));
        // A mixed notice prints the permanent section before the recipients still retried.
        assert!(!super::final_after_delay(
            &format!("{failure}\n{warning}").to_ascii_lowercase()
        ));
    }

    #[test]
    fn a_success_report_for_the_same_address_is_the_last_word_on_a_delay() {
        let text = "reporting-mta: dns; mx.b.example\n\nfinal-recipient: rfc822; d@b.example\naction: delivered\nstatus: 2.0.0\n\n";
        assert!(super::delivered_record(text, "D@b.example"));
        assert!(!super::delivered_record(text, "e@b.example"));
        // A delayed group for the address is no delivery.
        assert!(!super::delivered_record(
            &text.replace("action: delivered", "action: delayed"),
            "d@b.example"
        ));
        assert!(!super::delivered_record(text, ""));
    }

    #[test]
    fn an_exchange_delay_takes_the_reason_of_its_last_attempt() {
        let dsn = |last: &str| {
            format!(
                "From: Microsoft Outlook <MicrosoftExchange1@a.example>\nSubject: Delivery delayed: x\n\nDelivery is delayed to these recipients or groups:\n\nd@b.example\n\nThe server will keep trying to deliver this message for the next 1 days.\n\nDiagnostic information for administrators:\n\nGenerating server: gen.a.example\nReceiving server: mx.b.example (192.0.2.7)\n\nd@b.example\nRemote Server at mx.b.example (192.0.2.7) returned '400 4.4.7 Message delayed'\n16/06/2026 13:14:02 - Remote Server at mx.b.example (192.0.2.7) returned '{last}'\n"
            )
        };
        let busy = analyze(
            dsn("451 4.7.500 Server busy. Please try again later from [203.0.113.30]. (S77714)")
                .as_bytes(),
        );
        assert_eq!(busy.recipients[0].reason, Reason::Speeding);
        assert!(!busy.recipients[0].hard);
        let timeout = analyze(dsn("441 4.4.1 Error encountered while communicating with primary target IP address: \"Failed to connect. Winsock error code: 10060\"").as_bytes());
        assert_ne!(timeout.recipients[0].reason, Reason::Speeding);
    }

    #[test]
    fn a_notice_that_calls_itself_temporary() {
        use super::says_temporary;
        assert!(says_temporary(
            "please note that this is only a temporary failure report."
        ));
        assert!(says_temporary("you do not need to re-send the message"));
        assert!(!says_temporary(
            "an error has occurred while attempting to deliver"
        ));
    }

    #[test]
    fn a_transcripts_failing_reply() {
        use super::transcript_failure;
        let t = " Out: 250 2.1.5 Ok\n In:  DATA\n Out: 354 End data\n Out: 451 4.3.0 Error: queue file write error\n In:  QUIT\n";
        assert_eq!(
            transcript_failure(t),
            Some("451 4.3.0 Error: queue file write error")
        );
        let s = ">>> RCPT To:<a@b.example>\n<<< 550 5.1.1 <a@b.example>... User unknown\n";
        assert_eq!(
            transcript_failure(s),
            Some("550 5.1.1 <a@b.example>... User unknown")
        );
        assert_eq!(transcript_failure("Out: 250 2.0.0 Ok\nIn: QUIT\n"), None);
    }

    fn dsn(text: &str, fields: &str) -> String {
        format!(
            "From: MAILER-DAEMON@mx.example\nTo: a@example.org\nSubject: Delivery Status Notification\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\n{text}\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\n{fields}\n--b--\n"
        )
    }

    fn status(msg: &str) -> Option<String> {
        analyze(msg.as_bytes())
            .recipients
            .first()
            .and_then(|r| r.status.clone())
    }

    fn addresses(msg: &str) -> Vec<String> {
        analyze(msg.as_bytes())
            .recipients
            .into_iter()
            .map(|r| r.address)
            .collect()
    }

    #[test]
    fn an_empty_final_recipient_falls_back_to_the_original_recipient() {
        let fields = "Final-Recipient: rfc822;\nOriginal-Recipient: rfc822;x@y.example\nAction: failed\nStatus: 5.1.1\n";
        assert_eq!(addresses(&dsn("Failed.", fields)), ["x@y.example"]);
    }

    #[test]
    fn queue_ids_and_message_ids_are_not_recipients() {
        // Sendmail's layout (savemail.c): the queue ID is part of the Message-ID it writes
        // (`<YYYYMMDDhhmm.QUEUEID@host>`), and the bounce and the returned message name both.
        let msg = "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example>\nTo: a@example.org\nSubject: Returned mail: see transcript for details\nMessage-Id: <202601021234.60BCYZab012345@mx.example>\n\nThe original message was received at Fri, 2 Jan 2026 12:34:56 +0100\nfrom client.example [192.0.2.7]\nQueue ID <202601021233.60BCYYab012344@mx.example>\n\n   ----- The following addresses had permanent fatal errors -----\n<u@example.net>\n    (reason: 550 5.1.1 <u@example.net>... User unknown)\n\n   ----- Transcript of session follows -----\n... while talking to mx.example.net.:\n>>> RCPT To:<u@example.net>\n<<< 550 5.1.1 <u@example.net>... User unknown\n\n   ----- Original message follows -----\n\nReturn-Path: <a@example.org>\nMessage-ID: <20260102123456.12345@client.example>\nIn-Reply-To: <20260101000000.99999@other.example>\nFrom: a@example.org\nTo: u@example.net\nSubject: hello\n\nhi\n";
        assert_eq!(addresses(msg), ["u@example.net"]);
        // No recipient block: the first address the text names that is no ID.
        let msg = "From: MAILER-DAEMON@mx.example\nTo: a@example.org\nSubject: Undeliverable mail\n\nYour message 20260102123456.12345@client.example could not be delivered to bob@example.net: mailbox unavailable.\n";
        assert_eq!(addresses(msg), ["bob@example.net"]);
    }

    #[test]
    fn the_stage_alone_decides_when_words_and_codes_do_not() {
        let postfix = |reply: &str, command: &str| {
            format!(
                "From: MAILER-DAEMON@mx.example\nTo: a@example.org\nSubject: Undelivered Mail Returned to Sender\n\nThis is the mail system at host mx.example.\n\n<u@example.net>: host mx.example.net[192.0.2.1] said: {reply} (in reply to {command} command)\n"
            )
        };
        let reason = |m: String| analyze(m.as_bytes()).recipients.first().map(|r| r.reason);
        assert_eq!(
            reason(postfix("550 Go away", "MAIL FROM")),
            Some(Reason::Rejected)
        );
        assert_eq!(
            reason(postfix("554 Go away", "EHLO")),
            Some(Reason::Blocked)
        );
        assert_eq!(
            reason(postfix("550 Go away", "RCPT TO")),
            Some(Reason::Userunknown)
        );
        // Temporary at RCPT TO: no reason from the stage alone.
        assert_eq!(
            reason(postfix("450 Go away", "RCPT TO")),
            Some(Reason::Onhold)
        );
    }

    #[test]
    fn a_final_report_on_a_temporary_reply_is_an_expiry() {
        let reason = |fields: &str| {
            let m = dsn("Failed.", fields);
            analyze(m.as_bytes()).recipients.first().map(|r| r.reason)
        };
        // Postfix gave up after its queue lifetime: the last reply was a bare deferral.
        let fields = "Final-Recipient: rfc822; u@example.net\nAction: failed\nStatus: 4.7.1\nDiagnostic-Code: smtp; 451 4.7.1 Please try again later\n";
        assert_eq!(reason(fields), Some(Reason::Expired));
        // Words that name the condition keep their reason.
        let fields = "Final-Recipient: rfc822; u@example.net\nAction: failed\nStatus: 4.2.2\nDiagnostic-Code: smtp; 452 4.2.2 Mailbox full\n";
        assert_eq!(reason(fields), Some(Reason::Mailboxfull));
        // A delay notice with the same reply is not final.
        let fields = "Final-Recipient: rfc822; u@example.net\nAction: delayed\nStatus: 4.7.1\nDiagnostic-Code: smtp; 451 4.7.1 Please try again later\n";
        assert_ne!(reason(fields), Some(Reason::Expired));
    }

    #[test]
    fn a_vague_status_refined_by_the_quoted_reply() {
        // No Diagnostic-Code: the reply quoted for the recipient in the text part.
        let fields = "Final-Recipient: rfc822; u@example.net\nAction: delayed\nStatus: 4.0.0\n";
        let text = "Delivery is delayed.\n\nu@example.net: 421 4.7.0 [TSS04] Messages temporarily deferred\n\nThe message is kept in the queue.";
        assert_eq!(status(&dsn(text, fields)).as_deref(), Some("4.7.0"));
        // A specific Status is kept.
        let fields = "Final-Recipient: rfc822; u@example.net\nAction: delayed\nStatus: 4.4.1\n";
        assert_eq!(status(&dsn(text, fields)).as_deref(), Some("4.4.1"));
    }

    #[test]
    fn a_failed_recipient_with_a_temporary_status_and_a_permanent_reply() {
        let fields = "Final-Recipient: rfc822; u@example.net\nAction: failed\nStatus: 4.5.0\nDiagnostic-Code: smtp; 550 5.5.0 Service refused\n";
        assert_eq!(status(&dsn("Failed.", fields)).as_deref(), Some("5.5.0"));
        // A reply whose own code does not match its class (RFC 2034 section 4) does not decide.
        let fields = "Final-Recipient: rfc822; u@example.net\nAction: failed\nStatus: 4.4.7\nDiagnostic-Code: smtp; 554 4.4.7 Message expired <421 4.4.2 Connection timed out>\n";
        assert_eq!(status(&dsn("Failed.", fields)).as_deref(), Some("4.4.2"));
        // Delayed: the Status stays.
        let fields = "Final-Recipient: rfc822; u@example.net\nAction: delayed\nStatus: 4.5.0\nDiagnostic-Code: smtp; 550 5.5.0 Service refused\n";
        assert_eq!(status(&dsn("Delayed.", fields)).as_deref(), Some("4.5.0"));
    }

    #[test]
    fn postfix_reject_log_record_gives_the_reply() {
        let line = "Oct 30 14:13:29 mail postfix/smtpd[14922]: NOQUEUE: reject: RCPT from a.example[192.0.2.1]: 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; Error: open resolver; from=<a@b.example> to=<c@d.example> proto=ESMTP helo=<a.example>";
        assert_eq!(
            super::postfix_reject_reply(line),
            Some(
                "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; Error: open resolver"
            )
        );
        assert_eq!(super::postfix_reject_reply("reject: nothing here"), None);
        // The same record hard-wrapped at column 78: line ends where it had spaces.
        let wrapped = "Oct 30 14:13:29 mail postfix/smtpd[14922]: NOQUEUE: reject: RCPT from\na.example[192.0.2.1]: 554 5.7.1 Service unavailable; Client\nhost [192.0.2.1] blocked using zen.spamhaus.org; Error: \nopen resolver;\nfrom=<a@b.example> to=<c@d.example> proto=ESMTP\n";
        assert_eq!(
            super::postfix_reject_reply(wrapped),
            Some(
                "554 5.7.1 Service unavailable; Client\nhost [192.0.2.1] blocked using zen.spamhaus.org; Error: \nopen resolver"
            )
        );
    }
}

#[cfg(test)]
mod expanded_tests {
    #[test]
    fn postfix_expanded_from_keeps_the_expansion() {
        let msg = "From: MAILER-DAEMON@mx.example\nTo: a@example.org\nSubject: Undelivered Mail Returned to Sender\n\nThis is the mail system at host mx.example.\n\nI'm sorry to have to inform you that your message could not be delivered to one or more recipients. It's attached below.\n\n                   The mail system\n\n<XXXXXXXX (expanded from <info@example.net>): User unknown in\n    virtual alias table\n";
        let b = crate::checks::bounce::analyze(msg.as_bytes());
        let r = &b.recipients[0];
        assert_eq!(r.address, "info@example.net");
        assert_eq!(r.reason, crate::checks::bounce::Reason::Userunknown);
        let d = r.diagnostic.as_deref().unwrap_or("");
        assert!(d.starts_with("(expanded from"), "{d}");
    }

    #[test]
    fn postfix_names_the_address_an_alias_expanded_from() {
        let msg = "From: MAILER-DAEMON@mx1.host.example (Mail Delivery System)\nTo: a@example.org\nSubject: Undelivered Mail Returned to Sender\n\nThis is the mail system at host mx1.host.example.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\n                   The mail system\n\n<p.j@mail.example> (expanded from <info@shop.example>):\n    host mx.mail.example[192.0.2.162] said: 550 5.5.0\n    Requested action not taken: mailbox unavailable (in reply to RCPT TO command)\n";
        let b = crate::checks::bounce::analyze(msg.as_bytes());
        let r = b
            .recipients
            .iter()
            .find(|r| r.address == "p.j@mail.example")
            .expect("the final address");
        assert_eq!(r.original_recipient.as_deref(), Some("info@shop.example"));
        // Without the expansion there is no original recipient.
        let plain = msg.replace(" (expanded from <info@shop.example>)", "");
        let b = crate::checks::bounce::analyze(plain.as_bytes());
        assert!(b.recipients.iter().all(|r| r.original_recipient.is_none()));
    }

    #[test]
    fn exim_names_the_forwarded_address_in_x_failed_recipients() {
        let msg = "From: Mail Delivery System <Mailer-Daemon@mx.example>\nTo: a@example.org\nX-Failed-Recipients: b@gmail.example\nSubject: Mail delivery failed: returning message to sender\nContent-Type: multipart/report; report-type=delivery-status; boundary=B\nMIME-Version: 1.0\n\n--B\nContent-type: text/plain\n\nThis message was created automatically by mail delivery software.\n\n  b@gmail.example\n    (generated from info@shop.example)\n    host mx.gmail.example [192.0.2.26]\n    SMTP error from remote mail server after end of data:\n    550 5.7.26 Unauthenticated email is not accepted due to domain's DMARC policy\n\n--B\nContent-type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\nAction: failed\nFinal-Recipient: rfc822;info@shop.example\nStatus: 5.0.0\nDiagnostic-Code: smtp; 550 5.7.26 Unauthenticated email is not accepted due to domain's DMARC policy\n\n--B--\n";
        let b = crate::checks::bounce::analyze(msg.as_bytes());
        let r = &b.recipients[0];
        assert_eq!(r.address, "b@gmail.example");
        assert_eq!(r.original_recipient.as_deref(), Some("info@shop.example"));
        // Without Exim's "(generated from ...)" the Final-Recipient stands.
        let plain = msg.replace("(generated from info@shop.example)", "");
        let b = crate::checks::bounce::analyze(plain.as_bytes());
        assert_eq!(b.recipients[0].address, "info@shop.example");
    }

    #[test]
    fn the_addressee_of_a_notice_shown_without_its_header_is_no_recipient() {
        let text = "Mail Delivery System\nTo: orders@shop.example\nDelayed Mail (still being retried)\n\nThis is the mail system at host mta1.shop.example.\n\n<j@yahoo.example>: host mta6.yahoo.example[203.0.113.172] said: 421\n    4.7.0 [TSS04] Messages from 198.51.100.72 temporarily deferred (in reply to MAIL FROM\n    command)\n";
        let b = crate::checks::bounce::analyze(text.as_bytes());
        let addresses: Vec<&str> = b.recipients.iter().map(|r| r.address.as_str()).collect();
        assert_eq!(addresses, ["j@yahoo.example"]);
    }

    #[test]
    fn sendmail_names_the_forwarded_address_in_x_actual_recipient() {
        let msg = "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example>\nTo: a@example.org\nSubject: Returned mail: see transcript for details\nContent-Type: multipart/report; report-type=delivery-status; boundary=B\nMIME-Version: 1.0\n\n--B\n\nThe original message was received at Thu, 21 May 2026 14:02:11 +0100\nfrom mail.example.org [198.51.100.20]\n\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\nFinal-Recipient: RFC822; alan@example.net\nX-Actual-Recipient: RFC822; a.w@lab.example\nAction: failed\nStatus: 5.7.1\nRemote-MTA: DNS; mx1.lab-gateway.example\nDiagnostic-Code: SMTP; 550 #5.7.1 DMARC unauthenticated mail is prohibited.\n\n--B--\n";
        let b = crate::checks::bounce::analyze(msg.as_bytes());
        let r = &b.recipients[0];
        assert_eq!(r.address, "a.w@lab.example");
        assert_eq!(r.original_recipient.as_deref(), Some("alan@example.net"));
        // The same address in both fields is no forward.
        let same = msg.replace("a.w@lab.example", "alan@example.net");
        let b = crate::checks::bounce::analyze(same.as_bytes());
        assert_eq!(b.recipients[0].address, "alan@example.net");
        assert_eq!(b.recipients[0].original_recipient, None);
    }

    #[test]
    fn a_phrase_across_a_wrapped_line() {
        let t = "host mx[192.0.2.1] refused to\n   talk to me: 554 no";
        assert_eq!(
            crate::checks::bounce::scan::phrase_end(t, &["refused", "to", "talk", "to", "me:"]),
            Some(t.len() - " 554 no".len())
        );
        assert_eq!(
            crate::checks::bounce::scan::phrase_end("refusedto talk", &["refused", "to"]),
            None
        );
    }
}
