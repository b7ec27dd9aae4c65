//! The hub's durable jobs (DESIGN.md, "The hub's durable jobs"): jobs and their items in SQLite, one runner that
//! resumes after a restart, bounded concurrency and pacing, operator actions, coalesced `job_progress` events.
//!
//! This file is the interface the console routes call (`jobs_api`, `console::sync`) and the operator actions'
//! state machine; `runner` works running jobs, `kind` is what a kind of job provides, `sync` the authorizer sync,
//! `schedule` the hub's own reconciliation, `pace` the calls-per-minute limit.

mod audit_batch;
mod deploy;
mod kind;
mod pace;
mod runner;
mod schedule;
mod sync;

use std::sync::Arc;

use rusqlite::Connection;

use super::store::jobs::{self as rows, JobRow};
use super::store::{Store, StoreError};
use super::{Hub, JobsConfig, now_secs};
use crate::hubapi::{ApiError, ErrorCode, HubEventKind, Job, JobId, JobKind, JobQuery, JobState};

pub use audit_batch::BatchAction;
pub use runner::Runner;

pub use crate::hubapi::HUB_OPERATOR;

/// What an operator can do to a job (`POST /api/v1/jobs/{id}/…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobAction {
    Pause,
    Resume,
    Approve,
    Cancel,
}

/// The state `action` moves a job in `state` to, or why it cannot.
fn transition(id: JobId, state: JobState, action: JobAction) -> Result<JobState, ApiError> {
    use JobState::*;
    let next = match (action, state) {
        (JobAction::Pause, Running | WaitingApproval) => Some(Paused),
        (JobAction::Resume, Paused | Halted) => Some(Running),
        (JobAction::Approve, WaitingApproval) => Some(Running),
        (JobAction::Cancel, state) if !state.is_final() => Some(Cancelled),
        _ => None,
    };
    next.ok_or_else(|| {
        let allowed = match action {
            JobAction::Pause => "only a running job or one waiting for approval can be paused",
            JobAction::Resume => "only a paused or halted job can be resumed",
            JobAction::Approve => "only a job waiting for approval can be approved",
            JobAction::Cancel => "only a job not yet completed or cancelled can be cancelled",
        };
        ApiError::new(
            ErrorCode::Conflict,
            format!("job {id} is {}; {allowed}", state.as_str()),
        )
    })
}

fn not_found(id: JobId) -> ApiError {
    ApiError::new(ErrorCode::NotFound, format!("no job {id}"))
}

/// Before the hub serves anything: every item a previous process left in the middle of a step goes back to
/// pending, to be checked again by reading the platform's state first (`Kind::step`).
pub async fn recover(store: &Store) -> Result<usize, StoreError> {
    let reset = store.write(|conn| rows::reset_in_progress(conn, now_secs())).await?;
    if reset > 0 {
        tracing::info!(items = reset, "job items cut short by the last stop are pending again");
    }
    Ok(reset)
}

/// Resumes every running job, then keeps the authorizers reconciled (`schedule`).
pub async fn start(hub: Arc<Hub>) {
    match hub
        .store
        .read(|conn| rows::jobs_in_state(conn, JobState::Running))
        .await
    {
        Ok(running) => {
            for job in &running {
                tracing::info!(job = job.id, kind = job.kind.as_str(), "resuming job");
                hub.jobs.ensure(&hub, job);
            }
        }
        Err(error) => tracing::error!(%error, "running jobs not read; they resume at the next start"),
    }
    schedule::reconcile(hub).await;
}

/// Starts an authorizer sync, or returns the id of the unfinished one (resuming it if it had halted).
pub async fn start_sync(hub: &Arc<Hub>, operator: &str) -> Result<JobId, ApiError> {
    let created_by = operator.to_owned();
    let (job, created) = hub
        .store
        .write(move |conn| {
            if let Some(job) = rows::unfinished_job(conn, JobKind::AuthorizerSync)? {
                return Ok((job, false));
            }
            let job = rows::create_job(
                conn,
                JobKind::AuthorizerSync,
                serde_json::json!({}),
                created_by,
                now_secs(),
            )?;
            Ok((job, true))
        })
        .await?;
    if job.state == JobState::Halted {
        act(hub, job.id, JobAction::Resume).await?;
        return Ok(job.id);
    }
    hub.jobs.ensure(hub, &job);
    if created {
        tracing::info!(job = job.id, created_by = job.created_by, "authorizer sync started");
        emit_progress(hub, job.id).await;
    }
    Ok(job.id)
}

