//! The activity domain's handler: one page of the hub's activity log.

use crate::engine::profiles::Connection;
use crate::engine::protocol::{ActivityCommand, ActivityEvent, Reply, RequestId};

pub async fn execute(id: RequestId, command: ActivityCommand, connection: &Connection) -> ActivityEvent {
    match command {
        ActivityCommand::Load(query) => {
            let page = connection.client.activity(&query).await.map(|page| (query, page));
            ActivityEvent::Loaded(Reply::new(id, page))
        }
    }
}
