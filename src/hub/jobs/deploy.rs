//! A deployment as a job kind (DESIGN.md, "Deployments"): one template to many mini programs, each merchant an item
//! that goes through
//!
//! `preflight` → `domains` → `commit` → `scan` → `privacy` → `submit` → `audit` → `release` → `confirm`
//!
//! with wechat-api.md §5–§7 and §6.16 as the rules. The job's params are the plan (`hubapi::Plan`) plus the
//! template's type and the threshold's base; each item's `data` keeps what the steps learned (the filled ext_json is
//! made again from the plan, never stored).
//!
//! Crash safety. WeChat gives no idempotency key, so a write is never repeated blindly. Each item's `data.entry`
//! is its attempt count when it entered the step it is at; the runner counts one attempt per claim and keeps the
//! count across a crash (`reset_in_progress`). A write step claimed a second time may have reached the platform
//! before (a crash mid-call, a timeout, a `-1`, a 5xx), so it first reads the platform's state back
//! (`getversioninfo` for the commit and the release, `get_latest_auditstatus` matched on our `user_version` for the
//! audit) and skips what is already done. The domain and privacy settings are `set`s of the whole list, the same on a
//! repeat, and are not read back first.

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use serde_json::{Value, json};

use super::super::audits::{self, Seen};
use super::super::store::jobs::{self as rows, ItemRow, JobRow};
use super::super::store::queries;
use super::super::tokens::TokenError;
use super::super::upstream::UpstreamError;
use super::super::{Hub, now_secs};
use super::kind::{Halt, Kind, Outcome, Step, StepError, StepWrite, undecided};
use crate::hubapi::{
    AuditSource, AuditStatus, Authorizer, Gate, ItemState, JobCounts, Plan, ReleasePolicy, fill_placeholders,
    item_reason,
};
use crate::wechat::api::Empty;
use crate::wechat::api::code::{AuditIdRequest, GetAuditStatus};
use crate::wechat::api::code::{
    Commit, CommitRequest, GetCategory, GetCodePrivacyInfo, GetLatestAuditStatus, GetVersionInfo, SubmitAudit,
    SubmitAuditRequest, VersionInfoResponse, audit_status,
};
use crate::wechat::api::domain::{ModifyDomain, ModifyDomainRequest, SetWebviewDomain, SetWebviewDomainRequest};
use crate::wechat::api::privacy::{
    GetPrivacySetting, GetPrivacySettingRequest, OwnerSetting, PrivacySetting, SetPrivacySetting,
    SetPrivacySettingRequest, privacy_ver,
};
use crate::wechat::api::release::{GrayRelease, GrayReleaseRequest, Release};
use crate::wechat::{AuditId, Endpoint, TemplateId};

/// Merchants worked at once; each step is one or two calls, most of them short.
pub const CONCURRENCY: usize = 16;
/// Params keys besides the plan's own fields.
pub const TEMPLATE_TYPE: &str = "template_type";
const THRESHOLD_BASE: &str = "threshold_base";
/// Items' data keys.
const ENTRY: &str = "entry";
const GRAY_STEP: &str = "gray_step";
/// Permission set 18, code management (§3.2, §6): every call of a deployment needs it.
const CODE_MANAGEMENT: i64 = 18;
/// Polling an audit no push has told us about: first after 3 × `recheck_secs`, doubling up to this; the wait
/// after a call with no definite answer doubles from `recheck_secs` up to it too.
const AUDIT_POLL_MAX: i64 = 1800;
/// A step whose call met no definite answer (timeout, `-1`, 5xx, a dropped connection) is tried this many times.
const MAX_ATTEMPTS: i64 = 5;

/// The step names, as items and consoles show them.
pub mod step {
    pub const PREFLIGHT: &str = "preflight";
    pub const DOMAINS: &str = "domains";
    pub const COMMIT: &str = "commit";
    pub const SCAN: &str = "scan";
    pub const PRIVACY: &str = "privacy";
    pub const SUBMIT: &str = "submit_audit";
    pub const AUDIT: &str = "audit";
    pub const RELEASE: &str = "release";
    pub const CONFIRM: &str = "confirm";
}

