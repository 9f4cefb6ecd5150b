//! Batch bounce analysis for the command line (native only): an mbox file, a maildir, or a
//! folder of .eml files, one JSON line per failed recipient and a summary at the end.
//!
//! Mailbox formats: mbox messages start at `From ` lines and have `>From ` lines unescaped
//! (mboxrd: one `>` removed); a maildir is a folder with `cur/` and/or `new/`; any other folder
//! is walked for `.eml` files (depth and count bounded).
//!
//! Every output line is a [`BouncesLine`]; its JSON Schema is `docs/bounces-line.schema.json`
//! (generated with the `schema` feature; a test keeps it current). With `csv`, the recipients
//! are written as CSV (RFC 4180, a header row first) for spreadsheets and the summary goes to
//! standard error as text. A CSV cell never starts with `=`, `+`, `-` or `@` (a spreadsheet
//! would run it as a formula: it gets a leading `'`), and control characters are escaped.

use crate::checks::bounce::{self, BounceKind};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Folder depth walked when looking for .eml files.
const MAX_DEPTH: usize = 16;
/// Files read from one folder tree.
const MAX_FILES: usize = 2_000_000;
/// Bytes of one message kept (the rest is skipped).
const MAX_MESSAGE: usize = bounce::mime::MAX_INPUT;

/// One line of the output: a failed recipient, or the summary that ends the output.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum BouncesLine<'a> {
    /// A recipient of one message.
    Recipient(Line<'a>),
    /// The counts over the whole run (the last line).
    Summary(SummaryLine<'a>),
}

/// The last output line: `{"summary": ...}`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SummaryLine<'a> {
    /// The counts over the whole run.
    pub summary: &'a Summary,
}

/// One output line: a recipient of one message.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Line<'a> {
    /// The file the message came from.
    pub file: &'a str,
    /// The message's 1-based position in that file (always 1 outside mbox).
    pub message: usize,
    /// bounce, delay, feedback, auto_reply.
    pub kind: BounceKind,
    /// The failed address.
    pub recipient: &'a str,
    /// The reason (Sisimai's vocabulary).
    pub reason: &'a str,
    /// The enhanced status code.
    pub status: Option<&'a str>,
    /// The SMTP reply code.
    pub reply_code: Option<u16>,
    /// Permanent failure.
    pub hard: bool,
    /// The blocklist named, if any.
    pub list: Option<&'a str>,
    /// The remote server's words.
    pub diagnostic: Option<&'a str>,
    /// The refusing server (the bounce's Remote-MTA, or the host its text names).
    pub remote_mta: Option<&'a str>,
    /// The address the refusing server's words name: the client it refused (for a blocklist
    /// refusal, the listed IP). Never the refusing server's own address.
    pub ip: Option<String>,
    /// From of the returned message, when the bounce carries its headers.
    pub original_from: Option<String>,
    /// Subject of the returned message (RFC 2047 words decoded), when the bounce carries it.
    pub original_subject: Option<String>,
}

/// Counts over a whole run.
#[derive(Debug, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Summary {
    /// Messages read.
    pub messages: usize,
    /// Messages that were bounces or delay notices.
    pub bounces: usize,
    /// Feedback (complaint) reports.
    pub feedback: usize,
    /// Automatic replies.
    pub auto_replies: usize,
    /// Recipient lines written.
    pub recipients: usize,
    /// Recipients per reason.
    pub by_reason: BTreeMap<String, usize>,
    /// Recipients per recipient domain.
    pub by_domain: BTreeMap<String, usize>,
    /// Recipients refused because of a blocklist, per list named.
    pub by_list: BTreeMap<String, usize>,
    /// Per address a refusal names (the IP of ours a receiver refused), the recipients refused
    /// per list named (`-` when the refusal names no list): which of our servers are listed
    /// where.
    pub by_ip: BTreeMap<String, BTreeMap<String, usize>>,
}

/// Distinct keys kept in each of the summary's maps (a hostile mailbox cannot grow them
/// without bound; a key already there is still counted).
const MAX_KEYS: usize = 100_000;

