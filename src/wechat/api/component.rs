//! §1: component tokens, pre-authorization codes, authorization exchange, authorizer info, list and options.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Ack;
use crate::wechat::ids::{AuthorizerAppId, ComponentAppId, Secret};

/// §1.1 body. Note `component_secret`, not `component_appsecret`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartPushTicketRequest {
    pub component_appid: ComponentAppId,
    pub component_secret: Secret,
}
endpoint!(
    /// §1.1: asks the platform to push a ticket now.
    StartPushTicket, "/cgi-bin/component/api_start_push_ticket", StartPushTicketRequest => Ack
);

/// §1.2 body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentTokenRequest {
    pub component_appid: ComponentAppId,
    pub component_appsecret: Secret,
    pub component_verify_ticket: String,
}

/// §1.2 answer (no errcode on success, §0.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentTokenResponse {
    pub component_access_token: Secret,
    pub expires_in: i64,
}
endpoint!(
    /// §1.2: the component_access_token.
    ComponentToken, "/cgi-bin/component/api_component_token", ComponentTokenRequest => ComponentTokenResponse
);

/// Bodies that carry only the platform's appid (§1.3, §1.9 `clear_quota`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentAppIdRequest {
    pub component_appid: ComponentAppId,
}

/// §1.3 answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreAuthCodeResponse {
    pub pre_auth_code: String,
    pub expires_in: i64,
}
endpoint!(
    /// §1.3: a single-use pre-authorization code for the authorization pages.
    CreatePreAuthCode, "/cgi-bin/component/api_create_preauthcode", ComponentAppIdRequest => PreAuthCodeResponse
);

/// §1.4 body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryAuthRequest {
    pub component_appid: ComponentAppId,
    pub authorization_code: String,
}

/// `{"id": N}` objects: `funcscope_category`, `service_type_info`, `verify_type_info` (§1.4, §1.6).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdObject {
    pub id: i64,
}

/// Whether a granted set awaits confirmation (seen in WxJava's test JSON, §1.4).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmInfo {
    #[serde(default)]
    pub need_confirm: i64,
    #[serde(default)]
    pub already_confirm: i64,
    #[serde(default)]
    pub can_confirm: i64,
}

/// One granted permission set, `{"funcscope_category":{"id":N}}` (§1.4).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuncInfo {
    pub funcscope_category: IdObject,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm_info: Option<ConfirmInfo>,
}

/// `authorization_info` of §1.4 and §1.6 (the latter has no access token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationInfo {
    pub authorizer_appid: AuthorizerAppId,
    /// Present only when the account has API permissions (§1.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorizer_access_token: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorizer_refresh_token: Option<Secret>,
    /// The sets actually granted, possibly fewer than requested: always read it (§1.4).
    #[serde(default)]
    pub func_info: Vec<FuncInfo>,
}

impl AuthorizationInfo {
    /// The granted permission-set ids.
    pub fn granted_sets(&self) -> Vec<u32> {
        self.func_info
            .iter()
            .filter_map(|f| u32::try_from(f.funcscope_category.id).ok())
            .collect()
    }
}

/// §1.4 answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryAuthResponse {
    pub authorization_info: AuthorizationInfo,
}
endpoint!(
    /// §1.4: exchanges an authorization code for the authorizer's tokens.
    QueryAuth, "/cgi-bin/component/api_query_auth", QueryAuthRequest => QueryAuthResponse
);

/// §1.5 body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizerTokenRequest {
    pub component_appid: ComponentAppId,
    pub authorizer_appid: AuthorizerAppId,
    pub authorizer_refresh_token: Secret,
}

/// §1.5 answer. Store the returned refresh token every time (§1.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizerTokenResponse {
    pub authorizer_access_token: Secret,
    pub expires_in: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorizer_refresh_token: Option<Secret>,
}
endpoint!(
    /// §1.5: refreshes an authorizer_access_token.
    AuthorizerToken, "/cgi-bin/component/api_authorizer_token", AuthorizerTokenRequest => AuthorizerTokenResponse
);

/// Bodies naming the platform and one authorizer (§1.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizerRequest {
    pub component_appid: ComponentAppId,
    pub authorizer_appid: AuthorizerAppId,
}

