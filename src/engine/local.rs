//! The local profile: a hub started in-process on the provider's exposed address, talking to the real platform,
//! with its credentials from the OS keychain. (Placeholder until the hub lands on main.)

use std::path::Path;
use std::sync::Arc;

use super::client::HubClient;
use super::keychain::SecretStore;
use super::protocol::{EngineError, ErrorKind, LocalProfileSummary, Secret};

/// The running local hub.
pub struct LocalHub;

impl LocalHub {
    pub async fn start(
        _summary: &LocalProfileSummary,
        _dir: &Path,
        _store: &Arc<dyn SecretStore>,
    ) -> Result<LocalHub, EngineError> {
        Err(EngineError::new(
            ErrorKind::Startup,
            "the local hub is not in this build yet",
        ))
    }

    pub fn client(&self) -> Result<HubClient, EngineError> {
        Err(EngineError::new(
            ErrorKind::Startup,
            "the local hub is not in this build yet",
        ))
    }

    pub async fn shutdown(self) {}
}

/// A fresh key for encrypting refresh tokens at rest: 32 random bytes, hex.
pub fn new_store_key() -> Secret {
    use rand::RngCore as _;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Secret::new(hex::encode(bytes))
}
