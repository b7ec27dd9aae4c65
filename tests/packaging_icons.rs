//! The installers' icons are made from one source, `assets/icon.png` (1024×1024): each size in `packaging/icons/`
//! is that source resized with Lanczos3, and `wxdesk.ico` (NSIS, WiX) packs the small sizes as PNG entries.
//! This test fails when a committed icon differs from what the source makes; regenerate them all with
//! `UPDATE_ICONS=1 cargo test --test packaging_icons`.

use std::path::{Path, PathBuf};

use image::imageops::FilterType;
use image::{ImageFormat, RgbaImage};

/// The freedesktop hicolor sizes the .deb and the AppImage install, and the .dmg's icns is made of.
const PNG_SIZES: [u32; 7] = [16, 32, 48, 64, 128, 256, 512];
/// The sizes Windows picks from for the installer, the Start menu and the taskbar.
const ICO_SIZES: [u32; 6] = [16, 24, 32, 48, 64, 256];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn updating() -> bool {
    std::env::var("UPDATE_ICONS").is_ok_and(|value| value == "1")
}

fn source() -> RgbaImage {
    let path = root().join("assets/icon.png");
    let source = image::open(&path).expect("assets/icon.png").to_rgba8();
    assert_eq!(source.dimensions(), (1024, 1024), "the source icon is 1024×1024");
    source
}

fn resized(source: &RgbaImage, size: u32) -> RgbaImage {
    image::imageops::resize(source, size, size, FilterType::Lanczos3)
}

fn png_bytes(image: &RgbaImage) -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, ImageFormat::Png).expect("encode png");
    bytes.into_inner()
}

/// An ICO file whose entries are PNG images (Windows Vista and later read them), in the order given.
fn ico(entries: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let count = u16::try_from(entries.len()).expect("a few entries");
    let mut out = Vec::new();
    out.extend_from_slice(&[0, 0, 1, 0]);
    out.extend_from_slice(&count.to_le_bytes());
    let mut offset = 6 + 16 * u32::from(count);
    for (size, png) in entries {
        // A width or height of 256 is written as 0.
        let side = u8::try_from(*size % 256).expect("at most 256");
        let length = u32::try_from(png.len()).expect("small image");
        out.extend_from_slice(&[side, side, 0, 0]);
        out.extend_from_slice(&1u16.to_le_bytes());
        out.extend_from_slice(&32u16.to_le_bytes());
        out.extend_from_slice(&length.to_le_bytes());
        out.extend_from_slice(&offset.to_le_bytes());
        offset += length;
    }
    for (_, png) in entries {
        out.extend_from_slice(png);
    }
    out
}

fn committed(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run UPDATE_ICONS=1 cargo test --test packaging_icons",
            path.display()
        )
    })
}

#[test]
fn every_icon_is_made_from_the_one_source() {
    let source = source();
    let dir = root().join("packaging/icons");
    let mut stale = Vec::new();
    let sizes: std::collections::BTreeSet<u32> = PNG_SIZES.into_iter().chain(ICO_SIZES).collect();
    for size in sizes {
        let made = resized(&source, size);
        let path = dir.join(format!("{size}x{size}.png"));
        if updating() {
            std::fs::write(&path, png_bytes(&made)).expect("write icon");
        }
        let kept = image::load_from_memory(&committed(&path)).expect("a png").to_rgba8();
        if kept != made {
            stale.push(path.display().to_string());
        }
    }
    // The .ico carries the committed PNG files byte for byte, so it is checked byte for byte.
    let entries: Vec<(u32, Vec<u8>)> = ICO_SIZES
        .into_iter()
        .map(|size| (size, committed(&dir.join(format!("{size}x{size}.png")))))
        .collect();
    let ico_path = dir.join("wxdesk.ico");
    if updating() {
        std::fs::write(&ico_path, ico(&entries)).expect("write ico");
    }
    if committed(&ico_path) != ico(&entries) {
        stale.push(ico_path.display().to_string());
    }
    assert!(
        stale.is_empty(),
        "icons that assets/icon.png no longer makes: {stale:#?}; run UPDATE_ICONS=1 cargo test --test packaging_icons"
    );
}

#[test]
fn an_icon_drawn_by_hand_is_caught() {
    let source = source();
    let made = resized(&source, 16);
    let mut touched = made.clone();
    touched.get_pixel_mut(8, 8).0[0] ^= 0x40;
    assert_ne!(made, touched);
    let a = ico(&[(16, png_bytes(&made))]);
    let b = ico(&[(16, png_bytes(&touched))]);
    assert_ne!(a, b);
    assert_eq!(&a[..6], &[0, 0, 1, 0, 1, 0], "an ICO header with one image");
    assert_eq!(a[6], 16, "the entry's width");
}
