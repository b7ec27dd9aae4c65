//! Turning an authorization code into a stored authorizer (wechat-api.md §1.4, §1.6, §2.4).
//!
//! The same code reaches the hub twice: on the redirect the merchant's browser follows and in the `authorized`
//! push. A code is single use (§1.3), so the exchange is single-flight per code and its outcome is kept a while:
//! whichever arrives second gets the first's result instead of a `61009`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

use super::store::queries::{self, AuthorizerRow};
use super::tokens::TokenError;
use super::upstream::AuthorizerInfo;
use super::{Hub, now_secs};
use crate::hubapi::{AccountKind, Authorization, HubEventKind};

/// An authorization code's lifetime: `expires_in=600` on the redirect (§2.4).
pub const CODE_LIFETIME_SECS: i64 = 600;

/// How long an exchange's outcome is remembered: the code's own lifetime.
const REMEMBER_FOR: Duration = Duration::from_secs(CODE_LIFETIME_SECS as u64);

/// The outcome of one exchange, shared by everyone who asked about that code.
#[derive(Debug, Clone)]
pub enum Exchanged {
    Ok { authorizer: AuthorizerRow, renewed: bool },
    Failed { errcode: Option<i64>, message: String },
}

type Cell = Arc<OnceCell<Exchanged>>;

#[derive(Default)]
pub struct Exchanges {
    cells: Mutex<HashMap<String, (Instant, Cell)>>,
    /// The pre_auth_code an `authorized` push named for an authorization code (the redirect names none), so the
    /// event can tell the console which QR code was scanned.
    pre_auth: Mutex<HashMap<String, (Instant, String)>>,
}

impl Exchanges {
    /// Remembers which pre_auth_code the authorization `code` came from.
    pub fn note_pre_auth(&self, code: &str, pre_auth_code: &str) {
        if let Ok(mut known) = self.pre_auth.lock() {
            known.retain(|_, (at, _)| at.elapsed() < REMEMBER_FOR);
            known.insert(code.to_owned(), (Instant::now(), pre_auth_code.to_owned()));
        }
    }

    fn pre_auth_for(&self, code: &str) -> Option<String> {
        self.pre_auth.lock().ok()?.get(code).map(|(_, pre)| pre.clone())
    }

    fn cell(&self, code: &str) -> Cell {
        let Ok(mut cells) = self.cells.lock() else {
            return Cell::default();
        };
        cells.retain(|_, (at, _)| at.elapsed() < REMEMBER_FOR);
        cells
            .entry(code.to_owned())
            .or_insert_with(|| (Instant::now(), Cell::default()))
            .1
            .clone()
    }
}

/// Exchanges `code` once, however many callers ask; records the authorizer and an event.
pub async fn exchange(hub: &Arc<Hub>, code: &str) -> Exchanged {
    let cell = hub.exchanges.cell(code);
    cell.get_or_init(|| async {
        let outcome = match run(hub, code).await {
            Ok((authorizer, renewed)) => Exchanged::Ok { authorizer, renewed },
            Err(error) => {
                hub.events
                    .emit_error("api_query_auth", error.errcode(), &error.to_string())
                    .await;
                Exchanged::Failed {
                    errcode: error.errcode(),
                    message: error.to_string(),
                }
            }
        };
        // Done with the code, unless the platform never answered (network, store): then the next start retries it.
        if matches!(
            outcome,
            Exchanged::Ok { .. } | Exchanged::Failed { errcode: Some(_), .. }
        ) {
            let code = code.to_owned();
            if let Err(error) = hub
                .store
                .write(move |conn| queries::forget_pending_code(conn, &code))
                .await
            {
                tracing::warn!(%error, "an exchanged code stays pending");
            }
        }
        outcome
    })
    .await
    .clone()
}

/// Exchanges the codes of pushes stored before the hub last stopped whose exchange never finished.
pub async fn resume_pending(hub: Arc<Hub>) {
    let codes = match hub
        .store
        .write(|conn| queries::take_live_pending_codes(conn, now_secs()))
        .await
    {
        Ok(codes) => codes,
        Err(error) => {
            tracing::warn!(%error, "pending authorization codes not read");
            return;
        }
    };
    if !codes.is_empty() {
        tracing::info!(count = codes.len(), "exchanging authorization codes left pending");
    }
    for code in codes {
        exchange(&hub, &code).await;
    }
}