/// One driver's deployment. The plan is read from the job's params once per driver, not at every step: it holds
/// every merchant's appid, and the params only gain the runner's own keys while the job runs.
#[derive(Default)]
pub struct Deployment {
    plan: OnceLock<Result<Plan, String>>,
}

impl Deployment {
    /// The job's plan, read back from its params (written by `deployments::create` from a checked plan).
    fn plan(&self, job: &JobRow) -> Result<&Plan, Halt> {
        self.plan
            .get_or_init(|| serde_json::from_value(job.params.clone()).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| Halt(format!("the job's plan cannot be read: {e}")))
    }
}

impl Kind for Deployment {
    fn concurrency(&self) -> usize {
        CONCURRENCY
    }

    /// The items are created with the job, every wave at once; there is nothing to prepare.
    async fn prepare(&self, _hub: &Arc<Hub>, _job: &JobRow) -> Result<bool, Halt> {
        Ok(true)
    }

    async fn step(&self, hub: &Arc<Hub>, job: &JobRow, item: &ItemRow) -> Step {
        let plan = match self.plan(job) {
            Ok(plan) => plan,
            Err(halt) => return Step::outcome(Outcome::Halt(halt)),
        };
        let work = Work { hub, job, item, plan };
        match item.step.as_str() {
            step::PREFLIGHT => work.preflight().await,
            step::DOMAINS => work.domains().await,
            step::COMMIT => work.commit().await,
            step::SCAN => work.scan().await,
            step::PRIVACY => work.privacy().await,
            step::SUBMIT => work.submit().await,
            step::AUDIT => work.audit().await,
            step::RELEASE => work.release().await,
            step::CONFIRM => work.confirm().await,
            other => work.fail(None, format!("unknown step {other:?} (written by a newer hub?)")),
        }
    }

    async fn finish(&self, _hub: &Arc<Hub>, _job: &JobRow) -> Result<(), Halt> {
        Ok(())
    }

    fn waits_for_approval(&self, job: &JobRow) -> bool {
        self.plan(job).is_ok_and(|plan| plan.gate == Gate::Manual)
    }
}

impl Step {
    fn outcome(outcome: Outcome) -> Self {
        Step { outcome, write: None }
    }
}

/// One step of one item, with what it needs at hand.
struct Work<'a> {
    hub: &'a Arc<Hub>,
    job: &'a JobRow,
    item: &'a ItemRow,
    plan: &'a Plan,
}

/// A platform call's failure as the step sees it.
enum CallError {
    /// Nothing any item can get past (no ticket, the store): the job halts.
    Halt(Halt),
    /// The platform answered, or may have: the error to record.
    Platform(UpstreamError),
    /// The merchant's authorization is gone or was never stored.
    NotAuthorized(String),
}

impl<'a> Work<'a> {
    fn appid(&self) -> &str {
        &self.item.appid
    }

    /// §6.14: the privacy scan after a commit takes about a minute; look again after this many seconds.
    fn recheck(&self) -> i64 {
        i64::try_from(self.hub.jobs.config.recheck_secs.max(1)).unwrap_or(20)
    }

    /// Whether this step was claimed before without its outcome being committed, or ended without a definite
    /// answer: a write may have reached the platform, so read back first.
    fn retried(&self) -> bool {
        self.tries() > 1
    }

    /// This claim's number at the item's current step (1 for the first).
    fn tries(&self) -> i64 {
        self.item.attempts - self.item.data[ENTRY].as_i64().unwrap_or(0)
    }

    /// Calls `E` with the merchant's own token.
    async fn call<E: Endpoint>(&self, request: &E::Request) -> Result<E::Response, CallError>
    where
        E::Request: Sync,
    {
        let upstream = &self.hub.upstream;
        let answer = self
            .hub
            .tokens
            .with_authorizer(self.appid(), |token| async move {
                upstream.call::<E>(&token, request).await
            })
            .await;
        answer.map_err(|error| match error {
            TokenError::Upstream(e) => CallError::Platform(e),
            TokenError::NotAuthorized(appid) => CallError::NotAuthorized(appid),
            other => CallError::Halt(Halt(format!("{}: {other}", E::INFO.path))),
        })
    }

