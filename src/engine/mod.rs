//! The console's background side: hub client, local SQLite cache, keychain, `Command` in and `Event` out.
//!
//! `Engine::start` runs a tokio runtime on its own thread; the UI only ever calls `try_send` and `try_recv` on the two
//! bounded channels of [`EngineHandle`], so it never spawns or blocks.

pub mod avatar;
pub mod cache;
pub mod client;
mod domains;
pub mod forms;
pub mod keychain;
mod local;
pub mod model;
mod poll;
mod profiles;
pub mod protocol;
pub mod qr;
mod sandbox;
pub mod settings;

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::mpsc;

use keychain::{OsKeychain, SecretStore};
use profiles::{Active, Context};
use protocol::{
    Command, ConnectionState, EngineError, ErrorKind, Event, ProfilesCommand, ProfilesEvent, Reply, Request,
};

/// How many commands may wait before `EngineHandle::send` refuses more (the UI sends a handful per click).
const COMMAND_CAPACITY: usize = 64;
/// How many events may wait for the UI; when full, the engine's tasks wait for the UI to drain them.
const EVENT_CAPACITY: usize = 1024;

/// Settings for `Engine::start_with`; `Engine::start` uses `EngineConfig::from_env()`.
#[derive(Clone)]
pub struct EngineConfig {
    /// Where the settings file and each profile's cache live.
    pub data_dir: PathBuf,
    /// How many merchants the sandbox's simulator seeds, and how many of them start authorized.
    pub sandbox: SandboxSize,
    /// Where profile secrets are kept: the OS keychain, or an in-memory store in tests.
    pub secrets: Arc<dyn SecretStore>,
}

impl EngineConfig {
    /// `$WXDESK_DATA_DIR` when set, else the platform's data directory (e.g. `$XDG_DATA_HOME/wxdesk`); the OS
    /// keychain; the sandbox's size from `$WXDESK_SANDBOX_MERCHANTS` and `$WXDESK_SANDBOX_AUTHORIZED`.
    pub fn from_env() -> Result<Self, EngineError> {
        Ok(EngineConfig {
            data_dir: default_data_dir(),
            sandbox: SandboxSize::from_env()?,
            secrets: Arc::new(OsKeychain::new()),
        })
    }
}

/// How big the sandbox's simulated platform is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SandboxSize {
    /// Merchant accounts the simulator knows (each can authorize).
    pub merchants: usize,
    /// How many of the first ones start authorized; the sandbox syncs them into its hub before the console shows it.
    pub authorized: usize,
}

impl Default for SandboxSize {
    fn default() -> Self {
        SandboxSize {
            merchants: 300,
            authorized: 12,
        }
    }
}

impl SandboxSize {
    /// The default, or what `$WXDESK_SANDBOX_MERCHANTS` / `$WXDESK_SANDBOX_AUTHORIZED` ask for (the console
    /// benchmarks use them for 100,000 authorized merchants). A value that is not a count stops the start.
    pub fn from_env() -> Result<Self, EngineError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, EngineError> {
        let default = SandboxSize::default();
        let count = |name: &str, default: usize| -> Result<usize, EngineError> {
            match var(name).filter(|v| !v.trim().is_empty()) {
                None => Ok(default),
                Some(text) => text.trim().parse().map_err(|_| {
                    EngineError::new(
                        ErrorKind::Startup,
                        format!("{name} must be a whole number of merchants, not {text:?}"),
                    )
                }),
            }
        };
        let merchants = count("WXDESK_SANDBOX_MERCHANTS", default.merchants)?;
        let authorized = count("WXDESK_SANDBOX_AUTHORIZED", default.authorized)?;
        if merchants == 0 || authorized > merchants {
            return Err(EngineError::new(
                ErrorKind::Startup,
                format!(
                    "the sandbox needs at least one merchant and no more authorized ones than merchants \
                     (WXDESK_SANDBOX_MERCHANTS={merchants}, WXDESK_SANDBOX_AUTHORIZED={authorized})"
                ),
            ));
        }
        Ok(SandboxSize { merchants, authorized })
    }
}

fn default_data_dir() -> PathBuf {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var("WXDESK_DATA_DIR") {
        return dir;
    }
    let base = if cfg!(target_os = "windows") {
        var("APPDATA")
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|home| home.join("Library/Application Support"))
    } else {
        var("XDG_DATA_HOME").or_else(|| var("HOME").map(|home| home.join(".local/share")))
    };
    base.unwrap_or_else(std::env::temp_dir).join("wxdesk")
}

/// The UI's two ends of the engine.
#[derive(Debug)]
pub struct EngineHandle {
    /// Requests to the engine (bounded; use [`EngineHandle::send`]).
    pub commands: mpsc::Sender<Request>,
    /// Events from the engine (bounded; drain with `try_recv` once per frame).
    pub events: mpsc::Receiver<Event>,
}

impl EngineHandle {
    /// Queues a request without blocking. When the engine is gone or its queue is full, the request comes back
    /// answered: the returned event is the reply the UI should apply, so no spinner waits for nothing.
    // The error is the request's reply itself, for the UI to apply at once; boxing it would only add an allocation.
    #[allow(clippy::result_large_err)]
    pub fn send(&self, request: Request) -> Result<(), Event> {
        self.commands.try_send(request).map_err(|error| {
            let (message, request) = match error {
                mpsc::error::TrySendError::Full(request) => ("the engine is busy; try again", request),
                mpsc::error::TrySendError::Closed(request) => ("the engine stopped; restart the console", request),
            };
            request
                .command
                .failed(request.id, EngineError::new(ErrorKind::Stopped, message))
        })
    }
}

