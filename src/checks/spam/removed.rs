//! A filter's note, in the delivered message's body, that it removed an attachment. MIMEDefang's
//! default filter drops a part with a dangerous file name or type and puts a warning part in its
//! place (mimedefang-filter, the shipped example: `action_drop_with_warning("An attachment named
//! $fname was removed from this document as it\nconstituted a security hazard.  If you require
//! this document, please contact\nthe sender and arrange an alternate means of receiving it.\n")`
//! for the names filter_bad_filename matches, .exe, .msi, .scr, .vbs and the like): the receiving
//! side's attachment policy, which let the message itself through.

use super::contains_ci;

/// The note's fixed words, lowercase, after the file name.
const REMOVED: &str = "was removed from this document as it";
/// The words before the file name.
const NAMED: &str = "an attachment named ";

/// The removed attachments' names (at most 8), in the body's order; each clipped to 120
/// characters. Empty when the body holds no such note.
#[must_use]
pub fn removed_attachments(body: &str) -> Vec<String> {
    // Quick refusal before any copy: most bodies hold no such note.
    if !contains_ci(body, "removed from") {
        return Vec::new();
    }
    // The note's lines may have been wrapped again on the way (a ticket system, a quote):
    // quote marks at the start of a line are dropped and every run of white space counts as
    // one space.
    let body = body
        .lines()
        .map(|l| l.trim_start_matches(|c: char| c == '>' || c.is_whitespace()))
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ");
    let body = body.as_str();
    let lower = body.to_ascii_lowercase();
    let mut out = Vec::new();
    for (at, _) in lower.match_indices(REMOVED).take(8) {
        // The name stands between "An attachment named " and the fixed words, on the same
        // line or the one above (the note is wrapped at about 70 columns).
        let before = &lower[..at];
        let Some(start) = before.rfind(NAMED) else {
            continue;
        };
        let name_start = start + NAMED.len();
        if at - name_start > 300 {
            continue;
        }
        let Some(name) = body.get(name_start..at) else {
            continue;
        };
        let name = name.trim();
        if !name.is_empty() {
            out.push(crate::vocab::text::clip_ellipsis(name, 120));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::removed_attachments;

    #[test]
    fn mimedefangs_warning_names_the_removed_file() {
        let body = "WARNING: This e-mail has been altered by MIMEDefang.  Following this\nparagraph are indications of the actual changes made.\n\nAn attachment named Setup.msi was removed from this document as it\nconstituted a security hazard.  If you require this document, please contact\nthe sender and arrange an alternate means of receiving it.\n";
        assert_eq!(removed_attachments(body), vec!["Setup.msi".to_string()]);
        assert!(removed_attachments("An attachment named x.pdf is attached.").is_empty());
        assert!(removed_attachments("was removed from this document as it").is_empty());
        // Wrapped again on the way, with a quote mark at the start of each line.
        let wrapped = "> An attachment named Setup.msi was removed from\n> this document as it constituted a security hazard.";
        assert_eq!(removed_attachments(wrapped), vec!["Setup.msi".to_string()]);
    }
}
