//! The Audits panel's detail pane: the selected mini program's audit, its reasons as a numbered list, and its
//! screenshots as thumbnails (each made into a texture once, by media id) that open large in a window. A screenshot
//! the hub has not fetched from WeChat yet shows a placeholder that says so, not an error.

use egui::load::SizedTexture;
use egui::{ColorImage, RichText, Sense, TextureOptions, Vec2};

use crate::engine::protocol::{Audit, AuditsCommand, Command, Screenshot, ScreenshotPixels};
use crate::t;
use crate::ui::remote::Remote;
use crate::ui::state::AppState;
use crate::ui::theme::Tone;
use crate::ui::time_text;
use crate::ui::views::Outbox;
use crate::ui::views::audits::{AuditsView, status_of, waiting_secs, waiting_text};
use crate::ui::widgets::chip::status_chip_ui;
use crate::ui::widgets::{error_text, field_row_ui, tone_text};

/// A thumbnail's height; screenshots are phone screens, taller than wide.
const THUMB_HEIGHT: f32 = 150.0;

/// The pane on the right of the table, for the one selected row. Panels are laid out before what they border, so
/// this runs before the table.
pub fn detail_pane_ui(ui: &mut egui::Ui, state: &AppState, view: &mut AuditsView, out: &mut Outbox) {
    let Some(audit) = view
        .table
        .selection
        .single()
        .and_then(|appid| state.audits.audit(appid))
    else {
        return;
    };
    let mut close = false;
    egui::Panel::right("audit-detail")
        .resizable(true)
        .default_size(380.0)
        .min_size(280.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("audit-detail-scroll")
                .show(ui, |ui| {
                    close = detail_ui(ui, audit, state, view, out);
                });
        });
    enlarged_ui(ui.ctx(), view);
    if close {
        view.table.selection.clear();
    }
}

/// Returns true when the operator closed the pane.
fn detail_ui(ui: &mut egui::Ui, audit: &Audit, state: &AppState, view: &mut AuditsView, out: &mut Outbox) -> bool {
    let mut close = false;
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(audit.nick_name.as_deref().unwrap_or(&audit.appid))
                .size(18.0)
                .strong(),
        );
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            close = ui.button(t!("common.close")).clicked();
        });
    });
    ui.add_space(4.0);
    fields_ui(ui, audit, state);
    if !audit.reasons.is_empty() {
        ui.add_space(8.0);
        ui.label(RichText::new(t!("audits.reasons", count = audit.reasons.len())).strong());
        for (number, reason) in numbered(&audit.reasons) {
            ui.horizontal_top(|ui| {
                ui.label(RichText::new(format!("{number}.")).strong());
                ui.add(egui::Label::new(reason).wrap());
            });
        }
    }
    if !audit.screenshots.is_empty() {
        ui.add_space(8.0);
        ui.label(RichText::new(t!("audits.screenshots", count = audit.screenshots.len())).strong());
        ui.horizontal_wrapped(|ui| {
            for (index, media_id) in audit.screenshots.iter().enumerate() {
                screenshot_ui(ui, audit, index + 1, media_id, state, view, out);
            }
        });
    }
    crate::ui::views::audit_actions::actions_ui(ui, audit, state, view);
    close
}

fn fields_ui(ui: &mut egui::Ui, audit: &Audit, state: &AppState) {
    let when = |secs: Option<i64>| match (state.hide_volatile, secs) {
        (false, Some(secs)) => time_text::datetime(secs),
        _ => "—".to_owned(),
    };
    egui::Grid::new("audit-fields")
        .num_columns(2)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            field_row_ui(ui, t!("audits.col_appid"), RichText::new(&audit.appid).monospace());
            ui.label(RichText::new(t!("audits.col_status")).color(egui::Color32::from_gray(0x70)));
            status_chip_ui(ui, status_of(audit.status));
            ui.end_row();
            let auditid = audit.auditid.map_or("—".to_owned(), |id| id.to_string());
            field_row_ui(ui, t!("audits.auditid"), RichText::new(auditid).monospace());
            field_row_ui(
                ui,
                t!("audits.col_version"),
                audit.user_version.as_deref().unwrap_or("—"),
            );
            field_row_ui(ui, t!("audits.col_desc"), audit.user_desc.as_deref().unwrap_or("—"));
            field_row_ui(ui, t!("audits.col_submitted"), when(audit.submitted_at));
            if audit.resolved_at.is_some() {
                field_row_ui(ui, t!("audits.resolved_at"), when(audit.resolved_at));
            }
            if let Some(secs) = waiting_secs(audit, state.now) {
                let text = if state.hide_volatile {
                    "—".to_owned()
                } else {
                    waiting_text(secs)
                };
                field_row_ui(ui, t!("audits.col_waiting"), text);
            }
        });
}

/// The reasons numbered from 1, without the numbers the platform wrote into them ("1. …", "2、…"), so a list
/// whose items came unnumbered reads the same as one whose items did.
pub fn numbered(reasons: &[String]) -> impl Iterator<Item = (usize, &str)> {
    reasons
        .iter()
        .enumerate()
        .map(|(index, reason)| (index + 1, strip_number(reason)))
}

