//! The page of §8.6 step 1 (`/cgi-bin/fastregisterauth`): an official account's administrator confirms that a
//! mini program may be registered with the account's qualification, and is redirected with `ticket=…`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::Shared;
use super::merchants::Kind;
use super::pages::{error_page, escape, page};
use super::state::Sim;

fn field(fields: &[(String, String)], name: &str) -> String {
    fields
        .iter()
        .rev()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.clone())
        .unwrap_or_default()
}

/// The official account named by `appid`, if the link is good: right component, an authorized official
/// account, a redirect_uri (`61060` otherwise on the platform).
fn check(sim: &Sim, fields: &[(String, String)]) -> Result<u32, &'static str> {
    if field(fields, "component_appid") != sim.provider.component_appid {
        return Err("第三方平台 component_appid 无效。");
    }
    if field(fields, "redirect_uri").is_empty() {
        return Err("回调地址 redirect_uri 无效。");
    }
    let index = sim
        .merchants
        .index_of(&field(fields, "appid"))
        .ok_or("公众号 appid 无效。")?;
    if sim.merchants.kind(index) != Kind::OfficialAccount || !sim.is_authorized(index) {
        return Err("该公众号未授权给此第三方平台。");
    }
    Ok(index)
}

pub async fn show(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect();
    let sim = shared.sim();
    let index = match check(&sim, &fields) {
        Ok(index) => index,
        Err(message) => return error_page(message),
    };
    let profile = sim.merchants.profile(index);
    drop(sim);
    let hidden: String = ["appid", "component_appid", "copy_wx_verify", "redirect_uri"]
        .iter()
        .map(|name| {
            format!(
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                escape(&field(&fields, name))
            )
        })
        .collect();
    let reuse_verify = if field(&fields, "copy_wx_verify") == "1" {
        "，并复用公众号的微信认证"
    } else {
        ""
    };
    let body = format!(
        "<header><h1>复用公众号资质快速注册小程序</h1></header><main><section><h2>公众号</h2>\
         <div class=\"name\">{name}</div><div class=\"meta\">{principal} · {appid}</div></section>\
         <section><p>第三方平台 {component} 将以该公众号的主体资质为你注册一个小程序{reuse_verify}。</p></section>\
         <form method=\"post\">{hidden}<button class=\"confirm\" type=\"submit\">确认注册</button></form></main>",
        name = escape(&profile.nick_name),
        principal = escape(&profile.principal_name),
        appid = escape(&profile.appid),
        component = escape(&shared.ready.component_appid),
    );
    Html(page("快速注册小程序", &body)).into_response()
}

pub async fn confirm(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let now = shared.clock.now();
    let mut sim = shared.sim();
    let index = match check(&sim, &fields) {
        Ok(index) => index,
        Err(message) => return error_page(message),
    };
    let ticket = sim.issue_oa_ticket(index, now);
    drop(sim);
    let redirect_uri = field(&fields, "redirect_uri");
    let separator = if redirect_uri.contains('?') { '&' } else { '?' };
    (
        StatusCode::FOUND,
        [(header::LOCATION, format!("{redirect_uri}{separator}ticket={ticket}"))],
    )
        .into_response()
}
