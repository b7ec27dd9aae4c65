//! The hub's routes: WeChat-facing (pushes, the landing page) and the console API behind operator keys.
//!
//! Every console request passes `operator_gate`: it needs `Authorization: Bearer <key>` (401 otherwise) and is
//! written to the activity log with its operator, action, target and result once it has been answered.

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use super::store::admin::{self, ActivityRow};
use super::tokens::TokenError;
use super::upstream::UpstreamError;
use super::{Hub, console, intake, landing, now_secs, relay};

/// What a console request acted on, set by its handler as a response extension for the activity log.
#[derive(Debug, Clone)]
pub struct Target(pub String);

pub fn router(hub: Arc<Hub>) -> Router {
    let wechat = Router::new()
        .route("/wechat/component", post(intake::component))
        .route("/wechat/message/{appid}", post(intake::message))
        .layer(DefaultBodyLimit::max(intake::MAX_PUSH_BYTES));
    let console = Router::new()
        .route("/api/v1/status", get(console::status))
        .route("/api/v1/preauth", post(console::preauth))
        .route("/api/v1/authorizers", get(console::authorizers))
        .route("/api/v1/authorizers/sync", post(console::sync))
        .route("/api/v1/authorizers/{appid}", get(console::authorizer))
        .route("/api/v1/call", post(relay::call))
        .route("/api/v1/events", get(console::events))
        .route("/api/v1/activity", get(console::activity))
        .route_layer(middleware::from_fn_with_state(hub.clone(), operator_gate));
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/wechat/authorized", get(landing::authorized))
        .merge(wechat)
        .merge(console)
        .with_state(hub)
}

async fn operator_gate(State(hub): State<Arc<Hub>>, request: Request, next: Next) -> Response {
    let action = format!(
        "{} {}",
        request.method(),
        request
            .extensions()
            .get::<MatchedPath>()
            .map(MatchedPath::as_str)
            .unwrap_or(request.uri().path())
    );
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
    let default_target: String = request
        .uri()
        .query()
        .unwrap_or_default()
        .chars()
        .take(MAX_TARGET)
        .collect();
    let Some(operator) = operator else {
        tracing::warn!(%action, "console request without a valid operator key");
        let response = ApiError::new(StatusCode::UNAUTHORIZED, "a valid operator key is required").into_response();
        // Refused requests are on the record too; the key itself never is.
        let who = if key.is_some() { "(unknown key)" } else { "(no key)" };
        record(&hub, who.to_owned(), action, default_target, response.status()).await;
        return response;
    };
    let response = next.run(request).await;
    let target = response
        .extensions()
        .get::<Target>()
        .map(|t| t.0.clone())
        .unwrap_or(default_target);
    record(&hub, operator, action, target, response.status()).await;
    response
}

/// The longest target the activity log keeps (a query string is the caller's to choose).
const MAX_TARGET: usize = 256;

async fn record(hub: &Hub, operator: String, action: String, target: String, status: StatusCode) {
    let row = ActivityRow {
        seq: 0,
        at: now_secs(),
        operator,
        action,
        target,
        result: status.as_u16().to_string(),
    };
    if let Err(error) = hub.store.write(move |conn| admin::append_activity(conn, &row)).await {
        tracing::error!(%error, "activity not recorded");
    }
}

/// An error the hub itself answers with: `{"error", "errcode"?}` and a status that says whose fault it is.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    errcode: Option<i64>,
    /// The platform's own error answer (`{"errcode","errmsg"}`), passed on in the platform's shape.
    from_platform: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, message: &str) -> Self {
        Self {
            status,
            message: message.to_owned(),
            errcode: None,
            from_platform: false,
        }
    }

    pub fn bad_request(message: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = match self.from_platform {
            true => json!({ "errcode": self.errcode, "errmsg": self.message }),
            false => json!({ "error": self.message, "errcode": self.errcode }),
        };
        (self.status, axum::Json(body)).into_response()
    }
}

impl From<super::StoreError> for ApiError {
    fn from(error: super::StoreError) -> Self {
        tracing::error!(%error, "database error answering a console request");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "database error; see the hub's log")
    }
}

impl From<TokenError> for ApiError {
    fn from(error: TokenError) -> Self {
        let status = match &error {
            TokenError::NoTicket => StatusCode::SERVICE_UNAVAILABLE,
            TokenError::NotAuthorized(_) => StatusCode::CONFLICT,
            // The platform answered: 200, as WeChat itself does, with its errcode (§0.3).
            TokenError::Upstream(UpstreamError::Api { .. }) => StatusCode::OK,
            TokenError::Upstream(_) => StatusCode::BAD_GATEWAY,
            TokenError::Store(_) | TokenError::Seal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let from_platform = matches!(error, TokenError::Upstream(UpstreamError::Api { .. }));
        let message = match &error {
            TokenError::Upstream(UpstreamError::Api { errmsg, .. }) => errmsg.clone(),
            other => other.to_string(),
        };
        Self {
            status,
            message,
            errcode: error.errcode(),
            from_platform,
        }
    }
}
