//! Exim's main log, pasted by the sending side (a hosting panel's mail log, `grep` of
//! `/var/log/exim4/mainlog`): the records of a message's deliveries. Exim's specification,
//! "Log files" (chapter "Log files", "Logging message reception" and "Logging deliveries"):
//! each record is the date and time, the message's id, then a flag: `<=` arrival, `=>` normal
//! delivery, `->` another address of the same delivery, `*>` delivery suppressed, `**`
//! delivery failed (the address bounced), `==` delivery deferred (a temporary problem). The
//! address follows the flag; a failure or deferral ends with the error after ": ", for a
//! remote refusal "SMTP error from remote mail server after <command>: <reply>". The
//! `outgoing_interface` log selector adds `I=[address]:port`, the local address the delivery
//! went out from.
//!
//! Each address's last record decides: a deferral followed by a delivery was delivered late,
//! one followed by a failure failed. Addresses delivered beside failed or deferred ones are
//! left out of the report, which is about what went wrong.

use super::recipients::{LastRecords, Raw};
use super::scan;

/// At most this many records are read.
const MAX_RECORDS: usize = 2_000;

/// A delivery record: its flag and the text after it (the address and the rest).
fn record(line: &str) -> Option<(&str, &str)> {
    let t = line.trim_start();
    let b = t.as_bytes();
    // "YYYY-MM-DD HH:MM:SS", then optional fractions, a time zone and a process id.
    let dated = b.len() > 20
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b' '
        && b[13] == b':'
        && b[16] == b':';
    if !dated {
        return None;
    }
    let mut words = t.get(19..)?.split_whitespace();
    let mut id = words.next()?;
    // Fractions of a second are joined to the time; a time zone ("+0100") and a process id
    // ("[1234]") stand as words of their own.
    while id.starts_with(['+', '-', '[']) || id.starts_with('.') {
        id = words.next()?;
    }
    if !message_id(id) {
        return None;
    }
    let flag = words.next()?;
    if !matches!(flag, "**" | "==" | "=>" | "->") {
        return None;
    }
    let at = t.find(id)? + id.len();
    let rest = t[at..].trim_start().strip_prefix(flag)?.trim_start();
    Some((flag, rest))
}

/// An Exim message id: three base-62 parts joined by hyphens, 6-6-2 characters (before Exim
/// 4.97) or 6-11-4 (since).
fn message_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    parts.len() == 3
        && (lens == [6, 6, 2] || lens == [6, 11, 4])
        && parts
            .iter()
            .all(|p| p.bytes().all(|c| c.is_ascii_alphanumeric()))
}

/// Whether the text holds Exim delivery records of a failure or a deferral.
pub(super) fn is_records(text: &str) -> bool {
    text.lines()
        .take(MAX_RECORDS)
        .filter_map(record)
        .any(|(flag, _)| matches!(flag, "**" | "=="))
}

/// Whether the text holds Exim delivery records at all, deliveries too (`=>`, `->`: the
/// receiving server accepted the message). Read only when nothing else in the paste names a
/// recipient: a log of deliveries alone is a delivery report, as Postfix's is
/// (postfix_log::is_deliveries).
pub(super) fn is_deliveries(text: &str) -> bool {
    text.lines().take(MAX_RECORDS).any(|l| record(l).is_some())
}

/// The recipients of the records, added to `raws` (each address once, as its last record
/// says); returns the local address the deliveries went out from, when they all name the same
/// one (`I=[...]`): the sending server's.
pub(super) fn records(text: &str, raws: &mut Vec<Raw>) -> Option<String> {
    let mut last = LastRecords::default();
    let mut from_ips: Vec<String> = Vec::new();
    for (flag, rest) in text.lines().take(MAX_RECORDS).filter_map(record) {
        let Some(&(s, e)) = scan::addresses(rest).first() else {
            continue;
        };
        let address = rest[s..e].to_ascii_lowercase();
        let action = match flag {
            "**" => "failed",
            "==" => "delayed",
            _ => "delivered",
        };
        // The error: a remote server's reply, else what follows the record's fields.
        let words = match rest.find("SMTP error from remote mail server after") {
            Some(i) => &rest[i..],
            None => rest.rfind(": ").map_or("", |i| &rest[i + 2..]),
        };
        if let Some(ip) = interface(rest) {
            from_ips.push(ip);
        }
        last.note(address, action, words.to_string());
    }
    last.into_raws(raws);
    from_ips.dedup();
    (from_ips.len() == 1).then(|| from_ips.remove(0))
}

