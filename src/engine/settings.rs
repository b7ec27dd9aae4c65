//! The console's small non-secret settings file (`settings.toml` in the data directory): which profile is active and
//! the non-secret halves of the local and remote profiles. Secrets live in the keychain, never here.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::protocol::{EngineError, ErrorKind, LocalProfileSummary, ProfileId, RemoteProfileSummary};

const FILE_NAME: &str = "settings.toml";

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Settings {
    /// The last profile activated; `None` (a fresh install) means the sandbox.
    #[serde(default)]
    pub active: Option<ProfileId>,
    #[serde(default)]
    pub local: Option<LocalProfileSummary>,
    #[serde(default)]
    pub remote: Option<RemoteProfileSummary>,
}

impl Settings {
    /// Reads the settings in `data_dir`; a missing file is a fresh install.
    pub fn load(data_dir: &Path) -> Result<Settings, EngineError> {
        let path = data_dir.join(FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| storage(&path, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(e) => Err(storage(&path, e)),
        }
    }

    /// Writes the settings atomically (a temporary file renamed over the old one), so a crash never leaves half a file.
    pub fn save(&self, data_dir: &Path) -> Result<(), EngineError> {
        let path = data_dir.join(FILE_NAME);
        let text = toml::to_string_pretty(self).map_err(|e| storage(&path, e))?;
        write_atomically(&path, text.as_bytes()).map_err(|e| storage(&path, e))
    }
}

fn storage(path: &Path, error: impl std::fmt::Display) -> EngineError {
    EngineError::new(ErrorKind::Storage, format!("{}: {error}", path.display()))
}

/// Writes `bytes` to a temporary file beside `path`, then renames it into place.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let temp = temp_path(path);
    let result = std::fs::write(&temp, bytes).and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        // The temporary file is ours and useless now; failing to remove it changes nothing for the caller.
        let _ = std::fs::remove_file(&temp);
    }
    result
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".{}.tmp", std::process::id()));
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_a_fresh_install_and_saved_settings_read_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(Settings::load(dir.path()).expect("load"), Settings::default());
        let settings = Settings {
            active: Some(ProfileId::Remote),
            local: None,
            remote: Some(RemoteProfileSummary {
                hub_url: "https://hub.example.com".into(),
            }),
        };
        settings.save(dir.path()).expect("save");
        assert_eq!(Settings::load(dir.path()).expect("reload"), settings);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(
            names,
            vec![std::ffi::OsString::from(FILE_NAME)],
            "no temporary file is left behind"
        );
    }

    #[test]
    fn a_corrupt_file_is_a_storage_error_not_a_reset() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(FILE_NAME), "active = [").expect("write");
        let error = Settings::load(dir.path()).expect_err("corrupt");
        assert_eq!(error.kind, ErrorKind::Storage);
    }
}
