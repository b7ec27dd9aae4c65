//! `POST /api/v1/call`: the console's WeChat calls, relayed with the right token injected by the hub.
//!
//! Only paths of wechat-api.md are relayed, and none of those that hand out tokens or need the provider's secret:
//! a console never sees an access or refresh token (DESIGN.md invariants). A refused token is refreshed once and
//! the call retried once (§0.4); binary answers (QR codes, audit screenshots) pass through with their content type.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::Hub;
use super::api::{ApiError, Target};
use super::tokens::TokenError;
use crate::wechat::{Answer, Host, Method, RawResponse, TokenKind};

/// Endpoints that return tokens or take the provider's secret: the hub calls them itself, consoles never do.
const HUB_ONLY: &[&str] = &[
    "/cgi-bin/component/api_start_push_ticket",
    "/cgi-bin/component/api_component_token",
    "/cgi-bin/component/api_query_auth",
    "/cgi-bin/component/api_authorizer_token",
    "/cgi-bin/component/api_get_authorizer_info",
    "/cgi-bin/component/api_get_authorizer_list",
    "/cgi-bin/component/clear_quota/v2",
];

#[derive(Debug, Deserialize)]
pub struct CallRequest {
    authorizer_appid: Option<String>,
    #[serde(default = "post")]
    method: String,
    path: String,
    #[serde(default)]
    query: serde_json::Map<String, serde_json::Value>,
    body: Option<serde_json::Value>,
}

fn post() -> String {
    "POST".into()
}

pub async fn call(State(hub): State<Arc<Hub>>, Json(request): Json<CallRequest>) -> Response {
    let target = Target(match &request.authorizer_appid {
        Some(appid) => format!("{} {appid}", request.path),
        None => request.path.clone(),
    });
    let mut response = match relay(&hub, request).await {
        Ok(raw) => passthrough(raw),
        Err(error) => error.into_response(),
    };
    response.extensions_mut().insert(target);
    response
}

async fn relay(hub: &Arc<Hub>, request: CallRequest) -> Result<RawResponse, ApiError> {
    let method = match request.method.to_ascii_uppercase().as_str() {
        "GET" => Method::Get,
        "POST" => Method::Post,
        _ => return Err(ApiError::bad_request("method must be GET or POST")),
    };
    let endpoint = crate::wechat::lookup(&request.path)
        .filter(|e| e.host == Host::Api && e.answer != Answer::Page && !HUB_ONLY.contains(&e.path))
        .ok_or_else(|| ApiError::new(StatusCode::FORBIDDEN, "this path is not relayed (see wechat-api.md)"))?;
    if !endpoint.allows(method) {
        return Err(ApiError::bad_request(&format!(
            "{} takes {}",
            endpoint.path,
            endpoint.method.as_str()
        )));
    }
    let mut query = Vec::with_capacity(request.query.len());
    for (name, value) in request.query {
        if name == "access_token" || name == "component_access_token" {
            return Err(ApiError::bad_request("the hub injects the token; do not send one"));
        }
        let value = match value {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        query.push((name, value));
    }
    let body = match &request.body {
        Some(body) => Some(serde_json::to_vec(body).map_err(|e| ApiError::bad_request(&e.to_string()))?),
        None => None,
    };
    let appid = request.authorizer_appid.as_deref().filter(|a| !a.is_empty());
    let upstream = &hub.upstream;
    let (query, body) = (&query, &body);
    // A refused token comes back as `WxError::Api` with 40001/42001/40014; the token owner refreshes once and
    // retries once (§0.4). Other platform errors pass to the console as the platform's own JSON.
    let attempt = |token: Option<String>| async move {
        upstream
            .execute_raw(endpoint, token.as_deref(), query, body.clone())
            .await
    };
    let outcome = match (endpoint.token, appid) {
        (TokenKind::None, _) => attempt(None).await.map_err(TokenError::from),
        (TokenKind::Authorizer | TokenKind::Either, Some(appid)) => {
            hub.tokens.with_authorizer(appid, |t| attempt(Some(t))).await
        }
        (TokenKind::Authorizer, None) => {
            return Err(ApiError::bad_request("authorizer_appid is required for this path"));
        }
        (TokenKind::Component(_) | TokenKind::Either, _) => hub.tokens.with_component(|t| attempt(Some(t))).await,
    };
    outcome.map_err(ApiError::from)
}

fn passthrough(raw: RawResponse) -> Response {
    let status = StatusCode::from_u16(raw.status).unwrap_or(StatusCode::BAD_GATEWAY);
    let content_type = raw
        .content_type
        .as_deref()
        .and_then(|t| HeaderValue::from_str(t).ok())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    (status, [(header::CONTENT_TYPE, content_type)], raw.body).into_response()
}
