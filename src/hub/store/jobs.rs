//! The SQL of the hub's durable jobs: a `jobs` row per job and a `job_items` row per merchant of it.
//!
//! One small function per statement, as in `queries`. Which transitions are allowed is the runner's business
//! (`hub::jobs`); these functions only read and write rows, some of them conditionally on an item's state so that
//! a late answer cannot overwrite what an operator decided meanwhile.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use crate::hubapi::{ItemState, JobCounts, JobId, JobItem, JobKind, JobState};

type Result<T> = std::result::Result<T, StoreError>;

/// The most jobs a listing returns, newest first; older ones stay in the database.
pub const LIST_LIMIT: i64 = 200;

/// A job as stored: `params` is the job kind's own JSON (how far a listing got, a deployment's plan…).
#[derive(Debug, Clone, PartialEq)]
pub struct JobRow {
    pub id: JobId,
    pub kind: JobKind,
    pub state: JobState,
    pub reason: Option<String>,
    pub params: serde_json::Value,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An item as the runner works it: the API's fields plus its attempts, next time and the kind's own data.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemRow {
    pub appid: String,
    pub wave: i64,
    pub step: String,
    pub state: ItemState,
    pub attempts: i64,
    pub next_at: Option<i64>,
    pub errcode: Option<i64>,
    pub message: Option<String>,
    pub auditid: Option<i64>,
    pub data: serde_json::Value,
    pub updated_at: i64,
}

impl ItemRow {
    pub fn to_api(&self) -> JobItem {
        JobItem {
            appid: self.appid.clone(),
            wave: self.wave,
            step: self.step.clone(),
            state: self.state,
            errcode: self.errcode,
            message: self.message.clone(),
            auditid: self.auditid,
            // Kept in the data by the kind; a retried item has no message, and its old reason no longer holds.
            reason: self
                .message
                .as_ref()
                .and(self.data["reason"].as_str())
                .map(str::to_owned),
            updated_at: self.updated_at,
        }
    }
}

/// Where an item goes after a step: its state, the step it is at, when it may run again and why it stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemUpdate<'a> {
    pub state: ItemState,
    pub step: &'a str,
    pub next_at: Option<i64>,
    pub errcode: Option<i64>,
    pub message: Option<&'a str>,
}

/// States an item is still being worked in; an item in any other state is finished (or cancelled).
const UNFINISHED: &str = "('pending', 'in_progress', 'waiting_audit')";

fn json_text(value: &serde_json::Value) -> String {
    value.to_string()
}

fn json_value(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or(serde_json::Value::Null)
}

/// A state name that is not one this build knows: the row was written by a newer hub.
fn unknown(what: &str, text: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("unknown {what} {text:?}; upgrade wxdesk").into(),
    )
}

const JOB_COLUMNS: &str = "id, kind, state, reason, params, created_by, created_at, updated_at";

fn job_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<JobRow> {
    let kind: String = row.get(1)?;
    let state: String = row.get(2)?;
    let params: String = row.get(4)?;
    Ok(JobRow {
        id: row.get(0)?,
        kind: JobKind::parse(&kind).unwrap_or(JobKind::Other),
        state: JobState::parse(&state).ok_or_else(|| unknown("job state", &state))?,
        reason: row.get(3)?,
        params: json_value(&params),
        created_by: row.get(5)?,
        created_at: row.get(6)?,
        updated_at: row.get(7)?,
    })
}

const ITEM_COLUMNS: &str = "appid, wave, step, state, attempts, next_at, errcode, message, auditid, data, updated_at";

fn item_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ItemRow> {
    let state: String = row.get(3)?;
    let data: String = row.get(9)?;
    Ok(ItemRow {
        appid: row.get(0)?,
        wave: row.get(1)?,
        step: row.get(2)?,
        state: ItemState::parse(&state).ok_or_else(|| unknown("item state", &state))?,
        attempts: row.get(4)?,
        next_at: row.get(5)?,
        errcode: row.get(6)?,
        message: row.get(7)?,
        auditid: row.get(8)?,
        data: json_value(&data),
        updated_at: row.get(10)?,
    })
}

