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
//! left out and a note says so. One field longer than [`MAX_FIELD_BYTES`] is cut there (and said
//! so), without ending the header section.

use serde::{Deserialize, Serialize};

/// Input bytes read at most.
pub const MAX_INPUT: usize = 32 * 1024 * 1024;
/// Header section bytes read at most.
pub const MAX_HEADER_BYTES: usize = 1024 * 1024;
/// Header fields read at most.
pub const MAX_FIELDS: usize = 5_000;
/// Bytes of one field's value kept at most. A longer field (a spam filter's report, a pasted
/// attachment glued into the header) is cut there and reading goes on with the next field: its
/// cut-off lines count neither here nor towards [`MAX_HEADER_BYTES`].
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

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
/// Read by bytes (the four are ASCII, so every cut is at a character boundary): the field
/// values of every analysis go through it, and splitting by characters cost 5% of an analysis
/// in the wasm build.
pub fn collapse_space(text: &str) -> String {
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let start = i + bytes[i..].iter().take_while(|b| space(b)).count();
        i = start + bytes[start..].iter().take_while(|b| !space(b)).count();
        if start < i {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&text[start..i]);
        }
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
    /// The lines it concerns, each with its text as pasted: every line the reader skipped is
    /// listed in a note, so that nothing pasted is lost without a word.
    pub lines: Vec<(u32, String)>,
}

impl InputNote {
    fn new(code: &'static str, message: String, line: Option<u32>) -> InputNote {
        InputNote {
            code,
            message,
            line,
            lines: Vec::new(),
        }
    }
}

/// The input, split and normalized.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// Header fields in the order they appear (newest first, as mail systems prepend).
    pub fields: Vec<Field>,
    /// The body, LF line endings, if there was one.
    pub body: Option<String>,
    /// The header ended with its blank line and nothing followed: either the message's body is
    /// empty or the paste stopped at the header (a reader of the body cannot tell which).
    pub empty_after_header: bool,
    /// The number of lines of the paste before the body's first line.
    pub body_line: u32,
    /// Line endings found.
    pub line_ending: LineEnding,
    /// What was assumed or skipped.
    pub notes: Vec<InputNote>,
    /// The paste from the header's first line on, with the damage of how it was carried undone
    /// in every line, body included (see [`Carried`]); `None` when nothing was undone.
    pub carried: Option<Carried>,
}

/// The paste as the sending system wrote it, for readers of the whole text (the bounce
/// reader): HTML entities decoded, one quote level and the header's common indentation removed
/// from every line that has them, doubled line ends halved, the header's folded lines that lost
/// their white space given it back.
#[derive(Debug, Clone)]
pub struct Carried {
    /// The text, LF line ends.
    pub text: String,
    /// The byte offset in `text` where the header's first line starts.
    pub header_at: usize,
    /// The 1-based line of the paste of each line of `text`.
    pub lines: Vec<u32>,
    /// The 0-based line of `text` where the header starts.
    pub first_line: usize,
    /// Lines above the header were skipped (text, a forward's banner, a mail program's
    /// summary or labels).
    pub skipped_above: bool,
}

impl Carried {
    /// The text from the header's first line on, or all of it; with the line of the paste of
    /// its 1-based line `n`.
    pub fn from_header(&self, from_header: bool) -> (&str, impl Fn(usize) -> u32 + '_) {
        let (text, skip) = if from_header {
            (&self.text[self.header_at..], self.first_line)
        } else {
            (self.text.as_str(), 0)
        };
        (text, move |n: usize| {
            (n + skip)
                .checked_sub(1)
                .and_then(|i| self.lines.get(i))
                .copied()
                .unwrap_or_else(|| self.lines.last().map_or(1, |l| l + 1))
        })
    }
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

/// Whether a line is empty or white space only (the same as `line.trim().is_empty()`, in one
/// pass that stops at the first other character: run for every line of every paste).
fn is_blank(line: &str) -> bool {
    line.chars().all(char::is_whitespace)
}

fn is_continuation(line: &str) -> bool {
    line.starts_with([' ', '\t'])
}

/// Whether `line`, at column 0, is what a hard wrap cut from a folded line right after its
/// indentation: the line above held only that white space (or a quote mark), `width` bytes,
/// and `line`'s first word would not have fitted after it (see
/// [`crate::vocab::text::wrap_cut`]; "        b=<72 characters of base64>" wrapped at column
/// 78 leaves the indentation on a line of its own).
fn indent_cut(width: usize, line: &str) -> bool {
    let word = line.split_whitespace().next().map_or(0, str::len);
    (1..=80).contains(&width)
        && !line.is_empty()
        && !is_continuation(line)
        && line.len() <= 998
        && width + 1 + word > 72
}

impl Normalized {
    /// Whether any field read as text has a name a mail system writes (see [`known_name`]): a
    /// paste whose first line only looks like a field ("Error: ...", "Note: ...") and that has
    /// none is text, not a header; so is a JSON dump.
    pub fn has_known_field(&self) -> bool {
        self.fields.iter().any(|f| known_name(&f.name)) && !self.from_json()
    }

