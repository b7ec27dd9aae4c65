//! Reconciliation by the hub itself: an authorizer sync once a ticket is available after start-up (a merchant who
//! authorized while the hub was down is found without anyone pressing Sync), then one every `sync_interval_secs`.
//! `start_sync` never starts a second one while one is unfinished.

use std::sync::Arc;
use std::time::Duration;

use super::super::Hub;
use super::super::store::queries;
use super::{HUB_OPERATOR, start_sync};

/// How often the hub looks for its first ticket; the platform pushes one every ten minutes (§1.1), a simulator at
/// once.
const TICKET_POLL: Duration = Duration::from_secs(1);

pub async fn reconcile(hub: Arc<Hub>) {
    let mut stop = hub.stop.clone();
    loop {
        match hub.store.read(queries::newest_ticket).await {
            Ok(Some(_)) => break,
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, "ticket not read; the first sync waits"),
        }
        tokio::select! {
            _ = tokio::time::sleep(TICKET_POLL) => {}
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
    }
    let interval = hub.jobs.config.sync_interval_secs;
    loop {
        match start_sync(&hub, HUB_OPERATOR).await {
            Ok(id) => tracing::info!(job = id, "the hub's own authorizer sync is under way"),
            Err(error) => tracing::warn!(error = error.message, "the hub's own sync did not start"),
        }
        if interval == 0 {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(interval)) => {}
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
    }
}
