//! §1.9: quota resets, quota lookup and rid lookup.

use serde::{Deserialize, Serialize};

use super::Ack;
use super::component::ComponentAppIdRequest;
use crate::wechat::ids::{ComponentAppId, Secret};

endpoint!(
    /// §1.9: resets the platform's own daily counters (older API; shares the 10-per-month budget).
    ClearComponentQuota, "/cgi-bin/component/clear_quota", ComponentAppIdRequest => Ack
);

/// §1.9 `clear_quota/v2` body: omit `appid` to reset the platform itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClearQuotaV2Request {
    pub component_appid: ComponentAppId,
    pub appsecret: Secret,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appid: Option<String>,
}
endpoint!(
    /// §1.9: resets quotas without a token.
    ClearQuotaV2, "/cgi-bin/component/clear_quota/v2", ClearQuotaV2Request => Ack
);

/// §1.9 generic `clear_quota` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClearQuotaRequest {
    pub appid: String,
}
endpoint!(
    /// §1.9: resets the quota of the account whose token is used.
    ClearQuota, "/cgi-bin/clear_quota", ClearQuotaRequest => Ack
);

/// §1.9 `quota/get` body: `cgi_path` starts with `/` and has no host (`76003` otherwise).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaGetRequest {
    pub cgi_path: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DailyQuota {
    pub daily_limit: i64,
    pub used: i64,
    pub remain: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RateLimit {
    pub call_count: i64,
    pub refresh_second: i64,
}

/// §1.9 `quota/get` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuotaGetResponse {
    pub quota: DailyQuota,
    pub rate_limit: RateLimit,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component_rate_limit: Option<RateLimit>,
}
endpoint!(
    /// §1.9: the daily quota and rate limit of one API.
    QuotaGet, "/cgi-bin/openapi/quota/get", QuotaGetRequest => QuotaGetResponse
);

/// §1.9 `rid/get` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RidGetRequest {
    pub rid: String,
}

/// What the platform recorded about a request (§1.9).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RidRequestInfo {
    pub invoke_time: i64,
    pub cost_in_ms: i64,
    pub request_url: String,
    pub request_body: String,
    pub response_body: String,
    pub client_ip: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RidGetResponse {
    pub request: RidRequestInfo,
}
endpoint!(
    /// §1.9: looks up a request by the rid in an errmsg (7 days).
    RidGet, "/cgi-bin/openapi/rid/get", RidGetRequest => RidGetResponse
);
