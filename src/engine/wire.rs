//! The hub API's JSON as it travels, and its conversion into protocol types. Decoding is lenient where the hub may
//! leave a field out (a missing name is shown empty rather than failing the whole list).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::protocol::{
    AccountKind, ActivityEntry, AuthorizerRow, EngineError, ErrorKind, HubEvent, HubLastError, HubStatus,
    PreAuthRequest, TicketStatus, TokenStatus,
};

/// `POST /api/v1/preauth` body. The hub joins `category_id_list` with `|` for the authorization page (§2.3).
#[derive(Debug, Serialize)]
pub struct PreAuthBody {
    pub auth_type: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub biz_appid: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub category_id_list: Vec<u32>,
}

impl From<&PreAuthRequest> for PreAuthBody {
    fn from(request: &PreAuthRequest) -> Self {
        PreAuthBody {
            auth_type: request.auth_type.code(),
            biz_appid: request.biz_appid.clone().filter(|appid| !appid.is_empty()),
            category_id_list: request.category_ids.clone(),
        }
    }
}

/// `GET /api/v1/status`.
#[derive(Debug, Deserialize)]
pub struct Status {
    pub component_appid: String,
    #[serde(default)]
    pub ticket: Option<TicketStatus>,
    #[serde(default)]
    pub component_token: Option<TokenStatus>,
    #[serde(default)]
    pub last_error: Option<serde_json::Value>,
}

impl From<Status> for HubStatus {
    fn from(status: Status) -> Self {
        HubStatus {
            component_appid: status.component_appid,
            ticket: status.ticket,
            component_token: status.component_token,
            last_error: status.last_error.and_then(last_error),
        }
    }
}

/// The hub may report its last error as a string or as an object with `errcode` and a message.
fn last_error(value: serde_json::Value) -> Option<HubLastError> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(message) => Some(HubLastError {
            errcode: None,
            message,
            at: None,
        }),
        other => Some(HubLastError {
            errcode: other.get("errcode").and_then(serde_json::Value::as_i64),
            message: error_message(&other).unwrap_or_else(|| other.to_string()),
            at: other.get("at").and_then(serde_json::Value::as_i64),
        }),
    }
}

/// The human part of an error object, whatever the hub called it.
pub fn error_message(value: &serde_json::Value) -> Option<String> {
    ["message", "error", "errmsg"]
        .iter()
        .find_map(|key| match value.get(key) {
            Some(serde_json::Value::String(text)) => Some(text.clone()),
            Some(nested @ serde_json::Value::Object(_)) => error_message(nested),
            _ => None,
        })
}

/// A relayed WeChat error: an object (or an `error` object inside it) with a non-zero `errcode`.
pub fn wechat_error(value: &serde_json::Value) -> Option<EngineError> {
    let object = match value.get("error") {
        Some(inner @ serde_json::Value::Object(_)) => inner,
        _ => value,
    };
    let errcode = object
        .get("errcode")
        .and_then(serde_json::Value::as_i64)
        .filter(|code| *code != 0)?;
    let message = error_message(object).unwrap_or_default();
    Some(EngineError::new(
        ErrorKind::WeChat { errcode },
        format!("WeChat error {errcode}: {message}"),
    ))
}

/// One authorizer as the hub lists it (WeChat's `authorizer_appid`).
#[derive(Debug, Deserialize)]
pub struct Authorizer {
    #[serde(alias = "appid")]
    pub authorizer_appid: String,
    #[serde(default)]
    pub nick_name: Option<String>,
    #[serde(default)]
    pub kind: Option<AccountKind>,
    #[serde(default)]
    pub principal_name: Option<String>,
    #[serde(default)]
    pub verify_type: Option<i32>,
    #[serde(default)]
    pub service_type: Option<i32>,
    #[serde(default)]
    pub user_name: Option<String>,
    #[serde(default)]
    pub head_img: Option<String>,
    #[serde(default)]
    pub authorized_at: Option<i64>,
    #[serde(default)]
    pub revoked_at: Option<i64>,
    #[serde(default)]
    pub func_ids: Vec<u32>,
}

