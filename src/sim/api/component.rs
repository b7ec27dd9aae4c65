//! §1.1–§1.7: the ticket, the component token, pre-authorization, authorization codes, authorizer tokens,
//! authorizer details and the authorizer list.

use serde_json::{Value, json};

use super::super::authz::func_info;
use super::super::merchants::Kind;
use super::super::reply::{ApiError, Outcome, bare, check_component_appid, num_field, ok, opt_num, opt_str, str_field};
use super::super::routes::{BodyRule, Call, Endpoint, TokenRule, Verb, component};
use super::super::state::{Sim, TICKET_LIFETIME_SECS};
use super::super::tokens::{Owner, TOKEN_LIFETIME_SECS};

pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "/cgi-bin/component/api_start_push_ticket",
        verb: Verb::Post,
        token: TokenRule::None,
        sets: &[],
        body: BodyRule::Required,
        handler: api_start_push_ticket,
    },
    Endpoint {
        path: "/cgi-bin/component/api_component_token",
        verb: Verb::Post,
        token: TokenRule::None,
        sets: &[],
        body: BodyRule::Required,
        handler: api_component_token,
    },
    component("/cgi-bin/component/api_create_preauthcode", api_create_preauthcode),
    component("/cgi-bin/component/api_query_auth", api_query_auth),
    component("/cgi-bin/component/api_authorizer_token", api_authorizer_token),
    component("/cgi-bin/component/api_get_authorizer_info", api_get_authorizer_info),
    component("/cgi-bin/component/api_get_authorizer_list", api_get_authorizer_list),
];

/// Checks the appid (`41002` absent, `40013` wrong) and the secret under `secret_field` (`41004`, `40125`).
pub fn check_credentials(sim: &Sim, body: &Value, secret_field: &str) -> Result<(), ApiError> {
    let appid = opt_str(body, "component_appid").ok_or_else(|| ApiError::new(41002, "appid missing"))?;
    if appid != sim.provider.component_appid {
        return Err(ApiError::new(40013, "invalid appid"));
    }
    let secret = opt_str(body, secret_field).ok_or_else(|| ApiError::new(41004, "appsecret missing"))?;
    if secret != sim.provider.component_appsecret {
        return Err(ApiError::new(40125, "invalid appsecret"));
    }
    Ok(())
}

/// §1.1: schedules an immediate ticket push.
fn api_start_push_ticket(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    check_credentials(sim, call.body, "component_secret")?;
    sim.push_ticket(call.now);
    ok(json!({}))
}

/// §1.2, §11.1: appid, secret and a ticket pushed in the last 12 h.
fn api_component_token(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    check_credentials(sim, call.body, "component_appsecret")?;
    let ticket = opt_str(call.body, "component_verify_ticket")
        .ok_or_else(|| ApiError::new(61006, "component ticket is invalid"))?;
    let pushed_at = sim
        .tickets
        .iter()
        .find(|(known, _)| known == ticket)
        .map(|(_, at)| *at)
        .ok_or_else(|| ApiError::new(61006, "component ticket is invalid"))?;
    if call.now >= pushed_at + TICKET_LIFETIME_SECS {
        return Err(ApiError::new(61005, "component ticket is expired"));
    }
    let token = sim.tokens.issue(Owner::Component, call.now);
    bare(json!({"component_access_token": token, "expires_in": TOKEN_LIFETIME_SECS}))
}

/// §1.3: 600 s, single use.
fn api_create_preauthcode(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    check_component_appid(call.body, &sim.provider.component_appid)?;
    let code = sim.create_preauth(call.now);
    bare(json!({"pre_auth_code": code, "expires_in": super::super::authz::PRE_AUTH_LIFETIME_SECS}))
}

/// §1.4: uses the auth_code (`61009` unknown or used, `61010` expired) and issues the authorizer's tokens.
fn api_query_auth(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    check_component_appid(call.body, &sim.provider.component_appid)?;
    let code = str_field(call.body, "authorization_code")?;
    let auth_code = sim
        .auth_codes
        .get_mut(code)
        .ok_or_else(|| ApiError::new(61009, "code is invalid"))?;
    if auth_code.used {
        return Err(ApiError::new(61009, "code is invalid"));
    }
    if call.now >= auth_code.expires_at {
        return Err(ApiError::new(61010, "code is expired"));
    }
    auth_code.used = true;
    let index = auth_code.index;
    let authorization = sim
        .authorizations
        .get(&index)
        .filter(|a| !a.revoked)
        .ok_or_else(|| ApiError::new(61003, "component is not authorized by this account"))?;
    let (refresh_token, func_ids) = (authorization.refresh_token(), authorization.func_ids.clone());
    let token = sim.tokens.issue(Owner::Authorizer(index), call.now);
    bare(json!({"authorization_info": {
        "authorizer_appid": sim.merchants.appid(index),
        "authorizer_access_token": token,
        "expires_in": TOKEN_LIFETIME_SECS,
        "authorizer_refresh_token": refresh_token,
        "func_info": func_info(&func_ids),
    }}))
}

/// The authorized account named by `authorizer_appid`: `61003` when it is unknown or not (any longer) authorized.
pub fn authorized_index(sim: &Sim, body: &Value) -> Result<u32, ApiError> {
    let appid = str_field(body, "authorizer_appid")?;
    sim.merchants
        .index_of(appid)
        .filter(|index| sim.is_authorized(*index))
        .ok_or_else(|| ApiError::new(61003, "component is not authorized by this account"))
}

