//! Audits on the hub against a real simulator on loopback (DESIGN.md, "Audits"): a rejection push lands as a row
//! with numbered reasons and its screenshots fetched with the mini program's own token and served; a failed fetch
//! is missing until a later retry fetches it (in a restarted hub too); an audit whose push is lost is resolved by polling; relayed writes feed
//! the table and a newer auditid is never overwritten by the older one; the list filters, pages and names each bad
//! query field; every change reaches consoles as `audit_updated`; the console reads every page of a hub holding
//! more audits than one page.

mod hub_support;

use std::path::Path;

use hub_support::*;
use serde_json::{Value, json};
use wxdesk::hub::JobsConfig;
use wxdesk::hubapi::{Audit, AuditPage, AuditSource, AuditStatus, ErrorBody, ErrorCode, EventsPage, HubEventKind};

const GET_MATERIAL: &str = "/cgi-bin/material/get_material";

/// The demo's simulator (a dozen merchants, their mini programs' code in every audit state) and a hub that looks
/// again at platform work every second, once its sync has read every mini program's latest audit.
async fn setup(dir: &Path) -> (SimProcess, TestHub) {
    let sim = SimProcess::start(&["--demo"]).await;
    let hub = TestHub::start_with_jobs(sim.hub_config(dir, None), sim.secrets(), jobs()).await;
    sim.push_to(&hub.handle.url()).await;
    hub.wait_for_ticket().await;
    // The demo seeds, among others, mini programs under audit, rejected (with screenshots), approved and released.
    eventually("the sync's polls to fill the audits table", || async {
        let page = page(&hub, "").await;
        let has = |status| page.audits.iter().any(|a| a.status == status);
        let shots_done = page
            .audits
            .iter()
            .all(|a| a.screenshot_files.iter().all(|f| f.available));
        (has(AuditStatus::Auditing) && has(AuditStatus::Rejected) && has(AuditStatus::Released) && shots_done)
            .then_some(())
    })
    .await;
    (sim, hub)
}

fn jobs() -> JobsConfig {
    JobsConfig {
        recheck_secs: 1,
        sync_interval_secs: 0,
        ..JobsConfig::default()
    }
}

async fn page(hub: &TestHub, query: &str) -> AuditPage {
    serde_json::from_value(hub.get_json(&format!("/api/v1/audits{query}")).await).unwrap()
}

async fn row(hub: &TestHub, appid: &str) -> Audit {
    let page = page(hub, &format!("?query={appid}")).await;
    page.audits
        .into_iter()
        .find(|a| a.appid == appid)
        .unwrap_or_else(|| panic!("no audit row for {appid}"))
}

/// A mini program whose audit is running, as the sync's poll found it.
async fn auditing(hub: &TestHub) -> Audit {
    page(hub, "?status=auditing").await.audits.remove(0)
}

async fn screenshot(hub: &TestHub, appid: &str, media_id: &str) -> reqwest::Response {
    hub.http
        .get(hub.url(&format!("/api/v1/audits/{appid}/screenshots/{media_id}")))
        .bearer_auth(&hub.key)
        .send()
        .await
        .unwrap()
}

