//! The tables under `data/`, compiled in by `build.rs`: each `data/DIR/NAME.tsv` is the static
//! array `DIR::NAME` of its rows (see `build.rs` for the file format).
#![allow(missing_docs)]

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
