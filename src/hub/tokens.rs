//! The sole token owner: the component token and one access token per authorizer, each refreshed single-flight.
//!
//! A token is refreshed when less than `REFRESH_AHEAD_SECS` remain or when WeChat refuses it (`40001`, `42001`,
//! `40014`, §0.4). Callers that find a token stale queue on that token's refresh lock; the first refreshes, the
//! rest find the new token when they get the lock, so a thousand concurrent callers cause one upstream call.
//! Refresh tokens are sealed into the database before the access token that came with them is used (§1.5).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use super::events::EventLog;
use super::metrics::Metrics;
use super::now_secs;
use super::seal::{SealError, StoreKey};
use super::store::queries;
use super::store::{Store, StoreError};
use super::upstream::{Upstream, UpstreamError};
use crate::hubapi::{HubEventKind, TokenRefreshed};
use crate::wechat::ids::Secret;

/// Refresh when less than ten minutes remain; the platform's own guidance is 1h50m of a 2h token (§1.2).
const REFRESH_AHEAD_SECS: i64 = 600;
const COMPONENT_ROW: &str = "component";

#[derive(Debug, Clone, thiserror::Error)]
pub enum TokenError {
    #[error("no component_verify_ticket has arrived yet; check the authorization-event URL")]
    NoTicket,
    #[error("{0} is not authorized to this platform (no refresh token stored)")]
    NotAuthorized(String),
    #[error(transparent)]
    Upstream(#[from] UpstreamError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Seal(#[from] SealError),
}

impl TokenError {
    pub fn errcode(&self) -> Option<i64> {
        match self {
            Self::Upstream(e) => e.errcode(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
struct Cached {
    token: Secret,
    expires_at: i64,
}

/// One token: its cached value and the lock that makes its refresh single-flight. `Debug` shows the token as `***`.
#[derive(Debug, Default)]
pub(super) struct Slot {
    cached: Mutex<Option<Cached>>,
    refresh: tokio::sync::Mutex<()>,
}

impl Slot {
    fn fresh(&self, now: i64) -> Option<Secret> {
        let cached = self.cached.lock().ok()?;
        cached
            .as_ref()
            .filter(|c| c.expires_at - now > REFRESH_AHEAD_SECS)
            .map(|c| c.token.clone())
    }

    /// A token not yet expired, though due for refresh: better than nothing when the refresh fails.
    fn usable(&self, now: i64) -> Option<Secret> {
        let cached = self.cached.lock().ok()?;
        cached.as_ref().filter(|c| c.expires_at > now).map(|c| c.token.clone())
    }

    fn expires_at(&self) -> Option<i64> {
        self.cached.lock().ok()?.as_ref().map(|c| c.expires_at)
    }

    pub(super) fn set(&self, token: Secret, expires_at: i64) {
        if let Ok(mut cached) = self.cached.lock() {
            *cached = Some(Cached { token, expires_at });
        }
    }

    /// Marks the token WeChat refused as expired, unless another caller has already replaced it. It stays in the
    /// slot as expired (not removed) so that the refresh does not reload the same token from the database.
    fn invalidate(&self, refused: &Secret) {
        if let Ok(mut cached) = self.cached.lock()
            && let Some(current) = cached.as_mut()
            && current.token == *refused
        {
            current.expires_at = 0;
        }
    }
}

pub struct TokenOwner {
    store: Store,
    key: StoreKey,
    upstream: Arc<Upstream>,
    events: EventLog,
    metrics: Arc<Metrics>,
    component: Slot,
    authorizers: Mutex<HashMap<String, Arc<Slot>>>,
}

impl TokenOwner {
    pub fn new(store: Store, key: StoreKey, upstream: Arc<Upstream>, events: EventLog, metrics: Arc<Metrics>) -> Self {
        Self {
            store,
            key,
            upstream,
            events,
            metrics,
            component: Slot::default(),
            authorizers: Mutex::default(),
        }
    }

    pub fn component_expires_at(&self) -> Option<i64> {
        self.component.expires_at()
    }

    /// The component token, refreshed first when due.
    pub async fn component_token(&self) -> Result<Secret, TokenError> {
        if let Some(token) = self.component.fresh(now_secs()) {
            return Ok(token);
        }
        let _single_flight = self.component.refresh.lock().await;
        if let Some(token) = self.component.fresh(now_secs()) {
            return Ok(token);
        }
        if let Some(token) = self.load_persisted(&self.component, COMPONENT_ROW).await? {
            return Ok(token);
        }
        let refreshed = self.refresh_component().await;
        self.metrics.token_refresh("component", refreshed.is_ok());
        match refreshed {
            Ok(token) => Ok(token),
            Err(error) => {
                self.events
                    .emit_error("component_token", error.errcode(), &error.to_string())
                    .await;
                self.component.usable(now_secs()).ok_or(error)
            }
        }
    }

    async fn refresh_component(&self) -> Result<Secret, TokenError> {
        let ticket = self
            .store
            .read(queries::newest_ticket)
            .await?
            .ok_or(TokenError::NoTicket)?;
        let (token, expires_in) = self.upstream.component_token(&ticket.0).await?;
        let expires_at = now_secs() + expires_in;
        self.persist_access(COMPONENT_ROW.into(), &token, expires_at).await?;
        self.component.set(token.clone(), expires_at);
        tracing::info!(expires_at, "component token refreshed");
        self.emit_refreshed(TokenRefreshed {
            token: "component".into(),
            authorizer_appid: None,
            expires_at,
        })
        .await;
        Ok(token)
    }

    /// Runs `call` with the component token; when WeChat refuses the token, refreshes once and retries once.
    pub async fn with_component<T, F, Fut>(&self, call: F) -> Result<T, TokenError>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<T, UpstreamError>>,
    {
        let token = self.component_token().await?;
        match call(token.expose().to_owned()).await {
            Err(error) if error.is_token_invalid() => {
                self.component.invalidate(&token);
                let token = self.component_token().await?;
                Ok(call(token.expose().to_owned()).await?)
            }
            other => Ok(other?),
        }
    }

    /// The access token of an authorizer, refreshed first when due.
    pub async fn authorizer_token(&self, appid: &str) -> Result<Secret, TokenError> {
        let slot = self.slot(appid);
        if let Some(token) = slot.fresh(now_secs()) {
            return Ok(token);
        }
        let _single_flight = slot.refresh.lock().await;
        if let Some(token) = slot.fresh(now_secs()) {
            return Ok(token);
        }
        if let Some(token) = self.load_persisted(&slot, &queries::access_token_name(appid)).await? {
            return Ok(token);
        }
        let refreshed = self.refresh_authorizer(appid, &slot).await;
        self.metrics.token_refresh("authorizer", refreshed.is_ok());
        match refreshed {
            Ok(token) => Ok(token),
            Err(error) => {
                let context = format!("authorizer_token {appid}");
                self.events
                    .emit_error(&context, error.errcode(), &error.to_string())
                    .await;
                slot.usable(now_secs()).ok_or(error)
            }
        }
    }

    async fn refresh_authorizer(&self, appid: &str, slot: &Slot) -> Result<Secret, TokenError> {
        let row = refresh_row(appid);
        let owned = appid.to_owned();
        let sealed = self
            .store
            .read(move |conn| queries::refresh_token(conn, &owned))
            .await?;
        let refresh = self
            .key
            .open(&row, &sealed.ok_or_else(|| TokenError::NotAuthorized(appid.into()))?)?;
        let (upstream, refresh_ref) = (&self.upstream, refresh.expose());
        let answer = self
            .with_component(|ct| async move { upstream.authorizer_token(&ct, appid, refresh_ref).await })
            .await?;
        let expires_at = now_secs() + answer.expires_in;
        // The answer always echoes a refresh token; overwrite the stored one every time (§1.5).
        let new_refresh = answer
            .authorizer_refresh_token
            .filter(|r| !r.is_empty())
            .unwrap_or(refresh);
        self.store_authorizer_tokens(
            appid,
            Some(&new_refresh),
            Some((&answer.authorizer_access_token, expires_at)),
        )
        .await?;
        slot.set(answer.authorizer_access_token.clone(), expires_at);
        self.emit_refreshed(TokenRefreshed {
            token: "authorizer".into(),
            authorizer_appid: Some(appid.to_owned()),
            expires_at,
        })
        .await;
        Ok(answer.authorizer_access_token)
    }

    /// Runs `call` with an authorizer's token; when WeChat refuses it, refreshes once and retries once.
    pub async fn with_authorizer<T, F, Fut>(&self, appid: &str, call: F) -> Result<T, TokenError>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<T, UpstreamError>>,
    {
        let token = self.authorizer_token(appid).await?;
        match call(token.expose().to_owned()).await {
            Err(error) if error.is_token_invalid() => {
                self.slot(appid).invalidate(&token);
                let token = self.authorizer_token(appid).await?;
                Ok(call(token.expose().to_owned()).await?)
            }
            other => Ok(other?),
        }
    }

    /// Seals and commits an authorizer's refresh token and access token, then caches the access token.
    /// Called with what `api_query_auth` returned, before anything uses those tokens.
    pub async fn store_authorizer_tokens(
        &self,
        appid: &str,
        refresh: Option<&Secret>,
        access: Option<(&Secret, i64)>,
    ) -> Result<(), TokenError> {
        let appid_owned = appid.to_owned();
        let sealed_refresh = refresh.map(|r| self.key.seal(&refresh_row(appid), r.expose()));
        let access_row = queries::access_token_name(appid);
        let sealed_access = access.map(|(token, expires_at)| (self.key.seal(&access_row, token.expose()), expires_at));
        let at = now_secs();
        self.store
            .write(move |conn| {
                if let Some(sealed) = &sealed_refresh {
                    queries::put_refresh_token(conn, &appid_owned, sealed, at)?;
                }
                if let Some((sealed, expires_at)) = &sealed_access {
                    queries::put_access_token(conn, &access_row, sealed, *expires_at)?;
                }
                Ok(())
            })
            .await?;
        if let Some((token, expires_at)) = access {
            self.slot(appid).set(token.clone(), expires_at);
        }
        Ok(())
    }

    /// Seals and commits many refresh tokens at once (a page of `api_get_authorizer_list`, §1.7).
    pub async fn store_refresh_tokens(&self, tokens: Vec<(String, Secret)>) -> Result<(), TokenError> {
        let at = now_secs();
        let sealed: Vec<(String, Vec<u8>)> = tokens
            .into_iter()
            .map(|(appid, refresh)| {
                let sealed = self.key.seal(&refresh_row(&appid), refresh.expose());
                (appid, sealed)
            })
            .collect();
        self.store
            .write(move |conn| {
                sealed
                    .iter()
                    .try_for_each(|(appid, s)| queries::put_refresh_token(conn, appid, s, at))
            })
            .await?;
        Ok(())
    }

    /// Forgets an authorizer's cached token (the authorization was revoked).
    pub fn forget_authorizer(&self, appid: &str) {
        if let Ok(mut slots) = self.authorizers.lock() {
            slots.remove(appid);
        }
    }

    fn slot(&self, appid: &str) -> Arc<Slot> {
        match self.authorizers.lock() {
            Ok(mut slots) => slots.entry(appid.to_owned()).or_default().clone(),
            // A poisoned map only loses caching: a fresh slot still refreshes correctly.
            Err(_) => Arc::default(),
        }
    }

    /// After a restart the cache is empty; a persisted token still fresh is used instead of a refresh.
    async fn load_persisted(&self, slot: &Slot, row: &str) -> Result<Option<Secret>, TokenError> {
        if slot.expires_at().is_some() {
            return Ok(None);
        }
        let name = row.to_owned();
        let Some((sealed, expires_at)) = self.store.read(move |conn| queries::access_token(conn, &name)).await? else {
            return Ok(None);
        };
        if expires_at - now_secs() <= REFRESH_AHEAD_SECS {
            return Ok(None);
        }
        let token = self.key.open(row, &sealed)?;
        slot.set(token.clone(), expires_at);
        Ok(Some(token))
    }

    async fn persist_access(&self, row: String, token: &Secret, expires_at: i64) -> Result<(), TokenError> {
        let sealed = self.key.seal(&row, token.expose());
        self.store
            .write(move |conn| queries::put_access_token(conn, &row, &sealed, expires_at))
            .await?;
        Ok(())
    }

    async fn emit_refreshed(&self, refreshed: TokenRefreshed) {
        if let Err(error) = self.events.emit(HubEventKind::TokenRefreshed(refreshed)).await {
            tracing::warn!(%error, "could not record a token_refreshed event");
        }
    }
}

/// The row a refresh token is sealed to: the ciphertext opens only for that appid.
fn refresh_row(appid: &str) -> String {
    format!("refresh:{appid}")
}
