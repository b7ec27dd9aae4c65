//! The router: the two authorization pages, the control API, and every platform path as data.
//!
//! Platform endpoints are rows of `Endpoint` (method, token kind of §0.2, permission sets of §3, body rule,
//! handler); one dispatcher applies the rules every endpoint shares (§0, §11.1) before the handler runs.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, LazyLock};

use axum::Router;
use axum::routing::get;
use serde_json::Value;
use tower_http::limit::RequestBodyLimitLayer;

use super::reply::Outcome;
use super::state::Sim;
use super::{Shared, api, control, dispatch, fastregister_page, pages};

/// Uploads (`/wxa/uploadmedia`, §6.14) are at most 10 MB.
const BODY_LIMIT_BYTES: usize = 11 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
    /// Either method (§8.7.6 `getaccountbasicinfo`).
    Any,
}

/// Which token the endpoint takes (§0.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRule {
    None,
    /// `component_access_token=` or `access_token=`; the former wins when both are present.
    Component,
    /// `access_token=` holding an authorizer token.
    Authorizer,
    /// Either kind of token (§1.8 variant B, §1.9).
    Either,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyRule {
    /// GET endpoints: whatever is sent is not read.
    Ignored,
    /// An empty body counts as `{}`.
    Optional,
    /// An empty body is `44002 empty post data` (§0.4).
    Required,
}

/// Who made the call, as the token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// No token (token endpoints, `clear_quota/v2`).
    Anonymous,
    Component,
    /// The merchant's index.
    Authorizer(u32),
}

/// A query string, decoded.
#[derive(Debug, Default)]
pub struct Query(Vec<(String, String)>);

impl Query {
    pub fn parse(query: Option<&str>) -> Self {
        Self(
            url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Everything a handler may look at.
#[derive(Debug)]
pub struct Call<'a> {
    pub now: i64,
    pub query: &'a Query,
    pub body: &'a Value,
    pub caller: Caller,
    pub peer: IpAddr,
    /// The body's size in bytes, for endpoints that do not read it as JSON (uploads).
    pub raw_len: usize,
}

impl Call<'_> {
    /// The authorizer the token belongs to; handlers of authorizer endpoints always have one.
    pub fn authorizer(&self) -> u32 {
        match self.caller {
            Caller::Authorizer(index) => index,
            Caller::Anonymous | Caller::Component => u32::MAX,
        }
    }
}

pub type Handler = fn(&mut Sim, &Call<'_>) -> Outcome;

#[derive(Debug)]
pub struct Endpoint {
    pub path: &'static str,
    pub verb: Verb,
    pub token: TokenRule,
    /// The call needs one of these sets granted (§3, `61007`); empty means no set is checked.
    pub sets: &'static [u16],
    pub body: BodyRule,
    pub handler: Handler,
}

/// A component-token POST with a JSON body.
pub const fn component(path: &'static str, handler: Handler) -> Endpoint {
    Endpoint {
        path,
        verb: Verb::Post,
        token: TokenRule::Component,
        sets: &[],
        body: BodyRule::Required,
        handler,
    }
}

/// An authorizer-token endpoint that needs one of `sets`.
pub const fn authorizer(path: &'static str, verb: Verb, sets: &'static [u16], handler: Handler) -> Endpoint {
    let body = match verb {
        Verb::Get => BodyRule::Ignored,
        Verb::Post => BodyRule::Required,
        Verb::Any => BodyRule::Optional,
    };
    Endpoint {
        path,
        verb,
        token: TokenRule::Authorizer,
        sets,
        body,
        handler,
    }
}

/// Every area's rows.
fn groups() -> [&'static [Endpoint]; 12] {
    [
        api::component::ENDPOINTS,
        api::housekeeping::ENDPOINTS,
        api::templates::ENDPOINTS,
        api::code::ENDPOINTS,
        api::release::ENDPOINTS,
        api::privacy::ENDPOINTS,
        api::media::ENDPOINTS,
        api::domains::ENDPOINTS,
        api::register::ENDPOINTS,
        api::trial::ENDPOINTS,
        api::account::ENDPOINTS,
        api::message::ENDPOINTS,
    ]
}

static TABLE: LazyLock<HashMap<&'static str, &'static Endpoint>> = LazyLock::new(|| {
    groups()
        .into_iter()
        .flat_map(|group| group.iter())
        .map(|endpoint| (endpoint.path, endpoint))
        .collect()
});

pub fn lookup(path: &str) -> Option<&'static Endpoint> {
    TABLE.get(path).copied()
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/cgi-bin/componentloginpage", get(pages::show).post(pages::confirm))
        .route("/wxaopen/safe/bindcomponent", get(pages::show).post(pages::confirm))
        // The old H5 host path (§2.2), served by the same listener.
        .route("/safe/bindcomponent", get(pages::show).post(pages::confirm))
        .route(
            "/cgi-bin/fastregisterauth",
            get(fastregister_page::show).post(fastregister_page::confirm),
        )
        .merge(control::router())
        .fallback(dispatch::dispatch)
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .with_state(shared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_is_listed_once() {
        let groups = groups();
        let total: usize = groups.iter().map(|group| group.len()).sum();
        assert_eq!(TABLE.len(), total, "a path appears in two rows");
        assert!(lookup("/cgi-bin/component/api_component_token").is_some());
    }

    #[test]
    fn the_query_is_decoded() {
        let query = Query::parse(Some("a=1&path=page%2Findex%3Fx%3D1"));
        assert_eq!(query.get("path"), Some("page/index?x=1"));
        assert_eq!(query.get("b"), None);
    }
}
