//! Sync of every authorized account: page `api_get_authorizer_list` by 500 (§1.7), then fetch each account's
//! info (§1.6) with at most `CONCURRENCY` calls in flight.
//!
//! The listing's refresh tokens are sealed into the database as they arrive. Accounts the hub holds as authorized
//! that a complete listing no longer contains are marked revoked.

use std::collections::HashSet;
use std::sync::Arc;

use futures_util::StreamExt as _;
use serde::Serialize;

use super::store::queries;
use super::tokens::TokenError;
use super::{Hub, now_secs};

/// The largest page `api_get_authorizer_list` allows (§1.7, `40170` beyond).
const PAGE: i64 = 500;
/// Info calls in flight at once: enough to hide latency, few enough not to trip the platform's rate limits (§10).
pub const CONCURRENCY: usize = 16;

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct SyncReport {
    pub total: i64,
    pub synced: i64,
    pub failed: i64,
    pub revoked: i64,
}

pub async fn sync_all(hub: &Arc<Hub>) -> Result<SyncReport, TokenError> {
    let listed = list_all(hub).await?;
    let mut report = SyncReport {
        total: listed.len() as i64,
        ..Default::default()
    };
    let mut infos = futures_util::stream::iter(listed.iter().cloned())
        .map(|appid| {
            let hub = hub.clone();
            async move {
                super::authorize::refresh_info(&hub, &appid)
                    .await
                    .map_err(|e| (appid, e))
            }
        })
        .buffer_unordered(CONCURRENCY);
    while let Some(outcome) = infos.next().await {
        match outcome {
            Ok(()) => report.synced += 1,
            Err((appid, error)) => {
                report.failed += 1;
                tracing::warn!(%appid, %error, "authorizer info not synced");
            }
        }
    }
    drop(infos);
    report.revoked = revoke_unlisted(hub, listed).await?;
    Ok(report)
}

/// Every appid the platform lists, storing each page's refresh tokens as it arrives.
async fn list_all(hub: &Arc<Hub>) -> Result<Vec<String>, TokenError> {
    let mut appids = Vec::new();
    let mut offset = 0;
    loop {
        let upstream = &hub.upstream;
        let page = hub
            .tokens
            .with_component(|ct| async move { upstream.authorizer_list(&ct, offset, PAGE).await })
            .await?;
        let count = page.list.len() as i64;
        let refresh_tokens = page
            .list
            .iter()
            .filter_map(|i| {
                Some((
                    i.authorizer_appid.clone(),
                    i.refresh_token.clone().filter(|r| !r.is_empty())?,
                ))
            })
            .collect();
        hub.tokens.store_refresh_tokens(refresh_tokens).await?;
        let now = now_secs();
        let rows: Vec<(String, i64)> = page
            .list
            .iter()
            .map(|i| (i.authorizer_appid.clone(), i.auth_time.unwrap_or(now)))
            .collect();
        appids.extend(rows.iter().map(|(appid, _)| appid.clone()));
        hub.store
            .write(move |conn| {
                rows.iter()
                    .try_for_each(|(appid, at)| queries::record_listed(conn, appid, *at))
            })
            .await?;
        offset += count;
        if count == 0 || offset >= page.total_count {
            return Ok(appids);
        }
    }
}

async fn revoke_unlisted(hub: &Arc<Hub>, listed: Vec<String>) -> Result<i64, TokenError> {
    let listed: HashSet<String> = listed.into_iter().collect();
    let stored = hub.store.read(queries::authorized_appids).await?;
    let gone: Vec<String> = stored.into_iter().filter(|appid| !listed.contains(appid)).collect();
    let count = gone.len() as i64;
    for appid in &gone {
        hub.tokens.forget_authorizer(appid);
    }
    let at = now_secs();
    hub.store
        .write(move |conn| {
            gone.iter()
                .try_for_each(|appid| queries::revoke_authorizer(conn, appid, at))
        })
        .await?;
    Ok(count)
}
