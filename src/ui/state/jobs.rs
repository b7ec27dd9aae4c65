//! The jobs domain's state: every job with its counts (kept current by `job_progress` events), the job open in the
//! detail pane with its items, and the last operator action's answer.

use crate::engine::protocol::{Command, Job, JobsCommand, JobsEvent, RequestId};
use crate::ui::remote::Remote;

#[derive(Debug, Default)]
pub struct JobsState {
    /// Newest first.
    pub list: Remote<Vec<Job>>,
    /// The job open in the detail pane, with its items.
    pub shown: Remote<Job>,
    /// The answer to the last pause, resume, approve, cancel or retry.
    pub acted: Remote<Job>,
    /// The answer to the last deployment started: its job's id, or the plan's bad fields.
    pub deployed: Remote<crate::engine::protocol::JobId>,
}

impl JobsState {
    pub fn apply(&mut self, event: JobsEvent) {
        match event {
            JobsEvent::Listed(reply) => {
                self.list.finish(reply);
            }
            JobsEvent::Shown(reply) => {
                self.shown.finish(reply);
            }
            JobsEvent::Acted(reply) => {
                if let Ok(job) = &reply.result {
                    self.update(job);
                }
                self.acted.finish(reply);
            }
            JobsEvent::Deployed(reply) => {
                self.deployed.finish(reply);
            }
        }
    }

    pub fn sent(&mut self, id: RequestId, command: &JobsCommand) {
        match command {
            JobsCommand::List(_) => self.list.start_loading(id),
            JobsCommand::Show(_) => self.shown.start_loading(id),
            JobsCommand::Act(..) | JobsCommand::Retry(..) => self.acted.start_loading(id),
            JobsCommand::Deploy(_) => self.deployed.start_loading(id),
        }
    }

    pub fn in_flight(&self, command: &JobsCommand) -> bool {
        match command {
            JobsCommand::List(_) => self.list.is_loading(),
            JobsCommand::Show(_) => self.shown.is_loading(),
            JobsCommand::Act(..) | JobsCommand::Retry(..) => false,
            // A second click while the first plan is on its way would start two deployments.
            JobsCommand::Deploy(_) => self.deployed.is_loading(),
        }
    }

    /// A job's new counts or state from the event stream. Returns the command that refreshes its items when it is
    /// the job open in the detail pane.
    pub fn job_progress(&mut self, job: &Job) -> Option<Command> {
        self.update(job);
        let open = self.shown.value().is_some_and(|shown| shown.id == job.id);
        open.then_some(Command::Jobs(JobsCommand::Show(job.id)))
    }

    /// Puts `job`'s summary into the list (in place, or first when new) and into the open job, keeping its items.
    fn update(&mut self, job: &Job) {
        let summary = Job {
            items: Vec::new(),
            ..job.clone()
        };
        let list = match &mut self.list {
            Remote::Ready(list) => Some(list),
            Remote::Loading { previous, .. } | Remote::Failed { previous, .. } => previous.as_mut(),
            Remote::NotLoaded => None,
        };
        match list {
            Some(list) => match list.iter_mut().find(|known| known.id == job.id) {
                Some(known) => *known = summary,
                None => list.insert(0, summary),
            },
            None => self.list = Remote::Ready(vec![summary]),
        }
        if let Remote::Ready(shown) = &mut self.shown
            && shown.id == job.id
        {
            let items = std::mem::take(&mut shown.items);
            *shown = Job {
                items: if job.items.is_empty() { items } else { job.items.clone() },
                ..job.clone()
            };
        }
    }
}
