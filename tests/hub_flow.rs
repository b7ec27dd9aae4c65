//! The hub against the simulator, both on loopback: ticket → status; preauth → the merchant authorizes →
//! landing page → stored authorizer and an `authorized` event on a long poll; relayed calls; an injected `40001`
//! refreshes once; 1,000 concurrent calls on an expired component token refresh it once; tokens survive a restart.

mod hub_support;

use std::sync::Arc;

use futures_util::StreamExt as _;
use hub_support::*;
use serde_json::{Value, json};

/// A pre_auth_code for a mini program (`auth_type` 1).
async fn mini_program_preauth(hub: &TestHub) -> Value {
    let answer = hub.post_json("/api/v1/preauth", &json!({ "auth_type": 1 })).await;
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

/// The merchant scans `pre_auth_code` and confirms these sets for a mini program (the simulator's control API).
async fn confirm(hub: &TestHub, sim: &SimProcess, pre_auth_code: &Value, func_ids: &[u16]) -> Value {
    let body = json!({
        "pre_auth_code": pre_auth_code,
        "redirect_uri": hub.url("/wechat/authorized"),
        "kind": "miniprogram",
        "func_ids": func_ids,
    });
    sim.control("/__sim/authorize", &body).await
}

/// Authorizes a merchant through the simulator and follows the redirect like the merchant's browser.
async fn authorize(hub: &TestHub, sim: &SimProcess) -> (String, String) {
    let preauth = hub.post_json("/api/v1/preauth", &json!({ "auth_type": 2 })).await;
    assert_eq!(preauth.status(), 200);
    let preauth: Value = preauth.json().await.unwrap();
    let h5 = preauth["h5_url"].as_str().unwrap();
    assert!(h5.contains("pre_auth_code=") && h5.contains("redirect_uri="), "{h5}");
    let authorized = confirm(hub, sim, &preauth["pre_auth_code"], &[17, 18, 19]).await;
    let page = hub.land(&authorized).await;
    assert!(page.contains("授权成功"), "{page}");
    (authorized["authorizer_appid"].as_str().unwrap().to_owned(), page)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn authorize_relay_and_recover_from_a_refused_token() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = connected(dir.path(), &[]).await;

    let after = hub.get_json("/api/v1/events?after=0").await["next"].as_i64().unwrap();
    let poll = {
        let (http, key) = (hub.http.clone(), hub.key.clone());
        let url = hub.url("/api/v1/events");
        tokio::spawn(async move {
            let mut after = after;
            loop {
                let answer: Value = http
                    .get(format!("{url}?after={after}&wait_secs=30"))
                    .bearer_auth(&key)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                if let Some(event) = answer["events"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|e| e["kind"] == "authorized")
                {
                    return event.clone();
                }
                after = answer["next"].as_i64().unwrap();
            }
        })
    };
    let (appid, page) = authorize(&hub, &sim).await;
    let event = tokio::time::timeout(std::time::Duration::from_secs(60), poll)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(event["authorizer_appid"], appid.as_str());
    assert_eq!(event["func_ids"], json!([17, 18, 19]));

    let stored = hub.get_json(&format!("/api/v1/authorizers/{appid}")).await;
    assert_eq!(stored["func_ids"], json!([17, 18, 19]));
    assert_eq!(stored["kind"], "miniprogram");
    assert!(stored["revoked_at"].is_null());
    let name = stored["nick_name"].as_str().unwrap();
    assert!(page.contains(name), "the landing page names the account");
    let listed = hub.get_json(&format!("/api/v1/authorizers?query={appid}")).await;
    assert_eq!(listed["total"], 1);

    // A relayed call on the merchant's behalf returns the simulator's answer.
    let relayed = hub
        .post_json(
            "/api/v1/call",
            &json!({ "authorizer_appid": appid, "method": "GET", "path": "/wxa/get_category" }),
        )
        .await;
    assert_eq!(relayed.status(), 200);
    let relayed: Value = relayed.json().await.unwrap();
    assert_eq!(relayed["errcode"], 0, "{relayed}");

    // An injected 40001 on a component call: the hub refreshes the component token once and succeeds.
    let mark = sim.last_call_seq().await;
    sim.control(
        "/__sim/faults",
        &json!([{ "path": "/wxa/gettemplatelist", "errcode": 40001, "times": 1 }]),
    )
    .await;
    let templates: Value = hub
        .call(&json!({ "method": "GET", "path": "/wxa/gettemplatelist" }))
        .await;
    assert_eq!(templates["errcode"], 0, "{templates}");
    assert_eq!(sim.count_calls(mark, "/api_component_token").await, 1);
    assert_eq!(sim.count_calls(mark, "/wxa/gettemplatelist").await, 2);

    // Restart: the sealed tokens come back from the database; no token call is needed.
    hub.handle.shutdown().await;
    let hub = TestHub::start_with(sim.hub_config(dir.path(), None), sim.secrets()).await;
    let mark = sim.last_call_seq().await;
    let relayed: Value = hub
        .call(&json!({ "authorizer_appid": appid, "method": "GET", "path": "/wxa/get_category" }))
        .await;
    assert_eq!(relayed["errcode"], 0, "{relayed}");
    assert_eq!(sim.count_calls(mark, "/api_authorizer_token").await, 0);
    assert_eq!(sim.count_calls(mark, "/api_component_token").await, 0);
    assert_eq!(sim.count_calls(mark, "/api_query_auth").await, 0);
    hub.handle.shutdown().await;
}

/// When the `authorized` push (which names the pre_auth_code) triggers the exchange, the console's event names the
/// QR code the merchant scanned, so a console presenting another code does not claim the success.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_authorized_event_names_the_scanned_pre_auth_code() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = connected(dir.path(), &[]).await;
    let preauth = mini_program_preauth(&hub).await;
    // The merchant's browser never follows the redirect: only the push reaches the hub.
    confirm(&hub, &sim, &preauth["pre_auth_code"], &[17]).await;
    let event = eventually("the authorized event", || async {
        let events = hub.get_json("/api/v1/events?after=0").await;
        events["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "authorized")
            .cloned()
    })
    .await;
    assert_eq!(event["pre_auth_code"], preauth["pre_auth_code"], "{event}");
    hub.handle.shutdown().await;
}

/// The `authorized` push is stored, but the hub stops before its code is exchanged (here: the platform never answers
/// the exchange). The next hub on the same database exchanges it, so the merchant is not lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_code_left_unexchanged_is_exchanged_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("hub.sqlite3");
    let (sim, hub) = connected(dir.path(), &[]).await;
    let preauth = mini_program_preauth(&hub).await;
    sim.control(
        "/__sim/faults",
        &json!([{ "path": "/cgi-bin/component/api_query_auth", "drop": true, "times": 100 }]),
    )
    .await;
    let authorized = confirm(&hub, &sim, &preauth["pre_auth_code"], &[17, 18]).await;
    let appid = authorized["authorizer_appid"].as_str().unwrap().to_owned();
    let pushed = format!("SELECT COUNT(*) FROM pushes WHERE info_type = 'authorized' AND xml LIKE '%{appid}%'");
    eventually("the authorized push to be stored", || async {
        (count(&database, &pushed) == 1).then_some(())
    })
    .await;
    eventually("the exchange to fail for want of an answer", || async {
        let events = hub.get_json("/api/v1/events?after=0").await;
        let failed = events["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "error");
        failed.then_some(())
    })
    .await;
    assert_eq!(count(&database, "SELECT COUNT(*) FROM pending_codes"), 1);
    assert_eq!(count(&database, "SELECT COUNT(*) FROM authorizers"), 0);
    hub.handle.shutdown().await;

    sim.http
        .delete(format!("{}/__sim/faults", sim.base))
        .send()
        .await
        .unwrap();
    let mark = sim.last_call_seq().await;
    let hub = TestHub::start_with(sim.hub_config(dir.path(), None), sim.secrets()).await;
    let exchanged = format!("SELECT COUNT(*) FROM authorizers WHERE appid = '{appid}'");
    eventually("the restarted hub to exchange the pending code", || async {
        (count(&database, &exchanged) == 1).then_some(())
    })
    .await;
    let stored = hub.get_json(&format!("/api/v1/authorizers/{appid}")).await;
    assert_eq!(stored["func_ids"], json!([17, 18]));
    assert_eq!(sim.count_calls(mark, "/api_query_auth").await, 1);
    eventually("the code to leave the pending list", || async {
        (count(&database, "SELECT COUNT(*) FROM pending_codes") == 0).then_some(())
    })
    .await;
    hub.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_calls_on_an_expired_component_token_refresh_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = connected(dir.path(), &[]).await;
    let hub = Arc::new(hub);
    let first: Value = hub
        .call(&json!({ "method": "GET", "path": "/wxa/gettemplatelist" }))
        .await;
    assert_eq!(first["errcode"], 0, "{first}");

    // Two hours and more pass on the platform: the token the hub holds is now expired there.
    sim.control("/__sim/clock", &json!({ "advance_secs": 7300 })).await;
    let mark = sim.last_call_seq().await;
    let answers: Vec<Value> = futures_util::stream::iter(0..1000)
        .map(|_| {
            let hub = hub.clone();
            async move {
                hub.call(&json!({ "method": "GET", "path": "/wxa/gettemplatelist" }))
                    .await
            }
        })
        .buffer_unordered(1000)
        .collect()
        .await;
    assert!(
        answers.iter().all(|a| a["errcode"] == 0),
        "every call succeeds after the refresh"
    );
    assert_eq!(sim.count_calls(mark, "/api_component_token").await, 1);
}
