//! The hub's SQLite store: one writer thread that commits jobs in batches, one reader connection, WAL mode.
//!
//! Every write is a closure run inside its own savepoint of a batch transaction; its caller hears back only after
//! the batch is committed (synchronous = FULL), so "answered" always means "on disk". Batching is what lets push
//! intake keep thousands of pushes per second with an fsync per commit.

pub mod admin;
pub mod audits;
pub mod jobs;
mod migrations;
pub mod queries;
pub mod registrations;
pub mod release_check;

use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};

/// The most jobs committed in one transaction; bounds the latency one slow batch adds to the next.
const MAX_BATCH: usize = 512;

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(String),
    #[error("the database writer has stopped")]
    WriterGone,
    #[error("database file {path}: {reason}")]
    Open { path: String, reason: String },
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Db(error.to_string())
    }
}

/// A write queued for the writer thread: `run` inside the batch, `finish` once the batch's fate is known.
trait Job: Send {
    /// Runs the write against the batch's savepoint; `false` rolls the savepoint back.
    fn run(&mut self, conn: &Connection) -> bool;
    /// Reports the write's result, or the batch's failure, to whoever is waiting.
    fn finish(self: Box<Self>, commit: Result<(), StoreError>);
}

struct Task<T, F, R> {
    write: Option<F>,
    result: Option<Result<T, StoreError>>,
    reply: R,
}

impl<T, F, R> Job for Task<T, F, R>
where
    T: Send,
    F: FnOnce(&Connection) -> Result<T, StoreError> + Send,
    R: FnOnce(Result<T, StoreError>) + Send,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let result = match self.write.take() {
            Some(write) => write(conn),
            None => Err(StoreError::Db("write ran twice".into())),
        };
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn finish(self: Box<Self>, commit: Result<(), StoreError>) {
        let result = self
            .result
            .unwrap_or_else(|| Err(StoreError::Db("write did not run".into())));
        (self.reply)(commit.and(result));
    }
}

/// The handle every part of the hub shares. Cloning is cheap.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    writer: Mutex<Option<mpsc::Sender<Box<dyn Job>>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    reader: Mutex<Connection>,
}

impl Store {
    /// Opens (or creates) the database, applies pending migrations and starts the writer thread.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let open_error = |e: rusqlite::Error| StoreError::Open {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        let mut writer = Connection::open(path).map_err(open_error)?;
        configure(&writer).map_err(open_error)?;
        migrations::migrate(&mut writer)?;
        let reader =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(open_error)?;
        reader
            .busy_timeout(std::time::Duration::from_secs(5))
            .map_err(open_error)?;
        let (sender, receiver) = mpsc::channel::<Box<dyn Job>>();
        let thread = std::thread::Builder::new()
            .name("hub-store-writer".into())
            .spawn(move || writer_loop(writer, receiver))
            .map_err(|e| StoreError::Open {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
        Ok(Self {
            inner: Arc::new(Inner {
                writer: Mutex::new(Some(sender)),
                thread: Mutex::new(Some(thread)),
                reader: Mutex::new(reader),
            }),
        })
    }

    /// Runs `f` in the writer's transaction and returns its result once the transaction is committed.
    pub async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (sender, receiver) = tokio::sync::oneshot::channel();
        self.submit(f, move |outcome| {
            let _ = sender.send(outcome);
        })?;
        receiver.await.map_err(|_| StoreError::WriterGone)?
    }