    /// The item moves on to `next`, due at once.
    fn next(&self, next: &str) -> Step {
        self.later(ItemState::Pending, next, now_secs(), None)
    }

    /// The item waits at `next` until `at`; entering a new step resets the read-back count.
    fn later(&self, state: ItemState, next: &str, at: i64, error: Option<StepError>) -> Step {
        let write = (next != self.item.step).then(|| self.data_write(&[(ENTRY, self.item.attempts.into())]));
        Step {
            outcome: Outcome::Later {
                state,
                step: next.to_owned(),
                next_at: at,
                error,
            },
            write,
        }
    }

    /// Writes keys into the item's data, in the transaction that commits the step's outcome.
    fn data_write(&self, pairs: &[(&str, Value)]) -> StepWrite {
        super::kind::data_write(self.job.id, self.item, pairs)
    }

    fn finish(&self, state: ItemState, error: Option<StepError>) -> Step {
        Step::outcome(Outcome::Finished { state, error })
    }

    /// Skipped before anything was written, for a reason of [`item_reason`].
    fn skip(&self, reason: &'static str, why: impl Into<String>) -> Step {
        self.end_because(ItemState::Skipped, reason, why.into())
    }

    fn fail(&self, errcode: Option<i64>, message: impl Into<String>) -> Step {
        let message = message.into();
        tracing::info!(
            job = self.job.id,
            appid = self.appid(),
            step = self.item.step,
            errcode,
            message,
            "item failed"
        );
        self.finish(ItemState::Failed, Some(StepError { errcode, message }))
    }

    /// Failed for a reason the hub found itself (no errcode), one of [`item_reason`].
    fn fail_because(&self, reason: &'static str, message: impl Into<String>) -> Step {
        self.end_because(ItemState::Failed, reason, message.into())
    }

    fn end_because(&self, state: ItemState, reason: &'static str, message: String) -> Step {
        tracing::info!(
            job = self.job.id,
            appid = self.appid(),
            step = self.item.step,
            reason,
            message,
            "item ended"
        );
        Step {
            outcome: Outcome::Finished {
                state,
                error: Some(StepError { errcode: None, message }),
            },
            write: Some(self.data_write(&[("reason", reason.into())])),
        }
    }

    /// What a failed call does to the item: a definite refusal fails it with the errcode; no definite answer is
    /// tried again later (a write first reads back); the job halts on what no item can get past.
    fn failed_call(&self, error: CallError) -> Step {
        match error {
            CallError::Halt(halt) => Step::outcome(Outcome::Halt(halt)),
            CallError::NotAuthorized(appid) => self.fail_because(
                item_reason::NOT_AUTHORIZED,
                format!("{appid} is no longer authorized to this platform"),
            ),
            CallError::Platform(error) if undecided(&error) && self.tries() < MAX_ATTEMPTS => {
                let wait = (self.recheck() << self.tries().clamp(0, 10)).min(AUDIT_POLL_MAX);
                let step_error = StepError {
                    errcode: error.errcode(),
                    message: error.to_string(),
                };
                self.later(
                    ItemState::Pending,
                    &self.item.step.clone(),
                    now_secs() + wait,
                    Some(step_error),
                )
            }
            CallError::Platform(error) => self.fail(error.errcode(), error.to_string()),
        }
    }

