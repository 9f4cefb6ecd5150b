//! From pasted text to header fields: line endings, copy-paste damage, where the body starts.
//!
//! The header syntax is RFC 5322 section 2.2 (field-name ":" field-body, folded lines start with
//! white space). What people paste is looser than that, so this reader is forgiving and says
//! what it assumed: leading blank lines and a common indentation are removed, an mbox `From `
//! line is skipped, a line that is not a header field is skipped (or, when no header follows it,
//! taken as the start of a body glued on without a blank line).
//!
//! Limits, so that no input can hold the analysis: at most [`MAX_INPUT`] bytes are read, the
//! header section at most [`MAX_HEADER_BYTES`] and [`MAX_FIELDS`] fields; past these the rest is
//! left out and a note says so.

use serde::{Deserialize, Serialize};

/// Input bytes read at most.
pub const MAX_INPUT: usize = 32 * 1024 * 1024;
/// Header section bytes read at most.
pub const MAX_HEADER_BYTES: usize = 1024 * 1024;
/// Header fields read at most.
pub const MAX_FIELDS: usize = 5_000;

/// One header field as it stood in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The field name as written.
    pub name: String,
    /// The value after the colon, folded lines joined with `\n` (white space kept).
    pub value: String,
    /// 1-based line number of the field's first line in the input as pasted.
    pub line: u32,
    /// The value unfolded and trimmed, computed once (see [`Field::unfolded`]).
    unfolded: String,
}

/// The text with CR and LF turned into spaces; borrowed when there are none (a byte scan, as
/// both are ASCII).
pub fn breaks_to_spaces(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.bytes().any(|b| b == b'\n' || b == b'\r') {
        return std::borrow::Cow::Borrowed(text);
    }
    let bytes: Vec<u8> = text
        .bytes()
        .map(|b| if b == b'\n' || b == b'\r' { b' ' } else { b })
        .collect();
    // Only ASCII bytes were replaced by ASCII, so the text is still UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(bytes).unwrap_or_default())
}

/// Runs of ASCII white space (space, tab, CR, LF) as one space, trimmed: for display.
pub fn collapse_space(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split([' ', '\t', '\r', '\n']) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

impl Field {
    /// A field from its name, raw value and line.
    pub fn new(name: String, value: String, line: u32) -> Field {
        let unfolded = if value.contains('\n') {
            value.replace('\n', "").trim().to_string()
        } else {
            value.trim().to_string()
        };
        Field {
            name,
            value,
            line,
            unfolded,
        }
    }

    /// The value unfolded (RFC 5322 section 2.2.3: line breaks removed, white space kept) and
    /// trimmed.
    pub fn unfolded(&self) -> &str {
        &self.unfolded
    }

    /// Whether the field has this name (ASCII case-insensitive).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

/// The line endings found in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum LineEnding {
    /// CR LF, as on the wire.
    Crlf,
    /// LF alone.
    Lf,
    /// CR alone (old Mac text).
    Cr,
    /// More than one kind.
    Mixed,
    /// A single line.
    None,
}

/// Something the reader assumed or had to skip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputNote {
    /// Stable code, for example `input.skipped-line`.
    pub code: &'static str,
    /// What happened, in plain words.
    pub message: String,
    /// The 1-based line it concerns, if any.
    pub line: Option<u32>,
}

/// The input, split and normalized.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// Header fields in the order they appear (newest first, as mail systems prepend).
    pub fields: Vec<Field>,
    /// The body, LF line endings, if there was one.
    pub body: Option<String>,
    /// The number of lines of the paste before the body's first line.
    pub body_line: u32,
    /// Line endings found.
    pub line_ending: LineEnding,
    /// What was assumed or skipped.
    pub notes: Vec<InputNote>,
}

fn is_header_start(line: &str) -> bool {
    let Some(colon) = line.find(':') else {
        return false;
    };
    let name = line[..colon].trim_end_matches([' ', '\t']);
    !name.is_empty()
        && name.len() <= 200
        && name.bytes().all(|b| (33..=126).contains(&b) && b != b':')
}

