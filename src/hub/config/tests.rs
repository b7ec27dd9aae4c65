//! Tests of config parsing: every error names its setting, and secrets never come from the TOML.

use super::*;

const MINIMAL: &str = r#"
listen = "127.0.0.1:9000"
public_url = "https://hub.example.com/"
database = "hub.sqlite3"
[wechat]
component_appid = "wxabc"
"#;

fn parse(text: &str) -> Result<ConfigFile, ConfigError> {
    ConfigFile::parse(text, Path::new("/etc/wxdesk"), "hub.toml")
}

#[test]
fn minimal_config_takes_the_real_hosts_by_default() {
    let file = parse(MINIMAL).unwrap();
    assert_eq!(file.config.listen, "127.0.0.1:9000".parse().unwrap());
    assert_eq!(file.config.public_url, "https://hub.example.com");
    assert_eq!(file.config.database, PathBuf::from("/etc/wxdesk/hub.sqlite3"));
    assert_eq!(file.config.api_base, DEFAULT_API_BASE);
    assert_eq!(file.config.open_base, DEFAULT_OPEN_BASE);
    assert_eq!(file.config.component_appid, "wxabc");
}

#[test]
fn jobs_settings_default_and_each_may_be_set_alone() {
    assert_eq!(parse(MINIMAL).unwrap().jobs, JobsConfig::default());
    let text = format!("{MINIMAL}[jobs]\nsync_interval_secs = 0\n");
    let jobs = parse(&text).unwrap().jobs;
    assert_eq!(jobs.sync_interval_secs, 0);
    assert_eq!(jobs.calls_per_minute, JobsConfig::default().calls_per_minute);
    let unknown = format!("{MINIMAL}[jobs]\nsync_every = 5\n");
    assert!(matches!(parse(&unknown), Err(ConfigError::Toml { .. })));
}

#[test]
fn the_example_config_parses_with_the_production_defaults() {
    let file = parse(EXAMPLE).unwrap();
    assert_eq!(file.jobs, JobsConfig::default());
    assert_eq!(file.config.api_base, DEFAULT_API_BASE);
    assert_eq!(file.config.mp_base, DEFAULT_MP_BASE);
    assert_eq!(file.config.open_base, DEFAULT_OPEN_BASE);
    assert!(file.config.public_url.starts_with("https://"));
    assert!(
        file.config.listen.ip().is_loopback(),
        "the reverse proxy is the public side"
    );
    assert_eq!(file.config.metrics_listen, None);
    assert_eq!(file.log_format, Some(LogFormat::Text));
}

#[test]
fn every_commented_setting_of_the_example_parses_when_uncommented() {
    let uncommented: String = EXAMPLE
        .lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(rest) if rest.split_once(" = ").is_some_and(|(key, _)| !key.contains(' ')) => rest,
            _ => line,
        })
        .flat_map(|line| [line, "\n"])
        .collect();
    assert_ne!(uncommented, EXAMPLE);
    let file = parse(&uncommented).unwrap();
    assert_eq!(file.config.metrics_listen, Some("127.0.0.1:9464".parse().unwrap()));
    assert_eq!(file.secret_files.len(), 5, "every secret has its *_file key");
}

#[test]
fn metrics_listen_and_log_format_are_checked() {
    let file = parse(&format!(
        "metrics_listen = \"127.0.0.1:0\"\nlog_format = \"json\"\n{MINIMAL}"
    ))
    .unwrap();
    assert_eq!(file.config.metrics_listen, Some("127.0.0.1:0".parse().unwrap()));
    assert_eq!(file.log_format, Some(LogFormat::Json));
    let bad = parse(&format!("metrics_listen = \"localhost\"\n{MINIMAL}")).unwrap_err();
    assert!(bad.to_string().contains("metrics_listen"), "{bad}");
    assert!(parse(&format!("log_format = \"xml\"\n{MINIMAL}")).is_err());
}

