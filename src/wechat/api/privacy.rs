//! §6.16: the user privacy guide (用户隐私保护指引) of one mini program, read and set with its **authorizer** token
//! despite the `/cgi-bin/component/` path. Every newly authorized mini program needs it before its first submit (§6.5).

use serde::{Deserialize, Serialize};

use super::Ack;

/// `privacy_ver` values (§6.16): the live guide, and the development guide that goes live with the next release.
pub mod privacy_ver {
    /// Edits the live `owner_setting` directly; `86074` before the first release.
    pub const LIVE: i64 = 1;
    /// The platform's default: takes effect after the next audit and release.
    pub const DEV: i64 = 2;
}

/// Who collects the information and how users hear of changes. At least one contact and `notice_method` are
/// required (`86069`); `store_expire_timestamp` is "N天" (`87072` otherwise). The platform answers unset fields as `""`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OwnerSetting {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_qq: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_weixin: Option<String>,
    pub notice_method: String,
    /// How long the information is kept, e.g. `"30天"`; omitted means "as short as the purpose needs".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_expire_timestamp: Option<String>,
    /// The merchant's own guide file (`uploadprivacyextfile`); ver 2 only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ext_file_media_id: Option<String>,
}

/// One kind of user information and what it is collected for (`privacy_text` reads "为了…" on the phone).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrivacySetting {
    /// `UserInfo`, `Location`, `Address`, `Album`, `Camera`, …
    pub privacy_key: String,
    pub privacy_text: String,
    /// The key's Chinese name; only in `getprivacysetting` answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privacy_label: Option<String>,
}

/// A third-party SDK's disclosure: who provides it and what it collects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SdkPrivacyInfo {
    pub sdk_name: String,
    pub sdk_biz_name: String,
    pub sdk_list: Vec<PrivacySetting>,
}

/// §6.16 `getprivacysetting` body; the platform takes 2 when `privacy_ver` is omitted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetPrivacySettingRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_ver: Option<i64>,
}

/// One key's Chinese description (`privacy_desc.privacy_desc_list`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrivacyDescItem {
    pub privacy_key: String,
    pub privacy_desc: String,
}

/// Every key the platform knows, with its description.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrivacyDesc {
    pub privacy_desc_list: Vec<PrivacyDescItem>,
}

/// §6.16 `getprivacysetting` answer. A key of `privacy_list` without an entry in `setting_list` is unconfigured.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetPrivacySettingResponse {
    /// 0 when there is no recent commit.
    pub code_exist: i64,
    /// The keys the scan after `commit` found in the code.
    pub privacy_list: Vec<String>,
    pub setting_list: Vec<PrivacySetting>,
    pub update_time: i64,
    pub owner_setting: OwnerSetting,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privacy_desc: Option<PrivacyDesc>,
    pub sdk_privacy_info_list: Vec<SdkPrivacyInfo>,
}

impl GetPrivacySettingResponse {
    /// The keys the code uses that the guide does not yet explain, in `privacy_list` order.
    pub fn unconfigured(&self) -> Vec<&str> {
        self.privacy_list
            .iter()
            .filter(|key| {
                !self
                    .setting_list
                    .iter()
                    .any(|s| &s.privacy_key == *key && !s.privacy_text.trim().is_empty())
            })
            .map(String::as_str)
            .collect()
    }
}
endpoint!(
    /// §6.16: the development (2) or live (1) privacy guide and the keys the code uses.
    GetPrivacySetting, "/cgi-bin/component/getprivacysetting", GetPrivacySettingRequest => GetPrivacySettingResponse
);

/// §6.16 `setprivacysetting` body. `setting_list` must cover every key of `privacy_list` for ver 2 and is not sent
/// for ver 1.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetPrivacySettingRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privacy_ver: Option<i64>,
    pub owner_setting: OwnerSetting,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub setting_list: Vec<PrivacySetting>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sdk_privacy_info_list: Vec<SdkPrivacyInfo>,
}
endpoint!(
    /// §6.16: sets the privacy guide. A replace of the whole guide, but a write all the same: never retried blindly.
    SetPrivacySetting, "/cgi-bin/component/setprivacysetting", SetPrivacySettingRequest => Ack
);
