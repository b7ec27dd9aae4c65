//! A deployment survives the hub being killed (SIGKILL) at random moments, and faults on its writes, without a blind
//! repeat: the real `wxdesk hub` binary against a real simulator. WeChat gives no idempotency key, so the invariant
//! is read from the simulator's own journal: at most one accepted `submit_audit` per merchant, none sent after an
//! accepted one, and every merchant ends released, rejected or failed with a reason.

mod hub_support;

use std::collections::BTreeMap;
use std::time::Duration;

use hub_support::*;
use serde_json::{Value, json};
use wxdesk::hubapi::{ItemState, JobState};

const MERCHANTS: usize = 200;
const KILLS: usize = 5;
const SUBMIT: &str = "/wxa/submit_audit";
const COMMIT: &str = "/wxa/commit";

/// Every call the simulator journaled after `since`, paging through its journal.
async fn all_calls(sim: &SimProcess, since: i64) -> Vec<Value> {
    let (mut after, mut all) = (since, Vec::new());
    loop {
        let page = sim.calls(after).await;
        let Some(last) = page.iter().filter_map(|c| c["seq"].as_i64()).max() else {
            return all;
        };
        all.extend(page);
        after = last;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_deployment_killed_five_times_and_faulted_finishes_with_no_write_repeated_blindly() {
    let dir = tempfile::tempdir().unwrap();
    // About seven in ten merchants are mini programs; the demo gives the first dozen code of its own.
    let authorized = (MERCHANTS * 10 / 7 + 40).to_string();
    let sim = SimProcess::start(&[
        "--merchants",
        &authorized,
        "--demo",
        "--demo-authorized",
        &authorized,
        "--clock-speed",
        "100",
    ])
    .await;
    // Audits resolve by themselves in about a simulated ten minutes (6 s here): nine in ten approved.
    sim.control(
        "/__sim/audit/policy",
        &json!({ "approve_percent": 90, "reject_percent": 10, "delay_percent": 0, "mean_secs": 600 }),
    )
    .await;
    sim.control("/__sim/quota", &json!({ "limit": 1000, "rest": 1000 }))
        .await;
    let config = write_config(dir.path(), &sim, "[jobs]\nrecheck_secs = 1\nsync_interval_secs = 0\n");
    let key = add_operator(&config, &sim).await;
    let http = reqwest::Client::new();

    let (mut hub, mut url) = spawn_hub(&config, &sim).await;
    sim.push_to(&url).await;
    let page: Value = eventually("the hub's own sync to list every merchant", || async {
        let page: Value = http
            .get(format!("{url}/api/v1/authorizers?limit=1000"))
            .bearer_auth(&key)
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        let list = page["authorizers"].as_array()?;
        (list.len().to_string() == authorized && list.iter().all(|a| !a["kind"].is_null())).then_some(page)
    })
    .await;
    let appids = fresh_miniprograms(&page, MERCHANTS);
    let template = http
        .post(format!("{url}/api/v1/call"))
        .bearer_auth(&key)
        .json(&json!({ "method": "GET", "path": "/wxa/gettemplatelist", "query": {}, "body": null }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["template_list"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["template_type"] == 0)
        .and_then(|t| t["template_id"].as_i64())
        .unwrap();
    // Faults on the writes: a system error (-1), a 5xx and a dropped connection never reach the platform's state; a
    // lost answer leaves the hub not knowing whether the call went through.
    sim.control(
        "/__sim/faults",
        &json!([
            { "path": COMMIT, "errcode": -1, "times": 6 },
            { "path": COMMIT, "http_status": 502, "times": 4 },
            { "path": SUBMIT, "errcode": -1, "times": 6 },
            { "path": SUBMIT, "http_status": 503, "times": 4 },
            { "path": SUBMIT, "drop": true, "times": 4 },
            // The platform takes the call, the answer never arrives.
            { "path": COMMIT, "lose_answer": true, "times": 3 },
            { "path": SUBMIT, "lose_answer": true, "times": 3 },
            // Longer than the hub's 15 s request timeout.
            { "path": SUBMIT, "delay_ms": 16_000, "times": 1 },
        ]),
    )
    .await;
    let since = sim.last_call_seq().await;
    let texts: Vec<Value> = ["UserInfo", "Location", "Album", "Camera", "PhoneNumber", "Address"]
        .map(|key| json!({ "privacy_key": key, "privacy_text": "服务所需" }))
        .into();
    let plan = json!({
        "template_id": template, "appids": appids,
        "ext_json": { "extAppid": "{{appid}}" },
        "user_version": "7.0.0", "user_desc": "crash test",
        "privacy": { "owner_setting": { "contact_phone": "13800000000", "notice_method": "弹窗" },
                     "setting_list": texts },
        "waves": [10, "100%"], "max_failure_percent": 100, "min_sample": 1,
        "release": { "mode": "release" }
    });
    let response = http
        .post(format!("{url}/api/v1/deployments"))
        .bearer_auth(&key)
        .json(&plan)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let id = response.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    // Kill at moments spread over the run: once a share of the merchants has finished, plus a random while.
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64 ^ std::process::id() as u64;
    for kill in 0..KILLS {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let finished = (kill * MERCHANTS / (KILLS + 1)) as i64;
        let mut before = get_job(&http, &url, &key, id).await;
        while before.counts.finished() < finished {
            tokio::time::sleep(Duration::from_millis(100)).await;
            before = get_job(&http, &url, &key, id).await;
        }
        let wait = Duration::from_millis(seed % 1500);
        tokio::time::sleep(wait).await;
        hub.start_kill().unwrap(); // SIGKILL
        hub.wait().await.unwrap();
        eprintln!("kill {kill} {wait:?} after {finished} finished: {:?}", before.counts);
        (hub, url) = spawn_hub(&config, &sim).await;
        sim.push_to(&url).await;
    }

    // Longer than `eventually`'s minute: two hundred audits, and the faults' backoff.
    let deadline = std::time::Instant::now() + Duration::from_secs(240);
    let done = loop {
        let job = get_job(&http, &url, &key, id).await;
        if job.state == JobState::Completed {
            break job;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the deployment did not finish: {:?} {:?} {:?}",
            job.state,
            job.reason,
            job.counts
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let c = done.counts;
    assert_eq!(c.total, MERCHANTS as i64);
    assert_eq!(
        c.released + c.rejected + c.failed + c.skipped,
        c.total,
        "every merchant ended: {c:?}"
    );
    assert!(c.released >= MERCHANTS as i64 * 7 / 10, "most were released: {c:?}");
    assert!(
        done.items
            .iter()
            .filter(|i| matches!(i.state, ItemState::Failed | ItemState::Rejected | ItemState::Skipped))
            .all(|i| i.message.as_deref().is_some_and(|m| !m.is_empty())),
        "every merchant that did not make it says why"
    );

    let calls = all_calls(&sim, since).await;
    let mut accepted: BTreeMap<&str, usize> = BTreeMap::new();
    let mut after_accepted: Vec<&str> = Vec::new();
    let errcodes: BTreeMap<String, usize> = calls
        .iter()
        .filter(|c| c["path"] == SUBMIT || c["path"] == COMMIT)
        .fold(BTreeMap::new(), |mut seen, c| {
            *seen.entry(format!("{} {}", c["path"], c["errcode"])).or_default() += 1;
            seen
        });
    eprintln!("write calls by errcode: {errcodes:?}");
    for call in calls.iter().filter(|c| c["path"] == SUBMIT) {
        let appid = call["authorizer_appid"].as_str().unwrap_or_default();
        if accepted.contains_key(appid) {
            after_accepted.push(appid);
        }
        if call["errcode"] == 0 {
            *accepted.entry(appid).or_default() += 1;
        }
    }
    assert!(
        accepted.values().all(|n| *n == 1),
        "a merchant's audit submitted twice: {accepted:?}"
    );
    assert!(
        after_accepted.is_empty(),
        "submit_audit sent again after an accepted one: {after_accepted:?}"
    );
    for item in &done.items {
        if matches!(item.state, ItemState::Released | ItemState::Rejected) {
            assert_eq!(
                accepted.get(item.appid.as_str()),
                Some(&1),
                "{} ended {:?}",
                item.appid,
                item.state
            );
        }
    }
    let jobs: Value = http
        .get(format!("{url}/api/v1/jobs?kind=deployment"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jobs["jobs"].as_array().unwrap().len(), 1, "resumed, never restarted");
}
