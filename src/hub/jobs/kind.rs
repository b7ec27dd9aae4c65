//! What a job kind gives the runner: work before the items, one step of one item, work after the last item, and
//! whether a wave waits for approval. The authorizer sync is the first kind; deployments plug in the same way.

use std::future::Future;
use std::sync::Arc;

use rusqlite::Connection;

use super::super::Hub;
use super::super::store::StoreError;
use super::super::store::jobs::{self as rows, ItemRow, JobRow};
use crate::hubapi::{ItemState, JobId};
use crate::wechat::WxError;

/// Why a job stopped itself; shown to operators as the job's `reason`. Resume continues from where it stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Halt(pub String);

/// A platform error as an item records it: WeChat's errcode when it answered, and a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepError {
    pub errcode: Option<i64>,
    pub message: String,
}

/// Where an item goes after one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Finished in `state` (done, failed, skipped, released…); it is not worked again unless an operator retries.
    Finished { state: ItemState, error: Option<StepError> },
    /// Waits in `state` (pending or waiting_audit) at `step` until `next_at`, then runs that step.
    Later {
        state: ItemState,
        step: String,
        next_at: i64,
        error: Option<StepError>,
    },
    /// The job cannot go on (no ticket, the audit quota): the item goes back to pending and the job halts.
    Halt(Halt),
}

/// A write the kind needs committed in the same transaction as the item's outcome (the sync: the account's info).
pub type StepWrite = Box<dyn FnOnce(&Connection) -> Result<(), StoreError> + Send>;

/// The result of one step: its outcome, and what to store with it.
pub struct Step {
    pub outcome: Outcome,
    pub write: Option<StepWrite>,
}

/// One kind of job. The runner owns the states, the claims, the commits, concurrency, pacing and events; a kind
/// only says what its work is. A step makes a few platform calls, at most one of them a write that cannot simply be
/// repeated (read back first when the step runs again), and does not write to the store itself: the runner commits
/// its outcome together with its `write`, after the step's slot is free again.
pub trait Kind: Send + Sync + 'static {
    /// Steps of one job in flight at once.
    fn concurrency(&self) -> usize;

    /// The work that creates the items, one resumable piece per call (the sync: one listing page); `Ok(true)` once
    /// there is nothing left to do. The job's params say how far it got, so a restarted hub goes on from there. The
    /// runner works the items a piece committed while the next piece runs.
    fn prepare(&self, hub: &Arc<Hub>, job: &JobRow) -> impl Future<Output = Result<bool, Halt>> + Send;

    /// One step of one claimed item.
    fn step(&self, hub: &Arc<Hub>, job: &JobRow, item: &ItemRow) -> impl Future<Output = Step> + Send;

    /// Work after every item is finished (the sync: revoke accounts no longer listed).
    fn finish(&self, hub: &Arc<Hub>, job: &JobRow) -> impl Future<Output = Result<(), Halt>> + Send;

    /// Whether the wave after the one just finished waits for `POST /api/v1/jobs/{id}/approve` (a manual gate)
    /// rather than starting by itself.
    fn waits_for_approval(&self, _job: &JobRow) -> bool {
        false
    }
}

/// No definite answer: the call may or may not have reached the platform, so a write reads back before a repeat.
pub fn undecided(error: &WxError) -> bool {
    error.is_transient() || matches!(error, WxError::Transport(_))
}

/// Writes keys into an item's data, in the transaction that commits the step's outcome.
pub fn data_write(job: JobId, item: &ItemRow, pairs: &[(&str, serde_json::Value)]) -> StepWrite {
    let mut data = match &item.data {
        serde_json::Value::Object(map) => map.clone(),
        _ => serde_json::Map::new(),
    };
    for (key, value) in pairs {
        data.insert((*key).to_owned(), value.clone());
    }
    let (appid, data) = (item.appid.clone(), serde_json::Value::Object(data));
    Box::new(move |conn| rows::set_item_data(conn, job, &appid, &data))
}
