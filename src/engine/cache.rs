//! The console's local SQLite cache, one file per profile: the authorizer list (shown at start before the hub answers)
//! and the long poll's position. Schema changes are an append-only list of migrations keyed by `user_version`, the
//! way cargo keeps its own SQLite files.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

use super::protocol::{AccountKind, AuthorizerRow, EngineError, ErrorKind};

/// Append-only: never edit or reorder an entry; add a new one. Entry `i` moves the schema to `user_version = i + 1`.
const MIGRATIONS: &[&str] = &["CREATE TABLE authorizers (
        appid TEXT PRIMARY KEY NOT NULL,
        nick_name TEXT NOT NULL,
        kind TEXT NOT NULL,
        principal_name TEXT NOT NULL,
        verify_type INTEGER NOT NULL,
        service_type INTEGER NOT NULL,
        authorized_at INTEGER NOT NULL,
        revoked_at INTEGER,
        func_ids TEXT NOT NULL,
        user_name TEXT NOT NULL,
        head_img TEXT NOT NULL
    );
    CREATE TABLE kv (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);"];

const LAST_EVENT_SEQ: &str = "last_event_seq";

/// A cache failure; shown to the user as an `EngineError` of kind `Storage`.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("the local cache failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the local cache is from a newer wxdesk (schema {found}, this build knows {known})")]
    TooNew { found: i64, known: usize },
    #[error("the local cache's directory cannot be created: {0}")]
    Directory(std::io::Error),
}

impl From<CacheError> for EngineError {
    fn from(error: CacheError) -> Self {
        EngineError::new(ErrorKind::Storage, error.to_string())
    }
}

/// One profile's cache. The connection is behind a mutex; callers on the async side use `spawn_blocking`.
#[derive(Debug)]
pub struct Cache {
    conn: Mutex<Connection>,
}

