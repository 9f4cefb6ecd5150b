//! Exchange Server's message tracking log as an administrator pastes it: the output of
//! `Get-MessageTrackingLog ... | Format-List`, one "Name : value" line per field, a long value
//! wrapped onto indented lines below it, records one after another. Microsoft Learn, "Search
//! message tracking logs" and "Message tracking" (Exchange Server): `EventId` is what happened
//! (FAIL: "message delivery failed", DEFER: "message delivery was delayed", SEND/DELIVER: sent
//! or delivered), `Recipients` the addresses ("{a@b.example, c@d.example}"), and
//! `RecipientStatus` the status of each: for a failure or a delay the last error the remote
//! server gave, "{LED=550 5.1.1 ...}" (LED: last error description), beside the remote host's
//! name and address ({FQDN=...};{IP=...}).
//!
//! Exchange Online's message trace details (its admin center's page) carry the same last error
//! for one recipient and are read too.
//!
//! Each address's last record decides; addresses delivered beside troubled ones are left out.
//!
//! Exchange Server's delivery queues as `Get-Queue | Format-List` prints them (Microsoft Learn,
//! Get-Queue: `NextHopDomain` the destination, `Status` Active, Connecting, Ready, Retry or
//! Suspended, `LastError` the last error of the queue's last attempt, `MessageCount`) are
//! read too: a queue still holding messages for a domain is a delay for that domain, told by
//! its last error.

use super::recipients::{LastRecords, Raw};
use super::scan;

/// At most this many lines are read.
const MAX_LINES: usize = 5_000;
/// A field's value kept (a RecipientStatus of many recipients runs long).
const MAX_VALUE: usize = 8_192;

