//! The jobs domain's state: every job with its counts (kept current by `job_progress` events), the job open in the
//! detail pane with its items, the last operator action's answer, the last deployment started, and the platform's
//! audit quota a deployment spends.

use super::FollowUps;
use crate::engine::protocol::{Command, Job, JobId, JobsCommand, JobsEvent, RequestId};
use crate::ui::remote::Remote;
use crate::wechat::api::release::QueryQuotaResponse;

#[derive(Debug, Default)]
pub struct JobsState {
    /// Newest first.
    pub list: Remote<Vec<Job>>,
    /// The job open in the detail pane, with its items.
    pub shown: Remote<Job>,
    /// The answer to the last pause, resume, approve, cancel or retry.
    pub acted: Remote<Job>,
    /// The answer to the last deployment started: its job's id, or the plan's bad fields.
    pub deployed: Remote<JobId>,
    /// The platform's monthly audit quota (`queryquota`): what a deployment's `submit_audit`s spend.
    pub quota: Remote<QueryQuotaResponse>,
    /// Sandbox only: how many audits the last "end the waiting audits" ended.
    pub simulated: Remote<usize>,
    /// The job the last `Show` asked for.
    showing: Option<JobId>,
    /// That job moved while its `Show` was on its way: the answer may predate the move, so it is read again.
    moved_while_showing: bool,
}

