//! Audits (DESIGN.md, "Audits"): every mini program's latest audit in the `audits` table, fed by the audit pushes
//! (intake), by deployments, by relayed `submit_audit` / `undocodeaudit` / `release`, and reconciled by polling
//! `get_latest_auditstatus` (`keeper`); rejection screenshots fetched with the mini program's own token.
//!
//! Every source is an [`Observation`]; [`merge`] decides what the row becomes, so a push and a poll never fight:
//! a newer auditid replaces the row, an older one never does, and for the same audit a status only moves forward
//! (auditing → delayed → approved / rejected / withdrawn → released). A push carries no auditid (§4.3): it is taken
//! to be about the audit the row has running, or, when the row's audit has already ended differently, about a newer
//! audit whose id the next poll learns (`floor_auditid` keeps a stale poll answer from standing in for it).

mod keeper;

use std::sync::Arc;

use rusqlite::Connection;

use super::store::StoreError;
use super::store::audits::{self as rows, AuditRow};
use super::{Hub, now_secs};
use crate::hubapi::{AuditSource, AuditStatus, HubEventKind, split_reason};

pub use keeper::{Keeper, run};

/// What one source saw of a mini program's audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    pub source: AuditSource,
    pub seen: Seen,
    /// Unix seconds: when it was seen (a push: its own time).
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// One audit whose id is known: a `submit_audit` answer (§6.5), `get_latest_auditstatus` (§6.7) or
    /// `get_auditstatus` (§6.6).
    Audit {
        auditid: i64,
        status: AuditStatus,
        user_version: Option<String>,
        user_desc: Option<String>,
        submitted_at: Option<i64>,
        reason: Option<String>,
        screenshots: Vec<String>,
    },
    /// An audit result push (§4.3): approved, rejected or delayed, without the auditid.
    Pushed {
        status: AuditStatus,
        reason: Option<String>,
        screenshots: Vec<String>,
    },
    /// `undocodeaudit` answered ok (§6.8): the running audit was withdrawn.
    Withdrawn,
    /// `release` answered ok (§6.9) for the approved version (of this audit, when the caller knows it).
    Released { auditid: Option<i64> },
    /// `grayrelease` answered ok (§6.11): the approved version reaches this percentage of users.
    Gray { percentage: i64 },
    /// `revertgrayrelease` answered ok (§6.11): users on the gray version fall back; the version stays approved.
    GrayReverted,
}

/// Order of a status within one audit: a status never moves back.
fn rank(status: AuditStatus) -> u8 {
    match status {
        AuditStatus::Auditing => 0,
        AuditStatus::Delayed => 1,
        AuditStatus::Approved | AuditStatus::Rejected | AuditStatus::Withdrawn => 2,
        AuditStatus::Released => 3,
    }
}

fn resolved_at(status: AuditStatus, at: i64) -> Option<i64> {
    (!status.is_pending()).then_some(at)
}

