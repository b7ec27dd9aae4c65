//! The SQL of operators (their key hashes) and of the activity log of what they did.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::StoreError;

type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OperatorRow {
    pub name: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// Adds an operator, or gives a revoked one a new key. An active operator of that name is an error.
pub fn insert_operator(conn: &Connection, name: &str, key_hash: &[u8], at: i64) -> Result<()> {
    let active: Option<Option<i64>> = conn
        .query_row(
            "SELECT revoked_at FROM operators WHERE name = ?1",
            params![name],
            |row| row.get(0),
        )
        .optional()?;
    if matches!(active, Some(None)) {
        return Err(StoreError::Db(format!(
            "operator {name:?} already exists; revoke it first"
        )));
    }
    conn.execute(
        "INSERT INTO operators (name, key_hash, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET key_hash = excluded.key_hash, created_at = excluded.created_at,
           revoked_at = NULL",
        params![name, key_hash, at],
    )?;
    Ok(())
}

/// `true` when an active operator of that name was revoked.
pub fn revoke_operator(conn: &Connection, name: &str, at: i64) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE operators SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL",
        params![name, at],
    )?;
    Ok(changed == 1)
}

pub fn list_operators(conn: &Connection) -> Result<Vec<OperatorRow>> {
    let mut stmt = conn.prepare("SELECT name, created_at, revoked_at FROM operators ORDER BY name")?;
    let rows = stmt.query_map([], |row| {
        Ok(OperatorRow {
            name: row.get(0)?,
            created_at: row.get(1)?,
            revoked_at: row.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Names and key hashes of the operators whose keys are valid.
pub fn active_operator_hashes(conn: &Connection) -> Result<Vec<(String, Vec<u8>)>> {
    let mut stmt = conn.prepare_cached("SELECT name, key_hash FROM operators WHERE revoked_at IS NULL")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One operator request: who, what, on what, with which result, when.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ActivityRow {
    pub seq: i64,
    pub at: i64,
    pub operator: String,
    pub action: String,
    pub target: String,
    pub result: String,
}

pub fn append_activity(conn: &Connection, row: &ActivityRow) -> Result<i64> {
    conn.execute(
        "INSERT INTO activity (at, operator, action, target, result) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![row.at, row.operator, row.action, row.target, row.result],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn activity_after(conn: &Connection, after: i64, limit: i64) -> Result<Vec<ActivityRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at, operator, action, target, result FROM activity WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![after, limit], |row| {
        Ok(ActivityRow {
            seq: row.get(0)?,
            at: row.get(1)?,
            operator: row.get(2)?,
            action: row.get(3)?,
            target: row.get(4)?,
            result: row.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
