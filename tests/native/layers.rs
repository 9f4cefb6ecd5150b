//! The layer rules of ARCHITECTURE.md, checked on the source: `src/` has one folder per layer,
//! a module imports only from its own layer or lower ones, no modules import each other in a
//! circle, and nothing outside the driver layer does I/O, reads the clock or touches the
//! browser.
//!
//! Modules are read as text: every `crate::a::b` path (including `use crate::{...}` groups) and
//! every `super::` path is an import. A node is a layer's direct child module
//! (`checks::spf` for `src/checks/spf/eval.rs`, `report` for `src/report.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first.
const LAYERS: &[&str] = &[
    "vocab",
    "dns",
    "parse",
    "checks",
    "report",
    "interpret",
    "engine",
    "present",
    "driver",
];

/// What only the driver layer may name: I/O, the clock, the network, the browser.
const DRIVER_ONLY: &[&str] = &[
    "std::fs",
    "std::net",
    "std::io::stdin",
    "SystemTime",
    "Instant::now",
    "reqwest",
    "web_sys",
    "js_sys",
    "wasm_bindgen",
    "ed25519_dalek",
];

fn src_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file: `src/checks/spf/eval.rs` -> ["checks", "spf", "eval"].
fn module_path(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src_dir()).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The node a module path belongs to: the layer and its direct child module (the layer alone
/// when the path names an item of the layer's own file, as `report::Finding` does).
fn node(path: &[String]) -> String {
    let src = src_dir();
    let mut n = path.iter().take(1).cloned().collect::<Vec<_>>();
    if let (Some(layer), Some(child)) = (path.first(), path.get(1)) {
        let dir = src.join(layer);
        if dir.join(format!("{child}.rs")).is_file() || dir.join(child).is_dir() {
            n.push(child.clone());
        }
    }
    n.join("::")
}

fn layer_of(node: &str) -> Option<usize> {
    let first = node.split("::").next()?;
    LAYERS.iter().position(|l| *l == first)
}

/// The source without comments (line comments, block comments, doc comments).
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '/' if chars.peek() == Some(&'/') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for n in chars.by_ref() {
                    if prev == '*' && n == '/' {
                        break;
                    }
                    prev = n;
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// The code outside string literals (so that a path named in a message is not an import).
fn strip_strings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if in_string {
            if c == '\\' {
                chars.next();
            } else if c == '"' {
                in_string = false;
                out.push('"');
            }
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        out.push(c);
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every path that starts with `prefix` (e.g. `crate::`), expanded through `{...}` groups:
/// `crate::{a::b, c}` gives `a::b` and `c`.
fn paths_after(code: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + prefix.len()..];
        if before.is_some_and(|c| is_ident(c) || c == ':') {
            continue;
        }
        expand(rest, String::new(), &mut out);
    }
    out
}

fn expand(text: &str, base: String, out: &mut Vec<String>) {
    let text = text.trim_start();
    if let Some(group) = text.strip_prefix('{') {
        let mut depth = 0;
        let mut item = String::new();
        for c in group.chars() {
            match c {
                '{' => {
                    depth += 1;
                    item.push(c);
                }
                '}' if depth == 0 => {
                    expand(&item, base.clone(), out);
                    return;
                }
                '}' => {
                    depth -= 1;
                    item.push(c);
                }
                ',' if depth == 0 => {
                    expand(&item, base.clone(), out);
                    item.clear();
                }
                _ => item.push(c),
            }
        }
        return;
    }
    let name: String = text.chars().take_while(|c| is_ident(*c)).collect();
    if name.is_empty() {
        if !base.is_empty() {
            out.push(base);
        }
        return;
    }
    let full = if base.is_empty() {
        name.clone()
    } else {
        format!("{base}::{name}")
    };
    let after = &text[name.len()..];
    match after.strip_prefix("::") {
        Some(more) => expand(more, full, out),
        None => out.push(full),
    }
}

struct Source {
    file: PathBuf,
    module: Vec<String>,
    code: String,
}

fn sources() -> Vec<Source> {
    let mut files = Vec::new();
    rust_files(&src_dir(), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap();
            let module = module_path(&file);
            Source {
                code: strip_strings(&strip_comments(&text)),
                file,
                module,
            }
        })
        .collect()
}

