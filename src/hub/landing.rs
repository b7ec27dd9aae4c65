//! `GET /wechat/authorized`: where the merchant's browser lands after authorizing (wechat-api.md §2.4).
//!
//! Exchanges the code (shared with the `authorized` push, see `authorize`) and answers a small mobile page in the
//! browser's language (`Accept-Language`: English when it prefers `en`, Chinese otherwise): the account's name and
//! the permission sets granted, by name, or what went wrong and what to do.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
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
pub async fn authorized(State(hub): State<Arc<Hub>>, headers: HeaderMap, Query(redirect): Query<Redirect>) -> Response {
    let lang = Lang::of(&headers);
    let Some(code) = redirect.auth_code.filter(|c| !c.is_empty()) else {
        let missing = lang.pick(
            "链接中缺少授权码（auth_code）。请重新扫码授权。",
            "The link carries no authorization code (auth_code). Scan the QR code again.",
        );
        return (StatusCode::BAD_REQUEST, Html(failure_page(lang, None, missing))).into_response();
    };
    match exchange(&hub, &code).await {
        Exchanged::Ok { authorizer, renewed } => {
            let name = authorizer.nick_name.as_deref().unwrap_or(&authorizer.authorizer_appid);
            Html(success_page(lang, name, &authorizer.func_ids, renewed)).into_response()
        }
        Exchanged::Failed { errcode, message } => {
            tracing::warn!(?errcode, %message, "authorization landing failed");
            let known = errcode.and_then(crate::wechat::explain).map(|info| match lang {
                Lang::Zh => format!("{}。{}", info.zh, info.action_zh),
                Lang::En => format!("{}. {}", info.en, info.action_en),
            });
            let body = failure_page(lang, errcode, known.as_deref().unwrap_or(explain(lang, errcode)));
            (StatusCode::BAD_GATEWAY, Html(body)).into_response()
        }
    }
}

/// The page's language: English when the browser prefers it, Chinese otherwise (WeChat's own default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lang {
    Zh,
    En,
}

impl Lang {
    /// From the first language of `Accept-Language` (WeChat's browser sends `en` or `zh_CN` style tags).
    pub(super) fn of(headers: &HeaderMap) -> Self {
        let first = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(',').next())
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if first.starts_with("en") { Lang::En } else { Lang::Zh }
    }

    pub(super) fn pick(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// What the merchant reads when the wire layer's errcode table has nothing better (§1.4, §9.2).
fn explain(lang: Lang, errcode: Option<i64>) -> &'static str {
    match errcode {
        Some(61009) => lang.pick(
            "授权码无效。请回到服务商处重新扫码授权。",
            "The authorization code is not valid. Ask the provider for a new QR code and scan it again.",
        ),
        Some(61010) => lang.pick(
            "授权码已过期。请回到服务商处重新扫码授权。",
            "The authorization code has expired. Ask the provider for a new QR code and scan it again.",
        ),
        Some(61004) => lang.pick(
            "服务商服务器的 IP 不在第三方平台白名单中。请联系服务商处理。",
            "The provider's server is not on the platform's IP whitelist. Please contact the provider.",
        ),
        Some(61003) => lang.pick(
            "该账号未授权给此第三方平台。请重新授权。",
            "This account is not authorized to the platform. Please authorize again.",
        ),
        Some(-1) => lang.pick(
            "微信系统繁忙。请稍后刷新本页重试。",
            "WeChat is busy. Reload this page in a moment.",
        ),
        Some(_) => lang.pick(
            "微信返回了错误。请联系服务商处理。",
            "WeChat answered with an error. Please contact the provider.",
        ),
        None => lang.pick(
            "服务商暂时无法完成授权（网络或配置问题）。请联系服务商处理。",
            "The provider cannot complete the authorization now (network or configuration). Please contact the \
             provider.",
        ),
    }
}

