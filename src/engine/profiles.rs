//! Connection profiles: saving the local and remote forms (secrets to the keychain, the rest to the settings file),
//! the overview the UI fills its forms from, and activation — reaching a hub, opening the profile's cache, and
//! starting the long poll.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::task::JoinHandle;

use super::cache::Cache;
use super::client::HubClient;
use super::keychain::{self, SecretStore, names, off_runtime};
use super::protocol::{
    EngineError, ErrorKind, Event, LocalProfileForm, LocalProfileSummary, MerchantsEvent, ProfileId, ProfileInfo,
    ProfilesOverview, RemoteProfileForm, RemoteProfileSummary, Secret,
};
use super::settings::Settings;
use super::{Outbox, local, poll, sandbox};

/// What every command task may use, whatever profile is active.
pub struct Context {
    pub data_dir: PathBuf,
    pub store: Arc<dyn SecretStore>,
    pub sandbox: super::SandboxSize,
    /// Serialises read-modify-write of the settings file between concurrent saves.
    pub settings_lock: tokio::sync::Mutex<()>,
}

/// What a command needs of the active profile.
#[derive(Debug)]
pub struct Connection {
    pub info: ProfileInfo,
    pub client: HubClient,
    pub cache: Arc<Cache>,
    /// Set only in the sandbox: how to reach the simulator's control API.
    pub sandbox: Option<sandbox::Links>,
}

/// In-process servers a profile started; stopped when another profile activates.
enum Servers {
    None,
    Sandbox(sandbox::Sandbox),
    Local(local::LocalHub),
}

/// The active profile: its connection, its servers and its long-poll task.
pub struct Active {
    pub connection: Arc<Connection>,
    servers: Servers,
    poll: JoinHandle<()>,
}

impl Servers {
    async fn shutdown(self) {
        match self {
            Servers::None => {}
            Servers::Sandbox(sandbox) => sandbox.shutdown().await,
            Servers::Local(hub) => hub.shutdown().await,
        }
    }
}

impl Active {
    /// Stops the long poll, then the in-process servers (freeing their ports).
    pub async fn stop(self) {
        self.poll.abort();
        self.servers.shutdown().await;
    }
}

/// Connects to `id`'s hub (starting in-process servers when the profile needs them) and starts the long poll.
/// Before returning it sends the cached authorizer list, when there is one.
pub async fn activate(id: ProfileId, ctx: &Context, outbox: &Outbox) -> Result<Active, EngineError> {
    let settings = load_settings(ctx).await?;
    let (client, servers, sandbox_links) = match id {
        ProfileId::Sandbox => {
            let sandbox = sandbox::Sandbox::start(&ctx.data_dir.join("sandbox"), ctx.sandbox).await?;
            let client = sandbox.client()?;
            let links = sandbox.links();
            (client, Servers::Sandbox(sandbox), Some(links))
        }
        ProfileId::Local => {
            let summary = settings.local.clone().ok_or_else(|| not_configured(id))?;
            let hub = local::LocalHub::start(&summary, &ctx.data_dir.join("local"), &ctx.store).await?;
            (hub.client()?, Servers::Local(hub), None)
        }
        ProfileId::Remote => {
            let summary = settings.remote.clone().ok_or_else(|| not_configured(id))?;
            let key = read_secret(ctx, id, names::OPERATOR_KEY)
                .await?
                .ok_or_else(|| not_configured(id))?;
            (HubClient::new(&summary.hub_url, key)?, Servers::None, None)
        }
    };
    match connect(id, client, sandbox_links, ctx, outbox).await {
        Ok((connection, poll)) => {
            remember_active(ctx, id).await;
            Ok(Active {
                connection,
                servers,
                poll,
            })
        }
        Err(error) => {
            servers.shutdown().await;
            Err(error)
        }
    }
}

/// Asks the hub who it is, opens the cache, sends the cached list, and starts the long poll from the stream's
/// current end, all before the profile is reported active so no event slips past.
async fn connect(
    id: ProfileId,
    client: HubClient,
    sandbox: Option<sandbox::Links>,
    ctx: &Context,
    outbox: &Outbox,
) -> Result<(Arc<Connection>, JoinHandle<()>), EngineError> {
    let status = client.status().await?;
    let path = ctx.data_dir.join(id.as_str()).join("cache.sqlite");
    let fresh_hub = sandbox.is_some();
    let cache = tokio::task::spawn_blocking(move || -> Result<Cache, EngineError> {
        let cache = Cache::open(&path)?;
        // The sandbox's hub starts with an empty stream every time; an old position would skip its first events.
        if fresh_hub {
            cache.clear_last_event_seq()?;
        }
        Ok(cache)
    })
    .await
    .map_err(|e| EngineError::new(ErrorKind::Storage, format!("the cache task failed: {e}")))??;
    let cache = Arc::new(cache);
    let cached = {
        let cache = Arc::clone(&cache);
        tokio::task::spawn_blocking(move || cache.authorizers()).await
    };
    if let Ok(Ok(rows)) = cached
        && !rows.is_empty()
    {
        outbox.emit(Event::Merchants(MerchantsEvent::Cached(rows))).await;
    }
    let after = poll::starting_point(&client, &cache).await?;
    let poll = tokio::spawn(poll::run(client.clone(), Arc::clone(&cache), outbox.clone(), after));
    let info = ProfileInfo {
        id,
        hub_url: client.base_url().to_owned(),
        is_sandbox: id == ProfileId::Sandbox,
        component_appid: status.component_appid,
    };
    Ok((
        Arc::new(Connection {
            info,
            client,
            cache,
            sandbox,
        }),
        poll,
    ))
}