/// What the row of `appid` becomes after `observation`; `None` when it does not change.
pub fn merge(current: Option<&AuditRow>, appid: &str, observation: &Observation) -> Option<AuditRow> {
    let at = observation.at;
    let next = match (&observation.seen, current) {
        (seen @ Seen::Audit { auditid, .. }, current) => match current {
            None => fresh(appid, seen, at),
            Some(row) => match row.auditid {
                Some(known) if *auditid > known => fresh(appid, seen, at),
                Some(known) if *auditid < known => return None,
                Some(_) => same_audit(row, seen, at),
                // A push told of an audit newer than `floor`: an answer about the floor or older is stale.
                None if row.floor_auditid.is_some_and(|floor| *auditid <= floor) => return None,
                None => same_audit(row, seen, at),
            },
        },
        (seen @ Seen::Pushed { status, .. }, current) => match current {
            Some(row) if row.status.is_pending() || same_outcome(row.status, *status) => same_audit(row, seen, at),
            Some(row) => AuditRow {
                floor_auditid: row.auditid.or(row.floor_auditid),
                ..fresh(appid, seen, at)
            },
            None => fresh(appid, seen, at),
        },
        (Seen::Withdrawn, Some(row)) if row.status.is_pending() => AuditRow {
            status: AuditStatus::Withdrawn,
            resolved_at: Some(at),
            ..row.clone()
        },
        (Seen::Released { auditid }, Some(row))
            if row.status == AuditStatus::Approved && auditid.is_none_or(|id| row.auditid.is_none_or(|r| r == id)) =>
        {
            AuditRow {
                status: AuditStatus::Released,
                resolved_at: row.resolved_at.or(Some(at)),
                gray_percentage: None,
                ..row.clone()
            }
        }
        (Seen::Gray { percentage }, Some(row)) if row.status == AuditStatus::Approved => AuditRow {
            gray_percentage: Some(*percentage),
            ..row.clone()
        },
        (Seen::GrayReverted, Some(row)) if row.gray_percentage.is_some() => AuditRow {
            gray_percentage: None,
            ..row.clone()
        },
        (Seen::Withdrawn | Seen::Released { .. } | Seen::Gray { .. } | Seen::GrayReverted, _) => return None,
    };
    let unchanged = current.is_some_and(|row| {
        AuditRow {
            source: next.source,
            updated_at: next.updated_at,
            ..row.clone()
        } == next
    });
    (!unchanged).then_some(AuditRow {
        source: observation.source,
        updated_at: at,
        ..next
    })
}

/// A push's outcome that a row which already ended this way is about: the same audit, told again or late.
fn same_outcome(row: AuditStatus, pushed: AuditStatus) -> bool {
    matches!(
        (row, pushed),
        (AuditStatus::Approved | AuditStatus::Released, AuditStatus::Approved)
            | (AuditStatus::Rejected, AuditStatus::Rejected)
    )
}

/// A new row: the observation's audit replaces whatever the row held.
fn fresh(appid: &str, seen: &Seen, at: i64) -> AuditRow {
    let empty = AuditRow {
        appid: appid.to_owned(),
        auditid: None,
        floor_auditid: None,
        user_version: None,
        user_desc: None,
        status: AuditStatus::Auditing,
        submitted_at: None,
        resolved_at: None,
        reasons: Vec::new(),
        screenshots: Vec::new(),
        source: AuditSource::Poll,
        updated_at: at,
        gray_percentage: None,
    };
    same_audit(&empty, seen, at)
}

/// The row's own audit, as the observation adds to it: ids and versions filled in, a status only forward.
fn same_audit(row: &AuditRow, seen: &Seen, at: i64) -> AuditRow {
    let mut next = row.clone();
    let (status, reason, screenshots) = match seen {
        Seen::Audit {
            auditid,
            status,
            user_version,
            user_desc,
            submitted_at,
            reason,
            screenshots,
        } => {
            next.auditid = Some(*auditid);
            next.floor_auditid = None;
            next.user_version = user_version.clone().or(next.user_version);
            next.user_desc = user_desc.clone().or(next.user_desc);
            next.submitted_at = submitted_at.or(next.submitted_at);
            (*status, reason, screenshots)
        }
        Seen::Pushed {
            status,
            reason,
            screenshots,
        } => (*status, reason, screenshots),
        Seen::Withdrawn | Seen::Released { .. } | Seen::Gray { .. } | Seen::GrayReverted => return next,
    };
    if rank(status) > rank(row.status) {
        next.status = status;
        next.gray_percentage = None;
        next.resolved_at = resolved_at(status, at);
        next.reasons = reason.as_deref().map(split_reason).unwrap_or_default();
        next.screenshots = screenshots.clone();
    } else if status == row.status {
        // The same news again (a poll after the push): fill what the first one lacked.
        if next.reasons.is_empty() {
            next.reasons = reason.as_deref().map(split_reason).unwrap_or_default();
        }
        if next.screenshots.is_empty() {
            next.screenshots = screenshots.clone();
        }
    }
    next
}

