//! "Authorize a merchant…": the presentation view an operator turns toward a merchant. A large QR code of the H5
//! authorization link, the auth_type choice, the code's countdown (renewed by `AppState::tick` a minute before it
//! expires), full screen, save as PNG, copy link, and the line that turns into "✓ <merchant> authorized — <sets>".

use egui::{Color32, RichText};

use crate::engine::protocol::{AccountKind, AuthType, AuthorizeCommand, Command, PreAuthRequest, Preauth};
use crate::t;
use crate::ui::platform_text;
use crate::ui::qr::QrTexture;
use crate::ui::remote::Remote;
use crate::ui::state::{AppState, RENEW_BEFORE_SECS};
use crate::ui::theme::Tone;
use crate::ui::time_text;
use crate::ui::views::nav::connection_text;
use crate::ui::views::{Outbox, Panel, UiAction, View};
use crate::ui::widgets::{banner_ui, error_text, remote_line_ui, tone_text};

/// The permission sets a simulated mini program grants unless the operator changes them (§3.2): codes (17),
/// development (18), customer service (19) and account management (25), what a template deployment needs. Each is
/// one the simulator offers (a test below holds them to `platform_text::simulated_scan_ids`).
const DEFAULT_SCAN_SETS: [u32; 4] = [17, 18, 19, 25];
/// What a simulated official account grants by default (§3.1): messages (1), users (2), account services (3).
const DEFAULT_OA_SCAN_SETS: [u32; 3] = [1, 2, 3];

/// The view's own state.
#[derive(Default)]
pub struct AuthorizeView {
    pub qr: QrTexture,
    pub fullscreen: bool,
    /// The "Save as PNG…" row is open, with this path.
    pub save_path: Option<String>,
    /// The "Simulate the merchant's scan…" row is open, with these sets ticked.
    pub scan_sets: Option<Vec<u32>>,
}

impl Panel {
    /// The presentation view with the authorization QR code.
    pub const AUTHORIZE: Panel = Panel("authorize");
}

impl View for AuthorizeView {
    fn panel(&self) -> Panel {
        Panel::AUTHORIZE
    }

    fn title(&self) -> &'static str {
        t!("nav.authorize")
    }

    fn ui(&mut self, ui: &mut egui::Ui, state: &AppState, out: &mut Outbox) {
        if self.fullscreen {
            presentation_ui(ui, state, self, out);
        } else {
            authorize_ui(ui, state, self, out);
        }
    }

    fn whole_window(&self) -> bool {
        self.fullscreen
    }
}

fn authorize_ui(ui: &mut egui::Ui, state: &AppState, view: &mut AuthorizeView, out: &mut Outbox) {
    ui.horizontal(|ui| {
        ui.heading(t!("authorize.title"));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button(t!("authorize.fullscreen")).clicked() {
                out.act(UiAction::Fullscreen(true));
            }
        });
    });
    ui.label(RichText::new(t!("authorize.intro")).weak());
    ui.add_space(6.0);
    offline_ui(ui, state);
    auth_type_ui(ui, state, out);
    remote_line_ui(
        ui,
        &state.authorize.preauth,
        Some(Command::Authorize(AuthorizeCommand::CreatePreauth(
            state.authorize.request.clone(),
        ))),
        &mut out.commands,
    );
    ui.add_space(8.0);

    let side = (ui.available_height() - 150.0).clamp(220.0, 440.0);
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| qr_ui(ui, state, view, side));
        ui.add_space(20.0);
        ui.vertical(|ui| {
            ui.set_max_width(420.0);
            countdown_ui(ui, state);
            ui.add_space(10.0);
            outcome_ui(ui, state);
            ui.add_space(14.0);
            actions_ui(ui, state, view, out);
        });
    });
}

/// While the hub does not answer, a merchant's scan would not be seen here: say so before anyone scans.
fn offline_ui(ui: &mut egui::Ui, state: &AppState) {
    if state.is_connected() || state.profiles.profile.value().is_none() {
        return;
    }
    let (cause, _) = connection_text(state);
    banner_ui(ui, Tone::Warning, |ui| {
        ui.label(tone_text(t!("authorize.offline", cause = cause), Tone::Warning).strong());
    });
    ui.add_space(6.0);
}

/// Full screen: only what the merchant needs to see, large.
fn presentation_ui(ui: &mut egui::Ui, state: &AppState, view: &mut AuthorizeView, out: &mut Outbox) {
    ui.vertical_centered(|ui| {
        ui.add_space(24.0);
        ui.label(RichText::new(t!("authorize.merchant_prompt")).size(30.0).strong());
        ui.add_space(16.0);
        let side = (ui.available_height() - 170.0)
            .min(ui.available_width() - 40.0)
            .max(200.0);
        qr_ui(ui, state, view, side);
        ui.add_space(12.0);
        offline_ui(ui, state);
        countdown_ui(ui, state);
        outcome_ui(ui, state);
        ui.add_space(8.0);
        if ui.button(t!("authorize.exit_fullscreen")).clicked() {
            out.act(UiAction::Fullscreen(false));
        }
    });
}

