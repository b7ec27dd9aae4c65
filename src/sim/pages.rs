//! The two authorization pages of §2 (`componentloginpage`, `bindcomponent`) as mobile-friendly HTML: the
//! merchant picks an account and the permission sets, presses 授权, and is redirected with an auth_code.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::Shared;
use super::authz::{AUTH_CODE_LIFETIME_SECS, kinds_for};
use super::merchants::Kind;
use super::permissions::{self, sets_for};
use super::state::Sim;

/// How many accounts the page lists before the merchant has to search.
const LISTED: usize = 20;

/// The query or form fields, last value wins, except `func_id` which repeats.
struct Fields {
    map: HashMap<String, String>,
    func_ids: Vec<u16>,
}

impl Fields {
    fn parse(text: &str) -> Self {
        let mut map = HashMap::new();
        let mut func_ids = Vec::new();
        for (key, value) in url::form_urlencoded::parse(text.as_bytes()).into_owned() {
            if key == "func_id" {
                func_ids.extend(value.parse::<u16>().ok());
            } else {
                map.insert(key, value);
            }
        }
        Self { map, func_ids }
    }

    fn get(&self, name: &str) -> &str {
        self.map.get(name).map_or("", String::as_str)
    }
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
*{box-sizing:border-box}body{margin:0;font-family:-apple-system,'PingFang SC','Noto Sans SC','Microsoft YaHei',sans-serif;
background:#f2f2f2;color:#1a1a1a}header{background:#07c160;color:#fff;padding:18px 16px;text-align:center}
header h1{margin:0;font-size:18px;font-weight:600}header p{margin:6px 0 0;font-size:13px;opacity:.9}
main{max-width:560px;margin:0 auto;padding:12px}section{background:#fff;border-radius:10px;padding:14px 16px;margin-bottom:12px}
h2{font-size:15px;margin:0 0 10px;color:#555;font-weight:500}label.acct{display:flex;gap:10px;align-items:center;padding:10px 0;
border-bottom:1px solid #eee}label.acct:last-child{border-bottom:none}.name{font-size:15px}.meta{font-size:12px;color:#888}
.badge{font-size:11px;padding:1px 6px;border-radius:8px;background:#e8f7ee;color:#07a050;margin-left:6px}
.badge.oa{background:#e9f0fe;color:#2f6ce5}label.set{display:inline-flex;align-items:center;gap:4px;margin:4px 10px 4px 0;font-size:14px}
.search{display:flex;gap:8px}.search input{flex:1;padding:9px 10px;border:1px solid #ddd;border-radius:6px;font-size:14px}
button{border:none;border-radius:6px;font-size:16px;padding:10px 14px;background:#07c160;color:#fff}
button.small{font-size:14px;padding:8px 12px;background:#f2f2f2;color:#333}.confirm{width:100%;margin-top:4px}
.empty{color:#888;font-size:14px;padding:8px 0}.notice{font-size:12px;color:#888;text-align:center;padding:8px}
.error{text-align:center;padding:40px 16px}.error .icon{font-size:48px;color:#fa5151}";

pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>",
        escape(title)
    )
}

pub fn error_page(message: &str) -> Response {
    let body = format!(
        "<header><h1>公众平台账号授权</h1></header><main><section class=\"error\"><div class=\"icon\">!</div>\
         <h2>无法授权</h2><p>{}</p></section></main>",
        escape(message)
    );
    (StatusCode::OK, Html(page("无法授权", &body))).into_response()
}

/// Checks the component appid and the pre_auth_code the page was opened with.
fn check_link(sim: &Sim, fields: &Fields, now: i64) -> Result<(), String> {
    if fields.get("component_appid") != sim.provider.component_appid {
        return Err("第三方平台 component_appid 无效。".into());
    }
    sim.check_preauth(fields.get("pre_auth_code"), now)
        .map_err(|e| e.zh().to_owned())?;
    if fields.get("redirect_uri").is_empty() {
        return Err("缺少回调地址 redirect_uri。".into());
    }
    Ok(())
}

/// The accounts the page offers: `biz_appid` alone when given (§2.3: it wins over `auth_type`), else the first
/// unauthorized accounts of the kinds `auth_type` lists.
fn offered(sim: &Sim, fields: &Fields) -> Vec<u32> {
    let biz_appid = fields.get("biz_appid");
    if !biz_appid.is_empty() {
        return sim.merchants.index_of(biz_appid).into_iter().collect();
    }
    let kinds = kinds_for(Some(fields.get("auth_type")).filter(|t| !t.is_empty()));
    sim.authorizable(&kinds, fields.get("q"), LISTED)
}

fn hidden(fields: &Fields) -> String {
    [
        "component_appid",
        "pre_auth_code",
        "redirect_uri",
        "auth_type",
        "biz_appid",
        "category_id_list",
    ]
    .iter()
    .map(|name| {
        format!(
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
            escape(fields.get(name))
        )
    })
    .collect()
}

fn accounts_html(sim: &Sim, accounts: &[u32]) -> String {
    if accounts.is_empty() {
        return "<div class=\"empty\">没有可授权的账号。</div>".into();
    }
    let mut html = String::new();
    for (n, index) in accounts.iter().enumerate() {
        let p = sim.merchants.profile(*index);
        let class = if p.kind == Kind::OfficialAccount {
            "badge oa"
        } else {
            "badge"
        };
        html.push_str(&format!(
            "<label class=\"acct\"><input type=\"radio\" name=\"authorizer_appid\" value=\"{appid}\"{checked}>\
             <span><span class=\"name\">{name}</span><span class=\"{class}\">{kind}</span><br>\
             <span class=\"meta\">{principal} · {appid}</span></span></label>",
            appid = escape(&p.appid),
            checked = if n == 0 { " checked" } else { "" },
            name = escape(&p.nick_name),
            kind = p.kind.label_zh(),
            principal = escape(&p.principal_name),
        ));
    }
    html
}

fn sets_html(kinds: &[Kind], requested: &[u16]) -> String {
    let mut html = String::new();
    for kind in kinds {
        html.push_str(&format!("<h2>{}权限集</h2>", kind.label_zh()));
        for (id, name) in sets_for(*kind) {
            let checked = requested.is_empty() || requested.contains(&id);
            html.push_str(&format!(
                "<label class=\"set\"><input type=\"checkbox\" name=\"func_id\" value=\"{id}\"{}>{}</label>",
                if checked { " checked" } else { "" },
                escape(name)
            ));
        }
    }
    html
}

pub async fn show(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let fields = Fields::parse(&query.unwrap_or_default());
    let now = shared.clock.now();
    let sim = shared.sim();
    if let Err(message) = check_link(&sim, &fields, now) {
        return error_page(&message);
    }
    let accounts = offered(&sim, &fields);
    let kinds: Vec<Kind> = match accounts.first() {
        Some(index) if !fields.get("biz_appid").is_empty() => vec![sim.merchants.kind(*index)],
        _ => kinds_for(Some(fields.get("auth_type")).filter(|t| !t.is_empty())),
    };
    let requested = permissions::parse_id_list(fields.get("category_id_list"));
    let body = format!(
        "<header><h1>授权给第三方平台</h1><p>第三方平台 {appid} 申请管理你的账号</p></header><main>\
         <section><form class=\"search\" method=\"get\">{hidden}<input name=\"q\" placeholder=\"搜索账号名称或主体\" \
         value=\"{q}\"><button class=\"small\">搜索</button></form></section>\
         <form method=\"post\">{hidden}<section><h2>选择要授权的账号</h2>{accounts}</section>\
         <section>{sets}</section><button class=\"confirm\" type=\"submit\">授权</button></form>\
         <p class=\"notice\">授权后，第三方平台将获得所选权限集的接口调用能力。你可以随时在公众平台取消授权。</p></main>",
        appid = escape(&sim.provider.component_appid),
        hidden = hidden(&fields),
        q = escape(fields.get("q")),
        accounts = accounts_html(&sim, &accounts),
        sets = sets_html(&kinds, &requested),
    );
    drop(sim);
    Html(page("授权给第三方平台", &body)).into_response()
}

/// The 授权 button: authorizes, then 302 to `redirect_uri?auth_code=…&expires_in=600` (§2.4).
pub async fn confirm(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let fields = Fields::parse(&String::from_utf8_lossy(&body));
    let now = shared.clock.now();
    let mut sim = shared.sim();
    if let Err(message) = check_link(&sim, &fields, now) {
        return error_page(&message);
    }
    let Some(index) = sim.merchants.index_of(fields.get("authorizer_appid")) else {
        return error_page("请选择要授权的账号。");
    };
    if !offered_kind_allowed(&sim, &fields, index) {
        return error_page("该账号不在本次授权范围内。");
    }
    if permissions::grantable(sim.merchants.kind(index), &fields.func_ids).is_empty() || fields.func_ids.is_empty() {
        return error_page("请至少选择一个权限集。");
    }
    match sim.authorize(now, fields.get("pre_auth_code"), index, &fields.func_ids) {
        Ok(authorized) => {
            let url = redirect_url(fields.get("redirect_uri"), &authorized.auth_code);
            drop(sim);
            (StatusCode::FOUND, [(header::LOCATION, url)]).into_response()
        }
        Err(error) => error_page(error.zh()),
    }
}

fn offered_kind_allowed(sim: &Sim, fields: &Fields, index: u32) -> bool {
    let biz_appid = fields.get("biz_appid");
    if !biz_appid.is_empty() {
        return sim.merchants.appid(index) == biz_appid;
    }
    kinds_for(Some(fields.get("auth_type")).filter(|t| !t.is_empty())).contains(&sim.merchants.kind(index))
}

/// `redirect_uri` with `auth_code` and `expires_in` appended to whatever query it already has.
pub fn redirect_url(redirect_uri: &str, auth_code: &str) -> String {
    let separator = if redirect_uri.contains('?') { '&' } else { '?' };
    let code: String = url::form_urlencoded::byte_serialize(auth_code.as_bytes()).collect();
    format!("{redirect_uri}{separator}auth_code={code}&expires_in={AUTH_CODE_LIFETIME_SECS}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }

    #[test]
    fn the_redirect_keeps_an_existing_query() {
        assert_eq!(
            redirect_url("https://h/cb", "c@1"),
            "https://h/cb?auth_code=c%401&expires_in=600"
        );
        assert_eq!(
            redirect_url("https://h/cb?x=1", "c"),
            "https://h/cb?x=1&auth_code=c&expires_in=600"
        );
    }

    #[test]
    fn repeated_set_ids_are_all_kept() {
        let fields = Fields::parse("func_id=17&func_id=18&authorizer_appid=wx1");
        assert_eq!(fields.func_ids, vec![17, 18]);
        assert_eq!(fields.get("authorizer_appid"), "wx1");
    }
}
