//! Push intake: the authorization-event URL and the message URL (wechat-api.md §4.1).
//!
//! Order matters: size (413) → query and envelope (400) → signature (401) → decryption and receive id (401 / 400)
//! → XML (400) → one transaction that stores the push, unless already stored, together with its effects and
//! events → `success`. Nothing is written for a push that fails any check. A push WeChat retries is stored once:
//! the dedupe key is the SHA-256 of the URL and the *decrypted* XML, which catches a retry whether the platform
//! re-sends the same ciphertext or re-encrypts it with a fresh random prefix and a new signature; two distinct
//! pushes always differ in their content (ticket, `CreateTime`, appid), so none is lost.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::events::EventKind;
use super::pushxml::PushFields;
use super::store::queries::{self, PushRow};
use super::{Hub, now_secs};
use crate::wechat::crypto::{CryptoError, Envelope};

/// The largest push body accepted; real pushes are a few KiB (§4.1).
pub const MAX_PUSH_BYTES: usize = 64 * 1024;

#[derive(Debug, Deserialize)]
pub struct PushQuery {
    timestamp: Option<String>,
    nonce: Option<String>,
    msg_signature: Option<String>,
    encrypt_type: Option<String>,
}

/// Which URL a push arrived on.
#[derive(Debug, Clone)]
enum Url {
    Component,
    Message { appid: String },
}

pub async fn component(State(hub): State<Arc<Hub>>, Query(query): Query<PushQuery>, body: Bytes) -> Response {
    intake(hub, Url::Component, query, body).await
}

pub async fn message(
    State(hub): State<Arc<Hub>>,
    Path(appid): Path<String>,
    Query(query): Query<PushQuery>,
    body: Bytes,
) -> Response {
    intake(hub, Url::Message { appid }, query, body).await
}

async fn intake(hub: Arc<Hub>, url: Url, query: PushQuery, body: Bytes) -> Response {
    let opened = match open(&hub, &query, &body) {
        Ok(opened) => opened,
        Err((status, reason)) => {
            tracing::warn!(status = status.as_u16(), reason, "push rejected");
            return (status, reason).into_response();
        }
    };
    match commit(&hub, &url, opened).await {
        Ok(()) => "success".into_response(),
        Err(error) => {
            tracing::error!(%error, "push not stored");
            // Not `success`: WeChat retries, and the retry may find the database healthy again.
            (StatusCode::SERVICE_UNAVAILABLE, "not stored").into_response()
        }
    }
}

struct Opened {
    xml: String,
    fields: PushFields,
}

/// Every check of §4.4, in order; nothing here touches the database.
fn open(hub: &Hub, query: &PushQuery, body: &[u8]) -> Result<Opened, (StatusCode, &'static str)> {
    let bad = |reason| (StatusCode::BAD_REQUEST, reason);
    if query.encrypt_type.as_deref().is_some_and(|t| t != "aes") {
        return Err(bad(
            "encrypt_type must be aes: third-party platforms only use safe mode",
        ));
    }
    let (Some(timestamp), Some(nonce), Some(signature)) = (&query.timestamp, &query.nonce, &query.msg_signature) else {
        return Err(bad("timestamp, nonce and msg_signature are required"));
    };
    let text = std::str::from_utf8(body).map_err(|_| bad("body is not UTF-8"))?;
    let envelope = Envelope::parse(text).map_err(|_| bad("body is not a push envelope"))?;
    hub.crypt
        .verify(signature, timestamp, nonce, &envelope.encrypt)
        .map_err(|_| (StatusCode::UNAUTHORIZED, "bad msg_signature"))?;
    let xml = hub.crypt.decrypt(&envelope.encrypt).map_err(|error| match error {
        CryptoError::WrongReceiveId => (StatusCode::UNAUTHORIZED, "wrong receive id"),
        _ => bad("ciphertext does not decrypt"),
    })?;
    let fields = PushFields::parse(&xml).map_err(|_| bad("decrypted push is not XML"))?;
    Ok(Opened { xml, fields })
}

/// What a push changes besides being stored.
#[derive(Clone)]
enum Effect {
    None,
    Ticket(String),
    Revoke(String),
}

