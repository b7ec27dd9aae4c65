//! The authorizer sync as a job kind. Preparation pages `api_get_authorizer_list` by 500 (wechat-api.md §1.7): each
//! page's refresh tokens are sealed into the database, its accounts recorded as listed and given one item each,
//! and the offset reached kept in the job's params, so a restarted hub lists on from there. Each item's one step
//! reads the account's details (`api_get_authorizer_info`, §1.6). At the end, after a complete listing, accounts
//! the platform no longer lists are marked revoked.
//!
//! Every call here is a read, so a step cut short by a crash is simply made again.

use std::sync::Arc;

use super::super::authorize;
use super::super::store::jobs::{self as rows, ItemRow, JobRow};
use super::super::store::queries;
use super::super::tokens::TokenError;
use super::super::{Hub, now_secs};
use super::kind::{Halt, Kind, Outcome, Step, StepError, undecided};
use super::runner::with_key;
use crate::hubapi::{ItemState, JobState};

/// The largest page `api_get_authorizer_list` allows (§1.7, `40170` beyond).
const PAGE: i64 = 500;
/// Info calls in flight at once: enough to hide latency, few enough not to trip the platform's rate limits.
pub const CONCURRENCY: usize = 16;
/// The one step of a sync item.
const STEP: &str = "info";
/// A read that met a timeout, a `-1` or a dropped connection is tried this many times in all.
const MAX_ATTEMPTS: i64 = 3;
/// Params keys: how many accounts the listing has read, and whether it reached the end.
const LISTED: &str = "listed";
const LISTING_COMPLETE: &str = "listing_complete";

/// The kind itself; it keeps no state of its own, everything is in the job's rows.
pub struct AuthorizerSync;

fn listing_complete(job: &JobRow) -> bool {
    job.params[LISTING_COMPLETE].as_bool().unwrap_or(false)
}

impl Kind for AuthorizerSync {
    fn concurrency(&self) -> usize {
        CONCURRENCY
    }

    async fn prepare(&self, hub: &Arc<Hub>, job: &JobRow) -> Result<bool, Halt> {
        if listing_complete(job) {
            return Ok(true);
        }
        let offset = job.params[LISTED].as_i64().unwrap_or(0);
        let upstream = &hub.upstream;
        let page = hub
            .tokens
            .with_component(|ct| async move { upstream.authorizer_list(&ct, offset, PAGE).await })
            .await
            .map_err(|e| halt("api_get_authorizer_list", &e))?;
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
        // Sealed and on disk before anything can use them (§1.5).
        hub.tokens
            .store_refresh_tokens(refresh_tokens)
            .await
            .map_err(|e| halt("refresh tokens", &e))?;
        let count = page.list.len() as i64;
        let listed = offset + count;
        let complete = count == 0 || listed >= page.total_count;
        let params = with_key(
            &with_key(&job.params, LISTED, listed.into()),
            LISTING_COMPLETE,
            complete.into(),
        );
        let now = now_secs();
        let accounts: Vec<(String, i64)> = page
            .list
            .into_iter()
            .map(|i| (i.authorizer_appid, i.auth_time.unwrap_or(now)))
            .collect();
        let id = job.id;
        hub.store
            .write(move |conn| {
                for (appid, auth_time) in &accounts {
                    queries::record_listed(conn, appid, *auth_time)?;
                }
                // Paused or cancelled while the page was on its way: no new items; a resumed job reads it again.
                if rows::job(conn, id)?.is_none_or(|job| job.state != JobState::Running) {
                    return Ok(());
                }
                let appids: Vec<String> = accounts.into_iter().map(|(appid, _)| appid).collect();
                rows::insert_items(conn, id, &appids, 0, STEP, now)?;
                rows::set_job_params(conn, id, &params, now)
            })
            .await
            .map_err(|e| halt("listing page", &TokenError::Store(e)))?;
        Ok(complete)
    }

    async fn step(&self, hub: &Arc<Hub>, _job: &JobRow, item: &ItemRow) -> Step {
        match authorize::fetch_info(hub, &item.appid).await {
            Ok(info) => Step {
                outcome: Outcome::Finished {
                    state: ItemState::Done,
                    error: None,
                },
                write: Some(Box::new(move |conn| {
                    queries::update_authorizer_info(conn, &info, now_secs())
                })),
            },
            Err(error) => failed(&item.appid, item.attempts, error),
        }
    }

    async fn finish(&self, hub: &Arc<Hub>, job: &JobRow) -> Result<(), Halt> {
        if !listing_complete(job) {
            return Ok(());
        }
        revoke_unlisted(hub, job)
            .await
            .map_err(|e| halt("revoking accounts no longer listed", &e))?;
        // Every mini program's latest audit is read once (DESIGN.md, "Audits"): an audit submitted or ended while
        // the hub was not told (another tool, a lost push) shows up.
        super::super::audits::poll_all_after_sync(hub).await;
        Ok(())
    }
}

/// What an info call's failure does to its item: a transient one is tried again later, a platform refusal fails
/// the item with its errcode, and one that no item can get past (no ticket yet, the store) halts the job.
fn failed(appid: &str, attempts: i64, error: TokenError) -> Step {
    let step_error = StepError {
        errcode: error.errcode(),
        message: error.to_string(),
    };
    let outcome = match &error {
        TokenError::NoTicket | TokenError::Store(_) | TokenError::Seal(_) => {
            Outcome::Halt(halt("api_get_authorizer_info", &error))
        }
        TokenError::Upstream(e) if undecided(e) && attempts < MAX_ATTEMPTS => Outcome::Later {
            state: ItemState::Pending,
            step: STEP.to_owned(),
            next_at: now_secs() + (1 << attempts.clamp(0, 6)),
            error: Some(step_error),
        },
        _ => {
            tracing::warn!(%appid, %error, "authorizer info not synced");
            Outcome::Finished {
                state: ItemState::Failed,
                error: Some(step_error),
            }
        }
    };
    Step { outcome, write: None }
}

fn halt(context: &str, error: &TokenError) -> Halt {
    Halt(format!("{context}: {error}"))
}

/// Marks revoked every account stored as authorized before the job began that its complete listing did not name.
async fn revoke_unlisted(hub: &Arc<Hub>, job: &JobRow) -> Result<usize, TokenError> {
    let (id, before) = (job.id, job.created_at);
    let gone = hub
        .store
        .read(move |conn| rows::authorized_without_item(conn, id, before))
        .await?;
    for appid in &gone {
        hub.tokens.forget_authorizer(appid);
    }
    let count = gone.len();
    let at = now_secs();
    hub.store
        .write(move |conn| {
            gone.iter()
                .try_for_each(|appid| queries::revoke_authorizer(conn, appid, at))
        })
        .await?;
    if count > 0 {
        tracing::info!(job = id, count, "accounts no longer listed marked revoked");
    }
    Ok(count)
}