    /// Pre-flight, before any write and any quota: set 18 granted, a name and an avatar, a category, and the
    /// version not already online (§6, §6.4, §6.14). A merchant that fails it is skipped with the reason.
    async fn preflight(&self) -> Step {
        let appid = self.appid().to_owned();
        let account = match self.hub.store.read(move |conn| queries::authorizer(conn, &appid)).await {
            Ok(Some(account)) => account,
            Ok(None) => return self.skip(item_reason::NOT_AUTHORIZED, "not an authorizer of this platform"),
            Err(error) => return Step::outcome(Outcome::Halt(Halt(format!("authorizer not read: {error}")))),
        };
        if account.revoked_at.is_some() {
            return self.skip(item_reason::NOT_AUTHORIZED, "the merchant revoked the authorization");
        }
        if !account.func_ids.contains(&CODE_MANAGEMENT) {
            return self.skip(
                item_reason::NO_CODE_MANAGEMENT,
                "permission set 18 (code management) is not granted",
            );
        }
        if account.nick_name.as_deref().is_none_or(str::is_empty) {
            return self.skip(item_reason::NO_NAME, "the mini program has no name yet");
        }
        if account.head_img.as_deref().is_none_or(str::is_empty) {
            return self.skip(item_reason::NO_AVATAR, "the mini program has no avatar yet");
        }
        let versions = match self.call::<GetVersionInfo>(&Empty {}).await {
            Ok(versions) => versions,
            Err(error) => return self.failed_call(error),
        };
        if online_version(&versions) == Some(self.plan.user_version.as_str()) {
            return self.skip(
                item_reason::ALREADY_ONLINE,
                format!("version {} is already online", self.plan.user_version),
            );
        }
        match self.call::<GetCategory>(&Empty {}).await {
            Ok(categories) if categories.category_list.is_empty() => {
                return self.skip(
                    item_reason::NO_CATEGORY,
                    "the mini program has no category to submit under (§6.4)",
                );
            }
            Ok(_) => {}
            Err(error) => return self.failed_call(error),
        }
        // §6.5: one audit at a time. A version under audit would make `submit_audit` fail with 85009 after our
        // commit had replaced the merchant's trial code: skip before any write. Even our own version's audit is not
        // adopted here: it was submitted by someone else (another deployment, a person), from code this plan did
        // not commit, so it is named, not taken over.
        match self.call::<GetLatestAuditStatus>(&Empty {}).await {
            Ok(latest) if matches!(latest.status, audit_status::AUDITING | audit_status::DELAYED) => self.skip(
                item_reason::AUDIT_RUNNING,
                format!(
                    "version {} is under audit (audit {}); withdraw it or wait for its result (85009)",
                    latest.user_version, latest.auditid.0
                ),
            ),
            Ok(_) => self.next(self.after_preflight()),
            // No audit was ever submitted.
            Err(CallError::Platform(error)) if error.errcode() == Some(85058) => self.next(self.after_preflight()),
            Err(error) => self.failed_call(error),
        }
    }

