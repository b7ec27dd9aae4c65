//! The audits domain's state: every mini program's latest audit as last read (kept current by `audit_updated`
//! events, on every console), and the screenshots fetched so far, by media id.

use std::collections::HashMap;

use crate::engine::protocol::{
    Audit, AuditAction, AuditPage, AuditQuery, AuditQuota, AuditsCommand, AuditsEvent, BatchKind, CodeState, Command,
    JobId, MAX_AUDIT_PAGE, RequestId, Screenshot,
};
use crate::ui::remote::Remote;

/// The read the Audits panel makes: every row (the engine reads page after page, each the largest the hub serves),
/// so the status chips can count each status and the filters and search run without asking the hub again.
pub fn load() -> Command {
    Command::Audits(AuditsCommand::Load(AuditQuery {
        limit: Some(MAX_AUDIT_PAGE),
        ..AuditQuery::default()
    }))
}

#[derive(Debug, Default)]
pub struct AuditsState {
    /// The page last read, with the rows events changed since.
    pub page: Remote<AuditPage>,
    /// Changes whenever a row does, so the table knows to filter and sort again.
    pub version: u64,
    /// Each screenshot asked for, by media id.
    pub screenshots: HashMap<String, Remote<Screenshot>>,
    /// The screenshot each request in flight is for: a failed reply names only its request.
    asked: HashMap<RequestId, String>,
    /// The platform-wide audit quota as the hub last read it for this console.
    pub quota: Remote<AuditQuota>,
    /// Each mini program's releases as last read (history, gray plan, visit status), by appid.
    pub code: HashMap<String, Remote<CodeState>>,
    asked_code: HashMap<RequestId, String>,
    /// The last single action sent, on whom, and how it went.
    pub action: Option<(String, AuditAction)>,
    pub acting: Remote<()>,
    /// Counts the actions that went through, so the panel knows to read the quota and the releases again.
    pub acted: u64,
    /// The last bulk action started and its job.
    pub batch: Option<BatchKind>,
    pub batch_job: Remote<JobId>,
}

impl AuditsState {
    pub fn apply(&mut self, event: AuditsEvent) {
        match event {
            AuditsEvent::Loaded(reply) => {
                if self.page.finish(reply) {
                    self.version += 1;
                }
            }
            AuditsEvent::Screenshot(reply) => {
                let Some(media_id) = self.asked.remove(&reply.request) else {
                    return;
                };
                if let Some(shot) = self.screenshots.get_mut(&media_id) {
                    shot.finish(reply);
                }
            }
            AuditsEvent::Quota(reply) => {
                self.quota.finish(reply);
            }
            AuditsEvent::Code(reply) => {
                let Some(appid) = self.asked_code.remove(&reply.request) else {
                    return;
                };
                if let Some(code) = self.code.get_mut(&appid) {
                    code.finish(reply);
                }
            }
            AuditsEvent::Acted(reply) => {
                if self.acting.finish(reply) && matches!(self.acting, Remote::Ready(())) {
                    self.acted += 1;
                }
            }
            AuditsEvent::BatchStarted(reply) => {
                self.batch_job.finish(reply);
            }
        }
    }

    pub fn sent(&mut self, id: RequestId, command: &AuditsCommand) {
        match command {
            AuditsCommand::Load(_) => self.page.start_loading(id),
            AuditsCommand::Screenshot { media_id, .. } => {
                self.asked.insert(id, media_id.clone());
                self.screenshots.entry(media_id.clone()).or_default().start_loading(id);
            }
            AuditsCommand::Quota => self.quota.start_loading(id),
            AuditsCommand::Code(appid) => {
                self.asked_code.insert(id, appid.clone());
                self.code.entry(appid.clone()).or_default().start_loading(id);
            }
            AuditsCommand::Act { appid, action } => {
                self.action = Some((appid.clone(), action.clone()));
                self.acting = Remote::NotLoaded;
                self.acting.start_loading(id);
            }
            AuditsCommand::Batch { kind, .. } => {
                self.batch = Some(*kind);
                self.batch_job = Remote::NotLoaded;
                self.batch_job.start_loading(id);
            }
        }
    }

    /// The rows as last read; empty before the first read.
    pub fn audits(&self) -> &[Audit] {
        self.page.value().map(|page| page.audits.as_slice()).unwrap_or_default()
    }

    pub fn audit(&self, appid: &str) -> Option<&Audit> {
        self.audits().iter().find(|audit| audit.appid == appid)
    }

    /// Whether a screenshot should be asked for: never asked, or the hub had not fetched it when last asked and
    /// now says it has.
    pub fn wants_screenshot(&self, audit: &Audit, media_id: &str) -> bool {
        match self.screenshots.get(media_id) {
            None => true,
            Some(Remote::Ready(Screenshot::NotFetched)) => audit
                .screenshot_files
                .iter()
                .any(|file| file.media_id == media_id && file.available),
            Some(_) => false,
        }
    }

