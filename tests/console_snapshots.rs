//! Snapshots of every console panel in zh-CN and en at 1280×800 (and of merchants selected for a bulk action), with QR
//! codes and clocks masked
//! (`AppState::hide_volatile`). Update them with `UPDATE_SNAPSHOTS=1 cargo test --test console_snapshots`.

mod console_support;

use console_support::Console;
use egui::Modifiers;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use wxdesk::ui::i18n::{Lang, catalog};
use wxdesk::ui::prefs::Panel;

fn text(lang: Lang, key: &str) -> &'static str {
    catalog(lang).get(key).unwrap_or_else(|| panic!("no {key}"))
}

fn snapshot_every_panel(lang: Lang) {
    let tag = lang.tag();
    let mut console = Console::start(lang);
    console.harness.snapshot(format!("welcome_{tag}"));

    console.go(Panel::Provider);
    console.harness.snapshot(format!("provider_{tag}"));

    console.go(Panel::Merchants);
    console.harness.snapshot(format!("merchants_{tag}"));
    console.harness.get_by_label("云朵咖啡").click();
    console.settle();
    console.harness.snapshot(format!("merchant_detail_{tag}"));
    // In the default order (newest first) the seed merchants run 云朵咖啡, 老街面馆, 春风花店, 明月书店, 小林水果.
    console
        .harness
        .get_by_label("春风花店")
        .click_modifiers(Modifiers::SHIFT);
    console.settle();
    console
        .harness
        .get_by_label("小林水果")
        .click_modifiers(Modifiers::COMMAND);
    console.settle();
    console.harness.snapshot(format!("merchants_selected_{tag}"));

    console.go(Panel::Authorize);
    console.harness.snapshot(format!("authorize_{tag}"));
    console
        .harness
        .get_by_role_and_label(Role::Button, text(lang, "authorize.simulate"))
        .click();
    console.settle();
    console
        .harness
        .get_by_role_and_label(Role::Button, text(lang, "authorize.simulate_confirm"))
        .click();
    console.settle();
    console.harness.snapshot(format!("authorized_{tag}"));

    console
        .harness
        .get_by_role_and_label(Role::Button, text(lang, "authorize.fullscreen"))
        .click();
    console.settle();
    console.harness.snapshot(format!("presentation_{tag}"));
    console
        .harness
        .get_by_role_and_label(Role::Button, text(lang, "authorize.exit_fullscreen"))
        .click();
    console.settle();

    console.go(Panel::Activity);
    console.harness.snapshot(format!("activity_{tag}"));
}

#[test]
fn every_panel_in_zh_cn() {
    snapshot_every_panel(Lang::ZhCn);
}

#[test]
fn every_panel_in_en() {
    snapshot_every_panel(Lang::En);
}
