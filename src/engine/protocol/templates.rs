//! The templates domain: the platform's draft box and code template library (wechat-api.md §5), adding a draft to
//! the library as an ordinary or a standard template, and deleting a template.

use super::{Reply, domain_replies};
use crate::wechat::api::template::{Draft, TEMPLATE_ORDINARY, TEMPLATE_STANDARD, Template};
use crate::wechat::ids::{DraftId, TemplateId};

#[derive(Debug, Clone, PartialEq)]
pub enum TemplatesCommand {
    /// Reads the draft box (§5.1) and the whole template library, both kinds (§5.3). Reply: `Loaded`.
    Load,
    /// Copies a draft into the library (§5.2). The platform answers with no template id: read the library again to
    /// see it. Reply: `Changed`.
    Add { draft_id: DraftId, kind: TemplateKind },
    /// Deletes a template from the library (§5.4). Reply: `Changed`.
    Delete(TemplateId),
}

#[derive(Debug, Clone, PartialEq)]
pub enum TemplatesEvent {
    Loaded(Reply<TemplateLibrary>),
    /// The add or delete was done; the value says which.
    Changed(Reply<TemplateChange>),
}

domain_replies!(TemplatesCommand => TemplatesEvent {
    TemplatesCommand::Load => Loaded,
    TemplatesCommand::Add { .. } | TemplatesCommand::Delete(_) => Changed,
} unasked {});

/// The draft box and the template library, as read together.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TemplateLibrary {
    pub drafts: Vec<Draft>,
    /// Both kinds; the library holds at most `TEMPLATE_LIBRARY_LIMIT` of them.
    pub templates: Vec<Template>,
}

/// `template_type` of §5.2 and §5.3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TemplateKind {
    /// 0: what the platform advises; `commit` takes any ext_json.
    #[default]
    Ordinary,
    /// 1: `commit`'s ext_json is limited to `extAppid`, `ext` and `window` (§6.1). It depends on the withdrawn
    /// trading component.
    Standard,
}

impl TemplateKind {
    /// The platform's number.
    pub fn code(self) -> u8 {
        match self {
            TemplateKind::Ordinary => TEMPLATE_ORDINARY,
            TemplateKind::Standard => TEMPLATE_STANDARD,
        }
    }

    /// The kind of a template as listed; a number newer than §5 reads as ordinary, the platform's default.
    pub fn of(template: &Template) -> TemplateKind {
        if template.template_type == TEMPLATE_STANDARD {
            TemplateKind::Standard
        } else {
            TemplateKind::Ordinary
        }
    }
}

/// What an add or a delete did (or, while it is on its way, asks for).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateChange {
    Added { draft_id: DraftId, kind: TemplateKind },
    Deleted { template_id: TemplateId },
}

impl TemplatesCommand {
    /// The change this command asks for; `None` for a read.
    pub fn change(&self) -> Option<TemplateChange> {
        match *self {
            TemplatesCommand::Load => None,
            TemplatesCommand::Add { draft_id, kind } => Some(TemplateChange::Added { draft_id, kind }),
            TemplatesCommand::Delete(template_id) => Some(TemplateChange::Deleted { template_id }),
        }
    }
}