impl Cache {
    /// Opens (creating when needed) the cache file at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, CacheError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(CacheError::Directory)?;
        }
        Cache::with_connection(Connection::open(path)?)
    }

    /// A cache that lives in memory only (tests).
    pub fn open_in_memory() -> Result<Self, CacheError> {
        Cache::with_connection(Connection::open_in_memory()?)
    }

    fn with_connection(mut conn: Connection) -> Result<Self, CacheError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn, MIGRATIONS)?;
        Ok(Cache { conn: Mutex::new(conn) })
    }

    /// The schema version (`user_version`).
    pub fn schema_version(&self) -> Result<i64, CacheError> {
        Ok(self.lock().query_row("PRAGMA user_version", [], |row| row.get(0))?)
    }

    /// Every cached authorizer, most recently authorized first.
    pub fn authorizers(&self) -> Result<Vec<AuthorizerRow>, CacheError> {
        let conn = self.lock();
        let mut statement = conn.prepare(
            "SELECT appid, nick_name, kind, principal_name, verify_type, service_type, authorized_at, revoked_at,
                    func_ids, user_name, head_img
             FROM authorizers ORDER BY authorized_at DESC, appid",
        )?;
        let rows = statement.query_map([], |row| {
            let kind: String = row.get(2)?;
            let verify_type: i32 = row.get(4)?;
            let func_ids: String = row.get(8)?;
            Ok(AuthorizerRow {
                appid: row.get(0)?,
                nick_name: row.get(1)?,
                kind: if kind == AccountKind::OfficialAccount.as_str() {
                    AccountKind::OfficialAccount
                } else {
                    AccountKind::MiniProgram
                },
                principal_name: row.get(3)?,
                verified: verify_type >= 0,
                verify_type,
                service_type: row.get(5)?,
                authorized_at: row.get(6)?,
                revoked_at: row.get(7)?,
                func_ids: func_ids.split(',').filter_map(|id| id.parse().ok()).collect(),
                user_name: row.get(9)?,
                head_img: row.get(10)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Replaces the cached list with `rows` in one transaction, so a reader never sees half a list.
    pub fn replace_authorizers(&self, rows: &[AuthorizerRow]) -> Result<(), CacheError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM authorizers", [])?;
        {
            let mut insert = tx.prepare(
                "INSERT OR REPLACE INTO authorizers (appid, nick_name, kind, principal_name, verify_type, service_type,
                     authorized_at, revoked_at, func_ids, user_name, head_img)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            for row in rows {
                let func_ids: Vec<String> = row.func_ids.iter().map(u32::to_string).collect();
                insert.execute(params![
                    row.appid,
                    row.nick_name,
                    row.kind.as_str(),
                    row.principal_name,
                    row.verify_type,
                    row.service_type,
                    row.authorized_at,
                    row.revoked_at,
                    func_ids.join(","),
                    row.user_name,
                    row.head_img,
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The `seq` of the last hub event delivered, so a restart does not replay the stream.
    pub fn last_event_seq(&self) -> Result<Option<i64>, CacheError> {
        let value: Option<String> = self
            .lock()
            .query_row("SELECT value FROM kv WHERE key = ?1", [LAST_EVENT_SEQ], |row| {
                row.get(0)
            })
            .optional()?;
        Ok(value.and_then(|v| v.parse().ok()))
    }

    pub fn set_last_event_seq(&self, seq: i64) -> Result<(), CacheError> {
        self.lock().execute(
            "INSERT INTO kv (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![LAST_EVENT_SEQ, seq.to_string()],
        )?;
        Ok(())
    }

    /// Forgets the position, for a hub whose stream starts afresh.
    pub fn clear_last_event_seq(&self) -> Result<(), CacheError> {
        self.lock().execute("DELETE FROM kv WHERE key = ?1", [LAST_EVENT_SEQ])?;
        Ok(())
    }

    /// A panic while holding the lock cannot leave SQLite half-written (transactions roll back), so a poisoned lock
    /// is safe to keep using.
    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Applies the migrations after the current `user_version`, each in its own transaction with its version bump.
fn migrate(conn: &mut Connection, migrations: &[&str]) -> Result<(), CacheError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let applied = usize::try_from(version).unwrap_or(0);
    if applied > migrations.len() {
        return Err(CacheError::TooNew {
            found: version,
            known: migrations.len(),
        });
    }
    for (index, migration) in migrations.iter().enumerate().skip(applied) {
        let tx = conn.transaction()?;
        tx.execute_batch(migration)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(appid: &str, authorized_at: i64) -> AuthorizerRow {
        AuthorizerRow {
            appid: appid.into(),
            nick_name: format!("商户 {appid}"),
            kind: AccountKind::OfficialAccount,
            principal_name: "某某有限公司".into(),
            verified: true,
            verify_type: 0,
            authorized_at,
            revoked_at: Some(authorized_at + 10),
            func_ids: vec![1, 15, 24],
            user_name: "gh_0123456789ab".into(),
            head_img: String::new(),
            service_type: 2,
        }
    }

    #[test]
    fn a_fresh_cache_runs_every_migration() {
        let cache = Cache::open_in_memory().expect("open");
        assert_eq!(cache.schema_version().expect("version"), MIGRATIONS.len() as i64);
        assert!(cache.authorizers().expect("list").is_empty());
    }

    #[test]
    fn migrations_resume_after_the_recorded_version_and_run_once() {
        let mut conn = Connection::open_in_memory().expect("open");
        let first = ["CREATE TABLE a (x INTEGER)"];
        migrate(&mut conn, &first).expect("first");
        conn.execute("INSERT INTO a VALUES (1)", []).expect("insert");
        // A later build appends a migration; the first one must not run again (it would fail: table exists).
        let later = ["CREATE TABLE a (x INTEGER)", "ALTER TABLE a ADD COLUMN y TEXT"];
        migrate(&mut conn, &later).expect("later");
        migrate(&mut conn, &later).expect("idempotent");
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(version, 2);
        let count: i64 = conn
            .query_row("SELECT count(*) FROM a WHERE y IS NULL", [], |r| r.get(0))
            .expect("count");
        assert_eq!(count, 1);
    }

    #[test]
    fn a_failing_migration_leaves_the_version_unchanged() {
        let mut conn = Connection::open_in_memory().expect("open");
        let broken = ["CREATE TABLE a (x INTEGER)", "THIS IS NOT SQL"];
        assert!(migrate(&mut conn, &broken).is_err());
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(version, 1);
    }

    #[test]
    fn a_cache_from_a_newer_build_is_refused() {
        let mut conn = Connection::open_in_memory().expect("open");
        conn.pragma_update(None, "user_version", 99).expect("bump");
        assert!(matches!(
            migrate(&mut conn, MIGRATIONS),
            Err(CacheError::TooNew { found: 99, .. })
        ));
    }

    #[test]
    fn authorizers_round_trip_and_replace_the_whole_list() {
        let cache = Cache::open_in_memory().expect("open");
        cache
            .replace_authorizers(&[row("wx0000000000000001", 100), row("wx0000000000000002", 200)])
            .expect("save");
        let listed = cache.authorizers().expect("list");
        assert_eq!(
            listed,
            vec![row("wx0000000000000002", 200), row("wx0000000000000001", 100)]
        );
        cache
            .replace_authorizers(&[row("wx0000000000000003", 300)])
            .expect("replace");
        let appids: Vec<String> = cache
            .authorizers()
            .expect("list")
            .into_iter()
            .map(|r| r.appid)
            .collect();
        assert_eq!(appids, vec!["wx0000000000000003"]);
    }

    #[test]
    fn the_event_position_is_remembered_in_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sandbox").join("cache.sqlite");
        let cache = Cache::open(&path).expect("open");
        assert_eq!(cache.last_event_seq().expect("read"), None);
        cache.set_last_event_seq(41).expect("write");
        cache.set_last_event_seq(42).expect("overwrite");
        drop(cache);
        let reopened = Cache::open(&path).expect("reopen");
        assert_eq!(reopened.last_event_seq().expect("read"), Some(42));
    }
}
