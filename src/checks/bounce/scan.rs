//! Byte-level scanning of bounce text: addresses, SMTP reply codes, enhanced status codes, the
//! failed-recipient blocks of plain-text bounces, and where a returned message starts.

use crate::vocab::tables::bounce::reader::STAGES;

/// Lines scanned in one text.
const MAX_LINES: usize = 5000;
/// Lines one recipient's block may span.
const MAX_BLOCK_LINES: usize = 30;
/// Addresses collected from one text.
const MAX_ADDRESSES: usize = 100;

fn is_local_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b)
}

fn is_domain_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'.'
}

/// The e-mail addresses in `s`, in order, as (start, end) byte ranges. An address needs a dot in
/// its domain (or to be bracketed as `<x@y>`).
pub fn addresses(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() && out.len() < MAX_ADDRESSES {
        if b[i] != b'@' {
            i += 1;
            continue;
        }
        let mut start = i;
        while start > 0 && is_local_char(b[start - 1]) && i - start < 128 {
            start -= 1;
        }
        while start < i && b[start] == b'.' {
            start += 1;
        }
        let mut end = i + 1;
        while end < b.len() && is_domain_char(b[end]) && end - i < 256 {
            end += 1;
        }
        while end > i + 1 && (b[end - 1] == b'.' || b[end - 1] == b'-') {
            end -= 1;
        }
        // An address written in single quotes ('a@b.example', as Outlook's send-error window
        // quotes it): the quote is no part of it, though RFC 5322's atext allows one.
        while start < i && b[start] == b'\'' && b.get(end) == Some(&b'\'') {
            start += 1;
        }
        let domain = &b[i + 1..end];
        let bracketed = start > 0 && b[start - 1] == b'<' && b.get(end) == Some(&b'>');
        // A URL's path that holds an `@` ("https://host/admin/list@host/bounce") is no address:
        // its "local part" starts with the scheme's "//" and runs over the path.
        let url_path = b[start..i].starts_with(b"//");
        if start < i && !url_path && !domain.is_empty() && (domain.contains(&b'.') || bracketed) {
            out.push((start, end));
        }
        i = end.max(i + 1);
    }
    out
}

/// The first SMTP failure reply code in `s` (4xx/5xx: three digits standing alone), or the first
/// 2xx when there is none. A bounce reports a failure (RFC 3464 2.3.3; RFC 5321 4.2.1: 2yz is a
/// positive completion), so a 2yz before it is a transcript line ("250 2.1.5 Ok" before the
/// "451 4.3.0" that failed) or a number in the text, not the reply that decided.
pub fn reply_code(s: &str) -> Option<u16> {
    let b = s.as_bytes();
    let mut positive: Option<u16> = None;
    let mut i = 0;
    while i + 3 <= b.len() {
        let c = &b[i..i + 3];
        if matches!(c[0], b'2' | b'4' | b'5')
            && matches!(c[1], b'0'..=b'5')
            && c[2].is_ascii_digit()
        {
            let before = i.checked_sub(1).map(|j| b[j]);
            let after = b.get(i + 3).copied();
            let spaced_colon = before == Some(b':') && i >= 2 && b[i - 2] == b' ';
            let ok_before = spaced_colon
                || before.is_none_or(|x| !(x.is_ascii_alphanumeric() || b".:-/,_@+=".contains(&x)));
            let ok_after = after.is_none_or(|x| {
                matches!(
                    x,
                    b' ' | b'-' | b'\n' | b'\t' | b')' | b']' | b';' | b'\'' | b'"' | b':' | b','
                )
            });
            let ok_after = ok_after
                && !(after == Some(b'-')
                    && b.get(i + 4)
                        .is_some_and(|x| x.is_ascii_digit() && b.get(i + 5) != Some(&b'.')));
            // A size as a mail program shows an attachment ("Report.eml (214 kB)") is no reply.
            let size = after == Some(b' ') && {
                let unit: Vec<u8> = b[i + 4..]
                    .iter()
                    .take_while(|x| x.is_ascii_alphabetic())
                    .map(u8::to_ascii_lowercase)
                    .collect();
                matches!(
                    unit.as_slice(),
                    b"kb" | b"mb" | b"gb" | b"kib" | b"mib" | b"bytes" | b"octets" | b"ko" | b"mo"
                )
            };
            if ok_before && ok_after && !size {
                let code = u16::from(c[0] - b'0') * 100
                    + u16::from(c[1] - b'0') * 10
                    + u16::from(c[2] - b'0');
                if c[0] != b'2' {
                    return Some(code);
                }
                positive = positive.or(Some(code));
            }
            i += 3;
            continue;
        }
        i += 1;
    }
    positive
}

/// The first enhanced status code (RFC 3463) in `s`: `[245].d{1,3}.d{1,3}` standing alone.
pub fn status(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut i = 0;
    while i + 5 <= b.len() {
        if matches!(b[i], b'2' | b'4' | b'5') && b[i + 1] == b'.' {
            let before = i.checked_sub(1).map(|j| b[j]);
            // A version number is no status: "X-Mailer: szn-email-5.0.198",
            // "Thunderbird/5.0.1" (a '-' after a reply code is a multiline reply's:
            // "550-5.7.1").
            let version = matches!(before, Some(b'-' | b'/'))
                && i.checked_sub(2)
                    .is_some_and(|j| b[j].is_ascii_alphabetic() || b[j] == b'_');
            if version || before.is_some_and(|x| x.is_ascii_alphanumeric() || x == b'.') {
                i += 1;
                continue;
            }
            let mut j = i + 2;
            let d1 = j;
            while j < b.len() && b[j].is_ascii_digit() && j - d1 < 4 {
                j += 1;
            }
            if j > d1 && j - d1 <= 3 && b.get(j) == Some(&b'.') {
                let d2 = j + 1;
                let mut k = d2;
                while k < b.len() && b[k].is_ascii_digit() && k - d2 < 4 {
                    k += 1;
                }
                let after = b.get(k).copied();
                let after_ok = after.is_none_or(|x| !(x.is_ascii_alphanumeric() || x == b'.'))
                    || (after == Some(b'.') && !b.get(k + 1).is_some_and(|x| x.is_ascii_digit()));
                if k > d2 && k - d2 <= 3 && after_ok {
                    return s.get(i..k).map(str::to_string);
                }
            }
        }
        i += 1;
    }
    None
}

/// Every enhanced status code in `s` (at most 8), in order.
pub fn statuses(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while out.len() < 8 {
        let Some(st) = status(rest) else { break };
        let Some(i) = rest.find(st.as_str()) else {
            break;
        };
        rest = rest.get(i + st.len()..).unwrap_or("");
        out.push(st);
    }
    out
}

