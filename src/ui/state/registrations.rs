//! The registrations domain's state: every task as last read, kept current by `registration_updated` events, and
//! the answer to the last task created (its id and `authorize_url`, or the request's bad fields).

use crate::engine::protocol::{Registration, RegistrationCreated, RegistrationsCommand, RegistrationsEvent, RequestId};
use crate::ui::remote::Remote;

#[derive(Debug, Default)]
pub struct RegistrationsState {
    /// Newest first.
    pub list: Remote<Vec<Registration>>,
    /// The last task created.
    pub created: Remote<RegistrationCreated>,
    /// Sandbox only: the last simulated result sent.
    pub simulated: Remote<()>,
}

impl RegistrationsState {
    pub fn apply(&mut self, event: RegistrationsEvent) {
        match event {
            RegistrationsEvent::Loaded(reply) => {
                self.list.finish(reply);
            }
            RegistrationsEvent::Created(reply) => {
                self.created.finish(reply);
            }
            RegistrationsEvent::Simulated(reply) => {
                self.simulated.finish(reply);
            }
        }
    }

    pub fn sent(&mut self, id: RequestId, command: &RegistrationsCommand) {
        match command {
            RegistrationsCommand::Load => self.list.start_loading(id),
            RegistrationsCommand::Create(_) => self.created.start_loading(id),
            RegistrationsCommand::SimulateResult { .. } => self.simulated.start_loading(id),
        }
    }

    pub fn registration(&self, id: i64) -> Option<&Registration> {
        self.list.value()?.iter().find(|task| task.id == id)
    }

    /// `registration_updated`: the task replaces its row, or comes first as the newest.
    pub fn updated(&mut self, task: &Registration) {
        let list = match &mut self.list {
            Remote::Ready(list) => list,
            Remote::Loading { previous, .. } | Remote::Failed { previous, .. } => match previous {
                Some(list) => list,
                None => return,
            },
            Remote::NotLoaded => return,
        };
        match list.iter_mut().find(|known| known.id == task.id) {
            Some(known) => *known = task.clone(),
            None => list.insert(0, task.clone()),
        }
    }
}
