//! The runner: one driver task per job while it runs. A driver runs the kind's preparation and, beside it, claims due
//! items in batches and works them with at most `Kind::concurrency` calls in flight, committing each step's outcome
//! before that item's next step; it stops claiming when the job's state changes, lets the steps in flight finish, and
//! hands back the claims it never started. `job_progress` events are coalesced to one per `PROGRESS_EVERY`.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt as _;
use futures_util::stream::FuturesUnordered;
use tokio::sync::{Semaphore, watch};
use tokio::time::Instant;

use super::super::store::StoreError;
use super::super::store::jobs::{self as rows, ItemRow, ItemUpdate, JobRow};
use super::super::{Hub, now_secs};
use super::audit_batch::{AuditBatch, BatchAction};
use super::deploy::Deployment;
use super::kind::{Halt, Kind, Outcome, Step};
use super::pace::Pacer;
use super::sync::AuthorizerSync;
use super::{JobsConfig, emit_progress};
use crate::hubapi::{JobId, JobKind, JobState};

/// At most this often a `job_progress` event while items finish (state changes are sent at once).
const PROGRESS_EVERY: Duration = Duration::from_millis(250);
/// Steps in flight per call slot: the others wait for a slot or for their outcome's commit, so a slow fsync never
/// leaves a slot idle. Claims come in batches twice that size, fetched before the queue runs dry.
const PIPELINE: usize = 4;
/// How long a driver with nothing due waits before looking again (an item may wait for a push without a time).
const IDLE_RECHECK: Duration = Duration::from_secs(60);
/// The key of the job's params that says which waves may run; the runner's own, next to the kind's keys.
pub(super) const OPEN_WAVE: &str = "open_wave";

/// The drivers of one hub and what they share: the pacing of platform calls and the settings.
pub struct Runner {
    /// Each driver's wake-up channel; the value counts state changes, so a driver about to retire can tell whether
    /// it was woken after it last looked.
    drivers: Mutex<HashMap<JobId, watch::Sender<u64>>>,
    pacer: Pacer,
    pub config: JobsConfig,
}

impl Runner {
    pub fn new(config: JobsConfig) -> Self {
        Self {
            drivers: Mutex::default(),
            pacer: Pacer::new(config.calls_per_minute),
            config,
        }
    }

    /// Waits for a slot of the calls-per-minute limit, for hub work outside jobs (the audit keeper's polls).
    pub async fn pace(&self) {
        self.pacer.acquire().await;
    }

    /// The job's state changed: its driver looks again; a running job without a driver gets one.
    pub fn wake(&self, hub: &Arc<Hub>, job: &JobRow) {
        self.start_or(hub, job, |driver| driver.send_modify(|seen| *seen += 1));
    }

    /// A running job gets a driver if it has none; a driver it has is left undisturbed.
    pub fn ensure(&self, hub: &Arc<Hub>, job: &JobRow) {
        self.start_or(hub, job, |_| {});
    }

    fn start_or(&self, hub: &Arc<Hub>, job: &JobRow, existing: impl FnOnce(&watch::Sender<u64>)) {
        let Ok(mut drivers) = self.drivers.lock() else {
            return;
        };
        if let Some(driver) = drivers.get(&job.id) {
            existing(driver);
            return;
        }
        if job.state != JobState::Running {
            return;
        }
        let (sender, receiver) = watch::channel(0);
        match job.kind {
            JobKind::AuthorizerSync => {
                tokio::spawn(drive(hub.clone(), job.id, AuthorizerSync, receiver));
            }
            JobKind::Deployment => {
                tokio::spawn(drive(hub.clone(), job.id, Deployment::default(), receiver));
            }
            JobKind::AuditRelease => {
                tokio::spawn(drive(hub.clone(), job.id, AuditBatch(BatchAction::Release), receiver));
            }
            JobKind::AuditSpeedup => {
                tokio::spawn(drive(hub.clone(), job.id, AuditBatch(BatchAction::Speedup), receiver));
            }
            other => {
                tracing::warn!(
                    job = job.id,
                    kind = other.as_str(),
                    "this build cannot run this kind of job"
                );
                return;
            }
        }
        drivers.insert(job.id, sender);
    }

    /// Removes a driver that saw the job stopped, unless it was woken since (`seen`): then it must look again.
    fn retire(&self, id: JobId, seen: u64) -> bool {
        let Ok(mut drivers) = self.drivers.lock() else {
            return true;
        };
        if drivers.get(&id).is_some_and(|driver| *driver.borrow() != seen) {
            return false;
        }
        drivers.remove(&id);
        true
    }

    fn forget(&self, id: JobId) {
        if let Ok(mut drivers) = self.drivers.lock() {
            drivers.remove(&id);
        }
    }
}

