//! §6.16: the user privacy guide of each mini program — a development guide (ver 2) that goes live with the next
//! release, and the live guide (ver 1). The keys a guide must explain are the ones the committed template's code uses
//! (found by the scan after `commit`); `submit_audit` refuses code whose keys the development guide leaves out.

use serde_json::{Value, json};

use super::super::reply::{ApiError, Outcome, ok};
use super::super::routes::{Call, Endpoint, Verb, authorizer};
use super::super::state::Sim;
use crate::wechat::api::privacy::{OwnerSetting, SdkPrivacyInfo, privacy_ver};

/// The privacy keys the platform knows, with the Chinese label `getprivacysetting` shows (WxJava `PrivacyKeyEnum`).
pub const PRIVACY_KEYS: &[(&str, &str)] = &[
    ("UserInfo", "用户信息（微信昵称、头像）"),
    ("Location", "位置信息"),
    ("Address", "地址"),
    ("Invoice", "发票信息"),
    ("RunData", "微信运动数据"),
    ("Record", "麦克风"),
    ("Album", "选中的照片或视频信息"),
    ("Camera", "摄像头"),
    ("PhoneNumber", "手机号码"),
    ("Contact", "通讯录（仅写入）权限"),
    ("DeviceInfo", "设备信息"),
    ("EXIDNumber", "身份证号码"),
    ("EXOrderInfo", "订单信息"),
    ("EXUserPublishContent", "发布内容"),
    ("EXUserFollowAcct", "所关注账号"),
    ("EXUserOpLog", "操作日志"),
    ("AlbumWriteOnly", "相册（仅写入）权限"),
    ("LicensePlate", "车牌号"),
    ("BlueTooth", "蓝牙"),
    ("CalendarWriteOnly", "日历（仅写入）权限"),
    ("Email", "邮箱"),
    ("MessageFile", "选中的文件"),
    ("ChooseLocation", "选择的位置信息"),
    ("Clipboard", "剪切板"),
];

fn label(key: &str) -> &'static str {
    PRIVACY_KEYS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("", |(_, label)| label)
}

/// One version of a guide, as the last `setprivacysetting` left it.
#[derive(Debug, Clone, Default)]
pub struct Guide {
    pub owner_setting: OwnerSetting,
    /// (privacy_key, privacy_text), in the order they were sent.
    pub settings: Vec<(String, String)>,
    pub sdk: Vec<SdkPrivacyInfo>,
    pub update_time: i64,
}

impl Guide {
    /// Whether the guide says what `key` is collected for.
    pub fn explains(&self, key: &str) -> bool {
        self.settings
            .iter()
            .any(|(k, text)| k == key && !text.trim().is_empty())
    }
}

/// A mini program's two guides. A newly authorized mini program has neither (§6.5: authorizing voids the guide the
/// merchant configured itself).
#[derive(Debug, Clone, Default)]
pub struct PrivacyGuides {
    pub dev: Option<Guide>,
    pub live: Option<Guide>,
    /// The keys of the released code, which the live guide answers for.
    pub live_keys: Vec<String>,
}

impl PrivacyGuides {
    /// The keys of `used` the development guide does not explain, in order.
    pub fn unexplained<'a>(&self, used: &'a [String]) -> Vec<&'a str> {
        used.iter()
            .filter(|key| !self.dev.as_ref().is_some_and(|guide| guide.explains(key)))
            .map(String::as_str)
            .collect()
    }

    /// §6.16: a release makes the development guide the live one.
    pub fn release(&mut self, keys: &[String]) {
        if let Some(dev) = &self.dev {
            self.live = Some(dev.clone());
        }
        self.live_keys = keys.to_vec();
    }
}

pub const ENDPOINTS: &[Endpoint] = &[
    authorizer(
        "/cgi-bin/component/getprivacysetting",
        Verb::Post,
        &[18],
        getprivacysetting,
    ),
    authorizer(
        "/cgi-bin/component/setprivacysetting",
        Verb::Post,
        &[18],
        setprivacysetting,
    ),
];

/// `privacy_ver`: 2 when absent, `86071` unless 1 or 2.
fn version(body: &Value) -> Result<i64, ApiError> {
    match body.get("privacy_ver") {
        None | Some(Value::Null) => Ok(privacy_ver::DEV),
        Some(Value::Number(n)) if matches!(n.as_i64(), Some(privacy_ver::LIVE | privacy_ver::DEV)) => {
            Ok(n.as_i64().unwrap_or(privacy_ver::DEV))
        }
        Some(_) => Err(ApiError::new(86071, "invalid privacy_ver")),
    }
}

