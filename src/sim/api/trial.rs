//! §8.5 trial mini programs (create, convert, rename) and §8.6 registration that reuses an official account's
//! qualification.

use serde_json::json;

use super::super::authz::AUTH_CODE_LIFETIME_SECS;
use super::super::merchants::Kind;
use super::super::push;
use super::super::reply::{ApiError, Outcome, missing, ok, opt_bool, opt_num, opt_str, str_field};
use super::super::routes::{Call, Endpoint, Verb, authorizer, component};
use super::super::state::Sim;
use super::register::{Info, Route, plausible_wechat, status_msg};

/// §8.5: trial mini programs per WeChat user.
const TRIALS_PER_USER: u32 = 5;
/// §8.5: a trial is valid 14 days unless converted.
pub const TRIAL_LIFETIME_SECS: i64 = 14 * 24 * 3600;
/// The sets a trial grants: those of any registered mini program, and 试用小程序快速认证 (81), which only a trial has
/// (§3.2, §8.9) [UNCONFIRMED: the reference lists no trial-specific grant].
const TRIAL_SETS: &[u16] = &[17, 18, 25, 30, 40, 81];

/// §8.5: a trial not converted within 14 days ends. What the platform does then is [UNCONFIRMED]; the simulator takes
/// the reading a client must survive: the account goes away, as an `unauthorized` push says.
pub fn expire_trials(sim: &mut Sim, now: i64) {
    let due: Vec<u32> = sim
        .registrations
        .trials
        .iter()
        .filter(|(_, created)| now >= **created + TRIAL_LIFETIME_SECS)
        .map(|(index, _)| *index)
        .collect();
    for index in due {
        sim.registrations.trials.remove(&index);
        if is_trial(sim, index) {
            sim.unauthorize(now, index);
        }
    }
}

/// §8.6: five successful reuse-OA registrations per official account a month.
const OA_REGISTRATIONS_PER_MONTH: u32 = 5;
/// §8.5: `verifybetaweapp` needs the trial mini program's own token and set 81.
pub const ENDPOINTS: &[Endpoint] = &[
    component("/wxa/component/fastregisterbetaweapp", fastregisterbetaweapp),
    authorizer("/wxa/verifybetaweapp", Verb::Post, &[81, 18], verifybetaweapp),
    authorizer("/wxa/setbetaweappnickname", Verb::Post, &[81, 30], setbetaweappnickname),
    authorizer("/cgi-bin/account/fastregister", Verb::Post, &[27], fastregister),
];

/// §8.5: a name of 4–30 characters and the future administrator's openid.
fn fastregisterbetaweapp(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let name = str_field(call.body, "name")?;
    let openid = str_field(call.body, "openid")?;
    if !(4..=30).contains(&name.chars().count()) {
        return Err(ApiError::new(53010, "name format invalid"));
    }
    // §8.5: at most 5 trials per WeChat user. The errcode is [UNCONFIRMED]; the trial quota is shared with personal
    // registration, so this answers personal registration's per-user limit.
    let asked = sim.registrations.trials_by_openid.entry(openid.to_owned()).or_default();
    if *asked >= TRIALS_PER_USER {
        return Err(ApiError::new(
            91030,
            "the user has reached the trial mini program limit",
        ));
    }
    *asked += 1;
    let info = Info {
        name: name.to_owned(),
        ..Info::default()
    };
    let task = sim.registrations.add(call.now, Route::Beta, info);
    ok(json!({"unique_id": task.taskid, "authorize_url": task.authorize_url}))
}

fn is_trial(sim: &Sim, index: u32) -> bool {
    sim.merchants.profile(index).service_type == 12
}

