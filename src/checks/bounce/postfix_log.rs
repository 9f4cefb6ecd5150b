//! Postfix's delivery records in its mail log, pasted by the sending side (`grep` of
//! `/var/log/mail.log`, a hosting panel's log view). A delivery agent (smtp, lmtp, local,
//! virtual, error; qmgr for a recipient it defers without trying) logs one record per attempt
//! and recipient: `QUEUEID: to=<address>, [orig_to=<...>,] relay=host[ip]:port, delay=N,
//! delays=a/b/c/d, dsn=X.Y.Z, status=sent|deferred|bounced|expired (text)` (postfix's
//! src/global/log_adhoc.c; `delay` is the seconds from the message's arrival to this attempt).
//! The text in parentheses is the remote server's reply ("host X said: 421 ...") or what went
//! wrong ("connect to X: Connection timed out").
//!
//! Each address's last record decides, as for Exim's log (`exim_log`): a deferral followed by
//! a delivery was delivered after waiting in the queue, one followed by a bounce failed.
//! Addresses delivered at once beside troubled ones are left out of the report.

use super::recipients::Raw;
use super::scan;

/// At most this many lines are read.
const MAX_LINES: usize = 4_000;

/// A delivery this long after the message arrived (seconds) counts as late: the diagnosis's
/// lateness threshold for a hop (10 minutes). Postfix retries a deferred message after
/// `minimal_backoff_time` (300 s by default), so one quick retry is not late.
const LATE_SECONDS: u64 = 600;

/// A delivery record: (address, status word, dsn, text in parentheses, delay in seconds).
type Record<'a> = (String, &'a str, Option<&'a str>, &'a str, Option<u64>);

/// The delivery record of a log line, when it is one.
fn record(line: &str) -> Option<Record<'_>> {
    let program = line.find("postfix")?;
    let rest = &line[program..];
    // "postfix/smtp[pid]:" or a second instance's "postfix-out/smtp[pid]:".
    let slash = rest.find('/')?;
    if slash > 24 || rest[..slash].contains(' ') {
        return None;
    }
    let to = rest.find(": to=<")? + ": to=<".len();
    let end = rest[to..].find('>')? + to;
    let address = rest[to..end].trim();
    if !address.contains('@') || address.len() > 254 {
        return None;
    }
    let status_at = rest.find(", status=")? + ", status=".len();
    let status = rest[status_at..]
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()?;
    if !matches!(status, "sent" | "deferred" | "bounced" | "expired") {
        return None;
    }
    let field = |name: &str| {
        rest[..status_at].find(name).map(|i| {
            let v = &rest[i + name.len()..status_at];
            v.split([',', ' ']).next().unwrap_or("")
        })
    };
    let dsn = field(", dsn=").filter(|d| !d.is_empty());
    let delay = field(", delay=").and_then(|d| d.split('.').next()?.parse::<u64>().ok());
    let after = &rest[status_at + status.len()..];
    let text = after
        .trim_start()
        .strip_prefix('(')
        .map(|t| t.strip_suffix(')').unwrap_or(t))
        .unwrap_or("");
    Some((address.to_ascii_lowercase(), status, dsn, text, delay))
}

/// The lines of the first `max_lines` that hold `marker` (a Postfix log line: "postfix"),
/// each with the lines it was hard-wrapped onto (pasted into a mail program that wraps long
/// lines) joined again: the lines after a marked line, up to a blank line or the next marked
/// line, are its rest. Also what `plain`'s Postfix checks read.
pub(super) fn joined(text: &str, marker: &str, max_lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for line in text.lines().take(max_lines) {
        if line.contains(marker) {
            out.push(line.to_string());
            open = true;
        } else if line.trim().is_empty() {
            open = false;
        } else if open
            && let Some(last) = out.last_mut()
            && last.len() < 4_096
        {
            last.push(' ');
            last.push_str(line.trim());
        }
    }
    out
}

/// Whether the text holds a Postfix delivery record that deferred, bounced or expired a
/// recipient.
pub(super) fn is_records(text: &str) -> bool {
    joined(text, "postfix", MAX_LINES)
        .iter()
        .filter_map(|l| record(l))
        .any(|(_, status, ..)| status != "sent")
}

/// Whether the text holds Postfix delivery records at all, deliveries too (`status=sent` with
/// the receiving server's acceptance, RFC 5321 section 4.2.5: the server took responsibility
/// for the message). Read only when nothing else in the paste names a recipient: a log of
/// deliveries alone is a delivery report.
pub(super) fn is_deliveries(text: &str) -> bool {
    joined(text, "postfix", MAX_LINES)
        .iter()
        .any(|l| record(l).is_some())
}

/// How a delivery after a long wait in the queue opens its words (the diagnosis reads it).
pub(crate) const LATE_WORDS: &str = "delivered after";

