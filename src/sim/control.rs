//! The control API under `/__sim/` (DESIGN.md table): loopback only, JSON in and out. Tests, the console's
//! sandbox and demos use it to play the merchant, the reviewer and the clock.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::Shared;
use super::api::account;
use super::api::code::{self, AuditOutcome};
use super::api::policy::AuditPolicy;
use super::api::register;
use super::journal::Fault;
use super::merchants::Kind;
use super::pages::redirect_url;
use super::permissions;

pub fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/__sim/provider", get(provider))
        .route("/__sim/config", post(config))
        .route("/__sim/authorize", post(authorize))
        .route("/__sim/unauthorize", post(unauthorize))
        .route("/__sim/push-ticket", post(push_ticket))
        .route("/__sim/audit/resolve", post(resolve_audit))
        .route("/__sim/audit/policy", post(audit_policy))
        .route("/__sim/quota", post(quota))
        .route("/__sim/latency", post(latency))
        .route("/__sim/registration/resolve", post(resolve_registration))
        .route("/__sim/nickname/resolve", post(resolve_nickname))
        .route("/__sim/registrations", get(registrations))
        .route("/__sim/oa-ticket", post(oa_ticket))
        .route("/__sim/faults", post(add_faults).delete(clear_faults))
        .route("/__sim/clock", post(clock).get(clock_now))
        .route("/__sim/calls", get(calls))
        .route("/__sim/pushes", get(pushes))
        .route("/__sim/drafts", post(add_draft))
        .route("/__sim/release-check", post(release_check))
        .route_layer(middleware::from_fn(loopback_only))
}

/// The control API lets anyone play the merchant; only callers on this machine may use it.
async fn loopback_only(ConnectInfo(peer): ConnectInfo<SocketAddr>, request: Request, next: Next) -> Response {
    if peer.ip().is_loopback() {
        next.run(request).await
    } else {
        fail(StatusCode::FORBIDDEN, "the control API answers loopback callers only")
    }
}

fn fail(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"error": message}))).into_response()
}

/// A control body that is not the JSON the call expects.
struct BadBody(String);

impl IntoResponse for BadBody {
    fn into_response(self) -> Response {
        fail(StatusCode::BAD_REQUEST, &format!("bad JSON body: {}", self.0))
    }
}

/// A JSON body read leniently: no content type needed, an empty body counts as `{}`; anything else that is not the
/// JSON the call expects is answered 400 with serde's reason.
struct Lenient<T>(T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Lenient<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let text = if body.iter().all(u8::is_ascii_whitespace) {
            &b"{}"[..]
        } else {
            &body[..]
        };
        serde_json::from_slice(text)
            .map(Lenient)
            .map_err(|e| BadBody(e.to_string()).into_response())
    }
}

async fn provider(State(shared): State<Arc<Shared>>) -> Response {
    let mut value = serde_json::to_value(&shared.ready).unwrap_or_default();
    let urls = shared.urls();
    if let Some(map) = value.as_object_mut() {
        map.insert("event_url".into(), json!(urls.event_url));
        map.insert("message_url".into(), json!(urls.message_url));
        map.insert("now".into(), json!(shared.clock.now()));
    }
    Json(value).into_response()
}

#[derive(Deserialize)]
struct ConfigBody {
    event_url: Option<String>,
    message_url: Option<String>,
}

/// Same as `SimHandle::set_push_urls`: new URLs, then a ticket at once.
async fn config(State(shared): State<Arc<Shared>>, Lenient(body): Lenient<ConfigBody>) -> Response {
    shared.set_urls(body.event_url, body.message_url);
    let ticket = shared.sim().push_ticket(shared.clock.now());
    Json(json!({"ok": true, "ticket": ticket})).into_response()
}

#[derive(Deserialize)]
struct AuthorizeBody {
    pre_auth_code: String,
    redirect_uri: String,
    authorizer_appid: Option<String>,
    kind: Option<Kind>,
    #[serde(default)]
    func_ids: Vec<u16>,
}

