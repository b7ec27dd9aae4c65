//! The jobs domain: the hub's durable jobs (authorizer sync, deployments…), their items and operator actions, and
//! the platform's audit quota a deployment spends.

use super::{Job, JobId, JobQuery, JobVerb, Plan, Reply, domain_replies};
use crate::wechat::api::release::QueryQuotaResponse;

#[derive(Debug, Clone, PartialEq)]
pub enum JobsCommand {
    /// Every job with its counts, newest first. Reply: `Listed`.
    List(JobQuery),
    /// One job with its items. Reply: `Shown`.
    Show(JobId),
    /// Pause, resume, approve or cancel a job. Reply: `Acted`.
    Act(JobId, JobVerb),
    /// Puts failed items (all, or those named) back to pending. Reply: `Acted`.
    Retry(JobId, Vec<String>),
    /// Starts a deployment from a plan (checked by the hub, which names each bad field). Reply: `Deployed`.
    Deploy(Box<Plan>),
    /// Reads the platform's monthly audit quota (`queryquota`, wechat-api.md §6.13) through this mini program, which
    /// must have granted set 18; the quota is the platform's, the same whichever mini program reads it. Reply:
    /// `AuditQuota`.
    AuditQuota(String),
    /// Sandbox only: the simulated platform ends these mini programs' running audits now (the real one takes hours),
    /// and pushes each result to the hub as WeChat would. Reply: `AuditsSimulated` with how many it ended.
    SimulateAudits {
        appids: Vec<String>,
        outcome: SimulatedAudit,
    },
}

/// How the sandbox's simulated audit ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimulatedAudit {
    Approve,
    /// Rejected with the simulator's numbered reasons and screenshots.
    Reject,
}

impl SimulatedAudit {
    /// The simulator's control API's name for the outcome (`POST /__sim/audit/resolve`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "success",
            Self::Reject => "fail",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum JobsEvent {
    Listed(Reply<Vec<Job>>),
    Shown(Reply<Job>),
    Acted(Reply<Job>),
    Deployed(Reply<JobId>),
    AuditQuota(Reply<QueryQuotaResponse>),
    AuditsSimulated(Reply<usize>),
}

domain_replies!(JobsCommand => JobsEvent {
    JobsCommand::List(_) => Listed,
    JobsCommand::Show(_) => Shown,
    JobsCommand::Act(..) | JobsCommand::Retry(..) => Acted,
    JobsCommand::Deploy(_) => Deployed,
    JobsCommand::AuditQuota(_) => AuditQuota,
    JobsCommand::SimulateAudits { .. } => AuditsSimulated,
} unasked {});
