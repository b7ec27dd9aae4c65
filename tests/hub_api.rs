//! The hub–console contract (`wxdesk::hubapi`, DESIGN.md "Hub API for consoles"): every type survives JSON both
//! ways, DESIGN.md's fixed shapes parse into the types, the OpenAPI document lists exactly the routes the hub serves,
//! every error is an `ErrorBody`, and the activity log holds actions (not reads) with working filters and paging.

mod hub_support;

use std::collections::BTreeMap;
use std::fmt::Debug;

use hub_support::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wxdesk::hubapi::*;
use wxdesk::wechat::AuthType;

/// Serializes `value`, reads it back, and checks nothing was lost or renamed on the way.
fn round_trips<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) {
    let json = serde_json::to_value(value).unwrap_or_else(|e| panic!("{value:?} does not serialize: {e}"));
    let back: T = serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{json} does not read back: {e}"));
    assert_eq!(&back, value, "{json}");
}

const APPID: &str = "wx0123456789abcdef";

fn authorization() -> Authorization {
    Authorization {
        authorizer_appid: APPID.into(),
        nick_name: Some("示例商户".into()),
        kind: Some(AccountKind::MiniProgram),
        func_ids: vec![17, 18],
        pre_auth_code: Some("preauthcode@@@abc".into()),
    }
}

fn audit() -> AuditResult {
    AuditResult {
        authorizer_appid: Some(APPID.into()),
        user_name: "gh_fb9688c2a4b2".into(),
        reason: Some("模板不符".into()),
        screenshots: vec!["m1".into(), "m2".into()],
        time: 1_488_856_741,
    }
}

fn audit_row() -> Audit {
    Audit {
        appid: APPID.into(),
        nick_name: Some("味知鲜".into()),
        auditid: Some(412_000_001),
        user_version: Some("1.4.0".into()),
        user_desc: Some("spring menu".into()),
        status: AuditStatus::Rejected,
        submitted_at: Some(1_488_850_000),
        resolved_at: Some(1_488_856_741),
        reasons: vec!["1. 名称不符".into(), "2. 类目不符".into()],
        screenshots: vec!["m1".into()],
        screenshot_files: vec![ScreenshotFile {
            media_id: "m1".into(),
            available: false,
            attempts: 1,
            last_error: Some("WeChat error -1".into()),
            next_at: Some(1_488_856_800),
        }],
        source: AuditSource::Push,
        updated_at: 1_488_856_742,
        gray_percentage: None,
        withdrawals: Default::default(),
    }
}

fn job(state: JobState, items: Vec<JobItem>) -> Job {
    let mut counts = JobCounts::default();
    for item in &items {
        counts.add(item.state, 1);
    }
    Job {
        id: 7,
        kind: JobKind::Deployment,
        state,
        reason: (state == JobState::Halted).then(|| "failure threshold".into()),
        created_by: "alice".into(),
        created_at: 1_763_700_000,
        updated_at: 1_763_700_060,
        counts,
        items,
    }
}

fn item(state: ItemState) -> JobItem {
    JobItem {
        appid: APPID.into(),
        wave: 1,
        step: "commit".into(),
        state,
        errcode: (state == ItemState::Failed).then_some(85013),
        message: (state == ItemState::Failed).then(|| "invalid ext_json".into()),
        auditid: (state == ItemState::WaitingAudit).then_some(412_000_001),
        reason: (state == ItemState::Skipped).then(|| wxdesk::hubapi::item_reason::ALREADY_ONLINE.into()),
        updated_at: 1_763_700_030,
    }
}

