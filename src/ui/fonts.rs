//! The bundled Noto Sans SC subset (assets/fonts, OFL; made by scripts/make-font-subset.sh), installed first in the
//! proportional family so Chinese and Latin text share one face, and as a fallback for monospace.

use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

/// The subset's bytes (about 1.5 MB of the binary).
pub const NOTO_SANS_SC: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-wxdesk.otf");

const NAME: &str = "noto-sans-sc-wxdesk";

/// egui's default fonts with Noto Sans SC put first for proportional text and last for monospace.
pub fn definitions() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    fonts
        .font_data
        .insert(NAME.to_owned(), Arc::new(FontData::from_static(NOTO_SANS_SC)));
    fonts
        .families
        .entry(FontFamily::Proportional)
        .or_default()
        .insert(0, NAME.to_owned());
    fonts
        .families
        .entry(FontFamily::Monospace)
        .or_default()
        .push(NAME.to_owned());
    fonts
}

/// Installs the console's fonts on the context.
pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(definitions());
}