fn auth_type_ui(ui: &mut egui::Ui, state: &AppState, out: &mut Outbox) {
    ui.horizontal(|ui| {
        ui.label(t!("authorize.auth_type"));
        let current = state.authorize.request.auth_type;
        for (auth_type, label) in [
            (AuthType::MiniProgram, t!("kind.mini_program")),
            (AuthType::OfficialAccount, t!("kind.official_account")),
            (AuthType::Both, t!("authorize.both")),
        ] {
            if ui.radio(current == auth_type, label).clicked() && current != auth_type {
                // A code is made for one auth_type (§2.3), so a new choice needs a new code.
                out.send(Command::Authorize(AuthorizeCommand::CreatePreauth(PreAuthRequest {
                    auth_type,
                    ..state.authorize.request.clone()
                })));
            }
        }
    });
}

fn usable(state: &AppState) -> Option<&Preauth> {
    state.authorize.preauth.value().filter(|p| p.expires_at > state.now)
}

fn qr_ui(ui: &mut egui::Ui, state: &AppState, view: &mut AuthorizeView, side: f32) {
    match usable(state) {
        Some(preauth) => {
            view.qr
                .show_ui(ui, &preauth.h5_url, side, state.hide_volatile)
                .on_hover_text(t!("authorize.qr_hover"));
        }
        None => {
            let (rect, _) = ui.allocate_exact_size(egui::Vec2::splat(side), egui::Sense::hover());
            ui.painter().rect_filled(rect, 6.0, Color32::from_gray(0xE6));
            let text = if state.authorize.preauth.is_loading() {
                t!("authorize.making_code")
            } else {
                t!("authorize.no_code")
            };
            ui.painter().text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                text,
                egui::FontId::proportional(16.0),
                Color32::from_gray(0x70),
            );
        }
    }
}

fn countdown_ui(ui: &mut egui::Ui, state: &AppState) {
    let Some(left) = state.authorize.secs_left(state.now) else {
        return;
    };
    if state.hide_volatile {
        ui.label(t!("authorize.valid_for", left = "—"));
        return;
    }
    if left <= 0 {
        ui.label(tone_text(t!("authorize.expired"), Tone::Bad));
    } else if left <= RENEW_BEFORE_SECS || state.authorize.preauth.is_loading() {
        ui.label(tone_text(
            t!("authorize.renewing", left = time_text::duration(left)),
            Tone::Pending,
        ));
    } else {
        ui.label(t!("authorize.valid_for", left = time_text::duration(left)));
    }
}

fn outcome_ui(ui: &mut egui::Ui, state: &AppState) {
    match &state.authorize.authorized {
        Some(notice) => {
            let sets: Vec<String> = notice
                .func_ids
                .iter()
                .map(|&id| platform_text::permission_name(id))
                .collect();
            let sets = if sets.is_empty() {
                t!("authorize.no_sets").to_owned()
            } else {
                sets.join(t!("common.list_separator"))
            };
            let line = if notice.updated {
                t!("authorize.updated", merchant = notice.nick_name, sets = sets)
            } else {
                t!("authorize.success", merchant = notice.nick_name, sets = sets)
            };
            banner_ui(ui, Tone::Good, |ui| {
                ui.add(egui::Label::new(RichText::new(line).size(18.0).color(Tone::Good.color())).wrap());
            });
        }
        // A still line, not a spinner: the view may stay open for many minutes, and an animation would repaint
        // the whole window sixty times a second all that time.
        None if usable(state).is_some() => {
            ui.label(tone_text(t!("authorize.waiting"), Tone::Pending).size(16.0));
        }
        None => {}
    }
}

fn actions_ui(ui: &mut egui::Ui, state: &AppState, view: &mut AuthorizeView, out: &mut Outbox) {
    let Some(preauth) = usable(state) else { return };
    ui.horizontal_wrapped(|ui| {
        if ui.button(t!("authorize.copy_link")).clicked() {
            ui.ctx().copy_text(preauth.h5_url.clone());
        }
        if ui.button(t!("authorize.open_pc")).clicked() {
            ui.ctx().open_url(egui::OpenUrl::new_tab(&preauth.pc_url));
        }
        if ui.button(t!("authorize.save_png")).clicked() {
            view.save_path = Some(view.save_path.take().unwrap_or_else(default_png_path));
        }
        if state.is_sandbox() && ui.button(t!("authorize.simulate")).clicked() {
            view.scan_sets = Some(match state.authorize.scan_kind() {
                AccountKind::MiniProgram => DEFAULT_SCAN_SETS.to_vec(),
                AccountKind::OfficialAccount => DEFAULT_OA_SCAN_SETS.to_vec(),
            });
        }
    });
    save_row_ui(ui, state, &mut view.save_path, &preauth.h5_url, out);
    if state.is_sandbox() {
        scan_row_ui(ui, state, view, preauth, out);
    }
}

