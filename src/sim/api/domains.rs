//! §7: server and business (web-view) domains of a mini program, and the platform-level lists they must
//! come from.

use serde_json::{Value, json};

use super::super::reply::{ApiError, Outcome, ok, opt_bool, opt_str, str_list};
use super::super::routes::{BodyRule, Call, Endpoint, TokenRule, Verb, authorizer, component};
use super::super::state::Sim;

/// §7.1: at most 200 per type; §7.2: 300 business domains; §7.3/§7.4 platform limits.
const PER_TYPE_LIMIT: usize = 200;
const WEBVIEW_LIMIT: usize = 300;
const PLATFORM_SERVER_LIMIT: usize = 1000;
const PLATFORM_JUMP_LIMIT: usize = 200;

/// The six server-domain lists of §7.1, in the order of the request fields.
const KINDS: [(&str, &str); 6] = [
    ("requestdomain", "RequestDomain"),
    ("wsrequestdomain", "WsRequestDomain"),
    ("uploaddomain", "UploadDomain"),
    ("downloaddomain", "DownloadDomain"),
    ("udpdomain", "UDPDomain"),
    ("tcpdomain", "TCPDomain"),
];

#[derive(Debug, Clone, Default)]
pub struct Domains {
    lists: [Vec<String>; 6],
}

impl Domains {
    /// §1.6 `MiniProgramInfo.network`.
    pub fn network_json(&self) -> Value {
        let mut map = serde_json::Map::new();
        for ((_, name), list) in KINDS.iter().zip(&self.lists) {
            map.insert((*name).into(), json!(list));
        }
        map.insert("BizDomain".into(), json!([]));
        map.insert("PrefetchDNSDomain".into(), json!([]));
        Value::Object(map)
    }
}

/// The platform's own lists (§7.3, §7.4): testing and published.
#[derive(Debug, Clone)]
pub struct PlatformDomains {
    pub server_testing: Vec<String>,
    pub server_published: Vec<String>,
    pub jump_testing: Vec<String>,
    pub jump_published: Vec<String>,
}

impl Default for PlatformDomains {
    fn default() -> Self {
        let server = vec!["api.shanghu-demo.com".to_owned(), "img.shanghu-demo.com".to_owned()];
        let jump = vec!["h5.shanghu-demo.com".to_owned()];
        Self {
            server_testing: server.clone(),
            server_published: server,
            jump_testing: jump.clone(),
            jump_published: jump,
        }
    }
}

pub const ENDPOINTS: &[Endpoint] = &[
    authorizer("/wxa/modify_domain", Verb::Post, &[18], modify_domain),
    authorizer("/wxa/setwebviewdomain", Verb::Post, &[18], setwebviewdomain),
    authorizer(
        "/wxa/get_webviewdomain_confirmfile",
        Verb::Post,
        &[18],
        get_webviewdomain_confirmfile,
    ),
    component("/cgi-bin/component/modify_wxa_server_domain", modify_wxa_server_domain),
    component("/cgi-bin/component/modify_wxa_jump_domain", modify_wxa_jump_domain),
    Endpoint {
        path: "/cgi-bin/component/get_domain_confirmfile",
        verb: Verb::Post,
        token: TokenRule::Component,
        sets: &[],
        body: BodyRule::Optional,
        handler: get_domain_confirmfile,
    },
];

/// The host of `https://host:port/path`, lowercased.
fn host_of(domain: &str) -> String {
    let rest = domain.split_once("://").map_or(domain, |(_, rest)| rest);
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    host.split(':').next().unwrap_or_default().to_ascii_lowercase()
}