/// Starts the console's background side.
pub struct Engine;

impl Engine {
    /// Starts the engine with the configuration from the environment. `repaint` is called after every event, so the
    /// UI wakes up to drain it (e.g. `move || ctx.request_repaint()`).
    pub fn start(repaint: impl Fn() + Send + Sync + 'static) -> Result<EngineHandle, EngineError> {
        Engine::start_with(EngineConfig::from_env()?, repaint)
    }

    /// Starts the engine with an explicit configuration (tests use a temporary data directory).
    pub fn start_with(
        config: EngineConfig,
        repaint: impl Fn() + Send + Sync + 'static,
    ) -> Result<EngineHandle, EngineError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("wxdesk-engine")
            .enable_all()
            .build()
            .map_err(|e| EngineError::new(ErrorKind::Startup, format!("cannot start the engine's runtime: {e}")))?;
        let (command_tx, command_rx) = mpsc::channel(COMMAND_CAPACITY);
        let (event_tx, event_rx) = mpsc::channel(EVENT_CAPACITY);
        let outbox = Outbox {
            events: event_tx,
            repaint: Arc::new(repaint),
        };
        std::thread::Builder::new()
            .name("wxdesk-engine".into())
            .spawn(move || runtime.block_on(run(config, command_rx, outbox)))
            .map_err(|e| EngineError::new(ErrorKind::Startup, format!("cannot start the engine's thread: {e}")))?;
        Ok(EngineHandle {
            commands: command_tx,
            events: event_rx,
        })
    }
}

/// Where events go: the channel, then a repaint request.
#[derive(Clone)]
pub(crate) struct Outbox {
    events: mpsc::Sender<Event>,
    repaint: Arc<dyn Fn() + Send + Sync>,
}

impl Outbox {
    /// Delivers one event and wakes the UI. A closed channel means the UI is gone; there is nobody left to tell.
    pub(crate) async fn emit(&self, event: Event) {
        if self.events.send(event).await.is_ok() {
            (self.repaint)();
        }
    }
}

/// The engine's loop. `ActivateProfile` runs here, in order, so commands sent after it see the new profile; every
/// other command runs as a task of its own, so a slow sync never holds up a status refresh.
async fn run(config: EngineConfig, mut commands: mpsc::Receiver<Request>, outbox: Outbox) {
    let ctx = Arc::new(Context {
        data_dir: config.data_dir,
        store: config.secrets,
        sandbox: config.sandbox,
        settings_lock: tokio::sync::Mutex::new(()),
    });
    let mut active: Option<Active> = None;
    while let Some(request) = commands.recv().await {
        match request.command {
            Command::Profiles(ProfilesCommand::Activate(id)) => {
                if let Some(previous) = active.take() {
                    previous.stop().await;
                }
                outbox.emit(Event::Connection(ConnectionState::Connecting)).await;
                let reply = match profiles::activate(id, &ctx, &outbox).await {
                    Ok(now) => {
                        let info = now.connection.info.clone();
                        active = Some(now);
                        Ok(info)
                    }
                    Err(error) => {
                        outbox.emit(Event::Connection(ConnectionState::Idle)).await;
                        Err(error)
                    }
                };
                let reply = Reply::new(request.id, reply);
                outbox.emit(Event::Profiles(ProfilesEvent::Activated(reply))).await;
            }
            _ => {
                let connection = active.as_ref().map(|a| Arc::clone(&a.connection));
                spawn_command(request, connection, Arc::clone(&ctx), outbox.clone());
            }
        }
    }
    if let Some(previous) = active.take() {
        previous.stop().await;
    }
}

/// Runs a request as a task and delivers its reply; should the task die, the reply is an error, never silence.
fn spawn_command(request: Request, connection: Option<Arc<profiles::Connection>>, ctx: Arc<Context>, outbox: Outbox) {
    let (id, fallback) = (request.id, request.command.clone());
    let task = tokio::spawn(domains::execute(request, connection, ctx));
    tokio::spawn(async move {
        let reply = task.await.unwrap_or_else(|error| {
            fallback.failed(
                id,
                EngineError::new(ErrorKind::Stopped, "the command's task failed").with_detail(error.to_string()),
            )
        });
        outbox.emit(reply).await;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(vars: &[(&str, &str)]) -> Result<SandboxSize, EngineError> {
        SandboxSize::from_vars(|name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn sandbox_size_defaults_and_reads_counts() {
        assert_eq!(size(&[]).unwrap(), SandboxSize::default());
        assert_eq!(
            size(&[
                ("WXDESK_SANDBOX_MERCHANTS", "100000"),
                ("WXDESK_SANDBOX_AUTHORIZED", " 100000 ")
            ])
            .unwrap(),
            SandboxSize {
                merchants: 100_000,
                authorized: 100_000
            }
        );
    }

    #[test]
    fn sandbox_size_refuses_what_is_not_a_count() {
        for vars in [
            &[("WXDESK_SANDBOX_MERCHANTS", "lots")][..],
            &[("WXDESK_SANDBOX_AUTHORIZED", "-1")],
            &[("WXDESK_SANDBOX_MERCHANTS", "0")],
            &[("WXDESK_SANDBOX_MERCHANTS", "10"), ("WXDESK_SANDBOX_AUTHORIZED", "11")],
        ] {
            let error = size(vars).unwrap_err();
            assert_eq!(error.kind, ErrorKind::Startup, "{vars:?}");
            assert!(error.message.contains("WXDESK_SANDBOX_"), "{vars:?}: {}", error.message);
        }
    }
}
