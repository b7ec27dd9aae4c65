//! Deployments on the hub against a real simulator on loopback (DESIGN.md, "Deployments"): a bad plan is refused
//! field by field with nothing written to the platform; fifty merchants end released, rejected or skipped with
//! their reasons; a manual gate waits for approve; `85085` halts and resume goes on once quota is back; a failure
//! rate over the threshold halts after the minimum sample, not before.

mod hub_support;

use std::collections::BTreeMap;
use std::path::Path;

use hub_support::*;
use serde_json::{Value, json};
use wxdesk::hub::JobsConfig;
use wxdesk::hubapi::{AuditPage, AuditStatus, ItemState, Job, JobCreated, JobState, item_reason};

const SUBMIT: &str = "/wxa/submit_audit";
/// Platform writes a deployment makes; none of them may follow a bad plan.
const WRITES: [&str; 7] = [
    "/wxa/commit",
    SUBMIT,
    "/wxa/release",
    "/wxa/grayrelease",
    "/wxa/modify_domain",
    "/wxa/setwebviewdomain",
    "/cgi-bin/component/setprivacysetting",
];

/// A simulator with the demo's library and `authorized` merchants, its clock 100× faster (the privacy scan after a
/// commit then takes 0.6 s), and a hub that looks again at running platform work every second.
async fn deploy_setup(dir: &Path, authorized: usize) -> (SimProcess, TestHub) {
    let count = authorized.to_string();
    let sim = SimProcess::start(&["--demo", "--demo-authorized", &count, "--clock-speed", "100"]).await;
    let jobs = JobsConfig {
        recheck_secs: 1,
        sync_interval_secs: 0,
        ..JobsConfig::default()
    };
    let hub = TestHub::start_with_jobs(sim.hub_config(dir, None), sim.secrets(), jobs).await;
    sim.push_to(&hub.handle.url()).await;
    hub.wait_for_ticket().await;
    eventually("the hub's own sync to list the merchants", || async {
        let page = hub.get_json("/api/v1/authorizers?limit=1000").await;
        let listed = page["authorizers"].as_array().map_or(0, Vec::len);
        let detailed = page["authorizers"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|a| !a["kind"].is_null());
        (listed == authorized && detailed).then_some(())
    })
    .await;
    (sim, hub)
}

/// Authorized mini programs with no code of the demo's.
async fn fresh(hub: &TestHub, count: usize) -> Vec<String> {
    fresh_miniprograms(&hub.get_json("/api/v1/authorizers?limit=1000").await, count)
}

async fn templates(hub: &TestHub) -> Vec<Value> {
    let answer = hub
        .call(&json!({ "method": "GET", "path": "/wxa/gettemplatelist", "query": {}, "body": null }))
        .await;
    answer["template_list"].as_array().cloned().unwrap_or_default()
}

/// A normal (not standard) template of the library.
async fn normal_template(hub: &TestHub) -> i64 {
    templates(hub)
        .await
        .iter()
        .find(|t| t["template_type"] == 0)
        .and_then(|t| t["template_id"].as_i64())
        .expect("the demo library has a normal template")
}

fn plan(template_id: i64, appids: &[String]) -> Value {
    json!({
        "template_id": template_id,
        "appids": appids,
        "ext_json": { "extAppid": "{{appid}}", "ext": { "name": "{{nick_name}}" } },
        "user_version": "9.9.0", "user_desc": "spring menu",
        "privacy": { "owner_setting": { "contact_email": "ops@example.com", "notice_method": "弹窗" },
                     "setting_list": [
                        { "privacy_key": "UserInfo", "privacy_text": "会员登录" },
                        { "privacy_key": "Location", "privacy_text": "附近门店" },
                        { "privacy_key": "Album", "privacy_text": "上传小票" },
                        { "privacy_key": "Camera", "privacy_text": "扫码点单" },
                        { "privacy_key": "PhoneNumber", "privacy_text": "订单通知" },
                        { "privacy_key": "Address", "privacy_text": "外卖配送" } ] },
        "max_failure_percent": 100, "min_sample": 1,
        "release": { "mode": "release" }
    })
}

async fn create(hub: &TestHub, plan: &Value) -> i64 {
    let response = hub.post_json("/api/v1/deployments", plan).await;
    let status = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(status, 201, "{body}");
    serde_json::from_str::<JobCreated>(&body).unwrap().id
}

