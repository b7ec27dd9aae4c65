//! The hub's durable jobs (DESIGN.md, "The hub's durable jobs"): `GET /api/v1/jobs[/{id}]` and the operator actions
//! `POST /api/v1/jobs/{id}/pause|resume|approve|cancel|retry`.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A job's id, as the hub numbers them.
pub type JobId = i64;

/// `created_by` of the jobs the hub starts by itself (its start-up and scheduled syncs).
pub const HUB_OPERATOR: &str = "hub";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Pull the authorizer list and every account's details from WeChat again (§1.6, §1.7).
    AuthorizerSync,
    /// One template to many mini programs (DESIGN.md, deployments).
    Deployment,
    /// Release the approved version of many mini programs (§6.9), from the Audits panel.
    AuditRelease,
    /// Speed up the running audit of many mini programs (§6.13), within the month's speed-up quota.
    AuditSpeedup,
    /// A kind this build does not know (a newer hub).
    #[serde(other)]
    Other,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::AuthorizerSync => "authorizer_sync",
            JobKind::Deployment => "deployment",
            JobKind::AuditRelease => "audit_release",
            JobKind::AuditSpeedup => "audit_speedup",
            JobKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            JobKind::AuthorizerSync,
            JobKind::Deployment,
            JobKind::AuditRelease,
            JobKind::AuditSpeedup,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Running,
    /// An operator paused it; resume continues.
    Paused,
    /// A gate between waves: `approve` starts the next wave.
    WaitingApproval,
    /// The job stopped itself (`reason` says why: the audit quota, the failure threshold…); resume continues.
    Halted,
    Completed,
    Cancelled,
}

impl JobState {
    pub const ALL: [JobState; 6] = [
        JobState::Running,
        JobState::Paused,
        JobState::WaitingApproval,
        JobState::Halted,
        JobState::Completed,
        JobState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Running => "running",
            JobState::Paused => "paused",
            JobState::WaitingApproval => "waiting_approval",
            JobState::Halted => "halted",
            JobState::Completed => "completed",
            JobState::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// Completed and cancelled jobs never run again.
    pub fn is_final(self) -> bool {
        matches!(self, JobState::Completed | JobState::Cancelled)
    }
}

/// Where one item (one merchant) of a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    Pending,
    InProgress,
    WaitingAudit,
    /// Approved by the audit and held, not released.
    Approved,
    Released,
    Rejected,
    Failed,
    Skipped,
    Cancelled,
    /// Finished a job whose items have no audit (an authorizer sync).
    Done,
}

impl ItemState {
    pub const ALL: [ItemState; 10] = [
        ItemState::Pending,
        ItemState::InProgress,
        ItemState::WaitingAudit,
        ItemState::Approved,
        ItemState::Released,
        ItemState::Rejected,
        ItemState::Failed,
        ItemState::Skipped,
        ItemState::Cancelled,
        ItemState::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Pending => "pending",
            ItemState::InProgress => "in_progress",
            ItemState::WaitingAudit => "waiting_audit",
            ItemState::Approved => "approved",
            ItemState::Released => "released",
            ItemState::Rejected => "rejected",
            ItemState::Failed => "failed",
            ItemState::Skipped => "skipped",
            ItemState::Cancelled => "cancelled",
            ItemState::Done => "done",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// An item in one of these states is not worked on again (unless an operator retries it).
    pub fn is_final(self) -> bool {
        !matches!(
            self,
            ItemState::Pending | ItemState::InProgress | ItemState::WaitingAudit
        )
    }
}

/// How many items are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JobCounts {
    pub total: i64,
    pub pending: i64,
    pub in_progress: i64,
    pub waiting_audit: i64,
    pub approved: i64,
    pub released: i64,
    pub rejected: i64,
    pub failed: i64,
    pub skipped: i64,
    pub cancelled: i64,
    #[serde(default)]
    pub done: i64,
}