async fn commit(hub: &Arc<Hub>, url: &Url, opened: Opened) -> Result<(), super::StoreError> {
    let (url_name, appid) = match url {
        Url::Component => ("component", opened.fields.get("AppId").map(str::to_owned)),
        Url::Message { appid } => ("message", Some(appid.clone())),
    };
    let dedupe_key = dedupe_key(url_name, appid.as_deref(), &opened.xml);
    let kind = opened.fields.kind().map(str::to_owned);
    let (effect, event) = classify(url, &opened.fields);
    let received_at = now_secs();
    let xml = opened.xml;
    let effect_for_write = effect.clone();
    let event_for_write = event.clone();
    let outcome = hub
        .store
        .write(move |conn| {
            let row = PushRow {
                dedupe_key: &dedupe_key,
                url: url_name,
                appid: appid.as_deref(),
                info_type: kind.as_deref(),
                xml: &xml,
                received_at,
            };
            if !queries::insert_push(conn, &row)? {
                return Ok(None);
            }
            match &effect_for_write {
                Effect::None => {}
                Effect::Ticket(ticket) => queries::insert_ticket(conn, ticket, received_at)?,
                Effect::Revoke(appid) => queries::revoke_authorizer(conn, appid, received_at)?,
            }
            match &event_for_write {
                Some((kind, data)) => Ok(Some(Some(queries::append_event(
                    conn,
                    received_at,
                    kind.as_str(),
                    data,
                )?))),
                None => Ok(Some(None)),
            }
        })
        .await?;
    let Some(seq) = outcome else {
        tracing::debug!("duplicate push ignored");
        return Ok(());
    };
    if let Some(seq) = seq {
        hub.events.committed(seq);
    }
    if let Effect::Revoke(appid) = &effect {
        hub.tokens.forget_authorizer(appid);
    }
    follow_up(hub, &opened.fields);
    Ok(())
}

/// SHA-256 over the URL, the appid the URL names and the decrypted XML.
fn dedupe_key(url: &str, appid: Option<&str>, xml: &str) -> Vec<u8> {
    let mut sha = Sha256::new();
    for part in [url, appid.unwrap_or(""), xml] {
        sha.update((part.len() as u64).to_be_bytes());
        sha.update(part.as_bytes());
    }
    sha.finalize().to_vec()
}

/// The effect and the event of a push, from its `InfoType` (§4.2) or `Event` (§4.3).
fn classify(url: &Url, fields: &PushFields) -> (Effect, Option<(EventKind, Value)>) {
    let authorizer = || match url {
        Url::Component => fields.get("AuthorizerAppid").map(str::to_owned),
        Url::Message { appid } => Some(appid.clone()),
    };
    match fields.kind().unwrap_or_default() {
        "component_verify_ticket" => match fields.get("ComponentVerifyTicket") {
            // The ticket itself stays out of the event: consoles never need it.
            Some(ticket) => (
                Effect::Ticket(ticket.to_owned()),
                Some((EventKind::TicketReceived, json!({}))),
            ),
            None => (Effect::None, None),
        },
        "unauthorized" => match authorizer() {
            Some(appid) => {
                let data = json!({ "authorizer_appid": appid });
                (Effect::Revoke(appid), Some((EventKind::Unauthorized, data)))
            }
            None => (Effect::None, None),
        },
        kind @ ("weapp_audit_success" | "weapp_audit_fail" | "weapp_audit_delay") => {
            let event = match kind {
                "weapp_audit_success" => EventKind::AuditSuccess,
                "weapp_audit_fail" => EventKind::AuditFail,
                _ => EventKind::AuditDelay,
            };
            let screenshots: Vec<&str> = fields
                .get("ScreenShot")
                .map(|s| s.split('|').collect())
                .unwrap_or_default();
            let data = json!({
                "authorizer_appid": authorizer(),
                "user_name": fields.get("ToUserName"),
                "reason": fields.get("Reason"),
                "screenshots": screenshots,
                "time": fields.get("SuccTime").or(fields.get("FailTime")).or(fields.get("DelayTime")),
            });
            (Effect::None, Some((event, data)))
        }
        kind if kind.starts_with("notify_third_fast") => (
            Effect::None,
            Some((EventKind::RegistrationResult, registration(kind, fields))),
        ),
        // authorized / updateauthorized: the event follows the code exchange (`follow_up`), with the account's name.
        _ => (Effect::None, None),
    }
}

/// A registration result (§4.2) without its auth code, which only the hub uses.
fn registration(kind: &str, fields: &PushFields) -> Value {
    let info: serde_json::Map<String, Value> = fields
        .iter()
        .filter_map(|(name, value)| Some((name.strip_prefix("info.")?.to_owned(), Value::from(value))))
        .collect();
    json!({
        "info_type": kind,
        "appid": fields.get("appid"),
        "status": fields.get("status").and_then(|s| s.parse::<i64>().ok()),
        "msg": fields.get("msg"),
        "info": info,
    })
}

/// Work a new push starts after it is committed: exchanging an authorization code it carries.
fn follow_up(hub: &Arc<Hub>, fields: &PushFields) {
    let code = match fields.kind().unwrap_or_default() {
        "authorized" | "updateauthorized" => fields.get("AuthorizationCode"),
        kind if kind.starts_with("notify_third_fast") && fields.get("status") == Some("0") => fields.get("auth_code"),
        _ => None,
    };
    if let Some(code) = code {
        let (hub, code) = (hub.clone(), code.to_owned());
        tokio::spawn(async move {
            // The outcome is recorded as an event either way; the landing page may be waiting on the same code.
            let _ = super::authorize::exchange(&hub, &code).await;
        });
    }
}
