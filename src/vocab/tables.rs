//! The tables under `data/`, compiled in by `build.rs`: each `data/DIR/NAME.tsv` is the static
//! array `DIR::NAME` of its rows (see `build.rs` for the file format).
#![allow(missing_docs)]

include!(concat!(env!("OUT_DIR"), "/tables.rs"));

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
