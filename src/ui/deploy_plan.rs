//! The deployment wizard's form as plain data, and what the console makes of it before the hub sees it: the plan,
//! its problems under the hub's own field paths (`appids[3]`, `waves[1]`, `ext_json.ext.shop`…) and the wizard
//! section each path belongs to (which merchants are ready is `deploy_ready`'s). Pure and unit-tested; the hub checks
//! the plan again and its 400 lands in the same sections.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::engine::protocol::{
    Domains, Gate, OwnerSetting, Plan, PrivacyPlan, PrivacyText, ReleasePolicy, WaveSize, unknown_placeholders,
    wave_sizes,
};
use crate::t;
use crate::wechat::api::template::Template;
use crate::wechat::ids::TemplateId;

/// §6.1: `user_version` is at most 64 characters (`85015`).
const MAX_USER_VERSION: usize = 64;
/// §6.1: a standard template's ext_json takes only these keys (`9402203`).
pub const STANDARD_EXT_KEYS: [&str; 3] = ["extAppid", "ext", "window"];
/// The plan's domain lists, in the order the wizard shows them (§7.1, §7.2).
pub const DOMAIN_LISTS: [&str; 5] = [
    "requestdomain",
    "wsrequestdomain",
    "uploaddomain",
    "downloaddomain",
    "webviewdomain",
];
/// What a new form's ext_json says: the two placeholders nearly every template needs.
pub const DEFAULT_EXT_JSON: &str =
    "{\n  \"extAppid\": \"{{appid}}\",\n  \"ext\": {\n    \"name\": \"{{nick_name}}\"\n  }\n}";

/// Problems by the hub's field paths, each in words for the operator.
pub type Problems = BTreeMap<String, String>;

/// The wizard's sections, in order; every field path of a plan belongs to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Section {
    #[default]
    Template,
    Merchants,
    ExtJson,
    Domains,
    Privacy,
    Waves,
    Summary,
}

impl Section {
    pub const ALL: [Section; 7] = [
        Section::Template,
        Section::Merchants,
        Section::ExtJson,
        Section::Domains,
        Section::Privacy,
        Section::Waves,
        Section::Summary,
    ];

    /// The section of a plan's field path; a path the wizard does not know goes to the summary, where it is seen.
    pub fn of(path: &str) -> Section {
        let head = path.split(['.', '[']).next().unwrap_or_default();
        match head {
            "template_id" | "user_version" | "user_desc" => Section::Template,
            "appids" => Section::Merchants,
            "ext_json" => Section::ExtJson,
            "domains" => Section::Domains,
            "privacy" => Section::Privacy,
            "waves" | "gate" | "max_failure_percent" | "min_sample" | "release" => Section::Waves,
            _ => Section::Summary,
        }
    }

    pub fn next(self) -> Option<Section> {
        let i = Section::ALL.iter().position(|s| *s == self)?;
        Section::ALL.get(i + 1).copied()
    }

    pub fn previous(self) -> Option<Section> {
        let i = Section::ALL.iter().position(|s| *s == self)?;
        i.checked_sub(1).map(|i| Section::ALL[i])
    }
}

/// How approved versions are released; the gray steps and interval live beside it in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReleaseMode {
    #[default]
    Release,
    Gray,
    Hold,
}

/// The privacy guide's owner settings as typed; empty means left out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OwnerForm {
    pub email: String,
    pub phone: String,
    pub qq: String,
    pub weixin: String,
    pub notice_method: String,
    pub store_expire: String,
}

/// Everything the wizard asks, as the operator typed it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeployForm {
    pub template: Option<TemplateId>,
    pub user_version: String,
    pub user_desc: String,
    /// The chosen merchants in the order chosen: the first ones make the first wave.
    pub appids: Vec<String>,
    pub ext_json: String,
    /// One domain a line, in [`DOMAIN_LISTS`] order.
    pub domains: [String; 5],
    /// Whether the plan sets the privacy guide.
    pub privacy: bool,
    pub owner: OwnerForm,
    pub privacy_texts: Vec<PrivacyText>,
    /// Cumulative sizes separated by commas: `1, 20%, 100%`.
    pub waves: String,
    pub gate: Gate,
    pub max_failure_percent: u32,
    pub min_sample: u32,
    pub release: ReleaseMode,
    /// Percentages separated by commas: `10, 50, 100`.
    pub gray_steps: String,
    pub gray_interval_mins: u64,
}

impl Default for DeployForm {
    fn default() -> Self {
        DeployForm {
            template: None,
            user_version: String::new(),
            user_desc: String::new(),
            appids: Vec::new(),
            ext_json: DEFAULT_EXT_JSON.to_owned(),
            domains: Default::default(),
            privacy: false,
            owner: OwnerForm::default(),
            privacy_texts: Vec::new(),
            // A canary of one and a person's look before the rest: a bad template costs one audit, not a month's.
            waves: "1, 100%".to_owned(),
            gate: Gate::Manual,
            max_failure_percent: 30,
            min_sample: 3,
            release: ReleaseMode::Release,
            gray_steps: "10, 50, 100".to_owned(),
            gray_interval_mins: 60,
        }
    }
}

