//! The audit keeper: one background task that works the durable schedules of `audit_polls` (read
//! `get_latest_auditstatus`, §6.7, for audits no push has ended yet and once per mini program after a sync) and of
//! `audit_screenshots` (fetch each rejection screenshot with `get_material` and the rejected mini program's own
//! token, §6.7). Both are reads, so a hub killed at any instant simply does the due ones again when it starts; the
//! schedule lives in SQLite, not in this task. It sleeps until the earliest due row, or until woken by a push or a
//! new row.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::Notify;

use super::super::store::audits::{self as rows, DuePoll, DueScreenshot};
use super::super::tokens::TokenError;
use super::super::{Hub, now_secs};
use super::{Observation, Seen, apply, timing, updated_event};
use crate::hubapi::{AuditQuota, AuditSource, AuditStatus};
use crate::wechat::api::Empty;
use crate::wechat::api::code::{GetLatestAuditStatus, GetVersionInfo};
use crate::wechat::api::media::{GetMaterial, MaterialRequest};

/// Polls and fetches worked at once; each is one or two short reads.
const CONCURRENCY: usize = 8;
/// Due rows read per round.
const BATCH: i64 = 64;
/// Polls back off up to half an hour, as a deployment's audit step does.
const POLL_MAX_SECS: i64 = 1800;
/// Screenshot fetches back off up to an hour and give up after this many tries (how long the platform keeps the
/// media is [UNCONFIRMED], §6.7: a screenshot still missing after a day of tries is reported missing for good).
const SCREENSHOT_MAX_SECS: i64 = 3600;
const SCREENSHOT_MAX_ATTEMPTS: i64 = 10;
/// The longest the keeper sleeps with nothing due; a wake-up cuts it short.
const IDLE: Duration = Duration::from_secs(60);

/// The keeper's wake-up, shared through `Hub`, and the audit quota last read.
#[derive(Default)]
pub struct Keeper {
    wake: Notify,
    quota: std::sync::Mutex<Option<AuditQuota>>,
}

impl Keeper {
    /// The quota as `queryquota` last answered (§6.13), for `GET /api/v1/status`.
    pub fn quota_read(&self, quota: AuditQuota) {
        if let Ok(mut last) = self.quota.lock() {
            *last = Some(quota);
        }
    }

    pub fn last_quota(&self) -> Option<AuditQuota> {
        self.quota.lock().ok().and_then(|last| *last)
    }

