//! Renders an authorization link as a QR code PNG and writes it atomically, for `Command::SaveQrPng`.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{GrayImage, ImageFormat, Luma};
use qrcode::{Color, EcLevel, QrCode};

use super::protocol::{EngineError, ErrorKind};
use super::settings::write_atomically;

/// The standard quiet zone: four light modules on every side, so phone cameras find the code on any background.
pub const QUIET_ZONE_MODULES: u32 = 4;
/// Pixels per module: large enough to print or show on a second screen.
pub const PIXELS_PER_MODULE: u32 = 10;

/// The QR code of `link` as a grayscale image with a quiet zone.
pub fn render(link: &str) -> Result<GrayImage, EngineError> {
    // Medium error correction: the link is long (~300 bytes) and M keeps the code scannable from a screen.
    let code = QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M)
        .map_err(|e| EngineError::new(ErrorKind::Io, format!("the link cannot be encoded as a QR code: {e}")))?;
    let modules =
        u32::try_from(code.width()).map_err(|_| EngineError::new(ErrorKind::Io, "the QR code is too large"))?;
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET_ZONE_MODULES) * PIXELS_PER_MODULE;
    Ok(GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (x / PIXELS_PER_MODULE, y / PIXELS_PER_MODULE);
        let inside = |m: u32| (QUIET_ZONE_MODULES..QUIET_ZONE_MODULES + modules).contains(&m);
        let dark = inside(mx) && inside(my) && {
            let index = (my - QUIET_ZONE_MODULES) * modules + (mx - QUIET_ZONE_MODULES);
            colors.get(index as usize) == Some(&Color::Dark)
        };
        Luma([if dark { 0 } else { 255 }])
    }))
}

/// Renders `link` and writes it as a PNG to `path` (temporary file, then rename). Returns the path written.
pub fn save_png(link: &str, path: &Path) -> Result<PathBuf, EngineError> {
    let image = render(link)?;
    let mut png = Cursor::new(Vec::new());
    image
        .write_to(&mut png, ImageFormat::Png)
        .map_err(|e| EngineError::new(ErrorKind::Io, format!("cannot encode the PNG: {e}")))?;
    write_atomically(path, png.get_ref())
        .map_err(|e| EngineError::new(ErrorKind::Io, format!("cannot write {}: {e}", path.display())))?;
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "https://open.weixin.qq.com/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1\
        &component_appid=wx0123456789abcdef&pre_auth_code=preauthcode@@@abc&redirect_uri=http%3A%2F%2F127.0.0.1\
        &auth_type=2#wechat_redirect";

    #[test]
    fn the_png_has_a_light_quiet_zone_and_the_codes_modules() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("nested").join("qr.png");
        assert_eq!(save_png(LINK, &path).expect("save"), path);
        let image = image::open(&path).expect("decode").to_luma8();
        let code = QrCode::with_error_correction_level(LINK.as_bytes(), EcLevel::M).expect("encode");
        let modules = code.width() as u32;
        assert_eq!(image.width(), (modules + 8) * PIXELS_PER_MODULE);
        assert_eq!(image.width(), image.height());
        let border = QUIET_ZONE_MODULES * PIXELS_PER_MODULE;
        for i in 0..image.width() {
            for j in 0..border {
                assert_eq!(image.get_pixel(i, j).0[0], 255, "top quiet zone at {i},{j}");
                assert_eq!(image.get_pixel(j, i).0[0], 255, "left quiet zone at {j},{i}");
            }
        }
        // Every module's centre pixel matches the code.
        for my in 0..modules {
            for mx in 0..modules {
                let centre = |m: u32| border + m * PIXELS_PER_MODULE + PIXELS_PER_MODULE / 2;
                let dark = image.get_pixel(centre(mx), centre(my)).0[0] == 0;
                assert_eq!(
                    dark,
                    code[(mx as usize, my as usize)] == Color::Dark,
                    "module {mx},{my}"
                );
            }
        }
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().expect("dir")).expect("list").collect();
        assert_eq!(leftovers.len(), 1, "only the PNG remains, no temporary file");
    }

    #[test]
    fn a_path_that_cannot_be_written_is_an_io_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"x").expect("write");
        let error = save_png(LINK, &blocker.join("qr.png")).expect_err("a file is not a directory");
        assert_eq!(error.kind, ErrorKind::Io);
    }
}
