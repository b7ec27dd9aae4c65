//! The hub's routes: WeChat-facing (pushes, the landing page) and the console API behind operator keys.
//!
//! Every route is registered through utoipa-axum's `routes!`, which registers the handler and its OpenAPI entry
//! together: the document at `GET /api/v1/openapi.json` lists exactly what the router serves. Every console request
//! passes `operator_gate`, which answers 401 without a valid `Authorization: Bearer <key>` and records the *actions*
//! (writes) in the activity log with their outcome; reads, status polls and the long poll are not recorded.

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::store::admin::{self, ActivityRecord};
use super::tokens::TokenError;
use super::upstream::UpstreamError;
use super::{
    Hub, audits_api, confirm_file, console, deployments, fastregister, intake, jobs_api, landing, now_secs, readiness,
    registrations, relay, release_check,
};
use crate::hubapi::{ApiError, ErrorBody, ErrorCode, Outcome, action};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "wxdesk hub",
        description = "The hub's API for consoles (DESIGN.md), and the URLs WeChat calls. Console routes need \
                       `Authorization: Bearer <operator key>`; errors are `{error: {code, message, fields?}}`."
    ),
    components(schemas(ErrorBody)),
    modifiers(&OperatorKey)
)]
struct ApiDoc;

/// The operator key as a bearer security scheme.
struct OperatorKey;

impl utoipa::Modify for OperatorKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("operator_key", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// The console API: every route behind the operator gate.
fn console_routes() -> OpenApiRouter<Arc<Hub>> {
    OpenApiRouter::new()
        .routes(routes!(console::status))
        .routes(routes!(console::preauth))
        .routes(routes!(console::authorizers))
        .routes(routes!(console::authorizer))
        .routes(routes!(console::sync))
        .routes(routes!(relay::call))
        .routes(routes!(console::events))
        .routes(routes!(console::activity))
        .routes(routes!(jobs_api::list))
        .routes(routes!(jobs_api::show))
        .routes(routes!(jobs_api::pause))
        .routes(routes!(jobs_api::resume))
        .routes(routes!(jobs_api::approve))
        .routes(routes!(jobs_api::cancel))
        .routes(routes!(jobs_api::retry))
        .routes(routes!(deployments::create))
        .routes(routes!(audits_api::list))
        .routes(routes!(audits_api::screenshot))
        .routes(routes!(audits_api::quota))
        .routes(routes!(registrations::create, registrations::list))
        .routes(routes!(registrations::show))
        .routes(routes!(readiness::readiness))
        .routes(routes!(audits_api::release))
        .routes(routes!(audits_api::speedup))
        .routes(routes!(release_check::show))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(audits_api::upload_media))
                // §6.14: an image is at most 2 MB; the default limit would refuse it before the route could say so.
                .layer(DefaultBodyLimit::max(
                    crate::hubapi::MAX_FEEDBACK_IMAGE_BYTES + 64 * 1024,
                )),
        )
}

/// Routes without an operator key: health, the API document, and what WeChat and the merchant's browser call.
fn open_routes() -> OpenApiRouter<Arc<Hub>> {
    let wechat = OpenApiRouter::new()
        .routes(routes!(intake::component))
        .routes(routes!(intake::message))
        .layer(DefaultBodyLimit::max(intake::MAX_PUSH_BYTES));
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(openapi_json))
        .routes(routes!(landing::authorized))
        .routes(routes!(fastregister::fastregister))
        .routes(routes!(confirm_file::confirm_file))
        .merge(wechat)
}

/// The OpenAPI 3 document of every route the hub serves.
pub fn openapi() -> &'static utoipa::openapi::OpenApi {
    static DOCUMENT: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let (_, document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
            .merge(console_routes())
            .merge(open_routes())
            .split_for_parts();
        document
    })
}

pub fn router(hub: Arc<Hub>) -> Router {
    let (console, _) = console_routes().split_for_parts();
    let console = console.route_layer(middleware::from_fn_with_state(hub.clone(), operator_gate));
    let (open, _) = open_routes().split_for_parts();
    Router::new().merge(console).merge(open).with_state(hub)
}