    /// Something new may be due (a push, a submit, a sync): look now rather than at the next scheduled moment.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// The base interval: `JobsConfig::recheck_secs`, the one knob for how often the hub looks at platform work.
pub fn base_secs(hub: &Hub) -> i64 {
    i64::try_from(hub.jobs.config.recheck_secs.max(1)).unwrap_or(20)
}

/// The wait before poll number `polls + 1` of a running audit: 3× base, doubling, capped.
fn poll_backoff(base: i64, polls: i64) -> i64 {
    ((3 * base) << (polls - 1).clamp(0, 10)).min(POLL_MAX_SECS)
}

/// The wait after `attempts` failed fetches of a screenshot: 2× base, doubling, capped.
fn screenshot_backoff(base: i64, attempts: i64) -> i64 {
    (base << attempts.clamp(1, 12)).min(SCREENSHOT_MAX_SECS)
}

/// Runs until the hub stops.
pub async fn run(hub: Arc<Hub>) {
    let mut stop = hub.stop.clone();
    loop {
        if *stop.borrow() {
            return;
        }
        let worked = round(&hub).await;
        let wait = match hub.store.read(rows::next_due).await {
            Ok(Some(at)) => {
                let secs = at - now_secs();
                match secs {
                    // Due now but nothing could be done this round (the store failed): do not spin.
                    ..=0 if !worked => Duration::from_secs(1),
                    ..=0 => Duration::ZERO,
                    secs => Duration::from_secs(secs.unsigned_abs()).min(IDLE),
                }
            }
            Ok(None) => IDLE,
            Err(error) => {
                tracing::warn!(%error, "audit schedule not read");
                Duration::from_secs(1)
            }
        };
        if wait.is_zero() {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = hub.audits.wake.notified() => {}
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
    }
}

/// Works every poll and fetch due now; `true` when there was any.
async fn round(hub: &Arc<Hub>) -> bool {
    let now = now_secs();
    let due = hub
        .store
        .read(move |conn| {
            Ok((
                rows::due_polls(conn, now, BATCH)?,
                rows::due_screenshots(conn, now, BATCH)?,
            ))
        })
        .await;
    let (polls, screenshots) = match due {
        Ok(due) => due,
        Err(error) => {
            tracing::warn!(%error, "due audit work not read");
            return false;
        }
    };
    if polls.is_empty() && screenshots.is_empty() {
        return false;
    }
    let polls = futures_util::stream::iter(polls).map(|due| poll(hub, due));
    polls.buffer_unordered(CONCURRENCY).collect::<Vec<()>>().await;
    let fetches = futures_util::stream::iter(screenshots).map(|due| fetch(hub, due));
    fetches.buffer_unordered(CONCURRENCY).collect::<Vec<()>>().await;
    true
}

/// One `get_latest_auditstatus` of one mini program, with its own token (§6.7).
async fn poll(hub: &Arc<Hub>, due: DuePoll) {
    // Paced with the jobs: after the sync of a large platform every mini program is polled at once.
    hub.jobs.pace().await;
    let upstream = &hub.upstream;
    let answer = hub
        .tokens
        .with_authorizer(&due.appid, |token| async move {
            upstream.call::<GetLatestAuditStatus>(&token, &Empty {}).await
        })
        .await;
    let now = now_secs();
    let polls = due.attempts + 1;
    let next_at = now + poll_backoff(base_secs(hub), polls);
    let appid = due.appid.clone();
    let latest = match answer {
        Ok(latest) => latest,
        // §6.7: never submitted; there is no audit to keep.
        Err(TokenError::Upstream(error)) if error.errcode() == Some(85058) => return forget(hub, &appid).await,
        Err(TokenError::NotAuthorized(_)) => return forget(hub, &appid).await,
        // A definite refusal (61007 without set 18, 61003 revoked…): polling again would be refused again.
        Err(TokenError::Upstream(error)) if error.errcode().is_some_and(|code| code != -1) => {
            tracing::info!(%appid, %error, "latest audit not readable; not polled again");
            return forget(hub, &appid).await;
        }
        Err(error) => {
            let message = error.to_string();
            let write = hub
                .store
                .write(move |conn| rows::repoll(conn, &appid, next_at, polls, Some(&message)))
                .await;
            if let Err(error) = write {
                tracing::warn!(%error, "audit poll not rescheduled");
            }
            return;
        }
    };
    let Some(mut status) = AuditStatus::from_wechat(latest.status) else {
        tracing::warn!(%appid, status = latest.status, "unknown audit status; polled again later");
        let write = hub
            .store
            .write(move |conn| rows::repoll(conn, &appid, next_at, polls, Some("unknown audit status")))
            .await;
        if let Err(error) = write {
            tracing::warn!(%error, "audit poll not rescheduled");
        }
        return;
    };
    // §6.7 keeps saying 0 (approved) after the release (§6.9): `getversioninfo` (§6.14) tells them apart.
    if status == AuditStatus::Approved && released(hub, &appid, &latest.user_version).await {
        status = AuditStatus::Released;
    }
    let source = match due.source {
        AuditSource::Sync => AuditSource::Sync,
        _ => AuditSource::Poll,
    };
    let observation = Observation {
        source,
        seen: Seen::Audit {
            auditid: latest.auditid.0 as i64,
            status,
            user_version: Some(latest.user_version.clone()).filter(|v| !v.is_empty()),
            user_desc: Some(latest.user_desc.clone()).filter(|d| !d.is_empty()),
            submitted_at: Some(latest.submit_audit_time).filter(|t| *t > 0),
            reason: latest.reason.clone().filter(|r| !r.is_empty()),
            screenshots: latest.screenshots(),
        },
        at: now,
    };
    let timing = timing(hub, now);
    let write = hub
        .store
        .write(move |conn| {
            let seq = apply(conn, &appid, &observation, timing)?;
            let row = rows::audit(conn, &appid)?;
            match row {
                Some(row) if row.status.is_pending() || row.auditid.is_none() => {
                    rows::repoll(conn, &appid, next_at, polls, None)?
                }
                _ => rows::drop_poll(conn, &appid)?,
            }
            Ok(seq)
        })
        .await;
    settle(hub, write);
}

/// Whether the mini program's online version is `user_version`.
async fn released(hub: &Arc<Hub>, appid: &str, user_version: &str) -> bool {
    hub.jobs.pace().await;
    let upstream = &hub.upstream;
    let versions = hub
        .tokens
        .with_authorizer(appid, |token| async move {
            upstream.call::<GetVersionInfo>(&token, &Empty {}).await
        })
        .await;
    versions.is_ok_and(|versions| {
        versions
            .release_info
            .is_some_and(|release| !user_version.is_empty() && release.release_version == user_version)
    })
}

async fn forget(hub: &Arc<Hub>, appid: &str) {
    let owned = appid.to_owned();
    if let Err(error) = hub.store.write(move |conn| rows::drop_poll(conn, &owned)).await {
        tracing::warn!(%appid, %error, "audit poll not dropped");
    }
}

/// One screenshot, with the rejected mini program's own token: another account's token answers `40007` (§6.7).
async fn fetch(hub: &Arc<Hub>, due: DueScreenshot) {
    hub.jobs.pace().await;
    let upstream = &hub.upstream;
    let request = MaterialRequest {
        media_id: due.media_id.clone(),
    };
    let request = &request;
    let answer = hub
        .tokens
        .with_authorizer(&due.appid, |token| async move {
            upstream.call::<GetMaterial>(&token, request).await
        })
        .await;
    let now = now_secs();
    let attempts = due.attempts + 1;
    let base = base_secs(hub);
    let DueScreenshot { appid, media_id, .. } = due;
    let write = hub
        .store
        .write(move |conn| {
            match &answer {
                Ok(media) => rows::store_screenshot(conn, &appid, &media_id, &media.content_type, &media.bytes, now)?,
                Err(error) => {
                    let next_at =
                        (attempts < SCREENSHOT_MAX_ATTEMPTS).then(|| now + screenshot_backoff(base, attempts));
                    tracing::info!(%appid, %media_id, attempts, %error, "audit screenshot not fetched");
                    rows::screenshot_failed(conn, &appid, &media_id, next_at, &error.to_string())?;
                }
            }
            match rows::audit(conn, &appid)? {
                Some(_) => updated_event(conn, &appid, now).map(Some),
                None => Ok(None),
            }
        })
        .await;
    settle(hub, write);
}

/// After a write: consoles hear of the change, or the failure is logged (the row is due again).
fn settle(hub: &Hub, write: Result<Option<i64>, super::super::StoreError>) {
    match write {
        Ok(Some(seq)) => hub.events.committed(seq),
        Ok(None) => {}
        Err(error) => tracing::warn!(%error, "audit work not stored; it is due again"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_and_fetches_back_off_and_stay_capped() {
        assert_eq!(poll_backoff(20, 1), 60);
        assert_eq!(poll_backoff(20, 2), 120);
        assert_eq!(poll_backoff(20, 30), POLL_MAX_SECS);
        assert_eq!(screenshot_backoff(1, 1), 2);
        assert_eq!(screenshot_backoff(1, 2), 4);
        assert_eq!(screenshot_backoff(20, 12), SCREENSHOT_MAX_SECS);
    }
}
