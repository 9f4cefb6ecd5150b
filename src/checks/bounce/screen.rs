//! The screening: whether a paste could be a bounce, a complaint or an automatic reply at all,
//! judged from its header fields alone, before the full reading. The markers are data
//! (data/bounce/reader/screen.tsv).

use crate::vocab::tables::bounce::reader::SCREEN;

/// Whether a message could be a bounce, a delay notice, a complaint or an auto-reply, judged
/// from its header fields alone: the full reading ([`analyze`](super::analyze)) is done only then, so ordinary
/// pastes do not pay for it. A paste with hardly any header fields (a pasted error text, a
/// bounce's body) always could. Generous on purpose: the corpus test checks that every bounce in
/// the Sisimai corpus and every fixture passes.
pub fn may_be_report<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> bool {
    let mut count = 0usize;
    for (name, value) in fields {
        count += 1;
        if is_report_field(name, value) {
            return true;
        }
    }
    count < 3
}

/// Whether one header field marks a bounce, a delay notice, a complaint or an auto-reply (a
/// null or daemon sender, a report's Subject or Content-Type, a field only reports carry).
pub fn is_report_field(name: &str, value: &str) -> bool {
    // data/bounce/reader/screen.tsv: (kind, marker) rows.
    let markers = |kind: &'static str| {
        SCREEN
            .iter()
            .filter(move |[k, _]| *k == kind)
            .map(|[_, marker]| *marker)
    };
    let has = |kind: &'static str| {
        let v = value.to_ascii_lowercase();
        markers(kind).any(|m| v.contains(m))
    };
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    if is("from") || is("sender") || is("return-path") {
        value.contains("<>") || has("from")
    } else if is("subject") {
        // An encoded subject (RFC 2047: "=?utf-8?B?...?=", how mail programs write one in
        // another script, "自动回复: ...") is read decoded.
        has("subject")
            || (value.contains("=?") && {
                let decoded =
                    crate::parse::rfc2047::decode(crate::vocab::text::clip(value, 2048), None)
                        .to_lowercase();
                markers("subject").any(|m| decoded.contains(m))
            })
    } else if is("content-type") {
        let v = value.to_ascii_lowercase();
        v.contains("report") || v.contains("delivery-status")
    } else if is("auto-submitted") {
        !value.trim().eq_ignore_ascii_case("no")
    } else {
        // One pass over the table for both kinds: run for every field of every paste.
        SCREEN.iter().any(|[kind, m]| match *kind {
            "field" => is(m),
            "field-prefix" => {
                name.len() >= m.len()
                    && name.is_char_boundary(m.len())
                    && name[..m.len()].eq_ignore_ascii_case(m)
            }
            _ => false,
        })
    }
}
