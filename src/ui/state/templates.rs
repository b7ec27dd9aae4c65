//! The templates domain's state: the draft box and the template library as last read, and the last add or delete
//! with what it asked for, so a refusal can say what was refused and a success can name the template it made.

use super::FollowUps;
use crate::engine::protocol::{
    Command, ErrorKind, RequestId, TemplateChange, TemplateLibrary, TemplatesCommand, TemplatesEvent,
};
use crate::ui::remote::Remote;
use crate::wechat::api::template::{TEMPLATE_LIBRARY_LIMIT, Template};
use crate::wechat::ids::TemplateId;

#[derive(Debug, Default)]
pub struct TemplatesState {
    /// The draft box and the library, read together.
    pub library: Remote<TemplateLibrary>,
    /// Changes whenever `library` gets a new value, so the tables know to sort again.
    pub version: u64,
    /// The answer to the last add or delete.
    pub change: Remote<TemplateChange>,
    /// What the last add or delete asked for, kept after a refusal so its line says what was refused.
    pub attempted: Option<TemplateChange>,
    /// The library's template ids when the last add was done: the platform returns no id (§5.2), so the new
    /// template is the one that is not among them once the library is read again.
    ids_before_add: Vec<TemplateId>,
}

impl TemplatesState {
    pub fn apply(&mut self, event: TemplatesEvent, follow: &mut FollowUps) {
        match event {
            TemplatesEvent::Loaded(reply) => {
                let read = reply.result.is_ok();
                if self.library.finish(reply) && read {
                    self.version += 1;
                }
            }
            TemplatesEvent::Changed(reply) => {
                // Done, or refused by WeChat (`85064`: the draft or template is gone, `85065`: the library is full):
                // either way the lists on screen are out of date. A network failure says nothing about them.
                let stale = match &reply.result {
                    Ok(_) => true,
                    Err(error) => matches!(error.kind, ErrorKind::WeChat { .. }),
                };
                let added = matches!(reply.result, Ok(TemplateChange::Added { .. }));
                if !self.change.finish(reply) {
                    return;
                }
                if added {
                    self.ids_before_add = self.templates().iter().map(|t| t.template_id).collect();
                }
                if stale {
                    follow.queue(Command::Templates(TemplatesCommand::Load));
                }
            }
        }
    }

    pub fn sent(&mut self, id: RequestId, command: &TemplatesCommand) {
        match command {
            TemplatesCommand::Load => self.library.start_loading(id),
            TemplatesCommand::Add { .. } | TemplatesCommand::Delete(_) => {
                self.attempted = command.change();
                self.change.start_loading(id);
            }
        }
    }

    /// The library's templates as last read; empty before the first read.
    pub fn templates(&self) -> &[Template] {
        self.library.value().map(|l| l.templates.as_slice()).unwrap_or_default()
    }

    /// How many of the library's slots are used, once it has been read.
    pub fn used_slots(&self) -> Option<usize> {
        self.library.value().map(|l| l.templates.len())
    }

    /// Whether the library has no free slot: an add would be refused with `85065`.
    pub fn is_full(&self) -> bool {
        self.used_slots().is_some_and(|used| used >= TEMPLATE_LIBRARY_LIMIT)
    }

