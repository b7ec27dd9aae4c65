//! Relay overhead: the p50 latency of a component call relayed by the hub (`POST /api/v1/call`) against the same
//! call made straight to the simulator (target: < 1 ms more). `cargo bench --bench hub_relay`.

#[path = "../tests/hub_support/mod.rs"]
mod hub_support;

use std::time::{Duration, Instant};

use hub_support::*;
use serde_json::{Value, json};

const CALLS: usize = 2_000;
const PATH: &str = "/wxa/gettemplatelist";

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (sim, hub) = connected(dir.path(), &[]).await;
    let body = json!({ "method": "GET", "path": PATH });
    let relayed = measure(|| async {
        let answer = hub.call(&body).await;
        assert_eq!(answer["errcode"], 0, "{answer}");
    })
    .await;

    // The same call straight to the simulator, with a component token of the bench's own.
    let ticket = sim.control("/__sim/push-ticket", &json!({})).await["ticket"]
        .as_str()
        .expect("ticket")
        .to_owned();
    let token_request = json!({
        "component_appid": sim.field("component_appid"),
        "component_appsecret": sim.field("component_appsecret"),
        "component_verify_ticket": ticket,
    });
    let token: Value = sim
        .http
        .post(format!("{}/cgi-bin/component/api_component_token", sim.base))
        .json(&token_request)
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    let url = format!(
        "{}{PATH}?access_token={}",
        sim.base,
        token["component_access_token"].as_str().expect("token")
    );
    let direct = measure(|| async {
        let answer: Value = sim
            .http
            .get(&url)
            .send()
            .await
            .expect("sim")
            .json()
            .await
            .expect("json");
        assert_eq!(answer["errcode"], 0, "{answer}");
    })
    .await;
    println!(
        "hub_relay {CALLS} sequential calls of {PATH}: relayed p50 {:.3} ms (p99 {:.3}), direct p50 {:.3} ms (p99 {:.3}), \
         overhead p50 {:.3} ms",
        ms(relayed.0),
        ms(relayed.1),
        ms(direct.0),
        ms(direct.1),
        ms(relayed.0) - ms(direct.0)
    );
    hub.handle.shutdown().await;
}

/// p50 and p99 of `CALLS` sequential calls, after 100 warm-up calls.
async fn measure<F, Fut>(call: F) -> (Duration, Duration)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..100 {
        call().await;
    }
    let mut latencies = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let started = Instant::now();
        call().await;
        latencies.push(started.elapsed());
    }
    latencies.sort();
    (latencies[CALLS / 2], latencies[CALLS * 99 / 100])
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