/// Lines that mark where the returned message starts in plain-text bounces (lowercase).
static ORIGINAL_MARKERS: &[&str] = &[
    "below this line is a copy of the message",
    "this is a copy of the message",
    "original message",
    "original-message",
    "the header of the original message",
    "the original message was",
    "returned message follows",
    "message headers follow",
    "unsent message below",
    "undelivered message headers",
    "headers of your message",
    "original message headers",
    // The same heading of Exchange's NDR in its other languages (Microsoft's NDR reference in
    // German and Italian, "Ursprüngliche Nachrichtenkopfzeilen", "Intestazioni originali del
    // messaggio"; in Spanish "Información de diagnóstico para administradores" then
    // "encabezados del mensaje original"; Sisimai's Exchange readers for French, Portuguese
    // and Dutch).
    "ursprüngliche nachrichtenkopfzeilen",
    "encabezados del mensaje original",
    "intestazioni originali del messaggio",
    "en-têtes de message d'origine",
    "cabeçalhos originais da mensagem",
    "oorspronkelijke berichtkoppen",
    "message header follows",
    "copy of the original",
    "the text you sent follows",
    "headers of the original",
    "your message reads",
    "returned mail follows",
    "message that could not be delivered",
    "original mail header",
    "message text follows",
    "unsent message follows",
    "message follows",
    // SpamCop's report: "Offending message:" (or "[ Offending message ]") above the reported
    // message (SpamCop FAQ, "What does a SpamCop report look like?").
    "offending message",
    // cPanel BoxTrapper's challenge ("The headers of the message sent from your address are
    // shown below:", its verify template) above the held message's header.
    "headers of the message sent from your address",
];

/// Whether text (the lines pasted above a header) can be a report's own words: it has an
/// enhanced status code (RFC 3463), an SMTP reply code of a failure written as a server writes
/// it (RFC 5321 4.2: three digits, then a space or a hyphen; 4xx or 5xx), or a line that marks
/// a returned message in a plain-text bounce, or a challenge-response request's subject. A customer's words above a pasted header ("here
/// are the headers you asked for") are none of these.
pub fn may_be_report_words(text: &str) -> bool {
    if status(text).is_some() {
        return true;
    }
    let lower = text.to_ascii_lowercase();
    if ORIGINAL_MARKERS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    // A challenge-response request's subject as a mail program shows it above the header it
    // quotes (BoxTrapper's `verify#<id>`, `challenge`).
    if lower
        .split_whitespace()
        .any(|w| w.starts_with("verify#") && w.len() > "verify#".len())
    {
        return true;
    }
    let b = lower.as_bytes();
    (0..b.len().saturating_sub(3)).any(|i| {
        matches!(b[i], b'4' | b'5')
            && b[i + 1].is_ascii_digit()
            && b[i + 2].is_ascii_digit()
            && matches!(b[i + 3], b' ' | b'-')
            && (i == 0 || matches!(b[i - 1], b' ' | b':' | b'\t' | b'\n' | b'(' | b'"'))
    })
}

/// Whether `s` starts with a `hh:mm:ss` time.
fn log_time(s: &[u8]) -> bool {
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    s.len() >= 8
        && digits(&s[0..2])
        && s[2] == b':'
        && digits(&s[3..5])
        && s[5] == b':'
        && digits(&s[6..8])
}

/// Whether `s` starts with a `yyyy-mm-dd ` date and its space.
fn log_date(s: &[u8]) -> bool {
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    s.len() >= 11
        && digits(&s[0..4])
        && s[4] == b'-'
        && digits(&s[5..7])
        && s[7] == b'-'
        && digits(&s[8..10])
        && s[10] == b' '
}

/// Whether a line starts a dated log record, as the session transcripts and logs that bounces
/// carry write them (white space before it allowed): syslog's `Mmm dd hh:mm:ss` (RFC 3164
/// 4.1.2), Exim's `yyyy-mm-dd hh:mm:ss` (its log lines), MDaemon's `Www yyyy-mm-dd
/// hh:mm:ss.mmm:` (its session transcripts), Kerio Connect's `[dd/Mon/yyyy hh:mm:ss]` (its mail
/// log, `bounce::kerio_log`).
fn log_record_start(line: &str) -> bool {
    let t = line.trim_start_matches([' ', '\t']).as_bytes();
    let (date, time) = (log_date, log_time);
    if t.len() >= 22
        && t[0] == b'['
        && t[1..3].iter().all(u8::is_ascii_digit)
        && t[3] == b'/'
        && t[4..7].iter().all(u8::is_ascii_alphabetic)
        && t[7] == b'/'
        && t[8..12].iter().all(u8::is_ascii_digit)
        && t[12] == b' '
        && time(&t[13..])
        && t[21] == b']'
    {
        return true;
    }
    // hMailServer: the writing part in quotes ("SMTPC", "APPLICATION", ...), then the thread's
    // number (`hmail_log`).
    if t.first() == Some(&b'"')
        && let Some(close) = t[1..].iter().take(16).position(|&b| b == b'"')
        && close >= 4
        && t[1..=close].iter().all(u8::is_ascii_uppercase)
        && t.get(close + 2).is_some_and(|b| *b == b'\t' || *b == b' ')
        && t[close + 2..]
            .iter()
            .find(|b| **b != b'\t' && **b != b' ')
            .is_some_and(u8::is_ascii_digit)
    {
        return true;
    }
    let word =
        |s: &[u8]| s.len() >= 4 && s[..3].iter().all(u8::is_ascii_alphabetic) && s[3] == b' ';
    // Exim.
    if date(t) && time(&t[11..]) {
        return true;
    }
    if !word(t) {
        return false;
    }
    let rest = &t[4..];
    // MDaemon.
    if date(rest) && time(&rest[11..]) {
        return true;
    }
    // Syslog: the day is two characters, space-padded.
    rest.len() >= 12
        && (rest[0] == b' ' || rest[0].is_ascii_digit())
        && rest[1].is_ascii_digit()
        && rest[2] == b' '
        && time(&rest[3..])
}

/// Log records hard-wrapped onto the lines below them (a bounce or log pasted into a mail
/// program that wraps long lines): where a text has three dated records or more
/// (`log_record_start`), a line right below a record that is not blank, not a record, not a
/// MIME boundary or marker (`--`) and not a header field's start is the record's rest, and is
/// joined to it with a space. Each record grows to at most 2,000 bytes. With the text, when
/// lines were joined: the 1-based line of the input of each line of the text.
pub fn rejoin_log_records(text: String) -> (String, Option<Vec<usize>>) {
    if text.lines().filter(|l| log_record_start(l)).take(3).count() < 3 {
        return (text, None);
    }
    let mut lines: Vec<usize> = Vec::new();
    let field_start = |l: &str| {
        let name = l.split(':').next().unwrap_or("");
        l.contains(':')
            && !name.is_empty()
            && name.len() < 40
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let mut out = String::with_capacity(text.len());
    let mut record: Option<usize> = None;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let body = line.trim_end_matches(['\r', '\n']);
        if log_record_start(body) {
            record = Some(out.len());
            out.push_str(line);
            lines.push(n + 1);
            continue;
        }
        // A failure record's SMTP command cut after its verb ("... after MAIL" / "FROM:<a@b>
        // SIZE=...: 550 ...", RFC 5321 4.1.1.2: "MAIL FROM:") goes on on the next line, which
        // only looks like a header field. (A transcript's "RCPT" / "To:<address>" stays apart:
        // its address line heads the recipient's listing.)
        let command_rest = {
            use crate::vocab::text::{ends_with_ci, starts_with_ci};
            ends_with_ci(out.trim_end_matches('\n'), " mail")
                && starts_with_ci(body.trim_start(), "from:")
        };
        let joins = !body.trim().is_empty()
            && !body.starts_with("--")
            && (command_rest || !field_start(body))
            && record.is_some_and(|start| out.len() - start < 2_000);
        if joins && out.ends_with('\n') {
            out.pop();
            out.push(' ');
            out.push_str(body.trim_start());
            out.push_str(&line[body.len()..]);
        } else {
            record = None;
            out.push_str(line);
            lines.push(n + 1);
        }
    }
    let joined = lines.len() < text.split_inclusive('\n').count();
    (out, joined.then_some(lines))
}

