//! Just enough MIME for bounces: line endings normalized, header blocks, multipart bodies split
//! on their boundaries, base64 and quoted-printable undone. Every loop is bounded; nothing here
//! panics on any input.

use std::borrow::Cow;

/// Input larger than this is cut (at a char boundary) before analysis.
pub const MAX_INPUT: usize = 2 << 20;
/// Header fields read per header block.
const MAX_FIELDS: usize = 400;
/// Leaf parts collected from one message.
const MAX_PARTS: usize = 64;
/// Nesting of multiparts followed.
const MAX_DEPTH: usize = 6;

/// The input as text with every line break turned into `\n` (CRLF, lone CR and LF each count
/// as one line break, so line numbers are those of the input).
pub fn normalize(input: &[u8]) -> String {
    let input = input.get(..MAX_INPUT).unwrap_or(input);
    if !input.contains(&b'\r') {
        return match String::from_utf8(input.to_vec()) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
    }
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        if b == b'\r' {
            out.push(b'\n');
            if input.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
        } else {
            out.push(b);
        }
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// One header field: its name and its raw value (folded lines still in it).
#[derive(Debug, Clone, Copy)]
pub struct Field<'a> {
    /// The field name as written.
    pub name: &'a str,
    /// The value, folding line breaks included.
    pub raw: &'a str,
}

impl<'a> Field<'a> {
    /// The value unfolded, trimmed, runs of white space made one space.
    pub fn value(&self) -> String {
        squeeze(self.raw, usize::MAX)
    }
}

/// White space runs (line breaks included) made one space, trimmed, cut to `max` bytes at a
/// char boundary.
pub fn squeeze(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max));
    let mut space = false;
    let mut rest = s.trim_start();
    // Runs without white space are copied whole.
    while !rest.is_empty() {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..word_end];
        if space && !word.is_empty() {
            if out.len() + 1 > max {
                break;
            }
            out.push(' ');
        }
        if out.len() + word.len() > max {
            out.push_str(crate::vocab::text::clip(word, max - out.len()));
            break;
        }
        out.push_str(word);
        rest = &rest[word_end..];
        let trimmed = rest.trim_start();
        space = trimmed.len() != rest.len();
        rest = trimmed;
    }
    out
}

/// A header block read from `text`.
#[derive(Debug, Default)]
pub struct Headers<'a> {
    /// The fields in order.
    pub fields: Vec<Field<'a>>,
    /// Byte offset in `text` where the body starts (after the blank line), or `text.len()`.
    pub body: usize,
}

impl<'a> Headers<'a> {
    /// The first field with this name (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&Field<'a>> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }
    /// The unfolded value of the first field with this name.
    pub fn value(&self, name: &str) -> Option<String> {
        self.get(name).map(Field::value)
    }
}

fn is_field_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 76 && s.bytes().all(|b| b.is_ascii_graphic() && b != b':')
}

/// Reads a header block starting at the beginning of `text`. Stops at a blank line or at the
/// first line that is neither a field nor a continuation (which then starts the body). A leading
/// mbox `From ` line is skipped.
pub fn headers(text: &str) -> Headers<'_> {
    read_block(text, false)
}

/// Reads a block of fields that holds nothing but fields (a delivery-status part's blocks,
/// RFC 3464 section 2.1; a feedback report's, RFC 5965 section 3.1): a line at column 0 that is
/// not a field is the rest of the field above whose fold lost its white space (a paste
/// re-wrapped on the way, RFC 5322 2.2.3), not the end of the block.
pub fn field_block(text: &str) -> Headers<'_> {
    read_block(text, true)
}