/// When the keeper should look at a row again, as the observation's source leaves it.
#[derive(Debug, Clone, Copy)]
pub struct PollTiming {
    /// The row lacks its auditid or version: look soon.
    pub soon_at: i64,
    /// The audit is running: look after the first backoff.
    pub later_at: i64,
}

/// Merges `observation` into the row of `appid` inside the caller's transaction: writes the row, queues a
/// rejection's screenshots, schedules the poll a row still needs (except for the keeper's own polls, which
/// schedule themselves) and appends `audit_updated`. Answers the event's seq when the row changed.
pub fn apply(
    conn: &Connection,
    appid: &str,
    observation: &Observation,
    timing: PollTiming,
) -> Result<Option<i64>, StoreError> {
    if observation.seen == Seen::Withdrawn {
        rows::note_withdrawal(conn, appid, observation.at)?;
    }
    let current = rows::audit(conn, appid)?;
    let Some(next) = merge(current.as_ref(), appid, observation) else {
        return Ok(None);
    };
    rows::put_audit(conn, &next)?;
    if next.status == AuditStatus::Rejected && !next.screenshots.is_empty() {
        rows::queue_screenshots(conn, appid, &next.screenshots, observation.at)?;
    }
    if !matches!(observation.source, AuditSource::Poll | AuditSource::Sync) {
        if next.auditid.is_none() || next.user_version.is_none() {
            rows::schedule_poll(conn, appid, observation.source, timing.soon_at)?;
        } else if next.status.is_pending() {
            rows::schedule_poll(conn, appid, observation.source, timing.later_at)?;
        }
    }
    updated_event(conn, appid, observation.at).map(Some)
}

/// Appends `audit_updated` with the row as consoles see it.
pub fn updated_event(conn: &Connection, appid: &str, at: i64) -> Result<i64, StoreError> {
    let audit = rows::api_audit(conn, appid)?
        .ok_or_else(|| StoreError::Db(format!("audit row of {appid} vanished in its own transaction")))?;
    super::store::queries::append_event(conn, at, &HubEventKind::AuditUpdated(audit))
}

/// The poll timing of this hub (`JobsConfig::recheck_secs`: polled after 3× it, doubling, as deployments do).
pub fn timing(hub: &Hub, now: i64) -> PollTiming {
    let base = keeper::base_secs(hub);
    PollTiming {
        soon_at: now + 1,
        later_at: now + 3 * base,
    }
}

/// Records what a deployment or a relayed call saw, in its own transaction; consoles hear of a change. A failure
/// is logged: the table is reconciled by the polls anyway.
pub async fn record(hub: &Arc<Hub>, appid: &str, source: AuditSource, seen: Seen) {
    let now = now_secs();
    let observation = Observation { source, seen, at: now };
    let timing = timing(hub, now);
    let owned = appid.to_owned();
    match hub
        .store
        .write(move |conn| apply(conn, &owned, &observation, timing))
        .await
    {
        Ok(Some(seq)) => {
            hub.events.committed(seq);
            hub.audits.wake();
        }
        Ok(None) => {}
        Err(error) => tracing::warn!(%appid, %error, "audit not recorded; the next poll reconciles it"),
    }
}

/// After an authorizer sync: every mini program that may have code is polled once (source `sync`).
pub async fn poll_all_after_sync(hub: &Arc<Hub>) {
    let now = now_secs();
    match hub.store.write(move |conn| rows::schedule_sync_polls(conn, now)).await {
        Ok(count) => {
            tracing::info!(count, "every mini program's latest audit is read after the sync");
            hub.audits.wake();
        }
        Err(error) => tracing::warn!(%error, "audit polls after the sync not scheduled"),
    }
}

#[cfg(test)]
mod tests;