fn is_continuation(line: &str) -> bool {
    line.starts_with([' ', '\t'])
}

/// Reads pasted text.
pub fn normalize(input: &[u8]) -> Normalized {
    normalize_from(input, 0)
}

/// A message attached to the pasted one (RFC 2046 section 5.2.1, message/rfc822): its text and
/// the line of the paste where it starts. Only for a multipart message that is not a delivery
/// report (a bounce carries the original as an attachment too, and is read as a bounce). Only
/// the first such part; its content must not be transfer-encoded (RFC 2046 allows only 7bit,
/// 8bit and binary there).
pub fn attached_message(normalized: &Normalized) -> Option<(String, u32)> {
    let content_type = normalized.fields.iter().find(|f| f.is("Content-Type"))?;
    let ct = content_type.unfolded().to_ascii_lowercase();
    if !ct.starts_with("multipart/") || ct.starts_with("multipart/report") {
        return None;
    }
    let boundary = boundary_of(content_type.unfolded())?;
    let body = normalized.body.as_deref()?;
    let delimiter = format!("--{boundary}");
    let lines: Vec<&str> = body.split('\n').collect();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_end() != delimiter {
            i += 1;
            continue;
        }
        // A part: its headers up to a blank line.
        let mut j = i + 1;
        let mut is_message = false;
        let mut encoded = false;
        while j < lines.len() && !lines[j].trim().is_empty() {
            let lower = lines[j].to_ascii_lowercase();
            if lower.starts_with("content-type:") && lower.contains("message/rfc822") {
                is_message = true;
            }
            if lower.starts_with("content-transfer-encoding:")
                && (lower.contains("base64") || lower.contains("quoted-printable"))
            {
                encoded = true;
            }
            j += 1;
        }
        if is_message && !encoded {
            let start = j + 1;
            let end = (start..lines.len())
                .find(|&k| lines[k].starts_with(delimiter.as_str()))
                .unwrap_or(lines.len());
            let inner = lines.get(start..end)?.join("\n");
            if inner.trim().is_empty() {
                return None;
            }
            return Some((inner, normalized.body_line + start as u32));
        }
        i = j;
    }
    None
}

/// The `boundary` parameter of a Content-Type value.
fn boundary_of(content_type: &str) -> Option<String> {
    let lower = content_type.to_ascii_lowercase();
    let at = lower.find("boundary=")? + "boundary=".len();
    let rest = content_type.get(at..)?;
    let value = match rest.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next()?,
        None => rest.split([';', ' ', '\t']).next()?,
    };
    (!value.is_empty() && value.len() <= 70).then(|| value.to_string())
}

