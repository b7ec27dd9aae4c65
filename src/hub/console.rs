//! The console API's handlers (DESIGN.md, the hub contract), except the relay, which has its own file.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::api::{ApiError, Target};
use super::events::event_json;
use super::store::{admin, queries};
use super::{Hub, now_secs, sync};

/// The longest a long poll waits; proxies commonly cut idle requests at 60 s.
const MAX_WAIT_SECS: u64 = 50;

type ApiResult = Result<Response, ApiError>;

pub async fn status(State(hub): State<Arc<Hub>>) -> ApiResult {
    let (ticket, persisted, last_error) = hub
        .store
        .read(|conn| {
            Ok((
                queries::newest_ticket(conn)?,
                queries::access_token(conn, "component")?,
                queries::last_event_of_kind(conn, "error")?,
            ))
        })
        .await?;
    let now = now_secs();
    let expires_at = hub
        .tokens
        .component_expires_at()
        .or(persisted.map(|(_, expires_at)| expires_at));
    Ok(Json(json!({
        "component_appid": hub.config.component_appid,
        "ticket": ticket.map(|(_, received_at)| json!({ "received_at": received_at, "age_secs": now - received_at })),
        "component_token": expires_at.map(|expires_at| json!({ "expires_at": expires_at })),
        "last_error": last_error.map(|row| event_json(&row)),
    }))
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct PreauthRequest {
    auth_type: i64,
    biz_appid: Option<String>,
    category_id_list: Option<Vec<i64>>,
}

/// `auth_type` values of §2.3; 7 and 10 are speculation only, so they are refused (the safer reading).
const AUTH_TYPES: [i64; 7] = [1, 2, 3, 4, 5, 6, 8];

pub async fn preauth(State(hub): State<Arc<Hub>>, Json(request): Json<PreauthRequest>) -> ApiResult {
    if !AUTH_TYPES.contains(&request.auth_type) {
        return Err(ApiError::bad_request(
            "auth_type must be one of 1, 2, 3, 4, 5, 6, 8 (wechat-api.md §2.3)",
        ));
    }
    let upstream = &hub.upstream;
    let (code, expires_in) = hub
        .tokens
        .with_component(|ct| async move { upstream.create_preauthcode(&ct).await })
        .await?;
    let urls = AuthUrls {
        component_appid: &hub.config.component_appid,
        pre_auth_code: &code,
        redirect_uri: &format!("{}/wechat/authorized", hub.config.public_url),
        auth_type: request.auth_type,
        biz_appid: request.biz_appid.as_deref().filter(|b| !b.is_empty()),
        category_id_list: request.category_id_list.as_deref().unwrap_or_default(),
    };
    let mut response = Json(json!({
        "pre_auth_code": code,
        "expires_at": now_secs() + expires_in,
        "pc_url": urls.pc(&hub.config.mp_base),
        "h5_url": urls.h5(&hub.config.open_base),
    }))
    .into_response();
    response
        .extensions_mut()
        .insert(Target(format!("auth_type={}", request.auth_type)));
    Ok(response)
}

/// The two authorization page URLs of §2.1 and §2.2.
struct AuthUrls<'a> {
    component_appid: &'a str,
    pre_auth_code: &'a str,
    redirect_uri: &'a str,
    auth_type: i64,
    biz_appid: Option<&'a str>,
    category_id_list: &'a [i64],
}

impl AuthUrls<'_> {
    fn query(&self) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query
            .append_pair("component_appid", self.component_appid)
            .append_pair("pre_auth_code", self.pre_auth_code)
            // URL-encoded, or a redirect with several parameters loses some (§2.1).
            .append_pair("redirect_uri", self.redirect_uri)
            .append_pair("auth_type", &self.auth_type.to_string());
        if let Some(biz_appid) = self.biz_appid {
            query.append_pair("biz_appid", biz_appid);
        }
        if !self.category_id_list.is_empty() {
            let ids: Vec<String> = self.category_id_list.iter().map(i64::to_string).collect();
            query.append_pair("category_id_list", &ids.join("|"));
        }
        query.finish()
    }

    fn pc(&self, mp_base: &str) -> String {
        format!("{mp_base}/cgi-bin/componentloginpage?{}", self.query())
    }

    fn h5(&self, open_base: &str) -> String {
        format!(
            "{open_base}/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1&{}#wechat_redirect",
            self.query()
        )
    }
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    query: Option<String>,
    offset: Option<i64>,
    limit: Option<i64>,
}

