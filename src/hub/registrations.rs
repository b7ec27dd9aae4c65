//! Registration tasks (DESIGN.md "Registrations"; wechat-api.md §8): `POST /api/v1/registrations` checks the
//! request field by field (nothing reaches the platform when one is bad), creates the task with the new-version
//! route (§8 deprecation: `new_version: true`, an `authorize_url` valid 24 hours) and keeps it in `registrations`;
//! the result push (§4.2 `notify_third_fasteregister`, correlated by its `taskid`) and the 24 hours passing end it.
//! Every change reaches consoles as `registration_updated`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;

use super::api::{ApiJson, ApiPath, Operator, Recorded};
use super::store::StoreError;
use super::store::queries;
use super::store::registrations as rows;
use super::{Hub, now_secs};
use crate::hubapi::{
    ApiError, ErrorBody, ErrorCode, HubEventKind, REGISTRATION_WINDOW_SECS, Registration, RegistrationCreated,
    RegistrationKind, RegistrationList, RegistrationRequest, RegistrationState, check_registration,
};
use crate::wechat::api::register::{
    EnterpriseRegistrationRequest, FastRegisterEnterprise, FastRegisterEnterpriseQuery, FastRegisterPersonal,
    FastRegisterPersonalQuery, PersonalRegistrationRequest, RegistrationQueryRequest, RegistrationTaskResponse,
};
use crate::wechat::event::RegistrationResult;
use crate::wechat::registration_status::query_status;

/// Creates a registration task; answers its id, the `authorize_url` to show as a QR code, and when it expires.
#[utoipa::path(post, path = "/api/v1/registrations", tag = "registrations", security(("operator_key" = [])),
    request_body = RegistrationRequest,
    responses((status = 201, body = RegistrationCreated), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn create(
    State(hub): State<Arc<Hub>>,
    Operator(operator): Operator,
    ApiJson(request): ApiJson<RegistrationRequest>,
) -> Response {
    let recorded = Recorded::default().detail(format!("{} registration", request.kind));
    let mut response = match start(&hub, &operator, &request).await {
        Ok(created) => (StatusCode::CREATED, Json(created)).into_response(),
        Err(error) => error.into_response(),
    };
    response.extensions_mut().insert(recorded);
    response
}

async fn start(hub: &Arc<Hub>, operator: &str, request: &RegistrationRequest) -> Result<RegistrationCreated, ApiError> {
    let kind = check_registration(request)
        .map_err(|problems| ApiError::invalid_fields(ErrorCode::InvalidRequest, problems))?;
    let text = |value: &Option<String>| value.as_deref().map(str::trim).unwrap_or_default().to_owned();
    let phone = text(&request.component_phone);
    let upstream = &hub.upstream;
    let (answer, label): (RegistrationTaskResponse, String) = match kind {
        RegistrationKind::Enterprise => {
            let (name, code) = (text(&request.name), text(&request.code).to_ascii_uppercase());
            let body = EnterpriseRegistrationRequest::new_version(&name, &code, &phone);
            let body = &body;
            let answer = hub
                .tokens
                .with_component(|ct| async move { upstream.call::<FastRegisterEnterprise>(&ct, body).await })
                .await?;
            (answer, name)
        }
        RegistrationKind::Personal => {
            let wxuser = text(&request.wxuser);
            let body = PersonalRegistrationRequest {
                wxuser: wxuser.clone(),
                component_phone: Some(phone),
                new_version: true,
                ..PersonalRegistrationRequest::default()
            };
            let body = &body;
            let answer = hub
                .tokens
                .with_component(|ct| async move { upstream.call::<FastRegisterPersonal>(&ct, body).await })
                .await?;
            (answer, wxuser)
        }
    };
    if answer.taskid.is_empty() || answer.authorize_url.is_empty() {
        // §8: every new-version route answers both; without them nobody can complete the task.
        return Err(ApiError::new(
            ErrorCode::Upstream,
            "WeChat created the task but sent no taskid or authorize_url",
        ));
    }
    let now = now_secs();
    let task = Registration {
        id: 0,
        kind,
        state: RegistrationState::Open,
        status_code: Some(answer.status),
        status_text: None,
        taskid: answer.taskid,
        appid: None,
        authorize_url: answer.authorize_url,
        label,
        created_by: operator.to_owned(),
        created_at: now,
        expires_at: now + REGISTRATION_WINDOW_SECS,
        updated_at: now,
    };
    let first_poll = now + poll_backoff(hub, 0);
    let (task, seq) = hub
        .store
        .write(move |conn| {
            let task = rows::insert(conn, &task)?;
            rows::schedule_poll(conn, task.id, Some(first_poll), 0)?;
            let seq = queries::append_event(conn, now, &updated(&task))?;
            Ok((task, seq))
        })
        .await?;
    hub.events.committed(seq);
    hub.registrations.notify_one();
    tracing::info!(id = task.id, kind = kind.as_str(), "registration task created");
    Ok(RegistrationCreated {
        id: task.id,
        authorize_url: task.authorize_url,
        expires_at: task.expires_at,
    })
}

/// Every task, newest first. The keeper marks an open task expired when its 24 hours pass.
#[utoipa::path(get, path = "/api/v1/registrations", tag = "registrations", security(("operator_key" = [])),
    responses((status = 200, body = RegistrationList), (status = 401, body = ErrorBody)))]
