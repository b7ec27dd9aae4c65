//! The 全网发布 access check (wechat-api.md §14.2) end to end: the simulator process plays it against a real hub on
//! loopback, and the hub answers every step by itself; `GET /api/v1/release-check` shows the run. Against a naive
//! receiver that answers `success` to everything, the simulator reports the passive replies as failed. A real
//! merchant's message is never answered by the check's rules.

mod hub_support;

use hub_support::*;
use serde_json::{Value, json};
use wxdesk::hubapi::{ActivityPage, Outcome, ReleaseCheck, ReleaseCheckRun, action};
use wxdesk::wechat::crypto::{Envelope, MsgCrypt};

async fn play(sim: &SimProcess, body: &Value) -> Value {
    sim.control("/__sim/release-check", body).await
}

fn step<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == name)
        .unwrap_or_else(|| panic!("no step {name} in {report}"))
}

fn names(report: &Value) -> Vec<&str> {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect()
}

/// The hub's last run once its step 2 is settled (the exchange ends off the request path).
async fn last_run(hub: &TestHub) -> Option<ReleaseCheckRun> {
    let settled = |run: &ReleaseCheckRun| !run.steps.iter().any(|s| s.detail.contains("being exchanged"));
    let check = eventually("step 2 to be settled", || async {
        let check: ReleaseCheck = serde_json::from_value(hub.get_json("/api/v1/release-check").await).unwrap();
        check.last_run.as_ref().is_none_or(settled).then_some(check)
    })
    .await;
    check.last_run
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_simulated_check_passes_against_the_hub_for_two_groups() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = connected(dir.path(), &[]).await;

    let report = play(&sim, &json!({ "group": 1 })).await;
    assert_eq!(report["passed"], true, "{report:#}");
    assert_eq!(
        names(&report),
        [
            "ticket",
            "authorized",
            "text_callback",
            "query_auth_code",
            "event_callback",
            "unauthorized"
        ]
    );
    let run = last_run(&hub).await.expect("the hub recorded the run");
    assert_eq!(run.group, Some(1));
    assert!(run.passed, "{run:#?}");
    let steps: Vec<&str> = run.steps.iter().map(|s| s.step.as_str()).collect();
    assert_eq!(
        steps,
        [
            "authorized",
            "text_callback",
            "query_auth_code",
            "event_callback",
            "unauthorized"
        ]
    );

    // Another group, with its mini program: steps 1, 2, 4 and 6 (§14.2); the hub's last run is the new one.
    let report = play(&sim, &json!({ "group": 3, "kind": "miniprogram" })).await;
    assert_eq!(report["passed"], true, "{report:#}");
    assert_eq!(report["appid"], "wx7720d01d4b2a4500");
    assert_eq!(
        names(&report),
        ["ticket", "authorized", "query_auth_code", "unauthorized"]
    );
    let run = last_run(&hub).await.unwrap();
    assert_eq!((run.group, run.passed, run.steps.len()), (Some(3), true, 3));

    // Each round is in the activity log, as the hub's own action on the test account.
    let page: ActivityPage = serde_json::from_value(
        hub.get_json(&format!("/api/v1/activity?action={}", action::RELEASE_CHECK_REPLY))
            .await,
    )
    .unwrap();
    let rounds: Vec<_> = page
        .activity
        .iter()
        .filter(|a| a.target.as_deref() == Some("wx570bc396a51b8ff8"))
        .collect();
    assert_eq!(rounds.len(), 5, "{page:#?}");
    assert!(rounds.iter().all(|a| a.operator == "hub" && a.outcome == Outcome::Ok));
}

/// A receiver that answers `success` to every push, as a platform that never heard of the check would.
async fn naive_receiver() -> String {
    let app = axum::Router::new().fallback(|| async { "success" });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_simulated_check_fails_against_a_receiver_that_only_says_success() {
    let sim = SimProcess::start(&[]).await;
    sim.push_to(&naive_receiver().await).await;
    let report = play(&sim, &json!({ "group": 2 })).await;
    assert_eq!(report["passed"], false, "{report:#}");
    let text = step(&report, "text_callback");
    assert_eq!(text["ok"], false);
    assert!(
        text["detail"]
            .as_str()
            .unwrap()
            .contains("answered \"success\", not the reply envelope"),
        "{text}"
    );
    assert_eq!(step(&report, "event_callback")["ok"], false);
    // Nobody exchanged the code nor sent the customer-service message.
    assert_eq!(step(&report, "authorized")["ok"], false);
    assert_eq!(step(&report, "query_auth_code")["ok"], false);
    // What a naive receiver does right, it gets credit for.
    assert_eq!(step(&report, "ticket")["ok"], true);
    assert_eq!(step(&report, "unauthorized")["ok"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_real_merchants_test_text_is_answered_success_not_by_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = connected(dir.path(), &[]).await;
    let crypt = MsgCrypt::new(
        &sim.field("token"),
        &sim.field("encoding_aes_key"),
        &sim.field("component_appid"),
    )
    .unwrap();
    let xml = "<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName>\
               <CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType>\
               <Content><![CDATA[TESTCOMPONENT_MSG_TYPE_TEXT]]></Content><MsgId>1</MsgId></xml>";
    let post = |appid: &'static str| {
        let sealed = crypt.seal(xml, "1700000000", "42");
        let body = Envelope::message_xml("gh_0123456789ab", &sealed.encrypt);
        let url = hub.url(&format!(
            "/wechat/message/{appid}?timestamp=1700000000&nonce=42&encrypt_type=aes&msg_signature={}",
            sealed.msg_signature
        ));
        let http = hub.http.clone();
        async move { http.post(url).body(body).send().await.unwrap().text().await.unwrap() }
    };
    assert_eq!(post("wx0123456789abcdef").await, "success");
    // The same message for a test account is the check's: an encrypted reply.
    assert!(post("wx570bc396a51b8ff8").await.contains("<MsgSignature>"));
    let check: ReleaseCheck = serde_json::from_value(hub.get_json("/api/v1/release-check").await).unwrap();
    let run = check.last_run.unwrap();
    assert_eq!(
        run.steps.len(),
        1,
        "only the test account's message is a step: {run:#?}"
    );
}
