//! §8.1–§8.4 and §11.4: registration tasks — legacy enterprise (`fastregisterweapp`), new enterprise and
//! personal registration in both the legacy and the `new_version` forms — and how a task ends: a
//! `notify_third_fasteregister` push and, on success, a new mini program already authorized to the platform.

use serde_json::{Value, json};

use super::super::merchants::Kind;
use super::super::push;
use super::super::reply::{ApiError, Outcome, missing, ok, opt_bool, opt_num, opt_str};
use super::super::routes::{Call, Endpoint, component};
use super::super::state::Sim;
use super::super::tokens::random_token;

/// Simulated seconds until a trial task finishes by itself (successfully) unless a test resolves it first.
pub const REGISTRATION_SECS: i64 = 1800;
/// §8: the person has 24 hours to complete an enterprise or personal task's link; then it times out.
pub const TASK_WINDOW_SECS: i64 = 24 * 3600;
/// §8.4 `91030`: each WeChat id may be used five times a day.
const PERSONAL_PER_DAY: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// §8.1 `fastregisterweapp`.
    Legacy,
    /// §8.3 `fastregisterenterpriseweapp`.
    Enterprise { new_version: bool },
    /// §8.4 `fastregisterpersonalweapp`.
    Personal { new_version: bool },
    /// §8.5 `fastregisterbetaweapp`.
    Beta,
    /// §8.5 `verifybetaweapp`, for the trial mini program with this index.
    VerifyBeta(u32),
}

/// The submitted data, echoed in the result push's `<info>` (§4.2).
#[derive(Debug, Clone, Default)]
pub struct Info {
    pub name: String,
    pub code: String,
    pub code_type: i64,
    pub legal_persona_wechat: String,
    pub legal_persona_name: String,
    pub component_phone: String,
    pub wxuser: String,
    pub idname: String,
}

#[derive(Debug, Clone)]
pub struct Task {
    pub taskid: String,
    pub route: Route,
    pub info: Info,
    pub created_at: i64,
    pub resolve_at: i64,
    /// The §4.2 status once finished.
    pub status: Option<i64>,
    /// The mini program created on success.
    pub created: Option<u32>,
    pub authorize_url: String,
}

impl Task {
    fn pending(&self) -> bool {
        self.status.is_none()
    }
}

#[derive(Debug, Default)]
pub struct Registrations {
    pub tasks: Vec<Task>,
    /// (WeChat id, day) → personal registrations that day.
    pub personal_uses: std::collections::HashMap<(String, i64), u32>,
    /// Reuse-OA scan tickets (§8.6): ticket → (official account index, expires at, used).
    pub oa_tickets: std::collections::HashMap<String, (u32, i64, bool)>,
    /// Official account index → successful reuse-OA registrations (5 a month, §8.6).
    pub oa_registrations: std::collections::HashMap<u32, u32>,
    /// openid → trial mini programs asked for (§8.5: at most 5 per WeChat user).
    pub trials_by_openid: std::collections::HashMap<String, u32>,
    /// Trial mini program index → when it was created (§8.5: valid 14 days unless converted).
    pub trials: std::collections::BTreeMap<u32, i64>,
}

/// §8.1, §10: enterprise tasks are serial per entity; another for the same code waits 24 hours after the last.
pub const SERIAL_LOCK_SECS: i64 = 24 * 3600;

/// `89249` while a task for the entity with `code` runs or was created less than 24 hours ago.
fn entity_locked(sim: &Sim, code: &str, now: i64) -> Result<(), ApiError> {
    let locked = sim.registrations.tasks.iter().any(|t| {
        matches!(t.route, Route::Legacy | Route::Enterprise { .. })
            && t.info.code.eq_ignore_ascii_case(code)
            && (t.pending() || now < t.created_at + SERIAL_LOCK_SECS)
    });
    match locked {
        true => Err(ApiError::new(
            89249,
            "task with the same enterprise info is in progress, retry 24 hours after the last one",
        )),
        false => Ok(()),
    }
}

/// A mini program a registration created: no name, avatar, introduction or category yet (§8.7), and only the sets
/// registration grants (`sets`).
pub fn start_bare(sim: &mut Sim, index: u32, sets: &[u16], now: i64) -> super::super::authz::Authorized {
    let granted = sim.grant(now, index, sets, None);
    sim.account(index).categories.clear();
    granted
}