/// The recipients of the records, added to `raws` (each address once, as its last record says;
/// a delivery after deferrals keeps the last deferral's words and how long the message had
/// waited). Returns nothing: a record names the server it went to, not the one it left from.
pub(super) fn records(text: &str, raws: &mut Vec<Raw>) -> Option<String> {
    // (address, last status, its dsn, its words, the last deferral's words, delay)
    type Last = (
        String,
        String,
        Option<String>,
        String,
        Option<String>,
        Option<u64>,
    );
    let mut last: Vec<Last> = Vec::new();
    let lines = joined(text, "postfix", MAX_LINES);
    for (address, status, dsn, words, delay) in lines.iter().filter_map(|l| record(l)) {
        let deferral = (status == "deferred").then(|| words.to_string());
        if let Some(entry) = last.iter_mut().find(|e| e.0 == address) {
            entry.1 = status.to_string();
            entry.2 = dsn.map(str::to_string);
            entry.3 = words.to_string();
            if deferral.is_some() {
                entry.4 = deferral;
            }
            entry.5 = delay;
        } else if last.len() < super::MAX_RECIPIENTS {
            last.push((
                address,
                status.to_string(),
                dsn.map(str::to_string),
                words.to_string(),
                deferral,
                delay,
            ));
        }
    }
    // A delivery after deferrals that waited less than the lateness threshold was on time.
    for e in last.iter_mut() {
        if e.1 == "sent" && e.5.is_none_or(|d| d < LATE_SECONDS) {
            e.4 = None;
        }
    }
    let troubled = last.iter().any(|e| e.1 != "sent" || e.4.is_some());
    for (address, status, dsn, words, deferral, delay) in &last {
        let action = match status.as_str() {
            "sent" => "delivered",
            "deferred" => "delayed",
            _ => "failed",
        };
        if action == "delivered" {
            // Delivered at once beside troubled addresses: no part of the problem.
            let Some(held) = deferral else {
                if troubled {
                    continue;
                }
                raws.push(Raw::event(address, action, None, None));
                continue;
            };
            let waited = crate::parse::date::format_duration(
                delay
                    .unwrap_or_default()
                    .saturating_mul(1000)
                    .min(i64::MAX as u64) as i64,
            );
            let words = format!(
                "{LATE_WORDS} {waited} in the sending server's queue; the attempts before were deferred: {held}"
            );
            raws.push(Raw::event(address, action, None, Some(&words)));
            continue;
        }
        let status = dsn
            .clone()
            .filter(|d| scan::status(d).is_some())
            .or_else(|| scan::status(words));
        raws.push(Raw::event(address, action, status, Some(words)));
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::checks::bounce::{BounceKind, Reason, analyze};

    const DEFERRED: &str = "Jun 15 09:14:32 web01 postfix/smtp[20412]: 3F2A81C0B2: to=<l@gmail.example>, relay=none, delay=30, delays=0.02/0.01/30/0, dsn=4.4.1, status=deferred (connect to smtp.relay.example[198.51.100.7]:587: Connection timed out)\n";

    #[test]
    fn a_log_of_deliveries_alone_is_a_delivery_report() {
        let log = "Mar 19 10:14:06 mail postfix/qmgr[1187]: 4fRX3p2Kc9z7vGm: from=<d@shop.example>, size=412873, nrcpt=1 (queue active)\nMar 19 10:14:07 mail postfix/smtp[211881]: 4fRX3p2Kc9z7vGm: to=<j@orange.example>, relay=smtp-in.orange.example[198.51.100.65]:25, delay=1.4, delays=0.12/0.01/0.41/0.86, dsn=2.0.0, status=sent (250 2.0.0 Xk3B2F00C4pLs8z01k3CVn mail accepted for delivery)\n";
        let r = analyze(log.as_bytes());
        assert_eq!(r.format.as_deref(), Some("postfix_log"));
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(
            r.recipients[0].reason,
            crate::checks::bounce::Reason::Delivered
        );
        // A relay's delivery line pasted above the notice that came back later is no delivery
        // report: the notice is read.
        let both = format!(
            "{log}\nDelivery has failed to these recipients or groups:\n\nj@orange.example\nThe email address you entered couldn't be found.\n\nDiagnostic information for administrators:\n\nGenerating server: gen.orange.example\n\nj@orange.example\nRemote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'\n"
        );
        let r = analyze(both.as_bytes());
        assert_eq!(r.kind, BounceKind::Bounce);
        assert_eq!(
            r.recipients[0].reason,
            crate::checks::bounce::Reason::Userunknown
        );
        // Log lines of other programs only (no delivery record) are none.
        let other = "Mar 19 10:14:05 mail postfix/submission/smtpd[211874]: connect from unknown[198.51.100.88]\n";
        assert_ne!(
            analyze(other.as_bytes()).format.as_deref(),
            Some("postfix_log")
        );
    }

    #[test]
    fn a_deferral_without_a_reply_is_a_delay() {
        let r = analyze(DEFERRED.as_bytes());
        assert_eq!(r.kind, BounceKind::Delay);
        assert_eq!(r.format.as_deref(), Some("postfix_log"));
        assert_eq!(r.recipients[0].address, "l@gmail.example");
        assert_eq!(r.recipients[0].status.as_deref(), Some("4.4.1"));
    }

    #[test]
    fn a_record_wrapped_onto_the_next_line_is_read_whole() {
        let wrapped = "Jun 15 09:14:32 web01 postfix/smtp[20412]: 3F2A81C0B2: to=<l@gmail.example>,\nrelay=none, delay=30, delays=0.02/0.01/30/0, dsn=4.4.1,\nstatus=deferred (connect to smtp.relay.example[198.51.100.7]:587:\nConnection timed out)\n";
        let r = analyze(wrapped.as_bytes());
        assert_eq!(r.kind, BounceKind::Delay);
        assert_eq!(r.recipients[0].status.as_deref(), Some("4.4.1"));
    }

    #[test]
    fn a_deferral_then_a_delivery_was_delivered_after_waiting() {
        let log = format!(
            "{DEFERRED}Jun 15 15:14:40 web01 postfix/smtp[20999]: 3F2A81C0B2: to=<l@gmail.example>, relay=mx.gmail.example[192.0.2.5]:25, delay=21608, delays=21600/0.01/5/3, dsn=2.0.0, status=sent (250 2.0.0 OK)\n"
        );
        let r = analyze(log.as_bytes());
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].reason, Reason::Delivered);
        let words = r.recipients[0].diagnostic.as_deref().unwrap_or_default();
        assert!(words.contains("6 h"), "{words}");
        assert!(words.contains("Connection timed out"), "{words}");
    }
}
