//! The jobs domain's handler: lists, one job with its items, operator actions, and the audit quota read through the
//! typed relay.

use crate::engine::profiles::Connection;
use crate::engine::protocol::{JobsCommand, JobsEvent, Reply, RequestId};
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
    }
}