/// Creates a deployment job in `running` with one item per merchant, in the waves `wave_sizes` gives (in the plan's
/// order), and starts its driver. The plan was checked (`deployments::check`).
pub async fn start_deployment(
    hub: &Arc<Hub>,
    operator: &str,
    plan: &crate::hubapi::Plan,
    template_type: u8,
    wave_sizes: &[usize],
) -> Result<JobId, ApiError> {
    let mut params = serde_json::to_value(plan).map_err(|e| ApiError::new(ErrorCode::InvalidPlan, e.to_string()))?;
    params = runner::with_key(&params, deploy::TEMPLATE_TYPE, template_type.into());
    let (created_by, appids, sizes) = (operator.to_owned(), plan.appids.clone(), wave_sizes.to_vec());
    let job = hub
        .store
        .write(move |conn| {
            let job = rows::create_job(conn, JobKind::Deployment, params, created_by, now_secs())?;
            let mut rest = appids.as_slice();
            for (wave, size) in sizes.iter().enumerate() {
                let (this, next) = rest.split_at((*size).min(rest.len()));
                rows::insert_items(conn, job.id, this, wave as i64, deploy::step::PREFLIGHT, job.created_at)?;
                rest = next;
            }
            Ok(job)
        })
        .await?;
    hub.jobs.ensure(hub, &job);
    emit_progress(hub, job.id).await;
    Ok(job.id)
}

/// Creates a bulk release or speed-up job in `running` with one item per mini program (checked by the caller) and
/// starts its driver.
pub async fn start_audit_batch(
    hub: &Arc<Hub>,
    operator: &str,
    action: BatchAction,
    appids: Vec<String>,
) -> Result<JobId, ApiError> {
    let kind = match action {
        BatchAction::Release => JobKind::AuditRelease,
        BatchAction::Speedup => JobKind::AuditSpeedup,
    };
    let created_by = operator.to_owned();
    let job = hub
        .store
        .write(move |conn| {
            let job = rows::create_job(conn, kind, serde_json::json!({}), created_by, now_secs())?;
            rows::insert_items(conn, job.id, &appids, 0, audit_batch::STEP, job.created_at)?;
            Ok(job)
        })
        .await?;
    hub.jobs.ensure(hub, &job);
    emit_progress(hub, job.id).await;
    Ok(job.id)
}

/// An audit result arrived for `appid` (a push): its deployment items waiting for the audit look now.
pub async fn audit_arrived(hub: &Arc<Hub>, appid: &str) {
    let owned = appid.to_owned();
    let touched = hub
        .store
        .write(move |conn| rows::audit_arrived(conn, &owned, now_secs()))
        .await;
    let touched = match touched {
        Ok(touched) => touched,
        Err(error) => {
            tracing::warn!(%appid, %error, "audit result not passed to its deployment; the poll finds it");
            return;
        }
    };
    for id in touched {
        if let Ok(Some(job)) = hub.store.read(move |conn| rows::job(conn, id)).await {
            hub.jobs.wake(hub, &job);
        }
    }
}

