//! kill -9 the hub (the real binary) while a client posts 10,000 valid signed pushes, restart it, and check that
//! every push answered `success` is in the database exactly once, retries included.

mod hub_support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use futures_util::StreamExt as _;
use hub_support::*;
use tokio::io::AsyncBufReadExt as _;

const PUSHES: usize = 10_000;
const CONCURRENCY: usize = 32;
/// The kill comes after this many acknowledged pushes, so it lands mid-stream.
const KILL_AFTER: usize = 3_000;

fn write_config(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("hub.toml");
    let text = format!(
        "listen = \"127.0.0.1:0\"\npublic_url = \"https://hub.example.com\"\ndatabase = \"hub.sqlite3\"\n\
         [wechat]\ncomponent_appid = \"{COMPONENT_APPID}\"\napi_base = \"http://127.0.0.1:9\"\n"
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// Starts `wxdesk hub` and returns it with the URL it printed.
async fn spawn_hub(config: &Path) -> (tokio::process::Child, String) {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_wxdesk"))
        .args(["hub", "--config"])
        .arg(config)
        .env("WXDESK_COMPONENT_APPSECRET", APPSECRET)
        .env("WXDESK_TOKEN", MESSAGE_TOKEN)
        .env("WXDESK_ENCODING_AES_KEY", AES_KEY)
        .env("WXDESK_STORE_KEY", STORE_KEY)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let line = lines
        .next_line()
        .await
        .unwrap()
        .expect("the hub prints its URL when ready");
    let ready: serde_json::Value = serde_json::from_str(&line).unwrap();
    (child, ready["url"].as_str().unwrap().to_owned())
}

async fn post(http: &reqwest::Client, url: &str, push: &Push) -> bool {
    let sent = http
        .post(format!("{url}/wechat/component?{}", push.query))
        .body(push.body.clone())
        .send()
        .await;
    match sent {
        Ok(response) => response.text().await.map(|t| t == "success").unwrap_or(false),
        Err(_) => false,
    }
}

fn stored_tickets(database: &Path) -> BTreeMap<usize, usize> {
    let conn = rusqlite::Connection::open(database).unwrap();
    let mut stmt = conn.prepare("SELECT xml FROM pushes").unwrap();
    let mut counts = BTreeMap::new();
    for xml in stmt.query_map([], |row| row.get::<_, String>(0)).unwrap() {
        let xml = xml.unwrap();
        let start = xml.find("ticket@@@n").unwrap() + "ticket@@@n".len();
        let end = start + xml[start..].find(']').unwrap();
        *counts.entry(xml[start..end].parse().unwrap()).or_insert(0) += 1;
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_push_survives_kill_9_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path());
    let (mut hub, url) = spawn_hub(&config).await;
    let crypt = crypt();
    let pushes: Vec<Push> = (0..PUSHES)
        .map(|i| component_push(&crypt, &ticket_xml(&format!("ticket@@@n{i}")), &i.to_string()))
        .collect();
    let pushes = Arc::new(pushes);
    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    let http = reqwest::Client::new();

    let killer = {
        let acknowledged = acknowledged.clone();
        async move {
            while acknowledged.lock().unwrap().len() < KILL_AFTER {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            hub.start_kill().unwrap(); // SIGKILL
            hub.wait().await.unwrap();
        }
    };
    let sender = futures_util::stream::iter(0..PUSHES)
        .map(|i| {
            let (http, url, pushes, acknowledged) = (http.clone(), url.clone(), pushes.clone(), acknowledged.clone());
            async move {
                if post(&http, &url, &pushes[i]).await {
                    acknowledged.lock().unwrap().insert(i);
                }
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<()>>();
    tokio::join!(killer, sender);
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= KILL_AFTER && acknowledged.len() < PUSHES,
        "{} acknowledged",
        acknowledged.len()
    );

    // Restart; the platform retries what it has not seen answered, and some of what it has.
    let (hub, url) = spawn_hub(&config).await;
    let retried: Vec<usize> = (0..PUSHES)
        .filter(|i| !acknowledged.contains(i) || i % 7 == 0)
        .collect();
    let outcomes = futures_util::stream::iter(retried.iter().copied())
        .map(|i| {
            let (http, url, pushes) = (http.clone(), url.clone(), pushes.clone());
            async move { (i, post(&http, &url, &pushes[i]).await) }
        })
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    assert!(outcomes.iter().all(|(_, ok)| *ok), "every retry is answered success");
    drop(hub);

    let stored = stored_tickets(&dir.path().join("hub.sqlite3"));
    for i in &acknowledged {
        assert_eq!(stored.get(i), Some(&1), "push {i} was acknowledged before the kill");
    }
    assert_eq!(stored.len(), PUSHES, "after the retries every push is stored");
    assert!(stored.values().all(|n| *n == 1), "no push is stored twice");
}
