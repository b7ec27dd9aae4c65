//! §6.1–§6.7, §6.14: commit code from a template, pages, categories, submit for audit, audit status, privacy scan.

use serde::{Deserialize, Serialize};

use super::{Ack, Empty};
use crate::wechat::ids::{AuditId, TemplateId};

/// §6.1 body. `ext_json` is a string holding serialised JSON; `template_id` is sent as a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitRequest {
    pub template_id: TemplateId,
    pub ext_json: String,
    /// At most 64 characters.
    pub user_version: String,
    pub user_desc: String,
}
endpoint!(
    /// §6.1: uploads code from a template as the trial version. Never retried (one commit at a time, `9402202`).
    Commit, "/wxa/commit", CommitRequest => Ack
);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageListResponse {
    #[serde(default)]
    pub page_list: Vec<String>,
}
endpoint!(
    /// §6.2: pages of the committed code.
    GetPage, "/wxa/get_page", Empty => PageListResponse
);

/// One category usable in `submit_audit` (§6.4); the third level is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub first_class: String,
    pub second_class: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_class: Option<String>,
    pub first_id: i64,
    pub second_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_id: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryListResponse {
    #[serde(default)]
    pub category_list: Vec<Category>,
}
endpoint!(
    /// §6.4: the account's categories for `submit_audit`.
    GetCategory, "/wxa/get_category", Empty => CategoryListResponse
);

/// One `item_list` entry of §6.5; also the shape of `category_list` items of drafts and templates (§5.3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditItem {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Space-separated, at most 10 tags of at most 20 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_class: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub second_class: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub third_class: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub second_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub third_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// `preview_info` (§6.5): media ids from `/wxa/uploadmedia`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PreviewInfo {
    pub video_id_list: Vec<String>,
    pub pic_id_list: Vec<String>,
}

/// `ugc_declare` (§6.5), required on first submission for community categories.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UgcDeclare {
    pub scene: Vec<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_scene_desc: Option<String>,
    pub method: Vec<i64>,
    pub has_audit_team: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_desc: Option<String>,
}

/// §6.5 body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SubmitAuditRequest {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub item_list: Vec<AuditItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback_info: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback_stuff: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview_info: Option<PreviewInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_desc: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ugc_declare: Option<UgcDeclare>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privacy_api_not_use: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_path: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitAuditResponse {
    pub auditid: AuditId,
}
endpoint!(
    /// §6.5: submits the committed code for audit. Never retried (`85009` once one is running).
    SubmitAudit, "/wxa/submit_audit", SubmitAuditRequest => SubmitAuditResponse
);

/// Audit `status` (§6.7): 0 approved, 1 rejected, 2 under review, 3 withdrawn, 4 delayed.
pub mod audit_status {
    pub const APPROVED: i64 = 0;
    pub const REJECTED: i64 = 1;
    pub const AUDITING: i64 = 2;
    pub const WITHDRAWN: i64 = 3;
    pub const DELAYED: i64 = 4;
}

/// Bodies naming one audit (§6.6, §6.13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditIdRequest {
    pub auditid: AuditId,
}

/// §6.6 answer. The screenshot key is read in any case (`screenshot`/`ScreenShot`, §6.7 [UNCONFIRMED]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditStatusResponse {
    pub status: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(
        default,
        alias = "ScreenShot",
        alias = "Screenshot",
        alias = "SCREENSHOT",
        skip_serializing_if = "Option::is_none"
    )]
    pub screenshot: Option<String>,
}
endpoint!(
    /// §6.6: the status of one audit.
    GetAuditStatus, "/wxa/get_auditstatus", AuditIdRequest => AuditStatusResponse
);

/// §6.7 answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatestAuditStatusResponse {
    pub auditid: AuditId,
    pub status: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(
        default,
        alias = "ScreenShot",
        alias = "Screenshot",
        alias = "SCREENSHOT",
        skip_serializing_if = "Option::is_none"
    )]
    pub screenshot: Option<String>,
    #[serde(default)]
    pub user_version: String,
    #[serde(default)]
    pub user_desc: String,
    #[serde(default)]
    pub submit_audit_time: i64,
}

impl LatestAuditStatusResponse {
    /// The screenshot media ids, split on `|`.
    pub fn screenshots(&self) -> Vec<String> {
        crate::wechat::event::split_media_ids(self.screenshot.as_deref().unwrap_or_default())
    }
}
endpoint!(
    /// §6.7: the latest audit; `85058` when the mini program was never submitted.
    GetLatestAuditStatus, "/wxa/get_latest_auditstatus", Empty => LatestAuditStatusResponse
);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CodePrivacyInfoResponse {
    pub without_auth_list: Vec<String>,
    pub without_conf_list: Vec<String>,
}
endpoint!(
    /// §6.14: the privacy-API scan after commit (`61039` while it runs).
    GetCodePrivacyInfo, "/wxa/security/get_code_privacy_info", Empty => CodePrivacyInfoResponse
);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExpInfo {
    pub exp_time: i64,
    pub exp_version: String,
    pub exp_desc: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReleaseInfo {
    pub release_time: i64,
    pub release_version: String,
    pub release_desc: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VersionInfoResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp_info: Option<ExpInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_info: Option<ReleaseInfo>,
}
endpoint!(
    /// §6.14: the trial and released versions (POST `{}`).
    GetVersionInfo, "/wxa/getversioninfo", Empty => VersionInfoResponse
);