    /// Whether the fields were read from a JSON dump (see `json_fields`): the text itself is
    /// then a program's words (a notification, an event), not a header.
    pub fn from_json(&self) -> bool {
        self.notes.iter().any(|n| n.code == "input.json-headers")
    }
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
        notes.push(InputNote::new(
            "input.truncated",
            format!(
                "The input is {} bytes; only the first {} were read.",
                input.len(),
                MAX_INPUT
            ),
            None,
        ));
        &input[..MAX_INPUT]
    } else {
        input
    };
    let text = String::from_utf8_lossy(input);
    if matches!(text, std::borrow::Cow::Owned(_)) {
        notes.push(InputNote::new(
            "input.not-utf8",
            "Some bytes are not valid UTF-8; they are shown as \u{FFFD}.".into(),
            None,
        ));
    }
    // A paste copied from a web page's source or a ticket system that escapes HTML: every `<`
    // of the header (addresses, Message-ID) arrives as `&lt;`. Decoded only when the text has
    // no `<` of its own, so a returned HTML body's own entities are left alone.
    let entities = !text.contains('<') && (text.contains("&lt;") || text.contains("&gt;"));
    let text: std::borrow::Cow<'_, str> = if entities {
        notes.push(InputNote::new(
            "input.html-entities",
            "The paste had its < > & written as HTML entities (&lt; &gt; &amp;), as a web page's source shows them; they were decoded.".into(),
            None,
        ));
        std::borrow::Cow::Owned(decode_entities(&text))
    } else {
        text
    };
    let controls = text
        .bytes()
        .filter(|b| *b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n'))
        .count();
    if controls > 0 && controls * 50 > text.len().max(1) {
        notes.push(InputNote::new(
            "input.binary",
            "The input contains binary data; it does not look like e-mail text.".into(),
            None,
        ));
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
    // A header posted in Markdown (an issue tracker's or a chat's source) with its field names
    // or whole fields in strong emphasis: the marks are how it was carried.
    let text = match unbold(&text) {
        Some(plain) => {
            notes.push(InputNote::new(
                "input.markdown-bold",
                "The paste had field names marked bold in Markdown (**...**), as an issue tracker or chat shows its source; the marks were removed.".into(),
                None,
            ));
            plain
        }
        None => text,
    };
    // A header whose line ends were replaced by spaces (a web form or ticket system that keeps
    // one line): each field is put back on a line of its own.
    let text = match unjoin(&text) {
        Some((fields, plain)) => {
            notes.push(InputNote::new(
                "input.joined-lines",
                format!(
                    "The header's lines had been joined into one (its line ends replaced by spaces, as some web forms and ticket systems do); it was split again before each of the {fields} field names a mail system writes."
                ),
                None,
            ));
            plain
        }
        None => text,
    };
    // A header copied from a header analyzer's table: rows read as fields.
    let (text, table_map) = match untable(&text) {
        Some((rows, table_text, map)) => {
            notes.push(InputNote::new(
                "input.table-rows",
                format!(
                    "The header was copied from a table (field name and value in columns, {rows} row(s)); each row was read as a field."
                ),
                None,
            ));
            (table_text, Some(map))
        }
        None => (text, None),
    };
    let split: Vec<&str> = text.split('\n').collect();
    let split = unnest_quotes(split);
    // Every line end doubled (CR and LF of each CR LF taken as two line ends, RFC 5322 section
    // 2.1: lines end in CR LF): a blank line between every two lines of the header. Each run of
    // blank lines is halved, and line numbers are kept as pasted.
    let undoubled = undouble(&split);
    let (raw, map): (Vec<&str>, Option<Vec<u32>>) = match undoubled {
        Some(kept) => {
            notes.push(InputNote::new(
                "input.doubled-line-ends",
                "Every line of the paste was followed by a blank line (each line end doubled); the extra blank lines were removed.".into(),
                None,
            ));
            (
                kept.iter().map(|&i| split[i]).collect(),
                Some(kept.iter().map(|&i| i as u32 + 1).collect()),
            )
        }
        None => (split, None),
    };
    if let Some((width, count)) = chopped(&raw) {
        notes.push(InputNote::new(
            "input.chopped-lines",
            format!(
                "{count} lines of the header end at exactly column {width}, no line is longer, and several of them stop inside a parenthesis, bracket or quote: every long line was cut at that width (copied from a terminal or a window that truncates long lines instead of wrapping them), and what stood after that column is lost."
            ),
            None,
        ));
    }
    // A line number of the lines read (1-based) as a line number of the paste.
    let as_pasted = |n: u32| -> u32 {
        let n = map
            .as_ref()
            .and_then(|m| m.get((n as usize).checked_sub(1)?).copied())
            .unwrap_or(n);
        table_map
            .as_ref()
            .and_then(|m| m.get((n as usize).checked_sub(1)?).copied())
            .unwrap_or(n)
    };

    // Where the header section starts: past blank lines, an mbox separator, text above the
    // headers, a forward's banner and summary, a mail program's own summary or labels.
    let start = find_start(&raw);
    // Forwarded headers quoted with "> ": one quote level is removed from every quoted line
    // from the header section on.
    let quoted = raw
        .get(start.index)
        .is_some_and(|l| l.trim_start().starts_with('>'));
    if quoted {
        notes.push(InputNote::new(
            "input.quoted",
            "The headers were quoted with \"> \" (a forwarded message); the quote marks were removed.".into(),
            None,
        ));
    }
    let skipped_above = start.notes.iter().any(|n| {
        matches!(
            n.code,
            "input.skipped-prose" | "input.skipped-forward" | "input.skipped-wrapper"
        )
    });
    notes.extend(start.notes);
    let lines: Vec<&str> = raw
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if quoted && i >= start.index {
                unquote(l)
            } else {
                l
            }
        })
        .collect();
    let mut index = start.index;
    // An indented first line: either the whole block was indented (a paste from an indented
    // quote or ticket: remove the common indentation) or only the first line was (Outlook's
    // header box: remove it there alone, so that folded lines keep their indentation).
    let indent: &str = lines.get(index).map_or("", |l| {
        &l[..l.len() - l.trim_start_matches([' ', '\t']).len()]
    });
    let whole_block = !indent.is_empty()
        && lines
            .iter()
            .skip(index + 1)
            .take_while(|l| !l.trim().is_empty())
            .take(500)
            .all(|l| l.starts_with(indent));
    if !indent.is_empty() {
        notes.push(InputNote::new(
            "input.indented",
            if whole_block {
                "The headers were indented; the indentation was removed.".into()
            } else {
                "The first line was indented; the indentation was removed.".into()
            },
            Some(index as u32 + 1),
        ));
    }
    let first_line = index;
    // The indentation removed from lines after the first.
    let rest_indent: &str = if whole_block { indent } else { "" };
    let cut = |i: usize| -> &str {
        let prefix = if i == first_line { indent } else { rest_indent };
        lines[i].strip_prefix(prefix).unwrap_or(lines[i])
    };

    // Fields a mail program keeps in its own mailbox (Thunderbird's X-Mozilla-Status...), at
    // the top of its source view: never sent, so not part of the message.
    let mut client: Vec<(u32, String)> = Vec::new();
    let mut client_ui = "";
    while index < lines.len() {
        let line = cut(index);
        match field_name(line).and_then(|n| wrapper_row(n).filter(|r| r[2] == "client")) {
            Some(row) => {
                client_ui = row[1];
                client.push((index as u32 + 1, clip_line(line)));
                index += 1;
                while index < lines.len() && is_continuation(cut(index)) {
                    client.push((index as u32 + 1, clip_line(lines[index])));
                    index += 1;
                }
            }
            None => break,
        }
    }
    if !client.is_empty() {
        notes.push(InputNote {
            code: "input.skipped-wrapper",
            message: format!(
                "{} added by {client_ui} itself (the program's own mailbox fields, never sent); skipped.",
                span_words(&client, "is a field", "are fields"),
            ),
            line: client.first().map(|(n, _)| *n),
            lines: client,
        });
    }

    // A line of nothing but spaces or tabs continues the field above (RFC 5322 section 4.2,
    // obs-FWS; cPanel's X-Spam-Report writes them) when more of the header follows it: an
    // indented line or a field. An empty line, or a white-space line before anything else,
    // ends the header section.
    let blank_fold_at = |i: usize| {
        let line = cut(i);
        let header_line = |next: &str| {
            let next = next.strip_prefix(rest_indent).unwrap_or(next);
            !is_blank(next) && (is_continuation(next) || is_header_start(next))
        };
        // In a quoted paste, the lines as pasted: a quote mark alone ("> ") above a line
        // without one is what a hard wrap left of a quoted folded line cut right after its
        // mark (its one space there), not the quoted blank line that ends the header.
        let as_quoted =
            |j: usize| quoted && j >= start.index && raw.get(j).is_some_and(|r| r.trim() == ">");
        let unquoted = |j: usize| raw.get(j).is_some_and(|n| !n.trim_start().starts_with('>'));
        // The white space (or quote mark) a hard wrap left on line `j`, as wide as it was.
        let left = |j: usize| -> Option<usize> {
            let l = cut(j);
            if as_quoted(j) && unquoted(j + 1) {
                Some(raw[j].len())
            } else if !l.is_empty() && is_blank(l) {
                Some(l.len())
            } else {
                None
            }
        };
        // A folded line that a hard wrap cut right after its indentation (its one word did
        // not fit after it), with the header going on below, past more lines so cut (a
        // signature's base64, line after line; at most 64 looked at).
        let cut_fold = || {
            let mut j = i;
            for _ in 0..64 {
                let Some(width) = left(j) else {
                    return false;
                };
                if j + 1 >= lines.len() || !indent_cut(width, cut(j + 1)) {
                    return false;
                }
                match lines.get(j + 2) {
                    Some(after) if header_line(after) => return true,
                    Some(_) if left(j + 2).is_some() => j += 2,
                    _ => return false,
                }
            }
            false
        };
        let mark_cut = as_quoted(i) && unquoted(i + 1);
        // Several such lines in a row (obs-FWS allows any number of them: a filter's report
        // whose wrapped preview ends in an indented empty line, then its own blank line) are
        // all of the field when the header goes on after the last of them (at most 8).
        let white_run = || {
            (i + 1..lines.len().min(i + 9))
                .find(|&j| {
                    let l = cut(j);
                    l.is_empty() || !is_blank(l)
                })
                .filter(|&j| j > i + 1)
                .is_some_and(|j| header_line(lines[j]))
        };
        (!line.is_empty() || mark_cut)
            && is_blank(line)
            && lines
                .get(i + 1)
                .is_some_and(|next| header_line(next) || cut_fold() || white_run())
    };
    let end = (index..lines.len())
        .find(|&i| is_blank(cut(i)) && !blank_fold_at(i))
        .unwrap_or(lines.len());
    // A paste whose folded lines lost their indentation (a ticket system or mail client that
    // re-wrapped it) shows lines at column 0 that are not fields, with fields after them. One
    // such line among well-formed fields is more likely a stray note, and is skipped; from two
    // on, such lines are taken as continuations, and a line starts a new field only when it
    // plausibly does (see `plausible_field`).
    let damaged = {
        let mut seen_field = false;
        let mut stray = 0usize;
        for i in (index..end).rev() {
            let line = cut(i);
            if is_header_start(line) {
                seen_field = true;
            } else if seen_field && !is_continuation(line) {
                stray += 1;
            }
        }
        stray >= 2
    };
    let is_field = |line: &str| {
        if damaged {
            plausible_field(line)
        } else {
            is_header_start(line)
        }
    };
    // For each line, whether a field starts at or after it before the end of the section
    // (damaged pastes only: the others look three lines ahead, as `header_follows` does).
    let field_ahead: Vec<bool> = if damaged {
        let mut out = vec![false; end - index + 1];
        for i in (index..end).rev() {
            out[i - index] = out[i - index + 1] || is_field(cut(i));
        }
        out
    } else {
        Vec::new()
    };

    let mut fields: Vec<Field> = Vec::new();
    let mut header_bytes = 0usize;
    let mut body_start: Option<usize> = None;
    let mut rejoined: Vec<(u32, String)> = Vec::new();
    let mut blank_folds: Vec<u32> = Vec::new();
    // The bytes of the current field's value so far, and the fields cut at MAX_FIELD_BYTES:
    // (name, its first line, the first and last line cut, bytes left out).
    let mut field_bytes = 0usize;
    let mut oversized: Vec<(String, u32, u32, u32, usize)> = Vec::new();
    // Whether the line before was a continuation that had lost its indentation.
    let mut after_rejoin = false;
    let mut i = index;
    while i < lines.len() {
        let line = cut(i);
        let number = i as u32 + 1;
        let blank = is_blank(line);
        let blank_fold = blank && !fields.is_empty() && blank_fold_at(i);
        if blank && !blank_fold {
            // Groups of header fields pasted with blank lines between them (a customer asked
            // for "the Received lines, the Authentication-Results and the X- lines"): while the
            // header read so far has none of the message's own fields (From, To, Subject, Date,
            // Message-ID, which every header has), a block after the blank lines made only of
            // fields of known names, one of them at least a receiver's (Received,
            // Authentication-Results, Received-SPF, a filter's X-Spam), is more of the header.
            let own = |f: &Field| {
                ["from", "to", "subject", "date", "message-id"]
                    .iter()
                    .any(|n| f.name.eq_ignore_ascii_case(n))
            };
            if !fields.is_empty()
                && !fields.iter().any(own)
                && let Some(next) = (i + 1..lines.len().min(i + 4)).find(|&j| !is_blank(cut(j)))
                && field_group_at(next, lines.len(), &cut)
            {
                i = next;
                continue;
            }
            body_start = Some(i + 1);
            break;
        }
        // A line at column 0 that is not a field, in a paste that lost its folding: the rest
        // of the field above, as long as the header goes on after it (or the field above has
        // no value yet, or it continues a run of such lines without spaces, like base64).
        // In a paste that otherwise kept its folding, one such line is the rest of the field
        // above when a hard wrap put it there: the field's line ends in a separator that says
        // more follows (a parameter list, RFC 2045 section 5.1, `multipart/report; ...;`
        // before `boundary=`; an address list, RFC 5322 section 3.4; a Received field's `;`
        // before its date, RFC 5321 section 4.4), or the line above is as long as a wrapped
        // line is and this line's first word would not have fitted on it (mail programs and
        // ticket forms wrap at 72 to 80 characters; RFC 5322 section 2.1.1 asks for 78).
        // Or the paste ends within the field: from this line to the end (eight lines at
        // most), each line's first word would not have fitted on the line above (a pasted
        // header of one or two fields whose last field the wrap cut, with nothing after it).
        let wrapped_to_end = || {
            lines.len() - i <= 8
                && (i..lines.len()).all(|j| {
                    let l = cut(j);
                    if is_blank(l) {
                        return (j..lines.len()).all(|k| is_blank(cut(k)));
                    }
                    !is_continuation(l) && crate::vocab::text::wrap_cut(cut(j - 1), l)
                })
        };
        let wrapped_here = || {
            let Some(above) = i.checked_sub(1).map(cut) else {
                return false;
            };
            // The line above is what the wrap left of this line's fold (see `blank_fold_at`).
            if !is_continuation(line) && is_blank(above) && blank_fold_at(i - 1) {
                return true;
            }
            let above = above.trim_end();
            let separator = above.ends_with([';', ',']);
            // However short the line above, a hard wrap put this line's first word below it
            // when the two do not fit in a line together ("Message-ID:" above a 64-character
            // `<id>`; "Received: from host" above "(host [address])").
            let full = crate::vocab::text::wrap_cut(above, line);
            // No header line is longer than 998 characters (RFC 5322 section 2.1.1), so a
            // longer one is no piece of a wrapped field line.
            line.len() <= 998
                && (separator || full)
                && (fields.last().is_some_and(|f| f.line as usize == i)
                    || is_continuation(above)
                    || (after_rejoin && full))
                && (i + 1 < lines.len()
                    && (is_continuation(cut(i + 1)) || is_header_start(cut(i + 1)))
                    || header_follows(&lines, i + 1, rest_indent)
                    || wrapped_to_end())
        };
        // A line that a hard wrap cut from the field above and whose `name:` is no field name
        // a mail system writes is that field's rest, not a field ("13:10:14 -0600", a Received
        // field's time; "relay=mx.example[192.0.2.1]:25, ...", a log line's): every registered
        // field name starts with a letter and holds letters, digits and hyphens (RFC 3864; the
        // IANA registry).
        // A field whose value is empty on its own line, then at column 0 a line that could
        // not start a field a mail system writes (`kl:1;ucf:0;...` under
        // "X-Microsoft-Antispam-Mailbox-Delivery:"): that field's value, its fold's
        // indentation lost (RFC 5322 section 2.2.3: a folded line starts with white space).
        let value_below = !is_continuation(line)
            && !blank
            && fields
                .last()
                .is_some_and(|f| f.line as usize == i && f.value.trim().is_empty())
            && !plausible_field(line);
        let field_start = !blank_fold
            && !is_continuation(line)
            && !value_below
            && is_field(line)
            && !(!plausible_name(line) && wrapped_here());
        let rejoin = !blank_fold
            && !field_start
            && !is_continuation(line)
            && fields.last().is_some()
            && (value_below
                || if damaged {
                    field_ahead.get(i - index).copied().unwrap_or(false)
                        || fields.last().is_some_and(|f| f.value.trim().is_empty())
                        || (after_rejoin && !line.trim().contains([' ', '\t']))
                } else {
                    !blank && wrapped_here()
                });
        let is_header_line = blank_fold || rejoin || is_continuation(line) || field_start;
        // One very long field is cut at MAX_FIELD_BYTES, and the header goes on after it.
        let room = if field_start {
            MAX_FIELD_BYTES
        } else {
            MAX_FIELD_BYTES.saturating_sub(field_bytes)
        };
        let line = if is_header_line && line.len() + 1 > room && (field_start || !fields.is_empty())
        {
            let keep = floor_boundary(line, room.saturating_sub(1));
            let name = if field_start {
                field_name(line).unwrap_or("")
            } else {
                fields.last().map_or("", |f| f.name.as_str())
            };
            let field_line = if field_start {
                number
            } else {
                fields.last().map_or(number, |f| f.line)
            };
            match oversized.last_mut() {
                Some(o) if o.1 == field_line => {
                    o.3 = number;
                    o.4 += line.len() + 1 - keep;
                }
                _ => oversized.push((
                    clip_line(name),
                    field_line,
                    number,
                    number,
                    line.len() + 1 - keep,
                )),
            }
            &line[..keep]
        } else {
            line
        };
        if field_start {
            field_bytes = 0;
        }
        if is_header_line && !field_start && room == 0 && !fields.is_empty() {
            // Wholly past the field's limit: left out (listed in the note on the cut field).
            after_rejoin = rejoin;
            i += 1;
            continue;
        }
        if is_header_line {
            field_bytes += line.len() + 1;
            header_bytes += line.len() + 1;
        }
        if is_header_line && (header_bytes > MAX_HEADER_BYTES || fields.len() >= MAX_FIELDS) {
            notes.push(InputNote::new(
                "input.header-too-large",
                format!(
                    "The header section is too large; only the first {} fields ({} bytes) were read.",
                    fields.len(),
                    header_bytes - line.len() - 1
                ),
                Some(number),
            ));
            body_start = None;
            break;
        }
        // The closing line of a Markdown code block the header was pasted in (CommonMark 0.31,
        // 4.5: a closing fence is three or more backticks or tildes and nothing else) ends the
        // paste: it is neither a field nor a body.
        if !fields.is_empty() && is_closing_fence(line) {
            body_start = None;
            break;
        }
        after_rejoin = rejoin;
        if blank_fold || is_continuation(line) || rejoin {
            match fields.last_mut() {
                Some(field) => {
                    field.value.push('\n');
                    if rejoin {
                        // The fold's white space, lost in the paste.
                        field.value.push(' ');
                        rejoined.push((number, clip_line(line)));
                    }
                    if blank_fold {
                        blank_folds.push(number);
                    }
                    field.value.push_str(line);
                }
                None => {
                    let mut note = InputNote::new(
                        "input.orphan-continuation",
                        format!("Line {number} is indented but follows no header; skipped."),
                        Some(number),
                    );
                    note.lines.push((number, clip_line(line)));
                    notes.push(note);
                }
            }
        } else if field_start {
            let colon = line.find(':').unwrap_or(0);
            // Unfolded once all continuation lines are in (below).
            fields.push(Field {
                name: line[..colon].trim_end().to_string(),
                value: line[colon + 1..].to_string(),
                line: number,
                unfolded: String::new(),
            });
        } else if !damaged && header_follows(&lines, i + 1, rest_indent) {
            let mut note = InputNote::new(
                "input.skipped-line",
                format!("Line {number} is not a header field (it has no \"name:\"); skipped."),
                Some(number),
            );
            note.lines.push((number, clip_line(line)));
            notes.push(note);
        } else {
            if !fields.is_empty() {
                notes.push(InputNote::new(
                    "input.body-without-blank-line",
                    format!(
                        "No blank line separated the headers from the body; the body was taken to start at line {number}."
                    ),
                    Some(number),
                ));
            }
            body_start = Some(i);
            break;
        }
        i += 1;
    }
    for (name, field_line, first, last, bytes) in oversized {
        let lines = if first == last {
            format!("line {first}")
        } else {
            format!("lines {first}-{last}")
        };
        notes.push(InputNote::new(
            "input.long-field",
            format!(
                "The {name} field (line {field_line}) is longer than {} KB; its rest ({bytes} bytes, {lines}) was left out, and the header was read on after it.",
                MAX_FIELD_BYTES / 1024
            ),
            Some(field_line),
        ));
    }
    // The lines taken as the rest of the field above (0-based, ascending), for the carried text.
    let rejoined_at: Vec<usize> = rejoined.iter().map(|(n, _)| *n as usize - 1).collect();
    if !rejoined.is_empty() {
        notes.push(InputNote {
            code: "input.rejoined-lines",
            message: format!(
                "The paste lost the indentation of folded lines: {} taken as the rest of the field above (a line starts a new field only where a field name can stand).",
                span_words(&rejoined, "was", "were")
            ),
            line: rejoined.first().map(|(n, _)| *n),
            lines: rejoined,
        });
    }
    if let Some(first) = blank_folds.first() {
        let listed: Vec<(u32, String)> = blank_folds.iter().map(|n| (*n, String::new())).collect();
        notes.push(InputNote::new(
            "input.whitespace-fold",
            format!(
                "{} only white space inside a folded field; read as part of that field (RFC 5322's obsolete folding), not as the end of the header.",
                span_words(&listed, "holds", "hold")
            ),
            Some(*first),
        ));
    }

    // Continuation lines were appended after each field was made: unfold once now.
    let fields: Vec<Field> = fields
        .into_iter()
        .map(|f| Field::new(f.name, f.value, as_pasted(f.line) + offset))
        .collect();
    for note in &mut notes {
        if let Some(line) = note.line.as_mut() {
            *line = as_pasted(*line) + offset;
        }
        for (line, _) in &mut note.lines {
            *line = as_pasted(*line) + offset;
        }
    }
    let body = body_start
        .filter(|&start| start <= lines.len())
        .map(|start| (start..lines.len()).map(cut).collect::<Vec<_>>().join("\n"))
        .filter(|b| !b.trim().is_empty());
    let carried = (entities
        || map.is_some()
        || table_map.is_some()
        || quoted
        || !indent.is_empty()
        || skipped_above
        || !rejoined_at.is_empty())
    .then(|| {
        // Lines above the header get the same repair where they have the same damage.
        let above = |i: usize| {
            let l = if quoted { unquote(raw[i]) } else { raw[i] };
            l.strip_prefix(rest_indent).unwrap_or(l)
        };
        let mut text = String::new();
        let mut header_at = 0;
        let mut kept: Vec<u32> = Vec::with_capacity(lines.len());
        for i in 0..lines.len() {
            // A line of a folded field holding only white space or a quote mark (a hard wrap
            // cut the fold after its indentation; the header reading took it as part of the
            // field) is left out: a reader that ends the header at a blank line would stop there.
            if blank_folds.binary_search(&(i as u32 + 1)).is_ok() {
                continue;
            }
            if !kept.is_empty() {
                text.push('\n');
            }
            if i == first_line {
                header_at = text.len();
            }
            // A folded line that lost its white space gets it back (RFC 5322 2.2.3).
            if rejoined_at.binary_search(&i).is_ok() {
                text.push(' ');
            }
            text.push_str(if i < first_line { above(i) } else { cut(i) });
            kept.push(as_pasted(i as u32 + 1) + offset);
        }
        // `first_line` counts the text's lines above the header, none of them left out.
        Carried {
            text,
            header_at,
            lines: kept,
            first_line,
            skipped_above,
        }
    });

    // A header dumped as JSON by a program or an API, when nothing was read as a field of a
    // known name: its name/value pairs are the fields (see `json_fields`), and the lines the
    // text reading skipped are not reported as skipped.
    let json = if fields.iter().any(|f| known_name(&f.name)) {
        None
    } else {
        json_fields(&raw)
    };
    let (fields, body) = match json {
        Some(found) => {
            notes.retain(|n| {
                !matches!(
                    n.code,
                    "input.skipped-line"
                        | "input.skipped-prose"
                        | "input.body-without-blank-line"
                        | "input.orphan-continuation"
                        | "input.rejoined-lines"
                        | "input.whitespace-fold"
                )
            });
            notes.push(InputNote::new(
                "input.json-headers",
                format!(
                    "The header was pasted as a program's JSON (an API's or a parser's dump); its {} field(s) were read from the JSON's names and values.",
                    found.len()
                ),
                found.first().map(|(n, ..)| as_pasted(*n) + offset),
            ));
            (
                found
                    .into_iter()
                    .map(|(n, name, value)| Field::new(name, value, as_pasted(n) + offset))
                    .collect(),
                None,
            )
        }
        None => (fields, body),
    };
    let empty_after_header = body.is_none()
        && body_start.is_some_and(|start| {
            // A blank line of its own, not the end of the paste's last line.
            start < lines.len() && lines[start..].iter().all(|l| l.trim().is_empty())
        });
    Normalized {
        fields,
        body,
        empty_after_header,
        body_line: body_start.map_or(0, |b| {
            // The number of lines before the body's first line, as pasted.
            as_pasted(b as u32 + 1).saturating_sub(1)
        }) + offset,
        line_ending,
        notes,
        carried,
    }
}

