//! Batch bounce analysis for the command line (native only): an mbox file, a maildir, or a
//! folder of .eml files, one JSON line per failed recipient and a summary at the end.
//!
//! Mailbox formats: mbox messages start at `From ` lines and have `>From ` lines unescaped
//! (mboxrd: one `>` removed); a maildir is a folder with `cur/` and/or `new/`; any other folder
//! is walked for `.eml` files (depth and count bounded).
//!
//! Every output line is a [`BouncesLine`]; its JSON Schema is `docs/bounces-line.schema.json`
//! (generated with the `schema` feature; a test keeps it current).

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
/// (unless `summary_only`), then `{"summary": ...}`. A progress bar goes to stderr when it is a
/// terminal.
pub fn run(path: &Path, summary_only: bool, out: &mut impl Write) -> io::Result<Summary> {
    let source = find_source(path)?;
    let progress = io::stderr().is_terminal();
    let mut summary = Summary::default();
    let mut write_error: Option<io::Error> = None;
    let mut handle = |file: &str, index: usize, bytes: &[u8], summary: &mut Summary| {
        summary.messages += 1;
        let report = bounce::analyze(bytes);
        match report.kind {
            BounceKind::Bounce | BounceKind::Delay => summary.bounces += 1,
            BounceKind::Feedback => summary.feedback += 1,
            BounceKind::AutoReply => summary.auto_replies += 1,
            BounceKind::NotBounce => return,
        }
        for r in &report.recipients {
            summary.recipients += 1;
            *summary
                .by_reason
                .entry(r.reason.name().to_string())
                .or_default() += 1;
            let domain = r
                .address
                .rsplit_once('@')
                .map(|(_, d)| d)
                .unwrap_or("")
                .to_string();
            if summary.by_domain.len() < 100_000 || summary.by_domain.contains_key(&domain) {
                *summary.by_domain.entry(domain).or_default() += 1;
            }
            if summary_only || write_error.is_some() {
                continue;
            }
            let line = BouncesLine::Recipient(Line {
                file,
                message: index,
                kind: report.kind,
                recipient: &r.address,
                reason: r.reason.name(),
                status: r.status.as_deref(),
                reply_code: r.reply_code,
                hard: r.hard,
                list: r.blocklist.as_ref().map(|b| b.name.as_str()),
                diagnostic: r.diagnostic.as_deref(),
            });
            let written = serde_json::to_writer(&mut *out, &line)
                .map_err(io::Error::other)
                .and_then(|()| out.write_all(b"\n"));
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
