//! The status domain's state: the hub's health, aged by the console's clock between refreshes.

use crate::engine::protocol::{HubStatus, Readiness, ReleaseCheck, StatusEvent};
use crate::ui::remote::Remote;

/// A ticket older than this is stale: WeChat pushes one every 10 minutes, so two were missed (wechat-api.md §1.1).
pub const TICKET_STALE_AFTER_SECS: i64 = 20 * 60;

#[derive(Debug, Default)]
pub struct StatusState {
    pub status: Remote<HubStatus>,
    /// When the status on screen arrived (the console's Unix seconds). Only a status that arrived moves it: after a
    /// failed refresh the old values keep ageing from when they were true.
    pub received_at: Option<i64>,
    /// The last 全网发布 readiness check (Provider panel).
    pub readiness: Remote<Readiness>,
    /// The last 全网发布 access check the hub answered (advisory).
    pub release_check: Remote<ReleaseCheck>,
    /// The last platform-domain change: the domains the platform called invalid.
    pub domains_set: Remote<String>,
}

impl StatusState {
    pub fn apply(&mut self, event: StatusEvent, now: i64) {
        match event {
            StatusEvent::Refreshed(reply) => {
                let ok = reply.result.is_ok();
                if self.status.finish(reply) && ok {
                    self.received_at = Some(now);
                }
            }
            StatusEvent::Readiness(reply) => {
                self.readiness.finish(reply);
            }
            StatusEvent::ReleaseCheck(reply) => {
                self.release_check.finish(reply);
            }
            StatusEvent::DomainsSet(reply) => {
                self.domains_set.finish(reply);
            }
        }
    }

    /// The ticket's age at `now`, counting the time since the status arrived.
    pub fn ticket_age_secs(&self, now: i64) -> Option<i64> {
        let ticket = self.status.value()?.ticket?;
        let since = self.received_at.map_or(0, |at| (now - at).max(0));
        Some(ticket.age_secs + since)
    }
}