/// The records: each a list of (name, value), a wrapped value's lines joined with a space.
fn records(text: &str) -> Vec<Vec<(String, String)>> {
    let mut out: Vec<Vec<(String, String)>> = Vec::new();
    let mut current: Vec<(String, String)> = Vec::new();
    // Whether the line before was blank: a line at the margin continues a value only right
    // after the value's own lines, not after the blank line that ends a record.
    let mut after_blank = true;
    for line in text.lines().take(MAX_LINES) {
        let blank = line.trim().is_empty();
        let was_blank = std::mem::replace(&mut after_blank, blank);
        let field = line
            .split_once(" : ")
            .or_else(|| line.trim_end().strip_suffix(" :").map(|name| (name, "")));
        let named = field.filter(|(name, _)| {
            let name = name.trim_end();
            !name.is_empty()
                && !line.starts_with(char::is_whitespace)
                && name.bytes().all(|b| b.is_ascii_alphanumeric())
        });
        if let Some((name, value)) = named {
            let name = name.trim_end().to_string();
            // A field seen again starts the next record.
            if current.iter().any(|(n, _)| *n == name) {
                out.push(std::mem::take(&mut current));
            }
            current.push((name, value.trim().to_string()));
        } else if !line.trim().is_empty()
            // A wrapped value's rest: indented as Format-List writes it, or at the margin when
            // the paste was wrapped again (a line that is no "Name : value" field).
            && (line.starts_with(char::is_whitespace) || !was_blank)
            && let Some((_, value)) = current.last_mut()
            && value.len() < MAX_VALUE
        {
            value.push(' ');
            value.push_str(line.trim());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The queues of `Get-Queue | Format-List` that still hold messages for a domain after a
/// failed attempt: the next hop domain (lowercase) and the last error. A queue with no last
/// error, or one Exchange delivers inside its own organization (its `DeliveryType` names no
/// SMTP delivery to a domain: Undefined, ShadowRedundancy, Unreachable's own queue), is left
/// out.
fn queues(text: &str) -> Vec<(String, String)> {
    if !text.contains("NextHopDomain") || !text.contains("LastError") {
        return Vec::new();
    }
    records(text)
        .into_iter()
        .filter_map(|r| {
            let status = get(&r, "Status")?.to_ascii_lowercase();
            if !matches!(
                status.as_str(),
                "retry" | "active" | "ready" | "suspended" | "connecting"
            ) {
                return None;
            }
            let domain = get(&r, "NextHopDomain")?.trim().to_ascii_lowercase();
            // Exchange 2016 and later write it as a tracking log does ("[{LRT=...};{LED=...};
            // {FQDN=...};{IP=...}]"): the last error description is the error.
            let value = get(&r, "LastError")?.trim();
            let words = last_error(value).unwrap_or(value).trim().to_string();
            (domain.contains('.')
                && !domain.contains(char::is_whitespace)
                && !words.is_empty()
                && get(&r, "MessageCount").is_none_or(|c| c.trim() != "0"))
            .then_some((domain, words))
        })
        .collect()
}

fn get<'a>(record: &'a [(String, String)], name: &str) -> Option<&'a str> {
    record
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Exchange Online's message trace details as its admin center shows them (Microsoft Learn,
/// "Message trace in the new Exchange admin center"): a "Recipient" and a "Status" row (Failed,
/// Pending, Delivered, ...), then the message events, a failure's "Fail" event with the same
/// `{LED=...}` last error. Or as PowerShell prints them (Microsoft Learn, Get-MessageTraceV2
/// and Get-MessageTraceDetailV2): the trace as a table whose columns include RecipientAddress
/// and Status, or as a list ("RecipientAddress : ..."), and the details as a list of events
/// ("Event : Defer", "Event : Fail", each "Detail : Reason: [{LED=...}]"); the last event
/// decides. Returns the recipient, the action and the last error.
fn trace_details(text: &str) -> Option<(String, &'static str, String)> {
    if !text.contains("{LED=") {
        return None;
    }
    // A row's value beside its label, or, as the details panel copies, on the next line under
    // a label that stands alone ("Recipient" / "p@b.example").
    let lines: Vec<&str> = text.lines().take(MAX_LINES).collect();
    let row = |name: &str| {
        lines.iter().enumerate().find_map(|(i, l)| {
            let rest = l.trim_start().strip_prefix(name)?;
            if rest.trim().is_empty() {
                return lines
                    .get(i + 1)
                    .map(|v| v.trim())
                    .filter(|v| !v.is_empty() && !v.contains('\t'));
            }
            rest.starts_with(['\t', ' ', ':'])
                .then(|| rest.trim_start_matches([':', ' ', '\t']).trim())
        })
    };
    let recipient = row("Recipient")
        .or_else(|| row("RecipientAddress"))
        .and_then(|r| {
            let &(s, e) = scan::addresses(r).first()?;
            Some(r[s..e].to_ascii_lowercase())
        })
        .or_else(|| table_recipient(text))
        .or_else(|| command_recipient(text))?;
    let action = match row("Status").map(str::to_ascii_lowercase).as_deref() {
        Some("failed") => "failed",
        Some("pending" | "deferred" | "getting status") => "delayed",
        Some(_) => return None,
        None => last_event(text)?,
    };
    Some((
        recipient,
        action,
        last_error(&text[text.rfind("{LED=")?..])?.to_string(),
    ))
}

/// The recipient of a message trace printed as a PowerShell table: the address in the data row
/// that starts in the RecipientAddress column of the header line above it.
fn table_recipient(text: &str) -> Option<String> {
    let mut lines = text.lines().take(MAX_LINES);
    while let Some(line) = lines.by_ref().next() {
        let Some(col) = line.find("RecipientAddress") else {
            continue;
        };
        // The header names the columns only (the command above it may name addresses).
        if !line.contains("SenderAddress") || line.contains('@') {
            continue;
        }
        let row = lines
            .by_ref()
            .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('-'))?;
        let &(s, e) = scan::addresses(row)
            .iter()
            .find(|&&(s, _)| s.abs_diff(col) <= 1)?;
        return Some(row[s..e].to_ascii_lowercase());
    }
    None
}

/// The recipient the trace command itself names ("Get-MessageTraceV2 ... -RecipientAddress
/// a@b.example"), when the table's row was wrapped away from its column.
fn command_recipient(text: &str) -> Option<String> {
    let at = text.find("Get-MessageTrace")?;
    let mut end = (at + 600).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let command = &text[at..end];
    let rest = &command[command.find("-RecipientAddress")? + "-RecipientAddress".len()..];
    let &(s, e) = scan::addresses(rest).first()?;
    Some(rest[s..e].to_ascii_lowercase())
}

/// The action of the last event of a message trace's details listed by PowerShell ("Event :
/// Fail", "Event : Defer"); None when the last event is neither.
fn last_event(text: &str) -> Option<&'static str> {
    let last = text
        .lines()
        .take(MAX_LINES)
        .filter_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("event")
                .then(|| value.trim())
        })
        .last()?;
    match last.to_ascii_lowercase().as_str() {
        "fail" => Some("failed"),
        "defer" => Some("delayed"),
        _ => None,
    }
}

