//! The hub as an ops engineer runs it: `hub init` writes a config that loads and is never overwritten unasked;
//! logs are plain text off a terminal or JSON lines when asked; `/metrics` is Prometheus text and counts what the
//! hub did; a hub started without a fresh ticket asks the platform for one; `operator list` reads as UTC dates.

mod hub_support;

use std::collections::HashMap;
use std::path::Path;

use hub_support::*;
use serde_json::{Value, json};
use wxdesk::wechat::crypto::{Envelope, MsgCrypt};

fn wxdesk(args: &[&str], config: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_wxdesk"))
        .arg("hub")
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn hub_init_writes_a_config_that_loads_and_overwrites_only_when_forced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hub.toml");
    let output = wxdesk(&["init"], &path);
    assert!(output.status.success(), "{output:?}");
    let written = std::fs::read_to_string(&path).unwrap();
    let file = wxdesk::hub::ConfigFile::load(&path).unwrap();
    assert!(file.config.public_url.starts_with("https://"));
    assert!(
        written.contains("WXDESK_STORE_KEY"),
        "the config says how secrets are given"
    );

    std::fs::write(&path, "# edited by hand\n").unwrap();
    let again = wxdesk(&["init"], &path);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# edited by hand\n");

    let forced = wxdesk(&["init", "--force"], &path);
    assert!(forced.status.success(), "{forced:?}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written);
}

/// One sample of a Prometheus text exposition (format 0.0.4).
#[derive(Debug)]
struct Sample {
    name: String,
    labels: HashMap<String, String>,
    value: f64,
}

fn metric_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// Parses the exposition strictly: `# HELP name text`, `# TYPE name kind` before that family's samples, and
/// samples `name{label="value",…} number`; anything else fails the test.
fn parse_prometheus(text: &str) -> Vec<Sample> {
    let mut typed: HashMap<String, String> = HashMap::new();
    let mut samples = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix("# ") {
            let mut parts = rest.splitn(3, ' ');
            let (keyword, name, value) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
            assert!(metric_name(name), "bad name in {line:?}");
            match keyword {
                "HELP" => {}
                "TYPE" => {
                    assert!(
                        ["counter", "gauge", "histogram", "summary", "untyped"].contains(&value),
                        "{line:?}"
                    );
                    typed.insert(name.to_owned(), value.to_owned());
                }
                _ => panic!("unknown comment {line:?}"),
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("no value in {line:?}"));
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("bad value in {line:?}"));
        let (name, labels) = match series.split_once('{') {
            None => (series, HashMap::new()),
            Some((name, rest)) => {
                let body = rest
                    .strip_suffix('}')
                    .unwrap_or_else(|| panic!("unclosed labels in {line:?}"));
                let mut labels = HashMap::new();
                for pair in body.split("\",").filter(|p| !p.is_empty()) {
                    let (key, quoted) = pair
                        .split_once("=\"")
                        .unwrap_or_else(|| panic!("bad label in {line:?}"));
                    assert!(metric_name(key) && !key.contains(':'), "bad label name in {line:?}");
                    labels.insert(key.to_owned(), quoted.trim_end_matches('"').to_owned());
                }
                (name, labels)
            }
        };
        assert!(metric_name(name), "bad name in {line:?}");
        assert!(typed.contains_key(name), "{name} has no # TYPE line before it");
        samples.push(Sample {
            name: name.to_owned(),
            labels,
            value,
        });
    }
    samples
}

fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|s| {
            s.name == name
                && labels
                    .iter()
                    .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|s| s.value)
}

