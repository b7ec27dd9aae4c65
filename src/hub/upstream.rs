//! The hub's view of the platform: the few component calls it makes itself, plus raw relay, over the wire layer.
//!
//! Everything the hub needs from WeChat passes through this one type, so the token owner, the relay and the sync
//! never see HTTP details, and a token never reaches an error message.

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;

use super::endpoints::{EndpointInfo, TokenKind};

/// Base URLs of the three WeChat hosts; configuration, which is what lets the simulator stand in (DESIGN.md).
#[derive(Debug, Clone)]
pub struct Hosts {
    pub api_base: String,
    pub mp_base: String,
    pub open_base: String,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum UpstreamError {
    #[error("WeChat answered errcode {errcode}: {errmsg}")]
    Api { errcode: i64, errmsg: String },
    #[error("cannot reach WeChat: {0}")]
    Transport(String),
    #[error("unexpected answer from WeChat: {0}")]
    Decode(String),
}

impl UpstreamError {
    pub fn errcode(&self) -> Option<i64> {
        match self {
            Self::Api { errcode, .. } => Some(*errcode),
            _ => None,
        }
    }

    /// `40001`, `40014`, `42001`: the token was refused; refresh once and retry once (§0.4).
    pub fn is_token_invalid(&self) -> bool {
        matches!(self.errcode(), Some(40001 | 40014 | 42001))
    }
}

/// A WeChat answer as bytes, for the relay: JSON or, for QR codes and media, an image.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The `errcode` of a JSON answer, when it has a non-zero one (§0.3).
    pub fn errcode(&self) -> Option<(i64, String)> {
        if !self.content_type.contains("json") && !self.body.starts_with(b"{") {
            return None;
        }
        let value: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        let errcode = value.get("errcode")?.as_i64().filter(|code| *code != 0)?;
        let errmsg = value
            .get("errmsg")
            .and_then(|m| m.as_str())
            .unwrap_or_default()
            .to_owned();
        Some((errcode, errmsg))
    }
}

