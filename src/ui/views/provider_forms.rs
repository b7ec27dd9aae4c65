//! The local and remote profile forms: masked secret fields, inline validation with the engine's own validators,
//! and save as a `Command` (the engine puts secrets in the OS keychain; the console never writes them anywhere).

use egui::RichText;

use crate::engine::protocol::{Command, FieldProblem, FormField, Invalid, LocalProfileForm, RemoteProfileForm, Secret};
use crate::t;
use crate::ui::remote::Remote;
use crate::ui::state::AppState;
use crate::ui::theme::Tone;
use crate::ui::views::Outbox;
use crate::ui::widgets::{error_text, tone_text};

/// The text in the form fields. Secrets live here only until saved, and are cleared once the engine stored them.
#[derive(Debug, Default)]
pub struct ProviderForms {
    pub local: LocalFields,
    pub remote: RemoteFields,
    /// The saved non-secret values were copied into the fields once.
    prefilled: bool,
    /// Show every field's problem, not only those of fields with text (after a save attempt).
    show_all_problems: bool,
    /// Which form the last save came from, so the result shows under it.
    last_saved: Option<FormKind>,
    /// The form whose save was sent and not yet answered. Its secrets are cleared once, when the answer is a success;
    /// `state.profile_saved` stays `Ready` afterwards, so clearing on `Ready` alone would wipe every later keystroke.
    awaiting_save: Option<FormKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FormKind {
    Local,
    Remote,
}

#[derive(Debug, Default)]
pub struct LocalFields {
    pub component_appid: String,
    pub component_appsecret: String,
    pub token: String,
    pub encoding_aes_key: String,
    pub listen: String,
    pub public_url: String,
}

impl LocalFields {
    pub fn form(&self) -> LocalProfileForm {
        LocalProfileForm {
            component_appid: self.component_appid.trim().to_owned(),
            component_appsecret: Secret::new(self.component_appsecret.trim()),
            token: Secret::new(self.token.trim()),
            encoding_aes_key: Secret::new(self.encoding_aes_key.trim()),
            listen: self.listen.trim().to_owned(),
            public_url: self.public_url.trim().to_owned(),
        }
    }
}

#[derive(Debug, Default)]
pub struct RemoteFields {
    pub hub_url: String,
    pub operator_key: String,
}

impl RemoteFields {
    pub fn form(&self) -> RemoteProfileForm {
        RemoteProfileForm {
            hub_url: self.hub_url.trim().to_owned(),
            operator_key: Secret::new(self.operator_key.trim()),
        }
    }
}

pub fn forms_ui(ui: &mut egui::Ui, state: &AppState, forms: &mut ProviderForms, out: &mut Outbox) {
    prefill(state, forms);
    clear_saved_secrets(state, forms);
    egui::CollapsingHeader::new(RichText::new(t!("provider.local_form")).strong())
        .id_salt("local-form")
        .show(ui, |ui| {
            ui.label(RichText::new(t!("provider.local_form_intro")).weak());
            local_form_ui(ui, state, forms, out);
        });
    egui::CollapsingHeader::new(RichText::new(t!("provider.remote_form")).strong())
        .id_salt("remote-form")
        .show(ui, |ui| {
            ui.label(RichText::new(t!("provider.remote_form_intro")).weak());
            remote_form_ui(ui, state, forms, out);
        });
}

/// Once the save this view sent is answered: on success the secrets are in the keychain and need not stay in this
/// process's memory; on failure they stay, so the operator can correct the form and save again.
///
/// The shell marks the request as loading at the end of the frame that sent it, before the next frame's view runs,
/// so the first answer seen here is the answer to that request (a fast engine may skip `Loading` on screen).
fn clear_saved_secrets(state: &AppState, forms: &mut ProviderForms) {
    let Some(kind) = forms.awaiting_save else { return };
    match state.profile_saved {
        Remote::Loading { .. } => {}
        Remote::Ready(_) => {
            forms.awaiting_save = None;
            match kind {
                FormKind::Local => {
                    forms.local.component_appsecret.clear();
                    forms.local.token.clear();
                    forms.local.encoding_aes_key.clear();
                }
                FormKind::Remote => forms.remote.operator_key.clear(),
            }
        }
        Remote::NotLoaded | Remote::Failed { .. } => forms.awaiting_save = None,
    }
}

fn prefill(state: &AppState, forms: &mut ProviderForms) {
    let Some(overview) = state.profiles.value() else { return };
    if forms.prefilled {
        return;
    }
    forms.prefilled = true;
    if let Some(local) = &overview.local {
        forms.local.component_appid = local.component_appid.clone();
        forms.local.listen = local.listen.clone();
        forms.local.public_url = local.public_url.clone();
    }
    if let Some(remote) = &overview.remote {
        forms.remote.hub_url = remote.hub_url.clone();
    }
}

fn local_form_ui(ui: &mut egui::Ui, state: &AppState, forms: &mut ProviderForms, out: &mut Outbox) {
    let problems = forms.local.form().problems();
    let show_all = forms.show_all_problems && forms.last_saved == Some(FormKind::Local);
    let fields = &mut forms.local;
    egui::Grid::new("local-form-grid")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            field_ui(
                ui,
                t!("form.component_appid"),
                &mut fields.component_appid,
                false,
                FormField::ComponentAppid,
                &problems,
                show_all,
            );
            field_ui(
                ui,
                t!("form.component_appsecret"),
                &mut fields.component_appsecret,
                true,
                FormField::ComponentAppsecret,
                &problems,
                show_all,
            );
            field_ui(
                ui,
                t!("form.token"),
                &mut fields.token,
                true,
                FormField::Token,
                &problems,
                show_all,
            );
            field_ui(
                ui,
                t!("form.encoding_aes_key"),
                &mut fields.encoding_aes_key,
                true,
                FormField::EncodingAesKey,
                &problems,
                show_all,
            );
            field_ui(
                ui,
                t!("form.listen"),
                &mut fields.listen,
                false,
                FormField::Listen,
                &problems,
                show_all,
            );
            field_ui(
                ui,
                t!("form.public_url"),
                &mut fields.public_url,
                false,
                FormField::PublicUrl,
                &problems,
                show_all,
            );
        });
    if save_row_ui(
        ui,
        state,
        forms,
        FormKind::Local,
        t!("provider.save_local"),
        problems.is_empty(),
    ) {
        forms.awaiting_save = Some(FormKind::Local);
        out.send(Command::SaveLocalProfile(forms.local.form()));
    }
}

