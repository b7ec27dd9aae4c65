//! The merchant row the console shows and caches: an `hubapi::Authorizer` with its optional parts filled for display.
//! Every other piece of hub data reaches the UI as the `hubapi` type itself.

use serde::{Deserialize, Serialize};

use crate::hubapi::{AccountKind, Authorizer};

/// One authorized (or formerly authorized) merchant account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizerRow {
    pub appid: String,
    pub nick_name: String,
    pub kind: AccountKind,
    pub principal_name: String,
    /// `verify_type_info.id` is 0 or more (§1.6).
    pub verified: bool,
    pub verify_type: i32,
    /// Unix seconds.
    pub authorized_at: i64,
    /// Unix seconds; `Some` once the merchant revoked the authorization.
    pub revoked_at: Option<i64>,
    /// Granted permission sets (§3).
    pub func_ids: Vec<u32>,
    /// The original id, `gh_…`.
    pub user_name: String,
    pub head_img: String,
    pub service_type: i32,
}

impl From<Authorizer> for AuthorizerRow {
    fn from(a: Authorizer) -> Self {
        // §1.6: verify_type_info.id is -1 when unverified; an unknown type is shown as unverified, the safer claim.
        let verify_type = a.verify_type.and_then(|v| i32::try_from(v).ok()).unwrap_or(-1);
        AuthorizerRow {
            appid: a.authorizer_appid,
            nick_name: a.nick_name.unwrap_or_default(),
            kind: a.kind.unwrap_or(AccountKind::MiniProgram),
            principal_name: a.principal_name.unwrap_or_default(),
            verified: verify_type >= 0,
            verify_type,
            authorized_at: a.authorized_at,
            revoked_at: a.revoked_at,
            func_ids: a.func_ids.into_iter().filter_map(|id| u32::try_from(id).ok()).collect(),
            user_name: a.user_name.unwrap_or_default(),
            head_img: a.head_img.unwrap_or_default(),
            service_type: a.service_type.and_then(|v| i32::try_from(v).ok()).unwrap_or_default(),
        }
    }
}
