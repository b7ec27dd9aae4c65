//! Simulator throughput: 64 concurrent clients on loopback alternate `api_component_token` and
//! `api_get_authorizer_info`; prints requests per second for 5 runs and their median (target ≥ 20,000 rps).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wxdesk::sim::{SimConfig, start};

const CLIENTS: usize = 64;
const RUNS: usize = 5;
const RUN_LENGTH: Duration = Duration::from_secs(3);

struct Setup {
    base: String,
    token_body: Value,
    info_url: String,
    info_body: Value,
}

async fn post(http: &reqwest::Client, url: &str, body: &Value) -> Value {
    http.post(url)
        .json(body)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON")
}

async fn setup(http: &reqwest::Client, base: &str, ready: &wxdesk::sim::ReadyLine) -> Setup {
    let ticket = post(http, &format!("{base}/__sim/push-ticket"), &json!({})).await["ticket"].clone();
    let token_body = json!({"component_appid": ready.component_appid, "component_appsecret": ready.component_appsecret,
        "component_verify_ticket": ticket});
    let token_url = format!("{base}/cgi-bin/component/api_component_token");
    let token = post(http, &token_url, &token_body).await["component_access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let preauth_url = format!("{base}/cgi-bin/component/api_create_preauthcode?component_access_token={token}");
    let preauth = post(http, &preauth_url, &json!({"component_appid": ready.component_appid})).await;
    let authorized = post(
        http,
        &format!("{base}/__sim/authorize"),
        &json!({"pre_auth_code": preauth["pre_auth_code"], "redirect_uri": "https://x/cb", "kind": "miniprogram"}),
    )
    .await;
    Setup {
        base: base.to_owned(),
        token_body,
        // The token stays valid for the whole benchmark: 2 hours and 300 s of overlap, far longer than the runs.
        info_url: format!("{base}/cgi-bin/component/api_get_authorizer_info?component_access_token={token}"),
        info_body: json!({"component_appid": ready.component_appid, "authorizer_appid": authorized["authorizer_appid"]}),
    }
}

async fn run(http: &reqwest::Client, setup: Arc<Setup>) -> f64 {
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let token_url = format!("{}/cgi-bin/component/api_component_token", setup.base);
    let started = Instant::now();
    let mut clients = Vec::new();
    for n in 0..CLIENTS {
        let (http, setup, done, stop, token_url) = (
            http.clone(),
            setup.clone(),
            done.clone(),
            stop.clone(),
            token_url.clone(),
        );
        clients.push(tokio::spawn(async move {
            let mut i = n;
            while !stop.load(Ordering::Relaxed) {
                let (url, body) = if i % 2 == 0 {
                    (&token_url, &setup.token_body)
                } else {
                    (&setup.info_url, &setup.info_body)
                };
                let bytes = http
                    .post(url)
                    .json(body)
                    .send()
                    .await
                    .expect("sent")
                    .bytes()
                    .await
                    .expect("body");
                assert!(bytes.len() > 20);
                done.fetch_add(1, Ordering::Relaxed);
                i += 1;
            }
        }));
    }
    tokio::time::sleep(RUN_LENGTH).await;
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.await.expect("client finished");
    }
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let sim = start(SimConfig {
            merchants: 10_000,
            ..SimConfig::default()
        })
        .await
        .expect("simulator");
        let base = sim.ready().api_base.clone();
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(CLIENTS)
            .build()
            .expect("client");
        let setup = Arc::new(setup(&http, &base, sim.ready()).await);
        let mut rates = Vec::new();
        for n in 1..=RUNS {
            let rate = run(&http, setup.clone()).await;
            println!("run {n}: {rate:.0} requests/s");
            rates.push(rate);
        }
        rates.sort_by(f64::total_cmp);
        println!(
            "sim_throughput: median {:.0} requests/s over {RUNS} runs of {CLIENTS} clients",
            rates[RUNS / 2]
        );
        sim.shutdown().await;
    });
}
