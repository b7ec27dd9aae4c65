//! The SQL of audits: the `audits` rows (one per mini program, its latest audit), the durable poll schedule
//! (`audit_polls`) and the rejection screenshots (`audit_screenshots`). Deciding what a row becomes is
//! `hub::audits`; this file only reads and writes.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::StoreError;
use crate::hubapi::{Audit, AuditSource, AuditStatus, ScreenshotFile, Withdrawals};

type Result<T> = std::result::Result<T, StoreError>;

/// A row of `audits` as the hub reasons about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub appid: String,
    pub auditid: Option<i64>,
    /// While `auditid` is unknown: the newest auditid known before (a poll answering it or an older one is stale).
    pub floor_auditid: Option<i64>,
    pub user_version: Option<String>,
    pub user_desc: Option<String>,
    pub status: AuditStatus,
    pub submitted_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub reasons: Vec<String>,
    pub screenshots: Vec<String>,
    pub source: AuditSource,
    pub updated_at: i64,
    /// While a gray release of the approved version runs (§6.11).
    pub gray_percentage: Option<i64>,
}

const COLUMNS: &str = "a.appid, a.auditid, a.floor_auditid, a.user_version, a.user_desc, a.status, a.submitted_at, \
                       a.resolved_at, a.reasons, a.screenshots, a.source, a.updated_at, a.gray_percentage";
/// The column after `COLUMNS`.
const NAME_COLUMN: usize = 13;

fn json_list(text: String) -> Vec<String> {
    serde_json::from_str(&text).unwrap_or_default()
}

fn audit_row(row: &Row<'_>) -> rusqlite::Result<AuditRow> {
    let status: String = row.get(5)?;
    let source: String = row.get(10)?;
    Ok(AuditRow {
        appid: row.get(0)?,
        auditid: row.get(1)?,
        floor_auditid: row.get(2)?,
        user_version: row.get(3)?,
        user_desc: row.get(4)?,
        // Written by this module from the same enums; an unknown name (a newer hub's) reads as still running.
        status: AuditStatus::parse(&status).unwrap_or(AuditStatus::Auditing),
        submitted_at: row.get(6)?,
        resolved_at: row.get(7)?,
        reasons: json_list(row.get(8)?),
        screenshots: json_list(row.get(9)?),
        source: AuditSource::parse(&source).unwrap_or(AuditSource::Poll),
        updated_at: row.get(11)?,
        gray_percentage: row.get(12)?,
    })
}

pub fn audit(conn: &Connection, appid: &str) -> Result<Option<AuditRow>> {
    let sql = format!("SELECT {COLUMNS} FROM audits a WHERE a.appid = ?1");
    Ok(conn.query_row(&sql, params![appid], audit_row).optional()?)
}

pub fn put_audit(conn: &Connection, row: &AuditRow) -> Result<()> {
    let list = |items: &Vec<String>| serde_json::to_string(items).unwrap_or_else(|_| "[]".into());
    conn.execute(
        "INSERT INTO audits (appid, auditid, floor_auditid, user_version, user_desc, status, submitted_at,
                             resolved_at, reasons, screenshots, source, updated_at, gray_percentage)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (appid) DO UPDATE SET auditid = excluded.auditid, floor_auditid = excluded.floor_auditid,
             user_version = excluded.user_version, user_desc = excluded.user_desc, status = excluded.status,
             submitted_at = excluded.submitted_at, resolved_at = excluded.resolved_at, reasons = excluded.reasons,
             screenshots = excluded.screenshots, source = excluded.source, updated_at = excluded.updated_at,
             gray_percentage = excluded.gray_percentage",
        params![
            row.appid,
            row.auditid,
            row.floor_auditid,
            row.user_version,
            row.user_desc,
            row.status.as_str(),
            row.submitted_at,
            row.resolved_at,
            list(&row.reasons),
            list(&row.screenshots),
            row.source.as_str(),
            row.updated_at,
            row.gray_percentage
        ],
    )?;
    Ok(())
}

/// The row as consoles see it: with the mini program's name and its screenshots' state.
pub fn api_audit(conn: &Connection, appid: &str) -> Result<Option<Audit>> {
    let sql = format!(
        "SELECT {COLUMNS}, au.nick_name FROM audits a LEFT JOIN authorizers au ON au.appid = a.appid
         WHERE a.appid = ?1"
    );
    let found = conn
        .query_row(&sql, params![appid], |row| Ok((audit_row(row)?, row.get(NAME_COLUMN)?)))
        .optional()?;
    found.map(|(row, name)| to_api(conn, row, name)).transpose()
}

