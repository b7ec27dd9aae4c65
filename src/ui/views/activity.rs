//! The Activity panel: the hub's operator log (who did what, when, with what result) and the latest hub events.

use egui::RichText;
use egui_extras::{Column, TableBuilder};

use crate::engine::protocol::{ActivityEntry, Command, HubEvent};
use crate::t;
use crate::ui::state::AppState;
use crate::ui::theme::Tone;
use crate::ui::time_text;
use crate::ui::views::Outbox;
use crate::ui::widgets::{remote_line_ui, tone_text};

pub fn activity_ui(ui: &mut egui::Ui, state: &AppState, out: &mut Outbox) {
    ui.horizontal(|ui| {
        ui.heading(t!("activity.title"));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let can_refresh = state.profile.value().is_some() && !state.activity.is_loading();
            if ui
                .add_enabled(can_refresh, egui::Button::new(t!("common.refresh")))
                .clicked()
            {
                out.send(Command::LoadActivity);
            }
        });
    });
    ui.label(RichText::new(t!("activity.intro")).weak());
    remote_line_ui(ui, &state.activity, Some(Command::LoadActivity), &mut out.commands);

    if !state.hub_events.is_empty() {
        egui::Panel::bottom("hub-events")
            .resizable(true)
            .default_size(180.0)
            .show(ui, |ui| {
                ui.add_space(4.0);
                ui.label(RichText::new(t!("activity.events_title")).strong());
                events_ui(ui, state);
            });
    }
    let entries = state.activity.value().map(Vec::as_slice).unwrap_or_default();
    if entries.is_empty() {
        if !state.activity.is_loading() {
            ui.add_space(16.0);
            ui.label(RichText::new(t!("activity.empty")).weak());
        }
        return;
    }
    log_ui(ui, entries, state.hide_volatile);
}

fn log_ui(ui: &mut egui::Ui, entries: &[ActivityEntry], hide_volatile: bool) {
    TableBuilder::new(ui)
        .id_salt("activity-table")
        .striped(true)
        .resizable(true)
        .stick_to_bottom(true)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::initial(150.0))
        .column(Column::initial(110.0).clip(true))
        .column(Column::initial(170.0).clip(true))
        .column(Column::initial(190.0).clip(true))
        .column(Column::remainder().clip(true))
        .header(26.0, |mut header| {
            for title in [
                t!("activity.col_at"),
                t!("activity.col_operator"),
                t!("activity.col_action"),
                t!("activity.col_target"),
                t!("activity.col_result"),
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(24.0, entries.len(), |mut row| {
                let entry = &entries[row.index()];
                row.col(|ui| {
                    ui.label(if hide_volatile {
                        "—".to_owned()
                    } else {
                        time_text::datetime(entry.at)
                    });
                });
                row.col(|ui| {
                    ui.label(&entry.operator);
                });
                row.col(|ui| {
                    ui.label(&entry.action);
                });
                row.col(|ui| {
                    ui.label(RichText::new(entry.target.as_deref().unwrap_or("—")).monospace());
                });
                row.col(|ui| {
                    let tone = if entry.result == "ok" { Tone::Good } else { Tone::Bad };
                    ui.label(tone_text(&entry.result, tone));
                });
            });
        });
}

fn events_ui(ui: &mut egui::Ui, state: &AppState) {
    egui::ScrollArea::vertical()
        .id_salt("hub-events-scroll")
        .stick_to_bottom(true)
        .auto_shrink(false)
        .show(ui, |ui| {
            for event in &state.hub_events {
                ui.horizontal(|ui| {
                    let at = if state.hide_volatile {
                        "—".to_owned()
                    } else {
                        time_text::datetime(event.at)
                    };
                    ui.label(RichText::new(at).small().weak());
                    let (text, tone) = event_text(event);
                    ui.label(tone_text(text, tone));
                });
            }
        });
}

fn event_text(event: &HubEvent) -> (String, Tone) {
    use crate::engine::protocol::hub_event_kind as kind;
    let who = event
        .nick_name
        .clone()
        .or_else(|| event.authorizer_appid.clone())
        .unwrap_or_default();
    match event.kind.as_str() {
        kind::AUTHORIZED => (t!("activity.ev_authorized", merchant = who), Tone::Good),
        kind::UPDATE_AUTHORIZED => (t!("activity.ev_updated", merchant = who), Tone::Good),
        kind::UNAUTHORIZED => (t!("activity.ev_unauthorized", merchant = who), Tone::Bad),
        kind::TICKET_RECEIVED => (t!("activity.ev_ticket").to_owned(), Tone::Neutral),
        kind::TOKEN_REFRESHED => (t!("activity.ev_token").to_owned(), Tone::Neutral),
        kind::AUDIT_SUCCESS => (t!("activity.ev_audit_success", merchant = who), Tone::Good),
        kind::AUDIT_FAIL => (t!("activity.ev_audit_fail", merchant = who), Tone::Bad),
        kind::AUDIT_DELAY => (t!("activity.ev_audit_delay", merchant = who), Tone::Warning),
        kind::REGISTRATION_RESULT => (t!("activity.ev_registration", merchant = who), Tone::Pending),
        kind::ERROR => (t!("activity.ev_error").to_owned(), Tone::Bad),
        other => (other.to_owned(), Tone::Neutral),
    }
}
