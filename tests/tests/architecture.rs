//! The shape of `qqbot/src`, checked on the source: concept folders (`adapter/`, `command/`, `session/`, `event/`,
//! `message/`, `api/` …) import each other one way only, and the runtime never imports the test kit. Crate-level
//! files (`error.rs`, `config.rs`, `app.rs` …) are not concepts: the crate's error wraps every concept's error.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../qqbot/src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments and without its unit-test module (tests may reach anywhere).
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("readable source");
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => &text[..],
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::a::b…` path in the code, as its segments (`use crate::{x::Y, z}` gives `[x, Y]` and `[z]`).
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let preceded_by_ident = rest[..i].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_');
        rest = &rest[i + "crate::".len()..];
        if preceded_by_ident {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level items of the group, depth 1 only.
            let mut depth = 1;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 1 => break,
                    '}' => depth -= 1,
                    ',' if depth == 1 => {
                        out.push(segments(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 1 {
                    item.push(c);
                }
            }
            out.push(segments(&item));
        } else {
            out.push(segments(rest));
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

fn segments(s: &str) -> Vec<String> {
    let s = s.trim_start();
    let end = s.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(s.len());
    s[..end].split("::").filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

/// The top-level module a file belongs to (`adapter`, `command`, `app` …).
fn concept_of(path: &Path) -> String {
    let rel = path.strip_prefix(src_root()).expect("under src");
    let first = rel.components().next().expect("non-empty").as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_owned()
}

fn import_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src_root(), &mut files);
    // Concept folders are the directories directly under `src/`.
    let concepts: BTreeSet<String> =
        files.iter().filter(|f| f.parent() != Some(src_root().as_path())).map(|f| concept_of(f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let from = concept_of(file);
        // The test kit may use everything (nothing in the runtime imports it).
        if !concepts.contains(&from) || from == "testing" {
            continue;
        }
        for path in crate_paths(&code_of(file)) {
            let to = &path[0];
            if *to != from && concepts.contains(to) {
                graph.entry(from.clone()).or_default().insert(to.clone());
            }
        }
    }
    graph
}

/// A cycle through `start`, if any, as the list of modules on it.
fn cycle_from(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    fn walk(
        graph: &BTreeMap<String, BTreeSet<String>>,
        start: &str,
        at: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in graph.get(at).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(graph, start, next, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_owned()];
    let mut seen = BTreeSet::new();
    walk(graph, start, start, &mut path, &mut seen).then_some(path)
}

#[test]
fn concept_folders_import_each_other_one_way_only() {
    let graph = import_graph();
    assert!(graph.contains_key("adapter") && graph.contains_key("command"), "the source tree moved? {graph:?}");
    assert!(!graph.contains_key("error"), "crate-level files are not concepts");
    let cycles: Vec<String> = graph.keys().filter_map(|m| cycle_from(&graph, m)).map(|c| c.join(" → ")).collect();
    assert!(cycles.is_empty(), "import cycles between top-level modules:\n{}", cycles.join("\n"));
}

#[test]
fn the_test_kit_is_not_imported_by_the_runtime() {
    let mut files = Vec::new();
    rust_files(&src_root(), &mut files);
    let users: Vec<String> = files
        .iter()
        .filter(|f| concept_of(f) != "testing" && !f.ends_with("lib.rs"))
        .filter(|f| crate_paths(&code_of(f)).iter().any(|p| p[0] == "testing"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(users.is_empty(), "runtime modules import `testing`: {users:?}");
}

#[test]
fn the_path_parser_reads_grouped_imports() {
    let paths =
        crate_paths("use crate::{event::{Event, Scene}, message::Message};\nlet x = crate::api::Target::Group;");
    let firsts: Vec<&str> = paths.iter().map(|p| p[0].as_str()).collect();
    assert_eq!(firsts, ["event", "message", "api"]);
    assert!(crate_paths("use my_crate::x;").is_empty());
}

#[test]
fn transports_import_nothing_above_them() {
    let mut files = Vec::new();
    rust_files(&src_root().join("adapter"), &mut files);
    let transports: Vec<&PathBuf> =
        files.iter().filter(|f| f.components().any(|c| c.as_os_str() == "transport")).collect();
    assert!(!transports.is_empty(), "no transport/ folder found");
    // Above a transport: its adapter's account layer and entry point, and the dispatch, app and session layers.
    let above = ["super::super::account", "super::super::adapter", "crate::command", "crate::app", "crate::session"];
    let mut found = Vec::new();
    for file in transports {
        let code = code_of(file);
        for path in above {
            if code.contains(path) {
                found.push(format!("{} imports {path}", file.display()));
            }
        }
    }
    assert!(found.is_empty(), "transports reach above themselves:\n{}", found.join("\n"));
}

#[test]
fn protocols_import_no_transport() {
    let mut files = Vec::new();
    rust_files(&src_root().join("adapter"), &mut files);
    let found: Vec<String> = files
        .iter()
        .filter(|f| f.components().any(|c| c.as_os_str() == "protocol"))
        .filter(|f| code_of(f).contains("transport::"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(found.is_empty(), "protocol code (sans I/O) imports a transport:\n{}", found.join("\n"));
}

#[test]
fn adapter_internals_are_private_behind_a_curated_surface() {
    // Each adapter's `protocol/` and `transport/` folders are internals: what users need is re-exported by name
    // from the adapter's `mod.rs`, and what only the benchmarks need sits in `#[doc(hidden)] pub mod __bench`.
    for adapter in ["onebot", "official"] {
        let path = src_root().join("adapter").join(adapter).join("mod.rs");
        let code = code_of(&path);
        for folder in ["protocol", "transport"] {
            let public = code.lines().any(|l| l.trim() == format!("pub mod {folder};"));
            assert!(!public, "{}: `{folder}` must not be `pub mod` (re-export items by name instead)", path.display());
        }
    }
}
