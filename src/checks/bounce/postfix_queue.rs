//! Postfix's queue listing (`mailq`, `postqueue -p`), pasted by the sending side: the messages
//! still queued. postqueue(1): "Each queue entry shows the queue file ID, message size,
//! arrival time, sender, and the recipients that still need to be delivered. If mail could not
//! be delivered upon the last attempt, the reason for failure is shown." The listing opens with
//! the head `-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------`; an entry's
//! first line is the queue ID (with `*` when the message is in the active queue, `!` when it is
//! held), its size, arrival time and sender; then the reason in parentheses on its own line(s)
//! and the recipients it applies to, one per line; a blank line ends the entry, and
//! `-- N Kbytes in M Requests.` the listing.
//!
//! Every recipient listed is still queued: not delivered yet, retried (a delay), with the
//! reason of its last attempt when the listing shows one.

use super::recipients::Raw;
use super::scan;

/// At most this many lines are read.
const MAX_LINES: usize = 4_000;

/// Whether the text holds Postfix's queue listing with at least one entry.
pub(super) fn is_records(text: &str) -> bool {
    let mut lines = text.lines().take(MAX_LINES).map(str::trim);
    lines.any(|l| l.starts_with("-Queue ID-")) && lines.any(|l| entry(l).is_some())
}

/// The sender of an entry's first line (`ID[*!] SIZE Www Mmm DD HH:MM:SS SENDER`), or `None`
/// when the line is no entry.
fn entry(line: &str) -> Option<&str> {
    let mut words = line.split_whitespace();
    let id = words.next()?.trim_end_matches(['*', '!']);
    // Short queue IDs are hexadecimal (10 or more digits); long ones (enable_long_queue_ids)
    // are letters and digits, 12 or more.
    if id.len() < 10 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    if !words.next()?.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Weekday, month, day, time, then the sender (empty for a bounce: MAILER-DAEMON).
    let rest: Vec<&str> = words.collect();
    (rest.len() >= 4 && rest[3].matches(':').count() == 2)
        .then(|| rest.get(4).copied().unwrap_or(""))
}

/// The recipients of the listing, added to `raws` (each address once), each with the reason
/// shown above it.
pub(super) fn records(text: &str, raws: &mut Vec<Raw>) -> Option<String> {
    let mut reason = String::new();
    let mut in_reason = false;
    let mut in_entry = false;
    for line in text.lines().take(MAX_LINES) {
        let t = line.trim();
        // A blank line ends an entry, but the next entry's first line says so too: a listing
        // whose line ends were doubled on the way (a blank line after every line) reads the
        // same.
        if t.is_empty() {
            continue;
        }
        if t.starts_with("-- ") {
            in_entry = false;
            in_reason = false;
            continue;
        }
        if entry(t).is_some() {
            in_entry = true;
            reason.clear();
            in_reason = false;
            continue;
        }
        if !in_entry {
            continue;
        }
        if t.starts_with('(') && !in_reason {
            reason = t.to_string();
            in_reason = !t.ends_with(')');
            continue;
        }
        if in_reason {
            if reason.len() < 4_096 {
                reason.push(' ');
                reason.push_str(t);
            }
            in_reason = !t.ends_with(')');
            continue;
        }
        // A recipient line holds nothing but the address.
        if let [(s, e)] = scan::addresses(t)[..]
            && s == 0
            && e == t.len()
        {
            let address = t.to_ascii_lowercase();
            if raws.iter().any(|r| r.address == address) || raws.len() >= super::MAX_RECIPIENTS {
                continue;
            }
            let r = reason.trim();
            let words = r
                .strip_prefix('(')
                .and_then(|w| w.strip_suffix(')'))
                .unwrap_or(r)
                .to_string();
            let words = (!words.is_empty()).then_some(words);
            raws.push(Raw::event(
                &address,
                "delayed",
                words.as_deref().and_then(scan::status),
                words.as_deref(),
            ));
        }
    }
    // Messages that wait with a reason are the problem; one in the active queue without a
    // reason yet (`*`) is just being sent, and is left out beside them.
    if raws.iter().any(|r| !r.diagnostic.is_empty()) {
        raws.retain(|r| !r.diagnostic.is_empty());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::{BounceKind, Reason, analyze};

    const LISTING: &str = "root@srv3:~# mailq\n-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------\n4gT0pW2rXbz4QhK     6218 Wed May  6 08:31:17  a@sender.example\n(host mx.example.net[192.0.2.45] said: 451 4.7.650 The mail server [198.51.100.77] has been temporarily rate limited due to IP reputation. (in reply to MAIL FROM command))\n                                         t@example.net\n\nA1B2C3D4E5*    4821 Tue Jun 23 09:14:02  a@sender.example\n                                         u@example.org\n\n-- 11 Kbytes in 2 Requests.\n";

    #[test]
    fn each_queued_recipient_is_a_delay_with_the_reason_above_it() {
        let r = analyze(LISTING.as_bytes());
        assert_eq!(r.kind, BounceKind::Delay);
        assert_eq!(r.format.as_deref(), Some("postfix_queue"));
        // The active message without a reason yet is left out beside the waiting one.
        let addrs: Vec<&str> = r.recipients.iter().map(|x| x.address.as_str()).collect();
        assert_eq!(addrs, ["t@example.net"]);
        assert_eq!(r.recipients[0].status.as_deref(), Some("4.7.650"));
        assert!(
            r.recipients[0]
                .diagnostic
                .as_deref()
                .is_some_and(|d| d.contains("rate limited"))
        );
        assert!(
            r.recipients[0]
                .diagnostic
                .as_deref()
                .is_some_and(|d| d.ends_with("(in reply to MAIL FROM command)"))
        );
        assert_ne!(r.recipients[0].reason, Reason::Delivered);
        // Line ends doubled on the way: the same reading.
        let doubled = LISTING.replace('\n', "\n\n");
        let d = analyze(doubled.as_bytes());
        assert_eq!(d.recipients.len(), 1);
        assert_eq!(d.recipients[0].status.as_deref(), Some("4.7.650"));
    }

    #[test]
    fn text_that_only_names_the_head_is_no_listing() {
        assert!(!super::is_records(
            "-Queue ID- is the first column\nno entries\n"
        ));
        assert!(
            super::entry("4gT0pW2rXbz4QhK     6218 Wed May  6 08:31:17  a@b.example").is_some()
        );
        assert!(super::entry("Mail queue is empty").is_none());
    }
}
