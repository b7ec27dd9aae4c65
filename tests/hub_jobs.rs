//! The hub's durable jobs against a real simulator on loopback: the operator actions and their 409s over HTTP,
//! coalesced `job_progress` events, retry of failed items, an authorization made while the hub was down found by
//! the hub's own sync, and a sync of 3,000 authorizers that survives kill -9 of the real hub binary.

mod hub_support;

use std::time::{Duration, Instant};

use hub_support::*;
use serde_json::{Value, json};
use wxdesk::hub::JobsConfig;
use wxdesk::hubapi::{EventsPage, HubEventKind, ItemState, Job, JobCreated, JobList, JobState};

const INFO: &str = "/cgi-bin/component/api_get_authorizer_info";
/// Steps of one sync the runner holds at once (`hub::jobs`: 16 call slots, four steps per slot, the rest waiting
/// for a slot or for their outcome's commit): a kill can make at most this many calls go to waste.
const STEPS_IN_FLIGHT: usize = 64;

/// Every info call takes `ms` longer, so a sync lasts long enough to act on it.
async fn slow_info(sim: &SimProcess, ms: u64) {
    sim.control(
        "/__sim/faults",
        &json!([{ "path": INFO, "delay_ms": ms, "times": 1_000_000 }]),
    )
    .await;
}

async fn start_sync(hub: &TestHub) -> i64 {
    let response = hub.post_json("/api/v1/authorizers/sync", &json!({})).await;
    assert_eq!(response.status(), 202);
    response.json::<JobCreated>().await.unwrap().id
}

async fn job(hub: &TestHub, id: i64) -> Job {
    serde_json::from_value(hub.get_json(&format!("/api/v1/jobs/{id}")).await).unwrap()
}

async fn wait_for_state(hub: &TestHub, id: i64, state: JobState) -> Job {
    eventually(&format!("job {id} to be {state:?}"), || async {
        let job = job(hub, id).await;
        (job.state == state).then_some(job)
    })
    .await
}

