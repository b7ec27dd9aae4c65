//! The left navigation: the panels, the active profile and its connection, and the language switcher.

use egui::{RichText, Sense};

use crate::engine::protocol::{ConnectionState, ErrorKind, ProfileId};
use crate::t;
use crate::ui::i18n::{self, Lang};
use crate::ui::remote::Remote;
use crate::ui::state::AppState;
use crate::ui::theme::Tone;
use crate::ui::views::Panel;
use crate::ui::views::{Outbox, UiAction};
use crate::ui::widgets::tone_text;

pub fn profile_name(id: ProfileId) -> &'static str {
    match id {
        ProfileId::Sandbox => t!("profile.sandbox"),
        ProfileId::Local => t!("profile.local"),
        ProfileId::Remote => t!("profile.remote"),
    }
}

pub fn nav_ui(ui: &mut egui::Ui, state: &AppState, panels: &[(Panel, &'static str)], current: Panel, out: &mut Outbox) {
    ui.add_space(10.0);
    ui.label(RichText::new("wxdesk").heading().strong());
    ui.label(RichText::new(t!("app.tagline")).small().weak());
    ui.add_space(12.0);
    for &(panel, title) in panels {
        let selected = panel == current;
        let label = RichText::new(title).size(15.0);
        let response = ui.add_sized([ui.available_width(), 30.0], egui::Button::selectable(selected, label));
        if response.clicked() && !selected {
            out.act(UiAction::Go(panel));
        }
    }
    ui.with_layout(egui::Layout::bottom_up(egui::Align::LEFT), |ui| {
        ui.add_space(8.0);
        language_ui(ui, out);
        ui.separator();
        connection_ui(ui, state);
    });
}

fn connection_ui(ui: &mut egui::Ui, state: &AppState) {
    let (text, tone) = connection_text(state);
    ui.add(egui::Label::new(tone_text(format!("● {text}"), tone).small()).wrap());
    let profile = state
        .profiles
        .activating
        .or_else(|| state.profiles.profile.value().map(|p| p.id));
    if let Some(id) = profile {
        ui.label(RichText::new(profile_name(id)).small().strong());
    }
}

/// The connection's state and its cause, where the staff member looks: a refused key is not a network outage.
pub fn connection_text(state: &AppState) -> (String, Tone) {
    match (&state.profiles.profile, &state.connection) {
        (Remote::Loading { .. }, _) => (t!("connection.starting").to_owned(), Tone::Pending),
        (Remote::Failed { error, .. }, _) => (crate::ui::widgets::error_text(error), Tone::Bad),
        (_, Some(ConnectionState::Connected)) => (t!("connection.connected").to_owned(), Tone::Good),
        (_, Some(ConnectionState::Retrying { retry_at, error, .. })) => {
            let secs = (retry_at - state.now).max(0);
            let text = match error.kind {
                ErrorKind::Unauthorized => t!("connection.key_refused", secs = secs),
                _ => t!("connection.retrying", secs = secs),
            };
            (text, Tone::Warning)
        }
        (Remote::Ready(_), _) | (_, Some(ConnectionState::Connecting)) => {
            (t!("connection.connecting").to_owned(), Tone::Pending)
        }
        _ => (t!("connection.idle").to_owned(), Tone::Neutral),
    }
}

fn language_ui(ui: &mut egui::Ui, out: &mut Outbox) {
    ui.horizontal(|ui| {
        for lang in Lang::ALL {
            let selected = i18n::current() == lang;
            let response = ui.add(egui::Button::selectable(selected, lang.native_name()).sense(Sense::click()));
            if response.clicked() && !selected {
                out.act(UiAction::SetLang(lang));
            }
        }
    });
}