async fn job(hub: &TestHub, id: i64) -> Job {
    serde_json::from_value(hub.get_json(&format!("/api/v1/jobs/{id}")).await).unwrap()
}

async fn wait_until(hub: &TestHub, id: i64, what: &str, done: impl Fn(&Job) -> bool) -> Job {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let job = job(hub, id).await;
        if done(&job) {
            return job;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "gave up waiting for job {id}: {what}; it is {:?} {:?} ({:?}), items: {:?}",
            job.state,
            job.reason,
            job.counts,
            job.items
                .iter()
                .filter(|i| !i.state.is_final())
                .take(5)
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn act(hub: &TestHub, id: i64, action: &str) -> u16 {
    hub.post_json(&format!("/api/v1/jobs/{id}/{action}"), &json!({}))
        .await
        .status()
        .as_u16()
}

fn by_appid(job: &Job) -> BTreeMap<String, (ItemState, Option<String>)> {
    job.items
        .iter()
        .map(|i| (i.appid.clone(), (i.state, i.message.clone())))
        .collect()
}

/// Every submitted audit of `appids` that is still running ends: `fail` for the appids in `rejected`, else success.
async fn resolve_audits(sim: &SimProcess, job: &Job, rejected: &[String]) -> usize {
    let mut resolved = 0;
    for item in job.items.iter().filter(|i| i.state == ItemState::WaitingAudit) {
        let outcome = if rejected.contains(&item.appid) {
            "fail"
        } else {
            "success"
        };
        let body = json!({ "authorizer_appid": item.appid, "outcome": outcome,
                           "reason": "1. 页面存在未经许可的服务<br>2. 请补充资质" });
        sim.control("/__sim/audit/resolve", &body).await;
        resolved += 1;
    }
    resolved
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_bad_plan_names_every_bad_field_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = deploy_setup(dir.path(), 30).await;
    let fresh = fresh(&hub, 2).await;
    let official = hub.get_json("/api/v1/authorizers?limit=1000").await["authorizers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "official_account")
        .map(|a| a["authorizer_appid"].as_str().unwrap().to_owned())
        .expect("the demo has an official account");
    let standard = templates(&hub)
        .await
        .iter()
        .find(|t| t["template_type"] == 1)
        .and_then(|t| t["template_id"].as_i64())
        .expect("the demo library has a standard template");
    let since = sim.last_call_seq().await;

    let bad = json!({
        "template_id": standard,
        "appids": [fresh[0], "wx00000000000000aa", official, fresh[0]],
        "ext_json": { "extAppid": "{{appid}}", "pages": ["pages/index/index"], "ext": { "shop": "{{shop_id}}" } },
        "user_version": "",
        "domains": { "requestdomain": ["https://api.example.com", "http://plain.example.com"],
                     "wsrequestdomain": ["https://not-wss.example.com"] },
        "privacy": { "owner_setting": { "notice_method": "", "store_expire_timestamp": "30 days" } },
        "waves": [1, "50%"],
        "max_failure_percent": 130, "min_sample": 0,
        "release": { "mode": "gray", "steps": [50, 20] }
    });
    let response = hub.post_json("/api/v1/deployments", &bad).await;
    assert_eq!(response.status(), 400);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["error"]["code"], "invalid_plan", "{answer}");
    let fields = answer["error"]["fields"].as_object().unwrap();
    for field in [
        "ext_json.pages",
        "ext_json.ext.shop",
        "appids[1]",
        "appids[2]",
        "appids[3]",
        "user_version",
        "domains.requestdomain[1]",
        "domains.wsrequestdomain[0]",
        "privacy.owner_setting",
        "privacy.owner_setting.notice_method",
        "privacy.owner_setting.store_expire_timestamp",
        "waves[1]",
        "max_failure_percent",
        "min_sample",
        "release.steps[1]",
    ] {
        assert!(fields.contains_key(field), "{field} not named: {answer}");
    }
    for good in [
        "appids[0]",
        "domains.requestdomain[0]",
        "template_id",
        "ext_json.extAppid",
    ] {
        assert!(!fields.contains_key(good), "{good} is fine: {answer}");
    }
    assert!(fields["appids[2]"].as_str().unwrap().contains("official account"));

    let unknown = json!({ "template_id": 987654, "appids": [fresh[1]], "user_version": "1.0.0" });
    let answer: Value = hub
        .post_json("/api/v1/deployments", &unknown)
        .await
        .json()
        .await
        .unwrap();
    assert!(answer["error"]["fields"]["template_id"].is_string(), "{answer}");

    let calls = sim.calls(since).await;
    let writes: Vec<&Value> = calls
        .iter()
        .filter(|c| {
            WRITES
                .iter()
                .any(|w| c["path"].as_str().is_some_and(|p| p.ends_with(w)))
        })
        .collect();
    assert!(writes.is_empty(), "a bad plan wrote to the platform: {writes:?}");
    let jobs = hub.get_json("/api/v1/jobs?kind=deployment").await;
    assert_eq!(jobs["jobs"].as_array().unwrap().len(), 0, "no job was created: {jobs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_merchants_end_released_rejected_or_skipped_and_the_counts_add_up() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = deploy_setup(dir.path(), 100).await;
    let mut appids = fresh(&hub, 48).await;
    // Three that pre-flight must skip before any quota is spent: one the demo already runs at our version…
    let template = normal_template(&hub).await;
    let online = fresh(&hub, 50).await[48].clone();
    let quick = json!({ "template_id": template, "appids": [online], "user_version": "9.9.0",
                        "privacy": plan(template, &[])["privacy"], "max_failure_percent": 100 });
    let first = create(&hub, &quick).await;
    wait_until(&hub, first, "waiting for its audit", |j| j.counts.waiting_audit == 1).await;
    resolve_audits(&sim, &job(&hub, first).await, &[]).await;
    wait_until(&hub, first, "completed", |j| j.state == JobState::Completed).await;
    // …and one whose authorization lacks set 18 (re-authorized with other sets only).
    let without_18 = fresh(&hub, 50).await[49].clone();
    let preauth: Value = hub
        .post_json("/api/v1/preauth", &json!({ "auth_type": 2 }))
        .await
        .json()
        .await
        .unwrap();
    sim.control(
        "/__sim/authorize",
        &json!({ "pre_auth_code": preauth["pre_auth_code"], "redirect_uri": "http://hub.invalid/wechat/authorized",
                 "authorizer_appid": without_18, "kind": "miniprogram", "func_ids": [17, 30] }),
    )
    .await;
    eventually("the re-authorization without set 18 to reach the hub", || async {
        let account = hub.get_json(&format!("/api/v1/authorizers/{without_18}")).await;
        let sets = account["func_ids"].as_array().cloned().unwrap_or_default();
        (!sets.is_empty() && !sets.contains(&json!(18))).then_some(())
    })
    .await;
    // …and one with another version under audit (submitted by a deployment still waiting for it).
    let busy = fresh(&hub, 51).await[50].clone();
    let other = json!({ "template_id": template, "appids": [busy], "user_version": "9.8.0",
                        "privacy": plan(template, &[])["privacy"], "max_failure_percent": 100 });
    let waiting_job = create(&hub, &other).await;
    wait_until(&hub, waiting_job, "waiting for its audit", |j| {
        j.counts.waiting_audit == 1
    })
    .await;
    appids.push(online.clone());
    appids.push(without_18.clone());
    appids.push(busy.clone());
    let rejected: Vec<String> = appids.iter().take(48).step_by(6).cloned().collect();
    set_quota(&sim, &json!({ "limit": 100, "rest": 100 })).await;
    let quota_before = hub
        .call(&json!({ "authorizer_appid": appids[0], "method": "GET", "path": "/wxa/queryquota", "query": {}, "body": null }))
        .await["rest"]
        .as_i64()
        .unwrap();

    let since = sim.last_call_seq().await;
    let id = create(&hub, &plan(template, &appids)).await;
    let waiting = wait_until(&hub, id, "every merchant submitted or skipped", |j| {
        j.counts.waiting_audit + j.counts.skipped + j.counts.failed == 51
    })
    .await;
    assert_eq!(waiting.counts.skipped, 3, "{:?}", by_appid(&waiting));
    assert_eq!(waiting.counts.failed, 0, "{:?}", by_appid(&waiting));
    let items = by_appid(&waiting);
    assert!(
        items[&online].1.as_deref().unwrap().contains("already online"),
        "{:?}",
        items[&online]
    );
    assert!(
        items[&without_18].1.as_deref().unwrap().contains("set 18"),
        "{:?}",
        items[&without_18]
    );
    assert!(
        waiting
            .items
            .iter()
            .filter(|i| i.state == ItemState::WaitingAudit)
            .all(|i| i.auditid.is_some())
    );
    let reason = |appid: &str| {
        waiting
            .items
            .iter()
            .find(|i| i.appid == appid)
            .and_then(|i| i.reason.clone())
    };
    assert_eq!(reason(&online).as_deref(), Some(item_reason::ALREADY_ONLINE));
    assert_eq!(reason(&without_18).as_deref(), Some(item_reason::NO_CODE_MANAGEMENT));
    assert_eq!(reason(&busy).as_deref(), Some(item_reason::AUDIT_RUNNING));
    assert!(
        items[&busy].1.as_deref().unwrap().contains("9.8.0"),
        "the message names the version under audit: {:?}",
        items[&busy]
    );

    assert_eq!(resolve_audits(&sim, &waiting, &rejected).await, 48);
    let done = wait_until(&hub, id, "completed", |j| j.state == JobState::Completed).await;
    let c = done.counts;
    assert_eq!((c.released, c.rejected, c.skipped), (40, 8, 3), "{c:?}");
    assert_eq!(
        c.released + c.rejected + c.skipped + c.failed + c.approved + c.cancelled,
        c.total
    );
    assert_eq!(c.total, 51);
    let items = by_appid(&done);
    for appid in &rejected {
        let (state, reason) = &items[appid];
        assert_eq!(*state, ItemState::Rejected);
        assert!(
            reason.as_deref().unwrap().contains("2. 请补充资质"),
            "the reason is kept: {reason:?}"
        );
    }

    // Exactly one submit per merchant that got that far, and the skipped ones cost nothing.
    let calls = sim.calls(since).await;
    let submits = |appid: &str| {
        calls
            .iter()
            .filter(|c| c["path"] == SUBMIT && c["authorizer_appid"] == appid)
            .count()
    };
    for appid in appids.iter().take(48) {
        assert_eq!(submits(appid), 1, "{appid}");
    }
    assert_eq!(submits(&online) + submits(&without_18) + submits(&busy), 0);
    let commits = calls
        .iter()
        .filter(|c| c["path"] == "/wxa/commit" && c["authorizer_appid"] == busy.as_str())
        .count();
    assert_eq!(commits, 0, "the merchant under audit keeps its trial code");
    let quota_after = hub
        .call(&json!({ "authorizer_appid": appids[0], "method": "GET", "path": "/wxa/queryquota", "query": {}, "body": null }))
        .await["rest"]
        .as_i64()
        .unwrap();
    assert_eq!(
        quota_before - quota_after,
        48,
        "one unit of quota per submitted merchant"
    );
    // The audits table followed the deployment (DESIGN.md, "Audits"): each merchant's row at our version.
    let audits: AuditPage = serde_json::from_value(hub.get_json("/api/v1/audits?limit=1000").await).unwrap();
    for appid in appids.iter().take(48) {
        let row = audits.audits.iter().find(|a| &a.appid == appid);
        let row = row.unwrap_or_else(|| panic!("no audit row for {appid}"));
        let expected = if rejected.contains(appid) {
            AuditStatus::Rejected
        } else {
            AuditStatus::Released
        };
        assert_eq!(
            (row.status, row.user_version.as_deref()),
            (expected, Some("9.9.0")),
            "{appid}: {row:?}"
        );
        assert_eq!(row.auditid, items_auditid(&done, appid), "{appid}");
    }
    // Released merchants run our version; the filled ext_json reached the platform.
    let version = hub
        .call(&json!({ "authorizer_appid": appids[1], "method": "POST", "path": "/wxa/getversioninfo", "query": {}, "body": {} }))
        .await;
    assert_eq!(version["release_info"]["release_version"], "9.9.0", "{version}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_manual_gate_waits_for_approve_between_waves() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = deploy_setup(dir.path(), 40).await;
    let appids = fresh(&hub, 6).await;
    let template = normal_template(&hub).await;
    let mut plan = plan(template, &appids);
    plan["waves"] = json!([2, "100%"]);
    plan["gate"] = json!("manual");
    let id = create(&hub, &plan).await;
    let canary = wait_until(&hub, id, "the canary waiting for its audits", |j| {
        j.counts.waiting_audit == 2
    })
    .await;
    assert_eq!(
        canary.counts.pending, 4,
        "the second wave has not started: {:?}",
        canary.counts
    );
    resolve_audits(&sim, &canary, &[]).await;
    let gate = wait_until(&hub, id, "waiting for approval", |j| {
        j.state == JobState::WaitingApproval
    })
    .await;
    assert_eq!((gate.counts.released, gate.counts.pending), (2, 4), "{:?}", gate.counts);
    // Nothing moves while the gate is closed.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(job(&hub, id).await.counts.pending, 4);
    assert_eq!(act(&hub, id, "approve").await, 200);
    let second = wait_until(&hub, id, "the second wave submitted", |j| j.counts.waiting_audit == 4).await;
    resolve_audits(&sim, &second, &[]).await;
    let done = wait_until(&hub, id, "completed", |j| j.state == JobState::Completed).await;
    assert_eq!(done.counts.released, 6);
    assert_eq!(act(&hub, id, "approve").await, 409, "nothing to approve once completed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_audit_quota_halts_the_job_and_resume_goes_on_once_it_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = deploy_setup(dir.path(), 40).await;
    let appids = fresh(&hub, 5).await;
    let template = normal_template(&hub).await;
    // Room for two audits: the third submit meets 85085.
    let rest_of = |n: i64| json!({ "limit": 30, "rest": n });
    set_quota(&sim, &rest_of(2)).await;
    let id = create(&hub, &plan(template, &appids)).await;
    let halted = wait_until(&hub, id, "halted", |j| j.state == JobState::Halted).await;
    assert!(
        halted.reason.as_deref().unwrap().contains("85085"),
        "{:?}",
        halted.reason
    );
    assert_eq!(halted.counts.waiting_audit, 2, "{:?}", halted.counts);
    assert_eq!(
        halted.counts.failed, 0,
        "the quota is not the merchants' failure: {:?}",
        halted.counts
    );

    set_quota(&sim, &rest_of(10)).await;
    assert_eq!(act(&hub, id, "resume").await, 200);
    let all = wait_until(&hub, id, "every merchant submitted", |j| j.counts.waiting_audit == 5).await;
    resolve_audits(&sim, &all, &[]).await;
    let done = wait_until(&hub, id, "completed", |j| j.state == JobState::Completed).await;
    assert_eq!(done.counts.released, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failure_rate_over_the_threshold_halts_after_the_minimum_sample_not_before() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = deploy_setup(dir.path(), 40).await;
    let appids = fresh(&hub, 8).await;
    let template = normal_template(&hub).await;
    let mut plan = plan(template, &appids);
    // One merchant at a time (waves of one, gate auto), so results arrive before the next submit.
    plan["waves"] = json!((1..=8).collect::<Vec<_>>());
    plan["max_failure_percent"] = json!(50);
    plan["min_sample"] = json!(3);
    let id = create(&hub, &plan).await;
    // Every audit is rejected. After 1 and 2 rejections (100%) the job goes on: the sample is too small.
    for n in 1..=3 {
        let waiting = wait_until(&hub, id, &format!("merchant {n} waiting for its audit"), |j| {
            j.counts.waiting_audit == 1
        })
        .await;
        assert_eq!(waiting.state, JobState::Running);
        resolve_audits(&sim, &waiting, &appids).await;
        wait_until(&hub, id, &format!("{n} rejected"), |j| j.counts.rejected == n).await;
    }
    let halted = wait_until(&hub, id, "halted by the threshold", |j| j.state == JobState::Halted).await;
    assert_eq!(
        halted.counts.rejected, 3,
        "halted after the third result: {:?}",
        halted.counts
    );
    assert_eq!(
        halted.counts.waiting_audit, 0,
        "the fourth was not submitted: {:?}",
        halted.counts
    );
    assert!(
        halted.reason.as_deref().unwrap().contains("3 of 3"),
        "{:?}",
        halted.reason
    );
}

fn items_auditid(job: &Job, appid: &str) -> Option<i64> {
    job.items.iter().find(|i| i.appid == appid).and_then(|i| i.auditid)
}

async fn set_quota(sim: &SimProcess, body: &Value) {
    sim.control("/__sim/quota", body).await;
}

/// The platform takes a submit but its answer never arrives: the retry reads the audit back and adopts it instead
/// of submitting again. A connection dropped before the platform took the call is read back too, then submitted
/// once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_submit_whose_answer_was_lost_is_read_back_not_sent_again() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = deploy_setup(dir.path(), 30).await;
    let appids = fresh(&hub, 2).await;
    let template = normal_template(&hub).await;
    sim.control(
        "/__sim/faults",
        &json!([{ "path": SUBMIT, "lose_answer": true, "times": 1 }, { "path": SUBMIT, "drop": true, "times": 1 }]),
    )
    .await;
    let since = sim.last_call_seq().await;
    let id = create(&hub, &plan(template, &appids)).await;
    let waiting = eventually("both merchants waiting for their audits", || async {
        let job = job(&hub, id).await;
        (job.counts.waiting_audit == 2 || job.counts.failed > 0).then_some(job)
    })
    .await;
    assert_eq!(waiting.counts.waiting_audit, 2, "{:?}", by_appid(&waiting));
    let calls = sim.calls(since).await;
    for appid in &appids {
        let submits: Vec<i64> = calls
            .iter()
            .filter(|c| c["path"] == SUBMIT && c["authorizer_appid"] == appid.as_str())
            .map(|c| c["errcode"].as_i64().unwrap())
            .collect();
        assert_eq!(submits.iter().filter(|e| **e == 0).count(), 1, "{appid}: {submits:?}");
        assert_eq!(
            submits.last(),
            Some(&0),
            "nothing sent after the accepted submit: {appid}: {submits:?}"
        );
    }
    let item = |appid: &str| waiting.items.iter().find(|i| i.appid == appid).unwrap().auditid;
    assert_ne!(item(&appids[0]), item(&appids[1]));
}

// Bulk actions of the Audits panel (issue 10): the approved mini programs a held deployment leaves behind are
// released as one job; speed-ups stay within the month's quota; withdrawals are counted up to the platform's limit.

/// `appids` deployed with the release held and their audits approved: each ends `approved` in the audits table.
async fn approved(sim: &SimProcess, hub: &TestHub, appids: &[String]) {
    let mut held = plan(normal_template(hub).await, appids);
    held["release"] = json!({ "mode": "hold" });
    let id = create(hub, &held).await;
    let count = appids.len() as i64;
    let submitted = wait_until(hub, id, "every audit submitted", |j| j.counts.waiting_audit == count).await;
    resolve_audits(sim, &submitted, &[]).await;
    wait_until(hub, id, "every audit approved and held", |j| {
        j.state == JobState::Completed && j.counts.approved == count
    })
    .await;
}

async fn audits_in(hub: &TestHub, status: &str) -> Vec<String> {
    let page: AuditPage = serde_json::from_value(
        hub.get_json(&format!("/api/v1/audits?status={status}&limit=1000"))
            .await,
    )
    .unwrap();
    page.audits.into_iter().map(|a| a.appid).collect()
}

async fn batch(hub: &TestHub, action: &str, appids: &[String]) -> (u16, Value) {
    let response = hub
        .post_json(&format!("/api/v1/audits/{action}"), &json!({ "appids": appids }))
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_bulk_release_of_a_hundred_approved_mini_programs_ends_with_a_hundred_released_each_released_once() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = deploy_setup(dir.path(), 180).await;
    set_quota(&sim, &json!({ "limit": 1000, "rest": 1000 })).await;
    let appids = fresh(&hub, 100).await;
    approved(&sim, &hub, &appids).await;
    let listed = audits_in(&hub, "approved").await;
    assert!(
        appids.iter().all(|a| listed.contains(a)),
        "every held version is approved in the table"
    );

    // A batch naming one that is not approved is refused whole, naming it; nothing is released.
    let since = sim.last_call_seq().await;
    let rejected = audits_in(&hub, "rejected").await;
    let mixed = [appids[0].clone(), rejected[0].clone(), appids[0].clone()];
    let (status, body) = batch(&hub, "release", &mixed).await;
    assert_eq!(status, 400, "{body}");
    let fields = &body["error"]["fields"];
    assert!(fields["appids[1]"].as_str().unwrap().contains("rejected"), "{body}");
    assert!(fields["appids[2]"].as_str().unwrap().contains("twice"), "{body}");
    assert!(fields.get("appids[0]").is_none(), "{body}");

    let (status, body) = batch(&hub, "release", &appids).await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();
    let done = wait_until(&hub, id, "every version released", |j| j.state == JobState::Completed).await;
    assert_eq!(done.kind.as_str(), "audit_release");
    assert_eq!(
        (done.counts.total, done.counts.released),
        (100, 100),
        "{:?}",
        done.counts
    );
    assert_eq!(
        sim.count_calls(since, "/wxa/release").await,
        100,
        "one release call each, none repeated"
    );
    let released = audits_in(&hub, "released").await;
    assert!(
        appids.iter().all(|a| released.contains(a)),
        "the table shows every one released"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn speedups_stay_within_the_quota_and_withdrawals_are_counted_up_to_the_platforms_87013() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = deploy_setup(dir.path(), 20).await;
    set_quota(&sim, &json!({ "limit": 100, "rest": 100, "speedup_rest": 1 })).await;
    let appids = fresh(&hub, 2).await;
    let mut held = plan(normal_template(&hub).await, &appids);
    held["release"] = json!({ "mode": "hold" });
    let id = create(&hub, &held).await;
    wait_until(&hub, id, "both audits submitted", |j| j.counts.waiting_audit == 2).await;
    let quota = hub.get_json("/api/v1/audits/quota").await;
    assert_eq!(
        (quota["speedup_rest"].as_i64(), quota["rest"].as_i64()),
        (Some(1), Some(98)),
        "{quota}"
    );

    // Two speed-ups with one left: refused, naming the quota.
    let (status, body) = batch(&hub, "speedup", &appids).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["fields"]["appids"].as_str().unwrap().contains("only 1"),
        "{body}"
    );
    let since = sim.last_call_seq().await;
    let (status, body) = batch(&hub, "speedup", &appids[..1]).await;
    assert_eq!(status, 201, "{body}");
    let sped = wait_until(&hub, body["id"].as_i64().unwrap(), "the speed-up", |j| {
        j.state == JobState::Completed
    })
    .await;
    assert_eq!(sped.counts.done, 1, "{:?}", sped.items);
    assert_eq!(sim.count_calls(since, "/wxa/speedupaudit").await, 1);
    assert_eq!(hub.get_json("/api/v1/status").await["audit_quota"]["speedup_rest"], 0);

    // Withdraw and submit again, five times: each withdrawal counted on the row; the sixth is the platform's 87013.
    let appid = &appids[0];
    let call = |path: &str, method: &str, body: Value| json!({ "authorizer_appid": appid, "method": method, "path": path, "query": {}, "body": body });
    for withdrawn in 1..=5 {
        if withdrawn > 1 {
            let answer = hub.call(&call("/wxa/submit_audit", "POST", json!({}))).await;
            assert!(answer["auditid"].is_i64(), "{answer}");
        }
        assert_eq!(
            hub.call(&call("/wxa/undocodeaudit", "GET", Value::Null)).await["errcode"],
            0
        );
        let row = hub.get_json(&format!("/api/v1/audits?query={appid}")).await["audits"][0].clone();
        assert_eq!(row["status"], "withdrawn");
        assert_eq!(row["withdrawals"]["today"], withdrawn, "{row}");
    }
    hub.call(&call("/wxa/submit_audit", "POST", json!({}))).await;
    let refused = hub.call(&call("/wxa/undocodeaudit", "GET", Value::Null)).await;
    assert_eq!(refused["errcode"], 87013, "{refused}");
    let explained = wxdesk::wechat::explain(87013).expect("87013 is explained");
    assert!(explained.en.contains("5 per day"), "{explained:?}");
    let row: wxdesk::hubapi::Audit =
        serde_json::from_value(hub.get_json(&format!("/api/v1/audits?query={appid}")).await["audits"][0].clone())
            .unwrap();
    assert_eq!(
        (row.status, row.withdrawals.today, row.withdrawals.left()),
        (AuditStatus::Auditing, 5, 0)
    );
}