/// One value of every `HubEventKind` variant. The match has no catch-all arm: a new kind does not compile until it
/// is listed here.
fn every_event_kind() -> Vec<HubEventKind> {
    let kinds = vec![
        HubEventKind::TicketReceived,
        HubEventKind::Authorized(authorization()),
        HubEventKind::UpdateAuthorized(Authorization {
            pre_auth_code: None,
            kind: Some(AccountKind::OfficialAccount),
            ..authorization()
        }),
        HubEventKind::Unauthorized {
            authorizer_appid: APPID.into(),
        },
        HubEventKind::AuditSuccess(AuditResult {
            reason: None,
            screenshots: vec![],
            ..audit()
        }),
        HubEventKind::AuditFail(audit()),
        HubEventKind::AuditDelay(AuditResult {
            authorizer_appid: None,
            ..audit()
        }),
        HubEventKind::AuditUpdated(audit_row()),
        HubEventKind::RegistrationResult(RegistrationResult {
            info_type: "notify_third_fasteregister".into(),
            appid: Some(APPID.into()),
            status: 0,
            msg: "OK".into(),
            info: json!({ "name": "杭州味知鲜餐饮管理有限公司", "code_type": 1 }),
        }),
        HubEventKind::RegistrationUpdated {
            registration: Registration {
                id: 3,
                kind: RegistrationKind::Enterprise,
                state: RegistrationState::Succeeded,
                status_code: Some(0),
                status_text: Some("OK".into()),
                taskid: "4f1e0c".into(),
                appid: Some(APPID.into()),
                authorize_url: "https://mp.weixin.qq.com/wxawap/fastregisterauth?action=show&taskid=4f1e0c".into(),
                label: "杭州味知鲜餐饮管理有限公司".into(),
                created_by: "alice".into(),
                created_at: 1_763_700_000,
                expires_at: 1_763_786_400,
                updated_at: 1_763_700_900,
            },
        },
        HubEventKind::AuthorizerUpdated {
            authorizer_appid: APPID.into(),
        },
        HubEventKind::TokenRefreshed(TokenRefreshed {
            token: "authorizer".into(),
            authorizer_appid: Some(APPID.into()),
            expires_at: 1_763_707_200,
        }),
        HubEventKind::JobProgress(job(JobState::Running, vec![])),
        HubEventKind::Error(HubErrorEvent {
            context: "api_query_auth".into(),
            errcode: Some(61010),
            message: "code is expired".into(),
        }),
        HubEventKind::Unknown,
    ];
    for kind in &kinds {
        match kind {
            HubEventKind::TicketReceived
            | HubEventKind::Authorized(_)
            | HubEventKind::UpdateAuthorized(_)
            | HubEventKind::Unauthorized { .. }
            | HubEventKind::AuditSuccess(_)
            | HubEventKind::AuditFail(_)
            | HubEventKind::AuditDelay(_)
            | HubEventKind::AuditUpdated(_)
            | HubEventKind::RegistrationResult(_)
            | HubEventKind::RegistrationUpdated { .. }
            | HubEventKind::AuthorizerUpdated { .. }
            | HubEventKind::TokenRefreshed(_)
            | HubEventKind::JobProgress(_)
            | HubEventKind::Error(_)
            | HubEventKind::Unknown => {}
        }
    }
    kinds
}

#[test]
fn every_hub_event_kind_round_trips_with_its_name_as_the_tag() {
    let kinds = every_event_kind();
    let names: std::collections::BTreeSet<&str> = kinds.iter().map(HubEventKind::name).collect();
    assert_eq!(names.len(), kinds.len(), "one value of each kind: {names:?}");
    for (n, kind) in kinds.into_iter().enumerate() {
        let event = HubEvent {
            seq: n as i64 + 1,
            at: 1_763_700_000,
            kind,
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["kind"], event.kind.name(), "{json}");
        assert_eq!(json["seq"], event.seq);
        round_trips(&event);
    }
    // Payloads whose own field is called `kind` carry it under another name, so the tag stays the event's kind.
    let authorized = serde_json::to_value(HubEvent {
        seq: 1,
        at: 2,
        kind: HubEventKind::Authorized(authorization()),
    })
    .unwrap();
    assert_eq!(
        (&authorized["kind"], &authorized["account_kind"]),
        (&json!("authorized"), &json!("miniprogram"))
    );
    let progress = serde_json::to_value(HubEvent {
        seq: 1,
        at: 2,
        kind: HubEventKind::JobProgress(job(JobState::Running, vec![])),
    })
    .unwrap();
    assert_eq!(
        (&progress["kind"], &progress["job"]["kind"]),
        (&json!("job_progress"), &json!("deployment"))
    );
    round_trips(&EventsPage {
        events: vec![HubEvent {
            seq: 3,
            at: 1,
            kind: HubEventKind::TicketReceived,
        }],
        next: 3,
    });
    round_trips(&EventsQuery {
        after: Some(3),
        wait_secs: Some(25),
    });
}

#[test]
fn an_event_kind_this_build_does_not_know_is_unknown_not_an_error() {
    let page: EventsPage = serde_json::from_value(json!({
        "events": [
            { "seq": 1, "at": 2, "kind": "something_new", "with": ["fields", "we", "never", "saw"] },
            { "seq": 2, "at": 3, "kind": "ticket_received" },
        ],
        "next": 2,
    }))
    .unwrap();
    assert_eq!(page.events[0].kind, HubEventKind::Unknown);
    assert_eq!(page.events[1].kind, HubEventKind::TicketReceived);
}

