//! §7: server and business (web-view) domains, of one mini program and of the platform.

use serde::{Deserialize, Serialize};

use super::Empty;

/// §7.1 body. `action` is `add`, `delete`, `set` or `get`; the lists are omitted for `get`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModifyDomainRequest {
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requestdomain: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wsrequestdomain: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uploaddomain: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub downloaddomain: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub udpdomain: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcpdomain: Option<Vec<String>>,
}

/// §7.1 answer: the six current lists and the rejected domains.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModifyDomainResponse {
    pub requestdomain: Vec<String>,
    pub wsrequestdomain: Vec<String>,
    pub uploaddomain: Vec<String>,
    pub downloaddomain: Vec<String>,
    pub udpdomain: Vec<String>,
    pub tcpdomain: Vec<String>,
    pub invalid_requestdomain: Vec<String>,
    pub invalid_wsrequestdomain: Vec<String>,
    pub invalid_uploaddomain: Vec<String>,
    pub invalid_downloaddomain: Vec<String>,
    pub invalid_udpdomain: Vec<String>,
    pub invalid_tcpdomain: Vec<String>,
}
endpoint!(
    /// §7.1: the mini program's server domains.
    ModifyDomain, "/wxa/modify_domain", ModifyDomainRequest => ModifyDomainResponse
);

/// §7.2 body: without `action`, every platform business domain is added.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetWebviewDomainRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webviewdomain: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetWebviewDomainResponse {
    pub webviewdomain: Vec<String>,
}
endpoint!(
    /// §7.2: the mini program's business (web-view) domains.
    SetWebviewDomain, "/wxa/setwebviewdomain", SetWebviewDomainRequest => SetWebviewDomainResponse
);

/// A domain verification file (§7.2, §7.5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConfirmFileResponse {
    pub file_name: String,
    pub file_content: String,
}
endpoint!(
    /// §7.2: the verification file for the merchant's own business domain.
    GetWebviewDomainConfirmFile, "/wxa/get_webviewdomain_confirmfile", Empty => ConfirmFileResponse
);
endpoint!(
    /// §7.5: the verification file for the platform's business domains.
    GetDomainConfirmFile, "/cgi-bin/component/get_domain_confirmfile", Empty => ConfirmFileResponse
);

/// §7.3 body; `wxa_server_domain` is `;`-separated host names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModifyWxaServerDomainRequest {
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wxa_server_domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_modify_published_together: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModifyWxaServerDomainResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_wxa_server_domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub testing_wxa_server_domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalid_wxa_server_domain: Option<String>,
}
endpoint!(
    /// §7.3: the platform's server domains.
    ModifyWxaServerDomain, "/cgi-bin/component/modify_wxa_server_domain", ModifyWxaServerDomainRequest => ModifyWxaServerDomainResponse
);

/// §7.4 body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModifyWxaJumpDomainRequest {
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wxa_jump_h5_domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_modify_published_together: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModifyWxaJumpDomainResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_wxa_jump_h5_domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub testing_wxa_jump_h5_domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalid_wxa_jump_h5_domain: Option<String>,
}
endpoint!(
    /// §7.4: the platform's business domains.
    ModifyWxaJumpDomain, "/cgi-bin/component/modify_wxa_jump_domain", ModifyWxaJumpDomainRequest => ModifyWxaJumpDomainResponse
);
