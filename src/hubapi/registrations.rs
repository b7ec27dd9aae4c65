//! Registration tasks (注册任务, DESIGN.md "Registrations"; wechat-api.md §8): `POST /api/v1/registrations`,
//! `GET /api/v1/registrations`, `GET /api/v1/registrations/{id}`, and the checks a request passes before anything
//! reaches the platform: the unified social credit code's check character (GB 32100-2015), the phone, the WeChat
//! id, the name.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a task creates (§8.3–§8.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationKind {
    /// §8.3 `fastregisterenterpriseweapp`, new version: the legal person completes the `authorize_url`.
    Enterprise,
    /// §8.4 `fastregisterpersonalweapp`, new version: the WeChat user completes it.
    Personal,
    /// §8.5 `fastregisterbetaweapp`: a trial (体验) mini program, valid 14 days unless converted; the user named by
    /// `openid` confirms at the `authorize_url`.
    Trial,
    /// §8.5 `verifybetaweapp`: a trial mini program (`appid`) becomes a formal enterprise one; the legal person
    /// completes it.
    VerifyBeta,
    /// §8.6: a mini program with the qualification of an official account (`appid`) the provider serves; its
    /// administrator confirms on the `fastregisterauth` page, and the hub finishes the registration on the redirect.
    ReuseOfficialAccount,
}

impl RegistrationKind {
    pub const ALL: [RegistrationKind; 5] = [
        RegistrationKind::Enterprise,
        RegistrationKind::Personal,
        RegistrationKind::Trial,
        RegistrationKind::VerifyBeta,
        RegistrationKind::ReuseOfficialAccount,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationKind::Enterprise => "enterprise",
            RegistrationKind::Personal => "personal",
            RegistrationKind::Trial => "trial",
            RegistrationKind::VerifyBeta => "verify_beta",
            RegistrationKind::ReuseOfficialAccount => "reuse_official_account",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The request fields this kind reads, in the form's order.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            RegistrationKind::Enterprise => &["name", "code", "component_phone"],
            RegistrationKind::Personal => &["wxuser", "component_phone"],
            RegistrationKind::Trial => &["name", "openid"],
            RegistrationKind::VerifyBeta => &["appid", "name", "code", "component_phone"],
            RegistrationKind::ReuseOfficialAccount => &["appid"],
        }
    }

    /// Whether the platform answers `action=query` for this kind's tasks (§8.3, §8.4); the others learn their end
    /// from a push (§8.5) or at once (§8.6).
    pub fn is_queried(self) -> bool {
        matches!(self, RegistrationKind::Enterprise | RegistrationKind::Personal)
    }
}

/// `POST /api/v1/registrations`. Each kind reads its own fields; the others are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RegistrationRequest {
    /// `enterprise`, `personal`, `trial`, `verify_beta` or `reuse_official_account`.
    pub kind: String,
    /// Enterprise and trial → verified: the name exactly as registered with the business registry. Trial: the
    /// mini program's name (4–30 characters; the platform appends 的体验小程序).
    #[serde(default)]
    pub name: Option<String>,
    /// Enterprise and trial → verified: the 18-character unified social credit code.
    #[serde(default)]
    pub code: Option<String>,
    /// Personal: the user's WeChat id (微信号).
    #[serde(default)]
    pub wxuser: Option<String>,
    /// Trial: the future administrator's openid under the platform's official account or web app (§8.5).
    #[serde(default)]
    pub openid: Option<String>,
    /// Trial → verified: the trial mini program. Reuse an official account: the official account.
    #[serde(default)]
    pub appid: Option<String>,
    /// Reuse an official account: whether the new mini program reuses its WeChat verification (§8.6
    /// `copy_wx_verify`; government, media and other organizations must). Left out: yes.
    #[serde(default)]
    pub copy_wx_verify: Option<bool>,
    /// The provider's contact phone shown to the person who completes the task (required by the new version).
    #[serde(default)]
    pub component_phone: Option<String>,
}

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationState {
    Open,
    Succeeded,
    Failed,
    /// The 24 hours of the `authorize_url` passed without a result.
    Expired,
}

