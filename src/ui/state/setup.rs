//! The set-up domain's state (wechat-api.md §8.7): one mini program's set-up as last read, the category tree it may
//! choose from, an avatar prepared from a file, the last write's answer, and the names sent to review. A write that
//! went through reads the account again; a name audit that ends does too.

use std::collections::HashMap;

use super::FollowUps;
use crate::engine::protocol::{
    AccountSetup, Avatar, Command, RequestId, SetupAction, SetupCommand, SetupEvent, SetupOutcome,
};
use crate::ui::remote::Remote;
use crate::wechat::api::category::CategoryNode;

/// §8.7.2 `audit_stat`.
pub const NAME_UNDER_REVIEW: i64 = 1;
pub const NAME_REJECTED: i64 = 2;
pub const NAME_APPROVED: i64 = 3;

/// A name sent to review: its audit, kept while the console runs (the platform lists no audits to find it again;
/// its `wxa_nickname_audit` push makes the hub read the name anyway).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameAudit {
    pub audit_id: i64,
    pub name: String,
    pub stat: i64,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct SetupState {
    /// The account shown.
    pub appid: Option<String>,
    pub account: Remote<AccountSetup>,
    /// The category tree, and whose it is.
    pub tree: Remote<Vec<CategoryNode>>,
    pub tree_of: Option<String>,
    pub avatar: Remote<Avatar>,
    /// The last write and its answer.
    pub acted: Remote<SetupOutcome>,
    pub last_action: Option<SetupAction>,
    /// By appid.
    pub name_audits: HashMap<String, NameAudit>,
    /// Sandbox only: the last simulated name review.
    pub simulated: Remote<()>,
    /// The pre-check's answer for the name typed, when it is still the name typed.
    pub name_checked: Option<(String, bool, String)>,
}

impl SetupState {
    /// Whether `appid`'s set-up must be read to be shown: another account is shown, or nothing was read yet.
    pub fn wants(&self, appid: &str) -> bool {
        self.appid.as_deref() != Some(appid) || matches!(self.account, Remote::NotLoaded)
    }

    pub fn apply(&mut self, event: SetupEvent, follow: &mut FollowUps) {
        match event {
            SetupEvent::Loaded(reply) => {
                self.account.finish(reply);
            }
            SetupEvent::Tree(reply) => {
                self.tree.finish(reply);
            }
            SetupEvent::Prepared(reply) => {
                self.avatar.finish(reply);
            }
            SetupEvent::Simulated(reply) => {
                // The review's push reaches the hub; the audit's state is asked for again.
                let done = reply.result.is_ok();
                self.simulated.finish(reply);
                if done && let (Some(appid), Some(audit)) = (self.appid.clone(), self.name_audit()) {
                    let action = SetupAction::QueryName(audit.audit_id);
                    follow.queue(Command::Setup(SetupCommand::Act { appid, action }));
                }
            }
            SetupEvent::Acted(reply) => {
                let done = reply.result.is_ok();
                if let Ok(outcome) = &reply.result {
                    self.learn(outcome);
                }
                self.acted.finish(reply);
                let action = self.last_action.clone();
                if done
                    && let Some(appid) = self.appid.clone()
                    && !matches!(action, Some(SetupAction::CheckName(_)))
                {
                    if matches!(action, Some(SetupAction::Avatar(_))) {
                        self.avatar = Remote::NotLoaded;
                    }
                    follow.queue(Command::Setup(SetupCommand::Load(appid)));
                }
            }
        }
    }

