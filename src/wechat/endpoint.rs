//! What an endpoint is, as data: method, host, path, token kind and whether it may be retried (wechat-api.md §0).

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::client::RawResponse;
use super::error::WxError;

/// The HTTP method an endpoint expects (§5.3: the wrong one gives `43001`/`43002`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
        }
    }
}

/// Which of the platform's three hosts serves a path; the actual base URLs are configuration (`Hosts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Host {
    /// `api.weixin.qq.com`: every API endpoint.
    Api,
    /// `mp.weixin.qq.com`: the PC authorization page and the reuse-official-account page (§2.1, §8.6).
    Mp,
    /// `open.weixin.qq.com`: the mobile H5 authorization link (§2.2).
    Open,
}

/// Under which query name the component token travels (§0.2: the platform accepts both on component endpoints).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ComponentQuery {
    /// `component_access_token=`, what the SDKs send on `/cgi-bin/component/*`.
    ComponentAccessToken,
    /// `access_token=`, what WxJava and the newer pages use for `/wxa/*template*` and the new registration APIs.
    AccessToken,
}

/// The credential an endpoint needs in its query string (§0.1, §0.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// No token: `api_component_token`, `api_start_push_ticket`, `clear_quota/v2` and the pages.
    None,
    /// The component_access_token, under the given query name.
    Component(ComponentQuery),
    /// An authorizer_access_token, always as `access_token=`.
    Authorizer,
    /// Either token as `access_token=`: the sources conflict or the endpoint serves both (§1.8 variant B, §1.9).
    Either,
}

impl TokenKind {
    /// The query parameter that carries the token, or `None` when the endpoint takes no token.
    pub const fn query_name(self) -> Option<&'static str> {
        match self {
            Self::None => None,
            Self::Component(ComponentQuery::ComponentAccessToken) => Some("component_access_token"),
            Self::Component(ComponentQuery::AccessToken) | Self::Authorizer | Self::Either => Some("access_token"),
        }
    }

    /// Whether a component token is acceptable here.
    pub const fn accepts_component(self) -> bool {
        matches!(self, Self::Component(_) | Self::Either)
    }

    /// Whether an authorizer token is acceptable here.
    pub const fn accepts_authorizer(self) -> bool {
        matches!(self, Self::Authorizer | Self::Either)
    }
}

/// What a successful answer looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer {
    /// A JSON object (the errcode envelope of §0.3).
    Json,
    /// Bytes (an image) on success, JSON only on error: `get_qrcode` (§6.3), `get_material` (§6.7).
    Binary,
    /// An HTML page opened by a person, never called by the client (§2, §8.6).
    Page,
}

/// One row of the endpoint index at the top of wechat-api.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EndpointInfo {
    pub method: Method,
    pub host: Host,
    pub path: &'static str,
    pub token: TokenKind,
    /// A read that may be repeated safely: only these are retried on `-1`, timeouts and 5xx (DESIGN.md).
    pub idempotent: bool,
    pub answer: Answer,
    /// The section of wechat-api.md that documents it.
    pub section: &'static str,
}

impl EndpointInfo {
    /// Whether `method` may be used here. `getaccountbasicinfo` takes GET or POST (§8.7.6).
    pub fn allows(&self, method: Method) -> bool {
        self.method == method || self.path == "/cgi-bin/account/getaccountbasicinfo"
    }
}

/// A typed endpoint: its request and response with WeChat's own field names, and its row of the index.
///
/// For a GET endpoint the request's fields become query parameters; for a POST endpoint the request is the JSON body.
pub trait Endpoint {
    type Request: Serialize;
    type Response: DeserializeOwned;
    const INFO: &'static EndpointInfo;
    /// Fixed query parameters, such as `action=create` on the registration endpoints (§8.1–§8.4).
    const QUERY: &'static [(&'static str, &'static str)] = &[];

    /// Turns a successful answer into the response. JSON by default; binary endpoints override it.
    fn decode(raw: RawResponse) -> Result<Self::Response, WxError> {
        serde_json::from_slice(&raw.body).map_err(|e| WxError::Decode(format!("{}: {e}", Self::INFO.path)))
    }
}