/// Where a returned message starts in plain text after a marker line: the byte offsets of the
/// marker line and of the message's first header line. None when absent.
pub fn original_start(text: &str) -> Option<(usize, usize)> {
    let mut pos = 0;
    let mut lines = 0;
    let mut after_marker = false;
    let mut marker = 0;
    while pos < text.len() && lines < MAX_LINES {
        lines += 1;
        let end = text[pos..]
            .find('\n')
            .map(|i| pos + i)
            .unwrap_or(text.len());
        let line = &text[pos..end];
        let t = line.trim();
        if after_marker {
            if !t.is_empty() {
                if looks_like_header(line) {
                    if !program_summary(&text[pos..]) {
                        return Some((marker, pos));
                    }
                    // A mail program's summary of a forwarded or quoted message (Outlook's
                    // "-----Original Message-----" then From, Sent, To, Subject): the
                    // notice the customer forwarded, not the message it returns.
                    after_marker = false;
                    pos = end + 1;
                    continue;
                }
                // An mbox separator above the returned header (RFC 4155 "From " line, as
                // BoxTrapper quotes the held message) is no line of it.
                if !t.starts_with('-')
                    && !t.starts_with('=')
                    && !t.starts_with('*')
                    && !crate::parse::input::mbox_line(t)
                {
                    after_marker = false;
                }
            }
        } else if t.len() < 120
            && t.len() > 6
            // Or a marker that is the whole line, a heading without punctuation over a trace
            // field (Exchange Online's NDR as Outlook shows it: "Original Message Headers" above
            // the header's Received fields).
            && ((ORIGINAL_MARKERS.iter().any(|m| t.eq_ignore_ascii_case(m))
                && text[(end + 1).min(text.len())..]
                    .lines()
                    .take(3)
                    .find(|l| !l.trim().is_empty())
                    .is_some_and(|l| crate::vocab::text::starts_with_ci(l, "received: from ")))
                || t.starts_with(['-', '=', '*', '['])
                || t.ends_with([':', '-'])
                || crate::vocab::text::ends_with_ci(t, "follows")
                || crate::vocab::text::ends_with_ci(t, "follows.")
                || crate::vocab::text::ends_with_ci(t, "follow.")
                || crate::vocab::text::ends_with_ci(t, "follow")
                || crate::vocab::text::ends_with_ci(t, "below."))
        {
            let lower = t.to_ascii_lowercase();
            // A heading in any language ("Hlavičky původní zprávy:", Exchange's localized
            // "Original message headers:") over a header that starts with a trace field: a
            // returned message's header starts with its Received fields (RFC 5321 section 4.4),
            // which no notice's own text does.
            let trace_below = t.ends_with(':')
                && text[(end + 1).min(text.len())..]
                    .lines()
                    .take(3)
                    .find(|l| !l.trim().is_empty())
                    .is_some_and(|l| crate::vocab::text::starts_with_ci(l, "received: from "));
            if trace_below || ORIGINAL_MARKERS.iter().any(|m| lower.contains(m)) {
                after_marker = true;
                marker = pos;
            }
        }
        pos = end + 1;
    }
    None
}

/// Where a returned message's header starts right after a delivery report's per-recipient
/// fields, in a report whose parts were flattened into one text (a mail program's forward or
/// print of an RFC 6522 multipart/report shows the human-readable part, the RFC 3464 fields and
/// the returned message or its header one after the other, without their MIME boundaries): the
/// paragraph after the last group of fields, when it is a message header (it holds a trace or
/// identity field no delivery report has: Received, Return-Path, Message-ID, DKIM-Signature).
/// The byte offset of that paragraph; None when the fields are not followed by one.
pub fn original_after_dsn_fields(text: &str) -> Option<usize> {
    const MESSAGE_FIELDS: [&str; 4] = ["received", "return-path", "message-id", "dkim-signature"];
    let name_of = |line: &str| {
        line.split_once(':')
            .map(|(n, _)| n.trim_end().to_ascii_lowercase())
            .filter(|n| !n.is_empty() && !n.contains(char::is_whitespace))
    };
    let mut lines = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n').take(MAX_LINES) {
        lines.push((pos, line.trim_end_matches(['\r', '\n'])));
        pos += line.len();
    }
    let last = lines
        .iter()
        .rposition(|(_, l)| name_of(l).is_some_and(|n| n == "final-recipient"))?;
    // The report's fields run on (continuation lines, extension fields, further recipients'
    // groups after blank lines) to the first paragraph that opens with anything else.
    let mut i = last;
    loop {
        while i < lines.len()
            && !lines[i].1.trim().is_empty()
            && (lines[i].1.starts_with([' ', '\t']) || name_of(lines[i].1).is_some())
        {
            i += 1;
        }
        if i < lines.len() && !lines[i].1.trim().is_empty() {
            return None;
        }
        while i < lines.len() && lines[i].1.trim().is_empty() {
            i += 1;
        }
        let opens_group = lines
            .get(i)
            .and_then(|(_, l)| name_of(l))
            .is_some_and(|n| super::DSN_FIELDS.contains(&n.as_str()) || n.starts_with("x-"));
        if !opens_group || i >= lines.len() {
            break;
        }
        i += 1;
    }
    let start = lines.get(i)?;
    if !looks_like_header(start.1) {
        return None;
    }
    lines[i..]
        .iter()
        .take(200)
        .take_while(|(_, l)| !l.trim().is_empty())
        .any(|(_, l)| {
            name_of(l).is_some_and(|n| MESSAGE_FIELDS.contains(&n.as_str()))
                && !l.starts_with([' ', '\t'])
        })
        .then_some(start.0)
}

/// Whether the lines from the start of `text` are a mail program's summary of a forwarded or
/// quoted message (`input::program_summary_at`), not a message header.
fn program_summary(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().take(12).collect();
    crate::parse::input::program_summary_at(&lines, 0).is_some()
}

/// Whether a line looks like a header field line (`Name: value`) of a returned message.
pub fn looks_like_header(line: &str) -> bool {
    let Some(colon) = line.find(':') else {
        return false;
    };
    let name = &line[..colon];
    !name.is_empty()
        && name.len() < 40
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && (name.contains('-') || KNOWN_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h)))
}

static KNOWN_HEADERS: &[&str] = &[
    "received",
    "from",
    "to",
    "subject",
    "date",
    "cc",
    "sender",
    "references",
    "bcc",
];

/// A failed recipient found in plain text: its address, and the byte range of its block.
#[derive(Debug)]
pub struct Block {
    pub address: String,
    pub start: usize,
    pub end: usize,
}

/// Line prefixes (lowercase, trimmed) after which an address starts a recipient block.
static HEAD_PREFIXES: &[&str] = &[
    "to:",
    "recipient:",
    "recipients:",
    "address:",
    "rcpt to:",
    "failed recipient:",
    "original recipient:",
    "final-recipient:",
    "final recipient:",
    "original-recipient:",
    "<",
    "(",
    "failed address:",
    "email:",
    "recipient address:",
    "unknown address:",
    "undeliverable address:",
    "destinataire :",
    "empfänger:",
    "to",
    "failed to deliver to",
    "could not be delivered to",
    "delivery to",
    "your message to",
    "was not delivered to",
    "failed:",
    "user",
];