/// Creates a job in `running`; returns its id.
pub fn insert_job(
    conn: &Connection,
    kind: JobKind,
    params: &serde_json::Value,
    created_by: &str,
    at: i64,
) -> Result<JobId> {
    conn.execute(
        "INSERT INTO jobs (kind, state, params, created_by, created_at, updated_at) VALUES (?1, 'running', ?2, ?3, ?4, ?4)",
        params![kind.as_str(), json_text(params), created_by, at],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Creates a job in `running` and returns it as stored.
pub fn create_job(
    conn: &Connection,
    kind: JobKind,
    params: serde_json::Value,
    created_by: String,
    at: i64,
) -> Result<JobRow> {
    let id = insert_job(conn, kind, &params, &created_by, at)?;
    Ok(JobRow {
        id,
        kind,
        state: JobState::Running,
        reason: None,
        params,
        created_by,
        created_at: at,
        updated_at: at,
    })
}

pub fn job(conn: &Connection, id: JobId) -> Result<Option<JobRow>> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1");
    Ok(conn.query_row(&sql, params![id], job_row).optional()?)
}

/// Jobs of a kind and in a state (either may be left open), newest first, at most `LIST_LIMIT`.
pub fn list_jobs(conn: &Connection, kind: Option<JobKind>, state: Option<JobState>) -> Result<Vec<JobRow>> {
    let sql = format!(
        "SELECT {JOB_COLUMNS} FROM jobs WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR state = ?2)
         ORDER BY id DESC LIMIT ?3"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![kind.map(JobKind::as_str), state.map(JobState::as_str), LIST_LIMIT],
        job_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The newest job of `kind` that is neither completed nor cancelled.
pub fn unfinished_job(conn: &Connection, kind: JobKind) -> Result<Option<JobRow>> {
    let sql = format!(
        "SELECT {JOB_COLUMNS} FROM jobs WHERE kind = ?1 AND state NOT IN ('completed', 'cancelled')
         ORDER BY id DESC LIMIT 1"
    );
    Ok(conn.query_row(&sql, params![kind.as_str()], job_row).optional()?)
}

/// Every job in `state`, oldest first.
pub fn jobs_in_state(conn: &Connection, state: JobState) -> Result<Vec<JobRow>> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE state = ?1 ORDER BY id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![state.as_str()], job_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Sets a job's state and reason.
pub fn set_job_state(conn: &Connection, id: JobId, state: JobState, reason: Option<&str>, at: i64) -> Result<()> {
    conn.execute(
        "UPDATE jobs SET state = ?2, reason = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, state.as_str(), reason, at],
    )?;
    Ok(())
}

pub fn set_job_params(conn: &Connection, id: JobId, params: &serde_json::Value, at: i64) -> Result<()> {
    conn.execute(
        "UPDATE jobs SET params = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, json_text(params), at],
    )?;
    Ok(())
}

/// Adds one pending item per appid at `step` of `wave`; an appid the job already has is left as it is (a listing
/// page read again after a restart). Returns how many were new.
pub fn insert_items(conn: &Connection, id: JobId, appids: &[String], wave: i64, step: &str, at: i64) -> Result<usize> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO job_items (job_id, appid, wave, step, state, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'pending', ?5)",
    )?;
    let mut inserted = 0;
    for appid in appids {
        inserted += stmt.execute(params![id, appid, wave, step, at])?;
    }
    Ok(inserted)
}

/// Takes up to `limit` items that are due (pending or waiting, `next_at` passed) in waves up to `open_wave`, marks
/// them `in_progress` with one more attempt, and returns them, lowest wave first.
pub fn claim_items(conn: &Connection, id: JobId, open_wave: i64, now: i64, limit: i64) -> Result<Vec<ItemRow>> {
    let sql = format!(
        "UPDATE job_items SET state = 'in_progress', attempts = attempts + 1, updated_at = ?3
         WHERE job_id = ?1 AND appid IN (
             SELECT appid FROM job_items
             WHERE job_id = ?1 AND state IN ('pending', 'waiting_audit') AND wave <= ?2
               AND (next_at IS NULL OR next_at <= ?3)
             ORDER BY wave, next_at, appid LIMIT ?4)
         RETURNING {ITEM_COLUMNS}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![id, open_wave, now, limit], item_row)?;
    let mut items: Vec<ItemRow> = rows.collect::<rusqlite::Result<_>>()?;
    items.sort_by(|a, b| (a.wave, &a.appid).cmp(&(b.wave, &b.appid)));
    Ok(items)
}

/// Records a step's outcome for an item still `in_progress`; `false` when it is not (an operator cancelled the
/// job meanwhile), and then nothing changes.
pub fn update_item(conn: &Connection, id: JobId, appid: &str, update: &ItemUpdate<'_>, at: i64) -> Result<bool> {
    let mut stmt = conn.prepare_cached(
        "UPDATE job_items SET state = ?3, step = ?4, next_at = ?5, errcode = ?6, message = ?7, updated_at = ?8
         WHERE job_id = ?1 AND appid = ?2 AND state = 'in_progress'",
    )?;
    let changed = stmt.execute(params![
        id,
        appid,
        update.state.as_str(),
        update.step,
        update.next_at,
        update.errcode,
        update.message,
        at
    ])?;
    Ok(changed == 1)
}

/// Replaces the kind's own data of an item (what its steps learned), in the transaction of a step's outcome.
pub fn set_item_data(conn: &Connection, id: JobId, appid: &str, data: &serde_json::Value) -> Result<()> {
    conn.prepare_cached("UPDATE job_items SET data = ?3 WHERE job_id = ?1 AND appid = ?2")?
        .execute(params![id, appid, json_text(data)])?;
    Ok(())
}

/// Records the audit WeChat started for an item (§6.5).
pub fn set_item_auditid(conn: &Connection, id: JobId, appid: &str, auditid: i64) -> Result<()> {
    conn.prepare_cached("UPDATE job_items SET auditid = ?3 WHERE job_id = ?1 AND appid = ?2")?
        .execute(params![id, appid, auditid])?;
    Ok(())
}

/// An audit result arrived for `appid`: its items waiting for an audit in running jobs are due now. Returns the
/// jobs touched.
pub fn audit_arrived(conn: &Connection, appid: &str, now: i64) -> Result<Vec<JobId>> {
    let mut stmt = conn.prepare_cached(
        "UPDATE job_items SET next_at = ?2
         WHERE appid = ?1 AND state = 'waiting_audit'
           AND job_id IN (SELECT id FROM jobs WHERE state IN ('running', 'waiting_approval', 'paused', 'halted'))
         RETURNING job_id",
    )?;
    let rows = stmt.query_map(params![appid, now], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The appid of the authorizer whose original id (`gh_…`) this is.
pub fn appid_of_user_name(conn: &Connection, user_name: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT appid FROM authorizers WHERE user_name = ?1",
            params![user_name],
            |row| row.get(0),
        )
        .optional()?)
}

/// Puts claimed items whose step never started back to pending, without counting the attempt.
pub fn release_items(conn: &Connection, id: JobId, appids: &[String], at: i64) -> Result<usize> {
    let mut stmt = conn.prepare_cached(
        "UPDATE job_items SET state = 'pending', attempts = MAX(attempts - 1, 0), updated_at = ?3
         WHERE job_id = ?1 AND appid = ?2 AND state = 'in_progress'",
    )?;
    let mut released = 0;
    for appid in appids {
        released += stmt.execute(params![id, appid, at])?;
    }
    Ok(released)
}

/// At start-up: every item a previous process left `in_progress` goes back to pending, to be checked again.
pub fn reset_in_progress(conn: &Connection, at: i64) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE job_items SET state = 'pending', updated_at = ?1 WHERE state = 'in_progress'",
        params![at],
    )?)
}

