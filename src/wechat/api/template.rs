//! §5: the code template library (component token): drafts, templates, add and delete.

use serde::{Deserialize, Serialize};

use super::code::AuditItem;
use super::{Ack, Empty};
use crate::wechat::ids::{DraftId, TemplateId};

/// One draft of §5.1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub create_time: i64,
    #[serde(default)]
    pub user_version: String,
    #[serde(default)]
    pub user_desc: String,
    pub draft_id: DraftId,
    #[serde(default)]
    pub source_miniprogram_appid: String,
    #[serde(default)]
    pub source_miniprogram: String,
    #[serde(default)]
    pub developer: String,
    #[serde(default)]
    pub category_list: Vec<AuditItem>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftListResponse {
    #[serde(default)]
    pub draft_list: Vec<Draft>,
}
endpoint!(
    /// §5.1: the draft box.
    GetTemplateDraftList, "/wxa/gettemplatedraftlist", Empty => DraftListResponse
);

/// §5: the library holds at most this many templates; `addtotemplate` answers `85065` when it is full.
pub const TEMPLATE_LIBRARY_LIMIT: usize = 200;

/// `template_type` (§5.2): 0 ordinary, 1 standard.
pub const TEMPLATE_ORDINARY: u8 = 0;
pub const TEMPLATE_STANDARD: u8 = 1;

/// §5.2 body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddToTemplateRequest {
    pub draft_id: DraftId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_type: Option<u8>,
}
endpoint!(
    /// §5.2: copies a draft into the library. No id is returned: list again to learn it.
    AddToTemplate, "/wxa/addtotemplate", AddToTemplateRequest => Ack
);

/// §5.3 query: omit `template_type` for both kinds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateListRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_type: Option<u8>,
}

/// One template of §5.3.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub create_time: i64,
    #[serde(default)]
    pub user_version: String,
    #[serde(default)]
    pub user_desc: String,
    pub template_id: TemplateId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_id: Option<DraftId>,
    #[serde(default)]
    pub source_miniprogram_appid: String,
    #[serde(default)]
    pub source_miniprogram: String,
    #[serde(default)]
    pub developer: String,
    #[serde(default)]
    pub template_type: u8,
    #[serde(default)]
    pub category_list: Vec<AuditItem>,
    /// Standard templates only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_scene: Option<i64>,
    /// Standard templates only: 0 not submitted, 1 auditing, 2 rejected, 3 approved, 4 submitting, 5 failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_status: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateListResponse {
    #[serde(default)]
    pub template_list: Vec<Template>,
}
endpoint!(
    /// §5.3: the library (at most 200 templates). GET only (`43001` on POST).
    GetTemplateList, "/wxa/gettemplatelist", TemplateListRequest => TemplateListResponse
);

/// §5.4 body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteTemplateRequest {
    pub template_id: TemplateId,
}
endpoint!(
    /// §5.4: removes a template (`85064` when absent).
    DeleteTemplate, "/wxa/deletetemplate", DeleteTemplateRequest => Ack
);
