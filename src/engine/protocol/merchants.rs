//! The merchants domain: the authorizer list (from the local cache, then from the hub) and the hub's sync job.

use serde::{Deserialize, Serialize};

use super::{AuthorizerRow, JobId, Reply, domain_replies};

#[derive(Debug, Clone, PartialEq)]
pub enum MerchantsCommand {
    /// Fetches every authorizer from the hub (all pages) and stores them in the local cache. Reply: `Loaded`.
    Load,
    /// Starts the hub's authorizer sync job (or finds the one running). Reply: `SyncStarted` with the job's id; its
    /// progress arrives as `job_progress` hub events.
    Sync,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MerchantsEvent {
    Loaded(Reply<Vec<AuthorizerRow>>),
    SyncStarted(Reply<JobId>),
    /// The locally cached list, sent unasked while a profile activates (not a reply).
    Cached(Vec<AuthorizerRow>),
}

domain_replies!(MerchantsCommand => MerchantsEvent {
    MerchantsCommand::Load => Loaded,
    MerchantsCommand::Sync => SyncStarted,
} unasked { MerchantsEvent::Cached(_) });

/// Whether an authorizer list came from the local cache or fresh from the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorizersSource {
    Cache,
    Hub,
}
