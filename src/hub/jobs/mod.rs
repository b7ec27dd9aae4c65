//! The hub's durable jobs (DESIGN.md, "The hub's durable jobs"): jobs and their items in SQLite, one runner that
//! resumes after a restart, bounded concurrency and pacing, operator actions, coalesced `job_progress` events.
//!
//! INTERFACE ONLY in this commit: the runner and the first job kind (authorizer sync) land next.

use std::sync::Arc;

use super::Hub;
use crate::hubapi::{ApiError, ErrorCode, Job, JobId, JobQuery};

/// What an operator can do to a job (`POST /api/v1/jobs/{id}/…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobAction {
    Pause,
    Resume,
    Approve,
    Cancel,
}

fn not_yet() -> ApiError {
    ApiError::new(ErrorCode::Unavailable, "jobs are not available in this build yet")
}

/// Starts an authorizer sync, or returns the id of the one already running.
pub async fn start_sync(_hub: &Arc<Hub>, _operator: &str) -> Result<JobId, ApiError> {
    Err(not_yet())
}

pub async fn list(_hub: &Arc<Hub>, _query: JobQuery) -> Result<Vec<Job>, ApiError> {
    Err(not_yet())
}

pub async fn show(_hub: &Arc<Hub>, _id: JobId) -> Result<Job, ApiError> {
    Err(not_yet())
}

pub async fn act(_hub: &Arc<Hub>, _id: JobId, _action: JobAction) -> Result<Job, ApiError> {
    Err(not_yet())
}

pub async fn retry(_hub: &Arc<Hub>, _id: JobId, _appids: Vec<String>) -> Result<Job, ApiError> {
    Err(not_yet())
}