/// The header fields of a JSON dump of a message's header, line by line (the dump may be cut
/// off, indented or in a code block, so it is not parsed as a whole): the name/value objects of
/// the Gmail API (`payload.headers`: `{"name": "Received", "value": "..."}`), Microsoft Graph
/// (`internetMessageHeaders`), Amazon SES notifications (`mail.headers`) and Postmark (`Name`,
/// `Value`); Mailgun's `[name, value]` pairs (`message-headers`); mailparser's `headerLines`
/// (`{"key": ..., "line": "Name: value"}`) and its `headers` object, where a known field name
/// maps to a string or an array of strings (one field each, as `received` is). At least two
/// fields, each with the line it was read from (1-based); `None` otherwise.
fn json_fields(lines: &[&str]) -> Option<Vec<(u32, String, String)>> {
    let mut out: Vec<(u32, String, String)> = Vec::new();
    // The field name of an array of strings still open, and a `name` waiting for its `value`.
    let mut array: Option<String> = None;
    let mut pending: Option<(u32, String, usize)> = None;
    let mut next = 0;
    while next < lines.len() {
        if out.len() >= MAX_FIELDS {
            break;
        }
        let i = next;
        let n = i as u32 + 1;
        // A line whose string is still open was hard-wrapped (a mail client or ticket form):
        // the next lines are its rest, up to where the string closes.
        let mut joined = std::borrow::Cow::Borrowed(unquote(lines[i]).trim());
        next += 1;
        while open_string(&joined) && next < lines.len() && next < i + 20 {
            let more = unquote(lines[next]).trim();
            if more.is_empty() || more.starts_with('"') {
                break;
            }
            let mut s = joined.into_owned();
            s.push(' ');
            s.push_str(more);
            joined = std::borrow::Cow::Owned(s);
            next += 1;
        }
        let t = joined.trim_start_matches(['{', '[', ',', ' ', '\t']);
        if t.is_empty() {
            continue;
        }
        if let Some(name) = array.take()
            && t.starts_with('"')
            && json_key(t).is_none()
        {
            let mut rest = t;
            while let Some((value, tail)) = json_string(rest) {
                out.push((n, name.clone(), value));
                rest = tail.trim_start_matches([',', ' ', '\t']);
            }
            if !rest.starts_with(']') {
                array = Some(name);
            }
            continue;
        }
        if pending.as_ref().is_some_and(|(_, _, at)| i > at + 3) {
            pending = None;
        }
        // Mailgun's pairs: `["Received", "from ..."]`.
        if json_key(t).is_none()
            && let Some((name, tail)) = json_string(t)
            && let Some(tail) = tail.trim_start().strip_prefix(',')
            && let Some((value, _)) = json_string(tail.trim_start())
            && field_token(&name)
            && known_name(&name)
        {
            out.push((n, name, value));
            continue;
        }
        let mut rest = t;
        while let Some((key, after)) = json_key(rest) {
            let after = after.trim_start();
            if let Some((value, tail)) = json_string(after) {
                match key.to_ascii_lowercase().as_str() {
                    "name" | "key" if field_token(&value) => pending = Some((n, value, i)),
                    "value" => {
                        if let Some((at, name, _)) = pending.take() {
                            out.push((at, name, value));
                        }
                    }
                    "line" => {
                        if let Some((name, v)) = value.split_once(':')
                            && field_token(name.trim_end())
                        {
                            out.push((n, name.trim_end().to_string(), v.to_string()));
                            pending = None;
                        }
                    }
                    _ if field_token(&key) && known_name(&key) => out.push((n, key, value)),
                    _ => {}
                }
                rest = tail.trim_start_matches([',', '}', ']', ' ', '\t']);
            } else if let Some(inner) = after.strip_prefix('[') {
                if field_token(&key) && known_name(&key) {
                    let mut r = inner.trim_start();
                    while let Some((value, tail)) = json_string(r) {
                        out.push((n, key.clone(), value));
                        r = tail.trim_start_matches([',', ' ', '\t']);
                    }
                    if !r.starts_with(']') {
                        array = Some(key);
                    }
                }
                break;
            } else {
                // A number, an object or a literal: on to the next key of the line.
                rest = after
                    .split_once(',')
                    .map_or("", |(_, t)| t)
                    .trim_start_matches(['{', ' ', '\t']);
            }
        }
    }
    (out.len() >= 2).then_some(out)
}

/// Whether a line of JSON ends inside a string (an odd number of unescaped quotes).
fn open_string(line: &str) -> bool {
    let mut open = false;
    let mut escaped = false;
    for b in line.bytes() {
        match b {
            b'\\' if open && !escaped => escaped = true,
            b'"' if !escaped => open = !open,
            _ => escaped = false,
        }
    }
    open
}

/// A JSON object's key at the start of `t` (`"key":`): the key and the text after the colon.
fn json_key(t: &str) -> Option<(String, &str)> {
    let (key, tail) = json_string(t)?;
    let after = tail.trim_start().strip_prefix(':')?;
    Some((key, after))
}

/// A JSON string at the start of `t`, unescaped (RFC 8259 section 7), and the text after it. A
/// string cut off by the end of the line (a cut paste) ends there. Line ends in it become
/// `\n`, so a folded value stays folded.
fn json_string(t: &str) -> Option<(String, &str)> {
    let body = t.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some((out, &body[at + 1..])),
            '\\' => match chars.next().map(|(_, e)| e) {
                Some('n') => out.push('\n'),
                Some('r') => {}
                Some('t') => out.push('\t'),
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).map(|(_, h)| h).collect();
                    let c = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                    out.push(c.unwrap_or('\u{FFFD}'));
                }
                Some(e) => out.push(e),
                None => break,
            },
            _ => out.push(c),
        }
    }
    Some((out, ""))
}

/// A field name as JSON dumps write one: letters, digits and `-`, from a letter.
fn field_token(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name.as_bytes()[0].is_ascii_alphabetic()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A header copied from a header analyzer's table (one row per field, the name and the value
/// in cells, as Microsoft's Message Header Analyzer and MxToolbox show them), pasted as text: a
/// browser copies table cells as `Name<TAB>value`, and editors that turn a pasted HTML table into
/// Markdown (GitHub's among them) write `| Name | value |` with a `| --- | --- |` line under the
/// first row. In the block of lines from the first row whose name is one mail systems write
/// (see [`known_name`]; a leading cell of only a row number is passed over) to the next blank
/// line, the rows are read as `Name: value` and the Markdown separator lines are dropped, when
/// the rows of known names outnumber the lines of the block that are fields already and no
/// field stands above the block; every other line is kept. Gives the number of rows, the text, and for each of its lines the line of the input
/// (1-based).
fn untable(text: &str) -> Option<(usize, String, Vec<u32>)> {
    let lines: Vec<&str> = text.split('\n').collect();
    let first = lines
        .iter()
        .take(MAX_PREAMBLE + 1)
        .position(|l| table_row(l).is_some_and(|(_, known)| known))?;
    // A header written as fields comes first: a table below it is the body's.
    if lines[..first]
        .iter()
        .any(|l| field_name(l).is_some_and(known_name))
    {
        return None;
    }
    let end = (first..lines.len())
        .find(|&i| unquote(lines[i]).trim().is_empty())
        .unwrap_or(lines.len());
    let rows: Vec<Option<(String, bool)>> =
        lines[first..end].iter().map(|l| table_row(l)).collect();
    let known = rows.iter().flatten().filter(|(_, known)| *known).count();
    let fields = lines[first..end]
        .iter()
        .zip(&rows)
        .filter(|(l, r)| r.is_none() && field_name(l).is_some_and(known_name))
        .count();
    if known <= fields {
        return None;
    }
    let count = rows.iter().flatten().count();
    // The table's head ("Header | Value", "#<TAB>Header<TAB>Value") and the separator under
    // it, right above the first row: part of the table, not text.
    let mut top = first;
    while top > 0 && table_separator(lines[top - 1]) {
        top -= 1;
    }
    if top > 0 && table_head(lines[top - 1]) {
        top -= 1;
    }
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let row = (first..end)
            .contains(&i)
            .then(|| rows[i - first].as_ref().map(|(f, _)| f.as_str()))
            .flatten();
        if (top..first).contains(&i)
            || row.is_none() && (first..end).contains(&i) && table_separator(line)
        {
            continue;
        }
        if !map.is_empty() {
            out.push('\n');
        }
        out.push_str(row.unwrap_or(line));
        map.push(i as u32 + 1);
    }
    Some((count, out, map))
}

/// A header whose line ends were all replaced by spaces: a line of at least
/// [`JOINED_MIN_LINE`] bytes holding, after white space, at least [`JOINED_MIN_FIELDS`]
/// field names a mail system writes (see [`known_name`]) each followed by ": ", one of them
/// `Received` with its "from" or "by" clause (RFC 5322 section 3.6.7: every server adds one)
/// and one of `From`, `Date`,
/// `Subject`, `Message-ID` or `Authentication-Results`. Within a field, such a name after a
/// space and before ": " does not occur: DKIM's `h=From:Date` has no spaces, a Subject's
/// "Re: " is no field name. The line is split before each name; the other lines are kept.
/// Returns the number of fields and the text. The fields are numbered as the lines they were
/// split into, and the lines after them shifted by as many: their order is what the trust
/// boundary reads (RFC 8601 section 5: the receiver's fields stand above the point the message
/// entered it), which one line number for all would lose.
fn unjoin(text: &str) -> Option<(usize, String)> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = String::with_capacity(text.len() + 64);
    let mut first = true;
    let mut total = 0;
    for line in lines.iter().take(MAX_FIELDS * 4) {
        let cuts = if line.len() >= JOINED_MIN_LINE {
            joined_cuts(line)
        } else {
            Vec::new()
        };
        // A quoted paste ("> " before the joined header) keeps its quote on every field.
        let quote = &line[..line.len() - line.trim_start_matches(['>', ' ', '\t']).len()];
        let mut from = 0;
        for &cut in &cuts {
            let piece = line[from..cut].trim_end();
            if !piece.is_empty() {
                if !first {
                    out.push('\n');
                }
                first = false;
                if from > 0 {
                    out.push_str(quote);
                }
                out.push_str(piece);
            }
            from = cut;
        }
        if !first {
            out.push('\n');
        }
        first = false;
        if from > 0 {
            out.push_str(quote);
        }
        out.push_str(&line[from..]);
        total += cuts.len();
    }
    if total == 0 {
        return None;
    }
    for line in lines.iter().skip(MAX_FIELDS * 4) {
        out.push('\n');
        out.push_str(line);
    }
    Some((total, out))
}

/// The shortest line [`unjoin`] reads as a joined header.
const JOINED_MIN_LINE: usize = 300;
/// The fewest field names a joined header holds (see [`unjoin`]).
const JOINED_MIN_FIELDS: usize = 5;

/// Where a joined header's fields start in one line (see [`unjoin`]), or nothing when the line
/// is not one.
fn joined_cuts(line: &str) -> Vec<usize> {
    // After a quote's marks ("> "), the line starts where its text does.
    let at_start = line.len() - line.trim_start_matches(['>', ' ', '\t']).len();
    let mut cuts = Vec::new();
    let (mut received, mut core, mut names) = (false, false, 0);
    for (colon, _) in line.match_indices(": ").take(MAX_FIELDS * 2) {
        let before = &line[..colon];
        let start = before
            .rfind(|c: char| c.is_whitespace())
            .map_or(0, |k| k + 1);
        let name = &before[start..];
        // A name starts a field after white space, or at the line's start (not cut there).
        if name.is_empty()
            || !name.starts_with(|c: char| c.is_ascii_uppercase())
            || !plausible_name(&line[start..=colon])
            || !known_name(name)
        {
            continue;
        }
        names += 1;
        // A Received field's value starts with its "from" or "by" clause (RFC 5321 section
        // 4.4): "Received: lines" in a sentence is no field.
        let value = &line[colon + 2..];
        received |= name.eq_ignore_ascii_case("received")
            && (value.starts_with("from ") || value.starts_with("by "));
        core |= [
            "from",
            "date",
            "subject",
            "message-id",
            "authentication-results",
        ]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n));
        if start > at_start {
            cuts.push(start);
        }
    }
    // The joined header starts the line: a line of text that quotes fields further on (a
    // bounce or a note joined with the header it returns) is read as it is.
    let first_at_start = names > cuts.len();
    if names < JOINED_MIN_FIELDS || !received || !core || !first_at_start {
        return Vec::new();
    }
    cuts
}

/// One row of a copied table as a field (see [`untable`]), with whether its name is one mail
/// systems write; `None` when the line is not a row whose first cell is a field name (letters,
/// digits and `-`, from a letter).
fn table_row(line: &str) -> Option<(String, bool)> {
    // A quote mark stays where it was (the whole paste's quote level is removed later); a
    // trailing tab is kept: the cell separator before an empty value.
    let rest = unquote(line);
    let quote = &line[..line.len() - rest.len()];
    let t = rest
        .trim_start_matches([' ', '\t'])
        .trim_end_matches([' ', '\r']);
    let markdown = t.starts_with('|');
    let t = t.strip_prefix('|').unwrap_or(t).trim_start();
    let cell = |t: &str| -> Option<(usize, usize)> {
        let at = t.find(['\t', '|'])?;
        Some((at, at + 1))
    };
    let (mut name, mut rest) = cell(t).map(|(a, b)| (&t[..a], &t[b..]))?;
    let markdown = markdown || t.as_bytes()[name.len()] == b'|';
    if !name.trim().is_empty() && name.trim().bytes().all(|b| b.is_ascii_digit()) {
        let r = rest.trim_start();
        (name, rest) = cell(r).map(|(a, b)| (&r[..a], &r[b..]))?;
    }
    let name = name.trim_matches([' ', '\t']);
    if name.is_empty()
        || name.len() > 100
        || !name.as_bytes()[0].is_ascii_alphabetic()
        || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return None;
    }
    let known = known_name(name);
    let mut value = rest.trim_matches([' ', '\t']);
    if markdown {
        value = value.strip_suffix('|').unwrap_or(value).trim_end();
        return Some((
            format!("{quote}{name}: {}", value.replace("\\|", "|")),
            known,
        ));
    }
    Some((format!("{quote}{name}: {value}"), known))
}

/// A table's head row: two to four cells of a few words each, separated by tabs or `|`.
fn table_head(line: &str) -> bool {
    let t = unquote(line).trim().trim_matches('|');
    let cells: Vec<&str> = t.split(['\t', '|']).map(str::trim).collect();
    (2..=4).contains(&cells.len())
        && cells.iter().all(|c| {
            c.len() <= 24
                && c.chars()
                    .all(|ch| ch.is_alphanumeric() || " #-_".contains(ch))
        })
}

/// A Markdown table's line under its first row: cells of dashes (`| --- | :-: |`, `-- | --`).
fn table_separator(line: &str) -> bool {
    let t = unquote(line).trim();
    t.contains("--")
        && t.contains('|')
        && t.bytes()
            .all(|b| matches!(b, b'-' | b'|' | b':' | b' ' | b'\t'))
}

/// The text without the Markdown strong-emphasis marks (CommonMark 0.31, 6.2: `**` or `__`
/// around the emphasized text) put around field names or whole fields: `**From:** Ann`,
/// `**From**: Ann`, `**X-Field: value**` (also over several lines, the closing marks ending the
/// last one). `None` when no line starts with a mark directly followed by a field name and its
/// colon; lines are neither added nor removed.
fn unbold(text: &str) -> Option<String> {
    fn after_prefix(line: &str) -> usize {
        line.len() - line.trim_start_matches([' ', '\t', '>']).len()
    }
    fn opening(line: &str) -> Option<&'static str> {
        let rest = &line[after_prefix(line)..];
        ["**", "__"].into_iter().find(|m| {
            rest.strip_prefix(m).is_some_and(|r| {
                let r = r.replacen(m, "", 1);
                field_name(&r).is_some() && plausible_name(&r)
            })
        })
    }
    if !text.lines().take(5000).any(|l| opening(l).is_some()) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut open: Option<&str> = None;
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let mut line = std::borrow::Cow::Borrowed(line);
        if let Some(m) = opening(&line) {
            let at = after_prefix(&line);
            let mut plain = format!("{}{}", &line[..at], &line[at + m.len()..]);
            let colon = plain[at..].find(':').map_or(at, |c| at + c);
            let name_end = plain[..colon].trim_end().len();
            if plain[..name_end].ends_with(m) {
                // `**From**: Ann`
                plain.replace_range(name_end - m.len()..name_end, "");
            } else if plain[colon + 1..].starts_with(m) {
                // `**From:** Ann`
                plain.replace_range(colon + 1..colon + 1 + m.len(), "");
            } else {
                open = Some(m);
            }
            line = std::borrow::Cow::Owned(plain);
        }
        if let Some(m) = open {
            let end = line.trim_end().len();
            if line[..end].ends_with(m) {
                let mut plain = line.into_owned();
                plain.replace_range(end - m.len()..end, "");
                line = std::borrow::Cow::Owned(plain);
                open = None;
            }
        }
        out.push_str(&line);
    }
    Some(out)
}

