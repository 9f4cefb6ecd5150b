//! The header readers that need no DNS: the input's own notes, the list of header fields with
//! their decoded values and explanations, the summary (From, To, Subject, Message-ID,
//! Return-Path, Date; RFC 5322 section 3.6, RFC 2047 words decoded), the sender checks and the
//! spam filters' verdicts. `Analysis::read_input` runs them, with the
//! readers of the other modules, in order.

use super::{Analysis, MAX_VALUE};
use crate::parse::date;
use crate::parse::input::{self, Field, Normalized};
use crate::report::*;
use crate::vocab::finding::{Evidence, Finding, Severity};
use crate::vocab::text::shorten;

impl Analysis {
    /// The input's own notes (binary, truncated, stray lines, ...) as findings, and a finding
    /// when there are no header fields at all.
    pub(super) fn read_notes(&mut self, normalized: &Normalized) {
        for note in &normalized.notes {
            let severity = match note.code {
                "input.binary" | "input.truncated" | "input.header-too-large" => Severity::Warning,
                _ => Severity::Info,
            };
            self.findings.push(Finding {
                code: note.code.to_string(),
                severity,
                title: note.message.clone(),
                detail: String::new(),
                evidence: if note.lines.is_empty() {
                    note.line
                        .map(|line| Evidence {
                            line: Some(line),
                            text: String::new(),
                        })
                        .into_iter()
                        .collect()
                } else {
                    note.lines
                        .iter()
                        .map(|(line, text)| Evidence {
                            line: Some(*line),
                            text: text.clone(),
                        })
                        .collect()
                },
            });
        }
        if normalized.fields.is_empty() {
            self.findings.push(Finding {
                code: "input.no-headers".into(),
                severity: Severity::Problem,
                title: "No e-mail header fields were found in the input.".into(),
                detail: "Paste the message's full headers (in Gmail: \"Show original\"; in Outlook: File > Properties > Internet headers) or the whole message source.".into(),
                evidence: Vec::new(),
            });
        }
    }

    /// Every header field, with its RFC 2047 words decoded and a line on what it is.
    pub(super) fn read_header_list(&mut self, normalized: &Normalized) {
        self.headers = normalized
            .fields
            .iter()
            .map(|f| {
                let value = f.unfolded();
                let decoded = crate::parse::rfc2047::decode(value, self.options.charset_decoder);
                HeaderEntry {
                    name: f.name.clone(),
                    decoded: (decoded != value).then(|| shorten(&decoded, MAX_VALUE)),
                    explanation: crate::parse::header_info::explain(&f.name).map(str::to_string),
                    value: shorten(value, MAX_VALUE),
                    line: f.line,
                }
            })
            .collect();
    }

    /// From, To, Subject, Message-ID, Return-Path and Date.
    pub(super) fn read_summary(&mut self, normalized: &Normalized) {
        let field = |name: &str| normalized.fields.iter().find(|f| f.is(name));
        let platform = self.options.charset_decoder;
        let mailbox = |m: crate::parse::address::ParsedMailbox| Mailbox {
            name: m.name,
            address: m.address,
        };
        if let Some(f) = field("From") {
            self.message.from = crate::parse::address::first(&f.value, platform).map(mailbox);
        }
        if let Some(f) = field("To") {
            self.message.to = crate::parse::address::parse_list(&f.value, platform)
                .into_iter()
                .take(50)
                .map(mailbox)
                .collect();
        }
        self.message.message_id = field("Message-ID").map(|f| {
            let id = f.unfolded();
            shorten(
                id.trim().trim_start_matches('<').trim_end_matches('>'),
                1024,
            )
        });
        // Subject and display names are decoded here, with the platform's charset decoder
        // where there is one (the browser's TextDecoder in the wasm build).
        self.message.subject = field("Subject").map(|f| {
            shorten(
                crate::parse::rfc2047::decode(f.unfolded(), platform).trim(),
                MAX_VALUE,
            )
        });
        if let (Some(from), Some(f)) = (self.message.from.as_mut(), field("From")) {
            let raw = f.unfolded();
            if raw.contains("=?")
                && let Some(name) = raw_display_name(raw, from.address.as_deref())
            {
                from.name = Some(shorten(
                    &crate::parse::rfc2047::decode(&name, platform),
                    1024,
                ));
            }
        }
        // Only the Return-Path field itself: mail-parser's return_address() falls back to
        // From, which would pass the author off as the envelope sender.
        self.message.return_path = field("Return-Path").map(|f| {
            let value = f.unfolded();
            shorten(
                value.trim().trim_start_matches('<').trim_end_matches('>'),
                1024,
            )
        });
        if let Some(date_field) = field("Date") {
            let text = date_field.unfolded();
            self.message.date = Some(DateValue {
                epoch_ms: date::parse(text).map(|d| d.epoch_ms),
                text: shorten(text, 200),
            });
        }
    }

