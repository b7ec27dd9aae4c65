//! The SQL of operators (their key hashes) and of the activity log of what they did (actions, not reads).

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::hubapi::{Activity, ActivityQuery, Outcome};

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

/// One operator action as it is written; `seq` and `at` are the log's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRecord {
    pub operator: String,
    pub action: String,
    pub target: Option<String>,
    pub outcome: Outcome,
    pub reason: Option<String>,
    pub errcode: Option<i64>,
    pub detail: Option<String>,
}

impl Default for ActivityRecord {
    fn default() -> Self {
        Self {
            operator: String::new(),
            action: String::new(),
            target: None,
            outcome: Outcome::Ok,
            reason: None,
            errcode: None,
            detail: None,
        }
    }
}

pub fn append_activity(conn: &Connection, at: i64, record: &ActivityRecord) -> Result<i64> {
    let outcome = match record.outcome {
        Outcome::Ok => "ok",
        Outcome::Failed => "failed",
    };
    conn.execute(
        "INSERT INTO activity (at, operator, action, target, result, outcome, reason, errcode, detail)
         VALUES (?1, ?2, ?3, COALESCE(?4, ''), ?5, ?5, ?6, ?7, ?8)",
        params![
            at,
            record.operator,
            record.action,
            record.target,
            outcome,
            record.reason,
            record.errcode,
            record.detail
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// A page of the log, filtered by operator and by action (a name ending in `.` matches every action it starts).
/// With `before`, the newest entries older than it, newest first; otherwise the oldest after `after`.
pub fn activity_page(conn: &Connection, query: &ActivityQuery, limit: i64) -> Result<Vec<Activity>> {
    let action = query.action.as_deref().filter(|a| !a.is_empty());
    let (action_exact, action_prefix) = match action {
        Some(prefix) if prefix.ends_with('.') => (None, Some(format!("{}%", like_escape(prefix)))),
        other => (other.map(str::to_owned), None),
    };
    let operator = query.operator.as_deref().filter(|o| !o.is_empty());
    let filter = "(?1 IS NULL OR operator = ?1) AND (?2 IS NULL OR action = ?2) \
                  AND (?3 IS NULL OR action LIKE ?3 ESCAPE '\\')";
    let sql = match query.before {
        Some(_) => format!(
            "SELECT seq, at, operator, action, target, outcome, reason, errcode, detail FROM activity
             WHERE seq < ?4 AND {filter} ORDER BY seq DESC LIMIT ?5"
        ),
        None => format!(
            "SELECT seq, at, operator, action, target, outcome, reason, errcode, detail FROM activity
             WHERE seq > ?4 AND {filter} ORDER BY seq LIMIT ?5"
        ),
    };
    let bound = query.before.unwrap_or(query.after.unwrap_or(0));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![operator, action_exact, action_prefix, bound, limit], |row| {
        let target: String = row.get(4)?;
        let outcome: String = row.get(5)?;
        Ok(Activity {
            seq: row.get(0)?,
            at: row.get(1)?,
            operator: row.get(2)?,
            action: row.get(3)?,
            target: (!target.is_empty()).then_some(target),
            outcome: if outcome == "ok" { Outcome::Ok } else { Outcome::Failed },
            reason: row.get(6)?,
            errcode: row.get(7)?,
            detail: row.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}
