//! The panels. Each reads `&AppState`, keeps its own widget state, and says what should happen through an `Outbox`:
//! engine `Command`s and `UiAction`s for the shell (switch panel, language, full screen). None does any work itself.

pub mod activity;
pub mod audit_actions;
pub mod audit_detail;
pub mod audits;
pub mod authorize;
pub mod deploy_sections;
pub mod deploy_settings;
pub mod deploy_summary;
pub mod deploy_wizard;
pub mod deployment_job;
pub mod deployments;
pub mod job_parts;
pub mod jobs;
pub mod merchant_code;
pub mod merchant_detail;
pub mod merchant_setup;
pub mod merchant_table;
pub mod merchants;
pub mod nav;
pub mod provider;
pub mod provider_forms;
pub mod readiness;
pub mod registrations;
pub mod template_tables;
pub mod templates;
pub mod welcome;

use std::any::Any;

use crate::engine::protocol::Command;
use crate::ui::i18n::Lang;
use crate::ui::state::AppState;
use crate::wechat::ids::TemplateId;

/// A panel's stable id. Each view file names its own (`Panel::MERCHANTS` is in `merchants.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Panel(pub &'static str);

/// Something only the shell can do.
#[derive(Debug, Clone, PartialEq)]
pub enum UiAction {
    Go(Panel),
    SetLang(Lang),
    Fullscreen(bool),
    /// Deploy this template to merchants: opens the Deployments wizard with it chosen.
    DeployTemplate(TemplateId),
    /// Deploy a template to these merchants: opens the Deployments wizard with them chosen.
    DeployTo(Vec<String>),
    /// Show this mini program's latest audit: opens the Audits panel with its row selected.
    ShowAudit(String),
    /// Set up this mini program (§8.7): opens the Merchants panel with its row selected and its set-up open.
    SetUp(String),
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

/// A panel of the console: one file under `src/ui/views/`, its strings, and one line in [`Views::default`].
/// It reads `&AppState`, keeps its own widget state in `self`, and says what should happen through the `Outbox`.
pub trait View: Any {
    /// Its stable id (also what the preferences remember).
    fn panel(&self) -> Panel;
    /// Its name in the navigation, in the current language.
    fn title(&self) -> &'static str;
    fn ui(&mut self, ui: &mut egui::Ui, state: &AppState, out: &mut Outbox);
    /// The panel was opened (from the navigation, a link, or restored at start); its first frame follows. The place
    /// to ask again for data that should be current whenever it is looked at.
    fn opened(&mut self, _state: &AppState, _out: &mut Outbox) {}
    /// Whether it takes the whole window right now, without the navigation (the presentation view's full screen).
    fn whole_window(&self) -> bool {
        false
    }
}

/// Every panel, in navigation order.
pub struct Views {
    list: Vec<Box<dyn View>>,
}

impl Default for Views {
    fn default() -> Self {
        Views {
            list: vec![
                Box::new(welcome::WelcomeView),
                Box::new(provider::ProviderView::default()),
                Box::new(merchants::MerchantsView::default()),
                Box::new(authorize::AuthorizeView::default()),
                Box::new(templates::TemplatesView::default()),
                Box::new(deployments::DeploymentsView::default()),
                Box::new(audits::AuditsView::default()),
                Box::new(registrations::RegistrationsView::default()),
                Box::new(jobs::JobsView::default()),
                Box::new(activity::ActivityView::default()),
            ],
        }
    }
}

impl Views {
    /// The panels with their titles, in navigation order.
    pub fn nav(&self) -> impl Iterator<Item = (Panel, &'static str)> + '_ {
        self.list.iter().map(|view| (view.panel(), view.title()))
    }

    /// The panel whose id is `id`, for restoring the preferences.
    pub fn known(&self, id: &str) -> Option<Panel> {
        self.list.iter().map(|view| view.panel()).find(|panel| panel.0 == id)
    }

    pub fn view_mut(&mut self, panel: Panel) -> Option<&mut dyn View> {
        self.list
            .iter_mut()
            .find(|view| view.panel() == panel)
            .map(|view| view.as_mut())
    }

    /// A view by its type, for the shell's few panel-specific actions and for tests.
    pub fn get<V: View>(&self) -> Option<&V> {
        self.list
            .iter()
            .find_map(|view| (view.as_ref() as &dyn Any).downcast_ref::<V>())
    }

    pub fn get_mut<V: View>(&mut self) -> Option<&mut V> {
        self.list
            .iter_mut()
            .find_map(|view| (view.as_mut() as &mut dyn Any).downcast_mut::<V>())
    }
}