async fn drive<K: Kind>(hub: Arc<Hub>, id: JobId, kind: K, mut wake: watch::Receiver<u64>) {
    let mut stop = hub.stop.clone();
    loop {
        let seen = *wake.borrow_and_update();
        if stopped(&stop) {
            hub.jobs.forget(id);
            return;
        }
        let job = match hub.store.read(move |conn| rows::job(conn, id)).await {
            Ok(Some(job)) => job,
            Ok(None) => {
                hub.jobs.forget(id);
                return;
            }
            Err(error) => {
                tracing::error!(job = id, %error, "job not read; a restart resumes it");
                hub.jobs.forget(id);
                return;
            }
        };
        if job.state != JobState::Running {
            if hub.jobs.retire(id, seen) {
                return;
            }
            continue;
        }
        if let Err(error) = run(&hub, &kind, job, &mut wake, &mut stop).await {
            tracing::error!(job = id, %error, "job stopped on a database error; a restart resumes it");
            hub.jobs.forget(id);
            return;
        }
    }
}

/// Why a driver stopped starting steps.
enum Stopping {
    /// An operator changed the job's state (or the hub is stopping): look again once the steps in flight are done.
    Woken,
    /// A step found the job cannot go on.
    Halt(Halt),
}

type Claim<'a> = Pin<Box<dyn Future<Output = Result<Vec<ItemRow>, StoreError>> + Send + 'a>>;
type Preparing<'a> = Pin<Box<dyn Future<Output = Result<Result<bool, Halt>, StoreError>> + Send + 'a>>;

/// One piece of the kind's preparation, on the job as it now is (the last piece moved its params on).
fn prepare_next<'a, K: Kind>(hub: &'a Arc<Hub>, kind: &'a K, id: JobId) -> Preparing<'a> {
    Box::pin(async move {
        let Some(job) = hub.store.read(move |conn| rows::job(conn, id)).await? else {
            return Ok(Ok(true));
        };
        Ok(kind.prepare(hub, &job).await)
    })
}

/// Works a running job until it leaves `running` (by itself or by an operator) or the hub stops. The preparation
/// runs beside the steps: an item is worked as soon as the piece that created it is committed.
async fn run<K: Kind>(
    hub: &Arc<Hub>,
    kind: &K,
    job: JobRow,
    wake: &mut watch::Receiver<u64>,
    stop: &mut watch::Receiver<bool>,
) -> Result<(), StoreError> {
    let id = job.id;
    let mut progress = Progress::default();
    let concurrency = kind.concurrency().max(1);
    let calls = Semaphore::new(concurrency);
    // Cleared once the driver is stopping: a step still waiting for its slot then never starts.
    let starting = AtomicBool::new(true);
    let mut open_wave = job.params[OPEN_WAVE].as_i64().unwrap_or(0);
    let mut preparing = Some(prepare_next(hub, kind, id));
    let mut prepared = false;
    let mut queue: VecDeque<ItemRow> = VecDeque::new();
    let mut in_flight = FuturesUnordered::new();
    let mut claim: Option<Claim<'_>> = None;
    // The last claim found nothing due: claim again only when something may have become due.
    let mut drained = false;
    let mut stopping: Option<Stopping> = None;
    let mut unstarted: Vec<String> = Vec::new();
    loop {
        if stopping.is_some() {
            starting.store(false, Ordering::Relaxed);
        }
        if stopping.is_none() && claim.is_none() && !drained && queue.len() < concurrency * PIPELINE {
            let batch = (concurrency * PIPELINE * 2) as i64;
            claim =
                Some(Box::pin(hub.store.write(move |conn| {
                    rows::claim_items(conn, id, open_wave, now_secs(), batch)
                })));
        }
        while stopping.is_none() && in_flight.len() < concurrency * PIPELINE {
            let Some(item) = queue.pop_front() else {
                break;
            };
            in_flight.push(work(hub, kind, &job, item, &calls, &starting));
        }
        let idle = in_flight.is_empty() && claim.is_none() && preparing.is_none();
        if idle && (stopping.is_some() || queue.is_empty()) {
            if stopping.is_some() || !prepared {
                break;
            }
            match next_move(hub, kind, &job, open_wave).await? {
                Next::Claim => drained = false,
                Next::OpenWave(wave) => {
                    open_wave = wave;
                    let params = with_key(&job.params, OPEN_WAVE, wave.into());
                    hub.store
                        .write(move |conn| rows::set_job_params(conn, id, &params, now_secs()))
                        .await?;
                    drained = false;
                }
                Next::Wait(until) => {
                    tokio::select! {
                        _ = tokio::time::sleep_until(until) => drained = false,
                        _ = wake.changed() => stopping = Some(Stopping::Woken),
                        _ = stop.changed() => stopping = Some(Stopping::Woken),
                    }
                }
                Next::Settle(state, halt) => {
                    progress.flush(hub, id).await;
                    return settle(hub, id, state, halt).await;
                }
            }
            continue;
        }
        tokio::select! {
            piece = poll_some(&mut preparing) => {
                preparing = None;
                match piece? {
                    Ok(true) => prepared = true,
                    Ok(false) if stopping.is_none() => preparing = Some(prepare_next(hub, kind, id)),
                    Ok(false) => {}
                    Err(halt) => {
                        stopping.get_or_insert(Stopping::Halt(halt));
                    }
                }
                // The piece may have added items: claim again.
                drained = false;
                progress.touch(hub, id);
            }
            claimed = poll_some(&mut claim) => {
                claim = None;
                let claimed = claimed?;
                drained = claimed.is_empty();
                queue.extend(claimed);
            }
            Some(finished) = in_flight.next() => {
                match finished? {
                    Finished::Done => {}
                    Finished::Later => drained = false,
                    Finished::Unstarted(appid) => unstarted.push(appid),
                    Finished::Halt(halt) => {
                        stopping.get_or_insert(Stopping::Halt(halt));
                    }
                }
                progress.touch(hub, id);
            }
            _ = wake.changed(), if stopping.is_none() => stopping = Some(Stopping::Woken),
            _ = stop.changed(), if stopping.is_none() => stopping = Some(Stopping::Woken),
            _ = progress.due(), if progress.dirty => progress.send(hub, id),
        }
    }
    // Claims never started go back to pending (an item an operator cancelled meanwhile stays cancelled).
    unstarted.extend(queue.into_iter().map(|item| item.appid));
    if !unstarted.is_empty() {
        hub.store
            .write(move |conn| rows::release_items(conn, id, &unstarted, now_secs()))
            .await?;
    }
    progress.flush(hub, id).await;
    match stopping {
        Some(Stopping::Halt(halt)) => settle(hub, id, JobState::Halted, Some(halt)).await,
        _ => Ok(()),
    }
}