#[test]
fn every_enum_value_round_trips_with_its_own_spelling() {
    for state in JobState::ALL {
        round_trips(&state);
        assert_eq!(serde_json::to_value(state).unwrap(), state.as_str());
        assert_eq!(JobState::parse(state.as_str()), Some(state));
    }
    for state in ItemState::ALL {
        round_trips(&state);
        assert_eq!(serde_json::to_value(state).unwrap(), state.as_str());
        assert_eq!(ItemState::parse(state.as_str()), Some(state));
    }
    for kind in [JobKind::AuthorizerSync, JobKind::Deployment, JobKind::Other] {
        round_trips(&kind);
        assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
    }
    assert_eq!(
        serde_json::from_value::<JobKind>(json!("registration")).unwrap(),
        JobKind::Other,
        "a newer hub's job kind"
    );
    let codes = [
        (ErrorCode::InvalidRequest, "invalid_request", 400),
        (ErrorCode::InvalidPlan, "invalid_plan", 400),
        (ErrorCode::Unauthorized, "unauthorized", 401),
        (ErrorCode::Forbidden, "forbidden", 403),
        (ErrorCode::NotFound, "not_found", 404),
        (ErrorCode::Conflict, "conflict", 409),
        (ErrorCode::Upstream, "upstream", 502),
        (ErrorCode::Unavailable, "unavailable", 503),
        (ErrorCode::Internal, "internal", 500),
        (ErrorCode::Other, "other", 500),
    ];
    for (code, text, status) in codes {
        round_trips(&code);
        assert_eq!(serde_json::to_value(code).unwrap(), text);
        assert_eq!(ApiError::new(code, "x").status(), status, "{code:?}");
    }
    assert_eq!(
        serde_json::from_value::<ErrorCode>(json!("rate_limited")).unwrap(),
        ErrorCode::Other,
        "a newer hub's error code"
    );
    for (outcome, text) in [(Outcome::Ok, "ok"), (Outcome::Failed, "failed")] {
        round_trips(&outcome);
        assert_eq!(serde_json::to_value(outcome).unwrap(), text);
    }
    for (kind, text) in [
        (AccountKind::MiniProgram, "miniprogram"),
        (AccountKind::OfficialAccount, "official_account"),
    ] {
        round_trips(&kind);
        assert_eq!(serde_json::to_value(kind).unwrap(), text);
    }
}