/// Reads pasted text whose first line is line `offset + 1` of the paste (for a message found
/// inside another one).
pub fn normalize_from(input: &[u8], offset: u32) -> Normalized {
    let mut notes = Vec::new();
    let input = if input.len() > MAX_INPUT {
        notes.push(InputNote {
            code: "input.truncated",
            message: format!(
                "The input is {} bytes; only the first {} were read.",
                input.len(),
                MAX_INPUT
            ),
            line: None,
        });
        &input[..MAX_INPUT]
    } else {
        input
    };
    let text = String::from_utf8_lossy(input);
    if matches!(text, std::borrow::Cow::Owned(_)) {
        notes.push(InputNote {
            code: "input.not-utf8",
            message: "Some bytes are not valid UTF-8; they are shown as \u{FFFD}.".into(),
            line: None,
        });
    }
    let controls = text
        .bytes()
        .filter(|b| *b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n'))
        .count();
    if controls > 0 && controls * 50 > text.len().max(1) {
        notes.push(InputNote {
            code: "input.binary",
            message: "The input contains binary data; it does not look like e-mail text.".into(),
            line: None,
        });
    }

    let (crlf, lone_cr, lone_lf) = count_endings(text.as_bytes());
    let line_ending = match (crlf > 0, lone_cr > 0, lone_lf > 0) {
        (false, false, false) => LineEnding::None,
        (true, false, false) => LineEnding::Crlf,
        (false, true, false) => LineEnding::Cr,
        (false, false, true) => LineEnding::Lf,
        _ => LineEnding::Mixed,
    };
    let text = if crlf + lone_cr > 0 {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.into_owned()
    };

    // Forwarded headers quoted with "> ": one quote level is removed from every quoted line.
    let quoted = text
        .split('\n')
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.trim_start().starts_with('>'));
    let owned: Vec<std::borrow::Cow<'_, str>> = if quoted {
        notes.push(InputNote {
            code: "input.quoted",
            message: "The headers were quoted with \"> \" (a forwarded message); the quote marks were removed.".into(),
            line: None,
        });
        text.split('\n')
            .map(|l| {
                let t = l.trim_start();
                std::borrow::Cow::Borrowed(match t.strip_prefix('>') {
                    Some(rest) => rest.strip_prefix(' ').unwrap_or(rest),
                    None => l,
                })
            })
            .collect()
    } else {
        text.split('\n').map(std::borrow::Cow::Borrowed).collect()
    };
    let lines: Vec<&str> = owned.iter().map(|l| l.as_ref()).collect();
    let mut index = 0;
    while index < lines.len() && lines[index].trim().is_empty() {
        index += 1;
    }
    if index > 0 && index < lines.len() {
        notes.push(InputNote {
            code: "input.leading-blank-lines",
            message: format!("Skipped {index} blank line(s) before the first header."),
            line: Some(1),
        });
    }
    if index < lines.len() && lines[index].starts_with("From ") && !is_header_start(lines[index]) {
        notes.push(InputNote {
            code: "input.mbox-line",
            message: "Skipped the mbox separator line (\"From ...\") before the headers.".into(),
            line: Some(index as u32 + 1),
        });
        index += 1;
    }
    // An indented first line: either the whole block was indented (a paste from an indented
    // quote or ticket: remove the common indentation) or only the first line was (Outlook's
    // header box: remove it there alone, so that folded lines keep their indentation).
    let indent: String = lines
        .get(index)
        .map(|l| l.chars().take_while(|c| *c == ' ' || *c == '\t').collect())
        .unwrap_or_default();
    let whole_block = !indent.is_empty()
        && lines
            .iter()
            .skip(index + 1)
            .take_while(|l| !l.trim().is_empty())
            .take(500)
            .all(|l| l.starts_with(indent.as_str()));
    if !indent.is_empty() {
        notes.push(InputNote {
            code: "input.indented",
            message: if whole_block {
                "The headers were indented; the indentation was removed.".into()
            } else {
                "The first line was indented; the indentation was removed.".into()
            },
            line: Some(index as u32 + 1),
        });
    }
    let first_line = index;
    // The indentation removed from lines after the first.
    let rest_indent: &str = if whole_block { indent.as_str() } else { "" };
    fn cut<'l>(line: &'l str, prefix: &str) -> &'l str {
        line.strip_prefix(prefix).unwrap_or(line)
    }

    let mut fields: Vec<Field> = Vec::new();
    let mut header_bytes = 0usize;
    let mut body_start: Option<usize> = None;
    let mut i = index;
    while i < lines.len() {
        let line = cut(
            lines[i],
            if i == first_line {
                indent.as_str()
            } else {
                rest_indent
            },
        );
        let number = i as u32 + 1;
        if line.trim().is_empty() {
            body_start = Some(i + 1);
            break;
        }
        let is_header_line = is_continuation(line) || is_header_start(line);
        if is_header_line {
            header_bytes += line.len() + 1;
        }
        if is_header_line && (header_bytes > MAX_HEADER_BYTES || fields.len() >= MAX_FIELDS) {
            notes.push(InputNote {
                code: "input.header-too-large",
                message: format!(
                    "The header section is too large; only the first {} fields ({} bytes) were read.",
                    fields.len(),
                    header_bytes - line.len() - 1
                ),
                line: Some(number),
            });
            body_start = None;
            break;
        }
        if is_continuation(line) {
            match fields.last_mut() {
                Some(field) => {
                    field.value.push('\n');
                    field.value.push_str(line);
                }
                None => notes.push(InputNote {
                    code: "input.orphan-continuation",
                    message: format!("Line {number} is indented but follows no header; skipped."),
                    line: Some(number),
                }),
            }
        } else if is_header_start(line) {
            let colon = line.find(':').unwrap_or(0);
            // Unfolded once all continuation lines are in (below).
            fields.push(Field {
                name: line[..colon].trim_end().to_string(),
                value: line[colon + 1..].to_string(),
                line: number,
                unfolded: String::new(),
            });
        } else if header_follows(&lines, i + 1, rest_indent) {
            notes.push(InputNote {
                code: "input.skipped-line",
                message: format!(
                    "Line {number} is not a header field (it has no \"name:\"); skipped."
                ),
                line: Some(number),
            });
        } else {
            if !fields.is_empty() {
                notes.push(InputNote {
                    code: "input.body-without-blank-line",
                    message: format!(
                        "No blank line separated the headers from the body; the body was taken to start at line {number}."
                    ),
                    line: Some(number),
                });
            }
            body_start = Some(i);
            break;
        }
        i += 1;
    }

    // Continuation lines were appended after each field was made: unfold once now.
    let fields: Vec<Field> = fields
        .into_iter()
        .map(|f| Field::new(f.name, f.value, f.line + offset))
        .collect();
    for note in &mut notes {
        if let Some(line) = note.line.as_mut() {
            *line += offset;
        }
    }
    let body = body_start
        .filter(|&start| start <= lines.len())
        .map(|start| lines[start..].join("\n"))
        .filter(|b| !b.trim().is_empty());

    Normalized {
        fields,
        body,
        body_line: body_start.map_or(0, |b| b as u32) + offset,
        line_ending,
        notes,
    }
}

