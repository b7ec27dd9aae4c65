//! `POST /api/v1/call`: a WeChat call relayed by the hub, which injects the token. The answer is WeChat's own.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CallRequest {
    /// The account whose token the call needs; left out for component-token endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorizer_appid: Option<String>,
    /// `GET` or `POST`.
    #[serde(default = "post")]
    pub method: String,
    /// A path of wechat-api.md, e.g. `/wxa/commit`.
    pub path: String,
    /// Query parameters other than the token (fixed ones such as `action=…`); numbers are sent as written.
    #[serde(default)]
    pub query: BTreeMap<String, serde_json::Value>,
    /// The JSON body of a POST.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
}

fn post() -> String {
    "POST".into()
}
