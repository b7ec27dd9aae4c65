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
    /// Replaces the platform-level server (§7.3) or business (§7.4, `business`) domains with `domains`
    /// (`;`-separated), relayed with action `set`; `published_too` also changes the published configuration. A
    /// write (at most 50 a month). Reply: `DomainsSet`, with the domains the platform called invalid.
    SetPlatformDomains {
        business: bool,
        domains: String,
        published_too: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum StatusEvent {
    Refreshed(Reply<HubStatus>),
    Readiness(Reply<Readiness>),
    ReleaseCheck(Reply<ReleaseCheck>),
    DomainsSet(Reply<String>),
}

domain_replies!(StatusCommand => StatusEvent {
    StatusCommand::Refresh => Refreshed,
    StatusCommand::Readiness => Readiness,
    StatusCommand::ReleaseCheck => ReleaseCheck,
    StatusCommand::SetPlatformDomains { .. } => DomainsSet,
} unasked {});