impl RegistrationState {
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationState::Open => "open",
            RegistrationState::Succeeded => "succeeded",
            RegistrationState::Failed => "failed",
            RegistrationState::Expired => "expired",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Open, Self::Succeeded, Self::Failed, Self::Expired]
            .into_iter()
            .find(|state| state.as_str() == text)
    }
}

/// One task as `GET /api/v1/registrations/{id}` shows it. The fields DESIGN.md prints are fixed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Registration {
    pub id: i64,
    pub kind: RegistrationKind,
    pub state: RegistrationState,
    /// The platform's last status code (§4.2, §8.3, §8.4), if it sent one.
    pub status_code: Option<i64>,
    /// The platform's message with it.
    pub status_text: Option<String>,
    pub taskid: String,
    /// The new mini program, once created.
    pub appid: Option<String>,
    pub authorize_url: String,
    /// What the task was created with: the name, the WeChat id (never a phone number in a list).
    pub label: String,
    pub created_by: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds: 24 hours after creation (§8).
    pub expires_at: i64,
    pub updated_at: i64,
}

/// `POST /api/v1/registrations` → 201.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RegistrationCreated {
    pub id: i64,
    pub authorize_url: String,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RegistrationList {
    /// Newest first.
    pub registrations: Vec<Registration>,
}

/// §8: the person has 24 hours to complete the `authorize_url`.
pub const REGISTRATION_WINDOW_SECS: i64 = 24 * 3600;

/// GB 32100-2015: the 31 characters a unified social credit code is written with (no I, O, S, V, Z).
const CREDIT_CODE_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// GB 32100-2015: the weight of each of the first 17 characters, 3^i mod 31.
const CREDIT_CODE_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Whether `code` is a unified social credit code whose check character (the 18th) is right (GB 32100-2015).
pub fn credit_code_valid(code: &str) -> bool {
    let values: Option<Vec<u32>> = code
        .chars()
        .map(|c| CREDIT_CODE_CHARS.find(c).map(|i| i as u32))
        .collect();
    let Some(values) = values.filter(|v| v.len() == 18) else {
        return false;
    };
    let sum: u32 = values[..17].iter().zip(CREDIT_CODE_WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    values[17] == check
}

/// A mainland mobile number (11 digits from 1) or a landline with its area code (`0` then 9–11 digits, an optional
/// hyphen after the area code). [UNCONFIRMED] The platform documents no format; this is the safer reading: it
/// refuses what no person could call, not what an odd but real number looks like.
pub fn phone_valid(phone: &str) -> bool {
    let digits: String = phone.chars().filter(|c| *c != '-').collect();
    let hyphens = phone.chars().filter(|c| *c == '-').count();
    let all_digits = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit());
    let mobile = hyphens == 0 && digits.len() == 11 && digits.starts_with('1');
    let landline = hyphens <= 1 && digits.starts_with('0') && (10..=12).contains(&digits.len());
    all_digits && (mobile || landline)
}