#[test]
fn a_secret_in_the_toml_is_refused_by_name() {
    for key in ["token", "store_key", "component_appsecret"] {
        let err = parse(&format!("{key} = \"x\"\n{MINIMAL}")).unwrap_err();
        assert!(err.to_string().contains(key), "{err}");
        assert!(!err.to_string().contains("\"x\""));
    }
    let err = parse(&format!("{MINIMAL}encoding_aes_key = \"k\"\n")).unwrap_err();
    assert!(
        matches!(err, ConfigError::SecretInFile { ref key, .. } if key == "encoding_aes_key"),
        "{err}"
    );
}

#[test]
fn missing_and_malformed_settings_are_named() {
    let err = parse(&MINIMAL.replace("listen = \"127.0.0.1:9000\"", "")).unwrap_err();
    assert_eq!(err, ConfigError::Missing("listen".into()));
    let err = parse(&MINIMAL.replace("127.0.0.1:9000", "nowhere")).unwrap_err();
    assert!(err.to_string().contains("listen"), "{err}");
    let err = parse(&MINIMAL.replace("https://hub.example.com/", "ftp://x")).unwrap_err();
    assert!(err.to_string().contains("public_url"), "{err}");
    let err = parse(&MINIMAL.replace("component_appid = \"wxabc\"", "")).unwrap_err();
    assert!(err.to_string().contains("component_appid"), "{err}");
    let err = parse(&format!("{MINIMAL}colour = 1\n")).unwrap_err();
    assert!(err.to_string().contains("colour"), "{err}");
}

#[test]
fn secrets_come_from_env_first_then_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("token"), "file-token\n").unwrap();
    let text = format!("token_file = \"token\"\n{MINIMAL}");
    let file = ConfigFile::parse(&text, dir.path(), "hub.toml").unwrap();
    let env = |name: &str| match name {
        "WXDESK_COMPONENT_APPSECRET" => Some("s".to_string()),
        "WXDESK_ENCODING_AES_KEY" => Some("k".to_string()),
        "WXDESK_STORE_KEY" => Some("sk".to_string()),
        _ => None,
    };
    let secrets = file.secrets(env).unwrap();
    assert_eq!(secrets.token.expose(), "file-token");
    assert_eq!(secrets.previous_encoding_aes_key, None);
    let with_env = file
        .secrets(|n| {
            if n == "WXDESK_TOKEN" {
                Some("env-token".into())
            } else {
                env(n)
            }
        })
        .unwrap();
    assert_eq!(with_env.token.expose(), "env-token");
    let err = file
        .secrets(|n| if n == "WXDESK_STORE_KEY" { None } else { env(n) })
        .unwrap_err();
    assert!(err.to_string().contains("WXDESK_STORE_KEY"), "{err}");
    // With nothing set, one error names every missing secret, with balanced backticks.
    let none = ConfigFile::parse(MINIMAL, dir.path(), "hub.toml").unwrap();
    let err = none.secrets(|_| None).unwrap_err().to_string();
    for env in [
        "WXDESK_COMPONENT_APPSECRET",
        "WXDESK_TOKEN",
        "WXDESK_ENCODING_AES_KEY",
        "WXDESK_STORE_KEY",
    ] {
        assert!(err.contains(env), "{err}");
    }
    assert!(!err.contains("WXDESK_PREVIOUS"), "the previous key is optional: {err}");
    assert_eq!(err.matches('`').count() % 2, 0, "backticks pair up: {err}");
    assert_eq!(
        err,
        "missing secrets: component_appsecret (set WXDESK_COMPONENT_APPSECRET or `component_appsecret_file`), \
         token (set WXDESK_TOKEN or `token_file`), encoding_aes_key (set WXDESK_ENCODING_AES_KEY or \
         `encoding_aes_key_file`), store_key (set WXDESK_STORE_KEY or `store_key_file`)"
    );
}

#[test]
fn secrets_debug_hides_every_value() {
    let secrets = HubSecrets {
        component_appsecret: "appsecret-value".into(),
        token: "token-value".into(),
        encoding_aes_key: "aes-value".into(),
        previous_encoding_aes_key: Some("previous-value".into()),
        store_key: "store-value".into(),
    };
    let shown = format!("{secrets:?}");
    assert!(!shown.contains("value"), "{shown}");
}