fn count(map: &mut BTreeMap<String, usize>, key: &str) {
    if let Some(n) = map.get_mut(key) {
        *n += 1;
    } else if map.len() < MAX_KEYS {
        map.insert(key.to_string(), 1);
    }
}

/// Characters of an original From or Subject kept.
const MAX_ORIGINAL: usize = 200;

/// From and Subject of the returned message, when the bounce carries its headers.
fn original_fields(report: &bounce::BounceReport) -> (Option<String>, Option<String>) {
    let Some(original) = &report.original else {
        return (None, None);
    };
    let headers = bounce::mime::headers(&original.text);
    let field = |name: &str| {
        headers
            .value(name)
            .map(|v| crate::parse::rfc2047::decode(v.trim(), None))
            .map(|v| crate::vocab::text::clip_ellipsis(&v, MAX_ORIGINAL).to_string())
            .filter(|v| !v.is_empty())
    };
    (field("From"), field("Subject"))
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line, the summary last.
    JsonLines,
    /// CSV rows with a header row; the summary as text to standard error.
    Csv,
}

/// The CSV columns, in order.
const CSV_COLUMNS: [&str; 14] = [
    "file",
    "message",
    "kind",
    "recipient",
    "reason",
    "status",
    "reply_code",
    "hard",
    "list",
    "ip",
    "remote_mta",
    "original_from",
    "original_subject",
    "diagnostic",
];