    /// The sender checks (`checks::sender`): alignment, free mail, display-name tricks, Reply-To
    /// and Return-Path, Date and Message-ID, bulk-mail hygiene.
    pub(super) fn read_sender(&mut self, normalized: &Normalized) {
        let (facts, findings) = crate::checks::sender::check(
            normalized
                .fields
                .iter()
                .map(|f| (f.name.as_str(), f.value.as_str(), f.line)),
            self.now_ms,
            self.options.charset_decoder,
        );
        self.sender = facts;
        self.findings.extend(findings);
    }

    /// The spam filters' verdicts (`checks::spam`), and a finding for each that says spam.
    pub(super) fn read_spam(&mut self, normalized: &Normalized) {
        self.spam = crate::checks::spam::read(
            normalized
                .fields
                .iter()
                .map(|f| (f.name.as_str(), f.unfolded(), f.line)),
        );
        for verdict in &self.spam {
            if verdict.is_spam == Some(true) {
                self.findings.push(Finding {
                    code: "spam.flagged".into(),
                    severity: Severity::Problem,
                    title: format!("{} marked this message as spam.", verdict.filter),
                    detail: verdict.summary.clone(),
                    evidence: vec![Evidence {
                        line: Some(verdict.line),
                        text: verdict.header.clone(),
                    }],
                });
            }
        }
        // A filter's note in the delivered body that it removed an attachment
        // (`checks::spam::removed`).
        let removed = normalized
            .body
            .as_deref()
            .map(crate::checks::spam::removed::removed_attachments)
            .unwrap_or_default();
        if !removed.is_empty() {
            self.findings.push(Finding {
                code: "filter.attachment-removed".into(),
                severity: Severity::Warning,
                title: format!(
                    "The receiving side's mail filter removed {} from the message before delivery.",
                    removed
                        .iter()
                        .map(|n| format!("the attachment {n}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                detail: "Its note in the message says the file was removed as a security hazard (MIMEDefang's wording): the message was delivered without it.".into(),
                evidence: vec![Evidence {
                    line: None,
                    text: format!("An attachment named {} was removed from this document", removed[0]),
                }],
            });
        }
    }
}

/// The display name as written before `<address>` in a one-mailbox field, unquoted.
fn raw_display_name(raw: &str, address: Option<&str>) -> Option<String> {
    let address = address?;
    let at = raw.rfind(&format!("<{address}>"))?;
    let name = raw[..at].trim();
    let name = name
        .strip_prefix('"')
        .and_then(|n| n.strip_suffix('"'))
        .map(|n| n.replace("\\\"", "\"").replace("\\\\", "\\"))
        .unwrap_or_else(|| name.to_string());
    (!name.is_empty()).then_some(name)
}

/// The evidence a finding about one field shows: its line and its text, unfolded.
pub(super) fn evidence(field: &Field) -> Evidence {
    Evidence {
        line: Some(field.line),
        text: shorten(
            &format!(
                "{}: {}",
                field.name,
                input::collapse_space(field.unfolded())
            ),
            1024,
        ),
    }
}
