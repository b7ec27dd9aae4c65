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

/// The status words of the platform's mini-program lifecycle (DESIGN.md: "auditing, approved, rejected, released,
/// failed"), mapped to tones here so the Templates and Audits panels colour them the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LifecycleStatus {
    Auditing,
    Approved,
    Rejected,
    Released,
    Failed,
}

impl LifecycleStatus {
    pub fn tone(self) -> Tone {
        match self {
            LifecycleStatus::Auditing => Tone::Pending,
            LifecycleStatus::Approved => Tone::Good,
            LifecycleStatus::Rejected | LifecycleStatus::Failed => Tone::Bad,
            LifecycleStatus::Released => Tone::Released,
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