pub async fn list(State(hub): State<Arc<Hub>>) -> Result<Json<RegistrationList>, ApiError> {
    let registrations = hub.store.read(rows::list).await?;
    Ok(Json(RegistrationList { registrations }))
}

/// One task.
#[utoipa::path(get, path = "/api/v1/registrations/{id}", tag = "registrations", security(("operator_key" = [])),
    params(("id" = i64, Path, description = "The task's id")),
    responses((status = 200, body = Registration), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(State(hub): State<Arc<Hub>>, ApiPath(id): ApiPath<i64>) -> Result<Json<Registration>, ApiError> {
    let task = hub.store.read(move |conn| rows::get(conn, id)).await?;
    task.map(Json)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no registration task {id}")))
}

/// Open tasks past their 24 hours become expired (§8: the `authorize_url` is dead; a new task is needed).
async fn expire_overdue(hub: &Arc<Hub>) -> Result<(), StoreError> {
    let now = now_secs();
    let seqs = hub
        .store
        .write(move |conn| {
            rows::overdue(conn, now)?
                .into_iter()
                .map(|task| {
                    let expired = Registration {
                        state: RegistrationState::Expired,
                        updated_at: now,
                        ..task
                    };
                    changed(conn, &expired, now)
                })
                .collect::<Result<Vec<i64>, StoreError>>()
        })
        .await?;
    if let Some(seq) = seqs.into_iter().max() {
        hub.events.committed(seq);
    }
    Ok(())
}

fn updated(task: &Registration) -> HubEventKind {
    HubEventKind::RegistrationUpdated {
        registration: task.clone(),
    }
}

/// Writes the task and appends `registration_updated`; answers the event's seq.
fn changed(conn: &Connection, task: &Registration, at: i64) -> Result<i64, StoreError> {
    rows::update(conn, task)?;
    queries::append_event(conn, at, &updated(task))
}

/// A result push (§4.2) inside the push's own transaction: the task it names by `taskid` ends, succeeded with the
/// new appid (status 0) or failed with the platform's status and message. A push for a task this hub did not
/// create (a legacy one, another tool's) changes nothing. Answers the event's seq when a task changed.
pub fn apply_result(conn: &Connection, result: &RegistrationResult, at: i64) -> Result<Option<i64>, StoreError> {
    let Some(taskid) = result.info.taskid.as_deref().filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let Some(task) = rows::by_taskid(conn, taskid)? else {
        return Ok(None);
    };
    let succeeded = result.status == 0;
    let next = Registration {
        state: if succeeded {
            RegistrationState::Succeeded
        } else {
            RegistrationState::Failed
        },
        status_code: Some(result.status),
        status_text: Some(result.msg.clone()).filter(|m| !m.is_empty()),
        appid: result.appid.as_ref().map(ToString::to_string).or(task.appid.clone()),
        updated_at: at,
        ..task
    };
    changed(conn, &next, at).map(Some)
}

/// Polls back off up to half an hour, as audits do.
const POLL_MAX_SECS: i64 = 1800;
/// The longest the keeper sleeps with nothing due.
const IDLE: std::time::Duration = std::time::Duration::from_secs(60);

/// The wait before poll number `polls + 1`: 3× the hub's recheck interval, doubling, capped.
fn poll_backoff(hub: &Hub, polls: i64) -> i64 {
    let base = i64::try_from(hub.jobs.config.recheck_secs.max(1)).unwrap_or(20);
    ((3 * base) << polls.clamp(0, 10)).min(POLL_MAX_SECS)
}

/// The registration keeper: while a task is open it asks the platform how it stands (`action=query`, §8.3, §8.4) with
/// backoff, in case the result push is lost, and marks the task expired when its 24 hours pass. Both are reads or the
/// hub's own writes; the schedule lives in SQLite, so a restarted hub goes on where it was.
pub async fn run(hub: Arc<Hub>) {
    let mut stop = hub.stop.clone();
    loop {
        if *stop.borrow() {
            return;
        }
        if let Err(error) = expire_overdue(&hub).await {
            tracing::warn!(%error, "overdue registrations not marked expired");
        }
        poll_due(&hub).await;
        let wait = match hub.store.read(rows::next_due).await {
            Ok(Some(at)) => std::time::Duration::from_secs((at - now_secs()).clamp(1, 60).unsigned_abs()),
            Ok(None) => IDLE,
            Err(error) => {
                tracing::warn!(%error, "registration schedule not read");
                std::time::Duration::from_secs(1)
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = hub.registrations.notified() => {}
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
    }
}

/// Each due task asked about once. A personal task whose query status ends it (§8.4's official enum) fails with
/// that status, or expires with 1; a created one (12) stays open until the push brings its appid and code. The
/// enterprise enum is [UNCONFIRMED] (§8.3): only 2, final under either reading, ends a task; other statuses are
/// recorded and explained, and its push or its 24 hours end it.
async fn poll_due(hub: &Arc<Hub>) {
    let now = now_secs();
    let due = match hub.store.read(move |conn| rows::due_polls(conn, now)).await {
        Ok(due) => due,
        Err(error) => {
            tracing::warn!(%error, "due registration polls not read");
            return;
        }
    };
    for (task, polls) in due {
        hub.jobs.pace().await;
        let upstream = &hub.upstream;
        let request = RegistrationQueryRequest {
            taskid: task.taskid.clone(),
            new_version: true,
        };
        let request = &request;
        let personal = task.kind == RegistrationKind::Personal;
        let answer = hub
            .tokens
            .with_component(|ct| async move {
                match personal {
                    true => upstream.call::<FastRegisterPersonalQuery>(&ct, request).await,
                    false => upstream.call::<FastRegisterEnterpriseQuery>(&ct, request).await,
                }
            })
            .await;
        let at = now_secs();
        let next_poll = Some(at + poll_backoff(hub, polls + 1));
        let next = match answer {
            Ok(answer) => {
                let state = match (personal, answer.status) {
                    (true, PERSONAL_TIMED_OUT) => RegistrationState::Expired,
                    (true, PERSONAL_CREATED) => task.state,
                    (true, status) if query_status(true, status).is_some_and(|info| info.is_final) => {
                        RegistrationState::Failed
                    }
                    // §8.3 status 2 ends a task under either reading of the unconfirmed enum (timed out, or declined).
                    (false, ENTERPRISE_ENDED) => RegistrationState::Failed,
                    _ => task.state,
                };
                Registration {
                    state,
                    status_code: Some(answer.status),
                    updated_at: at,
                    ..task.clone()
                }
            }
            Err(error) => {
                tracing::info!(id = task.id, %error, "registration query failed; asked again later");
                task.clone()
            }
        };
        let (id, changed_task) = (task.id, next != task);
        let written = hub
            .store
            .write(move |conn| {
                rows::schedule_poll(
                    conn,
                    id,
                    next_poll.filter(|_| next.state == RegistrationState::Open),
                    polls + 1,
                )?;
                match changed_task {
                    true => changed(conn, &next, at).map(Some),
                    false => Ok(None),
                }
            })
            .await;
        match written {
            Ok(Some(seq)) => hub.events.committed(seq),
            Ok(None) => {}
            Err(error) => tracing::warn!(id, %error, "registration poll not recorded"),
        }
    }
}

/// §8.4 status 12: created; the push carries the new appid and its code.
const PERSONAL_CREATED: i64 = 12;
/// §8.4 status 1: not completed within 24 hours.
const PERSONAL_TIMED_OUT: i64 = 1;
/// §8.3 status 2: timed out (Senparc's enum) or declined (the official enum, offset by one).
const ENTERPRISE_ENDED: i64 = 2;