/// The metrics listener's one route, `GET /metrics` (`metrics_listen`): on its own address, so outside the
/// document above, which describes `listen`.
pub fn metrics_router(hub: Arc<Hub>) -> Router {
    let (router, _) = OpenApiRouter::new()
        .routes(routes!(super::metrics::metrics))
        .split_for_parts();
    router.with_state(hub)
}

/// Serves `router` until the hub stops, letting requests in flight finish.
pub async fn serve(listener: tokio::net::TcpListener, router: Router, mut stop: tokio::sync::watch::Receiver<bool>) {
    let serve = axum::serve(listener, router).with_graceful_shutdown(async move {
        let _ = stop.wait_for(|stopped| *stopped).await;
    });
    if let Err(error) = serve.await {
        tracing::error!(%error, "a hub listener stopped");
    }
}

/// Liveness, without a key.
#[utoipa::path(get, path = "/healthz", tag = "hub", responses((status = 200, description = "`ok`", body = String)))]
async fn healthz() -> &'static str {
    "ok"
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "hub",
    responses((status = 200, description = "The OpenAPI 3 document of the hub", content_type = "application/json")))]
async fn openapi_json() -> Response {
    axum::Json(openapi()).into_response()
}

/// The operator a request was made by, for handlers that record it (a job's `created_by`).
#[derive(Debug, Clone)]
pub struct Operator(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Operator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Operator>()
            .cloned()
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthorized, "a valid operator key is required"))
    }
}

/// What a handler tells the activity log about the action it answered: its target and detail, or, for the relay,
/// which action it was (or that it was a read, which is not recorded).
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    /// Overrides the route's action name (the relay names the endpoint).
    pub action: Option<String>,
    /// A read through a route that also takes writes (the relay): not activity.
    pub read: bool,
    pub target: Option<String>,
    pub detail: Option<String>,
}

impl Recorded {
    pub fn target(target: impl Into<String>) -> Self {
        Self {
            target: Some(target.into()),
            ..Self::default()
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// The action name of a console route, or `None` for a read that is not activity.
fn action_of(method: &Method, route: &str) -> Option<&'static str> {
    if method == Method::GET {
        return None;
    }
    Some(match route {
        "/api/v1/preauth" => action::PREAUTH_CREATE,
        "/api/v1/authorizers/sync" => action::AUTHORIZERS_SYNC,
        "/api/v1/deployments" => action::DEPLOYMENT_CREATE,
        "/api/v1/audits/release" => action::AUDITS_RELEASE,
        "/api/v1/audits/speedup" => action::AUDITS_SPEEDUP,
        "/api/v1/audits/{appid}/media" => action::AUDITS_MEDIA,
        "/api/v1/registrations" => action::REGISTRATION_CREATE,
        "/api/v1/jobs/{id}/pause" => action::JOB_PAUSE,
        "/api/v1/jobs/{id}/resume" => action::JOB_RESUME,
        "/api/v1/jobs/{id}/approve" => action::JOB_APPROVE,
        "/api/v1/jobs/{id}/cancel" => action::JOB_CANCEL,
        "/api/v1/jobs/{id}/retry" => action::JOB_RETRY,
        // The relay names the endpoint itself; a body it could not read is still an attempted call.
        "/api/v1/call" => "call",
        _ => return None,
    })
}

async fn operator_gate(State(hub): State<Arc<Hub>>, mut request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| request.uri().path().to_owned());
    let action = action_of(request.method(), &route);
    let key = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let operator = match &key {
        Some(key) => match hub.operators.identify(key).await {
            Ok(operator) => operator,
            Err(error) => return ApiError::from(error).into_response(),
        },
        None => None,
    };
    let Some(operator) = operator else {
        tracing::warn!(route, "console request without a valid operator key");
        // Refused requests are on the record too; the key itself never is.
        let who = if key.is_some() { "(unknown key)" } else { "(no key)" };
        let record = ActivityRecord {
            operator: who.to_owned(),
            action: action::ACCESS_REFUSED.to_owned(),
            target: Some(format!("{} {route}", request.method())),
            outcome: Outcome::Failed,
            reason: Some("no valid operator key".into()),
            ..ActivityRecord::default()
        };
        record_activity(&hub, record).await;
        return ApiError::new(ErrorCode::Unauthorized, "a valid operator key is required").into_response();
    };
    request.extensions_mut().insert(Operator(operator.clone()));
    let response = next.run(request).await;
    let recorded = response.extensions().get::<Recorded>().cloned().unwrap_or_default();
    let Some(action) = recorded.action.as_deref().or(action).filter(|_| !recorded.read) else {
        return response;
    };
    let failure = response.extensions().get::<ApiError>();
    let ok = response.status().is_success() && failure.is_none();
    let record = ActivityRecord {
        operator,
        action: action.to_owned(),
        target: recorded.target.clone(),
        outcome: if ok { Outcome::Ok } else { Outcome::Failed },
        reason: failure
            .map(|error| error.message.clone())
            .or_else(|| (!ok).then(|| format!("HTTP {}", response.status().as_u16()))),
        errcode: failure.and_then(|error| error.errcode),
        detail: recorded.detail.clone(),
    };
    record_activity(&hub, record).await;
    response
}

/// The longest target or detail the activity log keeps (a query string is the caller's to choose).
const MAX_TEXT: usize = 256;

async fn record_activity(hub: &Hub, mut record: ActivityRecord) {
    let clip = |text: &mut Option<String>| {
        if let Some(text) = text {
            *text = text.chars().take(MAX_TEXT).collect();
        }
    };
    clip(&mut record.target);
    clip(&mut record.detail);
    clip(&mut record.reason);
    let at = now_secs();
    if let Err(error) = hub
        .store
        .write(move |conn| admin::append_activity(conn, at, &record))
        .await
    {
        tracing::error!(%error, "activity not recorded");
    }
}

/// Every error answer: `{error: {code, message, fields?}}` with its status. The error also rides along as a response
/// extension, so the activity log can say why an action failed.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(ErrorBody { error: self.clone() })).into_response();
        response.extensions_mut().insert(self);
        response
    }
}

