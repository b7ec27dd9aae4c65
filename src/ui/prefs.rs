//! The operator's UI preferences (language, last panel, whether the welcome was seen), kept in eframe's storage
//! apart from every runtime handle. The window's size is kept by eframe itself.

use serde::{Deserialize, Serialize};

use crate::ui::i18n::Lang;

/// eframe storage key of [`Prefs`].
pub const STORAGE_KEY: &str = "wxdesk.ui.prefs";

pub use crate::ui::views::Panel;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    pub lang: Lang,
    /// The id of the last panel open; the shell falls back to the welcome view for an id it does not know.
    pub panel: String,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            lang: Lang::default(),
            panel: Panel::WELCOME.0.to_owned(),
        }
    }
}

impl Prefs {
    /// The stored preferences, or the defaults when there are none or they do not parse (e.g. after an upgrade).
    /// On a first run the language is the system's (`LC_ALL`, `LC_MESSAGES`, `LANG`, as POSIX orders them); the
    /// operator's own choice, once made, is kept over it.
    pub fn load(storage: Option<&dyn eframe::Storage>) -> Prefs {
        Self::load_with(storage, system_locale().as_deref())
    }

    fn load_with(storage: Option<&dyn eframe::Storage>, locale: Option<&str>) -> Prefs {
        let stored = storage.and_then(|s| s.get_string(STORAGE_KEY));
        let mut prefs: Prefs = stored
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_else(|| Prefs {
                lang: locale.map(Lang::from_locale).unwrap_or_default(),
                ..Prefs::default()
            });
        // The presentation view asks the hub for a code; a restart should not do that before the operator does.
        if prefs.panel == Panel::AUTHORIZE.0 {
            prefs.panel = Panel::MERCHANTS.0.to_owned();
        }
        prefs
    }

    pub fn save(&self, storage: &mut dyn eframe::Storage) {
        if let Ok(text) = serde_json::to_string(self) {
            storage.set_string(STORAGE_KEY, text);
        }
    }
}

/// The first locale variable that is set and not empty, in the order POSIX gives them precedence.
fn system_locale() -> Option<String> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use eframe::Storage as _;

    use super::*;

    #[derive(Default)]
    struct MemoryStorage(HashMap<String, String>);

    impl eframe::Storage for MemoryStorage {
        fn get_string(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
        fn set_string(&mut self, key: &str, value: String) {
            self.0.insert(key.to_owned(), value);
        }
        fn remove_string(&mut self, key: &str) {
            self.0.remove(key);
        }
        fn flush(&mut self) {}
    }

    #[test]
    fn preferences_round_trip_through_storage() {
        let mut storage = MemoryStorage::default();
        let prefs = Prefs {
            lang: Lang::En,
            panel: Panel::ACTIVITY.0.to_owned(),
        };
        prefs.save(&mut storage);
        assert_eq!(Prefs::load(Some(&storage)), prefs);
    }

    #[test]
    fn first_run_and_garbage_give_the_defaults() {
        assert_eq!(
            Prefs::load_with(None, None),
            Prefs {
                lang: Lang::ZhCn,
                panel: Panel::WELCOME.0.to_owned()
            }
        );
        let mut storage = MemoryStorage::default();
        storage.set_string(STORAGE_KEY, "{not json".into());
        assert_eq!(Prefs::load_with(Some(&storage), None), Prefs::default());
    }

    #[test]
    fn a_first_run_speaks_the_systems_language_and_a_stored_choice_wins() {
        assert_eq!(Prefs::load_with(None, Some("en_US.UTF-8")).lang, Lang::En);
        assert_eq!(Prefs::load_with(None, Some("zh_CN.UTF-8")).lang, Lang::ZhCn);
        assert_eq!(
            Prefs::load_with(None, Some("C")).lang,
            Lang::ZhCn,
            "no language: Chinese, the staff's own"
        );
        assert_eq!(Prefs::load_with(None, None).lang, Lang::ZhCn);
        let mut storage = MemoryStorage::default();
        Prefs {
            lang: Lang::ZhCn,
            panel: Panel::ACTIVITY.0.to_owned(),
        }
        .save(&mut storage);
        assert_eq!(Prefs::load_with(Some(&storage), Some("en_US.UTF-8")).lang, Lang::ZhCn);
    }

    #[test]
    fn a_restart_does_not_reopen_the_presentation_view() {
        let mut storage = MemoryStorage::default();
        Prefs {
            lang: Lang::ZhCn,
            panel: Panel::AUTHORIZE.0.to_owned(),
        }
        .save(&mut storage);
        assert_eq!(Prefs::load(Some(&storage)).panel, Panel::MERCHANTS.0);
    }
}
