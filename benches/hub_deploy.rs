//! A deployment of one template to 1,000 mini programs as a hub job, from a simulator that answers every platform
//! call after 50 ms (`POST /__sim/latency`) and whose audits resolve by themselves in a few simulated minutes
//! (`POST /__sim/audit/policy`, clock 100× faster). The time is from `POST /api/v1/deployments` until the job is
//! completed; the bound is the platform calls the job made per merchant × 50 ms ÷ the job's 16 steps in flight.
//! The hub runs in this process: its CPU time and peak resident memory are this process's (the simulator is a
//! process of its own). `cargo bench --bench hub_deploy`.

#[path = "../tests/hub_support/mod.rs"]
mod hub_support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use hub_support::*;
use serde_json::{Value, json};
use wxdesk::hub::JobsConfig;
use wxdesk::hubapi::{Job, JobCreated, JobState};

/// `HUB_DEPLOY_MERCHANTS` overrides it (a quick look at a debug build).
const MERCHANTS: usize = 1_000;
const LATENCY_MS: u64 = 50;
/// `hub::jobs::deploy::CONCURRENCY`.
const IN_FLIGHT: usize = 16;

#[tokio::main]
async fn main() {
    let merchants: usize = std::env::var("HUB_DEPLOY_MERCHANTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(MERCHANTS);
    let dir = tempfile::tempdir().expect("tempdir");
    // About seven in ten merchants are mini programs; the demo gives the first dozen code of its own.
    let authorized = (merchants * 10 / 7 + 60).to_string();
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
    let jobs = JobsConfig {
        recheck_secs: 1,
        sync_interval_secs: 0,
        ..JobsConfig::default()
    };
    let hub = TestHub::start_with_jobs(sim.hub_config(dir.path(), None), sim.secrets(), jobs).await;
    sim.push_to(&hub.handle.url()).await;
    hub.wait_for_ticket().await;
    let page = eventually("the hub's own sync to list every merchant", || async {
        let page = every_authorizer(&hub).await;
        let list = page["authorizers"].as_array()?;
        (list.len().to_string() == authorized && list.iter().all(|a| !a["kind"].is_null())).then_some(page)
    })
    .await;
    let appids = fresh_miniprograms(&page, merchants);
    let template = hub
        .call(&json!({ "method": "GET", "path": "/wxa/gettemplatelist", "query": {}, "body": null }))
        .await["template_list"]
        .as_array()
        .expect("templates")
        .iter()
        .find(|t| t["template_type"] == 0)
        .and_then(|t| t["template_id"].as_i64())
        .expect("a normal template");
    sim.control("/__sim/quota", &json!({ "limit": 5000, "rest": 5000 }))
        .await;
    sim.control(
        "/__sim/audit/policy",
        &json!({ "approve_percent": 95, "reject_percent": 5, "delay_percent": 0, "mean_secs": 180 }),
    )
    .await;
    sim.control("/__sim/latency", &json!({ "ms": LATENCY_MS })).await;
    let texts: Vec<Value> = ["UserInfo", "Location", "Album", "Camera", "PhoneNumber", "Address"]
        .map(|key| json!({ "privacy_key": key, "privacy_text": "服务所需" }))
        .into();
    let plan = json!({
        "template_id": template, "appids": appids,
        "ext_json": { "extAppid": "{{appid}}", "ext": { "name": "{{nick_name}}" } },
        "user_version": "8.0.0", "user_desc": "bench",
        "privacy": { "owner_setting": { "contact_email": "ops@example.com", "notice_method": "弹窗" },
                     "setting_list": texts },
        "max_failure_percent": 100, "min_sample": 1, "release": { "mode": "release" }
    });

    let since = sim.last_call_seq().await;
    let (cpu_before, started) = (cpu_secs(), Instant::now());
    let response = hub.post_json("/api/v1/deployments", &plan).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap_or_default());
    let id = response.json::<JobCreated>().await.expect("json").id;
    let job = loop {
        let job: Job = serde_json::from_value(hub.get_json(&format!("/api/v1/jobs/{id}")).await).expect("job");
        if job.state == JobState::Completed {
            break job;
        }
        assert!(
            job.state == JobState::Running || job.state == JobState::WaitingApproval,
            "{:?} {:?}",
            job.state,
            job.reason
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu_before;
    sim.control("/__sim/latency", &json!({ "ms": 0 })).await;
    let by_path = platform_calls(&sim, since).await;
    let calls: usize = by_path.values().sum();
    let per_merchant = calls as f64 / merchants as f64;
    let bound = per_merchant * merchants as f64 * LATENCY_MS as f64 / 1000.0 / IN_FLIGHT as f64;
    let c = job.counts;
    println!(
        "hub_deploy {merchants} merchants ({} released, {} rejected, {} failed, {} skipped) at {LATENCY_MS} ms per call: \
         {elapsed:.2} s; {calls} platform calls ({per_merchant:.2} per merchant); bound {per_merchant:.2} × {merchants} × \
         {LATENCY_MS} ms / {IN_FLIGHT} = {bound:.2} s; ratio {:.3}",
        c.released,
        c.rejected,
        c.failed,
        c.skipped,
        elapsed / bound
    );
    let per_path: Vec<String> = by_path
        .iter()
        .map(|(path, n)| format!("{path} {:.2}", *n as f64 / merchants as f64))
        .collect();
    println!("hub_deploy calls per merchant by path: {}", per_path.join(", "));
    println!(
        "hub_deploy hub process: {cpu:.2} s CPU ({:.0} % of one core over the run), peak resident {} MB",
        cpu / elapsed * 100.0,
        peak_rss_mb()
    );
}

/// Every authorizer, paging by the API's largest page (1,000), as one `{authorizers: […]}`.
async fn every_authorizer(hub: &TestHub) -> Value {
    let mut all = Vec::new();
    loop {
        let page = hub
            .get_json(&format!("/api/v1/authorizers?limit=1000&offset={}", all.len()))
            .await;
        let list = page["authorizers"].as_array().cloned().unwrap_or_default();
        if list.is_empty() {
            return json!({ "authorizers": all });
        }
        all.extend(list);
    }
}

/// The platform calls the simulator journaled after `since`, paging through its journal (token calls included:
/// the job pays for them too), counted by path.
async fn platform_calls(sim: &SimProcess, since: i64) -> BTreeMap<String, usize> {
    let (mut after, mut by_path) = (since, BTreeMap::new());
    loop {
        let page = sim.calls(after).await;
        let Some(last) = page.iter().filter_map(|c| c["seq"].as_i64()).max() else {
            return by_path;
        };
        for call in &page {
            *by_path
                .entry(call["path"].as_str().unwrap_or("?").to_owned())
                .or_insert(0) += 1;
        }
        after = last;
    }
}

/// This process's user + system CPU time, from /proc/self/stat (Linux), in seconds.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or_default().split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields after the command name: utime is the 12th, stime the 13th (0-based 11 and 12); 100 ticks a second.
    (ticks(11) + ticks(12)) / 100.0
}

/// VmHWM of /proc/self/status, in MB.
fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}
