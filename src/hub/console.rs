//! The console API's handlers (DESIGN.md, "Hub API for consoles"), except the relay and the jobs, which have their
//! own files. Every answer is a `hubapi` type; every refusal an `hubapi::ApiError`.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::api::{ApiJson, ApiPath, ApiQuery, Operator, Recorded};
use super::store::{admin, queries};
use super::{Hub, now_secs};
use crate::hubapi::{
    ActivityPage, ActivityQuery, ApiError, Authorizer, AuthorizerPage, AuthorizerQuery, ErrorBody, ErrorCode,
    EventsPage, EventsQuery, HubEventKind, JobCreated, LastError, Preauth, PreauthRequest, Status, TicketStatus,
    TokenStatus,
};
use crate::wechat::authurl::{self, AuthRequest};

/// The longest a long poll waits; proxies commonly cut idle requests at 60 s.
const MAX_WAIT_SECS: u64 = 50;

/// The hub's health: ticket, component token, last error.
#[utoipa::path(get, path = "/api/v1/status", tag = "console", security(("operator_key" = [])),
    responses((status = 200, body = Status), (status = 401, body = ErrorBody)))]
pub async fn status(State(hub): State<Arc<Hub>>) -> Result<Json<Status>, ApiError> {
    let (ticket, persisted, last_error) = hub
        .store
        .read(|conn| {
            Ok((
                queries::newest_ticket(conn)?,
                queries::access_token(conn, "component")?,
                queries::last_event_of_kind(conn, "error")?,
            ))
        })
        .await?;
    let now = now_secs();
    let expires_at = hub
        .tokens
        .component_expires_at()
        .or(persisted.map(|(_, expires_at)| expires_at));
    let last_error = last_error.and_then(|event| match event.kind {
        HubEventKind::Error(error) => Some(LastError {
            at: event.at,
            context: error.context,
            errcode: error.errcode,
            message: error.message,
        }),
        _ => None,
    });
    Ok(Json(Status {
        component_appid: hub.config.component_appid.clone(),
        ticket: ticket.map(|(_, received_at)| TicketStatus {
            received_at,
            age_secs: now - received_at,
        }),
        component_token: expires_at.map(|expires_at| TokenStatus { expires_at }),
        last_error,
        now,
        audit_quota: hub.audits.last_quota(),
        ticket_request: hub.ticket_requests.last(),
    }))
}