    fn after_preflight(&self) -> &'static str {
        match &self.plan.domains {
            Some(domains) if domains.has_server() || !domains.webviewdomain.is_empty() => step::DOMAINS,
            _ => step::COMMIT,
        }
    }

    /// §7.1, §7.2: `set` replaces each list named in the plan; the same call again changes nothing.
    async fn domains(&self) -> Step {
        let Some(domains) = &self.plan.domains else {
            return self.next(step::COMMIT);
        };
        if domains.has_server() {
            let list = |l: &Vec<String>| (!l.is_empty()).then(|| l.clone());
            let request = ModifyDomainRequest {
                action: "set".into(),
                requestdomain: list(&domains.requestdomain),
                wsrequestdomain: list(&domains.wsrequestdomain),
                uploaddomain: list(&domains.uploaddomain),
                downloaddomain: list(&domains.downloaddomain),
                ..ModifyDomainRequest::default()
            };
            if let Err(error) = self.call::<ModifyDomain>(&request).await {
                return self.failed_call(error);
            }
        }
        if !domains.webviewdomain.is_empty() {
            let request = SetWebviewDomainRequest {
                action: Some("set".into()),
                webviewdomain: Some(domains.webviewdomain.clone()),
            };
            if let Err(error) = self.call::<SetWebviewDomain>(&request).await {
                return self.failed_call(error);
            }
        }
        self.next(step::COMMIT)
    }

    /// §6.1. A repeat first asks `getversioninfo` whether our version is the trial version already.
    async fn commit(&self) -> Step {
        if self.retried() {
            match self.call::<GetVersionInfo>(&Empty {}).await {
                Ok(versions) if self.is_our_trial(&versions) => return self.next(step::SCAN),
                Ok(_) => {}
                Err(error) => return self.failed_call(error),
            }
        }
        let account = match self.account().await {
            Ok(account) => account,
            Err(step) => return step,
        };
        let ext_json = fill_placeholders(&self.plan.ext_json, &account);
        let request = CommitRequest {
            template_id: TemplateId(self.plan.template_id.max(0) as u64),
            ext_json: ext_json.to_string(),
            user_version: self.plan.user_version.clone(),
            user_desc: self.plan.user_desc.clone(),
        };
        match self.call::<Commit>(&request).await {
            Ok(_) => self.later(ItemState::Pending, step::SCAN, now_secs() + self.recheck(), None),
            Err(error) => self.failed_call(error),
        }
    }

    fn is_our_trial(&self, versions: &VersionInfoResponse) -> bool {
        versions
            .exp_info
            .as_ref()
            .is_some_and(|exp| exp.exp_version == self.plan.user_version && exp.exp_time >= self.job.created_at)
    }

    async fn account(&self) -> Result<Authorizer, Step> {
        let appid = self.appid().to_owned();
        match self.hub.store.read(move |conn| queries::authorizer(conn, &appid)).await {
            Ok(Some(account)) => Ok(account),
            Ok(None) => Err(self.fail_because(item_reason::NOT_AUTHORIZED, "no longer an authorizer of this platform")),
            Err(error) => Err(Step::outcome(Outcome::Halt(Halt(format!(
                "authorizer not read: {error}"
            ))))),
        }
    }

    /// §6.14: `61039` while the privacy scan after the commit runs; look again shortly.
    async fn scan(&self) -> Step {
        match self.call::<GetCodePrivacyInfo>(&Empty {}).await {
            Ok(_) => self.next(step::PRIVACY),
            Err(CallError::Platform(error)) if error.errcode() == Some(61039) => {
                self.later(ItemState::Pending, step::SCAN, now_secs() + self.recheck(), None)
            }
            Err(error) => self.failed_call(error),
        }
    }

    /// §6.16: every privacy key the code uses needs a text in the development guide before the audit; the plan's
    /// texts are set (with the owner settings), the ones the mini program already has are kept. A key left without
    /// text fails the merchant here, before any quota is spent.
    async fn privacy(&self) -> Step {
        let current = match self
            .call::<GetPrivacySetting>(&GetPrivacySettingRequest {
                privacy_ver: Some(privacy_ver::DEV),
            })
            .await
        {
            Ok(current) => current,
            Err(error) => return self.failed_call(error),
        };
        let planned = self.plan.privacy.as_ref();
        let text_for = |key: &str| {
            planned
                .and_then(|p| p.setting_list.iter().find(|s| s.privacy_key == key))
                .map(|s| s.privacy_text.clone())
                .or_else(|| {
                    current
                        .setting_list
                        .iter()
                        .find(|s| s.privacy_key == key && !s.privacy_text.is_empty())
                        .map(|s| s.privacy_text.clone())
                })
        };
        let used: BTreeSet<&str> = current.privacy_list.iter().map(String::as_str).collect();
        let missing: Vec<&str> = used.iter().copied().filter(|key| text_for(key).is_none()).collect();
        if !missing.is_empty() {
            return self.fail_because(
                item_reason::PRIVACY_TEXT_MISSING,
                format!(
                    "the code uses privacy keys with no text in the privacy guide: {}; add them to the plan's privacy settings",
                    missing.join(", ")
                ),
            );
        }
        let Some(planned) = planned else {
            return self.next(step::SUBMIT);
        };
        let setting_list = used
            .iter()
            .map(|key| PrivacySetting {
                privacy_key: (*key).to_owned(),
                privacy_text: text_for(key).unwrap_or_default(),
                privacy_label: None,
            })
            .collect();
        let owner = &planned.owner_setting;
        let request = SetPrivacySettingRequest {
            privacy_ver: Some(privacy_ver::DEV),
            owner_setting: OwnerSetting {
                contact_email: owner.contact_email.clone(),
                contact_phone: owner.contact_phone.clone(),
                contact_qq: owner.contact_qq.clone(),
                contact_weixin: owner.contact_weixin.clone(),
                notice_method: owner.notice_method.clone(),
                store_expire_timestamp: owner.store_expire_timestamp.clone(),
                ext_file_media_id: None,
            },
            setting_list,
            ..SetPrivacySettingRequest::default()
        };
        match self.call::<SetPrivacySetting>(&request).await {
            Ok(_) => self.next(step::SUBMIT),
            Err(error) => self.failed_call(error),
        }
    }

    /// §6.5: spends one unit of the platform-wide audit quota. First the failure threshold; a repeat first asks
    /// `get_latest_auditstatus` whether our version was submitted since the job began. `85085` halts the job: the
    /// quota is the platform's, not the merchant's.
    async fn submit(&self) -> Step {
        if let Some(halt) = self.over_threshold().await {
            return Step::outcome(Outcome::Halt(halt));
        }
        if self.retried() {
            match self.call::<GetLatestAuditStatus>(&Empty {}).await {
                Ok(latest)
                    if latest.user_version == self.plan.user_version
                        && latest.submit_audit_time >= self.job.created_at =>
                {
                    self.note_audit(latest.auditid.0 as i64, AuditStatus::Auditing, None, Vec::new())
                        .await;
                    return self.submitted(latest.auditid);
                }
                Ok(_) => {}
                Err(CallError::Platform(error)) if error.errcode() == Some(85058) => {}
                Err(error) => return self.failed_call(error),
            }
        }
        match self.call::<SubmitAudit>(&SubmitAuditRequest::default()).await {
            Ok(answer) => {
                self.note_audit(answer.auditid.0 as i64, AuditStatus::Auditing, None, Vec::new())
                    .await;
                self.submitted(answer.auditid)
            }
            Err(CallError::Platform(error)) if error.errcode() == Some(85085) => Step::outcome(Outcome::Halt(Halt(
                "the platform's audit quota is used up (85085); resume when WeChat allots more".into(),
            ))),
            Err(CallError::Platform(error)) if error.errcode() == Some(61039) => {
                self.later(ItemState::Pending, step::SUBMIT, now_secs() + self.recheck(), None)
            }
            Err(error) => self.failed_call(error),
        }
    }

    /// The audits table learns what this step saw of the merchant's audit (DESIGN.md, "Audits").
    async fn note_audit(&self, auditid: i64, status: AuditStatus, reason: Option<String>, screenshots: Vec<String>) {
        let seen = Seen::Audit {
            auditid,
            status,
            user_version: Some(self.plan.user_version.clone()),
            user_desc: Some(self.plan.user_desc.clone()),
            submitted_at: (status == AuditStatus::Auditing).then(now_secs),
            reason: reason.filter(|r| !r.is_empty()),
            screenshots,
        };
        audits::record(self.hub, self.appid(), AuditSource::Deployment, seen).await;
    }

    /// The approved version of this item's audit is online.
    async fn note_released(&self) {
        let seen = Seen::Released {
            auditid: self.item.auditid,
        };
        audits::record(self.hub, self.appid(), AuditSource::Deployment, seen).await;
    }

    /// The audit is running: its id goes on the item, which waits for the push (or the first poll).
    fn submitted(&self, auditid: AuditId) -> Step {
        let (id, appid, auditid) = (self.job.id, self.item.appid.clone(), auditid.0 as i64);
        let data = self.data_write(&[(ENTRY, self.item.attempts.into())]);
        Step {
            outcome: Outcome::Later {
                state: ItemState::WaitingAudit,
                step: step::AUDIT.to_owned(),
                next_at: now_secs() + 3 * self.recheck(),
                error: None,
            },
            write: Some(Box::new(move |conn| {
                data(conn)?;
                rows::set_item_auditid(conn, id, &appid, auditid)
            })),
        }
    }

    /// Whether the share of failed and rejected merchants among those with a result is over the plan's threshold,
    /// once the minimum sample has a result (counted from the last resume).
    async fn over_threshold(&self) -> Option<Halt> {
        let id = self.job.id;
        let counts = self
            .hub
            .store
            .read(move |conn| rows::item_counts(conn, id))
            .await
            .ok()?;
        let (results, failures) = results_and_failures(&counts);
        let base = &self.job.params[THRESHOLD_BASE];
        let results = results - base["results"].as_i64().unwrap_or(0);
        let failures = failures - base["failures"].as_i64().unwrap_or(0);
        threshold_crossed(results, failures, self.plan.min_sample, self.plan.max_failure_percent)
    }

    /// §6.6: the audit's state, when a push said it ended or the poll is due. Still running: poll again later.
    async fn audit(&self) -> Step {
        let Some(auditid) = self.item.auditid else {
            return self.fail(None, "waiting for an audit without its id");
        };
        let request = AuditIdRequest {
            auditid: AuditId(auditid.max(0) as u64),
        };
        let answer = match self.call::<GetAuditStatus>(&request).await {
            Ok(answer) => answer,
            Err(error) => return self.failed_call(error),
        };
        if let Some(status) = AuditStatus::from_wechat(answer.status) {
            let screenshots = crate::wechat::event::split_media_ids(answer.screenshot.as_deref().unwrap_or_default());
            self.note_audit(auditid, status, answer.reason.clone(), screenshots)
                .await;
        }
        match answer.status {
            audit_status::APPROVED => match self.plan.release {
                ReleasePolicy::Hold => self.finish(ItemState::Approved, None),
                _ => self.next(step::RELEASE),
            },
            audit_status::REJECTED => {
                let reason = answer.reason.unwrap_or_default();
                Step::outcome(Outcome::Finished {
                    state: ItemState::Rejected,
                    error: Some(StepError {
                        errcode: None,
                        message: reason,
                    }),
                })
            }
            audit_status::WITHDRAWN => self.fail_because(item_reason::AUDIT_WITHDRAWN, "the audit was withdrawn"),
            _ => {
                let polls = self.tries();
                let wait = ((3 * self.recheck()) << polls.clamp(0, 10)).min(AUDIT_POLL_MAX);
                self.later(ItemState::WaitingAudit, step::AUDIT, now_secs() + wait, None)
            }
        }
    }

    /// §6.9, §6.11: release, or the next step of a gray release. A repeat first asks `getversioninfo` whether our
    /// version is online already.
    async fn release(&self) -> Step {
        if self.retried() {
            match self.call::<GetVersionInfo>(&Empty {}).await {
                Ok(versions) if online_version(&versions) == Some(self.plan.user_version.as_str()) => {
                    self.note_released().await;
                    return self.finish(ItemState::Released, None);
                }
                Ok(_) => {}
                Err(error) => return self.failed_call(error),
            }
        }
        if let ReleasePolicy::Gray { steps, interval_secs } = &self.plan.release {
            return self.gray(steps, *interval_secs).await;
        }
        match self.call::<Release>(&Empty {}).await {
            Ok(_) => {
                self.note_released().await;
                self.next(step::CONFIRM)
            }
            // §6.9: already released (by hand, or our own release whose answer was lost).
            Err(CallError::Platform(error)) if error.errcode() == Some(85052) => {
                self.note_released().await;
                self.next(step::CONFIRM)
            }
            Err(error) => self.failed_call(error),
        }
    }

    /// One gray step (§6.11): the percentage only goes up. Before there is any online version a gray release is
    /// refused (`85079`): the first version is released in full.
    async fn gray(&self, steps: &[u32], interval_secs: u64) -> Step {
        let index = self.item.data[GRAY_STEP].as_u64().unwrap_or(0) as usize;
        let Some(&percentage) = steps.get(index) else {
            return self.finish(ItemState::Released, None);
        };
        let request = GrayReleaseRequest {
            gray_percentage: percentage.clamp(1, 100) as u8,
            ..GrayReleaseRequest::default()
        };
        match self.call::<GrayRelease>(&request).await {
            Ok(_) if index + 1 >= steps.len() => {
                self.note_released().await;
                self.finish(ItemState::Released, None)
            }
            Ok(_) => self.next_gray_step(index, now_secs() + interval_secs as i64),
            // The new percentage must exceed the current one: a repeat of a step that went through.
            Err(CallError::Platform(error)) if error.errcode() == Some(85082) => self.next_gray_step(index, now_secs()),
            Err(CallError::Platform(error)) if error.errcode() == Some(85079) => {
                match self.call::<Release>(&Empty {}).await {
                    Ok(_) => {
                        self.note_released().await;
                        self.next(step::CONFIRM)
                    }
                    Err(error) => self.failed_call(error),
                }
            }
            Err(error) => self.failed_call(error),
        }
    }

    /// Gray step `index` went through: the next one is due at `at`, a new step for the read-back count.
    fn next_gray_step(&self, index: usize, at: i64) -> Step {
        let data = self.data_write(&[(GRAY_STEP, (index + 1).into()), (ENTRY, self.item.attempts.into())]);
        Step {
            outcome: Outcome::Later {
                state: ItemState::Pending,
                step: step::RELEASE.to_owned(),
                next_at: at,
                error: None,
            },
            write: Some(data),
        }
    }

    /// `getversioninfo` shows our version online: the merchant is done.
    async fn confirm(&self) -> Step {
        match self.call::<GetVersionInfo>(&Empty {}).await {
            Ok(versions) if online_version(&versions) == Some(self.plan.user_version.as_str()) => {
                self.finish(ItemState::Released, None)
            }
            Ok(versions) => self.fail_because(
                item_reason::VERSION_MISMATCH,
                format!(
                    "released, but getversioninfo shows {:?} online",
                    online_version(&versions).unwrap_or("no version")
                ),
            ),
            Err(error) => self.failed_call(error),
        }
    }
}