#[test]
fn every_request_and_response_round_trips() {
    round_trips(&Status {
        component_appid: "wx1c0mp0nent0appid".into(),
        ticket: Some(TicketStatus {
            received_at: 1_763_700_000,
            age_secs: 30,
        }),
        component_token: Some(TokenStatus {
            expires_at: 1_763_707_200,
        }),
        last_error: Some(LastError {
            at: 1_763_700_010,
            context: "component_token".into(),
            errcode: Some(61004),
            message: "access clientip is not registered".into(),
        }),
        now: 1_763_700_030,
        audit_quota: Some(AuditQuota {
            rest: 8,
            limit: 27,
            speedup_rest: 1,
            speedup_limit: 3,
            read_at: 1_763_700_020,
        }),
        ticket_request: Some(TicketRequest {
            requested_at: 1_763_700_001,
            error: Some(TicketRequestError {
                errcode: Some(61004),
                message: "access clientip is not registered".into(),
            }),
        }),
    });
    round_trips(&Status {
        component_appid: "wx1c0mp0nent0appid".into(),
        ticket: None,
        component_token: None,
        last_error: None,
        now: 0,
        audit_quota: None,
        ticket_request: None,
    });
    for auth_type in AuthType::ALL {
        round_trips(&PreauthRequest {
            auth_type,
            biz_appid: None,
            category_id_list: None,
        });
    }
    round_trips(&PreauthRequest {
        auth_type: AuthType::MiniProgram,
        biz_appid: Some(APPID.into()),
        category_id_list: Some(vec![17, 18]),
    });
    round_trips(&Preauth {
        pre_auth_code: "preauthcode@@@abc".into(),
        expires_at: 1_763_701_800,
        pc_url: "https://mp.weixin.qq.com/cgi-bin/componentloginpage?pre_auth_code=x".into(),
        h5_url: "https://open.weixin.qq.com/wxaopen/safe/bindcomponent?pre_auth_code=x#wechat_redirect".into(),
    });
    let authorizer = Authorizer {
        authorizer_appid: APPID.into(),
        nick_name: Some("美妆饰品".into()),
        kind: Some(AccountKind::MiniProgram),
        principal_name: Some("个人".into()),
        verify_type: Some(-1),
        service_type: Some(0),
        user_name: Some("gh_c43395cb652e".into()),
        head_img: Some("http://wx.qlogo.cn/mmopen/x/0".into()),
        authorized_at: 1_558_000_607,
        revoked_at: Some(1_558_000_700),
        func_ids: vec![3, 7, 17, 18],
    };
    round_trips(&authorizer);
    round_trips(&Authorizer {
        authorizer_appid: APPID.into(),
        ..Authorizer::default()
    });
    round_trips(&AuthorizerPage {
        total: 1,
        offset: 0,
        authorizers: vec![authorizer],
    });
    round_trips(&AuthorizerQuery {
        query: Some("美妆".into()),
        offset: Some(500),
        limit: Some(500),
    });
    round_trips(&AuthorizerQuery::default());
    let activity = Activity {
        seq: 4,
        at: 1_763_700_000,
        operator: "alice".into(),
        action: "call.wxa/commit".into(),
        target: Some(APPID.into()),
        outcome: Outcome::Failed,
        reason: Some("WeChat error 85013: invalid ext_json".into()),
        errcode: Some(85013),
        detail: Some("template 12".into()),
    };
    round_trips(&activity);
    round_trips(&ActivityPage {
        activity: vec![activity],
        next: 4,
    });
    round_trips(&ActivityQuery {
        after: Some(1),
        before: Some(9),
        limit: Some(50),
        operator: Some("alice".into()),
        action: Some("job.".into()),
    });
    round_trips(&CallRequest {
        authorizer_appid: Some(APPID.into()),
        method: "GET".into(),
        path: "/wxa/get_category".into(),
        query: BTreeMap::from([("action".to_owned(), json!("get_list")), ("page".to_owned(), json!(1))]),
        body: Some(json!({ "item_list": [] })),
    });
    let states: Vec<JobItem> = ItemState::ALL.into_iter().map(item).collect();
    for state in JobState::ALL {
        round_trips(&job(state, states.clone()));
    }
    round_trips(&JobList {
        jobs: vec![job(JobState::Completed, vec![])],
    });
    round_trips(&JobQuery {
        kind: Some(JobKind::AuthorizerSync),
        state: Some(JobState::Running),
    });
    round_trips(&RetryRequest {
        appids: vec![APPID.into()],
    });
    round_trips(&JobCreated { id: 7 });
    round_trips(&ErrorBody {
        error: ApiError::invalid_field("auth_type", "must be one of 1, 2, 3, 4, 5, 6, 8"),
    });
    round_trips(&ErrorBody {
        error: ApiError {
            errcode: Some(61004),
            ..ApiError::new(ErrorCode::Upstream, "WeChat error 61004")
        },
    });
}

/// Every field of `fixture` is in `written`, with the same value: the type writes DESIGN.md's shape (it may add
/// fields), so a renamed field fails here even where the fixture's value is `null`.
fn assert_has_shape(fixture: &Value, written: &Value, at: &str) {
    match (fixture, written) {
        (Value::Object(fixture), Value::Object(written)) => {
            for (key, value) in fixture {
                let place = format!("{at}.{key}");
                let found = written.get(key).unwrap_or_else(|| panic!("{place} is not written"));
                assert_has_shape(value, found, &place);
            }
        }
        (Value::Array(fixture), Value::Array(written)) => {
            assert_eq!(fixture.len(), written.len(), "{at}");
            for (n, (value, found)) in fixture.iter().zip(written).enumerate() {
                assert_has_shape(value, found, &format!("{at}[{n}]"));
            }
        }
        _ => assert_eq!(fixture, written, "{at}"),
    }
}

