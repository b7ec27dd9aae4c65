//! Simulator throughput: 64 concurrent clients on loopback alternate `api_component_token` and
//! `api_get_authorizer_info`; prints requests per second for 5 runs and their median (target ≥ 20,000 rps).
//!
//! Every new component token puts the one before last out of service (§1.10), so token calls and info calls
//! against one simulator would mostly measure the `40001` path. The token calls therefore go to one simulator
//! and the info calls, with a token that stays valid, to a second one in the same process; every answer is
//! checked to be a success.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wxdesk::sim::{ReadyLine, SimConfig, start};

const CLIENTS: usize = 64;
const RUNS: usize = 5;
const RUN_LENGTH: Duration = Duration::from_secs(3);

struct Setup {
    token_url: String,
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

/// The body of `api_component_token` for one simulator, with a freshly pushed ticket.
async fn token_body(http: &reqwest::Client, ready: &ReadyLine) -> Value {
    let ticket = post(http, &format!("{}/__sim/push-ticket", ready.api_base), &json!({})).await["ticket"].clone();
    json!({"component_appid": ready.component_appid, "component_appsecret": ready.component_appsecret,
        "component_verify_ticket": ticket})
}

async fn setup(http: &reqwest::Client, tokens: &ReadyLine, infos: &ReadyLine) -> Setup {
    let token_url = format!("{}/cgi-bin/component/api_component_token", tokens.api_base);
    let base = &infos.api_base;
    let info_token = post(
        http,
        &format!("{base}/cgi-bin/component/api_component_token"),
        &token_body(http, infos).await,
    )
    .await["component_access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let preauth_url = format!("{base}/cgi-bin/component/api_create_preauthcode?component_access_token={info_token}");
    let preauth = post(http, &preauth_url, &json!({"component_appid": infos.component_appid})).await;
    let authorized = post(
        http,
        &format!("{base}/__sim/authorize"),
        &json!({"pre_auth_code": preauth["pre_auth_code"], "redirect_uri": "https://x/cb", "kind": "miniprogram"}),
    )
    .await;
    Setup {
        token_url,
        token_body: token_body(http, tokens).await,
        // Nobody asks the second simulator for another token, so this one stays valid for the whole benchmark.
        info_url: format!("{base}/cgi-bin/component/api_get_authorizer_info?component_access_token={info_token}"),
        info_body: json!({"component_appid": infos.component_appid, "authorizer_appid": authorized["authorizer_appid"]}),
    }
}

async fn run(http: &reqwest::Client, setup: Arc<Setup>) -> f64 {
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut clients = Vec::new();
    for n in 0..CLIENTS {
        let (http, setup, done, stop) = (http.clone(), setup.clone(), done.clone(), stop.clone());
        clients.push(tokio::spawn(async move {
            let mut i = n;
            while !stop.load(Ordering::Relaxed) {
                let (url, body, success) = if i % 2 == 0 {
                    (&setup.token_url, &setup.token_body, &b"component_access_token"[..])
                } else {
                    (&setup.info_url, &setup.info_body, &b"authorizer_info"[..])
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
                assert!(
                    bytes.windows(success.len()).any(|w| w == success),
                    "not a success: {bytes:?}"
                );
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
        let tokens = start(SimConfig::default()).await.expect("simulator");
        let infos = start(SimConfig {
            merchants: 10_000,
            ..SimConfig::default()
        })
        .await
        .expect("simulator");
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(CLIENTS)
            .build()
            .expect("client");
        let setup = Arc::new(setup(&http, tokens.ready(), infos.ready()).await);
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
        tokens.shutdown().await;
        infos.shutdown().await;
    });
}
