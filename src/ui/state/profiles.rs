//! The profiles domain's state: what is configured, which profile is active, the last save.

use super::FollowUps;
use crate::engine::protocol::{
    Command, ProfileId, ProfileInfo, ProfilesCommand, ProfilesEvent, ProfilesOverview, RequestId,
};
use crate::ui::remote::Remote;

#[derive(Debug, Default)]
pub struct ProfilesState {
    pub overview: Remote<ProfilesOverview>,
    /// The active profile.
    pub profile: Remote<ProfileInfo>,
    /// The profile being activated, while `profile` is loading.
    pub activating: Option<ProfileId>,
    pub saved: Remote<ProfileId>,
    /// Bumps once per successful save, so a form clears its typed secrets exactly once.
    pub saves: u64,
}

impl ProfilesState {
    pub fn apply(&mut self, event: ProfilesEvent, follow: &mut FollowUps) {
        match event {
            ProfilesEvent::Loaded(reply) => {
                // At start nothing is active yet: activate the profile the engine remembers.
                if let Ok(overview) = &reply.result
                    && matches!(self.profile, Remote::NotLoaded)
                    && self.activating.is_none()
                {
                    follow.queue(Command::Profiles(ProfilesCommand::Activate(overview.active)));
                }
                self.overview.finish(reply);
            }
            ProfilesEvent::Activated(reply) => {
                if self.profile.finish(reply) {
                    self.activating = None;
                }
            }
            ProfilesEvent::Saved(reply) => {
                let ok = reply.result.is_ok();
                if self.saved.finish(reply) && ok {
                    self.saves += 1;
                    follow.queue(Command::Profiles(ProfilesCommand::Load));
                }
            }
        }
    }

    pub fn sent(&mut self, id: RequestId, command: &ProfilesCommand) {
        match command {
            ProfilesCommand::Load => self.overview.start_loading(id),
            ProfilesCommand::Activate(profile) => {
                self.activating = Some(*profile);
                self.profile.start_loading(id);
            }
            ProfilesCommand::SaveLocal(_) | ProfilesCommand::SaveRemote(_) => self.saved.start_loading(id),
        }
    }
}
