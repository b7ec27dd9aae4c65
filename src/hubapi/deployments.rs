//! A deployment's plan (DESIGN.md, "Deployments" and the fixed shape of `POST /api/v1/deployments`): one template
//! to many mini programs, in waves, with a gate between them, a failure threshold and a release policy. The job it
//! creates is watched and steered through `/api/v1/jobs/{id}`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// `POST /api/v1/deployments`. Every field is checked before anything is sent to the platform; a bad plan is a 400
/// whose `fields` name each bad one (`appids[3]`, `waves[1]`, `domains.requestdomain[0]`…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Plan {
    /// A template of the library (`gettemplatelist`, wechat-api.md §5.3).
    pub template_id: i64,
    /// The mini programs, each authorized to this platform.
    pub appids: Vec<String>,
    /// An object; string values may hold placeholders filled per merchant: `{{appid}}`, `{{nick_name}}`,
    /// `{{user_name}}`, `{{principal_name}}`. A standard template takes only `extAppid`, `ext` and `window` (§6.1).
    #[serde(default = "empty_object")]
    #[schema(value_type = Object)]
    pub ext_json: serde_json::Value,
    /// The version the merchants' users see (at most 64 characters, §6.1).
    pub user_version: String,
    #[serde(default)]
    pub user_desc: String,
    /// Server and business domains set on every mini program before the commit (§7.1, §7.2); none, left as they are.
    #[serde(default)]
    pub domains: Option<Domains>,
    /// The user privacy guide's settings (§6.16); none, the guide each mini program already has is used.
    #[serde(default)]
    pub privacy: Option<PrivacyPlan>,
    /// Cumulative sizes: a count of merchants or a percentage of them (`"20%"`, rounded up) reached by the end of
    /// each wave; the last must reach every merchant. `[3, "20%", "100%"]`: a canary of 3, then up to a fifth, then
    /// the rest. Empty: one wave.
    #[serde(default)]
    pub waves: Vec<WaveSize>,
    #[serde(default)]
    pub gate: Gate,
    /// The job halts when more than this percentage of the merchants with a result failed or were rejected…
    #[serde(default = "default_failure_percent")]
    pub max_failure_percent: u32,
    /// …once at least this many have a result.
    #[serde(default = "default_min_sample")]
    pub min_sample: u32,
    #[serde(default)]
    pub release: ReleasePolicy,
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

fn default_failure_percent() -> u32 {
    30
}

fn default_min_sample() -> u32 {
    3
}

/// One wave's cumulative size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum WaveSize {
    Count(u64),
    /// `"20%"`.
    Percent(String),
}

/// Whether the next wave starts by itself or waits for `POST /api/v1/jobs/{id}/approve`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Gate {
    #[default]
    Auto,
    Manual,
}

/// What happens to an approved version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum ReleasePolicy {
    /// Released to every user as soon as the audit approves it (§6.9).
    #[default]
    Release,
    /// Released to a growing share of users (§6.11): each step's percentage, increasing, the last up to 100; a
    /// step follows the one before after `interval_secs`.
    Gray {
        steps: Vec<u32>,
        #[serde(default = "default_gray_interval")]
        interval_secs: u64,
    },
    /// Kept approved; released later by hand (Audits panel).
    Hold,
}

fn default_gray_interval() -> u64 {
    3600
}

/// §7.1 and §7.2: each list replaces the mini program's own; a list left out is not touched.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Domains {
    #[serde(default)]
    pub requestdomain: Vec<String>,
    #[serde(default)]
    pub wsrequestdomain: Vec<String>,
    #[serde(default)]
    pub uploaddomain: Vec<String>,
    #[serde(default)]
    pub downloaddomain: Vec<String>,
    /// Business (web-view) domains, set with `setwebviewdomain`.
    #[serde(default)]
    pub webviewdomain: Vec<String>,
}

