//! §1.8 authorizer options (both variants) and §1.9 quota, rid and housekeeping endpoints.

use serde_json::{Value, json};

use super::super::journal::seq_of_rid;
use super::super::reply::{ApiError, Outcome, bare, check_component_appid, ok, opt_str, str_field};
use super::super::routes::{BodyRule, Call, Caller, Endpoint, TokenRule, Verb, component};
use super::super::state::Sim;
use super::component::{authorized_index, check_credentials};

/// §1.9: resets per month, shared by every clear_quota variant.
const QUOTA_RESETS_PER_MONTH: u32 = 10;
/// The daily limit `openapi/quota/get` reports for any path (the platform's real numbers vary per API).
const DAILY_LIMIT: u64 = 100_000;

const fn either(path: &'static str, handler: super::super::routes::Handler) -> Endpoint {
    Endpoint {
        path,
        verb: Verb::Post,
        token: TokenRule::Either,
        sets: &[],
        body: BodyRule::Required,
        handler,
    }
}

pub const ENDPOINTS: &[Endpoint] = &[
    component(
        "/cgi-bin/component/api_get_authorizer_option",
        api_get_authorizer_option,
    ),
    component(
        "/cgi-bin/component/api_set_authorizer_option",
        api_set_authorizer_option,
    ),
    either("/cgi-bin/component/get_authorizer_option", get_authorizer_option),
    either("/cgi-bin/component/set_authorizer_option", set_authorizer_option),
    component("/cgi-bin/component/clear_quota", component_clear_quota),
    Endpoint {
        path: "/cgi-bin/component/clear_quota/v2",
        verb: Verb::Post,
        token: TokenRule::None,
        sets: &[],
        body: BodyRule::Required,
        handler: clear_quota_v2,
    },
    either("/cgi-bin/clear_quota", clear_quota),
    either("/cgi-bin/openapi/quota/get", quota_get),
    either("/cgi-bin/openapi/rid/get", rid_get),
];

/// §1.8: the three options every variant knows, and the values each takes.
fn option_slot(name: &str) -> Result<(usize, &'static [&'static str]), ApiError> {
    match name {
        "location_report" => Ok((0, &["0", "1", "2"])),
        "voice_recognize" => Ok((1, &["0", "1"])),
        "customer_service" => Ok((2, &["0", "1"])),
        _ => Err(ApiError::new(61012, "invalid option name")),
    }
}

fn read_option(sim: &Sim, index: u32, name: &str) -> Result<String, ApiError> {
    let (slot, _) = option_slot(name)?;
    let options = sim
        .accounts
        .get(&index)
        .map_or(super::account::DEFAULT_OPTIONS, |a| a.options);
    Ok(options[slot].to_string())
}

fn write_option(sim: &mut Sim, index: u32, body: &Value) -> Result<(), ApiError> {
    let name = str_field(body, "option_name")?;
    let (slot, values) = option_slot(name)?;
    let value = match body.get("option_value") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(ApiError::new(61013, "invalid option value")),
    };
    if !values.contains(&value.as_str()) {
        return Err(ApiError::new(61013, "invalid option value"));
    }
    sim.account(index).options[slot] = value.parse().unwrap_or(0);
    Ok(())
}

fn api_get_authorizer_option(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    check_component_appid(call.body, &sim.provider.component_appid)?;
    let index = authorized_index(sim, call.body)?;
    let name = str_field(call.body, "option_name")?;
    let value = read_option(sim, index, name)?;
    bare(json!({"authorizer_appid": sim.merchants.appid(index), "option_name": name, "option_value": value}))
}

fn api_set_authorizer_option(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    check_component_appid(call.body, &sim.provider.component_appid)?;
    let index = authorized_index(sim, call.body)?;
    write_option(sim, index, call.body)?;
    ok(json!({}))
}

/// Variant B (§1.8): an authorizer token names the account; a component token needs `authorizer_appid`.
fn variant_b_account(sim: &Sim, call: &Call<'_>) -> Result<u32, ApiError> {
    match call.caller {
        Caller::Authorizer(index) if sim.is_authorized(index) => Ok(index),
        Caller::Authorizer(_) => Err(ApiError::new(61003, "component is not authorized by this account")),
        Caller::Component | Caller::Anonymous => authorized_index(sim, call.body),
    }
}

