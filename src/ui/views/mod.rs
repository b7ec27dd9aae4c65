//! The panels. Each reads `&AppState`, keeps its own widget state, and says what should happen through an `Outbox`:
//! engine `Command`s and `UiAction`s for the shell (switch panel, language, full screen). None does any work itself.

pub mod activity;
pub mod authorize;
pub mod merchant_detail;
pub mod merchant_table;
pub mod merchants;
pub mod nav;
pub mod provider;
pub mod provider_forms;
pub mod welcome;

use crate::engine::protocol::Command;
use crate::ui::i18n::Lang;
use crate::ui::prefs::Panel;

/// Something only the shell can do.
#[derive(Debug, Clone, PartialEq)]
pub enum UiAction {
    Go(Panel),
    SetLang(Lang),
    Fullscreen(bool),
}

/// What the views asked for during one frame; the shell acts on it at the frame's end.
#[derive(Debug, Default)]
pub struct Outbox {
    pub commands: Vec<Command>,
    pub actions: Vec<UiAction>,
}

impl Outbox {
    pub fn send(&mut self, command: Command) {
        self.commands.push(command);
    }

    pub fn act(&mut self, action: UiAction) {
        self.actions.push(action);
    }
}

/// Every panel's own widget state (search text, form fields, the QR texture), apart from `AppState`.
#[derive(Default)]
pub struct Views {
    pub merchants: merchants::MerchantsView,
    pub authorize: authorize::AuthorizeView,
    pub provider: provider_forms::ProviderForms,
}
