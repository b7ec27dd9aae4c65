//! `GET /wechat/fastregister`: where the official account administrator's browser lands after confirming on the
//! platform's `fastregisterauth` page (wechat-api.md §8.6 step 1). The hub registers the mini program with the
//! redirect's `ticket` (`/cgi-bin/account/fastregister`, the official account's token), exchanges the authorization
//! code it answers at once (§8.6: "exchange immediately"), ends the registration task, and shows a small page.
//!
//! The ticket is single-use and a retry within 5 seconds invalidates it (§8.6, `61058`): the call is made once per
//! task, claimed in the task's row first, so a reloaded page or a second browser never calls again.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::authorize::{Exchanged, exchange};
use super::landing::{Lang, escape, page};
use super::store::registrations as rows;
use super::tokens::TokenError;
use super::upstream::UpstreamError;
use super::{Hub, now_secs};
use crate::hubapi::{Registration, RegistrationKind, RegistrationState};
use crate::wechat::api::register::{AccountFastRegister, AccountFastRegisterRequest};

#[derive(Debug, Deserialize)]
pub struct Landing {
    task: Option<String>,
    ticket: Option<String>,
}

/// The `redirect_uri` of §8.6 step 1: registers the mini program and tells the administrator how it went.
#[utoipa::path(get, path = "/wechat/fastregister", tag = "wechat",
    params(("task" = String, Query, description = "The registration task the hub put in the redirect"),
        ("ticket" = String, Query, description = "The platform's single-use ticket")),
    responses((status = 200, description = "The success page", content_type = "text/html"),
        (status = 400, description = "The link is incomplete", content_type = "text/html"),
        (status = 409, description = "The task is not open, or was already used", content_type = "text/html"),
        (status = 502, description = "WeChat refused or did not answer", content_type = "text/html")))]
pub async fn fastregister(State(hub): State<Arc<Hub>>, headers: HeaderMap, Query(landing): Query<Landing>) -> Response {
    let lang = Lang::of(&headers);
    let (Some(taskid), Some(ticket)) = (
        landing.task.filter(|t| !t.is_empty()),
        landing.ticket.filter(|t| !t.is_empty()),
    ) else {
        let text = lang.pick(
            "链接不完整（缺少 task 或 ticket）。请回到服务商处重新扫码。",
            "The link is incomplete (no task or ticket). Ask the provider for a new QR code.",
        );
        return refused(lang, StatusCode::BAD_REQUEST, text);
    };
    match finish(&hub, lang, &taskid, &ticket).await {
        Ok(appid) => {
            let (title, done, hint) = (
                lang.pick("注册成功", "Registered"),
                lang.pick("✓ 小程序已创建", "✓ The mini program was created"),
                lang.pick(
                    "服务商会为它设置名称、头像和类目。现在可以关闭本页。",
                    "The provider will give it a name, an avatar and categories. You can close this page.",
                ),
            );
            let body = format!(
                "<h1>{done}</h1><p>AppID: <b>{}</b></p><p class=\"hint\">{hint}</p>",
                escape(&appid)
            );
            Html(page(lang, title, &body)).into_response()
        }
        Err((status, text)) => refused(lang, status, &text),
    }
}

fn refused(lang: Lang, status: StatusCode, text: &str) -> Response {
    let title = lang.pick("注册未完成", "Not registered");
    let body = page(lang, title, &format!("<h1>{title}</h1><p>{}</p>", escape(text)));
    (status, Html(body)).into_response()
}

