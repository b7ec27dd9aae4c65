//! The status domain: the hub's health (ticket, component token, last error) and the 全网发布 readiness check.

use super::{HubStatus, Readiness, Reply, domain_replies};

#[derive(Debug, Clone, PartialEq)]
pub enum StatusCommand {
    /// Asks the active hub for its health. Reply: `Refreshed`.
    Refresh,
    /// Runs the 全网发布 readiness check on the hub (`GET /api/v1/readiness`; reads only). Reply: `Readiness`.
    Readiness,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StatusEvent {
    Refreshed(Reply<HubStatus>),
    Readiness(Reply<Readiness>),
}

domain_replies!(StatusCommand => StatusEvent {
    StatusCommand::Refresh => Refreshed,
    StatusCommand::Readiness => Readiness,
} unasked {});
