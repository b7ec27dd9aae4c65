//! The merchants domain: the authorizer list (from the local cache, then from the hub), the hub's sync job, and a mini
//! program's code versions read through the relay.

use serde::{Deserialize, Serialize};

use super::{AuthorizerRow, JobId, Reply, domain_replies};
use crate::wechat::api::code::VersionInfoResponse;

#[derive(Debug, Clone, PartialEq)]
pub enum MerchantsCommand {
    /// Fetches every authorizer from the hub (all pages) and stores them in the local cache. Reply: `Loaded`.
    Load,
    /// Starts the hub's authorizer sync job (or finds the one running). Reply: `SyncStarted` with the job's id; its
    /// progress arrives as `job_progress` hub events.
    Sync,
    /// Reads this mini program's trial (体验版) and online (线上版) versions: `getversioninfo` (wechat-api.md §6.14)
    /// relayed with its own token. Reply: `Versions`.
    Versions(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum MerchantsEvent {
    Loaded(Reply<Vec<AuthorizerRow>>),
    SyncStarted(Reply<JobId>),
    Versions(Reply<VersionInfoResponse>),
    /// The locally cached list, sent unasked while a profile activates (not a reply).
    Cached(Vec<AuthorizerRow>),
}

domain_replies!(MerchantsCommand => MerchantsEvent {
    MerchantsCommand::Load => Loaded,
    MerchantsCommand::Sync => SyncStarted,
    MerchantsCommand::Versions(_) => Versions,
} unasked { MerchantsEvent::Cached(_) });

/// Whether an authorizer list came from the local cache or fresh from the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorizersSource {
    Cache,
    Hub,
}
