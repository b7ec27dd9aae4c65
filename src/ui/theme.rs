//! The console's look: one light theme with WeChat's green as the accent, text sizes, and the status colour language
//! every panel uses (defined here once; views ask for a `Tone`, never for a colour).

use egui::{Color32, CornerRadius, FontFamily, FontId, Stroke, TextStyle, Visuals};

/// WeChat's brand green, the accent of selections and primary buttons.
pub const ACCENT: Color32 = Color32::from_rgb(0x07, 0xC1, 0x60);

/// What a status means, whatever it is the status of. Each tone has one colour everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tone {
    /// Done and good: authorized, approved, connected, a fresh ticket.
    Good,
    /// In progress: auditing, connecting, syncing, a code being renewed.
    Pending,
    /// Needs attention soon: a stale ticket, a retrying connection, a code about to expire.
    Warning,
    /// Failed or refused: rejected, revoked, an error.
    Bad,
    /// Final and shipped: released.
    Released,
    /// No status worth a colour.
    Neutral,
}

impl Tone {
    /// The text colour of this tone on the light panel background.
    pub fn color(self) -> Color32 {
        match self {
            Tone::Good => Color32::from_rgb(0x06, 0x8F, 0x48),
            Tone::Pending => Color32::from_rgb(0x16, 0x62, 0xD6),
            Tone::Warning => Color32::from_rgb(0xB2, 0x6B, 0x00),
            Tone::Bad => Color32::from_rgb(0xCC, 0x2B, 0x2B),
            Tone::Released => Color32::from_rgb(0x6B, 0x3F, 0xC4),
            Tone::Neutral => Color32::from_gray(0x66),
        }
    }

    /// The text colour of this tone on its own `fill()`, darker than `color()` so small chip text keeps a contrast of
    /// at least 4.5:1 on the fill and on the table's selected-row green (WCAG AA for small text).
    pub fn ink(self) -> Color32 {
        match self {
            Tone::Good => Color32::from_rgb(0x04, 0x6C, 0x37),
            Tone::Pending => Color32::from_rgb(0x11, 0x55, 0xBD),
            Tone::Warning => Color32::from_rgb(0x85, 0x50, 0x00),
            Tone::Bad => Color32::from_rgb(0xB0, 0x1F, 0x1F),
            Tone::Released => Color32::from_rgb(0x5E, 0x34, 0xB0),
            Tone::Neutral => Color32::from_gray(0x4D),
        }
    }

    /// The outline of a chip of this tone: its ink, faint, so a neutral chip still reads apart from a striped row.
    pub fn border(self) -> Color32 {
        self.ink().gamma_multiply(0.22)
    }

    /// A pale fill for chips and banners of this tone.
    pub fn fill(self) -> Color32 {
        match self {
            Tone::Good => Color32::from_rgb(0xE3, 0xF7, 0xEC),
            Tone::Pending => Color32::from_rgb(0xE5, 0xEF, 0xFD),
            Tone::Warning => Color32::from_rgb(0xFF, 0xF3, 0xDB),
            Tone::Bad => Color32::from_rgb(0xFD, 0xE8, 0xE8),
            Tone::Released => Color32::from_rgb(0xEF, 0xE9, 0xFB),
            Tone::Neutral => Color32::from_gray(0xEE),
        }
    }
}

/// Every status word the console shows (DESIGN.md: the audit lifecycle, deployment jobs and their items, the hub's
/// answers), mapped to one tone here so the Merchants, Templates, Deployments, Audits and Activity panels colour each
/// the same way. Its words are in the catalogs under `status.*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// 审核中: submitted, the platform has not answered.
    Auditing,
    /// 审核通过: approved and waiting to be released.
    Approved,
    /// 审核不通过.
    Rejected,
    /// 已发布: the version is online.
    Released,
    /// 已撤回: the operator withdrew the audit.
    Withdrawn,
    /// 审核延后: the platform postponed the audit.
    Delayed,
    /// A step, an item or a request that failed.
    Failed,
    /// A job at work.
    Running,
    /// A job an operator paused, or one waiting at a manual gate.
    Paused,
    /// A job that stopped itself: the audit quota ran out or too many items failed.
    Halted,
    /// A job that finished.
    Completed,
    /// A job an operator cancelled.
    Cancelled,
    /// A request that succeeded.
    Ok,
}

