//! The local profile: a hub started in-process on the address the provider exposes (through a reverse proxy or a
//! tunnel), talking to the real platform, with its credentials read from the OS keychain.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use crate::hub::{HubConfig, HubHandle, HubSecrets};

use super::client::HubClient;
use super::keychain::{self, SecretStore, names, off_runtime};
use super::protocol::{EngineError, ErrorKind, FieldProblem, FormField, LocalProfileSummary, ProfileId, Secret};

/// The platform's hosts (wechat-api.md: all paths are on these unless another host is shown).
const API_BASE: &str = "https://api.weixin.qq.com";
const MP_BASE: &str = "https://mp.weixin.qq.com";
const OPEN_BASE: &str = "https://open.weixin.qq.com";
/// The operator name the console uses on its own local hub.
const OPERATOR: &str = "console";

/// The running local hub and the console's operator key for it.
pub struct LocalHub {
    hub: HubHandle,
    key: Secret,
}

impl LocalHub {
    /// Reads the credentials from the keychain and starts the hub with its database in `dir`.
    pub async fn start(
        summary: &LocalProfileSummary,
        dir: &Path,
        store: &Arc<dyn SecretStore>,
    ) -> Result<LocalHub, EngineError> {
        let listen: SocketAddr = summary.listen.parse().map_err(|_| {
            EngineError::validation(FieldProblem {
                field: FormField::Listen,
                problem: super::forms::Invalid::Address,
            })
        })?;
        let secrets = read_secrets(store).await?;
        std::fs::create_dir_all(dir)
            .map_err(|e| EngineError::new(ErrorKind::Storage, format!("cannot create {}: {e}", dir.display())))?;
        let config = HubConfig {
            listen,
            metrics_listen: None,
            public_url: summary.public_url.clone(),
            database: dir.join("hub.sqlite"),
            api_base: API_BASE.to_owned(),
            mp_base: MP_BASE.to_owned(),
            open_base: OPEN_BASE.to_owned(),
            component_appid: summary.component_appid.clone(),
        };
        let hub = crate::hub::start(config, secrets)
            .await
            .map_err(|e| EngineError::new(ErrorKind::Startup, format!("the local hub did not start: {e}")))?;
        match operator_key(&hub, store).await {
            Ok(key) => Ok(LocalHub { hub, key }),
            Err(error) => {
                hub.shutdown().await;
                Err(error)
            }
        }
    }

    pub fn client(&self) -> Result<HubClient, EngineError> {
        HubClient::new(&loopback_url(&self.hub), self.key.clone())
    }

    pub async fn shutdown(self) {
        self.hub.shutdown().await;
    }
}

/// The console talks to its own hub over loopback even when the hub listens on every interface.
fn loopback_url(hub: &HubHandle) -> String {
    let mut addr = hub.addr();
    if addr.ip().is_unspecified() {
        let loopback: std::net::IpAddr = match addr {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        };
        addr.set_ip(loopback);
    }
    format!("http://{addr}")
}

async fn read_secrets(store: &Arc<dyn SecretStore>) -> Result<HubSecrets, EngineError> {
    let store = Arc::clone(store);
    off_runtime(move || {
        let read = |name: &str| -> Result<Secret, EngineError> {
            let account = keychain::account(ProfileId::Local, name);
            let secret = store.read(&account)?.ok_or_else(|| {
                EngineError::new(
                    ErrorKind::NotConfigured,
                    format!("the keychain holds no {name} for the local profile"),
                )
            })?;
            Ok(secret)
        };
        Ok(HubSecrets {
            component_appsecret: read(names::COMPONENT_APPSECRET)?,
            token: read(names::TOKEN)?,
            encoding_aes_key: read(names::ENCODING_AES_KEY)?,
            previous_encoding_aes_key: None,
            store_key: read(names::STORE_KEY)?,
        })
    })
    .await?
}

/// The console's operator key: the one kept in the keychain while the hub still accepts it, else a new one (the
/// old operator revoked), stored back in the keychain.
async fn operator_key(hub: &HubHandle, store: &Arc<dyn SecretStore>) -> Result<Secret, EngineError> {
    let account = keychain::account(ProfileId::Local, names::OPERATOR_KEY);
    let saved = {
        let (store, account) = (Arc::clone(store), account.clone());
        off_runtime(move || store.read(&account)).await??
    };
    if let Some(key) = saved {
        match HubClient::new(&loopback_url(hub), key.clone())?.status().await {
            Ok(_) => return Ok(key),
            Err(error) if error.kind == ErrorKind::Unauthorized => {}
            Err(error) => return Err(error),
        }
    }
    let refused = |e: crate::hub::HubError| EngineError::new(ErrorKind::Startup, format!("the local hub refused: {e}"));
    hub.revoke_operator(OPERATOR).map_err(refused)?;
    let key = Secret::new(hub.add_operator(OPERATOR).map_err(refused)?);
    let (store, copy) = (Arc::clone(store), key.clone());
    off_runtime(move || store.store(&account, &copy)).await??;
    Ok(key)
}

/// A fresh key for encrypting refresh tokens at rest: 32 random bytes as 64 hex digits.
pub fn new_store_key() -> Secret {
    use rand::RngCore as _;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Secret::new(hex::encode(bytes))
}
