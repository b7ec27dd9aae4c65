//! Push intake on loopback: good pushes are stored once and answered `success`; forged, misaddressed, oversized
//! and malformed ones are refused and leave nothing behind. Also the console's gate, long poll and activity log.

mod hub_support;

use hub_support::*;
use serde_json::{Value, json};
use wxdesk::wechat::crypto::{Envelope, MsgCrypt};

fn pushes(dir: &std::path::Path) -> i64 {
    count(&dir.join("hub.sqlite3"), "SELECT COUNT(*) FROM pushes")
}

fn events(dir: &std::path::Path) -> i64 {
    count(&dir.join("hub.sqlite3"), "SELECT COUNT(*) FROM events")
}

#[tokio::test]
async fn a_ticket_push_is_stored_once_and_shows_in_status() {
    let dir = tempfile::tempdir().unwrap();
    let hub = TestHub::start(dir.path(), "http://127.0.0.1:9").await;
    let crypt = crypt();
    let push = component_push(&crypt, &ticket_xml("ticket@@@first"), "1");
    let response = hub.push("/wechat/component", &push).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "success");

    let status = hub.get_json("/api/v1/status").await;
    assert_eq!(status["component_appid"], COMPONENT_APPID);
    assert!(status["ticket"]["received_at"].as_i64().unwrap() > 0, "{status}");
    assert!(status["component_token"].is_null());

    // The platform retries: the same request again, and the same content re-encrypted and re-signed.
    assert_eq!(
        hub.push("/wechat/component", &push).await.text().await.unwrap(),
        "success"
    );
    let resealed = component_push(&crypt, &ticket_xml("ticket@@@first"), "2");
    assert_ne!(resealed.body, push.body);
    assert_eq!(
        hub.push("/wechat/component", &resealed).await.text().await.unwrap(),
        "success"
    );
    assert_eq!(pushes(dir.path()), 1);
    let log = hub.get_json("/api/v1/events?after=0").await;
    let kinds: Vec<&str> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["ticket_received"]);
    assert!(
        !log.to_string().contains("ticket@@@first"),
        "consoles never see the ticket"
    );
    hub.handle.shutdown().await;
}

#[tokio::test]
async fn forged_misaddressed_oversized_and_malformed_pushes_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let hub = TestHub::start(dir.path(), "http://127.0.0.1:9").await;
    let crypt = crypt();
    let good = component_push(&crypt, &ticket_xml("ticket@@@x"), "1");

    let forged = Push {
        query: good.query.replace("msg_signature=", "msg_signature=0"),
        body: good.body.clone(),
    };
    assert_eq!(hub.push("/wechat/component", &forged).await.status(), 401);

    // Signed with the right token but encrypted for another platform: the receive id is wrong (§4.4 step 7).
    let other = MsgCrypt::new(MESSAGE_TOKEN, AES_KEY, "wxanotherplatform0").unwrap();
    let misaddressed = component_push(&other, &ticket_xml("ticket@@@y"), "2");
    assert_eq!(hub.push("/wechat/component", &misaddressed).await.status(), 401);

    let huge = Push {
        query: good.query.clone(),
        body: format!("{}{}", good.body, " ".repeat(70 * 1024)),
    };
    assert_eq!(hub.push("/wechat/component", &huge).await.status(), 413);

    let not_xml = Push {
        query: good.query.clone(),
        body: "<xml><Encrypt>".into(),
    };
    assert_eq!(hub.push("/wechat/component", &not_xml).await.status(), 400);
    let no_signature = Push {
        query: "timestamp=1&nonce=2&encrypt_type=aes".into(),
        body: good.body.clone(),
    };
    assert_eq!(hub.push("/wechat/component", &no_signature).await.status(), 400);

    // A correctly signed and encrypted push whose content is not XML.
    let sealed = crypt.seal("this is not xml <", "1700000000", "3");
    let broken = Push {
        query: format!(
            "timestamp=1700000000&nonce=3&encrypt_type=aes&msg_signature={}",
            sealed.msg_signature
        ),
        body: Envelope::component_xml(COMPONENT_APPID, &sealed.encrypt),
    };
    assert_eq!(hub.push("/wechat/component", &broken).await.status(), 400);

    assert_eq!(pushes(dir.path()), 0);
    assert_eq!(events(dir.path()), 0);
    assert_eq!(
        count(&dir.path().join("hub.sqlite3"), "SELECT COUNT(*) FROM tickets"),
        0
    );
    // The good one still goes through after all that.
    assert_eq!(
        hub.push("/wechat/component", &good).await.text().await.unwrap(),
        "success"
    );
    assert_eq!(pushes(dir.path()), 1);
    hub.handle.shutdown().await;
}

