//! Bulk actions of the Audits panel as job kinds (issue: "select approved rows and release them all, as a job with
//! progress; select rows and speed them up within the quota"): one item per mini program, one step each.
//!
//! Crash safety, as in deployments: an item claimed a second time may have reached the platform before, so it reads
//! back first. A release looks at `getversioninfo` (§6.14) for the audited version online; a speed-up reads
//! `get_latest_auditstatus` (§6.7) every time, since it needs the running audit's id, and a repeat that went through
//! answers `89404` (already sped up), which counts as done.

use std::sync::Arc;

use super::super::audits::{self, Seen};
use super::super::store::audits as audit_rows;
use super::super::store::jobs::{ItemRow, JobRow};
use super::super::tokens::TokenError;
use super::super::{Hub, now_secs};
use super::kind::{Halt, Kind, Outcome, Step, StepError, data_write, undecided};
use crate::hubapi::{AuditSource, AuditStatus, ItemState, item_reason};
use crate::wechat::Endpoint;
use crate::wechat::api::Empty;
use crate::wechat::api::code::{AuditIdRequest, GetLatestAuditStatus, GetVersionInfo, audit_status};
use crate::wechat::api::release::{Release, SpeedupAudit};

/// Mini programs worked at once: each step is one or two short calls, paced by the hub's calls-per-minute limit.
pub const CONCURRENCY: usize = 8;
/// The one step of an item.
pub const STEP: &str = "act";
/// A call without a definite answer is tried this many times in all.
const MAX_ATTEMPTS: i64 = 5;

/// What a batch does to each of its mini programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchAction {
    /// §6.9: publish the approved version.
    Release,
    /// §6.13: ask for the running audit to be sped up; one unit of the month's speed-up quota each.
    Speedup,
}

pub struct AuditBatch(pub BatchAction);

impl Kind for AuditBatch {
    fn concurrency(&self) -> usize {
        CONCURRENCY
    }

    /// The items were created with the job.
    async fn prepare(&self, _hub: &Arc<Hub>, _job: &JobRow) -> Result<bool, Halt> {
        Ok(true)
    }

    async fn step(&self, hub: &Arc<Hub>, job: &JobRow, item: &ItemRow) -> Step {
        let item = Item { hub, job, item };
        match self.0 {
            BatchAction::Release => item.release().await,
            BatchAction::Speedup => item.speedup().await,
        }
    }

    /// A speed-up batch spent quota: the quota `GET /api/v1/status` shows is read again.
    async fn finish(&self, hub: &Arc<Hub>, job: &JobRow) -> Result<(), Halt> {
        if self.0 == BatchAction::Speedup
            && let Err(error) = super::super::audits_api::read_quota(hub).await
        {
            tracing::warn!(
                job = job.id,
                error = error.message,
                "audit quota not read after the speed-ups"
            );
        }
        Ok(())
    }
}

struct Item<'a> {
    hub: &'a Arc<Hub>,
    job: &'a JobRow,
    item: &'a ItemRow,
}

