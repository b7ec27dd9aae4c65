//! The wire layer: the platform's endpoints as data, one `execute`, errcodes, WXBizMsgCrypt and event XML.
//!
//! It knows nothing of axum, SQLite, egui or the keychain (DESIGN.md); reqwest is its only IO.

pub mod api;
pub mod authurl;
pub mod calendar;
pub mod client;
pub mod crypto;
pub mod endpoint;
pub mod endpoints;
pub mod errcodes;
pub mod error;
pub mod event;
pub mod ids;
pub mod permissions;
pub mod registration_status;
pub mod release_check;
pub mod tolerant;

pub use authurl::{AuthRequest, AuthType};
pub use client::{Client, ClientConfig, Hosts, RawResponse, RetryPolicy};
pub use endpoint::{Answer, ComponentQuery, Endpoint, EndpointInfo, Host, Method, TokenKind};
pub use endpoints::{ENDPOINTS, lookup};
pub use errcodes::{ErrInfo, explain};
pub use error::WxError;
pub use event::{Event, EventError};
pub use ids::{AuditId, AuthorizerAppId, ComponentAppId, DraftId, IdError, Secret, TemplateId};
pub use permissions::{AccountKind, PermissionSet, permission_set};
