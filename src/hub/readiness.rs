//! `GET /api/v1/readiness`: the 全网发布 readiness check (wechat-api.md §14.1), item by item. Every item is a read:
//! the newest ticket, the component token (which proves the secret), one cheap component call (which proves the
//! whitelist and that the platform is published), the push URLs the hub will be reached at, the platform-level
//! domains (§7.3, §7.4 with action `get`) and the template drafts (§5.1). Nothing here writes to WeChat.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;

use super::tokens::TokenError;
use super::upstream::UpstreamError;
use super::{Hub, now_secs};
use crate::hubapi::{ApiError, ErrorBody, Level, Readiness, ReadinessItem, request_ip};
use crate::wechat::api::Empty;
use crate::wechat::api::domain::{
    ModifyWxaJumpDomain, ModifyWxaJumpDomainRequest, ModifyWxaServerDomain, ModifyWxaServerDomainRequest,
};
use crate::wechat::api::template::GetTemplateDraftList;

/// §1.1: the platform pushes a ticket every 10 minutes; two missed pushes are worth a look.
pub const TICKET_STALE_SECS: i64 = 20 * 60;
/// §14.3: 61004 and its neighbours carry the caller's IP.
const NOT_WHITELISTED: [i64; 3] = [61004, 40164, 40090];
/// §14.1: an unpublished platform.
const UNPUBLISHED: i64 = 61028;
/// Secret or appid refused when the component token is fetched (§1.2, §9.1).
const BAD_CREDENTIALS: [i64; 4] = [40125, 40013, 41002, 41004];

/// Runs the check now.
#[utoipa::path(get, path = "/api/v1/readiness", tag = "console", security(("operator_key" = [])),
    responses((status = 200, body = Readiness), (status = 401, body = ErrorBody)))]
pub async fn readiness(State(hub): State<Arc<Hub>>) -> Result<Json<Readiness>, ApiError> {
    Ok(Json(check(&hub).await?))
}

fn item(key: &str, level: Level, detail: impl Into<String>) -> ReadinessItem {
    ReadinessItem {
        key: key.to_owned(),
        level,
        detail: detail.into(),
        value: None,
        errcode: None,
    }
}

pub async fn check(hub: &Arc<Hub>) -> Result<Readiness, ApiError> {
    let now = now_secs();
    let ticket = hub.store.read(super::store::queries::newest_ticket).await?;
    let mut items = vec![ticket_item(ticket.map(|(_, at)| now - at))];

    // One component call: the token fetch proves the secret, the call the whitelist and publication.
    let upstream = &hub.upstream;
    let probe = hub
        .tokens
        .with_component(|ct| async move { upstream.authorizer_list(&ct, 0, 1).await.map(drop) })
        .await;
    let platform_answers = probe.is_ok();
    items.extend(probe_items(probe));
    items.push(push_urls_item(&hub.config.public_url));

    if platform_answers {
        items.extend(domain_items(hub).await);
        items.push(drafts_item(hub).await);
    } else {
        for key in ["server_domains", "jump_domains", "drafts"] {
            items.push(item(
                key,
                Level::Amber,
                "not checked: the platform did not answer the calls above",
            ));
        }
    }
    let ready = items.iter().all(|i| i.level != Level::Red);
    Ok(Readiness {
        checked_at: now,
        ready,
        items,
    })
}

fn ticket_item(age: Option<i64>) -> ReadinessItem {
    match age {
        None => item(
            "ticket",
            Level::Red,
            "no component_verify_ticket has arrived: the authorization-event URL is not reached",
        ),
        Some(age) => {
            let level = if age > TICKET_STALE_SECS {
                Level::Amber
            } else {
                Level::Green
            };
            ReadinessItem {
                value: Some(age.to_string()),
                ..item("ticket", level, format!("the newest ticket arrived {age} s ago"))
            }
        }
    }
}

