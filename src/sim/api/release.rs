//! §6.9–§6.14: release, rollback, gray release, visit status, speed-up and quota, privacy info, version info,
//! base-library version.

use serde_json::{Value, json};

use super::super::reply::{ApiError, Outcome, num_field, ok, opt_bool, str_field};
use super::super::routes::{Call, Endpoint, Verb, authorizer};
use super::super::state::Sim;
use super::code::{AUDIT_SECS, GrayPlan, Release};

/// §6.10: the rollback candidates list holds the five most recent releases.
const HISTORY_KEPT: usize = 5;

pub const ENDPOINTS: &[Endpoint] = &[
    authorizer("/wxa/release", Verb::Post, &[18], release),
    authorizer("/wxa/revertcoderelease", Verb::Get, &[18], revertcoderelease),
    authorizer("/wxa/grayrelease", Verb::Post, &[18], grayrelease),
    authorizer("/wxa/getgrayreleaseplan", Verb::Get, &[18], getgrayreleaseplan),
    authorizer("/wxa/revertgrayrelease", Verb::Get, &[18], revertgrayrelease),
    authorizer("/wxa/change_visitstatus", Verb::Post, &[18], change_visitstatus),
    authorizer("/wxa/getvisitstatus", Verb::Post, &[18], getvisitstatus),
    authorizer("/wxa/speedupaudit", Verb::Post, &[18], speedupaudit),
    authorizer("/wxa/queryquota", Verb::Get, &[18], queryquota),
    authorizer(
        "/wxa/security/get_code_privacy_info",
        Verb::Get,
        &[18],
        get_code_privacy_info,
    ),
    authorizer("/wxa/getversioninfo", Verb::Post, &[18], getversioninfo),
    authorizer(
        "/cgi-bin/wxopen/getweappsupportversion",
        Verb::Post,
        &[18],
        getweappsupportversion,
    ),
    authorizer(
        "/cgi-bin/wxopen/setweappsupportversion",
        Verb::Post,
        &[18],
        setweappsupportversion,
    ),
];

/// §6.9: the newest audit must be approved (`85019` none, `85020` not approved) and not yet released (`85052`).
fn release(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let code = &mut sim.account(call.authorizer()).code;
    let audit = code
        .audits
        .last_mut()
        .ok_or_else(|| ApiError::new(85019, "no audited version"))?;
    if audit.status != 0 {
        return Err(ApiError::new(85020, "status not allowed"));
    }
    if audit.released {
        return Err(ApiError::new(85052, "app is already released"));
    }
    audit.released = true;
    let (user_version, user_desc) = (audit.user_version.clone(), audit.user_desc.clone());
    let keys = audit.privacy_keys.clone();
    // §6.16: a development guide takes effect with the release of the version audited with it.
    code.privacy.release(&keys);
    code.next_app_version += 1;
    let release = Release {
        app_version: code.next_app_version,
        user_version,
        user_desc,
        time: call.now,
    };
    code.history.push(release.clone());
    if code.history.len() > HISTORY_KEPT {
        code.history.remove(0);
    }
    code.online = Some(release);
    code.reverted = false;
    if let Some(plan) = code.gray.as_mut().filter(|p| p.status == 1) {
        plan.status = 3;
    }
    ok(json!({}))
}

/// §6.10: one step back only (`87012`), never during a gray release (`87011`).
fn revertcoderelease(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let code = &mut sim.account(call.authorizer()).code;
    if call.query.get("action") == Some("get_history_version") {
        let list: Vec<Value> = code
            .history
            .iter()
            .rev()
            .map(|r| {
                json!({"app_version": r.app_version, "user_version": r.user_version, "user_desc": r.user_desc,
                    "commit_time": r.time})
            })
            .collect();
        return ok(json!({"version_list": list}));
    }
    if code.gray.as_ref().is_some_and(|p| p.status == 1) {
        return Err(ApiError::new(87011, "gray release in progress, can not revert"));
    }
    let online = code
        .online
        .clone()
        .ok_or_else(|| ApiError::new(87012, "can not revert this version"))?;
    let wanted = match call.query.get("app_version") {
        Some(text) => Some(
            text.parse::<i64>()
                .map_err(|_| ApiError::new(40097, "invalid args hint: [app_version]"))?,
        ),
        None => None,
    };
    let target = code
        .history
        .iter()
        .rev()
        .find(|r| r.app_version != online.app_version && wanted.is_none_or(|w| w == r.app_version))
        .cloned();
    let target = target
        .filter(|_| !code.reverted)
        .ok_or_else(|| ApiError::new(87012, "can not revert this version"))?;
    code.online = Some(target);
    code.reverted = true;
    ok(json!({}))
}