/// Whether a line is a MIME boundary delimiter (RFC 2046 section 5.1.1: "--" then the
/// boundary, at most 70 characters of no white space; not a line of dashes alone).
fn mime_delimiter(line: &str) -> bool {
    let line = line.trim_end();
    line.strip_prefix("--").is_some_and(|b| {
        !b.is_empty()
            && b.len() <= 72
            && !b.trim_end_matches('-').is_empty()
            && !b.chars().any(char::is_whitespace)
    })
}

/// The recipient blocks of a plain-text bounce. `skip` holds addresses (lowercase) that are not
/// recipients (the bounce's sender and addressee).
pub fn blocks(text: &str, skip: &[String]) -> Vec<Block> {
    let mut heads: Vec<(String, usize)> = Vec::new();
    let mut pos = 0;
    let mut lines = 0;
    while pos < text.len() && lines < MAX_LINES {
        lines += 1;
        let end = text[pos..]
            .find('\n')
            .map(|i| pos + i)
            .unwrap_or(text.len());
        let line = &text[pos..end];
        if let Some(&(s, e)) = addresses(line).first() {
            let prefix = line[..s].trim().to_ascii_lowercase();
            let prefix = prefix.trim_end_matches(['<', '"', '\'', ' ']).trim_end();
            // A session transcript's line read without its time stamp and marker (MDaemon's
            // "Tue 2027-01-12 14:21:36: *  Message-ID: <...>").
            let prefix = match mdaemon_stamp(prefix) {
                Some(n) => prefix[n..].trim_start_matches(['*', ' ']),
                None => prefix,
            };
            let head = prefix.is_empty()
                || HEAD_PREFIXES
                    .iter()
                    .any(|p| prefix == *p || (p.len() > 3 && prefix.ends_with(p)))
                || prefix.ends_with("rfc822;")
                // Postfix's bounce names a recipient that an alias expanded as "<final>
                // (expanded from <original>): reason" (bounce(8), bounce_notify_util.c); the
                // original is the address the sender wrote, and stands for the line when the
                // final one was blanked out before pasting.
                || (prefix.starts_with('<') && prefix.ends_with("(expanded from"))
                || prefix.ends_with("to:")
                || prefix.ends_with(" to")
                || (prefix.ends_with(':') && prefix.len() < 40)
                || (prefix.len() == 3 && reply_code(prefix).is_some());
            let addr = line[s..e].to_ascii_lowercase();
            // A JSON record's key without its quotes ("envelope_from": "a@b" is a sender).
            let bare = prefix.replace(['"', '\''], "");
            let prefix_k = bare.trim();
            let excluded = skip.contains(&addr)
                || prefix_k.starts_with("from")
                // A sender named after a label that ends in "From:" (an SMTP "MAIL FROM:<a@b>",
                // "Envelope-From:"); MDaemon's stamped "*  From:" lines lose their stamp above.
                || prefix_k.ends_with("from:")
                // Postfix's log names the envelope sender "from=<a@b>" (and the recipient
                // "to=<c@d>").
                || prefix_k.ends_with("from=")
                || prefix_k.starts_with("return-path")
                || prefix_k.starts_with("reply-to")
                || prefix_k.starts_with("sender")
                // The sender's address as an NDR's localized "Original Message Details" labels it
                // ("Dirección del remitente:", "Endereço do remetente:", "Absenderadresse:",
                // "Adresse de l'expéditeur :", "Indirizzo mittente:", "Adres van afzender:").
                || ["remitente", "remetente", "absender", "expéditeur", "mittente", "afzender"]
                    .iter()
                    .any(|w| prefix_k.contains(w))
                || prefix_k.starts_with("message-id")
                || prefix_k.starts_with("in-reply-to")
                || prefix_k.starts_with("references")
                || prefix_k.starts_with("original-envelope-id")
                // Exim's X-Failed-Recipients header names the failed addresses, comma
                // separated (Exim's specification, "Bounce and delay messages"): the reasons
                // are in the listing of the text, not after the header's first address.
                || prefix_k.starts_with("x-failed-recipients")
                || prefix_k.starts_with("x-original-message-id")
                || id_like(&addr)
                || addr.starts_with("mailer-daemon@")
                || outlook_task_account(&line[e..]);
            if head && !excluded && heads.len() < MAX_ADDRESSES {
                heads.push((addr, pos));
            }
        }
        pos = end + 1;
    }
    // Where the text from `start` ends at `end` or after MAX_BLOCK_LINES lines, whichever
    // comes first; or before a MIME boundary delimiter line (RFC 2046 section 5.1.1: "--"
    // and the boundary, no white space in it), which ends the body part the listing is in.
    let clipped = |start: usize, end: usize| {
        let mut p = start;
        let mut n = 0;
        while p < end && n < MAX_BLOCK_LINES {
            let next = text[p..end].find('\n').map(|x| p + x + 1).unwrap_or(end);
            if n > 0 && mime_delimiter(&text[p..next]) {
                return p;
            }
            p = next;
            n += 1;
        }
        p.min(end)
    };
    // Nor is a delivery status field ("Final-Recipient: rfc822; <address>", RFC 3464 section
    // 2.3) a listing to take words from: its status is read from the fields, the words from
    // the text.
    let dsn_field = |j: usize| {
        let line = text[heads[j].1..].lines().next().unwrap_or("");
        line.to_ascii_lowercase().contains("rfc822;")
    };
    // A head that is the server's reply itself ("550 <address>: User unknown", Gmail's
    // "The response was:" paragraph, Sendmail's transcript line) answers the listing above
    // it, and is no listing of its own.
    let reply_line = |j: usize| {
        let line = text[heads[j].1..].lines().next().unwrap_or("").trim_start();
        line.as_bytes().first().is_some_and(u8::is_ascii_digit)
            && reply_code(line).is_some_and(|c| c >= 400)
    };
    // The lines from head `i` to the next listing: a head of another address, or one of the
    // same address after a blank line that is not the reply itself (a head inside the same
    // paragraph, such as Exim's "SMTP error ... after RCPT TO:<address>:", belongs to this
    // listing); at most MAX_BLOCK_LINES.
    let own = |i: usize| {
        let (addr, start) = (&heads[i].0, heads[i].1);
        let next = (i + 1..heads.len())
            .find(|&j| {
                let (a, p) = &heads[j];
                a != addr
                    || !reply_line(j)
                        && text
                            .get(start..*p)
                            .is_some_and(|t| t.contains("\n\n") || t.contains("\n \n"))
            })
            .map_or(text.len(), |j| heads[j].1);
        text.get(start..clipped(start, next)).unwrap_or("")
    };
    let refusal = |t: &str| {
        reply_code(t).is_some_and(|c| c >= 400)
            || status(t).is_some_and(|s| s.starts_with(['4', '5']))
    };
    let mut out: Vec<Block> = Vec::new();
    for (first, (addr, _)) in heads.iter().enumerate() {
        if out.iter().any(|b| b.address == *addr) {
            continue;
        }
        // An address listed more than once (a list of the failed recipients, then each one's
        // details: Exchange's "Delivery is delayed to these recipients or groups:" above its
        // "Diagnostic information for administrators"): its block is the first listing that
        // carries a server's reply, else its first.
        let i = if refusal(own(first)) {
            first
        } else {
            (first + 1..heads.len())
                .find(|&j| {
                    heads[j].0 == *addr && !reply_line(j) && !dsn_field(j) && refusal(own(j))
                })
                .unwrap_or(first)
        };
        let (addr, start) = &heads[i];
        // The block runs to the next head naming another address, at most MAX_BLOCK_LINES.
        let next = heads
            .iter()
            .skip(i + 1)
            .find(|(a, _)| a != addr)
            .map(|(_, p)| *p)
            .unwrap_or(text.len());
        let end = clipped(*start, next);
        out.push(Block {
            address: addr.clone(),
            start: *start,
            end,
        });
    }
    out
}