/// Registers once and ends the task; answers the new appid, or the page's status and words.
async fn finish(hub: &Arc<Hub>, lang: Lang, taskid: &str, ticket: &str) -> Result<String, (StatusCode, String)> {
    let gone = || {
        let text = lang.pick(
            "该链接已失效或已使用。请回到服务商处重新扫码。",
            "This link has expired or was already used. Ask the provider for a new QR code.",
        );
        (StatusCode::CONFLICT, text.to_owned())
    };
    let key = taskid.to_owned();
    let claimed = hub
        .store
        .write(move |conn| {
            let Some(task) = rows::by_taskid(conn, &key)? else {
                return Ok(None);
            };
            let open = task.kind == RegistrationKind::ReuseOfficialAccount && task.state == RegistrationState::Open;
            Ok((open && rows::claim(conn, task.id)?).then_some(task))
        })
        .await
        .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let task = claimed.ok_or_else(gone)?;
    let official_account = official_account_of(&task).ok_or_else(gone)?;
    let upstream = &hub.upstream;
    let body = AccountFastRegisterRequest {
        ticket: ticket.to_owned(),
    };
    let body = &body;
    let answer = hub
        .tokens
        .with_authorizer(&official_account, |token| async move {
            upstream.call::<AccountFastRegister>(&token, body).await
        })
        .await;
    let at = now_secs();
    let (next, outcome) = match answer {
        Ok(answer) => {
            let appid = answer.appid.to_string();
            // §8.6: the code is exchanged at once; the exchange also makes the new mini program a merchant.
            let exchanged = exchange(hub, &answer.authorization_code).await;
            let text = match exchanged {
                Exchanged::Ok { .. } => format!(
                    "verification reused: {}, linked to the official account: {}",
                    answer.is_wx_verify_succ, answer.is_link_succ
                ),
                Exchanged::Failed { message, .. } => {
                    format!("created, but its authorization code was not exchanged: {message}")
                }
            };
            let next = Registration {
                state: RegistrationState::Succeeded,
                status_code: Some(0),
                status_text: Some(text),
                appid: Some(appid.clone()),
                updated_at: at,
                ..task
            };
            (next, Ok(appid))
        }
        Err(TokenError::Upstream(UpstreamError::Api { errcode, errmsg })) => {
            let explained = crate::wechat::explain(errcode)
                .map(|info| match lang {
                    Lang::Zh => format!("{}。{}", info.zh, info.action_zh),
                    Lang::En => format!("{}. {}", info.en, info.action_en),
                })
                .unwrap_or_else(|| {
                    let text = lang.pick(
                        "微信拒绝了注册。请回到服务商处处理。",
                        "WeChat refused the registration. Ask the provider.",
                    );
                    text.to_owned()
                });
            let next = Registration {
                state: RegistrationState::Failed,
                status_code: Some(errcode),
                status_text: Some(errmsg),
                updated_at: at,
                ..task
            };
            (
                next,
                Err((StatusCode::BAD_GATEWAY, format!("{explained}（错误码 {errcode}）"))),
            )
        }
        Err(error) => {
            // No answer: the platform may or may not have registered. The ticket cannot be sent again (§8.6), so the
            // task ends; a mini program it did create reaches the merchants with the next sync.
            let next = Registration {
                state: RegistrationState::Failed,
                status_code: None,
                status_text: Some(format!(
                    "WeChat did not answer ({error}); the ticket cannot be used again"
                )),
                updated_at: at,
                ..task
            };
            let text = lang.pick(
                "微信没有应答。请稍后让服务商同步商家列表；如未出现新小程序，请重新扫码。",
                "WeChat did not answer. Ask the provider to sync the merchants later; scan again if no new mini program appears.",
            );
            (next, Err((StatusCode::BAD_GATEWAY, text.to_owned())))
        }
    };
    tracing::info!(
        id = next.id,
        state = next.state.as_str(),
        "reuse-official-account registration ended"
    );
    let seq = hub
        .store
        .write(move |conn| super::registrations::record(conn, &next, at))
        .await
        .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    hub.events.committed(seq);
    outcome
}

/// The official account a reuse task was created for: the `appid` of its `fastregisterauth` link (§8.6).
fn official_account_of(task: &Registration) -> Option<String> {
    let url = url::Url::parse(&task.authorize_url).ok()?;
    let appid = url.query_pairs().find(|(name, _)| name == "appid")?.1.into_owned();
    Some(appid).filter(|a| !a.is_empty())
}
