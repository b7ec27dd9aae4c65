//! The status domain: the hub's health (ticket, component token, last error).

use super::{HubStatus, Reply, domain_replies};

#[derive(Debug, Clone, PartialEq)]
pub enum StatusCommand {
    /// Asks the active hub for its health. Reply: `Refreshed`.
    Refresh,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StatusEvent {
    Refreshed(Reply<HubStatus>),
}

domain_replies!(StatusCommand => StatusEvent {
    StatusCommand::Refresh => Refreshed,
} unasked {});