fn get_authorizer_option(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let index = variant_b_account(sim, call)?;
    let name = str_field(call.body, "option_name")?;
    let value = read_option(sim, index, name)?;
    ok(json!({"option_name": name, "option_value": value}))
}

fn set_authorizer_option(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let index = variant_b_account(sim, call)?;
    write_option(sim, index, call.body)?;
    ok(json!({}))
}

fn use_reset(sim: &mut Sim) -> Result<(), ApiError> {
    if sim.quota_resets >= QUOTA_RESETS_PER_MONTH {
        return Err(ApiError::new(
            48006,
            "forbid to clear quota because of reaching the limit",
        ));
    }
    sim.quota_resets += 1;
    sim.journal.used.clear();
    Ok(())
}

fn component_clear_quota(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    check_component_appid(call.body, &sim.provider.component_appid)?;
    use_reset(sim)?;
    ok(json!({}))
}

/// §1.9: no token; `appsecret` instead of `component_appsecret`; an optional authorized `appid`.
fn clear_quota_v2(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    check_credentials(sim, call.body, "appsecret")?;
    if let Some(appid) = opt_str(call.body, "appid")
        && !sim
            .merchants
            .index_of(appid)
            .is_some_and(|index| sim.is_authorized(index))
    {
        return Err(ApiError::new(40013, "invalid appid"));
    }
    use_reset(sim)?;
    ok(json!({}))
}

fn clear_quota(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let appid = str_field(call.body, "appid")?;
    let matches = match call.caller {
        Caller::Authorizer(index) => sim.merchants.appid(index) == appid,
        Caller::Component | Caller::Anonymous => appid == sim.provider.component_appid,
    };
    if !matches {
        return Err(ApiError::new(40013, "invalid appid"));
    }
    use_reset(sim)?;
    ok(json!({}))
}

/// §1.9 `openapi/quota/get`: `cgi_path` starts with `/` (`76003`), `/sns/*` unsupported (`76022`).
fn quota_get(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let path = str_field(call.body, "cgi_path")?;
    if !path.starts_with('/') {
        return Err(ApiError::new(76003, "cgi_path is invalid"));
    }
    if path.starts_with("/sns/") {
        return Err(ApiError::new(76022, "sns api is not supported"));
    }
    let used = sim.journal.used.get(path).copied().unwrap_or(0);
    ok(json!({
        "quota": {"daily_limit": DAILY_LIMIT, "used": used, "remain": DAILY_LIMIT.saturating_sub(used)},
        "rate_limit": {"call_count": 5000, "refresh_second": 60},
        "component_rate_limit": {"call_count": 5000, "refresh_second": 60},
    }))
}

/// §1.9 `getrid`: the request behind a failed call's rid (`76001` unknown, `76002` malformed).
fn rid_get(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let rid = opt_str(call.body, "rid").ok_or_else(|| ApiError::new(76002, "rid is invalid"))?;
    let seq = seq_of_rid(rid).ok_or_else(|| ApiError::new(76002, "rid is invalid"))?;
    let record = sim
        .journal
        .call(seq)
        .ok_or_else(|| ApiError::new(76001, "rid not found"))?;
    // §1.9: only the account that made the call may look it up.
    let same_account = match call.caller {
        Caller::Authorizer(index) => record.authorizer_appid.as_deref() == Some(&sim.merchants.appid(index)),
        Caller::Component | Caller::Anonymous => record.authorizer_appid.is_none(),
    };
    if !same_account {
        return Err(ApiError::new(76003, "no permission to get this rid"));
    }
    let body = record.error_body.as_deref().unwrap_or_default();
    bare(json!({"errcode": 0, "errmsg": "ok", "request": {
        "invoke_time": record.at,
        "cost_in_ms": 1,
        "request_url": format!("{}?access_token=***", record.path),
        "request_body": "",
        "response_body": body,
        "client_ip": call.peer.to_string(),
    }}))
}