impl Domains {
    /// The server domain lists by name, as `modify_domain` takes them.
    pub fn server_lists(&self) -> [(&'static str, &[String]); 4] {
        [
            ("requestdomain", &self.requestdomain),
            ("wsrequestdomain", &self.wsrequestdomain),
            ("uploaddomain", &self.uploaddomain),
            ("downloaddomain", &self.downloaddomain),
        ]
    }

    pub fn has_server(&self) -> bool {
        self.server_lists().iter().any(|(_, list)| !list.is_empty())
    }
}

/// §6.16 `setprivacysetting`: the owner settings and the text for each privacy key the code may use. A key the code
/// uses (the scan after the commit finds it) with no text here and none already set fails that merchant before its
/// audit is submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PrivacyPlan {
    pub owner_setting: OwnerSetting,
    #[serde(default)]
    pub setting_list: Vec<PrivacyText>,
}

/// §6.16: at least one contact, and how users are told of changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OwnerSetting {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_qq: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_weixin: Option<String>,
    pub notice_method: String,
    /// `"30天"`: how long data is kept (§6.16, `87072` otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_expire_timestamp: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PrivacyText {
    pub privacy_key: String,
    pub privacy_text: String,
}

/// A plan's problems by field path, as the 400's `fields` carries them.
pub type PlanProblems = BTreeMap<String, String>;

/// How a plan's waves split `total` merchants: each wave's size, in order, empty waves dropped; or the index and
/// reason of the first bad entry.
pub fn wave_sizes(waves: &[WaveSize], total: usize) -> Result<Vec<usize>, (usize, String)> {
    if waves.is_empty() {
        return Ok(vec![total]);
    }
    let mut reached = 0usize;
    let mut sizes = Vec::new();
    for (index, wave) in waves.iter().enumerate() {
        let target = match wave {
            WaveSize::Count(count) => usize::try_from(*count).unwrap_or(usize::MAX),
            WaveSize::Percent(text) => {
                let percent = text
                    .strip_suffix('%')
                    .and_then(|n| n.trim().parse::<f64>().ok())
                    .filter(|p| p.is_finite() && *p > 0.0 && *p <= 100.0)
                    .ok_or_else(|| (index, format!("{text:?} is not a percentage from 1% to 100%")))?;
                (total as f64 * percent / 100.0).ceil() as usize
            }
        };
        if target == 0 {
            return Err((index, "a wave of no merchants".into()));
        }
        let target = target.min(total);
        if target > reached {
            sizes.push(target - reached);
            reached = target;
        }
    }
    if reached < total {
        let last = waves.len() - 1;
        return Err((
            last,
            format!("the waves reach {reached} of the {total} merchants; the last must reach every one (\"100%\")"),
        ));
    }
    Ok(sizes)
}

/// The placeholders a plan's ext_json may use, and where each value comes from.
pub const PLACEHOLDERS: [&str; 4] = ["appid", "nick_name", "user_name", "principal_name"];

