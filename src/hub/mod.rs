//! The hub (axum): push intake, the sole token owner, the API relay, the event stream and the SQLite store.
//!
//! `start` validates the secrets, opens the database, binds the listener and serves until `HubHandle::shutdown`.
//! Code map: `intake` (WeChat's pushes), `authorize` (auth codes → authorizers, the landing page), `tokens`,
//! `relay`, `jobs` (durable jobs: the runner, the authorizer sync, the hub's own reconciliation), `audits` (every
//! mini program's latest audit, its polls and screenshots), `api`, `jobs_api` and `audits_api` (the console's
//! routes), `events`, `operators`, `store` (SQLite), `config`, `seal`.

mod api;
mod audits;
mod audits_api;
mod authorize;
pub mod cli;
mod config;
mod confirm_file;
mod console;
#[cfg(test)]
mod debug_hides_secrets;
mod deployments;
mod events;
mod fastregister;
mod intake;
mod jobs;
mod jobs_api;
mod landing;
pub mod logging;
mod metrics;
mod operators;
mod readiness;
mod registrations;
mod relay;
mod release_check;
mod seal;
mod store;
mod ticket;
mod tokens;
mod upstream;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::watch;

use crate::wechat::crypto::MsgCrypt;

pub use api::openapi;
pub use config::{ConfigError, ConfigFile, EXAMPLE as EXAMPLE_CONFIG, HubConfig, HubSecrets, JobsConfig};
pub use operators::OperatorError;
pub use seal::StoreKey;
pub use store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error("configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot listen on {addr}: {reason}")]
    Bind { addr: SocketAddr, reason: String },
    #[error(transparent)]
    Operator(#[from] OperatorError),
}

/// Everything a request handler needs, shared behind one `Arc`.
pub(crate) struct Hub {
    config: HubConfig,
    store: store::Store,
    crypt: MsgCrypt,
    events: events::EventLog,
    tokens: tokens::TokenOwner,
    upstream: Arc<upstream::Upstream>,
    operators: operators::Operators,
    exchanges: authorize::Exchanges,
    /// The 全网发布 access check's step-4 codes already taken (§14.2).
    release_check: release_check::Rounds,
    jobs: jobs::Runner,
    audits: audits::Keeper,
    /// Wakes the registration keeper when a task is created.
    registrations: tokio::sync::Notify,
    metrics: Arc<metrics::Metrics>,
    ticket_requests: ticket::Requests,
    stop: watch::Receiver<bool>,
}

/// A running hub.
pub struct HubHandle {
    addr: SocketAddr,
    metrics_addr: Option<SocketAddr>,
    hub: Arc<Hub>,
    stop: watch::Sender<bool>,
    server: tokio::task::JoinHandle<()>,
    metrics_server: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for HubHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubHandle")
            .field("addr", &self.addr)
            .field("metrics_addr", &self.metrics_addr)
            .finish_non_exhaustive()
    }
}

/// Starts a hub with the default job settings (`JobsConfig::default`).
pub async fn start(config: HubConfig, secrets: HubSecrets) -> Result<HubHandle, HubError> {
    start_with_jobs(config, secrets, JobsConfig::default()).await
}

