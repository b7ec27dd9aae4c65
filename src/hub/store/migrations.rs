//! Append-only schema migrations keyed by SQLite's `user_version`, after cargo's `util/sqlite.rs`.
//!
//! Never edit or reorder an entry: a database at version N has run exactly the first N of them.

use rusqlite::Connection;

use super::StoreError;

/// Each entry moves the schema one version forward.
const MIGRATIONS: &[&str] = &[
    // 1: the hub's first schema.
    r#"
    -- Every verified push, decrypted (no secrets: the provider's keys never enter a push).
    CREATE TABLE pushes (
        id INTEGER PRIMARY KEY,
        dedupe_key BLOB NOT NULL UNIQUE,
        url TEXT NOT NULL,
        appid TEXT,
        info_type TEXT,
        xml TEXT NOT NULL,
        received_at INTEGER NOT NULL
    );
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        data TEXT NOT NULL
    );
    CREATE INDEX events_kind ON events (kind, seq);
    CREATE TABLE tickets (
        id INTEGER PRIMARY KEY,
        ticket TEXT NOT NULL,
        received_at INTEGER NOT NULL
    );
    CREATE TABLE authorizers (
        appid TEXT PRIMARY KEY,
        kind TEXT,
        nick_name TEXT,
        principal_name TEXT,
        verify_type INTEGER,
        service_type INTEGER,
        user_name TEXT,
        head_img TEXT,
        func_ids TEXT NOT NULL DEFAULT '[]',
        authorized_at INTEGER NOT NULL,
        revoked_at INTEGER,
        info_updated_at INTEGER
    );
    -- ChaCha20-Poly1305 under the store key: nonce || ciphertext, bound to the row's name.
    CREATE TABLE refresh_tokens (
        appid TEXT PRIMARY KEY,
        sealed BLOB NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE TABLE access_tokens (
        name TEXT PRIMARY KEY,
        sealed BLOB NOT NULL,
        expires_at INTEGER NOT NULL
    );
    CREATE TABLE operators (
        name TEXT PRIMARY KEY,
        key_hash BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
    );
    CREATE TABLE activity (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        operator TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        result TEXT NOT NULL
    );
    "#,
    // 2: authorization codes that pushes carried, kept until their exchange has an outcome, so that a hub stopped
    // between storing an `authorized` push and exchanging its code retries the exchange when it starts again.
    r#"
    CREATE TABLE pending_codes (
        code TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
    );
    "#,
    // 3: the activity log records actions in words (hubapi::Activity): an outcome, why it failed, WeChat's errcode
    // and a detail. Rows of the old HTTP log are kept where they were writes, renamed to their action; reads and
    // long polls (most of the old rows) were never actions and go.
    r#"
    ALTER TABLE activity ADD COLUMN outcome TEXT NOT NULL DEFAULT 'ok';
    ALTER TABLE activity ADD COLUMN reason TEXT;
    ALTER TABLE activity ADD COLUMN errcode INTEGER;
    ALTER TABLE activity ADD COLUMN detail TEXT;
    DELETE FROM activity WHERE action LIKE 'GET %';
    UPDATE activity SET outcome = CASE WHEN result LIKE '2__' THEN 'ok' ELSE 'failed' END,
                        reason = CASE WHEN result LIKE '2__' THEN NULL ELSE 'HTTP ' || result END;
    UPDATE activity SET action = CASE action
        WHEN 'POST /api/v1/preauth' THEN 'preauth.create'
        WHEN 'POST /api/v1/authorizers/sync' THEN 'authorizers.sync'
        WHEN 'POST /api/v1/call' THEN 'call'
        ELSE action END;
    CREATE INDEX activity_operator ON activity (operator, seq);
    CREATE INDEX activity_action ON activity (action, seq);
    "#,
    // 4: durable jobs (DESIGN.md, "The hub's durable jobs"): a row per job, with the kind's own params as JSON, and a
    // row per merchant of it, so that every step's outcome is on disk before the next step and a restarted hub
    // resumes where it was.
    r#"
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        reason TEXT,
        params TEXT NOT NULL DEFAULT '{}',
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX jobs_kind_state ON jobs (kind, state);
    CREATE TABLE job_items (
        job_id INTEGER NOT NULL REFERENCES jobs (id),
        appid TEXT NOT NULL,
        wave INTEGER NOT NULL DEFAULT 0,
        step TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER,
        errcode INTEGER,
        message TEXT,
        auditid INTEGER,
        data TEXT NOT NULL DEFAULT '{}',
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (job_id, appid)
    ) WITHOUT ROWID;
    CREATE INDEX job_items_state ON job_items (job_id, state, wave);
    CREATE INDEX job_items_in_progress ON job_items (state) WHERE state = 'in_progress';
    "#,
    // 5: audits (DESIGN.md, "Audits"): every mini program's latest audit, fed by pushes, deployments, relayed calls
    // and polls; `floor_auditid` is the newest auditid known before a push told of an audit whose id is not known
    // yet (pushes carry none, §4.3), so that a stale poll answer cannot take that push's place. `audit_polls` is
    // the durable schedule of `get_latest_auditstatus` polls (a restarted hub goes on polling where it was);
    // `audit_screenshots` the rejection screenshots fetched with `get_material`, their bytes kept in the database.
    r#"
    CREATE TABLE audits (
        appid TEXT PRIMARY KEY,
        auditid INTEGER,
        floor_auditid INTEGER,
        user_version TEXT,
        user_desc TEXT,
        status TEXT NOT NULL,
        submitted_at INTEGER,
        resolved_at INTEGER,
        reasons TEXT NOT NULL DEFAULT '[]',
        screenshots TEXT NOT NULL DEFAULT '[]',
        source TEXT NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX audits_status ON audits (status, updated_at);
    CREATE TABLE audit_polls (
        appid TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        next_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    );
    CREATE INDEX audit_polls_next ON audit_polls (next_at);
    CREATE TABLE audit_screenshots (
        appid TEXT NOT NULL,
        media_id TEXT NOT NULL,
        content_type TEXT,
        bytes BLOB,
        fetched_at INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER,
        last_error TEXT,
        PRIMARY KEY (appid, media_id)
    ) WITHOUT ROWID;
    CREATE INDEX audit_screenshots_next ON audit_screenshots (next_at) WHERE next_at IS NOT NULL;
    "#,
    // 6: a gray release's percentage on the audit row (§6.11); the withdrawals made through this hub, counted
    // against the platform's daily and monthly limits (§6.8), which no call reports.
    r#"
    ALTER TABLE audits ADD COLUMN gray_percentage INTEGER;
    CREATE TABLE audit_withdrawals (
        appid TEXT NOT NULL,
        at INTEGER NOT NULL
    );
    CREATE INDEX audit_withdrawals_appid ON audit_withdrawals (appid, at);
    "#,
    // 7: registration tasks (DESIGN.md "Registrations"), one row per task the hub created.
    r#"
    CREATE TABLE registrations (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        status_code INTEGER,
        status_text TEXT,
        taskid TEXT NOT NULL UNIQUE,
        appid TEXT,
        authorize_url TEXT NOT NULL,
        label TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        -- While open: when the hub next asks the platform (`action=query`), and how many times it has.
        next_poll_at INTEGER,
        polls INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX registrations_open ON registrations (state, expires_at);
    "#,
    // The 全网发布 access check's steps as the hub answered them (wechat-api.md §14.2); a run is the steps that share
    // `run_started_at`, and only the last run is ever read.
    r#"
    CREATE TABLE release_check_steps (
        id INTEGER PRIMARY KEY,
        run_started_at INTEGER NOT NULL,
        test_group INTEGER,
        step TEXT NOT NULL,
        ok INTEGER NOT NULL,
        detail TEXT NOT NULL,
        at INTEGER NOT NULL
    );
    CREATE INDEX release_check_steps_run ON release_check_steps (run_started_at);
    "#,
];

/// Runs every migration the database has not seen yet, each in its own transaction with its version bump.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let version: usize = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version > MIGRATIONS.len() {
        return Err(StoreError::Db(format!(
            "the database is at schema version {version}, newer than this hub knows ({}); upgrade wxdesk",
            MIGRATIONS.len()
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_a_fresh_database_to_the_last_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let version: usize = conn.pragma_query_value(None, "user_version", |row| row.get(0)).unwrap();
        assert_eq!(version, MIGRATIONS.len());
        // Running again is a no-op, not an error.
        migrate(&mut conn).unwrap();
        conn.execute("INSERT INTO tickets (ticket, received_at) VALUES ('t', 1)", [])
            .unwrap();
    }

    #[test]
    fn refuses_a_database_from_a_newer_hub() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", MIGRATIONS.len() + 1).unwrap();
        assert!(migrate(&mut conn).is_err());
    }
}