/// What a merchant's scan and confirm does (§11.2 test hook).
async fn authorize(State(shared): State<Arc<Shared>>, Lenient(body): Lenient<AuthorizeBody>) -> Response {
    let now = shared.clock.now();
    let mut sim = shared.sim();
    let index = match &body.authorizer_appid {
        Some(appid) => sim.merchants.index_of(appid),
        None => {
            let kind = body.kind.unwrap_or(Kind::Miniprogram);
            sim.authorizable(&[kind], "", 1).first().copied()
        }
    };
    let Some(index) = index else {
        return fail(
            StatusCode::NOT_FOUND,
            "no such account, or no unauthorized account of that kind is left",
        );
    };
    let kind = sim.merchants.kind(index);
    let unknown = permissions::not_offered(kind, &body.func_ids);
    if !unknown.is_empty() {
        return not_offered(kind, &unknown);
    }
    match sim.authorize(now, &body.pre_auth_code, index, &body.func_ids) {
        Ok(authorized) => Json(json!({
            "auth_code": authorized.auth_code,
            "redirect_url": redirect_url(&body.redirect_uri, &authorized.auth_code),
            "authorizer_appid": authorized.appid,
            "func_ids": authorized.func_ids,
        }))
        .into_response(),
        Err(error) => fail(StatusCode::CONFLICT, error.en()),
    }
}