/// A WeChat id (微信号): 6–20 characters, a letter first, then letters, digits, `_` or `-` (WeChat's own rule for
/// setting one; §8.4 `86032` for others).
pub fn wechat_id_valid(id: &str) -> bool {
    (6..=20).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The most characters an enterprise name may have (the registry allows long names; this guards the field).
const MAX_NAME_CHARS: usize = 100;
/// §8.5: a trial mini program's name has 4 to 30 characters.
pub const TRIAL_NAME_CHARS: std::ops::RangeInclusive<usize> = 4..=30;

/// An openid: letters, digits, `_` and `-`. WeChat's are 28 characters; the reference states no length, so this
/// accepts 16 to 64 [UNCONFIRMED], the safer reading: it refuses what cannot be an openid (a WeChat id with spaces, a
/// phone number), not an unusual one.
pub fn openid_valid(openid: &str) -> bool {
    (16..=64).contains(&openid.len())
        && openid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The request checked field by field: the kind, then each field it needs. Every bad field is named. What only the
/// hub knows (that `appid` is a trial mini program or an official account it serves) is checked by the hub.
pub fn check_request(request: &RegistrationRequest) -> Result<RegistrationKind, BTreeMap<String, String>> {
    let mut problems = BTreeMap::new();
    let Some(kind) = RegistrationKind::parse(&request.kind) else {
        let kinds: Vec<&str> = RegistrationKind::ALL.iter().map(|k| k.as_str()).collect();
        problems.insert(
            "kind".to_owned(),
            format!("unknown kind {:?}; one of {}", request.kind, kinds.join(", ")),
        );
        return Err(problems);
    };
    let text = |value: &Option<String>| value.as_deref().map(str::trim).unwrap_or_default().to_owned();
    let mut problem = |field: &str, message: String| {
        problems.insert(field.to_owned(), message);
    };
    for field in kind.fields() {
        match *field {
            "name" if kind == RegistrationKind::Trial => {
                let count = text(&request.name).chars().count();
                if count == 0 {
                    problem("name", "the trial mini program's name is required".to_owned());
                } else if !TRIAL_NAME_CHARS.contains(&count) {
                    problem("name", format!("4 to 30 characters, not {count}"));
                }
            }
            "name" => {
                let name = text(&request.name);
                if name.is_empty() {
                    problem("name", "the enterprise's registered name is required".to_owned());
                } else if name.chars().count() > MAX_NAME_CHARS {
                    problem("name", format!("at most {MAX_NAME_CHARS} characters"));
                }
            }
            "code" => {
                let code = text(&request.code).to_ascii_uppercase();
                if code.is_empty() {
                    problem("code", "the unified social credit code is required".to_owned());
                } else if code.chars().count() != 18 {
                    problem("code", "a unified social credit code has 18 characters".to_owned());
                } else if !credit_code_valid(&code) {
                    problem(
                        "code",
                        "not a unified social credit code: its check character (the 18th) does not match".to_owned(),
                    );
                }
            }
            "wxuser" => {
                let wxuser = text(&request.wxuser);
                if wxuser.is_empty() {
                    problem("wxuser", "the user's WeChat id is required".to_owned());
                } else if !wechat_id_valid(&wxuser) {
                    problem(
                        "wxuser",
                        "a WeChat id has 6–20 letters, digits, _ or -, starting with a letter".to_owned(),
                    );
                }
            }
            "openid" => {
                let openid = text(&request.openid);
                if openid.is_empty() {
                    problem("openid", "the future administrator's openid is required".to_owned());
                } else if !openid_valid(&openid) {
                    problem("openid", "an openid has 16–64 letters, digits, _ or -".to_owned());
                }
            }
            "appid" => {
                let appid = text(&request.appid);
                if appid.is_empty() {
                    problem("appid", "the account's appid is required".to_owned());
                } else if crate::wechat::ids::AuthorizerAppId::parse(&appid).is_err() {
                    problem(
                        "appid",
                        "an appid is wx followed by 16 lowercase hexadecimal digits".to_owned(),
                    );
                }
            }
            _ => {
                let phone = text(&request.component_phone);
                if phone.is_empty() {
                    problem("component_phone", "a contact phone is required".to_owned());
                } else if !phone_valid(&phone) {
                    problem(
                        "component_phone",
                        "a mobile number (11 digits) or a landline with its area code".to_owned(),
                    );
                }
            }
        }
    }
    if problems.is_empty() { Ok(kind) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_credit_codes_pass_and_a_changed_check_character_fails() {
        // Codes printed on public business licences (Tencent, Alibaba, Huawei, China Mobile).
        for code in [
            "91440300708461136T",
            "91330100716105852F",
            "914403001922038216",
            "91110000710925462X",
        ] {
            assert!(credit_code_valid(code), "{code}");
            let mut wrong: Vec<char> = code.chars().collect();
            let last = CREDIT_CODE_CHARS.find(wrong[17]).unwrap();
            wrong[17] = CREDIT_CODE_CHARS.chars().nth((last + 1) % 31).unwrap();
            let wrong: String = wrong.into_iter().collect();
            assert!(!credit_code_valid(&wrong), "{wrong}");
        }
        assert!(!credit_code_valid("91440300708461136"), "17 characters");
        assert!(!credit_code_valid("9144030070846113IT"), "I is not in the alphabet");
        assert!(!credit_code_valid(""));
    }

    #[test]
    fn phones_and_wechat_ids_are_checked_for_their_form() {
        for good in ["13800138000", "010-88886666", "075586013388"] {
            assert!(phone_valid(good), "{good}");
        }
        for bad in ["1380013800", "23800138000", "138-0013-8000", "phone", ""] {
            assert!(!phone_valid(bad), "{bad}");
        }
        assert!(wechat_id_valid("shop_owner-1"));
        for bad in ["abc12", "1shopowner", "shop owner", "店主微信号abc"] {
            assert!(!wechat_id_valid(bad), "{bad}");
        }
    }

    #[test]
    fn every_bad_field_of_a_request_is_named() {
        let enterprise = RegistrationRequest {
            kind: "enterprise".into(),
            name: Some(" ".into()),
            code: Some("91440300708461136A".into()),
            component_phone: Some("12345".into()),
            ..Default::default()
        };
        let problems = check_request(&enterprise).unwrap_err();
        assert_eq!(problems.keys().collect::<Vec<_>>(), ["code", "component_phone", "name"]);
        let personal = RegistrationRequest {
            kind: "personal".into(),
            wxuser: Some("1bad".into()),
            component_phone: Some("13800138000".into()),
            ..Default::default()
        };
        assert_eq!(
            check_request(&personal).unwrap_err().keys().collect::<Vec<_>>(),
            ["wxuser"]
        );
        let trial = RegistrationRequest {
            kind: "trial".into(),
            name: Some("鲜果".into()),
            openid: Some("13800138000 ".into()),
            ..Default::default()
        };
        assert_eq!(
            check_request(&trial).unwrap_err().keys().collect::<Vec<_>>(),
            ["name", "openid"]
        );
        let verify = RegistrationRequest {
            kind: "verify_beta".into(),
            appid: Some("wxAB".into()),
            name: Some("深圳市腾讯计算机系统有限公司".into()),
            code: Some("91440300708461136T".into()),
            ..Default::default()
        };
        assert_eq!(
            check_request(&verify).unwrap_err().keys().collect::<Vec<_>>(),
            ["appid", "component_phone"]
        );
        let reuse = RegistrationRequest {
            kind: "reuse_official_account".into(),
            appid: Some("wx0123456789abcdef".into()),
            ..Default::default()
        };
        assert_eq!(check_request(&reuse), Ok(RegistrationKind::ReuseOfficialAccount));
        let good_trial = RegistrationRequest {
            kind: "trial".into(),
            name: Some("鲜果小站".into()),
            openid: Some("oTgZpwVFNaGkdB1vCNMSLyXxoK2o".into()),
            ..Default::default()
        };
        assert_eq!(check_request(&good_trial), Ok(RegistrationKind::Trial));
        let unknown = RegistrationRequest {
            kind: "beta".into(),
            ..Default::default()
        };
        assert!(check_request(&unknown).unwrap_err().contains_key("kind"));
        let good = RegistrationRequest {
            kind: "enterprise".into(),
            name: Some("深圳市腾讯计算机系统有限公司".into()),
            code: Some("91440300708461136t".into()),
            component_phone: Some("0755-86013388".into()),
            ..Default::default()
        };
        assert_eq!(check_request(&good), Ok(RegistrationKind::Enterprise));
    }
}
