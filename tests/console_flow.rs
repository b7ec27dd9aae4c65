//! The console's main flow clicked by role and label, in zh-CN and in en: open Merchants, "Authorize a merchant…",
//! simulate the merchant's scan, see the success line, find the new merchant in the list, filter by a permission set.

mod console_support;

use console_support::{Console, NEW_MERCHANT};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use wxdesk::engine::protocol::{AccountKind, Command};
use wxdesk::ui::i18n::{Lang, catalog};
use wxdesk::ui::platform_text::permission_name;
use wxdesk::wechat::permissions::{self, simulator_sets};

fn text(lang: Lang, key: &str) -> &'static str {
    catalog(lang)
        .get(key)
        .unwrap_or_else(|| panic!("no {key} in {}", lang.tag()))
}

fn click_button(console: &mut Console, label: &str) {
    console.harness.get_by_role_and_label(Role::Button, label).click();
    console.settle();
}

fn authorize_and_find_the_merchant(lang: Lang) {
    let mut console = Console::start(lang);
    assert!(
        console.sent(|c| *c == Command::LoadProfiles) == 1,
        "the console asks for its profiles once"
    );

    click_button(&mut console, text(lang, "nav.merchants"));
    console.harness.get_by_label("云朵咖啡");
    assert!(console.harness.query_by_label(NEW_MERCHANT).is_none());

    click_button(&mut console, text(lang, "merchants.authorize"));
    assert_eq!(
        console.sent(|c| matches!(c, Command::CreatePreAuth(_))),
        1,
        "opening the view makes one code"
    );
    console.harness.get_by_label(text(lang, "authorize.waiting"));

    click_button(&mut console, text(lang, "authorize.simulate"));
    click_button(&mut console, text(lang, "authorize.simulate_confirm"));
    let scans: Vec<_> = console
        .engine
        .received
        .iter()
        .filter(|c| matches!(c, Command::SimulateScan { .. }))
        .collect();
    assert_eq!(scans.len(), 1);
    let Command::SimulateScan { pre_auth_code, .. } = scans[0] else {
        unreachable!()
    };
    assert_eq!(pre_auth_code, "preauthcode@@@1", "the scan uses the code on screen");

    let wanted = format!("✓ {NEW_MERCHANT}");
    let node = console.harness.get_by_label_contains(&wanted).accesskit_node();
    let line = node.label().or_else(|| node.value()).unwrap_or_default();
    assert!(
        line.contains(&permission_name(17)),
        "the line names the granted sets: {line}"
    );
    assert_eq!(
        console.sent(|c| matches!(c, Command::CreatePreAuth(_))),
        2,
        "the used code is replaced"
    );

    click_button(&mut console, text(lang, "nav.merchants"));
    console.harness.get_by_role(Role::TextInput).focus();
    console.harness.step();
    console.harness.get_by_role(Role::TextInput).type_text("新客");
    console.settle();
    console.harness.get_by_label(NEW_MERCHANT);
    assert!(
        console.harness.query_by_label("云朵咖啡").is_none(),
        "the search hides the others"
    );

    // Clear the search, then filter by a set the new merchant did not grant (it granted the default 17, 18, 19, 25).
    click_button(&mut console, text(lang, "merchants.clear_filters"));
    console.harness.get_by_label("云朵咖啡");
    console
        .harness
        .get_by_role_and_label(Role::ComboBox, text(lang, "merchants.filter_set"))
        .click();
    console.settle();
    // The option may lie below the popup's visible part; a screen reader's click reaches it all the same.
    console
        .harness
        .get_by_label(&format!("25 · {}", permission_name(25)))
        .click_accesskit();
    console.settle();
    assert_eq!(
        console.harness.state().views().merchants.query.func_id,
        Some(25),
        "the filter took the set"
    );
    // Odd-numbered seed merchants granted 18 and 25, even-numbered ones 17, 18 and 19.
    console.harness.get_by_label("老街面馆");
    assert!(
        console.harness.query_by_label("云朵咖啡").is_none(),
        "云朵咖啡 did not grant set 25"
    );
    console.harness.get_by_label(NEW_MERCHANT);
}

#[test]
fn authorize_a_merchant_and_find_it_in_zh_cn() {
    authorize_and_find_the_merchant(Lang::ZhCn);
}

#[test]
fn authorize_a_merchant_and_find_it_in_en() {
    authorize_and_find_the_merchant(Lang::En);
}

#[test]
fn the_language_switcher_changes_every_label() {
    let mut console = Console::start(Lang::ZhCn);
    console
        .harness
        .get_by_role_and_label(Role::Button, text(Lang::ZhCn, "nav.merchants"));
    click_button(&mut console, "English");
    console
        .harness
        .get_by_role_and_label(Role::Button, text(Lang::En, "nav.merchants"));
    assert!(
        console
            .harness
            .query_by_role_and_label(Role::Button, text(Lang::ZhCn, "nav.merchants"))
            .is_none()
    );
    assert_eq!(
        console.harness.state().prefs().lang,
        Lang::En,
        "the choice is a persisted preference"
    );
}

