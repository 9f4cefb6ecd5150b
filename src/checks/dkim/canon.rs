//! Canonicalization (RFC 6376 section 3.4): header fields and body, `simple` and `relaxed`.
//!
//! Header fields are given as their raw text, `name:value` with folding as CRLF and no final
//! CRLF. The body is fed to a hash line by line, so no copy of it is made.

/// A canonicalization algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Canon {
    /// Nothing changed (header) / only trailing empty lines removed (body).
    Simple,
    /// White space and case of header names normalized.
    Relaxed,
}

impl Canon {
    /// Reads `simple` or `relaxed` (lowercase, as the signature parser leaves it).
    pub fn parse(text: &str) -> Option<Canon> {
        match text {
            "simple" => Some(Canon::Simple),
            "relaxed" => Some(Canon::Relaxed),
            _ => None,
        }
    }
}

fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Appends one canonicalized header field (with its final CRLF unless `last`) to `out`.
pub fn header(raw: &str, canon: Canon, out: &mut Vec<u8>, last: bool) {
    match canon {
        Canon::Simple => out.extend_from_slice(raw.as_bytes()),
        Canon::Relaxed => {
            let (name, value) = raw.split_once(':').unwrap_or((raw, ""));
            out.extend(
                name.trim_end_matches([' ', '\t'])
                    .bytes()
                    .map(|b| b.to_ascii_lowercase()),
            );
            out.push(b':');
            // Unfold, collapse white space runs to one space, trim both ends.
            let mut space = false;
            let mut started = false;
            for b in value.bytes() {
                if b == b'\r' || b == b'\n' {
                    continue;
                }
                if is_wsp(b) {
                    space = started;
                    continue;
                }
                if space {
                    out.push(b' ');
                    space = false;
                }
                started = true;
                out.push(b);
            }
        }
    }
    if !last {
        out.extend_from_slice(b"\r\n");
    }
}

/// The DKIM-Signature field with the value of its `b=` tag removed (RFC 6376 section 3.7):
/// every `b=` tag, not `bh=`; the tag name and `=` stay, everything to the next `;` goes.
pub fn without_b(raw: &str) -> String {
    let Some((name, value)) = raw.split_once(':') else {
        return raw.to_string();
    };
    let mut out = String::with_capacity(raw.len());
    out.push_str(name);
    out.push(':');
    let mut first = true;
    for spec in value.split(';') {
        if !first {
            out.push(';');
        }
        first = false;
        match spec.split_once('=') {
            Some((tag, _)) if tag.trim_matches([' ', '\t', '\r', '\n']) == "b" => {
                out.push_str(tag);
                out.push('=');
            }
            _ => out.push_str(spec),
        }
    }
    out
}

/// Feeds the canonicalized body (CRLF line endings) to `sink`, at most `limit` bytes of it;
/// returns the canonical body's full length.
pub fn body(text: &str, canon: Canon, limit: Option<u64>, sink: &mut dyn FnMut(&[u8])) -> u64 {
    let mut fed = 0u64;
    let mut total = 0u64;
    let mut emit = |bytes: &[u8], total: &mut u64| {
        *total += bytes.len() as u64;
        let room = limit.map_or(bytes.len() as u64, |l| l.saturating_sub(fed));
        let take = (bytes.len() as u64).min(room) as usize;
        if let Some(part) = bytes.get(..take).filter(|p| !p.is_empty()) {
            sink(part);
        }
        fed += take as u64;
    };
    // Empty lines are held back until a non-empty line follows: trailing ones are dropped.
    let mut pending_empty = 0u64;
    let mut any = false;
    let text = text.strip_suffix('\n').unwrap_or(text);
    let mut line_buf: Vec<u8> = Vec::new();
    if !text.is_empty() {
        for line in text.split('\n') {
            let line = line.strip_suffix('\r').unwrap_or(line);
            let bytes: &[u8] = match canon {
                Canon::Simple => line.as_bytes(),
                Canon::Relaxed => {
                    line_buf.clear();
                    let mut space = false;
                    for &b in line.as_bytes() {
                        if is_wsp(b) {
                            space = true;
                            continue;
                        }
                        if space {
                            line_buf.push(b' ');
                            space = false;
                        }
                        line_buf.push(b);
                    }
                    &line_buf
                }
            };
            if bytes.is_empty() {
                pending_empty += 1;
                continue;
            }
            for _ in 0..pending_empty {
                emit(b"\r\n", &mut total);
            }
            pending_empty = 0;
            emit(bytes, &mut total);
            emit(b"\r\n", &mut total);
            any = true;
        }
    }
    if !any && canon == Canon::Simple {
        // An empty body is one CRLF in simple, nothing in relaxed.
        emit(b"\r\n", &mut total);
    }
    total
}