async fn run(hub: &Arc<Hub>, code: &str) -> Result<(AuthorizerRow, bool), TokenError> {
    let upstream = &hub.upstream;
    let auth = hub
        .tokens
        .with_component(|ct| async move { upstream.query_auth(&ct, code).await })
        .await?;
    let appid = auth.authorizer_appid.clone();
    let func_ids = auth.func_ids.clone();
    let renewed = {
        let appid = appid.clone();
        hub.store.read(move |conn| queries::is_authorized(conn, &appid)).await?
    };
    // The refresh token is on disk (sealed) before anything uses the tokens that came with it (§1.4).
    let access = auth
        .authorizer_access_token
        .as_ref()
        .map(|t| (t, now_secs() + auth.expires_in.unwrap_or(7200)));
    hub.tokens
        .store_authorizer_tokens(&appid, auth.authorizer_refresh_token.as_ref(), access)
        .await?;
    let at = now_secs();
    {
        let (appid, func_ids) = (appid.clone(), func_ids.clone());
        hub.store
            .write(move |conn| queries::record_authorization(conn, &appid, &func_ids, at))
            .await?;
    }
    if let Err(error) = refresh_info(hub, &appid).await {
        // The authorization stands without the account's name; a sync fills it in later.
        hub.events
            .emit_error(
                &format!("api_get_authorizer_info {appid}"),
                error.errcode(),
                &error.to_string(),
            )
            .await;
    }
    let authorizer = {
        let appid = appid.clone();
        hub.store.read(move |conn| queries::authorizer(conn, &appid)).await?
    }
    .unwrap_or_else(|| AuthorizerRow {
        authorizer_appid: appid.clone(),
        func_ids,
        authorized_at: at,
        ..Default::default()
    });
    let authorization = Authorization {
        authorizer_appid: authorizer.authorizer_appid.clone(),
        nick_name: authorizer.nick_name.clone(),
        kind: authorizer.kind,
        func_ids: authorizer.func_ids.clone(),
        // Known when the push arrived before this point; a console that gets none accepts the event for its open
        // QR view.
        pre_auth_code: hub.exchanges.pre_auth_for(code),
    };
    let event = if renewed {
        HubEventKind::UpdateAuthorized(authorization)
    } else {
        HubEventKind::Authorized(authorization)
    };
    hub.events.emit(event).await?;
    tracing::info!(appid = %authorizer.authorizer_appid, renewed, "authorizer stored");
    Ok((authorizer, renewed))
}

/// Fetches `api_get_authorizer_info` (§1.6) and stores the account's details.
pub async fn refresh_info(hub: &Arc<Hub>, appid: &str) -> Result<(), TokenError> {
    let row = fetch_info(hub, appid).await?;
    hub.store
        .write(move |conn| queries::update_authorizer_info(conn, &row, now_secs()))
        .await?;
    Ok(())
}

/// Reads the account's details again (§1.6) off the caller's path, stores them, and tells every console with
/// `authorizer_updated`; a failure is logged (the next sync reads them anyway).
pub fn announce_info(hub: &Arc<Hub>, appid: &str) {
    let (hub, appid) = (hub.clone(), appid.to_owned());
    tokio::spawn(async move {
        let refreshed = match refresh_info(&hub, &appid).await {
            Ok(()) => hub
                .events
                .emit(HubEventKind::AuthorizerUpdated {
                    authorizer_appid: appid.clone(),
                })
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            Err(error) => Err(error.to_string()),
        };
        if let Err(error) = refreshed {
            tracing::warn!(%appid, %error, "authorizer details not read again after a set-up change");
        }
    });
}

/// Reads `api_get_authorizer_info` (§1.6) as the row `queries::update_authorizer_info` stores; the caller stores
/// it, so a job can commit it together with its item's outcome.
pub async fn fetch_info(hub: &Arc<Hub>, appid: &str) -> Result<AuthorizerRow, TokenError> {
    let upstream = &hub.upstream;
    let info = hub
        .tokens
        .with_component(|ct| async move { upstream.authorizer_info(&ct, appid).await })
        .await?;
    Ok(info_row(appid, &info))
}

fn info_row(appid: &str, info: &AuthorizerInfo) -> AuthorizerRow {
    AuthorizerRow {
        authorizer_appid: appid.to_owned(),
        nick_name: info.nick_name.clone(),
        // `MiniProgramInfo` is present only for mini programs (§1.6).
        kind: Some(if info.is_mini_program {
            AccountKind::MiniProgram
        } else {
            AccountKind::OfficialAccount
        }),
        principal_name: info.principal_name.clone(),
        verify_type: info.verify_type,
        service_type: info.service_type,
        user_name: info.user_name.clone(),
        head_img: info.head_img.clone(),
        func_ids: info.func_ids.clone(),
        ..Default::default()
    }
}
