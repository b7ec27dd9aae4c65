//! The hub's configuration: addresses and paths from TOML, secrets from the environment or from files.
//!
//! Parsing is loose first (a TOML table), then strict (`HubConfig`), so every error names the setting at fault.
//! A secret written into the TOML itself is refused: config files get copied, committed and pasted into tickets.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::logging::LogFormat;
use crate::wechat::ids::Secret;

pub const DEFAULT_API_BASE: &str = "https://api.weixin.qq.com";
pub const DEFAULT_MP_BASE: &str = "https://mp.weixin.qq.com";
pub const DEFAULT_OPEN_BASE: &str = "https://open.weixin.qq.com";

/// Where the hub listens, where it keeps its data and which platform it speaks to. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubConfig {
    pub listen: SocketAddr,
    /// Where `GET /metrics` is served (Prometheus text), on its own listener without the operator key; `None`
    /// serves no metrics.
    pub metrics_listen: Option<SocketAddr>,
    /// The public `https://…` origin WeChat and merchants reach the hub at, without a trailing slash.
    pub public_url: String,
    pub database: PathBuf,
    pub api_base: String,
    pub mp_base: String,
    pub open_base: String,
    pub component_appid: String,
}

/// How the hub runs its durable jobs: `[jobs]` in the TOML, every key optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobsConfig {
    /// Seconds between the authorizer syncs the hub starts by itself; 0 turns the schedule off (the sync after
    /// start-up, which finds merchants who authorized while the hub was down, still runs).
    pub sync_interval_secs: u64,
    /// Platform calls per minute across every job and the audit keeper's polls and screenshot fetches; 0 means no
    /// limit. The relay and the token owner are not paced.
    pub calls_per_minute: u32,
    /// Seconds between looks at work the platform does on its own: the privacy scan after a commit (about a
    /// minute, §6.14); an audit no push has reported is polled after 3× this, doubling up to half an hour.
    pub recheck_secs: u64,
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self {
            sync_interval_secs: 6 * 3600,
            calls_per_minute: 60_000,
            recheck_secs: 20,
        }
    }
}

/// The provider's secrets, each a `Secret` so that `Debug` prints `***` for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HubSecrets {
    pub component_appsecret: Secret,
    /// The message token that signs pushes (§4.4).
    pub token: Secret,
    pub encoding_aes_key: Secret,
    /// The key in use before the last rotation, kept so pushes sealed with it still open (§4.4).
    pub previous_encoding_aes_key: Option<Secret>,
    /// Seals refresh and access tokens at rest: 32 bytes as hex or base64.
    pub store_key: Secret,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path} is not valid TOML: {reason}")]
    Toml { path: String, reason: String },
    #[error("`{key}` must not be written in the config file; set {env} or `{key}_file` instead")]
    SecretInFile { key: String, env: String },
    #[error("missing setting `{0}`")]
    Missing(String),
    /// Every required secret not set, each with the two ways to set it.
    #[error("missing secrets: {}", missing_secrets(.0))]
    MissingSecrets(Vec<(String, String)>),
    #[error("setting `{key}`: {reason}")]
    Invalid { key: String, reason: String },
}

/// One secret: its name in the TOML (`NAME_file`) and its environment variable.
struct SecretSpec {
    key: &'static str,
    env: &'static str,
}