fn to_api(conn: &Connection, row: AuditRow, nick_name: Option<String>) -> Result<Audit> {
    let files = screenshot_files(conn, &row.appid)?;
    let screenshot_files = row
        .screenshots
        .iter()
        .map(|media_id| {
            files
                .iter()
                .find(|f| &f.media_id == media_id)
                .cloned()
                .unwrap_or(ScreenshotFile {
                    media_id: media_id.clone(),
                    available: false,
                    attempts: 0,
                    last_error: None,
                    next_at: None,
                })
        })
        .collect();
    let withdrawals = withdrawals(conn, &row.appid, crate::hub::now_secs())?;
    Ok(Audit {
        appid: row.appid,
        nick_name,
        auditid: row.auditid,
        user_version: row.user_version,
        user_desc: row.user_desc,
        status: row.status,
        submitted_at: row.submitted_at,
        resolved_at: row.resolved_at,
        reasons: row.reasons,
        screenshots: row.screenshots,
        screenshot_files,
        source: row.source,
        updated_at: row.updated_at,
        gray_percentage: row.gray_percentage,
        withdrawals,
    })
}

/// A withdrawal through this hub went through (§6.8).
pub fn note_withdrawal(conn: &Connection, appid: &str, at: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_withdrawals (appid, at) VALUES (?1, ?2)",
        params![appid, at],
    )?;
    Ok(())
}

