//! Sync of 10,000 authorizers from a simulator that takes 20 ms per call (fault `delay_ms`): one
//! `api_get_authorizer_list` page per 500, then `api_get_authorizer_info` for each account with at most 16 in
//! flight (`hub::sync::CONCURRENCY`). `cargo bench --bench hub_sync`.

#[path = "../tests/hub_support/mod.rs"]
mod hub_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use futures_util::StreamExt as _;
use hub_support::*;
use serde_json::{Value, json};

const AUTHORIZERS: usize = 10_000;
const DELAY_MS: u64 = 20;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let merchants = AUTHORIZERS.to_string();
    let (sim, hub) = connected(dir.path(), &["--merchants", &merchants]).await;
    let hub = Arc::new(hub);
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
    let started = Instant::now();
    let response = hub.post_json("/api/v1/authorizers/sync", &json!({})).await;
    let report: Value = response.json().await.expect("json");
    let elapsed = started.elapsed();
    println!(
        "hub_sync {} authorizers ({} synced, {} failed) at {DELAY_MS} ms per call, 16 info calls in flight: {:.2} s \
         ({:.0} accounts/s)",
        report["total"],
        report["synced"],
        report["failed"],
        elapsed.as_secs_f64(),
        report["synced"].as_f64().unwrap_or(0.0) / elapsed.as_secs_f64()
    );
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
