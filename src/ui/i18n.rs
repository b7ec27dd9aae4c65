//! The console's two languages: the catalogs in assets/i18n (embedded), the current language, and the `t!` lookup.
//!
//! The current language is per thread: the console draws on one thread, and tests that run in parallel threads can
//! each use their own language without racing.

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt::Display;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// A language the console speaks. Simplified Chinese first: the staff who show QR codes to merchants read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// The BCP 47 tag, also the catalog's file name.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language a POSIX locale (`en_US.UTF-8`, `zh_CN`, `zh_TW.UTF-8`) asks for: English for `en…`, Chinese
    /// otherwise (the console's first language; `C` and `POSIX` name none).
    pub fn from_locale(locale: &str) -> Lang {
        match locale.get(..2) {
            Some(prefix) if prefix.eq_ignore_ascii_case("en") => Lang::En,
            _ => Lang::ZhCn,
        }
    }

    /// The language's name in itself, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::ZhCn => "简体中文",
            Lang::En => "English",
        }
    }

    fn index(self) -> usize {
        match self {
            Lang::ZhCn => 0,
            Lang::En => 1,
        }
    }
}

/// The catalog sources, by `Lang::index`.
pub const CATALOG_SOURCES: [(Lang, &str); 2] = [
    (Lang::ZhCn, include_str!("../../assets/i18n/zh-CN.toml")),
    (Lang::En, include_str!("../../assets/i18n/en.toml")),
];

/// One language's strings, keyed by dotted path (`[merchants]` + `sync = "…"` is `merchants.sync`).
#[derive(Debug, Default)]
pub struct Catalog {
    entries: HashMap<String, String>,
}

impl Catalog {
    /// Parses a catalog. Every leaf must be a string.
    pub fn parse(source: &str) -> Result<Catalog, CatalogError> {
        let table: toml::Table = source
            .parse()
            .map_err(|e: toml::de::Error| CatalogError(e.to_string()))?;
        let mut entries = HashMap::new();
        flatten("", &table, &mut entries)?;
        Ok(Catalog { entries })
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(String::as_str)
    }

    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// A catalog that does not parse or has a non-string leaf.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad catalog: {0}")]
pub struct CatalogError(String);

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) -> Result<(), CatalogError> {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::String(text) => {
                out.insert(path, text.clone());
            }
            toml::Value::Table(inner) => flatten(&path, inner, out)?,
            _ => return Err(CatalogError(format!("{path} is not a string"))),
        }
    }
    Ok(())
}

/// Both catalogs, parsed on first use. A catalog that fails to parse is empty here (keys show through as
/// themselves); the catalog tests fail on it, so it never ships.
fn catalogs() -> &'static [Catalog; 2] {
    static CATALOGS: OnceLock<[Catalog; 2]> = OnceLock::new();
    CATALOGS.get_or_init(|| CATALOG_SOURCES.map(|(_, source)| Catalog::parse(source).unwrap_or_default()))
}

pub fn catalog(lang: Lang) -> &'static Catalog {
    &catalogs()[lang.index()]
}

thread_local! {
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::ZhCn) };
}

/// The language `t!` uses on this thread.
pub fn current() -> Lang {
    CURRENT.with(Cell::get)
}

pub fn set_current(lang: Lang) {
    CURRENT.with(|c| c.set(lang));
}

/// The text of `key` in the current language; the key itself when missing (a test keeps that from shipping).
pub fn tr(key: &'static str) -> &'static str {
    catalog(current()).get(key).unwrap_or(key)
}

/// The text of `key` with each `{name}` replaced by its value.
pub fn tr_args(key: &'static str, args: &[(&str, &dyn Display)]) -> String {
    let mut text = tr(key).to_owned();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), &value.to_string());
    }
    text
}

/// `t!("merchants.sync")` is the current language's text; `t!("key", name = value, …)` fills `{name}` placeholders.
#[macro_export]
macro_rules! t {
    ($key:literal) => {
        $crate::ui::i18n::tr($key)
    };
    ($key:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::ui::i18n::tr_args($key, &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),+])
    };
}

#[cfg(test)]
mod tests;