fn owner_json(owner: &OwnerSetting) -> Value {
    let text = |field: &Option<String>| field.clone().unwrap_or_default();
    json!({
        "contact_email": text(&owner.contact_email),
        "contact_phone": text(&owner.contact_phone),
        "contact_qq": text(&owner.contact_qq),
        "contact_weixin": text(&owner.contact_weixin),
        "store_expire_timestamp": text(&owner.store_expire_timestamp),
        "ext_file_media_id": text(&owner.ext_file_media_id),
        "notice_method": owner.notice_method,
    })
}

/// §6.16 get: ver 2 lists the keys of the committed code (none until its scan has finished: the scan is what finds
/// them) and the development guide; ver 1 the released code's keys and the live guide. Unset fields are `""`.
fn getprivacysetting(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let ver = version(call.body)?;
    let code = &sim.account(call.authorizer()).code;
    let (code_exist, privacy_list, guide) = match ver {
        privacy_ver::LIVE => (
            code.online.is_some(),
            code.privacy.live_keys.clone(),
            code.privacy.live.as_ref(),
        ),
        _ => {
            let scanned = code.commit.as_ref().filter(|c| call.now >= c.scan_done_at);
            let keys = scanned.map(|c| c.privacy_keys.clone()).unwrap_or_default();
            (code.commit.is_some(), keys, code.privacy.dev.as_ref())
        }
    };
    let guide = guide.cloned().unwrap_or_default();
    let setting_list: Vec<Value> = guide
        .settings
        .iter()
        .map(|(key, text)| json!({"privacy_key": key, "privacy_text": text, "privacy_label": label(key)}))
        .collect();
    let desc: Vec<Value> = PRIVACY_KEYS
        .iter()
        .map(|(key, label)| json!({"privacy_key": key, "privacy_desc": label}))
        .collect();
    ok(json!({
        "code_exist": i64::from(code_exist),
        "privacy_list": privacy_list,
        "setting_list": setting_list,
        "update_time": guide.update_time,
        "owner_setting": owner_json(&guide.owner_setting),
        "privacy_desc": {"privacy_desc_list": desc},
        "sdk_privacy_info_list": guide.sdk,
    }))
}

/// `owner_setting` as an object (`47001` when sent as a string, §6.16), with at least one contact and a
/// `notice_method` (`86069`) and a storage period of "N天" when one is given (`87072`).
fn owner_setting(body: &Value) -> Result<OwnerSetting, ApiError> {
    let value = match body.get("owner_setting") {
        None | Some(Value::Null) => return Err(ApiError::new(86069, "owner_setting is required")),
        Some(value @ Value::Object(_)) => value.clone(),
        Some(_) => {
            return Err(ApiError::new(
                47001,
                "data format error hint: [owner_setting must be an object]",
            ));
        }
    };
    let owner: OwnerSetting =
        serde_json::from_value(value).map_err(|_| ApiError::new(47001, "data format error hint: [owner_setting]"))?;
    let filled = |field: &Option<String>| field.as_deref().is_some_and(|s| !s.trim().is_empty());
    let contacts = [
        &owner.contact_email,
        &owner.contact_phone,
        &owner.contact_qq,
        &owner.contact_weixin,
    ];
    if !contacts.into_iter().any(filled) {
        return Err(ApiError::new(86069, "owner_setting lacks a contact"));
    }
    if owner.notice_method.trim().is_empty() {
        return Err(ApiError::new(86069, "owner_setting lacks notice_method"));
    }
    if let Some(period) = owner.store_expire_timestamp.as_deref().filter(|s| !s.is_empty())
        && !is_days(period)
    {
        return Err(ApiError::new(87072, "store_expire_timestamp must be like N天"));
    }
    Ok(owner)
}

/// "N天" with N a positive whole number.
fn is_days(text: &str) -> bool {
    text.strip_suffix('天')
        .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()) && !n.trim_start_matches('0').is_empty())
}