fn online_version(versions: &VersionInfoResponse) -> Option<&str> {
    versions
        .release_info
        .as_ref()
        .map(|r| r.release_version.as_str())
        .filter(|v| !v.is_empty())
}

/// Merchants with an audit result or a failure, and how many of them failed or were rejected. Skipped merchants
/// are neither: they never reached the platform's audit.
pub fn results_and_failures(counts: &JobCounts) -> (i64, i64) {
    let failures = counts.failed + counts.rejected;
    (failures + counts.released + counts.approved, failures)
}

/// Over the threshold: at least `min_sample` results and strictly more than `max_percent` of them failures.
pub fn threshold_crossed(results: i64, failures: i64, min_sample: u32, max_percent: u32) -> Option<Halt> {
    if results < i64::from(min_sample.max(1)) || failures * 100 <= i64::from(max_percent) * results {
        return None;
    }
    Some(Halt(format!(
        "{failures} of {results} merchants with a result failed or were rejected ({}%), over the threshold of \
         {max_percent}%; look at the reasons, then resume or cancel",
        failures * 100 / results
    )))
}

/// The params' threshold base at a resume: failures counted before it do not halt the job again.
pub fn threshold_base(params: &Value, counts: &JobCounts) -> Value {
    let (results, failures) = results_and_failures(counts);
    super::runner::with_key(
        params,
        THRESHOLD_BASE,
        json!({ "results": results, "failures": failures }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_waits_for_the_sample_and_then_compares_strictly() {
        assert!(threshold_crossed(2, 2, 3, 30).is_none(), "below the minimum sample");
        assert!(threshold_crossed(3, 1, 3, 30).is_some(), "1 of 3 is 33% > 30%");
        assert!(threshold_crossed(10, 3, 3, 30).is_none(), "30% is not over 30%");
        let halt = threshold_crossed(10, 4, 3, 30).unwrap();
        assert!(halt.0.contains("4 of 10") && halt.0.contains("40%"), "{}", halt.0);
        assert!(threshold_crossed(5, 5, 3, 100).is_none(), "100% never halts");
    }
}