async fn scrape(http: &reqwest::Client, url: &str) -> Vec<Sample> {
    let response = http.get(url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    parse_prometheus(&response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_prometheus_text_and_count_pushes_relays_tokens_and_long_polls() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::start(&[]).await;
    let mut config = sim.hub_config(dir.path(), None);
    config.metrics_listen = Some("127.0.0.1:0".parse().unwrap());
    let hub = TestHub::start_with(config, sim.secrets()).await;
    sim.push_to(&hub.handle.url()).await;
    hub.wait_for_ticket().await;
    let metrics_url = format!("http://{}/metrics", hub.handle.metrics_addr().unwrap());

    let before = scrape(&hub.http, &metrics_url).await;
    let refused = |samples: &[Sample]| {
        value(
            samples,
            "wxdesk_pushes_refused_total",
            &[("url", "component"), ("reason", "signature")],
        )
        .unwrap_or(0.0)
    };
    assert_eq!(refused(&before), 0.0);
    let received_before = value(&before, "wxdesk_pushes_received_total", &[("url", "component")]).unwrap();
    assert!(received_before >= 1.0, "the ticket push was received");

    // A push signed with another message token: refused (401) and counted.
    let forged = MsgCrypt::new(
        "not-the-message-token",
        &sim.field("encoding_aes_key"),
        &sim.field("component_appid"),
    )
    .unwrap();
    let sealed = forged.seal(
        "<xml><InfoType>component_verify_ticket</InfoType></xml>",
        "1700000000",
        "n1",
    );
    let response = hub
        .http
        .post(format!(
            "{}?timestamp={}&nonce={}&encrypt_type=aes&msg_signature={}",
            hub.url("/wechat/component"),
            sealed.timestamp,
            sealed.nonce,
            sealed.msg_signature
        ))
        .body(Envelope::component_xml(&sim.field("component_appid"), &sealed.encrypt))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);

    // A relayed call: the first one fetches the component token.
    let answer = hub
        .call(&json!({"method": "GET", "path": "/wxa/gettemplatelist", "query": {}}))
        .await;
    assert_eq!(answer["errcode"], 0, "{answer}");

    // A console waiting on the event stream.
    let poll = {
        let (http, url, key) = (
            hub.http.clone(),
            hub.url("/api/v1/events?after=1000000&wait_secs=10"),
            hub.key.clone(),
        );
        tokio::spawn(async move { http.get(url).bearer_auth(key).send().await })
    };
    let after = eventually("the long poll to be counted", || async {
        let samples = scrape(&hub.http, &metrics_url).await;
        (value(&samples, "wxdesk_long_poll_clients", &[]) == Some(1.0)).then_some(samples)
    })
    .await;
    assert_eq!(refused(&after), 1.0);
    assert_eq!(
        value(&after, "wxdesk_pushes_received_total", &[("url", "component")]),
        Some(received_before + 1.0)
    );
    assert_eq!(
        value(
            &after,
            "wxdesk_relay_calls_total",
            &[("endpoint", "/wxa/gettemplatelist"), ("errcode", "0")]
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            &after,
            "wxdesk_token_refreshes_total",
            &[("token", "component"), ("outcome", "ok")]
        ),
        Some(1.0)
    );
    poll.abort();
    let _ = poll.await;
    eventually("the long poll to be let go", || async {
        let samples = scrape(&hub.http, &metrics_url).await;
        (value(&samples, "wxdesk_long_poll_clients", &[]) == Some(0.0)).then_some(())
    })
    .await;
    hub.handle.shutdown().await;
}

/// Runs `wxdesk hub` with stderr captured until it is ready, then stops it and returns its stdout ready line and
/// its log output.
async fn run_hub_logging(config: &Path, sim: &SimProcess, args: &[&str]) -> (Value, String) {
    use tokio::io::AsyncBufReadExt as _;
    let mut child = hub_command(config, sim)
        .args(args)
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = tokio::io::BufReader::new(stdout)
        .lines()
        .next_line()
        .await
        .unwrap()
        .expect("the hub prints its URL when ready");
    let ready: Value = serde_json::from_str(&line).unwrap();
    child.start_kill().unwrap();
    let output = child.wait_with_output().await.unwrap();
    (ready, String::from_utf8(output.stderr).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_are_json_lines_when_asked_and_never_coloured_off_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::start(&[]).await;
    let config = write_config(dir.path(), &sim, "");

    let (_, text) = run_hub_logging(&config, &sim, &[]).await;
    assert!(text.contains("hub listening"), "{text}");
    assert!(!text.contains('\u{1b}'), "colour codes in a pipe: {text:?}");

    let (_, json) = run_hub_logging(&config, &sim, &["--log-format", "json"]).await;
    let lines: Vec<Value> = json
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}")))
        .collect();
    let listening = lines
        .iter()
        .find(|line| line["fields"]["message"] == "hub listening")
        .unwrap_or_else(|| panic!("no `hub listening` line in {json}"));
    assert_eq!(listening["level"], "INFO");
    assert!(
        listening["fields"]["addr"]
            .as_str()
            .is_some_and(|a| a.starts_with("127.0.0.1:"))
    );

    // The same from the config file, which also opens the metrics listener the ready line names.
    let config = write_config(dir.path(), &sim, "");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("log_format = \"json\"\nmetrics_listen = \"127.0.0.1:0\"\n{text}"),
    )
    .unwrap();
    let (ready, json) = run_hub_logging(&config, &sim, &[]).await;
    assert!(
        json.lines().all(|line| serde_json::from_str::<Value>(line).is_ok()),
        "{json}"
    );
    assert!(json.contains("metrics listening"), "{json}");
    let metrics_url = ready["metrics_url"].as_str().unwrap();
    assert!(metrics_url.starts_with("http://127.0.0.1:") && metrics_url.ends_with("/metrics"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_started_without_a_fresh_ticket_asks_the_platform_for_one() {
    let dir = tempfile::tempdir().unwrap();
    // The platform's own pushes come hourly here, so a ticket within the test is one the hub asked for.
    let sim = SimProcess::start(&["--ticket-interval-secs", "3600"]).await;
    // A first hub takes the simulator's pushes on a port, then goes away: its successor on the same port, with a
    // database of its own, missed every ticket pushed so far.
    std::fs::create_dir_all(dir.path().join("first")).unwrap();
    let first = TestHub::start_with(sim.hub_config(&dir.path().join("first"), None), sim.secrets()).await;
    sim.push_to(&first.handle.url()).await;
    first.wait_for_ticket().await;
    let addr = first.handle.addr();
    first.handle.shutdown().await;

    let since = sim.last_call_seq().await;
    let second_dir = dir.path().join("second");
    std::fs::create_dir_all(&second_dir).unwrap();
    let mut config = sim.hub_config(&second_dir, None);
    config.listen = addr;
    let hub = TestHub::start_with(config, sim.secrets()).await;
    hub.wait_for_ticket().await;
    assert_eq!(
        sim.count_calls(since, "/api_start_push_ticket").await,
        1,
        "the hub asked once"
    );
    let status = hub.get_json("/api/v1/status").await;
    let request = &status["ticket_request"];
    assert!(request["requested_at"].as_i64().is_some(), "{status}");
    assert!(request["error"].is_null(), "{status}");
    hub.handle.shutdown().await;

    // Restarted with that fresh ticket, it does not ask again.
    let since = sim.last_call_seq().await;
    let mut config = sim.hub_config(&second_dir, None);
    config.listen = addr;
    let hub = TestHub::start_with(config, sim.secrets()).await;
    let status = hub.get_json("/api/v1/status").await;
    assert!(status["ticket_request"].is_null(), "{status}");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(sim.count_calls(since, "/api_start_push_ticket").await, 0);
    hub.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_that_cannot_ask_for_a_ticket_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::start(&["--ticket-interval-secs", "3600"]).await;
    let mut secrets = sim.secrets();
    secrets.component_appsecret = "not-the-appsecret".into();
    let hub = TestHub::start_with(sim.hub_config(dir.path(), None), secrets).await;
    let request = eventually("the ticket request to be answered", || async {
        let status = hub.get_json("/api/v1/status").await;
        (!status["ticket_request"].is_null()).then(|| status["ticket_request"].clone())
    })
    .await;
    assert_eq!(request["error"]["errcode"], 40125, "{request}");
    hub.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_list_prints_utc_dates() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::start(&[]).await;
    let config = write_config(dir.path(), &sim, "");
    add_operator(&config, &sim).await;
    let output = hub_command(&config, &sim)
        .args(["operator", "list"])
        .stdout(std::process::Stdio::piped())
        .output()
        .await
        .unwrap();
    assert!(output.status.success());
    let listed = String::from_utf8(output.stdout).unwrap();
    let line = listed.lines().find(|l| l.starts_with("tester\t")).unwrap();
    let (_, created) = line.split_once("created at ").unwrap();
    let created = created.split('\t').next().unwrap();
    // `2026-11-30 19:27:41 UTC`
    assert_eq!(created.len(), 23, "{line}");
    assert!(
        created.ends_with(" UTC") && created.as_bytes()[4] == b'-' && created.as_bytes()[13] == b':',
        "{line}"
    );
}
