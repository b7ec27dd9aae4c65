//! Sync of 10,000 authorizers as a hub job, from a simulator that takes 20 ms per call (fault `delay_ms`): one
//! `api_get_authorizer_list` page per 500, then `api_get_authorizer_info` for each account with at most 16 in
//! flight (`hub::jobs`, the sync's concurrency). `POST /api/v1/authorizers/sync` answers 202 at once; the time is
//! until the job's `job_progress` event says `completed`. `cargo bench --bench hub_sync`.

#[path = "../tests/hub_support/mod.rs"]
mod hub_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use futures_util::StreamExt as _;
use hub_support::*;
use serde_json::{Value, json};
use wxdesk::hubapi::{EventsPage, HubEventKind, Job, JobCreated, JobList, JobState};

const AUTHORIZERS: usize = 10_000;
const DELAY_MS: u64 = 20;
/// `api_get_authorizer_list`'s largest page (wechat-api.md §1.7).
const PAGE: usize = 500;
const IN_FLIGHT: usize = 16;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let merchants = AUTHORIZERS.to_string();
    let (sim, hub) = connected(dir.path(), &["--merchants", &merchants]).await;
    let hub = Arc::new(hub);
    // The hub syncs by itself once it has a ticket; let that one (of no accounts yet) finish first.
    eventually("the hub's own first sync", || async {
        let list: JobList = serde_json::from_value(hub.get_json("/api/v1/jobs").await).expect("jobs");
        list.jobs
            .iter()
            .any(|job| job.state == JobState::Completed)
            .then_some(())
    })
    .await;
    // Authorizations are set up without pushes, so the hub learns of them only through the sync being measured.
    let nowhere = json!({ "event_url": "http://127.0.0.1:9/none", "message_url": "http://127.0.0.1:9/none" });
    sim.control("/__sim/config", &nowhere).await;
    let authorized = authorize_all(&hub, &sim).await;
    println!("set up {authorized} authorized accounts");

    let faults: Vec<Value> = [
        "/cgi-bin/component/api_get_authorizer_list",
        "/cgi-bin/component/api_get_authorizer_info",
    ]
    .iter()
    .map(|path| json!({ "path": path, "delay_ms": DELAY_MS, "times": 1_000_000 }))
    .collect();
    sim.control("/__sim/faults", &json!(faults)).await;
    let after = hub.get_json("/api/v1/events?after=0").await["next"]
        .as_i64()
        .expect("next");
    let started = Instant::now();
    let response = hub.post_json("/api/v1/authorizers/sync", &json!({})).await;
    assert_eq!(response.status(), 202);
    let id = response.json::<JobCreated>().await.expect("json").id;
    let job = until_completed(&hub, id, after).await;
    let elapsed = started.elapsed().as_secs_f64();
    let pages = authorized.div_ceil(PAGE);
    let bound = (pages as f64 * DELAY_MS as f64 + authorized as f64 * DELAY_MS as f64 / IN_FLIGHT as f64) / 1000.0;
    let floor = direct_floor(&sim, authorized).await;
    println!(
        "hub_sync {} authorizers ({} done, {} failed) at {DELAY_MS} ms per call, {IN_FLIGHT} info calls in flight: \
         {elapsed:.2} s ({:.0} accounts/s); bound {pages} pages × {DELAY_MS} ms + {authorized} × {DELAY_MS} ms / \
         {IN_FLIGHT} = {bound:.2} s; ratio {:.3}",
        job.counts.total,
        job.counts.done,
        job.counts.failed,
        job.counts.done as f64 / elapsed,
        elapsed / bound
    );
    println!(
        "hub_sync floor: the same {authorized} info calls sent straight to the simulator, {IN_FLIGHT} at a time: \
         {floor:.2} s (ratio {:.3} to the bound); the job took {:.2} s more",
        floor / bound,
        elapsed - floor
    );
}

/// What the simulator itself allows: `calls` info calls (refused for their made-up token after the same delay)
/// straight from one client, `IN_FLIGHT` at a time, no hub. The sync cannot beat this.
async fn direct_floor(sim: &SimProcess, calls: usize) -> f64 {
    let url = format!(
        "{}/cgi-bin/component/api_get_authorizer_info?component_access_token=floor",
        sim.base
    );
    let body = json!({ "component_appid": sim.field("component_appid"), "authorizer_appid": "wxfloor" });
    let started = Instant::now();
    futures_util::stream::iter(0..calls)
        .map(|_| {
            let (http, url, body) = (sim.http.clone(), url.clone(), body.clone());
            async move {
                http.post(url)
                    .json(&body)
                    .send()
                    .await
                    .expect("sim")
                    .bytes()
                    .await
                    .expect("body")
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .count()
        .await;
    started.elapsed().as_secs_f64()
}

/// Follows the event stream until the job's `job_progress` says it completed.
async fn until_completed(hub: &TestHub, id: i64, mut after: i64) -> Job {
    loop {
        let page: EventsPage = serde_json::from_value(
            hub.get_json(&format!("/api/v1/events?after={after}&wait_secs=30"))
                .await,
        )
        .expect("events");
        after = page.next;
        for event in page.events {
            if let HubEventKind::JobProgress(job) = event.kind
                && job.id == id
                && job.state == JobState::Completed
            {
                return job;
            }
        }
    }
}

/// Authorizes every seeded account, mini programs first, then official accounts.
async fn authorize_all(hub: &Arc<TestHub>, sim: &SimProcess) -> usize {
    let mut total = 0;
    for kind in ["miniprogram", "official_account"] {
        let exhausted = Arc::new(AtomicBool::new(false));
        let done = futures_util::stream::iter(0..AUTHORIZERS)
            .map(|_| {
                let (hub, exhausted) = (hub.clone(), exhausted.clone());
                async move {
                    if exhausted.load(Ordering::Relaxed) {
                        return false;
                    }
                    let preauth: Value = hub
                        .post_json("/api/v1/preauth", &json!({ "auth_type": 3 }))
                        .await
                        .json()
                        .await
                        .expect("json");
                    let body = json!({
                        "pre_auth_code": preauth["pre_auth_code"], "redirect_uri": "http://127.0.0.1:9/none",
                        "kind": kind, "func_ids": sets_of(kind),
                    });
                    let response = sim
                        .http
                        .post(format!("{}/__sim/authorize", sim.base))
                        .json(&body)
                        .send()
                        .await
                        .expect("sim");
                    let ok = response.status().is_success();
                    if !ok {
                        exhausted.store(true, Ordering::Relaxed);
                    }
                    ok
                }
            })
            .buffer_unordered(32)
            .filter(|ok| std::future::ready(*ok))
            .count()
            .await;
        total += done;
    }
    total
}
