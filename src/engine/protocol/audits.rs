//! The audits domain (审核): every mini program's latest audit as the hub keeps it (DESIGN.md "Audits"), and a
//! rejection's screenshots, which the hub fetched from WeChat with the mini program's own token (wechat-api.md §4.3).

use std::sync::Arc;

use super::{AuditPage, AuditQuery, AuditQuota, JobId, Reply, domain_replies};
use crate::wechat::api::release::{GrayReleasePlan, HistoryVersion};

#[derive(Debug, Clone, PartialEq)]
pub enum AuditsCommand {
    /// Every page of `GET /api/v1/audits` from the query's offset, in pages of its limit, as one page: the latest
    /// audit of every mini program matching the query. Reply: `Loaded`.
    Load(AuditQuery),
    /// One screenshot of a rejection, from the hub's copy, decoded for display. Reply: `Screenshot`.
    Screenshot { appid: String, media_id: String },
    /// The platform-wide audit quota, read now by the hub (`GET /api/v1/audits/quota`, §6.13). Reply: `Quota`.
    Quota,
    /// One mini program's releases as the platform has them: the rollback candidates (§6.10), the gray plan
    /// (§6.11) and the visit status (§6.12). Reply: `Code`.
    Code(String),
    /// One write to one mini program's audit or release, relayed by the hub; the hub's audits table learns of it
    /// and `audit_updated` brings the row. Reply: `Acted`.
    Act { appid: String, action: AuditAction },
    /// A bulk release or speed-up, started as a hub job. Reply: `BatchStarted` with the job's id.
    Batch { kind: BatchKind, appids: Vec<String> },
}

/// What an operator does to one mini program from the Audits panel (wechat-api.md §6.5–§6.13).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditAction {
    /// §6.8 `undocodeaudit`.
    Withdraw,
    /// §6.13 `speedupaudit` of this audit.
    Speedup { auditid: i64 },
    /// §6.5 `submit_audit` again after a rejection, with a note for the reviewer (`feedback_info`, ≤ 200
    /// characters) and up to five images (`feedback_stuff`), each uploaded first as temporary material.
    Resubmit {
        feedback_info: Option<String>,
        images: Vec<FeedbackImage>,
    },
    /// §6.9 `release` of the approved version.
    Release,
    /// §6.11 `grayrelease` to this percentage (1–100, above the current one).
    Gray { percentage: u8 },
    /// §6.11 `revertgrayrelease`.
    RevertGray,
    /// §6.10 `revertcoderelease`: back to the previous online version.
    Rollback,
    /// §6.12 `change_visitstatus`: open (`true`) or pause the service.
    Visit { open: bool },
}

/// An image that goes with a resubmission, as the operator dropped it.
#[derive(Clone, PartialEq, Eq)]
pub struct FeedbackImage {
    pub file_name: String,
    /// One of `hubapi::FEEDBACK_IMAGE_TYPES`.
    pub content_type: String,
    pub bytes: Arc<Vec<u8>>,
}

/// Megabytes of bytes make an unreadable `Debug`: the name and size say enough.
impl std::fmt::Debug for FeedbackImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FeedbackImage({}, {} bytes)", self.file_name, self.bytes.len())
    }
}

/// The bulk actions the hub runs as jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchKind {
    Release,
    Speedup,
}

impl BatchKind {
    /// The hub's route: `POST /api/v1/audits/{release|speedup}`.
    pub fn as_str(self) -> &'static str {
        match self {
            BatchKind::Release => "release",
            BatchKind::Speedup => "speedup",
        }
    }
}

/// A mini program's releases as the platform answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeState {
    pub appid: String,
    /// Most recent first, at most five (§6.10).
    pub history: Vec<HistoryVersion>,
    /// `None` when the platform has no plan (status 0) or it ended.
    pub gray: Option<GrayReleasePlan>,
    /// The service is open to users (§6.12 status 1).
    pub visit_open: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AuditsEvent {
    Loaded(Reply<AuditPage>),
    Screenshot(Reply<Screenshot>),
    Quota(Reply<AuditQuota>),
    Code(Reply<CodeState>),
    Acted(Reply<()>),
    BatchStarted(Reply<JobId>),
}

domain_replies!(AuditsCommand => AuditsEvent {
    AuditsCommand::Load(_) => Loaded,
    AuditsCommand::Screenshot { .. } => Screenshot,
    AuditsCommand::Quota => Quota,
    AuditsCommand::Code(_) => Code,
    AuditsCommand::Act { .. } => Acted,
    AuditsCommand::Batch { .. } => BatchStarted,
} unasked {});

/// A screenshot as the hub has it.
#[derive(Debug, Clone, PartialEq)]
pub enum Screenshot {
    /// Decoded, ready to become a texture.
    Image(Arc<ScreenshotPixels>),
    /// The hub has not fetched it from WeChat yet (`404 screenshot_missing`): not an error, it is tried again.
    NotFetched,
}

/// A decoded image: `rgba` holds `width × height` pixels, four bytes each, unmultiplied.
#[derive(Clone, PartialEq, Eq)]
pub struct ScreenshotPixels {
    pub width: usize,
    pub height: usize,
    pub rgba: Vec<u8>,
}

/// Megabytes of pixels make an unreadable `Debug`: the size says enough.
impl std::fmt::Debug for ScreenshotPixels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ScreenshotPixels({}×{})", self.width, self.height)
    }
}
