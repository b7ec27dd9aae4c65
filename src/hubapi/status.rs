//! `GET /api/v1/status`: the hub's health as a console shows it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Status {
    pub component_appid: String,
    /// `None` until the first `component_verify_ticket` arrived (§1.1).
    pub ticket: Option<TicketStatus>,
    /// `None` until the hub obtained a component access token.
    pub component_token: Option<TokenStatus>,
    /// The last error the hub met talking to WeChat.
    pub last_error: Option<LastError>,
    /// Unix seconds on the hub's clock when it answered, so a console can age the values it shows.
    pub now: i64,
    /// The audit quota as last read (`GET /api/v1/audits/quota` reads it now); `None` before the first read.
    #[serde(default)]
    pub audit_quota: Option<super::AuditQuota>,
    /// The hub's own request for a ticket push, made when it started without a fresh ticket; `None` when it
    /// started with one (or is older than this field).
    #[serde(default)]
    pub ticket_request: Option<TicketRequest>,
}

/// `api_start_push_ticket` (§1.1), called by the hub at start: the platform then pushes a ticket to the
/// authorization-event URL within seconds, instead of at its next 10-minute push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TicketRequest {
    /// Unix seconds.
    pub requested_at: i64,
    /// `None` when the platform accepted the request.
    pub error: Option<TicketRequestError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TicketRequestError {
    /// WeChat's errcode when the platform refused (`40013`, `61004` …); `None` when it did not answer.
    pub errcode: Option<i64>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TicketStatus {
    /// Unix seconds.
    pub received_at: i64,
    pub age_secs: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TokenStatus {
    /// Unix seconds.
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LastError {
    /// Unix seconds.
    pub at: i64,
    /// What the hub was doing (`component_token`, `api_query_auth`, …).
    pub context: String,
    /// WeChat's errcode when the platform refused; explain it with `wechat::errcodes`.
    pub errcode: Option<i64>,
    pub message: String,
}
