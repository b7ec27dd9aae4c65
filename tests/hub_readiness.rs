//! The 全网发布 readiness check (issue 12 point 4, wechat-api.md §14.1) on a real hub in front of the simulator: each
//! failing state is named by its item — no ticket, a wrong secret, a refused IP (with the IP the platform saw), an
//! unpublished platform, unset domains — and a platform set up in full is all green.

mod hub_support;

use hub_support::*;
use serde_json::json;
use wxdesk::hubapi::{Level, Readiness};

async fn readiness(hub: &TestHub) -> Readiness {
    serde_json::from_value(hub.get_json("/api/v1/readiness").await).unwrap()
}

fn level(readiness: &Readiness, key: &str) -> Level {
    readiness
        .items
        .iter()
        .find(|item| item.key == key)
        .unwrap_or_else(|| panic!("no {key} in {readiness:#?}"))
        .level
}

fn levels(readiness: &Readiness) -> Vec<(&str, Level)> {
    readiness.items.iter().map(|i| (i.key.as_str(), i.level)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_a_ticket_the_ticket_is_red_and_the_rest_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::start(&[]).await;
    // The simulator's pushes go nowhere: no ticket reaches the hub.
    let hub = TestHub::start_with(sim.hub_config(dir.path(), None), sim.secrets()).await;
    let check = readiness(&hub).await;
    assert!(!check.ready);
    assert_eq!(level(&check, "ticket"), Level::Red);
    for key in ["secret", "whitelist", "published"] {
        assert_eq!(level(&check, key), Level::Amber, "{key}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_wrong_secret_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::start(&[]).await;
    let secrets = wxdesk::hub::HubSecrets {
        component_appsecret: "0123456789abcdef0123456789abcdef".into(),
        ..sim.secrets()
    };
    let hub = TestHub::start_with(sim.hub_config(dir.path(), None), secrets).await;
    sim.push_to(&hub.handle.url()).await;
    hub.wait_for_ticket().await;
    let check = readiness(&hub).await;
    assert_eq!(level(&check, "ticket"), Level::Green);
    assert_eq!(level(&check, "secret"), Level::Red, "{check:#?}");
    assert!(!check.ready);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_ip_is_shown_as_the_platform_saw_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, hub) = connected(dir.path(), &["--whitelist", "10.9.8.7"]).await;
    let check = readiness(&hub).await;
    let whitelist = check.items.iter().find(|i| i.key == "whitelist").unwrap();
    assert_eq!(
        (whitelist.level, whitelist.errcode),
        (Level::Red, Some(61004)),
        "{check:#?}"
    );
    assert_eq!(whitelist.value.as_deref(), Some("127.0.0.1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_unpublished_platform_and_unset_domains_are_named_then_all_is_green() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = connected(dir.path(), &[]).await;
    sim.control(
        "/__sim/faults",
        &json!({ "path": "/cgi-bin/component/api_get_authorizer_list", "errcode": 61028 }),
    )
    .await;
    let check = readiness(&hub).await;
    assert_eq!(level(&check, "published"), Level::Red, "{check:#?}");
    assert!(!check.ready);

    // Published now (the fault was used once). The platform-level domains cleared (§7.3, §7.4 action `set` with
    // none, published too): mini programs could add none.
    let domain_calls = [
        ("/cgi-bin/component/modify_wxa_server_domain", "wxa_server_domain"),
        ("/cgi-bin/component/modify_wxa_jump_domain", "wxa_jump_h5_domain"),
    ];
    for (path, field) in domain_calls {
        let body = json!({ "action": "set", field: "", "is_modify_published_together": true });
        let answer = hub.call(&json!({ "path": path, "body": body })).await;
        assert_eq!(answer["errcode"].as_i64().unwrap_or(0), 0, "{answer}");
    }
    let check = readiness(&hub).await;
    assert_eq!(level(&check, "published"), Level::Green);
    assert_eq!(level(&check, "server_domains"), Level::Amber);
    assert_eq!(level(&check, "jump_domains"), Level::Amber);
    assert!(check.ready, "amber items do not block: {check:#?}");

    // Set up in full: platform-level domains (§7.3, §7.4); the simulator already holds drafts (§5.1).
    for (path, field) in domain_calls {
        let answer = hub
            .call(&json!({ "path": path, "body": { "action": "add", field: "api.example.com" } }))
            .await;
        assert_eq!(answer["errcode"].as_i64().unwrap_or(0), 0, "{answer}");
    }
    let check = readiness(&hub).await;
    assert!(
        check.items.iter().all(|i| i.level == Level::Green),
        "{:?}",
        levels(&check)
    );
    let urls = check.items.iter().find(|i| i.key == "push_urls").unwrap();
    assert_eq!(
        urls.value.as_deref(),
        Some("http://hub.invalid/wechat/component\nhttp://hub.invalid/wechat/message/$APPID$")
    );
}

/// `wxdesk hub check` asks the running hub with an operator key: exit 0 when no item is red, 1 when one is (a refused
/// IP here), 2 when it cannot ask (no key).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hub_check_exits_by_the_readiness_of_a_running_hub() {
    async fn check(config: &std::path::Path, sim: &SimProcess, url: &str, key: Option<&str>) -> (i32, String) {
        let mut command = hub_command(config, sim);
        command
            .args(["check", "--url", url])
            .stdout(std::process::Stdio::piped());
        match key {
            Some(key) => command.env("WXDESK_OPERATOR_KEY", key),
            None => command.env_remove("WXDESK_OPERATOR_KEY"),
        };
        let output = command.output().await.unwrap();
        (output.status.code().unwrap(), String::from_utf8(output.stdout).unwrap())
    }
    for (whitelist, expected) in [(None, 0), (Some("10.9.8.7"), 1)] {
        let dir = tempfile::tempdir().unwrap();
        let args: Vec<&str> = whitelist.map(|ip| vec!["--whitelist", ip]).unwrap_or_default();
        let sim = SimProcess::start(&args).await;
        let config = write_config(dir.path(), &sim, "");
        let key = add_operator(&config, &sim).await;
        let (_hub, url) = spawn_hub(&config, &sim).await;
        sim.push_to(&url).await;
        let http = reqwest::Client::new();
        eventually("the hub's first ticket", || async {
            let status: serde_json::Value = http
                .get(format!("{url}/api/v1/status"))
                .bearer_auth(&key)
                .send()
                .await
                .ok()?
                .json()
                .await
                .ok()?;
            (!status["ticket"].is_null()).then_some(())
        })
        .await;
        let (code, printed) = check(&config, &sim, &url, Some(&key)).await;
        assert_eq!(code, expected, "{printed}");
        assert!(printed.contains("push_urls"), "{printed}");
        if expected == 1 {
            assert!(
                printed.contains("FAIL whitelist") && printed.contains("127.0.0.1"),
                "{printed}"
            );
        }
        assert_eq!(check(&config, &sim, &url, None).await.0, 2, "no key, no answer");
    }
}

/// §7.4, §7.5: the business domains' confirm file is served at the hub's root, the one the platform names and no
/// other; a name that is no `.txt` file costs no call.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_confirm_file_is_served_at_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = connected(dir.path(), &[]).await;
    let file = hub
        .call(&json!({ "path": "/cgi-bin/component/get_domain_confirmfile", "body": {} }))
        .await;
    let name = file["file_name"]
        .as_str()
        .expect("the platform names a file")
        .to_owned();
    let served = reqwest::get(hub.url(&format!("/{name}"))).await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.text().await.unwrap(), file["file_content"].as_str().unwrap());
    assert_eq!(reqwest::get(hub.url("/other.txt")).await.unwrap().status(), 404);
    let since = sim.last_call_seq().await;
    assert_eq!(reqwest::get(hub.url("/favicon.ico")).await.unwrap().status(), 404);
    assert_eq!(sim.count_calls(since, "/get_domain_confirmfile").await, 0);
}