impl JobCounts {
    pub fn add(&mut self, state: ItemState, count: i64) {
        let slot = match state {
            ItemState::Pending => &mut self.pending,
            ItemState::InProgress => &mut self.in_progress,
            ItemState::WaitingAudit => &mut self.waiting_audit,
            ItemState::Approved => &mut self.approved,
            ItemState::Released => &mut self.released,
            ItemState::Rejected => &mut self.rejected,
            ItemState::Failed => &mut self.failed,
            ItemState::Skipped => &mut self.skipped,
            ItemState::Cancelled => &mut self.cancelled,
            ItemState::Done => &mut self.done,
        };
        *slot += count;
        self.total += count;
    }

    /// Items no longer pending or in progress: what a progress bar counts as done.
    pub fn finished(&self) -> i64 {
        self.total - self.pending - self.in_progress - self.waiting_audit
    }
}

/// One job. `items` is filled by `GET /api/v1/jobs/{id}` only; lists and `job_progress` events leave it empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Job {
    pub id: JobId,
    pub kind: JobKind,
    pub state: JobState,
    /// Why the job halted, or was cancelled; `None` otherwise.
    pub reason: Option<String>,
    pub created_by: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    pub counts: JobCounts,
    #[serde(default)]
    pub items: Vec<JobItem>,
}

/// One merchant's part of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JobItem {
    pub appid: String,
    pub wave: i64,
    /// The step it is at (or failed at): a name of the job kind's own steps (`info`, `commit`, `submit_audit`…).
    pub step: String,
    pub state: ItemState,
    /// WeChat's errcode of the last failure; explain it with `wechat::errcodes`.
    pub errcode: Option<i64>,
    pub message: Option<String>,
    pub auditid: Option<i64>,
    /// Why the item was skipped or failed when the hub itself decided it (not a WeChat errcode): one of
    /// [`item_reason`]'s stable names, for a console to say in its own language; `message` says it in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Unix seconds.
    pub updated_at: i64,
}

#[cfg(test)]
impl JobItem {
    /// A test's item at `step`: no error, no audit, updated at 0.
    pub fn at(appid: &str, wave: i64, step: &str, state: ItemState) -> JobItem {
        JobItem {
            appid: appid.into(),
            wave,
            step: step.into(),
            state,
            errcode: None,
            message: None,
            auditid: None,
            reason: None,
            updated_at: 0,
        }
    }
}

/// The stable names of [`JobItem::reason`].
pub mod item_reason {
    /// The appid is not an authorizer of this platform (any more).
    pub const NOT_AUTHORIZED: &str = "not_authorized";
    /// Permission set 18 (code management) is not granted.
    pub const NO_CODE_MANAGEMENT: &str = "no_code_management";
    pub const NO_NAME: &str = "no_name";
    pub const NO_AVATAR: &str = "no_avatar";
    /// No category to submit the code under (§6.4).
    pub const NO_CATEGORY: &str = "no_category";
    /// The plan's version is online already.
    pub const ALREADY_ONLINE: &str = "already_online";
    /// A version is under audit already (or its audit is delayed): a second cannot be submitted until it ends or
    /// is withdrawn (`85009`, §6.5); `message` names it.
    pub const AUDIT_RUNNING: &str = "audit_running";
    /// The code uses privacy keys the guide has no text for (§6.16); `message` names them.
    pub const PRIVACY_TEXT_MISSING: &str = "privacy_text_missing";
    /// Someone withdrew the audit.
    pub const AUDIT_WITHDRAWN: &str = "audit_withdrawn";
    /// Released, but the platform shows another version online.
    pub const VERSION_MISMATCH: &str = "version_mismatch";
    /// A speed-up found no audit running (it ended, or was withdrawn, before its turn).
    pub const NOT_AUDITING: &str = "not_auditing";
}

/// `GET /api/v1/jobs?kind=&state=`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobQuery {
    pub kind: Option<JobKind>,
    pub state: Option<JobState>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JobList {
    /// Newest first.
    pub jobs: Vec<Job>,
}

/// `POST /api/v1/jobs/{id}/retry`: the failed items to try again; empty, every failed item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RetryRequest {
    #[serde(default)]
    pub appids: Vec<String>,
}

/// The answer to creating a job (a sync, a deployment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JobCreated {
    pub id: JobId,
}