    /// `audit_updated`: the row changed on the hub (a push, a poll, a deployment, another console's action).
    /// It replaces the row in place, or comes first as the most recently changed; screenshots the hub has since
    /// fetched are asked for again by `wants_screenshot`.
    pub fn audit_updated(&mut self, audit: &Audit) {
        let page = match &mut self.page {
            Remote::Ready(page) => page,
            Remote::Loading { previous, .. } | Remote::Failed { previous, .. } => match previous {
                Some(page) => page,
                // Nothing shown yet: the read on its way (or the next) brings the row.
                None => return,
            },
            Remote::NotLoaded => return,
        };
        match page.audits.iter_mut().find(|known| known.appid == audit.appid) {
            Some(known) => *known = audit.clone(),
            None => {
                page.audits.insert(0, audit.clone());
                page.total += 1;
            }
        }
        self.version += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::protocol::{AuditSource, ScreenshotFile};
    use crate::engine::protocol::{AuditStatus, EngineError, ErrorKind, Reply};

    fn audit(appid: &str, status: AuditStatus) -> Audit {
        Audit {
            appid: appid.into(),
            nick_name: Some(format!("shop {appid}")),
            auditid: Some(1),
            user_version: Some("1.0.0".into()),
            user_desc: None,
            status,
            submitted_at: Some(1_700_000_000),
            resolved_at: None,
            reasons: Vec::new(),
            screenshots: Vec::new(),
            screenshot_files: Vec::new(),
            source: AuditSource::Poll,
            updated_at: 1_700_000_000,
            gray_percentage: None,
            withdrawals: Default::default(),
        }
    }

    fn loaded(state: &mut AuditsState, audits: Vec<Audit>) {
        state.sent(RequestId(1), &AuditsCommand::Load(Default::default()));
        let page = AuditPage {
            total: audits.len() as i64,
            offset: 0,
            audits,
        };
        state.apply(AuditsEvent::Loaded(Reply::new(RequestId(1), Ok(page))));
    }

    #[test]
    fn an_audit_updated_event_replaces_its_row_or_comes_first() {
        let mut state = AuditsState::default();
        state.audit_updated(&audit("wxa", AuditStatus::Approved));
        assert!(state.audits().is_empty(), "nothing read yet: the read brings the row");

        loaded(
            &mut state,
            vec![audit("wxa", AuditStatus::Auditing), audit("wxb", AuditStatus::Released)],
        );
        let version = state.version;
        state.audit_updated(&audit("wxa", AuditStatus::Rejected));
        assert_eq!(state.audit("wxa").map(|a| a.status), Some(AuditStatus::Rejected));
        assert_eq!(state.audits().len(), 2);
        assert!(state.version > version);

        state.audit_updated(&audit("wxc", AuditStatus::Auditing));
        assert_eq!(state.audits()[0].appid, "wxc");
        assert_eq!(state.page.value().map(|p| p.total), Some(3));
    }

    #[test]
    fn a_screenshot_not_fetched_yet_is_asked_again_once_the_hub_has_it() {
        let mut state = AuditsState::default();
        let mut rejected = audit("wxa", AuditStatus::Rejected);
        rejected.screenshots = vec!["m1".into(), "m2".into()];
        assert!(state.wants_screenshot(&rejected, "m1"));

        let ask = |media_id: &str| AuditsCommand::Screenshot {
            appid: "wxa".into(),
            media_id: media_id.into(),
        };
        state.sent(RequestId(5), &ask("m1"));
        state.sent(RequestId(6), &ask("m2"));
        assert!(!state.wants_screenshot(&rejected, "m1"), "on its way");
        state.apply(AuditsEvent::Screenshot(Reply::new(
            RequestId(5),
            Ok(Screenshot::NotFetched),
        )));
        let failed = EngineError::new(ErrorKind::Network, "down");
        state.apply(AuditsEvent::Screenshot(Reply::new(RequestId(6), Err(failed.clone()))));
        assert_eq!(state.screenshots["m1"], Remote::Ready(Screenshot::NotFetched));
        assert_eq!(
            state.screenshots["m2"].error(),
            Some(&failed),
            "a failure lands on its own screenshot"
        );
        assert!(
            !state.wants_screenshot(&rejected, "m1"),
            "the hub still has not fetched it"
        );

        rejected.screenshot_files = vec![ScreenshotFile {
            media_id: "m1".into(),
            available: true,
            attempts: 1,
            last_error: None,
            next_at: None,
        }];
        assert!(state.wants_screenshot(&rejected, "m1"), "fetched by the hub since");
    }
}