async fn audit_events(hub: &TestHub, appid: &str) -> Vec<Audit> {
    let page: EventsPage = serde_json::from_value(hub.get_json("/api/v1/events?after=0").await).unwrap();
    page.events
        .into_iter()
        .filter_map(|event| match event.kind {
            HubEventKind::AuditUpdated(audit) if audit.appid == appid => Some(audit),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rejection_push_lands_with_numbered_reasons_and_screenshots_fetched_with_the_mini_programs_own_token() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = setup(dir.path()).await;
    let running = auditing(&hub).await;
    let appid = running.appid.clone();
    assert!(
        running.auditid.is_some() && running.user_version.is_some(),
        "{running:?}"
    );
    let since = sim.last_call_seq().await;
    sim.control(
        "/__sim/audit/resolve",
        &json!({ "authorizer_appid": appid, "outcome": "fail",
                 "reason": "1. 小程序名称与内容不符<br>2. 类目与服务不符<br>",
                 "screenshots": ["shot_a_1", "shot_b_2"] }),
    )
    .await;
    let rejected = eventually("the rejection and its screenshots", || async {
        let audit = row(&hub, &appid).await;
        let fetched = audit.screenshot_files.len() == 2 && audit.screenshot_files.iter().all(|f| f.available);
        (audit.status == AuditStatus::Rejected && fetched).then_some(audit)
    })
    .await;
    assert_eq!(rejected.reasons, ["1. 小程序名称与内容不符", "2. 类目与服务不符"]);
    assert_eq!(rejected.screenshots, ["shot_a_1", "shot_b_2"]);
    assert_eq!(
        rejected.auditid, running.auditid,
        "the push was about the audit that was running"
    );
    assert_eq!(rejected.source, AuditSource::Push);
    assert!(rejected.resolved_at.is_some());
    for media_id in ["shot_a_1", "shot_b_2"] {
        let response = screenshot(&hub, &appid, media_id).await;
        assert_eq!(response.status(), 200, "{media_id}");
        assert_eq!(response.headers()[reqwest::header::CONTENT_TYPE], "image/png");
        let bytes = response.bytes().await.unwrap();
        assert_eq!(&bytes[..4], b"\x89PNG", "a PNG");
    }
    let fetches: Vec<Value> = sim
        .calls(since)
        .await
        .into_iter()
        .filter(|c| c["path"] == GET_MATERIAL)
        .collect();
    assert_eq!(fetches.len(), 2, "one fetch per screenshot: {fetches:?}");
    for call in &fetches {
        assert_eq!(call["token_kind"], "authorizer", "{call}");
        assert_eq!(
            call["authorizer_appid"],
            appid.as_str(),
            "the rejected mini program's own token: {call}"
        );
        assert_eq!(call["errcode"], 0, "{call}");
    }
    let events = audit_events(&hub, &appid).await;
    assert!(
        events
            .iter()
            .any(|a| a.status == AuditStatus::Rejected && a.reasons.len() == 2),
        "audit_updated reached the event stream: {events:?}"
    );
    // The fixed shape of DESIGN.md, field by field.
    let json = hub
        .get_json(&format!("/api/v1/audits?status=rejected&query={appid}"))
        .await;
    assert_eq!(json["total"], 1, "{json}");
    let first = &json["audits"][0];
    for field in [
        "appid",
        "nick_name",
        "auditid",
        "user_version",
        "user_desc",
        "status",
        "submitted_at",
        "resolved_at",
        "reasons",
        "screenshots",
    ] {
        assert!(first.get(field).is_some(), "{field} in {first}");
    }
    assert_eq!(first["status"], "rejected");
    hub.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_screenshot_fetch_is_missing_until_a_later_retry_fetches_it_even_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = setup(dir.path()).await;
    let appid = auditing(&hub).await.appid;
    // The connection drops on the next fetch: no answer, not retried by the wire layer.
    sim.control(
        "/__sim/faults",
        &json!([{ "path": GET_MATERIAL, "drop": true, "times": 1 }]),
    )
    .await;
    sim.control(
        "/__sim/audit/resolve",
        &json!({ "authorizer_appid": appid, "outcome": "fail", "reason": "1. 页面空白",
                 "screenshots": ["shot_missing_1"] }),
    )
    .await;
    let failed = eventually("the first fetch to fail", || async {
        let audit = row(&hub, &appid).await;
        audit
            .screenshot_files
            .first()
            .filter(|f| f.attempts >= 1 && !f.available)
            .cloned()
    })
    .await;
    assert!(failed.last_error.is_some() && failed.next_at.is_some(), "{failed:?}");
    let response = screenshot(&hub, &appid, "shot_missing_1").await;
    assert_eq!(response.status(), 404);
    let body: ErrorBody = response.json().await.unwrap();
    assert_eq!(body.error.code, ErrorCode::ScreenshotMissing, "{:?}", body.error);
    let unknown = screenshot(&hub, &appid, "never_pushed").await;
    assert_eq!(unknown.status(), 404, "an unknown media id is missing too, never a 500");
    // The retry is a row, not a timer: a hub stopped before it and started again does it.
    hub.handle.shutdown().await;
    let hub = TestHub::start_with_jobs(sim.hub_config(dir.path(), None), sim.secrets(), jobs()).await;
    sim.push_to(&hub.handle.url()).await;
    let fetched = eventually("the retry to fetch it", || async {
        let audit = row(&hub, &appid).await;
        audit.screenshot_files.first().filter(|f| f.available).cloned()
    })
    .await;
    assert_eq!(fetched.attempts, 2, "{fetched:?}");
    let response = screenshot(&hub, &appid, "shot_missing_1").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()[reqwest::header::CONTENT_TYPE], "image/png");
    hub.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_audit_whose_push_is_lost_is_resolved_by_polling() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = setup(dir.path()).await;
    let running = auditing(&hub).await;
    let appid = running.appid.clone();
    let pushes_before = pushes(&sim).await;
    sim.control(
        "/__sim/audit/resolve",
        &json!({ "authorizer_appid": appid, "outcome": "success", "push": false }),
    )
    .await;
    let approved = eventually("a poll to find the approval", || async {
        let audit = row(&hub, &appid).await;
        (audit.status == AuditStatus::Approved).then_some(audit)
    })
    .await;
    assert_eq!(approved.source, AuditSource::Poll);
    assert_eq!(approved.auditid, running.auditid);
    assert_eq!(pushes(&sim).await, pushes_before, "no push told the hub");
    hub.handle.shutdown().await;
}

async fn pushes(sim: &SimProcess) -> usize {
    let url = format!("{}/__sim/pushes?since=0", sim.base);
    let value: Value = sim.http.get(url).send().await.unwrap().json().await.unwrap();
    value["pushes"].as_array().map_or(0, Vec::len)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn relayed_writes_feed_the_table_and_a_newer_auditid_is_never_overwritten_by_an_older_one() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, hub) = setup(dir.path()).await;
    // A rejected mini program (it has code and a privacy guide) is submitted again through the relay.
    let old = page(&hub, "?status=rejected").await.audits.remove(0);
    let appid = old.appid.clone();
    let submit = json!({ "authorizer_appid": appid, "method": "POST", "path": "/wxa/submit_audit", "query": {},
                         "body": {} });
    let answer = hub.call(&submit).await;
    let new_id = answer["auditid"].as_i64().unwrap_or_else(|| panic!("{answer}"));
    assert!(Some(new_id) > old.auditid, "{answer}");
    let submitted = row(&hub, &appid).await;
    assert_eq!(
        (submitted.auditid, submitted.status),
        (Some(new_id), AuditStatus::Auditing)
    );
    assert_eq!(submitted.source, AuditSource::Relay);
    assert!(
        submitted.reasons.is_empty() && submitted.screenshots.is_empty(),
        "{submitted:?}"
    );
    // The poll that follows learns the version the submit's answer lacked, and keeps the new audit.
    let filled = eventually("the poll to fill the version", || async {
        let audit = row(&hub, &appid).await;
        audit.user_version.is_some().then_some(audit)
    })
    .await;
    assert_eq!(filled.auditid, Some(new_id));
    let withdraw = json!({ "authorizer_appid": appid, "method": "GET", "path": "/wxa/undocodeaudit", "query": {},
                           "body": null });
    assert_eq!(hub.call(&withdraw).await["errcode"], 0);
    let withdrawn = row(&hub, &appid).await;
    assert_eq!(
        (withdrawn.auditid, withdrawn.status),
        (Some(new_id), AuditStatus::Withdrawn)
    );
    // Once the new audit was known, no event ever showed the older one again.
    let events = audit_events(&hub, &appid).await;
    let first_new = events.iter().position(|a| a.auditid == Some(new_id)).unwrap();
    assert!(
        events[first_new..].iter().all(|a| a.auditid == Some(new_id)),
        "{:?}",
        events.iter().map(|a| (a.auditid, a.status)).collect::<Vec<_>>()
    );
    // An approved version released through the relay.
    let approved = page(&hub, "?status=approved").await.audits.remove(0);
    let release = json!({ "authorizer_appid": approved.appid, "method": "POST", "path": "/wxa/release",
                          "query": {}, "body": {} });
    assert_eq!(hub.call(&release).await["errcode"], 0);
    let released = row(&hub, &approved.appid).await;
    assert_eq!(
        (released.status, released.source),
        (AuditStatus::Released, AuditSource::Relay)
    );
    assert_eq!(released.auditid, approved.auditid);
    hub.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_list_filters_and_pages_and_names_each_bad_query_field() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, hub) = setup(dir.path()).await;
    let all = page(&hub, "?limit=1000").await;
    assert!(all.total >= 5, "{all:?}");
    assert_eq!(all.total as usize, all.audits.len());
    for status in [AuditStatus::Auditing, AuditStatus::Rejected, AuditStatus::Released] {
        let filtered = page(&hub, &format!("?status={}", status.as_str())).await;
        let expected = all.audits.iter().filter(|a| a.status == status).count();
        assert!(expected > 0, "{status:?}");
        assert_eq!(filtered.total as usize, expected, "{status:?}");
        assert!(filtered.audits.iter().all(|a| a.status == status), "{status:?}");
    }
    let first = page(&hub, "?offset=0&limit=2").await;
    let second = page(&hub, "?offset=2&limit=2").await;
    assert_eq!((first.total, second.total), (all.total, all.total));
    assert_eq!((first.audits.len(), second.audits.len(), second.offset), (2, 2, 2));
    let ids = |p: &AuditPage| p.audits.iter().map(|a| a.appid.clone()).collect::<Vec<_>>();
    assert_eq!([ids(&first), ids(&second)].concat(), ids(&all)[..4].to_vec());
    let one = &all.audits[3];
    let by_appid = page(&hub, &format!("?query={}", one.appid)).await;
    assert_eq!(ids(&by_appid), std::slice::from_ref(&one.appid));
    let name = one.nick_name.clone().expect("the sync stored names");
    let by_name = page(&hub, &format!("?query={}", urlencode(&name))).await;
    assert!(ids(&by_name).contains(&one.appid), "{name}: {by_name:?}");
    assert_eq!(page(&hub, "?query=no-such-merchant").await.total, 0);

    for (query, field) in [
        ("?status=pending", "status"),
        ("?limit=0", "limit"),
        ("?limit=1001", "limit"),
        ("?offset=-1", "offset"),
        ("?offset=abc", "offset"),
        ("?limit=ten", "limit"),
    ] {
        let response = hub
            .http
            .get(hub.url(&format!("/api/v1/audits{query}")))
            .bearer_auth(&hub.key)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{query}");
        let body: ErrorBody = response.json().await.unwrap();
        assert_eq!(body.error.code, ErrorCode::InvalidRequest, "{query}");
        assert!(body.error.fields.unwrap().contains_key(field), "{query} names {field}");
    }
    hub.handle.shutdown().await;
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The console's hub client: a stored screenshot comes back as its bytes (the PNG the simulator drew), and one the
/// hub has not fetched is `None`, the "not fetched yet" the Audits panel shows, not an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_console_client_reads_a_stored_screenshot_and_a_missing_one_as_not_fetched_yet() {
    use wxdesk::engine::client::HubClient;
    use wxdesk::engine::protocol::Secret;

    let dir = tempfile::tempdir().unwrap();
    let (_sim, hub) = setup(dir.path()).await;
    let client = HubClient::new(&hub.handle.url(), Secret::new(hub.key.clone())).unwrap();
    let rejected = client
        .audits(&wxdesk::hubapi::AuditQuery {
            status: Some("rejected".into()),
            ..Default::default()
        })
        .await
        .expect("the rejected audits")
        .audits
        .remove(0);
    let media_id = &rejected.screenshots[0];
    let stored = client
        .screenshot(&rejected.appid, media_id)
        .await
        .expect("a stored screenshot");
    let bytes = stored.expect("the hub has it");
    assert!(bytes.starts_with(b"\x89PNG"), "a PNG, as the hub stored it");

    let missing = client.screenshot(&rejected.appid, "never_fetched_media").await;
    assert_eq!(missing.expect("not an error"), None);
    let other_appid = client.screenshot("wx0000000000000000", media_id).await;
    assert_eq!(
        other_appid.expect("not an error"),
        None,
        "screenshots are kept per mini program"
    );
}

