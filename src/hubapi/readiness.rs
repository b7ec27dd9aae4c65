//! `GET /api/v1/readiness`: whether the platform is ready for 全网发布 and to serve merchants (wechat-api.md §14.1),
//! item by item, each green, amber or red with the fact behind it. The console words each item in the operator's
//! language from its stable `key`; `wxdesk hub check` prints them and exits non-zero when one is red.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Ready.
    Green,
    /// Works, or cannot be told yet, but worth a look (a stale ticket, no draft uploaded, no domains set).
    Amber,
    /// Blocks serving merchants: the item's `detail` says what to do.
    Red,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Green => "green",
            Level::Amber => "amber",
            Level::Red => "red",
        }
    }
}

/// One item. `key` is one of [`KEYS`]; `value` carries what the operator copies or reads (the push URLs, the IP
/// the platform saw, the ticket's age in seconds, the domains).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReadinessItem {
    pub key: String,
    pub level: Level,
    /// What was found, in English (the console words it itself; the CLI prints it).
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The platform's errcode behind a red or amber item, when one answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errcode: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Readiness {
    /// Unix seconds.
    pub checked_at: i64,
    /// No item is red.
    pub ready: bool,
    pub items: Vec<ReadinessItem>,
}

/// The items, in the order they are checked and shown: each depends on those before it.
pub const KEYS: [&str; 8] = [
    "ticket",
    "secret",
    "whitelist",
    "published",
    "push_urls",
    "server_domains",
    "jump_domains",
    "drafts",
];

/// The caller's IP in a whitelist refusal (§14.3: `61004 … requestIP: 175.11.201.147 rid: …`; `40164` and `40090`
/// carry it the same way).
pub fn request_ip(errmsg: &str) -> Option<String> {
    let (_, rest) = errmsg.split_once("requestIP:")?;
    let ip: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_hexdigit() || *c == '.' || *c == ':')
        .collect();
    ip.parse::<std::net::IpAddr>().ok().map(|ip| ip.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ip_the_platform_saw_is_read_from_its_errmsg() {
        let current = "access clientip is not registered requestIP: 175.11.201.147 rid: 6571a1b2-0c1d2e3f";
        assert_eq!(request_ip(current).as_deref(), Some("175.11.201.147"));
        let older = "access clientip is not registered hint: [xYz] requestIP: 1.2.3.4";
        assert_eq!(request_ip(older).as_deref(), Some("1.2.3.4"));
        let v6 = "invalid request source (bad client ip), requestIP: 2408:8207:1851:e2f0::1 rid: x";
        assert_eq!(request_ip(v6).as_deref(), Some("2408:8207:1851:e2f0::1"));
        assert_eq!(request_ip("invalid ip 8.149.x.108, not in whitelist"), None);
        assert_eq!(request_ip("requestIP: not-an-ip"), None);
    }
}
