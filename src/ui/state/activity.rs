//! The activity domain's state: the operator log, newest first, a page at a time, under the panel's filter.

use crate::engine::protocol::{Activity, ActivityCommand, ActivityEvent, ActivityQuery, RequestId};
use crate::ui::remote::Remote;

/// How many entries one page asks for.
pub const PAGE: i64 = 100;

#[derive(Debug, Default)]
pub struct ActivityState {
    /// Every loaded entry, newest first.
    pub log: Remote<Vec<Activity>>,
    /// The filter the entries on screen answer (operator, action).
    pub filter: ActivityQuery,
    /// The last page was full: an older page may exist.
    pub more: bool,
}

impl ActivityState {
    /// The query for the newest page under the current filter.
    pub fn first_page(&self) -> ActivityQuery {
        ActivityQuery {
            after: None,
            before: Some(i64::MAX),
            limit: Some(PAGE),
            ..self.filter.clone()
        }
    }

    /// The query for the page older than what is on screen, if there may be one.
    pub fn older_page(&self) -> Option<ActivityQuery> {
        let oldest = self.log.value()?.last()?.seq;
        self.more.then(|| ActivityQuery {
            before: Some(oldest),
            ..self.first_page()
        })
    }

    pub fn apply(&mut self, event: ActivityEvent) {
        match event {
            ActivityEvent::Loaded(reply) => {
                let older = reply
                    .result
                    .as_ref()
                    .is_ok_and(|(query, _)| query.before.is_some_and(|before| before != i64::MAX));
                let previous = if older { self.log.value().cloned() } else { None };
                let result = reply.result.map(|(_, page)| {
                    self.more = page.activity.len() as i64 >= PAGE;
                    let mut entries = previous.unwrap_or_default();
                    entries.extend(page.activity);
                    entries
                });
                self.log
                    .finish(crate::engine::protocol::Reply::new(reply.request, result));
            }
        }
    }

    pub fn sent(&mut self, id: RequestId, command: &ActivityCommand) {
        match command {
            ActivityCommand::Load(query) => {
                let first = query.before.is_none_or(|before| before == i64::MAX);
                if first {
                    self.filter = ActivityQuery {
                        operator: query.operator.clone(),
                        action: query.action.clone(),
                        ..ActivityQuery::default()
                    };
                }
                self.log.start_loading(id);
            }
        }
    }
}
