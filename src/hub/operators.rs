//! Operators and their keys: a key is shown once when made; the hub keeps only its SHA-256.
//!
//! Keys are 32 random bytes, so a plain hash is enough (no password stretching needed). Lookups compare the
//! presented key's hash with every active hash in constant time, and cache the list for a second so that
//! `wxdesk hub operator revoke` (another process) takes effect within that second.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::now_secs;
use super::store::admin::{self, OperatorRow};
use super::store::{Store, StoreError};

const KEY_PREFIX: &str = "wxd_";
const CACHE_FOR: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, thiserror::Error)]
pub enum OperatorError {
    #[error("operator names are 1 to 64 letters, digits, '.', '_', '-' or '@'")]
    BadName,
    #[error("no active operator named {0:?}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn new_key() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "{KEY_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

fn key_hash(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

fn check_name(name: &str) -> Result<(), OperatorError> {
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'@'));
    if ok { Ok(()) } else { Err(OperatorError::BadName) }
}

/// Adds an operator (or re-keys a revoked one) and returns the new key, which is stored nowhere.
pub fn add_blocking(store: &Store, name: &str) -> Result<String, OperatorError> {
    check_name(name)?;
    let key = new_key();
    let hash = key_hash(&key);
    let (name, at) = (name.to_owned(), now_secs());
    store.write_blocking(move |conn| admin::insert_operator(conn, &name, &hash, at))?;
    Ok(key)
}

pub fn revoke_blocking(store: &Store, name: &str) -> Result<bool, OperatorError> {
    let (name, at) = (name.to_owned(), now_secs());
    Ok(store.write_blocking(move |conn| admin::revoke_operator(conn, &name, at))?)
}

pub fn list_blocking(store: &Store) -> Result<Vec<OperatorRow>, OperatorError> {
    Ok(store.read_blocking(admin::list_operators)?)
}

type Hashes = Vec<(String, Vec<u8>)>;

/// Checks bearer keys against the stored hashes.
pub struct Operators {
    store: Store,
    cache: Mutex<Option<(Instant, Hashes)>>,
}

impl Operators {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            cache: Mutex::new(None),
        }
    }

    /// The operator whose key this is, if any.
    pub async fn identify(&self, key: &str) -> Result<Option<String>, StoreError> {
        let hashes = self.hashes().await?;
        let presented = key_hash(key.trim());
        // Compare against every hash, without stopping early, so timing says nothing about which matched.
        let mut found = None;
        for (name, hash) in &hashes {
            if bool::from(hash.as_slice().ct_eq(presented.as_slice())) {
                found = Some(name.clone());
            }
        }
        Ok(found)
    }

    async fn hashes(&self) -> Result<Hashes, StoreError> {
        if let Ok(cache) = self.cache.lock()
            && let Some((loaded, hashes)) = cache.as_ref()
            && loaded.elapsed() < CACHE_FOR
        {
            return Ok(hashes.clone());
        }
        let hashes = self.store.read(admin::active_operator_hashes).await?;
        if let Ok(mut cache) = self.cache.lock() {
            *cache = Some((Instant::now(), hashes.clone()));
        }
        Ok(hashes)
    }

    /// Drops the cache, so a key added or revoked in this process counts at once.
    pub fn forget(&self) {
        if let Ok(mut cache) = self.cache.lock() {
            *cache = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_long_random_and_hash_to_32_bytes() {
        let (a, b) = (new_key(), new_key());
        assert_ne!(a, b);
        assert!(a.starts_with(KEY_PREFIX) && a.len() > 40);
        assert_ne!(key_hash(&a), key_hash(&b));
    }

    #[test]
    fn names_are_checked() {
        assert!(check_name("alice@ops").is_ok());
        assert!(check_name("").is_err());
        assert!(check_name("a b").is_err());
        assert!(check_name(&"x".repeat(65)).is_err());
    }

    #[tokio::test]
    async fn an_added_key_identifies_its_operator_until_revoked() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("hub.sqlite3")).unwrap();
        let key = add_blocking(&store, "alice").unwrap();
        let operators = Operators::new(store.clone());
        assert_eq!(operators.identify(&key).await.unwrap().as_deref(), Some("alice"));
        assert_eq!(operators.identify("wxd_wrong").await.unwrap(), None);
        assert!(
            add_blocking(&store, "alice").is_err(),
            "an active name is not re-keyed silently"
        );
        assert!(revoke_blocking(&store, "alice").unwrap());
        operators.forget();
        assert_eq!(operators.identify(&key).await.unwrap(), None);
        let listed = list_blocking(&store).unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].revoked_at.is_some());
        store.close();
    }
}