fn setting_list(body: &Value) -> Result<Vec<(String, String)>, ApiError> {
    let Some(items) = body.get("setting_list").filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let items = items
        .as_array()
        .ok_or_else(|| ApiError::new(47001, "data format error hint: [setting_list]"))?;
    items
        .iter()
        .map(|item| {
            let field = |name: &str| {
                item.get(name)
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
            };
            match (field("privacy_key"), field("privacy_text")) {
                (Some(key), Some(text)) => Ok((key.to_owned(), text.to_owned())),
                _ => Err(ApiError::new(
                    47001,
                    "data format error hint: [setting_list item needs privacy_key and privacy_text]",
                )),
            }
        })
        .collect()
}

fn sdk_list(body: &Value) -> Result<Vec<SdkPrivacyInfo>, ApiError> {
    match body.get("sdk_privacy_info_list") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(value) => serde_json::from_value(value.clone())
            .map_err(|_| ApiError::new(47001, "data format error hint: [sdk_privacy_info_list]")),
    }
}

/// §6.16 set. Ver 2 replaces the development guide and must explain every key the scanned code uses; ver 1 edits
/// the live guide's `owner_setting` only (not `ext_file_media_id`), `86074` while nothing was ever released.
fn setprivacysetting(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let ver = version(call.body)?;
    let owner = owner_setting(call.body)?;
    let settings = setting_list(call.body)?;
    let sdk = sdk_list(call.body)?;
    let code = &mut sim.account(call.authorizer()).code;
    if ver == privacy_ver::LIVE {
        let live =
            code.privacy.live.as_mut().ok_or_else(|| {
                ApiError::new(86074, "no online privacy setting, set privacy_ver 2 and release first")
            })?;
        if !settings.is_empty() {
            // [UNCONFIRMED] §6.16 says setting_list is forbidden for ver 1 but names no errcode; the simulator refuses
            // it with the generic invalid-args code so a client learns at once instead of seeing its list ignored.
            return Err(ApiError::new(
                40097,
                "invalid args hint: [setting_list is not allowed for privacy_ver 1]",
            ));
        }
        let media = live.owner_setting.ext_file_media_id.take();
        live.owner_setting = OwnerSetting {
            ext_file_media_id: media,
            ..owner
        };
        live.update_time = call.now;
        return ok(json!({}));
    }
    let used = code
        .commit
        .as_ref()
        .filter(|c| call.now >= c.scan_done_at)
        .map(|c| c.privacy_keys.clone())
        .unwrap_or_default();
    if let Some(key) = used.iter().find(|key| !settings.iter().any(|(k, _)| k == *key)) {
        // [UNCONFIRMED] §6.16 requires an entry for every key of privacy_list but names no errcode for a missing one;
        // the simulator refuses the whole guide with the generic invalid-args code and names the key.
        return Err(ApiError::new(
            40097,
            format!("invalid args hint: [setting_list lacks privacy_key {key}]"),
        ));
    }
    code.privacy.dev = Some(Guide {
        owner_setting: owner,
        settings,
        sdk,
        update_time: call.now,
    });
    ok(json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_periods_are_whole_days() {
        assert!(is_days("30天"));
        assert!(is_days("365天"));
        for bad in ["30", "天", "30 天", "三十天", "0天", "30days", "-1天"] {
            assert!(!is_days(bad), "{bad}");
        }
    }

    #[test]
    fn owner_setting_needs_a_contact_and_a_notice_method() {
        let code = |body: Value| owner_setting(&body).map(|_| 0).unwrap_or_else(|e| e.code);
        assert_eq!(code(json!({})), 86069);
        assert_eq!(code(json!({"owner_setting": "{}"})), 47001);
        assert_eq!(code(json!({"owner_setting": {"notice_method": "弹窗"}})), 86069);
        assert_eq!(code(json!({"owner_setting": {"contact_qq": "10000"}})), 86069);
        assert_eq!(
            code(json!({"owner_setting": {"contact_qq": "10000", "notice_method": "弹窗"}})),
            0
        );
        let bad_period = json!({"owner_setting": {"contact_qq": "1", "notice_method": "弹窗",
            "store_expire_timestamp": "一个月"}});
        assert_eq!(code(bad_period), 87072);
    }

    #[test]
    fn the_version_is_1_or_2_and_defaults_to_2() {
        assert_eq!(version(&json!({})).ok(), Some(2));
        assert_eq!(version(&json!({"privacy_ver": 1})).ok(), Some(1));
        for bad in [
            json!({"privacy_ver": 3}),
            json!({"privacy_ver": "2"}),
            json!({"privacy_ver": 0}),
        ] {
            assert_eq!(version(&bad).map_err(|e| e.code), Err(86071), "{bad}");
        }
    }
}