/// Cancels every unfinished item of a job; finished ones keep their outcome.
pub fn cancel_items(conn: &Connection, id: JobId, at: i64) -> Result<usize> {
    let sql = format!(
        "UPDATE job_items SET state = 'cancelled', next_at = NULL, updated_at = ?2
         WHERE job_id = ?1 AND state IN {UNFINISHED}"
    );
    Ok(conn.execute(&sql, params![id, at])?)
}

/// Failed items (every one, or those named) back to pending, their last error cleared. Returns how many.
pub fn retry_items(conn: &Connection, id: JobId, appids: Option<&[String]>, at: i64) -> Result<usize> {
    let sql = "UPDATE job_items SET state = 'pending', next_at = NULL, errcode = NULL, message = NULL, updated_at = ?3
               WHERE job_id = ?1 AND state = 'failed' AND (?2 IS NULL OR appid = ?2)";
    let mut stmt = conn.prepare_cached(sql)?;
    match appids {
        None => Ok(stmt.execute(params![id, None::<String>, at])?),
        Some(appids) => appids
            .iter()
            .try_fold(0, |sum, appid| Ok(sum + stmt.execute(params![id, appid, at])?)),
    }
}

/// Which of `appids` the job has no item for.
pub fn unknown_items(conn: &Connection, id: JobId, appids: &[String]) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM job_items WHERE job_id = ?1 AND appid = ?2")?;
    let mut unknown = Vec::new();
    for appid in appids {
        if !stmt.exists(params![id, appid])? {
            unknown.push(appid.clone());
        }
    }
    Ok(unknown)
}

