//! The hub answers the platform's 全网发布 access check by itself (wechat-api.md §14.2), for the ten test accounts of
//! `wechat::release_check` only: a real merchant's messages are never answered here.
//!
//! Steps 3 and 5 are answered with an encrypted passive text (§4.4); step 4 with an empty reply at once, then, off
//! the request path, the code's exchange and a `custom/send`. Every step is recorded in the activity log and in
//! `release_check_steps`, which `GET /api/v1/release-check` reads as the last run. Steps 1, 2 and 6 are pushes the
//! intake stores and acts on as it always does; here they are only recorded.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;

use super::authorize::{self, Exchanged};
use super::store::admin::{self, ActivityRecord};
use super::store::release_check as rows;
use super::{Hub, now_secs};
use crate::hubapi::{ApiError, ErrorBody, HUB_OPERATOR, Outcome, ReleaseCheck, ReleaseCheckStep, action, release_step};
use crate::wechat::api::message::{CustomSend, CustomSendRequest};
use crate::wechat::event::Event;
use crate::wechat::release_check::{self as check, Probe};

/// How long a step-4 code is remembered, so a push WeChat retries does not send the message twice.
const REMEMBER_CODES_FOR: Duration = Duration::from_secs(600);

/// The step-4 codes already taken.
#[derive(Default)]
pub struct Rounds {
    codes: Mutex<HashMap<String, Instant>>,
}

impl Rounds {
    /// True the first time `code` is seen.
    fn first(&self, code: &str) -> bool {
        let Ok(mut codes) = self.codes.lock() else {
            return true;
        };
        codes.retain(|_, at| at.elapsed() < REMEMBER_CODES_FOR);
        codes.insert(code.to_owned(), Instant::now()).is_none()
    }
}

/// A push of the check, as the intake saw it.
#[derive(Debug, Clone)]
pub enum Arrived {
    /// Step 2: `authorized` for a test account, with its code.
    Authorized { appid: String, code: String },
    /// Steps 3–5: a message-URL push for a test account.
    Message {
        appid: String,
        message: check::Message,
        probe: Probe,
    },
    /// Step 6.
    Unauthorized { appid: String },
}

impl Arrived {
    /// A message-URL push (`$APPID$` = `appid`) the check asks an answer to; `None` for any other account or message.
    pub fn message(appid: &str, xml: &str) -> Option<Self> {
        check::group_of(appid)?;
        let mut message = check::read(xml)?;
        let probe = message.probe.take()?;
        Some(Self::Message {
            appid: appid.to_owned(),
            message,
            probe,
        })
    }

    /// An authorization-event push about a test account.
    pub fn component(event: &Event) -> Option<Self> {
        match event {
            Event::Authorized(a) if check::group_of(a.authorizer_appid.as_str()).is_some() => Some(Self::Authorized {
                appid: a.authorizer_appid.as_str().to_owned(),
                code: a.authorization_code.clone(),
            }),
            Event::Unauthorized { authorizer_appid, .. } if check::group_of(authorizer_appid.as_str()).is_some() => {
                Some(Self::Unauthorized {
                    appid: authorizer_appid.as_str().to_owned(),
                })
            }
            _ => None,
        }
    }
}

/// The body that answers a stored push of the check: `success` for pushes to the authorization-event URL, the
/// encrypted passive reply for steps 3 and 5 (§4.4), an empty body for step 4 (§14.2).
pub async fn answer(hub: &Arc<Hub>, arrived: Arrived) -> String {
    match arrived {
        Arrived::Authorized { appid, code } => {
            // The run starts now, in order before the steps that follow; the exchange settles this step.
            let opened = open_authorized(hub, &appid).await;
            // The intake exchanges the code as it exchanges every code; this waits for that same exchange.
            let hub = hub.clone();
            tokio::spawn(async move {
                let round = match authorize::exchange(&hub, &code).await {
                    Exchanged::Ok { .. } => Round::ok(
                        release_step::AUTHORIZED,
                        "authorized arrived; its code was exchanged (api_query_auth)".to_owned(),
                    ),
                    Exchanged::Failed { errcode, message } => Round {
                        step: release_step::AUTHORIZED,
                        ok: false,
                        detail: format!("authorized arrived; api_query_auth failed: {message}"),
                        errcode,
                    },
                };
                let place = opened.map_or(Place::Append { starts_run: true }, Place::Settle);
                record(&hub, &appid, round, place).await;
            });
            "success".to_owned()
        }
        Arrived::Unauthorized { appid } => {
            let detail = "unauthorized arrived; answered success".to_owned();
            record(
                hub,
                &appid,
                Round::ok(release_step::UNAUTHORIZED, detail),
                Place::APPEND,
            )
            .await;
            "success".to_owned()
        }
        Arrived::Message { appid, message, probe } => match &probe {
            Probe::QueryAuthCode(code) => {
                if hub.release_check.first(code) {
                    let (hub, code) = (hub.clone(), code.clone());
                    tokio::spawn(async move { query_auth_round(hub, appid, code, message.from_user_name).await });
                }
                String::new()
            }
            Probe::Text | Probe::Event(_) => {
                let content = check::expected_reply(&probe).unwrap_or_default();
                let reply = check::text_reply(&message, &content, now_secs());
                let nonce = rand::random::<u32>().to_string();
                let body = hub.crypt.reply_xml(&reply, &now_secs().to_string(), &nonce);
                let arrived = match &probe {
                    Probe::Event(event) => format!("event {event}"),
                    _ => check::TEST_TEXT.to_owned(),
                };
                let detail = format!("{arrived} arrived; answered the encrypted passive text {content}");
                record(hub, &appid, Round::ok(probe.step(), detail), Place::APPEND).await;
                body
            }
        },
    }
}