/// Validates the form, stores the secrets (and a fresh store key on first save) in the keychain, and the rest in
/// the settings file.
pub async fn save_local(ctx: &Context, form: LocalProfileForm) -> Result<ProfileId, EngineError> {
    if let Some(problem) = form.problems().into_iter().next() {
        return Err(EngineError::validation(problem));
    }
    let id = ProfileId::Local;
    let mut secrets = vec![
        (names::COMPONENT_APPSECRET, form.component_appsecret),
        (names::TOKEN, form.token),
        (names::ENCODING_AES_KEY, form.encoding_aes_key),
    ];
    if read_secret(ctx, id, names::STORE_KEY).await?.is_none() {
        secrets.push((names::STORE_KEY, local::new_store_key()));
    }
    store_secrets(ctx, id, secrets).await?;
    let summary = LocalProfileSummary {
        component_appid: form.component_appid,
        listen: form.listen,
        public_url: form.public_url.trim_end_matches('/').to_owned(),
    };
    update_settings(ctx, |settings| settings.local = Some(summary)).await?;
    Ok(id)
}

/// Validates the form and stores the operator key in the keychain and the URL in the settings file.
pub async fn save_remote(ctx: &Context, form: RemoteProfileForm) -> Result<ProfileId, EngineError> {
    if let Some(problem) = form.problems().into_iter().next() {
        return Err(EngineError::validation(problem));
    }
    let id = ProfileId::Remote;
    store_secrets(ctx, id, vec![(names::OPERATOR_KEY, form.operator_key)]).await?;
    let summary = RemoteProfileSummary {
        hub_url: form.hub_url.trim_end_matches('/').to_owned(),
    };
    update_settings(ctx, |settings| settings.remote = Some(summary)).await?;
    Ok(id)
}

/// The settings without secrets, and whether the keychain answers.
pub async fn overview(ctx: &Context) -> Result<ProfilesOverview, EngineError> {
    let settings = load_settings(ctx).await?;
    let store = Arc::clone(&ctx.store);
    let keychain_problem = off_runtime(move || store.probe()).await.and_then(|r| r).err();
    Ok(ProfilesOverview {
        active: settings.active.unwrap_or_default(),
        local: settings.local,
        remote: settings.remote,
        keychain_problem,
    })
}

fn not_configured(id: ProfileId) -> EngineError {
    EngineError::new(
        ErrorKind::NotConfigured,
        format!("the {} profile has not been saved yet", id.as_str()),
    )
}

pub(crate) async fn read_secret(ctx: &Context, id: ProfileId, name: &str) -> Result<Option<Secret>, EngineError> {
    let store = Arc::clone(&ctx.store);
    let account = keychain::account(id, name);
    off_runtime(move || store.read(&account)).await?
}

pub(crate) async fn store_secrets(
    ctx: &Context,
    id: ProfileId,
    secrets: Vec<(&'static str, Secret)>,
) -> Result<(), EngineError> {
    let store = Arc::clone(&ctx.store);
    off_runtime(move || {
        secrets
            .iter()
            .try_for_each(|(name, secret)| store.store(&keychain::account(id, name), secret))
    })
    .await?
}

async fn load_settings(ctx: &Context) -> Result<Settings, EngineError> {
    let dir = ctx.data_dir.clone();
    tokio::task::spawn_blocking(move || Settings::load(&dir))
        .await
        .map_err(|e| EngineError::new(ErrorKind::Storage, format!("the settings task failed: {e}")))?
}

async fn update_settings(
    ctx: &Context,
    change: impl FnOnce(&mut Settings) + Send + 'static,
) -> Result<(), EngineError> {
    let _guard = ctx.settings_lock.lock().await;
    let dir = ctx.data_dir.clone();
    tokio::task::spawn_blocking(move || {
        let mut settings = Settings::load(&dir)?;
        change(&mut settings);
        settings.save(&dir)
    })
    .await
    .map_err(|e| EngineError::new(ErrorKind::Storage, format!("the settings task failed: {e}")))?
}

/// Remembers the active profile for the next start. Failing to write it only means the next start offers the
/// previous choice, so it is logged rather than failing the activation.
async fn remember_active(ctx: &Context, id: ProfileId) {
    if let Err(error) = update_settings(ctx, move |settings| settings.active = Some(id)).await {
        tracing::warn!(%error, "cannot remember the active profile");
    }
}
