//! Shared helpers of the hub's integration tests: a hub on loopback, signed pushes, an authorized HTTP client.
#![allow(dead_code)]

use std::path::Path;

use wxdesk::hub::{HubConfig, HubHandle, HubSecrets, JobsConfig};
use wxdesk::wechat::crypto::{Envelope, MsgCrypt};

pub const COMPONENT_APPID: &str = "wx1c0mp0nent0appid";
pub const MESSAGE_TOKEN: &str = "hub-test-message-token";
pub const AES_KEY: &str = "k7Qn2Wb9Xc4Vd1Ze8Rf5Tg3Yh6Uj0Ik9Ol2Pm5Nn8Bb";
pub const APPSECRET: &str = "hub-test-component-appsecret";
pub const STORE_KEY: &str = "5f1d3c7b9a2e4f6081726354a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e";

/// A few permission sets the simulator offers an account of `kind` (`miniprogram` or `official_account`); it answers
/// 400 to a set it does not offer that kind.
pub fn sets_of(kind: &str) -> serde_json::Value {
    if kind == "official_account" {
        serde_json::json!([1])
    } else {
        serde_json::json!([17, 18])
    }
}

pub fn secrets() -> HubSecrets {
    HubSecrets {
        component_appsecret: APPSECRET.into(),
        token: MESSAGE_TOKEN.into(),
        encoding_aes_key: AES_KEY.into(),
        previous_encoding_aes_key: None,
        store_key: STORE_KEY.into(),
    }
}

pub fn config(dir: &Path, api_base: &str) -> HubConfig {
    HubConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        metrics_listen: None,
        public_url: "https://hub.example.com".into(),
        database: dir.join("hub.sqlite3"),
        api_base: api_base.into(),
        mp_base: api_base.into(),
        open_base: api_base.into(),
        component_appid: COMPONENT_APPID.into(),
    }
}

pub fn crypt() -> MsgCrypt {
    MsgCrypt::new(MESSAGE_TOKEN, AES_KEY, COMPONENT_APPID).unwrap()
}

/// A push as the platform sends it: the query string and the envelope body.
pub struct Push {
    pub query: String,
    pub body: String,
}

pub fn component_push(crypt: &MsgCrypt, xml: &str, nonce: &str) -> Push {
    let sealed = crypt.seal(xml, "1700000000", nonce);
    Push {
        query: format!(
            "signature=unused&timestamp={}&nonce={}&encrypt_type=aes&msg_signature={}",
            sealed.timestamp, sealed.nonce, sealed.msg_signature
        ),
        body: Envelope::component_xml(COMPONENT_APPID, &sealed.encrypt),
    }
}

pub fn ticket_xml(ticket: &str) -> String {
    format!(
        "<xml><AppId><![CDATA[{COMPONENT_APPID}]]></AppId><CreateTime>1700000000</CreateTime>\
         <InfoType><![CDATA[component_verify_ticket]]></InfoType>\
         <ComponentVerifyTicket><![CDATA[{ticket}]]></ComponentVerifyTicket></xml>"
    )
}

pub struct TestHub {
    pub handle: HubHandle,
    pub key: String,
    pub http: reqwest::Client,
}

impl TestHub {
    pub async fn start(dir: &Path, api_base: &str) -> Self {
        Self::start_with(config(dir, api_base), secrets()).await
    }

    pub async fn start_with(config: HubConfig, secrets: HubSecrets) -> Self {
        Self::start_with_jobs(config, secrets, JobsConfig::default()).await
    }

    pub async fn start_with_jobs(config: HubConfig, secrets: HubSecrets, jobs: JobsConfig) -> Self {
        let handle = wxdesk::hub::start_with_jobs(config, secrets, jobs).await.unwrap();
        let key = match handle.add_operator("tester") {
            Ok(key) => key,
            // A restarted hub keeps its operators: give the same name a new key.
            Err(_) => {
                handle.revoke_operator("tester").unwrap();
                handle.add_operator("tester").unwrap()
            }
        };
        Self {
            handle,
            key,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.url())
    }