fn remote_form_ui(ui: &mut egui::Ui, state: &AppState, forms: &mut ProviderForms, out: &mut Outbox) {
    let problems = forms.remote.form().problems();
    let show_all = forms.show_all_problems && forms.last_saved == Some(FormKind::Remote);
    let fields = &mut forms.remote;
    egui::Grid::new("remote-form-grid")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            field_ui(
                ui,
                t!("form.hub_url"),
                &mut fields.hub_url,
                false,
                FormField::HubUrl,
                &problems,
                show_all,
            );
            field_ui(
                ui,
                t!("form.operator_key"),
                &mut fields.operator_key,
                true,
                FormField::OperatorKey,
                &problems,
                show_all,
            );
        });
    if save_row_ui(
        ui,
        state,
        forms,
        FormKind::Remote,
        t!("provider.save_remote"),
        problems.is_empty(),
    ) {
        forms.awaiting_save = Some(FormKind::Remote);
        out.send(Command::SaveRemoteProfile(forms.remote.form()));
    }
}

/// One labelled field with its problem beside it. Secret fields are masked.
fn field_ui(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    secret: bool,
    field: FormField,
    problems: &[FieldProblem],
    show_all: bool,
) {
    let label = ui.label(label);
    ui.horizontal(|ui| {
        ui.add(egui::TextEdit::singleline(text).password(secret).desired_width(320.0))
            .labelled_by(label.id);
        let problem = problems.iter().find(|p| p.field == field);
        if let Some(problem) = problem
            && (show_all || !text.is_empty())
        {
            ui.label(tone_text(invalid_text(problem.problem), Tone::Bad));
        }
    });
    ui.end_row();
}

/// The save button and the last save's outcome. Returns true when the operator saved a valid form.
fn save_row_ui(
    ui: &mut egui::Ui,
    state: &AppState,
    forms: &mut ProviderForms,
    kind: FormKind,
    label: &str,
    valid: bool,
) -> bool {
    let mut save = false;
    ui.horizontal(|ui| {
        let busy = state.profile_saved.is_loading();
        if ui.add_enabled(!busy, egui::Button::new(label)).clicked() {
            forms.last_saved = Some(kind);
            forms.show_all_problems = !valid;
            save = valid;
        }
        if busy && forms.last_saved == Some(kind) {
            ui.spinner();
        }
    });
    if forms.last_saved == Some(kind) {
        match &state.profile_saved {
            Remote::Ready(_) => {
                ui.label(tone_text(t!("provider.saved"), Tone::Good));
            }
            Remote::Failed { error, .. } => {
                ui.label(tone_text(error_text(error), Tone::Bad));
            }
            _ => {}
        }
    }
    save
}

/// A validator's verdict in the current language.
pub fn invalid_text(problem: Invalid) -> String {
    match problem {
        Invalid::Empty => t!("validation.empty").to_owned(),
        Invalid::Length { min, max } if min == max => t!("validation.length_exact", len = min),
        Invalid::Length { min, max } => t!("validation.length", min = min, max = max),
        Invalid::Characters => t!("validation.characters").to_owned(),
        Invalid::Prefix => t!("validation.prefix").to_owned(),
        Invalid::Url => t!("validation.url").to_owned(),
        Invalid::Scheme => t!("validation.scheme").to_owned(),
        Invalid::Port => t!("validation.port").to_owned(),
        Invalid::Address => t!("validation.address").to_owned(),
    }
}
