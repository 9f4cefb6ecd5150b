//! The returned message: the original message (or its headers) a bounce or a complaint carries,
//! as a MIME part (message/rfc822, text/rfc822-headers, RFC 6532's message/global, ...; the
//! optional third part of an RFC 6522 multipart/report) or pasted inline below a marker line
//! (such as "Below this line is a copy of the message."). The header analysis runs on it.

use super::{MAX_ORIGINAL, OriginalMessage, mime, scan};
use crate::vocab::text::clip;

/// Whether a part of this media type is the returned message.
pub(super) fn is_returned(ctype: &str) -> bool {
    matches!(
        ctype,
        "message/rfc822"
            | "message/global"
            | "text/rfc822-headers"
            | "message/rfc822-headers"
            | "message/global-headers"
            | "text/rfc822"
            | "message/partial"
    )
}

/// The returned message in `part` of the input `text`.
pub(super) fn from_part(text: &str, part: &mime::Part<'_>) -> OriginalMessage {
    let t = part.text.trim_start_matches('\n');
    let skipped = part.text.len() - t.len();
    OriginalMessage {
        line: mime::line_of(text, part.offset) + if part.verbatim { skipped } else { 0 },
        headers_only: part.ctype.ends_with("headers"),
        text: clip(t, MAX_ORIGINAL).to_string(),
    }
}

/// The report's own text: `body` (which starts at `body_offset` of the input `text`, or
/// `usize::MAX` when it is not there as written) up to a returned message pasted inline, which
/// becomes `original` when there is none yet. Without a marker line, the returned header only
/// where it follows the report's RFC 3464 fields in a flattened report
/// ([`scan::original_after_dsn_fields`]); otherwise the text is all report.
pub(super) fn split_inline<'b>(
    text: &str,
    body: &'b str,
    body_offset: usize,
    original: &mut Option<OriginalMessage>,
) -> &'b str {
    let Some((marker, start)) = scan::original_start(body)
        .or_else(|| scan::original_after_dsn_fields(body).map(|start| (start, start)))
    else {
        return body;
    };
    if original.is_none() {
        let line = if body_offset != usize::MAX {
            mime::line_of(text, body_offset + start)
        } else {
            mime::line_of(text, 0)
        };
        *original = Some(OriginalMessage {
            line,
            headers_only: false,
            text: clip(body.get(start..).unwrap_or(""), MAX_ORIGINAL).to_string(),
        });
    }
    body.get(..marker).unwrap_or(body)
}