/// More audits than one page holds (`MAX_AUDIT_PAGE`): the console's read brings every row into its state, each
/// once, in the hub's order. Before, the Audits panel held the first page only.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_console_reads_every_page_of_audits_into_its_state() {
    use wxdesk::engine::client::HubClient;
    use wxdesk::engine::protocol::{AuditsCommand, AuditsEvent, Command, Event, Reply, Request, RequestId, Secret};
    use wxdesk::ui::state::{AppState, load_audits};

    const ROWS: i64 = 2 * wxdesk::hubapi::MAX_AUDIT_PAGE + 345;
    let dir = tempfile::tempdir().unwrap();
    let hub = TestHub::start(dir.path(), "http://127.0.0.1:9").await;
    // Written straight into the hub's table: thousands of audits through the simulator would take minutes.
    let mut conn = rusqlite::Connection::open(dir.path().join("hub.sqlite3")).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    let tx = conn.transaction().unwrap();
    for i in 0..ROWS {
        let status = AuditStatus::ALL[i as usize % AuditStatus::ALL.len()];
        tx.execute(
            "INSERT INTO audits (appid, auditid, status, submitted_at, source, updated_at)
             VALUES (?1, ?2, ?3, ?4, 'poll', ?4)",
            rusqlite::params![
                format!("wx{i:016x}"),
                412_000_000 + i,
                status.as_str(),
                1_700_000_000 + i
            ],
        )
        .unwrap();
    }
    tx.commit().unwrap();

    let client = HubClient::new(&hub.handle.url(), Secret::new(hub.key.clone())).unwrap();
    let Command::Audits(command) = load_audits() else {
        unreachable!("the panel's read is an audits command")
    };
    let AuditsCommand::Load(query) = command.clone() else {
        unreachable!("the panel's read is a load")
    };
    let page = client.all_audits(&query).await.expect("every page");
    let mut state = AppState::default();
    state.sent(&Request {
        id: RequestId(1),
        command: Command::Audits(command),
    });
    state.apply(Event::Audits(AuditsEvent::Loaded(Reply::new(RequestId(1), Ok(page)))));

    let audits = state.audits.audits();
    assert_eq!(audits.len() as i64, ROWS, "every row, not one page");
    let appids: std::collections::HashSet<_> = audits.iter().map(|a| a.appid.as_str()).collect();
    assert_eq!(appids.len() as i64, ROWS, "each row once");
    let newest_first = (0..ROWS).rev().map(|i| format!("wx{i:016x}")).collect::<Vec<_>>();
    assert_eq!(audits.iter().map(|a| a.appid.clone()).collect::<Vec<_>>(), newest_first);
    let page = state.audits.page.value().unwrap();
    assert_eq!(page.total, ROWS);
    hub.handle.shutdown().await;
}

