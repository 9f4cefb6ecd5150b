//! The tables under `data/`, compiled in by `build.rs`: each `data/DIR/NAME.tsv` is the static
//! array `DIR::NAME` of its rows (see `build.rs` for the file format).
#![allow(missing_docs)]

use std::cmp::Ordering;

include!(concat!(env!("OUT_DIR"), "/tables.rs"));

/// A table compiled with `#! packed`: every cell, row by row, concatenated into `text`, and
/// where each cell ends in it.
pub struct Packed<const N: usize> {
    /// The cells, one after the other.
    pub text: &'static str,
    /// The end of each cell in `text` (N a row).
    pub ends: &'static [u16],
}

impl<const N: usize> Packed<N> {
    /// The number of rows.
    pub fn len(&self) -> usize {
        self.ends.len() / N
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.ends.len() < N
    }

    /// Row `i` (empty cells past the end).
    pub fn row(&self, i: usize) -> [&'static str; N] {
        core::array::from_fn(|j| {
            let k = i * N + j;
            let start = k
                .checked_sub(1)
                .and_then(|p| self.ends.get(p))
                .map_or(0, |e| usize::from(*e));
            let end = self.ends.get(k).map_or(start, |e| usize::from(*e));
            self.text.get(start..end).unwrap_or("")
        })
    }

    /// The rows, in order.
    pub fn rows(&self) -> impl Iterator<Item = [&'static str; N]> + '_ {
        (0..self.len()).map(|i| self.row(i))
    }
}

/// The row whose first column is `key`, in a table built with `#! sorted`.
pub fn lookup<'t, const N: usize>(
    table: &'t [[&'static str; N]],
    key: &str,
) -> Option<&'t [&'static str; N]> {
    table
        .binary_search_by(|row| row[0].cmp(key))
        .ok()
        .map(|i| &table[i])
}

/// The row whose key (first field) is `key`, byte for byte, in a table built with `#! sorted`
/// and `#! joined`.
pub fn lookup_joined(table: &[&'static str], key: &str) -> Option<Row> {
    table
        .binary_search_by(|row| key_of(row).cmp(key))
        .ok()
        .map(|i| Row(table[i]))
}

/// A row of a `#! joined` table: its fields joined by tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row(pub &'static str);

impl Row {
    /// Field `i` (0 is the key); empty past the last.
    pub fn get(self, i: usize) -> &'static str {
        self.0.split('\t').nth(i).unwrap_or_default()
    }

    /// The key (the first field).
    pub fn key(self) -> &'static str {
        key_of(self.0)
    }
}

/// The first field of a joined row.
fn key_of(row: &str) -> &str {
    row.split_once('\t').map_or(row, |(key, _)| key)
}

/// The key of a joined row (its bytes up to the first tab) against the pieces of `key` joined,
/// ASCII letters taken as uppercase. Walks the row once, stopping at the first difference.
fn cmp_ci(row: &str, key: &[&str]) -> Ordering {
    let mut row = row.bytes().take_while(|&b| b != b'\t');
    for piece in key {
        for c in piece.bytes() {
            let Some(x) = row.next() else {
                return Ordering::Less;
            };
            match x.to_ascii_uppercase().cmp(&c.to_ascii_uppercase()) {
                Ordering::Equal => {}
                unequal => return unequal,
            }
        }
    }
    if row.next().is_some() {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

/// If the key of a joined row is a family `PREFIX*` and `key` starts with `PREFIX` (ignoring
/// ASCII case), the length of `PREFIX`. Stops at the first byte that differs, so rows of other
/// families cost a byte or two.
fn family_prefix(row: &str, key: &str) -> Option<usize> {
    let (row, key) = (row.as_bytes(), key.as_bytes());
    let same = row
        .iter()
        .zip(key)
        .take_while(|(r, k)| **r != b'*' && r.eq_ignore_ascii_case(k))
        .count();
    let rest = row.get(same..)?;
    (rest.first() == Some(&b'*') && matches!(rest.get(1), None | Some(b'\t'))).then_some(same)
}

/// The row whose key is the pieces of `key` joined (`["SFV", ":", value]`, so that a composed
/// key needs no allocation), ignoring ASCII case, in a table built with `#! sorted` and
/// `#! joined` whose keys are in the same order ignoring case ([`sorted_ci`]; each user's tests
/// check it).
pub fn lookup_ci(table: &[&'static str], key: &[&str]) -> Option<Row> {
    table
        .binary_search_by(|row| cmp_ci(row, key))
        .ok()
        .map(|i| Row(table[i]))
}

/// As [`lookup_ci`] for one key; when no row has it, the row of the longest family it belongs
/// to: a key ending in `*` stands for every key that starts with what precedes it.
pub fn lookup_family_ci(table: &[&'static str], key: &str) -> Option<Row> {
    lookup_ci(table, &[key]).or_else(|| {
        let mut best: Option<(usize, &'static str)> = None;
        for &row in table {
            if let Some(len) = family_prefix(row, key)
                && best.is_none_or(|(longest, _)| len > longest)
            {
                best = Some((len, row));
            }
        }
        best.map(|(_, row)| Row(row))
    })
}

/// Whether the keys of a `#! sorted` table are also in order ignoring ASCII case, each once, as
/// [`lookup_ci`] needs (the build sorts them byte by byte).
pub fn sorted_ci(table: &[&'static str]) -> bool {
    table
        .windows(2)
        .all(|pair| cmp_ci(pair[0], &[key_of(pair[1])]) == Ordering::Less)
}

#[cfg(test)]
mod tests {
    use super::*;

    static RULES: &[&str] = &[
        "BAYES_*\tbayes",
        "BAYES_99\tninety-nine",
        "RCVD_IN_*\tlisted",
        "RCVD_IN_DNSWL_*\tallow-listed",
        "SPF:PASS\tpassed",
    ];

    #[test]
    fn joined_lookups() {
        assert!(sorted_ci(RULES));
        assert!(!sorted_ci(&["b\tx", "A\ty"]));
        assert!(!sorted_ci(&["a\tx", "A\ty"]), "a key twice, ignoring case");
        assert_eq!(
            lookup_ci(RULES, &["bayes_99"]).map(|r| r.get(1)),
            Some("ninety-nine")
        );
        assert_eq!(
            lookup_ci(RULES, &["SPF", ":", "pass"]).map(|r| r.key()),
            Some("SPF:PASS")
        );
        assert_eq!(lookup_ci(RULES, &["SPF", ":"]), None);
        assert_eq!(lookup_ci(RULES, &["BAYES_9"]), None);
        let family = |key| lookup_family_ci(RULES, key).map(|r| r.get(1));
        assert_eq!(family("BAYES_99"), Some("ninety-nine"));
        assert_eq!(family("bayes_50"), Some("bayes"));
        assert_eq!(family("BAYES_"), Some("bayes"));
        assert_eq!(family("BAYES_*X"), Some("bayes"));
        assert_eq!(family("RCVD_IN_DNSWL_HI"), Some("allow-listed"));
        assert_eq!(family("RCVD_IN_XBL"), Some("listed"));
        assert_eq!(family("BAYES"), None);
        assert_eq!(family(""), None);
        assert_eq!(Row("a\tb\tc").get(2), "c");
        assert_eq!(Row("a\tb\tc").get(3), "");
    }
}