    /// The template the last add made, once the library has been read again: the newest one copied from the added
    /// draft that was not in the library before.
    pub fn added_template(&self) -> Option<&Template> {
        let Remote::Ready(TemplateChange::Added { draft_id, .. }) = self.change else {
            return None;
        };
        self.templates()
            .iter()
            .filter(|t| t.draft_id == Some(draft_id) && !self.ids_before_add.contains(&t.template_id))
            .max_by_key(|t| t.template_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::protocol::{EngineError, Reply, TemplateKind};
    use crate::wechat::api::template::Draft;
    use crate::wechat::ids::DraftId;

    fn draft(id: u64) -> Draft {
        Draft {
            create_time: 1_700_000_000 + id as i64,
            user_version: format!("1.{id}.0"),
            user_desc: format!("upload {id}"),
            draft_id: DraftId(id),
            source_miniprogram_appid: "wx5f1c3a9e2b7d4c60".into(),
            source_miniprogram: "dev".into(),
            developer: "chen".into(),
            category_list: Vec::new(),
        }
    }

    fn template(id: u64, draft_id: u64, template_type: u8) -> Template {
        Template {
            create_time: 1_700_100_000 + id as i64,
            user_version: format!("1.{draft_id}.0"),
            user_desc: format!("upload {draft_id}"),
            template_id: TemplateId(id),
            draft_id: Some(DraftId(draft_id)),
            source_miniprogram_appid: "wx5f1c3a9e2b7d4c60".into(),
            source_miniprogram: "dev".into(),
            developer: "chen".into(),
            template_type,
            category_list: Vec::new(),
            audit_scene: None,
            audit_status: None,
            reason: None,
        }
    }

    fn library(templates: Vec<Template>) -> TemplateLibrary {
        TemplateLibrary {
            drafts: (1..=3).map(draft).collect(),
            templates,
        }
    }

    /// Sends `command` as the shell does and returns its id.
    fn send(state: &mut TemplatesState, id: u64, command: TemplatesCommand) -> RequestId {
        state.sent(RequestId(id), &command);
        RequestId(id)
    }

    fn queued(follow: FollowUps) -> Vec<Command> {
        follow.commands
    }

    fn loaded(state: &mut TemplatesState, id: u64, templates: Vec<Template>) {
        let request = send(state, id, TemplatesCommand::Load);
        let mut follow = FollowUps::default();
        state.apply(
            TemplatesEvent::Loaded(Reply::new(request, Ok(library(templates)))),
            &mut follow,
        );
        assert!(queued(follow).is_empty(), "a read implies nothing");
    }

    fn wechat(errcode: i64) -> EngineError {
        EngineError::new(ErrorKind::WeChat { errcode }, format!("WeChat error {errcode}"))
    }

    const ADD_3_STANDARD: TemplatesCommand = TemplatesCommand::Add {
        draft_id: DraftId(3),
        kind: TemplateKind::Standard,
    };

    #[test]
    fn a_read_shows_both_lists_and_counts_the_slots() {
        let mut state = TemplatesState::default();
        assert_eq!(state.used_slots(), None, "nothing read yet: no meter");
        loaded(&mut state, 1, vec![template(1, 1, 0), template(2, 2, 1)]);
        let shown = state.library.value().unwrap();
        assert_eq!((shown.drafts.len(), shown.templates.len()), (3, 2));
        assert_eq!(state.used_slots(), Some(2));
        assert!(!state.is_full());
        assert_eq!(state.version, 1);

        let full: Vec<Template> = (1..=TEMPLATE_LIBRARY_LIMIT as u64)
            .map(|id| template(id, 1, 0))
            .collect();
        loaded(&mut state, 2, full);
        assert!(state.is_full(), "200 of 200");
        assert_eq!(state.version, 2);
    }

    #[test]
    fn an_add_reads_the_library_again_and_names_the_template_it_made() {
        let mut state = TemplatesState::default();
        loaded(&mut state, 1, vec![template(1, 1, 0), template(2, 3, 0)]);
        let request = send(&mut state, 2, ADD_3_STANDARD);
        assert!(state.change.is_loading());
        let mut follow = FollowUps::default();
        let done = ADD_3_STANDARD.change().unwrap();
        state.apply(TemplatesEvent::Changed(Reply::new(request, Ok(done))), &mut follow);
        assert_eq!(
            queued(follow),
            [Command::Templates(TemplatesCommand::Load)],
            "the platform returns no id: read the library again"
        );
        assert_eq!(state.change.value(), Some(&done));
        assert_eq!(
            state.added_template(),
            None,
            "template 2 came from draft 3 too, but before the add"
        );

        loaded(
            &mut state,
            3,
            vec![template(1, 1, 0), template(2, 3, 0), template(3, 3, 1)],
        );
        assert_eq!(state.added_template().map(|t| t.template_id), Some(TemplateId(3)));
        assert_eq!(state.used_slots(), Some(3), "the meter moved");
    }

    #[test]
    fn a_delete_reads_the_library_again() {
        let mut state = TemplatesState::default();
        loaded(&mut state, 1, vec![template(1, 1, 0), template(2, 2, 0)]);
        let request = send(&mut state, 2, TemplatesCommand::Delete(TemplateId(2)));
        let mut follow = FollowUps::default();
        let done = TemplateChange::Deleted {
            template_id: TemplateId(2),
        };
        state.apply(TemplatesEvent::Changed(Reply::new(request, Ok(done))), &mut follow);
        assert_eq!(queued(follow), [Command::Templates(TemplatesCommand::Load)]);
        assert_eq!(state.added_template(), None, "a delete made no template");
    }

    #[test]
    fn a_refusal_keeps_what_was_asked_and_reads_the_lists_again() {
        let mut state = TemplatesState::default();
        loaded(&mut state, 1, vec![template(1, 1, 0)]);
        let request = send(
            &mut state,
            2,
            TemplatesCommand::Add {
                draft_id: DraftId(99),
                kind: TemplateKind::Ordinary,
            },
        );
        let mut follow = FollowUps::default();
        state.apply(
            TemplatesEvent::Changed(Reply::new(request, Err(wechat(85064)))),
            &mut follow,
        );
        assert_eq!(
            state.change.error().map(|e| e.kind),
            Some(ErrorKind::WeChat { errcode: 85064 })
        );
        assert_eq!(
            state.attempted,
            Some(TemplateChange::Added {
                draft_id: DraftId(99),
                kind: TemplateKind::Ordinary
            }),
            "the error line can say which draft"
        );
        assert_eq!(
            queued(follow),
            [Command::Templates(TemplatesCommand::Load)],
            "85064 means the lists on screen are out of date"
        );

        // A network failure says nothing about the lists: no read.
        let request = send(&mut state, 3, TemplatesCommand::Delete(TemplateId(1)));
        let mut follow = FollowUps::default();
        let down = EngineError::new(ErrorKind::Network, "down");
        state.apply(TemplatesEvent::Changed(Reply::new(request, Err(down))), &mut follow);
        assert!(queued(follow).is_empty());
        assert_eq!(
            state.attempted,
            Some(TemplateChange::Deleted {
                template_id: TemplateId(1)
            })
        );
    }

    #[test]
    fn a_failed_read_keeps_the_lists_and_a_late_reply_is_dropped() {
        let mut state = TemplatesState::default();
        loaded(&mut state, 1, vec![template(1, 1, 0)]);
        let old = send(&mut state, 2, TemplatesCommand::Load);
        let new = send(&mut state, 3, TemplatesCommand::Load);
        let mut follow = FollowUps::default();
        state.apply(
            TemplatesEvent::Loaded(Reply::new(old, Ok(library(Vec::new())))),
            &mut follow,
        );
        assert_eq!(state.used_slots(), Some(1), "the superseded read is dropped");
        state.apply(
            TemplatesEvent::Loaded(Reply::new(new, Err(EngineError::new(ErrorKind::Network, "down")))),
            &mut follow,
        );
        assert_eq!(state.used_slots(), Some(1), "the lists stay on screen");
        assert!(state.library.error().is_some());
        assert_eq!(state.version, 1, "nothing new to sort");
    }
}
