//! Merchants: `GET /api/v1/authorizers[/{appid}]` and `POST /api/v1/preauth` (the code and links a merchant scans).

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::wechat::authurl::AuthType;

/// Mini program or official account, as the hub spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum AccountKind {
    #[serde(rename = "miniprogram")]
    MiniProgram,
    #[serde(rename = "official_account")]
    OfficialAccount,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::MiniProgram => "miniprogram",
            AccountKind::OfficialAccount => "official_account",
        }
    }
}

/// An authorized (or formerly authorized) account, with WeChat's field names where §1.6 has one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Authorizer {
    pub authorizer_appid: String,
    pub nick_name: Option<String>,
    /// Known once the account's info has been fetched (§1.6).
    pub kind: Option<AccountKind>,
    pub principal_name: Option<String>,
    /// `verify_type_info.id`: -1 unverified, 0 or more verified (§1.6).
    pub verify_type: Option<i64>,
    pub service_type: Option<i64>,
    /// The original id, `gh_…`.
    pub user_name: Option<String>,
    pub head_img: Option<String>,
    /// Unix seconds.
    pub authorized_at: i64,
    /// Unix seconds; set once the merchant revoked the authorization.
    pub revoked_at: Option<i64>,
    /// Granted permission sets (§3).
    pub func_ids: Vec<i64>,
}

/// `GET /api/v1/authorizers?query=&offset=&limit=`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuthorizerQuery {
    /// Matches appid, name, principal or original id.
    pub query: Option<String>,
    pub offset: Option<i64>,
    /// At most 1,000; 100 when left out.
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuthorizerPage {
    pub total: i64,
    pub offset: i64,
    pub authorizers: Vec<Authorizer>,
}

/// `POST /api/v1/preauth`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PreauthRequest {
    /// Which accounts the page lists (§2.3): 1, 2, 3, 4, 5, 6 or 8.
    #[schema(value_type = u8)]
    pub auth_type: AuthType,
    /// Restrict the page to this one account (§2.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biz_appid: Option<String>,
    /// Permission sets to request (§3); left out, every set the platform has published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_id_list: Option<Vec<i64>>,
}

/// A pre-authorization code and both authorization links (§1.3, §2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Preauth {
    pub pre_auth_code: String,
    /// Unix seconds; single use before then.
    pub expires_at: i64,
    /// The PC scan page (§2.1).
    pub pc_url: String,
    /// The mobile link a merchant opens by scanning its QR code (§2.2).
    pub h5_url: String,
}