fn success_page(lang: Lang, name: &str, func_ids: &[i64], renewed: bool) -> String {
    let what = match renewed {
        true => lang.pick("已更新授权", "updated its authorization"),
        false => lang.pick("已授权给服务商", "is now authorized to the provider"),
    };
    let sets = if func_ids.is_empty() {
        format!(
            "<li>{}</li>",
            lang.pick("（未授予权限集）", "(no permission set granted)")
        )
    } else {
        func_ids
            .iter()
            .map(|id| format!("<li>{}</li>", set_name(lang, *id)))
            .collect::<String>()
    };
    let (title, granted, close) = match lang {
        Lang::Zh => ("授权成功", "已授予的权限集：", "现在可以关闭本页。"),
        Lang::En => ("Authorized", "Permission sets granted:", "You can close this page now."),
    };
    let stop = lang.pick("。", ".");
    page(
        lang,
        title,
        &format!(
            "<h1>✓ {title}</h1><p><b>{}</b> {what}{stop}</p><p>{granted}</p><ul>{sets}</ul>\
             <p class=\"hint\">{close}</p>",
            escape(name)
        ),
    )
}

/// A permission set by the name the platform's own 授权 page gives it (§3), with its number; a set the table does
/// not know keeps only its number.
fn set_name(lang: Lang, id: i64) -> String {
    let known = u32::try_from(id)
        .ok()
        .and_then(crate::wechat::permissions::permission_set);
    match (known, lang) {
        (Some(set), Lang::Zh) => format!("{}（权限集 {id}）", escape(set.zh)),
        (Some(set), Lang::En) => format!("{} (set {id})", escape(set.en)),
        (None, Lang::Zh) => format!("权限集 {id}"),
        (None, Lang::En) => format!("Permission set {id}"),
    }
}

fn failure_page(lang: Lang, errcode: Option<i64>, explanation: &str) -> String {
    let code = errcode
        .map(|c| format!("<p class=\"hint\">{} {c}</p>", lang.pick("错误码", "Error code")))
        .unwrap_or_default();
    let title = lang.pick("授权未完成", "Authorization not completed");
    page(
        lang,
        title,
        &format!("<h1>{title}</h1><p>{}</p>{code}", escape(explanation)),
    )
}

pub(super) fn page(lang: Lang, title: &str, body: &str) -> String {
    let html_lang = lang.pick("zh-CN", "en");
    format!(
        "<!doctype html><html lang=\"{html_lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
         <style>body{{font-family:-apple-system,'PingFang SC','Noto Sans SC',sans-serif;margin:2em 1.2em;\
         color:#1f2328}}h1{{font-size:1.4em}}.hint{{color:#6e7781;font-size:.9em}}</style></head>\
         <body>{body}</body></html>"
    )
}

pub(super) fn escape(text: &str) -> String {
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
        let page = success_page(Lang::Zh, "<script>", &[17, 18], false);
        assert!(page.contains("&lt;script&gt;") && !page.contains("<script>"));
        let failed = failure_page(Lang::Zh, Some(61010), explain(Lang::Zh, Some(61010)));
        assert!(failed.contains("已过期"));
    }

    #[test]
    fn permission_sets_are_named_in_the_pages_language() {
        let zh = success_page(Lang::Zh, "味喜", &[17, 18, 9999], false);
        assert!(zh.contains("<li>小程序开发与数据分析（权限集 18）</li>"), "{zh}");
        assert!(zh.contains("<li>权限集 9999</li>"), "{zh}");
        assert!(zh.contains("lang=\"zh-CN\""));
        let en = success_page(Lang::En, "Weixi", &[17, 18], false);
        assert!(en.contains("<li>Development and data analysis (set 18)</li>"), "{en}");
        assert!(en.contains("lang=\"en\"") && !en.contains("权限集"), "{en}");
    }

    #[test]
    fn the_language_follows_the_browsers_first_choice() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_LANGUAGE, value.parse().unwrap());
            Lang::of(&headers)
        };
        assert_eq!(with("en-US,en;q=0.9"), Lang::En);
        assert_eq!(with("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(with("zh_CN"), Lang::Zh);
        assert_eq!(Lang::of(&HeaderMap::new()), Lang::Zh);
    }
}