const APPSECRET: SecretSpec = SecretSpec {
    key: "component_appsecret",
    env: "WXDESK_COMPONENT_APPSECRET",
};
const TOKEN: SecretSpec = SecretSpec {
    key: "token",
    env: "WXDESK_TOKEN",
};
const AES_KEY: SecretSpec = SecretSpec {
    key: "encoding_aes_key",
    env: "WXDESK_ENCODING_AES_KEY",
};
const PREVIOUS_AES_KEY: SecretSpec = SecretSpec {
    key: "previous_encoding_aes_key",
    env: "WXDESK_PREVIOUS_ENCODING_AES_KEY",
};
const STORE_KEY: SecretSpec = SecretSpec {
    key: "store_key",
    env: "WXDESK_STORE_KEY",
};
const SECRETS: [&SecretSpec; 5] = [&APPSECRET, &TOKEN, &AES_KEY, &PREVIOUS_AES_KEY, &STORE_KEY];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    listen: Option<String>,
    metrics_listen: Option<String>,
    log_format: Option<LogFormat>,
    public_url: Option<String>,
    database: Option<PathBuf>,
    wechat: Option<RawWechat>,
    jobs: Option<RawJobs>,
    component_appsecret_file: Option<PathBuf>,
    token_file: Option<PathBuf>,
    encoding_aes_key_file: Option<PathBuf>,
    previous_encoding_aes_key_file: Option<PathBuf>,
    store_key_file: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWechat {
    api_base: Option<String>,
    mp_base: Option<String>,
    open_base: Option<String>,
    component_appid: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJobs {
    sync_interval_secs: Option<u64>,
    calls_per_minute: Option<u32>,
    recheck_secs: Option<u64>,
}

/// A parsed config file: the settings, and where each secret may be read from.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    pub config: HubConfig,
    pub jobs: JobsConfig,
    /// `log_format`; `--log-format` wins over it.
    pub log_format: Option<LogFormat>,
    secret_files: Vec<(&'static str, PathBuf)>,
}

impl ConfigFile {
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::parse(
            &text,
            path.parent().unwrap_or(Path::new(".")),
            &path.display().to_string(),
        )
    }

    /// Parses TOML text; relative paths are taken from `base_dir`, the config file's directory.
    pub fn parse(text: &str, base_dir: &Path, name: &str) -> Result<Self, ConfigError> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| ConfigError::Toml {
            path: name.into(),
            reason: e.to_string(),
        })?;
        refuse_secrets(&table)?;
        let raw: RawFile = toml::from_str(text).map_err(|e| ConfigError::Toml {
            path: name.into(),
            reason: e.to_string(),
        })?;
        let wechat = raw
            .wechat
            .ok_or_else(|| ConfigError::Missing("wechat.component_appid".into()))?;
        let listen_text = raw.listen.ok_or_else(|| ConfigError::Missing("listen".into()))?;
        let listen = parse_addr("listen", &listen_text)?;
        let metrics_listen = match raw.metrics_listen {
            Some(text) => Some(parse_addr("metrics_listen", &text)?),
            None => None,
        };
        let public_url = parse_url(
            "public_url",
            raw.public_url
                .ok_or_else(|| ConfigError::Missing("public_url".into()))?,
        )?;
        let database = base_dir.join(raw.database.ok_or_else(|| ConfigError::Missing("database".into()))?);
        let component_appid = wechat
            .component_appid
            .filter(|a| !a.trim().is_empty())
            .ok_or_else(|| ConfigError::Missing("wechat.component_appid".into()))?;
        let base =
            |key: &str, value: Option<String>, default: &str| parse_url(key, value.unwrap_or_else(|| default.into()));
        let config = HubConfig {
            listen,
            metrics_listen,
            public_url,
            database,
            api_base: base("wechat.api_base", wechat.api_base, DEFAULT_API_BASE)?,
            mp_base: base("wechat.mp_base", wechat.mp_base, DEFAULT_MP_BASE)?,
            open_base: base("wechat.open_base", wechat.open_base, DEFAULT_OPEN_BASE)?,
            component_appid: component_appid.trim().to_owned(),
        };
        let files = [
            (APPSECRET.key, raw.component_appsecret_file),
            (TOKEN.key, raw.token_file),
            (AES_KEY.key, raw.encoding_aes_key_file),
            (PREVIOUS_AES_KEY.key, raw.previous_encoding_aes_key_file),
            (STORE_KEY.key, raw.store_key_file),
        ];
        let secret_files = files
            .into_iter()
            .filter_map(|(key, path)| Some((key, base_dir.join(path?))))
            .collect();
        let defaults = JobsConfig::default();
        let jobs = raw.jobs.map_or(defaults, |jobs| JobsConfig {
            sync_interval_secs: jobs.sync_interval_secs.unwrap_or(defaults.sync_interval_secs),
            calls_per_minute: jobs.calls_per_minute.unwrap_or(defaults.calls_per_minute),
            recheck_secs: jobs.recheck_secs.unwrap_or(defaults.recheck_secs).max(1),
        });
        Ok(Self {
            config,
            jobs,
            log_format: raw.log_format,
            secret_files,
        })
    }

    /// Reads each secret from its environment variable, else from its file; the previous AES key is optional.
    pub fn secrets(&self, env: impl Fn(&str) -> Option<String>) -> Result<HubSecrets, ConfigError> {
        let read = |spec: &SecretSpec| -> Result<Option<String>, ConfigError> {
            if let Some(value) = env(spec.env).filter(|v| !v.trim().is_empty()) {
                return Ok(Some(value.trim().to_owned()));
            }
            let Some((_, path)) = self.secret_files.iter().find(|(key, _)| *key == spec.key) else {
                return Ok(None);
            };
            let value = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
                path: format!("{} (`{}_file`)", path.display(), spec.key),
                reason: e.to_string(),
            })?;
            Ok(Some(value.trim().to_owned()))
        };
        // Every required secret is read before any is reported, so one run names all that are missing.
        let mut missing = Vec::new();
        let mut required = |spec: &SecretSpec| -> Result<String, ConfigError> {
            let value = read(spec)?.filter(|v| !v.is_empty());
            if value.is_none() {
                missing.push((spec.key.to_owned(), spec.env.to_owned()));
            }
            Ok(value.unwrap_or_default())
        };
        let component_appsecret = required(&APPSECRET)?;
        let token = required(&TOKEN)?;
        let encoding_aes_key = required(&AES_KEY)?;
        let store_key = required(&STORE_KEY)?;
        if !missing.is_empty() {
            return Err(ConfigError::MissingSecrets(missing));
        }
        Ok(HubSecrets {
            component_appsecret: component_appsecret.into(),
            token: token.into(),
            encoding_aes_key: encoding_aes_key.into(),
            previous_encoding_aes_key: read(&PREVIOUS_AES_KEY)?.filter(|v| !v.is_empty()).map(Secret::from),
            store_key: store_key.into(),
        })
    }
}

