//! The bundled Noto Sans SC subset draws every character of both catalogs: a missing glyph would show as a box
//! ("tofu") on machines without a CJK system font. Checked against the subset alone, without egui's default fonts.

use std::sync::Arc;

use egui::epaint::text::{FontData, FontDefinitions, FontFamily, FontId, Fonts, TextOptions};
use wxdesk::ui::fonts::NOTO_SANS_SC;
use wxdesk::ui::i18n::{CATALOG_SOURCES, Catalog};

fn subset_only() -> Fonts {
    let mut definitions = FontDefinitions::empty();
    definitions
        .font_data
        .insert("subset".into(), Arc::new(FontData::from_static(NOTO_SANS_SC)));
    definitions
        .families
        .insert(FontFamily::Proportional, vec!["subset".into()]);
    Fonts::new(TextOptions::default(), definitions)
}

#[test]
fn every_catalog_character_is_in_the_font_subset() {
    let mut fonts = subset_only();
    let font = FontId::proportional(14.0);
    let mut missing = std::collections::BTreeMap::<char, String>::new();
    let mut checked = 0;
    for (lang, source) in CATALOG_SOURCES {
        let catalog = Catalog::parse(source).unwrap_or_else(|e| panic!("{}: {e}", lang.tag()));
        for (key, text) in catalog.entries() {
            for c in text.chars().filter(|c| !c.is_control()) {
                checked += 1;
                if !fonts.has_glyph(&font, c) {
                    missing.entry(c).or_insert_with(|| format!("{}: {key}", lang.tag()));
                }
            }
        }
    }
    assert!(checked > 3_000, "only {checked} characters checked");
    assert!(
        missing.is_empty(),
        "run scripts/make-font-subset.sh; missing glyphs: {missing:#?}"
    );
}

#[test]
fn the_subset_covers_common_hanzi_but_not_everything() {
    let mut fonts = subset_only();
    let font = FontId::proportional(14.0);
    // GB2312 level 1 starts with 啊 and ends with 座; 龘 (U+9F98) is far outside it and unused by the UI.
    for c in ['啊', '座', '授', '权', '审', '核', '。', '，', 'A', '…'] {
        assert!(fonts.has_glyph(&font, c), "{c} should be in the subset");
    }
    assert!(
        !fonts.has_glyph(&font, '龘'),
        "the subset should not carry rare characters"
    );
}

#[test]
fn the_outcome_marks_are_in_the_subset() {
    let mut fonts = subset_only();
    let font = FontId::proportional(14.0);
    for mark in [
        wxdesk::ui::views::activity::OK_MARK,
        wxdesk::ui::views::activity::FAILED_MARK,
    ] {
        assert!(fonts.has_glyph(&font, mark), "{mark} would show as a box");
    }
}

#[test]
fn the_subset_stays_small() {
    // What the font adds to the binary; the full Simplified Chinese face is about 16 MB.
    assert!(
        NOTO_SANS_SC.len() < 3_000_000,
        "the subset grew to {} bytes",
        NOTO_SANS_SC.len()
    );
}

#[test]
fn every_permission_set_name_and_errcode_explanation_is_in_the_font_subset() {
    // The console shows these too: permission sets as chips, errcodes on the Provider panel.
    let mut fonts = subset_only();
    let font = FontId::proportional(14.0);
    let permission_texts = wxdesk::wechat::permissions::PERMISSION_SETS
        .iter()
        .flat_map(|set| [set.zh, set.en]);
    let errcode_texts =
        wxdesk::wechat::errcodes::all().flat_map(|info| [info.zh, info.en, info.action_zh, info.action_en]);
    let missing: std::collections::BTreeSet<char> = permission_texts
        .chain(errcode_texts)
        .flat_map(str::chars)
        .filter(|c| !c.is_control() && !fonts.has_glyph(&font, *c))
        .collect();
    assert!(
        missing.is_empty(),
        "run scripts/make-font-subset.sh; missing glyphs: {missing:?}"
    );
}