/// §7.1/§7.3: no IPs, not the platform's own API host, at least one dot.
fn plausible_host(host: &str) -> bool {
    !host.is_empty()
        && host.contains('.')
        && host.parse::<std::net::IpAddr>().is_err()
        && host != "api.weixin.qq.com"
        && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

fn action(body: &Value) -> Result<&str, ApiError> {
    match opt_str(body, "action") {
        Some(a @ ("add" | "delete" | "set" | "get")) => Ok(a),
        _ => Err(ApiError::new(40097, "invalid args hint: [action]")),
    }
}

/// §7.1: each domain must be on the platform's list; the answer echoes all six lists and the rejected ones.
fn modify_domain(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let action = action(call.body)?;
    let platform: Vec<String> = sim
        .platform_domains
        .server_testing
        .iter()
        .chain(&sim.platform_domains.server_published)
        .cloned()
        .collect();
    let account = sim.account(call.authorizer());
    let mut invalid: [Vec<String>; 6] = Default::default();
    if action != "get" {
        let mut next = account.domains.lists.clone();
        let mut any_valid = false;
        for (slot, (field, _)) in KINDS.iter().enumerate() {
            let requested = str_list(call.body, field)?;
            let (valid, rejected): (Vec<String>, Vec<String>) = requested
                .into_iter()
                .partition(|d| platform.contains(&host_of(d)) && plausible_host(&host_of(d)));
            any_valid |= !valid.is_empty();
            invalid[slot] = rejected;
            match action {
                "add" => next[slot].extend(valid.into_iter().filter(|d| !account.domains.lists[slot].contains(d))),
                "delete" => next[slot].retain(|d| !valid.contains(d)),
                _ => next[slot] = valid,
            }
            if next[slot].len() > PER_TYPE_LIMIT {
                return Err(ApiError::new(85016, "exceed valid domain count"));
            }
        }
        if !any_valid && invalid.iter().any(|list| !list.is_empty()) {
            return Err(ApiError::new(
                85017,
                "no domain to modify after filtered, please confirm the domain has been set in miniprogram or open",
            ));
        }
        account.domains.lists = next;
    }
    let mut answer = serde_json::Map::new();
    for (slot, (field, _)) in KINDS.iter().enumerate() {
        answer.insert((*field).into(), json!(account.domains.lists[slot]));
        answer.insert(format!("invalid_{field}"), json!(invalid[slot]));
    }
    ok(Value::Object(answer))
}

/// §7.2: `action` omitted adds every platform business domain; subdomains of one are allowed.
fn setwebviewdomain(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let index = call.authorizer();
    if sim.merchants.profile(index).principal_name == "个人" {
        return Err(ApiError::new(89231, "individual miniprogram unsupported"));
    }
    let platform: Vec<String> = sim
        .platform_domains
        .jump_testing
        .iter()
        .chain(&sim.platform_domains.jump_published)
        .cloned()
        .collect();
    if platform.is_empty() {
        return Err(ApiError::new(89020, "the third platform has not set business domain"));
    }
    let action = opt_str(call.body, "action");
    let requested = match action {
        None => platform.iter().map(|host| format!("https://{host}")).collect(),
        Some(_) => str_list(call.body, "webviewdomain")?,
    };
    let allowed = |domain: &str| {
        let host = host_of(domain);
        platform.iter().any(|p| host == *p || host.ends_with(&format!(".{p}")))
    };
    let account = sim.account(index);
    let mut next = account.webview_domains.clone();
    match action {
        Some("get") => return ok(json!({"webviewdomain": account.webview_domains})),
        None | Some("add" | "set") => {
            if let Some(bad) = requested.iter().find(|d| !allowed(d.as_str())) {
                return Err(ApiError::new(
                    89021,
                    format!("domain not in the third platform's list hint: [{bad}]"),
                ));
            }
            if action == Some("set") {
                next = requested;
            } else {
                next.extend(requested.into_iter().filter(|d| !account.webview_domains.contains(d)));
            }
        }
        Some("delete") => {
            if requested.iter().any(|d| !account.webview_domains.contains(d)) {
                return Err(ApiError::new(89022, "delete domain is not exist"));
            }
            next.retain(|d| !requested.contains(d));
        }
        Some(_) => return Err(ApiError::new(40097, "invalid args hint: [action]")),
    }
    if next.len() > WEBVIEW_LIMIT {
        return Err(ApiError::new(89029, "exceed webview domain limit"));
    }
    if next == account.webview_domains {
        return Err(ApiError::new(89019, "business domain have no change"));
    }
    account.webview_domains = next;
    ok(json!({}))
}

fn get_webviewdomain_confirmfile(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let appid = sim.merchants.appid(call.authorizer());
    let name = format!(
        "{:x}.txt",
        appid.len() as u64 * 0x1f3a_5c7d + u64::from(call.authorizer())
    );
    ok(json!({"file_name": name, "file_content": format!("{:x}", appid.bytes().map(u64::from).sum::<u64>() * 7919)}))
}

/// The shared logic of §7.3 and §7.4; returns the `;`-separated answer fields.
fn modify_platform(
    body: &Value,
    field: &str,
    limit: usize,
    testing: &mut Vec<String>,
    published: &mut Vec<String>,
) -> Result<(String, String, String), ApiError> {
    let action = action(body)?;
    let requested: Vec<String> = opt_str(body, field)
        .unwrap_or_default()
        .split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
        .collect();
    let (valid, invalid): (Vec<String>, Vec<String>) = requested
        .into_iter()
        .partition(|d| plausible_host(d) && !d.contains("://"));
    let together = opt_bool(body, "is_modify_published_together").unwrap_or(false);
    if action != "get" {
        let apply = |list: &mut Vec<String>| match action {
            "add" => list.extend(valid.iter().filter(|d| !list.contains(d)).cloned().collect::<Vec<_>>()),
            "delete" => list.retain(|d| !valid.contains(d)),
            _ => *list = valid.clone(),
        };
        let mut next = testing.clone();
        apply(&mut next);
        if next.len() > limit {
            return Err(ApiError::new(85016, "exceed valid domain count"));
        }
        *testing = next;
        if together {
            apply(published);
        }
    }
    Ok((published.join(";"), testing.join(";"), invalid.join(";")))
}

fn modify_wxa_server_domain(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let d = &mut sim.platform_domains;
    let (published, testing, invalid) = modify_platform(
        call.body,
        "wxa_server_domain",
        PLATFORM_SERVER_LIMIT,
        &mut d.server_testing,
        &mut d.server_published,
    )?;
    ok(
        json!({"published_wxa_server_domain": published, "testing_wxa_server_domain": testing,
        "invalid_wxa_server_domain": invalid}),
    )
}

fn modify_wxa_jump_domain(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let d = &mut sim.platform_domains;
    let (published, testing, invalid) = modify_platform(
        call.body,
        "wxa_jump_h5_domain",
        PLATFORM_JUMP_LIMIT,
        &mut d.jump_testing,
        &mut d.jump_published,
    )?;
    ok(
        json!({"published_wxa_jump_h5_domain": published, "testing_wxa_jump_h5_domain": testing,
        "invalid_wxa_jump_h5_domain": invalid}),
    )
}

fn get_domain_confirmfile(sim: &mut Sim, _call: &Call<'_>) -> Outcome {
    let appid = &sim.provider.component_appid;
    let stem: String = appid.chars().skip(2).take(10).collect();
    ok(json!({"file_name": format!("{stem}.txt"), "file_content": appid.chars().rev().collect::<String>()}))
}
