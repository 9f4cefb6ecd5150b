//! One-line explanations of the header fields support staff meet, for the full header list: a
//! lookup in `data/headers.tsv`. Names compare ASCII case-insensitively; a field not listed there
//! has no explanation.

use crate::vocab::tables::{self, HEADERS};

/// The one-line explanation of a header field, if it is a known one.
pub fn explain(name: &str) -> Option<&'static str> {
    tables::lookup_ci(HEADERS, &[name]).map(|row| row.get(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown() {
        assert!(explain("received").unwrap().contains("newest"));
        assert!(explain("DKIM-Signature").is_some());
        assert!(explain("X-Unknown-Thing").is_none());
        assert!(explain("").is_none());
        assert!(
            tables::sorted_ci(HEADERS),
            "each header is listed once, in lowercase"
        );
    }
}
