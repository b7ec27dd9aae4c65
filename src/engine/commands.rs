//! Runs one `Command` (other than `ActivateProfile`, which the engine's loop runs itself) to its one reply `Event`.

use std::sync::Arc;

use super::profiles::{self, Connection, Context};
use super::protocol::{
    AuthorizerRow, AuthorizersSource, Command, EngineError, ErrorKind, Event, FieldProblem, FormField, PreAuth,
    PreAuthRequest, validate_appid,
};
use super::{failure_reply, qr, sandbox};

/// Runs `command` and returns its reply. `connection` is the active profile's, if any.
pub async fn execute(command: Command, connection: Option<Arc<Connection>>, ctx: Arc<Context>) -> Event {
    match command {
        Command::LoadProfiles => Event::Profiles(profiles::overview(&ctx).await),
        Command::SaveLocalProfile(form) => Event::ProfileSaved(profiles::save_local(&ctx, form).await),
        Command::SaveRemoteProfile(form) => Event::ProfileSaved(profiles::save_remote(&ctx, form).await),
        Command::SaveQrPng { link, path } => {
            let saved = tokio::task::spawn_blocking(move || qr::save_png(&link, &path)).await;
            Event::QrSaved(saved.unwrap_or_else(|e| Err(task_failed(e))))
        }
        Command::ActivateProfile(_) => failure_reply(
            &command,
            EngineError::new(ErrorKind::Stopped, "profiles are activated by the engine loop"),
        ),
        command => match connection {
            Some(connection) => execute_connected(command, &connection).await,
            None => failure_reply(&command, EngineError::new(ErrorKind::NoProfile, "no profile is active")),
        },
    }
}

async fn execute_connected(command: Command, connection: &Connection) -> Event {
    let client = &connection.client;
    match command {
        Command::RefreshStatus => Event::Status(client.status().await),
        Command::LoadAuthorizers => Event::Authorizers {
            source: AuthorizersSource::Hub,
            result: load_authorizers(connection).await,
        },
        Command::SyncAuthorizers => Event::SyncFinished(client.sync().await),
        Command::CreatePreAuth(request) => Event::PreAuthCreated(create_preauth(connection, &request).await),
        Command::SimulateScan {
            pre_auth_code,
            kind,
            func_ids,
        } => Event::ScanSimulated(match &connection.sandbox {
            Some(links) => sandbox::simulate_scan(links, &pre_auth_code, kind, &func_ids).await,
            None => Err(EngineError::new(
                ErrorKind::NotSandbox,
                "simulating a scan works only in the sandbox",
            )),
        }),
        Command::LoadActivity => Event::Activity(client.activity().await),
        other => failure_reply(
            &other,
            EngineError::new(ErrorKind::Stopped, "this command needs no profile"),
        ),
    }
}

/// Every authorizer from the hub, then into the cache so the next start shows them at once.
async fn load_authorizers(connection: &Connection) -> Result<Vec<AuthorizerRow>, EngineError> {
    // Shared with the cache task rather than copied: a hundred thousand rows are tens of megabytes.
    let rows = Arc::new(connection.client.all_authorizers().await?);
    let cache = Arc::clone(&connection.cache);
    let for_cache = Arc::clone(&rows);
    let saved = tokio::task::spawn_blocking(move || cache.replace_authorizers(&for_cache)).await;
    // The task has ended either way, and with it its handle on the rows.
    let rows = Arc::try_unwrap(rows).unwrap_or_else(|shared| shared.as_ref().clone());
    // The hub's answer is what the user asked for; a cache that cannot be written only costs the next start.
    match saved {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::warn!(%error, "cannot cache the authorizer list"),
        Err(error) => tracing::warn!(%error, "the cache task failed"),
    }
    Ok(rows)
}

async fn create_preauth(connection: &Connection, request: &PreAuthRequest) -> Result<PreAuth, EngineError> {
    if let Some(appid) = request.biz_appid.as_deref().filter(|appid| !appid.is_empty()) {
        validate_appid(appid).map_err(|problem| {
            EngineError::validation(FieldProblem {
                field: FormField::BizAppid,
                problem,
            })
        })?;
    }
    connection.client.preauth(request).await
}

fn task_failed(error: tokio::task::JoinError) -> EngineError {
    EngineError::new(ErrorKind::Stopped, format!("the engine's task failed: {error}"))
}
