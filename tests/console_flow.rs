//! The console's main flow clicked by role and label, in zh-CN and in en: open Merchants, "Authorize a merchant…",
//! simulate the merchant's scan, see the success line, find the new merchant in the list, filter by a permission set.

mod console_support;

use console_support::{Console, NEW_MERCHANT, seed_merchants};
use egui::Modifiers;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use wxdesk::engine::protocol::Command;
use wxdesk::ui::i18n::{Lang, catalog};
use wxdesk::ui::platform_text::permission_name;

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

#[test]
fn select_merchants_copy_their_appids_and_keep_them_across_a_sort() {
    let lang = Lang::En;
    let mut console = Console::start(lang);
    click_button(&mut console, text(lang, "nav.merchants"));
    let selected = |console: &Console| console.harness.state().views().merchants.table.selection.len();

    // Newest first: 云朵咖啡, 老街面馆, 春风花店, 明月书店, 小林水果 are seed merchants 0 to 4.
    console.harness.get_by_label("云朵咖啡").click();
    console.settle();
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
    assert_eq!(selected(&console), 4, "a range of three and one more");
    console
        .harness
        .get_by_label(&text(lang, "table.selected").replace("{count}", "4"));

    let deploy = console
        .harness
        .get_by_role_and_label(Role::Button, text(lang, "merchants.bulk_deploy"));
    assert!(
        deploy.accesskit_node().is_disabled(),
        "deployments come with the Templates panel"
    );
    console
        .harness
        .get_by_role_and_label(Role::Button, text(lang, "merchants.bulk_copy_appids"))
        .click();
    console.harness.step();
    let copied = console
        .harness
        .output()
        .platform_output
        .commands
        .iter()
        .find_map(|command| match command {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        });
    let seeds = seed_merchants();
    let expected: Vec<&str> = [0, 1, 2, 4].iter().map(|&i| seeds[i].appid.as_str()).collect();
    assert_eq!(
        copied.as_deref(),
        Some(expected.join("\n").as_str()),
        "one appid a line, in the table's order"
    );

    // Re-sorting keeps the selection: it is held by appid, not by row.
    click_button(&mut console, text(lang, "merchants.col_name"));
    assert_eq!(selected(&console), 4);

    // A search that hides three of them leaves one selected, and the detail pane shows it.
    console.harness.get_by_role(Role::TextInput).focus();
    console.harness.step();
    console.harness.get_by_role(Role::TextInput).type_text("云朵");
    console.settle();
    assert_eq!(selected(&console), 1);
    console
        .harness
        .get_by_role_and_label(Role::Button, text(lang, "merchants.copy_appid"));
}