fn read_block(text: &str, lost_folds: bool) -> Headers<'_> {
    let mut fields: Vec<Field<'_>> = Vec::new();
    let mut pos = 0;
    let mut current: Option<(usize, usize, usize)> = None; // name start, name end, value start
    let bytes = text.as_bytes();
    if text.starts_with("From ") {
        pos = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    }
    let mut body = text.len();
    // Where the line before this one starts.
    let mut prev = pos;
    while pos < text.len() {
        let end = text[pos..]
            .find('\n')
            .map(|i| pos + i)
            .unwrap_or(text.len());
        let line = &text[pos..end];
        if line.trim().is_empty() {
            body = (end + 1).min(text.len());
            break;
        }
        let first = bytes.get(pos).copied().unwrap_or(b' ');
        if first == b' ' || first == b'\t' {
            if current.is_none() && fields.is_empty() {
                body = pos;
                break;
            }
        } else if let Some(colon) = line.find(':').filter(|&c| {
            // In a block whose folds may have lost their indentation, a line at column 0 that
            // starts with a digit continues the field above: an IPv6 address or a time
            // ("2001:db8::25 does not have ...", "10:05:31 +0000") that a re-wrapped paste put
            // at the start of a line, not a field name (every DSN field, RFC 3464 section 2,
            // and every registered header field name starts with a letter).
            is_field_name(line[..c].trim_end())
                && !(lost_folds && current.is_some() && first.is_ascii_digit())
                && !(current.is_some() && is_uri_start(line, c))
        }) {
            if let Some((ns, ne, vs)) = current.take()
                && fields.len() < MAX_FIELDS
            {
                fields.push(Field {
                    name: &text[ns..ne],
                    raw: &text[vs..pos.saturating_sub(1).max(vs)],
                });
            }
            let name_end = pos + line[..colon].trim_end().len();
            current = Some((pos, name_end, pos + colon + 1));
        } else if !(current.is_some() && (lost_folds || hard_wrapped(text, prev, pos, end))) {
            body = pos;
            break;
        }
        prev = pos;
        pos = end + 1;
    }
    if let Some((ns, ne, vs)) = current {
        let stop = body.min(text.len()).max(vs);
        if fields.len() < MAX_FIELDS {
            fields.push(Field {
                name: &text[ns..ne],
                raw: text.get(vs..stop).unwrap_or(""),
            });
        }
    }
    Headers { fields, body }
}

/// Whether the line at `pos..end` of a header block, at column 0 and not a field, is the rest
/// of the field line above that a hard wrap cut (`vocab::text::wrap_cut`), and the header goes
/// on below it (a folded line, RFC 5322 section 2.2.3, or a field).
fn hard_wrapped(text: &str, prev: usize, pos: usize, end: usize) -> bool {
    let above = text.get(prev..pos.saturating_sub(1)).unwrap_or("");
    let next_start = (end + 1).min(text.len());
    let next = text[next_start..].lines().next().unwrap_or("");
    let header_goes_on = next.starts_with([' ', '\t']) && !next.trim().is_empty()
        || next
            .find(':')
            .is_some_and(|c| is_field_name(next[..c].trim_end()));
    crate::vocab::text::wrap_cut(above, &text[pos..end]) && header_goes_on
}

/// Whether the `name:` at the start of a line is a URI's scheme (`https://...`, RFC 3986
/// section 3: the scheme's colon followed by `//` and the authority), which a re-wrapped paste
/// put at the start of a line: the rest of a field's value (a Diagnostic-Code's "see
/// https://..."), not a field.
fn is_uri_start(line: &str, colon: usize) -> bool {
    line[colon + 1..].starts_with("//")
        && line[..colon]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// The media type of a Content-Type value, lowercase (`text/plain` when absent or odd).
pub fn media_type(value: Option<&str>) -> String {
    let v = value.unwrap_or("").trim();
    let t = v.split(';').next().unwrap_or("").trim();
    if t.contains('/') && t.len() < 100 {
        t.to_ascii_lowercase()
    } else {
        "text/plain".to_string()
    }
}

/// A parameter of a structured field value (`boundary`, `report-type`), quotes removed.
pub fn param<'v>(value: &'v str, name: &str) -> Option<&'v str> {
    let mut rest = value;
    for _ in 0..32 {
        let semi = rest.find(';')?;
        rest = &rest[semi + 1..];
        let item = rest.trim_start();
        let eq = item.find('=')?;
        if item[..eq].trim().eq_ignore_ascii_case(name) {
            let v = item[eq + 1..].trim_start();
            return Some(if let Some(q) = v.strip_prefix('"') {
                &q[..q.find('"').unwrap_or(q.len())]
            } else {
                let end = v
                    .find(|c: char| c == ';' || c.is_whitespace())
                    .unwrap_or(v.len());
                &v[..end]
            });
        }
    }
    None
}

/// A leaf part of the message.
#[derive(Debug)]
pub struct Part<'a> {
    /// Its media type, lowercase.
    pub ctype: String,
    /// Its decoded text.
    pub text: Cow<'a, str>,
    /// Where its body starts in the normalized input (byte offset).
    pub offset: usize,
    /// Whether `text` is the input itself (not decoded), so offsets inside it map to the input.
    pub verbatim: bool,
}