impl Registrations {
    pub fn add(&mut self, now: i64, route: Route, info: Info) -> &Task {
        let taskid = random_token("", 32);
        let authorize_url = match route {
            Route::Beta => {
                format!("https://mp.weixin.qq.com/wxawap/fastregistertpbeta?action=show&create_token={taskid}")
            }
            _ => format!("https://mp.weixin.qq.com/wxawap/fastregisterauth?action=show&taskid={taskid}"),
        };
        let task = Task {
            taskid,
            route,
            info,
            created_at: now,
            resolve_at: now
                + match route {
                    Route::Beta | Route::VerifyBeta(_) => REGISTRATION_SECS,
                    _ => TASK_WINDOW_SECS,
                },
            status: None,
            created: None,
            authorize_url,
        };
        self.tasks.push(task);
        let last = self.tasks.len() - 1;
        &self.tasks[last]
    }
}

pub const ENDPOINTS: &[Endpoint] = &[
    component("/cgi-bin/component/fastregisterweapp", fastregisterweapp),
    component(
        "/wxa/component/fastregisterenterpriseweapp",
        fastregisterenterpriseweapp,
    ),
    component("/wxa/component/fastregisterpersonalweapp", fastregisterpersonalweapp),
];

/// §8.1 `code` must match `code_type`: 18 characters, `xxxxxxxx-x`, or 15 digits.
fn code_matches(code: &str, code_type: i64) -> bool {
    match code_type {
        1 => code.len() == 18 && code.chars().all(|c| c.is_ascii_alphanumeric()),
        2 => code.len() == 10 && code.as_bytes().get(8) == Some(&b'-'),
        3 => code.len() == 15 && code.chars().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

pub fn plausible_wechat(id: &str) -> bool {
    (6..=20).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn field(body: &Value, name: &str, code: i64) -> Result<String, ApiError> {
    opt_str(body, name)
        .map(str::to_owned)
        .ok_or_else(|| ApiError::new(code, format!("missing parameter {name}")))
}

/// §8.1/§8.2, `action` in the query.
fn fastregisterweapp(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    match call.query.get("action") {
        Some("create") => legacy_create(sim, call),
        Some("search") => legacy_search(sim, call),
        _ => Err(ApiError::new(40097, "invalid args hint: [action]")),
    }
}

fn legacy_create(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let body = call.body;
    let name = field(body, "name", 89253)?;
    let code = field(body, "code", 89253)?;
    let code_type = opt_num(body, "code_type").ok_or_else(|| ApiError::new(89253, "missing parameter code_type"))?;
    let legal_persona_wechat = field(body, "legal_persona_wechat", 89253)?;
    let legal_persona_name = field(body, "legal_persona_name", 89253)?;
    if !(1..=3).contains(&code_type) {
        return Err(ApiError::new(89248, "invalid code type"));
    }
    if !code_matches(&code, code_type) {
        return Err(ApiError::new(89255, "code is invalid"));
    }
    if !plausible_wechat(&legal_persona_wechat) {
        return Err(ApiError::new(86004, "invalid wechat"));
    }
    entity_locked(sim, &code, call.now)?;
    let component_phone = opt_str(body, "component_phone").unwrap_or_default().to_owned();
    let info = Info {
        name,
        code,
        code_type,
        legal_persona_wechat,
        legal_persona_name,
        component_phone,
        ..Info::default()
    };
    sim.registrations.add(call.now, Route::Legacy, info);
    Ok(super::super::reply::Reply::Json(json!({"errcode": 0, "errmsg": "OK"})))
}

/// §8.2: the errcode is the state: `0` done, `89250` none, `89251` waiting for the legal person.
fn legacy_search(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let name = field(call.body, "name", 89253)?;
    let wechat = field(call.body, "legal_persona_wechat", 89253)?;
    let legal_name = field(call.body, "legal_persona_name", 89253)?;
    let task = sim.registrations.tasks.iter().rev().find(|t| {
        t.route == Route::Legacy
            && t.info.name == name
            && t.info.legal_persona_wechat == wechat
            && t.info.legal_persona_name == legal_name
    });
    match task {
        None => Err(ApiError::new(89250, "task not found")),
        Some(task) if task.pending() => Err(ApiError::new(89251, "waiting for legal person to verify")),
        Some(_) => ok(json!({})),
    }
}

fn query_task<'a>(sim: &'a Sim, call: &Call<'_>) -> Result<&'a Task, ApiError> {
    let taskid = opt_str(call.body, "taskid").ok_or_else(|| missing("taskid"))?;
    sim.registrations
        .tasks
        .iter()
        .find(|t| t.taskid == taskid)
        .ok_or_else(|| ApiError::new(89250, "task not found"))
}

/// §8.3: legacy (`code_type`, `legal_persona_openid`, `legal_persona_name`) or `new_version` (18-char code + phone).
fn fastregisterenterpriseweapp(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let body = call.body;
    let new_version = opt_bool(body, "new_version").unwrap_or(false);
    if call.query.get("action") == Some("query") {
        let task = query_task(sim, call)?;
        let status = match task.status {
            None => 1,
            Some(0) => 12,
            Some(s @ 1001..=1008) => s,
            Some(100_001..=100_003) => 2,
            Some(_) => 11,
        };
        return ok(json!({"taskid": task.taskid, "authorize_url": task.authorize_url, "status": status}));
    }
    if call.query.get("action") != Some("create") {
        return Err(ApiError::new(40097, "invalid args hint: [action]"));
    }
    let name = field(body, "name", 86030)?;
    let code = field(body, "code", 86030)?;
    let info = if new_version {
        let component_phone = field(body, "component_phone", 86030)?;
        if !code_matches(&code, 1) {
            return Err(ApiError::new(89255, "code is invalid"));
        }
        Info {
            name,
            code,
            code_type: 1,
            component_phone,
            ..Info::default()
        }
    } else {
        let code_type =
            opt_num(body, "code_type").ok_or_else(|| ApiError::new(86030, "missing parameter code_type"))?;
        field(body, "legal_persona_openid", 86030)?;
        let legal_persona_name = field(body, "legal_persona_name", 86030)?;
        if !code_matches(&code, code_type) {
            return Err(ApiError::new(89255, "code is invalid"));
        }
        let component_phone = opt_str(body, "component_phone").unwrap_or_default().to_owned();
        Info {
            name,
            code,
            code_type,
            legal_persona_name,
            component_phone,
            ..Info::default()
        }
    };
    entity_locked(sim, &info.code, call.now)?;
    let task = sim.registrations.add(call.now, Route::Enterprise { new_version }, info);
    let mut answer = json!({"taskid": task.taskid, "status": 1});
    if new_version && let Some(map) = answer.as_object_mut() {
        map.insert("authorize_url".into(), json!(task.authorize_url));
    }
    ok(answer)
}

/// §8.4: legacy (`idname` + `wxuser`) or `new_version` (`wxuser` + `component_phone`); 5 a day per WeChat id.
fn fastregisterpersonalweapp(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let body = call.body;
    let new_version = opt_bool(body, "new_version").unwrap_or(false);
    if call.query.get("action") == Some("query") {
        let task = query_task(sim, call)?;
        let status = match task.status {
            None => 0,
            Some(0) => 12,
            Some(s @ 1001..=1008) => s,
            Some(100_001..=100_003) => 1,
            Some(_) => 11,
        };
        return ok(json!({"taskid": task.taskid, "authorize_url": task.authorize_url, "status": status}));
    }
    if call.query.get("action") != Some("create") {
        return Err(ApiError::new(40097, "invalid args hint: [action]"));
    }
    let wxuser = field(body, "wxuser", 86030)?;
    let (idname, component_phone) = if new_version {
        (String::new(), field(body, "component_phone", 86030)?)
    } else {
        (
            field(body, "idname", 86030)?,
            opt_str(body, "component_phone").unwrap_or_default().to_owned(),
        )
    };
    if !plausible_wechat(&wxuser) {
        return Err(ApiError::new(86032, "invalid wechat id"));
    }
    let uses = sim
        .registrations
        .personal_uses
        .entry((wxuser.clone(), call.now.div_euclid(86_400)))
        .or_default();
    if *uses >= PERSONAL_PER_DAY {
        return Err(ApiError::new(
            91030,
            "the wechat id has reached the daily registration limit",
        ));
    }
    *uses += 1;
    let info = Info {
        wxuser,
        idname,
        component_phone,
        ..Info::default()
    };
    let task = sim.registrations.add(call.now, Route::Personal { new_version }, info);
    let answer = json!({"errcode": 0, "errmsg": "create task ok", "taskid": task.taskid,
        "authorize_url": task.authorize_url, "status": 0});
    Ok(super::super::reply::Reply::Json(answer))
}

/// Finishes a pending task with a §4.2 status and pushes the result (`POST /__sim/registration/resolve`).
pub fn resolve(sim: &mut Sim, task_id: &str, status: i64, now: i64) -> Result<Option<String>, &'static str> {
    let position = sim
        .registrations
        .tasks
        .iter()
        .position(|t| t.taskid == task_id)
        .ok_or("no registration task has this id")?;
    let task = sim.registrations.tasks[position].clone();
    if !task.pending() {
        return Err("this registration task has already finished");
    }
    sim.registrations.tasks[position].status = Some(status);
    match task.route {
        Route::Beta | Route::VerifyBeta(_) => super::trial::finish(sim, position, status, now),
        Route::Legacy | Route::Enterprise { .. } | Route::Personal { .. } => finish(sim, position, status, now),
    }
}

/// The sets a newly registered mini program grants the platform (§3.2's registration note, §8): 帐号管理 (17),
/// 开发管理与数据分析 (18), 开放平台帐号管理 (25), 基本信息设置 (30) and 插件管理 (40). The reference names them; the
/// ids are read from §3.2's table by name [UNCONFIRMED: 17's current name is 获取小程序码, its older one 帐号管理].
pub const NEW_MINI_PROGRAM_SETS: &[u16] = &[17, 18, 25, 30, 40];

fn finish(sim: &mut Sim, position: usize, status: i64, now: i64) -> Result<Option<String>, &'static str> {
    let task = sim.registrations.tasks[position].clone();
    let personal = matches!(task.route, Route::Personal { .. });
    let mut fields = Vec::new();
    let mut created_appid = None;
    if status == 0 {
        let (principal, register_type) = if personal {
            ("个人".to_owned(), 16)
        } else {
            (task.info.name.clone(), 6)
        };
        let index = sim
            .merchants
            .register(Kind::Miniprogram, String::new(), principal, register_type);
        // §4.2: on success the new mini program is already authorized; the push carries the auth_code. It has no
        // name, avatar or introduction yet (§8.7 sets them), and only the sets §3.2 says registration grants.
        let granted = start_bare(sim, index, NEW_MINI_PROGRAM_SETS, now);
        sim.registrations.tasks[position].created = Some(index);
        fields.push(push::cdata("appid", &granted.appid));
        fields.push(push::number("status", 0));
        fields.push(push::cdata("auth_code", &granted.auth_code));
        fields.push(push::cdata("msg", "OK"));
        created_appid = Some(granted.appid);
    } else {
        fields.push(push::number("status", status));
        fields.push(push::cdata("msg", status_msg(status)));
    }
    fields.push(info_xml(&task, personal));
    sim.push(push::event(
        &sim.provider.component_appid,
        now,
        "notify_third_fasteregister",
        &fields,
    ));
    Ok(created_appid)
}

fn info_xml(task: &Task, personal: bool) -> String {
    let i = &task.info;
    let mut xml = String::from("<info>");
    if personal {
        // §4.2: the documented personal shape; the taskid is added so receivers can correlate ([UNCONFIRMED]).
        xml.push_str(&push::cdata("wxuser", &i.wxuser));
        xml.push_str(&push::cdata("idname", &i.idname));
    } else {
        xml.push_str(&push::cdata("name", &i.name));
        xml.push_str(&push::cdata("code", &i.code));
        xml.push_str(&push::number("code_type", i.code_type));
        xml.push_str(&push::cdata("legal_persona_wechat", &i.legal_persona_wechat));
        xml.push_str(&push::cdata("legal_persona_name", &i.legal_persona_name));
    }
    xml.push_str(&push::cdata("component_phone", &i.component_phone));
    if task.route != Route::Legacy {
        xml.push_str(&push::cdata("taskid", &task.taskid));
    }
    xml.push_str("</info>");
    xml
}

pub fn status_msg(status: i64) -> &'static str {
    match status {
        0 => "OK",
        -1 => "open verity failed",
        100_001..=100_003 => "legal person did not confirm within 24 hours",
        101..=105 | 1000 => "enterprise information check failed",
        1001..=1008 => "entity or administrator limit reached",
        _ => "failed",
    }
}

