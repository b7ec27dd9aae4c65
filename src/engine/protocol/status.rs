//! The status domain: the hub's health (ticket, component token, last error) and the 全网发布 readiness check.

use super::{HubStatus, Readiness, ReleaseCheck, Reply, domain_replies};

#[derive(Debug, Clone, PartialEq)]
pub enum StatusCommand {
    /// Asks the active hub for its health. Reply: `Refreshed`.
    Refresh,
    /// Runs the 全网发布 readiness check on the hub (`GET /api/v1/readiness`; reads only). Reply: `Readiness`.
    Readiness,
    /// The last 全网发布 access check the hub answered (`GET /api/v1/release-check`). Reply: `ReleaseCheck`.
    ReleaseCheck,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StatusEvent {
    Refreshed(Reply<HubStatus>),
    Readiness(Reply<Readiness>),
    ReleaseCheck(Reply<ReleaseCheck>),
}

domain_replies!(StatusCommand => StatusEvent {
    StatusCommand::Refresh => Refreshed,
    StatusCommand::Readiness => Readiness,
    StatusCommand::ReleaseCheck => ReleaseCheck,
} unasked {});