/// Step 4 after the empty reply: exchange the code (falling back on the token of step 2 when the platform says the
/// code is invalid or expired, `61009`/`61010`), then send `<code>_from_api` to the user (§14.2).
async fn query_auth_round(hub: Arc<Hub>, appid: String, code: String, touser: String) {
    let round = match round(&hub, &appid, &code, &touser).await {
        Ok(detail) => Round::ok(release_step::QUERY_AUTH_CODE, detail),
        Err((detail, errcode)) => Round {
            step: release_step::QUERY_AUTH_CODE,
            ok: false,
            detail,
            errcode,
        },
    };
    record(&hub, &appid, round, Place::APPEND).await;
}

async fn round(hub: &Arc<Hub>, appid: &str, code: &str, touser: &str) -> Result<String, (String, Option<i64>)> {
    // The code itself stays out of the record: it is a credential while it lives.
    let exchanged = match authorize::exchange(hub, code).await {
        Exchanged::Ok { .. } => "its code was exchanged",
        Exchanged::Failed {
            errcode: Some(errcode @ (61009 | 61010)),
            ..
        } => {
            tracing::info!(
                errcode,
                "the check's code did not exchange; using the token of its authorization"
            );
            "its code did not exchange, the token of step 2 was used"
        }
        Exchanged::Failed { errcode, message } => {
            return Err((
                format!("QUERY_AUTH_CODE arrived; api_query_auth failed: {message}"),
                errcode,
            ));
        }
    };
    let request = CustomSendRequest::text(touser, &format!("{code}{}", check::FROM_API_SUFFIX));
    let upstream = &hub.upstream;
    let request = &request;
    hub.tokens
        .with_authorizer(appid, |token| async move {
            upstream.call::<CustomSend>(&token, request).await
        })
        .await
        .map_err(|error| {
            let detail = format!("QUERY_AUTH_CODE arrived, {exchanged}; custom/send failed: {error}");
            (detail, error.errcode())
        })?;
    Ok(format!(
        "QUERY_AUTH_CODE arrived; answered empty, {exchanged}, and <code>{} was sent through custom/send",
        check::FROM_API_SUFFIX
    ))
}

/// One step's outcome.
struct Round {
    step: &'static str,
    ok: bool,
    detail: String,
    errcode: Option<i64>,
}

impl Round {
    fn ok(step: &'static str, detail: String) -> Self {
        Self {
            step,
            ok: true,
            detail,
            errcode: None,
        }
    }
}

/// Where a step goes in the run's table.
enum Place {
    /// A new row; `starts_run` opens a new run.
    Append { starts_run: bool },
    /// The row `open_authorized` wrote.
    Settle(i64),
}

impl Place {
    const APPEND: Self = Self::Append { starts_run: false };
}

/// Opens a run with step 2 as it arrives, not yet settled, so the steps that follow land in this run whenever the
/// exchange ends. `None` when it could not be written (the step is then appended when settled).
async fn open_authorized(hub: &Hub, appid: &str) -> Option<i64> {
    let group = check::group_of(appid);
    let step = ReleaseCheckStep {
        step: release_step::AUTHORIZED.to_owned(),
        ok: false,
        detail: format!("{appid}: authorized arrived; its code is being exchanged"),
        at: now_secs(),
    };
    match hub
        .store
        .write(move |conn| rows::record_step(conn, group, &step, true))
        .await
    {
        Ok(id) => Some(id),
        Err(error) => {
            tracing::error!(%error, "the access check's run was not opened");
            None
        }
    }
}

/// One step, in the run's table and in the activity log, in one transaction.
async fn record(hub: &Hub, appid: &str, round: Round, place: Place) {
    let at = now_secs();
    let group = check::group_of(appid);
    let Round {
        step,
        ok,
        detail,
        errcode,
    } = round;
    let row = ReleaseCheckStep {
        step: step.to_owned(),
        ok,
        detail: format!("{appid}: {detail}"),
        at,
    };
    let activity = ActivityRecord {
        operator: HUB_OPERATOR.to_owned(),
        action: action::RELEASE_CHECK_REPLY.to_owned(),
        target: Some(appid.to_owned()),
        outcome: if ok { Outcome::Ok } else { Outcome::Failed },
        reason: (!ok).then(|| detail.clone()),
        errcode,
        detail: Some(format!("{step}: {detail}")),
    };
    if !ok {
        tracing::warn!(appid, step, "a step of the 全网发布 access check failed");
    }
    let written = hub
        .store
        .write(move |conn| {
            match place {
                Place::Append { starts_run } => {
                    rows::record_step(conn, group, &row, starts_run)?;
                }
                Place::Settle(id) => rows::settle_step(conn, id, &row)?,
            }
            admin::append_activity(conn, at, &activity)?;
            Ok(())
        })
        .await;
    if let Err(error) = written {
        tracing::error!(%error, "a step of the access check was not recorded");
    }
}

/// The last 全网发布 access check the hub answered (wechat-api.md §14.2): each step that reached it, what arrived,
/// what it answered, and whether that is what the platform expects. Advisory: a failed check does not block
/// publishing.
#[utoipa::path(get, path = "/api/v1/release-check", tag = "console", security(("operator_key" = [])),
    responses((status = 200, body = ReleaseCheck), (status = 401, body = ErrorBody)))]
pub async fn show(State(hub): State<Arc<Hub>>) -> Result<Json<ReleaseCheck>, ApiError> {
    let last_run = hub.store.read(rows::last_run).await?;
    Ok(Json(ReleaseCheck { last_run }))
}