fn strip_number(reason: &str) -> &str {
    let digits = reason.len() - reason.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return reason;
    }
    let rest = &reason[digits..];
    for mark in [".", "、", "．", ")", "）"] {
        if let Some(text) = rest.strip_prefix(mark) {
            return text.trim_start();
        }
    }
    reason
}

/// One thumbnail: asks for the screenshot the first time it is shown, then shows it, its placeholder or its error.
fn screenshot_ui(
    ui: &mut egui::Ui,
    audit: &Audit,
    number: usize,
    media_id: &str,
    state: &AppState,
    view: &mut AuditsView,
    out: &mut Outbox,
) {
    let ask = Command::Audits(AuditsCommand::Screenshot {
        appid: audit.appid.clone(),
        media_id: media_id.to_owned(),
    });
    if state.audits.wants_screenshot(audit, media_id) && !out.commands.contains(&ask) {
        out.send(ask.clone());
    }
    let name = t!("audits.screenshot_n", number = number);
    match state.audits.screenshots.get(media_id) {
        Some(Remote::Ready(Screenshot::Image(pixels))) => {
            let texture = texture(ui.ctx(), view, media_id, pixels);
            let image = egui::Image::new(texture)
                .max_height(THUMB_HEIGHT)
                .corner_radius(4)
                .sense(Sense::click());
            let response = ui.add(image);
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &name));
            if response.on_hover_text(t!("audits.screenshot_open")).clicked() {
                view.enlarged = Some(media_id.to_owned());
            }
        }
        Some(Remote::Ready(Screenshot::NotFetched)) => placeholder_ui(ui, &name, |ui| {
            ui.label(tone_text(t!("audits.screenshot_not_fetched"), Tone::Pending).small());
            let file = audit.screenshot_files.iter().find(|file| file.media_id == media_id);
            if let Some(error) = file.and_then(|file| file.last_error.as_deref()) {
                ui.label(RichText::new(error).small().weak());
            }
        }),
        Some(Remote::Failed { error, .. }) => placeholder_ui(ui, &name, |ui| {
            ui.label(tone_text(error_text(error), Tone::Bad).small());
            if ui.small_button(t!("common.retry")).clicked() {
                out.send(ask);
            }
        }),
        _ => placeholder_ui(ui, &name, |ui| {
            ui.spinner();
        }),
    }
}

/// The texture for a screenshot, made the first time it is drawn and kept by media id.
fn texture(ctx: &egui::Context, view: &mut AuditsView, media_id: &str, pixels: &ScreenshotPixels) -> SizedTexture {
    let handle = view.textures.entry(media_id.to_owned()).or_insert_with(|| {
        let image = ColorImage::from_rgba_unmultiplied([pixels.width, pixels.height], &pixels.rgba);
        ctx.load_texture(format!("audit-screenshot-{media_id}"), image, TextureOptions::LINEAR)
    });
    SizedTexture::from_handle(handle)
}

/// A thumbnail-sized frame with a word instead of the image.
fn placeholder_ui(ui: &mut egui::Ui, name: &str, add: impl FnOnce(&mut egui::Ui)) {
    let response = egui::Frame::new()
        .fill(Tone::Neutral.fill())
        .stroke(egui::Stroke::new(1.0, Tone::Neutral.border()))
        .corner_radius(4)
        .inner_margin(6)
        .show(ui, |ui| {
            ui.set_min_size(Vec2::new(THUMB_HEIGHT * 9.0 / 16.0 + 20.0, THUMB_HEIGHT - 12.0));
            ui.set_max_width(THUMB_HEIGHT * 9.0 / 16.0 + 20.0);
            // The frame carries the name for screen readers (and tests); on screen the word is enough.
            ui.vertical_centered(add);
        })
        .response;
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, name));
}

/// The screenshot opened large, in a window of its own.
fn enlarged_ui(ctx: &egui::Context, view: &mut AuditsView) {
    let Some(media_id) = view.enlarged.clone() else {
        return;
    };
    let Some(handle) = view.textures.get(&media_id) else {
        view.enlarged = None;
        return;
    };
    let texture = SizedTexture::from_handle(handle);
    let mut open = true;
    let mut closed = false;
    egui::Window::new(t!("audits.screenshot_title"))
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            let room = ctx.content_rect().size() * 0.85;
            ui.add(egui::Image::new(texture).max_size(room).fit_to_original_size(4.0));
            ui.horizontal(|ui| {
                ui.label(RichText::new(&media_id).small().monospace().weak());
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    closed = ui.button(t!("audits.screenshot_close")).clicked();
                });
            });
        });
    if !open || closed {
        view.enlarged = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_numbered_once_whatever_numbers_they_came_with() {
        let reasons = [
            "1. 名称不符".to_owned(),
            "2、类目不符".to_owned(),
            "缺少隐私说明".to_owned(),
            "2026 年规则".to_owned(),
        ];
        let list: Vec<(usize, &str)> = numbered(&reasons).collect();
        assert_eq!(
            list,
            [
                (1, "名称不符"),
                (2, "类目不符"),
                (3, "缺少隐私说明"),
                (4, "2026 年规则")
            ]
        );
    }
}
