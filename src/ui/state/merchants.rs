//! The merchants domain's state: the authorizer list (cached, then fresh) and the hub's sync job.

use crate::engine::protocol::{
    AuthorizerRow, AuthorizersSource, Job, JobId, JobKind, MerchantsCommand, MerchantsEvent, RequestId,
};
use crate::ui::remote::Remote;

#[derive(Debug, Default)]
pub struct MerchantsState {
    pub list: Remote<Vec<AuthorizerRow>>,
    /// Where the list on screen came from.
    pub source: Option<AuthorizersSource>,
    /// Bumps whenever the list changes; the merchant table re-filters on it.
    pub version: u64,
    /// The request that started (or found) a sync job.
    pub sync_started: Remote<JobId>,
    /// The newest authorizer sync job the hub reported, with its counts.
    pub sync_job: Option<Job>,
}

impl MerchantsState {
    pub fn apply(&mut self, event: MerchantsEvent) {
        let changed = match event {
            // The cached copy shows at once and stays on screen while the hub's answer is on its way.
            MerchantsEvent::Cached(rows) => {
                self.list.show(rows);
                self.source = Some(AuthorizersSource::Cache);
                true
            }
            MerchantsEvent::Loaded(reply) => {
                let ok = reply.result.is_ok();
                let applied = self.list.finish(reply);
                if applied && ok {
                    self.source = Some(AuthorizersSource::Hub);
                }
                applied
            }
            MerchantsEvent::SyncStarted(reply) => {
                self.sync_started.finish(reply);
                false
            }
        };
        if changed {
            self.version += 1;
        }
    }

    pub fn sent(&mut self, id: RequestId, command: &MerchantsCommand) {
        match command {
            MerchantsCommand::Load => self.list.start_loading(id),
            MerchantsCommand::Sync => self.sync_started.start_loading(id),
        }
    }

    /// Follows the hub's sync jobs; `true` when one just finished, so the list is worth loading again.
    pub fn job_progress(&mut self, job: &Job) -> bool {
        if job.kind != JobKind::AuthorizerSync {
            return false;
        }
        let newer = self.sync_job.as_ref().is_none_or(|known| job.id >= known.id);
        if !newer {
            return false;
        }
        let finished = job.state.is_final() && self.sync_job.as_ref().is_none_or(|known| !known.state.is_final());
        self.sync_job = Some(job.clone());
        finished
    }

    /// The sync job while it runs (not completed or cancelled).
    pub fn running_sync(&self) -> Option<&Job> {
        self.sync_job.as_ref().filter(|job| !job.state.is_final())
    }
}
