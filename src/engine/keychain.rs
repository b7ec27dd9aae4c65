//! Where the console keeps profile secrets: the OS keychain (Secret Service, macOS Keychain, Windows Credential
//! Manager, through `keyring`), behind a small trait so tests can use an in-memory store. Values never reach a
//! message: errors name the account, not the secret.

use std::collections::HashMap;
use std::sync::Mutex;

use super::protocol::{EngineError, ErrorKind, ProfileId, Secret};

/// The keychain service name every wxdesk entry is stored under.
pub const SERVICE: &str = "wxdesk";

/// Names of the secrets a profile keeps; the keychain account is `"<profile>/<name>"`.
pub mod names {
    pub const COMPONENT_APPSECRET: &str = "component_appsecret";
    pub const TOKEN: &str = "token";
    pub const ENCODING_AES_KEY: &str = "encoding_aes_key";
    /// The key the local hub encrypts refresh tokens with at rest; generated on first save.
    pub const STORE_KEY: &str = "store_key";
    pub const OPERATOR_KEY: &str = "operator_key";
}

/// The keychain account for one secret of one profile.
pub fn account(profile: ProfileId, name: &str) -> String {
    format!("{}/{name}", profile.as_str())
}

/// A place to keep secrets. Calls may block (D-Bus); the engine makes them off its async runtime.
pub trait SecretStore: Send + Sync {
    fn store(&self, account: &str, secret: &Secret) -> Result<(), EngineError>;
    /// `Ok(None)` when nothing is stored under `account`.
    fn read(&self, account: &str) -> Result<Option<Secret>, EngineError>;
    /// Deleting what is not there succeeds.
    fn delete(&self, account: &str) -> Result<(), EngineError>;

    /// Whether the store answers at all, without reading anything secret.
    fn probe(&self) -> Result<(), EngineError> {
        self.read("probe").map(|_| ())
    }
}

/// The OS keychain. Entries are kept once made, which is also what lets keyring's mock store round-trip in tests.
#[derive(Default)]
pub struct OsKeychain {
    entries: Mutex<HashMap<String, keyring::Entry>>,
}

impl OsKeychain {
    pub fn new() -> Self {
        OsKeychain::default()
    }

    fn with_entry<T>(
        &self,
        account: &str,
        f: impl FnOnce(&keyring::Entry) -> Result<T, keyring::Error>,
    ) -> Result<T, keyring::Error> {
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !entries.contains_key(account) {
            entries.insert(account.to_owned(), keyring::Entry::new(SERVICE, account)?);
        }
        match entries.get(account) {
            Some(entry) => f(entry),
            None => Err(keyring::Error::NoEntry),
        }
    }
}

impl SecretStore for OsKeychain {
    fn store(&self, account: &str, secret: &Secret) -> Result<(), EngineError> {
        self.with_entry(account, |entry| entry.set_password(secret.expose()))
            .map_err(|e| keychain_error(account, &e))
    }

    fn read(&self, account: &str) -> Result<Option<Secret>, EngineError> {
        match self.with_entry(account, |entry| entry.get_password()) {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keychain_error(account, &e)),
        }
    }

    fn delete(&self, account: &str) -> Result<(), EngineError> {
        match self.with_entry(account, |entry| entry.delete_credential()) {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keychain_error(account, &e)),
        }
    }
}

/// Explains a keychain failure without echoing anything read from it (`BadEncoding` carries the stored bytes).
fn keychain_error(account: &str, error: &keyring::Error) -> EngineError {
    let detail = match error {
        keyring::Error::PlatformFailure(e) | keyring::Error::NoStorageAccess(e) => e.to_string(),
        keyring::Error::BadEncoding(_) => "the stored value is not text".to_owned(),
        keyring::Error::TooLong(name, limit) => format!("{name} is longer than {limit}"),
        keyring::Error::Invalid(name, reason) => format!("{name}: {reason}"),
        keyring::Error::Ambiguous(_) => "several entries match".to_owned(),
        keyring::Error::NoEntry => "no entry".to_owned(),
        _ => "unknown failure".to_owned(),
    };
    EngineError::new(
        ErrorKind::Keychain,
        format!(
            "the OS keychain cannot be used for {SERVICE} {account} ({detail}). On Linux a Secret Service provider \
             (GNOME Keyring, KWallet or KeePassXC) must be running and unlocked. The sandbox works without it."
        ),
    )
}

/// Secrets kept in memory only: for tests, and for a console that must not touch the OS keychain.
#[derive(Default)]
pub struct MemoryStore {
    values: Mutex<HashMap<String, Secret>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        MemoryStore::default()
    }

    fn values(&self) -> std::sync::MutexGuard<'_, HashMap<String, Secret>> {
        self.values.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SecretStore for MemoryStore {
    fn store(&self, account: &str, secret: &Secret) -> Result<(), EngineError> {
        self.values().insert(account.to_owned(), secret.clone());
        Ok(())
    }

    fn read(&self, account: &str) -> Result<Option<Secret>, EngineError> {
        Ok(self.values().get(account).cloned())
    }

    fn delete(&self, account: &str) -> Result<(), EngineError> {
        self.values().remove(account);
        Ok(())
    }
}

/// A store that always fails the way a machine without a keychain does (tests of that path).
#[derive(Default)]
pub struct NoKeychain;

impl SecretStore for NoKeychain {
    fn store(&self, account: &str, _secret: &Secret) -> Result<(), EngineError> {
        Err(unavailable(account))
    }

    fn read(&self, account: &str) -> Result<Option<Secret>, EngineError> {
        Err(unavailable(account))
    }

    fn delete(&self, account: &str) -> Result<(), EngineError> {
        Err(unavailable(account))
    }
}

fn unavailable(account: &str) -> EngineError {
    let error = keyring::Error::NoStorageAccess("no keychain on this machine".into());
    keychain_error(account, &error)
}

/// Runs blocking keychain work on a thread of its own: keyring's Secret Service client may deadlock when called from
/// a thread that is driving a tokio runtime (keyring's documentation, "Tokio runtime caution").
pub async fn off_runtime<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, EngineError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("wxdesk-keychain".into())
        .spawn(move || {
            // The receiver only disappears when the engine is shutting down; the result is not needed then.
            let _ = tx.send(work());
        })
        .map_err(|e| EngineError::new(ErrorKind::Keychain, format!("cannot start the keychain thread: {e}")))?;
    rx.await
        .map_err(|_| EngineError::new(ErrorKind::Keychain, "the keychain thread stopped without an answer"))
}
