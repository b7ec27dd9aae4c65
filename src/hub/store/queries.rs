//! The SQL of the hub, one small function per statement, each taking the connection it runs on.
//!
//! Writers get the writer's savepoint, readers the reader connection; nothing here decides when to commit.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use crate::hubapi::{AccountKind, HubEvent, HubEventKind};

type Result<T> = std::result::Result<T, StoreError>;

/// A verified push as it is kept: the decrypted XML, never the provider's keys.
pub struct PushRow<'a> {
    pub dedupe_key: &'a [u8],
    pub url: &'a str,
    pub appid: Option<&'a str>,
    pub info_type: Option<&'a str>,
    pub xml: &'a str,
    pub received_at: i64,
}

/// Stores a push unless one with the same key is already stored; `true` when it is new.
pub fn insert_push(conn: &Connection, push: &PushRow<'_>) -> Result<bool> {
    let inserted = conn.execute(
        "INSERT INTO pushes (dedupe_key, url, appid, info_type, xml, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (dedupe_key) DO NOTHING",
        params![
            push.dedupe_key,
            push.url,
            push.appid,
            push.info_type,
            push.xml,
            push.received_at
        ],
    )?;
    Ok(inserted == 1)
}

/// Remembers an authorization code to exchange (kept until `forget_pending_code`).
pub fn insert_pending_code(conn: &Connection, code: &str, expires_at: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO pending_codes (code, expires_at) VALUES (?1, ?2) ON CONFLICT (code) DO NOTHING",
        params![code, expires_at],
    )?;
    Ok(())
}

pub fn forget_pending_code(conn: &Connection, code: &str) -> Result<()> {
    conn.execute("DELETE FROM pending_codes WHERE code = ?1", params![code])?;
    Ok(())
}

/// Codes still waiting for their exchange and not yet expired at `now`; expired ones are dropped.
pub fn take_live_pending_codes(conn: &Connection, now: i64) -> Result<Vec<String>> {
    conn.execute("DELETE FROM pending_codes WHERE expires_at <= ?1", params![now])?;
    let mut stmt = conn.prepare_cached("SELECT code FROM pending_codes ORDER BY expires_at")?;
    let codes = stmt.query_map([], |row| row.get(0))?;
    Ok(codes.collect::<rusqlite::Result<_>>()?)
}