/// §6.5 `feedback_stuff`: an image uploaded through the hub becomes the mini program's temporary material, and a
/// resubmission naming it goes through; one naming an id never uploaded is the platform's refusal. A file that is not
/// an image is refused by the hub before anything reaches WeChat.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_resubmission_carries_images_uploaded_through_the_hub_as_temporary_material() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = setup(dir.path()).await;
    let rejected = page(&hub, "?status=rejected").await.audits.remove(0);
    let appid = rejected.appid.clone();
    let upload = |content_type: &'static str, bytes: Vec<u8>| {
        hub.http
            .post(hub.url(&format!("/api/v1/audits/{appid}/media?file_name=menu.png")))
            .bearer_auth(&hub.key)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(bytes)
            .send()
    };
    let before = sim.last_call_seq().await;
    let refused = upload("text/plain", b"hello".to_vec()).await.unwrap();
    assert_eq!(refused.status(), 400);
    let body: ErrorBody = refused.json().await.unwrap();
    assert!(body.error.fields.unwrap().contains_key("content_type"));
    assert_eq!(
        sim.count_calls(before, "/cgi-bin/media/upload").await,
        0,
        "nothing reached WeChat"
    );

    let mut png = std::io::Cursor::new(Vec::new());
    image::RgbImage::new(4, 4)
        .write_to(&mut png, image::ImageFormat::Png)
        .unwrap();
    let response = upload("image/png", png.into_inner()).await.unwrap();
    assert_eq!(response.status(), 201);
    let media_id = response.json::<Value>().await.unwrap()["media_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(sim.count_calls(before, "/cgi-bin/media/upload").await, 1);

    let submit = |stuff: &str| {
        json!({ "authorizer_appid": appid, "method": "POST", "path": "/wxa/submit_audit", "query": {},
                "body": { "feedback_info": "fixed the menu", "feedback_stuff": stuff } })
    };
    let unknown = hub.call(&submit("never_uploaded")).await;
    assert_eq!(unknown["errcode"], 40007, "{unknown}");
    let answer = hub.call(&submit(&media_id)).await;
    assert!(answer["auditid"].is_i64(), "{answer}");
}