#[test]
fn sorting_by_name_puts_latin_names_first_and_can_flip() {
    let mut console = Console::start(Lang::En);
    click_button(&mut console, text(Lang::En, "nav.merchants"));
    let name = text(Lang::En, "merchants.col_name");
    click_button(&mut console, name);
    let order = &console.harness.state().views().merchants.index.rows;
    let list = console
        .harness
        .state()
        .state()
        .authorizers
        .value()
        .cloned()
        .unwrap_or_default();
    let first = &list[order[0]].nick_name;
    assert_eq!(first, "Green Tea House", "ascending by code point puts Latin first");
    click_button(&mut console, &format!("{name} ▲"));
    let order = &console.harness.state().views().merchants.index.rows;
    assert_ne!(
        &list[order[0]].nick_name, "Green Tea House",
        "a second click sorts descending"
    );
}

#[test]
fn every_command_the_flow_sends_gets_its_answer() {
    let mut console = Console::start(Lang::ZhCn);
    for key in ["nav.merchants", "merchants.sync", "nav.activity", "nav.provider"] {
        click_button(&mut console, text(Lang::ZhCn, key));
    }
    let state = console.harness.state().state();
    assert!(!state.authorizers.is_loading() && !state.status.is_loading() && !state.activity.is_loading());
    assert!(
        !state.sync.result.is_loading() && state.sync.progress.is_none(),
        "no spinner spins forever"
    );
    assert!(console.sent(|c| *c == Command::SyncAuthorizers) == 1);
}

/// Issue 8: the forms cleared their secrets on every frame after a successful save, so a key typed afterwards
/// vanished at once and neither form could be saved a second time.
#[test]
fn a_secret_typed_after_a_successful_save_stays() {
    let lang = Lang::En;
    let mut console = Console::start(lang);
    click_button(&mut console, text(lang, "nav.provider"));
    console
        .harness
        .get_by_role_and_label(Role::DisclosureTriangle, text(lang, "provider.remote_form"))
        .click();
    console.settle();
    {
        let forms = &mut console.harness.state_mut().views_mut().provider;
        forms.remote.hub_url = "https://hub.example.com".into();
        forms.remote.operator_key = "first-operator-key".into();
    }
    click_button(&mut console, text(lang, "provider.save_remote"));
    console.harness.get_by_label(text(lang, "provider.saved"));
    assert_eq!(
        console.harness.state().views().provider.remote.operator_key,
        "",
        "a saved secret leaves the form"
    );

    let key_label = text(lang, "form.operator_key");
    console
        .harness
        .get_by_role_and_label(Role::PasswordInput, key_label)
        .focus();
    console.harness.step();
    console
        .harness
        .get_by_role_and_label(Role::PasswordInput, key_label)
        .type_text("second-operator-key");
    console.settle();
    assert_eq!(
        console.harness.state().views().provider.remote.operator_key,
        "second-operator-key",
        "a key typed after the save stays in the form"
    );

    click_button(&mut console, text(lang, "provider.save_remote"));
    let saved_keys: Vec<_> = console
        .engine
        .received
        .iter()
        .filter_map(|c| match c {
            Command::SaveRemoteProfile(form) => Some(form.operator_key.expose().to_owned()),
            _ => None,
        })
        .collect();
    assert_eq!(
        saved_keys,
        ["first-operator-key", "second-operator-key"],
        "the form saves a second time"
    );
    assert_eq!(console.harness.state().views().provider.remote.operator_key, "");
}

/// Issue 8: the simulated scan listed every set of the account kind, and the simulator silently dropped those it does
/// not offer. The list now shows exactly the simulator's sets, in its order.
#[test]
fn the_simulated_scan_lists_exactly_the_sets_the_simulator_offers() {
    let lang = Lang::En;
    let mut console = Console::start(lang);
    click_button(&mut console, text(lang, "nav.merchants"));
    click_button(&mut console, text(lang, "merchants.authorize"));
    click_button(&mut console, text(lang, "authorize.simulate"));
    assert_eq!(console.harness.state().state().scan_kind(), AccountKind::MiniProgram);
    let shown: Vec<String> = console
        .harness
        .query_all_by_role(Role::CheckBox)
        .filter_map(|node| node.accesskit_node().label())
        .filter(|label| label.starts_with(|c: char| c.is_ascii_digit()) && label.contains(" · "))
        .collect();
    let offered: Vec<String> = simulator_sets(permissions::AccountKind::MiniProgram)
        .iter()
        .map(|&id| format!("{id} · {}", permission_name(id)))
        .collect();
    assert_eq!(shown, offered);
}
