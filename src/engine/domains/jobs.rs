//! The jobs domain's handler: lists, one job with its items, operator actions, and the audit quota read through the
//! typed relay.

use crate::engine::profiles::Connection;
use crate::engine::protocol::{EngineError, ErrorKind, JobsCommand, JobsEvent, Reply, RequestId};
use crate::engine::sandbox;
use crate::wechat::api::Empty;
use crate::wechat::api::release::QueryQuota;

pub async fn execute(id: RequestId, command: JobsCommand, connection: &Connection) -> JobsEvent {
    let client = &connection.client;
    match command {
        JobsCommand::List(query) => JobsEvent::Listed(Reply::new(id, client.jobs(&query).await.map(|list| list.jobs))),
        JobsCommand::Show(job) => JobsEvent::Shown(Reply::new(id, client.job(job).await)),
        JobsCommand::Act(job, verb) => JobsEvent::Acted(Reply::new(id, client.job_action(job, verb).await)),
        JobsCommand::Retry(job, appids) => JobsEvent::Acted(Reply::new(id, client.job_retry(job, appids).await)),
        JobsCommand::Deploy(plan) => JobsEvent::Deployed(Reply::new(id, client.deploy(&plan).await)),
        JobsCommand::AuditQuota(appid) => {
            let quota = client.relay::<QueryQuota>(Some(&appid), &Empty::default()).await;
            JobsEvent::AuditQuota(Reply::new(id, quota))
        }
        JobsCommand::SimulateAudits { appids, outcome } => JobsEvent::AuditsSimulated(Reply::new(
            id,
            match &connection.sandbox {
                Some(links) => sandbox::resolve_audits(links, &appids, outcome).await,
                None => Err(EngineError::new(
                    ErrorKind::NotSandbox,
                    "simulating an audit works only in the sandbox",
                )),
            },
        )),
    }
}