/// A pre-authorization code and both authorization links (§1.3, §2) for a merchant to scan.
#[utoipa::path(post, path = "/api/v1/preauth", tag = "console", security(("operator_key" = [])),
    request_body = PreauthRequest,
    responses((status = 200, body = Preauth), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn preauth(State(hub): State<Arc<Hub>>, ApiJson(request): ApiJson<PreauthRequest>) -> Response {
    let recorded = Recorded::target(format!("auth_type={}", request.auth_type.code()));
    let mut response = match create_preauth(&hub, &request).await {
        Ok(preauth) => Json(preauth).into_response(),
        Err(error) => error.into_response(),
    };
    response.extensions_mut().insert(recorded);
    response
}

async fn create_preauth(hub: &Arc<Hub>, request: &PreauthRequest) -> Result<Preauth, ApiError> {
    let biz_appid = request.biz_appid.as_deref().filter(|b| !b.is_empty());
    if let Some(appid) = biz_appid {
        crate::wechat::ids::AuthorizerAppId::parse(appid)
            .map_err(|e| ApiError::invalid_field("biz_appid", e.to_string()))?;
    }
    let upstream = &hub.upstream;
    let (code, expires_in) = hub
        .tokens
        .with_component(|ct| async move { upstream.create_preauthcode(&ct).await })
        .await?;
    let redirect_uri = format!("{}/wechat/authorized", hub.config.public_url);
    let category_ids: Vec<u32> = request
        .category_id_list
        .iter()
        .flatten()
        .filter_map(|id| u32::try_from(*id).ok())
        .collect();
    let urls = AuthRequest {
        component_appid: &hub.config.component_appid,
        pre_auth_code: &code,
        redirect_uri: &redirect_uri,
        auth_type: request.auth_type,
        biz_appid,
        category_id_list: &category_ids,
    };
    Ok(Preauth {
        pc_url: authurl::pc_url(&hub.config.mp_base, &urls),
        h5_url: authurl::h5_url(&hub.config.open_base, &urls),
        pre_auth_code: code,
        expires_at: now_secs() + expires_in,
    })
}

/// A page of authorizers, newest authorization first.
#[utoipa::path(get, path = "/api/v1/authorizers", tag = "console", security(("operator_key" = [])),
    params(AuthorizerQuery),
    responses((status = 200, body = AuthorizerPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn authorizers(
    State(hub): State<Arc<Hub>>,
    ApiQuery(list): ApiQuery<AuthorizerQuery>,
) -> Result<Json<AuthorizerPage>, ApiError> {
    let query = list.query.unwrap_or_default();
    let offset = list.offset.unwrap_or(0).max(0);
    let limit = list.limit.unwrap_or(100).clamp(1, 1000);
    let (total, authorizers) = hub
        .store
        .read(move |conn| queries::list_authorizers(conn, &query, offset, limit))
        .await?;
    Ok(Json(AuthorizerPage {
        total,
        offset,
        authorizers,
    }))
}

/// One authorizer.
#[utoipa::path(get, path = "/api/v1/authorizers/{appid}", tag = "console", security(("operator_key" = [])),
    params(("appid" = String, Path, description = "The authorizer's appid")),
    responses((status = 200, body = Authorizer), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn authorizer(
    State(hub): State<Arc<Hub>>,
    ApiPath(appid): ApiPath<String>,
) -> Result<Json<Authorizer>, ApiError> {
    let row = hub.store.read(move |conn| queries::authorizer(conn, &appid)).await?;
    row.map(Json)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no such authorizer"))
}

/// Starts an authorizer sync job (or answers the one already running); follow it with `job_progress` events.
#[utoipa::path(post, path = "/api/v1/authorizers/sync", tag = "console", security(("operator_key" = [])),
    responses((status = 202, body = JobCreated), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn sync(State(hub): State<Arc<Hub>>, Operator(operator): Operator) -> Response {
    match super::jobs::start_sync(&hub, &operator).await {
        Ok(id) => {
            let mut response = (StatusCode::ACCEPTED, Json(JobCreated { id })).into_response();
            response.extensions_mut().insert(Recorded::target(format!("job {id}")));
            response
        }
        Err(error) => error.into_response(),
    }
}

/// Hub events after `after`, waiting up to `wait_secs` when there is none yet (long poll).
#[utoipa::path(get, path = "/api/v1/events", tag = "console", security(("operator_key" = [])),
    params(EventsQuery),
    responses((status = 200, body = EventsPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn events(
    State(hub): State<Arc<Hub>>,
    ApiQuery(query): ApiQuery<EventsQuery>,
) -> Result<Json<EventsPage>, ApiError> {
    let after = query.after.unwrap_or(0);
    let wait = Duration::from_secs(query.wait_secs.unwrap_or(0).min(MAX_WAIT_SECS));
    let mut stop = hub.stop.clone();
    let _counted = (!wait.is_zero()).then(|| hub.metrics.long_poll());
    let events = hub.events.poll(after, wait, &mut stop).await?;
    let next = events.last().map_or(after, |event| event.seq);
    Ok(Json(EventsPage { events, next }))
}

/// What operators did, filtered and paged.
#[utoipa::path(get, path = "/api/v1/activity", tag = "console", security(("operator_key" = [])),
    params(ActivityQuery),
    responses((status = 200, body = ActivityPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn activity(
    State(hub): State<Arc<Hub>>,
    ApiQuery(query): ApiQuery<ActivityQuery>,
) -> Result<Json<ActivityPage>, ApiError> {
    let limit = query.limit.unwrap_or(500).clamp(1, 1000);
    let after = query.after.unwrap_or(0);
    let asked = query.clone();
    let activity = hub
        .store
        .read(move |conn| admin::activity_page(conn, &asked, limit))
        .await?;
    let next = activity.iter().map(|entry| entry.seq).max().unwrap_or(after).max(after);
    Ok(Json(ActivityPage { activity, next }))
}
