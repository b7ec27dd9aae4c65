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
use sha2::{Digest, Sha256};

use super::audits::Seen;
use super::metrics::Refusal;
use super::store::queries::{self, PushRow};
use super::{Hub, now_secs};
use crate::hubapi::{self, AuditResult, AuditSource, AuditStatus, HubEventKind};
use crate::wechat::crypto::{CryptoError, Envelope};
use crate::wechat::event::{Event, EventError, MessageHeader, RegistrationResult};

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

/// WeChat's authorization-event URL: tickets, authorizations, registration results (§4.2). Answers `success` once
/// the push is stored.
#[utoipa::path(post, path = "/wechat/component", tag = "wechat",
    params(
        ("timestamp" = String, Query), ("nonce" = String, Query), ("msg_signature" = String, Query),
        ("encrypt_type" = Option<String>, Query, description = "`aes`")),
    request_body(content = String, content_type = "text/xml", description = "The encrypted push envelope (§4.4)"),
    responses((status = 200, description = "`success`"), (status = 400, description = "Malformed"),
        (status = 401, description = "Bad signature or receive id"), (status = 413, description = "Too large"),
        (status = 503, description = "Not stored; WeChat retries")))]
pub async fn component(State(hub): State<Arc<Hub>>, Query(query): Query<PushQuery>, body: Bytes) -> Response {
    intake(hub, Url::Component, query, body).await
}

/// WeChat's message URL of one authorized account: audit results and other per-account events (§4.3).
#[utoipa::path(post, path = "/wechat/message/{appid}", tag = "wechat",
    params(
        ("appid" = String, Path, description = "The account (`$APPID$` of the message URL)"),
        ("timestamp" = String, Query), ("nonce" = String, Query), ("msg_signature" = String, Query),
        ("encrypt_type" = Option<String>, Query, description = "`aes`")),
    request_body(content = String, content_type = "text/xml", description = "The encrypted push envelope (§4.4)"),
    responses((status = 200, description = "`success`"), (status = 400, description = "Malformed"),
        (status = 401, description = "Bad signature or receive id"), (status = 503, description = "Not stored")))]
pub async fn message(
    State(hub): State<Arc<Hub>>,
    Path(appid): Path<String>,
    Query(query): Query<PushQuery>,
    body: Bytes,
) -> Response {
    intake(hub, Url::Message { appid }, query, body).await
}

async fn intake(hub: Arc<Hub>, url: Url, query: PushQuery, body: Bytes) -> Response {
    let url_label = match url {
        Url::Component => "component",
        Url::Message { .. } => "message",
    };
    hub.metrics.push_received(url_label);
    let opened = match open(&hub, &query, &body) {
        Ok(opened) => opened,
        Err((status, reason)) => {
            let refusal = match status {
                StatusCode::UNAUTHORIZED => Refusal::Signature,
                _ => Refusal::Malformed,
            };
            hub.metrics.push_refused(url_label, refusal);
            tracing::warn!(status = status.as_u16(), reason, "push rejected");
            return (status, reason).into_response();
        }
    };
    // §14.2: a push of the 全网发布 access check for one of its test accounts; every other push is answered `success`.
    let check = match &url {
        Url::Message { appid } => super::release_check::Arrived::message(appid, &opened.xml),
        Url::Component => opened.event.as_ref().and_then(super::release_check::Arrived::component),
    };
    match commit(&hub, &url, opened).await {
        Ok(()) => match check {
            Some(arrived) => super::release_check::answer(&hub, arrived).await.into_response(),
            None => "success".into_response(),
        },
        Err(error) => {
            hub.metrics.push_refused(url_label, Refusal::NotStored);
            tracing::error!(%error, "push not stored");
            // Not `success`: WeChat retries, and the retry may find the database healthy again.
            (StatusCode::SERVICE_UNAVAILABLE, "not stored").into_response()
        }
    }
}

