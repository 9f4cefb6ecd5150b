//! Sendmail's delivery records in its mail log, pasted by the sending side (`grep` of
//! `/var/log/maillog`). Sendmail logs one line per delivery attempt: `QUEUEID: to=<address>[,
//! <address>...], [ctladdr=...,] delay=HH:MM:SS, xdelay=HH:MM:SS, mailer=esmtp, pri=N,
//! relay=host. [ip], dsn=X.Y.Z, stat=STATUS` (the Sendmail Installation and Operation Guide,
//! "Logging Traffic", and sendmail/deliver.c logdelivery(): `stat` is "Sent (the remote
//! server's acceptance)", "Deferred: the reason", or the failure's words). The `dsn` field is
//! the RFC 3463 status of the attempt: 2 delivered, 4 deferred, 5 failed.
//!
//! Each address's last record decides, as in the other logs (`exim_log`); addresses delivered
//! beside troubled ones are left out.

use super::recipients::{LastRecords, Raw};
use super::scan;

/// At most this many lines are read.
const MAX_LINES: usize = 4_000;

/// A delivery record of a log line: the addresses, the action the dsn stands for and the
/// words of `stat`.
fn record(line: &str) -> Option<(Vec<String>, &'static str, &str)> {
    // "sendmail[pid]:" or "sm-mta[pid]:" (the name Debian's and FreeBSD's packages run it as).
    let program = line.find("sendmail[").or_else(|| line.find("sm-mta["))?;
    let rest = &line[program..];
    let to = rest.find(": to=")? + ": to=".len();
    let stat_at = rest.find(", stat=")?;
    let dsn_at = rest[..stat_at].find(", dsn=")? + ", dsn=".len();
    let dsn = rest[dsn_at..stat_at].split(',').next()?.trim();
    let action = match dsn.as_bytes().first()? {
        b'2' => "delivered",
        b'4' => "delayed",
        b'5' => "failed",
        _ => return None,
    };
    // The addresses run up to the next field ("delay=" or "ctladdr=").
    let list_end = [", delay=", ", ctladdr="]
        .iter()
        .filter_map(|f| rest[to..].find(f))
        .min()?;
    let list = &rest[to..to + list_end];
    let addresses: Vec<String> = scan::addresses(list)
        .iter()
        .map(|&(s, e)| list[s..e].to_ascii_lowercase())
        .collect();
    if addresses.is_empty() {
        return None;
    }
    let stat = rest[stat_at + ", stat=".len()..].trim();
    let words = stat.strip_prefix("Deferred:").map_or(stat, str::trim);
    Some((addresses, action, words))
}

/// Whether the text holds a Sendmail delivery record that deferred or failed a recipient.
pub(super) fn is_records(text: &str) -> bool {
    text.lines()
        .take(MAX_LINES)
        .filter_map(record)
        .any(|(_, action, _)| action != "delivered")
}

/// The recipients of the records, added to `raws` (each address once, as its last record
/// says). A record names the server it went to, not the one it left from.
pub(super) fn records(text: &str, raws: &mut Vec<Raw>) -> Option<String> {
    let mut last = LastRecords::default();
    for (addresses, action, words) in text.lines().take(MAX_LINES).filter_map(record) {
        for address in addresses {
            last.note(address, action, words.to_string());
        }
    }
    last.into_raws(raws);
    None
}

#[cfg(test)]
mod tests {
    use super::super::{BounceKind, Reason, analyze};

    #[test]
    fn sendmail_records_of_a_deferred_delivery() {
        let log = "Nov  5 14:02:11 crm01 sm-mta[21877]: 6A5E2B0v021875: from=<z@a.example>, size=48213, class=0, nrcpts=1, relay=localhost [127.0.0.1]\nNov  5 14:02:12 crm01 sm-mta[21879]: 6A5E2B0v021875: to=<p@b.example>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=138213, relay=mx.b.example. [192.0.2.89], dsn=4.0.0, stat=Deferred: 451 4.5.1 The recipient <p@b.example> has exceeded their message rate limit. Try again later.\nNov  5 14:10:40 crm01 sm-mta[21936]: 6A5EAd0K021932: to=<s@b.example>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=137990, relay=mx.b.example. [192.0.2.89], dsn=2.0.0, stat=Sent (Ok: queued)\n";
        let r = analyze(log.as_bytes());
        assert_eq!(r.kind, BounceKind::Delay);
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "p@b.example");
        assert!(
            r.recipients[0]
                .diagnostic
                .as_deref()
                .is_some_and(|d| d.starts_with("451 4.5.1 The recipient")),
            "{:?}",
            r.recipients[0].diagnostic
        );
        assert_ne!(r.recipients[0].reason, Reason::Delivered);
        // Only deliveries: no records of a problem.
        let fine = "Nov  5 14:10:40 crm01 sendmail[21936]: 6A5EAd0K021932: to=<s@b.example>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=1, relay=mx.b.example. [192.0.2.89], dsn=2.0.0, stat=Sent (Ok: queued)\n";
        assert!(!super::is_records(fine));
    }
}