/// Jobs of the query's kind and state, newest first, with their counts and without items.
pub async fn list(hub: &Arc<Hub>, query: JobQuery) -> Result<Vec<Job>, ApiError> {
    let jobs = hub
        .store
        .read(move |conn| {
            rows::list_jobs(conn, query.kind, query.state)?
                .into_iter()
                .map(|row| with_counts(conn, row))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(jobs)
}

/// One job with its counts and every item.
pub async fn show(hub: &Arc<Hub>, id: JobId) -> Result<Job, ApiError> {
    let job = hub
        .store
        .read(move |conn| {
            let Some(job) = job_without_items(conn, id)? else {
                return Ok(None);
            };
            let items = rows::items(conn, id)?.iter().map(rows::ItemRow::to_api).collect();
            Ok(Some(Job { items, ..job }))
        })
        .await?;
    job.ok_or_else(|| not_found(id))
}

/// Applies an operator's action; 409 when the job's state does not allow it. Answers the job without items.
pub async fn act(hub: &Arc<Hub>, id: JobId, action: JobAction) -> Result<Job, ApiError> {
    let job = hub
        .store
        .write(move |conn| {
            let Some(job) = rows::job(conn, id)? else {
                return Ok(Err(not_found(id)));
            };
            let state = match transition(id, job.state, action) {
                Ok(state) => state,
                Err(conflict) => return Ok(Err(conflict)),
            };
            let now = now_secs();
            match action {
                JobAction::Cancel => {
                    rows::cancel_items(conn, id, now)?;
                }
                JobAction::Approve => open_next_wave(conn, &job, now)?,
                // A deployment resumed after its failure threshold halted it judges only the results from now on.
                JobAction::Resume if job.kind == JobKind::Deployment => {
                    let params = deploy::threshold_base(&job.params, &rows::item_counts(conn, id)?);
                    rows::set_job_params(conn, id, &params, now)?;
                }
                JobAction::Pause | JobAction::Resume => {}
            }
            rows::set_job_state(conn, id, state, None, now)?;
            Ok(Ok(JobRow { state, ..job }))
        })
        .await??;
    tracing::info!(job = id, action = ?action, state = job.state.as_str(), "operator action");
    changed(hub, &job).await
}

/// Failed items (all, or those named) back to pending; a completed, halted or running job runs (again). A paused
/// job or one waiting for approval keeps that state: retrying does not lift an operator's pause or a gate.
pub async fn retry(hub: &Arc<Hub>, id: JobId, appids: Vec<String>) -> Result<Job, ApiError> {
    let job = hub
        .store
        .write(move |conn| {
            let Some(job) = rows::job(conn, id)? else {
                return Ok(Err(not_found(id)));
            };
            if job.state == JobState::Cancelled {
                let message = format!("job {id} is cancelled; start a new one instead");
                return Ok(Err(ApiError::new(ErrorCode::Conflict, message)));
            }
            let named = (!appids.is_empty()).then_some(appids.as_slice());
            if let Some(named) = named {
                let unknown = rows::unknown_items(conn, id, named)?;
                if !unknown.is_empty() {
                    return Ok(Err(unknown_appids(id, named, &unknown)));
                }
            }
            let now = now_secs();
            if rows::retry_items(conn, id, named, now)? == 0 {
                let message = format!("job {id} has no failed items to retry");
                return Ok(Err(ApiError::new(ErrorCode::Conflict, message)));
            }
            let state = match job.state {
                JobState::Paused | JobState::WaitingApproval => job.state,
                _ => JobState::Running,
            };
            let reason = if state == job.state { job.reason.clone() } else { None };
            rows::set_job_state(conn, id, state, reason.as_deref(), now)?;
            Ok(Ok(JobRow { state, reason, ..job }))
        })
        .await??;
    changed(hub, &job).await
}

/// A 400 naming each appid (by its index in the request) the job has no item for.
fn unknown_appids(id: JobId, named: &[String], unknown: &[String]) -> ApiError {
    let fields = named
        .iter()
        .enumerate()
        .filter(|(_, appid)| unknown.contains(appid))
        .map(|(i, appid)| (format!("appids[{i}]"), format!("job {id} has no item for {appid}")))
        .collect();
    ApiError::invalid_fields(ErrorCode::InvalidRequest, fields)
}

/// After an action: the driver looks again (or starts), consoles hear of it, the caller gets the job.
async fn changed(hub: &Arc<Hub>, job: &JobRow) -> Result<Job, ApiError> {
    hub.jobs.wake(hub, job);
    emit_progress(hub, job.id).await;
    let id = job.id;
    let job = hub.store.read(move |conn| job_without_items(conn, id)).await?;
    job.ok_or_else(|| not_found(id))
}

/// On approval, the lowest wave with unfinished items may start.
fn open_next_wave(conn: &Connection, job: &JobRow, now: i64) -> Result<(), StoreError> {
    let Some(wave) = rows::lowest_unfinished_wave(conn, job.id)? else {
        return Ok(());
    };
    let params = runner::with_key(&job.params, runner::OPEN_WAVE, wave.into());
    rows::set_job_params(conn, job.id, &params, now)
}

fn with_counts(conn: &Connection, row: JobRow) -> Result<Job, StoreError> {
    let counts = rows::item_counts(conn, row.id)?;
    Ok(Job {
        id: row.id,
        kind: row.kind,
        state: row.state,
        reason: row.reason,
        created_by: row.created_by,
        created_at: row.created_at,
        updated_at: row.updated_at,
        counts,
        items: Vec::new(),
    })
}

fn job_without_items(conn: &Connection, id: JobId) -> Result<Option<Job>, StoreError> {
    rows::job(conn, id)?.map(|row| with_counts(conn, row)).transpose()
}

/// Sends the job as it now is (state and counts, no items) to every console as a `job_progress` event.
pub(super) async fn emit_progress(hub: &Hub, id: JobId) {
    let job = match hub.store.read(move |conn| job_without_items(conn, id)).await {
        Ok(Some(job)) => job,
        Ok(None) => return,
        Err(error) => {
            tracing::warn!(job = id, %error, "job progress not read");
            return;
        }
    };
    if let Err(error) = hub.events.emit(HubEventKind::JobProgress(job)).await {
        tracing::warn!(job = id, %error, "job progress not recorded");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_moves_only_the_states_it_names() {
        use JobAction::*;
        use JobState::*;
        let allowed = [
            (Pause, Running, Paused),
            (Pause, WaitingApproval, Paused),
            (Resume, Paused, Running),
            (Resume, Halted, Running),
            (Approve, WaitingApproval, Running),
            (Cancel, Running, Cancelled),
            (Cancel, Paused, Cancelled),
            (Cancel, WaitingApproval, Cancelled),
            (Cancel, Halted, Cancelled),
        ];
        for action in [Pause, Resume, Approve, Cancel] {
            for state in JobState::ALL {
                let expected = allowed
                    .iter()
                    .find(|(a, s, _)| *a == action && *s == state)
                    .map(|(_, _, next)| *next);
                match transition(7, state, action) {
                    Ok(next) => assert_eq!(Some(next), expected, "{action:?} on {state:?}"),
                    Err(error) => {
                        assert_eq!(expected, None, "{action:?} on {state:?}");
                        assert_eq!(error.code, ErrorCode::Conflict);
                        assert!(
                            error.message.starts_with(&format!("job 7 is {}", state.as_str())),
                            "{}",
                            error.message
                        );
                    }
                }
            }
        }
    }
}