struct Opened {
    xml: String,
    /// `None` for well-formed XML that lacks a field its kind requires: stored whole, but with no effect.
    event: Option<Event>,
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
    let event = match Event::parse(&xml) {
        Ok(event) => Some(event),
        Err(EventError::Xml(_)) => return Err(bad("decrypted push is not XML")),
        // It is WeChat's (the signature says so) and well-formed: keep it for the record, act on nothing.
        Err(error) => {
            tracing::warn!(%error, "push stored without effect");
            None
        }
    };
    Ok(Opened { xml, event })
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
        Url::Component => (
            "component",
            opened
                .event
                .as_ref()
                .and_then(Event::component_app_id)
                .map(str::to_owned),
        ),
        Url::Message { appid } => ("message", Some(appid.clone())),
    };
    let dedupe_key = dedupe_key(url_name, appid.as_deref(), &opened.xml);
    let kind = opened.event.as_ref().and_then(Event::name).map(str::to_owned);
    let (effect, event) = match &opened.event {
        Some(event) => classify(url, event),
        None => (Effect::None, None),
    };
    let code = opened.event.as_ref().and_then(code_to_exchange).map(str::to_owned);
    let code_for_write = code.clone();
    let received_at = now_secs();
    let xml = opened.xml;
    let effect_for_write = effect.clone();
    let event_for_write = event.clone();
    let audit = event.as_ref().and_then(pushed_audit);
    let audit_for_write = audit.clone();
    let registration_for_write = opened.event.clone().filter(|event| {
        matches!(
            event,
            Event::FastRegister(_) | Event::BetaRegistered(_) | Event::BetaVerified(_)
        )
    });
    let timing = super::audits::timing(hub, received_at);
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
            if let Some(code) = &code_for_write {
                // AuthorizationCodeExpiredTime is [UNCONFIRMED] absolute or relative (§4.2): count the code's
                // documented 600 s from its arrival instead.
                queries::insert_pending_code(conn, code, received_at + super::authorize::CODE_LIFETIME_SECS)?;
            }
            let mut seqs = Vec::new();
            if let Some(event) = &event_for_write {
                seqs.push(queries::append_event(conn, received_at, event)?);
            }
            if let Some(event) = &registration_for_write {
                seqs.extend(super::registrations::apply_result(conn, event, received_at)?);
            }
            // The audits table learns of the result in the push's own transaction: `success` means it is there.
            let mut audit_appid = None;
            if let Some((result, seen)) = &audit_for_write {
                audit_appid = audit_appid_of(conn, result)?;
                if let Some(appid) = &audit_appid {
                    let observation = super::audits::Observation {
                        source: AuditSource::Push,
                        seen: seen.clone(),
                        at: received_at,
                    };
                    seqs.extend(super::audits::apply(conn, appid, &observation, timing)?);
                }
            }
            Ok(Some((seqs, audit_appid)))
        })
        .await?;
    let Some((seqs, audit_appid)) = outcome else {
        tracing::debug!("duplicate push ignored");
        return Ok(());
    };
    if let Some(seq) = seqs.iter().max() {
        hub.events.committed(*seq);
    }
    if let Effect::Revoke(appid) = &effect {
        hub.tokens.forget_authorizer(appid);
    }
    if let Some(Event::Authorized(a) | Event::UpdateAuthorized(a)) = &opened.event
        && let Some(pre_auth_code) = &a.pre_auth_code
    {
        hub.exchanges.note_pre_auth(&a.authorization_code, pre_auth_code);
    }
    if let Some((result, _)) = &audit {
        match audit_appid {
            Some(appid) => {
                // Screenshots to fetch and the poll that learns the auditid (§4.3) are due now.
                hub.audits.wake();
                let hub = hub.clone();
                tokio::spawn(async move { super::jobs::audit_arrived(&hub, &appid).await });
            }
            None => tracing::warn!(user_name = ?result.user_name, "audit result for an unknown mini program"),
        }
    }
    // §4.3: an approved name audit changed the name the authorizer row shows.
    if let (Some(Event::NicknameAudit { ret: 3, .. }), Url::Message { appid }) = (&opened.event, url) {
        super::authorize::announce_info(hub, appid);
    }
    if let Some(code) = code {
        let hub = hub.clone();
        tokio::spawn(async move {
            // The outcome is recorded as an event either way; the landing page may be waiting on the same code.
            let _ = super::authorize::exchange(&hub, &code).await;
        });
    }
    Ok(())
}

