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

/// Code without its comments, so that prose may name what code may not.
fn strip_comments(text: &str) -> String {
    text.lines()
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
        "hubapi",
        &[
            "axum",
            "reqwest",
            "rusqlite",
            "egui",
            "keyring",
            "crate::sim",
            "crate::hub::",
            "crate::engine",
            "crate::ui",
        ],
        "the hub API's types know serde, utoipa and the wire layer only: both sides of the contract import them",
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

/// Every rule of `layer` that the source `text` (of the file `name`) breaks, one line each.
fn layer_violations(layer: &str, name: &str, text: &str) -> Vec<String> {
    let code = strip_comments(text);
    RULES
        .iter()
        .filter(|(rule_layer, _, _)| *rule_layer == layer)
        .flat_map(|(_, forbidden, why)| {
            forbidden
                .iter()
                .filter(|used| code.contains(**used))
                .map(move |used| format!("{name} uses `{used}`: {why}"))
        })
        .collect()
}

#[test]
fn no_layer_imports_one_above_it() {
    let mut broken = Vec::new();
    for (layer, _, _) in RULES {
        for path in rust_files(&src().join(layer)) {
            let text = std::fs::read_to_string(&path).unwrap();
            broken.extend(layer_violations(layer, &path.display().to_string(), &text));
        }
    }
    assert!(broken.is_empty(), "layer rules broken:\n{}", broken.join("\n"));
}

#[test]
fn the_rules_catch_a_violation() {
    // The check itself must be able to fail: a wire-layer line naming axum is caught, a comment naming rusqlite is not.
    let wire = "//! A wire type.\nuse axum::Router; // a comment naming rusqlite is fine\n";
    assert_eq!(
        layer_violations("wechat", "src/wechat/bad.rs", wire),
        ["src/wechat/bad.rs uses `axum`: the wire layer knows nothing of servers, storage, UI or the keychain"]
    );
    let view = "fn refresh_ui() {\n    tokio::spawn(async {});\n}\n";
    assert_eq!(layer_violations("ui", "src/ui/views/bad.rs", view).len(), 1);
    // The same code is allowed one layer down: the hub may spawn.
    assert!(layer_violations("hub", "src/hub/fine.rs", view).is_empty());
}