/// §6.11: needs an online version (`85079`) and an approved, unreleased audit (`85080`); 1–100 (`85081`),
/// rising (`85082`); 0 only with one of the `support_*_first` flags.
fn grayrelease(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let percentage = num_field(call.body, "gray_percentage")?;
    let debuger_first = opt_bool(call.body, "support_debuger_first").unwrap_or(false);
    let experiencer_first = opt_bool(call.body, "support_experiencer_first").unwrap_or(false);
    if !(0..=100).contains(&percentage) || (percentage == 0 && !debuger_first && !experiencer_first) {
        return Err(ApiError::new(85081, "invalid gray percentage"));
    }
    let code = &mut sim.account(call.authorizer()).code;
    if code.online.is_none() {
        return Err(ApiError::new(85079, "miniprogram has no online release"));
    }
    if !code.latest().is_some_and(|a| a.status == 0 && !a.released) {
        return Err(ApiError::new(85080, "miniprogram commit not approved"));
    }
    match code.gray.as_mut().filter(|p| p.status == 1) {
        Some(plan) if percentage <= plan.percentage => Err(ApiError::new(
            85082,
            "present gray_percentage invalid: must exceed the current one",
        )),
        Some(plan) => {
            plan.percentage = percentage;
            ok(json!({}))
        }
        None => {
            code.gray = Some(GrayPlan {
                status: 1,
                percentage,
                created_at: call.now,
                debuger_first,
                experiencer_first,
            });
            ok(json!({}))
        }
    }
}

fn getgrayreleaseplan(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let code = &sim.account(call.authorizer()).code;
    let plan = code.gray.as_ref().map_or_else(
        || {
            json!({"status": 0, "create_timestamp": 0, "gray_percentage": 0, "support_experiencer_first": false,
            "support_debuger_first": false})
        },
        |p| {
            json!({"status": p.status, "create_timestamp": p.created_at, "gray_percentage": p.percentage,
                "support_experiencer_first": p.experiencer_first, "support_debuger_first": p.debuger_first})
        },
    );
    ok(json!({"gray_release_plan": plan}))
}

fn revertgrayrelease(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let code = &mut sim.account(call.authorizer()).code;
    match code.gray.as_mut().filter(|p| p.status == 1 || p.status == 2) {
        Some(plan) => {
            plan.status = 4;
            ok(json!({}))
        }
        None => Err(ApiError::new(85079, "no gray release to revert")),
    }
}

/// §6.12: `open` or `close` (`85022`), only for a released mini program (`85021`).
fn change_visitstatus(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let action = str_field(call.body, "action")?;
    let closed = match action {
        "close" => true,
        "open" => false,
        _ => return Err(ApiError::new(85022, "invalid action")),
    };
    let code = &mut sim.account(call.authorizer()).code;
    if code.online.is_none() || code.visit_closed == closed {
        return Err(ApiError::new(85021, "status not allowed"));
    }
    code.visit_closed = closed;
    ok(json!({}))
}

fn getvisitstatus(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let closed = sim.account(call.authorizer()).code.visit_closed;
    ok(json!({"status": if closed { 0 } else { 1 }}))
}

/// §6.13: only the running audit (`89402`), once (`89404`), within the monthly quota (`89405`).
fn speedupaudit(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let auditid = num_field(call.body, "auditid")?;
    let speedups_left = sim.quota.speedup_rest;
    let code = &mut sim.account(call.authorizer()).code;
    let audit = code
        .audits
        .last_mut()
        .filter(|a| a.auditid == auditid && (a.status == 2 || a.status == 4))
        .ok_or_else(|| ApiError::new(89402, "not in the audit queue"))?;
    if audit.sped_up {
        return Err(ApiError::new(89404, "already sped up"));
    }
    if speedups_left <= 0 {
        return Err(ApiError::new(89405, "speed up quota exhausted this month"));
    }
    audit.sped_up = true;
    audit.resolve_at = audit.resolve_at.min(call.now + AUDIT_SECS / 4);
    sim.quota.speedup_rest -= 1;
    ok(json!({}))
}

fn queryquota(sim: &mut Sim, _call: &Call<'_>) -> Outcome {
    let q = &sim.quota;
    ok(json!({"rest": q.rest, "limit": q.limit, "speedup_rest": q.speedup_rest, "speedup_limit": q.speedup_limit}))
}

/// §6.14: `61039` while the scan after commit is running; `86001` without a commit.
fn get_code_privacy_info(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let commit = sim.account(call.authorizer()).code.commit.clone();
    let commit = commit.ok_or_else(|| ApiError::new(86001, "no committed code"))?;
    if call.now < commit.scan_done_at {
        return Err(ApiError::new(
            61039,
            "privacy api check is not finished, please retry after 1 minute",
        ));
    }
    ok(json!({"without_auth_list": [], "without_conf_list": []}))
}

fn getversioninfo(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let code = &sim.account(call.authorizer()).code;
    let mut answer = serde_json::Map::new();
    if let Some(commit) = &code.commit {
        answer.insert(
            "exp_info".into(),
            json!({"exp_time": commit.at, "exp_version": commit.user_version, "exp_desc": commit.user_desc}),
        );
    }
    if let Some(online) = &code.online {
        answer.insert(
            "release_info".into(),
            json!({"release_time": online.time, "release_version": online.user_version,
                "release_desc": online.user_desc}),
        );
    }
    ok(Value::Object(answer))
}

fn getweappsupportversion(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let version = sim.account(call.authorizer()).support_version.clone();
    ok(json!({"now_version": version, "uv_info": {"items": [
        {"version": "3.3.4", "percentage": 62}, {"version": "3.2.5", "percentage": 31},
        {"version": "2.30.0", "percentage": 7}]}}))
}

/// §6.14: a version `x.y.z` (`89014` otherwise).
fn setweappsupportversion(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let version = str_field(call.body, "version")?;
    let parts: Vec<&str> = version.split('.').collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || p.parse::<u32>().is_err()) {
        return Err(ApiError::new(89014, "support version error"));
    }
    sim.account(call.authorizer()).support_version = version.to_owned();
    ok(json!({}))
}
