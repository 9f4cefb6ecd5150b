//! The registry of finding codes (`data/findings.tsv`): for each code, or family of codes
//! (`spf.lint.*`), the page section and the heading it is shown under, the diagnosis topic, the
//! severities it may have, and what it means (the last two stay in the data file: the tests read
//! them there). The CLI, the page (through the `section` and
//! `group` every serialized finding carries) and the diagnosis all read it from here.

use super::tables;

/// What the registry says about a finding code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    /// The registry row's code (`spf.lint.*` for a family).
    pub code: &'static str,
    /// The page section: `path`, `auth`, `reputation`, `bounce`, `spam`, `sender`, `headers`.
    pub section: &'static str,
    /// The heading a group of such findings is shown under, on the page and in the CLI.
    pub group: &'static str,
    /// What the finding is about, for the diagnosis (`spf`, `blocklist`, `reverse-dns`, ...).
    pub topic: &'static str,
}

/// Where a code that is not in the registry is shown (a test keeps this from happening).
pub const UNKNOWN: CodeInfo = CodeInfo {
    code: "",
    section: "sender",
    group: "Other",
    topic: "info",
};

fn info(row: tables::Row) -> CodeInfo {
    CodeInfo {
        code: row.key(),
        section: row.get(1),
        group: row.get(2),
        topic: row.get(3),
    }
}

/// The registry row for `code`: the exact code, or else the longest family (a row whose code
/// ends in `*`, such as `spf.lint.*` or `recorded.spf-*`) it belongs to.
pub fn lookup(code: &str) -> Option<CodeInfo> {
    if let Some(row) = tables::lookup_joined(tables::FINDINGS, code) {
        return Some(info(row));
    }
    tables::FINDINGS
        .iter()
        .map(|&row| tables::Row(row))
        .filter_map(|row| Some((row, row.key().strip_suffix('*')?)))
        .filter(|(_, prefix)| code.starts_with(prefix))
        .max_by_key(|(_, prefix)| prefix.len())
        .map(|(row, _)| info(row))
}

/// The registry row for `code`, or [`UNKNOWN`].
pub fn of(code: &str) -> CodeInfo {
    lookup(code).unwrap_or(UNKNOWN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_codes_win_over_families() {
        assert_eq!(of("recorded.received-spf-unreadable").topic, "info");
        assert_eq!(
            of("recorded.received-spf-fail").code,
            "recorded.received-spf-*"
        );
        assert_eq!(of("spf.lint.too_many_lookups").code, "spf.lint.*");
        assert_eq!(of("bounce.userunknown").code, "bounce.*");
        assert_eq!(of("bounce.feedback").topic, "complaint");
        assert_eq!(lookup("nothing.here"), None);
        assert_eq!(of("nothing.here").group, "Other");
    }

    #[test]
    fn every_row_names_a_known_section() {
        for &row in tables::FINDINGS {
            let i = info(tables::Row(row));
            assert!(
                [
                    "path",
                    "auth",
                    "reputation",
                    "bounce",
                    "spam",
                    "sender",
                    "headers"
                ]
                .contains(&i.section),
                "{}: section {}",
                i.code,
                i.section
            );
            assert!(!i.group.is_empty() && !i.topic.is_empty(), "{}", i.code);
        }
    }
}