/// An audit result push and what it says of the audit (§4.3).
fn pushed_audit(event: &HubEventKind) -> Option<(AuditResult, Seen)> {
    let (status, result) = match event {
        HubEventKind::AuditSuccess(result) => (AuditStatus::Approved, result),
        HubEventKind::AuditFail(result) => (AuditStatus::Rejected, result),
        HubEventKind::AuditDelay(result) => (AuditStatus::Delayed, result),
        _ => return None,
    };
    let seen = Seen::Pushed {
        status,
        reason: result.reason.clone(),
        screenshots: result.screenshots.clone(),
    };
    Some((result.clone(), seen))
}

/// The mini program an audit push is about: the message URL names it (`$APPID$`, §4.1) when that is an authorizer
/// the hub knows (a message URL configured without `$APPID$` names none), or else its original id (`ToUserName`,
/// §4.3) maps to it through the stored authorizers. The push never carries the auditid.
fn audit_appid_of(conn: &rusqlite::Connection, result: &AuditResult) -> Result<Option<String>, super::StoreError> {
    if let Some(appid) = &result.authorizer_appid
        && queries::authorizer(conn, appid)?.is_some()
    {
        return Ok(Some(appid.clone()));
    }
    super::store::jobs::appid_of_user_name(conn, &result.user_name)
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

/// The effect and the console event of a push (§4.2, §4.3).
fn classify(url: &Url, event: &Event) -> (Effect, Option<HubEventKind>) {
    // Audit results arrive on the message URL, which names the mini program (§4.3).
    let message_appid = match url {
        Url::Component => None,
        Url::Message { appid } => Some(appid.clone()),
    };
    let audit = |header: &MessageHeader, reason: &str, screenshots: &[String], time: i64| AuditResult {
        authorizer_appid: message_appid.clone(),
        user_name: header.to_user_name.clone(),
        reason: (!reason.is_empty()).then(|| reason.to_owned()),
        screenshots: screenshots.to_vec(),
        time,
    };
    let event = match event {
        // The ticket itself stays out of the event: consoles never need it.
        Event::ComponentVerifyTicket { ticket, .. } => {
            return (Effect::Ticket(ticket.clone()), Some(HubEventKind::TicketReceived));
        }
        Event::Unauthorized { authorizer_appid, .. } => {
            let appid = authorizer_appid.as_str().to_owned();
            let event = HubEventKind::Unauthorized {
                authorizer_appid: appid.clone(),
            };
            return (Effect::Revoke(appid), Some(event));
        }
        Event::AuditSuccess { header, succ_time } => HubEventKind::AuditSuccess(audit(header, "", &[], *succ_time)),
        Event::AuditFail {
            header,
            reason,
            fail_time,
            screenshots,
        } => HubEventKind::AuditFail(audit(header, reason, screenshots, *fail_time)),
        Event::AuditDelay {
            header,
            reason,
            delay_time,
        } => HubEventKind::AuditDelay(audit(header, reason, &[], *delay_time)),
        Event::FastRegister(result) | Event::BetaVerified(result) => {
            HubEventKind::RegistrationResult(registration(event.kind(), result))
        }
        Event::BetaRegistered(beta) => HubEventKind::RegistrationResult(hubapi::RegistrationResult {
            info_type: event.kind().to_owned(),
            appid: beta.appid.as_ref().map(|appid| appid.to_string()),
            status: beta.status,
            msg: beta.msg.clone(),
            info: serde_json::json!({ "unique_id": beta.unique_id, "name": beta.name }),
        }),
        // authorized / updateauthorized: the event follows the code exchange (`follow_up`), with the account's name.
        _ => return (Effect::None, None),
    };
    (Effect::None, Some(event))
}

/// A registration result (§4.2) without its auth code, which only the hub uses.
fn registration(kind: &str, result: &RegistrationResult) -> hubapi::RegistrationResult {
    hubapi::RegistrationResult {
        info_type: kind.to_owned(),
        appid: result.appid.as_ref().map(|appid| appid.to_string()),
        status: result.status,
        msg: result.msg.clone(),
        info: serde_json::to_value(&result.info).unwrap_or_default(),
    }
}

/// The authorization code a push carries for the hub to exchange: `authorized`, `updateauthorized` (§4.2) and a
/// successful registration (§8.1).
fn code_to_exchange(event: &Event) -> Option<&str> {
    match event {
        Event::Authorized(a) | Event::UpdateAuthorized(a) => Some(&a.authorization_code),
        Event::FastRegister(r) | Event::BetaVerified(r) if r.status == 0 => r.auth_code.as_deref(),
        _ => None,
    }
}