/// The parts of a message whose header block starts at `start` in `text`, and the top-level
/// multipart's `report-type` if any. message/* parts are leaves (not entered).
pub fn walk<'a>(text: &'a str, start: usize, out: &mut Vec<Part<'a>>, report_type: &mut String) {
    walk_at(text, start, text.len(), 0, out, report_type);
}

fn walk_at<'a>(
    text: &'a str,
    start: usize,
    end: usize,
    depth: usize,
    out: &mut Vec<Part<'a>>,
    report_type: &mut String,
) {
    if out.len() >= MAX_PARTS || start > end {
        return;
    }
    let Some(slice) = text.get(start..end) else {
        return;
    };
    let h = headers(slice);
    let ct_raw = h.get("content-type").map(|f| f.value());
    let ctype = media_type(ct_raw.as_deref());
    let body_start = start + h.body.min(slice.len());
    if ctype.starts_with("multipart/") && depth < MAX_DEPTH {
        let ct = ct_raw.unwrap_or_default();
        if ctype == "multipart/report"
            && report_type.is_empty()
            && let Some(rt) = param(&ct, "report-type")
        {
            *report_type = rt.to_ascii_lowercase();
        }
        let declared = param(&ct, "boundary")
            .filter(|b| !b.is_empty())
            .map(str::to_string);
        let before = out.len();
        if let Some(boundary) = &declared {
            split(text, body_start, end, boundary, depth, out, report_type);
        }
        if out.len() == before {
            // The declared boundary is not in the body (a broken writer): try the first
            // delimiter-looking line.
            if let Some(guess) = guess_boundary(text.get(body_start..end).unwrap_or("")) {
                split(text, body_start, end, &guess, depth, out, report_type);
            }
        }
        if out.len() > before {
            return;
        }
        // No parts found: read the body as text.
        let body = text.get(body_start..end).unwrap_or("");
        out.push(Part {
            ctype: "text/plain".into(),
            text: Cow::Borrowed(body),
            offset: body_start,
            verbatim: true,
        });
        return;
    }
    let body = text.get(body_start..end).unwrap_or("");
    let cte = h
        .get("content-transfer-encoding")
        .map(|f| f.value().to_ascii_lowercase())
        .unwrap_or_default();
    let (decoded, verbatim) = match cte.as_str() {
        "base64" => (Cow::Owned(base64_text(body)), false),
        "quoted-printable" => (Cow::Owned(qp_text(body)), false),
        _ => (Cow::Borrowed(body), true),
    };
    out.push(Part {
        ctype,
        text: decoded,
        offset: body_start,
        verbatim,
    });
}

fn guess_boundary(body: &str) -> Option<String> {
    body.lines().take(2000).find_map(|l| {
        let b = l.strip_prefix("--")?.trim_end();
        (b.len() >= 8 && b.len() <= 200 && !b.contains(char::is_whitespace) && !b.starts_with('-'))
            .then(|| b.trim_end_matches("--").to_string())
    })
}

fn split<'a>(
    text: &'a str,
    body_start: usize,
    end: usize,
    boundary: &str,
    depth: usize,
    out: &mut Vec<Part<'a>>,
    report_type: &mut String,
) {
    let delim = format!("--{boundary}");
    let mut pos = body_start;
    let mut part_start: Option<usize> = None;
    let mut found = 0usize;
    // Jump from one occurrence of the delimiter to the next; only those at a line start count.
    while pos < end && found < 1000 {
        let Some(i) = text.get(pos..end).and_then(|t| t.find(delim.as_str())) else {
            break;
        };
        let at = pos + i;
        let le = text[at..end].find('\n').map(|j| at + j).unwrap_or(end);
        let line_start = at == 0 || text.as_bytes().get(at - 1) == Some(&b'\n');
        let rest = &text[at + delim.len()..le];
        let closing = rest.starts_with("--");
        if line_start && (rest.trim().is_empty() || closing) {
            found += 1;
            if let Some(ps) = part_start.take() {
                // The line break before the delimiter belongs to it.
                walk_at(
                    text,
                    ps,
                    at.saturating_sub(1).max(ps),
                    depth + 1,
                    out,
                    report_type,
                );
            }
            if closing {
                return;
            }
            part_start = Some((le + 1).min(end));
        }
        pos = le + 1;
    }
    if let Some(ps) = part_start {
        walk_at(text, ps, end, depth + 1, out, report_type);
    }
}

