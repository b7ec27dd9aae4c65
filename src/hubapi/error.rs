//! The one error shape of the hub API: `{"error": {"code", "message", "fields"?}}` with a status that fits.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What went wrong, as a stable name a client can switch on; the HTTP status says whose fault it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the request is malformed or a field is invalid; `fields` names each bad one.
    InvalidRequest,
    /// 400: a deployment plan failed validation; `fields` names each bad one (DESIGN.md, deployments).
    InvalidPlan,
    /// 401: no operator key, or one the hub does not know (wrong or revoked).
    Unauthorized,
    /// 403: the request is understood but not allowed (a path the relay never forwards).
    Forbidden,
    /// 404: no such authorizer, job or resource.
    NotFound,
    /// 404: the audit screenshot is not on the hub (yet): its fetch failed or has not run; it is tried again later.
    ScreenshotMissing,
    /// 409: the resource's state does not allow the action (resume a completed job, a second sync).
    Conflict,
    /// 502: WeChat answered with a non-zero `errcode` (in `errcode`), or could not be reached.
    Upstream,
    /// 503: the hub cannot act yet (no `component_verify_ticket` has arrived).
    Unavailable,
    /// 500: the hub's own fault (its database); its log says more.
    Internal,
    /// A code this build does not know (a newer hub); treat it by its HTTP status.
    #[serde(other)]
    Other,
}

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ApiError,
}

/// One error: a stable code, a message for people (English; consoles translate by `code` and `errcode`), and for
/// bad input the message of each bad field, keyed by the field's JSON path (`appids[3]`, `auth_type`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, String>>,
    /// WeChat's errcode when the platform refused (code `upstream`); explain it with `wechat::errcodes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errcode: Option<i64>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            fields: None,
            errcode: None,
        }
    }

    /// A 400 naming each bad field.
    pub fn invalid_fields(code: ErrorCode, fields: BTreeMap<String, String>) -> Self {
        let names: Vec<&str> = fields.keys().map(String::as_str).collect();
        Self {
            message: format!("invalid: {}", names.join(", ")),
            fields: Some(fields),
            ..Self::new(code, "")
        }
    }

    /// A 400 for one bad field.
    pub fn invalid_field(field: &str, problem: impl Into<String>) -> Self {
        Self::invalid_fields(
            ErrorCode::InvalidRequest,
            BTreeMap::from([(field.to_owned(), problem.into())]),
        )
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self.code {
            ErrorCode::InvalidRequest | ErrorCode::InvalidPlan => 400,
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound | ErrorCode::ScreenshotMissing => 404,
            ErrorCode::Conflict => 409,
            ErrorCode::Upstream => 502,
            ErrorCode::Unavailable => 503,
            ErrorCode::Internal | ErrorCode::Other => 500,
        }
    }
}