/// `token (set WXDESK_TOKEN or `token_file`), store_key (…)`: each secret with both ways to set it.
fn missing_secrets(missing: &[(String, String)]) -> String {
    missing
        .iter()
        .map(|(key, env)| format!("{key} (set {env} or `{key}_file`)"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn refuse_secrets(table: &toml::Table) -> Result<(), ConfigError> {
    let nested = table.get("wechat").and_then(toml::Value::as_table);
    for spec in SECRETS {
        let found = table.contains_key(spec.key) || nested.is_some_and(|t| t.contains_key(spec.key));
        if found {
            return Err(ConfigError::SecretInFile {
                key: spec.key.into(),
                env: spec.env.into(),
            });
        }
    }
    Ok(())
}

fn parse_addr(key: &str, text: &str) -> Result<SocketAddr, ConfigError> {
    text.parse()
        .map_err(|_| invalid(key, &format!("{text:?} is not an address such as 127.0.0.1:8443")))
}

fn invalid(key: &str, reason: &str) -> ConfigError {
    ConfigError::Invalid {
        key: key.into(),
        reason: reason.into(),
    }
}

/// An `http(s)://` origin with any trailing slash removed.
fn parse_url(key: &str, value: String) -> Result<String, ConfigError> {
    let parsed = url::Url::parse(value.trim()).map_err(|e| invalid(key, &format!("{value:?} is not a URL ({e})")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(invalid(key, &format!("{value:?} must be an http:// or https:// URL")));
    }
    Ok(value.trim().trim_end_matches('/').to_owned())
}

/// The commented production configuration `wxdesk hub init` writes; it parses as it is (a test holds it).
pub const EXAMPLE: &str = r#"# wxdesk hub configuration, written by `wxdesk hub init`. docs/hub.md walks through a deployment.
# Relative paths are taken from this file's directory. Restart the hub after editing.
#
# Secrets are never written in this file (the hub refuses to start if one is). Give each one as an
# environment variable, or name a file that holds it with the matching *_file key below; the variable
# wins when both are set. Required:
#   WXDESK_COMPONENT_APPSECRET   the platform's AppSecret (开放平台 → 第三方平台 → 开发资料)
#   WXDESK_TOKEN                 the message token (消息校验 Token) set on the platform
#   WXDESK_ENCODING_AES_KEY      the 43-character EncodingAESKey (消息加解密 Key) set on the platform
#   WXDESK_STORE_KEY             32 random bytes as 64 hex digits (`openssl rand -hex 32`); seals the
#                                refresh and access tokens in the database. Keep a copy apart from the
#                                database's backups: the tokens in a database open only with its key.
# Optional:
#   WXDESK_PREVIOUS_ENCODING_AES_KEY  the EncodingAESKey before the last change, during a key rotation.

# Address the hub's HTTP server listens on (plain HTTP). Keep it on loopback and put a TLS reverse
# proxy (nginx, Caddy) in front of it: WeChat and merchants reach the hub at public_url over HTTPS.
listen = "127.0.0.1:8080"

# The public origin WeChat and merchants reach this hub at, without a path. The platform's
# authorization-event URL is PUBLIC_URL/wechat/component, its message URL PUBLIC_URL/wechat/message/$APPID$,
# and the authorization redirect PUBLIC_URL/wechat/authorized (its domain is the platform's 授权发起页域名).
public_url = "https://hub.example.com"

# The SQLite database (WAL mode): created at the first start (its directory must exist), migrated at each
# start. Back it up while the hub runs with `sqlite3 hub.sqlite3 ".backup backup.sqlite3"` (docs/hub.md).
database = "/var/lib/wxdesk/hub.sqlite3"

# Where GET /metrics answers in the Prometheus text format, without the operator key. Unset: no metrics.
# Give it a loopback or private address only; do not route it through the public reverse proxy.
# metrics_listen = "127.0.0.1:9464"

# How log lines are written on stderr: "text" (coloured only on a terminal) or "json" (one object a line).
# The --log-format flag overrides it.
log_format = "text"

# Files holding the secrets, one secret a file (surrounding whitespace is ignored). Make them readable by
# the hub's user only. With systemd credentials (LoadCredential=), the files are in
# /run/credentials/<unit name>/.
# component_appsecret_file = "/etc/wxdesk/secrets/component_appsecret"
# token_file = "/etc/wxdesk/secrets/token"
# encoding_aes_key_file = "/etc/wxdesk/secrets/encoding_aes_key"
# previous_encoding_aes_key_file = "/etc/wxdesk/secrets/previous_encoding_aes_key"
# store_key_file = "/etc/wxdesk/secrets/store_key"

[jobs]
# Seconds between the authorizer syncs the hub starts by itself (it re-reads every authorizer from
# WeChat); 0 = only the sync after each start.
sync_interval_secs = 21600
# Platform calls per minute of all jobs and the audit keeper together; 0 = no limit. The console's
# relayed calls and the token refreshes are not paced.
calls_per_minute = 60000
# Seconds between looks at work the platform does on its own (a privacy scan after a commit); an audit
# no push has reported is polled after 3x this, doubling up to half an hour.
recheck_secs = 20

[wechat]
# Your third-party platform's AppID (开放平台 → 第三方平台 → 基本信息).
component_appid = "wx0000000000000000"
# The platform's hosts. Leave them as they are in production; they change only to point the hub at
# the simulator (`wxdesk sim`).
api_base = "https://api.weixin.qq.com"
mp_base = "https://mp.weixin.qq.com"
open_base = "https://open.weixin.qq.com"
"#;

#[cfg(test)]
mod tests;