/// DESIGN.md's `GET /api/v1/jobs/{id}`, as printed there (with values for its `…`).
#[test]
fn the_job_shape_of_design_md_parses() {
    let fixture = json!({
        "id": 7, "kind": "deployment", "state": "waiting_approval",
        "reason": null, "created_by": "alice", "created_at": 1_763_700_000, "updated_at": 1_763_700_600,
        "counts": { "total": 300, "pending": 200, "in_progress": 3, "waiting_audit": 40, "approved": 10,
                    "released": 40, "rejected": 2, "failed": 4, "skipped": 1, "cancelled": 0 },
        "items": [ { "appid": APPID, "wave": 0, "step": "commit", "state": "failed", "errcode": 85013,
                     "message": "invalid ext_json", "auditid": null, "updated_at": 1_763_700_300 },
                   { "appid": "wx00000000000000ff", "wave": 1, "step": "submit_audit", "state": "waiting_audit",
                     "errcode": null, "message": null, "auditid": 412_000_001, "updated_at": 1_763_700_400 } ]
    });
    let job: Job = serde_json::from_value(fixture.clone()).unwrap();
    assert_has_shape(&fixture, &serde_json::to_value(&job).unwrap(), "job");
    assert_eq!(job.items[1].auditid, Some(412_000_001));
    assert_eq!(
        (job.id, job.kind, job.state),
        (7, JobKind::Deployment, JobState::WaitingApproval)
    );
    assert_eq!(job.reason, None);
    assert_eq!(job.counts.total, 300);
    assert_eq!(job.counts.done, 0, "`done` may be left out");
    assert_eq!(job.counts.finished(), 300 - 200 - 3 - 40);
    let item = &job.items[0];
    assert_eq!(item.state, ItemState::Failed);
    assert_eq!(item.errcode, Some(85013));
    assert_eq!(item.auditid, None);

    // Every state DESIGN.md names for jobs and items parses.
    for state in [
        "running",
        "paused",
        "waiting_approval",
        "halted",
        "completed",
        "cancelled",
    ] {
        assert!(JobState::parse(state).is_some(), "{state}");
        serde_json::from_value::<JobState>(json!(state)).unwrap();
    }
    for state in [
        "pending",
        "in_progress",
        "waiting_audit",
        "approved",
        "released",
        "rejected",
        "failed",
        "skipped",
        "cancelled",
    ] {
        serde_json::from_value::<ItemState>(json!(state)).unwrap();
    }
    // A list leaves `items` out.
    let listed: JobList = serde_json::from_value(json!({ "jobs": [ {
        "id": 1, "kind": "authorizer_sync", "state": "completed", "reason": null, "created_by": "bob",
        "created_at": 1, "updated_at": 2,
        "counts": { "total": 0, "pending": 0, "in_progress": 0, "waiting_audit": 0, "approved": 0, "released": 0,
                    "rejected": 0, "failed": 0, "skipped": 0, "cancelled": 0 } } ] }))
    .unwrap();
    assert!(listed.jobs[0].items.is_empty());
}

/// DESIGN.md's error shape: `{error: {code, message, fields?}}`, as a plan refusal prints it.
#[test]
fn the_error_shape_of_design_md_parses() {
    let fixture = json!({
        "error": { "code": "invalid_plan", "message": "2 fields are invalid",
                   "fields": { "appids[3]": "not an appid", "waves[1]": "must be a count or a percentage" } }
    });
    let refused: ErrorBody = serde_json::from_value(fixture.clone()).unwrap();
    assert_has_shape(&fixture, &serde_json::to_value(&refused).unwrap(), "body");
    assert_eq!(refused.error.code, ErrorCode::InvalidPlan);
    assert_eq!(refused.error.status(), 400);
    let fields = refused.error.fields.unwrap();
    assert_eq!(fields["appids[3]"], "not an appid");
    assert_eq!(refused.error.errcode, None);

    let bare: ErrorBody =
        serde_json::from_value(json!({ "error": { "code": "not_found", "message": "no such job" } })).unwrap();
    assert_eq!((bare.error.code, &bare.error.fields), (ErrorCode::NotFound, &None));
    // Optional parts are left out, not sent as null.
    let json = serde_json::to_value(&bare).unwrap();
    assert_eq!(
        json,
        json!({ "error": { "code": "not_found", "message": "no such job" } })
    );
}

/// Every console route of DESIGN.md's table that this build serves, with its method (deployments, audits and
/// registrations come with the jobs that serve them).
const CONSOLE_ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/status"),
    ("post", "/api/v1/preauth"),
    ("get", "/api/v1/authorizers"),
    ("get", "/api/v1/authorizers/{appid}"),
    ("post", "/api/v1/authorizers/sync"),
    ("post", "/api/v1/call"),
    ("get", "/api/v1/jobs"),
    ("get", "/api/v1/jobs/{id}"),
    ("post", "/api/v1/jobs/{id}/pause"),
    ("post", "/api/v1/jobs/{id}/resume"),
    ("post", "/api/v1/jobs/{id}/approve"),
    ("post", "/api/v1/jobs/{id}/cancel"),
    ("post", "/api/v1/jobs/{id}/retry"),
    ("get", "/api/v1/events"),
    ("get", "/api/v1/activity"),
    ("get", "/api/v1/audits"),
    ("get", "/api/v1/audits/{appid}/screenshots/{media_id}"),
    ("get", "/api/v1/release-check"),
];

