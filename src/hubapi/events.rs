//! `GET /api/v1/events?after=SEQ&wait_secs=N`: the hub's event stream, one closed set of kinds with typed payloads.
//!
//! Every event is `{"seq", "at", "kind", …the kind's fields}`. A kind this build does not know (a newer hub)
//! arrives as [`HubEventKind::Unknown`], so an old console keeps polling.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::audits::Audit;
use super::authorizers::AccountKind;
use super::jobs::Job;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HubEvent {
    /// Increasing; the long poll resumes after the last one seen.
    pub seq: i64,
    /// Unix seconds.
    pub at: i64,
    #[serde(flatten)]
    pub kind: HubEventKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HubEventKind {
    /// A `component_verify_ticket` arrived (the ticket itself never leaves the hub).
    TicketReceived,
    /// A merchant authorized; the hub has exchanged the code and stored the account.
    Authorized(Authorization),
    /// A merchant changed an existing authorization (§4.2).
    #[serde(rename = "updateauthorized")]
    UpdateAuthorized(Authorization),
    /// A merchant revoked the authorization.
    Unauthorized {
        authorizer_appid: String,
    },
    AuditSuccess(AuditResult),
    AuditFail(AuditResult),
    AuditDelay(AuditResult),
    /// A mini program's latest audit changed (a push, a deployment, a relayed call, a poll), or one of its
    /// screenshots became available: the row as `GET /api/v1/audits` shows it.
    AuditUpdated(Audit),
    /// A registration task's result push (§4.2, §8).
    RegistrationResult(RegistrationResult),
    /// A registration task changed (its result push, a query, its 24 hours passing): the task as
    /// `GET /api/v1/registrations/{id}` shows it. The task rides under `registration`: its own `kind` would collide
    /// with the event's tag.
    RegistrationUpdated {
        registration: super::Registration,
    },
    /// An authorizer's details changed on the platform (its name, avatar or introduction, set up through the hub):
    /// the hub has read them again (§1.6), and `GET /api/v1/authorizers` shows them.
    AuthorizerUpdated {
        authorizer_appid: String,
    },
    /// The hub renewed an access token (the token itself never leaves the hub).
    TokenRefreshed(TokenRefreshed),
    /// A job's state or counts changed; coalesced to a few per second per job. `items` is empty. On the wire the job
    /// rides under `job` ([`JobProgressBody`]): its own `kind` (the job's kind) would collide with the event's tag.
    #[serde(
        serialize_with = "JobProgressBody::serialize_job",
        deserialize_with = "JobProgressBody::deserialize_job"
    )]
    #[schema(value_type = JobProgressBody)]
    JobProgress(Job),
    /// The hub met an error talking to WeChat.
    Error(HubErrorEvent),
    /// A kind this build does not know.
    #[serde(other)]
    Unknown,
}

impl HubEventKind {
    /// The `kind` string, as stored and sent.
    pub fn name(&self) -> &'static str {
        match self {
            HubEventKind::TicketReceived => "ticket_received",
            HubEventKind::Authorized(_) => "authorized",
            HubEventKind::UpdateAuthorized(_) => "updateauthorized",
            HubEventKind::Unauthorized { .. } => "unauthorized",
            HubEventKind::AuditSuccess(_) => "audit_success",
            HubEventKind::AuditFail(_) => "audit_fail",
            HubEventKind::AuditDelay(_) => "audit_delay",
            HubEventKind::AuditUpdated(_) => "audit_updated",
            HubEventKind::RegistrationResult(_) => "registration_result",
            HubEventKind::RegistrationUpdated { .. } => "registration_updated",
            HubEventKind::AuthorizerUpdated { .. } => "authorizer_updated",
            HubEventKind::TokenRefreshed(_) => "token_refreshed",
            HubEventKind::JobProgress(_) => "job_progress",
            HubEventKind::Error(_) => "error",
            HubEventKind::Unknown => "unknown",
        }
    }
}

/// `authorized` and `updateauthorized`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Authorization {
    pub authorizer_appid: String,
    pub nick_name: Option<String>,
    /// Sent as `account_kind`: the event's own `kind` is its tag.
    #[serde(rename = "account_kind")]
    pub kind: Option<AccountKind>,
    /// The permission sets granted (§3).
    pub func_ids: Vec<i64>,
    /// The pre_auth_code the merchant scanned, when the hub knows it; a console recognises its own QR code by it.
    pub pre_auth_code: Option<String>,
}

/// The payload of `job_progress`: `{"kind": "job_progress", "job": {…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JobProgressBody {
    pub job: Job,
}

impl JobProgressBody {
    fn serialize_job<S: serde::Serializer>(job: &Job, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Borrowed<'a> {
            job: &'a Job,
        }
        Borrowed { job }.serialize(serializer)
    }

    fn deserialize_job<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Job, D::Error> {
        JobProgressBody::deserialize(deserializer).map(|body| body.job)
    }
}

/// An audit result push (§4.3). The push names neither the auditid nor the appid: `authorizer_appid` comes from the
/// message URL, `user_name` is the push's `gh_` id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditResult {
    pub authorizer_appid: Option<String>,
    pub user_name: String,
    pub reason: Option<String>,
    #[serde(default)]
    pub screenshots: Vec<String>,
    /// Unix seconds, as the push says.
    pub time: i64,
}

/// A registration result push (§4.2): which task kind, the new appid, the status code and WeChat's message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RegistrationResult {
    /// `notify_third_fasteregister`, `notify_third_fastregisterbetaapp` or `notify_third_fastverifybetaapp`.
    pub info_type: String,
    pub appid: Option<String>,
    pub status: i64,
    #[serde(default)]
    pub msg: String,
    /// The push's `info` block as sent (the task's own fields).
    #[serde(default)]
    pub info: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TokenRefreshed {
    /// `component` or `authorizer`.
    pub token: String,
    pub authorizer_appid: Option<String>,
    /// Unix seconds.
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HubErrorEvent {
    /// What the hub was doing (`component_token`, `api_query_auth`, …).
    pub context: String,
    pub errcode: Option<i64>,
    pub message: String,
}

/// `GET /api/v1/events`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// Events after this seq; 0 for the whole history.
    pub after: Option<i64>,
    /// How long to wait when there is none yet; at most 50.
    pub wait_secs: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EventsPage {
    pub events: Vec<HubEvent>,
    /// The `after` to ask with next time.
    pub next: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hubapi::{JobCounts, JobKind, JobState};

    #[test]
    fn a_job_progress_event_reads_back_with_the_jobs_own_kind() {
        let job = Job {
            id: 7,
            kind: JobKind::AuthorizerSync,
            state: JobState::Running,
            reason: None,
            created_by: "hub".into(),
            created_at: 1,
            updated_at: 2,
            counts: JobCounts::default(),
            items: Vec::new(),
        };
        let event = HubEvent {
            seq: 3,
            at: 4,
            kind: HubEventKind::JobProgress(job),
        };
        let text = serde_json::to_string(&event).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["kind"], "job_progress", "{text}");
        assert_eq!(value["job"]["kind"], "authorizer_sync", "{text}");
        assert_eq!(serde_json::from_str::<HubEvent>(&text).unwrap(), event);
    }
}
