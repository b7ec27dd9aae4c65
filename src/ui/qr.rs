//! The QR code widget: a link becomes a module matrix with a quiet zone, uploaded once as a texture and drawn with
//! nearest-neighbour filtering so the modules stay sharp at any size (a blurred code scans badly from a phone).

use egui::{Color32, ColorImage, Rect, Sense, TextureHandle, TextureOptions, Vec2};
use qrcode::{Color, EcLevel, QrCode};

/// Light modules around the code. The QR standard asks for four; phones struggle with less on busy backgrounds.
pub const QUIET_ZONE_MODULES: usize = 4;

/// The code as an image with one pixel per module, quiet zone included. `None` when the text is too long for a QR
/// code (the authorization links are far below the limit).
pub fn qr_image(text: &str) -> Option<ColorImage> {
    // Level M survives a smudged or glossy screen without making the modules of a ~300-character link too small.
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let side = width + 2 * QUIET_ZONE_MODULES;
    let mut pixels = vec![Color32::WHITE; side * side];
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (x, y) = (i % width + QUIET_ZONE_MODULES, i / width + QUIET_ZONE_MODULES);
            pixels[y * side + x] = Color32::BLACK;
        }
    }
    Some(ColorImage::new([side, side], pixels))
}

/// A link's QR texture, rebuilt only when the link changes.
#[derive(Default)]
pub struct QrTexture {
    current: Option<(String, TextureHandle)>,
}

impl QrTexture {
    fn texture(&mut self, ctx: &egui::Context, link: &str) -> Option<&TextureHandle> {
        let stale = self.current.as_ref().is_none_or(|(shown, _)| shown != link);
        if stale {
            self.current = qr_image(link).map(|image| {
                (
                    link.to_owned(),
                    ctx.load_texture("authorization-qr", image, TextureOptions::NEAREST),
                )
            });
        }
        self.current.as_ref().map(|(_, handle)| handle)
    }

    /// Draws the code for `link` in a square of `side` points. With `masked`, draws a plain placeholder of the same
    /// size instead (snapshot tests: the code changes with every pre_auth_code).
    pub fn show_ui(&mut self, ui: &mut egui::Ui, link: &str, side: f32, masked: bool) -> egui::Response {
        let (rect, response) = ui.allocate_exact_size(Vec2::splat(side), Sense::hover());
        let painter = ui.painter_at(rect);
        match self.texture(ui.ctx(), link) {
            Some(texture) if !masked => {
                // Whole pixels per module keep every module the same size.
                let modules = texture.size()[0] as f32;
                let pixels_per_point = ui.ctx().pixels_per_point();
                let module =
                    ((side * pixels_per_point / modules).floor() / pixels_per_point).max(1.0 / pixels_per_point);
                let drawn = Rect::from_center_size(rect.center(), Vec2::splat(module * modules));
                painter.rect_filled(rect, 0.0, Color32::WHITE);
                painter.image(
                    texture.id(),
                    drawn,
                    Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                    Color32::WHITE,
                );
            }
            _ => {
                painter.rect_filled(rect, 4.0, Color32::from_gray(0xDD));
            }
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dark(image: &ColorImage, x: usize, y: usize) -> bool {
        image.pixels[y * image.size[0] + x] == Color32::BLACK
    }

    #[test]
    fn the_quiet_zone_is_light_all_around() {
        let image = qr_image("https://mp.weixin.qq.com/safe/bindcomponent?action=bindcomponent&no_scan=1").unwrap();
        let side = image.size[0];
        assert_eq!(image.size[0], image.size[1]);
        for i in 0..side {
            for q in 0..QUIET_ZONE_MODULES {
                assert!(
                    !dark(&image, i, q) && !dark(&image, i, side - 1 - q),
                    "row {q} at column {i}"
                );
                assert!(
                    !dark(&image, q, i) && !dark(&image, side - 1 - q, i),
                    "column {q} at row {i}"
                );
            }
        }
    }

    #[test]
    fn finder_patterns_sit_in_three_corners() {
        let image = qr_image("https://example.com/a").unwrap();
        let side = image.size[0];
        let q = QUIET_ZONE_MODULES;
        // The 7×7 finder's outer ring is dark; its second ring is light.
        for (x, y) in [(q, q), (side - q - 7, q), (q, side - q - 7)] {
            assert!(dark(&image, x, y) && dark(&image, x + 6, y + 6), "finder at {x},{y}");
            assert!(!dark(&image, x + 1, y + 1), "finder ring at {x},{y}");
            assert!(dark(&image, x + 3, y + 3), "finder centre at {x},{y}");
        }
        assert!(!dark(&image, side - q - 7 + 1, side - q - 7 + 1) || !dark(&image, side - q - 2, side - q - 2));
    }

    #[test]
    fn longer_links_make_bigger_codes() {
        let short = qr_image("https://a.b/c").unwrap();
        let long = qr_image(&format!("https://a.b/c?{}", "x".repeat(300))).unwrap();
        assert!(long.size[0] > short.size[0]);
        assert!(qr_image(&"x".repeat(10_000)).is_none(), "too long for any QR version");
    }
}