/// One CSV cell (RFC 4180): control characters escaped, a leading formula character
/// neutralized with `'`, quoted when it holds a comma, a quote or a space at either end.
fn csv_cell(value: &str) -> String {
    let mut v = crate::vocab::text::inert(value).into_owned();
    if v.starts_with(['=', '+', '-', '@', '\t']) {
        v.insert(0, '\'');
    }
    if v.contains([',', '"']) || v.starts_with(' ') || v.ends_with(' ') {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

fn csv_row(line: &Line<'_>) -> String {
    let kind = serde_json::to_value(line.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let cells = [
        line.file.to_string(),
        line.message.to_string(),
        kind,
        line.recipient.to_string(),
        line.reason.to_string(),
        line.status.unwrap_or_default().to_string(),
        line.reply_code.map(|c| c.to_string()).unwrap_or_default(),
        line.hard.to_string(),
        line.list.unwrap_or_default().to_string(),
        line.ip.clone().unwrap_or_default(),
        line.remote_mta.unwrap_or_default().to_string(),
        line.original_from.clone().unwrap_or_default(),
        line.original_subject.clone().unwrap_or_default(),
        line.diagnostic.unwrap_or_default().to_string(),
    ];
    let mut row = cells
        .iter()
        .map(|c| csv_cell(c))
        .collect::<Vec<_>>()
        .join(",");
    row.push_str("\r\n");
    row
}

/// The summary as text lines (for standard error in CSV mode), hostile keys made inert.
pub fn summary_text(s: &Summary) -> String {
    let top = |map: &BTreeMap<String, usize>| {
        let mut v: Vec<(&String, &usize)> = map.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        v.iter()
            .take(20)
            .map(|(k, n)| format!("{} {n}", crate::vocab::text::inert(k)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = format!(
        "{} messages: {} bounces or delay notices, {} feedback reports, {} automatic replies; {} recipients\n",
        s.messages, s.bounces, s.feedback, s.auto_replies, s.recipients
    );
    out.push_str(&format!("by reason: {}\n", top(&s.by_reason)));
    out.push_str(&format!("by recipient domain: {}\n", top(&s.by_domain)));
    if !s.by_list.is_empty() {
        out.push_str(&format!("by blocklist: {}\n", top(&s.by_list)));
    }
    for (ip, lists) in s.by_ip.iter().take(50) {
        out.push_str(&format!(
            "refusals naming {}: {}\n",
            crate::vocab::text::inert(ip),
            top(lists)
        ));
    }
    out
}

/// Where messages come from.
enum Source {
    Mbox(PathBuf),
    Files(Vec<PathBuf>),
}

fn find_source(path: &Path) -> io::Result<Source> {
    if path.is_file() {
        let mut head = [0u8; 5];
        let n = {
            use std::io::Read;
            std::fs::File::open(path)?.read(&mut head)?
        };
        if head.get(..n) == Some(b"From ".as_slice()) {
            return Ok(Source::Mbox(path.to_path_buf()));
        }
        return Ok(Source::Files(vec![path.to_path_buf()]));
    }
    let mut files = Vec::new();
    let is_maildir = path.join("cur").is_dir() || path.join("new").is_dir();
    if is_maildir {
        for sub in ["new", "cur"] {
            let dir = path.join(sub);
            if let Ok(entries) = std::fs::read_dir(&dir) {
                let mut names: Vec<PathBuf> = entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_file())
                    .collect();
                names.sort();
                files.extend(names);
            }
        }
    } else {
        walk(path, 0, &mut files);
    }
    Ok(Source::Files(files))
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if depth > MAX_DEPTH || out.len() >= MAX_FILES {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if out.len() >= MAX_FILES {
            return;
        }
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if meta.is_dir() {
            walk(&p, depth + 1, out);
        } else if meta.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("eml")) {
            out.push(p);
        }
    }
}

/// Calls `each(message_index, bytes)` for every message of an mbox file (1-based index).
/// `>From ` lines are unescaped; a message longer than the analysis reads is cut.
pub fn mbox_messages(reader: impl io::Read, mut each: impl FnMut(usize, &[u8])) -> io::Result<()> {
    let mut reader = BufReader::new(reader);
    let mut line = Vec::new();
    let mut message: Vec<u8> = Vec::new();
    let mut index = 0usize;
    let mut started = false;
    let mut previous_blank = true;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        let is_from = line.starts_with(b"From ") && (previous_blank || !started);
        if is_from {
            if started {
                index += 1;
                each(index, &message);
            }
            message.clear();
            started = true;
            previous_blank = false;
            continue;
        }
        previous_blank = line == b"\n" || line == b"\r\n";
        if !started {
            // Text before the first From_ line is a message of its own.
            started = true;
        }
        if message.len() < MAX_MESSAGE {
            let body: &[u8] = &line;
            let unescaped = match body.iter().position(|&b| b != b'>') {
                Some(p) if p > 0 && body[p..].starts_with(b"From ") => &body[1..],
                _ => body,
            };
            message.extend_from_slice(unescaped);
        }
    }
    if started && !message.is_empty() {
        index += 1;
        each(index, &message);
    }
    Ok(())
}

/// Analyzes every message under `path` and writes JSON lines to `out`: one per recipient
/// (unless `summary_only`), then `{"summary": ...}`; or, with [`Format::Csv`], a header row
/// and one CSV row per recipient (the caller prints the summary it returns). A progress bar
/// goes to stderr when it is a terminal.
pub fn run(
    path: &Path,
    summary_only: bool,
    format: Format,
    out: &mut impl Write,
) -> io::Result<Summary> {
    let source = find_source(path)?;
    let progress = io::stderr().is_terminal();
    let mut summary = Summary::default();
    let mut write_error: Option<io::Error> = None;
    if format == Format::Csv && !summary_only {
        out.write_all(CSV_COLUMNS.join(",").as_bytes())?;
        out.write_all(b"\r\n")?;
    }
    let mut handle = |file: &str, index: usize, bytes: &[u8], summary: &mut Summary| {
        summary.messages += 1;
        let report = bounce::analyze(bytes);
        match report.kind {
            BounceKind::Bounce | BounceKind::Delay => summary.bounces += 1,
            BounceKind::Feedback => summary.feedback += 1,
            BounceKind::AutoReply => summary.auto_replies += 1,
            BounceKind::NotBounce => return,
        }
        let (original_from, original_subject) = original_fields(&report);
        let named = crate::interpret::bounce_ip::named_ips(&report);
        for (r, named) in report.recipients.iter().zip(named) {
            summary.recipients += 1;
            count(&mut summary.by_reason, r.reason.name());
            let domain = r.address.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
            count(&mut summary.by_domain, domain);
            let list = r.blocklist.as_ref().map(|b| b.name.as_str());
            let ip = named.map(|ip| ip.to_string());
            if let Some(list) = list {
                count(&mut summary.by_list, list);
            }
            if let Some(ip) = &ip
                && (summary.by_ip.len() < MAX_KEYS || summary.by_ip.contains_key(ip))
            {
                count(
                    summary.by_ip.entry(ip.clone()).or_default(),
                    list.unwrap_or("-"),
                );
            }
            if summary_only || write_error.is_some() {
                continue;
            }
            let line = Line {
                file,
                message: index,
                kind: report.kind,
                recipient: &r.address,
                reason: r.reason.name(),
                status: r.status.as_deref(),
                reply_code: r.reply_code,
                hard: r.hard,
                list,
                diagnostic: r.diagnostic.as_deref(),
                remote_mta: r.remote_mta.as_deref(),
                ip,
                original_from: original_from.clone(),
                original_subject: original_subject.clone(),
            };
            let written = match format {
                Format::Csv => out.write_all(csv_row(&line).as_bytes()),
                Format::JsonLines => {
                    serde_json::to_writer(&mut *out, &BouncesLine::Recipient(line))
                        .map_err(io::Error::other)
                        .and_then(|()| out.write_all(b"\n"))
                }
            };
            if let Err(e) = written {
                write_error = Some(e);
            }
        }
    };
    match source {
        Source::Mbox(p) => {
            let total = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
            let name = p.display().to_string();
            let mut done = 0u64;
            let file = std::fs::File::open(&p)?;
            mbox_messages(file, |i, bytes| {
                done += bytes.len() as u64;
                handle(&name, i, bytes, &mut summary);
                if progress && i % 256 == 0 {
                    bar(done, total, summary.messages);
                }
            })?;
        }
        Source::Files(files) => {
            let total = files.len() as u64;
            for (n, p) in files.iter().enumerate() {
                let Ok(bytes) = read_limited(p) else {
                    eprintln!(
                        "mailtrace: cannot read {}",
                        crate::present::inert::lines(&p.display().to_string())
                    );
                    continue;
                };
                handle(&p.display().to_string(), 1, &bytes, &mut summary);
                if progress && n % 64 == 0 {
                    bar(n as u64, total, summary.messages);
                }
            }
        }
    }
    if progress {
        eprint!("\r{:60}\r", "");
    }
    if let Some(e) = write_error {
        return Err(e);
    }
    if format == Format::Csv {
        return Ok(summary);
    }
    // Through a JSON value, whose keys are sorted, as this line always had them.
    let last = BouncesLine::Summary(SummaryLine { summary: &summary });
    serde_json::to_value(&last)
        .and_then(|v| serde_json::to_writer(&mut *out, &v))
        .map_err(io::Error::other)?;
    out.write_all(b"\n")?;
    Ok(summary)
}

fn read_limited(p: &Path) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::new();
    std::fs::File::open(p)?
        .take(MAX_MESSAGE as u64)
        .read_to_end(&mut buf)?;
    Ok(buf)
}

fn bar(done: u64, total: u64, messages: usize) {
    let width = 30u64;
    let filled = (done.min(total) * width).checked_div(total).unwrap_or(0) as usize;
    eprint!(
        "\r[{}{}] {messages} messages",
        "#".repeat(filled),
        " ".repeat(width as usize - filled)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mbox_split_and_unescape() {
        let mbox = b"From a@b Mon Jan  1 00:00:00 2024\nSubject: one\n\n>From here\n\nFrom c@d Mon Jan  1 00:00:00 2024\nSubject: two\n\nbody\n";
        let mut got = Vec::new();
        mbox_messages(&mbox[..], |i, m| {
            got.push((i, String::from_utf8_lossy(m).into_owned()))
        })
        .unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].1, "Subject: one\n\nFrom here\n\n");
        assert_eq!(got[1].0, 2);
    }
}