impl JobsState {
    pub fn apply(&mut self, event: JobsEvent, follow: &mut FollowUps) {
        match event {
            JobsEvent::Listed(reply) => {
                self.list.finish(reply);
            }
            JobsEvent::Shown(reply) => {
                if self.shown.finish(reply)
                    && std::mem::take(&mut self.moved_while_showing)
                    && let Some(id) = self.showing
                {
                    follow.queue(Command::Jobs(JobsCommand::Show(id)));
                }
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
            JobsEvent::AuditQuota(reply) => {
                self.quota.finish(reply);
            }
            JobsEvent::AuditsSimulated(reply) => {
                self.simulated.finish(reply);
            }
        }
    }

    pub fn sent(&mut self, id: RequestId, command: &JobsCommand) {
        match command {
            JobsCommand::List(_) => self.list.start_loading(id),
            JobsCommand::Show(job) => {
                self.showing = Some(*job);
                self.moved_while_showing = false;
                self.shown.start_loading(id);
            }
            JobsCommand::Act(..) | JobsCommand::Retry(..) => self.acted.start_loading(id),
            JobsCommand::Deploy(_) => self.deployed.start_loading(id),
            JobsCommand::AuditQuota(_) => self.quota.start_loading(id),
            JobsCommand::SimulateAudits { .. } => self.simulated.start_loading(id),
        }
    }

    pub fn in_flight(&self, command: &JobsCommand) -> bool {
        match command {
            JobsCommand::List(_) => self.list.is_loading(),
            JobsCommand::Show(_) => self.shown.is_loading(),
            JobsCommand::Act(..) | JobsCommand::Retry(..) => false,
            // A second click while the first plan is on its way would start two deployments.
            JobsCommand::Deploy(_) => self.deployed.is_loading(),
            JobsCommand::AuditQuota(_) => self.quota.is_loading(),
            JobsCommand::SimulateAudits { .. } => self.simulated.is_loading(),
        }
    }

    /// A job's new counts or state from the event stream. Returns the command that refreshes its items when it is
    /// the job open in the detail pane. While that job's items are on their way, they are read once more when they
    /// arrive instead: the answer may have been read before this move, and the last move of a burst must show.
    pub fn job_progress(&mut self, job: &Job) -> Option<Command> {
        self.update(job);
        if self.shown.is_loading() {
            self.moved_while_showing |= self.showing == Some(job.id);
            return None;
        }
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

#[cfg(test)]
mod tests {
    use crate::engine::protocol::{
        Command, EngineError, ErrorKind, Event, HubEvent, HubEventKind, ItemState, Job, JobCounts, JobItem, JobKind,
        JobState, JobsCommand, JobsEvent, Plan, Reply, Request, RequestId,
    };
    use crate::ui::remote::Remote;
    use crate::ui::state::AppState;
    use crate::wechat::api::release::QueryQuotaResponse;

    fn send(state: &mut AppState, id: u64, command: JobsCommand) -> RequestId {
        let id = RequestId(id);
        state.sent(&Request {
            id,
            command: Command::Jobs(command),
        });
        id
    }

    fn plan() -> Box<Plan> {
        let plan = serde_json::json!({ "template_id": 3, "appids": ["wxa", "wxb"], "user_version": "1.3.0" });
        Box::new(serde_json::from_value(plan).unwrap())
    }

    fn job(id: i64, state: JobState, items: Vec<JobItem>) -> Job {
        let mut counts = JobCounts::default();
        for item in &items {
            counts.add(item.state, 1);
        }
        Job {
            id,
            kind: JobKind::Deployment,
            state,
            reason: None,
            created_by: "sandbox".into(),
            created_at: 0,
            updated_at: 0,
            counts,
            items,
        }
    }

    fn item(appid: &str, wave: i64, state: ItemState) -> JobItem {
        JobItem::at(appid, wave, "preflight", state)
    }

    #[test]
    fn a_refused_plan_keeps_its_bad_fields_and_a_second_start_waits_for_the_first() {
        let mut state = AppState::default();
        let first = send(&mut state, 1, JobsCommand::Deploy(plan()));
        assert!(
            state.jobs.in_flight(&JobsCommand::Deploy(plan())),
            "no second plan while one is on its way"
        );
        assert!(state.is_busy());
        let refusal = EngineError {
            fields: vec![
                ("appids[1]".into(), "wxb has not authorized this platform".into()),
                ("waves[0]".into(), "a wave of no merchants".into()),
            ],
            ..EngineError::new(ErrorKind::Hub { status: 400 }, "invalid plan")
        };
        state.apply(Event::Jobs(JobsEvent::Deployed(Reply::new(
            first,
            Err(refusal.clone()),
        ))));
        assert_eq!(state.jobs.deployed.error(), Some(&refusal));
        assert!(!state.jobs.in_flight(&JobsCommand::Deploy(plan())));

        let second = send(&mut state, 2, JobsCommand::Deploy(plan()));
        state.apply(Event::Jobs(JobsEvent::Deployed(Reply::new(first, Ok(99)))));
        assert!(
            state.jobs.deployed.is_loading(),
            "a late answer to the first start is dropped"
        );
        state.apply(Event::Jobs(JobsEvent::Deployed(Reply::new(second, Ok(7)))));
        assert_eq!(state.jobs.deployed, Remote::Ready(7));
    }

    #[test]
    fn the_audit_quota_is_read_one_request_at_a_time_and_kept_on_failure() {
        let mut state = AppState::default();
        let ask = JobsCommand::AuditQuota("wxa".into());
        let first = send(&mut state, 1, ask.clone());
        assert!(state.jobs.in_flight(&ask));
        assert!(state.in_flight_summary().contains(&"audit quota"));
        let quota = QueryQuotaResponse {
            rest: 20,
            limit: 27,
            speedup_rest: 5,
            speedup_limit: 10,
        };
        state.apply(Event::Jobs(JobsEvent::AuditQuota(Reply::new(first, Ok(quota)))));
        assert_eq!(state.jobs.quota.value().map(|q| (q.rest, q.limit)), Some((20, 27)));
        let second = send(&mut state, 2, ask.clone());
        let error = EngineError::new(ErrorKind::WeChat { errcode: 61007 }, "api unauthorized");
        state.apply(Event::Jobs(JobsEvent::AuditQuota(Reply::new(second, Err(error)))));
        assert_eq!(
            state.jobs.quota.value().map(|q| q.rest),
            Some(20),
            "the last quota read stays on screen"
        );
        assert!(state.jobs.quota.error().is_some());
    }

    #[test]
    fn a_new_deployment_and_its_progress_reach_the_list_and_the_open_page() {
        let mut state = AppState::default();
        let list = send(&mut state, 1, JobsCommand::List(Default::default()));
        state.apply(Event::Jobs(JobsEvent::Listed(Reply::new(
            list,
            Ok(vec![job(3, JobState::Completed, vec![])]),
        ))));
        let show = send(&mut state, 2, JobsCommand::Show(9));
        let items = vec![
            item("wxa", 0, ItemState::InProgress),
            item("wxb", 1, ItemState::Pending),
        ];
        state.apply(Event::Jobs(JobsEvent::Shown(Reply::new(
            show,
            Ok(job(9, JobState::Running, items)),
        ))));

        // The hub's progress event carries counts, not items.
        let mut moved = job(9, JobState::WaitingApproval, vec![]);
        moved.counts.add(ItemState::Skipped, 1);
        moved.counts.add(ItemState::Pending, 1);
        state.apply(Event::Hub(HubEvent {
            seq: 1,
            at: 0,
            kind: HubEventKind::JobProgress(moved),
        }));
        let ids: Vec<i64> = state.jobs.list.value().unwrap().iter().map(|j| j.id).collect();
        assert_eq!(ids, vec![9, 3], "the new deployment comes first");
        let shown = state.jobs.shown.value().unwrap();
        assert_eq!(shown.state, JobState::WaitingApproval);
        assert_eq!(shown.counts.skipped, 1);
        assert_eq!(shown.items.len(), 2, "its items stay until they are read again");
        assert_eq!(state.take_follow_ups(), vec![Command::Jobs(JobsCommand::Show(9))]);
    }

    fn progress(state: &mut AppState, job: Job) {
        state.apply(Event::Hub(HubEvent {
            seq: 1,
            at: 0,
            kind: HubEventKind::JobProgress(job),
        }));
    }

    #[test]
    fn a_move_while_the_items_load_reads_them_again_once_they_arrive() {
        let mut state = AppState::default();
        let show = send(&mut state, 1, JobsCommand::Show(9));
        // The last move of a burst arrives while the items are on their way: asking now would be dropped.
        progress(&mut state, job(9, JobState::WaitingApproval, vec![]));
        assert!(state.take_follow_ups().is_empty(), "one read of the items at a time");
        let before = vec![item("wxa", 0, ItemState::InProgress)];
        state.apply(Event::Jobs(JobsEvent::Shown(Reply::new(
            show,
            Ok(job(9, JobState::Running, before)),
        ))));
        assert_eq!(
            state.take_follow_ups(),
            vec![Command::Jobs(JobsCommand::Show(9))],
            "the answer may predate the move: read again"
        );
        let again = send(&mut state, 2, JobsCommand::Show(9));
        let after = vec![item("wxa", 0, ItemState::Skipped)];
        state.apply(Event::Jobs(JobsEvent::Shown(Reply::new(
            again,
            Ok(job(9, JobState::WaitingApproval, after)),
        ))));
        assert!(
            state.take_follow_ups().is_empty(),
            "nothing moved meanwhile: no more reads"
        );

        // Another job's move while these items load changes nothing for this page.
        let third = send(&mut state, 3, JobsCommand::Show(9));
        progress(&mut state, job(4, JobState::Running, vec![]));
        state.apply(Event::Jobs(JobsEvent::Shown(Reply::new(
            third,
            Ok(job(9, JobState::WaitingApproval, vec![])),
        ))));
        assert!(state.take_follow_ups().is_empty());
    }
}
