//! Registration tasks on the hub against a real simulator on loopback (DESIGN.md "Registrations", wechat-api.md
//! §8): a bad request is refused field by field and nothing reaches the platform; a valid one becomes a task with its
//! `authorize_url` and 24 hours; the result push ends it — a success with the new mini program, which becomes an
//! authorizer, a failure with the platform's status — and every change reaches consoles as `registration_updated`.

mod hub_support;

use hub_support::*;
use serde_json::{Value, json};
use wxdesk::hubapi::{
    ErrorBody, EventsPage, HubEventKind, REGISTRATION_WINDOW_SECS, Registration, RegistrationKind, RegistrationState,
};

const ENTERPRISE: &str = "/wxa/component/fastregisterenterpriseweapp";
const PERSONAL: &str = "/wxa/component/fastregisterpersonalweapp";

async fn task(hub: &TestHub, id: i64) -> Registration {
    serde_json::from_value(hub.get_json(&format!("/api/v1/registrations/{id}")).await).unwrap()
}

/// The task once it is no longer open.
async fn ended(hub: &TestHub, id: i64, what: &str) -> Registration {
    eventually(what, || async {
        let task = task(hub, id).await;
        (task.state != RegistrationState::Open).then_some(task)
    })
    .await
}

/// The demo's simulator and a hub that looks again at platform work every second, so its queries of open tasks
/// come within seconds.
async fn polling(dir: &std::path::Path) -> (SimProcess, TestHub) {
    let sim = SimProcess::start(&["--demo"]).await;
    let jobs = wxdesk::hub::JobsConfig {
        recheck_secs: 1,
        sync_interval_secs: 0,
        ..wxdesk::hub::JobsConfig::default()
    };
    let hub = TestHub::start_with_jobs(sim.hub_config(dir, None), sim.secrets(), jobs).await;
    sim.push_to(&hub.handle.url()).await;
    hub.wait_for_ticket().await;
    (sim, hub)
}

