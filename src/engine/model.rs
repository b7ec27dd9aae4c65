//! The data the engine hands the UI: merchants, pre-authorizations, the hub's health, its events and activity log.
//! Re-exported from `protocol`; the serde spellings are the hub API's (DESIGN.md, the hub).

use serde::{Deserialize, Serialize};

/// Which accounts the authorization page lists (`auth_type`, wechat-api.md §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AuthType {
    /// `auth_type=2`.
    #[default]
    MiniProgram,
    /// `auth_type=1`.
    OfficialAccount,
    /// `auth_type=3`.
    Both,
}

impl AuthType {
    /// The number the platform uses (§2.3).
    pub fn code(self) -> u8 {
        match self {
            AuthType::OfficialAccount => 1,
            AuthType::MiniProgram => 2,
            AuthType::Both => 3,
        }
    }
}

/// What `CreatePreAuth` asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PreAuthRequest {
    pub auth_type: AuthType,
    /// Restrict the page to this one account (§2.3); it wins over `auth_type` when they disagree.
    pub biz_appid: Option<String>,
    /// Permission sets to request (§3); empty means every set the platform has published.
    pub category_ids: Vec<u32>,
}

/// A pre-authorization code and its links (§1.3, §2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreAuth {
    pub pre_auth_code: String,
    /// Unix seconds; single use before then.
    pub expires_at: i64,
    /// The PC scan page.
    pub pc_url: String,
    /// The mobile link to show as a QR code.
    pub h5_url: String,
}

/// Mini program or official account. Serialized as the hub spells it: `miniprogram`, `official_account`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AccountKind {
    #[serde(rename = "miniprogram")]
    MiniProgram,
    #[serde(rename = "official_account")]
    OfficialAccount,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::MiniProgram => "miniprogram",
            AccountKind::OfficialAccount => "official_account",
        }
    }
}

/// One authorized (or formerly authorized) merchant account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizerRow {
    pub appid: String,
    pub nick_name: String,
    pub kind: AccountKind,
    pub principal_name: String,
    /// `verify_type_info.id` is 0 or more (§1.6).
    pub verified: bool,
    pub verify_type: i32,
    /// Unix seconds.
    pub authorized_at: i64,
    /// Unix seconds; `Some` once the merchant revoked the authorization.
    pub revoked_at: Option<i64>,
    /// Granted permission sets (§3).
    pub func_ids: Vec<u32>,
    /// The original id, `gh_…`.
    pub user_name: String,
    pub head_img: String,
    pub service_type: i32,
}

/// Whether an authorizer list came from the local cache or fresh from the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorizersSource {
    Cache,
    Hub,
}

/// The result of `SyncAuthorizers`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SyncSummary {
    pub total: u64,
    pub synced: u64,
    pub failed: u64,
}

/// The hub's health (`GET /api/v1/status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubStatus {
    pub component_appid: String,
    /// `None` until the first `component_verify_ticket` arrived.
    pub ticket: Option<TicketStatus>,
    /// `None` until the hub obtained a component access token.
    pub component_token: Option<TokenStatus>,
    pub last_error: Option<HubLastError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketStatus {
    /// Unix seconds.
    pub received_at: i64,
    pub age_secs: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenStatus {
    /// Unix seconds.
    pub expires_at: i64,
}

/// The last error the hub met talking to WeChat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubLastError {
    /// WeChat's errcode when the error came from the platform; explain it with `crate::wechat::errcodes`.
    pub errcode: Option<i64>,
    pub message: String,
    /// Unix seconds, when the hub reports it.
    #[serde(default)]
    pub at: Option<i64>,
}

/// Well-known `HubEvent::kind` values.
pub mod hub_event_kind {
    pub const TICKET_RECEIVED: &str = "ticket_received";
    pub const AUTHORIZED: &str = "authorized";
    pub const UPDATE_AUTHORIZED: &str = "updateauthorized";
    pub const UNAUTHORIZED: &str = "unauthorized";
    pub const AUDIT_SUCCESS: &str = "audit_success";
    pub const AUDIT_FAIL: &str = "audit_fail";
    pub const AUDIT_DELAY: &str = "audit_delay";
    pub const REGISTRATION_RESULT: &str = "registration_result";
    pub const TOKEN_REFRESHED: &str = "token_refreshed";
    pub const SYNC_PROGRESS: &str = "sync_progress";
    pub const ERROR: &str = "error";
}

/// One event from the hub's stream (`GET /api/v1/events`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HubEvent {
    /// Increasing; the long poll resumes after the last one seen.
    pub seq: i64,
    /// Unix seconds.
    pub at: i64,
    /// One of [`hub_event_kind`], or a kind this console does not know yet.
    pub kind: String,
    #[serde(default)]
    pub authorizer_appid: Option<String>,
    #[serde(default)]
    pub nick_name: Option<String>,
    #[serde(default)]
    pub func_ids: Vec<u32>,
    /// The event as the hub sent it, for details this type does not name.
    #[serde(default)]
    pub raw: serde_json::Value,
}

/// One line of the hub's operator activity log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEntry {
    pub seq: i64,
    /// Unix seconds.
    pub at: i64,
    pub operator: String,
    pub action: String,
    pub target: Option<String>,
    pub result: String,
}