impl DeployForm {
    pub fn is_chosen(&self, appid: &str) -> bool {
        self.appids.iter().any(|a| a == appid)
    }

    /// Adds `appid` at the end, or takes it out.
    pub fn toggle(&mut self, appid: &str) {
        match self.appids.iter().position(|a| a == appid) {
            Some(i) => {
                self.appids.remove(i);
            }
            None => self.appids.push(appid.to_owned()),
        }
    }

    /// Chooses template `id` and, where the operator has typed none of their own (the field is empty or still says
    /// what the template chosen before said), its version and description from `library`.
    pub fn choose_template(&mut self, id: TemplateId, library: &[Template]) {
        let find = |id: TemplateId| library.iter().find(|t| t.template_id == id);
        let previous = self.template.and_then(find);
        let untouched = |typed: &str, before: Option<&str>| typed.trim().is_empty() || Some(typed) == before;
        if let Some(template) = find(id) {
            if untouched(&self.user_version, previous.map(|t| t.user_version.as_str())) {
                self.user_version = template.user_version.clone();
            }
            if untouched(&self.user_desc, previous.map(|t| t.user_desc.as_str())) {
                self.user_desc = template.user_desc.clone();
            }
        }
        self.template = Some(id);
    }

    /// Adds each of `appids` not chosen yet, in order.
    pub fn choose_all<'a>(&mut self, appids: impl IntoIterator<Item = &'a str>) {
        for appid in appids {
            if !self.is_chosen(appid) {
                self.appids.push(appid.to_owned());
            }
        }
    }
}

/// The ext_json as typed, parsed; its problems (not JSON, not an object, an unknown placeholder, a key a standard
/// template does not take) go into `problems` under `ext_json…` paths.
pub fn parse_ext_json(text: &str, standard: bool, problems: &mut Problems) -> Option<Value> {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            let why = t!("deploy.ext_not_json", line = error.line(), column = error.column());
            problems.insert("ext_json".into(), why);
            return None;
        }
    };
    let Some(map) = value.as_object() else {
        problems.insert("ext_json".into(), t!("deploy.ext_not_object").to_owned());
        return None;
    };
    if standard {
        for key in map.keys().filter(|key| !STANDARD_EXT_KEYS.contains(&key.as_str())) {
            problems.insert(format!("ext_json.{key}"), t!("deploy.ext_standard_key", key = key));
        }
    }
    let mut unknown = Vec::new();
    unknown_placeholders(&value, "ext_json", &mut unknown);
    for (path, name) in unknown {
        problems.insert(path, t!("deploy.ext_unknown_placeholder", name = name));
    }
    Some(value)
}

/// `1, 20%, 100%` as wave sizes; a bad entry goes into `problems` as `waves[i]`.
pub fn parse_waves(text: &str, problems: &mut Problems) -> Option<Vec<WaveSize>> {
    let mut waves = Vec::new();
    let entries = text.split([',', '，']).map(str::trim).filter(|e| !e.is_empty());
    for (i, entry) in entries.enumerate() {
        let wave = match entry.strip_suffix('%') {
            Some(number) => number
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|p| *p > 0.0 && *p <= 100.0)
                .map(|_| WaveSize::Percent(format!("{}%", number.trim()))),
            None => entry.parse::<u64>().ok().filter(|n| *n > 0).map(WaveSize::Count),
        };
        match wave {
            Some(wave) => waves.push(wave),
            None => {
                problems.insert(format!("waves[{i}]"), t!("deploy.wave_bad", entry = entry));
            }
        }
    }
    (!problems.keys().any(|k| k.starts_with("waves"))).then_some(waves)
}

/// `10, 50, 100` as gray steps: each a percentage above the one before.
fn parse_gray_steps(text: &str, problems: &mut Problems) -> Vec<u32> {
    let mut steps: Vec<u32> = Vec::new();
    let entries = text.split([',', '，']).map(str::trim).filter(|e| !e.is_empty());
    for (i, entry) in entries.enumerate() {
        let step = entry.trim_end_matches('%').trim().parse::<u32>().ok();
        match step {
            Some(step) if (1..=100).contains(&step) && steps.last().is_none_or(|last| step > *last) => steps.push(step),
            _ => {
                problems.insert(format!("release.steps[{i}]"), t!("deploy.gray_step_bad", entry = entry));
            }
        }
    }
    if steps.is_empty() && !problems.keys().any(|k| k.starts_with("release.steps")) {
        problems.insert("release.steps".into(), t!("deploy.gray_steps_missing").to_owned());
    }
    steps
}

