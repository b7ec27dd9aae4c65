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
    AccountKind, ApiError, ErrorBody, ErrorCode, HubEventKind, REGISTRATION_WINDOW_SECS, Registration,
    RegistrationCreated, RegistrationKind, RegistrationList, RegistrationRequest, RegistrationState,
    check_registration,
};
use crate::wechat::api::register::{
    BetaRegistrationRequest, EnterpriseRegistrationRequest, FastRegisterBeta, FastRegisterEnterprise,
    FastRegisterEnterpriseQuery, FastRegisterPersonal, FastRegisterPersonalQuery, PersonalRegistrationRequest,
    RegistrationQueryRequest, RegistrationTaskResponse, VerifyBetaWeapp, VerifyBetaWeappRequest, VerifyInfo,
};
use crate::wechat::authurl::fastregisterauth_url;
use crate::wechat::event::Event;
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

/// What the platform answered a task's creation.
struct Started {
    taskid: String,
    authorize_url: String,
    status: Option<i64>,
    /// The mini program concerned, when known at creation (trial → verified: the trial).
    appid: Option<String>,
    label: String,
}

async fn start(hub: &Arc<Hub>, operator: &str, request: &RegistrationRequest) -> Result<RegistrationCreated, ApiError> {
    let kind = check_registration(request)
        .map_err(|problems| ApiError::invalid_fields(ErrorCode::InvalidRequest, problems))?;
    let text = |value: &Option<String>| value.as_deref().map(str::trim).unwrap_or_default().to_owned();
    let phone = text(&request.component_phone);
    let upstream = &hub.upstream;
    let started = match kind {
        RegistrationKind::Enterprise => {
            let (name, code) = (text(&request.name), text(&request.code).to_ascii_uppercase());
            let body = EnterpriseRegistrationRequest::new_version(&name, &code, &phone);
            let body = &body;
            let answer = hub
                .tokens
                .with_component(|ct| async move { upstream.call::<FastRegisterEnterprise>(&ct, body).await })
                .await?;
            task_started(answer, name)?
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
            task_started(answer, wxuser)?
        }
        RegistrationKind::Trial => {
            let name = text(&request.name);
            let body = BetaRegistrationRequest {
                name: name.clone(),
                openid: text(&request.openid),
            };
            let body = &body;
            let answer = hub
                .tokens
                .with_component(|ct| async move { upstream.call::<FastRegisterBeta>(&ct, body).await })
                .await?;
            if answer.unique_id.is_empty() || answer.authorize_url.is_empty() {
                return Err(no_link());
            }
            Started {
                taskid: answer.unique_id,
                authorize_url: answer.authorize_url,
                status: None,
                appid: None,
                // §8.5: the platform appends the suffix to the name it was given.
                label: format!("{name}的体验小程序"),
            }
        }
        RegistrationKind::VerifyBeta => {
            let appid = text(&request.appid);
            let trial = served(hub, &appid).await?;
            // §1.6 `service_type_info` 12: a trial mini program; only those convert (§8.5).
            if trial.kind != Some(AccountKind::MiniProgram) || trial.service_type != Some(TRIAL_SERVICE_TYPE) {
                return Err(ApiError::invalid_field("appid", "not a trial mini program (§8.5)"));
            }
            let name = text(&request.name);
            let body = VerifyBetaWeappRequest {
                verify_info: VerifyInfo {
                    enterprise_name: name.clone(),
                    code: text(&request.code).to_ascii_uppercase(),
                    component_phone: Some(phone),
                    ..VerifyInfo::default()
                },
                new_version: true,
            };
            let body = &body;
            let answer = hub
                .tokens
                .with_authorizer(&appid, |token| async move {
                    upstream.call::<VerifyBetaWeapp>(&token, body).await
                })
                .await?;
            // The conversion is serial per trial (89251), so the trial and the time name it when no taskid came.
            let taskid = Some(answer.taskid)
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| format!("verify_beta:{appid}:{}", now_secs()));
            Started {
                taskid,
                authorize_url: answer.authorize_url,
                status: None,
                appid: Some(appid),
                label: name,
            }
        }
        RegistrationKind::ReuseOfficialAccount => {
            let appid = text(&request.appid);
            let account = served(hub, &appid).await?;
            if account.kind != Some(AccountKind::OfficialAccount) {
                return Err(ApiError::invalid_field("appid", "not an official account (§8.6)"));
            }
            if !account.func_ids.contains(&FASTREGISTER_SET) {
                return Err(ApiError::invalid_field(
                    "appid",
                    "the official account has not granted permission set 27, which §8.6 needs",
                ));
            }
            // Nothing is sent yet: the administrator confirms on the platform's page, and the redirect brings the
            // ticket to `GET /wechat/fastregister`, which registers (§8.6 step 2).
            let taskid = format!("reuse_official_account:{:016x}", rand::random::<u64>());
            let redirect_uri = format!("{}/wechat/fastregister?task={taskid}", hub.config.public_url);
            let authorize_url = fastregisterauth_url(
                &hub.config.mp_base,
                &appid,
                &hub.config.component_appid,
                request.copy_wx_verify.unwrap_or(true),
                &redirect_uri,
            );
            let label = account.nick_name.clone().filter(|n| !n.is_empty()).unwrap_or(appid);
            Started {
                taskid,
                authorize_url,
                status: None,
                appid: None,
                label,
            }
        }
    };
    let now = now_secs();
    let task = Registration {
        id: 0,
        kind,
        state: RegistrationState::Open,
        status_code: started.status,
        status_text: None,
        taskid: started.taskid,
        appid: started.appid,
        authorize_url: started.authorize_url,
        label: started.label,
        created_by: operator.to_owned(),
        created_at: now,
        expires_at: now + REGISTRATION_WINDOW_SECS,
        updated_at: now,
    };
    // Only §8.3 and §8.4 answer `action=query`; the other kinds end by their push or their redirect.
    let first_poll = kind.is_queried().then(|| now + poll_backoff(hub, 0));
    let (task, seq) = hub
        .store
        .write(move |conn| {
            let task = rows::insert(conn, &task)?;
            rows::schedule_poll(conn, task.id, first_poll, 0)?;
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

/// §1.6 `service_type_info.id` of a trial (试用) mini program.
const TRIAL_SERVICE_TYPE: i64 = 12;
/// §8.6: the official account's permission set the reuse registration needs.
const FASTREGISTER_SET: i64 = 27;

/// The enterprise and personal answer: the task's id and link (§8.3, §8.4).
fn task_started(answer: RegistrationTaskResponse, label: String) -> Result<Started, ApiError> {
    if answer.taskid.is_empty() || answer.authorize_url.is_empty() {
        return Err(no_link());
    }
    Ok(Started {
        taskid: answer.taskid,
        authorize_url: answer.authorize_url,
        status: Some(answer.status),
        appid: None,
        label,
    })
}

/// §8: every new-version route answers its id and link; without them nobody can complete the task.
fn no_link() -> ApiError {
    ApiError::new(
        ErrorCode::Upstream,
        "WeChat created the task but sent no task id or authorize_url",
    )
}

/// The account `appid` as this hub serves it: authorized and not revoked, or 400 naming `appid`.
async fn served(hub: &Arc<Hub>, appid: &str) -> Result<crate::hubapi::Authorizer, ApiError> {
    let key = appid.to_owned();
    let row = hub.store.read(move |conn| queries::authorizer(conn, &key)).await?;
    match row {
        Some(row) if row.revoked_at.is_none() => Ok(row),
        Some(_) => Err(ApiError::invalid_field(
            "appid",
            "this account revoked its authorization",
        )),
        None => Err(ApiError::invalid_field(
            "appid",
            "no account this hub serves has this appid",
        )),
    }
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
                    record(conn, &expired, now)
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
/// Stores a task's new state and appends its `registration_updated` event; answers the event's seq.
pub fn record(conn: &Connection, task: &Registration, at: i64) -> Result<i64, StoreError> {
    rows::update(conn, task)?;
    queries::append_event(conn, at, &updated(task))
}

/// A result push (§4.2) inside the push's own transaction: the task it names ends, succeeded with the new appid
/// (status 0) or failed with the platform's status and message. The enterprise and personal pushes name their task
/// by `info.taskid`, a trial's by `info.unique_id`, a trial's conversion by the trial's `appid` (§8.5). A push for a
/// task this hub did not create (a legacy one, another tool's) changes nothing. Answers the event's seq when a task
/// changed.
pub fn apply_result(conn: &Connection, event: &Event, at: i64) -> Result<Option<i64>, StoreError> {
    let (task, status, msg, appid) = match event {
        Event::FastRegister(result) => {
            let Some(taskid) = result.info.taskid.as_deref().filter(|t| !t.is_empty()) else {
                return Ok(None);
            };
            let appid = result.appid.as_ref().map(ToString::to_string);
            (rows::by_taskid(conn, taskid)?, result.status, &result.msg, appid)
        }
        Event::BetaRegistered(beta) => {
            let Some(unique_id) = beta.unique_id.as_deref().filter(|t| !t.is_empty()) else {
                return Ok(None);
            };
            let appid = beta.appid.as_ref().map(ToString::to_string);
            (rows::by_taskid(conn, unique_id)?, beta.status, &beta.msg, appid)
        }
        Event::BetaVerified(result) => {
            let Some(appid) = result.appid.as_ref().map(ToString::to_string) else {
                return Ok(None);
            };
            let task = rows::open_for(conn, RegistrationKind::VerifyBeta, &appid)?;
            (task, result.status, &result.msg, Some(appid))
        }
        _ => return Ok(None),
    };
    let Some(task) = task else {
        return Ok(None);
    };
    let next = Registration {
        state: match status {
            0 => RegistrationState::Succeeded,
            _ => RegistrationState::Failed,
        },
        status_code: Some(status),
        status_text: Some(msg.clone()).filter(|m| !m.is_empty()),
        appid: appid.or(task.appid.clone()),
        updated_at: at,
        ..task
    };
    record(conn, &next, at).map(Some)
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
                    true => record(conn, &next, at).map(Some),
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