/// The local address of `I=[address]:port` (the `outgoing_interface` log selector).
fn interface(rest: &str) -> Option<String> {
    let i = rest.find(" I=[")? + 4;
    let end = rest[i..].find(']')? + i;
    let ip = &rest[i..end];
    ip.parse::<core::net::IpAddr>().ok().map(|_| ip.to_string())
}

#[cfg(test)]
mod tests {
    use crate::checks::bounce::{BounceKind, Reason, analyze};

    const ARRIVAL: &str = "2026-10-05 18:02:09 1xDl8j-0009Uq-0D <= a@shop.example U=www-data P=local S=4821 id=1@shop.example\n";

    #[test]
    fn a_dated_line_with_a_wide_character_at_the_seconds_is_no_record() {
        // Byte 19 falls inside a multi-byte character: no panic, no record.
        assert!(super::record("2026-10-05 18:02:あいう 1xDl8j-0009Uq-0D => a@b.example").is_none());
    }

    #[test]
    fn a_log_of_deliveries_alone_is_a_delivery_report() {
        let log = "2026-10-05 18:02:10 1xDl8j-0009Uq-0D <= b@host.example U=b P=local S=2871\n2026-10-05 18:02:12 1xDl8j-0009Uq-0D => m@orange.example R=dnslookup T=remote_smtp H=smtp-in.orange.example [192.0.2.162] C=\"250 2.0.0 accepted\"\n2026-10-05 18:02:12 1xDl8j-0009Uq-0D Completed\n";
        let r = analyze(log.as_bytes());
        assert_eq!(r.format.as_deref(), Some("exim_log"));
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(
            r.recipients[0].reason,
            crate::checks::bounce::Reason::Delivered
        );
    }

    #[test]
    fn a_deferred_record_is_a_delay_with_the_reply_and_the_interface() {
        let log = format!(
            "{ARRIVAL}2026-10-05 18:02:12 1xDl8j-0009Uq-0D == m@orange.example R=dnslookup T=remote_smtp defer (-44) H=smtp-in.orange.example [192.0.2.161] I=[203.0.113.77]:41532: SMTP error from remote mail server after initial connection: 421 mwinf5c79 ME Too many connections, slow down. OFR005_104 [104]\n"
        );
        let r = analyze(log.as_bytes());
        assert_eq!(r.kind, BounceKind::Delay);
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].reply_code, Some(421));
        assert_eq!(r.sent_from_ip.as_deref(), Some("203.0.113.77"));
    }

    #[test]
    fn a_failed_record_is_read_from_the_reply_not_the_router_names() {
        let log = "2025-11-03 09:14:22 1vG3kP-0000000DsX1-1aQe <= b@host.example U=b P=local S=2871\n2025-11-03 09:14:24 1vG3kP-0000000DsX1-1aQe ** c@yahoo.example R=dkim_lookuphost T=dkim_remote_smtp H=mta7.yahoo.example [192.0.2.47] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes: SMTP error from remote mail server after end of data: 554 5.7.9 Message not accepted for policy reasons.\n2025-11-03 09:14:24 1vG3kP-0000000DsX1-1aQe Completed\n";
        let r = analyze(log.as_bytes());
        assert_eq!(r.kind, BounceKind::Bounce);
        assert_eq!(r.recipients[0].address, "c@yahoo.example");
        assert_eq!(r.recipients[0].status.as_deref(), Some("5.7.9"));
        assert!(r.from_log);
    }

    #[test]
    fn a_deferral_then_a_delivery_was_delivered() {
        let log = format!(
            "{ARRIVAL}2026-10-05 18:02:12 1xDl8j-0009Uq-0D == m@orange.example R=dnslookup T=remote_smtp defer (-44): SMTP error from remote mail server after initial connection: 421 Too many connections\n2026-10-05 20:03:15 1xDl8j-0009Uq-0D => m@orange.example R=dnslookup T=remote_smtp H=smtp-in.orange.example [192.0.2.162] C=\"250 2.0.0 accepted\"\n"
        );
        let r = analyze(log.as_bytes());
        assert!(
            r.recipients.iter().all(|x| x.reason == Reason::Delivered),
            "{:?}",
            r.recipients
        );
    }
}
