//! The platform simulator (axum): the endpoints, pages, pushes and state machines of wechat-api.md §11.
//!
//! `start` binds one listener that serves the paths of all three WeChat hosts, the two authorization pages and
//! the control API under `/__sim/`, then returns a `SimHandle`. The whole platform state is one `Sim` behind one
//! mutex; handlers are short and do no IO under it. Pushes leave through a channel to the pusher task.

pub mod cli;

mod api;
mod authz;
mod clock;
mod control;
mod dispatch;
mod fastregister_page;
mod journal;
mod merchants;
mod pages;
mod permissions;
mod push;
mod release_check;
mod reply;
mod routes;
mod seed;
mod state;
mod tokens;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, RwLock};

use rand::Rng as _;
use rand::distributions::Alphanumeric;
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use merchants::Kind;

use crate::wechat::crypto::MsgCrypt;

/// How to run a simulator; `Default` gives a loopback listener on a free port and random credentials.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub listen: SocketAddr,
    /// The authorization-event URL (§4.1): tickets, authorization and registration results.
    pub event_url: Option<String>,
    /// The message URL (§4.1), `$APPID$` replaced by the authorizer appid: audit results.
    pub message_url: Option<String>,
    pub merchants: usize,
    /// Simulated seconds between two `component_verify_ticket` pushes (§1.1: 600 on the platform).
    pub ticket_interval_secs: u64,
    /// With a list, component APIs answer `61004` to any other caller IP (§0.4).
    pub whitelist: Option<Vec<IpAddr>>,
    /// Drives the merchant names and appids, so a demo looks the same every time.
    pub seed: u64,
    /// How much faster than real time the simulated clock runs.
    pub clock_speed: f64,
    /// Fixed credentials; random ones otherwise.
    pub provider: Option<Provider>,
    /// Sandbox seeding: templates, some merchants pre-authorized, audits in several states.
    pub demo: bool,
    /// With `demo`: how many of the first merchants start authorized (benchmarks ask for all of them).
    pub demo_authorized: usize,
    /// Simulated seconds the privacy scan after a commit runs (§6.1: about a minute on the platform). The sandbox
    /// shortens it, so a deployment tried there does not sit a minute on each merchant.
    pub privacy_scan_secs: i64,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            event_url: None,
            message_url: None,
            merchants: 200,
            ticket_interval_secs: 600,
            whitelist: None,
            seed: 1,
            clock_speed: 1.0,
            provider: None,
            demo: false,
            demo_authorized: seed::DEMO_AUTHORIZED,
            privacy_scan_secs: api::code::PRIVACY_SCAN_SECS,
        }
    }
}

/// The third-party platform's credentials as the platform knows them.
#[derive(Serialize, Deserialize, Clone)]
pub struct Provider {
    pub component_appid: String,
    pub component_appsecret: String,
    pub token: String,
    pub encoding_aes_key: String,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("component_appid", &self.component_appid)
            .field("component_appsecret", &"***")
            .field("token", &"***")
            .field("encoding_aes_key", &"***")
            .finish()
    }
}

impl Provider {
    /// Fresh credentials of the platform's shapes: `wx` + 16 hex, a 32-hex secret, a 43-character key.
    pub fn random() -> Self {
        let mut rng = rand::thread_rng();
        let alnum = |rng: &mut rand::rngs::ThreadRng, n: usize| -> String {
            rng.sample_iter(Alphanumeric).take(n).map(char::from).collect()
        };
        Self {
            component_appid: format!("wx{:016x}", rng.r#gen::<u64>()),
            component_appsecret: format!("{:016x}{:016x}", rng.r#gen::<u64>(), rng.r#gen::<u64>()),
            token: alnum(&mut rng, 32),
            encoding_aes_key: alnum(&mut rng, 43),
        }
    }
}

/// The one JSON line `wxdesk sim` prints when it is ready (DESIGN.md, the simulator).
#[derive(Serialize, Deserialize, Clone)]
pub struct ReadyLine {
    pub api_base: String,
    pub mp_base: String,
    pub open_base: String,
    pub component_appid: String,
    pub component_appsecret: String,
    pub token: String,
    pub encoding_aes_key: String,
}

impl std::fmt::Debug for ReadyLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadyLine")
            .field("api_base", &self.api_base)
            .field("component_appid", &self.component_appid)
            .field("secrets", &"***")
            .finish()
    }
}