    pub async fn push(&self, path: &str, push: &Push) -> reqwest::Response {
        self.http
            .post(format!("{}?{}", self.url(path), push.query))
            .body(push.body.clone())
            .send()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        let response = self
            .http
            .get(self.url(path))
            .bearer_auth(&self.key)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "GET {path}: {}", response.status());
        response.json().await.unwrap()
    }

    /// Waits until the simulator's first ticket has reached the hub.
    pub async fn wait_for_ticket(&self) {
        eventually("the ticket to reach the hub", || async {
            let status = self.get_json("/api/v1/status").await;
            (!status["ticket"].is_null()).then_some(())
        })
        .await;
    }

    /// `POST /api/v1/call`: the platform's answer as relayed by the hub.
    pub async fn call(&self, body: &serde_json::Value) -> serde_json::Value {
        self.post_json("/api/v1/call", body).await.json().await.unwrap()
    }

    /// Follows the redirect of a `/__sim/authorize` answer as the merchant's browser does; the landing page.
    pub async fn land(&self, authorized: &serde_json::Value) -> String {
        let redirect = authorized["redirect_url"].as_str().unwrap();
        let landing = self.http.get(redirect).send().await.unwrap();
        assert_eq!(landing.status(), 200);
        landing.text().await.unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .bearer_auth(&self.key)
            .json(body)
            .send()
            .await
            .unwrap()
    }
}

/// Rows of a table, read straight from the hub's SQLite file.
pub fn count(database: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(database).unwrap();
    conn.query_row(sql, [], |row| row.get(0)).unwrap()
}

/// The simulator as a real process (`wxdesk sim`), with the provider credentials it printed when ready.
pub struct SimProcess {
    pub child: tokio::process::Child,
    pub ready: serde_json::Value,
    pub base: String,
    pub http: reqwest::Client,
}

