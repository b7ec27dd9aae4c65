//! Catalog tests: both languages parse, have the same keys and placeholders, no empty text, and cover every key the
//! UI's source asks for.

use std::collections::BTreeSet;
use std::path::Path;

use super::*;

fn parsed() -> Vec<(Lang, Catalog)> {
    CATALOG_SOURCES
        .iter()
        .map(|(lang, source)| {
            (
                *lang,
                Catalog::parse(source).unwrap_or_else(|e| panic!("{}: {e}", lang.tag())),
            )
        })
        .collect()
}

fn keys(catalog: &Catalog) -> BTreeSet<&str> {
    catalog.entries().map(|(k, _)| k).collect()
}

fn placeholders(text: &str) -> BTreeSet<String> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}'))
        .map(|(name, _)| name.to_owned())
        .collect()
}

#[test]
fn both_catalogs_have_the_same_keys() {
    let catalogs = parsed();
    let zh = keys(&catalogs[0].1);
    let en = keys(&catalogs[1].1);
    let only_zh: Vec<_> = zh.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&zh).collect();
    assert!(
        only_zh.is_empty() && only_en.is_empty(),
        "only in zh-CN: {only_zh:?}; only in en: {only_en:?}"
    );
    assert!(zh.len() > 50, "the catalogs look truncated: {} keys", zh.len());
}

#[test]
fn no_catalog_has_empty_text() {
    for (lang, catalog) in parsed() {
        let empty: Vec<_> = catalog
            .entries()
            .filter(|(_, v)| v.trim().is_empty())
            .map(|(k, _)| k)
            .collect();
        assert!(empty.is_empty(), "{}: empty values for {empty:?}", lang.tag());
    }
}

#[test]
fn placeholders_match_between_languages() {
    let catalogs = parsed();
    for (key, zh_text) in catalogs[0].1.entries() {
        let en_text = catalogs[1].1.get(key).unwrap_or_default();
        assert_eq!(
            placeholders(zh_text),
            placeholders(en_text),
            "placeholders differ for {key}"
        );
    }
}

#[test]
fn english_buttons_use_no_title_case() {
    // STYLE.md: no Title Case. A label whose every word (of three or more) starts with a capital is Title Case.
    let catalogs = parsed();
    for (key, text) in catalogs[1].1.entries() {
        let words: Vec<&str> = text
            .split_whitespace()
            .filter(|w| w.chars().all(char::is_alphabetic))
            .collect();
        let title_case = words.len() >= 3 && words.iter().all(|w| w.starts_with(char::is_uppercase));
        assert!(!title_case, "{key} is in Title Case: {text:?}");
    }
}

/// Every `t!("…")` in src/ui names a key that exists, so no raw key ever reaches the screen.
#[test]
fn every_key_the_ui_uses_exists() {
    let catalogs = parsed();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    let mut missing = Vec::new();
    let mut seen = 0;
    for path in rust_files(&root) {
        let source = std::fs::read_to_string(&path).unwrap_or_default();
        for key in used_keys(&source) {
            seen += 1;
            if catalogs[0].1.get(&key).is_none() {
                missing.push(format!("{}: {key}", path.display()));
            }
        }
    }
    assert!(seen > 50, "found only {seen} uses of t!; is the scanner broken?");
    assert!(missing.is_empty(), "keys missing from the catalogs: {missing:#?}");
}

fn used_keys(source: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let marker = "t!(\"";
    let mut from = 0;
    while let Some(at) = source[from..].find(marker) {
        let start = from + at;
        from = start + marker.len();
        // `format!("…")` ends in `t!("` too; only a macro call of its own counts.
        let own_call = source[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_');
        let key = source[from..].split('"').next().unwrap_or_default();
        let key_like = key.contains('.') && key.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.');
        if own_call && key_like {
            keys.push(key.to_owned());
        }
    }
    keys
}

fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

#[test]
fn lookup_fills_placeholders_and_falls_back_to_the_key() {
    set_current(Lang::En);
    assert_eq!(tr("no.such.key"), "no.such.key");
    let text = tr_args("authorize.success", &[("merchant", &"Tea House"), ("sets", &"A, B")]);
    assert!(text.contains("Tea House") && text.contains("A, B"), "{text}");
    let english = tr("nav.merchants");
    set_current(Lang::ZhCn);
    assert_ne!(tr("nav.merchants"), english, "switching the language changes the text");
}

/// The proportional face is Noto Sans SC, whose curly quotes and CJK punctuation are full-width: in English text they
/// leave wide gaps, so the English catalog uses ASCII punctuation.
#[test]
fn english_text_has_no_full_width_punctuation() {
    let catalogs = parsed();
    let wide: Vec<(&str, &str)> = catalogs[1]
        .1
        .entries()
        .filter(|(_, text)| text.contains(['“', '”', '‘', '’', '，', '。', '：', '（', '）']))
        .collect();
    assert!(wide.is_empty(), "full-width punctuation in en: {wide:?}");
}