#[tokio::test]
async fn a_long_poll_returns_when_an_event_arrives() {
    let dir = tempfile::tempdir().unwrap();
    let hub = TestHub::start(dir.path(), "http://127.0.0.1:9").await;
    let poll = {
        let (http, url, key) = (
            hub.http.clone(),
            hub.url("/api/v1/events?after=0&wait_secs=45"),
            hub.key.clone(),
        );
        tokio::spawn(async move {
            http.get(url)
                .bearer_auth(key)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let audit = "<xml><ToUserName><![CDATA[gh_fb9688c2a4b2]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName>\
                 <CreateTime>1488856741</CreateTime><MsgType><![CDATA[event]]></MsgType>\
                 <Event><![CDATA[weapp_audit_fail]]></Event><Reason><![CDATA[模板不符]]></Reason>\
                 <FailTime>1488856741</FailTime><ScreenShot>m1|m2</ScreenShot></xml>";
    let sealed = crypt().seal(audit, "1700000000", "9");
    let push = Push {
        query: format!(
            "timestamp=1700000000&nonce=9&encrypt_type=aes&msg_signature={}",
            sealed.msg_signature
        ),
        body: Envelope::message_xml("gh_fb9688c2a4b2", &sealed.encrypt),
    };
    assert_eq!(
        hub.push("/wechat/message/wxmerchant000001", &push)
            .await
            .text()
            .await
            .unwrap(),
        "success"
    );
    let answer = tokio::time::timeout(std::time::Duration::from_secs(40), poll)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let event = &answer["events"][0];
    assert_eq!(event["kind"], "audit_fail");
    assert_eq!(event["authorizer_appid"], "wxmerchant000001");
    assert_eq!(event["reason"], "模板不符");
    assert_eq!(event["screenshots"], json!(["m1", "m2"]));
    assert_eq!(answer["next"], event["seq"]);
    hub.handle.shutdown().await;
}

#[tokio::test]
async fn the_console_api_needs_a_key_and_refusals_and_actions_are_logged_but_reads_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let hub = TestHub::start(dir.path(), "http://127.0.0.1:9").await;
    assert_eq!(
        hub.http
            .get(hub.url("/healthz"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ok"
    );
    let anonymous = hub.http.get(hub.url("/api/v1/status")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let wrong = hub
        .http
        .get(hub.url("/api/v1/status"))
        .bearer_auth("wxd_wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    hub.get_json("/api/v1/authorizers?query=x").await;
    let missing = hub
        .http
        .get(hub.url("/api/v1/authorizers/wxnobody"))
        .bearer_auth(&hub.key)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let denied = hub
        .post_json(
            "/api/v1/call",
            &json!({"method": "POST", "path": "/cgi-bin/component/api_component_token"}),
        )
        .await;
    assert_eq!(denied.status(), 403);
    // No ticket has arrived: the hub cannot create a code, and the failed action is recorded with its reason.
    let preauth = hub.post_json("/api/v1/preauth", &json!({ "auth_type": 2 })).await;
    assert_eq!(preauth.status(), 503);

    let activity = hub.get_json("/api/v1/activity?after=0").await;
    let rows = activity["activity"].as_array().unwrap();
    let actions: Vec<(&str, &str, &Value, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["operator"].as_str().unwrap(),
                r["action"].as_str().unwrap(),
                &r["target"],
                r["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("(no key)", "access.refused", &json!("GET /api/v1/status"), "failed"),
            (
                "(unknown key)",
                "access.refused",
                &json!("GET /api/v1/status"),
                "failed"
            ),
            ("tester", "preauth.create", &json!("auth_type=2"), "failed"),
        ],
        "reads are not activity (the authorizer list, the missing authorizer, the refused relay of a token \
         endpoint, which is a read, and this page): {activity}"
    );
    assert!(
        rows.iter().all(|r| r["reason"].is_string()),
        "a failure says why: {activity}"
    );
    assert!(rows[2]["reason"].as_str().unwrap().contains("ticket"), "{activity}");
    assert!(
        !activity.to_string().contains("wxd_wrong"),
        "a refused key is never recorded"
    );
    hub.handle.shutdown().await;
}

#[tokio::test]
async fn a_registration_result_reaches_the_console_without_its_auth_code() {
    let dir = tempfile::tempdir().unwrap();
    let hub = TestHub::start(dir.path(), "http://127.0.0.1:9").await;
    let xml = format!(
        "<xml><AppId><![CDATA[{COMPONENT_APPID}]]></AppId><CreateTime>1535442403</CreateTime>\
         <InfoType><![CDATA[notify_third_fasteregister]]></InfoType><appid>wx0123456789abcdef</appid>\
         <status>0</status><auth_code>queryauthcode@@@secret</auth_code><msg>OK</msg>\
         <info><name><![CDATA[杭州味知鲜餐饮管理有限公司]]></name><code_type>1</code_type></info></xml>"
    );
    let push = component_push(&crypt(), &xml, "1");
    assert_eq!(
        hub.push("/wechat/component", &push).await.text().await.unwrap(),
        "success"
    );
    let log = hub.get_json("/api/v1/events?after=0").await;
    let event = &log["events"][0];
    assert_eq!(event["kind"], "registration_result");
    assert_eq!(event["info_type"], "notify_third_fasteregister");
    assert_eq!(event["appid"], "wx0123456789abcdef");
    assert_eq!(event["status"], 0);
    assert_eq!(
        event["info"],
        json!({ "name": "杭州味知鲜餐饮管理有限公司", "code_type": 1 }),
        "only the fields the push had"
    );
    assert!(
        !log.to_string().contains("queryauthcode"),
        "the auth code is the hub's alone"
    );
    hub.handle.shutdown().await;
}