/// How many items of the job are in each state.
pub fn item_counts(conn: &Connection, id: JobId) -> Result<JobCounts> {
    let mut stmt = conn.prepare_cached("SELECT state, COUNT(*) FROM job_items WHERE job_id = ?1 GROUP BY state")?;
    let mut rows = stmt.query(params![id])?;
    let mut counts = JobCounts::default();
    while let Some(row) = rows.next()? {
        let state: String = row.get(0)?;
        let state = ItemState::parse(&state).ok_or_else(|| unknown("item state", &state))?;
        counts.add(state, row.get(1)?);
    }
    Ok(counts)
}

/// Every item of the job, by wave and appid.
pub fn items(conn: &Connection, id: JobId) -> Result<Vec<ItemRow>> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM job_items WHERE job_id = ?1 ORDER BY wave, appid");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![id], item_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The lowest wave that still has unfinished items; `None` when every item is finished.
pub fn lowest_unfinished_wave(conn: &Connection, id: JobId) -> Result<Option<i64>> {
    let sql = format!("SELECT MIN(wave) FROM job_items WHERE job_id = ?1 AND state IN {UNFINISHED}");
    Ok(conn.query_row(&sql, params![id], |row| row.get(0))?)
}

/// The earliest time an item of waves up to `open_wave` may run (0 for one due at once); `None` when no item
/// there is pending or waiting.
pub fn next_due(conn: &Connection, id: JobId, open_wave: i64) -> Result<Option<i64>> {
    Ok(conn.query_row(
        "SELECT MIN(COALESCE(next_at, 0)) FROM job_items
         WHERE job_id = ?1 AND state IN ('pending', 'waiting_audit') AND wave <= ?2",
        params![id, open_wave],
        |row| row.get(0),
    )?)
}