/// `POST /api/v1/jobs/{id}/{action}`: the status and the answer's JSON.
async fn act(hub: &TestHub, id: i64, action: &str, body: &Value) -> (u16, Value) {
    let response = hub.post_json(&format!("/api/v1/jobs/{id}/{action}"), body).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn expect_conflict(hub: &TestHub, id: i64, action: &str, state: &str) {
    let (status, answer) = act(hub, id, action, &json!({})).await;
    assert_eq!(status, 409, "{action} on a {state} job: {answer}");
    assert_eq!(answer["error"]["code"], "conflict");
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(message.contains(state), "the 409 names the state: {message}");
}

/// The jobs of a kind, newest first.
async fn syncs(hub: &TestHub) -> Vec<Job> {
    let list: JobList = serde_json::from_value(hub.get_json("/api/v1/jobs?kind=authorizer_sync").await).unwrap();
    list.jobs
}

/// The hub's own sync after start-up, once it is over.
async fn first_sync_done(hub: &TestHub) -> Job {
    eventually("the hub's own first sync to complete", || async {
        syncs(hub)
            .await
            .into_iter()
            .find(|job| job.created_by == "hub" && job.state == JobState::Completed)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn operators_pause_resume_cancel_and_retry_and_get_409_where_the_state_forbids() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = connected(
        dir.path(),
        &["--merchants", "200", "--demo", "--demo-authorized", "200"],
    )
    .await;
    first_sync_done(&hub).await;
    slow_info(&sim, 150).await;

    let id = start_sync(&hub).await;
    assert_eq!(
        start_sync(&hub).await,
        id,
        "a second sync while one runs is the same job"
    );
    let running = eventually("the listing to be read", || async {
        let job = job(&hub, id).await;
        (job.counts.total == 200).then_some(job)
    })
    .await;
    assert_eq!(running.state, JobState::Running);
    assert_eq!(running.created_by, "tester");
    for (action, state) in [("approve", "running"), ("resume", "running")] {
        expect_conflict(&hub, id, action, state).await;
    }

    let (status, paused) = act(&hub, id, "pause", &json!({})).await;
    assert_eq!((status, paused["state"].as_str()), (200, Some("paused")), "{paused}");
    for (action, state) in [("pause", "paused"), ("approve", "paused")] {
        expect_conflict(&hub, id, action, state).await;
    }
    // The steps in flight finish; no new one starts.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let settled = job(&hub, id).await.counts;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let later = job(&hub, id).await.counts;
    assert_eq!(settled, later, "a paused job does not move");
    assert_eq!(later.in_progress, 0, "{later:?}");
    assert!(later.pending > 0, "paused before the end: {later:?}");

    let (status, resumed) = act(&hub, id, "resume", &json!({})).await;
    assert_eq!((status, resumed["state"].as_str()), (200, Some("running")), "{resumed}");
    eventually("the resumed job to move on", || async {
        (job(&hub, id).await.counts.done > later.done).then_some(())
    })
    .await;

    let (status, cancelled) = act(&hub, id, "cancel", &json!({})).await;
    assert_eq!(
        (status, cancelled["state"].as_str()),
        (200, Some("cancelled")),
        "{cancelled}"
    );
    let cancelled = job(&hub, id).await;
    assert_eq!(cancelled.counts.pending + cancelled.counts.in_progress, 0);
    assert!(cancelled.counts.cancelled > 0);
    assert_eq!(
        cancelled.counts.done + cancelled.counts.cancelled,
        cancelled.counts.total
    );
    assert!(
        cancelled
            .items
            .iter()
            .all(|item| matches!(item.state, ItemState::Done | ItemState::Cancelled))
    );
    for action in ["pause", "resume", "approve", "cancel", "retry"] {
        expect_conflict(&hub, id, action, "cancelled").await;
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        job(&hub, id).await.counts,
        cancelled.counts,
        "late answers do not undo the cancel"
    );

    let response = hub
        .http
        .get(hub.url("/api/v1/jobs/999999"))
        .bearer_auth(&hub.key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let (status, answer) = act(&hub, 999_999, "pause", &json!({})).await;
    assert_eq!((status, answer["error"]["code"].as_str()), (404, Some("not_found")));

    // Five accounts fail; the job completes with them failed, and a retry finishes them.
    sim.http
        .delete(format!("{}/__sim/faults", sim.base))
        .send()
        .await
        .unwrap();
    sim.control(
        "/__sim/faults",
        &json!([{ "path": INFO, "errcode": 61003, "times": 5 }]),
    )
    .await;
    let second = start_sync(&hub).await;
    assert_ne!(second, id, "a cancelled sync is over: Sync starts a new one");
    let completed = wait_for_state(&hub, second, JobState::Completed).await;
    assert_eq!(completed.counts.failed, 5, "{:?}", completed.counts);
    let failed: Vec<_> = completed
        .items
        .iter()
        .filter(|i| i.state == ItemState::Failed)
        .collect();
    assert!(failed.iter().all(|i| i.errcode == Some(61003) && i.message.is_some()));
    let listed: Vec<i64> = syncs(&hub).await.iter().map(|j| j.id).collect();
    assert_eq!(&listed[..2], &[second, id], "newest first");
    let completed_list: JobList = serde_json::from_value(hub.get_json("/api/v1/jobs?state=completed").await).unwrap();
    assert!(
        completed_list
            .jobs
            .iter()
            .all(|j| j.state == JobState::Completed && j.items.is_empty())
    );

    let (status, answer) = act(&hub, second, "retry", &json!({ "appids": ["wxnotinthisjob"] })).await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer["error"]["fields"]["appids[0]"].is_string(), "{answer}");
    let (status, retried) = act(&hub, second, "retry", &json!({ "appids": [failed[0].appid] })).await;
    assert_eq!((status, retried["state"].as_str()), (200, Some("running")), "{retried}");
    wait_for_state(&hub, second, JobState::Completed).await;
    let (status, retried) = act(&hub, second, "retry", &json!({})).await;
    assert_eq!(status, 200, "{retried}");
    let finished = wait_for_state(&hub, second, JobState::Completed).await;
    assert_eq!(finished.counts.failed, 0);
    assert_eq!(finished.counts.done, finished.counts.total);
    expect_conflict(&hub, second, "retry", "no failed items").await;
    hub.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn job_progress_events_follow_a_sync_a_few_per_second_and_end_with_its_state() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = connected(
        dir.path(),
        &["--merchants", "300", "--demo", "--demo-authorized", "300"],
    )
    .await;
    first_sync_done(&hub).await;
    let after = hub.get_json("/api/v1/events?after=0").await["next"].as_i64().unwrap();
    slow_info(&sim, 60).await;
    let started = Instant::now();
    let id = start_sync(&hub).await;
    let mut progress: Vec<Job> = Vec::new();
    let mut next = after;
    while progress.last().is_none_or(|job| job.state != JobState::Completed) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the sync did not end: {:?}",
            progress.last()
        );
        let page: EventsPage =
            serde_json::from_value(hub.get_json(&format!("/api/v1/events?after={next}&wait_secs=5")).await).unwrap();
        next = page.next;
        progress.extend(page.events.into_iter().filter_map(|event| match event.kind {
            HubEventKind::JobProgress(job) if job.id == id => Some(job),
            _ => None,
        }));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let first = &progress[0];
    assert_eq!(first.state, JobState::Running);
    let last = progress.last().unwrap();
    assert_eq!(last.counts.done, last.counts.total);
    assert_eq!(last.counts.total, 300);
    assert!(progress.iter().all(|job| job.items.is_empty()));
    assert!(
        progress.windows(2).all(|w| w[0].counts.done <= w[1].counts.done),
        "counts only grow"
    );
    // About four a second while items finish, plus one per state change and per listing page.
    let bound = (elapsed * 4.0).ceil() as usize + 4;
    assert!(
        progress.len() >= 3 && progress.len() <= bound,
        "{} job_progress events in {elapsed:.2} s (bound {bound})",
        progress.len()
    );
    hub.handle.shutdown().await;
}

/// One merchant authorizes and another revokes while the hub is down: both pushes go nowhere. The hub's own
/// sync after the restart finds the new account and marks the other revoked; nobody presses Sync.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_authorization_made_while_the_hub_was_down_appears_after_the_restart() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("hub.sqlite3");
    let (sim, hub) = connected(dir.path(), &["--demo"]).await;
    first_sync_done(&hub).await;
    let listed = hub.get_json("/api/v1/authorizers").await;
    assert_eq!(listed["total"], 12, "the demo's merchants, synced at start-up");
    let gone = listed["authorizers"][0]["authorizer_appid"]
        .as_str()
        .unwrap()
        .to_owned();
    let preauth: Value = hub
        .post_json("/api/v1/preauth", &json!({ "auth_type": 1 }))
        .await
        .json()
        .await
        .unwrap();
    hub.handle.shutdown().await;

    let body = json!({
        "pre_auth_code": preauth["pre_auth_code"], "redirect_uri": "http://127.0.0.1:9/never-followed",
        "kind": "miniprogram", "func_ids": [17, 18],
    });
    let authorized = sim.control("/__sim/authorize", &body).await;
    let appid = authorized["authorizer_appid"].as_str().unwrap().to_owned();
    let stored = format!("SELECT COUNT(*) FROM authorizers WHERE appid = '{appid}'");
    assert_eq!(count(&database, &stored), 0, "the push never reached the hub");
    sim.control("/__sim/unauthorize", &json!({ "authorizer_appid": gone }))
        .await;

    let hub = TestHub::start_with(sim.hub_config(dir.path(), None), sim.secrets()).await;
    let found = eventually("the restarted hub to find the account by itself", || async {
        let response = hub
            .http
            .get(hub.url(&format!("/api/v1/authorizers/{appid}")))
            .bearer_auth(&hub.key)
            .send()
            .await
            .unwrap();
        match response.status().as_u16() {
            200 => {
                let account: Value = response.json().await.unwrap();
                (!account["nick_name"].is_null()).then_some(account)
            }
            _ => None,
        }
    })
    .await;
    assert!(found["revoked_at"].is_null(), "{found}");
    let jobs = eventually("the restarted hub's sync to complete", || async {
        let jobs = syncs(&hub).await;
        jobs.iter().all(|job| job.state == JobState::Completed).then_some(jobs)
    })
    .await;
    assert_eq!(jobs.len(), 2, "one sync per start: {jobs:?}");
    let revoked = hub.get_json(&format!("/api/v1/authorizers/{gone}")).await;
    assert!(
        revoked["revoked_at"].is_i64(),
        "no longer listed, so revoked: {revoked}"
    );
    assert!(jobs.iter().all(|job| job.created_by == "hub"));
    let activity = hub.get_json("/api/v1/activity?after=0").await.to_string();
    assert!(!activity.contains("authorizers.sync"), "no operator asked: {activity}");
    hub.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_hub_syncs_again_on_its_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::start(&[]).await;
    let jobs = JobsConfig {
        sync_interval_secs: 1,
        ..JobsConfig::default()
    };
    let hub = TestHub::start_with_jobs(sim.hub_config(dir.path(), None), sim.secrets(), jobs).await;
    sim.push_to(&hub.handle.url()).await;
    let jobs = eventually("a second sync by the hub", || async {
        let jobs = syncs(&hub).await;
        (jobs.len() >= 2).then_some(jobs)
    })
    .await;
    assert!(jobs.iter().all(|job| job.created_by == "hub"), "{jobs:?}");
    hub.handle.shutdown().await;
}

const AUTHORIZERS: usize = 3_000;

/// Info calls the simulator answered after `since`, paging through its journal.
async fn info_calls(sim: &SimProcess, since: i64) -> usize {
    let (mut after, mut total) = (since, 0);
    loop {
        let page = sim.calls(after).await;
        let Some(last) = page.iter().filter_map(|c| c["seq"].as_i64()).max() else {
            return total;
        };
        total += page.iter().filter(|c| c["path"] == INFO).count();
        after = last;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sync_killed_mid_way_finishes_after_the_restart_with_every_account_once() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("hub.sqlite3");
    let merchants = AUTHORIZERS.to_string();
    let sim = SimProcess::start(&["--merchants", &merchants, "--demo", "--demo-authorized", &merchants]).await;
    slow_info(&sim, 40).await;
    let mark = sim.last_call_seq().await;
    let config = write_config(dir.path(), &sim, "");
    let key = add_operator(&config, &sim).await;
    let http = reqwest::Client::new();

    let (mut hub, url) = spawn_hub(&config, &sim).await;
    sim.push_to(&url).await;
    let get = |path: &str| http.get(format!("{url}{path}")).bearer_auth(&key).send();
    eventually("the ticket to reach the hub", || async {
        let status: Value = get("/api/v1/status").await.unwrap().json().await.unwrap();
        (!status["ticket"].is_null()).then_some(())
    })
    .await;
    let response = http
        .post(format!("{url}/api/v1/authorizers/sync"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let id = response.json::<JobCreated>().await.unwrap().id;
    let at_kill = eventually("a third of the accounts synced", || async {
        let job = get_job(&http, &url, &key, id).await;
        (job.counts.done >= AUTHORIZERS as i64 / 3).then_some(job)
    })
    .await;
    hub.start_kill().unwrap(); // SIGKILL
    hub.wait().await.unwrap();
    assert_eq!(at_kill.state, JobState::Running);
    assert!(
        at_kill.counts.done < AUTHORIZERS as i64,
        "killed mid-way: {:?}",
        at_kill.counts
    );

    let (_hub, url) = spawn_hub(&config, &sim).await;
    sim.push_to(&url).await;
    let done = eventually("the resumed sync to complete", || async {
        let job = get_job(&http, &url, &key, id).await;
        (job.state == JobState::Completed).then_some(job)
    })
    .await;
    assert_eq!(done.counts.total, AUTHORIZERS as i64);
    assert_eq!(done.counts.done, AUTHORIZERS as i64, "{:?}", done.counts);
    assert!(done.items.iter().all(|item| item.state == ItemState::Done));
    assert_eq!(count(&database, "SELECT COUNT(*) FROM authorizers"), AUTHORIZERS as i64);
    assert_eq!(
        count(
            &database,
            "SELECT COUNT(*) FROM authorizers WHERE info_updated_at IS NOT NULL AND revoked_at IS NULL"
        ),
        AUTHORIZERS as i64
    );
    assert_eq!(
        count(&database, "SELECT COUNT(*) FROM refresh_tokens"),
        AUTHORIZERS as i64
    );
    assert_eq!(
        count(&database, "SELECT COUNT(*) FROM jobs"),
        1,
        "the restart resumed, not restarted, the sync"
    );
    // Only the steps cut short by the kill were made twice.
    let calls = info_calls(&sim, mark).await;
    assert!(
        (AUTHORIZERS..=AUTHORIZERS + STEPS_IN_FLIGHT).contains(&calls),
        "{calls} info calls for {AUTHORIZERS} accounts"
    );
}
