//! Simulator: the control API — faults, the call journal, the clock, push URLs — and the demo seeding.

mod sim_support;

use serde_json::json;
use sim_support::{Env, errcode};
use wxdesk::sim::SimConfig;

#[tokio::test]
async fn faults_fail_delay_or_drop_the_next_calls_then_clear() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let path = "/cgi-bin/component/api_create_preauthcode";
    let url = format!("{path}?component_access_token={token}");
    let body = json!({"component_appid": env.appid()});
    let faults =
        json!([{"path": path, "errcode": -1, "times": 2}, {"path": "/wxa/gettemplatelist", "http_status": 503}]);
    assert_eq!(env.control("faults", faults).await["added"], 2);
    assert_eq!(errcode(&env.post(&url, body.clone()).await), -1);
    assert_eq!(errcode(&env.post(&url, body.clone()).await), -1);
    assert!(
        env.post(&url, body.clone()).await.get("pre_auth_code").is_some(),
        "used up after two"
    );
    let unavailable = env
        .http
        .get(format!("{}/wxa/gettemplatelist?access_token={token}", env.base))
        .send()
        .await
        .unwrap();
    assert_eq!(unavailable.status(), 503);

    env.control("faults", json!({"path": path, "drop": true})).await;
    let dropped = env.http.post(format!("{}{url}", env.base)).json(&body).send().await;
    let failed = match dropped {
        Err(_) => true,
        Ok(response) => response.bytes().await.is_err(),
    };
    assert!(failed, "a dropped call never completes");

    env.control("faults", json!({"path": path, "errcode": 45009, "times": 5}))
        .await;
    let cleared = env
        .http
        .delete(format!("{}/__sim/faults", env.base))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 200);
    assert!(env.post(&url, body).await.get("pre_auth_code").is_some());
}

#[tokio::test]
async fn the_journal_lists_calls_with_token_kind_and_errcode_and_getrid_finds_them() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let calls = env.get("/__sim/calls?since=0").await;
    let last_seq = calls["calls"].as_array().unwrap().last().unwrap()["seq"]
        .as_u64()
        .unwrap();
    let failed = env
        .post(
            &format!("/wxa/deletetemplate?access_token={token}"),
            json!({"template_id": 77}),
        )
        .await;
    assert_eq!(errcode(&failed), 85064);
    let calls = env.get(&format!("/__sim/calls?since={last_seq}")).await;
    let calls = calls["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["path"], "/wxa/deletetemplate");
    assert_eq!(calls[0]["token_kind"], "component");
    assert_eq!(calls[0]["token_param"], "access_token");
    assert_eq!(calls[0]["errcode"], 85064);
    let rid = failed["errmsg"]
        .as_str()
        .unwrap()
        .rsplit("rid: ")
        .next()
        .unwrap()
        .to_owned();
    let found = env
        .post(
            &format!("/cgi-bin/openapi/rid/get?access_token={token}"),
            json!({"rid": rid}),
        )
        .await;
    assert!(
        found["request"]["response_body"].as_str().unwrap().contains("85064"),
        "{found}"
    );
    assert_eq!(
        errcode(
            &env.post(
                &format!("/cgi-bin/openapi/rid/get?access_token={token}"),
                json!({"rid": "x"})
            )
            .await
        ),
        76002
    );
    let quota = env
        .post(
            &format!("/cgi-bin/openapi/quota/get?access_token={token}"),
            json!({"cgi_path": "/wxa/deletetemplate"}),
        )
        .await;
    assert_eq!(quota["quota"]["used"], 1);
    assert_eq!(
        errcode(
            &env.post(
                &format!("/cgi-bin/openapi/quota/get?access_token={token}"),
                json!({"cgi_path": "wxa"})
            )
            .await
        ),
        76003
    );
}