/// The PNG row while `save_path` is open: where to write `link` as a QR code, and how the last save went. Shared by
/// authorization and registration tasks; both go through `AuthorizeCommand::SaveQrPng`.
pub fn save_row_ui(ui: &mut egui::Ui, state: &AppState, save_path: &mut Option<String>, link: &str, out: &mut Outbox) {
    let Some(path) = save_path.as_mut() else { return };
    let mut cancel = false;
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        let field = ui.add(
            egui::TextEdit::singleline(path)
                .desired_width(280.0)
                .hint_text(t!("authorize.png_path")),
        );
        let ready = !path.trim().is_empty();
        if ui.add_enabled(ready, egui::Button::new(t!("common.save"))).clicked()
            || (ready && field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)))
        {
            out.send(Command::Authorize(AuthorizeCommand::SaveQrPng {
                link: link.to_owned(),
                path: path.trim().into(),
            }));
        }
        cancel = ui.button(t!("common.cancel")).clicked();
    });
    if cancel {
        *save_path = None;
    }
    match &state.authorize.qr_saved {
        Remote::Ready(saved) => {
            ui.label(tone_text(t!("authorize.saved", path = saved.display()), Tone::Good));
        }
        Remote::Failed { error, .. } => {
            ui.label(tone_text(error_text(error), Tone::Bad));
        }
        _ => {}
    }
}

fn scan_row_ui(ui: &mut egui::Ui, state: &AppState, view: &mut AuthorizeView, preauth: &Preauth, out: &mut Outbox) {
    let Some(sets) = view.scan_sets.as_mut() else { return };
    ui.add_space(6.0);
    banner_ui(ui, Tone::Pending, |ui| {
        ui.label(t!("authorize.simulate_intro"));
        ui.horizontal(|ui| {
            let busy = state.authorize.scan.is_loading();
            if ui
                .add_enabled(!busy, egui::Button::new(t!("authorize.simulate_confirm")))
                .clicked()
            {
                sets.sort_unstable();
                out.send(Command::Authorize(AuthorizeCommand::SimulateScan {
                    pre_auth_code: preauth.pre_auth_code.clone(),
                    kind: state.authorize.scan_kind(),
                    func_ids: sets.clone(),
                }));
            }
            if busy {
                ui.spinner();
            }
        });
        if let Some(error) = state.authorize.scan.error() {
            ui.label(tone_text(error_text(error), Tone::Bad));
        }
        // Only the sets the simulator offers (it refuses others); a scrolling list keeps the confirm button in view.
        egui::ScrollArea::vertical()
            .id_salt("scan-sets")
            .max_height(170.0)
            .show(ui, |ui| {
                for &id in platform_text::simulated_scan_ids(state.authorize.scan_kind()) {
                    let mut granted = sets.contains(&id);
                    let label = format!("{id} · {}", platform_text::permission_name(id));
                    if ui.checkbox(&mut granted, label).changed() {
                        if granted {
                            sets.push(id);
                        } else {
                            sets.retain(|&s| s != id);
                        }
                    }
                }
            });
    });
}

/// `~/wxdesk-authorization-qr.png`, or a bare file name (the engine's working directory) without a home.
fn default_png_path() -> String {
    home_file("wxdesk-authorization-qr.png")
}

/// `name` in the user's home folder (the working folder when there is none): where a saved QR code goes by default.
pub fn home_file(name: &str) -> String {
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"));
    match home {
        Some(home) => std::path::Path::new(&home).join(name).display().to_string(),
        None => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_scan_sets_are_offered_by_the_simulator() {
        let defaults: [(&[u32], AccountKind); 2] = [
            (&DEFAULT_SCAN_SETS, AccountKind::MiniProgram),
            (&DEFAULT_OA_SCAN_SETS, AccountKind::OfficialAccount),
        ];
        for (ids, kind) in defaults {
            let offered = platform_text::simulated_scan_ids(kind);
            assert!(
                ids.iter().all(|id| offered.contains(id)),
                "{ids:?} not all in {offered:?}"
            );
        }
    }
}