/// The plan the form makes for the `ready` merchants, and every problem the console can see before sending it.
/// `standard` says whether the chosen template is a standard one. The plan is `None` only when the problems leave
/// nothing to send.
pub fn plan(form: &DeployForm, standard: bool, ready: &[String]) -> (Option<Plan>, Problems) {
    let mut problems = Problems::new();
    if form.template.is_none() {
        problems.insert("template_id".into(), t!("deploy.need_template").to_owned());
    }
    let version = form.user_version.trim();
    if version.is_empty() {
        problems.insert("user_version".into(), t!("deploy.need_version").to_owned());
    } else if version.chars().count() > MAX_USER_VERSION {
        problems.insert(
            "user_version".into(),
            t!("deploy.version_too_long", max = MAX_USER_VERSION),
        );
    }
    if ready.is_empty() {
        problems.insert("appids".into(), t!("deploy.need_merchants").to_owned());
    }
    let ext_json = parse_ext_json(&form.ext_json, standard, &mut problems);
    let domains = domains(form, &mut problems);
    let privacy = form.privacy.then(|| privacy(form, &mut problems));
    let waves = parse_waves(&form.waves, &mut problems);
    if let Some(waves) = &waves
        && !ready.is_empty()
        && let Err((i, _)) = wave_sizes(waves, ready.len())
    {
        problems.insert(format!("waves[{i}]"), t!("deploy.waves_short", total = ready.len()));
    }
    let release = match form.release {
        ReleaseMode::Release => ReleasePolicy::Release,
        ReleaseMode::Hold => ReleasePolicy::Hold,
        ReleaseMode::Gray => ReleasePolicy::Gray {
            steps: parse_gray_steps(&form.gray_steps, &mut problems),
            interval_secs: form.gray_interval_mins.max(1) * 60,
        },
    };
    let (Some(template), Some(ext_json), Some(waves)) = (form.template, ext_json, waves) else {
        return (None, problems);
    };
    let plan = Plan {
        template_id: i64::try_from(template.0).unwrap_or(i64::MAX),
        appids: ready.to_vec(),
        ext_json,
        user_version: version.to_owned(),
        user_desc: form.user_desc.trim().to_owned(),
        domains,
        privacy,
        waves,
        gate: form.gate,
        max_failure_percent: form.max_failure_percent.min(100),
        min_sample: form.min_sample.max(1),
        release,
    };
    (Some(plan), problems)
}

/// The domain lists, one a line; none at all leaves every mini program's domains as they are.
fn domains(form: &DeployForm, problems: &mut Problems) -> Option<Domains> {
    let mut lists: [Vec<String>; 5] = Default::default();
    for (n, (name, text)) in DOMAIN_LISTS.iter().zip(&form.domains).enumerate() {
        let scheme = if *name == "wsrequestdomain" {
            "wss://"
        } else {
            "https://"
        };
        let lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        for (i, line) in lines.enumerate() {
            if !line.starts_with(scheme) {
                problems.insert(
                    format!("domains.{name}[{i}]"),
                    t!("deploy.domain_scheme", scheme = scheme),
                );
            }
            lists[n].push(line.to_owned());
        }
    }
    if lists.iter().all(Vec::is_empty) {
        return None;
    }
    let [
        requestdomain,
        wsrequestdomain,
        uploaddomain,
        downloaddomain,
        webviewdomain,
    ] = lists;
    Some(Domains {
        requestdomain,
        wsrequestdomain,
        uploaddomain,
        downloaddomain,
        webviewdomain,
    })
}

fn privacy(form: &DeployForm, problems: &mut Problems) -> PrivacyPlan {
    let owner = &form.owner;
    let some = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    let owner_setting = OwnerSetting {
        contact_email: some(&owner.email),
        contact_phone: some(&owner.phone),
        contact_qq: some(&owner.qq),
        contact_weixin: some(&owner.weixin),
        notice_method: owner.notice_method.trim().to_owned(),
        store_expire_timestamp: some(&owner.store_expire),
    };
    let contacts = [
        &owner_setting.contact_email,
        &owner_setting.contact_phone,
        &owner_setting.contact_qq,
        &owner_setting.contact_weixin,
    ];
    if contacts.iter().all(|c| c.is_none()) {
        problems.insert(
            "privacy.owner_setting".into(),
            t!("deploy.privacy_need_contact").to_owned(),
        );
    }
    if owner_setting.notice_method.is_empty() {
        problems.insert(
            "privacy.owner_setting.notice_method".into(),
            t!("deploy.privacy_need_notice").to_owned(),
        );
    }
    for (i, setting) in form.privacy_texts.iter().enumerate() {
        if setting.privacy_key.trim().is_empty() {
            problems.insert(
                format!("privacy.setting_list[{i}].privacy_key"),
                t!("deploy.privacy_need_key").to_owned(),
            );
        }
        if setting.privacy_text.trim().is_empty() {
            problems.insert(
                format!("privacy.setting_list[{i}].privacy_text"),
                t!("deploy.privacy_need_text").to_owned(),
            );
        }
    }
    PrivacyPlan {
        owner_setting,
        setting_list: form
            .privacy_texts
            .iter()
            .map(|s| PrivacyText {
                privacy_key: s.privacy_key.trim().to_owned(),
                privacy_text: s.privacy_text.trim().to_owned(),
            })
            .collect(),
    }
}

#[cfg(test)]
#[path = "deploy_plan_tests.rs"]
mod tests;