/// Starts a hub: checks the secrets, opens (and migrates) the database, binds `config.listen`, serves, resumes the
/// jobs a previous process left running and keeps the authorizers reconciled.
pub async fn start_with_jobs(config: HubConfig, secrets: HubSecrets, jobs: JobsConfig) -> Result<HubHandle, HubError> {
    let crypt = message_crypt(&config, &secrets)?;
    let store_key =
        StoreKey::parse(secrets.store_key.expose()).map_err(|e| HubError::Config(format!("store_key: {e}")))?;
    if secrets.component_appsecret.expose().trim().is_empty() {
        return Err(HubError::Config("component_appsecret is empty".into()));
    }
    let database = config.database.clone();
    let store = tokio::task::spawn_blocking(move || store::Store::open(&database))
        .await
        .map_err(|e| HubError::Config(e.to_string()))??;
    let last_seq = store.read(store::queries::last_event_seq).await?;
    // Before anything can start a job: steps a killed process left in progress are pending again.
    jobs::recover(&store).await?;
    let events = events::EventLog::new(store.clone(), last_seq);
    let hosts = crate::wechat::Hosts {
        api_base: config.api_base.clone(),
        mp_base: config.mp_base.clone(),
        open_base: config.open_base.clone(),
    };
    let upstream = upstream::Upstream::new(hosts, &config.component_appid, secrets.component_appsecret.clone())
        .map_err(|e| HubError::Config(e.to_string()))?;
    let upstream = Arc::new(upstream);
    let listener = bind(config.listen).await?;
    let addr = local_addr(&listener, config.listen)?;
    let (metrics_listener, metrics_addr) = match config.metrics_listen {
        Some(asked) => {
            let listener = bind(asked).await?;
            let addr = local_addr(&listener, asked)?;
            (Some(listener), Some(addr))
        }
        None => (None, None),
    };
    let metrics = Arc::new(metrics::Metrics::default());
    let (stop, stop_rx) = watch::channel(false);
    let hub = Arc::new(Hub {
        tokens: tokens::TokenOwner::new(
            store.clone(),
            store_key,
            upstream.clone(),
            events.clone(),
            metrics.clone(),
        ),
        metrics,
        ticket_requests: ticket::Requests::default(),
        operators: operators::Operators::new(store.clone()),
        exchanges: authorize::Exchanges::default(),
        release_check: release_check::Rounds::default(),
        jobs: jobs::Runner::new(jobs),
        audits: audits::Keeper::default(),
        registrations: tokio::sync::Notify::new(),
        config,
        store,
        crypt,
        events,
        upstream,
        stop: stop_rx.clone(),
    });
    let router = api::router(hub.clone());
    let server = tokio::spawn(api::serve(listener, router, stop_rx.clone()));
    tracing::info!(%addr, "hub listening");
    let metrics_server = metrics_listener.zip(metrics_addr).map(|(listener, addr)| {
        tracing::info!(%addr, "metrics listening");
        tokio::spawn(api::serve(listener, api::metrics_router(hub.clone()), stop_rx))
    });
    // A ticket pushed while the hub was down is lost; without a fresh one, ask for one now.
    tokio::spawn(ticket::ask_unless_fresh(hub.clone()));
    // Needs the component token, so a ticket; the first one may still be on its way.
    tokio::spawn(authorize::resume_pending(hub.clone()));
    tokio::spawn(jobs::start(hub.clone()));
    tokio::spawn(audits::run(hub.clone()));
    tokio::spawn(registrations::run(hub.clone()));
    Ok(HubHandle {
        addr,
        metrics_addr,
        hub,
        stop,
        server,
        metrics_server,
    })
}

async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, HubError> {
    tokio::net::TcpListener::bind(addr).await.map_err(|e| HubError::Bind {
        addr,
        reason: e.to_string(),
    })
}

fn local_addr(listener: &tokio::net::TcpListener, asked: SocketAddr) -> Result<SocketAddr, HubError> {
    listener.local_addr().map_err(|e| HubError::Bind {
        addr: asked,
        reason: e.to_string(),
    })
}

fn message_crypt(config: &HubConfig, secrets: &HubSecrets) -> Result<MsgCrypt, HubError> {
    if secrets.token.expose().trim().is_empty() {
        return Err(HubError::Config("token (the message token) is empty".into()));
    }
    let crypt = MsgCrypt::new(
        secrets.token.expose().trim(),
        secrets.encoding_aes_key.expose(),
        &config.component_appid,
    )
    .map_err(|e| HubError::Config(format!("encoding_aes_key: {e}")))?;
    match &secrets.previous_encoding_aes_key {
        Some(previous) => crypt
            .with_previous_key(previous.expose())
            .map_err(|e| HubError::Config(format!("previous_encoding_aes_key: {e}"))),
        None => Ok(crypt),
    }
}

impl HubHandle {
    /// `http://ADDR`, the base URL of the console API.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where `GET /metrics` is served, when `metrics_listen` is set.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_addr
    }

    /// Adds an operator and returns its key (shown once; only its hash is stored).
    pub fn add_operator(&self, name: &str) -> Result<String, HubError> {
        let key = operators::add_blocking(&self.hub.store, name)?;
        self.hub.operators.forget();
        Ok(key)
    }

    /// Revokes an operator's key; `false` when no active operator has that name.
    pub fn revoke_operator(&self, name: &str) -> Result<bool, HubError> {
        let revoked = operators::revoke_blocking(&self.hub.store, name)?;
        self.hub.operators.forget();
        Ok(revoked)
    }

    /// Stops accepting requests, ends long polls, waits for requests in flight, then closes the database.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.server.await;
        if let Some(metrics_server) = self.metrics_server {
            let _ = metrics_server.await;
        }
        let store = self.hub.store.clone();
        let _ = tokio::task::spawn_blocking(move || store.close()).await;
    }
}

/// Seconds since the Unix epoch: the time unit of every stored and reported instant (as WeChat uses).
pub(crate) fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}
