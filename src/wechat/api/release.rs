//! §6.8–§6.14: withdraw, release, roll back, gray release, visit status, speed-up, quota, base library version.

use serde::{Deserialize, Serialize};

use super::code::AuditIdRequest;
use super::{Ack, Empty};

endpoint!(
    /// §6.8: withdraws the running audit (5 per day, 10 per month). A GET that writes: never retried.
    UndoCodeAudit, "/wxa/undocodeaudit", Empty => Ack
);
endpoint!(
    /// §6.9: publishes the approved version; the body must be `{}`.
    Release, "/wxa/release", Empty => Ack
);

/// §6.10 query: roll back to the previous version, or to `app_version`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevertCodeReleaseRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_version: Option<u64>,
}
endpoint!(
    /// §6.10: rolls back one step (`87011`/`87012` when not possible).
    RevertCodeRelease, "/wxa/revertcoderelease", RevertCodeReleaseRequest => Ack
);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HistoryVersion {
    pub app_version: u64,
    pub user_version: String,
    pub user_desc: String,
    pub commit_time: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HistoryVersionResponse {
    pub version_list: Vec<HistoryVersion>,
}
endpoint!(
    /// §6.10 with `action=get_history_version`: the rollback candidates (at most 5).
    GetHistoryVersion, "/wxa/revertcoderelease", Empty => HistoryVersionResponse,
    query = &[("action", "get_history_version")]
);

/// §6.11 body: 1..100, or 0 with one of the two "first" flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrayReleaseRequest {
    pub gray_percentage: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_debuger_first: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_experiencer_first: Option<bool>,
}
endpoint!(
    /// §6.11: starts or widens a phased release.
    GrayRelease, "/wxa/grayrelease", GrayReleaseRequest => Ack
);

/// `gray_release_plan` (§6.11): `status` 0 initial, 1 running, 2 paused, 3 finished, 4 deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GrayReleasePlan {
    pub status: i64,
    pub create_timestamp: i64,
    pub gray_percentage: i64,
    pub support_experiencer_first: bool,
    pub support_debuger_first: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrayReleasePlanResponse {
    pub gray_release_plan: GrayReleasePlan,
}
endpoint!(
    /// §6.11: the current phased release.
    GetGrayReleasePlan, "/wxa/getgrayreleaseplan", Empty => GrayReleasePlanResponse
);
endpoint!(
    /// §6.11: cancels the phased release.
    RevertGrayRelease, "/wxa/revertgrayrelease", Empty => Ack
);

/// §6.12 body: `open` or `close`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeVisitStatusRequest {
    pub action: String,
}
endpoint!(
    /// §6.12: pauses or resumes the service.
    ChangeVisitStatus, "/wxa/change_visitstatus", ChangeVisitStatusRequest => Ack
);

/// §6.12 answer: 1 normal, 0 paused by the account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitStatusResponse {
    pub status: i64,
}
endpoint!(
    /// §6.12: the visit status (POST `{}`).
    GetVisitStatus, "/wxa/getvisitstatus", Empty => VisitStatusResponse
);
endpoint!(
    /// §6.13: asks for a faster audit (monthly quota).
    SpeedupAudit, "/wxa/speedupaudit", AuditIdRequest => Ack
);

/// §6.13 answer: the platform's monthly submit_audit and speed-up quotas, shared by all its mini programs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QueryQuotaResponse {
    pub rest: i64,
    pub limit: i64,
    pub speedup_rest: i64,
    pub speedup_limit: i64,
}
endpoint!(
    /// §6.13: remaining audit quota.
    QueryQuota, "/wxa/queryquota", Empty => QueryQuotaResponse
);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SupportVersionItem {
    pub version: String,
    pub percentage: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UvInfo {
    pub items: Vec<SupportVersionItem>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WeappSupportVersionResponse {
    pub now_version: String,
    pub uv_info: UvInfo,
}
endpoint!(
    /// §6.14: the minimum base library version and its user share.
    GetWeappSupportVersion, "/cgi-bin/wxopen/getweappsupportversion", Empty => WeappSupportVersionResponse
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetWeappSupportVersionRequest {
    pub version: String,
}
endpoint!(
    /// §6.14: sets the minimum base library version (`89014` when invalid).
    SetWeappSupportVersion, "/cgi-bin/wxopen/setweappsupportversion", SetWeappSupportVersionRequest => Ack
);
