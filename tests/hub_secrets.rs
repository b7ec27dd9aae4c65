//! No secret at rest or in logs: after a full session against the simulator (ticket, two authorizations, relayed
//! calls, token refreshes after the platform's clock moves two hours, a sync), the hub's database files and its log
//! output contain none of the provider's secrets and none of the access or refresh tokens the simulator issued.
//!
//! A recording proxy between the hub and the simulator collects every token the simulator hands out.

mod hub_support;

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use hub_support::*;
use serde_json::{Value, json};

type Seen = Arc<Mutex<Vec<Vec<u8>>>>;

struct Proxy {
    target: String,
    http: reqwest::Client,
    seen: Seen,
}

async fn forward(
    State(proxy): State<Arc<Proxy>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, HeaderMap, Bytes) {
    let url = format!(
        "{}{}",
        proxy.target,
        uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    );
    let mut request = proxy.http.request(method, url).body(body);
    if let Some(content_type) = headers.get("content-type") {
        request = request.header("content-type", content_type);
    }
    let response = request.send().await.unwrap();
    let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
    let mut out = HeaderMap::new();
    if let Some(content_type) = response.headers().get("content-type") {
        out.insert("content-type", content_type.clone());
    }
    let bytes = response.bytes().await.unwrap();
    proxy.seen.lock().unwrap().push(bytes.to_vec());
    (status, out, bytes)
}

async fn start_proxy(target: &str) -> (String, Seen) {
    let seen = Seen::default();
    let proxy = Arc::new(Proxy {
        target: target.to_owned(),
        http: reqwest::Client::new(),
        seen: seen.clone(),
    });
    let app = axum::Router::new().fallback(forward).with_state(proxy);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

/// Every token-looking value in the JSON answers the simulator gave.
fn issued_tokens(seen: &Seen) -> Vec<String> {
    fn collect(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    match value {
                        Value::String(s) if key.ends_with("_token") && !s.is_empty() => out.push(s.clone()),
                        other => collect(other, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for body in seen.lock().unwrap().iter() {
        if let Ok(value) = serde_json::from_slice::<Value>(body) {
            collect(&value, &mut out);
        }
    }
    out.sort();
    out.dedup();
    out
}

#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_secret_or_token_reaches_the_database_or_the_logs() {
    let logs = Logs::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_env_filter("debug")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::start(&[]).await;
    let (proxy, seen) = start_proxy(&sim.base).await;
    let hub = TestHub::start_with(sim.hub_config(dir.path(), Some(&proxy)), sim.secrets()).await;
    sim.push_to(&hub.handle.url()).await;
    hub.wait_for_ticket().await;

    let mut appids = Vec::new();
    for kind in ["miniprogram", "official_account"] {
        let preauth: Value = hub
            .post_json("/api/v1/preauth", &json!({ "auth_type": 3 }))
            .await
            .json()
            .await
            .unwrap();
        let body = json!({
            "pre_auth_code": preauth["pre_auth_code"], "redirect_uri": hub.url("/wechat/authorized"),
            "kind": kind, "func_ids": sets_of(kind),
        });
        let authorized = sim.control("/__sim/authorize", &body).await;
        hub.land(&authorized).await;
        appids.push(authorized["authorizer_appid"].as_str().unwrap().to_owned());
    }
    let call = |appid: &str| json!({ "authorizer_appid": appid, "method": "GET", "path": "/wxa/get_category" });
    for round in 0..2 {
        for appid in &appids {
            let answer = hub.call(&call(appid)).await;
            assert!(answer.get("errcode").is_some(), "round {round}: {answer}");
        }
        // Two hours pass on the platform: every access token expires and must be refreshed.
        sim.control("/__sim/clock", &json!({ "advance_secs": 7300 })).await;
    }
    let sync: Value = hub
        .post_json("/api/v1/authorizers/sync", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let job = format!("/api/v1/jobs/{}", sync["id"]);
    let synced = eventually("the sync job to complete", || async {
        let job = hub.get_json(&job).await;
        (job["state"] == "completed").then_some(job)
    })
    .await;
    assert!(synced["counts"]["done"].as_i64().unwrap() >= 2, "{synced}");
    let console_view = format!(
        "{}{}{}",
        hub.get_json("/api/v1/events?after=0").await,
        hub.get_json("/api/v1/activity?after=0").await,
        hub.get_json("/api/v1/authorizers").await
    );
    hub.handle.shutdown().await;

    let tokens = issued_tokens(&seen);
    let kinds_seen = [
        "component_access_token",
        "authorizer_access_token",
        "authorizer_refresh_token",
    ];
    let all_bodies: Vec<u8> = seen.lock().unwrap().concat();
    for kind in kinds_seen {
        assert!(
            all_bodies.windows(kind.len()).any(|w| w == kind.as_bytes()),
            "the simulator issued a {kind}"
        );
    }
    assert!(tokens.len() >= 5, "tokens issued: {}", tokens.len());
    let mut secrets: Vec<String> = tokens;
    let provider = sim.secrets();
    secrets.extend([
        provider.component_appsecret.expose().to_owned(),
        provider.token.expose().to_owned(),
        provider.encoding_aes_key.expose().to_owned(),
        STORE_KEY.to_owned(),
    ]);

    let mut places: Vec<(String, Vec<u8>)> = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        places.push((path.display().to_string(), std::fs::read(&path).unwrap()));
    }
    places.push(("the hub's log".into(), logs.0.lock().unwrap().clone()));
    places.push(("the console's view".into(), console_view.into_bytes()));
    // Most of what a short session writes is still in the WAL file; both are scanned.
    let written: usize = places
        .iter()
        .filter(|(p, _)| p.contains("hub.sqlite3"))
        .map(|(_, b)| b.len())
        .sum();
    assert!(written > 8192, "the database was written ({written} bytes)");
    for (place, bytes) in &places {
        for secret in &secrets {
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "{place} contains a secret of {} characters", secret.len());
        }
    }
}
