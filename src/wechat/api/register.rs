//! §8.1–§8.6: registering new mini programs: legacy enterprise, new-version enterprise, personal, trial, reuse-OA.

use serde::{Deserialize, Serialize};

use super::Ack;
use crate::wechat::ids::AuthorizerAppId;

/// `code_type` (§8.1), sent as a JSON number (the doc's type; WxJava's string form is not used).
pub mod code_type {
    /// Unified social credit code, 18 characters.
    pub const UNIFIED_SOCIAL_CREDIT: u8 = 1;
    /// Organization code, 9 characters (`xxxxxxxx-x`).
    pub const ORGANIZATION: u8 = 2;
    /// Business-licence registration number, 15 characters.
    pub const BUSINESS_LICENCE: u8 = 3;
}

/// §8.1 body of the legacy enterprise registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FastRegisterWeappRequest {
    pub name: String,
    pub code: String,
    pub code_type: u8,
    pub legal_persona_wechat: String,
    pub legal_persona_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_phone: Option<String>,
}
endpoint!(
    /// §8.1 (`action=create`): the legal person gets a template message; the result is pushed (§4.2).
    FastRegisterWeapp, "/cgi-bin/component/fastregisterweapp", FastRegisterWeappRequest => Ack,
    query = &[("action", "create")]
);

/// §8.2 body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FastRegisterWeappSearchRequest {
    pub name: String,
    pub legal_persona_wechat: String,
    pub legal_persona_name: String,
}
endpoint!(
    /// §8.2 (`action=search`): the errcode itself is the task state (`89250`, `89251`, `89252`).
    FastRegisterWeappSearch, "/cgi-bin/component/fastregisterweapp", FastRegisterWeappSearchRequest => Ack,
    query = &[("action", "search")]
);

/// §8.3 body, both shapes: legacy (`code_type`, `legal_persona_openid`, `legal_persona_name`) and new
/// (`new_version: true`, 18-character `code`, `component_phone` required). Build with `legacy` or `new_version`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EnterpriseRegistrationRequest {
    pub name: String,
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_type: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_persona_openid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_persona_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component_phone: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub new_version: bool,
}

impl EnterpriseRegistrationRequest {
    /// The shape after the 2026-04-30 cut-over (§8 deprecation notice).
    pub fn new_version(name: &str, unified_social_credit_code: &str, component_phone: &str) -> Self {
        Self {
            name: name.to_owned(),
            code: unified_social_credit_code.to_owned(),
            component_phone: Some(component_phone.to_owned()),
            new_version: true,
            ..Self::default()
        }
    }

    /// The shape before the cut-over.
    pub fn legacy(name: &str, code: &str, code_type: u8, legal_persona_openid: &str, legal_persona_name: &str) -> Self {
        Self {
            name: name.to_owned(),
            code: code.to_owned(),
            code_type: Some(code_type),
            legal_persona_openid: Some(legal_persona_openid.to_owned()),
            legal_persona_name: Some(legal_persona_name.to_owned()),
            ..Self::default()
        }
    }
}

/// §8.3/§8.4 answer: the task and the URL the person opens (valid 24 h).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegistrationTaskResponse {
    pub taskid: String,
    pub authorize_url: String,
    pub status: i64,
}
endpoint!(
    /// §8.3 (`action=create`).
    FastRegisterEnterprise, "/wxa/component/fastregisterenterpriseweapp", EnterpriseRegistrationRequest => RegistrationTaskResponse,
    query = &[("action", "create")]
);

/// §8.3/§8.4 `action=query` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationQueryRequest {
    pub taskid: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub new_version: bool,
}
endpoint!(
    /// §8.3 (`action=query`).
    FastRegisterEnterpriseQuery, "/wxa/component/fastregisterenterpriseweapp", RegistrationQueryRequest => RegistrationTaskResponse,
    query = &[("action", "query")]
);

/// §8.4 body: legacy sends `idname` (+ optional phone); new sends `wxuser`, `component_phone`, `new_version: true`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonalRegistrationRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idname: Option<String>,
    pub wxuser: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component_phone: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub new_version: bool,
}
endpoint!(
    /// §8.4 (`action=create`): a personal mini program.
    FastRegisterPersonal, "/wxa/component/fastregisterpersonalweapp", PersonalRegistrationRequest => RegistrationTaskResponse,
    query = &[("action", "create")]
);
endpoint!(
    /// §8.4 (`action=query`).
    FastRegisterPersonalQuery, "/wxa/component/fastregisterpersonalweapp", RegistrationQueryRequest => RegistrationTaskResponse,
    query = &[("action", "query")]
);

/// §8.5 body: `name` 4–30 characters; `openid` of the future administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BetaRegistrationRequest {
    pub name: String,
    pub openid: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BetaRegistrationResponse {
    pub unique_id: String,
    pub authorize_url: String,
}
endpoint!(
    /// §8.5: a trial (体验) mini program; the user confirms at `authorize_url` within 24 h.
    FastRegisterBeta, "/wxa/component/fastregisterbetaweapp", BetaRegistrationRequest => BetaRegistrationResponse
);

/// `verify_info` of §8.5. The new version sends only `enterprise_name`, the 18-character `code` and `component_phone`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VerifyInfo {
    pub enterprise_name: String,
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_type: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_persona_wechat: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_persona_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_persona_idcard: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component_phone: Option<String>,
}

/// §8.5 trial→formal body. Where `new_version` sits is [UNCONFIRMED]; it is sent beside `verify_info`, as the other
/// new-version endpoints put it at the top level of the body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VerifyBetaWeappRequest {
    pub verify_info: VerifyInfo,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub new_version: bool,
}
/// §8.5 trial→formal answer: the reference shows only `{errcode, errmsg}`. The 2026 notice says every new-version
/// route answers an `authorize_url` for the legal person; whether this one also names a `taskid` is [UNCONFIRMED].
/// Both are read when present and may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VerifyBetaWeappResponse {
    pub taskid: String,
    pub authorize_url: String,
}
endpoint!(
    /// §8.5: converts a trial mini program into a formal enterprise one (authorizer token of the trial).
    VerifyBetaWeapp, "/wxa/verifybetaweapp", VerifyBetaWeappRequest => VerifyBetaWeappResponse
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetBetaWeappNicknameRequest {
    pub name: String,
}
endpoint!(
    /// §8.5: renames a trial mini program.
    SetBetaWeappNickname, "/wxa/setbetaweappnickname", SetBetaWeappNicknameRequest => Ack
);

/// §8.6 step 2 body: the `ticket` from the `fastregisterauth` redirect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountFastRegisterRequest {
    pub ticket: String,
}

/// §8.6 answer. The two flags are booleans or strings (`"true"`) — both are read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountFastRegisterResponse {
    pub appid: AuthorizerAppId,
    /// Exchange it with `api_query_auth` at once (§8.6).
    pub authorization_code: String,
    #[serde(default, deserialize_with = "crate::wechat::tolerant::bool_lenient")]
    pub is_wx_verify_succ: bool,
    #[serde(default, deserialize_with = "crate::wechat::tolerant::bool_lenient")]
    pub is_link_succ: bool,
}
endpoint!(
    /// §8.6: registers a mini program reusing an official account's qualification (the OA's authorizer token).
    AccountFastRegister, "/cgi-bin/account/fastregister", AccountFastRegisterRequest => AccountFastRegisterResponse
);
