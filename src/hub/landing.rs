//! `GET /wechat/authorized`: where the merchant's browser lands after authorizing (wechat-api.md §2.4).
//!
//! Exchanges the code (shared with the `authorized` push, see `authorize`) and answers a small mobile page in
//! Chinese: the account's name and the permission sets granted, or what went wrong and what to do.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::Hub;
use super::authorize::{Exchanged, exchange};

#[derive(Debug, Deserialize)]
pub struct Redirect {
    auth_code: Option<String>,
    #[allow(dead_code)]
    expires_in: Option<i64>,
}

/// The `redirect_uri` of authorization (§2.4): exchanges `auth_code` and shows the merchant a small page.
#[utoipa::path(get, path = "/wechat/authorized", tag = "wechat",
    params(("auth_code" = String, Query), ("expires_in" = Option<i64>, Query)),
    responses((status = 200, description = "The success page", content_type = "text/html"),
        (status = 400, description = "No auth_code", content_type = "text/html"),
        (status = 502, description = "The exchange failed", content_type = "text/html")))]
pub async fn authorized(State(hub): State<Arc<Hub>>, Query(redirect): Query<Redirect>) -> Response {
    let Some(code) = redirect.auth_code.filter(|c| !c.is_empty()) else {
        let body = failure_page(None, "链接中缺少授权码（auth_code）。请重新扫码授权。");
        return (StatusCode::BAD_REQUEST, Html(body)).into_response();
    };
    match exchange(&hub, &code).await {
        Exchanged::Ok { authorizer, renewed } => {
            let name = authorizer.nick_name.as_deref().unwrap_or(&authorizer.authorizer_appid);
            Html(success_page(name, &authorizer.func_ids, renewed)).into_response()
        }
        Exchanged::Failed { errcode, message } => {
            tracing::warn!(?errcode, %message, "authorization landing failed");
            let known = errcode
                .and_then(crate::wechat::explain)
                .map(|info| format!("{}。{}", info.zh, info.action_zh));
            let body = failure_page(errcode, known.as_deref().unwrap_or(explain(errcode)));
            (StatusCode::BAD_GATEWAY, Html(body)).into_response()
        }
    }
}

/// What the merchant reads when the wire layer's errcode table has nothing better (§1.4, §9.2).
fn explain(errcode: Option<i64>) -> &'static str {
    match errcode {
        Some(61009) => "授权码无效。请回到服务商处重新扫码授权。",
        Some(61010) => "授权码已过期。请回到服务商处重新扫码授权。",
        Some(61004) => "服务商服务器的 IP 不在第三方平台白名单中。请联系服务商处理。",
        Some(61003) => "该账号未授权给此第三方平台。请重新授权。",
        Some(-1) => "微信系统繁忙。请稍后刷新本页重试。",
        Some(_) => "微信返回了错误。请联系服务商处理。",
        None => "服务商暂时无法完成授权（网络或配置问题）。请联系服务商处理。",
    }
}

fn success_page(name: &str, func_ids: &[i64], renewed: bool) -> String {
    let what = if renewed {
        "已更新授权"
    } else {
        "已授权给服务商"
    };
    let sets = if func_ids.is_empty() {
        "（未授予权限集）".to_owned()
    } else {
        func_ids
            .iter()
            .map(|id| format!("<li>{}</li>", set_name(*id)))
            .collect::<String>()
    };
    page(
        "授权成功",
        &format!(
            "<h1>✓ 授权成功</h1><p><b>{}</b> {what}。</p><p>已授予的权限集：</p><ul>{sets}</ul>\
             <p class=\"hint\">现在可以关闭本页。</p>",
            escape(name)
        ),
    )
}

/// A permission set as the merchant's own 授权 page names it (§3), with its number; a set the table does not know
/// keeps only its number.
fn set_name(id: i64) -> String {
    let known = u32::try_from(id)
        .ok()
        .and_then(crate::wechat::permissions::permission_set);
    match known {
        Some(set) => format!("{}（权限集 {id}）", escape(set.zh)),
        None => format!("权限集 {id}"),
    }
}

fn failure_page(errcode: Option<i64>, explanation: &str) -> String {
    let code = errcode
        .map(|c| format!("<p class=\"hint\">错误码 {c}</p>"))
        .unwrap_or_default();
    page(
        "授权未完成",
        &format!("<h1>授权未完成</h1><p>{}</p>{code}", escape(explanation)),
    )
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
         <style>body{{font-family:-apple-system,'PingFang SC','Noto Sans SC',sans-serif;margin:2em 1.2em;\
         color:#1f2328}}h1{{font-size:1.4em}}.hint{{color:#6e7781;font-size:.9em}}</style></head>\
         <body>{body}</body></html>"
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_escape_the_account_name() {
        let page = success_page("<script>", &[17, 18], false);
        assert!(page.contains("&lt;script&gt;") && !page.contains("<script>"));
        assert!(page.contains("<li>小程序开发与数据分析（权限集 18）</li>"), "{page}");
        assert!(success_page("x", &[9999], false).contains("<li>权限集 9999</li>"));
        assert!(failure_page(Some(61010), explain(Some(61010))).contains("已过期"));
    }
}