/// Whether an address-like string is a Message-ID or an MTA's queue ID rather than a mailbox
/// (`20260102123456.12345@mx.example`, `u3ABC$1234567890@host`): a local part with ten digits
/// in a row and a `.`, `$` or `%`, as those IDs are built (a timestamp, a queue ID), which a
/// person's address does not have.
pub fn id_like(addr: &str) -> bool {
    let local = addr.split('@').next().unwrap_or("");
    let mut run = 0;
    let mut longest = 0;
    for b in local.bytes() {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest >= 10 && local.contains(['.', '$', '%'])
}

/// Whether an address is a mail system's own (mailer-daemon, postmaster).
pub fn is_daemon(addr: &str) -> bool {
    let local = addr.split('@').next().unwrap_or("");
    local.eq_ignore_ascii_case("mailer-daemon")
        || local.eq_ignore_ascii_case("postmaster")
        || local.eq_ignore_ascii_case("mail-daemon")
        || local.eq_ignore_ascii_case("mailerdaemon")
        || local.eq_ignore_ascii_case("post_master")
}

/// Whether `addr` is the Microsoft Exchange recipient: the fixed system mailbox Exchange's setup
/// creates in every organization (CN=MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e, in
/// Microsoft Learn's list of the Active Directory changes Exchange setup makes), which sends
/// its non-delivery reports ("Microsoft Outlook <MicrosoftExchange329e...@domain>") and receives
/// no mail, so it is never a failed recipient.
pub fn is_exchange_recipient(addr: &str) -> bool {
    addr.split('@').next().is_some_and(|l| {
        l.eq_ignore_ascii_case("microsoftexchange329e71ec88ae4615bbc36ab6ce41109e")
    })
}

/// The SMTP command a refusal answered, from the words around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// HELO, EHLO or the greeting.
    Connect,
    /// MAIL FROM.
    Mail,
    /// RCPT TO.
    Rcpt,
    /// DATA or end of data.
    Data,
}

/// The SMTP command named in `lower` (lowercased text), if any: from the words of an SMTP
/// transcript as each MTA lays it out (data/bounce/README.md: Postfix "in reply to RCPT TO
/// command" and "refused to talk to me", Exim "after RCPT TO", Sendmail ">>> DATA", qmail's
/// "... does not like recipient." / "... but sender was rejected."), or, with `wording`, also
/// from replies that are only given to RCPT TO ("invalid recipient"); the markers are
/// data/bounce/reader/stages.tsv.
pub fn command(lower: &str, wording: bool) -> Option<Command> {
    let of = |name: &str| match name {
        "connect" => Some(Command::Connect),
        "mail" => Some(Command::Mail),
        "rcpt" => Some(Command::Rcpt),
        "data" => Some(Command::Data),
        _ => None,
    };
    let find = |kind: &str| {
        STAGES
            .iter()
            .find(|[k, marker, _]| *k == kind && lower.contains(marker))
            .and_then(|[_, _, command]| of(command))
    };
    find("transcript").or_else(|| if wording { find("wording") } else { None })
}

/// Whether the text after an address closes Outlook's send/receive task label, "Task
/// 'account - Sending' reported error (0x800CCC79)" in every language ("Tarefa '... -
/// Enviando'", "Tâche '... - Envoi'"): the address is the customer's own account, not a
/// recipient.
pub(super) fn outlook_task_account(after: &str) -> bool {
    after.strip_prefix(" - ").is_some_and(|rest| {
        rest.find('\'')
            .is_some_and(|q| q > 0 && q <= 24 && !rest[..q].contains(char::is_whitespace))
            && rest.to_ascii_lowercase().contains("0x800ccc")
    })
}

/// The length of MDaemon's time stamp opening a transcript line ("Tue 2027-01-12 14:21:37:",
/// or with milliseconds, "Tue 2027-01-12 14:21:37.441:"), when the line has one.
fn mdaemon_stamp(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    let stamped = b.len() >= 24
        && b[..3].iter().all(u8::is_ascii_alphabetic)
        && b[3] == b' '
        && log_date(&b[4..])
        && log_time(&b[15..]);
    if !stamped {
        return None;
    }
    if b[23] == b':' {
        return Some(24);
    }
    (b.len() >= 28 && b[23] == b'.' && b[24..27].iter().all(u8::is_ascii_digit) && b[27] == b':')
        .then_some(28)
}

/// A line of an SMTP session transcript (Postfix marks the client's commands `In:` and the
/// server's replies `Out:`, smtpd_chat.c; Sendmail its commands `>>>` and the replies it
/// received `<<<`; PHPMailer's debug output, which WordPress mail plugins show, marks them
/// `CLIENT -> SERVER:` and `SERVER -> CLIENT:` after a `Y-m-d H:i:s` time, SMTP.php `edebug`;
/// markers read without regard to case).
pub enum Transcript<'a> {
    /// A command the client sent.
    Command,
    /// A reply: the first digit of its code (RFC 5321 4.2: three digits, then a space, a
    /// hyphen or the end of the line) and the reply from its code on.
    Reply(u8, &'a str),
}

/// `line` read as a transcript line; None for any other line (a reply marker without a code
/// too).
pub fn transcript_line(line: &str) -> Option<Transcript<'_>> {
    let t = line.trim_start();
    // PHPMailer's time stamp, "2026-12-02 08:14:02" then white space.
    let b = t.as_bytes();
    let stamped =
        b.len() >= 20 && log_date(b) && log_time(&b[11..]) && matches!(b[19], b' ' | b'\t');
    let t = if stamped { t[20..].trim_start() } else { t };
    // MDaemon's session transcript stamps each line "Tue 2027-01-12 14:21:37: " and marks the
    // client's commands `-->` and the server's replies `<--` (its SMTP session logs).
    let stamp = mdaemon_stamp(t);
    let mdaemon = stamp.is_some();
    let t = stamp.map_or(t, |n| t[n..].trim_start());
    let strip = |p: &str| {
        t.get(..p.len())
            .filter(|h| h.eq_ignore_ascii_case(p))
            .map(|_| &t[p.len()..])
    };
    // swaks marks what it sent `->` (`~>` inside TLS) and what the server replied `<-` (`<~`),
    // a reply it did not expect `<**` (`<~*`) (swaks's documentation, "the transaction"),
    // each opening the line (its commands after one space).
    if strip("in:").is_some()
        || strip(">>>").is_some()
        || strip("client -> server:").is_some()
        || (mdaemon && strip("-->").is_some())
        || strip("-> ").is_some()
        || strip("~> ").is_some()
    {
        return Some(Transcript::Command);
    }
    let reply = strip("out:")
        .or_else(|| strip("<<<"))
        .or_else(|| if mdaemon { strip("<--") } else { None })
        .or_else(|| strip("server -> client:"))
        .or_else(|| strip("<** "))
        .or_else(|| strip("<~* "))
        .or_else(|| strip("<-  "))
        .or_else(|| strip("<~  "))?
        .trim_start();
    let r = reply.as_bytes();
    let code = r.len() >= 3
        && matches!(r[0], b'2'..=b'5')
        && r[1..3].iter().all(u8::is_ascii_digit)
        && r.get(3)
            .is_none_or(|c| matches!(c, b' ' | b'-' | b'\r' | b'\n'));
    code.then(|| Transcript::Reply(r[0], reply))
}

