//! The one path every platform call takes: faults, method, token (§0.2), IP whitelist (§0.4), revocation and
//! permission sets (§11.2), body (§0.4), the handler, then the call journal and the `rid` in `errmsg` (§0.3).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Shared;
use super::journal::{CallRecord, Fault, rid};
use super::reply::{ApiError, Reply};
use super::routes::{self, BodyRule, Call, Caller, Endpoint, Query, TokenRule, Verb};
use super::state::Sim;
use super::tokens::{Owner, TokenError};

/// The body as it arrived, parsed before the state lock is taken.
enum Parsed {
    Empty,
    Json(Value),
    Malformed,
}

impl Parsed {
    fn from(body: &[u8]) -> Self {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Self::Empty;
        }
        serde_json::from_slice(body).map_or(Self::Malformed, Self::Json)
    }
}

/// The answer, decided under the lock and rendered after it.
struct Answer {
    status: StatusCode,
    reply: Reply,
}

/// Everything about the request the handler path needs.
struct Request<'a> {
    endpoint: &'static Endpoint,
    method: &'a Method,
    query: &'a Query,
    body: Parsed,
    raw_len: usize,
    peer: IpAddr,
    now: i64,
}

pub async fn dispatch(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    let Some(endpoint) = routes::lookup(uri.path()) else {
        // The platform's answer to a path it does not serve.
        return (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"errcode": 40066, "errmsg": "invalid url"})),
        )
            .into_response();
    };
    // Before the lock, so that concurrent calls wait side by side rather than one after another.
    let latency_ms = shared.latency_ms.load(Ordering::Relaxed);
    if latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(latency_ms)).await;
    }
    let query = Query::parse(uri.query());
    let request = Request {
        endpoint,
        method: &method,
        query: &query,
        body: Parsed::from(&body),
        raw_len: body.len(),
        peer: peer.ip(),
        now: 0,
    };
    let first = {
        let mut sim = shared.sim();
        match sim.journal.take_fault(endpoint.path) {
            Some(fault) => Err((fault, request)),
            None => Ok(handle(
                &mut sim,
                Request {
                    now: shared.clock.now(),
                    ..request
                },
            )),
        }
    };
    let answer = match first {
        Ok(answer) => answer,
        Err((fault, request)) => match apply_fault(&shared, fault, request).await {
            Some(answer) => answer,
            None => return dropped(),
        },
    };
    render(answer)
}

/// Waits, then fails the call as the fault says, or lets it through; `None` means drop the connection.
async fn apply_fault(shared: &Shared, fault: Fault, request: Request<'_>) -> Option<Answer> {
    if let Some(ms) = fault.delay_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let now = shared.clock.now();
    let mut sim = shared.sim();
    if fault.drop {
        let mut record = record_for(&request, now);
        record.errcode = -2;
        sim.journal.record(record);
        return None;
    }
    if fault.lose_answer {
        handle(&mut sim, Request { now, ..request });
        return None;
    }
    if fault.errcode.is_none() && fault.http_status.is_none() {
        return Some(handle(&mut sim, Request { now, ..request }));
    }
    let status = fault
        .http_status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let error = ApiError::new(fault.errcode.unwrap_or(-1), "system error");
    let mut record = record_for(&request, now);
    let reply = finish(&sim, Err(error), &mut record, now);
    sim.journal.record(record);
    Some(Answer { status, reply })
}

fn record_for(request: &Request<'_>, now: i64) -> CallRecord {
    CallRecord {
        seq: 0,
        at: now,
        method: method_name(request.method),
        path: request.endpoint.path,
        token_kind: "none",
        token_param: None,
        authorizer_appid: None,
        errcode: 0,
        error_body: None,
    }
}

/// The journal's name for a method; anything but GET and POST is the wrong method for every endpoint.
fn method_name(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        _ => "OTHER",
    }
}

fn handle(sim: &mut Sim, request: Request<'_>) -> Answer {
    sim.roll_month(request.now);
    let mut record = record_for(&request, request.now);
    let outcome = run(sim, &request, &mut record);
    let reply = finish(sim, outcome, &mut record, request.now);
    sim.journal.record(record);
    Answer {
        status: StatusCode::OK,
        reply,
    }
}

/// Puts the `rid` into `errmsg`, notes the errcode, and keeps error bodies for `getrid`.
fn finish(sim: &Sim, outcome: Result<Reply, ApiError>, record: &mut CallRecord, now: i64) -> Reply {
    let rid = rid(now, sim.journal.next_seq());
    match outcome {
        Ok(Reply::Json(mut value)) => {
            record.errcode = value.get("errcode").and_then(Value::as_i64).unwrap_or(0);
            if let Some(Value::String(errmsg)) = value.get_mut("errmsg") {
                errmsg.push_str(" rid: ");
                errmsg.push_str(&rid);
            }
            if record.errcode != 0 {
                record.error_body = Some(value.to_string().into_boxed_str());
            }
            Reply::Json(value)
        }
        Ok(bytes) => bytes,
        Err(error) => {
            record.errcode = error.code;
            let value = json!({"errcode": error.code, "errmsg": format!("{} rid: {rid}", error.msg)});
            record.error_body = Some(value.to_string().into_boxed_str());
            Reply::Json(value)
        }
    }
}

