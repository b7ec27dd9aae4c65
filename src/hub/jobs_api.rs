//! The jobs' console routes: `GET /api/v1/jobs[/{id}]` and the operator actions on one job (DESIGN.md, "The hub's
//! durable jobs"). The work itself is `jobs`; this file only maps HTTP to it.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::Hub;
use super::api::{ApiJson, ApiPath, ApiQuery, Recorded};
use super::jobs::{self, JobAction};
use crate::hubapi::{ApiError, ErrorBody, Job, JobId, JobList, JobQuery, RetryRequest};

/// Every job with its counts, newest first (without items).
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", security(("operator_key" = [])),
    params(JobQuery),
    responses((status = 200, body = JobList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(State(hub): State<Arc<Hub>>, ApiQuery(query): ApiQuery<JobQuery>) -> Result<Json<JobList>, ApiError> {
    Ok(Json(JobList {
        jobs: jobs::list(&hub, query).await?,
    }))
}

/// One job with its items.
#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "jobs", security(("operator_key" = [])),
    params(("id" = i64, Path, description = "The job's id")),
    responses((status = 200, body = Job), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(State(hub): State<Arc<Hub>>, ApiPath(id): ApiPath<JobId>) -> Result<Json<Job>, ApiError> {
    Ok(Json(jobs::show(&hub, id).await?))
}

/// Pauses a running job or one waiting for approval: items in flight finish their step, no new one starts.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/pause", tag = "jobs", security(("operator_key" = [])),
    params(("id" = i64, Path, description = "The job's id")),
    responses((status = 200, body = Job), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn pause(State(hub): State<Arc<Hub>>, ApiPath(id): ApiPath<JobId>) -> Response {
    act(&hub, id, JobAction::Pause).await
}

/// Resumes a paused or halted job from where it stopped.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/resume", tag = "jobs", security(("operator_key" = [])),
    params(("id" = i64, Path, description = "The job's id")),
    responses((status = 200, body = Job), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn resume(State(hub): State<Arc<Hub>>, ApiPath(id): ApiPath<JobId>) -> Response {
    act(&hub, id, JobAction::Resume).await
}

/// Lets a job waiting between waves start the next one.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/approve", tag = "jobs", security(("operator_key" = [])),
    params(("id" = i64, Path, description = "The job's id")),
    responses((status = 200, body = Job), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn approve(State(hub): State<Arc<Hub>>, ApiPath(id): ApiPath<JobId>) -> Response {
    act(&hub, id, JobAction::Approve).await
}

/// Cancels a job that has not finished: items not yet done are cancelled; nothing already done is undone.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/cancel", tag = "jobs", security(("operator_key" = [])),
    params(("id" = i64, Path, description = "The job's id")),
    responses((status = 200, body = Job), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn cancel(State(hub): State<Arc<Hub>>, ApiPath(id): ApiPath<JobId>) -> Response {
    act(&hub, id, JobAction::Cancel).await
}

/// Puts failed items (all of them, or those named) back to pending and runs the job again.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/retry", tag = "jobs", security(("operator_key" = [])),
    params(("id" = i64, Path, description = "The job's id")), request_body = RetryRequest,
    responses((status = 200, body = Job), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn retry(
    State(hub): State<Arc<Hub>>,
    ApiPath(id): ApiPath<JobId>,
    ApiJson(request): ApiJson<RetryRequest>,
) -> Response {
    let detail = match request.appids.len() {
        0 => "every failed item".to_owned(),
        count => format!("{count} items"),
    };
    let mut response = match jobs::retry(&hub, id, request.appids).await {
        Ok(job) => Json(job).into_response(),
        Err(error) => error.into_response(),
    };
    response
        .extensions_mut()
        .insert(Recorded::target(format!("job {id}")).detail(detail));
    response
}

async fn act(hub: &Arc<Hub>, id: JobId, action: JobAction) -> Response {
    let mut response = match jobs::act(hub, id, action).await {
        Ok(job) => Json(job).into_response(),
        Err(error) => error.into_response(),
    };
    response.extensions_mut().insert(Recorded::target(format!("job {id}")));
    response
}
