//! `POST /api/v1/call`: the console's WeChat calls, relayed with the right token injected by the hub.
//!
//! Only paths of wechat-api.md are relayed, and none of those that hand out tokens or need the provider's secret:
//! a console never sees an access or refresh token (DESIGN.md invariants). A refused token is refreshed once and
//! the call retried once (§0.4); binary answers (QR codes, audit screenshots) pass through with their content type.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::Hub;
use super::api::{ApiJson, Recorded};
use super::audits::{self, Seen};
use super::tokens::TokenError;
use super::upstream::UpstreamError;
use crate::hubapi::{ApiError, AuditSource, AuditStatus, CallRequest, ErrorBody, ErrorCode, action};
use crate::wechat::api::account::SetNicknameResponse;
use crate::wechat::api::code::SubmitAuditResponse;
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

/// A WeChat call with the right token injected. The answer is WeChat's own: its JSON (with `errcode` when the
/// platform refused, HTTP 200 as WeChat answers) or its binary body with its content type. Writes are activity.
#[utoipa::path(post, path = "/api/v1/call", tag = "console", security(("operator_key" = [])),
    request_body = CallRequest,
    responses(
        (status = 200, description = "WeChat's answer, passed through (JSON with errcode/errmsg, or binary)"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn call(State(hub): State<Arc<Hub>>, ApiJson(request): ApiJson<CallRequest>) -> Response {
    let endpoint = crate::wechat::lookup(&request.path);
    // §6.10: `revertcoderelease` rolls back, except with `action=get_history_version`, which only lists.
    let history = request.query.get("action").and_then(|a| a.as_str()) == Some("get_history_version");
    let recorded = Recorded {
        // A write is recorded by its endpoint's name; a read (or a path that is not relayed) by none.
        action: endpoint.map(|e| format!("{}{}", action::CALL_PREFIX, e.path.trim_start_matches('/'))),
        read: endpoint.is_some_and(|e| e.idempotent) || history,
        target: request.authorizer_appid.clone(),
        detail: None,
    };
    let audit_appid = request.authorizer_appid.clone().filter(|a| !a.is_empty());
    let gray_percentage = request.body.as_ref().and_then(|b| b["gray_percentage"].as_i64());
    let relayed = relay(&hub, request).await;
    if let Some(endpoint) = endpoint {
        let errcode = match &relayed {
            Ok(_) => Some(0),
            Err(Relayed::Platform { errcode, .. }) => Some(*errcode),
            Err(Relayed::Hub(error)) => error.errcode,
        };
        hub.metrics.relay_call(endpoint.path, errcode);
    }
    let mut response = match relayed {
        Ok(raw) => {
            if let (Some(endpoint), Some(appid)) = (endpoint, &audit_appid) {
                audit_written(&hub, endpoint.path, appid, &raw, gray_percentage).await;
                setup_written(&hub, endpoint.path, appid, &raw);
            }
            passthrough(raw)
        }
        Err(Relayed::Platform { errcode, errmsg }) => {
            // WeChat's own shape, as the platform answered; the activity log still learns it failed.
            let body = serde_json::json!({ "errcode": errcode, "errmsg": errmsg });
            let mut response = axum::Json(body).into_response();
            response.extensions_mut().insert(ApiError {
                errcode: Some(errcode),
                ..ApiError::new(ErrorCode::Upstream, format!("WeChat error {errcode}: {errmsg}"))
            });
            response
        }
        Err(Relayed::Hub(error)) => error.into_response(),
    };
    response.extensions_mut().insert(recorded);
    response
}

/// Why a relayed call did not pass through.
enum Relayed {
    /// WeChat answered with a non-zero errcode.
    Platform { errcode: i64, errmsg: String },
    /// The hub refused or failed before WeChat answered.
    Hub(ApiError),
}

impl From<ApiError> for Relayed {
    fn from(error: ApiError) -> Self {
        Relayed::Hub(error)
    }
}

async fn relay(hub: &Arc<Hub>, request: CallRequest) -> Result<RawResponse, Relayed> {
    let method = match request.method.to_ascii_uppercase().as_str() {
        "GET" => Method::Get,
        "POST" => Method::Post,
        _ => return Err(ApiError::invalid_field("method", "must be GET or POST").into()),
    };
    let endpoint = crate::wechat::lookup(&request.path)
        .filter(|e| e.host == Host::Api && e.answer != Answer::Page && !HUB_ONLY.contains(&e.path))
        .ok_or_else(|| ApiError::new(ErrorCode::Forbidden, "this path is not relayed (see wechat-api.md)"))?;
    if !endpoint.allows(method) {
        return Err(ApiError::invalid_field(
            "method",
            format!("{} takes {}", endpoint.path, endpoint.method.as_str()),
        )
        .into());
    }
    let mut query = Vec::with_capacity(request.query.len());
    for (name, value) in request.query {
        if name == "access_token" || name == "component_access_token" {
            return Err(ApiError::invalid_field(
                &format!("query.{name}"),
                "the hub injects the token; do not send one",
            )
            .into());
        }
        let value = match value {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        query.push((name, value));
    }
    let body = match &request.body {
        Some(body) => Some(serde_json::to_vec(body).map_err(|e| ApiError::invalid_field("body", e.to_string()))?),
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
            return Err(ApiError::invalid_field("authorizer_appid", "required for this path").into());
        }
        (TokenKind::Component(_) | TokenKind::Either, _) => hub.tokens.with_component(|t| attempt(Some(t))).await,
    };
    outcome.map_err(|error| match error {
        TokenError::Upstream(UpstreamError::Api { errcode, errmsg }) => Relayed::Platform { errcode, errmsg },
        other => Relayed::Hub(other.into()),
    })
}

/// A console's audit write went through: the audits table learns of it (DESIGN.md, "Audits"): a new audit
/// (§6.5, its version learned by the poll that follows), a withdrawal (§6.8), a release (§6.9), a gray release's
/// step or its revert (§6.11).
async fn audit_written(hub: &Arc<Hub>, path: &str, appid: &str, raw: &RawResponse, gray_percentage: Option<i64>) {
    // WeChat answers 200 even when it refuses (§0.3); the relay passed the refusal as `Relayed::Platform`, so an
    // answer here went through.
    let seen = match path {
        "/wxa/submit_audit" => {
            let answer: Option<SubmitAuditResponse> = serde_json::from_slice(&raw.body).ok();
            let Some(answer) = answer else {
                tracing::warn!(%appid, "submit_audit answered without an auditid; the next poll finds the audit");
                return;
            };
            refresh_quota(hub);
            Seen::Audit {
                auditid: answer.auditid.0 as i64,
                status: AuditStatus::Auditing,
                user_version: None,
                user_desc: None,
                submitted_at: Some(super::now_secs()),
                reason: None,
                screenshots: Vec::new(),
            }
        }
        "/wxa/speedupaudit" => {
            refresh_quota(hub);
            return;
        }
        "/wxa/undocodeaudit" => Seen::Withdrawn,
        "/wxa/release" => Seen::Released { auditid: None },
        "/wxa/grayrelease" => match gray_percentage {
            Some(percentage) => Seen::Gray { percentage },
            None => return,
        },
        "/wxa/revertgrayrelease" => Seen::GrayReverted,
        _ => return,
    };
    audits::record(hub, appid, AuditSource::Relay, seen).await;
}

/// A console's set-up write went through (§8.7): the name (set at once, not sent to review), the avatar or the
/// introduction changed, so the hub reads the account's details again (§1.6), off the call's path, and tells every
/// console. A name sent to review is read again when its `wxa_nickname_audit` push arrives.
fn setup_written(hub: &Arc<Hub>, path: &str, appid: &str, raw: &RawResponse) {
    let changed = match path {
        "/wxa/setnickname" => {
            let answer: Option<SetNicknameResponse> = serde_json::from_slice(&raw.body).ok();
            answer.is_some_and(|answer| answer.audit_id.is_none())
        }
        "/wxa/setbetaweappnickname" | "/cgi-bin/account/modifyheadimage" | "/cgi-bin/account/modifysignature" => true,
        _ => false,
    };
    if changed {
        super::authorize::announce_info(hub, appid);
    }
}

/// A submit or a speed-up spent quota (§6.13): the quota `GET /api/v1/status` shows is read again, off the call's
/// path.
fn refresh_quota(hub: &Arc<Hub>) {
    let hub = hub.clone();
    tokio::spawn(async move {
        if let Err(error) = super::audits_api::read_quota(&hub).await {
            tracing::warn!(error = error.message, "audit quota not read after a submit or speed-up");
        }
    });
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