/// Whether a header field starts within the next few lines (so a stray line is skipped rather
/// than taken as the start of the body).
fn header_follows(lines: &[&str], from: usize, indent: &str) -> bool {
    lines
        .iter()
        .skip(from)
        .take(3)
        .map(|l| l.strip_prefix(indent).unwrap_or(l))
        .take_while(|l| !l.trim().is_empty())
        .any(is_header_start)
}

fn count_endings(bytes: &[u8]) -> (usize, usize, usize) {
    let (mut crlf, mut cr, mut lf) = (0, 0, 0);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                crlf += 1;
                i += 1;
            }
            b'\r' => cr += 1,
            b'\n' => lf += 1,
            _ => {}
        }
        i += 1;
    }
    (crlf, cr, lf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(n: &Normalized) -> Vec<&'static str> {
        n.notes.iter().map(|n| n.code).collect()
    }

    #[test]
    fn all_line_endings_give_the_same_fields() {
        let lf = "Subject: hi\n there\nFrom: a@b.example\n\nbody\n";
        let a = normalize(lf.as_bytes());
        let b = normalize(lf.replace('\n', "\r\n").as_bytes());
        let c = normalize(lf.replace('\n', "\r").as_bytes());
        assert_eq!(a.fields, b.fields);
        assert_eq!(a.fields, c.fields);
        assert_eq!(a.fields[0].unfolded(), "hi there");
        assert_eq!(
            (a.line_ending, b.line_ending, c.line_ending),
            (LineEnding::Lf, LineEnding::Crlf, LineEnding::Cr)
        );
        assert_eq!(a.body.as_deref(), Some("body\n"));
    }

    #[test]
    fn copy_paste_damage_is_repaired_and_said() {
        let n = normalize(b"\n\n   Subject: x\n   From: a@b.example\n     folded\n");
        assert_eq!(n.fields.len(), 2);
        assert_eq!(n.fields[0].line, 3);
        assert_eq!(n.fields[1].value, " a@b.example\n  folded");
        assert_eq!(codes(&n), ["input.leading-blank-lines", "input.indented"]);
    }

    #[test]
    fn stray_lines_are_skipped_and_glued_bodies_found() {
        let n =
            normalize(b"Subject: x\nnot a header\nFrom: a@b.example\nHello there\nsecond line\n");
        assert_eq!(n.fields.len(), 2);
        assert_eq!(
            codes(&n),
            ["input.skipped-line", "input.body-without-blank-line"]
        );
        assert_eq!(n.body.as_deref(), Some("Hello there\nsecond line\n"));
    }

    #[test]
    fn outlook_indents_only_the_first_line() {
        let n = normalize(b" Received: from a.example\r\n by b.example; Tue, 2 Jan 2024 10:00:00 +0000\r\nSubject: x\r\n y\r\nHello body");
        assert_eq!(n.fields.len(), 2);
        assert_eq!(
            n.fields[0].unfolded(),
            "from a.example by b.example; Tue, 2 Jan 2024 10:00:00 +0000"
        );
        assert_eq!(n.fields[1].unfolded(), "x y");
        assert_eq!(n.body.as_deref(), Some("Hello body"));
    }

    #[test]
    fn quoted_forwards_are_unquoted() {
        let n = normalize(b"> Received: from a.example\n>  by b.example; Tue, 2 Jan 2024 10:00:00 +0000\n> Subject: hi\n>\n> body\n");
        assert_eq!(n.fields.len(), 2);
        assert_eq!(
            n.fields[0].unfolded(),
            "from a.example by b.example; Tue, 2 Jan 2024 10:00:00 +0000"
        );
        assert!(codes(&n).contains(&"input.quoted"));
        assert_eq!(n.body.as_deref(), Some("body\n"));
    }

    #[test]
    fn an_attached_message_is_found() {
        let paste = "From: customer@example.org\nSubject: Fwd: why was this blocked?\nContent-Type: multipart/mixed; boundary=\"XYZ\"\n\n--XYZ\nContent-Type: text/plain\n\nSee attached.\n--XYZ\nContent-Type: message/rfc822\n\nReceived: from a.example by b.example; Tue, 2 Jan 2024 10:00:00 +0000\nSubject: original\n\nbody\n--XYZ--\n";
        let outer = normalize(paste.as_bytes());
        let (inner, offset) = attached_message(&outer).unwrap();
        assert!(inner.starts_with("Received: from a.example"));
        let n = normalize_from(inner.as_bytes(), offset);
        assert_eq!(n.fields[1].unfolded(), "original");
        assert_eq!(
            n.fields[0].line, 12,
            "line numbers count from the top of the paste"
        );
        let report = paste.replace("multipart/mixed", "multipart/report");
        assert!(attached_message(&normalize(report.as_bytes())).is_none());
        let encoded = paste.replace(
            "message/rfc822\n",
            "message/rfc822\nContent-Transfer-Encoding: base64\n",
        );
        assert!(attached_message(&normalize(encoded.as_bytes())).is_none());
    }

    #[test]
    fn mbox_separator_is_skipped() {
        let n = normalize(b"From MAILER-DAEMON Mon Jan  1 00:00:00 2024\nSubject: x\n");
        assert_eq!(n.fields.len(), 1);
        assert_eq!(codes(&n), ["input.mbox-line"]);
    }

    #[test]
    fn garbage_and_limits() {
        let n = normalize(&[0u8, 1, 2, 3, 255, 254, 0, 0]);
        assert!(codes(&n).contains(&"input.binary"));
        assert!(codes(&n).contains(&"input.not-utf8"));
        let many = "X-A: b\n".repeat(MAX_FIELDS + 10);
        let n = normalize(many.as_bytes());
        assert_eq!(n.fields.len(), MAX_FIELDS);
        assert!(codes(&n).contains(&"input.header-too-large"));
        let empty = normalize(b"");
        assert!(empty.fields.is_empty() && empty.body.is_none());
    }
}