/// `business_info` (§1.6).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BusinessInfo {
    pub open_pay: i64,
    pub open_shake: i64,
    pub open_scan: i64,
    pub open_card: i64,
    pub open_store: i64,
}

/// `basic_config`; snake_case as the doc and WxJava spell it (§1.6).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BasicConfig {
    pub is_phone_configured: bool,
    pub is_email_configured: bool,
}

/// A category of `MiniProgramInfo`, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CategoryName {
    pub first: String,
    pub second: String,
}

/// `MiniProgramInfo` (§1.6): its presence marks a mini program. `network` keeps every `…Domain` list by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MiniProgramInfo {
    pub network: BTreeMap<String, Vec<String>>,
    pub categories: Vec<CategoryName>,
    pub visit_status: i64,
}

/// `authorizer_info` (§1.6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuthorizerInfo {
    pub nick_name: String,
    pub head_img: String,
    pub service_type_info: IdObject,
    pub verify_type_info: IdObject,
    /// The original id, `gh_…`.
    pub user_name: String,
    pub alias: String,
    pub qrcode_url: String,
    pub business_info: BusinessInfo,
    pub idc: i64,
    pub principal_name: String,
    pub signature: String,
    #[serde(rename = "MiniProgramInfo", skip_serializing_if = "Option::is_none")]
    pub mini_program_info: Option<MiniProgramInfo>,
    pub register_type: i64,
    pub account_status: i64,
    pub basic_config: BasicConfig,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channels_info: Option<IdObject>,
}

impl AuthorizerInfo {
    /// How the SDKs tell a mini program from an official account (§1.6).
    pub fn is_mini_program(&self) -> bool {
        self.mini_program_info.is_some()
    }
}

/// §1.6 answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizerInfoResponse {
    pub authorizer_info: AuthorizerInfo,
    pub authorization_info: AuthorizationInfo,
}
endpoint!(
    /// §1.6: the authorizer's account details and granted sets.
    GetAuthorizerInfo, "/cgi-bin/component/api_get_authorizer_info", AuthorizerRequest => AuthorizerInfoResponse
);

/// §1.7 body; `count` is at most 500 (`40170` beyond).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizerListRequest {
    pub component_appid: ComponentAppId,
    pub offset: u32,
    pub count: u32,
}

/// One authorized account of §1.7. Note `refresh_token`, not `authorizer_refresh_token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizerListItem {
    pub authorizer_appid: AuthorizerAppId,
    pub refresh_token: Secret,
    pub auth_time: i64,
}

/// §1.7 answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizerListResponse {
    pub total_count: u64,
    #[serde(default)]
    pub list: Vec<AuthorizerListItem>,
}
endpoint!(
    /// §1.7: every authorized account, a page at a time.
    GetAuthorizerList, "/cgi-bin/component/api_get_authorizer_list", AuthorizerListRequest => AuthorizerListResponse
);

/// §1.8 variant A body of get; set adds `option_value`. Variant B sends only the option, plus (WxJava) both appids.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizerOptionRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_appid: Option<ComponentAppId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorizer_appid: Option<AuthorizerAppId>,
    pub option_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option_value: Option<String>,
}

/// §1.8 answer of get.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizerOptionResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorizer_appid: Option<AuthorizerAppId>,
    pub option_name: String,
    pub option_value: String,
}
endpoint!(
    /// §1.8 variant A.
    GetAuthorizerOption, "/cgi-bin/component/api_get_authorizer_option", AuthorizerOptionRequest => AuthorizerOptionResponse
);
endpoint!(
    /// §1.8 variant A.
    SetAuthorizerOption, "/cgi-bin/component/api_set_authorizer_option", AuthorizerOptionRequest => Ack
);
endpoint!(
    /// §1.8 variant B (either token).
    GetAuthorizerOptionV2, "/cgi-bin/component/get_authorizer_option", AuthorizerOptionRequest => AuthorizerOptionResponse
);
endpoint!(
    /// §1.8 variant B (either token).
    SetAuthorizerOptionV2, "/cgi-bin/component/set_authorizer_option", AuthorizerOptionRequest => Ack
);