/// HTML's character references for the characters a header uses (`&lt; &gt; &amp; &quot;
/// &#39; &#x27; &nbsp;`), decoded in one pass (so `&amp;lt;` stays `&lt;`).
pub(crate) fn decode_entities(text: &str) -> String {
    const NAMED: [(&str, &str); 7] = [
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&amp;", "&"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&#x27;", "'"),
        ("&nbsp;", " "),
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        match NAMED.iter().find(|(e, _)| tail.starts_with(e)) {
            Some((e, c)) => {
                out.push_str(c);
                rest = &tail[e.len()..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The longest prefix of `line` of at most `max` bytes that ends on a character boundary.
fn floor_boundary(line: &str, max: usize) -> usize {
    let mut at = max.min(line.len());
    while !line.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A line with one quote level ("> " or ">") removed.
fn unquote(line: &str) -> &str {
    match line.trim_start().strip_prefix('>') {
        Some(rest) => rest.strip_prefix(' ').unwrap_or(rest),
        None => line,
    }
}

/// One quote level off a line, if it has one: white space, `>`, one optional space (RFC 3676
/// section 4.5 writes the quote marks; mail programs write `> ` per level, or `>>`).
fn strip_quote(line: &str) -> Option<&str> {
    let rest = line.trim_start_matches([' ', '\t']).strip_prefix('>')?;
    Some(rest.strip_prefix(' ').unwrap_or(rest))
}

/// How many quote levels a line has (`>` marks, each after optional white space; at most 8),
/// and the line without them.
pub fn quote_depth(line: &str) -> (usize, &str) {
    let mut depth = 0;
    let mut rest = line;
    while let Some(r) = strip_quote(rest) {
        depth += 1;
        rest = r;
        if depth > 8 {
            break;
        }
    }
    (depth, rest)
}

/// `line` with up to `levels` quote levels removed (each `>` and one optional space after it).
pub fn strip_quotes(line: &str, levels: usize) -> &str {
    let mut rest = line;
    for _ in 0..levels {
        match strip_quote(rest) {
            Some(r) => rest = r,
            None => break,
        }
    }
    rest
}

/// A header quoted more than once (a reply to a reply: `> > Received:` or `>> Received:`):
/// the levels above one are removed from every line, as many as each line has of them, so the
/// header reads as quoted once and the one-level reading (`unquote`) takes it from there. The
/// depth is that of the first line, among the first lines of the paste, that starts a header
/// section once so reduced (a mail program's summary above it, Outlook's From, Sent, To,
/// Subject, is not one); a paste whose first header section is quoted once or not at all is
/// returned as it was.
fn unnest_quotes(lines: Vec<&str>) -> Vec<&str> {
    let limit = lines.len().min(MAX_PREAMBLE + 40);
    // The first header section of the paste, at whatever depth; only when that one is quoted
    // twice or more are levels removed (a forward whose own header is quoted once, with a
    // bounce quoted twice below it, is read as it is).
    let mut found = None;
    let mut i = 0;
    while i < limit {
        let (depth, rest) = quote_depth(lines[i]);
        // A forward's banner and its summary (From, Date, Subject, To) are the forward's, not
        // the quoted message's header.
        if depth > 0 {
            let window: Vec<&str> = lines[i..lines.len().min(i + 16)]
                .iter()
                .map(|l| strip_quotes(l, depth - 1))
                .collect();
            if let Some(end) = forward_banner_at(&window, 0) {
                i += end.max(1);
                continue;
            }
        }
        if !is_header_start(rest.trim_start()) {
            i += 1;
            continue;
        }
        let window: Vec<&str> = lines[i..lines.len().min(i + 60)]
            .iter()
            .map(|l| strip_quotes(l, depth.saturating_sub(1)))
            .collect();
        // A mail program's summary of the quoted message (all of it) is not its header.
        if let Some(end) = program_summary_at(&window, 0) {
            i += end.max(1);
            continue;
        }
        // Nor is the header of a mail that quotes the header below it.
        if let Some(end) = carrier_header(&window, 0) {
            i += end.max(1);
            continue;
        }
        if header_section_at(&window, 0) {
            found = Some(depth);
            break;
        }
        i += 1;
    }
    let found = found.filter(|&depth| depth >= 2);
    match found {
        Some(depth) => lines
            .into_iter()
            .map(|l| strip_quotes(l, depth - 1))
            .collect(),
        None => lines,
    }
}

/// A skipped line's text for a note: trimmed of its line end, and shortened when very long.
fn clip_line(line: &str) -> String {
    crate::vocab::text::clip_ellipsis(line.trim_end(), 300)
}

/// The non-blank lines `start..end` of the paste, numbered from 1 and clipped, for a notice.
fn listed_lines(lines: &[&str], start: usize, end: usize) -> Vec<(u32, String)> {
    (start..end)
        .filter(|&k| !lines[k].trim().is_empty())
        .map(|k| (k as u32 + 1, clip_line(lines[k])))
        .collect()
}

/// "Line 3 was" / "Lines 3, 5-9 were": the lines of a note in words.
fn span_words(lines: &[(u32, String)], one: &str, many: &str) -> String {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for (n, _) in lines {
        match ranges.last_mut() {
            Some((_, last)) if *last + 1 == *n => *last = *n,
            _ => ranges.push((*n, *n)),
        }
    }
    let list: Vec<String> = ranges
        .iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    if lines.len() == 1 {
        format!("Line {} {one}", list.join(", "))
    } else {
        format!("Lines {} {many}", list.join(", "))
    }
}

/// Where the header section starts, and what was skipped before it.
struct Start {
    index: usize,
    notes: Vec<InputNote>,
}

/// Whether the lines from `i` up to a blank one are a group of header fields: every line starts
/// a field or continues one, and one of the fields at least is a receiver's (`Received`, `Authentication-Results`, `Received-SPF`, `ARC-*`, `X-Spam*`,
/// `X-Forefront-Antispam-Report`, `X-Microsoft-Antispam*`), which no message body starts with.
fn field_group_at<'a>(i: usize, len: usize, cut: &dyn Fn(usize) -> &'a str) -> bool {
    let mut receivers = 0;
    for j in i..len.min(i + 200) {
        let line = cut(j);
        // A blank line, or the closing line of the code block the paste was put in, ends it.
        if is_blank(line) || is_closing_fence(line) {
            break;
        }
        if is_continuation(line) {
            if j == i {
                return false;
            }
            continue;
        }
        let Some(name) = field_name(line).filter(|_| is_header_start(line)) else {
            return false;
        };
        let name = name.trim().to_ascii_lowercase();
        if [
            "received",
            "authentication-results",
            "received-spf",
            "x-forefront-antispam-report",
        ]
        .contains(&name.as_str())
            || ["arc-", "x-spam", "x-microsoft-antispam"]
                .iter()
                .any(|p| name.starts_with(p))
        {
            receivers += 1;
        }
    }
    receivers >= 1
}

/// Lines above the headers looked at, at most: text someone wrote above a paste, a forward's
/// banner and summary, a mail program's summary table.
pub const MAX_PREAMBLE: usize = 80;

/// Whether a line is an mbox separator: "From ", the envelope sender, then the time the message
/// was stored as asctime writes it ("From MAILER-DAEMON Mon Jan  1 00:00:00 2024"; RFC 4155
/// section 2: a time of day and a year). A sentence that starts with "From " ("From a tenant,
/// she says ...") is text.
pub(crate) fn mbox_line(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("From ") else {
        return false;
    };
    let words: Vec<&str> = rest.split_whitespace().take(12).collect();
    let time = words.iter().any(|w| {
        let parts: Vec<&str> = w.split(':').collect();
        (2..=3).contains(&parts.len())
            && parts
                .iter()
                .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
    });
    let year = words
        .iter()
        .any(|w| w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()));
    time && year
}

/// Finds the first line of the header section. Blank lines and an mbox `From ` line at the
/// top are skipped as before. When the first line is not the start of a header section (a
/// block of lines, up to a blank line, with at least two known field names), the lines above
/// the first one that is are skipped and listed: a forward's banner with its summary, a mail
/// program's summary table or labels, and text (prose). When no header section starts within
/// [`MAX_PREAMBLE`] lines, the header is read from the first line, as written.
fn find_start(lines: &[&str]) -> Start {
    let mut notes = Vec::new();
    let mut index = 0;
    while index < lines.len() && lines[index].trim().is_empty() {
        index += 1;
    }
    if index > 0 && index < lines.len() {
        notes.push(InputNote::new(
            "input.leading-blank-lines",
            format!("Skipped {index} blank line(s) before the first header."),
            Some(1),
        ));
    }
    if index < lines.len() && mbox_line(lines[index]) && !is_header_start(lines[index]) {
        let mut note = InputNote::new(
            "input.mbox-line",
            "Skipped the mbox separator line (\"From ...\") before the headers.".into(),
            Some(index as u32 + 1),
        );
        note.lines.push((index as u32 + 1, clip_line(lines[index])));
        notes.push(note);
        index += 1;
    }
    let first = index;
    let view = |i: usize| unquote(lines[i]).trim_start();
    // The common case: the paste starts with its header (a field of a known name, or a block
    // of fields).
    // A Subject line that is the only header field of its block (a ticket's or a mail
    // program's subject line, "Subject: Customers not getting our emails", alone or above a
    // web form's other labels such as "Message: Hi, ..."), with a header section further down:
    // the block is the ticket's, the header is below. (A lone From line is kept: it is what is
    // left of a header whose line ends were lost.)
    let block_end = (first..lines.len().min(first + MAX_PREAMBLE))
        .find(|&i| is_blank(unquote(lines[i])))
        .unwrap_or(lines.len());
    let lone_meta = block_end < lines.len()
        && field_name(view(first)).is_some_and(|n| n.trim().eq_ignore_ascii_case("subject"))
        && !header_section_at(lines, first)
        && (block_end + 1..lines.len().min(first + MAX_PREAMBLE))
            .any(|i| header_section_at(lines, i));
    let carrier = carrier_header(lines, first);
    if first < lines.len()
        && !lone_meta
        && carrier.is_none()
        && program_summary_at(lines, first).is_none()
        && (field_name(view(first)).is_some_and(known_name) && wrapper_at(lines, first).is_none()
            || header_section_at(lines, first))
    {
        return Start {
            index: first,
            notes,
        };
    }
    let mut skipped: Vec<InputNote> = Vec::new();
    let mut prose: Vec<(u32, String)> = Vec::new();
    // The first mail program's summary skipped, and the notes made before it.
    let mut summary: Option<(usize, usize)> = None;
    let flush = |prose: &mut Vec<(u32, String)>, skipped: &mut Vec<InputNote>| {
        if prose.is_empty() {
            return;
        }
        let lines = std::mem::take(prose);
        skipped.push(InputNote {
            code: "input.skipped-prose",
            message: format!(
                "{} text above the headers, not header fields; skipped.",
                span_words(&lines, "is", "are")
            ),
            line: lines.first().map(|(n, _)| *n),
            lines,
        });
    };
    let mut i = first;
    let limit = lines.len().min(first + MAX_PREAMBLE);
    while i < limit {
        if view(i).trim().is_empty() {
            flush(&mut prose, &mut skipped);
            i += 1;
            continue;
        }
        if let Some((end, ui, kind)) = wrapper_at(lines, i) {
            flush(&mut prose, &mut skipped);
            skipped.push(block_note("input.skipped-wrapper", lines, i, end, |span| {
                format!("{span} {kind} of {ui}, not header fields; skipped.")
            }));
            i = end;
            continue;
        }
        // A forward's banner with its summary, or a mail program's summary without a banner
        // (Outlook's From, Sent, To, Subject).
        let forward = forward_banner_at(lines, i)
            .map(|end| {
                (
                    end,
                    "the banner of a forward and its summary",
                    "the forwarded message's header",
                )
            })
            .or_else(|| {
                program_summary_at(lines, i).map(|end| {
                    summary.get_or_insert((i, skipped.len() + usize::from(!prose.is_empty())));
                    (
                        end,
                        "a mail program's summary of a forwarded or quoted message",
                        "its header",
                    )
                })
            });
        if let Some((end, what, not)) = forward {
            flush(&mut prose, &mut skipped);
            let first = crate::vocab::text::clip_ellipsis(view(i).trim(), 60);
            skipped.push(block_note("input.skipped-forward", lines, i, end, |span| {
                format!("{span} {what} (\"{first}\"), not {not}; skipped.")
            }));
            i = end;
            continue;
        }
        if let Some(end) = carrier_header(lines, i) {
            flush(&mut prose, &mut skipped);
            skipped.push(block_note("input.skipped-forward", lines, i, end, |span| {
                format!("{span} the header of the mail that carried the quoted header below (a forward or a reply), not that header; skipped.")
            }));
            i = end;
            continue;
        }
        if header_section_at(lines, i) && !quarantine_listing_at(lines, i, limit) {
            flush(&mut prose, &mut skipped);
            notes.append(&mut skipped);
            return Start { index: i, notes };
        }
        // The opening line of a Markdown code block (CommonMark 0.31, 4.5: three or more
        // backticks or tildes, then an optional info string such as `text`): how the paste was
        // carried, not text of the customer's or of a bounce.
        if is_opening_fence(view(i)) {
            flush(&mut prose, &mut skipped);
            skipped.push(InputNote {
                code: "input.skipped-wrapper",
                message: format!(
                    "Line {} opens a Markdown code block, not a header field; skipped.",
                    i + 1
                ),
                line: Some(i as u32 + 1),
                lines: vec![(i as u32 + 1, clip_line(lines[i]))],
            });
            i += 1;
            continue;
        }
        prose.push((i as u32 + 1, clip_line(lines[i])));
        i += 1;
    }
    // No header section below a mail program's summary: the summary is the header there is
    // (a notice shown by the mail program and forwarded or pasted with its summary).
    if let Some((index, before)) = summary {
        skipped.truncate(before);
        notes.append(&mut skipped);
        return Start { index, notes };
    }
    // No header section: read from the first line, as written.
    Start {
        index: first,
        notes,
    }
}

/// The note for a block of lines `i..end` skipped above the header: `what` words it after the
/// span ("Lines 3-5 are").
fn block_note(
    code: &'static str,
    lines: &[&str],
    i: usize,
    end: usize,
    what: impl FnOnce(&str) -> String,
) -> InputNote {
    let listed = listed_lines(lines, i, end);
    InputNote {
        code,
        message: what(&span_words(&listed, "is", "are")),
        line: Some(i as u32 + 1),
        lines: listed,
    }
}

/// A mail's own summary header above the header it quotes: where that summary ends. A customer
/// who forwards or answers with the header they were asked for sends a mail of their own, and a
/// ticket shows it with its From, To, Subject and Date above the text; the header they quote
/// (RFC 3676 section 4.5's `> ` marks) is the message the ticket is about. The block at `first`
/// is unquoted and holds only those summary fields, no trace of its own (no Received,
/// Authentication-Results or signature); the first quoted line below it, within the preamble,
/// starts a header section with a Received field, or the first line after the blank line that
/// ends it does (unquoted: a phone mail app's "message details" shows the summary, then the raw
/// header). A quote that opens with anything else (a
/// reply quoting a bounce's words, "> This is the mail system at host ...") is not one: there
/// the quoted text is a report, read from the top as before.
fn carrier_header(lines: &[&str], first: usize) -> Option<usize> {
    const SUMMARY: [&str; 8] = [
        "from", "to", "cc", "bcc", "subject", "date", "sent", "reply-to",
    ];
    if first >= lines.len() {
        return None;
    }
    // Read at the summary's own quote depth (a whole paste quoted once more).
    let depth = quote_depth(lines[first]).0;
    let limit = lines.len().min(first + MAX_PREAMBLE);
    let view: Vec<&str> = lines[first..limit]
        .iter()
        .map(|l| strip_quotes(l, depth))
        .collect();
    // A paste indented as a whole (a ticket form, a quote block): read at the summary's own
    // indentation.
    let first_line = view[0];
    let indent = &first_line[..first_line.len() - first_line.trim_start_matches([' ', '\t']).len()];
    let view: Vec<&str> = view
        .iter()
        .map(|l| l.strip_prefix(indent).unwrap_or(l))
        .collect();
    if !header_section_at(&view, 0) {
        return None;
    }
    let mut end = 0;
    while end < view.len() && !view[end].trim().is_empty() {
        let line = view[end];
        if quote_depth(line).0 > 0 {
            return None;
        }
        if !is_continuation(line) {
            let name = field_name(line)?.to_ascii_lowercase();
            if !SUMMARY.contains(&name.as_str()) {
                return None;
            }
        }
        end += 1;
    }
    // The quoted header below it; or, right after the blank line that ends the summary, an
    // unquoted one (a mail program's "message details" screen shows the summary and then the
    // raw header).
    let next = (end..view.len()).find(|&i| !unquote(view[i]).trim().is_empty())?;
    let quoted = if quote_depth(view[next]).0 == 0 && !header_section_at(&view, next) {
        (next..view.len())
            .find(|&i| quote_depth(view[i]).0 > 0 && !unquote(view[i]).trim().is_empty())?
    } else {
        next
    };
    if !header_section_at(&view, quoted) {
        return None;
    }
    let traced = view[quoted..]
        .iter()
        .map(|l| unquote(l))
        .take_while(|v| !v.trim().is_empty())
        .any(|v| field_name(v).is_some_and(|n| n.eq_ignore_ascii_case("received")));
    traced.then_some(first + end)
}

/// Whether a header section starts at line `i`: it can start a field, and the block from it to
/// the next blank line (at most 60 lines) holds at least two fields of known names.
fn header_section_at(lines: &[&str], i: usize) -> bool {
    fn view(l: &str) -> &str {
        unquote(l).trim_start()
    }
    if !is_header_start(view(lines[i])) {
        return false;
    }
    let mut known = 0;
    let mut fields = 0;
    let mut empty_above = false;
    let first = unquote(lines[i]);
    let indent = &first[..first.len() - first.trim_start_matches([' ', '\t']).len()];
    for line in lines.iter().skip(i).take(60) {
        let v = view(line);
        // A blank line or the closing line of a Markdown code block ends the block.
        if v.trim().is_empty() || v.starts_with("```") || v.starts_with("~~~") {
            break;
        }
        if field_name(v).is_some_and(known_name) {
            known += 1;
            if known >= 2 {
                return true;
            }
        }
        // Lines that start a field at the block's own indentation (a whole paste may be
        // indented or quoted).
        let own = unquote(line).strip_prefix(indent).unwrap_or(unquote(line));
        // The value of an empty field above it, its indentation lost, is no field of its own
        // (as `normalize_from` reads it).
        let value_below = empty_above && !plausible_field(own);
        empty_above = false;
        if !is_continuation(own) && field_name(own).is_some() && !value_below {
            fields += 1;
            empty_above = own
                .split_once(':')
                .is_some_and(|(_, v)| v.trim().is_empty());
        }
    }
    // One field alone in its block (the line a customer was asked about, copied on its own),
    // when its name is one only a mail system writes: an `X-` or `ARC-` field, or the trace
    // and result fields (RFC 5321 4.4, RFC 7208 9.1, RFC 8601, RFC 6376).
    fields == 1 && field_name(view(lines[i])).is_some_and(header_only_name)
}

/// A Microsoft 365 quarantine notification's listing of a held message: its "Sender:",
/// "Subject:" and "Date:" lines under the notification's heading for the kind of message held
/// ("Prevented spam messages", "Prevented phishing messages", "Quarantined email"; Microsoft
/// Learn, "Quarantine notifications (end-user spam notifications) in EOP"), a few lines above.
/// They describe the held message; its header, when the customer adds it, comes below (a
/// header section further down, before `limit`): without one, the listing is what there is.
fn quarantine_listing_at(lines: &[&str], i: usize, limit: usize) -> bool {
    const HEADINGS: [&str; 4] = [
        "prevented ",
        "quarantined email",
        "are being held for you to review",
        "messages in quarantine",
    ];
    let listed = lines[i.saturating_sub(8)..i].iter().any(|l| {
        let l = l.trim().to_ascii_lowercase();
        HEADINGS.iter().any(|h| l.contains(h))
            && (l.contains("quarantine") || l.contains("messages") || l.contains("email"))
    });
    if !listed {
        return false;
    }
    let limit = limit.min(lines.len());
    let end = (i..limit)
        .find(|&k| unquote(lines[k]).trim().is_empty())
        .unwrap_or(limit);
    (end..limit).any(|k| header_section_at(lines, k))
}

/// A field name no one writes in prose: `X-` and `ARC-` fields, Authentication-Results,
/// Received-SPF, DKIM-Signature.
fn header_only_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.len() > 2 && (lower.starts_with("x-") || lower.starts_with("arc-")))
        || matches!(
            lower.as_str(),
            "authentication-results" | "received-spf" | "dkim-signature"
        )
}

/// A mail program's summary block or label at line `i`: where it ends (exclusive), the
/// program, and what it is. A block opens with a `start` line of `data/paste/wrappers.tsv` (or
/// a `key` line with the block's `end` line within a few lines) and runs through its `end`
/// line, or else through its last `key` line.
fn wrapper_at(lines: &[&str], i: usize) -> Option<(usize, &'static str, &'static str)> {
    let row = wrapper_row(wrapper_key(lines[i])?)?;
    match row[2] {
        "label" => Some((i + 1, row[1], "a label")),
        "start" | "key" => {
            let mut last_key = (row[2] == "start").then_some(i);
            for (k, line) in lines.iter().enumerate().skip(i + 1).take(15) {
                let Some(r) = wrapper_key(line).and_then(wrapper_row) else {
                    if line.trim().is_empty() {
                        continue;
                    }
                    break;
                };
                match r[2] {
                    "end" => return Some((k + 1, r[1], "the summary")),
                    "key" | "start" => last_key = Some(k),
                    _ => break,
                }
            }
            // A table without its end line: only when it opened with a start line.
            (row[2] == "start").then(|| last_key.map(|k| (k + 1, row[1], "the summary")))?
        }
        _ => None,
    }
}

/// A line's key for `data/paste/wrappers.tsv`: its text up to the first colon or tab,
/// trimmed, one quote level off (a quoted paste carries the mail program's summary quoted too,
/// as [`forward_banner_at`] reads a quoted forward's banner).
fn wrapper_key(line: &str) -> Option<&str> {
    let key = unquote(line)
        .split([':', '\t'])
        .next()
        .unwrap_or("")
        .trim_matches([' ', '\t']);
    (!key.is_empty() && key.len() <= 24).then_some(key)
}

/// The row of `data/paste/wrappers.tsv` for a key (compared ASCII case-insensitively).
fn wrapper_row(key: &str) -> Option<&'static [&'static str; 3]> {
    if key.len() > 24 {
        return None;
    }
    let mut lower = [0u8; 24];
    for (d, s) in lower.iter_mut().zip(key.bytes()) {
        *d = s.to_ascii_lowercase();
    }
    let lower = std::str::from_utf8(&lower[..key.len()]).ok()?;
    crate::vocab::tables::lookup(crate::vocab::tables::paste::WRAPPERS, lower)
}

