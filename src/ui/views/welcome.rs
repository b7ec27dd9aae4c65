//! The welcome view shown on first run: what the sandbox is, and how to connect a real hub.

use egui::RichText;

use crate::t;
use crate::ui::state::AppState;
use crate::ui::theme::Tone;
use crate::ui::views::{Outbox, Panel, UiAction, View};
use crate::ui::widgets::banner_ui;

impl Panel {
    pub const WELCOME: Panel = Panel("welcome");
}

/// What the sandbox is, and how to connect a real hub; shown on first run.
pub struct WelcomeView;

impl View for WelcomeView {
    fn panel(&self) -> Panel {
        Panel::WELCOME
    }

    fn title(&self) -> &'static str {
        t!("nav.welcome")
    }

    fn ui(&mut self, ui: &mut egui::Ui, state: &AppState, out: &mut Outbox) {
        welcome_ui(ui, state, out);
    }
}

fn welcome_ui(ui: &mut egui::Ui, state: &AppState, out: &mut Outbox) {
    egui::ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
        ui.set_max_width(760.0);
        ui.add_space(8.0);
        ui.heading(t!("welcome.title"));
        ui.add_space(4.0);
        ui.label(t!("welcome.intro"));
        ui.add_space(12.0);

        if state.is_sandbox() {
            banner_ui(ui, Tone::Pending, |ui| {
                ui.label(RichText::new(t!("welcome.sandbox_active")).color(Tone::Pending.color()));
            });
            ui.add_space(12.0);
        }

        section_ui(ui, t!("welcome.sandbox_heading"), t!("welcome.sandbox_body"));
        ui.horizontal(|ui| {
            if ui.button(t!("welcome.open_merchants")).clicked() {
                out.act(UiAction::Go(Panel::MERCHANTS));
            }
            if ui.button(t!("welcome.try_authorize")).clicked() {
                out.act(UiAction::Go(Panel::AUTHORIZE));
            }
        });
        ui.add_space(16.0);

        section_ui(ui, t!("welcome.real_heading"), t!("welcome.real_body"));
        ui.label(RichText::new(t!("welcome.real_local")));
        ui.label(RichText::new(t!("welcome.real_remote")));
        ui.add_space(6.0);
        if ui.button(t!("welcome.connect")).clicked() {
            out.act(UiAction::Go(Panel::PROVIDER));
        }
    });
}

fn section_ui(ui: &mut egui::Ui, heading: &str, body: &str) {
    ui.label(RichText::new(heading).size(16.5).strong());
    ui.add_space(2.0);
    ui.label(body);
    ui.add_space(6.0);
}