async fn create(hub: &TestHub, body: &Value) -> (u16, Value) {
    let response = hub.post_json("/api/v1/registrations", body).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_bad_request_names_each_field_and_reaches_nothing_of_the_platform() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = connected(dir.path(), &["--demo"]).await;
    let since = sim.last_call_seq().await;
    let (status, body) = create(
        &hub,
        &json!({ "kind": "enterprise", "name": "", "code": "91440300708461136A", "component_phone": "12" }),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let error: ErrorBody = serde_json::from_value(body).unwrap();
    let fields = error.error.fields.unwrap();
    assert_eq!(fields.keys().collect::<Vec<_>>(), ["code", "component_phone", "name"]);
    assert!(fields["code"].contains("check character"), "{fields:?}");
    let (status, body) = create(
        &hub,
        &json!({ "kind": "personal", "wxuser": "9lives", "component_phone": "13800138000" }),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"]["fields"]["wxuser"].is_string(), "{body}");
    assert_eq!(
        sim.count_calls(since, ENTERPRISE).await + sim.count_calls(since, PERSONAL).await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_enterprise_task_succeeds_by_its_push_and_its_mini_program_becomes_a_merchant() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = connected(dir.path(), &["--demo"]).await;
    let (status, created) = create(
        &hub,
        &json!({ "kind": "enterprise", "name": "深圳市腾讯计算机系统有限公司", "code": "91440300708461136t",
                 "component_phone": "0755-86013388" }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert!(
        created["authorize_url"].as_str().unwrap().starts_with("https://"),
        "{created}"
    );
    let open = task(&hub, id).await;
    assert_eq!(
        (open.kind, open.state),
        (RegistrationKind::Enterprise, RegistrationState::Open)
    );
    assert_eq!(open.expires_at - open.created_at, REGISTRATION_WINDOW_SECS);
    assert_eq!(open.label, "深圳市腾讯计算机系统有限公司");

    sim.control(
        "/__sim/registration/resolve",
        &json!({ "task_id": open.taskid, "status": 0 }),
    )
    .await;
    let done = ended(&hub, id, "the result push to end the task").await;
    assert_eq!((done.state, done.status_code), (RegistrationState::Succeeded, Some(0)));
    let appid = done.appid.clone().expect("the new mini program's appid");
    // §8.1: the push carries an auth code the hub exchanges; the new mini program is an authorizer.
    let merchant = merchant(&hub, &appid).await;
    // §8, §3.2: it starts unverified, with no name or avatar yet, and grants only the five sets registration gives.
    assert_eq!(merchant["func_ids"], json!([17, 18, 25, 30, 40]), "{merchant}");
    for field in ["nick_name", "head_img"] {
        assert_eq!(merchant[field].as_str().unwrap_or_default(), "", "{merchant}");
    }
    assert_eq!(merchant["verify_type"], -1, "{merchant}");
    // Every event, page by page: the demo's sync and token renewals come first.
    let mut states = Vec::new();
    let mut after = 0;
    loop {
        let page: EventsPage =
            serde_json::from_value(hub.get_json(&format!("/api/v1/events?after={after}")).await).unwrap();
        if page.events.is_empty() {
            break;
        }
        states.extend(page.events.iter().filter_map(|e| match &e.kind {
            HubEventKind::RegistrationUpdated { registration } if registration.id == id => Some(registration.state),
            _ => None,
        }));
        after = page.next;
    }
    assert_eq!(states, [RegistrationState::Open, RegistrationState::Succeeded]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_personal_task_that_fails_keeps_the_platforms_status() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = connected(dir.path(), &["--demo"]).await;
    let (status, created) = create(
        &hub,
        &json!({ "kind": "personal", "wxuser": "xiaoming_88", "component_phone": "13800138000" }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let open = task(&hub, id).await;
    assert_eq!(
        (open.kind, open.label.as_str()),
        (RegistrationKind::Personal, "xiaoming_88")
    );
    sim.control(
        "/__sim/registration/resolve",
        &json!({ "task_id": open.taskid, "status": 1003 }),
    )
    .await;
    let done = ended(&hub, id, "the failure push").await;
    assert_eq!(
        (done.state, done.status_code, done.appid),
        (RegistrationState::Failed, Some(1003), None)
    );
    assert!(done.status_text.is_some());
    let list = hub.get_json("/api/v1/registrations").await;
    assert_eq!(list["registrations"][0]["id"], id, "newest first");
}

/// The result push is lost (the simulator pushes to a dead address after the task was created): the hub's query of
/// the open task (`action=query`, §8.4) finds the platform's final status and ends the task with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_task_whose_push_is_lost_is_ended_by_the_hubs_query() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = polling(dir.path()).await;
    let (status, created) = create(
        &hub,
        &json!({ "kind": "personal", "wxuser": "xiaohong_66", "component_phone": "13900139000" }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let open = task(&hub, id).await;
    sim.push_to("http://127.0.0.1:9").await;
    let since = sim.last_call_seq().await;
    sim.control(
        "/__sim/registration/resolve",
        &json!({ "task_id": open.taskid, "status": 1003 }),
    )
    .await;
    let done = ended(&hub, id, "the hub's query to end the task").await;
    assert_eq!((done.state, done.status_code), (RegistrationState::Failed, Some(1003)));
    assert!(
        sim.count_calls(since, PERSONAL).await >= 1,
        "the hub asked the platform"
    );
}

/// Nobody completes the link: 24 simulated hours later the platform answers the query with its timeout status, and
/// the hub marks the task expired.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_unfinished_task_expires_after_24_simulated_hours() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = polling(dir.path()).await;
    let (status, created) = create(
        &hub,
        &json!({ "kind": "personal", "wxuser": "laowang_77", "component_phone": "13700137000" }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    // An hour later it is still open; a day later it is over.
    sim.control("/__sim/clock", &json!({ "advance_secs": 3600 })).await;
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    assert_eq!(task(&hub, id).await.state, RegistrationState::Open);
    sim.control("/__sim/clock", &json!({ "advance_secs": 23 * 3600 })).await;
    let done = ended(&hub, id, "the task to expire").await;
    assert_eq!((done.state, done.status_code), (RegistrationState::Expired, Some(1)));
}

/// The merchant `appid` as `GET /api/v1/authorizers` lists it, once it is there with its details (§1.6: the row is
/// stored when the code is exchanged, its details a moment later).
async fn merchant(hub: &TestHub, appid: &str) -> Value {
    eventually("the new mini program among the merchants", || async {
        let page = hub.get_json("/api/v1/authorizers?limit=1000").await;
        page["authorizers"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["authorizer_appid"] == appid && !a["kind"].is_null())
            .cloned()
    })
    .await
}

/// The demo's authorizers once the hub's first sync has read them all (each with its kind).
async fn synced(hub: &TestHub) -> Vec<Value> {
    eventually("the demo's authorizers synced", || async {
        let page = hub.get_json("/api/v1/authorizers?limit=1000").await;
        let all = page["authorizers"].as_array().cloned().unwrap_or_default();
        let official_accounts = all.iter().filter(|a| a["kind"] == "official_account").count();
        let mini_programs = all.iter().filter(|a| a["kind"] == "miniprogram").count();
        (official_accounts > 0 && mini_programs > 1 && all.iter().all(|a| !a["kind"].is_null())).then_some(all)
    })
    .await
}

/// §8.5 end to end: a trial task (its name and openid checked first, nothing sent when bad) ends by its
/// `notify_third_fastregisterbetaapp` push with a trial mini program among the merchants; that trial then converts
/// to an enterprise one, ended by `notify_third_fastverifybetaapp`. A merchant that is no trial is refused by name.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_trial_is_created_by_its_push_and_then_converted_to_an_enterprise_one() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = connected(dir.path(), &["--demo"]).await;
    let synced_now = synced(&hub).await;
    let since = sim.last_call_seq().await;
    let (status, body) = create(
        &hub,
        &json!({ "kind": "trial", "name": "鲜果", "openid": "13800138000 x" }),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let fields: Vec<&String> = body["error"]["fields"].as_object().unwrap().keys().collect();
    assert_eq!(fields, ["name", "openid"]);
    assert_eq!(sim.count_calls(since, "/wxa/component/fastregisterbetaweapp").await, 0);

    let (status, created) = create(
        &hub,
        &json!({ "kind": "trial", "name": "鲜果小站", "openid": "oTgZpwVFNaGkdB1vCNMSLyXxoK2o" }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let open = task(&hub, id).await;
    assert_eq!(
        (open.kind, open.label.as_str()),
        (RegistrationKind::Trial, "鲜果小站的体验小程序")
    );
    sim.control(
        "/__sim/registration/resolve",
        &json!({ "task_id": open.taskid, "status": 0 }),
    )
    .await;
    let done = ended(&hub, id, "the trial's push to end the task").await;
    assert_eq!(done.state, RegistrationState::Succeeded, "{done:?}");
    let trial = done.appid.clone().expect("the trial's appid");
    assert_eq!(merchant(&hub, &trial).await["service_type"], 12, "a trial (§1.6)");

    // A mini program that is not a trial cannot be converted; nothing reaches the platform.
    let ordinary = synced_now
        .iter()
        .find(|a| a["kind"] == "miniprogram" && a["service_type"] == 0 && a["revoked_at"].is_null())
        .and_then(|a| a["authorizer_appid"].as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("an ordinary mini program: {:#?}", synced_now));
    let convert = |appid: &str| {
        json!({ "kind": "verify_beta", "appid": appid, "name": "深圳市腾讯计算机系统有限公司",
                "code": "91440300708461136T", "component_phone": "0755-86013388" })
    };
    let (status, body) = create(&hub, &convert(&ordinary)).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["fields"]["appid"].as_str().unwrap().contains("trial"),
        "{body}"
    );
    assert_eq!(sim.count_calls(since, "/wxa/verifybetaweapp").await, 0);

    let (status, created) = create(&hub, &convert(&trial)).await;
    assert_eq!(status, 201, "{created}");
    assert!(!created["authorize_url"].as_str().unwrap().is_empty(), "{created}");
    let id = created["id"].as_i64().unwrap();
    let open = task(&hub, id).await;
    assert_eq!(
        (open.kind, open.appid.as_deref()),
        (RegistrationKind::VerifyBeta, Some(trial.as_str()))
    );
    sim.control(
        "/__sim/registration/resolve",
        &json!({ "task_id": open.taskid, "status": 0 }),
    )
    .await;
    let done = ended(&hub, id, "the conversion's push to end the task").await;
    assert_eq!(
        (done.state, done.appid.as_deref()),
        (RegistrationState::Succeeded, Some(trial.as_str()))
    );
}

/// §8.6 end to end: the task's link is the platform's `fastregisterauth` page for an official account that granted
/// set 27, redirecting to the hub; the administrator's confirm brings a ticket, the hub registers once, exchanges the
/// code, and the new mini program is a merchant. The same link again calls nothing; a spent ticket fails a task.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reusing_an_official_account_registers_once_on_the_redirect() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = connected(dir.path(), &["--demo"]).await;
    let served = synced(&hub).await;
    let official_account = served
        .iter()
        .find(|a| {
            a["kind"] == "official_account"
                && a["verify_type"] == 0
                && a["revoked_at"].is_null()
                && a["func_ids"].as_array().unwrap().contains(&json!(27))
        })
        .and_then(|a| a["authorizer_appid"].as_str())
        .unwrap_or_else(|| panic!("a verified official account that granted set 27: {served:#?}"))
        .to_owned();
    let mini_program = served
        .iter()
        .find(|a| a["kind"] == "miniprogram")
        .and_then(|a| a["authorizer_appid"].as_str())
        .unwrap();
    let (status, body) = create(
        &hub,
        &json!({ "kind": "reuse_official_account", "appid": mini_program }),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"]["fields"]["appid"].is_string(), "{body}");

    let (status, created) = create(
        &hub,
        &json!({ "kind": "reuse_official_account", "appid": official_account }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let link = url::Url::parse(created["authorize_url"].as_str().unwrap()).unwrap();
    assert_eq!(link.path(), "/cgi-bin/fastregisterauth");
    let pair = |name: &str| link.query_pairs().find(|(n, _)| n == name).unwrap().1.into_owned();
    assert_eq!(pair("appid"), official_account);
    assert_eq!(pair("copy_wx_verify"), "1");
    // The redirect goes to the hub's public URL (the test hub's is a placeholder): the same path and query on the
    // hub's real address are what the administrator's browser reaches.
    let on_hub = |redirect: &str| {
        let redirect = url::Url::parse(redirect).unwrap();
        assert_eq!(redirect.path(), "/wechat/fastregister");
        hub.url(&format!("/wechat/fastregister?{}", redirect.query().unwrap()))
    };
    let redirect = on_hub(&pair("redirect_uri"));

    let since = sim.last_call_seq().await;
    let ticket = sim
        .control("/__sim/oa-ticket", &json!({ "authorizer_appid": official_account }))
        .await["ticket"]
        .as_str()
        .unwrap()
        .to_owned();
    let landing = format!("{redirect}&ticket={ticket}");
    // The administrator's browser arrives twice at once (a double tap): one registers, the other is turned away.
    let (a, b) = tokio::join!(reqwest::get(&landing), reqwest::get(&landing));
    let (a, b) = (a.unwrap(), b.unwrap());
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    let page = if a.status() == 200 {
        a.text().await
    } else {
        b.text().await
    };
    assert!(page.unwrap().contains("小程序已创建"));
    let id = created["id"].as_i64().unwrap();
    let done = task(&hub, id).await;
    assert_eq!(done.state, RegistrationState::Succeeded, "{done:?}");
    let appid = done.appid.clone().expect("the new appid");
    assert_eq!(merchant(&hub, &appid).await["kind"], "miniprogram");
    // A reload calls nothing: the ticket is single-use (§8.6).
    assert_eq!(reqwest::get(&landing).await.unwrap().status(), 409);
    assert_eq!(sim.count_calls(since, "/cgi-bin/account/fastregister").await, 1);

    // A ticket the platform never issued: 61058, and the task fails with it.
    let (_, created) = create(
        &hub,
        &json!({ "kind": "reuse_official_account", "appid": official_account }),
    )
    .await;
    let link = url::Url::parse(created["authorize_url"].as_str().unwrap()).unwrap();
    let redirect = on_hub(&link.query_pairs().find(|(n, _)| n == "redirect_uri").unwrap().1);
    let refused = reqwest::get(format!("{redirect}&ticket=never-issued")).await.unwrap();
    assert_eq!(refused.status(), 502);
    let failed = task(&hub, created["id"].as_i64().unwrap()).await;
    assert_eq!(
        (failed.state, failed.status_code),
        (RegistrationState::Failed, Some(61058))
    );
}