impl SimProcess {
    pub async fn start(extra: &[&str]) -> Self {
        use tokio::io::AsyncBufReadExt as _;
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_wxdesk"))
            .args(["sim", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let ready: serde_json::Value = loop {
            let line = lines
                .next_line()
                .await
                .unwrap()
                .expect("the simulator prints one JSON line when ready");
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(&line) {
                break value;
            }
        };
        // Keep draining stdout so the simulator never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let base = ready["api_base"].as_str().unwrap().trim_end_matches('/').to_owned();
        Self {
            child,
            ready,
            base,
            http: reqwest::Client::new(),
        }
    }

    /// Points the simulator's pushes at a hub; the simulator pushes a fresh ticket at once.
    pub async fn push_to(&self, hub_url: &str) {
        let urls = serde_json::json!({
            "event_url": format!("{hub_url}/wechat/component"),
            "message_url": format!("{hub_url}/wechat/message/$APPID$"),
        });
        self.control("/__sim/config", &urls).await;
    }

    pub fn field(&self, name: &str) -> String {
        self.ready[name]
            .as_str()
            .unwrap_or_else(|| panic!("simulator ready line lacks {name}"))
            .to_owned()
    }

    pub fn secrets(&self) -> HubSecrets {
        HubSecrets {
            component_appsecret: self.field("component_appsecret").into(),
            token: self.field("token").into(),
            encoding_aes_key: self.field("encoding_aes_key").into(),
            previous_encoding_aes_key: None,
            store_key: STORE_KEY.into(),
        }
    }

    /// A hub on a free loopback port speaking to this simulator at `api_base` (the simulator itself by default).
    pub fn hub_config(&self, dir: &Path, api_base: Option<&str>) -> HubConfig {
        HubConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            metrics_listen: None,
            public_url: "http://hub.invalid".into(),
            database: dir.join("hub.sqlite3"),
            api_base: api_base.map_or_else(|| self.field("api_base"), str::to_owned),
            mp_base: self.field("mp_base"),
            open_base: self.field("open_base"),
            component_appid: self.field("component_appid"),
        }
    }

    pub async fn control(&self, path: &str, body: &serde_json::Value) -> serde_json::Value {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
    }

    /// The calls the simulator received after `since`.
    pub async fn calls(&self, since: i64) -> Vec<serde_json::Value> {
        let url = format!("{}/__sim/calls?since={since}", self.base);
        let value: serde_json::Value = self.http.get(url).send().await.unwrap().json().await.unwrap();
        value["calls"].as_array().cloned().unwrap_or_default()
    }

    pub async fn count_calls(&self, since: i64, path_end: &str) -> usize {
        self.calls(since)
            .await
            .iter()
            .filter(|c| c["path"].as_str().is_some_and(|p| p.ends_with(path_end)))
            .count()
    }

    /// The newest call's sequence number; pages through the journal, which answers at most 10,000 at a time.
    pub async fn last_call_seq(&self) -> i64 {
        let mut last = 0;
        loop {
            let page = self.calls(last).await;
            match page.iter().filter_map(|c| c["seq"].as_i64()).max() {
                Some(seq) if seq > last => last = seq,
                _ => return last,
            }
        }
    }
}

/// A simulator process started with `sim_args` and a hub on `dir` that has received its first ticket.
pub async fn connected(dir: &Path, sim_args: &[&str]) -> (SimProcess, TestHub) {
    let sim = SimProcess::start(sim_args).await;
    let hub = TestHub::start_with(sim.hub_config(dir, None), sim.secrets()).await;
    sim.push_to(&hub.handle.url()).await;
    hub.wait_for_ticket().await;
    (sim, hub)
}

/// Polls `check` every 50 ms until it yields a value; gives up after a generous minute.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(std::time::Instant::now() < deadline, "gave up waiting for {what}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// A hub config file for `wxdesk hub --config` speaking to `sim`, with `extra` TOML appended (a `[jobs]` table).
pub fn write_config(dir: &Path, sim: &SimProcess, extra: &str) -> std::path::PathBuf {
    let path = dir.join("hub.toml");
    let text = format!(
        "listen = \"127.0.0.1:0\"\npublic_url = \"https://hub.example.com\"\ndatabase = \"hub.sqlite3\"\n\
         [wechat]\ncomponent_appid = \"{}\"\napi_base = \"{}\"\nmp_base = \"{}\"\nopen_base = \"{}\"\n",
        sim.field("component_appid"),
        sim.field("api_base"),
        sim.field("mp_base"),
        sim.field("open_base"),
    );
    std::fs::write(&path, text + extra).unwrap();
    path
}

pub fn hub_command(config: &Path, sim: &SimProcess) -> tokio::process::Command {
    let secrets = sim.secrets();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_wxdesk"));
    command
        .args(["hub", "--config"])
        .arg(config)
        .env("WXDESK_COMPONENT_APPSECRET", secrets.component_appsecret.expose())
        .env("WXDESK_TOKEN", secrets.token.expose())
        .env("WXDESK_ENCODING_AES_KEY", secrets.encoding_aes_key.expose())
        .env("WXDESK_STORE_KEY", secrets.store_key.expose())
        .env("RUST_LOG", "warn")
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    command
}

/// Starts `wxdesk hub` and returns it with the URL it printed.
pub async fn spawn_hub(config: &Path, sim: &SimProcess) -> (tokio::process::Child, String) {
    let mut child = hub_command(config, sim)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    use tokio::io::AsyncBufReadExt as _;
    let line = tokio::io::BufReader::new(stdout)
        .lines()
        .next_line()
        .await
        .unwrap()
        .expect("the hub prints its URL when ready");
    let ready: serde_json::Value = serde_json::from_str(&line).unwrap();
    (child, ready["url"].as_str().unwrap().to_owned())
}

/// `wxdesk hub operator add`: the key it prints once.
pub async fn add_operator(config: &Path, sim: &SimProcess) -> String {
    let output = hub_command(config, sim)
        .args(["operator", "add", "tester"])
        .stdout(std::process::Stdio::piped())
        .output()
        .await
        .unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

pub async fn get_job(http: &reqwest::Client, url: &str, key: &str, id: i64) -> wxdesk::hubapi::Job {
    http.get(format!("{url}/api/v1/jobs/{id}"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The first `count` authorized mini programs of a `GET /api/v1/authorizers` page that the simulator's demo gave no
/// code of its own (it authorizes in index order, oldest first, and seeds code on the first twelve mini programs).
pub fn fresh_miniprograms(page: &serde_json::Value, count: usize) -> Vec<String> {
    let mut appids: Vec<(i64, String)> = page["authorizers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["kind"] == "miniprogram")
        .filter_map(|a| Some((a["authorized_at"].as_i64()?, a["authorizer_appid"].as_str()?.to_owned())))
        .collect();
    appids.sort();
    let fresh: Vec<String> = appids
        .into_iter()
        .skip(12)
        .map(|(_, appid)| appid)
        .take(count)
        .collect();
    assert_eq!(fresh.len(), count, "the simulator has {count} fresh mini programs");
    fresh
}