/// Withdrawals of `appid` on the day and in the month of `now`, China time (§6.8).
fn withdrawals(conn: &Connection, appid: &str, now: i64) -> Result<Withdrawals> {
    use crate::wechat::calendar::{day_index, month_index};
    // A month is at most 31 days: older rows cannot count.
    let mut stmt = conn.prepare_cached("SELECT at FROM audit_withdrawals WHERE appid = ?1 AND at > ?2")?;
    let times = stmt
        .query_map(params![appid, now - 32 * 86_400], |row| row.get::<_, i64>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let (today, month) = (day_index(now), month_index(now));
    Ok(Withdrawals {
        today: times.iter().filter(|at| day_index(**at) == today).count() as i64,
        this_month: times.iter().filter(|at| month_index(**at) == month).count() as i64,
    })
}

fn screenshot_files(conn: &Connection, appid: &str) -> Result<Vec<ScreenshotFile>> {
    let mut stmt = conn.prepare_cached(
        "SELECT media_id, bytes IS NOT NULL, attempts, last_error, next_at FROM audit_screenshots WHERE appid = ?1",
    )?;
    let rows = stmt.query_map(params![appid], |row| {
        Ok(ScreenshotFile {
            media_id: row.get(0)?,
            available: row.get(1)?,
            attempts: row.get(2)?,
            last_error: row.get(3)?,
            next_at: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A page of rows, most recently changed first; `query` matches the appid or the name.
pub fn list(
    conn: &Connection,
    status: Option<AuditStatus>,
    query: &str,
    offset: i64,
    limit: i64,
) -> Result<(i64, Vec<Audit>)> {
    let pattern = format!(
        "%{}%",
        query.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
    );
    let filter = "(?1 IS NULL OR a.status = ?1) \
                  AND (?2 = '%%' OR a.appid LIKE ?2 ESCAPE '\\' OR au.nick_name LIKE ?2 ESCAPE '\\')";
    let from = "FROM audits a LEFT JOIN authorizers au ON au.appid = a.appid";
    let status = status.map(AuditStatus::as_str);
    let total = conn.query_row(
        &format!("SELECT COUNT(*) {from} WHERE {filter}"),
        params![status, pattern],
        |row| row.get(0),
    )?;
    let sql = format!(
        "SELECT {COLUMNS}, au.nick_name {from} WHERE {filter} ORDER BY a.updated_at DESC, a.appid LIMIT ?3 OFFSET ?4"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map(params![status, pattern, limit, offset], |row| {
            Ok((audit_row(row)?, row.get(NAME_COLUMN)?))
        })?
        .collect::<rusqlite::Result<Vec<(AuditRow, Option<String>)>>>()?;
    let audits = rows
        .into_iter()
        .map(|(row, name)| to_api(conn, row, name))
        .collect::<Result<_>>()?;
    Ok((total, audits))
}

/// A poll of `appid` is due at `at` (or sooner, if one already is); its backoff starts again.
pub fn schedule_poll(conn: &Connection, appid: &str, source: AuditSource, at: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_polls (appid, source, next_at, attempts) VALUES (?1, ?2, ?3, 0)
         ON CONFLICT (appid) DO UPDATE SET next_at = MIN(next_at, excluded.next_at), attempts = 0",
        params![appid, source.as_str(), at],
    )?;
    Ok(())
}

/// Any authorized mini program granted code management (set 18): the platform-wide audit quota can be read with
/// its token (§6.13).
pub fn any_code_account(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT appid FROM authorizers
             WHERE kind = 'miniprogram' AND revoked_at IS NULL
               AND EXISTS (SELECT 1 FROM json_each(authorizers.func_ids) WHERE value = 18)
             ORDER BY authorized_at LIMIT 1",
            [],
            |row| row.get(0),
        )
        .optional()?)
}

/// A poll after an authorizer sync for every mini program granted code management (set 18, §6) that is still
/// authorized; one already scheduled keeps its source. Answers how many are due.
pub fn schedule_sync_polls(conn: &Connection, at: i64) -> Result<usize> {
    Ok(conn.execute(
        "INSERT INTO audit_polls (appid, source, next_at, attempts)
         SELECT appid, 'sync', ?1, 0 FROM authorizers
         WHERE kind = 'miniprogram' AND revoked_at IS NULL
           AND EXISTS (SELECT 1 FROM json_each(authorizers.func_ids) WHERE value = 18)
         ON CONFLICT (appid) DO UPDATE SET next_at = MIN(next_at, excluded.next_at)",
        params![at],
    )?)
}

/// A poll that is due: the mini program, why it is polled, how many polls it had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuePoll {
    pub appid: String,
    pub source: AuditSource,
    pub attempts: i64,
}

pub fn due_polls(conn: &Connection, now: i64, limit: i64) -> Result<Vec<DuePoll>> {
    let mut stmt = conn.prepare_cached(
        "SELECT appid, source, attempts FROM audit_polls WHERE next_at <= ?1 ORDER BY next_at, appid LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![now, limit], |row| {
        let source: String = row.get(1)?;
        Ok(DuePoll {
            appid: row.get(0)?,
            source: AuditSource::parse(&source).unwrap_or(AuditSource::Poll),
            attempts: row.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// After a poll: the next one at `next_at`, counted as a poll (`source` becomes `poll`).
pub fn repoll(conn: &Connection, appid: &str, next_at: i64, attempts: i64, error: Option<&str>) -> Result<()> {
    conn.execute(
        "UPDATE audit_polls SET source = 'poll', next_at = ?2, attempts = ?3, last_error = ?4 WHERE appid = ?1",
        params![appid, next_at, attempts, error],
    )?;
    Ok(())
}

pub fn drop_poll(conn: &Connection, appid: &str) -> Result<()> {
    conn.execute("DELETE FROM audit_polls WHERE appid = ?1", params![appid])?;
    Ok(())
}

/// Screenshots to fetch at once (ids already known are left as they are).
pub fn queue_screenshots(conn: &Connection, appid: &str, media_ids: &[String], now: i64) -> Result<usize> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO audit_screenshots (appid, media_id, next_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (appid, media_id) DO NOTHING",
    )?;
    let mut queued = 0;
    for media_id in media_ids {
        queued += stmt.execute(params![appid, media_id, now])?;
    }
    Ok(queued)
}

/// A screenshot whose fetch is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueScreenshot {
    pub appid: String,
    pub media_id: String,
    pub attempts: i64,
}

pub fn due_screenshots(conn: &Connection, now: i64, limit: i64) -> Result<Vec<DueScreenshot>> {
    let mut stmt = conn.prepare_cached(
        "SELECT appid, media_id, attempts FROM audit_screenshots
         WHERE next_at IS NOT NULL AND next_at <= ?1 ORDER BY next_at, appid, media_id LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![now, limit], |row| {
        Ok(DueScreenshot {
            appid: row.get(0)?,
            media_id: row.get(1)?,
            attempts: row.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn store_screenshot(
    conn: &Connection,
    appid: &str,
    media_id: &str,
    content_type: &str,
    bytes: &[u8],
    now: i64,
) -> Result<()> {
    conn.execute(
        "UPDATE audit_screenshots SET content_type = ?3, bytes = ?4, fetched_at = ?5, attempts = attempts + 1,
             next_at = NULL, last_error = NULL
         WHERE appid = ?1 AND media_id = ?2",
        params![appid, media_id, content_type, bytes, now],
    )?;
    Ok(())
}

/// A failed fetch: tried again at `next_at`, or never again when `None`.
pub fn screenshot_failed(
    conn: &Connection,
    appid: &str,
    media_id: &str,
    next_at: Option<i64>,
    error: &str,
) -> Result<()> {
    conn.execute(
        "UPDATE audit_screenshots SET attempts = attempts + 1, next_at = ?3, last_error = ?4
         WHERE appid = ?1 AND media_id = ?2",
        params![appid, media_id, next_at, error],
    )?;
    Ok(())
}

/// A stored screenshot: its content type and bytes; `None` when it was never fetched.
pub fn screenshot(conn: &Connection, appid: &str, media_id: &str) -> Result<Option<(String, Vec<u8>)>> {
    Ok(conn
        .query_row(
            "SELECT content_type, bytes FROM audit_screenshots
             WHERE appid = ?1 AND media_id = ?2 AND bytes IS NOT NULL",
            params![appid, media_id],
            |row| Ok((row.get::<_, Option<String>>(0)?.unwrap_or_default(), row.get(1)?)),
        )
        .optional()?)
}

/// The earliest moment a poll or a screenshot fetch is due, if any is.
pub fn next_due(conn: &Connection) -> Result<Option<i64>> {
    Ok(conn.query_row(
        "SELECT MIN(at) FROM (SELECT MIN(next_at) AS at FROM audit_polls
                              UNION ALL SELECT MIN(next_at) FROM audit_screenshots WHERE next_at IS NOT NULL)",
        [],
        |row| row.get(0),
    )?)
}
