//! The 全网发布 access check's steps (wechat-api.md §14.2): appended as the hub answers them, read back as the last run.

use rusqlite::{Connection, OptionalExtension, params};

use crate::hubapi::{ReleaseCheckRun, ReleaseCheckStep};

use super::StoreError;

type Result<T> = std::result::Result<T, StoreError>;

/// Steps further apart than this belong to different runs: the platform's check takes well under a minute.
const RUN_GAP_SECS: i64 = 600;

/// Appends a step and returns its row id; `starts_run` (the `authorized` of step 2) opens a new run, as does a
/// step long after the last.
pub fn record_step(conn: &Connection, group: Option<u8>, step: &ReleaseCheckStep, starts_run: bool) -> Result<i64> {
    let last: Option<(i64, i64)> = conn
        .query_row(
            "SELECT run_started_at, MAX(at) FROM release_check_steps
             WHERE run_started_at = (SELECT MAX(run_started_at) FROM release_check_steps)
             GROUP BY run_started_at",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let run_started_at = match last {
        Some((started, last_at)) if !starts_run && step.at - last_at <= RUN_GAP_SECS => started,
        // A new run never sorts before the one it follows, even within one second.
        Some((started, _)) => step.at.max(started + 1),
        None => step.at,
    };
    conn.execute(
        "INSERT INTO release_check_steps (run_started_at, test_group, step, ok, detail, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![run_started_at, group, step.step, step.ok, step.detail, step.at],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Settles a step recorded before its outcome was known (step 2 waits for its exchange): its outcome, detail and
/// time; its place in the run stays.
pub fn settle_step(conn: &Connection, id: i64, step: &ReleaseCheckStep) -> Result<()> {
    conn.execute(
        "UPDATE release_check_steps SET ok = ?2, detail = ?3, at = ?4 WHERE id = ?1",
        params![id, step.ok, step.detail, step.at],
    )?;
    Ok(())
}

/// The last run, its steps in the order they were recorded.
pub fn last_run(conn: &Connection) -> Result<Option<ReleaseCheckRun>> {
    let mut stmt = conn.prepare_cached(
        "SELECT run_started_at, test_group, step, ok, detail, at FROM release_check_steps
         WHERE run_started_at = (SELECT MAX(run_started_at) FROM release_check_steps) ORDER BY id",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, Option<u8>>(1)?,
            ReleaseCheckStep {
                step: row.get(2)?,
                ok: row.get(3)?,
                detail: row.get(4)?,
                at: row.get(5)?,
            },
        ))
    })?;
    let mut run: Option<ReleaseCheckRun> = None;
    for row in rows {
        let (started_at, group, step) = row?;
        let run = run.get_or_insert_with(|| ReleaseCheckRun {
            group: None,
            started_at,
            steps: Vec::new(),
            passed: true,
        });
        run.group = run.group.or(group);
        run.passed &= step.ok;
        run.steps.push(step);
    }
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(name: &str, ok: bool, at: i64) -> ReleaseCheckStep {
        ReleaseCheckStep {
            step: name.into(),
            ok,
            detail: String::new(),
            at,
        }
    }

    #[test]
    fn the_last_run_is_the_steps_since_the_last_authorized() {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrations::migrate(&mut conn).unwrap();
        assert_eq!(last_run(&conn).unwrap(), None);
        let opened = record_step(&conn, Some(1), &step("authorized", false, 100), true).unwrap();
        record_step(&conn, Some(1), &step("text_callback", true, 101), false).unwrap();
        assert!(!last_run(&conn).unwrap().unwrap().passed, "step 2 is not settled yet");
        settle_step(&conn, opened, &step("authorized", true, 102)).unwrap();
        assert!(last_run(&conn).unwrap().unwrap().passed);
        record_step(&conn, Some(1), &step("event_callback", false, 103), false).unwrap();
        assert!(!last_run(&conn).unwrap().unwrap().passed);
        record_step(&conn, Some(2), &step("authorized", true, 101), true).unwrap();
        record_step(&conn, Some(2), &step("text_callback", true, 102), false).unwrap();
        let run = last_run(&conn).unwrap().unwrap();
        assert_eq!((run.group, run.steps.len(), run.passed), (Some(2), 2, true));
        // Long after, a lone step is a run of its own.
        record_step(&conn, Some(3), &step("event_callback", true, 5000), false).unwrap();
        assert_eq!(last_run(&conn).unwrap().unwrap().started_at, 5000);
    }
}
