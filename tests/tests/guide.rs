//! The user guide stays honest: every page's Rust blocks are compiled as doctests of this crate (`src/lib.rs`), no
//! block opts out with `ignore`, and no page or source file cites internal planning documents.

use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            files_under(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

fn guide_pages() -> Vec<PathBuf> {
    let mut pages = Vec::new();
    files_under(&repo_root().join("docs/src"), "md", &mut pages);
    pages.retain(|p| !p.ends_with("SUMMARY.md"));
    pages.sort();
    assert!(pages.len() >= 10, "the guide has only {} pages?", pages.len());
    pages
}

#[test]
fn every_guide_page_is_compiled_as_doctests() {
    let host = std::fs::read_to_string(repo_root().join("tests/src/lib.rs")).expect("tests/src/lib.rs");
    let docs = repo_root().join("docs/src");
    for page in guide_pages() {
        let relative = page.strip_prefix(&docs).expect("under docs/src").to_string_lossy().replace('\\', "/");
        assert!(
            host.contains(&format!("\"{relative}\"")),
            "docs/src/{relative} is not listed in tests/src/lib.rs, so its Rust blocks are never compiled"
        );
    }
}

#[test]
fn no_rust_block_in_the_guide_opts_out_of_compiling() {
    for page in guide_pages() {
        let text = std::fs::read_to_string(&page).expect("page");
        let mut inside = false;
        for (n, line) in text.lines().enumerate() {
            let Some(tag) = line.trim_start().strip_prefix("```") else { continue };
            if inside {
                inside = false;
                continue;
            }
            inside = true;
            let tag = tag.trim();
            assert!(
                !tag.is_empty(),
                "{}:{}: an untagged block is compiled as Rust; tag it (text, toml …)",
                page.display(),
                n + 1
            );
            if tag.starts_with("rust") {
                assert!(
                    !tag.split(',').any(|t| t == "ignore"),
                    "{}:{}: `{tag}` is never compiled; make it compile (hide set-up lines with `# `)",
                    page.display(),
                    n + 1
                );
            }
        }
    }
}

#[test]
fn no_user_facing_text_cites_internal_documents() {
    let root = repo_root();
    let mut files = vec![root.join("README.md")];
    files_under(&root.join("docs/src"), "md", &mut files);
    for code in ["qqbot/src", "qqbot-macros/src", "examples", "tests/tests"] {
        files_under(&root.join(code), "rs", &mut files);
    }
    // This file spells the pattern it looks for.
    files.retain(|f| !f.ends_with("tests/tests/guide.rs"));
    let pattern = regex::Regex::new(r"(?i)seed ?0|种子 ?0").expect("valid regex");
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        for (n, line) in text.lines().enumerate() {
            if pattern.is_match(line) {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "user-facing text names internal documents:\n{}", found.join("\n"));
}