/// Base64 undone leniently (white space and junk skipped); bytes read as UTF-8, lossy; line
/// breaks normalized.
pub fn base64_text(s: &str) -> String {
    let mut bytes = Vec::with_capacity(s.len() / 4 * 3);
    let mut acc = 0u32;
    let mut n = 0;
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        n += 1;
        if n == 4 {
            bytes.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            acc = 0;
            n = 0;
        }
    }
    if n == 3 {
        bytes.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]);
    } else if n == 2 {
        bytes.push((acc >> 4) as u8);
    }
    normalize(&bytes)
}

/// Quoted-printable undone; bytes read as UTF-8, lossy.
pub fn qp_text(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let hex = |c: u8| (c as char).to_digit(16);
    while i < b.len() {
        if b[i] == b'=' {
            match (b.get(i + 1).copied(), b.get(i + 2).copied()) {
                (Some(b'\n'), _) => {
                    i += 2;
                    continue;
                }
                (Some(h), Some(l)) => {
                    if let (Some(h), Some(l)) = (hex(h), hex(l)) {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                        continue;
                    }
                }
                _ => {}
            }
        }
        out.push(b[i]);
        i += 1;
    }
    normalize(&out)
}

/// The 1-based line number of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewrapped_ipv6_address_continues_the_field_above() {
        let h = field_block(
            "Action: failed\nDiagnostic-Code: smtp; 554 5.7.1 The sending mail server at\n2001:db8::25 does not have a reverse DNS entry\nStatus: 5.7.1\n",
        );
        let names: Vec<&str> = h.fields.iter().map(|f| f.name).collect();
        assert_eq!(names, ["Action", "Diagnostic-Code", "Status"]);
        assert!(
            h.value("diagnostic-code")
                .is_some_and(|v| v.contains("2001:db8::25 does not have"))
        );
    }

    #[test]
    fn a_rewrapped_url_continues_the_field_above() {
        // RFC 3986 section 3: `https:` followed by `//` is a URI's scheme, not a field name.
        let h = field_block(
            "Action: failed\nDiagnostic-Code: smtp; 554 5.7.1 Blocked - see\nhttps://ipcheck.proofpoint.com/?ip=203.0.113.45\nStatus: 5.7.1\n",
        );
        let names: Vec<&str> = h.fields.iter().map(|f| f.name).collect();
        assert_eq!(names, ["Action", "Diagnostic-Code", "Status"]);
        assert!(
            h.value("diagnostic-code")
                .is_some_and(|v| v.ends_with("see https://ipcheck.proofpoint.com/?ip=203.0.113.45"))
        );
    }

    #[test]
    fn a_hard_wrapped_line_in_a_returned_header_is_rejoined() {
        let h = headers(
            "Received: from [203.0.113.45] (port=52114 helo=[192.0.2.40])\n\tby vps-2231.nordhost.example with esmtpsa  (TLS1.3) tls\nTLS_AES_256_GCM_SHA384\n\t(Exim 4.98.2); Thu, 19 Nov 2026 14:02:36 +0000\nSubject: x\n\nbody\n",
        );
        let names: Vec<&str> = h.fields.iter().map(|f| f.name).collect();
        assert_eq!(names, ["Received", "Subject"]);
        assert!(
            h.value("received")
                .is_some_and(|v| v.contains("tls TLS_AES"))
        );
        // A short line at column 0 after a short one ends the header (the body starts there).
        let h = headers("Subject: x\nsee below\nFrom: a@b.example\n\nbody\n");
        assert_eq!(h.fields.len(), 1);
    }

    #[test]
    fn line_breaks_keep_line_numbers() {
        let t = normalize(b"a\r\nb\rc\nd");
        assert_eq!(t, "a\nb\nc\nd");
        assert_eq!(line_of(&t, t.find('d').unwrap()), 4);
    }

    #[test]
    fn squeeze_unfolds_and_cuts_at_char_boundaries() {
        assert_eq!(
            squeeze("  550 5.1.1\n    user\tunknown  ", 100),
            "550 5.1.1 user unknown"
        );
        assert_eq!(squeeze("ééé", 3), "é");
        assert_eq!(squeeze("", 10), "");
    }

    #[test]
    fn multipart_parts_and_encodings() {
        let m = "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\naGVsbG8=\n--b\nContent-Type: message/delivery-status\n\nStatus: 5.1.1\n--b--\n";
        let mut parts = Vec::new();
        let mut rt = String::new();
        walk(m, 0, &mut parts, &mut rt);
        assert_eq!(rt, "delivery-status");
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].text, "hello");
        assert_eq!(parts[1].ctype, "message/delivery-status");
        assert_eq!(qp_text("a=3Db=\nc"), "a=bc");
    }
}
