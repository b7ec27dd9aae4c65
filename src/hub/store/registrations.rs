//! The SQL of registration tasks (`registrations`): one row per task the hub created, updated by the result pushes
//! and by the 24 hours passing. Deciding what a row becomes is `hub::registrations`; this file only reads and
//! writes.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::StoreError;
use crate::hubapi::{Registration, RegistrationKind, RegistrationState};

type Result<T> = std::result::Result<T, StoreError>;

const COLUMNS: &str = "id, kind, state, status_code, status_text, taskid, appid, authorize_url, label, created_by, \
                       created_at, expires_at, updated_at";

fn registration(row: &Row<'_>) -> rusqlite::Result<Registration> {
    let kind: String = row.get(1)?;
    let state: String = row.get(2)?;
    Ok(Registration {
        id: row.get(0)?,
        // Written by this module from the same enums; an unknown name (a newer hub's) reads as an open enterprise
        // task, which the console shows with its raw status.
        kind: RegistrationKind::parse(&kind).unwrap_or(RegistrationKind::Enterprise),
        state: RegistrationState::parse(&state).unwrap_or(RegistrationState::Open),
        status_code: row.get(3)?,
        status_text: row.get(4)?,
        taskid: row.get(5)?,
        appid: row.get(6)?,
        authorize_url: row.get(7)?,
        label: row.get(8)?,
        created_by: row.get(9)?,
        created_at: row.get(10)?,
        expires_at: row.get(11)?,
        updated_at: row.get(12)?,
    })
}

/// A new open task; answers it with its id.
pub fn insert(conn: &Connection, task: &Registration) -> Result<Registration> {
    conn.execute(
        "INSERT INTO registrations (kind, state, status_code, status_text, taskid, appid, authorize_url, label,
                                    created_by, created_at, expires_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            task.kind.as_str(),
            task.state.as_str(),
            task.status_code,
            task.status_text,
            task.taskid,
            task.appid,
            task.authorize_url,
            task.label,
            task.created_by,
            task.created_at,
            task.expires_at,
            task.updated_at
        ],
    )?;
    Ok(Registration {
        id: conn.last_insert_rowid(),
        ..task.clone()
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<Registration>> {
    let sql = format!("SELECT {COLUMNS} FROM registrations WHERE id = ?1");
    Ok(conn.query_row(&sql, params![id], registration).optional()?)
}

pub fn by_taskid(conn: &Connection, taskid: &str) -> Result<Option<Registration>> {
    let sql = format!("SELECT {COLUMNS} FROM registrations WHERE taskid = ?1");
    Ok(conn.query_row(&sql, params![taskid], registration).optional()?)
}

/// The open task of `kind` about mini program `appid` (a trial's conversion, §8.5), newest first.
pub fn open_for(conn: &Connection, kind: RegistrationKind, appid: &str) -> Result<Option<Registration>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM registrations WHERE state = 'open' AND kind = ?1 AND appid = ?2 ORDER BY id DESC LIMIT 1"
    );
    Ok(conn
        .query_row(&sql, params![kind.as_str(), appid], registration)
        .optional()?)
}

/// Claims open task `id` for the one call it allows (§8.6: a ticket is single-use): true for the first claim only.
/// The claim is kept in `polls`, which a task that is never queried does not otherwise use.
pub fn claim(conn: &Connection, id: i64) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE registrations SET polls = polls + 1 WHERE id = ?1 AND state = 'open' AND polls = 0",
        params![id],
    )?;
    Ok(changed == 1)
}

/// Every task, newest first.
pub fn list(conn: &Connection) -> Result<Vec<Registration>> {
    let sql = format!("SELECT {COLUMNS} FROM registrations ORDER BY id DESC");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], registration)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A task's new state, status and appid.
pub fn update(conn: &Connection, task: &Registration) -> Result<()> {
    conn.execute(
        "UPDATE registrations SET state = ?2, status_code = ?3, status_text = ?4, appid = ?5, updated_at = ?6
         WHERE id = ?1",
        params![
            task.id,
            task.state.as_str(),
            task.status_code,
            task.status_text,
            task.appid,
            task.updated_at
        ],
    )?;
    Ok(())
}

/// Open tasks whose poll is due by `now`.
pub fn due_polls(conn: &Connection, now: i64) -> Result<Vec<(Registration, i64)>> {
    let sql = format!(
        "SELECT {COLUMNS}, polls FROM registrations
         WHERE state = 'open' AND next_poll_at IS NOT NULL AND next_poll_at <= ?1 ORDER BY next_poll_at, id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![now], |row| Ok((registration(row)?, row.get(13)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The next poll of task `id` at `at` (none once `at` is `None`), counted.
pub fn schedule_poll(conn: &Connection, id: i64, at: Option<i64>, polls: i64) -> Result<()> {
    conn.execute(
        "UPDATE registrations SET next_poll_at = ?2, polls = ?3 WHERE id = ?1",
        params![id, at, polls],
    )?;
    Ok(())
}

/// The earliest moment an open task needs a look: a poll, or its 24 hours ending.
pub fn next_due(conn: &Connection) -> Result<Option<i64>> {
    Ok(conn.query_row(
        "SELECT MIN(MIN(COALESCE(next_poll_at, expires_at), expires_at)) FROM registrations WHERE state = 'open'",
        [],
        |row| row.get(0),
    )?)
}

/// Open tasks whose 24 hours have passed by `now`.
pub fn overdue(conn: &Connection, now: i64) -> Result<Vec<Registration>> {
    let sql = format!("SELECT {COLUMNS} FROM registrations WHERE state = 'open' AND expires_at <= ?1 ORDER BY id");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![now], registration)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