/// Where pushes go; changeable at run time (`set_push_urls`, `POST /__sim/config`).
#[derive(Debug, Clone, Default)]
pub(crate) struct PushUrls {
    pub event_url: Option<String>,
    pub message_url: Option<String>,
}

/// What every handler and task shares.
pub(crate) struct Shared {
    pub state: Mutex<state::Sim>,
    pub clock: clock::Clock,
    pub ready: ReadyLine,
    pub urls: RwLock<PushUrls>,
    pub crypt: MsgCrypt,
    /// Milliseconds every platform call waits before it is handled (`POST /__sim/latency`); 0 is off. Read without
    /// the state lock, so waiting calls never hold each other up.
    pub latency_ms: AtomicU64,
}

impl Shared {
    /// The state, even if a handler panicked while holding it: every mutation leaves it consistent.
    pub fn sim(&self) -> std::sync::MutexGuard<'_, state::Sim> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn set_urls(&self, event_url: Option<String>, message_url: Option<String>) {
        let mut urls = self.urls.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        *urls = PushUrls { event_url, message_url };
    }

    pub fn urls(&self) -> PushUrls {
        self.urls
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

/// A running simulator.
pub struct SimHandle {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    server: JoinHandle<()>,
    tasks: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle").field("addr", &self.addr).finish()
    }
}

impl SimHandle {
    pub fn ready(&self) -> &ReadyLine {
        &self.shared.ready
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Points the pushes somewhere else, then pushes a fresh ticket at once so a new receiver can start.
    pub fn set_push_urls(&self, event_url: Option<String>, message_url: Option<String>) {
        self.shared.set_urls(event_url, message_url);
        let now = self.shared.clock.now();
        self.shared.sim().push_ticket(now);
    }

    /// Stops accepting connections, lets requests in flight finish, and stops the background tasks.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        for task in &self.tasks {
            task.abort();
        }
        let _ = (&mut self.server).await;
    }
}

/// Binds, seeds the state, spawns the server, the pusher and the clock ticker; returns when serving.
pub async fn start(config: SimConfig) -> anyhow::Result<SimHandle> {
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let provider = config.provider.clone().unwrap_or_else(Provider::random);
    let crypt = MsgCrypt::new(&provider.token, &provider.encoding_aes_key, &provider.component_appid)
        .map_err(|e| anyhow::anyhow!("the provider's EncodingAESKey is not usable: {e}"))?;
    let base = format!("http://{addr}");
    let ready = ReadyLine {
        api_base: base.clone(),
        mp_base: base.clone(),
        open_base: base,
        component_appid: provider.component_appid.clone(),
        component_appsecret: provider.component_appsecret.clone(),
        token: provider.token.clone(),
        encoding_aes_key: provider.encoding_aes_key.clone(),
    };
    let clock = clock::Clock::new(config.clock_speed);
    let (push_tx, push_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut sim = state::Sim::new(&config, provider, push_tx, clock.now());
    if config.demo {
        seed::demo(&mut sim, config.demo_authorized, clock.now());
    }
    let shared = Arc::new(Shared {
        state: Mutex::new(sim),
        clock,
        ready,
        urls: RwLock::new(PushUrls {
            event_url: config.event_url.clone(),
            message_url: config.message_url.clone(),
        }),
        crypt,
        latency_ms: AtomicU64::new(0),
    });
    let pusher = tokio::spawn(push::run(shared.clone(), push_rx));
    let ticker = tokio::spawn(state::tick_forever(shared.clone()));
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let app = routes::router(shared.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move {
        let serving = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = stop_rx.await;
        });
        if let Err(error) = serving.await {
            tracing::error!(%error, "the simulator's listener failed");
        }
    });
    Ok(SimHandle {
        shared,
        addr,
        stop: Some(stop_tx),
        server,
        tasks: vec![pusher, ticker],
    })
}
