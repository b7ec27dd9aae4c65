//! §8.7: setting up a mini program after registration: name, name audit, avatar, introduction, basic info, admin.

use serde::{Deserialize, Serialize};

use super::{Ack, Empty};
use crate::wechat::tolerant::{i64_lenient, opt_i64_lenient};

/// §8.7.1 body: `id_card` for personal entities, `license` for organizations (media ids of temp material).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetNicknameRequest {
    pub nick_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_card: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub naming_other_stuff_1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub naming_other_stuff_2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub naming_other_stuff_3: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub naming_other_stuff_4: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub naming_other_stuff_5: Option<String>,
}

/// §8.7.1 answer: with `audit_id` the name went to manual review, without it the name is set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetNicknameResponse {
    pub wording: String,
    #[serde(deserialize_with = "opt_i64_lenient", skip_serializing_if = "Option::is_none")]
    pub audit_id: Option<i64>,
}
endpoint!(
    /// §8.7.1: sets or changes the name.
    SetNickname, "/wxa/setnickname", SetNicknameRequest => SetNicknameResponse
);

/// §8.7.2 body; the doc's example quotes the id (`{"audit_id":"12345"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryNicknameRequest {
    pub audit_id: String,
}

/// §8.7.2 answer: `audit_stat` 1 under review, 2 rejected, 3 approved; times are numbers or strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QueryNicknameResponse {
    pub nickname: String,
    pub audit_stat: i64,
    pub fail_reason: String,
    #[serde(deserialize_with = "i64_lenient")]
    pub create_time: i64,
    #[serde(deserialize_with = "i64_lenient")]
    pub audit_time: i64,
}
endpoint!(
    /// §8.7.2: the state of a name audit.
    QueryNickname, "/wxa/api_wxa_querynickname", QueryNicknameRequest => QueryNicknameResponse
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckNicknameRequest {
    pub nick_name: String,
}

/// §8.7.3 answer: `hit_condition` true means supporting material will be required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckNicknameResponse {
    pub hit_condition: bool,
    pub wording: String,
}
endpoint!(
    /// §8.7.3: pre-checks a name for verification.
    CheckWxVerifyNickname, "/cgi-bin/wxverify/checkwxverifynickname", CheckNicknameRequest => CheckNicknameResponse
);

/// §8.7.4 body: a temp-material media id and the crop box as fractions (0,0,1,1 = whole image).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModifyHeadImageRequest {
    pub head_img_media_id: String,
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
}
endpoint!(
    /// §8.7.4: the avatar (monthly quota, `53202`).
    ModifyHeadImage, "/cgi-bin/account/modifyheadimage", ModifyHeadImageRequest => Ack
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModifySignatureRequest {
    /// 4–120 characters.
    pub signature: String,
}
endpoint!(
    /// §8.7.5: the introduction.
    ModifySignature, "/cgi-bin/account/modifysignature", ModifySignatureRequest => Ack
);

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WxVerifyInfo {
    pub qualification_verify: bool,
    pub naming_verify: bool,
    pub annual_review: bool,
    pub annual_review_begin_time: i64,
    pub annual_review_end_time: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SignatureInfo {
    pub signature: String,
    pub modify_used_count: i64,
    pub modify_quota: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HeadImageInfo {
    pub head_image_url: String,
    pub modify_used_count: i64,
    pub modify_quota: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NicknameInfo {
    pub nickname: String,
    pub modify_used_count: i64,
    pub modify_quota: i64,
}

/// §8.7.6 answer. `realname_status` other than 1 limits the account to verification and setup APIs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountBasicInfoResponse {
    pub appid: String,
    pub account_type: i64,
    pub principal_type: i64,
    pub principal_name: String,
    pub credential: String,
    pub realname_status: i64,
    pub wx_verify_info: WxVerifyInfo,
    pub signature_info: SignatureInfo,
    pub head_image_info: HeadImageInfo,
    pub nickname_info: NicknameInfo,
    pub nickname: String,
    pub registered_country: i64,
    pub customer_type: i64,
}
endpoint!(
    /// §8.7.6: basic account information, sent as GET (the method is [UNCONFIRMED]; POST `{}` also works).
    GetAccountBasicInfo, "/cgi-bin/account/getaccountbasicinfo", Empty => AccountBasicInfoResponse
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RebindAdminRequest {
    pub taskid: String,
}
endpoint!(
    /// §8.7.8: completes an administrator change with the `taskid` of the rebind page's redirect.
    ComponentRebindAdmin, "/cgi-bin/account/componentrebindadmin", RebindAdminRequest => Ack
);