    /// `write` for callers outside the async runtime (the command line, `HubHandle::add_operator`).
    pub fn write_blocking<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (sender, receiver) = mpsc::sync_channel(1);
        self.submit(f, move |outcome| {
            let _ = sender.send(outcome);
        })?;
        receiver.recv().map_err(|_| StoreError::WriterGone)?
    }

    fn submit<T, F, R>(&self, f: F, reply: R) -> Result<(), StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
        R: FnOnce(Result<T, StoreError>) + Send + 'static,
    {
        let job: Box<dyn Job> = Box::new(Task {
            write: Some(f),
            result: None,
            reply,
        });
        let writer = self.inner.writer.lock().map_err(|_| StoreError::WriterGone)?;
        writer
            .as_ref()
            .ok_or(StoreError::WriterGone)?
            .send(job)
            .map_err(|_| StoreError::WriterGone)
    }

    /// Runs a read on the reader connection, off the async runtime's threads.
    pub async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.read_blocking(f))
            .await
            .map_err(|_| StoreError::WriterGone)?
    }

    pub fn read_blocking<T>(&self, f: impl FnOnce(&Connection) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let reader = self
            .inner
            .reader
            .lock()
            .map_err(|_| StoreError::Db("reader lock poisoned".into()))?;
        f(&reader)
    }

    /// Stops the writer after the jobs already queued; later writes fail with `WriterGone`.
    pub fn close(&self) {
        if let Ok(mut writer) = self.inner.writer.lock() {
            writer.take();
        }
        let thread = self.inner.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(thread) = thread {
            let _ = thread.join();
        }
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: a commit is on disk before the hub answers `success`; the batching pays for the fsync.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

fn writer_loop(mut conn: Connection, jobs: mpsc::Receiver<Box<dyn Job>>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        run_batch(&mut conn, batch);
    }
}

fn run_batch(conn: &mut Connection, mut batch: Vec<Box<dyn Job>>) {
    let mut tx = match conn.transaction() {
        Ok(tx) => tx,
        Err(e) => {
            let error = StoreError::from(e);
            batch.into_iter().for_each(|job| job.finish(Err(error.clone())));
            return;
        }
    };
    let mut released = Vec::with_capacity(batch.len());
    let mut poisoned = None;
    for job in &mut batch {
        let outcome = match tx.savepoint() {
            Ok(savepoint) => {
                if job.run(&savepoint) {
                    savepoint.commit().map_err(StoreError::from)
                } else {
                    // Roll back this job alone; if even that fails, its half-write must not reach the commit.
                    if let Err(e) = savepoint.finish() {
                        poisoned = Some(StoreError::from(e));
                    }
                    Ok(())
                }
            }
            Err(e) => Err(StoreError::from(e)),
        };
        released.push(outcome);
    }
    let commit = match poisoned {
        Some(error) => Err(error), // dropping `tx` rolls the whole batch back
        None => tx.commit().map_err(StoreError::from),
    };
    for (job, outcome) in batch.into_iter().zip(released) {
        job.finish(outcome.and(commit.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("hub.sqlite3")).unwrap();
        (dir, store)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_write_rolls_back_alone_in_its_batch() {
        let (_dir, store) = open();
        let writes = (0..200).map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .write(move |conn| {
                        conn.execute(
                            "INSERT INTO tickets (ticket, received_at) VALUES (?1, 1)",
                            [i.to_string()],
                        )?;
                        if i % 10 == 0 {
                            return Err(StoreError::Db("refused".into()));
                        }
                        Ok(i)
                    })
                    .await
            })
        });
        let mut failed = 0;
        for write in writes.collect::<Vec<_>>() {
            if write.await.unwrap().is_err() {
                failed += 1;
            }
        }
        assert_eq!(failed, 20);
        let stored: i64 = store
            .read(|conn| Ok(conn.query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))?))
            .await
            .unwrap();
        assert_eq!(
            stored, 180,
            "the refused writes left nothing behind, the rest all landed"
        );
        store.close();
    }

    #[test]
    fn writes_are_on_disk_when_answered_and_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hub.sqlite3");
        let store = Store::open(&path).unwrap();
        store
            .write_blocking(|conn| queries::insert_ticket(conn, "ticket@@@a", 5))
            .unwrap();
        // Not closed: the next open must see the committed row as it would after a crash.
        let again = Store::open(&path).unwrap();
        assert_eq!(
            again.read_blocking(queries::newest_ticket).unwrap(),
            Some(("ticket@@@a".into(), 5))
        );
        store.close();
        again.close();
        assert!(matches!(store.write_blocking(|_| Ok(())), Err(StoreError::WriterGone)));
    }
}
