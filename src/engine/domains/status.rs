//! The status domain's handler: the hub's health.

use crate::engine::profiles::Connection;
use crate::engine::protocol::{Reply, RequestId, StatusCommand, StatusEvent};

pub async fn execute(id: RequestId, command: StatusCommand, connection: &Connection) -> StatusEvent {
    match command {
        StatusCommand::Refresh => StatusEvent::Refreshed(Reply::new(id, connection.client.status().await)),
        StatusCommand::Readiness => StatusEvent::Readiness(Reply::new(id, connection.client.readiness().await)),
        StatusCommand::ReleaseCheck => {
            StatusEvent::ReleaseCheck(Reply::new(id, connection.client.release_check().await))
        }
    }
}
