//! Chips: small rounded labels with a pale tone fill, for statuses and permission sets. Every status a panel shows is
//! drawn by `status_chip_ui`, so each one has the same words and colours everywhere (the tones live in the theme).

use std::sync::Arc;

use egui::text::{LayoutJob, TextWrapping};
use egui::{CornerRadius, Galley, Response, Sense, Stroke, StrokeKind, TextStyle, Vec2, WidgetInfo};

use crate::t;
use crate::ui::theme::{Status, Tone};

/// The room between a chip's text and its edge.
const PADDING: Vec2 = Vec2::new(6.0, 1.5);
/// The gap between chips in a row.
const GAP: f32 = 4.0;

/// One chip with `text` in `tone`.
pub fn chip_ui(ui: &mut egui::Ui, text: impl Into<String>, tone: Tone) -> Response {
    let text = text.into();
    let galley = chip_galley(ui, text.clone(), tone, f32::INFINITY);
    painted_chip_ui(ui, galley, tone, &text)
}

/// A chip around a laid-out `galley`; `name` is what a screen reader says.
fn painted_chip_ui(ui: &mut egui::Ui, galley: Arc<Galley>, tone: Tone, name: &str) -> Response {
    let (rect, response) = ui.allocate_exact_size(galley.size() + 2.0 * PADDING, Sense::hover());
    if ui.is_rect_visible(rect) {
        let painter = ui.painter();
        let radius = CornerRadius::same((rect.height() / 2.0).round() as u8);
        painter.rect(
            rect,
            radius,
            tone.fill(),
            Stroke::new(1.0, tone.border()),
            StrokeKind::Inside,
        );
        painter.galley(rect.min + PADDING, galley, tone.ink());
    }
    response.widget_info(|| WidgetInfo::labeled(egui::Role::Label, true, name));
    response
}

/// The chip's text on one line, cut with "…" past `max_width`.
fn chip_galley(ui: &egui::Ui, text: String, tone: Tone, max_width: f32) -> Arc<Galley> {
    let mut job = LayoutJob::simple_singleline(text, TextStyle::Small.resolve(ui.style()), tone.ink());
    job.wrap = TextWrapping::truncate_at_width(max_width);
    ui.painter().layout_job(job)
}

fn chip_width(ui: &egui::Ui, text: &str, tone: Tone) -> f32 {
    chip_galley(ui, text.to_owned(), tone, f32::INFINITY).size().x + 2.0 * PADDING.x
}

/// A status in its words and its tone.
pub fn status_chip_ui(ui: &mut egui::Ui, status: Status) -> Response {
    chip_ui(ui, status_text(status), status.tone())
}

/// The word for a status in the current language.
pub fn status_text(status: Status) -> &'static str {
    match status {
        Status::Auditing => t!("status.auditing"),
        Status::Approved => t!("status.approved"),
        Status::Rejected => t!("status.rejected"),
        Status::Released => t!("status.released"),
        Status::Withdrawn => t!("status.withdrawn"),
        Status::Delayed => t!("status.delayed"),
        Status::Failed => t!("status.failed"),
        Status::Running => t!("status.running"),
        Status::Paused => t!("status.paused"),
        Status::Halted => t!("status.halted"),
        Status::Completed => t!("status.completed"),
        Status::Cancelled => t!("status.cancelled"),
        Status::Ok => t!("status.ok"),
    }
}

/// Chips on one line, as many as fit the width left; the rest become a "+N" chip whose tooltip names them. The first
/// chip always shows, cut short if it must, so a row with chips never looks empty. For table cells, where a clipped
/// chip would be cut mid-word.
pub fn chip_row_ui(ui: &mut egui::Ui, texts: &[String], tone: Tone) {
    ui.spacing_mut().item_spacing.x = GAP;
    for (i, text) in texts.iter().enumerate() {
        let after = texts.len() - i - 1;
        let reserve = if after > 0 {
            chip_width(ui, &format!("+{after}"), tone) + GAP
        } else {
            0.0
        };
        let room = ui.available_width() - reserve;
        if chip_width(ui, text, tone) <= room {
            chip_ui(ui, text.as_str(), tone);
            continue;
        }
        let hidden = if i == 0 {
            let cut = chip_galley(ui, text.clone(), tone, room - 2.0 * PADDING.x);
            painted_chip_ui(ui, cut, tone, text).on_hover_text(text);
            &texts[1..]
        } else {
            &texts[i..]
        };
        if !hidden.is_empty() {
            let names = hidden.join(t!("common.list_separator"));
            chip_ui(ui, format!("+{}", hidden.len()), tone).on_hover_text(names);
        }
        return;
    }
}