/// `text` without the lines of an SMTP session transcript that cannot be a refusal: the
/// client's own commands (Postfix `In:`, Sendmail `>>>`) and the server's positive or
/// intermediate replies (`Out:` / `<<<` with a 2yz or 3yz code, RFC 5321 4.2.1), such as the
/// capability lines of an EHLO reply (`250-STARTTLS`, `250-AUTH PLAIN`: RFC 5321 4.1.1.1,
/// RFC 3207), which name features, not reasons; and the address lines of Microsoft's
/// "Original Message Details" block ("Sender Address: a@b", "Recipient Address: c@d", its
/// non-delivery reports since Exchange 2019 and Exchange Online), labels of the returned
/// message's summary, not a server's words about the sender. Borrowed when there is none.
pub fn without_chatter(text: &str) -> std::borrow::Cow<'_, str> {
    let chatter = |line: &str| match transcript_line(line) {
        Some(Transcript::Command) => true,
        Some(Transcript::Reply(class, _)) => matches!(class, b'2' | b'3'),
        None => {
            let t = line.trim_start();
            ["sender address:", "recipient address:"]
                .iter()
                .any(|label| {
                    t.get(..label.len())
                        .is_some_and(|h| h.eq_ignore_ascii_case(label))
                })
        }
    };
    if !text.split('\n').take(MAX_LINES).any(chatter) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if !chatter(line) {
            out.push_str(line);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The records of a JSON text whose every record carries `key` once (a sending service's
/// events or bounce records, pasted one or many): for each, the text from its `key` to the
/// next record's (where its own `key` is read) and the text its other keys are read from: the
/// whole text when there is one record (its keys come in any order, RFC 8259 section 4), else
/// that same span. At most `MAX_RECIPIENTS`.
pub fn keyed_records<'a>(text: &'a str, key: &str) -> Vec<(&'a str, &'a str)> {
    let pat = format!("\"{key}\"");
    let starts: Vec<usize> = text
        .match_indices(&pat)
        .map(|(i, _)| i)
        .take(super::MAX_RECIPIENTS)
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(n, &start)| {
            let end = starts.get(n + 1).copied().unwrap_or(text.len());
            let own = &text[start..end];
            (own, if starts.len() == 1 { text } else { own })
        })
        .collect()
}

/// The value of `"key":"value"` in JSON-like text (escapes kept as written), bounded.
pub fn json_str<'a>(s: &'a str, key: &str) -> Option<&'a str> {
    let pat = format!("\"{key}\"");
    let i = s.find(&pat)? + pat.len();
    let rest = s.get(i..)?.trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let b = rest.as_bytes();
    let mut j = 0;
    while j < b.len() && j < 4096 {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return rest.get(..j),
            _ => j += 1,
        }
    }
    None
}

/// The JSON object that opens at `start` in `s` (its `{`), up to the brace that closes it,
/// braces inside strings skipped; to the end of `s` when it is not closed (at most 64 KiB).
pub fn json_object_at(s: &str, start: usize) -> &str {
    let mut limit = s.len().min(start.saturating_add(64 * 1024));
    while !s.is_char_boundary(limit) {
        limit -= 1;
    }
    match json_object_end(s, start, limit) {
        Some(end) => s.get(start..=end).unwrap_or(""),
        None => s.get(start..limit).unwrap_or(""),
    }
}

/// Where the JSON object that opens at `start` in `s` closes (the index of its `}`), strings
/// and their escapes skipped, looking no further than `limit`; None when it does not close.
pub fn json_object_end(s: &str, start: usize, limit: usize) -> Option<usize> {
    let b = s.as_bytes();
    let (mut depth, mut in_str, mut i) = (0usize, false, start);
    while i < limit.min(b.len()) {
        let c = b[i];
        if in_str {
            match c {
                b'\\' => i += 1,
                b'"' => in_str = false,
                _ => {}
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'{' => depth += 1,
                b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    None
}

/// The strings of the array the first `"key"` in `s` holds (`"recipients": ["a@b", ...]`), at
/// most `MAX_RECIPIENTS`; none when the key holds no array.
pub fn json_strings<'a>(s: &'a str, key: &str) -> Vec<&'a str> {
    let pat = format!("\"{key}\"");
    let Some(rest) = s
        .find(&pat)
        .and_then(|i| s.get(i + pat.len()..))
        .and_then(|r| r.trim_start().strip_prefix(':'))
        .and_then(|r| r.trim_start().strip_prefix('['))
    else {
        return Vec::new();
    };
    let list = rest.split(']').next().unwrap_or("");
    list.split(',')
        .filter_map(|item| {
            item.trim()
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
        })
        .take(100)
        .collect()
}

/// The number a JSON object key has in `s` (the first `"key": 123`), as its digits.
pub fn json_number<'a>(s: &'a str, key: &str) -> Option<&'a str> {
    let pat = format!("\"{key}\"");
    let i = s.find(&pat)? + pat.len();
    let rest = s.get(i..)?.trim_start().strip_prefix(':')?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    rest.get(..end).filter(|n| !n.is_empty() && n.len() <= 20)
}

/// Where the words `words` end in `lc`, one after the other apart by any white space (a line
/// a ticket system or mail program wrapped keeps its words, not its spaces).
pub fn phrase_end(lc: &str, words: &[&str]) -> Option<usize> {
    let first = words.first()?;
    'start: for (i, _) in lc.match_indices(first).take(64) {
        let mut pos = i + first.len();
        for w in words.iter().skip(1) {
            let rest = lc.get(pos..)?;
            let trimmed = rest.trim_start();
            if trimmed.len() == rest.len() || !trimmed.starts_with(w) {
                continue 'start;
            }
            pos += rest.len() - trimmed.len() + w.len();
        }
        return Some(pos);
    }
    None
}