/// The keys of a mail program's summary of a forwarded or quoted message, as mail programs
/// write them, each with the field it stands for: English, and Outlook's labels in German,
/// French, Spanish, Italian, Dutch and Portuguese (its reply and forward header in those
/// languages: "Von/Gesendet/An/Betreff", "De/Envoyé/À/Objet", "De/Enviado el/Para/Asunto",
/// "Da/Inviato/A/Oggetto", "Van/Verzonden/Aan/Onderwerp", "De/Enviado/Para/Assunto"), and the
/// date key of Thunderbird's and Gmail's forward banners in those languages; and the labels
/// of mail programs' message headers in Polish ("Od/Wysłano/Do/DW/Temat", also Roundcube's),
/// Czech ("Od/Odesláno/Komu/Předmět"), Swedish ("Från/Skickat/Till/Kopia/Ämne"), Danish and
/// Norwegian ("Fra/Sendt/Til/Emne/Dato"), Finnish ("Lähettäjä/Lähetetty/Vastaanottaja/Aihe")
/// and Turkish ("Kimden/Gönderildi/Kime/Konu/Tarih"); Thunderbird's forward header in Italian
/// ("Oggetto/Data/Mittente/A"); QQ Mail's and Foxmail's forward header in Chinese
/// ("发件人/发送时间/收件人/抄送/主题", and webmail's "时间"), Outlook's in Japanese ("差出人/送信日時/宛先/件名") and
/// Korean ("보낸 사람/보낸 날짜/받는 사람/참조/제목"), and Outlook's in Russian ("От/Отправлено/Кому/
/// Копия/Тема", with "Дата" as other mail programs date it).
const SUMMARY: [(&str, &str); 89] = [
    ("from", "from"),
    ("date", "date"),
    ("sent", "sent"),
    ("subject", "subject"),
    ("to", "to"),
    ("cc", "cc"),
    ("bcc", "bcc"),
    ("reply-to", "reply-to"),
    ("von", "from"),
    ("gesendet", "sent"),
    ("datum", "date"),
    ("an", "to"),
    ("betreff", "subject"),
    ("kopie", "cc"),
    ("de", "from"),
    ("envoyé", "sent"),
    ("à", "to"),
    ("objet", "subject"),
    ("para", "to"),
    ("asunto", "subject"),
    ("enviado", "sent"),
    ("enviado el", "sent"),
    ("fecha", "date"),
    ("verzonden", "sent"),
    ("van", "from"),
    ("aan", "to"),
    ("onderwerp", "subject"),
    ("inviato", "sent"),
    ("da", "from"),
    ("a", "to"),
    ("oggetto", "subject"),
    ("data", "date"),
    ("assunto", "subject"),
    ("envoyé le", "sent"),
    ("gesendet am", "sent"),
    ("enviada", "sent"),
    ("cco", "bcc"),
    ("od", "from"),
    ("wysłano", "sent"),
    ("do", "to"),
    ("dw", "cc"),
    ("udw", "bcc"),
    ("temat", "subject"),
    ("odesláno", "sent"),
    ("komu", "to"),
    ("předmět", "subject"),
    ("från", "from"),
    ("skickat", "sent"),
    ("till", "to"),
    ("kopia", "cc"),
    ("ämne", "subject"),
    ("fra", "from"),
    ("sendt", "sent"),
    ("til", "to"),
    ("emne", "subject"),
    ("dato", "date"),
    ("lähettäjä", "from"),
    ("lähetetty", "sent"),
    ("vastaanottaja", "to"),
    ("aihe", "subject"),
    ("päivämäärä", "date"),
    ("kimden", "from"),
    ("gönderildi", "sent"),
    ("kime", "to"),
    ("konu", "subject"),
    ("tarih", "date"),
    ("bilgi", "cc"),
    ("mittente", "from"),
    ("发件人", "from"),
    ("发送时间", "sent"),
    ("收件人", "to"),
    ("抄送", "cc"),
    ("主题", "subject"),
    ("时间", "date"),
    ("差出人", "from"),
    ("送信日時", "sent"),
    ("宛先", "to"),
    ("件名", "subject"),
    ("보낸 사람", "from"),
    ("보낸 날짜", "sent"),
    ("받는 사람", "to"),
    ("참조", "cc"),
    ("제목", "subject"),
    ("от", "from"),
    ("отправлено", "sent"),
    ("кому", "to"),
    ("копия", "cc"),
    ("тема", "subject"),
    ("дата", "date"),
];

/// The colons a mail program's summary label ends in: ASCII, and the full-width one of
/// Chinese and Japanese labels ("主题：").
pub const LABEL_COLONS: [char; 2] = [':', '\u{ff1a}'];

/// The field a mail program's summary line stands for ("Oggetto: ..." is the subject), when
/// the text before its colon (one of [`LABEL_COLONS`]) is one of [`SUMMARY`]'s keys (letters
/// of any script and spaces, as localized labels are written: "À :", "Enviado el:").
pub fn summary_key(line: &str) -> Option<&'static str> {
    let colon = line.find(LABEL_COLONS)?;
    let key = line[..colon].trim();
    if key.is_empty() || key.len() > 24 {
        return None;
    }
    let key = key.to_lowercase();
    SUMMARY
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, field)| *field)
}

/// A mail program's summary of a forwarded or quoted message at line `i` without a banner
/// above it (Outlook's reply and forward header: "From:", "Sent:", "To:", "Subject:"): lines
/// up to a blank one whose keys are all the summary's and one of them the time it was sent as
/// mail programs label it ("Sent:", "Gesendet:", "Envoyé :", "Enviado:", "Verzonden:"), a key
/// no RFC 5322 message header has. Where it ends (exclusive).
pub fn program_summary_at(lines: &[&str], i: usize) -> Option<usize> {
    let (mut sent, mut dated, mut localized) = (false, false, false);
    let mut end = i;
    // The first line's indentation (a whole paste may be indented): a line indented further
    // continues the field above it.
    let first = lines.get(i).map_or("", |l| unquote(l));
    let indent = first.len() - first.trim_start_matches([' ', '\t']).len();
    while end < lines.len() && end < i + 12 {
        let line = lines[end];
        let v = unquote(line);
        if v.trim().is_empty() {
            break;
        }
        if end > i && v.len() - v.trim_start_matches([' ', '\t']).len() > indent {
            end += 1;
            continue;
        }
        let field = summary_key(v.trim_start())?;
        sent |= field == "sent";
        dated |= field == "date";
        // A label that is not the field's own name ("Data:", "Betreff:"): a mail program's
        // translation, which no message header has.
        localized |= v
            .trim_start()
            .split(':')
            .next()
            .is_some_and(|k| !k.trim().eq_ignore_ascii_case(field));
        end += 1;
    }
    // Outlook's summary has its Sent line; a mail program that shows the header under
    // translated labels (Roundcube's "Temat/Od/Do/Data") has its date.
    (sent || dated && localized).then_some(end)
}

/// Apple Mail's banner above a forwarded message ("Begin forwarded message:") in its
/// localizations, lowercase, without the colon (French writes a space before it: "Début du
/// message réexpédié :"). The list the email-forward-parser project keeps per locale: cs, da,
/// de, es, fi, fr (and iOS's fr), hr, hu, it, nl, no, pl, pt, pt-br, ro, ru, sk, sv, tr, uk;
/// and the newer German wording "Anfang der weitergeleiteten E-Mail".
const APPLE_FORWARD_BANNERS: [&str; 23] = [
    "begin forwarded message",
    "začátek přeposílané zprávy",
    "start på videresendt besked",
    "anfang der weitergeleiteten nachricht",
    "inicio del mensaje reenviado",
    "välitetty viesti alkaa",
    "début du message réexpédié",
    "début du message transféré",
    "započni proslijeđenu poruku",
    "továbbított levél kezdete",
    "inizio messaggio inoltrato",
    "begin doorgestuurd bericht",
    "videresendt melding",
    "początek przekazywanej wiadomości",
    "início da mensagem reencaminhada",
    "início da mensagem encaminhada",
    "începe mesajul redirecționat",
    "начало переадресованного сообщения",
    "začiatok preposlanej správy",
    "vidarebefordrat mejl",
    "i\u{307}leti başlangıcı",
    "початок листа, що пересилається",
    "anfang der weitergeleiteten e-mail",
];

/// A forward's banner at line `i` ("---------- Forwarded message ---------", "-----Original
/// Message-----", "Begin forwarded message:"), with the summary lines below it (From, Date,
/// Sent, Subject, To, Cc: up to a blank line): where it ends (exclusive).
pub fn forward_banner_at(lines: &[&str], i: usize) -> Option<usize> {
    let line = unquote(lines[i]).trim();
    let dashes = line.starts_with("---")
        && line.ends_with("---")
        && line
            .trim_matches('-')
            .trim()
            .chars()
            .any(char::is_alphabetic);
    let begin = {
        let l = line.to_lowercase();
        let l = l.trim_end_matches(LABEL_COLONS).trim_end();
        APPLE_FORWARD_BANNERS.contains(&l)
    };
    if !dashes && !begin {
        return None;
    }
    // A field of another name than the summary's (Return-Path, Received, Delivered-To) is the
    // forwarded message's own header, pasted right under the banner.
    let mut end = i + 1;
    while end < lines.len() && end < i + 12 {
        let v = unquote(lines[end]).trim_start();
        if v.trim().is_empty()
            || !(summary_key(v).is_some() || (end > i + 1 && is_continuation(lines[end])))
        {
            break;
        }
        end += 1;
    }
    Some(end)
}

