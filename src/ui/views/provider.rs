//! The Provider panel: which hub the console talks to (sandbox, local, remote), that hub's health — ticket age,
//! component token expiry, last error explained — and the forms that configure the local and remote profiles.

use egui::RichText;

use crate::engine::protocol::{Command, HubStatus, ProfileId, ProfilesCommand, StatusCommand, TicketRequest};
use crate::t;
use crate::ui::remote::Remote;
use crate::ui::state::{AppState, TICKET_STALE_AFTER_SECS};
use crate::ui::theme::Tone;
use crate::ui::time_text;
use crate::ui::views::nav::{connection_text, profile_name};
use crate::ui::views::provider_forms::{self, ProviderForms};
use crate::ui::views::{Outbox, Panel, View};
use crate::ui::widgets::{banner_ui, field_row_ui, remote_line_ui, tone_text, wechat_error_text};

impl Panel {
    pub const PROVIDER: Panel = Panel("provider");
}

/// Which hub, its health, and the forms of the local and remote profiles.
#[derive(Default)]
pub struct ProviderView {
    pub forms: ProviderForms,
    /// The readiness checklist's editor of the platform-level domains.
    pub domains: super::readiness::DomainsEditor,
}

impl View for ProviderView {
    fn panel(&self) -> Panel {
        Panel::PROVIDER
    }

    fn title(&self) -> &'static str {
        t!("nav.provider")
    }

    fn ui(&mut self, ui: &mut egui::Ui, state: &AppState, out: &mut Outbox) {
        provider_ui(ui, state, &mut self.forms, &mut self.domains, out);
        super::readiness::domains_confirm_ui(ui.ctx(), &mut self.domains, out);
    }
}

fn provider_ui(
    ui: &mut egui::Ui,
    state: &AppState,
    forms: &mut ProviderForms,
    domains: &mut super::readiness::DomainsEditor,
    out: &mut Outbox,
) {
    egui::ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
        ui.set_max_width(820.0);
        ui.heading(t!("provider.title"));
        ui.add_space(6.0);
        profiles_ui(ui, state, out);
        ui.add_space(14.0);
        health_ui(ui, state, out);
        ui.add_space(14.0);
        super::readiness::readiness_ui(ui, state, domains, out);
        ui.add_space(14.0);
        if let Some(problem) = state
            .profiles
            .overview
            .value()
            .and_then(|o| o.keychain_problem.as_ref())
        {
            banner_ui(ui, Tone::Warning, |ui| {
                ui.label(tone_text(t!("provider.no_keychain"), Tone::Warning).strong());
                ui.label(RichText::new(&problem.message).color(Tone::Warning.color()));
            });
            ui.add_space(8.0);
        }
        provider_forms::forms_ui(ui, state, forms, out);
    });
}

fn profiles_ui(ui: &mut egui::Ui, state: &AppState, out: &mut Outbox) {
    let active = state.profiles.profile.value().map(|p| p.id);
    let overview = state.profiles.overview.value();
    ui.label(RichText::new(t!("provider.profile")).strong());
    ui.horizontal(|ui| {
        for id in [ProfileId::Sandbox, ProfileId::Local, ProfileId::Remote] {
            let configured = match id {
                ProfileId::Sandbox => true,
                ProfileId::Local => overview.is_some_and(|o| o.local.is_some()),
                ProfileId::Remote => overview.is_some_and(|o| o.remote.is_some()),
            };
            let busy = state.profiles.activating.is_some();
            let button = egui::Button::selectable(active == Some(id), profile_name(id));
            let response = ui.add_enabled(configured && !busy, button);
            let response = if configured {
                response
            } else {
                response.on_disabled_hover_text(t!("provider.configure_first"))
            };
            if response.clicked() && active != Some(id) {
                out.send(Command::Profiles(ProfilesCommand::Activate(id)));
            }
        }
        if state.profiles.activating.is_some() {
            ui.spinner();
        }
    });
    ui.label(RichText::new(profile_blurb(active.unwrap_or_default())).weak());
    remote_line_ui(ui, &state.profiles.profile, None, &mut out.commands);
    if let Some(info) = state.profiles.profile.value() {
        egui::Grid::new("profile-info")
            .num_columns(2)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                let url = if state.hide_volatile {
                    "—".to_owned()
                } else {
                    info.hub_url.clone()
                };
                field_row_ui(ui, t!("provider.hub_url"), RichText::new(url).monospace());
                // The sandbox's appid is random per start.
                let appid = if state.hide_volatile && info.is_sandbox {
                    "—"
                } else {
                    info.component_appid.as_str()
                };
                field_row_ui(ui, t!("provider.component_appid"), RichText::new(appid).monospace());
            });
    }
}

fn profile_blurb(id: ProfileId) -> &'static str {
    match id {
        ProfileId::Sandbox => t!("provider.sandbox_blurb"),
        ProfileId::Local => t!("provider.local_blurb"),
        ProfileId::Remote => t!("provider.remote_blurb"),
    }
}

