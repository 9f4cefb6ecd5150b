//! Replaying a report's DNS answers (`mailtrace analyze --replay REPORT.json`) is only sound for
//! the message the report was made from: another message asks other questions, and every
//! question the report did not record would come back as "does not exist". [`mismatch`] tells
//! whether a report and an input are of the same message, by the header fields that identify
//! one (RFC 5322 section 3.6: Message-ID, From, Date; and the newest Received field).

use crate::report::{HeaderEntry, Report};
use crate::{Analysis, Options};

/// The fields compared, in the order they are reported.
const FIELDS: [&str; 4] = ["Message-ID", "From", "Date", "Received"];

/// Why `recorded` cannot be replayed for `input`, or None when it is the same message: the
/// fields that differ (or that one side has and the other lacks), with both values. When neither
/// side has any of the identifying fields, every header field is compared.
pub fn mismatch(recorded: &Report, input: &[u8]) -> Option<String> {
    let options = Options {
        live: false,
        ..Options::default()
    };
    let fresh = Analysis::new(input, recorded.analyzed_at_ms, options).finish();
    let mut differ = Vec::new();
    let mut compared = 0;
    for name in FIELDS {
        let then = first(&recorded.headers, name);
        let now = first(&fresh.headers, name);
        if then.is_some() || now.is_some() {
            compared += 1;
        }
        if then != now {
            let show = |v: Option<String>| v.map_or("(none)".to_string(), |v| format!("{v:?}"));
            differ.push(format!(
                "{name}: the report has {}, the input has {}",
                show(then),
                show(now)
            ));
        }
    }
    if compared == 0 {
        let all = |h: &[HeaderEntry]| -> Vec<(String, String)> {
            h.iter()
                .map(|e| (e.name.to_ascii_lowercase(), squash(&e.value)))
                .collect()
        };
        if all(&recorded.headers) != all(&fresh.headers) {
            differ.push(format!(
                "the header fields differ ({} in the report, {} in the input)",
                recorded.headers.len(),
                fresh.headers.len()
            ));
        }
    }
    if differ.is_empty() {
        return None;
    }
    Some(format!(
        "the report was made from another message, so its DNS answers cannot be replayed for this \
         one (every question it did not record would look like a name that does not exist): {}. \
         Replay a report with the message it was made from, or analyze without --replay.",
        differ.join("; ")
    ))
}

/// The first field of that name, its value with runs of white space made one space.
fn first(headers: &[HeaderEntry], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| squash(&h.value))
}

fn squash(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSAGE: &str = "Received: from mail.sender.example (mail.sender.example [203.0.113.5])\n\
        \tby mx.example.net; Tue, 2 Jan 2024 10:00:02 +0000\n\
        From: Ann <ann@sender.example>\n\
        To: user@example.net\n\
        Date: Tue, 2 Jan 2024 09:59:57 +0000\n\
        Message-ID: <1@sender.example>\n\n";

    fn report_of(text: &str) -> Report {
        let options = Options {
            live: false,
            ..Options::default()
        };
        Analysis::new(text.as_bytes(), 1_704_189_600_000, options).finish()
    }

    #[test]
    fn the_same_message_matches_in_any_line_ending() {
        let report = report_of(MESSAGE);
        assert_eq!(mismatch(&report, MESSAGE.as_bytes()), None);
        let crlf = MESSAGE.replace('\n', "\r\n");
        assert_eq!(mismatch(&report, crlf.as_bytes()), None);
    }

    #[test]
    fn another_message_is_refused_with_the_fields_that_differ() {
        let report = report_of(MESSAGE);
        let other = MESSAGE.replace("<1@sender.example>", "<2@sender.example>");
        let why = mismatch(&report, other.as_bytes()).expect("a mismatch");
        assert!(why.contains("Message-ID"), "{why}");
        assert!(why.contains("<2@sender.example>"), "{why}");
        assert!(!why.contains("From:"), "{why}");
        let stripped = MESSAGE.replace("Message-ID: <1@sender.example>\n", "");
        let why = mismatch(&report, stripped.as_bytes()).expect("a mismatch");
        assert!(why.contains("the input has (none)"), "{why}");
    }

    #[test]
    fn pastes_without_identifying_fields_compare_every_field() {
        let report = report_of("Subject: one\nX-Thing: a\n\n");
        assert_eq!(mismatch(&report, b"Subject: one\nX-Thing: a\n\n"), None);
        assert!(mismatch(&report, b"Subject: two\nX-Thing: a\n\n").is_some());
    }
}
