//! The jobs domain: the hub's durable jobs (authorizer sync, deployments…), their items and operator actions.

use super::{Job, JobId, JobQuery, JobVerb, Plan, Reply, domain_replies};

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
}

#[derive(Debug, Clone, PartialEq)]
pub enum JobsEvent {
    Listed(Reply<Vec<Job>>),
    Shown(Reply<Job>),
    Acted(Reply<Job>),
    Deployed(Reply<JobId>),
}

domain_replies!(JobsCommand => JobsEvent {
    JobsCommand::List(_) => Listed,
    JobsCommand::Show(_) => Shown,
    JobsCommand::Act(..) | JobsCommand::Retry(..) => Acted,
    JobsCommand::Deploy(_) => Deployed,
} unasked {});
