//! Compiles the tables under `data/` into the crate: every `data/**/*.tsv` file becomes a
//! `static` array of rows in `vocab::tables` (`data/spam/spamassassin.tsv` ->
//! `tables::spam::SPAMASSASSIN`), so the data stays reviewable as data and the code small.
//!
//! A table file: a header line naming the columns (tab-separated), then one row per line, every
//! row with exactly as many tab-separated fields as the header. Lines starting with `#` are
//! comments; the directive `#! sorted` makes the build sort the rows by the first column and
//! refuse duplicate keys, so that lookups can binary-search; `#! compile: a b c` compiles only
//! the named columns, in that order (the others are documentation, or read by tests from the
//! file itself), which keeps the wasm module small; `#! join: c` (after `compile`) makes rows that
//! follow each other with the same values in every other column one row, their `c` values joined
//! by `|` (which those values may not contain): a list kept one item a line in the file and one
//! string in the module; `#! packed` compiles the table as a `tables::Packed`: its cells
//! concatenated into one string with the end of each cell (no pointer pair per cell, which in the
//! wasm module costs more than most cells); `#! joined` compiles each row as one string, its
//! fields joined by tabs (`&[&str]` rather than `&[[&str; N]]`: one pointer a row instead of one
//! a field, which gzip compresses far less well than text; `tables::Row` reads the fields back;
//! lookups by key stay binary searches). A table is packed or joined, not both. In a field,
//! `\t`, `\n` and `\\` stand for a tab, a line break and a backslash; any other backslash is
//! kept as it is (a joined table refuses a tab in a field).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Default)]
struct Module {
    tables: Vec<String>,
    children: BTreeMap<String, Module>,
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("data");
    println!("cargo:rerun-if-changed=data");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut top = Module::default();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let rel = file.strip_prefix(&root).unwrap();
        let mut module = &mut top;
        let parts: Vec<String> = rel
            .parent()
            .into_iter()
            .flat_map(|p| p.iter())
            .map(|p| ident(&p.to_string_lossy()))
            .collect();
        for part in parts {
            module = module.children.entry(part).or_default();
        }
        module.tables.push(table(file, rel));
    }
    let mut out = String::new();
    render(&top, &mut out);
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("tables.rs");
    std::fs::write(dest, out).unwrap();
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "tsv") {
            out.push(path);
        }
    }
}

fn ident(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn unescape(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('\\') => out.push('\\'),
            // Any other backslash is itself.
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn table(file: &Path, rel: &Path) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    let mut sorted = false;
    let mut joined = false;
    let mut compile: Option<Vec<String>> = None;
    let mut join: Option<String> = None;
    let mut packed = false;
    let mut header: Option<Vec<String>> = None;
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim() == "#! sorted" {
            sorted = true;
            continue;
        }
        if line.trim() == "#! joined" {
            joined = true;
            continue;
        }
        if let Some(cols) = line.trim().strip_prefix("#! compile:") {
            compile = Some(cols.split_whitespace().map(str::to_string).collect());
            continue;
        }
        if line.trim() == "#! packed" {
            packed = true;
            continue;
        }
        if let Some(col) = line.trim().strip_prefix("#! join:") {
            join = Some(col.trim().to_string());
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<String> = line.split('\t').map(unescape).collect();
        match &header {
            None => header = Some(fields),
            Some(h) => {
                assert_eq!(
                    fields.len(),
                    h.len(),
                    "{}:{n}: {} fields, the header has {}",
                    file.display(),
                    fields.len(),
                    h.len()
                );
                rows.push((n, fields));
            }
        }
    }
    let header = header.unwrap_or_else(|| panic!("{}: no header line", file.display()));
    if sorted {
        rows.sort_by(|a, b| a.1[0].cmp(&b.1[0]));
        for pair in rows.windows(2) {
            assert!(
                pair[0].1[0] != pair[1].1[0],
                "{}:{}: duplicate key {:?}",
                file.display(),
                pair[1].0,
                pair[1].1[0]
            );
        }
    }
    let (header, rows) = match compile {
        None => (header, rows),
        Some(cols) => {
            let index: Vec<usize> = cols
                .iter()
                .map(|c| {
                    header
                        .iter()
                        .position(|h| h == c)
                        .unwrap_or_else(|| panic!("{}: no column {c}", file.display()))
                })
                .collect();
            let rows = rows
                .into_iter()
                .map(|(n, r)| (n, index.iter().map(|&i| r[i].clone()).collect()))
                .collect();
            (cols, rows)
        }
    };
    let rows = match join {
        None => rows,
        Some(col) => {
            let c = header
                .iter()
                .position(|h| *h == col)
                .unwrap_or_else(|| panic!("{}: no column {col} to join", file.display()));
            let mut joined: Vec<(usize, Vec<String>)> = Vec::new();
            for (n, row) in rows {
                assert!(
                    !row[c].contains('|'),
                    "{}:{n}: a joined value contains '|'",
                    file.display()
                );
                let same = |last: &Vec<String>| (0..row.len()).all(|i| i == c || last[i] == row[i]);
                match joined.last_mut() {
                    Some((_, last)) if same(last) => {
                        last[c].push('|');
                        last[c].push_str(&row[c]);
                    }
                    _ => joined.push((n, row)),
                }
            }
            joined
        }
    };
    assert!(
        !(packed && joined),
        "{}: a table is packed or joined, not both",
        file.display()
    );
    let name = ident(&file.file_stem().unwrap().to_string_lossy()).to_uppercase();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/// `data/{}`{}{}: {}.",
        rel.display(),
        if sorted {
            ", sorted by its first column"
        } else {
            ""
        },
        if joined {
            ", each row its fields joined by tabs"
        } else {
            ""
        },
        header.join(", ")
    );
    if packed {
        let text: String = rows
            .iter()
            .flat_map(|(_, row)| row.iter().cloned())
            .collect();
        assert!(
            text.len() <= usize::from(u16::MAX),
            "{}: too large to be packed",
            file.display()
        );
        let mut end = 0;
        let ends: Vec<String> = rows
            .iter()
            .flat_map(|(_, row)| row.iter())
            .map(|cell| {
                end += cell.len();
                end.to_string()
            })
            .collect();
        let _ = writeln!(
            out,
            "pub static {name}: crate::vocab::tables::Packed<{}> = crate::vocab::tables::Packed {{\n    text: {text:?},\n    ends: &[{}],\n}};",
            header.len(),
            ends.join(", ")
        );
        return out;
    }
    if joined {
        let _ = writeln!(out, "pub static {name}: &[&str] = &[");
        for (n, row) in &rows {
            assert!(
                row.iter().all(|f| !f.contains('\t')),
                "{}:{n}: a tab in a field of a joined table",
                file.display()
            );
            let _ = writeln!(out, "    {:?},", row.join("\t"));
        }
        out.push_str("];\n");
        return out;
    }
    let _ = writeln!(out, "pub static {name}: &[[&str; {}]] = &[", header.len());
    for (_, row) in &rows {
        let cells: Vec<String> = row.iter().map(|f| format!("{f:?}")).collect();
        let _ = writeln!(out, "    [{}],", cells.join(", "));
    }
    out.push_str("];\n");
    out
}

fn render(module: &Module, out: &mut String) {
    for t in &module.tables {
        out.push_str(t);
    }
    for (name, child) in &module.children {
        let _ = writeln!(out, "/// Tables from `data/{name}/`.\npub mod {name} {{");
        render(child, out);
        out.push_str("}\n");
    }
}