/// Routes without an operator key: health, this document, and what WeChat and the merchant's browser call.
const OPEN_ROUTES: &[(&str, &str)] = &[
    ("get", "/healthz"),
    ("get", "/api/v1/openapi.json"),
    ("post", "/wechat/component"),
    ("post", "/wechat/message/{appid}"),
    ("get", "/wechat/authorized"),
    ("get", "/wechat/fastregister"),
    ("get", "/{file_name}"),
];

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Every (method, path) the document lists.
fn documented(document: &Value) -> std::collections::BTreeSet<(String, String)> {
    let paths = document["paths"].as_object().expect("the document has paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            let item = item.as_object().expect("a path item");
            item.keys()
                .filter(|key| METHODS.contains(&key.as_str()))
                .map(|method| (method.clone(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[tokio::test]
async fn the_openapi_document_lists_exactly_the_routes_the_hub_serves() {
    let dir = tempfile::tempdir().unwrap();
    let hub = TestHub::start(dir.path(), "http://127.0.0.1:9").await;
    let response = hub.http.get(hub.url("/api/v1/openapi.json")).send().await.unwrap();
    assert_eq!(response.status(), 200, "the document needs no key");
    let content_type = response.headers()[reqwest::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("application/json"), "{content_type}");
    let document: Value = response.json().await.unwrap();
    assert!(
        document["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "OpenAPI 3: {}",
        document["openapi"]
    );
    assert_eq!(
        document,
        serde_json::to_value(wxdesk::hub::openapi()).unwrap(),
        "the hub serves wxdesk::hub::openapi()"
    );
    let listed = documented(&document);
    for (method, path) in CONSOLE_ROUTES.iter().chain(OPEN_ROUTES) {
        assert!(
            listed.contains(&(method.to_string(), path.to_string())),
            "{} {path} is missing from the document",
            method.to_uppercase()
        );
    }
    // The document's schemas include the contract's types, so clients can be generated from it.
    for schema in [
        "ErrorBody",
        "Status",
        "Preauth",
        "AuthorizerPage",
        "Job",
        "EventsPage",
        "ActivityPage",
        "AuditPage",
        "ReleaseCheck",
    ] {
        assert!(
            document["components"]["schemas"].get(schema).is_some(),
            "schema {schema} is missing"
        );
    }

    // The schemas say what serde sends: the payloads whose own `kind` would collide with the event's tag.
    let schemas = &document["components"]["schemas"];
    let authorization = schemas["Authorization"]["properties"].as_object().unwrap();
    assert!(
        authorization.contains_key("account_kind") && !authorization.contains_key("kind"),
        "{authorization:?}"
    );
    let events = schemas["HubEventKind"].to_string();
    assert!(events.contains("#/components/schemas/JobProgressBody"), "{events}");
    assert!(schemas["JobProgressBody"]["properties"]["job"].is_object());

    // Everything listed is routed: without a key, a console route answers 401 (the gate runs only on matched
    // routes) and an open one anything but 404 or 405.
    for (method, path) in &listed {
        let concrete = path
            .replace("{appid}", APPID)
            .replace("{id}", "1")
            .replace("{media_id}", "m1")
            .replace("{file_name}", "confirm.txt");
        let method_upper = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let response = hub.http.request(method_upper, hub.url(&concrete)).send().await.unwrap();
        let status = response.status().as_u16();
        let open = OPEN_ROUTES.iter().any(|(m, p)| m == method && p == path);
        if open {
            assert!(
                status != 404 && status != 405,
                "{method} {path} is documented but answers {status}"
            );
        } else {
            assert_eq!(status, 401, "{method} {concrete} without a key");
            let body: ErrorBody = response.json().await.unwrap();
            assert_eq!(body.error.code, ErrorCode::Unauthorized);
            let operation = &document["paths"][path.as_str()][method.as_str()];
            assert_eq!(
                operation["security"],
                json!([{ "operator_key": [] }]),
                "{method} {path} documents its key"
            );
        }
    }
    hub.handle.shutdown().await;
}

/// The code of a file without its comments, so prose may name what code may not.
fn code_of(path: &std::path::Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The document is generated from the router only if every route is registered through utoipa-axum's `routes!`:
/// a plain axum `.route(…)` (or a nested router, a fallback) would serve a path the document never shows.
#[test]
fn the_hub_registers_its_routes_only_through_utoipa_axum() {
    let hub_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/hub");
    let mut stack = vec![hub_dir.clone()];
    let mut offenders = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let code = code_of(&path);
            for plain in [
                ".route(",
                ".route_service(",
                ".nest(",
                ".nest_service(",
                ".fallback(",
                ".fallback_service(",
            ] {
                if code.contains(plain) {
                    offenders.push(format!("{}: {plain}", path.display()));
                }
            }
            if path != hub_dir.join("api.rs") && code.contains("Router") {
                offenders.push(format!("{}: builds a router outside api.rs", path.display()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "routes the OpenAPI document cannot see: {offenders:#?}"
    );
    let api = code_of(&hub_dir.join("api.rs"));
    assert!(
        api.contains(".routes(routes!("),
        "api.rs registers its routes with routes!"
    );
}

async fn error_of(response: reqwest::Response) -> (u16, ApiError) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body: ErrorBody =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("HTTP {status} {text:?} is not an ErrorBody: {e}"));
    (status, body.error)
}

#[tokio::test]
async fn every_refusal_is_an_error_body_with_the_status_that_fits() {
    let dir = tempfile::tempdir().unwrap();
    let hub = TestHub::start(dir.path(), "http://127.0.0.1:9").await;

    let (status, error) = error_of(hub.http.get(hub.url("/api/v1/status")).send().await.unwrap()).await;
    assert_eq!((status, error.code), (401, ErrorCode::Unauthorized));
    let wrong = hub
        .http
        .get(hub.url("/api/v1/status"))
        .bearer_auth("wxd_wrong")
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(wrong).await;
    assert_eq!((status, error.code), (401, ErrorCode::Unauthorized));

    let (status, error) = error_of(hub.post_json("/api/v1/preauth", &json!({ "auth_type": 7 })).await).await;
    assert_eq!((status, error.code), (400, ErrorCode::InvalidRequest));
    let fields = error.fields.expect("the refusal names the field");
    assert!(fields["auth_type"].contains("1, 2, 3"), "{fields:?}");

    let (status, error) = error_of(
        hub.post_json("/api/v1/preauth", &json!({ "auth_type": 2, "biz_appid": "nope" }))
            .await,
    )
    .await;
    assert_eq!((status, error.code), (400, ErrorCode::InvalidRequest));
    assert!(error.fields.is_some_and(|f| f.contains_key("biz_appid")));

    let malformed = hub
        .http
        .post(hub.url("/api/v1/preauth"))
        .bearer_auth(&hub.key)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(malformed).await;
    assert_eq!((status, error.code), (400, ErrorCode::InvalidRequest));

    let bad_query = hub
        .http
        .get(hub.url("/api/v1/activity?limit=many"))
        .bearer_auth(&hub.key)
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(bad_query).await;
    assert_eq!((status, error.code), (400, ErrorCode::InvalidRequest));

    let missing = hub
        .http
        .get(hub.url("/api/v1/authorizers/wxnobody"))
        .bearer_auth(&hub.key)
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(missing).await;
    assert_eq!((status, error.code), (404, ErrorCode::NotFound));

    let token_path = json!({ "method": "POST", "path": "/cgi-bin/component/api_component_token" });
    let (status, error) = error_of(hub.post_json("/api/v1/call", &token_path).await).await;
    assert_eq!((status, error.code), (403, ErrorCode::Forbidden));
    let unknown_path = json!({ "method": "GET", "path": "/not/a/wechat/path" });
    let (status, error) = error_of(hub.post_json("/api/v1/call", &unknown_path).await).await;
    assert_eq!((status, error.code), (403, ErrorCode::Forbidden));

    // No ticket has reached this hub: it cannot ask WeChat for a code yet.
    let (status, error) = error_of(hub.post_json("/api/v1/preauth", &json!({ "auth_type": 2 })).await).await;
    assert_eq!((status, error.code), (503, ErrorCode::Unavailable));
    hub.handle.shutdown().await;
}

async fn activity(hub: &TestHub, query: &str) -> ActivityPage {
    serde_json::from_value(hub.get_json(&format!("/api/v1/activity{query}")).await).unwrap()
}

fn actions(page: &ActivityPage) -> Vec<(&str, &str, Outcome)> {
    page.activity
        .iter()
        .map(|a| (a.operator.as_str(), a.action.as_str(), a.outcome))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn activity_holds_actions_not_reads_and_filters_and_pages() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, hub) = connected(dir.path(), &[]).await;

    let created = hub.post_json("/api/v1/preauth", &json!({ "auth_type": 2 })).await;
    assert_eq!(created.status(), 200);
    let preauth: Preauth = created.json().await.unwrap();
    for read in [
        "/api/v1/status",
        "/api/v1/authorizers",
        "/api/v1/events?after=0",
        "/api/v1/activity",
        "/api/v1/openapi.json",
    ] {
        hub.get_json(read).await;
    }
    for refused_read in ["/api/v1/authorizers/wxnobody", "/api/v1/jobs/999999"] {
        let response = hub
            .http
            .get(hub.url(refused_read))
            .bearer_auth(&hub.key)
            .send()
            .await
            .unwrap();
        assert!(!response.status().is_success(), "{refused_read}");
    }
    let page = activity(&hub, "").await;
    assert_eq!(
        actions(&page),
        [("tester", action::PREAUTH_CREATE, Outcome::Ok)],
        "{page:?}"
    );
    let entry = &page.activity[0];
    assert_eq!(entry.target.as_deref(), Some("auth_type=2"));
    assert_eq!((entry.reason.as_deref(), entry.errcode), (None, None));
    assert!(
        !format!("{page:?}").contains(&preauth.pre_auth_code),
        "codes are not kept in the log"
    );

    // A second operator, a failed action and a refused request.
    let bob = hub.handle.add_operator("bob").unwrap();
    let as_bob = |body: Value| {
        hub.http
            .post(hub.url("/api/v1/preauth"))
            .bearer_auth(&bob)
            .json(&body)
            .send()
    };
    assert_eq!(as_bob(json!({ "auth_type": 3 })).await.unwrap().status(), 200);
    assert_eq!(as_bob(json!({ "auth_type": 7 })).await.unwrap().status(), 400);
    assert_eq!(
        hub.http.get(hub.url("/api/v1/status")).send().await.unwrap().status(),
        401
    );

    let all = activity(&hub, "").await;
    assert_eq!(
        actions(&all),
        [
            ("tester", action::PREAUTH_CREATE, Outcome::Ok),
            ("bob", action::PREAUTH_CREATE, Outcome::Ok),
            ("bob", action::PREAUTH_CREATE, Outcome::Failed),
            ("(no key)", action::ACCESS_REFUSED, Outcome::Failed),
        ]
    );
    assert!(
        all.activity[2].reason.is_some(),
        "a failure says why: {:?}",
        all.activity[2]
    );
    let seqs: Vec<i64> = all.activity.iter().map(|a| a.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "oldest first: {seqs:?}");
    assert_eq!(all.next, seqs[3]);

    let bobs = activity(&hub, "?operator=bob").await;
    assert_eq!(bobs.activity.len(), 2);
    assert!(bobs.activity.iter().all(|a| a.operator == "bob"));
    let preauths = activity(&hub, "?action=preauth.").await;
    assert_eq!(preauths.activity.len(), 3, "a name ending in . is a prefix");
    assert!(preauths.activity.iter().all(|a| a.action == action::PREAUTH_CREATE));
    assert!(
        activity(&hub, "?action=preauth").await.activity.is_empty(),
        "otherwise an exact name"
    );
    let bobs_preauths = activity(&hub, "?operator=bob&action=preauth.create").await;
    assert_eq!(bobs_preauths.activity.len(), 2);
    assert_eq!(activity(&hub, &format!("?after={}", seqs[1])).await.activity.len(), 2);

    // Paging back through history: newest first, each page older than the last.
    let newest = activity(&hub, &format!("?before={}&limit=2", seqs[3] + 1)).await;
    let newest_seqs: Vec<i64> = newest.activity.iter().map(|a| a.seq).collect();
    assert_eq!(newest_seqs, [seqs[3], seqs[2]]);
    let older = activity(&hub, &format!("?before={}&limit=2", seqs[2])).await;
    let older_seqs: Vec<i64> = older.activity.iter().map(|a| a.seq).collect();
    assert_eq!(older_seqs, [seqs[1], seqs[0]]);
    assert!(
        activity(&hub, &format!("?before={}", seqs[0]))
            .await
            .activity
            .is_empty()
    );
    let bobs_newest = activity(&hub, &format!("?before={}&operator=bob&limit=1", seqs[3] + 1)).await;
    assert_eq!(
        bobs_newest.activity.iter().map(|a| a.seq).collect::<Vec<_>>(),
        [seqs[2]]
    );
    hub.handle.shutdown().await;
}