impl Item<'_> {
    fn appid(&self) -> &str {
        &self.item.appid
    }

    async fn call<E: Endpoint>(&self, request: &E::Request) -> Result<E::Response, TokenError>
    where
        E::Request: Sync,
    {
        let upstream = &self.hub.upstream;
        self.hub
            .tokens
            .with_authorizer(self.appid(), |token| async move {
                upstream.call::<E>(&token, request).await
            })
            .await
    }

    /// §6.9. A repeat first asks whether the version the audits table has as approved is online already.
    async fn release(&self) -> Step {
        if self.item.attempts > 1 {
            let approved = self.approved_version().await;
            match self.call::<GetVersionInfo>(&Empty {}).await {
                Ok(versions) => {
                    let online = versions.release_info.as_ref().map(|r| r.release_version.as_str());
                    if approved.is_some() && online == approved.as_deref() {
                        return self.released().await;
                    }
                }
                Err(error) => return self.failed(error),
            }
        }
        match self.call::<Release>(&Empty {}).await {
            Ok(_) => self.released().await,
            // §6.9 `85052`: already released (by hand, or by this step whose answer was lost).
            Err(error) if error.errcode() == Some(85052) => self.released().await,
            Err(error) => self.failed(error),
        }
    }

    async fn approved_version(&self) -> Option<String> {
        let appid = self.appid().to_owned();
        let row = self
            .hub
            .store
            .read(move |conn| audit_rows::audit(conn, &appid))
            .await
            .ok()??;
        row.user_version
    }

    async fn released(&self) -> Step {
        audits::record(
            self.hub,
            self.appid(),
            AuditSource::Relay,
            Seen::Released { auditid: None },
        )
        .await;
        finished(ItemState::Released, None)
    }

    /// §6.13: the running audit's id from `get_latest_auditstatus`, then `speedupaudit`.
    async fn speedup(&self) -> Step {
        let latest = match self.call::<GetLatestAuditStatus>(&Empty {}).await {
            Ok(latest) => latest,
            Err(error) => return self.failed(error),
        };
        if latest.status != audit_status::AUDITING && latest.status != audit_status::DELAYED {
            let status = AuditStatus::from_wechat(latest.status).map_or("unknown", AuditStatus::as_str);
            return self.skip(
                item_reason::NOT_AUDITING,
                format!("the latest audit is {status}, not running"),
            );
        }
        let request = AuditIdRequest {
            auditid: latest.auditid,
        };
        match self.call::<SpeedupAudit>(&request).await {
            Ok(_) => finished(ItemState::Done, None),
            // §6.13 `89404`: sped up already (by hand, or by this step whose answer was lost).
            Err(error) if error.errcode() == Some(89404) => finished(ItemState::Done, None),
            // §6.13 `89405`: the month's speed-ups are spent; no other item can succeed either.
            Err(error) if error.errcode() == Some(89405) => Step {
                outcome: Outcome::Halt(Halt(format!(
                    "the month's speed-up quota is used up (WeChat error 89405: {error})"
                ))),
                write: None,
            },
            Err(error) => self.failed(error),
        }
    }

    fn skip(&self, reason: &'static str, message: String) -> Step {
        tracing::info!(job = self.job.id, appid = self.appid(), reason, message, "item skipped");
        Step {
            outcome: Outcome::Finished {
                state: ItemState::Skipped,
                error: Some(StepError { errcode: None, message }),
            },
            write: Some(data_write(self.job.id, self.item, &[("reason", reason.into())])),
        }
    }

    /// A definite refusal fails the item with the errcode; no definite answer is tried again later (a release
    /// reads back first); what no item can get past halts the job.
    fn failed(&self, error: TokenError) -> Step {
        let step_error = StepError {
            errcode: error.errcode(),
            message: error.to_string(),
        };
        let outcome = match &error {
            TokenError::NotAuthorized(appid) => {
                let message = format!("{appid} is no longer authorized to this platform");
                return Step {
                    outcome: Outcome::Finished {
                        state: ItemState::Failed,
                        error: Some(StepError { errcode: None, message }),
                    },
                    write: Some(data_write(
                        self.job.id,
                        self.item,
                        &[("reason", item_reason::NOT_AUTHORIZED.into())],
                    )),
                };
            }
            TokenError::Upstream(upstream) if undecided(upstream) && self.item.attempts < MAX_ATTEMPTS => {
                let base = i64::try_from(self.hub.jobs.config.recheck_secs.max(1)).unwrap_or(20);
                Outcome::Later {
                    state: ItemState::Pending,
                    step: STEP.to_owned(),
                    next_at: now_secs() + (base << self.item.attempts.clamp(0, 6)),
                    error: Some(step_error),
                }
            }
            TokenError::Upstream(_) => Outcome::Finished {
                state: ItemState::Failed,
                error: Some(step_error),
            },
            other => Outcome::Halt(Halt(format!("{}: {other}", self.appid()))),
        };
        if let Outcome::Finished { error: Some(e), .. } = &outcome {
            tracing::info!(
                job = self.job.id,
                appid = self.appid(),
                errcode = e.errcode,
                message = e.message,
                "item failed"
            );
        }
        Step { outcome, write: None }
    }
}

fn finished(state: ItemState, error: Option<StepError>) -> Step {
    Step {
        outcome: Outcome::Finished { state, error },
        write: None,
    }
}