    fn learn(&mut self, outcome: &SetupOutcome) {
        let Some(appid) = self.appid.clone() else {
            return;
        };
        match outcome {
            SetupOutcome::NameChecked { name, hit, wording } => {
                self.name_checked = Some((name.clone(), *hit, wording.clone()));
            }
            SetupOutcome::NameSet {
                name,
                audit_id: Some(audit_id),
                ..
            } => {
                let audit = NameAudit {
                    audit_id: *audit_id,
                    name: name.clone(),
                    stat: NAME_UNDER_REVIEW,
                    reason: String::new(),
                };
                self.name_audits.insert(appid, audit);
            }
            SetupOutcome::NameSet { audit_id: None, .. } => {
                self.name_audits.remove(&appid);
            }
            SetupOutcome::NameAudit {
                audit_id,
                name,
                stat,
                reason,
            } => {
                let audit = NameAudit {
                    audit_id: *audit_id,
                    name: name.clone(),
                    stat: *stat,
                    reason: reason.clone(),
                };
                self.name_audits.insert(appid, audit);
            }
            SetupOutcome::Done => {}
        }
    }

    pub fn sent(&mut self, id: RequestId, command: &SetupCommand) {
        match command {
            SetupCommand::Load(appid) => {
                if self.appid.as_deref() != Some(appid) {
                    // Another account: what was read of the last one no longer applies; its name audit is kept.
                    let name_audits = std::mem::take(&mut self.name_audits);
                    *self = SetupState {
                        appid: Some(appid.clone()),
                        name_audits,
                        ..SetupState::default()
                    };
                }
                self.account.start_loading(id);
            }
            SetupCommand::Tree(appid) => {
                self.tree_of = Some(appid.clone());
                self.tree.start_loading(id);
            }
            SetupCommand::PrepareAvatar(_) => self.avatar.start_loading(id),
            SetupCommand::SimulateNameReview { .. } => self.simulated.start_loading(id),
            SetupCommand::Act { action, .. } => {
                self.last_action = Some(action.clone());
                self.acted.start_loading(id);
            }
        }
    }

    /// The name audit of the account shown, if one was sent from this console.
    pub fn name_audit(&self) -> Option<&NameAudit> {
        self.name_audits.get(self.appid.as_deref()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::protocol::Reply;

    #[test]
    fn a_name_sent_to_review_is_kept_and_a_write_reads_the_account_again() {
        let mut state = SetupState::default();
        assert!(state.wants("wx1"));
        state.sent(RequestId(1), &SetupCommand::Load("wx1".into()));
        assert!(!state.wants("wx1"), "loading: not asked twice");
        assert!(state.wants("wx2"));

        let action = SetupAction::SetName {
            name: "官方小店".into(),
            material: None,
            personal: false,
        };
        state.sent(
            RequestId(2),
            &SetupCommand::Act {
                appid: "wx1".into(),
                action,
            },
        );
        let mut follow = FollowUps::default();
        let outcome = SetupOutcome::NameSet {
            name: "官方小店".into(),
            audit_id: Some(7),
            wording: String::new(),
        };
        state.apply(SetupEvent::Acted(Reply::new(RequestId(2), Ok(outcome))), &mut follow);
        assert_eq!(
            state.name_audit().map(|a| (a.audit_id, a.stat)),
            Some((7, NAME_UNDER_REVIEW))
        );
        assert_eq!(follow.commands, vec![Command::Setup(SetupCommand::Load("wx1".into()))]);

        // Another account and back: the audit is still known.
        state.sent(RequestId(4), &SetupCommand::Load("wx2".into()));
        assert_eq!(state.name_audit(), None);
        state.sent(RequestId(5), &SetupCommand::Load("wx1".into()));
        assert_eq!(state.name_audit().map(|a| a.audit_id), Some(7));

        // A pre-check reads nothing again.
        let action = SetupAction::CheckName("小店".into());
        state.sent(
            RequestId(3),
            &SetupCommand::Act {
                appid: "wx1".into(),
                action,
            },
        );
        let mut follow = FollowUps::default();
        let outcome = SetupOutcome::NameChecked {
            name: "小店".into(),
            hit: false,
            wording: String::new(),
        };
        state.apply(SetupEvent::Acted(Reply::new(RequestId(3), Ok(outcome))), &mut follow);
        assert!(follow.commands.is_empty());
        assert_eq!(state.name_checked.as_ref().map(|c| c.1), Some(false));
    }
}