/// The field name of a line that can start a header field (see [`is_header_start`]).
fn field_name(line: &str) -> Option<&str> {
    let colon = line.find(':')?;
    let name = line[..colon].trim_end_matches([' ', '\t']);
    (!name.is_empty() && name.len() <= 200 && name.bytes().all(|b| (33..=126).contains(&b)))
        .then_some(name)
}

/// Whether a field name is one a reader knows: explained in `header_info`, or of a family
/// every mail system writes (`X-`, `ARC-`, `List-`, `Content-`, `Resent-`).
fn known_name(name: &str) -> bool {
    const FAMILIES: [&str; 5] = ["x-", "arc-", "list-", "content-", "resent-"];
    FAMILIES.iter().any(|f| {
        name.len() > f.len()
            && name.is_char_boundary(f.len())
            && name[..f.len()].eq_ignore_ascii_case(f)
    }) || crate::parse::header_info::explain(name).is_some()
}

/// Whether the text before a line's first colon could be a field name a mail system writes:
/// a letter, then letters, digits, `-`, `_` or `.`, at most 100 of them.
fn plausible_name(line: &str) -> bool {
    let name = line
        .find(':')
        .map_or("", |c| line[..c].trim_end_matches([' ', '\t']))
        .as_bytes();
    !name.is_empty()
        && name.len() <= 100
        && name[0].is_ascii_alphabetic()
        && name
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Whether a line at column 0, in a paste whose folded lines lost their indentation, starts a
/// new field rather than continuing the one above: a name of letters, digits, `-`, `_` or `.`
/// that starts with a letter, then the colon followed by white space or the end of the line;
/// with the value glued to the colon, only a known name whose value is not itself a list of
/// names. So `BCL:0;ARA:...`, `CIP:192.0.2.1;CTRY:...`, `h=From:Date:` and
/// `Content-Language:MIME-Version:Date:` (the rest of long fields re-wrapped at column 0) are
/// continuations.
fn plausible_field(line: &str) -> bool {
    let Some(colon) = line.find(':') else {
        return false;
    };
    let name = line[..colon].trim_end_matches([' ', '\t']).as_bytes();
    if !plausible_name(line) {
        return false;
    }
    let rest = &line[colon + 1..];
    if rest.is_empty() || rest.starts_with([' ', '\t']) {
        return true;
    }
    if !known_name(&line[..name.len()]) {
        return false;
    }
    let token = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    !(token > 0 && rest[token..].starts_with([':', ';']))
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

/// The width at which every long line of the header was cut off, and how many lines reach it:
/// a terminal pager that chops long lines instead of wrapping them (less(1) -S,
/// --chop-long-lines: "lines longer than the screen width [are] chopped (truncated) rather than
/// wrapped") or a fixed-width window leaves the header's long lines all exactly as long as the
/// screen is wide, none longer, and cut anywhere: inside a comment, an address literal or a
/// quoted string, which a header line folded by its writer (RFC 5322 section 2.2.3: folding
/// happens at white space) or a mail client's wrap seldom does at one same column. At least
/// five lines at that width and three of them with an unclosed "(", "[", "<" or quote.
fn chopped(lines: &[&str]) -> Option<(usize, usize)> {
    let header: Vec<&str> = lines
        .iter()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .take(2000)
        .map(|l| l.trim_end())
        .collect();
    let widths: Vec<usize> = header.iter().map(|l| l.chars().count()).collect();
    let width = widths.iter().copied().max()?;
    if !(60..=250).contains(&width) {
        return None;
    }
    let at_width: Vec<&str> = header
        .iter()
        .zip(&widths)
        .filter(|(_, w)| **w == width)
        .map(|(l, _)| *l)
        .collect();
    let unclosed = at_width.iter().filter(|l| leaves_open(l)).count();
    (at_width.len() >= 5 && unclosed >= 3).then_some((width, at_width.len()))
}

/// Whether a text leaves a comment, address literal, angle-bracketed address or quoted string
/// open (more openers than closers, or an odd number of double quotes). One pass over the bytes
/// (the marks are ASCII): the diagnosis runs this for every structured field of every analysis,
/// and a pass per mark cost the wasm build about 0.2 ms on a typical header.
pub fn leaves_open(text: &str) -> bool {
    let mut n = [0usize; 7];
    for b in text.bytes() {
        if let Some(i) = b"()[]<>\"".iter().position(|&m| m == b) {
            n[i] += 1;
        }
    }
    n[0] > n[1] || n[2] > n[3] || n[4] > n[5] || n[6] % 2 == 1
}

/// Whether the lines from `first` (a line that can start a field) are a header whose line
/// ends were doubled: at least eight lines each followed by exactly one blank line, most of
/// them header lines, up to the header's end (a longer run of blank lines) or the end of the
/// paste (or three or more, all header lines, to the end of the paste).
fn doubled_from(lines: &[&str], first: usize) -> bool {
    // A blank line, or one that is blank but for its quote mark (a doubled paste quoted in a
    // reply: `>` alone).
    let blank = |l: &str| unquote(l).trim().is_empty();
    let mut i = first;
    let mut paired = 0;
    let mut fields = 0;
    // A Markdown code block's closing fence below the header is how the paste was carried,
    // and pairs like the header's lines.
    let header_line = |l: &str| {
        let view = unquote(l);
        is_continuation(view) || is_header_start(view.trim_start()) || is_closing_fence(view)
    };
    // Whether the paired lines run to the end of the paste (nothing but blank lines after them,
    // or one last header line with its line end cut) or to a header's end as doubling writes it
    // (an odd run of three or more blank lines).
    let mut to_end = false;
    while i + 1 < lines.len() && !blank(lines[i]) {
        if !blank(lines[i + 1]) {
            return false;
        }
        paired += 1;
        fields += usize::from(header_line(lines[i]));
        if i + 2 >= lines.len() || blank(lines[i + 2]) {
            // The header's end: its one blank line doubled is three (a line end doubled after
            // the last field, then the blank line's own two), or the paste ends.
            let run = lines[i + 1..].iter().take_while(|l| blank(l)).count();
            to_end = i + 1 + run == lines.len() || (run >= 3 && run % 2 == 1);
            break;
        }
        i += 2;
    }
    if i + 1 == lines.len() && header_line(lines[i]) {
        paired += 1;
        fields += 1;
        to_end = true;
    }
    // Most of those lines are header lines (a field or its folded rest): what came before them
    // (an mbox line, a mail program's label, a line of text) has its line ends doubled too.
    // A short paste is taken as doubled only when it is header lines alone, each followed by
    // one blank line, to its end or to a doubled header end: three header lines or more so
    // paired are not a header and a body (a body under a header's first line would not be
    // header lines too).
    let short_whole = to_end && paired >= 3 && fields == paired;
    !((paired < 8 && !short_whole) || fields * 2 < paired)
}

/// The lines to keep when every line end of the paste was doubled (see [`doubled_from`]):
/// each run of blank lines is halved (one line end was two). `None` for any other paste.
fn undouble(lines: &[&str]) -> Option<Vec<usize>> {
    // From the first line that can start a field (text above the header has its line ends
    // doubled too, and is halved with the rest); when the lines from there do not pair (a
    // mail program's summary table above the header, "From:", "To:" and lines of its own, such
    // as Gmail's "Show original" page), from the next such line, among the first 24.
    let blank = |l: &str| unquote(l).trim().is_empty();
    // The preamble counted in doubled lines: each line of text above the header is two.
    (0..lines.len().min(2 * MAX_PREAMBLE))
        .filter(|&i| {
            is_header_start(unquote(lines[i]).trim_start()) && (i == 0 || blank(lines[i - 1]))
        })
        .take(24)
        .find(|&first| doubled_from(lines, first))?;
    let mut kept = Vec::with_capacity(lines.len() / 2 + 1);
    let mut run: Vec<usize> = Vec::new();
    for (n, l) in lines.iter().enumerate() {
        if blank(l) {
            run.push(n);
            continue;
        }
        kept.extend(run.iter().take(run.len() / 2));
        run.clear();
        kept.push(n);
    }
    kept.extend(run.iter().take(run.len() / 2));
    Some(kept)
}

/// Whether a line opens a Markdown code block: three or more backticks (then an info string
/// without a backtick) or three or more tildes (then any info string), at most three spaces in
/// (CommonMark 0.31, 4.5).
fn is_opening_fence(line: &str) -> bool {
    let t = line.trim_end();
    let lead = t.len() - t.trim_start_matches(' ').len();
    let t = t.trim_start_matches(' ');
    if lead > 3 {
        return false;
    }
    let ticks = t.len() - t.trim_start_matches('`').len();
    let tildes = t.len() - t.trim_start_matches('~').len();
    (ticks >= 3 && !t[ticks..].contains('`')) || tildes >= 3
}

/// Whether a line is a Markdown code block's closing fence: three or more backticks or three or
/// more tildes, with at most three spaces before and spaces after (CommonMark 0.31, 4.5).
fn is_closing_fence(line: &str) -> bool {
    let t = line.trim_end();
    let lead = t.len() - t.trim_start_matches(' ').len();
    let t = t.trim_start_matches(' ');
    lead <= 3 && t.len() >= 3 && (t.bytes().all(|b| b == b'`') || t.bytes().all(|b| b == b'~'))
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
    fn markdown_bold_marks_around_fields_are_removed() {
        let n = normalize(
            b"**From:** Ann <ann@a.example>\n__To__: b@b.example\n**X-Spam-Status: Yes,\n score=7.1**\nSubject: a **b**\n\n",
        );
        assert!(codes(&n).contains(&"input.markdown-bold"));
        assert_eq!(n.fields[0].unfolded(), "Ann <ann@a.example>");
        assert_eq!(n.fields[1].name, "To");
        assert_eq!(n.fields[2].name, "X-Spam-Status");
        assert_eq!(n.fields[2].unfolded(), "Yes, score=7.1");
        // Emphasis inside a value is the text's own.
        assert_eq!(n.fields[3].unfolded(), "a **b**");
        let plain = normalize(b"From: a@a.example\nSubject: a **b**\n\n");
        assert!(!codes(&plain).contains(&"input.markdown-bold"));
    }

    #[test]
    fn a_ticket_forms_subject_block_above_the_header_is_skipped() {
        let header = "Received: from a.example (a.example [192.0.2.1]) by b.example; Tue, 2 Jan 2024 10:00:00 +0000\nFrom: Ann <ann@a.example>\nTo: b@b.example\n\nbody\n";
        // A subject line alone, or above the form's own labels: the ticket's.
        for top in [
            "Subject: Customers not getting our mail\n\n",
            "Subject: Customers not getting our mail\nMessage: Hi, the headers are below:\n\n",
        ] {
            let n = normalize(format!("{top}{header}").as_bytes());
            assert_eq!(n.fields[0].name, "Received", "{top}");
            assert!(!n.fields.iter().any(|f| f.name == "Message"), "{top}");
        }
        // A Subject above another header field is a header; with no trace field of its own,
        // above a header that has one, it is the summary of the mail that carried it.
        let n = normalize(
            format!("Subject: hello\nDate: Tue, 2 Jan 2024 10:00:00 +0000\n\n{header}").as_bytes(),
        );
        assert_eq!(n.fields[0].name, "Received");
        let n = normalize(
            "Subject: hello\nDate: Tue, 2 Jan 2024 10:00:00 +0000\n\nFrom: Ann <ann@a.example>\nTo: b@b.example\n\nbody\n"
                .as_bytes(),
        );
        assert_eq!(n.fields[0].name, "Subject");
    }

    #[test]
    fn a_message_details_summary_above_the_raw_header_is_skipped() {
        // A phone mail app's "message details": the summary, a blank line, the raw header.
        let paste = "Message details\nFrom: Ann <ann@a.example>\nTo: b@b.example\nDate: 3 Mar 2026, 14:11\n\nReturn-Path: <ann@a.example>\nReceived: from mail.a.example ([192.0.2.1]) by mx.b.example; Tue, 3 Mar 2026 14:11:20 +0100\nFrom: Ann <ann@a.example>\nTo: b@b.example\nSubject: Invoice\n";
        for text in [
            paste.to_string(),
            paste
                .lines()
                .map(|l| {
                    if l.is_empty() {
                        String::new()
                    } else {
                        format!("    {l}")
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
        ] {
            let n = normalize(text.as_bytes());
            assert!(
                n.fields.iter().any(|f| f.name.trim() == "Received"),
                "{text}"
            );
            assert!(
                !n.fields
                    .iter()
                    .any(|f| f.value.contains("14:11") && f.name.trim() == "Date"),
                "{text}"
            );
        }
    }

    #[test]
    fn a_forward_header_above_the_header_it_quotes_is_the_carrier() {
        let top = "Subject: Fwd: your invoices go to my spam\nFrom: Colin <c@gmail.example>\nTo: accounts@a.example\n\nHere are the lines from Gmail. They land in spam every month.\n\n";
        let quoted = "> Received: from erp.a.example (erp.a.example [192.0.2.1])\n>         by mx.b.example; Tue, 2 Jan 2024 10:00:00 +0000\n> From: Accounts <accounts@a.example>\n> Subject: Invoice\n";
        let n = normalize(format!("{top}{quoted}").as_bytes());
        assert_eq!(n.fields[0].name, "Received");
        assert!(
            n.fields
                .iter()
                .any(|f| f.name == "Subject" && f.value.trim() == "Invoice"),
            "{:?}",
            n.fields
                .iter()
                .map(|f| (&f.name, &f.value))
                .collect::<Vec<_>>()
        );
        let note = n.notes.iter().find(|x| x.code == "input.skipped-forward");
        assert_eq!(note.map(|x| x.lines.len()), Some(3));
        // The customer's sentence stays as their words.
        assert!(n.notes.iter().any(|x| x.code == "input.skipped-prose"));
        // A reply that quotes a bounce's words (not a header) is read from the top as before,
        // and so is a header whose block has a trace field of its own.
        for top in [
            format!("{top}> This is the mail system at host a.example.\n>\n{quoted}"),
            format!(
                "Received: from x (x [192.0.2.9]) by y; Tue, 2 Jan 2024 10:00:00 +0000\n{top}{quoted}"
            ),
            format!("{top}{}", quoted.replace("> ", "")),
        ] {
            let n = normalize(top.as_bytes());
            assert!(n.fields.iter().any(|f| f.value.contains("Fwd:")), "{top}");
        }
    }

    #[test]
    fn a_quarantine_listing_is_not_the_header_below_it() {
        let notice = "Prevented phishing messages\n\nSender:   a@b.example\nSubject:  Invoice\nDate:     11/9/2026 6:31:53 AM\n\nRelease    Review Message\n\nReceived: from a (192.0.2.1) by b\nFrom: a@b.example\nSubject: Invoice\n";
        let lines: Vec<&str> = notice.lines().collect();
        assert!(header_section_at(&lines, 2));
        assert!(quarantine_listing_at(&lines, 2, lines.len()));
        // Without the held message's header below, the listing is what there is.
        assert!(!quarantine_listing_at(&lines[..7], 2, 7));
    }

    #[test]
    fn localized_summary_keys_stand_for_their_fields() {
        assert_eq!(summary_key("Oggetto: Fattura"), Some("subject"));
        assert_eq!(summary_key("À : Anne <a@a.example>"), Some("to"));
        assert_eq!(summary_key("Enviado el: lunes"), Some("sent"));
        assert_eq!(summary_key("Von: Microsoft Outlook"), Some("from"));
        assert_eq!(summary_key("X-Mailer: x"), None);
        // Outlook's Italian summary, without a banner, is a summary (its "Inviato:" key).
        let lines = [
            "Da: Microsoft Outlook <MicrosoftExchange1@a.example>",
            "Inviato: martedì 19 gennaio 2027 11:08",
            "A: Amministrazione <amministrazione@a.example>",
            "Oggetto: Non recapitabile: Fattura",
            "",
        ];
        assert_eq!(program_summary_at(&lines, 0), Some(4));
    }

    #[test]
    fn groups_of_trace_fields_with_blank_lines_between_are_one_header() {
        let paste = "Received: from a.example (a.example [192.0.2.1])\n by b.example; Tue, 2 Jan 2024 10:00:00 +0000\n\nAuthentication-Results: b.example; spf=fail smtp.mailfrom=a.example\n\nX-Spam-Flag: YES\nX-Spam-Status: Yes, score=5.8\n";
        let n = normalize(paste.as_bytes());
        assert_eq!(n.fields.len(), 4, "{:?}", n.fields);
        // A message whose header has its own fields ends at its blank line, whatever its body
        // looks like.
        let message = "Received: from a.example by b.example; Tue, 2 Jan 2024 10:00:00 +0000\nFrom: a@a.example\nSubject: x\n\nX-Spam-Status: Yes\nReceived: from c by d\n";
        let n = normalize(message.as_bytes());
        assert_eq!(n.fields.len(), 3);
        assert!(n.body.is_some());
        // A body of form fields is no group of header fields.
        let form = "Received: from a.example by b.example; Tue, 2 Jan 2024 10:00:00 +0000\n\nName: Ann\nEmail: a@a.example\n";
        assert_eq!(normalize(form.as_bytes()).fields.len(), 1);
    }

    #[test]
    fn an_empty_field_takes_the_unindented_value_below_it() {
        let n = normalize(b"X-Microsoft-Antispam-Mailbox-Delivery:\nkl:1;ucf:0;dest:J;RF:JunkEmail;\nX-Other: 1\n\n");
        assert_eq!(n.fields.len(), 2);
        assert_eq!(n.fields[0].unfolded(), "kl:1;ucf:0;dest:J;RF:JunkEmail;");
        // A field below an empty one stays a field.
        let n = normalize(b"Cc:\nSubject: hello\n\n");
        assert_eq!(n.fields.len(), 2);
    }

    #[test]
    fn html_entities_are_decoded_only_when_the_paste_has_no_angle_bracket() {
        let escaped =
            "From: Ann &lt;ann@a.example&gt;\nTo: b@b.example\nSubject: R&amp;D &amp;lt;\n\n";
        let n = normalize(escaped.as_bytes());
        assert!(codes(&n).contains(&"input.html-entities"));
        assert_eq!(n.fields[0].unfolded(), "Ann <ann@a.example>");
        // One pass: an escaped entity stays an entity.
        assert_eq!(n.fields[2].unfolded(), "R&D &lt;");
        let own = "From: Ann <ann@a.example>\nSubject: a &lt; b\n\n";
        let n = normalize(own.as_bytes());
        assert!(!codes(&n).contains(&"input.html-entities"));
        assert_eq!(n.fields[1].unfolded(), "a &lt; b");
        assert!(n.carried.is_none());
    }

    #[test]
    fn the_carried_text_undoes_quotes_indentation_and_doubled_line_ends_in_the_body_too() {
        let bounce = "From: MAILER-DAEMON@mx.example\nTo: a@a.example\nSubject: Undelivered\n\n<b@b.example>: host mx.b.example said:\n    550 5.1.1 no such user\n";
        let quoted: String = bounce.lines().map(|l| format!("> {l}\n")).collect();
        let n = normalize(format!("See below:\n\n{quoted}").as_bytes());
        let c = n.carried.as_ref().unwrap();
        assert!(c.skipped_above);
        let (text, line) = c.from_header(true);
        assert!(text.starts_with("From: MAILER-DAEMON"), "{text}");
        assert!(text.contains("\n<b@b.example>: host mx.b.example said:\n    550 5.1.1"));
        assert_eq!(line(1), 3);
        let (whole, _) = c.from_header(false);
        assert!(whole.starts_with("See below:\n\nFrom:"));

        let indented: String = bounce.lines().map(|l| format!("    {l}\n")).collect();
        let n = normalize(indented.as_bytes());
        let (text, _) = n.carried.as_ref().unwrap().from_header(true);
        assert_eq!(text.trim_end(), bounce.trim_end());

        // Text above the header, every line end doubled: the header and the body are read.
        let mut doubled = String::from("Customer says it bounced:\n\n\n\n");
        let extra = "X-A: 1\nX-B: 2\nX-C: 3\nX-D: 4\nX-E: 5\n";
        for l in bounce.replacen("\n\n", &format!("\n{extra}\n"), 1).lines() {
            doubled.push_str(l);
            doubled.push_str("\n\n");
        }
        let n = normalize(doubled.as_bytes());
        assert!(codes(&n).contains(&"input.doubled-line-ends"));
        assert_eq!(n.fields.len(), 8);
        let (text, line) = n.carried.as_ref().unwrap().from_header(true);
        assert!(text.contains("said:\n    550 5.1.1"), "{text}");
        assert_eq!(line(2), 7);
        assert_eq!(line(10), 23);
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
    fn one_hard_wrapped_field_line_is_rejoined() {
        // A parameter list wrapped after its `;` (RFC 2045 section 5.1).
        let n = normalize(b"From: a@b.example\nContent-Type: multipart/report; report-type=delivery-status;\nboundary=b1\nMIME-Version: 1.0\n\nbody\n");
        assert_eq!(n.fields.len(), 3);
        assert!(n.fields[1].unfolded().ends_with("; boundary=b1"));
        assert_eq!(codes(&n), ["input.rejoined-lines"]);
        // A Received field wrapped at column 72-80 where its next word did not fit.
        let n = normalize(b"Received: from [192.0.2.40] (port=52114 helo=[192.0.2.40])\n\tby vps-2231.mail-hosting.example.net with esmtpsa  (TLS1.3) tls\nTLS_AES_256_GCM_SHA384\n\t(Exim 4.98.2); Thu, 19 Nov 2026 14:02:36 +0000\nSubject: x\n\nbody\n");
        assert_eq!(n.fields.len(), 2);
        assert!(
            n.fields[0]
                .unfolded()
                .contains("tls TLS_AES_256_GCM_SHA384"),
            "{}",
            n.fields[0].unfolded()
        );
        // A short note after a short field is still a stray line.
        let n = normalize(b"Subject: x\nsee below\nFrom: a@b.example\n\nbody\n");
        assert_eq!(codes(&n), ["input.skipped-line"]);
    }

    #[test]
    fn a_short_line_above_a_word_that_did_not_fit_is_a_hard_wrap() {
        // "Message-ID:" with its 64-character `<id>` wrapped below it.
        let n = normalize(b"Subject: x\nMessage-ID:\n<7A3C41E2-9B1F-4D27-8E55-0C6F2A9D1B84@mail.dachdecker-vogt.example>\nFrom: a@b.example\n\nbody\n");
        assert_eq!(n.fields.len(), 3);
        assert!(n.fields[1].unfolded().starts_with("<7A3C41E2"));
        // A Received field cut twice: the second cut follows a line that was itself rejoined.
        let n = normalize(b"Received: from sender.domain.example (sender IP) by mail.ourdomain.example\n(192.168.0.9) with Microsoft SMTP Server id 8.3.444.0; Wed, 4 May 2016\n13:10:14 -0600\nSubject: x\n\nbody\n");
        assert_eq!(n.fields.len(), 2, "{:?}", n.fields);
        assert!(n.fields[0].unfolded().ends_with("2016 13:10:14 -0600"));
        // A log line pasted as it is, wrapped: `relay=host[address]:25` is no field name.
        let n = normalize(b"mail.info:Apr 22 15:04:49 mail postfix/smtp[2228153]: DB8CABDC1DB3:\nto=<member@recipient-shop.example>,\nrelay=mx01.kundenserver.de[192.0.2.67]:25, delay=349215,\ndelays=349215/0.02/0.19/0, dsn=4.0.0, status=deferred (host\nmx01.kundenserver.de[192.0.2.67] refused to talk to me: 554-kundenserver.de\n(mxeue110) Nemesis ESMTP Service not available 554-No SMTP service 554-Bad\nDNS PTR resource record.\n");
        assert_eq!(n.fields.len(), 1, "{:?}", n.fields);
        assert!(n.fields[0].unfolded().contains("relay=mx01"));
        // A paste that ends within its last field, cut twice.
        let n = normalize(b"Received-SPF: softfail (domain of example.com does not designate it at all\n198.51.100.185 as permitted sender)\n");
        assert_eq!(n.fields.len(), 1);
        assert!(
            n.fields[0]
                .unfolded()
                .ends_with("all 198.51.100.185 as permitted sender)")
        );
        assert_eq!(n.body, None);
        // A short word after a short field is still a stray line.
        let n = normalize(b"Subject: x\nsee below\nFrom: a@b.example\n\nbody\n");
        assert_eq!(codes(&n), ["input.skipped-line"]);
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
    fn a_quoted_header_hard_wrapped_after_its_quote_mark_or_indentation_reads_whole() {
        // A form that wraps at column 78 at a space left a quote mark alone ("> " above the
        // fold's tab-indented rest, and above a 72-character token) and a fold's indentation
        // alone above its token.
        let token = "b".repeat(72);
        let paste = format!(
            "> Received: from a.example\n>  by b.example; Tue, 2 Jan 2024 10:00:00 +0000\n> DKIM-Signature: v=1; d=a.example;\n>\n\th=from:to;\n>         \n{token}\n> References: <x@a.example>\n> \n<{token}@b.example>\n> From: a@a.example\n> Subject: hi\n>\n> body\n"
        );
        let n = normalize(paste.as_bytes());
        let names: Vec<&str> = n.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Received",
                "DKIM-Signature",
                "References",
                "From",
                "Subject"
            ]
        );
        assert!(n.fields[1].unfolded().contains(&token));
        assert!(n.fields[2].unfolded().contains("@b.example>"));
        assert_eq!(n.body.as_deref(), Some("body\n"));
        // A quote mark alone above quoted text is the quoted blank line that ends the header.
        let n = normalize(b"> Subject: hi\n> From: a@a.example\n>\n> Thanks for the order.\n");
        assert_eq!(n.fields.len(), 2);
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
        // A sentence that starts with "From " is text above the header.
        let n = normalize(
            b"From a tenant, she says it went to spam.\n\nSubject: x\nFrom: a@a.example\n",
        );
        assert!(!codes(&n).contains(&"input.mbox-line"));
        assert_eq!(n.fields.len(), 2);
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

    #[test]
    fn a_field_over_a_megabyte_does_not_end_the_header() {
        // One folded field of 1.5 MB, one unfolded line of 1.2 MB, then the rest of the header.
        let mut text = String::from(
            "Received: from a.example by b.example; Tue, 2 Jan 2024 10:00:00 +0000\nX-Report: start\n",
        );
        for _ in 0..20_000 {
            text.push_str("\t* 0.1 RULE_NAME some explanation of a spam rule that fired here\n");
        }
        text.push_str("X-Blob: ");
        text.push_str(&"A".repeat(1_200_000));
        text.push_str("\nFrom: a@b.example\nDate: Tue, 2 Jan 2024 10:00:00 +0000\n\nbody\n");
        assert!(text.len() > 2 * MAX_HEADER_BYTES);
        let n = normalize(text.as_bytes());
        let names: Vec<&str> = n.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Received", "X-Report", "X-Blob", "From", "Date"]);
        assert!(n.fields[1].value.len() <= MAX_FIELD_BYTES);
        assert!(n.fields[2].value.len() <= MAX_FIELD_BYTES);
        assert_eq!(n.body.as_deref(), Some("body\n"));
        let long: Vec<&InputNote> = n
            .notes
            .iter()
            .filter(|n| n.code == "input.long-field")
            .collect();
        assert_eq!(long.len(), 2);
        assert_eq!(long[0].line, Some(2));
        assert!(long[0].message.contains("X-Report"));
        assert!(!codes(&n).contains(&"input.header-too-large"));
    }

    #[test]
    fn prose_above_the_headers_is_skipped_and_listed() {
        let n = normalize(b"Hi support, here are the headers you asked for:\n\nReceived: from a.example by b.example; Tue, 2 Jan 2024 10:00:00 +0000\nFrom: a@b.example\nSubject: x\n\nbody\n");
        assert_eq!(n.fields.len(), 3);
        let note = n
            .notes
            .iter()
            .find(|n| n.code == "input.skipped-prose")
            .unwrap();
        assert_eq!(note.lines.len(), 1);
        assert_eq!(note.lines[0].0, 1);
        assert!(note.lines[0].1.starts_with("Hi support"));
    }

    #[test]
    fn apple_mails_localized_forward_banners_are_banners() {
        for banner in [
            "Begin forwarded message:",
            "Anfang der weitergeleiteten Nachricht:",
            "Début du message réexpédié :",
            "İleti başlangıcı:",
        ] {
            let lines = [banner, "From: a@b.example", "Subject: x", ""];
            assert_eq!(forward_banner_at(&lines, 0), Some(3), "{banner}");
        }
        // Prose that starts like one is not.
        let lines = [
            "Begin forwarded message was sent yesterday:",
            "From: a@b.example",
        ];
        assert_eq!(forward_banner_at(&lines, 0), None);
    }

    #[test]
    fn a_forward_banner_above_quoted_headers_is_skipped() {
        let n = normalize(b"FYI\n\n---------- Forwarded message ---------\nFrom: Boss <boss@c.example>\nDate: Wed, 3 Jan 2024\nSubject: Fwd: x\n\n> Received: from a.example\n>  by b.example; Tue, 2 Jan 2024 10:00:00 +0000\n> From: a@b.example\n> Subject: x\n>\n> body\n");
        let names: Vec<&str> = n.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Received", "From", "Subject"]);
        assert_eq!(n.fields[1].value.trim(), "a@b.example");
        assert!(codes(&n).contains(&"input.skipped-forward"));
        assert!(codes(&n).contains(&"input.quoted"));
    }

    #[test]
    fn folds_that_lost_their_indentation_are_rejoined() {
        let n = normalize(b"Received: from a.example (a.example [192.0.2.1])\nby b.example with ESMTPS id 1234\nfor <x@b.example>; Tue, 2 Jan 2024 10:00:00 +0000\nDKIM-Signature: v=1; a=rsa-sha256; d=a.example; s=s1;\nh=From:Date:Subject;\nbh=abc=; b=def\nFrom: a@a.example\nSubject: x\n\nbody\n");
        let names: Vec<&str> = n.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Received", "DKIM-Signature", "From", "Subject"]);
        assert!(n.fields[0].unfolded().contains("by b.example"));
        assert!(n.fields[1].unfolded().contains("h=From:Date:Subject;"));
        let note = n
            .notes
            .iter()
            .find(|n| n.code == "input.rejoined-lines")
            .unwrap();
        assert_eq!(
            note.lines.iter().map(|l| l.0).collect::<Vec<_>>(),
            [2, 3, 5, 6]
        );
    }

    #[test]
    fn a_fold_of_only_white_space_does_not_end_the_header() {
        let n = normalize(b"Subject: x\nX-Spam-Report: \n \n * 1.0 RULE text\n\t\n * 0.5 OTHER text\nFrom: a@b.example\n\nbody\n");
        let names: Vec<&str> = n.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Subject", "X-Spam-Report", "From"]);
        assert!(codes(&n).contains(&"input.whitespace-fold"));
        assert_eq!(n.body.as_deref(), Some("body\n"));
    }

    #[test]
    fn white_space_lines_in_a_row_inside_a_field_do_not_end_the_header() {
        // A filter's report whose wrapped preview ends in an indented empty line, then its own
        // blank line (obs-FWS), then more of the report and the message's own fields.
        let n = normalize(b"Received: from a.example by b.example; Wed, 8 Jul 2026 10:03:12 +0200\nX-Ham-Report: Spam detection software\n Content preview:  text\n    [...]\n    \n \n Content analysis details:   (-0.2 points, 5.0 required)\nFrom: a@a.example\nDate: Wed, 8 Jul 2026 10:03:07 +0200\n\nbody\n");
        let names: Vec<&str> = n.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Received", "X-Ham-Report", "From", "Date"]);
        assert!(n.fields[1].unfolded().contains("Content analysis details"));
        assert_eq!(n.body.as_deref(), Some("body\n"));
        // White space lines followed by the blank line still end it.
        let n = normalize(b"Subject: x\nX-Report: a\n  \n \n\nbody\n");
        assert_eq!(n.fields.len(), 2);
    }

    #[test]
    fn a_header_joined_into_one_line_is_split_at_its_field_names() {
        let joined = "Hola, salieron así:\n\nDelivered-To: a@gmail.com Received: by 2001:db8::1 with SMTP id x; Wed, 4 Nov 2026 07:13:56 -0800 (PST) Received: from mail.a.example (mail.a.example. [192.0.2.1]) by mx.google.com with ESMTPS id y for <a@gmail.com>; Wed, 04 Nov 2026 07:13:55 -0800 (PST) Authentication-Results: mx.google.com; spf=softfail (google.com: domain of transitioning b@a.example does not designate 192.0.2.1 as permitted sender) smtp.mailfrom=b@a.example; dmarc=fail (p=NONE sp=NONE dis=NONE) header.from=a.example From: B <b@a.example> To: a@gmail.com Subject: Re: Oferta: hoy Date: Wed, 04 Nov 2026 15:13:50 +0000 Message-ID: <1@a.example>\n";
        let n = normalize(joined.as_bytes());
        let names: Vec<&str> = n.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Delivered-To",
                "Received",
                "Received",
                "Authentication-Results",
                "From",
                "To",
                "Subject",
                "Date",
                "Message-ID"
            ]
        );
        // A Subject's "Re: " and "Oferta: " are no field names; a DKIM h= list has no spaces.
        assert_eq!(n.fields[6].value.trim(), "Re: Oferta: hoy");
        // Numbered as the lines they were split into, from the joined line's own.
        assert_eq!(n.fields[0].line, 3);
        assert_eq!(n.fields[1].line, 4);
        assert!(codes(&n).contains(&"input.joined-lines"));
        // Quoted once: every field keeps the quote, and the quote level is removed after.
        let quoted = joined.replace("\n\nDelivered-To", "\n\n> Delivered-To");
        let n = normalize(quoted.as_bytes());
        assert_eq!(n.fields.len(), 9);
        assert_eq!(n.fields[4].name, "From");
        // Prose that names a few fields in one long line is left alone.
        let prose = format!(
            "I checked the Received: lines and the From: field, the Subject: and the Date: and nothing looks wrong {}\n",
            "really ".repeat(40)
        );
        assert!(unjoin(&prose).is_none());
        // A header written as fields is left alone.
        let n = normalize(b"Received: from a.example by b.example; Tue, 2 Jan 2024 10:00:00 +0000\nFrom: a@a.example\nSubject: x\n");
        assert!(!codes(&n).contains(&"input.joined-lines"));
    }

    #[test]
    fn rows_copied_from_a_header_table_are_read_as_fields() {
        // A browser's copy of table cells, with a row-number column and the table's own head.
        let n = normalize(b"#\tHeader\tValue\n1\tReceived\tfrom a.example (a.example [192.0.2.1]) by b.example; Tue, 2 Jan 2024 10:00:00 +0000\n2\tFrom\tA <a@a.example>\n3\tX-Microsoft-Antispam-Mailbox-Delivery\tucf:0;jmr:0;auth:1;dest:J;RF:JunkEmail;\n");
        let names: Vec<&str> = n.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            ["Received", "From", "X-Microsoft-Antispam-Mailbox-Delivery"]
        );
        assert_eq!(n.fields[1].value.trim(), "A <a@a.example>");
        assert_eq!(n.fields[0].line, 2);
        assert!(codes(&n).contains(&"input.table-rows"));
        // The table's head is part of the table, not text above the header.
        assert!(!codes(&n).contains(&"input.skipped-prose"));
        // Markdown: the separator line is dropped, line numbers stay those of the paste.
        let n = normalize(b"Why was this junk?\n\n| Subject | hello \\| world |\n| --- | --- |\n| Authentication-Results | spf=pass smtp.mailfrom=a.example |\n");
        let names: Vec<&str> = n.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Subject", "Authentication-Results"]);
        assert_eq!(n.fields[0].value.trim(), "hello | world");
        assert_eq!(n.fields[1].line, 5);
        // A header whose fields are written as fields is left alone, whatever its body holds.
        let n =
            normalize(b"From: a@a.example\nSubject: x\nTo: b@b.example\n\nSubject\tnot a field\n");
        assert!(!codes(&n).contains(&"input.table-rows"));
        assert_eq!(n.fields.len(), 3);
        // Names no mail system writes are not rows.
        assert_eq!(
            table_row("Colour\tred"),
            Some(("Colour: red".into(), false))
        );
        assert!(table_row("Received: from x\ty").is_none());
        assert!(table_row("Message ID\t<1@a.example>").is_none());
        assert_eq!(
            table_row("> Subject | x |"),
            Some(("> Subject: x".into(), true))
        );
        assert_eq!(
            table_row("X-Forwarded-For\t"),
            Some(("X-Forwarded-For: ".into(), true))
        );
        let n = normalize(b"Colour\tred\nSize\tlarge\n");
        assert!(!codes(&n).contains(&"input.table-rows"));
    }

    #[test]
    fn a_header_dumped_as_json_is_read_from_its_names_and_values() {
        // The Gmail API / Microsoft Graph / SES shape, one object over several lines.
        let n = normalize(b"{\n  \"headers\": [\n    {\n      \"name\": \"Received\",\n      \"value\": \"from a.example ([192.0.2.1]) by b.example; Tue, 2 Jan 2024 10:00:00 +0000\"\n    },\n    {\"name\": \"From\", \"value\": \"A \\\"Q\\\" <a@a.example>\"}\n  ]\n}\n");
        let got: Vec<(&str, &str, u32)> = n
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.value.as_str(), f.line))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "Received",
                    "from a.example ([192.0.2.1]) by b.example; Tue, 2 Jan 2024 10:00:00 +0000",
                    4
                ),
                ("From", "A \"Q\" <a@a.example>", 7)
            ]
        );
        assert!(codes(&n).contains(&"input.json-headers"));
        assert!(!codes(&n).contains(&"input.skipped-line"));
        // mailparser's headers object, cut off inside an array of Received strings.
        let n = normalize(b"```json\n   \"headers\": {\n      \"delivered-to\": \"b@b.example\",\n      \"received\": [\n         \"by 10.0.0.1 with SMTP id x; Fri, 6 Feb 2015 08:07:56 -0800\",\n         \"from a.example (a.example [192.0.2.1]) by b.example with ESMTPS id y; Fri, 6 Feb 2015 08:07:38 -0800\",\n         \"from c.example (c.example [192.0.2.");
        let names: Vec<&str> = n.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["delivered-to", "received", "received", "received"]);
        // Quoted, with doubled line ends and a string hard-wrapped onto the next line.
        let n = normalize(b"> \"received\": [\n>\n>    \"from a.example by b.example; Fri, 6 Feb\n> 2015 08:07:38 -0800\",\n>\n>    \"from c.example by a.example; Fri, 6 Feb 2015 08:07:30 -0800\"\n> ]\n");
        let values: Vec<&str> = n.fields.iter().map(|f| f.value.as_str()).collect();
        assert_eq!(
            values,
            [
                "from a.example by b.example; Fri, 6 Feb 2015 08:07:38 -0800",
                "from c.example by a.example; Fri, 6 Feb 2015 08:07:30 -0800"
            ]
        );
        // Mailgun's pairs and mailparser's headerLines.
        let n = normalize(
            b"[[\"Received\", \"from a.example by b.example\"],\n [\"X-Mailgun-Sid\", \"abc\"]]\n",
        );
        assert_eq!(n.fields.len(), 2);
        let n = normalize(b"[{\"key\": \"received\", \"line\": \"Received: from a by b\"},\n{\"key\": \"subject\", \"line\": \"Subject: hi\"}]\n");
        let names: Vec<&str> = n.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Received", "Subject"]);
        // A header written as text is read as text, whatever JSON its body holds.
        let n = normalize(b"From: a@a.example\nSubject: x\n\n{\"name\": \"To\", \"value\": \"c@c.example\"}\n{\"name\": \"Cc\", \"value\": \"d@d.example\"}\n");
        assert!(!codes(&n).contains(&"input.json-headers"));
        // An event's JSON with no header in it is not a header.
        let n = normalize(b"{\"event\": \"failed\", \"severity\": \"permanent\", \"code\": 550}\n");
        assert!(n.fields.is_empty() || !codes(&n).contains(&"input.json-headers"));
    }

    #[test]
    fn gmails_show_original_summary_is_skipped() {
        let n = normalize(b"Original Message\nMessage ID\t<1@a.example>\nCreated at:\tTue, Jan 2, 2024 at 10:00 AM\nFrom:\tA <a@a.example>\nTo:\tb@b.example\nSubject:\tx\nSPF:\tPASS with IP 192.0.2.1 Learn more\nDownload Original\tCopy to clipboard\n\nDelivered-To: b@b.example\nReceived: from a.example by b.example; Tue, 2 Jan 2024 10:00:00 +0000\nFrom: A <a@a.example>\nSubject: x\n\nbody\n");
        let names: Vec<&str> = n.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Delivered-To", "Received", "From", "Subject"]);
        assert!(codes(&n).contains(&"input.skipped-wrapper"));
    }

    #[test]
    fn a_header_quoted_twice_is_read_as_quoted_once() {
        for q in ["> > ", ">> ", ">>"] {
            let text = format!(
                "> On Tuesday Ann wrote:\n{q}Here are the headers:\n{q}\n{q}Received: from a.example by b.example;\n{q} Tue, 1 Dec 2026 10:00:00 +0000\n{q}From: a@a.example\n{q}Subject: x\n"
            );
            let n = normalize(text.as_bytes());
            let names: Vec<&str> = n.fields.iter().map(|f| f.name.as_str()).collect();
            assert_eq!(names, ["Received", "From", "Subject"], "{q:?}");
            assert!(n.fields[0].unfolded().ends_with("10:00:00 +0000"), "{q:?}");
        }
        // A forward quoted once, with the bounce it forwards quoted twice below it: the
        // forward's header is the header.
        let n = normalize(b"> From: a@a.example\n> Subject: Fwd: returned\n>\n> > From: MAILER-DAEMON@b.example\n> > Subject: Returned mail\n");
        let names: Vec<&str> = n.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["From", "Subject"]);
        assert!(n.fields[1].value.contains("Fwd"));
        // Quoted once, a transcript's own ">>>" marks are kept below the header.
        let n = normalize(b"> From: a@a.example\n> Subject: x\n>\n> >>> RCPT To:<b@b.example>\n");
        assert_eq!(n.fields.len(), 2);
    }

    #[test]
    fn a_mail_programs_own_fields_are_skipped_in_an_indented_paste_too() {
        // Thunderbird's source view, indented as a whole in a ticket: only its own fields are
        // skipped, not the indented header below them (each line of which starts with spaces).
        let n = normalize(b"    X-Mozilla-Status: 0001\n    X-Mozilla-Status2: 00000000\n    Return-Path: <a@a.example>\n    Received: from a.example by b.example;\n    \tTue, 1 Dec 2026 10:00:00 +0000\n    From: a@a.example\n    Subject: x\n");
        let names: Vec<&str> = n.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Return-Path", "Received", "From", "Subject"]);
        assert!(codes(&n).contains(&"input.skipped-wrapper"));
    }

    #[test]
    fn a_short_doubled_paste_is_halved_only_when_it_is_header_lines_alone() {
        // Three header lines, each followed by a blank line, to the end of the paste.
        let n = normalize(b"Received: from a.example (a.example [192.0.2.1]) by b.example; Tue, 1 Dec 2026 10:00:00 +0000\n\nX-Id: 1\n\nReceived: from c.example by a.example; Tue, 1 Dec 2026 09:59:00 +0000\n\n");
        let names: Vec<&str> = n.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Received", "X-Id", "Received"]);
        assert!(codes(&n).contains(&"input.doubled-line-ends"));
        // The last line's end cut: the same.
        let n = normalize(b"Subject: a\n\nFrom: b@b.example\n\nTo: c@c.example");
        assert_eq!(n.fields.len(), 3);
        // A short header and a body of text: not doubled.
        let n = normalize(b"Subject: a\n\nFrom: b@b.example\n\nHello there\n\n");
        assert!(!codes(&n).contains(&"input.doubled-line-ends"));
        // A short header, its end doubled too (three blank lines), then a body.
        let n = normalize(b"Date: 29 Apr 2010 00:00:00 -0000\n\nFrom: a@a.example\n\nSubject: failure notice\n\n\n\nHi. This is the qmail-send program.\n\n");
        let names: Vec<&str> = n.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Date", "From", "Subject"]);
        assert!(codes(&n).contains(&"input.doubled-line-ends"));
        // Doubled, then quoted in a reply: the blank lines are ">" alone.
        let n = normalize(b"> Received: from a.example by b.example;\n>\n> \tTue, 1 Dec 2026 10:00:00 +0000\n>\n> From: a@a.example\n>\n> Subject: x\n>\n");
        let names: Vec<&str> = n.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Received", "From", "Subject"]);
        // In a Markdown code block: the fences pair too.
        let n = normalize(b"```\n\nReceived: by a.example (Postfix, from userid 30)\n\n\tid 1; Fri,  9 Feb 2018 04:04:20 +0000\n\nDate: Thu, 08 Feb 2018 07:53:17 +0000\n\n```\n\n");
        let names: Vec<&str> = n.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Received", "Date"]);
        // Two lines: a header line and a body line, whatever the body looks like.
        let n = normalize(b"Subject: a\n\nNote: b\n");
        assert!(!codes(&n).contains(&"input.doubled-line-ends"));
    }

    #[test]
    fn doubled_line_ends_are_halved_and_lines_kept_as_pasted() {
        let header = [
            "Return-Path: <a@example.com>",
            "Received: from a.example.com (a.example.com [192.0.2.1])",
            "\tby mx.example.net with ESMTPS id 1",
            "\tfor <b@example.net>; Tue, 1 Dec 2026 10:00:00 +0000",
            "Authentication-Results: mx.example.net; spf=pass",
            "From: A <a@example.com>",
            "To: b@example.net",
            "Subject: Hello",
            "Date: Tue, 1 Dec 2026 09:59:58 +0000",
            "Message-ID: <1@example.com>",
        ];
        let doubled = format!("{}\n\n\n\nBody line\n", header.join("\n\n"));
        let n = normalize(doubled.as_bytes());
        let names: Vec<&str> = n.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names.len(), 8);
        assert_eq!(n.fields[2].name, "Authentication-Results");
        assert_eq!(n.fields[2].line, 9);
        assert!(n.fields[1].value.contains("for <b@example.net>"));
        assert!(codes(&n).contains(&"input.doubled-line-ends"));
        assert_eq!(n.body.as_deref(), Some("Body line"));
        // A paste with ordinary line ends is left alone.
        let plain = normalize(header.join("\n").as_bytes());
        assert!(!codes(&plain).contains(&"input.doubled-line-ends"));
    }

    #[test]
    fn long_lines_all_cut_at_one_column_are_noted() {
        let full = [
            "Received: from mx.example.org (mx.example.org [192.0.2.40]) by imap.example.org (Postfix) with ESMTPS id 4dM6hK2pLrz1xQ8",
            "        for <b@example.org>; Thu,  3 Dec 2026 11:04:52 +0100 (CET)",
            "Authentication-Results: mx.example.org; dkim=none (message not signed) header.i=none; spf=Pass smtp.mailfrom=j@example.net",
            "Received: from mail.example.net (HELO mail.example.net) ([198.51.100.152]) by mx.example.org with ESMTP/TLS",
            "From: Jonas Lange <j@example.net>",
            "To: Birgit Keller <b@example.org>",
            "Subject: Re: Projektantrag Verbundvorhaben - Unterlagen fuer die Einreichung bis Freitag",
            "Content-Type: multipart/mixed; boundary=\"_004_c41e7a2b90d34f6e8a15b2d7f06c9e31kontorlangeexample_\"",
            "Date: Thu, 3 Dec 2026 11:04:47 +0100",
        ];
        let cut: Vec<String> = full.iter().map(|l| l.chars().take(60).collect()).collect();
        let n = normalize(cut.join("\n").as_bytes());
        assert!(codes(&n).contains(&"input.chopped-lines"));
        let whole = normalize(full.join("\n").as_bytes());
        assert!(!codes(&whole).contains(&"input.chopped-lines"));
    }
}