/// Imports between nodes: from -> to -> the files that make the arrow.
fn imports(sources: &[Source]) -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let mut edges: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for source in sources {
        let from = node(&source.module);
        if layer_of(&from).is_none() {
            continue; // lib.rs, main.rs: the crate's root and the CLI's entry point
        }
        let mut targets: Vec<Vec<String>> = paths_after(&source.code, "crate::")
            .into_iter()
            .map(|p| p.split("::").map(str::to_string).collect())
            .collect();
        // `super::` from a module's own file: the parent module; `super::super::` further up.
        for path in paths_after(&source.code, "super::") {
            let mut parent = source.module.clone();
            parent.pop();
            let mut parts: Vec<String> = path.split("::").map(str::to_string).collect();
            while parts.first().is_some_and(|p| p == "super") {
                parts.remove(0);
                parent.pop();
            }
            parent.extend(parts);
            targets.push(parent);
        }
        for target in targets {
            let to = node(&target);
            if to == from || layer_of(&to).is_none() {
                continue;
            }
            // A child module naming its own parent layer's module file (e.g. `dns` from
            // `dns::zone`) is an arrow like any other.
            edges
                .entry(from.clone())
                .or_default()
                .entry(to)
                .or_default()
                .insert(
                    source
                        .file
                        .strip_prefix(src_dir())
                        .unwrap()
                        .display()
                        .to_string(),
                );
        }
    }
    edges
}

#[test]
fn every_source_file_is_in_a_layer() {
    let stray: Vec<String> = sources()
        .iter()
        .filter(|s| layer_of(&node(&s.module)).is_none())
        .map(|s| s.file.display().to_string())
        .filter(|f| !f.ends_with("src/lib.rs") && !f.ends_with("src/main.rs"))
        .collect();
    assert!(stray.is_empty(), "files outside every layer: {stray:?}");
}

#[test]
fn no_module_imports_a_higher_layer() {
    let edges = imports(&sources());
    let mut violations = Vec::new();
    for (from, tos) in &edges {
        for (to, files) in tos {
            if layer_of(to) > layer_of(from) {
                violations.push(format!("{from} -> {to} (in {files:?})"));
            }
        }
    }
    println!(
        "layer rule: {} arrows between {} modules checked",
        edges.values().map(|t| t.len()).sum::<usize>(),
        edges.len()
    );
    assert!(
        violations.is_empty(),
        "imports from a lower layer into a higher one:\n{}",
        violations.join("\n")
    );
}

#[test]
fn no_import_cycle() {
    let edges = imports(&sources());
    // Tarjan's strongly connected components.
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
        index: BTreeMap<String, usize>,
        low: BTreeMap<String, usize>,
        stack: Vec<String>,
        on_stack: BTreeSet<String>,
        next: usize,
        cycles: Vec<Vec<String>>,
    }
    fn visit(s: &mut State, v: &str) {
        s.index.insert(v.to_string(), s.next);
        s.low.insert(v.to_string(), s.next);
        s.next += 1;
        s.stack.push(v.to_string());
        s.on_stack.insert(v.to_string());
        let targets: Vec<String> = s
            .edges
            .get(v)
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default();
        for w in targets {
            if !s.index.contains_key(&w) {
                visit(s, &w);
                let low = s.low[v].min(s.low[&w]);
                s.low.insert(v.to_string(), low);
            } else if s.on_stack.contains(&w) {
                let low = s.low[v].min(s.index[&w]);
                s.low.insert(v.to_string(), low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(&w);
                let done = w == v;
                component.push(w);
                if done {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.cycles.push(component);
            }
        }
    }
    let mut state = State {
        edges: &edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        cycles: Vec::new(),
    };
    let nodes: Vec<String> = edges.keys().cloned().collect();
    for n in nodes {
        if !state.index.contains_key(&n) {
            visit(&mut state, &n);
        }
    }
    let described: Vec<String> = state
        .cycles
        .iter()
        .map(|c| {
            let arrows: Vec<String> = c
                .iter()
                .flat_map(|from| {
                    edges[from]
                        .iter()
                        .filter(|(to, _)| c.contains(to))
                        .map(move |(to, files)| format!("  {from} -> {to} {files:?}"))
                })
                .collect();
            format!("{}:\n{}", c.join(", "), arrows.join("\n"))
        })
        .collect();
    assert!(
        described.is_empty(),
        "import cycles:\n{}",
        described.join("\n")
    );
}

#[test]
fn io_clock_and_browser_only_in_the_driver_layer() {
    let mut found = Vec::new();
    for source in sources() {
        let n = node(&source.module);
        if n.starts_with("driver") || source.module.is_empty() || source.module == ["main"] {
            continue;
        }
        for word in DRIVER_ONLY {
            for (i, line) in source.code.lines().enumerate() {
                if line.contains(word) {
                    found.push(format!(
                        "{}:{}: {word}",
                        source.file.strip_prefix(src_dir()).unwrap().display(),
                        i + 1
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "outside the driver layer:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checker_reads_groups_and_super_paths() {
    let mut out = Vec::new();
    expand("{a::b, c::{d, e::F}, g}", String::new(), &mut out);
    assert_eq!(out, ["a::b", "c::d", "c::e::F", "g"]);
    let code = strip_strings(&strip_comments(
        "use crate::{x::Y, z};\n// crate::hidden\nlet s = \"crate::quoted\"; super::w::f();",
    ));
    assert_eq!(paths_after(&code, "crate::"), ["x::Y", "z"]);
    assert_eq!(paths_after(&code, "super::"), ["w::f"]);
}