/// What `api_query_auth` returned (§1.4).
#[derive(Debug, Clone, Deserialize)]
pub struct AuthorizationInfo {
    pub authorizer_appid: String,
    pub authorizer_access_token: Option<String>,
    pub expires_in: Option<i64>,
    pub authorizer_refresh_token: Option<String>,
    #[serde(default)]
    pub func_info: Vec<FuncInfo>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FuncInfo {
    pub funcscope_category: FuncScope,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FuncScope {
    pub id: i64,
}

impl AuthorizationInfo {
    pub fn func_ids(&self) -> Vec<i64> {
        self.func_info.iter().map(|f| f.funcscope_category.id).collect()
    }
}

/// What `api_authorizer_token` returned (§1.5).
#[derive(Debug, Clone, Deserialize)]
pub struct AuthorizerToken {
    pub authorizer_access_token: String,
    pub expires_in: i64,
    pub authorizer_refresh_token: Option<String>,
}

/// The fields of `api_get_authorizer_info` the hub keeps (§1.6).
#[derive(Debug, Clone, Default)]
pub struct AuthorizerInfo {
    pub nick_name: Option<String>,
    pub head_img: Option<String>,
    pub service_type: Option<i64>,
    pub verify_type: Option<i64>,
    pub user_name: Option<String>,
    pub principal_name: Option<String>,
    pub is_mini_program: bool,
    pub func_ids: Vec<i64>,
}

/// One page of `api_get_authorizer_list` (§1.7); note the item key `refresh_token`.
#[derive(Debug, Clone, Deserialize)]
pub struct AuthorizerList {
    pub total_count: i64,
    #[serde(default)]
    pub list: Vec<AuthorizerListItem>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AuthorizerListItem {
    pub authorizer_appid: String,
    pub refresh_token: Option<String>,
    pub auth_time: Option<i64>,
}

pub struct Upstream {
    http: reqwest::Client,
    hosts: Hosts,
    component_appid: String,
    component_appsecret: String,
}

impl Upstream {
    pub fn new(hosts: Hosts, component_appid: &str, component_appsecret: &str) -> Result<Self, UpstreamError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(64)
            .build()
            .map_err(|e| UpstreamError::Transport(e.without_url().to_string()))?;
        Ok(Self {
            http,
            hosts,
            component_appid: component_appid.into(),
            component_appsecret: component_appsecret.into(),
        })
    }

    /// `api_component_token` (§1.2): no token in the query; the ticket and the secret in the body.
    pub async fn component_token(&self, ticket: &str) -> Result<(String, i64), UpstreamError> {
        #[derive(Deserialize)]
        struct Answer {
            component_access_token: String,
            expires_in: i64,
        }
        let body = json!({
            "component_appid": self.component_appid,
            "component_appsecret": self.component_appsecret,
            "component_verify_ticket": ticket,
        });
        let answer: Answer = self
            .post_json("/cgi-bin/component/api_component_token", None, &body)
            .await?;
        Ok((answer.component_access_token, answer.expires_in))
    }

    /// `api_create_preauthcode` (§1.3).
    pub async fn create_preauthcode(&self, component_token: &str) -> Result<(String, i64), UpstreamError> {
        #[derive(Deserialize)]
        struct Answer {
            pre_auth_code: String,
            expires_in: i64,
        }
        let body = json!({ "component_appid": self.component_appid });
        let answer: Answer = self
            .post_json(
                "/cgi-bin/component/api_create_preauthcode",
                Some(component_token),
                &body,
            )
            .await?;
        Ok((answer.pre_auth_code, answer.expires_in))
    }

    /// `api_query_auth` (§1.4).
    pub async fn query_auth(&self, component_token: &str, code: &str) -> Result<AuthorizationInfo, UpstreamError> {
        #[derive(Deserialize)]
        struct Answer {
            authorization_info: AuthorizationInfo,
        }
        let body = json!({ "component_appid": self.component_appid, "authorization_code": code });
        let answer: Answer = self
            .post_json("/cgi-bin/component/api_query_auth", Some(component_token), &body)
            .await?;
        Ok(answer.authorization_info)
    }

    /// `api_authorizer_token` (§1.5).
    pub async fn authorizer_token(
        &self,
        component_token: &str,
        appid: &str,
        refresh_token: &str,
    ) -> Result<AuthorizerToken, UpstreamError> {
        let body = json!({
            "component_appid": self.component_appid,
            "authorizer_appid": appid,
            "authorizer_refresh_token": refresh_token,
        });
        self.post_json("/cgi-bin/component/api_authorizer_token", Some(component_token), &body)
            .await
    }

    /// `api_get_authorizer_info` (§1.6).
    pub async fn authorizer_info(&self, component_token: &str, appid: &str) -> Result<AuthorizerInfo, UpstreamError> {
        #[derive(Deserialize)]
        struct Answer {
            authorizer_info: RawInfo,
            authorization_info: Option<AuthorizationInfoLite>,
        }
        #[derive(Deserialize)]
        struct AuthorizationInfoLite {
            #[serde(default)]
            func_info: Vec<FuncInfo>,
        }
        #[derive(Deserialize)]
        struct RawInfo {
            nick_name: Option<String>,
            head_img: Option<String>,
            service_type_info: Option<FuncScope>,
            verify_type_info: Option<FuncScope>,
            user_name: Option<String>,
            principal_name: Option<String>,
            #[serde(rename = "MiniProgramInfo")]
            mini_program_info: Option<serde_json::Value>,
        }
        let body = json!({ "component_appid": self.component_appid, "authorizer_appid": appid });
        let answer: Answer = self
            .post_json(
                "/cgi-bin/component/api_get_authorizer_info",
                Some(component_token),
                &body,
            )
            .await?;
        let info = answer.authorizer_info;
        Ok(AuthorizerInfo {
            nick_name: info.nick_name,
            head_img: info.head_img,
            service_type: info.service_type_info.map(|s| s.id),
            verify_type: info.verify_type_info.map(|v| v.id),
            user_name: info.user_name,
            principal_name: info.principal_name,
            is_mini_program: info.mini_program_info.is_some(),
            func_ids: answer
                .authorization_info
                .map(|a| a.func_info.iter().map(|f| f.funcscope_category.id).collect())
                .unwrap_or_default(),
        })
    }

    /// `api_get_authorizer_list` (§1.7); `count` at most 500.
    pub async fn authorizer_list(
        &self,
        component_token: &str,
        offset: i64,
        count: i64,
    ) -> Result<AuthorizerList, UpstreamError> {
        let body = json!({ "component_appid": self.component_appid, "offset": offset, "count": count });
        self.post_json(
            "/cgi-bin/component/api_get_authorizer_list",
            Some(component_token),
            &body,
        )
        .await
    }

    /// Any endpoint of wechat-api.md, answered as bytes; the token goes where the endpoint says (§0.2).
    pub async fn execute_raw(
        &self,
        endpoint: &EndpointInfo,
        method: &str,
        token: Option<&str>,
        query: &[(String, String)],
        body: Option<Vec<u8>>,
    ) -> Result<RawResponse, UpstreamError> {
        let mut url = format!("{}{}", self.hosts.api_base, endpoint.path);
        let mut pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        if let (Some(token), Some(name)) = (token, endpoint.token.query_name()) {
            pairs.push((name, token));
        }
        if !pairs.is_empty() {
            let encoded = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish();
            url = format!("{url}?{encoded}");
        }
        let request = if method.eq_ignore_ascii_case("GET") {
            self.http.get(url)
        } else {
            self.http.post(url)
        };
        let request = match body {
            Some(body) => request.header("content-type", "application/json").body(body),
            None => request,
        };
        let response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_owned();
        let body = response.bytes().await.map_err(transport)?.to_vec();
        Ok(RawResponse {
            status,
            content_type,
            body,
        })
    }

    async fn post_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        component_token: Option<&str>,
        body: &serde_json::Value,
    ) -> Result<T, UpstreamError> {
        let mut url = format!("{}{}", self.hosts.api_base, path);
        if let Some(token) = component_token {
            url = format!("{url}?component_access_token={}", urlencode(token));
        }
        let response = self.http.post(url).json(body).send().await.map_err(transport)?;
        let bytes = response.bytes().await.map_err(transport)?;
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| UpstreamError::Decode(format!("{path}: {e}")))?;
        // Token endpoints omit errcode on success; a non-zero one is the error (§0.3).
        if let Some(errcode) = value.get("errcode").and_then(|c| c.as_i64()).filter(|c| *c != 0) {
            let errmsg = value
                .get("errmsg")
                .and_then(|m| m.as_str())
                .unwrap_or_default()
                .to_owned();
            return Err(UpstreamError::Api { errcode, errmsg });
        }
        serde_json::from_value(value).map_err(|e| UpstreamError::Decode(format!("{path}: {e}")))
    }
}

/// Transport errors lose their URL: it may carry a token in its query.
fn transport(error: reqwest::Error) -> UpstreamError {
    UpstreamError::Transport(error.without_url().to_string())
}

fn urlencode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

impl TokenKind {
    fn query_name(self) -> Option<&'static str> {
        match self {
            TokenKind::None => None,
            TokenKind::Component => Some("component_access_token"),
            TokenKind::Authorizer => Some("access_token"),
        }
    }
}
