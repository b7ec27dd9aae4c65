//! `GET /api/v1/activity`: what operators did, in words: who, what (a stable action name), on whom, with what outcome.
//! Reads, status polls and the long poll are not activity (DESIGN.md).

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The stable action names. A relayed write is recorded as `call.` followed by the endpoint's path without its
/// leading slash (`call.wxa/commit`), so every WeChat write has a name without a list to keep here.
pub mod action {
    /// A pre-authorization code and its links were created for a merchant to scan.
    pub const PREAUTH_CREATE: &str = "preauth.create";
    /// An authorizer sync job was started.
    pub const AUTHORIZERS_SYNC: &str = "authorizers.sync";
    /// A deployment was planned and started (`POST /api/v1/deployments`).
    pub const DEPLOYMENT_CREATE: &str = "deployment.create";
    /// A bulk release of approved audits was started (`POST /api/v1/audits/release`).
    pub const AUDITS_RELEASE: &str = "audits.release";
    /// A bulk speed-up of running audits was started (`POST /api/v1/audits/speedup`).
    pub const AUDITS_SPEEDUP: &str = "audits.speedup";
    /// An image was uploaded to WeChat as a mini program's temporary material (for a resubmission's feedback).
    pub const AUDITS_MEDIA: &str = "audits.media";
    /// A registration task was created (`POST /api/v1/registrations`).
    pub const REGISTRATION_CREATE: &str = "registration.create";
    pub const JOB_PAUSE: &str = "job.pause";
    pub const JOB_RESUME: &str = "job.resume";
    pub const JOB_APPROVE: &str = "job.approve";
    pub const JOB_CANCEL: &str = "job.cancel";
    pub const JOB_RETRY: &str = "job.retry";
    /// A request with no key or an unknown one was refused (the key itself is never recorded).
    pub const ACCESS_REFUSED: &str = "access.refused";
    /// The hub answered one step of the platform's 全网发布 access check (wechat-api.md §14.2) by itself, as the
    /// operator `hub`; the target is the test account, the detail names the step.
    pub const RELEASE_CHECK_REPLY: &str = "release_check.reply";
    /// The prefix of relayed WeChat writes.
    pub const CALL_PREFIX: &str = "call.";
}

/// Whether an action did what it was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Failed,
}

/// One operator action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Activity {
    pub seq: i64,
    /// Unix seconds.
    pub at: i64,
    /// The operator's name; `(no key)` or `(unknown key)` for refused requests.
    pub operator: String,
    /// A stable name from [`action`].
    pub action: String,
    /// What it acted on: an appid, a job id, `auth_type=2`.
    pub target: Option<String>,
    pub outcome: Outcome,
    /// Why it failed, in the hub's words (with WeChat's errcode where the platform refused).
    pub reason: Option<String>,
    pub errcode: Option<i64>,
    /// More about what was done (the job created, the version committed).
    pub detail: Option<String>,
}

/// `GET /api/v1/activity?after=&before=&limit=&operator=&action=`. With `before`, the page is the newest entries
/// older than it, newest first (paging back through history); otherwise the oldest entries after `after`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityQuery {
    pub after: Option<i64>,
    pub before: Option<i64>,
    /// At most 1,000; 500 when left out.
    pub limit: Option<i64>,
    /// Only this operator's actions.
    pub operator: Option<String>,
    /// Only this action, or every action starting with it when it ends in `.` (`job.`, `call.`).
    pub action: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ActivityPage {
    pub activity: Vec<Activity>,
    /// The `after` to ask with next time (the largest seq seen, or the `after` asked with).
    pub next: i64,
}