fn run(sim: &mut Sim, request: &Request<'_>, record: &mut CallRecord) -> Result<Reply, ApiError> {
    let endpoint = request.endpoint;
    let allowed = match endpoint.verb {
        Verb::Get => *request.method == Method::GET,
        Verb::Post => *request.method == Method::POST,
        Verb::Any => *request.method == Method::GET || *request.method == Method::POST,
    };
    if !allowed {
        return Err(match endpoint.verb {
            Verb::Get => ApiError::new(43001, "require GET method"),
            Verb::Post | Verb::Any => ApiError::new(43002, "require POST method"),
        });
    }
    let caller = caller(sim, request, record)?;
    let component_side = matches!(caller, Caller::Anonymous | Caller::Component);
    if component_side && let Some(whitelist) = &sim.whitelist {
        // §0.4: component APIs answer only whitelisted callers.
        if !whitelist.contains(&request.peer) {
            return Err(ApiError::new(
                61004,
                // §14.3: the current wording, which carries the caller's IP after `requestIP:`.
                format!(
                    "access clientip is not registered requestIP: {} rid: {:08x}",
                    request.peer,
                    rand::random::<u32>()
                ),
            ));
        }
    }
    if let Caller::Authorizer(index) = caller {
        record.authorizer_appid = Some(sim.merchants.appid(index));
        let authorization = sim.authorizations.get(&index);
        if authorization.is_none_or(|a| a.revoked) {
            return Err(ApiError::new(61003, "component is not authorized by this account"));
        }
        let granted = authorization.map(|a| &a.func_ids[..]).unwrap_or_default();
        if !endpoint.sets.is_empty() && !endpoint.sets.iter().any(|set| granted.contains(set)) {
            return Err(ApiError::new(61007, "api is unauthorized to component"));
        }
    }
    let empty = Value::Object(Default::default());
    let body = match (&request.body, endpoint.body) {
        (_, BodyRule::Ignored) => &empty,
        (Parsed::Malformed, _) => return Err(ApiError::new(47001, "data format error")),
        (Parsed::Empty, BodyRule::Required) => return Err(ApiError::new(44002, "empty post data")),
        (Parsed::Empty, _) => &empty,
        (Parsed::Json(value), _) => value,
    };
    let call = Call {
        now: request.now,
        query: request.query,
        body,
        caller,
        peer: request.peer,
        raw_len: request.raw_len,
    };
    (endpoint.handler)(sim, &call)
}

/// Finds the token where §0.2 says it goes and checks it.
fn caller(sim: &Sim, request: &Request<'_>, record: &mut CallRecord) -> Result<Caller, ApiError> {
    let rule = request.endpoint.token;
    let query = request.query;
    let found = match rule {
        TokenRule::None => return Ok(Caller::Anonymous),
        TokenRule::Component | TokenRule::Either => query
            .get("component_access_token")
            .map(|t| ("component_access_token", t))
            .or_else(|| query.get("access_token").map(|t| ("access_token", t))),
        TokenRule::Authorizer => query.get("access_token").map(|t| ("access_token", t)),
    };
    let Some((param, token)) = found.filter(|(_, token)| !token.is_empty()) else {
        return Err(ApiError::new(41001, "access_token missing"));
    };
    record.token_param = Some(param);
    record.token_kind = "invalid";
    let owner = sim.tokens.check(token, request.now).map_err(|error| match error {
        TokenError::Invalid => ApiError::new(40001, "invalid credential, access_token is invalid or not latest"),
        TokenError::Expired => ApiError::new(42001, "access_token expired"),
    })?;
    record.token_kind = match owner {
        Owner::Component => "component",
        Owner::Authorizer(_) => "authorizer",
    };
    match (rule, owner) {
        (TokenRule::Component, Owner::Authorizer(_)) => {
            Err(ApiError::new(61014, "must use component token for component api"))
        }
        // §0.2: a component token where an authorizer token belongs is simply not a valid token there.
        (TokenRule::Authorizer, Owner::Component) => Err(ApiError::new(
            40001,
            "invalid credential, access_token is invalid or not latest",
        )),
        (_, Owner::Component) => Ok(Caller::Component),
        (_, Owner::Authorizer(index)) => Ok(Caller::Authorizer(index)),
    }
}

fn render(answer: Answer) -> Response {
    match answer.reply {
        Reply::Json(value) => (answer.status, axum::Json(value)).into_response(),
        Reply::Bytes { content_type, bytes } => {
            let mut response = (answer.status, bytes).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            response
        }
    }
}

/// A response whose body fails mid-stream, so the client sees the connection drop (fault `drop`).
fn dropped() -> Response {
    let failing = futures_util::stream::once(async { Err::<Bytes, std::io::Error>(std::io::Error::other("dropped")) });
    Response::new(Body::from_stream(failing))
}
