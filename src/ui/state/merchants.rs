//! The merchants domain's state: the authorizer list (cached, then fresh), the hub's sync job, and the code versions
//! of the mini programs whose detail was opened.

use std::collections::HashMap;

use crate::engine::protocol::{
    AuthorizerRow, AuthorizersSource, Job, JobId, JobKind, MerchantsCommand, MerchantsEvent, RequestId,
};
use crate::ui::remote::Remote;
use crate::wechat::api::code::VersionInfoResponse;

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
    /// Each mini program's trial and online versions (`getversioninfo`), by appid, read when its detail is shown.
    pub versions: HashMap<String, Remote<VersionInfoResponse>>,
    /// The appid each versions request in flight is for: a failed reply names only its request.
    asked_versions: HashMap<RequestId, String>,
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
            MerchantsEvent::Versions(reply) => {
                let asked = self.asked_versions.remove(&reply.request);
                if let Some(versions) = asked.and_then(|appid| self.versions.get_mut(&appid)) {
                    versions.finish(reply);
                }
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
            MerchantsCommand::Versions(appid) => {
                self.asked_versions.insert(id, appid.clone());
                self.versions.entry(appid.clone()).or_default().start_loading(id);
            }
        }
    }

    /// Whether the detail pane should ask for this mini program's versions: never asked, or forgotten since.
    pub fn wants_versions(&self, appid: &str) -> bool {
        !self.versions.contains_key(appid)
    }

    /// The versions may have changed (a release, a commit by a deployment, another hub): the pane asks again
    /// when it next shows them.
    pub fn forget_versions(&mut self, appid: Option<&str>) {
        match appid {
            Some(appid) => {
                self.versions.remove(appid);
            }
            None => self.versions.clear(),
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