/// Every string of `template` with `{{name}}` replaced by the merchant's value (an unknown value is empty).
pub fn fill_placeholders(template: &Value, account: &super::Authorizer) -> Value {
    match template {
        Value::String(text) => Value::String(fill_text(text, account)),
        Value::Array(items) => Value::Array(items.iter().map(|v| fill_placeholders(v, account)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), fill_placeholders(v, account)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn fill_text(text: &str, account: &super::Authorizer) -> String {
    let mut out = text.to_owned();
    for name in PLACEHOLDERS {
        let value = match name {
            "appid" => Some(account.authorizer_appid.as_str()),
            "nick_name" => account.nick_name.as_deref(),
            "user_name" => account.user_name.as_deref(),
            _ => account.principal_name.as_deref(),
        };
        out = out.replace(&format!("{{{{{name}}}}}"), value.unwrap_or_default());
    }
    out
}

/// The `{{…}}` names in the strings of `value` that are not placeholders we fill, with the path where each is.
pub fn unknown_placeholders(value: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(text) => {
            let mut rest = text.as_str();
            while let Some(start) = rest.find("{{") {
                let after = &rest[start + 2..];
                let Some(end) = after.find("}}") else { break };
                let name = after[..end].trim();
                if !PLACEHOLDERS.contains(&name) {
                    out.push((path.to_owned(), name.to_owned()));
                }
                rest = &after[end + 2..];
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                unknown_placeholders(v, &format!("{path}[{i}]"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                unknown_placeholders(v, &format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn account() -> crate::hubapi::Authorizer {
        crate::hubapi::Authorizer {
            authorizer_appid: "wx0123456789abcdef".into(),
            nick_name: Some("茶饮小铺".into()),
            kind: None,
            principal_name: None,
            verify_type: None,
            service_type: None,
            user_name: Some("gh_0123".into()),
            head_img: None,
            authorized_at: 0,
            revoked_at: None,
            func_ids: vec![18],
        }
    }

    #[test]
    fn placeholders_are_filled_in_every_string_and_unknown_values_are_empty() {
        let template = json!({ "extAppid": "{{appid}}", "ext": { "name": "{{nick_name}} ({{principal_name}})",
                               "ids": ["{{user_name}}", 3] } });
        let filled = fill_placeholders(&template, &account());
        assert_eq!(
            filled,
            json!({ "extAppid": "wx0123456789abcdef", "ext": { "name": "茶饮小铺 ()", "ids": ["gh_0123", 3] } })
        );
    }

    #[test]
    fn unknown_placeholders_are_named_with_their_path() {
        let mut found = Vec::new();
        unknown_placeholders(
            &json!({ "ext": { "shop": "{{ shop_id }}", "list": ["{{appid}}", "{{city}}"] } }),
            "ext_json",
            &mut found,
        );
        assert_eq!(
            found,
            vec![
                ("ext_json.ext.list[1]".to_owned(), "city".to_owned()),
                ("ext_json.ext.shop".to_owned(), "shop_id".to_owned())
            ]
        );
    }

    fn waves(text: &str) -> Vec<WaveSize> {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn waves_are_cumulative_counts_or_rounded_up_percentages() {
        assert_eq!(wave_sizes(&waves(r#"[3, "20%", "100%"]"#), 50), Ok(vec![3, 7, 40]));
        assert_eq!(wave_sizes(&waves(r#"["10%", "100%"]"#), 7), Ok(vec![1, 6]));
        assert_eq!(wave_sizes(&[], 9), Ok(vec![9]));
        // A wave that adds nothing (20% of 10 is below the 3 before it) is dropped, not an error.
        assert_eq!(wave_sizes(&waves(r#"[3, "20%", 10]"#), 10), Ok(vec![3, 7]));
    }

    #[test]
    fn waves_that_leave_merchants_out_or_make_no_sense_name_the_entry() {
        let (index, why) = wave_sizes(&waves(r#"[3, "50%"]"#), 10).unwrap_err();
        assert_eq!(index, 1);
        assert!(why.contains("reach 5 of the 10"), "{why}");
        assert_eq!(wave_sizes(&waves(r#"[0, "100%"]"#), 10).unwrap_err().0, 0);
        assert_eq!(wave_sizes(&waves(r#"[2, "120%"]"#), 10).unwrap_err().0, 1);
        assert_eq!(wave_sizes(&waves(r#"["half"]"#), 10).unwrap_err().0, 0);
    }

    #[test]
    fn the_fixed_example_of_design_md_reads() {
        let plan: Plan = serde_json::from_str(
            r#"{ "template_id": 12, "appids": ["wx1", "wx2"],
                 "ext_json": { "extAppid": "{{appid}}", "ext": { "name": "{{nick_name}}" } },
                 "user_version": "1.4.0", "user_desc": "spring menu",
                 "domains": { "requestdomain": ["https://api.example.com"] },
                 "privacy": { "owner_setting": { "contact_email": "a@example.com", "notice_method": "弹窗" },
                              "setting_list": [{ "privacy_key": "Location", "privacy_text": "门店定位" }] },
                 "waves": [3, "20%", "100%"], "gate": "manual",
                 "max_failure_percent": 30, "min_sample": 3,
                 "release": { "mode": "gray", "steps": [10, 50, 100] } }"#,
        )
        .unwrap();
        assert_eq!(plan.gate, Gate::Manual);
        assert_eq!(
            plan.release,
            ReleasePolicy::Gray {
                steps: vec![10, 50, 100],
                interval_secs: 3600
            }
        );
        assert_eq!(plan.waves[1], WaveSize::Percent("20%".into()));
        let back: Plan = serde_json::from_value(serde_json::to_value(&plan).unwrap()).unwrap();
        assert_eq!(back, plan);
    }
}
