//! Tidy checks: every source file says what it is for, and no layer imports one above it (ARCHITECTURE.md).

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The code of a file without its comments, so that prose may name what code may not.
fn code_of(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_source_file_opens_with_a_doc_line() {
    let missing: Vec<_> = rust_files(&src())
        .into_iter()
        .chain(rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")))
        .filter(|path| !std::fs::read_to_string(path).unwrap().starts_with("//!"))
        .collect();
    assert!(
        missing.is_empty(),
        "files without a //! line saying what they are for: {missing:#?}"
    );
}

/// (layer directory, names it must not use, why)
const RULES: &[(&str, &[&str], &str)] = &[
    (
        "wechat",
        &[
            "axum",
            "rusqlite",
            "egui",
            "eframe",
            "keyring",
            "crate::sim",
            "crate::hub",
            "crate::engine",
            "crate::ui",
        ],
        "the wire layer knows nothing of servers, storage, UI or the keychain",
    ),
    (
        "sim",
        &[
            "crate::hub",
            "crate::engine",
            "crate::ui",
            "rusqlite",
            "egui",
            "keyring",
        ],
        "sim depends on wechat only",
    ),
    (
        "hub",
        &["crate::sim", "crate::engine", "crate::ui", "egui", "keyring"],
        "hub depends on wechat only",
    ),
    (
        "engine",
        &["crate::ui", "egui::", "eframe"],
        "the engine never reaches up into the UI",
    ),
    (
        "ui",
        &[
            "reqwest",
            "rusqlite",
            "keyring",
            "tokio::spawn",
            "block_on",
            "crate::hub",
            "crate::sim",
            "std::fs::write",
            "std::net",
        ],
        "views never do IO: they read AppState and push Commands",
    ),
];

#[test]
fn no_layer_imports_one_above_it() {
    let mut broken = Vec::new();
    for (layer, forbidden, why) in RULES {
        for path in rust_files(&src().join(layer)) {
            let code = code_of(&path);
            for name in *forbidden {
                if code.contains(name) {
                    broken.push(format!("{} uses `{name}`: {why}", path.display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "layer rules broken:\n{}", broken.join("\n"));
}

#[test]
fn the_rules_catch_a_violation() {
    // The check itself must be able to fail: a wire-layer line naming axum is caught.
    let code = "use axum::Router; // a comment naming rusqlite is fine";
    let stripped: String = code.split("//").next().unwrap().to_owned();
    assert!(stripped.contains("axum"));
    assert!(!stripped.contains("rusqlite"));
}