/// The hub is stopping, or its handle is gone (which stops its server too).
fn stopped(stop: &watch::Receiver<bool>) -> bool {
    *stop.borrow() || stop.has_changed().is_err()
}

/// A copy of a job's params with `key` set; params that are not an object (a damaged row) start afresh.
pub fn with_key(params: &serde_json::Value, key: &str, value: serde_json::Value) -> serde_json::Value {
    let mut map = params.as_object().cloned().unwrap_or_default();
    map.insert(key.to_owned(), value);
    serde_json::Value::Object(map)
}

/// The future in `slot`, or never when there is none (a `select!` branch that is off).
async fn poll_some<T>(slot: &mut Option<Pin<Box<dyn Future<Output = T> + Send + '_>>>) -> T {
    match slot {
        Some(future) => future.await,
        None => std::future::pending().await,
    }
}

/// How a step ended, for the driver.
enum Finished {
    Done,
    /// The driver began stopping before the step got its slot: it never ran.
    Unstarted(String),
    /// The item waits for a later time: something may be due before the driver's last claim said.
    Later,
    Halt(Halt),
}

/// One step of one item: wait for a call slot and the pacer, run the step, free the slot, commit the outcome.
async fn work<K: Kind>(
    hub: &Arc<Hub>,
    kind: &K,
    job: &JobRow,
    item: ItemRow,
    calls: &Semaphore,
    starting: &AtomicBool,
) -> Result<Finished, StoreError> {
    let step = {
        // The semaphore is never closed; were it, the step would simply run without a slot.
        let _slot = calls.acquire().await.ok();
        hub.jobs.pacer.acquire().await;
        if !starting.load(Ordering::Relaxed) {
            return Ok(Finished::Unstarted(item.appid));
        }
        kind.step(hub, job, &item).await
    };
    commit(hub, job.id, item, step).await
}

/// Commits a step's outcome with the kind's own write, in one transaction.
async fn commit(hub: &Hub, id: JobId, item: ItemRow, step: Step) -> Result<Finished, StoreError> {
    let Step { outcome, write } = step;
    let finished = match &outcome {
        Outcome::Finished { .. } => Finished::Done,
        Outcome::Later { .. } => Finished::Later,
        Outcome::Halt(halt) => Finished::Halt(halt.clone()),
    };
    hub.store
        .write(move |conn| {
            if let Some(write) = write {
                write(conn)?;
            }
            let now = now_secs();
            let (state, step, next_at, error) = match &outcome {
                Outcome::Finished { state, error } => (*state, item.step.as_str(), None, error),
                Outcome::Later {
                    state,
                    step,
                    next_at,
                    error,
                } => (*state, step.as_str(), Some(*next_at), error),
                Outcome::Halt(_) => {
                    rows::release_items(conn, id, std::slice::from_ref(&item.appid), now)?;
                    return Ok(());
                }
            };
            let update = ItemUpdate {
                state,
                step,
                next_at,
                errcode: error.as_ref().and_then(|e| e.errcode),
                message: error.as_ref().map(|e| e.message.as_str()),
            };
            rows::update_item(conn, id, &item.appid, &update, now)?;
            Ok(())
        })
        .await?;
    Ok(finished)
}

