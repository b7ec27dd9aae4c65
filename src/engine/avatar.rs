//! An image file made into a mini program's avatar (wechat-api.md §8.7.4): cropped to a square about its centre,
//! scaled down to at most [`MAX_SIDE`] pixels, and written as a JPEG small enough for the temporary-material upload
//! (§6.14, [`MAX_FEEDBACK_IMAGE_BYTES`]). Runs on a blocking thread: a large photo takes a moment to decode.

use std::path::Path;
use std::sync::Arc;

use image::imageops::FilterType;
use image::{DynamicImage, ImageReader, Limits, RgbImage};

use crate::engine::protocol::{Avatar, EngineError, ErrorKind, MAX_FEEDBACK_IMAGE_BYTES};

/// The side of the avatar sent. WeChat shows avatars far smaller; the platform states no size for §8.7.4, so the
/// square keeps enough detail for any display and stays well under the upload's limit.
pub const MAX_SIDE: u32 = 640;
/// A file larger than this is not read: no photo a person picks as an avatar is, and it bounds the memory used.
pub const MAX_FILE_BYTES: u64 = 40 << 20;
/// The largest picture decoded, in pixels per side (a guard against decompression bombs).
const MAX_DIMENSION: u32 = 16_384;

/// Reads, checks and converts the file at `path`. Each refusal names the file and says why.
pub fn prepare(path: &Path) -> Result<Avatar, EngineError> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let refuse = |message: String| EngineError::new(ErrorKind::Io, message);
    let size = std::fs::metadata(path)
        .map_err(|e| refuse(format!("{file_name} cannot be read: {e}")))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(refuse(format!(
            "{file_name} has {} MB; an avatar is picked from a file of at most {} MB",
            size >> 20,
            MAX_FILE_BYTES >> 20
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| refuse(format!("{file_name} cannot be read: {e}")))?;
    from_bytes(&file_name, &bytes)
}

/// The conversion itself, on bytes already read.
///
/// A picture that cannot be read is `ErrorKind::Decode`; a file that cannot be read is `ErrorKind::Io`.
pub fn from_bytes(file_name: &str, bytes: &[u8]) -> Result<Avatar, EngineError> {
    let refuse = |message: String| EngineError::new(ErrorKind::Decode, message);
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| refuse(format!("{file_name} cannot be read: {e}")))?;
    if reader.format().is_none() {
        return Err(refuse(format!("{file_name} is not a PNG or JPEG image")));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    reader.limits(limits);
    let picture = reader
        .decode()
        .map_err(|e| refuse(format!("{file_name} is not an image the console can read: {e}")))?;
    let original = (picture.width(), picture.height());
    let square = centre_square(&picture);
    let side = square.width().min(MAX_SIDE);
    let square = match square.width() > side {
        true => square.resize_exact(side, side, FilterType::Lanczos3),
        false => square,
    };
    let rgb: RgbImage = square.to_rgb8();
    let jpeg = compress(&rgb)?;
    let rgba = DynamicImage::ImageRgb8(rgb).to_rgba8().into_raw();
    Ok(Avatar {
        file_name: jpeg_name(file_name),
        jpeg: Arc::new(jpeg),
        side,
        original,
        rgba: Arc::new(rgba),
    })
}

/// The largest square about the picture's centre.
fn centre_square(picture: &DynamicImage) -> DynamicImage {
    let (w, h) = (picture.width(), picture.height());
    let side = w.min(h);
    picture.crop_imm((w - side) / 2, (h - side) / 2, side, side)
}

/// JPEG at the best quality that fits the upload's limit.
fn compress(rgb: &RgbImage) -> Result<Vec<u8>, EngineError> {
    for quality in [90, 80, 70, 60, 50, 40] {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
            .encode_image(rgb)
            .map_err(|e| EngineError::new(ErrorKind::Decode, format!("the avatar cannot be encoded: {e}")))?;
        if out.len() <= MAX_FEEDBACK_IMAGE_BYTES {
            return Ok(out);
        }
    }
    Err(EngineError::new(
        ErrorKind::Decode,
        format!("the avatar does not fit in {} MB", MAX_FEEDBACK_IMAGE_BYTES >> 20),
    ))
}

/// `photo.png` → `photo.jpg`: the upload is named for what it is.
fn jpeg_name(file_name: &str) -> String {
    let stem = Path::new(file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "avatar".to_owned());
    format!("{stem}.jpg")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A photo-like picture: gradients and noise compress as badly as a real photo does.
    pub fn photo(width: u32, height: u32) -> Vec<u8> {
        let picture = RgbImage::from_fn(width, height, |x, y| {
            let noise = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) % 64;
            image::Rgb([(x % 256) as u8, (y % 256) as u8, (noise * 4) as u8])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95)
            .encode_image(&picture)
            .expect("encode");
        out
    }

    #[test]
    fn a_large_landscape_photo_becomes_a_centred_square_within_the_limits() {
        let bytes = photo(4000, 3000);
        assert!(
            bytes.len() > MAX_FEEDBACK_IMAGE_BYTES,
            "the source is larger than the upload allows"
        );
        let avatar = from_bytes("shop front.jpeg", &bytes).expect("prepared");
        assert_eq!(avatar.original, (4000, 3000));
        assert_eq!(avatar.side, MAX_SIDE);
        assert!(avatar.jpeg.len() <= MAX_FEEDBACK_IMAGE_BYTES);
        assert_eq!(avatar.file_name, "shop front.jpg");
        let decoded = image::load_from_memory(&avatar.jpeg).expect("a JPEG");
        assert_eq!((decoded.width(), decoded.height()), (MAX_SIDE, MAX_SIDE));
        assert_eq!(avatar.rgba.len(), (MAX_SIDE * MAX_SIDE * 4) as usize);
    }

    #[test]
    fn the_crop_is_about_the_centre() {
        // A tall picture: red top, green middle square, blue bottom. The square kept is the green one.
        let picture = RgbImage::from_fn(100, 300, |_, y| match y {
            0..100 => image::Rgb([255, 0, 0]),
            100..200 => image::Rgb([0, 255, 0]),
            _ => image::Rgb([0, 0, 255]),
        });
        let mut png = Vec::new();
        DynamicImage::ImageRgb8(picture)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("png");
        let avatar = from_bytes("tall.png", &png).expect("prepared");
        assert_eq!(avatar.side, 100, "a small picture is not scaled up");
        let corners = [0, 99 * 4, (99 * 100) * 4, (99 * 100 + 99) * 4];
        for at in corners {
            let [r, g, b] = [avatar.rgba[at], avatar.rgba[at + 1], avatar.rgba[at + 2]];
            assert!(
                g > 200 && r < 60 && b < 60,
                "corner at {at} is green, not ({r},{g},{b})"
            );
        }
    }

    #[test]
    fn what_is_not_an_image_is_refused_by_name() {
        let error = from_bytes("notes.txt", b"not an image at all").expect_err("refused");
        assert_eq!(error.kind, ErrorKind::Decode);
        assert!(error.message.contains("notes.txt"), "{}", error.message);
    }
}
