//! Push intake under load: a loopback load generator posts valid signed pushes to an in-process hub and reports
//! throughput and latency percentiles (target: ≥ 5,000 pushes/s with p99 < 20 ms). `cargo bench --bench hub_intake`.

use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use wxdesk::hub::{HubConfig, HubSecrets};
use wxdesk::wechat::crypto::{Envelope, MsgCrypt};

const APPID: &str = "wx1c0mp0nent0appid";
const TOKEN: &str = "bench-message-token";
const AES_KEY: &str = "k7Qn2Wb9Xc4Vd1Ze8Rf5Tg3Yh6Uj0Ik9Ol2Pm5Nn8Bb";
const PUSHES_PER_ROUND: usize = 10_000;
const ROUNDS: usize = 3;
const CONCURRENCY: usize = 64;

struct Round {
    per_sec: f64,
    p50: Duration,
    p99: Duration,
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = HubConfig {
        listen: "127.0.0.1:0".parse().expect("addr"),
        metrics_listen: None,
        public_url: "http://127.0.0.1".into(),
        database: dir.path().join("hub.sqlite3"),
        api_base: "http://127.0.0.1:9".into(),
        mp_base: "http://127.0.0.1:9".into(),
        open_base: "http://127.0.0.1:9".into(),
        component_appid: APPID.into(),
    };
    let secrets = HubSecrets {
        component_appsecret: "bench".into(),
        token: TOKEN.into(),
        encoding_aes_key: AES_KEY.into(),
        previous_encoding_aes_key: None,
        store_key: "11".repeat(32).into(),
    };
    let hub = wxdesk::hub::start(config, secrets).await.expect("hub starts");
    let crypt = MsgCrypt::new(TOKEN, AES_KEY, APPID).expect("crypt");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .expect("client");
    let url = format!("{}/wechat/component", hub.url());
    let mut rounds = Vec::new();
    for round in 0..ROUNDS {
        let requests: Vec<(String, String)> = (0..PUSHES_PER_ROUND).map(|i| push(&crypt, round, i)).collect();
        rounds.push(fire(&http, &url, requests).await);
        let last = rounds.last().expect("a round");
        println!(
            "round {round}: {:.0} pushes/s, p50 {:.2} ms, p99 {:.2} ms",
            last.per_sec,
            ms(last.p50),
            ms(last.p99)
        );
    }
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    println!(
        "hub_intake median of {ROUNDS} rounds of {PUSHES_PER_ROUND} pushes, concurrency {CONCURRENCY}: \
         {:.0} pushes/s, p50 {:.2} ms, p99 {:.2} ms",
        median(rounds.iter().map(|r| r.per_sec).collect()),
        median(rounds.iter().map(|r| ms(r.p50)).collect()),
        median(rounds.iter().map(|r| ms(r.p99)).collect()),
    );
    hub.shutdown().await;
}

fn push(crypt: &MsgCrypt, round: usize, i: usize) -> (String, String) {
    let xml = format!(
        "<xml><AppId><![CDATA[{APPID}]]></AppId><CreateTime>1700000000</CreateTime>\
         <InfoType><![CDATA[component_verify_ticket]]></InfoType>\
         <ComponentVerifyTicket><![CDATA[ticket@@@{round}-{i}]]></ComponentVerifyTicket></xml>"
    );
    let sealed = crypt.seal(&xml, "1700000000", &i.to_string());
    let query = format!(
        "timestamp={}&nonce={}&encrypt_type=aes&msg_signature={}",
        sealed.timestamp, sealed.nonce, sealed.msg_signature
    );
    (query, Envelope::component_xml(APPID, &sealed.encrypt))
}

async fn fire(http: &reqwest::Client, url: &str, requests: Vec<(String, String)>) -> Round {
    let started = Instant::now();
    let mut latencies: Vec<Duration> = futures_util::stream::iter(requests)
        .map(|(query, body)| async move {
            let sent = Instant::now();
            let response = http
                .post(format!("{url}?{query}"))
                .body(body)
                .send()
                .await
                .expect("hub answers");
            let text = response.text().await.expect("body");
            assert_eq!(text, "success");
            sent.elapsed()
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let elapsed = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Round {
        per_sec: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
