//! hMailServer's log, pasted by the sending side: tab-separated lines whose first field names
//! the part that wrote it (`"SMTPC"` the SMTP client talking to a remote server, `"APPLICATION"`
//! the delivery thread), then the thread's number, and the text last, each in quotes. The
//! delivery thread writes (hMailServer's ExternalDelivery.cpp) "SMTPDeliverer - Message N:
//! Delivering message from SENDER to RECIPIENT. ...", and when the remote server refused or
//! could not be reached "SMTPDeliverer - Message N: Message could not be delivered. Scheduling
//! it for later delivery in N minutes." (or "Greylisting? Scheduling it for quick retry ...": a
//! delay) or "... Message could not be delivered. Returning error log to sender." (it gave up:
//! a failure). The remote server's reply is the SMTP client's "RECEIVED: <reply>" line of the
//! same thread before it.
//!
//! Each address's last record decides, as in the other logs (`exim_log`).

use super::recipients::{LastRecords, Raw};
use super::scan;

/// At most this many lines are read.
const MAX_RECORDS: usize = 5_000;

/// The delivery thread's words for an attempt that did not deliver.
const NOT_DELIVERED: &str = "Message could not be delivered.";

/// A line's writer, its thread's number and its text (without the quotes).
fn record(line: &str) -> Option<(&str, &str, &str)> {
    let t = line.trim();
    let (who, rest) = if let Some(r) = t.strip_prefix("\"SMTPC\"") {
        ("SMTPC", r)
    } else {
        ("APPLICATION", t.strip_prefix("\"APPLICATION\"")?)
    };
    let rest = rest.trim_start();
    let thread_end = rest.find(|c: char| !c.is_ascii_digit())?;
    let thread = &rest[..thread_end];
    if thread.is_empty() {
        return None;
    }
    let body = rest.strip_suffix('"')?;
    let at = ["\"RECEIVED: ", "\"SENT: ", "\"SMTPDeliverer - "]
        .iter()
        .filter_map(|m| body.rfind(m))
        .max()?;
    Some((who, thread, &body[at + 1..]))
}

/// Whether the text holds hMailServer's record of a delivery that did not succeed.
pub(super) fn is_records(text: &str) -> bool {
    text.lines()
        .take(MAX_RECORDS)
        .filter_map(record)
        .any(|(who, _, body)| who == "APPLICATION" && body.contains(NOT_DELIVERED))
}

/// The recipients of the records, added to `raws` (each address once, as its last record
/// says). hMailServer's log names no address of its own that the mail went out from.
pub(super) fn records(text: &str, raws: &mut Vec<Raw>) -> Option<String> {
    let mut last = LastRecords::default();
    // Per thread: the recipient being delivered, and the last refusal its client received.
    let mut current: Vec<(&str, String, String)> = Vec::new();
    for (who, thread, body) in text.lines().take(MAX_RECORDS).filter_map(record) {
        let slot = match current.iter().position(|(t, _, _)| *t == thread) {
            Some(i) => i,
            None if current.len() < 256 => {
                current.push((thread, String::new(), String::new()));
                current.len() - 1
            }
            None => continue,
        };
        if who == "SMTPC" {
            if let Some(reply) = body.strip_prefix("RECEIVED: ")
                && scan::reply_code(reply).is_some_and(|c| c >= 400)
            {
                current[slot].2 = reply.to_string();
            }
            continue;
        }
        if let Some(at) = body.find(": Delivering message from ") {
            let after = &body[at..];
            let to = after.find(" to ").map_or("", |i| &after[i + 4..]);
            current[slot].1 = scan::addresses(to)
                .first()
                .map(|&(s, e)| to[s..e].to_ascii_lowercase())
                .unwrap_or_default();
            current[slot].2.clear();
        } else if body.contains(NOT_DELIVERED) && !current[slot].1.is_empty() {
            let action = if body.contains("Returning error log to sender") {
                "failed"
            } else {
                "delayed"
            };
            let (_, address, words) = &current[slot];
            last.note(address.clone(), action, words.clone());
        }
    }
    last.into_raws(raws);
    None
}

#[cfg(test)]
mod tests {
    use crate::checks::bounce::{BounceKind, analyze};

    #[test]
    fn a_rescheduled_delivery_is_a_delay_with_the_remote_reply() {
        let log = concat!(
            "\"APPLICATION\"\t6120\t\"2026-11-20 09:14:01.882\"\t\"SMTPDeliverer - Message 48213: Delivering message from a@shop.example to b@yahoo.example. File: C:\\x.eml\"\n",
            "\"SMTPC\"\t6120\t417\t\"2026-11-20 09:14:02.371\"\t\"192.0.2.66\"\t\"RECEIVED: 421 4.7.0 [TSS04] Messages from 203.0.113.58 temporarily deferred due to unexpected volume or user complaints\"\n",
            "\"APPLICATION\"\t6120\t\"2026-11-20 09:14:02.402\"\t\"SMTPDeliverer - Message 48213: Message could not be delivered. Scheduling it for later delivery in 60 minutes.\"\n",
        );
        let r = analyze(log.as_bytes());
        assert_eq!(r.kind, BounceKind::Delay);
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "b@yahoo.example");
        assert_eq!(r.recipients[0].reply_code, Some(421));
    }

    #[test]
    fn a_returned_delivery_is_a_failure() {
        let log = concat!(
            "\"APPLICATION\"\t7\t\"2026-11-20 09:14:01.882\"\t\"SMTPDeliverer - Message 5: Delivering message from a@shop.example to c@example.net. File: C:\\x.eml\"\n",
            "\"SMTPC\"\t7\t3\t\"2026-11-20 09:14:02.004\"\t\"192.0.2.7\"\t\"RECEIVED: 550 5.1.1 User unknown\"\n",
            "\"APPLICATION\"\t7\t\"2026-11-20 09:14:02.100\"\t\"SMTPDeliverer - Message 5: Message could not be delivered. Returning error log to sender.\"\n",
        );
        let r = analyze(log.as_bytes());
        assert_eq!(r.kind, BounceKind::Bounce);
        assert_eq!(r.recipients[0].status.as_deref(), Some("5.1.1"));
    }
}