/// The secret, the whitelist and publication, from the one probe.
fn probe_items(probe: Result<(), TokenError>) -> Vec<ReadinessItem> {
    let unknown = |key: &str, why: &str| item(key, Level::Amber, format!("not known yet: {why}"));
    match probe {
        Ok(()) => vec![
            item("secret", Level::Green, "a component access token was obtained"),
            item("whitelist", Level::Green, "a component call was answered"),
            item("published", Level::Green, "a component call was answered without 61028"),
        ],
        Err(TokenError::NoTicket) => vec![
            unknown("secret", "no ticket to fetch a token with"),
            unknown("whitelist", "no ticket to fetch a token with"),
            unknown("published", "no ticket to fetch a token with"),
        ],
        Err(TokenError::Upstream(UpstreamError::Api { errcode, errmsg })) => {
            let refused = |key: &str, detail: String| ReadinessItem {
                errcode: Some(errcode),
                ..item(key, Level::Red, detail)
            };
            if BAD_CREDENTIALS.contains(&errcode) {
                vec![
                    refused("secret", format!("the platform refused the appid or secret: {errmsg}")),
                    unknown("whitelist", "the secret was refused"),
                    unknown("published", "the secret was refused"),
                ]
            } else if NOT_WHITELISTED.contains(&errcode) {
                let ip = request_ip(&errmsg);
                vec![
                    unknown("secret", "the platform refused the caller's IP first"),
                    ReadinessItem {
                        value: ip.clone(),
                        ..refused(
                            "whitelist",
                            format!(
                                "the platform does not accept calls from {}: add it to the whitelist",
                                ip.as_deref().unwrap_or("this hub's address")
                            ),
                        )
                    },
                    unknown("published", "the caller's IP was refused"),
                ]
            } else if errcode == UNPUBLISHED {
                vec![
                    item("secret", Level::Green, "a component access token was obtained"),
                    item("whitelist", Level::Green, "a component call was answered"),
                    refused(
                        "published",
                        "the platform is not published (61028): run 全网发布".to_owned(),
                    ),
                ]
            } else {
                vec![
                    unknown("secret", &format!("WeChat error {errcode}: {errmsg}")),
                    ReadinessItem {
                        errcode: Some(errcode),
                        ..unknown("whitelist", &format!("WeChat error {errcode}: {errmsg}"))
                    },
                    unknown("published", &format!("WeChat error {errcode}: {errmsg}")),
                ]
            }
        }
        Err(other) => {
            let why = format!("WeChat did not answer: {other}");
            vec![
                unknown("secret", &why),
                unknown("whitelist", &why),
                unknown("published", &why),
            ]
        }
    }
}