/// A permission set the platform does not offer is refused, not dropped, so a test or the console learns at once that
/// it asked for something the merchant could never grant; the answer names what is offered.
fn not_offered(kind: Kind, unknown: &[u16]) -> Response {
    let offered = permissions::offered(kind);
    let list = |ids: &[u16]| ids.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
    let message = format!(
        "the simulated platform does not offer permission set {} to a {}; it offers {}",
        list(unknown),
        kind.label_en(),
        list(&offered)
    );
    let body = json!({"error": message, "not_offered": unknown, "offered": offered});
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

#[derive(Deserialize)]
struct AppidBody {
    authorizer_appid: String,
}

async fn unauthorize(State(shared): State<Arc<Shared>>, Lenient(body): Lenient<AppidBody>) -> Response {
    let now = shared.clock.now();
    let mut sim = shared.sim();
    let Some(index) = sim.merchants.index_of(&body.authorizer_appid) else {
        return fail(StatusCode::NOT_FOUND, "no such account");
    };
    if sim.unauthorize(now, index) {
        Json(json!({"ok": true})).into_response()
    } else {
        fail(StatusCode::CONFLICT, "this account has not authorized the platform")
    }
}

async fn push_ticket(State(shared): State<Arc<Shared>>) -> Response {
    let ticket = shared.sim().push_ticket(shared.clock.now());
    Json(json!({"ticket": ticket})).into_response()
}

#[derive(Deserialize)]
struct ResolveNicknameBody {
    authorizer_appid: String,
    approve: bool,
    reason: Option<String>,
}

/// Ends every name audit of the account under review (§8.7.1), as the reviewer would; each pushes
/// `wxa_nickname_audit`. Answers the audits ended; 409 when none is under review.
async fn resolve_nickname(State(shared): State<Arc<Shared>>, Lenient(body): Lenient<ResolveNicknameBody>) -> Response {
    let now = shared.clock.now();
    let mut sim = shared.sim();
    let Some(index) = sim.merchants.index_of(&body.authorizer_appid) else {
        return fail(StatusCode::NOT_FOUND, "no such account");
    };
    let audits = account::names_under_review(&sim, index);
    if audits.is_empty() {
        return fail(StatusCode::CONFLICT, "no name of this account is under review");
    }
    let reason = body.reason.unwrap_or_else(|| match body.approve {
        true => String::new(),
        false => "名称与已有帐号相似".to_owned(),
    });
    for audit_id in &audits {
        account::end_name_audit(&mut sim, index, *audit_id, body.approve, &reason, now);
    }
    Json(json!({"audit_ids": audits})).into_response()
}

#[derive(Deserialize)]
struct ResolveAuditBody {
    authorizer_appid: String,
    outcome: AuditOutcome,
    reason: Option<String>,
    screenshots: Option<Vec<String>>,
    /// `false` ends the audit without its push (a lost push); the platform's state changes all the same.
    push: Option<bool>,
}

async fn resolve_audit(State(shared): State<Arc<Shared>>, Lenient(body): Lenient<ResolveAuditBody>) -> Response {
    let now = shared.clock.now();
    let mut sim = shared.sim();
    let Some(index) = sim.merchants.index_of(&body.authorizer_appid) else {
        return fail(StatusCode::NOT_FOUND, "no such account");
    };
    let notify = match body.push {
        Some(false) => code::Notify::Silent,
        _ => code::Notify::Push,
    };
    match code::settle(
        &mut sim,
        index,
        body.outcome,
        body.reason,
        body.screenshots,
        now,
        notify,
    ) {
        Ok(auditid) => Json(json!({"auditid": auditid})).into_response(),
        Err(message) => fail(StatusCode::CONFLICT, message),
    }
}

/// From now on every audit ends by itself as the policy draws; the running ones are rescheduled.
async fn audit_policy(State(shared): State<Arc<Shared>>, Lenient(policy): Lenient<AuditPolicy>) -> Response {
    if let Err(message) = policy.check() {
        return fail(StatusCode::BAD_REQUEST, &message);
    }
    let now = shared.clock.now();
    let rescheduled = code::set_policy(&mut shared.sim(), policy, now);
    Json(json!({"ok": true, "rescheduled": rescheduled})).into_response()
}

#[derive(Deserialize)]
struct QuotaBody {
    limit: i64,
    rest: i64,
    speedup_rest: Option<i64>,
    speedup_limit: Option<i64>,
}

/// Sets the platform-wide audit quota `queryquota` reports (§6.13); a new simulated month refills `rest` to `limit`
/// and `speedup_rest` to `speedup_limit` (raised to `speedup_rest` when that is higher).
async fn quota(State(shared): State<Arc<Shared>>, Lenient(body): Lenient<QuotaBody>) -> Response {
    let counts = [Some(body.limit), Some(body.rest), body.speedup_rest, body.speedup_limit];
    if counts.into_iter().flatten().any(|n| n < 0) {
        return fail(StatusCode::BAD_REQUEST, "quota counts cannot be negative");
    }
    let mut sim = shared.sim();
    let quota = &mut sim.quota;
    quota.limit = body.limit;
    quota.rest = body.rest;
    if let Some(limit) = body.speedup_limit {
        quota.speedup_limit = limit;
    }
    if let Some(rest) = body.speedup_rest {
        quota.speedup_rest = rest;
        quota.speedup_limit = quota.speedup_limit.max(rest);
    }
    Json(
        json!({"rest": quota.rest, "limit": quota.limit, "speedup_rest": quota.speedup_rest,
        "speedup_limit": quota.speedup_limit}),
    )
    .into_response()
}

#[derive(Deserialize)]
struct LatencyBody {
    ms: u64,
}

/// Every platform call (not this API, not the authorization pages) answers after `ms` milliseconds; 0 turns it off.
async fn latency(State(shared): State<Arc<Shared>>, Lenient(body): Lenient<LatencyBody>) -> Response {
    shared.latency_ms.store(body.ms, Ordering::Relaxed);
    Json(json!({"ms": body.ms})).into_response()
}

#[derive(Deserialize)]
struct ResolveRegistrationBody {
    task_id: String,
    status: i64,
}

async fn resolve_registration(
    State(shared): State<Arc<Shared>>,
    Lenient(body): Lenient<ResolveRegistrationBody>,
) -> Response {
    let now = shared.clock.now();
    match register::resolve(&mut shared.sim(), &body.task_id, body.status, now) {
        Ok(appid) => Json(json!({"ok": true, "appid": appid})).into_response(),
        Err(message) => fail(StatusCode::CONFLICT, message),
    }
}

async fn registrations(State(shared): State<Arc<Shared>>) -> Response {
    let sim = shared.sim();
    let tasks: Vec<Value> = sim
        .registrations
        .tasks
        .iter()
        .map(|t| {
            json!({"task_id": t.taskid, "route": format!("{:?}", t.route), "name": t.info.name,
                "wxuser": t.info.wxuser, "created_at": t.created_at, "status": t.status,
                "appid": t.created.map(|i| sim.merchants.appid(i)), "authorize_url": t.authorize_url})
        })
        .collect();
    Json(json!({"tasks": tasks})).into_response()
}

/// What an official account administrator's confirm on `fastregisterauth` yields (§8.6 step 1).
async fn oa_ticket(State(shared): State<Arc<Shared>>, Lenient(body): Lenient<AppidBody>) -> Response {
    let now = shared.clock.now();
    let mut sim = shared.sim();
    let Some(index) = sim.merchants.index_of(&body.authorizer_appid) else {
        return fail(StatusCode::NOT_FOUND, "no such account");
    };
    let ticket = sim.issue_oa_ticket(index, now);
    Json(json!({"ticket": ticket})).into_response()
}

/// One fault, or a list of them.
async fn add_faults(State(shared): State<Arc<Shared>>, Lenient(body): Lenient<Value>) -> Response {
    let faults: Result<Vec<Fault>, _> = match body {
        Value::Array(_) => serde_json::from_value(body),
        single => serde_json::from_value(single).map(|fault| vec![fault]),
    };
    let faults = match faults.map_err(|e| BadBody(e.to_string())) {
        Ok(faults) => faults,
        Err(bad) => return bad.into_response(),
    };
    let mut sim = shared.sim();
    let added = faults.len();
    sim.journal.faults.extend(faults);
    Json(json!({"added": added, "pending": sim.journal.faults.len()})).into_response()
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> Response {
    shared.sim().journal.faults.clear();
    Json(json!({"ok": true})).into_response()
}

#[derive(Deserialize)]
struct ClockBody {
    advance_secs: i64,
}

/// Moves simulated time, then lets everything that became due happen before answering.
async fn clock(State(shared): State<Arc<Shared>>, Lenient(body): Lenient<ClockBody>) -> Response {
    let now = shared.clock.advance(body.advance_secs);
    shared.sim().tick(now);
    Json(json!({"now": now})).into_response()
}

async fn clock_now(State(shared): State<Arc<Shared>>) -> Response {
    Json(json!({"now": shared.clock.now(), "speed": shared.clock.speed()})).into_response()
}

#[derive(Deserialize)]
struct SinceQuery {
    #[serde(default)]
    since: u64,
}

async fn calls(State(shared): State<Arc<Shared>>, Query(query): Query<SinceQuery>) -> Response {
    let calls = shared.sim().journal.calls_since(query.since, 10_000);
    Json(json!({"calls": calls})).into_response()
}

async fn pushes(State(shared): State<Arc<Shared>>, Query(query): Query<SinceQuery>) -> Response {
    let pushes = shared.sim().journal.pushes_since(query.since);
    Json(json!({"pushes": pushes})).into_response()
}

#[derive(Deserialize)]
struct DraftBody {
    user_version: String,
    #[serde(default)]
    user_desc: String,
    /// The privacy keys (§6.16) the draft's code uses; none when absent.
    #[serde(default)]
    privacy_keys: Vec<String>,
}

async fn add_draft(State(shared): State<Arc<Shared>>, Lenient(body): Lenient<DraftBody>) -> Response {
    let now = shared.clock.now();
    let draft_id = shared
        .sim()
        .library
        .add_draft(now, &body.user_version, &body.user_desc, body.privacy_keys);
    Json(json!({"draft_id": draft_id})).into_response()
}

#[derive(Deserialize)]
struct ReleaseCheckBody {
    group: u8,
    /// The group's official account (the default: every step of §14.2) or its mini program.
    kind: Option<Kind>,
}

/// Plays the 全网发布 access check (wechat-api.md §14.2) against the push URLs and reports each step.
async fn release_check(State(shared): State<Arc<Shared>>, Lenient(body): Lenient<ReleaseCheckBody>) -> Response {
    let kind = body.kind.unwrap_or(Kind::OfficialAccount);
    match super::release_check::run(shared, body.group, kind).await {
        Ok(report) => Json(report).into_response(),
        Err(super::release_check::Refusal::NoSuchGroup) => {
            fail(StatusCode::BAD_REQUEST, "group must be 1 to 5 (wechat-api.md §14.2)")
        }
        Err(super::release_check::Refusal::NoUrls) => fail(
            StatusCode::CONFLICT,
            "no authorization-event URL or message URL is configured to play the check against",
        ),
    }
}
