//! `Client` against a tiny axum server on loopback: token injection, retries of reads only, binary pass-through,
//! errcode mapping, absent errcode as success, and no token in error messages.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use wxdesk::wechat::api::{Empty, account, code, component, media, register, release, template};
use wxdesk::wechat::{Client, ClientConfig, ComponentAppId, Hosts, RetryPolicy, Secret, WxError, lookup};

#[derive(Default)]
struct Counters {
    plan: AtomicUsize,
    commit: AtomicUsize,
    quota: AtomicUsize,
    busy_left: AtomicUsize,
}

type Shared = Arc<Counters>;

fn json(body: &str) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body.to_owned()).into_response()
}

async fn plan(State(c): State<Shared>) -> Response {
    c.plan.fetch_add(1, Ordering::SeqCst);
    let busy = c
        .busy_left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if busy {
        return json(r#"{"errcode":-1,"errmsg":"system error rid: 1"}"#);
    }
    json(r#"{"errcode":0,"errmsg":"ok","gray_release_plan":{"status":1,"create_timestamp":1,"gray_percentage":8}}"#)
}

async fn commit(State(c): State<Shared>) -> Response {
    c.commit.fetch_add(1, Ordering::SeqCst);
    json(r#"{"errcode":-1,"errmsg":"system error"}"#)
}

async fn slow_quota(State(c): State<Shared>) -> Response {
    c.quota.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(5)).await;
    json(r#"{"errcode":0,"errmsg":"ok","rest":1}"#)
}

async fn qrcode(Query(q): Query<HashMap<String, String>>) -> Response {
    if q.get("path").map(String::as_str) == Some("missing/page") {
        return (
            [(header::CONTENT_TYPE, "text/plain")],
            r#"{"errcode":86001,"errmsg":"no code"}"#,
        )
            .into_response();
    }
    (
        [(header::CONTENT_TYPE, "image/jpeg")],
        vec![0xFF, 0xD8, 0xFF, 0xE0, b'{', 0x00],
    )
        .into_response()
}

async fn echo_query(RawQuery(q): RawQuery) -> Response {
    // Answers like a token endpoint (no errcode) and reports the query it saw in the token field.
    json(&format!(
        r#"{{"component_access_token":"{}","expires_in":7200}}"#,
        q.unwrap_or_default()
    ))
}

async fn whitelist() -> Response {
    json(r#"{"errcode":61004,"errmsg":"access clientip is not registered rid: 2"}"#)
}

async fn require_post() -> Response {
    json(r#"{"errcode":43002,"errmsg":"require POST method"}"#)
}

async fn basic_info() -> Response {
    json(r#"{"errcode":0,"errmsg":"ok","appid":"wxdc685123d955453","account_type":3}"#)
}

/// Answers like `fastregisterweapp`/`gettemplatelist` and reports the query it saw in a text field.
async fn echo_in_template(RawQuery(q): RawQuery) -> Response {
    let q = q.unwrap_or_default();
    json(&format!(
        r#"{{"errcode":0,"errmsg":"ok","template_list":[{{"create_time":1,"template_id":3,"user_desc":"{q}"}}]}}"#
    ))
}

async fn broken() -> Response {
    (axum::http::StatusCode::BAD_GATEWAY, "bad gateway").into_response()
}

async fn start() -> (Client, Shared) {
    let counters = Shared::default();
    let app = Router::new()
        .route("/wxa/getgrayreleaseplan", get(plan))
        .route("/wxa/commit", post(commit))
        .route("/wxa/queryquota", get(slow_quota))
        .route("/wxa/get_qrcode", get(qrcode))
        .route("/cgi-bin/component/api_component_token", post(echo_query))
        .route("/cgi-bin/component/api_create_preauthcode", post(whitelist))
        .route("/wxa/get_category", get(broken))
        .route(
            "/cgi-bin/account/getaccountbasicinfo",
            get(require_post).post(basic_info),
        )
        .route("/wxa/gettemplatelist", get(echo_in_template))
        .route("/cgi-bin/component/fastregisterweapp", post(echo_in_template))
        .with_state(counters.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let config = ClientConfig {
        timeout: Duration::from_millis(300),
        retry: RetryPolicy {
            attempts: 3,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
        },
    };
    (Client::with_config(Hosts::single(&base), config).unwrap(), counters)
}

fn token_request() -> component::ComponentTokenRequest {
    component::ComponentTokenRequest {
        component_appid: ComponentAppId::from_wire("wx134c8103faa5a59e"),
        component_appsecret: Secret::new("s"),
        component_verify_ticket: "ticket@@@x".into(),
    }
}

#[tokio::test]
async fn a_read_is_retried_on_minus_one_until_it_succeeds() {
    let (client, counters) = start().await;
    counters.busy_left.store(2, Ordering::SeqCst);
    let plan = client
        .execute::<release::GetGrayReleasePlan>(Some("A"), &[], &Empty {})
        .await
        .unwrap();
    assert_eq!(plan.gray_release_plan.gray_percentage, 8);
    assert_eq!(counters.plan.load(Ordering::SeqCst), 3);

    counters.busy_left.store(10, Ordering::SeqCst);
    let err = client
        .execute::<release::GetGrayReleasePlan>(Some("A"), &[], &Empty {})
        .await
        .unwrap_err();
    assert_eq!(err.errcode(), Some(-1));
    assert_eq!(
        counters.plan.load(Ordering::SeqCst),
        6,
        "three attempts, then the error"
    );
}

#[tokio::test]
async fn a_write_is_never_retried() {
    let (client, counters) = start().await;
    let body = code::CommitRequest {
        template_id: wxdesk::wechat::TemplateId(1),
        ext_json: "{}".into(),
        user_version: "1.0.0".into(),
        user_desc: "d".into(),
    };
    let err = client.execute::<code::Commit>(Some("A"), &[], &body).await.unwrap_err();
    assert_eq!(
        err,
        WxError::Api {
            errcode: -1,
            errmsg: "system error".into()
        }
    );
    assert_eq!(counters.commit.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_read_that_times_out_is_retried_then_reports_timeout() {
    let (client, counters) = start().await;
    let err = client
        .execute::<release::QueryQuota>(Some("A"), &[], &Empty {})
        .await
        .unwrap_err();
    assert_eq!(err, WxError::Timeout);
    assert_eq!(counters.quota.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_5xx_is_an_http_error() {
    let (client, _) = start().await;
    let err = client
        .execute::<code::GetCategory>(Some("A"), &[], &Empty {})
        .await
        .unwrap_err();
    assert_eq!(err, WxError::Http { status: 502 });
    assert!(err.is_transient());
}

#[tokio::test]
async fn binary_answers_pass_through_and_json_errors_become_api_errors() {
    let (client, _) = start().await;
    let image = client
        .execute::<media::GetQrcode>(Some("A"), &[], &media::QrcodeRequest { path: None })
        .await
        .unwrap();
    assert_eq!(
        (image.content_type.as_str(), &image.bytes[..2]),
        ("image/jpeg", &[0xFF, 0xD8][..])
    );

    let info = lookup("/wxa/get_qrcode").unwrap();
    let raw = client.execute_raw(info, Some("A"), &[], None).await.unwrap();
    assert!(raw.is_image());
    assert_eq!(raw.body.len(), 6);

    let missing = media::QrcodeRequest {
        path: Some("missing/page".into()),
    };
    let err = client
        .execute::<media::GetQrcode>(Some("A"), &[], &missing)
        .await
        .unwrap_err();
    assert_eq!(err.errcode(), Some(86001));
}

#[tokio::test]
async fn absent_errcode_is_success_and_the_token_goes_where_the_endpoint_wants_it() {
    let (client, _) = start().await;
    // api_component_token takes no token: the one given must not be sent, and neither may a stray one in the query.
    let answer = client
        .execute::<component::ComponentToken>(Some("LEAK"), &[], &token_request())
        .await
        .unwrap();
    assert_eq!(answer.expires_in, 7200);
    assert_eq!(answer.component_access_token.expose(), "");
    let info = lookup("/cgi-bin/component/api_component_token").unwrap();
    let query = vec![
        ("access_token".to_owned(), "LEAK".to_owned()),
        ("x".to_owned(), "1".to_owned()),
    ];
    let raw = client
        .execute_raw(info, None, &query, Some(b"{}".to_vec()))
        .await
        .unwrap();
    let echoed: serde_json::Value = serde_json::from_slice(&raw.body).unwrap();
    assert_eq!(echoed["component_access_token"], "x=1");
}

#[tokio::test]
async fn a_platform_error_is_typed_and_explained() {
    let (client, _) = start().await;
    let body = component::ComponentAppIdRequest {
        component_appid: ComponentAppId::from_wire("wx134c8103faa5a59e"),
    };
    let err = client
        .execute::<component::CreatePreAuthCode>(Some("C"), &[], &body)
        .await
        .unwrap_err();
    assert_eq!(err.errcode(), Some(61004));
    assert!(!err.is_token_invalid());
    assert!(err.explain().unwrap().action_en.contains("whitelist"));
}

#[tokio::test]
async fn transport_errors_never_show_the_token() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::new(Hosts::single(&base)).unwrap();
    let err = client
        .execute::<release::Release>(Some("SECRET_TOKEN_123"), &[], &Empty {})
        .await
        .unwrap_err();
    assert!(matches!(err, WxError::Transport(_)), "{err:?}");
    assert!(!err.to_string().contains("SECRET_TOKEN_123"), "{err}");
    assert!(!format!("{err:?}").contains("SECRET_TOKEN_123"));
}

#[tokio::test]
async fn getaccountbasicinfo_falls_back_to_post_when_get_is_refused() {
    let (client, _) = start().await;
    let info = client
        .execute::<account::GetAccountBasicInfo>(Some("A"), &[], &Empty {})
        .await
        .unwrap();
    assert_eq!((info.appid.as_str(), info.account_type), ("wxdc685123d955453", 3));
}

#[tokio::test]
async fn get_requests_become_query_parameters_and_fixed_actions_are_sent() {
    let (client, _) = start().await;
    let request = template::TemplateListRequest { template_type: Some(1) };
    let list = client
        .execute::<template::GetTemplateList>(Some("C"), &[], &request)
        .await
        .unwrap();
    assert_eq!(list.template_list[0].user_desc, "access_token=C&template_type=1");
    let all = client
        .execute::<template::GetTemplateList>(Some("C"), &[], &Default::default())
        .await
        .unwrap();
    assert_eq!(
        all.template_list[0].user_desc, "access_token=C",
        "an absent template_type is not sent"
    );

    let body = register::FastRegisterWeappRequest {
        name: "tencent".into(),
        code: "123".into(),
        code_type: register::code_type::UNIFIED_SOCIAL_CREDIT,
        legal_persona_wechat: "123".into(),
        legal_persona_name: "candy".into(),
        component_phone: None,
    };
    let raw = client
        .execute_raw(
            wxdesk::wechat::lookup("/cgi-bin/component/fastregisterweapp").unwrap(),
            Some("C"),
            &[("action".into(), "create".into())],
            Some(serde_json::to_vec(&body).unwrap()),
        )
        .await
        .unwrap();
    let echoed: serde_json::Value = serde_json::from_slice(&raw.body).unwrap();
    assert_eq!(
        echoed["template_list"][0]["user_desc"],
        "component_access_token=C&action=create"
    );
}
