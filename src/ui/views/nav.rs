//! The left navigation: the panels, the active profile and its connection, and the language switcher.

use egui::{RichText, Sense};

use crate::engine::protocol::{ConnectionState, ProfileId};
use crate::t;
use crate::ui::i18n::{self, Lang};
use crate::ui::prefs::Panel;
use crate::ui::remote::Remote;
use crate::ui::state::AppState;
use crate::ui::theme::Tone;
use crate::ui::views::{Outbox, UiAction};
use crate::ui::widgets::tone_text;

pub fn panel_title(panel: Panel) -> &'static str {
    match panel {
        Panel::Welcome => t!("nav.welcome"),
        Panel::Provider => t!("nav.provider"),
        Panel::Merchants => t!("nav.merchants"),
        Panel::Authorize => t!("nav.authorize"),
        Panel::Activity => t!("nav.activity"),
    }
}

pub fn profile_name(id: ProfileId) -> &'static str {
    match id {
        ProfileId::Sandbox => t!("profile.sandbox"),
        ProfileId::Local => t!("profile.local"),
        ProfileId::Remote => t!("profile.remote"),
    }
}

pub fn nav_ui(ui: &mut egui::Ui, state: &AppState, current: Panel, out: &mut Outbox) {
    ui.add_space(10.0);
    ui.label(RichText::new("wxdesk").heading().strong());
    ui.label(RichText::new(t!("app.tagline")).small().weak());
    ui.add_space(12.0);
    for panel in Panel::NAV {
        let selected = panel == current;
        let label = RichText::new(panel_title(panel)).size(15.0);
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
    let (text, tone) = match (&state.profile, &state.connection) {
        (Remote::Loading { .. }, _) => (t!("connection.starting").to_owned(), Tone::Pending),
        (Remote::Failed { error, .. }, _) => (crate::ui::widgets::error_text(error), Tone::Bad),
        (_, Some(ConnectionState::Connected)) => (t!("connection.connected").to_owned(), Tone::Good),
        (_, Some(ConnectionState::Retrying { retry_in_secs, .. })) => {
            (t!("connection.retrying", secs = retry_in_secs), Tone::Warning)
        }
        (Remote::Ready(_), _) | (_, Some(ConnectionState::Connecting)) => {
            (t!("connection.connecting").to_owned(), Tone::Pending)
        }
        _ => (t!("connection.idle").to_owned(), Tone::Neutral),
    };
    ui.add(egui::Label::new(tone_text(format!("● {text}"), tone).small()).wrap());
    let profile = state.activating.or_else(|| state.profile.value().map(|p| p.id));
    if let Some(id) = profile {
        ui.label(RichText::new(profile_name(id)).small().strong());
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