/// The paragraphs of `text` (at most 2,000): runs of lines ended by a blank line or a Markdown
/// code fence line (CommonMark 0.31, 4.5), leading blank lines skipped. In a text whose every
/// line end was doubled (each line followed by one blank line, as a paste whose CR and LF were
/// both taken as line ends), one blank line is no paragraph's end; two are.
pub fn paragraphs(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.split_inclusive('\n').take(20_000).collect();
    let blank = |l: &str| l.trim().is_empty();
    // Doubled: no two non-blank lines are adjacent, and most are followed by one blank line.
    let text_lines = lines.iter().filter(|l| !blank(l)).count();
    let adjacent = lines.windows(2).any(|w| !blank(w[0]) && !blank(w[1]));
    let doubled = text_lines >= 3 && !adjacent;
    let need = if doubled { 2 } else { 1 };
    let mut out = Vec::new();
    let mut pos = 0;
    let mut start: Option<usize> = None;
    let mut blanks = 0;
    for line in &lines {
        let t = line.trim();
        if t.is_empty() {
            blanks += 1;
            if blanks >= need
                && let Some(s0) = start.take()
            {
                out.push(&text[s0..pos]);
            }
        } else if t.starts_with("```") || t.starts_with("~~~") {
            if let Some(s0) = start.take() {
                out.push(&text[s0..pos]);
            }
            blanks = 0;
        } else {
            blanks = 0;
            start.get_or_insert(pos);
        }
        pos += line.len();
        if out.len() >= 2_000 {
            return out;
        }
    }
    if let Some(s0) = start {
        out.push(&text[s0..pos]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unpunctuated_heading_over_a_trace_field_starts_the_returned_message() {
        let text = "Error Details\nError: 550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup\n\nOriginal Message Headers\n\nReceived: from a.example (192.0.2.1) by b.example\nFrom: x@a.example\n";
        let (marker, start) = original_start(text).expect("a returned message");
        assert!(text[marker..].starts_with("Original Message Headers"));
        assert!(text[start..].starts_with("Received: from a.example"));
        // The same heading over anything but a trace field is not taken as the marker.
        let other = text.replace("Received: from a.example (192.0.2.1) by b.example\n", "");
        assert_eq!(original_start(&other), None);
    }

    #[test]
    fn exims_failed_recipients_header_heads_no_listing() {
        let text = "X-Failed-Recipients: a@b.example, c@d.example\nFrom: Mail Delivery System <Mailer-Daemon@h.example>\n\nThe following address(es) failed:\n\n  a@b.example\n    Domain x.example has exceeded the max defers and failures per hour\n";
        let blocks = blocks(text, &[]);
        let b = blocks.iter().find(|b| b.address == "a@b.example").unwrap();
        assert!(text[b.start..b.end].contains("max defers"));
        assert!(
            !blocks
                .iter()
                .any(|b| text[b.start..b.end].contains("c@d.example"))
        );
    }

    #[test]
    fn a_listing_ends_at_a_mime_boundary() {
        let text = "Intended Recipients: <a@b.example>\nFailure Reason: Error: Too many failures (Tried all MXs)\n\n\n--boundary_9A4D\nContent-type: message/delivery-status\n\nReporting-MTA: dns;relay.example\n";
        let blocks = blocks(text, &[]);
        let b = blocks.iter().find(|b| b.address == "a@b.example").unwrap();
        let words = &text[b.start..b.end];
        assert!(words.contains("Too many failures"));
        assert!(!words.contains("boundary") && !words.contains("Reporting-MTA"));
        assert!(mime_delimiter("--boundary_9A4D\n"));
        assert!(mime_delimiter("--boundary_9A4D--"));
        assert!(!mime_delimiter("-- \n"));
        assert!(!mime_delimiter("----------\n"));
        assert!(!mime_delimiter(
            "--- Below this line is a copy of the message.\n"
        ));
    }

    #[test]
    fn paragraphs_end_at_blank_lines_and_fences_and_survive_doubling() {
        let t = "\n550 5.1.1 no such user\n(in reply to RCPT TO command)\n```\n\nAnd the bounce:\nX-Spam: no\n";
        assert_eq!(
            paragraphs(t),
            [
                "550 5.1.1 no such user\n(in reply to RCPT TO command)\n",
                "And the bounce:\nX-Spam: no\n"
            ]
        );
        let doubled = "550 5.1.1 no such\n\nuser here\n\nnow\n\n\n\nnext\n";
        assert_eq!(
            paragraphs(doubled),
            ["550 5.1.1 no such\n\nuser here\n\nnow\n\n", "next\n"]
        );
    }

    #[test]
    fn wrapped_log_records_are_joined_and_lines_counted() {
        let text = " Tue 2026-12-01 14:02:10.244: --> RCPT\nTo:<k@b.example>\n Tue 2026-12-01 14:02:10.279: <-- 550 5.1.1\n<k@b.example>: Recipient address rejected: User\nunknown in virtual mailbox table\n Tue 2026-12-01 14:02:10.280: --> QUIT\n--- End Transcript ---\n\nReturn-Path: <a@a.example>\n";
        let (out, lines) = rejoin_log_records(text.to_string());
        assert!(out.contains(
            "<-- 550 5.1.1 <k@b.example>: Recipient address rejected: User unknown in virtual mailbox table\n"
        ));
        // A field's start and a marker line are not a record's rest.
        assert!(out.contains("\nTo:<k@b.example>\n"));
        assert!(out.contains("\n--- End Transcript ---\n"));
        let lines = lines.unwrap();
        let at = out
            .lines()
            .position(|l| l.starts_with("Return-Path"))
            .unwrap();
        assert_eq!(lines[at], 9);
        // Fewer than three records: as it was.
        let (same, none) = rejoin_log_records("Oct 30 14:13:29 a\nb\n".to_string());
        assert_eq!((same.as_str(), none), ("Oct 30 14:13:29 a\nb\n", None));
        assert!(log_record_start("Oct  3 14:13:29 mail postfix/smtpd[1]: x"));
        assert!(log_record_start("2026-12-01 10:00:00 1abc-000 ** a@b"));
        assert!(log_record_start(
            "[16/Mar/2026 09:13:11] Sent: Queue-ID: 67d6a1b8-00004f21, Recipient: <a@b>"
        ));
        assert!(!log_record_start("[16/Mar/2026] Sent"));
        assert!(!log_record_start("Tue, 1 Dec 2026 10:00:00 +0000"));
    }

    #[test]
    fn a_customers_words_above_a_header_are_no_report() {
        assert!(!may_be_report_words(
            "Hi, here are the headers you asked for:"
        ));
        assert!(!may_be_report_words(
            "It went to spam again, 3 times this week"
        ));
        assert!(!may_be_report_words(
            "Sent from 192.0.2.1 at 10:00 to 5000 people, id 4.2"
        ));
        assert!(may_be_report_words(
            "<a@b.example>: host mx.b.example said: 550 5.1.1 unknown"
        ));
        assert!(may_be_report_words(
            "Remote host said: 554 sorry, no mailbox here"
        ));
        assert!(may_be_report_words(
            "--- Below this line is a copy of the message."
        ));
    }

    #[test]
    fn finds_the_returned_header_after_flattened_report_fields() {
        let t = "<u@b.example>: host mx.b.example said: 552 5.2.2 full\n\nReporting-MTA: dns; a.example\nX-Postfix-Queue-ID: 4Zg\n\nFinal-Recipient: rfc822; u@b.example\nAction: failed\nStatus: 5.2.2\nDiagnostic-Code: smtp; 552 5.2.2 Quota\n    exceeded\n\nReturn-Path: <s@a.example>\nReceived: from x (x [192.0.2.1])\n\tby a.example; Sun, 14 Feb 2027 11:52:40 +0000\nSubject: y\n";
        let s = original_after_dsn_fields(t).expect("found");
        assert!(t[s..].starts_with("Return-Path"));
        // Fields followed by prose, or by another group of report fields only: no message.
        assert_eq!(
            original_after_dsn_fields(
                "Final-Recipient: rfc822; u@b.example\nAction: failed\n\nThanks, Ravi\n"
            ),
            None
        );
        assert_eq!(
            original_after_dsn_fields(
                "Final-Recipient: rfc822; u@b.example\nAction: failed\n\nFinal-Recipient: rfc822; v@b.example\nAction: failed\n"
            ),
            None
        );
        // A header without a trace or identity field is not taken for the message.
        assert_eq!(
            original_after_dsn_fields(
                "Final-Recipient: rfc822; u@b.example\nAction: failed\n\nSubject: y\nTo: u@b.example\n"
            ),
            None
        );
    }

    #[test]
    fn finds_inline_original() {
        let t = "Remote host said: 550 5.7.1 denied\n\n--- Below this line is a copy of the message.\n\nReturn-Path: <a@b.c>\nSubject: x\n";
        let (_, s) = original_start(t).expect("found");
        assert!(t[s..].starts_with("Return-Path"));
    }

    #[test]
    fn codes() {
        assert_eq!(reply_code("said: 550 5.1.1 <a@b.c>"), Some(550));
        assert_eq!(reply_code("192.0.2.250 port 25"), None);
        // A failure after a success (a transcript), a size after a failure: the failure.
        assert_eq!(
            reply_code("Out: 250 2.1.5 Ok\nOut: 451 4.3.0 Error: queue file write error"),
            Some(451)
        );
        assert_eq!(
            reply_code("Size (in bytes): 222\n550 - no such user"),
            Some(550)
        );
        assert_eq!(reply_code("250 2.0.0 Ok: queued"), Some(250));
        // An attachment's size as a mail program shows it is no reply.
        assert_eq!(reply_code("Offert.eml (214 kB)"), None);
        assert_eq!(reply_code("Delivery report (250 bytes)\n550 no"), Some(550));
        assert_eq!(status("said: 550 5.1.1 <a@b.c>").as_deref(), Some("5.1.1"));
        assert_eq!(status("ip 192.0.2.1 and 5.7.1."), Some("5.7.1".into()));
        assert_eq!(status("version 4.2.1.5"), None);
        // A program's version is no status; a multiline reply's continuation is.
        assert_eq!(status("X-Mailer: szn-email-5.0.198"), None);
        assert_eq!(status("Thunderbird/5.0.1"), None);
        assert_eq!(status("550-5.7.1 Blocked").as_deref(), Some("5.7.1"));
    }

    #[test]
    fn mdaemon_transcript_lines_with_and_without_milliseconds() {
        for line in [
            "Tue 2026-04-14 10:21:09: <-- 554 5.2.2 mailbox full",
            "Tue 2026-04-14 10:21:09.519: <-- 554 5.2.2 mailbox full",
        ] {
            assert!(
                matches!(transcript_line(line), Some(Transcript::Reply(b'5', r)) if r.starts_with("554 ")),
                "{line}"
            );
        }
        assert!(transcript_line("Tue 2026-04-14 10:21:09.5x: <-- 554 no").is_none());
    }

    #[test]
    fn transcript_chatter_is_left_out() {
        let t = " Out: 250-STARTTLS\n Out: 250 CHUNKING\n In:  RCPT TO:<a@b.example>\n Out: 354 End data\n Out: 451 4.3.0 Error: queue file write error\n<<< 250-AUTH PLAIN\n>>> DATA\n<<< 554 5.7.1 Rejected\n";
        assert_eq!(
            without_chatter(t),
            " Out: 451 4.3.0 Error: queue file write error\n<<< 554 5.7.1 Rejected\n"
        );
        let plain = "550 5.1.1 <a@b.example>: User unknown\n";
        assert!(matches!(
            without_chatter(plain),
            std::borrow::Cow::Borrowed(_)
        ));
        // Microsoft's summary of the returned message: labels, not words about the sender.
        let ndr = "Original Message Details\nCreated Date:    23/11/2026 15:02:11\nSender Address:  a@b.example\nRecipient Address:    c@d.example\nSubject:    x\n";
        assert_eq!(
            without_chatter(ndr),
            "Original Message Details\nCreated Date:    23/11/2026 15:02:11\nSubject:    x\n"
        );
    }

    #[test]
    fn phpmailer_debug_lines_are_a_transcript() {
        let t = "2026-12-02 08:14:02\tCLIENT -> SERVER: MAIL FROM:<a@b.example>\n2026-12-02 08:14:03 SERVER -> CLIENT: 250 OK\nSERVER -> CLIENT: 553 Relaying disallowed as a@b.example\nWP Mail SMTP: 4.6.1\n";
        assert_eq!(
            without_chatter(t),
            "SERVER -> CLIENT: 553 Relaying disallowed as a@b.example\nWP Mail SMTP: 4.6.1\n"
        );
        assert!(matches!(
            transcript_line("2026-12-02 08:14:03 SERVER -> CLIENT: 553 Relaying disallowed"),
            Some(Transcript::Reply(b'5', r)) if r.starts_with("553 ")
        ));
        // A line that only starts with a date is no transcript line.
        assert!(transcript_line("2026-12-02 08:14:03 Connection: opened").is_none());
    }

    #[test]
    fn swaks_lines_are_a_transcript() {
        let t = "<-  250-STARTTLS\n -> MAIL FROM:<a@b.example>\n<** 530 5.7.0 Must issue a STARTTLS command first\n -> QUIT\n<-  221 2.0.0 Bye\n";
        assert_eq!(
            without_chatter(t),
            "<** 530 5.7.0 Must issue a STARTTLS command first\n"
        );
        assert!(matches!(
            transcript_line("<~* 550 5.7.1 Relaying denied"),
            Some(Transcript::Reply(b'5', r)) if r.starts_with("550 ")
        ));
        // An arrow in prose is no transcript line.
        assert!(transcript_line("Note -> see below").is_none());
    }

    #[test]
    fn ids_are_not_recipients() {
        assert!(id_like("20260102123456.12345@mx.example"));
        assert!(!id_like("09012345678@docomo.example"));
        assert!(!id_like("first.last@example.com"));
        let t = "References: <20260102123456.12345@mx.example>\nTo: <a@b.example>\n";
        let b = blocks(t, &[]);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].address, "a@b.example");
    }

    #[test]
    fn outlooks_task_account_is_no_recipient() {
        let t = "Tarefa 'contato@a.example - Enviando' relatou erro (0x800CCC79) : 'Não foi possível enviar a mensagem. O endereço de email recusado era 'r@b.example'. Resposta do Servidor: '553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)'\n";
        assert!(
            blocks(t, &[])
                .iter()
                .all(|b| b.address != "contato@a.example")
        );
        // The address in single quotes is read without them.
        let found: Vec<&str> = addresses(t).iter().map(|&(s, e)| &t[s..e]).collect();
        assert!(found.contains(&"r@b.example"), "{found:?}");
    }

    #[test]
    fn a_localized_sender_label_is_no_recipient() {
        let t = "Dirección del remitente:\ts@a.example\nDirección del destinatario:\tr@b.example\n";
        let b = blocks(t, &[]);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].address, "r@b.example");
    }

    #[test]
    fn an_smtp_command_cut_after_its_verb_is_joined_in_a_log() {
        let rec = |t: &str| {
            format!(
                "2026-05-19 10:14:5{t} 1uGxYz-000Qk2-4A ** a@b.example R=dnslookup T=remote_smtp: SMTP error from remote mail server after MAIL\nFROM:<c@d.example> SIZE=39175: 550 5.7.1 Fix reverse DNS\n"
            )
        };
        let text = format!("{}{}{}", rec("1"), rec("2"), rec("3"));
        let (joined, lines) = rejoin_log_records(text);
        assert!(lines.is_some());
        assert_eq!(joined.lines().count(), 3, "{joined}");
        assert!(joined.contains("after MAIL FROM:<c@d.example>"));
    }
}