/// Accounts stored as authorized before `before` that the job has no item for: after a complete listing
/// (wechat-api.md §1.7), the ones the platform no longer lists. Those authorized since are not judged by it.
pub fn authorized_without_item(conn: &Connection, id: JobId, before: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT appid FROM authorizers
         WHERE revoked_at IS NULL AND authorized_at < ?2
           AND appid NOT IN (SELECT appid FROM job_items WHERE job_id = ?1)
         ORDER BY appid",
    )?;
    let rows = stmt.query_map(params![id, before], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hub::store::{migrations, queries};

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations::migrate(&mut conn).unwrap();
        conn
    }

    fn appids(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    fn sync_job(conn: &Connection) -> JobId {
        insert_job(conn, JobKind::AuthorizerSync, &serde_json::json!({}), "alice", 100).unwrap()
    }

    fn done(step: &str) -> ItemUpdate<'_> {
        ItemUpdate {
            state: ItemState::Done,
            step,
            next_at: None,
            errcode: None,
            message: None,
        }
    }

    #[test]
    fn a_job_reads_back_as_written_and_lists_newest_first() {
        let conn = db();
        let first = sync_job(&conn);
        let second = insert_job(&conn, JobKind::Deployment, &serde_json::json!({"n": 1}), "bob", 200).unwrap();
        let row = job(&conn, second).unwrap().unwrap();
        assert_eq!(row.kind, JobKind::Deployment);
        assert_eq!(row.state, JobState::Running);
        assert_eq!(row.params, serde_json::json!({"n": 1}));
        assert_eq!((row.created_by.as_str(), row.created_at), ("bob", 200));
        let ids: Vec<JobId> = list_jobs(&conn, None, None).unwrap().iter().map(|j| j.id).collect();
        assert_eq!(ids, [second, first]);
        set_job_state(&conn, first, JobState::Halted, Some("no ticket"), 300).unwrap();
        let halted = list_jobs(&conn, None, Some(JobState::Halted)).unwrap();
        assert_eq!(halted.len(), 1);
        assert_eq!(halted[0].reason.as_deref(), Some("no ticket"));
        assert_eq!(list_jobs(&conn, Some(JobKind::AuthorizerSync), None).unwrap().len(), 1);
        let running: Vec<JobId> = jobs_in_state(&conn, JobState::Running)
            .unwrap()
            .iter()
            .map(|j| j.id)
            .collect();
        assert_eq!(running, [second]);
        assert!(job(&conn, 99).unwrap().is_none());
    }

    #[test]
    fn only_an_unfinished_job_of_the_kind_is_found() {
        let conn = db();
        assert!(unfinished_job(&conn, JobKind::AuthorizerSync).unwrap().is_none());
        let id = sync_job(&conn);
        assert_eq!(unfinished_job(&conn, JobKind::AuthorizerSync).unwrap().unwrap().id, id);
        assert!(unfinished_job(&conn, JobKind::Deployment).unwrap().is_none());
        set_job_state(&conn, id, JobState::Completed, None, 200).unwrap();
        assert!(unfinished_job(&conn, JobKind::AuthorizerSync).unwrap().is_none());
    }

    #[test]
    fn items_are_inserted_once_and_claimed_once() {
        let conn = db();
        let id = sync_job(&conn);
        assert_eq!(
            insert_items(&conn, id, &appids(&["wxb", "wxa"]), 0, "info", 100).unwrap(),
            2
        );
        assert_eq!(
            insert_items(&conn, id, &appids(&["wxa", "wxc"]), 0, "info", 101).unwrap(),
            1
        );
        let claimed = claim_items(&conn, id, 0, 200, 2).unwrap();
        let names: Vec<&str> = claimed.iter().map(|i| i.appid.as_str()).collect();
        assert_eq!(names, ["wxa", "wxb"]);
        assert!(
            claimed
                .iter()
                .all(|i| i.state == ItemState::InProgress && i.attempts == 1)
        );
        let rest = claim_items(&conn, id, 0, 200, 10).unwrap();
        assert_eq!(rest.len(), 1, "claimed items are not claimed again");
        let counts = item_counts(&conn, id).unwrap();
        assert_eq!((counts.total, counts.in_progress), (3, 3));
    }

    #[test]
    fn claims_respect_the_open_wave_and_next_at() {
        let conn = db();
        let id = sync_job(&conn);
        insert_items(&conn, id, &appids(&["wx0"]), 0, "commit", 100).unwrap();
        insert_items(&conn, id, &appids(&["wx1"]), 1, "commit", 100).unwrap();
        let first = claim_items(&conn, id, 0, 100, 10).unwrap();
        assert_eq!(first.len(), 1);
        let later = ItemUpdate {
            state: ItemState::WaitingAudit,
            step: "wait_audit",
            next_at: Some(500),
            errcode: None,
            message: None,
        };
        assert!(update_item(&conn, id, "wx0", &later, 100).unwrap());
        assert!(
            claim_items(&conn, id, 0, 400, 10).unwrap().is_empty(),
            "not due yet, wave 1 closed"
        );
        assert_eq!(next_due(&conn, id, 0).unwrap(), Some(500));
        assert_eq!(lowest_unfinished_wave(&conn, id).unwrap(), Some(0));
        let due = claim_items(&conn, id, 0, 500, 10).unwrap();
        assert_eq!(due[0].step, "wait_audit");
        assert_eq!(due[0].attempts, 2);
        assert!(update_item(&conn, id, "wx0", &done("release"), 600).unwrap());
        assert_eq!(lowest_unfinished_wave(&conn, id).unwrap(), Some(1));
        assert_eq!(claim_items(&conn, id, 1, 600, 10).unwrap()[0].appid, "wx1");
    }

    #[test]
    fn an_outcome_lands_only_on_an_item_in_progress() {
        let conn = db();
        let id = sync_job(&conn);
        insert_items(&conn, id, &appids(&["wxa", "wxb", "wxc"]), 0, "info", 100).unwrap();
        claim_items(&conn, id, 0, 100, 2).unwrap();
        assert_eq!(cancel_items(&conn, id, 150).unwrap(), 3);
        assert!(!update_item(&conn, id, "wxa", &done("info"), 160).unwrap());
        let counts = item_counts(&conn, id).unwrap();
        assert_eq!((counts.cancelled, counts.done), (3, 0));
        assert_eq!(lowest_unfinished_wave(&conn, id).unwrap(), None);
    }

    #[test]
    fn released_and_reset_items_are_pending_again() {
        let conn = db();
        let id = sync_job(&conn);
        insert_items(&conn, id, &appids(&["wxa", "wxb"]), 0, "info", 100).unwrap();
        claim_items(&conn, id, 0, 100, 2).unwrap();
        assert_eq!(release_items(&conn, id, &appids(&["wxa"]), 110).unwrap(), 1);
        assert_eq!(reset_in_progress(&conn, 120).unwrap(), 1);
        let items = items(&conn, id).unwrap();
        assert!(items.iter().all(|i| i.state == ItemState::Pending));
        assert_eq!(items[0].attempts, 0, "a released claim does not count as an attempt");
        assert_eq!(items[1].attempts, 1, "a step cut short by a crash does");
    }

    #[test]
    fn retry_puts_failed_items_back_and_clears_their_error() {
        let conn = db();
        let id = sync_job(&conn);
        insert_items(&conn, id, &appids(&["wxa", "wxb", "wxc"]), 0, "info", 100).unwrap();
        claim_items(&conn, id, 0, 100, 3).unwrap();
        let failed = ItemUpdate {
            state: ItemState::Failed,
            step: "info",
            next_at: None,
            errcode: Some(61003),
            message: Some("component is not authorized by this account"),
        };
        for appid in ["wxa", "wxb"] {
            update_item(&conn, id, appid, &failed, 110).unwrap();
        }
        update_item(&conn, id, "wxc", &done("info"), 110).unwrap();
        assert_eq!(retry_items(&conn, id, Some(&appids(&["wxb", "wxc"])), 120).unwrap(), 1);
        assert_eq!(retry_items(&conn, id, None, 130).unwrap(), 1);
        let items = items(&conn, id).unwrap();
        assert_eq!(items[0].state, ItemState::Pending);
        assert_eq!((items[0].errcode, items[0].message.as_deref()), (None, None));
        assert_eq!(items[2].state, ItemState::Done);
        assert_eq!(unknown_items(&conn, id, &appids(&["wxa", "wxz"])).unwrap(), ["wxz"]);
    }

    #[test]
    fn only_accounts_authorized_before_the_job_and_not_listed_are_unlisted() {
        let conn = db();
        for (appid, at) in [("wxlisted", 10), ("wxgone", 10), ("wxnew", 500)] {
            queries::record_listed(&conn, appid, at).unwrap();
        }
        queries::record_listed(&conn, "wxrevoked", 10).unwrap();
        queries::revoke_authorizer(&conn, "wxrevoked", 20).unwrap();
        let id = sync_job(&conn);
        insert_items(&conn, id, &appids(&["wxlisted"]), 0, "info", 100).unwrap();
        assert_eq!(authorized_without_item(&conn, id, 100).unwrap(), ["wxgone"]);
    }
}
