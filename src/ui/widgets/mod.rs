//! Small widgets every panel shares: status text in the theme's tones, the line that says a request is loading or
//! why it failed, and the translation of engine errors into what happened and what to do; and, one file each, the
//! larger parts: chips, the confirmation dialog, the progress bar and the table.

pub mod chip;
pub mod confirm;
pub mod progress;
pub mod table;

pub use chip::chip_ui;

use egui::{Color32, CornerRadius, Margin, RichText};

use crate::engine::protocol::{Command, EngineError, ErrorKind};
use crate::t;
use crate::ui::platform_text;
use crate::ui::remote::Remote;
use crate::ui::theme::Tone;

/// Text in a status tone.
pub fn tone_text(text: impl Into<String>, tone: Tone) -> RichText {
    RichText::new(text.into()).color(tone.color())
}

/// A banner across the panel: a pale tone fill with text in the tone's colour.
pub fn banner_ui(ui: &mut egui::Ui, tone: Tone, add: impl FnOnce(&mut egui::Ui)) {
    egui::Frame::new()
        .fill(tone.fill())
        .corner_radius(CornerRadius::same(6))
        .inner_margin(Margin::symmetric(12, 8))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            add(ui)
        });
}

/// What a failed request means for the operator: what happened, and what to do when there is something to do.
pub fn error_text(error: &EngineError) -> String {
    let what = match error.kind {
        ErrorKind::Network => t!("errors.network"),
        ErrorKind::Timeout => t!("errors.timeout"),
        ErrorKind::Unauthorized => t!("errors.unauthorized"),
        ErrorKind::Hub { .. } => t!("errors.hub"),
        ErrorKind::WeChat { errcode } => {
            return wechat_error_text(errcode, error.detail.as_deref().unwrap_or(&error.message));
        }
        ErrorKind::Keychain => t!("errors.keychain"),
        ErrorKind::Validation { .. } => t!("errors.validation"),
        ErrorKind::NotConfigured => t!("errors.not_configured"),
        ErrorKind::NoProfile => t!("errors.no_profile"),
        ErrorKind::NotSandbox => t!("errors.not_sandbox"),
        ErrorKind::Startup => t!("errors.startup"),
        ErrorKind::Storage => t!("errors.storage"),
        ErrorKind::Io => t!("errors.io"),
        ErrorKind::Decode => t!("errors.decode"),
        ErrorKind::Stopped => t!("errors.stopped"),
    };
    // The engine's English message and the technical chain are behind `error_detail_ui`; bad fields are named.
    if error.fields.is_empty() {
        return what.to_owned();
    }
    let fields: Vec<String> = error
        .fields
        .iter()
        .map(|(field, problem)| format!("{field}: {problem}"))
        .collect();
    format!("{what} ({})", fields.join("; "))
}

/// The engine's own words and the technical chain of an error, folded away: the staff member reads the
/// translated sentence, an engineer opens this.
pub fn error_detail_ui(ui: &mut egui::Ui, error: &EngineError) {
    egui::CollapsingHeader::new(RichText::new(t!("errors.details")).small().weak())
        .id_salt(("error-detail", error.message.as_str()))
        .show(ui, |ui| {
            let mut text = error.message.clone();
            if let Some(detail) = &error.detail {
                text.push('\n');
                text.push_str(detail);
            }
            ui.label(RichText::new(text).small().monospace().weak());
        });
}

/// An errcode with the wire layer's explanation and advice, or the raw message for an unknown code.
pub fn wechat_error_text(errcode: i64, message: &str) -> String {
    match platform_text::errcode(errcode) {
        Some((meaning, action)) => t!(
            "errors.wechat_known",
            errcode = errcode,
            meaning = meaning,
            action = action
        ),
        None => t!("errors.wechat_unknown", errcode = errcode, message = message),
    }
}

/// One line under a panel's heading for a remote value: a spinner while loading, the error with a retry button
/// when the last request failed, nothing when all is well.
pub fn remote_line_ui<T>(ui: &mut egui::Ui, remote: &Remote<T>, retry: Option<Command>, commands: &mut Vec<Command>) {
    match remote {
        Remote::Loading { .. } => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(RichText::new(t!("common.loading")).weak());
            });
        }
        Remote::Failed { error, .. } => {
            ui.horizontal_wrapped(|ui| {
                ui.label(tone_text(error_text(error), Tone::Bad));
                if let Some(command) = retry
                    && ui.button(t!("common.retry")).clicked()
                {
                    commands.push(command);
                }
            });
            error_detail_ui(ui, error);
        }
        Remote::NotLoaded | Remote::Ready(_) => {}
    }
}

/// A key–value row of a details grid.
pub fn field_row_ui(ui: &mut egui::Ui, key: &str, value: impl Into<egui::WidgetText>) {
    ui.label(RichText::new(key).color(Color32::from_gray(0x70)));
    ui.label(value);
    ui.end_row();
}