#[tokio::test]
async fn new_push_urls_get_a_ticket_at_once() {
    let env = Env::default().await;
    let (other, inbox) = env.another_receiver().await;
    env.inbox.wait_for("component_verify_ticket").await;
    let answer = env
        .control(
            "config",
            json!({"event_url": format!("{other}/event"), "message_url": null}),
        )
        .await;
    let ticket = answer["ticket"]
        .as_str()
        .expect("the config answer names the ticket it pushed");
    // The new receiver verifies and decrypts like a hub: the ticket the answer named reached the new URL.
    let push = inbox.wait_for(ticket).await;
    assert!(push.xml.contains("component_verify_ticket"), "{}", push.xml);
    assert_eq!(push.url_appid, None, "a ticket goes to the authorization-event URL");
}

#[tokio::test]
async fn the_demo_has_authorized_merchants_templates_and_audits_in_several_states() {
    let env = Env::start(SimConfig {
        demo: true,
        ..SimConfig::default()
    })
    .await;
    let token = env.component_token().await;
    let list = env
        .post(
            &format!("/cgi-bin/component/api_get_authorizer_list?component_access_token={token}"),
            json!({"component_appid": env.appid(), "offset": 0, "count": 100}),
        )
        .await;
    assert!(list["total_count"].as_u64().unwrap() >= 10);
    let templates = env.get(&format!("/wxa/gettemplatelist?access_token={token}")).await;
    assert!(templates["template_list"].as_array().unwrap().len() >= 3);
    let mut states = std::collections::BTreeSet::new();
    for item in list["list"].as_array().unwrap() {
        let refreshed = env
            .post(
                &format!("/cgi-bin/component/api_authorizer_token?component_access_token={token}"),
                json!({"component_appid": env.appid(), "authorizer_appid": item["authorizer_appid"],
                    "authorizer_refresh_token": item["refresh_token"]}),
            )
            .await;
        let access = refreshed["authorizer_access_token"].as_str().unwrap();
        let latest = env
            .get(&format!("/wxa/get_latest_auditstatus?access_token={access}"))
            .await;
        if let Some(status) = latest["status"].as_i64() {
            states.insert(status);
        }
    }
    assert!(states.len() >= 4, "audits in several states: {states:?}");
}

#[tokio::test]
async fn a_push_not_answered_success_is_retried() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let env = Env::default().await;
    let attempts = Arc::new(AtomicUsize::new(0));
    let counter = attempts.clone();
    // Busy twice, then fine: WeChat tries again until it hears `success`.
    let app = axum::Router::new().route(
        "/flaky",
        axum::routing::post(move || {
            let counter = counter.clone();
            async move {
                if counter.fetch_add(1, Ordering::SeqCst) < 2 {
                    "busy"
                } else {
                    "success"
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/flaky", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    env.inbox.wait_for("component_verify_ticket").await;
    env.sim.set_push_urls(Some(url.clone()), None);
    for _ in 0..100 {
        let pushes = env.get("/__sim/pushes?since=0").await;
        let delivered = pushes["pushes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["url"] == url.as_str() && p["delivered"] == true);
        if delivered {
            assert_eq!(attempts.load(Ordering::SeqCst), 3);
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the push was never delivered");
}

#[tokio::test]
async fn tickets_follow_the_simulated_clock_and_delays_let_the_call_through() {
    let env = Env::start(SimConfig {
        ticket_interval_secs: 600,
        ..SimConfig::default()
    })
    .await;
    env.inbox.wait_for("component_verify_ticket").await;
    let before = env
        .inbox
        .pushes()
        .iter()
        .filter(|p| p.xml.contains("component_verify_ticket"))
        .count();
    env.advance(600).await;
    for _ in 0..100 {
        let now = env
            .inbox
            .pushes()
            .iter()
            .filter(|p| p.xml.contains("component_verify_ticket"))
            .count();
        if now > before {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        env.inbox
            .pushes()
            .iter()
            .filter(|p| p.xml.contains("component_verify_ticket"))
            .count()
            > before
    );

    let token = env.component_token().await;
    env.control("faults", json!({"path": "/wxa/gettemplatedraftlist", "delay_ms": 50}))
        .await;
    let drafts = env
        .get(&format!("/wxa/gettemplatedraftlist?access_token={token}"))
        .await;
    assert_eq!(errcode(&drafts), 0, "a delay alone does not fail the call");
    assert!(!drafts["draft_list"].as_array().unwrap().is_empty());
}
