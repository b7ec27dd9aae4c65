//! Simulator: the real `wxdesk sim` binary prints one JSON ready line, and serves what it announces.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use wxdesk::sim::ReadyLine;

struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_prints_a_ready_line_and_serves_the_control_api() {
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_wxdesk"))
            .args(["sim", "--listen", "127.0.0.1:0", "--merchants", "50"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let raw: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert!(
        raw["hint"].as_str().unwrap().contains("/__sim/config"),
        "without --event-url the line says what to do"
    );
    let ready: ReadyLine = serde_json::from_value(raw).unwrap();
    assert!(ready.api_base.starts_with("http://127.0.0.1:"));
    assert_eq!(ready.api_base, ready.mp_base);
    assert_eq!(ready.api_base, ready.open_base);
    assert!(ready.component_appid.starts_with("wx") && ready.component_appid.len() == 18);
    assert_eq!(ready.encoding_aes_key.len(), 43);
    let provider: serde_json::Value = reqwest::get(format!("{}/__sim/provider", ready.api_base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(provider["component_appid"], ready.component_appid);
    assert_eq!(provider["token"], ready.token);
}