/// §14.1: the two URLs to enter in 开发资料, on port 80 or 443 only.
fn push_urls_item(public_url: &str) -> ReadinessItem {
    let urls = format!("{public_url}/wechat/component\n{public_url}/wechat/message/$APPID$");
    let port = url::Url::parse(public_url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .and_then(|u| u.port_or_known_default());
    let (level, detail) = match port {
        Some(80 | 443) => (
            Level::Green,
            "enter these two URLs in the platform's 开发资料".to_owned(),
        ),
        Some(port) => (
            Level::Red,
            format!("public_url uses port {port}; WeChat delivers only to port 80 or 443"),
        ),
        None => (Level::Red, "public_url is not an http or https URL".to_owned()),
    };
    ReadinessItem {
        value: Some(urls),
        ..item("push_urls", level, detail)
    }
}

/// §7.3, §7.4 with action `get`: the platform-level domains every mini program's own are checked against.
async fn domain_items(hub: &Arc<Hub>) -> Vec<ReadinessItem> {
    let upstream = &hub.upstream;
    let server = ModifyWxaServerDomainRequest {
        action: "get".to_owned(),
        ..Default::default()
    };
    let jump = ModifyWxaJumpDomainRequest {
        action: "get".to_owned(),
        ..Default::default()
    };
    let (server, jump) = (&server, &jump);
    let servers = hub
        .tokens
        .with_component(|ct| async move { upstream.call::<ModifyWxaServerDomain>(&ct, server).await })
        .await
        .map(|a| joined([a.published_wxa_server_domain, a.testing_wxa_server_domain]));
    let jumps = hub
        .tokens
        .with_component(|ct| async move { upstream.call::<ModifyWxaJumpDomain>(&ct, jump).await })
        .await
        .map(|a| joined([a.published_wxa_jump_h5_domain, a.testing_wxa_jump_h5_domain]));
    vec![
        domains_item("server_domains", servers),
        domains_item("jump_domains", jumps),
    ]
}

/// The published and testing lists (`;`-separated on the wire), each domain once.
fn joined(lists: [Option<String>; 2]) -> String {
    let mut domains: Vec<String> = Vec::new();
    for domain in lists.iter().flatten().flat_map(|list| list.split(';')).map(str::trim) {
        if !domain.is_empty() && !domains.iter().any(|known| known == domain) {
            domains.push(domain.to_owned());
        }
    }
    domains.join(";")
}

fn domains_item(key: &str, domains: Result<String, TokenError>) -> ReadinessItem {
    match domains {
        Ok(domains) if domains.is_empty() => item(
            key,
            Level::Amber,
            "none set: mini programs can add only domains the platform has",
        ),
        Ok(domains) => ReadinessItem {
            value: Some(domains),
            ..item(key, Level::Green, "set")
        },
        Err(error) => ReadinessItem {
            errcode: error.errcode(),
            ..item(key, Level::Amber, format!("not read: {error}"))
        },
    }
}

/// §5.1: drafts come from a development mini program; not a confirmed prerequisite of 全网发布 (§14.1), so amber.
async fn drafts_item(hub: &Arc<Hub>) -> ReadinessItem {
    let upstream = &hub.upstream;
    let drafts = hub
        .tokens
        .with_component(|ct| async move { upstream.call::<GetTemplateDraftList>(&ct, &Empty {}).await })
        .await;
    match drafts {
        Ok(list) if list.draft_list.is_empty() => item(
            "drafts",
            Level::Amber,
            "no draft uploaded from a development mini program yet",
        ),
        Ok(list) => ReadinessItem {
            value: Some(list.draft_list.len().to_string()),
            ..item("drafts", Level::Green, format!("{} drafts", list.draft_list.len()))
        },
        Err(error) => ReadinessItem {
            errcode: error.errcode(),
            ..item("drafts", Level::Amber, format!("not read: {error}"))
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_urls_must_be_on_port_80_or_443() {
        assert_eq!(push_urls_item("https://hub.example.com").level, Level::Green);
        assert_eq!(push_urls_item("http://hub.example.com:80").level, Level::Green);
        let odd = push_urls_item("https://hub.example.com:8443");
        assert_eq!(odd.level, Level::Red);
        assert!(odd.detail.contains("8443"), "{}", odd.detail);
        assert_eq!(
            odd.value.as_deref(),
            Some("https://hub.example.com:8443/wechat/component\nhttps://hub.example.com:8443/wechat/message/$APPID$")
        );
    }

    #[test]
    fn a_stale_ticket_is_amber_and_none_is_red() {
        assert_eq!(ticket_item(Some(30)).level, Level::Green);
        assert_eq!(ticket_item(Some(TICKET_STALE_SECS + 1)).level, Level::Amber);
        assert_eq!(ticket_item(None).level, Level::Red);
    }

    #[test]
    fn domain_lists_are_joined_once_each() {
        let lists = [
            Some("a.example.com;b.example.com".to_owned()),
            Some("b.example.com;".to_owned()),
        ];
        assert_eq!(joined(lists), "a.example.com;b.example.com");
        assert_eq!(joined([None, None]), "");
    }
}