/// §1.5: `61023` for a refresh token that is not the current one.
fn api_authorizer_token(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    check_component_appid(call.body, &sim.provider.component_appid)?;
    let index = authorized_index(sim, call.body)?;
    let given = str_field(call.body, "authorizer_refresh_token")?;
    let refresh_token = sim
        .authorizations
        .get(&index)
        .map(|a| a.refresh_token())
        .unwrap_or_default();
    if given != refresh_token {
        return Err(ApiError::new(61023, "refresh_token is invalid"));
    }
    let token = sim.tokens.issue(Owner::Authorizer(index), call.now);
    bare(json!({
        "authorizer_access_token": token,
        "expires_in": TOKEN_LIFETIME_SECS,
        "authorizer_refresh_token": refresh_token,
    }))
}

/// §1.6: `authorizer_info` + `authorization_info` (no access token).
fn api_get_authorizer_info(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    check_component_appid(call.body, &sim.provider.component_appid)?;
    let index = authorized_index(sim, call.body)?;
    let Some(authorization) = sim.authorizations.get(&index).cloned() else {
        return Err(ApiError::new(61003, "component is not authorized by this account"));
    };
    let mut info = json!({
        "authorizer_info": authorizer_info(sim, index),
        "authorization_info": {
            "authorizer_appid": sim.merchants.appid(index),
            "authorizer_refresh_token": authorization.refresh_token(),
            "func_info": func_info(&authorization.func_ids),
        },
    });
    if let Some(auth) = info.get_mut("authorization_info").and_then(Value::as_object_mut) {
        auth.insert("auth_time".into(), json!(authorization.auth_time));
    }
    bare(info)
}

/// The introduction: the one set with `modifysignature`, else the seeded one; a registered mini program starts
/// without (§8.7).
pub fn signature(sim: &Sim, index: u32) -> String {
    let account = sim.accounts.get(&index);
    if let Some(signature) = account.and_then(|a| a.signature.clone()) {
        return signature;
    }
    if sim.merchants.is_registered(index) {
        return String::new();
    }
    let profile = sim.merchants.profile(index);
    let nick_name = account.and_then(|a| a.nick_name.clone()).unwrap_or(profile.nick_name);
    format!("{nick_name}，用心服务每一位顾客。")
}

/// The avatar's URL: the one set with `modifyheadimage`, else the seeded one; a registered mini program starts
/// without (§8.7).
pub fn head_img(sim: &Sim, index: u32) -> String {
    match sim.accounts.get(&index).and_then(|a| a.head_img.clone()) {
        Some(url) => url,
        None if sim.merchants.is_registered(index) => String::new(),
        None => format!("http://wx.qlogo.cn/mmopen/{}/0", &sim.merchants.appid(index)[2..]),
    }
}

/// The `authorizer_info` object of §1.6, with whatever the account changed since (name, intro, domains).
pub fn authorizer_info(sim: &Sim, index: u32) -> Value {
    let profile = sim.merchants.profile(index);
    let account = sim.accounts.get(&index);
    let nick_name = account.and_then(|a| a.nick_name.clone()).unwrap_or(profile.nick_name);
    let signature = signature(sim, index);
    let mut info = json!({
        "nick_name": nick_name,
        "head_img": head_img(sim, index),
        "service_type_info": {"id": profile.service_type},
        "verify_type_info": {"id": profile.verify_type},
        "user_name": profile.user_name,
        "alias": "",
        "qrcode_url": format!("http://mmbiz.qpic.cn/mmbiz_jpg/{}/0", &profile.appid[2..]),
        "business_info": {"open_pay": 0, "open_shake": 0, "open_scan": 0, "open_card": 0, "open_store": 0},
        "idc": 1,
        "principal_name": profile.principal_name,
        "signature": signature,
        "register_type": profile.register_type,
        "account_status": 1,
        "basic_config": {"is_phone_configured": true, "is_email_configured": true},
    });
    if profile.kind == Kind::Miniprogram
        && let Some(map) = info.as_object_mut()
    {
        let default_account = super::account::Account::default();
        let account = account.unwrap_or(&default_account);
        map.insert(
            "MiniProgramInfo".into(),
            json!({
                "network": account.domains.network_json(),
                "categories": account.category_names(),
                "visit_status": 0,
            }),
        );
    }
    info
}

/// §1.7: `count` at most 500 (`40170`); items use `refresh_token`, not `authorizer_refresh_token`.
fn api_get_authorizer_list(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    check_component_appid(call.body, &sim.provider.component_appid)?;
    let offset = usize::try_from(num_field(call.body, "offset")?.max(0)).unwrap_or(0);
    let count = opt_num(call.body, "count").unwrap_or(0);
    if count > 500 {
        return Err(ApiError::new(40170, "args count exceed count limit"));
    }
    let count = if count <= 0 { 10 } else { count as usize };
    let mut authorized: Vec<(i64, u32)> = sim
        .authorizations
        .iter()
        .filter(|(_, a)| !a.revoked)
        .map(|(index, a)| (a.auth_time, *index))
        .collect();
    authorized.sort_unstable();
    let list: Vec<Value> = authorized
        .iter()
        .skip(offset)
        .take(count)
        .filter_map(|(_, index)| {
            let authorization = sim.authorizations.get(index)?;
            Some(json!({
                "authorizer_appid": sim.merchants.appid(*index),
                "refresh_token": authorization.refresh_token(),
                "auth_time": authorization.auth_time,
            }))
        })
        .collect();
    bare(json!({"total_count": authorized.len(), "list": list}))
}
