//! Typed requests and responses of every endpoint, with WeChat's own field names, one module per section of
//! wechat-api.md. Each endpoint is a unit struct implementing `Endpoint`.
//!
//! Responses omit `errcode`/`errmsg`: the client has already turned a non-zero one into `WxError::Api`.

/// Declares a typed endpoint (textually before the submodules, which use it): `endpoint!(Name, "/path", Request => Response)`, optionally `, query = &[…]`.
macro_rules! endpoint {
    ($(#[$doc:meta])* $name:ident, $path:literal, $req:ty => $resp:ty $(, query = $query:expr)?) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name;

        impl $crate::wechat::endpoint::Endpoint for $name {
            type Request = $req;
            type Response = $resp;
            const INFO: &'static $crate::wechat::endpoint::EndpointInfo = $crate::wechat::endpoints::row_for($path);
            $(const QUERY: &'static [(&'static str, &'static str)] = $query;)?
        }
    };
}

pub mod account;
pub mod category;
pub mod code;
pub mod component;
pub mod domain;
pub mod media;
pub mod message;
pub mod privacy;
pub mod quota;
pub mod register;
pub mod release;
pub mod template;
pub mod tester;

use serde::{Deserialize, Serialize};

/// The answer of endpoints that return nothing but the envelope, `{"errcode":0,"errmsg":"ok"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ack {
    #[serde(default)]
    pub errcode: i64,
    #[serde(default)]
    pub errmsg: String,
}

/// A request without fields: `{}` as a POST body (§0.4: an empty body gives `44002`), nothing as GET parameters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}
