//! The merchants domain's handler: the authorizer list (into the local cache), starting the hub's sync job, and a
//! mini program's versions through the typed relay.

use std::sync::Arc;

use crate::engine::profiles::Connection;
use crate::engine::protocol::{AuthorizerRow, EngineError, MerchantsCommand, MerchantsEvent, Reply, RequestId};
use crate::wechat::api::Empty;
use crate::wechat::api::code::GetVersionInfo;

pub async fn execute(id: RequestId, command: MerchantsCommand, connection: &Connection) -> MerchantsEvent {
    match command {
        MerchantsCommand::Load => MerchantsEvent::Loaded(Reply::new(id, load(connection).await)),
        MerchantsCommand::Sync => MerchantsEvent::SyncStarted(Reply::new(id, connection.client.sync().await)),
        MerchantsCommand::Versions(appid) => {
            let versions = connection
                .client
                .relay::<GetVersionInfo>(Some(&appid), &Empty::default())
                .await;
            MerchantsEvent::Versions(Reply::new(id, versions))
        }
    }
}

/// Every authorizer from the hub, then into the cache so the next start shows them at once.
async fn load(connection: &Connection) -> Result<Vec<AuthorizerRow>, EngineError> {
    let rows: Vec<AuthorizerRow> = connection
        .client
        .all_authorizers()
        .await?
        .into_iter()
        .map(AuthorizerRow::from)
        .collect();
    // Shared with the cache task rather than copied: a hundred thousand rows are tens of megabytes.
    let rows = Arc::new(rows);
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