impl From<super::StoreError> for ApiError {
    fn from(error: super::StoreError) -> Self {
        tracing::error!(%error, "database error answering a console request");
        ApiError::new(ErrorCode::Internal, "database error; see the hub's log")
    }
}

impl From<TokenError> for ApiError {
    fn from(error: TokenError) -> Self {
        let code = match &error {
            TokenError::NoTicket => ErrorCode::Unavailable,
            TokenError::NotAuthorized(_) => ErrorCode::Conflict,
            TokenError::Upstream(_) => ErrorCode::Upstream,
            TokenError::Store(_) | TokenError::Seal(_) => ErrorCode::Internal,
        };
        let message = match &error {
            TokenError::Upstream(UpstreamError::Api { errcode, errmsg }) => format!("WeChat error {errcode}: {errmsg}"),
            other => other.to_string(),
        };
        ApiError {
            errcode: error.errcode(),
            ..ApiError::new(code, message)
        }
    }
}

/// `axum::Json` whose refusal is the API's error shape, naming the field that failed (`fields`).
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|rejection| ApiError::new(ErrorCode::InvalidRequest, rejection.body_text()))?;
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(&mut deserializer)
            .map(ApiJson)
            .map_err(|error| {
                let path = error.path().to_string();
                let message = error.into_inner().to_string();
                match path.as_str() {
                    "." | "" => ApiError::new(ErrorCode::InvalidRequest, format!("the body is not valid: {message}")),
                    field => ApiError::invalid_field(field, message),
                }
            })
    }
}

/// `Query` and `Path` refusals in the API's error shape.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    /// Decoded as axum's `Query` does, with the failing parameter named (`offset=abc` → `fields.offset`).
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer = serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(ApiQuery)
            .map_err(|error| {
                let path = error.path().to_string();
                let message = error.into_inner().to_string();
                match path.as_str() {
                    "." | "" => ApiError::new(ErrorCode::InvalidRequest, format!("the query is not valid: {message}")),
                    field => ApiError::invalid_field(field, message),
                }
            })
    }
}

pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|path| ApiPath(path.0))
            .map_err(|rejection: PathRejection| ApiError::new(ErrorCode::InvalidRequest, rejection.body_text()))
    }
}