/// §8.5: only a trial mini program (`89xxx` otherwise); serial while a conversion waits (`89251`).
fn verifybetaweapp(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let index = call.authorizer();
    if !is_trial(sim, index) {
        return Err(ApiError::new(89248, "not a trial miniprogram"));
    }
    let verify = call.body.get("verify_info").ok_or_else(|| missing("verify_info"))?;
    let new_version =
        opt_bool(call.body, "new_version").unwrap_or(false) || opt_bool(verify, "new_version").unwrap_or(false);
    let name = str_field(verify, "enterprise_name")?.to_owned();
    let code = str_field(verify, "code")?.to_owned();
    let component_phone = opt_str(verify, "component_phone").unwrap_or_default().to_owned();
    let info = if new_version {
        if code.len() != 18 {
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
        let code_type = opt_num(verify, "code_type").ok_or_else(|| missing("code_type"))?;
        let legal_persona_wechat = str_field(verify, "legal_persona_wechat")?.to_owned();
        let legal_persona_name = str_field(verify, "legal_persona_name")?.to_owned();
        if !plausible_wechat(&legal_persona_wechat) {
            return Err(ApiError::new(86004, "invalid wechat"));
        }
        Info {
            name,
            code,
            code_type,
            legal_persona_wechat,
            legal_persona_name,
            component_phone,
            ..Info::default()
        }
    };
    let waiting = sim
        .registrations
        .tasks
        .iter()
        .any(|t| t.route == Route::VerifyBeta(index) && t.status.is_none());
    if waiting {
        return Err(ApiError::new(89251, "waiting for legal person to verify"));
    }
    let task = sim.registrations.add(call.now, Route::VerifyBeta(index), info);
    // §8 (2026 notice): a new-version route answers the link the legal person completes.
    match new_version {
        true => ok(json!({"taskid": task.taskid, "authorize_url": task.authorize_url})),
        false => ok(json!({})),
    }
}

fn setbetaweappnickname(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let name = str_field(call.body, "name")?;
    if !(4..=30).contains(&name.chars().count()) {
        return Err(ApiError::new(53010, "name format invalid"));
    }
    sim.account(call.authorizer()).nick_name = Some(name.to_owned());
    ok(json!({}))
}

/// §8.6 step 2: the scan ticket (single use, `61058`) of a verified official account (`61052`), five a month
/// (`61055`); synchronous: the new mini program's appid and an authorization code.
fn fastregister(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let ticket = str_field(call.body, "ticket")?;
    let oa = call.authorizer();
    match sim.registrations.oa_tickets.get_mut(ticket) {
        Some((owner, expires_at, used)) if *owner == oa && !*used && call.now < *expires_at => *used = true,
        _ => return Err(ApiError::new(61058, "ticket is invalid")),
    }
    let profile = sim.merchants.profile(oa);
    if profile.kind != Kind::OfficialAccount {
        return Err(ApiError::new(61051, "official account type not allowed"));
    }
    if profile.verify_type != 0 {
        return Err(ApiError::new(61052, "official account not verified"));
    }
    let count = sim.registrations.oa_registrations.entry(oa).or_default();
    if *count >= OA_REGISTRATIONS_PER_MONTH {
        return Err(ApiError::new(
            61055,
            "monthly registration quota of this official account exceeded",
        ));
    }
    *count += 1;
    let name = format!("{}小程序", profile.nick_name);
    let index = sim
        .merchants
        .register(Kind::Miniprogram, name, profile.principal_name, 2);
    let granted = super::register::start_bare(sim, index, super::register::NEW_MINI_PROGRAM_SETS, call.now);
    ok(
        json!({"appid": granted.appid, "authorization_code": granted.auth_code, "is_wx_verify_succ": true,
        "is_link_succ": true}),
    )
}

impl Sim {
    /// What the official account administrator's confirm on `fastregisterauth` yields (§8.6 step 1).
    pub fn issue_oa_ticket(&mut self, index: u32, now: i64) -> String {
        let ticket = super::super::tokens::random_token("", 32);
        self.registrations
            .oa_tickets
            .insert(ticket.clone(), (index, now + 600, false));
        ticket
    }
}

/// Ends a trial creation (push `notify_third_fastregisterbetaapp` and `authorized`) or a conversion
/// (push `notify_third_fastverifybetaapp`).
pub fn finish(sim: &mut Sim, position: usize, status: i64, now: i64) -> Result<Option<String>, &'static str> {
    let task = sim.registrations.tasks[position].clone();
    let component_appid = sim.provider.component_appid.clone();
    match task.route {
        Route::VerifyBeta(index) => {
            if status == 0 {
                sim.merchants.make_formal(index);
            }
            let i = &task.info;
            let info = format!(
                "<info>{}{}{}{}{}{}</info>",
                push::cdata("name", &i.name),
                push::cdata("code", &i.code),
                push::number("code_type", i.code_type),
                push::cdata("legal_persona_wechat", &i.legal_persona_wechat),
                push::cdata("legal_persona_name", &i.legal_persona_name),
                push::cdata("component_phone", &i.component_phone),
            );
            let appid = sim.merchants.appid(index);
            let fields = [
                push::cdata("appid", &appid),
                push::number("status", status),
                push::cdata("msg", status_msg(status)),
                info,
            ];
            sim.push(push::event(
                &component_appid,
                now,
                "notify_third_fastverifybetaapp",
                &fields,
            ));
            Ok(Some(appid))
        }
        _ => {
            let info = format!(
                "<info>{}{}</info>",
                push::cdata("unique_id", &task.taskid),
                push::cdata("name", &task.info.name)
            );
            if status != 0 {
                let fields = [
                    push::number("status", status),
                    push::cdata("msg", status_msg(status)),
                    info,
                ];
                sim.push(push::event(
                    &component_appid,
                    now,
                    "notify_third_fastregisterbetaapp",
                    &fields,
                ));
                return Ok(None);
            }
            let name = format!("{}的体验小程序", task.info.name);
            let index = sim.merchants.register(Kind::Miniprogram, name, "个人".into(), 13);
            sim.registrations.tasks[position].created = Some(index);
            sim.registrations.trials.insert(index, now);
            let granted = super::register::start_bare(sim, index, TRIAL_SETS, now);
            let fields = [
                push::cdata("appid", &granted.appid),
                push::number("status", 0),
                push::cdata("msg", "OK"),
                info,
            ];
            sim.push(push::event(
                &component_appid,
                now,
                "notify_third_fastregisterbetaapp",
                &fields,
            ));
            // §8.5: the same authorization also produces an `authorized` push.
            let fields = [
                push::cdata("AuthorizerAppid", &granted.appid),
                push::cdata("AuthorizationCode", &granted.auth_code),
                push::number("AuthorizationCodeExpiredTime", now + AUTH_CODE_LIFETIME_SECS),
                push::cdata("PreAuthCode", ""),
            ];
            sim.push(push::event(&component_appid, now, "authorized", &fields));
            Ok(Some(granted.appid))
        }
    }
}