/// What a driver with nothing claimed and nothing in flight does next.
enum Next {
    /// Items are due after all (one finished as `Later` and is due already).
    Claim,
    /// The open waves are finished and the gate lets the next one start.
    OpenWave(i64),
    /// Nothing is due before this instant.
    Wait(Instant),
    /// The job leaves `running`: completed, waiting for approval, or halted by the kind's `finish`.
    Settle(JobState, Option<Halt>),
}

async fn next_move<K: Kind>(hub: &Arc<Hub>, kind: &K, job: &JobRow, open_wave: i64) -> Result<Next, StoreError> {
    let id = job.id;
    let (lowest, due) = hub
        .store
        .read(move |conn| {
            Ok((
                rows::lowest_unfinished_wave(conn, id)?,
                rows::next_due(conn, id, open_wave)?,
            ))
        })
        .await?;
    Ok(match lowest {
        // The preparation moved the params on since the driver read the job: finish judges the job as it now is.
        None => match kind.finish(hub, &reload(hub, job).await?).await {
            Ok(()) => Next::Settle(JobState::Completed, None),
            Err(halt) => Next::Settle(JobState::Halted, Some(halt)),
        },
        Some(wave) if wave > open_wave => match kind.waits_for_approval(job) {
            false => Next::OpenWave(wave),
            true => Next::Settle(JobState::WaitingApproval, None),
        },
        Some(_) => {
            let wait = due.map_or(IDLE_RECHECK, |at| {
                Duration::from_secs(u64::try_from(at - now_secs()).unwrap_or(0)).min(IDLE_RECHECK)
            });
            if wait.is_zero() {
                Next::Claim
            } else {
                Next::Wait(Instant::now() + wait)
            }
        }
    })
}

async fn reload(hub: &Hub, job: &JobRow) -> Result<JobRow, StoreError> {
    let id = job.id;
    let fresh = hub.store.read(move |conn| rows::job(conn, id)).await?;
    Ok(fresh.unwrap_or_else(|| job.clone()))
}

/// Moves a running job to `state` unless an operator moved it first, and says so on the event stream.
async fn settle(hub: &Arc<Hub>, id: JobId, state: JobState, halt: Option<Halt>) -> Result<(), StoreError> {
    let reason = halt.map(|h| h.0);
    let log_reason = reason.clone();
    let moved = hub
        .store
        .write(move |conn| {
            let running = rows::job(conn, id)?.is_some_and(|job| job.state == JobState::Running);
            if running {
                rows::set_job_state(conn, id, state, reason.as_deref(), now_secs())?;
            }
            Ok(running)
        })
        .await?;
    if moved {
        match &log_reason {
            Some(reason) => tracing::warn!(job = id, state = state.as_str(), reason, "job stopped itself"),
            None => tracing::info!(job = id, state = state.as_str(), "job moved on"),
        }
        emit_progress(hub, id).await;
    }
    Ok(())
}

/// Coalesces `job_progress` events: at most one per `PROGRESS_EVERY`, sent from a task of its own so the driver
/// never waits for it, and always one more once the driver is done.
#[derive(Default)]
struct Progress {
    dirty: bool,
    last: Option<Instant>,
    sending: Option<tokio::task::JoinHandle<()>>,
}

impl Progress {
    /// Counts changed; sends at once if the last event is old enough, else marks the change for `due`.
    fn touch(&mut self, hub: &Arc<Hub>, id: JobId) {
        self.dirty = true;
        if self.last.is_none_or(|last| last.elapsed() >= PROGRESS_EVERY) {
            self.send(hub, id);
        }
    }

    async fn due(&self) {
        let last = self.last.unwrap_or_else(Instant::now);
        tokio::time::sleep_until(last + PROGRESS_EVERY).await;
    }

    fn send(&mut self, hub: &Arc<Hub>, id: JobId) {
        if self.sending.as_ref().is_some_and(|task| !task.is_finished()) {
            // The event on its way is slow (a busy store): try again one interval later rather than pile up.
            self.last = Some(Instant::now());
            return;
        }
        self.dirty = false;
        self.last = Some(Instant::now());
        let hub = hub.clone();
        self.sending = Some(tokio::spawn(async move { emit_progress(&hub, id).await }));
    }

    /// Waits for the event on its way, then sends the last one if anything changed since.
    async fn flush(&mut self, hub: &Arc<Hub>, id: JobId) {
        if let Some(task) = self.sending.take() {
            let _ = task.await;
        }
        if self.dirty {
            self.dirty = false;
            emit_progress(hub, id).await;
        }
    }
}