pub async fn authorizers(State(hub): State<Arc<Hub>>, Query(list): Query<ListQuery>) -> ApiResult {
    let query = list.query.unwrap_or_default();
    let offset = list.offset.unwrap_or(0).max(0);
    let limit = list.limit.unwrap_or(100).clamp(1, 1000);
    let (total, rows) = hub
        .store
        .read(move |conn| queries::list_authorizers(conn, &query, offset, limit))
        .await?;
    Ok(Json(json!({ "total": total, "offset": offset, "authorizers": rows })).into_response())
}

pub async fn authorizer(State(hub): State<Arc<Hub>>, Path(appid): Path<String>) -> ApiResult {
    let target = Target(appid.clone());
    let row = hub.store.read(move |conn| queries::authorizer(conn, &appid)).await?;
    let mut response = match row {
        Some(row) => Json(row).into_response(),
        None => ApiError::new(StatusCode::NOT_FOUND, "no such authorizer").into_response(),
    };
    response.extensions_mut().insert(target);
    Ok(response)
}

pub async fn sync(State(hub): State<Arc<Hub>>) -> ApiResult {
    let Ok(_only_one) = hub.sync_lock.try_lock() else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "a sync is already running; follow its sync_progress events",
        ));
    };
    let report = sync::sync_all(&hub).await?;
    Ok(Json(report).into_response())
}

#[derive(Debug, Deserialize)]
pub struct EventsQuery {
    after: Option<i64>,
    wait_secs: Option<u64>,
}

pub async fn events(State(hub): State<Arc<Hub>>, Query(query): Query<EventsQuery>) -> ApiResult {
    let after = query.after.unwrap_or(0);
    let wait = Duration::from_secs(query.wait_secs.unwrap_or(0).min(MAX_WAIT_SECS));
    let mut stop = hub.stop.clone();
    let rows = hub.events.poll(after, wait, &mut stop).await?;
    let next = rows.last().map_or(after, |row| row.seq);
    let events: Vec<Value> = rows.iter().map(event_json).collect();
    Ok(Json(json!({ "events": events, "next": next })).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ActivityQuery {
    after: Option<i64>,
    limit: Option<i64>,
}

pub async fn activity(State(hub): State<Arc<Hub>>, Query(query): Query<ActivityQuery>) -> ApiResult {
    let after = query.after.unwrap_or(0);
    let limit = query.limit.unwrap_or(500).clamp(1, 1000);
    let rows = hub
        .store
        .read(move |conn| admin::activity_after(conn, after, limit))
        .await?;
    let next = rows.last().map_or(after, |row| row.seq);
    Ok(Json(json!({ "activity": rows, "next": next })).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_urls_encode_the_redirect_and_join_sets_with_bars() {
        let urls = AuthUrls {
            component_appid: "wxc",
            pre_auth_code: "preauthcode@@@x",
            redirect_uri: "https://hub.example.com/wechat/authorized",
            auth_type: 2,
            biz_appid: None,
            category_id_list: &[17, 18],
        };
        let pc = urls.pc("https://mp.weixin.qq.com");
        assert!(
            pc.starts_with("https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=wxc&"),
            "{pc}"
        );
        assert!(
            pc.contains("redirect_uri=https%3A%2F%2Fhub.example.com%2Fwechat%2Fauthorized"),
            "{pc}"
        );
        assert!(pc.contains("category_id_list=17%7C18"), "{pc}");
        let h5 = urls.h5("https://open.weixin.qq.com");
        assert!(
            h5.starts_with("https://open.weixin.qq.com/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1&")
        );
        assert!(h5.ends_with("#wechat_redirect"));
    }
}