/// Appends an event; its `kind` column is the event's kind name, `data` its JSON.
pub fn append_event(conn: &Connection, at: i64, event: &HubEventKind) -> Result<i64> {
    let data = serde_json::to_string(event).map_err(|e| StoreError::Db(e.to_string()))?;
    conn.execute(
        "INSERT INTO events (at, kind, data) VALUES (?1, ?2, ?3)",
        params![at, event.name(), data],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn events_after(conn: &Connection, after: i64, limit: i64) -> Result<Vec<HubEvent>> {
    let mut stmt =
        conn.prepare_cached("SELECT seq, at, kind, data FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2")?;
    let rows = stmt.query_map(params![after, limit], event_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn last_event_of_kind(conn: &Connection, kind: &str) -> Result<Option<HubEvent>> {
    let mut stmt =
        conn.prepare_cached("SELECT seq, at, kind, data FROM events WHERE kind = ?1 ORDER BY seq DESC LIMIT 1")?;
    Ok(stmt.query_row(params![kind], event_row).optional()?)
}

pub fn last_event_seq(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM events", [], |row| row.get(0))?)
}

/// A stored event. Rows written before events were typed (`data` without its `kind`, or a kind since retired such
/// as `sync_progress`) read as `Unknown` rather than failing the page they are on.
fn event_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<HubEvent> {
    let kind: String = row.get(2)?;
    let data: String = row.get(3)?;
    let mut value: serde_json::Value = serde_json::from_str(&data).unwrap_or(serde_json::Value::Null);
    if let serde_json::Value::Object(map) = &mut value {
        map.entry("kind").or_insert(kind.into());
    }
    Ok(HubEvent {
        seq: row.get(0)?,
        at: row.get(1)?,
        kind: serde_json::from_value(value).unwrap_or(HubEventKind::Unknown),
    })
}

/// Keeps the newest tickets only: the platform pushes one every ten minutes and each lives 12 h (§1.1).
pub fn insert_ticket(conn: &Connection, ticket: &str, received_at: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO tickets (ticket, received_at) VALUES (?1, ?2)",
        params![ticket, received_at],
    )?;
    conn.execute(
        "DELETE FROM tickets WHERE id <= (SELECT MAX(id) FROM tickets) - 100",
        [],
    )?;
    Ok(())
}

/// The newest ticket and when it arrived.
pub fn newest_ticket(conn: &Connection) -> Result<Option<(String, i64)>> {
    Ok(conn
        .query_row(
            "SELECT ticket, received_at FROM tickets ORDER BY id DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?)
}

/// An authorized account as the console sees it: the hub API's own type.
pub use crate::hubapi::Authorizer as AuthorizerRow;

const AUTHORIZER_COLUMNS: &str = "appid, nick_name, kind, principal_name, verify_type, service_type, user_name, \
     head_img, authorized_at, revoked_at, func_ids";

fn authorizer_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<AuthorizerRow> {
    let func_ids: String = row.get(10)?;
    Ok(AuthorizerRow {
        authorizer_appid: row.get(0)?,
        nick_name: row.get(1)?,
        kind: row.get::<_, Option<String>>(2)?.and_then(|kind| {
            [AccountKind::MiniProgram, AccountKind::OfficialAccount]
                .into_iter()
                .find(|k| k.as_str() == kind)
        }),
        principal_name: row.get(3)?,
        verify_type: row.get(4)?,
        service_type: row.get(5)?,
        user_name: row.get(6)?,
        head_img: row.get(7)?,
        authorized_at: row.get(8)?,
        revoked_at: row.get(9)?,
        func_ids: serde_json::from_str(&func_ids).unwrap_or_default(),
    })
}

/// Records an authorization (new, renewed or re-granted): clears `revoked_at` and sets the granted sets.
pub fn record_authorization(conn: &Connection, appid: &str, func_ids: &[i64], authorized_at: i64) -> Result<()> {
    let func_ids = serde_json::to_string(func_ids).map_err(|e| StoreError::Db(e.to_string()))?;
    conn.execute(
        "INSERT INTO authorizers (appid, func_ids, authorized_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (appid) DO UPDATE SET func_ids = excluded.func_ids, revoked_at = NULL,
           authorized_at = CASE WHEN authorizers.revoked_at IS NULL THEN authorizers.authorized_at
                                ELSE excluded.authorized_at END",
        params![appid, func_ids, authorized_at],
    )?;
    Ok(())
}

/// Stores what `api_get_authorizer_info` said about an account (§1.6); empty `func_ids` keep the stored ones.
pub fn update_authorizer_info(conn: &Connection, info: &AuthorizerRow, at: i64) -> Result<()> {
    let func_ids = serde_json::to_string(&info.func_ids).map_err(|e| StoreError::Db(e.to_string()))?;
    conn.execute(
        "UPDATE authorizers SET nick_name = ?2, kind = ?3, principal_name = ?4, verify_type = ?5, service_type = ?6,
           user_name = ?7, head_img = ?8, info_updated_at = ?9,
           func_ids = CASE WHEN ?10 = '[]' THEN func_ids ELSE ?10 END
         WHERE appid = ?1",
        params![
            info.authorizer_appid,
            info.nick_name,
            info.kind.map(AccountKind::as_str),
            info.principal_name,
            info.verify_type,
            info.service_type,
            info.user_name,
            info.head_img,
            at,
            func_ids
        ],
    )?;
    Ok(())
}

/// Records an account `api_get_authorizer_list` returned (§1.7): authorized, with its sets left as stored.
pub fn record_listed(conn: &Connection, appid: &str, auth_time: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO authorizers (appid, authorized_at) VALUES (?1, ?2)
         ON CONFLICT (appid) DO UPDATE SET revoked_at = NULL, authorized_at = excluded.authorized_at",
        params![appid, auth_time],
    )?;
    Ok(())
}

/// Marks an authorization revoked; its refresh token is useless from now on (§1.5, `61003`), so it goes too.
pub fn revoke_authorizer(conn: &Connection, appid: &str, at: i64) -> Result<()> {
    conn.execute(
        "UPDATE authorizers SET revoked_at = ?2 WHERE appid = ?1 AND revoked_at IS NULL",
        params![appid, at],
    )?;
    conn.execute("DELETE FROM refresh_tokens WHERE appid = ?1", params![appid])?;
    conn.execute(
        "DELETE FROM access_tokens WHERE name = ?1",
        params![access_token_name(appid)],
    )?;
    Ok(())
}

/// Whether the account is stored and its authorization in force.
pub fn is_authorized(conn: &Connection, appid: &str) -> Result<bool> {
    let revoked: Option<Option<i64>> = conn
        .query_row(
            "SELECT revoked_at FROM authorizers WHERE appid = ?1",
            params![appid],
            |row| row.get(0),
        )
        .optional()?;
    Ok(matches!(revoked, Some(None)))
}

pub fn authorizer(conn: &Connection, appid: &str) -> Result<Option<AuthorizerRow>> {
    let sql = format!("SELECT {AUTHORIZER_COLUMNS} FROM authorizers WHERE appid = ?1");
    Ok(conn.query_row(&sql, params![appid], authorizer_row).optional()?)
}

/// A page of authorizers matching `query` (appid, name, principal or original id), newest authorization first.
pub fn list_authorizers(conn: &Connection, query: &str, offset: i64, limit: i64) -> Result<(i64, Vec<AuthorizerRow>)> {
    let pattern = format!(
        "%{}%",
        query.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
    );
    let filter = "(?1 = '%%' OR appid LIKE ?1 ESCAPE '\\' OR nick_name LIKE ?1 ESCAPE '\\' \
                  OR principal_name LIKE ?1 ESCAPE '\\' OR user_name LIKE ?1 ESCAPE '\\')";
    let total = conn.query_row(
        &format!("SELECT COUNT(*) FROM authorizers WHERE {filter}"),
        params![pattern],
        |row| row.get(0),
    )?;
    let sql = format!(
        "SELECT {AUTHORIZER_COLUMNS} FROM authorizers WHERE {filter} ORDER BY authorized_at DESC, appid LIMIT ?2 OFFSET ?3"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![pattern, limit, offset], authorizer_row)?;
    Ok((total, rows.collect::<rusqlite::Result<_>>()?))
}

pub fn put_refresh_token(conn: &Connection, appid: &str, sealed: &[u8], at: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO refresh_tokens (appid, sealed, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (appid) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at",
        params![appid, sealed, at],
    )?;
    Ok(())
}

pub fn refresh_token(conn: &Connection, appid: &str) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row(
            "SELECT sealed FROM refresh_tokens WHERE appid = ?1",
            params![appid],
            |row| row.get(0),
        )
        .optional()?)
}

/// The row name of an access token: `component`, or `authorizer:APPID`.
pub fn access_token_name(appid: &str) -> String {
    format!("authorizer:{appid}")
}

pub fn put_access_token(conn: &Connection, name: &str, sealed: &[u8], expires_at: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO access_tokens (name, sealed, expires_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed, expires_at = excluded.expires_at",
        params![name, sealed, expires_at],
    )?;
    Ok(())
}

pub fn access_token(conn: &Connection, name: &str) -> Result<Option<(Vec<u8>, i64)>> {
    Ok(conn
        .query_row(
            "SELECT sealed, expires_at FROM access_tokens WHERE name = ?1",
            params![name],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?)
}