impl Status {
    pub const ALL: [Status; 13] = [
        Status::Auditing,
        Status::Approved,
        Status::Rejected,
        Status::Released,
        Status::Withdrawn,
        Status::Delayed,
        Status::Failed,
        Status::Running,
        Status::Paused,
        Status::Halted,
        Status::Completed,
        Status::Cancelled,
        Status::Ok,
    ];

    pub fn tone(self) -> Tone {
        match self {
            Status::Auditing | Status::Running => Tone::Pending,
            Status::Approved | Status::Completed | Status::Ok => Tone::Good,
            // Both wait for a person: a delayed audit may need the operator to act, a paused job to resume.
            Status::Delayed | Status::Paused => Tone::Warning,
            // A halted job stopped because something went wrong, not because someone asked.
            Status::Rejected | Status::Failed | Status::Halted => Tone::Bad,
            Status::Released => Tone::Released,
            // Someone chose to stop it: nothing to fix, nothing to celebrate.
            Status::Withdrawn | Status::Cancelled => Tone::Neutral,
        }
    }
}

/// Sets the light theme, the accent colour and text sizes on every style the context has.
pub fn install(ctx: &egui::Context) {
    // One look whatever the system prefers: the status colours are chosen for this light background.
    ctx.set_theme(egui::Theme::Light);
    ctx.set_visuals_of(egui::Theme::Light, visuals());
    ctx.set_visuals_of(egui::Theme::Dark, visuals());
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (TextStyle::Small, FontId::new(12.0, FontFamily::Proportional)),
            (TextStyle::Body, FontId::new(14.5, FontFamily::Proportional)),
            (TextStyle::Button, FontId::new(14.5, FontFamily::Proportional)),
            (TextStyle::Monospace, FontId::new(13.5, FontFamily::Monospace)),
            (TextStyle::Heading, FontId::new(21.0, FontFamily::Proportional)),
        ]
        .into();
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(10.0, 4.0);
        style.spacing.interact_size.y = 24.0;
    });
}

fn visuals() -> Visuals {
    let mut visuals = Visuals::light();
    visuals.selection.bg_fill = Color32::from_rgb(0xC9, 0xF0, 0xDA);
    visuals.selection.stroke = Stroke::new(1.0, Tone::Good.color());
    visuals.hyperlink_color = Tone::Pending.color();
    visuals.warn_fg_color = Tone::Warning.color();
    visuals.error_fg_color = Tone::Bad.color();
    visuals.panel_fill = Color32::from_rgb(0xF7, 0xF8, 0xFA);
    visuals.window_fill = Color32::WHITE;
    visuals.faint_bg_color = Color32::from_rgb(0xF0, 0xF2, 0xF5);
    visuals.widgets.noninteractive.corner_radius = CornerRadius::same(4);
    visuals.widgets.inactive.corner_radius = CornerRadius::same(4);
    visuals.widgets.hovered.corner_radius = CornerRadius::same(4);
    visuals.widgets.active.corner_radius = CornerRadius::same(4);
    visuals
}

/// The fill of the left navigation bar, a shade darker than the panels so the two read apart.
pub fn nav_fill() -> Color32 {
    Color32::from_rgb(0xEC, 0xEE, 0xF1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG's contrast ratio of two opaque colours.
    fn contrast(a: Color32, b: Color32) -> f32 {
        let luminance = |c: Color32| {
            let linear = |v: u8| {
                let v = f32::from(v) / 255.0;
                if v <= 0.039_28 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * linear(c.r()) + 0.7152 * linear(c.g()) + 0.0722 * linear(c.b())
        };
        let (a, b) = (luminance(a), luminance(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    #[test]
    fn chip_text_is_readable_on_its_fill_and_on_a_selected_row() {
        let selected_row = visuals().selection.bg_fill;
        for status in Status::ALL {
            let tone = status.tone();
            for background in [tone.fill(), selected_row, Color32::WHITE] {
                let ratio = contrast(tone.ink(), background);
                assert!(ratio >= 4.5, "{status:?} ({tone:?}) on {background:?}: {ratio:.2}");
            }
        }
    }

    #[test]
    fn each_tone_is_its_own_colour() {
        let tones = [
            Tone::Good,
            Tone::Pending,
            Tone::Warning,
            Tone::Bad,
            Tone::Released,
            Tone::Neutral,
        ];
        for (i, a) in tones.iter().enumerate() {
            for b in &tones[i + 1..] {
                assert_ne!(a.fill(), b.fill(), "{a:?} and {b:?} share a fill");
                assert_ne!(a.ink(), b.ink(), "{a:?} and {b:?} share an ink");
            }
        }
    }
}