/// The last error a status names: "LED=" up to the end of its braces.
fn last_error(status: &str) -> Option<&str> {
    let rest = &status[status.find("LED=")? + 4..];
    let end = rest
        .find("};")
        .or_else(|| rest.find('}'))
        .unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// A status that is the remote server's reply itself, without the "LED=" label: "{550 5.7.64
/// TenantAttribution; Relay Access Denied [...]}" (the RecipientStatus field holds "the SMTP
/// response code", Microsoft Learn, "Search message tracking logs"): the braces are
/// PowerShell's. Only when it opens with a reply code (RFC 5321 section 4.2).
fn bare_reply(status: &str) -> Option<&str> {
    let status = status.trim();
    let inner = status
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(status);
    let code = inner.get(..3)?;
    (code.bytes().all(|b| b.is_ascii_digit()) && matches!(code.as_bytes()[0], b'4' | b'5'))
        .then_some(inner.trim())
}

/// Whether the text holds tracking records of a failed or delayed delivery.
pub(super) fn is_records(text: &str) -> bool {
    if trace_details(text).is_some() || !queues(text).is_empty() {
        return true;
    }
    if !text.contains("EventId") || !text.contains("RecipientStatus") {
        return false;
    }
    records(text).iter().any(|r| {
        matches!(get(r, "EventId"), Some("FAIL" | "DEFER")) && get(r, "Recipients").is_some()
    })
}

/// The recipients of the records, added to `raws`; the log names only the server's internal
/// addresses, not the one the mail went out from.
pub(super) fn records_into(text: &str, raws: &mut Vec<Raw>) -> Option<String> {
    let mut last = LastRecords::default();
    if let Some((address, action, words)) = trace_details(text) {
        last.note(address, action, words);
        last.into_raws(raws);
        return None;
    }
    let queued = queues(text);
    if !queued.is_empty() {
        for (domain, words) in queued {
            last.note(domain, "delayed", words);
        }
        last.into_raws(raws);
        return None;
    }
    for record in records(text) {
        let action = match get(&record, "EventId") {
            Some("FAIL") => "failed",
            Some("DEFER") => "delayed",
            Some("SEND" | "DELIVER") => "delivered",
            _ => continue,
        };
        let Some(recipients) = get(&record, "Recipients") else {
            continue;
        };
        // "{a@b.example, c@d.example}": the braces are PowerShell's, not the addresses'.
        let recipients = recipients.replace(['{', '}', ','], " ");
        let words = get(&record, "RecipientStatus")
            .and_then(|status| last_error(status).or_else(|| bare_reply(status)))
            .unwrap_or_default()
            .to_string();
        for &(s, e) in scan::addresses(&recipients).iter() {
            let address = recipients[s..e].to_ascii_lowercase();
            last.note(address, action, words.clone());
        }
    }
    last.into_raws(raws);
    None
}

#[cfg(test)]
mod tests {
    use super::super::{BounceKind, Reason, analyze};

    #[test]
    fn a_queue_in_retry_is_a_delay_told_by_its_last_error() {
        let q = "Identity      : EX01\\12\nDeliveryType  : DnsConnectorDelivery\nNextHopDomain : b.example\nStatus        : Retry\nMessageCount  : 14\nLastError     : 451 4.4.0 Primary target IP address responded with: \"421 4.7.0 TLS required for RCPT domain, closing connection.\" The last endpoint attempted was 192.0.2.31:25\nRetryCount    : 37\n";
        let r = analyze(q.as_bytes());
        assert_eq!(r.kind, BounceKind::Delay);
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "b.example");
        assert!(
            r.recipients[0]
                .diagnostic
                .as_deref()
                .is_some_and(|d| d.contains("TLS required"))
        );
        // An empty queue is no delay.
        let empty = q.replace("MessageCount  : 14", "MessageCount  : 0");
        assert_ne!(analyze(empty.as_bytes()).kind, BounceKind::Delay);
    }

    const FAIL: &str = "RunspaceId              : 6d1f0c2e\nTimestamp               : 3/11/2026 2:17:44 PM\nClientIp                : 192.168.1.10\nServerHostname          : mx.b.example\nEventId                 : FAIL\nRecipients              : {billing@b.example}\nRecipientStatus         : {[{LRT=};{LED=554 5.7.1 Service unavailable; Client host [192.0.2.40] blocked using\n                          zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.40};{FQDN=mx.b.example};{IP=192.0.2.60}]}\nTotalBytes              : 48213\nMessageSubject          : March statement\nSender                  : frontdesk@a.example\n";

    #[test]
    fn a_tracking_log_failure_is_read_with_the_remote_servers_last_error() {
        let r = analyze(FAIL.as_bytes());
        assert_eq!(r.kind, BounceKind::Bounce);
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "billing@b.example");
        assert_eq!(r.recipients[0].reason, Reason::Blocked);
        assert!(
            r.recipients[0]
                .diagnostic
                .as_deref()
                .is_some_and(|d| d.contains("blocked using zen.spamhaus.org")),
            "{:?}",
            r.recipients[0].diagnostic
        );
        // The admin center's message trace details of the same failure.
        let details = "Message trace details\n\nSender\ta@a.example\nRecipient\tbilling@b.example\nSubject\tMarch statement\nStatus\tFailed\n\nMessage events\n16/11/2026, 09:41\tFail\tReason: [{LED=554 Service unavailable; Client host [192.0.2.45] blocked using Barracuda Reputation};{FQDN=mx1.b.example};{IP=192.0.2.25}]\n";
        let r = analyze(details.as_bytes());
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "billing@b.example");
        assert_eq!(r.recipients[0].reason, Reason::Blocked);
        // The details panel copied with each label on a line of its own, its value below it.
        let panel = details
            .replace("Sender\t", "Sender\n")
            .replace("Recipient\t", "Recipient\n")
            .replace("Subject\t", "Subject\n")
            .replace("Status\t", "Status\n");
        let r = analyze(panel.as_bytes());
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "billing@b.example");
        assert_eq!(r.recipients[0].reason, Reason::Blocked);
        // A status that is the reply itself, without "LED=".
        let bare = "EventId                 : FAIL\nRecipients              : {einkauf@c.example}\nRecipientStatus         : {550 5.7.64 TenantAttribution; Relay Access Denied [AM4PEPF0002A1B3.eurprd04.prod.outlook.com]}\nSender                  : j@a.example\n";
        let r = analyze(bare.as_bytes());
        assert!(
            r.recipients[0]
                .diagnostic
                .as_deref()
                .is_some_and(|d| d.starts_with("550 5.7.64 TenantAttribution")
                    && d.ends_with("outlook.com]")),
            "{:?}",
            r.recipients[0].diagnostic
        );
        // PowerShell's message trace table and its details listed: the last event decides.
        let v2 = "PS> Get-MessageTraceV2 -SenderAddress a@a.example -RecipientAddress o@t.example\n\nReceived            SenderAddress  RecipientAddress  Subject  Status\n--------            -------------  ----------------  -------  ------\n12-5-2026 07:31:04  a@a.example    o@t.example       Order    Failed\n\nDate   : 12-5-2026 07:31:09\nEvent  : Defer\nDetail : Reason: [{LED=450 4.4.316 Connection refused};{FQDN=mail.t.example}]\n\nDate   : 13-5-2026 07:32:15\nEvent  : Fail\nDetail : Reason: [{LED=550 5.4.316 Message expired, connection refused};{FQDN=mail.t.example}]\n";
        let r = analyze(v2.as_bytes());
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "o@t.example");
        assert!(
            r.recipients[0]
                .diagnostic
                .as_deref()
                .is_some_and(|d| d.starts_with("550 5.4.316 Message expired")),
            "{:?}",
            r.recipients[0].diagnostic
        );
        // A delivery only: no records of a problem.
        assert!(!super::is_records(&FAIL.replace("FAIL", "SEND")));
    }
}