impl From<Authorizer> for AuthorizerRow {
    fn from(a: Authorizer) -> Self {
        // §1.6: verify_type_info.id is -1 when unverified; an unknown type is shown as unverified, the safer claim.
        let verify_type = a.verify_type.unwrap_or(-1);
        AuthorizerRow {
            appid: a.authorizer_appid,
            nick_name: a.nick_name.unwrap_or_default(),
            kind: a.kind.unwrap_or(AccountKind::MiniProgram),
            principal_name: a.principal_name.unwrap_or_default(),
            verified: verify_type >= 0,
            verify_type,
            authorized_at: a.authorized_at.unwrap_or_default(),
            revoked_at: a.revoked_at,
            func_ids: a.func_ids,
            user_name: a.user_name.unwrap_or_default(),
            head_img: a.head_img.unwrap_or_default(),
            service_type: a.service_type.unwrap_or_default(),
        }
    }
}

/// `GET /api/v1/authorizers`: an object with the list and a total, or a bare list.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum AuthorizerPage {
    Object {
        #[serde(default, alias = "total_count")]
        total: Option<u64>,
        #[serde(alias = "items", alias = "list")]
        authorizers: Vec<Authorizer>,
    },
    List(Vec<Authorizer>),
}

impl AuthorizerPage {
    pub fn into_rows(self) -> (Vec<AuthorizerRow>, Option<u64>) {
        match self {
            AuthorizerPage::Object { total, authorizers } => (authorizers.into_iter().map(Into::into).collect(), total),
            AuthorizerPage::List(list) => (list.into_iter().map(Into::into).collect(), None),
        }
    }
}

/// `GET /api/v1/events`.
#[derive(Debug, Deserialize)]
pub struct EventsPage {
    pub events: Vec<serde_json::Value>,
    #[serde(default)]
    pub next: Option<i64>,
}

impl EventsPage {
    /// Events the hub sent, each keeping its raw JSON; `next` defaults to the highest `seq` seen.
    pub fn into_page(self, after: i64) -> super::client::EventsPage {
        let events: Vec<HubEvent> = self.events.into_iter().filter_map(hub_event).collect();
        let highest = events.iter().map(|e| e.seq).max().unwrap_or(after);
        super::client::EventsPage {
            next: self.next.unwrap_or(highest).max(highest),
            events,
        }
    }
}

/// An event the console cannot read (no `seq`) is dropped rather than stopping the stream.
pub fn hub_event(raw: serde_json::Value) -> Option<HubEvent> {
    let mut event: HubEvent = serde_json::from_value(raw.clone()).ok()?;
    if event.func_ids.is_empty() {
        event.func_ids = func_ids_in(&raw);
    }
    event.raw = raw;
    Some(event)
}

/// Permission sets the hub may have nested as WeChat's `func_info` (§1.4).
fn func_ids_in(raw: &serde_json::Value) -> Vec<u32> {
    let Some(items) = raw.get("func_info").and_then(serde_json::Value::as_array) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            item.pointer("/funcscope_category/id")
                .and_then(serde_json::Value::as_u64)
        })
        .filter_map(|id| u32::try_from(id).ok())
        .collect()
}

/// `GET /api/v1/activity`: an object with a list, or a bare list.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ActivityList {
    Object {
        #[serde(alias = "entries", alias = "items", alias = "events")]
        activity: Vec<Activity>,
    },
    List(Vec<Activity>),
}

impl ActivityList {
    pub fn into_entries(self) -> Vec<ActivityEntry> {
        let list = match self {
            ActivityList::Object { activity } | ActivityList::List(activity) => activity,
        };
        list.into_iter().map(Into::into).collect()
    }
}

/// One activity line; `result` may be text or a JSON value.
#[derive(Debug, Deserialize)]
pub struct Activity {
    pub seq: i64,
    pub at: i64,
    #[serde(default)]
    pub operator: Option<String>,
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub result: serde_json::Value,
}

impl From<Activity> for ActivityEntry {
    fn from(a: Activity) -> Self {
        let result = match a.result {
            serde_json::Value::String(text) => text,
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        };
        ActivityEntry {
            seq: a.seq,
            at: a.at,
            operator: a.operator.unwrap_or_default(),
            action: a.action.unwrap_or_default(),
            target: a.target.filter(|target| !target.is_empty()),
            result,
        }
    }
}

/// `POST /api/v1/call` body.
#[derive(Debug, Clone, Serialize)]
pub struct CallRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorizer_appid: Option<String>,
    pub method: String,
    pub path: String,
    pub query: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests;