/// Tasks nobody resolved end when their time comes. A trial succeeds. An enterprise or personal task times out
/// after its 24 hours (§8): the legacy route pushes `100003` (its documented timeout status, §4.2); the new-version
/// routes push nothing and answer their query with the timeout status. [UNCONFIRMED] Whether the platform pushes
/// for a new-version timeout is not documented; pushing nothing is the harder case for a client, which must then
/// query or keep its own clock.
pub fn tick(sim: &mut Sim, now: i64) {
    super::trial::expire_trials(sim, now);
    let due: Vec<(String, Route)> = sim
        .registrations
        .tasks
        .iter()
        .filter(|t| t.pending() && now >= t.resolve_at)
        .map(|t| (t.taskid.clone(), t.route))
        .collect();
    for (taskid, route) in due {
        match route {
            Route::Beta | Route::VerifyBeta(_) => {
                let _ = resolve(sim, &taskid, 0, now);
            }
            Route::Legacy => {
                let _ = resolve(sim, &taskid, TIMED_OUT, now);
            }
            Route::Enterprise { .. } | Route::Personal { .. } => {
                if let Some(task) = sim.registrations.tasks.iter_mut().find(|t| t.taskid == taskid) {
                    task.status = Some(TIMED_OUT);
                }
            }
        }
    }
}

/// §4.2: "did not confirm within 24 h"; the query actions answer it as their timeout status (personal 1).
const TIMED_OUT: i64 = 100_003;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_must_match_their_type() {
        assert!(code_matches("91330106MA2GL1XX1X", 1));
        assert!(!code_matches("123", 1));
        assert!(code_matches("12345678-9", 2));
        assert!(code_matches("330106000123456", 3));
        assert!(!code_matches("330106000123456", 4));
    }
}