fn health_ui(ui: &mut egui::Ui, state: &AppState, out: &mut Outbox) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(t!("provider.health")).strong());
        let can_refresh = state.profiles.profile.value().is_some() && !state.status.status.is_loading();
        if ui
            .add_enabled(can_refresh, egui::Button::new(t!("common.refresh")))
            .clicked()
        {
            out.send(Command::Status(StatusCommand::Refresh));
        }
    });
    let refresh = Command::Status(StatusCommand::Refresh);
    remote_line_ui(ui, &state.status.status, Some(refresh), &mut out.commands);
    let Some(status) = state.status.status.value() else {
        if matches!(state.status.status, Remote::NotLoaded) {
            ui.label(RichText::new(t!("provider.no_status")).weak());
        }
        return;
    };
    // Values from a hub that does not answer now are what it said last; they must not look current.
    let stale = !state.is_connected() && state.profiles.profile.value().is_some();
    if stale {
        let (cause, _) = connection_text(state);
        banner_ui(ui, Tone::Warning, |ui| {
            ui.label(tone_text(t!("provider.stale", cause = cause), Tone::Warning));
        });
    }
    let tone = |tone: Tone| if stale { Tone::Neutral } else { tone };
    egui::Grid::new("hub-health")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let (ticket, ticket_tone) = ticket_text(state, status);
            field_row_ui(ui, t!("provider.ticket"), tone_text(ticket, tone(ticket_tone)));
            let (token, token_tone) = token_text(state, status);
            field_row_ui(ui, t!("provider.token"), tone_text(token, tone(token_tone)));
            let (error, error_tone) = match &status.last_error {
                None => (t!("provider.no_error").to_owned(), Tone::Good),
                Some(last) => {
                    let text = match last.errcode {
                        Some(code) => wechat_error_text(code, &last.message),
                        None => last.message.clone(),
                    };
                    let at = match state.hide_volatile {
                        false => format!(" ({})", time_text::datetime(last.at)),
                        true => String::new(),
                    };
                    (format!("{text}{at}"), Tone::Bad)
                }
            };
            ui.label(RichText::new(t!("provider.last_error")).color(egui::Color32::from_gray(0x70)));
            ui.add(egui::Label::new(tone_text(error, tone(error_tone))).wrap());
            ui.end_row();
        });
}

fn ticket_text(state: &AppState, status: &HubStatus) -> (String, Tone) {
    match state.ticket_age_secs() {
        // Say what the hub did about it, when it did something: the URL may be fine and the ticket on its way.
        None => match &status.ticket_request {
            None => (t!("provider.no_ticket").to_owned(), Tone::Warning),
            Some(TicketRequest { error: None, .. }) => (t!("provider.no_ticket_requested").to_owned(), Tone::Warning),
            Some(TicketRequest { error: Some(error), .. }) => {
                let error = match error.errcode {
                    Some(code) => wechat_error_text(code, &error.message),
                    None => error.message.clone(),
                };
                (t!("provider.no_ticket_request_failed", error = error), Tone::Bad)
            }
        },
        Some(_) if state.hide_volatile => ("—".to_owned(), Tone::Good),
        Some(age) if age > TICKET_STALE_AFTER_SECS => (
            t!("provider.ticket_stale", age = time_text::duration(age)),
            Tone::Warning,
        ),
        Some(age) => (t!("provider.ticket_age", age = time_text::duration(age)), Tone::Good),
    }
}

fn token_text(state: &AppState, status: &HubStatus) -> (String, Tone) {
    match status.component_token {
        None => (t!("provider.no_token").to_owned(), Tone::Warning),
        Some(_) if state.hide_volatile => ("—".to_owned(), Tone::Good),
        Some(token) if token.expires_at <= state.now => (t!("provider.token_expired").to_owned(), Tone::Warning),
        Some(token) => (
            t!(
                "provider.token_valid",
                left = time_text::duration(token.expires_at - state.now)
            ),
            Tone::Good,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::protocol::TicketRequestError;

    fn without_ticket(ticket_request: Option<TicketRequest>) -> HubStatus {
        HubStatus {
            component_appid: "wx0000000000000001".into(),
            ticket: None,
            component_token: None,
            last_error: None,
            now: 1_000,
            audit_quota: None,
            ticket_request,
        }
    }

    #[test]
    fn without_a_ticket_the_hint_says_what_the_hub_did() {
        let state = AppState::default();
        let (untried, _) = ticket_text(&state, &without_ticket(None));
        assert_eq!(untried, t!("provider.no_ticket"));
        let asked = without_ticket(Some(TicketRequest {
            requested_at: 990,
            error: None,
        }));
        let (asked, tone) = ticket_text(&state, &asked);
        assert!(asked.contains("api_start_push_ticket"), "{asked}");
        assert_eq!(tone, Tone::Warning);
        let refused = without_ticket(Some(TicketRequest {
            requested_at: 990,
            error: Some(TicketRequestError {
                errcode: Some(61004),
                message: "access clientip is not registered".into(),
            }),
        }));
        let (refused, tone) = ticket_text(&state, &refused);
        assert!(
            refused.contains("api_start_push_ticket") && refused.contains("61004"),
            "{refused}"
        );
        assert_eq!(tone, Tone::Bad);
    }
}
