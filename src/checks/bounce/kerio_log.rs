//! Kerio Connect's (formerly Kerio MailServer's) mail log, pasted by the sending side: one line
//! per message received and one per recipient it was sent to. Kerio's Administrator's Guide,
//! chapter "Logs", "Mail": "[30/Nov/2005 17:57:15] Sent: Queue-ID: 438dd9ea-00000000,
//! Recipient: <wsmith@company.com>, Result: delivered, Status: 2.0.0", where `Result` is the
//! result of the delivery and `Status` the SMTP response's code (a 2 delivered, a 4 or 5 not),
//! with its words after it; later versions add `Remote-Host:` and `Msg-Id:`.
//!
//! Each address's last record decides, as in the other logs (`exim_log`): a delay followed by
//! a delivery was delivered late. Addresses delivered beside troubled ones are left out.

use super::recipients::{LastRecords, Raw};
use super::scan;

/// At most this many lines are read.
const MAX_RECORDS: usize = 2_000;

/// A "Sent:" record: its fields after the bracketed date and time.
fn record(line: &str) -> Option<&str> {
    let t = line.trim_start().strip_prefix('[')?;
    let (date, rest) = t.split_once(']')?;
    // "30/Nov/2005 17:57:15"
    let b = date.as_bytes();
    let dated = b.len() >= 20 && b[2] == b'/' && b[6] == b'/' && b[11] == b' ' && b[14] == b':';
    if !dated {
        return None;
    }
    let rest = rest.trim_start().strip_prefix("Sent:")?;
    (rest.contains("Recipient:") && rest.contains("Result:")).then_some(rest)
}

/// A field's value: the text after "`name`: " up to the next ", Name:" field or the end.
fn field<'a>(rest: &'a str, name: &str) -> Option<&'a str> {
    let at = rest.find(&format!("{name}:"))? + name.len() + 1;
    let value = &rest[at..];
    let end = [
        ", Remote-Host:",
        ", Msg-Id:",
        ", Status:",
        ", Result:",
        ", Recipient:",
    ]
    .iter()
    .filter_map(|f| value.find(f))
    .min()
    .unwrap_or(value.len());
    Some(value[..end].trim())
}

/// Whether the text holds Kerio's records of a delivery that was delayed or failed.
pub(super) fn is_records(text: &str) -> bool {
    text.lines()
        .take(MAX_RECORDS)
        .filter_map(record)
        .any(|r| field(r, "Result").is_some_and(|v| !v.eq_ignore_ascii_case("delivered")))
}

/// The recipients of the records, added to `raws` (each address once, as its last record
/// says). Kerio's log names no address of its own that the mail went out from.
pub(super) fn records(text: &str, raws: &mut Vec<Raw>) -> Option<String> {
    let mut last = LastRecords::default();
    for rest in text.lines().take(MAX_RECORDS).filter_map(record) {
        let Some(recipient) = field(rest, "Recipient") else {
            continue;
        };
        let Some(&(s, e)) = scan::addresses(recipient).first() else {
            continue;
        };
        let address = recipient[s..e].to_ascii_lowercase();
        let result = field(rest, "Result")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let action = match result.as_str() {
            "delivered" => "delivered",
            "delayed" | "deferred" => "delayed",
            _ => "failed",
        };
        let words = field(rest, "Status").unwrap_or_default().to_string();
        last.note(address, action, words);
    }
    last.into_raws(raws);
    None
}

#[cfg(test)]
mod tests {
    use super::super::{BounceKind, Reason, analyze};

    #[test]
    fn kerio_records_of_a_delayed_delivery() {
        let log = "[16/Mar/2026 09:12:40] Recv: Queue-ID: 67d6a1b8-00004f21, Service: SMTP, From: <a@a.example>, To: <b@b.example>, Size: 38411, Sender-Host: 192.168.10.44, SSL: yes\n[16/Mar/2026 09:13:11] Sent: Queue-ID: 67d6a1b8-00004f21, Recipient: <b@b.example>, Result: delayed, Status: 4.4.1 Cannot connect to host, Remote-Host: 192.0.2.178, Msg-Id: <1@a.example>\n[16/Mar/2026 09:20:03] Sent: Queue-ID: 67d6a3d2-00004f29, Recipient: <c@c.example>, Result: delivered, Status: 2.0.0 , Remote-Host: 192.0.2.90, Msg-Id: <2@a.example>\n[16/Mar/2026 09:43:12] Sent: Queue-ID: 67d6a1b8-00004f21, Recipient: <b@b.example>, Result: delayed, Status: 4.4.1 Cannot connect to host, Remote-Host: 192.0.2.178, Msg-Id: <1@a.example>\n";
        let r = analyze(log.as_bytes());
        assert_eq!(r.kind, BounceKind::Delay);
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "b@b.example");
        assert_eq!(r.recipients[0].status.as_deref(), Some("4.4.1"));
        assert_ne!(r.recipients[0].reason, Reason::Delivered);
        // Only deliveries: nothing went wrong, no records of a problem.
        let fine = "[16/Mar/2026 09:20:03] Sent: Queue-ID: 67d6a3d2-00004f29, Recipient: <c@c.example>, Result: delivered, Status: 2.0.0 , Remote-Host: 192.0.2.90\n";
        assert!(!super::is_records(fine));
    }
}
